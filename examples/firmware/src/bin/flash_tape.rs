//! `flash_base` plus the reverse-mode gradient on a fixed tape in RAM: one recording,
//! then a replay at a new point. The tape's op set is the log-density's
//! (`LOG_NORMAL_OPS`): the replay and sweep contain `ln` and arithmetic only
//! (`flash_tape_all` is the same with every op).
#![no_std]
#![no_main]

use ad_core::Tape;
use ad_firmware::models::{LOG_NORMAL_OPS, tape_against_hand};
use ad_firmware::platform::{Singleton, exit};

static TAPE: Singleton<Tape<f32, 32, LOG_NORMAL_OPS>> = Singleton::new(Tape::new());

#[ad_firmware::entry]
fn main() -> ! {
    let Some(tape) = TAPE.take() else { exit(1) };
    exit(tape_against_hand(tape))
}
