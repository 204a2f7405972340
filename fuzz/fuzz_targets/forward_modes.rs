//! Random compositions of unary elementary functions at a random point (special values
//! included): the forward types must never panic, and the modes that share a formula
//! must agree bit for bit (NaN matching NaN):
//! * first derivative: `Dual<f64, 1>`, `Dual<f64, 2>` slot 0, `HyperDual` e1 and e2,
//!   `Dual2` gradient, and the outer/inner tangents of `Dual<Dual<f64>>`;
//! * second derivative: `HyperDual` e12 and the `Dual2` Hessian;
//! * the unseeded slot of `Dual<f64, 2>` is exactly zero (strong zeros).
#![no_main]

use ad_core::{Dual, Dual2, HyperDual, Real};
use libfuzzer_sys::fuzz_target;

fn apply<T: Real>(x: T, op: u8) -> T {
    match op % 24 {
        0 => x.sin(),
        1 => x.cos(),
        2 => x.tan(),
        3 => x.exp(),
        4 => x.ln(),
        5 => x.sqrt(),
        6 => x.cbrt(),
        7 => x.tanh(),
        8 => x.atan(),
        9 => x.asin(),
        10 => x.acosh(),
        11 => x.atanh(),
        12 => x.abs(),
        13 => x.recip(),
        14 => x.powi(i32::from(op / 24) - 5),
        15 => x.exp_m1(),
        16 => x.ln_1p(),
        17 => x * x,
        18 => x + x,
        19 => x.sinh(),
        20 => x.floor(),
        21 => x.fract(),
        22 => x.powf(T::constant(f64::from(op) / 50.0 - 2.0)),
        _ => x.hypot(T::one()),
    }
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let (head, ops) = data.split_at(8);
    let x0 = f64::from_le_bytes(head.try_into().unwrap_or([0; 8]));
    let ops = &ops[..ops.len().min(16)];
    let run = |mut d1: Dual<f64>, mut d2: Dual<f64, 2>, mut h: HyperDual<f64>| {
        let mut q = Dual2::<f64, 1>::variable(x0);
        let mut n = Dual::<Dual<f64>>::new(Dual::variable(x0), [Dual::constant_of(1.0)]);
        for &op in ops {
            d1 = apply(d1, op);
            d2 = apply(d2, op);
            h = apply(h, op);
            q = apply(q, op);
            n = apply(n, op);
        }
        (d1, d2, h, q, n)
    };
    let (d1, d2, h, q, n) = run(
        Dual::variable(x0),
        Dual::variable_at(x0, 0),
        HyperDual::variable(x0),
    );
    let d = d1.eps[0];
    for (what, v) in [
        ("Dual<2>", d2.eps[0]),
        ("HyperDual e1", h.e1),
        ("HyperDual e2", h.e2),
        ("Dual2", q.gradient()[0]),
        ("nested inner", n.re.eps[0]),
    ] {
        assert!(same(d, v), "{what}: {v} vs Dual {d} at {x0} ops {ops:?}");
    }
    assert_eq!(d2.eps[1], 0.0, "unseeded slot at {x0} ops {ops:?}");
    assert!(same(h.e12, q.hessian()[0][0]), "second derivative at {x0} ops {ops:?}");
    assert!(same(d1.re, h.re) && same(d1.re, q.value()) && same(d1.re, n.re.re));
});
