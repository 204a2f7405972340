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
//! fresh recording at `x'`. Finally it runs over `Lanes<f64, 4>` (plain, `Dual`,
//! `Dual2`, the tape's `gradient_over`, forward-over-reverse over `Dual<Lanes>`, and a
//! recording with a guard), each lane against the scalar computation at its point:
//! bit for bit without vector kernels, else the tolerance of [`check_lanes`].
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
//! * **rule 2 under nesting**: the nested outer tangent is a whole `Dual`; where
//!   `Dual`'s tangent is exactly zero but the nested one has a non-zero second-order
//!   part and a non-finite partial follows, the nested outer tangent may be non-finite.
//! * no open findings: every skip of an open finding is gone (`powf` at a zero base
//!   and `powf` over lanes are fixed; their tests in
//!   `ad-core/tests/fuzz_regressions.rs` run).
#![no_main]

use ad_core::rules::{self, BinaryOp, UnaryOp, Wrt};
use ad_core::{
    Dual, Dual2, Error, HessianColoring, HyperDual, Lanes, SparsityWork, Tape, Workspace,
};
use ad_fuzz::{
    Bytes, MAX_NODES, MAX_OPS, N, Node, Program, Reference, SPECIAL, binary, close, same,
    same_bits, unary,
};
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
    let (e0, e_inf) = first_allowances(&r, len, |j, i| dn[j].eps[i]);

    // Second order, forward.
    let mut qn = [Dual2::<f64, N>::constant_of(0.0); M];
    let q = p.eval_into(Dual2::<f64, N>::variables(x), &mut qn);
    assert!(same_bits(q.value(), plain), "Dual2 value: {}", ctx());
    let h2 = q.hessian();
    let mut nn = [Dual::<Dual<f64, N>, N>::constant_of(Dual::constant_of(0.0)); M];
    let n = p.eval_into(nested(x), &mut nn);
    assert!(same_bits(n.re.re, plain), "nested value: {}", ctx());
    // Rule 2 under nesting: the nested outer tangent is a whole `Dual`, a strong zero
    // only when every component is zero. Where `Dual`'s tangent along `i` is exactly
    // zero but the nested one has a non-zero second-order part (rounding: the second
    // derivative of `log_x(x) = 1`) and a non-finite partial lies at or after the node,
    // `Dual` drops the partial and the nested type multiplies it
    // (`nested_strong_zero_looks_at_every_component`): nested outer non-finite.
    let e_nest: [bool; N] = core::array::from_fn(|i| {
        (0..len).any(|j| {
            r.reached[j]
                && r.deps[j] & (1 << i) != 0
                && dn[j].eps[i] == 0.0
                && (nn[j].eps[i].re != 0.0 || r.bad_down[j])
        })
    });
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
    // Rule 9 for the products of tangents: `Dual2`/`HyperDual` take an exactly zero
    // tangent times an infinite one as a strong zero in their second-order terms
    // (ad-core 30eede1); the reverse sweep of forward-over-reverse multiplies. Where an
    // intermediate derivative along i or k is infinite, one side may be non-finite.
    for i in 0..N {
        for k in 0..N {
            e0_2[i][k] |= e_inf[i] || e_inf[k];
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
            // The same whole-`Dual` tests on values that under- or overflow (`powf` of
            // a subnormal): allowed in the exponent range's exception as well.
            if what == "nested outer" && (e_nest[i] || r.out_of_range) && !v.is_finite() {
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
        // Rule 2 under nesting again: `hessian` replays over `Dual`, whose whole-`Dual`
        // zero tests (`powf`'s factor `y`) keep a partial that `gradient` drops.
        assert!(
            same(hg[i], gr[i]) || ((e_nest[i] || r.out_of_range) && !hg[i].is_finite()),
            "hessian's gradient {} vs gradient {}: {}",
            hg[i],
            gr[i],
            ctx()
        );
    }

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

    // Sparse Hessian: every finite nonzero of the dense forward-over-reverse Hessian
    // is in the structural pattern; where the dense Hessian is finite, the colored one
    // (one tangent per color) agrees with it under the tolerance rule and is exactly
    // zero outside the pattern. (At special points a non-finite entry can spread to
    // the other columns of its color: not compared there.)
    let mut coloring = HessianColoring::<N>::new();
    if let Err(e) = prog.color_hessian(&mut coloring, &mut SparsityWork::<CAP>::new()) {
        panic!("color_hessian failed: {e}: {}", ctx());
    }
    for i in 0..N {
        for k in 0..N {
            assert!(
                !(hr[i][k].is_finite() && hr[i][k] != 0.0) || coloring.may_be_nonzero(i, k),
                "hessian {i}{k} = {} is not in the pattern: {}",
                hr[i][k],
                ctx()
            );
        }
    }
    let mut cwork = Workspace::<Dual<f64, N>, CAP>::new();
    let (cv, _, hc) = match prog.hessian_colored(x, &coloring, &mut cwork) {
        Ok(t) => t,
        Err(e) => panic!("hessian_colored failed: {e}: {}", ctx()),
    };
    assert!(same_bits(cv, plain), "colored hessian value: {}", ctx());
    if !r.out_of_range && hr.iter().flatten().all(|v| v.is_finite()) {
        for i in 0..N {
            for k in 0..N {
                let ok = if coloring.may_be_nonzero(i, k) {
                    close(hc[i][k], hr[i][k], r.s2[i][k], len)
                } else {
                    hc[i][k] == 0.0
                };
                assert!(
                    ok,
                    "colored hessian {i}{k}: {} vs dense {} (scale {}): {}",
                    hc[i][k],
                    hr[i][k],
                    r.s2[i][k],
                    ctx()
                );
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

    check_lanes(p, x, x2, &mut prog, &ctx);
}

/// The allowed disagreements of a gradient component `i` between forward mode (node
/// tangents `tangent(j, i)`) and reverse mode:
///
/// * rule 9: a value-based strong zero on a dependent node whose adjoint is not
///   finite (the reverse result must then be non-finite);
/// * infinite or NaN intermediate derivatives: sums of infinite path contributions are
///   formed in another order by each mode (∞ - ∞ in one, ∞ · (1 - 1 + 1) in the
///   other), so both results must be non-finite but NaN may face ±∞.
fn first_allowances(
    r: &Reference,
    len: usize,
    tangent: impl Fn(usize, usize) -> f64,
) -> ([bool; N], [bool; N]) {
    let on = |j: usize, i: usize| r.reached[j] && r.deps[j] & (1 << i) != 0;
    let e0 = core::array::from_fn(|i| {
        (0..len).any(|j| on(j, i) && tangent(j, i) == 0.0 && !r.suffix[j].is_finite())
    });
    let e_inf = core::array::from_fn(|i| (0..len).any(|j| on(j, i) && !tangent(j, i).is_finite()));
    (e0, e_inf)
}

// ---------------------------------------------------------------------------------
// Lanes: the same program over `Lanes<f64, 4>`, lane `l` at point `pts[l]`.
// ---------------------------------------------------------------------------------

/// Lanes of the batched evaluation.
const LANES: usize = 4;
type L4 = Lanes<f64, LANES>;
/// Capacity of the tape with a guard: the program and one comparison.
const GCAP: usize = CAP + 4;

/// Value tolerance of a kernel function, in ulp of the larger magnitude (the kernels'
/// distance to glibc is at most 2 ulp, `tanh`; `vmath/float64.rs` asserts ≤ 3).
const K_VALUE: f64 = 4.0;
/// Derivative tolerance of a node with a kernel function, in units of `ε · S` with `S`
/// the node's magnitude sum (`|∂|·|tangent|` summed, see [`local_scale`]).
const K_DERIV: f64 = 16.0;

/// Rows whose value or partials use a vector kernel over lanes (exp, ln, sin, cos,
/// tan, atan, tanh, sqrt, powf, and the rows whose partials call them: `exp_m1`
/// (`exp`), `asin`/`acos`/`acosh` (`sqrt`), `cbrt`, `asinh`, `log` (`ln`)). Every
/// other row is the scalar function lane by lane: bit for bit.
fn kernel(node: Node) -> bool {
    use UnaryOp as U;
    match node {
        Node::Unary(op, _) => matches!(
            op,
            U::Exp
                | U::Ln
                | U::Sin
                | U::Cos
                | U::Tan
                | U::Atan
                | U::Tanh
                | U::Sqrt
                | U::ExpM1
                | U::Asin
                | U::Acos
                | U::Acosh
                | U::Cbrt
                | U::Asinh
        ),
        Node::Binary(op, _, _) => matches!(op, BinaryOp::Powf | BinaryOp::Log),
        _ => false,
    }
}

/// The four points: the target's point, the replay point, the point with its inputs
/// swapped, and (derived from the input bits) either two special values or a mix of
/// the two points; lanes that disagree on the rules' branches.
fn lane_points(x: [f64; N], x2: [f64; N], len: usize) -> ([[f64; N]; LANES], u64) {
    let h = (x[0].to_bits() ^ x2[1].to_bits().rotate_left(29) ^ len as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        >> 20;
    let k = |s: u64| SPECIAL[(h >> s) as usize % SPECIAL.len()];
    let last = if h & 1 == 0 {
        [k(1), k(7)]
    } else {
        [x[0], x2[1]]
    };
    ([x, x2, [x[1], x[0]], last], h)
}

/// A lane of `v` against the scalar `s`: bit for bit (NaN matching NaN), or, where
/// `tol` is given, NaN-ness and infinities exactly and finite values within `tol`.
fn lane_ok(v: f64, s: f64, tol: Option<f64>) -> bool {
    match tol {
        None => same_bits(v, s),
        Some(_) => lane_ok_d(v, s, tol),
    }
}

/// [`lane_ok`] for a derivative component: `==` instead of the same bits (`+0 == -0`).
/// The sign of a zero derivative may depend on the other lanes: the product rule
/// takes its strong-zero path for the whole batch when any lane has a non-finite
/// component, and that path writes `+0` where the plain rule gives `-0`
/// (`lanes_zero_sign_depends_on_other_lanes` in fuzz_regressions.rs).
fn lane_ok_d(v: f64, s: f64, tol: Option<f64>) -> bool {
    match tol {
        None => same(v, s),
        Some(t) if t.is_nan() => true,
        Some(t) => {
            if v.is_nan() || s.is_nan() {
                v.is_nan() && s.is_nan()
            } else if v.is_infinite() || s.is_infinite() {
                v == s
            } else {
                !t.is_finite() || (v - s).abs() <= t
            }
        }
    }
}

/// Tolerance of a kernel value `s` (scalar) facing `v` (lane).
fn value_tol(v: f64, s: f64) -> f64 {
    K_VALUE * f64::EPSILON * v.abs().max(s.abs()) + K_VALUE * 5e-324
}

/// Tolerance of a derivative component with magnitude sum `scale`.
fn deriv_tol(scale: f64) -> f64 {
    K_DERIV * f64::EPSILON * scale + f64::MIN_POSITIVE
}

/// The rounding scale of a first-derivative formula in its argument, `|f'|/|x|`
/// (as in the `modes` reference): the second partials are built from kernel values
/// inside formulas that cancel (`powf`'s `1 + y ln x`).
fn formula(d1: f64, x: f64) -> f64 {
    if d1 == 0.0 {
        0.0
    } else {
        d1.abs() / x.abs().max(ad_fuzz::RANGE_LO)
    }
}

/// Local partials (absolute values) of node `node` at the scalar operand values:
/// `(d_a, d_b, d_aa, d_ab, d_bb)`, the second ones with the [`formula`] term.
fn local_scale(node: Node, a: f64, b: f64) -> [f64; 5] {
    match node {
        Node::Unary(op, _) => {
            let j = rules::unary::<f64, true>(op, a);
            [j.d1.abs(), 0.0, j.d2.abs() + formula(j.d1, a), 0.0, 0.0]
        }
        Node::Binary(op, _, _) => {
            let j = rules::binary::<f64, true>(op, a, b, Wrt::BOTH);
            let k = formula(j.dx, a) + formula(j.dy, b);
            [
                j.dx.abs(),
                j.dy.abs(),
                j.dxx.abs() + k,
                j.dxy.abs() + k,
                j.dyy.abs() + k,
            ]
        }
        _ => [0.0; 5],
    }
}

fn lane(v: L4, l: usize) -> f64 {
    v.0[l]
}

fn dual_lane(d: &Dual<L4, N>, l: usize) -> Dual<f64, N> {
    Dual::new(lane(d.re, l), d.eps.map(|e| lane(e, l)))
}

fn dual2_lane(q: &Dual2<L4, N>, l: usize) -> Dual2<f64, N> {
    Dual2::new(
        lane(q.value(), l),
        q.gradient().map(|e| lane(e, l)),
        q.hessian().map(|r| r.map(|e| lane(e, l))),
    )
}

/// Applies node `node` to scalar operands, as the program does.
fn apply<T: ad_core::Real>(node: Node, a: T, b: T) -> T {
    match node {
        Node::Unary(op, _) => unary(op, a),
        Node::Binary(op, _, _) => binary(op, a, b),
        _ => a,
    }
}

/// The program over `Lanes<f64, 4>` in plain values, `Dual<Lanes, 2>`, `Dual2<Lanes,
/// 2>` and on the tape (`gradient_over`, forward-over-reverse over `Dual<Lanes, 2>`,
/// and a recording with a guard for `BranchChanged`). What must hold, lane `l`
/// against the scalar computation at `pts[l]` (`fuzz/README.md`, "Lanes"):
///
/// * **node by node** (plain, `Dual`, `Dual2`): every node's lane equals the scalar
///   operation applied to that lane's operands (value, tangents, Hessian), bit for
///   bit (NaN matching NaN) for every row without a kernel function; for a [`kernel`]
///   row, NaN-ness and infinities exactly, values within [`K_VALUE`] ulp, and each
///   derivative component within `K_DERIV · ε · S + 2⁻¹⁰²²`, `S` the component's
///   magnitude sum (`|∂a|·|aᵢ| + |∂b|·|bᵢ|` for a tangent; `Σ |∂|·|Hᵢₖ| + |∂²|·|aᵢ aₖ|`
///   for a Hessian entry);
/// * **no kernel row in the program**: the tape over lanes equals the scalar replay at
///   each lane's point bit for bit (value, gradient, Hessian), and the guarded
///   recording fails with `BranchChanged` over lanes exactly when some lane's scalar
///   replay does, at the first such guard;
/// * **kernel rows present**: a lane's values differ from the scalar ones by the
///   propagated kernel rounding, so the tape over lanes is compared with the forward
///   modes *over lanes* (the scalar cross-mode rule, with the reference and the
///   allowances computed from that lane's values): value bit for bit, gradient under
///   [`close`]; the Hessian replay's gradient equals `gradient_over`'s.
fn check_lanes(
    p: &Program,
    x: [f64; N],
    x2: [f64; N],
    prog: &mut ad_core::Program<'_, f64, N, 1>,
    ctx: &dyn Fn() -> String,
) {
    let len = p.len;
    let (pts, h) = lane_points(x, x2, len);
    let lctx = |l: usize| format!("lane {l} at {:?}: {}", pts[l], ctx());
    let xl: [L4; N] = core::array::from_fn(|k| Lanes::from_fn(|l| pts[l][k]));
    let kern = p.nodes().iter().any(|&n| kernel(n));

    let mut vl = [L4::splat(0.0); M];
    p.eval_into(xl, &mut vl);
    let mut dl = [Dual::<L4, N>::constant_of(L4::splat(0.0)); M];
    p.eval_into(Dual::variables(xl), &mut dl);
    let mut ql = [Dual2::<L4, N>::constant_of(L4::splat(0.0)); M];
    p.eval_into(Dual2::variables(xl), &mut ql);

    for l in 0..LANES {
        for (j, &node) in p.nodes().iter().enumerate() {
            let (a, b) = match node {
                Node::Input(k) => {
                    let want = Dual2::<f64, N>::variable_at(pts[l][k], k);
                    let (d, q) = (dual_lane(&dl[j], l), dual2_lane(&ql[j], l));
                    assert!(
                        same_bits(lane(vl[j], l), pts[l][k])
                            && same_bits(d.re, pts[l][k])
                            && d.eps == Dual::<f64, N>::variable_at(0.0, k).eps
                            && same_bits(q.value(), pts[l][k])
                            && q.gradient() == want.gradient()
                            && q.hessian() == want.hessian(),
                        "input {k}: {}",
                        lctx(l)
                    );
                    continue;
                }
                Node::Const(c) => {
                    let ok = same_bits(lane(vl[j], l), c)
                        && same_bits(lane(dl[j].re, l), c)
                        && dl[j].eps.iter().all(|e| lane(*e, l) == 0.0);
                    assert!(ok, "constant node {j}: {}", lctx(l));
                    continue;
                }
                Node::Unary(_, a) => (a, a),
                Node::Binary(_, a, b) => (a, b),
            };
            let what = |m: &str| format!("node {j} {node:?} {m}: {}", lctx(l));
            let k = kernel(node);
            // Plain values.
            let s = apply(node, lane(vl[a], l), lane(vl[b], l));
            let v = lane(vl[j], l);
            assert!(
                lane_ok(v, s, k.then(|| value_tol(v, s))),
                "{} (lane {v:e}, scalar {s:e})",
                what("value")
            );
            // First order.
            let (da, db) = (dual_lane(&dl[a], l), dual_lane(&dl[b], l));
            let sd = apply(node, da, db);
            let d = dual_lane(&dl[j], l);
            let ls = local_scale(node, da.re, db.re);
            assert!(
                lane_ok(d.re, sd.re, k.then(|| value_tol(d.re, sd.re))),
                "{}",
                what("Dual value")
            );
            for i in 0..N {
                let tol = k.then(|| deriv_tol(ls[0] * da.eps[i].abs() + ls[1] * db.eps[i].abs()));
                assert!(
                    lane_ok_d(d.eps[i], sd.eps[i], tol),
                    "{} (lane {:e}, scalar {:e})",
                    what(&format!("Dual d/dx{i}")),
                    d.eps[i],
                    sd.eps[i]
                );
            }
            // Second order.
            let (qa, qb) = (dual2_lane(&ql[a], l), dual2_lane(&ql[b], l));
            let sq = apply(node, qa, qb);
            let q = dual2_lane(&ql[j], l);
            let ls = local_scale(node, qa.value(), qb.value());
            let (ga, gb, ha, hb) = (qa.gradient(), qb.gradient(), qa.hessian(), qb.hessian());
            assert!(
                lane_ok(
                    q.value(),
                    sq.value(),
                    k.then(|| value_tol(q.value(), sq.value()))
                ),
                "{}",
                what("Dual2 value")
            );
            for i in 0..N {
                let tol = k.then(|| deriv_tol(ls[0] * ga[i].abs() + ls[1] * gb[i].abs()));
                assert!(
                    lane_ok_d(q.gradient()[i], sq.gradient()[i], tol),
                    "{}",
                    what(&format!("Dual2 d/dx{i}"))
                );
                for m in 0..N {
                    let scale = ls[0] * ha[i][m].abs()
                        + ls[1] * hb[i][m].abs()
                        + ls[2] * (ga[i] * ga[m]).abs()
                        + ls[3] * ((ga[i] * gb[m]).abs() + (gb[i] * ga[m]).abs())
                        + ls[4] * (gb[i] * gb[m]).abs();
                    let (hv, hs) = (q.hessian()[i][m], sq.hessian()[i][m]);
                    assert!(
                        lane_ok_d(hv, hs, k.then(|| deriv_tol(scale))),
                        "{} (lane {hv:e}, scalar {hs:e})",
                        what(&format!("Dual2 d2/dx{i}dx{m}"))
                    );
                }
            }
        }
    }

    // The tape replayed over lanes: no guard in the random programs, so it succeeds.
    let out = len - 1;
    let mut work = Workspace::<L4, CAP>::new();
    let (tv, tg) = match prog.gradient_over(xl, &mut work) {
        Ok(t) => t,
        Err(e) => panic!("gradient_over: {e}: {}", ctx()),
    };
    let mut work2 = Workspace::<Dual<L4, N>, CAP>::new();
    let (hv, hg) = match prog.gradient_over(Dual::variables(xl), &mut work2) {
        Ok(t) => t,
        Err(e) => panic!("hessian over lanes: {e}: {}", ctx()),
    };
    let mut work_s = Workspace::<Dual<f64, N>, CAP>::new();
    // A node that depends on no input is a constant on the tape, computed by the
    // scalar function at recording time: the replay over lanes sees the scalar value.
    // The forward modes over lanes with those nodes folded the same way:
    let mut scalar = [0.0; M];
    p.eval_into(x, &mut scalar);
    let deps = p.deps();
    let mut fdl = [Dual::<L4, N>::constant_of(L4::splat(0.0)); M];
    for (j, &node) in p.nodes().iter().enumerate() {
        fdl[j] = match node {
            _ if deps[j] == 0 => Dual::constant_of(L4::splat(scalar[j])),
            Node::Input(k) => Dual::variable_at(xl[k], k),
            Node::Const(_) => unreachable!(),
            Node::Unary(_, a) => apply(node, fdl[a], fdl[a]),
            Node::Binary(_, a, b) => apply(node, fdl[a], fdl[b]),
        };
    }
    let fvl = fdl.map(|d| d.re);
    for l in 0..LANES {
        assert!(
            same_bits(lane(tv, l), lane(fvl[out], l))
                && same_bits(lane(hv.re, l), lane(fvl[out], l)),
            "tape value over lanes: {}",
            lctx(l)
        );
        for i in 0..N {
            let (a, b) = (lane(hg[i].re, l), lane(tg[i], l));
            assert!(
                same(a, b),
                "hessian-over-lanes gradient {i}: {a:e} vs {b:e}: {}",
                lctx(l)
            );
        }
        if !kern {
            let (sv, sg) = match prog.gradient(pts[l]) {
                Ok(t) => t,
                Err(e) => panic!("scalar replay: {e}: {}", lctx(l)),
            };
            let (_, _, sh) = match prog.hessian(pts[l], &mut work_s) {
                Ok(t) => t,
                Err(e) => panic!("scalar hessian replay: {e}: {}", lctx(l)),
            };
            assert!(same_bits(lane(tv, l), sv), "replay value: {}", lctx(l));
            for i in 0..N {
                assert!(
                    same(lane(tg[i], l), sg[i]),
                    "gradient_over {i}: lane {:e}, scalar {:e}: {}",
                    lane(tg[i], l),
                    sg[i],
                    lctx(l)
                );
                for m in 0..N {
                    assert!(
                        same(lane(hg[i].eps[m], l), sh[i][m]),
                        "hessian over lanes {i}{m}: lane {:e}, scalar {:e}: {}",
                        lane(hg[i].eps[m], l),
                        sh[i][m],
                        lctx(l)
                    );
                }
            }
        } else {
            // The scalar cross-mode rule inside the lane, against the folded forward
            // evaluation (the tape's constants are scalar values).
            let (vl, dl) = (&fvl, &fdl);
            let mut v = [0.0; M];
            for (vj, lj) in v.iter_mut().zip(vl) {
                *vj = lane(*lj, l);
            }
            let r = Reference::from_values(p, &v);
            if r.out_of_range {
                continue;
            }
            let (e0, e_inf) = first_allowances(&r, len, |j, i| lane(dl[j].eps[i], l));
            for i in 0..N {
                let (fw, rv) = (lane(dl[out].eps[i], l), lane(tg[i], l));
                let ok = close(fw, rv, r.s1[i], len)
                    || (e0[i] && !rv.is_finite())
                    || (e_inf[i] && !fw.is_finite() && !rv.is_finite());
                assert!(
                    ok,
                    "lanes gradient {i}: forward {fw:e} reverse {rv:e} (scale {:e}): {}",
                    r.s1[i],
                    lctx(l)
                );
            }
        }
    }

    // A recording with a guard (a comparison of two nodes chosen from the input bits):
    // over lanes it fails with `BranchChanged` when any lane takes the other branch.
    let (gj, gk) = ((h >> 13) as usize % len, (h >> 21) as usize % len);
    let mut tape: Tape<f64, GCAP> = Tape::new();
    let mut guarded = match tape.record(x, |v| {
        let mut nodes = [v[0]; M];
        let y = p.eval_into(v, &mut nodes);
        let _ = nodes[gj] < nodes[gk];
        [y]
    }) {
        Ok(g) => g,
        Err(e) => panic!("guarded recording: {e}: {}", ctx()),
    };
    let mut workg = Workspace::<L4, GCAP>::new();
    let over = guarded.gradient_over(xl, &mut workg);
    match over {
        Ok((gv, gg)) => {
            for l in 0..LANES {
                let ok = same_bits(lane(gv, l), lane(tv, l))
                    && (0..N).all(|i| same_bits(lane(gg[i], l), lane(tg[i], l)));
                assert!(ok, "guarded program over lanes: {}", lctx(l));
            }
        }
        Err(Error::BranchChanged { .. }) => {}
        Err(e) => panic!("guarded replay over lanes: {e}: {}", ctx()),
    }
    if !kern {
        // Per lane: the first guard that changes, if any.
        let first: [Option<usize>; LANES] =
            core::array::from_fn(|l| match guarded.gradient(pts[l]) {
                Ok(_) => None,
                Err(Error::BranchChanged { node }) => Some(node),
                Err(e) => panic!("guarded scalar replay: {e}: {}", lctx(l)),
            });
        let want = first.iter().flatten().min().copied();
        let got = match over {
            Ok(_) => None,
            Err(Error::BranchChanged { node }) => Some(node),
            Err(_) => unreachable!(),
        };
        assert_eq!(
            got,
            want,
            "guard ({gj} < {gk}) over lanes vs per lane {first:?}: {}",
            ctx()
        );
    }
}
