//! Refresh policies as an institution declares them, against sandbox-pension: only GIMS's own
//! scheduled refresh (no manual refresh), outside "refresh all", at most once every six hours.
//! Linking still fetches once; every refusal is made before any request (the sandbox counts them)
//! and says when the next refresh runs. The six hours themselves are proven with a fake clock in
//! `src/api/scheduler_tests.rs`; here the real binary and the real keychain.

use crate::refresh::assert_ledger_equals_sandbox;
use crate::refresh_support::login_json;
use crate::sandbox::SandboxServer;
use crate::support::{Keychain, Machine};
use serde_json::Value;

const PENSION: &str = "sandbox-pension";

fn connect(machine: &Machine, institution: &str, login: &str, extra: &[&str]) -> Value {
    let mut args = vec!["connect", institution, "--credentials-stdin"];
    args.extend_from_slice(extra);
    machine.run(&args, &format!("{}\n", login_json(login, "sandbox"))).ok()
}

fn connection(machine: &Machine, id: i64) -> Value {
    let listed = machine.ok(&["connections"]);
    listed.as_array().unwrap().iter().find(|c| c["id"].as_i64() == Some(id)).unwrap().clone()
}

#[test]
fn a_system_refresh_only_institution_links_once_then_refuses_manual_and_bulk_refreshes() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);

    // Linking fetches once, although the institution allows no manual refresh.
    let linked = connect(&machine, PENSION, "ume", &[]);
    assert_eq!(linked["refresh"]["outcome"], "ok", "{linked}");
    assert_eq!(linked["connection"]["status"], "ok");
    assert_ledger_equals_sandbox(&machine, &sandbox, &linked["connection_id"], PENSION, "ume", None);
    let id = linked["connection_id"].as_i64().unwrap();
    let plan = machine.ok(&["accounts"])[0].clone();
    assert_eq!(plan["kind"], "pension");
    assert_eq!(machine.ok(&["holdings", "--account", &plan["id"].to_string()]).as_array().unwrap().len(), 2);
    let next = connection(&machine, id)["next_refresh_at"].as_str().expect("the next refresh is shown").to_string();
    let after_link = sandbox.requests(PENSION);
    assert!(after_link > 0);

    // The refresh button: refused, saying when GIMS's own refresh runs; nothing sent.
    let message = machine.run(&["refresh", &id.to_string()], "").fails_with("refresh.not_allowed");
    assert!(message.contains("scheduled refresh") && message.contains(&next), "{message}");
    let plain = machine.command().args(["refresh", &id.to_string()]).output().unwrap();
    assert!(!plain.status.success());
    assert!(String::from_utf8_lossy(&plain.stderr).contains("error[refresh.not_allowed]"));
    assert_eq!(sandbox.requests(PENSION), after_link, "a refused refresh sends nothing");

    // "Refresh all": the bank runs, the plan is skipped with the reason.
    let bank = connect(&machine, "sandbox-bank", "ume", &[]);
    let bank_id = bank["connection_id"].as_i64().unwrap();
    let all = machine.ok(&["refresh", "--all"]);
    let report = |id: i64| all.as_array().unwrap().iter().find(|r| r["connection_id"].as_i64() == Some(id)).cloned();
    assert_eq!(report(bank_id).expect("the bank ran")["outcome"], "ok", "{all}");
    let skipped = report(id).expect("the plan is reported");
    assert_eq!((skipped["outcome"].as_str(), skipped["status"].as_str()), (Some("skipped"), Some("ok")), "{all}");
    let reason = skipped["message"].as_str().unwrap();
    assert!(reason.contains("not included in refresh all") && reason.contains(&next), "{reason}");
    assert_eq!(sandbox.requests(PENSION), after_link, "refresh all sent nothing to the plan");

    // The scheduler: nothing is due before six hours have passed.
    assert_eq!(machine.ok(&["daemon", "--once", "--interval-minutes", "1"]), serde_json::json!([]));
    assert_eq!(sandbox.requests(PENSION), after_link, "the daemon left it alone");
    assert_eq!(connection(&machine, id)["next_refresh_at"].as_str(), Some(next.as_str()));

    // A re-link is a new login the user asked for: it fetches at once, nothing duplicated.
    let before = machine.ok(&["transactions"]).as_array().unwrap().len();
    let relinked = machine.run(&["relink", &id.to_string()], "").ok();
    assert_eq!(relinked["refresh"]["outcome"], "ok", "{relinked}");
    assert_eq!(relinked["refresh"]["added"], 0);
    assert_eq!(machine.ok(&["transactions"]).as_array().unwrap().len(), before);
    assert!(sandbox.requests(PENSION) > after_link);
}

