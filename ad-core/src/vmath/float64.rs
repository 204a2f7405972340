//! `f64` lane kernels: `exp`, `ln`, `sin`, `cos`, `sin_cos`, `tan`, `atan`, `tanh`,
//! `sqrt` and `powf` over `[f64; L]`.
//!
//! Each function applies one straight-line, branch-free routine to every lane: range
//! reduction with integer bit operations, a polynomial, and lane-wise selects for the
//! special values, so that the compiler vectorizes the lane loop (AVX-512 processes
//! eight lanes per instruction). Only `f64` arithmetic and `u64`/`i64` bit operations
//! of `core` are used, without fused multiply-add: the results are the same bits on
//! every target, and a lane's result never depends on `L` or on the other lanes. Where
//! extra precision is needed it comes from double-`f64` arithmetic (Dekker's exact
//! product with a bit-mask split, Knuth's exact sum).
//!
//! ```
//! use ad_core::vmath::float64;
//! let y = float64::exp([0.0, 1.0, -1.0, 709.0]);
//! assert_eq!(y[0], 1.0);
//! assert!((y[1] - core::f64::consts::E).abs() <= f64::EPSILON * 2.0);
//! let (s, c) = float64::sin_cos([0.5; 4]);
//! assert!((s[0] * s[0] + c[0] * c[0] - 1.0).abs() <= 2.0 * f64::EPSILON);
//! ```
//!
//! # Accuracy
//!
//! Two measurements, both in units in the last place (ulp) of the result (subnormal
//! results count in units of the smallest subnormal):
//!
//! * the distance to the host's standard library (`f64::exp`, ... of glibc's libm on
//!   x86-64 Linux, itself within 1 ulp of the exact result: about 0.52 ulp for `exp`,
//!   `log`, `pow`, `sin`, `cos`, but up to about 2 ulp for `tanh`), which
//!   `tests/vmath_f64.rs` measures on 10⁶ arguments per function in a release build
//!   and asserts: random bit patterns over the whole `f64` range, uniform samples over
//!   the interesting ranges, arguments next to multiples of π/2 (up to 2²⁰·π/2) and next
//!   to 1, subnormals, the overflow and underflow limits, huge arguments. The maxima
//!   below held on 10⁷ arguments per function (`VMATH_F64_SAMPLES=10000000`);
//! * the error to the exact result, computed with mpmath (60 digits) on every argument
//!   among 4·10⁵ uniform samples per function (over the ranges `[-745, 709]` and `[-2,
//!   2]` for `exp`, `(0, 4]` for `ln`, `[-10, 10]` and `[-1.6·10⁶, 1.6·10⁶]` for the
//!   trigonometric functions, `[-4, 4]` for `atan`, `[-3, 3]` for `tanh`; `powf` on
//!   `(0, 10] × [-30, 30]` and on bases within 1% of 1 with exponents up to 6·10⁴) where
//!   the result differs from glibc's (the first 40 000 such per set), plus every 200th
//!   sample.
//!
//! | function | distance to glibc | error to the exact result | bound the tests assert (vs glibc) |
//! |---|---|---|---|
//! | [`sqrt`] | 0 | ≤ 0.5 (correctly rounded) | 0 |
//! | [`exp`] | 1 | 0.92 | 2 |
//! | [`ln`] | 1 | 0.78 | 2 |
//! | [`sin`], [`cos`], [`sin_cos`] | 1 | 0.77 | 2 |
//! | [`tan`] | 1 | 1.03 | 2 |
//! | [`atan`] | 1 | 0.75 | 2 |
//! | [`tanh`] | 2 (glibc's own error) | 1.26 | 3 |
//! | [`powf`] | 1 | 0.93 | 2 |
//!
//! Lanes of `sin`, `cos`, `tan` with `|x| > 1.6·10⁶` are the back end's function
//! (glibc's with `std`, the `libm` crate's otherwise), with its accuracy.
//!
//! The pairs for [`powf`]: results spread over the whole range from subnormal to
//! overflow, bases near 1 with exponents up to 2⁴⁰, negative bases with integer
//! exponents, ordinary pairs, and random bit patterns.
//!
//! Special values are those of C99 Annex F: NaN in gives NaN out (except
//! `powf(x, ±0) = 1` and `powf(1, y) = 1`), signed zeros are kept where the function is
//! odd (`sin(-0) = -0`), `sin`, `cos`, `tan` of `±∞` are NaN, `exp` overflows to `+∞`
//! above `709.782712893384` and underflows through the subnormals to `+0` below
//! `-745.1332191019412`, `ln(±0) = -∞`, `ln` of a negative number is NaN,
//! `atan(±∞) = ±π/2`, `tanh(±∞) = ±1`, `sqrt(-0) = -0`, and [`powf`] follows C99's
//! `pow` (negative bases with integer exponents, `pow(±0, y)`, `pow(x, ±∞)`, ...).
//!
//! # Methods
//!
//! * `exp`: `x = k·ln 2 + r`, `|r| ≤ ln2/2`, with a two-part `ln 2` (the rounding error
//!   of `r` is carried into the polynomial), `eʳ = 1 + r + r²·Q(r)` with a degree-9
//!   near-minimax `Q` (Chebyshev fit, error below 2⁻⁵⁵), and `2ᵏ` applied as two
//!   exact powers of two, so that subnormal results are rounded once.
//! * `ln`: `x = 2ᵏ·(1 + f)`, `1 + f ∈ [√2/2, √2)`, and fdlibm's scheme
//!   `ln(1 + f) = f - f²/2 + s·(f²/2 + R(s²))`, `s = f/(2 + f)`, with a degree-6 `R`
//!   fitted here.
//! * `sin`, `cos`, `tan`: `x = q·π/2 + r` by Cody and Waite with π/2 in four parts (the
//!   first three of 33 bits, so that `q·Pᵢ` is exact for `|q| < 2²⁰`) and exact sums,
//!   which gives `r` as a double-`f64` to about 2⁻¹²⁰ absolute for `|x| ≤ 1.6·10⁶`;
//!   polynomials of degree 15 (sine) and 16 (cosine) on `|r| ≤ π/4`; `tan` as the
//!   quotient of the two with one correction step in double-`f64`. Lanes with a larger
//!   finite `|x|` are recomputed afterwards with the math back end's function (`std` or
//!   `libm`, accurate for every argument), only if a lane needs it.
//! * `atan`: fdlibm's reduction to `|t| ≤ 7/16` with the offsets `atan(½)`, `atan(1)`,
//!   `atan(3/2)`, `π/2` (chosen per lane by selects), a degree-25 odd polynomial.
//! * `tanh`: `x + x³·T(x²)` (degree 25) for `|x| < 0.625`, else `1 - 2/(e²ˣ + 1)`.
//! * `powf`: `ln|x|` in double-`f64` (the same reduction as `ln`, `s` and `s³/3` as exact
//!   sums and products, total relative error about 2⁻⁶⁵), multiplied by `y` with an exact
//!   product, and `exp` of the double-`f64` result.
//! * `sqrt`: the math back end's square root per lane (the hardware instruction with
//!   `std`, which vectorizes; correctly rounded in either case).

