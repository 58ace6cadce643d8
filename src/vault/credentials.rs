//! A connection's login (ID, password, API keys, tokens) in the OS keychain: one entry per
//! connection, holding a JSON object of its fields. Never in the ledger, never in a log.

use super::keychain::{KeyStore, KeyStoreError};
use crate::error::{ErrorCode, GimsError, Result};
use gims_connectors::Secret;
use std::collections::HashMap;

pub type Credentials = HashMap<String, Secret<String>>;

pub fn entry_name(vault_id: &str, connection_id: i64) -> String {
    format!("connection:{vault_id}:{connection_id}")
}

fn unavailable(detail: &str) -> GimsError {
    GimsError::new(
        ErrorCode::VaultKeychainUnavailable,
        format!(
            "the OS keychain is not available ({detail}); logins are kept only there. Unlock or start it and try again"
        ),
    )
}

pub fn store(store: &dyn KeyStore, vault_id: &str, connection_id: i64, credentials: &Credentials) -> Result<()> {
    let object: serde_json::Map<String, serde_json::Value> = credentials
        .iter()
        .map(|(field, value)| (field.clone(), serde_json::Value::String(value.expose().clone())))
        .collect();
    let encoded = Secret::new(serde_json::Value::Object(object).to_string());
    store.set(&entry_name(vault_id, connection_id), &encoded).map_err(|e| match e {
        KeyStoreError::NotFound => unavailable("the keychain refused to store the login"),
        KeyStoreError::Unavailable(detail) => unavailable(&detail),
    })
}

pub fn load(store: &dyn KeyStore, vault_id: &str, connection_id: i64) -> Result<Credentials> {
    match store.get(&entry_name(vault_id, connection_id)) {
        Ok(encoded) => {
            let parsed: HashMap<String, String> = serde_json::from_str(encoded.expose()).map_err(|_| {
                GimsError::new(
                    ErrorCode::AuthBadCredentials,
                    "the saved login of this connection is unreadable; enter it again with `gims edit ID --credentials-stdin`",
                )
            })?;
            Ok(parsed.into_iter().map(|(field, value)| (field, Secret::new(value))).collect())
        }
        // A connection without stored fields (an OAuth link before its first consent).
        Err(KeyStoreError::NotFound) => Ok(Credentials::new()),
        Err(KeyStoreError::Unavailable(detail)) => Err(unavailable(&detail)),
    }
}

pub fn delete(store: &dyn KeyStore, vault_id: &str, connection_id: i64) -> Result<()> {
    match store.delete(&entry_name(vault_id, connection_id)) {
        Ok(()) | Err(KeyStoreError::NotFound) => Ok(()),
        Err(KeyStoreError::Unavailable(detail)) => Err(unavailable(&detail)),
    }
}

/// An institution's session (its cookies after a successful login), kept so that an unattended
/// refresh can continue it instead of logging in — which for some institutions means a
/// one-time password. Kept in the keychain beside the login, with the time it was saved.
pub fn session_entry_name(vault_id: &str, connection_id: i64) -> String {
    format!("session:{vault_id}:{connection_id}")
}

pub fn store_session(
    store: &dyn KeyStore,
    vault_id: &str,
    connection_id: i64,
    cookies: &Secret<String>,
    saved_at: time::OffsetDateTime,
) -> Result<()> {
    let value = serde_json::json!({ "cookies": cookies.expose(), "saved_at": saved_at.unix_timestamp() });
    store.set(&session_entry_name(vault_id, connection_id), &Secret::new(value.to_string())).map_err(|e| match e {
        KeyStoreError::NotFound => unavailable("the keychain refused to store the session"),
        KeyStoreError::Unavailable(detail) => unavailable(&detail),
    })
}

/// The saved session if it is younger than `max_age`; older or unreadable ones are ignored.
pub fn load_session(
    store: &dyn KeyStore,
    vault_id: &str,
    connection_id: i64,
    now: time::OffsetDateTime,
    max_age: time::Duration,
) -> Option<Secret<String>> {
    let saved = store.get(&session_entry_name(vault_id, connection_id)).ok()?;
    let value: serde_json::Value = serde_json::from_str(saved.expose()).ok()?;
    let saved_at = time::OffsetDateTime::from_unix_timestamp(value["saved_at"].as_i64()?).ok()?;
    if now - saved_at > max_age {
        return None;
    }
    value["cookies"].as_str().map(|cookies| Secret::new(cookies.to_string()))
}

pub fn delete_session(store: &dyn KeyStore, vault_id: &str, connection_id: i64) -> Result<()> {
    match store.delete(&session_entry_name(vault_id, connection_id)) {
        Ok(()) | Err(KeyStoreError::NotFound) => Ok(()),
        Err(KeyStoreError::Unavailable(detail)) => Err(unavailable(&detail)),
    }
}

#[cfg(test)]
mod tests {
    use super::super::keychain::memory::MemoryKeyStore;
    use super::*;

    #[test]
    fn a_login_round_trips_and_is_deleted() {
        let keys = MemoryKeyStore::default();
        let mut login = Credentials::new();
        login.insert("login_id".into(), Secret::new("taro".into()));
        login.insert("password".into(), Secret::new("p\"w\\ö".into()));
        store(&keys, "v", 3, &login).unwrap();
        let loaded = load(&keys, "v", 3).unwrap();
        assert_eq!(loaded["password"].expose(), "p\"w\\ö");
        assert!(load(&keys, "v", 4).unwrap().is_empty());
        delete(&keys, "v", 3).unwrap();
        assert!(load(&keys, "v", 3).unwrap().is_empty());
        delete(&keys, "v", 3).unwrap();
    }
}
