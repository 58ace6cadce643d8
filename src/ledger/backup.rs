//! Backups: the whole ledger exported with `sqlcipher_export` into a file encrypted with a
//! passphrase (SQLCipher's own key derivation, its salt in the file), so it can be restored on
//! another machine with the passphrase alone — the keychain key never travels. Never a file copy
//! of a live database: the export is a consistent read of one snapshot.

use super::{DatabaseKey, Ledger, PAGE_SIZE, open_error};
use crate::error::{ErrorCode, GimsError, Result};
use gims_connectors::Secret;
use rusqlite::Connection;
use std::path::Path;

/// SQL string literal of a passphrase (single quotes doubled). The text stays in memory only
/// as long as the statement.
fn literal(passphrase: &Secret<String>) -> Secret<String> {
    Secret::new(format!("'{}'", passphrase.expose().replace('\'', "''")))
}

impl Ledger {
    /// Writes a passphrase-encrypted copy of the ledger to `target` (which must not exist).
    pub fn backup_to(&self, target: &Path, passphrase: &Secret<String>) -> Result<()> {
        if target.exists() {
            return Err(GimsError::invalid("to", format!("{} already exists; choose a new file", target.display())));
        }
        self.export_copy(target, |path| {
            Secret::new(format!("ATTACH DATABASE '{path}' AS backup KEY {};", literal(passphrase).expose()))
        })
    }

    /// Writes a copy of the ledger to `target` encrypted with the ledger's own key (an attached
    /// database without a KEY clause takes the main database's key; the page size is set).
    pub fn backup_with_own_key(&self, target: &Path) -> Result<()> {
        self.export_copy(target, |path| {
            Secret::new(format!("ATTACH DATABASE '{path}' AS backup; PRAGMA backup.cipher_page_size = {PAGE_SIZE};"))
        })
    }

    /// `sqlcipher_export` of one consistent snapshot into a new file, attached by `attach` (given
    /// the path quoted for SQL). A failure removes the file.
    fn export_copy(&self, target: &Path, attach: impl FnOnce(&str) -> Secret<String>) -> Result<()> {
        let path = target.to_str().ok_or_else(|| GimsError::invalid("to", "the path is not valid UTF-8"))?;
        // An empty file is an empty database to SQLite: the ledger's connection (opened without
        // the right to create files) can attach it. `create_new` also refuses a race to the name.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(target)
            .map_err(|e| crate::vault::io_error("create", target, e))?;
        let version = self.schema_version()?;
        let attach = attach(&path.replace('\'', "''"));
        let result = self
            .conn
            .execute_batch(attach.expose())
            .and_then(|()| self.conn.query_row("SELECT sqlcipher_export('backup')", [], |_| Ok(())))
            .and_then(|()| self.conn.execute_batch(&format!("PRAGMA backup.user_version = {version};")));
        let detached = self.conn.execute_batch("DETACH DATABASE backup;");
        if let Err(error) = result.and(detached) {
            let _ = std::fs::remove_file(target);
            return Err(GimsError::new(
                ErrorCode::VaultIo,
                format!("the backup to {path} failed ({error}); nothing was written"),
            ));
        }
        Ok(())
    }

