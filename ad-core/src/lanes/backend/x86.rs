//! x86 and x86-64 back end: SSE/SSE2 (4 × f32, 2 × f64), AVX (8 × f32, 4 × f64) and
//! AVX-512F (16 × f32, 8 × f64), each used when the crate is compiled with that target
//! feature (e.g. `-C target-cpu=native`) and the lane count equals the register width.
//! LLVM splits a 16-lane portable loop into two 256-bit halves on CPUs it tunes for
//! 256-bit vectors; here a `Lanes<f32, 16>` is one AVX-512 register.

// The intrinsics and the reinterpretation of `[T; W]` as a vector register need
// `unsafe`; every use is justified where it appears.
#![allow(unsafe_code)]

#[cfg(target_arch = "x86")]
#[allow(unused_imports)]
use core::arch::x86::*;
#[cfg(target_arch = "x86_64")]
#[allow(unused_imports)]
use core::arch::x86_64::*;

/// One binary operation of one element type: tries each (feature, width) in order.
macro_rules! binary {
    ($name:ident, $t:ty, $(($feat:literal, $w:literal, $v:ty, $f:ident)),*) => {
        #[inline(always)]
        #[allow(unreachable_code, unused_variables)]
        pub(super) fn $name<const L: usize>(a: [$t; L], b: [$t; L]) -> Option<[$t; L]> {
            $(
                #[cfg(target_feature = $feat)]
                if L == $w {
                    let a: [$t; $w] = a.as_slice().try_into().ok()?;
                    let b: [$t; $w] = b.as_slice().try_into().ok()?;
                    // SAFETY: `[$t; $w]` and the register type have the same size and
                    // every bit pattern is valid in both; the intrinsic needs the target
                    // feature, which `cfg(target_feature)` guarantees at compile time.
                    let r: [$t; $w] = unsafe {
                        core::mem::transmute::<$v, [$t; $w]>($f(
                            core::mem::transmute::<[$t; $w], $v>(a),
                            core::mem::transmute::<[$t; $w], $v>(b),
                        ))
                    };
                    return r.as_slice().try_into().ok();
                }
            )*
            None
        }
    };
}

/// The square root, like [`binary!`].
macro_rules! sqrt {
    ($name:ident, $t:ty, $(($feat:literal, $w:literal, $v:ty, $f:ident)),*) => {
        #[inline(always)]
        #[allow(unreachable_code, unused_variables)]
        pub(super) fn $name<const L: usize>(a: [$t; L]) -> Option<[$t; L]> {
            $(
                #[cfg(target_feature = $feat)]
                if L == $w {
                    let a: [$t; $w] = a.as_slice().try_into().ok()?;
                    // SAFETY: as in `binary!`.
                    let r: [$t; $w] = unsafe {
                        core::mem::transmute::<$v, [$t; $w]>($f(core::mem::transmute::<
                            [$t; $w],
                            $v,
                        >(a)))
                    };
                    return r.as_slice().try_into().ok();
                }
            )*
            None
        }
    };
}

binary!(
    add_f32,
    f32,
    ("avx512f", 16, __m512, _mm512_add_ps),
    ("avx", 8, __m256, _mm256_add_ps),
    ("sse", 4, __m128, _mm_add_ps)
);
binary!(
    sub_f32,
    f32,
    ("avx512f", 16, __m512, _mm512_sub_ps),
    ("avx", 8, __m256, _mm256_sub_ps),
    ("sse", 4, __m128, _mm_sub_ps)
);
binary!(
    mul_f32,
    f32,
    ("avx512f", 16, __m512, _mm512_mul_ps),
    ("avx", 8, __m256, _mm256_mul_ps),
    ("sse", 4, __m128, _mm_mul_ps)
);
binary!(
    div_f32,
    f32,
    ("avx512f", 16, __m512, _mm512_div_ps),
    ("avx", 8, __m256, _mm256_div_ps),
    ("sse", 4, __m128, _mm_div_ps)
);
sqrt!(
    sqrt_f32,
    f32,
    ("avx512f", 16, __m512, _mm512_sqrt_ps),
    ("avx", 8, __m256, _mm256_sqrt_ps),
    ("sse", 4, __m128, _mm_sqrt_ps)
);
binary!(
    add_f64,
    f64,
    ("avx512f", 8, __m512d, _mm512_add_pd),
    ("avx", 4, __m256d, _mm256_add_pd),
    ("sse2", 2, __m128d, _mm_add_pd)
);
binary!(
    sub_f64,
    f64,
    ("avx512f", 8, __m512d, _mm512_sub_pd),
    ("avx", 4, __m256d, _mm256_sub_pd),
    ("sse2", 2, __m128d, _mm_sub_pd)
);
binary!(
    mul_f64,
    f64,
    ("avx512f", 8, __m512d, _mm512_mul_pd),
    ("avx", 4, __m256d, _mm256_mul_pd),
    ("sse2", 2, __m128d, _mm_mul_pd)
);
binary!(
    div_f64,
    f64,
    ("avx512f", 8, __m512d, _mm512_div_pd),
    ("avx", 4, __m256d, _mm256_div_pd),
    ("sse2", 2, __m128d, _mm_div_pd)
);
sqrt!(
    sqrt_f64,
    f64,
    ("avx512f", 8, __m512d, _mm512_sqrt_pd),
    ("avx", 4, __m256d, _mm256_sqrt_pd),
    ("sse2", 2, __m128d, _mm_sqrt_pd)
);

