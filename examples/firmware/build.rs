//! Build script of the firmware crate, run on the host:
//!
//! 1. writes the memory layout (`memory.x`) of the QEMU machine the target runs on and
//!    passes the runtime's linker script (`link.x`) to every binary and test;
//! 2. computes the expected values of the on-target tests in `f64` from closed forms
//!    (never by calling ad-core) and writes them to `$OUT_DIR/expected.rs`, which the
//!    test binary includes. The inputs are `f32` values, widened exactly, so the
//!    expectation is the exact derivative at the very point the target evaluates.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let target = env::var("TARGET").expect("TARGET");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-env=AD_FW_TARGET={target}");

    // One layout per architecture, valid on every machine the script runs it on.
    let memory = if target.starts_with("thumbv7em") {
        // lm3s6965evb: 256 KiB flash at 0, 64 KiB SRAM at 0x2000_0000. The same layout
        // runs on mps2-an386 (4 MiB SSRAM1 at 0, 4 MiB SSRAM2/3 at 0x2000_0000).
        Some(
            "MEMORY\n{\n  FLASH : ORIGIN = 0x00000000, LENGTH = 256K\n  RAM : ORIGIN = 0x20000000, LENGTH = 64K\n}\n",
        )
    } else if target.starts_with("thumbv6m") {
        // microbit (nRF51822): 256 KiB flash at 0, 16 KiB RAM at 0x2000_0000.
        Some(
            "MEMORY\n{\n  FLASH : ORIGIN = 0x00000000, LENGTH = 256K\n  RAM : ORIGIN = 0x20000000, LENGTH = 16K\n}\n",
        )
    } else if target.starts_with("riscv32") {
        // virt with -bios none: the ELF is loaded into DRAM at 0x8000_0000 and the
        // hart jumps there. "FLASH" is the first MiB of DRAM (code and constants,
        // what a real part keeps in flash), RAM the next 64 KiB.
        Some(concat!(
            "MEMORY\n{\n  FLASH : ORIGIN = 0x80000000, LENGTH = 1M\n",
            "  RAM : ORIGIN = 0x80100000, LENGTH = 64K\n}\n",
            "REGION_ALIAS(\"REGION_TEXT\", FLASH);\n",
            "REGION_ALIAS(\"REGION_RODATA\", FLASH);\n",
            "REGION_ALIAS(\"REGION_DATA\", RAM);\n",
            "REGION_ALIAS(\"REGION_BSS\", RAM);\n",
            "REGION_ALIAS(\"REGION_HEAP\", RAM);\n",
            "REGION_ALIAS(\"REGION_STACK\", RAM);\n",
        ))
    } else {
        None
    };
    if let Some(m) = memory {
        fs::write(out.join("memory.x"), m).expect("write memory.x");
        println!("cargo:rustc-link-search={}", out.display());
        if target.starts_with("riscv32") {
            println!("cargo:rustc-link-arg=-Tmemory.x");
        } else {
            println!("cargo:rustc-link-arg=--nmagic");
        }
        println!("cargo:rustc-link-arg=-Tlink.x");
    }

    fs::write(out.join("expected.rs"), expected()).expect("write expected.rs");
}

/// `f32` input widened exactly: the expectation is taken at the point the target sees.
fn w(x: f32) -> f64 {
    f64::from(x)
}

struct Gen(String);

impl Gen {
    fn scalar(&mut self, name: &str, v: f64) {
        writeln!(self.0, "pub const {name}: f64 = {v:?};").unwrap();
    }
    fn vector(&mut self, name: &str, v: &[f64]) {
        let items: Vec<String> = v.iter().map(|x| format!("{x:?}")).collect();
        writeln!(
            self.0,
            "pub const {name}: [f64; {}] = [{}];",
            v.len(),
            items.join(", ")
        )
        .unwrap();
    }
    fn input(&mut self, name: &str, v: &[f32]) {
        let items: Vec<String> = v.iter().map(|x| format!("{x:?}")).collect();
        writeln!(
            self.0,
            "pub const {name}: [f32; {}] = [{}];",
            v.len(),
            items.join(", ")
        )
        .unwrap();
    }
    fn matrix(&mut self, name: &str, m: &[Vec<f64>]) {
        let rows: Vec<String> = m
            .iter()
            .map(|r| {
                let items: Vec<String> = r.iter().map(|x| format!("{x:?}")).collect();
                format!("[{}]", items.join(", "))
            })
            .collect();
        writeln!(
            self.0,
            "pub const {name}: [[f64; {}]; {}] = [{}];",
            m[0].len(),
            m.len(),
            rows.join(", ")
        )
        .unwrap();
    }
}

/// log N(y | mu, sigma): value, gradient, and the second partials d²/dσ², d²/dy dσ.
fn log_normal(x: [f32; 3]) -> (f64, [f64; 3], f64, f64) {
    let [y, mu, s] = x.map(w);
    let r = y - mu;
    let s2 = s * s;
    let v = -0.5 * (r / s) * (r / s) - s.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln();
    let g = [-r / s2, r / s2, r * r / (s2 * s) - 1.0 / s];
    (v, g, 1.0 / s2 - 3.0 * r * r / (s2 * s2), 2.0 * r / (s2 * s))
}

