//! The thin layer between the examples and the machine: console output, exit codes,
//! fault handlers, the panic handler, an instruction counter and stack painting.
//!
//! | | Cortex-M (thumbv7em, thumbv6m) | RISC-V (riscv32imac, `virt`) |
//! |---|---|---|
//! | output | semihosting (`SYS_WRITE` to `:tt`) | 16550 UART at `0x1000_0000` |
//! | exit code | semihosting `SYS_EXIT` (0 or 1) | SiFive test finisher at `0x10_0000` |
//! | faults | `HardFault` and `DefaultHandler` exit with 3 | `ExceptionHandler`, `DefaultHandler`, `abort` exit with 3 |
//! | counter | SysTick (processor clock), `-icount shift=8` | `minstret`, `-icount shift=0` |
//! | stack bottom | `_stack_end` (cortex-m-rt) | `__estack` (riscv-rt) |

use core::cell::UnsafeCell;
use core::fmt;
use core::sync::atomic::{AtomicBool, Ordering};

/// Exit code of a test failure or a failed check.
pub const EXIT_FAILURE: u32 = 1;
/// Exit code of a panic.
pub const EXIT_PANIC: u32 = 2;
/// Exit code of a fault (HardFault, a RISC-V exception).
pub const EXIT_FAULT: u32 = 3;

/// The value the stack is painted with (cortex-m-rt's `STACK_PAINT_VALUE`).
pub const STACK_PAINT: u32 = 0xCCCC_CCCC;

/// Writes formatted text to the console.
pub fn write_fmt(args: fmt::Arguments<'_>) {
    let _ = fmt::Write::write_fmt(&mut Console, args);
}

/// Writes a string to the console (no formatting machinery).
pub fn write_str(s: &str) {
    let _ = fmt::Write::write_str(&mut Console, s);
}

