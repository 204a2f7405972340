//! The recorded node: one `u32` holding an op code and two operand references.
//!
//! Layout (most significant bit first):
//!
//! ```text
//! | op: 6 bits | a: 13 bits | b: 13 bits |      operands as backward distances
//! | op: 6 bits |     payload: 26 bits    |      INPUT (input number), REF (absolute index)
//! ```
//!
//! Operands are stored as the distance back from the node (1..=8191), which almost
//! always fits: an operand is usually recent. A farther operand is reached through a
//! `REF` node (an identity whose payload is the absolute index), recorded just before.
//! A tape can therefore hold up to 2²⁶ nodes in the same 4-byte format, and each node
//! also has one value slot (the recorded value, `size_of::<T>()` bytes).

use crate::Compare;
use crate::rules::{BinaryOp, UnaryOp};

/// Largest backward distance an operand field holds.
pub(crate) const MAX_DIST: usize = (1 << 13) - 1;
/// Largest tape length the payload addresses.
pub(crate) const MAX_NODES: usize = 1 << 26;

/// A recorded operation and its operands, packed into 32 bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(transparent)]
pub(crate) struct Node(pub(crate) u32);

const _: () = assert!(core::mem::size_of::<Node>() == 4);

/// Op codes. The unary and binary rows of the rules table map onto contiguous ranges.
pub(crate) mod op {
    pub(crate) const INPUT: u8 = 0;
    pub(crate) const CONST: u8 = 1;
    pub(crate) const REF: u8 = 2;
    pub(crate) const UNARY0: u8 = 3; // 30 unary rows: 3..=32
    pub(crate) const POWI: u8 = 33;
    pub(crate) const BINARY0: u8 = 34; // 11 binary rows: 34..=44
    pub(crate) const MUL_ADD: u8 = 45;
    pub(crate) const SELECT: u8 = 46;
    pub(crate) const MASK0: u8 = 47; // 6 comparisons used as select conditions: 47..=52
    pub(crate) const GUARD0: u8 = 53; // 6 comparisons a branch depended on: 53..=58
    pub(crate) const CUSTOM: u8 = 59;
}

pub(crate) const UNARY: [UnaryOp; 30] = [
    UnaryOp::Neg,
    UnaryOp::Recip,
    UnaryOp::Sqrt,
    UnaryOp::Cbrt,
    UnaryOp::Exp,
    UnaryOp::Exp2,
    UnaryOp::ExpM1,
    UnaryOp::Ln,
    UnaryOp::Log2,
    UnaryOp::Log10,
    UnaryOp::Ln1p,
    UnaryOp::Sin,
    UnaryOp::Cos,
    UnaryOp::Tan,
    UnaryOp::Asin,
    UnaryOp::Acos,
    UnaryOp::Atan,
    UnaryOp::Sinh,
    UnaryOp::Cosh,
    UnaryOp::Tanh,
    UnaryOp::Asinh,
    UnaryOp::Acosh,
    UnaryOp::Atanh,
    UnaryOp::Abs,
    UnaryOp::Signum,
    UnaryOp::Floor,
    UnaryOp::Ceil,
    UnaryOp::Round,
    UnaryOp::Trunc,
    UnaryOp::Fract,
];

pub(crate) const BINARY: [BinaryOp; 11] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::Rem,
    BinaryOp::Powf,
    BinaryOp::Atan2,
    BinaryOp::Hypot,
    BinaryOp::Log,
    BinaryOp::Min,
    BinaryOp::Max,
];

