//! `Lanes<T, L>`: `L` independent points in one number, for batched (vmap) evaluation.
//!
//! See [`Lanes`].

use core::cmp::Ordering;
use core::fmt;
use core::iter::{Product, Sum};
use core::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

use num_traits::{Float, FloatConst, FromPrimitive, Num, NumCast, One, Signed, ToPrimitive, Zero};

use crate::rules::{BinaryOp, Custom, Jet, UnaryOp};
use crate::{Compare, MaskOps, Real};

mod backend;
mod kernels;

pub use kernels::LaneMath;

/// `L` values of `f32` or `f64` that every operation treats lane by lane: the seed's
/// `vmap` as a number type.
///
/// `Lanes` implements [`Real`], so every mode runs over it unchanged:
/// `Dual<Lanes<f32, 8>, 3>` is a batch of 8 gradients in 3 variables, a
/// [`Program`](crate::Program) replayed over `Lanes` is batched reverse mode (one tape,
/// `L` points, see [`Program::gradient_over`](crate::Program::gradient_over)), and
/// `Dual2<Lanes<f64, 4>, 2>` gives 4 Hessians at once. The helpers in [`vmap`](crate::vmap)
/// run a function over a slice of points in chunks of `L`.
///
/// ```
/// use ad_core::{Dual, Lanes, Real};
///
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x * y + x.sin() }
///
/// // Four points, one pass: lane i of the value and tangents belongs to point i.
/// let x = Lanes([0.0_f64, 1.0, 2.0, 3.0]);
/// let y = Lanes::splat(2.0);
/// let [dx, dy] = Dual::variables([x, y]);
/// let r = f([dx, dy]);
/// for i in 0..4 {
///     let xi = x.0[i];
///     assert_eq!(r.re.0[i], xi * 2.0 + xi.sin());
///     assert_eq!(r.eps[0].0[i], 2.0 + xi.cos()); // ∂f/∂x
///     assert_eq!(r.eps[1].0[i], xi);             // ∂f/∂y
/// }
/// ```
///
/// # Branches
///
/// Arithmetic and the elementary functions work lane by lane, and so do
/// [`Real::mask`] and [`Real::select`] (the mask is a [`LaneMask`]). An `if` cannot:
/// the ordinary comparisons (`<`, `==`, `partial_cmp`) speak for **all lanes at once**
/// — `a < b` is true only when it holds in every lane, and `partial_cmp` is `None`
/// when the lanes disagree — so a branch in user code takes one side for the whole
/// batch. Write value-dependent choices with `select`:
///
/// ```
/// use ad_core::{Compare, Lanes, Real};
/// fn relu<T: Real>(x: T) -> T {
///     T::select(x.mask(Compare::Gt, T::zero()), x, T::zero())
/// }
/// assert_eq!(relu(Lanes([-1.0_f32, 2.0])).0, [0.0, 2.0]);
/// assert!(!(Lanes([-1.0_f32, 2.0]) > Lanes::splat(0.0))); // not every lane
/// ```
///
/// A replayed [`Program`](crate::Program) checks its recorded guards in every lane and
/// returns [`Error::BranchChanged`](crate::Error::BranchChanged) when any lane would
/// take another branch, so batched reverse mode never silently mixes branches.
///
/// The other whole-batch predicates follow one rule: a *good* condition holds when it
/// holds in every lane (`is_finite`, `is_normal`, `is_sign_positive`, `is_zero`), a
/// *bad* one when it holds in some lane (`is_nan`, `is_infinite`, `is_subnormal`).
/// `primal()` is the first lane; `to_f64()` and friends give a value only when all
/// lanes are equal.
///
/// # Special points
///
/// Every lane follows the crate's [special-point policy](crate#special-points) exactly
/// as a scalar would, strong zeros included: a tangent that is exactly zero *in a lane*
/// contributes zero in that lane. (For AD numbers nested two deep over lanes,
/// `Dual<Dual<Lanes<_>>>`, the strong-zero test of the outer level looks at all
/// components lane by lane as well.)
///
/// # Elementary functions and their speed
///
/// `exp`, `ln`, `sin`, `cos`, `tan`, `atan`, `tanh`, `sqrt` and `powf` run through the
/// branch-free vector kernels of [`vmath`](crate::vmath), which the compiler turns into
/// SIMD code for the target (compile with the target's features, e.g.
/// `-C target-cpu=native`, to get AVX2 or AVX-512 on x86-64). Their results can differ
/// from the scalar functions by the kernels' stated error (at most a few ulp); the other
/// functions apply the scalar function lane by lane and are bit-identical to it.
#[derive(Clone, Copy, PartialEq)]
#[repr(transparent)]
pub struct Lanes<T, const L: usize>(pub [T; L]);

