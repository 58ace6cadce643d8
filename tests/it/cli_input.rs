//! Bad input at the command line: a specific `input.invalid` naming the field, exit status 2,
//! and nothing written.

use crate::support::{Keychain, Machine};

fn vault_with_accounts(keychain: &Keychain) -> Machine<'_> {
    let machine = Machine::with_keychain(keychain);
    machine.ok(&["init"]);
    machine.ok(&["account", "add", "--name", "楽天銀行", "--kind", "bank", "--currency", "JPY", "--balance", "500000"]);
    machine.ok(&["account", "add", "--name", "Chase", "--kind", "bank", "--currency", "USD", "--balance", "12.50"]);
    machine
}

#[test]
fn bad_transactions_name_the_field_and_write_nothing() {
    let keychain = Keychain::start();
    let machine = vault_with_accounts(&keychain);
    let before = machine.ok(&["status"]);
    let base = ["tx", "add", "--description", "ローソン"];
    let cases: &[(&[&str], &str)] = &[
        (&["--date", "2026-11-28", "--amount", "-500", "--account", "99"], "account"),
        (&["--date", "2026-02-30", "--amount", "-500"], "date"),
        (&["--date", "28.11.2026", "--amount", "-500"], "date"),
        (&["--date", "2026-11-28", "--amount", "abc"], "amount"),
        (&["--date", "2026-11-28", "--amount", "-5e3"], "amount"),
        (&["--date", "2026-11-28", "--amount", "-500.5", "--account", "1"], "amount"),
        (&["--date", "2026-11-28", "--amount", "-0.001", "--account", "2"], "amount"),
        (&["--date", "2026-11-28", "--amount", "-5", "--currency", "EUR", "--account", "1"], "currency"),
        (&["--date", "2026-11-28", "--amount", "-500", "--category", "宇宙旅行"], "category"),
    ];
    for (extra, field) in cases {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let run = machine.run(&args, "");
        assert_eq!(run.output.status.code(), Some(2), "{args:?}");
        let message = run.fails_with("input.invalid");
        assert!(message.starts_with(&format!("{field}:")), "{args:?} gave: {message}");
    }
    let empty = machine.run(&["tx", "add", "--date", "2026-11-28", "--amount", "1", "--description", "  "], "");
    assert!(empty.fails_with("input.invalid").starts_with("description:"));
    assert_eq!(machine.ok(&["status"]), before, "nothing was written");
}

#[test]
fn bad_accounts_name_the_field_and_write_nothing() {
    let keychain = Keychain::start();
    let machine = vault_with_accounts(&keychain);
    let cases: &[(&[&str], &str)] = &[
        (&["--name", "x", "--kind", "wallet", "--currency", "JPY"], "kind"),
        (&["--name", "x", "--kind", "cash", "--currency", "円"], "currency"),
        (&["--name", "x", "--kind", "cash", "--currency", "JPY", "--balance", "1.5"], "balance"),
        (&["--name", " ", "--kind", "cash", "--currency", "JPY"], "name"),
    ];
    for (extra, field) in cases {
        let args: Vec<&str> = ["account", "add"].iter().chain(extra.iter()).copied().collect();
        let message = machine.run(&args, "").fails_with("input.invalid");
        assert!(message.starts_with(&format!("{field}:")), "{args:?} gave: {message}");
    }
    assert_eq!(machine.ok(&["accounts"]).as_array().unwrap().len(), 2);
}

#[test]
fn errors_without_json_go_to_stderr_with_their_code() {
    let keychain = Keychain::start();
    let machine = vault_with_accounts(&keychain);
    let out = machine
        .command()
        .args(["tx", "add", "--date", "someday", "--amount", "1", "--description", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[input.invalid]: date:"));
    let unknown = machine.run(&["frobnicate"], "");
    assert!(unknown.fails_with("input.invalid").contains("frobnicate"));
}

#[test]
fn a_transaction_without_an_account_is_cash_and_balances_follow_transactions() {
    let keychain = Keychain::start();
    let machine = vault_with_accounts(&keychain);
    let cash = machine.ok(&[
        "tx",
        "add",
        "--date",
        "2026/11/28",
        "--amount",
        "-480",
        "--description",
        "コーヒー",
        "--category",
        "食費/カフェ",
    ]);
    assert_eq!(cash["account_id"], serde_json::Value::Null);
    assert_eq!(cash["date"], "2026-11-28");
    assert_eq!(cash["currency"], "JPY");
    assert_eq!((cash["category"].as_str(), cash["subcategory"].as_str()), (Some("食費"), Some("カフェ")));
    machine.ok(&[
        "tx",
        "add",
        "--date",
        "2026-11-27",
        "--amount",
        "-3.25",
        "--description",
        "Coffee",
        "--account",
        "2",
    ]);
    let accounts = machine.ok(&["accounts"]);
    assert_eq!(accounts[1]["balance"], "9.25");
    assert_eq!(accounts[1]["currency"], "USD");
    let usd = machine.ok(&["transactions", "--account", "2"]);
    assert_eq!(usd.as_array().unwrap().len(), 1);
    assert_eq!(usd[0]["amount"], "-3.25");
    let all = machine.ok(&["transactions", "--from", "2026-11-28"]);
    assert_eq!(all.as_array().unwrap().len(), 1);
    machine.run(&["transactions", "--account", "7"], "").fails_with("input.invalid");
}
