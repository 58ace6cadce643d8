//! BTCBOX (btcbox): the private API with a public key and a secret key.
//!
//! Private calls are POSTs of a form: `key`, `nonce` (strictly increasing per key: see `nonce`),
//! the call's own parameters, then `signature` = hex HMAC-SHA256 over the form before it
//! (`key=…&nonce=…&coin=…`, in the order sent), keyed with the lowercase hex MD5 of the secret
//! (its 32 ASCII characters). Answers are JSON, sometimes after whitespace; errors are HTTP 200
//! with `{"result": false, "code": "104"}`. Balances from `/api/v1/balance` (`<coin>_balance`
//! available, `<coin>_lock` in orders), trades from `/api/v1/trade_list` per coin (orders with
//! their filled part); the API has no deposit or withdrawal history. Yen prices from
//! `/api/v1/ticker`. Rate limit: 3 calls per second (the strictest of its documented limits).

use super::decimal::Exact;
use super::pacing::{RateLimit, pace};
use super::signing::{hmac_sha256_hex, md5_hex};
use super::{
    API_KEY_POLICY, Balance, Movement, Refusal, accounts, bad_key, busy, date_of_iso, exchange_answer, maintenance,
    missing_permission, nonce, parse_json, with_fresh_nonce,
};
use crate::context::Context;
use crate::contract::{Category, Connector, CredentialField, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::AuthKind;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub struct Btcbox;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "btcbox",
    name: "BTCBOX",
    category: Category::Crypto,
    aliases: &["ビットコインボックス", "BTCボックス"],
    auth: AuthKind::ApiKey,
    fields: &[
        CredentialField { id: "public_key", label: "公開鍵 (Public Key)", secret: false },
        CredentialField { id: "secret_key", label: "秘密鍵 (Secret Key)", secret: true },
    ],
    policy: API_KEY_POLICY,
    lifecycle: Lifecycle::Active,
    endpoint: "https://www.btcbox.co.jp",
    window: None,
};

const NAME: &str = "BTCBOX";
const LIMIT: RateLimit = RateLimit { requests: 3, per: Duration::from_secs(1) };
const API_SETTINGS: &str = "https://www.btcbox.co.jp/account/apiKey";

#[async_trait::async_trait]
impl Connector for Btcbox {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        ctx.credential("public_key")?;
        ctx.credential("secret_key")?;
        Ok(())
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let flat: BTreeMap<String, Box<RawValue>> = private_post(ctx, "/api/v1/balance", &[]).await?;
        let mut balances = Vec::new();
        for (field, value) in &flat {
            let Some(coin) = field.strip_suffix("_balance") else { continue };
            let available: Exact = parse_json(NAME, "balance", value.get())?;
            let locked: Exact = match flat.get(&format!("{coin}_lock")) {
                Some(lock) => parse_json(NAME, "balance", lock.get())?,
                None => Exact::default(),
            };
            balances.push(Balance::from_parts(coin, available.0, locked.0));
        }
        let mut movements = Vec::new();
        let mut prices = HashMap::new();
        for balance in balances.iter().filter(|b| !b.total.is_zero() && b.currency != "JPY") {
            let coin = balance.currency.to_ascii_lowercase();
            let orders: Vec<Order> =
                private_post(ctx, "/api/v1/trade_list", &[("coin", &coin), ("type", "all")]).await?;
            for order in orders.iter().filter(|o| o.status == "all" || o.status == "cancelled") {
                let filled = order.amount_original.0 - order.amount_outstanding.0;
                let Some(date) = date_of_iso(&order.datetime) else { continue };
                if filled.is_zero() || ctx.start_date.is_some_and(|s| date < s) {
                    continue;
                }
                let value = filled * order.price.0;
                let (coin_change, yen_change) = if order.kind == "buy" { (filled, -value) } else { (-filled, value) };
                let what = format!("{} {coin}_jpy @ {}", order.kind, order.price.0);
                movements.push(Movement::new(
                    &coin,
                    format!("order-{}-{coin}", order.id.0),
                    date,
                    coin_change,
                    what.clone(),
                ));
                movements.push(Movement::new("jpy", format!("order-{}-jpy", order.id.0), date, yen_change, what));
            }
            if let Some(price) = ticker(ctx, &coin).await {
                prices.insert(balance.currency.clone(), price);
            }
        }
        Ok(Fetched { accounts: accounts(&balances, movements, &prices, ctx.today) })
    }
}

