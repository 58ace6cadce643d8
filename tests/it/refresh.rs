//! Refreshing through the CLI against the sandbox institutions on loopback: challenges answered
//! as a user would (from the sandbox phone, the CAPTCHA endpoint, a browser), the ledger compared
//! with the sandbox's own data, and every way a run can fail leaving nothing behind.

use crate::refresh_support::{OTP_PROMPT, connect_as_user, login_json, refresh_as_user};
use crate::sandbox::SandboxServer;
use crate::support::{Keychain, Machine, Session, files_under};
use serde_json::Value;

/// The ledger holds exactly what the sandbox shows for this login (from `start`, if given).
pub fn assert_ledger_equals_sandbox(
    machine: &Machine,
    sandbox: &SandboxServer,
    connection_id: &Value,
    institution: &str,
    login: &str,
    start: Option<&str>,
) {
    let dataset = sandbox.dataset(institution, login);
    let accounts = machine.ok(&["accounts"]);
    let ours: Vec<&Value> =
        accounts.as_array().unwrap().iter().filter(|a| a["connection_id"] == *connection_id).collect();
    assert_eq!(ours.len(), dataset.accounts.len(), "{institution}: accounts");
    for expected in &dataset.accounts {
        let what = format!("{institution} {login} {}", expected.name);
        let account =
            ours.iter().find(|a| a["name"] == expected.name.as_str()).unwrap_or_else(|| panic!("{what} is missing"));
        let holdings: i64 = expected.holdings.iter().map(|h| h.value).sum();
        assert_eq!(account["balance"], (expected.balance + holdings).to_string(), "{what}: balance");
        assert_eq!(account["kind"], expected.kind.as_str(), "{what}: kind");

        let id = account["id"].to_string();
        let listed = machine.ok(&["transactions", "--account", &id]);
        let mut have: Vec<(String, String, String)> = listed
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["date"].as_str().unwrap().into(),
                    t["amount"].as_str().unwrap().into(),
                    t["description"].as_str().unwrap().into(),
                )
            })
            .collect();
        let mut want: Vec<(String, String, String)> = expected
            .transactions
            .iter()
            .filter(|t| start.is_none_or(|s| t.date.to_string().as_str() >= s))
            .map(|t| (t.date.to_string(), t.amount.to_string(), t.description.clone()))
            .collect();
        have.sort();
        want.sort();
        assert_eq!(have, want, "{what}: transactions");

        let positions = machine.ok(&["holdings", "--account", &id]);
        // 評価損益 is the institution's valuation minus its cost, to the yen.
        let mut have: Vec<(String, String, String)> = positions
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let text = |key: &str| h[key].as_str().unwrap().to_string();
                (text("asset"), text("quantity"), text("gain"))
            })
            .collect();
        let mut want: Vec<(String, String, String)> = expected
            .holdings
            .iter()
            .map(|h| (h.name.clone(), h.quantity.clone(), (h.value - h.cost).to_string()))
            .collect();
        have.sort();
        want.sort();
        assert_eq!(have, want, "{what}: holdings");

        // The account's 評価損益 in the asset report: the sum of its holdings' valuations and costs.
        if !expected.holdings.is_empty() {
            let gains = &machine.ok(&["report", "assets"])["gains"];
            let line = gains["accounts"].as_array().unwrap().iter().find(|line| line["account_id"] == account["id"]);
            let figures = &line.unwrap_or_else(|| panic!("{what}: no gain line in {gains}"))["figures"];
            let (value, cost): (i64, i64) =
                expected.holdings.iter().fold((0, 0), |(v, c), h| (v + h.value, c + h.cost));
            assert_eq!(
                (figures["value"].as_str(), figures["cost"].as_str(), figures["gain"].as_str()),
                (
                    Some(value.to_string().as_str()),
                    Some(cost.to_string().as_str()),
                    Some((value - cost).to_string().as_str())
                ),
                "{what}: gain"
            );
        }
    }
}

