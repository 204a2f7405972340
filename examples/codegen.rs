//! Code generation: a recorded program written out as Rust (`Program::to_rust`) and
//! compiled into this crate, then called like any function.
//!
//! The build script (`examples/build.rs`) records the log-normal log-density of
//! `codegen_programs.rs` on a `VecTape`, writes the generated code to `OUT_DIR`, and
//! `examples::generated` includes it. This example prints the start of that code,
//! runs the compiled gradient over `f64`, `Lanes<f64, 4>` (four points per call) and
//! `Dual<f64, 3>` (forward-over-reverse: the Hessian), and checks every number
//! against the interpreted replay of the same recording and the closed form.
//!
//! Run: `cargo run --release --example codegen`

use ad_core::{Dual, Lanes, VecTape, vmap};
use examples::Comparison;
use examples::generated::lognormal_gradient;
use examples::programs::{LOGNORMAL_AT, lognormal};

fn main() -> Result<(), ad_core::Error> {
    let mut ok = true;
    let mut tape = VecTape::<f64>::new();
    let mut prog = tape.record(LOGNORMAL_AT, |v| lognormal(v))?;
    let code = prog.to_rust("lognormal");
    println!(
        "{} nodes recorded; the generated Rust ({} lines) starts:\n",
        prog.len(),
        code.lines().count()
    );
    let start = code
        .lines()
        .position(|l| l.contains("pub fn lognormal_vjp"))
        .unwrap_or(0);
    for line in code.lines().skip(start).take(18) {
        println!("    {line}");
    }
    println!("    ...\n");

    // The compiled gradient, against the closed form and the interpreted replay.
    let [y, mu, s] = [2.0, 0.3, 0.7];
    let z = (f64::ln(y) - mu) / s;
    let (v, g) = lognormal_gradient([y, mu, s])?;
    let (vi, gi) = prog.gradient([y, mu, s])?;
    println!("log-normal log-density at (y, mu, sigma) = ({y}, {mu}, {s}), generated code:");
    let mut t = Comparison::new(4.0 * f64::EPSILON);
    let half_ln_2pi = 0.5 * (2.0 * core::f64::consts::PI).ln();
    t.row("f", v, -y.ln() - s.ln() - half_ln_2pi - 0.5 * z * z);
    t.row("df/dy = -1/y - z/(sigma y)", g[0], -1.0 / y - z / (s * y));
    t.row("df/dmu = z/sigma", g[1], z / s);
    t.row(
        "df/dsigma = -1/sigma + z²/sigma",
        g[2],
        -1.0 / s + z * z / s,
    );
    print!("{}", t.table());
    ok &= t.all_agree();
    let same = v == vi && g == gi;
    println!("  interpreted replay of the same recording: bit for bit equal: {same}\n");
    ok &= same;

    // The Hessian: the same generated function over dual numbers.
    let (_, h) = lognormal_gradient(Dual::variables([y, mu, s]))?;
    println!("Hessian by forward-over-reverse (the generated gradient over Dual<f64, 3>):");
    let mut t = Comparison::new(16.0 * f64::EPSILON);
    t.row("d²f/dmu²  = -1/sigma²", h[1].eps[1], -1.0 / (s * s));
    t.row(
        "d²f/dmu dsigma = -2z/sigma²",
        h[1].eps[2],
        -2.0 * z / (s * s),
    );
    t.row(
        "d²f/dsigma² = 1/sigma² - 3z²/sigma²",
        h[2].eps[2],
        (1.0 - 3.0 * z * z) / (s * s),
    );
    print!("{}", t.table());
    ok &= t.all_agree();

    // A batch: four points per call over lanes.
    let pts: Vec<[f64; 3]> = (0..10)
        .map(|i| [0.5 + 0.4 * f64::from(i), 0.1, 0.9])
        .collect();
    let (mut vals, mut grads) = (vec![0.0; pts.len()], vec![[0.0; 3]; pts.len()]);
    vmap::reverse_gradient::<4, _, _, _>(
        lognormal_gradient::<Lanes<f64, 4>>,
        &pts,
        &mut vals,
        &mut grads,
    )?;
    let mut worst = 0.0_f64;
    for (p, gl) in pts.iter().zip(&grads) {
        let (_, g1) = prog.gradient(*p)?;
        for k in 0..3 {
            worst = worst.max((gl[k] - g1[k]).abs() / g1[k].abs().max(1.0));
        }
    }
    println!(
        "\n{} points through Lanes<f64, 4>: largest relative difference to the one-point replay {worst:.1e}",
        pts.len()
    );
    // Lanes compute ln with the vector kernel: within a few ulp of the scalar one.
    ok &= worst <= 16.0 * f64::EPSILON;

    if ok {
        println!("\nall values agree");
        Ok(())
    } else {
        eprintln!("\nMISMATCH");
        std::process::exit(1)
    }
}
