//! The vault against the real keychain: encryption at rest, keys that are never replaced, and
//! the passphrase path for machines without a keychain.

use crate::support::{Keychain, Machine, contains, files_under};
use serde_json::Value;

const CANARY: &str = "CANARY-7f3a9c-ローソン-unique";

fn add_canary_data(machine: &Machine) -> Value {
    machine.ok(&["account", "add", "--name", "財布", "--kind", "cash", "--currency", "JPY", "--balance", "10000"]);
    machine.ok(&[
        "tx",
        "add",
        "--date",
        "2026-11-28",
        "--amount",
        "-1234",
        "--description",
        CANARY,
        "--account",
        "1",
        "--memo",
        CANARY,
    ])
}

#[test]
fn the_ledger_on_disk_is_encrypted_and_holds_no_plaintext() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    let init = machine.ok(&["init"]);
    assert_eq!(init["key_source"], "keychain");
    add_canary_data(&machine);

    let ledger = machine.vault().join("ledger.db");
    assert!(ledger.exists());
    for suffix in ["", "-wal", "-shm"] {
        let path = machine.vault().join(format!("ledger.db{suffix}"));
        if let Ok(bytes) = std::fs::read(&path) {
            assert!(!bytes.starts_with(b"SQLite format 3"), "{} has a plaintext SQLite header", path.display());
        }
    }
    // Nothing under the vault — nor anywhere this test's machine wrote — holds the canary.
    for root in [machine.dir.path(), keychain.home.path()] {
        for file in files_under(root) {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(!contains(&bytes, CANARY.as_bytes()), "{} contains the canary", file.display());
        }
    }
    // A SQLite without the key cannot read it.
    let sqlite = std::process::Command::new("sqlite3")
        .arg(&ledger)
        .arg("SELECT description FROM transactions;")
        .output()
        .expect("sqlite3 (apt-get install sqlite3) must be installed");
    assert!(!sqlite.status.success());
    assert!(String::from_utf8_lossy(&sqlite.stderr).contains("not a database"), "{:?}", sqlite);
}

#[test]
fn a_new_process_sees_the_same_data() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let added = add_canary_data(&machine);
    assert_eq!(added["description"], CANARY);
    let status = machine.ok(&["status"]);
    assert_eq!(status["encrypted"], true);
    assert_eq!(status["accounts"], 1);
    assert_eq!(status["transactions"], 1);
    let accounts = machine.ok(&["accounts"]);
    assert_eq!(accounts[0]["balance"], "8766");
    let transactions = machine.ok(&["transactions"]);
    assert_eq!(transactions[0]["amount"], "-1234");
    assert_eq!(transactions[0]["memo"], CANARY);
}

#[test]
fn the_key_lives_in_the_keychain_and_nowhere_in_the_vault() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let metadata: Value = serde_json::from_slice(&std::fs::read(machine.vault().join("vault.json")).unwrap()).unwrap();
    let vault_id = metadata["vault_id"].as_str().unwrap();
    let key = keychain.lookup(&format!("vault-key:{vault_id}")).expect("the key is in the keychain");
    assert_eq!(key.trim().len(), 64, "a 256-bit key, hex encoded");
    for file in files_under(&machine.vault()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(!contains(&bytes, key.trim().as_bytes()), "{} holds the key", file.display());
    }
}

#[test]
fn a_fresh_keychain_is_key_not_found_and_never_a_new_ledger() {
    let first = Keychain::start();
    let machine = Machine::with_keychain(&first);
    machine.ok(&["init"]);
    add_canary_data(&machine);
    let ledger = machine.vault().join("ledger.db");
    let before = std::fs::read(&ledger).unwrap();

    let fresh = Keychain::start();
    let elsewhere = Machine::with_keychain(&fresh);
    for args in
        [&["status"][..], &["accounts"], &["tx", "add", "--date", "2026-11-28", "--amount", "1", "--description", "x"]]
    {
        let mut command = elsewhere.command();
        let out = command.env("GIMS_VAULT", machine.vault()).arg("--json").args(args).output().unwrap();
        let json: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["error"]["code"], "vault.key_not_found", "{args:?}");
        assert!(!out.status.success());
    }
    assert_eq!(std::fs::read(&ledger).unwrap(), before, "the ledger was not touched");
    // And where the key is, the data is still there.
    assert_eq!(machine.ok(&["status"])["transactions"], 1);
}

