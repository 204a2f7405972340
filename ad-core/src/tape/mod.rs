//! Reverse mode: a fixed-capacity tape that records once and replays many times.
//!
//! [`Tape<T, CAP>`] holds `CAP` nodes in plain arrays: no heap, a `const fn`
//! constructor, so it can live in a `static` or on a small stack. Recording runs the
//! user's generic function once over [`Var`]; the result is a [`Program`] (the
//! Wengert list) that replays at new inputs without recording again: values, gradient,
//! vector-Jacobian products, Jacobians row by row, and second order by
//! forward-over-reverse.
//!
//! ```
//! use ad_core::{Real, Tape};
//!
//! fn f<T: Real>([x, y]: [T; 2]) -> T {
//!     x * y + x.sin()
//! }
//!
//! let mut tape: Tape<f64, 32> = Tape::new();
//! let mut prog = tape.record([1.0, 2.0], |x| [f(x)])?;
//! let (v, g) = prog.gradient([1.0, 2.0])?;
//! assert_eq!(v, 2.0 + 1.0f64.sin());
//! assert_eq!(g, [2.0 + 1.0f64.cos(), 1.0]);
//! // Replay at a new point: no recording, fixed cost, no allocation.
//! let (_, g) = prog.gradient([0.0, 3.0])?;
//! assert_eq!(g, [4.0, 0.0]);
//! # Ok::<(), ad_core::Error>(())
//! ```
//!
//! # Branches are frozen at recording time
//!
//! **A recorded program follows the branches that the recording took.** Every
//! comparison between tape variables (`<`, `==`, `partial_cmp`, and what is built on
//! them such as `clamp`) is recorded as a *guard*; a replay at inputs where a guard
//! would come out differently stops with [`Error::BranchChanged`] instead of returning
//! the derivative of the wrong branch. Record again at such a point, or write the
//! branch with [`Real::select`](crate::Real::select), which records both sides and
//! is re-decided on every replay:
//!
//! ```
//! use ad_core::{Error, Real, Tape};
//! fn relu_branch<T: Real>(x: T) -> T { if x > T::zero() { x } else { T::zero() } }
//!
//! let mut tape: Tape<f64, 16> = Tape::new();
//! let mut prog = tape.record([2.0], |[x]| [relu_branch(x)])?;
//! assert_eq!(prog.gradient([3.0])?.1, [1.0]);
//! assert!(matches!(prog.gradient([-1.0]), Err(Error::BranchChanged { .. })));
//! # Ok::<(), ad_core::Error>(())
//! ```
//!
//! Value queries that are not comparisons (`is_nan`, `is_sign_negative`,
//! `copysign`'s sign test, conversions such as `to_f64`) are not recorded.
//!
//! # A full tape never panics
//!
//! Operators cannot return `Result`, so a full tape turns sticky-failed: the values
//! keep being computed, nothing more is written, and [`Tape::record`] returns
//! [`Error::TapeFull`] with the capacity the recording needs. What was recorded before
//! is not touched.
//!
//! ```
//! use ad_core::{Error, Real, Tape};
//! let mut tape: Tape<f32, 4> = Tape::new();
//! let r = tape.record([1.0, 2.0], |[x, y]| [(x * y).sin() + x.exp()]);
//! assert_eq!(r.err(), Some(Error::TapeFull { capacity: 4, needed: 6 }));
//! ```
//!
//! # Memory
//!
//! A node is 4 bytes (op code and two operand distances packed into a `u32`, see
//! [`Tape::BYTES_PER_NODE`]) plus its value, so a recorded binary operation costs
//! **8 bytes in `f32` and 12 in `f64`**. The reverse sweep adds one adjoint and one
//! reached-flag per node of scratch: `CAP × (4 + 2·size_of::<T>() + 1)` bytes for
//! the whole tape.
//!
//! # Flash: op sets
//!
//! A program can hold any elementary function, so by default the sweeps contain all
//! of them. A tape's third parameter names the operations it accepts ([`ops`]); its
//! replays then contain only those (on a Cortex-M, a log-density gradient drops from
//! about 27 KB to 5.5 KB of flash), and a recording that uses another operation
//! returns [`Error::OpNotEnabled`].

