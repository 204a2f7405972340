//! Generated code (`Program::to_rust`, written by the build script from
//! `codegen_programs.rs`) against the interpreted replay of the same recording: the
//! same values, gradients, errors and second-order results at every point, special
//! values included, over `f64`, `f32`, `Lanes` and `Dual`; and against closed forms.
#![allow(clippy::needless_range_loop)]

use ad_core::{Dual, Error, Lanes, Primitive, VecTape, Workspace};
use examples::generated as g;
use examples::programs::{self as p, LOGNORMAL_AT, PAIR_AT, UNARY_AT, cotangent};

/// Equal, with every NaN equal to every NaN and `-0 == +0` (the one documented
/// difference: a zero adjoint's sign).
fn same<T: Primitive>(a: T, b: T) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

fn same_all<T: Primitive>(what: &str, got: &[T], want: &[T]) {
    assert_eq!(got.len(), want.len());
    for (k, (&a, &b)) in got.iter().zip(want).enumerate() {
        assert!(
            same(a, b),
            "{what}[{k}]: generated {a:?}, interpreted {b:?}"
        );
    }
}

const SPECIAL: [f64; 14] = [
    -2.5,
    -1.0,
    -0.5,
    -0.0,
    0.0,
    0.3,
    0.5,
    1.0,
    1.5,
    2.0,
    1e300,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

const PAIRS: [f64; 8] = [-1.5, -0.0, 0.0, 0.5, 1.5, 2.0, f64::INFINITY, f64::NAN];

fn pairs() -> Vec<[f64; 2]> {
    PAIRS
        .iter()
        .flat_map(|&x| PAIRS.iter().map(move |&y| [x, y]))
        .collect()
}

type Vjp<T, const N: usize, const M: usize> = fn([T; N], [T; M]) -> Result<([T; M], [T; N]), Error>;
type Gradient<S, const N: usize> = fn([S; N]) -> Result<(S, [S; N]), Error>;
type Value<T, const N: usize, const M: usize> = fn([T; N]) -> Result<[T; M], Error>;

/// Values and `vjp`s of the generated functions against the interpreted replay of
/// `f` recorded at `at`, at every point: the same numbers or the same error.
fn agree<T: Primitive, const N: usize, const M: usize>(
    name: &str,
    f: impl Fn([ad_core::Var<'_, T>; N]) -> [ad_core::Var<'_, T>; M],
    at: [T; N],
    points: &[[T; N]],
    value: Value<T, N, M>,
    vjp: Vjp<T, N, M>,
) {
    let mut tape = VecTape::<T>::new();
    let mut prog = tape.record(at, f).expect("records");
    let w: [T; M] = core::array::from_fn(cotangent);
    let mut errors = 0;
    for &x in points {
        let what = format!("{name} at {x:?}");
        match (prog.vjp(x, w), vjp(x, w)) {
            (Ok((v, gi)), Ok((gv, gg))) => {
                same_all(&format!("{what}: value"), &gv, &v);
                same_all(&format!("{what}: vjp"), &gg, &gi);
            }
            (Err(e), Err(ge)) => {
                assert_eq!(ge, e, "{what}");
                errors += 1;
            }
            (i, out) => panic!("{what}: interpreted {i:?}, generated {out:?}"),
        }
        match (prog.forward(x), value(x)) {
            (Ok(v), Ok(gv)) => same_all(&format!("{what}: forward"), &gv, &v),
            (i, out) => assert_eq!(out.err(), i.err(), "{what}: forward"),
        }
    }
    // Only the guarded program has points where its branch changes.
    assert_eq!(errors > 0, name == "guarded", "{name}: {errors} errors");
}

#[test]
fn unary_rows_agree_at_special_points() {
    let pts: Vec<[f64; 1]> = SPECIAL.iter().map(|&x| [x]).collect();
    agree(
        "unary_rows",
        |v| p::unary_rows(v),
        UNARY_AT,
        &pts,
        g::unary_rows_value,
        g::unary_rows_vjp,
    );
    let pts32: Vec<[f32; 1]> = SPECIAL.iter().map(|&x| [x as f32]).collect();
    agree(
        "unary_rows_f32",
        |v| p::unary_rows(v),
        UNARY_AT.map(|v| v as f32),
        &pts32,
        g::unary_rows_f32_value,
        g::unary_rows_f32_vjp,
    );
}

#[test]
fn binary_rows_agree_at_special_points() {
    agree(
        "binary_rows",
        |v| p::binary_rows(v),
        PAIR_AT,
        &pairs(),
        g::binary_rows_value,
        g::binary_rows_vjp,
    );
}

#[test]
fn selects_agree_and_mask_the_branch_not_taken() {
    agree(
        "selects",
        |v| p::selects(v),
        PAIR_AT,
        &pairs(),
        g::selects_value,
        g::selects_vjp,
    );
    // `select(x > 0, √x, 0)` at 0: the √ branch is not taken, its infinite partial
    // never multiplies.
    let (_, [gx, _]) = g::selects_vjp([0.0, 0.5], [1.0, 0.0, 0.0, 0.0]).expect("no guard");
    assert_eq!(gx, 0.0);
}

#[test]
fn guards_fire_at_the_same_node() {
    agree(
        "guarded",
        |v| p::guarded(v),
        PAIR_AT,
        &pairs(),
        g::guarded_value,
        g::guarded_vjp,
    );
    let mut tape = VecTape::<f64>::new();
    let mut prog = tape.record(PAIR_AT, |v| p::guarded(v)).expect("records");
    let e = prog.gradient([0.5, 1.5]).err();
    assert!(matches!(e, Some(Error::BranchChanged { .. })));
    assert_eq!(g::guarded_gradient([0.5, 1.5]).err(), e);
}

#[test]
fn custom_functions_agree() {
    let with = |x: [f64; 2], w: [f64; 1]| g::with_custom_vjp([&p::SOFTPLUS], x, w);
    let value = |x: [f64; 2]| g::with_custom_value([&p::SOFTPLUS], x);
    agree(
        "with_custom",
        |v| p::with_custom(v),
        PAIR_AT,
        &pairs(),
        value,
        with,
    );
    // Against the closed form: d/dx [sp(xy) x + sp(y)] = σ(xy) y x + sp(xy).
    let sig = |t: f64| 1.0 / (1.0 + (-t).exp());
    let sp = |t: f64| t.exp().ln_1p();
    let (x, y) = (0.7, -1.3);
    let (_, [gx, gy]) = g::with_custom_gradient([&p::SOFTPLUS], [x, y]).expect("no guard");
    assert!((gx - (sig(x * y) * y * x + sp(x * y))).abs() <= 1e-15);
    assert!((gy - (sig(x * y) * x * x + sig(y))).abs() <= 1e-15);
}

#[test]
fn far_operands_agree() {
    let mut tape = VecTape::<f64>::new();
    let len = tape.record(PAIR_AT, |v| p::far(v)).expect("records").len();
    assert!(
        len > 8191,
        "{len} nodes: the operand must be out of a field's reach"
    );
    // Every node's value and adjoint is a local of the generated function: over
    // 12 000 nodes, an unoptimized build needs more than a test thread's 2 MiB stack.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            agree(
                "far",
                |v| p::far(v),
                PAIR_AT,
                &pairs()[..16],
                g::far_value,
                g::far_vjp,
            )
        })
        .expect("spawns")
        .join()
        .expect("agrees");
}

