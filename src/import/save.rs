//! A parsed statement into the ledger, whole or not at all: accounts found (or created) by what
//! the file says about them, rows deduplicated by the file's own id (FITID, the export's ID) or,
//! without one, by a fingerprint with an occurrence index — so re-importing a file changes
//! nothing and two identical same-day purchases both survive.

use super::{AccountKind as HintKind, ParsedAccount, ParsedStatement};
use crate::error::{GimsError, Result};
use crate::ledger::categories;
use crate::ledger::{Ledger, NewTransaction, TransactionSource, insert_transactions_in};
use crate::money::{Amount, Currency};
use gims_connectors::AccountKind;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct ImportOutcome {
    pub format: &'static str,
    /// The account, when the file holds one.
    pub account_id: Option<i64>,
    pub imported: usize,
    pub duplicates: usize,
    pub skipped: Vec<SkippedView>,
    pub accounts: Vec<ImportedAccount>,
    /// Imported rows that look like a transaction typed by hand earlier (same account, same
    /// amount, within three days): both are kept; the user decides (`gims tx delete ID`).
    pub possible_duplicates: Vec<PossibleDuplicate>,
}

#[derive(Debug, Serialize)]
pub struct PossibleDuplicate {
    pub imported_id: i64,
    pub manual_id: i64,
    pub account_id: i64,
    pub amount: String,
    pub imported_date: String,
    pub manual_date: String,
    pub manual_description: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct SkippedView {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ImportedAccount {
    pub account_id: i64,
    pub name: String,
    pub created: bool,
    pub imported: usize,
    pub duplicates: usize,
}

pub fn save(ledger: &mut Ledger, statement: &ParsedStatement, target: Option<i64>, now: &str) -> Result<ImportOutcome> {
    if target.is_some() && statement.accounts.len() > 1 {
        return Err(GimsError::invalid(
            "account",
            format!(
                "this file holds {} accounts; import it without --account and GIMS files each row under its own",
                statement.accounts.len()
            ),
        ));
    }
    // A whole file is one transaction; a big one spills less with a larger page cache (the
    // cache only grows as pages are used, and goes back to its normal size afterwards).
    ledger.conn.pragma_update(None, "cache_size", -262_144)?;
    let saved = save_in_one_transaction(ledger, statement, target, now);
    ledger.conn.pragma_update(None, "cache_size", crate::ledger::CACHE_SIZE)?;
    saved
}

fn save_in_one_transaction(
    ledger: &mut Ledger,
    statement: &ParsedStatement,
    target: Option<i64>,
    now: &str,
) -> Result<ImportOutcome> {
    let tx = ledger.conn.transaction()?;
    let mut accounts = Vec::new();
    let mut possible_duplicates = Vec::new();
    // An export names the same few categories on every row: resolve each once.
    let mut category_ids: std::collections::HashMap<(String, Option<String>), i64> = std::collections::HashMap::new();
    for parsed in &statement.accounts {
        let (account_id, currency, created) = match target {
            Some(id) => {
                let (currency,): (String,) = tx
                    .query_row("SELECT currency FROM accounts WHERE id = ?1", [id], |row| Ok((row.get(0)?,)))
                    .optional()?
                    .ok_or_else(|| {
                        GimsError::invalid("account", format!("there is no account {id} (see `gims accounts`)"))
                    })?;
                if parsed.hint.currency != "XXX" && parsed.hint.currency != currency {
                    return Err(GimsError::invalid(
                        "account",
                        format!("the file is in {} but account {id} is kept in {currency}", parsed.hint.currency),
                    ));
                }
                (id, currency, false)
            }
            None => find_or_create_account(&tx, statement.format.as_str(), parsed, now)?,
        };
        let currency = Currency::parse(&currency).map_err(GimsError::internal)?;
        let mut rows = Vec::with_capacity(parsed.transactions.len());
        for row in &parsed.transactions {
            let amount = Amount::from_decimal(row.amount, &currency)
                .map_err(|e| GimsError::invalid("file", format!("line {}: {e}", row.line)))?;
            let category_id = match &row.category {
                Some(key) => Some(match category_ids.get(key) {
                    Some(id) => *id,
                    None => {
                        let id = find_or_create_category(&tx, &key.0, key.1.as_deref())?;
                        category_ids.insert(key.clone(), id);
                        id
                    }
                }),
                None => None,
            };
            let external_id = match &row.external_id {
                Some(id) => format!("file:{id}"),
                None => format!("fp:{}:{}", row.fingerprint, row.occurrence),
            };
            rows.push(NewTransaction {
                date: row.date.to_string(),
                amount,
                memo: row.memo.clone(),
                category_id,
                transfer: row.transfer,
                included: row.included,
                external_id: Some(external_id),
                ..NewTransaction::manual(Some(account_id), &row.description)
            });
        }
        let last_before: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM transactions", [], |r| r.get(0))?;
        let inserted = insert_transactions_in(&tx, &rows, TransactionSource::Import)?;
        possible_duplicates.extend(hand_entered_lookalikes(&tx, account_id, last_before, &currency)?);
        if created {
            settle_opening_balance(&tx, account_id, parsed, &currency)?;
        }
        let name: String = tx.query_row("SELECT name FROM accounts WHERE id = ?1", [account_id], |row| row.get(0))?;
        accounts.push(ImportedAccount {
            account_id,
            name,
            created,
            imported: inserted.inserted,
            duplicates: inserted.duplicates,
        });
    }
    tx.commit()?;
    Ok(ImportOutcome {
        format: statement.format.as_str(),
        account_id: match accounts.as_slice() {
            [only] => Some(only.account_id),
            _ => None,
        },
        imported: accounts.iter().map(|a| a.imported).sum(),
        duplicates: accounts.iter().map(|a| a.duplicates).sum(),
        skipped: statement.skipped.iter().map(|s| SkippedView { line: s.line, reason: s.reason.clone() }).collect(),
        accounts,
        possible_duplicates,
    })
}

/// Rows just imported into `account_id` (ids above `last_before`) that match a hand-entered row
/// of the same account by amount within three days. Nothing is dropped: they are suggestions.
fn hand_entered_lookalikes(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    last_before: i64,
    currency: &Currency,
) -> Result<Vec<PossibleDuplicate>> {
    let has_manual: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM transactions WHERE account_id = ?1 AND source = 'manual')",
        [account_id],
        |r| r.get(0),
    )?;
    if !has_manual {
        return Ok(Vec::new());
    }
    let mut statement = tx.prepare(
        "SELECT i.id, m.id, i.amount, i.date, m.date, m.description
         FROM transactions i
         JOIN transactions m ON m.account_id = i.account_id AND m.source = 'manual' AND m.amount = i.amount
              AND m.date BETWEEN date(i.date, '-3 days') AND date(i.date, '+3 days')
         WHERE i.account_id = ?1 AND i.id > ?2
         ORDER BY i.id, m.id",
    )?;
    let rows = statement.query_map(params![account_id, last_before], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
    })?;
    let mut found = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        let (imported_id, manual_id, minor, imported_date, manual_date, manual_description): (
            i64,
            i64,
            i64,
            String,
            String,
            String,
        ) = row?;
        // Each hand-entered row is offered against one imported row at most.
        if !seen.insert(manual_id) {
            continue;
        }
        let amount = Amount::from_minor(minor, currency.clone());
        found.push(PossibleDuplicate {
            reason: format!(
                "{} on {imported_date} looks like 「{manual_description}」 you entered by hand on {manual_date}",
                crate::money::format_for_people(&amount)
            ),
            amount: amount.to_decimal_string(),
            imported_id,
            manual_id,
            account_id,
            imported_date,
            manual_date,
            manual_description,
        });
    }
    Ok(found)
}