    /// Creates a new ledger at `target` with `key` from a backup and its passphrase.
    pub fn restore_from(backup: &Path, passphrase: &Secret<String>, target: &Path, key: DatabaseKey) -> Result<Ledger> {
        if target.exists() {
            return Err(GimsError::new(
                ErrorCode::VaultAlreadyExists,
                format!("{} already exists; nothing was changed", target.display()),
            ));
        }
        if !backup.is_file() {
            return Err(GimsError::invalid("backup", format!("there is no backup file {}", backup.display())));
        }
        // Read-write: an attached database shares its connection's flags, and the restored one is created (the backup itself exists: it is checked first).
        let source = Connection::open_with_flags(
            backup,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| open_error(backup, e))?;
        source
            .execute_batch(&format!("PRAGMA key = {};", literal(passphrase).expose()))
            .map_err(|e| open_error(backup, e))?;
        let version: i64 = source.pragma_query_value(None, "user_version", |row| row.get(0)).map_err(|e| {
            match open_error(backup, e) {
                error if error.code == ErrorCode::VaultWrongKey => GimsError::new(
                    ErrorCode::VaultWrongKey,
                    format!(
                        "{} could not be opened: the backup passphrase is wrong, or it is not a GIMS backup",
                        backup.display()
                    ),
                ),
                error => error,
            }
        })?;
        let target_text = target.to_str().ok_or_else(|| GimsError::invalid("vault", "the path is not valid UTF-8"))?;
        let mut attach = format!(
            "ATTACH DATABASE '{}' AS restored KEY \"x'{}'\"; PRAGMA restored.cipher_page_size = {PAGE_SIZE};",
            target_text.replace('\'', "''"),
            hex::encode(key.bytes())
        );
        let result = source
            .execute_batch(&attach)
            .and_then(|()| source.query_row("SELECT sqlcipher_export('restored')", [], |_| Ok(())))
            .and_then(|()| {
                source.execute_batch(&format!("PRAGMA restored.user_version = {version}; DETACH DATABASE restored;"))
            });
        zeroize::Zeroize::zeroize(&mut attach);
        drop(source);
        if let Err(error) = result {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{target_text}{suffix}"));
            }
            return Err(GimsError::new(
                ErrorCode::VaultCorrupt,
                format!("the backup could not be restored ({error}); nothing was created"),
            ));
        }
        Ledger::open(target, key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{NewManualAccount, test_ledger};
    use crate::money::{Amount, Currency};

    #[test]
    fn a_backup_restores_with_its_passphrase_only_and_is_not_plaintext() {
        let (dir, mut ledger) = test_ledger();
        ledger
            .add_manual_account(
                &NewManualAccount {
                    name: "BACKUP-CANARY".into(),
                    kind: gims_connectors::AccountKind::Cash,
                    opening_balance: Amount::from_minor(777, Currency::jpy()),
                },
                "2026-11-28T00:00:00Z",
            )
            .unwrap();
        let file = dir.path().join("gims.backup");
        let passphrase = Secret::new("it's a passphrase".to_string());
        ledger.backup_to(&file, &passphrase).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        assert!(!bytes.starts_with(b"SQLite format 3"));
        assert!(!bytes.windows(13).any(|w| w == b"BACKUP-CANARY"));
        assert_eq!(ledger.backup_to(&file, &passphrase).unwrap_err().code, ErrorCode::InputInvalid, "never overwrites");

        let wrong = Ledger::restore_from(
            &file,
            &Secret::new("wrong".into()),
            &dir.path().join("x.db"),
            DatabaseKey::from_bytes([3; 32]),
        );
        assert_eq!(wrong.err().unwrap().code, ErrorCode::VaultWrongKey);
        assert!(!dir.path().join("x.db").exists());

        let restored =
            Ledger::restore_from(&file, &passphrase, &dir.path().join("restored.db"), DatabaseKey::from_bytes([9; 32]))
                .unwrap();
        assert_eq!(restored.schema_version().unwrap(), crate::ledger::LATEST_SCHEMA_VERSION);
        let accounts = restored.accounts().unwrap();
        assert_eq!((accounts[0].name.as_str(), accounts[0].balance.as_str()), ("BACKUP-CANARY", "777"));
        drop(restored);
        // The restored ledger opens with its new key, as any ledger does.
        Ledger::open(&dir.path().join("restored.db"), DatabaseKey::from_bytes([9; 32])).unwrap();
    }

    #[test]
    fn a_backup_with_the_ledgers_own_key_opens_with_that_key_only() {
        let (dir, mut ledger) = test_ledger();
        ledger
            .add_manual_account(
                &NewManualAccount {
                    name: "AUTO-CANARY".into(),
                    kind: gims_connectors::AccountKind::Cash,
                    opening_balance: Amount::from_minor(5, Currency::jpy()),
                },
                "2026-11-28T00:00:00Z",
            )
            .unwrap();
        let file = dir.path().join("auto.db");
        ledger.backup_with_own_key(&file).unwrap();
        let bytes = std::fs::read(&file).unwrap();
        assert!(!bytes.starts_with(b"SQLite format 3"));
        assert!(!bytes.windows(11).any(|w| w == b"AUTO-CANARY"));
        assert!(Ledger::open(&file, DatabaseKey::from_bytes([8; 32])).is_err());
        let copy = Ledger::open(&file, DatabaseKey::from_bytes([7; 32])).unwrap();
        copy.check_integrity().unwrap();
        assert_eq!(copy.accounts().unwrap()[0].name, "AUTO-CANARY");
    }
}
