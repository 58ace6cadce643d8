//! Encoding detection and the text layer every CSV parser shares: decoding (BOM, UTF-8, CP932,
//! UTF-16), rows with line numbers, width folding, amounts and dates as Japanese exports write them.
#![no_main]

use gims::import::fuzzing::{decode_csv, fold_width, parse_amount, parse_date, parse_month_day, read_rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let (text, _encoding) = decode_csv(bytes);
    for row in read_rows(&text).iter().take(64) {
        for cell in row.cells.iter().take(16) {
            let _ = fold_width(cell);
            let _ = parse_amount(cell);
            let _ = parse_date(cell);
            let _ = parse_month_day(cell);
        }
    }
});
