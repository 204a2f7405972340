//! The special-point policy (crate docs, "Special points") in every mode, at any
//! `f64`: ±0, subnormals, ±∞, NaN, huge and tiny values, raw bit patterns.
//!
//! The input is a list of records `(op, x, y, x')`; each applies one elementary
//! function (every unary and binary row of the fuzzed set, plus the piecewise-constant
//! ones) at `(x, y)` in `Dual<f64, 1>`, `Dual<f64, 2>`, `HyperDual`, `Dual2<f64, 1|2>`,
//! nested `Dual<Dual<f64>>` and on a `Tape` (recorded at `x`, replayed at `x'`), with
//! the second argument active or constant. What must hold:
//! * **values** (rule 1): every mode's value equals the plain `f64` function bit for
//!   bit (NaN-ness and sign of zero included); the plain function is `std`'s, except
//!   `acosh`/`atanh`, which are ad-core's own formulas (the documented exception);
//! * **first derivatives**: every mode gives the rules table's partial at that point
//!   (`==`, NaN matching NaN): one elementary function is one chain-rule step, so no
//!   tolerance and no rule-9 exception applies; a constant argument contributes
//!   exactly nothing (rule 2), and an unseeded tangent slot stays exactly zero;
//! * **second derivatives**: `HyperDual` and `Dual2` give the table's `d2` (`==`);
//! * **the policy table rows**: whenever the input hits one of the table's points, the
//!   table's value and derivatives (rules 3-7: domain edges, kinks, undefined points,
//!   piecewise-constant functions, NaN in/NaN out, infinite arguments).
#![no_main]

use ad_core::rules::{self, BinaryOp, UnaryOp, Wrt};
use ad_core::{Dual, Dual2, HyperDual, Real, Tape, Workspace};
use ad_fuzz::{BINARY, Bytes, UNARY, binary, close, same, same_bits, unary};
use libfuzzer_sys::fuzz_target;

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

/// Unary rows beyond the differential set: the piecewise-constant ones.
const STEP: [UnaryOp; 6] = [
    UnaryOp::Floor,
    UnaryOp::Ceil,
    UnaryOp::Round,
    UnaryOp::Trunc,
    UnaryOp::Signum,
    UnaryOp::Fract,
];

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes::new(data);
    for _ in 0..8 {
        if b.left() == 0 {
            break;
        }
        let code = b.u8();
        let (x, y, x2) = (b.any_value(), b.any_value(), b.any_value());
        let nu = UNARY.len() + STEP.len() + 1;
        let k = usize::from(code) % (nu + BINARY.len());
        if k < UNARY.len() {
            check_unary(UNARY[k], x, x2);
        } else if k < UNARY.len() + STEP.len() {
            check_unary(STEP[k - UNARY.len()], x, x2);
        } else if k == nu - 1 {
            check_unary(UnaryOp::Powi(i32::from(code / 64) - 1), x, x2);
            check_unary(UnaryOp::Powi(i32::from(code % 7) - 3), x, x2);
        } else {
            check_binary(BINARY[k - nu], x, y, x2);
        }
    }
});

/// The plain `f64` function: `std`'s, except the documented own formulas.
fn plain_unary(op: UnaryOp, x: f64) -> f64 {
    match op {
        UnaryOp::Acosh | UnaryOp::Atanh => x.unary(op),
        UnaryOp::Floor => x.floor(),
        UnaryOp::Ceil => x.ceil(),
        UnaryOp::Round => x.round(),
        UnaryOp::Trunc => x.trunc(),
        UnaryOp::Signum => x.signum(),
        UnaryOp::Fract => x.fract(),
        UnaryOp::Powi(n) => x.powi(n),
        _ => unary(op, x),
    }
}

fn smooth(op: UnaryOp) -> bool {
    !STEP.contains(&op)
}

