//! Batched evaluation over SIMD lanes (in development).
