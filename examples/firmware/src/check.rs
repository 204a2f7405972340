//! A table-driven test runner for targets without the standard test harness: it runs
//! each test, prints `test NAME ... ok` (or `FAILED` with the reason), closes with
//! `N passed, N failed` and exits non-zero when anything failed.

use core::fmt;

use crate::platform::{EXIT_FAILURE, exit};
use crate::println;

/// A failed expectation: what was compared, got and wanted.
pub struct Failure {
    what: &'static str,
    detail: Detail,
}

enum Detail {
    Value { got: f64, want: f64, tol: f64 },
    Message(&'static str),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.detail {
            Detail::Value { got, want, tol } => write!(
                f,
                "{}: got {got:e}, want {want:e} (|diff| {:e} > tol {tol:e})",
                self.what,
                (got - want).abs()
            ),
            Detail::Message(m) => write!(f, "{}: {m}", self.what),
        }
    }
}

/// The result of one test.
pub type Outcome = Result<(), Failure>;

/// One test: a name and a function.
pub type Test = (&'static str, fn() -> Outcome);

/// Relative tolerance of an `f32` result against its `f64` closed form:
/// `|got − want| ≤ TOL · max(1, |want|)`. 2e-6 is about 17 ulps of `f32` at 1.
pub const TOL: f64 = 2e-6;

/// `got` (an `f32` computed on the target) is within [`TOL`] of `want` (an `f64`
/// computed on the host).
pub fn close(what: &'static str, got: f32, want: f64) -> Outcome {
    close_tol(what, got, want, TOL)
}

/// [`close`] with an explicit relative tolerance.
pub fn close_tol(what: &'static str, got: f32, want: f64, tol: f64) -> Outcome {
    let got = f64::from(got);
    let scale = if want.abs() > 1.0 { want.abs() } else { 1.0 };
    if (got - want).abs() <= tol * scale {
        note_error((got - want).abs() / scale);
        Ok(())
    } else {
        Err(Failure {
            what,
            detail: Detail::Value { got, want, tol },
        })
    }
}

/// Every component of `got` is [`close`] to `want`.
pub fn all_close<const N: usize>(what: &'static str, got: [f32; N], want: [f64; N]) -> Outcome {
    for (g, w) in got.iter().zip(want.iter()) {
        close(what, *g, *w)?;
    }
    Ok(())
}

/// A condition that must hold.
pub fn ensure(what: &'static str, ok: bool, message: &'static str) -> Outcome {
    if ok {
        Ok(())
    } else {
        Err(Failure {
            what,
            detail: Detail::Message(message),
        })
    }
}

/// An `ad_core::Error` where a value was expected.
pub fn no_error<T>(what: &'static str, r: Result<T, ad_core::Error>) -> Result<T, Failure> {
    r.map_err(|_| Failure {
        what,
        detail: Detail::Message("returned an error"),
    })
}

// The largest relative error seen by a passing comparison, in f32 bits (no float
// atomics on thumbv6m; the runner is single-threaded).
static WORST: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(0);

fn note_error(e: f64) {
    let e = e as f32;
    let w = f32::from_bits(WORST.load(core::sync::atomic::Ordering::Relaxed));
    if e > w {
        WORST.store(e.to_bits(), core::sync::atomic::Ordering::Relaxed);
    }
}

/// Runs the table, prints the summary, and exits: 0 when everything passed.
pub fn run(suite: &str, tests: &[Test]) -> ! {
    println!("\nrunning {} tests ({suite})", tests.len());
    let (mut passed, mut failed) = (0u32, 0u32);
    for (name, test) in tests {
        match test() {
            Ok(()) => {
                passed += 1;
                println!("test {name} ... ok");
            }
            Err(e) => {
                failed += 1;
                println!("test {name} ... FAILED\n    {e}");
            }
        }
    }
    let worst = f32::from_bits(WORST.load(core::sync::atomic::Ordering::Relaxed));
    println!("\nlargest relative error of a passing comparison: {worst:e} (tolerance {TOL:e})");
    println!(
        "test result: {}. {passed} passed, {failed} failed",
        if failed == 0 { "ok" } else { "FAILED" }
    );
    exit(if failed == 0 { 0 } else { EXIT_FAILURE })
}
