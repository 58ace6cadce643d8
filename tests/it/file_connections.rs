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
    assert_eq!(found[0]["auth"]["kind"], "file");
    assert_eq!(found[0]["policy"]["auto_refresh"], false);

    let linked = machine.ok(&["connect", "rakuten-bank"]);
    let id = linked["connection_id"].to_string();
    assert_eq!(linked["refresh"]["outcome"], "skipped");
    let connection = &machine.ok(&["connections"])[0];
    assert_eq!((connection["status"].as_str(), connection["action"].as_str()), (Some("file"), Some("import_file")));
    assert!(connection["message"].as_str().unwrap().contains(&format!("--connection {id}")));

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
