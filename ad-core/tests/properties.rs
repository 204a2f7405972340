//! Property tests (proptest), in `f32` and in `f64`.
//!
//! * **Finite differences.** The first derivative of every unary function, and both
//!   partials of `powf`, `atan2`, `hypot`, `log`, `mul` and `div`, against a central
//!   difference of the `f64` primitive (see [`fd_tolerance`] for the step and the bound).
//! * **Cross-mode agreement** on random expressions: `HyperDual`, `Dual<Dual<_>>` and
//!   `Dual2` give the same value (bit for bit: values are always the primitive's) and
//!   the same first and second derivatives, within a bound derived from the magnitude of
//!   the terms summed ([`Expr::bound`]). A plain "few ulp relative" tolerance would not
//!   be honest for second derivatives: `(f∘g)'' = f''·g'² + f'·g''` can cancel, and the
//!   modes sum different (equally valid) terms, so their difference is only small
//!   relative to the size of those terms.
//! * **Hessians** of functions of three variables: `Dual2<_, 3>` (exactly symmetric),
//!   forward over forward `Dual<Dual<_, 3>, 3>` and `HyperDual` mixed partials agree.
//! * **Chain rule** on random compositions of 2–5 unary steps: the derivative of the
//!   composition equals the product of the step derivatives, and the second derivative
//!   the step-by-step second-order chain rule.
//! * **Helpers**: `gradient`, `value_and_gradient`, `jacobian`, `jvp`, `hessian`,
//!   `value_gradient_hessian`, `hvp`, `derivative`, `second_derivative` agree with each
//!   other and with the number types (`jvp = J·v`, `hvp = H·v`).
//!
//! The expressions are evaluated through the generic `T: Real` (so `num_traits::Float`)
//! path, which `tests/reference.rs` (inherent methods) does not use.
//!
//! Inputs include the special values 0 and ±1 with some probability: rules that branch
//! on a value (`y == 0` in `powf`, ...) must still differentiate correctly there.

// Hessian loops read best with (i, j) indices.
#![allow(clippy::needless_range_loop)]

use ad_core::{
    Dual, Dual2, HyperDual, Primitive, Real, derivative, gradient, hessian, hvp, jacobian, jvp,
    second_derivative, value_and_gradient, value_gradient_hessian,
};
use num_traits::Float;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

type Res = Result<(), TestCaseError>;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        // A handful under Miri (an interpreter, ~1000x slower): it looks for undefined
        // behaviour, which does not need many random cases to show.
        cases: if cfg!(miri) { 4 } else { cases },
        // Failures are reported with their (shrunk) input; nothing is written to disk.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn eps<T: Primitive>() -> f64 {
    T::epsilon().to_f64_exact()
}

fn f64_of<T: Real>(x: T) -> f64 {
    x.primal().to_f64_exact()
}

// ---------------------------------------------------------------------------
// Elementary functions, generic over `T: Real` (the num_traits path)
// ---------------------------------------------------------------------------

/// Unary elementary functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum U {
    Neg,
    Recip,
    Sqrt,
    Cbrt,
    Exp,
    Exp2,
    ExpM1,
    Ln,
    Log2,
    Log10,
    Ln1p,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
    Abs,
    Signum,
    Floor,
    Ceil,
    Round,
    Trunc,
    Fract,
    Powi(i32),
}

impl U {
    fn apply<T: Real>(self, x: T) -> T {
        match self {
            U::Neg => -x,
            U::Recip => x.recip(),
            U::Sqrt => x.sqrt(),
            U::Cbrt => x.cbrt(),
            U::Exp => x.exp(),
            U::Exp2 => x.exp2(),
            U::ExpM1 => x.exp_m1(),
            U::Ln => x.ln(),
            U::Log2 => x.log2(),
            U::Log10 => x.log10(),
            U::Ln1p => x.ln_1p(),
            U::Sin => x.sin(),
            U::Cos => x.cos(),
            U::Tan => x.tan(),
            U::Asin => x.asin(),
            U::Acos => x.acos(),
            U::Atan => x.atan(),
            U::Sinh => x.sinh(),
            U::Cosh => x.cosh(),
            U::Tanh => x.tanh(),
            U::Asinh => x.asinh(),
            // ad-core computes these two itself (std's lose accuracy near 1 and -1),
            // so the plain-float reference goes through the same primitive.
            U::Acosh => x.unary(ad_core::rules::UnaryOp::Acosh),
            U::Atanh => x.unary(ad_core::rules::UnaryOp::Atanh),
            U::Abs => Float::abs(x),
            U::Signum => Float::signum(x),
            U::Floor => x.floor(),
            U::Ceil => x.ceil(),
            U::Round => x.round(),
            U::Trunc => x.trunc(),
            U::Fract => x.fract(),
            U::Powi(k) => x.powi(k),
        }
    }
}

/// Binary elementary functions, `x.f(y)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum B {
    Add,
    Sub,
    Mul,
    Div,
    Powf,
    Atan2,
    Hypot,
    Log,
}

impl B {
    fn apply<T: Real>(self, x: T, y: T) -> T {
        match self {
            B::Add => x + y,
            B::Sub => x - y,
            B::Mul => x * y,
            B::Div => x / y,
            B::Powf => x.powf(y),
            B::Atan2 => x.atan2(y),
            B::Hypot => x.hypot(y),
            B::Log => x.log(y),
        }
    }
}

// ---------------------------------------------------------------------------
// Expressions
// ---------------------------------------------------------------------------

