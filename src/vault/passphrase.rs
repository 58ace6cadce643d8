//! Passphrase mode: the ledger key is derived with Argon2id from a passphrase and a random salt
//! kept in `vault.json`. The derivation is deliberately slow (that is its job); the keychain mode
//! avoids it by storing the raw key.

use crate::error::{ErrorCode, GimsError, Result};
use crate::ledger::DatabaseKey;
use gims_connectors::Secret;
use serde::{Deserialize, Serialize};

/// Argon2id parameters. 64 MiB and 3 passes: a few hundred milliseconds here, costly to guess.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub algorithm: String,
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    pub salt_hex: String,
}

const MINIMUM_PASSPHRASE_CHARS: usize = 8;

impl KdfParams {
    pub fn new_random() -> Result<Self> {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|e| GimsError::internal(format!("no randomness from the OS: {e}")))?;
        Ok(KdfParams {
            algorithm: "argon2id".into(),
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 1,
            salt_hex: hex::encode(salt),
        })
    }
}

pub fn check_strength(passphrase: &Secret<String>) -> Result<()> {
    if passphrase.expose().chars().count() < MINIMUM_PASSPHRASE_CHARS {
        return Err(GimsError::invalid(
            "passphrase",
            format!("must be at least {MINIMUM_PASSPHRASE_CHARS} characters"),
        ));
    }
    Ok(())
}

pub fn derive(passphrase: &Secret<String>, params: &KdfParams) -> Result<DatabaseKey> {
    let corrupt = |what: &str| GimsError::new(ErrorCode::VaultCorrupt, format!("vault.json: {what}"));
    if params.algorithm != "argon2id" {
        return Err(corrupt("unknown key derivation algorithm"));
    }
    let salt = hex::decode(&params.salt_hex).map_err(|_| corrupt("the salt is not hex"))?;
    let argon_params = argon2::Params::new(params.memory_kib, params.iterations, params.parallelism, Some(32))
        .map_err(|_| corrupt("invalid key derivation parameters"))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, argon_params);
    let mut key = [0u8; 32];
    argon
        .hash_password_into(passphrase.expose().as_bytes(), &salt, &mut key)
        .map_err(|_| corrupt("key derivation failed"))?;
    Ok(DatabaseKey::from_bytes(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast_params(salt: &str) -> KdfParams {
        KdfParams {
            algorithm: "argon2id".into(),
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
            salt_hex: salt.into(),
        }
    }

    #[test]
    fn same_passphrase_and_salt_give_the_same_key_and_others_do_not() {
        let a = derive(&Secret::new("correct horse".into()), &fast_params("00112233445566778899aabbccddeeff")).unwrap();
        let b = derive(&Secret::new("correct horse".into()), &fast_params("00112233445566778899aabbccddeeff")).unwrap();
        let c = derive(&Secret::new("correct horsf".into()), &fast_params("00112233445566778899aabbccddeeff")).unwrap();
        let d = derive(&Secret::new("correct horse".into()), &fast_params("ff112233445566778899aabbccddeeff")).unwrap();
        assert_eq!(a.bytes(), b.bytes());
        assert_ne!(a.bytes(), c.bytes());
        assert_ne!(a.bytes(), d.bytes());
    }

    #[test]
    fn short_passphrases_are_refused() {
        let error = check_strength(&Secret::new("short".into())).unwrap_err();
        assert_eq!(error.code, ErrorCode::InputInvalid);
        assert!(error.message.starts_with("passphrase"));
    }
}
