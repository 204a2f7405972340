//! Accuracy and special values of the pure-`f32` kernels (`ad_core::kernels`).
//!
//! Run the full sweeps in release (about a second):
//!
//! ```text
//! cargo test --release -p ad-core --features fast-f32 --test kernels
//! ```
//!
//! (The kernels are public with or without `fast-f32`; the feature only makes the
//! crate's `f32` math use them.) A debug build checks 20,000 samples per source instead
//! of 1,000,000, so that `cargo test` stays fast.
//!
//! # Method
//!
//! For each kernel: 10⁶ random `f32` bit patterns filtered to the domain, 10⁶ evenly
//! spaced `f32` values over the main domain (a dense sweep of the bit patterns between
//! two bounds), and a table of special values (±0, the smallest and largest subnormals,
//! `MIN_POSITIVE`, `±MAX`, `±∞`, NaN, and each function's own limits).
//!
//! **Reference.** The `f64` function of the standard library at the same (exactly
//! widened) argument. Its error is below one `f64` ulp (2⁻⁵² relative), that is below
//! 2⁻²⁸ of an `f32` ulp. The error of a kernel is `|got − ref| / ulp(ref)`, computed in
//! `f64` against the *unrounded* `f64` reference, where `ulp(ref)` is the spacing of
//! `f32` at `ref` rounded to `f32` (2⁻¹⁴⁹ for subnormals). So rounding the reference to
//! `f32` never enters (no double rounding): a correctly rounded result scores at most
//! 0.5 + 2⁻²⁸. Infinities, zeros (with their sign) and NaN must match exactly.
//!
//! The bounds asserted here are the ones documented in `ad_core::kernels`, which were
//! also checked on all 2³² inputs of each one-argument kernel.

use ad_core::kernels as k;

// Documented bounds, in ulp.
const SQRT_ULP: f64 = 0.5;
const SIN_COS_ULP: f64 = 1.0;
const TAN_ULP: f64 = 1.5;
const EXP_ULP: f64 = 1.0;
const LOG_ULP: f64 = 1.0;
const ATAN_ULP: f64 = 1.0;
const TANH_ULP: f64 = 1.5;
const POWF_ULP: f64 = 1.0;

/// Samples per source (random, sweep).
const N: usize = if cfg!(miri) {
    // Miri interprets every instruction: a few hundred samples per source.
    200
} else if cfg!(debug_assertions) {
    20_000
} else {
    1_000_000
};

