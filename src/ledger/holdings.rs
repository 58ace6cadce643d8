//! Holdings: positions (funds, stocks, coins) as the latest refresh reported them.

use super::Ledger;
use crate::error::Result;
use crate::money::{Amount, Currency};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct HoldingRow {
    pub account_id: i64,
    pub asset: String,
    pub code: Option<String>,
    /// Exactly as the institution reported it.
    pub quantity: String,
    pub price: Option<String>,
    /// Valuation in `currency` (decimal string); `None` when unknown.
    pub value: Option<String>,
    pub cost: Option<String>,
    pub currency: String,
    pub as_of: String,
}

impl Ledger {
    /// Each account's holdings from its latest day of holdings.
    pub fn holdings(&self, account_id: Option<i64>) -> Result<Vec<HoldingRow>> {
        let mut statement = self.conn.prepare(
            "SELECT h.account_id, h.asset, h.asset_code, h.quantity, h.price, h.value, h.cost, h.currency, h.as_of
             FROM holdings h
             WHERE (?1 IS NULL OR h.account_id = ?1)
               AND h.as_of = (SELECT max(as_of) FROM holdings latest WHERE latest.account_id = h.account_id)
             ORDER BY h.account_id, h.id",
        )?;
        let rows = statement.query_map([account_id], |row| {
            let currency_text: String = row.get(7)?;
            let money = |minor: Option<i64>| {
                minor.map(|m| match Currency::parse(&currency_text) {
                    Ok(currency) => Amount::from_minor(m, currency).to_decimal_string(),
                    Err(_) => m.to_string(),
                })
            };
            Ok(HoldingRow {
                account_id: row.get(0)?,
                asset: row.get(1)?,
                code: row.get(2)?,
                quantity: row.get(3)?,
                price: row.get(4)?,
                value: money(row.get(5)?),
                cost: money(row.get(6)?),
                as_of: row.get(8)?,
                currency: currency_text.clone(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
