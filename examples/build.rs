//! Records the programs of `codegen_programs.rs` and writes their generated Rust code
//! (`Program::to_rust`) to `OUT_DIR`, which `examples::generated` includes: the
//! workflow of the code generator (record at build time, compile the result).

#[path = "codegen_programs.rs"]
#[allow(dead_code, missing_docs)]
mod programs;

use std::{env, fs, path::PathBuf};

use ad_core::{Error, VecTape};
use programs::{LOGNORMAL_AT, PAIR_AT, UNARY_AT};

fn all() -> Result<String, Error> {
    let mut tape = VecTape::<f64>::new();
    let mut code = String::new();
    code += &tape
        .record(UNARY_AT, |v| programs::unary_rows(v))?
        .to_rust("unary_rows");
    code += &tape
        .record(PAIR_AT, |v| programs::binary_rows(v))?
        .to_rust("binary_rows");
    code += &tape
        .record(PAIR_AT, |v| programs::selects(v))?
        .to_rust("selects");
    code += &tape
        .record(UNARY_AT, |v| programs::weighted(programs::unary_rows, v))?
        .to_rust("unary_sum");
    code += &tape
        .record(PAIR_AT, |v| programs::weighted(programs::binary_rows, v))?
        .to_rust("binary_sum");
    code += &tape
        .record(PAIR_AT, |v| programs::weighted(programs::selects, v))?
        .to_rust("selects_sum");
    code += &tape
        .record(PAIR_AT, |v| programs::guarded(v))?
        .to_rust("guarded");
    code += &tape
        .record(PAIR_AT, |v| programs::with_custom(v))?
        .to_rust("with_custom");
    code += &tape.record(PAIR_AT, |v| programs::far(v))?.to_rust("far");
    code += &tape
        .record(LOGNORMAL_AT, |v| programs::lognormal(v))?
        .to_rust("lognormal");
    let x = core::array::from_fn(|i| 0.5 + 0.1 * i as f64);
    code += &tape
        .record(x, |v: [_; 6]| programs::rosenbrock(v))?
        .to_rust("rosenbrock6");
    let mut tape32 = VecTape::<f32>::new();
    code += &tape32
        .record(UNARY_AT.map(|v| v as f32), |v| programs::unary_rows(v))?
        .to_rust("unary_rows_f32");
    code += &tape32
        .record(LOGNORMAL_AT.map(|v| v as f32), |v| programs::lognormal(v))?
        .to_rust("lognormal_f32");
    Ok(code)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(env::var("OUT_DIR")?).join("generated.rs");
    fs::write(out, all()?)?;
    println!("cargo::rerun-if-changed=codegen_programs.rs");
    println!("cargo::rerun-if-changed=build.rs");
    Ok(())
}
