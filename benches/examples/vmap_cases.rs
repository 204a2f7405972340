//! Our side of the comparison against JAX (`benches/jax/compare.sh`): the batched
//! gradient and Hessian cases, every candidate strategy timed, the fastest reported
//! as ours.
//!
//! Run with `cargo run --release -p benches --example vmap_cases` (compare.sh builds it
//! with `-C target-cpu=native` and pins it to one core). Each strategy's results are
//! first checked at every point against the hand-written derivatives; a mismatch
//! exits with status 1. Timing: 3 untimed warm-up calls over the whole batch, then
//! the median of 30 timed calls (5 for the slow forward-mode n = 100 strategy),
//! inputs and outputs preallocated and passed through `black_box`.
//!
//! Machine-readable stdout lines:
//!
//! ```text
//! strategy <case> <strategy> median_ms <t> min_ms <t> runs <k>
//! ours <case> <strategy> median_ms <t>
//! ```
//!
//! Strategies: `forward-L<L>` (`vmap::gradient` over `Dual<Lanes<_, L>, N>`),
//! `forward2-L<L>` (`vmap::hessian` over `Dual2`), `program-L<L>` (a recorded
//! `VecTape` program replayed by `vmap::program_gradient` / `program_hessian`), and
//! `forward-inline-L<L>` / `forward2-inline-L<L>`, the same forward modes of a copy
//! of `benches::rosenbrock` marked `#[inline(always)]`, `generated-L<L>` (the
//! generated reverse-mode gradient over `Lanes`, values and gradients written) and
//! `generated-grad-L<L>` (the same, gradients alone, `vmap::reverse_grad`: what JAX's
//! `vmap(grad(f))` returns). Case 4 adds `program-colored-L<L>` and
//! `generated-colored-L<L>` (`vmap::program_hessian_colored` /
//! `reverse_hessian_colored`: one tangent per color of the Hessian's coloring, 3 for
//! Rosenbrock, instead of 10) and `generated-hess-colored-L<L>` (the Hessians alone,
//! `vmap::reverse_hess_colored`: what JAX's `vmap(hessian(f))` returns).
//!
//! `ours` names the fastest strategy of the case. Progress and check results go to
//! stderr.

#[allow(dead_code)]
#[path = "../shared/vmap_cases.rs"]
mod cases;

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use ad_core::{Error, HessianColoring, Lanes, SparsityWork, VecTape, Workspace};
use benches::{exact_gradient, exact_hessian, generated, rosenbrock};
use cases::{
    LOGNORMAL_RANGES, ROSENBROCK_RANGE, W10, W100, exact_lognormal_logpdf_gradient,
    lognormal_forward, lognormal_generated_f32, lognormal_generated_f64, program_gradient,
    program_hessian, program_hessian_colored, rosenbrock_forward, rosenbrock_forward_inline,
    rosenbrock_hessian, rosenbrock_hessian_inline, rosenbrock2_generated,
    rosenbrock10_hess_colored, rosenbrock10_hessian_colored, rosenbrock10_hessian_generated,
    rosenbrock100_generated, uniform_points,
};

/// Times the gradient-only form (`vmap::reverse_grad`) of the generated gradient
/// `generated::$f::<Lanes<$t, L>>` at each `L`, as strategy `generated-grad-L<L>`, after checking
/// it with `$check` (a closure from the gradients to a `Result`).
macro_rules! generated_grad {
    ($case:ident, $t:ty, $f:ident, $pts:ident, $grads:ident, $check:expr, [$($l:literal),*]) => {$(
        $grads.iter_mut().for_each(|g| g.fill(0.0));
        cases::generated_grad(generated::$f::<Lanes<$t, $l>>, &$pts, &mut $grads)?;
        $check(concat!("generated-grad-L", $l), &$grads)?;
        $case.time(concat!("generated-grad-L", $l), RUNS, || {
            cases::generated_grad(generated::$f::<Lanes<$t, $l>>, black_box(&$pts), black_box(&mut $grads))
        })?;
    )*};
}

/// Untimed calls before timing.
const WARMUP: usize = 3;
/// Timed calls per strategy (the median is reported).
const RUNS: usize = 30;
/// Timed calls of the slow strategies (forward mode over 100 variables).
const SLOW_RUNS: usize = 5;

/// Points of the log-normal and Rosenbrock n = 2 cases.
const BIG_BATCH: usize = 1_000_000;
/// Points of the Rosenbrock n = 100 and n = 10 cases.
const SMALL_BATCH: usize = 10_000;

