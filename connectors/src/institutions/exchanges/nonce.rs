//! Nonces that only ever go up, per API key, across runs and restarts.
//!
//! An exchange (bitbank, BTCBOX, Coincheck) rejects a nonce not greater than the last one it saw
//! for the key. GIMS takes `max(now in milliseconds, last used + 1)`, where "last used" is the
//! larger of (a) this process's memory of the key, so two runs in one process never collide, and
//! (b) the last nonce of a successful run, which the connector keeps as the login's `nonce`
//! field (`Context::keep_credential`): the engine saves it in the keychain with the login, so a
//! clock that went back, or a restart within the same millisecond, still moves forward.

use crate::context::Context;
use crate::secret::Secret;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;

/// The login field the last nonce is kept under.
pub const FIELD: &str = "nonce";

static LAST_IN_PROCESS: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);

/// The next nonce for `api_key` at `exchange`, remembered in this run's kept login.
pub fn next(ctx: &mut Context, exchange: &str, api_key: &str) -> u64 {
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    next_after(ctx, exchange, api_key, u64::try_from(now).unwrap_or(0))
}

/// `next` with the clock given: what the unit tests drive.
pub fn next_after(ctx: &mut Context, exchange: &str, api_key: &str, now_ms: u64) -> u64 {
    let persisted = |value: Option<&Secret<String>>| value.and_then(|v| v.expose().trim().parse::<u64>().ok());
    let kept = persisted(ctx.kept_credential(FIELD)).max(persisted(ctx.credential(FIELD).ok()));
    let key = key_id(exchange, api_key);
    let mut guard = LAST_IN_PROCESS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let memory = guard.get_or_insert_with(HashMap::new);
    let last = kept.max(memory.get(&key).copied());
    let nonce = match last {
        Some(last) => now_ms.max(last + 1),
        None => now_ms,
    };
    memory.insert(key, nonce);
    drop(guard);
    ctx.keep_credential(FIELD, Secret::new(nonce.to_string()));
    nonce
}

/// The key's identity in memory: a hash, so the key itself is not kept around.
fn key_id(exchange: &str, api_key: &str) -> String {
    format!("{exchange}:{}", hex::encode(&Sha256::digest(api_key.as_bytes())[..12]))
}
