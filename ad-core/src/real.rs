//! The scalar trait every AD number is generic over, and its impls for `f32`/`f64`.

use core::fmt::{Debug, Display};
use core::iter::{Product, Sum};
use core::ops::{AddAssign, DivAssign, MulAssign, RemAssign, SubAssign};

use num_traits::{Float, FloatConst, FromPrimitive, Signed};

use crate::math;
use crate::rules::{BinaryOp, Custom, Jet, UnaryOp};

/// A comparison, for [`Real::mask`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Compare {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl Compare {
    /// Applies the comparison to two primitive values.
    ///
    /// ```
    /// use ad_core::Compare;
    /// assert!(Compare::Le.eval(1.0, 1.0));
    /// assert!(!Compare::Lt.eval(f64::NAN, 1.0));
    /// ```
    #[inline(always)]
    #[must_use]
    pub fn eval<P: PartialOrd>(self, a: P, b: P) -> bool {
        match self {
            Compare::Lt => a < b,
            Compare::Le => a <= b,
            Compare::Gt => a > b,
            Compare::Ge => a >= b,
            Compare::Eq => a == b,
            Compare::Ne => a != b,
        }
    }
}

/// A real scalar: `f32`, `f64`, or any AD number built over one.
///
/// Write your model once against `T: Real` (or against `T: num_traits::Float`, which
/// every `Real` also is) and choose the mode by choosing `T`:
///
/// ```
/// use ad_core::{Dual64, Real};
///
/// fn model<T: Real>(x: T) -> T {
///     x.sin() * x + T::constant(2.0)
/// }
///
/// let plain = model(1.0_f64);
/// let d = model(Dual64::variable(1.0));
/// assert_eq!(d.re, plain);
/// assert!((d.eps[0] - (1.0_f64.cos() + 1.0_f64.sin())).abs() < 1e-15);
/// ```
///
/// The two methods that carry the differentiation, [`Real::unary`] and
/// [`Real::binary`], evaluate one row of the [rules table](crate::rules). Every
/// elementary method of the AD types (`sin`, `powf`, ...) goes through them, so nested
/// types (`Dual<Dual<f64>>`) differentiate the derivative rules themselves.
///
/// Equality and ordering compare values only (the AD convention: a branch in user code
/// depends on the value, never on a tangent).
pub trait Real:
    Float
    + FloatConst
    + FromPrimitive
    + Signed
    + Default
    + Debug
    + Display
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + RemAssign
    + Sum
    + Product
{
    /// The floating-point type at the bottom of the nesting: `f32` or `f64`.
    type Primitive: Primitive;

    /// The result of a comparison made with [`Real::mask`], consumed by
    /// [`Real::select`]: `bool` for numbers that hold their value, a recorded
    /// condition for tape variables (and, later, one bit per lane for SIMD lanes).
    type Mask: Copy + Debug;

    /// `true` for numbers that hold several independent points ([`Lanes`](crate::Lanes)
    /// and AD numbers built over them): whole-number predicates such as
    /// [`Real::is_exact_zero`] then speak for all lanes at once, and rules that depend
    /// on a value go through [`Real::mask`] and [`Real::select`] lane by lane.
    const LANES: bool = false;

    /// `if_zero` where `t` is exactly zero in every component, else `otherwise`: the
    /// strong-zero test of the [special-point policy](crate#special-points), lane by
    /// lane for [`Lanes`](crate::Lanes).
    ///
    /// ```
    /// use ad_core::{Dual64, Real};
    /// let t = Dual64::variable(0.0); // value 0, tangent 1: not exactly zero
    /// let r = Dual64::where_exact_zero(t, Dual64::constant(1.0), Dual64::constant(2.0));
    /// assert_eq!(r.re, 2.0);
    /// ```
    #[inline(always)]
    fn where_exact_zero(t: Self, if_zero: Self, otherwise: Self) -> Self {
        if t.is_exact_zero() {
            if_zero
        } else {
            otherwise
        }
    }

    /// A constant (all tangents zero) from a value of the primitive type.
    ///
    /// ```
    /// use ad_core::{Dual, Real};
    /// let c = <Dual<f32, 2>>::from_primitive(1.5);
    /// assert_eq!((c.re, c.eps), (1.5, [0.0, 0.0]));
    /// ```
    fn from_primitive(x: Self::Primitive) -> Self;

    /// A constant from an `f64` literal, rounded to the primitive precision.
    ///
    /// This is the literal of generic code: `T::constant(0.5) * x`.
    ///
    /// ```
    /// use ad_core::Real;
    /// assert_eq!(f32::constant(0.1), 0.1_f32);
    /// ```
    fn constant(x: f64) -> Self;

    /// The innermost value (the real part of the real part ...).
    ///
    /// ```
    /// use ad_core::{Dual, Real};
    /// let x: Dual<Dual<f64>> = Dual::variable(Dual::variable(3.0));
    /// assert_eq!(x.primal(), 3.0);
    /// ```
    fn primal(&self) -> Self::Primitive;

    /// `true` when the value and every tangent component are exactly zero.
    ///
    /// Unlike `==` (which compares values only) this looks at the whole number; it is
    /// what the strong-zero rule of the [special-point policy](crate#special-points)
    /// tests.
    ///
    /// ```
    /// use ad_core::{Dual64, Real};
    /// assert!(<Dual64>::from_primitive(0.0).is_exact_zero());
    /// assert!(!Dual64::variable(0.0).is_exact_zero());
    /// ```
    fn is_exact_zero(&self) -> bool;

    /// `true` when the value and every tangent component are finite.
    ///
    /// Arithmetic takes its fast path (plain product and quotient rules) when its
    /// operands are all finite, and the strong-zero path otherwise.
    ///
    /// ```
    /// use ad_core::{Dual64, Real};
    /// assert!(Dual64::variable(1.0).is_all_finite());
    /// assert!(!Dual64::variable(0.0).sqrt().is_all_finite()); // tangent is +inf
    /// ```
    fn is_all_finite(&self) -> bool;

    /// Compares `self` with `other` for a later [`Real::select`].
    ///
    /// Unlike `<` and friends, a mask is not a branch: on a tape it records a
    /// condition that a replay re-evaluates, instead of a guard that fails when the
    /// outcome changes.
    fn mask(self, cmp: Compare, other: Self) -> Self::Mask;

    /// `if_true` where `mask` holds, else `if_false`, without a branch in the
    /// recorded program: both arguments are evaluated and recorded, and only the
    /// selected one receives a derivative. The other's derivative is masked *before*
    /// any multiplication, so an infinite partial in the branch not taken never turns
    /// into NaN:
    ///
    /// ```
    /// use ad_core::{derivative, Compare, Real};
    /// // sqrt(x) where x > 0, else 0: derivative 0 at 0, not NaN.
    /// fn f<T: Real>(x: T) -> T {
    ///     T::select(x.mask(Compare::Gt, T::zero()), x.sqrt(), T::zero())
    /// }
    /// assert_eq!(derivative(f, 0.0_f64), (0.0, 0.0));
    /// assert_eq!(derivative(f, 4.0_f64), (2.0, 0.25));
    /// ```
    fn select(mask: Self::Mask, if_true: Self, if_false: Self) -> Self;

    /// Evaluates the unary elementary function `op`, with its derivatives.
    ///
    /// ```
    /// use ad_core::{rules::UnaryOp, Dual64, Real};
    /// let y = Dual64::variable(0.0).unary(UnaryOp::Exp);
    /// assert_eq!((y.re, y.eps[0]), (1.0, 1.0));
    /// ```
    fn unary(self, op: UnaryOp) -> Self;

    /// Evaluates the binary elementary function `op` at `(self, rhs)`, with its
    /// derivatives.
    ///
    /// ```
    /// use ad_core::{rules::BinaryOp, Dual64, Real};
    /// let y = Dual64::variable(2.0).binary(BinaryOp::Powf, <Dual64>::from_primitive(3.0));
    /// assert_eq!((y.re, y.eps[0]), (8.0, 12.0));
    /// ```
    fn binary(self, op: BinaryOp, rhs: Self) -> Self;

    /// Evaluates a user-defined elementary function (a lookup-table interpolation,
    /// an implicit solve, ...) with the derivatives its [`Custom`] gives, in every
    /// mode: forward, second order, nesting (exact through second order) and the
    /// tape.
    ///
    /// ```
    /// use ad_core::{derivative, rules::{Custom, Jet}, Real};
    /// // A smooth ramp given by its value and derivatives.
    /// static SOFTPLUS: Custom<f64> = Custom {
    ///     name: "softplus",
    ///     eval: |x| {
    ///         let s = 1.0 / (1.0 + (-x).exp());
    ///         Jet { value: x.exp().ln_1p(), d1: s, d2: s * (1.0 - s) }
    ///     },
    /// };
    /// let (v, d) = derivative(|x| x.custom(&SOFTPLUS) * x, 0.0_f64);
    /// assert_eq!((v, d), (0.0, 2.0f64.ln()));
    /// ```
    fn custom(self, f: &'static Custom<Self::Primitive>) -> Self;

    /// The innermost values as a constant of this type: every tangent dropped (lane by
    /// lane for [`Lanes`](crate::Lanes)).
    ///
    /// ```
    /// use ad_core::{Dual64, Real};
    /// let c = Dual64::new(2.0, [5.0]).constant_part();
    /// assert_eq!((c.re, c.eps), (2.0, [0.0]));
    /// ```
    #[inline(always)]
    #[must_use]
    fn constant_part(&self) -> Self {
        Self::from_primitive(self.primal())
    }

    /// The tangents with a zero value: `self - self.constant_part()` without the
    /// `∞ - ∞ = NaN` of an infinite or NaN value (every tangent component kept, at
    /// every nesting depth; zero for primitives and lanes of primitives).
    ///
    /// ```
    /// use ad_core::{Dual64, Real};
    /// let t = Dual64::new(f64::INFINITY, [2.0]).tangent_part();
    /// assert_eq!((t.re, t.eps), (0.0, [2.0]));
    /// assert_eq!(5.0_f64.tangent_part(), 0.0);
    /// ```
    #[inline(always)]
    #[must_use]
    fn tangent_part(&self) -> Self {
        *self - self.constant_part()
    }

    /// Every component (value and tangents, at every nesting depth) multiplied by the
    /// innermost values of the constant `c`, under the strong-zero rule: an exactly
    /// zero component stays zero even when `c` is infinite or NaN. This is the product
    /// `c · self` for a constant `c`, except that a zero value is never turned into
    /// NaN by `0 · ∞`; the rules use it to lift a partial derivative onto tangents whose
    /// value is zero.
    ///
    /// ```
    /// use ad_core::{Dual64, Real};
    /// let t = Dual64::new(0.0, [2.0]).strong_scale(Dual64::constant(f64::INFINITY));
    /// assert_eq!((t.re, t.eps), (0.0, [f64::INFINITY]));
    /// assert_eq!(3.0_f64.strong_scale(2.0), 6.0);
    /// ```
    #[inline(always)]
    #[must_use]
    fn strong_scale(self, c: Self) -> Self {
        crate::rules::chain(c.constant_part(), self)
    }

    /// The user's jet of `f` at the innermost values, as constants of this type (one
    /// evaluation per lane for [`Lanes`](crate::Lanes)); [`rules::custom`](crate::rules::custom)
    /// lifts it to the tangents.
    ///
    /// ```
    /// use ad_core::{rules::{Custom, Jet}, Dual64, Real};
    /// static SQ: Custom<f64> = Custom { name: "sq", eval: |x| Jet { value: x * x, d1: 2.0 * x, d2: 2.0 } };
    /// let j = Dual64::variable(3.0).custom_jet(&SQ);
    /// assert_eq!((j.value.re, j.d1.re, j.d2.re), (9.0, 6.0, 2.0));
    /// ```
    #[inline(always)]
    fn custom_jet(&self, f: &Custom<Self::Primitive>) -> Jet<Self> {
        let j = (f.eval)(self.primal());
        Jet {
            value: Self::from_primitive(j.value),
            d1: Self::from_primitive(j.d1),
            d2: Self::from_primitive(j.d2),
        }
    }
}

/// Logic on the outcome of lane-wise comparisons: `bool` for numbers that hold one
/// point, [`LaneMask`](crate::LaneMask) for [`Lanes`](crate::Lanes).
///
/// ```
/// use ad_core::MaskOps;
/// assert!(true.and(true.not().not()));
/// assert!(MaskOps::all(true) && !MaskOps::any(false));
/// ```
pub trait MaskOps: Copy + Debug {
    /// The same outcome in every lane.
    fn splat(b: bool) -> Self;
    /// Lane-wise and.
    #[must_use]
    fn and(self, other: Self) -> Self;
    /// Lane-wise or.
    #[must_use]
    fn or(self, other: Self) -> Self;
    /// Lane-wise not.
    #[must_use]
    fn not(self) -> Self;
    /// `true` when some lane is true.
    fn any(self) -> bool;
    /// `true` when every lane is true.
    fn all(self) -> bool;
}

impl MaskOps for bool {
    #[inline(always)]
    fn splat(b: bool) -> bool {
        b
    }
    #[inline(always)]
    fn and(self, other: bool) -> bool {
        self && other
    }
    #[inline(always)]
    fn or(self, other: bool) -> bool {
        self || other
    }
    #[inline(always)]
    fn not(self) -> bool {
        !self
    }
    #[inline(always)]
    fn any(self) -> bool {
        self
    }
    #[inline(always)]
    fn all(self) -> bool {
        self
    }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for f32 {}
    impl Sealed for f64 {}
}

/// The primitive floating-point types, `f32` and `f64` (sealed).
///
/// ```
/// use ad_core::{Dual, Primitive, Real};
/// fn bottom<T: Real>(x: T) -> f64 { x.primal().to_f64_exact() }
/// assert_eq!(bottom(Dual::<f32>::variable(0.5)), 0.5);
/// ```
pub trait Primitive: Real<Primitive = Self, Mask = bool> + sealed::Sealed + 'static {
    /// Zero, usable in `const` contexts (a tape's `const fn new`).
    const ZERO: Self;

    /// Widens to `f64` (exact for both types).
    fn to_f64_exact(self) -> f64;
}

