//! The programs of the code-generation tests and example, written once: the build
//! script records them and writes their generated code (`Program::to_rust`), and the
//! tests record them again to replay the same programs interpreted.

use ad_core::rules::{Custom, Jet};
use ad_core::{Compare, Real};

/// Every unary row of the rules table (and `powi` with three exponents), one output
/// each.
pub fn unary_rows<T: Real>([x]: [T; 1]) -> [T; 33] {
    [
        -x,
        x.recip(),
        x.sqrt(),
        x.cbrt(),
        x.exp(),
        x.exp2(),
        x.exp_m1(),
        x.ln(),
        x.log2(),
        x.log10(),
        x.ln_1p(),
        x.sin(),
        x.cos(),
        x.tan(),
        x.asin(),
        x.acos(),
        x.atan(),
        x.sinh(),
        x.cosh(),
        x.tanh(),
        x.asinh(),
        x.acosh(),
        x.atanh(),
        x.abs(),
        x.signum(),
        x.floor(),
        x.ceil(),
        x.round(),
        x.trunc(),
        x.fract(),
        x.powi(3),
        x.powi(-2),
        x.powi(0),
    ]
}

/// Every binary row, `mul_add`, and rows with a constant operand (whose partial the
/// sweep skips).
pub fn binary_rows<T: Real>([x, y]: [T; 2]) -> [T; 17] {
    let c = T::constant(2.5);
    [
        x + y,
        x - y,
        x * y,
        x / y,
        x % y,
        x.powf(y),
        x.atan2(y),
        x.hypot(y),
        x.log(y),
        x.min(y),
        x.max(y),
        x.mul_add(y, x),
        x.powf(c),
        c.powf(y),
        c.atan2(x) * y,
        (x * y).sin() * x,
        x.log(c) - c / y,
    ]
}

/// `select` on every comparison, nested, and the famous `select(x > 0, √x, 0)`.
pub fn selects<T: Real>([x, y]: [T; 2]) -> [T; 4] {
    let relu_sqrt = T::select(x.mask(Compare::Gt, T::zero()), x.sqrt(), T::zero());
    let mut acc = relu_sqrt;
    for cmp in [
        Compare::Lt,
        Compare::Le,
        Compare::Ge,
        Compare::Eq,
        Compare::Ne,
    ] {
        acc += T::select(x.mask(cmp, y), x * x * y, y.exp() - x);
    }
    let inner = T::select(y.mask(Compare::Lt, T::one()), y.ln(), x);
    let nested = T::select(x.mask(Compare::Gt, y), inner * x, (y - x).sqrt());
    [relu_sqrt, acc, nested, inner]
}

/// A value-dependent branch: recorded as a guard.
pub fn guarded<T: Real>([x, y]: [T; 2]) -> [T; 1] {
    if x > y {
        [x * y + x.sin()]
    } else {
        [y.exp() - x]
    }
}

/// `softplus` as a user function with its own derivatives.
pub static SOFTPLUS: Custom<f64> = Custom {
    name: "softplus",
    eval: |x| {
        let s = 1.0 / (1.0 + (-x).exp());
        Jet {
            value: x.exp().ln_1p(),
            d1: s,
            d2: s * (1.0 - s),
        }
    },
};

/// A program with a custom function.
pub fn with_custom<T: Real<Primitive = f64>>([x, y]: [T; 2]) -> [T; 1] {
    [(x * y).custom(&SOFTPLUS) * x + y.custom(&SOFTPLUS)]
}

/// An operand used again more than 8 191 nodes after it was recorded, which the
/// recording reaches through `REF` nodes.
pub fn far<T: Real>([x, y]: [T; 2]) -> [T; 1] {
    let mut s = y;
    for _ in 0..4200 {
        s = (s * T::constant(0.999)).sin();
    }
    [s * x + x * x]
}

/// Rosenbrock over `N` inputs, as in the benches.
pub fn rosenbrock<T: Real, const N: usize>(x: [T; N]) -> [T; 1] {
    let mut sum = T::zero();
    for w in x.windows(2) {
        let (a, b) = (w[0], w[1]);
        let t = b - a * a;
        let u = T::one() - a;
        sum = sum + T::constant(100.0) * (t * t) + u * u;
    }
    [sum]
}

/// The log-normal log-density of the seed lecture in `(y, μ, σ)`.
pub fn lognormal<T: Real>([y, mu, sigma]: [T; 3]) -> [T; 1] {
    let ly = y.ln();
    let z = (ly - mu) / sigma;
    [-ly - sigma.ln() - T::constant(0.918_938_533_204_672_8) - z * z * T::constant(0.5)]
}

/// The weighted sum `Σₖ cₖ fₖ(x)` of a program's outputs (`cₖ = ±(1 + k/4)`): one
/// output, for the replays that differentiate output 0 only.
pub fn weighted<T: Real, const N: usize, const M: usize>(
    f: fn([T; N]) -> [T; M],
    x: [T; N],
) -> [T; 1] {
    let mut sum = T::zero();
    for (k, y) in f(x).into_iter().enumerate() {
        sum += cotangent::<T>(k) * y;
    }
    [sum]
}

/// The weight of output `k` in [`weighted`], also the cotangent of the tests' `vjp`s.
pub fn cotangent<T: Real>(k: usize) -> T {
    let w = T::constant(1.0 + k as f64 / 4.0);
    if k % 2 == 0 { w } else { -w }
}

/// Where each program is recorded.
pub const UNARY_AT: [f64; 1] = [0.3];
/// Where the two-input programs are recorded.
pub const PAIR_AT: [f64; 2] = [1.5, 0.5];
/// Where the log-normal density is recorded.
pub const LOGNORMAL_AT: [f64; 3] = [1.5, 0.2, 0.8];
