#!/usr/bin/env bash
# Cargo runner (see .cargo/config.toml): runs a firmware ELF in QEMU, wrapped in a
# timeout, and exits with the firmware's exit code (semihosting SYS_EXIT on Cortex-M,
# the SiFive test finisher on RISC-V; 124 when the timeout fired).
#
#   run-qemu.sh ELF
#
# The machine follows from the target directory in the ELF's path:
#   thumbv7em-none-eabihf        lm3s6965evb -cpu cortex-m4 (the board's default CPU
#                                has no FPU: an eabihf binary would HardFault)
#   thumbv6m-none-eabi           microbit -cpu cortex-m0
#   riscv32imac-unknown-none-elf virt -bios none
# Environment:
#   AD_FW_MACHINE  lm3s6965evb | mps2-an386 | lm3s6965evb-nofpu | microbit | virt
#   AD_FW_ICOUNT=1 deterministic instruction counting: -icount shift=8 on Arm (SysTick
#                  then advances a fixed number of ticks per instruction), shift=0 on
#                  RISC-V (minstret counts instructions)
#   AD_FW_TIMEOUT  seconds before the run is killed (default 60)
set -uo pipefail

elf=${1:?usage: run-qemu.sh ELF}
shift

machine=${AD_FW_MACHINE:-}
if [[ -z $machine ]]; then
    case $elf in
        */thumbv7em-none-eabihf/*) machine=lm3s6965evb ;;
        */thumbv6m-none-eabi/*) machine=microbit ;;
        */riscv32imac-unknown-none-elf/*) machine=virt ;;
        *) echo "run-qemu.sh: cannot tell the target of $elf" >&2; exit 2 ;;
    esac
fi

semihosting=(-semihosting-config enable=on,target=native)
case $machine in
    lm3s6965evb) qemu=(qemu-system-arm -machine lm3s6965evb -cpu cortex-m4 "${semihosting[@]}") ;;
    lm3s6965evb-nofpu) qemu=(qemu-system-arm -machine lm3s6965evb "${semihosting[@]}") ;;
    mps2-an386) qemu=(qemu-system-arm -machine mps2-an386 "${semihosting[@]}") ;;
    microbit) qemu=(qemu-system-arm -machine microbit -cpu cortex-m0 "${semihosting[@]}") ;;
    virt) qemu=(qemu-system-riscv32 -machine virt -bios none) ;;
    *) echo "run-qemu.sh: unknown machine $machine" >&2; exit 2 ;;
esac

if [[ ${AD_FW_ICOUNT:-0} == 1 ]]; then
    if [[ $machine == virt ]]; then
        qemu+=(-icount shift=0,align=off,sleep=off)
    else
        qemu+=(-icount shift=8,align=off,sleep=off)
    fi
fi

timeout "${AD_FW_TIMEOUT:-60}" "${qemu[@]}" -nographic -monitor none -serial stdio \
    -kernel "$elf" </dev/null
rc=$?
if [[ $rc == 124 ]]; then
    echo "run-qemu.sh: $machine run of $elf timed out after ${AD_FW_TIMEOUT:-60} s" >&2
fi
exit $rc
