//! The vault: a folder holding the encrypted ledger, and the key that opens it.
//!
//! The key is 256 random bits kept in the OS keychain (one entry per vault), or — for machines
//! without a keychain — derived from a passphrase with Argon2id. `vault.json` beside the ledger
//! says which, and holds no secret. There is no plaintext mode and no fallback to one.
//!
//! Order matters at `init`: the key is written to the keychain and *read back* before the
//! ledger is created with it, and nothing is ever created over an existing vault, so a keychain
//! that silently drops writes cannot leave a ledger nobody can open.

pub mod auto_backup;
pub mod credentials;
pub mod damage;
pub(crate) mod keychain;
pub mod lock;
mod metadata;
mod passphrase;

pub use keychain::{KeyStore, KeyStoreError, SystemKeychain};
pub use metadata::{KeySource, VaultMetadata};

use crate::error::{ErrorCode, GimsError, Result};
use crate::ledger::{DatabaseKey, Ledger};
use gims_connectors::Secret;
use std::path::{Path, PathBuf};

pub const LEDGER_FILE: &str = "ledger.db";
pub const METADATA_FILE: &str = "vault.json";

/// How the caller wants the key of a new vault kept, or how it unlocks an existing one.
pub enum Unlock<'a> {
    Keychain(&'a dyn KeyStore),
    Passphrase(Secret<String>),
}

#[derive(Debug)]
pub struct Vault {
    pub dir: PathBuf,
    pub metadata: VaultMetadata,
}

impl Vault {
    pub fn ledger_path(&self) -> PathBuf {
        self.dir.join(LEDGER_FILE)
    }

    /// Creates a new vault in `dir` and returns it with its empty ledger.
    pub fn init(dir: &Path, unlock: Unlock<'_>) -> Result<(Vault, Ledger)> {
        Vault::create(dir, unlock, Ledger::create)
    }

    /// Creates a new vault in `dir` from a backup and the backup's passphrase. The new vault gets
    /// its own key (keychain or passphrase), as at `init`.
    pub fn restore(
        dir: &Path,
        unlock: Unlock<'_>,
        backup: &Path,
        backup_passphrase: &Secret<String>,
    ) -> Result<(Vault, Ledger)> {
        Vault::create(dir, unlock, |path, key| Ledger::restore_from(backup, backup_passphrase, path, key))
    }

