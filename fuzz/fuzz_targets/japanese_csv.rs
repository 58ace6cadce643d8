//! Every Japanese bank, card, e-money and broker CSV through the detector and the dispatcher
//! (`--format auto`), with and without the download date that year-less formats need.
#![no_main]

use gims::import::{FormatChoice, ParseOptions, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Some((first, rest)) = bytes.split_first() else { return };
    let downloaded_on = (first & 1 == 1).then(|| time::macros::date!(2026 - 11 - 28));
    let _ = parse(rest, &ParseOptions { format: FormatChoice::Auto, downloaded_on });
});
