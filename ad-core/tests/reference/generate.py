#!/usr/bin/env python3
"""Independent high-precision reference values for the `ad` crate's tests.

Writes ``unary.csv`` and ``binary.csv`` next to this file (and their samples for
Miri, ``unary_miri.csv`` and ``binary_miri.csv``).  Every value comes
from mpmath alone (no code of the Rust workspace is used): the function value
and its first and second derivatives (analytic formulas evaluated with
``mp.dps = 50``), each rounded once, to nearest, to an f64.

Run from any directory:

    python3 ad-core/tests/reference/generate.py

The output is deterministic (same bytes on every run).  Before writing, the
script checks itself:

* every analytic derivative formula agrees with ``mpmath.diff`` at a few
  interior points (a typo in a formula fails the script);
* every infinite value written at an edge point has the sign of the analytic
  formula evaluated just inside the domain;
* the whole table, recomputed with ``mp.dps = 80``, rounds to the same f64s;
* every input is exactly representable in f32, or one of the f64-only edge
  points listed in F64_ONLY.

Requires mpmath 1.3.0 (see requirements.txt).
"""

import math
import os
import struct
import sys

import mpmath
from mpmath import mp, mpf

MPMATH_VERSION = "1.3.0"
DPS = 50
CHECK_DPS = 80

HERE = os.path.dirname(os.path.abspath(__file__))

INF = mpmath.inf
NAN = mpmath.nan

F64_MIN_NORMAL = 2.2250738585072014e-308


# ---------------------------------------------------------------------------
# inputs


