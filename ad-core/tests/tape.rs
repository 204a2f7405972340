//! Reverse mode (`Tape`, `Program`) against forward mode, in `f32` and in `f64`.
//!
//! * **Every elementary function** (and `+ - * /`, negation, `clamp`, `sin_cos`,
//!   `mul_add`, `powi` for several exponents, constant operands) at several points of
//!   its domain: the tape gradient equals the forward-mode gradient (`Dual`) to
//!   [`ELEM_ULPS`] ulp, and the value is the same bit for bit.
//! * **Random programs** (proptest): a small straight-line language over three inputs,
//!   run by one generic function so that tape and forward mode execute the identical
//!   program; gradients agree within a bound derived from the magnitude of the terms
//!   summed ([`path_bound`]).
//! * **Replay**: a program recorded at `x0` and replayed at `x1` gives bit for bit the
//!   values and gradient of a fresh recording at `x1`.
//! * **Guards**: a replay across a recorded branch (`if x > y`, `clamp`, `==`,
//!   `partial_cmp`) fails with `BranchChanged` and the program stays usable; `select`
//!   is re-decided on every replay; `select(x > 0, sqrt(x), 0)` has derivative 0 at 0.
//! * **Second order**: `hessian` and `hvp` (forward over reverse) against `Dual2`.
//! * **Jacobian / vjp** of a map ℝ³ → ℝ².
//! * **Long programs** whose operands lie farther back than an operand field reaches
//!   (far references), including the exact boundary distance 8191/8192.
//! * **Constants**, and `Display`/`Debug` of `Var`.

// Matrix loops read best with (i, j) indices.
#![allow(clippy::needless_range_loop)]

use ad_core::rules::{self, BinaryOp, UnaryOp, Wrt};
use ad_core::{Compare, Dual, Error, Primitive, Real, Tape, Var, Workspace};
use num_traits::Float;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

type Res = Result<(), TestCaseError>;

/// Instantiates `fn name<T: Primitive>()` as the tests `name::f32` and `name::f64`.
macro_rules! both {
    // Ignored under Miri: these tests record programs past the 8191-node operand reach
    // (thousands of nodes, tens of minutes in the interpreter). Far references are
    // safe-code index arithmetic, tested here natively and by the `capacity` fuzz
    // target; Miri runs every other test of this file.
    (not_under_miri: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                #[cfg_attr(miri, ignore = "programs past the 8191-node reach: tens of minutes in Miri")]
                fn f32() {
                    super::$name::<f32>()
                }
                #[test]
                #[cfg_attr(miri, ignore = "programs past the 8191-node reach: tens of minutes in Miri")]
                fn f64() {
                    super::$name::<f64>()
                }
            }
        )*
    };
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn f32() {
                    super::$name::<f32>()
                }
                #[test]
                fn f64() {
                    super::$name::<f64>()
                }
            }
        )*
    };
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn f64_of<T: Primitive>(x: T) -> f64 {
    x.to_f64_exact()
}

fn eps<T: Primitive>() -> f64 {
    T::epsilon().to_f64_exact()
}

fn pt<T: Primitive, const N: usize>(x: [f64; N]) -> [T; N] {
    x.map(T::constant)
}

fn show<T: Primitive, const N: usize>(x: [T; N]) -> [f64; N] {
    x.map(f64_of)
}

/// Bit-for-bit equality (any NaN equals any NaN; `+0` and `-0` differ).
fn same<T: Primitive>(a: T, b: T) -> bool {
    let (a, b) = (f64_of(a), f64_of(b));
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

fn same_all<T: Primitive>(a: &[T], b: &[T]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(&p, &q)| same(p, q))
}

/// `a == b` (so `±0` agree, as do equal infinities), or both finite and within `ulps`
/// ulp of the larger magnitude.
fn ulps_close<T: Primitive>(a: T, b: T, ulps: f64) -> bool {
    let (a, b) = (f64_of(a), f64_of(b));
    a == b
        || (a.is_finite()
            && b.is_finite()
            && (a - b).abs() <= ulps * eps::<T>() * a.abs().max(b.abs()))
}

/// `|a − b| ≤ tol`, both finite (or equal).
fn abs_close(a: f64, b: f64, tol: f64) -> bool {
    a == b || (a.is_finite() && b.is_finite() && (a - b).abs() <= tol)
}

/// Runs `f` on a thread with a large stack: the long-program tests box tapes of a
/// megabyte and more, and an unoptimized `Box::new(Tape::new())` builds the value on the
/// stack before moving it.
fn with_big_stack(f: impl FnOnce() + Send + 'static) {
    let handle = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(f)
        .expect("spawn a test thread");
    if let Err(panic) = handle.join() {
        std::panic::resume_unwind(panic);
    }
}

// ---------------------------------------------------------------------------
// 1. Every elementary function, tape against Dual
// ---------------------------------------------------------------------------

/// Tolerance for one elementary function, tape against forward mode, in ulp of the
/// larger result.
///
/// Both modes evaluate the same partial from the rules table at the same recorded
/// value, so most entries agree exactly. They may still differ in the last bits:
/// * `∂(x/y)/∂y` is `-v·(1/y)` on the tape (the rules row) and `(0 − v·1)/y` in `Dual`
///   (its quotient rule), two roundings against one (≤ 1.5 ulp);
/// * a gradient entry that sums several contributions (an input used twice, as in
///   `clamp` or `mul_add`) is summed in reverse order on the tape.
///
/// Four ulp covers both with a margin, and is far below any real error (a wrong rule
/// is off by a factor, a sign, or NaN).
const ELEM_ULPS: f64 = 4.0;

/// An elementary function of up to three inputs `[x, y, z]`.
#[derive(Clone, Copy, Debug, PartialEq)]
enum E {
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
    Neg,
    /// `x.sin_cos().0`
    SinCos0,
    /// `x.sin_cos().1`
    SinCos1,
    Powi(i32),
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    /// `x.powf(y)`, both active
    Powf,
    /// `x.atan2(y)` (`x` is the ordinate)
    Atan2,
    Hypot,
    /// `x.log(y)`: `x` in base `y`
    Log,
    Min,
    Max,
    /// `x.mul_add(y, z)`
    MulAdd,
    /// `x.clamp(y, z)`, all three active
    Clamp,
    /// `x.powf(2.5)`: constant exponent
    PowfC,
    /// `2.5.powf(x)`: constant base
    CPowf,
    /// `x.log(3)`: constant base
    LogC,
    /// `3 / x`
    CDiv,
    /// `x.hypot(0.75)`
    HypotC,
    /// `0.75.atan2(x)`
    CAtan2,
    /// `x % 0.75`
    RemC,
}

fn elem<R: Real>(e: E, [x, y, z]: [R; 3]) -> R {
    let k = R::constant;
    match e {
        E::Recip => x.recip(),
        E::Sqrt => x.sqrt(),
        E::Cbrt => x.cbrt(),
        E::Exp => x.exp(),
        E::Exp2 => x.exp2(),
        E::ExpM1 => x.exp_m1(),
        E::Ln => x.ln(),
        E::Log2 => x.log2(),
        E::Log10 => x.log10(),
        E::Ln1p => x.ln_1p(),
        E::Sin => x.sin(),
        E::Cos => x.cos(),
        E::Tan => x.tan(),
        E::Asin => x.asin(),
        E::Acos => x.acos(),
        E::Atan => x.atan(),
        E::Sinh => x.sinh(),
        E::Cosh => x.cosh(),
        E::Tanh => x.tanh(),
        E::Asinh => x.asinh(),
        E::Acosh => x.acosh(),
        E::Atanh => x.atanh(),
        E::Abs => Float::abs(x),
        E::Signum => Float::signum(x),
        E::Floor => x.floor(),
        E::Ceil => x.ceil(),
        E::Round => x.round(),
        E::Trunc => x.trunc(),
        E::Fract => x.fract(),
        E::Neg => -x,
        E::SinCos0 => x.sin_cos().0,
        E::SinCos1 => x.sin_cos().1,
        E::Powi(n) => x.powi(n),
        E::Add => x + y,
        E::Sub => x - y,
        E::Mul => x * y,
        E::Div => x / y,
        E::Rem => x % y,
        E::Powf => x.powf(y),
        E::Atan2 => x.atan2(y),
        E::Hypot => x.hypot(y),
        E::Log => x.log(y),
        E::Min => x.min(y),
        E::Max => x.max(y),
        E::MulAdd => x.mul_add(y, z),
        E::Clamp => Float::clamp(x, y, z),
        E::PowfC => x.powf(k(2.5)),
        E::CPowf => k(2.5).powf(x),
        E::LogC => x.log(k(3.0)),
        E::CDiv => k(3.0) / x,
        E::HypotC => x.hypot(k(0.75)),
        E::CAtan2 => k(0.75).atan2(x),
        E::RemC => x % k(0.75),
    }
}

