//! Criterion benchmarks of reverse mode: the gradient of Rosenbrock n = 8 by
//! recording plus one sweep (ours against echidna, `reverse` and ad_trait), and the
//! gradient of a replayed program at n = 8, 100 and 1000 against the plain value
//! (and echidna's replayed `BytecodeTape`), and that program replayed over
//! `Lanes<f64, 16>` for a batch of points (batched reverse mode). Run with
//! `cargo bench -p benches --bench reverse`.
//!
//! Every implementation is an `#[inline(never)]` function (ours in the `benches`
//! library, the peers' in `shared/reverse_peers.rs`) called with a `black_box`ed
//! input, so each is measured as one compiled function.

#[path = "../shared/reverse_peers.rs"]
mod reverse_peers;

use std::hint::black_box;
use std::time::Duration;

use ad_core::Tape;
use benches::{
    GRAD_N, LARGE_CAP, LanesWork, SMALL_CAP, batch, ours_lanes_replay_gradient,
    ours_replay_gradient, ours_tape_gradient, point, record_rosenbrock, value,
};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// `rosenbrock_record_grad_n8`: record and sweep once, by each crate.
fn record_grad_n8(c: &mut Criterion) {
    let x = point::<GRAD_N>();
    let mut tape: Tape<f64, SMALL_CAP> = Tape::new();
    let engine = reverse_peers::ad_trait_engine(GRAD_N);
    let mut g = c.benchmark_group("rosenbrock_record_grad_n8");
    g.bench_function("ours-Tape<f64,128>", |b| {
        b.iter(|| ours_tape_gradient(&mut tape, black_box(x)))
    });
    g.bench_function("echidna-grad", |b| {
        b.iter(|| reverse_peers::echidna_gradient(black_box(x)))
    });
    g.bench_function("reverse-Tape", |b| {
        b.iter(|| reverse_peers::reverse_gradient(black_box(x)))
    });
    g.bench_function("ad_trait-ReverseAD", |b| {
        b.iter(|| reverse_peers::ad_trait_gradient(&engine, black_box(x)))
    });
    g.finish();
}

/// `rosenbrock_replay_grad_n{N}`: the plain value, our replayed program's gradient
/// and echidna's replayed bytecode tape's gradient; then
/// `rosenbrock_replay_lanes_grad_n{N}`: the same program replayed over
/// `Lanes<f64, 16>` at `B` points per call (criterion reports points per second; the
/// time per point divided by the plain value's is the batched replay's ratio).
fn replay<const N: usize, const B: usize>(c: &mut Criterion) {
    let x = point::<N>();
    let mut tape = Box::new(Tape::<f64, LARGE_CAP>::new());
    let Ok(mut prog) = record_rosenbrock::<N, _>(&mut tape) else {
        panic!("Rosenbrock n = {N} does not fit a tape of {LARGE_CAP} nodes");
    };
    let mut echidna = reverse_peers::echidna_record(x);
    let mut g = c.benchmark_group(format!("rosenbrock_replay_grad_n{N}"));
    g.bench_function("f64-value", |b| b.iter(|| value(black_box(x))));
    g.bench_function("ours-Program", |b| {
        b.iter(|| ours_replay_gradient(&mut prog, black_box(x)))
    });
    g.bench_function("echidna-BytecodeTape", |b| {
        b.iter(|| reverse_peers::echidna_replay_gradient(&mut echidna, black_box(x)))
    });
    g.finish();

    let pts = batch::<N>(B);
    let (mut v, mut grads) = (vec![0.0; B], vec![[0.0; N]; B]);
    let mut work = Box::new(LanesWork::new());
    let mut g = c.benchmark_group(format!("rosenbrock_replay_lanes_grad_n{N}"));
    g.throughput(Throughput::Elements(B as u64));
    g.bench_function(format!("ours-Program-Lanes<f64,16>-{B}-points"), |b| {
        b.iter(|| {
            ours_lanes_replay_gradient(&mut prog, &mut work, black_box(&pts), &mut v, &mut grads)
        })
    });
    g.finish();
}

/// Shorter than criterion's defaults (16 functions, about 30 s in all); the
/// functions take nanoseconds to tens of microseconds, so the samples stay large.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = reverse;
    config = config();
    targets = record_grad_n8, replay::<8, 1024>, replay::<100, 256>, replay::<1000, 32>
}
criterion_main!(reverse);
