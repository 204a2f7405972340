//! The Hessian's sparsity pattern, read off a recorded program, and a coloring of its
//! columns: forward-over-reverse over `Dual<T, C>` with one tangent per *color*
//! instead of one per input gives the whole Hessian (Curtis–Powell–Reid compression).
//!
//! The pattern is structural: entry `(i, j)` is in it when some operation that the
//! outputs depend on is nonlinear in two operands (or one, twice) that depend on
//! `x_i` and `x_j`. It follows from the chain rule: the Hessian is the sum over nodes
//! of the node's adjoint times its local second derivatives, carried to the inputs by
//! its operands' Jacobians, whose rows are nonzero only where an operand depends on an
//! input. Sums, differences, `select`, `min`, `max`, `rem`, `abs`, `fract` and
//! negation are linear (their local second derivatives are zero); step functions
//! (`floor`, `signum`, comparisons, ...) have no derivative at all; a product is
//! bilinear; every other operation, custom ones included, counts as nonlinear in all
//! its operands. Cancellations (`x·y − y·x`) are not detected: the pattern can hold an
//! entry whose value is always zero, never miss one that is not.

use super::node::{Node, binary_of, op, unary_of};
use crate::rules::{BinaryOp, UnaryOp};
use crate::{Dual, Error, Real};

/// Inputs per dependency mask: a program of `N` inputs is read in `⌈N/64⌉` blocks, and
/// the pattern in one pass over the nodes per pair of blocks.
const BLOCK: usize = 64;

/// The color of a column with no entry: its input is seeded with no tangent.
const EMPTY: usize = usize::MAX;

/// Scratch for [`Program::color_hessian`](super::Program::color_hessian), for programs
/// of up to `W` nodes: two 64-bit dependency masks and one flag per node
/// (`17 · W` bytes). Like [`Workspace`](super::Workspace), separate from the tape.
///
/// ```
/// use ad_core::SparsityWork;
/// let work = Box::new(SparsityWork::<4096>::new()); // 68 KB: on the heap, not the stack
/// # drop(work);
/// ```
pub struct SparsityWork<const W: usize> {
    masks: [[u64; 2]; W],
    live: [bool; W],
}

impl<const W: usize> SparsityWork<W> {
    /// Zeroed scratch (a `const fn`: it can be a `static`).
    #[must_use]
    pub const fn new() -> Self {
        SparsityWork {
            masks: [[0; 2]; W],
            live: [false; W],
        }
    }
}

impl<const W: usize> Default for SparsityWork<W> {
    fn default() -> Self {
        Self::new()
    }
}

/// The Hessian sparsity pattern of a recorded program with `N` inputs and a grouping of
/// its columns into *colors*: two columns share a color only when no row has an entry
/// in both, so one tangent per color carries every column of that color at once and
/// each entry is read back from its row's tangent of its column's color.
///
/// A tridiagonal Hessian (Rosenbrock's) needs 3 colors whatever `N` is, an arrow-shaped
/// one `N`; a dense one `N` (no gain). Filled by
/// [`Program::color_hessian`](super::Program::color_hessian); used by
/// [`Program::hessian_colored`](super::Program::hessian_colored) and the `vmap` helpers
/// [`reverse_hessian_colored`](crate::vmap::reverse_hessian_colored) and
/// [`program_hessian_colored`](crate::vmap::program_hessian_colored).
///
/// It holds the pattern as `N × N` flags (`N²` bytes: 10 KB at `N = 100`; box it for
/// large `N`).
///
/// ```
/// use ad_core::{HessianColoring, Real, SparsityWork, Tape};
/// // A chain: x0 couples with x1, x1 with x2, ...
/// fn f<T: Real>(x: [T; 6]) -> T {
///     x.windows(2).fold(T::zero(), |s, w| s + (w[0] * w[1]).sin())
/// }
/// let mut tape: Tape<f64, 64> = Tape::new();
/// let prog = tape.record([0.5; 6], |x| [f(x)])?;
/// let mut coloring = HessianColoring::<6>::new();
/// prog.color_hessian(&mut coloring, &mut SparsityWork::<64>::new())?;
/// assert_eq!(coloring.colors(), 3); // tridiagonal: columns 0, 3 | 1, 4 | 2, 5
/// assert!(coloring.may_be_nonzero(2, 3) && !coloring.may_be_nonzero(2, 4));
/// assert_eq!(coloring.nonzeros(), 6 + 2 * 5);
/// # Ok::<(), ad_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HessianColoring<const N: usize> {
    pattern: [[bool; N]; N],
    color: [usize; N],
    colors: usize,
    /// The program it was computed from: its length and a hash of its nodes.
    program: (usize, u64),
}

