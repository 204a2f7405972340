//! Batched evaluation over SIMD lanes: the seed's `vmap`.
//!
//! Each helper runs the user's one generic function over a slice of points, `L` points
//! per call on [`Lanes<T, L>`](crate::Lanes) (full chunks of `L`, then the remainder
//! padded with copies of the last point, whose results are dropped), and writes into
//! slices the caller provides: nothing is allocated. Every output slice must have one
//! entry per point, else the call returns [`Error::LengthMismatch`] before computing
//! anything.
//!
//! | helper | number type | gives, per point |
//! |---|---|---|
//! | [`values`] | `Lanes<T, L>` | `f(x)` (`M` outputs) |
//! | [`gradient`] | `Dual<Lanes<T, L>, N>` | `f(x)`, `∇f(x)` (forward mode) |
//! | [`jacobian`] | `Dual<Lanes<T, L>, N>` | `f(x)`, `J(x)` (forward mode) |
//! | [`hessian`] | `Dual2<Lanes<T, L>, N>` | `f(x)`, `∇f(x)`, `∇²f(x)` |
//! | [`program_gradient`] | a recorded [`Program`] replayed over `Lanes<T, L>` | `f(x)`, `∇f(x)` (reverse mode: one sweep for any `N`) |
//! | [`program_hessian`] | a [`Program`] replayed over `Dual<Lanes<T, L>, N>` | `f(x)`, `∇f(x)`, `∇²f(x)` (forward-over-reverse) |
//! | [`reverse_gradient`] | your gradient function over `Lanes<T, L>` (generated code, [`Program::to_rust`]) | `f(x)`, `∇f(x)` |
//! | [`reverse_hessian`] | your gradient function over `Dual<Lanes<T, L>, N>` | `f(x)`, `∇f(x)`, `∇²f(x)` (forward-over-reverse) |
//! | [`program_hessian_colored`], [`reverse_hessian_colored`] | as [`program_hessian`], [`reverse_hessian`] over `Dual<Lanes<T, L>, C>`, one tangent per color of a [`HessianColoring`] | `f(x)`, `∇f(x)`, `∇²f(x)` (sparse Hessians at a fraction of the cost) |
//! | [`reverse_hess_colored`] | as [`reverse_hessian_colored`] | `∇²f(x)` alone (JAX's `vmap(hessian(f))`) |
//! | [`grad`], [`program_grad`], [`reverse_grad`] | as [`gradient`], [`program_gradient`], [`reverse_gradient`] | `∇f(x)` alone (JAX's `vmap(grad(f))`: no values written) |
//!
//! Forward mode costs about `N` times the function per point and suits few inputs;
//! the program helpers cost a fixed few times the function whatever `N` is. A replayed
//! program checks its recorded guards in every lane: a chunk where any point would
//! take another branch than the recording returns [`Error::BranchChanged`] (outputs of
//! the chunks before it are written, the rest untouched).
//!
//! ```
//! use ad_core::{vmap, Real};
//!
//! fn rosenbrock<T: Real>([x, y]: [T; 2]) -> T {
//!     let a = T::one() - x;
//!     let b = y - x * x;
//!     a * a + T::constant(100.0) * b * b
//! }
//!
//! let points: Vec<[f32; 2]> = (0..10).map(|i| [i as f32 * 0.1, 1.0]).collect();
//! let mut values = vec![0.0; 10];
//! let mut grads = vec![[0.0; 2]; 10];
//! vmap::gradient::<8, _, _, _>(rosenbrock, &points, &mut values, &mut grads)?;
//! for (p, g) in points.iter().zip(&grads) {
//!     let [x, y] = *p;
//!     let exact = [-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)];
//!     assert!((g[0] - exact[0]).abs() <= 1e-4 && (g[1] - exact[1]).abs() <= 1e-4);
//! }
//! # Ok::<(), ad_core::Error>(())
//! ```

use crate::{Dual, Dual2, Error, HessianColoring, LaneMath, Lanes, Program, Workspace};

/// Fails unless `found == expected`.
#[inline]
fn same_len(expected: usize, found: usize) -> Result<(), Error> {
    if expected == found {
        Ok(())
    } else {
        Err(Error::LengthMismatch { expected, found })
    }
}

/// Calls `each(chunk_start, inputs, valid)` for every chunk of `L` points: `inputs[k]`
/// holds coordinate `k` of the chunk's points lane by lane, padded with the last
/// point; `valid` is the number of real points in the chunk.
#[inline(always)]
fn chunks<T: LaneMath, const L: usize, const N: usize, E>(
    points: &[[T; N]],
    mut each: impl FnMut(usize, &[Lanes<T, L>; N], usize) -> Result<(), E>,
) -> Result<(), E> {
    if L == 0 {
        return Ok(());
    }
    // One call site of `each` (the remainder goes through the same loop), so that it
    // is inlined once: called from two places, the chunk body stayed out of line and
    // took its lanes and returned its results through memory.
    let chunks = points.len().div_ceil(L);
    // One buffer for every chunk, overwritten whole each time: a fresh array per
    // chunk was cleared first (a 6.4 KB `memset` per chunk at n = 100, 16 lanes).
    let mut xs = [Lanes([T::ZERO; L]); N];
    for c in 0..chunks {
        let start = c * L;
        let rest = points.get(start..).unwrap_or(&[]);
        let valid = rest.len().min(L);
        let padded: [[T; N]; L];
        let block = match <&[[T; N]; L]>::try_from(rest.get(..L).unwrap_or(&[])) {
            Ok(full) => full,
            Err(_) => {
                let last = rest.last().copied().unwrap_or([T::ZERO; N]);
                padded = core::array::from_fn(|j| rest.get(j).copied().unwrap_or(last));
                &padded
            }
        };
        transpose(block, &mut xs);
        each(start, &xs, valid)?;
    }
    Ok(())
}

