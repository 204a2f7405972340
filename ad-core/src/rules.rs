//! The rules table: for each elementary function its value, first and second
//! derivative, written once.
//!
//! Every number type of the crate reads this table: [`Dual`](crate::Dual) takes the
//! first derivative, [`HyperDual`](crate::HyperDual) and [`Dual2`](crate::Dual2) the
//! second as well, and the tape and code generators of later modules read the same
//! rows. Adding a function means adding one row here (and one primitive in the private
//! math dispatch); every mode gets it.
//!
//! The functions are generic over [`Real`], so a row evaluated over a dual number
//! differentiates the rule itself: that is how nesting gives higher orders.
//!
//! The special-point policy of the [crate docs](crate#special-points) is implemented
//! here: values come from the primitive function alone, derivatives never feed back
//! into values, and boundary behaviour (`sqrt(0)`, `powf(0, y)`, `atan2(0, 0)`, ...) is
//! decided in one place.
//!
//! ```
//! use ad_core::rules::{unary, UnaryOp};
//! let j = unary::<f64, true>(UnaryOp::Sin, 0.5);
//! assert_eq!((j.value, j.d1, j.d2), (0.5f64.sin(), 0.5f64.cos(), -0.5f64.sin()));
//! ```

use crate::{Compare, Real};

/// Unary elementary functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UnaryOp {
    /// `-x`
    Neg,
    /// `1 / x`
    Recip,
    /// `√x`
    Sqrt,
    /// `∛x`
    Cbrt,
    /// `eˣ`
    Exp,
    /// `2ˣ`
    Exp2,
    /// `eˣ - 1`
    ExpM1,
    /// natural logarithm
    Ln,
    /// base-2 logarithm
    Log2,
    /// base-10 logarithm
    Log10,
    /// `ln(1 + x)`
    Ln1p,
    /// sine
    Sin,
    /// cosine
    Cos,
    /// tangent
    Tan,
    /// arcsine
    Asin,
    /// arccosine
    Acos,
    /// arctangent
    Atan,
    /// hyperbolic sine
    Sinh,
    /// hyperbolic cosine
    Cosh,
    /// hyperbolic tangent
    Tanh,
    /// inverse hyperbolic sine
    Asinh,
    /// inverse hyperbolic cosine
    Acosh,
    /// inverse hyperbolic tangent
    Atanh,
    /// absolute value
    Abs,
    /// sign (±1 by the sign bit, NaN for NaN), as Rust's `signum`
    Signum,
    /// round down
    Floor,
    /// round up
    Ceil,
    /// round half away from zero
    Round,
    /// round toward zero
    Trunc,
    /// `x - trunc(x)`
    Fract,
    /// `xⁿ` for an integer `n`
    Powi(i32),
}

/// Binary elementary functions of `(x, y)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BinaryOp {
    /// `x + y`
    Add,
    /// `x - y`
    Sub,
    /// `x * y`
    Mul,
    /// `x / y`
    Div,
    /// `x % y` (remainder with the sign of `x`, as Rust's `%`)
    Rem,
    /// `xʸ`, both arguments active
    Powf,
    /// `x.atan2(y)`: the angle of the point `(y, x)`, i.e. `x` is the *ordinate*,
    /// as in Rust's `f64::atan2(self, other)`
    Atan2,
    /// `√(x² + y²)` without overflow
    Hypot,
    /// `ln(x) / ln(y)`: logarithm of `x` in base `y`
    Log,
    /// the smaller argument (IEEE `minNum`: a NaN argument loses)
    Min,
    /// the larger argument (IEEE `maxNum`: a NaN argument loses)
    Max,
}

/// Value, first and second derivative of a unary function at a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Jet<T> {
    /// `f(x)`
    pub value: T,
    /// `f'(x)`
    pub d1: T,
    /// `f''(x)` (zero when not requested)
    pub d2: T,
}

