//! GMO Coin (gmo-coin): the private REST API with a read-only API key.
//!
//! Headers `API-KEY`, `API-TIMESTAMP` (Unix milliseconds) and `API-SIGN` = hex HMAC-SHA256(secret,
//! timestamp + method + path from `/v1/…` without the `/private` prefix and without the query,
//! as the official samples sign GETs). Answers are `{"status": 0, "data": …}`; errors carry
//! `messages: [{message_code: "ERR-5012", …}]`. Balances from `/v1/account/assets` (`amount`
//! total, `available`), trades from `/v1/latestExecutions` per symbol, deposits and withdrawals
//! from `/v1/account/depositHistory` and `/v1/account/withdrawalHistory` (shapes from client
//! libraries, not the stored doc pages), yen prices from the public `/v1/ticker`.
//! Rate limit: 6 reads per second (the older, stricter doc tier).

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
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::time::Duration;

pub struct GmoCoin;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "gmo-coin",
    name: "GMOコイン",
    category: Category::Crypto,
    aliases: &["GMO Coin", "GMOコイン"],
    auth: AuthKind::ApiKey,
    fields: KEY_AND_SECRET,
    policy: API_KEY_POLICY,
    lifecycle: Lifecycle::Active,
    endpoint: "https://api.coin.z.com",
    window: None,
};

const NAME: &str = "GMO Coin";
const LIMIT: RateLimit = RateLimit { requests: 6, per: Duration::from_secs(1) };
const API_SETTINGS: &str = "https://coin.z.com/jp/member/api";
const PAGE: usize = 100;
/// Without a start date, deposits and withdrawals of the last year (the API needs a start).
const DEFAULT_HISTORY_DAYS: i64 = 365;

#[async_trait::async_trait]
impl Connector for GmoCoin {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        key_and_secret(ctx).map(drop)
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let assets: Vec<Asset> = private_get(ctx, "/v1/account/assets", "").await?;
        let balances: Vec<Balance> =
            assets.iter().map(|a| Balance::from_total(&a.symbol, a.amount.0, a.available.0)).collect();
        let start = ctx.start_date.unwrap_or(ctx.today - time::Duration::days(DEFAULT_HISTORY_DAYS));
        let from = format!("{start}T00:00:00.000Z");
        let mut movements = Vec::new();
        let mut prices = HashMap::new();
        for balance in balances.iter().filter(|b| !b.total.is_zero()) {
            let symbol = balance.currency.clone();
            if symbol != "JPY" {
                let executions: Executions =
                    private_get(ctx, "/v1/latestExecutions", &format!("?symbol={symbol}&page=1&count={PAGE}")).await?;
                for e in &executions.list {
                    let Some(date) = date_of_iso(&e.timestamp) else { continue };
                    if date < start {
                        continue;
                    }
                    let value = e.size.0 * e.price.0;
                    let fee = e.fee.map(|f| f.0).unwrap_or_default();
                    let (coin, yen) = if e.side == "BUY" { (e.size.0, -value - fee) } else { (-e.size.0, value - fee) };
                    let what = format!("{} {symbol} @ {}", e.side, e.price.0);
                    movements.push(Movement::new(
                        &symbol,
                        format!("exec-{}-{symbol}", e.execution_id.0),
                        date,
                        coin,
                        what.clone(),
                    ));
                    movements.push(Movement::new("JPY", format!("exec-{}-JPY", e.execution_id.0), date, yen, what));
                }
                if let Some(price) = ticker(ctx, &symbol).await {
                    prices.insert(symbol.clone(), price);
                }
            }
            let query = format!("?symbol={symbol}&fromTimestamp={from}");
            let deposits: Vec<Transfer> = private_get(ctx, "/v1/account/depositHistory", &query).await?;
            let withdrawals: Vec<Transfer> = private_get(ctx, "/v1/account/withdrawalHistory", &query).await?;
            for (transfers, sign, what) in
                [(deposits, Decimal::ONE, "deposit"), (withdrawals, Decimal::NEGATIVE_ONE, "withdrawal")]
            {
                for t in transfers.iter().filter(|t| t.status == "EXECUTED") {
                    let Some(date) = date_of_iso(&t.timestamp) else { continue };
                    let id = t.tx_hash.clone().unwrap_or_else(|| format!("{}-{}", t.timestamp, t.amount.0));
                    movements.push(Movement::new(
                        &symbol,
                        format!("{what}-{id}"),
                        date,
                        sign * t.amount.0,
                        what.into(),
                    ));
                }
            }
        }
        Ok(Fetched { accounts: accounts(&balances, movements, &prices, ctx.today) })
    }
}

