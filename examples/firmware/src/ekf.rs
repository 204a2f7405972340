//! An attitude estimator: an extended Kalman filter for roll and pitch with gyro bias,
//! fed by a 3-axis gyro and a 3-axis accelerometer, in `f32`.
//!
//! State `x = [φ, θ, b_p, b_q]` (roll, pitch, the biases of the roll- and pitch-rate
//! gyros). The gyro drives the Euler-angle kinematics
//!
//! ```text
//! φ' = (p − b_p) + ((q − b_q) sin φ + r cos φ) tan θ
//! θ' = (q − b_q) cos φ − r sin φ
//! ```
//!
//! and the accelerometer, at rest or moving slowly, measures gravity in the body frame:
//! `h(x) = g·[sin θ, −cos θ sin φ, −cos θ cos φ]`. Both Jacobians, `F = ∂f/∂x` of the
//! discrete step and the measurement Jacobian `H = ∂h/∂x`, come from evaluating the
//! same generic functions over `Dual<f32, 4>`: no hand-derived matrices.

use ad_core::{Dual, Real};

/// Number of states.
pub const NX: usize = 4;
/// Number of measurements.
pub const NZ: usize = 3;
/// Gravity, m/s².
pub const G: f32 = 9.81;

/// The measurement model, generic so that `Dual<f32, 4>` differentiates it.
pub fn measurement<T: Real>(x: [T; NX]) -> [T; NZ] {
    let [phi, th, _, _] = x;
    let g = T::constant(f64::from(G));
    let c = th.cos();
    [g * th.sin(), -(g * c * phi.sin()), -(g * c * phi.cos())]
}

/// One Euler step of the kinematics with the gyro reading `w = [p, q, r]`.
pub fn process<T: Real>(x: [T; NX], w: [f32; 3], dt: f32) -> [T; NX] {
    let [phi, th, bp, bq] = x;
    let p = T::constant(f64::from(w[0])) - bp;
    let q = T::constant(f64::from(w[1])) - bq;
    let r = T::constant(f64::from(w[2]));
    let (s, c) = (phi.sin(), phi.cos());
    let dt = T::constant(f64::from(dt));
    let phi_dot = p + (q * s + r * c) * th.tan();
    let th_dot = q * c - r * s;
    [phi + dt * phi_dot, th + dt * th_dot, bp, bq]
}

/// Value and Jacobian of `f: R^4 → R^M` by one pass over `Dual<f32, 4>`.
pub fn value_and_jacobian<const M: usize>(
    f: impl Fn([Dual<f32, NX>; NX]) -> [Dual<f32, NX>; M],
    x: [f32; NX],
) -> ([f32; M], [[f32; NX]; M]) {
    let y = f(Dual::variables(x));
    (y.map(|d| d.re), y.map(|d| d.eps))
}

/// The filter.
pub struct Ekf {
    /// State estimate.
    pub x: [f32; NX],
    /// Covariance.
    pub p: [[f32; NX]; NX],
    /// Process noise per step (diagonal).
    pub q: [f32; NX],
    /// Accelerometer noise variance.
    pub r: f32,
}

type Mat<const R: usize, const C: usize> = [[f32; C]; R];

fn mul<const R: usize, const K: usize, const C: usize>(a: &Mat<R, K>, b: &Mat<K, C>) -> Mat<R, C> {
    let mut m = [[0.0; C]; R];
    for (mi, ai) in m.iter_mut().zip(a.iter()) {
        for (k, aik) in ai.iter().enumerate() {
            for (mij, bkj) in mi.iter_mut().zip(b[k].iter()) {
                *mij += aik * bkj;
            }
        }
    }
    m
}

fn transpose<const R: usize, const C: usize>(a: &Mat<R, C>) -> Mat<C, R> {
    let mut t = [[0.0; R]; C];
    for (i, ai) in a.iter().enumerate() {
        for (tj, aij) in t.iter_mut().zip(ai.iter()) {
            if let Some(v) = tj.get_mut(i) {
                *v = *aij;
            }
        }
    }
    t
}

/// Inverse of a symmetric positive definite 3×3 matrix by cofactors.
fn inv3(m: &Mat<3, 3>) -> Option<Mat<3, 3>> {
    let c = |i: usize, j: usize| {
        let (i1, i2) = ((i + 1) % 3, (i + 2) % 3);
        let (j1, j2) = ((j + 1) % 3, (j + 2) % 3);
        m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]
    };
    let det = m[0][0] * c(0, 0) + m[0][1] * c(0, 1) + m[0][2] * c(0, 2);
    if det.is_nan() || det.abs() <= 1e-20 {
        return None;
    }
    let mut inv = [[0.0; 3]; 3];
    for (i, row) in inv.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = c(j, i) / det;
        }
    }
    Some(inv)
}

