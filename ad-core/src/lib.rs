//! # ad-core: automatic differentiation without an allocator
//!
//! Write a function once, generic over [`Real`] (or over `num_traits::Float`, which
//! every `Real` also is), and differentiate it exactly by choosing the number type:
//!
//! ```
//! use ad_core::{gradient, hessian, Real};
//!
//! // z = x1·x2 + sin(x1), the seed example of forward and reverse accumulation.
//! fn z<T: Real>([x1, x2]: [T; 2]) -> T {
//!     x1 * x2 + x1.sin()
//! }
//!
//! let g = gradient(z, [1.0_f64, 2.0]);
//! assert_eq!(g, [2.0 + 1.0f64.cos(), 1.0]);
//!
//! let h = hessian(z, [1.0_f64, 2.0]);
//! assert_eq!(h, [[-1.0f64.sin(), 1.0], [1.0, 0.0]]);
//! ```
//!
//! The crate is `#![no_std]` and never allocates: every number type is a fixed-size
//! `Copy` value, so the same code runs on a Cortex-M0 and on a desktop.
//!
//! ## Number types
//!
//! | type | carries | use for |
//! |---|---|---|
//! | [`Dual<T, N>`] | value + `N` tangents | derivatives, gradients, Jacobians, jvp (forward mode) |
//! | [`HyperDual<T>`] | value, `ε₁`, `ε₂`, `ε₁ε₂` | one exact second or mixed partial |
//! | [`Dual2<T, N>`] | value, gradient, Hessian | a whole Hessian in one pass |
//! | `Dual<Dual<T>>`, ... | nested | higher orders: each level differentiates the one inside |
//! | [`Var<'id, T>`](Var) on a [`Tape`] | value + node on a fixed-capacity tape | reverse mode: gradients of many inputs, record once and [replay](Program) many times |
//! | [`Lanes<T, L>`](Lanes) | `L` independent points | batches (the seed's `vmap`): `Dual<Lanes<f32, 8>, 3>` is 8 gradients at once, a [`Program`] replayed over `Lanes` is batched reverse mode |
//!
//! `T` is `f32`, `f64`, or another AD type. Aliases fix the precision: [`Dual64`],
//! [`Dual32`], [`HyperDual64`], [`HyperDual32`], [`Dual2_64`], [`Dual2_32`].
//!
//! The helpers [`derivative`], [`second_derivative`], [`gradient`],
//! [`value_and_gradient`], [`jacobian`], [`value_and_jacobian`], [`jvp`],
//! [`hessian`], [`value_gradient_hessian`] and [`hvp`] seed the inputs and unpack
//! the result for functions on fixed-size arrays.
//!
//! Reverse mode records the same generic function on a [`Tape`] (no allocator,
//! `const fn new`, a full tape is an error value, never a panic) and returns a
//! [`Program`] that replays at new inputs: values, gradient, vjp, Jacobian, and
//! Hessians by forward-over-reverse; a sparse Hessian with one tangent per color of
//! its columns ([`HessianColoring`], read off the program). **Branches are frozen at recording time**: every
//! comparison is recorded as a guard and a replay that would take another branch
//! returns [`Error::BranchChanged`]; use [`Real::select`] for branches that must stay
//! differentiable on replay. See the [`Tape`] docs.
//!
//! ```
//! use ad_core::{Real, Tape};
//! fn z<T: Real>([x1, x2]: [T; 2]) -> T { x1 * x2 + x1.sin() }
//! let mut tape: Tape<f32, 16> = Tape::new();
//! let mut prog = tape.record([1.0, 2.0], |x| [z(x)])?;
//! for x1 in [0.0_f32, 0.5, 1.0] {
//!     let (_, g) = prog.gradient([x1, 2.0])?;
//!     assert_eq!(g, [2.0 + x1.cos(), x1]);
//! }
//! # Ok::<(), ad_core::Error>(())
//! ```
//!
//! ## Batches: `vmap` over SIMD lanes
//!
//! [`Lanes<T, L>`](Lanes) holds `L` points and implements [`Real`], so every mode
//! above runs over a batch unchanged; its elementary functions use the branch-free
//! vector kernels of [`vmath`], and its arithmetic explicit SIMD back ends where the
//! target has registers of that width. The [`vmap`] helpers run a function over a slice
//! of points in chunks of `L` and write into caller-provided slices:
//!
//! ```
//! use ad_core::{vmap, Real};
//! fn f<T: Real>([x, y]: [T; 2]) -> T { x * y + x.sin() }
//! let points = [[0.0_f64, 1.0], [1.0, 2.0], [2.0, 3.0]];
//! let (mut v, mut g) = ([0.0; 3], [[0.0; 2]; 3]);
//! vmap::gradient::<4, _, _, _>(f, &points, &mut v, &mut g)?;
//! assert_eq!(g[1][1], 1.0);
//! # Ok::<(), ad_core::Error>(())
//! ```
//!
//! Lane-wise choices go through [`Real::mask`]/[`Real::select`]; ordinary comparisons
//! on `Lanes` speak for the whole batch (see [`Lanes`]).
//!
//! ## One rules table
//!
//! Every elementary function (value, first and second derivative) is written once, in
//! [`rules`]; each number type applies the chain rule to a row of it. Values are always
//! computed by the primitive function itself, never rebuilt from a derivative formula.
//! The elementary functions are inherent methods of each AD type with the standard
//! names (`sin`, `powf`, `atan2`, ...), so they never become ambiguous when another
//! trait with the same method names (nalgebra's `ComplexField`) is in scope.
//!
//! ## Features
//!
//! * `std` (default): the standard library's math.
//! * `libm`: the `libm` crate's math, for `no_std` targets. With both on, `std` wins.
//! * `alloc`: [`VecTape`], a growable tape (implied by `std`).
//! * `fast-f32`: the `f32` elementary functions (`sin`, `cos`, `tan`, `exp`, `ln`,
//!   `log2`, `log10`, `atan`, `tanh`, `sqrt`, `powf`) use ad-core's pure-`f32`
//!   [`kernels`] (at most 1.5 ulp, `sqrt` correctly rounded and the FPU's `vsqrt` on
//!   hard-float Arm) instead of libm's, which compute `sinf` in software `f64` on a
//!   Cortex-M4F. Worth it on microcontrollers with a single-precision FPU (about 17×
//!   fewer instructions for a `Dual<f32>` of `sin·exp + sqrt·cos` on the M4F); on
//!   soft-float cores (Cortex-M0, RV32IMAC) libm is faster. With it on, an AD value of
//!   such a function is the kernel's, which can differ from `f32::sin` (std or libm)
//!   in the last bit.
//!
//! * `portable-lanes`: [`Lanes`] arithmetic through portable loops only, not the
//!   explicit SIMD back ends (for testing the portable path on x86 and aarch64).
//!
//! One of `std` and `libm` is required (a `compile_error!` says so). All primitive math goes
//! through one private module, so a build uses one math library throughout.
//!
//! ## Special points
//!
//! One policy, the same for every number type and every nesting depth, and pinned by
//! tests (`tests/special_points.rs`):
//!
//! 1. **Values are the primitive's.** The value of `x.powf(y)` is exactly
//!    `f64::powf`'s (or libm's) result; a derivative computation never touches it.
//!    (Exceptions, all for accuracy: `acosh` and `atanh` under `std` are ad-core's
//!    own accurate formulas, as is `asinh` of arguments above `1/ε`, where `std`'s
//!    overflows; under `fast-f32` the `f32` functions listed there are ad-core's
//!    kernels; the elementary functions of [`Lanes`] are the [`vmath`] kernels.)
//! 2. **Strong zeros.** A tangent that is exactly zero in every component contributes
//!    exactly zero, even when the local partial is ±∞ or NaN. Constants therefore never
//!    poison derivatives: `d/dy [√x + y]` at `x = 0` is `1`, and `d/dx x^2.5` at `0`
//!    with a constant exponent is `0`.
//! 3. **Boundaries of the domain** give the one-sided limit from inside the domain,
//!    whatever the sign of a zero argument: `+∞` for a vertical tangent.
//! 4. **Kinks** (`abs`, `hypot` at the origin) give the minimum-norm subgradient, `0`.
//! 5. **Genuinely undefined** derivatives (`atan2(0, 0)`) are NaN: a NaN is a clear
//!    error, a made-up number is not.
//! 6. **Piecewise-constant** functions (`floor`, `ceil`, `round`, `trunc`, `signum`)
//!    have derivative `0` everywhere, including at jumps, `±∞` and NaN; `fract` has `1`.
//! 7. **NaN in, NaN out** for the derivatives of every smooth function whose
//!    derivative depends on its argument; a derivative that is a constant stays that
//!    constant (`-x`: `-1`, `x + c`: `1`, `powi(x, 0)`: `0`, `powi(x, 1)`: `1`). `±∞`
//!    inputs give the limit of the derivative where it exists (NaN where the function
//!    oscillates: `sin(∞)`).
//! 8. **Arithmetic** (`+ - * /`) follows the same strong-zero rule. The plain product
//!    and quotient rules run while every component of the operands is finite (the
//!    common case, and the fast path); otherwise an exactly zero tangent times an
//!    infinite value contributes zero, so `x · ∞` differentiated along another input is
//!    `0`, and nesting (`Dual<Dual<_>>`) reproduces the infinite second derivatives of
//!    the table instead of `∞ · 0 = NaN`. Beyond that, IEEE arithmetic applies.
//! 9. **Reverse mode** (the [`Tape`]) applies strong zeros structurally: a node that no
//!    output reaches (the branch a `select` did not take, dead code) contributes
//!    nothing, while a reached adjoint that is exactly zero still multiplies its
//!    partials. At an indeterminate `0 · ∞` point the two modes can therefore differ
//!    (`d/dx √(x·0)` at `x = 0`: forward mode `0`, reverse mode NaN); everywhere else
//!    they agree to rounding (tested on every elementary function and on random
//!    programs).
//! 10. **Lanes** ([`Lanes`]) apply every rule above lane by lane: a lane of a batched
//!     computation is the scalar computation at that point, strong zeros, selects and
//!     reverse-mode reachability included (`tests/lanes.rs`).
//!
//! | point | value | derivative |
//! |---|---|---|
//! | `sqrt(±0)` | `±0` | `+∞` (second: `-∞`) |
//! | `cbrt(±0)` | `±0` | `+∞` (second: `∓∞`, the sign of the side) |
//! | `abs(+0)`, `abs(-0)` | `+0` | `0` (second: `0`) |
//! | `powf(0, y)`, `y = 0, 0.5, 1, 2, 2.5, -1` | `1, 0, 0, 0, 0, +∞` | `∂/∂x`: `0, +∞, 1, 0, 0, -∞`; `∂/∂y`: `-∞, 0, 0, 0, 0, -∞` |
//! | `powf(0, y)` second partials, `y = 0, 0.5, 1, 2` | | `∂²/∂x∂y`: `NaN, -∞, -∞, 0`; `∂²/∂y²`: `+∞, 0, 0, 0`, in every second-order mode (nested and forward-over-reverse included) |
//! | `powi(0, k)`, `k = 0, 1, 2, -1` | `1, 0, 0, +∞` | `0, 1, 0, -∞` |
//! | `atan2(0, 0)` (`y.atan2(x)`) | IEEE (`±0` or `±π`) | `NaN`, `NaN` |
//! | `atan2(1, 0)` | `π/2` | `∂/∂y = 0`, `∂/∂x = -1` |
//! | `atan2(0, -1)` | `π` | `∂/∂y = -1`, `∂/∂x = 0` |
//! | `hypot(0, 0)` | `0` | `0`, `0` (second: `0`) |
//! | `hypot(±∞, y)` | `+∞` | `±1`, `0` |
//! | `ln(±0)`, `log2(±0)`, `log10(±0)`, `ln_1p(-1)` | `-∞` | `+∞` (second: `-∞`) |
//! | `asin(±1)` / `acos(±1)` | `±π/2` / `0, π` | `+∞` / `-∞` |
//! | `atanh(±1)` / `acosh(1)` | `±∞` / `0` | `+∞` / `+∞` |
//! | `recip(±0)` | `±∞` | `-∞` |
//! | `floor`, `ceil`, `round`, `trunc`, `signum` (any input) | IEEE | `0` |
//! | `fract` (any input) | `x - trunc(x)` | `1` |
//! | `min(x, y)`, `max(x, y)` with `x == y` | `x` | `½`, `½` (so `min(x, x)` has derivative `1`) |
//! | `min`/`max` with one NaN argument | the other argument | the other argument's |
//! | any smooth function of NaN | NaN | NaN (a constant derivative stays: `-x` has `-1`) |
//! | `exp(-∞)`, `tanh(±∞)`, `atan(±∞)`, `sqrt(∞)`, `ln(∞)` | `0, ±1, ±π/2, ∞, ∞` | `0` |
//! | `exp(∞)`, `sinh(±∞)`, `cosh(±∞)` | `∞, ±∞, ∞` | `∞, ∞, ±∞` |
//! | `sin`, `cos`, `tan` of `±∞` | NaN | NaN |
//!
//! Comparisons (`==`, `<`, `partial_cmp`) and [`num_traits::Zero::is_zero`] look at the
//! value only, the AD convention: a branch in user code follows the value.
//! [`Real::is_exact_zero`] looks at every component.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unconditional_recursion)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod checkpoint;
mod derivatives;
mod dual;
mod dual2;
mod error;
mod fmt;
mod hyperdual;
pub mod kernels;
mod lanes;
mod macros;
mod math;
mod real;
pub mod rules;
mod tape;
pub mod vmap;
pub mod vmath;

pub use checkpoint::{BinomialSchedule, CheckpointAction, CheckpointStats, Checkpointer, Step};
pub use derivatives::{
    derivative, gradient, hessian, hvp, jacobian, jvp, second_derivative, value_and_gradient,
    value_and_jacobian, value_gradient_hessian,
};
pub use dual::{Dual, Dual32, Dual64};
pub use dual2::{Dual2, Dual2_32, Dual2_64};
pub use error::Error;
pub use hyperdual::{HyperDual, HyperDual32, HyperDual64};
pub use lanes::{LaneMask, LaneMath, Lanes};
pub use real::{Compare, MaskOps, Primitive, Real};
#[cfg(feature = "alloc")]
pub use tape::VecTape;
pub use tape::{
    Cond, HessianColoring, MAX_CUSTOM, Program, SparsityWork, Table, Tape, Var, Workspace, ops,
};
