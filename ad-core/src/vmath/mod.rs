//! Branch-free vector math kernels over arrays of lanes, for `f32` ([`float32`]) and
//! `f64` ([`float64`]).
//!
//! `libm` is scalar: calling `logf` once per lane keeps a batch from vectorizing. These
//! kernels are straight-line polynomial code over `[T; L]` (range reduction with
//! integer bit operations and lane-wise selects), which the compiler turns into SIMD
//! instructions for the target's vector width; a lane that needs a slow path (a huge
//! argument to `sin`) is handled on its own without slowing the others. With `L = 1`
//! they are scalar functions: `float32::exp([x])[0]`.
//!
//! [`Lanes`](crate::Lanes) uses them for its elementary functions.

pub mod float32;
pub mod float64;
