#!/usr/bin/env bash
# The firmware checks of examples/firmware, under QEMU, on three targets:
#
#   thumbv7em-none-eabihf         Cortex-M4F: lm3s6965evb -cpu cortex-m4, and mps2-an386
#   thumbv6m-none-eabi            Cortex-M0:  microbit -cpu cortex-m0
#   riscv32imac-unknown-none-elf  RV32IMAC:   virt -bios none
#
# 0. rustfmt and clippy (-D warnings) of the firmware crate;
# 1. on-target tests (tests/on_target.rs, `harness = false`) on every machine;
# 2. the fault handlers end a faulting run with a failure code (no hang);
# 3. the demo (attitude EKF, trajectory optimisation);
# 4. cost: instruction counts and stack per case, flash and static RAM, for the
#    `libm` build and, when ad-core has the feature, the `libm,fast-f32` build;
# 5. the link-time no-panic check (and its negative control);
# 6. the budgets (exit non-zero when one is exceeded) and the README tables.
#
# Usage: scripts/firmware.sh [--update-readme]
#   --update-readme   rewrite the cost tables in examples/firmware/README.md
# Environment:
#   AD_FW_BUDGETS=warn  report exceeded budgets without failing (default: fail)
#
# What it needs, and nothing else (CI installs it; `.ci/run`):
#   rustup target add thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imac-unknown-none-elf
#   rustup component add llvm-tools
#   apt-get update
#   apt-get install -y --no-install-recommends qemu-system-arm
#   apt-get install -y --no-install-recommends qemu-system-misc
# (two apt-get install commands: asking for both packages in one command fails with a
# resolver error on Debian 12; one at a time works.)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fw=$root/examples/firmware

update_readme=0
for arg in "$@"; do
    case $arg in
        --update-readme) update_readme=1 ;;
        -h | --help) sed -n '2,30p' "$0"; exit 0 ;;
        *) echo "firmware.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done

# Budgets (issue "Cost on the page" and "Fast f32 math for microcontrollers").
STACK_BUDGET=512          # bytes of stack below the caller for one gradient call
FLASH_BUDGET=8192         # bytes of flash the gradient path adds (f32, LTO, opt-level "s")
FAST_SINCOS_BUDGET=1500   # instructions of Dual<f32> sin·exp + sqrt·cos on the M4F, fast-f32
# The gradient calls the stack budget applies to (all cases of the log-density, and
# the Dual<f32> of the fast-math function); the others are reported only.
STACK_CASES="lognormal_hand lognormal_dual lognormal_tape_record lognormal_tape_replay lognormal_tape_sweep sincos_dual"

TARGETS=(thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imac-unknown-none-elf)
declare -A MACHINES=(
    [thumbv7em-none-eabihf]="lm3s6965evb mps2-an386"
    [thumbv6m-none-eabi]="microbit"
    [riscv32imac-unknown-none-elf]="virt"
)

step() { printf '\n==> %s\n' "$*"; }
start=$(date +%s)
failures=()
budget_failures=()
fail() { failures+=("$*"); echo "FAILED: $*"; }

# ---------------------------------------------------------------- tools
step "tools"
missing=0
need() { # command, how to install
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "missing: $1 ($2)"
        missing=1
    fi
}
need cargo "https://rustup.rs"
need rustc "https://rustup.rs"
need timeout "coreutils"
need qemu-system-arm "apt-get install -y qemu-system-arm"
need qemu-system-riscv32 "apt-get install -y qemu-system-misc (a separate apt-get command from qemu-system-arm)"
for c in fmt clippy; do
    if ! cargo "$c" --version >/dev/null 2>&1; then
        echo "missing: cargo $c (rustup component add $([[ $c == fmt ]] && echo rustfmt || echo clippy))"
        missing=1
    fi
done
sysroot=$(rustc --print sysroot)
host=$(rustc -vV | sed -n 's/^host: //p')
for t in "${TARGETS[@]}"; do
    if [[ ! -d $sysroot/lib/rustlib/$t ]]; then
        echo "missing: Rust target $t (rustup target add $t)"
        missing=1
    fi
done
LLVM_SIZE=$sysroot/lib/rustlib/$host/bin/llvm-size
if [[ ! -x $LLVM_SIZE ]]; then
    echo "missing: llvm-size (rustup component add llvm-tools)"
    missing=1
