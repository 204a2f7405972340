//! `Dual<T, N>`: a value with N tangents (forward mode).

use core::fmt;

use crate::Real;
use crate::macros::{AdNumber, forward_defaults, impl_ad_number, impl_scalar_lhs};
use crate::rules::{self, BinaryOp, Jet, Wrt, chain, strong_div};

/// A dual number: a value and `N` tangents (directional derivatives).
///
/// `N = 1` is one directional derivative (jvp); `N` equal to the number of inputs gives
/// a whole gradient or Jacobian in one evaluation. `T` may itself be an AD type:
/// `Dual<Dual<f64>>` carries second derivatives.
///
/// The layout is exactly `N + 1` values of `T`, with no heap and no `Option`:
///
/// ```
/// use ad_core::Dual;
/// assert_eq!(core::mem::size_of::<Dual<f64, 8>>(), 9 * 8);
///
/// // f(x, y) = x·y + sin(x): value and both partials in one pass.
/// let x = Dual::<f64, 2>::variable_at(1.0, 0);
/// let y = Dual::<f64, 2>::variable_at(2.0, 1);
/// let z = x * y + x.sin();
/// assert_eq!(z.re, 2.0 + 1.0f64.sin());
/// assert_eq!(z.eps, [2.0 + 1.0f64.cos(), 1.0]);
/// ```
///
/// Comparisons (`==`, `<`) look at the value only.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
pub struct Dual<T, const N: usize = 1> {
    /// The value.
    pub re: T,
    /// The tangents: `eps[i]` is the derivative along the i-th seed direction.
    pub eps: [T; N],
}

/// `Dual<f64, N>`.
pub type Dual64<const N: usize = 1> = Dual<f64, N>;
/// `Dual<f32, N>`.
pub type Dual32<const N: usize = 1> = Dual<f32, N>;

impl<T: Real, const N: usize> Dual<T, N> {
    const LAYOUT: () = assert!(
        core::mem::size_of::<Self>() == (N + 1) * core::mem::size_of::<T>(),
        "Dual<T, N> must be exactly N + 1 values"
    );

    /// A dual number from its value and tangents.
    ///
    /// ```
    /// use ad_core::Dual;
    /// let d = Dual::new(1.0, [2.0, 3.0]);
    /// assert_eq!(d.eps[1], 3.0);
    /// ```
    #[inline]
    #[must_use]
    pub const fn new(re: T, eps: [T; N]) -> Self {
        let () = Self::LAYOUT;
        Dual { re, eps }
    }

    /// A constant: all tangents zero.
    ///
    /// ```
    /// use ad_core::Dual64;
    /// assert_eq!(Dual64::<3>::constant_of(2.0).eps, [0.0; 3]);
    /// ```
    #[inline]
    #[must_use]
    pub fn constant_of(re: T) -> Self {
        Self::new(re, [T::zero(); N])
    }

    /// The `i`-th input of a function of `N` variables: tangent `i` is one, the
    /// others zero. An index `i >= N` gives a constant.
    ///
    /// ```
    /// use ad_core::Dual64;
    /// assert_eq!(Dual64::<3>::variable_at(5.0, 1).eps, [0.0, 1.0, 0.0]);
    /// ```
    #[inline]
    #[must_use]
    pub fn variable_at(re: T, i: usize) -> Self {
        let mut d = Self::constant_of(re);
        if let Some(e) = d.eps.get_mut(i) {
            *e = T::one();
        }
        d
    }

    /// All `N` inputs at once, seeded with the identity: `x[i]` gets tangent `i`.
    ///
    /// ```
    /// use ad_core::Dual64;
    /// let [a, b] = Dual64::<2>::variables([1.0, 2.0]);
    /// assert_eq!((a.eps, b.eps), ([1.0, 0.0], [0.0, 1.0]));
    /// ```
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
}

impl<T: Real> Dual<T, 1> {
    /// An independent variable with tangent 1 (for a derivative in one direction).
    ///
    /// ```
    /// use ad_core::Dual64;
    /// let y = Dual64::variable(3.0).powi(2);
    /// assert_eq!((y.re, y.eps[0]), (9.0, 6.0));
    /// ```
    #[inline]
    #[must_use]
    pub fn variable(re: T) -> Self {
        Self::new(re, [T::one()])
    }

    /// The single tangent.
    #[inline]
    #[must_use]
    pub fn tangent(&self) -> T {
        self.eps[0]
    }
}

