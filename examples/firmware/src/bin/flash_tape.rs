//! `flash_base` plus the reverse-mode gradient on a fixed tape in RAM: one recording,
//! then a replay at a new point.
#![no_std]
#![no_main]

use core::hint::black_box;

use ad_core::Tape;
use ad_firmware::models::{log_normal, log_normal_hand};
use ad_firmware::platform::{Singleton, exit};

static TAPE: Singleton<Tape<f32, 32>> = Singleton::new(Tape::new());

#[ad_firmware::entry]
fn main() -> ! {
    let x = black_box([-1.25, 0.75, 3.0]);
    let (v, g) = log_normal_hand(x);
    let Some(tape) = TAPE.take() else { exit(1) };
    let Ok(mut prog) = tape.record(black_box([1.5, 0.5, 2.0]), |x| [log_normal(x)]) else {
        exit(1)
    };
    let Ok((tv, tg)) = prog.gradient(x) else {
        exit(1)
    };
    black_box((v, g, tv, tg));
    let ok = (v - tv).abs() < 1e-6 && g.iter().zip(tg.iter()).all(|(a, b)| (a - b).abs() < 1e-6);
    exit(u32::from(!ok))
}
