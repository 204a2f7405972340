//! # ad-gpu: batch evaluation of recorded programs (in development)
//!
//! This crate will turn a recorded `ad_core` program (the Wengert list of the reverse
//! tape, which lands in ad-core first) into a batch kernel: one thread per point,
//! values and derivatives for a whole batch. It has no public API yet, on purpose:
//! nothing here is a placeholder that pretends to work.
//!
//! What is coming (see `ARCHITECTURE.md` at the workspace root):
//!
//! * C / CUDA C source generation from a program, in pure Rust (always built and
//!   tested; the same kernel body compiles as host C and must agree with the CPU
//!   replay);
//! * run-time compilation with NVRTC and launch through `cudarc`, behind the `cuda`
//!   feature, with a module cache keyed by (program, mode, precision);
//! * a CPU backend that runs the same program where there is no GPU, chosen by
//!   `Backend::auto()` (no GPU is a normal case, never a panic).
//!
//! Today, batches run on the CPU through ad-core's forward types:
//!
//! ```
//! use ad_core::{gradient, Real};
//! fn f<T: Real>([x, y]: [T; 2]) -> T { x * y.exp() }
//! let batch = [[1.0_f64, 0.0], [2.0, 0.0]];
//! let grads = batch.map(|p| gradient(f, p));
//! assert_eq!(grads, [[1.0, 1.0], [1.0, 2.0]]);
//! ```
#![no_std]