impl<T: Real, const N: usize> AdNumber for Dual<T, N> {
    type Inner = T;
    const SECOND: bool = false;

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
        self.eps.iter().all(Real::is_exact_zero)
    }
    #[inline(always)]
    fn all_finite(&self) -> bool {
        self.re.is_all_finite() && self.eps.iter().all(Real::is_all_finite)
    }
    #[inline(always)]
    fn add_sub(mut self, rhs: Self, subtract: bool) -> Self {
        if subtract {
            self.re -= rhs.re;
            for (a, b) in self.eps.iter_mut().zip(rhs.eps) {
                *a -= b;
            }
        } else {
            self.re += rhs.re;
            for (a, b) in self.eps.iter_mut().zip(rhs.eps) {
                *a += b;
            }
        }
        self
    }
    #[inline(always)]
    fn mul_ad(self, rhs: Self) -> Self {
        let mut eps = self.eps;
        if self.re.is_all_finite() && rhs.re.is_all_finite() {
            for (e, b) in eps.iter_mut().zip(rhs.eps) {
                *e = *e * rhs.re + self.re * b;
            }
        } else {
            // An infinite value times an exactly zero tangent is a strong zero.
            for (e, b) in eps.iter_mut().zip(rhs.eps) {
                *e = chain(rhs.re, *e) + chain(self.re, b);
            }
        }
        Self::new(self.re * rhs.re, eps)
    }
    #[inline(always)]
    fn div_ad(self, rhs: Self) -> Self {
        // (a' - v b') / b: no b² that could overflow while a/b is finite.
        let v = self.re / rhs.re;
        let mut eps = self.eps;
        if v.is_all_finite() && rhs.re.is_all_finite() {
            for (e, b) in eps.iter_mut().zip(rhs.eps) {
                *e = (*e - v * b) / rhs.re;
            }
        } else {
            for (e, b) in eps.iter_mut().zip(rhs.eps) {
                *e = strong_div(*e - chain(v, b), rhs.re);
            }
        }
        Self::new(v, eps)
    }
    #[inline(always)]
    fn apply_binary(self, op: BinaryOp, rhs: Self) -> Self {
        let wrt = Wrt {
            x: !self.tangents_zero(),
            y: !rhs.tangents_zero(),
        };
        let j = rules::binary::<T, false>(op, self.re, rhs.re, wrt);
        let mut eps = self.eps;
        for (e, b) in eps.iter_mut().zip(rhs.eps) {
            *e = chain(j.dx, *e) + chain(j.dy, b);
        }
        Self::new(j.value, eps)
    }
}

impl<T: Real, const N: usize> Dual<T, N> {
    #[inline(always)]
    /// The chain rule for one elementary function given its jet at the value.
    pub(crate) fn apply_jet(self, j: Jet<T>) -> Self {
        let mut eps = self.eps;
        for e in &mut eps {
            *e = chain(j.d1, *e);
        }
        Self::new(j.value, eps)
    }
    #[inline(always)]
    pub(crate) fn with_value(self, v: T) -> Self {
        Self::new(v, self.eps)
    }
    #[inline(always)]
    pub(crate) fn map_all(self, f: impl Fn(T) -> T) -> Self {
        let mut eps = self.eps;
        for e in &mut eps {
            *e = f(*e);
        }
        Self::new(f(self.re), eps)
    }
    #[inline(always)]
    pub(crate) fn zip_all(mut self, o: Self, f: impl Fn(T, T) -> T) -> Self {
        self.re = f(self.re, o.re);
        for (a, b) in self.eps.iter_mut().zip(o.eps) {
            *a = f(*a, b);
        }
        self
    }
    #[inline(always)]
    pub(crate) fn for_each_component(&self, mut f: impl FnMut(T)) {
        f(self.re);
        self.eps.iter().for_each(|&e| f(e));
    }
}

impl_ad_number!([T: Real, const N: usize] Dual<T, N>);
impl_scalar_lhs!([const N: usize] f64 => Dual<f64, N>);
impl_scalar_lhs!([const N: usize] f32 => Dual<f32, N>);

impl<T: Real, const N: usize> fmt::Display for Dual<T, N> {
    /// `1.5 + 2ε` for one tangent, `1.5 + [2, 3]ε` for several; a precision
    /// (`{:.3}`) applies to every component.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::fmt::component(f, &self.re)?;
        if N == 1 {
            f.write_str(" + ")?;
            crate::fmt::component(f, &self.eps[0])?;
            f.write_str("ε")
        } else {
            f.write_str(" + ")?;
            crate::fmt::list(f, &self.eps)?;
            f.write_str("ε")
        }
    }
}
