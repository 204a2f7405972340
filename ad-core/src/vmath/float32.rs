//! `f32` lane kernels: [`exp`], [`ln`], [`sin`], [`cos`], [`sin_cos`], [`tan`],
//! [`atan`], [`tanh`], [`sqrt`] and [`powf`] over `[f32; L]`.
//!
//! Each function applies one branch-free per-lane computation to every lane: the
//! algorithms of [`kernels`](crate::kernels) (range reduction, polynomials, the same
//! constants), with their special cases (NaN, `±∞`, `±0`, subnormals, the overflow and
//! underflow limits, negative arguments of `ln` and `powf`) turned into lane-wise
//! selects, so that the compiler turns the loop over the lanes into SIMD instructions.
//! The lane code uses only `f32` arithmetic and `u32`/`i32` bit operations: never
//! `f64`, never a fused multiply-add, no `libm` call (the square root is IEEE's, see
//! [below](#square-root)). So the results are the same bits on every target, and a
//! lane's result does not depend on `L` or on the other lanes.
//!
//! Two cases take a per-lane slow path, and only where some lane needs it: `sin`,
//! `cos`, `sin_cos` and `tan` of a finite `|x| ≥ 200` (beyond the Cody–Waite
//! reduction) call the scalar [`kernels`](crate::kernels) function on those lanes
//! (its Payne–Hanek reduction), and `powf(x, 0.5)` for `x ≥ +0` gives [`sqrt`]`(x)`
//! on those lanes (as `libm`).
//!
//! ```
//! use ad_core::vmath::float32;
//! let x = [0.0f32, 0.5, 1.0, 2.0];
//! let (s, c) = float32::sin_cos(x);
//! assert_eq!(float32::exp(x)[0], 1.0);
//! assert_eq!(float32::ln([1.0, 2.0, 4.0, 8.0])[0], 0.0);
//! assert_eq!((s[2], c[2]), ad_core::kernels::sin_cos(1.0)); // the scalar kernel's bits
//! assert_eq!(float32::exp([1.0f32])[0], ad_core::kernels::exp(1.0)); // L = 1: a scalar
//! ```
//!
//! # Accuracy
//!
//! The results are bit for bit those of the scalar [`kernels`](crate::kernels)
//! functions, whose errors were measured on all 2³² inputs of each one-argument
//! function (and 10⁸ random pairs for `powf`), so those errors are the lane kernels'
//! too. Errors are in units in the last place (ulp) of the exact result, against the
//! standard library's `f64` function at the same (widened) argument, computed in `f64`.
//! `tests/vmath_f32.rs` measures them again on the lane kernels (16 lanes per call):
//! per function 10⁶ random bit patterns, 10⁶ points spread over the main ranges and
//! the special values (for `powf` 10⁶ pairs of five kinds and every pair of 37 special
//! values), asserts the bound, and checks the bits against the scalar kernel on each
//! input; an ignored test there compares the bits on all 2³² inputs.
//!
//! | function | max error (all inputs) | max in the tests' samples | bound asserted |
//! |---|---|---|---|
//! | [`exp`] | 0.90 | 0.82 | 1 |
//! | [`ln`] | 0.84 | 0.79 | 1 |
//! | [`sin`], [`cos`], [`sin_cos`] | 0.86 | 0.80 | 1 |
//! | [`tan`] | 1.28 | 1.18 | 1.5 |
//! | [`atan`] | 0.85 | 0.80 | 1 |
//! | [`tanh`] | 1.31 | 1.21 | 1.5 |
//! | [`sqrt`] | 0.5 (correctly rounded) | 0.5 | 0.5 |
//! | [`powf`] | 0.89 (10⁸ random pairs) | 0.86 | 1 |
//!
//! Special values are those of C99 Annex F (as [`kernels`](crate::kernels)): NaN in
//! gives NaN out (except `powf(x, ±0) = 1` and `powf(1, y) = 1`), signed zeros are kept
//! where the function is odd, `sin`, `cos`, `tan` of `±∞` are NaN, `exp` overflows to
//! `+∞` above `88.72284` and underflows through the subnormals to `+0` below
//! `-103.97208`, `ln(±0) = -∞`, `ln` of a negative number is NaN, `atan(±∞) = ±π/2`,
//! `tanh(±∞) = ±1`, `sqrt(-0) = -0`, and `powf` has C99's special cases (negative bases
//! with integer exponents included).
//!
//! # Square root
//!
//! With the `std` feature, [`sqrt`] is the standard library's, which is the vector
//! square-root instruction on x86-64 and AArch64. Without it, it is the FPU's
//! `vsqrt.f32` on ARM hard-float targets and otherwise a branch-free digit-by-digit
//! integer square root. All are correctly rounded, hence give the same bits.