/// A user-defined elementary function: its value, first and second derivative at a
/// primitive point.
///
/// Every mode uses it through [`Real::custom`]: the forward and second-order types
/// apply the chain rule to its jet; nested types (`Dual<Dual<_>>`) see it through its
/// second-order Taylor expansion around the innermost value, which is exact through
/// second derivatives (a third derivative through a custom function is zero); the
/// tape records it as one node and replays it.
pub struct Custom<P> {
    /// A name, for the Wengert table.
    pub name: &'static str,
    /// Value, first and second derivative at a point.
    pub eval: fn(P) -> Jet<P>,
}

impl<P> core::fmt::Debug for Custom<P> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Custom").field("name", &self.name).finish()
    }
}

/// The jet of a [`Custom`] function at `x`, for any number type: the user's jet at the
/// innermost value, lifted by its second-order Taylor expansion.
///
/// ```
/// use ad_core::rules::{custom, Custom, Jet};
/// static SQUARE: Custom<f64> = Custom { name: "sq", eval: |x| Jet { value: x * x, d1: 2.0 * x, d2: 2.0 } };
/// let j = custom::<f64, true>(&SQUARE, 3.0);
/// assert_eq!((j.value, j.d1, j.d2), (9.0, 6.0, 2.0));
/// ```
#[inline(always)]
#[must_use]
pub fn custom<T: Real, const SECOND: bool>(f: &Custom<T::Primitive>, x: T) -> Jet<T> {
    let j = x.custom_jet(f);
    // dx is exactly zero for a primitive (then the jet is the user's, untouched) and
    // carries the inner tangents of a nested number.
    let dx = x.tangent_part();
    let (v, d1, d2) = (j.value, j.d1, j.d2);
    let half = T::constant(0.5);
    // Strong scaling, not products: an infinite d1 times dx (whose value is zero)
    // must not turn the value into NaN.
    Jet {
        value: v + dx.strong_scale(d1) + chain(dx, dx).strong_scale(half * d2),
        d1: d1 + dx.strong_scale(d2),
        d2: if SECOND { d2 } else { T::zero() },
    }
}

/// Value, gradient and Hessian of a binary function at a point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Jet2<T> {
    /// `f(x, y)`
    pub value: T,
    /// `∂f/∂x`
    pub dx: T,
    /// `∂f/∂y`
    pub dy: T,
    /// `∂²f/∂x²` (zero when not requested)
    pub dxx: T,
    /// `∂²f/∂x∂y` (zero when not requested)
    pub dxy: T,
    /// `∂²f/∂y²` (zero when not requested)
    pub dyy: T,
}

/// Which arguments of a binary function carry tangents.
///
/// A rule may skip the partials of an inactive argument (the derivative of `xʸ` with
/// respect to a constant exponent needs no logarithm); skipped partials are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wrt {
    /// `x` is active
    pub x: bool,
    /// `y` is active
    pub y: bool,
}

impl Wrt {
    /// Both arguments active.
    pub const BOTH: Wrt = Wrt { x: true, y: true };
}

/// Multiplies a local partial `d` by a tangent `t`, where an exactly zero tangent is a
/// *strong zero*: the product is zero even when `d` is infinite or NaN.
///
/// This is the rule that keeps a constant argument from poisoning a derivative
/// (`powf(0, 2.5)` with a constant exponent, `sqrt(x) + y` at `x = 0` differentiated
/// in `y`).
///
/// ```
/// use ad_core::rules::chain;
/// assert_eq!(chain(f64::INFINITY, 0.0), 0.0);
/// assert_eq!(chain(f64::INFINITY, 1.0), f64::INFINITY);
/// assert_eq!(chain(2.0, 3.0), 6.0);
/// ```
#[inline(always)]
pub fn chain<T: Real>(d: T, t: T) -> T {
    if T::LANES {
        // Branch-free, lane by lane.
        T::where_exact_zero(t, T::zero(), d * t)
    } else if t.is_exact_zero() {
        T::zero()
    } else {
        d * t
    }
}

