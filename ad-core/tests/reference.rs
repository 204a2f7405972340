//! Every number type against the mpmath reference tables in `tests/reference/`.
//!
//! For every row of `unary.csv` and `binary.csv`, in `f64` and in `f32`, each AD type is
//! seeded at the row's input and every component it produces is compared with the
//! reference: `Dual<T, 1>`, `Dual<T, 3>` with the variable in a middle slot (the other
//! tangents must be exactly zero), `HyperDual<T>`, `Dual2<T, N>` and forward over
//! forward `Dual<Dual<T, N>, N>`. Binary rows seed `x` and `y` as two variables (and
//! `HyperDual` once per mixed / pure second partial). The functions are called through
//! the inherent methods of the concrete types; the generic `num_traits::Float` path is
//! exercised by `tests/properties.rs`.
//!
//! # Tolerances
//!
//! A component passes when `|got − ref| ≤ u · ulp_T(ref) + k · ε_T · S`, where `ulp_T(r)`
//! is the spacing of `T` (f32 or f64) at `r`, `ε_T` is `T::EPSILON` and `S` is a scale
//! named per case below (`k = 0` unless stated). The reference is the exact value rounded
//! once to f64, so it is within 0.5 ulp_f64 of the truth: negligible for f32 and half an
//! ulp for f64.
//!
//! * **Values, u = 0.5** for the correctly rounded operations (`neg`, `abs`, `signum`,
//!   `floor`, `ceil`, `round`, `trunc`, `fract`, `sqrt`, `recip`, `powi` with k ∈ {−1, 0,
//!   1, 2}, and `+ − × ÷`): IEEE 754 rounds each of them once, so anything above half an
//!   ulp is a bug.
//! * **Values, u = 4** for everything else. The transcendental functions come from
//!   `std` (or `libm`), which are not correctly rounded but are documented/measured within
//!   1–2 ulp (measured here: ≤ 2 ulp). `acosh` and `atanh` are held to the same bound on
//!   purpose: the `libm` back end meets it on every row, and a value hundreds of ulp off
//!   (`std`'s `acosh` near 1, `atanh` near −1) is an accuracy bug of the value, not of
//!   the test. `powi` with |k| = 3 or 7 does 2–4 roundings by repeated squaring, and
//!   `log(x, b) = ln x / ln b` two function errors plus a division. No row is
//!   ill-conditioned in its value: inputs are exact in f32, so there is no input rounding
//!   for a large condition number to amplify.
//! * **First derivatives, u = 8.** Each rule is the function value or a few primitive
//!   results combined by 1–4 roundings (`cos` for `sin`, `1/(2√x)`, `1/cosh²`,
//!   `1/√((1−x)(1+x))` with exact factors, ...), each contributing ≤ 1–2 ulp: ≤ 6 ulp in
//!   the worst case, 8 leaves a margin without hiding a wrong formula (which is off by far
//!   more than 8 ulp).
//! * **Second derivatives, u = 16.** One more level of the same arithmetic (a product of
//!   the first-derivative result with one or two more rounded factors, e.g.
//!   `2·tan·(1 + tan²)` or `−2/9 · v⁻⁵`): about twice the first-derivative budget.
//! * **Cancellation, normwise (k > 0)**, only where the formula subtracts nearly equal
//!   terms, so that a small component is the difference of large ones and only its error
//!   *relative to the size of those terms* is meaningful:
//!   - binary second partials of `Dual<Dual<T, 2>, 2>`, `k = 4`, `S = max(|fxx|, |fxy|,
//!     |fyy|)`: forward over forward differentiates the first-partial formulas, e.g. for
//!     `hypot` `∂/∂y (y/h) = (1 − w²)/h` with `w = y/h`, which cancels when `|y| ≫ |x|`
//!     (measured: ~1e14 ulp on `hypot(1e-3, -1e4)`'s `fyy = 1e-18`, yet 1 ε relative to
//!     the Hessian), and for `atan2` `(u² − w²)`, exactly 0 at `|a| = |b|`;
//!   - `powf`'s `fxy = x^(y−1)·(1 + y·ln x)`, all types, `k = 4`, `S = max |H|`: `1 + y ln x`
//!     cancels (`powf(2, -1.5)`: 1 − 1.04, measured 18 ulp);
//!   - `atan2`'s `fxy = (u² − w²)/h²`, all types, same rule;
//!   - `asin`/`acos`/`atanh` second derivative of `Dual<Dual<T>>`, `k = 4`, `S = |f'|³`
//!     (`|f'|²` for `atanh`): differentiating `1/√((1−x)(1+x))` (`1/((1−x)(1+x))`)
//!     forms `(1−x) − (1+x)`, each factor rounded in f32, whose terms are of size `S`
//!     while the result is `x·S`, small near 0 (measured 144 ulp at x = 1e-3 in f32,
//!     0.3 ε·S).
//! * **Infinities** must match exactly, with their sign. **`nan`** in the reference means
//!   "no defined value" (a jump between one-sided limits, `xʸ·ln x` with `x < 0`): skipped.
//!   **Zeros** carry no sign in the file and are compared by `|got − 0|`.
//! * **f32 range:** a reference outside the normal f32 range (above `f32::MAX` or below
//!   `f32::MIN_POSITIVE`, listed in the README) is skipped for that component in f32 and
//!   counted; each test asserts that more than 90% of the values it tried were compared.
//!
//! # Edge points, and the reverse mode
//!
//! The tables also hold edge points for every function (see `reference/README.md`). They
//! are held to the **same** budgets, because every one of them is well-conditioned in the
//! sense that matters here: the inputs are exact, so only the function's own rounding
//! and the 1–4 roundings of each derivative formula enter, never an input perturbation
//! times a large condition number. Per function:
//!
//! * `sqrt`, `cbrt`, `recip`, `powi` near 0 and at subnormals: power laws, relative
//!   condition |k| ≤ 7 in every derivative; an f64 entry past the range is `±∞` in the
//!   file and must be matched exactly (`sqrt''(2⁻¹⁰⁷⁴) = −∞`).
//! * `ln`, `log2`, `log10` at 1 ± 2⁻²⁴ … 1 ± 2⁻⁵²: the value is tiny but computed from the
//!   exact input by the library (≤ 2 ulp measured); the derivatives `1/x`, `−1/x²` are
//!   perfectly conditioned. `ln_1p` near −1: `1/(1 + x)` with `1 + x` exact (Sterbenz).
//! * `exp`, `exp2`, `exp_m1` up to the overflow and down to the underflow limits, and
//!   at ±2⁻⁶⁰: relative condition |x| ≤ 710 for the value, which an exact input does not
//!   excite; the derivatives are the value times an exact or correctly rounded constant.
//! * `asin`, `acos`, `atanh` at 1 − 2⁻²⁰ … 1 − 2⁻⁵³, `acosh` at 1 + 2⁻⁵²: `1 − x` and
//!   `x − 1` are exact (Sterbenz), so `(1 − x)(1 + x)` has one rounding; the forward-
//!   over-forward and forward-over-reverse second derivatives keep the normwise rule
//!   above (`(1 − x) − (1 + x)` in their chain rule).
//! * `tan` at the f32 and f64 nearest odd multiples of π/2 (|tan| up to 1.6e16): the
//!   library reduces the exact argument exactly; `1 + tan²` and `2·tan·(1 + tan²)` add
//!   two to three roundings of relative size ε to tan's own error: within 8 and 16 ulp.
//! * `sinh`, `cosh` just below overflow, `tanh`, `atan`, `asinh` at ±2⁻⁶⁰ … f32::MAX:
//!   the derivatives are `cosh`, `sinh`, `sech²`, `1/(1 + x²)`, `1/√(1 + x²)` of an exact
//!   input: a few roundings each. A huge `1 + x²` overflows only where the reference is
//!   outside f32 (skipped) or where the file has the limit.
//! * `sin`, `cos` at 1e10, 1e30, f32::MAX: exact argument reduction in the library.
//! * `powf` with x near 0 or 1 and |y| up to 2⁴⁰: `x^y` has relative condition |y| in x,
//!   but x is exact; the partials multiply the library's `x^y` by `y/x`, `ln x`, ...
//!   (1–3 roundings). `fxy = x^(y−1)·(1 + y·ln x)` cancels: the normwise rule above.
//! * `atan2` next to the axes and at huge / tiny magnitudes: the partials `b/r²`,
//!   `−a/r²` are well-conditioned; `(a² − b²)/r⁴` cancels (normwise rule).
//! * `hypot` from 2⁻¹⁴⁹ to f32::MAX: partials `x/h`, `y/h` have condition ≤ 1.
//! * `log(x, b)` with b within 2⁻²⁴ of 1: `ln b` is tiny but exact-input, so every entry
//!   is a quotient of library results (≤ 4 roundings).
//!
//! Two normwise-rule components are skipped where their scale `S` (the largest second
//! partial) is beyond the range of `T` (f32 at `atan2(2⁻¹⁴⁹, −2⁻¹⁴⁹)` and `log(2⁻¹²⁶,
//! b)`): the formula's terms are of size `S` and overflow, so no `T` result is
//! meaningful there. Two findings of these rows were fixed in ad-core: hypot's partials
//! in f32 at `(2⁻¹⁴⁹, ±2⁻¹⁴⁹)` and `(f32::MAX, f32::MAX)`, where `h` rounds to a
//! subnormal or overflows (now formed from `x/m`, `y/m` with `m = max(|x|, |y|)`), and
//! `asinh(±f32::MAX)`, which `std`'s formula overflows to `±∞` (now `ln|x| + ln 2` above
//! `1/ε`).
//!
//! The reverse mode (`Tape::gradient`, a `Program` recorded at another point and
//! replayed with `Program::gradient`, and forward over reverse with `Program::hessian`)
//! evaluates the same rules: gradients have the first-derivative budget, the
//! forward-over-reverse Hessian that of forward over forward (it differentiates the
//! first-derivative formulas with dual numbers, the same cancellations included).
//!
//! On failure, every mismatch is printed (function, input, precision, type, line of the
//! CSV, component, expected, got, error in ulp) before the test fails. Set
//! `AD_REFERENCE_REPORT=1` to print the worst error per function, type and component.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ad_core::{Dual, Dual2, HyperDual, Primitive, Tape, Workspace};

