//! `gims export` and `gims report export`: hledger (the real one, from apt) reads the journal and
//! agrees with `gims report monthly` and the account balances; the CSV export imports into a
//! fresh vault as the same transactions and report; the report file is self-contained.

use crate::support::{Keychain, Machine};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// A household month: salary, groceries on the card and a refund, cash lunch, electricity, an
/// uncategorised withdrawal, the card's settlement (振替 on both sides), a row excluded from
/// totals, a row in dollars and one from the month before.
fn household(machine: &Machine) {
    machine.ok(&["init"]);
    machine.ok(&[
        "account",
        "add",
        "--name",
        "みずほ銀行",
        "--kind",
        "bank",
        "--currency",
        "JPY",
        "--balance",
        "100000",
    ]);
    machine.ok(&["account", "add", "--name", "楽天カード", "--kind", "card", "--currency", "JPY"]);
    machine.ok(&["account", "add", "--name", "財布", "--kind", "cash", "--currency", "JPY", "--balance", "20000"]);
    let add = |date: &str, amount: &str, description: &str, account: Option<&str>, category: Option<&str>| -> String {
        let mut args = vec!["tx", "add", "--date", date, "--amount", amount, "--description", description];
        if let Some(account) = account {
            args.extend(["--account", account]);
        }
        if let Some(category) = category {
            args.extend(["--category", category]);
        }
        machine.ok(&args)["id"].to_string()
    };
    add("2026-11-25", "250000", "給与", Some("1"), Some("収入/給与"));
    add("2026-11-03", "-12000", "スーパー; まとめ買い", Some("2"), Some("食費/食料品"));
    add("2026-11-10", "2800", "返金 (スーパー)", Some("2"), Some("食費/食料品"));
    add("2026-11-04", "-1280", "ランチ", Some("3"), Some("食費/外食"));
    add("2026-11-05", "-3000", "=cmd|' /C calc'!A0", None, Some("交際費/飲み会"));
    add("2026-11-15", "-8400", "電気代", Some("1"), Some("水道・光熱費/電気代"));
    add("2026-11-16", "-10000", "ATM", Some("1"), None);
    let settlement = add("2026-11-27", "-9200", "楽天カード 引落", Some("1"), None);
    let payment = add("2026-11-27", "9200", "お支払い", Some("2"), None);
    let excluded = add("2026-11-20", "-5000", "立替 (会社)", Some("3"), Some("交際費/飲み会"));
    machine.ok(&[
        "tx",
        "add",
        "--date",
        "2026-11-06",
        "--amount",
        "-4.50",
        "--description",
        "Coffee",
        "--currency",
        "USD",
        "--category",
        "食費/カフェ",
    ]);
    add("2026-10-31", "-999", "先月", Some("1"), Some("日用品"));
    for id in [&settlement, &payment] {
        machine.ok(&["tx", "edit", id, "--transfer", "yes"]);
    }
    machine.ok(&["tx", "edit", &excluded, "--included", "no"]);
}