mod node;
pub mod ops;
#[cfg(feature = "alloc")]
mod rust;
mod sparsity;
mod sweep;
mod table;
mod var;

use core::cell::Cell;

pub use sparsity::{HessianColoring, SparsityWork};
pub use table::Table;
pub use var::{Cond, Var};

use crate::rules::Custom;
use crate::{Dual, Error, MaskOps, Primitive, Real};
use node::{MAX_NODES, Node, op};
use sweep::Consts;
use var::{LOST, Recorder};

/// How many distinct [`Custom`] functions one recording may use.
pub const MAX_CUSTOM: usize = 8;

/// A reverse-mode tape of fixed capacity `CAP` nodes over the primitive `T`, recording
/// the operations of the op set `OPS` (default: all; see [`ops`] for the flash a
/// smaller set saves on a microcontroller).
///
/// ```
/// use ad_core::Tape;
/// // In a static (a microcontroller's RAM), or on the stack.
/// static EMPTY: Tape<f32, 64> = Tape::new();
/// assert_eq!(EMPTY.capacity(), 64);
/// ```
pub struct Tape<T: Primitive, const CAP: usize, const OPS: u64 = { ops::ALL }> {
    customs: [Option<&'static Custom<T>>; MAX_CUSTOM],
    nodes: [u32; CAP],
    values: [T; CAP],
    adjoints: [T; CAP],
    reached: [bool; CAP],
}

impl<T: Primitive, const CAP: usize, const OPS: u64> Tape<T, CAP, OPS> {
    /// Bytes of one recorded node: the packed op and operands (4) and its value.
    pub const BYTES_PER_NODE: usize = core::mem::size_of::<Node>() + core::mem::size_of::<T>();

    /// An empty tape.
    #[must_use]
    pub const fn new() -> Self {
        const { assert!(CAP <= MAX_NODES, "a tape holds at most 2^26 nodes") };
        Tape {
            customs: [None; MAX_CUSTOM],
            nodes: [0; CAP],
            values: [T::ZERO; CAP],
            adjoints: [T::ZERO; CAP],
            reached: [false; CAP],
        }
    }

    /// The capacity in nodes.
    #[must_use]
    pub const fn capacity(&self) -> usize {
        CAP
    }

    /// Forgets the recorded program (a new recording overwrites it anyway).
    pub fn reset(&mut self) {
        self.nodes = [0; CAP];
    }

    /// Records `f` at `x`: the inputs are `N` tape variables, the outputs the `M`
    /// variables `f` returns. Returns the recorded [`Program`], or
    /// [`Error::TapeFull`] when `CAP` nodes are not enough.
    ///
    /// ```
    /// use ad_core::{Real, Tape};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let prog = tape.record([3.0, 4.0], |[x, y]| [x.hypot(y), x * y])?;
    /// assert_eq!(prog.values(), [5.0, 12.0]);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn record<const N: usize, const M: usize, F>(
        &mut self,
        x: [T; N],
        f: F,
    ) -> Result<Program<'_, T, N, M, OPS>, Error>
    where
        F: for<'id> FnOnce([Var<'id, T>; N]) -> [Var<'id, T>; M],
    {
        let (len, outputs) = record_into::<OPS, _, N, M, _>(
            &mut self.nodes,
            &mut self.values,
            &mut self.customs,
            x,
            f,
        )?;
        Ok(Program::over(
            &self.customs,
            &self.nodes,
            &mut self.values,
            &mut self.adjoints,
            &mut self.reached,
            len,
            outputs,
        ))
    }

    /// Records `f` at `x` and sweeps backward once: value and gradient.
    ///
    /// Pass a generic function through a closure (`|x| f(x)`): the closure is
    /// generic over the recording's brand, a function item is not.
    ///
    /// ```
    /// use ad_core::{Real, Tape};
    /// fn f<T: Real>([x, y]: [T; 2]) -> T { x.powi(2) * y.ln() }
    /// let mut tape: Tape<f32, 16> = Tape::new();
    /// let (v, g) = tape.gradient(|x| f(x), [3.0, 1.0])?;
    /// assert_eq!((v, g), (0.0, [0.0, 9.0]));
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn gradient<const N: usize, F>(&mut self, f: F, x: [T; N]) -> Result<(T, [T; N]), Error>
    where
        F: for<'id> FnOnce([Var<'id, T>; N]) -> Var<'id, T>,
    {
        let mut prog = self.record(x, |v| [f(v)])?;
        Ok(prog.gradient_at_recorded())
    }
}