const UNARY_CSV: &str = include_str!("reference/unary.csv");
const BINARY_CSV: &str = include_str!("reference/binary.csv");
/// Under Miri (an interpreter, ~1000x slower) the tests check a sample of the tables:
/// every `MIRI_STRIDE`-th row, written by `generate.py` beside the tables. Miri looks
/// for undefined behaviour, which the same code paths show on fewer points; the native
/// run compares every row, and checks that the samples are exactly those rows
/// (`miri_samples_are_every_37th_row`). (Reading the full files under Miri, even to
/// keep every 37th row, took longer than the checks themselves.)
const UNARY_MIRI_CSV: &str = include_str!("reference/unary_miri.csv");
const BINARY_MIRI_CSV: &str = include_str!("reference/binary_miri.csv");
/// The sampling stride of the Miri samples (`MIRI_STRIDE` in `generate.py`).
const MIRI_STRIDE: usize = 37;

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// One data row: the function name and its numeric columns.
struct Row {
    line: usize,
    func: &'static str,
    cols: Vec<f64>,
}

/// Parses a reference file: skips `#` comments and blank lines, checks the header
/// against `header`, and parses every other line into numbers (`inf`, `-inf` and `nan`
/// included).
fn parse(text: &'static str, header: &str) -> Vec<Row> {
    let ncols = header.split(',').count();
    let mut rows = Vec::new();
    let mut seen_header = false;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !seen_header {
            assert_eq!(line, header, "line {}: unexpected header", i + 1);
            seen_header = true;
            continue;
        }
        let fields: Vec<&'static str> = line.split(',').collect();
        assert_eq!(
            fields.len(),
            ncols,
            "line {}: wrong column count: {line}",
            i + 1
        );
        let cols = fields[1..]
            .iter()
            .map(|s| {
                s.parse::<f64>()
                    .unwrap_or_else(|e| panic!("line {}: bad number {s:?}: {e}", i + 1))
            })
            .collect();
        rows.push(Row {
            line: i + 1,
            func: fields[0],
            cols,
        });
    }
    assert!(seen_header, "no header line found");
    rows
}

