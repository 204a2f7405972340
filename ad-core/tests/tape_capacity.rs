//! A fixed-capacity tape at and around its limit, in `f32` and in `f64`.
//!
//! * **Every capacity** from 0 to `needed + 2` (and a few more) for several small
//!   functions: a tape that is too small returns exactly
//!   `Err(TapeFull { capacity: CAP, needed })`, with the same `needed` whatever the
//!   capacity (the size the whole recording needs), never panics, and still computes
//!   the values; a tape that is large enough records a program of exactly `needed`
//!   nodes with the right values and gradient, bit for bit those of a large tape.
//! * **Reuse after an overflow**: the same tape records and replays another function
//!   correctly afterwards.
//! * **Far references** at the limit: `needed` counts the reference nodes a long
//!   program needs, also when the tape overflows before them or in the middle of them.
//! * `BufferTooSmall` from `hessian`/`hvp` with a workspace shorter than the program.
//! * `Tape::BYTES_PER_NODE`: 8 in `f32`, 12 in `f64`.

use ad_core::{Compare, Dual, Error, Primitive, Real, Tape, Workspace};
use num_traits::Float;

/// Instantiates `fn name<T: Primitive>()` as the tests `name::f32` and `name::f64`.
macro_rules! both {
    // Ignored under Miri: these tests record programs past the 8191-node operand reach
    // (thousands of nodes, tens of minutes in the interpreter). Far references are
    // safe-code index arithmetic, tested here natively and by the `capacity` fuzz
    // target; Miri runs every other test of this file.
    (not_under_miri: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                #[cfg_attr(miri, ignore = "programs past the 8191-node reach: tens of minutes in Miri")]
                fn f32() {
                    super::$name::<f32>()
                }
                #[test]
                #[cfg_attr(miri, ignore = "programs past the 8191-node reach: tens of minutes in Miri")]
                fn f64() {
                    super::$name::<f64>()
                }
            }
        )*
    };
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn f32() {
                    super::$name::<f32>()
                }
                #[test]
                fn f64() {
                    super::$name::<f64>()
                }
            }
        )*
    };
}

fn f64_of<T: Primitive>(x: T) -> f64 {
    x.to_f64_exact()
}

fn pt<T: Primitive, const N: usize>(x: [f64; N]) -> [T; N] {
    x.map(T::constant)
}

