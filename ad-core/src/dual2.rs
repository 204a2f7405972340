//! `Dual2<T, N>`: value, gradient and Hessian of a function of N variables in one pass.

#![allow(clippy::needless_range_loop)] // triangular loops read best with indices

use core::fmt;

use crate::Real;
use crate::macros::{AdNumber, forward_defaults, impl_ad_number, impl_scalar_lhs};
use crate::rules::{self, BinaryOp, Jet, Wrt, chain, strong_div, strong_mul};

/// A dense second-order number: value, gradient (`N`) and Hessian (`N × N`).
///
/// Seed the inputs with [`Dual2::variables`] and one evaluation of `f` gives `f(x)`,
/// `∇f(x)` and `∇²f(x)`. Only the upper triangle of the Hessian is computed and kept
/// (the lower one stays zero internally; [`Dual2::hessian`] mirrors it), so the work
/// is `N(N+1)/2` entries per operation. Stable Rust cannot size an array
/// `N(N+1)/2` from `N`, so the storage is the full square.
///
/// ```
/// use ad_core::Dual2;
/// // f(x, y) = x²y + y³ at (1, 2)
/// let [x, y] = Dual2::<f64, 2>::variables([1.0, 2.0]);
/// let f = x * x * y + y.powi(3);
/// assert_eq!(f.value(), 10.0);
/// assert_eq!(f.gradient(), [4.0, 13.0]);
/// assert_eq!(f.hessian(), [[4.0, 2.0], [2.0, 12.0]]);
/// ```
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Dual2<T, const N: usize = 1> {
    re: T,
    grad: [T; N],
    hess: [[T; N]; N],
}

/// `Dual2<f64, N>`.
#[allow(non_camel_case_types)]
pub type Dual2_64<const N: usize = 1> = Dual2<f64, N>;
/// `Dual2<f32, N>`.
#[allow(non_camel_case_types)]
pub type Dual2_32<const N: usize = 1> = Dual2<f32, N>;

impl<T: Real, const N: usize> Dual2<T, N> {
    /// From value, gradient and Hessian; only the upper triangle (`j >= i`) of `hess`
    /// is read, the Hessian being symmetric.
    ///
    /// ```
    /// use ad_core::Dual2;
    /// let d = Dual2::new(1.0, [2.0, 3.0], [[4.0, 5.0], [99.0, 6.0]]);
    /// assert_eq!(d.hessian(), [[4.0, 5.0], [5.0, 6.0]]);
    /// ```
    #[inline]
    #[must_use]
    pub fn new(re: T, grad: [T; N], hess: [[T; N]; N]) -> Self {
        let mut d = Self { re, grad, hess };
        for i in 0..N {
            for j in 0..i {
                d.hess[i][j] = T::zero();
            }
        }
        d
    }

    /// A constant: zero gradient and Hessian.
    #[inline]
    #[must_use]
    pub fn constant_of(re: T) -> Self {
        Self {
            re,
            grad: [T::zero(); N],
            hess: [[T::zero(); N]; N],
        }
    }

    /// The `i`-th of `N` inputs (gradient `eᵢ`, zero Hessian). `i >= N` gives a
    /// constant.
    #[inline]
    #[must_use]
    pub fn variable_at(re: T, i: usize) -> Self {
        let mut d = Self::constant_of(re);
        if let Some(g) = d.grad.get_mut(i) {
            *g = T::one();
        }
        d
    }

    /// All `N` inputs at once, `x[i]` seeded with gradient `eᵢ`.
    #[inline]
    #[must_use]
    pub fn variables(x: [T; N]) -> [Self; N] {
        // `get` keeps the seeding free of a panic path (i < N always holds).
        core::array::from_fn(|i| Self::variable_at(x.get(i).copied().unwrap_or_else(T::zero), i))
    }

    /// The value.
    #[inline]
    #[must_use]
    pub fn value(&self) -> T {
        self.re
    }

    /// The gradient.
    #[inline]
    #[must_use]
    pub fn gradient(&self) -> [T; N] {
        self.grad
    }

    /// The full (symmetric) Hessian.
    #[inline]
    #[must_use]
    pub fn hessian(&self) -> [[T; N]; N] {
        let mut h = self.hess;
        for i in 0..N {
            for j in 0..i {
                h[i][j] = h[j][i];
            }
        }
        h
    }
}

