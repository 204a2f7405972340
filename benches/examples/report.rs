//! One line per comparison: `compare <case>: ours <t> ns, <peer> <t> ns, ratio <r>`,
//! then single-call latencies (`latency <case>: median .., p99 .., max ..`) and the
//! tape's memory per node.
//!
//! Run with `cargo run --release -p benches --example report`. Every implementation's
//! gradient or Hessian is first checked against ours (and ours against the
//! hand-written derivatives) to 1e-12 relative; a mismatch exits with status 1
//! before anything is timed.

#[path = "../shared/peers.rs"]
mod peers;
#[path = "../shared/reverse_peers.rs"]
mod reverse_peers;

use std::hint::black_box;
use std::process::ExitCode;

use ad_core::{Program, Tape};
use benches::{
    GRAD_N, HESS_N, LARGE_CAP, LOGNORMAL_AT, LanesWork, Latency, REPLAY_LANES, SMALL_CAP, batch,
    exact_gradient, exact_hessian, exact_lognormal_gradient, generated_gradient, latency_ns,
    lognormal_pdf, max_rel_diff, ours_gradient, ours_hessian, ours_lanes_replay_gradient,
    ours_replay_gradient, ours_tape_gradient, point, record_rosenbrock, time_ns_per_call,
    timer_resolution_ns, value,
};

/// Relative tolerance of the correctness checks.
const TOL: f64 = 1e-12;
/// Timed batches per measurement (the median is reported).
const BATCHES: usize = 15;
/// Target length of one batch, in nanoseconds.
const BATCH_NS: u64 = 20_000_000;

/// Checks one implementation's result against the reference; prints and returns
/// whether it matched.
fn check(name: &str, got: &[f64], want: &[f64]) -> bool {
    let d = max_rel_diff(got, want);
    if d <= TOL {
        true
    } else {
        eprintln!("MISMATCH {name}: max relative difference {d:e} > {TOL:e}");
        eprintln!("  got  {got:?}");
        eprintln!("  want {want:?}");
        false
    }
}

/// Flattens a square matrix for [`check`].
fn flat<const N: usize>(m: [[f64; N]; N]) -> Vec<f64> {
    m.iter().flatten().copied().collect()
}

/// Calls timed one by one in the latency measurements.
const LATENCY_CALLS: usize = 100_000;

/// A point near [`point`] but not equal to it (every coordinate + 0.05), where the
/// replays are checked: a replay must recompute, not return the recording.
fn shifted<const N: usize>() -> [f64; N] {
    point::<N>().map(|v| v + 0.05)
}

/// A generated gradient function.
type Generated<const N: usize> = fn([f64; N]) -> Result<(f64, [f64; N]), ad_core::Error>;

/// One replayed Rosenbrock case: our program and echidna's bytecode tape, both
/// recorded at `point::<N>()`.
struct ReplayCase<'t, const N: usize> {
    prog: Program<'t, f64, N, 1>,
    echidna: echidna::BytecodeTape<f64>,
    /// The same program as generated code ([`benches::generated`]).
    generated: Generated<N>,
}

