//! Shared workloads and timing support for the `ad` benchmarks.
//!
//! The workload is written once, generically over [`ad_core::Real`], and evaluated
//! over `f64` (the baseline), [`ad_core::Dual`] (gradients) and [`ad_core::Dual2`]
//! (Hessians). The peer crates' versions of the same function live in
//! `benches/shared/peers.rs`, which the criterion bench and the `report` example
//! include: the peers are dev-dependencies, so this library cannot name them.
//!
//! Run `cargo bench -p benches` for criterion, or
//! `cargo run --release -p benches --example report` for the one-line-per-comparison
//! report.

use std::hint::black_box;
use std::time::Instant;

use ad_core::{Real, gradient, hessian};

/// The number of variables of the gradient benchmark.
pub const GRAD_N: usize = 8;

/// The number of variables of the Hessian benchmark.
pub const HESS_N: usize = 4;

/// The fixed input point of every benchmark: `x_i = 0.5 + 0.1 i`.
///
/// ```
/// assert_eq!(benches::point::<3>(), [0.5, 0.6, 0.7]);
/// ```
#[must_use]
pub fn point<const N: usize>() -> [f64; N] {
    core::array::from_fn(|i| 0.1f64.mul_add(i as f64, 0.5))
}

/// The extended Rosenbrock function `Σᵢ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²`.
///
/// This is the workload of every benchmark; the peers' versions in
/// `shared/peers.rs` perform the same operations in the same order (a square is a
/// product `t * t`, as num-dual's `powi(2)` also is).
///
/// ```
/// assert_eq!(benches::rosenbrock(&[1.0_f64, 1.0, 1.0]), 0.0);
/// assert_eq!(benches::rosenbrock(&[0.0_f64, 0.0]), 1.0);
/// ```
#[inline]
pub fn rosenbrock<T: Real>(x: &[T]) -> T {
    let hundred = T::constant(100.0);
    let one = T::one();
    let mut sum = T::zero();
    for w in x.windows(2) {
        let (a, b) = (w[0], w[1]);
        let t = b - a * a;
        let u = one - a;
        sum = sum + hundred * (t * t) + u * u;
    }
    sum
}

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
