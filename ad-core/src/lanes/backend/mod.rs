//! Element-wise arithmetic of lane arrays, behind one API: an explicit SIMD back end
//! where the target has registers of exactly the lane count (x86 SSE2, AVX and AVX-512
//! selected by `target_feature` at compile time, aarch64 NEON), the portable loop
//! (which the compiler vectorizes for any other width) otherwise.
//!
//! Feature `portable-lanes` compiles the portable loops only, so that CI tests them on
//! a machine whose back end would otherwise take over. Both give the same bits: the
//! operations are IEEE `+ − × ÷ √`, correctly rounded in every back end, with no fused
//! multiply-add.

#[cfg(all(
    not(feature = "portable-lanes"),
    any(target_arch = "x86", target_arch = "x86_64")
))]
mod x86;
#[cfg(all(
    not(feature = "portable-lanes"),
    any(target_arch = "x86", target_arch = "x86_64")
))]
use x86 as arch;

#[cfg(all(
    not(feature = "portable-lanes"),
    target_arch = "aarch64",
    target_feature = "neon"
))]
mod neon;
#[cfg(all(
    not(feature = "portable-lanes"),
    target_arch = "aarch64",
    target_feature = "neon"
))]
use neon as arch;

#[cfg(not(any(
    all(
        not(feature = "portable-lanes"),
        any(target_arch = "x86", target_arch = "x86_64")
    ),
    all(
        not(feature = "portable-lanes"),
        target_arch = "aarch64",
        target_feature = "neon"
    )
)))]
mod arch {
    //! No explicit back end: every operation takes the portable loop.
    macro_rules! none {
        ($($name:ident $t:ty),*) => {$(
            #[inline(always)]
            pub(super) fn $name<const L: usize>(_: [$t; L], _: [$t; L]) -> Option<[$t; L]> {
                None
            }
        )*};
    }
    none!(add_f32 f32, sub_f32 f32, mul_f32 f32, div_f32 f32, add_f64 f64, sub_f64 f64,
        mul_f64 f64, div_f64 f64);
    #[inline(always)]
    pub(super) fn sqrt_f32<const L: usize>(_: [f32; L]) -> Option<[f32; L]> {
        None
    }
    #[inline(always)]
    pub(super) fn sqrt_f64<const L: usize>(_: [f64; L]) -> Option<[f64; L]> {
        None
    }
    #[inline(always)]
    pub(super) fn zip_f32<const L: usize>(
        _: [f32; L],
        _: [f32; L],
    ) -> Option<([f32; L], [f32; L])> {
        None
    }
    #[inline(always)]
    pub(super) fn zip_f64<const L: usize>(
        _: [f64; L],
        _: [f64; L],
    ) -> Option<([f64; L], [f64; L])> {
        None
    }
}

/// The two-source lane selections ([`Arith::pick`]): x86 alone has them (AVX and
/// up); NEON's `vqtbl2q_u8` could, untested here, so `vmap` keeps its element-wise
/// moves there.
#[cfg(all(
    not(feature = "portable-lanes"),
    any(target_arch = "x86", target_arch = "x86_64")
))]
use x86::{pick_f32, pick_f64};

#[cfg(not(all(
    not(feature = "portable-lanes"),
    any(target_arch = "x86", target_arch = "x86_64")
)))]
macro_rules! no_pick {
    ($($name:ident $t:ty),*) => {$(
        /// No two-source lane selection on this target.
        #[inline(always)]
        fn $name<const L: usize>(_: [$t; L], _: [$t; L], _: &[usize; L]) -> Option<[$t; L]> {
            None
        }
    )*};
}
#[cfg(not(all(
    not(feature = "portable-lanes"),
    any(target_arch = "x86", target_arch = "x86_64")
)))]
no_pick!(pick_f32 f32, pick_f64 f64);