/// A product under the strong-zero rule: exactly zero when either factor is exactly
/// zero (in every component), even if the other is infinite or NaN.
///
/// The product and quotient rules use it on their slow path, when an operand is not
/// all finite.
///
/// ```
/// use ad_core::rules::strong_mul;
/// assert_eq!(strong_mul(0.0, f64::INFINITY), 0.0);
/// assert_eq!(strong_mul(f64::NAN, 0.0), 0.0);
/// assert!(strong_mul(f64::NAN, 1.0).is_nan());
/// ```
#[inline(always)]
pub fn strong_mul<T: Real>(p: T, q: T) -> T {
    if T::LANES {
        T::where_exact_zero(p, T::zero(), T::where_exact_zero(q, T::zero(), p * q))
    } else if p.is_exact_zero() || q.is_exact_zero() {
        T::zero()
    } else {
        p * q
    }
}

/// A tangent divided by a value under the strong-zero rule: an exactly zero tangent
/// stays exactly zero, even when divided by zero.
#[inline(always)]
pub(crate) fn strong_div<T: Real>(t: T, b: T) -> T {
    if T::LANES {
        T::where_exact_zero(t, T::zero(), t / b)
    } else if t.is_exact_zero() {
        T::zero()
    } else {
        t / b
    }
}

#[inline(always)]
fn c<T: Real>(x: f64) -> T {
    T::constant(x)
}

/// `x + 0`: turns `-0` into `+0`, so that derivatives at a zero boundary take the sign
/// of the domain side (`1/(x+0)` is `+inf` for both zeros).
#[inline(always)]
fn plus_zero<T: Real>(x: T) -> T {
    x + T::zero()
}

/// Evaluates row `op` of the table at `x`: value, first and (when `SECOND`) second
/// derivative.
///
/// ```
/// use ad_core::rules::{unary, UnaryOp};
/// let j = unary::<f64, true>(UnaryOp::Sqrt, 0.0);
/// assert_eq!((j.value, j.d1, j.d2), (0.0, f64::INFINITY, f64::NEG_INFINITY));
/// ```
#[inline(always)]
#[must_use]
pub fn unary<T: Real, const SECOND: bool>(op: UnaryOp, x: T) -> Jet<T> {
    unary_at::<T, SECOND>(op, x, x.unary(op))
}

