//! The benchmark workload, shared with the build script (which records it and writes
//! the generated code of [`crate::generated`]).

use ad_core::Real;

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

/// `0.5 ln(2π)`, the constant of the normal log-density.
pub const HALF_LN_2PI: f64 = 0.918_938_533_204_672_7;

/// The log-normal log-density in `(y, μ, σ)`, the seed lecture's Wengert-list example:
/// `−ln y − ln σ − ½ ln(2π) − (ln y − μ)² / (2σ²)`.
///
/// The JAX side computes the same expression in the same order.
#[inline(always)]
pub fn lognormal_logpdf<T: Real>([y, mu, sigma]: [T; 3]) -> T {
    let ly = y.ln();
    let z = ly - mu;
    -ly - sigma.ln() - T::constant(HALF_LN_2PI) - z * z / (T::constant(2.0) * sigma * sigma)
}
