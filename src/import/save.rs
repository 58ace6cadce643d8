//! A parsed statement into the ledger, whole or not at all: accounts found (or created) by what
//! the file says about them, rows deduplicated by the file's own id (FITID, the export's ID) or,
//! without one, by a fingerprint with an occurrence index — so re-importing a file changes
//! nothing and two identical same-day purchases both survive.
//!
//! A preview (`ImportMode::dry_run`) is not a second implementation: it runs this same save in the
//! same SQLite transaction, reads what the inserts decided row by row, and rolls back. What a
//! preview shows is therefore what the save would write, as long as the ledger does not change
//! in between; `ImportMode::expect` lets the confirming save refuse (whole) when it did.

use super::{AccountKind as HintKind, ParsedAccount, ParsedStatement, ParsedTransaction};
use crate::error::{GimsError, Result};
use crate::ledger::categories;
use crate::ledger::{Ledger, NewTransaction, TransactionSource, insert_transactions_noting_duplicates_in};
use crate::money::{Amount, Currency, memo_with_exact_amount};
use gims_connectors::AccountKind;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportOutcome {
    pub format: &'static str,
    /// `true`: a preview; everything below is what the import would do, and nothing was saved.
    pub dry_run: bool,
    /// The account, when the file holds one.
    pub account_id: Option<i64>,
    pub imported: usize,
    pub duplicates: usize,
    pub skipped: Vec<SkippedView>,
    pub accounts: Vec<ImportedAccount>,
    /// Imported rows that look like a transaction typed by hand earlier (same account, same
    /// amount, within three days): both are kept; the user decides (`gims tx delete ID`).
    pub possible_duplicates: Vec<PossibleDuplicate>,
    /// The first [`ImportMode::row_views`] rows of the file, in file order, each with what the
    /// import does with it.
    pub rows: Vec<ImportRowView>,
    /// Every row of the file that was read (`imported + duplicates`).
    pub rows_total: usize,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PossibleDuplicate {
    /// In a preview, the id the row would have had (nothing was saved).
    pub imported_id: i64,
    pub manual_id: i64,
    pub account_id: i64,
    pub amount: String,
    pub imported_date: String,
    pub manual_date: String,
    pub manual_description: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SkippedView {
    pub line: usize,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportedAccount {
    /// In a preview of a new account, the id it would have had (nothing was saved).
    pub account_id: i64,
    pub name: String,
    pub created: bool,
    /// The file connection the account belongs to (`None`: a manual account).
    pub connection_id: Option<i64>,
    pub currency: String,
    pub imported: usize,
    pub duplicates: usize,
    /// Exact decimal sums of the rows added (not of the duplicates), in `currency`.
    pub money_in: String,
    pub money_out: String,
}

/// What the import does with one row of the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    /// Added.
    New,
    /// Already in the account (same file id, or same fingerprint and occurrence): skipped.
    Duplicate,
    /// Added, and it looks like a row typed by hand: both are kept, the user decides.
    PossibleDuplicate,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRowView {
    /// 1-based physical line of the file.
    pub line: usize,
    /// Index into [`ImportOutcome::accounts`].
    pub account: usize,
    pub date: String,
    pub description: String,
    /// Exact decimal, signed: money out is negative.
    pub amount: String,
    pub currency: String,
    pub status: RowStatus,
    /// For `possible_duplicate`: which hand-entered row, and why.
    pub reason: Option<String>,
}

/// Where the rows go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportInto {
    /// Accounts found or created (manual accounts) from what the file says.
    FromFile,
    /// This one account (the file must hold a single account in its currency).
    Account(i64),
    /// Accounts found or created under this file connection (owned by it, deleted with it).
    Connection(i64),
}

/// Saved, or previewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportMode {
    /// Decide everything as the save would, then roll back: nothing is written.
    pub dry_run: bool,
    /// How many rows (from the top of the file) to describe in [`ImportOutcome::rows`].
    pub row_views: usize,
    /// `(imported, duplicates)` as a preview showed them: a save that would come out otherwise
    /// (the ledger changed meanwhile) is refused whole.
    pub expect: Option<(usize, usize)>,
}

impl ImportMode {
    pub const SAVE: ImportMode = ImportMode { dry_run: false, row_views: 0, expect: None };

    pub fn preview(row_views: usize) -> ImportMode {
        ImportMode { dry_run: true, row_views, expect: None }
    }
}

pub fn save(ledger: &mut Ledger, statement: &ParsedStatement, target: Option<i64>, now: &str) -> Result<ImportOutcome> {
    let into = match target {
        Some(id) => ImportInto::Account(id),
        None => ImportInto::FromFile,
    };
    save_with(ledger, statement, into, now, ImportMode::SAVE)
}

/// Saves (or previews, see [`ImportMode`]) a statement, whole or not at all.
pub fn save_with(
    ledger: &mut Ledger,
    statement: &ParsedStatement,
    into: ImportInto,
    now: &str,
    mode: ImportMode,
) -> Result<ImportOutcome> {
    save_recording(ledger, statement, into, now, mode, |_, _| Ok(()))
}

/// [`save_with`], with `record` run in the same SQLite transaction once the rows are in (a file
/// connection's last fetch): both are saved, or neither. Not run for a dry run.
pub fn save_recording(
    ledger: &mut Ledger,
    statement: &ParsedStatement,
    into: ImportInto,
    now: &str,
    mode: ImportMode,
    record: impl FnOnce(&rusqlite::Transaction<'_>, &ImportOutcome) -> Result<()>,
) -> Result<ImportOutcome> {
    if matches!(into, ImportInto::Account(_)) && statement.accounts.len() > 1 {
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
    let saved = save_in_one_transaction(ledger, statement, into, now, mode, record);
    ledger.conn.pragma_update(None, "cache_size", crate::ledger::CACHE_SIZE)?;
    saved
}

fn save_in_one_transaction(
    ledger: &mut Ledger,
    statement: &ParsedStatement,
    into: ImportInto,
    now: &str,
    mode: ImportMode,
    record: impl FnOnce(&rusqlite::Transaction<'_>, &ImportOutcome) -> Result<()>,
) -> Result<ImportOutcome> {
    let tx = ledger.conn.transaction()?;
    let mut accounts = Vec::new();
    let mut possible_duplicates = Vec::new();
    let mut row_views = Vec::new();
    // An export names the same few categories on every row: resolve each once.
    let mut category_ids: std::collections::HashMap<(String, Option<String>), i64> = std::collections::HashMap::new();
    for (account_index, parsed) in statement.accounts.iter().enumerate() {
        let (account_id, currency, created) = match into {
            ImportInto::Account(id) => {
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
            ImportInto::FromFile => find_or_create_account(&tx, statement.format.as_str(), parsed, None, now)?,
            ImportInto::Connection(connection) => {
                find_or_create_account(&tx, statement.format.as_str(), parsed, Some(connection), now)?
            }
        };
        let currency = Currency::parse(&currency).map_err(GimsError::internal)?;
        let mut rows = Vec::with_capacity(parsed.transactions.len());
        for row in &parsed.transactions {
            let (amount, memo) = rounded_with_memo(row, &currency)?;
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
                memo,
                category_id,
                transfer: row.transfer,
                included: row.included,
                external_id: Some(external_id),
                ..NewTransaction::manual(Some(account_id), &row.description)
            });
        }
        let last_before: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM transactions", [], |r| r.get(0))?;
        let mut duplicate_rows = Vec::new();
        let inserted =
            insert_transactions_noting_duplicates_in(&tx, &rows, TransactionSource::Import, &mut duplicate_rows)?;
        let lookalikes = hand_entered_lookalikes(&tx, account_id, last_before, &currency)?;
        if created {
            settle_opening_balance(&tx, account_id, parsed, &currency)?;
        }
        let (money_in, money_out) = sums_of_added(&rows, &duplicate_rows);
        let wanted = mode.row_views.saturating_sub(row_views.len()).min(rows.len());
        if wanted > 0 {
            let described = (&rows[..wanted], &parsed.transactions[..wanted]);
            row_views.extend(describe_rows(&tx, described, &duplicate_rows, &lookalikes, account_index)?);
        }
        possible_duplicates.extend(lookalikes);
        let name: String = tx.query_row("SELECT name FROM accounts WHERE id = ?1", [account_id], |row| row.get(0))?;
        let connection_id = match into {
            ImportInto::Connection(connection) => Some(connection),
            _ => tx.query_row("SELECT connection_id FROM accounts WHERE id = ?1", [account_id], |row| row.get(0))?,
        };
        accounts.push(ImportedAccount {
            account_id,
            name,
            created,
            connection_id,
            currency: currency.code().to_string(),
            imported: inserted.inserted,
            duplicates: inserted.duplicates,
            money_in: Amount::from_minor(money_in, currency.clone()).to_decimal_string(),
            money_out: Amount::from_minor(money_out, currency.clone()).to_decimal_string(),
        });
    }
    let outcome = ImportOutcome {
        format: statement.format.as_str(),
        dry_run: mode.dry_run,
        account_id: match accounts.as_slice() {
            [only] => Some(only.account_id),
            _ => None,
        },
        imported: accounts.iter().map(|a| a.imported).sum(),
        duplicates: accounts.iter().map(|a| a.duplicates).sum(),
        skipped: statement.skipped.iter().map(|s| SkippedView { line: s.line, reason: s.reason.clone() }).collect(),
        accounts,
        possible_duplicates,
        rows: row_views,
        rows_total: statement.accounts.iter().map(|a| a.transactions.len()).sum(),
    };
    if let Some((imported, duplicates)) = mode.expect
        && (imported, duplicates) != (outcome.imported, outcome.duplicates)
    {
        // Dropping `tx` rolls back.
        return Err(GimsError::invalid(
            "preview",
            format!(
                "the ledger changed since the preview ({imported} new and {duplicates} already there then, {} and {} now); \
                 nothing was imported: preview the file again",
                outcome.imported, outcome.duplicates
            ),
        ));
    }
    if mode.dry_run {
        tx.rollback()?;
    } else {
        record(&tx, &outcome)?;
        tx.commit()?;
    }
    Ok(outcome)
}

/// Money in and money out (minor units) of the rows the insert added.
fn sums_of_added(rows: &[NewTransaction], duplicate_rows: &[usize]) -> (i64, i64) {
    let mut duplicates = duplicate_rows.iter().peekable();
    let (mut money_in, mut money_out) = (0i64, 0i64);
    for (index, row) in rows.iter().enumerate() {
        if duplicates.next_if_eq(&&index).is_some() {
            continue;
        }
        if row.amount.minor >= 0 {
            money_in += row.amount.minor;
        } else {
            money_out += row.amount.minor;
        }
    }
    (money_in, money_out)
}

/// The rows as the insert decided them: duplicate, new, or new and like a hand-entered row.
fn describe_rows(
    tx: &rusqlite::Transaction<'_>,
    (rows, parsed): (&[NewTransaction], &[ParsedTransaction]),
    duplicate_rows: &[usize],
    lookalikes: &[PossibleDuplicate],
    account_index: usize,
) -> Result<Vec<ImportRowView>> {
    // A lookalike names the inserted row by id; the row is known here by its external id.
    let mut reasons: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for lookalike in lookalikes {
        let external_id: Option<String> =
            tx.query_row("SELECT external_id FROM transactions WHERE id = ?1", [lookalike.imported_id], |row| {
                row.get(0)
            })?;
        if let Some(external_id) = external_id {
            reasons.entry(external_id).or_insert_with(|| lookalike.reason.clone());
        }
    }
    let mut duplicates = duplicate_rows.iter().peekable();
    let mut views = Vec::with_capacity(rows.len());
    for (index, (row, parsed)) in rows.iter().zip(parsed).enumerate() {
        let duplicate = duplicates.next_if_eq(&&index).is_some();
        let reason = if duplicate { None } else { row.external_id.as_ref().and_then(|id| reasons.get(id).cloned()) };
        let status = match (duplicate, &reason) {
            (true, _) => RowStatus::Duplicate,
            (false, Some(_)) => RowStatus::PossibleDuplicate,
            (false, None) => RowStatus::New,
        };
        views.push(ImportRowView {
            line: parsed.line,
            account: account_index,
            date: row.date.clone(),
            description: row.description.clone(),
            amount: row.amount.to_decimal_string(),
            currency: row.amount.currency.code().to_string(),
            status,
            reason,
        });
    }
    Ok(views)
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

/// The account a file describes, by a key made of its format, institution and number (or name),
/// among the manual accounts or, for a file connection, among that connection's accounts.
///
/// A file connection adopts the manual account that the same file made before the connection
/// existed (or before imports were tied to it): the rows stay where they are, nothing is
/// imported twice, and the account now goes with its connection.
fn find_or_create_account(
    tx: &rusqlite::Transaction<'_>,
    format: &str,
    parsed: &ParsedAccount,
    connection: Option<i64>,
    now: &str,
) -> Result<(i64, String, bool)> {
    let hint = &parsed.hint;
    let identity = hint.account_number.clone().or_else(|| hint.name.clone()).unwrap_or_default();
    let key = format!("import:{format}:{}:{identity}", hint.institution);
    let find = |owner: Option<i64>| -> Result<Option<(i64, String)>> {
        Ok(tx
            .query_row(
                "SELECT id, currency FROM accounts WHERE connection_id IS ?1 AND external_id = ?2",
                params![owner, key],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?)
    };
    if let Some((id, currency)) = find(connection)? {
        return Ok((id, currency, false));
    }
    if let Some(connection) = connection
        && let Some((id, currency)) = find(None)?
    {
        tx.execute(
            "UPDATE accounts SET connection_id = ?2, balance_from_transactions = 1 WHERE id = ?1",
            params![id, connection],
        )?;
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
        "INSERT INTO accounts (connection_id, external_id, name, kind, currency, created_at, balance_from_transactions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![connection, key, name, kind.as_str(), currency, now, connection.is_some()],
    )?;
    Ok((tx.last_insert_rowid(), currency, true))
}

/// A row's amount in minor units: one with more places than the currency (a broker's `115.8331`
/// dollars, a converted foreign amount) is rounded as a refresh rounds it, its exact figure kept
/// in the memo: refused, it would stop the whole file.
fn rounded_with_memo(row: &ParsedTransaction, currency: &Currency) -> Result<(Amount, String)> {
    let (amount, exact) = Amount::from_reported(row.amount, currency)
        .map_err(|e| GimsError::invalid("file", format!("line {}: {e}", row.line)))?;
    Ok((amount, memo_with_exact_amount(&row.memo, exact.as_deref(), currency)))
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
    let balance = Amount::from_decimal_rounded(balance, currency).map_err(|e| GimsError::invalid("file", e))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{ParseOptions, parse};
    use crate::ledger::test_ledger;

    fn statement() -> ParsedStatement {
        let bytes =
            std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/import/rakuten-bank.csv")).unwrap();
        parse(&bytes, &ParseOptions::default()).unwrap()
    }

    fn count(ledger: &Ledger) -> i64 {
        ledger.conn.query_row("SELECT count(*) FROM transactions", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn a_save_that_would_differ_from_its_preview_is_refused_whole() {
        let (_dir, mut ledger) = test_ledger();
        let statement = statement();
        let now = "2026-11-30T00:00:00Z";
        let preview = save_with(&mut ledger, &statement, ImportInto::FromFile, now, ImportMode::preview(3)).unwrap();
        assert_eq!((count(&ledger), preview.rows.len()), (0, 3), "nothing saved, three rows described");
        let expect = Some((preview.imported, preview.duplicates));
        // Meanwhile the same file was imported (another window, the CLI): the preview is stale.
        save(&mut ledger, &statement, None, now).unwrap();
        let before = count(&ledger);
        let stale = ImportMode { expect, ..ImportMode::SAVE };
        let error = save_with(&mut ledger, &statement, ImportInto::FromFile, now, stale).unwrap_err();
        assert!(error.message.contains("preview the file again"), "{}", error.message);
        assert_eq!(count(&ledger), before);
        let current = ImportMode { expect: Some((0, preview.imported)), ..ImportMode::SAVE };
        assert_eq!(save_with(&mut ledger, &statement, ImportInto::FromFile, now, current).unwrap().imported, 0);
    }
}
