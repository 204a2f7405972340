//! Shared code of the fuzz targets: decoding bytes into random programs over every
//! elementary function, evaluating them generically (any [`Real`]), and the
//! magnitude/conditioning reference that the `modes` target derives its tolerance
//! from. See `fuzz/README.md` for the tolerance rule and the allowed disagreements.

use ad_core::rules::{self, BinaryOp, UnaryOp, Wrt};
use ad_core::{Primitive, Real};

/// Number of inputs of a random program.
pub const N: usize = 2;
/// Most operations decoded from one input.
pub const MAX_OPS: usize = 16;
/// Most nodes of a program: the inputs and one node per operation.
pub const MAX_NODES: usize = N + MAX_OPS;

/// The unary functions of the fuzzed set (`Powi` takes its exponent from the input).
pub const UNARY: [UnaryOp; 24] = [
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
];

/// The binary functions of the fuzzed set.
pub const BINARY: [BinaryOp; 10] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::Powf,
    BinaryOp::Atan2,
    BinaryOp::Hypot,
    BinaryOp::Log,
    BinaryOp::Min,
    BinaryOp::Max,
];

/// Values worth hitting exactly: zeros, the domain edges of the table, subnormals,
/// infinities, NaN, the extremes.
pub const SPECIAL: [f64; 24] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    -2.0,
    core::f64::consts::FRAC_PI_2,
    core::f64::consts::PI,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    f64::MIN_POSITIVE,
    -f64::MIN_POSITIVE,
    5e-324,
    -5e-324,
    2.225_073_858_507_201e-308,
    f64::MAX,
    f64::MIN,
    f64::EPSILON,
    1e-300,
    1e300,
    710.0,
    -745.5,
];

/// A node of a program.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Node {
    /// Input `k`.
    Input(usize),
    /// A constant.
    Const(f64),
    /// `op(nodes[a])`.
    Unary(UnaryOp, usize),
    /// `op(nodes[a], nodes[b])`.
    Binary(BinaryOp, usize, usize),
}

/// A random straight-line program with [`N`] inputs; the last node is the output.
#[derive(Clone, Debug)]
pub struct Program {
    /// The nodes, inputs first; operands always point backward.
    pub nodes: [Node; MAX_NODES + MAX_OPS],
    /// Nodes in use.
    pub len: usize,
}

/// Reads bytes one at a time, zeros past the end.
pub struct Bytes<'a> {
    data: &'a [u8],
}

impl<'a> Bytes<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Bytes { data }
    }
    /// Bytes left.
    pub fn left(&self) -> usize {
        self.data.len()
    }
    /// The next byte, 0 past the end.
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }
    /// The next 16 bits, little endian.
    pub fn u16(&mut self) -> u16 {
        u16::from(self.u8()) | (u16::from(self.u8()) << 8)
    }
    /// The next 64 bits, little endian.
    pub fn u64(&mut self) -> u64 {
        (0..8).fold(0, |acc, k| acc | (u64::from(self.u8()) << (8 * k)))
    }

    /// A moderate value most of the time, sometimes a special one (3 bytes).
    pub fn value(&mut self) -> f64 {
        let tag = self.u8();
        let m = self.u16() as i16;
        match tag % 16 {
            0..=10 => f64::from(m) / 4096.0,
            11 => f64::from(m) / 64.0,
            12 | 13 => SPECIAL[m as u16 as usize % SPECIAL.len()],
            14 => {
                // Exactly representable points near the domain edges ±1, 0.
                let edge = [1.0, -1.0, 0.0][m as u16 as usize % 3];
                edge + f64::from(m >> 2) * f64::EPSILON
            }
            _ => {
                // Wide exponents: sign · 2^e · (1 + frac), e in [-128, 127].
                let e = i32::from((m >> 8) as i8);
                let frac = f64::from(m as u8) / 256.0;
                (1.0 + frac) * 2f64.powi(e)
            }
        }
    }

    /// Any value at all: raw bits (8 bytes) or a special value.
    pub fn any_value(&mut self) -> f64 {
        let tag = self.u8();
        if tag < 128 {
            SPECIAL[usize::from(tag) % SPECIAL.len()]
        } else if tag < 160 {
            let b = self.u64();
            // Subnormal or tiny: the bottom of the exponent range.
            f64::from_bits(b & 0x801F_FFFF_FFFF_FFFF)
        } else {
            f64::from_bits(self.u64())
        }
    }
}