const GENERAL: &[f64] = &[-2.5, -0.7, -0.1, 0.3, 1.0, 1.7, 3.2];
const WITH_ZERO: &[f64] = &[-2.5, -1.0, -0.5, 0.0, 0.5, 1.5, 2.0, 2.7];
const POSITIVE: &[f64] = &[0.05, 0.5, 1.0, 2.0, 7.5];
const UNIT: &[f64] = &[-0.9, -0.3, 0.2, 0.8];
const ABOVE_ONE: &[f64] = &[1.1, 2.0, 5.0];
const TAN: &[f64] = &[-1.2, -0.4, 0.5, 1.3];
const LN1P: &[f64] = &[-0.9, -0.2, 0.4, 3.0];
const BASES: &[f64] = &[0.3, 2.0, 10.0];
const POWI: &[i32] = &[-3, -2, -1, 0, 1, 2, 3, 5];

/// Every elementary function with the points it is checked at.
fn elementary_cases() -> Vec<(E, Vec<[f64; 3]>)> {
    let unary = |pts: &[f64]| pts.iter().map(|&x| [x, 0.7, -1.3]).collect::<Vec<_>>();
    let pairs = |xs: &[f64], ys: &[f64]| {
        let mut v = Vec::new();
        for &x in xs {
            for &y in ys {
                v.push([x, y, -1.3]);
            }
        }
        v
    };
    let mut cases = vec![
        (E::Recip, unary(GENERAL)),
        (E::Sqrt, unary(POSITIVE)),
        (E::Cbrt, unary(GENERAL)),
        (E::Exp, unary(GENERAL)),
        (E::Exp2, unary(GENERAL)),
        (E::ExpM1, unary(GENERAL)),
        (E::Ln, unary(POSITIVE)),
        (E::Log2, unary(POSITIVE)),
        (E::Log10, unary(POSITIVE)),
        (E::Ln1p, unary(LN1P)),
        (E::Sin, unary(GENERAL)),
        (E::Cos, unary(GENERAL)),
        (E::Tan, unary(TAN)),
        (E::Asin, unary(UNIT)),
        (E::Acos, unary(UNIT)),
        (E::Atan, unary(GENERAL)),
        (E::Sinh, unary(GENERAL)),
        (E::Cosh, unary(GENERAL)),
        (E::Tanh, unary(GENERAL)),
        (E::Asinh, unary(GENERAL)),
        (E::Acosh, unary(ABOVE_ONE)),
        (E::Atanh, unary(UNIT)),
        (E::Abs, unary(WITH_ZERO)),
        (E::Signum, unary(WITH_ZERO)),
        (E::Floor, unary(WITH_ZERO)),
        (E::Ceil, unary(WITH_ZERO)),
        (E::Round, unary(WITH_ZERO)),
        (E::Trunc, unary(WITH_ZERO)),
        (E::Fract, unary(WITH_ZERO)),
        (E::Neg, unary(WITH_ZERO)),
        (E::SinCos0, unary(GENERAL)),
        (E::SinCos1, unary(GENERAL)),
        (E::Add, pairs(GENERAL, GENERAL)),
        (E::Sub, pairs(GENERAL, GENERAL)),
        (E::Mul, pairs(GENERAL, GENERAL)),
        (E::Div, pairs(GENERAL, GENERAL)),
        (E::Rem, pairs(GENERAL, GENERAL)),
        (E::Powf, pairs(POSITIVE, GENERAL)),
        (E::Atan2, pairs(GENERAL, GENERAL)),
        (E::Hypot, pairs(GENERAL, GENERAL)),
        (E::Log, pairs(POSITIVE, BASES)),
        // Ties (x == y) included: both modes give ½, ½.
        (E::Min, pairs(GENERAL, GENERAL)),
        (E::Max, pairs(GENERAL, GENERAL)),
        (
            E::MulAdd,
            GENERAL
                .iter()
                .zip(GENERAL.iter().rev())
                .zip(GENERAL.iter().cycle().skip(3))
                .map(|((&x, &y), &z)| [x, y, z])
                .collect(),
        ),
        (
            E::Clamp,
            WITH_ZERO
                .iter()
                .flat_map(|&x| [[x, -1.0, 1.0], [x, 0.2, 2.0]])
                .collect(),
        ),
        (E::PowfC, unary(POSITIVE)),
        (E::CPowf, unary(GENERAL)),
        (E::LogC, unary(POSITIVE)),
        (E::CDiv, unary(GENERAL)),
        (E::HypotC, unary(WITH_ZERO)),
        (E::CAtan2, unary(WITH_ZERO)),
        (E::RemC, unary(GENERAL)),
    ];
    for &n in POWI {
        cases.push((E::Powi(n), unary(GENERAL)));
    }
    cases
}

/// One function at one point: value bit for bit, gradient to [`ELEM_ULPS`]; then the
/// same through `record` + `gradient` (a replay at the recorded point) and
/// `gradient_at_recorded`, which must match the one-shot `Tape::gradient` exactly.
fn check_elem<T: Primitive>(e: E, p: [f64; 3]) {
    let x = pt::<T, 3>(p);
    let (fv, fg) = ad_core::value_and_gradient(|v| elem(e, v), x);
    let mut tape: Tape<T, 32> = Tape::new();
    let (tv, tg) = tape
        .gradient(|v| elem(e, v), x)
        .unwrap_or_else(|err| panic!("{e:?} at {p:?}: {err}"));
    assert!(
        same(tv, fv),
        "{e:?} at {p:?}: tape value {tv} vs forward {fv}"
    );
    for i in 0..3 {
        assert!(
            ulps_close(tg[i], fg[i], ELEM_ULPS),
            "{e:?} at {p:?}: d/dx{i}: tape {:e} vs forward {:e}",
            f64_of(tg[i]),
            f64_of(fg[i]),
        );
    }
    let mut prog = tape.record(x, |v| [elem(e, v)]).expect("recorded");
    let at_recorded = prog.gradient_at_recorded();
    let replayed = prog.gradient(x).expect("replay at the recorded point");
    assert!(same(at_recorded.0, tv) && same_all(&at_recorded.1, &tg));
    assert!(same(replayed.0, tv) && same_all(&replayed.1, &tg));
}

fn elementary_functions_match_forward_mode<T: Primitive>() {
    let mut n = 0;
    for (e, points) in elementary_cases() {
        assert!(!points.is_empty());
        for p in points {
            check_elem::<T>(e, p);
            n += 1;
        }
    }
    assert!(n > 500, "only {n} cases");
}

/// Every unary and binary row of the rules table is covered by [`elementary_cases`].
#[test]
fn elementary_cases_cover_every_row() {
    let cases: Vec<E> = elementary_cases().into_iter().map(|(e, _)| e).collect();
    for e in [
        E::Recip,
        E::Sqrt,
        E::Cbrt,
        E::Exp,
        E::Exp2,
        E::ExpM1,
        E::Ln,
        E::Log2,
        E::Log10,
        E::Ln1p,
        E::Sin,
        E::Cos,
        E::Tan,
        E::Asin,
        E::Acos,
        E::Atan,
        E::Sinh,
        E::Cosh,
        E::Tanh,
        E::Asinh,
        E::Acosh,
        E::Atanh,
        E::Abs,
        E::Signum,
        E::Floor,
        E::Ceil,
        E::Round,
        E::Trunc,
        E::Fract,
        E::Neg,
        E::SinCos0,
        E::SinCos1,
        E::Add,
        E::Sub,
        E::Mul,
        E::Div,
        E::Rem,
        E::Powf,
        E::Atan2,
        E::Hypot,
        E::Log,
        E::Min,
        E::Max,
        E::MulAdd,
        E::Clamp,
        E::Powi(-1),
        E::Powi(0),
    ] {
        assert!(cases.contains(&e), "{e:?} not covered");
    }
}

/// Spot checks against closed forms, so that the comparison above is not only
/// "both modes agree".
fn elementary_closed_forms<T: Primitive>() {
    let mut tape: Tape<T, 32> = Tape::new();
    let x = pt::<T, 2>([2.0, 3.0]);
    let (v, g) = tape.gradient(|[a, b]| a.powf(b), x).unwrap();
    assert_eq!(f64_of(v), 8.0);
    assert!(ulps_close(g[0], T::constant(12.0), 2.0));
    assert!(ulps_close(g[1], T::constant(8.0 * 2.0f64.ln()), 2.0));
    let (_, g) = tape.gradient(|[a, b]| a.hypot(b), pt([3.0, 4.0])).unwrap();
    assert_eq!(show(g), show(pt::<T, 2>([0.6, 0.8])));
    let (_, g) = tape.gradient(|[a, b]| a.atan2(b), pt([1.0, 0.0])).unwrap();
    assert_eq!(show(g), [0.0, -1.0]);
    let (_, g) = tape.gradient(|[a, b]| a.min(b), pt([1.0, 1.0])).unwrap();
    assert_eq!(show(g), [0.5, 0.5]);
    let (_, g) = tape.gradient(|[a]| a.powi(-2), pt([2.0])).unwrap();
    assert_eq!(show(g), [-0.25]);
    let (_, g) = tape.gradient(|[a]| a.powi(0), pt([0.0])).unwrap();
    assert_eq!(show(g), [0.0]);
    let (_, g) = tape.gradient(|[a]| Float::abs(a), pt([0.0])).unwrap();
    assert_eq!(show(g), [0.0]);
    let (_, g) = tape
        .gradient(|[a]| a.fract() + a.floor(), pt([2.5]))
        .unwrap();
    assert_eq!(show(g), [1.0]);
}