/// Runs one recording into the given storage: the program length and output
/// indices, or the error. Shared by the fixed and the growable tape (one format).
///
/// Not inlined: the recorder's frame is then gone before a sweep starts, so the peak
/// stack of record-then-sweep is the larger of the two, not their sum (a Cortex-M0
/// budget).
///
/// The op set `OPS` is checked over the recorded nodes afterwards (no cost while
/// recording, none at all for [`ops::ALL`]): a recording that overflows is checked
/// over the part that was stored, and reports [`Error::OpNotEnabled`] before
/// [`Error::TapeFull`] when that part already holds an op outside the set.
#[inline(never)]
fn record_into<const OPS: u64, T: Primitive, const N: usize, const M: usize, F>(
    nodes: &mut [u32],
    values: &mut [T],
    customs: &mut [Option<&'static Custom<T>>; MAX_CUSTOM],
    x: [T; N],
    f: F,
) -> Result<(usize, [u32; M]), Error>
where
    F: for<'id> FnOnce([Var<'id, T>; N]) -> [Var<'id, T>; M],
{
    let capacity = nodes.len().min(values.len());
    let (len, outputs, needed, customs_full) = run_recording(nodes, values, customs, x, f);
    if OPS != ops::ALL {
        let stored = nodes.get(..len).unwrap_or(&[]);
        if let Some(code) = stored
            .iter()
            .map(|&r| Node(r).code())
            .find(|&c| !ops::allows(OPS, c))
        {
            return Err(Error::OpNotEnabled {
                op: table::code_name(code),
            });
        }
    }
    if customs_full {
        return Err(Error::TooManyCustom { max: MAX_CUSTOM });
    }
    if needed > len || outputs.contains(&LOST) {
        return Err(Error::TapeFull { capacity, needed });
    }
    Ok((len, outputs))
}

/// The recording itself: program length, outputs, nodes needed, and whether the
/// custom-function slots overflowed.
#[inline(always)]
fn run_recording<T: Primitive, const N: usize, const M: usize, F>(
    nodes: &mut [u32],
    values: &mut [T],
    customs: &mut [Option<&'static Custom<T>>; MAX_CUSTOM],
    x: [T; N],
    f: F,
) -> (usize, [u32; M], usize, bool)
where
    F: for<'id> FnOnce([Var<'id, T>; N]) -> [Var<'id, T>; M],
{
    let nodes = Cell::from_mut(nodes).as_slice_of_cells();
    let values = Cell::from_mut(values).as_slice_of_cells();
    *customs = [None; MAX_CUSTOM];
    let customs = Cell::from_mut(&mut customs[..]).as_slice_of_cells();
    let rec = Recorder::new(nodes, values, customs);
    let mut k = 0;
    let inputs = x.map(|v| {
        let idx = rec.push(Node::with_payload(op::INPUT, k), v);
        k += 1;
        Var::active(&rec, idx, v)
    });
    let outs = f(inputs);
    let outputs = outs.map(|o| o.index_on(&rec));
    (rec.len(), outputs, rec.needed(), rec.customs_full())
}

impl<T: Primitive, const CAP: usize, const OPS: u64> Default for Tape<T, CAP, OPS> {
    fn default() -> Self {
        Self::new()
    }
}

/// A recorded program (Wengert list) with `N` inputs and `M` outputs, borrowed from
/// its tape. Replays run in fixed time with no allocation.
///
/// `OPS` is the op set of its tape ([`ops`]): the replays contain the code of those
/// operations only.
pub struct Program<'t, T: Primitive, const N: usize, const M: usize, const OPS: u64 = { ops::ALL }>
{
    customs: &'t [Option<&'static Custom<T>>],
    nodes: &'t [u32],
    values: &'t mut [T],
    adjoints: &'t mut [T],
    reached: &'t mut [bool],
    outputs: [u32; M],
    swept: bool,
}

