#!/usr/bin/env bash
# Miri: the ad-core test suites under the interpreter, on the host and on a 32-bit
# target (i686-unknown-linux-gnu: 32-bit usize, so capacity/index arithmetic is checked
# at the other pointer width). Run from anywhere: `bash scripts/miri.sh`.
#
# On a fresh machine it installs what it needs: a minimal nightly toolchain with the
# `miri` and `rust-src` components, and Miri's sysroot for both targets.
#
# Time budget: the heavy tests shrink their sample counts under `cfg!(miri)` (see the
# test files), so both targets together fit in the ~12 minutes CI allows on a 2-core
# machine. Doctests: see DOCTESTS below.
#
# Environment:
#   MIRI_TARGETS   targets to run (default: host and i686-unknown-linux-gnu);
#                  `host` means the machine's own target.
#   MIRIFLAGS      extra Miri flags (default below).
set -euo pipefail
cd "$(dirname "$0")/.."

TOOLCHAIN=${MIRI_TOOLCHAIN:-nightly}
TARGETS=${MIRI_TARGETS:-"host i686-unknown-linux-gnu"}

step() { printf '\n==> %s\n' "$*"; }

step "toolchain ($TOOLCHAIN with miri, rust-src)"
if rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1; then
    rustup component add --toolchain "$TOOLCHAIN" miri rust-src
else
    rustup toolchain install "$TOOLCHAIN" --profile minimal --component miri,rust-src
fi
cargo "+$TOOLCHAIN" miri --version

# -Zmiri-deterministic-floats: by default Miri adds a random error of a few ulp to
# every transcendental float operation (`sin`, `exp`, `powf`, ...) to model platform
# differences, so two calls of `x.sin()` can disagree in the last bit. ad-core's tests
# pin that an AD value is *the primitive's* value, bit for bit (the special-point
# policy), which that noise breaks without any undefined behaviour being involved.
# Isolation stays on: no test reads files at run time (the reference tables are
# `include_str!`ed) and proptest draws its seeds from Miri's deterministic RNG.
export MIRIFLAGS=${MIRIFLAGS:-"-Zmiri-deterministic-floats"}

# DOCTESTS: `cargo miri test` also runs the doctests, each as its own compiled and
# interpreted binary. They are small examples (no loops over samples); they run on the
# host only, because on i686 they re-check the same straight-line code at a cost of
# several minutes for no extra coverage (the unit and integration tests run there).
for target in $TARGETS; do
    if [ "$target" = host ]; then
        step "miri setup (host)"
        cargo "+$TOOLCHAIN" miri setup
        step "miri test -p ad-core (host, lib + tests + doctests)"
        t0=$(date +%s)
        cargo "+$TOOLCHAIN" miri test -p ad-core
        echo "  host: $(($(date +%s) - t0)) s"
    else
        step "miri setup ($target)"
        cargo "+$TOOLCHAIN" miri setup --target "$target"
        step "miri test -p ad-core --target $target (lib + tests, no doctests)"
        t0=$(date +%s)
        cargo "+$TOOLCHAIN" miri test -p ad-core --target "$target" --lib --tests
        echo "  $target: $(($(date +%s) - t0)) s"
    fi
done