use crate::math;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

const SIGN: u64 = 0x8000_0000_0000_0000;
const MANT: u64 = 0x000f_ffff_ffff_ffff;
const ONE_BITS: u64 = 0x3ff0_0000_0000_0000;
const INF: f64 = f64::INFINITY;

/// `1.5·2⁵²`: adding and subtracting it rounds to an integer (for `|x| < 2⁵¹`), and the
/// low bits of the sum are that integer in two's complement.
const SHIFT: f64 = 6_755_399_441_055_744.0;
const SHIFT_BITS: i64 = 0x4338_0000_0000_0000;

/// Applies `f` to every lane.
#[inline(always)]
fn map<const L: usize>(x: [f64; L], f: impl Fn(f64) -> f64) -> [f64; L] {
    let mut out = [0.0; L];
    for (o, &v) in out.iter_mut().zip(x.iter()) {
        *o = f(v);
    }
    out
}

/// `|x|` by clearing the sign bit.
#[inline(always)]
fn abs(x: f64) -> f64 {
    f64::from_bits(x.to_bits() & !SIGN)
}

/// `x` with its sign bit flipped where `sign` has its sign bit set.
#[inline(always)]
fn xor_sign(x: f64, sign: u64) -> f64 {
    f64::from_bits(x.to_bits() ^ (sign & SIGN))
}

/// Lane-wise select (both sides are already computed).
#[inline(always)]
fn sel(c: bool, a: f64, b: f64) -> f64 {
    if c { a } else { b }
}

/// The integer `k` (`|k| < 2⁵¹`) as an `f64`, without a conversion instruction.
#[inline(always)]
fn i2f(k: i64) -> f64 {
    f64::from_bits(SHIFT_BITS.wrapping_add(k) as u64) - SHIFT
}

/// `2^k` for `-1022 ≤ k ≤ 1023` (other `k` give some other value, never a panic).
#[inline(always)]
fn exp2i(k: i64) -> f64 {
    f64::from_bits((k.wrapping_add(1023) as u64) << 52)
}

/// `x` split into a head with 26 significant bits and an exact tail of at most 27.
#[inline(always)]
fn split(x: f64) -> (f64, f64) {
    let hi = f64::from_bits(x.to_bits() & 0xffff_ffff_f800_0000);
    (hi, x - hi)
}

/// `a · b = p + e` (Dekker's product; exact but for the last partial product, an
/// error below 2⁻¹⁰⁴·|ab|), barring overflow and underflow.
#[inline(always)]
fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let (ah, al) = split(a);
    let (bh, bl) = split(b);
    let e = (((ah * bh - p) + ah * bl) + al * bh) + al * bl;
    (p, e)
}

