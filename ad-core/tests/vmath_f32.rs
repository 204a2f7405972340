//! Accuracy, special values and lane independence of the `f32` lane kernels
//! (`ad_core::vmath::float32`).
//!
//! ```text
//! cargo test --release -p ad-core --test vmath_f32 -- --nocapture
//! ```
//!
//! # Method
//!
//! For each function: `N` random `f32` bit patterns (filtered to the domain), `N` points
//! spread evenly over the bit patterns of the main ranges, and a table of special
//! values (±0, the smallest and largest subnormals, `MIN_POSITIVE`, `±MAX`, `±∞`, NaN,
//! and each function's own limits: the overflow and underflow thresholds of `exp`,
//! numbers next to 1 and powers of two for `ln`, numbers next to multiples of π/2 and
//! large arguments for the trigonometric functions, ...). `N` is 10⁶ in release builds,
//! 10⁵ in debug builds and 10³ under Miri. The kernels are evaluated 16 lanes at a time.
//!
//! **Reference.** The standard library's `f64` function at the same (exactly widened)
//! argument, whose error is far below an `f32` ulp. The error is `|got − ref| /
//! ulp(ref)` computed in `f64` against the unrounded reference, `ulp(ref)` the spacing
//! of `f32` at `ref` rounded to `f32` (2⁻¹⁴⁹ for subnormals): a correctly rounded result
//! scores at most 0.5 + 2⁻²⁸. Infinities, zeros (with their sign) and NaN must match
//! exactly. Every result is also compared bit for bit with the scalar
//! `ad_core::kernels` function (NaN with any payload counts as equal).

use ad_core::kernels as k;
use ad_core::vmath::float32 as v;

// Documented bounds, in ulp (those of `ad_core::vmath::float32`'s accuracy table).
const EXP_ULP: f64 = 1.0;
const LN_ULP: f64 = 1.0;
const SIN_COS_ULP: f64 = 1.0;
const TAN_ULP: f64 = 1.5;
const ATAN_ULP: f64 = 1.0;
const TANH_ULP: f64 = 1.5;
const SQRT_ULP: f64 = 0.5;
const POWF_ULP: f64 = 1.0;

/// Samples per source (random, sweep).
const N: usize = if cfg!(miri) {
    1_000
} else if cfg!(debug_assertions) {
    100_000
} else {
    1_000_000
};

/// Random arrangements per lane count in the lane-independence checks.
const LANE_ROUNDS: usize = if cfg!(miri) { 20 } else { 200 };

/// Lanes per call in the accuracy checks.
const W: usize = 16;

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
        if got == r {
            return 0.0;
        }
        if got.is_infinite() {
            return f64::INFINITY;
        }
        // Past the overflow threshold: the error against the spacing of f32 at MAX.
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

/// The same bits, or both NaN.
fn same(a: f32, b: f32) -> bool {
    a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
}

/// A small deterministic generator (xorshift64).
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    fn seeded(name: &str) -> Rng {
        Rng::new(name.bytes().fold(0x9e37_79b9_7f4a_7c15, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        }))
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
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
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
            self.err = err;
            self.x = x;
            self.y = y;
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

/// `f` applied to `xs` `W` lanes at a time (the last chunk padded with ones).
fn eval(f: fn([f32; W]) -> [f32; W], xs: &[f32]) -> Vec<f32> {
    let mut out = Vec::with_capacity(xs.len());
    for chunk in xs.chunks(W) {
        let mut a = [1.0; W];
        a[..chunk.len()].copy_from_slice(chunk);
        out.extend_from_slice(&f(a)[..chunk.len()]);
    }
    out
}

/// Checks a one-argument kernel on random inputs in `domain`, on sweeps over each
/// `(lo, hi)` of `ranges`, and on `specials`: the error against the `f64` reference
/// within `bound`, and the bits those of the scalar kernel. Returns the maximum error.
#[allow(clippy::too_many_arguments)]
fn check(
    name: &str,
    f: fn([f32; W]) -> [f32; W],
    scalar: fn(f32) -> f32,
    reference: fn(f64) -> f64,
    bound: f64,
    domain: fn(f32) -> bool,
    ranges: &[(f32, f32)],
    specials: &[f32],
) -> f64 {
    let mut rng = Rng::seeded(name);
    let mut xs = Vec::with_capacity(2 * N + specials.len());
    while xs.len() < N {
        let x = rng.bits();
        if x.is_finite() && domain(x) {
            xs.push(x);
        }
    }
    for &(lo, hi) in ranges {
        xs.extend(sweep(lo, hi, N / ranges.len()));
    }
    let first_special = xs.len();
    xs.extend_from_slice(specials);
    let got = eval(f, &xs);
    let mut worst = Worst::default();
    for (i, (&x, &y)) in xs.iter().zip(&got).enumerate() {
        let want = reference(f64::from(x));
        let err = ulp_err(y, want);
        if i >= first_special {
            assert!(
                err <= bound,
                "{name}({x:e}) = {y:e}, reference {want:e}: {err} ulp"
            );
        }
        assert!(
            same(y, scalar(x)),
            "{name}({x:e}) = {y:e}, the scalar kernel gives {:e}",
            scalar(x)
        );
        worst.add(err, x, 0.0);
    }
    println!(
        "{name:6} max {:.3} ulp at x = {:e} ({} inputs)",
        worst.err, worst.x, worst.count
    );
    assert!(
        worst.err <= bound,
        "{name}({:e}): {} ulp > {bound}",
        worst.x,
        worst.err
    );
    worst.err
}