both!(
    elementary_functions_match_forward_mode,
    elementary_closed_forms
);

// ---------------------------------------------------------------------------
// 2. Random programs (proptest)
// ---------------------------------------------------------------------------

/// One instruction of a straight-line program over the slots `0, 1, 2` (the inputs)
/// and one new slot per instruction.
#[derive(Clone, Copy, Debug)]
enum Step {
    Const(f64),
    U(UnaryOp, usize),
    B(BinaryOp, usize, usize),
    /// `a.mul_add(b, c)`
    MulAdd(usize, usize, usize),
}

/// Runs a program over any number type: tape variables and dual numbers execute the
/// same instructions. The elementary functions go through their named methods (the
/// public API), `+ - * / %` through the operators.
fn run<R: Real>(steps: &[Step], x: [R; 3]) -> R {
    let mut s: Vec<R> = Vec::with_capacity(3 + steps.len());
    s.extend(x);
    for st in steps {
        let v = match *st {
            Step::Const(c) => R::constant(c),
            Step::U(op, a) => unary(op, s[a]),
            Step::B(op, a, b) => binary(op, s[a], s[b]),
            Step::MulAdd(a, b, c) => s[a].mul_add(s[b], s[c]),
        };
        s.push(v);
    }
    s[s.len() - 1]
}

fn unary<R: Real>(op: UnaryOp, x: R) -> R {
    use UnaryOp as U;
    match op {
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
        U::Acosh => x.acosh(),
        U::Atanh => x.atanh(),
        U::Abs => Float::abs(x),
        U::Signum => Float::signum(x),
        U::Floor => x.floor(),
        U::Ceil => x.ceil(),
        U::Round => x.round(),
        U::Trunc => x.trunc(),
        U::Fract => x.fract(),
        U::Powi(n) => x.powi(n),
        _ => x.unary(op),
    }
}

fn binary<R: Real>(op: BinaryOp, x: R, y: R) -> R {
    use BinaryOp as B;
    match op {
        B::Add => x + y,
        B::Sub => x - y,
        B::Mul => x * y,
        B::Div => x / y,
        B::Rem => x % y,
        B::Powf => x.powf(y),
        B::Atan2 => x.atan2(y),
        B::Hypot => x.hypot(y),
        B::Log => x.log(y),
        B::Min => x.min(y),
        B::Max => x.max(y),
        _ => x.binary(op, y),
    }
}

/// Builds programs whose every instruction stays inside its domain: arguments of
/// restricted functions are first mapped into the domain by more instructions
/// (`|a| + 0.25` for logarithms, `0.9·tanh(a)` for `asin`, ...).
struct Builder {
    steps: Vec<Step>,
}

impl Builder {
    fn slots(&self) -> usize {
        3 + self.steps.len()
    }
    fn push(&mut self, s: Step) -> usize {
        self.steps.push(s);
        self.slots() - 1
    }
    fn k(&mut self, c: f64) -> usize {
        self.push(Step::Const(c))
    }
    fn u(&mut self, op: UnaryOp, a: usize) -> usize {
        self.push(Step::U(op, a))
    }
    fn b(&mut self, op: BinaryOp, a: usize, b: usize) -> usize {
        self.push(Step::B(op, a, b))
    }
    fn plus(&mut self, a: usize, c: f64) -> usize {
        let k = self.k(c);
        self.b(BinaryOp::Add, a, k)
    }
    /// `|a| + 0.25 > 0`
    fn pos(&mut self, a: usize) -> usize {
        let m = self.u(UnaryOp::Abs, a);
        self.plus(m, 0.25)
    }
    /// `|a| + 1.25 > 1`
    fn above_one(&mut self, a: usize) -> usize {
        let m = self.u(UnaryOp::Abs, a);
        self.plus(m, 1.25)
    }
    /// `0.9·tanh(a) ∈ (-0.9, 0.9)`
    fn unit(&mut self, a: usize) -> usize {
        let t = self.u(UnaryOp::Tanh, a);
        let k = self.k(0.9);
        self.b(BinaryOp::Mul, t, k)
    }
    /// An operand: usually one of the three latest slots (deep compositions),
    /// otherwise any slot (fan-out, reuse of the inputs).
    fn pick(&self, r: u16) -> usize {
        let n = self.slots();
        let r = usize::from(r);
        if r % 3 != 0 {
            n - 1 - (r / 3) % n.min(3)
        } else {
            (r / 3) % n
        }
    }
}

/// One generated instruction: kind, three operand choices, a `powi` exponent and a
/// constant.
type Gen = (u8, u16, u16, u16, i32, f64);

const DIRECT: [UnaryOp; 19] = [
    UnaryOp::Neg,
    UnaryOp::Cbrt,
    UnaryOp::Exp,
    UnaryOp::Exp2,
    UnaryOp::ExpM1,
    UnaryOp::Sin,
    UnaryOp::Cos,
    UnaryOp::Atan,
    UnaryOp::Sinh,
    UnaryOp::Cosh,
    UnaryOp::Tanh,
    UnaryOp::Asinh,
    UnaryOp::Abs,
    UnaryOp::Signum,
    UnaryOp::Floor,
    UnaryOp::Ceil,
    UnaryOp::Round,
    UnaryOp::Trunc,
    UnaryOp::Fract,
];
const ON_POSITIVE: [UnaryOp; 5] = [
    UnaryOp::Recip,
    UnaryOp::Sqrt,
    UnaryOp::Ln,
    UnaryOp::Log2,
    UnaryOp::Log10,
];
const ON_UNIT: [UnaryOp; 3] = [UnaryOp::Asin, UnaryOp::Acos, UnaryOp::Atanh];
const BIN_DIRECT: [BinaryOp; 7] = [
    BinaryOp::Add,
    BinaryOp::Sub,
    BinaryOp::Mul,
    BinaryOp::Atan2,
    BinaryOp::Hypot,
    BinaryOp::Min,
    BinaryOp::Max,
];
/// Kinds after the four tables: acosh, ln_1p, tan, powi, div, rem, powf, log,
/// mul_add, constant, `a + c`, `a · c`.
const N_KINDS: u8 =
    (DIRECT.len() + ON_POSITIVE.len() + ON_UNIT.len() + BIN_DIRECT.len() + 12) as u8;

fn compile(gens: &[Gen]) -> Vec<Step> {
    use BinaryOp as B;
    use UnaryOp as U;
    let mut p = Builder { steps: Vec::new() };
    for &(kind, ra, rb, rc, n, c) in gens {
        let (a, b, cc) = (p.pick(ra), p.pick(rb), p.pick(rc));
        let mut k = usize::from(kind % N_KINDS);
        if k < DIRECT.len() {
            p.u(DIRECT[k], a);
            continue;
        }
        k -= DIRECT.len();
        if k < ON_POSITIVE.len() {
            let q = p.pos(a);
            p.u(ON_POSITIVE[k], q);
            continue;
        }
        k -= ON_POSITIVE.len();
        if k < ON_UNIT.len() {
            let q = p.unit(a);
            p.u(ON_UNIT[k], q);
            continue;
        }
        k -= ON_UNIT.len();
        if k < BIN_DIRECT.len() {
            p.b(BIN_DIRECT[k], a, b);
            continue;
        }
        k -= BIN_DIRECT.len();
        match k {
            0 => {
                let q = p.above_one(a);
                p.u(U::Acosh, q)
            }
            1 => {
                let m = p.u(U::Abs, a);
                let q = p.plus(m, -0.5);
                p.u(U::Ln1p, q)
            }
            2 => {
                let q = p.u(U::Sin, a);
                p.u(U::Tan, q)
            }
            3 => p.u(U::Powi(n), a),
            4 => {
                let q = p.pos(b);
                p.b(B::Div, a, q)
            }
            5 => {
                let q = p.pos(b);
                p.b(B::Rem, a, q)
            }
            6 => {
                let q = p.pos(a);
                p.b(B::Powf, q, b)
            }
            7 => {
                let q = p.pos(a);
                let r = p.above_one(b);
                p.b(B::Log, q, r)
            }
            8 => p.push(Step::MulAdd(a, b, cc)),
            9 => p.k(c),
            10 => p.plus(a, c),
            _ => {
                let q = p.k(c);
                p.b(B::Mul, a, q)
            }
        };
    }
    p.steps
}