#[derive(Deserialize)]
struct Order {
    id: Exact,
    datetime: String,
    #[serde(rename = "type")]
    kind: String,
    price: Exact,
    amount_original: Exact,
    amount_outstanding: Exact,
    status: String,
}

#[derive(Deserialize)]
struct Ticker {
    last: Exact,
}

#[derive(Deserialize)]
struct Refused {
    result: bool,
    #[serde(default)]
    code: Option<Exact>,
}

async fn ticker(ctx: &Context, coin: &str) -> Option<Decimal> {
    let key = ctx.credential("public_key").ok()?.expose().clone();
    pace(ctx, INFO.id, &key, LIMIT).await.ok()?;
    let url = ctx.url(&format!("/api/v1/ticker?coin={coin}"));
    let (status, _, body) = exchange_answer(ctx, ctx.http.get(url)).await.ok()?;
    let ticker: Ticker = serde_json::from_str(body.trim_start()).ok().filter(|_| status == 200)?;
    Some(ticker.last.0).filter(|p| *p > Decimal::ZERO)
}

/// The signed form body: `key=K&nonce=N&<params>&signature=S`.
pub fn signed_form(public_key: &str, secret_key: &str, nonce: u64, params: &[(&str, &str)]) -> String {
    let mut form = format!("key={}&nonce={nonce}", encode(public_key));
    for (name, value) in params {
        form.push_str(&format!("&{name}={}", encode(value)));
    }
    let signature = hmac_sha256_hex(md5_hex(secret_key).as_bytes(), &form);
    format!("{form}&signature={signature}")
}

fn encode(text: &str) -> String {
    reqwest::Url::parse_with_params("x:", [("v", text)])
        .map(|url| url.query().unwrap_or("v=").trim_start_matches("v=").to_string())
        .unwrap_or_default()
}

async fn private_post<T: DeserializeOwned>(
    ctx: &mut Context,
    path: &str,
    params: &[(&str, &str)],
) -> Result<T, ConnectorError> {
    let public_key = ctx.credential("public_key")?.clone();
    let secret_key = ctx.credential("secret_key")?.clone();
    let mut nonces =
        vec![nonce::next(ctx, INFO.id, public_key.expose()), nonce::next(ctx, INFO.id, public_key.expose())];
    nonces.reverse();
    let nonces = std::sync::Mutex::new(nonces);
    let ctx = &*ctx;
    let body = with_fresh_nonce(NAME, || async {
        let nonce = nonces.lock().expect("not poisoned").pop().expect("two nonces for two tries");
        pace(ctx, INFO.id, public_key.expose(), LIMIT).await?;
        let form = signed_form(public_key.expose(), secret_key.expose(), nonce, params);
        let request =
            ctx.http.post(ctx.url(path)).header("Content-Type", "application/x-www-form-urlencoded").body(form);
        let (status, retry_after, body) = exchange_answer(ctx, request).await?;
        match status {
            429 => return Err(Refusal::Error(busy(NAME, retry_after.as_deref()))),
            503 => return Err(Refusal::Error(maintenance(NAME))),
            200..=299 => {}
            _ => {
                return Err(Refusal::Error(ConnectorError::Network(format!(
                    "{NAME} answered {status}; try again later"
                ))));
            }
        }
        if let Ok(refused) = serde_json::from_str::<Refused>(body.trim_start())
            && !refused.result
        {
            return Err(refusal(refused.code.map(|c| c.0).unwrap_or_default()));
        }
        Ok(body)
    })
    .await?;
    parse_json(NAME, path, &body)
}

/// BTCBOX's error codes (as ccxt maps them) as what they mean for the user.
fn refusal(code: Decimal) -> Refusal {
    let code = code.to_string();
    Refusal::Error(match code.as_str() {
        "106" => return Refusal::Nonce,
        "104" => bad_key(NAME, "error 104: the key or signature"),
        "105" => missing_permission(NAME, "balance and order history (残高・注文照会)", API_SETTINGS),
        "402" => busy(NAME, None),
        other => ConnectorError::Network(format!("{NAME} refused the request (code {other}); try again later")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_is_signed_in_the_order_it_is_sent() {
        let form = signed_form("test-key", "test-secret", 1_700_000_000_000, &[("coin", "btc")]);
        assert_eq!(
            form,
            format!(
                "key=test-key&nonce=1700000000000&coin=btc&signature={}",
                hmac_sha256_hex(b"2318ed020bcddb328eab6db7800b2f80", "key=test-key&nonce=1700000000000&coin=btc")
            )
        );
    }
}
