//! Firmware demo in `f32`, run under QEMU:
//!
//! 1. an attitude estimator (EKF for roll, pitch and two gyro biases) whose process
//!    and measurement Jacobians come from `Dual<f32, 4>`, fed by a simulated gyro
//!    (with bias and noise) and accelerometer (with noise);
//! 2. a trajectory optimisation: gradient steps on a 16-variable cost recorded once on
//!    a fixed tape in RAM and replayed at every step.
//!
//! Exits with failure when the estimate does not converge or the cost does not drop.
//!
//! ```text
//! cargo run --release --bin demo --target thumbv6m-none-eabi
//! ```
#![no_std]
#![no_main]

use ad_core::{Tape, value_and_gradient};
use ad_firmware::platform::{EXIT_FAILURE, Singleton, exit};
use ad_firmware::{ekf, println, traj};

/// The trajectory tape lives in RAM (.bss), not on the stack.
static TRAJ_TAPE: Singleton<Tape<f32, 256, { traj::OPS }>> = Singleton::new(Tape::new());

fn deg(r: f32) -> f32 {
    r * 57.295_78
}

fn attitude() -> bool {
    println!("== attitude EKF: state [roll, pitch, gyro bias p, gyro bias q], 100 Hz, 10 s");
    println!("   Jacobians F = df/dx and H = dh/dx by Dual<f32, 4>");
    let (bias_p, bias_q) = (0.03f32, -0.02f32);
    let dt = 0.01f32;
    let mut f = ekf::Ekf::new();
    let mut gyro_noise = ekf::Noise::new(0x2545_F491);
    let mut acc_noise = ekf::Noise::new(0x9E37_79B9);
    let (mut sq, mut n) = (0.0f32, 0u32);
    println!("     t   roll true/est (deg)   pitch true/est (deg)   bias p, q est (rad/s)");
    for k in 0..1000u32 {
        let t = k as f32 * dt;
        let (_, w) = ekf::truth(t);
        let gyro = [
            w[0] + bias_p + 0.005 * gyro_noise.sample(),
            w[1] + bias_q + 0.005 * gyro_noise.sample(),
            w[2] + 0.005 * gyro_noise.sample(),
        ];
        f.predict(gyro, dt);
        let (att, _) = ekf::truth(t + dt);
        let mut z = ekf::measurement([att[0], att[1], 0.0, 0.0]);
        for zi in z.iter_mut() {
            *zi += 0.05 * acc_noise.sample();
        }
        if !f.update(z) {
            println!("singular innovation covariance at step {k}");
            return false;
        }
        if (k + 1) % 100 == 0 {
            println!(
                "  {:4.1}   {:7.2} / {:7.2}     {:7.2} / {:7.2}      {:7.4}, {:7.4}",
                t + dt,
                deg(att[0]),
                deg(f.x[0]),
                deg(att[1]),
                deg(f.x[1]),
                f.x[2],
                f.x[3]
            );
        }
        if k >= 500 {
            let (e0, e1) = (f.x[0] - att[0], f.x[1] - att[1]);
            sq += e0 * e0 + e1 * e1;
            n += 2;
        }
    }
    let rms = libm::sqrtf(sq / n as f32);
    let (eb_p, eb_q) = ((f.x[2] - bias_p).abs(), (f.x[3] - bias_q).abs());
    println!(
        "   rms attitude error over the last 5 s: {:.3} deg; bias error: {:.4}, {:.4} rad/s",
        deg(rms),
        eb_p,
        eb_q
    );
    let ok = deg(rms) < 0.5 && eb_p < 0.01 && eb_q < 0.01;
    println!("   {}", if ok { "converged" } else { "DID NOT CONVERGE" });
    ok
}

fn trajectory() -> bool {
    println!(
        "\n== trajectory optimisation: {} steps of a planar double integrator, {} controls",
        traj::STEPS,
        traj::NU
    );
    println!(
        "   from rest at (0, 0) to ({}, {}) around an obstacle at ({}, {})",
        traj::GOAL[0],
        traj::GOAL[1],
        traj::OBSTACLE[0],
        traj::OBSTACLE[1]
    );
    let Some(tape) = TRAJ_TAPE.take() else {
        return false;
    };
    let mut u = [0.0f32; traj::NU];
    let mut prog = match traj::record(tape, u) {
        Ok(p) => p,
        Err(e) => {
            println!("recording failed: {e}");
            return false;
        }
    };
    println!(
        "   recorded once: {} nodes on a Tape<f32, 256> ({} bytes per node + sweep scratch)",
        prog.len(),
        Tape::<f32, 256>::BYTES_PER_NODE
    );
    // The tape's gradient agrees with forward mode at the start.
    let check: [f32; traj::NU] = core::array::from_fn(|i| 0.2 - 0.03 * i as f32);
    let (_, dg) = value_and_gradient(traj::cost, check);
    let tg = match prog.gradient(check) {
        Ok((_, g)) => g,
        Err(e) => {
            println!("replay failed: {e}");
            return false;
        }
    };
    let diff = tg
        .iter()
        .zip(dg.iter())
        .fold(0.0f32, |m, (a, b)| m.max((a - b).abs()));
    println!("   tape gradient vs Dual<f32, 16>: max |difference| = {diff:e}");

    let c0 = traj::cost(u);
    let mut c = c0;
    let mut alpha = 0.1f32;
    println!("   iter   cost        step");
    for it in 1..=150 {
        match traj::step(&mut prog, u, alpha) {
            Ok((next, cost, taken)) => {
                u = next;
                c = cost;
                if taken > 0.0 {
                    // Try a longer step next time, as a simple adaptive rule.
                    alpha = (taken * 1.5).min(0.5);
                }
            }
            Err(e) => {
                println!("replay failed: {e}");
                return false;
            }
        }
        if it % 25 == 0 || it == 1 {
            println!("   {it:4}   {c:9.5}   {alpha:.3}");
        }
    }
    let ([px, py, vx, vy], closest) = traj::endpoint(u);
    println!("   end state: position ({px:.3}, {py:.3}), velocity ({vx:.3}, {vy:.3})");
    println!(
        "   closest approach to the obstacle: {closest:.3} (radius scale {})",
        traj::RHO
    );
    let ok = c < 0.2 * c0 && diff < 1e-4;
    println!(
        "   cost {c0:.4} -> {c:.4}: {}",
        if ok { "optimised" } else { "DID NOT IMPROVE" }
    );
    ok
}

#[ad_firmware::entry]
fn main() -> ! {
    println!("ad firmware demo on {}", env!("AD_FW_TARGET"));
    let a = attitude();
    let t = trajectory();
    exit(if a && t { 0 } else { EXIT_FAILURE })
}