impl<'t, T: Primitive, const N: usize, const M: usize, const OPS: u64> Program<'t, T, N, M, OPS> {
    /// The first `len` nodes of a tape's storage as a program.
    fn over(
        customs: &'t [Option<&'static Custom<T>>],
        nodes: &'t [u32],
        values: &'t mut [T],
        adjoints: &'t mut [T],
        reached: &'t mut [bool],
        len: usize,
        outputs: [u32; M],
    ) -> Self {
        // `get`, not indexing: `len` never exceeds the storage, and this way the
        // firmware's no-panic link check sees no panic path either.
        Program {
            customs,
            nodes: nodes.get(..len).unwrap_or(&[]),
            values: values.get_mut(..len).unwrap_or(&mut []),
            adjoints: adjoints.get_mut(..len).unwrap_or(&mut []),
            reached: reached.get_mut(..len).unwrap_or(&mut []),
            outputs,
            swept: false,
        }
    }

    /// Number of nodes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// `true` for a program with no nodes (no inputs and constant outputs only).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The outputs at the last evaluated point (the recording, or the last replay).
    #[must_use]
    pub fn values(&self) -> [T; M] {
        self.outputs
            .map(|o| self.values.get(o as usize).copied().unwrap_or_else(T::nan))
    }

    /// Replays the values at new inputs.
    ///
    /// ```
    /// use ad_core::{Real, Tape};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let mut prog = tape.record([1.0], |[x]| [x.exp() + x])?;
    /// assert_eq!(prog.forward([0.0])?, [1.0]);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn forward(&mut self, x: [T; N]) -> Result<[T; M], Error> {
        self.swept = false;
        sweep::forward::<OPS, _, _>(self.nodes, self.customs, Consts::InPlace, &x, self.values)?;
        Ok(self.values())
    }

    /// The outputs at `x` replayed over another number type `S` built on `T`: over
    /// [`Lanes<T, L>`](crate::Lanes), the values at `L` points in one replay. `work`
    /// holds the replay (at least [`len`](Self::len) nodes, else
    /// [`Error::BufferTooSmall`]). Every recorded guard is checked in every lane.
    ///
    /// ```
    /// use ad_core::{Lanes, Real, Tape, Workspace};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let mut prog = tape.record([1.0], |[x]| [x.exp() + x])?;
    /// let mut work = Workspace::<Lanes<f64, 4>, 16>::new();
    /// let [y] = prog.forward_over([Lanes([0.0, 1.0, 2.0, 3.0])], &mut work)?;
    /// assert_eq!(y.0[0], 1.0);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn forward_over<S, const W: usize>(
        &self,
        x: [S; N],
        work: &mut Workspace<S, W>,
    ) -> Result<[S; M], Error>
    where
        S: Real<Primitive = T>,
        S::Mask: MaskOps,
    {
        let len = self.nodes.len();
        if W < len {
            return Err(Error::BufferTooSmall {
                needed: len,
                provided: W,
            });
        }
        sweep::forward::<OPS, _, _>(
            self.nodes,
            self.customs,
            Consts::Recorded(self.values),
            &x,
            &mut work.values,
        )?;
        Ok(self
            .outputs
            .map(|o| work.values.get(o as usize).copied().unwrap_or_else(S::nan)))
    }

    /// The program as a Wengert list: one row per variable with its expression,
    /// value and local partials, and, after a reverse sweep, its adjoint. Constants
    /// appear inline as literals.
    ///
    /// ```
    /// use ad_core::{Real, Tape};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let mut prog = tape.record([2.0, 3.0], |[x1, x2]| [x1 * x2 + x1.sin()])?;
    /// prog.gradient_at_recorded();
    /// let text = prog.table().names(["x1", "x2"]).to_string();
    /// assert!(text.contains("v3    v1 * v2"));
    /// assert!(text.contains("∂v4/∂v1 = "));
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    #[must_use]
    pub fn table(&self) -> Table<'_, 't, T, N, M, OPS> {
        Table::new(self)
    }

    /// Vector-Jacobian product `wᵀ J` at the last evaluated point, without a replay.
    fn reverse_here(&mut self, w: [T; M]) -> [T; N] {
        let mut seeds = [(0u32, T::zero()); M];
        for (s, (&o, &wi)) in seeds.iter_mut().zip(self.outputs.iter().zip(w.iter())) {
            *s = (o, wi);
        }
        let mut grad = [T::zero(); N];
        sweep::reverse::<OPS, _, _>(
            self.nodes,
            self.customs,
            self.values,
            self.adjoints,
            self.reached,
            &seeds,
            &mut grad,
        );
        self.swept = true;
        grad
    }

    /// Vector-Jacobian product: the outputs and `wᵀ J` at `x` (one replay and one
    /// reverse sweep).
    ///
    /// ```
    /// use ad_core::{Real, Tape};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let mut prog = tape.record([1.0, 1.0], |[x, y]| [x * y, x + y])?;
    /// let (v, g) = prog.vjp([2.0, 3.0], [1.0, 10.0])?;
    /// assert_eq!((v, g), ([6.0, 5.0], [13.0, 12.0]));
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn vjp(&mut self, x: [T; N], w: [T; M]) -> Result<([T; M], [T; N]), Error> {
        let v = self.forward(x)?;
        Ok((v, self.reverse_here(w)))
    }

    /// Vector-Jacobian product at the recorded (or last replayed) point: one reverse
    /// sweep, no replay.
    ///
    /// ```
    /// use ad_core::{Real, Tape};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let mut prog = tape.record([2.0, 3.0], |[x, y]| [x * y, x - y])?;
    /// assert_eq!(prog.vjp_at_recorded([1.0, 1.0]), [4.0, 1.0]);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn vjp_at_recorded(&mut self, w: [T; M]) -> [T; N] {
        self.reverse_here(w)
    }

    /// The `M × N` Jacobian at `x`: one replay, then one reverse sweep per row.
    ///
    /// ```
    /// use ad_core::{Real, Tape};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let mut prog = tape.record([1.0, 1.0], |[r, t]| [r * t.cos(), r * t.sin()])?;
    /// let (_, j) = prog.jacobian([2.0, 0.0])?;
    /// assert_eq!(j, [[1.0, 0.0], [0.0, 2.0]]);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn jacobian(&mut self, x: [T; N]) -> Result<([T; M], [[T; N]; M]), Error> {
        let v = self.forward(x)?;
        let mut jac = [[T::zero(); N]; M];
        for (k, row) in jac.iter_mut().enumerate() {
            let mut w = [T::zero(); M];
            w[k] = T::one();
            *row = self.reverse_here(w);
        }
        Ok((v, jac))
    }

    /// The Hessian's sparsity pattern and a coloring of its columns, into `coloring`
    /// (see [`HessianColoring`]): the entries that can be nonzero for any weighted sum
    /// of the outputs, read off the recorded operations (no evaluation), and a greedy
    /// grouping of the columns that share no row. `work` holds two 64-bit masks per
    /// node; the pass runs once per pair of 64-input blocks, so its cost is about
    /// `len · ⌈N/64⌉² / 2` node visits plus the pattern's entries.
    ///
    /// The coloring depends only on the recorded operations, not on the point: compute
    /// it once, use it at every replay of this program (and with the code generated
    /// from it).
    ///
    /// ```
    /// use ad_core::{HessianColoring, Real, SparsityWork, Tape};
    /// fn f<T: Real>([x, y, z]: [T; 3]) -> T { x * y + z.exp() }
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let prog = tape.record([1.0; 3], |x| [f(x)])?;
    /// let mut c = HessianColoring::new();
    /// prog.color_hessian(&mut c, &mut SparsityWork::<16>::new())?;
    /// // Entries (0, 1), (1, 0), (2, 2): no two columns share a row, so one tangent
    /// // (1, 1, 1) gives all three.
    /// assert_eq!((c.nonzeros(), c.colors()), (3, 1));
    /// assert_eq!([c.color(0), c.color(1), c.color(2)], [Some(0); 3]);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] when `W` is below [`len`](Self::len).
    pub fn color_hessian<const W: usize>(
        &self,
        coloring: &mut HessianColoring<N>,
        work: &mut SparsityWork<W>,
    ) -> Result<(), Error> {
        coloring.compute(self.nodes, &self.outputs, work)
    }

    /// Whether `coloring` was computed from this program.
    pub(crate) fn is_colored_by(&self, coloring: &HessianColoring<N>) -> bool {
        coloring.is_for(self.nodes)
    }
}

