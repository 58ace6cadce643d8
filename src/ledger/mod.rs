//! The ledger: one SQLCipher file, opened with a raw 256-bit key (no KDF at every start), in WAL
//! mode with foreign keys on, migrated forward by numbered steps. Only this module sees the key.

mod accounts;
mod backup;
pub mod categories;
mod connections;
pub mod groups;
mod holdings;
mod migrations;
pub mod rates;
mod refresh_save;
pub mod rules;
pub mod starter_rules;
mod transactions;
pub mod transfers;

pub use accounts::{AccountRow, NewManualAccount};
pub use connections::{AccessLogRow, ConnectionEdit, ConnectionRow, DeletedCounts, NewConnection, StatusUpdate};
pub use groups::{GroupRow, Member, Scope};
pub use holdings::{HoldingRow, gain_of};
pub use migrations::LATEST_SCHEMA_VERSION;
pub use refresh_save::{SaveOutcome, SaveRequest};
pub(crate) use transactions::insert_noting_duplicates_in as insert_transactions_noting_duplicates_in;
#[cfg(test)]
pub(crate) use transactions::tests::assert_month_totals_match_rows;
pub use transactions::{NewTransaction, TransactionEdit, TransactionFilter, TransactionRow, TransactionSource};

use crate::error::{ErrorCode, GimsError, Result};
use gims_connectors::Secret;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;

/// The 256-bit key of one ledger. Zeroed on drop, never printed.
pub struct DatabaseKey(Secret<[u8; 32]>);

impl DatabaseKey {
    pub fn random() -> Result<Self> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| GimsError::internal(format!("no randomness from the OS: {e}")))?;
        Ok(DatabaseKey::from_bytes(bytes))
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        DatabaseKey(Secret::new(bytes))
    }

    pub fn bytes(&self) -> &[u8; 32] {
        self.0.expose()
    }
}

/// SQLCipher's page size, which must be the same at every open. 16 KiB pages (the default is
/// 4 KiB) cost fewer HMACs and B-tree splits per row; bulk inserts go markedly faster.
const PAGE_SIZE: u32 = 16384;

/// SQLite's page cache, in KiB when negative: 64 MiB.
pub(crate) const CACHE_SIZE: i64 = -65_536;

pub struct Ledger {
    pub(crate) conn: Connection,
    /// The vault's lock, for a ledger opened through its vault: the last ledger of the process
    /// to close checkpoints the write-ahead log and clears the vault's "open" marker.
    guard: Option<std::sync::Arc<crate::vault::lock::VaultLock>>,
}

