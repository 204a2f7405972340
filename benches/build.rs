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
    let out = PathBuf::from(env::var("OUT_DIR")?).join("generated_rosenbrock.rs");
    fs::write(out, code)?;
    println!("cargo::rerun-if-changed=src/workload.rs");
    println!("cargo::rerun-if-changed=build.rs");
    Ok(())
}
