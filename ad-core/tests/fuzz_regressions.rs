//! Regression tests for the findings of the fuzz targets (`fuzz/`, see its README):
//! each test is the minimized input of one finding, with the values the policy asks
//! for. Findings that are still open in ad-core are `#[ignore]`d with the reason; the
//! fuzz targets skip exactly those cases until they are fixed.

use ad_core::{Dual, Dual2, HyperDual, Real, Tape, Workspace};

/// `Dual<Dual<f64, 2>, 2>` inputs seeded for the full Hessian.
fn nested(x: [f64; 2]) -> [Dual<Dual<f64, 2>, 2>; 2] {
    core::array::from_fn(|m| {
        Dual::new(
            Dual::variable_at(x[m], m),
            core::array::from_fn(|k| Dual::constant_of(if m == k { 1.0 } else { 0.0 })),
        )
    })
}

/// Value, gradient and Hessian of `f` on a tape (forward-over-reverse), and the
/// gradient of a plain reverse sweep.
#[allow(clippy::type_complexity)]
fn on_tape(
    x: [f64; 2],
    f: impl for<'id> Fn([ad_core::Var<'id, f64>; 2]) -> ad_core::Var<'id, f64>,
) -> (f64, [f64; 2], [f64; 2], [[f64; 2]; 2]) {
    let mut tape: Tape<f64, 64> = Tape::new();
    let mut prog = tape.record(x, |v| [f(v)]).unwrap();
    let (v, g) = prog.gradient_at_recorded();
    let mut work = Workspace::<Dual<f64, 2>, 64>::new();
    let (_, hg, h) = prog.hessian(x, &mut work).unwrap();
    (v, g, hg, h)
}

/// `modes` (allowed disagreement, not a bug): with infinite intermediate derivatives
/// the two modes sum the infinite path contributions in different orders. Here
/// `h = hypot(ln x, y)` at the origin has `∂h/∂x = -∞`; the output `max(h - h, h)`
/// is `h` (NaN loses). Forward mode forms `∞ - ∞` in the tangent of `h - h` and then
/// multiplies it by `max`'s zero partial: NaN. Reverse mode multiplies the adjoints
/// first (`1 + 0·1 - 0·1 = 1`) and the infinite partial last: `-∞`. Rule 9 of the crate
/// docs names only strong zeros; the fuzz tolerance rule allows exactly this (both
/// non-finite, NaN against ±∞).
#[test]
fn infinite_paths_summed_in_two_orders() {
    fn f<T: Real>([x, y]: [T; 2]) -> T {
        let h = x.ln().hypot(y);
        (h - h).max(h)
    }
    let d = f(Dual::<f64, 2>::variables([0.0, 0.0]));
    assert_eq!(d.re, f64::INFINITY);
    assert!(d.eps[0].is_nan());
    let (v, g, _, _) = on_tape([0.0, 0.0], |x| f(x));
    assert_eq!(v, f64::INFINITY);
    assert_eq!(g[0], f64::NEG_INFINITY);
}

/// `modes`, tolerance rule: the nested types differentiate `hypot`'s `x/h`, which is
/// all cancellation when `|x| ≫ |y|` (`(1 - u²)/h`, `u ≈ 1`); the table's `x²/h³` is
/// tiny and accurate. Both are within the rule's allowance for the formula's rounding
/// (`|f'|/|x|`).
#[test]
fn hypot_second_derivative_cancellation_is_within_tolerance() {
    fn f<T: Real>([x, y]: [T; 2]) -> T {
        (-y).hypot(x)
    }
    let x = [0.998_046_875, 140_462_610_448_384.0];
    let q = f(Dual2::<f64, 2>::variables(x));
    let n = f(nested(x));
    let exact = x[0] * x[0] / q.value().powi(3);
    assert!((q.hessian()[1][1] - exact).abs() <= 1e-15 * exact);
    // The nested value cancels to zero: off by the whole (tiny) value, far below the
    // rounding scale of `x/h` differentiated (1/h ≈ 7e-15).
    assert!((n.eps[1].eps[1] - exact).abs() <= 1e-20);
}

