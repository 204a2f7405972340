//! Derivative helpers on fixed-size arrays: the entry points most users need.
//!
//! Each takes the user's function (usually a generic `fn f<T: Real>(..)` passed by
//! name) and the point, seeds the right number type, and unpacks the result. All are
//! allocation-free and cost one evaluation of `f` over the chosen type.

use crate::{Dual, Dual2, Real};

/// `f(x)` and `f'(x)` of a scalar function, by one forward pass.
///
/// ```
/// use ad_core::{derivative, Real};
/// fn f<T: Real>(x: T) -> T { x.powi(3) - x.exp() }
/// let (v, d) = derivative(f, 2.0_f64);
/// assert_eq!(v, 8.0 - 2.0f64.exp());
/// assert_eq!(d, 12.0 - 2.0f64.exp());
/// ```
#[inline]
pub fn derivative<T: Real, F>(f: F, x: T) -> (T, T)
where
    F: FnOnce(Dual<T>) -> Dual<T>,
{
    let y = f(Dual::variable(x));
    (y.re, y.eps[0])
}

/// `f(x)`, `f'(x)` and `f''(x)` of a scalar function, by one second-order pass.
///
/// ```
/// use ad_core::{second_derivative, Real};
/// fn f<T: Real>(x: T) -> T { x.ln() * x }
/// let (v, d, dd) = second_derivative(f, 2.0_f64);
/// assert_eq!((v, d, dd), (2.0 * 2.0f64.ln(), 2.0f64.ln() + 1.0, 0.5));
/// ```
#[inline]
pub fn second_derivative<T: Real, F>(f: F, x: T) -> (T, T, T)
where
    F: FnOnce(Dual2<T, 1>) -> Dual2<T, 1>,
{
    let y = f(Dual2::variable(x));
    (y.value(), y.gradient()[0], y.hessian()[0][0])
}

/// The gradient of `f: ℝᴺ → ℝ` at `x`, by one forward pass carrying `N` tangents.
///
/// ```
/// use ad_core::{gradient, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x * y + x.sin() }
/// let g = gradient(f, [1.0_f64, 2.0]);
/// assert_eq!(g, [2.0 + 1.0f64.cos(), 1.0]);
/// ```
#[inline]
pub fn gradient<T: Real, const N: usize, F>(f: F, x: [T; N]) -> [T; N]
where
    F: FnOnce([Dual<T, N>; N]) -> Dual<T, N>,
{
    value_and_gradient(f, x).1
}

/// `f(x)` and its gradient, by one forward pass.
///
/// ```
/// use ad_core::{value_and_gradient, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { (x * x + y * y).sqrt() }
/// let (v, g) = value_and_gradient(f, [3.0_f32, 4.0]);
/// assert_eq!((v, g), (5.0, [0.6, 0.8]));
/// ```
#[inline]
pub fn value_and_gradient<T: Real, const N: usize, F>(f: F, x: [T; N]) -> (T, [T; N])
where
    F: FnOnce([Dual<T, N>; N]) -> Dual<T, N>,
{
    let y = f(Dual::variables(x));
    (y.re, y.eps)
}

/// The `M × N` Jacobian of `f: ℝᴺ → ℝᴹ` at `x` (row `i` is the gradient of output
/// `i`), by one forward pass.
///
/// ```
/// use ad_core::{jacobian, Real};
/// fn polar<T: Real>([r, t]: [T; 2]) -> [T; 2] { [r * t.cos(), r * t.sin()] }
/// let j = jacobian(polar, [2.0_f64, 0.0]);
/// assert_eq!(j, [[1.0, 0.0], [0.0, 2.0]]);
/// ```
#[inline]
pub fn jacobian<T: Real, const N: usize, const M: usize, F>(f: F, x: [T; N]) -> [[T; N]; M]
where
    F: FnOnce([Dual<T, N>; N]) -> [Dual<T, N>; M],
{
    value_and_jacobian(f, x).1
}