/// `a + b = s + e` exactly (Knuth's two-sum), any magnitudes.
#[inline(always)]
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// Horner's scheme, coefficients lowest degree first.
#[inline(always)]
fn poly<const N: usize>(z: f64, c: &[f64; N]) -> f64 {
    let mut acc = c[N - 1];
    let mut i = N - 1;
    while i > 0 {
        i -= 1;
        acc = acc * z + c[i];
    }
    acc
}

// ---------------------------------------------------------------------------
// exp
// ---------------------------------------------------------------------------

/// ln 2 = `LN2_HI + LN2_LO` + O(2⁻¹⁰²); `LN2_HI` has 40 significant bits, so `k·LN2_HI`
/// is exact for `|k| < 2¹³`.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fefa_4000);
const LN2_LO: f64 = f64::from_bits(0xbd48_432a_1b0e_2634);

/// `eʳ ≈ 1 + r + r²·Q(r)` on `|r| ≤ ln2/2` (relative error below 2⁻⁵⁵).
const EXP_Q: [f64; 10] = [
    0.500_000_000_000_000_1,
    0.166_666_666_666_666_69,
    0.041_666_666_666_624_13,
    0.008_333_333_333_330_062,
    0.001_388_888_891_721_371_7,
    0.000_198_412_698_630_536_18,
    2.480_152_129_595_437_6e-5,
    2.755_726_845_999_706_4e-6,
    2.762_008_844_540_974_6e-7,
    2.510_038_549_551_032e-8,
];

/// `e^(hi + lo)` for `-760 ≤ hi ≤ 720` and `|lo|` below about 2⁻⁴⁰ (NaN `hi` gives
/// NaN): overflows to `+∞`, rounds once into the subnormals.
#[inline(always)]
fn exp_core(hi: f64, lo: f64) -> f64 {
    let t = hi * core::f64::consts::LOG2_E + SHIFT;
    let k = t - SHIFT;
    let ki = (t.to_bits() as i64).wrapping_sub(SHIFT_BITS);
    // hi - k·LN2_HI is exact (Sterbenz); r = a - b rounds, and c is its error (lo
    // is far below k·LN2_LO's ulp or k = 0, where the sum is exact).
    let a = hi - k * LN2_HI;
    let b = k * LN2_LO - lo;
    let r = a - b;
    let c = (a - r) - b;
    let p = 1.0 + (r + (r * r * poly(r, &EXP_Q) + c));
    // 2^k as two factors: the first product is exact, the second rounds once.
    let k1 = ki >> 1;
    let k2 = ki.wrapping_sub(k1);
    p * exp2i(k1) * exp2i(k2)
}

#[inline(always)]
fn exp_lane(x: f64) -> f64 {
    // Clamp to where the result is certainly ∞ or 0 (NaN passes through).
    let x = sel(x > 720.0, 720.0, x);
    let x = sel(x < -760.0, -760.0, x);
    exp_core(x, 0.0)
}

/// `eˣ` per lane. Within 1 ulp of glibc; `+∞` above `709.782712893384` (`exp(∞) = ∞`),
/// subnormal results below `-708.3964185322641`, `+0` below `-745.1332191019412`
/// (`exp(-∞) = 0`), NaN for NaN.
///
/// ```
/// use ad_core::vmath::float64;
/// let y = float64::exp([0.0, 1.0, 710.0, f64::NEG_INFINITY]);
/// assert_eq!(y[0], 1.0);
/// assert!((y[1] - core::f64::consts::E).abs() <= f64::EPSILON * 2.0);
/// assert_eq!(y[2], f64::INFINITY);
/// assert_eq!(y[3], 0.0);
/// ```
#[inline]
#[must_use]
pub fn exp<const L: usize>(x: [f64; L]) -> [f64; L] {
    map(x, exp_lane)
}

// ---------------------------------------------------------------------------
// ln
// ---------------------------------------------------------------------------

/// `2 atanh s ≈ 2s + s³·LN_P(s²)` on `|s| ≤ 3 - 2√2` (relative error below 2⁻⁵⁷).
const LN_P: [f64; 7] = [
    0.666_666_666_666_667,
    0.399_999_999_998_994_44,
    0.285_714_286_260_032_7,
    0.222_222_111_302_598_78,
    0.181_828_894_556_749_47,
    0.153_317_106_182_107_73,
    0.146_165_854_248_886_23,
];

/// `x = 2ᵏ·m`, `m ∈ [√2/2, √2)`, for finite `x > 0` (subnormals included); `k` as an
/// `f64`. Other `x` give some finite or NaN garbage.
#[inline(always)]
fn log_reduce(x: f64) -> (f64, f64) {
    let tiny = x < f64::MIN_POSITIVE;
    let xs = sel(tiny, x * 18_014_398_509_481_984.0, x); // 2⁵⁴
    let ix = xs.to_bits();
    let m = f64::from_bits((ix & MANT) | ONE_BITS);
    let big = m > core::f64::consts::SQRT_2;
    let m = sel(big, 0.5 * m, m);
    let e = ((ix >> 52) & 0x7ff) as i64 - 1023 + i64::from(big) - if tiny { 54 } else { 0 };
    (i2f(e), m)
}

