//! Every benchmarked implementation computes the same derivatives: ours against the
//! hand-written ones, the peers against ours (the report repeats these checks
//! before it times anything).

#[path = "../shared/peers.rs"]
mod peers;
#[path = "../shared/reverse_peers.rs"]
mod reverse_peers;

use ad_core::Tape;
use benches::{
    GRAD_N, HESS_N, LARGE_CAP, LOGNORMAL_AT, SMALL_CAP, exact_gradient, exact_hessian,
    exact_lognormal_gradient, generated_gradient, lognormal_pdf, max_rel_diff, ours_gradient,
    ours_hessian, ours_replay_gradient, ours_tape_gradient, point, record_rosenbrock, rosenbrock,
    value,
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

#[test]
fn reverse_gradients_agree() {
    let x = point::<GRAD_N>();
    let mut tape: Tape<f64, SMALL_CAP> = Tape::new();
    let g = ours_tape_gradient(&mut tape, x).expect("n = 8 fits SMALL_CAP");
    assert!(max_rel_diff(&g, &exact_gradient(x)) <= TOL);
    assert!(max_rel_diff(&reverse_peers::echidna_gradient(x), &g) <= TOL);
    assert!(max_rel_diff(&reverse_peers::reverse_gradient(x), &g) <= TOL);
    let engine = reverse_peers::ad_trait_engine(GRAD_N);
    assert!(max_rel_diff(&reverse_peers::ad_trait_gradient(&engine, x), &g) <= TOL);
}

/// Our replayed program and echidna's replayed bytecode tape, recorded at `point`,
/// give the exact gradient there and at a shifted point.
fn replay_agrees<const N: usize>() {
    let mut tape = Box::new(Tape::<f64, LARGE_CAP>::new());
    let mut prog = record_rosenbrock::<N, _>(&mut tape).expect("fits LARGE_CAP");
    let mut echidna = reverse_peers::echidna_record(point::<N>());
    for x in [point::<N>(), point::<N>().map(|v| v + 0.05)] {
        let g = ours_replay_gradient(&mut prog, x).expect("no branches to change");
        assert!(max_rel_diff(&g, &exact_gradient(x)) <= TOL, "ours n = {N}");
        let e = reverse_peers::echidna_replay_gradient(&mut echidna, x);
        assert!(max_rel_diff(&e, &g) <= TOL, "echidna n = {N}");
        // The generated code of the same recording: the replay's numbers exactly.
        let generated = generated_gradient::<N>().expect("generated for this n");
        let (_, gg) = generated(x).expect("no branches to change");
        assert_eq!(gg, g, "generated n = {N}");
    }
}

#[test]
fn replayed_gradients_agree() {
    replay_agrees::<8>();
    replay_agrees::<100>();
    replay_agrees::<1000>();
}

#[test]
fn lognormal_gradient_agrees() {
    let mut tape: Tape<f64, 32> = Tape::new();
    let mut prog = tape
        .record(LOGNORMAL_AT, |v| [lognormal_pdf(v)])
        .expect("fits");
    for x in [LOGNORMAL_AT, LOGNORMAL_AT.map(|v| v * 1.1)] {
        let (f, g) = prog.gradient(x).expect("no branches");
        assert!(max_rel_diff(&[f], &[lognormal_pdf(x)]) <= TOL);
        assert!(max_rel_diff(&g, &exact_lognormal_gradient(x)) <= TOL);
    }
}

#[test]
fn bytes_per_node() {
    assert_eq!(Tape::<f32, 1>::BYTES_PER_NODE, 8);
    assert_eq!(Tape::<f64, 1>::BYTES_PER_NODE, 12);
}
