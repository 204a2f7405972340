//! Random programs on tapes of random small capacity.
//!
//! For every input: the program is recorded on a large tape (the reference: its
//! length, value and gradient), then on a tape of a random capacity `0..=68`:
//! * it never panics: the result is the program or `Error::TapeFull`, nothing else;
//! * a recording that fits has the reference's length and gives the reference's value
//!   and gradient bit for bit;
//! * a full tape reports `capacity` (its own) and `needed` equal to the reference's
//!   length exactly: recording again on a tape of capacity `needed` succeeds with the
//!   reference's gradient, one node less fails with the same `needed`;
//! * values keep being computed after the tape fills: the output value seen inside the
//!   failed recording equals the plain `f64` evaluation bit for bit;
//! * the failed tape is not left corrupted: recording the longest prefix of the
//!   program that fits, on the same tape, gives that prefix's reference gradient.
#![no_main]

use core::cell::Cell;

use ad_core::{Error, Real, Tape};
use ad_fuzz::{Bytes, MAX_NODES, MAX_OPS, N, Program, same, same_bits};
use libfuzzer_sys::fuzz_target;

const BIG: usize = 2 * (MAX_NODES + MAX_OPS);

/// Runs `$body` with `$t` bound to a fresh `Tape<f64, n>` for a runtime `n` in
/// `0..=68` (const generics need a literal per capacity).
macro_rules! with_cap {
    ($n:expr, |$t:ident| $body:expr) => {
        match $n {
            0 => {
                let mut $t: Tape<f64, 0> = Tape::new();
                $body
            }
            1 => {
                let mut $t: Tape<f64, 1> = Tape::new();
                $body
            }
            2 => {
                let mut $t: Tape<f64, 2> = Tape::new();
                $body
            }
            3 => {
                let mut $t: Tape<f64, 3> = Tape::new();
                $body
            }
            4 => {
                let mut $t: Tape<f64, 4> = Tape::new();
                $body
            }
            5 => {
                let mut $t: Tape<f64, 5> = Tape::new();
                $body
            }
            6 => {
                let mut $t: Tape<f64, 6> = Tape::new();
                $body
            }
            7 => {
                let mut $t: Tape<f64, 7> = Tape::new();
                $body
            }
            8 => {
                let mut $t: Tape<f64, 8> = Tape::new();
                $body
            }
            9 => {
                let mut $t: Tape<f64, 9> = Tape::new();
                $body
            }
            10 => {
                let mut $t: Tape<f64, 10> = Tape::new();
                $body
            }
            11 => {
                let mut $t: Tape<f64, 11> = Tape::new();
                $body
            }
            12 => {
                let mut $t: Tape<f64, 12> = Tape::new();
                $body
            }
            13 => {
                let mut $t: Tape<f64, 13> = Tape::new();
                $body
            }
            14 => {
                let mut $t: Tape<f64, 14> = Tape::new();
                $body
            }
            15 => {
                let mut $t: Tape<f64, 15> = Tape::new();
                $body
            }
            16 => {
                let mut $t: Tape<f64, 16> = Tape::new();
                $body
            }
            17 => {
                let mut $t: Tape<f64, 17> = Tape::new();
                $body
            }
            18 => {
                let mut $t: Tape<f64, 18> = Tape::new();
                $body
            }
            19 => {
                let mut $t: Tape<f64, 19> = Tape::new();
                $body
            }
            20 => {
                let mut $t: Tape<f64, 20> = Tape::new();
                $body
            }
            21 => {
                let mut $t: Tape<f64, 21> = Tape::new();
                $body
            }
            22 => {
                let mut $t: Tape<f64, 22> = Tape::new();
                $body
            }
            23 => {
                let mut $t: Tape<f64, 23> = Tape::new();
                $body
            }
            24 => {
                let mut $t: Tape<f64, 24> = Tape::new();
                $body
            }
            25 => {
                let mut $t: Tape<f64, 25> = Tape::new();
                $body
            }
            26 => {
                let mut $t: Tape<f64, 26> = Tape::new();
                $body
            }
            27 => {
                let mut $t: Tape<f64, 27> = Tape::new();
                $body
            }
            28 => {
                let mut $t: Tape<f64, 28> = Tape::new();
                $body
            }
            29 => {
                let mut $t: Tape<f64, 29> = Tape::new();
                $body
            }
            30 => {
                let mut $t: Tape<f64, 30> = Tape::new();
                $body
            }
            31 => {
                let mut $t: Tape<f64, 31> = Tape::new();
                $body
            }
            32 => {
                let mut $t: Tape<f64, 32> = Tape::new();
                $body
            }
            33 => {
                let mut $t: Tape<f64, 33> = Tape::new();
                $body
            }
            34 => {
                let mut $t: Tape<f64, 34> = Tape::new();
                $body
            }
            35 => {
                let mut $t: Tape<f64, 35> = Tape::new();
                $body
            }
            36 => {
                let mut $t: Tape<f64, 36> = Tape::new();
                $body
            }
            37 => {
                let mut $t: Tape<f64, 37> = Tape::new();
                $body
            }
            38 => {
                let mut $t: Tape<f64, 38> = Tape::new();
                $body
            }
            39 => {
                let mut $t: Tape<f64, 39> = Tape::new();
                $body
            }
            40 => {
                let mut $t: Tape<f64, 40> = Tape::new();
                $body
            }
            41 => {
                let mut $t: Tape<f64, 41> = Tape::new();
                $body
            }
            42 => {
                let mut $t: Tape<f64, 42> = Tape::new();
                $body
            }
            43 => {
                let mut $t: Tape<f64, 43> = Tape::new();
                $body
            }
            44 => {
                let mut $t: Tape<f64, 44> = Tape::new();
                $body
            }
            45 => {
                let mut $t: Tape<f64, 45> = Tape::new();
                $body
            }
            46 => {
                let mut $t: Tape<f64, 46> = Tape::new();
                $body
            }
            47 => {
                let mut $t: Tape<f64, 47> = Tape::new();
                $body
            }
            48 => {
                let mut $t: Tape<f64, 48> = Tape::new();
                $body
            }
            49 => {
                let mut $t: Tape<f64, 49> = Tape::new();
                $body
            }
            50 => {
                let mut $t: Tape<f64, 50> = Tape::new();
                $body
            }
            51 => {
                let mut $t: Tape<f64, 51> = Tape::new();
                $body
            }
            52 => {
                let mut $t: Tape<f64, 52> = Tape::new();
                $body
            }
            53 => {
                let mut $t: Tape<f64, 53> = Tape::new();
                $body
            }
            54 => {
                let mut $t: Tape<f64, 54> = Tape::new();
                $body
            }
            55 => {
                let mut $t: Tape<f64, 55> = Tape::new();
                $body
            }
            56 => {
                let mut $t: Tape<f64, 56> = Tape::new();
                $body
            }
            57 => {
                let mut $t: Tape<f64, 57> = Tape::new();
                $body
            }
            58 => {
                let mut $t: Tape<f64, 58> = Tape::new();
                $body
            }
            59 => {
                let mut $t: Tape<f64, 59> = Tape::new();
                $body
            }
            60 => {
                let mut $t: Tape<f64, 60> = Tape::new();
                $body
            }
            61 => {
                let mut $t: Tape<f64, 61> = Tape::new();
                $body
            }
            62 => {
                let mut $t: Tape<f64, 62> = Tape::new();
                $body
            }
            63 => {
                let mut $t: Tape<f64, 63> = Tape::new();
                $body
            }
            64 => {
                let mut $t: Tape<f64, 64> = Tape::new();
                $body
            }
            65 => {
                let mut $t: Tape<f64, 65> = Tape::new();
                $body
            }
            66 => {
                let mut $t: Tape<f64, 66> = Tape::new();
                $body
            }
            67 => {
                let mut $t: Tape<f64, 67> = Tape::new();
                $body
            }
            68 => {
                let mut $t: Tape<f64, 68> = Tape::new();
                $body
            }
            _ => unreachable!("capacity out of range"),
        }
    };
}

