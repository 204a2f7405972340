//! Rust code generation: a recorded [`Program`] written out as straight-line Rust
//! source (feature `alloc`), the "codegen" branch of the architecture.
//!
//! The generated functions are generic over the number type `S` (any [`Real`](crate::Real)
//! built on the program's primitive), like the interpreted replays, and call the same
//! rules ([`Real::unary`](crate::Real::unary), [`rules::unary_at`](crate::rules::unary_at),
//! [`rules::binary_at`](crate::rules::binary_at), ...) with the operation as a constant,
//! so the compiler inlines one row per node and keeps values and adjoints in
//! registers instead of a work array. They follow the interpreter node by node: the
//! same operations in the same order, the same guards (a replay where a recorded
//! comparison would come out differently returns [`Error::BranchChanged`](crate::Error::BranchChanged)
//! with the same node number), the same `select` masking and reaching rules. The one
//! difference: a node's adjoint starts from its first contribution `c`, where the
//! interpreter computes `0 + c`, so an exactly zero adjoint may be `-0` here where
//! the interpreter has `+0` (equal under `==`).

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt::Write;

use super::Program;
use super::node::{COMPARES, Node, binary_of, is_comparison, op, unary_of};
use crate::Primitive;

/// Reverse-sweep reach of a node, known when the code is generated.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Reach {
    /// No output depends on it: no adjoint.
    None,
    /// Reached in the lanes (or, for one point, the cases) where the `select`s on
    /// its paths take its branch: an adjoint and a reached mask.
    Masked,
    /// Reached whatever the inputs: an adjoint only.
    Always,
}

/// A node's operand references (backward distances resolved to absolute indices;
/// `None` where the recording holds none, which the interpreter reads as NaN).
struct Operands {
    a: Option<usize>,
    b: Option<usize>,
    prev: Option<usize>,
}

fn operands(i: usize, n: Node) -> Operands {
    let back = |d: usize| i.checked_sub(d).filter(|_| d > 0);
    Operands {
        a: back(n.a()),
        b: back(n.b()),
        prev: back(1),
    }
}

/// Variables declared per `let`: each `let` opens a lexical scope nested in the
/// previous one, and tens of thousands of nested scopes overflow the stack of the
/// compiler's debug-info writer; grouped (and assigned later) they nest a few hundred
/// deep.
const GROUP: usize = 64;

/// `let (mut? pI, ...);` for the indices `idx`: declared now, assigned later.
fn declare(s: &mut String, idx: impl Iterator<Item = usize>, prefix: &str, m: &str) {
    let _ = write!(s, "    let (");
    for i in idx {
        let _ = write!(s, "{m}{prefix}{i}, ");
    }
    let _ = writeln!(s, ");");
}

/// The variable holding node `j`'s value (`S::nan()` for a missing operand, as the
/// interpreter reads it).
fn value(j: Option<usize>) -> String {
    match j {
        Some(j) => alloc::format!("v{j}"),
        None => "S::nan()".into(),
    }
}

