//! How Japanese sites print numbers and dates: `1,234,567円`, `-1,234円`, `+540円`, `1,234pt`,
//! `123,456口`, `2,845.5円`, `24,500円（1万口あたり）`, `2026/11/28`. Pure functions; each answers
//! `None` for text it does not recognise, so the caller can say which page changed.

use rust_decimal::Decimal;
use std::str::FromStr;
use time::{Date, Month};

/// A signed decimal followed by `unit` (`円`, `pt`, `口`, `株`): thousands separators allowed, an
/// optional leading `+` or `-`, an optional fraction. Surrounding whitespace is ignored.
pub fn number_with_unit(text: &str, unit: &str) -> Option<Decimal> {
    let number = text.trim().strip_suffix(unit)?.trim();
    let (negative, digits) = match number.as_bytes().first()? {
        b'-' => (true, &number[1..]),
        b'+' => (false, &number[1..]),
        _ => (false, number),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    if !well_grouped(whole) || fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let plain = match fraction {
        Some(fraction) => format!("{}.{fraction}", whole.replace(',', "")),
        None => whole.replace(',', ""),
    };
    let value = Decimal::from_str(&plain).ok()?;
    Some(if negative { -value } else { value })
}

/// `1,234,567` with separators every three digits from the right, or `1234567` without any.
fn well_grouped(whole: &str) -> bool {
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return false;
    }
    if !whole.contains(',') {
        return true;
    }
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or_default();
    (1..=3).contains(&first.len()) && groups.all(|group| group.len() == 3)
}

/// `1,234,567円`, `-1,234円`, `+540円`.
pub fn yen(text: &str) -> Option<Decimal> {
    number_with_unit(text, "円")
}

/// `1,234pt`, `+120pt`, `-500pt`.
pub fn points(text: &str) -> Option<Decimal> {
    number_with_unit(text, "pt")
}

/// `300株` (shares) or `123,456口` (fund units).
pub fn quantity(text: &str) -> Option<Decimal> {
    number_with_unit(text, "株").or_else(|| number_with_unit(text, "口"))
}

/// The price of one unit: `2,845.5円` per share, or `24,500円（1万口あたり）` per 10,000 units
/// (funds quote 基準価額 per 10,000口), which is divided down so that quantity × price = value.
pub fn unit_price(text: &str) -> Option<Decimal> {
    let text = text.trim();
    match text.strip_suffix("（1万口あたり）") {
        Some(per_ten_thousand) => Some(yen(per_ten_thousand)? / Decimal::from(10_000)),
        None => yen(text),
    }
}

/// The quantity a price is quoted for: 10,000 for `24,500円（1万口あたり）`, else 1.
pub fn price_basis(text: &str) -> u32 {
    if text.trim().ends_with("（1万口あたり）") { 10_000 } else { 1 }
}

/// `2026/11/28` (zero-padded or not).
pub fn slash_date(text: &str) -> Option<Date> {
    calendar_date(text.trim(), '/')
}

/// `2026-11-28`, as in `data-date` attributes and JSON.
pub fn iso_date(text: &str) -> Option<Date> {
    calendar_date(text.trim(), '-')
}

fn calendar_date(text: &str, separator: char) -> Option<Date> {
    let mut parts = text.split(separator);
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || year.len() != 4 {
        return None;
    }
    if ![year, month, day].iter().all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let month = Month::try_from(month.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    #[test]
    fn reads_yen_as_printed() {
        assert_eq!(yen("1,234,567円"), Some(d("1234567")));
        assert_eq!(yen(" -1,234円 "), Some(d("-1234")));
        assert_eq!(yen("+540円"), Some(d("540")));
        assert_eq!(yen("0円"), Some(d("0")));
        assert_eq!(yen("999円"), Some(d("999")));
        assert_eq!(yen("2,845.5円"), Some(d("2845.5")));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for text in
            ["", "円", "1,234", "1,23円", "12,3456円", "1.2.3円", "abc円", "-円", "1.円", "１,２３４円", "1 234円"]
        {
            assert_eq!(yen(text), None, "{text:?}");
        }
        assert_eq!(points("1,234円"), None);
    }

    #[test]
    fn reads_points_quantities_and_prices() {
        assert_eq!(points("1,234pt"), Some(d("1234")));
        assert_eq!(points("+120pt"), Some(d("120")));
        assert_eq!(points("-500pt"), Some(d("-500")));
        assert_eq!(quantity("300株"), Some(d("300")));
        assert_eq!(quantity("123,456口"), Some(d("123456")));
        assert_eq!(quantity("300"), None);
        assert_eq!(unit_price("2,845.5円"), Some(d("2845.5")));
        assert_eq!(unit_price("24,500円（1万口あたり）"), Some(d("2.45")));
        assert_eq!(unit_price("24,500（1万口あたり）"), None);
        assert_eq!((price_basis("24,500円（1万口あたり）"), price_basis("2,845.5円")), (10_000, 1));
    }

    #[test]
    fn reads_dates() {
        assert_eq!(slash_date("2026/11/28"), Some(date!(2026 - 11 - 28)));
        assert_eq!(slash_date("2026/1/5"), Some(date!(2026 - 01 - 05)));
        assert_eq!(iso_date("2026-11-28"), Some(date!(2026 - 11 - 28)));
        for text in ["2026/13/01", "2026/02/30", "26/11/28", "2026-11-28", "2026/11", "2026/11/28/1", "2026/+1/01"] {
            assert_eq!(slash_date(text), None, "{text:?}");
        }
    }
}
