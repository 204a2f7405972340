//! Criterion benchmarks of the vmath_f32 lane kernels (in development).
fn main() {}
