//! Pins every row of the special-point policy in the crate docs, in every mode:
//! `Dual<T, 1>`, `Dual<T, 2>` (strong zeros across tangent slots), `HyperDual<T>`,
//! `Dual2<T, 1>` / `Dual2<T, 2>` and nested `Dual<Dual<T>>`, for `f32` and `f64`.
//!
//! Expected values here are the policy's own numbers (exact: 0, ±1, ±∞, NaN, π), not
//! output copied from the implementation.

use ad_core::{Dual, Dual2, HyperDual, Primitive, Real};

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

/// `got` equals `want` as a policy value: NaN matches NaN, infinities match by sign,
/// zeros match regardless of sign (sign-sensitive rows check it separately).
fn same<T: Real>(got: T, want: f64) -> bool {
    let g = got.primal().to_f64_exact();
    if want.is_nan() {
        g.is_nan()
    } else if want.is_infinite() || want == 0.0 {
        g == want
    } else {
        // Finite non-zero policy values (π/2, 1, -1, ...) to the precision of T.
        let eps = if core::mem::size_of::<T::Primitive>() == 4 {
            4e-7
        } else {
            1e-15
        };
        (g - want).abs() <= eps * want.abs()
    }
}

macro_rules! check {
    ($what:expr, $got:expr, $want:expr) => {{
        let (g, w) = ($got, $want);
        assert!(same(g, w), "{}: got {:?}, want {:?}", $what, g, w);
    }};
}

/// Evaluates a unary expression in every mode at `x` and checks value, first and
/// (when given) second derivative.
macro_rules! unary_row {
    ($t:ty, $x:expr, |$v:ident| $body:expr, value $val:expr, d1 $d1:expr $(, d2 $d2:expr)?) => {{
        let x0: $t = $x as $t;
        let name = concat!(stringify!($t), ": ", stringify!($body), " at ", stringify!($x));
        let plain: $t = { let $v = x0; $body };
        check!(format!("{name} plain value"), plain, $val);
        let d = { let $v = Dual::<$t, 1>::variable(x0); $body };
        check!(format!("{name} Dual value"), d.re, $val);
        check!(format!("{name} Dual d1"), d.eps[0], $d1);
        // Second tangent slot unseeded: a strong zero, whatever the partial is.
        let d2s = { let $v = Dual::<$t, 2>::variable_at(x0, 0); $body };
        check!(format!("{name} Dual<2> d1"), d2s.eps[0], $d1);
        check!(format!("{name} Dual<2> unseeded slot"), d2s.eps[1], 0.0);
        let h = { let $v = HyperDual::<$t>::variable(x0); $body };
        check!(format!("{name} HyperDual value"), h.re, $val);
        check!(format!("{name} HyperDual e1"), h.e1, $d1);
        check!(format!("{name} HyperDual e2"), h.e2, $d1);
        let q = { let $v = Dual2::<$t, 1>::variable(x0); $body };
        check!(format!("{name} Dual2 value"), q.value(), $val);
        check!(format!("{name} Dual2 d1"), q.gradient()[0], $d1);
        let n = {
            let $v = Dual::<Dual<$t>>::new(Dual::variable(x0), [Dual::constant_of(1.0)]);
            $body
        };
        check!(format!("{name} nested value"), n.re.re, $val);
        check!(format!("{name} nested d1 (outer)"), n.eps[0].re, $d1);
        check!(format!("{name} nested d1 (inner)"), n.re.eps[0], $d1);
        $(
            check!(format!("{name} HyperDual d2"), h.e12, $d2);
            check!(format!("{name} Dual2 d2"), q.hessian()[0][0], $d2);
            check!(format!("{name} nested d2"), n.eps[0].eps[0], $d2);
        )?
    }};
}

