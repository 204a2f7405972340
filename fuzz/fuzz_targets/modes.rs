//! Differential fuzzing of every mode on random programs.
//!
//! The input decodes into two points `x`, `x'` and a random straight-line program
//! with two inputs over every elementary function of the rules table (unary: neg,
//! recip, sqrt, cbrt, exp, exp2, exp_m1, ln, log2, log10, ln_1p, sin, cos, tan, asin,
//! acos, atan, sinh, cosh, tanh, asinh, acosh, atanh, abs, powi; binary: + - * /
//! powf atan2 hypot log min max; constant operands included). It is evaluated with
//! plain `f64`, `Dual<f64, 2>`, `HyperDual` (three seedings: ∂₀∂₀, ∂₀∂₁, ∂₁∂₁),
//! `Dual2<f64, 2>`, nested `Dual<Dual<f64, 2>, 2>`, and on a `Tape` (record, reverse
//! sweep, forward-over-reverse Hessian), then replayed at `x'` and compared with a
//! fresh recording at `x'`.
//!
//! What must hold (the rule, also in `fuzz/README.md`):
//! * no panic;
//! * every value (each mode, the replay) equals the plain `f64` evaluation bit for bit
//!   (NaN matching NaN);
//! * the replay at `x'` equals a fresh recording at `x'` bit for bit: value, gradient,
//!   Hessian (NaN matching NaN, `+0 == -0`);
//! * the forward first derivatives (`Dual`, `HyperDual` ε₁ and ε₂, `Dual2`, both
//!   tangents of the nested type) are identical (`==`, NaN matching NaN): they apply
//!   the same partials with the same value-based strong zeros;
//! * the Hessian of forward-over-reverse, the nested type and `HyperDual` agree with
//!   `Dual2`'s, and the reverse gradient with `Dual`'s, under [`close`]: both NaN, or
//!   equal, or both finite within `16 · (nodes + 1) · ε · S`, where `S` is the sum
//!   over all paths of the products of the *absolute values* of the local partials
//!   (the derivative of the program with every partial replaced by its magnitude,
//!   [`Reference`]): the error bound of evaluating one sum of products in two orders.
//!   `S` carries both the values' magnitude and the conditioning (cancellation between
//!   paths makes the derivative small and `S` large).
//!
//! Allowed disagreements, and nothing else (`fuzz/README.md` has the details):
//! * **rule 9 (0·∞ points)**: for derivative component `i`, when some node on a path
//!   to the output depends structurally on input `i`, its forward tangent along `i` is
//!   exactly zero (a value-based strong zero), and its adjoint magnitude (suffix path
//!   sum) is not finite: forward mode drops that node's contribution, reverse mode
//!   multiplies it. Then the reverse result must be non-finite (NaN or ±∞): a finite
//!   reverse result that differs from forward mode is still a failure. For a Hessian
//!   entry `(i, k)` the same condition along `i` or `k`, or on the mixed component
//!   (`HyperDual` ε₁ε₂ or ε₁·ε₂, or `Dual2`'s entry, exactly zero for `(i, k)` or
//!   `(k, i)`) where a non-finite first or second partial lies between the node and
//!   the output; then one of the two results must be non-finite.
//! * **infinite intermediate derivatives**: when a node on a path has a non-finite
//!   forward tangent along `i` (or a non-finite ε₁ε₂), the modes add infinite path
//!   contributions in different orders; both results must be non-finite (NaN may face
//!   ±∞).
//! * **exponent range**: when any value, local partial or first-order path sum is
//!   finite, non-zero and outside `[2⁻⁴⁰⁰, 2⁴⁰⁰]`, intermediate products can over- or
//!   underflow in one evaluation order and not in the other; derivatives across modes
//!   are not compared (values, replay and forward-versus-forward still are).
//! * **open findings** (ignored tests in `ad-core/tests/fuzz_regressions.rs`), skipped
//!   where marked below until ad-core fixes them.
#![no_main]

use ad_core::{Dual, Dual2, HyperDual, Tape, Workspace};
use ad_fuzz::{Bytes, MAX_NODES, MAX_OPS, N, Program, Reference, close, same, same_bits};
use libfuzzer_sys::fuzz_target;

const M: usize = MAX_NODES + MAX_OPS;
/// Tape capacity: two inputs, and at most two nodes per operation (a constant and the
/// operation).
const CAP: usize = 2 * M;

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes::new(data);
    let x = [b.value(), b.value()];
    let x2 = [b.value(), b.value()];
    let p = Program::decode(&mut b, |b| b.value());
    check(&p, x, x2);
});

fn hyper(x: [f64; N], i: usize, k: usize) -> [HyperDual<f64>; N] {
    core::array::from_fn(|m| {
        HyperDual::new(
            x[m],
            f64::from(u8::from(m == i)),
            f64::from(u8::from(m == k)),
            0.0,
        )
    })
}

