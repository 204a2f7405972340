//! One line per comparison: `compare <case>: ours <t> ns, <peer> <t> ns, ratio <r>`.
//!
//! Run with `cargo run --release -p benches --example report`. Every implementation's
//! gradient or Hessian is first checked against ours (and ours against the
//! hand-written derivatives) to 1e-12 relative; a mismatch exits with status 1
//! before anything is timed.

#[path = "../shared/peers.rs"]
mod peers;

use std::hint::black_box;
use std::process::ExitCode;

use benches::{
    GRAD_N, HESS_N, exact_gradient, exact_hessian, max_rel_diff, ours_gradient, ours_hessian,
    point, time_ns_per_call, value,
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
    if ok.contains(&false) {
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
    ExitCode::SUCCESS
}
