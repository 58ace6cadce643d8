//! bitFlyer Lightning: `ACCESS-KEY`, `ACCESS-TIMESTAMP`, `ACCESS-SIGN` = hex HMAC-SHA256(secret,
//! timestamp + METHOD + path with query + body) and `Content-Type: application/json` on every
//! private call. Errors are non-2xx with `{"status": -500, "error_message": …, "data": null}`;
//! the full code table is not public, so the fake uses status -500 with the messages seen in
//! client libraries ("Key not found", "Invalid signature", "Permission denied") and HTTP 401/403,
//! "Invalid timestamp" for a stale timestamp, and 503 in maintenance.

use super::{ExchangeFault, Incoming, Permission, Shared, hmac_hex, json, key_secret, too_many};
use axum::http::{Method, StatusCode};
use axum::response::Response;

/// What GIMS needs to read.
pub const READ_PERMISSIONS: &[&str] = &[
    "/v1/me/getpermissions",
    "/v1/me/getbalance",
    "/v1/me/getbalancehistory",
    "/v1/me/getcollateral",
    "/v1/me/getexecutions",
    "/v1/me/getcoinins",
    "/v1/me/getcoinouts",
    "/v1/me/getdeposits",
    "/v1/me/getwithdrawals",
];
pub const TRADE_PERMISSIONS: &[&str] = &["/v1/me/sendchildorder", "/v1/me/cancelchildorder", "/v1/me/withdraw"];

pub const BALANCE: &str = r#"[
  {"currency_code": "JPY", "amount": 1024078, "available": 508000},
  {"currency_code": "BTC", "amount": 10.24, "available": 4.12},
  {"currency_code": "ETH", "amount": 20.48, "available": 16.38},
  {"currency_code": "XRP", "amount": 0, "available": 0}
]"#;

/// Per currency, newest first: `amount` is the signed change of that currency.
fn history(currency: &str) -> &'static str {
    match currency {
        "JPY" => {
            r#"[
  {"id": 3003, "trade_date": "2026-11-21T01:00:00.000", "event_date": "2026-11-21T01:00:00.000", "product_code": "", "currency_code": "JPY", "trade_type": "WITHDRAW", "price": 0, "amount": -10000, "quantity": 10000, "commission": 0, "balance": 1024078, "order_id": "MWD20261121-000003"},
  {"id": 3002, "trade_date": "2026-11-20T01:00:00.000", "event_date": "2026-11-20T01:00:00.000", "product_code": "BTC_JPY", "currency_code": "JPY", "trade_type": "BUY", "price": 15000000, "amount": -150000, "quantity": 0.01, "commission": 0, "balance": 1034078, "order_id": "JOR20261120-000002"},
  {"id": 3001, "trade_date": "2026-11-18T01:00:00.000", "event_date": "2026-11-18T01:00:00.000", "product_code": "", "currency_code": "JPY", "trade_type": "DEPOSIT", "price": 0, "amount": 1184078, "quantity": 1184078, "commission": 0, "balance": 1184078, "order_id": "MDP20261118-000001"}
]"#
        }
        "BTC" => {
            r#"[
  {"id": 3004, "trade_date": "2026-11-20T01:00:00.000", "event_date": "2026-11-20T01:00:00.000", "product_code": "BTC_JPY", "currency_code": "BTC", "trade_type": "BUY", "price": 15000000, "amount": 0.01, "quantity": 0.01, "commission": 0, "balance": 10.24, "order_id": "JOR20261120-000002"},
  {"id": 3000, "trade_date": "2026-11-18T01:00:00.000", "event_date": "2026-11-18T01:00:00.000", "product_code": "", "currency_code": "BTC", "trade_type": "DEPOSIT", "price": 0, "amount": 10.23, "quantity": 10.23, "commission": 0, "balance": 10.23, "order_id": "MDP20261118-000000"}
]"#
        }
        "ETH" => {
            r#"[
  {"id": 2999, "trade_date": "2026-11-18T01:00:00.000", "event_date": "2026-11-18T01:00:00.000", "product_code": "", "currency_code": "ETH", "trade_type": "DEPOSIT", "price": 0, "amount": 20.48, "quantity": 20.48, "commission": 0, "balance": 20.48, "order_id": "MDP20261118-000099"}
]"#
        }
        _ => "[]",
    }
}

