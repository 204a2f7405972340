//! `vmap`'s data movement: every helper (and its gradient-only form) writes, for every point, exactly what the same
//! mode computes at that point alone, for lane counts 1 to 16 (the widths of the SIMD
//! back ends, where the chunk transposes run as register permutations, and others),
//! coordinate counts below, equal to and above the lane count (whole `L × L` blocks,
//! smaller blocks per group of lanes, blocks of several sides one after another, a
//! remainder, the two-coordinate interleave and the permutation chains of 3, 5, 6 and
//! 7 coordinates), and batch sizes with and without a partial last chunk.
//!
//! The function's values and derivatives differ from point to point and from
//! coordinate to coordinate, so a point or a coordinate written to the wrong place
//! fails. It uses `+` and `×` only, so lane and scalar results are equal bit for bit.
//! CI also runs this file with `-C target-cpu=native` (the AVX and AVX-512 back ends)
//! and with `portable-lanes`.

use ad_core::{Dual, Error, LaneMath, Lanes, Real, Tape, Workspace, vmap};

/// `Σₖ (k + 1) xₖ² x₍ₖ₊₁₎ mod N + x₀`: a Hessian with point-dependent off-diagonal
/// entries.
fn poly<T: Real, const N: usize>(x: [T; N]) -> T {
    let mut s = x[0];
    for k in 0..N {
        let c = T::constant((k + 1) as f64);
        s += c * x[k] * x[k] * x[(k + 1) % N];
    }
    s
}

/// Two outputs, for `values` and `jacobian`.
fn pair<T: Real, const N: usize>(x: [T; N]) -> [T; 2] {
    let mut lin = T::zero();
    for (k, &v) in x.iter().enumerate() {
        lin += T::constant((2 * k + 3) as f64) * v;
    }
    [poly(x), lin * x[N - 1]]
}

/// `count` points, coordinate `k` of point `i` = `0.25 + i/8 + k/32` (exact).
fn points<T: LaneMath, const N: usize>(count: usize) -> Vec<[T; N]> {
    (0..count)
        .map(|i| core::array::from_fn(|k| T::constant(0.25 + i as f64 / 8.0 + k as f64 / 32.0)))
        .collect()
}

/// Batch sizes around the lane count: empty, one, a partial chunk, one chunk, several
/// chunks and a remainder.
fn counts(l: usize) -> Vec<usize> {
    if cfg!(miri) {
        // A partial chunk alone, and a full chunk with a remainder.
        return vec![1, l + 1];
    }
    let mut c = vec![0, 1, l.saturating_sub(1), l, 3 * l + 1];
    c.dedup();
    c
}

/// Forward-mode helpers (`values`, `gradient`, `jacobian`) at `L` lanes and `N`
/// coordinates, against the scalar helpers point by point.
fn forward_case<T: LaneMath, const L: usize, const N: usize>() -> Result<(), Error> {
    for count in counts(L) {
        let pts = points::<T, N>(count);
        let mut out = vec![[T::zero(); 2]; count];
        vmap::values::<L, _, _, _, _>(pair, &pts, &mut out)?;
        let (mut v, mut g) = (vec![T::zero(); count], vec![[T::zero(); N]; count]);
        vmap::gradient::<L, _, _, _>(poly, &pts, &mut v, &mut g)?;
        let mut g_only = vec![[T::zero(); N]; count];
        vmap::grad::<L, _, _, _>(poly, &pts, &mut g_only)?;
        assert_eq!(
            g_only, g,
            "grad against gradient, L = {L}, N = {N}, {count} points"
        );
        let (mut jv, mut jj) = (
            vec![[T::zero(); 2]; count],
            vec![[[T::zero(); N]; 2]; count],
        );
        vmap::jacobian::<L, _, _, _, _>(pair, &pts, &mut jv, &mut jj)?;
        for (i, p) in pts.iter().enumerate() {
            let at = format!("L = {L}, N = {N}, {count} points, point {i}");
            assert_eq!(out[i], pair(*p), "values, {at}");
            let (vs, gs) = ad_core::value_and_gradient(poly, *p);
            assert_eq!((v[i], g[i]), (vs, gs), "gradient, {at}");
            let (jvs, jjs) = ad_core::value_and_jacobian(pair, *p);
            assert_eq!((jv[i], jj[i]), (jvs, jjs), "jacobian, {at}");
        }
    }
    Ok(())
}

