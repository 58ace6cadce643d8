//! Local fakes of the crypto exchanges and of the SimpleFIN bridge, each on its own loopback
//! port. They check requests as the real services do — the signature over exactly the documented
//! string, the nonce (greater than the last one of the key) or timestamp (within 5 minutes), the
//! headers — and answer in the real response shapes and with the real error codes
//! (`shared/reference/connector-protocols.md`; where the reference is unsure, the choice is said
//! in the exchange's module). Their data is fixed: tests compare against the constants there.
//!
//! Three keys exist at every exchange: [`READ_KEY`] (read-only, as GIMS recommends),
//! [`NO_PERMISSION_KEY`] (may read nothing) and [`TRADING_KEY`] (may also trade and withdraw).
//! Faults (`ExchangeFault`) make a fake refuse a nonce once, hold nonces ahead of any client,
//! go into maintenance, answer 429 or lose its ticker.

pub mod bitbank;
pub mod bitflyer;
pub mod btcbox;
pub mod coincheck;
pub mod gmo_coin;
pub mod simplefin;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

pub const READ_KEY: &str = "gims-read-key";
pub const READ_SECRET: &str = "gims-read-secret";
pub const NO_PERMISSION_KEY: &str = "gims-no-permission-key";
pub const NO_PERMISSION_SECRET: &str = "gims-no-permission-secret";
pub const TRADING_KEY: &str = "gims-trading-key";
pub const TRADING_SECRET: &str = "gims-trading-secret";

/// How far a timestamp may be from the fake's clock (bitFlyer, GMO Coin).
const TIMESTAMP_WINDOW_MS: f64 = 5.0 * 60.0 * 1000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exchange {
    Bitflyer,
    Bitbank,
    Btcbox,
    Coincheck,
    GmoCoin,
    Simplefin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangeFault {
    /// The next signed request is refused as a replayed nonce (or a stale timestamp), once:
    /// what a parallel request with the same key causes.
    ReplayOnce,
    /// Another client used this key with nonces far ahead: every nonce is refused.
    NonceAhead,
    Maintenance,
    /// HTTP 429 with `Retry-After: 120`.
    Busy,
    /// The public ticker answers 503; private calls work.
    TickerDown,
}

/// What a key may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    Read,
    Nothing,
    Trade,
}

pub fn key_secret(key: &str) -> Option<(&'static str, Permission)> {
    match key {
        READ_KEY => Some((READ_SECRET, Permission::Read)),
        NO_PERMISSION_KEY => Some((NO_PERMISSION_SECRET, Permission::Nothing)),
        TRADING_KEY => Some((TRADING_SECRET, Permission::Trade)),
        _ => None,
    }
}

#[derive(Default)]
pub struct FakeState {
    pub last_nonce: HashMap<String, f64>,
    pub fault: Option<ExchangeFault>,
    /// `METHOD path?query` of every request, oldest first.
    pub requests: Vec<String>,
    /// SimpleFIN tokens already claimed.
    pub claimed: HashSet<String>,
}

pub struct Shared {
    pub exchange: Exchange,
    pub base_url: String,
    pub state: Mutex<FakeState>,
}

impl Shared {
    pub fn state(&self) -> std::sync::MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A nonce must be greater than the last one the key used.
    pub fn accept_nonce(&self, key: &str, nonce: &str) -> bool {
        let Ok(value) = nonce.trim().parse::<f64>() else { return false };
        let mut state = self.state();
        match state.fault {
            Some(ExchangeFault::ReplayOnce) => {
                state.fault = None;
                state.last_nonce.insert(key.to_string(), value);
                return false;
            }
            Some(ExchangeFault::NonceAhead) => return false,
            _ => {}
        }
        let last = state.last_nonce.get(key).copied().unwrap_or(0.0);
        if value <= last {
            return false;
        }
        state.last_nonce.insert(key.to_string(), value);
        true
    }

    /// A timestamp (Unix seconds or milliseconds, integer or decimal) close to now.
    pub fn accept_timestamp(&self, timestamp: &str) -> bool {
        let Ok(mut value) = timestamp.trim().parse::<f64>() else { return false };
        if value < 100_000_000_000.0 {
            value *= 1000.0;
        }
        let mut state = self.state();
        if state.fault == Some(ExchangeFault::ReplayOnce) {
            state.fault = None;
            return false;
        }
        if state.fault == Some(ExchangeFault::NonceAhead) {
            return false;
        }
        (now_ms() - value).abs() <= TIMESTAMP_WINDOW_MS
    }