impl<const N: usize> HessianColoring<N> {
    /// An empty coloring (no entries, no colors), to be filled by
    /// [`Program::color_hessian`](super::Program::color_hessian).
    #[must_use]
    pub const fn new() -> Self {
        HessianColoring {
            pattern: [[false; N]; N],
            color: [EMPTY; N],
            colors: 0,
            program: (0, 0),
        }
    }

    /// The number of colors: the tangents a colored Hessian needs (`0` for a function
    /// whose Hessian is structurally zero).
    #[must_use]
    pub fn colors(&self) -> usize {
        self.colors
    }

    /// The color of column `j`: `None` for a column with no entry in the pattern (its
    /// input gets no tangent) and past the last column.
    #[must_use]
    pub fn color(&self, j: usize) -> Option<usize> {
        self.color.get(j).copied().filter(|&c| c != EMPTY)
    }

    /// `true` where entry `(i, j)` of the Hessian is in the pattern; `false` where it is
    /// zero at every point (and out of range).
    #[must_use]
    pub fn may_be_nonzero(&self, i: usize, j: usize) -> bool {
        self.pattern
            .get(i)
            .and_then(|r| r.get(j))
            .copied()
            .unwrap_or(false)
    }

    /// The number of entries in the pattern (both triangles).
    #[must_use]
    pub fn nonzeros(&self) -> usize {
        self.pattern.as_flattened().iter().filter(|&&b| b).count()
    }

    /// Fails with [`Error::TooFewTangents`] unless `C` tangents hold every color.
    pub(crate) fn fits<const C: usize>(&self) -> Result<(), Error> {
        if self.colors <= C {
            Ok(())
        } else {
            Err(Error::TooFewTangents {
                needed: self.colors,
                provided: C,
            })
        }
    }

    /// The inputs as dual numbers, each seeded with the unit tangent of its column's
    /// color.
    #[inline(always)]
    pub(crate) fn seed<S: Real, const C: usize>(&self, x: &[S; N]) -> [Dual<S, C>; N] {
        core::array::from_fn(|j| {
            let mut eps = [S::zero(); C];
            if let Some(e) = self.color.get(j).and_then(|&c| eps.get_mut(c)) {
                *e = S::one();
            }
            Dual::new(x[j], eps)
        })
    }

    /// Row `i` of the Hessian from the compressed row `eps` (row `i` of `H·S`, one
    /// entry per color), into `out`: the entry of column `j` is `eps[color(j)]` where
    /// `(i, j)` is in the pattern, zero elsewhere.
    #[inline(always)]
    pub(crate) fn row_into<S: Real, const C: usize>(
        &self,
        i: usize,
        eps: &[S; C],
        out: &mut [S; N],
    ) {
        let pattern = self.pattern.get(i).unwrap_or(&[false; N]);
        for ((o, &p), &c) in out.iter_mut().zip(pattern).zip(&self.color) {
            *o = match (p, eps.get(c)) {
                (true, Some(&e)) => e,
                _ => S::zero(),
            };
        }
    }

    /// Whether this coloring was computed from the program `nodes`.
    pub(crate) fn is_for(&self, nodes: &[u32]) -> bool {
        self.program == fingerprint(nodes)
    }

    /// Fills `self` from the program `nodes` with outputs `outputs`.
    pub(crate) fn compute<const W: usize>(
        &mut self,
        nodes: &[u32],
        outputs: &[u32],
        work: &mut SparsityWork<W>,
    ) -> Result<(), Error> {
        let len = nodes.len();
        if W < len {
            return Err(Error::BufferTooSmall {
                needed: len,
                provided: W,
            });
        }
        self.pattern = [[false; N]; N];
        self.program = fingerprint(nodes);
        let live = work.live.get_mut(..len).unwrap_or(&mut []);
        let masks = work.masks.get_mut(..len).unwrap_or(&mut []);
        mark_live(nodes, outputs, live);
        let blocks = N.div_ceil(BLOCK);
        for ba in 0..blocks {
            for bb in ba..blocks {
                let (a0, b0) = (ba * BLOCK, bb * BLOCK);
                dependencies(nodes, masks, a0, b0);
                for (i, &raw) in nodes.iter().enumerate() {
                    if live[i] {
                        self.interactions(i, Node(raw), masks, a0, b0);
                    }
                }
            }
        }
        self.colors = greedy(&self.pattern, &mut self.color);
        Ok(())
    }

