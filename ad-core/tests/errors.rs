//! Bad input gives a typed error, never a panic.
//!
//! One section per [`Error`] variant, each triggered through every public entry point
//! that can produce it, asserting the exact variant, its fields and its `Display` text.
//! Then an audit of the other inputs that carry sizes, capacities or indices (zero
//! capacities, empty programs, `N = 0` arrays, out-of-range seeding indices, zero
//! steps, a workspace exactly as large as the program, ...): those must give the
//! correct value. Tests marked `#[ignore = "bug: ..."]` pin a wrong result that ad-core
//! still gives (they fail until it is fixed); `#[ignore = "slow: ..."]` ones are too
//! expensive for every run.
//!
//! `Error::LengthMismatch` comes from the batched (`vmap`) API: its section checks
//! every helper and every output slice (`tests/lanes.rs` checks the results).

#[cfg(feature = "alloc")]
use ad_core::VecTape;
use ad_core::rules::{Custom, Jet};
use ad_core::{
    BinomialSchedule, Checkpointer, Dual, Dual2, Error, HyperDual, MAX_CUSTOM, Real, Step, Tape,
    Workspace, derivative, gradient, hessian, jacobian, second_derivative,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// (x·y).sin() + x.exp(): x, y, x·y, sin, exp, + = 6 nodes.
fn six<T: Real>([x, y]: [T; 2]) -> T {
    (x * y).sin() + x.exp()
}

/// A branch on the value: recorded as a guard (nodes: x, the constant 0, the guard).
fn relu_branch<T: Real>(x: T) -> T {
    if x > T::zero() { x } else { T::zero() }
}

fn jet(x: f64) -> Jet<f64> {
    Jet {
        value: 2.0 * x,
        d1: 2.0,
        d2: 0.0,
    }
}

/// `MAX_CUSTOM + 1` distinct custom functions (told apart by address).
static CUSTOMS: [Custom<f64>; MAX_CUSTOM + 1] = [const {
    Custom {
        name: "double",
        eval: jet,
    }
}; MAX_CUSTOM + 1];

/// Applies every custom function of [`CUSTOMS`] once.
fn all_customs<T: Real<Primitive = f64>>(x: T) -> T {
    CUSTOMS.iter().fold(x, |s, c| s.custom(c))
}

/// A step of `n` multiplications, for the checkpointer (1 + n nodes per step).
struct Chain(usize);
impl Step<1> for Chain {
    fn step<R: Real>(&self, [x]: [R; 1], _k: usize) -> [R; 1] {
        let mut s = x;
        for _ in 0..self.0 {
            s *= R::constant(1.5);
        }
        [s]
    }
}

// ---------------------------------------------------------------------------
// Error::TapeFull
// ---------------------------------------------------------------------------

#[test]
fn tape_full_display() {
    let e = Error::TapeFull {
        capacity: 4,
        needed: 6,
    };
    assert_eq!(
        e.to_string(),
        "tape full: capacity 4 nodes, the recording needs 6"
    );
}

#[test]
fn tape_full_from_record() {
    let mut tape: Tape<f64, 4> = Tape::new();
    let e = tape.record([1.0, 2.0], |x| [six(x)]).err();
    assert_eq!(
        e,
        Some(Error::TapeFull {
            capacity: 4,
            needed: 6
        })
    );
    // One node short, and the same with f32.
    let mut tape: Tape<f32, 5> = Tape::new();
    let e = tape.record([1.0, 2.0], |x| [six(x)]).err();
    assert_eq!(
        e,
        Some(Error::TapeFull {
            capacity: 5,
            needed: 6
        })
    );
    // Exactly enough.
    let mut tape: Tape<f64, 6> = Tape::new();
    assert_eq!(
        tape.record([1.0, 2.0], |x| [six(x)]).map(|p| p.len()),
        Ok(6)
    );
}

#[test]
fn tape_full_from_gradient() {
    let mut tape: Tape<f32, 3> = Tape::new();
    let e = tape.gradient(|x| six(x), [1.0, 2.0]).unwrap_err();
    assert_eq!(
        e,
        Error::TapeFull {
            capacity: 3,
            needed: 6
        }
    );
}

#[test]
fn tape_full_at_zero_capacity() {
    let mut tape: Tape<f64, 0> = Tape::new();
    assert_eq!(tape.capacity(), 0);
    let e = tape.record([1.0], |[x]| [x]).err();
    assert_eq!(
        e,
        Some(Error::TapeFull {
            capacity: 0,
            needed: 1
        })
    );
    // A constant output needs its node too, even without inputs.
    let e = tape.record([], |[]| [ad_core::Var::constant_of(2.0)]).err();
    assert_eq!(
        e,
        Some(Error::TapeFull {
            capacity: 0,
            needed: 1
        })
    );
    let e = tape.gradient(|[x, y]| x * y, [1.0, 2.0]).unwrap_err();
    assert_eq!(
        e,
        Error::TapeFull {
            capacity: 0,
            needed: 3
        }
    );
}

#[test]
fn tape_full_from_checkpointer() {
    // One step of Chain(5) is 1 input + 1 constant + 5 products = 7 nodes.
    let mut cp: Checkpointer<f64, 1, 2, 4> = Checkpointer::new();
    let e = cp.vjp(&Chain(5), [1.0], 10, [1.0]).unwrap_err();
    assert_eq!(
        e,
        Error::TapeFull {
            capacity: 4,
            needed: 7
        }
    );
    assert_eq!(
        e.to_string(),
        "tape full: capacity 4 nodes, the recording needs 7"
    );
    // vjp_with fails the same way (and never calls the seed).
    let e = cp
        .vjp_with(&Chain(5), [1.0], 3, |_| panic!("no x_K on failure"))
        .unwrap_err();
    assert_eq!(
        e,
        Error::TapeFull {
            capacity: 4,
            needed: 7
        }
    );
    // A zero-capacity step tape.
    let mut cp: Checkpointer<f32, 1, 3, 0> = Checkpointer::new();
    assert_eq!(
        cp.vjp(&Chain(0), [1.0], 1, [1.0]).unwrap_err(),
        Error::TapeFull {
            capacity: 0,
            needed: 1
        }
    );
}

/// `VecTape` grows to what a recording needs; it fails only beyond 2²⁶ nodes.
#[cfg(feature = "alloc")]
#[test]
#[ignore = "slow: records 2^26 + 1 nodes (about 1.5 GB)"]
fn tape_full_from_vec_tape() {
    let mut tape = VecTape::<f32>::new();
    let n = 1usize << 26;
    let e = tape
        .record([1.0], |[x]| {
            let mut s = x;
            for _ in 0..n {
                s = -s;
            }
            [s]
        })
        .err();
    assert_eq!(
        e,
        Some(Error::TapeFull {
            capacity: n,
            needed: n + 1
        })
    );
}

// ---------------------------------------------------------------------------
// Error::BranchChanged
// ---------------------------------------------------------------------------

const BRANCH: Error = Error::BranchChanged { node: 2 };

#[test]
fn branch_changed_display() {
    assert_eq!(
        BRANCH.to_string(),
        "branch changed: the comparison at node 2 differs from the recording"
    );
}

#[test]
fn branch_changed_from_every_replay() {
    let mut tape: Tape<f64, 8> = Tape::new();
    let mut prog = tape.record([2.0], |[x]| [relu_branch(x)]).unwrap();
    assert_eq!(prog.len(), 3, "x, the constant 0, the guard");
    let mut w1 = Workspace::<Dual<f64>, 8>::new();
    let mut w2 = Workspace::<Dual<f64, 1>, 8>::new();

    assert_eq!(prog.forward([-1.0]), Err(BRANCH));
    assert_eq!(prog.gradient([-1.0]).err(), Some(BRANCH));
    assert_eq!(prog.vjp([-1.0], [1.0]).err(), Some(BRANCH));
    assert_eq!(prog.jacobian([-1.0]).err(), Some(BRANCH));
    assert_eq!(prog.hvp([-1.0], [1.0], &mut w1).err(), Some(BRANCH));
    assert_eq!(prog.hessian([-1.0], &mut w2).err(), Some(BRANCH));

    // The program is still usable after the error: a replay on the recorded branch
    // is right again.
    assert_eq!(prog.gradient([3.0]), Ok((3.0, [1.0])));
    assert_eq!(prog.hvp([3.0], [1.0], &mut w1), Ok((3.0, [1.0], [0.0])));
}

#[test]
fn branch_changed_reports_the_guard_node() {
    // x, y, x·y (2), the constant 1 (3), the guard x·y > 1 (4).
    let mut tape: Tape<f32, 16> = Tape::new();
    let mut prog = tape
        .record([1.0, 2.0], |[x, y]| {
            let p = x * y;
            [if p > Real::constant(1.0) { p.sin() } else { p }]
        })
        .unwrap();
    assert_eq!(
        prog.gradient([0.1, 0.1]).err(),
        Some(Error::BranchChanged { node: 4 })
    );
}

// ---------------------------------------------------------------------------
// Error::TooManyCustom
// ---------------------------------------------------------------------------

const TOO_MANY: Error = Error::TooManyCustom { max: MAX_CUSTOM };

#[test]
fn too_many_custom_display() {
    assert_eq!(
        TOO_MANY.to_string(),
        "too many custom functions: a recording may use 8 distinct ones"
    );
    assert_eq!(MAX_CUSTOM, 8);
}

#[test]
fn too_many_custom_from_record_and_gradient() {
    let mut tape: Tape<f64, 64> = Tape::new();
    assert_eq!(
        tape.record([1.0], |[x]| [all_customs(x)]).err(),
        Some(TOO_MANY)
    );
    assert_eq!(
        tape.gradient(|[x]| all_customs(x), [1.0]).err(),
        Some(TOO_MANY)
    );
    // MAX_CUSTOM of them fit, and one used many times counts once.
    let mut prog = tape
        .record([1.0], |[x]| {
            [CUSTOMS[..MAX_CUSTOM]
                .iter()
                .chain(CUSTOMS[..MAX_CUSTOM].iter())
                .fold(x, |s, c| s.custom(c))]
        })
        .unwrap();
    assert_eq!(prog.gradient([1.0]), Ok((65536.0, [65536.0])));
}

#[test]
fn too_many_custom_beats_tape_full() {
    // Both problems at once: the custom error is reported (growing the tape would not
    // help).
    let mut tape: Tape<f64, 2> = Tape::new();
    assert_eq!(
        tape.record([1.0], |[x]| [all_customs(x)]).err(),
        Some(TOO_MANY)
    );
}

#[cfg(feature = "alloc")]
#[test]
fn too_many_custom_from_vec_tape() {
    let mut tape = VecTape::<f64>::new();
    assert_eq!(
        tape.record([1.0], |[x]| [all_customs(x)]).err(),
        Some(TOO_MANY)
    );
}

/// The checkpointer cannot produce `TooManyCustom`: see the comment inside.
#[test]
fn too_many_custom_from_checkpointer() {
    struct Wrap;
    impl Step<1> for Wrap {
        fn step<R: Real>(&self, [x]: [R; 1], _k: usize) -> [R; 1] {
            [x]
        }
    }
    // `Step::step` is generic over every `R: Real`, while `Real::custom` needs
    // `R::Primitive = f64`: a step cannot use a `Custom<f64>`, so the checkpointer
    // can never see this error. The identity step is fine.
    let mut cp: Checkpointer<f64, 1, 2, 4> = Checkpointer::new();
    assert_eq!(cp.vjp(&Wrap, [1.0], 5, [2.0]), Ok(([1.0], [2.0])));
}

// ---------------------------------------------------------------------------
// Error::BufferTooSmall
// ---------------------------------------------------------------------------

#[test]
fn buffer_too_small_display() {
    let e = Error::BufferTooSmall {
        needed: 6,
        provided: 5,
    };
    assert_eq!(
        e.to_string(),
        "buffer too small: 5 slots provided, the program needs 6"
    );
}

#[test]
fn buffer_too_small_from_hvp_and_hessian() {
    let mut tape: Tape<f64, 16> = Tape::new();
    let mut prog = tape.record([1.0, 2.0], |x| [six(x)]).unwrap();
    assert_eq!(prog.len(), 6);
    let e = |provided| Error::BufferTooSmall {
        needed: 6,
        provided,
    };

    let mut w = Workspace::<Dual<f64>, 5>::new();
    assert_eq!(prog.hvp([1.0, 2.0], [1.0, 0.0], &mut w).err(), Some(e(5)));
    let mut w = Workspace::<Dual<f64>, 0>::new();
    assert_eq!(prog.hvp([1.0, 2.0], [1.0, 0.0], &mut w).err(), Some(e(0)));
    let mut w = Workspace::<Dual<f64, 2>, 5>::new();
    assert_eq!(prog.hessian([1.0, 2.0], &mut w).err(), Some(e(5)));
    let mut w = Workspace::<Dual<f64, 2>, 0>::new();
    assert_eq!(prog.hessian([1.0, 2.0], &mut w).err(), Some(e(0)));

    // Exactly the program's length is enough, and agrees with forward mode.
    let mut w = Workspace::<Dual<f64, 2>, 6>::new();
    let (v, g, h) = prog.hessian([1.0, 2.0], &mut w).unwrap();
    // Against forward mode (to rounding: with the `libm` back end the plain `f64`
    // path of the test may use another math library).
    let (vf, gf, hf) = ad_core::value_gradient_hessian(six, [1.0, 2.0]);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-14 * a.abs().max(1.0);
    assert!(close(v, vf), "{v} vs {vf}");
    for i in 0..2 {
        assert!(close(g[i], gf[i]), "{g:?} vs {gf:?}");
        for j in 0..2 {
            assert!(close(h[i][j], hf[i][j]), "{h:?} vs {hf:?}");
        }
    }
}

#[cfg(feature = "alloc")]
#[test]
fn buffer_too_small_f32_and_vec_tape() {
    let mut tape = VecTape::<f32>::with_capacity(0);
    let mut prog = tape.record([1.0, 2.0], |x| [six(x)]).unwrap();
    let mut w = Workspace::<Dual<f32, 2>, 1>::new();
    assert_eq!(
        prog.hessian([1.0, 2.0], &mut w).err(),
        Some(Error::BufferTooSmall {
            needed: 6,
            provided: 1
        })
    );
}

// ---------------------------------------------------------------------------
// Error is a proper error type
// ---------------------------------------------------------------------------

#[test]
fn error_is_std_error_copy_and_comparable() {
    fn is_error<E: std::error::Error + Copy + Eq + std::hash::Hash + Send + Sync>(_: E) {}
    is_error(BRANCH);
    let boxed: Box<dyn std::error::Error> = Box::new(TOO_MANY);
    assert_eq!(boxed.to_string(), TOO_MANY.to_string());
    assert!(boxed.source().is_none());
    assert_ne!(BRANCH, Error::BranchChanged { node: 3 });
}

// ---------------------------------------------------------------------------
// Audit: sizes, capacities and indices that are legal and must give the right value
// ---------------------------------------------------------------------------

#[test]
fn empty_programs() {
    // No inputs, no outputs: an empty program.
    let mut tape: Tape<f64, 0> = Tape::new();
    let mut prog = tape.record([], |[]| []).unwrap();
    assert!(prog.is_empty());
    assert_eq!(prog.len(), 0);
    assert_eq!(prog.forward([]), Ok([]));
    assert_eq!(prog.vjp([], []), Ok(([], [])));
    assert_eq!(prog.jacobian([]), Ok(([], [])));
    assert_eq!(prog.vjp_at_recorded([]), []);
    assert_eq!(prog.values(), []);
    let _ = prog.table().to_string();

    // Inputs but no outputs.
    let mut tape: Tape<f64, 4> = Tape::new();
    let mut prog = tape.record([1.0, 2.0], |[_, _]| []).unwrap();
    assert_eq!(prog.len(), 2);
    assert_eq!(prog.vjp([3.0, 4.0], []), Ok(([], [0.0, 0.0])));
    assert_eq!(prog.jacobian([3.0, 4.0]), Ok(([], [])));

    // No inputs, a constant output: its gradient is the empty array.
    let mut tape: Tape<f64, 4> = Tape::new();
    let mut prog = tape
        .record([], |[]| [ad_core::Var::constant_of(2.5)])
        .unwrap();
    assert_eq!(prog.gradient([]), Ok((2.5, [])));
    let mut w = Workspace::<Dual<f64, 0>, 1>::new();
    assert_eq!(prog.hessian([], &mut w), Ok((2.5, [], [])));
    let mut w = Workspace::<Dual<f64>, 1>::new();
    assert_eq!(prog.hvp([], [], &mut w), Ok((2.5, [], [])));
}

#[test]
fn constant_outputs_and_unused_inputs() {
    let mut tape: Tape<f32, 8> = Tape::new();
    let mut prog = tape
        .record([1.0, 2.0], |[x, _]| [x, ad_core::Var::constant_of(7.0)])
        .unwrap();
    assert_eq!(
        prog.jacobian([5.0, 6.0]),
        Ok(([5.0, 7.0], [[1.0, 0.0], [0.0, 0.0]]))
    );
}

#[test]
fn workspace_larger_than_the_program() {
    let mut tape: Tape<f64, 16> = Tape::new();
    let mut prog = tape.record([2.0], |[x]| [x * x * x]).unwrap();
    let mut w = Workspace::<Dual<f64, 1>, 1024>::new();
    assert_eq!(prog.hessian([2.0], &mut w), Ok((8.0, [12.0], [[12.0]])));
    // The same workspace serves a second, shorter program.
    let mut tape2: Tape<f64, 16> = Tape::new();
    let mut prog2 = tape2.record([2.0], |[x]| [x * x]).unwrap();
    assert_eq!(prog2.hessian([3.0], &mut w), Ok((9.0, [6.0], [[2.0]])));
}

#[cfg(feature = "alloc")]
#[test]
fn vec_tape_sizes() {
    // Zero capacity grows; a recording that needs more than the capacity grows too.
    let mut tape = VecTape::<f64>::with_capacity(0);
    assert_eq!(tape.capacity(), 0);
    let mut prog = tape.record([1.0, 2.0], |x| [six(x)]).unwrap();
    assert_eq!(
        prog.gradient([1.0, 2.0]).unwrap().1,
        gradient(six, [1.0, 2.0])
    );
    assert!(tape.capacity() >= 6);
    let mut tape = VecTape::<f64>::default();
    assert_eq!(tape.record([], |[]| []).map(|p| p.len()), Ok(0));
    // A capacity beyond the format's limit is clamped, not an error.
    assert_eq!(VecTape::<f32>::with_capacity(3).capacity(), 3);
}

#[test]
fn seeding_indices_out_of_range_give_constants() {
    let d = Dual::<f64, 3>::variable_at(2.0, 3);
    assert_eq!(d.eps, [0.0; 3]);
    let d = Dual::<f64, 3>::variable_at(2.0, usize::MAX);
    assert_eq!(d.eps, [0.0; 3]);
    let d = Dual2::<f64, 2>::variable_at(2.0, 7);
    assert_eq!((d.gradient(), d.hessian()), ([0.0; 2], [[0.0; 2]; 2]));
    // And in range, the unit vector.
    assert_eq!(Dual::<f64, 3>::variable_at(2.0, 2).eps, [0.0, 0.0, 1.0]);
}

#[test]
fn zero_sized_forward_types() {
    let d = Dual::<f64, 0>::constant_of(0.5);
    let y = (d.sin() * d + d.exp()).powi(3).atan2(d);
    assert_eq!(y.re, (0.5f64.sin() * 0.5 + 0.5f64.exp()).powi(3).atan2(0.5));
    assert_eq!(y.eps, []);
    assert_eq!(Dual::<f64, 0>::variables([]), []);
    let d2 = Dual2::<f32, 0>::constant_of(2.0);
    let y = (d2 * d2).sqrt().ln();
    assert_eq!(
        (y.value(), y.gradient(), y.hessian()),
        (2.0f32.ln(), [], [])
    );
    assert_eq!(Dual2::<f32, 0>::variables([]), []);
}

#[test]
fn zero_sized_helpers() {
    fn konst<T: Real, const N: usize>(_: [T; N]) -> T {
        T::constant(3.0)
    }
    assert_eq!(gradient(konst, [] as [f64; 0]), []);
    assert_eq!(hessian(konst, [] as [f64; 0]), [] as [[f64; 0]; 0]);
    let j: [[f64; 0]; 2] = jacobian(|[]: [Dual<f64, 0>; 0]| [konst([]); 2], []);
    assert_eq!(j, [[], []]);
    let j: [[f64; 2]; 0] = jacobian(|_: [Dual<f64, 2>; 2]| [], [1.0, 2.0]);
    assert_eq!(j, [] as [[f64; 2]; 0]);
    // One-variable helpers at an edge of the domain: values, not panics.
    assert_eq!(
        derivative(|x: Dual<f64>| x.sqrt(), 0.0),
        (0.0, f64::INFINITY)
    );
    let (v, d1, d2) = second_derivative(|x: Dual2<f64, 1>| x.ln(), 0.0);
    assert_eq!(
        (v, d1, d2),
        (f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY)
    );
}

#[test]
fn extreme_integer_exponents() {
    for n in [i32::MIN, i32::MIN + 1, -1, 0, 1, i32::MAX] {
        let d = Dual::<f64, 1>::variable(1.0).powi(n);
        assert_eq!(d.re, 1.0, "powi({n})");
        assert_eq!(d.eps[0], f64::from(n), "powi({n})'");
        let h = HyperDual::<f64>::variable(1.0).powi(n);
        let nf = f64::from(n);
        assert_eq!(h.e12, nf * (nf - 1.0), "powi({n})''");
        let mut tape: Tape<f64, 8> = Tape::new();
        let (v, [g]) = tape.gradient(|[x]| x.powi(n), [1.0]).unwrap();
        assert_eq!((v, g), (1.0, nf), "tape powi({n})");
    }
}

/// `powi` on the tape keeps its exponent in a constant node of the primitive type; in
/// `f32` an exponent above 2²⁴ is rounded there, so a replay uses another exponent than
/// the recording: `(-1)^16777217` replays as `(-1)^16777216 = +1`.
#[test]
fn tape_powi_exponent_survives_replay_in_f32() {
    let n = (1 << 24) + 1;
    let mut tape: Tape<f32, 8> = Tape::new();
    let mut prog = tape.record([-1.0], |[x]| [x.powi(n)]).unwrap();
    assert_eq!(prog.values(), [-1.0], "recorded value");
    assert_eq!(prog.forward([-1.0]), Ok([-1.0]), "replayed value");
    let (v, [g]) = prog.gradient([-1.0]).unwrap();
    assert_eq!((v, g), (-1.0, n as f32), "replayed gradient");
}

#[test]
fn clamp_with_inverted_bounds() {
    let x = Dual::<f64, 1>::variable(0.5);
    let (lo, hi) = (Dual::constant_of(1.0), Dual::constant_of(0.0));
    let y = x.clamp(lo, hi);
    assert_eq!((y.re, y.eps[0]), (1.0, 0.0));
}

// ---------------------------------------------------------------------------
// Audit: the checkpointer's sizes
// ---------------------------------------------------------------------------

#[test]
fn checkpointer_zero_and_one_step() {
    let mut cp: Checkpointer<f64, 1, 1, 8> = Checkpointer::new();
    // K = 0: x_0 and w unchanged (and the seed sees x_0).
    assert_eq!(cp.vjp(&Chain(2), [3.0], 0, [5.0]), Ok(([3.0], [5.0])));
    assert_eq!(
        cp.vjp_with(&Chain(2), [3.0], 0, |x| [x[0] * 2.0]),
        Ok(([3.0], [6.0]))
    );
    // K = 1 with one slot.
    assert_eq!(cp.vjp(&Chain(2), [4.0], 1, [1.0]), Ok(([9.0], [2.25])));
    // A long loop with the minimum of one slot still works (quadratic cost).
    let k = if cfg!(miri) { 12 } else { 200 };
    let (x, w) = cp.vjp(&Chain(1), [1.0], k, [1.0]).unwrap();
    assert_eq!(x, Chain(1).run([1.0], k));
    let want = 1.5f64.powi(k as i32);
    assert!((w[0] - want).abs() <= 1e-13 * want, "{w:?} vs {want}");
}

#[test]
fn checkpointer_empty_state() {
    struct Nothing;
    impl Step<0> for Nothing {
        fn step<R: Real>(&self, x: [R; 0], _k: usize) -> [R; 0] {
            x
        }
    }
    let mut cp: Checkpointer<f32, 0, 2, 4> = Checkpointer::new();
    assert_eq!(cp.vjp(&Nothing, [], 10, []), Ok(([], [])));
    assert_eq!(cp.stats().recorded_steps, 10);
}

#[test]
fn checkpointer_more_slots_than_steps() {
    let mut cp: Checkpointer<f64, 1, 64, 8> = Checkpointer::new();
    let (x, w) = cp.vjp(&Chain(1), [2.0], 3, [1.0]).unwrap();
    assert_eq!((x, w), ([6.75], [3.375]));
    assert!(cp.stats().checkpoints_used <= 64);
}

#[test]
fn binomial_schedule_sizes() {
    // No steps: nothing to do.
    let s = BinomialSchedule::<3>::new(0);
    assert_eq!((s.steps(), s.repetitions(), s.forward_steps()), (0, 0, 0));
    assert_eq!(s.count(), 0);
    // One step.
    assert_eq!(BinomialSchedule::<1>::new(1).count(), 1);
    // Huge loops saturate instead of overflowing.
    let s = BinomialSchedule::<1>::new(usize::MAX);
    assert_eq!(s.forward_steps(), usize::MAX);
    assert_eq!(s.repetitions(), usize::MAX - 1);
    let s = BinomialSchedule::<2>::new(usize::MAX);
    assert!(s.repetitions() > 1 && s.forward_steps() == usize::MAX);
    assert_eq!(BinomialSchedule::<1>::max_steps(0), 1);
    assert_eq!(BinomialSchedule::<4>::max_steps(usize::MAX), usize::MAX);
    // The first actions of a huge schedule come at once.
    let mut s = BinomialSchedule::<4>::new(usize::MAX);
    assert!(s.next().is_some());
}

// ---------------------------------------------------------------------------
// LengthMismatch: every vmap helper, every output slice
// ---------------------------------------------------------------------------

#[test]
fn length_mismatch_display() {
    let e = Error::LengthMismatch {
        expected: 5,
        found: 4,
    };
    assert_eq!(
        e.to_string(),
        "length mismatch: 5 points, but an output slice holds 4"
    );
}

#[test]
fn length_mismatch_from_every_vmap_helper() -> Result<(), Error> {
    use ad_core::{Lanes, vmap};
    fn f<T: Real>([x, y]: [T; 2]) -> T {
        x * y + x.sin()
    }
    let pts = [[1.0_f64, 2.0]; 5];
    let e = |found| Err(Error::LengthMismatch { expected: 5, found });
    // values
    assert_eq!(
        vmap::values::<4, _, _, _, _>(|x| [f(x)], &pts, &mut [[0.0]; 3]),
        e(3)
    );
    // gradient: values, then gradients
    assert_eq!(
        vmap::gradient::<4, _, _, _>(f, &pts, &mut [0.0; 6], &mut [[0.0; 2]; 5]),
        e(6)
    );
    assert_eq!(
        vmap::gradient::<4, _, _, _>(f, &pts, &mut [0.0; 5], &mut [[0.0; 2]; 0]),
        e(0)
    );
    // jacobian
    let jf = |x: [_; 2]| [f(x), f(x)];
    assert_eq!(
        vmap::jacobian::<4, _, _, _, _>(jf, &pts, &mut [[0.0; 2]; 4], &mut [[[0.0; 2]; 2]; 5]),
        e(4)
    );
    assert_eq!(
        vmap::jacobian::<4, _, _, _, _>(jf, &pts, &mut [[0.0; 2]; 5], &mut [[[0.0; 2]; 2]; 7]),
        e(7)
    );
    // hessian: values, gradients, Hessians
    let (mut v, mut g, mut h) = ([0.0; 5], [[0.0; 2]; 5], [[[0.0; 2]; 2]; 5]);
    assert_eq!(
        vmap::hessian::<4, _, _, _>(f, &pts, &mut v[..1], &mut g, &mut h),
        e(1)
    );
    assert_eq!(
        vmap::hessian::<4, _, _, _>(f, &pts, &mut v, &mut g[..2], &mut h),
        e(2)
    );
    assert_eq!(
        vmap::hessian::<4, _, _, _>(f, &pts, &mut v, &mut g, &mut h[..3]),
        e(3)
    );
    // the replayed program
    let mut tape: Tape<f64, 16> = Tape::new();
    let mut prog = tape.record([1.0, 2.0], |x| [f(x)])?;
    let mut work = Workspace::<Lanes<f64, 4>, 16>::new();
    assert_eq!(
        vmap::program_gradient(&mut prog, &mut work, &pts, &mut v[..4], &mut g),
        e(4)
    );
    assert_eq!(
        vmap::program_gradient(&mut prog, &mut work, &pts, &mut v, &mut g[..0]),
        e(0)
    );
    let mut work2 = Workspace::<Dual<Lanes<f64, 4>, 2>, 16>::new();
    assert_eq!(
        vmap::program_hessian(&mut prog, &mut work2, &pts, &mut v, &mut g, &mut h[..4]),
        e(4)
    );
    // the gradient-only forms
    assert_eq!(vmap::grad::<4, _, _, _>(f, &pts, &mut g[..3]), e(3));
    assert_eq!(
        vmap::program_grad(&mut prog, &mut work, &pts, &mut g[..1]),
        e(1)
    );
    let batched = |x: [Lanes<f64, 4>; 2]| Ok(ad_core::value_and_gradient(f, x));
    assert_eq!(
        vmap::reverse_grad::<4, _, _, _>(batched, &pts, &mut [[0.0; 2]; 6]),
        e(6)
    );
    // Nothing was written by a call that failed its length check.
    assert_eq!((v, g, h), ([0.0; 5], [[0.0; 2]; 5], [[[0.0; 2]; 2]; 5]));
    Ok(())
}

// ---------------------------------------------------------------------------
// Error::OpNotEnabled
// ---------------------------------------------------------------------------

#[test]
fn op_not_enabled_display() {
    let e = Error::OpNotEnabled { op: "atan2" };
    assert_eq!(
        e.to_string(),
        "operation not enabled: `atan2` is not in the tape's op set (see ad_core::ops)"
    );
}

/// From `record` and `gradient`, before a tape-full error when the stored part holds
/// the op, and the tape records normally afterwards.
#[test]
fn op_not_enabled_from_record_and_gradient() {
    let mut tape: Tape<f64, 8, { ad_core::ops::EXP_LOG }> = Tape::new();
    let r = tape.gradient(|[x, y]| six([x, y]), [1.0, 2.0]);
    assert_eq!(r, Err(Error::OpNotEnabled { op: "sin" }));
    // The set is checked over the stored nodes: an op outside it within the capacity
    // is reported before the overflow, one past the capacity after a larger tape.
    fn early<T: Real>([x, y]: [T; 2]) -> T {
        (x * y).tan() * x * x * x * x * x * x * y
    }
    fn late<T: Real>([x, y]: [T; 2]) -> T {
        (x * y).exp() * x * x * x * x * x * y.tan()
    }
    let r = tape.gradient(|v| early(v), [1.0, 2.0]);
    assert_eq!(r, Err(Error::OpNotEnabled { op: "tan" }));
    let r = tape.gradient(|v| late(v), [1.0, 2.0]);
    assert_eq!(
        r,
        Err(Error::TapeFull {
            capacity: 8,
            needed: 11
        })
    );
    let mut big: Tape<f64, 16, { ad_core::ops::EXP_LOG }> = Tape::new();
    let r = big.gradient(|v| late(v), [1.0, 2.0]);
    assert_eq!(r, Err(Error::OpNotEnabled { op: "tan" }));
    let (v, g) = tape.gradient(|[x, y]| (x * y).exp(), [1.0, 2.0]).unwrap();
    assert_eq!((v, g), (2.0f64.exp(), [2.0 * 2.0f64.exp(), 2.0f64.exp()]));
}
