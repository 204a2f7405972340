//! Accuracy and special values of the `f64` lane kernels (`ad_core::vmath::float64`)
//! against the standard library's `f64` functions (glibc's libm on the CI host, itself
//! within 1 ulp of the exact result): the errors measured here are distances to it.
//!
//! Sample counts: 10⁶ per function in a release build, 10⁵ in a debug build, 10³ under
//! Miri (`VMATH_F64_SAMPLES=N` overrides). Run with `--nocapture` to see the measured
//! maxima.

use ad_core::vmath::float64 as v;

/// Arguments per function (`VMATH_F64_SAMPLES` overrides, for longer searches).
fn samples() -> usize {
    if let Some(n) = std::env::var("VMATH_F64_SAMPLES")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        n
    } else if cfg!(miri) {
        1_000
    } else if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    }
}

/// SplitMix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
    /// Uniform in `[a, b)`.
    fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
    /// Any bit pattern (NaNs, infinities, subnormals included).
    fn bits(&mut self) -> f64 {
        f64::from_bits(self.next())
    }
    /// Log-uniform magnitude in `[2^lo, 2^hi)`, random sign.
    fn log_uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let m = 2f64.powf(self.uniform(lo, hi));
        if self.next() & 1 == 0 { m } else { -m }
    }
    fn index(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `f64` bits mapped to integers in the order of the values (`-0` and `+0` both 0).
fn ordered(x: f64) -> i64 {
    let b = x.to_bits() as i64;
    if b < 0 { -(b & i64::MAX) } else { b }
}

/// Distance from `got` to `want` in ulp of `want` (units of the smallest subnormal for
/// subnormal results; `∞` is one ulp above `f64::MAX`). Two NaNs are 0 apart, a NaN and
/// a number infinitely far.
fn ulp_dist(got: f64, want: f64) -> f64 {
    if got.is_nan() || want.is_nan() {
        return if got.is_nan() && want.is_nan() {
            0.0
        } else {
            f64::INFINITY
        };
    }
    (ordered(got) - ordered(want)).unsigned_abs() as f64
}

/// Worst error of a one-argument kernel over arguments from `gen` (in chunks of 8).
struct Report {
    name: &'static str,
    max: f64,
    arg: f64,
    got: f64,
    want: f64,
}

fn measure1(
    name: &'static str,
    kernel: fn([f64; 8]) -> [f64; 8],
    reference: fn(f64) -> f64,
    n: usize,
    mut generate: impl FnMut(&mut Rng) -> f64,
    seed: u64,
) -> Report {
    let mut rng = Rng(seed);
    let mut rep = Report {
        name,
        max: 0.0,
        arg: 0.0,
        got: 0.0,
        want: 0.0,
    };
    for _ in 0..n.div_ceil(8) {
        let x: [f64; 8] = core::array::from_fn(|_| generate(&mut rng));
        let y = kernel(x);
        for i in 0..8 {
            let want = reference(x[i]);
            let d = ulp_dist(y[i], want);
            if d > rep.max || d.is_nan() {
                rep = Report {
                    name,
                    max: d,
                    arg: x[i],
                    got: y[i],
                    want,
                };
            }
        }
    }
    rep
}

/// Checks one kernel over a list of argument generators (sharing the sample count),
/// printing and asserting the bound.
fn check1(
    name: &'static str,
    kernel: fn([f64; 8]) -> [f64; 8],
    reference: fn(f64) -> f64,
    bound: f64,
    gens: &mut [&mut dyn FnMut(&mut Rng) -> f64],
) {
    let n = samples() / gens.len();
    let mut worst: Option<Report> = None;
    for (i, g) in gens.iter_mut().enumerate() {
        let r = measure1(name, kernel, reference, n, g, 0x5eed_0000 + i as u64);
        println!(
            "{name} set {i}: max {} ulp at x = {:e} ({:e} vs {:e})",
            r.max, r.arg, r.got, r.want
        );
        if worst.as_ref().is_none_or(|w| r.max > w.max) {
            worst = Some(r);
        }
    }
    let w = worst.unwrap();
    assert!(
        w.max <= bound,
        "{}: {} ulp at x = {:e} (bits {:#x}): got {:e}, std {:e}",
        w.name,
        w.max,
        w.arg,
        w.arg.to_bits(),
        w.got,
        w.want
    );
}

/// Next-up/next-down by `k` ulps (finite `x`).
fn nudge(x: f64, k: i64) -> f64 {
    let o = ordered(x) + k;
    if o < 0 {
        f64::from_bits((-o) as u64 | (1 << 63))
    } else {
        f64::from_bits(o as u64)
    }
}

/// Exact bit equality (NaN = NaN; the sign of zero counts).
fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a.to_bits() == b.to_bits()
}

