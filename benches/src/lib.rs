//! Shared workloads and timing support for the `ad` benchmarks.
//!
//! The workload is written once, generically over [`ad_core::Real`], and evaluated
//! over `f64` (the baseline), [`ad_core::Dual`] (gradients), [`ad_core::Dual2`]
//! (Hessians) and [`ad_core::Var`] (reverse mode: recorded on a [`Tape`], swept
//! once, or replayed as a [`Program`]). The peer crates' versions of the same
//! function live in `benches/shared/peers.rs` (forward mode) and
//! `benches/shared/reverse_peers.rs` (reverse mode), which the criterion benches, the
//! `report` example and the tests include: the peers are dev-dependencies, so this
//! library cannot name them.
//!
//! Run `cargo bench -p benches` for criterion, or
//! `cargo run --release -p benches --example report` for the one-line-per-comparison
//! report.

use std::hint::black_box;
use std::time::Instant;

use ad_core::{Error, Lanes, Program, Real, Tape, Workspace, gradient, hessian, vmap};

mod workload;
pub use workload::{HALF_LN_2PI, lognormal_logpdf, point, rosenbrock};

/// [`rosenbrock`] at `n = 8`, 100 and 1000 (f64) as generated code, and the programs
/// of the vmap cases (f32: [`lognormal_logpdf`] as `lognormal_f32`, Rosenbrock
/// n = 2, 10, 100 as `rosenbrock{n}_f32`; f64: `lognormal_f64`): the build script
/// records each on a `VecTape` and writes [`Program::to_rust`]'s output, which this
/// module includes (`{name}_value`, `_vjp` and `_gradient`).
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated_rosenbrock.rs"));
}

/// The gradient of [`rosenbrock`] at `n = N` by its generated code ([`generated`]),
/// for `N` in 8, 100 and 1000 (the generated sizes); `None` for another `N`.
#[must_use]
#[allow(clippy::type_complexity)]
pub fn generated_gradient<const N: usize>() -> Option<fn([f64; N]) -> Result<(f64, [f64; N]), Error>>
{
    fn cast<const A: usize, const B: usize>(
        f: fn([f64; A]) -> Result<(f64, [f64; A]), Error>,
    ) -> Option<fn([f64; B]) -> Result<(f64, [f64; B]), Error>> {
        // `A == B` here: the same type, which `Any` confirms without `unsafe`.
        let any: &dyn std::any::Any = &f;
        any.downcast_ref().copied()
    }
    match N {
        8 => cast::<8, N>(gen8),
        100 => cast::<100, N>(gen100),
        1000 => cast::<1000, N>(gen1000),
        _ => None,
    }
}

/// The timed entry points of the generated gradients: one compiled function each, as
/// the other implementations are.
#[inline(never)]
fn gen8(x: [f64; 8]) -> Result<(f64, [f64; 8]), Error> {
    generated::rosenbrock8_gradient(x)
}
#[inline(never)]
fn gen100(x: [f64; 100]) -> Result<(f64, [f64; 100]), Error> {
    generated::rosenbrock100_gradient(x)
}
#[inline(never)]
fn gen1000(x: [f64; 1000]) -> Result<(f64, [f64; 1000]), Error> {
    generated::rosenbrock1000_gradient(x)
}

/// The number of variables of the gradient benchmark.
pub const GRAD_N: usize = 8;

/// The number of variables of the Hessian benchmark.
pub const HESS_N: usize = 4;

/// Tape capacity for the record-and-sweep benchmark at `n = 8`, which records 67
/// nodes: the 8 inputs, the zero the sum starts from and the constants 100 and 1 (each
/// recorded once: the recorder reuses a recent constant node), and per term `a·a`,
/// `b − a·a`, `t·t`, `100·t²`, `1 − a`, `u·u` and two additions.
///
/// ```
/// use ad_core::Tape;
/// let mut tape: Tape<f64, { benches::SMALL_CAP }> = Tape::new();
/// assert_eq!(benches::record_rosenbrock::<8, _>(&mut tape)?.len(), 67);
/// # Ok::<(), ad_core::Error>(())
/// ```
pub const SMALL_CAP: usize = 128;