use core::f32::consts::{FRAC_2_PI, LOG2_E};

use crate::kernels::{
    self as k, AT0, AT1, AT2, AT3, AT4, ATAN_A, ATAN_B, ATAN_C, ATAN_D, ATAN_HI, ATAN_LO, H1, H2,
    H3, H4, H5, IL_H, IL_L, LN2_HI, LN2_HI_L, LN2_LO, LN2_LO_L, LN2_TAIL, LT_H, LT_L, PIO2_1,
    PIO2_2, PIO2_3, SIGN, T1, T2, T3, T4, T5, T6, T7, abs, exp_core, log_core, sin_cos_reduced,
    two_prod, xor_sign,
};

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// 1.5 · 2²³: adding it rounds to an integer, which its bits then hold.
const SHIFTER: f32 = 12_582_912.0;
const SHIFTER_BITS: i32 = 0x4b40_0000;

/// `(round(x), round(x) as i32)` (ties to even) for `|x| < 2²²`, without a
/// float-to-integer conversion; garbage (but no panic) elsewhere.
#[inline(always)]
fn round_int(x: f32) -> (f32, i32) {
    let t = x + SHIFTER;
    (t - SHIFTER, (t.to_bits() as i32).wrapping_sub(SHIFTER_BITS))
}

/// `2^k` for `-126 ≤ k ≤ 127` (garbage, but no panic, elsewhere).
#[inline(always)]
fn exp2i(k: i32) -> f32 {
    f32::from_bits((k.wrapping_add(127) as u32) << 23)
}

/// `y · 2^k` with a single rounding, for `|k| ≤ 252` and `y` near 1.
#[inline(always)]
fn scale2(y: f32, k: i32) -> f32 {
    let k1 = k >> 1;
    y * exp2i(k1) * exp2i(k.wrapping_sub(k1))
}

/// `x` where `c`, else `y`.
#[inline(always)]
fn sel(c: bool, x: f32, y: f32) -> f32 {
    if c { x } else { y }
}

/// Applies `f` to every lane.
#[inline(always)]
fn map<const L: usize>(x: [f32; L], f: impl Fn(f32) -> f32) -> [f32; L] {
    let mut out = [0.0; L];
    for (o, &v) in out.iter_mut().zip(x.iter()) {
        *o = f(v);
    }
    out
}

// ---------------------------------------------------------------------------
// exp
// ---------------------------------------------------------------------------

/// `e^x` of one lane (as `kernels::exp`).
#[inline(always)]
fn exp_lane(x: f32) -> f32 {
    // Clamp to where the result is certainly ∞ or 0 (NaN passes through).
    let x = x.clamp(-104.0, 89.0);
    let (kf, ki) = round_int(x * LOG2_E);
    let t = x - kf * LN2_HI;
    let w = kf * LN2_LO;
    let rh = t - w;
    let rl = (t - rh) - w;
    scale2(exp_core(rh, rl), ki)
}

/// `e^x` in every lane. Max error 0.90 ulp; `+∞` above `88.72284`, subnormal results
/// below `-87.33655`, `+0` below `-103.97208`; `exp(-∞) = 0`, `exp(∞) = ∞`.
///
/// ```
/// use ad_core::vmath::float32;
/// let y = float32::exp([0.0, 1.0, 89.0, f32::NEG_INFINITY]);
/// assert_eq!(y[0], 1.0);
/// assert!((y[1] - core::f32::consts::E).abs() <= f32::EPSILON);
/// assert_eq!(y[2], f32::INFINITY);
/// assert_eq!(y[3], 0.0);
/// ```
#[inline]
#[must_use]
pub fn exp<const L: usize>(x: [f32; L]) -> [f32; L] {
    map(x, exp_lane)
}