/// The account a file describes, by a key made of its format, institution and number (or name).
fn find_or_create_account(
    tx: &rusqlite::Transaction<'_>,
    format: &str,
    parsed: &ParsedAccount,
    now: &str,
) -> Result<(i64, String, bool)> {
    let hint = &parsed.hint;
    let identity = hint.account_number.clone().or_else(|| hint.name.clone()).unwrap_or_default();
    let key = format!("import:{format}:{}:{identity}", hint.institution);
    let existing: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, currency FROM accounts WHERE connection_id IS NULL AND external_id = ?1",
            [&key],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    if let Some((id, currency)) = existing {
        return Ok((id, currency, false));
    }
    let currency = if hint.currency == "XXX" { "JPY".to_string() } else { hint.currency.clone() };
    Currency::parse(&currency).map_err(|e| GimsError::invalid("file", e))?;
    let kind = match hint.kind {
        HintKind::Bank => AccountKind::Bank,
        HintKind::Card => AccountKind::Card,
        HintKind::Securities => AccountKind::Securities,
        HintKind::Emoney => AccountKind::Emoney,
        HintKind::Unknown => AccountKind::Other,
    };
    let name = match (&hint.name, &hint.account_number) {
        (Some(name), _) if !name.is_empty() => name.clone(),
        (_, Some(number)) => format!("{} {number}", hint.institution),
        _ if hint.institution.is_empty() => "手入力 (現金)".to_string(),
        _ => hint.institution.clone(),
    };
    tx.execute(
        "INSERT INTO accounts (connection_id, external_id, name, kind, currency, created_at) VALUES (NULL, ?1, ?2, ?3, ?4, ?5)",
        params![key, name, kind.as_str(), currency, now],
    )?;
    Ok((tx.last_insert_rowid(), currency, true))
}