/// sin(x)·exp(x) + sqrt(x)·cos(x): value, first and second derivative.
fn sincos(x: f32) -> (f64, f64, f64) {
    let x = w(x);
    let (s, c, e, q) = (x.sin(), x.cos(), x.exp(), x.sqrt());
    let v = s * e + q * c;
    let d1 = e * (s + c) + c / (2.0 * q) - q * s;
    let d2 = 2.0 * e * c - s / q - c / (4.0 * x * q) - q * c;
    (v, d1, d2)
}

fn expected() -> String {
    let mut g = Gen(String::from(
        "// Generated by build.rs on the host: closed forms in f64. Do not edit.\n",
    ));

    // z = x1·x2 + sin(x1), the seed's first example.
    let zx = [2.0f32, 3.0];
    let [x1, x2] = zx.map(w);
    g.input("Z_X", &zx);
    g.scalar("Z_V", x1 * x2 + x1.sin());
    g.vector("Z_G", &[x2 + x1.cos(), x1]);

    // The seed's log-normal density, at the recording point and two replay points.
    for (name, x) in [
        ("LN", [1.5f32, 0.5, 2.0]),
        ("LN_R1", [0.0, 1.0, 0.5]),
        ("LN_R2", [-1.25, 0.75, 3.0]),
    ] {
        let (v, gr, dss, dys) = log_normal(x);
        g.input(&format!("{name}_X"), &x);
        g.scalar(&format!("{name}_V"), v);
        g.vector(&format!("{name}_G"), &gr);
        g.scalar(&format!("{name}_DSS"), dss);
        g.scalar(&format!("{name}_DYS"), dys);
    }

    // sin(x)·exp(x) + sqrt(x)·cos(x), the fast-math benchmark function.
    for (name, x) in [("SC", 0.7f32), ("SC_R1", 2.5)] {
        let (v, d1, d2) = sincos(x);
        g.input(&format!("{name}_X"), &[x]);
        g.scalar(&format!("{name}_V"), v);
        g.scalar(&format!("{name}_D1"), d1);
        g.scalar(&format!("{name}_D2"), d2);
    }

    // Rosenbrock 100(y − x²)² + (1 − x)² at the classic start (−1.2, 1).
    let rx = [-1.2f32, 1.0];
    let [x, y] = rx.map(w);
    g.input("RB_X", &rx);
    g.scalar("RB_V", 100.0 * (y - x * x).powi(2) + (1.0 - x).powi(2));
    g.vector(
        "RB_G",
        &[
            -400.0 * x * (y - x * x) - 2.0 * (1.0 - x),
            200.0 * (y - x * x),
        ],
    );
    g.matrix(
        "RB_H",
        &[
            vec![1200.0 * x * x - 400.0 * y + 2.0, -400.0 * x],
            vec![-400.0 * x, 200.0],
        ],
    );

    // Polar coordinates [hypot(x, y), atan2(y, x)]: a 2×2 Jacobian.
    let px = [3.0f32, 4.0];
    let [x, y] = px.map(w);
    let r2 = x * x + y * y;
    let r = r2.sqrt();
    g.input("POLAR_X", &px);
    g.vector("POLAR_V", &[r, y.atan2(x)]);
    g.matrix("POLAR_J", &[vec![x / r, y / r], vec![-y / r2, x / r2]]);

    // exp(x·y) + x²·y: the mixed partial ∂²/∂x∂y = e^{xy}(1 + xy) + 2x.
    let mx = [0.5f32, 1.5];
    let [x, y] = mx.map(w);
    g.input("MIX_X", &mx);
    g.scalar("MIX_V", (x * y).exp() + x * x * y);
    g.vector(
        "MIX_G",
        &[y * (x * y).exp() + 2.0 * x * y, x * (x * y).exp() + x * x],
    );
    g.scalar("MIX_DXY", (x * y).exp() * (1.0 + x * y) + 2.0 * x);
    g.scalar("MIX_DXX", y * y * (x * y).exp() + 2.0 * y);

    // The EKF's accelerometer model h(φ, θ) = g·[sin θ, −cos θ sin φ, −cos θ cos φ]
    // and its Jacobian with respect to the state [φ, θ, b_p, b_q].
    let ex = [0.3f32, -0.2];
    let [phi, th] = ex.map(w);
    let gr = w(9.81f32);
    g.input("EKF_X", &ex);
    g.vector(
        "EKF_H",
        &[
            gr * th.sin(),
            -gr * th.cos() * phi.sin(),
            -gr * th.cos() * phi.cos(),
        ],
    );
    g.matrix(
        "EKF_J",
        &[
            vec![0.0, gr * th.cos(), 0.0, 0.0],
            vec![
                -gr * th.cos() * phi.cos(),
                gr * th.sin() * phi.sin(),
                0.0,
                0.0,
            ],
            vec![
                gr * th.cos() * phi.sin(),
                gr * th.sin() * phi.cos(),
                0.0,
                0.0,
            ],
        ],
    );

    g.0
}