fi
if [[ $missing == 1 ]]; then
    echo "firmware.sh: install the missing tools (commands at the top of this script)" >&2
    exit 2
fi
echo "rustc $(rustc -V | cut -d' ' -f2), $(qemu-system-arm --version | head -1)"

# The fast-f32 build is measured when ad-core has the feature.
feature_sets=(libm)
if awk '/^\[features\]/ {f = 1; next} /^\[/ {f = 0} f && /^fast-f32[[:space:]]*=/ {found = 1} END {exit !found}' \
    "$root/ad-core/Cargo.toml"; then
    feature_sets+=(fast-f32)
    echo "ad-core has feature fast-f32: measuring libm and libm,fast-f32"
else
    echo "ad-core has no feature fast-f32 (yet): measuring libm only, fast-f32 skipped"
fi
cargo_features() { # feature set -> cargo arguments
    case $1 in
        libm) echo "" ;;
        fast-f32) echo "--features ad-core/fast-f32" ;;
    esac
}
target_dir() { # feature set -> CARGO_TARGET_DIR (separate, so the two builds do not evict each other)
    case $1 in
        libm) echo "$fw/target" ;;
        *) echo "$fw/target/$1" ;;
    esac
}

cd "$fw"
export AD_FW_TIMEOUT=${AD_FW_TIMEOUT:-60}

# ---------------------------------------------------------------- 0. lint
step "rustfmt, clippy"
if ! cargo fmt --check >/dev/null 2>&1; then
    cargo fmt --check 2>&1 | head -20
    fail "rustfmt (run cargo fmt in examples/firmware)"
fi
for t in thumbv7em-none-eabihf riscv32imac-unknown-none-elf; do
    if ! cargo clippy --quiet --target "$t" --all-targets -- -D warnings; then
        fail "clippy, $t"
    fi
done

# ---------------------------------------------------------------- 1. on-target tests
step "on-target tests"
for t in "${TARGETS[@]}"; do
    for m in ${MACHINES[$t]}; do
        echo "--- $t on $m"
        if out=$(AD_FW_MACHINE=$m cargo test --quiet --target "$t" 2>&1); then
            grep -E '^(test |running|largest)' <<<"$out" | grep -v -e ' \.\.\. ok$' -e '^test result' || true
            grep -E '[0-9]+ passed, [0-9]+ failed' <<<"$out" || true
        else
            echo "$out" | grep -v '^Timer with period zero' | tail -40
            fail "on-target tests, $t on $m"
        fi
    done
done

# ---------------------------------------------------------------- 2. fault handlers
step "fault handlers exit with failure (no hang)"
for t in "${TARGETS[@]}"; do
    if ! cargo build --quiet --release --target "$t" --bin fault; then
        fail "build of the fault self-test, $t"
        continue
    fi
    for m in ${MACHINES[$t]}; do
        set +e
        AD_FW_MACHINE=$m AD_FW_TIMEOUT=20 ./run-qemu.sh "target/$t/release/fault" >/dev/null 2>&1
        rc=$?
        set -e
        if [[ $rc != 0 && $rc != 124 ]]; then
            echo "  $t on $m: undefined instruction -> exit code $rc"
        else
            fail "fault handler, $t on $m (exit code $rc)"
        fi
    done
done

# ---------------------------------------------------------------- 3. demo
step "demo: attitude EKF and trajectory optimisation"
for t in "${TARGETS[@]}"; do
    echo "--- $t"
    if ! cargo run --quiet --release --target "$t" --bin demo 2>&1 | grep -v '^Timer with period zero'; then
        fail "demo on $t"
    fi
done