impl<T: Real> Dual2<T, 1> {
    /// A single variable: the result carries `f`, `f'` and `f''`.
    ///
    /// ```
    /// use ad_core::Dual2;
    /// let y = Dual2::variable(0.5f64).sin();
    /// assert_eq!((y.value(), y.gradient()[0], y.hessian()[0][0]),
    ///            (0.5f64.sin(), 0.5f64.cos(), -0.5f64.sin()));
    /// ```
    #[inline]
    #[must_use]
    pub fn variable(re: T) -> Self {
        Self::variable_at(re, 0)
    }
}

impl<T: Real, const N: usize> AdNumber for Dual2<T, N> {
    type Inner = T;
    const SECOND: bool = true;

    forward_defaults!();

    #[inline(always)]
    fn ad_value(&self) -> T {
        self.re
    }
    #[inline(always)]
    fn from_inner(v: T) -> Self {
        Self::constant_of(v)
    }
    #[inline(always)]
    fn tangents_zero(&self) -> bool {
        self.grad.iter().all(Real::is_exact_zero)
            && (0..N).all(|i| (i..N).all(|j| self.hess[i][j].is_exact_zero()))
    }
    #[inline(always)]
    fn all_finite(&self) -> bool {
        self.re.is_all_finite()
            && self.grad.iter().all(Real::is_all_finite)
            && (0..N).all(|i| (i..N).all(|j| self.hess[i][j].is_all_finite()))
    }
    #[inline(always)]
    fn add_sub(mut self, b: Self, subtract: bool) -> Self {
        let s = |x: T, y: T| if subtract { x - y } else { x + y };
        self.re = s(self.re, b.re);
        for i in 0..N {
            self.grad[i] = s(self.grad[i], b.grad[i]);
            for j in i..N {
                self.hess[i][j] = s(self.hess[i][j], b.hess[i][j]);
            }
        }
        self
    }
    #[inline(always)]
    fn mul_ad(self, b: Self) -> Self {
        let a = self;
        let mut r = Self::constant_of(a.re * b.re);
        if !(a.all_finite() && b.all_finite()) {
            return mul_slow(a, b);
        }
        for i in 0..N {
            r.grad[i] = a.grad[i] * b.re + a.re * b.grad[i];
            for j in i..N {
                r.hess[i][j] = a.hess[i][j] * b.re
                    + a.re * b.hess[i][j]
                    + a.grad[i] * b.grad[j]
                    + b.grad[i] * a.grad[j];
            }
        }
        r
    }
    #[inline(always)]
    fn div_ad(self, b: Self) -> Self {
        // From f·b = a, solved part by part.
        let a = self;
        let v = a.re / b.re;
        let mut r = Self::constant_of(v);
        if !(v.is_all_finite() && a.all_finite() && b.all_finite()) {
            return div_slow(a, b);
        }
        for i in 0..N {
            r.grad[i] = (a.grad[i] - v * b.grad[i]) / b.re;
        }
        // A gradient part that overflows would meet an exactly zero tangent in the
        // Hessian: that is the strong-zero path's case.
        if !r.grad.iter().all(Real::is_all_finite) {
            return div_slow(a, b);
        }
        for i in 0..N {
            for j in i..N {
                r.hess[i][j] = (a.hess[i][j]
                    - r.grad[i] * b.grad[j]
                    - b.grad[i] * r.grad[j]
                    - v * b.hess[i][j])
                    / b.re;
            }
        }
        r
    }
    #[inline(always)]
    fn apply_binary(self, op: BinaryOp, b: Self) -> Self {
        let a = self;
        let wrt = Wrt {
            x: !a.tangents_zero(),
            y: !b.tangents_zero(),
        };
        let j = rules::binary::<T, true>(op, a.re, b.re, wrt);
        // Products of gradient entries: an exactly zero entry is a strong zero against
        // an infinite one (plain products while all are finite).
        let fin = a.grad.iter().chain(&b.grad).all(Real::is_all_finite);
        let m = |p: T, q: T| if fin { p * q } else { strong_mul(p, q) };
        let mut r = Self::constant_of(j.value);
        for i in 0..N {
            r.grad[i] = chain(j.dx, a.grad[i]) + chain(j.dy, b.grad[i]);
            for k in i..N {
                r.hess[i][k] = chain(j.dx, a.hess[i][k])
                    + chain(j.dy, b.hess[i][k])
                    + chain(j.dxx, m(a.grad[i], a.grad[k]))
                    + chain(j.dxy, m(a.grad[i], b.grad[k]) + m(b.grad[i], a.grad[k]))
                    + chain(j.dyy, m(b.grad[i], b.grad[k]));
            }
        }
        r
    }
}