/// Evaluates a binary expression in every two-variable mode at `(x, y)` and checks
/// value and both partials.
macro_rules! binary_row {
    ($t:ty, ($x:expr, $y:expr), |$a:ident, $b:ident| $body:expr,
     value $val:expr, dx $dx:expr, dy $dy:expr) => {{
        let (x0, y0): ($t, $t) = ($x as $t, $y as $t);
        let name = concat!(
            stringify!($t),
            ": ",
            stringify!($body),
            " at ",
            stringify!(($x, $y))
        );
        let plain: $t = {
            let ($a, $b) = (x0, y0);
            $body
        };
        check!(format!("{name} plain value"), plain, $val);
        let d = {
            let [$a, $b] = Dual::<$t, 2>::variables([x0, y0]);
            $body
        };
        check!(format!("{name} Dual value"), d.re, $val);
        check!(format!("{name} Dual dx"), d.eps[0], $dx);
        check!(format!("{name} Dual dy"), d.eps[1], $dy);
        let h = {
            let $a = HyperDual::<$t>::new(x0, 1.0, 0.0, 0.0);
            let $b = HyperDual::<$t>::new(y0, 0.0, 1.0, 0.0);
            $body
        };
        check!(format!("{name} HyperDual value"), h.re, $val);
        check!(format!("{name} HyperDual dx"), h.e1, $dx);
        check!(format!("{name} HyperDual dy"), h.e2, $dy);
        let q = {
            let [$a, $b] = Dual2::<$t, 2>::variables([x0, y0]);
            $body
        };
        check!(format!("{name} Dual2 value"), q.value(), $val);
        check!(format!("{name} Dual2 dx"), q.gradient()[0], $dx);
        check!(format!("{name} Dual2 dy"), q.gradient()[1], $dy);
        let n = {
            let [ia, ib] = Dual::<$t, 2>::variables([x0, y0]);
            let $a = Dual::new(ia, [ia.eps[0].into(), 0.0.into()]);
            let $b = Dual::new(ib, [0.0.into(), ib.eps[1].into()]);
            $body
        };
        check!(format!("{name} nested value"), n.re.re, $val);
        check!(format!("{name} nested dx"), n.eps[0].re, $dx);
        check!(format!("{name} nested dy"), n.eps[1].re, $dy);
    }};
}

/// Only `x` active (`y` a constant): the strong-zero rule must keep `dy` out.
macro_rules! const_y_row {
    ($t:ty, ($x:expr, $y:expr), |$a:ident, $b:ident| $body:expr, value $val:expr, dx $dx:expr) => {{
        let (x0, y0): ($t, $t) = ($x as $t, $y as $t);
        let name = concat!(
            stringify!($t),
            ": ",
            stringify!($body),
            " at ",
            stringify!(($x, $y)),
            " y const"
        );
        let d = {
            let $a = Dual::<$t, 2>::variable_at(x0, 0);
            let $b = Dual::<$t, 2>::constant_of(y0);
            $body
        };
        check!(format!("{name} Dual value"), d.re, $val);
        check!(format!("{name} Dual dx"), d.eps[0], $dx);
        check!(format!("{name} Dual unseeded slot"), d.eps[1], 0.0);
        let h = {
            let $a = HyperDual::<$t>::variable(x0);
            let $b = HyperDual::<$t>::constant_of(y0);
            $body
        };
        check!(format!("{name} HyperDual value"), h.re, $val);
        check!(format!("{name} HyperDual dx"), h.e1, $dx);
        let q = {
            let $a = Dual2::<$t, 1>::variable(x0);
            let $b = Dual2::<$t, 1>::constant_of(y0);
            $body
        };
        check!(format!("{name} Dual2 value"), q.value(), $val);
        check!(format!("{name} Dual2 dx"), q.gradient()[0], $dx);
    }};
}

macro_rules! for_both {
    ($name:ident, |$t:ident| $body:block) => {
        mod $name {
            use super::*;
            #[test]
            fn f64() {
                type $t = f64;
                $body
            }
            #[test]
            fn f32() {
                type $t = f32;
                $body
            }
        }
    };
}

