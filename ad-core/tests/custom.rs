//! User-defined elementary functions (`rules::Custom`) in every mode: forward,
//! second order, nesting, and the tape (record, replay, Hessian, table), against the
//! same function written with built-in operations.

use ad_core::rules::{Custom, Jet};
use ad_core::{Dual, Dual2, Error, HyperDual, Real, Tape, Workspace, gradient, hessian};

/// softplus(x) = ln(1 + eˣ), with its derivatives written by hand (as a firmware
/// lookup table or an implicit solve would provide them).
fn softplus_jet(x: f64) -> Jet<f64> {
    let s = 1.0 / (1.0 + (-x).exp());
    Jet {
        value: x.exp().ln_1p(),
        d1: s,
        d2: s * (1.0 - s),
    }
}
static SOFTPLUS: Custom<f64> = Custom {
    name: "softplus",
    eval: softplus_jet,
};

fn softplus_builtin<T: Real>(x: T) -> T {
    x.exp().ln_1p()
}

fn model_custom<T: Real<Primitive = f64>>([x, y]: [T; 2]) -> T {
    (x * y).custom(&SOFTPLUS) + x.custom(&SOFTPLUS) * y
}

fn model_builtin<T: Real>([x, y]: [T; 2]) -> T {
    softplus_builtin(x * y) + softplus_builtin(x) * y
}

fn close(a: f64, b: f64, what: &str) {
    // Both sides evaluate the same closed forms with different operation orders:
    // a few ulp of the largest term.
    let tol = 16.0 * f64::EPSILON * a.abs().max(b.abs()).max(1.0);
    assert!((a - b).abs() <= tol, "{what}: {a} vs {b}");
}

const POINTS: [[f64; 2]; 4] = [[0.3, -1.2], [1.5, 0.25], [-2.0, 0.7], [0.0, 0.0]];

#[test]
fn forward_and_second_order_modes() {
    for x in POINTS {
        let g1 = gradient(model_custom, x);
        let g2 = gradient(model_builtin, x);
        let h1 = hessian(model_custom, x);
        let h2 = hessian(model_builtin, x);
        for i in 0..2 {
            close(g1[i], g2[i], "gradient");
            for j in 0..2 {
                close(h1[i][j], h2[i][j], "hessian");
            }
        }
        // HyperDual mixed partial and nested second derivative.
        let hx = HyperDual::new(x[0], 1.0, 0.0, 0.0);
        let hy = HyperDual::new(x[1], 0.0, 1.0, 0.0);
        close(
            model_custom([hx, hy]).e12,
            h2[0][1],
            "hyperdual mixed partial",
        );
        let n = Dual::<Dual<f64>>::new(Dual::variable(x[0]), [Dual::constant_of(1.0)]);
        let nn = model_custom([n, Dual::constant_of(Dual::constant_of(x[1]))]);
        close(nn.eps[0].eps[0], h2[0][0], "nested second derivative");
        let q = model_custom(Dual2::<f64, 2>::variables(x));
        close(q.value(), model_builtin(x), "value");
    }
}

#[test]
fn tape_records_replays_and_prints_custom_functions() -> Result<(), Error> {
    let mut tape: Tape<f64, 64> = Tape::new();
    let mut prog = tape.record(POINTS[0], |v| [model_custom(v)])?;
    let mut work = Workspace::<Dual<f64, 2>, 64>::new();
    for x in POINTS {
        let (v, g) = prog.gradient(x)?;
        close(v, model_builtin(x), "replayed value");
        let g2 = gradient(model_builtin, x);
        close(g[0], g2[0], "replayed gradient x");
        close(g[1], g2[1], "replayed gradient y");
        let (_, _, h) = prog.hessian(x, &mut work)?;
        let h2 = hessian(model_builtin, x);
        for i in 0..2 {
            for j in 0..2 {
                close(h[i][j], h2[i][j], "forward-over-reverse hessian");
            }
        }
    }
    let text = prog.table().names(["x", "y"]).to_string();
    assert!(text.contains("softplus(v3)"), "{text}");
    Ok(())
}

#[test]
fn too_many_distinct_custom_functions_is_an_error() {
    fn jet(x: f64) -> Jet<f64> {
        Jet {
            value: x,
            d1: 1.0,
            d2: 0.0,
        }
    }
    static C: [Custom<f64>; 9] = [
        Custom {
            name: "c0",
            eval: jet,
        },
        Custom {
            name: "c1",
            eval: jet,
        },
        Custom {
            name: "c2",
            eval: jet,
        },
        Custom {
            name: "c3",
            eval: jet,
        },
        Custom {
            name: "c4",
            eval: jet,
        },
        Custom {
            name: "c5",
            eval: jet,
        },
        Custom {
            name: "c6",
            eval: jet,
        },
        Custom {
            name: "c7",
            eval: jet,
        },
        Custom {
            name: "c8",
            eval: jet,
        },
    ];
    let mut tape: Tape<f64, 64> = Tape::new();
    let ok = tape.record([1.0], |[x]| [C[..8].iter().fold(x, |a, c| a.custom(c))]);
    assert_eq!(ok.map(|p| p.values()), Ok([1.0]));
    let err = tape.record([1.0], |[x]| [C.iter().fold(x, |a, c| a.custom(c))]);
    assert_eq!(
        err.err(),
        Some(Error::TooManyCustom {
            max: ad_core::MAX_CUSTOM
        })
    );
}
