//! The link-time no-panic proof. Built in release (LTO, opt-level "s") with feature
//! `panic-check`, whose panic handler calls a function defined nowhere: the binary
//! links only if LTO removed every path to a panic from everything below. It calls
//! the gradient and replay paths of ad-core (forward, hyper-dual, the tape: record,
//! sweep, replay, vjp, Jacobian, forward-over-reverse, the error returns) and the
//! demo's EKF step and trajectory step, and prints nothing (formatting has panics of
//! its own); the exit code says whether the results were right.
#![no_std]
#![no_main]

use core::hint::black_box;

use ad_core::{Dual, Error, HyperDual, Tape, Workspace, derivative, value_and_gradient};
use ad_firmware::models::{log_normal, log_normal_hand, polar, relu_branch, sincos};
use ad_firmware::platform::{Singleton, exit};
use ad_firmware::{ekf, traj};

static TAPE: Singleton<Tape<f32, 32>> = Singleton::new(Tape::new());
static SMALL: Singleton<Tape<f32, 4>> = Singleton::new(Tape::new());
static TRAJ: Singleton<Tape<f32, 256, { traj::OPS }>> = Singleton::new(Tape::new());

fn near(a: f32, b: f32) -> bool {
    (a - b).abs() <= 1e-5 * (1.0 + b.abs())
}

fn run() -> Result<bool, Error> {
    let x = black_box([1.5f32, 0.5, 2.0]);
    let x2 = black_box([-1.25f32, 0.75, 3.0]);
    let (hv, hg) = log_normal_hand(x2);
    let mut ok = true;

    // Forward mode.
    let (v, g) = value_and_gradient(log_normal, x2);
    ok &= near(v, hv) && g.iter().zip(hg.iter()).all(|(a, b)| near(*a, *b));
    let (_, d) = derivative(sincos::<Dual<f32>>, black_box(0.7));
    ok &= d.is_finite();
    let h = sincos(HyperDual::variable(black_box(0.7f32)));
    ok &= h.e12.is_finite();

    // The tape: record, sweep, replay.
    let Some(tape) = TAPE.take() else {
        return Ok(false);
    };
    let mut prog = tape.record(x, |x| [log_normal(x)])?;
    let (_, g0) = prog.gradient_at_recorded();
    ok &= g0.iter().all(|v| v.is_finite());
    let (v, g) = prog.gradient(x2)?;
    ok &= near(v, hv) && g.iter().zip(hg.iter()).all(|(a, b)| near(*a, *b));
    let [fv] = prog.forward(x)?;
    ok &= fv.is_finite();
    let (_, vg) = prog.vjp(x2, [2.0])?;
    ok &= near(vg[0], 2.0 * hg[0]);
    let mut work = Workspace::<Dual<f32, 3>, 32>::new();
    let (_, _, hess) = prog.hessian(x2, &mut work)?;
    ok &= hess[2][2].is_finite();

    // A full tape and a changed branch are errors, not panics.
    let Some(small) = SMALL.take() else {
        return Ok(false);
    };
    ok &= matches!(
        small.record(x, |x| [log_normal(x)]),
        Err(Error::TapeFull { .. })
    );
    let (_, [gr]) = small.gradient(|[t]| relu_branch(t), [black_box(2.0)])?;
    ok &= gr == 1.0;
    let mut p2 = small.record([black_box(2.0f32), 1.0], |x| polar(x))?;
    let (_, j) = p2.jacobian([3.0, 4.0])?;
    ok &= near(j[0][0], 0.6);
    let mut p3 = small.record([black_box(2.0f32)], |[t]| [relu_branch(t)])?;
    ok &= matches!(
        p3.gradient([black_box(-1.0)]),
        Err(Error::BranchChanged { .. })
    );

    // The demo: a trajectory step through the fixed tape, an EKF step.
    let Some(tt) = TRAJ.take() else {
        return Ok(false);
    };
    let mut tp = traj::record(tt, [0.0; traj::NU])?;
    let (_, c, _) = traj::step(&mut tp, black_box([0.1; traj::NU]), 0.05)?;
    ok &= c.is_finite();
    let mut f = ekf::Ekf::new();
    f.predict(black_box([0.01, -0.02, 0.2]), 0.01);
    ok &= f.update(black_box([0.3, -0.4, -9.7]));

    // The negative control: a bounds check the optimiser cannot remove.
    #[cfg(feature = "panic-check-selftest")]
    {
        let table = [1u8, 2, 3, 4];
        ok &= table[black_box(7usize)] == 1;
    }
    Ok(ok)
}

#[ad_firmware::entry]
fn main() -> ! {
    let ok = matches!(run(), Ok(true));
    exit(u32::from(!ok))
}