/// An expression tree over variables `x[i]`, made of elementary functions only, so
/// that [`Expr::bound`] can account for every rounding.
#[derive(Clone, Debug)]
enum Expr {
    Var(usize),
    Const(f64),
    Un(U, Box<Expr>),
    Bin(B, Box<Expr>, Box<Expr>),
}

fn c(x: f64) -> Expr {
    Expr::Const(x)
}
fn un(u: U, a: Expr) -> Expr {
    Expr::Un(u, Box::new(a))
}
fn bin(b: B, x: Expr, y: Expr) -> Expr {
    Expr::Bin(b, Box::new(x), Box::new(y))
}
/// `a·a + k`: positive, smooth, for guarding a domain.
fn sq_plus(a: Expr, k: f64) -> Expr {
    bin(B::Add, bin(B::Mul, a.clone(), a), c(k))
}

/// Magnitudes that bound a first and a second derivative computation: `g` bounds the
/// absolute values of every term summed into any gradient entry, `m` into any Hessian
/// entry.
#[derive(Clone, Copy, Debug)]
struct Bound<T> {
    value: T,
    g: f64,
    m: f64,
}

impl Expr {
    fn eval<T: Real>(&self, x: &[T]) -> T {
        match self {
            Expr::Var(i) => x[*i],
            Expr::Const(k) => T::constant(*k),
            Expr::Un(u, a) => u.apply(a.eval(x)),
            Expr::Bin(b, p, q) => b.apply(p.eval(x), q.eval(x)),
        }
    }

    /// Number of elementary operations.
    fn ops(&self) -> usize {
        match self {
            Expr::Var(_) | Expr::Const(_) => 0,
            Expr::Un(_, a) => 1 + a.ops(),
            Expr::Bin(_, p, q) => 1 + p.ops() + q.ops(),
        }
    }

    /// The term magnitudes of the derivative computation at `x`.
    ///
    /// Each operation `φ` combines its arguments' derivatives by the chain rule:
    /// `∇φ = Σ φᵢ ∇aᵢ` and `∇²φ = Σ φᵢ ∇²aᵢ + Σ φᵢⱼ ∇aᵢ ∇aⱼᵀ`. Replacing every factor by its
    /// absolute value (and the local Hessian by its largest entry) bounds the terms
    /// that any evaluation order sums, so a rounding error of a few ε per operation,
    /// relative to these terms, bounds the error of every mode. The local partials come
    /// from `Dual2<T>` (validated against mpmath by `tests/reference.rs`) at the node
    /// values computed in `T`: the very values the checked computation uses (an f64
    /// bound would misjudge, e.g., `cos` at `f32(π/2)`, which is 4e-8 in f32 and 6e-17
    /// at `f64(π/2)`).
    ///
    /// Forward over forward computes a unary second derivative by differentiating the
    /// first-derivative formula; for `asin`/`acos` (`1/√((1−x)(1+x))`) and `atanh`
    /// (`1/((1−x)(1+x))`) that formula has terms of size `|f'|³` and `|f'|²` (see
    /// `tests/reference.rs`), which are added to `|f''|`.
    fn bound<T: Primitive>(&self, x: &[T]) -> Bound<T> {
        match self {
            Expr::Var(i) => Bound {
                value: x[*i],
                g: 1.0,
                m: 0.0,
            },
            Expr::Const(k) => Bound {
                value: T::constant(*k),
                g: 0.0,
                m: 0.0,
            },
            Expr::Un(u, a) => {
                let a = a.bound(x);
                let y = u.apply(Dual2::<T, 1>::variable(a.value));
                let d1 = f64_of(y.gradient()[0]).abs();
                let d2 = f64_of(y.hessian()[0][0]).abs();
                let nested = match u {
                    U::Asin | U::Acos => d1.powi(3),
                    U::Atanh => d1.powi(2),
                    _ => 0.0,
                };
                Bound {
                    value: y.value(),
                    g: d1 * a.g,
                    m: d1 * a.m + (d2 + nested) * a.g * a.g,
                }
            }
            Expr::Bin(b, p, q) => {
                let (p, q) = (p.bound(x), q.bound(x));
                let [s, t] = Dual2::<T, 2>::variables([p.value, q.value]);
                let y = b.apply(s, t);
                let [gx, gy] = y.gradient().map(|d| f64_of(d).abs());
                let h = y.hessian();
                let hn = h
                    .iter()
                    .flatten()
                    .fold(0.0_f64, |m, v| m.max(f64_of(*v).abs()));
                Bound {
                    value: y.value(),
                    g: gx * p.g + gy * q.g,
                    m: gx * p.m + gy * q.m + hn * (p.g + q.g) * (p.g + q.g),
                }
            }
        }
    }
}

/// Number of guarded unary steps (see [`step`]).
const STEPS: usize = 26;