#[derive(Deserialize)]
struct Envelope {
    status: i64,
    #[serde(default)]
    data: Option<Box<RawValue>>,
    #[serde(default)]
    messages: Vec<Message>,
}

#[derive(Deserialize)]
struct Message {
    message_code: String,
    #[serde(default)]
    message_string: String,
}

#[derive(Deserialize)]
struct Asset {
    amount: Exact,
    available: Exact,
    symbol: String,
}

#[derive(Deserialize)]
struct Executions {
    #[serde(default)]
    list: Vec<Execution>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Execution {
    execution_id: Exact,
    side: String,
    size: Exact,
    price: Exact,
    #[serde(default)]
    fee: Option<Exact>,
    timestamp: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Transfer {
    amount: Exact,
    status: String,
    timestamp: String,
    #[serde(default)]
    tx_hash: Option<String>,
}

#[derive(Deserialize)]
struct Ticker {
    last: Exact,
}

async fn ticker(ctx: &Context, symbol: &str) -> Option<Decimal> {
    let key = ctx.credential("api_key").ok()?.expose().clone();
    pace(ctx, INFO.id, &key, LIMIT).await.ok()?;
    let url = ctx.url(&format!("/public/v1/ticker?symbol={symbol}"));
    let (status, _, body) = exchange_answer(ctx, ctx.http.get(url)).await.ok()?;
    let envelope: Envelope = serde_json::from_str(&body).ok().filter(|e: &Envelope| status == 200 && e.status == 0)?;
    let tickers: Vec<Ticker> = serde_json::from_str(envelope.data?.get()).ok()?;
    tickers.first().map(|t| t.last.0).filter(|p| *p > Decimal::ZERO)
}

/// GET `/private{path}{query}`, signed over `path` alone.
async fn private_get<T: DeserializeOwned>(ctx: &mut Context, path: &str, query: &str) -> Result<T, ConnectorError> {
    let (api_key, secret) = key_and_secret(ctx)?;
    let ctx = &*ctx;
    let body = with_fresh_nonce(NAME, || async {
        pace(ctx, INFO.id, api_key.expose(), LIMIT).await?;
        let timestamp = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).to_string();
        let sign = hmac_sha256_hex(secret.expose().as_bytes(), &format!("{timestamp}GET{path}"));
        let request = ctx
            .http
            .get(ctx.url(&format!("/private{path}{query}")))
            .header("API-KEY", api_key.expose().as_str())
            .header("API-TIMESTAMP", timestamp)
            .header("API-SIGN", sign);
        let (status, retry_after, body) = exchange_answer(ctx, request).await?;
        if status == 429 {
            return Err(Refusal::Error(busy(NAME, retry_after.as_deref())));
        }
        if status == 503 {
            return Err(Refusal::Error(maintenance(NAME)));
        }
        let envelope: Envelope = parse_json(NAME, path, &body)?;
        if envelope.status == 0 {
            return Ok(envelope.data.map(|d| d.get().to_string()).unwrap_or_else(|| "null".into()));
        }
        let first = envelope.messages.first();
        Err(refusal(
            first.map(|m| m.message_code.as_str()).unwrap_or(""),
            first.map(|m| m.message_string.as_str()).unwrap_or(""),
        ))
    })
    .await?;
    parse_json(NAME, path, &body)
}

/// GMO Coin's `ERR-…` codes as what they mean for the user.
fn refusal(code: &str, text: &str) -> Refusal {
    Refusal::Error(match code {
        // API-TIMESTAMP too far from the server's clock: retried once with a fresh one.
        "ERR-5008" | "ERR-5009" => return Refusal::Nonce,
        "ERR-5003" => busy(NAME, None),
        "ERR-5201" | "ERR-5202" => maintenance(NAME),
        "ERR-5010" | "ERR-5011" | "ERR-5012" => bad_key(NAME, &format!("{code} {text}")),
        "ERR-5204" => {
            missing_permission(NAME, "read permission for this call (資産残高, 約定情報, 入出金履歴)", API_SETTINGS)
        }
        "ERR-5014" => ConnectorError::ActionRequired {
            message: "GMO Coin asks you to accept its member agreement before the API can be used".into(),
            url: Some("https://coin.z.com/jp/member/".into()),
        },
        _ => ConnectorError::Network(format!("{NAME} answered {code} {text}; try again later")),
    })
}