/// `L` points of `N` coordinates as `N` lane values. Two coordinates (a power-of-two
/// `L`) are de-interleaved in registers: the chunk as two rows of `L`, interleaved
/// `log2 L` times ([`LaneMath::lanes_zip`]), is every `x` then every `y`; but 2 to 7
/// coordinates take chains of two-source permutations first, where the back end has
/// them ([`by_picks`]). The rest: square blocks ([`gather_blocks`]), then element by
/// element.
#[inline(always)]
fn transpose<T: LaneMath, const L: usize, const N: usize>(
    p: &[[T; N]; L],
    out: &mut [Lanes<T, L>; N],
) {
    if let Some(rows) = by_picks::<T, L, N>(p.as_flattened(), true) {
        *out = rows.map(Lanes);
        return;
    }
    if N == 2 && L.is_power_of_two() && L >= 2 {
        let flat = p.as_flattened();
        let row = |r: &[T]| <[T; L]>::try_from(r).unwrap_or([T::ZERO; L]);
        let (mut a, mut b) = (
            row(flat.get(..L).unwrap_or(&[])),
            row(flat.get(L..).unwrap_or(&[])),
        );
        let mut round = 1;
        while round < L {
            (a, b) = T::lanes_zip(a, b);
            round *= 2;
        }
        if let [x, y, ..] = &mut out[..] {
            (*x, *y) = (Lanes(a), Lanes(b));
        }
        return;
    }
    // Square blocks as in `scatter_lanes` (element by element, wide lanes compiled to
    // hardware gathers: 60 % of the n = 100 batch at 16 lanes).
    let mut k0 = 0;
    if L.is_power_of_two() {
        k0 = gather_blocks::<T, L, N, 16>(p, out, k0);
        k0 = gather_blocks::<T, L, N, 8>(p, out, k0);
        k0 = gather_blocks::<T, L, N, 4>(p, out, k0);
    }
    for (k, o) in out.iter_mut().enumerate().skip(k0) {
        *o = Lanes(core::array::from_fn(|j| p[j][k]));
    }
}

/// The side of [`pick_tables`]: more coordinates than [`picks_fit`] admits.
const PICKS: usize = 8;

/// Whether [`by_picks`] moves chunks of `N`-coordinate points: 2 to 7 coordinates,
/// `N − 1` permutations per row (for 2, one per row against the interleave's
/// `log2 L`; for 4, twelve against the 4 × 4 blocks' 48 at 16 lanes; 3, 5, 6 and 7 fit
/// no square block, or leave a remainder).
const fn picks_fit(l: usize, n: usize) -> bool {
    l.is_power_of_two() && l >= 2 && n >= 2 && n < 8
}

/// For the `N × L` elements of a chunk, as `N` rows of `L` lanes in one layout and in
/// the other: `out[m][i] = rows[v][t]`, where `(v, t)` is `(e / L, e % L)` for
/// `e = iN + m` (`gather`: point-major rows to coordinate lanes) or `(e % N, e / N)`
/// for `e = mL + i` (coordinate lanes back to point-major rows).
///
/// Built as a chain of two-source picks per output row: step 1 picks the lanes that
/// come from rows 0 and 1, step `s` keeps the lanes placed so far and picks those of
/// row `s`. `STEPS[m][s]` are the indices ([`LaneMath::lanes_pick`]), `USED[m][s]`
/// whether row `s` contributes at all (steps 2.. of unused rows are skipped).
#[allow(clippy::type_complexity)]
const fn pick_tables<const L: usize, const N: usize>(
    gather: bool,
) -> ([[[usize; L]; PICKS]; PICKS], [[bool; PICKS]; PICKS]) {
    let mut steps = [[[0; L]; PICKS]; PICKS];
    let mut used = [[false; PICKS]; PICKS];
    if !picks_fit(L, N) {
        // Never read; a large `N` must cost nothing at compile time.
        return (steps, used);
    }
    let mut m = 0;
    while m < N {
        let mut i = 0;
        while i < L {
            let (v, t) = if gather {
                ((i * N + m) / L, (i * N + m) % L)
            } else {
                ((m * L + i) % N, (m * L + i) / N)
            };
            used[m][v] = true;
            let mut s = 1;
            while s < N {
                steps[m][s][i] = if s == 1 && v == 0 {
                    t
                } else if v == s {
                    L + t
                } else if v < s {
                    i
                } else {
                    0
                };
                s += 1;
            }
            i += 1;
        }
        m += 1;
    }
    (steps, used)
}

/// The chunk `flat` (`N` rows of `L`) in the other layout ([`pick_tables`]), by
/// `N − 1` register permutations per row, or `None` where [`picks_fit`] says no or the
/// back end has no permutation of width `L`.
#[inline(always)]
fn by_picks<T: LaneMath, const L: usize, const N: usize>(
    flat: &[T],
    gather: bool,
) -> Option<[[T; L]; N]> {
    if !picks_fit(L, N) {
        return None;
    }
    let rows: [[T; L]; N] = core::array::from_fn(|r| {
        flat.get(r * L..r * L + L)
            .and_then(|s| <[T; L]>::try_from(s).ok())
            .unwrap_or([T::ZERO; L])
    });
    let (steps, used) = if gather {
        const { pick_tables::<L, N>(true) }
    } else {
        const { pick_tables::<L, N>(false) }
    };
    let mut out = [[T::ZERO; L]; N];
    for ((o, steps), used) in out.iter_mut().zip(&steps).zip(&used) {
        let mut acc = T::lanes_pick(rows[0], rows[1], &steps[1])?;
        for s in 2..N {
            if used[s] {
                acc = T::lanes_pick(acc, rows[s], &steps[s])?;
            }
        }
        *o = acc;
    }
    Some(out)
}