    /// Adds the entries node `i` contributes (its local second derivatives).
    fn interactions(&mut self, i: usize, n: Node, masks: &[[u64; 2]], a0: usize, b0: usize) {
        let m = |k: usize| masks.get(k).copied().unwrap_or([0; 2]);
        let (a, b) = (m(i.wrapping_sub(n.a())), m(i.wrapping_sub(n.b())));
        let or = |p: [u64; 2], q: [u64; 2]| [p[0] | q[0], p[1] | q[1]];
        match kind(n) {
            Kind::Step | Kind::Linear => {}
            Kind::Cross => self.cross(a, b, a0, b0),
            Kind::Quotient => {
                self.cross(a, b, a0, b0);
                self.cross(b, b, a0, b0);
            }
            Kind::FullA => self.cross(a, a, a0, b0),
            Kind::Full => self.cross(or(a, b), or(a, b), a0, b0),
        }
    }

    /// Adds `P × Q ∪ Q × P` for the operand masks `p`, `q` (blocks at `a0`, `b0`).
    fn cross(&mut self, p: [u64; 2], q: [u64; 2], a0: usize, b0: usize) {
        self.pairs(p[0], a0, q[1], b0);
        self.pairs(q[0], a0, p[1], b0);
    }

    /// Sets `(r, s)` and `(s, r)` for every bit `r` of `rows` and `s` of `cols`.
    fn pairs(&mut self, mut rows: u64, r0: usize, cols: u64, c0: usize) {
        while rows != 0 {
            let r = r0 + rows.trailing_zeros() as usize;
            rows &= rows - 1;
            let mut cs = cols;
            while cs != 0 {
                let c = c0 + cs.trailing_zeros() as usize;
                cs &= cs - 1;
                if let Some(e) = self.pattern.get_mut(r).and_then(|row| row.get_mut(c)) {
                    *e = true;
                }
                if let Some(e) = self.pattern.get_mut(c).and_then(|row| row.get_mut(r)) {
                    *e = true;
                }
            }
        }
    }
}

impl<const N: usize> Default for HessianColoring<N> {
    fn default() -> Self {
        Self::new()
    }
}

/// What a node's local second derivatives look like.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// No derivative: constants, inputs' own nodes, comparisons, step functions.
    Step,
    /// Linear in its operands: passes their dependencies on, adds nothing.
    Linear,
    /// `a · b` (and `a · b + c`): adds `A × B`.
    Cross,
    /// `a / b`: adds `A × B` and `B × B`.
    Quotient,
    /// Nonlinear in its one operand `a` (a unary function, `powi`, a custom function).
    FullA,
    /// Nonlinear in both operands: adds `(A ∪ B) × (A ∪ B)`.
    Full,
}

/// The kind of node `n`.
fn kind(n: Node) -> Kind {
    let code = n.code();
    match code {
        op::INPUT | op::CONST => Kind::Step,
        op::REF | op::SELECT => Kind::Linear,
        op::MUL_ADD => Kind::Cross,
        op::POWI | op::CUSTOM => Kind::FullA,
        _ => {
            if let Some(u) = unary_of(code) {
                match u {
                    UnaryOp::Neg | UnaryOp::Abs | UnaryOp::Fract => Kind::Linear,
                    UnaryOp::Signum
                    | UnaryOp::Floor
                    | UnaryOp::Ceil
                    | UnaryOp::Round
                    | UnaryOp::Trunc => Kind::Step,
                    _ => Kind::FullA,
                }
            } else if let Some(b) = binary_of(code) {
                match b {
                    BinaryOp::Add
                    | BinaryOp::Sub
                    | BinaryOp::Rem
                    | BinaryOp::Min
                    | BinaryOp::Max => Kind::Linear,
                    BinaryOp::Mul => Kind::Cross,
                    BinaryOp::Div => Kind::Quotient,
                    _ => Kind::Full,
                }
            } else {
                // Comparisons (select conditions and guards): piecewise constant.
                Kind::Step
            }
        }
    }
}