/// Bit-for-bit equality (any NaN equals any NaN).
fn same<T: Primitive>(a: T, b: T) -> bool {
    let (a, b) = (f64_of(a), f64_of(b));
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_grad<T: Primitive, const N: usize>(a: (T, [T; N]), b: (T, [T; N])) -> bool {
    same(a.0, b.0) && a.1.iter().zip(b.1.iter()).all(|(&p, &q)| same(p, q))
}

fn show<T: Primitive, const N: usize>(g: (T, [T; N])) -> (f64, [f64; N]) {
    (f64_of(g.0), g.1.map(f64_of))
}

/// Runs `f` on a thread with a large stack (the far-reference tests box tapes of a few
/// hundred kilobytes, built on the stack first in an unoptimized build).
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .expect("spawn a test thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

// ---------------------------------------------------------------------------
// Small functions of two inputs
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Fun {
    /// The example of the module docs: needs 6 nodes.
    Basic,
    /// `powi` (its exponent travels in a constant node), `ln`, a constant.
    Powi,
    /// Three-operand nodes (`mul_add`, `select`) that read a `REF` recorded before them.
    MulAddSelect,
    /// Recorded comparisons: `clamp` and an `if`.
    Guards,
    /// Constants folded among themselves and written when they meet a variable.
    Consts,
    /// A loop: about 40 nodes.
    Loop,
}

const FUNS: [Fun; 6] = [
    Fun::Basic,
    Fun::Powi,
    Fun::MulAddSelect,
    Fun::Guards,
    Fun::Consts,
    Fun::Loop,
];

fn eval<R: Real>(f: Fun, [x, y]: [R; 2]) -> R {
    let k = R::constant;
    match f {
        Fun::Basic => (x * y).sin() + x.exp(),
        Fun::Powi => x.powi(3) * y.ln() + k(2.0),
        Fun::MulAddSelect => {
            x.mul_add(y, x.sin()) - R::select(x.mask(Compare::Gt, y), x, y) * x.hypot(y)
        }
        Fun::Guards => {
            let c = Float::clamp(x, k(-1.0), k(1.0)) * y;
            if x > y { c + x } else { c - y }
        }
        Fun::Consts => x * k(2.0) + k(3.0) / y - R::one() + (k(2.0) * k(5.0)).sqrt() * x + k(0.5),
        Fun::Loop => {
            let mut s = x;
            for _ in 0..12 {
                s = (s * y + x).sin();
            }
            s
        }
    }
}

/// Where every function is recorded, and a second point on the same side of every
/// comparison for a replay.
const AT: [f64; 2] = [0.6, 0.4];
const AT2: [f64; 2] = [0.7, 0.2];

/// What a large enough tape gives.
#[derive(Clone, Copy, Debug)]
struct Want<T> {
    needed: usize,
    at: (T, [T; 2]),
    at2: (T, [T; 2]),
}

/// `needed` from the `TapeFull` of a tiny tape, and the results of a large one.
fn reference<T: Primitive>(f: Fun) -> Want<T> {
    let mut tiny: Tape<T, 1> = Tape::new();
    let needed = match tiny.gradient(|v| eval(f, v), pt(AT)) {
        Err(Error::TapeFull {
            capacity: 1,
            needed,
        }) => needed,
        other => panic!("{f:?}: a one-node tape gave {:?}", other.map(show)),
    };
    let mut empty: Tape<T, 0> = Tape::new();
    assert_eq!(
        empty.gradient(|v| eval(f, v), pt(AT)).err(),
        Some(Error::TapeFull {
            capacity: 0,
            needed
        }),
        "{f:?}: an empty tape"
    );
    let mut large: Tape<T, 256> = Tape::new();
    let mut prog = large.record(pt(AT), |v| [eval(f, v)]).unwrap();
    assert_eq!(prog.len(), needed, "{f:?}: needed vs the recorded length");
    let at = prog.gradient_at_recorded();
    let at2 = prog.gradient(pt(AT2)).unwrap();
    // And the numbers are right: forward mode agrees (to a few ulp: a quotient rule
    // and summation orders differ; see tests/tape.rs).
    for (p, got) in [(AT, at), (AT2, at2)] {
        let want = ad_core::value_and_gradient(|v| eval(f, v), pt::<T, 2>(p));
        assert!(same(got.0, want.0), "{f:?} at {p:?}");
        for i in 0..2 {
            let (a, b) = (f64_of(got.1[i]), f64_of(want.1[i]));
            let tol = 8.0 * T::epsilon().to_f64_exact() * a.abs().max(b.abs());
            assert!(
                (a - b).abs() <= tol,
                "{f:?} at {p:?}: d/dx{i} {a:e} vs {b:e}"
            );
        }
    }
    Want { needed, at, at2 }
}

/// A function of 3 nodes recorded on the same tape before and after `f`: it must work
/// on every tape that holds it, whatever happened before.
fn small_check<T: Primitive, const CAP: usize>(tape: &mut Tape<T, CAP>, what: &str) {
    if CAP < 3 {
        return;
    }
    let mut prog = tape
        .record(pt([3.0, -2.0]), |[x, y]| [x * y])
        .unwrap_or_else(|e| panic!("{what}, capacity {CAP}: {e}"));
    assert_eq!(prog.len(), 3);
    assert_eq!(
        show(prog.gradient_at_recorded()),
        (-6.0, [-2.0, 3.0]),
        "{what}, capacity {CAP}"
    );
    assert_eq!(
        show(prog.gradient(pt([0.5, 4.0])).unwrap()),
        (2.0, [4.0, 0.5]),
        "{what}, capacity {CAP}"
    );
}

/// Records `f` on a tape of capacity `CAP` and checks the outcome against `want`.
fn at_capacity<T: Primitive, const CAP: usize>(f: Fun, want: &Want<T>) {
    // Under Miri (slow interpreter): only the capacities at the edges, 0, 1, 2, the
    // needed size ± 1 and the largest listed; the native run checks every one.
    if cfg!(miri) && CAP > 2 && CAP.abs_diff(want.needed) > 1 && CAP != LISTED {
        return;
    }
    let mut tape: Tape<T, CAP> = Tape::new();
    assert_eq!(tape.capacity(), CAP);
    small_check(&mut tape, "before");
    let mut seen = None;
    let result = tape.record(pt(AT), |v| {
        let out = eval(f, v);
        seen = Some(out.value());
        [out]
    });
    // Values are computed in full whether or not the tape holds them.
    let seen = seen.expect("the function ran");
    assert!(
        same(seen, want.at.0),
        "{f:?}, capacity {CAP}: value {seen} during the recording vs {}",
        want.at.0
    );
    match result {
        Err(e) => {
            assert!(CAP < want.needed, "{f:?}, capacity {CAP}: {e}");
            assert_eq!(
                e,
                Error::TapeFull {
                    capacity: CAP,
                    needed: want.needed
                },
                "{f:?}"
            );
        }
        Ok(mut prog) => {
            assert!(
                CAP >= want.needed,
                "{f:?}: capacity {CAP} < needed {} recorded",
                want.needed
            );
            assert_eq!(prog.len(), want.needed, "{f:?}, capacity {CAP}");
            assert!(same(prog.values()[0], want.at.0));
            assert!(
                same_grad(prog.gradient_at_recorded(), want.at),
                "{f:?}, capacity {CAP}"
            );
            assert!(
                same_grad(prog.gradient(pt(AT2)).unwrap(), want.at2),
                "{f:?}, capacity {CAP}: replay"
            );
        }
    }
    // The one-shot gradient agrees.
    match tape.gradient(|v| eval(f, v), pt(AT)) {
        Err(e) => assert_eq!(
            e,
            Error::TapeFull {
                capacity: CAP,
                needed: want.needed
            }
        ),
        Ok(g) => assert!(same_grad(g, want.at), "{f:?}, capacity {CAP}"),
    }
    // Nothing is corrupted by an overflow: another recording works...
    small_check(&mut tape, "after");
    // ...and so does `f` again, with the same outcome.
    let again = tape.gradient(|v| eval(f, v), pt(AT2));
    if CAP < want.needed {
        assert!(matches!(again, Err(Error::TapeFull { .. })));
    } else {
        assert!(same_grad(again.unwrap(), want.at2), "{f:?}, capacity {CAP}");
    }
}

/// Largest capacity listed in [`every_capacity`].
const LISTED: usize = 48;

/// `at_capacity::<T, CAP>` for every `CAP` in the list.
macro_rules! every_capacity {
    ($t:ty, $f:expr, $want:expr; $($cap:literal)*) => {
        $( at_capacity::<$t, $cap>($f, $want); )*
    };
}

fn every_capacity_from_zero<T: Primitive>() {
    for f in FUNS {
        let want = reference::<T>(f);
        assert!(
            want.needed + 2 <= LISTED,
            "{f:?} needs {} nodes, more than the capacities listed",
            want.needed
        );
        every_capacity!(T, f, &want;
            0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24
            25 26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48);
    }
}

/// The sizes are what the format promises: inputs, one node per operation, one per
/// constant that meets a variable, one `REF` per three-operand node.
fn needed_is_pinned<T: Primitive>() {
    let needed: Vec<usize> = FUNS.iter().map(|&f| reference::<T>(f).needed).collect();
    // Basic: x, y, x·y, sin, exp, +.
    assert_eq!(needed[0], 6);
    // Powi: x, y, 3 (the exponent), powi, ln, ·, 2, +.
    assert_eq!(needed[1], 8);
    // MulAddSelect: x, y, sin, REF, mul_add, mask, REF, select, hypot, ·, −.
    assert_eq!(needed[2], 11);
    // Loop: x, y, then 3 per step.
    assert_eq!(needed[5], 2 + 3 * 12);
}

both!(every_capacity_from_zero, needed_is_pinned);

// ---------------------------------------------------------------------------
// Far references at the limit
// ---------------------------------------------------------------------------

/// Negations of `y` (`K` of them), then operations that read `x` from farther back
/// than an operand field reaches: each needs a `REF` node.
const K: usize = 9000;

fn far<R: Real>([x, y]: [R; 2]) -> [R; 3] {
    let mut s = y;
    for _ in 0..K {
        s = -s;
    }
    [
        // REF(x), ·
        x * s,
        // REF(x) for the second operand, REF(x) for the third, mul_add
        s.mul_add(x, x),
        // REF(x), mask; REF(x), REF(mask), select
        R::select(x.mask(Compare::Gt, s), x, s),
    ]
}

/// 2 inputs, `K` negations, then 2 + 3 + 5 nodes.
const FAR_NEEDED: usize = 2 + K + 10;

fn far_at<T: Primitive + 'static, const CAP: usize>() {
    let mut tape: Box<Tape<T, CAP>> = Box::new(Tape::new());
    let x = pt::<T, 2>([3.0, 2.0]);
    match tape.record(x, |v| far(v)) {
        Err(e) => {
            assert!(CAP < FAR_NEEDED, "capacity {CAP}: {e}");
            assert_eq!(
                e,
                Error::TapeFull {
                    capacity: CAP,
                    needed: FAR_NEEDED
                }
            );
        }
        Ok(mut prog) => {
            assert!(CAP >= FAR_NEEDED);
            assert_eq!(prog.len(), FAR_NEEDED);
            // K is even: s = y.
            let (v, j) = prog.jacobian(x).unwrap();
            assert_eq!(v.map(f64_of), [6.0, 9.0, 3.0]);
            assert_eq!(j[0].map(f64_of), [2.0, 3.0]);
            assert_eq!(j[1].map(f64_of), [3.0, 3.0]);
            assert_eq!(j[2].map(f64_of), [1.0, 0.0]);
        }
    }
}

fn far_references_are_counted<T: Primitive + 'static>() {
    with_big_stack(|| {
        far_at::<T, 0>();
        far_at::<T, 16>();
        far_at::<T, 8191>();
        far_at::<T, 8192>();
        far_at::<T, 9001>();
        // The overflow falls on each node of the tail in turn: in the middle of the
        // REF + REF + mul_add group, between a REF and its select, ...
        far_at::<T, 9002>();
        far_at::<T, 9003>();
        far_at::<T, 9004>();
        far_at::<T, 9005>();
        far_at::<T, 9006>();
        far_at::<T, 9007>();
        far_at::<T, 9008>();
        far_at::<T, 9009>();
        far_at::<T, 9010>();
        far_at::<T, 9011>();
        far_at::<T, 9012>();
        far_at::<T, 9013>();
        far_at::<T, 16384>();
    });
}