/// The second-order and recorded-program helpers (`hessian`, `program_gradient`,
/// `program_hessian`, `reverse_gradient`, `reverse_hessian`).
fn second_case<T: LaneMath, const L: usize, const N: usize>() -> Result<(), Error> {
    let mut tape: Tape<T, 256> = Tape::new();
    let mut prog = tape.record([T::one(); N], |x| [poly(x)])?;
    let mut work = Box::new(Workspace::<Lanes<T, L>, 256>::new());
    let mut work2 = Box::new(Workspace::<Dual<Lanes<T, L>, N>, 256>::new());
    for count in counts(L) {
        let pts = points::<T, N>(count);
        let zeros = || {
            (
                vec![T::zero(); count],
                vec![[T::zero(); N]; count],
                vec![[[T::zero(); N]; N]; count],
            )
        };
        let (mut v, mut g, mut h) = zeros();
        vmap::hessian::<L, _, _, _>(poly, &pts, &mut v, &mut g, &mut h)?;
        let (mut pv, mut pg, _) = zeros();
        vmap::program_gradient(&mut prog, &mut work, &pts, &mut pv, &mut pg)?;
        let (mut qv, mut qg, mut qh) = zeros();
        vmap::program_hessian(&mut prog, &mut work2, &pts, &mut qv, &mut qg, &mut qh)?;
        // The reverse helpers with a hand-written gradient (what generated code is).
        let grad = |x: [Lanes<T, L>; N]| Ok(ad_core::value_and_gradient(poly, x));
        let (mut rv, mut rg, _) = zeros();
        vmap::reverse_gradient(grad, &pts, &mut rv, &mut rg)?;
        let (_, mut rg_only, _) = zeros();
        vmap::reverse_grad(grad, &pts, &mut rg_only)?;
        assert_eq!(
            rg_only, rg,
            "reverse_grad, L = {L}, N = {N}, {count} points"
        );
        let (_, mut pg_only, _) = zeros();
        vmap::program_grad(&mut prog, &mut work, &pts, &mut pg_only)?;
        assert_eq!(
            pg_only, pg,
            "program_grad, L = {L}, N = {N}, {count} points"
        );
        let grad2 = |x: [Dual<Lanes<T, L>, N>; N]| Ok(ad_core::value_and_gradient(poly, x));
        let (mut sv, mut sg, mut sh) = zeros();
        vmap::reverse_hessian(grad2, &pts, &mut sv, &mut sg, &mut sh)?;
        let mut scalar = Box::new(Workspace::<Dual<T, N>, 256>::new());
        for (i, p) in pts.iter().enumerate() {
            let at = format!("L = {L}, N = {N}, {count} points, point {i}");
            let want = ad_core::value_gradient_hessian(poly, *p);
            assert_eq!((v[i], g[i], h[i]), want, "hessian, {at}");
            assert_eq!((pv[i], pg[i]), prog.gradient(*p)?, "program_gradient, {at}");
            let want_q = prog.hessian(*p, &mut scalar)?;
            assert_eq!((qv[i], qg[i], qh[i]), want_q, "program_hessian, {at}");
            let want_r = ad_core::value_and_gradient(poly, *p);
            assert_eq!((rv[i], rg[i]), want_r, "reverse_gradient, {at}");
            assert_eq!(
                (sv[i], sg[i]),
                want_r,
                "reverse_hessian value and gradient, {at}"
            );
            // The Hessian of the forward-over-reverse helper equals the second-order
            // one's (same products, same order, up to the one rounding of a sum).
            for (a, row) in sh[i].iter().enumerate() {
                for (b, &x) in row.iter().enumerate() {
                    let y = want.2[a][b];
                    let tol = T::constant(1e-5) * (T::one() + y.abs());
                    assert!(
                        (x - y).abs() <= tol,
                        "reverse_hessian [{a}][{b}], {at}: {x:?} vs {y:?}"
                    );
                }
            }
        }
    }
    Ok(())
}

/// Runs `forward_case` for every `(L, N)` pair listed, in `T`.
macro_rules! forward {
    ($t:ty; $($l:literal: $($n:literal)*;)*) => {
        $($(forward_case::<$t, $l, $n>()?;)*)*
    };
}

/// Runs `second_case` likewise, on a thread with a large stack: second-order numbers
/// over 16 lanes and 16 coordinates are tens of kilobytes each, and an unoptimized
/// build keeps many of them.
macro_rules! second {
    ($t:ty; $($l:literal: $($n:literal)*;)*) => {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(|| -> Result<(), Error> {
                $($(second_case::<$t, $l, $n>()?;)*)*
                Ok(())
            })
            .expect("spawning the test thread")
            .join()
            .expect("the test thread")?
    };
}