impl Program {
    /// Decodes a program from the operation bytes (2 per operation); constants come
    /// from `constant` so that each target picks its own value distribution.
    pub fn decode(bytes: &mut Bytes<'_>, mut constant: impl FnMut(&mut Bytes<'_>) -> f64) -> Self {
        let mut nodes = [Node::Const(0.0); MAX_NODES + MAX_OPS];
        for (k, n) in nodes.iter_mut().enumerate().take(N) {
            *n = Node::Input(k);
        }
        let mut len = N;
        let mut ops = 0;
        while ops < MAX_OPS && bytes.left() >= 2 {
            let (code, sel) = (bytes.u8(), bytes.u8());
            ops += 1;
            // Operands: the last node most often, or one a few steps back.
            let back = |d: u8| len - 1 - (usize::from(d) % len.min(4));
            let a = back(sel & 3);
            let kind = code % (UNARY.len() as u8 + BINARY.len() as u8 + 1);
            let node = if usize::from(kind) < UNARY.len() {
                Node::Unary(UNARY[usize::from(kind)], a)
            } else if usize::from(kind) == UNARY.len() {
                Node::Unary(UnaryOp::Powi(i32::from(code / 36 % 9) - 4), a)
            } else {
                let op = BINARY[usize::from(kind) - UNARY.len() - 1];
                let b = if sel & 0x80 != 0 {
                    // A constant operand, recorded as its own node.
                    nodes[len] = Node::Const(constant(bytes));
                    len += 1;
                    len - 1
                } else {
                    back((sel >> 2) & 3)
                };
                if sel & 0x40 != 0 {
                    Node::Binary(op, b, a)
                } else {
                    Node::Binary(op, a, b)
                }
            };
            nodes[len] = node;
            len += 1;
        }
        Program { nodes, len }
    }

    /// The nodes in use.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes[..self.len]
    }

    /// Evaluates every node over `T` at `x` into `out`; returns the output (last node).
    pub fn eval_into<T: Real>(&self, x: [T; N], out: &mut [T]) -> T {
        for (i, node) in self.nodes().iter().enumerate() {
            let v = match *node {
                Node::Input(k) => x[k],
                Node::Const(c) => T::constant(c),
                Node::Unary(op, a) => unary(op, out[a]),
                Node::Binary(op, a, b) => binary(op, out[a], out[b]),
            };
            out[i] = v;
        }
        out[self.len - 1]
    }

    /// Evaluates the output over `T` at `x`.
    pub fn eval<T: Real>(&self, x: [T; N]) -> T {
        let mut out = [T::zero(); MAX_NODES + MAX_OPS];
        self.eval_into(x, &mut out)
    }

    /// Which inputs each node depends on structurally (bit `k` for input `k`).
    pub fn deps(&self) -> [u8; MAX_NODES + MAX_OPS] {
        let mut d = [0u8; MAX_NODES + MAX_OPS];
        for (i, node) in self.nodes().iter().enumerate() {
            d[i] = match *node {
                Node::Input(k) => 1 << k,
                Node::Const(_) => 0,
                Node::Unary(_, a) => d[a],
                Node::Binary(_, a, b) => d[a] | d[b],
            };
        }
        d
    }
}

