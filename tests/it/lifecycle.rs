//! A connection over months: every fault says what to do and saves nothing, re-linking and
//! editing keep the history, a renumbered account does not duplicate it, delete removes it all.

use crate::refresh_support::{connect_as_user, login_json};
use crate::sandbox::SandboxServer;
use crate::support::{Keychain, Machine};
use serde_json::Value;

/// Everything a user can see of the ledger's data, for before/after comparisons.
fn dump(machine: &Machine) -> Value {
    serde_json::json!({
        "accounts": machine.ok(&["accounts"]),
        "transactions": machine.ok(&["transactions"]),
        "holdings": machine.ok(&["holdings"]),
    })
}

fn refresh(machine: &Machine, id: &str) -> Value {
    machine.ok(&["refresh", id])[0].clone()
}

fn connection(machine: &Machine, id: &str) -> Value {
    machine
        .ok(&["connections"])
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"].as_i64() == id.parse().ok())
        .unwrap()
        .clone()
}

#[test]
fn each_fault_saves_nothing_says_what_to_do_and_clears_without_duplicates() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = connect_as_user(&machine, &sandbox, "sandbox-bank", "fumi", &[]);
    let id = linked["connection_id"].to_string();
    let before = dump(&machine);
    let faults = [
        ("busy", "busy", "retry_later"),
        ("maintenance", "maintenance", "retry_later"),
        ("consent_expired", "consent_expired", "relink"),
        ("terms", "action_required", "open_site"),
        ("page_changed", "site_changed", "wait_for_update"),
        ("http_500", "unreachable", "retry_later"),
        ("truncated", "unreachable", "retry_later"),
        ("session_expiry", "unreachable", "retry_later"),
        ("ended", "ended", "hide"),
    ];
    for (fault, status, action) in faults {
        sandbox.set_fault("sandbox-bank", Some(fault));
        let report = refresh(&machine, &id);
        assert_eq!(
            (report["outcome"].as_str(), report["status"].as_str()),
            (Some("failed"), Some(status)),
            "{fault}: {report}"
        );
        let shown = connection(&machine, &id);
        assert_eq!(shown["action"], action, "{fault}");
        assert!(!shown["message"].as_str().unwrap().is_empty(), "{fault}: a specific message");
        if fault == "terms" {
            assert!(
                shown["action_url"].as_str().is_some_and(|url| url.starts_with("http")),
                "{fault}: where to go: {shown}"
            );
        }
        if matches!(fault, "busy" | "maintenance") {
            assert!(shown["next_refresh_at"].is_string(), "{fault}: when to retry");
        }
        assert_eq!(dump(&machine), before, "{fault} changed the ledger");
        sandbox.set_fault("sandbox-bank", None);
        let cleared = if matches!(fault, "busy" | "maintenance") {
            // The institution named a time: the button sends nothing before it; a re-link does.
            let requests = sandbox.requests("sandbox-bank");
            let held = machine.run(&["refresh", &id], "");
            assert_eq!(held.json[0]["code"], "refresh.busy", "{fault}: {}", held.json);
            assert_eq!(sandbox.requests("sandbox-bank"), requests, "{fault}: nothing sent");
            machine.ok(&["relink", &id])["refresh"].clone()
        } else {
            refresh(&machine, &id)
        };
        assert_eq!((cleared["outcome"].as_str(), cleared["added"].as_i64()), (Some("ok"), Some(0)), "after {fault}");
        assert_eq!(connection(&machine, &id)["status"], "ok");
        assert_eq!(dump(&machine), before, "after {fault} cleared: nothing duplicated");
    }
}

#[test]
fn relink_and_edit_keep_the_connection_and_its_history() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = connect_as_user(&machine, &sandbox, "sandbox-oauth", "kaito", &[]);
    let id = linked["connection_id"].to_string();
    let before = dump(&machine);
    let account_ids: Vec<Value> = before["accounts"].as_array().unwrap().iter().map(|a| a["id"].clone()).collect();

    // The consent is revoked at the bank: the refresh says re-link; re-link asks again.
    sandbox.set_fault("sandbox-oauth", Some("consent_expired"));
    let report = refresh(&machine, &id);
    assert_eq!(report["status"], "consent_expired");
    assert_eq!(connection(&machine, &id)["action"], "relink");
    let relinked = crate::refresh_support::relink_as_user(&machine, &sandbox, &id, "kaito");
    assert_eq!(relinked["refresh"]["outcome"], "ok", "{relinked}");
    assert_eq!(relinked["connection_id"].to_string(), id, "the same connection");
    let after = dump(&machine);
    let after_ids: Vec<Value> = after["accounts"].as_array().unwrap().iter().map(|a| a["id"].clone()).collect();
    assert_eq!(after_ids, account_ids, "the same accounts");
    assert_eq!(after["transactions"], before["transactions"], "no duplicate after re-consent");

    // A password change at a password bank: edit the login, history kept.
    let bank = machine
        .run(&["connect", "sandbox-bank", "--credentials-stdin"], &format!("{}\n", login_json("kaito", "old-password")))
        .ok();
    let bank_id = bank["connection_id"].to_string();
    assert_eq!(connection(&machine, &bank_id)["action"], "edit_login");
    let edited = machine
        .run(
            &["edit", &bank_id, "--credentials-stdin", "--name", "メイン口座", "--memo", "給与振込"],
            &format!("{}\n", login_json("kaito", "sandbox")),
        )
        .ok();
    assert_eq!((edited["display_name"].as_str(), edited["memo"].as_str()), (Some("メイン口座"), Some("給与振込")));
    assert_eq!(refresh(&machine, &bank_id)["outcome"], "ok");
    let transactions = machine.ok(&["status"])["transactions"].clone();
    assert_eq!(refresh(&machine, &bank_id)["added"], 0);
    assert_eq!(machine.ok(&["status"])["transactions"], transactions);
    machine.run(&["edit", &bank_id, "--start-date", "someday"], "").fails_with("input.invalid");
    machine.run(&["edit", "99", "--memo", "x"], "").fails_with("input.invalid");
}

