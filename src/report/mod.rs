//! Reports the core computes (the UI and the CLI only show them): a month's income and expense
//! by category, and the composition of assets on a date.
//!
//! How totals are counted: income is what lands in income categories (収入/…); spending is what
//! lands in expense categories, net of refunds in the same category (a ¥2,800 refund filed under
//! 食費 reduces 食費 by ¥2,800; it is not income). Uncategorised money in counts as income and
//! money out as spending, under 未分類. Transfers between the user's own accounts, rows excluded
//! from totals (計算対象外) and accounts excluded from totals count in neither. Totals are in yen;
//! other currencies are listed apart, never converted at a made-up rate.

use crate::error::{GimsError, Result};
use crate::ledger::Ledger;
use crate::money::{Amount, Currency};
use gims_connectors::AccountKind;
use rusqlite::params;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthlyReport {
    pub month: String,
    pub currency: String,
    pub income: String,
    pub expense: String,
    pub net: String,
    /// Each (大項目, 中項目) with money in it: `amount` signed as the money moved (spending
    /// negative), `kind` income / expense / uncategorised.
    pub categories: Vec<CategoryLine>,
    /// Counted in their own currency, not in the totals above.
    pub other_currencies: Vec<CurrencyTotals>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryLine {
    pub category: String,
    pub subcategory: Option<String>,
    pub kind: String,
    pub amount: String,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CurrencyTotals {
    pub currency: String,
    pub income: String,
    pub expense: String,
}

/// Income and spending of one month (`YYYY-MM`).
pub fn monthly(ledger: &Ledger, month: &str) -> Result<MonthlyReport> {
    let (first, last) = month_bounds(month)?;
    let mut statement = ledger.conn.prepare(
        "SELECT t.currency, c.kind, coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END,
                sum(t.amount), sum(CASE WHEN t.amount > 0 THEN t.amount ELSE 0 END), sum(CASE WHEN t.amount < 0 THEN t.amount ELSE 0 END)
         FROM transactions t
         JOIN categories c ON c.id = t.category_id
         LEFT JOIN categories p ON p.id = c.parent_id
         LEFT JOIN accounts a ON a.id = t.account_id
         WHERE t.date BETWEEN ?1 AND ?2 AND t.included = 1 AND t.transfer = 0
           AND (t.account_id IS NULL OR a.included = 1)
         GROUP BY t.currency, c.id
         ORDER BY coalesce(p.position, c.position), p.id IS NOT NULL, c.position",
    )?;
    struct Row {
        currency: String,
        kind: String,
        category: String,
        subcategory: Option<String>,
        net: i64,
        money_in: i64,
        money_out: i64,
    }
    let rows: Vec<Row> = statement
        .query_map(params![first, last], |row| {
            Ok(Row {
                currency: row.get(0)?,
                kind: row.get(1)?,
                category: row.get(2)?,
                subcategory: row.get(3)?,
                net: row.get(4)?,
                money_in: row.get(5)?,
                money_out: row.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;

    let mut totals: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let mut categories = Vec::new();
    for row in &rows {
        let (income, expense) = totals.entry(row.currency.clone()).or_default();
        match row.kind.as_str() {
            "income" => *income += row.net,
            "expense" => *expense -= row.net,
            _ => {
                *income += row.money_in;
                *expense -= row.money_out;
            }
        }
        if row.currency == "JPY" {
            categories.push(CategoryLine {
                category: row.category.clone(),
                subcategory: row.subcategory.clone(),
                kind: row.kind.clone(),
                amount: decimal(row.net, "JPY"),
            });
        }
    }
    let (income, expense) = totals.remove("JPY").unwrap_or_default();
    let other_currencies = totals
        .into_iter()
        .map(|(currency, (income, expense))| CurrencyTotals {
            income: decimal(income, &currency),
            expense: decimal(expense, &currency),
            currency,
        })
        .collect();
    Ok(MonthlyReport {
        month: month.to_string(),
        currency: "JPY".into(),
        income: decimal(income, "JPY"),
        expense: decimal(expense, "JPY"),
        net: decimal(income - expense, "JPY"),
        categories,
        other_currencies,
    })
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AssetReport {
    pub date: String,
    pub currency: String,
    /// Assets minus liabilities (card balances, loans).
    pub total: String,
    pub classes: Vec<AssetClassLine>,
    /// Accounts in other currencies: shown, not converted.
    pub unvalued: Vec<UnvaluedAccount>,
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
pub fn assets(ledger: &Ledger, date: &str) -> Result<AssetReport> {
    let mut statement = ledger.conn.prepare(
        "SELECT a.id, a.kind, a.currency,
            CASE WHEN a.connection_id IS NULL
                 THEN a.opening_balance + coalesce((SELECT sum(t.amount) FROM transactions t WHERE t.account_id = a.id AND t.date <= ?1), 0)
                 ELSE (SELECT s.balance FROM balance_snapshots s WHERE s.account_id = a.id AND s.as_of <= ?1 ORDER BY s.as_of DESC LIMIT 1)
            END
         FROM accounts a
         WHERE a.included = 1
         ORDER BY a.id",
    )?;
    let rows: Vec<(i64, String, String, Option<i64>)> = statement
        .query_map([date], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut by_class: BTreeMap<&'static str, i64> = BTreeMap::new();
    let mut unvalued = Vec::new();
    for (id, kind, currency, balance) in rows {
        let Some(balance) = balance else { continue };
        if currency != "JPY" {
            unvalued.push(UnvaluedAccount { account_id: id, balance: decimal(balance, &currency), currency });
            continue;
        }
        let kind: AccountKind = kind.parse().map_err(GimsError::internal)?;
        *by_class.entry(asset_class(kind)).or_default() += balance;
    }
    let total: i64 = by_class.values().sum();
    let classes = CLASS_ORDER
        .iter()
        .filter_map(|class| by_class.get(class).map(|amount| AssetClassLine { class, amount: decimal(*amount, "JPY") }))
        .collect();
    Ok(AssetReport { date: date.to_string(), currency: "JPY".into(), total: decimal(total, "JPY"), classes, unvalued })
}

fn decimal(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(currency) => Amount::from_minor(minor, currency).to_decimal_string(),
        Err(_) => minor.to_string(),
    }
}

/// `YYYY-MM` → first and last day.
fn month_bounds(month: &str) -> Result<(String, String)> {
    let invalid = || GimsError::invalid("month", format!("`{month}` is not a month (write YYYY-MM)"));
    let (year, number) = month.trim().split_once('-').ok_or_else(invalid)?;
    let year: i32 = year.parse().map_err(|_| invalid())?;
    let number: u8 = number.parse().map_err(|_| invalid())?;
    let month_enum = time::Month::try_from(number).map_err(|_| invalid())?;
    let first = time::Date::from_calendar_date(year, month_enum, 1).map_err(|_| invalid())?;
    let last = time::Date::from_calendar_date(year, month_enum, month_enum.length(year)).map_err(|_| invalid())?;
    Ok((first.to_string(), last.to_string()))
}

#[cfg(test)]
mod tests;