/// A failed correctness check or an error from ad-core.
#[derive(Debug)]
enum Failure {
    /// ad-core returned an error.
    Ad(Error),
    /// A result differs from the hand-written derivative.
    Wrong(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Ad(e)
    }
}

/// The timings of one case, strategy by strategy.
struct Case {
    name: &'static str,
    timings: Vec<(String, f64)>,
}

impl Case {
    fn new(name: &'static str) -> Self {
        eprintln!("case {name}");
        Case {
            name,
            timings: Vec::new(),
        }
    }

    /// Warms up, times `runs` calls of `f`, prints and records the median.
    fn time(
        &mut self,
        strategy: &str,
        runs: usize,
        mut f: impl FnMut() -> Result<(), Error>,
    ) -> Result<(), Failure> {
        for _ in 0..WARMUP {
            f()?;
        }
        let mut ms = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            f()?;
            ms.push(start.elapsed().as_secs_f64() * 1e3);
        }
        ms.sort_by(f64::total_cmp);
        let median = ms[ms.len() / 2];
        println!(
            "strategy {} {strategy} median_ms {median:.4} min_ms {:.4} runs {runs}",
            self.name, ms[0]
        );
        self.timings.push((strategy.to_string(), median));
        Ok(())
    }

    /// Prints the fastest strategy as ours.
    fn finish(self) {
        if let Some((s, t)) = self.timings.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
            println!("ours {} {s} median_ms {t:.4}", self.name);
        }
    }
}

/// Checks every point's result against the exact one: the largest difference,
/// relative to the largest exact component of the point (at least `floor`), must
/// not exceed `tol`.
fn check<const K: usize>(
    what: &str,
    got: impl Iterator<Item = [f64; K]>,
    want: impl Iterator<Item = [f64; K]>,
    (tol, floor): (f64, f64),
) -> Result<(), Failure> {
    let mut count = 0usize;
    let mut worst = 0.0f64;
    for (i, (g, w)) in got.zip(want).enumerate() {
        let scale = w.iter().fold(floor, |m, v| m.max(v.abs()));
        let d = g
            .iter()
            .zip(&w)
            .map(|(a, b)| (a - b).abs() / scale)
            .fold(0.0, f64::max);
        if d.is_nan() || d > tol {
            return Err(Failure::Wrong(format!(
                "{what}: point {i}: got {g:?}, want {w:?} (difference {d:e} > {tol:e})"
            )));
        }
        worst = worst.max(d);
        count += 1;
    }
    eprintln!("  check {what}: {count} points, largest relative difference {worst:.2e}");
    Ok(())
}

/// Tolerance and floor of the scale of the f32 log-normal checks: the f32 rounding
/// of `ln y − μ` and `1/σ²` is a few 1e-7 of the largest component.
const TOL_LOGNORMAL_F32: (f64, f64) = (2e-5, 1.0);
/// Tolerance and scale floor of the f64 log-normal checks.
const TOL_LOGNORMAL_F64: (f64, f64) = (1e-12, 1.0);
/// Tolerance and scale floor of the f32 Rosenbrock checks: `400 x (y − x²)` loses
/// up to ≈ 2e-4 absolute to the cancellation in `y − x²` at |x| ≤ 2, so differences
/// are judged against at least 10 (a wrong derivative is off by O(1) relative).
const TOL_ROSENBROCK: (f64, f64) = (1e-4, 10.0);

/// Widens an f32 array.
fn wide<const N: usize>(x: &[f32; N]) -> [f64; N] {
    x.map(f64::from)
}

/// Checks Rosenbrock gradients at every point against the hand-written ones.
fn check_rosenbrock_grad<const N: usize>(
    what: &str,
    pts: &[[f32; N]],
    grads: &[[f32; N]],
) -> Result<(), Failure> {
    check(
        what,
        grads.iter().map(wide),
        pts.iter().map(|p| exact_gradient(wide(p))),
        TOL_ROSENBROCK,
    )
}

