//! Every mode over `Lanes` equals the same mode point by point.
//!
//! Lane `i` of a computation over `Lanes<T, L>` must be what the scalar computation at
//! point `i` gives: bit for bit where both use the same scalar function (arithmetic and
//! every elementary function without a vector kernel, special points and strong zeros
//! included), and within the vector kernels' error where a lane goes through one (`exp`,
//! `ln`, `sin`, `cos`, `tan`, `atan`, `tanh`, `sqrt`, `powf`: at most 2 ulp in `f32` and
//! 4 in `f64` against the true value, so at most 3 and 5 ulp against the scalar
//! function, itself within 1 ulp; a derivative built from such a value by a few
//! operations gets a few ulp more, hence the 8/16 ulp below). NaN must appear in a lane
//! exactly when it appears in the scalar computation, and infinities must match.
//!
//! The points mix regimes on purpose: lanes on both sides of every branch of the rules
//! table (|x| < 1 and > 1 for atan and tanh, signs for abs, ties and NaN for min/max,
//! axes and infinities for atan2 and hypot, zero bases for powf), special values, and
//! tangents that are exactly zero in some lanes only.

use ad_core::rules::{BinaryOp, Custom, Jet, UnaryOp};
use ad_core::{
    Compare, Dual, Dual2, Error, HyperDual, LaneMask, LaneMath, Lanes, MaskOps, Primitive, Real,
    Tape, Workspace, vmap,
};

const UNARY: [UnaryOp; 33] = [
    UnaryOp::Neg,
    UnaryOp::Recip,
    UnaryOp::Sqrt,
    UnaryOp::Cbrt,
    UnaryOp::Exp,
    UnaryOp::Exp2,
    UnaryOp::ExpM1,
    UnaryOp::Ln,
    UnaryOp::Log2,
    UnaryOp::Log10,
    UnaryOp::Ln1p,
    UnaryOp::Sin,
    UnaryOp::Cos,
    UnaryOp::Tan,
    UnaryOp::Asin,
    UnaryOp::Acos,
    UnaryOp::Atan,
    UnaryOp::Sinh,
    UnaryOp::Cosh,
    UnaryOp::Tanh,
    UnaryOp::Asinh,
    UnaryOp::Acosh,
    UnaryOp::Atanh,
    UnaryOp::Abs,
    UnaryOp::Signum,
    UnaryOp::Floor,
    UnaryOp::Ceil,
    UnaryOp::Round,
    UnaryOp::Trunc,
    UnaryOp::Fract,
    UnaryOp::Powi(3),
    UnaryOp::Powi(-2),
    UnaryOp::Powi(0),
];

const BINARY: [BinaryOp; 11] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Div,
    BinaryOp::Rem,
    BinaryOp::Powf,
    BinaryOp::Atan2,
    BinaryOp::Hypot,
    BinaryOp::Log,
    BinaryOp::Min,
    BinaryOp::Max,
];

/// Lane values for the unary tests: every regime of every row, special values.
const XS: [f64; 24] = [
    0.0,
    -0.0,
    0.3,
    -0.3,
    0.999,
    -0.999,
    1.0,
    -1.0,
    1.5,
    -2.5,
    3.0,
    10.0,
    -10.0,
    0.5,
    2.0,
    1e-300,
    1e300,
    40.0,
    -40.0,
    100.5,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    7.25,
];

/// Pairs for the binary tests.
const PAIRS: [(f64, f64); 24] = [
    (0.0, 0.0),
    (0.0, 2.5),
    (0.0, -1.0),
    (-0.0, 3.0),
    (2.0, 3.0),
    (-2.0, 3.0),
    (-2.0, 0.5),
    (1.0, f64::NAN),
    (f64::NAN, 1.0),
    (1.5, 1.5),
    (0.0, 1.0),
    (1.0, 0.0),
    (-1.0, 0.0),
    (0.0, -2.0),
    (f64::INFINITY, 1.0),
    (1.0, f64::INFINITY),
    (3.0, -4.0),
    (-3.0, -4.0),
    (1e200, 1e200),
    (1e-200, 1e-200),
    (0.5, 2.0),
    (2.0, 10.0),
    (7.0, 2.0),
    (-0.5, -0.25),
];