#[test]
fn the_scheduler_runs_a_plan_linked_without_a_refresh_once_and_not_again() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = connect(&machine, PENSION, "kiku", &["--no-refresh"]);
    let id = linked["connection_id"].as_i64().unwrap();
    assert_eq!(sandbox.requests(PENSION), 0);

    // Never tried: the scheduler runs it, unattended (it needs nobody at its login).
    let pass = machine.ok(&["daemon", "--once", "--interval-minutes", "1"]);
    assert_eq!(pass.as_array().unwrap().len(), 1, "{pass}");
    assert_eq!((pass[0]["connection_id"].as_i64(), pass[0]["outcome"].as_str()), (Some(id), Some("ok")), "{pass}");
    assert_ledger_equals_sandbox(&machine, &sandbox, &linked["connection_id"], PENSION, "kiku", None);
    let after_first = sandbox.requests(PENSION);

    // Its next run is six hours away, however short the daemon's own interval.
    let next = connection(&machine, id)["next_refresh_at"].as_str().unwrap().to_string();
    let next = time::OffsetDateTime::parse(&next, &time::format_description::well_known::Rfc3339).unwrap();
    let wait = next - time::OffsetDateTime::now_utc();
    assert!(wait > time::Duration::minutes(355), "{wait}");
    assert_eq!(machine.ok(&["daemon", "--once", "--interval-minutes", "1"]), serde_json::json!([]));
    assert_eq!(sandbox.requests(PENSION), after_first);
    machine.run(&["refresh", &id.to_string()], "").fails_with("refresh.not_allowed");
    assert_eq!(sandbox.requests(PENSION), after_first);
}

#[test]
fn a_wrong_password_is_fixed_by_editing_the_login_and_re_linking_not_by_a_refused_refresh() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked =
        machine.run(&["connect", PENSION, "--credentials-stdin"], &format!("{}\n", login_json("sumi", "wrong"))).ok();
    assert_eq!(linked["refresh"]["status"], "bad_credentials", "{linked}");
    let id = linked["connection_id"].as_i64().unwrap();
    assert!(connection(&machine, id)["next_refresh_at"].is_null(), "not scheduled until the login is fixed");

    // No scheduled run is coming: the refusal says how to fetch instead.
    let requests = sandbox.requests(PENSION);
    let message = machine.run(&["refresh", &id.to_string()], "").fails_with("refresh.not_allowed");
    assert!(message.contains(&format!("gims relink {id}")), "{message}");
    assert_eq!(sandbox.requests(PENSION), requests);

    // The corrected login points at re-linking, which fetches.
    let edit = ["edit", &id.to_string(), "--credentials-stdin"];
    machine.run(&edit, &format!("{}\n", login_json("sumi", "sandbox"))).ok();
    let shown = connection(&machine, id);
    assert_eq!((shown["status"].as_str(), shown["action"].as_str()), (Some("needs_user"), Some("relink")), "{shown}");
    let relinked = machine.run(&["relink", &id.to_string()], "").ok();
    assert_eq!(relinked["refresh"]["outcome"], "ok", "{relinked}");
    assert_eq!(connection(&machine, id)["status"], "ok");
    assert_ledger_equals_sandbox(&machine, &sandbox, &linked["connection_id"], PENSION, "sumi", None);
}

#[test]
fn the_catalog_shows_the_policy() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    let listed = machine.ok(&["institutions", "--category", "pension"]);
    let pension = listed.as_array().unwrap().iter().find(|i| i["id"] == PENSION).expect("listed under pension");
    assert_eq!(pension["name"], "サンドボックス確定拠出年金");
    assert_eq!(pension["auth"]["kind"], "password");
    assert_eq!(
        pension["policy"],
        serde_json::json!({
            "auto_refresh": true,
            "manual_refresh": false,
            "bulk_refresh": false,
            "min_interval_secs": 21600,
            "needs_user_every_login": false,
        })
    );
    let found = machine.ok(&["institutions", "--search", "確定拠出年金"]);
    assert!(found.as_array().unwrap().iter().any(|i| i["id"] == PENSION), "{found}");
    let plain = machine.command().args(["institutions", "--category", "pension"]).output().unwrap();
    let text = String::from_utf8_lossy(&plain.stdout);
    let line = text.lines().find(|line| line.starts_with(PENSION)).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("scheduled refresh only; not in refresh all; at most every 6 h"), "{line}");
}