// ---------------------------------------------------------------------------
// ln
// ---------------------------------------------------------------------------

/// `ln x` of one lane (as `kernels::ln`).
#[inline(always)]
fn ln_lane(x: f32) -> f32 {
    let hx = x.to_bits();
    // x = 2^k · (1 + f), 1 + f ∈ [√2/2, √2); positive subnormals scaled by 2^25 first.
    let sub = hx < 0x0080_0000;
    let ix = sel(sub, x * 33_554_432.0, x).to_bits();
    let k0: i32 = if sub { -25 } else { 0 };
    let ix = ix.wrapping_add(0x3f80_0000 - 0x3f35_04f3);
    let kk = k0 + ((ix >> 23) as i32 - 0x7f);
    let f = f32::from_bits((ix & 0x007f_ffff) + 0x3f35_04f3) - 1.0;
    let (hfsq, r) = log_core(f);
    let dk = kk as f32;
    let v = r + dk * LN2_LO_L - hfsq + f + dk * LN2_HI_L;
    // ±0: -∞; negative (and -NaN): NaN; +∞ and NaN: themselves.
    let v = sel(hx >= 0x7f80_0000, x, v);
    let v = sel(hx > SIGN, f32::NAN, v);
    sel(hx & !SIGN == 0, f32::NEG_INFINITY, v)
}

/// Natural logarithm in every lane. Max error 0.84 ulp; `ln(±0) = -∞`, `ln(1) = +0`,
/// NaN below 0, `ln(∞) = ∞`.
///
/// ```
/// use ad_core::vmath::float32;
/// let y = float32::ln([1.0, 0.0, -1.0, f32::INFINITY]);
/// assert_eq!(y[0], 0.0);
/// assert_eq!(y[1], f32::NEG_INFINITY);
/// assert!(y[2].is_nan());
/// assert_eq!(y[3], f32::INFINITY);
/// ```
#[inline]
#[must_use]
pub fn ln<const L: usize>(x: [f32; L]) -> [f32; L] {
    map(x, ln_lane)
}

// ---------------------------------------------------------------------------
// sin, cos, tan
// ---------------------------------------------------------------------------

/// Whether `|x|` is beyond the Cody–Waite reduction (finite, `|x| ≥ 200`): such lanes
/// are recomputed by the scalar kernel.
#[inline(always)]
fn trig_slow(x: f32) -> bool {
    (x.to_bits() & !SIGN).wrapping_sub(0x4348_0000) < 0x7f80_0000 - 0x4348_0000
}

/// `x = q·π/2 + r`, `r = rh + rl`, for `|x| < 200` (Cody–Waite, as `kernels`); garbage
/// elsewhere.
#[inline(always)]
fn rem_pio2(x: f32) -> (f32, f32, u32) {
    let (kf, ki) = round_int(x * FRAC_2_PI);
    let t1 = x - kf * PIO2_1;
    let w = kf * PIO2_2;
    let t2 = t1 - w;
    let c = ((t1 - t2) - w) - kf * PIO2_3;
    let rh = t2 + c;
    let rl = c - (rh - t2);
    // r is never exactly 0 but for x = ±0, whose sign the sums above lose.
    (sel(rh == 0.0, x, rh), rl, ki as u32)
}

/// `(sin x, cos x)` of one lane with `|x| < 200`; NaN for NaN and `±∞`.
#[inline(always)]
fn sin_cos_lane(x: f32) -> (f32, f32) {
    let (rh, rl, q) = rem_pio2(x);
    let (s, c, sign) = sin_cos_reduced(rh, rl);
    let qc = q.wrapping_add(q & 1) << 30;
    let odd = q & 1 != 0;
    let sv = xor_sign(sel(odd, c, s), (if odd { 0 } else { sign }) ^ (q << 30));
    let cv = xor_sign(sel(odd, s, c), (if odd { sign } else { 0 }) ^ qc);
    // ±∞ and NaN: NaN.
    let inf = x.to_bits() & !SIGN >= 0x7f80_0000;
    (sel(inf, f32::NAN, sv), sel(inf, f32::NAN, cv))
}