/// Applies a unary function the way user code calls it (operators and `Float`
/// methods), so every mode takes its public path.
pub fn unary<T: Real>(op: UnaryOp, x: T) -> T {
    match op {
        UnaryOp::Neg => -x,
        UnaryOp::Recip => x.recip(),
        UnaryOp::Sqrt => x.sqrt(),
        UnaryOp::Cbrt => x.cbrt(),
        UnaryOp::Exp => x.exp(),
        UnaryOp::Exp2 => x.exp2(),
        UnaryOp::ExpM1 => x.exp_m1(),
        UnaryOp::Ln => x.ln(),
        UnaryOp::Log2 => x.log2(),
        UnaryOp::Log10 => x.log10(),
        UnaryOp::Ln1p => x.ln_1p(),
        UnaryOp::Sin => x.sin(),
        UnaryOp::Cos => x.cos(),
        UnaryOp::Tan => x.tan(),
        UnaryOp::Asin => x.asin(),
        UnaryOp::Acos => x.acos(),
        UnaryOp::Atan => x.atan(),
        UnaryOp::Sinh => x.sinh(),
        UnaryOp::Cosh => x.cosh(),
        UnaryOp::Tanh => x.tanh(),
        UnaryOp::Asinh => x.asinh(),
        // ad-core's own accurate acosh/atanh (documented exception to "values are the
        // primitive's"): through `Real::unary`, which for `f64` is ad-core's primitive.
        UnaryOp::Acosh | UnaryOp::Atanh => x.unary(op),
        UnaryOp::Abs => x.abs(),
        UnaryOp::Powi(n) => x.powi(n),
        other => x.unary(other),
    }
}

/// Applies a binary function the way user code calls it.
pub fn binary<T: Real>(op: BinaryOp, x: T, y: T) -> T {
    match op {
        BinaryOp::Add => x + y,
        BinaryOp::Sub => x - y,
        BinaryOp::Mul => x * y,
        BinaryOp::Div => x / y,
        BinaryOp::Powf => x.powf(y),
        BinaryOp::Atan2 => x.atan2(y),
        BinaryOp::Hypot => x.hypot(y),
        BinaryOp::Log => x.log(y),
        BinaryOp::Min => x.min(y),
        BinaryOp::Max => x.max(y),
        other => x.binary(other, y),
    }
}

/// NaN matches NaN, otherwise `==` (so `-0 == +0`).
pub fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

