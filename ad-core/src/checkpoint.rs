//! Checkpointing: reverse-mode derivatives of long time-stepping loops in a memory
//! budget fixed at compile time.
//!
//! [`Checkpointer`] (its documentation describes the method, the schedule and
//! the costs), the schedule alone ([`BinomialSchedule`]) and the [`Step`] trait.

use crate::{Error, Primitive, Real, Tape};

/// One time step `x_{k+1} = Φ(x_k, k)` of a loop over a state of `S` values, written
/// once for every number type.
///
/// A closure cannot be generic over the number type, so a step is a type with a
/// generic method. A [`Checkpointer`] evaluates it on the primitive type to recompute
/// states and on tape variables to record one step; tests and forward-mode checks
/// run it on [`Dual`](crate::Dual) numbers.
///
/// ```
/// use ad_core::{Real, Step};
///
/// /// A harmonic oscillator, symplectic Euler with time step `h`.
/// struct Oscillator {
///     h: f64,
/// }
///
/// impl Step<2> for Oscillator {
///     fn step<R: Real>(&self, [q, p]: [R; 2], _k: usize) -> [R; 2] {
///         let h = R::constant(self.h);
///         let p = p - h * q;
///         [q + h * p, p]
///     }
/// }
///
/// let x = Oscillator { h: 0.5 }.run([1.0_f64, 0.0], 2);
/// assert_eq!(x, [0.3125, -0.875]);
/// ```
pub trait Step<const S: usize> {
    /// The state after step `k` (counted from 0), given the state before it.
    fn step<R: Real>(&self, state: [R; S], k: usize) -> [R; S];

    /// Runs steps `0 … steps-1` from `state`: the plain `K`-step map, on any number
    /// type.
    ///
    /// ```
    /// use ad_core::{Real, Step};
    /// struct Double;
    /// impl Step<1> for Double {
    ///     fn step<R: Real>(&self, [x]: [R; 1], _k: usize) -> [R; 1] { [x + x] }
    /// }
    /// assert_eq!(Double.run([1.0_f32], 10), [1024.0]);
    /// ```
    fn run<R: Real>(&self, state: [R; S], steps: usize) -> [R; S]
    where
        Self: Sized,
    {
        advance(self, state, 0, steps)
    }
}

/// Steps `from … to-1` applied to `x`, the state after `from` steps.
#[inline]
fn advance<const S: usize, R: Real, F: Step<S>>(
    step: &F,
    mut x: [R; S],
    from: usize,
    to: usize,
) -> [R; S] {
    for k in from..to {
        x = step.step(x, k);
    }
    x
}

/// One action of a [`BinomialSchedule`]. Checkpoint slots are used as a stack: slot
/// 0 holds the initial state, and a `Store` from slot `i` writes slot `i + 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CheckpointAction {
    /// Evaluate steps `from … to-1` plainly, starting from the state in checkpoint
    /// `slot` (the state after `from` steps), and store the result (the state after
    /// `to` steps) in checkpoint `slot + 1`. Costs `to - from` step evaluations.
    Store {
        /// The checkpoint to start from.
        slot: usize,
        /// The step count of the state in `slot`.
        from: usize,
        /// The step count of the state to store in `slot + 1`.
        to: usize,
    },
    /// Evaluate steps `from … step-1` plainly, starting from the state in checkpoint
    /// `slot`, then reverse step `step`: record it at the state reached and pull the
    /// cotangent back through it. Costs `step - from` plain step evaluations and one
    /// recorded one. Steps are reversed in the order `K-1, K-2, …, 0`; once step
    /// `from` is reversed, checkpoint `slot` is free again.
    Reverse {
        /// The checkpoint to start from.
        slot: usize,
        /// The step count of the state in `slot`.
        from: usize,
        /// The step to reverse.
        step: usize,
    },
}

