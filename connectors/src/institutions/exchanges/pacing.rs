//! Each exchange's published rate limit, kept per API key: at most `requests` in any `per`
//! window. A run that would exceed it waits (cancellation still wins) instead of being refused.

use crate::context::Context;
use crate::error::ConnectorError;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub requests: usize,
    pub per: Duration,
}

static WINDOWS: Mutex<Option<HashMap<String, VecDeque<Instant>>>> = Mutex::new(None);

/// Waits until one more request to `exchange` with `api_key` stays within `limit`.
pub async fn pace(ctx: &Context, exchange: &str, api_key: &str, limit: RateLimit) -> Result<(), ConnectorError> {
    pace_until_cancelled(&ctx.cancel, exchange, api_key, limit).await
}

async fn pace_until_cancelled(
    cancel: &CancellationToken,
    exchange: &str,
    api_key: &str,
    limit: RateLimit,
) -> Result<(), ConnectorError> {
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
            () = cancel.cancelled() => return Err(ConnectorError::Cancelled),
        }
    }
}

/// A cheap fingerprint of the key (windows are per key; the key is not kept).
fn fold(text: &str) -> usize {
    text.bytes().fold(0usize, |hash, byte| hash.wrapping_mul(31).wrapping_add(byte as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_window_waits_and_keys_do_not_share_one() {
        let limit = RateLimit { requests: 2, per: Duration::from_millis(300) };
        let cancel = CancellationToken::new();
        let started = Instant::now();
        for _ in 0..2 {
            pace_until_cancelled(&cancel, "test", "key-a", limit).await.unwrap();
        }
        assert!(started.elapsed() < Duration::from_millis(100), "two fit in the window");
        pace_until_cancelled(&cancel, "test", "key-b", limit).await.unwrap();
        assert!(started.elapsed() < Duration::from_millis(100), "another key has its own window");
        pace_until_cancelled(&cancel, "test", "key-a", limit).await.unwrap();
        assert!(started.elapsed() >= Duration::from_millis(290), "the third waits for the first to leave the window");
        cancel.cancel();
        pace_until_cancelled(&cancel, "test", "key-a", limit).await.unwrap();
        let error = pace_until_cancelled(&cancel, "test", "key-a", limit).await.unwrap_err();
        assert_eq!(error, ConnectorError::Cancelled);
    }
}
