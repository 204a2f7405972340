//! Recording: the recorder behind a tape, and the active variable `Var`.

use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;

use super::node::{MAX_DIST, Node, binary_code, op, unary_code};
use crate::macros::{AdNumber, impl_ad_number};
use crate::rules::{BinaryOp, Custom, UnaryOp};
use crate::{Compare, Primitive};

/// How many recent constants the recorder remembers for reuse.
const RECENT: usize = 4;

/// Sentinel index of a value that could not be recorded (the tape is full).
pub(crate) const LOST: u32 = u32::MAX;

/// The writable view of a tape's storage while a recording runs.
///
/// Writes go through `Cell`s, so operators (which only get values) can record. A full
/// tape turns sticky-failed: nothing more is written, but `needed` keeps counting so
/// the error can say what capacity the recording needs.
pub(crate) struct Recorder<'a, T: 'static> {
    nodes: &'a [Cell<u32>],
    values: &'a [Cell<T>],
    customs: &'a [Cell<Option<&'static Custom<T>>>],
    /// The last few constants recorded, reused while in reach (a literal in a loop
    /// body is one node, not one per iteration).
    recent: [Cell<Option<(T, u32)>>; RECENT],
    recent_next: Cell<usize>,
    needed: Cell<usize>,
    customs_full: Cell<bool>,
}

impl<'a, T: Primitive> Recorder<'a, T> {
    pub(crate) fn new(
        nodes: &'a [Cell<u32>],
        values: &'a [Cell<T>],
        customs: &'a [Cell<Option<&'static Custom<T>>>],
    ) -> Self {
        Recorder {
            nodes,
            values,
            customs,
            needed: Cell::new(0),
            customs_full: Cell::new(false),
            recent: [const { Cell::new(None) }; RECENT],
            recent_next: Cell::new(0),
        }
    }

    /// `true` when more distinct custom functions were used than the tape has slots.
    pub(crate) fn customs_full(&self) -> bool {
        self.customs_full.get()
    }

    /// The slot of custom function `f`, registering it on first use.
    fn custom_slot(&self, f: &'static Custom<T>) -> Option<usize> {
        for (k, c) in self.customs.iter().enumerate() {
            match c.get() {
                Some(g) if core::ptr::eq(g, f) => return Some(k),
                None => {
                    c.set(Some(f));
                    return Some(k);
                }
                Some(_) => {}
            }
        }
        self.customs_full.set(true);
        None
    }

    /// Nodes written: every node asked for, up to the capacity.
    pub(crate) fn len(&self) -> usize {
        self.needed
            .get()
            .min(self.nodes.len())
            .min(self.values.len())
    }

    /// Nodes the recording asked for (more than the capacity after an overflow).
    pub(crate) fn needed(&self) -> usize {
        self.needed.get()
    }

    /// The index the next node gets. Past the capacity indices are virtual: nothing
    /// is written, but they keep counting exactly as a large enough tape would (far
    /// references included), so `needed` is the true size of the recording.
    #[inline(always)]
    pub(crate) fn next(&self) -> usize {
        self.needed.get()
    }

    /// Appends a node (or, once the tape is full, only counts it) and returns its
    /// index.
    ///
    /// Node `i` is written exactly when `i` is below the capacity: the counter only
    /// grows by one, so every earlier node was written too, and after the first node
    /// that does not fit nothing more is.
    #[inline(always)]
    pub(crate) fn push(&self, node: Node, value: T) -> u32 {
        let i = self.needed.get();
        self.needed.set(i.saturating_add(1));
        if let (Some(n), Some(v)) = (self.nodes.get(i), self.values.get(i)) {
            n.set(node.0);
            v.set(value);
        }
        i.min(LOST as usize - 1) as u32
    }

    /// Makes `target` reachable from a node that will be pushed after `slack` more
    /// nodes: returns `target` itself, or a `REF` to it recorded now when it would be
    /// farther than an operand field reaches. `None` for a lost value.
    #[inline(always)]
    fn operand(&self, target: u32, value: T, slack: usize) -> Option<u32> {
        if target == LOST {
            return None;
        }
        let at = self.next() + slack;
        if at - target as usize <= MAX_DIST {
            Some(target)
        } else {
            Some(self.push(Node::with_payload(op::REF, target as usize), value))
        }
    }

    /// `target` as the operand of a custom node (whose b field holds its slot).
    fn operand_for_custom(&self, target: u32, value: T) -> Option<u32> {
        self.operand(target, value, 0)
    }

    /// Records `code(a, b)` with value `v` (`b = None` for a unary node). A
    /// three-operand node (`third`) reads its third operand from a `REF` recorded
    /// right before it.
    #[inline(always)]
    pub(crate) fn record(
        &self,
        code: u8,
        a: (u32, T),
        b: Option<(u32, T)>,
        third: Option<(u32, T)>,
        v: T,
    ) -> u32 {
        let later = usize::from(b.is_some()) + usize::from(third.is_some());
        let Some(ia) = self.operand(a.0, a.1, later) else {
            return self.push(Node(0), v);
        };
        let ib = match b {
            None => None,
            Some((ib, vb)) => match self.operand(ib, vb, usize::from(third.is_some())) {
                Some(ib) => Some(ib),
                None => return self.push(Node(0), v),
            },
        };
        if let Some((ic, vc)) = third {
            if ic == LOST {
                return self.push(Node(0), v);
            }
            self.push(Node::with_payload(op::REF, ic as usize), vc);
        }
        let next = self.next();
        let db = ib.map_or(0, |ib| next - ib as usize);
        self.push(Node::new(code, next - ia as usize, db), v)
    }

    /// The node of constant `v`: a recent node with the same value (and sign of
    /// zero) when one is within an operand's reach, else a new `CONST` node.
    ///
    /// Not inlined: it is the cold path of an operation (a constant meeting a
    /// variable), and inlined into every operation it doubles their stack frames on a
    /// Cortex-M0 (register spills), the peak of a recording.
    #[inline(never)]
    pub(crate) fn constant(&self, v: T) -> u32 {
        let next = self.next();
        for slot in &self.recent {
            if let Some((c, i)) = slot.get() {
                let same = c == v && c.is_sign_negative() == v.is_sign_negative();
                if same && next - i as usize + 2 <= MAX_DIST {
                    return i;
                }
            }
        }
        let i = self.push(Node::with_payload(op::CONST, 0), v);
        let k = self.recent_next.get();
        if let Some(slot) = self.recent.get(k) {
            slot.set(Some((v, i)));
        }
        self.recent_next.set((k + 1) % RECENT);
        i
    }
}