for_both!(sqrt_and_cbrt_at_zero, |T| {
    unary_row!(T, 0.0, |x| x.sqrt(), value 0.0, d1 INF, d2 -INF);
    unary_row!(T, -0.0, |x| x.sqrt(), value 0.0, d1 INF, d2 -INF);
    unary_row!(T, 0.0, |x| x.cbrt(), value 0.0, d1 INF, d2 -INF);
    unary_row!(T, -0.0, |x| x.cbrt(), value 0.0, d1 INF, d2 INF);
    // The value keeps the sign of zero, exactly as the primitive.
    assert!(Dual::<T>::variable(-0.0).sqrt().re.is_sign_negative());
    assert!(HyperDual::<T>::variable(-0.0).cbrt().re.is_sign_negative());
});

for_both!(abs_at_signed_zeros, |T| {
    unary_row!(T, 0.0, |x| x.abs(), value 0.0, d1 0.0, d2 0.0);
    unary_row!(T, -0.0, |x| x.abs(), value 0.0, d1 0.0, d2 0.0);
    unary_row!(T, -2.0, |x| x.abs(), value 2.0, d1 -1.0, d2 0.0);
    assert!(Dual::<T>::variable(-0.0).abs().re.is_sign_positive());
});

for_both!(powf_at_zero, |T| {
    // Both arguments active.
    binary_row!(T, (0.0, 0.0), |x, y| x.powf(y), value 1.0, dx 0.0, dy -INF);
    binary_row!(T, (0.0, 0.5), |x, y| x.powf(y), value 0.0, dx INF, dy 0.0);
    binary_row!(T, (0.0, 1.0), |x, y| x.powf(y), value 0.0, dx 1.0, dy 0.0);
    binary_row!(T, (0.0, 2.0), |x, y| x.powf(y), value 0.0, dx 0.0, dy 0.0);
    binary_row!(T, (0.0, 2.5), |x, y| x.powf(y), value 0.0, dx 0.0, dy 0.0);
    binary_row!(T, (0.0, -1.0), |x, y| x.powf(y), value INF, dx -INF, dy -INF);
    // Constant exponent: dy never enters.
    const_y_row!(T, (0.0, 0.0), |x, y| x.powf(y), value 1.0, dx 0.0);
    const_y_row!(T, (0.0, 0.5), |x, y| x.powf(y), value 0.0, dx INF);
    const_y_row!(T, (0.0, 1.0), |x, y| x.powf(y), value 0.0, dx 1.0);
    const_y_row!(T, (0.0, 2.0), |x, y| x.powf(y), value 0.0, dx 0.0);
    const_y_row!(T, (0.0, 2.5), |x, y| x.powf(y), value 0.0, dx 0.0);
    const_y_row!(T, (0.0, -1.0), |x, y| x.powf(y), value INF, dx -INF);
});

for_both!(powf_second_derivatives_at_zero, |T| {
    // d²/dx² x^2 = 2 and x^2.5 -> 0 at 0; x^0.5 -> -inf.
    let h = HyperDual::<T>::variable(0.0).powf(HyperDual::constant_of(2.0));
    check!("x^2 dxx", h.e12, 2.0);
    let h = HyperDual::<T>::variable(0.0).powf(HyperDual::constant_of(2.5));
    check!("x^2.5 dxx", h.e12, 0.0);
    check!("x^2.5 value", h.re, 0.0);
    // Mixed partial of x^y at (0, 2): x (1 + 2 ln x) -> 0.
    let x = HyperDual::<T>::new(0.0, 1.0, 0.0, 0.0);
    let y = HyperDual::<T>::new(2.0, 0.0, 1.0, 0.0);
    check!("x^y dxy at (0,2)", x.powf(y).e12, 0.0);
});

for_both!(powi_at_zero, |T| {
    unary_row!(T, 0.0, |x| x.powi(0), value 1.0, d1 0.0, d2 0.0);
    unary_row!(T, 0.0, |x| x.powi(1), value 0.0, d1 1.0, d2 0.0);
    unary_row!(T, 0.0, |x| x.powi(2), value 0.0, d1 0.0, d2 2.0);
    unary_row!(T, 0.0, |x| x.powi(-1), value INF, d1 -INF, d2 INF);
});