/// The binomial checkpointing schedule (Griewank and Walther's "revolve") for
/// reversing a loop of `steps` steps with at most `C` stored states, as an iterator
/// of [`CheckpointAction`]s.
///
/// Among all schedules that keep at most `C` states, including the initial one, it
/// performs the fewest plain step evaluations: [`forward_steps`](Self::forward_steps),
/// which is `r·K − β(C + 1, r − 1)` for the repetition number `r` (see the
/// [`Checkpointer`] documentation). It runs in `O(C)` memory, without
/// recursion; placing a checkpoint takes `O(log r)` binomial coefficients of at most
/// `min(C, r)` integer steps each, so every action comes in time independent of `K`
/// (but for its logarithm).
///
/// ```
/// use ad_core::{BinomialSchedule, CheckpointAction::{Reverse, Store}};
///
/// // 4 steps, 2 checkpoints: store the state after 2 steps, reverse 3 and 2 from it,
/// // then reverse 1 and 0 from the initial state.
/// let s = BinomialSchedule::<2>::new(4);
/// assert_eq!(s.forward_steps(), 4);
/// assert!(s.eq([
///     Store { slot: 0, from: 0, to: 2 },
///     Reverse { slot: 1, from: 2, step: 3 },
///     Reverse { slot: 1, from: 2, step: 2 },
///     Reverse { slot: 0, from: 0, step: 1 },
///     Reverse { slot: 0, from: 0, step: 0 },
/// ]));
/// ```
///
/// `C` must be at least 1 (the slot of the initial state); `C = 0` does not compile:
///
/// ```compile_fail
/// let s = ad_core::BinomialSchedule::<0>::new(4);
/// ```
#[derive(Clone, Debug)]
pub struct BinomialSchedule<const C: usize> {
    /// The step count of the state in each occupied slot, increasing.
    pos: [usize; C],
    /// Occupied slots.
    used: usize,
    /// Steps `0 … end-1` are still to be reversed.
    end: usize,
    /// The loop length.
    steps: usize,
}

impl<const C: usize> BinomialSchedule<C> {
    /// The schedule for a loop of `steps` steps.
    #[must_use]
    pub const fn new(steps: usize) -> Self {
        const {
            assert!(
                C >= 1,
                "checkpointing needs at least one slot (the initial state)"
            )
        };
        BinomialSchedule {
            pos: [0; C],
            used: if steps == 0 { 0 } else { 1 },
            end: steps,
            steps,
        }
    }

    /// The loop length `K`.
    #[must_use]
    pub const fn steps(&self) -> usize {
        self.steps
    }

    /// The repetition number `r`: the smallest `r` with `β(C, r) ≥ K`. No step is
    /// evaluated plainly more than `r` times by the whole schedule (0 for `K ≤ 1`).
    ///
    /// ```
    /// use ad_core::BinomialSchedule;
    /// assert_eq!(BinomialSchedule::<10>::new(1000).repetitions(), 4);
    /// assert_eq!(BinomialSchedule::<10>::new(1001).repetitions(), 4); // β(10, 4) = 1001
    /// assert_eq!(BinomialSchedule::<10>::new(1002).repetitions(), 5);
    /// ```
    #[must_use]
    pub fn repetitions(&self) -> usize {
        let (r, _) = repetition(self.steps as u128, C as u128);
        usize::try_from(r).unwrap_or(usize::MAX)
    }

    /// The number of plain step evaluations the whole schedule performs (the sum of
    /// `to - from` over its `Store`s and `step - from` over its `Reverse`s), from the
    /// closed form `r·K − β(C + 1, r − 1)`; saturates at `usize::MAX`.
    ///
    /// ```
    /// use ad_core::BinomialSchedule;
    /// // With one slot every state is recomputed from x_0: K(K-1)/2.
    /// assert_eq!(BinomialSchedule::<1>::new(1000).forward_steps(), 499_500);
    /// // 10 slots: 3.6 evaluations per step, instead of storing all 1000 states.
    /// assert_eq!(BinomialSchedule::<10>::new(1000).forward_steps(), 3636);
    /// // Enough slots for every state: one forward run, K - 1.
    /// assert_eq!(BinomialSchedule::<1000>::new(1000).forward_steps(), 999);
    /// ```
    #[must_use]
    pub fn forward_steps(&self) -> usize {
        let l = self.steps as u128;
        if l <= 1 {
            return 0;
        }
        let c = C as u128;
        // r ≥ 1 here, and prev = β(C, r − 1) < l.
        let (r, prev) = repetition(l, c);
        // β(C + 1, r − 1) = C(C + r, C + 1) = β(C, r − 1)·(C + r)/(C + 1), exact.
        let total = prev
            .checked_mul(c + r)
            .map(|p| p / (c + 1))
            .and_then(|beta| r.checked_mul(l).map(|rl| rl.saturating_sub(beta)));
        total.map_or(usize::MAX, |t| usize::try_from(t).unwrap_or(usize::MAX))
    }

