//! Plain-text output for people at a terminal. `--json` is for scripts.

use gims::api::StatusView;
use gims::bench::BenchReport;
use gims::ledger::categories::CategoryRow;
use gims::ledger::{AccountRow, TransactionRow};
use gims::money::{Amount, Currency, format_for_people};
use std::fmt::Write;

/// Pads to a width in terminal columns: kanji and full-width letters take two. The text is made
/// safe for a terminal first, line breaks included: one field stays on its line.
pub(super) fn pad(text: &str, columns: usize) -> String {
    let text = terminal_safe(text, true);
    let width = unicode_width::UnicodeWidthStr::width(text.as_str());
    format!("{text}{}", " ".repeat(columns.saturating_sub(width)))
}

/// Text from institutions and files as a terminal should show it: control characters (escape
/// sequences could rewrite the screen), bidirectional overrides (which reverse what follows) and
/// invisible characters appear as `\u{…}` escapes. Line breaks are kept unless `one_line`.
pub fn terminal_safe(text: &str, one_line: bool) -> String {
    gims::visible::escape_hidden(text, one_line)
}

/// `大項目/中項目`, or the 大項目 alone.
pub(super) fn category_path(category: &str, subcategory: Option<&str>) -> String {
    match subcategory {
        Some(sub) => format!("{category}/{sub}"),
        None => category.to_string(),
    }
}

/// A period's heading: income, spending and net, in yen as people write it.
pub(super) fn totals_line(label: &str, income: &str, expense: &str, net: &str, currency: &str) -> String {
    format!(
        "{label}  income {}  spending {}  net {}\n",
        money(income, currency),
        money(expense, currency),
        money(net, currency)
    )
}