/// The generated gradient over `Lanes<T, 4>` and `Dual<T, N>` (forward-over-reverse)
/// against the interpreted replay over the same types, at `points` (4 at a time).
fn agree_over<const N: usize>(
    name: &str,
    f: impl Fn([ad_core::Var<'_, f64>; N]) -> [ad_core::Var<'_, f64>; 1],
    at: [f64; N],
    points: &[[f64; N]],
    lanes: Gradient<Lanes<f64, 4>, N>,
    duals: Gradient<Dual<f64, N>, N>,
) {
    let mut tape = VecTape::<f64>::new();
    let mut prog = tape.record(at, f).expect("records");
    let mut wl = Box::new(Workspace::<Lanes<f64, 4>, 512>::new());
    let mut wd = Box::new(Workspace::<Dual<f64, N>, 512>::new());
    for chunk in points.chunks_exact(4) {
        let xs: [Lanes<f64, 4>; N] =
            core::array::from_fn(|k| Lanes(core::array::from_fn(|j| chunk[j][k])));
        match (prog.gradient_over(xs, &mut wl), lanes(xs)) {
            (Ok((v, gi)), Ok((gv, gg))) => {
                same_all(&format!("{name} lanes value at {chunk:?}"), &gv.0, &v.0);
                for k in 0..N {
                    same_all(
                        &format!("{name} lanes ∂{k} at {chunk:?}"),
                        &gg[k].0,
                        &gi[k].0,
                    );
                }
            }
            (i, out) => assert_eq!(out.err(), i.err(), "{name} lanes at {chunk:?}"),
        }
    }
    for &x in points {
        let xs = Dual::variables(x);
        match (prog.gradient_over(xs, &mut wd), duals(xs)) {
            (Ok((v, gi)), Ok((gv, gg))) => {
                assert!(same(gv.re, v.re), "{name} dual value at {x:?}");
                for k in 0..N {
                    same_all(
                        &format!("{name} Hessian row {k} at {x:?}"),
                        &gg[k].eps,
                        &gi[k].eps,
                    );
                    assert!(same(gg[k].re, gi[k].re), "{name} dual gradient at {x:?}");
                }
            }
            (i, out) => assert_eq!(out.err(), i.err(), "{name} dual at {x:?}"),
        }
    }
}

#[test]
fn lanes_and_second_order_agree() {
    let unary: Vec<[f64; 1]> = SPECIAL.iter().chain(&SPECIAL[..2]).map(|&x| [x]).collect();
    agree_over(
        "unary_sum",
        |v| p::weighted(p::unary_rows, v),
        UNARY_AT,
        &unary,
        g::unary_sum_gradient,
        g::unary_sum_gradient,
    );
    let pairs = pairs();
    agree_over(
        "binary_sum",
        |v| p::weighted(p::binary_rows, v),
        PAIR_AT,
        &pairs,
        g::binary_sum_gradient,
        g::binary_sum_gradient,
    );
    agree_over(
        "selects_sum",
        |v| p::weighted(p::selects, v),
        PAIR_AT,
        &pairs,
        g::selects_sum_gradient,
        g::selects_sum_gradient,
    );
    agree_over(
        "guarded",
        |v| p::guarded(v),
        PAIR_AT,
        &pairs,
        g::guarded_gradient,
        g::guarded_gradient,
    );
    let ln: Vec<[f64; 3]> = (0..16)
        .map(|i| {
            [
                0.5 + 0.3 * i as f64,
                -0.5 + 0.1 * i as f64,
                0.6 + 0.05 * i as f64,
            ]
        })
        .collect();
    agree_over(
        "lognormal",
        |v| p::lognormal(v),
        LOGNORMAL_AT,
        &ln,
        g::lognormal_gradient,
        g::lognormal_gradient,
    );
}

#[test]
fn gradients_and_hessians_match_closed_forms() {
    // Log-normal log-density: ∂y = −1/y − z/(σ y), ∂μ = z/σ, ∂σ = −1/σ + z²/σ with
    // z = (ln y − μ)/σ.
    for &[y, mu, s] in &[[1.5_f64, 0.2, 0.8], [0.3, -1.0, 2.0], [4.0, 1.0, 0.5]] {
        let z = (y.ln() - mu) / s;
        let want = [-1.0 / y - z / (s * y), z / s, -1.0 / s + z * z / s];
        let (_, got) = g::lognormal_gradient([y, mu, s]).expect("no guard");
        for k in 0..3 {
            assert!(
                (got[k] - want[k]).abs() <= 1e-14 * want[k].abs().max(1.0),
                "∂{k}"
            );
        }
        let (_, g32) =
            g::lognormal_f32_gradient([y as f32, mu as f32, s as f32]).expect("no guard");
        for k in 0..3 {
            // f32: a few ulp of the largest term.
            assert!(
                (f64::from(g32[k]) - want[k]).abs() <= 1e-5 * want[k].abs().max(1.0),
                "f32 ∂{k}"
            );
        }
    }
    // Rosenbrock n = 6: gradient and (forward-over-reverse) Hessian.
    let x: [f64; 6] = core::array::from_fn(|i| -1.0 + 0.4 * i as f64);
    let (f, grad) = g::rosenbrock6_gradient(Dual::variables(x)).expect("no guard");
    let mut want_f = 0.0;
    let mut want_g = [0.0; 6];
    let mut want_h = [[0.0; 6]; 6];
    for i in 0..5 {
        let (a, b) = (x[i], x[i + 1]);
        want_f += 100.0 * (b - a * a).powi(2) + (1.0 - a).powi(2);
        want_g[i] += -400.0 * a * (b - a * a) - 2.0 * (1.0 - a);
        want_g[i + 1] += 200.0 * (b - a * a);
        want_h[i][i] += 1200.0 * a * a - 400.0 * b + 2.0;
        want_h[i][i + 1] += -400.0 * a;
        want_h[i + 1][i] += -400.0 * a;
        want_h[i + 1][i + 1] += 200.0;
    }
    assert!((f.re - want_f).abs() <= 1e-12 * want_f);
    for i in 0..6 {
        assert!((grad[i].re - want_g[i]).abs() <= 1e-12 * want_g[i].abs().max(1.0));
        for j in 0..6 {
            assert!((grad[i].eps[j] - want_h[i][j]).abs() <= 1e-12 * want_h[i][j].abs().max(1.0));
        }
    }
}
