//! # ad-nalgebra: matrix calculus on nalgebra types (in development)
//!
//! This crate will hold the nalgebra side of the `ad` family; it has no public API
//! yet, on purpose: nothing here is a placeholder that pretends to work.
//!
//! What is coming (see `ARCHITECTURE.md` at the workspace root):
//!
//! * Jacobians and Hessians of functions on `SVector`/`SMatrix`/`DVector`, with
//!   `ad_core::Dual` and `ad_core::Dual2` scalars inside nalgebra types (the simba
//!   `RealField`/`ComplexField` impls live in ad-core behind its `nalgebra` feature,
//!   because of the orphan rule);
//! * Newton, Gauss-Newton and Levenberg-Marquardt solvers that return errors (a
//!   singular system is an `Err`, never a panic);
//! * differentiating through nalgebra decompositions with dual scalars.
//!
//! Today, use `ad_core::jacobian` and `ad_core::hessian` on fixed-size arrays:
//!
//! ```
//! use ad_core::{jacobian, Real};
//! fn f<T: Real>([x, y]: [T; 2]) -> [T; 2] { [x * y, x + y] }
//! assert_eq!(jacobian(f, [2.0_f64, 3.0]), [[3.0, 2.0], [1.0, 1.0]]);
//! ```
#![no_std]