/// The magnitude of the terms that any evaluation order sums into each gradient
/// entry: the chain rule with every local partial replaced by its absolute value
/// (a sum over all paths from the input to the output of `|∏ partials|`).
///
/// The partials come from the rules table evaluated in `T` at the values computed in
/// `T` (the very numbers both modes use). Returns `None` when a partial on the way is
/// not finite: there forward mode's strong zeros (`0 · ∞ = 0` for a tangent that is
/// exactly zero) and the reverse sweep's plain products legitimately differ.
fn path_bound<T: Primitive>(steps: &[Step], x: [T; 3]) -> Option<[f64; 3]> {
    let mut v: Vec<T> = x.to_vec();
    let mut g: Vec<[f64; 3]> = (0..3)
        .map(|i| {
            let mut e = [0.0; 3];
            e[i] = 1.0;
            e
        })
        .collect();
    let term = |d: T, t: [f64; 3]| -> Option<[f64; 3]> {
        let d = f64_of(d).abs();
        if !d.is_finite() {
            return None;
        }
        Some(t.map(|ti| d * ti))
    };
    let sum = |a: [f64; 3], b: [f64; 3]| [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
    for st in steps {
        let (val, grad) = match *st {
            Step::Const(c) => (T::constant(c), [0.0; 3]),
            Step::U(op, a) => {
                let j = rules::unary::<T, false>(op, v[a]);
                (j.value, term(j.d1, g[a])?)
            }
            Step::B(op, a, b) => {
                let j = rules::binary::<T, false>(op, v[a], v[b], Wrt::BOTH);
                (j.value, sum(term(j.dx, g[a])?, term(j.dy, g[b])?))
            }
            Step::MulAdd(a, b, c) => (
                v[a].mul_add(v[b], v[c]),
                sum(sum(term(v[b], g[a])?, term(v[a], g[b])?), g[c]),
            ),
        };
        if grad.iter().any(|t| !t.is_finite()) {
            return None;
        }
        v.push(val);
        g.push(grad);
    }
    g.last().copied()
}

fn coord() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -3.0_f64..3.0,
        1 => Just(0.0),
        1 => Just(1.0),
        1 => Just(-1.0),
        1 => Just(0.5),
    ]
}

fn point() -> impl Strategy<Value = [f64; 3]> {
    [coord(), coord(), coord()]
}

fn program() -> impl Strategy<Value = Vec<Gen>> {
    prop::collection::vec(
        (
            any::<u8>(),
            any::<u16>(),
            any::<u16>(),
            any::<u16>(),
            -3_i32..=4,
            -2.0_f64..2.0,
        ),
        1..10,
    )
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        // A handful under Miri (an interpreter, ~1000x slower): it looks for undefined
        // behaviour, which does not need many random cases to show.
        cases: if cfg!(miri) { 4 } else { cases },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Tape gradient against forward mode on a random program.
///
/// Tolerance per entry: `4·(n+1)·ε·B + (n+1)·ε·MIN_POSITIVE`, with `n` the number of
/// instructions and `B` the [`path_bound`]: each instruction rounds the terms it
/// combines with a relative error of about an ulp (and the two modes multiply the
/// partials along a path in opposite orders), so the two results can differ by a few ε
/// per instruction relative to the terms summed, not relative to the (possibly
/// cancelled) result. The value must agree bit for bit. Cases with a non-finite value
/// or a non-finite partial on the way are skipped.
fn check_program<T: Primitive>(gens: &[Gen], p: [f64; 3]) -> Res {
    let steps = compile(gens);
    let x = pt::<T, 3>(p);
    let (fv, fg) = ad_core::value_and_gradient(|v| run(&steps, v), x);
    if !f64_of(fv).is_finite() || fg.iter().any(|g| !f64_of(*g).is_finite()) {
        return Ok(());
    }
    let Some(bound) = path_bound(&steps, x) else {
        return Ok(());
    };
    let mut tape: Tape<T, 512> = Tape::new();
    let (tv, tg) = tape
        .gradient(|v| run(&steps, v), x)
        .map_err(|e| TestCaseError::fail(format!("{e}")))?;
    prop_assert!(same(tv, fv), "value: tape {tv} vs forward {fv}");
    let n = (steps.len() + 1) as f64;
    let e = eps::<T>();
    for i in 0..3 {
        let tol = 4.0 * n * e * bound[i] + n * e * f64_of(T::min_positive_value());
        prop_assert!(
            abs_close(f64_of(tg[i]), f64_of(fg[i]), tol),
            "d/dx{i}: tape {:e} vs forward {:e}, difference {:e} > {tol:e} (bound {:e})\n{steps:?}",
            f64_of(tg[i]),
            f64_of(fg[i]),
            (f64_of(tg[i]) - f64_of(fg[i])).abs(),
            bound[i],
        );
    }
    Ok(())
}

/// Record at `x0`, replay at `x1`: the same values and gradient, bit for bit, as a
/// fresh recording at `x1`.
///
/// These programs contain no comparison, so the recorded node list does not depend on
/// the point; a replay re-evaluates each node with the same primitive operation the
/// recording used, in the same order, so the values are identical, and the reverse
/// sweep then runs the same operations on the same numbers. Exact equality is the
/// right assertion (NaN counts as equal to NaN: some random programs leave the domain).
fn check_replay<T: Primitive>(gens: &[Gen], p0: [f64; 3], p1: [f64; 3], w: f64) -> Res {
    let steps = compile(gens);
    let (x0, x1) = (pt::<T, 3>(p0), pt::<T, 3>(p1));
    let mut fresh: Tape<T, 512> = Tape::new();
    let (v1, g1) = fresh
        .gradient(|v| run(&steps, v), x1)
        .map_err(|e| TestCaseError::fail(format!("{e}")))?;
    let (v0, g0) = fresh.gradient(|v| run(&steps, v), x0).unwrap();

    let mut tape: Tape<T, 512> = Tape::new();
    let mut prog = tape.record(x0, |v| [run(&steps, v)]).unwrap();
    prop_assert!(same(prog.values()[0], v0));
    let [f1] = prog.forward(x1).unwrap();
    prop_assert!(same(f1, v1), "forward replay {f1} vs fresh {v1}");
    let (r1, rg1) = prog.gradient(x1).unwrap();
    prop_assert!(
        same(r1, v1) && same_all(&rg1, &g1),
        "replay ({r1}, {:?}) vs fresh ({v1}, {:?})",
        show(rg1),
        show(g1)
    );
    // The replayed point becomes the current one.
    let (a1, ag1) = prog.gradient_at_recorded();
    prop_assert!(same(a1, v1) && same_all(&ag1, &g1));
    // And back to the recorded point.
    let (r0, rg0) = prog.gradient(x0).unwrap();
    prop_assert!(same(r0, v0) && same_all(&rg0, &g0));
    // A vjp with weight w is w times the gradient sweep: the same sweep seeded with w.
    let w = T::constant(w);
    let ([vw], gw) = prog.vjp(x1, [w]).unwrap();
    prop_assert!(same(vw, v1));
    let mut fresh_w: Tape<T, 512> = Tape::new();
    let mut pw = fresh_w.record(x1, |v| [run(&steps, v)]).unwrap();
    let (_, gw_fresh) = pw.vjp(x1, [w]).unwrap();
    prop_assert!(same_all(&gw, &gw_fresh));
    Ok(())
}

proptest! {
    #![proptest_config(config(384))]

    #[test]
    fn random_programs_tape_matches_forward_f32(gens in program(), p in point()) {
        check_program::<f32>(&gens, p)?;
    }

    #[test]
    fn random_programs_tape_matches_forward_f64(gens in program(), p in point()) {
        check_program::<f64>(&gens, p)?;
    }

    #[test]
    fn replay_equals_fresh_recording_f32(
        gens in program(), p0 in point(), p1 in point(), w in -2.0_f64..2.0,
    ) {
        check_replay::<f32>(&gens, p0, p1, w)?;
    }

    #[test]
    fn replay_equals_fresh_recording_f64(
        gens in program(), p0 in point(), p1 in point(), w in -2.0_f64..2.0,
    ) {
        check_replay::<f64>(&gens, p0, p1, w)?;
    }
}

/// Most generated programs are checked, not skipped as non-finite (a guard against a
/// generator that silently tests nothing).
#[test]
fn random_programs_are_mostly_finite() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    // Under Miri 40 programs (the statistic, not the index code, is what this checks).
    let (mut checked, total) = (0, if cfg!(miri) { 40 } else { 400 });
    for _ in 0..total {
        let gens = program().new_tree(&mut runner).unwrap().current();
        let p = point().new_tree(&mut runner).unwrap().current();
        let steps = compile(&gens);
        let x = pt::<f64, 3>(p);
        let (v, g) = ad_core::value_and_gradient(|v| run(&steps, v), x);
        if v.is_finite() && g.iter().all(|g| g.is_finite()) && path_bound(&steps, x).is_some() {
            checked += 1;
        }
    }
    assert!(
        checked * 10 >= total * 7,
        "only {checked} of {total} checked"
    );
}

