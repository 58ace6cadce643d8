//! Holdings: positions (funds, stocks, coins) as the latest refresh reported them, with their
//! unrealized gain (評価損益) where both the valuation and the cost are known.

use super::Ledger;
use crate::error::Result;
use crate::money::{Amount, Currency};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HoldingRow {
    pub account_id: i64,
    pub asset: String,
    pub code: Option<String>,
    /// Exactly as the institution reported it.
    pub quantity: String,
    /// The price of one unit, exactly as stored (quantity × price = value).
    pub price: Option<String>,
    /// The quantity the institution quotes its price for: 1, or 10,000 for a fund (per 1万口).
    pub price_per: i64,
    /// The price as the institution shows it: `price` × `price_per` (a fund's 基準価額 per 1万口).
    pub quoted_price: Option<String>,
    /// Valuation in `currency` (decimal string); `None` when unknown.
    pub value: Option<String>,
    pub cost: Option<String>,
    /// 評価損益: valuation minus cost, in `currency`; `None` when either is unknown (a holding
    /// without a price is "価格不明", never counted as worth nothing).
    pub gain: Option<String>,
    /// The gain as a fraction of the cost (`"0.2346"` is +23.46%), four places, half to even;
    /// `None` when the gain is unknown or nothing was paid (points received, a zero cost).
    pub gain_ratio: Option<String>,
    pub currency: String,
    pub as_of: String,
}

/// 評価損益 from a valuation and a cost in minor units of one currency: `(gain, ratio)`, exact.
pub fn gain_of(value: Option<i64>, cost: Option<i64>) -> Option<(i64, Option<Decimal>)> {
    let (value, cost) = (value?, cost?);
    let gain = value.checked_sub(cost)?;
    let ratio = (cost > 0).then(|| {
        (Decimal::from(gain) / Decimal::from(cost)).round_dp_with_strategy(4, RoundingStrategy::MidpointNearestEven)
    });
    Some((gain, ratio))
}

/// A unit price times the quantity it is quoted for, exactly: ("2.45", 10000) → "24500".
fn quoted(unit: &str, per: i64) -> Option<String> {
    let unit: Decimal = unit.parse().ok()?;
    Some(unit.checked_mul(Decimal::from(per))?.normalize().to_string())
}

