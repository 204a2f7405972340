//! A recorded program printed as a Wengert list: one row per variable with its
//! expression, value and local partials, and its adjoint after a reverse sweep.

use core::fmt;

use super::Program;
use super::node::{Node, binary_of, is_comparison, op, unary_of};
use crate::Primitive;
use crate::rules::{BinaryOp, UnaryOp, Wrt, binary_at, custom, unary_at};

const CMP: [&str; 6] = ["<", "<=", ">", ">=", "==", "!="];

/// The table view of a [`Program`]; see [`Program::table`].
pub struct Table<
    'p,
    't,
    T: Primitive,
    const N: usize,
    const M: usize,
    const OPS: u64 = { super::ops::ALL },
> {
    prog: &'p Program<'t, T, N, M, OPS>,
    names: [&'p str; N],
}

impl<'p, 't, T: Primitive, const N: usize, const M: usize, const OPS: u64>
    Table<'p, 't, T, N, M, OPS>
{
    pub(crate) fn new(prog: &'p Program<'t, T, N, M, OPS>) -> Self {
        Table {
            prog,
            names: [""; N],
        }
    }

    /// Names the inputs (shown in the rows of `v1..vN`).
    #[must_use]
    pub fn names(mut self, names: [&'p str; N]) -> Self {
        self.names = names;
        self
    }
}

/// How a node is shown: its row number (`v7`), a literal, or hidden.
#[derive(Clone, Copy)]
enum Label<T> {
    Var(usize),
    Literal(T),
    Hidden,
}

impl<T: Primitive, const N: usize, const M: usize, const OPS: u64> Table<'_, '_, T, N, M, OPS> {
    fn labels(&self, i: usize) -> Label<T> {
        // Row numbers count visible nodes only (constants, references and
        // comparisons are not variables of the list).
        let nodes = self.prog.nodes;
        let visible =
            |n: Node| !matches!(n.code(), op::CONST | op::REF) && !is_comparison(n.code());
        let n = Node(nodes[i]);
        match n.code() {
            op::CONST => Label::Literal(self.prog.values[i]),
            op::REF => self.labels(n.payload()),
            _ if is_comparison(n.code()) => Label::Hidden,
            _ => Label::Var(1 + nodes[..i].iter().filter(|&&r| visible(Node(r))).count()),
        }
    }

    fn operand(&self, f: &mut fmt::Formatter<'_>, i: usize) -> fmt::Result {
        match self.labels(i) {
            Label::Var(k) => write!(f, "v{k}"),
            Label::Literal(c) => write!(f, "{c}"),
            Label::Hidden => write!(f, "c{i}"),
        }
    }
}

/// The name of an op code, for [`Error::OpNotEnabled`](crate::Error::OpNotEnabled).
pub(crate) fn code_name(code: u8) -> &'static str {
    match code {
        op::POWI => "powi",
        op::MUL_ADD => "mul_add",
        op::CUSTOM => "custom",
        op::SELECT => "select",
        _ => match (unary_of(code), binary_of(code)) {
            (Some(UnaryOp::Ln), _) => "ln",
            (Some(u), _) => unary_name(u),
            (_, Some(BinaryOp::Rem)) => "rem",
            (_, Some(b)) => infix(b).unwrap_or_else(|| prefix(b)),
            _ => "comparison",
        },
    }
}

fn unary_name(u: UnaryOp) -> &'static str {
    match u {
        UnaryOp::Neg => "-",
        UnaryOp::Recip => "recip",
        UnaryOp::Sqrt => "sqrt",
        UnaryOp::Cbrt => "cbrt",
        UnaryOp::Exp => "exp",
        UnaryOp::Exp2 => "exp2",
        UnaryOp::ExpM1 => "exp_m1",
        UnaryOp::Ln => "log",
        UnaryOp::Log2 => "log2",
        UnaryOp::Log10 => "log10",
        UnaryOp::Ln1p => "ln_1p",
        UnaryOp::Sin => "sin",
        UnaryOp::Cos => "cos",
        UnaryOp::Tan => "tan",
        UnaryOp::Asin => "asin",
        UnaryOp::Acos => "acos",
        UnaryOp::Atan => "atan",
        UnaryOp::Sinh => "sinh",
        UnaryOp::Cosh => "cosh",
        UnaryOp::Tanh => "tanh",
        UnaryOp::Asinh => "asinh",
        UnaryOp::Acosh => "acosh",
        UnaryOp::Atanh => "atanh",
        UnaryOp::Abs => "abs",
        UnaryOp::Signum => "signum",
        UnaryOp::Floor => "floor",
        UnaryOp::Ceil => "ceil",
        UnaryOp::Round => "round",
        UnaryOp::Trunc => "trunc",
        UnaryOp::Fract => "fract",
        UnaryOp::Powi(_) => "powi",
    }
}