/// The special results of `ln` (`x ≤ 0`, `+∞`, NaN) over the regular one.
#[inline(always)]
fn ln_special(x: f64, regular: f64) -> f64 {
    let special = sel(x == 0.0, -INF, sel(x < 0.0, f64::NAN, x + x));
    sel(x > 0.0 && x < INF, regular, special)
}

#[inline(always)]
fn ln_lane(x: f64) -> f64 {
    let (dk, m) = log_reduce(x);
    let f = m - 1.0; // exact
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * poly(z, &LN_P);
    let hfsq = 0.5 * f * f;
    let y = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
    ln_special(x, y)
}

/// Natural logarithm per lane. Within 1 ulp of glibc; `ln(±0) = -∞`, `ln(1) = +0`,
/// NaN below 0, `ln(∞) = ∞`.
///
/// ```
/// use ad_core::vmath::float64;
/// let y = float64::ln([1.0, 0.0, -1.0, core::f64::consts::E]);
/// assert_eq!(y[0], 0.0);
/// assert_eq!(y[1], f64::NEG_INFINITY);
/// assert!(y[2].is_nan());
/// assert!((y[3] - 1.0).abs() <= f64::EPSILON);
/// ```
#[inline]
#[must_use]
pub fn ln<const L: usize>(x: [f64; L]) -> [f64; L] {
    map(x, ln_lane)
}

// ---------------------------------------------------------------------------
// sin, cos, tan
// ---------------------------------------------------------------------------

/// π/2 = `PIO2_1 + PIO2_2 + PIO2_3 + PIO2_4` + O(2⁻¹⁵⁹); the first three have 33
/// significant bits, so `k·PIO2_i` is exact for `|k| < 2²⁰`.
const PIO2_1: f64 = f64::from_bits(0x3ff9_21fb_5440_0000);
const PIO2_2: f64 = f64::from_bits(0x3dd0_b461_1a60_0000);
const PIO2_3: f64 = f64::from_bits(0x3ba3_198a_2e00_0000);
const PIO2_4: f64 = f64::from_bits(0x397b_839a_2520_49c1);

/// Above this `|x|` (and below `∞`), `sin`, `cos`, `tan` use the back end's function.
const TRIG_MAX: f64 = 1.6e6;

/// `x = k·π/2 + rh + rl` with `|rh + rl| ≤ π/4` (a hair more where `x·2/π` rounds the
/// other way) and `|rl|` at most half an ulp of `rh`; `k mod 4` in the low bits of the
/// integer. Exact to about 2⁻¹²⁰ for `|x| ≤ TRIG_MAX`; `±∞` and NaN give NaN.
#[inline(always)]
fn rem_pio2(x: f64) -> (f64, f64, u64) {
    let t = x * core::f64::consts::FRAC_2_PI + SHIFT;
    let k = t - SHIFT;
    let q = t.to_bits();
    let t1 = x - k * PIO2_1; // exact (Sterbenz)
    let (t2, e2) = two_sum(t1, -(k * PIO2_2));
    let (t3, e3) = two_sum(t2, -(k * PIO2_3));
    let lo = (e2 + e3) - k * PIO2_4;
    let rh = t3 + lo;
    let rl = lo - (rh - t3);
    (rh, rl, q)
}

/// `sin r ≈ r + r³·SIN_P(r²)` on `|r| ≤ π/4` (relative error below 2⁻⁵⁷).
const SIN_P: [f64; 7] = [
    -0.166_666_666_666_666_66,
    0.008_333_333_333_333_331,
    -0.000_198_412_698_412_650_4,
    2.755_731_921_932_058e-6,
    -2.505_210_622_599_44e-8,
    1.605_853_059_664_595_3e-10,
    -7.586_636_882_825_159e-13,
];

/// `cos r ≈ 1 - r²/2 + r⁴·COS_P(r²)` on `|r| ≤ π/4` (relative error below 2⁻⁵⁹).
const COS_P: [f64; 6] = [
    0.041_666_666_666_666_664,
    -0.001_388_888_888_888_738_9,
    2.480_158_729_875_44e-5,
    -2.755_731_726_587_808e-7,
    2.087_614_504_941_318e-9,
    -1.138_254_464_534_925e-11,
];