const UNARY_HEADER: &str = "func,x,value,d1,d2";
const BINARY_HEADER: &str = "func,x,y,value,dx,dy,dxx,dxy,dyy";

/// The rows the tests check: all of `full` natively, its Miri `sample` under Miri;
/// at least `min` of them (a broken file must not pass vacuously).
fn rows(full: &'static str, sample: &'static str, header: &str, min: [usize; 2]) -> Vec<Row> {
    let (text, min) = if cfg!(miri) {
        (sample, min[1])
    } else {
        (full, min[0])
    };
    let rows = parse(text, header);
    assert!(
        rows.len() > min,
        "only {} rows parsed under {header}",
        rows.len()
    );
    rows
}

fn unary_rows() -> Vec<Row> {
    rows(UNARY_CSV, UNARY_MIRI_CSV, UNARY_HEADER, [1500, 40])
}

fn binary_rows() -> Vec<Row> {
    rows(BINARY_CSV, BINARY_MIRI_CSV, BINARY_HEADER, [450, 12])
}

/// An input column as `T`. Inputs are exactly representable in f32, so this is exact in
/// both precisions (checked).
fn input<T: Primitive>(x: f64) -> T {
    let t = T::constant(x);
    assert_eq!(
        t.to_f64_exact(),
        x,
        "input {x:e} is not exact in {}",
        prec::<T>()
    );
    t
}

fn prec<T: Primitive>() -> &'static str {
    if size_of::<T>() == 4 { "f32" } else { "f64" }
}

// ---------------------------------------------------------------------------
// Function dispatch: inherent methods of the concrete AD types
// ---------------------------------------------------------------------------

/// Calls the unary function named `$f` (a name from `unary.csv`) on `$x`. It expands at
/// each concrete AD type, so method resolution picks the inherent methods.
macro_rules! call_unary {
    ($f:expr, $x:expr) => {{
        let f: &str = $f;
        let x = $x;
        if let Some(k) = f.strip_prefix("powi_") {
            x.powi(k.parse::<i32>().expect("powi exponent"))
        } else {
            match f {
                "recip" => x.recip(),
                "sqrt" => x.sqrt(),
                "cbrt" => x.cbrt(),
                "exp" => x.exp(),
                "exp2" => x.exp2(),
                "exp_m1" => x.exp_m1(),
                "ln" => x.ln(),
                "log2" => x.log2(),
                "log10" => x.log10(),
                "ln_1p" => x.ln_1p(),
                "sin" => x.sin(),
                "cos" => x.cos(),
                "tan" => x.tan(),
                "asin" => x.asin(),
                "acos" => x.acos(),
                "atan" => x.atan(),
                "sinh" => x.sinh(),
                "cosh" => x.cosh(),
                "tanh" => x.tanh(),
                "asinh" => x.asinh(),
                "acosh" => x.acosh(),
                "atanh" => x.atanh(),
                "abs" => x.abs(),
                "signum" => x.signum(),
                "floor" => x.floor(),
                "ceil" => x.ceil(),
                "round" => x.round(),
                "trunc" => x.trunc(),
                "fract" => x.fract(),
                "neg" => -x,
                other => panic!("unknown unary function {other:?} in unary.csv"),
            }
        }
    }};
}

/// Calls the binary function named `$f` (a name from `binary.csv`) as `$x.f($y)`.
macro_rules! call_binary {
    ($f:expr, $x:expr, $y:expr) => {{
        let f: &str = $f;
        let (x, y) = ($x, $y);
        match f {
            "powf" => x.powf(y),
            "atan2" => x.atan2(y),
            "hypot" => x.hypot(y),
            "log" => x.log(y),
            "add" => x + y,
            "sub" => x - y,
            "mul" => x * y,
            "div" => x / y,
            other => panic!("unknown binary function {other:?} in binary.csv"),
        }
    }};
}

// ---------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------

/// Allowed error: `|got − ref| ≤ ulps · ulp_T(ref) + norm · ε_T · scale`.
#[derive(Clone, Copy, Debug)]
struct Tol {
    ulps: f64,
    norm: f64,
}

const fn ulps(ulps: f64) -> Tol {
    Tol { ulps, norm: 0.0 }
}

/// The spacing of `T` at `r` (`r` finite): `ε_T · 2^⌊log2 |r|⌋`, or the subnormal
/// spacing below the normal range.
fn ulp_of<T: Primitive>(r: f64) -> f64 {
    let eps = T::epsilon().to_f64_exact();
    let min_normal = T::min_positive_value().to_f64_exact();
    let a = r.abs();
    if a < min_normal {
        return eps * min_normal;
    }
    // 2^floor(log2 a), exactly: the exponent bits of `a` alone.
    eps * f64::from_bits(a.to_bits() & 0x7ff0_0000_0000_0000)
}