/// Length, value and gradient of `p` on a tape large enough for any program.
fn reference(p: &Program, x: [f64; N]) -> (usize, f64, [f64; N]) {
    let mut tape: Tape<f64, BIG> = Tape::new();
    match tape.record(x, |v| [p.eval(v)]) {
        Ok(mut prog) => {
            let len = prog.len();
            let (v, g) = prog.gradient_at_recorded();
            (len, v, g)
        }
        Err(e) => panic!("the big tape failed: {e}: {p:?}"),
    }
}

fn same_grad(a: [f64; N], b: [f64; N]) -> bool {
    a.iter().zip(&b).all(|(&a, &b)| same(a, b))
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes::new(data);
    let cap = usize::from(b.u8()) % (BIG + 1);
    let x = [b.value(), b.value()];
    let p = Program::decode(&mut b, |b| b.value());
    let ctx = || format!("program {:?} at {x:?}, capacity {cap}", p.nodes());
    let plain = p.eval(x);
    let (len, v, g) = reference(&p, x);
    assert!(same_bits(v, plain), "reference value: {}", ctx());

    let seen = Cell::new(f64::NAN);
    let run = |tape_cap: usize, r: Result<(usize, f64, [f64; N]), Error>| match r {
        Ok((l, rv, rg)) => {
            assert!(tape_cap >= len, "fit into {tape_cap} < {len}: {}", ctx());
            assert_eq!(l, len, "length: {}", ctx());
            assert!(same_bits(rv, v) && same_grad(rg, g), "result: {}", ctx());
            None
        }
        Err(Error::TapeFull { capacity, needed }) => {
            assert_eq!(capacity, tape_cap, "capacity: {}", ctx());
            assert_eq!(needed, len, "needed: {}", ctx());
            assert!(tape_cap < needed, "full below needed: {}", ctx());
            Some(needed)
        }
        Err(e) => panic!("unexpected error {e}: {}", ctx()),
    };
    let record = |tape_cap: usize| {
        with_cap!(tape_cap, |t| {
            let r = t
                .record(x, |v| {
                    let o = p.eval(v);
                    seen.set(o.primal());
                    [o]
                })
                .map(|mut prog| {
                    let l = prog.len();
                    let (rv, rg) = prog.gradient_at_recorded();
                    (l, rv, rg)
                });
            run(tape_cap, r)
        })
    };
    if let Some(needed) = record(cap) {
        assert!(
            same_bits(seen.get(), plain),
            "value after overflow: {}",
            ctx()
        );
        // `needed` is exact: enough, and one less is not.
        assert_eq!(
            record(needed),
            None,
            "needed {needed} not enough: {}",
            ctx()
        );
        assert_eq!(record(needed - 1), Some(needed), "needed - 1: {}", ctx());
        // The failed tape records again: the longest prefix that fits.
        let mut prefix = p.clone();
        while prefix.len > N && reference(&prefix, x).0 > cap {
            prefix.len -= 1;
        }
        let (plen, pv, pg) = reference(&prefix, x);
        if plen <= cap {
            with_cap!(cap, |t| {
                assert!(t.record(x, |v| [p.eval(v)]).is_err(), "{}", ctx());
                match t.record(x, |v| [prefix.eval(v)]) {
                    Ok(mut prog) => {
                        let (rv, rg) = prog.gradient_at_recorded();
                        assert!(prog.len() == plen, "prefix length: {}", ctx());
                        assert!(same_bits(rv, pv) && same_grad(rg, pg), "prefix: {}", ctx());
                    }
                    Err(e) => panic!("prefix failed after overflow: {e}: {}", ctx()),
                }
            });
        }
    }
});
