//! Crate-private plumbing shared by the AD number types.
//!
//! Each type hand-writes only what differs between them (the struct, the chain rule
//! for a row of the rules table, the product and quotient rules, `Display`) by
//! implementing [`AdNumber`]; `impl_ad_number!` derives everything else from that:
//! operators in all owned/borrowed/scalar combinations, the inherent elementary
//! methods, and the `num-traits` traits up to `Float`.

use crate::rules::{BinaryOp, Custom, UnaryOp};
use crate::{Compare, Real};

/// What a number type must provide; everything else is generated.
pub(crate) trait AdNumber: Copy {
    /// The scalar the value and tangents are made of.
    type Inner: Real;
    /// The value (real part).
    fn ad_value(&self) -> Self::Inner;
    /// A constant: `v` with all tangents zero.
    fn from_inner(v: Self::Inner) -> Self;
    /// `true` when every tangent component is exactly zero (a constant).
    fn tangents_zero(&self) -> bool;
    /// `true` when the value and every tangent component are finite.
    fn all_finite(&self) -> bool;
    /// Component-wise sum or difference.
    fn add_sub(self, rhs: Self, subtract: bool) -> Self;
    /// The product rule.
    fn mul_ad(self, rhs: Self) -> Self;
    /// The quotient rule.
    fn div_ad(self, rhs: Self) -> Self;
    /// Whether the type carries second derivatives (and so needs `Jet::d2`).
    const SECOND: bool;
    /// The chain rule for a unary row of the rules table.
    fn apply_unary(self, op: UnaryOp) -> Self;
    /// The chain rule for a user-defined elementary function.
    fn apply_custom(self, f: &'static Custom<<Self::Inner as Real>::Primitive>) -> Self;
    /// The chain rule for a binary row of the rules table.
    fn apply_binary(self, op: BinaryOp, rhs: Self) -> Self;
    /// Negation.
    fn neg_ad(self) -> Self;
    /// `self op s` for a constant `s` of the inner type.
    fn scalar_rhs(self, op: BinaryOp, s: Self::Inner) -> Self;
    /// `self * a + b` with a fused value.
    fn mul_add_ad(self, a: Self, b: Self) -> Self;
    /// The mask type of [`Real::mask`].
    type Mask: Copy + core::fmt::Debug;
    /// [`Real::mask`].
    fn mask_ad(self, cmp: Compare, other: Self) -> Self::Mask;
    /// [`Real::select`].
    fn select_ad(mask: Self::Mask, a: Self, b: Self) -> Self;
    /// [`Real::where_exact_zero`].
    #[inline(always)]
    fn where_zero_ad(t: Self, if_zero: Self, otherwise: Self) -> Self {
        if t.ad_value().is_exact_zero() && t.tangents_zero() {
            if_zero
        } else {
            otherwise
        }
    }
    /// [`Real::tangent_part`] (a recording type records the difference).
    #[inline(always)]
    fn tangent_part_ad(&self) -> Self
    where
        Self: crate::Real,
    {
        *self - crate::Real::constant_part(self)
    }
    /// [`Real::strong_scale`] (a recording type records the product).
    #[inline(always)]
    fn strong_scale_ad(self, c: Self) -> Self
    where
        Self: crate::Real,
    {
        crate::rules::chain(crate::Real::constant_part(&c), self)
    }
    /// Sees every comparison `self cmp other` with its `outcome` (a recording type
    /// records a guard; the forward types do nothing).
    #[inline(always)]
    fn on_compare(&self, _other: &Self, _cmp: Compare, _outcome: bool) {}
}

/// The parts of [`AdNumber`] that every forward type (value + tangents held in place)
/// writes the same way from its inherent `map_all` and `with_value`.
macro_rules! forward_defaults {
    () => {
        #[inline(always)]
        fn tangent_part_ad(&self) -> Self {
            self.with_value($crate::Real::tangent_part(&self.ad_value()))
        }
        #[inline(always)]
        fn strong_scale_ad(self, c: Self) -> Self {
            let c = c.ad_value();
            self.map_all(|t| $crate::Real::strong_scale(t, c))
        }
        #[inline(always)]
        fn apply_unary(self, op: $crate::rules::UnaryOp) -> Self {
            let x = self.ad_value();
            if Self::SECOND {
                self.apply_jet($crate::rules::unary::<_, true>(op, x))
            } else {
                self.apply_jet($crate::rules::unary::<_, false>(op, x))
            }
        }
        #[inline(always)]
        fn apply_custom(
            self,
            f: &'static $crate::rules::Custom<<Self::Inner as $crate::Real>::Primitive>,
        ) -> Self {
            let x = self.ad_value();
            if Self::SECOND {
                self.apply_jet($crate::rules::custom::<_, true>(f, x))
            } else {
                self.apply_jet($crate::rules::custom::<_, false>(f, x))
            }
        }
        type Mask = <Self::Inner as $crate::Real>::Mask;
        #[inline(always)]
        fn mask_ad(self, cmp: $crate::Compare, other: Self) -> Self::Mask {
            $crate::Real::mask(self.ad_value(), cmp, other.ad_value())
        }
        #[inline(always)]
        fn select_ad(mask: Self::Mask, a: Self, b: Self) -> Self {
            a.zip_all(b, |x, y| <Self::Inner as $crate::Real>::select(mask, x, y))
        }
        #[inline(always)]
        fn where_zero_ad(t: Self, z: Self, o: Self) -> Self {
            type I<S> = <S as AdNumber>::Inner;
            if !<I<Self> as $crate::Real>::LANES {
                return if $crate::Real::is_exact_zero(&t) {
                    z
                } else {
                    o
                };
            }
            // Lane by lane: one where every component of `t` is exactly zero.
            let (zero, one) = (
                <I<Self> as num_traits::Zero>::zero(),
                <I<Self> as num_traits::One>::one(),
            );
            let mut all = one;
            t.for_each_component(|c| {
                all = <I<Self> as $crate::Real>::where_exact_zero(c, all, zero)
            });
            let m = $crate::Real::mask(all, $crate::Compare::Ne, zero);
            z.zip_all(o, |zk, ok| <I<Self> as $crate::Real>::select(m, zk, ok))
        }
        #[inline(always)]
        fn neg_ad(self) -> Self {
            self.map_all(|c| -c)
        }
        #[inline(always)]
        fn scalar_rhs(self, op: BinaryOp, s: Self::Inner) -> Self {
            match op {
                BinaryOp::Add => self.with_value(self.ad_value() + s),
                BinaryOp::Sub => self.with_value(self.ad_value() - s),
                BinaryOp::Mul if s.is_all_finite() => self.map_all(|c| c * s),
                BinaryOp::Mul => self.mul_ad(Self::from_inner(s)),
                BinaryOp::Div if s.is_all_finite() && !s.is_zero() => self.map_all(|c| c / s),
                BinaryOp::Div => self.div_ad(Self::from_inner(s)),
                _ => self.apply_binary(op, Self::from_inner(s)),
            }
        }
        #[inline(always)]
        fn mul_add_ad(self, a: Self, b: Self) -> Self {
            let v = num_traits::Float::mul_add(self.ad_value(), a.ad_value(), b.ad_value());
            self.mul_ad(a).add_sub(b, false).with_value(v)
        }
    };
}

/// Generates the operators, inherent methods and `num-traits` impls of an AD type
/// from its [`AdNumber`] impl.
macro_rules! impl_ad_number {
    ([$($gen:tt)*] $ty:ty) => {
        impl_ad_number!([$($gen)*] $ty; mask T::Mask);
    };
    ([$($gen:tt)*] $ty:ty; mask $mask:ty) => {
        impl_ad_number!(@ops [$($gen)*] $ty; Add add AddAssign add_assign |a, b| a.add_sub(b, false));
        impl_ad_number!(@ops [$($gen)*] $ty; Sub sub SubAssign sub_assign |a, b| a.add_sub(b, true));
        impl_ad_number!(@ops [$($gen)*] $ty; Mul mul MulAssign mul_assign |a, b| a.mul_ad(b));
        impl_ad_number!(@ops [$($gen)*] $ty; Div div DivAssign div_assign |a, b| a.div_ad(b));
        impl_ad_number!(@ops [$($gen)*] $ty; Rem rem RemAssign rem_assign
            |a, b| a.apply_binary($crate::rules::BinaryOp::Rem, b));

        impl_ad_number!(@scalar [$($gen)*] $ty; Add add AddAssign add_assign Add);
        impl_ad_number!(@scalar [$($gen)*] $ty; Sub sub SubAssign sub_assign Sub);
        impl_ad_number!(@scalar [$($gen)*] $ty; Mul mul MulAssign mul_assign Mul);
        impl_ad_number!(@scalar [$($gen)*] $ty; Div div DivAssign div_assign Div);
        impl_ad_number!(@scalar [$($gen)*] $ty; Rem rem RemAssign rem_assign Rem);

        impl<$($gen)*> core::ops::Neg for $ty {
            type Output = Self;
            #[inline(always)]
            fn neg(self) -> Self {
                self.neg_ad()
            }
        }
        impl<$($gen)*> core::ops::Neg for &$ty {
            type Output = $ty;
            #[inline]
            fn neg(self) -> $ty {
                -*self
            }
        }

        impl<$($gen)*> PartialEq for $ty {
            /// Compares values only (tangents are ignored), like every AD comparison.
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                let r = self.ad_value() == other.ad_value();
                self.on_compare(other, $crate::Compare::Eq, r);
                r
            }
            #[allow(clippy::partialeq_ne_impl)]
            #[inline]
            fn ne(&self, other: &Self) -> bool {
                let r = self.ad_value() != other.ad_value();
                self.on_compare(other, $crate::Compare::Ne, r);
                r
            }
        }
        impl<$($gen)*> PartialOrd for $ty {
            /// Orders by value only.
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
                use core::cmp::Ordering as O;
                let (a, b) = (self.ad_value(), other.ad_value());
                let r = a.partial_cmp(&b);
                // Recorded as the two comparisons that decide the ordering.
                self.on_compare(other, $crate::Compare::Lt, r == Some(O::Less));
                self.on_compare(other, $crate::Compare::Gt, r == Some(O::Greater));
                r
            }
            #[inline]
            fn lt(&self, other: &Self) -> bool {
                let r = self.ad_value() < other.ad_value();
                self.on_compare(other, $crate::Compare::Lt, r);
                r
            }
            #[inline]
            fn le(&self, other: &Self) -> bool {
                let r = self.ad_value() <= other.ad_value();
                self.on_compare(other, $crate::Compare::Le, r);
                r
            }
            #[inline]
            fn gt(&self, other: &Self) -> bool {
                let r = self.ad_value() > other.ad_value();
                self.on_compare(other, $crate::Compare::Gt, r);
                r
            }
            #[inline]
            fn ge(&self, other: &Self) -> bool {
                let r = self.ad_value() >= other.ad_value();
                self.on_compare(other, $crate::Compare::Ge, r);
                r
            }
        }
        impl<$($gen)*> Default for $ty {
            #[inline]
            fn default() -> Self {
                <$ty as AdNumber>::from_inner(T::zero())
            }
        }
        impl<$($gen)*> From<T> for $ty {
            /// A constant (zero tangents).
            #[inline]
            fn from(v: T) -> Self {
                <$ty as AdNumber>::from_inner(v)
            }
        }
        impl<$($gen)*> core::iter::Sum for $ty {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(num_traits::Zero::zero(), |a, b| a + b)
            }
        }
        impl<'a, $($gen)*> core::iter::Sum<&'a $ty> for $ty {
            fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
                iter.fold(num_traits::Zero::zero(), |a, b| a + *b)
            }
        }
        impl<$($gen)*> core::iter::Product for $ty {
            fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
                iter.fold(num_traits::One::one(), |a, b| a * b)
            }
        }
        impl<'a, $($gen)*> core::iter::Product<&'a $ty> for $ty {
            fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
                iter.fold(num_traits::One::one(), |a, b| a * *b)
            }
        }

        impl_ad_number!(@inherent [$($gen)*] $ty);
        impl_ad_number!(@num_traits [$($gen)*] $ty; $mask);
    };

    (@ops [$($gen:tt)*] $ty:ty; $Op:ident $op:ident $OpAssign:ident $op_assign:ident
        |$a:ident, $b:ident| $body:expr) => {
        impl<$($gen)*> core::ops::$Op for $ty {
            type Output = Self;
            #[inline(always)]
            fn $op(self, rhs: Self) -> Self {
                let ($a, $b) = (self, rhs);
                $body
            }
        }
        impl<$($gen)*> core::ops::$Op<&$ty> for $ty {
            type Output = $ty;
            #[inline(always)]
            fn $op(self, rhs: &$ty) -> $ty {
                core::ops::$Op::$op(self, *rhs)
            }
        }
        impl<$($gen)*> core::ops::$Op<$ty> for &$ty {
            type Output = $ty;
            #[inline(always)]
            fn $op(self, rhs: $ty) -> $ty {
                core::ops::$Op::$op(*self, rhs)
            }
        }
        impl<$($gen)*> core::ops::$Op<&$ty> for &$ty {
            type Output = $ty;
            #[inline(always)]
            fn $op(self, rhs: &$ty) -> $ty {
                core::ops::$Op::$op(*self, *rhs)
            }
        }
        impl<$($gen)*> core::ops::$OpAssign for $ty {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: Self) {
                *self = core::ops::$Op::$op(*self, rhs);
            }
        }
        impl<$($gen)*> core::ops::$OpAssign<&$ty> for $ty {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: &$ty) {
                *self = core::ops::$Op::$op(*self, *rhs);
            }
        }
    };

    (@scalar [$($gen:tt)*] $ty:ty; $Op:ident $op:ident $OpAssign:ident $op_assign:ident
        $Bin:ident) => {
        impl<$($gen)*> core::ops::$Op<T> for $ty {
            type Output = Self;
            #[inline(always)]
            fn $op(self, rhs: T) -> Self {
                self.scalar_rhs($crate::rules::BinaryOp::$Bin, rhs)
            }
        }
        impl<$($gen)*> core::ops::$OpAssign<T> for $ty {
            #[inline(always)]
            fn $op_assign(&mut self, rhs: T) {
                *self = core::ops::$Op::$op(*self, rhs);
            }
        }
    };

    (@inherent [$($gen:tt)*] $ty:ty) => {
        /// Elementary functions. Each evaluates one row of the [rules
        /// table](crate::rules) with the chain rule; they are inherent so that they win
        /// over any trait method of the same name (`num_traits::Float`, nalgebra's
        /// `ComplexField`) and never become ambiguous.
        impl<$($gen)*> $ty {
            impl_ad_number!(@unary
                recip Recip "`1/x`",
                sqrt Sqrt "square root",
                cbrt Cbrt "cube root",
                exp Exp "`eˣ`",
                exp2 Exp2 "`2ˣ`",
                exp_m1 ExpM1 "`eˣ - 1`, accurate near zero",
                ln Ln "natural logarithm",
                log2 Log2 "base-2 logarithm",
                log10 Log10 "base-10 logarithm",
                ln_1p Ln1p "`ln(1 + x)`, accurate near zero",
                sin Sin "sine",
                cos Cos "cosine",
                tan Tan "tangent",
                asin Asin "arcsine",
                acos Acos "arccosine",
                atan Atan "arctangent",
                sinh Sinh "hyperbolic sine",
                cosh Cosh "hyperbolic cosine",
                tanh Tanh "hyperbolic tangent",
                asinh Asinh "inverse hyperbolic sine",
                acosh Acosh "inverse hyperbolic cosine",
                atanh Atanh "inverse hyperbolic tangent",
                abs Abs "absolute value (derivative 0 at ±0: the minimum-norm subgradient)",
                signum Signum "sign, ±1 by the sign bit (derivative 0)",
                floor Floor "round down (derivative 0)",
                ceil Ceil "round up (derivative 0)",
                round Round "round half away from zero (derivative 0)",
                trunc Trunc "round toward zero (derivative 0)",
                fract Fract "`x - trunc(x)` (derivative 1)"
            );
            impl_ad_number!(@binary
                powf Powf "`xʸ`, both arguments active",
                atan2 Atan2 "four-quadrant arctangent of `self / other` (`self` is the ordinate)",
                hypot Hypot "`√(x² + y²)` without overflow (derivative 0 at the origin)",
                log Log "logarithm of `self` in base `base`",
                min Min "the smaller value (a NaN argument loses; ties share the derivative)",
                max Max "the larger value (a NaN argument loses; ties share the derivative)"
            );

            /// `xⁿ` for an integer `n`.
            #[inline]
            #[must_use]
            pub fn powi(self, n: i32) -> Self {
                // x² as a product: the same value and derivatives bit for bit (the
                // table's powi squares the same way), and cheaper.
                if n == 2 {
                    self * self
                } else {
                    self.apply_unary($crate::rules::UnaryOp::Powi(n))
                }
            }

            /// Sine and cosine together.
            #[inline]
            #[must_use]
            pub fn sin_cos(self) -> (Self, Self) {
                (self.sin(), self.cos())
            }

            /// `self * a + b` with one rounding in the value (fused multiply-add).
            #[inline]
            #[must_use]
            pub fn mul_add(self, a: Self, b: Self) -> Self {
                self.mul_add_ad(a, b)
            }

            /// Restricts `self` to `[lo, hi]`; the derivative is that of the bound
            /// that is returned, or of `self` inside the interval (closed). Never
            /// panics: NaN stays NaN, and `lo > hi` returns `lo` below `lo`, else `hi`
            /// above `hi`.
            #[inline]
            #[must_use]
            pub fn clamp(self, lo: Self, hi: Self) -> Self {
                if self < lo {
                    lo
                } else if self > hi {
                    hi
                } else {
                    self
                }
            }

            /// `|self|` with the sign of `sign`: `self` or `-self` with its tangents.
            #[inline]
            #[must_use]
            pub fn copysign(self, sign: Self) -> Self {
                let (a, b) = (self.ad_value(), sign.ad_value());
                if a.is_sign_negative() == b.is_sign_negative() { self } else { -self }
            }

            /// `true` when the value is NaN.
            #[inline]
            #[must_use]
            pub fn is_nan(self) -> bool {
                self.ad_value().is_nan()
            }

            /// `true` when the value is neither infinite nor NaN.
            #[inline]
            #[must_use]
            pub fn is_finite(self) -> bool {
                self.ad_value().is_finite()
            }
        }
    };

    (@unary $($name:ident $Op:ident $doc:literal),*) => {
        $(
            #[doc = concat!("The ", $doc, ".")]
            // Always inlined when optimizing (over lanes LLVM keeps these large bodies
            // out of line otherwise); only hinted in debug builds, whose unoptimized
            // frames of deeply nested types would overflow the stack.
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline)]
            #[must_use]
            pub fn $name(self) -> Self {
                self.apply_unary($crate::rules::UnaryOp::$Op)
            }
        )*
    };

    (@binary $($name:ident $Op:ident $doc:literal),*) => {
        $(
            #[doc = concat!("The ", $doc, ".")]
            // Always inlined when optimizing (over lanes LLVM keeps these large bodies
            // out of line otherwise); only hinted in debug builds, whose unoptimized
            // frames of deeply nested types would overflow the stack.
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline)]
            #[must_use]
            pub fn $name(self, other: Self) -> Self {
                self.apply_binary($crate::rules::BinaryOp::$Op, other)
            }
        )*
    };

    (@num_traits [$($gen:tt)*] $ty:ty; $mask:ty) => {
        impl<$($gen)*> num_traits::Zero for $ty {
            #[inline]
            fn zero() -> Self {
                <$ty as AdNumber>::from_inner(T::zero())
            }
            /// `true` when the value is zero (as `==`); see
            /// [`Real::is_exact_zero`](crate::Real::is_exact_zero) for all components.
            #[inline]
            fn is_zero(&self) -> bool {
                self.ad_value().is_zero()
            }
        }
        impl<$($gen)*> num_traits::One for $ty {
            #[inline]
            fn one() -> Self {
                <$ty as AdNumber>::from_inner(T::one())
            }
        }
        impl<$($gen)*> num_traits::Num for $ty {
            type FromStrRadixErr = T::FromStrRadixErr;
            fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
                T::from_str_radix(s, radix).map(<$ty as AdNumber>::from_inner)
            }
        }
        impl<$($gen)*> num_traits::ToPrimitive for $ty {
            fn to_i64(&self) -> Option<i64> { self.ad_value().to_i64() }
            fn to_u64(&self) -> Option<u64> { self.ad_value().to_u64() }
            fn to_i128(&self) -> Option<i128> { self.ad_value().to_i128() }
            fn to_u128(&self) -> Option<u128> { self.ad_value().to_u128() }
            fn to_f32(&self) -> Option<f32> { self.ad_value().to_f32() }
            fn to_f64(&self) -> Option<f64> { self.ad_value().to_f64() }
        }
        impl<$($gen)*> num_traits::NumCast for $ty {
            fn from<P: num_traits::ToPrimitive>(n: P) -> Option<Self> {
                <T as num_traits::NumCast>::from(n).map(<$ty as AdNumber>::from_inner)
            }
        }
        impl<$($gen)*> num_traits::FromPrimitive for $ty {
            fn from_i64(n: i64) -> Option<Self> { T::from_i64(n).map(<$ty as AdNumber>::from_inner) }
            fn from_u64(n: u64) -> Option<Self> { T::from_u64(n).map(<$ty as AdNumber>::from_inner) }
            fn from_i128(n: i128) -> Option<Self> { T::from_i128(n).map(<$ty as AdNumber>::from_inner) }
            fn from_u128(n: u128) -> Option<Self> { T::from_u128(n).map(<$ty as AdNumber>::from_inner) }
            fn from_f32(n: f32) -> Option<Self> { T::from_f32(n).map(<$ty as AdNumber>::from_inner) }
            fn from_f64(n: f64) -> Option<Self> { T::from_f64(n).map(<$ty as AdNumber>::from_inner) }
        }
        impl<$($gen)*> num_traits::Signed for $ty {
            fn abs(&self) -> Self { <$ty>::abs(*self) }
            fn abs_sub(&self, other: &Self) -> Self {
                if *self <= *other { num_traits::Zero::zero() } else { *self - *other }
            }
            fn signum(&self) -> Self { <$ty>::signum(*self) }
            fn is_positive(&self) -> bool { self.ad_value().is_sign_positive() }
            fn is_negative(&self) -> bool { self.ad_value().is_sign_negative() }
        }
        impl<$($gen)*> num_traits::FloatConst for $ty {
            impl_ad_number!(@consts E FRAC_1_PI FRAC_1_SQRT_2 FRAC_2_PI FRAC_2_SQRT_PI FRAC_PI_2
                FRAC_PI_3 FRAC_PI_4 FRAC_PI_6 FRAC_PI_8 LN_10 LN_2 LOG10_E LOG2_E PI SQRT_2
                TAU LOG10_2 LOG2_10);
        }
        impl<$($gen)*> num_traits::Float for $ty {
            impl_ad_number!(@float_consts nan infinity neg_infinity neg_zero min_value
                min_positive_value max_value epsilon);
            impl_ad_number!(@float_preds is_nan is_infinite is_finite is_normal is_subnormal
                is_sign_positive is_sign_negative);
            fn classify(self) -> core::num::FpCategory { self.ad_value().classify() }
            fn integer_decode(self) -> (u64, i16, i8) { self.ad_value().integer_decode() }
            impl_ad_number!(@float_unary floor ceil round trunc fract abs signum recip sqrt
                exp exp2 ln log2 log10 cbrt sin cos tan asin acos atan exp_m1 ln_1p sinh
                cosh tanh asinh acosh atanh);
            impl_ad_number!(@float_binary powf log max min hypot atan2 copysign);
            fn mul_add(self, a: Self, b: Self) -> Self { <$ty>::mul_add(self, a, b) }
            fn powi(self, n: i32) -> Self { <$ty>::powi(self, n) }
            fn sin_cos(self) -> (Self, Self) { <$ty>::sin_cos(self) }
            fn clamp(self, lo: Self, hi: Self) -> Self { <$ty>::clamp(self, lo, hi) }
            #[allow(deprecated)]
            fn abs_sub(self, other: Self) -> Self {
                <$ty as num_traits::Signed>::abs_sub(&self, &other)
            }
            fn to_degrees(self) -> Self { self * T::constant(180.0 / core::f64::consts::PI) }
            fn to_radians(self) -> Self { self * T::constant(core::f64::consts::PI / 180.0) }
        }
        impl<$($gen)*> $crate::Real for $ty {
            type Primitive = T::Primitive;
            type Mask = $mask;
            const LANES: bool = T::LANES;
            #[inline(always)]
            fn where_exact_zero(t: Self, if_zero: Self, otherwise: Self) -> Self {
                AdNumber::where_zero_ad(t, if_zero, otherwise)
            }
            #[inline]
            fn mask(self, cmp: $crate::Compare, other: Self) -> Self::Mask {
                AdNumber::mask_ad(self, cmp, other)
            }
            #[inline]
            fn select(mask: Self::Mask, if_true: Self, if_false: Self) -> Self {
                AdNumber::select_ad(mask, if_true, if_false)
            }
            #[inline]
            fn from_primitive(x: T::Primitive) -> Self {
                <$ty as AdNumber>::from_inner(T::from_primitive(x))
            }
            #[inline]
            fn constant(x: f64) -> Self {
                <$ty as AdNumber>::from_inner(T::constant(x))
            }
            #[inline]
            fn primal(&self) -> T::Primitive {
                self.ad_value().primal()
            }
            #[inline]
            fn is_exact_zero(&self) -> bool {
                self.ad_value().is_exact_zero() && self.tangents_zero()
            }
            #[inline]
            fn is_all_finite(&self) -> bool {
                self.all_finite()
            }
            #[inline(always)]
            fn unary(self, op: $crate::rules::UnaryOp) -> Self {
                self.apply_unary(op)
            }
            #[inline(always)]
            fn binary(self, op: $crate::rules::BinaryOp, rhs: Self) -> Self {
                self.apply_binary(op, rhs)
            }
            #[inline(always)]
            fn custom(self, f: &'static $crate::rules::Custom<T::Primitive>) -> Self {
                self.apply_custom(f)
            }
            #[inline(always)]
            fn constant_part(&self) -> Self {
                <$ty as AdNumber>::from_inner(self.ad_value().constant_part())
            }
            #[inline(always)]
            fn strong_scale(self, c: Self) -> Self {
                AdNumber::strong_scale_ad(self, c)
            }
            #[inline(always)]
            fn tangent_part(&self) -> Self {
                AdNumber::tangent_part_ad(self)
            }
            #[inline(always)]
            fn custom_jet(
                &self,
                f: &$crate::rules::Custom<T::Primitive>,
            ) -> $crate::rules::Jet<Self> {
                let j = self.ad_value().custom_jet(f);
                let lift = <$ty as AdNumber>::from_inner;
                $crate::rules::Jet { value: lift(j.value), d1: lift(j.d1), d2: lift(j.d2) }
            }
        }
    };

    (@consts $($c:ident)*) => {
        $(
            #[inline]
            fn $c() -> Self {
                <Self as AdNumber>::from_inner(T::$c())
            }
        )*
    };
    (@float_consts $($c:ident)*) => {
        $(
            #[inline]
            fn $c() -> Self {
                <Self as AdNumber>::from_inner(<T as num_traits::Float>::$c())
            }
        )*
    };
    (@float_preds $($p:ident)*) => {
        $(
            #[inline]
            fn $p(self) -> bool {
                self.ad_value().$p()
            }
        )*
    };
    (@float_unary $($f:ident)*) => {
        $(
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline)]
            fn $f(self) -> Self {
                Self::$f(self)
            }
        )*
    };
    (@float_binary $($f:ident)*) => {
        $(
            #[cfg_attr(not(debug_assertions), inline(always))]
            #[cfg_attr(debug_assertions, inline)]
            fn $f(self, other: Self) -> Self {
                Self::$f(self, other)
            }
        )*
    };
}

/// `f32`/`f64` on the left of an operator with an AD number over it.
macro_rules! impl_scalar_lhs {
    ([$($gen:tt)*] $p:ty => $ty:ty) => {
        impl<$($gen)*> core::ops::Add<$ty> for $p {
            type Output = $ty;
            #[inline]
            fn add(self, rhs: $ty) -> $ty {
                rhs + self
            }
        }
        impl<$($gen)*> core::ops::Sub<$ty> for $p {
            type Output = $ty;
            #[inline]
            fn sub(self, rhs: $ty) -> $ty {
                -rhs + self
            }
        }
        impl<$($gen)*> core::ops::Mul<$ty> for $p {
            type Output = $ty;
            #[inline]
            fn mul(self, rhs: $ty) -> $ty {
                rhs * self
            }
        }
        impl<$($gen)*> core::ops::Div<$ty> for $p {
            type Output = $ty;
            #[inline]
            fn div(self, rhs: $ty) -> $ty {
                <$ty as AdNumber>::from_inner(self) / rhs
            }
        }
    };
}

pub(crate) use forward_defaults;
pub(crate) use impl_ad_number;
pub(crate) use impl_scalar_lhs;
