//! A damaged ledger file is detected and reported as `vault.corrupt` (never as a wrong key,
//! never silently), and nothing is written on top of it.

use crate::support::{Keychain, Machine};

fn vault_with_history(keychain: &Keychain) -> Machine<'_> {
    let machine = Machine::with_keychain(keychain);
    machine.ok(&["init"]);
    machine.ok(&["account", "add", "--name", "銀行", "--kind", "bank", "--currency", "JPY", "--balance", "100000"]);
    for day in 1..=28 {
        let date = format!("2026-11-{day:02}");
        for n in 0..8 {
            machine.ok(&[
                "tx",
                "add",
                "--date",
                &date,
                "--amount",
                &format!("-{}", 100 + n),
                "--description",
                &format!("買い物 {day}-{n} のながい説明文"),
                "--account",
                "1",
            ]);
        }
    }
    assert_eq!(machine.ok(&["check"])["integrity"], "ok");
    machine
}

fn flip_byte(path: &std::path::Path, offset: usize) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[offset] ^= 0x5a;
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_flipped_byte_or_a_truncated_file_is_reported_as_damage_and_left_alone() {
    let keychain = Keychain::start();
    let machine = vault_with_history(&keychain);
    let ledger = machine.vault().join("ledger.db");
    let pristine = std::fs::read(&ledger).unwrap();
    assert!(pristine.len() >= 3 * 16384, "several pages: {}", pristine.len());

    // The first page: SQLCipher alone would call this a wrong key; GIMS knows the key is right.
    flip_byte(&ledger, 200);
    let damaged = std::fs::read(&ledger).unwrap();
    let message = machine.run(&["status"], "").fails_with("vault.corrupt");
    assert!(message.contains("restore"), "offers the way back: {message}");
    machine
        .run(&["tx", "add", "--date", "2026-11-28", "--amount", "-1", "--description", "x"], "")
        .fails_with("vault.corrupt");
    assert_eq!(std::fs::read(&ledger).unwrap(), damaged, "nothing was written on top");

    // A page in the middle of the file.
    std::fs::write(&ledger, &pristine).unwrap();
    flip_byte(&ledger, pristine.len() - 16384 / 2);
    let damaged = std::fs::read(&ledger).unwrap();
    machine.run(&["check"], "").fails_with("vault.corrupt");
    assert_eq!(std::fs::read(&ledger).unwrap(), damaged, "nothing was written on top");

    // Cut short.
    std::fs::write(&ledger, &pristine[..pristine.len() - 20_000]).unwrap();
    machine.run(&["check"], "").fails_with("vault.corrupt");

    // Put back, it is whole again.
    std::fs::write(&ledger, &pristine).unwrap();
    assert_eq!(machine.ok(&["check"])["integrity"], "ok");
    assert_eq!(machine.ok(&["status"])["transactions"], 28 * 8);
}

#[test]
fn a_damaged_ledger_is_recovered_from_the_automatic_backup_and_the_damaged_file_kept() {
    let keychain = Keychain::start();
    let machine = vault_with_history(&keychain);
    // The first open after `init` took the day's backup of a nearly empty ledger; start over so
    // today's backup holds the history.
    std::fs::remove_dir_all(machine.vault().join("backups")).unwrap();
    assert_eq!(machine.ok(&["status"])["transactions"], 28 * 8);
    let backups = machine.ok(&["backups"]);
    assert_eq!(backups.as_array().unwrap().len(), 1, "one a day: {backups}");
    machine.ok(&["status"]);
    assert_eq!(machine.ok(&["backups"]).as_array().unwrap().len(), 1, "not a second one the same day");
    let backup = std::path::PathBuf::from(backups[0]["path"].as_str().unwrap());
    assert!(!crate::support::contains(&std::fs::read(&backup).unwrap(), "買い物".as_bytes()), "encrypted");

    machine.ok(&["tx", "add", "--date", "2026-11-28", "--amount", "-1", "--description", "after the backup"]);
    let ledger = machine.vault().join("ledger.db");
    flip_byte(&ledger, 200);
    let damaged = std::fs::read(&ledger).unwrap();
    let message = machine.run(&["status"], "").fails_with("vault.corrupt");
    assert!(message.contains("gims recover"), "offers the automatic backup: {message}");

    let recovered = machine.ok(&["recover"]);
    assert_eq!(recovered["recovered_from"], backup.to_str().unwrap());
    let aside = std::path::PathBuf::from(recovered["damaged_kept_at"].as_str().unwrap());
    assert_eq!(std::fs::read(&aside).unwrap(), damaged, "the damaged ledger is kept as it was");
    assert_eq!(machine.ok(&["check"])["integrity"], "ok");
    assert_eq!(machine.ok(&["status"])["transactions"], 28 * 8, "everything up to the backup");
    let november = machine.ok(&["report", "monthly", "--month", "2026-11"]);
    assert_eq!(november["expense"], (28 * (100 + 101 + 102 + 103 + 104 + 105 + 106 + 107)).to_string());
}

#[test]
fn a_write_ahead_log_deleted_after_a_crash_is_reported_and_nothing_is_written_on_top() {
    use crate::refresh_support::{OTP_PROMPT, login_json};
    let keychain = Keychain::start();
    let sandbox = crate::sandbox::SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    for institution in ["sandbox-bank", "sandbox-otp-bank"] {
        machine
            .run(&["connect", institution, "--credentials-stdin", "--no-refresh"], &login_json("wal", "sandbox"))
            .ok();
    }
    let before = machine.ok(&["status"]);
    // The bank's refresh commits; the OTP bank then waits for its code: the process holds the
    // vault with the bank's rows in the write-ahead log. Then it is killed.
    let mut session = crate::support::Session::start(&machine, &["refresh", "1", "2"], &[]);
    session.wait_for(OTP_PROMPT, 1);
    session.kill();
    let wal = machine.vault().join("ledger.db-wal");
    assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the log holds the bank's commit");

    // Without its log, the next open says what happened and writes nothing.
    std::fs::remove_file(&wal).unwrap();
    let _ = std::fs::remove_file(machine.vault().join("ledger.db-shm"));
    let ledger = machine.vault().join("ledger.db");
    let untouched = std::fs::read(&ledger).unwrap();
    let message = machine.run(&["status"], "").fails_with("vault.corrupt");
    assert!(message.contains("write-ahead log") && message.contains("gims recover"), "{message}");
    machine
        .run(&["tx", "add", "--date", "2026-11-28", "--amount", "-1", "--description", "x"], "")
        .fails_with("vault.corrupt");
    assert_eq!(std::fs::read(&ledger).unwrap(), untouched, "nothing was written on top");

    // The user chooses to keep the ledger as it is: it checks out, and works again.
    machine.ok(&["recover", "--keep-current"]);
    let after = machine.ok(&["status"]);
    assert_eq!(after["transactions"], before["transactions"], "the lost commit is lost, nothing else");
    assert_eq!(machine.ok(&["check"])["integrity"], "ok");
    // A crash that leaves its log is no damage at all: the next open replays it.
    let mut session = crate::support::Session::start(&machine, &["refresh", "1", "2"], &[]);
    session.wait_for(OTP_PROMPT, 1);
    session.kill();
    assert!(machine.ok(&["status"])["transactions"].as_i64() > before["transactions"].as_i64());
}
