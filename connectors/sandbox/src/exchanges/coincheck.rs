//! Coincheck: `ACCESS-KEY`, `ACCESS-NONCE` (must grow per key) and `ACCESS-SIGNATURE` = hex
//! HMAC-SHA256(secret, nonce + full URL + body), the URL with scheme, host and query exactly as
//! requested (here `http://127.0.0.1:PORT/...`). Errors `{"success": false, "error": "…"}`:
//! "invalid authentication" (401) as in ccxt; the nonce and permission texts are not documented
//! publicly, the fake says "Nonce must be incremented" and "permission denied" (403).

use super::{ExchangeFault, Incoming, Permission, Shared, hmac_hex, json, key_secret, too_many};
use axum::http::StatusCode;
use axum::response::Response;

pub const BALANCE: &str = r#"{"success": true, "jpy": "0.8401", "btc": "7.75052654", "eth": "0", "jpy_reserved": "3000.0", "btc_reserved": "3.5002", "eth_reserved": "0", "jpy_lending": "0", "btc_lending": "0.1", "jpy_lend_in_use": "0", "btc_lend_in_use": "0.3", "jpy_lent": "0", "btc_lent": "1.2", "jpy_debt": "0", "btc_debt": "0", "jpy_tsumitate": "10000.0", "btc_tsumitate": "0.4034"}"#;

pub const TRANSACTIONS: &str = r#"{"success": true, "pagination": {"limit": 100, "order": "desc", "starting_after": null, "ending_before": null}, "data": [
  {"id": 38, "order_id": 49, "created_at": "2026-11-20T07:02:21.000Z", "funds": {"btc": "0.1", "jpy": "-4096.135"}, "pair": "btc_jpy", "rate": "40900.0", "fee_currency": "JPY", "fee": "6.135", "liquidity": "T", "side": "buy"}
]}"#;

pub const DEPOSITS_BTC: &str = r#"{"success": true, "deposits": [
  {"id": 2, "amount": "0.05", "currency": "BTC", "address": "13PhzoK8me3u5nHzzFD85qT9RqEWR9M4Ty", "status": "confirmed", "confirmed_at": "2026-11-19T02:00:00.000Z", "created_at": "2026-11-19T01:00:00.000Z"},
  {"id": 5, "amount": "1.0", "currency": "BTC", "address": "13PhzoK8me3u5nHzzFD85qT9RqEWR9M4Ty", "status": "received", "confirmed_at": null, "created_at": "2026-11-28T01:00:00.000Z"}
]}"#;

pub const SENDS_BTC: &str = r#"{"success": true, "sends": [
  {"id": 3, "amount": "0.01", "currency": "BTC", "fee": "0.0005", "address": "1v6zFvyNPgdRvhUufkRoTtgyiw1xigncc", "created_at": "2026-11-21T01:00:00.000Z"}
]}"#;

pub const WITHDRAWS: &str = r#"{"success": true, "pagination": {"limit": 25, "order": "desc", "starting_after": null, "ending_before": null}, "data": [
  {"id": 4, "status": "finished", "amount": "10000", "currency": "JPY", "created_at": "2026-11-22T01:00:00.000Z", "bank_account_id": 1, "fee": "407", "is_fast": false}
]}"#;

pub fn ticker(pair: &str) -> Option<&'static str> {
    match pair {
        "btc_jpy" => Some(
            r#"{"last": 15000000.0, "bid": 14999000.0, "ask": 15001000.0, "high": 15100000.0, "low": 14800000.0, "volume": "1234.5", "timestamp": 1795827600}"#,
        ),
        _ => None,
    }
}

fn refused(status: StatusCode, error: &str) -> Response {
    json(status, format!(r#"{{"success": false, "error": "{error}"}}"#))
}

pub fn respond(shared: &Shared, request: &Incoming) -> Response {
    match shared.fault() {
        Some(ExchangeFault::Maintenance) => return refused(StatusCode::SERVICE_UNAVAILABLE, "maintenance"),
        Some(ExchangeFault::Busy) => return too_many(r#"{"success": false, "error": "too many requests"}"#),
        _ => {}
    }
    if request.path == "/api/ticker" {
        if shared.fault() == Some(ExchangeFault::TickerDown) {
            return json(StatusCode::SERVICE_UNAVAILABLE, "");
        }
        let pair = request.query.get("pair").map(String::as_str).unwrap_or("btc_jpy");
        return match ticker(pair) {
            Some(body) => json(StatusCode::OK, body),
            None => refused(StatusCode::BAD_REQUEST, "invalid pair"),
        };
    }
    let (Some(key), Some(nonce), Some(signature)) =
        (request.header("access-key"), request.header("access-nonce"), request.header("access-signature"))
    else {
        return refused(StatusCode::UNAUTHORIZED, "invalid authentication");
    };
    let Some((secret, permission)) = key_secret(key) else {
        return refused(StatusCode::UNAUTHORIZED, "invalid authentication");
    };
    let url = format!("{}{}", shared.base_url, request.path_and_query);
    if hmac_hex(secret.as_bytes(), &format!("{nonce}{url}{}", request.body)) != signature {
        return refused(StatusCode::UNAUTHORIZED, "invalid authentication");
    }
    if !shared.accept_nonce(key, nonce) {
        return refused(StatusCode::UNAUTHORIZED, "Nonce must be incremented");
    }
    if permission == Permission::Nothing {
        return refused(StatusCode::FORBIDDEN, "permission denied");
    }
    let currency = request.query.get("currency").map(String::as_str).unwrap_or("");
    match request.path.as_str() {
        "/api/accounts/balance" => json(StatusCode::OK, BALANCE),
        "/api/exchange/orders/transactions_pagination" => json(StatusCode::OK, TRANSACTIONS),
        "/api/deposit_money" if currency == "BTC" => json(StatusCode::OK, DEPOSITS_BTC),
        "/api/deposit_money" => json(StatusCode::OK, r#"{"success": true, "deposits": []}"#),
        "/api/send_money" if currency == "BTC" => json(StatusCode::OK, SENDS_BTC),
        "/api/send_money" => json(StatusCode::OK, r#"{"success": true, "sends": []}"#),
        "/api/withdraws" => json(StatusCode::OK, WITHDRAWS),
        _ => refused(StatusCode::NOT_FOUND, "not found"),
    }
}