/// Which comparisons a test makes: the values, or the derivative parts of one type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Values,
    Derivatives(Kind),
}

/// The seeded number types.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `Dual<T, N>` with all arguments as variables (N = 1 unary, 2 binary).
    Dual,
    /// `Dual<T, 3>` with the variables in other slots than the first.
    Dual3,
    /// `HyperDual<T>` (all its seedings).
    Hyper,
    /// `Dual2<T, N>`.
    Dual2,
    /// `Dual<Dual<T, N>, N>`.
    Nested,
    /// Reverse mode: `Tape::gradient` (record at the row's input and sweep back).
    Tape,
    /// Reverse mode, replayed: a `Program` recorded at another point and replayed at
    /// the row's input (`Program::gradient`).
    Replay,
    /// Forward over reverse: the replayed `Program::hessian` (a dual-number replay and
    /// reverse sweep in a `Workspace`).
    TapeHessian,
}

struct Report {
    part: Part,
    compared: usize,
    skipped_nan: usize,
    skipped_range: usize,
    /// Rows whose input exists only in f64 (not exact in f32): skipped in f32.
    skipped_f64_only: usize,
    failures: Vec<String>,
    /// Worst error (ulp of the reference) per (precision, function, type, component).
    worst: BTreeMap<(String, String, String, String), f64>,
}

/// Where a comparison comes from, for the failure message.
struct Ctx<'a> {
    func: &'a str,
    input: String,
    line: usize,
    kind: Kind,
    ty: &'static str,
}

fn fmt_ulps(u: f64) -> String {
    if u < 1e6 {
        format!("{u:.1}")
    } else {
        format!("{u:.2e}")
    }
}

impl Report {
    fn new(part: Part) -> Self {
        Report {
            part,
            compared: 0,
            skipped_nan: 0,
            skipped_range: 0,
            skipped_f64_only: 0,
            failures: Vec::new(),
            worst: BTreeMap::new(),
        }
    }

    fn wants(&self, kind: Kind) -> bool {
        match self.part {
            Part::Values => true,
            Part::Derivatives(k) => k == kind,
        }
    }

    /// `true` (and counted) when the row's inputs are not exact in `T`: an f64-only
    /// edge point (an f64 subnormal, `1 ± 2⁻⁵²`, ...) in the f32 pass.
    fn skip_row<T: Primitive>(&mut self, inputs: &[f64]) -> bool {
        let exact = inputs
            .iter()
            .all(|&x| T::constant(x).to_f64_exact() == x || x.is_nan());
        if !exact {
            self.skipped_f64_only += 1;
        }
        !exact
    }

    /// Compares one component with the reference `expected` (an f64 rounding of the
    /// exact value).
    fn check<T: Primitive>(
        &mut self,
        c: &Ctx<'_>,
        comp: &str,
        expected: f64,
        got: T,
        tol: Tol,
        scale: f64,
    ) {
        let is_value = comp == "value";
        if (self.part == Part::Values) != is_value || !self.wants(c.kind) {
            return;
        }
        let p = prec::<T>();
        let got = got.to_f64_exact();
        if tol.norm > 0.0 && scale > T::max_value().to_f64_exact() {
            // A normwise bound relative to a scale that `T` cannot represent: the
            // formula's terms (of that size) overflow `T`, so no value of `T` is
            // meaningful here (the components within range are compared elsewhere).
            self.skipped_range += 1;
            return;
        }
        if expected.is_nan() {
            // "No defined value": nothing to compare.
            self.skipped_nan += 1;
            return;
        }
        if p == "f32" && expected.is_finite() && expected != 0.0 {
            let a = expected.abs();
            if a > f64::from(f32::MAX) || a < f64::from(f32::MIN_POSITIVE) {
                // Outside the normal f32 range (see the README).
                self.skipped_range += 1;
                return;
            }
        }
        self.compared += 1;
        let eps = T::epsilon().to_f64_exact();
        let (ok, err_ulps) = if expected.is_infinite() {
            let same = got == expected;
            (same, if same { 0.0 } else { f64::INFINITY })
        } else if !got.is_finite() {
            (false, f64::INFINITY)
        } else {
            // The file's zeros have no sign: `|got - 0|` ignores the sign of ours.
            let err = (got - expected).abs();
            let ulp = ulp_of::<T>(expected);
            let allowed = tol.ulps * ulp + tol.norm * eps * scale;
            (err <= allowed, err / ulp)
        };
        let key = (
            p.to_string(),
            c.func.to_string(),
            c.ty.to_string(),
            comp.to_string(),
        );
        let w = self.worst.entry(key).or_insert(0.0);
        if err_ulps.is_nan() || err_ulps > *w {
            *w = err_ulps;
        }
        if !ok {
            let norm = if tol.norm > 0.0 {
                format!(" + {} eps * {scale:e}", tol.norm)
            } else {
                String::new()
            };
            self.failures.push(format!(
                "{func}({input}) [{p}, {ty}, line {line}] {comp}: expected {expected:e}, \
                 got {got:e}, error {err} ulp (allowed {u} ulp{norm})",
                func = c.func,
                input = c.input,
                ty = c.ty,
                line = c.line,
                err = fmt_ulps(err_ulps),
                u = tol.ulps,
            ));
        }
    }

    /// A tangent slot that was never seeded: it must be exactly zero.
    fn check_zero<T: Primitive>(&mut self, c: &Ctx<'_>, comp: &str, got: T) {
        if !matches!(self.part, Part::Derivatives(k) if k == c.kind) {
            return;
        }
        self.compared += 1;
        if got.to_f64_exact() != 0.0 {
            self.failures.push(format!(
                "{}({}) [{}, {}, line {}] {comp}: unseeded tangent must be exactly 0, got {:e}",
                c.func,
                c.input,
                prec::<T>(),
                c.ty,
                c.line,
                got.to_f64_exact()
            ));
        }
    }