/// `sin(rh + rl) = sh + st` and `cos(rh + rl) = ch + ct` as unevaluated sums whose
/// tails are small against the heads.
#[inline(always)]
fn sin_cos_parts(rh: f64, rl: f64) -> (f64, f64, f64, f64) {
    let z = rh * rh;
    let hz = 0.5 * z;
    let w = 1.0 - hz;
    // sin(rh + rl) = sin rh + rl·cos rh (to first order); the rounding error of
    // 1 - z/2 is added back in the cosine.
    let st = rh * z * poly(z, &SIN_P) + rl * w;
    let ct = ((1.0 - w) - hz) + (z * z * poly(z, &COS_P) - rh * rl);
    (rh, st, w, ct)
}

/// Whether a lane of `sin`, `cos`, `tan` needs the back end (finite, `|x| > TRIG_MAX`).
#[inline(always)]
fn trig_slow(x: f64) -> bool {
    let a = abs(x);
    a > TRIG_MAX && a < INF
}

/// Recomputes the lanes with a finite `|x| > TRIG_MAX` with `f`.
#[cold]
#[inline(never)]
fn trig_fixup<const L: usize>(x: &[f64; L], out: &mut [f64; L], f: fn(f64) -> f64) {
    for (o, &v) in out.iter_mut().zip(x.iter()) {
        if trig_slow(v) {
            *o = f(v);
        }
    }
}

#[inline(always)]
fn sin_lane(x: f64) -> f64 {
    let (rh, rl, q) = rem_pio2(x);
    let (sh, st, ch, ct) = sin_cos_parts(rh, rl);
    let s = sh + st;
    let c = ch + ct;
    // q = 0: sin r, 1: cos r, 2: -sin r, 3: -cos r.
    let v = sel(q & 1 == 0, s, c);
    let v = xor_sign(v, q << 62);
    sel(x == 0.0, x, v)
}

#[inline(always)]
fn cos_lane(x: f64) -> f64 {
    let (rh, rl, q) = rem_pio2(x);
    let (sh, st, ch, ct) = sin_cos_parts(rh, rl);
    let s = sh + st;
    let c = ch + ct;
    // q = 0: cos r, 1: -sin r, 2: -cos r, 3: sin r.
    let v = sel(q & 1 == 0, c, s);
    xor_sign(v, q.wrapping_add(1) << 62)
}

#[inline(always)]
fn tan_lane(x: f64) -> f64 {
    let (rh, rl, q) = rem_pio2(x);
    let (sh, st, ch, ct) = sin_cos_parts(rh, rl);
    // Even q: sin r / cos r; odd q: -cos r / sin r.
    let odd = q & 1 == 1;
    let nh = sel(odd, -ch, sh);
    let nt = sel(odd, -ct, st);
    let dh = sel(odd, sh, ch);
    let dt = sel(odd, st, ct);
    let d = dh + dt;
    let q0 = (nh + nt) / d;
    // One correction step: (n - q0·d)/d with q0·dh exact; nh - p is exact (Sterbenz).
    let (p, pe) = two_prod(q0, dh);
    let v = q0 + ((((nh - p) - pe) + nt) - q0 * dt) / d;
    sel(x == 0.0, x, v)
}

/// Sine per lane (radians). Within 1 ulp of glibc; `sin(-0) = -0`, NaN for `±∞`.
/// Lanes with `|x| > 1.6·10⁶` are recomputed with the back end's `sin`.
///
/// ```
/// use ad_core::vmath::float64;
/// let y = float64::sin([0.0, -0.0, 1.0, f64::INFINITY]);
/// assert_eq!(y[0], 0.0);
/// assert!(y[1].is_sign_negative());
/// assert!((y[2] - 1.0f64.sin()).abs() <= f64::EPSILON);
/// assert!(y[3].is_nan());
/// ```
#[inline]
#[must_use]
pub fn sin<const L: usize>(x: [f64; L]) -> [f64; L] {
    let mut out = map(x, sin_lane);
    if x.iter().any(|&v| trig_slow(v)) {
        trig_fixup(&x, &mut out, math::f64::sin);
    }
    out
}

/// Cosine per lane (radians). Within 1 ulp of glibc; NaN for `±∞`. Lanes with
/// `|x| > 1.6·10⁶` are recomputed with the back end's `cos`.
///
/// ```
/// use ad_core::vmath::float64;
/// let y = float64::cos([0.0, 1.0, 1e300, f64::NAN]);
/// assert_eq!(y[0], 1.0);
/// assert!((y[1] - 1.0f64.cos()).abs() <= f64::EPSILON);
/// assert!((y[2] - 1e300f64.cos()).abs() <= f64::EPSILON);
/// assert!(y[3].is_nan());
/// ```
#[inline]
#[must_use]
pub fn cos<const L: usize>(x: [f64; L]) -> [f64; L] {
    let mut out = map(x, cos_lane);
    if x.iter().any(|&v| trig_slow(v)) {
        trig_fixup(&x, &mut out, math::f64::cos);
    }
    out
}

