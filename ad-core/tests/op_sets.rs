//! Op sets (`Tape<T, CAP, OPS>`, `ad_core::ops`): a tape restricted to some
//! operations replays exactly like a tape with all of them (bit for bit: the same
//! rules run, only the dispatch differs), and a recording that uses another operation
//! fails with `Error::OpNotEnabled` naming it.

use ad_core::rules::{BinaryOp, Custom, Jet, UnaryOp};
use ad_core::{Dual, Error, Lanes, Real, Tape, Workspace, ops};

fn exp_log<T: Real>([x, y]: [T; 2]) -> T {
    (x * y).exp() - (x * x + T::one()).ln() + y.ln_1p() / x.exp2() + x.log(y + T::constant(3.0))
}

fn trig<T: Real>([x, y]: [T; 2]) -> T {
    x.sin() * y.cos() + (x * T::constant(0.3)).tan() - (y * T::constant(0.5)).atan()
        + y.atan2(x)
        + (x * T::constant(0.2)).asin()
}

fn hyperbolic<T: Real>([x, y]: [T; 2]) -> T {
    x.sinh() * y.cosh() + (x * y).tanh() - y.asinh() + (x * x + T::one()).acosh()
}

fn algebraic<T: Real>([x, y]: [T; 2]) -> T {
    x.sqrt() * y.cbrt() + x.powi(3) - y.recip() + x.powf(y) + x.hypot(y) + x.max(y).abs()
}

fn rounding<T: Real>([x, y]: [T; 2]) -> T {
    x * y.floor() + x.fract() * y + (x * T::constant(10.0)).round() - y.signum() + x % y
}

/// Value, gradient, Jacobian row, Hessian and a lanes gradient, for one op set.
#[allow(clippy::type_complexity)]
fn everything<const OPS: u64>(
    f: impl for<'id> Fn([ad_core::Var<'id, f64>; 2]) -> ad_core::Var<'id, f64> + Copy,
    x: [f64; 2],
) -> Result<(f64, [f64; 2], [[f64; 2]; 2], [f64; 4]), Error> {
    let mut tape: Tape<f64, 128, OPS> = Tape::new();
    let mut prog = tape.record([1.1, 1.7], |v| [f(v)])?;
    let (v, g) = prog.gradient(x)?;
    let mut work = Workspace::<Dual<f64, 2>, 128>::new();
    let (_, _, h) = prog.hessian(x, &mut work)?;
    let mut lanes = Workspace::<Lanes<f64, 4>, 128>::new();
    let xs = [
        Lanes([x[0], x[0] * 1.01, x[0] * 0.99, x[0]]),
        Lanes([x[1], x[1], x[1] * 1.02, x[1] * 0.98]),
    ];
    let (_, [gl, _]) = prog.gradient_over(xs, &mut lanes)?;
    Ok((v, g, h, gl.0))
}

fn same_bits(a: f64, b: f64) -> bool {
    a.to_bits() == b.to_bits()
}

macro_rules! agree {
    ($name:ident, $ops:expr, $f:ident) => {
        #[test]
        fn $name() -> Result<(), Error> {
            for x in [[1.3, 0.8], [0.6, 2.4], [2.0, 1.5]] {
                let (v, g, h, gl) = everything::<{ $ops }>(|v| $f(v), x)?;
                let (va, ga, ha, gla) = everything::<{ ops::ALL }>(|v| $f(v), x)?;
                assert!(same_bits(v, va), "{x:?}: value {v} vs {va}");
                assert!(
                    v.is_finite() && g.iter().all(|d| d.is_finite()),
                    "{x:?}: {g:?}"
                );
                for i in 0..2 {
                    assert!(same_bits(g[i], ga[i]), "{x:?}: gradient {g:?} vs {ga:?}");
                    for k in 0..2 {
                        assert!(same_bits(h[i][k], ha[i][k]), "{x:?}: {h:?} vs {ha:?}");
                    }
                }
                for l in 0..4 {
                    assert!(same_bits(gl[l], gla[l]), "{x:?}: lanes {gl:?} vs {gla:?}");
                }
                // And against forward mode, to rounding.
                let fg = ad_core::gradient(|v| $f(v), x);
                assert!(($f(x) - v).abs() <= 1e-13 * v.abs().max(1.0));
                for i in 0..2 {
                    assert!(
                        (fg[i] - g[i]).abs() <= 1e-12 * fg[i].abs().max(1.0),
                        "{x:?}"
                    );
                }
            }
            Ok(())
        }
    };
}