impl<const N: usize> ReplayCase<'_, N> {
    /// Checks both replays' gradients at the recording point and at [`shifted`]
    /// (ours against the exact one, echidna's against ours); prints any mismatch.
    fn check(&mut self) -> bool {
        let mut ok = true;
        for (at, x) in [
            ("recorded point", point::<N>()),
            ("shifted point", shifted::<N>()),
        ] {
            let want = exact_gradient(x);
            let ours = ours_replay_gradient(&mut self.prog, x).unwrap_or([f64::NAN; N]);
            ok &= check(
                &format!("ours replay n={N} at the {at} vs exact"),
                &ours,
                &want,
            );
            let theirs = reverse_peers::echidna_replay_gradient(&mut self.echidna, x);
            ok &= check(
                &format!("echidna bytecode n={N} at the {at}"),
                &theirs,
                &ours,
            );
            let generated = (self.generated)(x).map_or([f64::NAN; N], |(_, g)| g);
            ok &= check(
                &format!("ours generated code n={N} at the {at} vs replay"),
                &generated,
                &ours,
            );
        }
        ok
    }

    /// Checks the batched replay over lanes: its gradient at each of `len` points of
    /// [`batch`] against the one-point replay there.
    fn check_lanes(&mut self, work: &mut LanesWork, len: usize) -> bool {
        let (pts, mut v, mut g) = lanes_batch::<N>(len);
        if ours_lanes_replay_gradient(&mut self.prog, work, &pts, &mut v, &mut g).is_err() {
            eprintln!("mismatch: ours lanes replay n={N}: error");
            return false;
        }
        let (got, want): (Vec<f64>, Vec<f64>) = pts
            .iter()
            .zip(&g)
            .flat_map(|(&x, gl)| {
                let one = ours_replay_gradient(&mut self.prog, x).unwrap_or([f64::NAN; N]);
                gl.iter().copied().zip(one).collect::<Vec<_>>()
            })
            .unzip();
        check(
            &format!("ours lanes replay n={N} ({len} points) vs one-point replay"),
            &got,
            &want,
        )
    }

    /// Times the batched replay over lanes at `len` points of [`batch`], in ns per
    /// point.
    fn time_lanes(&mut self, work: &mut LanesWork, len: usize) -> f64 {
        let (pts, mut v, mut g) = lanes_batch::<N>(len);
        let prog = &mut self.prog;
        let call = time_ns_per_call(BATCHES, BATCH_NS, || {
            ours_lanes_replay_gradient(prog, work, black_box(&pts), &mut v, &mut g)
        });
        call / len as f64
    }

    /// Times the generated gradient at `point::<N>()`, in ns per call.
    fn time_generated(&self) -> f64 {
        let (x, f) = (point::<N>(), self.generated);
        time_ns_per_call(BATCHES, BATCH_NS, || f(black_box(x)))
    }

    /// Times `(ours, f64-value, echidna-bytecode)` at `point::<N>()`, in ns per call.
    fn time(&mut self) -> (f64, f64, f64) {
        let x = point::<N>();
        let plain = time_ns_per_call(BATCHES, BATCH_NS, || value(black_box(x)));
        let prog = &mut self.prog;
        let ours = time_ns_per_call(BATCHES, BATCH_NS, || {
            ours_replay_gradient(prog, black_box(x))
        });
        let tape = &mut self.echidna;
        let theirs = time_ns_per_call(BATCHES, BATCH_NS, || {
            reverse_peers::echidna_replay_gradient(tape, black_box(x))
        });
        (ours, plain, theirs)
    }
}

/// The `len` points of [`batch`] and zeroed value and gradient outputs for them.
fn lanes_batch<const N: usize>(len: usize) -> (Vec<[f64; N]>, Vec<f64>, Vec<[f64; N]>) {
    (batch::<N>(len), vec![0.0; len], vec![[0.0; N]; len])
}

/// Prints one latency line.
fn latency(case: &str, l: Latency) {
    println!(
        "latency {case}: median {} ns, p99 {} ns, max {} ns over {} calls",
        l.median, l.p99, l.max, l.calls
    );
}

/// Prints one comparison line.
fn compare(case: &str, peer: &str, ours_ns: f64, peer_ns: f64) {
    println!(
        "compare {case} vs {peer}: ours {ours_ns:.1} ns, {peer} {peer_ns:.1} ns, ratio {:.2}",
        ours_ns / peer_ns
    );
}

