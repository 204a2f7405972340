//! The one place where primitive (`f32`/`f64`) math is dispatched.
//!
//! Feature `std` uses the standard library's functions; otherwise feature `libm`
//! uses the `libm` crate. When both are on, `std` wins, so turning on `libm` in a
//! dependency never silently changes the results of a `std` build. Everything else in
//! the crate calls `math::f64::sin(x)` and friends, never a float method directly.
//!
//! Feature `fast-f32` replaces the `f32` functions marked `fast` below by the pure-`f32`
//! [`kernels`](crate::kernels), whatever the back end; `f64` is unchanged. The kernels
//! themselves fall back on the back end only through [`f32_backend`].

#[cfg(not(any(feature = "std", feature = "libm")))]
compile_error!("ad-core needs a math back end: enable feature `std` (default) or `libm` (no_std)");

/// Integer power by binary exponentiation, the same algorithm as compiler-rt's
/// `__powidf2` (which `std`'s `powi` lowers to), so that `std` and `libm` builds agree
/// bit for bit. A negative exponent takes the reciprocal of the positive power.
macro_rules! powi_impl {
    ($t:ty) => {
        /// `x` raised to the integer power `n`.
        #[inline]
        pub(crate) fn powi(x: $t, n: i32) -> $t {
            let mut base = x;
            let mut e = n.unsigned_abs();
            let mut r: $t = 1.0;
            loop {
                if e & 1 == 1 {
                    r *= base;
                }
                e >>= 1;
                if e == 0 {
                    break;
                }
                base *= base;
            }
            if n < 0 { 1.0 / r } else { r }
        }
    };
}

macro_rules! dispatch {
    ($t:ident, $( $name:ident ( $($arg:ident),* ) => $std:ident | $libm:ident
        $(| fast $fast:ident)? ;)*) => {
        $(
            #[doc = concat!("`", stringify!($name), "` on `", stringify!($t), "`.")]
            #[inline(always)]
            pub(crate) fn $name($($arg: $t),*) -> $t {
                dispatch!(@body [$($fast)?] $std | $libm; $($arg),*)
            }
        )*
    };
    // A kernel exists: it replaces the back end under `fast-f32`.
    (@body [$fast:ident] $std:ident | $libm:ident; $($arg:ident),*) => {{
        #[cfg(feature = "fast-f32")]
        {
            crate::kernels::$fast($($arg),*)
        }
        #[cfg(not(feature = "fast-f32"))]
        {
            dispatch!(@body [] $std | $libm; $($arg),*)
        }
    }};
    (@body [] $std:ident | $libm:ident; $($arg:ident),*) => {{
        #[cfg(feature = "std")]
        {
            dispatch!(@std $std; $($arg),*)
        }
        #[cfg(all(not(feature = "std"), feature = "libm"))]
        {
            libm::$libm($($arg),*)
        }
    }};
    (@std $std:ident; $first:ident $(, $rest:ident)*) => { $first.$std($($rest),*) };
}

/// The back end's own `f32` functions, never the kernels: what the kernels fall back on.
/// (On ARM hard-float targets the kernels' square root is the FPU's, and this is unused.)
#[cfg_attr(all(target_arch = "arm", target_abi = "eabihf"), allow(dead_code))]
pub(crate) mod f32_backend {
    dispatch! { f32,
        sqrt(x) => sqrt | sqrtf;
    }
}

#[cfg(all(not(feature = "std"), feature = "libm"))]
macro_rules! libm_inverse_hyperbolic {
    (f64, acosh) => {
        libm::acosh
    };
    (f64, atanh) => {
        libm::atanh
    };
    (f32, acosh) => {
        libm::acoshf
    };
    (f32, atanh) => {
        libm::atanhf
    };
}