/// `modes` finding: `atan2` at the origin. The table's second derivatives are NaN
/// there (rule 5: undefined), and `HyperDual`/`Dual2` say so; the nested type
/// differentiates the rule's `x/h` with `h = hypot(0, 0) = 0 + 0ε` and gets ±∞.
#[test]
fn atan2_origin_second_derivative_is_nan_everywhere() {
    fn f<T: Real>([x, y]: [T; 2]) -> T {
        y.atan2(x)
    }
    let q = f(Dual2::<f64, 2>::variables([0.0, 0.0]));
    assert!(q.hessian()[0][1].is_nan());
    let n = f(nested([0.0, 0.0]));
    assert!(n.eps[1].eps[0].is_nan(), "nested: {:?}", n.eps[1].eps[0]);
    let (_, _, _, h) = on_tape([0.0, 0.0], |x| f(x));
    assert!(h[0][1].is_nan(), "tape: {:?}", h[0][1]);
}

/// `modes` finding: forward-over-reverse differentiates `log`'s `∂/∂x = 1/(x ln y)`;
/// at `x = 0` the product `x · ln y` has value 0 and its `y`-tangent `0 · (1/y)` is an
/// exact zero, so `recip`'s infinite partial is dropped by the strong-zero rule and
/// the mixed partial comes out `0` where the table (and `Dual2`, `HyperDual`, the
/// nested type) say `-∞` (the limit of `-1/(x y ln²y)`). A finite wrong number.
#[test]
fn log_mixed_partial_at_zero_on_the_tape() {
    fn f<T: Real>([x, y]: [T; 2]) -> T {
        x.log(y)
    }
    let x = [0.0, 6.415_283_203_125];
    let q = f(Dual2::<f64, 2>::variables(x));
    assert_eq!(q.hessian()[0][1], f64::NEG_INFINITY);
    let (_, _, _, h) = on_tape(x, |v| f(v));
    assert_eq!(h[0][1], f64::NEG_INFINITY);
    assert_eq!(h[1][0], f64::NEG_INFINITY);
}

/// `special` finding: the table's `∂(x/y)/∂y = -(x/y) · (1/y)` overflows in `1/y` for a
/// subnormal `y`. At `x = -0` the true partial is `0` (forward mode's quotient rule
/// `-(x/y)/y` gives it); the tape, which uses the table, gives NaN (`0 · ∞`). Where
/// `x/y` is not zero it gives `-∞` instead of the finite `-(x/y)/y`.
#[test]
fn quotient_partial_for_subnormal_divisor() {
    for (x, y) in [(-0.0, 5e-324), (5e-324, 2.960_908_435_969_314e-309)] {
        let d = {
            let [a, b] = Dual::<f64, 2>::variables([x, y]);
            a / b
        };
        let want = -(x / y) / y;
        assert_eq!(d.eps[1], want);
        let (_, g, _, _) = on_tape([x, y], |[a, b]| a / b);
        assert_eq!(g[1], want, "tape at ({x:e}, {y:e})");
    }
}

/// `special` finding: `HyperDual`'s quotient recurrence takes its all-finite fast path
/// and multiplies an overflowed `∂(x/y)/∂y = ∞` by the exactly zero `ε₁` tangent of
/// `y`: the mixed partial is NaN where the table says `-1/y² = -∞`.
#[test]
fn hyperdual_quotient_mixed_partial_overflow() {
    let (x, y) = (-1.0, 2.225_073_858_507_201e-308);
    let h = HyperDual::new(x, 1.0, 0.0, 0.0) / HyperDual::new(y, 0.0, 1.0, 0.0);
    assert_eq!(h.e12, f64::NEG_INFINITY);
    let q = {
        let [a, b] = Dual2::<f64, 2>::variables([x, y]);
        a / b
    };
    assert_eq!(q.hessian()[0][1], f64::NEG_INFINITY);
}

/// `modes` finding: value-based zero tests see a whole `Dual` in the nested type.
/// `x.powf(y)` at `x = -5e-324`, `y = 2` underflows to `0`: `Dual` takes the policy's
/// zero-value shortcut for `∂/∂y = v · ln x` (0), while the nested type's value
/// `0 + 2x·ε` is not exactly zero, so it evaluates `0 · ln(x<0) = NaN`. One policy
/// "the same for every nesting depth" would give `0` in both.
#[test]
fn nested_powf_exponent_partial_at_underflow() {
    fn f<T: Real>([y, x]: [T; 2]) -> T {
        x.powf(y)
    }
    let x = [2.0, -5e-324];
    let d = f(Dual::<f64, 2>::variables(x));
    assert_eq!(d.re, 0.0);
    assert_eq!(d.eps[0], 0.0);
    let n = f(nested(x));
    assert_eq!(n.re.eps[0], 0.0);
    assert_eq!(n.eps[0].re, 0.0, "nested outer: {:?}", n.eps[0].re);
}