#[test]
fn without_dbus_init_is_keychain_unavailable_and_leaves_nothing() {
    let machine = Machine::without_dbus();
    let message = machine.run(&["init"], "").fails_with("vault.keychain_unavailable");
    assert!(message.contains("--passphrase-stdin"), "the message offers the passphrase path: {message}");
    assert!(files_under(machine.dir.path()).is_empty(), "no ledger left behind: {:?}", files_under(machine.dir.path()));
}

#[test]
fn init_over_an_existing_vault_is_refused_and_keeps_the_first_key() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    add_canary_data(&machine);
    let vault_json = std::fs::read(machine.vault().join("vault.json")).unwrap();
    machine.run(&["init"], "").fails_with("vault.already_exists");
    machine.run(&["init", "--passphrase-stdin"], "another passphrase\n").fails_with("vault.already_exists");
    assert_eq!(std::fs::read(machine.vault().join("vault.json")).unwrap(), vault_json);
    assert_eq!(machine.ok(&["status"])["transactions"], 1);
}

#[test]
fn a_passphrase_vault_works_without_any_keychain_and_refuses_a_wrong_passphrase() {
    let machine = Machine::without_dbus();
    let init = machine.run(&["--passphrase-stdin", "init"], "correct horse battery\n").ok();
    assert_eq!(init["key_source"], "passphrase");
    machine
        .run(
            &["--passphrase-stdin", "account", "add", "--name", "現金", "--kind", "cash", "--currency", "JPY"],
            "correct horse battery\n",
        )
        .ok();
    let status = machine.run(&["--passphrase-stdin", "status"], "correct horse battery\n").ok();
    assert_eq!(status["key_source"], "passphrase");
    assert_eq!(status["accounts"], 1);

    machine.run(&["--passphrase-stdin", "status"], "wrong horse battery\n").fails_with("vault.wrong_key");
    let message = machine.run(&["status"], "").fails_with("vault.wrong_key");
    assert!(message.contains("--passphrase-stdin"), "{message}");
    let short = machine.run(&["--passphrase-stdin", "init"], "short\n");
    assert_ne!(short.output.status.code(), Some(0));
}

#[test]
fn no_secret_reaches_the_logs_at_trace_level() {
    let machine = Machine::without_dbus();
    let passphrase = "PASS-CANARY-91c2 horse";
    let runs = [
        machine.run(&["--passphrase-stdin", "init"], &format!("{passphrase}\n")),
        machine.run(&["--passphrase-stdin", "status"], &format!("{passphrase}\n")),
        machine.run(&["--passphrase-stdin", "status"], "PASS-CANARY-wrong\n"),
    ];
    for run in runs {
        let everything = format!("{}{}", String::from_utf8_lossy(&run.output.stdout), run.stderr());
        assert!(!everything.contains("PASS-CANARY"), "{everything}");
    }
}