// ---------------------------------------------------------------------------
// 3. Guards and select
// ---------------------------------------------------------------------------

fn branchy<R: Real>([x, y]: [R; 2]) -> R {
    if x > y { x * y.sin() } else { x.exp() + y }
}

fn expect_gradient<T: Primitive, const N: usize>(
    what: &str,
    got: Result<(T, [T; N]), Error>,
    want: (T, [T; N]),
) {
    let (v, g) = got.unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(same(v, want.0), "{what}: value {v} vs {}", want.0);
    for i in 0..N {
        assert!(
            ulps_close(g[i], want.1[i], ELEM_ULPS),
            "{what}: d/dx{i}: {:e} vs {:e}",
            f64_of(g[i]),
            f64_of(want.1[i])
        );
    }
}

fn is_branch_changed<T, const N: usize>(r: &Result<(T, [T; N]), Error>, len: usize) -> bool {
    matches!(r, Err(Error::BranchChanged { node }) if *node < len)
}

fn guard_if_branch<T: Primitive>() {
    let fwd = |p: [f64; 2]| ad_core::value_and_gradient(branchy, pt::<T, 2>(p));
    // Recorded on the `x > y` side.
    let mut tape: Tape<T, 32> = Tape::new();
    let mut prog = tape.record(pt([2.0, 1.0]), |v| [branchy(v)]).unwrap();
    let len = prog.len();
    expect_gradient("same side", prog.gradient(pt([3.0, 0.5])), fwd([3.0, 0.5]));
    let r = prog.gradient(pt([0.0, 1.0]));
    assert!(
        is_branch_changed(&r, len),
        "{:?}",
        r.map(|(v, g)| (f64_of(v), show(g)))
    );
    assert!(matches!(
        prog.forward(pt([1.0, 1.0])),
        Err(Error::BranchChanged { .. })
    ));
    // After the error the program is still good on the recorded side.
    expect_gradient(
        "after error",
        prog.gradient(pt([5.0, -1.0])),
        fwd([5.0, -1.0]),
    );
    expect_gradient(
        "recorded point",
        prog.gradient(pt([2.0, 1.0])),
        fwd([2.0, 1.0]),
    );

    // Recorded on the other side.
    let mut prog = tape.record(pt([-1.0, 1.0]), |v| [branchy(v)]).unwrap();
    let len = prog.len();
    expect_gradient("else side", prog.gradient(pt([0.5, 0.7])), fwd([0.5, 0.7]));
    // x == y is on the else side too (`>` is false).
    expect_gradient("tie", prog.gradient(pt([0.7, 0.7])), fwd([0.7, 0.7]));
    assert!(is_branch_changed(&prog.gradient(pt([0.8, 0.7])), len));
    expect_gradient(
        "after error",
        prog.gradient(pt([-3.0, 2.0])),
        fwd([-3.0, 2.0]),
    );
}

fn eq_and_partial_cmp<R: Real>([x, y]: [R; 2]) -> R {
    use core::cmp::Ordering;
    let a = if x == y { x * x } else { x * y };
    let b = match x.partial_cmp(&y) {
        Some(Ordering::Less) => y - x,
        Some(Ordering::Greater) => x.sin(),
        _ => y.cos(),
    };
    a + b
}

fn guard_eq_and_partial_cmp<T: Primitive>() {
    let fwd = |p: [f64; 2]| ad_core::value_and_gradient(eq_and_partial_cmp, pt::<T, 2>(p));
    let mut tape: Tape<T, 32> = Tape::new();
    let mut prog = tape
        .record(pt([1.0, 2.0]), |v| [eq_and_partial_cmp(v)])
        .unwrap();
    let len = prog.len();
    expect_gradient("less", prog.gradient(pt([-1.0, 0.5])), fwd([-1.0, 0.5]));
    assert!(is_branch_changed(&prog.gradient(pt([2.0, 2.0])), len));
    assert!(is_branch_changed(&prog.gradient(pt([3.0, 2.0])), len));
    expect_gradient("less again", prog.gradient(pt([0.0, 0.5])), fwd([0.0, 0.5]));
    // Recorded at a tie: only ties replay.
    let mut prog = tape
        .record(pt([2.0, 2.0]), |v| [eq_and_partial_cmp(v)])
        .unwrap();
    let len = prog.len();
    expect_gradient("tie", prog.gradient(pt([-0.5, -0.5])), fwd([-0.5, -0.5]));
    assert!(is_branch_changed(&prog.gradient(pt([1.0, 2.0])), len));
    assert!(is_branch_changed(&prog.gradient(pt([3.0, 2.0])), len));
    expect_gradient("tie again", prog.gradient(pt([3.0, 3.0])), fwd([3.0, 3.0]));
}

fn clamped<R: Real>([x]: [R; 1]) -> R {
    Float::clamp(x, R::constant(-1.0), R::constant(1.0)) * x
}

fn max_by_comparison<R: Real>([x, y]: [R; 2]) -> R {
    (if x > y { x } else { y }) * y
}

fn max_op<R: Real>([x, y]: [R; 2]) -> R {
    x.max(y) * y
}

fn guard_clamp_and_max<T: Primitive>() {
    let fc = |p: [f64; 1]| ad_core::value_and_gradient(clamped, pt::<T, 1>(p));
    let mut tape: Tape<T, 32> = Tape::new();
    // Inside the interval.
    let mut prog = tape.record(pt([0.5]), |v| [clamped(v)]).unwrap();
    let len = prog.len();
    expect_gradient("inside", prog.gradient(pt([-0.3])), fc([-0.3]));
    assert_eq!(
        show(prog.gradient(pt([-0.3])).unwrap().1),
        [f64_of(T::constant(-0.6))]
    );
    assert!(is_branch_changed(&prog.gradient(pt([2.0])), len));
    assert!(is_branch_changed(&prog.gradient(pt([-1.5])), len));
    expect_gradient("inside again", prog.gradient(pt([0.9])), fc([0.9]));
    // Above the interval: clamp(x) = 1, f = x, f' = 1.
    let mut prog = tape.record(pt([3.0]), |v| [clamped(v)]).unwrap();
    let len = prog.len();
    let (v, g) = prog.gradient(pt([5.0])).unwrap();
    assert_eq!((f64_of(v), show(g)), (5.0, [1.0]));
    assert!(is_branch_changed(&prog.gradient(pt([0.0])), len));
    expect_gradient("above again", prog.gradient(pt([1.5])), fc([1.5]));

    // max written with a comparison is guarded...
    let fm = |p: [f64; 2]| ad_core::value_and_gradient(max_by_comparison, pt::<T, 2>(p));
    let mut prog = tape
        .record(pt([2.0, 1.0]), |v| [max_by_comparison(v)])
        .unwrap();
    let len = prog.len();
    expect_gradient("x wins", prog.gradient(pt([4.0, -1.0])), fm([4.0, -1.0]));
    assert!(is_branch_changed(&prog.gradient(pt([1.0, 4.0])), len));
    expect_gradient(
        "x wins again",
        prog.gradient(pt([1.0, 0.5])),
        fm([1.0, 0.5]),
    );
    // ...the elementary `max` is not: it replays on both sides.
    let fo = |p: [f64; 2]| ad_core::value_and_gradient(max_op, pt::<T, 2>(p));
    let mut prog = tape.record(pt([2.0, 1.0]), |v| [max_op(v)]).unwrap();
    for p in [[4.0, -1.0], [1.0, 4.0], [0.5, 0.5], [-2.0, -3.0]] {
        expect_gradient("max op", prog.gradient(pt(p)), fo(p));
    }
}

fn relu_select<R: Real>([x, y]: [R; 2]) -> R {
    R::select(x.mask(Compare::Gt, R::zero()), x * y, y.sin())
}

fn sqrt_select<R: Real>([x]: [R; 1]) -> R {
    R::select(x.mask(Compare::Gt, R::zero()), x.sqrt(), R::zero())
}

/// `select` with each comparison, both arguments active.
fn select_cmp<R: Real>(cmp: Compare, [x, y]: [R; 2]) -> R {
    R::select(x.mask(cmp, y), x * x * y, y.exp() - x)
}