/// The block part of [`transpose`]: from coordinate `k0` on, as many `B × B` blocks
/// as fit (none where `B > L`; `L` is a power of two, so `B` divides it otherwise),
/// loaded as rows and transposed in registers ([`square`]); returns the coordinate
/// after the last block.
#[inline(always)]
fn gather_blocks<T: LaneMath, const L: usize, const N: usize, const B: usize>(
    p: &[[T; N]; L],
    out: &mut [Lanes<T, L>; N],
    mut k0: usize,
) -> usize {
    if B > L {
        return k0;
    }
    while k0 + B <= N {
        for (g, points) in p.chunks_exact(B).enumerate() {
            let block: [[T; B]; B] = core::array::from_fn(|j| {
                points
                    .get(j)
                    .and_then(|x| x.get(k0..k0 + B))
                    .and_then(|s| <[T; B]>::try_from(s).ok())
                    .unwrap_or([T::ZERO; B])
            });
            for (o, row) in out.iter_mut().skip(k0).zip(square(&block)) {
                if let Some(o) = o.0.get_mut(g * B..g * B + B) {
                    o.copy_from_slice(&row);
                }
            }
        }
        k0 += B;
    }
    k0
}

/// `f` of every element, by reference: `[T; N]::map` would move the array (a copy of
/// `N` large dual numbers per lane, through an out-of-line `try_map`).
#[inline(always)]
fn each<A, B, const K: usize>(src: &[A; K], f: impl Fn(&A) -> B) -> [B; K] {
    core::array::from_fn(|k| f(&src[k]))
}

/// Writes `value(j)` into `out[start + j]` for the chunk's valid lanes.
#[inline(always)]
fn scatter<O: Copy, const L: usize>(
    out: &mut [O],
    start: usize,
    valid: usize,
    value: impl Fn(usize) -> O,
) {
    let dst = out.get_mut(start..).unwrap_or(&mut []);
    if valid == L {
        if let Some(Ok(dst)) = dst.get_mut(..L).map(<&mut [O; L]>::try_from) {
            // The whole block at once: the compiler transposes it with vector shuffles
            // and stores whole registers.
            *dst = core::array::from_fn(value);
            return;
        }
    }
    for (j, o) in dst.iter_mut().take(valid).enumerate() {
        *o = value(j);
    }
}

/// [`scatter_lanes`] into whole points (`out[start + j] = lane j of src`): a full
/// chunk of 2 to 7 coordinates goes back to point-major order by register
/// permutations ([`by_picks`]) and is stored as `N` whole rows of `L`.
#[inline(always)]
fn scatter_points<T: LaneMath, const L: usize, const N: usize>(
    out: &mut [[T; N]],
    start: usize,
    valid: usize,
    src: &[Lanes<T, L>; N],
) {
    if valid == L && picks_fit(L, N) {
        let dst = out
            .get_mut(start..)
            .and_then(|d| d.get_mut(..L))
            .unwrap_or(&mut []);
        let cols: [[T; L]; N] = core::array::from_fn(|k| src[k].0);
        if dst.len() == L {
            if let Some(rows) = by_picks::<T, L, N>(cols.as_flattened(), false) {
                for (d, r) in dst.as_flattened_mut().chunks_exact_mut(L).zip(&rows) {
                    d.copy_from_slice(r);
                }
                return;
            }
        }
    }
    scatter_lanes(out, start, valid, src, |o| o);
}

/// Writes lane `j` of the `N` lane values `src` into `slot(out[start + j])` for the
/// chunk's valid lanes. A full chunk is transposed in square blocks in registers
/// ([`blocks`], [`square`]) and stored row by row (an element-wise transpose of a
/// whole chunk compiles to blends and spills); two coordinates take one interleave;
/// the coordinates past the last block and a partial chunk go lane by lane.
#[inline(always)]
fn scatter_lanes<T: LaneMath, O, const L: usize, const N: usize>(
    out: &mut [O],
    start: usize,
    valid: usize,
    src: &[Lanes<T, L>; N],
    slot: impl Fn(&mut O) -> &mut [T; N],
) {
    let dst = out.get_mut(start..).unwrap_or(&mut []);
    let dst = dst.get_mut(..valid).unwrap_or(&mut []);
    let mut k0 = 0;
    if N == 2 && dst.len() == L && L.is_power_of_two() && L >= 2 {
        // Two coordinates: one interleave gives the points in order.
        let (lo, hi) = T::lanes_zip(src[0].0, src[1].0);
        for (j, o) in dst.iter_mut().enumerate() {
            let pair = if j < L / 2 { &lo } else { &hi };
            let at = 2 * (j % (L / 2));
            for (k, v) in slot(o).iter_mut().enumerate() {
                *v = pair.get(at + k).copied().unwrap_or(T::ZERO);
            }
        }
        return;
    }
    if dst.len() == L && L.is_power_of_two() {
        // Square blocks of side 16, then 8, then 4, as the lanes and the remaining
        // coordinates fill them (n = 100 at 8 lanes: twelve 8-blocks and one 4-block).
        // 16 × 16 at most: a larger block is no longer a set of registers, and each
        // shuffle round would copy it through memory.
        k0 = blocks::<T, O, L, N, 16>(dst, src, &slot, k0);
        k0 = blocks::<T, O, L, N, 8>(dst, src, &slot, k0);
        k0 = blocks::<T, O, L, N, 4>(dst, src, &slot, k0);
    }
    // The coordinates left, one at a time over the points (points outermost, with a
    // `skip(k0)` over each point's coordinates, compiled to an index loop of a dozen
    // instructions per element: most of the colored n = 10 Hessian batch).
    for (k, s) in src.iter().enumerate().skip(k0) {
        for (o, &v) in dst.iter_mut().zip(&s.0) {
            if let Some(e) = slot(o).get_mut(k) {
                *e = v;
            }
        }
    }
}