fn lanes1(f: fn([f64; 1]) -> [f64; 1], x: f64) -> f64 {
    f([x])[0]
}

// ---------------------------------------------------------------------------
// Special values shared by the tests.
// ---------------------------------------------------------------------------

const SUB_MIN: f64 = f64::from_bits(1);
const SUB_MAX: f64 = f64::from_bits(0x000f_ffff_ffff_ffff);

fn specials() -> Vec<f64> {
    let mut v = vec![
        0.0,
        -0.0,
        SUB_MIN,
        -SUB_MIN,
        SUB_MAX,
        -SUB_MAX,
        f64::MIN_POSITIVE,
        -f64::MIN_POSITIVE,
        f64::MAX,
        f64::MIN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        -f64::NAN,
        f64::EPSILON,
        1.0,
        -1.0,
        0.5,
        2.0,
        1e-300,
        1e300,
        -1e300,
        709.782_712_893_384,
        709.782_712_893_384_1,
        -708.396_418_532_264_1,
        -745.133_219_101_941_1,
        -745.133_219_101_941_2,
        -744.0,
        710.0,
        -750.0,
        1.6e6,
        -1.6e6,
        1.600_000_000_000_000_2e6,
        1e22,
        0.625,
        0.4375,
        0.6875,
        1.1875,
        2.4375,
    ];
    for k in 1..200 {
        let m = k as f64 * core::f64::consts::FRAC_PI_2;
        for d in -2..=2 {
            v.push(nudge(m, d));
            v.push(-nudge(m, d));
        }
    }
    for d in -4..=4 {
        v.push(nudge(1.0, d));
    }
    v
}

fn check_specials(
    name: &str,
    kernel: fn([f64; 1]) -> [f64; 1],
    reference: fn(f64) -> f64,
    bound: f64,
) {
    for x in specials() {
        let got = lanes1(kernel, x);
        let want = reference(x);
        let d = ulp_dist(got, want);
        assert!(
            d <= bound,
            "{name}({x:e}): got {got:e}, std {want:e} ({d} ulp)"
        );
        if want == 0.0 || want.is_infinite() {
            assert!(same(got, want), "{name}({x:e}): got {got:e}, std {want:e}");
        }
    }
}

// ---------------------------------------------------------------------------
// One-argument functions
// ---------------------------------------------------------------------------

#[test]
fn exp_accuracy() {
    check1(
        "exp",
        v::exp,
        f64::exp,
        2.0,
        &mut [
            &mut |r| r.bits(),
            &mut |r| r.uniform(-750.0, 710.0),
            &mut |r| r.uniform(-1.0, 1.0),
            &mut |r| r.uniform(-746.0, -700.0),
            &mut |r| r.uniform(700.0, 709.8),
            &mut |r| r.log_uniform(-60.0, 10.0),
        ],
    );
    check_specials("exp", v::exp, f64::exp, 2.0);
    assert!(same(v::exp([f64::NEG_INFINITY])[0], 0.0));
    assert!(same(v::exp([-745.2])[0], 0.0));
    assert_eq!(v::exp([-745.1])[0], SUB_MIN);
    assert_eq!(v::exp([709.79])[0], f64::INFINITY);
    assert!(v::exp([709.78])[0].is_finite());
    assert_eq!(v::exp([-0.0])[0], 1.0);
}

