//! bitFlyer (bitflyer): the HTTP private API with a read-only API key.
//!
//! Every private call carries `ACCESS-KEY`, `ACCESS-TIMESTAMP` (Unix milliseconds, as the
//! official Node sample sends) and `ACCESS-SIGN` = hex HMAC-SHA256(secret, timestamp + method +
//! path with query + body). The login reads `/v1/me/getpermissions`: a key that cannot read
//! balances is refused with the permission to enable, and a key that can also trade or withdraw
//! gets a notice recommending a read-only key. Balances come from `/v1/me/getbalance`, history
//! from `/v1/me/getbalancehistory` per currency (every trade, fee, deposit and withdrawal, with
//! ids; `amount` is the signed change of that currency), yen prices from `/v1/ticker`.
//! Rate limit: 500 private calls per 5 minutes.

use super::decimal::Exact;
use super::pacing::{RateLimit, pace};
use super::signing::hmac_sha256_hex;
use super::{
    API_KEY_POLICY, Balance, KEY_AND_SECRET, Movement, Refusal, accounts, bad_key, busy, date_of_iso, exchange_answer,
    key_and_secret, maintenance, missing_permission, parse_json, with_fresh_nonce,
};
use crate::context::Context;
use crate::contract::{Category, Connector, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::AuthKind;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use std::time::Duration;

pub struct Bitflyer;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "bitflyer",
    name: "bitFlyer",
    category: Category::Crypto,
    aliases: &["ビットフライヤー", "bitFlyer Lightning"],
    auth: AuthKind::ApiKey,
    fields: KEY_AND_SECRET,
    policy: API_KEY_POLICY,
    lifecycle: Lifecycle::Active,
    endpoint: "https://api.bitflyer.com",
    window: None,
};

const NAME: &str = "bitFlyer";
const LIMIT: RateLimit = RateLimit { requests: 500, per: Duration::from_secs(300) };
const API_SETTINGS: &str = "https://lightning.bitflyer.com/developer";
/// History pages: the API's maximum count.
const PAGE: usize = 100;
/// A history longer than this many pages per currency is an API that never ends.
const MAX_PAGES: usize = 500;
/// Endpoints a key should not have for GIMS: trading and moving money out.
const RISKY: &[&str] = &[
    "/v1/me/sendchildorder",
    "/v1/me/sendparentorder",
    "/v1/me/cancelchildorder",
    "/v1/me/withdraw",
    "/v1/me/sendcoin",
];

#[async_trait::async_trait]
impl Connector for Bitflyer {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        let body = private_get(ctx, "/v1/me/getpermissions").await?;
        let permissions: Vec<String> = parse_json(NAME, "getpermissions", &body)?;
        for needed in ["/v1/me/getbalance", "/v1/me/getbalancehistory"] {
            if !permissions.iter().any(|p| p == needed) {
                return Err(missing_permission(
                    NAME,
                    &format!("「{}」", needed.trim_start_matches("/v1/me/")),
                    API_SETTINGS,
                ));
            }
        }
        let risky: Vec<&str> = RISKY
            .iter()
            .copied()
            .filter(|r| permissions.iter().any(|p| p == r))
            .map(|r| r.trim_start_matches("/v1/me/"))
            .collect();
        if !risky.is_empty() {
            ctx.notice(format!(
                "This bitFlyer API key can also trade or move money ({}). GIMS only reads: issue a read-only key (balances and history only) and edit the login",
                risky.join(", ")
            ));
        }
        Ok(())
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let body = private_get(ctx, "/v1/me/getbalance").await?;
        let balances: Vec<BalanceRow> = parse_json(NAME, "getbalance", &body)?;
        let balances: Vec<Balance> =
            balances.iter().map(|b| Balance::from_total(&b.currency_code, b.amount.0, b.available.0)).collect();
        let mut movements = Vec::new();
        let mut prices = HashMap::new();
        for balance in balances.iter().filter(|b| !b.total.is_zero()) {
            movements.extend(history(ctx, &balance.currency).await?);
            if balance.currency != "JPY"
                && let Some(price) = ticker(ctx, &balance.currency).await
            {
                prices.insert(balance.currency.clone(), price);
            }
        }
        Ok(Fetched { accounts: accounts(&balances, movements, &prices, ctx.today) })
    }
}

#[derive(Deserialize)]
struct BalanceRow {
    currency_code: String,
    amount: Exact,
    available: Exact,
}

#[derive(Deserialize)]
struct HistoryRow {
    id: i64,
    event_date: String,
    #[serde(default)]
    product_code: Option<String>,
    trade_type: String,
    amount: Exact,
}

