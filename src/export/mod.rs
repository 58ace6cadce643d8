//! Exports to open formats, so the user's data is never locked in: the modelled service's CSV
//! export (the same columns its importer reads, so history moves in both directions), a
//! Ledger/hledger plain-text journal, and a month's report as a self-contained HTML page or CSV.
//!
//! Design choices, stated once:
//! - **The core writes the bytes**; front ends only pick where they go (a file, standard output).
//!   A file is written beside its target and renamed over it: a failed export leaves no half file,
//!   and the file is readable by its owner only (it holds the user's finances in the clear).
//! - **Amounts are integer minor units printed exactly** ([`crate::money::Amount`]); nothing here
//!   goes through floating point, chart geometry included.
//! - **Text from institutions and the user is data, never markup or formulas**: CSV cells that a
//!   spreadsheet would run as a formula are neutralised ([`neutralise_cell`]), journal text cannot
//!   open a comment or a posting, and every string in the HTML report is escaped.

mod journal;
mod mf_csv;
mod report;

pub use report::{ReportExportFormat, write_report_csv, write_report_html};

use crate::error::{ErrorCode, GimsError, Result};
use crate::ledger::Ledger;
use gims_connectors::AccountKind;
use rusqlite::params;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::Path;

/// The transaction formats `gims export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// The modelled service's CSV export (計算対象, 日付, 内容, 金額（円）, …, ID).
    MfCsv,
    /// A Ledger/hledger journal.
    Journal,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [ExportFormat::MfCsv, ExportFormat::Journal];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::MfCsv => "mf-csv",
            ExportFormat::Journal => "journal",
        }
    }

    pub fn from_id(id: &str) -> Option<ExportFormat> {
        ExportFormat::ALL.into_iter().find(|format| format.as_str() == id)
    }
}

/// What an export wrote.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ExportOutcome {
    pub format: &'static str,
    /// Where it went; `None` for standard output.
    pub out: Option<std::path::PathBuf>,
    pub transactions: usize,
    /// Rows the format cannot carry (the CSV export is in yen only), by currency.
    pub left_out: Vec<LeftOut>,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LeftOut {
    pub currency: String,
    pub transactions: usize,
    pub reason: String,
}

/// An account as exports see it.
#[derive(Clone, Debug)]
pub(crate) struct ExportAccount {
    pub id: i64,
    pub name: String,
    pub kind: AccountKind,
    pub currency: String,
    /// Counted in totals (an account the user excluded counts in neither income nor spending).
    pub included: bool,
    /// The balance before the exported range, in minor units.
    pub opening: i64,
    /// The account the mf-export importer made for rows without a 保有金融機関 (cash): exported
    /// without one again, so a second round trip lands in the same place.
    pub imported_cash: bool,
}

/// A transaction as exports see it, read straight from the ledger.
#[derive(Clone, Debug)]
pub(crate) struct ExportTransaction {
    pub id: i64,
    pub account_id: Option<i64>,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub minor: i64,
    pub currency: String,
    pub description: String,
    pub memo: String,
    pub category: String,
    pub subcategory: Option<String>,
    /// income / expense / uncategorised.
    pub kind: String,
    pub transfer: bool,
    pub included: bool,
    pub external_id: Option<String>,
}

/// Every account and the transactions between `from` and `to` (inclusive, `YYYY-MM-DD`),
/// oldest first.
pub(crate) struct ExportData {
    pub accounts: Vec<ExportAccount>,
    pub transactions: Vec<ExportTransaction>,
    pub from: Option<String>,
}

