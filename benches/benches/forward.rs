//! Criterion benchmarks of forward-mode gradients and Hessians against plain `f64`
//! and the peer crates num-dual and hyperdual. Run with `cargo bench -p benches`.
//!
//! Every implementation is an `#[inline(never)]` function (ours in the `benches`
//! library, the peers' in `shared/peers.rs`) called with a `black_box`ed input, so
//! each is measured as one compiled function.

#[path = "../shared/peers.rs"]
mod peers;

use std::hint::black_box;
use std::time::Duration;

use benches::{GRAD_N, HESS_N, ours_gradient, ours_hessian, point, value};
use criterion::{Criterion, criterion_group, criterion_main};

/// `rosenbrock_grad_n8`: the value alone, then the gradient by each crate.
fn grad_n8(c: &mut Criterion) {
    let x = point::<GRAD_N>();
    let mut g = c.benchmark_group("rosenbrock_grad_n8");
    g.bench_function("f64-value", |b| b.iter(|| value(black_box(x))));
    g.bench_function("ours-Dual<f64,8>", |b| {
        b.iter(|| ours_gradient(black_box(x)))
    });
    g.bench_function("num-dual-DualSVec64<8>", |b| {
        b.iter(|| peers::num_dual_gradient(black_box(x)))
    });
    g.bench_function("hyperdual-Hyperdual<f64,9>", |b| {
        b.iter(|| peers::hyperdual_gradient_n8(black_box(x)))
    });
    g.finish();
}

/// `rosenbrock_hess_n4`: the Hessian by ours and by num-dual's two second-order types.
fn hess_n4(c: &mut Criterion) {
    let x = point::<HESS_N>();
    let mut g = c.benchmark_group("rosenbrock_hess_n4");
    g.bench_function("ours-Dual2<f64,4>", |b| {
        b.iter(|| ours_hessian(black_box(x)))
    });
    g.bench_function("num-dual-HyperDualSVec64<4,4>", |b| {
        b.iter(|| peers::num_dual_hyperdual_hessian(black_box(x)))
    });
    g.bench_function("num-dual-hessian-Dual2SVec64<4>", |b| {
        b.iter(|| peers::num_dual_dual2_hessian(black_box(x)))
    });
    g.finish();
}

/// Shorter than criterion's defaults, so that the whole run takes well under a
/// minute; the functions take nanoseconds, so the samples stay large.
fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = forward;
    config = config();
    targets = grad_n8, hess_n4
}
criterion_main!(forward);
