//! Checkpointed reverse mode through time-stepping loops (`Checkpointer`) and the
//! binomial schedule behind it (`BinomialSchedule`), in `f32` and `f64`.
//!
//! * **Schedule.** Every action is legal (it starts from a slot that holds the state
//!   it claims, stores only into free slots below `C`, reverses the steps `K-1 … 0`
//!   once each and in order), and its plain step evaluations equal both the closed
//!   form (`BinomialSchedule::forward_steps`) and a brute-force dynamic-programming
//!   optimum over all checkpoint placements, for `K ≤ 60`, `C ≤ 6`. No step is
//!   evaluated more often than the repetition number says. Large `K` saturates.
//! * **Derivatives.** `vjp` through `K` steps equals the vjp of the whole loop
//!   recorded on one big tape **bit for bit**: the per-step tapes hold the same
//!   operations on the same values (the recomputed states are the primitive's values,
//!   as on the big tape), and each cotangent is accumulated in the same order (the
//!   big tape's reverse sweep reaches a state's consumers in the order the step tape
//!   does). It equals forward mode (`Dual<T, S>` through all `K` steps) to rounding
//!   only: forward mode multiplies the `K` step Jacobians in the other order. See
//!   [`fwd_tolerance`] for the bound.
//! * **Counts.** The step is called exactly `forward_steps + K` times (`K`
//!   recordings), as the schedule predicts; `C = 1` costs `K(K-1)/2`, `C ≥ K` costs
//!   `K - 1` with `K - 1` slots used.
//! * **Edge cases and errors.** `K = 0`, `K = 1`, a tape too small for one step
//!   (`Error::TapeFull` with the nodes one step needs), reuse of a checkpointer.

use std::cell::Cell;

use ad_core::{
    BinomialSchedule, CheckpointAction, Checkpointer, Dual, Error, Primitive, Real, Step, Tape,
};

// ---------------------------------------------------------------------------------
// The schedule
// ---------------------------------------------------------------------------------

/// The fewest plain step evaluations to reverse `l` steps with `s` slots, one of them
/// holding the starting state, by dynamic programming over the first checkpoint
/// position `m` (advance `m` steps, store, reverse the last `l - m` steps with the
/// other `s - 1` slots, then the first `m` with all `s`), or without storing anything
/// (advance to the last state, reverse it, repeat): `dp[l][s]`.
fn dp_optimum(max_l: usize, max_s: usize) -> Vec<Vec<u64>> {
    let mut dp = vec![vec![0u64; max_s + 1]; max_l + 1];
    for l in 2..=max_l {
        for s in 1..=max_s {
            // No checkpoint: l-1 + l-2 + ... + 1.
            let mut best = (l as u64) * (l as u64 - 1) / 2;
            if s >= 2 {
                for m in 1..l {
                    best = best.min(m as u64 + dp[l - m][s - 1] + dp[m][s]);
                }
            }
            dp[l][s] = best;
        }
    }
    dp
}

/// What a schedule did, checked action by action against a model of the slots.
struct Sim {
    forward: u64,
    /// Plain evaluations of each step.
    per_step: Vec<u32>,
    peak_slots: usize,
}

