//! The seed lecture's Wengert list of the log-normal density, recorded on the tape,
//! printed with values, local partials and (after one reverse sweep) adjoints, then
//! replayed at a new point without recording again.
//!
//! Run: `cargo run --release --example wengert`

use ad_core::{Real, Tape};
use examples::Comparison;

/// log Normal(y | mu, sigma), written exactly as the seed's rows v4..v10.
fn log_normal<T: Real>([y, mu, sigma]: [T; 3]) -> T {
    let v4 = y - mu;
    let v5 = v4 / sigma;
    let v6 = v5.powi(2);
    let v7 = T::constant(-0.5) * v6;
    let v8 = sigma.ln();
    let v9 = v7 - v8;
    v9 - T::constant(0.5 * (2.0 * core::f64::consts::PI).ln())
}

fn closed_form_gradient([y, mu, sigma]: [f64; 3]) -> [f64; 3] {
    let r = y - mu;
    let s2 = sigma * sigma;
    [-r / s2, r / s2, r * r / (s2 * sigma) - 1.0 / sigma]
}

fn main() -> Result<(), ad_core::Error> {
    let x = [1.5_f64, 0.5, 2.0];
    let mut tape: Tape<f64, 32> = Tape::new();
    let mut prog = tape.record(x, |v| [log_normal(v)])?;
    let (value, grad) = prog.gradient_at_recorded();

    println!("f(y, mu, sigma) = log Normal(y | mu, sigma) at (y, mu, sigma) = {x:?}");
    println!(
        "recorded: {} nodes, {} bytes each\n",
        prog.len(),
        Tape::<f64, 32>::BYTES_PER_NODE
    );
    print!("{}", prog.table().names(["y", "mu", "sigma"]));

    let mut ok = true;
    let mut t = Comparison::new(4.0 * f64::EPSILON);
    let g = closed_form_gradient(x);
    println!("\nreverse sweep, f = {value}:");
    t.row("df/dy", grad[0], g[0]);
    t.row("df/dmu", grad[1], g[1]);
    t.row("df/dsigma", grad[2], g[2]);
    print!("{}", t.table());
    ok &= t.all_agree();

    // Replay the recorded program at a new point: no recording, fixed cost.
    let x2 = [0.0, 1.0, 0.5];
    let (v2, grad2) = prog.gradient(x2)?;
    let g2 = closed_form_gradient(x2);
    println!("\nreplayed at {x2:?}, f = {v2}:");
    let mut t = Comparison::new(4.0 * f64::EPSILON);
    t.row("df/dy", grad2[0], g2[0]);
    t.row("df/dmu", grad2[1], g2[1]);
    t.row("df/dsigma", grad2[2], g2[2]);
    print!("{}", t.table());
    ok &= t.all_agree();

    if ok {
        println!("\nthe reverse sweep agrees with the closed form");
        Ok(())
    } else {
        println!("\nMISMATCH against the closed form");
        std::process::exit(1);
    }
}