impl Ekf {
    /// A filter at level attitude with zero bias estimates.
    pub fn new() -> Self {
        Ekf {
            x: [0.0; NX],
            p: [
                [0.1, 0.0, 0.0, 0.0],
                [0.0, 0.1, 0.0, 0.0],
                [0.0, 0.0, 1e-3, 0.0],
                [0.0, 0.0, 0.0, 1e-3],
            ],
            q: [1e-6, 1e-6, 1e-9, 1e-9],
            r: 0.05 * 0.05 * 4.0,
        }
    }

    /// Predict with a gyro reading: `x ← f(x)`, `P ← F P Fᵀ + Q`.
    pub fn predict(&mut self, w: [f32; 3], dt: f32) {
        let (x, f) = value_and_jacobian(|x| process(x, w, dt), self.x);
        let mut p = mul(&mul(&f, &self.p), &transpose(&f));
        for (i, q) in self.q.iter().enumerate() {
            p[i][i] += q;
        }
        self.x = x;
        self.p = p;
    }

    /// Update with an accelerometer reading; `false` when the innovation covariance
    /// is singular (the update is skipped).
    pub fn update(&mut self, z: [f32; NZ]) -> bool {
        // The measurement Jacobian from Dual<f32, 4>.
        let (h, hj) = value_and_jacobian(measurement, self.x);
        let pht = mul(&self.p, &transpose(&hj)); // 4×3
        let mut s = mul(&hj, &pht); // 3×3
        for (i, row) in s.iter_mut().enumerate() {
            row[i] += self.r;
        }
        let Some(si) = inv3(&s) else { return false };
        let k = mul(&pht, &si); // 4×3
        let y = [z[0] - h[0], z[1] - h[1], z[2] - h[2]];
        for (xi, ki) in self.x.iter_mut().zip(k.iter()) {
            *xi += ki[0] * y[0] + ki[1] * y[1] + ki[2] * y[2];
        }
        // P ← (I − K H) P, then symmetrised.
        let mut ikh = mul(&k, &hj);
        for (i, row) in ikh.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = if i == j { 1.0 - *v } else { -*v };
            }
        }
        let p = mul(&ikh, &self.p);
        let pt = transpose(&p);
        for ((row, a), b) in self.p.iter_mut().zip(p.iter()).zip(pt.iter()) {
            for ((v, aij), bij) in row.iter_mut().zip(a.iter()).zip(b.iter()) {
                *v = 0.5 * (aij + bij);
            }
        }
        true
    }
}

impl Default for Ekf {
    fn default() -> Self {
        Self::new()
    }
}

/// A deterministic noise source (xorshift32), mapped to roughly unit variance.
pub struct Noise(u32);

impl Noise {
    /// A generator from a non-zero seed.
    pub const fn new(seed: u32) -> Self {
        Noise(seed)
    }

    /// A sample with zero mean and unit variance (sum of four uniforms, scaled).
    pub fn sample(&mut self) -> f32 {
        let mut acc = 0.0;
        for _ in 0..4 {
            let mut v = self.0;
            v ^= v << 13;
            v ^= v >> 17;
            v ^= v << 5;
            self.0 = v;
            acc += (v >> 8) as f32 / 16_777_216.0 - 0.5;
        }
        // Var of a uniform on [-½, ½] is 1/12; four of them: 1/3.
        acc * 1.732_050_8
    }
}

/// The simulated truth: roll, pitch and their rates at time `t`, and the body rates
/// a perfect gyro would read (yaw turns at a constant 0.2 rad/s).
pub fn truth(t: f32) -> ([f32; 2], [f32; 3]) {
    use libm::{cosf, sinf};
    let phi = 0.4 * sinf(0.7 * t);
    let th = 0.25 * sinf(0.45 * t + 0.3);
    let phi_dot = 0.28 * cosf(0.7 * t);
    let th_dot = 0.1125 * cosf(0.45 * t + 0.3);
    let psi_dot = 0.2;
    let (sp, cp) = (sinf(phi), cosf(phi));
    let (st, ct) = (sinf(th), cosf(th));
    let p = phi_dot - psi_dot * st;
    let q = th_dot * cp + psi_dot * sp * ct;
    let r = -th_dot * sp + psi_dot * cp * ct;
    ([phi, th], [p, q, r])
}