    fn finish(&self, what: &str) {
        if std::env::var_os("AD_REFERENCE_REPORT").is_some() {
            let mut s = String::new();
            for ((p, f, t, c), w) in &self.worst {
                let _ = writeln!(s, "{p} {f:10} {t:22} {c:8} {}", fmt_ulps(*w));
            }
            println!("{what}: worst error per group (ulp of the reference):\n{s}");
        }
        println!(
            "{what}: {} compared, {} skipped (nan reference), {} skipped (outside f32 range), \
             {} f32 rows skipped (f64-only input), {} failures",
            self.compared,
            self.skipped_nan,
            self.skipped_range,
            self.skipped_f64_only,
            self.failures.len()
        );
        if !self.failures.is_empty() {
            let mut s = String::new();
            for f in &self.failures {
                let _ = writeln!(s, "  {f}");
            }
            panic!(
                "{what}: {} of {} comparisons failed:\n{s}",
                self.failures.len(),
                self.compared
            );
        }
        // A broken parser or a table of nan must not pass vacuously.
        let tried = self.compared + self.skipped_nan + self.skipped_range;
        let min = if cfg!(miri) { 1000 / MIRI_STRIDE } else { 1000 };
        assert!(
            self.compared > min && self.compared * 10 > tried * 9,
            "{what}: only {} of {tried} values compared",
            self.compared
        );
    }
}

// ---------------------------------------------------------------------------
// Edge-point exceptions
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// Tolerances (justified in the module docs)
// ---------------------------------------------------------------------------

/// Functions whose value is one IEEE-rounded operation (or exact).
fn correctly_rounded(func: &str) -> bool {
    matches!(
        func,
        "neg"
            | "abs"
            | "signum"
            | "floor"
            | "ceil"
            | "round"
            | "trunc"
            | "fract"
            | "sqrt"
            | "recip"
            | "powi_0"
            | "powi_1"
            | "powi_2"
            | "powi_-1"
            | "add"
            | "sub"
            | "mul"
            | "div"
    )
}

fn value_tol(func: &str) -> Tol {
    if correctly_rounded(func) {
        ulps(0.5)
    } else {
        ulps(4.0)
    }
}

/// Tolerance and normwise scale for the derivative of order `order` of a unary row.
fn unary_tol(func: &str, kind: Kind, order: u8, d1: f64) -> (Tol, f64) {
    match order {
        0 => (value_tol(func), 0.0),
        1 => (ulps(8.0), 0.0),
        _ if matches!(kind, Kind::Nested | Kind::TapeHessian)
            && matches!(func, "asin" | "acos" | "atanh") =>
        {
            // (1−x) − (1+x) in the derivative of 1/√((1−x)(1+x)) (terms of size |f'|³)
            // or of 1/((1−x)(1+x)) (terms of size |f'|²).
            let p = if func == "atanh" { 2 } else { 3 };
            (
                Tol {
                    ulps: 16.0,
                    norm: 4.0,
                },
                d1.abs().powi(p),
            )
        }
        _ => (ulps(16.0), 0.0),
    }
}

/// Tolerance for a second partial of a binary row (first partials: 8 ulp; values:
/// [`value_tol`]); `normwise` holds when the formula cancels (see the module docs).
fn second_partial_tol(func: &str, kind: Kind, comp: &str) -> Tol {
    let normwise = matches!(kind, Kind::Nested | Kind::TapeHessian)
        || (matches!(func, "powf" | "atan2") && matches!(comp, "dxy" | "dyx"));
    if normwise {
        Tol {
            ulps: 16.0,
            norm: 4.0,
        }
    } else {
        ulps(16.0)
    }
}

// ---------------------------------------------------------------------------
// Unary rows
// ---------------------------------------------------------------------------

