//! On-target tests (`harness = false`): forward, hyper-dual and tape derivatives in
//! `f32` against closed forms evaluated in `f64` on the host at build time
//! (`build.rs` → `$OUT_DIR/expected.rs`), the tape's error values, replay at new
//! inputs, and guards. Runs under QEMU on every target:
//!
//! ```text
//! cargo test --target thumbv7em-none-eabihf
//! ```
#![no_std]
#![no_main]

use ad_core::{
    Dual, Error, HyperDual, Tape, Workspace, derivative, value_and_gradient, value_and_jacobian,
};
use ad_firmware::check::{Outcome, Test, all_close, close, close_tol, ensure, no_error, run};
use ad_firmware::models::{
    log_normal, mixed, polar, relu_branch, relu_select, rosenbrock, sincos, z,
};
use ad_firmware::{ekf, traj};

#[allow(dead_code)]
mod expected {
    include!(concat!(env!("OUT_DIR"), "/expected.rs"));
}
use expected::*;

// ---------------------------------------------------------------- forward: Dual<f32, N>

fn forward_z() -> Outcome {
    let (v, g) = value_and_gradient(z, Z_X);
    close("value", v, Z_V)?;
    all_close("gradient", g, Z_G)
}

fn forward_log_normal() -> Outcome {
    let (v, g) = value_and_gradient(log_normal, LN_X);
    close("value", v, LN_V)?;
    all_close("gradient", g, LN_G)
}

fn forward_sincos() -> Outcome {
    let (v, d) = derivative(sincos, SC_X[0]);
    close("value", v, SC_V)?;
    close("derivative", d, SC_D1)
}

fn forward_rosenbrock() -> Outcome {
    let (v, g) = value_and_gradient(rosenbrock, RB_X);
    close("value", v, RB_V)?;
    all_close("gradient", g, RB_G)
}

fn forward_polar_jacobian() -> Outcome {
    let (v, j) = value_and_jacobian(polar, POLAR_X);
    all_close("value", v, POLAR_V)?;
    all_close("row 0", j[0], POLAR_J[0])?;
    all_close("row 1", j[1], POLAR_J[1])
}

fn forward_ekf_measurement_jacobian() -> Outcome {
    let x = [EKF_X[0], EKF_X[1], 0.01, -0.02];
    let (h, j) = ekf::value_and_jacobian(ekf::measurement, x);
    all_close("h", h, EKF_H)?;
    for (row, want) in j.iter().zip(EKF_J.iter()) {
        all_close("H row", *row, *want)?;
    }
    Ok(())
}

// ------------------------------------------------------------- hyper-dual: HyperDual<f32>

fn hyperdual_sincos_second() -> Outcome {
    let y = sincos(HyperDual::variable(SC_X[0]));
    close("value", y.re, SC_V)?;
    close("first (e1)", y.e1, SC_D1)?;
    close("first (e2)", y.e2, SC_D1)?;
    close("second (e12)", y.e12, SC_D2)
}

fn hyperdual_mixed_partial() -> Outcome {
    let [x, y] = MIX_X;
    let f = mixed([
        HyperDual::new(x, 1.0, 0.0, 0.0),
        HyperDual::new(y, 0.0, 1.0, 0.0),
    ]);
    close("value", f.re, MIX_V)?;
    close("d/dx", f.e1, MIX_G[0])?;
    close("d/dy", f.e2, MIX_G[1])?;
    close("d2/dxdy", f.e12, MIX_DXY)?;
    let f = mixed([HyperDual::variable(x), HyperDual::constant_of(y)]);
    close("d2/dx2", f.e12, MIX_DXX)
}

fn hyperdual_log_normal_second() -> Outcome {
    let [y, mu, s] = LN_X;
    let c = HyperDual::constant_of;
    let f = log_normal([c(y), c(mu), HyperDual::variable(s)]);
    close("d2f/dsigma2", f.e12, LN_DSS)?;
    let f = log_normal([
        HyperDual::new(y, 1.0, 0.0, 0.0),
        c(mu),
        HyperDual::new(s, 0.0, 1.0, 0.0),
    ]);
    close("df/dy", f.e1, LN_G[0])?;
    close("df/dsigma", f.e2, LN_G[2])?;
    close("d2f/dy dsigma", f.e12, LN_DYS)
}

fn hyperdual_rosenbrock_hessian() -> Outcome {
    let [x, y] = RB_X;
    let h = |a: [f32; 2], b: [f32; 2]| {
        rosenbrock([
            HyperDual::new(x, a[0], b[0], 0.0),
            HyperDual::new(y, a[1], b[1], 0.0),
        ])
        .e12
    };
    close("h00", h([1.0, 0.0], [1.0, 0.0]), RB_H[0][0])?;
    close("h01", h([1.0, 0.0], [0.0, 1.0]), RB_H[0][1])?;
    close("h11", h([0.0, 1.0], [0.0, 1.0]), RB_H[1][1])
}

// -------------------------------------------------------------- reverse: the fixed tape