#[test]
fn ln_accuracy() {
    check1(
        "ln",
        v::ln,
        f64::ln,
        2.0,
        &mut [
            &mut |r| f64::from_bits(r.next() >> 1),
            &mut |r| r.uniform(0.5, 2.0),
            &mut |r| 1.0 + r.log_uniform(-52.0, -1.0),
            &mut |r| r.uniform(0.0, 10.0),
            &mut |r| f64::from_bits(r.next() >> 12), // subnormals
            &mut |r| r.bits(),
        ],
    );
    check_specials("ln", v::ln, f64::ln, 2.0);
    assert!(same(v::ln([0.0])[0], f64::NEG_INFINITY));
    assert!(same(v::ln([-0.0])[0], f64::NEG_INFINITY));
    assert!(v::ln([-1.0])[0].is_nan());
    assert!(v::ln([f64::NEG_INFINITY])[0].is_nan());
    assert!(same(v::ln([1.0])[0], 0.0));
    assert_eq!(v::ln([f64::INFINITY])[0], f64::INFINITY);
}

/// A boxed argument generator.
type Gen = Box<dyn FnMut(&mut Rng) -> f64>;

fn trig_gens(gens: &mut Vec<Gen>) {
    gens.push(Box::new(|r| r.uniform(-10.0, 10.0)));
    gens.push(Box::new(|r| r.uniform(-1.6e6, 1.6e6)));
    gens.push(Box::new(|r| r.log_uniform(-40.0, 21.0)));
    gens.push(Box::new(|r| r.bits()));
    // Next to multiples of π/2 up to 2²⁰, where the reduced argument is smallest.
    gens.push(Box::new(|r| {
        let k = (r.next() % (1 << 20)) as f64;
        let d = (r.next() % 9) as i64 - 4;
        nudge(k * core::f64::consts::FRAC_PI_2, d)
    }));
}

fn check_trig(name: &'static str, kernel: fn([f64; 8]) -> [f64; 8], reference: fn(f64) -> f64) {
    let mut gens: Vec<Gen> = Vec::new();
    trig_gens(&mut gens);
    let mut refs: Vec<&mut dyn FnMut(&mut Rng) -> f64> =
        gens.iter_mut().map(|g| &mut **g as _).collect();
    check1(name, kernel, reference, 2.0, &mut refs);
}

#[test]
fn sin_accuracy() {
    check_trig("sin", v::sin, f64::sin);
    check_specials("sin", v::sin, f64::sin, 2.0);
    assert!(same(v::sin([-0.0])[0], -0.0));
    assert!(same(v::sin([-SUB_MIN])[0], -SUB_MIN));
    assert!(v::sin([f64::INFINITY])[0].is_nan());
    assert!(v::sin([f64::NEG_INFINITY])[0].is_nan());
}

#[test]
fn cos_accuracy() {
    check_trig("cos", v::cos, f64::cos);
    check_specials("cos", v::cos, f64::cos, 2.0);
    assert_eq!(v::cos([-0.0])[0], 1.0);
    assert!(v::cos([f64::INFINITY])[0].is_nan());
}

#[test]
fn tan_accuracy() {
    check_trig("tan", v::tan, f64::tan);
    check_specials("tan", v::tan, f64::tan, 2.0);
    assert!(same(v::tan([-0.0])[0], -0.0));
    assert!(v::tan([f64::NEG_INFINITY])[0].is_nan());
}

#[test]
fn sin_cos_matches_sin_and_cos() {
    let mut rng = Rng(7);
    let n = samples() / 10;
    let mut xs = specials();
    xs.extend((0..n).map(|i| {
        if i % 2 == 0 {
            rng.bits()
        } else {
            rng.uniform(-1e7, 1e7)
        }
    }));
    for c in xs.chunks_exact(8) {
        let x: [f64; 8] = c.try_into().unwrap();
        let (s, co) = v::sin_cos(x);
        let (s2, c2) = (v::sin(x), v::cos(x));
        for i in 0..8 {
            assert!(
                same(s[i], s2[i]) && same(co[i], c2[i]),
                "sin_cos({:e})",
                x[i]
            );
        }
    }
}

#[test]
fn atan_accuracy() {
    check1(
        "atan",
        v::atan,
        f64::atan,
        2.0,
        &mut [
            &mut |r| r.bits(),
            &mut |r| r.uniform(-4.0, 4.0),
            &mut |r| r.uniform(-0.7, 0.7),
            &mut |r| r.log_uniform(-40.0, 70.0),
        ],
    );
    check_specials("atan", v::atan, f64::atan, 2.0);
    assert_eq!(v::atan([f64::INFINITY])[0], core::f64::consts::FRAC_PI_2);
    assert_eq!(
        v::atan([f64::NEG_INFINITY])[0],
        -core::f64::consts::FRAC_PI_2
    );
    assert!(same(v::atan([-0.0])[0], -0.0));
}