/// The outcome of a lane-wise comparison: one `bool` per lane (see [`MaskOps`]).
///
/// ```
/// use ad_core::{Compare, LaneMask, Lanes, MaskOps, Real};
/// let m = Lanes([1.0_f64, -1.0]).mask(Compare::Gt, Lanes::splat(0.0));
/// assert_eq!(m, LaneMask([true, false]));
/// assert!(m.any() && !m.all());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LaneMask<const L: usize>(pub [bool; L]);

impl<const L: usize> MaskOps for LaneMask<L> {
    #[inline(always)]
    fn splat(b: bool) -> Self {
        LaneMask([b; L])
    }
    #[inline(always)]
    fn and(mut self, o: Self) -> Self {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a &= b;
        }
        self
    }
    #[inline(always)]
    fn or(mut self, o: Self) -> Self {
        for (a, b) in self.0.iter_mut().zip(o.0) {
            *a |= b;
        }
        self
    }
    #[inline(always)]
    fn not(mut self) -> Self {
        for a in &mut self.0 {
            *a = !*a;
        }
        self
    }
    #[inline(always)]
    fn any(self) -> bool {
        self.0.iter().fold(false, |a, &b| a | b)
    }
    #[inline(always)]
    fn all(self) -> bool {
        self.0.iter().fold(true, |a, &b| a & b)
    }
}

impl<T: LaneMath, const L: usize> Lanes<T, L> {
    /// The same value in every lane.
    ///
    /// ```
    /// use ad_core::Lanes;
    /// assert_eq!(Lanes::<f32, 3>::splat(1.5).0, [1.5; 3]);
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn splat(x: T) -> Self {
        Lanes([x; L])
    }

    /// Lane `i` is `f(i)`.
    ///
    /// ```
    /// use ad_core::Lanes;
    /// assert_eq!(Lanes::<f64, 3>::from_fn(|i| i as f64).0, [0.0, 1.0, 2.0]);
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn from_fn(f: impl FnMut(usize) -> T) -> Self {
        Lanes(core::array::from_fn(f))
    }

    /// The lanes as an array.
    #[inline(always)]
    #[must_use]
    pub fn to_array(self) -> [T; L] {
        self.0
    }

    /// Applies `f` to every lane.
    ///
    /// ```
    /// use ad_core::Lanes;
    /// assert_eq!(Lanes([1.0_f32, 4.0]).map(|x| x * 2.0).0, [2.0, 8.0]);
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn map(self, f: impl Fn(T) -> T) -> Self {
        let mut r = self.0;
        for x in &mut r {
            *x = f(*x);
        }
        Lanes(r)
    }

    /// Combines two values lane by lane.
    #[inline(always)]
    #[must_use]
    pub fn zip(self, o: Self, f: impl Fn(T, T) -> T) -> Self {
        let mut r = self.0;
        for (a, b) in r.iter_mut().zip(o.0) {
            *a = f(*a, b);
        }
        Lanes(r)
    }

    #[inline(always)]
    fn all(self, p: impl Fn(T) -> bool) -> bool {
        self.0.iter().fold(true, |a, &x| a & p(x))
    }

    #[inline(always)]
    fn any(self, p: impl Fn(T) -> bool) -> bool {
        self.0.iter().fold(false, |a, &x| a | p(x))
    }

    /// The common value of all lanes, if they are equal.
    #[inline]
    fn uniform(self) -> Option<T> {
        let first = *self.0.first()?;
        self.all(|x| x == first).then_some(first)
    }
}

impl<T: LaneMath, const L: usize> Real for Lanes<T, L> {
    type Primitive = T;
    type Mask = LaneMask<L>;
    const LANES: bool = true;

    #[inline(always)]
    fn where_exact_zero(t: Self, if_zero: Self, otherwise: Self) -> Self {
        let mut r = otherwise.0;
        for (i, r) in r.iter_mut().enumerate() {
            *r = if t.0[i] == T::ZERO { if_zero.0[i] } else { *r };
        }
        Lanes(r)
    }

