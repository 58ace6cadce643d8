//! Reports the core computes (the UI and the CLI only show them): a month's income and expense
//! by category, and the composition of assets on a date.
//!
//! How totals are counted: income is what lands in income categories (収入/…); spending is what
//! lands in expense categories, net of refunds in the same category (a ¥2,800 refund filed under
//! 食費 reduces 食費 by ¥2,800; it is not income). Uncategorised money in counts as income and
//! money out as spending, under 未分類. Transfers between the user's own accounts, rows excluded
//! from totals (計算対象外) and accounts excluded from totals count in neither. Totals are in yen;
//! other currencies are listed apart, never converted at a made-up rate.

mod account_history;
mod assets;
mod budget;
mod gains;

pub use account_history::{AccountHistory, BalancePoint, account_history};
pub use assets::{
    AssetClassLine, AssetReport, ConvertedAccount, ExpiringLine, HistoryPoint, HistoryReport, UnvaluedAccount,
    asset_class, assets, expiring, history,
};
pub use budget::{BudgetLine, BudgetReport, budget};
pub use gains::{AccountGain, ClassGain, GainFigures, Gains, gains};

use crate::error::{GimsError, Result};
use crate::ledger::Ledger;
use crate::ledger::groups::{Scope, scope_accounts};
use crate::money::{Amount, Currency};
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
    /// Each 大項目 with money in it, its 中項目 included (the sum of its `categories` lines),
    /// signed the same way: the report screen's first level.
    pub top_categories: Vec<TopCategoryLine>,
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
pub struct TopCategoryLine {
    pub category: String,
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

/// Income and spending of one month (`YYYY-MM`) over a scope, read from the per-month totals the
/// ledger keeps up to date (a few hundred rows, however long the history).
pub fn monthly(ledger: &Ledger, month: &str, scope: &Scope) -> Result<MonthlyReport> {
    monthly_with_yen_totals(ledger, month, scope).map(|(report, _, _)| report)
}

/// The monthly report and its yen income and spending in minor units (for sums over months).
fn monthly_with_yen_totals(ledger: &Ledger, month: &str, scope: &Scope) -> Result<(MonthlyReport, i64, i64)> {
    month_bounds(month)?;
    let accounts = scope_accounts(&ledger.conn, scope)?;
    let mut statement = ledger.conn.prepare_cached(
        "SELECT m.currency, c.kind, coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END,
                sum(m.money_in + m.money_out), sum(m.money_in), sum(m.money_out)
         FROM month_totals m
         JOIN categories c ON c.id = m.category_id
         LEFT JOIN categories p ON p.id = c.parent_id
         LEFT JOIN accounts a ON a.id = m.account_id
         WHERE m.month = ?1 AND m.counted = 1 AND (m.account_id = 0 OR a.included = 1)
           AND m.account_id IN (SELECT value FROM json_each(?2))
         GROUP BY m.currency, c.id
         HAVING sum(m.rows) > 0
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
        .query_map(params![month.trim(), accounts.json()], |row| {
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
    // (大項目, kind, sum in minor units), in display order: the rows come sorted by 大項目.
    let mut tops: Vec<(String, String, i64)> = Vec::new();
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
            match tops.last_mut() {
                Some((category, _, sum)) if *category == row.category => *sum += row.net,
                _ => tops.push((row.category.clone(), row.kind.clone(), row.net)),
            }
        }
    }
    let top_categories = tops
        .into_iter()
        .map(|(category, kind, sum)| TopCategoryLine { category, kind, amount: decimal(sum, "JPY") })
        .collect();
    let (income, expense) = totals.remove("JPY").unwrap_or_default();
    let other_currencies = totals
        .into_iter()
        .map(|(currency, (income, expense))| CurrencyTotals {
            income: decimal(income, &currency),
            expense: decimal(expense, &currency),
            currency,
        })
        .collect();
    let report = MonthlyReport {
        month: month.trim().to_string(),
        currency: "JPY".into(),
        income: decimal(income, "JPY"),
        expense: decimal(expense, "JPY"),
        net: decimal(income - expense, "JPY"),
        categories,
        top_categories,
        other_currencies,
    };
    Ok((report, income, expense))
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct YearReport {
    pub year: i32,
    pub currency: String,
    pub income: String,
    pub expense: String,
    pub net: String,
    pub months: Vec<MonthLine>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MonthLine {
    pub month: String,
    pub income: String,
    pub expense: String,
    pub net: String,
}

/// A year by month, in yen.
pub fn year(ledger: &Ledger, year: i32, scope: &Scope) -> Result<YearReport> {
    if !(1900..=9999).contains(&year) {
        return Err(GimsError::invalid("year", format!("`{year}` is not a year (write YYYY)")));
    }
    let (mut income, mut expense) = (0i64, 0i64);
    let mut months = Vec::new();
    for number in 1..=12 {
        let (report, month_income, month_expense) =
            monthly_with_yen_totals(ledger, &format!("{year:04}-{number:02}"), scope)?;
        income += month_income;
        expense += month_expense;
        months.push(MonthLine { month: report.month, income: report.income, expense: report.expense, net: report.net });
    }
    Ok(YearReport {
        year,
        currency: "JPY".into(),
        income: decimal(income, "JPY"),
        expense: decimal(expense, "JPY"),
        net: decimal(income - expense, "JPY"),
        months,
    })
}

pub(crate) fn decimal(minor: i64, currency: &str) -> String {
    match Currency::parse(currency) {
        Ok(currency) => Amount::from_minor(minor, currency).to_decimal_string(),
        Err(_) => minor.to_string(),
    }
}

/// `YYYY-MM` → first and last day.
pub(crate) fn month_bounds(month: &str) -> Result<(String, String)> {
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