fn simulate<const C: usize>(k: usize) -> Sim {
    // slots[i] = Some(j): slot i holds the state after j steps.
    let mut slots: Vec<Option<usize>> = vec![None; C];
    if k > 0 {
        slots[0] = Some(0);
    }
    let mut sim = Sim {
        forward: 0,
        per_step: vec![0; k],
        peak_slots: usize::from(k > 0),
    };
    let mut next = k; // steps next..k-1 are reversed
    for a in BinomialSchedule::<C>::new(k) {
        match a {
            CheckpointAction::Store { slot, from, to } => {
                assert_eq!(
                    slots[slot],
                    Some(from),
                    "{a:?}: slot {slot} holds {slots:?}"
                );
                assert!(slot + 1 < C, "{a:?}: slot out of range");
                assert!(
                    slots[slot + 1].is_none(),
                    "{a:?}: overwrites a live slot {slots:?}"
                );
                assert!(from < to && to + 1 < next, "{a:?}: stores a useless state");
                slots[slot + 1] = Some(to);
                for s in &mut sim.per_step[from..to] {
                    *s += 1;
                }
                sim.forward += (to - from) as u64;
                let live = slots.iter().filter(|s| s.is_some()).count();
                sim.peak_slots = sim.peak_slots.max(live);
            }
            CheckpointAction::Reverse { slot, from, step } => {
                assert_eq!(
                    slots[slot],
                    Some(from),
                    "{a:?}: slot {slot} holds {slots:?}"
                );
                assert!(
                    slots[slot + 1..].iter().all(Option::is_none),
                    "{a:?}: not the top slot"
                );
                assert_eq!(step + 1, next, "{a:?}: steps are reversed last to first");
                assert!(from <= step);
                for s in &mut sim.per_step[from..step] {
                    *s += 1;
                }
                sim.forward += (step - from) as u64;
                next = step;
                if from == step {
                    slots[slot] = None;
                }
            }
        }
    }
    assert_eq!(next, 0, "K = {k}, C = {C}: not every step was reversed");
    assert!(
        slots.iter().all(Option::is_none),
        "slots left over: {slots:?}"
    );
    sim
}

fn check_schedule<const C: usize>(dp: &[Vec<u64>]) {
    for (k, row) in dp.iter().enumerate() {
        let sched = BinomialSchedule::<C>::new(k);
        let sim = simulate::<C>(k);
        let r = sched.repetitions();
        let why = format!("K = {k}, C = {C}, r = {r}");
        assert_eq!(sim.forward, row[C], "{why}: not the optimum");
        assert_eq!(sched.forward_steps() as u64, row[C], "{why}: closed form");
        assert!(sim.peak_slots <= C, "{why}");
        assert!(
            sim.per_step.iter().all(|&n| n as usize <= r),
            "{why}: a step evaluated more than r times: {:?}",
            sim.per_step
        );
        // r is the smallest repetition number whose binomial bound covers K.
        assert!(BinomialSchedule::<C>::max_steps(r) >= k, "{why}");
        if r > 0 {
            assert!(BinomialSchedule::<C>::max_steps(r - 1) < k, "{why}");
        }
    }
}

#[test]
fn schedule_is_the_dynamic_programming_optimum() {
    // Loops up to 60 steps natively, 20 under Miri (an interpreter).
    let dp = dp_optimum(if cfg!(miri) { 20 } else { 60 }, 6);
    check_schedule::<1>(&dp);
    check_schedule::<2>(&dp);
    check_schedule::<3>(&dp);
    check_schedule::<4>(&dp);
    check_schedule::<5>(&dp);
    check_schedule::<6>(&dp);
}

/// `β(c, r) = C(c + r, c)` in plain `u128`, for the tests.
fn binom_beta(c: u128, r: u128) -> u128 {
    let mut b = 1u128;
    for i in 1..=r {
        b = b * (c + i) / i;
    }
    b
}

#[test]
fn closed_form_on_long_loops() {
    // The closed form against the schedule actually run, on loops too long for the DP.
    fn run<const C: usize>(k: usize) {
        let sim = simulate::<C>(k);
        let sched = BinomialSchedule::<C>::new(k);
        assert_eq!(
            sim.forward,
            sched.forward_steps() as u64,
            "K = {k}, C = {C}"
        );
        let r = sched.repetitions();
        assert!(sim.per_step.iter().all(|&n| n as usize <= r));
        // The first step is evaluated exactly r times when K = β(C, r) (the bound is
        // tight).
        if BinomialSchedule::<C>::max_steps(r) == k {
            assert_eq!(sim.per_step[0] as usize, r, "K = {k}, C = {C}");
        }
        // And the closed form itself, r·K − β(C + 1, r − 1), in plain u128.
        let expect = r as u128 * k as u128 - binom_beta(C as u128 + 1, r as u128 - 1);
        assert_eq!(sched.forward_steps() as u128, expect);
    }
    if cfg!(miri) {
        // Miri interprets each simulated action: loops of a few hundred steps (the
        // same code paths, including a tight K = β(C, r)).
        run::<1>(100);
        run::<2>(300);
        run::<3>(BinomialSchedule::<3>::max_steps(8));
        run::<10>(1001);
        return;
    }
    run::<1>(3000);
    run::<2>(10_000);
    run::<3>(100_000);
    run::<3>(BinomialSchedule::<3>::max_steps(40));
    run::<10>(1000);
    run::<10>(1001);
    run::<10>(1002);
    run::<10>(100_000);
    run::<20>(BinomialSchedule::<20>::max_steps(3));
}