#[test]
fn tanh_accuracy() {
    // glibc's tanh is itself up to about 2 ulp off (ours: 1.3 ulp to the exact value).
    check1(
        "tanh",
        v::tanh,
        f64::tanh,
        3.0,
        &mut [
            &mut |r| r.bits(),
            &mut |r| r.uniform(-1.0, 1.0),
            &mut |r| r.uniform(-0.7, 0.7),
            &mut |r| r.uniform(-20.0, 20.0),
            &mut |r| r.log_uniform(-40.0, 6.0),
        ],
    );
    check_specials("tanh", v::tanh, f64::tanh, 3.0);
    assert_eq!(v::tanh([f64::INFINITY])[0], 1.0);
    assert_eq!(v::tanh([f64::NEG_INFINITY])[0], -1.0);
    assert!(same(v::tanh([-0.0])[0], -0.0));
}

#[test]
fn sqrt_correctly_rounded() {
    check1(
        "sqrt",
        v::sqrt,
        f64::sqrt,
        0.0,
        &mut [
            &mut |r| r.bits(),
            &mut |r| f64::from_bits(r.next() >> 1),
            &mut |r| r.uniform(0.0, 4.0),
        ],
    );
    check_specials("sqrt", v::sqrt, f64::sqrt, 0.0);
    assert!(same(v::sqrt([-0.0])[0], -0.0));
    assert!(v::sqrt([-1.0])[0].is_nan());
}

// ---------------------------------------------------------------------------
// powf
// ---------------------------------------------------------------------------

fn check_pow(name: &str, n: usize, seed: u64, mut generate: impl FnMut(&mut Rng) -> (f64, f64)) {
    let mut rng = Rng(seed);
    let mut worst = (0.0, 0.0, 0.0, 0.0, 0.0);
    for _ in 0..n.div_ceil(8) {
        let pairs: [(f64, f64); 8] = core::array::from_fn(|_| generate(&mut rng));
        let x = pairs.map(|p| p.0);
        let y = pairs.map(|p| p.1);
        let got = v::powf(x, y);
        for i in 0..8 {
            let want = x[i].powf(y[i]);
            let d = ulp_dist(got[i], want);
            if d > worst.0 {
                worst = (d, x[i], y[i], got[i], want);
            }
        }
    }
    let (d, x, y, got, want) = worst;
    println!("powf {name}: max {d} ulp at ({x:e}, {y:e}): {got:e} vs {want:e}");
    assert!(
        d <= 2.0,
        "powf({x:e}, {y:e}) [{name}]: got {got:e}, std {want:e} ({d} ulp)"
    );
}

#[test]
fn powf_accuracy() {
    let n = samples() / 6;
    // Results spread over the whole range: y·log2|x| uniform in [-1080, 1030].
    check_pow("range", n, 1, |r| {
        let x = r.log_uniform(-1074.0, 1023.0).abs();
        let t = r.uniform(-1080.0, 1030.0);
        (x, t / x.log2())
    });
    // Bases near 1 with large exponents.
    check_pow("near 1", n, 2, |r| {
        let x = 1.0 + r.log_uniform(-52.0, -5.0);
        let y = r.log_uniform(0.0, 40.0);
        (x, y)
    });
    // Negative bases with integer exponents.
    check_pow("negative", n, 3, |r| {
        let x = -r.log_uniform(-20.0, 20.0).abs();
        let y = (r.uniform(-1100.0, 1100.0) / (1.0 + x.abs().log2().abs())).round();
        (x, y)
    });
    // Ordinary pairs.
    check_pow("ordinary", n, 4, |r| {
        (r.uniform(0.0, 10.0), r.uniform(-30.0, 30.0))
    });
    // Random bit patterns.
    check_pow("bits", n, 5, |r| (r.bits(), r.bits()));
    check_pow("bits, small y", n, 6, |r| {
        (r.bits(), r.log_uniform(-30.0, 12.0))
    });
}