/// Error of `got` in ulps of the exact result `exact`; `f64::INFINITY` for a wrong
/// special value (NaN, infinity, or the sign of a zero).
fn ulp_err(got: f32, exact: f64) -> f64 {
    if exact.is_nan() || got.is_nan() {
        return if exact.is_nan() && got.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let r = exact as f32;
    if r.is_infinite() || got.is_infinite() {
        // Past the overflow threshold: the same infinity, or an error against the
        // spacing of f32 at MAX.
        if got == r {
            return 0.0;
        }
        if got.is_infinite() {
            return f64::INFINITY;
        }
        return (f64::from(got) - exact).abs() / 2f64.powi(104);
    }
    if got == 0.0 && exact == 0.0 {
        return if got.is_sign_negative() == exact.is_sign_negative() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    let a = r.abs();
    let ulp = if a < f32::MIN_POSITIVE {
        2f64.powi(-149)
    } else {
        2f64.powi((a.to_bits() >> 23) as i32 - 127 - 23)
    };
    (f64::from(got) - exact).abs() / ulp
}

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn bits(&mut self) -> f32 {
        f32::from_bits((self.next() >> 32) as u32)
    }
    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The worst case seen: error and where.
#[derive(Default)]
struct Worst {
    err: f64,
    x: f32,
    y: f32,
    count: usize,
}

impl Worst {
    fn add(&mut self, err: f64, x: f32, y: f32) {
        self.count += 1;
        if err > self.err {
            *self = Worst {
                err,
                x,
                y,
                count: self.count,
            };
        }
    }
}

/// `count` values evenly spaced in the bit patterns from `lo` to `hi` (same sign).
fn sweep(lo: f32, hi: f32, count: usize) -> impl Iterator<Item = f32> {
    let (a, b) = (
        lo.to_bits().min(hi.to_bits()),
        lo.to_bits().max(hi.to_bits()),
    );
    let span = u64::from(b - a);
    (0..count as u64).map(move |i| f32::from_bits(a + (span * i / count as u64) as u32))
}

/// Checks a one-argument kernel on random inputs in `domain`, on sweeps over each
/// `(lo, hi)` of `ranges`, and on `specials` (which must also match exactly where the
/// reference is infinite, zero or NaN). Returns the maximum error.
fn check(
    name: &str,
    f: fn(f32) -> f32,
    reference: fn(f64) -> f64,
    bound: f64,
    domain: fn(f32) -> bool,
    ranges: &[(f32, f32)],
    specials: &[f32],
) -> f64 {
    let mut worst = Worst::default();
    let mut rng = Rng::new(name.bytes().fold(0x9e37_79b9_7f4a_7c15, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    }));
    let mut n = 0;
    while n < N {
        let x = rng.bits();
        if x.is_finite() && domain(x) {
            worst.add(ulp_err(f(x), reference(f64::from(x))), x, 0.0);
            n += 1;
        }
    }
    for &(lo, hi) in ranges {
        for x in sweep(lo, hi, N / ranges.len()) {
            worst.add(ulp_err(f(x), reference(f64::from(x))), x, 0.0);
        }
    }
    for &x in specials {
        let (got, want) = (f(x), reference(f64::from(x)));
        let err = ulp_err(got, want);
        assert!(
            err <= bound,
            "{name}({x:e}) = {got:e}, reference {want:e}: {err} ulp"
        );
        worst.add(err, x, 0.0);
    }
    println!(
        "{name:6} max {:.3} ulp at x = {:e} ({} inputs)",
        worst.err, worst.x, worst.count
    );
    assert!(
        worst.err <= bound,
        "{name}({:e}) = {:e}, reference {:e}: {} ulp > {bound}",
        worst.x,
        f(worst.x),
        reference(f64::from(worst.x)),
        worst.err
    );
    worst.err
}

/// Values every function sees: zeros, subnormals, the normal range's ends, infinities,
/// NaN, and a few ordinary numbers.
const COMMON: [f32; 16] = [
    0.0,
    -0.0,
    1e-45,
    -1e-45,
    f32::from_bits(0x007f_ffff), // largest subnormal
    f32::MIN_POSITIVE,
    -f32::MIN_POSITIVE,
    f32::MAX,
    f32::MIN,
    f32::INFINITY,
    f32::NEG_INFINITY,
    f32::NAN,
    1.0,
    -1.0,
    0.5,
    2.0,
];

/// `2^e` for `-149 ≤ e ≤ 127`, subnormals included.
fn pow2(e: i32) -> f32 {
    if e >= -126 {
        f32::from_bits(((e + 127) as u32) << 23)
    } else {
        f32::from_bits(1 << (e + 149))
    }
}

fn all(_: f32) -> bool {
    true
}

fn positive(x: f32) -> bool {
    x > 0.0
}

// ---------------------------------------------------------------------------
// One-argument kernels
// ---------------------------------------------------------------------------

/// Multiples of π/2 (the zeros of sin and cos, the poles of tan) and their neighbours,
/// the switch to the integer reduction at 200, and the closest `f32`s to a multiple of
/// π/2 in the Cody–Waite range, below 10⁵, and overall.
fn trig_specials() -> Vec<f32> {
    let mut v = COMMON.to_vec();
    for q in [1, 2, 3, 4, 5, 7, 100, 127, 128, 1000, 65_536, 1_000_000] {
        let x = q as f32 * core::f32::consts::FRAC_PI_2;
        for d in -2..=2i32 {
            let b = x.to_bits().wrapping_add_signed(d);
            v.push(f32::from_bits(b));
            v.push(-f32::from_bits(b));
        }
    }
    v.extend([
        199.999_98,
        200.0,
        200.000_02,
        1e5,
        -1e5,
        core::f32::consts::FRAC_PI_4,
        f32::from_bits(0x4b00_0000), // 2^23
        // The f32 closest to a multiple of π/2 (found by search): below 200 (the
        // Cody–Waite range; |x mod π/2| = 2^-26.3), below 1e5 (2^-27.8), and overall
        // (2^-29.2 at 16367173·2^72, then 2^-28.9).
        f32::from_bits(0x4096_cbe4),
        f32::from_bits(0xc096_cbe4),
        f32::from_bits(0x4116_cbe4),
        f32::from_bits(0x437c_e5f1),
        f32::from_bits(0xc37c_e5f1),
        f32::from_bits(0x43fc_e5f1),
        f32::from_bits(0x474d_246f),
        f32::from_bits(0x6f79_be45),
        f32::from_bits(0xef79_be45),
        f32::from_bits(0x50a3_e87f),
        f32::from_bits(0x6ff9_be45),
        f32::from_bits(0x5123_e87f),
        // Other large arguments for the integer reduction.
        f32::from_bits(0x5922_aa0e),
        f32::from_bits(0x6c8a_ef71),
        f32::from_bits(0x7e0a_2ba4),
        3.402_823e38,
        1e-20,
        2.4414062e-4, // 2^-12
    ]);
    v
}

/// Trigonometric sweeps: the first turns finely, then larger arguments.
const TRIG_RANGES: [(f32, f32); 6] = [
    (1e-30, 1.0),
    (-1e-30, -1.0),
    (1.0, 200.0),
    (-1.0, -200.0),
    (200.0, 1e6),
    (1e6, f32::MAX),
];

#[test]
fn sin() {
    check(
        "sin",
        k::sin,
        f64::sin,
        SIN_COS_ULP,
        all,
        &TRIG_RANGES,
        &trig_specials(),
    );
}

#[test]
fn cos() {
    check(
        "cos",
        k::cos,
        f64::cos,
        SIN_COS_ULP,
        all,
        &TRIG_RANGES,
        &trig_specials(),
    );
}

#[test]
fn tan() {
    check(
        "tan",
        k::tan,
        f64::tan,
        TAN_ULP,
        all,
        &TRIG_RANGES,
        &trig_specials(),
    );
}

#[test]
fn sin_cos_is_sin_and_cos() {
    let mut rng = Rng::new(7);
    let specials = trig_specials();
    let randoms = (0..N).map(|_| rng.bits());
    for x in specials.into_iter().chain(randoms) {
        let (s, c) = k::sin_cos(x);
        assert_eq!(s.to_bits(), k::sin(x).to_bits(), "sin_cos({x:e}).0");
        assert_eq!(c.to_bits(), k::cos(x).to_bits(), "sin_cos({x:e}).1");
    }
}

#[test]
fn exp() {
    let mut specials = COMMON.to_vec();
    specials.extend([
        88.722_83, // the largest finite result
        88.722_84, // the smallest overflowing argument
        89.0,
        -87.336_54, // results become subnormal below here
        -87.336_55,
        -103.972_07, // the smallest subnormal result
        -103.972_09, // rounds to 0
        -104.0,
        -200.0,
        1e-10,
        -1e-10,
        0.346_573_6, // ln2/2, the edge of the reduced interval
        -0.346_573_6,
    ]);
    check(
        "exp",
        k::exp,
        f64::exp,
        EXP_ULP,
        all,
        &[(1e-30, 89.0), (-1e-30, -104.0), (-1.0, -1e-3)],
        &specials,
    );
    assert!(k::exp(88.722_83).is_finite());
    assert_eq!(k::exp(88.722_84), f32::INFINITY);
    assert_eq!(k::exp(-103.972_07), 1e-45);
    assert_eq!(k::exp(-103.972_09).to_bits(), 0);
    assert_eq!(k::exp(f32::NEG_INFINITY).to_bits(), 0);
}

/// Powers of two and ten, and the numbers next to 1, for the logarithms.
fn log_specials() -> Vec<f32> {
    let mut v = COMMON.to_vec();
    v.extend([
        1.000_000_1,
        0.999_999_94,
        core::f32::consts::E,
        10.0,
        100.0,
        1000.0,
        1e10,
        1e-10,
        core::f32::consts::SQRT_2,
        core::f32::consts::FRAC_1_SQRT_2,
        -f32::MAX,
    ]);
    for e in -149..128 {
        v.push(pow2(e));
    }
    v
}

const LOG_RANGES: [(f32, f32); 3] = [(0.5, 2.0), (1e-45, 1.0), (1.0, f32::MAX)];

#[test]
fn ln() {
    check(
        "ln",
        k::ln,
        f64::ln,
        LOG_ULP,
        positive,
        &LOG_RANGES,
        &log_specials(),
    );
    assert_eq!(k::ln(1.0).to_bits(), 0);
    assert_eq!(k::ln(0.0), f32::NEG_INFINITY);
    assert_eq!(k::ln(-0.0), f32::NEG_INFINITY);
    assert!(k::ln(-1.0).is_nan() && k::ln(f32::NEG_INFINITY).is_nan());
    assert_eq!(k::ln(f32::INFINITY), f32::INFINITY);
}

#[test]
fn log2() {
    check(
        "log2",
        k::log2,
        f64::log2,
        LOG_ULP,
        positive,
        &LOG_RANGES,
        &log_specials(),
    );
    for e in -149..128 {
        assert_eq!(k::log2(pow2(e)), e as f32, "log2(2^{e})");
    }
}

#[test]
fn log10() {
    check(
        "log10",
        k::log10,
        f64::log10,
        LOG_ULP,
        positive,
        &LOG_RANGES,
        &log_specials(),
    );
    for e in 0..=10 {
        assert_eq!(k::log10(10f32.powi(e)), e as f32, "log10(1e{e})");
    }
}

#[test]
fn atan() {
    let mut specials = COMMON.to_vec();
    // The interval edges of the reduction, and where atan(x) rounds to ±π/2.
    for b in [
        0x3ee0_0000,
        0x3f30_0000,
        0x3f98_0000,
        0x401c_0000,
        0x4c80_0000u32,
    ] {
        for d in -1..=1i32 {
            let x = f32::from_bits(b.wrapping_add_signed(d));
            specials.extend([x, -x]);
        }
    }
    specials.extend([2.441_406_2e-4, 1e-30, 1e30]);
    check(
        "atan",
        k::atan,
        f64::atan,
        ATAN_ULP,
        all,
        &[(1e-30, 16.0), (-1e-30, -16.0), (16.0, f32::MAX)],
        &specials,
    );
    assert_eq!(k::atan(f32::INFINITY), core::f32::consts::FRAC_PI_2);
    assert_eq!(k::atan(f32::NEG_INFINITY), -core::f32::consts::FRAC_PI_2);
    assert_eq!(k::atan(-0.0).to_bits(), (-0.0f32).to_bits());
}

#[test]
fn tanh() {
    let mut specials = COMMON.to_vec();
    specials.extend([
        0.624_999_94,
        0.625,
        -0.625,
        9.01,
        -9.01,
        44.0,
        45.0,
        1e-30,
        -1e-30,
    ]);
    check(
        "tanh",
        k::tanh,
        f64::tanh,
        TANH_ULP,
        all,
        &[(1e-30, 10.0), (-1e-30, -10.0), (10.0, f32::MAX)],
        &specials,
    );
    assert_eq!(k::tanh(f32::INFINITY), 1.0);
    assert_eq!(k::tanh(f32::NEG_INFINITY), -1.0);
    assert_eq!(k::tanh(-0.0).to_bits(), (-0.0f32).to_bits());
}

#[test]
fn sqrt() {
    let mut specials = COMMON.to_vec();
    specials.extend([4.0, 3.0, 1e-40, 0.25, 1.0 - f32::EPSILON / 2.0]);
    check(
        "sqrt",
        k::sqrt,
        f64::sqrt,
        SQRT_ULP,
        all,
        &[(1e-45, 1.0), (1.0, 4.0), (4.0, f32::MAX)],
        &specials,
    );
    // Correctly rounded: bit for bit the standard library's (the FPU's) square root.
    let mut rng = Rng::new(11);
    for _ in 0..N {
        let x = rng.bits();
        let (got, want) = (k::sqrt(x), x.sqrt());
        assert!(
            got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()),
            "sqrt({x:e}) = {got:e}, not {want:e}"
        );
    }
    assert_eq!(k::sqrt(-0.0).to_bits(), (-0.0f32).to_bits());
}

