//! Reverse mode through a 1,000-step time integration in a few kilobytes: binomial
//! checkpointing with `Checkpointer`.
//!
//! A damped pendulum `θ'' = -κ sin θ - c θ'` is integrated with classical RK4 for
//! 1,000 steps. We want the gradient of the final energy `E = ½ω² + κ(1 - cos θ)`
//! with respect to the initial angle and velocity **and** the two parameters `c` and
//! `κ`, which ride along in the state (each step leaves them unchanged).
//!
//! Recording the whole loop on one tape would need 1,000 × (nodes per step) nodes.
//! The checkpointer keeps 10 states and a tape for one step, recomputes the states it
//! did not keep (Griewank–Walther binomial schedule), and checks its gradient against
//! forward mode (`Dual<f64, 4>` carried through all 1,000 steps).
//!
//! Run: `cargo run --release --example checkpointing`

use std::mem::size_of;
use std::process::ExitCode;
use std::time::Instant;

use ad_core::{BinomialSchedule, Checkpointer, Real, Step, Tape, gradient};

/// Loop length.
const K: usize = 1000;
/// Stored states (the initial one included).
const C: usize = 10;
/// Nodes of the one-step tape.
const STEP_CAP: usize = 256;
/// Nodes of the tape that records the whole loop, for the comparison only.
const UNROLLED_CAP: usize = 1 << 16;

/// One RK4 step of the damped pendulum, state `[θ, ω, c, κ]`, time step `h`.
struct Pendulum {
    h: f64,
}

impl Pendulum {
    fn rhs<R: Real>([th, om, c, kappa]: [R; 4]) -> [R; 2] {
        [om, -(kappa * th.sin()) - c * om]
    }
}

impl Step<4> for Pendulum {
    fn step<R: Real>(&self, x: [R; 4], _k: usize) -> [R; 4] {
        let h = R::constant(self.h);
        let half = R::constant(0.5 * self.h);
        let at = |a: R, d: [R; 2]| [x[0] + a * d[0], x[1] + a * d[1], x[2], x[3]];
        let k1 = Self::rhs(x);
        let k2 = Self::rhs(at(half, k1));
        let k3 = Self::rhs(at(half, k2));
        let k4 = Self::rhs(at(h, k3));
        let sixth = R::constant(self.h / 6.0);
        let two = R::constant(2.0);
        let next = |i: usize| x[i] + sixth * (k1[i] + two * (k2[i] + k3[i]) + k4[i]);
        [next(0), next(1), x[2], x[3]]
    }
}

/// The loss: the energy of the final state.
fn energy<R: Real>([th, om, _c, kappa]: [R; 4]) -> R {
    R::constant(0.5) * om * om + kappa * (R::one() - th.cos())
}

