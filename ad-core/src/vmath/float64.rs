//! `f64` lane kernels (in development).
