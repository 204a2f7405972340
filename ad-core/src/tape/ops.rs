//! Op sets: which operations a [`Tape`](crate::Tape) records and its replays contain.
//!
//! A recorded program can hold any elementary function, so the replay and the reverse
//! sweep contain the value and derivative code of every one of them, and with it most
//! of `libm` (about 20 KB of flash on a Cortex-M). A firmware that differentiates a
//! known function names the operations it uses in the tape's third parameter; the
//! sweeps then contain only those, and a recording that uses another one fails with
//! [`Error::OpNotEnabled`](crate::Error::OpNotEnabled) (naming it) instead of
//! recording it.
//!
//! [`BASIC`] is always included (inputs, constants, `+ - * /`, negation, `select`
//! and comparisons: no library math). The default is [`ALL`].
//!
//! ```
//! use ad_core::{ops, rules::UnaryOp, Error, Real, Tape};
//! // The log-density of the seed lecture needs only `ln` beyond the basic set.
//! const LOG_DENSITY: u64 = ops::unary(UnaryOp::Ln);
//! let mut tape: Tape<f32, 32, LOG_DENSITY> = Tape::new();
//! let mut prog = tape.record([1.0, 0.5, 2.0], |[y, mu, s]| {
//!     let z = (y - mu) / s;
//!     [-(z * z) * 0.5 - s.ln()]
//! })?;
//! let (_, g) = prog.gradient([1.0, 0.0, 1.0])?;
//! assert_eq!(g, [-1.0, 1.0, 0.0]);
//! // `sin` is not in the set: the recording says so.
//! let r = tape.record([1.0], |[x]| [x.sin()]);
//! assert_eq!(r.err(), Some(Error::OpNotEnabled { op: "sin" }));
//! # Ok::<(), ad_core::Error>(())
//! ```

use super::node::{binary_code, op, unary_code};
use crate::rules::{BinaryOp, UnaryOp};

const fn bit(code: u8) -> u64 {
    1 << code
}

/// Every operation (the default of [`Tape`](crate::Tape)).
pub const ALL: u64 = u64::MAX;

/// Always included, whatever the set: inputs, constants, far references, `+ - * /`,
/// negation, `select` and the comparisons (recorded conditions and guards).
pub const BASIC: u64 = bit(op::INPUT)
    | bit(op::CONST)
    | bit(op::REF)
    | binary(BinaryOp::Add)
    | binary(BinaryOp::Sub)
    | binary(BinaryOp::Mul)
    | binary(BinaryOp::Div)
    | unary(UnaryOp::Neg)
    | bit(op::SELECT)
    | (0b11_1111 << op::MASK0)
    | (0b11_1111 << op::GUARD0);

/// One unary elementary function (`unary(UnaryOp::Powi(0))` is `powi` for every
/// exponent).
///
/// ```
/// use ad_core::{ops, rules::UnaryOp};
/// assert_ne!(ops::unary(UnaryOp::Sin) & ops::TRIG, 0);
/// assert_eq!(ops::unary(UnaryOp::Powi(2)), ops::unary(UnaryOp::Powi(-3)));
/// ```
#[must_use]
pub const fn unary(u: UnaryOp) -> u64 {
    bit(unary_code(u))
}

/// One binary elementary function.
///
/// ```
/// use ad_core::{ops, rules::BinaryOp};
/// assert_ne!(ops::binary(BinaryOp::Atan2) & ops::TRIG, 0);
/// ```
#[must_use]
pub const fn binary(b: BinaryOp) -> u64 {
    bit(binary_code(b))
}

/// `mul_add` (fused; `libm`'s `fmaf` computes in `f64`, soft-float on most
/// microcontrollers).
pub const MUL_ADD: u64 = bit(op::MUL_ADD);

/// User functions ([`Real::custom`](crate::Real::custom)).
pub const CUSTOM: u64 = bit(op::CUSTOM);

/// `sqrt`, `cbrt`, `recip`, `abs`, `powi`, `powf`, `hypot`, `min`, `max`.
pub const ALGEBRAIC: u64 = unary(UnaryOp::Sqrt)
    | unary(UnaryOp::Cbrt)
    | unary(UnaryOp::Recip)
    | unary(UnaryOp::Abs)
    | unary(UnaryOp::Powi(0))
    | binary(BinaryOp::Powf)
    | binary(BinaryOp::Hypot)
    | binary(BinaryOp::Min)
    | binary(BinaryOp::Max);

/// `exp`, `exp2`, `exp_m1`, `ln`, `log2`, `log10`, `ln_1p`, `log(x, base)`.
pub const EXP_LOG: u64 = unary(UnaryOp::Exp)
    | unary(UnaryOp::Exp2)
    | unary(UnaryOp::ExpM1)
    | unary(UnaryOp::Ln)
    | unary(UnaryOp::Log2)
    | unary(UnaryOp::Log10)
    | unary(UnaryOp::Ln1p)
    | binary(BinaryOp::Log);

/// `sin`, `cos`, `tan`, `asin`, `acos`, `atan`, `atan2`.
pub const TRIG: u64 = unary(UnaryOp::Sin)
    | unary(UnaryOp::Cos)
    | unary(UnaryOp::Tan)
    | unary(UnaryOp::Asin)
    | unary(UnaryOp::Acos)
    | unary(UnaryOp::Atan)
    | binary(BinaryOp::Atan2);

/// `sinh`, `cosh`, `tanh`, `asinh`, `acosh`, `atanh`.
pub const HYPERBOLIC: u64 = unary(UnaryOp::Sinh)
    | unary(UnaryOp::Cosh)
    | unary(UnaryOp::Tanh)
    | unary(UnaryOp::Asinh)
    | unary(UnaryOp::Acosh)
    | unary(UnaryOp::Atanh);

/// `signum`, `floor`, `ceil`, `round`, `trunc`, `fract`, `%`.
pub const ROUNDING: u64 = unary(UnaryOp::Signum)
    | unary(UnaryOp::Floor)
    | unary(UnaryOp::Ceil)
    | unary(UnaryOp::Round)
    | unary(UnaryOp::Trunc)
    | unary(UnaryOp::Fract)
    | binary(BinaryOp::Rem);

/// `true` when op code `code` is in `ops` (with [`BASIC`]).
#[inline(always)]
pub(crate) const fn allows(ops: u64, code: u8) -> bool {
    code < 64 && (ops | BASIC) & bit(code) != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tape::node::{BINARY, UNARY};

    #[test]
    fn families_cover_every_op_once() {
        let fams = [
            MUL_ADD, CUSTOM, ALGEBRAIC, EXP_LOG, TRIG, HYPERBOLIC, ROUNDING, BASIC,
        ];
        let mut seen = 0u64;
        for f in fams {
            assert_eq!(seen & f, 0, "families overlap");
            seen |= f;
        }
        for u in UNARY {
            assert_ne!(seen & unary(u), 0, "{u:?} in no family");
        }
        for b in BINARY {
            assert_ne!(seen & binary(b), 0, "{b:?} in no family");
        }
        assert_eq!(
            seen,
            (1 << (op::CUSTOM + 1)) - 1,
            "every op code, nothing else"
        );
    }
}
