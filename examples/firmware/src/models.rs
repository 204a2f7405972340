//! The functions the tests and the cost measurements differentiate, written once over
//! [`Real`].

use ad_core::rules::UnaryOp;
use ad_core::{Compare, Real};

/// `z = x1·x2 + sin(x1)`, the seed's first example.
pub fn z<T: Real>([x1, x2]: [T; 2]) -> T {
    x1 * x2 + x1.sin()
}

/// The op set of a tape for [`log_normal`]: `ln` beyond the basic arithmetic
/// (`ad_core::ops`). The replay and sweep then contain no other elementary function.
pub const LOG_NORMAL_OPS: u64 = ad_core::ops::unary(UnaryOp::Ln);

/// `log N(y | mu, sigma) = −½((y−mu)/sigma)² − ln sigma − ½ ln 2π`, written as the
/// seed's Wengert list v4..v10.
pub fn log_normal<T: Real>([y, mu, sigma]: [T; 3]) -> T {
    let v4 = y - mu;
    let v5 = v4 / sigma;
    let v6 = v5 * v5;
    let v7 = T::constant(-0.5) * v6;
    let v8 = sigma.ln();
    let v9 = v7 - v8;
    v9 - T::constant(0.918_938_533_204_672_7) // ½ ln 2π
}

/// The hand-written value and gradient of [`log_normal`] in `f32`: the baseline an
/// engineer would write without AD. The logarithm is ad-core's primitive (`libm`, or
/// the `fast-f32` kernel when that feature is on), the one the AD types call.
#[inline]
pub fn log_normal_hand([y, mu, sigma]: [f32; 3]) -> (f32, [f32; 3]) {
    let r = y - mu;
    let inv = 1.0 / sigma;
    let u = r * inv;
    let v = -0.5 * u * u - sigma.unary(UnaryOp::Ln) - 0.918_938_5;
    let g = u * inv;
    (v, [-g, g, (u * u - 1.0) * inv])
}

/// `sin(x)·exp(x) + sqrt(x)·cos(x)`, the benchmark of the fast f32 math.
pub fn sincos<T: Real>(x: T) -> T {
    x.sin() * x.exp() + x.sqrt() * x.cos()
}

/// [`sincos`] over plain `f32` through ad-core's primitives: the cost of the value
/// alone.
#[inline]
pub fn sincos_f32(x: f32) -> f32 {
    x.unary(UnaryOp::Sin) * x.unary(UnaryOp::Exp) + x.unary(UnaryOp::Sqrt) * x.unary(UnaryOp::Cos)
}

/// Rosenbrock's function `100(y − x²)² + (1 − x)²`.
pub fn rosenbrock<T: Real>([x, y]: [T; 2]) -> T {
    let t = y - x * x;
    let u = T::one() - x;
    T::constant(100.0) * t * t + u * u
}

/// Polar coordinates `[hypot(x, y), atan2(y, x)]`.
pub fn polar<T: Real>([x, y]: [T; 2]) -> [T; 2] {
    [x.hypot(y), y.atan2(x)]
}

/// `exp(x·y) + x²·y`, for a mixed second partial.
pub fn mixed<T: Real>([x, y]: [T; 2]) -> T {
    (x * y).exp() + x * x * y
}

/// A ReLU written with a branch: on a tape the comparison becomes a guard.
pub fn relu_branch<T: Real>(x: T) -> T {
    if x > T::zero() { x } else { T::zero() }
}

/// The same ReLU with `select`: both sides recorded, re-decided on every replay.
pub fn relu_select<T: Real>(x: T) -> T {
    T::select(x.mask(Compare::Gt, T::zero()), x, T::zero())
}

/// The program of the `flash_tape*` binaries: the hand-written log-density gradient,
/// then the same by a recording on `tape` and a replay at the same point. Returns the
/// exit code (0 when both agree, 1 on an error or a disagreement).
pub fn tape_against_hand<const OPS: u64>(tape: &mut ad_core::Tape<f32, 32, OPS>) -> u32 {
    use core::hint::black_box;
    let x = black_box([-1.25, 0.75, 3.0]);
    let (v, g) = log_normal_hand(x);
    let Ok(mut prog) = tape.record(black_box([1.5, 0.5, 2.0]), |x| [log_normal(x)]) else {
        return 1;
    };
    let Ok((tv, tg)) = prog.gradient(x) else {
        return 1;
    };
    black_box((v, g, tv, tg));
    let ok = (v - tv).abs() < 1e-6 && g.iter().zip(tg.iter()).all(|(a, b)| (a - b).abs() < 1e-6);
    u32::from(!ok)
}