pub fn ticker(product: &str) -> Option<&'static str> {
    match product {
        "BTC_JPY" => Some(
            r#"{"product_code": "BTC_JPY", "state": "RUNNING", "timestamp": "2026-11-28T01:00:00.000", "ltp": 15000000.0, "best_bid": 14999000, "best_ask": 15001000}"#,
        ),
        "ETH_JPY" => Some(
            r#"{"product_code": "ETH_JPY", "state": "RUNNING", "timestamp": "2026-11-28T01:00:00.000", "ltp": 500000.5, "best_bid": 500000, "best_ask": 500001}"#,
        ),
        _ => None,
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    json(status, format!(r#"{{"status": -500, "error_message": "{message}", "data": null}}"#))
}

pub fn respond(shared: &Shared, request: &Incoming) -> Response {
    match shared.fault() {
        Some(ExchangeFault::Maintenance) => return error(StatusCode::SERVICE_UNAVAILABLE, "Under maintenance"),
        Some(ExchangeFault::Busy) => {
            return too_many(r#"{"status": -1, "error_message": "Over API limit per period", "data": null}"#);
        }
        _ => {}
    }
    if request.path == "/v1/ticker" {
        if shared.fault() == Some(ExchangeFault::TickerDown) {
            return error(StatusCode::SERVICE_UNAVAILABLE, "Service unavailable");
        }
        return match request.query.get("product_code").and_then(|p| ticker(p)) {
            Some(body) => json(StatusCode::OK, body),
            None => error(StatusCode::BAD_REQUEST, "Invalid product"),
        };
    }
    if !request.path.starts_with("/v1/me/") {
        return error(StatusCode::NOT_FOUND, "Not found");
    }
    if request.header("content-type") != Some("application/json") {
        return error(StatusCode::BAD_REQUEST, "Content-Type must be application/json");
    }
    let (Some(key), Some(timestamp), Some(sign)) =
        (request.header("access-key"), request.header("access-timestamp"), request.header("access-sign"))
    else {
        return error(StatusCode::UNAUTHORIZED, "Key not found");
    };
    let Some((secret, permission)) = key_secret(key) else { return error(StatusCode::UNAUTHORIZED, "Key not found") };
    let method = if request.method == Method::POST { "POST" } else { "GET" };
    let expected =
        hmac_hex(secret.as_bytes(), &format!("{timestamp}{method}{}{}", request.path_and_query, request.body));
    if expected != sign {
        return error(StatusCode::UNAUTHORIZED, "Invalid signature");
    }
    if !shared.accept_timestamp(timestamp) {
        return error(StatusCode::UNAUTHORIZED, "Invalid timestamp");
    }
    let mut allowed: Vec<&str> = match permission {
        Permission::Nothing => vec!["/v1/me/getpermissions"],
        Permission::Read => READ_PERMISSIONS.to_vec(),
        Permission::Trade => READ_PERMISSIONS.iter().chain(TRADE_PERMISSIONS).copied().collect(),
    };
    allowed.dedup();
    if !allowed.contains(&request.path.as_str()) {
        return error(StatusCode::FORBIDDEN, "Permission denied");
    }
    match request.path.as_str() {
        "/v1/me/getpermissions" => json(StatusCode::OK, serde_json::to_string(&allowed).expect("strings serialise")),
        "/v1/me/getbalance" => json(StatusCode::OK, BALANCE),
        "/v1/me/getbalancehistory" => {
            let currency = request.query.get("currency_code").map(String::as_str).unwrap_or("JPY");
            let count: usize = request.query.get("count").and_then(|c| c.parse().ok()).unwrap_or(100);
            let before: Option<i64> = request.query.get("before").and_then(|b| b.parse().ok());
            let rows: Vec<serde_json::Value> = serde_json::from_str(history(currency)).expect("fixture");
            let page: Vec<serde_json::Value> = rows
                .into_iter()
                .filter(|row| before.is_none_or(|b| row["id"].as_i64().unwrap_or(0) < b))
                .take(count)
                .collect();
            // serde_json's f64 printing keeps these fixture values (10.23, 0.01, 20.48) as written.
            json(StatusCode::OK, serde_json::to_string(&page).expect("rows serialise"))
        }
        _ => json(StatusCode::OK, "[]"),
    }
}