fn check_unary(op: UnaryOp, x: f64, x2: f64) {
    let ctx = || {
        format!(
            "{op:?} at {x:e} (bits {:#x}), replay at {x2:e}",
            x.to_bits()
        )
    };
    let v = plain_unary(op, x);
    let j = rules::unary::<f64, true>(op, x);
    let (d1, d2) = if op == UnaryOp::Neg {
        (-1.0, 0.0)
    } else {
        (j.d1, j.d2)
    };
    assert!(
        same_bits(j.value, v),
        "rules value {} vs plain {v}: {}",
        j.value,
        ctx()
    );

    let d = unary(op, Dual::<f64>::variable(x));
    let d2s = unary(op, Dual::<f64, 2>::variable_at(x, 0));
    let h = unary(op, HyperDual::<f64>::variable(x));
    let q = unary(op, Dual2::<f64, 1>::variable(x));
    let n = unary(
        op,
        Dual::<Dual<f64>>::new(Dual::variable(x), [Dual::constant_of(1.0)]),
    );
    let values = [
        ("Dual", d.re),
        ("Dual<2>", d2s.re),
        ("HyperDual", h.re),
        ("Dual2", q.value()),
        ("nested", n.re.re),
    ];
    for (what, got) in values {
        assert!(same_bits(got, v), "{what} value {got} vs {v}: {}", ctx());
    }
    let firsts = [
        ("Dual", d.eps[0]),
        ("Dual<2>", d2s.eps[0]),
        ("HyperDual e1", h.e1),
        ("HyperDual e2", h.e2),
        ("Dual2", q.gradient()[0]),
        ("nested inner", n.re.eps[0]),
        ("nested outer", n.eps[0].re),
    ];
    for (what, got) in firsts {
        assert!(same(got, d1), "{what} d1 {got} vs table {d1}: {}", ctx());
    }
    assert!(d2s.eps[1] == 0.0, "unseeded slot {}: {}", d2s.eps[1], ctx());
    assert!(
        same(h.e12, d2) && same(q.hessian()[0][0], d2),
        "d2: {}",
        ctx()
    );
    // A constant argument is a constant: every tangent exactly zero.
    let c = unary(op, Dual::<f64, 2>::constant_of(x));
    assert!(
        c.eps == [0.0, 0.0] && same_bits(c.re, v),
        "constant: {}",
        ctx()
    );

    // Reverse mode, and a replay at x2.
    let mut tape: Tape<f64, 8> = Tape::new();
    match tape.record([x], |[t]| [unary(op, t)]) {
        Ok(mut prog) => {
            let (tv, [tg]) = prog.gradient_at_recorded();
            assert!(same_bits(tv, v), "tape value {tv}: {}", ctx());
            assert!(same(tg, d1), "tape d1 {tg} vs {d1}: {}", ctx());
            let mut work = Workspace::<Dual<f64>, 8>::new();
            match prog.hessian([x], &mut work) {
                Ok((hv, [hg], _)) => {
                    assert!(same_bits(hv, v) && same(hg, d1), "tape hessian: {}", ctx())
                }
                Err(e) => panic!("hessian: {e}: {}", ctx()),
            }
            let j2 = rules::unary::<f64, false>(op, x2);
            let want = if op == UnaryOp::Neg { -1.0 } else { j2.d1 };
            match prog.gradient([x2]) {
                Ok((rv, [rg])) => {
                    assert!(
                        same_bits(rv, plain_unary(op, x2)),
                        "replay value: {}",
                        ctx()
                    );
                    assert!(same(rg, want), "replay d1 {rg} vs {want}: {}", ctx());
                }
                Err(e) => panic!("replay: {e}: {}", ctx()),
            }
        }
        Err(e) => panic!("record: {e}: {}", ctx()),
    }

    // Rule 7 and rule 6: NaN in, NaN out; piecewise-constant derivatives.
    // Neg is arithmetic (rule 8, IEEE): its derivative is -1 even at NaN.
    // So are x^0 and x^1 (derivatives 0 and 1 at NaN too: see the findings).
    let linear = matches!(op, UnaryOp::Neg | UnaryOp::Powi(0 | 1));
    if smooth(op) && !linear && x.is_nan() {
        assert!(v.is_nan() && d1.is_nan(), "NaN in: {}", ctx());
    }
    if !smooth(op) {
        let want = if op == UnaryOp::Fract { 1.0 } else { 0.0 };
        assert!(d1 == want && d2 == 0.0, "piecewise constant: {}", ctx());
    }
    if let Some((tv, td1)) = table_unary(op, x) {
        assert!(same(v, tv), "table value {v} vs {tv}: {}", ctx());
        assert!(same(d1, td1), "table d1 {d1} vs {td1}: {}", ctx());
    }
}

