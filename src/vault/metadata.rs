//! `vault.json`: which key source opens this vault, and the KDF parameters for a passphrase.
//! It holds no secret: it is safe to read, copy and back up.

use super::io_error;
use super::passphrase::KdfParams;
use crate::error::{ErrorCode, GimsError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeySource {
    Keychain,
    Passphrase,
}

impl KeySource {
    pub fn as_str(self) -> &'static str {
        match self {
            KeySource::Keychain => "keychain",
            KeySource::Passphrase => "passphrase",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VaultMetadata {
    pub format: u32,
    pub vault_id: String,
    pub key_source: KeySource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<KdfParams>,
    /// A short hash of the ledger key: tells "this is the wrong key" apart from "the ledger file
    /// is damaged" (both look the same to SQLCipher). It reveals nothing of a random 256-bit key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_check: Option<String>,
}

const FORMAT: u32 = 1;

impl VaultMetadata {
    pub fn keychain(vault_id: String) -> Self {
        VaultMetadata { format: FORMAT, vault_id, key_source: KeySource::Keychain, kdf: None, key_check: None }
    }

    pub fn passphrase(vault_id: String, kdf: KdfParams) -> Self {
        VaultMetadata { format: FORMAT, vault_id, key_source: KeySource::Passphrase, kdf: Some(kdf), key_check: None }
    }

    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                let dir = path.parent().unwrap_or(path);
                GimsError::new(
                    ErrorCode::VaultNotFound,
                    format!("there is no vault at {}; create one with `gims init`", dir.display()),
                )
            } else {
                io_error("read", path, e)
            }
        })?;
        let metadata: VaultMetadata = serde_json::from_str(&text)
            .map_err(|e| GimsError::new(ErrorCode::VaultCorrupt, format!("{} is not valid: {e}", path.display())))?;
        if metadata.format > FORMAT {
            return Err(GimsError::new(
                ErrorCode::VaultNewerSchema,
                format!("{} was written by a newer GIMS; update GIMS to open it", path.display()),
            ));
        }
        Ok(metadata)
    }

    /// Written to a temporary file and renamed into place, so it is whole or absent.
    pub fn write(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(GimsError::internal)?;
        let temporary = path.with_extension("json.tmp");
        std::fs::write(&temporary, text).map_err(|e| io_error("write", &temporary, e))?;
        std::fs::rename(&temporary, path).map_err(|e| io_error("write", path, e))
    }
}