/// `hledger -f FILE balance -O csv ARGS`, as account → yen.
fn hledger_balances(journal: &Path, args: &[&str]) -> BTreeMap<String, i64> {
    let output = Command::new("hledger")
        // The journal is UTF-8 (account names in Japanese); hledger reads files in the locale's
        // encoding and refuses them under POSIX, the locale of a fresh login without LANG.
        .env("LC_ALL", "C.UTF-8")
        .arg("-f")
        .arg(journal)
        .args(["balance", "-O", "csv"])
        .args(args)
        .output()
        .expect("hledger runs (scripts/install-deps installs it; this test needs it)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "hledger refused the journal: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut balances = BTreeMap::new();
    for line in stdout.lines().skip(1) {
        let cells: Vec<&str> = line.split("\",\"").map(|c| c.trim_matches('"')).collect();
        let [account, amount] = cells.as_slice() else { panic!("unexpected hledger line {line}") };
        let number = amount.trim_end_matches(" JPY").trim();
        balances.insert(account.to_string(), number.parse::<i64>().unwrap_or_else(|_| panic!("{line}")));
    }
    balances
}

fn yen(value: &Value) -> i64 {
    value.as_str().unwrap().parse().unwrap()
}

#[test]
fn hledger_reads_the_journal_and_agrees_with_the_monthly_report_and_the_balances() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    household(&machine);
    let journal = machine.dir.path().join("gims.journal");
    let outcome = machine.ok(&["export", "--format", "journal", "--out", journal.to_str().unwrap()]);
    assert_eq!((outcome["format"].as_str(), outcome["transactions"].as_i64()), (Some("journal"), Some(12)));

    for month in ["2026-11", "2026-10"] {
        let report = machine.ok(&["report", "monthly", "--month", month]);
        let hledger = hledger_balances(&journal, &["--depth", "1", "-p", month, "cur:JPY"]);
        assert_eq!(-hledger.get("income").copied().unwrap_or(0), yen(&report["income"]), "{month}: {hledger:?}");
        assert_eq!(hledger.get("expenses").copied().unwrap_or(0), yen(&report["expense"]), "{month}: {hledger:?}");
    }
    let november = machine.ok(&["report", "monthly", "--month", "2026-11"]);
    assert_eq!(november["income"], "250000");
    assert_eq!(november["expense"], "31880", "12000 - 2800 + 1280 + 3000 + 8400 + 10000; no 振替, no 立替");
    // Per category, two levels deep.
    let by_category = hledger_balances(&journal, &["-p", "2026-11", "cur:JPY", "expenses"]);
    assert_eq!(by_category.get("expenses:食費:食料品"), Some(&9200), "{by_category:?}");
    assert_eq!(by_category.get("expenses:未分類"), Some(&10000), "{by_category:?}");

    // Every account ends where GIMS says it is.
    let balances = hledger_balances(&journal, &["cur:JPY", "--flat"]);
    for account in machine.ok(&["accounts"]).as_array().unwrap() {
        let side = if account["kind"] == "card" { "liabilities" } else { "assets" };
        let name = format!("{side}:{}", account["name"].as_str().unwrap());
        assert_eq!(balances.get(&name).copied().unwrap_or(0), yen(&account["balance"]), "{name}: {balances:?}");
    }
    // The dollars are there, in dollars.
    let text = std::fs::read_to_string(&journal).unwrap();
    assert!(text.contains("    expenses:食費:カフェ    4.50 USD\n"), "{text}");
}

#[test]
fn hledger_is_installed_for_the_journal_test() {
    // The journal test must fail, not skip, on a machine without hledger.
    let output =
        Command::new("hledger").arg("--version").output().expect("hledger is installed (scripts/install-deps)");
    assert!(output.status.success());
}

