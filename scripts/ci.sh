#!/usr/bin/env bash
# Every check of the project, in the order a reviewer would run them. This is the test
# command of the README and what CI (.ci/run) calls after installing the toolchain
# pieces. Run it locally from anywhere: `bash scripts/ci.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

EMBEDDED_TARGETS=(thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imac-unknown-none-elf)
PYTHON=${PYTHON:-python3}

step() { printf '\n==> %s\n' "$*"; }
start=$(date +%s)

step "format"
cargo fmt --all --check

step "clippy (std, all targets, -D warnings)"
cargo clippy --workspace --all-targets -- -D warnings

step "clippy (ad-core with libm only)"
cargo clippy -p ad-core --no-default-features --features libm --all-targets -- -D warnings

step "tests (workspace, std)"
cargo test --workspace

step "tests (ad-core, libm math back end)"
# The property tests compare against plain-float evaluation through num_traits::Float,
# which dev-dependencies' feature unification points at std's math while ad-core uses
# libm; every other suite runs here.
cargo test -p ad-core --no-default-features --features libm --lib \
    --test special_points --test reference
cargo test -p ad-core --no-default-features --features libm --doc

step "fast-f32 kernels (release: 1e6 samples per function) and the suites that hold with them"
# The property and checkpoint suites compare AD values bit for bit with plain-f32 code
# run through num_traits (std/libm), which the kernels may differ from in the last bit.
cargo test --release -p ad-core --features fast-f32 \
    --test kernels --test reference --test special_points --test tape --test tape_capacity
cargo clippy -p ad-core --features fast-f32 --all-targets -- -D warnings

step "vector kernels and lanes: release samples, the host's SIMD back ends, the portable path, aarch64"
# 1e6 samples per kernel in release (the debug run above uses 1e5).
cargo test --release -p ad-core --test vmath_f32 --test vmath_f64 --test lanes
# The explicit back ends need the target features at compile time: AVX/AVX-512 here.
CARGO_TARGET_DIR=target/native RUSTFLAGS="-C target-cpu=native" \
    cargo test --release -p ad-core --test lanes --test vmap_layout --test vmath_f32 --test vmath_f64 --lib
# The portable loops, which the back ends replace on x86 and aarch64.
cargo test -p ad-core --features portable-lanes --test lanes --test vmap_layout
cargo clippy -p ad-core --features portable-lanes --all-targets -- -D warnings
# The NEON back end compiles (no aarch64 machine to run it on here).
cargo check -p ad-core --target aarch64-unknown-linux-gnu
cargo check -p ad-core --no-default-features --features libm --target aarch64-unknown-linux-gnu

step "docs (-D warnings)"
RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps --workspace

step "no_std builds of ad-core"
for t in "${EMBEDDED_TARGETS[@]}"; do
    echo "  $t"
    cargo build -p ad-core --no-default-features --features libm --target "$t" --release
    cargo build -p ad-core --no-default-features --features libm,fast-f32 --target "$t" --release
done

step "reference data is what generate.py writes"
if "$PYTHON" -c 'import mpmath' 2>/dev/null; then
    tmp=$(mktemp -d)
    csvs="unary.csv binary.csv unary_miri.csv binary_miri.csv"
    for f in $csvs; do cp "ad-core/tests/reference/$f" "$tmp/"; done
    "$PYTHON" ad-core/tests/reference/generate.py >/dev/null
    for f in $csvs; do diff -q "$tmp/$f" "ad-core/tests/reference/$f"; done
    rm -rf "$tmp"
    echo "  reference CSVs (and their Miri samples) reproduce exactly"
else
    echo "  mpmath not installed: skipped (pip install -r ad-core/tests/reference/requirements.txt)"
fi

step "examples"
cargo run --release --example quickstart
cargo run --release --example wengert
cargo run --release --example checkpointing
cargo run --release --example codegen

step "firmware: on-target tests in QEMU, no-panic link check, cost table"
if command -v qemu-system-arm >/dev/null && command -v qemu-system-riscv32 >/dev/null; then
    # Fails on a failed on-target test, the no-panic link check, or an exceeded
    # budget (stack, flash, fast-f32 instructions).
    bash scripts/firmware.sh
else
    echo "  qemu-system-arm / qemu-system-riscv32 not installed: skipped (.ci/run installs them)"
fi

step "fuzzing: seed corpora replayed, every target 60 s"
bash scripts/fuzz.sh

step "miri: every ad-core test binary on the host and on i686, the doctests on the host"
bash scripts/miri.sh

step "benchmark report (quick)"
cargo run --release -p benches --example report

echo
echo "all checks passed in $(( $(date +%s) - start )) s"