#[test]
fn every_sandbox_institution_links_and_refreshes_with_its_challenge_answered() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let institutions = [
        ("sandbox-bank", "taro"),
        ("sandbox-otp-bank", "hanako"),
        ("sandbox-emoney", "twice-jiro"),
        ("sandbox-card", "saburo"),
        ("sandbox-oauth", "shiro"),
        ("sandbox-approval", "goro"),
        ("sandbox-securities", "rokuro"),
        ("sandbox-points", "nana"),
    ];
    for (institution, login) in institutions {
        let linked = connect_as_user(&machine, &sandbox, institution, login, &[]);
        assert_eq!(linked["refresh"]["outcome"], "ok", "{institution}: {linked}");
        assert_eq!(linked["connection"]["status"], "ok", "{institution}");
        assert!(linked["connection"]["last_fetched_at"].is_string());
        assert_ledger_equals_sandbox(&machine, &sandbox, &linked["connection_id"], institution, login, None);
    }
    // Every login GIMS made is in the access log, with the host it went to.
    let log = machine.ok(&["access-log"]);
    let host = sandbox.base_url.trim_start_matches("http://");
    assert_eq!(log.as_array().unwrap().len(), institutions.len());
    assert!(log.as_array().unwrap().iter().all(|entry| entry["host"] == host && entry["outcome"] == "ok"));
}

#[test]
fn refresh_all_unattended_asks_nothing_and_triggers_no_otp() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    for (institution, login) in [
        ("sandbox-bank", "ichiro"),
        ("sandbox-otp-bank", "jiro"),
        ("sandbox-emoney", "saburo"),
        ("sandbox-approval", "shiro"),
    ] {
        machine
            .run(
                &["connect", institution, "--credentials-stdin", "--no-refresh"],
                &format!("{}\n", login_json(login, "sandbox")),
            )
            .ok();
    }
    for unattended in [&["refresh", "--all", "--non-interactive"][..], &["refresh", "--all"]] {
        // The second form has standard input closed: nobody to ask, so the same as --non-interactive.
        let reports = machine.run(unattended, "").ok();
        let outcomes: Vec<(&str, &str)> = reports
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["outcome"].as_str().unwrap(), r["status"].as_str().unwrap()))
            .collect();
        assert_eq!(
            outcomes,
            [("ok", "ok"), ("needs_user", "needs_user"), ("needs_user", "needs_user"), ("needs_user", "needs_user")]
        );
    }
    assert!(sandbox.phone("jiro").is_empty(), "no OTP was sent: {:?}", sandbox.phone("jiro"));
    assert!(sandbox.phone("shiro").is_empty(), "no approval was requested");
    for institution in ["sandbox-otp-bank", "sandbox-emoney", "sandbox-approval"] {
        assert_eq!(sandbox.requests(institution), 0, "{institution} was not contacted");
    }
    let connections = machine.ok(&["connections"]);
    assert_eq!(connections[1]["status"], "needs_user");
    assert_eq!(connections[1]["action"], "refresh_now");
    assert!(connections[1]["message"].as_str().unwrap().contains("refresh"));
}