/// An active variable of a recording: a value, and where it lives on the tape.
///
/// `Var` implements [`Real`](crate::Real) and `num_traits::Float` like the forward types, so the
/// user's generic function records unchanged. A `Var` exists only inside the closure
/// given to [`Tape::record`](crate::Tape::record); the lifetime `'id` is a brand unique
/// to that recording, so variables of two tapes (or two recordings) cannot be mixed
/// and cannot escape, which the compiler checks:
///
/// ```compile_fail
/// use ad_core::{Tape, Var};
/// let mut t1: Tape<f64, 16> = Tape::new();
/// let mut t2: Tape<f64, 16> = Tape::new();
/// t1.record([1.0], |[x]| {
///     // error: a variable of t1 used in t2's recording
///     let _ = t2.record([2.0], |[y]| [x * y]);
///     [x]
/// });
/// ```
///
/// ```compile_fail
/// use ad_core::{Tape, Var};
/// let mut tape: Tape<f64, 16> = Tape::new();
/// let mut escaped = None;
/// let _ = tape.record([1.0], |[x]| {
///     escaped = Some(x); // error: the variable cannot outlive its recording
///     [x]
/// });
/// ```
///
/// ```compile_fail
/// use ad_core::Tape;
/// let mut tape: Tape<f64, 16> = Tape::new();
/// let _ = tape.record([1.0], |[x]| {
///     tape.reset(); // error: the tape is borrowed by its recording
///     [x]
/// });
/// ```
///
/// A constant (`Var::from(2.0)`, `T::constant(2.0)`) needs no tape; it is written to
/// the tape only when it meets an active variable.
#[derive(Clone, Copy)]
pub struct Var<'id, T: Primitive> {
    rec: Option<&'id Recorder<'id, T>>,
    idx: u32,
    val: T,
    brand: PhantomData<fn(&'id ()) -> &'id ()>,
}

/// The outcome of a [`Real::mask`](crate::Real::mask) comparison between tape variables: a recorded
/// condition that a replay re-evaluates (not a guard).
#[derive(Clone, Copy)]
pub struct Cond<'id, T: Primitive> {
    rec: Option<&'id Recorder<'id, T>>,
    idx: u32,
    val: bool,
}

impl<T: Primitive> fmt::Debug for Cond<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cond")
            .field("value", &self.val)
            .field("node", &self.idx)
            .finish()
    }
}