for_both!(atan2_rows, |T| {
    let pi = core::f64::consts::PI;
    binary_row!(T, (0.0, 0.0), |y, x| y.atan2(x), value 0.0, dx NAN, dy NAN);
    binary_row!(T, (1.0, 0.0), |y, x| y.atan2(x), value pi / 2.0, dx 0.0, dy -1.0);
    binary_row!(T, (0.0, -1.0), |y, x| y.atan2(x), value pi, dx -1.0, dy 0.0);
    binary_row!(T, (-2.0, 0.0), |y, x| y.atan2(x), value -pi / 2.0, dx 0.0, dy 0.5);
    // Huge arguments: no overflow in x² + y².
    let big = if core::mem::size_of::<T>() == 4 {
        1e30
    } else {
        1e200
    };
    let [y, x] = Dual::<T, 2>::variables([big as T, big as T]);
    let g = y.atan2(x);
    let want = 0.5 / big;
    let (gy, gx) = (g.eps[0].to_f64_exact(), g.eps[1].to_f64_exact());
    assert!((gy - want).abs() <= 1e-6 * want, "{g:?}");
    assert!((gx + want).abs() <= 1e-6 * want, "{g:?}");
});

for_both!(hypot_rows, |T| {
    binary_row!(T, (0.0, 0.0), |x, y| x.hypot(y), value 0.0, dx 0.0, dy 0.0);
    binary_row!(T, (3.0, 4.0), |x, y| x.hypot(y), value 5.0, dx 0.6, dy 0.8);
    binary_row!(T, (-INF, 1.0), |x, y| x.hypot(y), value INF, dx -1.0, dy 0.0);
    binary_row!(T, (NAN, 1.0), |x, y| x.hypot(y), value NAN, dx NAN, dy NAN);
    let q = {
        let [x, y] = Dual2::<T, 2>::variables([0.0, 0.0]);
        x.hypot(y)
    };
    assert_eq!(q.hessian(), [[0.0; 2]; 2]);
});

for_both!(logarithms_at_zero, |T| {
    unary_row!(T, 0.0, |x| x.ln(), value -INF, d1 INF, d2 -INF);
    unary_row!(T, -0.0, |x| x.ln(), value -INF, d1 INF, d2 -INF);
    unary_row!(T, 0.0, |x| x.log2(), value -INF, d1 INF, d2 -INF);
    unary_row!(T, 0.0, |x| x.log10(), value -INF, d1 INF, d2 -INF);
    unary_row!(T, -1.0, |x| x.ln_1p(), value -INF, d1 INF, d2 -INF);
});

for_both!(domain_edges, |T| {
    let pi = core::f64::consts::PI;
    unary_row!(T, 1.0, |x| x.asin(), value pi / 2.0, d1 INF, d2 INF);
    unary_row!(T, -1.0, |x| x.asin(), value -pi / 2.0, d1 INF, d2 -INF);
    unary_row!(T, 1.0, |x| x.acos(), value 0.0, d1 -INF, d2 -INF);
    unary_row!(T, -1.0, |x| x.acos(), value pi, d1 -INF, d2 INF);
    unary_row!(T, 1.0, |x| x.atanh(), value INF, d1 INF, d2 INF);
    unary_row!(T, -1.0, |x| x.atanh(), value -INF, d1 INF, d2 -INF);
    unary_row!(T, 1.0, |x| x.acosh(), value 0.0, d1 INF, d2 -INF);
    unary_row!(T, 0.0, |x| x.recip(), value INF, d1 -INF, d2 INF);
    unary_row!(T, -0.0, |x| x.recip(), value - INF, d1 - INF, d2 - INF);
    // Outside the domain: NaN value, NaN derivative.
    unary_row!(T, 2.0, |x| x.asin(), value NAN, d1 NAN);
    unary_row!(T, -1.0, |x| x.sqrt(), value NAN, d1 NAN);
    unary_row!(T, 0.5, |x| x.acosh(), value NAN, d1 NAN);
});

