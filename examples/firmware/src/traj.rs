//! A small trajectory optimisation: a planar double integrator steered by `STEPS`
//! acceleration commands from rest at the origin to a goal, around an obstacle, with
//! as little effort as possible. The cost is recorded once on a fixed-capacity tape;
//! every gradient step replays it (no recording, no allocation, fixed time).

use ad_core::rules::UnaryOp;
use ad_core::{Error, Program, Real, Tape, ops};

/// The op set of the cost's tape: `exp` beyond the basic arithmetic.
pub const OPS: u64 = ops::unary(UnaryOp::Exp);

/// Control steps.
pub const STEPS: usize = 8;
/// Decision variables: `[ax, ay]` per step.
pub const NU: usize = 2 * STEPS;
/// Step length, s.
pub const DT: f64 = 0.25;
/// Goal position.
pub const GOAL: [f64; 2] = [2.0, 1.0];
/// Obstacle centre (just off the straight line to the goal) and radius scale.
pub const OBSTACLE: [f64; 2] = [1.0, 0.45];
/// Obstacle radius scale ρ: the penalty is `exp(−d²/ρ²)`.
pub const RHO: f64 = 0.3;

/// The cost: effort + terminal position and velocity error + obstacle proximity.
/// Branch-free, so one recording is valid for every replay.
pub fn cost<T: Real>(u: [T; NU]) -> T {
    let dt = T::constant(DT);
    let (gx, gy) = (T::constant(GOAL[0]), T::constant(GOAL[1]));
    let (cx, cy) = (T::constant(OBSTACLE[0]), T::constant(OBSTACLE[1]));
    let inv_rho2 = T::constant(1.0 / (RHO * RHO));
    let (mut px, mut py, mut vx, mut vy) = (T::zero(), T::zero(), T::zero(), T::zero());
    let mut effort = T::zero();
    let mut near = T::zero();
    for a in u.chunks_exact(2) {
        let (ax, ay) = (a[0], a[1]);
        vx += ax * dt;
        vy += ay * dt;
        px += vx * dt;
        py += vy * dt;
        effort = effort + ax * ax + ay * ay;
        let (dx, dy) = (px - cx, py - cy);
        near += (-(dx * dx + dy * dy) * inv_rho2).exp();
    }
    let (ex, ey) = (px - gx, py - gy);
    T::constant(0.02) * effort
        + T::constant(10.0) * (ex * ex + ey * ey)
        + vx * vx
        + vy * vy
        + T::constant(2.0) * near
}

/// Records the cost at `u` on `tape`.
pub fn record<const CAP: usize>(
    tape: &mut Tape<f32, CAP, OPS>,
    u: [f32; NU],
) -> Result<Program<'_, f32, NU, 1, OPS>, Error> {
    tape.record(u, |u| [cost(u)])
}

/// One gradient step with backtracking through the recorded program: the gradient by
/// a replay and a reverse sweep, trial points by forward replays. Returns the new
/// point, its cost, and the step length taken.
pub fn step(
    prog: &mut Program<'_, f32, NU, 1, OPS>,
    u: [f32; NU],
    alpha: f32,
) -> Result<([f32; NU], f32, f32), Error> {
    let (c0, g) = prog.gradient(u)?;
    let mut a = alpha;
    for _ in 0..8 {
        let mut trial = u;
        for (t, gi) in trial.iter_mut().zip(g.iter()) {
            *t -= a * gi;
        }
        let [c] = prog.forward(trial)?;
        if c < c0 {
            return Ok((trial, c, a));
        }
        a *= 0.5;
    }
    Ok((u, c0, 0.0))
}

/// The terminal position and velocity of the trajectory `u` (plain `f32`), and the
/// closest approach to the obstacle's centre.
pub fn endpoint(u: [f32; NU]) -> ([f32; 4], f32) {
    let dt = DT as f32;
    let (mut px, mut py, mut vx, mut vy) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    let mut closest = f32::INFINITY;
    for a in u.chunks_exact(2) {
        vx += a[0] * dt;
        vy += a[1] * dt;
        px += vx * dt;
        py += vy * dt;
        let (dx, dy) = (px - OBSTACLE[0] as f32, py - OBSTACLE[1] as f32);
        closest = closest.min(libm::sqrtf(dx * dx + dy * dy));
    }
    ([px, py, vx, vy], closest)
}
