//! The modelled service's export: arbitrary bytes, and arbitrary rows under its real header.
#![no_main]

use gims::import::{Format, FormatChoice, ParseOptions, parse};
use libfuzzer_sys::fuzz_target;

const HEADER: &[u8] =
    "\"計算対象\",\"日付\",\"内容\",\"金額（円）\",\"保有金融機関\",\"大項目\",\"中項目\",\"メモ\",\"振替\",\"ID\"\r\n"
        .as_bytes();

fuzz_target!(|bytes: &[u8]| {
    let options = ParseOptions { format: FormatChoice::Exactly(Format::MoneyForwardExport), downloaded_on: None };
    let _ = parse(bytes, &options);
    let mut with_header = HEADER.to_vec();
    with_header.extend_from_slice(bytes);
    let _ = parse(&with_header, &options);
});
