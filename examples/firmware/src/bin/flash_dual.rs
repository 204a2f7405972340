//! `flash_base` plus the forward-mode gradient (`Dual<f32, 3>`) of the same function.
#![no_std]
#![no_main]

use core::hint::black_box;

use ad_core::value_and_gradient;
use ad_firmware::models::{log_normal, log_normal_hand};
use ad_firmware::platform::exit;

#[ad_firmware::entry]
fn main() -> ! {
    let x = black_box([1.5, 0.5, 2.0]);
    let (v, g) = log_normal_hand(x);
    let (dv, dg) = value_and_gradient(log_normal, x);
    black_box((v, g, dv, dg));
    let ok = (v - dv).abs() < 1e-6 && g.iter().zip(dg.iter()).all(|(a, b)| (a - b).abs() < 1e-6);
    exit(u32::from(!ok))
}