/// Full-width interleave of two registers: `([a0, b0, a1, b1, ..], [.., a(w-1), b(w-1)])`,
/// the low halves and the high halves, like [`binary!`] per (feature, width).
macro_rules! zip {
    ($name:ident, $t:ty, $(($feat:literal, $w:literal, $v:ty, $f:ident)),*) => {
        #[inline(always)]
        #[allow(unreachable_code, unused_variables)]
        pub(super) fn $name<const L: usize>(a: [$t; L], b: [$t; L]) -> Option<([$t; L], [$t; L])> {
            $(
                #[cfg(target_feature = $feat)]
                if L == $w {
                    let a: [$t; $w] = a.as_slice().try_into().ok()?;
                    let b: [$t; $w] = b.as_slice().try_into().ok()?;
                    // SAFETY: as in `binary!`: same sizes, every bit pattern valid, the
                    // target feature guaranteed at compile time.
                    let (lo, hi): ([$t; $w], [$t; $w]) = unsafe {
                        let (lo, hi) = $f(
                            core::mem::transmute::<[$t; $w], $v>(a),
                            core::mem::transmute::<[$t; $w], $v>(b),
                        );
                        (
                            core::mem::transmute::<$v, [$t; $w]>(lo),
                            core::mem::transmute::<$v, [$t; $w]>(hi),
                        )
                    };
                    return Some((lo.as_slice().try_into().ok()?, hi.as_slice().try_into().ok()?));
                }
            )*
            None
        }
    };
}

#[cfg(target_feature = "sse")]
#[inline(always)]
unsafe fn zip_ps_128(a: __m128, b: __m128) -> (__m128, __m128) {
    // SAFETY: SSE is enabled (cfg above).
    unsafe { (_mm_unpacklo_ps(a, b), _mm_unpackhi_ps(a, b)) }
}

#[cfg(target_feature = "sse2")]
#[inline(always)]
unsafe fn zip_pd_128(a: __m128d, b: __m128d) -> (__m128d, __m128d) {
    // SAFETY: SSE2 is enabled (cfg above).
    unsafe { (_mm_unpacklo_pd(a, b), _mm_unpackhi_pd(a, b)) }
}

#[cfg(target_feature = "avx")]
#[inline(always)]
unsafe fn zip_ps_256(a: __m256, b: __m256) -> (__m256, __m256) {
    // SAFETY: AVX is enabled (cfg above). `unpack` interleaves within each 128-bit
    // half; the two cross-half permutes put the halves in order.
    unsafe {
        let (l, h) = (_mm256_unpacklo_ps(a, b), _mm256_unpackhi_ps(a, b));
        (
            _mm256_permute2f128_ps::<0x20>(l, h),
            _mm256_permute2f128_ps::<0x31>(l, h),
        )
    }
}

#[cfg(target_feature = "avx")]
#[inline(always)]
unsafe fn zip_pd_256(a: __m256d, b: __m256d) -> (__m256d, __m256d) {
    // SAFETY: as in `zip_ps_256`.
    unsafe {
        let (l, h) = (_mm256_unpacklo_pd(a, b), _mm256_unpackhi_pd(a, b));
        (
            _mm256_permute2f128_pd::<0x20>(l, h),
            _mm256_permute2f128_pd::<0x31>(l, h),
        )
    }
}

#[cfg(target_feature = "avx512f")]
#[inline(always)]
unsafe fn zip_ps_512(a: __m512, b: __m512) -> (__m512, __m512) {
    // Two-source permutes: index bit 4 picks `b`.
    const LO: [i32; 16] = [0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23];
    const HI: [i32; 16] = [8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31];
    // SAFETY: AVX-512F is enabled (cfg above); `[i32; 16]` and `__m512i` have the same
    // size and every bit pattern is valid in both.
    unsafe {
        let (lo, hi) = (
            core::mem::transmute::<[i32; 16], __m512i>(LO),
            core::mem::transmute::<[i32; 16], __m512i>(HI),
        );
        (
            _mm512_permutex2var_ps(a, lo, b),
            _mm512_permutex2var_ps(a, hi, b),
        )
    }
}