    #[inline(always)]
    fn from_primitive(x: T) -> Self {
        Self::splat(x)
    }
    #[inline(always)]
    fn constant(x: f64) -> Self {
        Self::splat(T::constant(x))
    }
    /// The first lane (zero for `L = 0`).
    #[inline(always)]
    fn primal(&self) -> T {
        self.0.first().copied().unwrap_or(T::ZERO)
    }
    #[inline(always)]
    fn is_exact_zero(&self) -> bool {
        self.all(|x| x == T::ZERO)
    }
    #[inline(always)]
    fn is_all_finite(&self) -> bool {
        self.all(Float::is_finite)
    }
    #[inline(always)]
    fn mask(self, cmp: Compare, other: Self) -> LaneMask<L> {
        let mut m = [false; L];
        for ((m, a), b) in m.iter_mut().zip(self.0).zip(other.0) {
            *m = cmp.eval(a, b);
        }
        LaneMask(m)
    }
    #[inline(always)]
    fn select(mask: LaneMask<L>, if_true: Self, if_false: Self) -> Self {
        let mut r = if_false.0;
        for (i, r) in r.iter_mut().enumerate() {
            *r = if mask.0[i] { if_true.0[i] } else { *r };
        }
        Lanes(r)
    }
    #[inline(always)]
    fn unary(self, op: UnaryOp) -> Self {
        Lanes(T::lanes_unary(op, self.0))
    }
    #[inline(always)]
    fn binary(self, op: BinaryOp, rhs: Self) -> Self {
        Lanes(T::lanes_binary(op, self.0, rhs.0))
    }
    #[inline(always)]
    fn custom(self, f: &'static Custom<T>) -> Self {
        self.map(|x| (f.eval)(x).value)
    }
    #[inline(always)]
    fn constant_part(&self) -> Self {
        *self
    }
    #[inline(always)]
    fn tangent_part(&self) -> Self {
        Self::splat(T::zero())
    }
    #[inline(always)]
    fn custom_jet(&self, f: &Custom<T>) -> Jet<Self> {
        let mut j = Jet {
            value: *self,
            d1: *self,
            d2: *self,
        };
        for i in 0..L {
            let ji = (f.eval)(self.0[i]);
            j.value.0[i] = ji.value;
            j.d1.0[i] = ji.d1;
            j.d2.0[i] = ji.d2;
        }
        j
    }
}

macro_rules! lane_ops {
    ($($Op:ident $op:ident $OpAssign:ident $op_assign:ident)*) => {$(
        impl<T: LaneMath, const L: usize> $Op for Lanes<T, L> {
            type Output = Self;
            #[inline(always)]
            fn $op(self, rhs: Self) -> Self {
                Lanes(T::lanes_binary(BinaryOp::$Op, self.0, rhs.0))
            }
        }
        impl<T: LaneMath, const L: usize> $Op<T> for Lanes<T, L> {
            type Output = Self;
            #[inline(always)]
            fn $op(self, rhs: T) -> Self {
                self.map(|a| $Op::$op(a, rhs))
            }
        }
        impl<T: LaneMath, const L: usize> $OpAssign for Lanes<T, L> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: Self) {
                *self = $Op::$op(*self, rhs);
            }
        }
        impl<T: LaneMath, const L: usize> $OpAssign<T> for Lanes<T, L> {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: T) {
                *self = $Op::$op(*self, rhs);
            }
        }
    )*};
}
lane_ops!(Add add AddAssign add_assign Sub sub SubAssign sub_assign Mul mul MulAssign mul_assign
    Div div DivAssign div_assign Rem rem RemAssign rem_assign);

macro_rules! scalar_lhs {
    ($($p:ty)*) => {$(
        impl<const L: usize> Add<Lanes<$p, L>> for $p {
            type Output = Lanes<$p, L>;
            #[inline(always)]
            fn add(self, r: Lanes<$p, L>) -> Lanes<$p, L> { r.map(|b| self + b) }
        }
        impl<const L: usize> Sub<Lanes<$p, L>> for $p {
            type Output = Lanes<$p, L>;
            #[inline(always)]
            fn sub(self, r: Lanes<$p, L>) -> Lanes<$p, L> { r.map(|b| self - b) }
        }
        impl<const L: usize> Mul<Lanes<$p, L>> for $p {
            type Output = Lanes<$p, L>;
            #[inline(always)]
            fn mul(self, r: Lanes<$p, L>) -> Lanes<$p, L> { r.map(|b| self * b) }
        }
        impl<const L: usize> Div<Lanes<$p, L>> for $p {
            type Output = Lanes<$p, L>;
            #[inline(always)]
            fn div(self, r: Lanes<$p, L>) -> Lanes<$p, L> { r.map(|b| self / b) }
        }
    )*};
}
scalar_lhs!(f32 f64);

impl<T: LaneMath, const L: usize> Neg for Lanes<T, L> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|a| -a)
    }
}

