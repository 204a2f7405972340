//! The elementary functions of [`Lanes`](super::Lanes): vector kernels where they
//! exist, the scalar function lane by lane otherwise.

use super::backend::Arith;
use crate::Primitive;
use crate::rules::{BinaryOp, UnaryOp};

/// The primitive types whose lanes have vector kernels (`f32`, `f64`); sealed.
///
/// ```
/// use ad_core::{rules::UnaryOp, LaneMath};
/// let y = f64::lanes_unary(UnaryOp::Exp, [0.0, 1.0]);
/// assert_eq!(y[0], 1.0);
/// assert!((y[1] - 1.0f64.exp()).abs() <= 4.0 * f64::EPSILON * y[1]);
/// ```
pub trait LaneMath: Primitive {
    /// Row `op` of the rules table applied to every lane (value only).
    fn lanes_unary<const L: usize>(op: UnaryOp, x: [Self; L]) -> [Self; L];
    /// Binary row `op` applied lane by lane (value only).
    fn lanes_binary<const L: usize>(op: BinaryOp, x: [Self; L], y: [Self; L]) -> [Self; L];
    /// Sine and cosine of every lane.
    fn lanes_sin_cos<const L: usize>(x: [Self; L]) -> ([Self; L], [Self; L]);
    /// The interleave of two lane arrays: `[a0, b0, a1, b1, ..]` over their low halves,
    /// then over their high halves (one SIMD permutation each where the back end has a
    /// register of `L` lanes). `vmap` transposes blocks of points with it.
    ///
    /// ```
    /// use ad_core::LaneMath;
    /// let (lo, hi) = f32::lanes_zip([0.0, 1.0, 2.0, 3.0], [10.0, 11.0, 12.0, 13.0]);
    /// assert_eq!((lo, hi), ([0.0, 10.0, 1.0, 11.0], [2.0, 12.0, 3.0, 13.0]));
    /// ```
    fn lanes_zip<const L: usize>(a: [Self; L], b: [Self; L]) -> ([Self; L], [Self; L]);
    /// Two-source lane selection as one register permutation: lane `i` of the result is
    /// `a[idx[i]]` where `idx[i] < L`, else `b[idx[i] - L]` (indices are taken modulo
    /// `2L`). `None` where the back end has no such permutation at width `L` (the
    /// portable build, SSE2 without AVX, NEON for now), so that callers keep their
    /// element-wise path there. `vmap` de-interleaves points of 2 to 7
    /// coordinates with it.
    ///
    /// ```
    /// use ad_core::LaneMath;
    /// let a = [0.0f32, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0];
    /// let b = [10.0f32, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0];
    /// if let Some(r) = f32::lanes_pick(a, b, &[8, 0, 15, 1, 2, 9, 3, 7]) {
    ///     assert_eq!(r, [10.0, 0.0, 17.0, 1.0, 2.0, 11.0, 3.0, 7.0]);
    /// }
    /// ```
    fn lanes_pick<const L: usize>(
        a: [Self; L],
        b: [Self; L],
        idx: &[usize; L],
    ) -> Option<[Self; L]>;
}

/// `f` on every lane (a plain loop: `array::map` is not always inlined).
#[inline(always)]
fn each<T: Copy, const L: usize>(mut x: [T; L], f: impl Fn(T) -> T) -> [T; L] {
    for v in &mut x {
        *v = f(*v);
    }
    x
}

macro_rules! lane_math {
    ($t:ident, $k:ident) => {
        impl LaneMath for $t {
            #[inline(always)]
            fn lanes_unary<const L: usize>(op: UnaryOp, x: [$t; L]) -> [$t; L] {
                use crate::vmath::$k as k;
                match op {
                    UnaryOp::Exp => k::exp(x),
                    UnaryOp::Ln => k::ln(x),
                    UnaryOp::Sin => k::sin(x),
                    UnaryOp::Cos => k::cos(x),
                    UnaryOp::Tan => k::tan(x),
                    UnaryOp::Atan => k::atan(x),
                    UnaryOp::Tanh => k::tanh(x),
                    UnaryOp::Sqrt => Arith::sqrt(x).unwrap_or_else(|| k::sqrt(x)),
                    UnaryOp::Neg => each(x, |v| -v),
                    UnaryOp::Recip => each(x, |v| 1.0 / v),
                    UnaryOp::Abs => each(x, |v| <$t as num_traits::Float>::abs(v)),
                    _ => each(x, |v| crate::Real::unary(v, op)),
                }
            }
            #[inline(always)]
            fn lanes_binary<const L: usize>(op: BinaryOp, x: [$t; L], y: [$t; L]) -> [$t; L] {
                match op {
                    BinaryOp::Add => return Arith::add(x, y),
                    BinaryOp::Sub => return Arith::sub(x, y),
                    BinaryOp::Mul => return Arith::mul(x, y),
                    BinaryOp::Div => return Arith::div(x, y),
                    BinaryOp::Powf => return crate::vmath::$k::powf(x, y),
                    _ => {}
                }
                let mut r = x;
                for (r, y) in r.iter_mut().zip(y) {
                    *r = crate::Real::binary(*r, op, y);
                }
                r
            }
            #[inline(always)]
            fn lanes_sin_cos<const L: usize>(x: [$t; L]) -> ([$t; L], [$t; L]) {
                crate::vmath::$k::sin_cos(x)
            }
            #[inline(always)]
            fn lanes_zip<const L: usize>(a: [$t; L], b: [$t; L]) -> ([$t; L], [$t; L]) {
                Arith::zip(a, b)
            }
            #[inline(always)]
            fn lanes_pick<const L: usize>(
                a: [$t; L],
                b: [$t; L],
                idx: &[usize; L],
            ) -> Option<[$t; L]> {
                Arith::pick(a, b, idx)
            }
        }
    };
}

lane_math!(f32, float32);
lane_math!(f64, float64);