/// Unary step `i` applied to `e`: one elementary function, its argument guarded so that
/// the step is smooth and finite on all of ℝ (bounded or slowly growing), and so can be
/// composed in any order.
fn step(i: usize, e: Expr) -> Expr {
    let squash = |e: Expr, u: U, k: f64| bin(B::Mul, c(k), un(u, e));
    match i {
        0 => un(U::Sin, e),
        1 => un(U::Cos, e),
        2 => un(U::Tan, un(U::Tanh, e)),
        3 => un(U::Asin, squash(e, U::Tanh, 0.9)),
        4 => un(U::Acos, squash(e, U::Sin, 0.9)),
        5 => un(U::Atan, e),
        6 => un(U::Sinh, un(U::Atan, e)),
        7 => un(U::Cosh, un(U::Atan, e)),
        8 => un(U::Tanh, e),
        9 => un(U::Asinh, e),
        10 => un(U::Acosh, sq_plus(e, 1.5)),
        11 => un(U::Atanh, squash(e, U::Tanh, 0.9)),
        12 => un(U::Exp, un(U::Atan, e)),
        13 => un(U::Exp2, un(U::Sin, e)),
        14 => un(U::ExpM1, un(U::Atan, e)),
        15 => un(U::Ln, sq_plus(e, 1.0)),
        16 => un(U::Log2, sq_plus(e, 0.5)),
        17 => un(U::Log10, sq_plus(e, 2.0)),
        18 => un(U::Ln1p, bin(B::Mul, e.clone(), e)),
        19 => un(U::Sqrt, sq_plus(e, 1.0)),
        20 => un(U::Cbrt, sq_plus(e, 1.0)),
        21 => un(U::Recip, sq_plus(e, 1.0)),
        22 => un(U::Powi(3), un(U::Sin, e)),
        23 => un(U::Powi(-2), sq_plus(e, 1.0)),
        24 => un(U::Neg, e),
        25 => un(U::Powi(2), un(U::Atan, e)),
        _ => unreachable!("step {i}"),
    }
}

/// Number of guarded binary steps (see [`bin_step`]).
const BIN_STEPS: usize = 8;

/// Binary step `i` of `(a, b)`, guarded like [`step`].
fn bin_step(i: usize, a: Expr, b: Expr) -> Expr {
    match i {
        0 => bin(B::Add, a, b),
        1 => bin(B::Sub, a, b),
        2 => bin(B::Mul, a, b),
        3 => bin(B::Div, a, sq_plus(b, 1.0)),
        4 => bin(B::Powf, sq_plus(a, 1.0), un(U::Tanh, b)),
        5 => bin(B::Atan2, a, sq_plus(b, 1.0)),
        6 => bin(B::Hypot, a, sq_plus(b, 1.0)),
        7 => bin(B::Log, sq_plus(a, 1.0), sq_plus(b, 2.0)),
        _ => unreachable!("binary step {i}"),
    }
}

/// A random expression of `nvars` variables: up to depth 4 of guarded steps.
fn expr(nvars: usize) -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        4 => (0..nvars).prop_map(Expr::Var),
        1 => (-2.0_f64..2.0).prop_map(|k| c(f64::from(k as f32))),
    ];
    leaf.prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (0..STEPS, inner.clone()).prop_map(|(i, e)| step(i, e)),
            (0..BIN_STEPS, inner.clone(), inner).prop_map(|(i, a, b)| bin_step(i, a, b)),
        ]
    })
}

/// A composition of 2–5 unary steps of `x[0]`, with the step indices.
fn composition() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..STEPS, 2..=5)
}

fn compose(steps: &[usize]) -> Expr {
    steps.iter().fold(Expr::Var(0), |e, &i| step(i, e))
}

/// A coordinate: mostly uniform in [-2, 2], sometimes exactly 0 or ±1.
fn coord() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -2.0_f64..2.0,
        1 => Just(0.0),
        1 => Just(1.0),
        1 => Just(-1.0),
    ]
}

/// Inputs rounded to `T`.
fn inputs<T: Primitive, const N: usize>(x: [f64; N]) -> [T; N] {
    x.map(T::constant)
}

// ---------------------------------------------------------------------------
// Comparison helpers
// ---------------------------------------------------------------------------

/// `|a − b| ≤ tol`, with a readable message.
fn close(what: &str, a: f64, b: f64, tol: f64) -> Res {
    prop_assert!(
        a.is_finite() && b.is_finite() && (a - b).abs() <= tol,
        "{what}: {a:e} vs {b:e}, difference {:e} > tolerance {tol:e}",
        (a - b).abs()
    );
    Ok(())
}

/// Tolerances for comparing two derivative computations of an expression with `ops`
/// operations and term magnitudes `b`: each operation rounds its terms with a relative
/// error of at most 8 ulp (first derivatives) or 16 ulp (second derivatives), the
/// budgets that `tests/reference.rs` verifies per function, and the errors of the
/// operations add up along the tree.
///
/// Below the normal range the rounding error is absolute (at most the subnormal spacing
/// `ε·MIN_POSITIVE` per operation), so that much is allowed per operation as well; this
/// is the second value of the pair for a relative comparison.
fn tols<T: Primitive>(ops: usize, b: Bound<T>) -> (f64, f64) {
    let n = (ops + 1) as f64;
    let e = eps::<T>();
    let tiny = n * e * T::min_positive_value().to_f64_exact();
    (8.0 * e * n * b.g + tiny, 16.0 * e * n * b.m + tiny)
}

// ---------------------------------------------------------------------------
// Finite differences
// ---------------------------------------------------------------------------

