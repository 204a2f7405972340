//! The seed lecture's two examples, differentiated with ad-core and checked against
//! their closed forms on screen.
//!
//! Run: `cargo run --release --example quickstart`

use ad_core::{Dual, Real, value_and_gradient, value_gradient_hessian};
use examples::Comparison;

/// z = x1·x2 + sin(x1), the running example of forward and reverse accumulation.
fn z<T: Real>([x1, x2]: [T; 2]) -> T {
    x1 * x2 + x1.sin()
}

/// log Normal(y | mu, sigma) = -½((y-mu)/sigma)² - ln sigma - ½ ln 2π, written as the
/// seed's Wengert list v4..v10.
fn log_normal<T: Real>([y, mu, sigma]: [T; 3]) -> T {
    let v4 = y - mu;
    let v5 = v4 / sigma;
    let v6 = v5 * v5;
    let v7 = T::constant(-0.5) * v6;
    let v8 = sigma.ln();
    let v9 = v7 - v8;
    v9 - T::constant(0.5 * (2.0 * core::f64::consts::PI).ln())
}

fn main() {
    let mut ok = true;

    // Example 1.
    let (x1, x2) = (2.0_f64, 3.0_f64);
    let (v, g) = value_and_gradient(z, [x1, x2]);
    println!("z = x1*x2 + sin(x1) at (x1, x2) = ({x1}, {x2}), forward mode Dual<f64, 2>:");
    let mut t = Comparison::new(4.0 * f64::EPSILON);
    t.row("z", v, x1 * x2 + x1.sin());
    t.row("dz/dx1 = x2 + cos x1", g[0], x2 + x1.cos());
    t.row("dz/dx2 = x1", g[1], x1);
    print!("{}", t.table());
    ok &= t.all_agree();

    // One seed at a time, as the lecture's forward accumulation does it.
    let dx1 = z([Dual::variable(x1), Dual::constant_of(x2)]);
    println!("  seeded in x1 only: {dx1}\n");

    // Example 2.
    let (y, mu, sigma) = (1.5_f64, 0.5_f64, 2.0_f64);
    let (v, g, h) = value_gradient_hessian(log_normal, [y, mu, sigma]);
    let r = y - mu;
    let s2 = sigma * sigma;
    println!("f(y, mu, sigma) = log Normal(y | mu, sigma) at ({y}, {mu}, {sigma}), Dual2<f64, 3>:");
    let mut t = Comparison::new(8.0 * f64::EPSILON);
    let closed = -0.5 * (r / sigma).powi(2) - sigma.ln() - 0.5 * (2.0 * core::f64::consts::PI).ln();
    t.row("f", v, closed);
    t.row("df/dy = -(y-mu)/sigma^2", g[0], -r / s2);
    t.row("df/dmu = (y-mu)/sigma^2", g[1], r / s2);
    t.row("df/dsigma", g[2], r * r / (s2 * sigma) - 1.0 / sigma);
    t.row("d2f/dy2 = -1/sigma^2", h[0][0], -1.0 / s2);
    t.row("d2f/dy dsigma", h[0][2], 2.0 * r / (s2 * sigma));
    t.row("d2f/dsigma2", h[2][2], 1.0 / s2 - 3.0 * r * r / (s2 * s2));
    print!("{}", t.table());
    ok &= t.all_agree();

    // The same function in f32, as firmware would run it.
    let (v32, g32) = value_and_gradient(log_normal, [y as f32, mu as f32, sigma as f32]);
    println!("  in f32: f = {v32}, gradient = {g32:?}\n");
    let f32_ok = (f64::from(g32[2]) - (r * r / (s2 * sigma) - 1.0 / sigma)).abs() < 1e-6;
    ok &= f32_ok;

    if ok {
        println!("all derivatives agree with the closed forms");
    } else {
        println!("MISMATCH against the closed forms");
        std::process::exit(1);
    }
}