fn select_replays_both_sides<T: Primitive>() {
    let fwd = |p: [f64; 2]| ad_core::value_and_gradient(relu_select, pt::<T, 2>(p));
    let mut tape: Tape<T, 32> = Tape::new();
    for rec in [[1.5, 2.0], [-1.5, 2.0]] {
        let mut prog = tape.record(pt(rec), |v| [relu_select(v)]).unwrap();
        for p in [
            [3.0, 0.5],
            [-3.0, 0.5],
            [0.0, 1.0],
            [0.25, -1.0],
            [-0.25, -1.0],
        ] {
            expect_gradient("relu select", prog.gradient(pt(p)), fwd(p));
        }
    }
    // sqrt(x) where x > 0, else 0: derivative 0 at 0 (not NaN), and at -1 where the
    // branch not taken is NaN.
    let fs = |p: [f64; 1]| ad_core::value_and_gradient(sqrt_select, pt::<T, 1>(p));
    assert_eq!(
        (f64_of(fs([0.0]).0), show(fs([0.0]).1)),
        (0.0, [0.0]),
        "forward mode"
    );
    let (v, g) = tape.gradient(|v| sqrt_select(v), pt([0.0])).unwrap();
    assert_eq!((f64_of(v), show(g)), (0.0, [0.0]));
    let mut prog = tape.record(pt([4.0]), |v| [sqrt_select(v)]).unwrap();
    let (v, g) = prog.gradient(pt([0.0])).unwrap();
    assert_eq!((f64_of(v), show(g)), (0.0, [0.0]));
    let (v, g) = prog.gradient(pt([-1.0])).unwrap();
    assert_eq!((f64_of(v), show(g)), (0.0, [0.0]));
    let (v, g) = prog.gradient(pt([4.0])).unwrap();
    assert_eq!((f64_of(v), show(g)), (2.0, [0.25]));
    // Every comparison, replayed on both sides and at the tie.
    for cmp in [
        Compare::Lt,
        Compare::Le,
        Compare::Gt,
        Compare::Ge,
        Compare::Eq,
        Compare::Ne,
    ] {
        let fwd = |p: [f64; 2]| ad_core::value_and_gradient(|v| select_cmp(cmp, v), pt::<T, 2>(p));
        let mut prog = tape
            .record(pt([0.5, 1.0]), |v| [select_cmp(cmp, v)])
            .unwrap();
        for p in [[2.0, 1.0], [1.0, 1.0], [-1.0, 1.0], [0.5, 1.0]] {
            expect_gradient(
                &format!("select {cmp:?} at {p:?}"),
                prog.gradient(pt(p)),
                fwd(p),
            );
        }
    }
}

/// Values computed and then dropped, whose local partials are infinite at the point
/// (`sqrt(0)`, `ln(0)`, `1/0`), take no part in the gradient: a reverse sweep must
/// skip the nodes the output never reached rather than multiply their zero adjoint by
/// an infinite partial (which gives NaN).
fn dead_values_do_not_reach<T: Primitive>() {
    fn f<R: Real>([x, y]: [R; 2]) -> R {
        let _root = x.sqrt() * y;
        let _log = x.ln() + y;
        let _inv = y / x;
        x * R::constant(2.0) + y * y
    }
    let mut tape: Tape<T, 32> = Tape::new();
    let (v, g) = tape.gradient(|v| f(v), pt([0.0, 3.0])).unwrap();
    assert_eq!(
        (f64_of(v), show(g)),
        (9.0, [2.0, 6.0]),
        "recording at x = 0"
    );
    let mut prog = tape.record(pt([1.0, 1.0]), |v| [f(v)]).unwrap();
    for (p, want) in [
        ([0.0, 3.0], (9.0, [2.0, 6.0])),
        ([0.5, -1.0], (2.0, [2.0, -2.0])),
    ] {
        let (v, g) = prog.gradient(pt(p)).unwrap();
        assert_eq!((f64_of(v), show(g)), want, "replay at {p:?}");
    }
}

both!(
    guard_if_branch,
    guard_eq_and_partial_cmp,
    guard_clamp_and_max,
    select_replays_both_sides,
    dead_values_do_not_reach
);

// ---------------------------------------------------------------------------
// 4. Second order: forward over reverse against Dual2
// ---------------------------------------------------------------------------

fn rosenbrock<R: Real>(x: [R; 4]) -> R {
    let mut s = R::zero();
    for i in 0..3 {
        let a = x[i + 1] - x[i] * x[i];
        let b = R::one() - x[i];
        s += R::constant(100.0) * a * a + b * b;
    }
    s
}

/// The log-normal density at `x` with parameters `mu`, `sigma`.
fn lognormal<R: Real>([x, mu, sigma]: [R; 3]) -> R {
    let z = (x.ln() - mu) / sigma;
    (-(z * z) * R::constant(0.5)).exp()
        / (x * sigma * R::constant((2.0 * core::f64::consts::PI).sqrt()))
}

fn transcendental<R: Real>([x, y, z]: [R; 3]) -> R {
    (x * y).sin() + (x / z).exp() * y.atan2(z) + x.hypot(z).ln()
        - (y * y + R::one()).powf(z * R::constant(0.5))
        + x.tanh() * y.cbrt()
        + (x * z).asinh().powi(3)
        + Float::sqrt(y * y + R::constant(0.5)) / z.cosh()
}

/// Forward-over-reverse (`Program::hessian`, `Program::hvp`) against `Dual2`.
///
/// Tolerance: `64·ε·max|H|` per entry. Both are exact first-and-second-order chain
/// rules evaluated with the same rules rows; they add the terms of each entry in
/// different orders (`Dual2` forms `f''·g'ᵀg' + f'·g''` per node, the dual reverse
/// sweep accumulates adjoint tangents), so they differ by rounding only: a few ε per
/// operation relative to the largest terms, which for these smooth functions at these
/// points are within a small factor of the largest Hessian entry. The Hessian-vector
/// product is checked against `H·v` with `64·ε·max|H|·Σⱼ|vⱼ|`. Values agree bit for
/// bit, gradients to `64·ε·max|∇f|` (sums over many paths, in different orders).
/// Largest differences seen: 5.1 ε·max|H| (the transcendental function), 1.4 for
/// `hvp`.
fn check_second_order<T: Primitive, const N: usize, const W: usize>(
    name: &str,
    rec_at: [f64; N],
    points: &[[f64; N]],
    f_tape: impl for<'id> Fn([Var<'id, T>; N]) -> Var<'id, T>,
    f_fwd: impl Fn([ad_core::Dual2<T, N>; N]) -> ad_core::Dual2<T, N>,
) {
    let e = eps::<T>();
    let mut tape: Tape<T, W> = Tape::new();
    let mut prog = tape.record(pt(rec_at), |v| [f_tape(v)]).unwrap();
    assert!(prog.len() <= W);
    let mut work = Workspace::<Dual<T, N>, W>::new();
    let mut work1 = Workspace::<Dual<T>, W>::new();
    for (k, &p) in points.iter().enumerate() {
        let x = pt::<T, N>(p);
        let (fv, fg, fh) = ad_core::value_gradient_hessian(&f_fwd, x);
        let (v, g, h) = prog.hessian(x, &mut work).unwrap();
        assert!(same(v, fv), "{name} at {p:?}: value {v} vs {fv}");
        let gs = fg.iter().map(|g| f64_of(*g).abs()).fold(0.0, f64::max);
        for i in 0..N {
            assert!(
                abs_close(f64_of(g[i]), f64_of(fg[i]), 64.0 * e * gs),
                "{name} at {p:?}: gradient {i}: {:e} vs {:e}",
                f64_of(g[i]),
                f64_of(fg[i])
            );
        }
        let hs = fh
            .iter()
            .flatten()
            .map(|h| f64_of(*h).abs())
            .fold(0.0, f64::max);
        for i in 0..N {
            for j in 0..N {
                assert!(
                    abs_close(f64_of(h[i][j]), f64_of(fh[i][j]), 64.0 * e * hs),
                    "{name} at {p:?}: H[{i}][{j}]: tape {:e} vs Dual2 {:e} (max |H| {hs:e})",
                    f64_of(h[i][j]),
                    f64_of(fh[i][j])
                );
            }
        }
        // hvp along a few directions, against H·v.
        for d in 0..3 {
            let vdir: [T; N] =
                core::array::from_fn(|i| T::constant(((i + 2 * d + k) % 5) as f64 * 0.5 - 1.0));
            let (hv_v, hv_g, hv) = prog.hvp(x, vdir, &mut work1).unwrap();
            assert!(same(hv_v, fv));
            for i in 0..N {
                assert!(abs_close(f64_of(hv_g[i]), f64_of(fg[i]), 64.0 * e * gs));
                let want: f64 = (0..N).map(|j| f64_of(fh[i][j]) * f64_of(vdir[j])).sum();
                let scale = hs * vdir.iter().map(|v| f64_of(*v).abs()).sum::<f64>();
                assert!(
                    abs_close(f64_of(hv[i]), want, 64.0 * e * scale),
                    "{name} at {p:?}: (H·v)[{i}]: hvp {:e} vs H·v {want:e}",
                    f64_of(hv[i])
                );
            }
        }
    }
}

