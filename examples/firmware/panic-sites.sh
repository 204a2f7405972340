#!/usr/bin/env bash
# Lists the call sites of panic functions in a firmware ELF with the chain of inlined
# frames (innermost first) that lie in ad-core or this crate: the diagnosis when the
# link-time no-panic check fails. A site inside an out-of-line helper of core (slice
# indexing not inlined) is shown through the calls of that helper. Build the binary
# WITHOUT feature `panic-check` (so that it links), then:
#
#   panic-sites.sh target/thumbv7em-none-eabihf/release/nopanic
#
# Exit status 0 when there is no panic call, 1 when there is. Needs llvm-objdump
# (rustup component llvm-tools) and, for source lines, llvm-addr2line or addr2line.
set -uo pipefail
elf=${1:?usage: panic-sites.sh ELF}
bindir=$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin
objdump=$bindir/llvm-objdump
[[ -x $objdump ]] || objdump=$(command -v llvm-objdump || true)
[[ -n $objdump ]] || { echo "panic-sites.sh: llvm-objdump not found (rustup component add llvm-tools)" >&2; exit 2; }
addr2line=$(command -v llvm-addr2line || command -v addr2line || true)

dis=$("$objdump" -d -C --no-show-raw-insn "$elf")
panics='<core::panicking::|<core::slice::index::slice_|<core::option::unwrap_failed|<core::result::unwrap_failed|<core::option::expect_failed'
# "address<TAB>enclosing function" of every call into a panic function.
sites=$(awk -v re="$panics" '
    /^[0-9a-f]+ <.*>:$/ { fn = $0; sub(/^[0-9a-f]+ /, "", fn); sub(/:$/, "", fn); next }
    $0 ~ re && fn !~ /^<core::(panicking|slice::index::slice_|option::|result::)/ {
        a = $1; sub(":", "", a); print "0x" a "\t" fn
    }' <<<"$dis")
if [[ -z $sites ]]; then
    echo "no call to a panic function in $elf"
    exit 0
fi

frames() { # address, indent: the inlined frames in ad-core or this crate
    [[ -n $addr2line ]] || return 0
    "$addr2line" -f -i -C -e "$elf" "$1" | paste - - |
        awk -F'\t' -v ind="$2" '$2 ~ /ad-core|firmware/ {
            sub(/::h[0-9a-f]+$/, "", $1); if ($1 ~ /^\.L/) $1 = "(caller)"
            printf "%s%s\n%s    at %s\n", ind, $1, ind, $2 }'
}

n=0
while IFS=$'\t' read -r addr fn; do
    n=$((n + 1))
    echo "panic site $n at $addr in $fn"
    out=$(frames "$addr" "    ")
    if [[ -n $out ]]; then
        echo "$out"
    else
        # An out-of-line helper: show where it is called from.
        callers=$(awk -v f="$fn" 'index($0, f) && $1 ~ /^[0-9a-f]+:$/ { a = $1; sub(":", "", a); print "0x" a }' <<<"$dis" | head -8)
        for c in $callers; do
            echo "    called at $c from:"
            frames "$c" "        "
        done
    fi
done <<<"$sites"
exit 1
