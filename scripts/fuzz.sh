#!/usr/bin/env bash
# Fuzzing for CI: builds the libFuzzer targets of fuzz/ (nightly, sancov
# instrumentation by hand: cargo-fuzz is not needed), replays the committed seed
# corpus, then fuzzes every target for FUZZ_SECONDS (default 60) seconds, two at a
# time. Fails on any crash; prints the executions and coverage of each target.
#
#   scripts/fuzz.sh                      # from any directory
#   FUZZ_SECONDS=600 scripts/fuzz.sh     # a longer run
#
# Needs rustup and a C++ compiler (libfuzzer-sys builds libFuzzer). The seed corpus
# is never modified: the runs fuzz a copy in a temporary directory, and crash
# artifacts are copied to fuzz/artifacts/ (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
# A fixed seed: the CI run explores the same inputs every time (up to the time limit),
# so a red run reproduces; FUZZ_SEED=0 lets libFuzzer pick one (longer local runs).
FUZZ_SEED=${FUZZ_SEED:-20261127}
TARGETS=(modes capacity special forward_modes)

if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
host=$(rustc +nightly -vV | sed -n 's/^host: //p')

start=$(date +%s)
# What `cargo fuzz build` does; `--target` keeps build scripts uninstrumented.
RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares \
-Cdebug-assertions" \
    cargo +nightly build --manifest-path fuzz/Cargo.toml --release --locked \
    --target-dir fuzz/target --target "$host" --bins
echo "fuzz build: $(($(date +%s) - start)) s"
bin=fuzz/target/$host/release

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. Replay the committed corpus: every seed must pass.
for t in "${TARGETS[@]}"; do
    "$bin/$t" -runs=0 "fuzz/corpus/$t" >"$work/$t.replay.log" 2>&1 || {
        cat "$work/$t.replay.log"
        echo "FAIL: $t crashes on its seed corpus" >&2
        exit 1
    }
    echo "replayed fuzz/corpus/$t: $(find "fuzz/corpus/$t" -type f | wc -l) inputs, ok"
done

# 2. Fuzz each target on a copy of its corpus, two targets at a time (2 cores).
run() {
    local t=$1
    mkdir -p "$work/corpus/$t" "$work/art"
    cp "fuzz/corpus/$t"/* "$work/corpus/$t/"
    "$bin/$t" -max_total_time="$SECONDS_PER_TARGET" -seed="$FUZZ_SEED" -print_final_stats=1 \
        -artifact_prefix="$work/art/$t-" "$work/corpus/$t" >"$work/$t.log" 2>&1
}
failed=0
for ((k = 0; k < ${#TARGETS[@]}; k += 2)); do
    pids=()
    for t in "${TARGETS[@]:k:2}"; do
        run "$t" &
        pids+=("$!")
    done
    for p in "${pids[@]}"; do
        wait "$p" || failed=1
    done
done

for t in "${TARGETS[@]}"; do
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
    cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$work/$t.log" | tail -1)
    if grep -q 'panicked\|ERROR: libFuzzer\|SUMMARY' "$work/$t.log"; then
        grep -m1 -A2 'panicked\|ERROR: libFuzzer' "$work/$t.log" || true
        echo "FAIL: $t crashed after ${execs:-?} executions" >&2
        failed=1
    else
        echo "$t: ${execs:-?} executions in ${SECONDS_PER_TARGET} s, ${cov:-no coverage line}"
    fi
done
if [ -n "$(ls -A "$work/art" 2>/dev/null)" ]; then
    mkdir -p fuzz/artifacts
    cp "$work/art"/* fuzz/artifacts/
    echo "crash inputs copied to fuzz/artifacts/" >&2
fi
echo "fuzz.sh total: $(($(date +%s) - start)) s"
exit "$failed"