/// The op code of a unary row (`Powi` has its own code and carries its exponent in a
/// constant node). A `const fn`, for op sets (`ops::unary`).
pub(crate) const fn unary_code(u: UnaryOp) -> u8 {
    let k = match u {
        UnaryOp::Powi(_) => return op::POWI,
        UnaryOp::Neg => 0,
        UnaryOp::Recip => 1,
        UnaryOp::Sqrt => 2,
        UnaryOp::Cbrt => 3,
        UnaryOp::Exp => 4,
        UnaryOp::Exp2 => 5,
        UnaryOp::ExpM1 => 6,
        UnaryOp::Ln => 7,
        UnaryOp::Log2 => 8,
        UnaryOp::Log10 => 9,
        UnaryOp::Ln1p => 10,
        UnaryOp::Sin => 11,
        UnaryOp::Cos => 12,
        UnaryOp::Tan => 13,
        UnaryOp::Asin => 14,
        UnaryOp::Acos => 15,
        UnaryOp::Atan => 16,
        UnaryOp::Sinh => 17,
        UnaryOp::Cosh => 18,
        UnaryOp::Tanh => 19,
        UnaryOp::Asinh => 20,
        UnaryOp::Acosh => 21,
        UnaryOp::Atanh => 22,
        UnaryOp::Abs => 23,
        UnaryOp::Signum => 24,
        UnaryOp::Floor => 25,
        UnaryOp::Ceil => 26,
        UnaryOp::Round => 27,
        UnaryOp::Trunc => 28,
        UnaryOp::Fract => 29,
    };
    // The table order (checked by a unit test).
    op::UNARY0 + k
}

/// The op code of a binary row (a `const fn`, for op sets).
pub(crate) const fn binary_code(b: BinaryOp) -> u8 {
    let k = match b {
        BinaryOp::Add => 0,
        BinaryOp::Sub => 1,
        BinaryOp::Mul => 2,
        BinaryOp::Div => 3,
        BinaryOp::Rem => 4,
        BinaryOp::Powf => 5,
        BinaryOp::Atan2 => 6,
        BinaryOp::Hypot => 7,
        BinaryOp::Log => 8,
        BinaryOp::Min => 9,
        BinaryOp::Max => 10,
    };
    op::BINARY0 + k
}

/// The comparisons of the `MASK0..` and `GUARD0..` ranges, in op-code order.
pub(crate) const COMPARES: [Compare; 6] = [
    Compare::Lt,
    Compare::Le,
    Compare::Gt,
    Compare::Ge,
    Compare::Eq,
    Compare::Ne,
];

/// `true` for a comparison node (a select condition or a guard).
pub(crate) fn is_comparison(code: u8) -> bool {
    (op::MASK0..op::GUARD0 + 6).contains(&code)
}

/// The unary row of an op code in the unary range.
#[inline(always)]
pub(crate) fn unary_of(code: u8) -> Option<UnaryOp> {
    UNARY
        .get(usize::from(code.wrapping_sub(op::UNARY0)))
        .copied()
}

/// The binary row of an op code in the binary range.
#[inline(always)]
pub(crate) fn binary_of(code: u8) -> Option<BinaryOp> {
    BINARY
        .get(usize::from(code.wrapping_sub(op::BINARY0)))
        .copied()
}

impl Node {
    /// A node with two backward distances (0 for an unused operand).
    #[inline(always)]
    pub(crate) fn new(code: u8, a: usize, b: usize) -> Node {
        Node((u32::from(code) << 26) | ((a as u32) << 13) | (b as u32))
    }
    /// A node with a 26-bit payload.
    #[inline(always)]
    pub(crate) fn with_payload(code: u8, payload: usize) -> Node {
        Node((u32::from(code) << 26) | (payload as u32 & ((1 << 26) - 1)))
    }
    #[inline(always)]
    pub(crate) fn code(self) -> u8 {
        (self.0 >> 26) as u8
    }
    #[inline(always)]
    pub(crate) fn a(self) -> usize {
        ((self.0 >> 13) & 0x1fff) as usize
    }
    #[inline(always)]
    pub(crate) fn b(self) -> usize {
        (self.0 & 0x1fff) as usize
    }
    #[inline(always)]
    pub(crate) fn payload(self) -> usize {
        (self.0 & ((1 << 26) - 1)) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for u in UNARY {
            assert_eq!(unary_of(unary_code(u)), Some(u));
        }
        for b in BINARY {
            assert_eq!(binary_of(binary_code(b)), Some(b));
        }
        assert_eq!(unary_code(UnaryOp::Powi(3)), op::POWI);
        const { assert!(op::CUSTOM < 64) };
        let n = Node::new(op::BINARY0, MAX_DIST, 1);
        assert_eq!((n.code(), n.a(), n.b()), (op::BINARY0, MAX_DIST, 1));
        let p = Node::with_payload(op::REF, MAX_NODES - 1);
        assert_eq!((p.code(), p.payload()), (op::REF, MAX_NODES - 1));
    }
}