    /// `β(C, r) = (C + r)! / (C! r!)`: the longest loop that `C` slots reverse with no
    /// step evaluated plainly more than `r` times; saturates at `usize::MAX`.
    ///
    /// ```
    /// use ad_core::BinomialSchedule;
    /// assert_eq!(BinomialSchedule::<10>::max_steps(3), 286);
    /// assert_eq!(BinomialSchedule::<10>::max_steps(4), 1001);
    /// assert_eq!(BinomialSchedule::<1>::max_steps(7), 8);
    /// assert_eq!(BinomialSchedule::<2>::max_steps(usize::MAX), usize::MAX);
    /// ```
    #[must_use]
    pub fn max_steps(repetitions: usize) -> usize {
        let b = beta(C as u128, repetitions as u128);
        usize::try_from(b).unwrap_or(usize::MAX)
    }
}

/// `β(s, r) = C(s + r, r)` when it is at most `u64::MAX`; `u128::MAX` above.
///
/// Runs `min(s, r)` exact steps `C(n, j) = C(n, j − 1)·(n − j + 1)/j`; `C(n, j)`
/// grows with `j` up to `n/2`, so it stops at the first value over `u64::MAX`, which
/// comes within 36 steps (`C(2j, j) ≥ 4^j/(2j + 1)`).
fn beta(s: u128, r: u128) -> u128 {
    let n = s + r;
    let mut b: u128 = 1;
    let mut j: u128 = 0;
    while j < s.min(r) {
        j += 1;
        // b ≤ u64::MAX and n − j + 1 < 2^65: an overflow means a product over
        // 2^128, so the quotient is over 2^128 / j > u64::MAX too.
        b = match b.checked_mul(n - j + 1) {
            Some(p) => p / j,
            None => return u128::MAX,
        };
        if b > u128::from(u64::MAX) {
            return u128::MAX;
        }
    }
    b
}

/// For `l ≥ 1` steps and `s ≥ 1` slots: the repetition number `r`, the smallest
/// integer with `β(s, r) ≥ l`, and `β(s, r − 1)` (0 for `r = 0`), which is below `l`.
///
/// Galloping then bisection on `r`: `O(log r)` evaluations of [`beta`], each of at
/// most `min(s, r)` (and never more than 36) steps, so even `l = 2^64 − 1` with one
/// slot (`r = l − 1`) is answered at once.
fn repetition(l: u128, s: u128) -> (u128, u128) {
    if l <= 1 {
        return (0, 0);
    }
    // β(s, lo) < l ≤ β(s, hi).
    let (mut lo, mut hi) = (0u128, 1u128);
    while beta(s, hi) < l {
        lo = hi;
        hi = hi.saturating_mul(2);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if beta(s, mid) < l { lo = mid } else { hi = mid }
    }
    (hi, beta(s, hi - 1))
}