fn tape_z() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let (v, g) = no_error("Tape::gradient", tape.gradient(|x| z(x), Z_X))?;
    close("value", v, Z_V)?;
    all_close("gradient", g, Z_G)
}

fn tape_log_normal() -> Outcome {
    let mut tape: Tape<f32, 32> = Tape::new();
    let mut prog = no_error("record", tape.record(LN_X, |x| [log_normal(x)]))?;
    let (v, g) = prog.gradient_at_recorded();
    close("value", v, LN_V)?;
    all_close("gradient", g, LN_G)
}

fn tape_sincos() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let (v, [d]) = no_error("Tape::gradient", tape.gradient(|[x]| sincos(x), SC_X))?;
    close("value", v, SC_V)?;
    close("derivative", d, SC_D1)
}

fn tape_rosenbrock() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let (v, g) = no_error("Tape::gradient", tape.gradient(|x| rosenbrock(x), RB_X))?;
    close("value", v, RB_V)?;
    all_close("gradient", g, RB_G)
}

fn tape_polar_jacobian() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let mut prog = no_error("record", tape.record([1.0, 1.0], |x| polar(x)))?;
    let (v, j) = no_error("jacobian", prog.jacobian(POLAR_X))?;
    all_close("value", v, POLAR_V)?;
    all_close("row 0", j[0], POLAR_J[0])?;
    all_close("row 1", j[1], POLAR_J[1])
}

fn tape_rosenbrock_hessian() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let mut prog = no_error("record", tape.record([0.0, 0.0], |x| [rosenbrock(x)]))?;
    let mut work = Workspace::<Dual<f32, 2>, 16>::new();
    let (v, g, h) = no_error("hessian", prog.hessian(RB_X, &mut work))?;
    close("value", v, RB_V)?;
    all_close("gradient", g, RB_G)?;
    all_close("row 0", h[0], RB_H[0])?;
    all_close("row 1", h[1], RB_H[1])
}

fn tape_full_returns_error() -> Outcome {
    let mut big: Tape<f32, 32> = Tape::new();
    let needed = no_error("record", big.record(LN_X, |x| [log_normal(x)]))?.len();
    let mut small: Tape<f32, 4> = Tape::new();
    let r = small.record(LN_X, |x| [log_normal(x)]);
    ensure(
        "record on a 4-node tape",
        matches!(r, Err(Error::TapeFull { capacity: 4, needed: n }) if n == needed),
        "expected Err(TapeFull { capacity: 4, needed: <length of the recording> })",
    )?;
    // The full tape is still usable for a recording that fits.
    let (v, g) = no_error(
        "record after TapeFull",
        small.gradient(|[x, y]| x * y, [3.0, 4.0]),
    )?;
    ensure(
        "x*y after TapeFull",
        v == 12.0 && g == [4.0, 3.0],
        "wrong value or gradient",
    )
}

fn tape_workspace_too_small() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let mut prog = no_error("record", tape.record(RB_X, |x| [rosenbrock(x)]))?;
    let mut work = Workspace::<Dual<f32, 2>, 2>::new();
    ensure(
        "hessian with a 2-slot workspace",
        matches!(
            prog.hessian(RB_X, &mut work),
            Err(Error::BufferTooSmall { provided: 2, .. })
        ),
        "expected Err(BufferTooSmall { provided: 2, .. })",
    )
}

fn tape_replay_log_normal() -> Outcome {
    let mut tape: Tape<f32, 32> = Tape::new();
    let mut prog = no_error("record", tape.record(LN_X, |x| [log_normal(x)]))?;
    for (x, v, g) in [
        (LN_R1_X, LN_R1_V, LN_R1_G),
        (LN_R2_X, LN_R2_V, LN_R2_G),
        (LN_X, LN_V, LN_G),
    ] {
        let (fv, fg) = no_error("replay", prog.gradient(x))?;
        close("value", fv, v)?;
        all_close("gradient", fg, g)?;
    }
    let [v] = no_error("forward", prog.forward(LN_R2_X))?;
    close("forward value", v, LN_R2_V)?;
    close("values() after forward", prog.values()[0], LN_R2_V)
}

fn tape_replay_sincos() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let mut prog = no_error("record", tape.record(SC_X, |[x]| [sincos(x)]))?;
    let (v, [d]) = no_error("replay", prog.gradient(SC_R1_X))?;
    close("value", v, SC_R1_V)?;
    close("derivative", d, SC_R1_D1)?;
    let mut work = Workspace::<Dual<f32, 1>, 16>::new();
    let (_, _, [h]) = no_error("hvp", prog.hvp(SC_R1_X, [1.0], &mut work))?;
    close("second derivative (forward-over-reverse)", h, SC_R1_D2)
}