impl Drop for Ledger {
    fn drop(&mut self) {
        if let Some(lock) = self.guard.take()
            && std::sync::Arc::strong_count(&lock) == 1
        {
            // Everything committed is in the main file once the log is checkpointed and emptied:
            // only then is the marker that says "a log with changes may exist" cleared.
            let emptied: rusqlite::Result<i64> =
                self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0));
            if emptied == Ok(0) {
                lock.clear_open_marker();
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LedgerCounts {
    pub connections: i64,
    pub accounts: i64,
    pub transactions: i64,
}

impl Ledger {
    /// Ties the ledger to its vault's lock (see the `guard` field).
    pub(crate) fn hold(&mut self, lock: std::sync::Arc<crate::vault::lock::VaultLock>) {
        self.guard = Some(lock);
    }

    /// Creates a new encrypted ledger. Fails if the file exists.
    pub fn create(path: &Path, key: DatabaseKey) -> Result<Ledger> {
        if path.exists() {
            return Err(GimsError::new(
                ErrorCode::VaultAlreadyExists,
                format!("{} already exists; nothing was changed", path.display()),
            ));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Ledger::connect(path, flags, key)
    }

    /// Opens an existing ledger; a wrong key is `vault.wrong_key`, never an empty ledger.
    pub fn open(path: &Path, key: DatabaseKey) -> Result<Ledger> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Ledger::connect(path, flags, key)
    }

    fn connect(path: &Path, flags: OpenFlags, key: DatabaseKey) -> Result<Ledger> {
        let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(path, e))?;
        // A raw key (x'…') skips SQLCipher's PBKDF2: opening stays in milliseconds.
        let mut pragma =
            format!("PRAGMA key = \"x'{}'\"; PRAGMA cipher_page_size = {PAGE_SIZE};", hex::encode(key.bytes()));
        let keyed = conn.execute_batch(&pragma);
        zeroize::Zeroize::zeroize(&mut pragma);
        drop(key);
        keyed.map_err(|e| open_error(path, e))?;
        // SQLCipher would print a wrong key's failed HMAC on stderr; the error code says it all.
        // (Set after the key: activating the codec resets an unset level to WARN.)
        conn.execute_batch("PRAGMA cipher_log_level = NONE;").map_err(|e| open_error(path, e))?;
        // The first read proves the key: with a wrong one, SQLCipher reports "not a database".
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |_| Ok(())).map_err(|e| open_error(path, e))?;
        conn.execute_batch(&format!(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = {CACHE_SIZE};",
        ))
        .map_err(|e| open_error(path, e))?;
        let mut ledger = Ledger { conn, guard: None };
        migrations::migrate(&mut ledger.conn)?;
        Ok(ledger)
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.pragma_query_value(None, "user_version", |row| row.get(0))?)
    }

    pub fn counts(&self) -> Result<LedgerCounts> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM connections), (SELECT count(*) FROM accounts), (SELECT count(*) FROM transactions)",
            [],
            |row| Ok(LedgerCounts { connections: row.get(0)?, accounts: row.get(1)?, transactions: row.get(2)? }),
        )?)
    }

    /// Reads every page: SQLite's structural check and SQLCipher's per-page HMACs. Problems come
    /// back as `vault.corrupt` naming what failed.
    pub fn check_integrity(&self) -> Result<()> {
        match self.find_damage("integrity_check(5)")? {
            None => Ok(()),
            Some(found) => Err(GimsError::new(
                ErrorCode::VaultCorrupt,
                format!("the ledger is damaged ({found}); restore it with `gims restore` from a backup"),
            )),
        }
    }

    /// The daily check before a backup: every page's HMAC (a flipped byte anywhere after the
    /// first page, index pages included, fails its page) and `quick_check` (the B-trees'
    /// structure, without comparing every index with its table as `gims check` does). `Some`:
    /// what it found wrong.
    pub fn quick_check_integrity(&self) -> Result<Option<String>> {
        self.find_damage("quick_check(5)")
    }

    /// From now on this connection writes nothing: every write fails (the ledger was found
    /// damaged; `api` refuses with `vault.corrupt` before trying).
    pub fn refuse_writes(&self) -> Result<()> {
        Ok(self.conn.execute_batch("PRAGMA query_only = ON;")?)
    }

    /// Every page's HMAC, then `structure_check`: what they found wrong, if anything.
    fn find_damage(&self, structure_check: &str) -> Result<Option<String>> {
        let mut problems: Vec<String> = Vec::new();
        let mut read = || -> rusqlite::Result<()> {
            let mut cipher = self.conn.prepare("PRAGMA cipher_integrity_check")?;
            let rows = cipher.query_map([], |row| row.get::<_, String>(0))?;
            for row in rows {
                problems.push(row?);
            }
            let structure: String = self.conn.query_row(&format!("PRAGMA {structure_check}"), [], |row| row.get(0))?;
            if structure != "ok" {
                problems.push(structure);
            }
            Ok(())
        };
        if let Err(error) = read() {
            match error.sqlite_error_code() {
                // A page that cannot be read at all is damage found too.
                Some(rusqlite::ErrorCode::DatabaseCorrupt) | Some(rusqlite::ErrorCode::NotADatabase) => {
                    problems.push(error.to_string())
                }
                _ => return Err(error.into()),
            }
        }
        Ok((!problems.is_empty()).then(|| problems.join("; ")))
    }

    /// Whether SQLCipher is actually encrypting this connection (it reports its version only then).
    pub fn is_encrypted(&self) -> Result<bool> {
        let version: Option<String> = self.conn.query_row("PRAGMA cipher_version", [], |row| row.get(0)).ok();
        Ok(version.is_some_and(|v| !v.is_empty()))
    }
}

