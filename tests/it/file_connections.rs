//! Institutions linked by their statement files: found in the catalog by their brands, linked
//! without a login, fed with `gims import --connection`, which checks the file is theirs and
//! counts as the connection's last fetch, with the next month's file due.

use crate::support::{Keychain, Machine};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_bank_linked_by_its_files_is_fed_by_imports_and_says_when_the_next_is_due() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let found = machine.ok(&["institutions", "--search", "JRE BANK"]);
    assert_eq!(found[0]["id"], "rakuten-bank");
    // Refreshed by the user's own login in the desktop app's window; its files import anywhere.
    assert_eq!(found[0]["auth"]["kind"], "window");
    assert_eq!(found[0]["policy"]["auto_refresh"], false);

    let linked = machine.ok(&["connect", "rakuten-bank"]);
    let id = linked["connection_id"].to_string();
    assert_eq!(linked["refresh"]["outcome"], "skipped");
    let connection = &machine.ok(&["connections"])[0];
    assert_eq!((connection["status"].as_str(), connection["action"].as_str()), (Some("window"), Some("open_window")));
    assert!(connection["message"].as_str().unwrap().contains(&format!("--connection {id}")));
    // The command line cannot open the window: it says so and offers the import instead.
    let refreshed = machine.run(&["refresh", &id], "");
    assert_eq!(refreshed.output.status.code(), Some(1), "a script must not take it for a refresh");
    let said = refreshed.json[0]["message"].as_str().unwrap().to_string();
    assert_eq!(refreshed.json[0]["outcome"], "skipped");
    assert_eq!(refreshed.json[0]["code"], "refresh.needs_desktop");
    assert!(said.contains("desktop app") && said.contains(&format!("gims import FILE --connection {id}")), "{said}");

    // Another bank's file is refused whole.
    let before = machine.ok(&["status"])["transactions"].clone();
    let message = machine.run(&["import", &fixture("smbc.csv"), "--connection", &id], "").fails_with("input.invalid");
    assert!(message.contains("楽天銀行") && message.contains("rakuten-bank"), "{message}");
    assert_eq!(machine.ok(&["status"])["transactions"], before);

    let imported = machine.ok(&["import", &fixture("rakuten-bank.csv"), "--connection", &id]);
    assert!(imported["imported"].as_u64().unwrap() > 0, "{imported}");
    let connection = &machine.ok(&["connections"])[0];
    assert_eq!(connection["status"], "ok");
    assert!(connection["last_fetched_at"].is_string());
    let due = connection["next_refresh_at"].as_str().unwrap().to_string();
    let fetched = connection["last_fetched_at"].as_str().unwrap().to_string();
    assert!(due > fetched, "the next file is due after this import: {due} vs {fetched}");
    assert!(connection["message"].as_str().unwrap().contains("next month's file is due"));
    assert_eq!(machine.ok(&["import", &fixture("rakuten-bank.csv"), "--connection", &id])["imported"], 0);

    // Refresh-all passes over it with the reason; a logged-in institution cannot take a file.
    let report = machine.ok(&["refresh", "--all", "--non-interactive"]);
    assert_eq!(report[0]["outcome"], "skipped");
    machine.run(&["import", &fixture("rakuten-bank.csv"), "--connection", "99"], "").fails_with("input.invalid");
}