/// Values every function sees: zeros, subnormals, the normal range's ends, infinities,
/// NaN, and a few ordinary numbers.
const COMMON: [f32; 18] = [
    0.0,
    -0.0,
    1e-45,
    -1e-45,
    f32::from_bits(0x007f_ffff), // largest subnormal
    f32::from_bits(0x807f_ffff),
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
    -2.0,
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
// exp, ln
// ---------------------------------------------------------------------------

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
        v::exp,
        k::exp,
        f64::exp,
        EXP_ULP,
        all,
        &[(1e-30, 89.0), (-1e-30, -104.0), (-1.0, -1e-3), (-2.0, 2.0)],
        &specials,
    );
    let y = v::exp([
        88.722_83,
        88.722_84,
        -103.972_07,
        -103.972_09,
        f32::NEG_INFINITY,
    ]);
    assert!(y[0].is_finite());
    assert_eq!(y[1], f32::INFINITY);
    assert_eq!(y[2], 1e-45);
    assert_eq!(y[3].to_bits(), 0);
    assert_eq!(y[4].to_bits(), 0);
}

/// Powers of two, numbers next to 1, and other logarithm specials.
fn log_specials() -> Vec<f32> {
    let mut v = COMMON.to_vec();
    v.extend([
        1.000_000_1,
        0.999_999_94,
        0.999_999_9,
        1.000_000_2,
        core::f32::consts::E,
        10.0,
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

#[test]
fn ln() {
    check(
        "ln",
        v::ln,
        k::ln,
        f64::ln,
        LN_ULP,
        positive,
        &[(0.5, 2.0), (0.99, 1.01), (1e-45, 1.0), (1.0, f32::MAX)],
        &log_specials(),
    );
    let y = v::ln([
        1.0,
        0.0,
        -0.0,
        -1.0,
        f32::NEG_INFINITY,
        f32::INFINITY,
        -f32::NAN,
    ]);
    assert_eq!(y[0].to_bits(), 0);
    assert_eq!(y[1], f32::NEG_INFINITY);
    assert_eq!(y[2], f32::NEG_INFINITY);
    assert!(y[3].is_nan() && y[4].is_nan() && y[6].is_nan());
    assert_eq!(y[5], f32::INFINITY);
    for e in -149..128 {
        let want = e as f32 * core::f32::consts::LN_2;
        assert!((v::ln([pow2(e)])[0] - want).abs() <= want.abs() * f32::EPSILON);
    }
}

// ---------------------------------------------------------------------------
// sin, cos, sin_cos, tan
// ---------------------------------------------------------------------------

/// Multiples of π/2 (the zeros of sin and cos, the poles of tan) and their neighbours,
/// the switch to the scalar reduction at 200, the closest `f32`s to a multiple of π/2,
/// and large arguments.
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
        -199.999_98,
        -200.0,
        1e5,
        -1e5,
        core::f32::consts::FRAC_PI_4,
        f32::from_bits(0x4b00_0000), // 2^23
        // The f32 closest to a multiple of π/2 below 200, below 1e5 and overall.
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
        f32::from_bits(0x5922_aa0e),
        f32::from_bits(0x6c8a_ef71),
        f32::from_bits(0x7e0a_2ba4),
        1e30,
        -1e30,
        1e-20,
        2.441_406_2e-4, // 2^-12
    ]);
    v
}

/// Trigonometric sweeps: the Cody–Waite range finely, then larger arguments.
const TRIG_RANGES: [(f32, f32); 7] = [
    (1e-30, 1.0),
    (-1e-30, -1.0),
    (1.0, 200.0),
    (-1.0, -200.0),
    (0.0, 10.0),
    (200.0, 1e6),
    (1e6, f32::MAX),
];