/// The unary rows of the policy table: `(value, d1)` where `x` is one of its points.
fn table_unary(op: UnaryOp, x: f64) -> Option<(f64, f64)> {
    use UnaryOp as U;
    let pi = core::f64::consts::PI;
    let zero = x == 0.0;
    Some(match op {
        U::Sqrt | U::Cbrt if zero => (x, INF),
        U::Abs if zero => (0.0, 0.0),
        U::Powi(k) if zero && x.is_sign_positive() => match k {
            0 => (1.0, 0.0),
            1 => (0.0, 1.0),
            2 => (0.0, 0.0),
            -1 => (INF, -INF),
            _ => return None,
        },
        U::Ln | U::Log2 | U::Log10 if zero => (-INF, INF),
        U::Ln1p if x == -1.0 => (-INF, INF),
        U::Asin if x.abs() == 1.0 => (x * pi / 2.0, INF),
        U::Acos if x == 1.0 => (0.0, -INF),
        U::Acos if x == -1.0 => (pi, -INF),
        U::Atanh if x.abs() == 1.0 => (x * INF, INF),
        U::Acosh if x == 1.0 => (0.0, INF),
        U::Recip if zero => (1.0 / x, -INF),
        U::Exp if x == -INF => (0.0, 0.0),
        U::Tanh if x.is_infinite() => (x.signum(), 0.0),
        U::Atan if x.is_infinite() => (x.signum() * pi / 2.0, 0.0),
        U::Sqrt | U::Ln if x == INF => (INF, 0.0),
        U::Exp if x == INF => (INF, INF),
        U::Sinh if x.is_infinite() => (x, INF),
        U::Cosh if x.is_infinite() => (INF, x),
        U::Sin | U::Cos | U::Tan if x.is_infinite() => (NAN, NAN),
        _ => return None,
    })
}

fn check_binary(op: BinaryOp, x: f64, y: f64, x2: f64) {
    let ctx = || format!("{op:?} at ({x:e}, {y:e}), replay x at {x2:e}");
    let v = binary(op, x, y);
    let both = rules::binary::<f64, true>(op, x, y, Wrt::BOTH);
    assert!(same_bits(both.value, v), "rules value: {}", ctx());
    let only_x = rules::binary::<f64, true>(op, x, y, Wrt { x: true, y: false });
    let only_y = rules::binary::<f64, true>(op, x, y, Wrt { x: false, y: true });

    // Both active.
    let [a, b] = Dual::<f64, 2>::variables([x, y]);
    let d = binary(op, a, b);
    let h = binary(
        op,
        HyperDual::new(x, 1.0, 0.0, 0.0),
        HyperDual::new(y, 0.0, 1.0, 0.0),
    );
    let [qa, qb] = Dual2::<f64, 2>::variables([x, y]);
    let q = binary(op, qa, qb);
    let values = [("Dual", d.re), ("HyperDual", h.re), ("Dual2", q.value())];
    for (what, got) in values {
        assert!(same_bits(got, v), "{what} value {got} vs {v}: {}", ctx());
    }
    // Arithmetic runs its own product/quotient recurrences: rounding, not the table's
    // formula, so a few ulps (NaN-ness and infinities exact).
    let near = |a: f64, b: f64| close(a, b, b.abs(), 2);
    let firsts = [
        ("Dual dx", d.eps[0], both.dx),
        ("Dual dy", d.eps[1], both.dy),
        ("HyperDual dx", h.e1, both.dx),
        ("HyperDual dy", h.e2, both.dy),
        ("Dual2 dx", q.gradient()[0], both.dx),
        ("Dual2 dy", q.gradient()[1], both.dy),
    ];
    // `*` and `/` run their own product and quotient rules (rule 8): a few ulps from
    // the table's formula; every other row is the table's partial exactly.
    let arith = matches!(op, BinaryOp::Mul | BinaryOp::Div);
    let eq = |a: f64, b: f64| if arith { near(a, b) } else { same(a, b) };
    for (what, got, want) in firsts {
        assert!(eq(got, want), "{what} {got} vs table {want}: {}", ctx());
    }
    assert!(
        near(h.e12, both.dxy),
        "HyperDual dxy {} vs {}: {}",
        h.e12,
        both.dxy,
        ctx()
    );
    let hq = q.hessian();
    let seconds = [
        (hq[0][0], both.dxx),
        (hq[0][1], both.dxy),
        (hq[1][0], both.dxy),
        (hq[1][1], both.dyy),
    ];
    for (got, want) in seconds {
        assert!(near(got, want), "Dual2 hessian {hq:?} vs table: {}", ctx());
    }

    // One argument constant: its partial never enters (rule 2).
    let dx = binary(op, Dual::<f64, 2>::variable_at(x, 0), Dual::constant_of(y));
    let dy = binary(op, Dual::<f64, 2>::constant_of(x), Dual::variable_at(y, 1));
    assert!(
        same_bits(dx.re, v) && same_bits(dy.re, v),
        "const values: {}",
        ctx()
    );
    assert!(
        eq(dx.eps[0], only_x.dx) && dx.eps[1] == 0.0,
        "y const: {dx:?}: {}",
        ctx()
    );
    assert!(
        eq(dy.eps[1], only_y.dy) && dy.eps[0] == 0.0,
        "x const: {dy:?}: {}",
        ctx()
    );

    // Reverse mode: both active, then y as a recorded constant.
    let mut tape: Tape<f64, 8> = Tape::new();
    match tape.record([x, y], |[a, b]| [binary(op, a, b)]) {
        Ok(mut prog) => {
            let (tv, g) = prog.gradient_at_recorded();
            assert!(same_bits(tv, v), "tape value: {}", ctx());
            assert!(
                same(g[0], both.dx) && same(g[1], both.dy),
                "tape {g:?}: {}",
                ctx()
            );
            let want = rules::binary::<f64, false>(op, x2, y, Wrt::BOTH);
            match prog.gradient([x2, y]) {
                Ok((rv, g)) => {
                    assert!(same_bits(rv, binary(op, x2, y)), "replay value: {}", ctx());
                    assert!(
                        same(g[0], want.dx) && same(g[1], want.dy),
                        "replay {g:?}: {}",
                        ctx()
                    );
                }
                Err(e) => panic!("replay: {e}: {}", ctx()),
            }
        }
        Err(e) => panic!("record: {e}: {}", ctx()),
    }
    match tape.record([x], |[a]| [binary(op, a, Real::constant(y))]) {
        Ok(mut prog) => {
            let (tv, [g]) = prog.gradient_at_recorded();
            assert!(same_bits(tv, v), "tape value (y const): {}", ctx());
            assert!(same(g, only_x.dx), "tape dx {g} (y const): {}", ctx());
        }
        Err(e) => panic!("record: {e}: {}", ctx()),
    }

    if let Some((tv, tdx, tdy)) = table_binary(op, x, y) {
        assert!(same(v, tv), "table value {v} vs {tv}: {}", ctx());
        assert!(
            same(both.dx, tdx) && same(both.dy, tdy),
            "table partials: {}",
            ctx()
        );
    }
}