impl<T: Primitive> Cond<'_, T> {
    /// The outcome at the recorded point.
    #[inline]
    #[must_use]
    pub fn value(&self) -> bool {
        self.val
    }
}

impl<'id, T: Primitive> Var<'id, T> {
    #[inline(always)]
    pub(crate) fn active(rec: &'id Recorder<'id, T>, idx: u32, val: T) -> Self {
        Var {
            rec: Some(rec),
            idx,
            val,
            brand: PhantomData,
        }
    }

    /// A constant (no tape).
    #[inline(always)]
    #[must_use]
    pub fn constant_of(val: T) -> Self {
        Var {
            rec: None,
            idx: LOST,
            val,
            brand: PhantomData,
        }
    }

    /// The value at the recorded point.
    #[inline(always)]
    #[must_use]
    pub fn value(&self) -> T {
        self.val
    }

    /// `true` for a variable that depends on the inputs (it is on the tape).
    #[inline(always)]
    #[must_use]
    pub fn is_active(&self) -> bool {
        self.rec.is_some()
    }

    /// Where this variable lives on the tape, recording it as a constant node if it
    /// has no place yet. `None` when `rec` is full.
    #[inline(always)]
    pub(crate) fn index_on(&self, rec: &Recorder<'_, T>) -> u32 {
        if self.rec.is_some() {
            self.idx
        } else {
            rec.constant(self.val)
        }
    }

    #[inline(always)]
    fn unary_rec(self, code: u8, extra: Option<Var<'id, T>>, v: T) -> Self {
        match self.rec {
            None => Self::constant_of(v),
            Some(rec) => {
                let b = extra.map(|e| (e.index_on(rec), e.val));
                let idx = rec.record(code, (self.idx, self.val), b, None, v);
                Self::active(rec, idx, v)
            }
        }
    }

    #[inline(always)]
    fn binary_rec(self, code: u8, rhs: Self, v: T) -> Self {
        match self.rec.or(rhs.rec) {
            None => Self::constant_of(v),
            Some(rec) => {
                let ia = self.index_on(rec);
                let ib = rhs.index_on(rec);
                let idx = rec.record(code, (ia, self.val), Some((ib, rhs.val)), None, v);
                Self::active(rec, idx, v)
            }
        }
    }
}

impl<T: Primitive> fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rec {
            Some(_) if self.idx != LOST => {
                write!(f, "Var {{ value: {:?}, node: {} }}", self.val, self.idx)
            }
            Some(_) => write!(f, "Var {{ value: {:?}, node: <none> }}", self.val),
            None => write!(f, "Var {{ value: {:?}, constant }}", self.val),
        }
    }
}

impl<T: Primitive> fmt::Display for Var<'_, T> {
    /// The value, as the primitive prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::fmt::component(f, &self.val)
    }
}

impl<'id, T: Primitive> AdNumber for Var<'id, T> {
    type Inner = T;
    const SECOND: bool = false;
    type Mask = Cond<'id, T>;