/// Element-wise `+ − × ÷` and `√` of `[Self; L]`.
pub(crate) trait Arith: Sized + Copy {
    fn add<const L: usize>(a: [Self; L], b: [Self; L]) -> [Self; L];
    fn sub<const L: usize>(a: [Self; L], b: [Self; L]) -> [Self; L];
    fn mul<const L: usize>(a: [Self; L], b: [Self; L]) -> [Self; L];
    fn div<const L: usize>(a: [Self; L], b: [Self; L]) -> [Self; L];
    /// `None` when no back end has a square root of this width (the caller then uses
    /// its own kernel).
    fn sqrt<const L: usize>(a: [Self; L]) -> Option<[Self; L]>;
    /// The interleave of `a` and `b`: `[a0, b0, a1, b1, ..]` over the low halves, then
    /// over the high halves (the step of a register transpose).
    fn zip<const L: usize>(a: [Self; L], b: [Self; L]) -> ([Self; L], [Self; L]);
    /// Two-source lane selection (`a[idx[i]]`, or `b[idx[i] - L]` from `L` on), or
    /// `None` where the back end has no register permutation of this width.
    fn pick<const L: usize>(a: [Self; L], b: [Self; L], idx: &[usize; L]) -> Option<[Self; L]>;
}

/// The portable loop: `f` lane by lane.
#[inline(always)]
fn each<T: Copy, const L: usize>(mut a: [T; L], b: [T; L], f: impl Fn(T, T) -> T) -> [T; L] {
    for (x, y) in a.iter_mut().zip(b) {
        *x = f(*x, y);
    }
    a
}

/// The portable interleave (see [`Arith::zip`]).
#[inline(always)]
fn zip_each<T: Copy, const L: usize>(a: [T; L], b: [T; L]) -> ([T; L], [T; L]) {
    let pick = |base: usize| {
        core::array::from_fn(|k| {
            if k % 2 == 0 {
                a[base + k / 2]
            } else {
                b[base + k / 2]
            }
        })
    };
    (pick(0), pick(L / 2))
}

macro_rules! arith {
    ($t:ty, $add:ident, $sub:ident, $mul:ident, $div:ident, $sqrt:ident, $zip:ident,
        $pick:ident) => {
        impl Arith for $t {
            #[inline(always)]
            fn add<const L: usize>(a: [$t; L], b: [$t; L]) -> [$t; L] {
                arch::$add(a, b).unwrap_or_else(|| each(a, b, |x, y| x + y))
            }
            #[inline(always)]
            fn sub<const L: usize>(a: [$t; L], b: [$t; L]) -> [$t; L] {
                arch::$sub(a, b).unwrap_or_else(|| each(a, b, |x, y| x - y))
            }
            #[inline(always)]
            fn mul<const L: usize>(a: [$t; L], b: [$t; L]) -> [$t; L] {
                arch::$mul(a, b).unwrap_or_else(|| each(a, b, |x, y| x * y))
            }
            #[inline(always)]
            fn div<const L: usize>(a: [$t; L], b: [$t; L]) -> [$t; L] {
                arch::$div(a, b).unwrap_or_else(|| each(a, b, |x, y| x / y))
            }
            #[inline(always)]
            fn sqrt<const L: usize>(a: [$t; L]) -> Option<[$t; L]> {
                arch::$sqrt(a)
            }
            #[inline(always)]
            fn zip<const L: usize>(a: [$t; L], b: [$t; L]) -> ([$t; L], [$t; L]) {
                arch::$zip(a, b).unwrap_or_else(|| zip_each(a, b))
            }
            #[inline(always)]
            fn pick<const L: usize>(a: [$t; L], b: [$t; L], idx: &[usize; L]) -> Option<[$t; L]> {
                $pick(a, b, idx)
            }
        }
    };
}

arith!(
    f32, add_f32, sub_f32, mul_f32, div_f32, sqrt_f32, zip_f32, pick_f32
);
arith!(
    f64, add_f64, sub_f64, mul_f64, div_f64, sqrt_f64, zip_f64, pick_f64
);
