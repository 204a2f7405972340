//! `HyperDual<T>`: exact second derivatives, including mixed partials.

use core::fmt;

use crate::Real;
use crate::macros::{AdNumber, forward_defaults, impl_ad_number, impl_scalar_lhs};
use crate::rules::{self, BinaryOp, Jet, Wrt, chain, strong_div, strong_mul};

/// A hyper-dual number `re + e1·ε₁ + e2·ε₂ + e12·ε₁ε₂` with `ε₁² = ε₂² = 0`.
///
/// Seeding `x` with `e1 = 1` and `y` with `e2 = 1` gives `∂f/∂x` in `e1`, `∂f/∂y` in
/// `e2` and the exact mixed partial `∂²f/∂x∂y` in `e12` (no cancellation, no step
/// size). Seeding one variable with both gives its second derivative.
///
/// ```
/// use ad_core::HyperDual64;
/// // f(x, y) = x²·y at (3, 2): ∂²f/∂x∂y = 2x = 6.
/// let x = HyperDual64::new(3.0, 1.0, 0.0, 0.0);
/// let y = HyperDual64::new(2.0, 0.0, 1.0, 0.0);
/// let f = x * x * y;
/// assert_eq!((f.re, f.e1, f.e2, f.e12), (18.0, 12.0, 9.0, 6.0));
/// ```
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct HyperDual<T> {
    /// The value.
    pub re: T,
    /// The derivative along the first direction.
    pub e1: T,
    /// The derivative along the second direction.
    pub e2: T,
    /// The mixed second derivative along both directions.
    pub e12: T,
}

/// `HyperDual<f64>`.
pub type HyperDual64 = HyperDual<f64>;
/// `HyperDual<f32>`.
pub type HyperDual32 = HyperDual<f32>;

impl<T: Real> HyperDual<T> {
    /// A hyper-dual number from its four components.
    #[inline]
    #[must_use]
    pub const fn new(re: T, e1: T, e2: T, e12: T) -> Self {
        HyperDual { re, e1, e2, e12 }
    }

    /// A constant: all derivative parts zero.
    ///
    /// ```
    /// use ad_core::HyperDual64;
    /// assert_eq!(HyperDual64::constant_of(4.0).e12, 0.0);
    /// ```
    #[inline]
    #[must_use]
    pub fn constant_of(re: T) -> Self {
        let z = T::zero();
        Self::new(re, z, z, z)
    }

    /// A variable seeded in both directions: `e12` of the result is the second
    /// derivative.
    ///
    /// ```
    /// use ad_core::HyperDual64;
    /// let y = HyperDual64::variable(2.0).powi(3);
    /// assert_eq!((y.re, y.e1, y.e12), (8.0, 12.0, 12.0));
    /// ```
    #[inline]
    #[must_use]
    pub fn variable(re: T) -> Self {
        let o = T::one();
        Self::new(re, o, o, T::zero())
    }

    /// The value.
    #[inline]
    #[must_use]
    pub fn value(&self) -> T {
        self.re
    }
}