impl<T: Primitive, const N: usize, const OPS: u64> Program<'_, T, N, 1, OPS> {
    /// Value, gradient and full Hessian by forward-over-reverse over `Dual<T, C>`,
    /// one tangent per color of `coloring` (from [`color_hessian`](Self::color_hessian)
    /// on this program) instead of one per input: the cost of [`hessian`](Self::hessian)
    /// times about `(1 + C) / (1 + N)`. Entries outside the pattern are exactly zero.
    ///
    /// ```
    /// use ad_core::{Dual, HessianColoring, Real, SparsityWork, Tape, Workspace};
    /// fn f<T: Real>(x: [T; 8]) -> T {
    ///     x.windows(2).fold(T::zero(), |s, w| s + (w[1] - w[0] * w[0]).powi(2))
    /// }
    /// let mut tape: Tape<f64, 128> = Tape::new();
    /// let mut prog = tape.record([0.0; 8], |x| [f(x)])?;
    /// let mut c = HessianColoring::new();
    /// prog.color_hessian(&mut c, &mut SparsityWork::<128>::new())?;
    /// assert_eq!(c.colors(), 3);
    /// let x = [0.5, -1.0, 2.0, 0.25, 1.0, 3.0, -0.5, 0.75];
    /// let (_, _, h3) = prog.hessian_colored(x, &c, &mut Workspace::<Dual<f64, 3>, 128>::new())?;
    /// let (_, _, h8) = prog.hessian(x, &mut Workspace::<Dual<f64, 8>, 128>::new())?;
    /// assert_eq!(h3, h8);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::TooFewTangents`] when `C` is below the number of colors,
    /// [`Error::ColoringMismatch`] when `coloring` was computed from another program,
    /// and what [`hessian`](Self::hessian) returns.
    #[allow(clippy::type_complexity)]
    pub fn hessian_colored<const C: usize, const W: usize>(
        &mut self,
        x: [T; N],
        coloring: &HessianColoring<N>,
        work: &mut Workspace<Dual<T, C>, W>,
    ) -> Result<(T, [T; N], [[T; N]; N]), Error> {
        coloring.fits::<C>()?;
        if !self.is_colored_by(coloring) {
            return Err(Error::ColoringMismatch);
        }
        let (f, g) = self.second_order(coloring.seed(&x), work)?;
        let mut h = [[T::zero(); N]; N];
        for (i, (row, d)) in h.iter_mut().zip(&g).enumerate() {
            coloring.row_into(i, &d.eps, row);
        }
        Ok((f.re, g.map(|d| d.re), h))
    }

    /// Value and gradient at `x`: one replay and one reverse sweep.
    pub fn gradient(&mut self, x: [T; N]) -> Result<(T, [T; N]), Error> {
        let ([v], g) = self.vjp(x, [T::one()])?;
        Ok((v, g))
    }

    /// Value and gradient at the recorded (or last replayed) point: one reverse
    /// sweep, no replay.
    pub fn gradient_at_recorded(&mut self) -> (T, [T; N]) {
        let [v] = self.values();
        (v, self.reverse_here([T::one()]))
    }

    /// Hessian-vector product by forward-over-reverse: the program replays over
    /// `Dual<T>` seeded with `v`, and the reverse sweep over dual numbers returns the
    /// gradient in the values and `∇²f(x)·v` in the tangents. `work` holds the dual
    /// replay (see [`Workspace`]).
    ///
    /// Returns `(f(x), ∇f(x), ∇²f(x)·v)`.
    ///
    /// ```
    /// use ad_core::{Real, Tape, Workspace};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let mut prog = tape.record([1.0, 1.0], |[x, y]| [x * x * y])?;
    /// let mut work = Workspace::<_, 16>::new();
    /// let (v, g, hv) = prog.hvp([3.0, 2.0], [1.0, 0.0], &mut work)?;
    /// assert_eq!((v, g, hv), (18.0, [12.0, 9.0], [4.0, 6.0]));
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn hvp<const W: usize>(
        &mut self,
        x: [T; N],
        v: [T; N],
        work: &mut Workspace<Dual<T>, W>,
    ) -> Result<(T, [T; N], [T; N]), Error> {
        let mut k = 0;
        let xs = x.map(|xi| {
            let d = Dual::new(xi, [v[k]]);
            k += 1;
            d
        });
        let (f, g) = self.second_order(xs, work)?;
        Ok((f.re, g.map(|d| d.re), g.map(|d| d.eps[0])))
    }

    /// Value, gradient and full Hessian in one forward-over-reverse pass over
    /// `Dual<T, N>` (the `N` tangents carry the identity).
    ///
    /// ```
    /// use ad_core::{Real, Tape, Workspace};
    /// fn f<T: Real>([x, y]: [T; 2]) -> T { x * x * y + y.exp() }
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let mut prog = tape.record([0.0, 0.0], |x| [f(x)])?;
    /// let mut work = Workspace::<_, 16>::new();
    /// let (_, _, h) = prog.hessian([1.0, 0.0], &mut work)?;
    /// assert_eq!(h, [[0.0, 2.0], [2.0, 1.0]]);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    #[allow(clippy::type_complexity)]
    pub fn hessian<const W: usize>(
        &mut self,
        x: [T; N],
        work: &mut Workspace<Dual<T, N>, W>,
    ) -> Result<(T, [T; N], [[T; N]; N]), Error> {
        let (f, g) = self.second_order(Dual::variables(x), work)?;
        Ok((f.re, g.map(|d| d.re), g.map(|d| d.eps)))
    }

    /// Value and gradient at `x` replayed over another number type `S` built on `T`:
    /// over [`Lanes<T, L>`](crate::Lanes) this is batched reverse mode (one program,
    /// `L` points per replay, guards checked in every lane); over dual numbers it is
    /// forward-over-reverse (what [`hvp`](Self::hvp) and [`hessian`](Self::hessian)
    /// use). `work` holds the replay and its adjoints.
    ///
    /// ```
    /// use ad_core::{Lanes, Real, Tape, Workspace};
    /// fn f<T: Real>([x, y]: [T; 2]) -> T { x * y + x.sin() }
    /// let mut tape: Tape<f32, 16> = Tape::new();
    /// let mut prog = tape.record([0.0; 2], |x| [f(x)])?;
    /// let mut work = Workspace::<Lanes<f32, 8>, 16>::new();
    /// let x = Lanes::from_fn(|i| i as f32 * 0.25);
    /// let (v, [gx, gy]) = prog.gradient_over([x, Lanes::splat(2.0)], &mut work)?;
    /// for i in 0..8 {
    ///     let (_, [ex, ey]) = prog.gradient([x.0[i], 2.0])?;
    ///     assert!((gx.0[i] - ex).abs() <= 2.0 * f32::EPSILON && gy.0[i] == ey);
    /// }
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn gradient_over<S, const W: usize>(
        &mut self,
        x: [S; N],
        work: &mut Workspace<S, W>,
    ) -> Result<(S, [S; N]), Error>
    where
        S: Real<Primitive = T>,
        S::Mask: MaskOps,
    {
        self.second_order(x, work)
    }

    /// Replays over `S` at `xs` and sweeps backward with output adjoint one.
    fn second_order<S: Real<Primitive = T>, const W: usize>(
        &mut self,
        xs: [S; N],
        work: &mut Workspace<S, W>,
    ) -> Result<(S, [S; N]), Error>
    where
        S::Mask: MaskOps,
    {
        let len = self.nodes.len();
        if W < len {
            return Err(Error::BufferTooSmall {
                needed: len,
                provided: W,
            });
        }
        sweep::forward::<OPS, _, _>(
            self.nodes,
            self.customs,
            Consts::Recorded(self.values),
            &xs,
            &mut work.values,
        )?;
        let out = self.outputs[0];
        let mut grad = [S::zero(); N];
        sweep::reverse::<OPS, _, _>(
            self.nodes,
            self.customs,
            &work.values[..len],
            &mut work.adjoints,
            &mut work.reached,
            &[(out, S::one())],
            &mut grad,
        );
        let f = work
            .values
            .get(out as usize)
            .copied()
            .unwrap_or_else(S::nan);
        Ok((f, grad))
    }
}

