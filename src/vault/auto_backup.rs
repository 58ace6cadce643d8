//! Automatic backups: once a day, the first time the vault is opened, the whole ledger is
//! exported (`sqlcipher_export`, a consistent snapshot, never a file copy of a live database)
//! into `backups/auto-YYYYMMDDTHHMMSSZ.db`, encrypted with the ledger's own key — so they restore
//! on this machine without a passphrase — and the newest seven are kept. A ledger found damaged
//! is recovered from the newest good one with `gims recover`, the damaged file kept aside. Each
//! backup follows a check of the ledger, so a damaged ledger never rotates a good backup out.
//! (A backup that travels to another machine is `gims backup`, with a passphrase.)

use super::{LEDGER_FILE, Vault};
use crate::error::{ErrorCode, GimsError, Result};
use crate::ledger::Ledger;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;
use time::macros::format_description;

pub const BACKUP_DIR: &str = "backups";
pub const KEEP: usize = 7;
const EVERY: time::Duration = time::Duration::hours(24);

#[derive(Clone, Debug, serde::Serialize, PartialEq, Eq)]
pub struct AutoBackup {
    pub path: PathBuf,
    /// When it was taken (UTC, RFC 3339).
    pub at: String,
    pub bytes: u64,
}

/// The automatic backups of a vault, newest first.
pub fn list(dir: &Path) -> Vec<AutoBackup> {
    let Ok(entries) = std::fs::read_dir(dir.join(BACKUP_DIR)) else { return Vec::new() };
    let mut backups: Vec<(OffsetDateTime, AutoBackup)> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let taken = parse_name(&name)?;
            let bytes = entry.metadata().ok()?.len();
            let at = taken.format(&time::format_description::well_known::Rfc3339).ok()?;
            Some((taken, AutoBackup { path: entry.path(), at, bytes }))
        })
        .collect();
    backups.sort_by_key(|b| std::cmp::Reverse(b.0));
    backups.into_iter().map(|(_, backup)| backup).collect()
}

fn parse_name(name: &str) -> Option<OffsetDateTime> {
    let stamp = name.strip_prefix("auto-")?.strip_suffix("Z.db")?;
    let format = format_description!("[year][month][day]T[hour][minute][second]");
    time::PrimitiveDateTime::parse(stamp, &format).ok().map(|t| t.assume_utc())
}

fn name_for(now: OffsetDateTime) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]");
    format!("auto-{}Z.db", now.format(&format).expect("a UTC time formats"))
}

/// Takes today's backup if the newest is a day old or there is none; keeps the newest [`KEEP`].
/// Returns the new backup, if one was taken. `GIMS_AUTO_BACKUP=0` turns this off.
///
/// The ledger is checked first (every page's HMAC and its structure): reads go on happily over
/// intact pages of a damaged file, and a backup of it would push a good one out. Damage found
/// is recorded (`damage.rs`) and comes back as `vault.corrupt`; no backup is taken, none deleted,
/// and none is taken while the record stands (then this does nothing).
pub fn run_if_due(vault: &Vault, ledger: &Ledger, now: OffsetDateTime) -> Result<Option<AutoBackup>> {
    if std::env::var("GIMS_AUTO_BACKUP").is_ok_and(|v| v.trim() == "0") {
        return Ok(None);
    }
    if super::damage::read(&vault.dir).is_some() {
        return Ok(None);
    }
    let existing = list(&vault.dir);
    let newest = existing.first().and_then(|b| b.path.file_name().and_then(|n| parse_name(&n.to_string_lossy())));
    if newest.is_some_and(|taken| now - taken < EVERY && taken <= now) {
        return Ok(None);
    }
    let started = std::time::Instant::now();
    let found = ledger.quick_check_integrity()?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "the daily check of the ledger before its backup"
    );
    if let Some(found) = found {
        let found_at = now.format(&time::format_description::well_known::Rfc3339).map_err(GimsError::internal)?;
        return Err(super::damage::record(&vault.dir, &found_at, &found)?.error());
    }
    let folder = vault.dir.join(BACKUP_DIR);
    super::create_private_dir(&folder)?;
    let target = folder.join(name_for(now));
    ledger.backup_with_own_key(&target)?;
    for old in list(&vault.dir).into_iter().skip(KEEP) {
        let _ = std::fs::remove_file(&old.path);
    }
    Ok(list(&vault.dir).into_iter().find(|b| b.path == target))
}

