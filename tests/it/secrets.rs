//! Secrets through every sandbox flow at trace logging: one-time passwords, CAPTCHA answers,
//! session cookies and OAuth tokens appear in no output, no file under the machine's folders
//! (vault, backups, home, temporary files) and nowhere in a decrypted dump of the ledger. They
//! live in the keychain only, and an OTP is asked once per login, never re-sent.

use crate::refresh_support::{OTP_PROMPT, login_json, play_user};
use crate::sandbox::SandboxServer;
use crate::support::{Keychain, Machine, Session, contains, files_under};
use serde_json::Value;

const INSTITUTIONS: &[&str] = &[
    "sandbox-bank",
    "sandbox-otp-bank",
    "sandbox-emoney",
    "sandbox-card",
    "sandbox-oauth",
    "sandbox-approval",
    "sandbox-securities",
    "sandbox-points",
];

/// Every string value in a JSON document (the keychain holds JSON objects).
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// Every value of every table, as text, read with the vault's key.
fn decrypted_dump(machine: &Machine, keychain: &Keychain) -> String {
    let vault: Value = serde_json::from_slice(&std::fs::read(machine.vault().join("vault.json")).unwrap()).unwrap();
    let key = keychain.lookup(&format!("vault-key:{}", vault["vault_id"].as_str().unwrap())).unwrap();
    let conn = rusqlite::Connection::open(machine.vault().join("ledger.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"; PRAGMA cipher_page_size = 16384;", key.trim())).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut dump = String::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = statement.column_count();
        let mut rows = statement.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                let value: rusqlite::types::Value = row.get(i).unwrap();
                dump.push_str(&format!("{value:?}|"));
            }
            dump.push('\n');
        }
    }
    assert!(dump.contains("sandbox-otp-bank"), "the dump is readable: it holds the connections");
    dump
}

#[test]
fn otps_captcha_answers_cookies_and_tokens_stay_in_the_keychain_through_every_flow() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let mut machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.env.push(("TMPDIR".into(), tmp.path().to_str().unwrap().into()));
    machine.ok(&["init"]);
    let mut output = String::new();
    let mut canaries: Vec<String> = Vec::new();
    let mut otp_prompts = 0;
    for institution in INSTITUTIONS {
        let login = format!("canary-{institution}");
        let mut args = vec!["connect", institution];
        if *institution != "sandbox-oauth" {
            args.push("--credentials-stdin");
        }
        let mut session = Session::start(&machine, &args, &[]);
        if *institution != "sandbox-oauth" {
            session.send_line(&login_json(&login, "sandbox"));
        }
        canaries.extend(play_user(&mut session, &sandbox, &login));
        let run = session.finish();
        output.push_str(&String::from_utf8_lossy(&run.output.stdout));
        output.push_str(&run.stderr());
        otp_prompts += run.stderr().matches(OTP_PROMPT).count();
        let linked = run.ok();
        assert_eq!(linked["refresh"]["outcome"], "ok", "{institution}: {linked}");
        for message in sandbox.phone(&login) {
            if let Some(code) = message["code"].as_str().filter(|c| !c.is_empty()) {
                canaries.push(code.to_string());
            }
        }
    }
    assert_eq!(otp_prompts, 1, "the OTP bank asked once, for its one login");
    assert_eq!(sandbox.phone("canary-sandbox-otp-bank").len(), 1, "one code sent, never re-sent");

    // An unattended pass resumes the kept sessions (cookies read from the keychain).
    let run = machine.run(&["refresh", "--all", "--non-interactive"], "");
    output.push_str(&String::from_utf8_lossy(&run.output.stdout));
    output.push_str(&run.stderr());
    assert!(output.contains("refresh run"), "trace logging ran");

    // The keychain's session cookies and OAuth tokens are canaries too.
    let vault: Value = serde_json::from_slice(&std::fs::read(machine.vault().join("vault.json")).unwrap()).unwrap();
    let vault_id = vault["vault_id"].as_str().unwrap();
    for id in 1..=INSTITUTIONS.len() {
        for entry in [format!("session:{vault_id}:{id}"), format!("connection:{vault_id}:{id}")] {
            if let Some(stored) = keychain.lookup(&entry) {
                let mut values = Vec::new();
                strings(&serde_json::from_str(&stored).unwrap_or(Value::String(stored.clone())), &mut values);
                // Long random values only: login ids and the sandbox password are not secrets to look for.
                canaries.extend(values.into_iter().filter(|v| v.len() >= 16 && !v.starts_with("canary-")));
            }
        }
    }
    assert!(canaries.iter().any(|c| c.len() >= 16), "cookies or tokens were found to look for: {canaries:?}");
    assert!(canaries.len() >= 4, "{canaries:?}");

    // Log lines start with a timestamp whose microseconds could equal a six-digit code.
    let output: String = output
        .lines()
        .map(|line| match line.split_once(' ') {
            Some((stamp, rest)) if stamp.len() > 20 && stamp.starts_with("20") && stamp.ends_with('Z') => rest,
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let dump = decrypted_dump(&machine, &keychain);
    let files = files_under(machine.dir.path()).into_iter().chain(files_under(tmp.path()));
    let files: Vec<_> = files.map(|f| (f.clone(), std::fs::read(&f).unwrap_or_default())).collect();
    for canary in &canaries {
        if let Some(at) = output.find(canary.as_str()) {
            let start = output.floor_char_boundary(at.saturating_sub(300));
            panic!("`{canary}` reached the output: …{}…", &output[start..output.ceil_char_boundary(at + 100)]);
        }
        assert!(!dump.contains(canary.as_str()), "`{canary}` is in the ledger");
        for (file, bytes) in &files {
            assert!(!contains(bytes, canary.as_bytes()), "`{canary}` is in {}", file.display());
        }
    }
}
