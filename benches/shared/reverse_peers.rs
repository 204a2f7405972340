//! The reverse-mode peer crates' versions of the Rosenbrock workload, shared by the
//! criterion bench `reverse`, the `report` example and the agreement tests (each
//! `#[path]`-includes this file: the peers are dev-dependencies that the `benches`
//! library cannot name).
//!
//! Each version performs the same operations as [`benches::rosenbrock`] in the same
//! order, written the way the crate's documentation writes functions: echidna and
//! ad_trait through their generic scalar traits with constants lifted to the AD type
//! (`T::from_f(100.0)`, `T::constant(100.0)`), `reverse` on its concrete `Var` with
//! `f64` operands.

use ad_trait::AD;
use ad_trait::differentiable_function::{DifferentiableFunctionTrait, ReverseAD};
use ad_trait::function_engine::FunctionEngine;
use echidna::{BytecodeTape, Scalar};
use reverse::Gradient;

/// Copies a gradient returned as a `Vec` into an array (NaNs if the length is
/// wrong, which the agreement check then reports).
fn to_array<const N: usize>(g: &[f64]) -> [f64; N] {
    <[f64; N]>::try_from(g).unwrap_or([f64::NAN; N])
}

/// Rosenbrock for echidna, generic over its `Scalar` as in its README (used with
/// `Reverse<f64>` by `grad` and `BReverse<f64>` by `record`).
#[inline]
pub fn rosenbrock_echidna<T: Scalar<Float = f64>>(x: &[T]) -> T {
    let hundred = T::from_f(100.0);
    let one = T::from_f(1.0);
    let mut sum = T::from_f(0.0);
    for w in x.windows(2) {
        let (a, b) = (w[0], w[1]);
        let t = b - a * a;
        let u = one - a;
        sum = sum + hundred * (t * t) + u * u;
    }
    sum
}

/// The gradient with echidna's `grad` (records on its pooled thread-local
/// Adept-style tape and sweeps backward once).
#[inline(never)]
pub fn echidna_gradient<const N: usize>(x: [f64; N]) -> [f64; N] {
    to_array(&echidna::grad(rosenbrock_echidna, &x))
}

/// Records Rosenbrock at `x` into echidna's `BytecodeTape` (`echidna::record`), for
/// the replay comparison.
pub fn echidna_record<const N: usize>(x: [f64; N]) -> BytecodeTape<f64> {
    echidna::record(rosenbrock_echidna, &x).0
}

/// The gradient of a recorded `BytecodeTape` at `x` (`tape.gradient`: a forward
/// replay and a reverse sweep, no recording).
#[inline(never)]
pub fn echidna_replay_gradient<const N: usize>(
    tape: &mut BytecodeTape<f64>,
    x: [f64; N],
) -> [f64; N] {
    to_array(&tape.gradient(&x))
}

/// Rosenbrock for the `reverse` crate's `Var` (`f64` operands, as its README
/// writes them). It has no zero variable, so the sum starts at the first term;
/// `0 + x = x` exactly, so the values equal the others'.
#[inline]
pub fn rosenbrock_reverse<'a>(x: &[reverse::Var<'a>]) -> reverse::Var<'a> {
    let mut sum: Option<reverse::Var<'a>> = None;
    for w in x.windows(2) {
        let (a, b) = (w[0], w[1]);
        let t = b - a * a;
        let u = 1.0 - a;
        let s = t * t * 100.0;
        let s = sum.map_or(s, |acc| acc + s);
        sum = Some(s + u * u);
    }
    sum.unwrap_or_else(|| x[0].tape.add_var(0.0))
}

/// The gradient with the `reverse` crate, as its README does it: a new `Tape`,
/// `add_vars`, `grad()`, `wrt(&params)`.
#[inline(never)]
pub fn reverse_gradient<const N: usize>(x: [f64; N]) -> [f64; N] {
    let tape = reverse::Tape::new();
    let params = tape.add_vars(&x);
    let grads = rosenbrock_reverse(&params).grad();
    to_array(&grads.wrt(&params))
}

/// Rosenbrock for ad_trait, generic over its `AD` trait (constants as
/// `T::constant`, as its README's `coeff: T` field is).
#[inline]
pub fn rosenbrock_ad_trait<T: AD>(x: &[T]) -> T {
    let hundred = T::constant(100.0);
    let one = T::constant(1.0);
    let mut sum = T::constant(0.0);
    for w in x.windows(2) {
        let (a, b) = (w[0], w[1]);
        let t = b - a * a;
        let u = one - a;
        sum = sum + hundred * (t * t) + u * u;
    }
    sum
}

/// Rosenbrock over `n` inputs as an ad_trait `DifferentiableFunctionTrait`.
#[derive(Clone, Copy)]
pub struct AdTraitRosenbrock {
    /// The number of inputs.
    pub n: usize,
}

impl<T: AD> DifferentiableFunctionTrait<T> for AdTraitRosenbrock {
    const NAME: &'static str = "Rosenbrock";

    fn call(&self, inputs: &[T], _freeze: bool) -> Vec<T> {
        vec![rosenbrock_ad_trait(inputs)]
    }

    fn num_inputs(&self) -> usize {
        self.n
    }

    fn num_outputs(&self) -> usize {
        1
    }
}

/// ad_trait's reverse-mode engine for Rosenbrock (built once, as in its README).
pub type AdTraitEngine = FunctionEngine<AdTraitRosenbrock, AdTraitRosenbrock, ReverseAD>;

/// The engine for `n` inputs: `FunctionEngine::new(f64 version, adr version,
/// ReverseAD::new())`.
pub fn ad_trait_engine(n: usize) -> AdTraitEngine {
    let f = AdTraitRosenbrock { n };
    FunctionEngine::new(f, f, ReverseAD::new())
}

/// The gradient with ad_trait's reverse mode (`engine.derivative`: resets its
/// global graph, records over `adr`, sweeps backward, returns a 1 × N `DMatrix`).
#[inline(never)]
pub fn ad_trait_gradient<const N: usize>(engine: &AdTraitEngine, x: [f64; N]) -> [f64; N] {
    let (_, d) = engine.derivative(&x);
    core::array::from_fn(|i| if d.ncols() == N { d[(0, i)] } else { f64::NAN })
}
