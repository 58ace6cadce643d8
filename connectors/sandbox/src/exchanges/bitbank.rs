//! bitbank: ACCESS-NONCE mode (`ACCESS-KEY`, `ACCESS-NONCE`, `ACCESS-SIGNATURE` = hex
//! HMAC-SHA256(secret, nonce + path with query) for GET, nonce + body for POST) and
//! ACCESS-TIME-WINDOW mode (prefix `ACCESS-REQUEST-TIME` + `ACCESS-TIME-WINDOW`; it wins when
//! both are sent). Answers `{"success": 1, "data": …}` or `{"success": 0, "data": {"code": N}}`
//! with the codes of `errors.md`: 20003 unknown key, 20005 bad signature, 20004 bad nonce,
//! 20001 (the key may not do this: bitbank documents no separate permission code), 70004 in
//! maintenance. The public ticker lives at `/{pair}/ticker` (public.bitbank.cc).

use super::{ExchangeFault, Incoming, Permission, Shared, hmac_hex, json, key_secret, now_ms, too_many};
use axum::http::{Method, StatusCode};
use axum::response::Response;

pub const ASSETS: &str = r#"{"assets": [
  {"asset": "jpy", "free_amount": "500000.1234", "amount_precision": 4, "onhand_amount": "600000.1234", "locked_amount": "100000.0000", "withdrawing_amount": "0.0000", "withdrawal_fee": {"under": "550", "over": "770", "threshold": "30000"}, "stop_deposit": false, "stop_withdrawal": false, "collateral_ratio": "0"},
  {"asset": "btc", "free_amount": "0.50000000", "amount_precision": 8, "onhand_amount": "0.51234567", "locked_amount": "0.01234567", "withdrawing_amount": "0.00000000", "withdrawal_fee": {"min": "0.0006", "max": "0.0006"}, "stop_deposit": false, "stop_withdrawal": false, "network_list": [{"asset": "btc", "network": "btc", "stop_deposit": false, "stop_withdrawal": false, "withdrawal_fee": "0.0006"}], "collateral_ratio": "1"},
  {"asset": "eth", "free_amount": "0.00000000", "amount_precision": 8, "onhand_amount": "0.00000000", "locked_amount": "0.00000000", "withdrawing_amount": "0.00000000", "withdrawal_fee": {"min": "0.005", "max": "0.005"}, "stop_deposit": false, "stop_withdrawal": false, "collateral_ratio": "1"}
]}"#;

pub const TRADES: &str = r#"{"trades": [
  {"trade_id": 901, "pair": "btc_jpy", "order_id": 7001, "side": "buy", "type": "limit", "amount": "0.0100", "price": "15000000", "maker_taker": "maker", "fee_amount_base": "0.00000000", "fee_amount_quote": "0.0000", "fee_occurred_amount_quote": "0.0000", "executed_at": 1795136400000}
]}"#;

fn deposits(asset: &str) -> &'static str {
    match asset {
        "jpy" => {
            r#"{"deposits": [{"uuid": "d-jpy-1", "asset": "jpy", "amount": "750000.1234", "status": "DONE", "found_at": 1794963600000, "confirmed_at": 1794963600000}]}"#
        }
        "btc" => {
            r#"{"deposits": [{"uuid": "d-btc-1", "asset": "btc", "network": "btc", "amount": "0.50234567", "txid": "0f1e", "status": "DONE", "found_at": 1794963600000, "confirmed_at": 1794963600000}, {"uuid": "d-btc-2", "asset": "btc", "network": "btc", "amount": "1.0", "txid": "0f1f", "status": "FOUND", "found_at": 1795827600000, "confirmed_at": null}]}"#
        }
        _ => r#"{"deposits": []}"#,
    }
}

fn withdrawals(asset: &str) -> &'static str {
    match asset {
        "jpy" => {
            r#"{"withdrawals": [{"uuid": "w-jpy-1", "asset": "jpy", "account_uuid": "acc-1", "amount": "0", "fee": "0", "bank_name": "GIMS Bank", "status": "REJECTED", "requested_at": 1795222800000}]}"#
        }
        _ => r#"{"withdrawals": []}"#,
    }
}

pub fn ticker(pair: &str) -> Option<&'static str> {
    match pair {
        "btc_jpy" => Some(
            r#"{"success": 1, "data": {"sell": "15001000", "buy": "14999000", "high": "15100000", "low": "14800000", "open": "14900000", "last": "15000000", "vol": "120.5", "timestamp": 1795827600000}}"#,
        ),
        _ => None,
    }
}

fn failure(code: u32) -> Response {
    json(StatusCode::OK, format!(r#"{{"success": 0, "data": {{"code": {code}}}}}"#))
}

fn success(data: &str) -> Response {
    json(StatusCode::OK, format!(r#"{{"success": 1, "data": {data}}}"#))
}

pub fn respond(shared: &Shared, request: &Incoming) -> Response {
    match shared.fault() {
        Some(ExchangeFault::Maintenance) => return failure(70004),
        Some(ExchangeFault::Busy) => return too_many(r#"{"success": 0, "data": {"code": 10009}}"#),
        _ => {}
    }
    if let Some(pair) = request.path.strip_suffix("/ticker").map(|p| p.trim_start_matches('/')) {
        if shared.fault() == Some(ExchangeFault::TickerDown) {
            return json(StatusCode::SERVICE_UNAVAILABLE, "");
        }
        return match ticker(pair) {
            Some(body) => json(StatusCode::OK, body),
            None => failure(10000),
        };
    }
    if !request.path.starts_with("/v1/user/") {
        return failure(10000);
    }
    let Some(key) = request.header("access-key") else { return failure(20003) };
    let Some((secret, permission)) = key_secret(key) else { return failure(20003) };
    let signed = if request.method == Method::POST { request.body.as_str() } else { request.path_and_query.as_str() };
    let Some(signature) = request.header("access-signature") else { return failure(20005) };
    if let (Some(time), Some(window)) = (request.header("access-request-time"), request.header("access-time-window")) {
        if hmac_hex(secret.as_bytes(), &format!("{time}{window}{signed}")) != signature {
            return failure(20005);
        }
        let (Ok(time), Ok(window)) = (time.parse::<f64>(), window.parse::<f64>()) else { return failure(20004) };
        let now = now_ms();
        if !(time < now + 1000.0 && now - time <= window.min(60_000.0)) {
            return failure(20004);
        }
    } else {
        let Some(nonce) = request.header("access-nonce") else { return failure(20004) };
        if hmac_hex(secret.as_bytes(), &format!("{nonce}{signed}")) != signature {
            return failure(20005);
        }
        if !shared.accept_nonce(key, nonce) {
            return failure(20004);
        }
    }
    if permission == Permission::Nothing {
        return failure(20001);
    }
    let asset = request.query.get("asset").map(String::as_str).unwrap_or("");
    match request.path.as_str() {
        "/v1/user/assets" => success(ASSETS),
        "/v1/user/spot/trade_history" => success(TRADES),
        "/v1/user/deposit_history" if !asset.is_empty() => success(deposits(asset)),
        "/v1/user/withdrawal_history" if !asset.is_empty() => success(withdrawals(asset)),
        "/v1/user/deposit_history" | "/v1/user/withdrawal_history" => failure(30009),
        _ => failure(10000),
    }
}