/// The central-difference step and the tolerance for comparing an AD derivative in `T`
/// with a central difference of the `f64` primitive at the same (f32-exact) point.
///
/// The step is `h = 2^-17 · 2^⌈log₂ max(1, |x|)⌉`, i.e. `cbrt(ε_f64) ≈ 6.1e-6` times
/// `max(1, |x|)` rounded up to a power of two, so that `x ± h` is exact (x has at most 24
/// significant bits). The central difference `(f(x+h) − f(x−h)) / 2h` then differs from
/// `f'(x)` by the truncation error `h²/6 · |f'''(ξ)| ≤ h²/6 · M3` plus the rounding of the
/// two evaluations (std's f64 functions are within 4 ulp on these domains):
/// `≤ 4 ε · M0 / h` with `M0 = max |f(x ± h)|`. `M3` bounds `|f'''|` on `[x − h, x + h]`
/// from the analytic third derivative (the tables below). The FD error gets a factor 2
/// of margin; the AD derivative in `T` may be 8 ulp of `T` off (`tests/reference.rs`).
///
/// The difference is taken in f64 for both precisions: in f32 a central difference is
/// only good to about `ε_f32^(2/3) ≈ 2e-5`, which would make the f32 check nearly
/// vacuous, while the f64 difference checks the f32 derivative to ~8 ulp of f32.
fn fd_tolerance<T: Primitive>(h: f64, m3: f64, m0: f64, fd: f64) -> f64 {
    2.0 * (h * h / 6.0 * m3 + 4.0 * f64::EPSILON * m0 / h) + 8.0 * eps::<T>() * fd.abs()
}

/// A power of two near `cbrt(ε_f64) · max(1, |x|)` (see [`fd_tolerance`]).
fn fd_step(x: f64) -> f64 {
    let scale = x.abs().max(1.0);
    let e = scale.log2().ceil();
    (e - 17.0).exp2()
}

/// Where a unary function is tested.
#[derive(Clone, Copy, Debug)]
enum Dom {
    /// `x ∈ [lo, hi]`.
    Range(f64, f64),
    /// `|x| ∈ [lo, hi]`, either sign.
    Sym(f64, f64),
    /// `n + t` with an integer `n ∈ [-100, 100]` and `t ∈ [0.05, 0.45] ∪ [0.55, 0.95]`:
    /// at least 0.05 away from integers and halves, where the piecewise functions jump.
    Pieces,
}

/// A unary function for the finite-difference test, with its domain (chosen away from
/// poles and domain edges by much more than `h`) and an upper bound of `|f'''|` at a
/// point (`M3` is the larger of its values at `x ± h`; every bound below is monotone on
/// each side of the singularity or constant, so that is a bound on the interval).
struct FdCase {
    op: U,
    dom: Dom,
    m3: fn(f64) -> f64,
}

fn fd_cases() -> Vec<FdCase> {
    use Dom::{Pieces, Range, Sym};
    use std::f64::consts::{LN_2, LN_10};
    let mut v = vec![
        FdCase {
            op: U::Neg,
            dom: Range(-100.0, 100.0),
            m3: |_| 0.0,
        },
        FdCase {
            op: U::Recip,
            dom: Sym(0.25, 8.0),
            m3: |x| 6.0 / x.powi(4),
        },
        FdCase {
            op: U::Sqrt,
            dom: Range(0.25, 100.0),
            m3: |x| 0.375 * x.powf(-2.5),
        },
        FdCase {
            op: U::Cbrt,
            dom: Sym(0.25, 100.0),
            m3: |x| 10.0 / 27.0 * x.abs().powf(-8.0 / 3.0),
        },
        FdCase {
            op: U::Exp,
            dom: Range(-10.0, 10.0),
            m3: f64::exp,
        },
        FdCase {
            op: U::Exp2,
            dom: Range(-10.0, 10.0),
            m3: |x| LN_2.powi(3) * x.exp2(),
        },
        FdCase {
            op: U::ExpM1,
            dom: Range(-10.0, 10.0),
            m3: f64::exp,
        },
        FdCase {
            op: U::Ln,
            dom: Range(0.25, 100.0),
            m3: |x| 2.0 / x.powi(3),
        },
        FdCase {
            op: U::Log2,
            dom: Range(0.25, 100.0),
            m3: |x| 2.0 / (x.powi(3) * LN_2),
        },
        FdCase {
            op: U::Log10,
            dom: Range(0.25, 100.0),
            m3: |x| 2.0 / (x.powi(3) * LN_10),
        },
        FdCase {
            op: U::Ln1p,
            dom: Range(-0.75, 100.0),
            m3: |x| 2.0 / (1.0 + x).powi(3),
        },
        FdCase {
            op: U::Sin,
            dom: Range(-20.0, 20.0),
            m3: |_| 1.0,
        },
        FdCase {
            op: U::Cos,
            dom: Range(-20.0, 20.0),
            m3: |_| 1.0,
        },
        FdCase {
            op: U::Tan,
            dom: Range(-1.3, 1.3),
            m3: |x| {
                let t2 = x.tan().powi(2);
                2.0 * (1.0 + t2) * (1.0 + 3.0 * t2)
            },
        },
        FdCase {
            op: U::Asin,
            dom: Range(-0.9, 0.9),
            m3: |x| (1.0 + 2.0 * x * x) / (1.0 - x * x).powf(2.5),
        },
        FdCase {
            op: U::Acos,
            dom: Range(-0.9, 0.9),
            m3: |x| (1.0 + 2.0 * x * x) / (1.0 - x * x).powf(2.5),
        },
        FdCase {
            op: U::Atan,
            dom: Range(-20.0, 20.0),
            m3: |_| 2.0,
        },
        FdCase {
            op: U::Sinh,
            dom: Range(-8.0, 8.0),
            m3: f64::cosh,
        },
        FdCase {
            op: U::Cosh,
            dom: Range(-8.0, 8.0),
            m3: f64::cosh,
        },
        FdCase {
            op: U::Tanh,
            dom: Range(-8.0, 8.0),
            m3: |_| 2.0,
        },
        FdCase {
            op: U::Asinh,
            dom: Range(-20.0, 20.0),
            m3: |_| 1.0,
        },
        FdCase {
            op: U::Acosh,
            dom: Range(1.25, 100.0),
            m3: |x| (2.0 * x * x + 1.0) / (x * x - 1.0).powf(2.5),
        },
        FdCase {
            op: U::Atanh,
            dom: Range(-0.9, 0.9),
            m3: |x| (2.0 + 6.0 * x * x) / (1.0 - x * x).powi(3),
        },
        FdCase {
            op: U::Abs,
            dom: Sym(0.01, 100.0),
            m3: |_| 0.0,
        },
        FdCase {
            op: U::Signum,
            dom: Pieces,
            m3: |_| 0.0,
        },
        FdCase {
            op: U::Floor,
            dom: Pieces,
            m3: |_| 0.0,
        },
        FdCase {
            op: U::Ceil,
            dom: Pieces,
            m3: |_| 0.0,
        },
        FdCase {
            op: U::Round,
            dom: Pieces,
            m3: |_| 0.0,
        },
        FdCase {
            op: U::Trunc,
            dom: Pieces,
            m3: |_| 0.0,
        },
        FdCase {
            op: U::Fract,
            dom: Pieces,
            m3: |_| 0.0,
        },
    ];
    // powi(k): f''' = k(k−1)(k−2)·x^(k−3), on |x| ∈ [0.25, 4].
    for k in [-3, -2, -1, 0, 1, 2, 3, 4, 7] {
        v.push(FdCase {
            op: U::Powi(k),
            dom: Sym(0.25, 4.0),
            m3: match k {
                -3 => |x| 60.0 * x.abs().powi(-6),
                -2 => |x| 24.0 * x.abs().powi(-5),
                -1 => |x| 6.0 * x.abs().powi(-4),
                4 => |x| 24.0 * x.abs(),
                7 => |x| 210.0 * x.abs().powi(4),
                3 => |_| 6.0,
                _ => |_| 0.0,
            },
        });
    }
    v
}