    fn create(
        dir: &Path,
        unlock: Unlock<'_>,
        make_ledger: impl FnOnce(&Path, DatabaseKey) -> Result<Ledger>,
    ) -> Result<(Vault, Ledger)> {
        let ledger_path = dir.join(LEDGER_FILE);
        let metadata_path = dir.join(METADATA_FILE);
        if ledger_path.exists() || metadata_path.exists() {
            return Err(GimsError::new(
                ErrorCode::VaultAlreadyExists,
                format!(
                    "a vault already exists at {}; nothing was changed (use it, or choose another folder with --vault)",
                    dir.display()
                ),
            ));
        }
        let vault_id = uuid::Uuid::new_v4().to_string();
        let mut keychain_used: Option<&dyn KeyStore> = None;
        let (metadata, key) = match unlock {
            Unlock::Keychain(store) => {
                keychain_used = Some(store);
                let key = DatabaseKey::random()?;
                keychain::store_verified(store, &vault_id, &key)?;
                (VaultMetadata::keychain(vault_id.clone()), key)
            }
            Unlock::Passphrase(passphrase) => {
                passphrase::check_strength(&passphrase)?;
                let kdf = passphrase::KdfParams::new_random()?;
                let key = passphrase::derive(&passphrase, &kdf)?;
                (VaultMetadata::passphrase(vault_id.clone(), kdf), key)
            }
        };
        let mut metadata = metadata;
        metadata.key_check = Some(key_check(&key));
        let created = create_private_dir(dir).and_then(|()| lock::acquire(dir)).and_then(|lock| {
            make_ledger(&ledger_path, key)
                .and_then(|ledger| metadata.write(&metadata_path).map(|()| ledger))
                .map(|ledger| (lock, ledger))
        });
        match created {
            Ok((lock, mut ledger)) => {
                lock.set_open_marker()?;
                ledger.hold(lock);
                Ok((Vault { dir: dir.to_path_buf(), metadata }, ledger))
            }
            Err(error) => {
                // Leave nothing half-made: no ledger without its key, no key without its ledger.
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(dir.join(format!("{LEDGER_FILE}{suffix}")));
                }
                let _ = std::fs::remove_file(&metadata_path);
                let _ = std::fs::remove_file(dir.join(lock::LOCK_FILE));
                if let Some(store) = keychain_used {
                    let _ = store.delete(&keychain::entry_name(&vault_id));
                }
                Err(error)
            }
        }
    }

    /// Opens an existing vault. The key comes from the keychain or the passphrase, whichever the
    /// vault was made with; a missing key is an error, never a reason to make a new ledger.
    pub fn open(dir: &Path, store: &dyn KeyStore, passphrase: Option<Secret<String>>) -> Result<(Vault, Ledger)> {
        let metadata = VaultMetadata::read(&dir.join(METADATA_FILE))?;
        let lock = lock::acquire(dir)?;
        let ledger_path = dir.join(LEDGER_FILE);
        // A process that stopped unexpectedly leaves its write-ahead log, holding its latest
        // commits, for the next open to replay. Gone, those commits are lost: say so, write nothing.
        let wal = dir.join(format!("{LEDGER_FILE}-wal"));
        if !lock.shared() && lock.open_marker_present() && !wal.exists() && ledger_path.exists() {
            let backup = auto_backup::list(dir).into_iter().next();
            return Err(GimsError::new(
                ErrorCode::VaultCorrupt,
                format!(
                    "GIMS stopped unexpectedly last time, and the ledger's write-ahead log ({}), which held its latest changes, has since been deleted: those changes are lost and the ledger may be inconsistent. Nothing was written. {}",
                    wal.display(),
                    match backup {
                        Some(backup) => format!(
                            "Recover with `gims recover` (the automatic backup of {}), or keep the ledger as it is with `gims recover --keep-current`",
                            backup.at
                        ),
                        None => "Keep the ledger as it is with `gims recover --keep-current`, or restore a backup with `gims restore`".into(),
                    }
                ),
            ));
        }
        if !ledger_path.exists() {
            return Err(GimsError::new(
                ErrorCode::VaultCorrupt,
                format!(
                    "{} is missing although {} describes a vault; restore it from a backup",
                    ledger_path.display(),
                    METADATA_FILE
                ),
            ));
        }
        let (key, key_verified) = load_key(&metadata, store, passphrase)?;
        let ledger = Ledger::open(&ledger_path, key).map_err(|error| match error.code {
            // The key is right, so the file is what is wrong.
            ErrorCode::VaultWrongKey if key_verified => GimsError::new(
                ErrorCode::VaultCorrupt,
                format!(
                    "{} is damaged (its first page fails its integrity check); nothing was written to it. Restore it with `gims restore` from a backup",
                    ledger_path.display()
                ),
            ),
            _ => error,
        });
        let ledger = ledger.map_err(|mut error| {
            if error.code == ErrorCode::VaultCorrupt
                && let Some(newest) = auto_backup::list(dir).into_iter().next()
            {
                error.message.push_str(&format!(
                    ". An automatic backup from {} can replace it: `gims recover` (the damaged file is kept aside)",
                    newest.at
                ));
            }
            error
        })?;
        let mut ledger = ledger;
        if damage::read(dir).is_some() {
            // Found damaged: read, never written, until `gims recover`.
            ledger.refuse_writes()?;
        }
        if !lock.shared() {
            lock.set_open_marker()?;
        }
        ledger.hold(lock);
        Ok((Vault { dir: dir.to_path_buf(), metadata }, ledger))
    }

    /// Replaces a damaged ledger with an automatic backup (the newest, or `from`), checked
    /// with the vault's key before anything is moved.
    pub fn recover(
        dir: &Path,
        store: &dyn KeyStore,
        passphrase: Option<Secret<String>>,
        from: Option<&Path>,
    ) -> Result<(auto_backup::AutoBackup, Option<PathBuf>)> {
        let metadata = VaultMetadata::read(&dir.join(METADATA_FILE))?;
        let lock = lock::acquire(dir)?;
        let recovered = auto_backup::recover(dir, || load_key(&metadata, store, passphrase).map(|(key, _)| key), from)?;
        lock.clear_open_marker();
        Ok(recovered)
    }

    /// Keeps a ledger whose write-ahead log was lost as it is, once every page checks out.
    pub fn keep_current(dir: &Path, store: &dyn KeyStore, passphrase: Option<Secret<String>>) -> Result<()> {
        let metadata = VaultMetadata::read(&dir.join(METADATA_FILE))?;
        let lock = lock::acquire(dir)?;
        let (key, _) = load_key(&metadata, store, passphrase)?;
        let ledger = Ledger::open(&dir.join(LEDGER_FILE), key)?;
        ledger.check_integrity()?;
        drop(ledger);
        // Every page checks out: whatever an earlier check recorded no longer holds.
        damage::clear(dir)?;
        lock.clear_open_marker();
        Ok(())
    }
}