/// Tape capacity for the replay benchmarks up to `n = 1000`, which records 8 995
/// nodes (3 + n + 8(n − 1)). Input `i` is first used about `1003 + 7i` nodes after it
/// was recorded, within the 8191 an operand field reaches, so no `REF` nodes are
/// needed at this size.
pub const LARGE_CAP: usize = 12_288;

/// The value of [`rosenbrock`] over plain `f64`: the baseline.
///
/// This and the other timed entry points are `#[inline(never)]`: every
/// implementation is measured as one compiled function called with opaque
/// inputs, as a user's code calls it, whatever the benchmark loop around it (see
/// the README).
#[inline(never)]
#[must_use]
pub fn value<const N: usize>(x: [f64; N]) -> f64 {
    rosenbrock(&x)
}

/// The gradient of [`rosenbrock`] by one forward pass over `Dual<f64, N>`.
#[inline(never)]
#[must_use]
pub fn ours_gradient<const N: usize>(x: [f64; N]) -> [f64; N] {
    gradient(|v| rosenbrock(&v), x)
}

/// The Hessian of [`rosenbrock`] by one pass over `Dual2<f64, N>`.
#[inline(never)]
#[must_use]
pub fn ours_hessian<const N: usize>(x: [f64; N]) -> [[f64; N]; N] {
    hessian(|v| rosenbrock(&v), x)
}

/// The gradient of [`rosenbrock`] by reverse mode: records the function on `tape`
/// and sweeps backward once (what `echidna::grad` does; no replay).
///
/// The tape is the caller's and is reused from call to call, as echidna reuses its
/// pooled thread-local tape and ad_trait its global graph.
///
/// # Errors
///
/// [`Error::TapeFull`] when `CAP` nodes are too few (see [`SMALL_CAP`]).
#[inline(never)]
pub fn ours_tape_gradient<const N: usize, const CAP: usize>(
    tape: &mut Tape<f64, CAP>,
    x: [f64; N],
) -> Result<[f64; N], Error> {
    tape.gradient(|v| rosenbrock(&v), x).map(|(_, g)| g)
}

/// Records [`rosenbrock`] over `N` inputs at [`point`] for the replay benchmarks.
///
/// # Errors
///
/// [`Error::TapeFull`] when `CAP` nodes are too few (see [`SMALL_CAP`]).
pub fn record_rosenbrock<const N: usize, const CAP: usize>(
    tape: &mut Tape<f64, CAP>,
) -> Result<Program<'_, f64, N, 1>, Error> {
    tape.record(point::<N>(), |v| [rosenbrock(&v)])
}

/// The gradient of a recorded program at `x`: one replay of the values and one
/// reverse sweep, no recording (the interpreted replay).
///
/// # Errors
///
/// What [`Program::gradient`] returns (a changed branch; Rosenbrock has none).
#[inline(never)]
pub fn ours_replay_gradient<const N: usize>(
    prog: &mut Program<'_, f64, N, 1>,
    x: [f64; N],
) -> Result<[f64; N], Error> {
    prog.gradient(x).map(|(_, g)| g)
}

/// Lanes of the batched replay benchmark: `Lanes<f64, 16>` (two AVX-512 vectors, four
/// AVX2 ones); 8 and 32 measured within 10 % of it at n = 8, 100 and 1000.
pub const REPLAY_LANES: usize = 16;

/// Scratch of the batched replay: a program of up to [`LARGE_CAP`] nodes over
/// `Lanes<f64, REPLAY_LANES>`.
pub type LanesWork = Workspace<Lanes<f64, REPLAY_LANES>, LARGE_CAP>;

/// The batch of `len` points around [`point`] for the batched replay: point `k` is
/// `point + k · 10⁻³` in every coordinate.
#[must_use]
pub fn batch<const N: usize>(len: usize) -> Vec<[f64; N]> {
    (0..len)
        .map(|k| point::<N>().map(|v| v + 1e-3 * k as f64))
        .collect()
}