pub(super) fn money(decimal: &str, currency: &str) -> String {
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
        let mut origin = row.connection_id.map(|c| format!("connection {c}")).unwrap_or_else(|| "manual".into());
        if row.hidden {
            origin.push_str(", hidden: not in totals");
        }
        let _ = writeln!(
            out,
            "{:>5}  {} {:<10} {:>18}  as of {}  ({origin})",
            row.id,
            pad(&row.name, 24),
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
        let category = category_path(&row.category, row.subcategory.as_deref());
        let account = row.account_id.map(|a| a.to_string()).unwrap_or_else(|| "cash".into());
        let _ = writeln!(
            out,
            "{:>7}  {}  {:>14}  {} {} {account}{}",
            row.id,
            row.date.replace('-', "/"),
            money(&row.amount, &row.currency),
            pad(&row.description, 34),
            pad(&category, 20),
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
    let import = match report.import_seconds {
        Some(seconds) => format!(
            "import: a {}-row export CSV in {seconds:.2} s = {:.0} rows/s (parse + one all-or-nothing save)\n",
            report.import_rows,
            f64::from(report.import_rows) / seconds
        ),
        None => String::new(),
    };
    import
        + &format!(
            "insert: {} transactions in {:.2} s = {:.0} rows/s (batches of {})\nopen:   median {:.2} ms, max {:.2} ms over {} opens of the {}-row ledger ({:.1} MiB)\ncheck:  daily (page HMACs + quick_check) {:.0} ms, full (`gims check`) {:.0} ms\n",
            report.rows,
            report.insert_seconds,
            report.rows_per_second,
            report.batch,
            report.open_median_ms,
            report.open_max_ms,
            report.opens,
            report.rows,
            report.ledger_bytes as f64 / (1024.0 * 1024.0),
            report.daily_check_ms,
            report.full_check_ms
        )
        + &format!(
            "report: monthly {:.1} ms, asset history 10 years by month {:.1} ms, 1 year by day {:.1} ms (warm medians)\n",
            report.monthly_report_ms, report.history_10y_monthly_ms, report.history_1y_daily_ms
        )
}

pub fn institutions(rows: &[gims::api::InstitutionView]) -> String {
    let mut out = String::new();
    for row in rows {
        let aliases =
            if row.aliases.is_empty() { String::new() } else { format!("  (also: {})", row.aliases.join(", ")) };
        let ended = row.status_message.as_deref().map(|m| format!("  [{m}]")).unwrap_or_default();
        let policy = policy_note(&row.policy);
        let _ = writeln!(
            out,
            "{:<22} {:<10} {:<18} {}{aliases}{policy}{ended}",
            row.id, row.category, row.auth.kind, row.name
        );
    }
    if out.is_empty() {
        out.push_str("no institution matches\n");
    }
    out
}

/// The refresh rules an institution imposes, when it imposes any: `  [scheduled refresh only; …]`.
fn policy_note(policy: &gims_connectors::RefreshPolicy) -> String {
    let mut rules = Vec::new();
    if policy.needs_user_every_login || !policy.auto_refresh {
        rules.push("never unattended".to_string());
    }
    if !policy.manual_refresh {
        rules.push("scheduled refresh only".to_string());
    }
    if !policy.bulk_refresh {
        rules.push("not in refresh all".to_string());
    }
    if policy.min_interval_secs > 0 {
        let minutes = policy.min_interval_secs.div_ceil(60);
        rules.push(match minutes % 60 {
            0 => format!("at most every {} h", minutes / 60),
            _ => format!("at most every {minutes} min"),
        });
    }
    if rules.is_empty() { String::new() } else { format!("  [{}]", rules.join("; ")) }
}

pub fn connections(rows: &[gims::ledger::ConnectionRow]) -> String {
    if rows.is_empty() {
        return "no connections yet: link one with `gims connect INSTITUTION --credentials-stdin`\n".into();
    }
    let mut out = String::new();
    for row in rows {
        let fetched = row.last_fetched_at.as_deref().unwrap_or("never");
        let _ =
            writeln!(out, "{:>4}  {} {:<16} last fetched {fetched}", row.id, pad(&row.display_name, 30), row.status);
        if !row.message.is_empty() {
            let _ = writeln!(out, "      {} → {}", row.message, row.action);
        }
    }
    out
}

pub fn refresh_reports(rows: &[gims::refresh::RefreshReport]) -> String {
    let mut out = String::new();
    for row in rows {
        let _ = write!(
            out,
            "connection {}: {} ({} new transactions, {} balances changed)",
            row.connection_id, row.outcome, row.added, row.updated
        );
        if let Some(code) = row.code {
            let _ = write!(out, " [{code}]");
        }
        if !row.message.is_empty() {
            let _ = write!(out, " — {}", row.message);
        }
        out.push('\n');
    }
    out
}

/// 評価損益 with its sign, and its share of the cost as a percentage: `+¥234,567 (+23.46%)`.
fn gain_text(gain: &str, ratio: Option<&str>, currency: &str) -> String {
    let sign = if gain.starts_with('-') { "" } else { "+" };
    let percent = ratio
        .and_then(|r| r.parse::<rust_decimal::Decimal>().ok())
        .map(|r| format!(" ({sign}{:.2}%)", r * rust_decimal::Decimal::ONE_HUNDRED))
        .unwrap_or_default();
    format!("{sign}{}{percent}", money(gain, currency))
}

pub fn holdings(rows: &[gims::ledger::HoldingRow]) -> String {
    if rows.is_empty() {
        return "no holdings\n".into();
    }
    let mut out = String::new();
    for row in rows {
        let value = row.value.as_deref().map(|v| money(v, &row.currency)).unwrap_or_else(|| "valuation unknown".into());
        let gain = match &row.gain {
            Some(gain) => gain_text(gain, row.gain_ratio.as_deref(), &row.currency),
            None => "gain unknown".into(),
        };
        let _ = writeln!(
            out,
            "{:>5}  {:<32} {:>18}  {:>16}  {:>24}  as of {}",
            row.account_id, row.asset, row.quantity, value, gain, row.as_of
        );
    }
    out
}

pub fn access_log(rows: &[gims::ledger::AccessLogRow]) -> String {
    if rows.is_empty() {
        return "GIMS has not logged in anywhere yet\n".into();
    }
    let mut out = String::new();
    for row in rows {
        let connection = row.connection_id.map(|c| c.to_string()).unwrap_or_else(|| "-".into());
        let _ = writeln!(
            out,
            "{}  {:<20} {:<24} connection {connection}  {}",
            row.at, row.institution_id, row.host, row.outcome
        );
    }
    out
}

pub fn monthly_report(report: &gims::report::MonthlyReport) -> String {
    let mut out = totals_line(&report.month, &report.income, &report.expense, &report.net, &report.currency);
    for line in &report.categories {
        let name = category_path(&line.category, line.subcategory.as_deref());
        let _ = writeln!(out, "  {} {:>14}", pad(&name, 28), money(&line.amount, &report.currency));
    }
    for other in &report.other_currencies {
        let _ = writeln!(
            out,
            "  ({}: income {}, spending {})",
            other.currency,
            money(&other.income, &other.currency),
            money(&other.expense, &other.currency)
        );
    }
    out
}

pub fn asset_report(report: &gims::report::AssetReport) -> String {
    let mut out = format!("{}  net worth {}\n", report.date.replace('-', "/"), money(&report.total, &report.currency));
    for line in &report.classes {
        let _ = writeln!(out, "  {:<12} {:>16}", line.class, money(&line.amount, &report.currency));
    }
    for account in &report.converted {
        let _ = writeln!(
            out,
            "  account {} holds {} = {} at ¥{} ({} {})",
            account.account_id,
            money(&account.balance, &account.currency),
            money(&account.value, &report.currency),
            account.rate.rate,
            account.rate.source,
            account.rate.as_of.replace('-', "/")
        );
    }
    for account in &report.unvalued {
        let _ = writeln!(
            out,
            "  account {} holds {} (no rate: not in the total; `gims rate set {} …`)",
            account.account_id,
            money(&account.balance, &account.currency),
            account.currency
        );
    }
    let gains = &report.gains;
    if let Some(total) = &gains.total {
        let _ = writeln!(
            out,
            "  holdings valued {} for a cost of {}: gain {}",
            money(&total.value, &report.currency),
            money(&total.cost, &report.currency),
            gain_text(&total.gain, total.gain_ratio.as_deref(), &report.currency)
        );
    }
    if gains.left_out > 0 {
        let _ =
            writeln!(out, "  {} holding(s) without a price, a cost or a yen value are not in the gain", gains.left_out);
    }
    out
}

pub fn import_outcome(outcome: &gims::import::ImportOutcome) -> String {
    let mut out = String::new();
    if outcome.dry_run {
        out.push_str("dry run: nothing was saved; importing the file would do this\n");
    }
    let _ = writeln!(out, "{}: {} imported, {} already there", outcome.format, outcome.imported, outcome.duplicates);
    for account in &outcome.accounts {
        let created = if account.created { " (new account)" } else { "" };
        let _ = writeln!(
            out,
            "  account {} {}{created}: {} imported ({} in, {} out), {} already there",
            account.account_id,
            account.name,
            account.imported,
            money(&account.money_in, &account.currency),
            money(&account.money_out, &account.currency),
            account.duplicates
        );
    }
    for row in &outcome.rows {
        let status = match row.status {
            gims::import::RowStatus::New => "new",
            gims::import::RowStatus::Duplicate => "already there",
            gims::import::RowStatus::PossibleDuplicate => "new, possibly yours",
        };
        let _ = writeln!(
            out,
            "  line {}  {}  {:>12}  {}  [{status}]",
            row.line,
            row.date,
            money(&row.amount, &row.currency),
            row.description
        );
    }
    if outcome.rows.len() < outcome.rows_total && outcome.dry_run {
        let _ = writeln!(out, "  … {} more row(s)", outcome.rows_total - outcome.rows.len());
    }
    for skipped in &outcome.skipped {
        let _ = writeln!(out, "  line {} skipped: {}", skipped.line, skipped.reason);
    }
    for duplicate in &outcome.possible_duplicates {
        let advice = if outcome.dry_run {
            " (both would be kept)".to_string()
        } else {
            format!(" (both kept; `gims tx delete {}` removes yours)", duplicate.manual_id)
        };
        let _ = writeln!(out, "  possible duplicate: {}{advice}", duplicate.reason);
    }
    out
}

pub fn export_outcome(outcome: &gims::export::ExportOutcome) -> String {
    let out = outcome.out.as_ref().map(|p| p.display().to_string()).unwrap_or_else(|| "standard output".into());
    format!("{}: {} transactions written to {out}\n{}", outcome.format, outcome.transactions, export_left_out(outcome))
}

/// Rows the format could not carry, said plainly (on stderr when the export itself is on stdout).
pub fn export_left_out(outcome: &gims::export::ExportOutcome) -> String {
    let mut out = String::new();
    for left_out in &outcome.left_out {
        let _ = writeln!(out, "  {} {} rows left out: {}", left_out.transactions, left_out.currency, left_out.reason);
    }
    out
}

#[cfg(test)]
mod tests {
    use gims::ledger::HoldingRow;

    fn fund(value: Option<&str>, cost: &str, gain: Option<&str>, ratio: Option<&str>) -> HoldingRow {
        HoldingRow {
            account_id: 3,
            asset: "eMAXIS Slim 全世界株式".into(),
            code: None,
            quantity: "123456".into(),
            price: None,
            price_per: 10_000,
            quoted_price: None,
            value: value.map(str::to_string),
            cost: Some(cost.into()),
            gain: gain.map(str::to_string),
            gain_ratio: ratio.map(str::to_string),
            currency: "JPY".into(),
            as_of: "2026-12-07".into(),
        }
    }

    #[test]
    fn holdings_show_their_gain_with_its_sign_and_percentage_or_say_it_is_unknown() {
        let text = super::holdings(&[
            fund(Some("1234567"), "1000000", Some("234567"), Some("0.2346")),
            fund(Some("950000"), "1000000", Some("-50000"), Some("-0.0500")),
            fund(None, "1000000", None, None),
        ]);
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].contains("+¥234,567 (+23.46%)"), "{text}");
        assert!(lines[1].contains("-¥50,000 (-5.00%)"), "{text}");
        assert!(lines[2].contains("valuation unknown") && lines[2].contains("gain unknown"), "{text}");
    }
}
