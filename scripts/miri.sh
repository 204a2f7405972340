#!/usr/bin/env bash
# Miri: the ad-core test suites under the interpreter, on the host and on a 32-bit
# target (i686-unknown-linux-gnu: 32-bit usize, so capacity/index arithmetic is checked
# at the other pointer width). Run from anywhere: `bash scripts/miri.sh`.
#
# On a fresh machine it installs what it needs: a minimal nightly toolchain with the
# `miri` and `rust-src` components, and Miri's sysroot for each target.
#
# Every test binary runs on every target: the library's unit tests and each file of
# ad-core/tests/ (found by listing the folder, so a new file is picked up), plus the
# doctests on the host (see DOCTESTS below). Miri interprets on one thread, so the
# (target, binary) pairs run as separate jobs, MIRI_JOBS at a time (default: the CPU
# count), longest first; each job's output goes to a log that is printed in full if
# the job fails. The script ends with a table of per-job times and the total wall
# time.
#
# Time budget: the heavy tests shrink their sample counts under `cfg!(miri)` (see the
# test files: fewer points, iterations and capacities, every test still running and
# asserting values; the reference suite reads a committed every-37th-row sample of its
# tables, see ad-core/tests/reference/README.md; the test that compares those samples
# with the full tables, `miri_samples_are_every_37th_row`, is ignored here and runs
# natively). Three tests are ignored under Miri (`both!(not_under_miri: ...)`
# in tape.rs and tape_capacity.rs): `long_program`, `far_reference_boundary` and
# `far_references_are_counted` record programs past the 8191-node operand reach
# (thousands of nodes; each took over ten minutes in the interpreter). Far references
# are safe-code index arithmetic; they run natively and in the `capacity` fuzz target.
# CI runs this whole script on every push: every test binary on both targets.
#
# Environment:
#   MIRI_TARGETS   targets to run (default: host and i686-unknown-linux-gnu);
#                  `host` means the machine's own target.
#   MIRI_JOBS      Miri processes at a time (default: nproc).
#   MIRI_TESTS     test binaries to run (default: lib, every ad-core/tests/*.rs, doc);
#                  `name:filter1,filter2` runs only the tests of `name` matching one
#                  of the filters.
#   MIRIFLAGS      extra Miri flags (default below).
#   MIRI_LOG_DIR   where the per-job logs go (default: a fresh temporary folder).
set -euo pipefail
cd "$(dirname "$0")/.."
T_START=$(date +%s)

TOOLCHAIN=${MIRI_TOOLCHAIN:-nightly}
TARGETS=${MIRI_TARGETS:-"host i686-unknown-linux-gnu"}
JOBS=${MIRI_JOBS:-$(nproc 2>/dev/null || echo 2)}

step() { printf '\n==> %s\n' "$*"; }

step "toolchain ($TOOLCHAIN with miri, rust-src)"
if rustup run "$TOOLCHAIN" rustc --version >/dev/null 2>&1; then
    rustup component add --toolchain "$TOOLCHAIN" miri rust-src
else
    rustup toolchain install "$TOOLCHAIN" --profile minimal --component miri,rust-src
fi
cargo "+$TOOLCHAIN" miri --version
HOST=$(rustup run "$TOOLCHAIN" rustc -vV | sed -n 's/^host: //p')

# -Zmiri-deterministic-floats: by default Miri adds a random error of a few ulp to
# every transcendental float operation (`sin`, `exp`, `powf`, ...) to model platform
# differences, so two calls of `x.sin()` can disagree in the last bit. ad-core's tests
# pin that an AD value is *the primitive's* value, bit for bit (the special-point
# policy), which that noise breaks without any undefined behaviour being involved.
# Isolation stays on: no test reads files at run time (the reference tables are
# `include_str!`ed) and proptest draws its seeds from Miri's deterministic RNG.
export MIRIFLAGS=${MIRIFLAGS:-"-Zmiri-deterministic-floats"}

