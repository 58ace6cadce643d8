//! GMO Coin: `API-KEY`, `API-TIMESTAMP` (Unix ms) and `API-SIGN` = hex HMAC-SHA256(secret,
//! timestamp + METHOD + path from `/v1/…` without `/private` and without the query + body), as
//! the official samples sign GETs. Answers `{"status": 0, "data": …, "responsetime": …}`; errors
//! `{"status": 1, "messages": [{"message_code": "ERR-…", "message_string": …}]}`: ERR-5012 key,
//! ERR-5010 signature, ERR-5009 timestamp, ERR-5003 too many requests, ERR-5201 maintenance,
//! and ERR-5204 for a key without the permission (the stored docs do not list that code).

use super::{ExchangeFault, Incoming, Permission, Shared, hmac_hex, json, key_secret};
use axum::http::{Method, StatusCode};
use axum::response::Response;

const RESPONSE_TIME: &str = "2026-11-28T01:00:00.000Z";

pub const ASSETS: &str = r#"[
  {"amount": "993982448", "available": "993982448", "conversionRate": "1", "symbol": "JPY"},
  {"amount": "4.0002", "available": "3.0002", "conversionRate": "15000000", "symbol": "BTC"},
  {"amount": "0", "available": "0", "conversionRate": "500000", "symbol": "ETH"}
]"#;

pub const EXECUTIONS_BTC: &str = r#"{"pagination": {"currentPage": 1, "count": 1}, "list": [
  {"executionId": 92123912, "orderId": 223456789, "positionId": null, "symbol": "BTC", "side": "BUY", "settleType": "OPEN", "size": "1", "price": "15000000", "lossGain": "0", "fee": "0", "timestamp": "2026-11-20T06:11:49.010Z"}
]}"#;

pub const DEPOSITS_BTC: &str = r#"[
  {"address": "xxx", "amount": "3.0002", "status": "EXECUTED", "symbol": "BTC", "timestamp": "2026-11-18T01:00:00.000Z", "txHash": "a1b2c3"}
]"#;

pub fn ticker(symbol: &str) -> Option<&'static str> {
    match symbol {
        "BTC" => Some(
            r#"[{"ask": "15001000", "bid": "14999000", "high": "15100000", "last": "15000000", "low": "14800000", "symbol": "BTC", "timestamp": "2026-11-28T01:00:00.000Z", "volume": "123.4"}]"#,
        ),
        _ => None,
    }
}

fn ok(data: &str) -> Response {
    json(StatusCode::OK, format!(r#"{{"status": 0, "data": {data}, "responsetime": "{RESPONSE_TIME}"}}"#))
}

fn error(code: &str, text: &str) -> Response {
    json(
        StatusCode::OK,
        format!(
            r#"{{"status": 1, "messages": [{{"message_code": "{code}", "message_string": "{text}"}}], "responsetime": "{RESPONSE_TIME}"}}"#
        ),
    )
}

pub fn respond(shared: &Shared, request: &Incoming) -> Response {
    match shared.fault() {
        Some(ExchangeFault::Maintenance) => {
            return json(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    r#"{{"status": 5, "messages": [{{"message_code": "ERR-5201", "message_string": "MAINTENANCE. Please wait for a while"}}], "responsetime": "{RESPONSE_TIME}"}}"#
                ),
            );
        }
        Some(ExchangeFault::Busy) => return error("ERR-5003", "Requests are too many."),
        _ => {}
    }
    if request.path == "/public/v1/ticker" {
        if shared.fault() == Some(ExchangeFault::TickerDown) {
            return json(StatusCode::SERVICE_UNAVAILABLE, "");
        }
        let symbol = request.query.get("symbol").map(String::as_str).unwrap_or("BTC");
        return match ticker(symbol) {
            Some(data) => ok(data),
            None => error("ERR-5106", "Invalid request parameter."),
        };
    }
    let Some(path) = request.path.strip_prefix("/private") else { return error("ERR-5106", "Not found.") };
    let (Some(key), Some(timestamp), Some(sign)) =
        (request.header("api-key"), request.header("api-timestamp"), request.header("api-sign"))
    else {
        return error("ERR-5011", "API-KEY is not specified.");
    };
    let Some((secret, permission)) = key_secret(key) else { return error("ERR-5012", "API authentication failed.") };
    let method = if request.method == Method::POST { "POST" } else { "GET" };
    if hmac_hex(secret.as_bytes(), &format!("{timestamp}{method}{path}{}", request.body)) != sign {
        return error("ERR-5010", "Invalid signature.");
    }
    if !shared.accept_timestamp(timestamp) {
        return error("ERR-5009", "The API-TIMESTAMP is set earlier than the current time.");
    }
    if permission == Permission::Nothing {
        return error("ERR-5204", "The API is not permitted.");
    }
    let symbol = request.query.get("symbol").map(String::as_str).unwrap_or("");
    match path {
        "/v1/account/assets" => ok(ASSETS),
        "/v1/latestExecutions" if symbol == "BTC" => ok(EXECUTIONS_BTC),
        "/v1/latestExecutions" => ok(r#"{"pagination": {"currentPage": 1, "count": 0}, "list": []}"#),
        "/v1/account/depositHistory" if symbol == "BTC" => ok(DEPOSITS_BTC),
        "/v1/account/depositHistory" | "/v1/account/withdrawalHistory"
            if !request.query.contains_key("fromTimestamp") =>
        {
            error("ERR-5106", "Invalid request parameter.")
        }
        "/v1/account/depositHistory" | "/v1/account/withdrawalHistory" => ok("[]"),
        _ => error("ERR-5106", "Invalid request parameter."),
    }
}