/// A new account from a statement with a balance: its opening balance is what makes the
/// account's balance equal the statement's, as of the statement's date.
fn settle_opening_balance(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    parsed: &ParsedAccount,
    currency: &Currency,
) -> Result<()> {
    let Some((date, balance)) = parsed.ledger_balance else { return Ok(()) };
    let balance = Amount::from_decimal(balance, currency).map_err(|e| GimsError::invalid("file", e))?;
    let moved: i64 = tx.query_row(
        "SELECT coalesce(sum(amount), 0) FROM transactions WHERE account_id = ?1 AND date <= ?2",
        params![account_id, date.to_string()],
        |row| row.get(0),
    )?;
    tx.execute("UPDATE accounts SET opening_balance = ?2 WHERE id = ?1", params![account_id, balance.minor - moved])?;
    Ok(())
}

/// The export's 大項目/中項目: found by name, or added (as a user category) if GIMS has none.
fn find_or_create_category(tx: &rusqlite::Transaction<'_>, top: &str, sub: Option<&str>) -> Result<i64> {
    let path = match sub {
        Some(sub) => format!("{top}/{sub}"),
        None => top.to_string(),
    };
    if let Ok(id) = categories::resolve(tx, &path) {
        return Ok(id);
    }
    let kind = if top == "収入" { "income" } else { "expense" };
    let parent: Option<i64> = tx
        .query_row("SELECT id FROM categories WHERE parent_id IS NULL AND name = ?1", [top], |row| row.get(0))
        .optional()?;
    let parent = match parent {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO categories (parent_id, name, kind, position) VALUES (NULL, ?1, ?2, (SELECT coalesce(max(position), 0) + 1 FROM categories WHERE parent_id IS NULL))",
                params![top, kind],
            )?;
            tx.last_insert_rowid()
        }
    };
    let Some(sub) = sub else { return Ok(parent) };
    tx.execute(
        "INSERT INTO categories (parent_id, name, kind, position) VALUES (?1, ?2, (SELECT kind FROM categories WHERE id = ?1), (SELECT coalesce(max(position), 0) + 1 FROM categories WHERE parent_id = ?1))",
        params![parent, sub],
    )?;
    Ok(tx.last_insert_rowid())
}
