//! Every benchmarked implementation computes the same derivatives: ours against the
//! hand-written ones, the peers against ours (the report repeats these checks
//! before it times anything).

#[path = "../shared/peers.rs"]
mod peers;

use benches::{
    GRAD_N, HESS_N, exact_gradient, exact_hessian, max_rel_diff, ours_gradient, ours_hessian,
    point, rosenbrock, value,
};

const TOL: f64 = 1e-12;

fn flat<const N: usize>(m: [[f64; N]; N]) -> Vec<f64> {
    m.iter().flatten().copied().collect()
}

#[test]
fn values_agree() {
    let x = point::<GRAD_N>();
    let v = value(x);
    let xd: [num_dual::Dual64; GRAD_N] = x.map(num_dual::Dual64::from_re);
    assert!(max_rel_diff(&[peers::rosenbrock_num_dual(&xd).re], &[v]) <= TOL);
    assert_eq!(rosenbrock(&[1.0_f64; GRAD_N]), 0.0);
}

#[test]
fn gradients_agree() {
    let x = point::<GRAD_N>();
    let g = ours_gradient(x);
    assert!(max_rel_diff(&g, &exact_gradient(x)) <= TOL);
    assert!(max_rel_diff(&peers::num_dual_gradient(x), &g) <= TOL);
    assert!(max_rel_diff(&peers::hyperdual_gradient_n8(x), &g) <= TOL);
}

#[test]
fn hessians_agree() {
    let x = point::<HESS_N>();
    let h = flat(ours_hessian(x));
    assert!(max_rel_diff(&h, &flat(exact_hessian(x))) <= TOL);
    assert!(max_rel_diff(&flat(peers::num_dual_hyperdual_hessian(x)), &h) <= TOL);
    assert!(max_rel_diff(&flat(peers::num_dual_dual2_hessian(x)), &h) <= TOL);
}
