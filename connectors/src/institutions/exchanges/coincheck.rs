//! Coincheck (coincheck): the exchange API with a read-only API key.
//!
//! Headers `ACCESS-KEY`, `ACCESS-NONCE` (strictly increasing per key: see `nonce`) and
//! `ACCESS-SIGNATURE` = hex HMAC-SHA256(secret, nonce + the full URL requested, scheme and host
//! included + body). Balances from `/api/accounts/balance` (`<cur>` available, `<cur>_reserved`
//! in orders; strings), trades from `/api/exchange/orders/transactions_pagination` (each trade's
//! `funds` are the signed changes per currency, fees included), coin deposits and sends per
//! currency, yen withdrawals from `/api/withdraws`; yen prices from `/api/ticker`.
//! Rate limit: not published; GIMS keeps to ccxt's pace (one call per 1.5 s on average).

use super::decimal::Exact;
use super::pacing::{RateLimit, pace};
use super::signing::hmac_sha256_hex;
use super::{
    API_KEY_POLICY, Balance, KEY_AND_SECRET, Movement, Refusal, accounts, bad_key, busy, date_of_iso, exchange_answer,
    key_and_secret, maintenance, missing_permission, nonce, parse_json, with_fresh_nonce,
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
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub struct Coincheck;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "coincheck",
    name: "Coincheck",
    category: Category::Crypto,
    aliases: &["コインチェック"],
    auth: AuthKind::ApiKey,
    fields: KEY_AND_SECRET,
    policy: API_KEY_POLICY,
    lifecycle: Lifecycle::Active,
    endpoint: "https://coincheck.com",
    window: None,
};

const NAME: &str = "Coincheck";
const LIMIT: RateLimit = RateLimit { requests: 4, per: Duration::from_secs(6) };
const API_SETTINGS: &str = "https://coincheck.com/api_settings";
const PAGE: usize = 100;
const MAX_PAGES: usize = 500;

#[async_trait::async_trait]
impl Connector for Coincheck {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        key_and_secret(ctx).map(drop)
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let flat: BTreeMap<String, Box<RawValue>> = private_get(ctx, "/api/accounts/balance").await?;
        let mut balances = Vec::new();
        for (field, value) in &flat {
            if field == "success" || field.contains('_') {
                continue;
            }
            let available: Exact = parse_json(NAME, "balance", value.get())?;
            let reserved: Exact = match flat.get(&format!("{field}_reserved")) {
                Some(reserved) => parse_json(NAME, "balance", reserved.get())?,
                None => Exact::default(),
            };
            balances.push(Balance::from_parts(field, available.0, reserved.0));
        }
        let mut movements = trades(ctx).await?;
        let start = ctx.start_date;
        let mut prices = HashMap::new();
        for balance in balances.iter().filter(|b| !b.total.is_zero()) {
            let currency = balance.currency.clone();
            if currency == "JPY" {
                let withdrawals: Page<Withdrawal> = private_get(ctx, "/api/withdraws").await?;
                for w in withdrawals.data.iter().filter(|w| w.status == "finished") {
                    let Some(date) = date_of_iso(&w.created_at) else { continue };
                    let fee = w.fee.map(|f| f.0).unwrap_or_default();
                    movements.push(Movement::new(
                        "jpy",
                        format!("withdraw-{}", w.id.0),
                        date,
                        -(w.amount.0 + fee),
                        "withdrawal".into(),
                    ));
                }
                continue;
            }
            let deposits: Deposits = private_get(ctx, &format!("/api/deposit_money?currency={currency}")).await?;
            for d in deposits.deposits.iter().filter(|d| d.status == "confirmed") {
                let Some(date) = date_of_iso(d.confirmed_at.as_deref().unwrap_or(&d.created_at)) else { continue };
                movements.push(Movement::new(
                    &currency,
                    format!("deposit-{}", d.id.0),
                    date,
                    d.amount.0,
                    "deposit".into(),
                ));
            }
            let sends: Sends = private_get(ctx, &format!("/api/send_money?currency={currency}")).await?;
            for s in &sends.sends {
                let Some(date) = date_of_iso(&s.created_at) else { continue };
                let fee = s.fee.map(|f| f.0).unwrap_or_default();
                movements.push(Movement::new(
                    &currency,
                    format!("send-{}", s.id.0),
                    date,
                    -(s.amount.0 + fee),
                    "sent".into(),
                ));
            }
            if let Some(price) = ticker(ctx, &currency.to_ascii_lowercase()).await {
                prices.insert(currency, price);
            }
        }
        movements.retain(|m| start.is_none_or(|s| m.transaction.date >= s));
        Ok(Fetched { accounts: accounts(&balances, movements, &prices, ctx.today) })
    }
}

#[derive(Deserialize)]
struct Page<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct Trade {
    id: Exact,
    created_at: String,
    funds: BTreeMap<String, Exact>,
    pair: String,
    side: String,
    rate: Exact,
}

#[derive(Deserialize)]
struct Withdrawal {
    id: Exact,
    status: String,
    amount: Exact,
    #[serde(default)]
    fee: Option<Exact>,
    created_at: String,
}

#[derive(Deserialize)]
struct Deposits {
    deposits: Vec<Deposit>,
}