impl<T: Real> AdNumber for HyperDual<T> {
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
        self.e1.is_exact_zero() && self.e2.is_exact_zero() && self.e12.is_exact_zero()
    }
    #[inline(always)]
    fn all_finite(&self) -> bool {
        self.re.is_all_finite()
            && self.e1.is_all_finite()
            && self.e2.is_all_finite()
            && self.e12.is_all_finite()
    }
    #[inline(always)]
    fn add_sub(self, b: Self, subtract: bool) -> Self {
        if subtract {
            Self::new(
                self.re - b.re,
                self.e1 - b.e1,
                self.e2 - b.e2,
                self.e12 - b.e12,
            )
        } else {
            Self::new(
                self.re + b.re,
                self.e1 + b.e1,
                self.e2 + b.e2,
                self.e12 + b.e12,
            )
        }
    }
    #[inline(always)]
    fn mul_ad(self, b: Self) -> Self {
        let a = self;
        if a.all_finite() && b.all_finite() {
            Self::new(
                a.re * b.re,
                a.e1 * b.re + a.re * b.e1,
                a.e2 * b.re + a.re * b.e2,
                a.e12 * b.re + a.re * b.e12 + a.e1 * b.e2 + a.e2 * b.e1,
            )
        } else {
            // Strong zeros on tangent factors only: a zero *value* times an infinite
            // tangent is a genuine 0·∞ and stays NaN.
            let m = strong_mul;
            Self::new(
                a.re * b.re,
                chain(b.re, a.e1) + chain(a.re, b.e1),
                chain(b.re, a.e2) + chain(a.re, b.e2),
                chain(b.re, a.e12) + chain(a.re, b.e12) + m(a.e1, b.e2) + m(a.e2, b.e1),
            )
        }
    }
    #[inline(always)]
    fn div_ad(self, b: Self) -> Self {
        // From f·b = a: each part of f is (a-part − lower parts of f times b) / b.
        let a = self;
        let v = a.re / b.re;
        let fast = v.is_all_finite() && a.all_finite() && b.all_finite();
        let (f1, f2) = ((a.e1 - v * b.e1) / b.re, (a.e2 - v * b.e2) / b.re);
        // A first-order part that overflows would meet an exactly zero tangent in the
        // mixed part: that is the strong-zero path's case.
        if fast && f1.is_all_finite() && f2.is_all_finite() {
            let f12 = (a.e12 - f1 * b.e2 - f2 * b.e1 - v * b.e12) / b.re;
            Self::new(v, f1, f2, f12)
        } else {
            let (m, q) = (strong_mul, strong_div);
            let f1 = q(a.e1 - chain(v, b.e1), b.re);
            let f2 = q(a.e2 - chain(v, b.e2), b.re);
            let f12 = q(a.e12 - m(f1, b.e2) - m(f2, b.e1) - chain(v, b.e12), b.re);
            Self::new(v, f1, f2, f12)
        }
    }
    #[inline(always)]
    fn apply_binary(self, op: BinaryOp, b: Self) -> Self {
        let a = self;
        let wrt = Wrt {
            x: !a.tangents_zero(),
            y: !b.tangents_zero(),
        };
        let j = rules::binary::<T, true>(op, a.re, b.re, wrt);
        // Products of tangents: an exactly zero tangent is a strong zero against an
        // infinite one (plain products while all are finite).
        let fin = a.all_finite() && b.all_finite();
        let m = |p: T, q: T| if fin { p * q } else { strong_mul(p, q) };
        Self::new(
            j.value,
            chain(j.dx, a.e1) + chain(j.dy, b.e1),
            chain(j.dx, a.e2) + chain(j.dy, b.e2),
            chain(j.dx, a.e12)
                + chain(j.dy, b.e12)
                + chain(j.dxx, m(a.e1, a.e2))
                + chain(j.dxy, m(a.e1, b.e2) + m(a.e2, b.e1))
                + chain(j.dyy, m(b.e1, b.e2)),
        )
    }
}

impl<T: Real> HyperDual<T> {
    #[inline(always)]
    /// The chain rule for one elementary function given its jet at the value.
    pub(crate) fn apply_jet(self, j: Jet<T>) -> Self {
        Self::new(
            j.value,
            chain(j.d1, self.e1),
            chain(j.d1, self.e2),
            chain(j.d1, self.e12) + chain(j.d2, strong_mul(self.e1, self.e2)),
        )
    }
    #[inline(always)]
    pub(crate) fn with_value(self, v: T) -> Self {
        Self { re: v, ..self }
    }
    #[inline(always)]
    pub(crate) fn map_all(self, f: impl Fn(T) -> T) -> Self {
        Self::new(f(self.re), f(self.e1), f(self.e2), f(self.e12))
    }
    #[inline(always)]
    pub(crate) fn zip_all(self, o: Self, f: impl Fn(T, T) -> T) -> Self {
        Self::new(
            f(self.re, o.re),
            f(self.e1, o.e1),
            f(self.e2, o.e2),
            f(self.e12, o.e12),
        )
    }
    #[inline(always)]
    pub(crate) fn for_each_component(&self, mut f: impl FnMut(T)) {
        f(self.re);
        f(self.e1);
        f(self.e2);
        f(self.e12);
    }
}

impl_ad_number!([T: Real] HyperDual<T>);
impl_scalar_lhs!([] f64 => HyperDual<f64>);
impl_scalar_lhs!([] f32 => HyperDual<f32>);

impl<T: Real> fmt::Display for HyperDual<T> {
    /// `1.5 + 2ε1 + 3ε2 + 4ε1ε2`; a precision (`{:.3}`) applies to every component.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::fmt::component as c;
        c(f, &self.re)?;
        f.write_str(" + ")?;
        c(f, &self.e1)?;
        f.write_str("ε1 + ")?;
        c(f, &self.e2)?;
        f.write_str("ε2 + ")?;
        c(f, &self.e12)?;
        f.write_str("ε1ε2")
    }
}