/// The derivatives of row `op` at `x` when the value `v = op(x)` is already known (a
/// reverse sweep over recorded values): no primitive is evaluated twice.
///
/// ```
/// use ad_core::rules::{unary_at, UnaryOp};
/// let x = 2.0_f64;
/// let j = unary_at::<f64, false>(UnaryOp::Exp, x, x.exp());
/// assert_eq!(j.d1, x.exp());
/// ```
#[inline(always)]
#[must_use]
pub fn unary_at<T: Real, const SECOND: bool>(op: UnaryOp, x: T, v: T) -> Jet<T> {
    use UnaryOp as U;
    let zero = T::zero();
    let one = T::one();
    let f = |o: UnaryOp| x.unary(o);
    // `d2!(expr)` evaluates the second derivative only when it is asked for.
    macro_rules! d2 {
        ($e:expr) => {
            if SECOND { $e } else { zero }
        };
    }
    let (d1, d2) = match op {
        U::Neg => (-one, zero),
        U::Recip => (-(v * v), d2!(c::<T>(2.0) * v * v * v)),
        U::Sqrt => {
            let d = (c::<T>(2.0) * plus_zero(v)).recip();
            (d, d2!(c::<T>(-2.0) * d * d * d))
        }
        U::Cbrt => {
            // Powers of v through powi, not products: nested at x = 0, v = 0 + ∞ε and
            // v·v would be 0·∞ in its tangent, while powi's own rule gives the limit.
            let d = v.unary(U::Powi(-2)) * c::<T>(1.0 / 3.0);
            (d, d2!(v.unary(U::Powi(-5)) * c::<T>(-2.0 / 9.0)))
        }
        U::Exp => (v, v),
        U::Exp2 => {
            let l = T::LN_2();
            (v * l, d2!(v * l * l))
        }
        U::ExpM1 => {
            let e = f(U::Exp);
            (e, e)
        }
        U::Ln => {
            let d = plus_zero(x).recip();
            (d, d2!(-(d * d)))
        }
        U::Log2 | U::Log10 => {
            let l = if op == U::Log2 { T::LN_2() } else { T::LN_10() };
            let d = (plus_zero(x) * l).recip();
            (d, d2!(-(d * d) * l))
        }
        U::Ln1p => {
            let d = (one + x).recip();
            (d, d2!(-(d * d)))
        }
        U::Sin => (f(U::Cos), d2!(-v)),
        U::Cos => (-f(U::Sin), d2!(-v)),
        U::Tan => {
            let d = one + v * v;
            (d, d2!(c::<T>(2.0) * v * d))
        }
        U::Asin | U::Acos => {
            // 1/√(1-x²) computed as 1/√((1-x)(1+x)): exact factors near ±1.
            let r = ((one - x) * (one + x)).unary(U::Sqrt);
            let d = plus_zero(r).recip();
            let (d1, d2) = (d, d2!(x * d * d * d));
            if op == U::Asin { (d1, d2) } else { (-d1, -d2) }
        }
        U::Atan => {
            // 1/(1+x²), as u²/(1+u²) with u = 1/x for |x| > 1: no x² near overflow, and
            // under nesting no d² below the normal range.
            let big = x.abs().mask(Compare::Gt, one);
            let d = if T::LANES {
                let u = x.recip();
                let u2 = u * u;
                T::select(big, u2 / (one + u2), (one + x * x).recip())
            } else if x.abs() > one {
                let u = x.recip();
                let u2 = u * u;
                u2 / (one + u2)
            } else {
                (one + x * x).recip()
            };
            (d, d2!(c::<T>(-2.0) * x * d * d))
        }
        U::Sinh => (f(U::Cosh), d2!(v)),
        U::Cosh => (f(U::Sinh), d2!(v)),
        U::Tanh => {
            // Away from 0, sech² = 4e/(1+e)² with e = exp(-2|x|) ≤ 1: full accuracy where
            // tanh rounds to ±1, no overflow, and under nesting no cosh² to overflow.
            // Near 0, 1 - t² (accurate there, and so is its derivative under nesting).
            let sech2 = || {
                let e = (c::<T>(-2.0) * x.abs()).exp();
                let ope = one + e;
                c::<T>(4.0) * e / (ope * ope)
            };
            let d = if T::LANES {
                T::select(x.abs().mask(Compare::Lt, one), one - v * v, sech2())
            } else if x.abs() < one {
                one - v * v
            } else {
                sech2()
            };
            (d, d2!(c::<T>(-2.0) * v * d))
        }
        U::Asinh => {
            let d = x.binary(BinaryOp::Hypot, one).recip();
            (d, d2!(-(x * d) * d * d))
        }
        U::Acosh => {
            let s = (x - one).unary(U::Sqrt) * (x + one).unary(U::Sqrt);
            let d = plus_zero(s).recip();
            (d, d2!(-(x * d) * d * d))
        }
        U::Atanh => {
            let d = ((one - x) * (one + x)).recip();
            (d, d2!(c::<T>(2.0) * x * d * d))
        }
        U::Abs => {
            // Minimum-norm subgradient at ±0; NaN propagates. x·NaN is NaN in every
            // component that varies, so nesting stays NaN too.
            let nan = x * T::nan();
            let is_nan = x.mask(Compare::Ne, x);
            let d = T::select(
                x.mask(Compare::Gt, zero),
                one,
                T::select(
                    x.mask(Compare::Lt, zero),
                    -one,
                    T::select(is_nan, nan, zero),
                ),
            );
            (d, T::select(is_nan, nan, zero))
        }
        U::Signum | U::Floor | U::Ceil | U::Round | U::Trunc => (zero, zero),
        U::Fract => (one, zero),
        U::Powi(n) => {
            let p = |k: i32| x.unary(U::Powi(k));
            // x^(n-1); n = i32::MIN has no n-1, use v/x there.
            let below = |k: i32| {
                n.checked_sub(k)
                    .map_or_else(|| if k == 1 { v / x } else { v / x / x }, p)
            };
            let nf = T::from_i32(n).unwrap_or(zero);
            let d = if n == 0 { zero } else { nf * below(1) };
            let dd = if n == 0 || n == 1 {
                zero
            } else {
                d2!(nf * (nf - one) * below(2))
            };
            (d, dd)
        }
    };
    Jet { value: v, d1, d2 }
}