/// `modes` finding: the same whole-`Dual` zero tests in forward-over-reverse make the
/// gradient that `Program::hessian` returns differ from `Program::gradient` on the
/// same program at the same point.
#[test]
fn hessian_gradient_matches_gradient() {
    fn f<T: Real>([x0, x1]: [T; 2]) -> T {
        x1.powf(x1).powf(x0)
    }
    let (v, g, hg, _) = on_tape([-3.201_416_015_625, 1.698_088_764_615_23e38], |x| f(x));
    assert_eq!(v, 0.0);
    for i in 0..2 {
        assert!(
            hg[i] == g[i] || (hg[i].is_nan() && g[i].is_nan()),
            "{i}: hessian's gradient {} vs gradient {}",
            hg[i],
            g[i]
        );
    }
}

/// `modes` (allowed disagreement, rule 9 in second order): a derivative component that
/// rounds to exactly zero in one evaluation order is a strong zero there and not in
/// the other. `ℓ = log10(x₀²x₁³)` at `x₀ = x₁ ≈ -1` has a NaN value (log of a negative)
/// but finite partials; `∂²ℓ/∂x₀∂x₁` cancels to exactly `0` when seeded `(ε₁ = x₀,
/// ε₂ = x₁)` and not when seeded the other way round, so in `ℓ²` the NaN value times
/// that component is dropped in one seeding (a finite mixed partial) and kept in the
/// other (NaN). The fuzz rule allows exactly this: one side non-finite.
#[test]
fn mixed_partial_zero_by_rounding_depends_on_seeding() {
    fn f<T: Real>([x0, x1]: [T; 2]) -> T {
        let l = ((x1 * x0) * x1 * (x1 * x0)).log10();
        l * l
    }
    let x = [-0.999_999_999_999_115_6, -0.999_999_999_999_115_6];
    let seeded = |i: usize, k: usize| {
        f([0, 1].map(|m| {
            let e = |s: usize| if m == s { 1.0 } else { 0.0 };
            HyperDual::<f64>::new(x[m], e(i), e(k), 0.0)
        }))
    };
    let (h01, h10) = (seeded(0, 1), seeded(1, 0));
    assert!(h01.re.is_nan() && h10.re.is_nan());
    assert!(h01.e12.is_finite() && h10.e12.is_nan());
    let q = f(Dual2::<f64, 2>::variables(x));
    assert_eq!(q.hessian()[0][1], h01.e12);
}

/// `modes` (allowed disagreement, rule 2 under nesting): `u = log_x(x)` is `1` with a
/// first derivative that cancels to exactly `0` in `Dual`, while the nested type's
/// outer tangent of `u` is the whole `Dual` `0 + u''·ε`, where `u''` (`0` exactly in
/// theory) rounds to a tiny non-zero number. `log(u, u) = 0/0` has infinite/NaN
/// partials: `Dual`'s strong zero drops them (derivative `0`), the nested type's
/// tangent is not zero in every component (rule 2 looks at every component), so it
/// multiplies them (`NaN`). The fuzz rule allows exactly this: nested outer tangent
/// non-finite where a first-order tangent is exactly zero, its second-order part is
/// not, and a non-finite partial lies between the node and the output.
#[test]
fn nested_strong_zero_looks_at_every_component() {
    fn f<T: Real>([_x0, x1]: [T; 2]) -> T {
        let u = x1.log(x1);
        u.log(u)
    }
    let x = [2.0078125, 2.0078125];
    let u = {
        let [_, x1] = nested(x);
        x1.log(x1)
    };
    assert_eq!(u.re.eps[1], 0.0);
    assert_eq!(u.eps[1].re, 0.0);
    assert_ne!(u.eps[1].eps[1], 0.0, "rounding leaves a second-order part");
    let d = f(Dual::<f64, 2>::variables(x));
    assert_eq!(d.eps[1], 0.0);
    let n = f(nested(x));
    assert_eq!(n.re.eps[1], 0.0, "the inner level is Dual's");
    assert!(n.eps[1].re.is_nan(), "nested outer: {:?}", n.eps[1].re);
}