#[test]
fn documented_cost_table() {
    // The table in the `Checkpointer` documentation, K = 1000.
    fn row<const C: usize>() -> (usize, usize) {
        let s = BinomialSchedule::<C>::new(1000);
        (s.repetitions(), s.forward_steps())
    }
    assert_eq!(row::<1>(), (999, 499_500));
    assert_eq!(row::<2>(), (44, 28_820));
    assert_eq!(row::<3>(), (17, 12_155));
    assert_eq!(row::<5>(), (8, 6284));
    assert_eq!(row::<10>(), (4, 3636));
    assert_eq!(row::<20>(), (3, 2747));
    assert_eq!(row::<1000>(), (1, 999));
    assert_eq!(row::<2000>(), (1, 999));
}

#[test]
fn schedule_saturates_instead_of_overflowing() {
    let huge = usize::MAX;
    assert_eq!(BinomialSchedule::<1>::new(huge).repetitions(), huge - 1);
    assert_eq!(BinomialSchedule::<1>::new(huge).forward_steps(), huge);
    assert_eq!(BinomialSchedule::<2>::new(huge).forward_steps(), huge);
    assert_eq!(BinomialSchedule::<64>::new(huge).forward_steps(), huge);
    assert_eq!(BinomialSchedule::<2>::max_steps(huge), huge);
    assert_eq!(BinomialSchedule::<64>::max_steps(64), huge);
    // A long loop with many slots, exactly: r·K − β(C + 1, r − 1). 2⁴⁰ steps on a 64-bit
    // target, 2²⁰ on a 32-bit one (Miri on i686 caught the `1 << 40` there).
    let k = 1usize << (usize::BITS * 5 / 8);
    let s = BinomialSchedule::<64>::new(k);
    let r = s.repetitions();
    assert!(binom_beta(64, r as u128 - 1) < k as u128 && binom_beta(64, r as u128) >= k as u128);
    let expect = r as u128 * k as u128 - binom_beta(65, r as u128 - 1);
    assert_eq!(s.forward_steps() as u128, expect);
    // The first actions of a huge schedule come at once (no O(K) work per action).
    let first: Vec<_> = BinomialSchedule::<3>::new(huge).take(3).collect();
    assert!(matches!(
        first[0],
        CheckpointAction::Store {
            slot: 0,
            from: 0,
            ..
        }
    ));
    assert!(
        matches!(first[2], CheckpointAction::Reverse { slot: 2, step, .. } if step == huge - 1)
    );
}

// ---------------------------------------------------------------------------------
// Steps to differentiate through
// ---------------------------------------------------------------------------------

/// A nonlinear, time-dependent step with a branch and a parameter `a` carried in the
/// state; counts its calls.
#[derive(Default)]
struct Mix {
    calls: Cell<usize>,
}

impl Step<3> for Mix {
    fn step<R: Real>(&self, [x, y, a]: [R; 3], k: usize) -> [R; 3] {
        self.calls.set(self.calls.get() + 1);
        let h = R::constant(0.05);
        let forcing = R::constant(0.1 * (k % 5) as f64);
        let dx = y * a - x.sin() * R::constant(0.5) + forcing;
        let dy = -(x * x).tanh() + (y * R::constant(0.3)).cos() - y;
        // A branch: each step is recorded at its own state, so it follows its own side.
        let dy = if x > R::constant(0.3) {
            dy - x * R::constant(0.1)
        } else {
            dy + x.exp() * R::constant(0.05)
        };
        [dx.mul_add(h, x), y + h * dy, a]
    }
}

