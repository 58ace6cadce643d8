//! `gims import` with files shaped like the real downloads: every format imports, importing
//! again adds nothing, bad lines are reported by number, an unknown file writes nothing, and the
//! modelled service's export keeps its categories, transfers and 計算対象.

use crate::support::{Keychain, Machine};
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name).to_str().unwrap().to_string()
}

const FIXTURES: &[&str] = &[
    "rakuten-bank.csv",
    "sbi-sumishin.csv",
    "japan-post-bank.csv",
    "mufg.csv",
    "smbc.csv",
    "smbc-old.csv",
    "mizuho.csv",
    "paypay-bank.csv",
    "sbi-shinsei.csv",
    "rakuten-card.csv",
    "smbc-card-vpass.csv",
    "paypay-card.csv",
    "view-card.csv",
    "suica-history.csv",
    "mobile-suica.csv",
    "sbi-securities-trades.csv",
    "rakuten-securities-trades.csv",
    "mf-export.csv",
    "ofx1-sgml-bank.ofx",
    "ofx1-csunicode-jst.ofx",
    "ofx1-cp1252-declared-utf8.ofx",
    "ofx2-xml-bank.ofx",
    "ofx2-investment.ofx",
];

#[test]
fn every_format_imports_and_importing_again_adds_nothing() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let mut total = 0;
    for name in FIXTURES {
        let path = fixture(name);
        let first = machine.ok(&["import", &path, "--downloaded-on", "2026-11-28"]);
        let imported = first["imported"].as_i64().unwrap();
        assert!(imported > 0, "{name}: {first}");
        total += imported;
        assert_eq!(machine.ok(&["status"])["transactions"].as_i64().unwrap(), total, "{name}");
        let again = machine.ok(&["import", &path, "--downloaded-on", "2026-11-28"]);
        assert_eq!(
            (again["imported"].as_i64(), again["duplicates"].as_i64()),
            (Some(0), Some(imported)),
            "{name} again"
        );
        assert_eq!(
            machine.ok(&["status"])["transactions"].as_i64().unwrap(),
            total,
            "{name}: re-import changed nothing"
        );
    }
}

#[test]
fn bad_lines_are_reported_and_an_unknown_file_writes_nothing() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let rakuten = machine.ok(&["import", &fixture("rakuten-bank.csv")]);
    let skipped = rakuten["skipped"].as_array().unwrap();
    assert!(skipped.len() >= 2, "a bad amount and an impossible date: {rakuten}");
    assert!(skipped.iter().all(|s| s["line"].as_u64().unwrap() > 1 && !s["reason"].as_str().unwrap().is_empty()));
    let before = machine.ok(&["status"]);

    let message = machine.run(&["import", &fixture("unrelated.csv")], "").fails_with("import.unrecognised_format");
    assert!(message.contains("rakuten-bank") || message.contains("tried"), "says what was tried: {message}");
    machine
        .run(&["import", &fixture("rakuten-bank.csv"), "--format", "mizuho"], "")
        .fails_with("import.unrecognised_format");
    machine.run(&["import", &fixture("rakuten-bank.csv"), "--format", "excel"], "").fails_with("input.invalid");
    machine.run(&["import", &fixture("mf-export.csv"), "--account", "1"], "").fails_with("input.invalid");
    assert_eq!(machine.ok(&["status"]), before, "nothing was written");
}

#[test]
fn the_modelled_services_export_keeps_categories_transfers_and_inclusion() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let outcome = machine.ok(&["import", &fixture("mf-export.csv")]);
    assert_eq!(outcome["format"], "mf-export");
    let accounts = outcome["accounts"].as_array().unwrap();
    assert!(accounts.len() >= 2, "one account per 保有金融機関: {outcome}");
    let transactions = machine.ok(&["transactions"]);
    let rows = transactions.as_array().unwrap();
    assert!(rows.iter().any(|t| t["transfer"] == true), "振替 kept");
    assert!(rows.iter().any(|t| t["included"] == false), "計算対象 0 kept");
    assert!(rows.iter().any(|t| t["category"] != "未分類" && t["subcategory"].is_string()), "categories kept");
    // The same history through the UTF-8 export of the same rows adds nothing new.
    let utf8 = machine.ok(&["import", &fixture("mf-export-utf8.csv")]);
    assert_eq!(utf8["imported"], 0, "{utf8}");
}

#[test]
fn a_new_account_from_a_statement_shows_the_statements_balance() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let outcome = machine.ok(&["import", &fixture("ofx2-xml-bank.ofx")]);
    let id = outcome["account_id"].as_i64().unwrap();
    let accounts = machine.ok(&["accounts"]);
    let account = accounts.as_array().unwrap().iter().find(|a| a["id"] == id).unwrap();
    // The fixture's <LEDGERBAL><BALAMT>1955.32 in USD, as of 2024-11-30.
    assert_eq!(
        (account["balance"].as_str(), account["currency"].as_str()),
        (Some("1955.32"), Some("USD")),
        "{account}"
    );
}