macro_rules! float_module {
    ($t:ident) => {
        pub(crate) mod $t {
            primitives!($t);
            powi_impl!($t);

            /// Sign of `x` as Rust's `signum`: ±1 by the sign bit, NaN for NaN.
            #[inline(always)]
            pub(crate) fn signum(x: $t) -> $t {
                if x.is_nan() { x } else { copysign(1.0, x) }
            }

            /// Fractional part, `x - trunc(x)`, as Rust's `fract`.
            #[inline(always)]
            pub(crate) fn fract(x: $t) -> $t {
                x - trunc(x)
            }

            /// Inverse hyperbolic cosine. With `std`, computed here: the standard
            /// library's `ln(x + √(x²-1))` loses up to hundreds of ulp near 1.
            #[inline(always)]
            pub(crate) fn acosh(x: $t) -> $t {
                #[cfg(feature = "std")]
                {
                    let t = x - 1.0;
                    if x.is_nan() || x < 1.0 {
                        <$t>::NAN
                    } else if x < 2.0 {
                        // x - 1 is exact here; ln(1 + t + √(2t + t²)).
                        ln_1p(t + sqrt(2.0 * t + t * t))
                    } else if x < 1.0 / <$t>::EPSILON {
                        ln(2.0 * x - 1.0 / (x + sqrt(x * x - 1.0)))
                    } else {
                        ln(x) + core::$t::consts::LN_2
                    }
                }
                #[cfg(all(not(feature = "std"), feature = "libm"))]
                {
                    libm_inverse_hyperbolic!($t, acosh)(x)
                }
            }

            /// Inverse hyperbolic tangent. With `std`, computed here: the standard
            /// library's formula is several percent off near -1 in `f32`.
            #[inline(always)]
            pub(crate) fn atanh(x: $t) -> $t {
                #[cfg(feature = "std")]
                {
                    let a = abs(x);
                    let r = if a < 0.5 {
                        0.5 * ln_1p(2.0 * a + 2.0 * a * a / (1.0 - a))
                    } else {
                        0.5 * ln_1p(2.0 * a / (1.0 - a))
                    };
                    copysign(r, x)
                }
                #[cfg(all(not(feature = "std"), feature = "libm"))]
                {
                    libm_inverse_hyperbolic!($t, atanh)(x)
                }
            }

            /// Inverse hyperbolic sine. With `std`, huge arguments are computed here:
            /// the standard library's formula overflows above half the largest finite
            /// value (`asinh(f32::MAX)` is `inf` instead of 89.4).
            #[inline(always)]
            pub(crate) fn asinh(x: $t) -> $t {
                #[cfg(feature = "std")]
                {
                    let a = abs(x);
                    if a > 1.0 / <$t>::EPSILON && a.is_finite() {
                        // asinh(a) = ln(2a) + 1/(4a²) - ...: the tail is below an ulp.
                        return copysign(ln(a) + core::$t::consts::LN_2, x);
                    }
                }
                asinh_lib(x)
            }

            /// `ln(x) / ln(base)`, as Rust's `log`.
            #[inline(always)]
            pub(crate) fn log(x: $t, base: $t) -> $t {
                ln(x) / ln(base)
            }
        }
    };
}

macro_rules! primitives {
    (f64) => {
        dispatch! { f64,
            sqrt(x) => sqrt | sqrt;
            cbrt(x) => cbrt | cbrt;
            exp(x) => exp | exp;
            exp2(x) => exp2 | exp2;
            exp_m1(x) => exp_m1 | expm1;
            ln(x) => ln | log;
            log2(x) => log2 | log2;
            log10(x) => log10 | log10;
            ln_1p(x) => ln_1p | log1p;
            sin(x) => sin | sin;
            cos(x) => cos | cos;
            tan(x) => tan | tan;
            asin(x) => asin | asin;
            acos(x) => acos | acos;
            atan(x) => atan | atan;
            sinh(x) => sinh | sinh;
            cosh(x) => cosh | cosh;
            tanh(x) => tanh | tanh;
            asinh_lib(x) => asinh | asinh;
            abs(x) => abs | fabs;
            floor(x) => floor | floor;
            ceil(x) => ceil | ceil;
            round(x) => round | round;
            trunc(x) => trunc | trunc;
            powf(x, y) => powf | pow;
            atan2(y, x) => atan2 | atan2;
            hypot(x, y) => hypot | hypot;
            min(x, y) => min | fmin;
            max(x, y) => max | fmax;
            copysign(x, y) => copysign | copysign;
        }
    };
    (f32) => {
        dispatch! { f32,
            sqrt(x) => sqrt | sqrtf | fast sqrt;
            cbrt(x) => cbrt | cbrtf;
            exp(x) => exp | expf | fast exp;
            exp2(x) => exp2 | exp2f;
            exp_m1(x) => exp_m1 | expm1f;
            ln(x) => ln | logf | fast ln;
            log2(x) => log2 | log2f | fast log2;
            log10(x) => log10 | log10f | fast log10;
            ln_1p(x) => ln_1p | log1pf;
            sin(x) => sin | sinf | fast sin;
            cos(x) => cos | cosf | fast cos;
            tan(x) => tan | tanf | fast tan;
            asin(x) => asin | asinf;
            acos(x) => acos | acosf;
            atan(x) => atan | atanf | fast atan;
            sinh(x) => sinh | sinhf;
            cosh(x) => cosh | coshf;
            tanh(x) => tanh | tanhf | fast tanh;
            asinh_lib(x) => asinh | asinhf;
            abs(x) => abs | fabsf;
            floor(x) => floor | floorf;
            ceil(x) => ceil | ceilf;
            round(x) => round | roundf;
            trunc(x) => trunc | truncf;
            powf(x, y) => powf | powf | fast powf;
            atan2(y, x) => atan2 | atan2f;
            hypot(x, y) => hypot | hypotf;
            min(x, y) => min | fminf;
            max(x, y) => max | fmaxf;
            copysign(x, y) => copysign | copysignf;
        }
    };
}

float_module!(f64);
float_module!(f32);