fn check_unary<T: Primitive>(rows: &[Row], r: &mut Report) {
    for row in rows {
        let f = row.func;
        let [x, v, d1, d2] = row.cols[..] else {
            panic!("line {}: expected 4 numbers", row.line)
        };
        if r.skip_row::<T>(&[x]) {
            continue;
        }
        let xt: T = input(x);
        let mut ctx = Ctx {
            func: f,
            input: format!("{x:e}"),
            line: row.line,
            kind: Kind::Dual,
            ty: "",
        };
        // (component, order, expected, got)
        let chk = |r: &mut Report, ctx: &Ctx<'_>, comp: &str, order: u8, e: f64, g: T| {
            let (tol, scale) = unary_tol(f, ctx.kind, order, d1);
            r.check(ctx, comp, e, g, tol, scale);
        };

        if r.wants(Kind::Dual) {
            (ctx.kind, ctx.ty) = (Kind::Dual, "Dual<T,1>");
            let y = call_unary!(f, Dual::<T, 1>::variable(xt));
            chk(r, &ctx, "value", 0, v, y.re);
            chk(r, &ctx, "d1", 1, d1, y.eps[0]);
        }
        if r.wants(Kind::Dual3) {
            (ctx.kind, ctx.ty) = (Kind::Dual3, "Dual<T,3>[1]");
            let y = call_unary!(f, Dual::<T, 3>::variable_at(xt, 1));
            chk(r, &ctx, "value", 0, v, y.re);
            chk(r, &ctx, "eps[1]", 1, d1, y.eps[1]);
            r.check_zero(&ctx, "eps[0]", y.eps[0]);
            r.check_zero(&ctx, "eps[2]", y.eps[2]);
        }
        if r.wants(Kind::Hyper) {
            (ctx.kind, ctx.ty) = (Kind::Hyper, "HyperDual");
            let y = call_unary!(f, HyperDual::<T>::variable(xt));
            chk(r, &ctx, "value", 0, v, y.re);
            chk(r, &ctx, "e1", 1, d1, y.e1);
            chk(r, &ctx, "e2", 1, d1, y.e2);
            chk(r, &ctx, "e12", 2, d2, y.e12);
        }
        if r.wants(Kind::Dual2) {
            (ctx.kind, ctx.ty) = (Kind::Dual2, "Dual2<T,1>");
            let y = call_unary!(f, Dual2::<T, 1>::variable(xt));
            chk(r, &ctx, "value", 0, v, y.value());
            chk(r, &ctx, "grad", 1, d1, y.gradient()[0]);
            chk(r, &ctx, "hess", 2, d2, y.hessian()[0][0]);
        }
        if r.wants(Kind::Nested) {
            (ctx.kind, ctx.ty) = (Kind::Nested, "Dual<Dual<T>>");
            let seed = Dual::new(Dual::<T, 1>::variable(xt), [Dual::constant_of(T::one())]);
            let y = call_unary!(f, seed);
            chk(r, &ctx, "value", 0, v, y.re.re);
            chk(r, &ctx, "re.eps", 1, d1, y.re.eps[0]);
            chk(r, &ctx, "eps.re", 1, d1, y.eps[0].re);
            chk(r, &ctx, "eps.eps", 2, d2, y.eps[0].eps[0]);
        }
        if r.wants(Kind::Tape) {
            (ctx.kind, ctx.ty) = (Kind::Tape, "Tape::gradient");
            let mut tape: Tape<T, 8> = Tape::new();
            let (y, [g]) = tape
                .gradient(|[v]| call_unary!(f, v), [xt])
                .expect("one operation fits");
            chk(r, &ctx, "value", 0, v, y);
            chk(r, &ctx, "grad", 1, d1, g);
        }
        if r.wants(Kind::Replay) || r.wants(Kind::TapeHessian) {
            // Recorded at an unrelated interior point, replayed at the row's input.
            let mut tape: Tape<T, 8> = Tape::new();
            let mut prog = tape
                .record([T::constant(RECORD_AT)], |[v]| [call_unary!(f, v)])
                .expect("one operation fits");
            if r.wants(Kind::Replay) {
                (ctx.kind, ctx.ty) = (Kind::Replay, "Program::gradient");
                let (y, [g]) = prog.gradient([xt]).expect("no branches");
                chk(r, &ctx, "value", 0, v, y);
                chk(r, &ctx, "grad", 1, d1, g);
            }
            if r.wants(Kind::TapeHessian) {
                (ctx.kind, ctx.ty) = (Kind::TapeHessian, "Program::hessian");
                let mut work = Workspace::<Dual<T, 1>, 8>::new();
                let (y, [g], [[h]]) = prog.hessian([xt], &mut work).expect("fits");
                chk(r, &ctx, "value", 0, v, y);
                chk(r, &ctx, "grad", 1, d1, g);
                chk(r, &ctx, "hess", 2, d2, h);
            }
        }
    }
}

/// Where the replay tests record (an interior point of every function's domain).
const RECORD_AT: f64 = 0.625;
/// Where the binary replay tests record: `(x, y)` inside every binary domain.
const RECORD_AT_2: [f64; 2] = [1.375, 2.5];

fn run_unary(part: Part, what: &str) {
    let rows = unary_rows();
    let mut r = Report::new(part);
    check_unary::<f64>(&rows, &mut r);
    check_unary::<f32>(&rows, &mut r);
    r.finish(what);
}

/// The value of every type (they must all equal the primitive function's value).
#[test]
fn unary_values() {
    run_unary(Part::Values, "unary.csv values");
}

#[test]
fn unary_dual() {
    run_unary(Part::Derivatives(Kind::Dual), "unary.csv Dual<T,1>");
}

#[test]
fn unary_dual_middle_slot() {
    run_unary(Part::Derivatives(Kind::Dual3), "unary.csv Dual<T,3>");
}

#[test]
fn unary_hyperdual() {
    run_unary(Part::Derivatives(Kind::Hyper), "unary.csv HyperDual");
}

#[test]
fn unary_dual2() {
    run_unary(Part::Derivatives(Kind::Dual2), "unary.csv Dual2<T,1>");
}

#[test]
fn unary_nested_dual() {
    run_unary(Part::Derivatives(Kind::Nested), "unary.csv Dual<Dual<T>>");
}

#[test]
fn unary_tape_gradient() {
    run_unary(Part::Derivatives(Kind::Tape), "unary.csv Tape::gradient");
}

#[test]
fn unary_program_gradient_replayed() {
    run_unary(
        Part::Derivatives(Kind::Replay),
        "unary.csv Program::gradient",
    );
}

#[test]
fn unary_program_hessian_forward_over_reverse() {
    run_unary(
        Part::Derivatives(Kind::TapeHessian),
        "unary.csv Program::hessian",
    );
}

// ---------------------------------------------------------------------------
// Binary rows
// ---------------------------------------------------------------------------

