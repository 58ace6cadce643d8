//! Rules the user sets (description or memo text, amount range, account → category, transfer,
//! include in totals), applied to every new row at save time (refresh, import, manual entry) and,
//! on request, to existing rows; and learning from the user: when they re-categorise a row GIMS
//! proposes a rule, and for rows nothing classified it predicts a category from the user's own
//! earlier choices, on this device, saying why ("like 12 earlier ローソン rows").
//!
//! Text is compared after Unicode NFKC and lower-casing, so ﾛｰｿﾝ (half-width, as card
//! statements write it) matches ローソン and ＡＭＡＺＯＮ matches amazon.

use super::categories;
use super::{Ledger, NewTransaction};
use crate::error::{GimsError, Result};
use crate::money::{Amount, Currency};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// A rule as the user states it. Amounts are yen magnitudes (a ¥500–¥1,000 rule matches both
/// a ¥800 purchase and an ¥800 refund); rows in other currencies never match an amount range.
#[derive(Clone, Debug, Default)]
pub struct NewRule {
    pub match_text: Option<String>,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub account_id: Option<i64>,
    pub category_id: Option<i64>,
    pub transfer: Option<bool>,
    pub included: Option<bool>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleRow {
    pub id: i64,
    pub position: i64,
    pub match_text: Option<String>,
    pub min_amount: Option<String>,
    pub max_amount: Option<String>,
    pub account_id: Option<i64>,
    pub category: Option<String>,
    pub subcategory: Option<String>,
    pub transfer: Option<bool>,
    pub included: Option<bool>,
}

/// What applying a rule changes on a row.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuleEffect {
    pub category_id: Option<i64>,
    pub transfer: Option<bool>,
    pub included: Option<bool>,
}

/// The rules, loaded once per save and checked in order: the first that matches a row wins.
pub struct RuleSet {
    rules: Vec<CompiledRule>,
}

struct CompiledRule {
    needle: Option<String>,
    min_amount: Option<i64>,
    max_amount: Option<i64>,
    account_id: Option<i64>,
    effect: RuleEffect,
}

/// Unicode NFKC, lower case: how rule text and descriptions are compared.
pub fn normalise(text: &str) -> String {
    text.nfkc().flat_map(char::to_lowercase).collect()
}

/// The part of a description that names the counterparty: its first word after normalising
/// (ﾛｰｿﾝ ｼﾌﾞﾔﾃﾝ → ローソン), or its first ten characters when it has no word break.
pub fn description_token(description: &str) -> String {
    let normalised = normalise(description);
    let word: String = normalised
        .trim()
        .chars()
        .take_while(|c| !(c.is_whitespace() || c.is_ascii_digit() || "-/()（）*.,・　_#:".contains(*c)))
        .collect();
    if word.chars().count() >= 2 {
        word.chars().take(16).collect()
    } else {
        normalised.trim().chars().take(10).collect()
    }
}