pub(crate) fn open_error(path: &Path, error: rusqlite::Error) -> GimsError {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => GimsError::new(
            ErrorCode::VaultWrongKey,
            format!(
                "{} could not be decrypted: the key or passphrase is wrong (or the file is not a GIMS ledger)",
                path.display()
            ),
        ),
        Some(rusqlite::ErrorCode::DiskFull) => disk_full(path),
        Some(rusqlite::ErrorCode::SystemIoFailure) | Some(rusqlite::ErrorCode::CannotOpen) if disk_is_full(path) => {
            disk_full(path)
        }
        Some(rusqlite::ErrorCode::CannotOpen)
        | Some(rusqlite::ErrorCode::PermissionDenied)
        | Some(rusqlite::ErrorCode::ReadOnly) => {
            GimsError::new(ErrorCode::VaultIo, format!("could not open {}: {error}", path.display()))
        }
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => GimsError::new(
            ErrorCode::VaultCorrupt,
            format!("{} is damaged: {error}; restore it from a backup", path.display()),
        ),
        _ => GimsError::new(ErrorCode::VaultIo, format!("could not open {}: {error}", path.display())),
    }
}

fn disk_full(path: &Path) -> GimsError {
    GimsError::new(
        ErrorCode::VaultIo,
        format!("the disk holding {} is full; nothing was saved. Free some space and try again", path.display()),
    )
}

/// Whether the file system holding `path` has (almost) no room left: SQLite reports a full disk
/// at open time as a plain I/O error (it cannot create its shared-memory file).
fn disk_is_full(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = path.parent().unwrap_or(path);
        let Ok(c_path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else { return false };
        // SAFETY: a valid NUL-terminated path and a zeroed struct for statvfs to fill.
        let mut stats: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(c_path.as_ptr(), &mut stats) } != 0 {
            return false;
        }
        (stats.f_bavail as u64).saturating_mul(stats.f_frsize as u64) < 256 * 1024
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

impl From<rusqlite::Error> for GimsError {
    fn from(error: rusqlite::Error) -> Self {
        match error.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => {
                GimsError::new(ErrorCode::VaultIo, "the disk is full; nothing was saved. Free some space and try again")
            }
            Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::PermissionDenied) => {
                GimsError::new(ErrorCode::VaultIo, format!("the ledger cannot be written ({error}); nothing was saved"))
            }
            Some(rusqlite::ErrorCode::DatabaseCorrupt) | Some(rusqlite::ErrorCode::NotADatabase) => GimsError::new(
                ErrorCode::VaultCorrupt,
                format!("the ledger is damaged ({error}); restore it from a backup"),
            ),
            Some(rusqlite::ErrorCode::SystemIoFailure) => GimsError::new(
                ErrorCode::VaultIo,
                format!(
                    "the disk reported an error while GIMS used the ledger ({error}); nothing was saved. Check the disk, then try again"
                ),
            ),
            Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => GimsError::new(
                ErrorCode::VaultIo,
                "the ledger is busy in another GIMS process; try again when it has finished",
            ),
            _ => GimsError::internal(format!("ledger: {error}")),
        }
    }
}

#[cfg(test)]
pub(crate) fn test_ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::create(&dir.path().join("ledger.db"), DatabaseKey::from_bytes([7; 32])).unwrap();
    (dir, ledger)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ledger_reopens_with_its_key_and_refuses_another() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ledger.db");
        drop(Ledger::create(&path, DatabaseKey::from_bytes([1; 32])).unwrap());
        let reopened = Ledger::open(&path, DatabaseKey::from_bytes([1; 32])).unwrap();
        assert_eq!(reopened.schema_version().unwrap(), LATEST_SCHEMA_VERSION);
        assert!(reopened.is_encrypted().unwrap());
        drop(reopened);
        let error = Ledger::open(&path, DatabaseKey::from_bytes([2; 32])).err().unwrap();
        assert_eq!(error.code, ErrorCode::VaultWrongKey);
    }

    #[test]
    fn create_never_overwrites() {
        let (dir, ledger) = test_ledger();
        drop(ledger);
        let error = Ledger::create(&dir.path().join("ledger.db"), DatabaseKey::from_bytes([7; 32])).err().unwrap();
        assert_eq!(error.code, ErrorCode::VaultAlreadyExists);
    }
}