/// Recomputes the lanes with `trig_slow` arguments by the scalar function `f`.
#[inline(always)]
fn trig_fixup<const L: usize>(x: &[f32; L], out: &mut [f32; L], slow: bool, f: fn(f32) -> f32) {
    if slow {
        for (o, &v) in out.iter_mut().zip(x.iter()) {
            if trig_slow(v) {
                *o = f(v);
            }
        }
    }
}

/// Sine (radians) in every lane. Max error 0.86 ulp; `sin(-0) = -0`, NaN for `±∞`.
///
/// ```
/// use ad_core::vmath::float32;
/// let y = float32::sin([0.0, -0.0, 1.0, f32::INFINITY]);
/// assert_eq!(y[0], 0.0);
/// assert!(y[1].is_sign_negative());
/// assert!((y[2] - 0.841_470_96).abs() < 1e-7);
/// assert!(y[3].is_nan());
/// ```
#[inline]
#[must_use]
pub fn sin<const L: usize>(x: [f32; L]) -> [f32; L] {
    let mut out = [0.0; L];
    let mut slow = false;
    for (o, &v) in out.iter_mut().zip(x.iter()) {
        *o = sin_cos_lane(v).0;
        slow |= trig_slow(v);
    }
    trig_fixup(&x, &mut out, slow, k::sin);
    out
}

/// Cosine (radians) in every lane. Max error 0.86 ulp; NaN for `±∞`.
///
/// ```
/// use ad_core::vmath::float32;
/// let y = float32::cos([0.0, 1.0, 1e6]);
/// assert_eq!(y[0], 1.0);
/// assert!((y[1] - 0.540_302_3).abs() < 1e-7);
/// assert_eq!(y[2], ad_core::kernels::cos(1e6));
/// ```
#[inline]
#[must_use]
pub fn cos<const L: usize>(x: [f32; L]) -> [f32; L] {
    let mut out = [0.0; L];
    let mut slow = false;
    for (o, &v) in out.iter_mut().zip(x.iter()) {
        *o = sin_cos_lane(v).1;
        slow |= trig_slow(v);
    }
    trig_fixup(&x, &mut out, slow, k::cos);
    out
}

/// `(sin x, cos x)` in every lane with one shared range reduction; each as [`sin`] and
/// [`cos`].
///
/// ```
/// use ad_core::vmath::float32;
/// let x = [0.25f32, -3.0, 500.0];
/// assert_eq!(float32::sin_cos(x), (float32::sin(x), float32::cos(x)));
/// ```
#[inline]
#[must_use]
pub fn sin_cos<const L: usize>(x: [f32; L]) -> ([f32; L], [f32; L]) {
    let mut s = [0.0; L];
    let mut c = [0.0; L];
    let mut slow = false;
    for ((so, co), &v) in s.iter_mut().zip(c.iter_mut()).zip(x.iter()) {
        (*so, *co) = sin_cos_lane(v);
        slow |= trig_slow(v);
    }
    if slow {
        for ((so, co), &v) in s.iter_mut().zip(c.iter_mut()).zip(x.iter()) {
            if trig_slow(v) {
                (*so, *co) = k::sin_cos(v);
            }
        }
    }
    (s, c)
}

/// `tan x` of one lane with `|x| < 200` (as `kernels::tan`); NaN for NaN and `±∞`.
#[inline(always)]
fn tan_lane(x: f32) -> f32 {
    let (rh, rl, q) = rem_pio2(x);
    let sign = rh.to_bits() & SIGN;
    let a = abs(rh);
    let al = xor_sign(rl, sign);
    let z = a * a;
    let t0 = a * z * (T1 + z * (T2 + z * (T3 + z * (T4 + z * (T5 + z * (T6 + z * T7))))));
    let ta = a + t0;
    let tail = t0 + al * (1.0 + ta * ta);
    let t = a + tail;
    // Odd quadrants: -1/(t + tl), one Newton step with an exact product.
    let tl = tail - (t - a);
    let y = 1.0 / t;
    let (p, pe) = two_prod(t, y);
    let inv = -(y + y * (((1.0 - p) - pe) - tl * y));
    let v = xor_sign(sel(q & 1 == 0, t, inv), sign);
    sel(x.to_bits() & !SIGN >= 0x7f80_0000, f32::NAN, v)
}

