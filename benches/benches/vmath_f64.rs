//! Criterion benchmarks of the vmath_f64 lane kernels (in development).
fn main() {}