/// A growable tape for desktops (feature `alloc`): the same recording format as
/// [`Tape`], with storage on the heap that grows to what a recording needs.
///
/// Growing means recording again, so the function is `Fn` (it may run twice when
/// the tape is too small; a recording that fits runs once).
///
/// ```
/// use ad_core::{Real, VecTape};
/// let mut tape = VecTape::<f64>::new();
/// let mut prog = tape.record([0.5; 3], |[a, b, c]| {
///     let mut s = a;
///     for _ in 0..10_000 {
///         s = (s * b + c).sin();
///     }
///     [s]
/// })?;
/// assert!(prog.len() > 30_000);
/// assert!(prog.gradient([0.5; 3])?.1.iter().all(|g| g.is_finite()));
/// # Ok::<(), ad_core::Error>(())
/// ```
#[cfg(feature = "alloc")]
pub struct VecTape<T: Primitive> {
    customs: [Option<&'static Custom<T>>; MAX_CUSTOM],
    nodes: alloc::vec::Vec<u32>,
    values: alloc::vec::Vec<T>,
    adjoints: alloc::vec::Vec<T>,
    reached: alloc::vec::Vec<bool>,
}

#[cfg(feature = "alloc")]
impl<T: Primitive> VecTape<T> {
    /// An empty tape; it allocates on the first recording.
    #[must_use]
    pub const fn new() -> Self {
        VecTape {
            customs: [None; MAX_CUSTOM],
            nodes: alloc::vec::Vec::new(),
            values: alloc::vec::Vec::new(),
            adjoints: alloc::vec::Vec::new(),
            reached: alloc::vec::Vec::new(),
        }
    }

