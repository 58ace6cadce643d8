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
