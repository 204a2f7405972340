//! ad-core on microcontrollers, under QEMU.
//!
//! * `tests/on_target.rs`: the on-target test table (`harness = false`).
//! * `src/bin/demo.rs`: an attitude EKF with `Dual<f32, 4>` Jacobians and a trajectory
//!   optimisation by gradient steps through a fixed tape.
//! * `src/bin/cost.rs`: instruction counts and stack use of gradient calls.
//! * `src/bin/flash_*.rs`: three variants of one program (no gradient, `Dual`
//!   gradient, tape gradient) whose sizes give the flash the gradient path adds.
//! * `src/bin/nopanic.rs`: the gradient and replay paths, linked with a panic handler
//!   that refers to an undefined symbol (feature `panic-check`).
//!
//! See `README.md` and `scripts/firmware.sh`.
#![no_std]

pub mod check;
pub mod ekf;
pub mod models;
pub mod platform;
pub mod traj;

/// The program's entry point attribute of the target's runtime.
#[cfg(target_arch = "arm")]
pub use cortex_m_rt::entry;
#[cfg(target_arch = "riscv32")]
pub use riscv_rt::entry;
