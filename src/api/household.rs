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

/// `from`..=`to` as typed: `to` defaults to today in Japan, `from` to `days` before `to`.
fn date_range(from: Option<&str>, to: Option<&str>, days: i64) -> Result<(String, String)> {
    let to = match to {
        Some(text) => parse_date("to", text)?,
        None => today(),
    };
    let from = match from {
        Some(text) => parse_date("from", text)?,
        None => {
            let end = crate::refresh::endpoint::parse_iso_date(&to).ok_or_else(|| GimsError::internal("bad date"))?;
            (end - time::Duration::days(days)).to_string()
        }
    };
    Ok((from, to))
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
        let (from, to) = date_range(from, to, 365)?;
        report::history(&self.ledger, &from, &to, interval, &scope)
    }

    /// One account's balance history in its own currency: `from` defaults to its first recorded
    /// day, `to` to today; `interval` `day`, `month` or `auto`.
    pub fn account_history(
        &self,
        account: i64,
        from: Option<&str>,
        to: Option<&str>,
        interval: &str,
    ) -> Result<report::AccountHistory> {
        let from = from.map(|text| parse_date("from", text)).transpose()?;
        let to = match to {
            Some(text) => parse_date("to", text)?,
            None => today(),
        };
        report::account_history(&self.ledger, account, from.as_deref(), &to, interval)
    }

    /// Each currency's latest rate of each source.
    pub fn rates(&self) -> Result<Vec<crate::ledger::rates::RateRow>> {
        self.ledger.rates()
    }

    /// The user's rate for `currency` (yen for one unit) on `date` (default: today in Japan).
    pub fn set_rate(
        &mut self,
        currency: &str,
        rate: &str,
        date: Option<&str>,
    ) -> Result<crate::ledger::rates::RateRow> {
        let date = match date {
            Some(text) => parse_date("date", text)?,
            None => today(),
        };
        self.ledger.set_rate(currency, rate, &date, &now())
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

/// A rule as typed by the user.
#[derive(Debug, Default)]
pub struct RuleInput {
    pub match_text: Option<String>,
    pub min_amount: Option<String>,
    pub max_amount: Option<String>,
    pub account: Option<i64>,
    pub category: Option<String>,
    pub transfer: Option<String>,
    pub included: Option<String>,
}

#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StarterRulesAdded {
    /// Rules added (those the user had no rule for).
    pub added: usize,
    /// Existing uncategorised rows they filed (with `apply`).
    pub applied: usize,
}

#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleAdded {
    pub rule: crate::ledger::rules::RuleRow,
    /// Existing rows it filed (with `apply`).
    pub applied: usize,
}

/// A category as the management screen lists it.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CategoryEntry {
    pub id: i64,
    pub category: String,
    /// `None`: the row is the 大項目 itself.
    pub subcategory: Option<String>,
    /// `income`, `expense` or `uncategorised`.
    pub kind: String,
    pub hidden: bool,
}

/// What a merge did: `transactions` rows moved from `merged` to `into`.
#[derive(Debug, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MergeView {
    pub merged: String,
    pub into: String,
    pub transactions: usize,
}