fn check_binary<T: Primitive>(rows: &[Row], r: &mut Report) {
    for row in rows {
        let f = row.func;
        let [x, y, v, dx, dy, dxx, dxy, dyy] = row.cols[..] else {
            panic!("line {}: expected 8 numbers", row.line)
        };
        if r.skip_row::<T>(&[x, y]) {
            continue;
        }
        let (xt, yt): (T, T) = (input(x), input(y));
        let hess_norm = [dxx, dxy, dyy]
            .iter()
            .filter(|h| h.is_finite())
            .fold(0.0_f64, |m, h| m.max(h.abs()));
        let mut ctx = Ctx {
            func: f,
            input: format!("{x:e}, {y:e}"),
            line: row.line,
            kind: Kind::Dual,
            ty: "",
        };
        let chk = |r: &mut Report, ctx: &Ctx<'_>, comp: &str, e: f64, g: T| {
            let tol = match comp {
                "value" => value_tol(f),
                "dx" | "dy" => ulps(8.0),
                _ => second_partial_tol(f, ctx.kind, comp),
            };
            r.check(ctx, comp, e, g, tol, hess_norm);
        };
        let zero = T::zero();
        let one = T::one();

        if r.wants(Kind::Dual) {
            (ctx.kind, ctx.ty) = (Kind::Dual, "Dual<T,2>");
            let [a, b] = Dual::<T, 2>::variables([xt, yt]);
            let z = call_binary!(f, a, b);
            chk(r, &ctx, "value", v, z.re);
            chk(r, &ctx, "dx", dx, z.eps[0]);
            chk(r, &ctx, "dy", dy, z.eps[1]);
        }
        if r.wants(Kind::Dual3) {
            // x in slot 2, y in slot 0, slot 1 unseeded.
            (ctx.kind, ctx.ty) = (Kind::Dual3, "Dual<T,3>[2,0]");
            let z = call_binary!(
                f,
                Dual::<T, 3>::variable_at(xt, 2),
                Dual::<T, 3>::variable_at(yt, 0)
            );
            chk(r, &ctx, "value", v, z.re);
            chk(r, &ctx, "dx", dx, z.eps[2]);
            chk(r, &ctx, "dy", dy, z.eps[0]);
            r.check_zero(&ctx, "eps[1]", z.eps[1]);
        }
        if r.wants(Kind::Dual2) {
            (ctx.kind, ctx.ty) = (Kind::Dual2, "Dual2<T,2>");
            let [a, b] = Dual2::<T, 2>::variables([xt, yt]);
            let z = call_binary!(f, a, b);
            let h = z.hessian();
            chk(r, &ctx, "value", v, z.value());
            chk(r, &ctx, "dx", dx, z.gradient()[0]);
            chk(r, &ctx, "dy", dy, z.gradient()[1]);
            chk(r, &ctx, "dxx", dxx, h[0][0]);
            chk(r, &ctx, "dxy", dxy, h[0][1]);
            chk(r, &ctx, "dyx", dxy, h[1][0]);
            chk(r, &ctx, "dyy", dyy, h[1][1]);
        }
        if r.wants(Kind::Hyper) {
            // x along ε₁ and y along ε₂: e12 is the mixed partial.
            (ctx.kind, ctx.ty) = (Kind::Hyper, "HyperDual(x:e1,y:e2)");
            let z = call_binary!(
                f,
                HyperDual::new(xt, one, zero, zero),
                HyperDual::new(yt, zero, one, zero)
            );
            chk(r, &ctx, "value", v, z.re);
            chk(r, &ctx, "dx", dx, z.e1);
            chk(r, &ctx, "dy", dy, z.e2);
            chk(r, &ctx, "dxy", dxy, z.e12);

            // x along both, y constant: e12 is ∂²f/∂x².
            ctx.ty = "HyperDual(x:e1+e2)";
            let z = call_binary!(
                f,
                HyperDual::<T>::variable(xt),
                HyperDual::<T>::constant_of(yt)
            );
            chk(r, &ctx, "value", v, z.re);
            chk(r, &ctx, "dx", dx, z.e1);
            chk(r, &ctx, "dx", dx, z.e2);
            chk(r, &ctx, "dxx", dxx, z.e12);

            // y along both, x constant: e12 is ∂²f/∂y².
            ctx.ty = "HyperDual(y:e1+e2)";
            let z = call_binary!(
                f,
                HyperDual::<T>::constant_of(xt),
                HyperDual::<T>::variable(yt)
            );
            chk(r, &ctx, "value", v, z.re);
            chk(r, &ctx, "dy", dy, z.e1);
            chk(r, &ctx, "dy", dy, z.e2);
            chk(r, &ctx, "dyy", dyy, z.e12);
        }
        if r.wants(Kind::Nested) {
            // Forward over forward: the outer tangent i of inner tangent j is H[i][j].
            (ctx.kind, ctx.ty) = (Kind::Nested, "Dual<Dual<T,2>,2>");
            let [ia, ib] = Dual::<T, 2>::variables([xt, yt]);
            let c = |t: T| Dual::<T, 2>::constant_of(t);
            let a = Dual::new(ia, [c(one), c(zero)]);
            let b = Dual::new(ib, [c(zero), c(one)]);
            let z = call_binary!(f, a, b);
            chk(r, &ctx, "value", v, z.re.re);
            chk(r, &ctx, "dx", dx, z.re.eps[0]);
            chk(r, &ctx, "dy", dy, z.re.eps[1]);
            chk(r, &ctx, "dx", dx, z.eps[0].re);
            chk(r, &ctx, "dy", dy, z.eps[1].re);
            chk(r, &ctx, "dxx", dxx, z.eps[0].eps[0]);
            chk(r, &ctx, "dxy", dxy, z.eps[0].eps[1]);
            chk(r, &ctx, "dyx", dxy, z.eps[1].eps[0]);
            chk(r, &ctx, "dyy", dyy, z.eps[1].eps[1]);
        }
        if r.wants(Kind::Tape) {
            (ctx.kind, ctx.ty) = (Kind::Tape, "Tape::gradient");
            let mut tape: Tape<T, 8> = Tape::new();
            let (z, [gx, gy]) = tape
                .gradient(|[a, b]| call_binary!(f, a, b), [xt, yt])
                .expect("one operation fits");
            chk(r, &ctx, "value", v, z);
            chk(r, &ctx, "dx", dx, gx);
            chk(r, &ctx, "dy", dy, gy);
        }
        if r.wants(Kind::Replay) || r.wants(Kind::TapeHessian) {
            let at = RECORD_AT_2.map(T::constant);
            let mut tape: Tape<T, 8> = Tape::new();
            let mut prog = tape
                .record(at, |[a, b]| [call_binary!(f, a, b)])
                .expect("one operation fits");
            if r.wants(Kind::Replay) {
                (ctx.kind, ctx.ty) = (Kind::Replay, "Program::gradient");
                let (z, [gx, gy]) = prog.gradient([xt, yt]).expect("no branches");
                chk(r, &ctx, "value", v, z);
                chk(r, &ctx, "dx", dx, gx);
                chk(r, &ctx, "dy", dy, gy);
            }
            if r.wants(Kind::TapeHessian) {
                (ctx.kind, ctx.ty) = (Kind::TapeHessian, "Program::hessian");
                let mut work = Workspace::<Dual<T, 2>, 8>::new();
                let (z, [gx, gy], h) = prog.hessian([xt, yt], &mut work).expect("fits");
                chk(r, &ctx, "value", v, z);
                chk(r, &ctx, "dx", dx, gx);
                chk(r, &ctx, "dy", dy, gy);
                chk(r, &ctx, "dxx", dxx, h[0][0]);
                chk(r, &ctx, "dxy", dxy, h[0][1]);
                chk(r, &ctx, "dyx", dxy, h[1][0]);
                chk(r, &ctx, "dyy", dyy, h[1][1]);
            }
        }
    }
}