impl<T: LaneMath, const L: usize> PartialOrd for Lanes<T, L> {
    /// The common ordering of all lanes, `None` when they disagree (or for NaN).
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let mut it = self.0.iter().zip(other.0.iter());
        let (a, b) = it.next()?;
        let first = a.partial_cmp(b)?;
        it.all(|(a, b)| a.partial_cmp(b) == Some(first))
            .then_some(first)
    }
    /// `true` when every lane is less.
    #[inline]
    fn lt(&self, other: &Self) -> bool {
        self.mask(Compare::Lt, *other).all()
    }
    /// `true` when every lane is less or equal.
    #[inline]
    fn le(&self, other: &Self) -> bool {
        self.mask(Compare::Le, *other).all()
    }
    /// `true` when every lane is greater.
    #[inline]
    fn gt(&self, other: &Self) -> bool {
        self.mask(Compare::Gt, *other).all()
    }
    /// `true` when every lane is greater or equal.
    #[inline]
    fn ge(&self, other: &Self) -> bool {
        self.mask(Compare::Ge, *other).all()
    }
}

impl<T: LaneMath, const L: usize> Default for Lanes<T, L> {
    fn default() -> Self {
        Self::splat(T::ZERO)
    }
}

impl<T: LaneMath, const L: usize> fmt::Debug for Lanes<T, L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lanes(")?;
        f.debug_list().entries(self.0.iter()).finish()?;
        f.write_str(")")
    }
}

impl<T: LaneMath, const L: usize> fmt::Display for Lanes<T, L> {
    /// `[1, 2.5, 3]`; a precision (`{:.3}`) applies to every lane.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::fmt::list(f, &self.0)
    }
}

impl<T: LaneMath, const L: usize> Sum for Lanes<T, L> {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::default(), |a, b| a + b)
    }
}

impl<T: LaneMath, const L: usize> Product for Lanes<T, L> {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::splat(T::one()), |a, b| a * b)
    }
}

impl<T: LaneMath, const L: usize> Zero for Lanes<T, L> {
    #[inline(always)]
    fn zero() -> Self {
        Self::splat(T::ZERO)
    }
    /// `true` when every lane is zero.
    #[inline]
    fn is_zero(&self) -> bool {
        self.all(|x| x == T::ZERO)
    }
}

impl<T: LaneMath, const L: usize> One for Lanes<T, L> {
    #[inline(always)]
    fn one() -> Self {
        Self::splat(T::one())
    }
}

impl<T: LaneMath, const L: usize> Num for Lanes<T, L> {
    type FromStrRadixErr = T::FromStrRadixErr;
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        T::from_str_radix(s, radix).map(Self::splat)
    }
}

impl<T: LaneMath, const L: usize> ToPrimitive for Lanes<T, L> {
    fn to_i64(&self) -> Option<i64> {
        self.uniform()?.to_i64()
    }
    fn to_u64(&self) -> Option<u64> {
        self.uniform()?.to_u64()
    }
    fn to_f32(&self) -> Option<f32> {
        self.uniform()?.to_f32()
    }
    fn to_f64(&self) -> Option<f64> {
        self.uniform()?.to_f64()
    }
}

impl<T: LaneMath, const L: usize> NumCast for Lanes<T, L> {
    fn from<P: ToPrimitive>(n: P) -> Option<Self> {
        <T as NumCast>::from(n).map(Self::splat)
    }
}

impl<T: LaneMath, const L: usize> FromPrimitive for Lanes<T, L> {
    fn from_i64(n: i64) -> Option<Self> {
        T::from_i64(n).map(Self::splat)
    }
    fn from_u64(n: u64) -> Option<Self> {
        T::from_u64(n).map(Self::splat)
    }
    fn from_f32(n: f32) -> Option<Self> {
        T::from_f32(n).map(Self::splat)
    }
    fn from_f64(n: f64) -> Option<Self> {
        T::from_f64(n).map(Self::splat)
    }
}

impl<T: LaneMath, const L: usize> Signed for Lanes<T, L> {
    fn abs(&self) -> Self {
        self.map(|x| x.abs())
    }
    fn abs_sub(&self, other: &Self) -> Self {
        self.zip(*other, |a, b| if a <= b { T::ZERO } else { a - b })
    }
    fn signum(&self) -> Self {
        self.map(|x| x.signum())
    }
    /// `true` when every lane is positive.
    fn is_positive(&self) -> bool {
        self.all(|x| x.is_sign_positive())
    }
    /// `true` when every lane is negative.
    fn is_negative(&self) -> bool {
        self.all(|x| x.is_sign_negative())
    }
}