#[test]
fn sin() {
    check(
        "sin",
        v::sin,
        k::sin,
        f64::sin,
        SIN_COS_ULP,
        all,
        &TRIG_RANGES,
        &trig_specials(),
    );
    assert_eq!(v::sin([-0.0])[0].to_bits(), (-0.0f32).to_bits());
}

#[test]
fn cos() {
    check(
        "cos",
        v::cos,
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
        v::tan,
        k::tan,
        f64::tan,
        TAN_ULP,
        all,
        &TRIG_RANGES,
        &trig_specials(),
    );
    assert_eq!(v::tan([-0.0])[0].to_bits(), (-0.0f32).to_bits());
}

#[test]
fn sin_cos_is_sin_and_cos() {
    let mut rng = Rng::new(7);
    let mut xs = trig_specials();
    xs.extend((0..N / 4).map(|_| rng.bits()));
    xs.extend((0..N / 4).map(|_| ((rng.unit() - 0.5) * 500.0) as f32));
    for chunk in xs.chunks_exact(W) {
        let a: [f32; W] = chunk.try_into().unwrap();
        let (s, c) = v::sin_cos(a);
        let (s1, c1) = (v::sin(a), v::cos(a));
        for i in 0..W {
            assert!(same(s[i], s1[i]), "sin_cos({:e}).0", a[i]);
            assert!(same(c[i], c1[i]), "sin_cos({:e}).1", a[i]);
        }
    }
}

// ---------------------------------------------------------------------------
// atan, tanh, sqrt
// ---------------------------------------------------------------------------

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
        v::atan,
        k::atan,
        f64::atan,
        ATAN_ULP,
        all,
        &[(1e-30, 16.0), (-1e-30, -16.0), (16.0, f32::MAX)],
        &specials,
    );
    let y = v::atan([f32::INFINITY, f32::NEG_INFINITY, -0.0]);
    assert_eq!(y[0], core::f32::consts::FRAC_PI_2);
    assert_eq!(y[1], -core::f32::consts::FRAC_PI_2);
    assert_eq!(y[2].to_bits(), (-0.0f32).to_bits());
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
        v::tanh,
        k::tanh,
        f64::tanh,
        TANH_ULP,
        all,
        &[(1e-30, 10.0), (-1e-30, -10.0), (10.0, f32::MAX)],
        &specials,
    );
    let y = v::tanh([f32::INFINITY, f32::NEG_INFINITY, -0.0]);
    assert_eq!(y[..2], [1.0, -1.0]);
    assert_eq!(y[2].to_bits(), (-0.0f32).to_bits());
}

#[test]
fn sqrt() {
    let mut specials = COMMON.to_vec();
    specials.extend([4.0, 3.0, 1e-40, 0.25, 1.0 - f32::EPSILON / 2.0]);
    for e in -149..128 {
        specials.push(pow2(e));
    }
    check(
        "sqrt",
        v::sqrt,
        k::sqrt,
        f64::sqrt,
        SQRT_ULP,
        all,
        &[(1e-45, 1.0), (1.0, 4.0), (4.0, f32::MAX)],
        &specials,
    );
    // Correctly rounded: bit for bit the standard library's (the FPU's) square root.
    let mut rng = Rng::new(11);
    let xs: Vec<f32> = (0..N).map(|_| rng.bits()).collect();
    for (&x, &y) in xs.iter().zip(&eval(v::sqrt, &xs)) {
        assert!(same(y, x.sqrt()), "sqrt({x:e}) = {y:e}, not {:e}", x.sqrt());
    }
    assert_eq!(v::sqrt([-0.0])[0].to_bits(), (-0.0f32).to_bits());
}

// ---------------------------------------------------------------------------
// powf
// ---------------------------------------------------------------------------

/// `powf` on `W` pairs at a time.
fn powf_eval(xs: &[f32], ys: &[f32]) -> Vec<f32> {
    let mut out = Vec::with_capacity(xs.len());
    for (cx, cy) in xs.chunks(W).zip(ys.chunks(W)) {
        let (mut a, mut b) = ([1.0; W], [1.0; W]);
        a[..cx.len()].copy_from_slice(cx);
        b[..cy.len()].copy_from_slice(cy);
        out.extend_from_slice(&v::powf(a, b)[..cx.len()]);
    }
    out
}