/// A damped pendulum `θ'' = -9.81 sin θ - c θ'`, classical RK4, damping `c` in the
/// state.
#[derive(Default)]
struct Pendulum {
    calls: Cell<usize>,
}

impl Pendulum {
    fn rhs<R: Real>([th, om, c]: [R; 3]) -> [R; 3] {
        [om, -R::constant(9.81) * th.sin() - c * om, R::zero()]
    }
}

impl Step<3> for Pendulum {
    fn step<R: Real>(&self, x: [R; 3], _k: usize) -> [R; 3] {
        self.calls.set(self.calls.get() + 1);
        let h = R::constant(0.02);
        let half = R::constant(0.5) * h;
        let axpy = |a: R, d: [R; 3]| [x[0] + a * d[0], x[1] + a * d[1], x[2]];
        let k1 = Self::rhs(x);
        let k2 = Self::rhs(axpy(half, k1));
        let k3 = Self::rhs(axpy(half, k2));
        let k4 = Self::rhs(axpy(h, k3));
        let sixth = h / R::constant(6.0);
        let comb = |i: usize| x[i] + sixth * (k1[i] + R::constant(2.0) * (k2[i] + k3[i]) + k4[i]);
        [comb(0), comb(1), x[2]]
    }
}

// ---------------------------------------------------------------------------------
// Derivatives
// ---------------------------------------------------------------------------------

/// Nodes of the big tape that records the whole loop (`K ≤ 200` steps of at most 80
/// nodes). Under Miri 1024 (the loops there are short: at most 453 nodes), since every
/// `Tape::new()` of 16384 nodes is a 340 KB initialization that the interpreter tracks
/// byte by byte (it made this file the slowest under Miri, about 14 minutes).
const BIG: usize = if cfg!(miri) { 1 << 10 } else { 1 << 14 };

fn bits<T: Primitive, const S: usize>(a: [T; S]) -> [u64; S] {
    a.map(|v| v.to_f64_exact().to_bits())
}

/// The vjp of the whole loop recorded on one big tape.
fn unrolled<T: Primitive, F: Step<S>, const S: usize>(
    step: &F,
    x0: [T; S],
    k: usize,
    w: [T; S],
) -> ([T; S], [T; S]) {
    let mut tape: Box<Tape<T, BIG>> = Box::new(Tape::new());
    let mut prog = tape.record(x0, |v| step.run(v, k)).expect("big tape");
    prog.vjp(x0, w).expect("replay at the recorded point")
}

/// `wᵀ J` by forward mode: `Dual<T, S>` carries the whole Jacobian through all `K`
/// steps. Also returns the scale `Σᵢⱼ |wᵢ| |Jᵢⱼ|` of the terms summed.
fn forward_mode<T: Primitive, F: Step<S>, const S: usize>(
    step: &F,
    x0: [T; S],
    k: usize,
    w: [T; S],
) -> ([T; S], [T; S], f64) {
    let out = step.run(Dual::<T, S>::variables(x0), k);
    let mut g = [T::zero(); S];
    let mut scale = 0.0;
    for (wi, row) in w.iter().zip(out.iter()) {
        for (gj, &jij) in g.iter_mut().zip(row.eps.iter()) {
            *gj += *wi * jij;
            scale += (wi.to_f64_exact() * jij.to_f64_exact()).abs();
        }
    }
    (out.map(|d| d.re), g, scale)
}