#[test]
fn a_backup_restores_on_another_machine_with_its_passphrase_alone() {
    let home = Keychain::start();
    let machine = Machine::with_keychain(&home);
    machine.ok(&["init"]);
    add_canary_data(&machine);
    machine.ok(&[
        "tx",
        "add",
        "--date",
        "2026-11-25",
        "--amount",
        "250000",
        "--description",
        "給与",
        "--account",
        "1",
        "--category",
        "収入/給与",
    ]);
    let file = machine.dir.path().join("gims-2026-11-28.backup");
    let file_text = file.to_str().unwrap();
    machine.run(&["backup", "--to", file_text], "short\n").fails_with("input.invalid");
    let written = machine.run(&["backup", "--to", file_text], "backup passphrase 1\n").ok();
    assert!(written["bytes"].as_u64().unwrap() > 0);
    let bytes = std::fs::read(&file).unwrap();
    assert!(!contains(&bytes, CANARY.as_bytes()), "the backup is encrypted");

    // Another machine: its own keychain, which never saw this vault's key.
    let elsewhere = Keychain::start();
    let other = Machine::with_keychain(&elsewhere);
    let copy = other.dir.path().join("copied.backup");
    std::fs::copy(&file, &copy).unwrap();
    let copy_text = copy.to_str().unwrap();
    other.run(&["restore", copy_text], "wrong passphrase\n").fails_with("vault.wrong_key");
    assert!(!other.vault().join("ledger.db").exists(), "a failed restore leaves no vault");
    let restored = other.run(&["restore", copy_text], "backup passphrase 1\n").ok();
    assert_eq!(restored["key_source"], "keychain");
    for view in [&["status"][..], &["accounts"], &["transactions"], &["report", "monthly", "--month", "2026-11"]] {
        let mine = machine.ok(view);
        let theirs = other.ok(view);
        if view == ["status"] {
            assert_eq!(
                (mine["accounts"].clone(), mine["transactions"].clone()),
                (theirs["accounts"].clone(), theirs["transactions"].clone())
            );
        } else {
            assert_eq!(mine, theirs, "{view:?} after restore");
        }
    }
    other.run(&["restore", copy_text], "backup passphrase 1\n").fails_with("vault.already_exists");
}

#[test]
fn a_second_process_on_the_same_vault_waits_then_is_refused_and_never_writes_beside_the_first() {
    use std::io::Write;
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    // Another process has the vault open (the desktop app, say): it holds the lock file.
    let lock = std::fs::OpenOptions::new().write(true).open(machine.vault().join("instance.lock")).unwrap();
    lock.try_lock().unwrap();
    let mut holder = &lock;
    holder.write_all(b"gims-desktop (process 4242)").unwrap();
    let started = std::time::Instant::now();
    let refused = machine.command().env("GIMS_LOCK_WAIT_SECS", "1").args(["--json", "status"]).output().unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_secs(1), "it waited before giving up");
    assert!(!refused.status.success());
    let error: serde_json::Value = serde_json::from_slice(&refused.stdout).unwrap();
    assert_eq!(error["error"]["code"], "vault.in_use");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("gims-desktop (process 4242)"), "{message}");

    // Released (the holder exits), the next command runs and finds everything as it was.
    drop(lock);
    assert_eq!(machine.ok(&["status"])["transactions"], 0);
}

#[test]
fn commands_started_together_on_one_vault_take_turns_and_all_land() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let children: Vec<_> = (0..8)
        .map(|i| {
            let amount = format!("-{}", 100 + i);
            machine.spawn(&["tx", "add", "--date", "2026-11-28", "--amount", &amount, "--description", "同時"], &[])
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    }
    assert_eq!(machine.ok(&["status"])["transactions"], 8);
    assert_eq!(machine.ok(&["check"])["integrity"], "ok");
}

#[test]
fn a_locked_keychain_is_a_clear_error_that_names_the_way_out_and_the_vault_is_untouched() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    machine.ok(&["tx", "add", "--date", "2026-11-28", "--amount", "-540", "--description", "ローソン"]);
    let ledger = std::fs::read(machine.vault().join("ledger.db")).unwrap();
    keychain.restart_locked();
    let message = machine.run(&["status"], "").fails_with("vault.keychain_unavailable");
    assert!(message.contains("unlock") && message.contains("passphrase"), "names the way out: {message}");
    assert_eq!(std::fs::read(machine.vault().join("ledger.db")).unwrap(), ledger, "nothing written");
    // A new vault is not made without the keychain either, and nothing is left behind.
    let other = Machine::with_keychain(&keychain);
    other.run(&["init"], "").fails_with("vault.keychain_unavailable");
    assert!(!other.vault().join("ledger.db").exists() && !other.vault().join("vault.json").exists());
}
