//! bitbank (bitbank): the private REST API with a read-only API key, in ACCESS-NONCE mode.
//!
//! Headers `ACCESS-KEY`, `ACCESS-NONCE` (strictly increasing per key: see `nonce`) and
//! `ACCESS-SIGNATURE` = hex HMAC-SHA256(secret, nonce + path with query) for GET. Answers are
//! `{"success": 1, "data": …}` or `{"success": 0, "data": {"code": N}}`. Balances from
//! `/v1/user/assets` (strings), trades from `/v1/user/spot/trade_history`, deposits and
//! withdrawals per asset; yen prices from the public host's `/{pair}/ticker`.
//! Rate limit: 10 reads per second per user.

use super::decimal::Exact;
use super::pacing::{RateLimit, pace};
use super::signing::hmac_sha256_hex;
use super::{
    API_KEY_POLICY, Balance, KEY_AND_SECRET, Movement, Refusal, accounts, bad_key, busy, date_of_millis,
    exchange_answer, key_and_secret, maintenance, missing_permission, nonce, parse_json, public_base, start_millis,
    with_fresh_nonce,
};
use crate::context::Context;
use crate::contract::{Category, Connector, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::AuthKind;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::time::Duration;

pub struct Bitbank;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "bitbank",
    name: "bitbank",
    category: Category::Crypto,
    aliases: &["ビットバンク"],
    auth: AuthKind::ApiKey,
    fields: KEY_AND_SECRET,
    policy: API_KEY_POLICY,
    lifecycle: Lifecycle::Active,
    endpoint: "https://api.bitbank.cc",
    window: None,
};

const NAME: &str = "bitbank";
const PUBLIC: &str = "https://public.bitbank.cc";
const LIMIT: RateLimit = RateLimit { requests: 10, per: Duration::from_secs(1) };
const API_SETTINGS: &str = "https://app.bitbank.cc/account/api";
const TRADE_PAGE: usize = 1000;
const MAX_PAGES: usize = 200;

#[async_trait::async_trait]
impl Connector for Bitbank {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    /// An API key has no login: the first signed read (the assets) tells whether it works.
    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        key_and_secret(ctx).map(drop)
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let assets: Assets = private_get(ctx, "/v1/user/assets").await?;
        let balances: Vec<Balance> =
            assets.assets.iter().map(|a| Balance::from_total(&a.asset, a.onhand_amount.0, a.free_amount.0)).collect();
        let since = start_millis(ctx);
        let mut movements = trades(ctx, since).await?;
        let mut prices = HashMap::new();
        for balance in balances.iter().filter(|b| !b.total.is_zero()) {
            let asset = balance.currency.to_ascii_lowercase();
            let mut query = format!("asset={asset}");
            if let Some(since) = since {
                query.push_str(&format!("&since={since}"));
            }
            let deposits: Deposits = private_get(ctx, &format!("/v1/user/deposit_history?{query}")).await?;
            for deposit in deposits.deposits.iter().filter(|d| d.status == "DONE") {
                let at = deposit.confirmed_at.or(deposit.found_at).unwrap_or(0);
                if let Some(date) = date_of_millis(at) {
                    let id = format!("deposit-{}", deposit.uuid);
                    movements.push(Movement::new(&asset, id, date, deposit.amount.0, "deposit".into()));
                }
            }
            let withdrawals: Withdrawals = private_get(ctx, &format!("/v1/user/withdrawal_history?{query}")).await?;
            for withdrawal in withdrawals.withdrawals.iter().filter(|w| w.status == "DONE") {
                if let Some(date) = date_of_millis(withdrawal.requested_at) {
                    let fee = withdrawal.fee.map(|f| f.0).unwrap_or_default();
                    let id = format!("withdrawal-{}", withdrawal.uuid);
                    let what = if fee.is_zero() { "withdrawal".to_string() } else { format!("withdrawal (fee {fee})") };
                    movements.push(Movement::new(&asset, id, date, -(withdrawal.amount.0 + fee), what));
                }
            }
            if asset != "jpy"
                && let Some(price) = ticker(ctx, &asset).await
            {
                prices.insert(balance.currency.clone(), price);
            }
        }
        Ok(Fetched { accounts: accounts(&balances, movements, &prices, ctx.today) })
    }
}

#[derive(Deserialize)]
struct Envelope {
    success: i64,
    data: Box<serde_json::value::RawValue>,
}

#[derive(Deserialize)]
struct ErrorData {
    #[serde(default)]
    code: i64,
}

#[derive(Deserialize)]
struct Assets {
    assets: Vec<Asset>,
}

#[derive(Deserialize)]
struct Asset {
    asset: String,
    free_amount: Exact,
    onhand_amount: Exact,
}

#[derive(Deserialize)]
struct Trades {
    trades: Vec<Trade>,
}

#[derive(Deserialize)]
struct Trade {
    trade_id: i64,
    pair: String,
    side: String,
    amount: Exact,
    price: Exact,
    #[serde(default)]
    fee_amount_base: Option<Exact>,
    #[serde(default)]
    fee_amount_quote: Option<Exact>,
    executed_at: i64,
}

#[derive(Deserialize)]
struct Deposits {
    deposits: Vec<Deposit>,
}

