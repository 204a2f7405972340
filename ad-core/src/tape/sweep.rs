//! The forward and reverse sweeps over a recorded node list, generic over the number
//! type they run on (`f32`/`f64` for values and gradients, dual numbers for
//! forward-over-reverse second order).

use super::node::{COMPARES, Node, binary_code, binary_of, op, unary_code, unary_of};
use super::ops::{ALL, allows};
use crate::rules::{BinaryOp, Custom, UnaryOp, Wrt, binary_at, custom, unary_at};
use crate::{Compare, Error, MaskOps, Primitive, Real};

const ADD: u8 = op::BINARY0;
const SUB: u8 = op::BINARY0 + 1;
const MUL: u8 = op::BINARY0 + 2;

/// Where constants and recorded comparison outcomes come from during a sweep: the
/// work array itself (an in-place replay over the primitive type), or the recorded
/// values (a replay over another number type).
#[derive(Clone, Copy)]
pub(crate) enum Consts<'a, T> {
    InPlace,
    Recorded(&'a [T]),
}

#[inline(always)]
fn get<S: Real>(xs: &[S], i: usize) -> S {
    xs.get(i).copied().unwrap_or_else(S::nan)
}

#[inline(always)]
fn konst<T: Primitive, S: Real<Primitive = T>>(c: Consts<'_, T>, work: &[S], i: usize) -> S {
    match c {
        Consts::InPlace => get(work, i),
        Consts::Recorded(r) => S::from_primitive(r.get(i).copied().unwrap_or_else(T::nan)),
    }
}

#[inline(always)]
fn flag<S: Real>(b: bool) -> S {
    if b { S::one() } else { S::zero() }
}

/// One and zero from a (lane-wise) comparison outcome.
#[inline(always)]
fn flag_of<S: Real>(m: S::Mask) -> S {
    S::select(m, S::one(), S::zero())
}

/// Where a select's condition node holds (lane by lane).
#[inline(always)]
fn holds<S: Real>(cond: S) -> S::Mask {
    cond.mask(Compare::Ne, S::zero())
}

/// The integer exponent of a `POWI` node, from its constant operand.
#[inline(always)]
fn exponent<T: Primitive>(e: T) -> i32 {
    num_traits::ToPrimitive::to_i32(&e).unwrap_or(0)
}

/// Runs `$un` with `$u` bound to the unary row of `$code`, `$bin` with `$b` bound to
/// its binary row, or `$other` for another code. With every op enabled this is one
/// table lookup; with an op set ([`super::ops`]) each enabled row is its own arm with
/// the row as a constant, so only the enabled rows' code (and their library math)
/// is compiled in, and a disabled row (never recorded) takes `$other`.
macro_rules! rows {
    ($ops:expr, $code:expr, |$u:ident| $un:expr, |$b:ident| $bin:expr, $other:expr) => {{
        let code: u8 = $code;
        // The bodies once, as closures: each arm below is a call (a small frame in
        // debug builds); optimized builds inline the few enabled ones with the row as
        // a constant.
        let un = |$u: UnaryOp| $un;
        let bin = |$b: BinaryOp| $bin;
        if const { $ops == ALL } {
            if let Some(u) = unary_of(code) {
                un(u)
            } else if let Some(b) = binary_of(code) {
                bin(b)
            } else {
                $other
            }
        } else {
            rows!(@arms $ops, code, un, bin, $other;
                Neg Recip Sqrt Cbrt Exp Exp2 ExpM1 Ln Log2 Log10 Ln1p Sin Cos Tan Asin Acos
                Atan Sinh Cosh Tanh Asinh Acosh Atanh Abs Signum Floor Ceil Round Trunc Fract;
                Add Sub Mul Div Rem Powf Atan2 Hypot Log Min Max)
        }
    }};
    (@arms $ops:expr, $code:ident, $un:ident, $bin:ident, $other:expr;
        $($un_op:ident)*; $($bin_op:ident)*) => {
        match $code {
            $(
                c if c == const { unary_code(UnaryOp::$un_op) }
                    && const { allows($ops, unary_code(UnaryOp::$un_op)) } =>
                {
                    $un(UnaryOp::$un_op)
                }
            )*
            $(
                c if c == const { binary_code(BinaryOp::$bin_op) }
                    && const { allows($ops, binary_code(BinaryOp::$bin_op)) } =>
                {
                    $bin(BinaryOp::$bin_op)
                }
            )*
            _ => $other,
        }
    };
}