# ---------------------------------------------------------------- 4. cost
step "cost: instructions, stack, flash, RAM"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
size_of() { # ELF -> "flash ram": flash = text + data, RAM = data + bss without the stack region
    local elf=$1 berkeley stack
    berkeley=$("$LLVM_SIZE" "$elf" | awk 'NR == 2 {print $1, $2, $3}')
    stack=$("$LLVM_SIZE" -A "$elf" | awk '$1 == ".stack" {print $2}')
    read -r text data bss <<<"$berkeley"
    echo "$((text + data)) $((data + bss - ${stack:-0}))"
}
for fs in "${feature_sets[@]}"; do
    for t in "${TARGETS[@]}"; do
        echo "--- $t, $fs"
        # shellcheck disable=SC2046
        if ! out=$(CARGO_TARGET_DIR=$(target_dir "$fs") AD_FW_ICOUNT=1 \
            cargo run --quiet --release --target "$t" --bin cost $(cargo_features "$fs") 2>&1); then
            echo "$out" | tail -20
            fail "cost binary on $t ($fs)"
            continue
        fi
        grep -E '^COST' <<<"$out" | sed 's/^/  /'
        sed -n 's/^COST case=\([^ ]*\) insns=\([0-9]*\) stack=\([0-9]*\)$/\1 \2 \3/p' <<<"$out" |
            while read -r c i s; do echo "run $fs $t $c $i $s"; done >>"$results"
        # Flash: the same program without a gradient, with the Dual gradient, with the tape.
        # shellcheck disable=SC2046
        if ! CARGO_TARGET_DIR=$(target_dir "$fs") cargo build --quiet --release --target "$t" \
            --bin flash_base --bin flash_dual --bin flash_tape --bin flash_tape_all \
            $(cargo_features "$fs"); then
            fail "build of the flash variants, $t ($fs)"
            continue
        fi
        for b in flash_base flash_dual flash_tape flash_tape_all; do
            elf=$(target_dir "$fs")/$t/release/$b
            # shellcheck disable=SC2046
            if ! AD_FW_TIMEOUT=20 ./run-qemu.sh "$elf" >/dev/null 2>&1; then
                fail "$b on $t ($fs) exited with failure"
            fi
            read -r flash ram <<<"$(size_of "$elf")"
            echo "  $b: flash $flash B, static RAM $ram B"
            echo "size $fs $t $b $flash $ram" >>"$results"
        done
    done
done

# ---------------------------------------------------------------- 5. no panic
step "no-panic link check (release, LTO, opt-level \"s\", panic handler -> undefined symbol)"
for fs in "${feature_sets[@]}"; do
    for t in "${TARGETS[@]}"; do
        # shellcheck disable=SC2046
        if out=$(CARGO_TARGET_DIR=$(target_dir "$fs") cargo build --quiet --release \
            --target "$t" --features panic-check --bin nopanic --bin flash_dual --bin flash_tape \
            $(cargo_features "$fs") 2>&1); then
            echo "  $t, $fs: nopanic, flash_dual and flash_tape link: no panic path survives"
            echo "nopanic $fs $t ok" >>"$results"
        else
            grep -E 'undefined symbol|could not compile' <<<"$out" | sed 's/^/    /'
            fail "no-panic check, $t ($fs)"
            echo "nopanic $fs $t fail" >>"$results"
            echo "    the panic call sites (from the same binaries built with the normal handler):"
            for b in nopanic flash_dual flash_tape; do
                if grep -q "bin \"$b\"" <<<"$out"; then
                    # shellcheck disable=SC2046
                    CARGO_TARGET_DIR=$(target_dir "$fs") cargo build --quiet --release --target "$t" \
                        --bin "$b" $(cargo_features "$fs") || continue
                    echo "    --- $b"
                    ./panic-sites.sh "$(target_dir "$fs")/$t/release/$b" | sed "s|$root/||; s/^/    /" || true
                fi
            done
        fi
    done
done
# The negative control: a reachable panic must fail the link.
if cargo build --quiet --release \
    --target thumbv7em-none-eabihf --features panic-check,panic-check-selftest --bin nopanic \
    >/dev/null 2>&1; then
    fail "no-panic check: a binary with a reachable panic linked (the check is ineffective)"
else
    echo "  negative control: a reachable out-of-bounds index fails the link, as it must"
fi

# ---------------------------------------------------------------- 6. budgets, tables
step "budgets"
check() { # description, value, limit
    if (($2 <= $3)); then
        printf '  ok    %-68s %6d <= %d\n' "$1" "$2" "$3"
    else
        printf '  OVER  %-68s %6d >  %d\n' "$1" "$2" "$3"
        budget_failures+=("$1: $2 > $3")
    fi
}
for fs in "${feature_sets[@]}"; do
    for t in "${TARGETS[@]}"; do
        for c in $STACK_CASES; do
            s=$(awk -v fs="$fs" -v t="$t" -v c="$c" '$1 == "run" && $2 == fs && $3 == t && $4 == c {print $6}' "$results")
            [[ -n $s ]] && check "stack of $c, $t, $fs" "$s" "$STACK_BUDGET"
        done
        base=$(awk -v fs="$fs" -v t="$t" '$1 == "size" && $2 == fs && $3 == t && $4 == "flash_base" {print $5}' "$results")
        for b in flash_dual flash_tape; do
            v=$(awk -v fs="$fs" -v t="$t" -v b="$b" '$1 == "size" && $2 == fs && $3 == t && $4 == b {print $5}' "$results")
            [[ -n $v && -n $base ]] && check "flash added by the ${b#flash_} gradient path, $t, $fs" "$((v - base))" "$FLASH_BUDGET"
        done
    done