fn tape_guard_fires() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let mut prog = no_error("record", tape.record([2.0], |[x]| [relu_branch(x) * x]))?;
    let (v, g) = no_error("replay on the recorded branch", prog.gradient([3.0]))?;
    ensure(
        "same branch",
        v == 9.0 && g == [6.0],
        "wrong value or gradient",
    )?;
    ensure(
        "replay across the branch",
        matches!(prog.gradient([-1.0]), Err(Error::BranchChanged { .. })),
        "expected Err(BranchChanged)",
    )?;
    ensure(
        "forward across the branch",
        matches!(prog.forward([-0.5]), Err(Error::BranchChanged { .. })),
        "expected Err(BranchChanged)",
    )?;
    // After a refused replay the program still replays on its branch.
    let (v, g) = no_error("replay after BranchChanged", prog.gradient([0.5]))?;
    ensure(
        "back on the branch",
        v == 0.25 && g == [1.0],
        "wrong value or gradient",
    )
}

fn tape_select_replays_both_sides() -> Outcome {
    let mut tape: Tape<f32, 16> = Tape::new();
    let mut prog = no_error("record", tape.record([2.0], |[x]| [relu_select(x) * x]))?;
    let (v, g) = no_error("x > 0", prog.gradient([3.0]))?;
    ensure("x > 0", v == 9.0 && g == [6.0], "wrong value or gradient")?;
    let (v, g) = no_error("x < 0", prog.gradient([-1.0]))?;
    ensure("x < 0", v == 0.0 && g == [0.0], "wrong value or gradient")
}

// ----------------------------------------------------------- the demo's building blocks

fn traj_tape_matches_dual() -> Outcome {
    let mut tape: Tape<f32, 256, { traj::OPS }> = Tape::new();
    let u0: [f32; traj::NU] = core::array::from_fn(|i| 0.1 * (i as f32) - 0.7);
    let mut prog = no_error("record", traj::record(&mut tape, [0.0; traj::NU]))?;
    let (v, g) = no_error("replay", prog.gradient(u0))?;
    let (dv, dg) = value_and_gradient(traj::cost, u0);
    close_tol("cost", v, f64::from(dv), 1e-5)?;
    for (a, b) in g.iter().zip(dg.iter()) {
        close_tol("gradient", *a, f64::from(*b), 1e-5)?;
    }
    let (_, c1, _) = no_error("step", traj::step(&mut prog, u0, 0.05))?;
    ensure(
        "a gradient step lowers the cost",
        c1 < v,
        "cost did not decrease",
    )
}

fn ekf_tracks_attitude() -> Outcome {
    let mut f = ekf::Ekf::new();
    let mut noise = ekf::Noise::new(0x1234_5678);
    let dt = 0.01;
    let mut err = 0.0f32;
    for k in 0..400 {
        let t = k as f32 * dt;
        let (_, w) = ekf::truth(t);
        let gyro = [w[0] + 0.03, w[1] - 0.02, w[2]];
        f.predict(gyro, dt);
        let (att1, _) = ekf::truth(t + dt);
        let mut z = ekf::measurement([att1[0], att1[1], 0.0, 0.0]);
        for zi in z.iter_mut() {
            *zi += 0.05 * noise.sample();
        }
        ensure("update", f.update(z), "singular innovation covariance")?;
        if k >= 300 {
            err = err
                .max((f.x[0] - att1[0]).abs())
                .max((f.x[1] - att1[1]).abs());
        }
    }
    ensure(
        "attitude error below 0.02 rad over the last second",
        err < 0.02,
        "EKF diverged",
    )
}

const TESTS: &[Test] = &[
    ("forward::z_gradient", forward_z),
    ("forward::log_normal_gradient", forward_log_normal),
    ("forward::sincos_derivative", forward_sincos),
    ("forward::rosenbrock_gradient", forward_rosenbrock),
    ("forward::polar_jacobian", forward_polar_jacobian),
    (
        "forward::ekf_measurement_jacobian",
        forward_ekf_measurement_jacobian,
    ),
    (
        "hyperdual::sincos_second_derivative",
        hyperdual_sincos_second,
    ),
    ("hyperdual::mixed_partial", hyperdual_mixed_partial),
    (
        "hyperdual::log_normal_second_partials",
        hyperdual_log_normal_second,
    ),
    (
        "hyperdual::rosenbrock_hessian",
        hyperdual_rosenbrock_hessian,
    ),
    ("tape::z_gradient", tape_z),
    ("tape::log_normal_gradient", tape_log_normal),
    ("tape::sincos_derivative", tape_sincos),
    ("tape::rosenbrock_gradient", tape_rosenbrock),
    ("tape::polar_jacobian", tape_polar_jacobian),
    ("tape::rosenbrock_hessian", tape_rosenbrock_hessian),
    ("tape::full_returns_error", tape_full_returns_error),
    (
        "tape::workspace_too_small_returns_error",
        tape_workspace_too_small,
    ),
    (
        "tape::replay_log_normal_at_new_inputs",
        tape_replay_log_normal,
    ),
    ("tape::replay_sincos_at_new_input", tape_replay_sincos),
    ("tape::guard_fires_on_branch_change", tape_guard_fires),
    (
        "tape::select_replays_both_sides",
        tape_select_replays_both_sides,
    ),
    ("demo::trajectory_tape_matches_dual", traj_tape_matches_dual),
    ("demo::ekf_tracks_attitude", ekf_tracks_attitude),
];

#[ad_firmware::entry]
fn main() -> ! {
    run(env!("AD_FW_TARGET"), TESTS)
}