/// The block part of [`scatter_lanes`] for a full chunk (`dst.len() == L`): from
/// coordinate `k0` on, as many `B × B` blocks as fit (none where `B > L`), lane group
/// by lane group; returns the coordinate after the last block.
#[inline(always)]
fn blocks<T: LaneMath, O, const L: usize, const N: usize, const B: usize>(
    dst: &mut [O],
    src: &[Lanes<T, L>; N],
    slot: &impl Fn(&mut O) -> &mut [T; N],
    mut k0: usize,
) -> usize {
    if B > L {
        return k0;
    }
    while k0 + B <= N {
        for (g, points) in dst.chunks_exact_mut(B).enumerate() {
            let block: [[T; B]; B] = core::array::from_fn(|r| {
                src.get(k0 + r)
                    .and_then(|v| v.0.get(g * B..g * B + B))
                    .and_then(|s| <[T; B]>::try_from(s).ok())
                    .unwrap_or([T::ZERO; B])
            });
            for (o, row) in points.iter_mut().zip(square(&block)) {
                if let Some(o) = slot(o).get_mut(k0..k0 + B) {
                    o.copy_from_slice(&row);
                }
            }
        }
        k0 += B;
    }
    k0
}

/// The transpose of a square block whose side `L` is a power of two: `log2 L` rounds
/// of perfect shuffles of whole rows (row `2i` interleaves the low halves of rows `i`
/// and `i + L/2`, row `2i + 1` their high halves; [`LaneMath::lanes_zip`], one
/// register permutation each where the back end has `L`-lane registers).
#[inline(always)]
fn square<T: LaneMath, const L: usize>(m: &[[T; L]; L]) -> [[T; L]; L] {
    let h = L / 2;
    let mut rows = *m;
    let mut round = 1;
    while round < L {
        let mut next = rows;
        for i in 0..h {
            let (lo, hi) = T::lanes_zip(rows[i], rows[i + h]);
            next[2 * i] = lo;
            next[2 * i + 1] = hi;
        }
        rows = next;
        round *= 2;
    }
    rows
}