fn uses_kernel_unary(op: UnaryOp) -> bool {
    matches!(
        op,
        UnaryOp::Exp
            | UnaryOp::Ln
            | UnaryOp::Sin
            | UnaryOp::Cos
            | UnaryOp::Tan
            | UnaryOp::Atan
            | UnaryOp::Tanh
            | UnaryOp::Sqrt
            // Rules whose derivative calls a kernel function.
            | UnaryOp::ExpM1
            | UnaryOp::Asin
            | UnaryOp::Acos
            | UnaryOp::Acosh
            | UnaryOp::Cbrt
            | UnaryOp::Asinh
    )
}

fn uses_kernel_binary(op: BinaryOp) -> bool {
    matches!(op, BinaryOp::Powf | BinaryOp::Log)
}

/// `a` (a lane) agrees with `b` (the scalar): same NaN-ness, equal, or within `ulps`
/// of the larger magnitude when `approx`.
fn agree<T: Primitive>(a: T, b: T, approx: bool, ulps: f64, what: &str) {
    let (a, b) = (a.to_f64_exact(), b.to_f64_exact());
    if a.is_nan() || b.is_nan() {
        assert!(a.is_nan() && b.is_nan(), "{what}: lane {a:e}, scalar {b:e}");
        return;
    }
    if !approx || a.is_infinite() || b.is_infinite() {
        assert!(
            a == b && (a != 0.0 || a.is_sign_negative() == b.is_sign_negative() || approx),
            "{what}: lane {a:e}, scalar {b:e}"
        );
        return;
    }
    let eps = T::epsilon().to_f64_exact();
    let scale = a
        .abs()
        .max(b.abs())
        .max(T::min_positive_value().to_f64_exact());
    assert!(
        (a - b).abs() <= ulps * eps * scale,
        "{what}: lane {a:e}, scalar {b:e} (more than {ulps} ulp apart)"
    );
}

/// The tolerance (in ulp) for a result computed from kernel values.
fn tol<T: Primitive>() -> f64 {
    if T::epsilon().to_f64_exact() > 1e-10 {
        8.0
    } else {
        16.0
    }
}

fn lanes_of<T: LaneMath, const L: usize>(xs: &[f64], offset: usize) -> Lanes<T, L> {
    Lanes::from_fn(|i| T::constant(xs[(offset + i) % xs.len()]))
}

/// Whether operation number `n` is checked on the chunk of `l` points at `off` (of
/// `len`): every chunk natively; under Miri (an interpreter, where these sweeps take
/// minutes) one chunk per operation, taken in turn, so that the operations together
/// still see every point.
fn checks_chunk(n: usize, off: usize, len: usize, l: usize) -> bool {
    !cfg!(miri) || off / l == n % len.div_ceil(l)
}

