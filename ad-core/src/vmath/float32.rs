//! `f32` lane kernels (in development).
