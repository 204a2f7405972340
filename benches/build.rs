//! Records the benchmark workload and writes it as generated Rust code
//! (`Program::to_rust`), which `benches::generated` includes: the workflow a user of
//! the code generator follows.

#[path = "src/workload.rs"]
#[allow(dead_code, missing_docs)]
mod workload;

use std::{env, fs, path::PathBuf};

use ad_core::{Error, VecTape};

fn generate<const N: usize>(name: &str) -> Result<String, Error> {
    let mut tape = VecTape::<f64>::new();
    let prog = tape.record(workload::point::<N>(), |v| [workload::rosenbrock(&v)])?;
    Ok(prog.to_rust(name))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut code = String::new();
    code += &generate::<8>("rosenbrock8")?;
    code += &generate::<100>("rosenbrock100")?;
    code += &generate::<1000>("rosenbrock1000")?;
    // The vmap cases (recorded where the JAX comparison's inputs lie; no branches).
    let mut t32 = VecTape::<f32>::new();
    let ln_at = [1.5, 0.2, 0.8];
    code += &t32
        .record(ln_at.map(|v: f64| v as f32), |v| {
            [workload::lognormal_logpdf(v)]
        })?
        .to_rust("lognormal_f32");
    code += &t32
        .record([0.5f32; 2], |v| [workload::rosenbrock(&v)])?
        .to_rust("rosenbrock2_f32");
    code += &t32
        .record([0.5f32; 10], |v| [workload::rosenbrock(&v)])?
        .to_rust("rosenbrock10_f32");
    code += &t32
        .record([0.5f32; 100], |v| [workload::rosenbrock(&v)])?
        .to_rust("rosenbrock100_f32");
    let mut t64 = VecTape::<f64>::new();
    code += &t64
        .record(ln_at, |v| [workload::lognormal_logpdf(v)])?
        .to_rust("lognormal_f64");
    let out = PathBuf::from(env::var("OUT_DIR")?).join("generated_rosenbrock.rs");
    fs::write(out, code)?;
    println!("cargo::rerun-if-changed=src/workload.rs");
    println!("cargo::rerun-if-changed=build.rs");
    Ok(())
}
