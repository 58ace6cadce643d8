//! The text chores every statement parser shares: decoding bytes (CP932, UTF-8, UTF-16), folding
//! full-width characters, and reading amounts and dates the way Japanese exports write them.
//!
//! Everything here returns `None` or an error string on odd input; nothing panics, because every
//! byte comes from a file the user picked.

use rust_decimal::Decimal;
use time::{Date, Month};

/// How a file's bytes were turned into text (reported for diagnostics and tested).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16,
    /// Windows code page 932, the superset of Shift_JIS every Japanese bank actually writes.
    Cp932,
    Windows1252,
}

/// Decodes a CSV export: a BOM wins; otherwise valid UTF-8 is UTF-8 and anything else is CP932
/// (encoding_rs's `SHIFT_JIS` is the WHATWG decoder, which is CP932: it maps 0x817C to U+FF0D).
pub fn decode_csv(bytes: &[u8]) -> (String, TextEncoding) {
    if let Some((text, encoding)) = decode_with_bom(bytes) {
        return (text, encoding);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), TextEncoding::Utf8),
        Err(_) => (encoding_rs::SHIFT_JIS.decode_without_bom_handling(bytes).0.into_owned(), TextEncoding::Cp932),
    }
}

/// A byte-order mark decides the encoding outright; the mark itself is dropped.
pub fn decode_with_bom(bytes: &[u8]) -> Option<(String, TextEncoding)> {
    let (encoding, bom_length) = encoding_rs::Encoding::for_bom(bytes)?;
    let rest = bytes.get(bom_length..).unwrap_or_default();
    let text = encoding.decode_without_bom_handling(rest).0.into_owned();
    let kind = if encoding == encoding_rs::UTF_8 { TextEncoding::Utf8 } else { TextEncoding::Utf16 };
    Some((text, kind))
}

/// Folds the characters Japanese exports use for ASCII (full-width digits, letters, brackets,
/// the ideographic space and the many minus signs) into ASCII, so numbers, dates and header
/// names compare and parse. Descriptions are kept as the institution wrote them.
pub fn fold_width(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '\u{feff}')
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{fe63}' => '-',
            '\u{ffe5}' | '\u{a5}' => '¥',
            _ => c,
        })
        .collect()
}

/// Reads an amount as a Japanese CSV writes it: `1,234`, `"\7,000"`, `￥1,234`, `1,234円`,
/// `－500`, `▲500`, `(500)`, full-width digits. `Ok(None)` for an empty cell, `-` or `--`
/// (meaning "nothing here"); `Err` names the text that is not a number.
pub fn parse_amount(text: &str) -> Result<Option<Decimal>, String> {
    let folded = fold_width(text);
    let trimmed = folded.trim();
    // Empty, `-` and SBI's `--` all mean "nothing here".
    if trimmed.chars().all(|c| c == '-') {
        return Ok(None);
    }
    let mut negative = false;
    let mut body = trimmed;
    if let Some(inner) = body.strip_prefix('(').and_then(|rest| rest.strip_suffix(')')) {
        negative = true;
        body = inner;
    }
    let mut cleaned = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            ',' | ' ' | '¥' | '\\' | '$' | '円' | '株' | '口' => {}
            '▲' | '△' => cleaned.push('-'),
            _ => cleaned.push(c),
        }
    }
    decimal_from_plain(&cleaned).map(|value| Some(if negative { -value } else { value })).ok_or_else(|| {
        let shown: String = text.trim().chars().take(40).collect();
        format!("`{shown}` is not a number")
    })
}

/// A plain decimal: optional sign, digits, at most one `.`, at least one digit.
pub fn decimal_from_plain(text: &str) -> Option<Decimal> {
    let unsigned = text.strip_prefix('+').or_else(|| text.strip_prefix('-')).unwrap_or(text);
    let digits = unsigned.chars().filter(char::is_ascii_digit).count();
    let points = unsigned.chars().filter(|c| *c == '.').count();
    if digits == 0 || points > 1 || digits + points != unsigned.chars().count() {
        return None;
    }
    let value = Decimal::from_str_exact(unsigned.trim_start_matches('+')).ok()?;
    Some(if text.starts_with('-') { -value } else { value })
}

