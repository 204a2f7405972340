//! Hessian sparsity patterns and colored (compressed) Hessians.
//!
//! The pattern is checked against dense Hessians computed independently by the
//! foundation's forward-over-forward `Dual2` (every entry that is nonzero there must
//! be in the pattern), on random programs over every kind of operation and on
//! functions whose pattern is known exactly; the colored Hessian is checked against
//! the dense one (`Dual2` and the program's own `N`-tangent forward-over-reverse).

// Matrices indexed by row and column read more plainly than zipped iterators.
#![allow(clippy::needless_range_loop)]

use ad_core::rules::{Custom, Jet};
use ad_core::{
    Compare, Dual, Error, HessianColoring, Lanes, Primitive, Real, SparsityWork, Tape, Workspace,
    hessian, vmap,
};

/// Inputs of the random programs.
const N: usize = 6;
/// Nodes of the tapes of the random programs (a step records at most 8).
const CAP: usize = 128;

/// xorshift64*: a deterministic stream for the programs and points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Uniform in `[lo, hi)`.
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * ((self.next() >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// One instruction: an operation on earlier slots (inputs first).
#[derive(Clone, Copy, Debug)]
struct Step {
    op: usize,
    a: usize,
    b: usize,
    c: usize,
}

/// Kinds of operation in the random programs: every class of local second
/// derivative (nonlinear unary, bilinear, quotient, nonlinear binary, linear,
/// piecewise linear, step functions, `mul_add`, `select`, a custom function).
const OPS: usize = 26;

/// `x³ + x` with its derivatives written by hand (what a firmware table would give).
fn cubic_jet(x: f64) -> Jet<f64> {
    Jet {
        value: x * x * x + x,
        d1: 3.0 * x * x + 1.0,
        d2: 6.0 * x,
    }
}
static CUBIC: Custom<f64> = Custom {
    name: "cubic",
    eval: cubic_jet,
};

/// The custom function's built-in twin, for the modes that do not take it.
fn cubic<R: Real>(x: R) -> R {
    x * x * x + x
}

fn apply<R: Real>(s: &[R], st: Step, custom: impl Fn(R) -> R) -> R {
    let (a, b, c) = (s[st.a], s[st.b], s[st.c]);
    let k = R::constant;
    match st.op {
        0 => a.sin(),
        1 => a.cos(),
        2 => a.atan(),
        3 => a.tanh(),
        4 => a.tanh().exp(),
        5 => (a * a + k(0.5)).sqrt(),
        6 => a.abs(),
        7 => -a,
        8 => a.floor(),
        9 => a.signum() * b,
        10 => a.tanh().powi(3),
        11 => a + b,
        12 => a - b,
        13 => a * b,
        14 => a / (k(1.75) + b.abs()),
        15 => (a * a + k(0.1)).hypot(b),
        16 => a.atan2(b * b + k(0.5)),
        17 => a.min(b),
        18 => a.max(b),
        19 => a % k(0.75) + b,
        20 => a.mul_add(b, c),
        21 => R::select(a.mask(Compare::Gt, b), a * c, b),
        22 => a.tanh().exp().powf(b.tanh()),
        23 => (a * a + k(1.0)).ln() * k(0.5),
        24 => custom(a.tanh()),
        _ => a * k(2.0) + b * k(-0.5),
    }
}

fn run<R: Real>(steps: &[Step], x: [R; N], custom: impl Fn(R) -> R + Copy) -> R {
    let mut s: Vec<R> = x.to_vec();
    for &st in steps {
        let v = apply(&s, st, custom);
        s.push(v);
    }
    // The sum of the last three slots: more than one path to the output.
    s.iter().rev().take(3).fold(R::zero(), |acc, &v| acc + v)
}

fn program(rng: &mut Rng, len: usize) -> Vec<Step> {
    (0..len)
        .map(|i| {
            let slots = N + i;
            Step {
                op: rng.below(OPS),
                a: rng.below(slots),
                b: rng.below(slots),
                c: rng.below(slots),
            }
        })
        .collect()
}

fn point(rng: &mut Rng) -> [f64; N] {
    core::array::from_fn(|_| rng.uniform(-1.5, 1.5))
}

fn max_abs<const K: usize>(h: &[[f64; K]; K]) -> f64 {
    h.iter().flatten().fold(0.0, |m, v| m.max(v.abs()))
}

/// `a` and `b` agree to `rel` of the larger of one and `b`'s largest entry.
fn assert_close<const K: usize>(what: &str, a: &[[f64; K]; K], b: &[[f64; K]; K], rel: f64) {
    let tol = rel * (1.0 + max_abs(b));
    for i in 0..K {
        for j in 0..K {
            assert!(
                (a[i][j] - b[i][j]).abs() <= tol,
                "{what}: H[{i}][{j}] = {} against {} (tolerance {tol:e})",
                a[i][j],
                b[i][j]
            );
        }
    }
}

/// Random programs: the pattern covers every nonzero of the dense `Dual2` Hessian at
/// several points, the colored Hessian equals it (and the program's dense one), and
/// entries outside the pattern are exactly zero.
#[test]
fn random_programs_pattern_and_colored_hessian_f64() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut seen_colors = [0usize; N + 1];
    let mut compared = 0;
    // Miri interprets every operation: fewer programs there, every check still run.
    let cases = if cfg!(miri) { 6 } else { 300 };
    const POINTS: usize = if cfg!(miri) { 2 } else { 4 };
    for case in 0..cases {
        let len = 4 + rng.below(10);
        let steps = program(&mut rng, len);
        let mut tape: Tape<f64, CAP> = Tape::new();
        let mut prog = tape
            .record([0.25; N], |x| [run(&steps, x, |v| v.custom(&CUBIC))])
            .unwrap();
        let mut c = HessianColoring::<N>::new();
        prog.color_hessian(&mut c, &mut SparsityWork::<CAP>::new())
            .unwrap();
        seen_colors[c.colors()] += 1;
        let mut w1 = Workspace::<Dual<f64, N>, CAP>::new();
        let mut w2 = Workspace::<Dual<f64, N>, CAP>::new();
        for _ in 0..POINTS {
            let x = point(&mut rng);
            let dense = hessian(|v| run(&steps, v, cubic), x);
            if !dense.iter().flatten().all(|v| v.is_finite()) {
                continue;
            }
            let what = format!("case {case} {steps:?} at {x:?}");
            for i in 0..N {
                for j in 0..N {
                    assert!(
                        dense[i][j] == 0.0 || c.may_be_nonzero(i, j),
                        "{what}: H[{i}][{j}] = {} is not in the pattern",
                        dense[i][j]
                    );
                }
            }
            // No guards in these programs (`select` is re-decided at each replay).
            let (_, _, h) = prog
                .hessian_colored(x, &c, &mut w1)
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            for i in 0..N {
                for j in 0..N {
                    if !c.may_be_nonzero(i, j) {
                        assert_eq!(h[i][j], 0.0, "{what}: H[{i}][{j}] outside the pattern");
                    }
                }
            }
            assert_close(&what, &h, &dense, 1e-12);
            let (_, _, own) = prog.hessian(x, &mut w2).unwrap();
            assert_close(&what, &h, &own, 1e-12);
            compared += 1;
        }
    }
    eprintln!("{compared} points compared, programs by colors: {seen_colors:?}");
    // A non-finite dense Hessian skips a point; nearly none are.
    let all = POINTS * cases;
    assert!(
        4 * compared > 3 * all,
        "{compared} of {all} points compared"
    );
    // The programs exercised sparse and dense patterns, not just one kind.
    if !cfg!(miri) {
        assert!(seen_colors[0] > 0 && seen_colors[1] + seen_colors[2] > 0 && seen_colors[N] > 0);
        assert!(
            seen_colors[3..N].iter().sum::<usize>() > 0,
            "{seen_colors:?}"
        );
    }
}

/// The same in f32, against the f64 `Dual2` Hessian of the same program.
#[test]
fn random_programs_colored_hessian_f32() {
    let mut rng = Rng(0x0123_4567_89ab_cdef);
    for case in 0..if cfg!(miri) { 4 } else { 150 } {
        let len = 4 + rng.below(8);
        let steps = program(&mut rng, len);
        // No custom function here (CUBIC is f64).
        let steps: Vec<Step> = steps
            .into_iter()
            .map(|s| Step {
                op: if s.op == 24 { 4 } else { s.op },
                ..s
            })
            .collect();
        let mut tape: Tape<f32, CAP> = Tape::new();
        let mut prog = tape.record([0.25; N], |x| [run(&steps, x, cubic)]).unwrap();
        let mut c = HessianColoring::<N>::new();
        prog.color_hessian(&mut c, &mut SparsityWork::<CAP>::new())
            .unwrap();
        let x = point(&mut rng);
        let x32 = x.map(|v| v as f32);
        let dense = hessian(|v| run(&steps, v, cubic), x32.map(f64::from));
        if !dense.iter().flatten().all(|v| v.is_finite()) {
            continue;
        }
        let (_, _, h) = prog
            .hessian_colored(x32, &c, &mut Workspace::<Dual<f32, N>, CAP>::new())
            .unwrap();
        let h = h.map(|r| r.map(f64::from));
        // f32 rounding of a dozen operations, each at most a few ulp, relative to the
        // Hessian's scale; a wrong pattern or color is off by whole entries.
        assert_close(&format!("case {case} {steps:?}"), &h, &dense, 2e-4);
    }
}

fn rosenbrock<T: Real>(x: &[T]) -> T {
    let mut s = T::zero();
    for w in x.windows(2) {
        let a = T::one() - w[0];
        let b = w[1] - w[0] * w[0];
        s = s + a * a + T::constant(100.0) * b * b;
    }
    s
}

fn rosenbrock_hessian<const K: usize>(x: &[f64; K]) -> [[f64; K]; K] {
    let mut h = [[0.0; K]; K];
    for i in 0..K - 1 {
        h[i][i] += 2.0 - 400.0 * (x[i + 1] - x[i] * x[i]) + 800.0 * x[i] * x[i];
        h[i][i + 1] -= 400.0 * x[i];
        h[i + 1][i] -= 400.0 * x[i];
        h[i + 1][i + 1] += 200.0;
    }
    h
}

/// Rosenbrock over 130 inputs (three 64-input blocks, couplings across the block
/// edges at 63–64 and 127–128; 66 inputs under Miri): exactly tridiagonal, 3 colors, and the analytic
/// Hessian from 3 tangents.
#[test]
fn rosenbrock_across_blocks_is_tridiagonal_with_three_colors() {
    if cfg!(miri) {
        // Two blocks, coupled at 63–64: a quarter of the interpreter's time.
        across_blocks::<66>();
    } else {
        across_blocks::<130>();
    }
}

fn across_blocks<const K: usize>() {
    let mut tape = Box::new(Tape::<f64, 2048>::new());
    let mut prog = tape.record([0.5; K], |x| [rosenbrock(&x)]).unwrap();
    let mut c = Box::new(HessianColoring::<K>::new());
    prog.color_hessian(&mut c, &mut Box::new(SparsityWork::<2048>::new()))
        .unwrap();
    for i in 0..K {
        for j in 0..K {
            assert_eq!(c.may_be_nonzero(i, j), i.abs_diff(j) <= 1, "({i}, {j})");
        }
        assert_eq!(c.color(i), Some(i % 3));
    }
    assert_eq!((c.colors(), c.nonzeros()), (3, K + 2 * (K - 1)));
    let x: [f64; K] = core::array::from_fn(|i| ((i * 7) % 11) as f64 * 0.3 - 1.2);
    let mut work = Box::new(Workspace::<Dual<f64, 3>, 2048>::new());
    let (v, g, h) = prog.hessian_colored(x, &c, &mut work).unwrap();
    assert_close(
        &format!("rosenbrock {K}"),
        &h,
        &rosenbrock_hessian(&x),
        1e-14,
    );
    let (v0, g0) = prog.gradient(x).unwrap();
    assert_eq!((v, g), (v0, g0));
}

/// Known patterns: dense, diagonal, empty (a linear function: no colors, and the
/// Hessian from dual numbers of no tangent at all), an arrow.
#[test]
fn known_patterns() {
    let mut work = SparsityWork::<64>::new();
    let mut tape: Tape<f64, 64> = Tape::new();
    let mut c = HessianColoring::<4>::new();

    let prog = tape
        .record([1.0; 4], |x| {
            let s = x[0] + x[1] + x[2] + x[3];
            [s * s]
        })
        .unwrap();
    prog.color_hessian(&mut c, &mut work).unwrap();
    assert_eq!((c.nonzeros(), c.colors()), (16, 4));

    let prog = tape
        .record([1.0; 4], |x| {
            [x[0].exp() + x[1].exp() + x[2].exp() + x[3].exp()]
        })
        .unwrap();
    prog.color_hessian(&mut c, &mut work).unwrap();
    assert_eq!((c.nonzeros(), c.colors()), (4, 1));

    let mut prog = tape
        .record([1.0; 4], |x| {
            [x[0] * 2.0 - x[1] + x[2].abs() + x[3].floor()]
        })
        .unwrap();
    prog.color_hessian(&mut c, &mut work).unwrap();
    assert_eq!((c.nonzeros(), c.colors()), (0, 0));
    assert_eq!(c.color(0), None);
    let (v, g, h) = prog
        .hessian_colored(
            [1.0, 2.0, -3.0, 4.5],
            &c,
            &mut Workspace::<Dual<f64, 0>, 64>::new(),
        )
        .unwrap();
    assert_eq!((v, g, h), (7.0, [2.0, -1.0, -1.0, 0.0], [[0.0; 4]; 4]));

    // x0 times each other input: row 0 and column 0 full (but the diagonal).
    let prog = tape
        .record([1.0; 4], |x| [x[0] * (x[1] + x[2] + x[3])])
        .unwrap();
    prog.color_hessian(&mut c, &mut work).unwrap();
    assert_eq!(c.nonzeros(), 6);
    // Columns 1, 2, 3 share row 0; column 0 shares no row with column 1.
    assert_eq!(
        [c.color(0), c.color(1), c.color(2), c.color(3)],
        [Some(0), Some(0), Some(1), Some(2)]
    );
}

/// Values computed and dropped add nothing; a `select` differentiates its branches,
/// not its condition; a recorded branch (guard) contributes only the branch taken;
/// a custom function is nonlinear in its argument.
#[test]
fn dead_values_select_guards_and_custom() {
    let mut work = SparsityWork::<64>::new();
    let mut tape: Tape<f64, 64> = Tape::new();
    let mut c = HessianColoring::<3>::new();
    let pattern = |c: &HessianColoring<3>| -> [[bool; 3]; 3] {
        core::array::from_fn(|i| core::array::from_fn(|j| c.may_be_nonzero(i, j)))
    };
    let (t, f) = (true, false);

    let prog = tape
        .record([1.0; 3], |[x, y, z]| {
            let _dead = (x * y).sin() + z.exp();
            [x.sin() + y]
        })
        .unwrap();
    prog.color_hessian(&mut c, &mut work).unwrap();
    assert_eq!(pattern(&c), [[t, f, f], [f, f, f], [f, f, f]]);

    let prog = tape
        .record([1.0; 3], |[x, y, z]| {
            [Real::select((x * x).mask(Compare::Gt, z.exp()), y * z, x)]
        })
        .unwrap();
    prog.color_hessian(&mut c, &mut work).unwrap();
    assert_eq!(pattern(&c), [[f, f, f], [f, f, t], [f, t, f]]);

    let prog = tape
        .record([2.0, 1.0, 3.0], |[x, y, z]| {
            [if x > y { x * z } else { y * y }]
        })
        .unwrap();
    prog.color_hessian(&mut c, &mut work).unwrap();
    assert_eq!(pattern(&c), [[f, f, t], [f, f, f], [t, f, f]]);

    let mut prog = tape
        .record([1.0; 3], |[x, y, z]| [(x + y).custom(&CUBIC) + z])
        .unwrap();
    prog.color_hessian(&mut c, &mut work).unwrap();
    assert_eq!(pattern(&c), [[t, t, f], [t, t, f], [f, f, f]]);
    let (_, _, h) = prog
        .hessian_colored(
            [0.5, 0.25, 9.0],
            &c,
            &mut Workspace::<Dual<f64, 2>, 64>::new(),
        )
        .unwrap();
    let d2 = cubic_jet(0.75).d2;
    assert_eq!(h, [[d2, d2, 0.0], [d2, d2, 0.0], [0.0, 0.0, 0.0]]);
}

/// Operands farther back than a node's distance field reaches go through `REF`
/// nodes: the pattern follows them.
#[test]
// 20,000 nodes: minutes in the interpreter, and far references are safe-code index
// arithmetic (as the tape suites' far-reference tests, also skipped under Miri).
#[cfg_attr(miri, ignore)]
fn far_operands_through_ref_nodes() {
    // The tape and workspaces are built on the stack before they are boxed (debug
    // builds): a thread with room for them.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(far_operands)
        .unwrap()
        .join()
        .unwrap();
}

fn far_operands() {
    let mut tape = Box::new(Tape::<f64, 40_000>::new());
    let mut prog = tape
        .record([0.5, 0.25], |[x, y]| {
            let mut s = y;
            for _ in 0..10_000 {
                s = s * 0.999 + 0.001; // linear in y, 20,000 nodes
            }
            [x * s]
        })
        .unwrap();
    // x (node 0) is farther back from the product than a distance field holds.
    assert!(prog.len() > 20_000);
    let mut c = HessianColoring::<2>::new();
    prog.color_hessian(&mut c, &mut Box::new(SparsityWork::<40_000>::new()))
        .unwrap();
    assert_eq!(c.nonzeros(), 2);
    assert!(c.may_be_nonzero(0, 1) && !c.may_be_nonzero(0, 0) && !c.may_be_nonzero(1, 1));
    let mut work = Box::new(Workspace::<Dual<f64, 1>, 40_000>::new());
    let (_, _, h) = prog.hessian_colored([0.5, 0.25], &c, &mut work).unwrap();
    let (_, _, dense) = prog
        .hessian(
            [0.5, 0.25],
            &mut Box::new(Workspace::<Dual<f64, 2>, 40_000>::new()),
        )
        .unwrap();
    assert_eq!(h, dense);
    assert!(h[0][1] > 0.0 && h[0][1] == h[1][0]);
}

#[test]
fn errors() {
    let mut tape: Tape<f64, 256> = Tape::new();
    let mut prog = tape.record([0.5; 8], |x| [rosenbrock(&x)]).unwrap();
    let len = prog.len();
    let mut c = HessianColoring::<8>::new();
    assert_eq!(
        prog.color_hessian(&mut c, &mut SparsityWork::<8>::new()),
        Err(Error::BufferTooSmall {
            needed: len,
            provided: 8
        })
    );
    prog.color_hessian(&mut c, &mut SparsityWork::<256>::new())
        .unwrap();
    let e = prog
        .hessian_colored([0.5; 8], &c, &mut Workspace::<Dual<f64, 2>, 256>::new())
        .unwrap_err();
    assert_eq!(
        e,
        Error::TooFewTangents {
            needed: 3,
            provided: 2
        }
    );
    assert_eq!(
        e.to_string(),
        "too few tangents: the Hessian coloring has 3 colors, the dual numbers 2 tangents"
    );
    // More tangents than colors is fine (the extra ones stay zero).
    let (_, _, h) = prog
        .hessian_colored([0.5; 8], &c, &mut Workspace::<Dual<f64, 5>, 256>::new())
        .unwrap();
    assert_close("5 tangents", &h, &rosenbrock_hessian(&[0.5; 8]), 1e-14);

    let mut other_tape: Tape<f64, 256> = Tape::new();
    let mut other = other_tape
        .record([0.5; 8], |x| [rosenbrock(&x) * x[0]])
        .unwrap();
    let e = other
        .hessian_colored([0.5; 8], &c, &mut Workspace::<Dual<f64, 8>, 256>::new())
        .unwrap_err();
    assert_eq!(e, Error::ColoringMismatch);
    assert_eq!(
        e.to_string(),
        "the Hessian coloring was computed from another program"
    );
    let pts = [[0.5; 8]; 3];
    let (mut v, mut g, mut h) = ([0.0; 3], [[0.0; 8]; 3], [[[0.0; 8]; 8]; 3]);
    let mut work = Workspace::<Dual<Lanes<f64, 2>, 3>, 256>::new();
    assert_eq!(
        vmap::program_hessian_colored(&mut other, &c, &mut work, &pts, &mut v, &mut g, &mut h),
        Err(Error::ColoringMismatch)
    );
    assert_eq!(
        vmap::program_hessian_colored(&mut prog, &c, &mut work, &pts, &mut v[..2], &mut g, &mut h),
        Err(Error::LengthMismatch {
            expected: 3,
            found: 2
        })
    );
    let mut narrow = Workspace::<Dual<Lanes<f64, 2>, 2>, 256>::new();
    assert_eq!(
        vmap::program_hessian_colored(&mut prog, &c, &mut narrow, &pts, &mut v, &mut g, &mut h),
        Err(Error::TooFewTangents {
            needed: 3,
            provided: 2
        })
    );
}

/// Over lanes, with a partial last chunk: the colored helpers equal the dense
/// `vmap::program_hessian` and the point-by-point colored Hessian.
fn lanes_match_dense<T: Primitive + ad_core::LaneMath>(rel: f64) {
    const K: usize = 7;
    let mut rng = Rng(77);
    // Two full chunks of 4 and a partial one (one under Miri, with the partial one).
    let pts: Vec<[T; K]> = (0..if cfg!(miri) { 6 } else { 11 })
        .map(|_| core::array::from_fn(|_| T::constant(rng.uniform(-1.5, 1.5))))
        .collect();
    fn f<R: Real>(x: &[R; K]) -> [R; 1] {
        [rosenbrock(x) + (x[0] * x[6]).sin() + x[3].exp()]
    }
    let mut tape: Tape<T, 128> = Tape::new();
    let mut prog = tape.record([T::constant(0.5); K], |x| f(&x)).unwrap();
    let mut c = HessianColoring::<K>::new();
    prog.color_hessian(&mut c, &mut SparsityWork::<128>::new())
        .unwrap();
    // Tridiagonal plus the corners (0, 6): a cycle of 7 columns, each conflicting with
    // the two on either side, which 3 colors cannot cover (7 is not a multiple of 3).
    assert_eq!(c.colors(), 4);
    let n = pts.len();
    let zero = T::zero();
    let (mut v, mut g, mut h) = (vec![zero; n], vec![[zero; K]; n], vec![[[zero; K]; K]; n]);
    let (mut vd, mut gd, mut hd) = (v.clone(), g.clone(), h.clone());
    let mut work = Box::new(Workspace::<Dual<Lanes<T, 4>, 4>, 128>::new());
    vmap::program_hessian_colored(&mut prog, &c, &mut work, &pts, &mut v, &mut g, &mut h).unwrap();
    let mut dense = Box::new(Workspace::<Dual<Lanes<T, 4>, K>, 128>::new());
    vmap::program_hessian(&mut prog, &mut dense, &pts, &mut vd, &mut gd, &mut hd).unwrap();
    let (mut vr, mut gr, mut hr) = (v.clone(), g.clone(), h.clone());
    let mut w2 = Box::new(Workspace::<Dual<Lanes<T, 4>, 4>, 128>::new());
    vmap::reverse_hessian_colored::<4, 4, _, _, _>(
        |xs| prog.gradient_over(xs, &mut w2),
        &c,
        &pts,
        &mut vr,
        &mut gr,
        &mut hr,
    )
    .unwrap();
    // The Hessian alone: the same Hessians.
    let mut ho = vec![[[zero; K]; K]; n];
    vmap::reverse_hess_colored::<4, 4, _, _, _>(
        |xs| prog.gradient_over(xs, &mut w2),
        &c,
        &pts,
        &mut ho,
    )
    .unwrap();
    assert_eq!(ho, h);
    assert_eq!(
        vmap::reverse_hess_colored::<4, 4, _, _, _>(
            |xs| prog.gradient_over(xs, &mut w2),
            &c,
            &pts,
            &mut ho[1..]
        ),
        Err(Error::LengthMismatch {
            expected: n,
            found: n - 1
        })
    );
    let mut one_point = Workspace::<Dual<T, 4>, 128>::new();
    let wide = |h: &[[T; K]; K]| h.map(|r| r.map(|e| e.to_f64().unwrap()));
    for p in 0..n {
        assert_eq!((v[p], g[p], h[p]), (vr[p], gr[p], hr[p]), "point {p}");
        assert_eq!((v[p], g[p]), (vd[p], gd[p]), "point {p}");
        assert_close(&format!("point {p}"), &wide(&h[p]), &wide(&hd[p]), rel);
        let (_, _, one) = prog.hessian_colored(pts[p], &c, &mut one_point).unwrap();
        assert_close(&format!("point {p}"), &wide(&h[p]), &wide(&one), rel);
    }
}

#[test]
fn lanes_match_dense_f64() {
    lanes_match_dense::<f64>(1e-14);
}

#[test]
// The f64 test runs the same generic code under Miri; this one adds the f32 kernels.
#[cfg_attr(miri, ignore)]
fn lanes_match_dense_f32() {
    // exp and sin through the vector kernels (a few ulp of f32) against libm.
    lanes_match_dense::<f32>(1e-5);
}