#[test]
fn a_renumbered_account_opens_a_new_one_and_leaves_the_old_at_zero_with_its_history() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = connect_as_user(&machine, &sandbox, "sandbox-bank", "ren", &[]);
    let id = linked["connection_id"].to_string();
    let before = machine.ok(&["status"])["transactions"].as_i64().unwrap();
    let old = machine.ok(&["accounts"])[0].clone();
    sandbox.set_fault("sandbox-bank", Some("account_migration"));
    let report = refresh(&machine, &id);
    assert_eq!((report["outcome"].as_str(), report["added"].as_i64()), (Some("ok"), Some(0)), "{report}");
    let accounts = machine.ok(&["accounts"]);
    let accounts = accounts.as_array().unwrap();
    assert_eq!(accounts.len(), 4, "the new number is a new account");
    let old_now = accounts.iter().find(|a| a["id"] == old["id"]).unwrap();
    assert_eq!(old_now["balance"], "0", "the old account goes to zero");
    let renumbered = accounts.iter().find(|a| a["name"] == old["name"] && a["id"] != old["id"]).unwrap();
    assert_eq!(renumbered["balance"], old["balance"], "the new account holds the money");
    let old_history = machine.ok(&["transactions", "--account", &old["id"].to_string()]);
    assert!(!old_history.as_array().unwrap().is_empty(), "the old account keeps its history");
    assert_eq!(machine.ok(&["status"])["transactions"].as_i64().unwrap(), before, "history is not imported twice");
}

#[test]
fn delete_removes_every_row_and_the_keychain_entry_and_nothing_else() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let keep = connect_as_user(&machine, &sandbox, "sandbox-card", "aoi", &[]);
    let doomed = connect_as_user(&machine, &sandbox, "sandbox-securities", "aoi", &[]);
    let doomed_id = doomed["connection_id"].to_string();
    let kept_before = serde_json::json!({
        "accounts": machine.ok(&["accounts"]).as_array().unwrap().iter().filter(|a| a["connection_id"] == keep["connection_id"]).cloned().collect::<Vec<_>>(),
        "log": machine.ok(&["access-log", "--connection", &keep["connection_id"].to_string()]),
    });
    let vault: Value = serde_json::from_slice(&std::fs::read(machine.vault().join("vault.json")).unwrap()).unwrap();
    let entry = format!("connection:{}:{doomed_id}", vault["vault_id"].as_str().unwrap());
    assert!(keychain.lookup(&entry).is_some());
    assert!(
        keychain.lookup(&format!("session:{}:{doomed_id}", vault["vault_id"].as_str().unwrap())).is_some(),
        "a successful login keeps its session"
    );

    let refused = machine.run(&["delete", &doomed_id], "").fails_with("input.invalid");
    assert!(
        refused.contains("--yes") && refused.contains("transactions"),
        "the confirmation names what goes: {refused}"
    );
    let deleted = machine.ok(&["delete", &doomed_id, "--yes"]);
    assert_eq!(deleted["deleted"].to_string(), doomed_id);
    assert!(deleted["destroyed"]["transactions"].as_i64().unwrap() > 0);

    assert!(keychain.lookup(&entry).is_none(), "the login is gone from the keychain");
    let session = format!("session:{}:{doomed_id}", vault["vault_id"].as_str().unwrap());
    assert!(keychain.lookup(&session).is_none(), "its saved session too");
    let connections = machine.ok(&["connections"]);
    assert!(connections.as_array().unwrap().iter().all(|c| c["id"].as_i64() != doomed_id.parse().ok()));
    assert!(
        machine
            .ok(&["accounts"])
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["connection_id"].as_i64() != doomed_id.parse().ok())
    );
    assert!(machine.ok(&["holdings"]).as_array().unwrap().is_empty(), "the securities' holdings are gone");
    assert!(machine.ok(&["access-log", "--connection", &doomed_id]).as_array().unwrap().is_empty());
    let kept_after = serde_json::json!({
        "accounts": machine.ok(&["accounts"]),
        "log": machine.ok(&["access-log", "--connection", &keep["connection_id"].to_string()]),
    });
    assert_eq!(kept_after, kept_before, "the other connection is untouched");
    machine.run(&["delete", &doomed_id, "--yes"], "").fails_with("input.invalid");
}

#[test]
fn the_daemon_refreshes_what_may_run_unattended_and_shows_the_next_time() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    for (institution, login) in [("sandbox-bank", "mio"), ("sandbox-otp-bank", "mio"), ("sandbox-points", "mio")] {
        machine
            .run(
                &["connect", institution, "--credentials-stdin", "--no-refresh"],
                &format!("{}\n", login_json(login, "sandbox")),
            )
            .ok();
    }
    let pass = machine.ok(&["daemon", "--once", "--interval-minutes", "60"]);
    let ran: Vec<(i64, &str)> = pass
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["connection_id"].as_i64().unwrap(), r["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(ran, [(1, "ok"), (3, "ok")], "the OTP bank is not run unattended");
    assert!(sandbox.phone("mio").is_empty(), "no OTP was triggered");
    let connections = machine.ok(&["connections"]);
    assert!(connections[0]["next_refresh_at"].is_string(), "the next refresh is shown");
    assert!(connections[1]["next_refresh_at"].is_null(), "the OTP bank waits for the user");
    assert_eq!(machine.ok(&["daemon", "--once"]), serde_json::json!([]), "nothing is due right after");
}