def f32(v):
    """The f32 nearest to v (as a Python float, exact)."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


def is_f32(v):
    return math.isfinite(v) and abs(v) <= 3.4028234663852886e38 and f32(v) == v


def pm(values):
    """values together with their negatives."""
    out = []
    for v in values:
        out.append(v)
        out.append(-v)
    return out


TINY = 2.0 ** -20
E3 = f32(1e-3)            # 0.0010000000474974513
P1 = f32(0.1)             # 0.10000000149011612
THIRD = f32(1.0 / 3.0)    # 0.3333333432674408
E4 = f32(1e4)             # 10000.0 (exact)
E6 = f32(1e6)             # 1000000.0 (exact)
E10 = f32(1e10)           # 10000000000.0 (exact in f32)
E30 = f32(1e30)           # 1.0000000150474662e+30
PI_F = f32(math.pi)       # 3.1415927410125732
HALF_PI_F = f32(math.pi / 2)  # 1.5707963705062866
E_F = f32(math.e)         # 2.7182817459106445
BELOW_ONE = 1.0 - 2.0 ** -24   # largest f32 below 1
BELOW_HALF = 0.5 - 2.0 ** -25  # largest f32 below 0.5

# a general positive grid: tiny, dyadic k/8 and k/64, f32-rounded decimals
SMALL = [TINY, E3, 1.0 / 64, P1, 0.125, 0.25, THIRD, 0.5, 0.75, 0.875, 1.0,
         1.25, 1.5, 1.75, 2.0, 2.5, E_F, 3.0, 3.5, 5.0, 7.25, 10.0]
MODERATE = [15.5, 20.0, 31.25, 50.0, 100.0]
LARGE = [E4, E6]

# powf / atan2 / hypot / log / arithmetic grids are defined in BINARY below.


# ---------------------------------------------------------------------------
# unary functions: name -> (value, d1, d2) as functions of an mpf


def mono(c, x, e):
    """c * x**e, with an exact 0 when c == 0 (so 0 * 0**-1 is 0, not nan)."""
    if c == 0:
        return mpf(0)
    return c * x ** e


def sgn(x):
    return mpf(mpmath.sign(x))


def real_cbrt(x):
    return sgn(x) * mp.cbrt(abs(x))


def trunc(x):
    return mp.floor(x) if x >= 0 else mp.ceil(x)


def round_half_away(x):
    # Rust's f64::round: half-way cases away from zero (exact halves are
    # excluded from the grid anyway)
    return sgn(x) * mp.floor(abs(x) + mpf(1) / 2)


def ln2():
    return mp.log(2)


def ln10():
    return mp.log(10)


def zero(x):
    return mpf(0)


def one(x):
    return mpf(1)


UNARY_FUNCS = {
    "recip": (lambda x: 1 / x, lambda x: -1 / x ** 2, lambda x: 2 / x ** 3),
    "sqrt": (mp.sqrt,
             lambda x: 1 / (2 * mp.sqrt(x)),
             lambda x: -1 / (4 * x * mp.sqrt(x))),
    "cbrt": (real_cbrt,
             lambda x: 1 / (3 * real_cbrt(x) ** 2),
             lambda x: -2 / (9 * real_cbrt(x) ** 5)),
    "exp": (mp.exp, mp.exp, mp.exp),
    "exp2": (lambda x: mp.power(2, x),
             lambda x: ln2() * mp.power(2, x),
             lambda x: ln2() ** 2 * mp.power(2, x)),
    "exp_m1": (mp.expm1, mp.exp, mp.exp),
    "ln": (mp.log, lambda x: 1 / x, lambda x: -1 / x ** 2),
    "log2": (lambda x: mp.log(x) / ln2(),
             lambda x: 1 / (x * ln2()),
             lambda x: -1 / (x ** 2 * ln2())),
    "log10": (lambda x: mp.log(x) / ln10(),
              lambda x: 1 / (x * ln10()),
              lambda x: -1 / (x ** 2 * ln10())),
    "ln_1p": (mp.log1p, lambda x: 1 / (1 + x), lambda x: -1 / (1 + x) ** 2),
    "sin": (mp.sin, mp.cos, lambda x: -mp.sin(x)),
    "cos": (mp.cos, lambda x: -mp.sin(x), lambda x: -mp.cos(x)),
    "tan": (mp.tan,
            lambda x: 1 + mp.tan(x) ** 2,
            lambda x: 2 * mp.tan(x) * (1 + mp.tan(x) ** 2)),
    "asin": (mp.asin,
             lambda x: 1 / mp.sqrt(1 - x ** 2),
             lambda x: x / (1 - x ** 2) ** mpf(1.5)),
    "acos": (mp.acos,
             lambda x: -1 / mp.sqrt(1 - x ** 2),
             lambda x: -x / (1 - x ** 2) ** mpf(1.5)),
    "atan": (mp.atan,
             lambda x: 1 / (1 + x ** 2),
             lambda x: -2 * x / (1 + x ** 2) ** 2),
    "sinh": (mp.sinh, mp.cosh, mp.sinh),
    "cosh": (mp.cosh, mp.sinh, mp.cosh),
    # sech^2 directly (1 - tanh^2 cancels catastrophically at large |x|)
    "tanh": (mp.tanh,
             lambda x: mp.sech(x) ** 2,
             lambda x: -2 * mp.tanh(x) * mp.sech(x) ** 2),
    "asinh": (mp.asinh,
              lambda x: 1 / mp.sqrt(1 + x ** 2),
              lambda x: -x / (1 + x ** 2) ** mpf(1.5)),
    "acosh": (mp.acosh,
              lambda x: 1 / mp.sqrt(x ** 2 - 1),
              lambda x: -x / (x ** 2 - 1) ** mpf(1.5)),
    "atanh": (mp.atanh,
              lambda x: 1 / (1 - x ** 2),
              lambda x: 2 * x / (1 - x ** 2) ** 2),
    "abs": (abs, sgn, zero),
    "signum": (sgn, zero, zero),
    "floor": (mp.floor, zero, zero),
    "ceil": (mp.ceil, zero, zero),
    "round": (round_half_away, zero, zero),
    "trunc": (trunc, zero, zero),
    "fract": (lambda x: x - trunc(x), one, zero),
    "neg": (lambda x: -x, lambda x: mpf(-1), zero),
}

POWI_KS = [-3, -1, 0, 1, 2, 3, 7]


def _powi(k):
    return (lambda x: mono(1, x, k),
            lambda x: mono(k, x, k - 1),
            lambda x: mono(k * (k - 1), x, k - 2))


for _k in POWI_KS:
    UNARY_FUNCS["powi_%d" % _k] = _powi(_k)

UNARY_ORDER = [
    "recip", "sqrt", "cbrt", "exp", "exp2", "exp_m1", "ln", "log2", "log10",
    "ln_1p", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
    "tanh", "asinh", "acosh", "atanh", "abs", "signum", "floor", "ceil",
    "round", "trunc", "fract", "neg",
] + ["powi_%d" % k for k in POWI_KS]

assert sorted(UNARY_ORDER) == sorted(UNARY_FUNCS)

# Edge points: the value/derivatives written there (limits from inside the
# domain; nan where the two one-sided limits differ).  A finite mpf entry
# `None` means "evaluate the formula".
UNARY_EDGES = {
    "sqrt": {0.0: (None, INF, -INF)},
    "cbrt": {0.0: (None, INF, NAN)},
    "ln": {0.0: (-INF, INF, -INF)},
    "log2": {0.0: (-INF, INF, -INF)},
    "log10": {0.0: (-INF, INF, -INF)},
    "ln_1p": {-1.0: (-INF, INF, -INF)},
    "asin": {1.0: (None, INF, INF), -1.0: (None, INF, -INF)},
    "acos": {1.0: (None, -INF, -INF), -1.0: (None, -INF, INF)},
    "atanh": {1.0: (INF, INF, INF), -1.0: (-INF, INF, -INF)},
    "acosh": {1.0: (None, INF, -INF)},
}

# Side from which each edge is approached (+1: from above, -1: from below,
# 0: both sides; used by the self-test only).
EDGE_SIDE = {
    ("sqrt", 0.0): +1, ("cbrt", 0.0): 0,
    ("ln", 0.0): +1, ("log2", 0.0): +1, ("log10", 0.0): +1,
    ("ln_1p", -1.0): +1,
    ("asin", 1.0): -1, ("asin", -1.0): +1,
    ("acos", 1.0): -1, ("acos", -1.0): +1,
    ("atanh", 1.0): -1, ("atanh", -1.0): +1,
    ("acosh", 1.0): +1,
}

# non-integers, including ones just off an integer / a half
NON_INTEGERS = [TINY, E3, P1, 0.25, BELOW_HALF, 0.5, 0.5 + 2.0 ** -24, 0.75,
                BELOW_ONE, 1.25, 1.5, 2.5, 2.4375, 2.5625, 3.75, 7.125, 10.5,
                f32(99.9), 10000.5, 123456.75]

UNIT = [0.0, TINY, E3, 1.0 / 64, P1, 0.125, 0.25, THIRD, 0.5, 0.75, 0.875,
        0.9375, f32(0.99), BELOW_ONE]


# ---------------------------------------------------------------------------
# edge points: domain boundaries and their neighbourhoods, overflow and
# underflow limits, tiny and huge arguments (added to every function's grid)
#
# Most are exact in f32, so the same point is tested in both precisions; the
# f32-specific ones sit at the f32 limits (subnormal inputs 2^-149, 2^-140,
# the smallest normal 2^-126, exp's f32 overflow argument ...).  A few points
# only exist in f64 (f64 subnormals, 1 +- 2^-52, the f64 nearest pi/2): they
# are listed in F64_ONLY, and the f32 tests skip their rows.

F32_MAX = f32(3.4028234663852886e38)    # largest finite f32
F32_MIN_NORMAL = 2.0 ** -126
F32_MIN_SUB = 2.0 ** -149
F64_MIN_SUB = 2.0 ** -1074
F64_HALF_PI = 1.5707963267948966        # the f64 nearest pi/2 (not f32)

# f64-only inputs (not exact in f32)
F64_ONLY = set([
    F64_MIN_SUB, -F64_MIN_SUB, 2.0 ** -1060, F64_MIN_NORMAL, -F64_MIN_NORMAL,
    2.0 ** -600, -(2.0 ** -600),
    1.0 + 2.0 ** -52, 1.0 - 2.0 ** -53, -(1.0 - 2.0 ** -53), 1.0 + 2.0 ** -40,
    1.0 - 2.0 ** -40, -(1.0 - 2.0 ** -40),
    -1.0 + 2.0 ** -53, F64_HALF_PI, -F64_HALF_PI,
])

T60 = 2.0 ** -60                        # tiny: x^2 is below f64 epsilon
EXP_F32_MAX = f32(88.72283935546875)    # largest f32 x with expf(x) finite
EXP_F32_MIN = f32(-87.33650207519531)   # expf(x) just above the f32 min normal
EXP_F64_MAX = f32(709.78)               # 709.780029296875 < ln(f64::MAX)
EXP_F64_MIN = f32(-708.39)              # exp just above the f64 min normal
SINH_F32_MAX = f32(89.4)                # sinhf, coshf still finite
SINH_F64_MAX = f32(710.4)               # sinh, cosh still finite (710.475...)
NEAR_ONE = [BELOW_ONE, 1.0 - 2.0 ** -20, 1.0 + 2.0 ** -23, 1.0 + 2.0 ** -20,
            1.0 - 2.0 ** -53, 1.0 + 2.0 ** -52]

UNARY_EDGE_POINTS = {
    "recip": pm([F32_MIN_NORMAL, T60, 2.0 ** 60, E30]),
    "sqrt": [F64_MIN_SUB, 2.0 ** -1060, F64_MIN_NORMAL, F32_MIN_SUB,
             2.0 ** -140, F32_MIN_NORMAL, T60, F32_MAX],
    "cbrt": pm([F64_MIN_SUB, F64_MIN_NORMAL, F32_MIN_SUB, 2.0 ** -140,
                F32_MIN_NORMAL, T60, F32_MAX]),
    "exp": [T60, -T60, F32_MIN_SUB, EXP_F32_MAX, EXP_F32_MIN, -103.0,
            EXP_F64_MAX, 700.0, EXP_F64_MIN, -700.0],
    "exp2": [T60, -T60, F32_MIN_SUB, 127.5, f32(127.99999), -126.0,
             -125.5, -140.0, 1023.5, f32(1023.9999), -1020.0, -1000.0],
    "exp_m1": [T60, -T60, F32_MIN_SUB, -F32_MIN_SUB, 2.0 ** -30,
               -(2.0 ** -30), EXP_F32_MAX, -87.0, -103.0, EXP_F64_MAX,
               EXP_F64_MIN, -700.0],
    "ln": [F64_MIN_SUB, F64_MIN_NORMAL, F32_MIN_SUB, F32_MIN_NORMAL, T60]
    + NEAR_ONE + [F32_MAX],
    "ln_1p": [-1.0 + 2.0 ** -53, -1.0 + 2.0 ** -20, T60, -T60,
              F32_MIN_SUB, -F32_MIN_SUB, 2.0 ** -600, -(2.0 ** -600),
              2.0 ** -30, -(2.0 ** -30), F32_MAX],
    "sin": pm([T60, F32_MIN_SUB, HALF_PI_F, 1e10, E30, F32_MAX]),
    "cos": pm([T60, F32_MIN_SUB, f32(3 * math.pi / 2), 1e10, E30, F32_MAX]),
    # the f32 and the f64 nearest odd multiples of pi/2: |tan| up to 1.6e16
    "tan": pm([T60, F32_MIN_SUB, HALF_PI_F, f32(3 * math.pi / 2),
               f32(101 * math.pi / 2), F64_HALF_PI]),
    "asin": pm([T60, F32_MIN_SUB, 1.0 - 2.0 ** -20, 1.0 - 2.0 ** -40,
                1.0 - 2.0 ** -53]),
    "atan": pm([T60, F32_MIN_SUB, 2.0 ** 60, 2.0 ** 100, E30, F32_MAX]),
    "sinh": pm([T60, F32_MIN_SUB, 2.0 ** -30, SINH_F32_MAX, 300.0,
                SINH_F64_MAX]),
    "tanh": pm([T60, F32_MIN_SUB, 2.0 ** -30, 300.0, 354.0]),
    "asinh": pm([T60, F32_MIN_SUB, 2.0 ** 60, 2.0 ** 100, F32_MAX]),
    "acosh": [1.0 + 2.0 ** -52, 1.0 + 2.0 ** -40, 1.0 + 2.0 ** -20,
              2.0 ** 60, F32_MAX],
    # large non-integers (the f32 spacing is 0.5 / 0.25 there) and a tiny one
    "floor": pm([8388607.5, 4194303.75, 0.5 ** 20 * 3]),
    "round": pm([4194303.75, 0.5 ** 20 * 3]),
    "neg": pm([F32_MIN_SUB, F32_MAX]),
    "abs": pm([F32_MIN_SUB, F32_MAX]),
}
for _n in ("log2", "log10"):
    UNARY_EDGE_POINTS[_n] = UNARY_EDGE_POINTS["ln"]
UNARY_EDGE_POINTS["acos"] = UNARY_EDGE_POINTS["asin"]
UNARY_EDGE_POINTS["atanh"] = UNARY_EDGE_POINTS["asin"]
UNARY_EDGE_POINTS["cosh"] = UNARY_EDGE_POINTS["sinh"]
for _n in ("ceil", "trunc", "fract", "signum"):
    UNARY_EDGE_POINTS[_n] = UNARY_EDGE_POINTS["floor"]
for _k in POWI_KS:
    # near 0 (k < 0: huge results) and large |x|
    UNARY_EDGE_POINTS["powi_%d" % _k] = pm([T60, 2.0 ** -30, 2.0 ** 30])


def is_input(v):
    """Exact in f32, or one of the listed f64-only points."""
    return is_f32(v) or v in F64_ONLY


def unary_grid(name):
    if name == "recip":
        g = pm(SMALL + [20.0, 100.0] + LARGE)
    elif name == "sqrt":
        g = [0.0, 2.0 ** -100] + SMALL + MODERATE + LARGE + [E10, E30]
    elif name == "cbrt":
        g = [0.0] + pm([2.0 ** -60, TINY, E3, 0.125, THIRD, 0.5, 1.0, 2.0,
                        E_F, 8.0, 10.0, 27.0, 100.0] + LARGE + [E30])
    elif name in ("exp", "exp_m1"):
        g = [0.0] + pm(SMALL + [15.5, 20.0, 31.25, 50.0, 80.0])
    elif name == "exp2":
        g = [0.0] + pm(SMALL + [15.5, 20.0, 31.25, 64.5, 100.0])
    elif name in ("ln", "log2", "log10"):
        g = [0.0, 2.0 ** -100] + SMALL + [4.0, 8.0, 1000.0] + MODERATE \
            + LARGE + [E10, E30]
    elif name == "ln_1p":
        g = [-1.0, -BELOW_ONE, f32(-0.99), -0.875, -0.75, -0.5, -0.25,
             -P1, -1.0 / 64, -E3, -TINY, 0.0] + SMALL + MODERATE + LARGE \
            + [E10, E30]
    elif name == "sin":
        g = [0.0] + pm(SMALL + [PI_F, 15.5, 20.0, 31.25, 50.0, 100.0])
    elif name == "cos":
        g = [0.0] + pm(SMALL + [HALF_PI_F, PI_F, 15.5, 20.0, 31.25, 50.0,
                                100.0])
    elif name == "tan":
        g = [0.0] + pm(SMALL + [PI_F, 15.5, 20.0, 31.25, 50.0, 100.0])
        # keep away from the poles: |cos x| >= 0.05 (|tan x| <~ 20)
        g = [x for x in g if abs(math.cos(x)) >= 0.05]
    elif name in ("asin", "acos", "atanh"):
        g = [-1.0] + pm(UNIT[1:]) + [0.0, 1.0]
    elif name == "atan":
        g = [0.0] + pm(SMALL + [20.0, 100.0] + LARGE + [E10])
    elif name in ("sinh", "cosh", "tanh"):
        g = [0.0] + pm(SMALL + [15.5, 20.0, 31.25, 50.0, 80.0])
    elif name == "asinh":
        g = [0.0] + pm(SMALL + [20.0, 100.0] + LARGE + [E10, E30])
    elif name == "acosh":
        g = [1.0, 1.0 + 2.0 ** -23, 1.0 + TINY, f32(1.001), 1.0625, 1.125,
             1.25, 1.5, 1.75, 2.0, 2.5, E_F, 3.0, 5.0, 7.25, 10.0] \
            + MODERATE + LARGE + [E10, E30]
    elif name in ("abs", "signum", "neg"):
        g = pm(SMALL + [100.0] + LARGE)
        if name == "neg":
            g = [0.0] + g
    elif name in ("floor", "ceil", "trunc", "fract"):
        g = pm(NON_INTEGERS)
    elif name == "round":
        g = pm([x for x in NON_INTEGERS if (x - 0.5) != math.floor(x)])
    elif name.startswith("powi_"):
        k = int(name[5:])
        g = pm(SMALL + [20.0, 100.0, E4])
        if k >= 0:
            g = [0.0] + g
    else:
        raise KeyError(name)
    g = sorted(set(g + UNARY_EDGE_POINTS.get(name, [])))
    for x in g:
        assert is_input(x), (name, x)
    return g


# ---------------------------------------------------------------------------
# binary functions: name -> list of 6 functions (value, dx, dy, dxx, dxy, dyy)


def _powf_pos():
    ln = mp.log
    return [
        lambda x, y: mp.power(x, y),
        lambda x, y: y * mp.power(x, y - 1),
        lambda x, y: mp.power(x, y) * ln(x),
        lambda x, y: y * (y - 1) * mp.power(x, y - 2),
        lambda x, y: mp.power(x, y - 1) * (1 + y * ln(x)),
        lambda x, y: mp.power(x, y) * ln(x) ** 2,
    ]


def _powf_neg():
    # x < 0, integer y: only the x-derivatives exist
    def ip(c, x, e):
        return mono(c, x, int(e))
    return [
        lambda x, y: ip(1, x, y),
        lambda x, y: ip(y, x, y - 1),
        lambda x, y: NAN,
        lambda x, y: ip(y * (y - 1), x, y - 2),
        lambda x, y: NAN,
        lambda x, y: NAN,
    ]


def _r2(a, b):
    return a * a + b * b


BINARY_FUNCS = {
    "powf": _powf_pos(),
    "powf_neg": _powf_neg(),
    # a.atan2(b) = atan2(a, b): a = x column, b = y column
    "atan2": [
        lambda a, b: mp.atan2(a, b),
        lambda a, b: b / _r2(a, b),
        lambda a, b: -a / _r2(a, b),
        lambda a, b: -2 * a * b / _r2(a, b) ** 2,
        lambda a, b: (a * a - b * b) / _r2(a, b) ** 2,
        lambda a, b: 2 * a * b / _r2(a, b) ** 2,
    ],
    "hypot": [
        lambda x, y: mp.hypot(x, y),
        lambda x, y: x / mp.hypot(x, y),
        lambda x, y: y / mp.hypot(x, y),
        lambda x, y: y * y / mp.hypot(x, y) ** 3,
        lambda x, y: -x * y / mp.hypot(x, y) ** 3,
        lambda x, y: x * x / mp.hypot(x, y) ** 3,
    ],
    # x.log(b) = ln x / ln b: x = x column, b = y column
    "log": [
        lambda x, b: mp.log(x) / mp.log(b),
        lambda x, b: 1 / (x * mp.log(b)),
        lambda x, b: -mp.log(x) / (b * mp.log(b) ** 2),
        lambda x, b: -1 / (x * x * mp.log(b)),
        lambda x, b: -1 / (x * b * mp.log(b) ** 2),
        lambda x, b: mp.log(x) * (mp.log(b) + 2) / (b * b * mp.log(b) ** 3),
    ],
    "add": [
        lambda x, y: x + y,
        lambda x, y: mpf(1), lambda x, y: mpf(1),
        lambda x, y: mpf(0), lambda x, y: mpf(0), lambda x, y: mpf(0),
    ],
    "sub": [
        lambda x, y: x - y,
        lambda x, y: mpf(1), lambda x, y: mpf(-1),
        lambda x, y: mpf(0), lambda x, y: mpf(0), lambda x, y: mpf(0),
    ],
    "mul": [
        lambda x, y: x * y,
        lambda x, y: y, lambda x, y: x,
        lambda x, y: mpf(0), lambda x, y: mpf(1), lambda x, y: mpf(0),
    ],
    "div": [
        lambda x, y: x / y,
        lambda x, y: 1 / y,
        lambda x, y: -x / y ** 2,
        lambda x, y: mpf(0),
        lambda x, y: -1 / y ** 2,
        lambda x, y: 2 * x / y ** 3,
    ],
}

BINARY_ORDER = ["powf", "atan2", "hypot", "log", "add", "sub", "mul", "div"]

ARITH_X = [-3.5, -1.0, -0.25, 0.0, 0.5, 1.0, P1, 2.0, E4]
ARITH_Y = [-2.0, -0.125, 0.0, THIRD, 1.0, 3.0, E6]


# (x, y) edge points of the binary functions (see UNARY_EDGE_POINTS)
def _quadrants(a, b):
    return [(a, b), (-a, b), (a, -b), (-a, -b)]


BINARY_EDGE_POINTS = {
    # x near 0 and near 1, large |y|; x^y stays inside the f64 range
    "powf": [(x, y) for x in [T60, F32_MIN_NORMAL] for y in [0.5, 2.0, 5.5]]
    + [(x, y) for x in [2.0 ** -20, E3] for y in [-40.0, 40.0, 50.0]]
    + [(x, y) for x in [BELOW_ONE, 1.0 + 2.0 ** -23, 1.0 - 2.0 ** -40,
                        1.0 + 2.0 ** -52]
       for y in [-(2.0 ** 24), -E6, E6, 2.0 ** 24]]
    + [(1.0 - 2.0 ** -40, 2.0 ** 40), (1.0 + 2.0 ** -52, 2.0 ** 40),
       (10.0, 300.0), (10.0, -300.0), (2.0, 1000.0), (2.0, -1020.0),
       (E30, 10.0), (E30, -8.0)],
    # near each axis in all four quadrants, and huge / tiny magnitudes
    "atan2": _quadrants(T60, 1.0) + _quadrants(1.0, T60)
    + _quadrants(F32_MIN_SUB, 1.0) + _quadrants(1.0, F32_MIN_SUB)
    + _quadrants(E30, 1.0) + _quadrants(1.0, E30)
    + [(E30, E30), (-E30, -E30), (T60, T60), (-T60, T60)]
    + [(F32_MIN_SUB, -F32_MIN_SUB)],
    "hypot": [(E30, E30), (-E30, E30), (2.0 ** 100, 2.0 ** 100),
              (F32_MAX, F32_MAX), (F32_MAX, 1.0), (E30, T60), (T60, E30),
              (F32_MIN_SUB, F32_MIN_SUB), (F32_MIN_SUB, -F32_MIN_SUB),
              (F32_MIN_NORMAL, F32_MIN_NORMAL), (T60, T60), (1.0, T60),
              (-T60, 1.0)],
    # bases near 1 (ln b near 0: every entry is large), tiny and huge x
    "log": [(x, b) for x in [0.5, 2.0, 10.0, E6]
            for b in [BELOW_ONE, 1.0 - 2.0 ** -20, 1.0 + 2.0 ** -23,
                      1.0 + 2.0 ** -20, f32(1.001), 1.0 + 2.0 ** -52]]
    + [(x, b) for x in [F32_MIN_SUB, F32_MIN_NORMAL, T60, F32_MAX]
       for b in [2.0, 10.0]],
}


def binary_grid(name):
    """List of (x, y, formula-key)."""
    pts = []
    if name == "powf":
        xs = [E3, 1.0 / 64, 0.5, 1.0, 1.5, 2.0, 3.25, 10.0]
        ys = [-3.0, -1.5, -0.5, 0.0, THIRD, 1.0, 2.0, 3.0]
        pts = [(x, y, "powf") for x in xs for y in ys]
        pts += [(x, y, "powf_neg") for x in [-3.25, -2.0, -0.5]
                for y in [-3.0, -1.0, 0.0, 1.0, 2.0, 3.0]]
    elif name == "atan2":
        as_ = [-2.0, -1.0, -0.5, 0.0, 0.25, 1.0, 3.0]
        bs = [-3.0, -1.0, -0.25, 0.0, 0.5, 1.0, 2.0, 10.0]
        pts = [(a, b, name) for a in as_ for b in bs if (a, b) != (0.0, 0.0)]
        pts += [(E4, 1.0, name), (1.0, E4, name), (E3, -1.0, name),
                (-E3, -1.0, name)]
    elif name == "hypot":
        xs = [-3.0, -1.0, -0.5, 0.0, P1, 1.0, 2.5, 4.0]
        ys = [-2.0, 0.0, 0.75, 1.0, 3.0, 12.0]
        pts = [(x, y, name) for x in xs for y in ys if (x, y) != (0.0, 0.0)]
        pts += [(E6, 1.0, name), (TINY, TINY, name), (E3, -E4, name)]
    elif name == "log":
        xs = [TINY, E3, 0.125, 0.5, 1.0, 2.0, 3.0, 7.5, 10.0, 1000.0, E6]
        bs = [0.5, 1.5, 2.0, 3.0, 10.0]
        pts = [(x, b, name) for x in xs for b in bs]
    elif name in ("add", "sub", "mul"):
        pts = [(x, y, name) for x in ARITH_X for y in ARITH_Y]
    elif name == "div":
        pts = [(x, y, name) for x in ARITH_X for y in ARITH_Y if y != 0.0]
    else:
        raise KeyError(name)
    key = "powf" if name == "powf" else name
    pts += [(x, y, key) for x, y in BINARY_EDGE_POINTS.get(name, [])]
    pts = sorted(set(pts))
    for x, y, _ in pts:
        assert is_input(x) and is_input(y), (name, x, y)
    return pts


# ---------------------------------------------------------------------------
# formatting


def fmt_in(v):
    assert is_input(v)
    if v == 0.0:
        v = 0.0  # never write -0.0
    return repr(v)


class OutOfRange(Exception):
    pass


DROPPED = []  # rows omitted because an entry under/overflows f64


def fmt_out(v):
    """Correctly rounded f64 of an mpf (or inf/-inf/nan)."""
    v = mpf(v)
    if mpmath.isnan(v):
        return "nan"
    if mpmath.isinf(v):
        return "inf" if v > 0 else "-inf"
    f = mpmath.libmp.to_float(v._mpf_, rnd=mpmath.libmp.round_nearest)
    if math.isinf(f):
        # beyond the f64 range: round-to-nearest gives the infinity
        return "inf" if f > 0 else "-inf"
    if v != 0 and not F64_MIN_NORMAL <= abs(f):
        raise OutOfRange()
    if f == 0.0:
        f = 0.0
    return repr(f)


# ---------------------------------------------------------------------------
# tables


def unary_rows():
    rows = []
    for name in UNARY_ORDER:
        fns = UNARY_FUNCS[name]
        edges = UNARY_EDGES.get(name, {})
        for x in unary_grid(name):
            X = mpf(x)
            if x in edges:
                vals = [fn(X) if e is None else e
                        for fn, e in zip(fns, edges[x])]
            else:
                vals = [fn(X) for fn in fns]
            try:
                out = [fmt_out(v) for v in vals]
            except OutOfRange:
                DROPPED.append((name, x))  # under/overflows f64: omitted
                continue
            rows.append([name, fmt_in(x)] + out)
    return rows


def binary_rows():
    rows = []
    for name in BINARY_ORDER:
        for x, y, key in binary_grid(name):
            X, Y = mpf(x), mpf(y)
            vals = [fn(X, Y) for fn in BINARY_FUNCS[key]]
            try:
                out = [fmt_out(v) for v in vals]
            except OutOfRange:
                DROPPED.append((name, x, y))
                continue
            rows.append([name, fmt_in(x), fmt_in(y)] + out)
    return rows


UNARY_HEADER = """\
# Reference values for unary functions and their first two derivatives.
# Generated by generate.py with mpmath {ver} (mp.dps = {dps}). DO NOT EDIT BY HAND:
# rerun `python3 ad-core/tests/reference/generate.py` instead.
# Columns:
#   func   function name (powi_k means x.powi(k), integer k)
#   x      input; exactly representable in f32 (Python repr of the f64), except
#          the f64-only edge points (f64 subnormals, 1 +- 2^-52, ...; README.md)
#   value  f(x)
#   d1     f'(x)
#   d2     f''(x)
# value, d1, d2 are the mpmath values rounded to the nearest f64 (repr, round
# trips); inf, -inf, nan are written literally (an entry beyond the f64 range
# is the inf that rounding gives); zero results are written 0.0
# (the sign of a zero is not encoded). At domain edges the one-sided limit from
# inside the domain is written, nan where the two one-sided limits differ
# (see README.md).
"""

BINARY_HEADER = """\
# Reference values for binary functions f(x, y), first and second partials.
# Generated by generate.py with mpmath {ver} (mp.dps = {dps}). DO NOT EDIT BY HAND:
# rerun `python3 ad-core/tests/reference/generate.py` instead.
# Columns:
#   func  function name; a row `func,x,y,...` means the Rust call x.func(y):
#           powf   x.powf(y) = x^y
#           atan2  x.atan2(y) = atan2(x, y): the x column is the numerator
#                  (y-coordinate, `self`), the y column the denominator
#                  (x-coordinate); so `atan2,a,b,...` means a.atan2(b),
#                  dx = d/da, dy = d/db
#           hypot  x.hypot(y) = sqrt(x^2 + y^2)
#           log    x.log(y) = ln(x) / ln(y): the y column is the base
#           add, sub, mul, div   x + y, x - y, x * y, x / y
#   x, y  inputs; exactly representable in f32 (Python repr of the f64), except
#         the f64-only edge points (README.md)
#   value f(x, y)
#   dx    df/dx        dy   df/dy
#   dxx   d2f/dx2      dxy  d2f/dxdy     dyy  d2f/dy2
# Outputs are the mpmath values rounded to the nearest f64 (repr, round trips);
# inf, -inf, nan are written literally; zero results are written 0.0 (the sign
# of a zero is not encoded). powf with x < 0 (integer y only): dy, dxy, dyy are
# nan (x^y ln x is undefined).
"""


def render(header, columns, rows):
    lines = [header.format(ver=MPMATH_VERSION, dps=DPS).rstrip("\n"),
             ",".join(columns)]
    lines += [",".join(r) for r in rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# self-tests


def close(a, b, rel):
    return abs(a - b) <= rel * max(1, abs(a), abs(b))


UNARY_TEST_POINTS = {
    "recip": [-1.75, 0.3, 3.0],
    "sqrt": [0.3, 2.0, 7.0], "cbrt": [-2.5, 0.3, 5.0],
    "ln": [0.3, 2.0], "log2": [0.3, 2.0], "log10": [0.3, 2.0],
    "ln_1p": [-0.5, 0.3, 4.0],
    "asin": [-0.6, 0.2, 0.9], "acos": [-0.6, 0.2, 0.9],
    "atanh": [-0.6, 0.2, 0.9], "acosh": [1.2, 3.0, 10.0],
    "floor": [-1.3, 0.7, 2.4], "ceil": [-1.3, 0.7, 2.4],
    "round": [-1.3, 0.7, 2.6], "trunc": [-1.3, 0.7, 2.4],
    "fract": [-1.3, 0.7, 2.4],
    "abs": [-1.3, 0.7], "signum": [-1.3, 0.7],
    "powi_-3": [-1.3, 0.7, 2.0], "powi_-1": [-1.3, 0.7, 2.0],
}
DEFAULT_TEST_POINTS = [-1.3, 0.2, 0.7, 2.4]


def self_test_derivatives():
    """Analytic formulas vs mpmath.diff at interior points."""
    with mp.workdps(DPS):
        for name in UNARY_ORDER:
            f, d1, d2 = UNARY_FUNCS[name]
            for x in UNARY_TEST_POINTS.get(name, DEFAULT_TEST_POINTS):
                X = mpf(x)
                for n, d in ((1, d1), (2, d2)):
                    num = mp.diff(f, X, n)
                    ana = d(X)
                    assert close(num, ana, mpf(10) ** -25), \
                        ("unary", name, x, n, num, ana)
        pts = {
            "powf": [(0.7, -1.3), (2.5, 0.4), (6.0, 2.2)],
            "powf_neg": [(-0.7, -3.0), (-2.5, 2.0), (-1.5, 3.0)],
            "atan2": [(0.7, -1.3), (-2.5, 0.4), (1.0, 2.0), (-1.0, -3.0)],
            "hypot": [(0.7, -1.3), (-2.5, 0.4), (1.0, 2.0)],
            "log": [(0.7, 1.3), (2.5, 0.4), (10.0, 3.0)],
            "add": [(0.7, -1.3)], "sub": [(0.7, -1.3)],
            "mul": [(0.7, -1.3)], "div": [(0.7, -1.3), (-2.5, 0.4)],
        }
        orders = [(1, 0), (0, 1), (2, 0), (1, 1), (0, 2)]
        for key, ps in pts.items():
            fns = BINARY_FUNCS[key]
            for x, y in ps:
                X, Y = mpf(x), mpf(y)
                for order, d in zip(orders, fns[1:]):
                    ana = d(X, Y)
                    if key == "powf_neg":
                        # only the pure x-derivatives exist (y is integer)
                        if order[1] != 0:
                            assert mpmath.isnan(ana)
                            continue
                        num = mp.diff(lambda t: fns[0](t, Y), X, order[0])
                    else:
                        num = mp.diff(fns[0], (X, Y), order)
                    assert close(num, ana, mpf(10) ** -25), \
                        ("binary", key, x, y, order, num, ana)
                if key == "powf_neg":
                    # the negative-x branch must agree with the real power
                    assert close(fns[0](X, Y), mp.power(X, Y), mpf(10) ** -40)


def self_test_edges():
    """Infinite edge entries carry the sign of the formula just inside (and
    the formula grows without bound as the edge is approached)."""
    with mp.workdps(DPS):
        far, near_eps = mpf(2) ** -40, mpf(2) ** -80
        for name, edges in UNARY_EDGES.items():
            fns = UNARY_FUNCS[name]
            for x, entries in edges.items():
                side = EDGE_SIDE[(name, x)]
                sides = [side] if side != 0 else [-1, +1]
                for fn, e in zip(fns, entries):
                    if e is None:
                        # finite edge value: the formula must exist there
                        assert mpmath.isfinite(fn(mpf(x))), (name, x)
                        continue
                    near = [fn(mpf(x) + s * near_eps) for s in sides]
                    farv = [fn(mpf(x) + s * far) for s in sides]
                    for v, w in zip(near, farv):
                        assert abs(v) > abs(w) + 10, (name, x, v, w)
                    if mpmath.isnan(e):
                        # one-sided limits differ: opposite signs
                        assert len(near) == 2 and near[0] * near[1] < 0, \
                            (name, x, near)
                    else:
                        assert mpmath.isinf(e)
                        for v in near:
                            assert (v > 0) == (e > 0), (name, x, e, v)


# Under Miri (an interpreter) the tests read a sample of the tables: every
# MIRI_STRIDE-th data row, written to <name>_miri.csv.  Reading the full files took
# longer there than the checks themselves.  reference.rs checks natively that each
# sample is exactly these rows of its table, and that it covers every function.
MIRI_STRIDE = 37


def miri_sample(fname, text):
    """Every MIRI_STRIDE-th data row of ``text`` (the table ``fname``), with the
    header line, under a comment saying what it is."""
    lines = text.splitlines()
    header = next(l for l in lines if l.startswith("func,"))
    data = [l for l in lines if l and not l.startswith("#")
            and not l.startswith("func,")]
    out = ["# Every %dth data row of %s (the first, the %dth, ...), for the tests"
           % (MIRI_STRIDE, fname, MIRI_STRIDE + 1),
           "# under Miri. Written by generate.py with %s; DO NOT EDIT BY HAND."
           % fname,
           header]
    out += data[::MIRI_STRIDE]
    return "\n".join(out) + "\n"


def write(fname, text):
    with open(os.path.join(HERE, fname), "w", encoding="ascii",
              newline="\n") as fh:
        fh.write(text)


def build():
    u = render(UNARY_HEADER, ["func", "x", "value", "d1", "d2"],
               unary_rows())
    b = render(BINARY_HEADER,
               ["func", "x", "y", "value", "dx", "dy", "dxx", "dxy", "dyy"],
               binary_rows())
    return u, b


def main():
    if mpmath.__version__ != MPMATH_VERSION:
        sys.stderr.write("warning: mpmath %s, expected %s\n"
                         % (mpmath.__version__, MPMATH_VERSION))
    self_test_derivatives()
    self_test_edges()

    with mp.workdps(CHECK_DPS):
        u_check, b_check = build()
    with mp.workdps(DPS):
        del DROPPED[:]
        u, b = build()
    assert u == u_check, "unary table changes with precision"
    assert b == b_check, "binary table changes with precision"

    for fname, text in (("unary.csv", u), ("binary.csv", b)):
        write(fname, text)
        write(fname.replace(".csv", "_miri.csv"), miri_sample(fname, text))

    for fname, text in (("unary.csv", u), ("binary.csv", b)):
        counts = {}
        for line in text.splitlines():
            if line.startswith("#") or line.startswith("func,"):
                continue
            k = line.split(",", 1)[0]
            counts[k] = counts.get(k, 0) + 1
        print("%s: %d rows" % (fname, sum(counts.values())))
        print("  " + ", ".join("%s %d" % kv for kv in counts.items()))
    print("omitted (entry outside the normal f64 range): %r" % (DROPPED,))


if __name__ == "__main__":
    mp.dps = DPS
    main()