/// Tangent (radians) in every lane. Max error 1.28 ulp; `tan(-0) = -0`, NaN for `±∞`.
///
/// ```
/// use ad_core::vmath::float32;
/// let y = float32::tan([1.0, -0.0, f32::NAN]);
/// assert!((y[0] - 1.557_407_7).abs() < 2e-7);
/// assert!(y[1] == 0.0 && y[1].is_sign_negative());
/// assert!(y[2].is_nan());
/// ```
#[inline]
#[must_use]
pub fn tan<const L: usize>(x: [f32; L]) -> [f32; L] {
    let mut out = [0.0; L];
    let mut slow = false;
    for (o, &v) in out.iter_mut().zip(x.iter()) {
        *o = tan_lane(v);
        slow |= trig_slow(v);
    }
    trig_fixup(&x, &mut out, slow, k::tan);
    out
}

// ---------------------------------------------------------------------------
// atan
// ---------------------------------------------------------------------------

/// `atan x` of one lane (as `kernels::atan`, the interval table as selects).
#[inline(always)]
fn atan_lane(x: f32) -> f32 {
    let ix = x.to_bits() & !SIGN;
    let ax = f32::from_bits(ix);
    let b1 = ix >= 0x3ee0_0000;
    let b2 = ix >= 0x3f30_0000;
    let b3 = ix >= 0x3f98_0000;
    let b4 = ix >= 0x401c_0000; // NaN too: it stays NaN
    // Selects of constants (a closure over the arrays would become gathers).
    macro_rules! pick {
        ($t:ident) => {
            sel(
                b4,
                $t[4],
                sel(b3, $t[3], sel(b2, $t[2], sel(b1, $t[1], $t[0]))),
            )
        };
    }
    let num = sel(b4, -1.0, pick!(ATAN_A) * ax - pick!(ATAN_B));
    let t = num / (pick!(ATAN_C) + pick!(ATAN_D) * ax);
    let z = t * t;
    let w = z * z;
    let s1 = z * (AT0 + w * (AT2 + w * AT4));
    let s2 = w * (AT1 + w * AT3);
    let r = pick!(ATAN_HI) - ((t * (s1 + s2) - pick!(ATAN_LO)) - t);
    xor_sign(r, x.to_bits())
}

/// Arctangent in every lane, in `[-π/2, π/2]`. Max error 0.85 ulp; `atan(±∞) = ±π/2`,
/// `atan(-0) = -0`.
///
/// ```
/// use ad_core::vmath::float32;
/// use core::f32::consts::{FRAC_PI_2, FRAC_PI_4};
/// assert_eq!(float32::atan([1.0, f32::NEG_INFINITY]), [FRAC_PI_4, -FRAC_PI_2]);
/// ```
#[inline]
#[must_use]
pub fn atan<const L: usize>(x: [f32; L]) -> [f32; L] {
    map(x, atan_lane)
}

// ---------------------------------------------------------------------------
// tanh
// ---------------------------------------------------------------------------

/// `tanh x` of one lane (as `kernels::tanh`).
#[inline(always)]
fn tanh_lane(x: f32) -> f32 {
    let a = abs(x);
    let z = a * a;
    let small = a + a * z * (H1 + z * (H2 + z * (H3 + z * (H4 + z * H5))));
    // 1 - 2/(e^(2a) + 1); e^(2a) = ∞ above 44 gives exactly 1, NaN stays NaN.
    let large = 1.0 - 2.0 / (exp_lane(a + a) + 1.0);
    xor_sign(sel(a < 0.625, small, large), x.to_bits())
}