/// The vault's key from the keychain or the passphrase, checked against `key_check` when the
/// vault has one (the flag says whether it was).
fn load_key(
    metadata: &VaultMetadata,
    store: &dyn KeyStore,
    passphrase: Option<Secret<String>>,
) -> Result<(DatabaseKey, bool)> {
    let key = match (&metadata.key_source, passphrase) {
        (KeySource::Keychain, _) => keychain::load(store, &metadata.vault_id)?,
        (KeySource::Passphrase, Some(passphrase)) => {
            let kdf = metadata.kdf.as_ref().ok_or_else(|| {
                GimsError::new(ErrorCode::VaultCorrupt, format!("{METADATA_FILE} has no key derivation parameters"))
            })?;
            passphrase::derive(&passphrase, kdf)?
        }
        (KeySource::Passphrase, None) => {
            return Err(GimsError::new(
                ErrorCode::VaultWrongKey,
                "this vault is locked with a passphrase: pass --passphrase-stdin and type it on standard input",
            ));
        }
    };
    let key_verified = match &metadata.key_check {
        Some(expected) if *expected != key_check(&key) => {
            return Err(GimsError::new(
                ErrorCode::VaultWrongKey,
                match metadata.key_source {
                    KeySource::Passphrase => "the passphrase is wrong".to_string(),
                    KeySource::Keychain => {
                        "the key in the keychain is not this vault's key; restore the vault from a backup".to_string()
                    }
                },
            ));
        }
        Some(_) => true,
        None => false,
    };
    Ok((key, key_verified))
}

/// 8 bytes of SHA-256 over a label and the key, hex.
fn key_check(key: &DatabaseKey) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::new().chain_update(b"gims vault key check v1").chain_update(key.bytes()).finalize();
    hex::encode(&digest[..8])
}

/// Passphrases (a vault's, a backup's) have a minimum length.
pub fn check_passphrase_strength(passphrase: &Secret<String>) -> Result<()> {
    passphrase::check_strength(passphrase)
}

/// The vault folder is readable by its owner only: the ledger is encrypted, but its size and
/// timestamps are nobody else's business either.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| io_error("create the vault folder", dir, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| io_error("restrict access to", dir, e))?;
    }
    Ok(())
}

pub(crate) fn io_error(doing: &str, path: &Path, error: std::io::Error) -> GimsError {
    GimsError::new(ErrorCode::VaultIo, format!("could not {doing} {}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::keychain::memory::MemoryKeyStore;
    use super::*;

    #[test]
    fn a_keychain_that_drops_the_key_leaves_no_ledger_behind() {
        let dir = tempfile::tempdir().unwrap();
        let vault_dir = dir.path().join("vault");
        let store = MemoryKeyStore { drop_writes: true, ..Default::default() };
        let error = Vault::init(&vault_dir, Unlock::Keychain(&store)).err().unwrap();
        assert_eq!(error.code, ErrorCode::VaultKeychainUnavailable);
        assert!(!vault_dir.join(LEDGER_FILE).exists());
        assert!(!vault_dir.join(METADATA_FILE).exists());
    }

    #[test]
    fn a_vault_reopens_with_its_key_and_never_gets_a_new_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = MemoryKeyStore::default();
        let (vault, ledger) = Vault::init(dir.path(), Unlock::Keychain(&store)).unwrap();
        drop(ledger);
        assert_eq!(store.entries.lock().unwrap().len(), 1);
        let error = Vault::init(dir.path(), Unlock::Keychain(&store)).err().unwrap();
        assert_eq!(error.code, ErrorCode::VaultAlreadyExists);
        assert_eq!(store.entries.lock().unwrap().len(), 1, "no second key was made");
        Vault::open(dir.path(), &store, None).unwrap();
        store.entries.lock().unwrap().clear();
        let error = Vault::open(dir.path(), &store, None).err().unwrap();
        assert_eq!(error.code, ErrorCode::VaultKeyNotFound);
        assert!(error.message.contains(&vault.metadata.vault_id));
    }

    #[cfg(unix)]
    #[test]
    fn the_vault_folder_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let vault_dir = dir.path().join("vault");
        let store = MemoryKeyStore::default();
        drop(Vault::init(&vault_dir, Unlock::Keychain(&store)).unwrap());
        let mode = std::fs::metadata(&vault_dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
