//! Rates that value other currencies in yen (USD, EUR, BTC …), each with where it came from: a
//! rate the user typed with its date (`gims rate set USD 151.20`), an exchange's own ticker at a
//! refresh, or an institution's own figure. A figure is valued at the latest rate on or before its
//! day; on one day a typed rate wins (the user said so). Without a rate nothing is converted.

use super::Ledger;
use crate::error::{GimsError, Result};
use crate::money::Currency;
use rusqlite::{Connection, params};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RateRow {
    pub currency: String,
    /// Yen for one unit, exactly as typed or reported.
    pub rate: String,
    pub as_of: String,
    /// `user`, `exchange` or `institution`.
    pub source: String,
    /// The institution's catalog id for `exchange` and `institution` rates.
    pub source_detail: Option<String>,
}

/// A row of `SELECT currency, rate, as_of, source, source_detail FROM rates`.
fn rate_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RateRow> {
    Ok(RateRow { currency: r.get(0)?, rate: r.get(1)?, as_of: r.get(2)?, source: r.get(3)?, source_detail: r.get(4)? })
}

/// Every rate of the ledger by currency, oldest first, for valuing figures on any day.
pub struct Rates {
    by_currency: HashMap<String, Vec<(RateRow, Decimal)>>,
}

/// Which source wins on the same day: the user's own rate, then the institution's, then a ticker.
fn priority(source: &str) -> u8 {
    match source {
        "user" => 2,
        "institution" => 1,
        _ => 0,
    }
}

impl Rates {
    pub fn load(conn: &Connection) -> Result<Rates> {
        let mut statement = conn.prepare_cached(
            "SELECT currency, rate, as_of, source, source_detail FROM rates ORDER BY currency, as_of, id",
        )?;
        let rows = statement.query_map([], rate_row)?;
        let mut by_currency: HashMap<String, Vec<(RateRow, Decimal)>> = HashMap::new();
        for row in rows {
            let row = row?;
            let rate: Decimal = row
                .rate
                .parse()
                .map_err(|_| GimsError::internal(format!("a stored rate `{}` is not a decimal", row.rate)))?;
            by_currency.entry(row.currency.clone()).or_default().push((row, rate));
        }
        for list in by_currency.values_mut() {
            list.sort_by(|(a, _), (b, _)| a.as_of.cmp(&b.as_of).then(priority(&a.source).cmp(&priority(&b.source))));
        }
        Ok(Rates { by_currency })
    }

    /// The rate of `currency` in force at the end of `date` (`YYYY-MM-DD`).
    pub fn on_or_before(&self, currency: &str, date: &str) -> Option<(&RateRow, Decimal)> {
        let list = self.by_currency.get(currency)?;
        let index = list.partition_point(|(row, _)| row.as_of.as_str() <= date);
        index.checked_sub(1).map(|i| (&list[i].0, list[i].1))
    }
}

/// `minor` units of `currency` in yen at `rate`, rounded half to even to the yen; `None` if it
/// does not fit.
pub fn in_yen(minor: i64, currency: &str, rate: Decimal) -> Option<i64> {
    let exponent = Currency::parse(currency).map(|c| c.exponent()).unwrap_or(0);
    let amount = Decimal::try_from_i128_with_scale(i128::from(minor), exponent).ok()?;
    let yen = amount.checked_mul(rate)?.round_dp_with_strategy(0, RoundingStrategy::MidpointNearestEven);
    i64::try_from(yen.mantissa() / 10i128.pow(yen.scale())).ok()
}

/// A rate as typed or reported: a positive decimal.
pub fn parse_rate(text: &str) -> Result<Decimal> {
    let cleaned: String = text.trim().chars().filter(|c| *c != ',').collect();
    match Decimal::from_str_exact(&cleaned) {
        Ok(rate) if rate > Decimal::ZERO => Ok(rate.normalize()),
        _ => Err(GimsError::invalid("rate", format!("`{text}` is not a positive number of yen (e.g. 151.20)"))),
    }
}

/// Records a rate inside a transaction; the same currency, day and source is replaced.
pub(crate) fn record_rate_in(conn: &Connection, row: &RateRow, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO rates (currency, rate, as_of, source, source_detail, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (currency, as_of, source) DO UPDATE SET rate = excluded.rate, source_detail = excluded.source_detail,
                                                             recorded_at = excluded.recorded_at",
        params![row.currency, row.rate, row.as_of, row.source, row.source_detail, now],
    )?;
    Ok(())
}