/// Hyperbolic tangent in every lane. Max error 1.31 ulp; `tanh(±∞) = ±1`,
/// `tanh(-0) = -0`.
///
/// ```
/// use ad_core::vmath::float32;
/// assert_eq!(float32::tanh([f32::INFINITY, -20.0, 0.0]), [1.0, -1.0, 0.0]);
/// ```
#[inline]
#[must_use]
pub fn tanh<const L: usize>(x: [f32; L]) -> [f32; L] {
    map(x, tanh_lane)
}

// ---------------------------------------------------------------------------
// sqrt
// ---------------------------------------------------------------------------

/// Correctly rounded square root of one lane.
#[inline(always)]
fn sqrt_lane(x: f32) -> f32 {
    #[cfg(feature = "std")]
    {
        x.sqrt()
    }
    #[cfg(all(not(feature = "std"), target_arch = "arm", target_abi = "eabihf"))]
    {
        k::sqrt(x)
    }
    #[cfg(all(
        not(feature = "std"),
        not(all(target_arch = "arm", target_abi = "eabihf"))
    ))]
    {
        sqrt_soft(x)
    }
}

/// Correctly rounded square root in integer arithmetic, branch-free: `x = M·2^(2m - 23)`
/// with a 24- or 25-bit `M` (the significand, doubled for an odd exponent), and the
/// result `round(√(M·2²³))·2^(m - 23)`, from the 25-bit `q = ⌊√(M·2²⁵)⌋` found digit by
/// digit: `(q + 1) >> 1`, as `√` is never halfway between two `f32`s.
#[cfg_attr(
    any(feature = "std", all(target_arch = "arm", target_abi = "eabihf")),
    allow(dead_code)
)]
#[inline(always)]
fn sqrt_soft(x: f32) -> f32 {
    let hx = x.to_bits();
    let sub = hx < 0x0080_0000; // +0 and positive subnormals
    let b = sel(sub, x * 16_777_216.0, x).to_bits(); // 2^24
    // x = 1.f · 2^e (e unbiased; garbage for the special lanes, selected away below).
    let e = ((b >> 23) as i32).wrapping_sub(if sub { 127 + 24 } else { 127 });
    let odd = (e & 1) as u32;
    // M' = significand · 2^odd, and x = M'·2^(e - odd - 23), e - odd even.
    let mut rem = ((b & 0x007f_ffff) | 0x0080_0000) << odd;
    // Restoring square root of N = M'·2²⁵, one bit of q per step from 2²⁴ down. Before
    // the step for bit = 2^j, with q the bits found so far, rem = (N - q²)·2^-j (an
    // integer below 2²⁷) and s = 2q: the bit is set where (q + 2^j)² ≤ N, that is
    // 2q·2^j + 2^(2j) ≤ N - q², or s + bit ≤ rem.
    let mut q: u32 = 0;
    let mut s: u32 = 0; // 2q at the current scale
    let mut bit: u32 = 0x0100_0000;
    rem <<= 1; // N·2^-24 = 2M'
    while bit != 0 {
        let t = s + bit;
        let ok = t <= rem;
        s = if ok { t + bit } else { s };
        rem = if ok { rem - t } else { rem };
        q |= if ok { bit } else { 0 };
        rem <<= 1;
        bit >>= 1;
    }
    let r = (q + 1) >> 1; // 24 bits: [2^23, 2^24)
    let m = (e - odd as i32) >> 1;
    let v = f32::from_bits((r - 0x0080_0000).wrapping_add((m.wrapping_add(127) as u32) << 23));
    // +∞, NaN, ±0: themselves; negative: NaN.
    let v = sel(hx >= 0x7f80_0000 || hx & !SIGN == 0, x, v);
    sel(hx > SIGN && hx < 0xff80_0001, f32::NAN, v)
}

/// Square root in every lane, correctly rounded (IEEE 754): `sqrt(-0) = -0`, NaN below
/// 0, `sqrt(∞) = ∞`.
///
/// ```
/// use ad_core::vmath::float32;
/// let y = float32::sqrt([16.0, 2.0, -0.0, -1.0]);
/// assert_eq!(y[..3], [4.0, 2.0f32.sqrt(), -0.0]);
/// assert!(y[2].is_sign_negative() && y[3].is_nan());
/// ```
#[inline]
#[must_use]
pub fn sqrt<const L: usize>(x: [f32; L]) -> [f32; L] {
    map(x, sqrt_lane)
}