/// `f` at every point: `out[i] = f(points[i])`, `L` points per call.
///
/// ```
/// use ad_core::{vmap, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> [T; 2] { [x * y, x.exp()] }
/// let pts = [[1.0_f64, 2.0], [0.0, 3.0], [2.0, 0.5]];
/// let mut out = [[0.0; 2]; 3];
/// vmap::values::<4, _, _, _, _>(f, &pts, &mut out)?;
/// assert_eq!(out[1], [0.0, 1.0]);
/// # Ok::<(), ad_core::Error>(())
/// ```
pub fn values<const L: usize, T, const N: usize, const M: usize, F>(
    f: F,
    points: &[[T; N]],
    out: &mut [[T; M]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: Fn([Lanes<T, L>; N]) -> [Lanes<T, L>; M],
{
    same_len(points.len(), out.len())?;
    chunks(points, |start, xs, valid| {
        let ys = f(*xs);
        scatter_points(out, start, valid, &ys);
        Ok(())
    })
}

/// Value and gradient of `f: ℝᴺ → ℝ` at every point, by forward mode over
/// `Dual<Lanes<T, L>, N>`.
///
/// See the [module docs](self) for an example.
pub fn gradient<const L: usize, T, const N: usize, F>(
    f: F,
    points: &[[T; N]],
    values: &mut [T],
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: Fn([Dual<Lanes<T, L>, N>; N]) -> Dual<Lanes<T, L>, N>,
{
    same_len(points.len(), values.len())?;
    forward_gradient(f, points, Some(values), grads)
}

/// The gradient of `f: ℝᴺ → ℝ` at every point, without the values: [`gradient`] as
/// JAX's `vmap(grad(f))` (a third less memory written for three coordinates).
///
/// ```
/// use ad_core::{vmap, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x * x * y }
/// let pts = [[1.0_f64, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let mut g = [[0.0; 2]; 3];
/// vmap::grad::<4, _, _, _>(f, &pts, &mut g)?;
/// assert_eq!(g[1], [24.0, 9.0]);
/// # Ok::<(), ad_core::Error>(())
/// ```
pub fn grad<const L: usize, T, const N: usize, F>(
    f: F,
    points: &[[T; N]],
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: Fn([Dual<Lanes<T, L>, N>; N]) -> Dual<Lanes<T, L>, N>,
{
    forward_gradient(f, points, None, grads)
}

/// [`gradient`] and [`grad`]: the values only where asked for.
#[inline(always)]
fn forward_gradient<const L: usize, T, const N: usize, F>(
    f: F,
    points: &[[T; N]],
    mut values: Option<&mut [T]>,
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: Fn([Dual<Lanes<T, L>, N>; N]) -> Dual<Lanes<T, L>, N>,
{
    same_len(points.len(), grads.len())?;
    chunks(points, |start, xs, valid| {
        let y = f(Dual::variables(*xs));
        if let Some(values) = values.as_deref_mut() {
            scatter::<_, L>(values, start, valid, |j| y.re.0[j]);
        }
        scatter_points(grads, start, valid, &y.eps);
        Ok(())
    })
}

/// Values and Jacobian of `f: ℝᴺ → ℝᴹ` at every point (`jac[i][m][n] = ∂fₘ/∂xₙ`), by
/// forward mode over `Dual<Lanes<T, L>, N>`.
///
/// ```
/// use ad_core::{vmap, Real};
/// fn polar<T: Real>([r, t]: [T; 2]) -> [T; 2] { [r * t.cos(), r * t.sin()] }
/// let pts = [[2.0_f64, 0.0], [1.0, 1.0]];
/// let (mut v, mut j) = ([[0.0; 2]; 2], [[[0.0; 2]; 2]; 2]);
/// vmap::jacobian::<2, _, _, _, _>(polar, &pts, &mut v, &mut j)?;
/// assert_eq!(j[0], [[1.0, 0.0], [0.0, 2.0]]);
/// # Ok::<(), ad_core::Error>(())
/// ```
#[allow(clippy::type_complexity)]
pub fn jacobian<const L: usize, T, const N: usize, const M: usize, F>(
    f: F,
    points: &[[T; N]],
    values: &mut [[T; M]],
    jac: &mut [[[T; N]; M]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: Fn([Dual<Lanes<T, L>, N>; N]) -> [Dual<Lanes<T, L>, N>; M],
{
    same_len(points.len(), values.len())?;
    same_len(points.len(), jac.len())?;
    chunks(points, |start, xs, valid| {
        let ys = f(Dual::variables(*xs));
        scatter_points(values, start, valid, &each(&ys, |y| y.re));
        for (m, y) in ys.iter().enumerate() {
            scatter_lanes(jac, start, valid, &y.eps, |o| &mut o[m]);
        }
        Ok(())
    })
}

/// Value, gradient and Hessian of `f: ℝᴺ → ℝ` at every point, by one second-order pass
/// over `Dual2<Lanes<T, L>, N>` per chunk.
///
/// ```
/// use ad_core::{vmap, Real};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x * x * y + y.exp() }
/// let pts = [[1.0_f64, 0.0], [2.0, 1.0], [0.5, -1.0]];
/// let (mut v, mut g, mut h) = ([0.0; 3], [[0.0; 2]; 3], [[[0.0; 2]; 2]; 3]);
/// vmap::hessian::<4, _, _, _>(f, &pts, &mut v, &mut g, &mut h)?;
/// assert_eq!(h[1][0], [2.0, 4.0]);
/// // exp through the vector kernel: within a few ulp of the scalar function.
/// assert!((h[1][1][1] - 1.0f64.exp()).abs() <= 4.0 * f64::EPSILON * 1.0f64.exp());
/// # Ok::<(), ad_core::Error>(())
/// ```
pub fn hessian<const L: usize, T, const N: usize, F>(
    f: F,
    points: &[[T; N]],
    values: &mut [T],
    grads: &mut [[T; N]],
    hess: &mut [[[T; N]; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: Fn([Dual2<Lanes<T, L>, N>; N]) -> Dual2<Lanes<T, L>, N>,
{
    same_len(points.len(), values.len())?;
    same_len(points.len(), grads.len())?;
    same_len(points.len(), hess.len())?;
    chunks(points, |start, xs, valid| {
        let y = f(Dual2::variables(*xs));
        let (g, h) = (y.gradient(), y.hessian());
        scatter::<_, L>(values, start, valid, |j| y.value().0[j]);
        scatter_points(grads, start, valid, &g);
        for (m, row) in h.iter().enumerate() {
            scatter_lanes(hess, start, valid, row, |o| &mut o[m]);
        }
        Ok(())
    })
}

/// Value and gradient of a recorded program at every point: batched reverse mode, one
/// replay and one reverse sweep over `Lanes<T, L>` per chunk. `work` holds the replay
/// (at least [`Program::len`] nodes).
///
/// ```
/// use ad_core::{vmap, Lanes, Real, Tape, Workspace};
/// fn f<T: Real>(x: [T; 3]) -> T { x[0] * x[1] * x[2] + x[0].sin() }
/// let mut tape: Tape<f64, 32> = Tape::new();
/// let mut prog = tape.record([0.0; 3], |x| [f(x)])?;
/// let mut work = Workspace::<Lanes<f64, 4>, 32>::new();
/// let pts = [[1.0, 2.0, 3.0], [0.0, 1.0, 1.0], [2.0, 2.0, 2.0]];
/// let (mut v, mut g) = ([0.0; 3], [[0.0; 3]; 3]);
/// vmap::program_gradient(&mut prog, &mut work, &pts, &mut v, &mut g)?;
/// assert_eq!(g[2], [4.0 + 2.0f64.cos(), 4.0, 4.0]);
/// # Ok::<(), ad_core::Error>(())
/// ```
pub fn program_gradient<const L: usize, T, const N: usize, const W: usize, const OPS: u64>(
    prog: &mut Program<'_, T, N, 1, OPS>,
    work: &mut Workspace<Lanes<T, L>, W>,
    points: &[[T; N]],
    values: &mut [T],
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    T: LaneMath,
{
    reverse_gradient(|xs| prog.gradient_over(xs, work), points, values, grads)
}

/// Value, gradient and Hessian of a recorded program at every point, by
/// forward-over-reverse over `Dual<Lanes<T, L>, N>` (one replay and one reverse sweep
/// per chunk).
///
/// ```
/// use ad_core::{vmap, Dual, Lanes, Real, Tape, Workspace};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x * x * y + y.exp() }
/// let mut tape: Tape<f64, 32> = Tape::new();
/// let mut prog = tape.record([0.0; 2], |x| [f(x)])?;
/// let mut work = Workspace::<Dual<Lanes<f64, 2>, 2>, 32>::new();
/// let pts = [[1.0, 0.0], [2.0, 1.0], [0.5, -1.0]];
/// let (mut v, mut g, mut h) = ([0.0; 3], [[0.0; 2]; 3], [[[0.0; 2]; 2]; 3]);
/// vmap::program_hessian(&mut prog, &mut work, &pts, &mut v, &mut g, &mut h)?;
/// assert_eq!(h[1][0], [2.0, 4.0]);
/// // exp through the vector kernel: within a few ulp of the scalar function.
/// assert!((h[1][1][1] - 1.0f64.exp()).abs() <= 4.0 * f64::EPSILON * 1.0f64.exp());
/// # Ok::<(), ad_core::Error>(())
/// ```
pub fn program_hessian<const L: usize, T, const N: usize, const W: usize, const OPS: u64>(
    prog: &mut Program<'_, T, N, 1, OPS>,
    work: &mut Workspace<Dual<Lanes<T, L>, N>, W>,
    points: &[[T; N]],
    values: &mut [T],
    grads: &mut [[T; N]],
    hess: &mut [[[T; N]; N]],
) -> Result<(), Error>
where
    T: LaneMath,
{
    reverse_hessian(
        |xs| prog.gradient_over(xs, work),
        points,
        values,
        grads,
        hess,
    )
}

/// Value and gradient at every point from a function that computes both over
/// `Lanes<T, L>` by reverse mode: the `{name}_gradient` function of generated code
/// ([`Program::to_rust`]), or any batched gradient. `f` runs once per chunk; its error
/// stops the batch (outputs of the chunks before it are written, the rest untouched).
///
/// ```
/// use ad_core::{vmap, Error, Lanes, Real};
/// // What `Program::to_rust` writes for `x * y` (abridged).
/// fn mul_gradient<S: Real>([x, y]: [S; 2]) -> Result<(S, [S; 2]), Error> {
///     Ok((x * y, [y, x]))
/// }
/// let pts = [[1.0_f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let (mut v, mut g) = ([0.0; 3], [[0.0; 2]; 3]);
/// vmap::reverse_gradient::<4, _, _, _>(mul_gradient::<Lanes<f32, 4>>, &pts, &mut v, &mut g)?;
/// assert_eq!((v[2], g[2]), (30.0, [6.0, 5.0]));
/// # Ok::<(), ad_core::Error>(())
/// ```
pub fn reverse_gradient<const L: usize, T, const N: usize, F>(
    f: F,
    points: &[[T; N]],
    values: &mut [T],
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: FnMut([Lanes<T, L>; N]) -> Result<(Lanes<T, L>, [Lanes<T, L>; N]), Error>,
{
    same_len(points.len(), values.len())?;
    batched_gradient(f, points, Some(values), grads)
}

/// The gradient at every point from a batched gradient function, without the values:
/// [`reverse_gradient`] as JAX's `vmap(grad(f))`.
///
/// ```
/// use ad_core::{vmap, Error, Lanes, Real};
/// fn mul_gradient<S: Real>([x, y]: [S; 2]) -> Result<(S, [S; 2]), Error> {
///     Ok((x * y, [y, x]))
/// }
/// let pts = [[1.0_f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let mut g = [[0.0; 2]; 3];
/// vmap::reverse_grad::<4, _, _, _>(mul_gradient::<Lanes<f32, 4>>, &pts, &mut g)?;
/// assert_eq!(g[2], [6.0, 5.0]);
/// # Ok::<(), ad_core::Error>(())
/// ```
pub fn reverse_grad<const L: usize, T, const N: usize, F>(
    f: F,
    points: &[[T; N]],
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: FnMut([Lanes<T, L>; N]) -> Result<(Lanes<T, L>, [Lanes<T, L>; N]), Error>,
{
    batched_gradient(f, points, None, grads)
}

/// The gradient of a recorded program at every point, without the values:
/// [`program_gradient`] as JAX's `vmap(grad(f))`.
///
/// ```
/// use ad_core::{vmap, Lanes, Real, Tape, Workspace};
/// let mut tape: Tape<f64, 16> = Tape::new();
/// let mut prog = tape.record([0.0; 2], |[x, y]| [x * y.sin()])?;
/// let mut work = Workspace::<Lanes<f64, 2>, 16>::new();
/// let pts = [[2.0, 0.0], [1.0, 1.0], [3.0, 0.5]];
/// let mut g = [[0.0; 2]; 3];
/// vmap::program_grad(&mut prog, &mut work, &pts, &mut g)?;
/// assert_eq!(g[0], [0.0, 2.0]);
/// # Ok::<(), ad_core::Error>(())
/// ```
pub fn program_grad<const L: usize, T, const N: usize, const W: usize, const OPS: u64>(
    prog: &mut Program<'_, T, N, 1, OPS>,
    work: &mut Workspace<Lanes<T, L>, W>,
    points: &[[T; N]],
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    T: LaneMath,
{
    batched_gradient(|xs| prog.gradient_over(xs, work), points, None, grads)
}

/// [`reverse_gradient`], [`reverse_grad`] and the program helpers: the values only
/// where asked for.
#[inline(always)]
fn batched_gradient<const L: usize, T, const N: usize, F>(
    mut f: F,
    points: &[[T; N]],
    mut values: Option<&mut [T]>,
    grads: &mut [[T; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: FnMut([Lanes<T, L>; N]) -> Result<(Lanes<T, L>, [Lanes<T, L>; N]), Error>,
{
    same_len(points.len(), grads.len())?;
    chunks(points, |start, xs, valid| {
        let (v, g) = f(*xs)?;
        if let Some(values) = values.as_deref_mut() {
            scatter::<_, L>(values, start, valid, |j| v.0[j]);
        }
        scatter_points(grads, start, valid, &g);
        Ok(())
    })
}

/// Value, gradient and Hessian at every point from a reverse-mode gradient function
/// run over `Dual<Lanes<T, L>, N>` (forward-over-reverse): the `{name}_gradient`
/// function of generated code ([`Program::to_rust`]), or any gradient generic over
/// its number type. `f` gets the points seeded as variables and runs once per chunk.
///
/// ```
/// use ad_core::{vmap, Dual, Error, Lanes, Real};
/// // The gradient of x²y, by hand here, generic as generated code is.
/// fn grad<S: Real>([x, y]: [S; 2]) -> Result<(S, [S; 2]), Error> {
///     Ok((x * x * y, [(x + x) * y, x * x]))
/// }
/// let pts = [[1.0_f64, 2.0], [3.0, 4.0]];
/// let (mut v, mut g, mut h) = ([0.0; 2], [[0.0; 2]; 2], [[[0.0; 2]; 2]; 2]);
/// vmap::reverse_hessian::<2, _, _, _>(grad::<Dual<Lanes<f64, 2>, 2>>, &pts, &mut v, &mut g, &mut h)?;
/// assert_eq!(h[1], [[8.0, 6.0], [6.0, 0.0]]);
/// # Ok::<(), ad_core::Error>(())
/// ```
#[allow(clippy::type_complexity)]
pub fn reverse_hessian<const L: usize, T, const N: usize, F>(
    f: F,
    points: &[[T; N]],
    values: &mut [T],
    grads: &mut [[T; N]],
    hess: &mut [[[T; N]; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: FnMut(
        [Dual<Lanes<T, L>, N>; N],
    ) -> Result<(Dual<Lanes<T, L>, N>, [Dual<Lanes<T, L>, N>; N]), Error>,
{
    second_order(
        f,
        |xs| Dual::variables(*xs),
        |_, eps, _| eps,
        points,
        Some(values),
        Some(grads),
        hess,
    )
}

/// The chunk loop of the forward-over-reverse helpers: `seed` makes the chunk's dual
/// inputs, `f` returns the value and gradient over them, `row(m, eps, buf)` gives row
/// `m` of the Hessian from the tangents of gradient entry `m` (the tangents themselves,
/// or expanded into `buf`).
#[inline(always)]
#[allow(clippy::type_complexity)]
fn second_order<const L: usize, const C: usize, T, const N: usize, F>(
    mut f: F,
    seed: impl Fn(&[Lanes<T, L>; N]) -> [Dual<Lanes<T, L>, C>; N],
    row: impl for<'a> Fn(usize, &'a [Lanes<T, L>; C], &'a mut [Lanes<T, L>; N]) -> &'a [Lanes<T, L>; N],
    points: &[[T; N]],
    mut values: Option<&mut [T]>,
    mut grads: Option<&mut [[T; N]]>,
    hess: &mut [[[T; N]; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: FnMut(
        [Dual<Lanes<T, L>, C>; N],
    ) -> Result<(Dual<Lanes<T, L>, C>, [Dual<Lanes<T, L>, C>; N]), Error>,
{
    if let Some(v) = &values {
        same_len(points.len(), v.len())?;
    }
    if let Some(g) = &grads {
        same_len(points.len(), g.len())?;
    }
    same_len(points.len(), hess.len())?;
    chunks(points, |start, xs, valid| {
        let (v, g) = f(seed(xs))?;
        if let Some(values) = values.as_deref_mut() {
            scatter::<_, L>(values, start, valid, |j| v.re.0[j]);
        }
        if let Some(grads) = grads.as_deref_mut() {
            scatter_points(grads, start, valid, &each(&g, |d| d.re));
        }
        // One buffer for the rows a coloring expands (written in place: a row
        // returned by value was copied once more, by a `memcpy` call per row).
        let mut buf = [Lanes([T::ZERO; L]); N];
        for (m, d) in g.iter().enumerate() {
            scatter_lanes(hess, start, valid, row(m, &d.eps, &mut buf), |o| &mut o[m]);
        }
        Ok(())
    })
}

/// Value, gradient and Hessian at every point from a reverse-mode gradient function
/// run over `Dual<Lanes<T, L>, C>`, one tangent per color of `coloring` instead of one
/// per input ([`reverse_hessian`] with `C` in place of `N`): for a sparse Hessian this
/// costs `(1 + C) / (1 + N)` of the dense forward-over-reverse (Rosenbrock: 3 colors
/// whatever `N`). Entries outside the pattern are exactly zero.
///
/// **`coloring` must come from the program `f` computes** (for generated code, the
/// program it was generated from; [`Program::color_hessian`]): a gradient function
/// cannot be checked against it, and another program's pattern gives a wrong
/// Hessian. [`program_hessian_colored`] checks.
///
/// ```
/// use ad_core::{vmap, Dual, Error, HessianColoring, Lanes, Real, SparsityWork, Tape};
/// fn f<T: Real>([x, y, z]: [T; 3]) -> T { x * x * y + z.exp() }
/// // Its gradient by hand, generic as generated code is.
/// fn grad<S: Real>([x, y, z]: [S; 3]) -> Result<(S, [S; 3]), Error> {
///     Ok((f([x, y, z]), [(x + x) * y, x * x, z.exp()]))
/// }
/// let mut tape: Tape<f64, 16> = Tape::new();
/// let prog = tape.record([1.0; 3], |x| [f(x)])?;
/// let mut c = HessianColoring::new();
/// prog.color_hessian(&mut c, &mut SparsityWork::<16>::new())?;
/// assert_eq!(c.colors(), 2); // columns 0 and 2 | 1 (0 and 1 share row 0)
/// let pts = [[1.0, 2.0, 0.0], [3.0, 4.0, 0.0]];
/// let (mut v, mut g, mut h) = ([0.0; 2], [[0.0; 3]; 2], [[[0.0; 3]; 3]; 2]);
/// vmap::reverse_hessian_colored::<2, 2, _, _, _>(
///     grad::<Dual<Lanes<f64, 2>, 2>>, &c, &pts, &mut v, &mut g, &mut h,
/// )?;
/// assert_eq!(h[1], [[8.0, 6.0, 0.0], [6.0, 0.0, 0.0], [0.0, 0.0, 1.0]]);
/// # Ok::<(), ad_core::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::TooFewTangents`] when `C` is below the number of colors, and what
/// [`reverse_hessian`] returns.
#[allow(clippy::type_complexity)]
pub fn reverse_hessian_colored<const L: usize, const C: usize, T, const N: usize, F>(
    f: F,
    coloring: &HessianColoring<N>,
    points: &[[T; N]],
    values: &mut [T],
    grads: &mut [[T; N]],
    hess: &mut [[[T; N]; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: FnMut(
        [Dual<Lanes<T, L>, C>; N],
    ) -> Result<(Dual<Lanes<T, L>, C>, [Dual<Lanes<T, L>, C>; N]), Error>,
{
    colored(f, coloring, points, Some(values), Some(grads), hess)
}

/// The Hessian alone at every point: [`reverse_hessian_colored`] without the values
/// and gradients, as JAX's `vmap(hessian(f))` (a tenth less memory written at
/// `N = 10`).
///
/// ```
/// use ad_core::{vmap, Dual, Error, HessianColoring, Lanes, Real, SparsityWork, Tape};
/// fn f<T: Real>([x, y]: [T; 2]) -> T { x.sin() + y * y }
/// fn grad<S: Real>([x, y]: [S; 2]) -> Result<(S, [S; 2]), Error> {
///     Ok((f([x, y]), [x.cos(), y + y]))
/// }
/// let mut tape: Tape<f64, 16> = Tape::new();
/// let prog = tape.record([1.0; 2], |x| [f(x)])?;
/// let mut c = HessianColoring::new();
/// prog.color_hessian(&mut c, &mut SparsityWork::<16>::new())?;
/// assert_eq!(c.colors(), 1); // diagonal
/// let pts = [[0.0, 5.0], [1.0, -1.0], [2.0, 0.5]];
/// let mut h = [[[0.0; 2]; 2]; 3];
/// vmap::reverse_hess_colored::<2, 1, _, _, _>(grad::<Dual<Lanes<f64, 2>, 1>>, &c, &pts, &mut h)?;
/// assert_eq!(h[0], [[0.0, 0.0], [0.0, 2.0]]);
/// assert!((h[1][0][0] + 1.0f64.sin()).abs() <= 1e-15 && h[1][0][1] == 0.0);
/// # Ok::<(), ad_core::Error>(())
/// ```
///
/// # Errors
///
/// What [`reverse_hessian_colored`] returns.
#[allow(clippy::type_complexity)]
pub fn reverse_hess_colored<const L: usize, const C: usize, T, const N: usize, F>(
    f: F,
    coloring: &HessianColoring<N>,
    points: &[[T; N]],
    hess: &mut [[[T; N]; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: FnMut(
        [Dual<Lanes<T, L>, C>; N],
    ) -> Result<(Dual<Lanes<T, L>, C>, [Dual<Lanes<T, L>, C>; N]), Error>,
{
    colored(f, coloring, points, None, None, hess)
}

/// [`second_order`] seeded and expanded by `coloring`.
#[inline(always)]
#[allow(clippy::type_complexity)]
fn colored<const L: usize, const C: usize, T, const N: usize, F>(
    f: F,
    coloring: &HessianColoring<N>,
    points: &[[T; N]],
    values: Option<&mut [T]>,
    grads: Option<&mut [[T; N]]>,
    hess: &mut [[[T; N]; N]],
) -> Result<(), Error>
where
    T: LaneMath,
    F: FnMut(
        [Dual<Lanes<T, L>, C>; N],
    ) -> Result<(Dual<Lanes<T, L>, C>, [Dual<Lanes<T, L>, C>; N]), Error>,
{
    coloring.fits::<C>()?;
    second_order(
        f,
        |xs| coloring.seed(xs),
        |m, eps, buf| {
            coloring.row_into(m, eps, buf);
            buf
        },
        points,
        values,
        grads,
        hess,
    )
}

/// Value, gradient and Hessian of a recorded program at every point, by
/// forward-over-reverse over `Dual<Lanes<T, L>, C>` with one tangent per color of
/// `coloring` ([`program_hessian`] with `C` in place of `N`; see
/// [`reverse_hessian_colored`]).
///
/// ```
/// use ad_core::{vmap, Dual, HessianColoring, Lanes, Real, SparsityWork, Tape, Workspace};
/// fn f<T: Real>(x: [T; 5]) -> T {
///     x.windows(2).fold(T::zero(), |s, w| s + (w[0] * w[1]).sin())
/// }
/// let mut tape: Tape<f64, 64> = Tape::new();
/// let mut prog = tape.record([0.0; 5], |x| [f(x)])?;
/// let mut c = HessianColoring::new();
/// prog.color_hessian(&mut c, &mut SparsityWork::<64>::new())?;
/// let pts = [[0.1, 0.2, 0.3, 0.4, 0.5], [1.0, -1.0, 0.5, 2.0, 0.0]];
/// let (mut v, mut g, mut h) = ([0.0; 2], [[0.0; 5]; 2], [[[0.0; 5]; 5]; 2]);
/// let mut work = Workspace::<Dual<Lanes<f64, 2>, 3>, 64>::new();
/// vmap::program_hessian_colored(&mut prog, &c, &mut work, &pts, &mut v, &mut g, &mut h)?;
/// for (p, hp) in pts.iter().zip(&h) {
///     let (_, _, dense) = prog.hessian(*p, &mut Workspace::<Dual<f64, 5>, 64>::new())?;
///     for (r, d) in hp.iter().zip(&dense) {
///         for (a, b) in r.iter().zip(d) {
///             assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()));
///         }
///     }
///     assert_eq!(hp[0][2], 0.0);
/// }
/// # Ok::<(), ad_core::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::ColoringMismatch`] when `coloring` was computed from another program, and
/// what [`reverse_hessian_colored`] returns.
#[allow(clippy::too_many_arguments)]
pub fn program_hessian_colored<
    const L: usize,
    const C: usize,
    T,
    const N: usize,
    const W: usize,
    const OPS: u64,
>(
    prog: &mut Program<'_, T, N, 1, OPS>,
    coloring: &HessianColoring<N>,
    work: &mut Workspace<Dual<Lanes<T, L>, C>, W>,
    points: &[[T; N]],
    values: &mut [T],
    grads: &mut [[T; N]],
    hess: &mut [[[T; N]; N]],
) -> Result<(), Error>
where
    T: LaneMath,
{
    if !prog.is_colored_by(coloring) {
        return Err(Error::ColoringMismatch);
    }
    reverse_hessian_colored(
        |xs| prog.gradient_over(xs, work),
        coloring,
        points,
        values,
        grads,
        hess,
    )
}