/// Maps the random draws `(u ∈ [0, 1), n, negative)` into a domain, rounded to f32 (so
/// that `x ± h` is exact and the point is the same in both precisions).
fn point_in(dom: Dom, u: f64, n: i32, negative: bool) -> f64 {
    let x = match dom {
        Dom::Range(lo, hi) => lo + u * (hi - lo),
        Dom::Sym(lo, hi) => {
            let a = lo + u * (hi - lo);
            if negative { -a } else { a }
        }
        Dom::Pieces => {
            let t = 0.05 + 0.8 * u;
            let t = if t > 0.45 { t + 0.1 } else { t };
            f64::from(n) + t
        }
    };
    f64::from(x as f32)
}

fn check_fd_unary<T: Primitive>(u: f64, n: i32, negative: bool) -> Res {
    for case in fd_cases() {
        let x = point_in(case.dom, u, n, negative);
        let h = fd_step(x);
        let (fp, fm) = (case.op.apply(x + h), case.op.apply(x - h));
        let fd = (fp - fm) / (2.0 * h);
        let m3 = (case.m3)(x + h).abs().max((case.m3)(x - h).abs());
        let tol = fd_tolerance::<T>(h, m3, fp.abs().max(fm.abs()), fd);
        let ad = case.op.apply(Dual::<T, 1>::variable(T::constant(x)));
        close(
            &format!(
                "{:?}'({x:e}) in {}: AD vs central difference",
                case.op,
                core::any::type_name::<T>()
            ),
            f64_of(ad.eps[0]),
            fd,
            tol,
        )?;
    }
    Ok(())
}

/// A binary function for the finite-difference test: a point from two draws in [0, 1)
/// (and a sign), and bounds of `|∂³f/∂x³|` and `|∂³f/∂y³|` on the stencils.
struct FdBinCase {
    op: B,
    point: fn(f64, f64, bool) -> (f64, f64),
    m3x: fn(f64, f64) -> f64,
    m3y: fn(f64, f64) -> f64,
}

/// `d³/db³ (1 / ln b) = −(2L² + 6L + 6) / (b³ L⁴)`, `L = ln b`.
fn inv_ln_third(b: f64) -> f64 {
    let l = b.ln();
    (2.0 * l * l + 6.0 * l + 6.0) / (b.powi(3) * l.powi(4))
}

fn fd_bin_cases() -> Vec<FdBinCase> {
    vec![
        FdBinCase {
            // x ∈ [0.25, 4], y ∈ [-3, 3]
            op: B::Powf,
            point: |u, w, _| (0.25 + 3.75 * u, -3.0 + 6.0 * w),
            m3x: |x, y| (y * (y - 1.0) * (y - 2.0)).abs() * x.powf(y - 3.0),
            m3y: |x, y| x.powf(y) * x.ln().abs().powi(3),
        },
        FdBinCase {
            // the n-th directional derivative of atan2 is at most (n−1)!/rⁿ: 2/r³
            op: B::Atan2,
            point: |u, w, _| {
                let (r, t) = (0.5 + 3.5 * u, std::f64::consts::TAU * w);
                (r * t.cos(), r * t.sin())
            },
            m3x: |x, y| 2.0 / x.hypot(y).powi(3),
            m3y: |x, y| 2.0 / x.hypot(y).powi(3),
        },
        FdBinCase {
            // ∂³/∂x³ hypot = −3xy²/r⁵, at most 2/√3 / r² < 1.2/r²
            op: B::Hypot,
            point: |u, w, _| {
                let (r, t) = (0.5 + 3.5 * u, std::f64::consts::TAU * w);
                (r * t.cos(), r * t.sin())
            },
            m3x: |x, y| 1.2 / x.hypot(y).powi(2),
            m3y: |x, y| 1.2 / x.hypot(y).powi(2),
        },
        FdBinCase {
            // x ∈ [0.25, 100]; base in [0.2, 0.8] or [1.25, 10]
            op: B::Log,
            point: |u, w, low| {
                let b = if low { 0.2 + 0.6 * w } else { 1.25 + 8.75 * w };
                (0.25 + 99.75 * u, b)
            },
            m3x: |x, b| 2.0 / (x.powi(3) * b.ln().abs()),
            m3y: |x, b| x.ln().abs() * inv_ln_third(b),
        },
        FdBinCase {
            op: B::Mul,
            point: |u, w, _| (-4.0 + 8.0 * u, -4.0 + 8.0 * w),
            m3x: |_, _| 0.0,
            m3y: |_, _| 0.0,
        },
        FdBinCase {
            // x ∈ [-4, 4], |y| ∈ [0.25, 4]: ∂³/∂y³ (x/y) = −6x/y⁴
            op: B::Div,
            point: |u, w, neg| {
                let y = 0.25 + 3.75 * w;
                (-4.0 + 8.0 * u, if neg { -y } else { y })
            },
            m3x: |_, _| 0.0,
            m3y: |x, y| 6.0 * x.abs() / y.powi(4),
        },
    ]
}