#[test]
fn a_file_connections_accounts_belong_to_it_and_go_with_it() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let cash = machine.ok(&["tx", "add", "--date", "2024-11-02", "--amount", "-800", "--description", "昼食"]);
    let file = fixture("rakuten-bank.csv");
    // Imported by hand before the bank was linked: a manual account.
    let manual = machine.ok(&["import", &file]);
    let account = manual["account_id"].as_i64().unwrap();
    let rows = manual["imported"].as_i64().unwrap();
    let balance = |machine: &Machine, id: i64| {
        let accounts = machine.ok(&["accounts"]);
        accounts.as_array().unwrap().iter().find(|a| a["id"] == id).cloned()
    };
    let before = balance(&machine, account).unwrap();
    assert!(before["connection_id"].is_null());
    let net_worth = |machine: &Machine| machine.ok(&["report", "assets", "--date", "2024-12-31"])["total"].clone();
    let worth = net_worth(&machine);

    // Linked by its files: the next import adopts that account rather than duplicating it.
    let connection = machine.ok(&["connect", "rakuten-bank"])["connection_id"].as_i64().unwrap();
    let id = connection.to_string();
    let adopted = machine.ok(&["import", &file, "--connection", &id]);
    assert_eq!((adopted["imported"].as_i64(), adopted["duplicates"].as_i64()), (Some(0), Some(rows)), "{adopted}");
    assert_eq!(adopted["accounts"][0]["account_id"], account);
    assert_eq!(adopted["accounts"][0]["connection_id"], connection);
    let after = balance(&machine, account).unwrap();
    assert_eq!(after["connection_id"], connection, "listed under its connection");
    assert_eq!(after["balance"], before["balance"], "its balance is still its statement's: {after}");
    assert_eq!(net_worth(&machine), worth, "and it counts the same in the asset report");

    // Deleting the connection names the account and its rows, and takes them; the cash row stays.
    let refused = machine.run(&["delete", &id], "").fails_with("input.invalid");
    assert!(refused.contains(&format!("{rows} transactions")), "{refused}");
    let deleted = machine.ok(&["delete", &id, "--yes"]);
    assert_eq!(
        (deleted["destroyed"]["accounts"].as_i64(), deleted["destroyed"]["transactions"].as_i64()),
        (Some(1), Some(rows)),
        "{deleted}"
    );
    assert!(balance(&machine, account).is_none());
    let left = machine.ok(&["transactions"]);
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["id"], cash["id"]);

    // Linked afresh, its first import creates the account under the connection, with the
    // statement's balance (no institution reports one: opening balance plus its rows).
    let again = machine.ok(&["connect", "rakuten-bank"])["connection_id"].as_i64().unwrap();
    let imported = machine.ok(&["import", &file, "--connection", &again.to_string()]);
    assert_eq!((imported["imported"].as_i64(), imported["accounts"][0]["created"].as_bool()), (Some(rows), Some(true)));
    let fresh = balance(&machine, imported["account_id"].as_i64().unwrap()).unwrap();
    assert_eq!(
        (&fresh["connection_id"], &fresh["balance"]),
        (&serde_json::json!(again), &before["balance"]),
        "{fresh}"
    );
    assert_eq!(net_worth(&machine), worth);
    let footprint = machine.ok(&["delete", &again.to_string(), "--yes"]);
    assert_eq!(footprint["destroyed"]["transactions"].as_i64(), Some(rows));
}

#[test]
fn a_file_connections_start_date_leaves_earlier_rows_out_and_says_so() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let id = machine.ok(&["connect", "sbi-sumishin", "--start-date", "2024-11-10"])["connection_id"].to_string();
    let file = fixture("sbi-sumishin.csv");
    let everything = machine.ok(&["import", &file, "--dry-run"])["imported"].as_i64().unwrap();
    let outcome = machine.ok(&["import", &file, "--connection", &id]);
    let left_out: Vec<_> = outcome["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["reason"].as_str().unwrap().contains("before this connection's start date 2024-11-10"))
        .collect();
    assert!(!left_out.is_empty(), "{outcome}");
    assert_eq!(outcome["imported"].as_i64().unwrap() + left_out.len() as i64, everything, "{outcome}");
    let rows = machine.ok(&["transactions"]);
    assert!(rows.as_array().unwrap().iter().all(|t| t["date"].as_str().unwrap() >= "2024-11-10"), "{rows}");
}

#[test]
fn the_catalog_gives_each_institution_its_path_its_window_plan_and_its_end() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let row = |search: &str, id: &str| {
        let found = machine.ok(&["institutions", "--search", search]);
        found.as_array().unwrap().iter().find(|row| row["id"] == id).cloned().unwrap_or_else(|| panic!("{found}"))
    };

    // Ended, with its date and why; its history is now under Yahoo!ショッピング, found beside it.
    let lohaco = row("LOHACO", "lohaco");
    assert_eq!(lohaco["lifecycle"]["state"], "ended");
    assert_eq!(lohaco["lifecycle"]["since"], "2024-03-29");
    assert!(lohaco["lifecycle"]["reason"].as_str().unwrap().contains("Yahoo!ショッピング"), "{lohaco}");
    assert_eq!(lohaco["status"], "ended");
    assert!(lohaco["window"].is_null(), "{lohaco}");
    assert_eq!(row("LOHACO", "yahoo-shopping")["lifecycle"]["state"], "active");

    // A NEOBANK brand is 住信SBIネット銀行: reached in the institution window, with its plan.
    let sumishin = row("NEOBANK", "sbi-sumishin");
    assert_eq!(sumishin["auth"]["kind"], "window");
    assert_eq!(sumishin["lifecycle"], serde_json::json!({"state": "active", "since": null, "reason": null}));
    let window = &sumishin["window"];
    assert!(window["start_url"].as_str().unwrap().starts_with("https://www.netbk.co.jp/"), "{window}");
    assert!(window["hosts"].as_array().unwrap().contains(&"www.netbk.co.jp".into()), "{window}");
    assert!(!window["source"].as_str().unwrap().is_empty() && window["steps"] == serde_json::json!([]), "{window}");

    // The exchanges keep their API keys; an institution whose files GIMS cannot read is not linked.
    assert_eq!(row("bitFlyer", "bitflyer")["auth"]["kind"], "api_key");
    let refused = machine.run(&["connect", "amazon"], "").fails_with("input.invalid");
    assert!(refused.contains("manual account"), "{refused}");
    assert_eq!(machine.ok(&["connections"]), serde_json::json!([]));
}