#[derive(Deserialize)]
struct Deposit {
    id: Exact,
    amount: Exact,
    status: String,
    #[serde(default)]
    confirmed_at: Option<String>,
    created_at: String,
}

#[derive(Deserialize)]
struct Sends {
    sends: Vec<Send>,
}

#[derive(Deserialize)]
struct Send {
    id: Exact,
    amount: Exact,
    #[serde(default)]
    fee: Option<Exact>,
    created_at: String,
}

#[derive(Deserialize)]
struct Ticker {
    last: Exact,
}

#[derive(Deserialize)]
struct Refused {
    success: bool,
    #[serde(default)]
    error: Option<String>,
}

/// Every trade, newest first, page by page until the start date.
async fn trades(ctx: &mut Context) -> Result<Vec<Movement>, ConnectorError> {
    let start = ctx.start_date;
    let mut movements = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let mut path = format!("/api/exchange/orders/transactions_pagination?limit={PAGE}&order=desc");
        if let Some(id) = &after {
            path.push_str(&format!("&starting_after={id}"));
        }
        let page: Page<Trade> = private_get(ctx, &path).await?;
        let mut reached_start = false;
        for trade in &page.data {
            let Some(date) = date_of_iso(&trade.created_at) else { continue };
            if start.is_some_and(|s| date < s) {
                reached_start = true;
                continue;
            }
            let what = format!("{} {} @ {}", trade.side, trade.pair, trade.rate.0);
            for (currency, change) in &trade.funds {
                movements.push(Movement::new(
                    currency,
                    format!("trade-{}-{currency}", trade.id.0),
                    date,
                    change.0,
                    what.clone(),
                ));
            }
        }
        if page.data.len() < PAGE || reached_start {
            return Ok(movements);
        }
        after = page.data.last().map(|t| t.id.0.to_string());
    }
    Err(super::changed(NAME, "transactions_pagination", format!("more than {MAX_PAGES} pages")))
}

async fn ticker(ctx: &Context, coin: &str) -> Option<Decimal> {
    let key = ctx.credential("api_key").ok()?.expose().clone();
    pace(ctx, INFO.id, &key, LIMIT).await.ok()?;
    let url = ctx.url(&format!("/api/ticker?pair={coin}_jpy"));
    let (status, _, body) = exchange_answer(ctx, ctx.http.get(url)).await.ok()?;
    let ticker: Ticker = serde_json::from_str(&body).ok().filter(|_| status == 200)?;
    Some(ticker.last.0).filter(|p| *p > Decimal::ZERO)
}

async fn private_get<T: DeserializeOwned>(ctx: &mut Context, path_and_query: &str) -> Result<T, ConnectorError> {
    let (api_key, secret) = key_and_secret(ctx)?;
    let mut nonces = vec![nonce::next(ctx, INFO.id, api_key.expose()), nonce::next(ctx, INFO.id, api_key.expose())];
    nonces.reverse();
    let nonces = std::sync::Mutex::new(nonces);
    let ctx = &*ctx;
    let url = ctx.url(path_and_query);
    let body = with_fresh_nonce(NAME, || async {
        let nonce = nonces.lock().expect("not poisoned").pop().expect("two nonces for two tries");
        pace(ctx, INFO.id, api_key.expose(), LIMIT).await?;
        let signature = hmac_sha256_hex(secret.expose().as_bytes(), &format!("{nonce}{url}"));
        let request = ctx
            .http
            .get(&url)
            .header("ACCESS-KEY", api_key.expose().as_str())
            .header("ACCESS-NONCE", nonce.to_string())
            .header("ACCESS-SIGNATURE", signature);
        let (status, retry_after, body) = exchange_answer(ctx, request).await?;
        if status == 429 {
            return Err(Refusal::Error(busy(NAME, retry_after.as_deref())));
        }
        if status == 503 {
            return Err(Refusal::Error(maintenance(NAME)));
        }
        if let Ok(refused) = serde_json::from_str::<Refused>(&body)
            && !refused.success
        {
            return Err(refusal(status, refused.error.as_deref().unwrap_or("")));
        }
        if !(200..300).contains(&status) {
            return Err(Refusal::Error(ConnectorError::Network(format!("{NAME} answered {status}; try again later"))));
        }
        Ok(body)
    })
    .await?;
    parse_json(NAME, path_and_query, &body)
}

/// `{"success": false, "error": "..."}` as what it means for the user.
fn refusal(status: u16, error: &str) -> Refusal {
    let lower = error.to_ascii_lowercase();
    Refusal::Error(if lower.contains("nonce") {
        return Refusal::Nonce;
    } else if lower.contains("permission") {
        missing_permission(NAME, "read permission for this call (e.g. 残高, 取引履歴, 入出金履歴)", API_SETTINGS)
    } else if lower.contains("authentication")
        || lower.contains("api key")
        || lower.contains("signature")
        || status == 401
    {
        bad_key(NAME, error)
    } else if lower.contains("maintenance") {
        maintenance(NAME)
    } else if lower.contains("too many") {
        busy(NAME, None)
    } else {
        ConnectorError::Network(format!("{NAME} refused the request ({status} {error}); try again later"))
    })
}