fn run_binary(part: Part, what: &str) {
    let rows = binary_rows();
    let mut r = Report::new(part);
    check_binary::<f64>(&rows, &mut r);
    check_binary::<f32>(&rows, &mut r);
    r.finish(what);
}

/// The value of every type and seeding.
#[test]
fn binary_values() {
    run_binary(Part::Values, "binary.csv values");
}

#[test]
fn binary_dual() {
    run_binary(Part::Derivatives(Kind::Dual), "binary.csv Dual<T,2>");
}

#[test]
fn binary_dual_other_slots() {
    run_binary(Part::Derivatives(Kind::Dual3), "binary.csv Dual<T,3>");
}

#[test]
fn binary_hyperdual() {
    run_binary(Part::Derivatives(Kind::Hyper), "binary.csv HyperDual");
}

#[test]
fn binary_dual2() {
    run_binary(Part::Derivatives(Kind::Dual2), "binary.csv Dual2<T,2>");
}

#[test]
fn binary_nested_dual() {
    run_binary(
        Part::Derivatives(Kind::Nested),
        "binary.csv Dual<Dual<T,2>,2>",
    );
}

#[test]
fn binary_tape_gradient() {
    run_binary(Part::Derivatives(Kind::Tape), "binary.csv Tape::gradient");
}

#[test]
fn binary_program_gradient_replayed() {
    run_binary(
        Part::Derivatives(Kind::Replay),
        "binary.csv Program::gradient",
    );
}

#[test]
fn binary_program_hessian_forward_over_reverse() {
    run_binary(
        Part::Derivatives(Kind::TapeHessian),
        "binary.csv Program::hessian",
    );
}

/// The function names of `unary.csv`, sorted (`powi_k` is `x.powi(k)`).
const UNARY_FUNCTIONS: [&str; 37] = [
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "cbrt", "ceil", "cos", "cosh", "exp",
    "exp2", "exp_m1", "floor", "fract", "ln", "ln_1p", "log10", "log2", "neg", "powi_-1",
    "powi_-3", "powi_0", "powi_1", "powi_2", "powi_3", "powi_7", "recip", "round", "signum", "sin",
    "sinh", "sqrt", "tan", "tanh", "trunc",
];

/// Every function name in the tables is one this file dispatches (the dispatch panics
/// on an unknown name, so this also guards against new, unwired rows). Under Miri, the
/// samples cover every function too.
#[test]
fn tables_cover_all_functions() {
    let unary = func_names(&unary_rows());
    let binary = func_names(&binary_rows());
    assert_eq!(unary, UNARY_FUNCTIONS);
    assert_eq!(
        binary,
        ["add", "atan2", "div", "hypot", "log", "mul", "powf", "sub"]
    );
}

/// The sorted, distinct function names of `rows`.
fn func_names(rows: &[Row]) -> Vec<&'static str> {
    let set: std::collections::BTreeSet<_> = rows.iter().map(|r| r.func).collect();
    set.into_iter().collect()
}

/// The Miri samples are exactly every `MIRI_STRIDE`-th data line of their tables
/// (text for text, so `generate.py` cannot let them drift apart), and they cover every
/// function. It reads the full tables, which is what the samples spare Miri.
#[test]
#[cfg_attr(miri, ignore = "reads the full tables; it runs natively")]
fn miri_samples_are_every_37th_row() {
    let data = |text: &'static str| -> Vec<&'static str> {
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    };
    for (full_text, sample_text, header) in [
        (UNARY_CSV, UNARY_MIRI_CSV, UNARY_HEADER),
        (BINARY_CSV, BINARY_MIRI_CSV, BINARY_HEADER),
    ] {
        let (full, sample) = (data(full_text), data(sample_text));
        assert_eq!((full[0], sample[0]), (header, header));
        let expected: Vec<_> = full[1..].iter().step_by(MIRI_STRIDE).copied().collect();
        assert_eq!(sample[1..], expected[..]);
        assert_eq!(
            func_names(&parse(sample_text, header)),
            func_names(&parse(full_text, header))
        );
    }
}