impl Ledger {
    /// The user's rate for `currency` on `as_of`: yen for one unit.
    pub fn set_rate(&mut self, currency: &str, rate: &str, as_of: &str, now: &str) -> Result<RateRow> {
        let currency = Currency::parse(currency).map_err(|e| GimsError::invalid("currency", e))?;
        if currency.code() == "JPY" {
            return Err(GimsError::invalid("currency", "yen needs no rate"));
        }
        let row = RateRow {
            currency: currency.code().to_string(),
            rate: parse_rate(rate)?.to_string(),
            as_of: as_of.to_string(),
            source: "user".into(),
            source_detail: None,
        };
        record_rate_in(&self.conn, &row, now)?;
        Ok(row)
    }

    /// Each currency's latest rate of each source, by currency.
    pub fn rates(&self) -> Result<Vec<RateRow>> {
        let mut statement = self.conn.prepare(
            "SELECT currency, rate, as_of, source, source_detail FROM rates r
             WHERE as_of = (SELECT max(as_of) FROM rates l WHERE l.currency = r.currency AND l.source = r.source)
             ORDER BY currency, as_of DESC, source",
        )?;
        let rows = statement.query_map([], rate_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_valued_in_yen_exactly_and_rounded_half_to_even() {
        // $1,234.56 at ¥151.20 is ¥186,665.472 → ¥186,665.
        assert_eq!(in_yen(123_456, "USD", "151.20".parse().unwrap()), Some(186_665));
        // 0.12345678 BTC at ¥15,000,000 is ¥1,851,851.7 → ¥1,851,852.
        assert_eq!(in_yen(12_345_678, "BTC", "15000000".parse().unwrap()), Some(1_851_852));
        // Half to even: $0.05 at ¥10 is ¥0.5 → ¥0; $0.15 → ¥1.5 → ¥2; a debt stays negative.
        assert_eq!(in_yen(5, "USD", Decimal::TEN), Some(0));
        assert_eq!(in_yen(15, "USD", Decimal::TEN), Some(2));
        assert_eq!(in_yen(-123_456, "USD", "151.20".parse().unwrap()), Some(-186_665));
    }

    #[test]
    fn a_rate_is_positive_and_the_latest_on_or_before_the_day_applies_a_typed_one_first() {
        assert!(parse_rate("0").is_err() && parse_rate("-1").is_err() && parse_rate("abc").is_err());
        assert_eq!(parse_rate("1,151.200").unwrap().to_string(), "1151.2");
        let (_dir, mut ledger) = crate::ledger::test_ledger();
        assert!(ledger.set_rate("JPY", "1", "2026-11-01", "now").is_err());
        ledger.set_rate("usd", "150", "2026-11-01", "now").unwrap();
        let ticker = RateRow {
            currency: "USD".into(),
            rate: "149.5".into(),
            as_of: "2026-11-10".into(),
            source: "exchange".into(),
            source_detail: Some("bitflyer".into()),
        };
        record_rate_in(&ledger.conn, &ticker, "now").unwrap();
        ledger.set_rate("USD", "151.20", "2026-11-10", "now").unwrap();
        let rates = Rates::load(&ledger.conn).unwrap();
        let at = |day: &str| rates.on_or_before("USD", day).map(|(row, _)| (row.rate.clone(), row.source.clone()));
        assert_eq!(at("2026-10-31"), None, "no rate before the first one");
        assert_eq!(at("2026-11-09"), Some(("150".into(), "user".into())));
        assert_eq!(at("2026-11-10"), Some(("151.2".into(), "user".into())), "the user's rate wins on its day");
        assert_eq!(rates.on_or_before("EUR", "2026-11-10"), None);
        // Setting the same day again replaces it.
        ledger.set_rate("USD", "152", "2026-11-10", "now").unwrap();
        let listed = ledger.rates().unwrap();
        assert_eq!(listed.iter().filter(|r| r.source == "user").map(|r| r.rate.as_str()).collect::<Vec<_>>(), ["152"]);
    }
}