/// Where to put the next checkpoint: for `l ≥ 2` steps left and `s ≥ 2` free slots
/// (counting the one the segment starts from), the number `m` of steps to advance
/// before storing.
///
/// With `r` the repetition number of `(l, s)`, any `m` with `β(s, r − 2) ≤ m ≤ β(s, r −
/// 1)` and `β(s − 1, r − 1) ≤ l − m ≤ β(s − 1, r)` is optimal: then the first `m`
/// steps cost `(r − 1)·m − β(s + 1, r − 2)` (repetition number `r − 1` with `s` slots),
/// the other `l − m` cost `r·(l − m) − β(s, r − 1)` (repetition `r` with `s − 1`
/// slots), and with the `m` steps of advancing the total is `r·l − β(s + 1, r − 1)`,
/// the optimum, by Pascal's rule. Such `m` exist because `β(s, r − 1) < l ≤ β(s, r) =
/// β(s, r − 1) + β(s − 1, r)`; this picks the largest, `min(β(s, r − 1), l − β(s − 1,
/// r − 1))`, which is at least 1 and at most `l − 1`.
fn split(l: usize, s: usize) -> usize {
    let (l128, s128) = (l as u128, s as u128);
    let (r, prev) = repetition(l128, s128);
    // β(s − 1, r − 1) = β(s, r − 1)·s/(s + r − 1), exact; prev < l < 2^64 and
    // s < 2^64, so the product fits.
    let lower = prev * s128 / (s128 + r - 1);
    let m = prev.min(l128.saturating_sub(lower));
    usize::try_from(m)
        .unwrap_or(1)
        .clamp(1, l.saturating_sub(1).max(1))
}

impl<const C: usize> Iterator for BinomialSchedule<C> {
    type Item = CheckpointAction;

    fn next(&mut self) -> Option<CheckpointAction> {
        if self.end == 0 || self.used == 0 {
            return None;
        }
        let slot = self.used - 1;
        let from = *self.pos.get(slot)?;
        // Steps `from … end-1` are left for this slot; `free + 1` slots for them.
        let left = self.end - from;
        let free = C - self.used;
        if left > 1 && free > 0 {
            let to = from + split(left, free + 1);
            // Storing the state right before the step to reverse saves nothing:
            // reverse it straight from this slot (the same evaluations, one copy and
            // one slot fewer).
            if to + 1 < self.end {
                *self.pos.get_mut(self.used)? = to;
                self.used += 1;
                return Some(CheckpointAction::Store { slot, from, to });
            }
        }
        let step = self.end - 1;
        self.end = step;
        if left == 1 {
            // The slot's own step is reversed: the slot is free.
            self.used -= 1;
        }
        Some(CheckpointAction::Reverse { slot, from, step })
    }
}

/// What the last reversal of a [`Checkpointer`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct CheckpointStats {
    /// The loop length `K`.
    pub steps: usize,
    /// Plain step evaluations (the recomputation); equals
    /// [`BinomialSchedule::forward_steps`] after a successful reversal.
    pub forward_steps: usize,
    /// Steps recorded on the step tape (each step once, so `K` after a successful
    /// reversal).
    pub recorded_steps: usize,
    /// The largest recorded step, in nodes.
    pub max_step_nodes: usize,
    /// Checkpoint slots in use at the peak (at most `C`).
    pub checkpoints_used: usize,
}

