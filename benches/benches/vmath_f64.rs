//! Criterion benchmarks of the `f64` lane kernels (`ad_core::vmath::float64`): a
//! 4096-element array processed in chunks of `L = 8` lanes by the kernel, against a
//! scalar loop over the standard library's function (`f64::exp`, ...). Throughput is
//! reported in elements; divide the time per iteration by 4096 for ns/element.
//!
//! Run with `RUSTFLAGS="-C target-cpu=native" cargo bench -p benches --bench vmath_f64`
//! to let the kernels use the host's full vector width.
//!
//! ns/element on an Emerald Rapids Xeon (AVX-512; LLVM's tuning for it prefers 256-bit
//! vectors, so the 8 lanes run as two `ymm` halves), `target-cpu=native`, measured on a
//! shared, heavily loaded 2-core machine (absolute numbers are inflated, the ratios
//! are what to read):
//!
//! | function | `float64`, L = 8 | `std`, scalar | speed-up |
//! |---|---|---|---|
//! | exp | 5.0 | 11.6 | 2.3× |
//! | ln | 5.4 | 9.8 | 1.8× |
//! | sin | 7.9 | 17.8 | 2.2× |
//! | cos | 7.8 | 24.3 | 3.1× |
//! | sin_cos | 10.4 | 29.8 | 2.9× |
//! | tan | 13.0 | 18.5 | 1.4× |
//! | atan | 6.1 | 14.9 | 2.4× |
//! | tanh | 8.5 | 33.4 | 3.9× |
//! | sqrt | 2.5 | 2.3 | 1.0× |
//! | powf | 26.4 | 30.4 | 1.2× |

use ad_core::vmath::float64 as v;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const N: usize = 4096;
const L: usize = 8;

/// `N` values uniform in `[a, b)` from a fixed SplitMix64 sequence.
fn data(seed: u64, a: f64, b: f64) -> Vec<f64> {
    let mut s = seed;
    (0..N)
        .map(|_| {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            a + (b - a) * ((z >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0))
        })
        .collect()
}

fn unary(
    c: &mut Criterion,
    name: &str,
    xs: &[f64],
    kernel: impl Fn([f64; L]) -> [f64; L],
    scalar: impl Fn(f64) -> f64,
) {
    let mut g = c.benchmark_group(format!("vmath_f64/{name}"));
    g.throughput(Throughput::Elements(N as u64));
    let mut out = vec![0.0; N];
    g.bench_function("lanes8", |b| {
        b.iter(|| {
            for (o, x) in out.chunks_exact_mut(L).zip(black_box(xs).chunks_exact(L)) {
                let x: [f64; L] = x.try_into().unwrap();
                o.copy_from_slice(&kernel(x));
            }
            black_box(&mut out);
        });
    });
    g.bench_function("std", |b| {
        b.iter(|| {
            for (o, &x) in out.iter_mut().zip(black_box(xs).iter()) {
                *o = scalar(x);
            }
            black_box(&mut out);
        });
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    unary(c, "exp", &data(1, -20.0, 20.0), v::exp::<L>, f64::exp);
    unary(c, "ln", &data(2, 1e-3, 1e3), v::ln::<L>, f64::ln);
    unary(c, "sin", &data(3, -10.0, 10.0), v::sin::<L>, f64::sin);
    unary(c, "cos", &data(4, -10.0, 10.0), v::cos::<L>, f64::cos);
    unary(
        c,
        "sin_cos",
        &data(5, -10.0, 10.0),
        |x| {
            let (s, c) = v::sin_cos::<L>(x);
            core::array::from_fn(|i| s[i] + c[i])
        },
        |x| {
            let (s, c) = x.sin_cos();
            s + c
        },
    );
    unary(c, "tan", &data(6, -10.0, 10.0), v::tan::<L>, f64::tan);
    unary(c, "atan", &data(7, -10.0, 10.0), v::atan::<L>, f64::atan);
    unary(c, "tanh", &data(8, -5.0, 5.0), v::tanh::<L>, f64::tanh);
    unary(c, "sqrt", &data(9, 0.0, 1e3), v::sqrt::<L>, f64::sqrt);

    let xs = data(10, 1e-3, 10.0);
    let ys = data(11, -10.0, 10.0);
    let mut g = c.benchmark_group("vmath_f64/powf");
    g.throughput(Throughput::Elements(N as u64));
    let mut out = vec![0.0; N];
    g.bench_function("lanes8", |b| {
        b.iter(|| {
            let chunks = black_box(&xs[..])
                .chunks_exact(L)
                .zip(black_box(&ys[..]).chunks_exact(L));
            for (o, (x, y)) in out.chunks_exact_mut(L).zip(chunks) {
                let x: [f64; L] = x.try_into().unwrap();
                let y: [f64; L] = y.try_into().unwrap();
                o.copy_from_slice(&v::powf(x, y));
            }
            black_box(&mut out);
        });
    });
    g.bench_function("std", |b| {
        b.iter(|| {
            for ((o, &x), &y) in out
                .iter_mut()
                .zip(black_box(&xs[..]))
                .zip(black_box(&ys[..]))
            {
                *o = x.powf(y);
            }
            black_box(&mut out);
        });
    });
    g.finish();
}

criterion_group! {
    name = group;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(300))
        .measurement_time(std::time::Duration::from_secs(1));
    targets = benches
}
criterion_main!(group);