// ---------------------------------------------------------------------------
// powf
// ---------------------------------------------------------------------------

/// `log2(ax)` as `hi + lo` for finite `ax > 0` given by its bits (as `kernels`);
/// garbage, but no panic, elsewhere.
#[inline(always)]
fn log2_extra(ix: u32) -> (f32, f32) {
    let sub = ix < 0x0080_0000;
    let bits = sel(sub, f32::from_bits(ix) * 16_777_216.0, f32::from_bits(ix)).to_bits();
    let n0: i32 = if sub { -24 } else { 0 };
    // ax = 2^e · m, m ∈ [31/32, 63/32), and c = 1 + i/16 the nearest sixteenth.
    let t = bits.wrapping_add(0x0004_0000);
    let e = (t >> 23) as i32 - 127;
    let i = ((t >> 19) & 15) as usize;
    let n = n0 + e;
    let m = f32::from_bits((bits as i32).wrapping_sub(e << 23) as u32);
    let c = 1.0 + i as f32 * 0.0625;
    // ln(m/c) = 2·atanh(s), s = v/(c + m), v = m - c (exact): s in double f32.
    let v = m - c;
    let dh = c + m;
    let dl = m - (dh - c);
    let sh = v / dh;
    let (p, pe) = two_prod(sh, dh);
    let sl = (((v - p) - pe) - sh * dl) / dh;
    let z = sh * sh;
    let tail = sh * z * (0.666_666_7 + z * 0.4);
    let (ah, ae) = two_prod(sh + sh, IL_H);
    let al = ae + ((sh + sh) * IL_L + (sl + sl + tail) * IL_H);
    let b = n as f32 + LT_H[i];
    let hi = b + ah;
    let lo = (ah - (hi - b)) + (LT_L[i] + al);
    (hi, lo)
}

/// `x^y` of one lane (as `kernels::powf`, all special cases as selects), except
/// `y = 0.5` for `x ≥ +0`, which the caller sets to `sqrt(x)`.
#[inline(always)]
fn powf_lane(x: f32, y: f32) -> f32 {
    let (hx, hy) = (x.to_bits(), y.to_bits());
    let (ix, iy) = (hx & !SIGN, hy & !SIGN);
    let xneg = hx & SIGN != 0;
    // y an integer, an odd one (a NaN or ±∞ y counts as neither; selected away).
    let ey = (iy >> 23) as i32;
    let sh = (150 - ey).clamp(0, 31) as u32;
    let j = iy >> sh;
    let exact = j << sh == iy;
    let yodd = (0x3f80_0000..0x4b80_0000).contains(&iy) && exact && j & 1 != 0;
    let yint = iy >= 0x4b80_0000 || (iy >= 0x3f80_0000 && exact);
    // The general case, 2^(y·log2|x|) in extra precision.
    let (lh, ll) = log2_extra(ix);
    let (ph, pe) = two_prod(y, lh);
    let pl = pe + y * ll;
    let (kf, ki) = round_int(ph);
    let r = ph - kf;
    let (th, te) = two_prod(r, core::f32::consts::LN_2);
    let tl = te + (r * LN2_TAIL + pl * core::f32::consts::LN_2);
    let rh = th + tl;
    let rl = tl - (rh - th);
    let g = scale2(exp_core(rh, rl), ki);
    // Far beyond the overflow (2^128) or underflow (2^-150) thresholds.
    let g = sel(abs(ph) > 200.0, sel(ph > 0.0, f32::INFINITY, 0.0), g);
    // x = ±0 or ±∞: 0 or ∞ by the sign of y.
    let a = abs(x);
    let zero_inf = ix == 0 || ix == 0x7f80_0000;
    let g = sel(zero_inf, sel(hy & SIGN != 0, 1.0 / a, a), g);
    let g = xor_sign(g, if xneg && yodd { SIGN } else { 0 });
    // A negative finite x with a non-integer y.
    let g = sel(xneg && !yint && !zero_inf, f32::NAN, g);
    // y = 1, -1, 2.
    let g = sel(hy == 0x3f80_0000, x, g);
    let g = sel(hy == 0xbf80_0000, 1.0 / x, g);
    let g = sel(hy == 0x4000_0000, x * x, g);
    // y = ±∞: 1 for |x| = 1, else 0 or ∞ by whether |x| < 1 and the sign of y.
    let yinf = sel((ix > 0x3f80_0000) == (hy & SIGN == 0), f32::INFINITY, 0.0);
    let g = sel(iy == 0x7f80_0000, sel(ix == 0x3f80_0000, 1.0, yinf), g);
    let g = sel(ix > 0x7f80_0000 || iy > 0x7f80_0000, x + y, g);
    sel(iy == 0 || hx == 0x3f80_0000, 1.0, g)
}