#[test]
fn powf_specials() {
    let xs = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        2.0,
        -2.0,
        3.0,
        -3.0,
        SUB_MIN,
        -SUB_MIN,
        SUB_MAX,
        f64::MAX,
        f64::MIN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        nudge(1.0, 1),
        nudge(1.0, -1),
        -nudge(1.0, 1),
        10.0,
    ];
    let ys = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        2.0,
        -2.0,
        3.0,
        -3.0,
        0.5,
        -0.5,
        1.5,
        -1.5,
        9_007_199_254_740_991.0, // 2⁵³ - 1, odd
        9_007_199_254_740_992.0,
        -9_007_199_254_740_991.0,
        4_503_599_627_370_497.0, // 2⁵² + 1, odd
        1e300,
        -1e300,
        SUB_MIN,
        f64::MAX,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        1075.0,
        -1075.0,
        1024.0,
        308.0,
        -308.0,
        -323.0,
        -324.0,
    ];
    for &x in &xs {
        for &y in &ys {
            let got = v::powf([x], [y])[0];
            let want = x.powf(y);
            let d = ulp_dist(got, want);
            assert!(d <= 2.0, "powf({x:e}, {y:e}): got {got:e}, std {want:e}");
            if want == 0.0 || want.is_infinite() || want == 1.0 || want == -1.0 {
                assert!(
                    same(got, want),
                    "powf({x:e}, {y:e}): got {got:e}, std {want:e}"
                );
            }
        }
    }
    assert_eq!(v::powf([f64::NAN], [0.0])[0], 1.0);
    assert_eq!(v::powf([1.0], [f64::NAN])[0], 1.0);
    assert_eq!(v::powf([-1.0], [f64::INFINITY])[0], 1.0);
    assert!(v::powf([-8.0], [1.0 / 3.0])[0].is_nan());
    assert_eq!(v::powf([-2.0], [3.0])[0], -8.0);
    assert_eq!(v::powf([-0.0], [-3.0])[0], f64::NEG_INFINITY);
    assert_eq!(v::powf([2.0], [-1074.0])[0], SUB_MIN);
    assert_eq!(v::powf([2.0], [1024.0])[0], f64::INFINITY);
}

// ---------------------------------------------------------------------------
// Lane independence
// ---------------------------------------------------------------------------

fn lanes<const L: usize>(xs: &[f64], ys: &[f64]) -> Vec<[f64; 11]> {
    let mut out = Vec::new();
    for (cx, cy) in xs.chunks_exact(L).zip(ys.chunks_exact(L)) {
        let x: [f64; L] = cx.try_into().unwrap();
        let y: [f64; L] = cy.try_into().unwrap();
        let (s, c) = v::sin_cos(x);
        let r = [
            v::exp(x),
            v::ln(x),
            v::sin(x),
            v::cos(x),
            s,
            c,
            v::tan(x),
            v::atan(x),
            v::tanh(x),
            v::sqrt(x),
            v::powf(x, y),
        ];
        out.extend((0..L).map(|i| core::array::from_fn(|f| r[f][i])));
    }
    out
}

#[test]
fn lanes_are_independent() {
    let mut rng = Rng(99);
    let mut pool = specials();
    pool.extend([1e7, -1e9, 3e15, 1e300, 0.3, 2.5, 100.0, -700.0]);
    // 24 is a multiple of every lane count; under Miri (an interpreter) 5 rounds.
    let n = 24 * if cfg!(miri) { 5 } else { 50 };
    let mut xs = Vec::with_capacity(n);
    let mut ys = Vec::with_capacity(n);
    for _ in 0..n {
        xs.push(match rng.index(3) {
            0 => pool[rng.index(pool.len())],
            1 => rng.uniform(-5.0, 5.0),
            _ => rng.bits(),
        });
        ys.push(match rng.index(3) {
            0 => pool[rng.index(pool.len())],
            1 => rng.uniform(-5.0, 5.0).round(),
            _ => rng.uniform(-50.0, 50.0),
        });
    }
    let one = lanes::<1>(&xs, &ys);
    for other in [
        lanes::<3>(&xs, &ys),
        lanes::<4>(&xs, &ys),
        lanes::<8>(&xs, &ys),
    ] {
        assert_eq!(one.len(), other.len());
        for (i, (a, b)) in one.iter().zip(other.iter()).enumerate() {
            for f in 0..11 {
                assert!(
                    same(a[f], b[f]),
                    "function {f}, x = {:e}, y = {:e}",
                    xs[i],
                    ys[i]
                );
            }
        }
    }
}