#[derive(Deserialize)]
struct Ticker {
    ltp: Exact,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    status: Option<i64>,
    #[serde(default)]
    error_message: Option<String>,
}

/// Every movement of `currency` since the start date, newest page first (`before` = ids).
async fn history(ctx: &mut Context, currency: &str) -> Result<Vec<Movement>, ConnectorError> {
    let start = ctx.start_date;
    let mut movements = Vec::new();
    let mut before: Option<i64> = None;
    for _ in 0..MAX_PAGES {
        let mut path = format!("/v1/me/getbalancehistory?currency_code={currency}&count={PAGE}");
        if let Some(id) = before {
            path.push_str(&format!("&before={id}"));
        }
        let body = private_get(ctx, &path).await?;
        let rows: Vec<HistoryRow> = parse_json(NAME, "getbalancehistory", &body)?;
        let full = rows.len() >= PAGE;
        let mut reached_start = false;
        for row in &rows {
            let date = date_of_iso(&row.event_date)
                .ok_or_else(|| super::changed(NAME, "getbalancehistory", format!("event_date `{}`", row.event_date)))?;
            if start.is_some_and(|s| date < s) {
                reached_start = true;
                continue;
            }
            let what = match &row.product_code {
                Some(product) if !product.is_empty() => format!("{} {product}", row.trade_type),
                _ => row.trade_type.clone(),
            };
            movements.push(Movement::new(currency, format!("{currency}-{}", row.id), date, row.amount.0, what));
        }
        before = rows.iter().map(|r| r.id).min();
        if !full || reached_start || before.is_none() {
            return Ok(movements);
        }
    }
    Err(super::changed(NAME, "getbalancehistory", format!("more than {MAX_PAGES} pages")))
}

/// The last traded price of `currency` in yen, or `None` when the ticker cannot tell.
async fn ticker(ctx: &Context, currency: &str) -> Option<Decimal> {
    let api_key = ctx.credential("api_key").ok()?.expose().clone();
    pace(ctx, INFO.id, &api_key, LIMIT).await.ok()?;
    let url = ctx.url(&format!("/v1/ticker?product_code={currency}_JPY"));
    let (status, _, body) = exchange_answer(ctx, ctx.http.get(url)).await.ok()?;
    if status != 200 {
        return None;
    }
    serde_json::from_str::<Ticker>(&body).ok().map(|t| t.ltp.0).filter(|p| *p > Decimal::ZERO)
}

async fn private_get(ctx: &mut Context, path_and_query: &str) -> Result<String, ConnectorError> {
    let (api_key, secret) = key_and_secret(ctx)?;
    let ctx = &*ctx;
    with_fresh_nonce(NAME, || async {
        pace(ctx, INFO.id, api_key.expose(), LIMIT).await?;
        let timestamp = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).to_string();
        let sign = hmac_sha256_hex(secret.expose().as_bytes(), &format!("{timestamp}GET{path_and_query}"));
        let request = ctx
            .http
            .get(ctx.url(path_and_query))
            .header("ACCESS-KEY", api_key.expose().as_str())
            .header("ACCESS-TIMESTAMP", timestamp)
            .header("ACCESS-SIGN", sign)
            .header("Content-Type", "application/json");
        let (status, retry_after, body) = exchange_answer(ctx, request).await?;
        if (200..300).contains(&status) {
            return Ok(body);
        }
        Err(refusal(status, retry_after.as_deref(), &body))
    })
    .await
}

/// A non-2xx answer: `{"status": -500, "error_message": "...", "data": null}`.
fn refusal(status: u16, retry_after: Option<&str>, body: &str) -> Refusal {
    let error: Option<ErrorBody> = serde_json::from_str(body).ok();
    let message = error.as_ref().and_then(|e| e.error_message.clone()).unwrap_or_default();
    let code = error.as_ref().and_then(|e| e.status).unwrap_or(0);
    let lower = message.to_ascii_lowercase();
    if lower.contains("timestamp") || lower.contains("nonce") {
        return Refusal::Nonce;
    }
    Refusal::Error(match status {
        429 => busy(NAME, retry_after),
        503 => maintenance(NAME),
        _ if lower.contains("maintenance") => maintenance(NAME),
        _ if lower.contains("permission") => missing_permission(NAME, "needed", API_SETTINGS),
        401 | 403 => bad_key(NAME, &format!("{status} {message}")),
        _ if lower.contains("key") || lower.contains("signature") => bad_key(NAME, &message),
        _ => ConnectorError::Network(format!("{NAME} answered {status} ({code} {message}); try again later")),
    })
}