fn hessians_match_dual2<T: Primitive>() {
    check_second_order::<T, 4, 128>(
        "rosenbrock",
        [-1.2, 1.0, -1.2, 1.0],
        &[
            [-1.2, 1.0, -1.2, 1.0],
            [1.0, 1.0, 1.0, 1.0],
            [0.5, -0.3, 2.0, 1.5],
            [0.0, 0.0, 0.0, 0.0],
        ],
        |v| rosenbrock(v),
        rosenbrock,
    );
    check_second_order::<T, 3, 64>(
        "lognormal",
        [1.0, 0.0, 1.0],
        &[[1.0, 0.0, 1.0], [2.5, 0.3, 0.8], [0.4, -0.5, 1.7]],
        |v| lognormal(v),
        lognormal,
    );
    check_second_order::<T, 3, 128>(
        "transcendental",
        [0.7, 1.3, 0.9],
        &[[0.7, 1.3, 0.9], [-0.4, 0.6, 1.8], [1.1, -0.8, 2.3]],
        |v| transcendental(v),
        transcendental,
    );
}

/// Known Hessians, exactly: Rosenbrock at the minimum.
fn rosenbrock_hessian_at_minimum<T: Primitive>() {
    let mut tape: Tape<T, 128> = Tape::new();
    let mut prog = tape.record(pt([0.0; 4]), |v| [rosenbrock(v)]).unwrap();
    let mut work = Workspace::<Dual<T, 4>, 128>::new();
    let (v, g, h) = prog.hessian(pt([1.0; 4]), &mut work).unwrap();
    assert_eq!(f64_of(v), 0.0);
    assert_eq!(show(g), [0.0; 4]);
    let want = [
        [802.0, -400.0, 0.0, 0.0],
        [-400.0, 1002.0, -400.0, 0.0],
        [0.0, -400.0, 1002.0, -400.0],
        [0.0, 0.0, -400.0, 200.0],
    ];
    for i in 0..4 {
        assert_eq!(show(h[i]), want[i], "row {i}");
    }
}

both!(hessians_match_dual2, rosenbrock_hessian_at_minimum);

// ---------------------------------------------------------------------------
// 5. Jacobian and vjp
// ---------------------------------------------------------------------------

fn map3to2<R: Real>([x, y, z]: [R; 3]) -> [R; 2] {
    [x * y.sin() + z.exp(), x.hypot(z) / y - z.powi(3)]
}

fn jacobian_and_vjp<T: Primitive>() {
    let mut tape: Tape<T, 64> = Tape::new();
    let mut prog = tape.record(pt([1.0, 2.0, 0.5]), |v| map3to2(v)).unwrap();
    for p in [[1.0, 2.0, 0.5], [-0.7, 0.9, 1.3], [2.2, -1.4, -0.6]] {
        let x = pt::<T, 3>(p);
        let (fv, fj) = ad_core::value_and_jacobian(map3to2, x);
        let (v, j) = prog.jacobian(x).unwrap();
        assert!(
            same_all(&v, &fv),
            "{p:?}: values {:?} vs {:?}",
            show(v),
            show(fv)
        );
        for r in 0..2 {
            for c in 0..3 {
                assert!(
                    ulps_close(j[r][c], fj[r][c], ELEM_ULPS),
                    "{p:?}: J[{r}][{c}]: tape {:e} vs forward {:e}",
                    f64_of(j[r][c]),
                    f64_of(fj[r][c])
                );
            }
        }
        assert_eq!(show(prog.forward(x).unwrap()), show(fv));
        for w in [[1.0, 0.0], [0.0, 1.0], [0.75, -2.0]] {
            let wt = pt::<T, 2>(w);
            let (vv, g) = prog.vjp(x, wt).unwrap();
            assert!(same_all(&vv, &fv));
            for c in 0..3 {
                let want = w[0] * f64_of(fj[0][c]) + w[1] * f64_of(fj[1][c]);
                let scale = (w[0] * f64_of(fj[0][c])).abs() + (w[1] * f64_of(fj[1][c])).abs();
                assert!(
                    abs_close(f64_of(g[c]), want, 8.0 * eps::<T>() * scale),
                    "{p:?}, w = {w:?}: (wᵀJ)[{c}] {:e} vs {want:e}",
                    f64_of(g[c])
                );
            }
        }
        // A unit weight gives the Jacobian row exactly (it is the same sweep).
        let (_, g) = prog.vjp(x, pt([0.0, 1.0])).unwrap();
        assert!(same_all(&g, &j[1]));
    }
}

both!(jacobian_and_vjp);

// ---------------------------------------------------------------------------
// 6. Long programs: far references
// ---------------------------------------------------------------------------

/// Steps of [`long_chain`]: 7 operations each, so about 20,000 operations.
const LONG_STEPS: usize = 2850;

/// A contracting recurrence `s ← s/2 + sin(c·x + y·s)/2` that reads both inputs at every
/// step (so, after the first few hundred steps, through far references), then a tail
/// whose every operation reaches far back: `mul_add` with three far operands, `select`
/// on far values, `powi`, `atan2` of a far intermediate.
fn long_chain<R: Real>([x, y]: [R; 2]) -> R {
    let early = (x * y).sin();
    let half = R::constant(0.5);
    let mut s = x;
    for k in 0..LONG_STEPS {
        let c = R::constant(0.5 + (k % 5) as f64 * 0.125);
        let t = (x * c + y * s).sin();
        s = s.mul_add(half, t * half);
    }
    s + x.mul_add(y, early)
        + R::select(x.mask(Compare::Gt, y), early, y)
        + early.atan2(x)
        + y.powi(3)
        + x * y
}

fn long_program<T: Primitive + 'static>() {
    with_big_stack(|| {
        let mut tape: Box<Tape<T, 65536>> = Box::new(Tape::new());
        let rec_at = pt::<T, 2>([0.7, 0.3]);
        let mut prog = tape.record(rec_at, |v| [long_chain(v)]).unwrap();
        let len = prog.len();
        assert!(len > 3 * 8191, "{len} nodes");
        let e = eps::<T>();
        let mut work: Box<Workspace<Dual<T>, 65536>> = Box::new(Workspace::new());
        let points = [[0.7, 0.3], [-0.4, 0.6], [1.3, -0.5], [0.2, 0.8]];
        for p in points {
            let x = pt::<T, 2>(p);
            let (fv, fg) = ad_core::value_and_gradient(long_chain, x);
            let (v, g) = prog.gradient(x).unwrap();
            assert!(same(v, fv), "{p:?}: value {v} vs {fv}");
            // The recurrence contracts (|∂s'/∂s| ≤ 0.9 at these points), so rounding
            // errors do not accumulate beyond ~10 steps' worth: 64 ε relative to the
            // largest gradient entry (max(1, |∇f|)) leaves a margin of 25 over the
            // largest difference seen (2.2 ε), and a wrong far reference is off by
            // O(1). The Hessian-vector product (forward over reverse against forward
            // over forward) gets 128 ε (6.5 ε seen).
            let scale = fg.iter().map(|g| f64_of(*g).abs()).fold(1.0, f64::max);
            for i in 0..2 {
                assert!(
                    abs_close(f64_of(g[i]), f64_of(fg[i]), 64.0 * e * scale),
                    "{p:?}: d/dx{i}: tape {:e} vs forward {:e}",
                    f64_of(g[i]),
                    f64_of(fg[i])
                );
            }
            // Forward over reverse through the far references, against forward over
            // forward.
            let dir = pt::<T, 2>([0.6, -1.1]);
            let (_, _, fhv) = ad_core::hvp(long_chain, x, dir);
            let (hv_v, _, hv) = prog.hvp(x, dir, &mut work).unwrap();
            assert!(same(hv_v, fv));
            let hs = fhv.iter().map(|h| f64_of(*h).abs()).fold(1.0, f64::max);
            for i in 0..2 {
                assert!(
                    abs_close(f64_of(hv[i]), f64_of(fhv[i]), 128.0 * e * hs),
                    "{p:?}: hvp[{i}]: tape {:e} vs forward {:e}",
                    f64_of(hv[i]),
                    f64_of(fhv[i])
                );
            }
        }
        // Replaying at the recorded point gives the recording's own sweep.
        let (v0, g0) = prog.gradient(rec_at).unwrap();
        let mut fresh: Box<Tape<T, 65536>> = Box::new(Tape::new());
        let (v1, g1) = fresh.gradient(|v| long_chain(v), rec_at).unwrap();
        assert!(same(v0, v1) && same_all(&g0, &g1));
    });
}