impl<T: Real, const N: usize> Dual2<T, N> {
    #[inline(always)]
    /// The chain rule for one elementary function given its jet at the value.
    pub(crate) fn apply_jet(self, j: Jet<T>) -> Self {
        let fin = self.grad.iter().all(Real::is_all_finite);
        let m = |p: T, q: T| if fin { p * q } else { strong_mul(p, q) };
        let mut r = Self::constant_of(j.value);
        for i in 0..N {
            r.grad[i] = chain(j.d1, self.grad[i]);
            for k in i..N {
                r.hess[i][k] =
                    chain(j.d1, self.hess[i][k]) + chain(j.d2, m(self.grad[i], self.grad[k]));
            }
        }
        r
    }
    #[inline(always)]
    pub(crate) fn with_value(self, v: T) -> Self {
        Self { re: v, ..self }
    }
    #[inline(always)]
    pub(crate) fn map_all(mut self, f: impl Fn(T) -> T) -> Self {
        self.re = f(self.re);
        for i in 0..N {
            self.grad[i] = f(self.grad[i]);
            for j in i..N {
                self.hess[i][j] = f(self.hess[i][j]);
            }
        }
        self
    }
    #[inline(always)]
    pub(crate) fn zip_all(mut self, o: Self, f: impl Fn(T, T) -> T) -> Self {
        self.re = f(self.re, o.re);
        for i in 0..N {
            self.grad[i] = f(self.grad[i], o.grad[i]);
            for j in i..N {
                self.hess[i][j] = f(self.hess[i][j], o.hess[i][j]);
            }
        }
        self
    }
    #[inline(always)]
    pub(crate) fn for_each_component(&self, mut f: impl FnMut(T)) {
        f(self.re);
        for i in 0..N {
            f(self.grad[i]);
            for j in i..N {
                f(self.hess[i][j]);
            }
        }
    }
}

impl_ad_number!([T: Real, const N: usize] Dual2<T, N>);
impl_scalar_lhs!([const N: usize] f64 => Dual2<f64, N>);
impl_scalar_lhs!([const N: usize] f32 => Dual2<f32, N>);

impl<T: Real, const N: usize> fmt::Display for Dual2<T, N> {
    /// The second-order Taylor form `1.5 + [2, 3]ε + ½εᵀ[[1, 0], [0, 4]]ε`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::fmt::component(f, &self.re)?;
        f.write_str(" + ")?;
        crate::fmt::list(f, &self.grad)?;
        f.write_str("ε + ½εᵀ[")?;
        for (i, row) in self.hessian().iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            crate::fmt::list(f, row)?;
        }
        f.write_str("]ε")
    }
}

impl<T: Real, const N: usize> fmt::Debug for Dual2<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dual2")
            .field("re", &self.re)
            .field("grad", &self.grad)
            .field("hess", &self.hessian())
            .finish()
    }
}

/// The strong-zero product, out of line so that the fast path stays small.
#[cold]
#[inline(never)]
fn mul_slow<T: Real, const N: usize>(a: Dual2<T, N>, b: Dual2<T, N>) -> Dual2<T, N> {
    let mut r = Dual2::constant_of(a.re * b.re);
    // Strong zeros on tangent factors only (see HyperDual).
    let m = strong_mul;
    for i in 0..N {
        r.grad[i] = chain(b.re, a.grad[i]) + chain(a.re, b.grad[i]);
        for j in i..N {
            r.hess[i][j] = chain(b.re, a.hess[i][j])
                + chain(a.re, b.hess[i][j])
                + m(a.grad[i], b.grad[j])
                + m(b.grad[i], a.grad[j]);
        }
    }
    r
}

/// The strong-zero quotient, out of line so that the fast path stays small.
#[cold]
#[inline(never)]
fn div_slow<T: Real, const N: usize>(a: Dual2<T, N>, b: Dual2<T, N>) -> Dual2<T, N> {
    let v = a.re / b.re;
    let mut r = Dual2::constant_of(v);
    let (m, q) = (strong_mul, strong_div);
    for i in 0..N {
        r.grad[i] = q(a.grad[i] - chain(v, b.grad[i]), b.re);
    }
    for i in 0..N {
        for j in i..N {
            r.hess[i][j] = q(
                a.hess[i][j]
                    - m(r.grad[i], b.grad[j])
                    - m(b.grad[i], r.grad[j])
                    - chain(v, b.hess[i][j]),
                b.re,
            );
        }
    }
    r
}
