//! The batched (vmap) cases of the comparison against JAX, shared by the criterion
//! bench `vmap` and the `vmap_cases` example (both `#[path]`-include this file):
//! the two workloads, the inputs, the hand-written derivatives the results are
//! checked against, and one `#[inline(never)]` entry point per strategy.
//!
//! The JAX side (`benches/jax/cases.py`) writes the same functions with the same
//! operations in the same order.

use ad_core::{Dual, Error, HessianColoring, LaneMath, Lanes, Program, Real, Workspace, vmap};
use benches::{generated, rosenbrock};

pub use benches::lognormal_logpdf;

/// The gradient of [`lognormal_logpdf`] written out by hand:
/// `(−1/y − z/(σ² y), z/σ², −1/σ + z²/σ³)` with `z = ln y − μ`.
pub fn exact_lognormal_logpdf_gradient([y, mu, sigma]: [f64; 3]) -> [f64; 3] {
    let z = y.ln() - mu;
    let s2 = sigma * sigma;
    [
        -1.0 / y - z / (s2 * y),
        z / s2,
        -1.0 / sigma + z * z / (s2 * sigma),
    ]
}

/// SplitMix64: a small deterministic generator, so that every run times the same
/// inputs without a dependency.
struct SplitMix(u64);

impl SplitMix {
    /// A uniform number in `[0, 1)` (53 random bits).
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `count` points with coordinate `k` uniform in `ranges[k]` (open interval up to
/// rounding), converted by `conv`; deterministic in `seed`.
pub fn uniform_points<T, const N: usize>(
    count: usize,
    seed: u64,
    ranges: [(f64, f64); N],
    conv: impl Fn(f64) -> T,
) -> Vec<[T; N]> {
    let mut rng = SplitMix(seed);
    (0..count)
        .map(|_| {
            core::array::from_fn(|k| {
                conv(ranges[k].0 + (ranges[k].1 - ranges[k].0) * rng.uniform())
            })
        })
        .collect()
}

/// The log-normal inputs: `y ∈ (0.5, 5)`, `μ ∈ (−1, 1)`, `σ ∈ (0.5, 2)`.
pub const LOGNORMAL_RANGES: [(f64, f64); 3] = [(0.5, 5.0), (-1.0, 1.0), (0.5, 2.0)];

/// The Rosenbrock inputs: every coordinate in `(−2, 2)`.
pub const ROSENBROCK_RANGE: (f64, f64) = (-2.0, 2.0);

/// Value and gradient of [`lognormal_logpdf`] at every point, forward mode over
/// `Dual<Lanes<T, L>, 3>`.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn lognormal_forward<const L: usize, T: LaneMath>(
    points: &[[T; 3]],
    values: &mut [T],
    grads: &mut [[T; 3]],
) -> Result<(), Error> {
    vmap::gradient::<L, _, _, _>(lognormal_logpdf, points, values, grads)
}

/// [`benches::rosenbrock`] with `#[inline(always)]` (the library's is `#[inline]`,
/// which LLVM declines over the large `Dual<Lanes<..>>` types): the same operations in
/// the same order, to show what the call boundary costs.
#[inline(always)]
pub fn rosenbrock_inline<T: Real>(x: &[T]) -> T {
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

/// Forward-mode gradient over `Dual<Lanes<f32, L>, N>` like [`rosenbrock_forward`],
/// of [`rosenbrock_inline`].
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn rosenbrock_forward_inline<const L: usize, const N: usize>(
    points: &[[f32; N]],
    values: &mut [f32],
    grads: &mut [[f32; N]],
) -> Result<(), Error> {
    vmap::gradient::<L, _, _, _>(
        |x: [Dual<Lanes<f32, L>, N>; N]| rosenbrock_inline(&x),
        points,
        values,
        grads,
    )
}

/// Second-order forward mode like [`rosenbrock_hessian`], of [`rosenbrock_inline`].
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn rosenbrock_hessian_inline<const L: usize, const N: usize>(
    points: &[[f32; N]],
    values: &mut [f32],
    grads: &mut [[f32; N]],
    hess: &mut [[[f32; N]; N]],
) -> Result<(), Error> {
    vmap::hessian::<L, _, _, _>(|x| rosenbrock_inline(&x), points, values, grads, hess)
}

/// Value and gradient of Rosenbrock over `N` variables at every point, forward mode
/// over `Dual<Lanes<f32, L>, N>`.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn rosenbrock_forward<const L: usize, const N: usize>(
    points: &[[f32; N]],
    values: &mut [f32],
    grads: &mut [[f32; N]],
) -> Result<(), Error> {
    vmap::gradient::<L, _, _, _>(
        |x: [Dual<Lanes<f32, L>, N>; N]| rosenbrock(&x),
        points,
        values,
        grads,
    )
}

/// Value and gradient of a recorded program at every point, replayed over
/// `Lanes<f32, L>` (batched reverse mode).
///
/// # Errors
///
/// What [`vmap::program_gradient`] returns.
#[inline(never)]
pub fn program_gradient<const L: usize, const N: usize, const W: usize>(
    prog: &mut Program<'_, f32, N, 1>,
    work: &mut Workspace<Lanes<f32, L>, W>,
    points: &[[f32; N]],
    values: &mut [f32],
    grads: &mut [[f32; N]],
) -> Result<(), Error> {
    vmap::program_gradient(prog, work, points, values, grads)
}

/// Value, gradient and Hessian of Rosenbrock over `N` variables at every point, one
/// second-order forward pass over `Dual2<Lanes<f32, L>, N>` per chunk.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn rosenbrock_hessian<const L: usize, const N: usize>(
    points: &[[f32; N]],
    values: &mut [f32],
    grads: &mut [[f32; N]],
    hess: &mut [[[f32; N]; N]],
) -> Result<(), Error> {
    vmap::hessian::<L, _, _, _>(|x| rosenbrock(&x), points, values, grads, hess)
}