/// `println!` for the firmware: semihosting on Cortex-M, the UART on RISC-V.
#[macro_export]
macro_rules! println {
    () => {
        $crate::platform::write_str("\n")
    };
    ($($arg:tt)*) => {
        $crate::platform::write_fmt(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// The console.
pub struct Console;

#[cfg(target_arch = "arm")]
mod arch {
    use super::{Console, EXIT_FAULT, fmt};
    use cortex_m_rt::exception;
    use cortex_m_semihosting::debug;

    impl fmt::Write for Console {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            cortex_m_semihosting::hprint!("{}", s);
            Ok(())
        }
    }

    pub fn exit(code: u32) -> ! {
        debug::exit(if code == 0 {
            debug::EXIT_SUCCESS
        } else {
            debug::EXIT_FAILURE
        });
        // Semihosting off: nothing to exit to. Spin; the runner's timeout ends it.
        loop {
            cortex_m::asm::wfi();
        }
    }

    #[exception]
    unsafe fn HardFault(_frame: &cortex_m_rt::ExceptionFrame) -> ! {
        super::write_str("\nHardFault: exiting with failure\n");
        exit(EXIT_FAULT)
    }

    #[exception]
    unsafe fn DefaultHandler(_irqn: i16) -> ! {
        super::write_str("\nunexpected exception or interrupt: exiting with failure\n");
        exit(EXIT_FAULT)
    }

    const SYST_CSR: *mut u32 = 0xE000_E010 as *mut u32;
    const SYST_RVR: *mut u32 = 0xE000_E014 as *mut u32;
    const SYST_CVR: *mut u32 = 0xE000_E018 as *mut u32;

    /// Starts SysTick on the processor clock, free running from 0xFF_FFFF, no
    /// interrupt.
    pub fn counter_start() {
        // SAFETY: the architecturally defined SysTick registers.
        unsafe {
            SYST_RVR.write_volatile(0x00FF_FFFF);
            SYST_CVR.write_volatile(0);
            SYST_CSR.write_volatile(0b101);
        }
    }

    /// Ticks elapsed while `f` runs. SysTick counts down and wraps every 2^24 ticks;
    /// the difference modulo 2^24 is right for sections shorter than that, and a
    /// section that may be longer (a wrap in COUNTFLAG, which the first read clears,
    /// and an end count not above the start) is reported as `u32::MAX`.
    #[inline(never)]
    pub fn ticks(f: &mut dyn FnMut()) -> u32 {
        let f = core::hint::black_box(f);
        // SAFETY: reads of the SysTick registers.
        let (t0, t1, csr) = unsafe {
            let _ = SYST_CSR.read_volatile();
            let t0 = SYST_CVR.read_volatile();
            f();
            let t1 = SYST_CVR.read_volatile();
            (t0, t1, SYST_CSR.read_volatile())
        };
        let wrapped = csr & (1 << 16) != 0;
        if wrapped && t1 <= t0 {
            return u32::MAX;
        }
        t0.wrapping_sub(t1) & 0x00FF_FFFF
    }

    /// `n` iterations of a two-instruction loop: `2n` instructions exactly.
    #[inline(never)]
    pub fn spin(n: u32) {
        if n == 0 {
            return;
        }
        // SAFETY: register-only loop.
        unsafe {
            core::arch::asm!("2:", "subs {n}, #1", "bne 2b", n = inout(reg) n => _);
        }
    }

    pub fn stack_bottom() -> usize {
        unsafe extern "C" {
            static _stack_end: u32;
        }
        core::ptr::addr_of!(_stack_end) as usize
    }

    pub fn stack_top() -> usize {
        unsafe extern "C" {
            static _stack_start: u32;
        }
        core::ptr::addr_of!(_stack_start) as usize
    }

    /// Paints every word from just below the current stack pointer down to `bottom`,
    /// in registers only (no stack of its own). Returns the stack pointer.
    #[inline(always)]
    pub fn paint_below_sp(bottom: usize) -> usize {
        let sp: usize;
        // SAFETY: writes only below the stack pointer, down to the stack's bottom.
        unsafe {
            core::arch::asm!(
                "mov {sp}, sp",
                "mov {cur}, {sp}",
                "2:",
                "subs {cur}, #4",
                "str {pat}, [{cur}]",
                "cmp {cur}, {bot}",
                "bhi 2b",
                sp = out(reg) sp,
                cur = out(reg) _,
                pat = in(reg) super::STACK_PAINT,
                bot = in(reg) bottom,
            );
        }
        sp
    }
}

#[cfg(target_arch = "riscv32")]
mod arch {
    use super::{Console, EXIT_FAULT, fmt};

    const UART: usize = 0x1000_0000;
    const FINISHER: *mut u32 = 0x0010_0000 as *mut u32;

    impl fmt::Write for Console {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for b in s.bytes() {
                // SAFETY: the 16550 UART of QEMU's virt machine (THR at +0, LSR at +5).
                unsafe {
                    while ((UART + 5) as *const u8).read_volatile() & 0x20 == 0 {}
                    (UART as *mut u8).write_volatile(b);
                }
            }
            Ok(())
        }
    }

    pub fn exit(code: u32) -> ! {
        let v = if code == 0 {
            0x5555
        } else {
            (code << 16) | 0x3333
        };
        // SAFETY: the SiFive test finisher of QEMU's virt machine.
        unsafe { FINISHER.write_volatile(v) };
        loop {
            riscv::asm::wfi();
        }
    }

    #[unsafe(export_name = "ExceptionHandler")]
    fn exception_handler(_frame: &riscv_rt::TrapFrame) -> ! {
        super::write_str("\nexception (");
        let cause = riscv::register::mcause::read().bits();
        super::write_fmt(format_args!("mcause = {cause:#x}, mepc = {:#x}", {
            riscv::register::mepc::read()
        }));
        super::write_str("): exiting with failure\n");
        exit(EXIT_FAULT)
    }

    #[unsafe(export_name = "DefaultHandler")]
    fn default_handler() -> ! {
        super::write_str("\nunexpected interrupt: exiting with failure\n");
        exit(EXIT_FAULT)
    }

    #[unsafe(export_name = "abort")]
    fn abort() -> ! {
        super::write_str("\nabort: exiting with failure\n");
        exit(EXIT_FAULT)
    }

    /// `minstret` counts retired instructions (exactly, under `-icount shift=0`).
    pub fn counter_start() {}

    #[inline(always)]
    fn instret() -> u32 {
        let v: u32;
        // SAFETY: reads a counter CSR.
        unsafe { core::arch::asm!("csrr {0}, minstret", out(reg) v) };
        v
    }

    /// Instructions retired while `f` runs.
    #[inline(never)]
    pub fn ticks(f: &mut dyn FnMut()) -> u32 {
        let f = core::hint::black_box(f);
        let t0 = instret();
        f();
        instret().wrapping_sub(t0)
    }

    /// `n` iterations of a two-instruction loop: `2n` instructions exactly.
    #[inline(never)]
    pub fn spin(n: u32) {
        if n == 0 {
            return;
        }
        // SAFETY: register-only loop.
        unsafe {
            core::arch::asm!("2:", "addi {n}, {n}, -1", "bnez {n}, 2b", n = inout(reg) n => _);
        }
    }

    pub fn stack_bottom() -> usize {
        unsafe extern "C" {
            static __estack: u32;
        }
        core::ptr::addr_of!(__estack) as usize
    }

    pub fn stack_top() -> usize {
        unsafe extern "C" {
            static _stack_start: u32;
        }
        core::ptr::addr_of!(_stack_start) as usize
    }

    #[inline(always)]
    pub fn paint_below_sp(bottom: usize) -> usize {
        let sp: usize;
        // SAFETY: writes only below the stack pointer, down to the stack's bottom.
        unsafe {
            core::arch::asm!(
                "mv {sp}, sp",
                "mv {cur}, {sp}",
                "2:",
                "addi {cur}, {cur}, -4",
                "sw {pat}, 0({cur})",
                "bltu {bot}, {cur}, 2b",
                sp = out(reg) sp,
                cur = out(reg) _,
                pat = in(reg) super::STACK_PAINT,
                bot = in(reg) bottom,
            );
        }
        sp
    }
}

pub use arch::{counter_start, exit, spin, stack_bottom, stack_top, ticks};

/// The deepest address written since the stack was painted: the first word above the
/// stack's bottom that no longer holds the paint.
pub fn lowest_dirty_word() -> usize {
    let (bottom, top) = (stack_bottom(), stack_top());
    let mut p = bottom;
    // SAFETY: reads inside the stack region.
    while p < top && unsafe { (p as *const u32).read_volatile() } == STACK_PAINT {
        p += 4;
    }
    p
}

/// Stack bytes `f` uses below its caller: the stack below the current stack pointer
/// is painted (registers only), `f` runs through an opaque pointer (so none of it is
/// inlined into this frame), and the paint is scanned from the bottom.
///
/// QEMU does not fault on a stack overflow, so the budget check is this number.
#[inline(never)]
pub fn stack_used(f: &mut dyn FnMut()) -> usize {
    let f = core::hint::black_box(f);
    let sp = arch::paint_below_sp(stack_bottom());
    f();
    sp.saturating_sub(lowest_dirty_word())
}

/// Peak stack use since reset, from cortex-m-rt's `paint-stack` (Cortex-M) or the
/// first call of [`stack_used`] (RISC-V: riscv-rt does not paint).
pub fn peak_stack_since_paint() -> usize {
    stack_top().saturating_sub(lowest_dirty_word())
}

/// Converts raw counter ticks to instructions.
///
/// The counter's rate per instruction is measured, not assumed: a loop of exactly
/// 2·6000 and 2·1000 instructions is timed and the difference (10 000 instructions)
/// gives ticks per instruction. Under `-icount shift=8` an instruction is 256 ns of
/// virtual time, which SysTick sees as 3.2 ticks on lm3s6965evb (12.5 MHz), 6.4 on
/// mps2-an386 (25 MHz) and 4.096 on the micro:bit (16 MHz); under `-icount shift=0` on
/// RISC-V `minstret` counts one per instruction.
pub struct Calibration {
    /// Ticks of a call of an empty closure (the measurement's own overhead).
    pub empty: u32,
    /// Ticks of 10 000 instructions.
    pub per_10k: u32,
}

impl Calibration {
    /// Measures the overhead and the tick rate.
    pub fn measure() -> Self {
        counter_start();
        let empty = ticks(&mut || {});
        let long = ticks(&mut || spin(core::hint::black_box(6000)));
        let short = ticks(&mut || spin(core::hint::black_box(1000)));
        Calibration {
            empty,
            per_10k: long.saturating_sub(short).max(1),
        }
    }

    /// Instructions of `f`, less the measurement's overhead, rounded to the nearest.
    pub fn instructions(&self, f: &mut dyn FnMut()) -> u32 {
        let t = ticks(f);
        if t == u32::MAX {
            return u32::MAX;
        }
        let net = u64::from(t.saturating_sub(self.empty));
        let per = u64::from(self.per_10k);
        ((net * 10_000 + per / 2) / per) as u32
    }
}

/// A `static` that hands out one `&'static mut` (for a tape in RAM instead of on the
/// stack). The firmware here is single-core and uses no interrupts, so a flag is
/// enough.
pub struct Singleton<T> {
    taken: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the value is handed out at most once (see `take`).
unsafe impl<T> Sync for Singleton<T> {}

impl<T> Singleton<T> {
    /// A singleton holding `value`.
    pub const fn new(value: T) -> Self {
        Singleton {
            taken: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// The value, the first time; `None` after that.
    #[allow(clippy::mut_from_ref)] // sound: handed out once, guarded by the flag
    pub fn take(&'static self) -> Option<&'static mut T> {
        if self.taken.load(Ordering::Relaxed) {
            return None;
        }
        self.taken.store(true, Ordering::Relaxed);
        // SAFETY: the flag was clear, so no other reference exists (single core, no
        // interrupts between the load and the store touch it).
        Some(unsafe { &mut *self.value.get() })
    }
}

#[cfg(not(feature = "panic-check"))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    write_fmt(format_args!("\npanicked: {info}\n"));
    exit(EXIT_PANIC)
}

/// The link-time no-panic check: the panic handler calls a function that is defined
/// nowhere. A binary built with feature `panic-check` links only when LTO removed
/// every path to a panic; otherwise the linker names this symbol.
#[cfg(feature = "panic-check")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    unsafe extern "Rust" {
        fn error_a_panic_path_survived_lto_in_the_no_panic_build() -> !;
    }
    // SAFETY: never runs: if it could, the binary does not link.
    unsafe { error_a_panic_path_survived_lto_in_the_no_panic_build() }
}
