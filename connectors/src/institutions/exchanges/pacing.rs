//! Each exchange's published rate limit, kept per API key: at most `requests` in any `per`
//! window. A run that would exceed it waits (cancellation still wins) instead of being refused.

use crate::context::Context;
use crate::error::ConnectorError;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub requests: usize,
    pub per: Duration,
}

static WINDOWS: Mutex<Option<HashMap<String, VecDeque<Instant>>>> = Mutex::new(None);

/// Waits until one more request to `exchange` with `api_key` stays within `limit`.
pub async fn pace(ctx: &Context, exchange: &str, api_key: &str, limit: RateLimit) -> Result<(), ConnectorError> {
    let key = format!("{exchange}:{:x}", fold(api_key));
    loop {
        let wait = {
            let mut guard = WINDOWS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            let window = guard.get_or_insert_with(HashMap::new).entry(key.clone()).or_default();
            let now = Instant::now();
            while window.front().is_some_and(|sent| now.duration_since(*sent) >= limit.per) {
                window.pop_front();
            }
            if window.len() < limit.requests {
                window.push_back(now);
                return Ok(());
            }
            limit.per - now.duration_since(*window.front().expect("a full window has a first request"))
        };
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = ctx.cancel.cancelled() => return Err(ConnectorError::Cancelled),
        }
    }
}

/// A cheap fingerprint of the key (windows are per key; the key is not kept).
fn fold(text: &str) -> usize {
    text.bytes().fold(0usize, |hash, byte| hash.wrapping_mul(31).wrapping_add(byte as usize))
}