for_both!(piecewise_constant_everywhere, |T| {
    for x in [2.5, -2.5, 3.0, 0.0, -0.0, INF, -INF, NAN] {
        for (i, y) in [
            Dual::<T>::variable(x as T).floor(),
            Dual::<T>::variable(x as T).ceil(),
            Dual::<T>::variable(x as T).round(),
            Dual::<T>::variable(x as T).trunc(),
            Dual::<T>::variable(x as T).signum(),
        ]
        .into_iter()
        .enumerate()
        {
            assert_eq!(y.eps[0], 0.0, "op {i} at {x}");
        }
        let h = HyperDual::<T>::variable(x as T).round();
        assert_eq!((h.e1, h.e12), (0.0, 0.0));
        let f = HyperDual::<T>::variable(x as T).fract();
        assert_eq!((f.e1, f.e12), (1.0, 0.0), "fract at {x}");
    }
    unary_row!(T, 2.75, |x| x.fract(), value 0.75, d1 1.0, d2 0.0);
});

for_both!(min_max_ties_and_nan, |T| {
    binary_row!(T, (1.0, 1.0), |x, y| x.min(y), value 1.0, dx 0.5, dy 0.5);
    binary_row!(T, (1.0, 1.0), |x, y| x.max(y), value 1.0, dx 0.5, dy 0.5);
    binary_row!(T, (1.0, 2.0), |x, y| x.min(y), value 1.0, dx 1.0, dy 0.0);
    binary_row!(T, (1.0, 2.0), |x, y| x.max(y), value 2.0, dx 0.0, dy 1.0);
    binary_row!(T, (NAN, 2.0), |x, y| x.min(y), value 2.0, dx 0.0, dy 1.0);
    binary_row!(T, (2.0, NAN), |x, y| x.max(y), value 2.0, dx 1.0, dy 0.0);
    // min(x, x) is x: derivative exactly 1.
    unary_row!(T, 3.0, |x| x.min(x), value 3.0, d1 1.0);
});

for_both!(nan_inputs, |T| {
    unary_row!(T, NAN, |x| x.sin(), value NAN, d1 NAN, d2 NAN);
    unary_row!(T, NAN, |x| x.exp(), value NAN, d1 NAN, d2 NAN);
    unary_row!(T, NAN, |x| x.sqrt(), value NAN, d1 NAN);
    unary_row!(T, NAN, |x| x.ln(), value NAN, d1 NAN);
    unary_row!(T, NAN, |x| x.tanh(), value NAN, d1 NAN);
    unary_row!(T, NAN, |x| x.atan(), value NAN, d1 NAN);
    unary_row!(T, NAN, |x| x.abs(), value NAN, d1 NAN, d2 NAN);
    unary_row!(T, NAN, |x| x.powi(3), value NAN, d1 NAN);
    unary_row!(T, NAN, |x| x.cbrt(), value NAN, d1 NAN);
    unary_row!(T, NAN, |x| x.asinh(), value NAN, d1 NAN);
    binary_row!(T, (NAN, 2.0), |x, y| x.powf(y), value NAN, dx NAN, dy NAN);
    binary_row!(T, (NAN, 1.0), |y, x| y.atan2(x), value NAN, dx NAN, dy NAN);
});

for_both!(infinite_inputs, |T| {
    let pi = core::f64::consts::PI;
    unary_row!(T, -INF, |x| x.exp(), value 0.0, d1 0.0, d2 0.0);
    unary_row!(T, INF, |x| x.exp(), value INF, d1 INF, d2 INF);
    unary_row!(T, INF, |x| x.tanh(), value 1.0, d1 0.0);
    unary_row!(T, -INF, |x| x.tanh(), value -1.0, d1 0.0);
    unary_row!(T, INF, |x| x.atan(), value pi / 2.0, d1 0.0);
    unary_row!(T, INF, |x| x.sqrt(), value INF, d1 0.0);
    unary_row!(T, INF, |x| x.ln(), value INF, d1 0.0, d2 0.0);
    unary_row!(T, INF, |x| x.sinh(), value INF, d1 INF);
    unary_row!(T, -INF, |x| x.cosh(), value INF, d1 -INF);
    unary_row!(T, INF, |x| x.sin(), value NAN, d1 NAN);
    unary_row!(T, -INF, |x| x.cos(), value NAN, d1 NAN);
    unary_row!(T, INF, |x| x.tan(), value NAN, d1 NAN);
});

