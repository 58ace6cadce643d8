//! BTCBOX: private calls are form POSTs with `key`, `nonce`, the call's parameters and last
//! `signature` = hex HMAC-SHA256 over the form before it, in the order sent, keyed with the
//! lowercase hex MD5 of the secret. Nonces (integers or decimals) must grow per key. Errors are
//! HTTP 200 `{"result": false, "code": "104"}`: 104 signature or key, 105 permission, 106 nonce,
//! 402 too many requests. Responses sometimes start with whitespace, as ccxt notes; so do the
//! fake's. Maintenance answers 503 (the real page is HTML).

use super::{ExchangeFault, Incoming, Permission, Shared, hmac_hex, json, key_secret};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use md5::{Digest, Md5};

pub const BALANCE: &str = r#"
{"uid": 8, "nameauth": 1, "moflag": 1, "btc_balance": 0.5, "btc_lock": 0.1, "bch_balance": 0, "bch_lock": 0, "ltc_balance": 0, "ltc_lock": 0, "eth_balance": 2.25, "eth_lock": 0, "doge_balance": 0, "doge_lock": 0, "dot_balance": 0, "dot_lock": 0, "trx_balance": 0, "trx_lock": 0, "jpy_balance": 100000, "jpy_lock": 5000}"#;

fn trade_list(coin: &str) -> &'static str {
    match coin {
        "btc" => {
            r#" [
  {"id": "11", "datetime": "2026-11-20 10:00:00", "type": "buy", "price": 15000000, "amount_original": 0.1, "amount_outstanding": 0, "status": "all"},
  {"id": "12", "datetime": "2026-11-21 10:00:00", "type": "sell", "price": 16000000, "amount_original": 0.2, "amount_outstanding": 0.2, "status": "no"},
  {"id": "13", "datetime": "2026-11-22 10:00:00", "type": "sell", "price": 16000000, "amount_original": 0.1, "amount_outstanding": 0.05, "status": "cancelled"}
]"#
        }
        _ => "[]",
    }
}

pub fn ticker(coin: &str) -> Option<&'static str> {
    match coin {
        "btc" => Some(
            r#"{"high": 15100000, "low": 14800000, "buy": 14999000, "sell": 15001000, "last": 15000000, "vol": 12.3}"#,
        ),
        "eth" => Some(r#"{"high": 510000, "low": 490000, "buy": 499000, "sell": 501000, "last": 500000, "vol": 45.6}"#),
        _ => None,
    }
}

fn refused(code: &str) -> Response {
    json(StatusCode::OK, format!(r#"{{"result": false, "code": "{code}"}}"#))
}

pub fn respond(shared: &Shared, request: &Incoming) -> Response {
    match shared.fault() {
        Some(ExchangeFault::Maintenance) => return json(StatusCode::SERVICE_UNAVAILABLE, ""),
        Some(ExchangeFault::Busy) => return refused("402"),
        _ => {}
    }
    if request.path == "/api/v1/ticker" {
        if shared.fault() == Some(ExchangeFault::TickerDown) {
            return json(StatusCode::SERVICE_UNAVAILABLE, "");
        }
        let coin = request.query.get("coin").map(String::as_str).unwrap_or("btc");
        return match ticker(coin) {
            Some(body) => json(StatusCode::OK, body),
            None => refused("1"),
        };
    }
    if request.method != Method::POST || !request.path.starts_with("/api/v1/") {
        return json(StatusCode::NOT_FOUND, "");
    }
    let is_form = request.header("content-type").is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let Some((unsigned, signature)) = request.body.rsplit_once("&signature=").filter(|_| is_form) else {
        return refused("104");
    };
    let params: Vec<(&str, &str)> = unsigned.split('&').filter_map(|pair| pair.split_once('=')).collect();
    let param = |name: &str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
    let (Some(key), Some(nonce)) = (param("key"), param("nonce")) else { return refused("104") };
    let Some((secret, permission)) = key_secret(key) else { return refused("104") };
    let hmac_key = hex::encode(Md5::digest(secret.as_bytes()));
    if hmac_hex(hmac_key.as_bytes(), unsigned) != signature {
        return refused("104");
    }
    if !shared.accept_nonce(key, nonce) {
        return refused("106");
    }
    if permission == Permission::Nothing {
        return refused("105");
    }
    match request.path.as_str() {
        "/api/v1/balance" => json(StatusCode::OK, BALANCE),
        "/api/v1/trade_list" => json(StatusCode::OK, trade_list(param("coin").unwrap_or("btc"))),
        "/api/v1/wallet" => json(StatusCode::OK, r#"{"result": true, "address": "1GimsFakeAddress"}"#),
        _ => refused("1"),
    }
}