/// `x` to the power `y`, lane by lane, as `exp2(y · log2 x)` with `log2 x` and the
/// product in double `f32` precision. Max error 0.89 ulp.
///
/// Special values as C99 `powf` (and `libm`, and [`kernels::powf`](crate::kernels::powf)):
/// `powf(x, ±0) = 1` and `powf(1, y) = 1` even for NaN; `powf(-1, ±∞) = 1`; a negative
/// `x` with a non-integer `y` gives NaN, with an integer `y` the sign of `(-1)^y`;
/// `powf(±0, y)` is `±0`/`+0` for `y > 0` and `±∞`/`+∞` for `y < 0` (the sign kept for
/// odd integers `y`); `±∞` likewise; `y = ±∞` gives `0` or `+∞` by whether `|x| < 1`.
/// `y = 1, -1, 2` give `x`, `1/x`, `x·x` and `y = 0.5` gives `sqrt(x)` for `x ≥ +0`.
///
/// ```
/// use ad_core::vmath::float32;
/// let y = float32::powf([2.0, -2.0, -2.0, 0.0, f32::NAN], [10.0, 3.0, 0.5, -1.0, 0.0]);
/// assert_eq!(y[..2], [1024.0, -8.0]);
/// assert!(y[2].is_nan());
/// assert_eq!(y[3..], [f32::INFINITY, 1.0]);
/// ```
#[inline]
#[must_use]
pub fn powf<const L: usize>(x: [f32; L], y: [f32; L]) -> [f32; L] {
    let mut out = [0.0; L];
    let mut half = false;
    for ((o, &a), &b) in out.iter_mut().zip(x.iter()).zip(y.iter()) {
        *o = powf_lane(a, b);
        half |= b.to_bits() == 0x3f00_0000 && a.to_bits() & SIGN == 0;
    }
    if half {
        let s = sqrt(x);
        for (((o, &a), &b), &r) in out.iter_mut().zip(x.iter()).zip(y.iter()).zip(s.iter()) {
            if b.to_bits() == 0x3f00_0000 && a.to_bits() & SIGN == 0 {
                *o = r;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sqrt_soft;

    /// The integer square root is correctly rounded: every significand with an even
    /// and an odd exponent, at both ends of the range and among the subnormals (every
    /// 97th in debug builds), bit for bit as the back end's square root.
    #[test]
    fn sqrt_soft_is_correctly_rounded() {
        let step = if cfg!(miri) {
            65_537
        } else if cfg!(debug_assertions) {
            97
        } else {
            1
        };
        for m in (0..1u32 << 23).step_by(step) {
            for e in [
                0x0000_0000,
                0x0080_0000,
                0x3f00_0000,
                0x3f80_0000,
                0x7f00_0000,
            ] {
                for s in [0, super::SIGN] {
                    let x = f32::from_bits(s | e | m);
                    let (got, want) = (sqrt_soft(x), crate::kernels::sqrt(x));
                    assert!(
                        got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
                        "sqrt({x:e}) = {got:e}, not {want:e}"
                    );
                }
            }
        }
        for x in [0.0, -0.0, f32::INFINITY] {
            assert_eq!(sqrt_soft(x).to_bits(), x.to_bits());
        }
        for x in [f32::NEG_INFINITY, f32::NAN, -f32::NAN, -1.0, -1e-45] {
            assert!(sqrt_soft(x).is_nan());
        }
    }
}
