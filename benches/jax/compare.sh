#!/usr/bin/env bash
# Our vmap cases against JAX's jit(vmap(grad)) on this machine, one core each.
#
#   benches/jax/compare.sh            (from any directory)
#
# 1. creates target/jax-venv (python3 -m venv) and pip-installs the pinned jax[cpu]
#    of benches/jax/requirements.txt (again whenever that file changes);
# 2. builds the `vmap_cases` example with RUSTFLAGS="-C target-cpu=native" into
#    target/native (XLA also compiles for the host CPU, so both sides use its ISA);
# 3. runs both pinned to core 0 (taskset -c 0), JAX with
#    XLA_FLAGS=--xla_cpu_multi_thread_eigen=false, and prints
#    `compare <case>: ours <t>, jax <t>, ratio <ours/jax>` per case and the targets.
#
# Raw outputs (every strategy's timing) are kept in target/native/vmap-compare/.
# Not part of the test suite. Environment: PYTHON (default python3), CORE (default 0).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/target/jax-venv"
native="$root/target/native"
out="$native/vmap-compare"
core="${CORE:-0}"
start_s=$(date +%s)

# --- 1. JAX in a local virtual environment -----------------------------------
stamp="$venv/.requirements.sha256"
want_sum="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want_sum" ]; then
    echo "setting up $venv (pip install -r benches/jax/requirements.txt)" >&2
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip >&2
    "$venv/bin/python" -m pip install --quiet -r "$here/requirements.txt" >&2
    echo "$want_sum" >"$stamp"
fi

# --- 2. our side, built for this CPU -----------------------------------------
echo "building vmap_cases with -C target-cpu=native into $native" >&2
(cd "$root" && RUSTFLAGS="-C target-cpu=native" CARGO_TARGET_DIR="$native" \
    cargo build --quiet --release -p benches --example vmap_cases)

# --- 3. both, pinned to one core ----------------------------------------------
if command -v taskset >/dev/null; then
    pin=(taskset -c "$core")
else
    echo "warning: taskset not found, runs are NOT pinned to one core" >&2
    pin=()
fi
mkdir -p "$out"
echo "running ours (one thread) on core $core" >&2
"${pin[@]}" "$native/release/examples/vmap_cases" >"$out/ours.txt"
echo "running JAX on core $core" >&2
XLA_FLAGS="--xla_cpu_multi_thread_eigen=false" \
    "${pin[@]}" "$venv/bin/python" "$here/cases.py" >"$out/jax.txt"

# --- report ------------------------------------------------------------------
echo "machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores online; both sides pinned to core $core"
echo "ours: rustc $(rustc --version | cut -d' ' -f2), RUSTFLAGS=\"-C target-cpu=native\"; JAX: XLA compiles for the host CPU too"
head -1 "$out/jax.txt"
echo "strategies (median ms):"
awk '$1 == "strategy" { $1 = "  " side; print }' side=ours "$out/ours.txt" side=jax "$out/jax.txt"
awk '
    FNR == NR && $1 == "ours" { ours[$2] = $5; ostrat[$2] = $3; next }
    $1 == "jax" { jax[$2] = $5; jstrat[$2] = $3 }
    END {
        n = split("lognormal_grad_f32 lognormal_grad_f64 rosenbrock2_grad_f32 rosenbrock100_grad_f32 rosenbrock10_hess_f32", cases, " ")
        target["lognormal_grad_f32"] = 0.5; target["lognormal_grad_f64"] = 0.5
        target["rosenbrock2_grad_f32"] = 1.0; target["rosenbrock100_grad_f32"] = 0.6
        target["rosenbrock10_hess_f32"] = 0.5
        for (i = 1; i <= n; i++) {
            c = cases[i]
            if (!(c in ours) || !(c in jax)) { printf "compare %s: missing result\n", c; continue }
            r = ours[c] / jax[c]
            printf "compare %s: ours %.4f ms, jax %.4f ms, ratio %.2f\n", c, ours[c], jax[c], r
            line[i] = sprintf("target %s: ratio <= %.1f, measured %.2f (ours %s, jax %s): %s", c, target[c], r, ostrat[c], jstrat[c], r <= target[c] ? "met" : "NOT met")
        }
        for (i = 1; i <= n; i++) if (i in line) print line[i]
    }' "$out/ours.txt" "$out/jax.txt"
echo "compare.sh wall time: $(($(date +%s) - start_s)) s (raw output in $out)"