/// The values and gradients of a recorded program at every point of `points`:
/// batched reverse mode, one replay and one reverse sweep over
/// `Lanes<f64, REPLAY_LANES>` per chunk of points (`vmap::program_gradient`).
///
/// # Errors
///
/// What [`vmap::program_gradient`] returns (slice lengths, a changed branch).
#[inline(never)]
pub fn ours_lanes_replay_gradient<const N: usize>(
    prog: &mut Program<'_, f64, N, 1>,
    work: &mut LanesWork,
    points: &[[f64; N]],
    values: &mut [f64],
    grads: &mut [[f64; N]],
) -> Result<(), Error> {
    vmap::program_gradient(prog, work, points, values, grads)
}

/// The input point `(y, μ, σ)` of the log-normal latency benchmark.
pub const LOGNORMAL_AT: [f64; 3] = [1.5, 0.2, 0.8];

/// The log-normal density `exp(−z²/2) / (σ y √(2π))`, `z = (ln y − μ) / σ`, as a
/// function of `(y, μ, σ)`: the small function of the latency benchmark.
///
/// ```
/// let f = benches::lognormal_pdf([1.0_f64, 0.0, 1.0]);
/// assert!((f - 1.0 / (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-15);
/// ```
#[inline]
pub fn lognormal_pdf<T: Real>([y, mu, sigma]: [T; 3]) -> T {
    let z = (y.ln() - mu) / sigma;
    let norm = T::constant(1.0 / (2.0 * core::f64::consts::PI).sqrt());
    (-(T::constant(0.5) * z * z)).exp() * norm / (sigma * y)
}

/// The gradient of [`lognormal_pdf`] in `(y, μ, σ)` written out by hand:
/// `(−f (z/σ + 1)/y, f z/σ, f (z² − 1)/σ)`.
///
/// ```
/// let x = benches::LOGNORMAL_AT;
/// let ad = ad_core::gradient(|v| benches::lognormal_pdf(v), x);
/// let exact = benches::exact_lognormal_gradient(x);
/// assert!(benches::max_rel_diff(&ad, &exact) < 1e-15);
/// ```
#[must_use]
pub fn exact_lognormal_gradient([y, mu, sigma]: [f64; 3]) -> [f64; 3] {
    let f = lognormal_pdf([y, mu, sigma]);
    let z = (y.ln() - mu) / sigma;
    [
        -f * (z / sigma + 1.0) / y,
        f * z / sigma,
        f * (z * z - 1.0) / sigma,
    ]
}

/// The gradient of [`rosenbrock`] written out by hand: the reference every AD result
/// is checked against.
///
/// ```
/// let x = benches::point::<4>();
/// let (ad, exact) = (benches::ours_gradient(x), benches::exact_gradient(x));
/// assert!(benches::max_rel_diff(&ad, &exact) < 1e-15);
/// ```
#[must_use]
pub fn exact_gradient<const N: usize>(x: [f64; N]) -> [f64; N] {
    let mut g = [0.0; N];
    for i in 0..N.saturating_sub(1) {
        let t = x[i + 1] - x[i] * x[i];
        g[i] += -400.0 * x[i] * t - 2.0 * (1.0 - x[i]);
        g[i + 1] += 200.0 * t;
    }
    g
}

/// The Hessian of [`rosenbrock`] written out by hand (tridiagonal).
#[must_use]
pub fn exact_hessian<const N: usize>(x: [f64; N]) -> [[f64; N]; N] {
    let mut h = [[0.0; N]; N];
    for i in 0..N.saturating_sub(1) {
        h[i][i] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        h[i][i + 1] += -400.0 * x[i];
        h[i + 1][i] += -400.0 * x[i];
        h[i + 1][i + 1] += 200.0;
    }
    h
}