fn infix(b: BinaryOp) -> Option<&'static str> {
    match b {
        BinaryOp::Add => Some("+"),
        BinaryOp::Sub => Some("-"),
        BinaryOp::Mul => Some("*"),
        BinaryOp::Div => Some("/"),
        BinaryOp::Rem => Some("%"),
        _ => None,
    }
}

fn prefix(b: BinaryOp) -> &'static str {
    match b {
        BinaryOp::Powf => "powf",
        BinaryOp::Atan2 => "atan2",
        BinaryOp::Hypot => "hypot",
        BinaryOp::Log => "log",
        BinaryOp::Min => "min",
        _ => "max",
    }
}

impl<T: Primitive, const N: usize, const M: usize, const OPS: u64> fmt::Display
    for Table<'_, '_, T, N, M, OPS>
{
    /// One row per variable: `var | expression | value | partials [| adjoint]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.prog;
        let swept = p.swept;
        write!(
            f,
            "{:<5} {:<24} {:>22}   {:<44}",
            "var", "expression", "value", "partials"
        )?;
        if swept {
            write!(f, " {:>22}", "adjoint")?;
        }
        writeln!(f)?;
        for i in 0..p.nodes.len() {
            let n = Node(p.nodes[i]);
            let code = n.code();
            let (ia, ib) = (i.wrapping_sub(n.a()), i.wrapping_sub(n.b()));
            let v = p.values[i];
            let row = match self.labels(i) {
                Label::Var(k) => k,
                _ => {
                    if (op::GUARD0..op::GUARD0 + 6).contains(&code) {
                        write!(f, "{:<5} ", "guard")?;
                        self.operand(f, ia)?;
                        write!(f, " {} ", CMP[usize::from(code - op::GUARD0)])?;
                        self.operand(f, ib)?;
                        writeln!(f, " was {}", v != T::zero())?;
                    }
                    continue;
                }
            };
            // Expression column, written into a fixed-width cell.
            let mut expr = Cell::<64>::new();
            {
                use core::fmt::Write as _;
                let w = &mut expr;
                let name = |w: &mut Cell<64>, j: usize| -> fmt::Result {
                    match self.labels(j) {
                        Label::Var(k) => write!(w, "v{k}"),
                        Label::Literal(c) => write!(w, "{c}"),
                        Label::Hidden => write!(w, "c{j}"),
                    }
                };
                match code {
                    op::INPUT => {
                        let nm = self.names.get(n.payload()).copied().unwrap_or("");
                        if nm.is_empty() {
                            write!(w, "input {}", n.payload())?;
                        } else {
                            w.write_str(nm)?;
                        }
                    }
                    op::POWI => {
                        name(w, ia)?;
                        write!(w, "^{}", p.values[ib])?;
                    }
                    op::CUSTOM => {
                        let nm = p
                            .customs
                            .get(n.b())
                            .copied()
                            .flatten()
                            .map_or("custom", |c| c.name);
                        write!(w, "{nm}(")?;
                        name(w, ia)?;
                        w.write_str(")")?;
                    }
                    op::MUL_ADD => {
                        name(w, ia)?;
                        w.write_str(" * ")?;
                        name(w, ib)?;
                        w.write_str(" + ")?;
                        name(w, i - 1)?;
                    }
                    op::SELECT => {
                        w.write_str("select(")?;
                        name(w, i - 1)?;
                        w.write_str(", ")?;
                        name(w, ia)?;
                        w.write_str(", ")?;
                        name(w, ib)?;
                        w.write_str(")")?;
                    }
                    _ => {
                        if let Some(u) = unary_of(code) {
                            write!(w, "{}(", unary_name(u))?;
                            name(w, ia)?;
                            w.write_str(")")?;
                        } else if let Some(b) = binary_of(code) {
                            if b == BinaryOp::Mul && ia == ib {
                                // x·x, as the seed writes it: (x)^2.
                                w.write_str("(")?;
                                name(w, ia)?;
                                w.write_str(")^2")?;
                            } else if let Some(s) = infix(b) {
                                name(w, ia)?;
                                write!(w, " {s} ")?;
                                name(w, ib)?;
                            } else {
                                write!(w, "{}(", prefix(b))?;
                                name(w, ia)?;
                                w.write_str(", ")?;
                                name(w, ib)?;
                                w.write_str(")")?;
                            }
                        }
                    }
                }
            }
            write!(f, "v{:<4} {:<24} {:>22}   ", row, expr.as_str(), v)?;
            // Partials column.
            let mut parts = Cell::<160>::new();
            {
                use core::fmt::Write as _;
                let w = &mut parts;
                let out = w;
                let mut first = true;
                let mut put = |out: &mut Cell<160>, j: usize, d: T| -> fmt::Result {
                    if let Label::Var(k) = self.labels(j) {
                        if !first {
                            out.write_str(", ")?;
                        }
                        write!(out, "∂v{row}/∂v{k} = {d}")?;
                        first = false;
                    }
                    Ok(())
                };
                match code {
                    op::INPUT => {}
                    op::POWI => {
                        let e = num_traits::ToPrimitive::to_i32(&p.values[ib]).unwrap_or(0);
                        put(
                            out,
                            ia,
                            unary_at::<T, false>(UnaryOp::Powi(e), p.values[ia], v).d1,
                        )?;
                    }
                    op::CUSTOM => {
                        if let Some(c) = p.customs.get(n.b()).copied().flatten() {
                            put(out, ia, custom::<T, false>(c, p.values[ia]).d1)?;
                        }
                    }
                    op::MUL_ADD => {
                        put(out, ia, p.values[ib])?;
                        put(out, ib, p.values[ia])?;
                        put(out, i - 1, T::one())?;
                    }
                    op::SELECT => {
                        let taken = if p.values[i - 1] != T::zero() { ia } else { ib };
                        put(out, taken, T::one())?;
                    }
                    _ => {
                        if let Some(u) = unary_of(code) {
                            put(out, ia, unary_at::<T, false>(u, p.values[ia], v).d1)?;
                        } else if let Some(b) = binary_of(code) {
                            let (x, y) = (p.values[ia], p.values[ib]);
                            let j = binary_at::<T, false>(b, x, y, v, Wrt::BOTH);
                            if ia == ib {
                                put(out, ia, j.dx + j.dy)?;
                            } else {
                                put(out, ia, j.dx)?;
                                put(out, ib, j.dy)?;
                            }
                        }
                    }
                }
            }
            write!(f, "{:<44}", parts.as_str())?;
            if swept {
                let reached = p.reached.get(i).copied().unwrap_or(false);
                let a = if reached { p.adjoints[i] } else { T::zero() };
                write!(f, " {a:>22}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// A fixed-capacity string buffer for one table cell (no allocation); text beyond
/// the capacity is cut.
struct Cell<const C: usize> {
    buf: [u8; C],
    len: usize,
}

impl<const C: usize> Cell<C> {
    fn new() -> Self {
        Cell {
            buf: [0; C],
            len: 0,
        }
    }
    fn as_str(&self) -> &str {
        match core::str::from_utf8(&self.buf[..self.len]) {
            Ok(s) => s,
            // A cut in the middle of a character: show the valid prefix.
            Err(e) => core::str::from_utf8(&self.buf[..e.valid_up_to()]).unwrap_or(""),
        }
    }
}

impl<const C: usize> fmt::Write for Cell<C> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = C - self.len;
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}
