//! The SimpleFIN bridge (protocol v1): `POST /simplefin/claim/{token}` answers the Access URL
//! as plain text (`http://user:pass@host/simplefin`) once per token (403 after, and for unknown
//! tokens); `GET /simplefin/accounts` needs HTTP Basic auth from that URL (403 otherwise) and
//! filters transactions by `start-date` (inclusive) and `end-date` (exclusive), pending ones
//! only with `pending=1`. The answer has an `errors` array of strings a person can read.

use super::{ExchangeFault, Incoming, Shared, json};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use base64::Engine;

/// The one token the fake knows.
pub const TOKEN_ID: &str = "gims-demo";
pub const ACCESS_USER: &str = "gims-user";
pub const ACCESS_PASSWORD: &str = "gims-p@ss";
pub const ERROR: &str = "Example Bank: the connection needs your attention at the bank";

/// The SimpleFIN Token for `base_url`: Base64 of its claim URL.
pub fn setup_token(base_url: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{base_url}/simplefin/claim/{TOKEN_ID}"))
}

const ACCOUNTS: &str = r#"[
  {"org": {"domain": "example.com", "name": "Example Bank", "sfin-url": "https://bridge.simplefin.org/simplefin"},
   "id": "ACT-1", "name": "Checking", "currency": "USD", "balance": "1234.56", "available-balance": "1200.00", "balance-date": 1795827600,
   "transactions": [
     {"id": "TX-1", "posted": 1794963600, "amount": "2000.00", "description": "Payroll"},
     {"id": "TX-2", "posted": 1795136400, "amount": "-765.44", "description": "Rent"},
     {"id": "TX-3", "posted": 0, "amount": "-12.34", "description": "Coffee (pending)", "pending": true}
   ]},
  {"org": {"domain": "example.com", "name": "Example Bank", "sfin-url": "https://bridge.simplefin.org/simplefin"},
   "id": "ACT-2", "name": "Savings", "currency": "USD", "balance": "10000.005", "balance-date": 1795827600,
   "transactions": [
     {"id": "TX-4", "posted": 1795222800, "amount": "0.005", "description": "Interest"}
   ]}
]"#;

pub fn respond(shared: &Shared, request: &Incoming) -> Response {
    match shared.fault() {
        Some(ExchangeFault::Maintenance) => return json(StatusCode::SERVICE_UNAVAILABLE, ""),
        Some(ExchangeFault::Busy) => return super::too_many(""),
        _ => {}
    }
    if let Some(token) = request.path.strip_prefix("/simplefin/claim/") {
        if request.method != Method::POST || token != TOKEN_ID || !shared.state().claimed.insert(token.to_string()) {
            return plain(StatusCode::FORBIDDEN, "Forbidden");
        }
        let host = shared.base_url.trim_start_matches("http://");
        let password = ACCESS_PASSWORD.replace('@', "%40");
        return plain(StatusCode::OK, &format!("http://{ACCESS_USER}:{password}@{host}/simplefin"));
    }
    if request.path != "/simplefin/accounts" {
        return plain(StatusCode::NOT_FOUND, "Not found");
    }
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCESS_USER}:{ACCESS_PASSWORD}"))
    );
    if request.header("authorization") != Some(expected.as_str()) {
        return plain(StatusCode::FORBIDDEN, "Forbidden");
    }
    let bound = |name: &str| request.query.get(name).and_then(|v| v.parse::<i64>().ok());
    let (start, end, pending) =
        (bound("start-date"), bound("end-date"), request.query.get("pending").is_some_and(|p| p == "1"));
    let mut accounts: Vec<serde_json::Value> = serde_json::from_str(ACCOUNTS).expect("fixture");
    for account in &mut accounts {
        if let Some(list) = account["transactions"].as_array_mut() {
            list.retain(|t| {
                let posted = t["posted"].as_i64().unwrap_or(0);
                let is_pending = t["pending"].as_bool().unwrap_or(false);
                (pending || !is_pending)
                    && start.is_none_or(|s| posted >= s || is_pending)
                    && end.is_none_or(|e| posted < e)
            });
        }
    }
    let body = serde_json::json!({ "errors": [ERROR], "accounts": accounts });
    json(StatusCode::OK, body.to_string())
}

fn plain(status: StatusCode, text: &str) -> Response {
    use axum::response::IntoResponse;
    (status, [(axum::http::header::CONTENT_TYPE, "text/plain")], text.to_string()).into_response()
}