#[test]
fn refreshing_again_adds_nothing_and_the_start_date_holds() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = connect_as_user(&machine, &sandbox, "sandbox-bank", "taro", &[]);
    let id = linked["connection_id"].to_string();
    let count = |m: &Machine| m.ok(&["status"])["transactions"].as_i64().unwrap();
    let before = count(&machine);
    assert!(before > 100);
    // The user's re-categorisation of a fetched row survives the next refresh.
    let first = machine.ok(&["transactions", "--limit", "1"])[0]["id"].to_string();
    machine.ok(&["tx", "edit", &first, "--category", "食費/外食", "--transfer", "yes"]);
    let again = machine.ok(&["refresh", &id]);
    assert_eq!((again[0]["outcome"].as_str(), again[0]["added"].as_i64()), (Some("ok"), Some(0)));
    assert_eq!(count(&machine), before, "nothing duplicated");
    let kept = machine.ok(&["transactions", "--limit", "1"])[0].clone();
    assert_eq!(
        (kept["subcategory"].as_str(), kept["transfer"].as_bool()),
        (Some("外食"), Some(true)),
        "the edit is kept"
    );

    // A second login whose history starts later: nothing before its start date.
    let start = (sandbox.dataset("sandbox-bank", "hana").today - time::Duration::days(30)).to_string();
    let later =
        connect_as_user(&machine, &sandbox, "sandbox-bank", "hana", &["--start-date", &start, "--name", "はなの口座"]);
    assert_eq!(later["connection"]["display_name"], "はなの口座");
    assert_eq!(later["connection"]["start_date"], start.as_str());
    assert_ledger_equals_sandbox(&machine, &sandbox, &later["connection_id"], "sandbox-bank", "hana", Some(&start));
}

fn ledger_is_empty(machine: &Machine) {
    let status = machine.ok(&["status"]);
    assert_eq!((status["accounts"].as_i64(), status["transactions"].as_i64()), (Some(0), Some(0)), "nothing was saved");
}

#[test]
fn wrong_expired_cancelled_and_unanswered_codes_save_nothing() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = machine
        .run(
            &["connect", "sandbox-otp-bank", "--credentials-stdin", "--no-refresh"],
            &format!("{}\n", login_json("yuki", "sandbox")),
        )
        .ok();
    let id = linked["connection_id"].to_string();

    // Three wrong codes: the bank locks the attempt.
    let mut session = Session::start(&machine, &["refresh", &id], &[]);
    for attempt in 1..=3 {
        session.wait_for(OTP_PROMPT, attempt);
        session.send_line("000000");
    }
    let report = session.finish().ok();
    assert_eq!((report[0]["outcome"].as_str(), report[0]["status"].as_str()), (Some("failed"), Some("needs_user")));
    ledger_is_empty(&machine);

    // An expired code.
    let mut session = Session::start(&machine, &["refresh", &id], &[]);
    session.wait_for(OTP_PROMPT, 1);
    sandbox.clock.advance(time::Duration::minutes(6));
    session.send_line(&sandbox.latest_otp("yuki"));
    let report = session.finish().ok();
    assert_eq!(report[0]["outcome"], "failed");
    assert!(report[0]["message"].as_str().unwrap().contains("expired"), "{}", report[0]["message"]);
    ledger_is_empty(&machine);

    // Cancelled: an empty answer.
    let mut session = Session::start(&machine, &["refresh", &id], &[]);
    session.wait_for(OTP_PROMPT, 1);
    session.send_line("");
    let report = session.finish().ok();
    assert_eq!(report[0]["outcome"], "needs_user");
    assert!(report[0]["message"].as_str().unwrap().contains("cancelled"), "{}", report[0]["message"]);
    ledger_is_empty(&machine);

    // Nobody answers in time.
    let mut session = Session::start(&machine, &["refresh", &id], &[("GIMS_CHALLENGE_TIMEOUT_SECS", "1")]);
    session.wait_for(OTP_PROMPT, 1);
    let report = session.finish_after_waiting();
    assert_eq!(report[0]["outcome"], "needs_user");
    assert!(report[0]["message"].as_str().unwrap().contains("in time"), "{}", report[0]["message"]);
    ledger_is_empty(&machine);

    // And then the right code works, once.
    let after = refresh_as_user(&machine, &sandbox, &[&id], "yuki");
    assert_eq!(after[0]["outcome"], "ok");
    assert!(after[0]["added"].as_i64().unwrap() > 100);
}

