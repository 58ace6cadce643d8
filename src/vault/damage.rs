//! The record that the daily check found the ledger damaged: `DAMAGED` in the vault folder,
//! beside the ledger and never inside it (a damaged file is no place to keep the news), so that
//! every later open — this process, the next command, the window after a restart — knows, writes
//! nothing and takes no backup, until `gims recover` puts a good ledger back and clears it.

use super::auto_backup;
use crate::error::{ErrorCode, GimsError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const DAMAGE_FILE: &str = "DAMAGED";

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Damage {
    /// When the check found it (RFC 3339, UTC).
    pub found_at: String,
    /// What the check said.
    pub detail: String,
    /// The newest automatic backup then, taken before the damage was found: what `gims recover`
    /// restores.
    pub backup: Option<PathBuf>,
    pub backup_at: Option<String>,
}

impl Damage {
    /// `vault.corrupt`, with what was found and the way back.
    pub fn error(&self) -> GimsError {
        let way_back = match (&self.backup, &self.backup_at) {
            (Some(path), Some(at)) => format!(
                "`gims recover` restores the newest good backup, taken {at} ({}), and keeps the damaged ledger aside",
                path.display()
            ),
            _ => "there is no automatic backup: restore one made with `gims backup` (`gims restore FILE`)".to_string(),
        };
        GimsError::new(
            ErrorCode::VaultCorrupt,
            format!(
                "the daily check found the ledger damaged at {} ({}); GIMS writes nothing to it and keeps every backup. {way_back}",
                self.found_at, self.detail
            ),
        )
    }
}

/// The damage recorded in this vault folder, if any.
pub fn read(dir: &Path) -> Option<Damage> {
    let text = std::fs::read_to_string(dir.join(DAMAGE_FILE)).ok()?;
    Some(serde_json::from_str(&text).unwrap_or_else(|_| Damage {
        // Unreadable, it still says the ledger was found damaged.
        found_at: String::new(),
        detail: format!("{DAMAGE_FILE} in the vault folder could not be read"),
        backup: None,
        backup_at: None,
    }))
}

/// Records damage the check found (`detail`), naming the newest backup as the way back.
pub fn record(dir: &Path, found_at: &str, detail: &str) -> Result<Damage> {
    let newest = auto_backup::list(dir).into_iter().next();
    let damage = Damage {
        found_at: found_at.to_string(),
        detail: detail.to_string(),
        backup_at: newest.as_ref().map(|b| b.at.clone()),
        backup: newest.map(|b| b.path),
    };
    let path = dir.join(DAMAGE_FILE);
    let staging = dir.join(format!("{DAMAGE_FILE}.new"));
    let text = serde_json::to_string_pretty(&damage).map_err(GimsError::internal)?;
    std::fs::write(&staging, text).map_err(|e| super::io_error("write", &staging, e))?;
    std::fs::rename(&staging, &path).map_err(|e| super::io_error("write", &path, e))?;
    Ok(damage)
}

/// After a good ledger is back in place.
pub fn clear(dir: &Path) -> Result<()> {
    match std::fs::remove_file(dir.join(DAMAGE_FILE)) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            Err(super::io_error("remove", &dir.join(DAMAGE_FILE), error))
        }
        _ => Ok(()),
    }
}
