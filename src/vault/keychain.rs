//! The OS keychain (Secret Service, macOS Keychain, Windows Credential Manager) through the
//! `keyring` crate. This module is the only code that talks to it.

use crate::error::{ErrorCode, GimsError, Result};
use crate::ledger::DatabaseKey;
use gims_connectors::Secret;

/// The keychain service name every GIMS entry is filed under.
pub const SERVICE: &str = "gims";

/// Where secrets are kept. The real implementation is [`SystemKeychain`]; unit tests may use an
/// in-memory one, the integration suite uses the real keychain.
pub trait KeyStore: Send + Sync {
    fn set(&self, entry: &str, secret: &Secret<String>) -> Result<(), KeyStoreError>;
    fn get(&self, entry: &str) -> Result<Secret<String>, KeyStoreError>;
    fn delete(&self, entry: &str) -> Result<(), KeyStoreError>;
}

#[derive(Debug)]
pub enum KeyStoreError {
    /// There is no such entry.
    NotFound,
    /// The keychain could not be reached or refused access; the text says why.
    Unavailable(String),
}

pub struct SystemKeychain;

impl KeyStore for SystemKeychain {
    fn set(&self, entry: &str, secret: &Secret<String>) -> Result<(), KeyStoreError> {
        system_entry(entry)?.set_password(secret.expose()).map_err(map_keyring_error)
    }

    fn get(&self, entry: &str) -> Result<Secret<String>, KeyStoreError> {
        system_entry(entry)?.get_password().map(Secret::new).map_err(map_keyring_error)
    }

    fn delete(&self, entry: &str) -> Result<(), KeyStoreError> {
        system_entry(entry)?.delete_credential().map_err(map_keyring_error)
    }
}

fn system_entry(entry: &str) -> Result<keyring::Entry, KeyStoreError> {
    keyring::Entry::new(SERVICE, entry).map_err(map_keyring_error)
}

fn map_keyring_error(error: keyring::Error) -> KeyStoreError {
    match error {
        keyring::Error::NoEntry => KeyStoreError::NotFound,
        // The platform's own words help the user (e.g. "no D-Bus session"); keyring errors never
        // contain the secret itself.
        other => KeyStoreError::Unavailable(other.to_string()),
    }
}

pub fn entry_name(vault_id: &str) -> String {
    format!("vault-key:{vault_id}")
}

fn unavailable(detail: &str) -> GimsError {
    GimsError::new(
        ErrorCode::VaultKeychainUnavailable,
        format!(
            "the OS keychain is not available ({detail}); unlock or start it (on Linux: a Secret Service such as gnome-keyring in a D-Bus session), or create a passphrase vault with `gims init --passphrase-stdin`"
        ),
    )
}

/// Stores a new vault's key and reads it back: the ledger is created only if this succeeds.
pub fn store_verified(store: &dyn KeyStore, vault_id: &str, key: &DatabaseKey) -> Result<()> {
    let entry = entry_name(vault_id);
    let encoded = Secret::new(hex::encode(key.bytes()));
    store.set(&entry, &encoded).map_err(|e| match e {
        KeyStoreError::NotFound => unavailable("the keychain refused to store the key"),
        KeyStoreError::Unavailable(detail) => unavailable(&detail),
    })?;
    let read_back = store.get(&entry);
    match read_back {
        Ok(value) if value.expose() == encoded.expose() => Ok(()),
        other => {
            let _ = store.delete(&entry);
            Err(unavailable(match other {
                Ok(_) => "the key read back from the keychain differs from the one written",
                Err(KeyStoreError::NotFound) => "the key just written could not be read back",
                Err(KeyStoreError::Unavailable(_)) => "the key just written could not be read back",
            }))
        }
    }
}

/// Loads an existing vault's key.
pub fn load(store: &dyn KeyStore, vault_id: &str) -> Result<DatabaseKey> {
    match store.get(&entry_name(vault_id)) {
        Ok(encoded) => {
            let mut bytes = [0u8; 32];
            hex::decode_to_slice(encoded.expose(), &mut bytes).map_err(|_| {
                GimsError::new(
                    ErrorCode::VaultWrongKey,
                    "the keychain entry for this vault does not hold a GIMS key; restore the vault from a backup with its passphrase",
                )
            })?;
            Ok(DatabaseKey::from_bytes(bytes))
        }
        Err(KeyStoreError::NotFound) => Err(GimsError::new(
            ErrorCode::VaultKeyNotFound,
            format!(
                "the key of this vault is not in this keychain (entry `{}` of service `{SERVICE}`); it was made on another machine or user account, or the entry was deleted. Open it where it was made, or restore a backup with its passphrase",
                entry_name(vault_id)
            ),
        )),
        Err(KeyStoreError::Unavailable(detail)) => Err(unavailable(&detail)),
    }
}

#[cfg(test)]
pub(crate) mod memory {
    //! An in-memory key store for unit tests only.
    use super::*;
    use std::collections::HashMap;
    use std::sync::Mutex;

    #[derive(Default)]
    pub struct MemoryKeyStore {
        pub entries: Mutex<HashMap<String, String>>,
        pub drop_writes: bool,
    }

    impl KeyStore for MemoryKeyStore {
        fn set(&self, entry: &str, secret: &Secret<String>) -> Result<(), KeyStoreError> {
            if !self.drop_writes {
                self.entries.lock().unwrap().insert(entry.into(), secret.expose().clone());
            }
            Ok(())
        }
        fn get(&self, entry: &str) -> Result<Secret<String>, KeyStoreError> {
            self.entries.lock().unwrap().get(entry).cloned().map(Secret::new).ok_or(KeyStoreError::NotFound)
        }
        fn delete(&self, entry: &str) -> Result<(), KeyStoreError> {
            self.entries.lock().unwrap().remove(entry).map(|_| ()).ok_or(KeyStoreError::NotFound)
        }
    }
}