done
if [[ " ${feature_sets[*]} " == *" fast-f32 "* ]]; then
    v=$(awk '$1 == "run" && $2 == "fast-f32" && $3 == "thumbv7em-none-eabihf" && $4 == "sincos_dual" {print $5}' "$results")
    [[ -n $v ]] && check "instructions of Dual<f32> sin*exp + sqrt*cos, M4F, fast-f32" "$v" "$FAST_SINCOS_BUDGET"
fi

# The README tables.
tables=$(awk -v sets="${feature_sets[*]}" -v stack_cases="$STACK_CASES" -v stack_budget="$STACK_BUDGET" \
    -v flash_budget="$FLASH_BUDGET" -v fast_budget="$FAST_SINCOS_BUDGET" '
    BEGIN {
        nt = split("thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imac-unknown-none-elf", T, " ")
        short["thumbv7em-none-eabihf"] = "M4F"; short["thumbv6m-none-eabi"] = "M0"
        short["riscv32imac-unknown-none-elf"] = "RV32"
        nf = split(sets, F, " ")
        nc = split("lognormal_hand lognormal_dual lognormal_tape_record lognormal_tape_replay lognormal_tape_sweep sincos_f32 sincos_dual sincos_dual_x2.5 ekf_step traj_gradient_replay", C, " ")
        label["lognormal_hand"] = "log-density gradient, hand-written"
        label["lognormal_dual"] = "log-density gradient, `Dual<f32, 3>`"
        label["lognormal_tape_record"] = "log-density gradient, tape: record + sweep"
        label["lognormal_tape_replay"] = "log-density gradient, tape: replay (forward + sweep)"
        label["lognormal_tape_sweep"] = "log-density gradient, tape: sweep only"
        label["sincos_f32"] = "sin(x)·exp(x) + sqrt(x)·cos(x), plain `f32` value"
        label["sincos_dual"] = "sin(x)·exp(x) + sqrt(x)·cos(x), `Dual<f32>`, x = 0.7"
        label["sincos_dual_x2.5"] = "same, x = 2.5 (argument reduction)"
        label["ekf_step"] = "EKF predict + update (`Dual<f32, 4>` Jacobians)"
        label["traj_gradient_replay"] = "trajectory cost gradient, 16 inputs, tape replay"
    }
    $1 == "run" { I[$2, $3, $4] = $5; S[$2, $3, $4] = $6 }
    $1 == "size" { FL[$2, $3, $4] = $5; RAM[$2, $3, $4] = $6 }
    $1 == "nopanic" { NP[$2, $3] = $4 }
    function header(first,   i, j, h, r) {
        h = "| " first " |"; r = "|---|"
        for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++) {
            h = h " " short[T[i]] " " F[j] " |"; r = r "---:|"
        }
        print h; print r
    }
    function mark(v, limit) { return v <= limit ? v " ✓" : "**" v " ✗**" }
    END {
        print "Budgets (✓ met, ✗ exceeded):\n"
        header("budget")
        ns = split(stack_cases, SC, " ")
        line = "| stack of one gradient call, worst of the log-density cases and `Dual` sin·exp + sqrt·cos (≤ " stack_budget " B) |"
        for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++) {
            w = -1; wc = ""
            for (k = 1; k <= ns; k++) if (((F[j], T[i], SC[k]) in S) && S[F[j], T[i], SC[k]] + 0 > w) { w = S[F[j], T[i], SC[k]] + 0; wc = SC[k] }
            sub(/^lognormal_/, "", wc)
            line = line " " mark(w, stack_budget) " (" wc ") |"
        }
        print line
        for (b = 1; b <= 2; b++) {
            bin = b == 1 ? "flash_dual" : "flash_tape"
            line = "| flash added by the " (b == 1 ? "`Dual`" : "tape (op set `LOG_NORMAL_OPS`)") " gradient path (≤ " flash_budget " B) |"
            for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++)
                line = line " " mark(FL[F[j], T[i], bin] - FL[F[j], T[i], "flash_base"], flash_budget) " |"
            print line
        }
        line = "| for reference, no budget: the tape gradient path with every op (`Tape<f32, 32>`) |"
        for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++)
            line = line " " FL[F[j], T[i], "flash_tape_all"] - FL[F[j], T[i], "flash_base"] " |"
        print line
        line = "| `Dual<f32>` sin·exp + sqrt·cos with fast-f32, M4F (≤ " fast_budget " instructions) |"
        for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++)
            line = line " " ((T[i] == "thumbv7em-none-eabihf" && F[j] == "fast-f32") ? mark(I[F[j], T[i], "sincos_dual"], fast_budget) : "") " |"
        print line
        line = "| no-panic link check (`nopanic`, `flash_dual`, `flash_tape`) |"
        for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++)
            line = line " " (NP[F[j], T[i]] == "ok" ? "passes ✓" : (NP[F[j], T[i]] == "fail" ? "**fails ✗**" : "")) " |"
        print line
        print ""
        print "**Instruction counts, not cycles** (QEMU `-icount`, see above), per call:\n"
        header("case")
        for (k = 1; k <= nc; k++) {
            line = "| " label[C[k]] " |"
            for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++) line = line " " I[F[j], T[i], C[k]] " |"
            print line
        }
        print "\nStack bytes of one call, below the caller (painted and scanned):\n"
        header("case")
        for (k = 1; k <= nc; k++) {
            line = "| " label[C[k]] " |"
            for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++) line = line " " S[F[j], T[i], C[k]] " |"
            print line
        }
        print "\nFlash and static RAM (bytes; f32, LTO, opt-level \"s\"; `llvm-size`):\n"
        print "| target | build | no gradient: flash / RAM | + `Dual` gradient: flash (added) | + tape gradient: flash (added) / RAM |"
        print "|---|---|---:|---:|---:|"
        for (i = 1; i <= nt; i++) for (j = 1; j <= nf; j++) {
            b = FL[F[j], T[i], "flash_base"]
            printf "| %s | %s | %s / %s | %s (+%d) | %s (+%d) / %s |\n", short[T[i]], F[j], b, \
                RAM[F[j], T[i], "flash_base"], FL[F[j], T[i], "flash_dual"], FL[F[j], T[i], "flash_dual"] - b, \
                FL[F[j], T[i], "flash_tape"], FL[F[j], T[i], "flash_tape"] - b, RAM[F[j], T[i], "flash_tape"]
        }
    }' "$results")