macro_rules! impl_primitive {
    ($t:ident) => {
        impl Primitive for $t {
            const ZERO: $t = 0.0;
            #[inline(always)]
            fn to_f64_exact(self) -> f64 {
                f64::from(self)
            }
        }

        impl Real for $t {
            type Primitive = $t;
            type Mask = bool;

            #[inline(always)]
            fn mask(self, cmp: Compare, other: $t) -> bool {
                cmp.eval(self, other)
            }

            #[inline(always)]
            fn select(mask: bool, if_true: $t, if_false: $t) -> $t {
                if mask { if_true } else { if_false }
            }

            #[inline(always)]
            fn from_primitive(x: $t) -> $t {
                x
            }

            #[inline(always)]
            #[allow(clippy::cast_possible_truncation, trivial_numeric_casts)]
            fn constant(x: f64) -> $t {
                x as $t
            }

            #[inline(always)]
            fn primal(&self) -> $t {
                *self
            }

            #[inline(always)]
            fn tangent_part(&self) -> $t {
                0.0
            }

            #[inline(always)]
            fn is_exact_zero(&self) -> bool {
                *self == 0.0
            }

            #[inline(always)]
            fn is_all_finite(&self) -> bool {
                self.is_finite()
            }

            #[inline(always)]
            fn unary(self, op: UnaryOp) -> $t {
                use math::$t as m;
                let x = self;
                match op {
                    UnaryOp::Neg => -x,
                    UnaryOp::Recip => 1.0 / x,
                    UnaryOp::Sqrt => m::sqrt(x),
                    UnaryOp::Cbrt => m::cbrt(x),
                    UnaryOp::Exp => m::exp(x),
                    UnaryOp::Exp2 => m::exp2(x),
                    UnaryOp::ExpM1 => m::exp_m1(x),
                    UnaryOp::Ln => m::ln(x),
                    UnaryOp::Log2 => m::log2(x),
                    UnaryOp::Log10 => m::log10(x),
                    UnaryOp::Ln1p => m::ln_1p(x),
                    UnaryOp::Sin => m::sin(x),
                    UnaryOp::Cos => m::cos(x),
                    UnaryOp::Tan => m::tan(x),
                    UnaryOp::Asin => m::asin(x),
                    UnaryOp::Acos => m::acos(x),
                    UnaryOp::Atan => m::atan(x),
                    UnaryOp::Sinh => m::sinh(x),
                    UnaryOp::Cosh => m::cosh(x),
                    UnaryOp::Tanh => m::tanh(x),
                    UnaryOp::Asinh => m::asinh(x),
                    UnaryOp::Acosh => m::acosh(x),
                    UnaryOp::Atanh => m::atanh(x),
                    UnaryOp::Abs => m::abs(x),
                    UnaryOp::Signum => m::signum(x),
                    UnaryOp::Floor => m::floor(x),
                    UnaryOp::Ceil => m::ceil(x),
                    UnaryOp::Round => m::round(x),
                    UnaryOp::Trunc => m::trunc(x),
                    UnaryOp::Fract => m::fract(x),
                    UnaryOp::Powi(n) => m::powi(x, n),
                }
            }

            #[inline(always)]
            fn custom(self, f: &'static Custom<$t>) -> $t {
                (f.eval)(self).value
            }

            #[inline(always)]
            fn binary(self, op: BinaryOp, y: $t) -> $t {
                use math::$t as m;
                let x = self;
                match op {
                    BinaryOp::Add => x + y,
                    BinaryOp::Sub => x - y,
                    BinaryOp::Mul => x * y,
                    BinaryOp::Div => x / y,
                    BinaryOp::Rem => x % y,
                    BinaryOp::Powf => m::powf(x, y),
                    BinaryOp::Atan2 => m::atan2(x, y),
                    BinaryOp::Hypot => m::hypot(x, y),
                    BinaryOp::Log => m::log(x, y),
                    BinaryOp::Min => m::min(x, y),
                    BinaryOp::Max => m::max(x, y),
                }
            }
        }
    };
}

impl_primitive!(f32);
impl_primitive!(f64);