#[test]
fn a_hand_entered_row_that_a_statement_also_brings_is_offered_as_a_duplicate_never_dropped() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let account =
        machine.ok(&["account", "add", "--name", "楽天銀行", "--kind", "bank", "--currency", "JPY"])["id"].to_string();
    let typed = typed_by_hand(&machine, &account);
    let file = format!("{}/tests/fixtures/import/rakuten-bank.csv", env!("CARGO_MANIFEST_DIR"));
    let imported = machine.ok(&["import", &file, "--account", &account]);
    let offered = imported["possible_duplicates"].as_array().unwrap();
    assert_eq!(offered.len(), 1, "{imported}");
    assert_eq!(offered[0]["manual_id"], typed);
    assert_eq!(offered[0]["amount"], "-3000");
    assert!(offered[0]["reason"].as_str().unwrap().contains("ATMで引き出し"));
    let count = machine.ok(&["status"])["transactions"].as_i64().unwrap();
    assert_eq!(count, imported["imported"].as_i64().unwrap() + 1, "both kept");
    // The user keeps the bank's row and deletes their own.
    machine.ok(&["tx", "delete", &typed.to_string()]);
    assert_eq!(machine.ok(&["status"])["transactions"].as_i64().unwrap(), count - 1);
    machine.run(&["tx", "delete", &typed.to_string()], "").fails_with("input.invalid");
    // Re-importing changes nothing and offers nothing.
    let again = machine.ok(&["import", &file, "--account", &account]);
    assert_eq!((again["imported"].as_i64(), again["possible_duplicates"].as_array().map(Vec::len)), (Some(0), Some(0)));
}

#[test]
fn a_dry_run_saves_nothing_and_the_import_then_does_exactly_what_it_showed() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let account =
        machine.ok(&["account", "add", "--name", "楽天銀行", "--kind", "bank", "--currency", "JPY"])["id"].to_string();
    typed_by_hand(&machine, &account);
    let file = fixture("rakuten-bank.csv");
    let before = (machine.ok(&["status"]), machine.ok(&["accounts"]), machine.ok(&["transactions"]));

    let preview = machine.ok(&["import", &file, "--account", &account, "--dry-run"]);
    assert_eq!(preview["dry_run"], true);
    assert_eq!(
        (machine.ok(&["status"]), machine.ok(&["accounts"]), machine.ok(&["transactions"])),
        before,
        "a dry run writes nothing"
    );
    let rows = preview["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, preview["rows_total"].as_u64().unwrap(), "a small file is described whole");
    assert_eq!(rows.len() as u64, preview["imported"].as_u64().unwrap());
    let status = |row: &serde_json::Value| row["status"].as_str().unwrap().to_string();
    // The ATM row (line 2, −3000) is the one like the hand-entered row, with the core's reason.
    let atm = rows.iter().find(|row| row["line"] == 2).unwrap();
    assert_eq!((status(atm), atm["amount"].as_str()), ("possible_duplicate".into(), Some("-3000")), "{atm}");
    assert!(atm["reason"].as_str().unwrap().contains("ATMで引き出し"));
    assert!(rows.iter().filter(|row| row["line"] != 2).all(|row| status(row) == "new"), "{preview}");
    // The two identical purchases on 11/10 are two rows, both new.
    assert_eq!(rows.iter().filter(|row| row["date"] == "2024-11-10").count(), 2);
    assert!(!preview["skipped"].as_array().unwrap().is_empty());

    let saved = machine.ok(&["import", &file, "--account", &account]);
    assert_eq!(saved["dry_run"], false);
    for key in ["format", "imported", "duplicates", "skipped", "rows_total"] {
        assert_eq!(saved[key], preview[key], "{key}: the save is what the preview showed");
    }
    for key in ["name", "created", "currency", "imported", "duplicates", "money_in", "money_out"] {
        assert_eq!(saved["accounts"][0][key], preview["accounts"][0][key], "{key}");
    }
    assert_eq!(saved["possible_duplicates"][0]["reason"], preview["possible_duplicates"][0]["reason"]);
    assert_eq!(
        machine.ok(&["status"])["transactions"].as_u64().unwrap(),
        before.0["transactions"].as_u64().unwrap() + preview["imported"].as_u64().unwrap()
    );

    // Again: every row is marked already there, and the dry run and the import add nothing.
    let again = machine.ok(&["import", &file, "--account", &account, "--dry-run"]);
    let rows = again["rows"].as_array().unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|row| status(row) == "duplicate"), "{again}");
    assert_eq!((again["imported"].as_u64(), again["duplicates"].as_u64()), (Some(0), saved["imported"].as_u64()));
    assert_eq!(again["accounts"][0]["money_in"], "0");
    let after = machine.ok(&["status"]);
    assert_eq!(machine.ok(&["import", &file, "--account", &account])["imported"], 0);
    assert_eq!(machine.ok(&["status"]), after);

    // A dry run of a file connection's import does not count as its fetch.
    let connection = machine.ok(&["connect", "rakuten-bank"])["connection_id"].to_string();
    let previewed = machine.ok(&["import", &file, "--connection", &connection, "--dry-run"]);
    assert_eq!(previewed["dry_run"], true);
    assert!(machine.ok(&["connections"])[0]["last_fetched_at"].is_null());
    // And an unknown file is refused as in a real import.
    machine.run(&["import", &fixture("unrelated.csv"), "--dry-run"], "").fails_with("import.unrecognised_format");
}

/// Typed by hand two days after the Rakuten fixture's row of the same amount (ATM, -3000 on
/// 2024-11-01). Its id.
fn typed_by_hand(machine: &Machine, account: &str) -> i64 {
    let args = ["tx", "add", "--date", "2024-11-03", "--amount", "-3000", "--description", "ATMで引き出し"];
    machine.ok(&[&args[..], &["--account", account]].concat())["id"].as_i64().unwrap()
}