/// Sine and cosine per lane from one range reduction; the same bits as [`sin`] and
/// [`cos`].
///
/// ```
/// use ad_core::vmath::float64;
/// let (s, c) = float64::sin_cos([0.5, -0.0]);
/// assert_eq!(s, float64::sin([0.5, -0.0]));
/// assert_eq!(c, float64::cos([0.5, -0.0]));
/// assert!(s[1].is_sign_negative() && c[1] == 1.0);
/// ```
#[inline]
#[must_use]
pub fn sin_cos<const L: usize>(x: [f64; L]) -> ([f64; L], [f64; L]) {
    let mut s = [0.0; L];
    let mut c = [0.0; L];
    for ((so, co), &v) in s.iter_mut().zip(c.iter_mut()).zip(x.iter()) {
        let (rh, rl, q) = rem_pio2(v);
        let (sh, st, ch, ct) = sin_cos_parts(rh, rl);
        let sr = sh + st;
        let cr = ch + ct;
        let even = q & 1 == 0;
        let sv = xor_sign(sel(even, sr, cr), q << 62);
        *so = sel(v == 0.0, v, sv);
        *co = xor_sign(sel(even, cr, sr), q.wrapping_add(1) << 62);
    }
    if x.iter().any(|&v| trig_slow(v)) {
        trig_fixup(&x, &mut s, math::f64::sin);
        trig_fixup(&x, &mut c, math::f64::cos);
    }
    (s, c)
}

/// Tangent per lane (radians). Within 1 ulp of glibc; `tan(-0) = -0`, NaN for `±∞`.
/// Lanes with `|x| > 1.6·10⁶` are recomputed with the back end's `tan`.
///
/// ```
/// use ad_core::vmath::float64;
/// let y = float64::tan([0.0, -0.0, 1.0, f64::NEG_INFINITY]);
/// assert_eq!(y[0], 0.0);
/// assert!(y[1].is_sign_negative());
/// assert!((y[2] - 1.0f64.tan()).abs() <= 2.0 * f64::EPSILON);
/// assert!(y[3].is_nan());
/// ```
#[inline]
#[must_use]
pub fn tan<const L: usize>(x: [f64; L]) -> [f64; L] {
    let mut out = map(x, tan_lane);
    if x.iter().any(|&v| trig_slow(v)) {
        trig_fixup(&x, &mut out, math::f64::tan);
    }
    out
}

// ---------------------------------------------------------------------------
// atan, tanh
// ---------------------------------------------------------------------------

/// `atan t ≈ t + t³·ATAN_P(t²)` on `|t| ≤ 7/16` (relative error below 2⁻⁵⁷).
const ATAN_P: [f64; 12] = [
    -0.333_333_333_333_333_3,
    0.199_999_999_999_994_04,
    -0.142_857_142_855_654_65,
    0.111_111_110_965_279,
    -0.090_909_083_503_824_36,
    0.076_922_854_197_145_15,
    -0.066_662_397_488_652_94,
    0.058_769_240_627_633_87,
    -0.052_165_320_073_084_44,
    0.044_916_556_747_777_434,
    -0.033_114_228_762_660_534,
    0.014_759_380_407_779_155,
];

/// `atan(½)`, `atan(1)`, `atan(3/2)`, `π/2`, each as a head and a tail.
const ATAN_HI: [f64; 4] = [
    0.463_647_609_000_806_1,
    core::f64::consts::FRAC_PI_4,
    0.982_793_723_247_329,
    core::f64::consts::FRAC_PI_2,
];
const ATAN_LO: [f64; 4] = [
    2.269_877_745_296_168_7e-17,
    3.061_616_997_868_383e-17,
    1.390_331_103_123_099_8e-17,
    6.123_233_995_736_766e-17,
];

#[inline(always)]
fn atan_lane(x: f64) -> f64 {
    let ax = abs(x);
    // fdlibm's intervals; NaN takes the first.
    let c1 = ax >= 0.4375;
    let c2 = ax >= 0.6875;
    let c3 = ax >= 1.1875;
    let c4 = ax >= 2.4375;
    let num = sel(
        c4,
        -1.0,
        sel(c3, ax - 1.5, sel(c2, ax - 1.0, sel(c1, 2.0 * ax - 1.0, ax))),
    );
    let den = sel(
        c4,
        ax,
        sel(
            c3,
            1.0 + 1.5 * ax,
            sel(c2, ax + 1.0, sel(c1, 2.0 + ax, 1.0)),
        ),
    );
    let hi = sel(
        c4,
        ATAN_HI[3],
        sel(
            c3,
            ATAN_HI[2],
            sel(c2, ATAN_HI[1], sel(c1, ATAN_HI[0], 0.0)),
        ),
    );
    let lo = sel(
        c4,
        ATAN_LO[3],
        sel(
            c3,
            ATAN_LO[2],
            sel(c2, ATAN_LO[1], sel(c1, ATAN_LO[0], 0.0)),
        ),
    );
    let t = num / den;
    let z = t * t;
    let v = hi + ((t * z * poly(z, &ATAN_P) + lo) + t);
    xor_sign(v, x.to_bits())
}