/// Tolerance between the checkpointed vjp and forward mode, per component:
/// `4·K·S·u·Σ|wᵢ||Jᵢⱼ|` with `u` the unit roundoff of `T` (the largest error seen
/// in these tests is `0.38·K·S·u·Σ|wᵢ||Jᵢⱼ|`, at `K = 1`; `26·u·Σ|wᵢ||Jᵢⱼ|` at `K = 200`).
///
/// Both compute `w_Kᵀ J_{K-1} ⋯ J_0` exactly up to rounding, reverse mode from the
/// left and forward mode from the right, and each step's Jacobian product is itself
/// rounded (a few operations per entry). For the non-chaotic, damped loops tested the
/// partial products stay of the size of the whole product, so the rounding error of
/// either grows at most linearly in `K` relative to the terms of the final sum.
fn fwd_tolerance<T: Primitive>(k: usize, s: usize, scale: f64) -> f64 {
    let u = T::epsilon().to_f64_exact() / 2.0;
    4.0 * (k.max(1) * s) as f64 * u * scale
}

/// The full comparison for one loop: checkpointed vjp against the unrolled tape (bit
/// for bit) and forward mode (within [`fwd_tolerance`]), and the step count against
/// the schedule.
fn check<T: Primitive, F: Step<3>, const C: usize, const CAP: usize>(
    step: &F,
    calls: &Cell<usize>,
    x0: [T; 3],
    w: [T; 3],
    k: usize,
) {
    let mut cp: Checkpointer<T, 3, C, CAP> = Checkpointer::new();
    calls.set(0);
    let (xk, w0) = cp.vjp(step, x0, k, w).expect("checkpointed vjp");
    let stats = cp.stats();
    let why = format!("{} K = {k}, C = {C}", core::any::type_name::<T>());

    // Counts: every step recorded once, the rest is the schedule's recomputation.
    let sched = BinomialSchedule::<C>::new(k);
    assert_eq!(stats.steps, k, "{why}");
    assert_eq!(stats.recorded_steps, k, "{why}");
    assert_eq!(stats.forward_steps, sched.forward_steps(), "{why}");
    assert_eq!(calls.get(), sched.forward_steps() + k, "{why}");
    assert!(stats.checkpoints_used <= C.min(k.max(1)), "{why}");
    assert!(stats.max_step_nodes <= CAP, "{why}");

    // The unrolled tape: the same numbers, bit for bit.
    let (xu, wu) = unrolled(step, x0, k, w);
    assert_eq!(bits(xk), bits(xu), "{why}: x_K {xk:?} vs {xu:?}");
    assert_eq!(bits(w0), bits(wu), "{why}: w_0 {w0:?} vs unrolled {wu:?}");
    // The plain loop gives the same final state too.
    assert_eq!(bits(xk), bits(step.run(x0, k)), "{why}");

    // Forward mode: the same derivative up to rounding.
    let (xf, wf, scale) = forward_mode(step, x0, k, w);
    assert_eq!(
        bits(xk),
        bits(xf),
        "{why}: values are the primitive's in every mode"
    );
    let tol = fwd_tolerance::<T>(k, 3, scale);
    for (a, b) in w0.iter().zip(wf.iter()) {
        let d = (a.to_f64_exact() - b.to_f64_exact()).abs();
        assert!(
            d <= tol,
            "{why}: w_0 {w0:?} vs forward {wf:?}: {d:e} > {tol:e}"
        );
    }
}