fn main() -> ExitCode {
    let step = Pendulum { h: 0.01 };
    // θ₀ = 2 rad, ω₀ = 0, damping c = 0.15 /s, κ = g/L = 9.81 /s².
    let x0 = [2.0_f64, 0.0, 0.15, 9.81];

    // Reverse mode with checkpoints. Boxed only to keep `main`'s frame small; the
    // checkpointer is a plain value (it could be a `static` on a microcontroller).
    let mut cp: Box<Checkpointer<f64, 4, C, STEP_CAP>> = Box::new(Checkpointer::new());
    let t0 = Instant::now();
    let result = cp.vjp_with(&step, x0, K, |xk| gradient(energy, xk));
    let t_reverse = t0.elapsed();
    let (xk, grad) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("checkpointed reverse mode failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stats = cp.stats();

    // Forward mode through the whole loop: the reference.
    let t0 = Instant::now();
    let fwd = gradient(|x| energy(step.run(x, K)), x0);
    let t_forward = t0.elapsed();
    // The unrolled tape, allocated here only for the comparison: the whole loop on
    // one tape, pulled back with the same cotangent. The step tapes hold the same
    // operations on the same values and sum each cotangent in the same order, so the
    // gradients agree bit for bit.
    let mut big: Box<Tape<f64, UNROLLED_CAP>> = Box::new(Tape::new());
    let t0 = Instant::now();
    let unrolled = big
        .record(x0, |x| step.run(x, K))
        .and_then(|mut prog| prog.vjp(x0, gradient(energy, xk)));
    let t_unrolled = t0.elapsed();
    let unrolled_same = match unrolled {
        Ok((xu, gu)) => xu == xk && gu.map(f64::to_bits) == grad.map(f64::to_bits),
        Err(e) => {
            eprintln!("the unrolled tape failed: {e}");
            false
        }
    };
    // And the plain loop, for the cost of one run.
    let t0 = Instant::now();
    let plain = step.run(std::hint::black_box(x0), K);
    let t_plain = t0.elapsed();

    // Memory.
    let sched = BinomialSchedule::<C>::new(K);
    let per_node = size_of::<Tape<f64, STEP_CAP>>() / STEP_CAP;
    let unrolled_nodes = K * stats.max_step_nodes;
    let used = size_of::<Checkpointer<f64, 4, C, STEP_CAP>>();

    println!(
        "Damped pendulum, RK4, h = {}, {K} steps (t = {} s)",
        step.h,
        step.h * K as f64
    );
    println!("  x_0 = [θ, ω, c, κ] = {x0:?}");
    println!("  x_K = {xk:?}");
    println!("  final energy E = {:.12}", energy(xk));
    println!();
    println!("Memory");
    println!(
        "  nodes per step                      {:>10}",
        stats.max_step_nodes
    );
    println!(
        "  unrolled tape (K × nodes per step)  {:>10} nodes = {:>9} bytes ({per_node} bytes/node with sweep scratch)",
        unrolled_nodes,
        unrolled_nodes * per_node
    );
    println!(
        "  checkpointer: {C} states + {STEP_CAP}-node step tape      = {used:>9} bytes ({:.1}% of the unrolled tape)",
        100.0 * used as f64 / (unrolled_nodes * per_node) as f64
    );
    println!();
    println!(
        "Work (schedule: repetition number r = {})",
        sched.repetitions()
    );
    println!(
        "  plain step evaluations (recomputation) {:>6}  (schedule predicts {}, i.e. {:.2} per step)",
        stats.forward_steps,
        sched.forward_steps(),
        stats.forward_steps as f64 / K as f64
    );
    println!(
        "  recorded steps                         {:>6}",
        stats.recorded_steps
    );
    println!(
        "  checkpoint slots used                  {:>6}",
        stats.checkpoints_used
    );
    println!(
        "  time: checkpointed reverse {t_reverse:?}, unrolled tape {t_unrolled:?}, \
         forward mode Dual<f64, 4> {t_forward:?}, plain loop {t_plain:?}"
    );
    println!();

    // The check. Reverse and forward mode multiply the 1,000 step Jacobians in
    // opposite orders, so they agree to rounding only; the loop is damped (not
    // chaotic), so the rounding stays near K·u relative to the gradient: we allow
    // 4·K·S·u·|∇E|∞ ≈ 1.8e-12 relative.
    let names = ["dE/dθ₀", "dE/dω₀", "dE/dc", "dE/dκ"];
    let scale = fwd.iter().fold(0.0_f64, |m, g| m.max(g.abs()));
    let tol = 4.0 * (K * 4) as f64 * (f64::EPSILON / 2.0) * scale;
    println!(
        "  unrolled tape: same x_K and gradient bit for bit: {}",
        if unrolled_same { "yes" } else { "NO" }
    );
    let mut ok = plain == xk && unrolled_same && stats.forward_steps == sched.forward_steps();
    println!(
        "  {:<8} {:>24} {:>24} {:>10}",
        "", "checkpointed reverse", "forward mode", "abs. diff"
    );
    for ((name, a), b) in names.iter().zip(grad).zip(fwd) {
        let d = (a - b).abs();
        ok &= d <= tol;
        println!("  {name:<8} {a:>24.16e} {b:>24.16e} {d:>10.1e}");
    }
    println!("  tolerance {tol:.1e} (4·K·S·u·max|∇E|)");
    if ok {
        println!("OK: the checkpointed gradient agrees with forward mode.");
        ExitCode::SUCCESS
    } else {
        println!("MISMATCH");
        ExitCode::FAILURE
    }
}