/// Arctangent per lane, in `[-π/2, π/2]`. Within 1 ulp of glibc; `atan(-0) = -0`,
/// `atan(±∞) = ±π/2`.
///
/// ```
/// use ad_core::vmath::float64;
/// use core::f64::consts::{FRAC_PI_2, FRAC_PI_4};
/// let y = float64::atan([1.0, f64::NEG_INFINITY, -0.0, 0.5]);
/// assert_eq!(y[0], FRAC_PI_4);
/// assert_eq!(y[1], -FRAC_PI_2);
/// assert!(y[2] == 0.0 && y[2].is_sign_negative());
/// assert!((y[3] - 0.5f64.atan()).abs() <= f64::EPSILON / 2.0);
/// ```
#[inline]
#[must_use]
pub fn atan<const L: usize>(x: [f64; L]) -> [f64; L] {
    map(x, atan_lane)
}

/// `tanh x ≈ x + x³·TANH_P(x²)` on `|x| ≤ 0.625` (relative error below 2⁻⁵⁶).
const TANH_P: [f64; 12] = [
    -0.333_333_333_333_333_3,
    0.133_333_333_333_330_4,
    -0.053_968_253_967_893_71,
    0.021_869_488_518_867_92,
    -0.008_863_235_100_174_033,
    0.003_592_121_712_226_640_7,
    -0.001_455_775_105_096_423_8,
    0.000_589_659_108_363_505_6,
    -0.000_237_585_639_808_842_53,
    9.256_112_886_604_006e-5,
    -3.118_977_434_431_334e-5,
    6.479_652_583_909_459e-6,
];

#[inline(always)]
fn tanh_lane(x: f64) -> f64 {
    let ax = abs(x);
    let z = ax * ax;
    let small = ax + ax * z * poly(z, &TANH_P);
    // tanh ≥ 0.55 here, so the subtraction loses nothing; e²ˣ overflows to ∞ for
    // large x and gives exactly 1.
    let big = 1.0 - 2.0 / (exp_lane(2.0 * ax) + 1.0);
    let v = sel(ax < 0.625, small, big);
    xor_sign(v, x.to_bits())
}

/// Hyperbolic tangent per lane. Within 1.3 ulp of the exact result (and 2 of glibc's,
/// whose own error is up to about 2 ulp); `tanh(-0) = -0`,
/// `tanh(±∞) = ±1`.
///
/// ```
/// use ad_core::vmath::float64;
/// let y = float64::tanh([0.0, -0.0, f64::INFINITY, 0.5]);
/// assert_eq!(y[0], 0.0);
/// assert!(y[1].is_sign_negative());
/// assert_eq!(y[2], 1.0);
/// assert!((y[3] - 0.5f64.tanh()).abs() <= f64::EPSILON / 2.0);
/// ```
#[inline]
#[must_use]
pub fn tanh<const L: usize>(x: [f64; L]) -> [f64; L] {
    map(x, tanh_lane)
}

// ---------------------------------------------------------------------------
// sqrt
// ---------------------------------------------------------------------------

/// Square root per lane, correctly rounded: the math back end's (`std`: the hardware
/// instruction, which vectorizes; `libm`: its correctly rounded routine).
/// `sqrt(-0) = -0`, NaN below 0, `sqrt(∞) = ∞`.
///
/// ```
/// use ad_core::vmath::float64;
/// let y = float64::sqrt([4.0, 2.0, -0.0, -1.0]);
/// assert_eq!(y[0], 2.0);
/// assert_eq!(y[1], core::f64::consts::SQRT_2);
/// assert!(y[2] == 0.0 && y[2].is_sign_negative());
/// assert!(y[3].is_nan());
/// ```
#[inline]
#[must_use]
pub fn sqrt<const L: usize>(x: [f64; L]) -> [f64; L] {
    map(x, math::f64::sqrt)
}

// ---------------------------------------------------------------------------
// powf
// ---------------------------------------------------------------------------

/// `2 atanh s ≈ 2s + 2s³/3 + s⁵·POW_P(s²)` on `|s| ≤ 3 - 2√2` (relative error below
/// 2⁻⁶⁶).
const POW_P: [f64; 8] = [
    0.4,
    0.285_714_285_714_293_64,
    0.222_222_222_216_558_85,
    0.181_818_183_353_928_02,
    0.153_845_949_625_184_3,
    0.133_348_046_938_473_1,
    0.117_062_363_394_912_06,
    0.117_231_786_238_765_18,
];

/// 1/3 = `THIRD_HI + THIRD_LO` + O(2⁻¹¹⁰).
const THIRD_HI: f64 = f64::from_bits(0x3fd5_5555_5555_5555);
const THIRD_LO: f64 = f64::from_bits(0x3c75_5555_5555_5555);