#[test]
fn a_process_killed_while_saving_leaves_the_ledger_as_before() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    machine.ok(&["account", "add", "--name", "財布", "--kind", "cash", "--currency", "JPY", "--balance", "5000"]);
    let before = machine.ok(&["status"]);
    let marker = machine.dir.path().join("saving");
    let marker_text = marker.to_str().unwrap().to_string();
    let mut session = Session::start(
        &machine,
        &["connect", "sandbox-bank", "--credentials-stdin"],
        &[("GIMS_TEST_PAUSE_IN_SAVE", &marker_text)],
    );
    session.send_line(&login_json("kenta", "sandbox"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !marker.exists() {
        assert!(std::time::Instant::now() < deadline, "the save step was not reached: {}", session.stderr());
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    session.kill(); // SIGKILL, inside the save transaction
    let after = machine.ok(&["status"]);
    assert_eq!(after["accounts"], before["accounts"]);
    assert_eq!(after["transactions"], before["transactions"]);
    // The connection itself was recorded before the run; refreshing it now completes the job once.
    let connections = machine.ok(&["connections"]);
    let id = connections[0]["id"].to_string();
    let report = machine.ok(&["refresh", &id]);
    assert_eq!(report[0]["outcome"], "ok");
    assert_ledger_equals_sandbox(&machine, &sandbox, &connections[0]["id"], "sandbox-bank", "kenta", None);
}

#[test]
fn the_login_lives_in_the_keychain_and_never_in_logs_or_files() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let canary = "CANARY-pw-4b1d";
    let run = machine
        .run(&["connect", "sandbox-bank", "--credentials-stdin"], &format!("{}\n", login_json("canary-login", canary)));
    let everything = format!("{}{}", String::from_utf8_lossy(&run.output.stdout), run.stderr());
    let linked = run.ok();
    assert_eq!(linked["refresh"]["outcome"], "failed");
    assert_eq!(linked["refresh"]["status"], "bad_credentials");
    assert_eq!(linked["connection"]["action"], "edit_login");
    assert!(everything.contains("refresh run"), "logging ran at trace level: {everything}");
    assert!(!everything.contains(canary), "the password leaked into output: {everything}");
    for file in files_under(machine.dir.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(!crate::support::contains(&bytes, canary.as_bytes()), "{} holds the password", file.display());
    }
    let vault: Value = serde_json::from_slice(&std::fs::read(machine.vault().join("vault.json")).unwrap()).unwrap();
    let entry = format!("connection:{}:{}", vault["vault_id"].as_str().unwrap(), linked["connection_id"]);
    let stored = keychain.lookup(&entry).expect("the login is in the keychain");
    assert!(stored.contains(canary));
}

#[test]
fn a_busy_institution_is_left_alone_until_its_retry_time_and_nothing_is_saved() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    sandbox.set_fault("sandbox-bank", Some("busy"));
    let linked = machine
        .run(&["connect", "sandbox-bank", "--credentials-stdin"], &format!("{}\n", login_json("mika", "sandbox")))
        .ok();
    assert_eq!(linked["refresh"]["outcome"], "failed");
    let connection = &linked["connection"];
    assert_eq!((connection["status"].as_str(), connection["action"].as_str()), (Some("busy"), Some("retry_later")));
    assert!(connection["next_refresh_at"].is_string(), "the retry time is shown: {connection}");
    assert!(connection["last_fetched_at"].is_null() && connection["last_attempt_at"].is_string());
    ledger_is_empty(&machine);
    sandbox.set_fault("sandbox-bank", None);
    let id = linked["connection_id"].to_string();
    // Until tomorrow only a re-link (the user handing the login over again) logs in.
    assert_eq!(machine.ok(&["relink", &id])["refresh"]["outcome"], "ok");
    assert_ledger_equals_sandbox(&machine, &sandbox, &linked["connection_id"], "sandbox-bank", "mika", None);
}