// ---------------------------------------------------------------------------
// powf
// ---------------------------------------------------------------------------

/// Random pairs: the result spread over the whole range (subnormal to overflow), bases
/// near 1 with large exponents, negative bases with integer exponents, ordinary bases
/// and exponents, and random bit patterns.
#[test]
fn powf_accuracy() {
    let mut rng = Rng::new(12345);
    let mut worst = [(); 5].map(|()| Worst::default());
    for i in 0..2 * N {
        let kind = i % 5;
        let (x, y) = match kind {
            0 => {
                let x = f32::from_bits((rng.next() >> 32) as u32 % 0x7f80_0000 + 1);
                let t = -155.0 + 286.0 * rng.unit(); // log2 of the result
                (x, (t / f64::from(x).log2()) as f32)
            }
            1 => {
                let e = (rng.next() % 24) as i32;
                let x = (1.0 + (rng.unit() - 0.5) * 2f64.powi(-e)) as f32;
                let y = ((rng.unit() - 0.5) * 2f64.powi(e + 8)) as f32;
                (x, y)
            }
            2 => {
                let x = -f32::from_bits((rng.next() >> 32) as u32 % 0x7f80_0000 + 1);
                let t = -150.0 + 280.0 * rng.unit();
                (x, (t / (-f64::from(x)).log2()).round() as f32)
            }
            3 => {
                let x = (rng.unit() * 10.0) as f32;
                let y = ((rng.unit() - 0.5) * 40.0) as f32;
                (x, y)
            }
            _ => (rng.bits(), rng.bits()),
        };
        let err = ulp_err(k::powf(x, y), f64::from(x).powf(f64::from(y)));
        worst[kind].add(err, x, y);
    }
    for (kind, w) in worst.iter().enumerate() {
        println!(
            "powf   kind {kind}: max {:.3} ulp at ({:e}, {:e}) ({} pairs)",
            w.err, w.x, w.y, w.count
        );
        assert!(
            w.err <= POWF_ULP,
            "powf({:e}, {:e}) = {:e}, reference {:e}: {} ulp",
            w.x,
            w.y,
            k::powf(w.x, w.y),
            f64::from(w.x).powf(f64::from(w.y)),
            w.err
        );
    }
}