/// `ln x = hi + lo` to about 2⁻⁶⁵ relative, for finite `x > 0`.
#[inline(always)]
fn ln_dd(x: f64) -> (f64, f64) {
    let (dk, m) = log_reduce(x);
    let f = m - 1.0; // exact
    // s = f/(2 + f) = sh + sl.
    let d = 2.0 + f;
    let dl = (2.0 - d) + f; // exact: |f| < 2
    let sh = f / d;
    let (p, pe) = two_prod(sh, d);
    let sl = (((f - p) - pe) - sh * dl) / d;
    // s³/3 = wh + wl: v = s²/3, w = v·s, in double-f64.
    let (zh, zl) = two_prod(sh, sh);
    let (vh, ve) = two_prod(zh, THIRD_HI);
    let vl = ve + (zl * THIRD_HI + zh * THIRD_LO);
    let (wh, we) = two_prod(vh, sh);
    let wl = we + (vl * sh + 3.0 * vh * sl);
    let t5 = sh * zh * zh * poly(zh, &POW_P);
    // k·ln2 + 2s + 2s³/3 + s⁵·P, the three large terms summed exactly.
    let (h1, l1) = two_sum(dk * LN2_HI, 2.0 * sh);
    let (h2, l2) = two_sum(h1, 2.0 * wh);
    let lo = (l1 + l2) + (dk * LN2_LO + 2.0 * sl + 2.0 * wl + t5);
    let hi = h2 + lo;
    (hi, lo - (hi - h2))
}

#[inline(always)]
fn pow_lane(x: f64, y: f64) -> f64 {
    let ax = abs(x);
    // |x|^y = e^(y·ln|x|) for finite nonzero x; other x are overridden below.
    let (lh, ll) = ln_dd(ax);
    let (ph, pe) = two_prod(y, lh);
    let pl = pe + y * ll;
    let inside = ph > -760.0 && ph < 720.0;
    let ph = sel(ph > 720.0, 720.0, sel(ph < -760.0, -760.0, ph));
    let pl = sel(inside, pl, 0.0);
    let mut r = exp_core(ph, pl);

    // Is y an integer, an odd one? (|y| ≥ 2⁵³ and ±∞ count as even integers.)
    let yb = y.to_bits();
    let ye = ((yb >> 52) & 0x7ff) as i64 - 1023;
    let ym = (yb & MANT) | (MANT + 1);
    let sh = (52 - ye).clamp(0, 63) as u32;
    let frac_zero = ym & ((1u64 << sh) - 1) == 0;
    let odd_bit = (ym >> sh) & 1 == 1;
    let mid = (0..=52).contains(&ye);
    let y_int = ye > 52 || (mid && frac_zero) || y == 0.0;
    let y_odd = mid && frac_zero && odd_bit;

    // |x| = 0 or ∞, y = ±∞ (C99 F.9.4.4).
    let y_pos = y > 0.0;
    r = sel(ax == 0.0, sel(y_pos, 0.0, INF), r);
    r = sel(ax == INF, sel(y_pos, INF, 0.0), r);
    let far = sel((ax < 1.0) == y_pos, 0.0, INF);
    r = sel(abs(y) == INF, sel(ax == 1.0, 1.0, far), r);
    // Negative bases: odd integer exponents keep the sign, non-integers give NaN.
    r = sel(x.to_bits() & SIGN != 0 && y_odd, -r, r);
    r = sel(x < 0.0 && x > -INF && !y_int, f64::NAN, r);
    r = sel(x.is_nan() || y.is_nan(), x + y, r);
    sel(y == 0.0 || x == 1.0, 1.0, r)
}

/// `x` raised to the power `y`, per lane. Within 1 ulp of glibc; the special values of
/// C99's `pow`: `powf(x, ±0) = 1` and `powf(1, y) = 1` even for NaN, a negative `x` with
/// an integer `y` gives `±|x|^y` by the parity of `y` and NaN for a non-integer `y`,
/// `powf(±0, y < 0) = ∞` (`±∞` for odd `y`), `powf(-1, ±∞) = 1`, `powf(x, ±∞)` is
/// `0` or `∞` by `|x| < 1`; overflow to `∞` and gradual underflow to `0`.
///
/// ```
/// use ad_core::vmath::float64;
/// let y = float64::powf([2.0, -2.0, -8.0, f64::NAN], [10.0, 3.0, 1.0 / 3.0, 0.0]);
/// assert_eq!(y[0], 1024.0);
/// assert_eq!(y[1], -8.0);
/// assert!(y[2].is_nan());
/// assert_eq!(y[3], 1.0);
/// ```
#[inline]
#[must_use]
pub fn powf<const L: usize>(x: [f64; L], y: [f64; L]) -> [f64; L] {
    let mut out = [0.0; L];
    for ((o, &a), &b) in out.iter_mut().zip(x.iter()).zip(y.iter()) {
        *o = pow_lane(a, b);
    }
    out
}
