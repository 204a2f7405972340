//! Public-API properties that the other suites do not cover: formatting, method
//! resolution next to a trait with the same method names (nalgebra's `ComplexField`
//! situation), generic `num_traits::Float` code, and third derivatives by nesting.

use ad_core::{Dual, Dual2, Dual64, HyperDual, HyperDual32, Real};

#[test]
fn display_and_debug_show_value_and_tangents() {
    let d = Dual64::variable(1.5) * 2.0;
    assert_eq!(d.to_string(), "3 + 2ε");
    assert_eq!(format!("{d:.2}"), "3.00 + 2.00ε");
    let d3 = Dual::<f64, 3>::variable_at(1.0, 1);
    assert_eq!(d3.to_string(), "1 + [0, 1, 0]ε");
    let h = HyperDual32::new(1.0, 2.0, 3.0, 4.0);
    assert_eq!(h.to_string(), "1 + 2ε1 + 3ε2 + 4ε1ε2");
    let q = Dual2::<f64, 2>::new(1.0, [2.0, 3.0], [[4.0, 5.0], [0.0, 6.0]]);
    assert_eq!(q.to_string(), "1 + [2, 3]ε + ½εᵀ[[4, 5], [5, 6]]ε");
    assert_eq!(format!("{d:?}"), "Dual { re: 3.0, eps: [2.0] }");
    assert_eq!(
        format!("{q:?}"),
        "Dual2 { re: 1.0, grad: [2.0, 3.0], hess: [[4.0, 5.0], [5.0, 6.0]] }"
    );
}

/// A trait with the same method names as ours, in scope: inherent methods win, so
/// calls stay unambiguous (the failure another crate had with nalgebra in scope).
#[allow(dead_code)] // never called: that is what the test shows
trait SameNames: Sized {
    fn powf(self, n: Self) -> Self;
    fn sqrt(self) -> Self;
}
impl SameNames for Dual64 {
    fn powf(self, _: Self) -> Self {
        unreachable!("the inherent method must be chosen")
    }
    fn sqrt(self) -> Self {
        unreachable!("the inherent method must be chosen")
    }
}

#[test]
fn inherent_methods_win_over_traits_in_scope() {
    let x = Dual64::variable(4.0);
    let y = x.powf(Dual64::from(2.5)) + x.sqrt();
    assert_eq!(y.re, 32.0 + 2.0);
    assert_eq!(y.eps[0], 2.5 * 8.0 + 0.25);
}

/// Code written against `num_traits::Float` only, as a user already has it.
fn logistic<F: num_traits::Float>(x: F) -> F {
    F::one() / (F::one() + (-x).exp())
}

#[test]
fn generic_float_code_differentiates_unchanged() {
    let s = logistic(0.3_f64);
    let d = logistic(Dual64::variable(0.3));
    assert_eq!(d.re, s);
    assert!((d.eps[0] - s * (1.0 - s)).abs() < 1e-16);
}

#[test]
fn three_nesting_levels_give_third_derivatives() {
    // f = sin(x)·x³ at 0.7: f''' = -cos x·x³ - 9 sin x·x² + 18 cos x·x + 6 sin x.
    fn f<T: Real>(x: T) -> T {
        x.sin() * x.powi(3)
    }
    type D1 = Dual<f64>;
    type D2 = Dual<D1>;
    type D3 = Dual<D2>;
    let x0 = 0.7_f64;
    // x = x0 + e1 + e2 + e3: the e1e2e3 coefficient of f(x) is the third derivative.
    let inner = D1::new(x0, [1.0]);
    let mid = D2::new(inner, [D1::constant_of(1.0)]);
    let x = D3::new(mid, [D2::new(D1::constant_of(1.0), [D1::constant_of(0.0)])]);
    let y = f(x);
    let (s, c) = x0.sin_cos();
    let want = -c * x0.powi(3) - 9.0 * s * x0 * x0 + 18.0 * c * x0 + 6.0 * s;
    let got = y.eps[0].eps[0].eps[0];
    assert!(
        (got - want).abs() < 1e-13 * want.abs().max(1.0),
        "{got} vs {want}"
    );
    // HyperDual over Dual: third mixed derivative d³f/dx³ as well.
    let one = D1::constant_of(1.0);
    let h = HyperDual::new(D1::variable(x0), one, one, D1::constant_of(0.0));
    let g = f(h).e12.eps[0];
    assert!(
        (g - want).abs() < 1e-13 * want.abs().max(1.0),
        "{g} vs {want}"
    );
}