/// Reverse mode through a long loop of time steps in a memory budget fixed at compile
/// time: `C` stored states of `S` values and a tape of `STEP_CAP` nodes for one step,
/// whatever the loop length.
///
/// Recording a loop `x_{k+1} = Φ(x_k, k)`, `k = 0 … K-1`, on one tape costs `K ×`
/// (nodes per step). A `Checkpointer<T, S, C, STEP_CAP>` needs only `C` stored
/// states of `S` values and one [`Tape`] of `STEP_CAP` nodes that holds **one step at
/// a time**, whatever `K` is. It computes the vector-Jacobian product of the whole
/// `K`-step map,
///
/// > given `x_0` and a cotangent `w_K` of the final state, `x_K` and
/// > `w_0 = w_Kᵀ ∂x_K/∂x_0`,
///
/// by reversing the steps one by one, last to first: the state `x_k` that step `k`
/// needs is recomputed by plain evaluation (no tape) from the nearest stored
/// checkpoint, step `k` alone is recorded at `x_k`, and the cotangent is pulled back
/// through it with [`Program::vjp`](crate::Program::vjp). A parameter to differentiate with respect to is
/// carried in the state (a component that every step leaves unchanged).
///
/// ```
/// use ad_core::{Checkpointer, Dual, Real, Step};
///
/// /// A damped oscillator, symplectic Euler; the damping `c` rides in the state.
/// struct Damped;
/// impl Step<3> for Damped {
///     fn step<R: Real>(&self, [q, p, c]: [R; 3], _k: usize) -> [R; 3] {
///         let h = R::constant(0.01);
///         let p = p - h * (q + c * p);
///         [q + h * p, p, c]
///     }
/// }
///
/// // ∂q_K/∂(q_0, p_0, c) over 500 steps, with 4 checkpoints and a 32-node tape.
/// let mut cp = Checkpointer::<f64, 3, 4, 32>::new();
/// let (x, g) = cp.vjp(&Damped, [1.0, 0.0, 0.1], 500, [1.0, 0.0, 0.0])?;
///
/// // Forward mode through all 500 steps agrees (to rounding: the sums differ).
/// let fwd = Damped.run(Dual::variables([1.0, 0.0, 0.1]), 500);
/// assert_eq!(x[0], fwd[0].re);
/// for (a, b) in g.iter().zip(fwd[0].eps) {
///     assert!((a - b).abs() <= 1e-13);
/// }
/// # Ok::<(), ad_core::Error>(())
/// ```
///
/// A loss of the final state seeds the cotangent through
/// [`vjp_with`](Self::vjp_with). Small budgets work too, at the price of more
/// recomputation (see the table below):
///
/// ```
/// use ad_core::{Checkpointer, Real, Step};
///
/// /// Explicit Euler for x' = -x², with step 1/100.
/// struct Decay;
/// impl Step<1> for Decay {
///     fn step<R: Real>(&self, [x]: [R; 1], _k: usize) -> [R; 1] {
///         [x - R::constant(0.01) * x * x]
///     }
/// }
///
/// // 3 stored states and a 16-node tape reverse 1000 steps.
/// let mut cp: Checkpointer<f64, 1, 3, 16> = Checkpointer::new();
/// let (xk, w0) = cp.vjp(&Decay, [1.0], 1000, [1.0])?;
/// assert_eq!(xk, Decay.run([1.0], 1000));
///
/// // The same derivative by forward mode through all 1000 steps.
/// let d = Decay.run([ad_core::Dual64::variable(1.0)], 1000)[0];
/// assert!((w0[0] - d.eps[0]).abs() <= 1e-14 * d.eps[0].abs());
/// assert_eq!(cp.stats().forward_steps, ad_core::BinomialSchedule::<3>::new(1000).forward_steps());
/// # Ok::<(), ad_core::Error>(())
/// ```
///
/// # The schedule
///
/// Which states to keep is decided by the binomial schedule of Griewank and Walther
/// ("revolve", ACM TOMS Algorithm 799), which minimizes the number of recomputed
/// steps for `C` stored states (the initial state counts as one of them). With
/// `β(c, r) = (c + r)! / (c! r!)`, reversing `K` steps costs
///
/// > `r·K − β(C + 1, r − 1)` plain step evaluations,
///
/// where `r`, the *repetition number*, is the smallest integer with `β(C, r) ≥ K`: no
/// step is evaluated plainly more than `r` times (plus once on the step tape), and
/// `β(C, r)` is the longest loop that `C` checkpoints reverse with `r` repetitions.
/// For `K ≫ C`, `r` grows like `(C!·K)^{1/C}` and the cost like `r·K`, so a handful
/// of checkpoints keeps the recomputation a small multiple of one forward run:
///
/// | `K = 1000` | `C = 1` | `C = 2` | `C = 3` | `C = 5` | `C = 10` | `C = 20` | `C ≥ 1000` |
/// |---|---|---|---|---|---|---|---|
/// | `r` | 999 | 44 | 17 | 8 | 4 | 3 | 1 |
/// | plain step evaluations | 499 500 | 28 820 | 12 155 | 6 284 | 3 636 | 2 747 | 999 |
///
/// [`BinomialSchedule`] is the schedule alone, as an iterator of
/// [`CheckpointAction`]s, with the cost formula ([`BinomialSchedule::forward_steps`]).
///
/// # Memory and stack
///
/// Everything lives in the `Checkpointer` value (`const fn new`, so it can be a
/// `static`): `C·S` values for the checkpoints and the step tape, `STEP_CAP × (4 +
/// 2·size_of::<T>() + 1)` bytes (see [`Tape`]). The schedule keeps `C` step indices on
/// the stack; nothing recurses, so the stack does not grow with `K` (or with `C`
/// beyond those indices).
///
/// # Errors
///
/// A step that needs more than `STEP_CAP` nodes stops the reversal with
/// [`Error::TapeFull`] (with the nodes one step needs). Any other error of
/// [`Tape::record`] or [`Program::vjp`](crate::Program::vjp) on one step is passed on
/// unchanged (a deterministic step never makes the replay of its own recording take
/// another branch). `K = 0` returns `x_0` and `w` unchanged.
pub struct Checkpointer<T: Primitive, const S: usize, const C: usize, const STEP_CAP: usize> {
    states: [[T; S]; C],
    tape: Tape<T, STEP_CAP>,
    stats: CheckpointStats,
}