impl Gims {
    /// Suggested transfers dated `from`..=`to` (default: the last 90 days).
    pub fn suggest_transfers(
        &self,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<Vec<crate::ledger::transfers::TransferSuggestion>> {
        let (from, to) = date_range(from, to, 90)?;
        self.ledger.suggest_transfers(&from, &to)
    }

    /// Confirms a transfer: a pair, or one row whose other side is not linked.
    pub fn mark_transfer(
        &mut self,
        out_tx: i64,
        in_tx: Option<i64>,
        reason: Option<&str>,
    ) -> Result<crate::ledger::transfers::TransferMark> {
        self.ledger.mark_transfer(out_tx, in_tx, reason.unwrap_or(""), &now())
    }

    pub fn undo_transfer(&mut self, transaction: i64) -> Result<crate::ledger::transfers::TransferMark> {
        self.ledger.undo_transfer(transaction)
    }

    pub fn dismiss_transfer(&mut self, out_tx: i64, in_tx: Option<i64>) -> Result<()> {
        self.ledger.dismiss_transfer(out_tx, in_tx)
    }

    pub fn transfer_marks(&self) -> Result<Vec<crate::ledger::transfers::TransferMark>> {
        self.ledger.transfer_marks()
    }

    pub fn rules(&self) -> Result<Vec<crate::ledger::rules::RuleRow>> {
        self.ledger.rules()
    }

    /// Adds a rule; with `apply`, files the existing uncategorised rows it matches too.
    pub fn add_rule(&mut self, input: &RuleInput, apply: bool) -> Result<RuleAdded> {
        let yen = |field: &str, text: &Option<String>| -> Result<Option<i64>> {
            text.as_deref()
                .map(|t| {
                    Amount::parse(t, &Currency::jpy()).map(|a| a.minor.abs()).map_err(|e| GimsError::invalid(field, e))
                })
                .transpose()
        };
        if let Some(id) = input.account {
            self.existing_account(id)?;
        }
        let rule = crate::ledger::rules::NewRule {
            match_text: input.match_text.clone(),
            min_amount: yen("min-amount", &input.min_amount)?,
            max_amount: yen("max-amount", &input.max_amount)?,
            account_id: input.account,
            category_id: input
                .category
                .as_deref()
                .map(|c| crate::ledger::categories::resolve(&self.ledger.conn, c))
                .transpose()?,
            transfer: super::yes_no("transfer", &input.transfer)?,
            included: super::yes_no("included", &input.included)?,
        };
        let rule = self.ledger.add_rule(&rule, &now())?;
        let applied = if apply { self.ledger.apply_rules(false)? } else { 0 };
        Ok(RuleAdded { rule, applied })
    }

    /// Adds the starter rules (おすすめのルール) the user has none for; with `apply`, files the
    /// existing uncategorised rows they match too.
    pub fn add_starter_rules(&mut self, apply: bool) -> Result<StarterRulesAdded> {
        let added = self.ledger.add_starter_rules(&now())?.len();
        let applied = if apply { self.ledger.apply_rules(false)? } else { 0 };
        Ok(StarterRulesAdded { added, applied })
    }

    pub fn delete_rule(&mut self, id: i64) -> Result<()> {
        self.ledger.delete_rule(id)
    }

    /// Applies every rule to saved rows: uncategorised ones, or all with `overwrite`.
    pub fn apply_rules(&mut self, overwrite: bool) -> Result<usize> {
        self.ledger.apply_rules(overwrite)
    }

    /// Predicted categories for uncategorised rows, each with its explanation.
    pub fn predict_categories(&self, limit: usize) -> Result<Vec<crate::ledger::rules::Prediction>> {
        self.ledger.predict_categories(limit)
    }

    /// Files the predicted rows (the user accepted the predictions). Returns them.
    pub fn accept_predictions(&mut self, limit: usize) -> Result<Vec<crate::ledger::rules::Prediction>> {
        let predictions = self.ledger.predict_categories(limit)?;
        let tx = self.ledger.conn.transaction()?;
        for prediction in &predictions {
            tx.execute(
                "UPDATE transactions SET category_id = ?2 WHERE id = ?1",
                rusqlite::params![prediction.transaction_id, prediction.category_id],
            )?;
        }
        tx.commit()?;
        Ok(predictions)
    }

    /// A rule proposal after the user filed transaction `id` under a category.
    pub fn propose_rule(&self, id: i64) -> Result<Option<crate::ledger::rules::RuleProposal>> {
        self.ledger.propose_rule(id)
    }

    /// A new category: `parent` for a 中項目; `kind` (income/expense) for a 大項目.
    pub fn add_category(
        &mut self,
        name: &str,
        parent: Option<&str>,
        kind: Option<&str>,
    ) -> Result<crate::ledger::categories::CategoryRow> {
        use crate::ledger::categories;
        let parent = parent.map(|p| categories::resolve(&self.ledger.conn, p)).transpose()?;
        let id = categories::add(&self.ledger.conn, parent, name, kind)?;
        self.category(id)
    }

    pub fn rename_category(&mut self, category: &str, name: &str) -> Result<crate::ledger::categories::CategoryRow> {
        use crate::ledger::categories;
        let id = categories::resolve(&self.ledger.conn, category)?;
        categories::rename(&self.ledger.conn, id, name)?;
        self.category(id)
    }

    /// Every category, hidden ones too (with `hidden`), in display order: for managing them.
    pub fn category_tree(&self) -> Result<Vec<CategoryEntry>> {
        let tree = crate::ledger::categories::tree(&self.ledger.conn)?;
        Ok(tree
            .into_iter()
            .map(|(c, hidden)| CategoryEntry {
                id: c.id,
                category: c.category,
                subcategory: c.subcategory,
                kind: c.kind,
                hidden,
            })
            .collect())
    }

    /// Merges `from` into `into`; every transaction keeps existing, filed under `into`.
    pub fn merge_category(&mut self, from: &str, into: &str) -> Result<MergeView> {
        use crate::ledger::categories;
        let from_id = categories::resolve(&self.ledger.conn, from)?;
        let into_id = categories::resolve(&self.ledger.conn, into)?;
        let tx = self.ledger.conn.transaction()?;
        let moved = categories::merge(&tx, from_id, into_id)?;
        tx.commit()?;
        Ok(MergeView { merged: from.trim().to_string(), into: into.trim().to_string(), transactions: moved })
    }

    pub fn set_category_hidden(&mut self, category: &str, hidden: bool) -> Result<()> {
        use crate::ledger::categories;
        let id = categories::resolve(&self.ledger.conn, category)?;
        categories::set_hidden(&self.ledger.conn, id, hidden)
    }

    fn category(&self, id: i64) -> Result<crate::ledger::categories::CategoryRow> {
        let conn = &self.ledger.conn;
        Ok(conn.query_row(
            "SELECT c.id, coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END, c.kind
             FROM categories c LEFT JOIN categories p ON p.id = c.parent_id WHERE c.id = ?1",
            [id],
            |r| {
                Ok(crate::ledger::categories::CategoryRow {
                    id: r.get(0)?,
                    category: r.get(1)?,
                    subcategory: r.get(2)?,
                    kind: r.get(3)?,
                })
            },
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{AddTransactionInput, init};
    use crate::vault::Unlock;
    use crate::vault::keychain::memory::MemoryKeyStore;

    #[test]
    fn the_category_tree_keeps_hidden_categories_and_a_merge_says_what_moved() {
        let keys: &'static MemoryKeyStore = Box::leak(Box::default());
        let dir = tempfile::tempdir().unwrap();
        init(&dir.path().join("vault"), Unlock::Keychain(keys)).unwrap();
        let mut gims = Gims::open(&dir.path().join("vault"), keys, None).unwrap();
        gims.add_category("ペット", None, Some("expense")).unwrap();
        gims.add_category("フード", Some("ペット"), None).unwrap();
        gims.add_transaction(&AddTransactionInput {
            date: "2026-11-03".into(),
            amount: "-1200".into(),
            description: "ペットショップ".into(),
            category: Some("ペット/フード".into()),
            ..Default::default()
        })
        .unwrap();
        gims.set_category_hidden("ペット", true).unwrap();
        let tree = gims.category_tree().unwrap();
        let pet: Vec<&CategoryEntry> = tree.iter().filter(|c| c.category == "ペット").collect();
        assert_eq!(pet.len(), 2, "the 大項目 and its 中項目, hidden but listed");
        assert!(pet.iter().all(|c| c.hidden));
        assert!(pet[0].subcategory.is_none() && pet[1].subcategory.as_deref() == Some("フード"));
        assert!(!gims.categories().unwrap().iter().any(|c| c.category == "ペット"), "not offered as a choice");
        assert!(tree.iter().any(|c| c.category == "食費" && !c.hidden));

        let merged = gims.merge_category("ペット/フード", "日用品/ペット用品").unwrap();
        assert_eq!(
            (merged.merged.as_str(), merged.into.as_str(), merged.transactions),
            ("ペット/フード", "日用品/ペット用品", 1)
        );
        assert!(!gims.category_tree().unwrap().iter().any(|c| c.subcategory.as_deref() == Some("フード")));
    }
}