fn all_loops<T: Primitive>() {
    let mix = Mix::default();
    let x0 = [T::constant(0.4), T::constant(-0.2), T::constant(0.7)];
    let w = [T::constant(1.0), T::constant(-0.5), T::constant(0.25)];
    // Under Miri (an interpreter) the short loops only.
    let ks: &[usize] = if cfg!(miri) {
        &[1, 3, 7]
    } else {
        &[1, 2, 3, 7, 20, 64, 200]
    };
    for &k in ks {
        check::<T, _, 1, 64>(&mix, &mix.calls, x0, w, k.min(64));
        check::<T, _, 2, 64>(&mix, &mix.calls, x0, w, k);
        check::<T, _, 3, 64>(&mix, &mix.calls, x0, w, k);
        check::<T, _, 5, 64>(&mix, &mix.calls, x0, w, k);
        check::<T, _, 10, 64>(&mix, &mix.calls, x0, w, k);
        check::<T, _, 256, 64>(&mix, &mix.calls, x0, w, k);
    }

    let pend = Pendulum::default();
    let x0 = [T::constant(1.2), T::constant(0.0), T::constant(0.3)];
    let w = [T::constant(1.0), T::constant(0.0), T::constant(0.0)];
    let ks: &[usize] = if cfg!(miri) {
        &[1, 10]
    } else {
        &[1, 10, 99, 150, 200]
    };
    for &k in ks {
        check::<T, _, 1, 128>(&pend, &pend.calls, x0, w, k.min(100));
        check::<T, _, 2, 128>(&pend, &pend.calls, x0, w, k);
        check::<T, _, 4, 128>(&pend, &pend.calls, x0, w, k);
        check::<T, _, 10, 128>(&pend, &pend.calls, x0, w, k);
    }
}

#[test]
fn matches_unrolled_tape_and_forward_mode_f64() {
    all_loops::<f64>();
}

#[test]
fn matches_unrolled_tape_and_forward_mode_f32() {
    all_loops::<f32>();
}

fn edge_cases<T: Primitive>() {
    let mix = Mix::default();
    let x0 = [T::constant(0.4), T::constant(-0.2), T::constant(0.7)];
    let w = [T::constant(1.0), T::constant(-0.5), T::constant(0.25)];

    // K = 0: x_0 and w unchanged, the step never called, even with a useless tape.
    let mut tiny: Checkpointer<T, 3, 1, 1> = Checkpointer::new();
    assert_eq!(tiny.vjp(&mix, x0, 0, w), Ok((x0, w)));
    assert_eq!(mix.calls.get(), 0);
    let mut seen = None;
    let r = tiny.vjp_with(&mix, x0, 0, |x| {
        seen = Some(x);
        w
    });
    assert_eq!((r, seen), (Ok((x0, w)), Some(x0)));

    // C = 1: everything recomputed from x_0, K(K-1)/2 plain evaluations.
    let mut one: Checkpointer<T, 3, 1, 64> = Checkpointer::new();
    mix.calls.set(0);
    let (_, g1) = one.vjp(&mix, x0, 40, w).unwrap();
    assert_eq!(one.stats().forward_steps, 40 * 39 / 2);
    assert_eq!(one.stats().checkpoints_used, 1);
    assert_eq!(mix.calls.get(), 40 * 39 / 2 + 40);

    // C ≥ K: one forward run (K - 1 steps), every state stored but x_{K-1}
    // (reversed as soon as it is computed).
    let mut many: Checkpointer<T, 3, 40, 64> = Checkpointer::new();
    mix.calls.set(0);
    let (_, g40) = many.vjp(&mix, x0, 40, w).unwrap();
    assert_eq!(many.stats().forward_steps, 39);
    assert_eq!(many.stats().checkpoints_used, 39);
    assert_eq!(mix.calls.get(), 39 + 40);
    let mut more: Checkpointer<T, 3, 100, 64> = Checkpointer::new();
    let (_, g100) = more.vjp(&mix, x0, 40, w).unwrap();
    assert_eq!(more.stats().forward_steps, 39);
    assert_eq!(more.stats().checkpoints_used, 39);
    // Any schedule gives the same numbers.
    assert_eq!(bits(g1), bits(g40));
    assert_eq!(bits(g1), bits(g100));

    // K = 1: no recomputation, one recording.
    let mut cp: Checkpointer<T, 3, 3, 64> = Checkpointer::new();
    let (x1, _) = cp.vjp(&mix, x0, 1, w).unwrap();
    assert_eq!(bits(x1), bits(mix.step(x0, 0)));
    assert_eq!(
        (cp.stats().forward_steps, cp.stats().recorded_steps),
        (0, 1)
    );

    // A checkpointer is reusable: a second, different run is unaffected by the first.
    let (a, ga) = cp.vjp(&mix, x0, 50, w).unwrap();
    let (b, gb) = Checkpointer::<T, 3, 3, 64>::new()
        .vjp(&mix, x0, 50, w)
        .unwrap();
    assert_eq!((bits(a), bits(ga)), (bits(b), bits(gb)));
    assert_eq!(cp.stats().steps, 50);
}