/// Evaluates the binary row `op` at `(x, y)`: value, both partials and (when `SECOND`)
/// the three second partials. Partials of an argument that `wrt` marks inactive may
/// be skipped (returned as zero).
///
/// ```
/// use ad_core::rules::{binary, BinaryOp, Wrt};
/// // atan2 at x-coordinate 0: no division by zero, the derivative is exact.
/// let j = binary::<f64, false>(BinaryOp::Atan2, 1.0, 0.0, Wrt::BOTH);
/// assert_eq!((j.dx, j.dy), (0.0, -1.0));
/// ```
#[inline(always)]
#[must_use]
pub fn binary<T: Real, const SECOND: bool>(op: BinaryOp, x: T, y: T, wrt: Wrt) -> Jet2<T> {
    binary_at::<T, SECOND>(op, x, y, x.binary(op, y), wrt)
}

/// The partials of the binary row `op` at `(x, y)` when the value `op(x, y)` is
/// already known (a reverse sweep over recorded values).
///
/// ```
/// use ad_core::rules::{binary_at, BinaryOp, Wrt};
/// let j = binary_at::<f64, false>(BinaryOp::Mul, 3.0, 4.0, 12.0, Wrt::BOTH);
/// assert_eq!((j.dx, j.dy), (4.0, 3.0));
/// ```
#[inline(always)]
#[must_use]
pub fn binary_at<T: Real, const SECOND: bool>(
    op: BinaryOp,
    x: T,
    y: T,
    value: T,
    wrt: Wrt,
) -> Jet2<T> {
    use BinaryOp as B;
    let zero = T::zero();
    let one = T::one();
    macro_rules! d2 {
        ($e:expr) => {
            if SECOND { $e } else { zero }
        };
    }
    let (dx, dy, dxx, dxy, dyy) = match op {
        B::Add => (one, one, zero, zero, zero),
        B::Sub => (one, -one, zero, zero, zero),
        B::Mul => (y, x, zero, d2!(one), zero),
        B::Div => {
            // -(x/y)/y, not -(x/y)·(1/y): 1/y overflows for a subnormal y.
            let r = y.recip();
            let dy = -(value / y);
            (r, dy, zero, d2!(-(r * r)), d2!(c::<T>(-2.0) * dy / y))
        }
        B::Rem => (one, -(x / y).trunc(), zero, zero, zero),
        B::Powf => powf_partials::<T, SECOND, true>(x, y, value, wrt),
        B::Atan2 => {
            // d/dx atan2(x, y) = y/(x²+y²), via hypot: no overflow, no atan(x/y).
            let h = x.binary(B::Hypot, y);
            // Every partial decays like 1/h: zero at an infinite h. At the origin all
            // are undefined (NaN, rule 5), also under nesting, where the formula's
            // x/h would be differentiated into ±∞.
            let inf = h.mask(Compare::Eq, T::infinity());
            let origin = h.mask(Compare::Eq, zero);
            // NaN in every component that varies (a NaN constant's zero tangents would
            // be strong zeros).
            let nan = (x + y) * T::nan();
            let fin = |p: T| T::select(inf, zero, T::select(origin, nan, p));
            let (u, w) = (x / h, y / h);
            let hh = h * h;
            (
                fin(w / h),
                fin(-u / h),
                d2!(fin(c::<T>(-2.0) * u * w / hh)),
                d2!(fin((u * u - w * w) / hh)),
                d2!(fin(c::<T>(2.0) * u * w / hh)),
            )
        }
        B::Hypot => {
            let h = value;
            // Minimum-norm subgradient at the origin (as for abs); along an infinite
            // argument the limits of x/h: ±1 for that argument, else 0.
            let origin = h.mask(Compare::Eq, zero);
            let is_inf = |a: T| a.abs().mask(Compare::Eq, T::infinity());
            let lim = |a: T| T::select(is_inf(a), a.signum(), zero);
            let pick = |at_inf: T, p: T| {
                T::select(
                    origin,
                    zero,
                    T::select(is_inf(x), at_inf, T::select(is_inf(y), at_inf, p)),
                )
            };
            // The partials are scale-free (|x/h| ≤ 1); when h rounded to a subnormal or
            // overflowed although x and y are finite, form them from x/m and y/m with
            // m = max(|x|, |y|), as the value itself is computed.
            let scaled = || {
                let m = x.abs().binary(B::Max, y.abs());
                let (xs, ys) = (x / m, y / m);
                let hs = xs.binary(B::Hypot, ys);
                (xs / hs, ys / hs, hs, m)
            };
            let plain = || (x / h, y / h, h, one);
            let (u, w, hs, m) = if T::LANES {
                let (p, q) = (plain(), scaled());
                let out = h.mask(Compare::Lt, T::min_positive_value());
                let keep = |a: T, b: T| {
                    T::select(out, b, T::select(h.mask(Compare::Eq, T::infinity()), b, a))
                };
                (
                    keep(p.0, q.0),
                    keep(p.1, q.1),
                    keep(p.2, q.2),
                    keep(p.3, q.3),
                )
            } else if h.is_normal() {
                plain()
            } else {
                scaled()
            };
            // Second partials v/h, as (v/hs)/m: no overflow or underflow of h itself.
            let over_h = |v: T| v / hs / m;
            (
                pick(lim(x), u),
                pick(lim(y), w),
                d2!(pick(zero, over_h(w * w))),
                d2!(pick(zero, over_h(-(u * w)))),
                d2!(pick(zero, over_h(u * u))),
            )
        }
        B::Log => {
            let lb = y.unary(UnaryOp::Ln);
            // 1/x / ln b, not 1/(x ln b): at x = 0 the infinite 1/x carries the limit of
            // the mixed partial under nesting, where x·ln b would be a zero whose
            // b-tangent vanishes.
            let dx = plus_zero(x).recip() / lb;
            let dy = if wrt.y { -value / (y * lb) } else { zero };
            (
                dx,
                dy,
                d2!(-(dx * dx) * lb),
                d2!(if wrt.y { -dx / (y * lb) } else { zero }),
                d2!(if wrt.y {
                    value * (c::<T>(2.0) + lb) / (y * y * lb * lb)
                } else {
                    zero
                }),
            )
        }
        B::Min | B::Max => {
            let (win, lose) = if op == B::Min {
                (Compare::Lt, Compare::Gt)
            } else {
                (Compare::Gt, Compare::Lt)
            };
            let half = c::<T>(0.5);
            // x wins, y wins, a tie shares, a NaN argument loses.
            let a = T::select(
                x.mask(win, y),
                one,
                T::select(
                    x.mask(lose, y),
                    zero,
                    T::select(
                        x.mask(Compare::Eq, y),
                        half,
                        T::select(x.mask(Compare::Ne, x), zero, one),
                    ),
                ),
            );
            (a, one - a, zero, zero, zero)
        }
    };
    Jet2 {
        value,
        dx,
        dy,
        dxx,
        dxy,
        dyy,
    }
}

