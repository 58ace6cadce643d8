//! One GIMS at a time per vault. Every process that opens a vault holds an exclusive lock on
//! `instance.lock` in its folder for as long as it has the vault open (the OS releases it when
//! the process ends, however it ends). A second process waits a little for the first to finish
//! (a CLI command usually does) and is then refused with `vault.in_use`, naming the holder; it
//! never writes beside it. Within one process, opening the same vault again shares the lock.

use crate::error::{ErrorCode, GimsError, Result};
use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

pub const LOCK_FILE: &str = "instance.lock";

/// How long a second process waits by default; `GIMS_LOCK_WAIT_SECS` overrides it.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

#[derive(Debug)]
pub struct VaultLock {
    _file: File,
    path: PathBuf,
}

static HELD: Mutex<Option<HashMap<PathBuf, Weak<VaultLock>>>> = Mutex::new(None);

/// Takes the vault's lock (or shares this process's), waiting up to the configured time.
pub fn acquire(dir: &Path) -> Result<Arc<VaultLock>> {
    let path = dir.join(LOCK_FILE);
    let key = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let mut held = HELD.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let held = held.get_or_insert_with(HashMap::new);
    if let Some(lock) = held.get(&key).and_then(Weak::upgrade) {
        return Ok(lock);
    }
    let wait = std::env::var("GIMS_LOCK_WAIT_SECS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_WAIT);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| super::io_error("open", &path, e))?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if started.elapsed() < wait => std::thread::sleep(Duration::from_millis(100)),
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let who = if holder.is_empty() { "another GIMS process".to_string() } else { holder.to_string() };
                return Err(GimsError::new(
                    ErrorCode::VaultInUse,
                    format!(
                        "{who} has this vault open ({}); close it or wait for it to finish, then try again. Nothing was changed",
                        dir.display()
                    ),
                ));
            }
            Err(TryLockError::Error(e)) => return Err(super::io_error("lock", &path, e)),
        }
    }
    // Who holds it, for the message a second process shows.
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let program = std::env::current_exe()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "gims".into());
    let _ = write!(file, "{program} (process {})", std::process::id());
    let _ = file.flush();
    let lock = Arc::new(VaultLock { _file: file, path });
    held.insert(key, Arc::downgrade(&lock));
    Ok(lock)
}

/// Present while a process has the ledger open; left behind when one stops unexpectedly.
pub const OPEN_MARKER: &str = "ledger.open";

impl VaultLock {
    fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// Whether this process already had the vault open before this holder.
    pub fn shared(self: &Arc<Self>) -> bool {
        Arc::strong_count(self) > 1
    }

    pub fn open_marker_present(&self) -> bool {
        self.dir().join(OPEN_MARKER).exists()
    }

    pub fn set_open_marker(&self) -> Result<()> {
        let marker = self.dir().join(OPEN_MARKER);
        std::fs::write(&marker, format!("process {}\n", std::process::id()))
            .map_err(|e| super::io_error("write", &marker, e))
    }

    pub fn clear_open_marker(&self) {
        let _ = std::fs::remove_file(self.dir().join(OPEN_MARKER));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_process_shares_its_lock_and_releases_it_with_the_last_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = acquire(dir.path()).unwrap();
        let second = acquire(dir.path()).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        // Another open file description (as another process would have) cannot take it.
        let other = OpenOptions::new().write(true).open(dir.path().join(LOCK_FILE)).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop((first, second));
        other.try_lock().unwrap();
    }
}
