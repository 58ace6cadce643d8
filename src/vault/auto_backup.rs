//! Automatic backups: once a day, the first time the vault is opened, the whole ledger is
//! exported (`sqlcipher_export`, a consistent snapshot, never a file copy of a live database)
//! into `backups/auto-YYYYMMDDTHHMMSSZ.db`, encrypted with the ledger's own key — so they restore
//! on this machine without a passphrase — and the newest seven are kept. A ledger found damaged
//! is recovered from the newest good one with `gims recover`, the damaged file kept aside.
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
pub fn run_if_due(vault: &Vault, ledger: &Ledger, now: OffsetDateTime) -> Result<Option<AutoBackup>> {
    if std::env::var("GIMS_AUTO_BACKUP").is_ok_and(|v| v.trim() == "0") {
        return Ok(None);
    }
    let existing = list(&vault.dir);
    let newest = existing.first().and_then(|b| b.path.file_name().and_then(|n| parse_name(&n.to_string_lossy())));
    if newest.is_some_and(|taken| now - taken < EVERY && taken <= now) {
        return Ok(None);
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
    Ok((backup, moved))
}