/// Integer powers are exact where the result is representable (small cases), and
/// `powf` matches the standard library's `powf` (C99 Annex F) on every special pair.
#[test]
fn powf_special_values() {
    let inf = f32::INFINITY;
    let values = [
        0.0,
        -0.0,
        1e-45,
        -1e-45,
        f32::MIN_POSITIVE,
        0.5,
        -0.5,
        1.0,
        -1.0,
        1.5,
        -1.5,
        2.0,
        -2.0,
        3.0,
        -3.0,
        0.999_999_94,
        1.000_000_1,
        1e10,
        -1e10,
        f32::MAX,
        f32::MIN,
        inf,
        -inf,
        f32::NAN,
        16_777_216.0, // 2^24: even
        16_777_215.0, // odd
        -16_777_215.0,
        8_388_609.0, // 2^23 + 1: odd
        0.25,
        -0.25,
        127.0,
        128.0,
        -149.0,
        -150.0,
    ];
    for &x in &values {
        for &y in &values {
            let (got, want) = (k::powf(x, y), x.powf(y));
            if want.is_nan() {
                assert!(got.is_nan(), "powf({x:e}, {y:e}) = {got:e}, not NaN");
            } else if want.is_infinite() || want == 0.0 || got.is_infinite() || got == 0.0 {
                assert_eq!(
                    got.to_bits(),
                    want.to_bits(),
                    "powf({x:e}, {y:e}) = {got:e}, not {want:e}"
                );
            } else {
                let err = ulp_err(got, f64::from(x).powf(f64::from(y)));
                assert!(err <= POWF_ULP, "powf({x:e}, {y:e}) = {got:e}: {err} ulp");
            }
        }
    }
    assert_eq!(k::powf(f32::NAN, 0.0), 1.0);
    assert_eq!(k::powf(1.0, f32::NAN), 1.0);
    assert_eq!(k::powf(-1.0, inf), 1.0);
    assert_eq!(k::powf(-1.0, -inf), 1.0);
    assert!(k::powf(-2.0, 0.5).is_nan());
    assert_eq!(k::powf(-0.0, -3.0), -inf);
    assert_eq!(k::powf(-0.0, -2.0), inf);
    assert_eq!(k::powf(-0.0, 3.0).to_bits(), (-0.0f32).to_bits());
    assert_eq!(k::powf(-inf, 3.0), -inf);
    assert_eq!(k::powf(-inf, -3.0).to_bits(), (-0.0f32).to_bits());
    assert_eq!(k::powf(-inf, 2.5), inf);
    assert_eq!(k::powf(0.5, inf), 0.0);
    assert_eq!(k::powf(0.5, -inf), inf);
    assert_eq!(k::powf(2.0, -inf), 0.0);
    assert_eq!(k::powf(2.0, 128.0), inf);
    assert_eq!(k::powf(2.0, 127.0), 2f32.powi(127));
    assert_eq!(k::powf(2.0, -149.0), 1e-45);
    assert_eq!(k::powf(2.0, -150.0), 0.0);
    assert_eq!(k::powf(-2.0, 3.0), -8.0);
    assert_eq!(k::powf(-2.0, -1.0), -0.5);
    assert_eq!(k::powf(10.0, 3.0), 1000.0);
    assert_eq!(k::powf(3.0, 5.0), 243.0);
    assert_eq!(k::powf(9.0, 0.5), 3.0);
    assert_eq!(k::powf(-1.0, 16_777_215.0), -1.0);
    assert_eq!(k::powf(-1.0, 16_777_216.0), 1.0);
    assert_eq!(k::powf(-1.0, 1e30), 1.0);
}