/// Value, gradient and Hessian of a recorded program at every point, by
/// forward-over-reverse over `Dual<Lanes<f32, L>, N>`.
///
/// # Errors
///
/// What [`vmap::program_hessian`] returns.
#[inline(never)]
pub fn program_hessian<const L: usize, const N: usize, const W: usize>(
    prog: &mut Program<'_, f32, N, 1>,
    work: &mut Workspace<Dual<Lanes<f32, L>, N>, W>,
    points: &[[f32; N]],
    values: &mut [f32],
    grads: &mut [[f32; N]],
    hess: &mut [[[f32; N]; N]],
) -> Result<(), Error> {
    vmap::program_hessian(prog, work, points, values, grads, hess)
}

/// Workspace nodes for the recorded Rosenbrock n = 100 (895 nodes).
pub const W100: usize = 1024;

/// Workspace nodes for the recorded Rosenbrock n = 10 (85 nodes).
pub const W10: usize = 128;

/// Value and gradient of [`lognormal_logpdf`] at every point by its generated code
/// (`benches::generated::lognormal_f32_gradient`, reverse mode) over `Lanes<f32, L>`.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn lognormal_generated_f32<const L: usize>(
    points: &[[f32; 3]],
    values: &mut [f32],
    grads: &mut [[f32; 3]],
) -> Result<(), Error> {
    vmap::reverse_gradient::<L, _, _, _>(
        generated::lognormal_f32_gradient::<Lanes<f32, L>>,
        points,
        values,
        grads,
    )
}

/// [`lognormal_generated_f32`] in f64.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn lognormal_generated_f64<const L: usize>(
    points: &[[f64; 3]],
    values: &mut [f64],
    grads: &mut [[f64; 3]],
) -> Result<(), Error> {
    vmap::reverse_gradient::<L, _, _, _>(
        generated::lognormal_f64_gradient::<Lanes<f64, L>>,
        points,
        values,
        grads,
    )
}

/// Value and gradient of Rosenbrock n = 2 at every point by its generated f32 code.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn rosenbrock2_generated<const L: usize>(
    points: &[[f32; 2]],
    values: &mut [f32],
    grads: &mut [[f32; 2]],
) -> Result<(), Error> {
    vmap::reverse_gradient::<L, _, _, _>(
        generated::rosenbrock2_f32_gradient::<Lanes<f32, L>>,
        points,
        values,
        grads,
    )
}