/// Re-evaluates every node at the inputs `x`, writing `work[..nodes.len()]`.
///
/// Fails with `BranchChanged` at the first guard whose outcome differs from the
/// recording; `work` is then partly overwritten and must not be swept backward.
pub(crate) fn forward<const OPS: u64, T: Primitive, S: Real<Primitive = T>>(
    nodes: &[u32],
    customs: &[Option<&'static Custom<T>>],
    consts: Consts<'_, T>,
    x: &[S],
    work: &mut [S],
) -> Result<(), Error>
where
    S::Mask: MaskOps,
{
    // The node just computed, kept in a register for the `+ − ×` operands at distance 1
    // (most operands are the previous node): its store and reload were on the
    // dependency chain of every such node. Only for numbers that fit a register or two;
    // a wide one (lanes, duals) would be copied on every node instead.
    let keep = core::mem::size_of::<S>() <= 16;
    let mut prev = S::nan();
    for (i, &raw) in nodes.iter().enumerate() {
        let n = Node(raw);
        let code = n.code();
        let (ia, ib) = (i.wrapping_sub(n.a()), i.wrapping_sub(n.b()));
        let (da, db) = (n.a(), n.b());
        let la = |work: &[S]| if keep && da == 1 { prev } else { get(work, ia) };
        let lb = |work: &[S]| if keep && db == 1 { prev } else { get(work, ib) };
        let v = match code {
            op::INPUT => get(x, n.payload()),
            op::CONST => konst(consts, work, i),
            op::REF => get(work, n.payload()),
            op::POWI if const { allows(OPS, op::POWI) } => {
                let e = exponent(konst(consts, work, ib).primal());
                get(work, ia).unary(UnaryOp::Powi(e))
            }
            // The hot arithmetic as direct arms: one dispatch instead of two.
            ADD => la(work).binary(BinaryOp::Add, lb(work)),
            SUB => la(work).binary(BinaryOp::Sub, lb(work)),
            MUL => la(work).binary(BinaryOp::Mul, lb(work)),
            op::MUL_ADD if const { allows(OPS, op::MUL_ADD) } => {
                get(work, ia).mul_add(get(work, ib), get(work, i.wrapping_sub(1)))
            }
            op::SELECT => S::select(
                holds(get(work, i.wrapping_sub(1))),
                get(work, ia),
                get(work, ib),
            ),
            op::CUSTOM if const { allows(OPS, op::CUSTOM) } => {
                match customs.get(n.b()).copied().flatten() {
                    Some(f) => get(work, ia).custom(f),
                    None => S::nan(),
                }
            }
            _ => rows!(
                OPS,
                code,
                |u| get(work, ia).unary(u),
                |b| get(work, ia).binary(b, get(work, ib)),
                if let Some(&cmp) = COMPARES.get(usize::from(code.wrapping_sub(op::MASK0))) {
                    flag_of(get(work, ia).mask(cmp, get(work, ib)))
                } else if let Some(&cmp) = COMPARES.get(usize::from(code.wrapping_sub(op::GUARD0)))
                {
                    // Every lane must take the recorded branch.
                    let now = get(work, ia).mask(cmp, get(work, ib));
                    let then = konst(consts, work, i).primal() != T::zero();
                    let same = if then { now.all() } else { now.not().all() };
                    if !same {
                        return Err(Error::BranchChanged { node: i });
                    }
                    flag(then)
                } else {
                    S::nan()
                }
            ),
        };
        if let Some(w) = work.get_mut(i) {
            *w = v;
        }
        if keep {
            prev = v;
        }
    }
    Ok(())
}

/// Whether a sweep over `S` clears the adjoints first (see [`acc`]): with per-lane
/// reaching, and for numbers of one point that fit a register or two (scalars, small
/// duals). A wide number (lanes, a dual of many tangents) starts each adjoint from
/// zero at its first contribution instead, which spares a store of every node's
/// adjoint before the sweep.
#[inline(always)]
const fn clears<S: Real>(per_lane: bool) -> bool {
    per_lane || (!S::LANES && core::mem::size_of::<S>() <= 16)
}

/// Adds `c` to the adjoint of node `i` and marks it reached, in the lanes of `m`
/// (every lane for a number that holds one point).
#[inline(always)]
fn acc<S: Real, const PER_LANE: bool>(
    adj: &mut [S],
    reached: &mut [S::Mask],
    i: usize,
    c: S,
    m: S::Mask,
) where
    S::Mask: MaskOps,
{
    if let (Some(a), Some(r)) = (adj.get_mut(i), reached.get_mut(i)) {
        if PER_LANE {
            *a = S::select(m, *a + c, *a);
            *r = r.or(m);
        } else if const { clears::<S>(false) } {
            // A small number of one point: the adjoints were cleared before the
            // sweep, so a contribution is one add with no test of the reached flag
            // (clearing a few bytes per node costs less than a test per operand).
            *a += c;
            *r = MaskOps::splat(true);
        } else {
            // The first contribution to a node starts from zero (`0 + c`, as a zeroed
            // adjoint would: the same bits, `-0` included), so the adjoints need no
            // clearing before a sweep; the reached flags say which are written.
            let base = if r.any() { *a } else { S::zero() };
            *a = base + c;
            *r = MaskOps::splat(true);
        }
    }
}

/// Sweeps backward from the seeded adjoints, accumulating input adjoints into `grad`.
///
/// Only nodes that some seeded output reaches propagate: an unreached node (the
/// branch a `select` did not take, a dead value) contributes nothing, whatever its
/// partials are. A reached adjoint that is exactly zero still multiplies its partials,
/// so `0 · ∞` is NaN here as in forward mode. Over lanes, reaching is tracked lane by
/// lane (a `select` reaches each branch in the lanes that take it).
pub(crate) fn reverse<const OPS: u64, T: Primitive, S: Real<Primitive = T>>(
    nodes: &[u32],
    customs: &[Option<&'static Custom<T>>],
    work: &[S],
    adj: &mut [S],
    reached: &mut [S::Mask],
    seeds: &[(u32, S)],
    grad: &mut [S],
) where
    S::Mask: MaskOps,
{
    // Lanes differ in what they reach only through a select: without one, every lane
    // reaches the same nodes and one flag per node serves them all.
    if S::LANES && nodes.iter().any(|&r| Node(r).code() == op::SELECT) {
        reverse_with::<OPS, T, S, true>(nodes, customs, work, adj, reached, seeds, grad);
    } else {
        reverse_with::<OPS, T, S, false>(nodes, customs, work, adj, reached, seeds, grad);
    }
}

#[allow(clippy::too_many_lines)]
fn reverse_with<const OPS: u64, T: Primitive, S: Real<Primitive = T>, const PER_LANE: bool>(
    nodes: &[u32],
    customs: &[Option<&'static Custom<T>>],
    work: &[S],
    adj: &mut [S],
    reached: &mut [S::Mask],
    seeds: &[(u32, S)],
    grad: &mut [S],
) where
    S::Mask: MaskOps,
{
    // Every array cut to the program's length (they are never shorter): one length
    // for all, so the compiler checks an index once for the adjoints, the flags and
    // the values together.
    let len = nodes
        .len()
        .min(work.len())
        .min(adj.len())
        .min(reached.len());
    let (Some(nodes), Some(work), Some(adj), Some(reached)) = (
        nodes.get(..len),
        work.get(..len),
        adj.get_mut(..len),
        reached.get_mut(..len),
    ) else {
        return;
    };
    if clears::<S>(PER_LANE) {
        // (Otherwise `acc` starts each node's adjoint from zero.)
        for a in adj.iter_mut() {
            *a = S::zero();
        }
    }
    for r in reached.iter_mut() {
        *r = MaskOps::splat(false);
    }
    for g in grad.iter_mut() {
        *g = S::zero();
    }
    let all = <S::Mask as MaskOps>::splat(true);
    for &(o, w) in seeds {
        acc::<S, PER_LANE>(adj, reached, o as usize, w, all);
    }
    let is_const = |j: usize| nodes.get(j).is_some_and(|&r| Node(r).code() == op::CONST);
    for i in (0..len).rev() {
        let Some(&m) = reached.get(i) else { continue };
        if !m.any() {
            continue;
        }
        let w = get(adj, i);
        // A contribution through this node, in the lanes that reach it.
        let acc = |adj: &mut [S], reached: &mut [S::Mask], j: usize, c: S| {
            acc::<S, PER_LANE>(adj, reached, j, c, m);
        };
        let Some(&raw) = nodes.get(i) else { continue };
        let n = Node(raw);
        let code = n.code();
        let (ia, ib) = (i.wrapping_sub(n.a()), i.wrapping_sub(n.b()));
        match code {
            op::INPUT => {
                if let Some(g) = grad.get_mut(n.payload()) {
                    *g = if PER_LANE {
                        S::select(m, *g + w, *g)
                    } else {
                        *g + w
                    };
                }
            }
            op::CONST => {}
            op::CUSTOM if const { allows(OPS, op::CUSTOM) } => {
                if let Some(f) = customs.get(n.b()).copied().flatten() {
                    let d = custom::<S, false>(f, get(work, ia)).d1;
                    acc(adj, reached, ia, d * w);
                }
            }
            op::REF => acc(adj, reached, n.payload(), w),
            op::POWI if const { allows(OPS, op::POWI) } => {
                let e = exponent(get(work, ib).primal());
                let d = unary_at::<S, false>(UnaryOp::Powi(e), get(work, ia), get(work, i)).d1;
                acc(adj, reached, ia, d * w);
            }
            ADD => {
                acc(adj, reached, ia, w);
                acc(adj, reached, ib, w);
            }
            SUB => {
                acc(adj, reached, ia, w);
                acc(adj, reached, ib, -w);
            }
            MUL => {
                let (x, y) = (get(work, ia), get(work, ib));
                acc(adj, reached, ia, y * w);
                acc(adj, reached, ib, x * w);
            }
            op::MUL_ADD if const { allows(OPS, op::MUL_ADD) } => {
                let (x, y) = (get(work, ia), get(work, ib));
                acc(adj, reached, ia, y * w);
                acc(adj, reached, ib, x * w);
                acc(adj, reached, i.wrapping_sub(1), w);
            }
            op::SELECT => {
                // The cotangent goes to the taken branch only: masked before any
                // multiplication (lane by lane over lanes).
                let c = holds(get(work, i.wrapping_sub(1)));
                if S::LANES {
                    // Each branch is reached in the lanes that take it (`PER_LANE` is
                    // on: this program has a select).
                    super::sweep::acc::<S, true>(adj, reached, ia, w, m.and(c));
                    super::sweep::acc::<S, true>(adj, reached, ib, w, m.and(c.not()));
                } else {
                    acc(adj, reached, if c.any() { ia } else { ib }, w);
                }
            }
            _ => {
                // (1, ∂a, 0) for a unary row, (2, ∂a, ∂b) for a binary one, 0 for a
                // comparison (no derivative).
                let wrt = Wrt {
                    x: !is_const(ia),
                    y: !is_const(ib),
                };
                let (kind, da, db) = rows!(
                    OPS,
                    code,
                    |u| {
                        let d = unary_at::<S, false>(u, get(work, ia), get(work, i)).d1;
                        (1, d, S::zero())
                    },
                    |b| {
                        // Add, Sub and Mul have their own arms above.
                        let (x, y) = (get(work, ia), get(work, ib));
                        let j = binary_at::<S, false>(b, x, y, get(work, i), wrt);
                        (2, j.dx, j.dy)
                    },
                    (0, S::zero(), S::zero())
                );
                if kind == 1 || (kind == 2 && wrt.x) {
                    acc(adj, reached, ia, da * w);
                }
                if kind == 2 && wrt.y {
                    acc(adj, reached, ib, db * w);
                }
            }
        }
    }
}