#[test]
fn forward_helpers_place_every_point_f64() -> Result<(), Error> {
    if cfg!(miri) {
        forward!(f64; 2: 2 3;);
        return Ok(());
    }
    forward!(f64; 1: 1 2 3; 2: 1 2 3 4 5; 3: 2 3 7; 4: 1 2 3 4 5 6 7 8 9 12 13;
        8: 2 3 4 5 6 7 8 9 12 13 17; 16: 2 3 4 5 9 16 17 20;);
    Ok(())
}

#[test]
fn forward_helpers_place_every_point_f32() -> Result<(), Error> {
    if cfg!(miri) {
        forward!(f32; 4: 2 5;);
        return Ok(());
    }
    forward!(f32; 1: 2; 2: 2 3; 4: 1 2 3 4 5 6 7 9 12; 8: 1 2 3 4 5 6 7 8 9 12 13 17;
        16: 2 3 4 5 6 7 9 10 16 17 20 33;);
    Ok(())
}

#[test]
fn second_order_helpers_place_every_point_f64() -> Result<(), Error> {
    if cfg!(miri) {
        second!(f64; 2: 3;);
        return Ok(());
    }
    second!(f64; 1: 2; 2: 1 2 3; 4: 2 3 4 5 7; 8: 2 3 5 6 8 9 12;);
    Ok(())
}

#[test]
fn second_order_helpers_place_every_point_f32() -> Result<(), Error> {
    if cfg!(miri) {
        second!(f32; 4: 5;);
        return Ok(());
    }
    second!(f32; 4: 2 3 4 5 6; 8: 2 3 5 7 8 9 12; 16: 2 3 5 7 10 16 17 20;);
    Ok(())
}

/// The interleave that the transposes are built from, against its definition, at
/// every width (the back ends' registers and the portable loop).
#[test]
fn lanes_zip_interleaves() {
    fn check<T: LaneMath, const L: usize>() {
        let a: [T; L] = core::array::from_fn(|k| T::constant(k as f64));
        let b: [T; L] = core::array::from_fn(|k| T::constant(100.0 + k as f64));
        let (lo, hi) = T::lanes_zip(a, b);
        for k in 0..L {
            let src = if k % 2 == 0 { &a } else { &b };
            assert_eq!(lo[k], src[k / 2], "lo[{k}], L = {L}");
            assert_eq!(hi[k], src[L / 2 + k / 2], "hi[{k}], L = {L}");
        }
    }
    check::<f32, 2>();
    check::<f32, 4>();
    check::<f32, 8>();
    check::<f32, 16>();
    check::<f32, 32>();
    check::<f64, 2>();
    check::<f64, 4>();
    check::<f64, 8>();
    check::<f64, 16>();
}

/// The two-source selection behind the odd-coordinate transposes, against its
/// definition, at every width where a back end has it; and present where it must be
/// (so that the native CI run covers the permutation path of `vmap`).
#[test]
fn lanes_pick_selects() {
    fn check<T: LaneMath, const L: usize>() -> bool {
        let a: [T; L] = core::array::from_fn(|k| T::constant(k as f64));
        let b: [T; L] = core::array::from_fn(|k| T::constant(100.0 + k as f64));
        let mut seen = false;
        // Rotations and a scrambled pattern over all 2L indices.
        for shift in 0..2 * L {
            for scramble in [1, 3, 5, 7] {
                let idx: [usize; L] = core::array::from_fn(|i| (i * scramble + shift) % (2 * L));
                let Some(r) = T::lanes_pick(a, b, &idx) else {
                    return false;
                };
                seen = true;
                for i in 0..L {
                    let want = if idx[i] < L { a[idx[i]] } else { b[idx[i] - L] };
                    assert_eq!(r[i], want, "L = {L}, idx = {idx:?}, lane {i}");
                }
            }
        }
        seen
    }
    let f32s = [
        check::<f32, 2>(),
        check::<f32, 4>(),
        check::<f32, 8>(),
        check::<f32, 16>(),
    ];
    let f64s = [
        check::<f64, 2>(),
        check::<f64, 4>(),
        check::<f64, 8>(),
        check::<f64, 16>(),
    ];
    let native = cfg!(not(feature = "portable-lanes"))
        && cfg!(any(target_arch = "x86", target_arch = "x86_64"));
    if native && cfg!(target_feature = "avx512f") {
        assert!(f32s[3] && f64s[2], "AVX-512 has 16 x f32 and 8 x f64 picks");
    }
    if native && cfg!(target_feature = "avx2") {
        assert!(f32s[2] && f64s[1], "AVX2 has 8 x f32 and 4 x f64 picks");
    }
    if native && cfg!(target_feature = "avx") {
        assert!(f32s[1] && f64s[0], "AVX has 4 x f32 and 2 x f64 picks");
    }
}