fn unary_every_mode<T: LaneMath>() {
    const L: usize = 8;
    for (n, op) in UNARY.into_iter().enumerate() {
        for off in (0..XS.len())
            .step_by(L)
            .filter(|&off| checks_chunk(n, off, XS.len(), L))
        {
            let x: Lanes<T, L> = lanes_of(&XS, off);
            // A tangent that is exactly zero in some lanes: strong zeros per lane.
            let t = Lanes::from_fn(|i| if i % 3 == 0 { T::zero() } else { T::one() });
            let approx = uses_kernel_unary(op);
            let what = |mode: &str, i: usize| format!("{op:?} {mode} at {:?}", x.0[i]);

            let v = x.unary(op);
            let d = Dual::<Lanes<T, L>, 2>::new(x, [t, Lanes::splat(T::one())]).unary(op);
            let h = HyperDual::new(x, t, Lanes::splat(T::one()), Lanes::splat(T::zero())).unary(op);
            let q = Dual2::<Lanes<T, L>, 1>::variable(x).unary(op);
            for i in 0..L {
                let xi = x.0[i];
                agree(v.0[i], xi.unary(op), approx, tol::<T>(), &what("value", i));
                let ds = Dual::<T, 2>::new(xi, [t.0[i], T::one()]).unary(op);
                agree(d.re.0[i], ds.re, approx, tol::<T>(), &what("Dual re", i));
                for k in 0..2 {
                    agree(
                        d.eps[k].0[i],
                        ds.eps[k],
                        approx,
                        tol::<T>(),
                        &what("Dual eps", i),
                    );
                }
                let hs = HyperDual::new(xi, t.0[i], T::one(), T::zero()).unary(op);
                agree(
                    h.e1.0[i],
                    hs.e1,
                    approx,
                    tol::<T>(),
                    &what("HyperDual e1", i),
                );
                agree(
                    h.e12.0[i],
                    hs.e12,
                    approx,
                    tol::<T>(),
                    &what("HyperDual e12", i),
                );
                let qs = Dual2::<T, 1>::variable(xi).unary(op);
                agree(
                    q.gradient()[0].0[i],
                    qs.gradient()[0],
                    approx,
                    tol::<T>(),
                    &what("Dual2 g", i),
                );
                agree(
                    q.hessian()[0][0].0[i],
                    qs.hessian()[0][0],
                    approx,
                    tol::<T>(),
                    &what("Dual2 h", i),
                );
            }
        }
    }
}

#[test]
fn unary_every_mode_f64() {
    unary_every_mode::<f64>();
}

#[test]
fn unary_every_mode_f32() {
    unary_every_mode::<f32>();
}