/// Case 1: log-normal log-density gradient, 1e6 points, in `T`.
macro_rules! lognormal_case {
    ($t:ty, $name:literal, $tol:expr, [$($l:literal),*], $gen:ident, [$($g:literal),*],
        $grad:ident) => {{
        let mut case = Case::new($name);
        let pts: Vec<[$t; 3]> = uniform_points(BIG_BATCH, 1, LOGNORMAL_RANGES, |v| v as $t);
        let mut values: Vec<$t> = vec![0.0; pts.len()];
        let mut grads: Vec<[$t; 3]> = vec![[0.0; 3]; pts.len()];
        $(
            lognormal_forward::<$l, $t>(&pts, &mut values, &mut grads)?;
            check(
                concat!("forward-L", $l),
                grads.iter().map(|g| g.map(f64::from)),
                pts.iter().map(|p| exact_lognormal_logpdf_gradient(p.map(f64::from))),
                $tol,
            )?;
            case.time(concat!("forward-L", $l), RUNS, || {
                lognormal_forward::<$l, $t>(black_box(&pts), black_box(&mut values), black_box(&mut grads))
            })?;
        )*
        $(
            $gen::<$g>(&pts, &mut values, &mut grads)?;
            check(
                concat!("generated-L", $g),
                grads.iter().map(|g| g.map(f64::from)),
                pts.iter().map(|p| exact_lognormal_logpdf_gradient(p.map(f64::from))),
                $tol,
            )?;
            case.time(concat!("generated-L", $g), RUNS, || {
                $gen::<$g>(black_box(&pts), black_box(&mut values), black_box(&mut grads))
            })?;
        )*
        let check_grad = |what: &str, grads: &[[$t; 3]]| {
            check(
                what,
                grads.iter().map(|g| g.map(f64::from)),
                pts.iter().map(|p| exact_lognormal_logpdf_gradient(p.map(f64::from))),
                $tol,
            )
        };
        generated_grad!(case, $t, $grad, pts, grads, check_grad, [$($g),*]);
        case.finish();
    }};
}

/// Case 2: Rosenbrock n = 2 gradient, 1e6 points, f32, forward mode.
fn rosenbrock2() -> Result<(), Failure> {
    let mut case = Case::new("rosenbrock2_grad_f32");
    let pts: Vec<[f32; 2]> = uniform_points(BIG_BATCH, 2, [ROSENBROCK_RANGE; 2], |v| v as f32);
    let mut values = vec![0.0f32; pts.len()];
    let mut grads = vec![[0.0f32; 2]; pts.len()];
    macro_rules! forward {
        ($($l:literal),*) => {$(
            rosenbrock_forward::<$l, 2>(&pts, &mut values, &mut grads)?;
            check(
                concat!("forward-L", $l),
                grads.iter().map(wide),
                pts.iter().map(|p| exact_gradient(wide(p))),
                TOL_ROSENBROCK,
            )?;
            case.time(concat!("forward-L", $l), RUNS, || {
                rosenbrock_forward::<$l, 2>(black_box(&pts), black_box(&mut values), black_box(&mut grads))
            })?;
        )*};
    }
    forward!(8, 16, 32);
    macro_rules! forward_inline {
        ($($l:literal),*) => {$(
            rosenbrock_forward_inline::<$l, 2>(&pts, &mut values, &mut grads)?;
            check(
                concat!("forward-inline-L", $l),
                grads.iter().map(wide),
                pts.iter().map(|p| exact_gradient(wide(p))),
                TOL_ROSENBROCK,
            )?;
            case.time(concat!("forward-inline-L", $l), RUNS, || {
                rosenbrock_forward_inline::<$l, 2>(black_box(&pts), black_box(&mut values), black_box(&mut grads))
            })?;
        )*};
    }
    forward_inline!(8, 16, 32);
    macro_rules! generated {
        ($($l:literal),*) => {$(
            rosenbrock2_generated::<$l>(&pts, &mut values, &mut grads)?;
            check(
                concat!("generated-L", $l),
                grads.iter().map(wide),
                pts.iter().map(|p| exact_gradient(wide(p))),
                TOL_ROSENBROCK,
            )?;
            case.time(concat!("generated-L", $l), RUNS, || {
                rosenbrock2_generated::<$l>(black_box(&pts), black_box(&mut values), black_box(&mut grads))
            })?;
        )*};
    }
    generated!(8, 16);
    let check_grad = |what: &str, grads: &[_]| check_rosenbrock_grad(what, &pts, grads);
    generated_grad!(
        case,
        f32,
        rosenbrock2_f32_gradient,
        pts,
        grads,
        check_grad,
        [8, 16]
    );
    case.finish();
    Ok(())
}

