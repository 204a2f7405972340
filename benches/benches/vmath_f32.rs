//! Criterion benchmarks of the `f32` lane kernels (`ad_core::vmath::float32`) against
//! the standard library's scalar functions and the scalar `ad_core::kernels`.
//!
//! Per function, 4096 arguments are processed: by the lane kernel in chunks of 16
//! lanes (`ours-L16`), by a scalar loop over the standard library's `f32` function
//! (`std`), and by a scalar loop over the pure-`f32` kernel (`kernels`). Divide the time
//! by 4096 for the cost per element (criterion also prints elements per second). To let
//! the compiler use the host's vector width (AVX2, AVX-512), run
//!
//! ```text
//! RUSTFLAGS="-C target-cpu=native" cargo bench -p benches --bench vmath_f32
//! ```

use std::hint::black_box;
use std::time::Duration;

use ad_core::kernels;
use ad_core::vmath::float32 as v;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Elements per measured batch.
const N: usize = 4096;
/// Lanes per call of the lane kernels.
const L: usize = 16;

/// `N` arguments spread evenly over `[lo, hi]` and shuffled, so that neighbouring
/// lanes do not follow one another.
fn inputs(lo: f32, hi: f32) -> Vec<f32> {
    let mut x: Vec<f32> = (0..N)
        .map(|i| lo + (hi - lo) * (i as f32 + 0.5) / N as f32)
        .collect();
    let mut s: u64 = 0x2545_f491_4f6c_dd1d;
    for i in (1..N).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        x.swap(i, (s % (i as u64 + 1)) as usize);
    }
    x
}

/// One group: the lane kernel `ours`, the standard library's `std_f` and the scalar
/// kernel `kern`, each over the same `N` arguments.
fn unary(
    c: &mut Criterion,
    name: &str,
    x: &[f32],
    ours: impl Fn([f32; L]) -> [f32; L],
    std_f: impl Fn(f32) -> f32,
    kern: impl Fn(f32) -> f32,
) {
    let mut g = c.benchmark_group(format!("vmath_f32/{name}"));
    g.throughput(Throughput::Elements(N as u64));
    let mut out = vec![0.0f32; N];
    g.bench_function("ours-L16", |b| {
        b.iter(|| {
            let x = black_box(x);
            for (o, i) in out.chunks_exact_mut(L).zip(x.chunks_exact(L)) {
                o.copy_from_slice(&ours(i.try_into().unwrap()));
            }
            black_box(&mut out);
        })
    });
    g.bench_function("std", |b| {
        b.iter(|| {
            let x = black_box(x);
            for (o, &i) in out.iter_mut().zip(x) {
                *o = std_f(i);
            }
            black_box(&mut out);
        })
    });
    g.bench_function("kernels", |b| {
        b.iter(|| {
            let x = black_box(x);
            for (o, &i) in out.iter_mut().zip(x) {
                *o = kern(i);
            }
            black_box(&mut out);
        })
    });
    g.finish();
}

fn exp_ln(c: &mut Criterion) {
    unary(
        c,
        "exp",
        &inputs(-20.0, 20.0),
        v::exp::<L>,
        f32::exp,
        kernels::exp,
    );
    unary(
        c,
        "ln",
        &inputs(1e-3, 1e3),
        v::ln::<L>,
        f32::ln,
        kernels::ln,
    );
}

fn trig(c: &mut Criterion) {
    let x = inputs(-100.0, 100.0);
    unary(c, "sin", &x, v::sin::<L>, f32::sin, kernels::sin);
    unary(c, "cos", &x, v::cos::<L>, f32::cos, kernels::cos);
    unary(c, "tan", &x, v::tan::<L>, f32::tan, kernels::tan);
    // sin_cos: both results, summed so that one output array suffices.
    unary(
        c,
        "sin_cos",
        &x,
        |a| {
            let (s, c) = v::sin_cos::<L>(a);
            core::array::from_fn(|i| s[i] + c[i])
        },
        |a| {
            let (s, c) = a.sin_cos();
            s + c
        },
        |a| {
            let (s, c) = kernels::sin_cos(a);
            s + c
        },
    );
}

fn others(c: &mut Criterion) {
    unary(
        c,
        "atan",
        &inputs(-10.0, 10.0),
        v::atan::<L>,
        f32::atan,
        kernels::atan,
    );
    unary(
        c,
        "tanh",
        &inputs(-5.0, 5.0),
        v::tanh::<L>,
        f32::tanh,
        kernels::tanh,
    );
    unary(
        c,
        "sqrt",
        &inputs(0.0, 1000.0),
        v::sqrt::<L>,
        f32::sqrt,
        kernels::sqrt,
    );
}

fn powf(c: &mut Criterion) {
    let x = inputs(0.1, 10.0);
    let y = inputs(-5.0, 5.0);
    let mut g = c.benchmark_group("vmath_f32/powf");
    g.throughput(Throughput::Elements(N as u64));
    let mut out = vec![0.0f32; N];
    g.bench_function("ours-L16", |b| {
        b.iter(|| {
            let (x, y) = (black_box(&x), black_box(&y));
            for ((o, a), e) in out
                .chunks_exact_mut(L)
                .zip(x.chunks_exact(L))
                .zip(y.chunks_exact(L))
            {
                o.copy_from_slice(&v::powf::<L>(a.try_into().unwrap(), e.try_into().unwrap()));
            }
            black_box(&mut out);
        })
    });
    g.bench_function("std", |b| {
        b.iter(|| {
            let (x, y) = (black_box(&x), black_box(&y));
            for ((o, &a), &e) in out.iter_mut().zip(x).zip(y) {
                *o = a.powf(e);
            }
            black_box(&mut out);
        })
    });
    g.bench_function("kernels", |b| {
        b.iter(|| {
            let (x, y) = (black_box(&x), black_box(&y));
            for ((o, &a), &e) in out.iter_mut().zip(x).zip(y) {
                *o = kernels::powf(a, e);
            }
            black_box(&mut out);
        })
    });
    g.finish();
}

/// Short runs: each batch takes microseconds, so the samples stay large.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(1))
}

criterion_group! {
    name = vmath_f32;
    config = config();
    targets = exp_ln, trig, others, powf
}
criterion_main!(vmath_f32);