#[cfg(target_feature = "avx512f")]
#[inline(always)]
unsafe fn zip_pd_512(a: __m512d, b: __m512d) -> (__m512d, __m512d) {
    // Index bit 3 picks `b`.
    const LO: [i64; 8] = [0, 8, 1, 9, 2, 10, 3, 11];
    const HI: [i64; 8] = [4, 12, 5, 13, 6, 14, 7, 15];
    // SAFETY: as in `zip_ps_512`.
    unsafe {
        let (lo, hi) = (
            core::mem::transmute::<[i64; 8], __m512i>(LO),
            core::mem::transmute::<[i64; 8], __m512i>(HI),
        );
        (
            _mm512_permutex2var_pd(a, lo, b),
            _mm512_permutex2var_pd(a, hi, b),
        )
    }
}

zip!(
    zip_f32,
    f32,
    ("avx512f", 16, __m512, zip_ps_512),
    ("avx", 8, __m256, zip_ps_256),
    ("sse", 4, __m128, zip_ps_128)
);
zip!(
    zip_f64,
    f64,
    ("avx512f", 8, __m512d, zip_pd_512),
    ("avx", 4, __m256d, zip_pd_256),
    ("sse2", 2, __m128d, zip_pd_128)
);

/// Reinterprets `[T; W]` as the register `V` of the same size.
///
/// # Safety
///
/// `A` and `V` must have the same size, and every bit pattern must be valid in `V`
/// (true of `[f32; W]`, `[f64; W]`, `[i32; W]`, `[i64; W]` and the x86 registers of
/// their size).
#[cfg(target_feature = "avx")]
#[inline(always)]
unsafe fn reg<A, V>(a: A) -> V {
    const { assert!(core::mem::size_of::<A>() == core::mem::size_of::<V>()) };
    // SAFETY: the caller's contract; the sizes are equal (checked at compile time
    // above), so `transmute_copy` reads exactly the bytes of `a`.
    unsafe { core::mem::transmute_copy::<A, V>(&a) }
}

/// Two-source lane selection: lane `i` of the result is `a[idx[i]]` where
/// `idx[i] < L`, else `b[idx[i] - L]` (`idx[i] < 2L`). One two-source permutation on
/// AVX-512; two one-source permutations and a blend on AVX2 (8 × f32, 4 × f64) and AVX
/// (4 × f32, 2 × f64). `None` at other widths: SSE2 alone has no variable permutation.
#[inline(always)]
#[allow(unreachable_code, unused_variables)]
pub(super) fn pick_f32<const L: usize>(
    a: [f32; L],
    b: [f32; L],
    idx: &[usize; L],
) -> Option<[f32; L]> {
    #[cfg(target_feature = "avx512f")]
    if L == 16 {
        let a: [f32; 16] = a.as_slice().try_into().ok()?;
        let b: [f32; 16] = b.as_slice().try_into().ok()?;
        let ix: [i32; 16] =
            core::array::from_fn(|i| (idx.get(i).copied().unwrap_or(0) % 32) as i32);
        // SAFETY: AVX-512F is enabled (cfg above); the reinterpretations are of equal
        // sizes with every bit pattern valid (see `reg`).
        let r: [f32; 16] = unsafe {
            reg(_mm512_permutex2var_ps(
                reg::<_, __m512>(a),
                reg::<_, __m512i>(ix),
                reg::<_, __m512>(b),
            ))
        };
        return r.as_slice().try_into().ok();
    }
    #[cfg(target_feature = "avx2")]
    if L == 8 {
        let a: [f32; 8] = a.as_slice().try_into().ok()?;
        let b: [f32; 8] = b.as_slice().try_into().ok()?;
        let at = |i: usize| idx.get(i).copied().unwrap_or(0);
        let ix: [i32; 8] = core::array::from_fn(|i| (at(i) % 8) as i32);
        let from_b: [i32; 8] = core::array::from_fn(|i| if at(i) >= 8 { -1 } else { 0 });
        // SAFETY: AVX2 is enabled (cfg above); reinterpretations as in the AVX-512 arm.
        let r: [f32; 8] = unsafe {
            let ix = reg::<_, __m256i>(ix);
            reg(_mm256_blendv_ps(
                _mm256_permutevar8x32_ps(reg::<_, __m256>(a), ix),
                _mm256_permutevar8x32_ps(reg::<_, __m256>(b), ix),
                reg::<_, __m256>(from_b),
            ))
        };
        return r.as_slice().try_into().ok();
    }
    #[cfg(target_feature = "avx")]
    if L == 4 {
        let a: [f32; 4] = a.as_slice().try_into().ok()?;
        let b: [f32; 4] = b.as_slice().try_into().ok()?;
        let at = |i: usize| idx.get(i).copied().unwrap_or(0);
        let ix: [i32; 4] = core::array::from_fn(|i| (at(i) % 4) as i32);
        let from_b: [i32; 4] = core::array::from_fn(|i| if at(i) >= 4 { -1 } else { 0 });
        // SAFETY: AVX (and so SSE4.1) is enabled (cfg above); reinterpretations as in
        // the AVX-512 arm.
        let r: [f32; 4] = unsafe {
            let ix = reg::<_, __m128i>(ix);
            reg(_mm_blendv_ps(
                _mm_permutevar_ps(reg::<_, __m128>(a), ix),
                _mm_permutevar_ps(reg::<_, __m128>(b), ix),
                reg::<_, __m128>(from_b),
            ))
        };
        return r.as_slice().try_into().ok();
    }
    None
}

