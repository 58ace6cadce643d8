//! The household ledger through the API: reports over the default group or a named one, groups
//! and hiding, budgets.

use super::{Gims, now, parse_date};
use crate::error::{GimsError, Result};
use crate::ledger::{GroupRow, Member};
use crate::money::{Amount, Currency};
use crate::report;

/// Today at the institutions (Japan), as `YYYY-MM-DD`.
fn today() -> String {
    crate::refresh::endpoint::today_at_institution(time::OffsetDateTime::now_utc()).to_string()
}

impl Gims {
    /// A month's income and spending by category, over `group` (default: everything not hidden).
    pub fn report_monthly(&self, month: &str, group: Option<&str>) -> Result<report::MonthlyReport> {
        let scope = self.ledger.scope(group)?;
        report::monthly(&self.ledger, month, &scope)
    }

    /// A year's income and spending by month.
    pub fn report_year(&self, year: i32, group: Option<&str>) -> Result<report::YearReport> {
        let scope = self.ledger.scope(group)?;
        report::year(&self.ledger, year, &scope)
    }

    /// Asset composition at the end of `date` (default: today in Japan).
    pub fn report_assets(&self, date: Option<&str>, group: Option<&str>) -> Result<report::AssetReport> {
        let scope = self.ledger.scope(group)?;
        let date = match date {
            Some(text) => parse_date("date", text)?,
            None => today(),
        };
        report::assets(&self.ledger, &date, &scope)
    }

    /// Asset history (資産推移) by class: `interval` `day` or `month`; `to` defaults to today and
    /// `from` to a year before it.
    pub fn report_history(
        &self,
        from: Option<&str>,
        to: Option<&str>,
        interval: &str,
        group: Option<&str>,
    ) -> Result<report::HistoryReport> {
        let scope = self.ledger.scope(group)?;
        let to = match to {
            Some(text) => parse_date("to", text)?,
            None => today(),
        };
        let from = match from {
            Some(text) => parse_date("from", text)?,
            None => {
                let end =
                    crate::refresh::endpoint::parse_iso_date(&to).ok_or_else(|| GimsError::internal("bad date"))?;
                (end - time::Duration::days(365)).to_string()
            }
        };
        report::history(&self.ledger, &from, &to, interval, &scope)
    }

    /// Points and e-money expiring within `days` days.
    pub fn report_expiring(&self, days: u32, group: Option<&str>) -> Result<Vec<report::ExpiringLine>> {
        let scope = self.ledger.scope(group)?;
        report::expiring(&self.ledger, &today(), days, &scope)
    }

    /// The month's spending against its budgets.
    pub fn report_budget(&self, month: &str, group: Option<&str>) -> Result<report::BudgetReport> {
        let scope = self.ledger.scope(group)?;
        report::budget(&self.ledger, month, &scope)
    }

    /// Sets (or with `None` removes) the budget of a category, for every month or one `YYYY-MM`.
    pub fn set_budget(&mut self, category: &str, amount: Option<&str>, month: Option<&str>) -> Result<()> {
        let category_id = crate::ledger::categories::resolve(&self.ledger.conn, category)?;
        let month = match month {
            Some(text) => {
                report::month_bounds(text)?;
                text.trim().to_string()
            }
            None => String::new(),
        };
        match amount {
            Some(text) => {
                let amount = Amount::parse(text, &Currency::jpy()).map_err(|e| GimsError::invalid("amount", e))?;
                if amount.minor < 0 {
                    return Err(GimsError::invalid("amount", "a budget is zero or more"));
                }
                self.ledger.conn.execute(
                    "INSERT INTO budgets (category_id, month, amount) VALUES (?1, ?2, ?3)
                     ON CONFLICT (category_id, month) DO UPDATE SET amount = excluded.amount",
                    rusqlite::params![category_id, month, amount.minor],
                )?;
            }
            None => {
                self.ledger.conn.execute(
                    "DELETE FROM budgets WHERE category_id = ?1 AND month = ?2",
                    rusqlite::params![category_id, month],
                )?;
            }
        }
        Ok(())
    }

    pub fn groups(&self) -> Result<Vec<GroupRow>> {
        self.ledger.groups()
    }

    pub fn create_group(&mut self, name: &str) -> Result<GroupRow> {
        self.ledger.create_group(name, &now())
    }

    pub fn delete_group(&mut self, name: &str) -> Result<GroupRow> {
        let id = self.ledger.group_id(name)?;
        let row = self.ledger.group(id)?;
        self.ledger.delete_group(id)?;
        Ok(row)
    }

    /// Adds a connection or account to a group (`present`), or takes it out.
    pub fn set_group_member(&mut self, name: &str, member: Member, present: bool) -> Result<GroupRow> {
        let id = self.ledger.group_id(name)?;
        self.ledger.set_group_member(id, member, present)
    }

    /// Hides a connection (with its accounts) or an account from the default group, or shows it
    /// again. The non-destructive alternative to deleting.
    pub fn set_hidden(&mut self, member: Member, hidden: bool) -> Result<()> {
        self.ledger.set_hidden(member, hidden)
    }
}
