//! Criterion benchmarks of the batched (vmap) cases of the comparison against JAX
//! (`benches/jax/compare.sh`), our side only, at smaller batches than the
//! comparison so that criterion's sampling stays short: 1e5 points for the log-normal
//! and Rosenbrock n = 2 gradients (the comparison uses 1e6), 1e3 points for the
//! Rosenbrock n = 100 gradient and n = 10 Hessian (the comparison uses 1e4). Each
//! iteration is one call over the whole batch. Run with
//! `cargo bench -p benches --bench vmap` (add `RUSTFLAGS="-C target-cpu=native"` for
//! the host's SIMD width, as compare.sh does).

#[allow(dead_code)]
#[path = "../shared/vmap_cases.rs"]
mod cases;

use std::hint::black_box;
use std::time::Duration;

use ad_core::{Dual, HessianColoring, Lanes, SparsityWork, VecTape, Workspace};
use benches::{generated, rosenbrock};
use cases::{
    LOGNORMAL_RANGES, ROSENBROCK_RANGE, W10, W100, generated_grad, lognormal_forward,
    program_gradient, program_hessian, rosenbrock_forward, rosenbrock_hessian,
    rosenbrock10_hessian_colored, rosenbrock10_hessian_generated, uniform_points,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Points of the log-normal and Rosenbrock n = 2 benches.
const BIG: usize = 100_000;
/// Points of the Rosenbrock n = 100 and n = 10 benches.
const SMALL: usize = 1_000;

/// Case 1: gradient of the log-normal log-density, f32 and f64, forward mode; f32 by
/// generated reverse-mode code, gradients alone.
fn lognormal(c: &mut Criterion) {
    let mut g = c.benchmark_group("vmap_lognormal_grad_1e5");
    g.throughput(Throughput::Elements(BIG as u64));
    let p32: Vec<[f32; 3]> = uniform_points(BIG, 1, LOGNORMAL_RANGES, |v| v as f32);
    let (mut v32, mut g32) = (vec![0.0f32; BIG], vec![[0.0f32; 3]; BIG]);
    g.bench_function("f32-forward-L16", |b| {
        b.iter(|| lognormal_forward::<16, f32>(black_box(&p32), &mut v32, &mut g32))
    });
    // What JAX's `vmap(grad)` computes: the generated reverse-mode gradient, no values.
    let f32_grad = generated::lognormal_f32_gradient::<Lanes<f32, 16>>;
    g.bench_function("f32-generated-grad-L16", |b| {
        b.iter(|| generated_grad(f32_grad, black_box(&p32), &mut g32))
    });
    let p64: Vec<[f64; 3]> = uniform_points(BIG, 1, LOGNORMAL_RANGES, |v| v);
    let (mut v64, mut g64) = (vec![0.0f64; BIG], vec![[0.0f64; 3]; BIG]);
    g.bench_function("f64-forward-L8", |b| {
        b.iter(|| lognormal_forward::<8, f64>(black_box(&p64), &mut v64, &mut g64))
    });
    g.finish();
}

/// Case 2: gradient of Rosenbrock n = 2, f32, forward mode and generated code
/// (gradients alone).
fn rosenbrock2(c: &mut Criterion) {
    let mut g = c.benchmark_group("vmap_rosenbrock2_grad_f32_1e5");
    g.throughput(Throughput::Elements(BIG as u64));
    let pts: Vec<[f32; 2]> = uniform_points(BIG, 2, [ROSENBROCK_RANGE; 2], |v| v as f32);
    let (mut v, mut gr) = (vec![0.0f32; BIG], vec![[0.0f32; 2]; BIG]);
    g.bench_function("forward-L16", |b| {
        b.iter(|| rosenbrock_forward::<16, 2>(black_box(&pts), &mut v, &mut gr))
    });
    let grad = generated::rosenbrock2_f32_gradient::<Lanes<f32, 16>>;
    g.bench_function("generated-grad-L16", |b| {
        b.iter(|| generated_grad(grad, black_box(&pts), &mut gr))
    });
    g.finish();
}

/// Case 3: gradient of Rosenbrock n = 100, f32, a recorded program replayed over lanes
/// and generated code (gradients alone).
fn rosenbrock100(c: &mut Criterion) {
    const N: usize = 100;
    let mut g = c.benchmark_group("vmap_rosenbrock100_grad_f32_1e3");
    g.throughput(Throughput::Elements(SMALL as u64));
    let pts: Vec<[f32; N]> = uniform_points(SMALL, 3, [ROSENBROCK_RANGE; N], |v| v as f32);
    let (mut v, mut gr) = (vec![0.0f32; SMALL], vec![[0.0f32; N]; SMALL]);
    let mut tape = VecTape::<f32>::new();
    let Ok(mut prog) = tape.record([0.5; N], |x| [rosenbrock(&x)]) else {
        panic!("recording Rosenbrock n = 100 failed");
    };
    let mut work = Box::new(Workspace::<Lanes<f32, 16>, W100>::new());
    g.bench_function("program-L16", |b| {
        b.iter(|| program_gradient(&mut prog, &mut work, black_box(&pts), &mut v, &mut gr))
    });
    let grad = generated::rosenbrock100_f32_gradient::<Lanes<f32, 8>>;
    g.bench_function("generated-grad-L8", |b| {
        b.iter(|| generated_grad(grad, black_box(&pts), &mut gr))
    });
    g.finish();
}

/// Case 4: Hessian of Rosenbrock n = 10, f32: second-order forward mode and
/// forward-over-reverse on the recorded program.
fn rosenbrock10_hessian(c: &mut Criterion) {
    const N: usize = 10;
    let mut g = c.benchmark_group("vmap_rosenbrock10_hess_f32_1e3");
    g.throughput(Throughput::Elements(SMALL as u64));
    let pts: Vec<[f32; N]> = uniform_points(SMALL, 4, [ROSENBROCK_RANGE; N], |v| v as f32);
    let mut v = vec![0.0f32; SMALL];
    let mut gr = vec![[0.0f32; N]; SMALL];
    let mut h = vec![[[0.0f32; N]; N]; SMALL];
    g.bench_function("forward2-L8", |b| {
        b.iter(|| rosenbrock_hessian::<8, N>(black_box(&pts), &mut v, &mut gr, &mut h))
    });
    let mut tape = VecTape::<f32>::new();
    let Ok(mut prog) = tape.record([0.5; N], |x| [rosenbrock(&x)]) else {
        panic!("recording Rosenbrock n = 10 failed");
    };
    let mut work = Box::new(Workspace::<Dual<Lanes<f32, 8>, N>, W10>::new());
    g.bench_function("program-L8", |b| {
        b.iter(|| {
            program_hessian(
                &mut prog,
                &mut work,
                black_box(&pts),
                &mut v,
                &mut gr,
                &mut h,
            )
        })
    });
    g.bench_function("generated-L16", |b| {
        b.iter(|| rosenbrock10_hessian_generated::<16>(black_box(&pts), &mut v, &mut gr, &mut h))
    });
    // One tangent per color of the (tridiagonal) Hessian: 3 instead of 10.
    let mut coloring = HessianColoring::<N>::new();
    if let Err(e) = prog.color_hessian(&mut coloring, &mut Box::new(SparsityWork::<W10>::new())) {
        panic!("coloring Rosenbrock n = 10 failed: {e}");
    }
    g.bench_function("generated-colored-L16", |b| {
        b.iter(|| {
            rosenbrock10_hessian_colored::<16>(&coloring, black_box(&pts), &mut v, &mut gr, &mut h)
        })
    });
    g.finish();
}

/// Shorter than criterion's defaults: each iteration is a whole batch (0.1–1 ms).
fn config() -> Criterion {
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = vmap;
    config = config();
    targets = lognormal, rosenbrock2, rosenbrock100, rosenbrock10_hessian
}
criterion_main!(vmap);