impl Ledger {
    /// Each account's holdings from its latest day of holdings.
    pub fn holdings(&self, account_id: Option<i64>) -> Result<Vec<HoldingRow>> {
        let mut statement = self.conn.prepare(
            "SELECT h.account_id, h.asset, h.asset_code, h.quantity, h.price, h.value, h.cost, h.currency, h.as_of,
                    h.price_per
             FROM holdings h
             WHERE (?1 IS NULL OR h.account_id = ?1)
               AND h.as_of = (SELECT max(as_of) FROM holdings latest WHERE latest.account_id = h.account_id)
             ORDER BY h.account_id, h.id",
        )?;
        let rows = statement.query_map([account_id], |row| {
            let currency_text: String = row.get(7)?;
            let (value, cost): (Option<i64>, Option<i64>) = (row.get(5)?, row.get(6)?);
            let gain = gain_of(value, cost);
            let money = |minor: Option<i64>| {
                minor.map(|m| match Currency::parse(&currency_text) {
                    Ok(currency) => Amount::from_minor(m, currency).to_decimal_string(),
                    Err(_) => m.to_string(),
                })
            };
            let price: Option<String> = row.get(4)?;
            let price_per: i64 = row.get(9)?;
            Ok(HoldingRow {
                account_id: row.get(0)?,
                asset: row.get(1)?,
                code: row.get(2)?,
                quantity: row.get(3)?,
                quoted_price: price.as_deref().and_then(|unit| quoted(unit, price_per)),
                price,
                price_per,
                value: money(value),
                cost: money(cost),
                gain: money(gain.map(|(gain, _)| gain)),
                gain_ratio: gain.and_then(|(_, ratio)| ratio).map(|ratio| format!("{ratio:.4}")),
                as_of: row.get(8)?,
                currency: currency_text.clone(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ratio(value: Option<i64>, cost: Option<i64>) -> Option<String> {
        gain_of(value, cost).and_then(|(_, ratio)| ratio).map(|ratio| format!("{ratio:.4}"))
    }

    #[test]
    fn gains_and_ratios_as_worked_out_by_hand() {
        // A fund bought for ¥1,000,000, now ¥1,234,567: +¥234,567, 234567 / 1000000 = 0.234567.
        assert_eq!(gain_of(Some(1_234_567), Some(1_000_000)).map(|g| g.0), Some(234_567));
        assert_eq!(ratio(Some(1_234_567), Some(1_000_000)).as_deref(), Some("0.2346"));
        // A loss: ¥950,000 for ¥1,000,000 is −¥50,000, −5.00%.
        assert_eq!(gain_of(Some(950_000), Some(1_000_000)).map(|g| g.0), Some(-50_000));
        assert_eq!(ratio(Some(950_000), Some(1_000_000)).as_deref(), Some("-0.0500"));
        // Half to even at the fourth place: 1/8 = 0.125 exactly → 0.1250; 0.00005 → 0.0000 / 0.00015 → 0.0002.
        assert_eq!(ratio(Some(1_125), Some(1_000)).as_deref(), Some("0.1250"));
        assert_eq!(ratio(Some(200_001), Some(200_000)).as_deref(), Some("0.0000"), "0.000005 rounds to nothing");
        assert_eq!(ratio(Some(2_000_003), Some(2_000_000)).as_deref(), Some("0.0000"));
        assert_eq!(ratio(Some(20_003), Some(20_000)).as_deref(), Some("0.0002"), "0.00015: half to even, up to 2");
        assert_eq!(ratio(Some(20_001), Some(20_000)).as_deref(), Some("0.0000"), "0.00005: half to even, down to 0");
        // Nothing paid (points received, a gift): the gain is the value, there is no ratio.
        assert_eq!(gain_of(Some(500), Some(0)), Some((500, None)));
        // No price (価格不明) or no cost: no gain at all, not a gain of −cost.
        assert_eq!(gain_of(None, Some(1_000)), None);
        assert_eq!(gain_of(Some(1_000), None), None);
    }

    #[test]
    fn a_fund_priced_per_ten_thousand_units_is_shown_as_quoted_and_gains_on_its_value() {
        let (_dir, mut ledger) = crate::ledger::test_ledger();
        let new = crate::ledger::NewManualAccount {
            name: "投信".into(),
            kind: gims_connectors::AccountKind::Securities,
            opening_balance: Amount::from_minor(0, Currency::jpy()),
        };
        let account = ledger.add_manual_account(&new, "2026-01-01T00:00:00Z").unwrap().id;
        // 200,000口 at 24,500円 per 1万口 (2.45 a unit) is ¥490,000, bought for ¥400,000:
        // +¥90,000, 90000 / 400000 = 0.2250. A share at ¥2,845.5 is quoted as it is.
        for (asset, quantity, price, per, value, cost) in [
            ("全世界株式", "200000", "2.45", 10_000, 490_000, 400_000),
            ("ソフトバンク", "100", "2845.5", 1, 284_550, 300_000),
        ] {
            ledger
                .conn
                .execute(
                    "INSERT INTO holdings (account_id, asset, quantity, price, price_per, value, cost, currency, as_of)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'JPY', '2026-11-30')",
                    rusqlite::params![account, asset, quantity, price, per, value, cost],
                )
                .unwrap();
        }
        let rows = ledger.holdings(Some(account)).unwrap();
        let shown = |r: &HoldingRow| {
            format!("{} {:?}/{} {:?} {:?}", r.asset, r.quoted_price, r.price_per, r.gain, r.gain_ratio)
        };
        assert_eq!(
            rows.iter().map(shown).collect::<Vec<_>>(),
            [
                r#"全世界株式 Some("24500")/10000 Some("90000") Some("0.2250")"#,
                r#"ソフトバンク Some("2845.5")/1 Some("-15450") Some("-0.0515")"#,
            ]
        );
    }

    #[test]
    fn a_coin_with_eight_decimals_keeps_every_satoshi() {
        // 0.12345678 BTC bought for 0.10000000 BTC's worth: minor units are satoshis.
        let (gain, ratio) = gain_of(Some(12_345_678), Some(10_000_000)).unwrap();
        assert_eq!(Amount::from_minor(gain, Currency::parse("BTC").unwrap()).to_decimal_string(), "0.02345678");
        assert_eq!(ratio.map(|r| format!("{r:.4}")).as_deref(), Some("0.2346"));
    }
}