/// The nodes whose derivative reaches an output: `i` operands of every differentiable
/// node, up to 3 (`mul_add`'s addend is the node before it, a select's branches are
/// `a` and `b`, its condition is not differentiated).
fn operands(i: usize, n: Node) -> [Option<usize>; 3] {
    let (a, b) = (i.wrapping_sub(n.a()), i.wrapping_sub(n.b()));
    match n.code() {
        op::INPUT | op::CONST => [None; 3],
        op::REF => [Some(n.payload()), None, None],
        op::MUL_ADD => [Some(a), Some(b), Some(i.wrapping_sub(1))],
        op::SELECT => [Some(a), Some(b), None],
        // The exponent and the function's slot are not operands.
        op::POWI | op::CUSTOM => [Some(a), None, None],
        code if unary_of(code).is_some() => [Some(a), None, None],
        code if binary_of(code).is_some() => [Some(a), Some(b), None],
        _ => [None; 3],
    }
}

/// Marks the nodes the outputs depend on through differentiable operations.
fn mark_live(nodes: &[u32], outputs: &[u32], live: &mut [bool]) {
    live.fill(false);
    for &o in outputs {
        if let Some(l) = live.get_mut(o as usize) {
            *l = true;
        }
    }
    for (i, &raw) in nodes.iter().enumerate().rev() {
        let n = Node(raw);
        if !live.get(i).copied().unwrap_or(false) || kind(n) == Kind::Step {
            continue;
        }
        for k in operands(i, n).into_iter().flatten() {
            if let Some(l) = live.get_mut(k) {
                *l = true;
            }
        }
    }
}

/// Each node's dependencies among inputs `a0..a0 + 64` (bit `k`: input `a0 + k`) and
/// `b0..b0 + 64`.
fn dependencies(nodes: &[u32], masks: &mut [[u64; 2]], a0: usize, b0: usize) {
    let bit = |k: usize, k0: usize| match k.checked_sub(k0) {
        Some(d) if d < BLOCK => 1u64 << d,
        _ => 0,
    };
    for (i, &raw) in nodes.iter().enumerate() {
        let n = Node(raw);
        let m = if n.code() == op::INPUT {
            let k = n.payload();
            [bit(k, a0), bit(k, b0)]
        } else if kind(n) == Kind::Step {
            [0; 2]
        } else {
            let mut m = [0u64; 2];
            for k in operands(i, n).into_iter().flatten() {
                let d = masks.get(k).copied().unwrap_or([0; 2]);
                m = [m[0] | d[0], m[1] | d[1]];
            }
            m
        };
        if let Some(slot) = masks.get_mut(i) {
            *slot = m;
        }
    }
}

/// Greedy distance-2 coloring of the columns in their natural order: column `j` takes
/// the smallest color that no column sharing a row with it took before. Returns the
/// number of colors (`0` when the pattern is empty); empty columns get [`EMPTY`].
fn greedy<const N: usize>(pattern: &[[bool; N]; N], color: &mut [usize; N]) -> usize {
    let mut colors = 0;
    // `taken[c] == j + 1`: color `c` is forbidden for column `j`.
    let mut taken = [0usize; N];
    for j in 0..N {
        let mut any = false;
        for row in pattern {
            if !row[j] {
                continue;
            }
            any = true;
            for k in 0..j {
                if row[k] {
                    if let Some(t) = taken.get_mut(color[k]) {
                        *t = j + 1;
                    }
                }
            }
        }
        color[j] = if any {
            let c = taken.iter().position(|&t| t != j + 1).unwrap_or(0);
            colors = colors.max(c + 1);
            c
        } else {
            EMPTY
        };
    }
    colors
}

/// The length of a program and an FNV-1a hash of its nodes.
fn fingerprint(nodes: &[u32]) -> (usize, u64) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &n in nodes {
        for byte in n.to_le_bytes() {
            h = (h ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (nodes.len(), h)
}