macro_rules! consts {
    ($tr:ident: $($c:ident)*) => {$(
        #[inline(always)]
        fn $c() -> Self {
            Self::splat(<T as $tr>::$c())
        }
    )*};
}

impl<T: LaneMath, const L: usize> FloatConst for Lanes<T, L> {
    consts!(FloatConst: E FRAC_1_PI FRAC_1_SQRT_2 FRAC_2_PI FRAC_2_SQRT_PI FRAC_PI_2 FRAC_PI_3
        FRAC_PI_4 FRAC_PI_6 FRAC_PI_8 LN_10 LN_2 LOG10_E LOG2_E PI SQRT_2 TAU LOG10_2 LOG2_10);
}

macro_rules! unary_methods {
    ($($f:ident $Op:ident),*) => {$(
        #[inline(always)]
        fn $f(self) -> Self {
            self.unary(UnaryOp::$Op)
        }
    )*};
}

macro_rules! binary_methods {
    ($($f:ident $Op:ident),*) => {$(
        #[inline(always)]
        fn $f(self, o: Self) -> Self {
            self.binary(BinaryOp::$Op, o)
        }
    )*};
}

impl<T: LaneMath, const L: usize> Float for Lanes<T, L> {
    consts!(Float: nan infinity neg_infinity neg_zero min_value min_positive_value max_value
        epsilon);
    /// `true` when some lane is NaN.
    fn is_nan(self) -> bool {
        self.any(Float::is_nan)
    }
    /// `true` when some lane is infinite.
    fn is_infinite(self) -> bool {
        self.any(Float::is_infinite)
    }
    /// `true` when every lane is finite.
    fn is_finite(self) -> bool {
        self.all(Float::is_finite)
    }
    /// `true` when every lane is normal.
    fn is_normal(self) -> bool {
        self.all(Float::is_normal)
    }
    /// `true` when some lane is subnormal.
    fn is_subnormal(self) -> bool {
        self.any(Float::is_subnormal)
    }
    /// The class of the first lane.
    fn classify(self) -> core::num::FpCategory {
        self.primal().classify()
    }
    /// `true` when every lane has a positive sign bit.
    fn is_sign_positive(self) -> bool {
        self.all(Float::is_sign_positive)
    }
    /// `true` when every lane has a negative sign bit.
    fn is_sign_negative(self) -> bool {
        self.all(Float::is_sign_negative)
    }
    /// The decomposition of the first lane.
    fn integer_decode(self) -> (u64, i16, i8) {
        self.primal().integer_decode()
    }
    unary_methods!(floor Floor, ceil Ceil, round Round, trunc Trunc, fract Fract, abs Abs,
        signum Signum, recip Recip, sqrt Sqrt, exp Exp, exp2 Exp2, ln Ln, log2 Log2,
        log10 Log10, cbrt Cbrt, sin Sin, cos Cos, tan Tan, asin Asin, acos Acos, atan Atan,
        exp_m1 ExpM1, ln_1p Ln1p, sinh Sinh, cosh Cosh, tanh Tanh, asinh Asinh,
        acosh Acosh, atanh Atanh);
    binary_methods!(powf Powf, log Log, max Max, min Min, hypot Hypot, atan2 Atan2);
    fn mul_add(self, a: Self, b: Self) -> Self {
        let mut r = self.0;
        for ((r, a), b) in r.iter_mut().zip(a.0).zip(b.0) {
            *r = r.mul_add(a, b);
        }
        Lanes(r)
    }
    fn powi(self, n: i32) -> Self {
        self.unary(UnaryOp::Powi(n))
    }
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = T::lanes_sin_cos(self.0);
        (Lanes(s), Lanes(c))
    }
    #[allow(deprecated)]
    fn abs_sub(self, other: Self) -> Self {
        Signed::abs_sub(&self, &other)
    }
    fn copysign(self, sign: Self) -> Self {
        self.zip(sign, Float::copysign)
    }
    fn clamp(self, lo: Self, hi: Self) -> Self {
        let mut r = self.0;
        for ((r, lo), hi) in r.iter_mut().zip(lo.0).zip(hi.0) {
            *r = if *r < lo {
                lo
            } else if *r > hi {
                hi
            } else {
                *r
            };
        }
        Lanes(r)
    }
    fn to_degrees(self) -> Self {
        self.map(Float::to_degrees)
    }
    fn to_radians(self) -> Self {
        self.map(Float::to_radians)
    }
}
