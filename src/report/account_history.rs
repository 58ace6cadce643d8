//! One account's balance history (口座の残高推移), in the account's own currency: what 資産 draws
//! when the user opens an account. The same valuation as the asset history (a linked account's
//! balances as its institution reported them, a manual one's from its rows), for one account
//! whether or not it counts in the totals; a day before its first balance has no data, not 0.

use super::assets::{Valuation, parse, points_of};
use super::decimal;
use crate::error::{GimsError, Result};
use crate::ledger::Ledger;
use crate::ledger::groups::ScopeAccounts;
use serde::Serialize;
use time::Date;

/// A whole history is drawn day by day up to this many days; longer, by month end.
const AUTO_DAILY_DAYS: i64 = 400;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountHistory {
    pub account_id: i64,
    pub account: String,
    pub currency: String,
    pub from: String,
    pub to: String,
    /// `day` or `month` (month ends, and `to` itself).
    pub interval: &'static str,
    /// The first day the account has a balance for; `None` when none is recorded yet.
    pub first_day: Option<String>,
    pub points: Vec<BalancePoint>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BalancePoint {
    pub date: String,
    /// The balance at the end of `date` in the account's currency; `None` (JSON `null`) before
    /// its first recorded balance.
    pub balance: Option<String>,
}

/// `account_id`'s balance from `from` (`None`: its first recorded day) to `to`, by `interval`:
/// `day`, `month`, or `auto` (day by day up to about a year and a month, else month ends).
pub fn account_history(
    ledger: &Ledger,
    account_id: i64,
    from: Option<&str>,
    to: &str,
    interval: &str,
) -> Result<AccountHistory> {
    let account = ledger.account(account_id)?.ok_or_else(|| {
        GimsError::invalid("account", format!("there is no account #{account_id} (see `gims accounts`)"))
    })?;
    let to = parse(to)?;
    let scoped = ScopeAccounts { ids: vec![account_id] };
    let first_day = Valuation::load(ledger, &scoped, false, &[to])?
        .accounts
        .first()
        .and_then(|valued| valued.first_day().map(str::to_owned));
    let from = match (from, first_day.as_deref()) {
        (Some(text), _) => parse(text)?,
        (None, Some(first)) => parse(first)?.min(to),
        (None, None) => to,
    };
    if from > to {
        return Err(GimsError::invalid("from", format!("{from} is after {to}")));
    }
    let interval = match interval.trim() {
        "auto" if (to - from).whole_days() <= AUTO_DAILY_DAYS => "day",
        "auto" => "month",
        other => other,
    };
    let (interval, days) = points_of(from, to, interval)?;
    let valuation = Valuation::load(ledger, &scoped, false, &days)?;
    let points = days
        .into_iter()
        .map(|day: Date| BalancePoint {
            date: day.to_string(),
            balance: valuation.at(day).first().copied().flatten().map(|minor| decimal(minor, &account.currency)),
        })
        .collect();
    Ok(AccountHistory {
        account_id,
        account: account.name,
        currency: account.currency,
        from: from.to_string(),
        to: to.to_string(),
        interval,
        first_day,
        points,
    })
}