/// `modes` finding (open): the second-order term of a binary row in `Dual2` and
/// `HyperDual` multiplies an exactly zero tangent component by an infinite one.
/// `a = ln x₁` at `x₁ = 0` is `-∞` with `∂a/∂x₁ = +∞` and `∂a/∂x₀ = 0`; `log(a, a)` has
/// NaN partials there. The output does not depend on `x₀`, so `∂²/∂x₀∂x₁` is `0`: the
/// nested type and forward-over-reverse say so (strong zero, rule 2), but `Dual2`'s
/// Hessian and `HyperDual`'s `ε₁ε₂` (seeded `ε₁ = x₀`, `ε₂ = x₁`) are NaN
/// (`∂² · (0 · ∞)`). A unary row in the same position is fine (`(ln x₁)²` gives `0`).
#[test]
fn binary_second_order_term_zero_times_infinite_tangent() {
    fn f<T: Real>([_x0, x1]: [T; 2]) -> T {
        let a = x1.ln();
        a.log(a)
    }
    let x = [0.0, 0.0];
    let n = f(nested(x));
    assert_eq!(n.eps[1].eps[0], 0.0);
    let (_, _, _, h) = on_tape(x, |v| f(v));
    assert_eq!(h[0][1], 0.0);
    let q = f(Dual2::<f64, 2>::variables(x));
    let hd = f([
        HyperDual::new(0.0, 1.0, 0.0, 0.0),
        HyperDual::new(0.0, 0.0, 1.0, 0.0),
    ]);
    assert_eq!(q.hessian()[0][1], 0.0, "Dual2: {:?}", q.hessian());
    assert_eq!(hd.e12, 0.0, "HyperDual: {hd:?}");
}

/// `modes` over lanes (allowed, not bit for bit): the sign of a zero derivative may
/// depend on the other lanes. `Dual`'s product rule takes its strong-zero path for the
/// whole batch when any lane has a non-finite component; that path writes `+0` for an
/// exactly zero tangent where the plain rule gives `0 · c + a · 0 = -0` (here `c < 0`).
/// Values and non-zero derivatives are the scalar ones bit for bit; the target compares
/// derivatives with `==`.
#[test]
fn lanes_zero_sign_depends_on_other_lanes() {
    use ad_core::Lanes;
    let c = -7.740_234_375;
    let s = Dual::<f64, 1>::new(-3.13, [0.0]) * Dual::constant_of(c);
    let with_nan = Dual::<Lanes<f64, 2>, 1>::new(Lanes([-3.13, f64::NAN]), [Lanes([0.0; 2])])
        * Dual::constant_of(Lanes::splat(c));
    let finite = Dual::<Lanes<f64, 2>, 1>::new(Lanes([-3.13, 1.0]), [Lanes([0.0; 2])])
        * Dual::constant_of(Lanes::splat(c));
    assert_eq!(s.eps[0], with_nan.eps[0].0[0]);
    assert_eq!(s.eps[0].to_bits(), finite.eps[0].0[0].to_bits());
    assert!(s.eps[0].is_sign_negative() && with_nan.eps[0].0[0].is_sign_positive());
}