/// A calendar date, or `None` when the numbers do not make one.
pub fn make_date(year: i64, month: i64, day: i64) -> Option<Date> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()
}

/// Reads the dates Japanese exports write: `20241128`, `2024/11/28`, `2024/1/5`, `2024-11-28`,
/// `2024.11.28`, `2024年11月28日`, a trailing time (`2024/11/28 12:34:56`), and 和暦 (`R6.11.28`,
/// `H30.01.15`, `令和6年11月28日`, `平成 30 年 07 月 22 日 17 時 52 分`, `令和元年5月1日`).
pub fn parse_date(text: &str) -> Option<Date> {
    let folded = fold_width(text);
    let trimmed = folded.trim();
    if let Some(date) = parse_wareki(trimmed) {
        return Some(date);
    }
    // The date is the first token; anything after a space or a `T` is a time of day.
    let token = trimmed.split([' ', 'T']).next().unwrap_or_default();
    if token.len() == 8 && token.bytes().all(|b| b.is_ascii_digit()) {
        let number = |range: std::ops::Range<usize>| token.get(range).and_then(|s| s.parse::<i64>().ok());
        return make_date(number(0..4)?, number(4..6)?, number(6..8)?);
    }
    let [year, month, day] = three_numbers(token, &['/', '-', '.', '年', '月', '日'])?;
    if year.1 != 4 {
        return None;
    }
    make_date(year.0, month.0, day.0)
}

/// `MM/DD` or `M月D日` without a year: (month, day), checked against a leap year.
pub fn parse_month_day(text: &str) -> Option<(u8, u8)> {
    let folded = fold_width(text);
    let token = folded.trim().split(' ').next().unwrap_or_default().trim_end_matches('日').to_owned();
    let mut parts = token.split(['/', '-', '.', '月']);
    let month = parts.next()?.parse::<u8>().ok()?;
    let day = parts.next()?.parse::<u8>().ok()?;
    if parts.next().is_some() {
        return None;
    }
    make_date(2024, month.into(), day.into())?;
    Some((month, day))
}

/// Splits `token` into exactly three decimal numbers separated by one of `separators` (a trailing
/// separator such as `日` is allowed). Returns each number with its digit count.
fn three_numbers(token: &str, separators: &[char]) -> Option<[(i64, usize); 3]> {
    let mut numbers = Vec::with_capacity(3);
    let mut current = String::new();
    let mut ended_with_separator = false;
    for c in token.chars() {
        if c.is_ascii_digit() {
            current.push(c);
            ended_with_separator = false;
        } else if separators.contains(&c) && !current.is_empty() {
            numbers.push(std::mem::take(&mut current));
            ended_with_separator = true;
        } else {
            return None;
        }
    }
    if !current.is_empty() {
        numbers.push(current);
    } else if !ended_with_separator {
        return None;
    }
    if numbers.len() != 3 {
        return None;
    }
    let parse = |s: &String| -> Option<(i64, usize)> {
        if s.len() > 4 {
            return None;
        }
        Some((s.parse().ok()?, s.len()))
    };
    Some([parse(&numbers[0])?, parse(&numbers[1])?, parse(&numbers[2])?])
}

/// 和暦: era name or initial, year (or 元), month, day; anything after 日 (a time) is ignored.
fn parse_wareki(text: &str) -> Option<Date> {
    const ERAS: &[(&str, i64)] = &[
        ("令和", 2018),
        ("平成", 1988),
        ("昭和", 1925),
        ("R", 2018),
        ("H", 1988),
        ("S", 1925),
        ("r", 2018),
        ("h", 1988),
        ("s", 1925),
    ];
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (offset, rest) =
        ERAS.iter().find_map(|(name, offset)| compact.strip_prefix(name).map(|rest| (*offset, rest)))?;
    let rest = rest.replacen('元', "1", 1);
    // Cut a time of day off: `…22日17時52分` keeps `…22日`.
    let date_part = match rest.find('日') {
        Some(index) => rest.get(..index + '日'.len_utf8()).unwrap_or(&rest),
        None => rest.as_str(),
    };
    let [year, month, day] = three_numbers(date_part, &['/', '-', '.', '年', '月', '日'])?;
    if year.0 < 1 || year.1 > 2 {
        return None;
    }
    make_date(offset + year.0, month.0, day.0)
}

