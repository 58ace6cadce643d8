//! Budgets per category per month and the month's progress against them. A budget set for
//! every month (`month` '') applies unless the month has its own.

use super::{decimal, month_bounds};
use crate::error::Result;
use crate::ledger::Ledger;
use crate::ledger::groups::{Scope, scope_accounts};
use rusqlite::params;
use serde::Serialize;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BudgetReport {
    pub month: String,
    pub currency: String,
    pub budget: String,
    pub spent: String,
    pub remaining: String,
    pub lines: Vec<BudgetLine>,
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BudgetLine {
    pub category: String,
    pub subcategory: Option<String>,
    pub budget: String,
    /// Spending net of refunds in the category (and its 中項目 for a 大項目).
    pub spent: String,
    pub remaining: String,
    /// Spent as a whole percentage of the budget.
    pub percent: i64,
}

pub fn budget(ledger: &Ledger, month: &str, scope: &Scope) -> Result<BudgetReport> {
    month_bounds(month)?;
    let month = month.trim();
    let accounts = scope_accounts(&ledger.conn, scope)?;
    let mut statement = ledger.conn.prepare_cached(
        "WITH chosen AS (
             SELECT b.category_id, b.amount FROM budgets b
             WHERE b.month = ?1 OR (b.month = '' AND NOT EXISTS
                 (SELECT 1 FROM budgets o WHERE o.category_id = b.category_id AND o.month = ?1)))
         SELECT coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END, chosen.amount,
             coalesce((SELECT -sum(m.money_in + m.money_out) FROM month_totals m
                       JOIN categories mc ON mc.id = m.category_id
                       LEFT JOIN accounts a ON a.id = m.account_id
                       WHERE m.month = ?1 AND m.counted = 1 AND (mc.id = c.id OR mc.parent_id = c.id)
                         AND (m.account_id = 0 OR a.included = 1)
                         AND m.account_id IN (SELECT value FROM json_each(?2))), 0)
         FROM chosen JOIN categories c ON c.id = chosen.category_id LEFT JOIN categories p ON p.id = c.parent_id
         ORDER BY coalesce(p.position, c.position), p.id IS NOT NULL, c.position",
    )?;
    let rows: Vec<(String, Option<String>, i64, i64)> = statement
        .query_map(params![month, accounts.json()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    // A 大項目's budget covers its 中項目: the totals count each yen once.
    let budgeted_tops: Vec<String> = rows.iter().filter(|r| r.1.is_none()).map(|r| r.0.clone()).collect();
    let (mut total_budget, mut total_spent) = (0i64, 0i64);
    let lines = rows
        .into_iter()
        .map(|(category, subcategory, amount, spent)| {
            if subcategory.is_none() || !budgeted_tops.contains(&category) {
                total_budget += amount;
                total_spent += spent;
            }
            BudgetLine {
                category,
                subcategory,
                budget: decimal(amount, "JPY"),
                spent: decimal(spent, "JPY"),
                remaining: decimal(amount - spent, "JPY"),
                percent: if amount == 0 { 0 } else { spent * 100 / amount },
            }
        })
        .collect::<Vec<_>>();
    Ok(BudgetReport {
        month: month.into(),
        currency: "JPY".into(),
        budget: decimal(total_budget, "JPY"),
        spent: decimal(total_spent, "JPY"),
        remaining: decimal(total_budget - total_spent, "JPY"),
        lines,
    })
}