    pub fn fault(&self) -> Option<ExchangeFault> {
        self.state().fault
    }
}

pub fn now_ms() -> f64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as f64
}

/// One request as a fake sees it.
pub struct Incoming {
    pub method: Method,
    pub path: String,
    /// The path with its query, as sent.
    pub path_and_query: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: String,
}

impl Incoming {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub fn hmac_hex(key: &[u8], message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

pub fn json(status: StatusCode, body: impl Into<String>) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.into()).into_response()
}

pub fn too_many(body: &str) -> Response {
    let mut response = json(StatusCode::TOO_MANY_REQUESTS, body.to_string());
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("120"));
    response
}

impl Exchange {
    /// Every fake, for a demo that serves them all.
    pub const ALL: [Exchange; 6] = [
        Exchange::Bitflyer,
        Exchange::Bitbank,
        Exchange::Btcbox,
        Exchange::Coincheck,
        Exchange::GmoCoin,
        Exchange::Simplefin,
    ];

    /// The catalog id of the institution this fakes.
    pub fn institution_id(self) -> &'static str {
        match self {
            Exchange::Bitflyer => "bitflyer",
            Exchange::Bitbank => "bitbank",
            Exchange::Btcbox => "btcbox",
            Exchange::Coincheck => "coincheck",
            Exchange::GmoCoin => "gmo-coin",
            Exchange::Simplefin => "simplefin",
        }
    }
}

/// Every fake serving on its own loopback port (the demo's exchanges): `(institution id, base URL)`.
pub struct RunningExchanges {
    fakes: Vec<(&'static str, RunningFake)>,
}

impl RunningExchanges {
    pub async fn serve_all() -> std::io::Result<RunningExchanges> {
        let mut fakes = Vec::new();
        for exchange in Exchange::ALL {
            fakes.push((exchange.institution_id(), FakeExchange::serve(exchange).await?));
        }
        Ok(RunningExchanges { fakes })
    }

    /// `(institution id, http://127.0.0.1:PORT)` of each fake.
    pub fn endpoints(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.fakes.iter().map(|(id, fake)| (*id, fake.base_url.as_str()))
    }
}

/// A fake, not yet listening.
pub struct FakeExchange;

impl FakeExchange {
    /// Binds a free loopback port and serves `exchange` there until dropped.
    pub async fn serve(exchange: Exchange) -> std::io::Result<RunningFake> {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let shared = Arc::new(Shared { exchange, base_url: base_url.clone(), state: Mutex::new(FakeState::default()) });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(RunningFake { base_url, shared, stop: Some(stop) })
    }
}

/// A listening fake. Dropping it stops the server.
pub struct RunningFake {
    /// `http://127.0.0.1:PORT`: what `GIMS_ENDPOINT_<ID>` is set to.
    pub base_url: String,
    pub shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
}

impl RunningFake {
    pub fn set_fault(&self, fault: Option<ExchangeFault>) {
        self.shared.state().fault = fault;
    }

    pub fn requests(&self) -> Vec<String> {
        self.shared.state().requests.clone()
    }

    pub fn last_nonce(&self, key: &str) -> Option<f64> {
        self.shared.state().last_nonce.get(key).copied()
    }

    /// Pretends the key already used `nonce` (another client, or an earlier run).
    pub fn set_last_nonce(&self, key: &str, nonce: f64) {
        self.shared.state().last_nonce.insert(key.to_string(), nonce);
    }
}

impl Drop for RunningFake {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path_and_query = uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| uri.path().to_string());
    let query = uri
        .query()
        .map(|q| {
            q.split('&')
                .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default();
    shared.state().requests.push(format!("{method} {path_and_query}"));
    let incoming = Incoming {
        method,
        path: uri.path().to_string(),
        path_and_query,
        query,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    match shared.exchange {
        Exchange::Bitflyer => bitflyer::respond(&shared, &incoming),
        Exchange::Bitbank => bitbank::respond(&shared, &incoming),
        Exchange::Btcbox => btcbox::respond(&shared, &incoming),
        Exchange::Coincheck => coincheck::respond(&shared, &incoming),
        Exchange::GmoCoin => gmo_coin::respond(&shared, &incoming),
        Exchange::Simplefin => simplefin::respond(&shared, &incoming),
    }
}