impl<T: Primitive, const N: usize, const M: usize, const OPS: u64> Program<'_, T, N, M, OPS> {
    /// The program as Rust source (feature `alloc`): straight-line code of its forward
    /// replay and reverse sweep, to compile into a crate instead of interpreting the
    /// program at run time (record in a build script, write the text to `OUT_DIR`,
    /// `include!` it). The code holds three functions, generic over any
    /// `S: Real<Primitive = T>` (`T` the program's primitive):
    ///
    /// * `{name}_value(x: [S; N]) -> Result<[S; M], Error>`: the replayed outputs;
    /// * `{name}_vjp(x: [S; N], w: [S; M]) -> Result<([S; M], [S; N]), Error>`: the
    ///   outputs and `wᵀ J`, as [`Program::vjp`];
    /// * `{name}_gradient(x: [S; N]) -> Result<(S, [S; N]), Error>`: value and
    ///   gradient of output 0, as [`Program::gradient`].
    ///
    /// A program with [`Custom`](crate::rules::Custom) functions takes them as a
    /// first argument `customs: [&'static Custom<T>; K]`, in the order of their first
    /// use in the recording. Over [`Lanes`](crate::Lanes) the functions are batched
    /// reverse mode, over [`Dual`](crate::Dual) forward-over-reverse (Hessian-vector
    /// products); recorded guards return [`Error::BranchChanged`](crate::Error::BranchChanged)
    /// as a replay would. The code refers to the crate as `ad_core`; `name` must be a
    /// Rust identifier.
    ///
    /// The results equal the interpreted replay's ([`Program::vjp`],
    /// [`Program::gradient_over`]), bit for bit except that an exactly zero adjoint
    /// may have the other sign (see the module source).
    ///
    /// ```
    /// use ad_core::{Real, Tape};
    /// let mut tape: Tape<f64, 16> = Tape::new();
    /// let prog = tape.record([2.0, 3.0], |[x, y]| [x * y + x.sin()])?;
    /// let code = prog.to_rust("f");
    /// assert!(code.contains("pub fn f_gradient<S>(x: [S; 2]) -> ::core::result::Result<(S, [S; 2]), ad_core::Error>"));
    /// assert!(code.contains("= Real::unary(v0, U::Sin);"));
    /// # Ok::<(), ad_core::Error>(())
    /// ```
    #[must_use]
    pub fn to_rust(&self, name: &str) -> String {
        let mut s = String::new();
        let ty = core::any::type_name::<T>();
        let customs = self
            .nodes
            .iter()
            .filter(|&&r| Node(r).code() == op::CUSTOM)
            .map(|&r| Node(r).b() + 1)
            .max()
            .unwrap_or(0);
        let cparam = if customs > 0 {
            alloc::format!("customs: [&'static ad_core::rules::Custom<{ty}>; {customs}], ")
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "// Generated by ad-core {} (`Program::to_rust`) from a recorded program:\n\
             // {} nodes, {N} inputs, {M} outputs over {ty}. Record again and regenerate\n\
             // rather than editing.\n",
            env!("CARGO_PKG_VERSION"),
            self.nodes.len()
        );
        let attrs = "#[allow(unused_imports, unused_mut, unused_variables, unused_assignments, non_snake_case, \
                     clippy::all, clippy::pedantic)]";
        let bounds = alloc::format!(
            "where\n    S: ad_core::Real<Primitive = {ty}>,\n    S::Mask: ad_core::MaskOps,\n"
        );
        let uses = "    use ad_core::rules::{BinaryOp as B, UnaryOp as U};\n    \
                    use ad_core::{Compare, MaskOps, Real};\n";
        // value
        let _ = writeln!(
            s,
            "/// The outputs of the recorded program `{name}` at `x` (generated code; an\n\
             /// input where a recorded comparison comes out differently returns\n\
             /// `Error::BranchChanged`).\n\
             {attrs}\n#[inline]\n\
             pub fn {name}_value<S>({cparam}x: [S; {N}]) -> ::core::result::Result<[S; {M}], ad_core::Error>\n\
             {bounds}{{\n{uses}"
        );
        self.forward_code(&mut s);
        let _ = writeln!(s, "    Ok([{}])\n}}\n", self.output_list());
        // vjp
        let _ = writeln!(
            s,
            "/// The outputs of the recorded program `{name}` at `x` and the\n\
             /// vector-Jacobian product `wᵀ J` (generated code: one forward pass and one\n\
             /// reverse sweep).\n\
             {attrs}\n#[inline]\n\
             pub fn {name}_vjp<S>({cparam}x: [S; {N}], w: [S; {M}]) -> ::core::result::Result<([S; {M}], [S; {N}]), ad_core::Error>\n\
             {bounds}{{\n{uses}"
        );
        self.forward_code(&mut s);
        self.reverse_code(&mut s);
        let _ = writeln!(s, "    Ok(([{}], g))\n}}\n", self.output_list());
        // gradient: its own body, not a call of the vjp (whose `Result` of `M + N`
        // numbers was unpacked and the gradient copied into this one's: a `memcpy` of
        // the whole gradient per call where the vjp is not inlined).
        let _ = writeln!(
            s,
            "/// Value and gradient of output 0 of the recorded program `{name}` at `x`\n\
             /// (generated code, reverse mode: the vjp with `w = (1, 0, ...)`).\n\
             {attrs}\n#[inline]\n\
             pub fn {name}_gradient<S>({cparam}x: [S; {N}]) -> ::core::result::Result<(S, [S; {N}]), ad_core::Error>\n\
             {bounds}{{\n{uses}    \
             let mut w = [S::zero(); {M}];\n    \
             if let Some(w0) = w.first_mut() {{\n        *w0 = S::one();\n    }}"
        );
        if M > 0 {
            self.forward_code(&mut s);
            self.reverse_code(&mut s);
            let first = self.output_list();
            let first = first.split(", ").next().unwrap_or("S::nan()");
            let _ = writeln!(s, "    Ok(({first}, g))\n}}");
        } else {
            let _ = writeln!(s, "    Ok((S::nan(), [S::zero(); {N}]))\n}}");
        }
        s
    }

    fn output_list(&self) -> String {
        let mut s = String::new();
        for (k, &o) in self.outputs.iter().enumerate() {
            let sep = if k > 0 { ", " } else { "" };
            if (o as usize) < self.nodes.len() {
                let _ = write!(s, "{sep}v{o}");
            } else {
                let _ = write!(s, "{sep}S::nan()");
            }
        }
        s
    }

    /// The integer exponent of a `POWI` node, from its recorded constant operand
    /// (as the interpreter reads it).
    fn exponent(&self, b: Option<usize>) -> i32 {
        b.and_then(|j| self.values.get(j))
            .and_then(num_traits::ToPrimitive::to_i32)
            .unwrap_or(0)
    }

    /// A literal of the primitive type.
    fn literal(v: T) -> String {
        let ty = core::any::type_name::<T>();
        let x = v.to_f64_exact();
        if x.is_nan() {
            alloc::format!("{ty}::NAN")
        } else if x.is_infinite() {
            alloc::format!("{ty}::{}INFINITY", if x < 0.0 { "NEG_" } else { "" })
        } else {
            alloc::format!("{v:?}_{ty}")
        }
    }

    /// `let vI = ...;` for every node: the interpreter's forward replay.
    fn forward_code(&self, s: &mut String) {
        let nodes = self.nodes;
        for (i, &raw) in nodes.iter().enumerate() {
            if i % GROUP == 0 {
                declare(s, (i..nodes.len()).take(GROUP), "v", "");
            }
            let n = Node(raw);
            let code = n.code();
            let o = operands(i, n);
            let (a, b) = (value(o.a), value(o.b));
            let _ = write!(s, "    v{i} = ");
            let recorded = self.values.get(i).copied().unwrap_or_else(T::nan);
            match code {
                op::INPUT if n.payload() < N => {
                    let _ = write!(s, "x[{}]", n.payload());
                }
                op::CONST => {
                    let _ = write!(s, "S::from_primitive({})", Self::literal(recorded));
                }
                op::REF if n.payload() < i => {
                    let _ = write!(s, "v{}", n.payload());
                }
                op::POWI => {
                    let e = self.exponent(o.b);
                    let _ = write!(s, "Real::unary({a}, U::Powi({e}))");
                }
                op::MUL_ADD => {
                    let _ = write!(s, "S::mul_add({a}, {b}, {})", value(o.prev));
                }
                op::SELECT => {
                    let _ = write!(
                        s,
                        "{{\n        let c = Real::mask({}, Compare::Ne, S::zero());\n        \
                         S::select(c, {a}, {b})\n    }}",
                        value(o.prev)
                    );
                }
                op::CUSTOM => {
                    let _ = write!(s, "Real::custom({a}, customs[{}])", n.b());
                }
                _ if is_comparison(code) => {
                    let k = usize::from((code - op::MASK0) % 6);
                    let cmp = COMPARES.get(k).copied().unwrap_or(crate::Compare::Ne);
                    if code < op::GUARD0 {
                        let _ = write!(
                            s,
                            "S::select(Real::mask({a}, Compare::{cmp:?}, {b}), S::one(), S::zero())"
                        );
                    } else {
                        let then = recorded != T::zero();
                        let now = alloc::format!("Real::mask({a}, Compare::{cmp:?}, {b})");
                        let same = if then {
                            alloc::format!("MaskOps::all({now})")
                        } else {
                            alloc::format!("MaskOps::all(MaskOps::not({now}))")
                        };
                        let _ = write!(
                            s,
                            "if {same} {{\n        S::{}()\n    }} else {{\n        \
                             return Err(ad_core::Error::BranchChanged {{ node: {i} }});\n    }}",
                            if then { "one" } else { "zero" }
                        );
                    }
                }
                _ => {
                    if let Some(u) = unary_of(code) {
                        let _ = write!(s, "Real::unary({a}, U::{u:?})");
                    } else if let Some(bop) = binary_of(code) {
                        let _ = write!(s, "Real::binary({a}, B::{bop:?}, {b})");
                    } else {
                        let _ = write!(s, "S::nan()");
                    }
                }
            }
            let _ = writeln!(s, ";");
        }
    }

    /// Where node `i` sends its adjoint: `(target, through a select's mask)`, in the
    /// interpreter's order. Constants take no adjoint and are left out.
    fn targets(&self, i: usize) -> ([Option<(usize, bool)>; 3], Option<usize>) {
        let nodes = self.nodes;
        let Some(&raw) = nodes.get(i) else {
            return ([None; 3], None);
        };
        let n = Node(raw);
        let o = operands(i, n);
        let is_const = |j: Option<usize>| {
            j.and_then(|j| nodes.get(j))
                .is_some_and(|&r| Node(r).code() == op::CONST)
        };
        let live = |j: Option<usize>, sel: bool| j.filter(|_| !is_const(j)).map(|j| (j, sel));
        let code = n.code();
        let none = [None; 3];
        match code {
            op::INPUT => (none, Some(n.payload()).filter(|&p| p < N)),
            op::REF => (
                [
                    live(Some(n.payload()).filter(|&p| p < i), false),
                    None,
                    None,
                ],
                None,
            ),
            op::POWI | op::CUSTOM => ([live(o.a, false), None, None], None),
            op::MUL_ADD => (
                [live(o.a, false), live(o.b, false), live(o.prev, false)],
                None,
            ),
            op::SELECT => ([live(o.a, true), live(o.b, true), None], None),
            _ if is_comparison(code) => (none, None),
            _ if unary_of(code).is_some() => ([live(o.a, false), None, None], None),
            // Binary rows skip a constant operand (`wrt`), as `live` does (`+ - *`
            // send it a contribution the interpreter drops).
            _ if binary_of(code).is_some() => ([live(o.a, false), live(o.b, false), None], None),
            _ => (none, None),
        }
    }

    /// Which nodes the reverse sweep reaches, and how.
    fn reach(&self) -> Vec<Reach> {
        let len = self.nodes.len();
        let mut reach = vec![Reach::None; len];
        for &o in &self.outputs {
            if let Some(r) = reach.get_mut(o as usize) {
                *r = Reach::Always;
            }
        }
        for i in (0..len).rev() {
            let here = reach.get(i).copied().unwrap_or(Reach::None);
            if here == Reach::None {
                continue;
            }
            for (j, sel) in self.targets(i).0.into_iter().flatten() {
                let r = if sel || here == Reach::Masked {
                    Reach::Masked
                } else {
                    Reach::Always
                };
                if let Some(t) = reach.get_mut(j) {
                    *t = (*t).max(r);
                }
            }
        }
        reach
    }

    /// The reverse sweep: adjoints `aI` (and reached masks `rI` where a `select`
    /// decides), from the seeds `w` down to the gradient `g`.
    fn reverse_code(&self, s: &mut String) {
        use crate::rules::BinaryOp as B;
        let nodes = self.nodes;
        let reach = self.reach();
        let mut declared = vec![false; nodes.len()];
        let _ = writeln!(s, "    let mut g = [S::zero(); {N}];");
        let live: Vec<usize> = (0..nodes.len())
            .filter(|&i| reach.get(i).is_some_and(|&r| r != Reach::None))
            .collect();
        for group in live.chunks(GROUP) {
            declare(s, group.iter().copied(), "a", "mut ");
        }
        let masked: Vec<usize> = (0..nodes.len())
            .filter(|&i| reach.get(i) == Some(&Reach::Masked))
            .collect();
        for group in masked.chunks(GROUP) {
            declare(s, group.iter().copied(), "r", "mut ");
        }
        // `aJ += c` in the lanes of `mask` (every lane for `None`).
        let mut contribute = |s: &mut String, j: usize, c: &str, mask: Option<&str>| {
            let Some(&rj) = reach.get(j) else { return };
            let Some(d) = declared.get_mut(j) else { return };
            let first = !*d;
            *d = true;
            let _ = match (first, mask) {
                (true, None) => writeln!(s, "    a{j} = {c};"),
                (true, Some(m)) => writeln!(s, "    a{j} = S::select({m}, {c}, S::zero());"),
                (false, None) => writeln!(s, "    a{j} = a{j} + {c};"),
                (false, Some(m)) => writeln!(s, "    a{j} = S::select({m}, a{j} + {c}, a{j});"),
            };
            if rj == Reach::Masked {
                let m = mask.unwrap_or("<S::Mask as MaskOps>::splat(true)");
                let _ = if first {
                    writeln!(s, "    r{j} = {m};")
                } else {
                    writeln!(s, "    r{j} = MaskOps::or(r{j}, {m});")
                };
            }
        };
        for (k, &o) in self.outputs.iter().enumerate() {
            contribute(s, o as usize, &alloc::format!("w[{k}]"), None);
        }
        for i in (0..nodes.len()).rev() {
            let here = reach.get(i).copied().unwrap_or(Reach::None);
            // (A reached node has had a contribution: `aI` is declared.)
            if here == Reach::None {
                continue;
            }
            let n = Node(nodes.get(i).copied().unwrap_or(0));
            let code = n.code();
            let o = operands(i, n);
            let mine = alloc::format!("r{i}");
            let mask = (here == Reach::Masked).then_some(mine.as_str());
            let (targets, input) = self.targets(i);
            if let Some(p) = input {
                let _ = match mask {
                    None => writeln!(s, "    g[{p}] = g[{p}] + a{i};"),
                    Some(m) => writeln!(s, "    g[{p}] = S::select({m}, g[{p}] + a{i}, g[{p}]);"),
                };
                continue;
            }
            let w = alloc::format!("a{i}");
            let (x, y) = (value(o.a), value(o.b));
            // The partial products, in the interpreter's order.
            let mut parts: [Option<String>; 3] = [None, None, None];
            let mut closing = "";
            match code {
                op::REF => parts[0] = Some(w.clone()),
                op::POWI => {
                    let e = self.exponent(o.b);
                    parts[0] = Some(alloc::format!(
                        "ad_core::rules::unary_at::<S, false>(U::Powi({e}), {x}, v{i}).d1 * {w}"
                    ));
                }
                op::CUSTOM => {
                    parts[0] = Some(alloc::format!(
                        "ad_core::rules::custom::<S, false>(customs[{}], {x}).d1 * {w}",
                        n.b()
                    ));
                }
                op::MUL_ADD => {
                    parts = [
                        Some(alloc::format!("{y} * {w}")),
                        Some(alloc::format!("{x} * {w}")),
                        Some(w.clone()),
                    ];
                }
                op::SELECT => {
                    let c = alloc::format!("Real::mask({}, Compare::Ne, S::zero())", value(o.prev));
                    let (ma, mb) = match mask {
                        None => ("c".into(), "MaskOps::not(c)".into()),
                        Some(m) => (
                            alloc::format!("MaskOps::and({m}, c)"),
                            alloc::format!("MaskOps::and({m}, MaskOps::not(c))"),
                        ),
                    };
                    // A block: its `let`s do not nest the scopes of what follows.
                    let _ = writeln!(s, "    {{\n    let c = {c};");
                    let _ = writeln!(s, "    let ma = {ma};\n    let mb: S::Mask = {mb};");
                    if let Some((j, _)) = targets[0] {
                        contribute(s, j, &w, Some("ma"));
                    }
                    if let Some((j, _)) = targets[1] {
                        contribute(s, j, &w, Some("mb"));
                    }
                    let _ = writeln!(s, "    }}");
                    continue;
                }
                _ => {
                    if let Some(u) = unary_of(code) {
                        parts[0] = Some(alloc::format!(
                            "ad_core::rules::unary_at::<S, false>(U::{u:?}, {x}, v{i}).d1 * {w}"
                        ));
                    } else if let Some(bop) = binary_of(code) {
                        match bop {
                            B::Add => parts = [Some(w.clone()), Some(w.clone()), None],
                            B::Sub => parts = [Some(w.clone()), Some(alloc::format!("-{w}")), None],
                            B::Mul => {
                                parts = [
                                    Some(alloc::format!("{y} * {w}")),
                                    Some(alloc::format!("{x} * {w}")),
                                    None,
                                ];
                            }
                            _ => {
                                let (wx, wy) = (targets[0].is_some(), targets[1].is_some());
                                if !(wx || wy) {
                                    continue;
                                }
                                let _ = writeln!(
                                    s,
                                    "    {{\n    let j = ad_core::rules::binary_at::<S, false>(B::{bop:?}, {x}, {y}, v{i}, ad_core::rules::Wrt {{ x: {wx}, y: {wy} }});"
                                );
                                parts = [
                                    Some(alloc::format!("j.dx * {w}")),
                                    Some(alloc::format!("j.dy * {w}")),
                                    None,
                                ];
                                closing = "    }\n";
                            }
                        }
                    }
                }
            }
            for (t, p) in targets.iter().zip(parts.iter()) {
                if let (Some((j, _)), Some(p)) = (t, p) {
                    contribute(s, *j, p, mask);
                }
            }
            s.push_str(closing);
        }
    }
}
