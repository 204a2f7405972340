//! Cost of gradient calls on the target: instructions (run under `-icount`, see
//! `run-qemu.sh`) and stack bytes below the caller, one line per case:
//!
//! ```text
//! COST case=lognormal_dual insns=1234 stack=96
//! ```
//!
//! `scripts/firmware.sh` runs this on every target, checks the budgets and writes the
//! table into the README. Without `-icount` the instruction counts are meaningless
//! (the counter then follows host time); the stack numbers hold either way.
#![no_std]
#![no_main]

use core::hint::black_box;

use ad_core::{Dual, Program, Tape, derivative, value_and_gradient};
use ad_firmware::models::{LOG_NORMAL_OPS, log_normal, log_normal_hand, sincos, sincos_f32};
use ad_firmware::platform::{
    Calibration, EXIT_FAILURE, Singleton, exit, peak_stack_since_paint, stack_used,
};
use ad_firmware::{ekf, println, traj};

static RECORD_TAPE: Singleton<Tape<f32, 32, LOG_NORMAL_OPS>> = Singleton::new(Tape::new());
static REPLAY_TAPE: Singleton<Tape<f32, 32, LOG_NORMAL_OPS>> = Singleton::new(Tape::new());
static TRAJ_TAPE: Singleton<Tape<f32, 256, { traj::OPS }>> = Singleton::new(Tape::new());

const X: [f32; 3] = [1.5, 0.5, 2.0];
const X2: [f32; 3] = [-1.25, 0.75, 3.0];
const SC: f32 = 0.7;

fn report(cal: &Calibration, case: &str, f: &mut dyn FnMut()) {
    let insns = cal.instructions(f);
    let stack = stack_used(f);
    println!("COST case={case} insns={insns} stack={stack}");
}

fn fail(msg: &str) -> ! {
    println!("cost: {msg}");
    exit(EXIT_FAILURE)
}

#[ad_firmware::entry]
fn main() -> ! {
    // cortex-m-rt painted the stack at reset (feature paint-stack); riscv-rt does not.
    #[cfg(target_arch = "riscv32")]
    ad_firmware::platform::stack_used(&mut || {});
    let peak_at_entry = peak_stack_since_paint();
    let cal = Calibration::measure();
    println!(
        "COST-CAL target={} empty_ticks={} ticks_per_10k_insns={}",
        env!("AD_FW_TARGET"),
        cal.empty,
        cal.per_10k
    );

    let (Some(rec), Some(rep), Some(tt)) =
        (RECORD_TAPE.take(), REPLAY_TAPE.take(), TRAJ_TAPE.take())
    else {
        fail("tapes already taken")
    };

    // Sanity: every path computes the same gradient before it is timed.
    let (_, hand) = log_normal_hand(X);
    let (_, dual) = value_and_gradient(log_normal, X);
    let mut prog: Program<'_, f32, 3, 1, LOG_NORMAL_OPS> = match rep.record(X, |x| [log_normal(x)])
    {
        Ok(p) => p,
        Err(_) => fail("recording failed"),
    };
    let (_, tape) = prog.gradient_at_recorded();
    for i in 0..3 {
        if (hand[i] - dual[i]).abs() > 1e-6 || (hand[i] - tape[i]).abs() > 1e-6 {
            fail("the gradients disagree");
        }
    }

    // The seed's normal log-density: value and gradient of 3 inputs.
    report(&cal, "lognormal_hand", &mut || {
        black_box(log_normal_hand(black_box(X)));
    });
    report(&cal, "lognormal_dual", &mut || {
        black_box(value_and_gradient(log_normal, black_box(X)));
    });
    report(&cal, "lognormal_tape_record", &mut || {
        let r = black_box(&mut *rec).gradient(|x| log_normal(x), black_box(X));
        black_box(r.is_ok());
        black_box(r.ok());
    });
    report(&cal, "lognormal_tape_replay", &mut || {
        black_box(black_box(&mut prog).gradient(black_box(X2)).ok());
    });
    report(&cal, "lognormal_tape_sweep", &mut || {
        black_box(black_box(&mut prog).gradient_at_recorded());
    });

    // The fast-math benchmark: sin(x)·exp(x) + sqrt(x)·cos(x).
    report(&cal, "sincos_f32", &mut || {
        black_box(sincos_f32(black_box(SC)));
    });
    report(&cal, "sincos_dual", &mut || {
        black_box(derivative(sincos::<Dual<f32>>, black_box(SC)));
    });
    // Past π/4, sin and cos reduce their argument (libm: rem_pio2f).
    report(&cal, "sincos_dual_x2.5", &mut || {
        black_box(derivative(sincos::<Dual<f32>>, black_box(2.5)));
    });

    // The demo's workloads.
    let mut filter = ekf::Ekf::new();
    report(&cal, "ekf_step", &mut || {
        let f = black_box(&mut filter);
        f.predict(black_box([0.01, -0.02, 0.2]), 0.01);
        black_box(f.update(black_box([0.3, -0.4, -9.7])));
    });
    let mut tprog = match traj::record(tt, [0.0; traj::NU]) {
        Ok(p) => p,
        Err(_) => fail("trajectory recording failed"),
    };
    let u: [f32; traj::NU] = core::array::from_fn(|i| 0.05 * i as f32);
    report(&cal, "traj_gradient_replay", &mut || {
        black_box(black_box(&mut tprog).gradient(black_box(u)).ok());
    });
    println!("COST-INFO traj_tape_nodes={}", tprog.len());

    println!(
        "COST-PEAK at_entry={peak_at_entry} whole_run={}",
        peak_stack_since_paint()
    );
    exit(0)
}