/// Bit-for-bit equality, except that every NaN matches every NaN.
pub fn same_bits(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

/// `f64` view of any primitive.
pub fn f<P: Primitive>(x: P) -> f64 {
    x.to_f64_exact()
}

/// Lower end of the magnitude range inside which the modes must agree to rounding.
pub const RANGE_LO: f64 = f64::from_bits((1023 - 400) << 52); // 2^-400
/// Upper end of that range.
pub const RANGE_HI: f64 = f64::from_bits((1023 + 400) << 52); // 2^400

/// `true` for a finite non-zero magnitude outside `[RANGE_LO, RANGE_HI]`.
fn out_of_range(x: f64) -> bool {
    x.is_finite() && x != 0.0 && !(RANGE_LO..=RANGE_HI).contains(&x.abs())
}

/// The magnitude/conditioning reference of a program at a point (the tolerance rule
/// of `fuzz/README.md`): every derivative is a sum over paths of products of local
/// partials; the reference sums the *absolute values* of those products, for the
/// gradient (`s1`) and the Hessian (`s2`), with structural zeros only (inputs a node
/// does not depend on contribute nothing), exactly as the reverse sweep treats them.
#[derive(Clone, Debug)]
pub struct Reference {
    /// `Σ_paths Π |∂|` for each gradient component.
    pub s1: [f64; N],
    /// The same for each Hessian entry, with `|∂²|` terms.
    pub s2: [[f64; N]; N],
    /// Adjoint magnitudes `Σ_paths from node to output Π |∂|`.
    pub suffix: [f64; MAX_NODES + MAX_OPS],
    /// A finite non-zero value, partial or path sum left `[RANGE_LO, RANGE_HI]`:
    /// over/underflow can happen in one association and not in another.
    pub out_of_range: bool,
    /// Nodes on a path to the output.
    pub reached: [bool; MAX_NODES + MAX_OPS],
    /// Structural dependence of each node on each input.
    pub deps: [u8; MAX_NODES + MAX_OPS],
    /// A non-finite first or second local partial is used at or after the node (on
    /// its way to the output).
    pub bad_down: [bool; MAX_NODES + MAX_OPS],
}

/// The scale at which rounding inside a first-derivative formula varies with its
/// argument: `|f'| / |x|` (`|x|` at least `2⁻⁴⁰⁰`). The nested types and forward-over-reverse
/// differentiate that formula (the table's `d2` is not used), so their second
/// derivatives carry this much more rounding than the table's (`hypot`'s `x/h`
/// differentiated is `(1 - u²)/h`, all cancellation when `x ≫ y`).
fn formula(d1: f64, x: f64) -> f64 {
    if d1 == 0.0 {
        0.0
    } else {
        d1.abs() / x.abs().max(RANGE_LO)
    }
}

/// Local partials of one node: `(operand, d1)` pairs and second partials.
#[derive(Clone, Copy)]
struct Local {
    a: usize,
    b: Option<usize>,
    dx: f64,
    dy: f64,
    dxx: f64,
    dxy: f64,
    dyy: f64,
}

impl Reference {
    /// Builds the reference at `x` (values from the plain `f64` evaluation).
    pub fn new(p: &Program, x: [f64; N]) -> Self {
        let mut v = [0.0; MAX_NODES + MAX_OPS];
        p.eval_into(x, &mut v);
        Self::from_values(p, &v)
    }

    /// Builds the reference from the values `v` of every node (one lane of a batched
    /// evaluation, whose kernel functions round differently from the scalar ones).
    pub fn from_values(p: &Program, v: &[f64; MAX_NODES + MAX_OPS]) -> Self {
        const M: usize = MAX_NODES + MAX_OPS;
        let deps = p.deps();
        let mut out_of = false;
        let mut locals: [Option<Local>; M] = [None; M];
        for (i, node) in p.nodes().iter().enumerate() {
            out_of |= out_of_range(v[i]);
            locals[i] = match *node {
                Node::Input(_) | Node::Const(_) => None,
                Node::Unary(op, a) => {
                    let j = rules::unary::<f64, true>(op, v[a]);
                    out_of |= out_of_range(j.d2);
                    let (d1, d2) = match op {
                        UnaryOp::Neg => (-1.0, 0.0),
                        _ => (j.d1, j.d2.abs() + formula(j.d1, v[a])),
                    };
                    Some(Local {
                        a,
                        b: None,
                        dx: d1,
                        dy: 0.0,
                        dxx: d2,
                        dxy: 0.0,
                        dyy: 0.0,
                    })
                }
                Node::Binary(op, a, b) => {
                    let wrt = Wrt {
                        x: deps[a] != 0,
                        y: deps[b] != 0,
                    };
                    let j = rules::binary::<f64, true>(op, v[a], v[b], wrt);
                    let k = formula(j.dx, v[a]) + formula(j.dy, v[b]);
                    for d in [j.dxx, j.dxy, j.dyy] {
                        out_of |= out_of_range(d);
                    }
                    Some(Local {
                        a,
                        b: Some(b),
                        dx: j.dx,
                        dy: j.dy,
                        dxx: j.dxx.abs() + k,
                        dxy: j.dxy.abs() + k,
                        dyy: j.dyy.abs() + k,
                    })
                }
            };
            if let Some(l) = locals[i] {
                for d in [l.dx, l.dy] {
                    out_of |= out_of_range(d);
                }
            }
        }
        // Forward sweep of magnitudes (prefix path sums), structural zeros only.
        let mut a1 = [[0.0f64; N]; M];
        let mut a2 = [[[0.0f64; N]; N]; M];
        let on = |d: u8, k: usize| d & (1 << k) != 0;
        for i in 0..p.len {
            match p.nodes[i] {
                Node::Input(k) => a1[i][k] = 1.0,
                Node::Const(_) => {}
                _ => {
                    let l = locals[i].unwrap_or(Local {
                        a: 0,
                        b: None,
                        dx: 0.0,
                        dy: 0.0,
                        dxx: 0.0,
                        dxy: 0.0,
                        dyy: 0.0,
                    });
                    let ops: [(usize, f64); 2] = [(l.a, l.dx), (l.b.unwrap_or(l.a), l.dy)];
                    let used = if l.b.is_some() { 2 } else { 1 };
                    for r in 0..N {
                        let mut s = 0.0;
                        for &(o, d) in &ops[..used] {
                            if on(deps[o], r) {
                                s += d.abs() * a1[o][r];
                            }
                        }
                        a1[i][r] = s;
                        for c in 0..N {
                            let mut s2 = 0.0;
                            for &(o, d) in &ops[..used] {
                                if on(deps[o], r) && on(deps[o], c) {
                                    s2 += d.abs() * a2[o][r][c];
                                }
                            }
                            let second = [
                                (l.a, l.a, l.dxx),
                                (l.a, l.b.unwrap_or(l.a), l.dxy),
                                (l.b.unwrap_or(l.a), l.a, l.dxy),
                                (l.b.unwrap_or(l.a), l.b.unwrap_or(l.a), l.dyy),
                            ];
                            let used2 = if l.b.is_some() { 4 } else { 1 };
                            for &(o1, o2, d) in &second[..used2] {
                                if on(deps[o1], r) && on(deps[o2], c) {
                                    s2 += d.abs() * a1[o1][r] * a1[o2][c];
                                }
                            }
                            a2[i][r][c] = s2;
                        }
                    }
                }
            }
            for r in 0..N {
                out_of |= out_of_range(a1[i][r]);
            }
        }
        // Reverse sweep of magnitudes (suffix path sums) over the reached nodes.
        let out = p.len - 1;
        let mut suffix = [0.0f64; M];
        let mut reached = [false; M];
        let mut bad_down = [false; M];
        suffix[out] = 1.0;
        reached[out] = true;
        for i in (0..p.len).rev() {
            if !reached[i] {
                continue;
            }
            out_of |= out_of_range(suffix[i]);
            if let Some(l) = locals[i] {
                let bad = ![l.dx, l.dy, l.dxx, l.dxy, l.dyy]
                    .iter()
                    .all(|d| d.is_finite());
                bad_down[i] |= bad;
                let mut push = |o: usize, d: f64| {
                    if deps[o] != 0 {
                        suffix[o] += d.abs() * suffix[i];
                        reached[o] = true;
                        bad_down[o] |= bad_down[i];
                    }
                };
                push(l.a, l.dx);
                if let Some(b) = l.b {
                    push(b, l.dy);
                }
            }
        }
        Reference {
            s1: a1[out],
            s2: a2[out],
            suffix,
            out_of_range: out_of,
            reached,
            deps,
            bad_down,
        }
    }
}

/// Relative rounding allowance per node of the tolerance rule.
pub const C_ROUND: f64 = 16.0;

/// The tolerance rule: `a` and `b` agree when both are NaN, or equal (infinities by
/// sign), or both finite within `C_ROUND · (nodes + 1) · ε · scale` (plus the
/// smallest normal, for results that underflow).
pub fn close(a: f64, b: f64, scale: f64, nodes: usize) -> bool {
    if a.is_nan() || b.is_nan() {
        return a.is_nan() && b.is_nan();
    }
    if a == b {
        return true;
    }
    if !(a.is_finite() && b.is_finite()) {
        return false;
    }
    let tol = C_ROUND * (nodes as f64 + 1.0) * f64::EPSILON * scale + f64::MIN_POSITIVE;
    // A non-finite scale (an infinite partial on some path whose contribution is
    // finite in both modes) allows any finite difference.
    !(tol.is_finite()) || (a - b).abs() <= tol
}