/// Maps byte offsets in the text to 1-based physical lines (`\n`, `\r\n` or a lone `\r`).
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (index, byte) in bytes.iter().enumerate() {
            let ends_line = *byte == b'\n' || (*byte == b'\r' && bytes.get(index + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(index + 1);
            }
        }
        LineIndex { starts }
    }

    pub fn line(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(index) => index + 1,
            Err(index) => index,
        }
    }
}

/// FNV-1a, 64 bits: a fixed, dependency-free hash so fingerprints stay the same across versions
/// and platforms (std's hasher is randomly keyed and may change).
pub fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn amount(text: &str) -> Option<Decimal> {
        parse_amount(text).unwrap()
    }

    #[test]
    fn amounts_in_japanese_notation() {
        assert_eq!(amount("1,234"), Some(Decimal::from(1234)));
        assert_eq!(amount("\\7,000"), Some(Decimal::from(7000)));
        assert_eq!(amount("￥1,234"), Some(Decimal::from(1234)));
        assert_eq!(amount("1,234円"), Some(Decimal::from(1234)));
        assert_eq!(amount("－５００"), Some(Decimal::from(-500)));
        assert_eq!(amount("▲500"), Some(Decimal::from(-500)));
        assert_eq!(amount("(500)"), Some(Decimal::from(-500)));
        assert_eq!(amount("+12.5"), Some(Decimal::new(125, 1)));
        assert_eq!(amount(" - "), None);
        assert_eq!(amount(""), None);
        for bad in ["12,3a4", "1.2.3", "--1", "abc", "1-", "NaN", "1e5"] {
            let error = parse_amount(bad).unwrap_err();
            assert!(error.contains("is not a number"), "{bad}: {error}");
        }
    }

    #[test]
    fn western_dates() {
        assert_eq!(parse_date("20241128"), Some(date!(2024 - 11 - 28)));
        assert_eq!(parse_date("2024/1/5"), Some(date!(2024 - 01 - 05)));
        assert_eq!(parse_date("2024.11.28"), Some(date!(2024 - 11 - 28)));
        assert_eq!(parse_date("2024年11月28日"), Some(date!(2024 - 11 - 28)));
        assert_eq!(parse_date("２０２４/１１/２８"), Some(date!(2024 - 11 - 28)));
        assert_eq!(parse_date("2024/11/28 12:34:56"), Some(date!(2024 - 11 - 28)));
        for bad in ["", "2024/13/01", "2024/02/30", "24/11/28", "2024/11", "合計", "2024//1", "1/2/3/4"] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn wareki_dates() {
        assert_eq!(parse_date("R6.11.28"), Some(date!(2024 - 11 - 28)));
        assert_eq!(parse_date("H30.01.15"), Some(date!(2018 - 01 - 15)));
        assert_eq!(parse_date("令和6年11月28日"), Some(date!(2024 - 11 - 28)));
        assert_eq!(parse_date("令和元年5月1日"), Some(date!(2019 - 05 - 01)));
        assert_eq!(parse_date("平成 30 年 07 月 22 日 17 時 52 分"), Some(date!(2018 - 07 - 22)));
        assert_eq!(parse_date("Ｒ６．１１．２８"), Some(date!(2024 - 11 - 28)));
        assert_eq!(parse_date("H31.02.30"), None);
    }

    #[test]
    fn month_days_without_year() {
        assert_eq!(parse_month_day("05/11"), Some((5, 11)));
        assert_eq!(parse_month_day("2月29日"), Some((2, 29)));
        assert_eq!(parse_month_day("13/01"), None);
    }

    #[test]
    fn cp932_minus_and_bom_decoding() {
        // 0x817C is the full-width minus in CP932 (U+FF0D), which strict Shift_JIS maps to U+2212.
        let (text, encoding) = decode_csv(b"\x81\x7c100");
        assert_eq!(encoding, TextEncoding::Cp932);
        assert_eq!(amount(&text), Some(Decimal::from(-100)));
        let (text, encoding) = decode_csv("\u{feff}取引日".as_bytes());
        assert_eq!((text.as_str(), encoding), ("取引日", TextEncoding::Utf8));
    }
}