both!(not_under_miri: far_references_are_counted);

// ---------------------------------------------------------------------------
// Workspaces, reset, node size
// ---------------------------------------------------------------------------

fn buffer_too_small<T: Primitive>() {
    let mut tape: Tape<T, 16> = Tape::new();
    let mut prog = tape
        .record(pt([1.0, 2.0]), |[x, y]| [x * y + x.sin()])
        .unwrap();
    assert_eq!(prog.len(), 5);
    let x = pt::<T, 2>([0.5, -1.5]);
    let too_small = |provided| Error::BufferTooSmall {
        needed: 5,
        provided,
    };
    assert_eq!(
        prog.hessian(x, &mut Workspace::<Dual<T, 2>, 0>::new())
            .err(),
        Some(too_small(0))
    );
    assert_eq!(
        prog.hessian(x, &mut Workspace::<Dual<T, 2>, 4>::new())
            .err(),
        Some(too_small(4))
    );
    assert_eq!(
        prog.hvp(x, pt([1.0, 0.0]), &mut Workspace::<Dual<T>, 0>::new())
            .err(),
        Some(too_small(0))
    );
    assert_eq!(
        prog.hvp(x, pt([1.0, 0.0]), &mut Workspace::<Dual<T>, 4>::new())
            .err(),
        Some(too_small(4))
    );
    // Exactly the program's length, or more, works; the errors left nothing behind.
    let want = ad_core::value_gradient_hessian(|[x, y]| x * y + x.sin(), x);
    let (v, g, h) = prog
        .hessian(x, &mut Workspace::<Dual<T, 2>, 5>::new())
        .unwrap();
    let (v6, g6, h6) = prog
        .hessian(x, &mut Workspace::<Dual<T, 2>, 6>::new())
        .unwrap();
    assert!(same(v, want.0) && same(v6, v));
    for i in 0..2 {
        assert!(same(g[i], g6[i]) && same(h[i][0], h6[i][0]) && same(h[i][1], h6[i][1]));
        assert!(same(g[i], want.1[i]), "gradient {i}");
        assert!(
            same(h[i][0], want.2[i][0]) && same(h[i][1], want.2[i][1]),
            "row {i}"
        );
    }
    let (_, _, hv) = prog
        .hvp(x, pt([1.0, 0.0]), &mut Workspace::<Dual<T>, 5>::new())
        .unwrap();
    assert!(same(hv[0], h[0][0]) && same(hv[1], h[1][0]));
    let (gv, gg) = prog.gradient(x).unwrap();
    assert!(same(gv, v) && same(gg[0], g[0]) && same(gg[1], g[1]));
}

fn reset_and_default<T: Primitive>() {
    let mut tape: Tape<T, 8> = Tape::default();
    let (v, g) = tape.gradient(|[x, y]| x - y, pt([2.0, 0.5])).unwrap();
    assert_eq!(show((v, g)), (1.5, [1.0, -1.0]));
    tape.reset();
    let (v, g) = tape.gradient(|[x, y]| x / y, pt([2.0, 0.5])).unwrap();
    assert_eq!(show((v, g)), (4.0, [2.0, -8.0]));
}

both!(buffer_too_small, reset_and_default);

#[test]
fn bytes_per_node() {
    assert_eq!(Tape::<f32, 1>::BYTES_PER_NODE, 8);
    assert_eq!(Tape::<f64, 1>::BYTES_PER_NODE, 12);
    assert_eq!(Tape::<f32, 0>::BYTES_PER_NODE, 8);
    assert_eq!(Tape::<f64, 65536>::BYTES_PER_NODE, 12);
}