fn check_fd_binary<T: Primitive>(u: f64, w: f64, flag: bool) -> Res {
    for case in fd_bin_cases() {
        let (x, y) = (case.point)(u, w, flag);
        let (x, y) = (f64::from(x as f32), f64::from(y as f32));
        let [a, b] = Dual::<T, 2>::variables([T::constant(x), T::constant(y)]);
        let ad = case.op.apply(a, b);
        for (i, m3f) in [case.m3x, case.m3y].into_iter().enumerate() {
            let (v, other) = if i == 0 { (x, y) } else { (y, x) };
            let h = fd_step(v);
            let f = |s: f64| {
                if i == 0 {
                    case.op.apply(s, other)
                } else {
                    case.op.apply(other, s)
                }
            };
            let (fp, fm) = (f(v + h), f(v - h));
            let fd = (fp - fm) / (2.0 * h);
            let at = |s: f64| if i == 0 { m3f(s, y) } else { m3f(x, s) };
            let m3 = at(v + h).abs().max(at(v - h).abs());
            let tol = fd_tolerance::<T>(h, m3, fp.abs().max(fm.abs()), fd);
            close(
                &format!(
                    "∂{:?}/∂{}({x:e}, {y:e}) in {}: AD vs central difference",
                    case.op,
                    ["x", "y"][i],
                    core::any::type_name::<T>()
                ),
                f64_of(ad.eps[i]),
                fd,
                tol,
            )?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Cross-mode agreement and the chain rule (one variable)
// ---------------------------------------------------------------------------

/// `f(x)` in every second-order mode: values bit-identical to the plain `T` evaluation,
/// first and second derivatives within [`tols`].
fn check_modes_1d<T: Primitive>(f: &Expr, x0: f64) -> Res {
    let [x] = inputs::<T, 1>([x0]);
    let plain = f.eval(&[x]);
    let hd = f.eval(&[HyperDual::<T>::variable(x)]);
    let nested = f.eval(&[Dual::new(
        Dual::<T, 1>::variable(x),
        [Dual::constant_of(T::one())],
    )]);
    let d2 = f.eval(&[Dual2::<T, 1>::variable(x)]);
    let d1 = f.eval(&[Dual::<T, 1>::variable(x)]);

    // Values never depend on the mode (policy: values are the primitive's).
    for (name, v) in [
        ("HyperDual", hd.re),
        ("Dual<Dual>", nested.re.re),
        ("Dual2", d2.value()),
        ("Dual", d1.re),
    ] {
        prop_assert!(
            v == plain || (v.is_nan() && plain.is_nan()),
            "{name} value {:e} != plain value {:e}",
            f64_of(v),
            f64_of(plain)
        );
    }
    prop_assert!(
        hd.e1 == hd.e2,
        "HyperDual seeded in both directions: e1 {:e} != e2 {:e}",
        f64_of(hd.e1),
        f64_of(hd.e2)
    );

    let b = f.bound(&[x]);
    let (t1, t2) = tols::<T>(f.ops(), b);
    let reference = f64_of(d2.gradient()[0]);
    for (name, v) in [
        ("Dual", d1.eps[0]),
        ("HyperDual e1", hd.e1),
        ("Dual<Dual> re.eps", nested.re.eps[0]),
        ("Dual<Dual> eps.re", nested.eps[0].re),
    ] {
        close(&format!("f' by {name} vs Dual2"), f64_of(v), reference, t1)?;
    }
    let reference = f64_of(d2.hessian()[0][0]);
    close("f'' by HyperDual vs Dual2", f64_of(hd.e12), reference, t2)?;
    close(
        "f'' by Dual<Dual> vs Dual2",
        f64_of(nested.eps[0].eps[0]),
        reference,
        t2,
    )?;
    Ok(())
}

/// The chain rule on a composition `f_n ∘ … ∘ f_1`: the `Dual` derivative of the whole
/// equals the product of the step derivatives `f_k'(v_{k−1})`, each evaluated on its own
/// at the intermediate value; and the `HyperDual` second derivative equals the
/// step-by-step rule `F_k'' = f_k''·F_{k−1}'² + f_k'·F_{k−1}''`.
fn check_chain_rule<T: Primitive>(steps: &[usize], x0: f64) -> Res {
    let [x] = inputs::<T, 1>([x0]);
    let whole = compose(steps);
    let d = whole.eval(&[Dual::<T, 1>::variable(x)]);
    let hd = whole.eval(&[HyperDual::<T>::variable(x)]);

    let (mut v, mut product, mut d1, mut d2) = (x, T::one(), T::one(), T::zero());
    for &s in steps {
        let e = step(s, Expr::Var(0));
        let y = e.eval(&[Dual::<T, 1>::variable(v)]);
        let z = e.eval(&[HyperDual::<T>::variable(v)]);
        product *= y.eps[0];
        d2 = z.e12 * d1 * d1 + z.e1 * d2;
        d1 *= z.e1;
        v = y.re;
    }
    prop_assert!(
        d.re == v,
        "value {:e} != step-by-step {:e}",
        f64_of(d.re),
        f64_of(v)
    );
    // A product of n factors, each a product of local partials: a relative error of a
    // few ulp per operation, no cancellation.
    let unit = Bound {
        value: T::zero(),
        g: 1.0,
        m: 0.0,
    };
    let (rel, tiny) = tols::<T>(whole.ops(), unit);
    let (a, p) = (f64_of(d.eps[0]), f64_of(product));
    close(
        "F' vs product of step derivatives",
        a,
        p,
        rel * a.abs().max(p.abs()) + tiny,
    )?;
    let (_, t2) = tols::<T>(whole.ops(), whole.bound(&[x]));
    close(
        "F'' vs step-by-step chain rule",
        f64_of(hd.e12),
        f64_of(d2),
        t2,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Three variables: Hessians and the helpers
// ---------------------------------------------------------------------------

fn check_hessians<T: Primitive>(f: &Expr, x0: [f64; 3]) -> Res {
    let x = inputs::<T, 3>(x0);
    let b = f.bound(&x);
    let (t1, t2) = tols::<T>(f.ops(), b);

    let d2 = f.eval(&Dual2::<T, 3>::variables(x));
    let h = d2.hessian();
    let g = d2.gradient();
    for i in 0..3 {
        for j in 0..3 {
            prop_assert!(
                h[i][j] == h[j][i],
                "Dual2 Hessian not symmetric: H[{i}][{j}] = {:e}, H[{j}][{i}] = {:e}",
                f64_of(h[i][j]),
                f64_of(h[j][i])
            );
        }
    }

    // Forward over forward: outer tangent i of inner tangent j.
    let unit =
        |i: usize, j: usize| Dual::<T, 3>::constant_of(if i == j { T::one() } else { T::zero() });
    let inner = Dual::<T, 3>::variables(x);
    let mut k = 0;
    let seeded = inner.map(|v| {
        let d = Dual::new(v, [unit(k, 0), unit(k, 1), unit(k, 2)]);
        k += 1;
        d
    });
    let nested = f.eval(&seeded);
    prop_assert!(nested.re.re == d2.value(), "nested value != Dual2 value");

    let dual = f.eval(&Dual::<T, 3>::variables(x));
    for i in 0..3 {
        let gi = f64_of(g[i]);
        close(&format!("∂{i} Dual vs Dual2"), f64_of(dual.eps[i]), gi, t1)?;
        close(
            &format!("∂{i} Dual<Dual> (inner) vs Dual2"),
            f64_of(nested.re.eps[i]),
            gi,
            t1,
        )?;
        close(
            &format!("∂{i} Dual<Dual> (outer) vs Dual2"),
            f64_of(nested.eps[i].re),
            gi,
            t1,
        )?;
        for j in 0..3 {
            let hij = f64_of(h[i][j]);
            close(
                &format!("H[{i}][{j}] Dual<Dual<_,3>,3> vs Dual2<_,3>"),
                f64_of(nested.eps[i].eps[j]),
                hij,
                t2,
            )?;
            // HyperDual: x_i along ε₁, x_j along ε₂ (both along both when i == j).
            let (o, z) = (T::one(), T::zero());
            let vars: Vec<HyperDual<T>> = (0..3)
                .map(|k| {
                    HyperDual::new(
                        x[k],
                        if k == i { o } else { z },
                        if k == j { o } else { z },
                        z,
                    )
                })
                .collect();
            let y = f.eval(&vars);
            prop_assert!(y.re == d2.value(), "HyperDual value != Dual2 value");
            close(
                &format!("H[{i}][{j}] HyperDual e12 vs Dual2"),
                f64_of(y.e12),
                hij,
                t2,
            )?;
            close(&format!("∂{i} HyperDual e1 vs Dual2"), f64_of(y.e1), gi, t1)?;
            close(
                &format!("∂{j} HyperDual e2 vs Dual2"),
                f64_of(y.e2),
                f64_of(g[j]),
                t1,
            )?;
        }
    }
    Ok(())
}

fn check_helpers<T: Primitive>(f: &Expr, g: &Expr, x0: [f64; 3], v0: [f64; 3]) -> Res {
    let x = inputs::<T, 3>(x0);
    let v = inputs::<T, 3>(v0);
    let vb = v.map(Primitive::to_f64_exact);
    let vnorm: f64 = vb.iter().map(|a| a.abs()).sum();
    let (bf, bg) = (f.bound(&x), g.bound(&x));
    let (t1f, t2f) = tols::<T>(f.ops() + 3, bf);
    let (t1g, _) = tols::<T>(g.ops() + 3, bg);

    let fx = f.eval(&x);
    let grad = gradient(|a| f.eval(&a), x);
    let (val, grad2) = value_and_gradient(|a| f.eval(&a), x);
    prop_assert!(val == fx, "value_and_gradient value != f(x)");
    prop_assert!(grad == grad2, "gradient != value_and_gradient");

    let (val, grad_h, hess) = value_gradient_hessian(|a| f.eval(&a), x);
    prop_assert!(val == fx, "value_gradient_hessian value != f(x)");
    let hess2 = hessian(|a| f.eval(&a), x);
    prop_assert!(hess == hess2, "hessian != value_gradient_hessian");
    for i in 0..3 {
        close(
            &format!("gradient[{i}] vs value_gradient_hessian"),
            f64_of(grad[i]),
            f64_of(grad_h[i]),
            t1f,
        )?;
    }

    // Jacobian of [f, g]: its rows are the gradients.
    let jac = jacobian(|a| [f.eval(&a), g.eval(&a)], x);
    let grad_g = gradient(|a| g.eval(&a), x);
    for i in 0..3 {
        close(
            &format!("J[0][{i}] vs gradient(f)"),
            f64_of(jac[0][i]),
            f64_of(grad[i]),
            t1f,
        )?;
        close(
            &format!("J[1][{i}] vs gradient(g)"),
            f64_of(jac[1][i]),
            f64_of(grad_g[i]),
            t1g,
        )?;
    }

    // jvp = J·v.
    let (vals, jv) = jvp(|a| [f.eval(&a), g.eval(&a)], x, v);
    prop_assert!(
        vals[0] == fx && vals[1] == g.eval(&x),
        "jvp values != f(x), g(x)"
    );
    for (r, (row, t1)) in jac.iter().zip([t1f, t1g]).enumerate() {
        let jv_ref: f64 = (0..3).map(|i| f64_of(row[i]) * vb[i]).sum();
        close(
            &format!("jvp[{r}] vs J·v"),
            f64_of(jv[r]),
            jv_ref,
            t1 * vnorm,
        )?;
    }

    // hvp = H·v, with the gradient and the value.
    let (val, grad_v, hv) = hvp(|a| f.eval(&a), x, v);
    prop_assert!(val == fx, "hvp value != f(x)");
    for i in 0..3 {
        close(
            &format!("hvp gradient[{i}] vs gradient"),
            f64_of(grad_v[i]),
            f64_of(grad[i]),
            t1f,
        )?;
        let hv_ref: f64 = (0..3).map(|j| f64_of(hess[i][j]) * vb[j]).sum();
        close(
            &format!("hvp[{i}] vs H·v"),
            f64_of(hv[i]),
            hv_ref,
            t2f * vnorm,
        )?;
    }
    Ok(())
}

/// `derivative` and `second_derivative` on a function of one variable.
fn check_scalar_helpers<T: Primitive>(f: &Expr, x0: f64) -> Res {
    let [x] = inputs::<T, 1>([x0]);
    let (t1, t2) = tols::<T>(f.ops(), f.bound(&[x]));
    let fx = f.eval(&[x]);
    let (v, d) = derivative(|a| f.eval(&[a]), x);
    let (v2, d_2, dd) = second_derivative(|a| f.eval(&[a]), x);
    let hd = f.eval(&[HyperDual::<T>::variable(x)]);
    prop_assert!(v == fx && v2 == fx, "helper values != f(x)");
    close(
        "derivative vs second_derivative",
        f64_of(d),
        f64_of(d_2),
        t1,
    )?;
    close("derivative vs HyperDual", f64_of(d), f64_of(hd.e1), t1)?;
    close(
        "second_derivative vs HyperDual",
        f64_of(dd),
        f64_of(hd.e12),
        t2,
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------
// The tests, once per precision
// ---------------------------------------------------------------------------

macro_rules! property_tests {
    ($name:ident, $t:ty) => {
        mod $name {
            use super::*;

            proptest! {
                #![proptest_config(config(256))]

                #[test]
                fn unary_derivatives_match_central_differences(
                    u in 0.0_f64..1.0,
                    n in -100_i32..=100,
                    negative in any::<bool>(),
                ) {
                    check_fd_unary::<$t>(u, n, negative)?;
                }

                #[test]
                fn binary_partials_match_central_differences(
                    u in 0.0_f64..1.0,
                    w in 0.0_f64..1.0,
                    flag in any::<bool>(),
                ) {
                    check_fd_binary::<$t>(u, w, flag)?;
                }

                #[test]
                fn second_order_modes_agree_on_compositions(
                    steps in composition(),
                    x in coord(),
                ) {
                    check_modes_1d::<$t>(&compose(&steps), x)?;
                }

                #[test]
                fn second_order_modes_agree_on_expressions(f in expr(1), x in coord()) {
                    check_modes_1d::<$t>(&f, x)?;
                }

                #[test]
                fn chain_rule_on_compositions(steps in composition(), x in coord()) {
                    check_chain_rule::<$t>(&steps, x)?;
                }

                #[test]
                fn hessians_agree_across_modes(
                    f in expr(3),
                    x in [coord(), coord(), coord()],
                ) {
                    check_hessians::<$t>(&f, x)?;
                }

                #[test]
                fn helpers_agree(
                    f in expr(3),
                    g in expr(3),
                    x in [coord(), coord(), coord()],
                    v in [coord(), coord(), coord()],
                ) {
                    check_helpers::<$t>(&f, &g, x, v)?;
                }

                #[test]
                fn scalar_helpers_agree(f in expr(1), x in coord()) {
                    check_scalar_helpers::<$t>(&f, x)?;
                }
            }
        }
    };
}

property_tests!(in_f64, f64);
property_tests!(in_f32, f32);