/// Case 3: Rosenbrock n = 100 gradient, batch 1e4, f32: the recorded program
/// replayed over lanes, and forward mode over 100 variables.
fn rosenbrock100() -> Result<(), Failure> {
    const N: usize = 100;
    let mut case = Case::new("rosenbrock100_grad_f32");
    let pts: Vec<[f32; N]> = uniform_points(SMALL_BATCH, 3, [ROSENBROCK_RANGE; N], |v| v as f32);
    let mut values = vec![0.0f32; pts.len()];
    let mut grads = vec![[0.0f32; N]; pts.len()];
    let mut tape = VecTape::<f32>::new();
    let mut prog = tape.record([0.5; N], |x| [rosenbrock(&x)])?;
    eprintln!("  recorded program: {} nodes", prog.len());
    macro_rules! replay {
        ($($l:literal),*) => {$(
            let mut work = Box::new(Workspace::<Lanes<f32, $l>, W100>::new());
            program_gradient(&mut prog, &mut work, &pts, &mut values, &mut grads)?;
            check(
                concat!("program-L", $l),
                grads.iter().map(wide),
                pts.iter().map(|p| exact_gradient(wide(p))),
                TOL_ROSENBROCK,
            )?;
            case.time(concat!("program-L", $l), RUNS, || {
                program_gradient(&mut prog, black_box(&mut work), black_box(&pts), black_box(&mut values), black_box(&mut grads))
            })?;
        )*};
    }
    replay!(8, 16, 32, 64);
    macro_rules! generated {
        ($($l:literal),*) => {$(
            rosenbrock100_generated::<$l>(&pts, &mut values, &mut grads)?;
            check(
                concat!("generated-L", $l),
                grads.iter().map(wide),
                pts.iter().map(|p| exact_gradient(wide(p))),
                TOL_ROSENBROCK,
            )?;
            case.time(concat!("generated-L", $l), RUNS, || {
                rosenbrock100_generated::<$l>(black_box(&pts), black_box(&mut values), black_box(&mut grads))
            })?;
        )*};
    }
    generated!(8, 16);
    let check_grad = |what: &str, grads: &[_]| check_rosenbrock_grad(what, &pts, grads);
    generated_grad!(
        case,
        f32,
        rosenbrock100_f32_gradient,
        pts,
        grads,
        check_grad,
        [8, 16]
    );
    rosenbrock_forward::<8, N>(&pts, &mut values, &mut grads)?;
    check(
        "forward-L8",
        grads.iter().map(wide),
        pts.iter().map(|p| exact_gradient(wide(p))),
        TOL_ROSENBROCK,
    )?;
    case.time("forward-L8", SLOW_RUNS, || {
        rosenbrock_forward::<8, N>(
            black_box(&pts),
            black_box(&mut values),
            black_box(&mut grads),
        )
    })?;
    case.finish();
    Ok(())
}

/// Flattens a Hessian of f32 into f64.
fn flat<const N: usize, const NN: usize>(h: &[[f32; N]; N]) -> [f64; NN] {
    core::array::from_fn(|k| f64::from(h[k / N][k % N]))
}