/// Random pairs: the result spread over the whole range (subnormal to overflow), bases
/// near 1 with large exponents, negative bases with integer exponents, ordinary bases
/// and exponents, and random bit patterns.
#[test]
fn powf_accuracy() {
    let mut rng = Rng::new(12345);
    let (mut xs, mut ys, mut kinds) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..N {
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
        xs.push(x);
        ys.push(y);
        kinds.push(kind);
    }
    let got = powf_eval(&xs, &ys);
    let mut worst = [(); 5].map(|()| Worst::default());
    for i in 0..xs.len() {
        let (x, y, z) = (xs[i], ys[i], got[i]);
        assert!(
            same(z, k::powf(x, y)),
            "powf({x:e}, {y:e}) = {z:e}, the scalar kernel gives {:e}",
            k::powf(x, y)
        );
        let err = ulp_err(z, f64::from(x).powf(f64::from(y)));
        worst[kinds[i]].add(err, x, y);
    }
    for (kind, w) in worst.iter().enumerate() {
        println!(
            "powf   kind {kind}: max {:.3} ulp at ({:e}, {:e}) ({} pairs)",
            w.err, w.x, w.y, w.count
        );
        assert!(
            w.err <= POWF_ULP,
            "powf({:e}, {:e}): {} ulp",
            w.x,
            w.y,
            w.err
        );
    }
}

/// Every pair of special values: the standard library's `powf` (C99 Annex F) exactly
/// where it is NaN, infinite or zero, else within the bound; and the scalar kernel's
/// bits.
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
        8_388_608.5,
        0.25,
        -0.25,
        127.0,
        128.0,
        -149.0,
        -150.0,
        1e30,
        -1e30,
    ];
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for &x in &values {
        for &y in &values {
            xs.push(x);
            ys.push(y);
        }
    }
    for ((&x, &y), &got) in xs.iter().zip(&ys).zip(&powf_eval(&xs, &ys)) {
        let want = x.powf(y);
        assert!(same(got, k::powf(x, y)), "powf({x:e}, {y:e}) = {got:e}");
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
    let p = |x: f32, y: f32| v::powf([x], [y])[0];
    assert_eq!(p(f32::NAN, 0.0), 1.0);
    assert_eq!(p(1.0, f32::NAN), 1.0);
    assert_eq!(p(-1.0, inf), 1.0);
    assert!(p(-2.0, 0.5).is_nan());
    assert_eq!(p(-0.0, -3.0), -inf);
    assert_eq!(p(-0.0, -2.0), inf);
    assert_eq!(p(-0.0, 3.0).to_bits(), (-0.0f32).to_bits());
    assert_eq!(p(-inf, 3.0), -inf);
    assert_eq!(p(-inf, -3.0).to_bits(), (-0.0f32).to_bits());
    assert_eq!(p(-inf, 2.5), inf);
    assert_eq!(p(0.5, inf), 0.0);
    assert_eq!(p(0.5, -inf), inf);
    assert_eq!(p(2.0, 128.0), inf);
    assert_eq!(p(2.0, -149.0), 1e-45);
    assert_eq!(p(2.0, -150.0), 0.0);
    assert_eq!(p(-2.0, 3.0), -8.0);
    assert_eq!(p(9.0, 0.5), 3.0);
    assert_eq!(p(-1.0, 16_777_215.0), -1.0);
    assert_eq!(p(-1.0, 1e30), 1.0);
}

// ---------------------------------------------------------------------------
// Lane independence
// ---------------------------------------------------------------------------

/// Inputs for the lane-independence checks: special values, huge arguments (the trig
/// slow path), `0.5` (powf's square-root lanes) and ordinary numbers.
fn lane_pool() -> Vec<f32> {
    let mut v = COMMON.to_vec();
    v.extend([
        0.5, 1e30, -1e30, 250.0, -1e6, 1e-40, 3.0, -3.0, 0.7, 88.8, -104.0, 42.0, 1.5, -0.75, 0.1,
        10.0,
    ]);
    v
}

/// `f` on `L` lanes drawn from `pool` gives, lane by lane, the bits of `f1` on one lane.
fn lanes_match<const L: usize>(
    name: &str,
    f: fn([f32; L]) -> [f32; L],
    f1: fn([f32; 1]) -> [f32; 1],
    pool: &[f32],
    rng: &mut Rng,
) {
    for _ in 0..LANE_ROUNDS {
        let x: [f32; L] = core::array::from_fn(|_| pool[rng.below(pool.len())]);
        let y = f(x);
        for i in 0..L {
            let want = f1([x[i]])[0];
            assert_eq!(
                y[i].to_bits(),
                want.to_bits(),
                "{name}::<{L}>: lane {i} ({:e}) gives {:e}, alone {want:e}; lanes {x:?}",
                x[i],
                y[i]
            );
        }
    }
}