echo
echo "$tables"

if [[ $update_readme == 1 ]]; then
    readme=$fw/README.md
    if grep -q '<!-- cost-table:begin -->' "$readme" && grep -q '<!-- cost-table:end -->' "$readme"; then
        {
            sed -n '1,/<!-- cost-table:begin -->/p' "$readme"
            echo
            echo "Measured by \`scripts/firmware.sh --update-readme\` (rustc $(rustc -V | cut -d' ' -f2), QEMU $(qemu-system-arm --version | head -1 | sed 's/.*version \([^ ]*\).*/\1/'))."
            echo
            echo "$tables"
            echo
            sed -n '/<!-- cost-table:end -->/,$p' "$readme"
        } >"$readme.new"
        mv "$readme.new" "$readme"
        echo "updated $readme"
    else
        fail "README.md has no <!-- cost-table:begin/end --> markers"
    fi
fi

# ---------------------------------------------------------------- summary
step "summary ($(($(date +%s) - start)) s)"
status=0
if ((${#budget_failures[@]})); then
    echo "budgets exceeded:"
    printf '  %s\n' "${budget_failures[@]}"
    if [[ ${AD_FW_BUDGETS:-fail} == warn ]]; then
        echo "(AD_FW_BUDGETS=warn: reported, not failed)"
    else
        status=1
    fi
fi
if ((${#failures[@]})); then
    echo "failed:"
    printf '  %s\n' "${failures[@]}"
    status=1
fi
if [[ $status == 0 ]]; then
    echo "all firmware checks passed"
fi
exit $status