for_both!(strong_zero_constants_never_poison, |T| {
    // d/dy [sqrt(x) + y] at x = 0 is 1 although d sqrt/dx is infinite.
    let [x, y] = Dual::<T, 2>::variables([0.0, 1.0]);
    let f = x.sqrt() + y;
    assert_eq!((f.eps[0], f.eps[1]), (T::INFINITY, 1.0));
    // ln(0) times nothing active: a constant stays a constant.
    let c = Dual::<T, 2>::constant_of(0.0).ln() + y;
    assert_eq!(c.eps, [0.0, 1.0]);
    // The same in the second-order types.
    let [x, y] = Dual2::<T, 2>::variables([0.0, 1.0]);
    let q = x.sqrt() + y * y;
    assert_eq!(q.gradient()[1], 2.0);
    assert_eq!(q.hessian()[1][1], 2.0);
    assert_eq!(q.hessian()[0][1], 0.0);
});

for_both!(zero_value_times_infinite_tangent_is_nan_everywhere, |T| {
    // Fuzz finding (forward_modes): acosh(u)² at u = 1 is 0·∞ in the product rule.
    // A zero *value* is not a strong zero; every mode must say NaN (none may say 0).
    let d = Dual::<T>::variable(1.0).acosh();
    let h = HyperDual::<T>::variable(1.0).acosh();
    let q = Dual2::<T, 1>::variable(1.0).acosh();
    let n = Dual::<Dual<T>>::new(Dual::variable(1.0), [Dual::constant_of(1.0)]).acosh();
    let (d, h, q, n) = (d * d, h * h, q * q, n * n);
    assert!(d.eps[0].is_nan());
    assert!(h.e1.is_nan() && h.e2.is_nan());
    assert!(q.gradient()[0].is_nan());
    assert!(n.re.eps[0].is_nan() && n.eps[0].re.is_nan());
    assert_eq!((d.re, h.re, q.value(), n.re.re), (0.0, 0.0, 0.0, 0.0));
});

// The second partials of `powf(0, y)` (the policy table's row): `∂²/∂x∂y` and
// `∂²/∂y²` in every second-order mode, with `Dual2` as the table and `HyperDual`,
// nested `Dual<Dual<T>>` in both seeding orders giving the same numbers.
for_both!(powf_second_partials_at_zero, |T| {
    // (y, ∂²/∂x∂y, ∂²/∂y²)
    let rows: [(f64, f64, f64); 4] = [
        (0.0, NAN, INF),
        (0.5, -INF, 0.0),
        (1.0, -INF, 0.0),
        (2.0, 0.0, 0.0),
    ];
    for (y, dxy, dyy) in rows {
        let what = |m: &str| format!("{}: powf(0, {y}) {m}", stringify!(T));
        let x0 = [0.0 as T, y as T];
        let q = {
            let [b, e] = Dual2::<T, 2>::variables(x0);
            b.powf(e)
        };
        check!(what("Dual2 xy"), q.hessian()[0][1], dxy);
        check!(what("Dual2 yx"), q.hessian()[1][0], dxy);
        check!(what("Dual2 yy"), q.hessian()[1][1], dyy);
        let h = {
            let b = HyperDual::<T>::new(x0[0], 1.0 as T, 0.0 as T, 0.0 as T);
            let e = HyperDual::<T>::new(x0[1], 0.0 as T, 1.0 as T, 0.0 as T);
            b.powf(e)
        };
        check!(what("HyperDual xy"), h.e12, dxy);
        for (i, k) in [(0, 1), (1, 0), (1, 1)] {
            let v: [Dual<Dual<T>>; 2] = core::array::from_fn(|m| {
                let inner = if m == i {
                    Dual::variable(x0[m])
                } else {
                    Dual::constant_of(x0[m])
                };
                Dual::new(
                    inner,
                    [Dual::constant_of(if m == k { 1.0 as T } else { 0.0 as T })],
                )
            });
            let n = v[0].powf(v[1]);
            let want = if (i, k) == (1, 1) { dyy } else { dxy };
            check!(what(&format!("nested ({i}, {k})")), n.eps[0].eps[0], want);
        }
    }
});