/// Issue #14 (3): after "busy, try again tomorrow", the user's refresh button and refresh all
/// send nothing until that time; they say when the next try is allowed.
#[test]
fn a_manual_refresh_of_a_busy_connection_sends_nothing_until_the_retry_time() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = connect_as_user(&machine, &sandbox, "sandbox-bank", "sora", &[]);
    let id = linked["connection_id"].to_string();
    assert_eq!(linked["refresh"]["outcome"], "ok");

    sandbox.set_fault("sandbox-bank", Some("busy"));
    let busy = machine.ok(&["refresh", &id])[0].clone();
    assert_eq!((busy["outcome"].as_str(), busy["status"].as_str()), (Some("failed"), Some("busy")), "{busy}");
    let connection = machine.ok(&["connections"])[0].clone();
    let retry_at = connection["next_refresh_at"].as_str().expect("the retry time is recorded").to_string();
    assert_eq!(busy["retry_at"].as_str(), Some(retry_at.as_str()), "the run says when it may try again");
    let requests = sandbox.requests("sandbox-bank");
    let logins = machine.ok(&["access-log"]).as_array().unwrap().len();
    // Even with the institution answering again, GIMS keeps to the time it was given.
    sandbox.set_fault("sandbox-bank", None);

    let pressed = machine.run(&["refresh", &id], "");
    assert_eq!(pressed.output.status.code(), Some(3), "a named connection left alone is not a success");
    let row = &pressed.json[0];
    assert_eq!((row["outcome"].as_str(), row["code"].as_str()), (Some("skipped"), Some("refresh.busy")), "{row}");
    assert_eq!((row["status"].as_str(), row["action"].as_str()), (Some("busy"), Some("retry_later")));
    assert_eq!(row["retry_at"].as_str(), Some(retry_at.as_str()));
    let retry = time::OffsetDateTime::parse(&retry_at, &time::format_description::well_known::Rfc3339).unwrap();
    let japan = retry.to_offset(time::UtcOffset::from_hms(9, 0, 0).unwrap());
    let when = format!(
        "{:04}-{:02}-{:02} {:02}:{:02} (JST)",
        japan.year(),
        u8::from(japan.month()),
        japan.day(),
        japan.hour(),
        japan.minute()
    );
    let message = row["message"].as_str().unwrap();
    assert!(message.contains(&when) && message.contains("sent nothing"), "says when: {message}");

    let all = machine.ok(&["refresh", "--all"]);
    assert_eq!((all[0]["outcome"].as_str(), all[0]["code"].as_str()), (Some("skipped"), Some("refresh.busy")));
    assert_eq!(all[0]["retry_at"].as_str(), Some(retry_at.as_str()));

    let human = machine.command().args(["refresh", &id]).stdin(std::process::Stdio::null()).output().unwrap();
    assert_eq!(human.status.code(), Some(3));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("skipped") && text.contains("[refresh.busy]") && text.contains(&when), "{text}");

    assert_eq!(sandbox.requests("sandbox-bank"), requests, "nothing was sent to the institution");
    assert_eq!(machine.ok(&["access-log"]).as_array().unwrap().len(), logins, "no login was made");
    assert_eq!(machine.ok(&["connections"])[0]["next_refresh_at"].as_str(), Some(retry_at.as_str()));
    // A re-link is the deliberate way past it.
    assert_eq!(machine.ok(&["relink", &id])["refresh"]["outcome"], "ok");
    assert!(sandbox.requests("sandbox-bank") > requests);
    assert_eq!(machine.ok(&["refresh", &id])[0]["outcome"], "ok", "and the button works again");
}