/// [`pick_f32`] for `f64`: AVX-512 (8 lanes), AVX2 (4 lanes, as pairs of 32-bit
/// lanes), AVX (2 lanes).
#[inline(always)]
#[allow(unreachable_code, unused_variables)]
pub(super) fn pick_f64<const L: usize>(
    a: [f64; L],
    b: [f64; L],
    idx: &[usize; L],
) -> Option<[f64; L]> {
    #[cfg(target_feature = "avx512f")]
    if L == 8 {
        let a: [f64; 8] = a.as_slice().try_into().ok()?;
        let b: [f64; 8] = b.as_slice().try_into().ok()?;
        let ix: [i64; 8] = core::array::from_fn(|i| (idx.get(i).copied().unwrap_or(0) % 16) as i64);
        // SAFETY: as in `pick_f32`.
        let r: [f64; 8] = unsafe {
            reg(_mm512_permutex2var_pd(
                reg::<_, __m512d>(a),
                reg::<_, __m512i>(ix),
                reg::<_, __m512d>(b),
            ))
        };
        return r.as_slice().try_into().ok();
    }
    #[cfg(target_feature = "avx2")]
    if L == 4 {
        let a: [f64; 4] = a.as_slice().try_into().ok()?;
        let b: [f64; 4] = b.as_slice().try_into().ok()?;
        let at = |i: usize| idx.get(i).copied().unwrap_or(0);
        // Lane `i` is the 32-bit lanes `2i, 2i + 1`.
        let ix: [i32; 8] = core::array::from_fn(|h| (2 * (at(h / 2) % 4) + h % 2) as i32);
        let from_b: [i64; 4] = core::array::from_fn(|i| if at(i) >= 4 { -1 } else { 0 });
        // SAFETY: as in `pick_f32`.
        let r: [f64; 4] = unsafe {
            let ix = reg::<_, __m256i>(ix);
            reg(_mm256_blendv_pd(
                _mm256_castps_pd(_mm256_permutevar8x32_ps(reg::<_, __m256>(a), ix)),
                _mm256_castps_pd(_mm256_permutevar8x32_ps(reg::<_, __m256>(b), ix)),
                reg::<_, __m256d>(from_b),
            ))
        };
        return r.as_slice().try_into().ok();
    }
    #[cfg(target_feature = "avx")]
    if L == 2 {
        let a: [f64; 2] = a.as_slice().try_into().ok()?;
        let b: [f64; 2] = b.as_slice().try_into().ok()?;
        let at = |i: usize| idx.get(i).copied().unwrap_or(0);
        // `vpermilpd` reads bit 1 of each index.
        let ix: [i64; 2] = core::array::from_fn(|i| ((at(i) % 2) << 1) as i64);
        let from_b: [i64; 2] = core::array::from_fn(|i| if at(i) >= 2 { -1 } else { 0 });
        // SAFETY: as in `pick_f32`.
        let r: [f64; 2] = unsafe {
            let ix = reg::<_, __m128i>(ix);
            reg(_mm_blendv_pd(
                _mm_permutevar_pd(reg::<_, __m128d>(a), ix),
                _mm_permutevar_pd(reg::<_, __m128d>(b), ix),
                reg::<_, __m128d>(from_b),
            ))
        };
        return r.as_slice().try_into().ok();
    }
    None
}