# DOCTESTS: `cargo miri test --doc` compiles and interprets each of the ~130 examples
# of the API docs as its own program (rustdoc runs them in parallel). They run on the
# host only: they are small examples, so on i686 they would re-check the same code for
# no extra coverage (the unit tests and every integration test file do run there).
# One example is skipped: `VecTape`'s, which records a 30,000-node program (10,000 loop
# iterations) to show the tape growing; under Miri it had not finished after 2.5
# minutes of CPU, while the other 128 examples all passed (about 10 minutes of wall
# time on a shared, heavily loaded 2-core machine, several at a time).
# VecTape's growth (a too-small recording run again) is exercised by tests/errors.rs
# (`buffer_too_small_f32_and_vec_tape`, from capacity 0), on both targets.
DOC_TARGET=host

# The binaries, the slow ones first so that the parallel jobs end together.
SLOW="tape doc lanes checkpoint reference properties tape_capacity vmath_f64 vmath_f32"
if [ -n "${MIRI_TESTS:-}" ]; then
    TESTS=$MIRI_TESTS
else
    TESTS="$SLOW lib"
    for f in ad-core/tests/*.rs; do
        name=$(basename "$f" .rs)
        case " $TESTS " in *" $name "*) ;; *) TESTS="$TESTS $name" ;; esac
    done
fi

resolve() { if [ "$1" = host ]; then echo "$HOST"; else echo "$1"; fi; }

# Sysroots and builds, one target at a time (cargo would serialize them anyway).
for target in $TARGETS; do
    triple=$(resolve "$target")
    step "miri setup and build ($triple)"
    cargo "+$TOOLCHAIN" miri setup --target "$triple"
    cargo "+$TOOLCHAIN" miri test -p ad-core --target "$triple" --no-run
done

LOGS=${MIRI_LOG_DIR:-$(mktemp -d)}
mkdir -p "$LOGS"
JOBLIST=()
for name in $TESTS; do
    for target in $TARGETS; do
        if [ "$name" = doc ] && [ "$target" != "$DOC_TARGET" ]; then
            continue
        fi
        JOBLIST+=("$(resolve "$target") $name")
    done
done

# One job: `cargo miri test` of one binary on one target; prints a result line.
run_one() {
    local triple=$1 name=$2 sel t0 rc
    case $name in
        lib) sel=(--lib) ;;
        # (The skip of VecTape's example is spelled here: bash cannot export an array to the
        # xargs workers.)
        doc) sel=(--doc -- --skip "tape::VecTape (line") ;;
        *:*)
            local filters=${name#*:}
            # shellcheck disable=SC2206 # one filter per comma-separated word
            sel=(--test "${name%%:*}" -- ${filters//,/ })
            ;;
        *) sel=(--test "$name") ;;
    esac
    t0=$(date +%s)
    rc=0
    cargo "+$TOOLCHAIN" miri test -p ad-core --target "$triple" "${sel[@]}" \
        >"$LOGS/$triple.$name.log" 2>&1 || rc=$?
    printf '%-8s %-26s %-18s %5d s\n' "$([ $rc = 0 ] && echo ok || echo FAILED)" \
        "$triple" "$name" "$(($(date +%s) - t0))" | tee -a "$LOGS/results"
    return $rc
}
export -f run_one
export TOOLCHAIN LOGS

step "miri test -p ad-core: ${#JOBLIST[@]} jobs, $JOBS at a time (logs in $LOGS)"
: >"$LOGS/results"
status=0
printf '%s\n' "${JOBLIST[@]}" | xargs -P "$JOBS" -L 1 bash -c 'run_one "$@"' _ || status=$?

if grep -q '^FAILED' "$LOGS/results"; then
    while read -r _ triple name _; do
        step "FAILED: $triple $name"
        cat "$LOGS/$triple.$name.log"
    done < <(grep '^FAILED' "$LOGS/results")
    status=1
fi
step "results (slowest first)"
sort -k4 -n -r "$LOGS/results"
echo "total wall time: $(($(date +%s) - T_START)) s"
exit "$status"