/// The binary rows of the policy table: `(value, ∂/∂x, ∂/∂y)` at its points.
fn table_binary(op: BinaryOp, x: f64, y: f64) -> Option<(f64, f64, f64)> {
    use BinaryOp as B;
    let pi = core::f64::consts::PI;
    Some(match op {
        B::Powf if x == 0.0 && x.is_sign_positive() => match y {
            0.0 => (1.0, 0.0, -INF),
            0.5 => (0.0, INF, 0.0),
            1.0 => (0.0, 1.0, 0.0),
            2.0 | 2.5 => (0.0, 0.0, 0.0),
            -1.0 => (INF, -INF, -INF),
            _ => return None,
        },
        // x.atan2(y): x is the ordinate.
        B::Atan2 if x == 0.0 && y == 0.0 => (v_atan2(x, y), NAN, NAN),
        B::Atan2 if x == 1.0 && y == 0.0 => (pi / 2.0, 0.0, -1.0),
        B::Atan2 if x == 0.0 && x.is_sign_positive() && y == -1.0 => (pi, -1.0, 0.0),
        B::Hypot if x == 0.0 && y == 0.0 => (0.0, 0.0, 0.0),
        B::Hypot if x.is_infinite() && !y.is_nan() && !y.is_infinite() => (INF, x.signum(), 0.0),
        B::Min | B::Max if x == y && x.is_finite() => (x, 0.5, 0.5),
        B::Min | B::Max if x.is_nan() && !y.is_nan() => (y, 0.0, 1.0),
        B::Min | B::Max if y.is_nan() && !x.is_nan() => (x, 1.0, 0.0),
        _ => return None,
    })
}

fn v_atan2(x: f64, y: f64) -> f64 {
    x.atan2(y)
}
