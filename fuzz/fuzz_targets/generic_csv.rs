//! Any CSV through a column mapping: the first four bytes choose the columns, the rest is the
//! file; the mapping text itself (`--map`) is fuzzed too.
#![no_main]

use gims::import::generic::{Amounts, ColumnMapping};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Some(([a, b, c, d], rest)) = bytes.split_first_chunk::<4>() else { return };
    let column = |byte: u8| usize::from(byte % 8);
    let amount = if c & 0x80 == 0 {
        Amounts::Signed(column(*c))
    } else {
        Amounts::OutIn { out: Some(column(*c)), money_in: (d & 0x80 != 0).then(|| column(*d)) }
    };
    let mapping = ColumnMapping {
        date: column(*a),
        description: column(*b),
        amount,
        memo: Some(column(d >> 3)),
        id: (d & 0x40 != 0).then(|| column(a >> 3)),
        balance: Some(column(b >> 3)),
    };
    let _ = gims::import::parse_generic(rest, &mapping);
    let _ = ColumnMapping::parse(&String::from_utf8_lossy(rest));
});
