//! Shared helpers of the example programs: side-by-side printing of our derivatives
//! against a closed form.

use core::fmt::Write as _;

#[path = "codegen_programs.rs"]
pub mod programs;

/// The programs of [`programs`] as generated code, written by the build script with
/// `Program::to_rust` (`{name}_value`, `{name}_vjp`, `{name}_gradient` each).
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

/// Collects rows of "quantity, ours, closed form" and checks them.
///
/// ```
/// let mut t = examples::Comparison::new(1e-12);
/// t.row("d/dx x²", 4.0, 4.0);
/// assert!(t.all_agree());
/// ```
#[derive(Debug)]
pub struct Comparison {
    tol: f64,
    out: String,
    worst: f64,
}

impl Comparison {
    /// A new table whose rows agree when their relative difference is at most `tol`.
    #[must_use]
    pub fn new(tol: f64) -> Self {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "  {:<26} {:>24} {:>24} {:>10}",
            "quantity", "ours", "closed form", "rel. diff"
        );
        Comparison {
            tol,
            out,
            worst: 0.0,
        }
    }

    /// Adds one row.
    pub fn row(&mut self, name: &str, ours: f64, closed: f64) {
        let rel = if ours == closed {
            0.0
        } else {
            (ours - closed).abs() / closed.abs().max(f64::MIN_POSITIVE)
        };
        self.worst = self
            .worst
            .max(if rel.is_nan() { f64::INFINITY } else { rel });
        let _ = writeln!(
            self.out,
            "  {name:<26} {ours:>24.17e} {closed:>24.17e} {rel:>10.1e}"
        );
    }

    /// `true` when every row agrees within the tolerance.
    #[must_use]
    pub fn all_agree(&self) -> bool {
        self.worst <= self.tol
    }

    /// The formatted table.
    #[must_use]
    pub fn table(&self) -> &str {
        &self.out
    }
}
