//! OFX/QFX (1.x SGML and 2.x XML): arbitrary bytes read as OFX never panic.
#![no_main]

use gims::import::{Format, FormatChoice, ParseOptions, detect, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = detect(bytes);
    let _ = parse(bytes, &ParseOptions { format: FormatChoice::Exactly(Format::Ofx), downloaded_on: None });
});
