//! Self-test of the fault handlers: executes an undefined instruction, which must end
//! the run with a failure exit code (not hang). `scripts/firmware.sh` expects a
//! non-zero exit that is not the timeout's 124.
#![no_std]
#![no_main]

use ad_firmware::println;

#[ad_firmware::entry]
fn main() -> ! {
    println!("fault: executing an undefined instruction");
    // SAFETY: deliberately faults; the fault handler exits.
    unsafe {
        #[cfg(target_arch = "arm")]
        core::arch::asm!("udf #0");
        #[cfg(target_arch = "riscv32")]
        core::arch::asm!("unimp");
    }
    println!("fault: still running after the fault");
    ad_firmware::platform::exit(0)
}