/// `f(x)` and its Jacobian, by one forward pass.
///
/// ```
/// use ad_core::{value_and_jacobian, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> [T; 3] { [x + y, x * y, x] }
/// let (v, j) = value_and_jacobian(f, [2.0_f64, 3.0]);
/// assert_eq!(v, [5.0, 6.0, 2.0]);
/// assert_eq!(j, [[1.0, 1.0], [3.0, 2.0], [1.0, 0.0]]);
/// ```
#[inline]
pub fn value_and_jacobian<T: Real, const N: usize, const M: usize, F>(
    f: F,
    x: [T; N],
) -> ([T; M], [[T; N]; M])
where
    F: FnOnce([Dual<T, N>; N]) -> [Dual<T, N>; M],
{
    let y = f(Dual::variables(x));
    (y.map(|d| d.re), y.map(|d| d.eps))
}

/// Jacobian-vector product: `f(x)` and `J(x)·v` by one pass with a single tangent,
/// without forming `J`.
///
/// ```
/// use ad_core::{jvp, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> [T; 2] { [x * y, x - y] }
/// let (v, jv) = jvp(f, [2.0_f64, 3.0], [1.0, 1.0]);
/// assert_eq!(v, [6.0, -1.0]);
/// assert_eq!(jv, [5.0, 0.0]);
/// ```
#[inline]
pub fn jvp<T: Real, const N: usize, const M: usize, F>(
    f: F,
    x: [T; N],
    v: [T; N],
) -> ([T; M], [T; M])
where
    F: FnOnce([Dual<T>; N]) -> [Dual<T>; M],
{
    let mut i = 0;
    let seeded = x.map(|xi| {
        let d = Dual::new(xi, [v[i]]);
        i += 1;
        d
    });
    let y = f(seeded);
    (y.map(|d| d.re), y.map(|d| d.eps[0]))
}

/// The Hessian of `f: ℝᴺ → ℝ` at `x`, by one second-order pass.
///
/// ```
/// use ad_core::{hessian, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x * x * y + y.exp() }
/// let h = hessian(f, [1.0_f64, 0.0]);
/// assert_eq!(h, [[0.0, 2.0], [2.0, 1.0]]);
/// ```
#[inline]
pub fn hessian<T: Real, const N: usize, F>(f: F, x: [T; N]) -> [[T; N]; N]
where
    F: FnOnce([Dual2<T, N>; N]) -> Dual2<T, N>,
{
    value_gradient_hessian(f, x).2
}

/// `f(x)`, the gradient and the Hessian, by one second-order pass.
///
/// ```
/// use ad_core::{value_gradient_hessian, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x.powi(2) * y }
/// let (v, g, h) = value_gradient_hessian(f, [3.0_f64, 2.0]);
/// assert_eq!((v, g, h), (18.0, [12.0, 9.0], [[4.0, 6.0], [6.0, 0.0]]));
/// ```
#[inline]
pub fn value_gradient_hessian<T: Real, const N: usize, F>(
    f: F,
    x: [T; N],
) -> (T, [T; N], [[T; N]; N])
where
    F: FnOnce([Dual2<T, N>; N]) -> Dual2<T, N>,
{
    let y = f(Dual2::variables(x));
    (y.value(), y.gradient(), y.hessian())
}

/// Hessian-vector product `∇²f(x)·v`, with the gradient, by forward-over-forward
/// mode: one pass over `Dual<Dual<T, N>>`, no Hessian formed.
///
/// Returns `(f(x), ∇f(x), ∇²f(x)·v)`.
///
/// ```
/// use ad_core::{hvp, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x * x * y }
/// let (v, g, hv) = hvp(f, [3.0_f64, 2.0], [1.0, 0.0]);
/// assert_eq!((v, g, hv), (18.0, [12.0, 9.0], [4.0, 6.0]));
/// ```
#[inline]
pub fn hvp<T: Real, const N: usize, F>(f: F, x: [T; N], v: [T; N]) -> (T, [T; N], [T; N])
where
    F: FnOnce([Dual<Dual<T, N>>; N]) -> Dual<Dual<T, N>>,
{
    let inner = Dual::variables(x);
    let mut i = 0;
    let seeded = inner.map(|xi| {
        let d = Dual::new(xi, [Dual::constant_of(v[i])]);
        i += 1;
        d
    });
    let y = f(seeded);
    (y.re.re, y.re.eps, y.eps[0].eps)
}