fn nested(x: [f64; N]) -> [Dual<Dual<f64, N>, N>; N] {
    core::array::from_fn(|m| {
        Dual::new(
            Dual::variable_at(x[m], m),
            core::array::from_fn(|k| Dual::constant_of(f64::from(u8::from(m == k)))),
        )
    })
}

#[allow(clippy::too_many_lines)]
fn check(p: &Program, x: [f64; N], x2: [f64; N]) {
    let ctx = || format!("program {:?} at {x:?} (replay {x2:?})", p.nodes());
    let plain = p.eval(x);
    let r = Reference::new(p, x);
    let len = p.len;

    // Forward, first order, keeping every node for the strong-zero analysis.
    let mut dn = [Dual::<f64, N>::constant_of(0.0); M];
    let d = p.eval_into(Dual::variables(x), &mut dn);
    assert!(
        same_bits(d.re, plain),
        "Dual value {} vs {plain}: {}",
        d.re,
        ctx()
    );
    let g = d.eps;
    // Rule 9: a value-based strong zero on a dependent node whose adjoint is not finite.
    let e0: [bool; N] = core::array::from_fn(|i| {
        (0..len).any(|j| {
            r.reached[j]
                && r.deps[j] & (1 << i) != 0
                && dn[j].eps[i] == 0.0
                && !r.suffix[j].is_finite()
        })
    });

    // Infinite or NaN intermediate derivatives: sums of infinite path contributions
    // are formed in another order by each mode (∞ - ∞ in one, ∞ · (1 - 1 + 1) in the
    // other), so both results must be non-finite but NaN may face ±∞.
    let e_inf: [bool; N] = core::array::from_fn(|i| {
        (0..len).any(|j| r.reached[j] && r.deps[j] & (1 << i) != 0 && !dn[j].eps[i].is_finite())
    });

    // Second order, forward.
    let mut qn = [Dual2::<f64, N>::constant_of(0.0); M];
    let q = p.eval_into(Dual2::<f64, N>::variables(x), &mut qn);
    assert!(same_bits(q.value(), plain), "Dual2 value: {}", ctx());
    let h2 = q.hessian();
    let n = p.eval(nested(x));
    assert!(same_bits(n.re.re, plain), "nested value: {}", ctx());
    let mut hd = [[0.0; N]; N];
    let mut e0_2 = [[false; N]; N];
    let mut e_inf2 = [[false; N]; N];
    for i in 0..N {
        for k in 0..N {
            let mut hn = [HyperDual::<f64>::constant_of(0.0); M];
            let h = p.eval_into(hyper(x, i, k), &mut hn);
            assert!(same_bits(h.re, plain), "HyperDual value: {}", ctx());
            assert!(
                same(h.e1, g[i]) && same(h.e2, g[k]),
                "HyperDual ε: {}",
                ctx()
            );
            hd[i][k] = h.e12;
            // Infinite intermediate second derivatives, as `e_inf` for the first.
            e_inf2[i][k] = e_inf[i]
                || e_inf[k]
                || (0..len).any(|j| r.reached[j] && r.deps[j] != 0 && !hn[j].e12.is_finite());
            e0_2[i][k] = e0[i]
                || e0[k]
                || (0..len).any(|j| {
                    let both = (1 << i) | (1 << k);
                    r.reached[j]
                        && r.deps[j] & both == both
                        && (hn[j].e12 == 0.0
                            || hn[j].e1 * hn[j].e2 == 0.0
                            || qn[j].hessian()[i][k] == 0.0
                            || qn[j].hessian()[k][i] == 0.0)
                        && (r.bad_down[j] || !r.suffix[j].is_finite())
                });
        }
    }
    // A zero that rounding produced in one seeding order and not in the other: the
    // condition holds for (i, k) when it holds for (k, i).
    for i in 0..N {
        for k in 0..i {
            let either = e0_2[i][k] || e0_2[k][i];
            e0_2[i][k] = either;
            e0_2[k][i] = either;
        }
    }
    for i in 0..N {
        let fwd = [
            ("Dual2", q.gradient()[i]),
            ("nested inner", n.re.eps[i]),
            ("nested outer", n.eps[i].re),
        ];
        for (what, v) in fwd {
            // Finding (fuzz_regressions.rs): value-based zero tests (strong zeros,
            // `powf`'s zero-value shortcut) see a whole `Dual` in the nested type,
            // not zero when its first-order part is: where the dropped partial is ∞
            // or NaN (`ln` of a negative base) the nested outer tangent is NaN where
            // `Dual` drops the term. Allowed only in that direction (nested NaN).
            if what == "nested outer" && v.is_nan() {
                continue;
            }
            assert!(
                same(v, g[i]),
                "{what} d/dx{i} {v} vs Dual {}: {}",
                g[i],
                ctx()
            );
        }
    }

    // Reverse: record, sweep, forward-over-reverse.
    let mut tape: Tape<f64, CAP> = Tape::new();
    let mut prog = match tape.record(x, |v| [p.eval(v)]) {
        Ok(prog) => prog,
        Err(e) => panic!("recording failed: {e}: {}", ctx()),
    };
    assert!(same_bits(prog.values()[0], plain), "tape value: {}", ctx());
    let (rv, gr) = prog.gradient_at_recorded();
    assert!(same_bits(rv, plain), "tape gradient value: {}", ctx());
    let mut work = Workspace::<Dual<f64, N>, CAP>::new();
    let (hv, hg, hr) = match prog.hessian(x, &mut work) {
        Ok(t) => t,
        Err(e) => panic!("hessian failed: {e}: {}", ctx()),
    };
    assert!(same_bits(hv, plain), "tape hessian value: {}", ctx());
    for i in 0..N {
        // Finding (fuzz_regressions.rs): the same whole-`Dual` zero tests make the
        // gradient that `hessian` returns NaN where `gradient` has a number. Allowed
        // only in that direction (the `hessian` gradient NaN).
        let known = hg[i].is_nan();
        assert!(
            known || same(hg[i], gr[i]),
            "hessian's gradient {} vs gradient {}: {}",
            hg[i],
            gr[i],
            ctx()
        );
    }

    // Findings (see ad-core/tests/fuzz_regressions.rs): the modes that differentiate
    // the rules' first-derivative formulas again (nested types, forward-over-reverse)
    // do not reproduce the table's second derivatives where a first partial is
    // infinite or NaN (`atan2` at the origin: ±∞ instead of NaN; `log(x, y)` at
    // `x = 0` on the tape: 0 instead of -∞). Their Hessians are not compared there
    // until fixed; `HyperDual` against `Dual2` still is.
    let rule_boundary = r.nonfinite_d1;

    // Cross-mode agreement under the tolerance rule.
    if !r.out_of_range {
        for i in 0..N {
            let ok = close(g[i], gr[i], r.s1[i], len)
                || (e0[i] && !gr[i].is_finite())
                || (e_inf[i] && !g[i].is_finite() && !gr[i].is_finite());
            assert!(
                ok,
                "gradient {i}: forward {} reverse {} (scale {}, e0 {}): {}",
                g[i],
                gr[i],
                r.s1[i],
                e0[i],
                ctx()
            );
            for k in 0..N {
                let want = h2[i][k];
                let others = [
                    ("HyperDual", hd[i][k]),
                    ("nested", n.eps[k].eps[i]),
                    ("Dual2 transposed", h2[k][i]),
                    ("tape", hr[i][k]),
                ];
                for (what, v) in others {
                    if rule_boundary && (what == "nested" || what == "tape") {
                        continue;
                    }
                    let ok = close(v, want, r.s2[i][k], len)
                        || (e0_2[i][k] && !(v.is_finite() && want.is_finite()))
                        || (e_inf2[i][k] && !v.is_finite() && !want.is_finite());
                    assert!(
                        ok,
                        "hessian {i}{k}: {what} {v} vs Dual2 {want} (scale {}, e0 {}): {}",
                        r.s2[i][k],
                        e0_2[i][k],
                        ctx()
                    );
                }
            }
        }
    }

    // Replay at x' against a fresh recording there: identical, bit for bit.
    let plain2 = p.eval(x2);
    let replay = prog.gradient(x2);
    let replay_h = prog.hessian(x2, &mut work);
    let mut tape2: Tape<f64, CAP> = Tape::new();
    let mut fresh = match tape2.record(x2, |v| [p.eval(v)]) {
        Ok(prog) => prog,
        Err(e) => panic!("recording at x' failed: {e}: {}", ctx()),
    };
    let (fv, fg) = fresh.gradient_at_recorded();
    let fresh_h = fresh.hessian(x2, &mut work);
    match (replay, replay_h, fresh_h) {
        (Ok((v2, g2)), Ok((hv2, _, h2r)), Ok((_, _, h2f))) => {
            assert!(
                same_bits(v2, plain2) && same_bits(fv, plain2),
                "replay value: {}",
                ctx()
            );
            assert!(same_bits(hv2, plain2), "replay hessian value: {}", ctx());
            for i in 0..N {
                assert!(same(g2[i], fg[i]), "replay gradient {i}: {}", ctx());
                for k in 0..N {
                    assert!(same(h2r[i][k], h2f[i][k]), "replay hessian: {}", ctx());
                }
            }
        }
        other => panic!("replay failed: {other:?}: {}", ctx()),
    }
}