    #[inline(always)]
    fn ad_value(&self) -> T {
        self.val
    }
    #[inline(always)]
    fn from_inner(v: T) -> Self {
        Self::constant_of(v)
    }
    #[inline(always)]
    fn tangents_zero(&self) -> bool {
        self.rec.is_none()
    }
    #[inline(always)]
    fn all_finite(&self) -> bool {
        self.val.is_finite()
    }
    #[inline(always)]
    fn add_sub(self, rhs: Self, subtract: bool) -> Self {
        let (code, v) = if subtract {
            (binary_code(BinaryOp::Sub), self.val - rhs.val)
        } else {
            (binary_code(BinaryOp::Add), self.val + rhs.val)
        };
        self.binary_rec(code, rhs, v)
    }
    #[inline(always)]
    fn mul_ad(self, rhs: Self) -> Self {
        self.binary_rec(binary_code(BinaryOp::Mul), rhs, self.val * rhs.val)
    }
    #[inline(always)]
    fn div_ad(self, rhs: Self) -> Self {
        self.binary_rec(binary_code(BinaryOp::Div), rhs, self.val / rhs.val)
    }
    #[inline]
    fn apply_unary(self, u: UnaryOp) -> Self {
        let v = self.val.unary(u);
        match u {
            UnaryOp::Powi(n) => {
                // The exponent travels in a constant node, exact for |n| ≤ 2^24 in f32.
                // A larger one is recorded as x^n = (x^hi)^4096 · x^lo, every exponent
                // exact (the value may differ from the one powi in the last bits).
                let e = T::from_i32(n).filter(|e| e.to_i32() == Some(n));
                match e {
                    Some(e) => self.unary_rec(op::POWI, Some(Var::constant_of(e)), v),
                    None => {
                        let (hi, lo) = (n >> 12, n & 0xfff);
                        self.powi(hi).powi(4096) * self.powi(lo)
                    }
                }
            }
            _ => self.unary_rec(unary_code(u), None, v),
        }
    }
    #[inline]
    fn apply_binary(self, b: BinaryOp, rhs: Self) -> Self {
        self.binary_rec(binary_code(b), rhs, self.val.binary(b, rhs.val))
    }
    #[inline]
    fn apply_custom(self, f: &'static Custom<T>) -> Self {
        let v = (f.eval)(self.val).value;
        match self.rec {
            None => Self::constant_of(v),
            Some(rec) => match rec.custom_slot(f) {
                Some(slot) => {
                    // The slot travels in the b field (a backward distance for other ops).
                    let idx = if self.idx == LOST {
                        rec.push(Node(0), v)
                    } else {
                        match rec.operand_for_custom(self.idx, self.val) {
                            Some(ia) => {
                                let next = rec.next();
                                rec.push(Node::new(op::CUSTOM, next - ia as usize, slot), v)
                            }
                            None => rec.push(Node(0), v),
                        }
                    };
                    Self::active(rec, idx, v)
                }
                None => Self::active(rec, LOST, v),
            },
        }
    }
    #[inline(always)]
    fn neg_ad(self) -> Self {
        self.apply_unary(UnaryOp::Neg)
    }
    #[inline]
    fn scalar_rhs(self, b: BinaryOp, s: T) -> Self {
        self.apply_binary(b, Self::constant_of(s))
    }
    #[inline]
    fn mul_add_ad(self, a: Self, b: Self) -> Self {
        let v = num_traits::Float::mul_add(self.val, a.val, b.val);
        match self.rec.or(a.rec).or(b.rec) {
            None => Self::constant_of(v),
            Some(rec) => {
                let ic = b.index_on(rec);
                let ia = self.index_on(rec);
                let ib = a.index_on(rec);
                let idx = rec.record(
                    op::MUL_ADD,
                    (ia, self.val),
                    Some((ib, a.val)),
                    Some((ic, b.val)),
                    v,
                );
                Self::active(rec, idx, v)
            }
        }
    }
    #[inline]
    fn mask_ad(self, cmp: Compare, other: Self) -> Cond<'id, T> {
        let val = cmp.eval(self.val, other.val);
        match self.rec.or(other.rec) {
            None => Cond {
                rec: None,
                idx: LOST,
                val,
            },
            Some(rec) => {
                let ia = self.index_on(rec);
                let ib = other.index_on(rec);
                let flag = if val { T::one() } else { T::zero() };
                let idx = rec.record(
                    op::MASK0 + cmp as u8,
                    (ia, self.val),
                    Some((ib, other.val)),
                    None,
                    flag,
                );
                Cond {
                    rec: Some(rec),
                    idx,
                    val,
                }
            }
        }
    }
    #[inline]
    fn select_ad(mask: Cond<'id, T>, a: Self, b: Self) -> Self {
        let v = if mask.val { a.val } else { b.val };
        match mask.rec.or(a.rec).or(b.rec) {
            None => Self::constant_of(v),
            Some(rec) => {
                let flag = if mask.val { T::one() } else { T::zero() };
                let ic = if mask.rec.is_some() {
                    mask.idx
                } else {
                    rec.constant(flag)
                };
                let ia = a.index_on(rec);
                let ib = b.index_on(rec);
                let idx = rec.record(
                    op::SELECT,
                    (ia, a.val),
                    Some((ib, b.val)),
                    Some((ic, flag)),
                    v,
                );
                Self::active(rec, idx, v)
            }
        }
    }
    #[inline]
    fn on_compare(&self, other: &Self, cmp: Compare, outcome: bool) {
        if let Some(rec) = self.rec.or(other.rec) {
            let ia = self.index_on(rec);
            let ib = other.index_on(rec);
            let flag = if outcome { T::one() } else { T::zero() };
            rec.record(
                op::GUARD0 + cmp as u8,
                (ia, self.val),
                Some((ib, other.val)),
                None,
                flag,
            );
        }
    }
}

impl_ad_number!(['id, T: Primitive] Var<'id, T>; mask Cond<'id, T>);