fn binary_every_mode<T: LaneMath>() {
    const L: usize = 8;
    let xs: Vec<f64> = PAIRS.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = PAIRS.iter().map(|p| p.1).collect();
    for (n, op) in BINARY.into_iter().enumerate() {
        for off in (0..PAIRS.len())
            .step_by(L)
            .filter(|&off| checks_chunk(n, off, PAIRS.len(), L))
        {
            let x: Lanes<T, L> = lanes_of(&xs, off);
            let y: Lanes<T, L> = lanes_of(&ys, off);
            // y's tangent is exactly zero in some lanes (a constant exponent there).
            let ty = Lanes::from_fn(|i| if i % 2 == 0 { T::zero() } else { T::one() });
            let approx = uses_kernel_binary(op);
            let what =
                |mode: &str, i: usize| format!("{op:?} {mode} at ({:?}, {:?})", x.0[i], y.0[i]);
            let one = Lanes::splat(T::one());
            let zero = Lanes::splat(T::zero());

            let d =
                Dual::<Lanes<T, L>, 2>::new(x, [one, zero]).binary(op, Dual::new(y, [zero, ty]));
            let h =
                HyperDual::new(x, one, zero, zero).binary(op, HyperDual::new(y, zero, ty, zero));
            let [qx, qy] = Dual2::<Lanes<T, L>, 2>::variables([x, y]);
            let q = qx.binary(op, qy);
            for i in 0..L {
                let (xi, yi) = (x.0[i], y.0[i]);
                let ds = Dual::<T, 2>::new(xi, [T::one(), T::zero()])
                    .binary(op, Dual::new(yi, [T::zero(), ty.0[i]]));
                agree(d.re.0[i], ds.re, approx, tol::<T>(), &what("value", i));
                for k in 0..2 {
                    agree(
                        d.eps[k].0[i],
                        ds.eps[k],
                        approx,
                        tol::<T>(),
                        &what("Dual eps", i),
                    );
                }
                let hs = HyperDual::new(xi, T::one(), T::zero(), T::zero())
                    .binary(op, HyperDual::new(yi, T::zero(), ty.0[i], T::zero()));
                agree(
                    h.e1.0[i],
                    hs.e1,
                    approx,
                    tol::<T>(),
                    &what("HyperDual e1", i),
                );
                agree(
                    h.e2.0[i],
                    hs.e2,
                    approx,
                    tol::<T>(),
                    &what("HyperDual e2", i),
                );
                agree(
                    h.e12.0[i],
                    hs.e12,
                    approx,
                    tol::<T>(),
                    &what("HyperDual e12", i),
                );
                let [sx, sy] = Dual2::<T, 2>::variables([xi, yi]);
                let qs = sx.binary(op, sy);
                for a in 0..2 {
                    agree(
                        q.gradient()[a].0[i],
                        qs.gradient()[a],
                        approx,
                        tol::<T>(),
                        &what("Dual2 g", i),
                    );
                    for b in 0..2 {
                        agree(
                            q.hessian()[a][b].0[i],
                            qs.hessian()[a][b],
                            approx,
                            tol::<T>(),
                            &what("Dual2 h", i),
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn binary_every_mode_f64() {
    binary_every_mode::<f64>();
}

#[test]
fn binary_every_mode_f32() {
    binary_every_mode::<f32>();
}

/// A composition with a select, a recorded comparison used as a mask, powi, atan2 and
/// a kernel function: replayed over lanes against the scalar replay per point.
fn model<T: Real>([x, y, z]: [T; 3]) -> T {
    let r = x.hypot(y);
    let s = T::select(x.mask(Compare::Gt, T::zero()), x.sqrt(), T::zero());
    let w = (x * y - z).abs().max(z.powi(2) * T::constant(0.25));
    r * s + w.atan2(T::one() + r) + (z * T::constant(0.1)).exp() * y
}

fn replay_points<T: LaneMath>() -> Vec<[T; 3]> {
    let raw = [
        [0.0, 1.0, 2.0],
        [1.0, 2.0, 0.5],
        [-1.0, 0.5, 0.0],
        [4.0, -3.0, 1.0],
        [0.0, 0.0, 0.0],
        [2.0, 1.0, 2.0],
        [0.25, -0.5, -2.0],
        [9.0, 3.0, 27.0],
        [1e-3, 2.0, -1.0],
        [3.0, 4.0, 12.0],
        [0.5, 0.5, 0.125],
    ];
    // Under Miri every other point: one full chunk of 4 and a remainder of 2, both
    // sides of the select.
    raw.iter()
        .step_by(if cfg!(miri) { 2 } else { 1 })
        .map(|p| p.map(T::constant))
        .collect()
}

fn replay_gradients<T: LaneMath>() -> Result<(), Error> {
    const L: usize = 4;
    let mut tape: Tape<T, 64> = Tape::new();
    let mut prog = tape.record([T::one(), T::one(), T::one()], |x| [model(x)])?;
    let pts = replay_points::<T>();
    let n = pts.len();
    let (mut v, mut g) = (vec![T::zero(); n], vec![[T::zero(); 3]; n]);
    let mut work = Workspace::<Lanes<T, L>, 64>::new();
    vmap::program_gradient(&mut prog, &mut work, &pts, &mut v, &mut g)?;
    let (mut v2, mut g2, mut h2) = (
        vec![T::zero(); n],
        vec![[T::zero(); 3]; n],
        vec![[[T::zero(); 3]; 3]; n],
    );
    let mut work2 = Workspace::<Dual<Lanes<T, L>, 3>, 64>::new();
    vmap::program_hessian(&mut prog, &mut work2, &pts, &mut v2, &mut g2, &mut h2)?;
    let mut work_s = Workspace::<Dual<T, 3>, 64>::new();
    for (i, p) in pts.iter().enumerate() {
        let (vs, gs) = prog.gradient(*p)?;
        let (_, _, hs) = prog.hessian(*p, &mut work_s)?;
        let what = |m: &str| format!("{m} at {p:?}");
        agree(v[i], vs, true, tol::<T>(), &what("value"));
        agree(v2[i], vs, true, tol::<T>(), &what("value (hessian pass)"));
        for a in 0..3 {
            agree(g[i][a], gs[a], true, tol::<T>(), &what("gradient"));
            agree(
                g2[i][a],
                gs[a],
                true,
                tol::<T>(),
                &what("gradient (hessian pass)"),
            );
            for b in 0..3 {
                agree(h2[i][a][b], hs[a][b], true, tol::<T>(), &what("hessian"));
            }
        }
        // The select's untaken sqrt branch at x <= 0 never turns into NaN.
        assert!(g[i].iter().all(|c| !c.is_nan()), "NaN gradient at {p:?}");
    }
    Ok(())
}

#[test]
fn replayed_program_over_lanes_equals_replay_per_point_f64() -> Result<(), Error> {
    replay_gradients::<f64>()
}

#[test]
fn replayed_program_over_lanes_equals_replay_per_point_f32() -> Result<(), Error> {
    replay_gradients::<f32>()
}

#[test]
fn select_masks_the_untaken_branch_lane_by_lane() -> Result<(), Error> {
    fn f<T: Real>([x]: [T; 1]) -> T {
        T::select(x.mask(Compare::Gt, T::zero()), x.sqrt(), T::zero())
    }
    let mut tape: Tape<f64, 16> = Tape::new();
    let mut prog = tape.record([1.0], |x| [f(x)])?;
    let mut work = Workspace::<Lanes<f64, 4>, 16>::new();
    let (v, [g]) = prog.gradient_over([Lanes([0.0, 1.0, 4.0, -1.0])], &mut work)?;
    assert_eq!(v.0, [0.0, 1.0, 2.0, 0.0]);
    assert_eq!(g.0, [0.0, 0.5, 0.25, 0.0]);
    // Forward mode over lanes: the same.
    let d = f([Dual::<Lanes<f64, 4>>::variable(Lanes([
        0.0, 1.0, 4.0, -1.0,
    ]))]);
    assert_eq!(d.eps[0].0, [0.0, 0.5, 0.25, 0.0]);
    Ok(())
}

#[test]
fn guards_fire_when_any_lane_takes_another_branch() -> Result<(), Error> {
    fn f<T: Real>([x]: [T; 1]) -> T {
        if x > T::zero() { x * x } else { -x }
    }
    let mut tape: Tape<f64, 16> = Tape::new();
    let mut prog = tape.record([1.0], |x| [f(x)])?;
    let mut work = Workspace::<Lanes<f64, 4>, 16>::new();
    let (_, [g]) = prog.gradient_over([Lanes([1.0, 2.0, 3.0, 0.5])], &mut work)?;
    assert_eq!(g.0, [2.0, 4.0, 6.0, 1.0]);
    let r = prog.gradient_over([Lanes([1.0, 2.0, -3.0, 0.5])], &mut work);
    assert!(matches!(r, Err(Error::BranchChanged { .. })), "{r:?}");
    let r = prog.forward_over([Lanes([1.0, 2.0, 3.0, -0.5])], &mut work);
    assert!(matches!(r, Err(Error::BranchChanged { .. })), "{r:?}");
    // And through vmap: the chunk with the flipped point fails.
    let pts = [[1.0], [2.0], [3.0], [4.0], [5.0], [-6.0]];
    let (mut v, mut gs) = ([0.0; 6], [[0.0]; 6]);
    let r = vmap::program_gradient(&mut prog, &mut work, &pts, &mut v, &mut gs);
    assert!(matches!(r, Err(Error::BranchChanged { .. })), "{r:?}");
    assert_eq!(gs[..4], [[2.0], [4.0], [6.0], [8.0]]);
    Ok(())
}

#[test]
fn strong_zero_tangents_are_per_lane() {
    // sqrt at 0 has an infinite derivative; a lane whose tangent is exactly zero must
    // give 0, a lane with a tangent gives +inf.
    let x = Dual::<Lanes<f64, 2>>::new(Lanes([0.0, 0.0]), [Lanes([0.0, 1.0])]);
    let y = x.sqrt();
    assert_eq!(y.eps[0].0, [0.0, f64::INFINITY]);
    // powf(0, y) with a constant exponent in lane 0 only.
    let b =
        Dual::<Lanes<f64, 2>, 2>::new(Lanes([0.0, 0.0]), [Lanes([1.0, 1.0]), Lanes([0.0, 0.0])]);
    let e = Dual::new(Lanes([2.5, 2.5]), [Lanes([0.0, 0.0]), Lanes([0.0, 1.0])]);
    let p = b.powf(e);
    let s0 = Dual::<f64, 2>::new(0.0, [1.0, 0.0]).powf(Dual::new(2.5, [0.0, 0.0]));
    let s1 = Dual::<f64, 2>::new(0.0, [1.0, 0.0]).powf(Dual::new(2.5, [0.0, 1.0]));
    assert_eq!([p.eps[1].0[0], p.eps[1].0[1]], [s0.eps[1], s1.eps[1]]);
    assert_eq!([p.eps[0].0[0], p.eps[0].0[1]], [s0.eps[0], s1.eps[0]]);
}

#[test]
fn custom_functions_run_per_lane() {
    static CUBE: Custom<f64> = Custom {
        name: "cube",
        eval: |x| Jet {
            value: x * x * x,
            d1: 3.0 * x * x,
            d2: 6.0 * x,
        },
    };
    let x = Dual2::<Lanes<f64, 3>, 1>::variable(Lanes([1.0, 2.0, -3.0]));
    let y = x.custom(&CUBE);
    assert_eq!(y.value().0, [1.0, 8.0, -27.0]);
    assert_eq!(y.gradient()[0].0, [3.0, 12.0, 27.0]);
    assert_eq!(y.hessian()[0][0].0, [6.0, 12.0, -18.0]);
}

fn rosenbrock<T: Real, const N: usize>(x: [T; N]) -> T {
    let mut s = T::zero();
    for i in 0..N - 1 {
        let a = T::one() - x[i];
        let b = x[i + 1] - x[i] * x[i];
        s += a * a + T::constant(100.0) * b * b;
    }
    s
}

fn log_density<T: Real>([y, mu, sigma]: [T; 3]) -> T {
    let z = (y.ln() - mu) / sigma;
    -(y.ln() + sigma.ln() + T::constant(0.5) * (T::constant(2.0) * T::PI()).ln())
        - T::constant(0.5) * z * z
}

#[test]
fn vmap_helpers_equal_the_scalar_helpers() -> Result<(), Error> {
    // 11 points: two full chunks of 4 and a remainder of 3.
    let pts: Vec<[f64; 3]> = (0..11)
        .map(|i| {
            let t = f64::from(i);
            [0.5 + 0.3 * t, -0.2 + 0.1 * t, 0.7 + 0.05 * t]
        })
        .collect();
    let n = pts.len();
    let (mut v, mut g) = (vec![0.0; n], vec![[0.0; 3]; n]);
    vmap::gradient::<4, _, _, _>(log_density, &pts, &mut v, &mut g)?;
    let (mut hv, mut hg, mut hh) = (vec![0.0; n], vec![[0.0; 3]; n], vec![[[0.0; 3]; 3]; n]);
    vmap::hessian::<4, _, _, _>(rosenbrock, &pts, &mut hv, &mut hg, &mut hh)?;
    let (mut jv, mut jj) = (vec![[0.0; 2]; n], vec![[[0.0; 3]; 2]; n]);
    vmap::jacobian::<4, _, _, _, _>(|x| [log_density(x), rosenbrock(x)], &pts, &mut jv, &mut jj)?;
    let mut out = vec![[0.0; 1]; n];
    vmap::values::<4, _, _, _, _>(|x| [rosenbrock(x)], &pts, &mut out)?;
    for i in 0..n {
        let p = pts[i];
        let (vs, gs) = ad_core::value_and_gradient(log_density, p);
        let (rv, rg, rh) = ad_core::value_gradient_hessian(rosenbrock, p);
        agree(v[i], vs, true, tol::<f64>(), "vmap::gradient value");
        agree(jv[i][0], vs, true, tol::<f64>(), "vmap::jacobian value");
        assert_eq!(out[i][0], rv);
        assert_eq!((hv[i], jv[i][1]), (rv, rv));
        for a in 0..3 {
            agree(g[i][a], gs[a], true, tol::<f64>(), "vmap::gradient");
            agree(
                jj[i][0][a],
                gs[a],
                true,
                tol::<f64>(),
                "vmap::jacobian row 0",
            );
            assert_eq!(hg[i][a], rg[a]);
            assert_eq!(jj[i][1][a], rg[a]);
            assert_eq!(hh[i][a], rh[a]);
        }
    }
    Ok(())
}

#[test]
fn vmap_checks_lengths_and_accepts_empty_batches() {
    let pts = [[1.0_f32, 2.0]; 5];
    let mut v = [0.0_f32; 4];
    let mut g = [[0.0_f32; 2]; 5];
    assert_eq!(
        vmap::gradient::<8, _, _, _>(rosenbrock, &pts, &mut v, &mut g),
        Err(Error::LengthMismatch {
            expected: 5,
            found: 4
        })
    );
    let mut v = [0.0_f32; 5];
    let mut g = [[0.0_f32; 2]; 6];
    assert_eq!(
        vmap::gradient::<8, _, _, _>(rosenbrock, &pts, &mut v, &mut g),
        Err(Error::LengthMismatch {
            expected: 5,
            found: 6
        })
    );
    let none: [[f32; 2]; 0] = [];
    assert_eq!(
        vmap::gradient::<8, _, _, _>(rosenbrock, &none, &mut [], &mut []),
        Ok(())
    );
    let mut tape: Tape<f32, 4> = Tape::new();
    let mut prog = tape.record([1.0, 2.0], |[x, y]| [x * y]).expect("fits");
    let mut small = Workspace::<Lanes<f32, 4>, 2>::new();
    let (mut v, mut g) = ([0.0_f32; 5], [[0.0_f32; 2]; 5]);
    assert_eq!(
        vmap::program_gradient(&mut prog, &mut small, &pts, &mut v, &mut g),
        Err(Error::BufferTooSmall {
            needed: 3,
            provided: 2
        })
    );
}

#[test]
fn whole_batch_comparisons_and_masks() {
    let a = Lanes([1.0_f64, 2.0, 3.0]);
    let b = Lanes([0.0_f64, 5.0, 3.0]);
    assert_eq!(a.mask(Compare::Lt, b), LaneMask([false, true, false]));
    assert_eq!(a.partial_cmp(&b), None);
    assert_eq!((a < b, a > b), (false, false));
    assert!(a < Lanes::splat(4.0));
    assert_eq!(a.partial_cmp(&a), Some(core::cmp::Ordering::Equal));
    let m = a.mask(Compare::Ge, b);
    assert_eq!(m.not(), LaneMask([false, true, false]));
    assert_eq!(Lanes::select(m, a, b).0, [1.0, 5.0, 3.0]);
    assert!(num_traits::Float::is_nan(Lanes([1.0, f64::NAN])));
    assert!(!num_traits::Float::is_finite(Lanes([1.0, f64::INFINITY])));
    assert_eq!(num_traits::ToPrimitive::to_f64(&a), None);
    assert_eq!(
        num_traits::ToPrimitive::to_f64(&Lanes([2.0_f64; 3])),
        Some(2.0)
    );
}