macro_rules! lanes_test {
    ($($f:ident),*) => {
        #[test]
        fn lane_independence() {
            let pool = lane_pool();
            let mut rng = Rng::new(99);
            $(
                lanes_match::<1>(stringify!($f), v::$f::<1>, v::$f::<1>, &pool, &mut rng);
                lanes_match::<3>(stringify!($f), v::$f::<3>, v::$f::<1>, &pool, &mut rng);
                lanes_match::<8>(stringify!($f), v::$f::<8>, v::$f::<1>, &pool, &mut rng);
                lanes_match::<16>(stringify!($f), v::$f::<16>, v::$f::<1>, &pool, &mut rng);
            )*
        }
    };
}

lanes_test!(exp, ln, sin, cos, tan, atan, tanh, sqrt);

fn sin_cos_first<const L: usize>(x: [f32; L]) -> [f32; L] {
    v::sin_cos(x).0
}

fn sin_cos_second<const L: usize>(x: [f32; L]) -> [f32; L] {
    v::sin_cos(x).1
}

#[test]
fn lane_independence_sin_cos_powf() {
    let pool = lane_pool();
    let mut rng = Rng::new(98);
    lanes_match::<3>(
        "sin_cos.0",
        sin_cos_first::<3>,
        sin_cos_first::<1>,
        &pool,
        &mut rng,
    );
    lanes_match::<16>(
        "sin_cos.0",
        sin_cos_first::<16>,
        sin_cos_first::<1>,
        &pool,
        &mut rng,
    );
    lanes_match::<8>(
        "sin_cos.1",
        sin_cos_second::<8>,
        sin_cos_second::<1>,
        &pool,
        &mut rng,
    );
    lanes_match::<16>(
        "sin_cos.1",
        sin_cos_second::<16>,
        sin_cos_second::<1>,
        &pool,
        &mut rng,
    );
    fn pairs<const L: usize>(pool: &[f32], rng: &mut Rng) {
        for _ in 0..LANE_ROUNDS {
            let x: [f32; L] = core::array::from_fn(|_| pool[rng.below(pool.len())]);
            let y: [f32; L] = core::array::from_fn(|_| pool[rng.below(pool.len())]);
            let z = v::powf(x, y);
            for i in 0..L {
                let want = v::powf([x[i]], [y[i]])[0];
                assert_eq!(
                    z[i].to_bits(),
                    want.to_bits(),
                    "powf::<{L}>: lane {i} ({:e}, {:e}) gives {:e}, alone {want:e}",
                    x[i],
                    y[i],
                    z[i]
                );
            }
        }
    }
    pairs::<1>(&pool, &mut rng);
    pairs::<3>(&pool, &mut rng);
    pairs::<8>(&pool, &mut rng);
    pairs::<16>(&pool, &mut rng);
}

// ---------------------------------------------------------------------------
// Exhaustive comparison with the scalar kernels (slow: run on demand)
// ---------------------------------------------------------------------------

/// Every one of the 2³² inputs of `f` gives the bits of the scalar kernel (any NaN for
/// NaN), so that the scalar kernels' exhaustively measured errors are the lane
/// kernels' too. A minute or more per function in release:
///
/// ```text
/// cargo test --release -p ad-core --test vmath_f32 -- --ignored --nocapture
/// ```
fn all_inputs_match(name: &str, f: fn([f32; W]) -> [f32; W], scalar: fn(f32) -> f32) {
    let mut mismatches = 0u64;
    for base in (0..=u32::MAX).step_by(W) {
        let x: [f32; W] = core::array::from_fn(|i| f32::from_bits(base + i as u32));
        let y = f(x);
        for i in 0..W {
            if !same(y[i], scalar(x[i])) {
                if mismatches < 10 {
                    println!("{name}({:e}) = {:e}, scalar {:e}", x[i], y[i], scalar(x[i]));
                }
                mismatches += 1;
            }
        }
    }
    println!("{name:6} all 2^32 inputs: {mismatches} mismatches");
    assert_eq!(mismatches, 0, "{name}");
}

#[test]
#[ignore = "2^32 inputs per function: minutes in release"]
fn exhaustive_bits_match_kernels() {
    all_inputs_match("exp", v::exp, k::exp);
    all_inputs_match("ln", v::ln, k::ln);
    all_inputs_match("sin", v::sin, k::sin);
    all_inputs_match("cos", v::cos, k::cos);
    all_inputs_match("tan", v::tan, k::tan);
    all_inputs_match("atan", v::atan, k::atan);
    all_inputs_match("tanh", v::tanh, k::tanh);
    all_inputs_match("sqrt", v::sqrt, k::sqrt);
}