/// Value and gradient of Rosenbrock n = 100 at every point by its generated f32 code.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn rosenbrock100_generated<const L: usize>(
    points: &[[f32; 100]],
    values: &mut [f32],
    grads: &mut [[f32; 100]],
) -> Result<(), Error> {
    vmap::reverse_gradient::<L, _, _, _>(
        generated::rosenbrock100_f32_gradient::<Lanes<f32, L>>,
        points,
        values,
        grads,
    )
}

/// Value, gradient and Hessian of Rosenbrock n = 10 at every point: its generated f32
/// gradient over `Dual<Lanes<f32, L>, 10>` (forward-over-reverse).
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length.
#[inline(never)]
pub fn rosenbrock10_hessian_generated<const L: usize>(
    points: &[[f32; 10]],
    values: &mut [f32],
    grads: &mut [[f32; 10]],
    hess: &mut [[[f32; 10]; 10]],
) -> Result<(), Error> {
    vmap::reverse_hessian::<L, _, _, _>(
        generated::rosenbrock10_f32_gradient::<Dual<Lanes<f32, L>, 10>>,
        points,
        values,
        grads,
        hess,
    )
}

/// Value, gradient and Hessian of Rosenbrock n = 10 at every point: its generated f32
/// gradient over `Dual<Lanes<f32, L>, 3>`, one tangent per color of `coloring` (the
/// Hessian is tridiagonal: 3 colors), from [`Program::color_hessian`] on the recorded
/// Rosenbrock n = 10.
///
/// # Errors
///
/// [`Error::LengthMismatch`] when the slices differ in length,
/// [`Error::TooFewTangents`] for a coloring of more than 3 colors.
#[inline(never)]
pub fn rosenbrock10_hessian_colored<const L: usize>(
    coloring: &HessianColoring<10>,
    points: &[[f32; 10]],
    values: &mut [f32],
    grads: &mut [[f32; 10]],
    hess: &mut [[[f32; 10]; 10]],
) -> Result<(), Error> {
    vmap::reverse_hessian_colored::<L, 3, _, _, _>(
        generated::rosenbrock10_f32_gradient::<Dual<Lanes<f32, L>, 3>>,
        coloring,
        points,
        values,
        grads,
        hess,
    )
}

/// The Hessian alone of Rosenbrock n = 10 at every point (JAX's `vmap(hessian(f))`):
/// [`rosenbrock10_hessian_colored`] without the values and gradients.
///
/// # Errors
///
/// As [`rosenbrock10_hessian_colored`].
#[inline(never)]
pub fn rosenbrock10_hess_colored<const L: usize>(
    coloring: &HessianColoring<10>,
    points: &[[f32; 10]],
    hess: &mut [[[f32; 10]; 10]],
) -> Result<(), Error> {
    vmap::reverse_hess_colored::<L, 3, _, _, _>(
        generated::rosenbrock10_f32_gradient::<Dual<Lanes<f32, L>, 3>>,
        coloring,
        points,
        hess,
    )
}

/// The Hessian of a recorded program at every point by forward-over-reverse over
/// `Dual<Lanes<T, L>, C>`, one tangent per color of `coloring`.
///
/// # Errors
///
/// What [`vmap::program_hessian_colored`] returns.
#[inline(never)]
pub fn program_hessian_colored<const L: usize, const C: usize, const N: usize, const W: usize>(
    prog: &mut Program<'_, f32, N, 1>,
    coloring: &HessianColoring<N>,
    work: &mut Workspace<Dual<Lanes<f32, L>, C>, W>,
    points: &[[f32; N]],
    values: &mut [f32],
    grads: &mut [[f32; N]],
    hess: &mut [[[f32; N]; N]],
) -> Result<(), Error> {
    vmap::program_hessian_colored(prog, coloring, work, points, values, grads, hess)
}

/// The gradient alone at every point (JAX's `vmap(grad(f))`, which writes no values)
/// from a batched gradient function such as generated code's `{name}_gradient`.
///
/// # Errors
///
/// What [`vmap::reverse_grad`] returns.
#[inline(never)]
pub fn generated_grad<const L: usize, T: LaneMath, const N: usize, F>(
    f: F,
    points: &[[T; N]],
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    F: FnMut([Lanes<T, L>; N]) -> Result<(Lanes<T, L>, [Lanes<T, L>; N]), Error>,
{
    vmap::reverse_grad(f, points, grads)
}