#[test]
fn an_unattended_refresh_continues_a_recent_session_and_never_triggers_a_code() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    let linked = connect_as_user(&machine, &sandbox, "sandbox-otp-bank", "nagi", &[]);
    assert_eq!(linked["refresh"]["outcome"], "ok");
    assert_eq!(sandbox.phone("nagi").len(), 1, "one code for the login the user made");
    let transactions = machine.ok(&["status"])["transactions"].clone();

    // Minutes later, unattended: the bank's session is still open, so no code is needed.
    sandbox.clock.advance(time::Duration::minutes(5));
    let report = machine.run(&["refresh", "--all", "--non-interactive"], "").ok();
    assert_eq!((report[0]["outcome"].as_str(), report[0]["added"].as_i64()), (Some("ok"), Some(0)), "{report}");
    assert_eq!(sandbox.phone("nagi").len(), 1, "no new code was sent");
    assert_eq!(machine.ok(&["status"])["transactions"], transactions);

    // The bank ends idle sessions after 15 minutes: then the user is needed, and still no code is sent.
    sandbox.clock.advance(time::Duration::minutes(20));
    let report = machine.run(&["refresh", "--all", "--non-interactive"], "").ok();
    assert_eq!(report[0]["outcome"], "needs_user", "{report}");
    assert_eq!(sandbox.phone("nagi").len(), 1, "no code was triggered for nobody to read");
    let requests = sandbox.requests("sandbox-otp-bank");
    let again = machine.run(&["refresh", "--all", "--non-interactive"], "").ok();
    assert_eq!(again[0]["outcome"], "needs_user");
    assert_eq!(sandbox.requests("sandbox-otp-bank"), requests, "a dead session is not tried twice");
}

#[test]
fn asset_history_starts_with_the_banks_own_month_ends_and_says_no_data_before() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    connect_as_user(&machine, &sandbox, "sandbox-bank", "taro", &[]);
    let dataset = sandbox.dataset("sandbox-bank", "taro");
    // The bank's 残高推移: the deposits' balances at the last twelve month ends.
    let mut expected: std::collections::BTreeMap<String, i64> = Default::default();
    for account in &dataset.accounts {
        for (end, balance) in &account.month_end_balances {
            *expected.entry(end.to_string()).or_default() += balance;
        }
    }
    assert_eq!(expected.len(), 12);
    let first_end = expected.keys().next().unwrap().clone();
    // From the month end before the first one the bank states: that one has no data.
    let before = time::Date::parse(&first_end, &time::format_description::well_known::Iso8601::DATE).unwrap()
        - time::Duration::days(31);
    let (from, to) = (before.to_string(), dataset.today.to_string());
    let month_ends = || machine.ok(&["report", "history", "--from", &from, "--to", &to, "--interval", "month"]);
    let history = month_ends();
    let points = history["points"].as_array().unwrap();
    assert!(points[0]["total"].is_null(), "before the bank's first month end there is no data, not ¥0: {}", points[0]);
    for (end, total) in &expected {
        let point = points.iter().find(|p| p["date"] == end.as_str()).unwrap_or_else(|| panic!("no point on {end}"));
        assert_eq!(point["total"], total.to_string(), "{end}");
    }
    assert!(!points.last().unwrap()["total"].is_null(), "today has data");

    // A refresh again records nothing twice and overwrites nothing GIMS saw itself.
    let id = machine.ok(&["connections"])[0]["id"].to_string();
    machine.ok(&["refresh", &id]);
    let again = month_ends();
    assert_eq!(again, history);

    // A manual account added today has no data before today, whatever its opening balance.
    machine.ok(&["account", "add", "--name", "財布", "--kind", "cash", "--currency", "JPY", "--balance", "10000"]);
    let with_wallet = month_ends();
    let wallet_points = with_wallet["points"].as_array().unwrap();
    assert!(wallet_points[0]["total"].is_null());
    // (Added today in UTC, which may be yesterday in Japan: that day is left out.)
    let yesterday = (dataset.today - time::Duration::days(1)).to_string();
    for (end, total) in expected.iter().filter(|(end, _)| **end < yesterday) {
        let point = wallet_points.iter().find(|p| p["date"] == end.as_str()).unwrap();
        assert_eq!(point["total"], total.to_string(), "the wallet is not counted on {end}, before it was added");
    }
}
