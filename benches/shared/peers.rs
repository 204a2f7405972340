//! The peer crates' versions of the Rosenbrock workload, shared by the criterion
//! bench and the `report` example (both `#[path]`-include this file, because the
//! peers are dev-dependencies that the `benches` library cannot name).
//!
//! Each version performs the same operations as [`benches::rosenbrock`] in the same
//! order; literals are written the way each crate's users write them.

use hyperdual::Hyperdual;
use nalgebra::{Const, SVector};
use num_dual::{DualNum, DualSVec64, HyperDualSVec64};

/// Rosenbrock for num-dual, generic over its `DualNum` (literals as `f64` operands,
/// num-dual's idiom: `DualNum: NumOps<Self::Primitive>`).
#[inline]
pub fn rosenbrock_num_dual<D: DualNum<Primitive = f64> + Copy>(x: &[D]) -> D {
    let mut sum = D::zero();
    for w in x.windows(2) {
        let (a, b) = (w[0], w[1]);
        let t = b - a * a;
        let u = -a + 1.0;
        sum = sum + t * t * 100.0 + u * u;
    }
    sum
}

/// Rosenbrock for hyperdual's `Hyperdual<f64, M>` (value plus `M - 1` tangents;
/// literals as `f64` operands, as its `Add<T>`/`Mul<T>` impls allow).
#[inline]
pub fn rosenbrock_hyperdual<const M: usize>(x: &[Hyperdual<f64, M>]) -> Hyperdual<f64, M> {
    let mut sum = Hyperdual::<f64, M>::from_real(0.0);
    for w in x.windows(2) {
        let (a, b) = (w[0], w[1]);
        let t = b - a * a;
        let u = -a + 1.0;
        sum = sum + t * t * 100.0 + u * u;
    }
    sum
}

/// The gradient with num-dual's `gradient` helper over `DualSVec64<N>`.
#[inline(never)]
pub fn num_dual_gradient<const N: usize>(x: [f64; N]) -> [f64; N] {
    let (_, g) = num_dual::gradient(
        |v: SVector<DualSVec64<N>, N>| rosenbrock_num_dual(v.as_slice()),
        &SVector::from(x),
    );
    g.into()
}

/// The gradient with hyperdual's `Hyperdual<f64, 9>` (slot 0 is the value, slot
/// `i + 1` the tangent of `x_i`), seeded as its README does but without its
/// allocating `hyperspace_from_vector` helper.
#[inline(never)]
pub fn hyperdual_gradient_n8(x: [f64; 8]) -> [f64; 8] {
    let v: [Hyperdual<f64, 9>; 8] = core::array::from_fn(|i| {
        Hyperdual::from_fn(|j| match j {
            0 => x[i],
            j if j == i + 1 => 1.0,
            _ => 0.0,
        })
    });
    let y = rosenbrock_hyperdual(&v);
    core::array::from_fn(|i| y[i + 1])
}

/// The Hessian with num-dual's hyper-dual vector type `HyperDualSVec64<N, N>`:
/// `x_i` seeded with `eps1 = eps2 = e_i`, the Hessian read from `eps1eps2`.
#[inline(never)]
pub fn num_dual_hyperdual_hessian<const N: usize>(x: [f64; N]) -> [[f64; N]; N] {
    let mut i = 0;
    let v = x.map(|xi| {
        let d = HyperDualSVec64::<N, N>::from_re(xi)
            .derivative1(i)
            .derivative2(i);
        i += 1;
        d
    });
    let y = rosenbrock_num_dual(&v);
    let h = y.eps1eps2.unwrap_generic(Const::<N>, Const::<N>);
    core::array::from_fn(|r| core::array::from_fn(|c| h[(r, c)]))
}

/// The Hessian with num-dual's `hessian` helper (over `Dual2SVec64<N>`).
#[inline(never)]
pub fn num_dual_dual2_hessian<const N: usize>(x: [f64; N]) -> [[f64; N]; N] {
    let (_, _, h) = num_dual::hessian(
        |v: SVector<num_dual::Dual2SVec64<N>, N>| rosenbrock_num_dual(v.as_slice()),
        &SVector::from(x),
    );
    core::array::from_fn(|r| core::array::from_fn(|c| h[(r, c)]))
}