/// `modes` finding (fixed): `powf` at a zero base. The table's mixed partial
/// `∂²(bᵉ)/∂b∂e = b^(e-1)(1 + e ln b)` is undefined at `0⁰` (`∞ · NaN`, NaN by rule 5)
/// and `-∞` at `0¹` and `0^0.5`; `Dual2` says so. The nested type and
/// forward-over-reverse differentiate the first-partial formulas instead, whose
/// short-circuits (`y·x^(y-1) = 0` at `0⁰`, `v·ln x = 0` where `v = 0`) dropped the
/// tangent or formed `∞ - ∞`: an asymmetric Hessian (`0` one way, `±∞` or NaN the
/// other). Fixed by lifting the partials' tangents from the table's second partials at
/// a zero base. Every mode now gives `Dual2`'s Hessian at every zero-base point,
/// including over lanes mixed with ordinary points.
#[test]
fn powf_at_a_zero_base_has_the_same_hessian_in_every_mode() {
    use ad_core::{Lanes, vmap};
    fn f<T: Real>([b, e]: [T; 2]) -> T {
        b.powf(e)
    }
    let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
    let points = [
        [0.0, 0.0],
        [0.0, 1.0],
        [0.0, 0.5],
        [0.0, 2.0],
        [0.0, -1.0],
        [0.0, 1.5],
        [0.0, 3.0],
        [-0.0, 0.0],
        [0.7, 1.3],
    ];
    let mut tape: Tape<f64, 64> = Tape::new();
    let mut prog = tape.record([1.0, 1.0], |v| [f(v)]).unwrap();
    let mut work = Workspace::<Dual<Lanes<f64, 4>, 2>, 64>::new();
    let n = points.len();
    let (mut lv, mut lg, mut lh) = ([0.0; 9], [[0.0; 2]; 9], [[[0.0; 2]; 2]; 9]);
    vmap::program_hessian(&mut prog, &mut work, &points, &mut lv, &mut lg, &mut lh).unwrap();
    for (p, x) in points.iter().enumerate().take(n) {
        let x = *x;
        // The ordinary point (0.7, 1.3) is rounded differently by each mode (lanes use
        // the vector kernels, within a few ulp): 64 ulp of relative tolerance there.
        let same = |a: f64, b: f64| {
            same(a, b) || (x[0] != 0.0 && (a - b).abs() <= 64.0 * f64::EPSILON * b.abs())
        };
        let q = f(Dual2::<f64, 2>::variables(x));
        let (g2, h2) = (q.gradient(), q.hessian());
        // The mathematically expected mixed partial at the zero-base points.
        if x[0] == 0.0 {
            let want = match x[1] {
                0.0 => f64::NAN,
                e if e <= 1.0 => f64::NEG_INFINITY,
                _ => 0.0,
            };
            if x[1] >= 0.0 {
                assert!(same(h2[0][1], want), "{x:?}: Dual2 {h2:?}");
            }
        }
        let nst = f(nested(x));
        let (_, tg, _, th) = on_tape(x, |v| f(v));
        let hd = |i: usize, k: usize| {
            let mut d = [HyperDual::constant(x[0]), HyperDual::constant(x[1])];
            d[i].e1 = 1.0;
            d[k].e2 = 1.0;
            f(d).e12
        };
        for i in 0..2 {
            assert!(
                same(nst.eps[i].re, g2[i]) && same(tg[i], g2[i]),
                "{x:?} grad {i}"
            );
            assert!(same(lg[p][i], g2[i]), "{x:?} lanes grad {i}: {:?}", lg[p]);
            for k in 0..2 {
                let want = h2[i][k];
                assert!(
                    same(nst.eps[i].eps[k], want),
                    "{x:?} nested [{i}][{k}]: {:?}",
                    nst.eps
                );
                assert!(same(th[i][k], want), "{x:?} tape [{i}][{k}]: {th:?}");
                assert!(
                    same(lh[p][i][k], want),
                    "{x:?} lanes [{i}][{k}]: {:?}",
                    lh[p]
                );
                assert!(same(hd(i, k), want), "{x:?} HyperDual [{i}][{k}]");
            }
        }
    }
}

/// A user function whose derivative is infinite (a square-root-like ramp at 0) keeps
/// its value under nesting: lifting the jet multiplied the infinite derivative by a
/// tangent whose value is zero, `∞ · 0 = NaN` in the value (found while fixing the
/// zero-base `powf`; the lift now scales tangents under the strong-zero rule).
#[test]
fn custom_with_an_infinite_derivative_under_nesting() {
    use ad_core::rules::{Custom, Jet};
    static ROOT: Custom<f64> = Custom {
        name: "root",
        eval: |x| {
            let r = x.sqrt();
            Jet {
                value: r,
                d1: 0.5 / r,
                d2: -0.25 / (r * x),
            }
        },
    };
    let x: Dual<Dual<f64>> = Dual::new(Dual::variable(0.0), [Dual::constant_of(1.0)]);
    let y = x.custom(&ROOT);
    assert_eq!(y.re.re, 0.0);
    assert_eq!((y.re.eps[0], y.eps[0].re), (f64::INFINITY, f64::INFINITY));
    assert_eq!(y.eps[0].eps[0], f64::NEG_INFINITY);
    // At 4 every component is finite and exact: 2, 1/4, -1/32.
    let x: Dual<Dual<f64>> = Dual::new(Dual::variable(4.0), [Dual::constant_of(1.0)]);
    let y = x.custom(&ROOT);
    assert_eq!(
        (y.re.re, y.re.eps[0], y.eps[0].eps[0]),
        (2.0, 0.25, -1.0 / 32.0)
    );
}