agree!(exp_log_set_replays_like_all, ops::EXP_LOG, exp_log);
agree!(trig_set_replays_like_all, ops::TRIG, trig);
agree!(hyperbolic_set_replays_like_all, ops::HYPERBOLIC, hyperbolic);
agree!(algebraic_set_replays_like_all, ops::ALGEBRAIC, algebraic);
agree!(rounding_set_replays_like_all, ops::ROUNDING, rounding);

#[test]
fn basic_ops_need_no_set() -> Result<(), Error> {
    // `0` is the basic set alone: + - * /, negation, select, comparisons.
    let mut tape: Tape<f32, 32, 0> = Tape::new();
    let mut prog = tape.record([2.0, 3.0], |[x, y]| {
        let r = Real::select(x.mask(ad_core::Compare::Lt, y), x * y, x / y);
        [-r + x - y]
    })?;
    assert_eq!(prog.gradient([2.0, 3.0])?, (-7.0, [-2.0, -3.0]));
    // 4 > 3: the select takes x / y.
    let (v, g) = prog.gradient([4.0, 3.0])?;
    let close = |a: f32, b: f32| (a - b).abs() <= 2.0 * f32::EPSILON;
    assert!(close(v, -4.0 / 3.0 + 1.0), "{v}");
    assert!(
        close(g[0], -1.0 / 3.0 + 1.0) && close(g[1], 4.0 / 9.0 - 1.0),
        "{g:?}"
    );
    Ok(())
}

static TWICE: Custom<f64> = Custom {
    name: "twice",
    eval: |x| Jet {
        value: 2.0 * x,
        d1: 2.0,
        d2: 0.0,
    },
};

#[test]
fn an_op_outside_the_set_is_an_error_naming_it() {
    const SET: u64 = ops::unary(UnaryOp::Ln);
    let mut tape: Tape<f64, 32, SET> = Tape::new();
    let name = |r: Result<ad_core::Program<'_, f64, 1, 1, SET>, Error>| match r {
        Err(Error::OpNotEnabled { op }) => op,
        Err(e) => panic!("another error: {e}"),
        Ok(_) => panic!("recorded"),
    };
    assert_eq!(name(tape.record([1.0], |[x]| [x.sin()])), "sin");
    assert_eq!(name(tape.record([1.0], |[x]| [x.powf(x)])), "powf");
    assert_eq!(name(tape.record([1.0], |[x]| [x.powi(3)])), "powi");
    assert_eq!(name(tape.record([1.0], |[x]| [x.mul_add(x, x)])), "mul_add");
    assert_eq!(name(tape.record([1.0], |[x]| [x.custom(&TWICE)])), "custom");
    assert_eq!(name(tape.record([1.0], |[x]| [x.log10()])), "log10");
    assert_eq!(name(tape.record([1.0], |[x]| [x % x])), "rem");
    assert_eq!(
        name(tape.record([1.0], |[x]| [x.ln().exp() + x.atan()])),
        "exp"
    );
    // The first one outside the set is named, also when the tape overflows after it.
    let mut small: Tape<f64, 3, SET> = Tape::new();
    let r = small.record([1.0], |[x]| [x.ln().cos() * x * x * x]);
    assert_eq!(r.err(), Some(Error::OpNotEnabled { op: "cos" }));
    // Constants are not recorded: no error for an op on constants only.
    let mut prog = tape
        .record([1.0], |[x]| [x.ln() * ad_core::Var::from(0.5).sin()])
        .unwrap();
    let (_, [g]) = prog.gradient([2.0]).unwrap();
    assert_eq!(g, 0.5f64.sin() / 2.0);
    // The display names the set.
    let e = Error::OpNotEnabled { op: "sin" };
    assert!(e.to_string().contains("`sin`"));
    assert_eq!(ops::binary(BinaryOp::Powf) & ops::BASIC, 0);
}