impl ExportData {
    pub fn load(ledger: &Ledger, from: Option<&str>, to: Option<&str>) -> Result<ExportData> {
        let conn = &ledger.conn;
        // Opening: what the account held before `from` (before everything, without `from`).
        // A manual or imported account starts at its opening balance; a linked account's start
        // is what makes its latest reported balance agree with its transactions.
        let mut statement = conn.prepare(
            "SELECT a.id, a.name, a.kind, a.currency, a.included, coalesce(a.connection_id IS NULL AND a.external_id = 'import:mf-export::', 0),
                CASE WHEN a.connection_id IS NULL OR a.balance_from_transactions = 1 THEN a.opening_balance
                     ELSE coalesce((SELECT s.balance - coalesce((SELECT sum(t.amount) FROM transactions t
                                                                 WHERE t.account_id = a.id AND t.date <= s.as_of), 0)
                                    FROM balance_snapshots s WHERE s.account_id = a.id
                                    ORDER BY s.as_of DESC, s.id DESC LIMIT 1), 0)
                END
                + coalesce((SELECT sum(t.amount) FROM transactions t WHERE t.account_id = a.id AND t.date < ?1), 0)
             FROM accounts a ORDER BY a.id",
        )?;
        let accounts = statement
            .query_map(params![from.unwrap_or("")], |row| {
                let kind: String = row.get(2)?;
                Ok((row.get(0)?, row.get(1)?, kind, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?))
            })?
            .map(|row| {
                let (id, name, kind, currency, included, imported_cash, opening): (
                    i64,
                    String,
                    String,
                    String,
                    bool,
                    bool,
                    i64,
                ) = row?;
                let kind = kind.parse::<AccountKind>().map_err(GimsError::internal)?;
                Ok(ExportAccount { id, name, kind, currency, included, opening, imported_cash })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut statement = conn.prepare(
            "SELECT t.id, t.account_id, t.date, t.amount, t.currency, t.description, t.memo,
                    coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END, c.kind,
                    t.transfer, t.included, t.external_id
             FROM transactions t
             JOIN categories c ON c.id = t.category_id
             LEFT JOIN categories p ON p.id = c.parent_id
             WHERE t.date >= ?1 AND t.date <= ?2
             ORDER BY t.date, t.id",
        )?;
        let transactions = statement
            .query_map(params![from.unwrap_or(""), to.unwrap_or("9999-12-31")], |row| {
                Ok(ExportTransaction {
                    id: row.get(0)?,
                    account_id: row.get(1)?,
                    date: row.get(2)?,
                    minor: row.get(3)?,
                    currency: row.get(4)?,
                    description: row.get(5)?,
                    memo: row.get(6)?,
                    category: row.get(7)?,
                    subcategory: row.get(8)?,
                    kind: row.get(9)?,
                    transfer: row.get(10)?,
                    included: row.get(11)?,
                    external_id: row.get(12)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(ExportData { accounts, transactions, from: from.map(str::to_owned) })
    }

    /// Each account's name, made unique: a second account with the same name gets ` #ID`.
    /// `reserved` names are taken already (the journal's own cash account).
    pub fn unique_names(&self, reserved: &[&str]) -> HashMap<i64, String> {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for account in &self.accounts {
            *counts.entry(account.name.as_str()).or_default() += 1;
        }
        let reserved: HashSet<&str> = reserved.iter().copied().collect();
        let mut names = HashMap::new();
        let mut first_seen: HashSet<&str> = HashSet::new();
        for account in &self.accounts {
            let name = account.name.as_str();
            let shared = counts.get(name).copied().unwrap_or(0) > 1 || reserved.contains(name);
            // The first of several keeps the plain name, unless that name is reserved.
            let plain = !reserved.contains(name) && first_seen.insert(name);
            let unique = if shared && !plain { format!("{name} #{}", account.id) } else { name.to_owned() };
            names.insert(account.id, unique);
        }
        names
    }
}

/// A CSV cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage
/// return first) gets a leading `'`, which spreadsheets show as text. The importer takes exactly
/// one off, so text that already starts with quotes before such a character gets one more.
pub fn neutralise_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// Writes what `write` produces to `path`, whole or not at all: into a new file beside it (owner
/// read/write only), renamed over the target once complete.
pub fn write_file_atomically<T>(path: &Path, write: impl FnOnce(&mut dyn Write) -> Result<T>) -> Result<T> {
    let cannot =
        |e: &dyn std::fmt::Display| GimsError::invalid("out", format!("could not write {}: {e}", path.display()));
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    if path.is_dir() {
        return Err(GimsError::invalid("out", format!("{} is a folder; name a file", path.display())));
    }
    let mut file = tempfile::Builder::new().prefix(".gims-export-").tempfile_in(folder).map_err(|e| cannot(&e))?;
    let value = {
        let mut buffered = std::io::BufWriter::new(file.as_file_mut());
        let value = write(&mut buffered)?;
        buffered.flush().map_err(|e| cannot(&e))?;
        value
    };
    file.as_file().sync_all().map_err(|e| cannot(&e))?;
    file.persist(path).map_err(|e| cannot(&e.error))?;
    Ok(value)
}

/// An IO error while writing an export (a closed pipe, a full disk).
pub(crate) fn write_failed(error: std::io::Error) -> GimsError {
    GimsError::new(ErrorCode::VaultIo, format!("the export could not be written: {error}"))
}

/// Writes the transactions of `from..=to` in `format`.
pub fn export(
    ledger: &Ledger,
    format: ExportFormat,
    from: Option<&str>,
    to: Option<&str>,
    out: &mut dyn Write,
) -> Result<ExportOutcome> {
    let data = ExportData::load(ledger, from, to)?;
    let mut outcome = match format {
        ExportFormat::MfCsv => mf_csv::write(&data, out)?,
        ExportFormat::Journal => journal::write(&data, out)?,
    };
    outcome.format = format.as_str();
    Ok(outcome)
}

#[cfg(test)]
mod tests;