fn main() -> ExitCode {
    let xg = point::<GRAD_N>();
    let xh = point::<HESS_N>();

    // Correctness first: a benchmark of wrong numbers is worthless.
    let g = ours_gradient(xg);
    let h = ours_hessian(xh);
    let ok = [
        check("ours gradient vs exact", &g, &exact_gradient(xg)),
        check("ours Hessian vs exact", &flat(h), &flat(exact_hessian(xh))),
        check("num-dual gradient", &peers::num_dual_gradient(xg), &g),
        check("hyperdual gradient", &peers::hyperdual_gradient_n8(xg), &g),
        check(
            "num-dual HyperDualVec Hessian",
            &flat(peers::num_dual_hyperdual_hessian(xh)),
            &flat(h),
        ),
        check(
            "num-dual Dual2Vec Hessian",
            &flat(peers::num_dual_dual2_hessian(xh)),
            &flat(h),
        ),
    ];

    // Reverse mode: record + sweep at n = 8 against the peers' gradients.
    let mut small: Tape<f64, SMALL_CAP> = Tape::new();
    let engine = reverse_peers::ad_trait_engine(GRAD_N);
    let rg = ours_tape_gradient(&mut small, xg).unwrap_or([f64::NAN; GRAD_N]);
    let rev_ok = [
        check("ours tape gradient vs exact", &rg, &exact_gradient(xg)),
        check("echidna grad", &reverse_peers::echidna_gradient(xg), &rg),
        check("reverse grad", &reverse_peers::reverse_gradient(xg), &rg),
        check(
            "ad_trait ReverseAD",
            &reverse_peers::ad_trait_gradient(&engine, xg),
            &rg,
        ),
    ];

    // Replayed programs at n = 8, 100, 1000 (each on its own heap-allocated tape)
    // and the log-normal density of the latency measurement.
    let mut t8 = Box::new(Tape::<f64, LARGE_CAP>::new());
    let mut t100 = Box::new(Tape::<f64, LARGE_CAP>::new());
    let mut t1000 = Box::new(Tape::<f64, LARGE_CAP>::new());
    let mut tln: Tape<f64, 32> = Tape::new();
    let (Ok(p8), Ok(p100), Ok(p1000), Ok(mut pln)) = (
        record_rosenbrock::<8, _>(&mut t8),
        record_rosenbrock::<100, _>(&mut t100),
        record_rosenbrock::<1000, _>(&mut t1000),
        tln.record(LOGNORMAL_AT, |v| [lognormal_pdf(v)]),
    ) else {
        eprintln!("error: a recording failed (tape too small?)");
        return ExitCode::FAILURE;
    };
    let (Some(g8), Some(g100), Some(g1000)) = (
        generated_gradient::<8>(),
        generated_gradient::<100>(),
        generated_gradient::<1000>(),
    ) else {
        eprintln!("error: no generated code for n = 8, 100 or 1000");
        return ExitCode::FAILURE;
    };
    let mut r8 = ReplayCase {
        prog: p8,
        echidna: reverse_peers::echidna_record(point::<8>()),
        generated: g8,
    };
    let mut r100 = ReplayCase {
        prog: p100,
        echidna: reverse_peers::echidna_record(point::<100>()),
        generated: g100,
    };
    let mut r1000 = ReplayCase {
        prog: p1000,
        echidna: reverse_peers::echidna_record(point::<1000>()),
        generated: g1000,
    };
    // The batched replay over lanes: points per call at n = 8, 100, 1000 (whole
    // chunks of lanes, a few microseconds to tens of microseconds per call).
    let batch_len = [1024, 256, 32];
    // The n = 1000 check runs 17 points: one whole chunk of 16 lanes and a remainder
    // of one (the padded chunk), each against a one-point replay.
    let remainder_check = REPLAY_LANES + 1;
    let mut work = Box::new(LanesWork::new());
    let ln_at = LOGNORMAL_AT.map(|v| v * 1.1);
    let replay_ok = [
        r8.check(),
        r100.check(),
        r1000.check(),
        r8.check_lanes(&mut work, batch_len[0]),
        r100.check_lanes(&mut work, batch_len[1]),
        r1000.check_lanes(&mut work, remainder_check),
        check(
            "ours log-normal replay vs exact",
            &pln.gradient(ln_at).map_or([f64::NAN; 3], |(_, g)| g),
            &exact_lognormal_gradient(ln_at),
        ),
    ];

    if ok.contains(&false) || rev_ok.contains(&false) || replay_ok.contains(&false) {
        eprintln!("error: an implementation disagrees with ours; nothing timed");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "check: every gradient and Hessian agrees with ours (and ours with the exact ones) to {TOL:e}"
    );

    let grad_value = time_ns_per_call(BATCHES, BATCH_NS, || value(black_box(xg)));
    let grad_ours = time_ns_per_call(BATCHES, BATCH_NS, || ours_gradient(black_box(xg)));
    let grad_nd = time_ns_per_call(BATCHES, BATCH_NS, || {
        peers::num_dual_gradient(black_box(xg))
    });
    let grad_hd = time_ns_per_call(BATCHES, BATCH_NS, || {
        peers::hyperdual_gradient_n8(black_box(xg))
    });
    let hess_ours = time_ns_per_call(BATCHES, BATCH_NS, || ours_hessian(black_box(xh)));
    let hess_ndh = time_ns_per_call(BATCHES, BATCH_NS, || {
        peers::num_dual_hyperdual_hessian(black_box(xh))
    });
    let hess_nd2 = time_ns_per_call(BATCHES, BATCH_NS, || {
        peers::num_dual_dual2_hessian(black_box(xh))
    });

    let rec_ours = time_ns_per_call(BATCHES, BATCH_NS, || {
        ours_tape_gradient(&mut small, black_box(xg))
    });
    let rec_echidna = time_ns_per_call(BATCHES, BATCH_NS, || {
        reverse_peers::echidna_gradient(black_box(xg))
    });
    let rec_reverse = time_ns_per_call(BATCHES, BATCH_NS, || {
        reverse_peers::reverse_gradient(black_box(xg))
    });
    let rec_ad_trait = time_ns_per_call(BATCHES, BATCH_NS, || {
        reverse_peers::ad_trait_gradient(&engine, black_box(xg))
    });
    let replay = [
        (
            "8",
            r8.time(),
            r8.time_lanes(&mut work, batch_len[0]),
            r8.time_generated(),
        ),
        (
            "100",
            r100.time(),
            r100.time_lanes(&mut work, batch_len[1]),
            r100.time_generated(),
        ),
        (
            "1000",
            r1000.time(),
            r1000.time_lanes(&mut work, batch_len[2]),
            r1000.time_generated(),
        ),
    ];

    // Single-call latency: the timer first, then an empty call (what the timing
    // itself costs), then two small replayed gradients.
    let (step, read) = timer_resolution_ns(LATENCY_CALLS);
    let empty = latency_ns(LATENCY_CALLS, || black_box(0.0_f64));
    let lat_ln = latency_ns(LATENCY_CALLS, || pln.gradient(black_box(LOGNORMAL_AT)));
    let lat_r8 = latency_ns(LATENCY_CALLS, || {
        ours_replay_gradient(&mut r8.prog, black_box(xg))
    });

    compare("rosenbrock_grad_n8", "f64-value", grad_ours, grad_value);
    compare("rosenbrock_grad_n8", "num-dual", grad_ours, grad_nd);
    compare("rosenbrock_grad_n8", "hyperdual", grad_ours, grad_hd);
    compare(
        "rosenbrock_hess_n4",
        "num-dual-hyperdualvec",
        hess_ours,
        hess_ndh,
    );
    compare(
        "rosenbrock_hess_n4",
        "num-dual-dual2vec",
        hess_ours,
        hess_nd2,
    );
    compare(
        "rosenbrock_record_grad_n8",
        "echidna",
        rec_ours,
        rec_echidna,
    );
    compare(
        "rosenbrock_record_grad_n8",
        "reverse",
        rec_ours,
        rec_reverse,
    );
    compare(
        "rosenbrock_record_grad_n8",
        "ad_trait",
        rec_ours,
        rec_ad_trait,
    );
    for (n, (ours, plain, echidna), lanes, generated) in replay {
        let case = format!("rosenbrock_replay_grad_n{n}");
        compare(&case, "f64-value", ours, plain);
        compare(&case, "echidna-bytecode", ours, echidna);
        let case = format!("rosenbrock_replay_lanes{REPLAY_LANES}_grad_n{n}_per_point");
        compare(&case, "f64-value", lanes, plain);
        let case = format!("rosenbrock_generated_grad_n{n}");
        compare(&case, "f64-value", generated, plain);
    }
    println!(
        "timer: Instant::now() step {step} ns (smallest nonzero), one read {read} ns (median)"
    );
    latency("empty-call", empty);
    latency("lognormal_replay_grad", lat_ln);
    latency("rosenbrock_replay_grad_n8", lat_r8);
    // The scratch of the reverse sweep (adjoint and reached flag per node), measured
    // from the size of the tape itself.
    let scratch = |total: usize, recorded: usize| total / 1024 - recorded;
    println!(
        "bytes per node: f32 {}, f64 {} (recorded: 4-byte packed node + value); sweep scratch adds f32 {}, f64 {} (adjoint + reached flag)",
        Tape::<f32, 1>::BYTES_PER_NODE,
        Tape::<f64, 1>::BYTES_PER_NODE,
        scratch(size_of::<Tape<f32, 1024>>(), Tape::<f32, 1>::BYTES_PER_NODE),
        scratch(size_of::<Tape<f64, 1024>>(), Tape::<f64, 1>::BYTES_PER_NODE),
    );
    ExitCode::SUCCESS
}
