//! The modelled service's 入出金 CSV export, column for column, so that what GIMS writes its
//! importer (and `gims import`) reads back: the same dates, amounts, texts, categories, 振替 and
//! 計算対象 flags, and an ID per row that makes a second import add nothing.
//!
//! UTF-8 with a BOM (spreadsheets then read the Japanese right; Shift_JIS would lose characters
//! it lacks), CRLF, every cell quoted, newest first — as the service writes it. The export is in
//! yen: rows in other currencies are left out and counted in the outcome.

use super::{ExportData, ExportOutcome, ExportTransaction, LeftOut, neutralise_cell, write_failed};
use crate::error::Result;
use crate::ledger::categories::UNCATEGORISED;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

pub const HEADER: [&str; 10] =
    ["計算対象", "日付", "内容", "金額（円）", "保有金融機関", "大項目", "中項目", "メモ", "振替", "ID"];

pub(super) fn write(data: &ExportData, out: &mut dyn Write) -> Result<ExportOutcome> {
    let names = data.unique_names(&[]);
    let accounts: HashMap<i64, &super::ExportAccount> = data.accounts.iter().map(|a| (a.id, a)).collect();
    out.write_all("\u{feff}".as_bytes()).map_err(write_failed)?;
    let mut writer = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::Always)
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(HEADER).map_err(csv_failed)?;
    let mut left_out: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids_used: HashSet<(Option<i64>, String)> = HashSet::new();
    let mut written = 0;
    for transaction in data.transactions.iter().rev() {
        if transaction.currency != "JPY" {
            *left_out.entry(transaction.currency.clone()).or_default() += 1;
            continue;
        }
        let account = transaction.account_id.and_then(|id| accounts.get(&id));
        let included = transaction.included && account.is_none_or(|a| a.included);
        let institution = match account {
            Some(account) if !account.imported_cash => names.get(&account.id).map(String::as_str).unwrap_or(""),
            _ => "",
        };
        let (major, middle) = match (transaction.category.as_str(), transaction.subcategory.as_deref()) {
            (UNCATEGORISED, _) => (UNCATEGORISED, UNCATEGORISED),
            (major, middle) => (major, middle.unwrap_or("")),
        };
        let id = row_id(transaction, &mut ids_used);
        let amount = transaction.minor.to_string();
        writer
            .write_record([
                if included { "1" } else { "0" },
                &transaction.date.replace('-', "/"),
                &neutralise_cell(&transaction.description),
                // A number, negative for money out: never neutralised.
                &amount,
                &neutralise_cell(institution),
                &neutralise_cell(major),
                &neutralise_cell(middle),
                &neutralise_cell(&transaction.memo),
                if transaction.transfer { "1" } else { "0" },
                &neutralise_cell(&id),
            ])
            .map_err(csv_failed)?;
        written += 1;
    }
    writer.flush().map_err(write_failed)?;
    Ok(ExportOutcome {
        transactions: written,
        left_out: left_out
            .into_iter()
            .map(|(currency, transactions)| LeftOut {
                reason: format!("the mf-csv export is in yen; {currency} rows are in the journal export"),
                currency,
                transactions,
            })
            .collect(),
        ..ExportOutcome::default()
    })
}

/// The row's ID: the file's own id when it came from a file (so exporting what was imported gives
/// the same IDs back), the institution's id, or `gims-<id>`; unique within its account.
fn row_id(transaction: &ExportTransaction, used: &mut HashSet<(Option<i64>, String)>) -> String {
    let candidate = match transaction.external_id.as_deref() {
        Some(id) => id.strip_prefix("file:").unwrap_or(id).to_owned(),
        None => format!("gims-{}", transaction.id),
    };
    if used.insert((transaction.account_id, candidate.clone())) {
        return candidate;
    }
    let unique = format!("{candidate}-{}", transaction.id);
    used.insert((transaction.account_id, unique.clone()));
    unique
}

fn csv_failed(error: csv::Error) -> crate::error::GimsError {
    match error.into_kind() {
        csv::ErrorKind::Io(io) => write_failed(io),
        other => crate::error::GimsError::internal(format!("the CSV export failed: {other:?}")),
    }
}