#[derive(Deserialize)]
struct Deposit {
    uuid: String,
    amount: Exact,
    status: String,
    #[serde(default)]
    found_at: Option<i64>,
    #[serde(default)]
    confirmed_at: Option<i64>,
}

#[derive(Deserialize)]
struct Withdrawals {
    withdrawals: Vec<Withdrawal>,
}

#[derive(Deserialize)]
struct Withdrawal {
    uuid: String,
    amount: Exact,
    #[serde(default)]
    fee: Option<Exact>,
    status: String,
    requested_at: i64,
}

#[derive(Deserialize)]
struct Ticker {
    last: Exact,
}

/// Every spot trade since the start, oldest first, as its two legs (base and quote currency).
async fn trades(ctx: &mut Context, since: Option<i64>) -> Result<Vec<Movement>, ConnectorError> {
    let mut movements = Vec::new();
    let mut since = since;
    for _ in 0..MAX_PAGES {
        let mut path = format!("/v1/user/spot/trade_history?count={TRADE_PAGE}&order=asc");
        if let Some(since) = since {
            path.push_str(&format!("&since={since}"));
        }
        let page: Trades = private_get(ctx, &path).await?;
        for trade in &page.trades {
            let Some(date) = date_of_millis(trade.executed_at) else { continue };
            let (base, quote) = trade.pair.split_once('_').unwrap_or((trade.pair.as_str(), "jpy"));
            let value = trade.amount.0 * trade.price.0;
            let fee_base = trade.fee_amount_base.map(|f| f.0).unwrap_or_default();
            let fee_quote = trade.fee_amount_quote.map(|f| f.0).unwrap_or_default();
            let (base_change, quote_change) = match trade.side.as_str() {
                "buy" => (trade.amount.0 - fee_base, -value - fee_quote),
                _ => (-trade.amount.0 - fee_base, value - fee_quote),
            };
            let what = format!("{} {} @ {}", trade.side, trade.pair, trade.price.0);
            movements.push(Movement::new(
                base,
                format!("trade-{}-{base}", trade.trade_id),
                date,
                base_change,
                what.clone(),
            ));
            movements.push(Movement::new(quote, format!("trade-{}-{quote}", trade.trade_id), date, quote_change, what));
        }
        if page.trades.len() < TRADE_PAGE {
            return Ok(movements);
        }
        since = page.trades.iter().map(|t| t.executed_at).max();
    }
    Err(super::changed(NAME, "trade_history", format!("more than {MAX_PAGES} pages")))
}

async fn ticker(ctx: &Context, asset: &str) -> Option<Decimal> {
    let api_key = ctx.credential("api_key").ok()?.expose().clone();
    pace(ctx, INFO.id, &api_key, LIMIT).await.ok()?;
    let url = format!("{}/{asset}_jpy/ticker", public_base(ctx, &INFO, PUBLIC));
    let (status, _, body) = exchange_answer(ctx, ctx.http.get(url)).await.ok()?;
    let envelope: Envelope = serde_json::from_str(&body).ok().filter(|_| status == 200)?;
    let ticker: Ticker = serde_json::from_str(envelope.data.get()).ok().filter(|_| envelope.success == 1)?;
    Some(ticker.last.0).filter(|p| *p > Decimal::ZERO)
}

async fn private_get<T: DeserializeOwned>(ctx: &mut Context, path_and_query: &str) -> Result<T, ConnectorError> {
    let (api_key, secret) = key_and_secret(ctx)?;
    let nonces = std::sync::Mutex::new(Vec::new());
    // Two nonces at most (the first try and its one retry), taken before the requests borrow ctx.
    for _ in 0..2 {
        let n = nonce::next(ctx, INFO.id, api_key.expose());
        nonces.lock().expect("not poisoned").push(n);
    }
    let ctx = &*ctx;
    let body = with_fresh_nonce(NAME, || async {
        let nonce = nonces.lock().expect("not poisoned").remove(0);
        pace(ctx, INFO.id, api_key.expose(), LIMIT).await?;
        let signature = hmac_sha256_hex(secret.expose().as_bytes(), &format!("{nonce}{path_and_query}"));
        let request = ctx
            .http
            .get(ctx.url(path_and_query))
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
        let envelope: Envelope = parse_json(NAME, path_and_query, &body)?;
        if envelope.success == 1 {
            return Ok(envelope.data.get().to_string());
        }
        let error: ErrorData = parse_json(NAME, path_and_query, envelope.data.get())?;
        Err(refusal(error.code))
    })
    .await?;
    parse_json(NAME, path_and_query, &body)
}

/// bitbank's error codes (`errors.md`) as what they mean for the user.
fn refusal(code: i64) -> Refusal {
    Refusal::Error(match code {
        20004 => return Refusal::Nonce,
        // "Authentication failed api authorization": the key exists but may not do this.
        20001 => missing_permission(NAME, "参照 (read)", API_SETTINGS),
        20002 | 20003 | 20005 => bad_key(NAME, &format!("error {code}")),
        50003..=50008 => ConnectorError::ActionRequired {
            message: format!("bitbank restricts this account (error {code}): check the notices at bitbank"),
            url: Some("https://app.bitbank.cc/".into()),
        },
        70004 | 70013..=70018 => maintenance(NAME),
        70011 => busy(NAME, None),
        _ => ConnectorError::Network(format!("bitbank answered error {code}; try again later")),
    })
}