/// Partials of `v = xʸ`, with the limits at `x = 0` decided so that a derivative never
/// turns `0 · ∞` into NaN where the true limit exists.
///
/// `LIFT` applies [`at_zero_base`]; its own call of this function has it off, so the
/// lift never recurses.
#[inline(always)]
fn powf_partials<T: Real, const SECOND: bool, const LIFT: bool>(
    x: T,
    y: T,
    v: T,
    wrt: Wrt,
) -> (T, T, T, T, T) {
    let zero = T::zero();
    let one = T::one();
    // x^(y-k): v/x^k when everything is normal (one division instead of a power),
    // the power itself near zero, overflow or underflow.
    let fast = v.is_normal() && x.is_normal();
    let pow_below = |k: f64| {
        let quotient = || if k == 1.0 { v / x } else { v / x / x };
        let power = || x.binary(BinaryOp::Powf, y - T::constant(k));
        if T::LANES {
            // Lane by lane: the quotient where both v and x are normal in that lane.
            let (p, q) = (power(), quotient());
            let tiny = T::min_positive_value();
            let normal = |z: T, then: T| {
                let a = z.abs();
                T::select(
                    a.mask(Compare::Ge, tiny),
                    T::select(a.mask(Compare::Lt, T::infinity()), then, p),
                    p,
                )
            };
            normal(v, normal(x, q))
        } else if fast {
            quotient()
        } else {
            power()
        }
    };
    // A zero factor short-circuits the formula when it is exactly zero (every
    // component), or when its value is zero at x = 0, where the formula would be 0·∞
    // and the policy takes the limit. Elsewhere a nested number whose value is zero
    // but whose tangent is not goes through the formula, which differentiates it.
    let x_zero = x.mask(Compare::Eq, zero);
    // `formula()` unless `z` short-circuits (lane by lane over lanes).
    let unless_short = |z: T, formula: &dyn Fn() -> T| {
        if T::LANES {
            let f = formula();
            T::where_exact_zero(
                z,
                zero,
                T::select(x_zero, T::select(z.mask(Compare::Eq, zero), zero, f), f),
            )
        } else if z.is_exact_zero() || (x == zero && z == zero) {
            zero
        } else {
            formula()
        }
    };
    // A power factor (`v = xʸ`, `xʸ⁻¹`) short-circuits on its value alone: it is zero
    // only at x = 0 or by underflow, where its tangent is zero or below the subnormal
    // range, so every nesting depth takes the same limit as the primitive (a factor
    // `y` or `y(y-1)` keeps the exact test: its tangent carries a mixed partial).
    let unless_zero_power = |z: T, formula: &dyn Fn() -> T| {
        if T::LANES {
            T::select(z.mask(Compare::Eq, zero), zero, formula())
        } else if z == zero {
            zero
        } else {
            formula()
        }
    };
    let dx = if wrt.x {
        unless_short(y, &|| y * pow_below(1.0))
    } else {
        zero
    };
    let ln_x = if wrt.y { x.unary(UnaryOp::Ln) } else { zero };
    let dy = if wrt.y {
        unless_zero_power(v, &|| v * ln_x)
    } else {
        zero
    };
    let (dx, dy) = if LIFT {
        at_zero_base(x, y, v, dx, dy, wrt)
    } else {
        (dx, dy)
    };
    if !SECOND {
        return (dx, dy, zero, zero, zero);
    }
    let cxx = y * (y - one);
    let dxx = if wrt.x {
        unless_short(cxx, &|| cxx * pow_below(2.0))
    } else {
        zero
    };
    let dxy = if wrt.x && wrt.y {
        let p1 = pow_below(1.0);
        unless_zero_power(p1, &|| p1 * (one + y * ln_x))
    } else {
        zero
    };
    let dyy = if wrt.y {
        unless_zero_power(v, &|| v * ln_x * ln_x)
    } else {
        zero
    };
    (dx, dy, dxx, dxy, dyy)
}

