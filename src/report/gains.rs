//! 評価損益 over holdings, per account, per asset class and in total: each account's latest
//! holdings on or before the report's date. A holding is summed only when its valuation and its
//! cost are both known and in yen; the others are counted apart (価格不明, no cost, another
//! currency), never as ¥0.

use super::assets::asset_class;
use super::decimal;
use crate::error::{GimsError, Result};
use crate::ledger::Ledger;
use crate::ledger::gain_of;
use crate::ledger::groups::{Scope, scope_accounts};
use gims_connectors::AccountKind;
use rusqlite::params;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Gains {
    /// Over every holding summed; `None` when there is none.
    pub total: Option<GainFigures>,
    pub classes: Vec<ClassGain>,
    pub accounts: Vec<AccountGain>,
    /// Holdings left out of the sums: no price (価格不明), no cost, or not in yen.
    pub left_out: u32,
}

/// Valuation, cost and 評価損益 in yen (decimal strings), and the gain as a fraction of the cost
/// (four places, half to even; `None` when nothing was paid).
#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GainFigures {
    pub value: String,
    pub cost: String,
    pub gain: String,
    pub gain_ratio: Option<String>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClassGain {
    pub class: &'static str,
    pub figures: GainFigures,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountGain {
    pub account_id: i64,
    pub figures: GainFigures,
}

#[derive(Clone, Copy, Default)]
struct Sum {
    value: i64,
    cost: i64,
}

impl Sum {
    fn add(&mut self, value: i64, cost: i64) {
        self.value += value;
        self.cost += cost;
    }

    fn figures(self) -> GainFigures {
        let (gain, ratio) = gain_of(Some(self.value), Some(self.cost)).expect("both known");
        GainFigures {
            value: decimal(self.value, "JPY"),
            cost: decimal(self.cost, "JPY"),
            gain: decimal(gain, "JPY"),
            gain_ratio: ratio.map(|ratio| format!("{ratio:.4}")),
        }
    }
}

/// The gains of the holdings in `scope` (accounts counted in totals) as of the end of `date`.
pub fn gains(ledger: &Ledger, date: &str, scope: &Scope) -> Result<Gains> {
    let accounts = scope_accounts(&ledger.conn, scope)?;
    let mut statement = ledger.conn.prepare_cached(
        "SELECT h.account_id, a.kind, h.value, h.cost, h.currency
         FROM holdings h JOIN accounts a ON a.id = h.account_id
         WHERE a.included = 1 AND h.account_id IN (SELECT value FROM json_each(?1))
           AND h.as_of = (SELECT max(l.as_of) FROM holdings l WHERE l.account_id = h.account_id AND l.as_of <= ?2)
         ORDER BY h.account_id, h.id",
    )?;
    let rows = statement.query_map(params![accounts.json(), date], |row| {
        Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?, row.get(2)?, row.get(3)?, row.get::<_, String>(4)?))
    })?;
    let mut gains = Gains::default();
    let (mut total, mut by_class, mut by_account) = (Sum::default(), BTreeMap::new(), BTreeMap::new());
    for row in rows {
        let (account, kind, value, cost, currency): (i64, String, Option<i64>, Option<i64>, String) = row?;
        let (Some(value), Some(cost), "JPY") = (value, cost, currency.as_str()) else {
            gains.left_out += 1;
            continue;
        };
        let kind: AccountKind = kind.parse().map_err(GimsError::internal)?;
        total.add(value, cost);
        by_class.entry(asset_class(kind)).or_insert_with(Sum::default).add(value, cost);
        by_account.entry(account).or_insert_with(Sum::default).add(value, cost);
    }
    let summed = !by_account.is_empty();
    gains.total = summed.then(|| total.figures());
    gains.classes = by_class.into_iter().map(|(class, sum)| ClassGain { class, figures: sum.figures() }).collect();
    gains.accounts =
        by_account.into_iter().map(|(account_id, sum)| AccountGain { account_id, figures: sum.figures() }).collect();
    Ok(gains)
}