/// `modes` finding over lanes (open): `powf`'s partials take `v/x` when the value `v`
/// and the base `x` are normal, else `x^(y-1)` with the rounded exponent `y - 1`, whose
/// relative error is up to `|ln x · (y-1)| · ε/2` (hundreds of ulp for a base near the
/// bottom of the normal range). Over lanes the test `is_normal()` is for the whole
/// batch, so one lane with base `0` sends every lane down the second formula: lane 0's
/// `∂/∂x` differs from the scalar one at the same point by far more than the few ulp
/// that the kernels allow.
#[test]
fn lanes_powf_partial_depends_on_other_lanes() {
    use ad_core::Lanes;
    let (x, y) = (2.225_073_858_507_201_4e-308, 0.1);
    let scalar = {
        let [a, b] = Dual::<f64, 2>::variables([x, y]);
        a.powf(b).eps[0]
    };
    let [a, b] = Dual::<Lanes<f64, 2>, 2>::variables([Lanes([x, 0.0]), Lanes([y, 1.0])]);
    let lanes = a.powf(b).eps[0].0[0];
    let ulps = ((lanes - scalar) / scalar).abs() / f64::EPSILON;
    assert!(
        ulps <= 4.0,
        "lane {lanes:e}, scalar {scalar:e}: {ulps:.0} ulp"
    );
}

/// `modes` finding (fixed): `powf(x, y)` at `y = 0` with a subnormal base. The
/// primitive's `∂/∂x = y·x^(y-1)` is `0` (the exactly zero `y` short-circuits), but a
/// nested `y` (zero value, non-zero tangent) went through the formula, where
/// `x^(-1)` overflows: `0 · ∞ = NaN` in the value, so `Program::hessian`'s gradient
/// (and the nested first derivative) was NaN where the gradient is `0`. The partial
/// now keeps the value `0` and takes its tangent from the table's mixed partial.
/// Program from the fuzz input: `recip(powf(x₁, x₀))`, lane `(0, -5e-324)`.
#[test]
fn powf_zero_exponent_subnormal_base_gradient() {
    use ad_core::{Lanes, vmap};
    fn f<T: Real>([e, b]: [T; 2]) -> T {
        b.powf(e).recip()
    }
    for b in [-5e-324, 5e-324, 1e-310, -2.5e-320] {
        let x = [0.0, b];
        let (v, g, hg, _) = on_tape(x, |v| f(v));
        assert_eq!(v, 1.0);
        assert_eq!(g[1], 0.0, "{b:e}: ∂/∂b at a zero exponent");
        assert_eq!(
            hg[1].to_bits(),
            g[1].to_bits(),
            "{b:e}: Hessian replay's gradient"
        );
        assert_eq!(hg[0].to_bits(), g[0].to_bits(), "{b:e}");
        let n = f(nested(x));
        assert_eq!(n.eps[1].re, 0.0, "{b:e}: nested ∂/∂b");
        let q = f(Dual2::<f64, 2>::variables(x));
        assert_eq!(q.gradient()[1], 0.0);
        // The mixed partial: nested and Dual2 agree (both -1/b · ... overflowed).
        let (h2, hn) = (q.hessian()[0][1], n.eps[1].eps[0]);
        assert!(
            h2 == hn || (h2.is_nan() && hn.is_nan()),
            "{b:e}: {h2} vs {hn}"
        );
    }
    // Over lanes, next to ordinary points: the gradient equals the scalar one.
    let mut tape: Tape<f64, 16> = Tape::new();
    let mut prog = tape.record([1.0, 2.0], |v| [f(v)]).unwrap();
    let mut work = Workspace::<Dual<Lanes<f64, 4>, 2>, 16>::new();
    let pts = [[0.0, -5e-324], [0.5, 2.0], [0.0, 1e-310], [1.5, 0.25]];
    let (mut v, mut g, mut h) = ([0.0; 4], [[0.0; 2]; 4], [[[0.0; 2]; 2]; 4]);
    vmap::program_hessian(&mut prog, &mut work, &pts, &mut v, &mut g, &mut h).unwrap();
    for (p, x) in pts.iter().enumerate() {
        let (_, sg) = prog.gradient(*x).unwrap();
        for i in 0..2 {
            let (a, b) = (g[p][i], sg[i]);
            assert!(
                a == b
                    || (a.is_nan() && b.is_nan())
                    || (a - b).abs() <= 8.0 * f64::EPSILON * b.abs(),
                "{x:?}: {a} vs {b}"
            );
        }
    }
}