/// `powf`'s first partials at a base whose value is zero, or at a zero exponent whose
/// `x^(y-1)` overflowed, for a nested number (one that carries tangents inside the
/// rule). The formulas there are limits (`y·x^(y-1)` is `0` at `0⁰`, `v·ln x` is `0`
/// where `v = 0`) whose tangents the short-circuits drop or get as `∞ - ∞`, or values
/// `0 · ∞ = NaN` (`y·x^(y-1)` at `y = 0` for a subnormal `x`, which is `0` for the
/// primitive, whose exact-zero `y` short-circuits). The nested types and
/// forward-over-reverse would then differ from `Dual2`/`HyperDual` in the mixed second
/// partial (`±∞` one way and `0` the other at `0⁰`, where the table says NaN, rule 5)
/// and from first-order modes in the gradient.
///
/// There the partials keep the primitive's values and take their tangents from the
/// table's second partials at the innermost values, exactly as `Dual2` does:
/// `∂x·dxy + ∂y·dyy` for `dy` at `x = 0`, and `∂x·dxx + ∂y·dxy` for `dx` where its
/// formula short-circuits with tangents (`x = 0, y = 0`), is infinite (`x = 0, y < 1`,
/// where its tangent would be `∞ - ∞`) or NaN at `y = 0` (overflow). Elsewhere the
/// formulas stay, whose tangents are exact to every order (`x³` at `0`). The second
/// partials are constants here, so a third derivative through a lifted partial omits
/// their own variation. Lane by lane over lanes; primitives and lanes of primitives
/// have no tangents and pass through.
#[inline(always)]
fn at_zero_base<T: Real>(x: T, y: T, v: T, dx: T, dy: T, wrt: Wrt) -> (T, T) {
    let zero = T::zero();
    let no_tangents = || x.tangent_part().is_exact_zero() && y.tangent_part().is_exact_zero();
    if T::LANES {
        // First: for lanes of primitives this folds to `true` at compile time and the
        // rest disappears.
        if no_tangents() {
            return (dx, dy);
        }
        let one = T::one();
        let x_zero = x.mask(Compare::Eq, zero);
        let y_zero = y.mask(Compare::Eq, zero);
        let dx_nan = dx.mask(Compare::Ne, dx);
        let dx_inf = dx.abs().mask(Compare::Eq, T::infinity());
        // Non-zero in the lanes that need a lift.
        let need = T::select(
            x_zero,
            one,
            T::select(y_zero, T::select(dx_nan, one, zero), zero),
        );
        if need.is_exact_zero() {
            return (dx, dy);
        }
        let (lx, ly) = lift_at_zero_base(x, y, v);
        let dx = if wrt.x {
            // y = 0: the value is 0 (the limit); x = 0 with dx = ±∞: that value.
            let at_y0 = T::select(x_zero, lx, T::select(dx_nan, lx, dx));
            let at_x0 = T::select(dx_inf, dx.constant_part() + lx, dx);
            T::select(y_zero, at_y0, T::select(x_zero, at_x0, dx))
        } else {
            dx
        };
        let dy = if wrt.y {
            T::select(x_zero, dy.constant_part() + ly, dy)
        } else {
            dy
        };
        (dx, dy)
    } else if (x != zero && !(y == zero && dx.is_nan())) || no_tangents() {
        (dx, dy)
    } else {
        let (lx, ly) = lift_at_zero_base(x, y, v);
        let dx = if !wrt.x {
            dx
        } else if y == zero {
            lx
        } else if dx.abs() == T::infinity() {
            dx.constant_part() + lx
        } else {
            dx
        };
        let dy = if wrt.y && x == zero {
            dy.constant_part() + ly
        } else {
            dy
        };
        (dx, dy)
    }
}

/// The tangent parts `(∂x·dxx + ∂y·dxy, ∂x·dxy + ∂y·dyy)` of [`at_zero_base`], with
/// values zero.
#[cold]
#[inline(never)]
fn lift_at_zero_base<T: Real>(x: T, y: T, v: T) -> (T, T) {
    let (x0, y0, v0) = (x.constant_part(), y.constant_part(), v.constant_part());
    let (_, _, dxx, dxy, dyy) = powf_partials::<T, true, false>(x0, y0, v0, Wrt::BOTH);
    let (tx, ty) = (x.tangent_part(), y.tangent_part());
    (
        tx.strong_scale(dxx) + ty.strong_scale(dxy),
        tx.strong_scale(dxy) + ty.strong_scale(dyy),
    )
}