/// The largest relative difference `|a − b| / max(|a|, |b|, 1)` over two equally
/// long lists (`f64::INFINITY` if the lengths differ or a value is not finite).
///
/// ```
/// assert_eq!(benches::max_rel_diff(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
/// assert!(benches::max_rel_diff(&[1.0], &[1.1]) > 0.09);
/// ```
#[must_use]
pub fn max_rel_diff(a: &[f64], b: &[f64]) -> f64 {
    if a.len() != b.len() {
        return f64::INFINITY;
    }
    a.iter()
        .zip(b)
        .map(|(&x, &y)| {
            if !(x.is_finite() && y.is_finite()) {
                return f64::INFINITY;
            }
            (x - y).abs() / x.abs().max(y.abs()).max(1.0)
        })
        .fold(0.0, f64::max)
}

/// Median nanoseconds per call of `f`, from `batches` timed batches.
///
/// The batch length is calibrated first so that one batch lasts about
/// `batch_target_ns`; the result of every call goes through [`black_box`] so that
/// nothing is optimised away (the caller passes its inputs through `black_box`
/// inside `f`).
///
/// ```
/// let x = std::hint::black_box(2.0_f64);
/// let ns = benches::time_ns_per_call(3, 100_000, || x.sqrt());
/// assert!(ns > 0.0);
/// ```
pub fn time_ns_per_call<R>(batches: usize, batch_target_ns: u64, mut f: impl FnMut() -> R) -> f64 {
    // Calibrate: double the batch until it lasts at least the target.
    let mut iters: u64 = 1;
    loop {
        let start = Instant::now();
        for _ in 0..iters {
            black_box(f());
        }
        let elapsed = start.elapsed().as_nanos();
        if elapsed >= u128::from(batch_target_ns) || iters >= 1 << 40 {
            break;
        }
        iters *= 2;
    }
    let mut per_call: Vec<f64> = (0..batches.max(1))
        .map(|_| {
            let start = Instant::now();
            for _ in 0..iters {
                black_box(f());
            }
            start.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    per_call[per_call.len() / 2]
}

/// Latency statistics of single calls, in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Latency {
    /// The median call.
    pub median: u64,
    /// The 99th percentile.
    pub p99: u64,
    /// The slowest call.
    pub max: u64,
    /// The number of calls timed.
    pub calls: usize,
}

/// Times `calls` single calls of `f`, each between two [`Instant::now`] readings
/// (so every figure includes one clock read, see [`timer_resolution_ns`]), after
/// `calls / 10` untimed warm-up calls.
///
/// ```
/// let x = std::hint::black_box(2.0_f64);
/// let l = benches::latency_ns(1000, || x.sqrt());
/// assert!(l.median <= l.p99 && l.p99 <= l.max && l.calls == 1000);
/// ```
pub fn latency_ns<R>(calls: usize, mut f: impl FnMut() -> R) -> Latency {
    for _ in 0..calls / 10 {
        black_box(f());
    }
    let mut ns: Vec<u64> = vec![0; calls.max(1)];
    for slot in &mut ns {
        let start = Instant::now();
        black_box(f());
        *slot = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    }
    ns.sort_unstable();
    let at = |q: f64| ns[((ns.len() - 1) as f64 * q).round() as usize];
    Latency {
        median: at(0.5),
        p99: at(0.99),
        max: at(1.0),
        calls,
    }
}

/// The clock behind [`Instant`] as observed here: `(step, read)`, the smallest
/// nonzero difference between two consecutive readings and the median difference
/// (what one `Instant::now()` costs), both in nanoseconds, over `samples` pairs.
///
/// ```
/// let (step, read) = benches::timer_resolution_ns(1000);
/// assert!(step >= 1 && read < 1_000_000);
/// ```
#[must_use]
pub fn timer_resolution_ns(samples: usize) -> (u64, u64) {
    let mut diffs: Vec<u64> = (0..samples.max(1))
        .map(|_| {
            let a = Instant::now();
            let b = Instant::now();
            u64::try_from((b - a).as_nanos()).unwrap_or(u64::MAX)
        })
        .collect();
    diffs.sort_unstable();
    let step = diffs.iter().copied().find(|&d| d > 0).unwrap_or(1);
    (step, diffs[diffs.len() / 2])
}