fn transactions_by_content(machine: &Machine) -> Vec<String> {
    let accounts: BTreeMap<i64, String> = machine
        .ok(&["accounts"])
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_i64().unwrap(), a["name"].as_str().unwrap().to_string()))
        .collect();
    let mut rows: Vec<String> = machine
        .ok(&["transactions"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["currency"] == "JPY")
        .map(|t| {
            // Cash without an account comes back in an account of its own (the CSV has none).
            let account = t["account_id"]
                .as_i64()
                .and_then(|id| accounts.get(&id).cloned())
                .filter(|name| name != "手入力 (現金)")
                .unwrap_or_default();
            format!(
                "{} {} {} {} {}/{} transfer={} included={} memo={} account={account}",
                t["date"],
                t["amount"],
                t["currency"],
                t["description"],
                t["category"],
                t["subcategory"],
                t["transfer"],
                t["included"],
                t["memo"]
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn the_csv_export_imports_into_a_fresh_vault_as_the_same_transactions_and_report() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    household(&machine);
    let csv = machine.dir.path().join("export.csv");
    let outcome = machine.ok(&["export", "--format", "mf-csv", "--out", csv.to_str().unwrap()]);
    assert_eq!(outcome["transactions"], 11);
    assert_eq!(outcome["left_out"][0]["currency"], "USD");
    let bytes = std::fs::read(&csv).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.starts_with("\u{feff}\"計算対象\",\"日付\",\"内容\",\"金額（円）\",\"保有金融機関\",\"大項目\",\"中項目\",\"メモ\",\"振替\",\"ID\"\r\n"));
    assert!(text.contains("\"'=cmd|' /C calc'!A0\""), "a formula is text: {text}");
    assert!(text.contains("\"-12000\""), "negative amounts stay numbers");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&csv).unwrap().permissions().mode() & 0o077, 0, "owner only");
    }

    let fresh = Machine::with_keychain(&keychain);
    fresh.ok(&["init"]);
    let imported = fresh.ok(&["import", csv.to_str().unwrap()]);
    assert_eq!(
        (imported["format"].as_str(), imported["imported"].as_i64()),
        (Some("mf-export"), Some(11)),
        "{imported}"
    );
    assert_eq!(transactions_by_content(&fresh), transactions_by_content(&machine));
    for month in ["2026-11", "2026-10"] {
        // The export is in yen: the dollars (left out, and said so) are the only difference.
        let mut original = machine.ok(&["report", "monthly", "--month", month]);
        original["other_currencies"] = serde_json::json!([]);
        assert_eq!(fresh.ok(&["report", "monthly", "--month", month]), original);
    }
    // The fresh vault's own export imports into it as nothing new.
    let again = fresh.dir.path().join("again.csv");
    fresh.ok(&["export", "--format", "mf-csv", "--out", again.to_str().unwrap()]);
    let second = fresh.ok(&["import", again.to_str().unwrap()]);
    assert_eq!((second["imported"].as_i64(), second["duplicates"].as_i64()), (Some(0), Some(11)), "{second}");

    // A date range, and standard output when there is no --out.
    let run = machine.run(&["export", "--format", "mf-csv", "--from", "2026-11-01", "--to", "2026-11-10"], "");
    assert!(run.output.status.success());
    let text = String::from_utf8(run.output.stdout).unwrap();
    assert_eq!(text.lines().count(), 1 + 4, "header and 11/03, 11/04, 11/05, 11/10: {text}");
    assert!(run.output.stderr.windows(3).any(|w| w == b"USD"), "the left-out dollars are said on stderr");
    machine.run(&["export", "--format", "qif"], "").fails_with("input.invalid");
    machine.run(&["export", "--format", "journal", "--from", "2026-11-31"], "").fails_with("input.invalid");
    let folder = machine.dir.path().to_str().unwrap().to_string();
    machine.run(&["export", "--format", "journal", "--out", &folder], "").fails_with("input.invalid");
}

#[test]
fn the_monthly_report_file_is_self_contained_html_or_csv_with_the_reports_figures() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    household(&machine);
    machine.ok(&["account", "add", "--name", "<img src=x onerror=alert(1)>", "--kind", "bank", "--currency", "JPY"]);
    let html_path = machine.dir.path().join("2026-11.html");
    let view = machine.ok(&[
        "report",
        "export",
        "--month",
        "2026-11",
        "--format",
        "html",
        "--out",
        html_path.to_str().unwrap(),
    ]);
    assert_eq!((view["month"].as_str(), view["format"].as_str()), (Some("2026-11"), Some("html")));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for absent in ["<script", "src=", "href=", "http:", "https:", "<img", "@import", "url("] {
        assert!(!html.contains(absent), "{absent} in the report");
    }
    assert!(html.contains("default-src 'none'"));
    assert!(html.matches("<svg").count() >= 3, "charts: income/spending, by category, assets");
    for figure in ["¥250,000", "¥31,880", "¥218,120", "食料品", "電気代", "未分類"] {
        assert!(html.contains(figure), "{figure}");
    }
    let assets = machine.ok(&["report", "assets", "--date", "2026-11-30"]);
    assert_eq!(assets["total"], "335121", "bank 321401, card 0, wallet 13720");
    assert!(html.contains("¥335,121"), "net worth at the month's end");

    let run = machine.run(&["report", "export", "--month", "2026-11", "--format", "csv"], "");
    assert!(run.output.status.success());
    let csv = String::from_utf8(run.output.stdout).unwrap();
    assert!(
        csv.contains("total,,,income,250000,JPY\r\ntotal,,,expense,31880,JPY\r\ntotal,,,net,218120,JPY\r\n"),
        "{csv}"
    );
    assert!(csv.contains("category,水道・光熱費,電気代,expense,-8400,JPY\r\n"));
    assert!(csv.contains("asset,純資産,,net_worth,335121,JPY\r\n"));
    assert!(csv.contains("total,,,expense,4.50,USD\r\n"));
    machine.run(&["report", "export", "--month", "2026-13", "--format", "csv"], "").fails_with("input.invalid");
    machine.run(&["report", "export", "--month", "2026-11", "--format", "pdf"], "").fails_with("input.invalid");
}
