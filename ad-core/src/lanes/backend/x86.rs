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