/// `k` negations of `y`, then products whose far operand sits exactly around the
/// largest distance an operand field holds (8191): every result is exact.
fn neg_chain<R: Real>(k: usize, [x, y]: [R; 2]) -> [R; 5] {
    let mut s = y;
    for _ in 0..k {
        s = -s;
    }
    [
        x * s,
        s * x,
        s.mul_add(x, x),
        x.mul_add(x, s),
        R::select(x.mask(Compare::Gt, s), x, s),
    ]
}

fn far_reference_boundary<T: Primitive + 'static>() {
    with_big_stack(|| {
        let mut tape: Box<Tape<T, 16384>> = Box::new(Tape::new());
        // Around `x * s` reading x from 8191 (k = 8189, in the operand field) and from
        // 8192 (k = 8190, through a REF), both signs of s.
        for k in 8185..=8194 {
            let (x, y) = (3.0, 2.0);
            let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
            let s = sign * y;
            let mut prog = tape
                .record(pt([x, y]), |v| neg_chain(k, v))
                .unwrap_or_else(|e| panic!("k = {k}: {e}"));
            let (v, j) = prog.jacobian(pt([x, y])).unwrap();
            assert_eq!(
                show(v),
                [x * s, s * x, s * x + x, x * x + s, x.max(s)],
                "k = {k}"
            );
            let want = [
                [s, sign * x],
                [s, sign * x],
                [s + 1.0, sign * x],
                [2.0 * x, sign],
                [1.0, 0.0],
            ];
            for r in 0..5 {
                assert_eq!(show(j[r]), want[r], "k = {k}, row {r}");
            }
            // Replay at another point, against the closed form and forward mode.
            let p = [-1.5, 0.25];
            let (_, j) = prog
                .jacobian(pt(p))
                .unwrap_or_else(|e| panic!("k = {k}: {e}"));
            let (px, ps) = (p[0], sign * p[1]);
            let want = [
                [ps, sign * px],
                [ps, sign * px],
                [ps + 1.0, sign * px],
                [2.0 * px, sign],
                if px > ps { [1.0, 0.0] } else { [0.0, sign] },
            ];
            for r in 0..5 {
                assert_eq!(show(j[r]), want[r], "k = {k}, row {r} at {p:?}");
            }
            let fj = ad_core::jacobian(|v| neg_chain(k, v), pt::<T, 2>(p));
            for r in 0..5 {
                assert_eq!(show(j[r]), show(fj[r]), "k = {k}, row {r} at {p:?}");
            }
        }
    });
}

both!(not_under_miri: long_program, far_reference_boundary);

// ---------------------------------------------------------------------------
// 7. Constants
// ---------------------------------------------------------------------------

fn constant_output<R: Real>(_: [R; 2]) -> R {
    R::constant(3.0) * R::constant(2.0)
}

/// `x − x + y·0`: depends on the inputs, but its gradient is exactly zero.
#[allow(clippy::eq_op)]
fn cancelling<R: Real>([x, y]: [R; 2]) -> R {
    x - x + y * R::from(0.0).unwrap()
}

fn mixed<R: Real>([x, y]: [R; 2]) -> R {
    x * R::constant(2.0) + R::constant(1.5) - y / R::constant(4.0) + R::one()
}

fn constants<T: Primitive>() {
    let t = T::constant;
    let mut tape: Tape<T, 32> = Tape::new();
    // A constant output: zero gradient, at the recording and at a replay.
    let (v, g) = tape
        .gradient(|v| constant_output(v), pt([1.0, 2.0]))
        .unwrap();
    assert_eq!((f64_of(v), show(g)), (6.0, [0.0, 0.0]));
    let mut prog = tape
        .record(pt([1.0, 2.0]), |v| [constant_output(v)])
        .unwrap();
    assert_eq!(prog.len(), 3, "two inputs and the constant output");
    let (v, g) = prog.gradient(pt([-5.0, 7.0])).unwrap();
    assert_eq!((f64_of(v), show(g)), (6.0, [0.0, 0.0]));
    let mut work = Workspace::<Dual<T, 2>, 8>::new();
    let (_, g, h) = prog.hessian(pt([0.5, 0.5]), &mut work).unwrap();
    assert_eq!(
        (show(g), show(h[0]), show(h[1])),
        ([0.0; 2], [0.0; 2], [0.0; 2])
    );

    // An output that depends on the inputs only through cancelling terms.
    let (v, g) = tape.gradient(|v| cancelling(v), pt([1.0, 2.0])).unwrap();
    assert_eq!((f64_of(v), show(g)), (0.0, [0.0, 0.0]));

    // Mixing constants and variables, generic and with `Var::from` literals.
    let x = pt::<T, 2>([3.0, 8.0]);
    let (fv, fg) = ad_core::value_and_gradient(mixed, x);
    let (v, g) = tape.gradient(|v| mixed(v), x).unwrap();
    assert!(same(v, fv) && same_all(&g, &fg));
    assert_eq!((f64_of(v), show(g)), (6.5, [2.0, -0.25]));
    let (v, g) = tape
        .gradient(
            |[x, y]| x * Var::from(t(2.0)) + Var::from(t(1.5)) - y / Var::from(t(4.0)) + t(1.0),
            x,
        )
        .unwrap();
    assert_eq!((f64_of(v), show(g)), (6.5, [2.0, -0.25]));
    // Scalar right operands, and constants meeting constants (folded, never recorded).
    let mut prog = tape
        .record(x, |[x, y]| {
            let c = Var::from(t(2.0)) * Var::from(t(3.0)) + Var::constant_of(t(1.0));
            assert!(!c.is_active() && x.is_active());
            assert_eq!(f64_of(c.value()), 7.0);
            [x * t(2.0) + y - t(1.0) + c, (x / t(4.0)) % t(5.0)]
        })
        .unwrap();
    assert_eq!(show(prog.values()), [6.0 + 8.0 - 1.0 + 7.0, 0.75]);
    let (v, j) = prog.jacobian(pt([1.0, 1.0])).unwrap();
    assert_eq!(show(v), [2.0 + 1.0 - 1.0 + 7.0, 0.25]);
    assert_eq!((show(j[0]), show(j[1])), ([2.0, 1.0], [0.25, 0.0]));

    // One output constant, the other not: a zero Jacobian row.
    let mut prog = tape.record(x, |[x, y]| [x * y, Var::from(t(4.0))]).unwrap();
    let (v, j) = prog.jacobian(pt([2.0, 5.0])).unwrap();
    assert_eq!(
        (show(v), show(j[0]), show(j[1])),
        ([10.0, 4.0], [5.0, 2.0], [0.0, 0.0])
    );

    // No inputs at all.
    let mut prog = tape
        .record([], |[]: [Var<'_, T>; 0]| [Var::from(t(1.25))])
        .unwrap();
    assert_eq!((prog.len(), prog.is_empty()), (1, false));
    let (v, g) = prog.gradient([]).unwrap();
    assert_eq!((f64_of(v), g.len()), (1.25, 0));
    // Inputs that are not used: zero gradient entries.
    let (_, g) = tape
        .gradient(|[x, _y, _z]| x.sin(), pt([0.0, 1.0, 2.0]))
        .unwrap();
    assert_eq!(show(g), [1.0, 0.0, 0.0]);
}

both!(constants);

// ---------------------------------------------------------------------------
// 8. Display and Debug
// ---------------------------------------------------------------------------

fn display_and_debug<T: Primitive>() {
    let t = T::constant;
    let mut out = Vec::new();
    let mut tape: Tape<T, 16> = Tape::new();
    tape.record(pt([1.5, -2.0]), |[x, y]| {
        let z = x * y;
        let c = Var::from(t(0.25));
        out.push(format!("{x}"));
        out.push(format!("{z:.3}"));
        out.push(format!("{x:?}"));
        out.push(format!("{c:?}"));
        out.push(format!("{c}"));
        out.push(format!("{:?}", x.mask(Compare::Lt, y)));
        [z]
    })
    .unwrap();
    assert_eq!(out[0], format!("{}", t(1.5)));
    assert_eq!(out[1], format!("{:.3}", t(-3.0)));
    assert!(
        out[2].contains("Var") && out[2].contains("node: 0"),
        "{}",
        out[2]
    );
    assert!(out[3].contains("constant"), "{}", out[3]);
    assert_eq!(out[4], format!("{}", t(0.25)));
    assert!(
        out[5].contains("Cond") && out[5].contains("false"),
        "{}",
        out[5]
    );

    // A variable that did not fit on a full tape still formats (its value).
    let mut small: Tape<T, 2> = Tape::new();
    let mut lost = String::new();
    let r = small.record(pt([1.0, 2.0]), |[x, y]| {
        let z = x * y;
        lost = format!("{z:?} {z}");
        [z]
    });
    assert!(matches!(r, Err(Error::TapeFull { .. })));
    assert!(lost.starts_with("Var") && lost.ends_with(" 2"), "{lost}");
}

both!(display_and_debug);