/// Case 4: Rosenbrock n = 10 Hessian, batch 1e4, f32: second-order forward mode and
/// forward-over-reverse on the recorded program.
fn rosenbrock10_hessian() -> Result<(), Failure> {
    const N: usize = 10;
    let mut case = Case::new("rosenbrock10_hess_f32");
    let pts: Vec<[f32; N]> = uniform_points(SMALL_BATCH, 4, [ROSENBROCK_RANGE; N], |v| v as f32);
    let mut values = vec![0.0f32; pts.len()];
    let mut grads = vec![[0.0f32; N]; pts.len()];
    let mut hess = vec![[[0.0f32; N]; N]; pts.len()];
    let exact = |p: &[f32; N]| -> [f64; N * N] {
        let h = exact_hessian(wide(p));
        core::array::from_fn(|k| h[k / N][k % N])
    };
    macro_rules! check_all {
        ($what:expr) => {
            check(
                concat!($what, " gradient"),
                grads.iter().map(wide),
                pts.iter().map(|p| exact_gradient(wide(p))),
                TOL_ROSENBROCK,
            )?;
            check::<{ N * N }>(
                concat!($what, " Hessian"),
                hess.iter().map(flat),
                pts.iter().map(exact),
                TOL_ROSENBROCK,
            )?;
        };
    }
    macro_rules! forward {
        ($($l:literal),*) => {$(
            rosenbrock_hessian::<$l, N>(&pts, &mut values, &mut grads, &mut hess)?;
            check_all!(concat!("forward2-L", $l));
            case.time(concat!("forward2-L", $l), RUNS, || {
                rosenbrock_hessian::<$l, N>(black_box(&pts), black_box(&mut values), black_box(&mut grads), black_box(&mut hess))
            })?;
        )*};
    }
    forward!(4, 8, 16, 32);
    macro_rules! forward_inline {
        ($($l:literal),*) => {$(
            rosenbrock_hessian_inline::<$l, N>(&pts, &mut values, &mut grads, &mut hess)?;
            check_all!(concat!("forward2-inline-L", $l));
            case.time(concat!("forward2-inline-L", $l), RUNS, || {
                rosenbrock_hessian_inline::<$l, N>(black_box(&pts), black_box(&mut values), black_box(&mut grads), black_box(&mut hess))
            })?;
        )*};
    }
    forward_inline!(4, 8, 16);
    let mut tape = VecTape::<f32>::new();
    let mut prog = tape.record([0.5; N], |x| [rosenbrock(&x)])?;
    eprintln!("  recorded program: {} nodes", prog.len());
    macro_rules! replay {
        ($($l:literal),*) => {$(
            let mut work = Box::new(Workspace::<ad_core::Dual<Lanes<f32, $l>, N>, W10>::new());
            program_hessian(&mut prog, &mut work, &pts, &mut values, &mut grads, &mut hess)?;
            check_all!(concat!("program-L", $l));
            case.time(concat!("program-L", $l), RUNS, || {
                program_hessian(&mut prog, black_box(&mut work), black_box(&pts), black_box(&mut values), black_box(&mut grads), black_box(&mut hess))
            })?;
        )*};
    }
    replay!(4, 8, 16, 32);
    macro_rules! generated {
        ($($l:literal),*) => {$(
            rosenbrock10_hessian_generated::<$l>(&pts, &mut values, &mut grads, &mut hess)?;
            check_all!(concat!("generated-L", $l));
            case.time(concat!("generated-L", $l), RUNS, || {
                rosenbrock10_hessian_generated::<$l>(black_box(&pts), black_box(&mut values), black_box(&mut grads), black_box(&mut hess))
            })?;
        )*};
    }
    generated!(4, 8, 16);
    // The Hessian's pattern (tridiagonal) read off the program: 3 tangents, not 10.
    let mut coloring = HessianColoring::<N>::new();
    prog.color_hessian(&mut coloring, &mut Box::new(SparsityWork::<W10>::new()))?;
    eprintln!(
        "  Hessian coloring: {} colors, {} entries",
        coloring.colors(),
        coloring.nonzeros()
    );
    macro_rules! colored {
        ($($l:literal),*) => {$(
            let mut work = Box::new(Workspace::<ad_core::Dual<Lanes<f32, $l>, 3>, W10>::new());
            program_hessian_colored(&mut prog, &coloring, &mut work, &pts, &mut values, &mut grads, &mut hess)?;
            check_all!(concat!("program-colored-L", $l));
            case.time(concat!("program-colored-L", $l), RUNS, || {
                program_hessian_colored(&mut prog, &coloring, black_box(&mut work), black_box(&pts), black_box(&mut values), black_box(&mut grads), black_box(&mut hess))
            })?;
            rosenbrock10_hessian_colored::<$l>(&coloring, &pts, &mut values, &mut grads, &mut hess)?;
            check_all!(concat!("generated-colored-L", $l));
            case.time(concat!("generated-colored-L", $l), RUNS, || {
                rosenbrock10_hessian_colored::<$l>(&coloring, black_box(&pts), black_box(&mut values), black_box(&mut grads), black_box(&mut hess))
            })?;
            for h in hess.iter_mut() {
                *h = [[f32::NAN; N]; N];
            }
            rosenbrock10_hess_colored::<$l>(&coloring, &pts, &mut hess)?;
            check::<{ N * N }>(
                concat!("generated-hess-colored-L", $l, " Hessian"),
                hess.iter().map(flat),
                pts.iter().map(exact),
                TOL_ROSENBROCK,
            )?;
            case.time(concat!("generated-hess-colored-L", $l), RUNS, || {
                rosenbrock10_hess_colored::<$l>(&coloring, black_box(&pts), black_box(&mut hess))
            })?;
        )*};
    }
    colored!(4, 8, 16, 32);
    case.finish();
    Ok(())
}

fn run() -> Result<(), Failure> {
    lognormal_case!(
        f32,
        "lognormal_grad_f32",
        TOL_LOGNORMAL_F32,
        [8, 16, 32],
        lognormal_generated_f32,
        [8, 16],
        lognormal_f32_gradient
    );
    lognormal_case!(
        f64,
        "lognormal_grad_f64",
        TOL_LOGNORMAL_F64,
        [4, 8, 16, 32],
        lognormal_generated_f64,
        [4, 8],
        lognormal_f64_gradient
    );
    rosenbrock2()?;
    rosenbrock100()?;
    rosenbrock10_hessian()?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Ad(e)) => {
            eprintln!("ERROR from ad-core: {e:?}");
            ExitCode::FAILURE
        }
        Err(Failure::Wrong(msg)) => {
            eprintln!("WRONG RESULT {msg}");
            ExitCode::FAILURE
        }
    }
}