/// Replaces a damaged ledger with an automatic backup (the newest, or `from`): the backup is
/// copied in and checked with the vault's key first; the damaged ledger is kept beside it as
/// `ledger.db.damaged-…`. Returns the backup used and where the damaged file went.
pub fn recover(
    dir: &Path,
    key_for: impl FnOnce() -> Result<crate::ledger::DatabaseKey>,
    from: Option<&Path>,
) -> Result<(AutoBackup, Option<PathBuf>)> {
    let backup = match from {
        Some(path) => list(dir).into_iter().find(|b| b.path == path).or_else(|| {
            let bytes = std::fs::metadata(path).ok()?.len();
            Some(AutoBackup { path: path.to_path_buf(), at: String::new(), bytes })
        }),
        None => list(dir).into_iter().next(),
    }
    .ok_or_else(|| {
        GimsError::invalid("from", format!("there is no automatic backup in {}", dir.join(BACKUP_DIR).display()))
    })?;
    let staging = dir.join(format!("{LEDGER_FILE}.recovering"));
    let _ = std::fs::remove_file(&staging);
    std::fs::copy(&backup.path, &staging).map_err(|e| super::io_error("copy", &backup.path, e))?;
    let checked = Ledger::open(&staging, key_for()?).and_then(|ledger| ledger.check_integrity().map(|()| ledger));
    match checked {
        Ok(ledger) => drop(ledger),
        Err(error) => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", staging.display()));
            }
            return Err(GimsError::new(
                ErrorCode::VaultCorrupt,
                format!("{} cannot be used ({}); the ledger was left as it was", backup.path.display(), error.message),
            ));
        }
    }
    let ledger = dir.join(LEDGER_FILE);
    let stamp = OffsetDateTime::now_utc().unix_timestamp();
    let aside = dir.join(format!("{LEDGER_FILE}.damaged-{stamp}"));
    let moved = if ledger.exists() {
        std::fs::rename(&ledger, &aside).map_err(|e| super::io_error("move aside", &ledger, e))?;
        Some(aside)
    } else {
        None
    };
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("{LEDGER_FILE}{suffix}")));
        let _ = std::fs::remove_file(format!("{}{suffix}", staging.display()));
    }
    std::fs::rename(&staging, &ledger).map_err(|e| super::io_error("move into place", &staging, e))?;
    // The ledger in place passed the check above: what the daily check found is behind us.
    super::damage::clear(dir)?;
    Ok((backup, moved))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::keychain::memory::MemoryKeyStore;
    use crate::vault::{Unlock, damage};
    use time::Duration;
    use time::macros::datetime;

    #[test]
    fn a_damaged_page_stops_the_daily_backup_and_keeps_every_older_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryKeyStore::default();
        let (vault, ledger) = Vault::init(dir.path(), Unlock::Keychain(&store)).unwrap();
        ledger
            .conn
            .execute_batch(
                "CREATE TABLE filler (x);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                 INSERT INTO filler SELECT randomblob(1000) FROM n;",
            )
            .unwrap();
        let day = datetime!(2026-12-01 00:00 UTC);
        let first = run_if_due(&vault, &ledger, day).unwrap().expect("the first backup");
        assert_eq!(run_if_due(&vault, &ledger, day + Duration::hours(1)).unwrap(), None, "one a day");
        drop(ledger);

        // One byte of the last page (the filler's rows): opening and most reads never see it.
        let path = dir.path().join(LEDGER_FILE);
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.len() - 16384 + 100;
        bytes[at] ^= 0x5a;
        std::fs::write(&path, &bytes).unwrap();
        let (vault, ledger) = Vault::open(dir.path(), &store, None).unwrap();

        let error = run_if_due(&vault, &ledger, day + Duration::days(1)).unwrap_err();
        assert_eq!(error.code, ErrorCode::VaultCorrupt);
        assert!(error.message.contains("gims recover") && error.message.contains(&first.at), "{}", error.message);
        assert_eq!(list(dir.path()), vec![first.clone()], "no backup of the damaged ledger");
        let recorded = damage::read(dir.path()).expect("recorded beside the ledger");
        assert_eq!(recorded.backup.as_deref(), Some(first.path.as_path()));
        // The days after: still none taken, none deleted, until it is recovered.
        assert_eq!(run_if_due(&vault, &ledger, day + Duration::days(9)).unwrap(), None);
        assert_eq!(list(dir.path()), vec![first.clone()]);
        drop(ledger);

        let (used, aside) =
            recover(dir.path(), || crate::vault::keychain::load(&store, &vault.metadata.vault_id), None).unwrap();
        assert_eq!(used, first);
        assert_eq!(std::fs::read(aside.unwrap()).unwrap(), bytes, "the damaged ledger is kept aside");
        assert!(damage::read(dir.path()).is_none(), "cleared once a good ledger is back");
    }
}