impl RuleSet {
    pub fn load(conn: &Connection) -> Result<RuleSet> {
        let mut statement = conn.prepare_cached(
            "SELECT match_text, min_amount, max_amount, account_id, set_category_id, set_transfer, set_included
             FROM rules ORDER BY position, id",
        )?;
        let rules = statement
            .query_map([], |r| {
                Ok(CompiledRule {
                    needle: r.get::<_, Option<String>>(0)?.map(|t| normalise(&t)),
                    min_amount: r.get(1)?,
                    max_amount: r.get(2)?,
                    account_id: r.get(3)?,
                    effect: RuleEffect { category_id: r.get(4)?, transfer: r.get(5)?, included: r.get(6)? },
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(RuleSet { rules })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first matching rule's effect on a row.
    pub fn effect(
        &self,
        account_id: Option<i64>,
        amount: i64,
        currency: &str,
        description: &str,
        memo: &str,
    ) -> Option<RuleEffect> {
        if self.rules.is_empty() {
            return None;
        }
        let mut text: Option<(String, String)> = None;
        for rule in &self.rules {
            if rule.account_id.is_some() && rule.account_id != account_id {
                continue;
            }
            if rule.min_amount.is_some() || rule.max_amount.is_some() {
                let magnitude = amount.abs();
                if currency != "JPY"
                    || rule.min_amount.is_some_and(|min| magnitude < min)
                    || rule.max_amount.is_some_and(|max| magnitude > max)
                {
                    continue;
                }
            }
            if let Some(needle) = &rule.needle {
                let (description, memo) = text.get_or_insert_with(|| (normalise(description), normalise(memo)));
                if !description.contains(needle.as_str()) && !memo.contains(needle.as_str()) {
                    continue;
                }
            }
            return Some(rule.effect);
        }
        None
    }

    /// A new row as saved: a rule fills in what the source left open (no category, the default
    /// flags); what a file or the user stated is kept.
    pub fn apply(&self, row: &NewTransaction) -> (Option<i64>, bool, bool) {
        let open = row.category_id.is_none() && !row.transfer && row.included;
        if !open {
            return (row.category_id, row.transfer, row.included);
        }
        match self.effect(row.account_id, row.amount.minor, row.amount.currency.code(), &row.description, &row.memo) {
            Some(effect) => (
                effect.category_id.or(row.category_id),
                effect.transfer.unwrap_or(row.transfer),
                effect.included.unwrap_or(row.included),
            ),
            None => (row.category_id, row.transfer, row.included),
        }
    }
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Prediction {
    pub transaction_id: i64,
    pub date: String,
    pub description: String,
    pub category_id: i64,
    pub category: String,
    pub subcategory: Option<String>,
    /// How many earlier rows like this one the user filed there.
    pub like: i64,
    /// The words those rows share with this one (after NFKC).
    pub token: String,
    /// In English words (the command line's); the window says it from the fields above.
    pub explanation: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RuleProposal {
    pub match_text: String,
    pub category_id: i64,
    pub category: String,
    pub subcategory: Option<String>,
    /// Uncategorised rows the rule would file now.
    pub would_file: i64,
    /// In English words (the command line's); the window says it from the fields above.
    pub explanation: String,
}

impl Ledger {
    pub fn add_rule(&mut self, rule: &NewRule, now: &str) -> Result<RuleRow> {
        if rule.match_text.as_deref().is_none_or(|t| t.trim().is_empty())
            && rule.min_amount.is_none()
            && rule.max_amount.is_none()
            && rule.account_id.is_none()
        {
            return Err(GimsError::invalid("match", "a rule needs text to match, an amount range or an account"));
        }
        if rule.category_id.is_none() && rule.transfer.is_none() && rule.included.is_none() {
            return Err(GimsError::invalid("category", "a rule sets a category, a transfer or include-in-totals"));
        }
        if let (Some(min), Some(max)) = (rule.min_amount, rule.max_amount)
            && min > max
        {
            return Err(GimsError::invalid("max-amount", "the largest amount is below the smallest"));
        }
        self.conn.execute(
            "INSERT INTO rules (position, match_text, min_amount, max_amount, account_id, set_category_id, set_transfer, set_included, created_at)
             VALUES ((SELECT coalesce(max(position), 0) + 1 FROM rules), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                rule.match_text.as_deref().map(str::trim),
                rule.min_amount,
                rule.max_amount,
                rule.account_id,
                rule.category_id,
                rule.transfer,
                rule.included,
                now
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        self.rules()?
            .into_iter()
            .find(|r| r.id == id)
            .ok_or_else(|| GimsError::internal("the rule just added is missing"))
    }

    pub fn delete_rule(&mut self, id: i64) -> Result<()> {
        if self.conn.execute("DELETE FROM rules WHERE id = ?1", [id])? == 0 {
            return Err(GimsError::invalid("rule", format!("there is no rule {id} (see `gims rules`)")));
        }
        Ok(())
    }

    pub fn rules(&self) -> Result<Vec<RuleRow>> {
        let mut statement = self.conn.prepare(
            "SELECT r.id, r.position, r.match_text, r.min_amount, r.max_amount, r.account_id,
                    coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END, r.set_transfer, r.set_included
             FROM rules r LEFT JOIN categories c ON c.id = r.set_category_id LEFT JOIN categories p ON p.id = c.parent_id
             ORDER BY r.position, r.id",
        )?;
        let yen = |minor: Option<i64>| minor.map(|m| Amount::from_minor(m, Currency::jpy()).to_decimal_string());
        let rows = statement.query_map([], |r| {
            Ok(RuleRow {
                id: r.get(0)?,
                position: r.get(1)?,
                match_text: r.get(2)?,
                min_amount: yen(r.get(3)?),
                max_amount: yen(r.get(4)?),
                account_id: r.get(5)?,
                category: r.get(6)?,
                subcategory: r.get(7)?,
                transfer: r.get(8)?,
                included: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Applies the rules to rows already saved: by default only to uncategorised rows; with
    /// `overwrite`, to every row a rule matches. Returns how many rows changed.
    pub fn apply_rules(&mut self, overwrite: bool) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let rules = RuleSet::load(&tx)?;
        if rules.is_empty() {
            return Ok(0);
        }
        let uncategorised = categories::uncategorised_id(&tx)?;
        let mut changed = 0;
        {
            let mut select = tx.prepare(
                "SELECT id, account_id, amount, currency, description, memo, category_id, transfer, included
                 FROM transactions WHERE ?1 OR category_id = ?2",
            )?;
            let mut update =
                tx.prepare("UPDATE transactions SET category_id = ?2, transfer = ?3, included = ?4 WHERE id = ?1")?;
            let mut rows = select.query(params![overwrite, uncategorised])?;
            let mut updates = Vec::new();
            while let Some(r) = rows.next()? {
                let (account, amount, currency, description, memo): (Option<i64>, i64, String, String, String) =
                    (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
                let Some(effect) = rules.effect(account, amount, &currency, &description, &memo) else { continue };
                let current: (i64, bool, bool) = (r.get(6)?, r.get(7)?, r.get(8)?);
                let next = (
                    effect.category_id.unwrap_or(current.0),
                    effect.transfer.unwrap_or(current.1),
                    effect.included.unwrap_or(current.2),
                );
                if next != current {
                    updates.push((r.get::<_, i64>(0)?, next));
                }
            }
            for (id, (category, transfer, included)) in updates {
                update.execute(params![id, category, transfer, included])?;
                changed += 1;
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Categories for uncategorised rows (newest first, at most `limit`), predicted from the
    /// rows with the same counterparty that the user filed, when most of them agree.
    pub fn predict_categories(&self, limit: usize) -> Result<Vec<Prediction>> {
        let uncategorised = categories::uncategorised_id(&self.conn)?;
        let mut votes: HashMap<String, HashMap<i64, i64>> = HashMap::new();
        let mut filed =
            self.conn.prepare("SELECT description, category_id FROM transactions WHERE category_id <> ?1")?;
        let mut rows = filed.query([uncategorised])?;
        while let Some(r) = rows.next()? {
            let description: String = r.get(0)?;
            *votes.entry(description_token(&description)).or_default().entry(r.get(1)?).or_default() += 1;
        }
        let mut open = self.conn.prepare(
            "SELECT id, date, description FROM transactions WHERE category_id = ?1 ORDER BY date DESC, id DESC",
        )?;
        let mut predictions = Vec::new();
        let mut rows = open.query([uncategorised])?;
        while let Some(r) = rows.next()? {
            if predictions.len() >= limit {
                break;
            }
            let description: String = r.get(2)?;
            let token = description_token(&description);
            let Some(counts) = votes.get(&token) else { continue };
            let total: i64 = counts.values().sum();
            let Some((&category_id, &like)) = counts.iter().max_by_key(|(id, n)| (**n, -**id)) else { continue };
            // Two earlier rows at least, and a clear majority: otherwise say nothing.
            if like < 2 || like * 10 < total * 6 {
                continue;
            }
            let (category, subcategory) = category_names(&self.conn, category_id)?;
            let path = subcategory.as_ref().map_or(category.clone(), |sub| format!("{category}/{sub}"));
            predictions.push(Prediction {
                transaction_id: r.get(0)?,
                date: r.get(1)?,
                explanation: format!("like {like} earlier「{token}」rows you filed under {path}"),
                token,
                description,
                category_id,
                category,
                subcategory,
                like,
            });
        }
        Ok(predictions)
    }

    /// After the user filed row `id` under a category: a rule that would file rows like it the
    /// same way, if any uncategorised row or future row would benefit and no rule says so yet.
    pub fn propose_rule(&self, id: i64) -> Result<Option<RuleProposal>> {
        let row: Option<(String, i64)> = self
            .conn
            .query_row("SELECT description, category_id FROM transactions WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((description, category_id)) = row else {
            return Err(GimsError::invalid("transaction", format!("there is no transaction {id}")));
        };
        let uncategorised = categories::uncategorised_id(&self.conn)?;
        let token = description_token(&description);
        if category_id == uncategorised || token.chars().count() < 2 {
            return Ok(None);
        }
        if self.rules()?.iter().any(|r| r.match_text.as_deref().map(normalise).as_deref() == Some(token.as_str())) {
            return Ok(None);
        }
        let mut statement =
            self.conn.prepare("SELECT description FROM transactions WHERE category_id = ?1 AND id <> ?2")?;
        let mut would_file = 0;
        let mut rows = statement.query(params![uncategorised, id])?;
        while let Some(r) = rows.next()? {
            if normalise(&r.get::<_, String>(0)?).contains(token.as_str()) {
                would_file += 1;
            }
        }
        let (category, subcategory) = category_names(&self.conn, category_id)?;
        let path = subcategory.as_ref().map_or(category.clone(), |sub| format!("{category}/{sub}"));
        Ok(Some(RuleProposal {
            explanation: format!(
                "file every row mentioning「{token}」under {path} ({would_file} uncategorised row(s) now, and new ones as they arrive)"
            ),
            match_text: token,
            category_id,
            category,
            subcategory,
            would_file,
        }))
    }
}

fn category_names(conn: &Connection, id: i64) -> Result<(String, Option<String>)> {
    Ok(conn.query_row(
        "SELECT coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END
         FROM categories c LEFT JOIN categories p ON p.id = c.parent_id WHERE c.id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{NewManualAccount, TransactionSource, test_ledger};
    use gims_connectors::AccountKind;

    fn setup() -> (tempfile::TempDir, Ledger, i64) {
        let (dir, mut ledger) = test_ledger();
        let account = NewManualAccount {
            name: "楽天カード".into(),
            kind: AccountKind::Card,
            opening_balance: Amount::from_minor(0, Currency::jpy()),
        };
        let id = ledger.add_manual_account(&account, "2026-11-01T00:00:00Z").unwrap().id;
        (dir, ledger, id)
    }

    fn rows(ledger: &mut Ledger, account: i64, items: &[(&str, i64)]) -> Vec<i64> {
        items
            .iter()
            .map(|(description, amount)| {
                let row = NewTransaction {
                    date: "2026-11-03".into(),
                    amount: Amount::from_minor(*amount, Currency::jpy()),
                    ..NewTransaction::manual(Some(account), description)
                };
                ledger.insert_transactions(&[row], TransactionSource::Refresh).unwrap();
                ledger.conn.last_insert_rowid()
            })
            .collect()
    }

    fn category_of(ledger: &Ledger, id: i64) -> String {
        let row = ledger.transaction(id).unwrap().unwrap();
        row.subcategory.map_or(row.category.clone(), |sub| format!("{}/{sub}", row.category))
    }

    #[test]
    fn a_rule_files_new_rows_at_save_time_matching_half_width_text_and_amounts() {
        let (_dir, mut ledger, card) = setup();
        let food = categories::resolve(&ledger.conn, "食費/食料品").unwrap();
        let rule = NewRule { match_text: Some("ローソン".into()), category_id: Some(food), ..Default::default() };
        ledger.add_rule(&rule, "2026-11-01T00:00:00Z").unwrap();
        let small = NewRule {
            min_amount: Some(1),
            max_amount: Some(200),
            category_id: Some(categories::resolve(&ledger.conn, "食費/カフェ").unwrap()),
            ..Default::default()
        };
        ledger.add_rule(&small, "2026-11-01T00:00:00Z").unwrap();
        let ids = rows(&mut ledger, card, &[("ﾛｰｿﾝ ｼﾌﾞﾔﾃﾝ", -540), ("ＡＭＡＺＯＮ", -150), ("ＡＭＡＺＯＮ", -3000)]);
        assert_eq!(category_of(&ledger, ids[0]), "食費/食料品");
        assert_eq!(category_of(&ledger, ids[1]), "食費/カフェ");
        assert_eq!(category_of(&ledger, ids[2]), "未分類");
    }

    #[test]
    fn rules_apply_to_existing_rows_on_request_without_touching_what_the_user_filed() {
        let (_dir, mut ledger, card) = setup();
        let ids = rows(&mut ledger, card, &[("ｾﾌﾞﾝｲﾚﾌﾞﾝ", -300), ("ｾﾌﾞﾝｲﾚﾌﾞﾝ", -400)]);
        let eating_out = categories::resolve(&ledger.conn, "食費/外食").unwrap();
        ledger
            .edit_transaction(
                ids[1],
                &crate::ledger::TransactionEdit { category_id: Some(eating_out), ..Default::default() },
            )
            .unwrap();
        let food = categories::resolve(&ledger.conn, "食費/食料品").unwrap();
        let rule =
            NewRule { match_text: Some("セブンイレブン".into()), category_id: Some(food), ..Default::default() };
        ledger.add_rule(&rule, "2026-11-01T00:00:00Z").unwrap();
        assert_eq!(ledger.apply_rules(false).unwrap(), 1);
        assert_eq!(category_of(&ledger, ids[0]), "食費/食料品");
        assert_eq!(category_of(&ledger, ids[1]), "食費/外食");
        assert_eq!(ledger.apply_rules(true).unwrap(), 1);
        assert_eq!(category_of(&ledger, ids[1]), "食費/食料品");
    }

    #[test]
    fn re_categorising_proposes_a_rule_and_earlier_choices_predict_with_an_explanation() {
        let (_dir, mut ledger, card) = setup();
        let ids = rows(
            &mut ledger,
            card,
            &[("ﾛｰｿﾝ ｼﾌﾞﾔ", -300), ("ﾛｰｿﾝ ｼﾝｼﾞｭｸ", -420), ("ローソン 目黒", -180), ("ﾛｰｿﾝ ｲｹﾌﾞｸﾛ", -250)],
        );
        let food = categories::resolve(&ledger.conn, "食費/食料品").unwrap();
        ledger
            .edit_transaction(ids[0], &crate::ledger::TransactionEdit { category_id: Some(food), ..Default::default() })
            .unwrap();
        let proposal = ledger.propose_rule(ids[0]).unwrap().unwrap();
        assert_eq!(proposal.match_text, "ローソン");
        assert_eq!(proposal.would_file, 3);
        assert!(proposal.explanation.contains("食費/食料品"), "{}", proposal.explanation);

        // One earlier choice is not enough to predict; two are.
        assert!(ledger.predict_categories(10).unwrap().is_empty());
        ledger
            .edit_transaction(ids[1], &crate::ledger::TransactionEdit { category_id: Some(food), ..Default::default() })
            .unwrap();
        let predictions = ledger.predict_categories(10).unwrap();
        assert_eq!(predictions.len(), 2);
        assert!(predictions.iter().all(|p| p.category_id == food && p.like == 2));
        assert_eq!(predictions[0].explanation, "like 2 earlier「ローソン」rows you filed under 食費/食料品");
    }
}