impl<T: Primitive, const S: usize, const C: usize, const STEP_CAP: usize>
    Checkpointer<T, S, C, STEP_CAP>
{
    /// An empty checkpointer (a `const fn`: it can live in a `static`).
    ///
    /// `C` must be at least 1 (the slot of the initial state); `C = 0` does not
    /// compile:
    ///
    /// ```compile_fail
    /// let cp = ad_core::Checkpointer::<f64, 2, 0, 64>::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        const {
            assert!(
                C >= 1,
                "checkpointing needs at least one slot (the initial state)"
            )
        };
        Checkpointer {
            states: [[T::ZERO; S]; C],
            tape: Tape::new(),
            stats: CheckpointStats {
                steps: 0,
                forward_steps: 0,
                recorded_steps: 0,
                max_step_nodes: 0,
                checkpoints_used: 0,
            },
        }
    }

    /// Vector-Jacobian product of the `steps`-step map `x_0 ↦ x_K` of `step`: returns
    /// `x_K` and `w_0 = wᵀ ∂x_K/∂x_0`.
    ///
    /// `steps = 0` returns `(x0, w)`. Fails with [`Error::TapeFull`] when one step
    /// needs more than `STEP_CAP` nodes.
    ///
    /// ```
    /// use ad_core::{Checkpointer, Error, Real, Step};
    /// struct Logistic;
    /// impl Step<1> for Logistic {
    ///     fn step<R: Real>(&self, [x]: [R; 1], _k: usize) -> [R; 1] {
    ///         [R::constant(3.5) * x * (R::one() - x)]
    ///     }
    /// }
    /// let mut cp: Checkpointer<f64, 1, 2, 8> = Checkpointer::new();
    /// let (x, w) = cp.vjp(&Logistic, [0.5], 1, [1.0])?;
    /// assert_eq!((x, w), ([0.875], [0.0])); // the top of the parabola
    ///
    /// // A 2-node tape is too small for one step.
    /// let mut small: Checkpointer<f64, 1, 2, 2> = Checkpointer::new();
    /// let e = small.vjp(&Logistic, [0.5], 10, [1.0]).unwrap_err();
    /// assert!(matches!(e, Error::TapeFull { capacity: 2, .. }));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn vjp<F: Step<S>>(
        &mut self,
        step: &F,
        x0: [T; S],
        steps: usize,
        w: [T; S],
    ) -> Result<([T; S], [T; S]), Error> {
        self.vjp_with(step, x0, steps, |_| w)
    }

    /// Like [`vjp`](Self::vjp), with the cotangent of the final state computed from
    /// it: `seed(x_K)` (the gradient of a loss of the final state), called once, as
    /// soon as `x_K` is known (when the last step is recorded), so no extra forward
    /// run is needed.
    ///
    /// ```
    /// use ad_core::{gradient, Checkpointer, Real, Step};
    /// struct Rotate;
    /// impl Step<2> for Rotate {
    ///     fn step<R: Real>(&self, [x, y]: [R; 2], _k: usize) -> [R; 2] {
    ///         let (s, c) = R::constant(0.1).sin_cos();
    ///         [c * x - s * y, s * x + c * y]
    ///     }
    /// }
    /// // Gradient of the loss x_K (the first coordinate after 100 small rotations).
    /// let mut cp: Checkpointer<f64, 2, 3, 16> = Checkpointer::new();
    /// let (xk, g) = cp.vjp_with(&Rotate, [1.0, 0.0], 100, |xk| {
    ///     gradient(|[x, _]: [_; 2]| x, xk)
    /// })?;
    /// assert!((g[0] - 10.0f64.cos()).abs() < 1e-13 && (g[1] + 10.0f64.sin()).abs() < 1e-13);
    /// assert!((xk[0] - 10.0f64.cos()).abs() < 1e-13);
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    pub fn vjp_with<F: Step<S>, G: FnOnce([T; S]) -> [T; S]>(
        &mut self,
        step: &F,
        x0: [T; S],
        steps: usize,
        seed: G,
    ) -> Result<([T; S], [T; S]), Error> {
        self.stats = CheckpointStats {
            steps,
            ..CheckpointStats::default()
        };
        if steps == 0 {
            return Ok((x0, seed(x0)));
        }
        let mut seed = Some(seed);
        let mut xk = x0;
        let mut w = [T::zero(); S];
        let slot0 = self.slot_mut(0)?;
        *slot0 = x0;
        self.stats.checkpoints_used = 1;
        for action in BinomialSchedule::<C>::new(steps) {
            match action {
                CheckpointAction::Store { slot, from, to } => {
                    let x = advance(step, self.slot(slot)?, from, to);
                    *self.slot_mut(slot + 1)? = x;
                    self.stats.forward_steps = self.stats.forward_steps.saturating_add(to - from);
                    self.stats.checkpoints_used = self.stats.checkpoints_used.max(slot + 2);
                }
                CheckpointAction::Reverse {
                    slot,
                    from,
                    step: k,
                } => {
                    let x = advance(step, self.slot(slot)?, from, k);
                    self.stats.forward_steps = self.stats.forward_steps.saturating_add(k - from);
                    let mut prog = self.tape.record(x, |v| step.step(v, k))?;
                    self.stats.recorded_steps += 1;
                    self.stats.max_step_nodes = self.stats.max_step_nodes.max(prog.len());
                    if let Some(seed) = seed.take() {
                        // The first step reversed is the last one: its outputs are x_K.
                        xk = prog.values();
                        w = seed(xk);
                    }
                    // Recorded at x: sweep back without replaying.
                    w = prog.vjp_at_recorded(w);
                }
            }
        }
        Ok((xk, w))
    }

    /// What the last call to [`vjp`](Self::vjp) or [`vjp_with`](Self::vjp_with) did
    /// (as far as it got, after an error).
    #[must_use]
    pub fn stats(&self) -> CheckpointStats {
        self.stats
    }

    /// The schedule a reversal of `steps` steps follows.
    #[must_use]
    pub const fn schedule(steps: usize) -> BinomialSchedule<C> {
        BinomialSchedule::new(steps)
    }

    fn slot(&self, i: usize) -> Result<[T; S], Error> {
        self.states.get(i).copied().ok_or(Error::BufferTooSmall {
            needed: i + 1,
            provided: C,
        })
    }

    fn slot_mut(&mut self, i: usize) -> Result<&mut [T; S], Error> {
        self.states.get_mut(i).ok_or(Error::BufferTooSmall {
            needed: i + 1,
            provided: C,
        })
    }
}

impl<T: Primitive, const S: usize, const C: usize, const STEP_CAP: usize> Default
    for Checkpointer<T, S, C, STEP_CAP>
{
    fn default() -> Self {
        Self::new()
    }
}
