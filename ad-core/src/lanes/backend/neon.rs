//! aarch64 NEON back end: 4 × f32 and 2 × f64 registers (`float32x4_t`,
//! `float64x2_t`), used when the lane count equals the register width.

// The intrinsics and the reinterpretation of `[T; W]` as a vector register need
// `unsafe`; every use is justified where it appears.
#![allow(unsafe_code)]

use core::arch::aarch64::*;

/// One binary operation of one element type and register width.
macro_rules! binary {
    ($name:ident, $t:ty, $w:literal, $v:ty, $f:ident) => {
        #[inline(always)]
        pub(super) fn $name<const L: usize>(a: [$t; L], b: [$t; L]) -> Option<[$t; L]> {
            if L != $w {
                return None;
            }
            let a: [$t; $w] = a.as_slice().try_into().ok()?;
            let b: [$t; $w] = b.as_slice().try_into().ok()?;
            // SAFETY: `[$t; $w]` and the register type have the same size and every bit
            // pattern is valid in both; NEON is enabled (`cfg(target_feature = "neon")`).
            let r: [$t; $w] = unsafe {
                core::mem::transmute::<$v, [$t; $w]>($f(
                    core::mem::transmute::<[$t; $w], $v>(a),
                    core::mem::transmute::<[$t; $w], $v>(b),
                ))
            };
            r.as_slice().try_into().ok()
        }
    };
}

/// The square root, like [`binary!`].
macro_rules! sqrt {
    ($name:ident, $t:ty, $w:literal, $v:ty, $f:ident) => {
        #[inline(always)]
        pub(super) fn $name<const L: usize>(a: [$t; L]) -> Option<[$t; L]> {
            if L != $w {
                return None;
            }
            let a: [$t; $w] = a.as_slice().try_into().ok()?;
            // SAFETY: as in `binary!`.
            let r: [$t; $w] = unsafe {
                core::mem::transmute::<$v, [$t; $w]>($f(core::mem::transmute::<[$t; $w], $v>(a)))
            };
            r.as_slice().try_into().ok()
        }
    };
}

binary!(add_f32, f32, 4, float32x4_t, vaddq_f32);
binary!(sub_f32, f32, 4, float32x4_t, vsubq_f32);
binary!(mul_f32, f32, 4, float32x4_t, vmulq_f32);
binary!(div_f32, f32, 4, float32x4_t, vdivq_f32);
sqrt!(sqrt_f32, f32, 4, float32x4_t, vsqrtq_f32);
binary!(add_f64, f64, 2, float64x2_t, vaddq_f64);
binary!(sub_f64, f64, 2, float64x2_t, vsubq_f64);
binary!(mul_f64, f64, 2, float64x2_t, vmulq_f64);
binary!(div_f64, f64, 2, float64x2_t, vdivq_f64);
sqrt!(sqrt_f64, f64, 2, float64x2_t, vsqrtq_f64);

/// Full-width interleave of two registers: `([a0, b0, a1, b1, ..], [.., a(w-1), b(w-1)])`.
macro_rules! zip {
    ($name:ident, $t:ty, $w:literal, $v:ty, $lo:ident, $hi:ident) => {
        #[inline(always)]
        pub(super) fn $name<const L: usize>(a: [$t; L], b: [$t; L]) -> Option<([$t; L], [$t; L])> {
            if L != $w {
                return None;
            }
            let a: [$t; $w] = a.as_slice().try_into().ok()?;
            let b: [$t; $w] = b.as_slice().try_into().ok()?;
            // SAFETY: as in `binary!`.
            let (lo, hi): ([$t; $w], [$t; $w]) = unsafe {
                let (a, b) = (
                    core::mem::transmute::<[$t; $w], $v>(a),
                    core::mem::transmute::<[$t; $w], $v>(b),
                );
                (
                    core::mem::transmute::<$v, [$t; $w]>($lo(a, b)),
                    core::mem::transmute::<$v, [$t; $w]>($hi(a, b)),
                )
            };
            Some((
                lo.as_slice().try_into().ok()?,
                hi.as_slice().try_into().ok()?,
            ))
        }
    };
}

zip!(zip_f32, f32, 4, float32x4_t, vzip1q_f32, vzip2q_f32);
zip!(zip_f64, f64, 2, float64x2_t, vzip1q_f64, vzip2q_f64);
