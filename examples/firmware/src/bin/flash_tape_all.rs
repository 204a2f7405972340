//! `flash_tape` with a tape of every op (the default op set): the flash of the whole
//! interpreter, reported next to the budgeted `flash_tape` (whose tape holds the ops
//! of the log-density only).
#![no_std]
#![no_main]

use ad_core::Tape;
use ad_firmware::models::tape_against_hand;
use ad_firmware::platform::{Singleton, exit};

static TAPE: Singleton<Tape<f32, 32>> = Singleton::new(Tape::new());

#[ad_firmware::entry]
fn main() -> ! {
    let Some(tape) = TAPE.take() else { exit(1) };
    exit(tape_against_hand(tape))
}
