//! Plain-text output for people at a terminal. `--json` is for scripts.

use gims::api::StatusView;
use gims::bench::BenchReport;
use gims::ledger::categories::CategoryRow;
use gims::ledger::{AccountRow, TransactionRow};
use gims::money::{Amount, Currency, format_for_people};
use std::fmt::Write;

fn money(decimal: &str, currency: &str) -> String {
    match Currency::parse(currency).and_then(|c| Amount::parse(decimal, &c)) {
        Ok(amount) => format_for_people(&amount),
        Err(_) => format!("{decimal} {currency}"),
    }
}

pub fn status(view: &StatusView) -> String {
    format!(
        "vault        {}\nencrypted    {} (key: {})\nschema       {}\nconnections  {}\naccounts     {}\ntransactions {}\n",
        view.vault.display(),
        if view.encrypted { "yes" } else { "NO" },
        view.key_source,
        view.schema_version,
        view.connections,
        view.accounts,
        view.transactions
    )
}

pub fn accounts(rows: &[AccountRow]) -> String {
    if rows.is_empty() {
        return "no accounts yet: add one with `gims account add --name 財布 --kind cash --currency JPY`\n".into();
    }
    let mut out = String::new();
    for row in rows {
        let origin = row.connection_id.map(|c| format!("connection {c}")).unwrap_or_else(|| "manual".into());
        let _ = writeln!(
            out,
            "{:>5}  {:<24} {:<10} {:>18}  as of {}  ({origin})",
            row.id,
            row.name,
            row.kind,
            money(&row.balance, &row.currency),
            row.balance_as_of.as_deref().unwrap_or("-")
        );
    }
    out
}

pub fn transactions(rows: &[TransactionRow]) -> String {
    if rows.is_empty() {
        return "no transactions\n".into();
    }
    let mut out = String::new();
    for row in rows {
        let category = match &row.subcategory {
            Some(sub) => format!("{}/{sub}", row.category),
            None => row.category.clone(),
        };
        let account = row.account_id.map(|a| a.to_string()).unwrap_or_else(|| "cash".into());
        let _ = writeln!(
            out,
            "{:>7}  {}  {:>14}  {:<30} {:<16} {account}{}",
            row.id,
            row.date.replace('-', "/"),
            money(&row.amount, &row.currency),
            row.description,
            category,
            if row.included { "" } else { "  (not in totals)" }
        );
    }
    out
}

pub fn categories(rows: &[CategoryRow]) -> String {
    let mut out = String::new();
    for row in rows {
        match &row.subcategory {
            None => {
                let _ = writeln!(out, "{} ({})", row.category, row.kind);
            }
            Some(sub) => {
                let _ = writeln!(out, "  {sub}");
            }
        }
    }
    out
}

pub fn bench(report: &BenchReport) -> String {
    format!(
        "insert: {} transactions in {:.2} s = {:.0} rows/s (batches of {})\nopen:   median {:.2} ms, max {:.2} ms over {} opens of the {}-row ledger ({:.1} MiB)\n",
        report.rows,
        report.insert_seconds,
        report.rows_per_second,
        report.batch,
        report.open_median_ms,
        report.open_max_ms,
        report.opens,
        report.rows,
        report.ledger_bytes as f64 / (1024.0 * 1024.0)
    )
}
