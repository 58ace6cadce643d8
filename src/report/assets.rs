//! What the user owns and owes: the composition on a date, its history (資産推移) by asset class,
//! and points or e-money about to expire. Linked accounts are valued by the latest balance their
//! institution reported on or before each date; manual accounts by their opening balance plus
//! their transactions, read from the per-month totals and, within a month, the day's rows.

use super::decimal;
use crate::error::{GimsError, Result};
use crate::ledger::Ledger;
use crate::ledger::groups::{Scope, ScopeAccounts, scope_accounts};
use crate::ledger::rates::{RateRow, Rates, in_yen};
use gims_connectors::AccountKind;
use rusqlite::params;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use time::{Date, Duration};

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AssetReport {
    pub date: String,
    pub currency: String,
    /// Net worth: assets minus liabilities (card balances, loans).
    pub total: String,
    /// Everything owned, before liabilities.
    pub assets: String,
    /// What is owed, as a positive amount.
    pub liabilities: String,
    pub classes: Vec<AssetClassLine>,
    /// Accounts in other currencies valued in yen at a rate that says where it came from; they
    /// are in the totals and the classes.
    pub converted: Vec<ConvertedAccount>,
    /// Accounts in other currencies with no rate on or before the date: shown, never added 1:1.
    pub unvalued: Vec<UnvaluedAccount>,
    /// 評価損益 of the holdings, per account, per class and in total.
    pub gains: super::Gains,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AssetClassLine {
    pub class: &'static str,
    pub amount: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UnvaluedAccount {
    pub account_id: i64,
    pub currency: String,
    pub balance: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConvertedAccount {
    pub account_id: i64,
    pub currency: String,
    /// In the account's currency.
    pub balance: String,
    /// In yen, rounded half to even.
    pub value: String,
    pub rate: RateRow,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryReport {
    pub from: String,
    pub to: String,
    /// `day` or `month` (month ends, and `to` itself when it falls inside a month).
    pub interval: &'static str,
    pub currency: String,
    pub points: Vec<HistoryPoint>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryPoint {
    pub date: String,
    /// Net worth at the end of `date`; `None` (JSON `null`) when no account in the scope has a
    /// recorded balance by then — before the first fetch, a day has no data, not ¥0.
    pub total: Option<String>,
    pub classes: Vec<AssetClassLine>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExpiringLine {
    pub account_id: i64,
    pub account: String,
    pub expires_on: String,
    pub amount: String,
    pub currency: String,
}

/// The asset class an account's balance counts in.
pub fn asset_class(kind: AccountKind) -> &'static str {
    match kind {
        AccountKind::Cash | AccountKind::Bank => "deposits",
        AccountKind::Securities | AccountKind::Pension => "securities",
        AccountKind::Crypto => "crypto",
        AccountKind::Points | AccountKind::Miles => "points",
        AccountKind::Emoney => "emoney",
        AccountKind::Card | AccountKind::Loan => "liabilities",
        AccountKind::Other => "other",
    }
}

const CLASS_ORDER: &[&str] = &["deposits", "securities", "crypto", "points", "emoney", "other", "liabilities"];

/// What the user owned (and owed) at the end of `date` (`YYYY-MM-DD`).
pub fn assets(ledger: &Ledger, date: &str, scope: &Scope) -> Result<AssetReport> {
    let day = parse(date)?;
    let valuation = Valuation::load(ledger, &scope_accounts(&ledger.conn, scope)?, true, &[day])?;
    let rates = Rates::load(&ledger.conn)?;
    let balances = valuation.at(day);
    let mut by_class: BTreeMap<&'static str, i64> = BTreeMap::new();
    let (mut converted, mut unvalued) = (Vec::new(), Vec::new());
    let date = day.to_string();
    for (account, balance) in valuation.accounts.iter().zip(balances) {
        let Some(balance) = balance else { continue };
        match in_yen_on(&rates, account, balance, &date) {
            Yen::Same => *by_class.entry(account.class).or_default() += balance,
            Yen::Converted(value, rate) => {
                *by_class.entry(account.class).or_default() += value;
                converted.push(ConvertedAccount {
                    account_id: account.id,
                    currency: account.currency.clone(),
                    balance: decimal(balance, &account.currency),
                    value: decimal(value, "JPY"),
                    rate: rate.clone(),
                });
            }
            Yen::NoRate => unvalued.push(UnvaluedAccount {
                account_id: account.id,
                balance: decimal(balance, &account.currency),
                currency: account.currency.clone(),
            }),
        }
    }
    let liabilities: i64 = by_class.get("liabilities").copied().unwrap_or(0);
    let total: i64 = by_class.values().sum();
    Ok(AssetReport {
        date: day.to_string(),
        currency: "JPY".into(),
        total: decimal(total, "JPY"),
        assets: decimal(total - liabilities, "JPY"),
        liabilities: decimal(-liabilities, "JPY"),
        classes: class_lines(&by_class),
        converted,
        unvalued,
        gains: super::gains(ledger, &day.to_string(), scope)?,
    })
}

/// Asset history from `from` to `to` by day or by month end, in yen, by class.
pub fn history(ledger: &Ledger, from: &str, to: &str, interval: &str, scope: &Scope) -> Result<HistoryReport> {
    let (from, to) = (parse(from)?, parse(to)?);
    if from > to {
        return Err(GimsError::invalid("from", format!("{from} is after {to}")));
    }
    let (interval, points) = points_of(from, to, interval)?;
    let valuation = Valuation::load(ledger, &scope_accounts(&ledger.conn, scope)?, true, &points)?;
    let rates = Rates::load(&ledger.conn)?;
    let points = points
        .into_iter()
        .map(|day| {
            let mut by_class: BTreeMap<&'static str, i64> = BTreeMap::new();
            let mut recorded = false;
            let date = day.to_string();
            for (account, balance) in valuation.accounts.iter().zip(valuation.at(day)) {
                let Some(balance) = balance else { continue };
                // A figure without a rate that day is not in the history (never added 1:1).
                let yen = match in_yen_on(&rates, account, balance, &date) {
                    Yen::Same => balance,
                    Yen::Converted(value, _) => value,
                    Yen::NoRate => continue,
                };
                *by_class.entry(account.class).or_default() += yen;
                recorded = true;
            }
            HistoryPoint {
                date: day.to_string(),
                total: recorded.then(|| decimal(by_class.values().sum(), "JPY")),
                classes: class_lines(&by_class),
            }
        })
        .collect();
    Ok(HistoryReport { from: from.to_string(), to: to.to_string(), interval, currency: "JPY".into(), points })
}

enum Yen<'a> {
    /// A yen account.
    Same,
    /// Valued at this rate.
    Converted(i64, &'a RateRow),
    /// Another currency with no rate on or before the day.
    NoRate,
}

fn in_yen_on<'a>(rates: &'a Rates, account: &ValuedAccount, balance: i64, date: &str) -> Yen<'a> {
    if account.currency == "JPY" {
        return Yen::Same;
    }
    match rates.on_or_before(&account.currency, date) {
        Some((row, rate)) => {
            in_yen(balance, &account.currency, rate).map_or(Yen::NoRate, |yen| Yen::Converted(yen, row))
        }
        None => Yen::NoRate,
    }
}

/// Points and e-money expiring from `today` to `today + days`, soonest first.
pub fn expiring(ledger: &Ledger, today: &str, days: u32, scope: &Scope) -> Result<Vec<ExpiringLine>> {
    let today = parse(today)?;
    let until = today + Duration::days(i64::from(days));
    let accounts = scope_accounts(&ledger.conn, scope)?;
    let mut statement = ledger.conn.prepare(
        "SELECT e.account_id, a.name, e.expires_on, e.amount, a.currency
         FROM expiries e JOIN accounts a ON a.id = e.account_id
         WHERE e.expires_on BETWEEN ?1 AND ?2 AND e.account_id IN (SELECT value FROM json_each(?3))
         ORDER BY e.expires_on, e.account_id",
    )?;
    let rows = statement.query_map(params![today.to_string(), until.to_string(), accounts.json()], |row| {
        let currency: String = row.get(4)?;
        Ok(ExpiringLine {
            account_id: row.get(0)?,
            account: row.get(1)?,
            expires_on: row.get(2)?,
            amount: decimal(row.get(3)?, &currency),
            currency,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn class_lines(by_class: &BTreeMap<&'static str, i64>) -> Vec<AssetClassLine> {
    CLASS_ORDER
        .iter()
        .filter_map(|class| by_class.get(class).map(|amount| AssetClassLine { class, amount: decimal(*amount, "JPY") }))
        .collect()
}

/// The days a history values: every day from `from` to `to`, or each month end and `to` itself.
pub(super) fn points_of(from: Date, to: Date, interval: &str) -> Result<(&'static str, Vec<Date>)> {
    Ok(match interval.trim() {
        "day" | "daily" => {
            if (to - from).whole_days() > 3700 {
                return Err(GimsError::invalid("interval", "daily history covers at most ten years; use month"));
            }
            let mut days = Vec::new();
            let mut day = from;
            while day <= to {
                days.push(day);
                day += Duration::days(1);
            }
            ("day", days)
        }
        "month" | "monthly" => {
            let mut ends = Vec::new();
            let mut day = month_end(from);
            while day < to {
                ends.push(day);
                day = month_end(day + Duration::days(1));
            }
            ends.push(to);
            ("month", ends)
        }
        other => return Err(GimsError::invalid("interval", format!("`{other}` is not day or month"))),
    })
}

pub(super) fn parse(text: &str) -> Result<Date> {
    let normalised = crate::api::parse_date("date", text)?;
    crate::refresh::endpoint::parse_iso_date(&normalised)
        .ok_or_else(|| GimsError::internal("a checked date did not parse"))
}

fn month_end(day: Date) -> Date {
    Date::from_calendar_date(day.year(), day.month(), day.month().length(day.year()))
        .expect("a month's last day exists")
}

pub(super) struct ValuedAccount {
    pub(super) id: i64,
    class: &'static str,
    pub(super) currency: String,
    /// Manual accounts: the opening balance, monthly nets and daily nets; linked: snapshots.
    source: Source,
}

enum Source {
    Manual {
        /// The first day with a known balance: the day the account was added, or its first
        /// row if that is earlier (a file's history). Before it the account has no data.
        since: String,
        opening: i64,
        /// (YYYY-MM, net of every row that month), ascending.
        months: Vec<(String, i64)>,
        /// (date, net of that day), ascending, only for the days the valuation needs.
        days: Vec<(String, i64)>,
    },
    Linked {
        /// (as_of, balance), ascending.
        snapshots: Vec<(String, i64)>,
    },
}

impl ValuedAccount {
    /// The first day this account has a balance for (`None`: no balance recorded yet).
    pub(super) fn first_day(&self) -> Option<&str> {
        match &self.source {
            Source::Manual { since, .. } => (since.as_str() != "9999").then_some(since.as_str()),
            Source::Linked { snapshots } => snapshots.first().map(|(as_of, _)| as_of.as_str()),
        }
    }
}

/// Everything needed to value the scope's accounts on any day in a range, loaded in a few queries.
pub(super) struct Valuation {
    pub(super) accounts: Vec<ValuedAccount>,
}

impl Valuation {
    /// `points`: the days to value, ascending. `included_only`: leave out the accounts the user
    /// keeps out of the totals (a report's sums); one account's own history keeps them.
    pub(super) fn load(
        ledger: &Ledger,
        scoped: &ScopeAccounts,
        included_only: bool,
        points: &[Date],
    ) -> Result<Valuation> {
        let last = *points.last().ok_or_else(|| GimsError::internal("a valuation needs a day"))?;
        let conn = &ledger.conn;
        let mut statement = conn.prepare_cached(
            "SELECT id, kind, currency, connection_id IS NULL OR balance_from_transactions = 1, opening_balance,
                    min(substr(created_at, 1, 10), coalesce((SELECT min(t.date) FROM transactions t WHERE t.account_id = accounts.id), '9999'))
             FROM accounts
             WHERE (included = 1 OR ?2 = 0) AND id IN (SELECT value FROM json_each(?1)) ORDER BY id",
        )?;
        let rows: Vec<(i64, String, String, bool, i64, String)> = statement
            .query_map(params![scoped.json(), included_only], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })?
            .collect::<rusqlite::Result<_>>()?;

        let mut months: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
        let mut month_rows = conn.prepare_cached(
            "SELECT account_id, month, sum(money_in + money_out) FROM month_totals
             WHERE account_id IN (SELECT value FROM json_each(?1)) AND month <= ?2
             GROUP BY account_id, month ORDER BY account_id, month",
        )?;
        let last_month = &last.to_string()[..7];
        for row in
            month_rows.query_map(params![scoped.json(), last_month], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        {
            let (account, month, net): (i64, String, i64) = row?;
            months.entry(account).or_default().push((month, net));
        }
        // Within-month days: only for the months that hold a point which is not a month end (a
        // monthly history needs at most its last month; a daily one, its whole range).
        let mut partial_months: Vec<Date> = points
            .iter()
            .filter(|day| **day != month_end(**day))
            .map(|day| Date::from_calendar_date(day.year(), day.month(), 1).expect("the first of a month exists"))
            .collect();
        partial_months.dedup();
        let mut days: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
        let mut day_rows = conn.prepare_cached(
            "SELECT account_id, date, sum(amount) FROM transactions
             WHERE date BETWEEN ?1 AND ?2 AND account_id IN (SELECT value FROM json_each(?3))
             GROUP BY account_id, date ORDER BY account_id, date",
        )?;
        for first in partial_months {
            let query = params![first.to_string(), month_end(first).min(last).to_string(), scoped.json()];
            for row in day_rows.query_map(query, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
                let (account, date, net): (i64, String, i64) = row?;
                days.entry(account).or_default().push((date, net));
            }
        }
        for list in days.values_mut() {
            list.sort();
        }
        let mut snapshots: HashMap<i64, Vec<(String, i64)>> = HashMap::new();
        let mut snapshot_rows = conn.prepare_cached(
            "SELECT s.account_id, s.as_of, s.balance FROM balance_snapshots s
             WHERE s.account_id IN (SELECT value FROM json_each(?1)) AND s.as_of <= ?2
             ORDER BY s.account_id, s.as_of, s.id",
        )?;
        for row in snapshot_rows
            .query_map(params![scoped.json(), last.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        {
            let (account, as_of, balance): (i64, String, i64) = row?;
            snapshots.entry(account).or_default().push((as_of, balance));
        }

        let mut accounts = Vec::new();
        for (id, kind, currency, manual, opening, since) in rows {
            let kind: AccountKind = kind.parse().map_err(GimsError::internal)?;
            let source = if manual {
                Source::Manual {
                    since,
                    opening,
                    months: months.remove(&id).unwrap_or_default(),
                    days: days.remove(&id).unwrap_or_default(),
                }
            } else {
                Source::Linked { snapshots: snapshots.remove(&id).unwrap_or_default() }
            };
            accounts.push(ValuedAccount { id, class: asset_class(kind), currency, source });
        }
        Ok(Valuation { accounts })
    }

    /// Each account's balance at the end of `day`; `None` for an account with no data yet then
    /// (a linked one before its first snapshot, a manual one before it was added or first used).
    pub(super) fn at(&self, day: Date) -> Vec<Option<i64>> {
        let date = day.to_string();
        let month = &date[..7];
        let whole_month = day == month_end(day);
        self.accounts
            .iter()
            .map(|account| match &account.source {
                Source::Manual { since, .. } if date.as_str() < since.as_str() => None,
                Source::Manual { opening, months, days, .. } => {
                    let before: i64 = months.iter().take_while(|(m, _)| m.as_str() < month).map(|(_, net)| net).sum();
                    let within: i64 = if whole_month {
                        months.iter().find(|(m, _)| m == month).map_or(0, |(_, net)| *net)
                    } else {
                        days.iter()
                            .skip_while(|(d, _)| &d[..7] < month)
                            .take_while(|(d, _)| d.as_str() <= date.as_str())
                            .map(|(_, net)| net)
                            .sum()
                    };
                    Some(opening + before + within)
                }
                Source::Linked { snapshots } => {
                    let index = snapshots.partition_point(|(as_of, _)| as_of.as_str() <= date.as_str());
                    index.checked_sub(1).map(|i| snapshots[i].1)
                }
            })
            .collect()
    }
}