#[test]
fn edge_cases_f64() {
    edge_cases::<f64>();
}

#[test]
fn edge_cases_f32() {
    edge_cases::<f32>();
}

fn tape_too_small<T: Primitive>() {
    let pend = Pendulum::default();
    let x0 = [T::constant(1.2), T::constant(0.0), T::constant(0.3)];
    let w = [T::one(), T::zero(), T::zero()];
    // The nodes one step needs.
    let mut t: Tape<T, 256> = Tape::new();
    let need = t.record(x0, |v| pend.step(v, 0)).unwrap().len();
    assert!(need > 16);

    // 100 steps natively, 12 under Miri (the error comes from the first recording).
    let k = if cfg!(miri) { 12 } else { 100 };
    let mut small: Checkpointer<T, 3, 4, 16> = Checkpointer::new();
    let e = small.vjp(&pend, x0, k, w);
    assert_eq!(
        e,
        Err(Error::TapeFull {
            capacity: 16,
            needed: need
        })
    );
    // Exactly enough is enough.
    let mut exact: Checkpointer<T, 3, 4, 256> = Checkpointer::new();
    exact.vjp(&pend, x0, k, w).unwrap();
    assert_eq!(exact.stats().max_step_nodes, need);
    // A failed reversal leaves a checkpointer usable for a good one... of another
    // size: the error is a value, nothing is poisoned.
    let mut cp: Checkpointer<T, 3, 4, 16> = Checkpointer::new();
    assert!(cp.vjp(&pend, x0, 3, w).is_err());
    assert_eq!(cp.vjp(&pend, x0, 0, w), Ok((x0, w)));
}

#[test]
fn tape_too_small_is_an_error_f64() {
    tape_too_small::<f64>();
}

#[test]
fn tape_too_small_is_an_error_f32() {
    tape_too_small::<f32>();
}

#[test]
fn seed_from_the_final_state() {
    // The gradient of a loss of x_K, seeded when x_K is known, without a separate
    // forward run: the step runs exactly forward_steps + K times.
    let pend = Pendulum::default();
    let x0 = [1.2_f64, 0.0, 0.3];
    // Under Miri 20 steps (still several checkpoints of the 5).
    let k = if cfg!(miri) { 20 } else { 150 };
    fn energy<R: Real>([th, om, _]: [R; 3]) -> R {
        R::constant(0.5) * om * om + R::constant(9.81) * (R::one() - th.cos())
    }
    let mut cp: Checkpointer<f64, 3, 5, 128> = Checkpointer::new();
    let mut seeds = 0;
    pend.calls.set(0);
    let (xk, g) = cp
        .vjp_with(&pend, x0, k, |xk| {
            seeds += 1;
            ad_core::gradient(energy, xk)
        })
        .unwrap();
    assert_eq!(seeds, 1);
    assert_eq!(
        pend.calls.get(),
        BinomialSchedule::<5>::new(k).forward_steps() + k
    );
    // The same as vjp with the seed computed beforehand.
    let w = ad_core::gradient(energy, pend.run(x0, k));
    let (xk2, g2) = cp.vjp(&pend, x0, k, w).unwrap();
    assert_eq!((bits(xk), bits(g)), (bits(xk2), bits(g2)));
    // And forward mode on the loss of the whole loop.
    let fwd = ad_core::gradient(|x| energy(pend.run(x, k)), x0);
    for (a, b) in g.iter().zip(fwd) {
        assert!(
            (a - b).abs() <= 1e-12 * b.abs().max(1.0),
            "{g:?} vs {fwd:?}"
        );
    }
}
