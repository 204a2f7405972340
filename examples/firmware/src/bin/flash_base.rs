//! Flash baseline: the hand-written log-density gradient, no AD. `flash_dual` and
//! `flash_tape` add one gradient path each; the differences of their sizes are the
//! flash the gradient path costs (`scripts/firmware.sh`).
#![no_std]
#![no_main]

use core::hint::black_box;

use ad_firmware::models::log_normal_hand;
use ad_firmware::platform::exit;

#[ad_firmware::entry]
fn main() -> ! {
    let (v, g) = log_normal_hand(black_box([1.5, 0.5, 2.0]));
    black_box((v, g));
    exit(u32::from(!v.is_finite()))
}