    /// An empty tape with room for `nodes` nodes.
    #[must_use]
    pub fn with_capacity(nodes: usize) -> Self {
        let mut t = Self::new();
        t.grow(nodes);
        t
    }

    /// The current capacity in nodes.
    #[must_use]
    pub fn capacity(&self) -> usize {
        self.nodes.len()
    }

    fn grow(&mut self, nodes: usize) {
        let n = nodes.min(MAX_NODES);
        self.nodes.resize(n, 0);
        self.values.resize(n, T::ZERO);
        self.adjoints.resize(n, T::ZERO);
        self.reached.resize(n, false);
    }

    /// Records `f` at `x`, growing the storage (and recording again) when it is too
    /// small. Fails with [`Error::TapeFull`] only beyond 2²⁶ nodes.
    pub fn record<const N: usize, const M: usize, F>(
        &mut self,
        x: [T; N],
        f: F,
    ) -> Result<Program<'_, T, N, M>, Error>
    where
        F: for<'id> Fn([Var<'id, T>; N]) -> [Var<'id, T>; M],
    {
        let first = record_into::<{ ops::ALL }, _, N, M, _>(
            &mut self.nodes,
            &mut self.values,
            &mut self.customs,
            x,
            &f,
        );
        let (len, outputs) = match first {
            Err(Error::TapeFull { needed, .. }) if needed <= MAX_NODES => {
                self.grow(needed.max(2 * self.nodes.len()));
                record_into::<{ ops::ALL }, _, N, M, _>(
                    &mut self.nodes,
                    &mut self.values,
                    &mut self.customs,
                    x,
                    &f,
                )?
            }
            other => other?,
        };
        Ok(Program::over(
            &self.customs,
            &self.nodes,
            &mut self.values,
            &mut self.adjoints,
            &mut self.reached,
            len,
            outputs,
        ))
    }
}

#[cfg(feature = "alloc")]
impl<T: Primitive> Default for VecTape<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Scratch space for replaying a program over another number type `S` (dual numbers
/// for second order), for programs of up to `W` nodes.
///
/// It is separate from the tape so that a tape for a microcontroller does not carry
/// second-order scratch it never uses.
pub struct Workspace<S: Real, const W: usize> {
    values: [S; W],
    adjoints: [S; W],
    reached: [S::Mask; W],
}

impl<S: Real, const W: usize> Workspace<S, W>
where
    S::Mask: MaskOps,
{
    /// Zeroed scratch.
    #[must_use]
    pub fn new() -> Self {
        Workspace {
            values: [S::zero(); W],
            adjoints: [S::zero(); W],
            reached: [MaskOps::splat(false); W],
        }
    }
}

impl<S: Real, const W: usize> Default for Workspace<S, W>
where
    S::Mask: MaskOps,
{
    fn default() -> Self {
        Self::new()
    }
}
