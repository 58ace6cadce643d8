//! Crypto exchanges linked with a read-only API key (bitFlyer, bitbank, BTCBOX, Coincheck,
//! GMO Coin), the ended Liquid by Quoine, and the SimpleFIN bridge. Protocol facts and their
//! sources: `shared/reference/connector-protocols.md`.
//!
//! Every exchange becomes one account per currency (`JPY`, `BTC`, …) whose balance is what the
//! exchange reports, exactly; its holdings say how much is available and how much is locked in
//! orders or withdrawals, valued in yen at the exchange's own public ticker. A ticker that cannot
//! be reached leaves the valuation unknown and never stops the balances from being saved.
//! History (trades, deposits, withdrawals) becomes each currency's transactions, keyed by the
//! exchange's ids so a second refresh adds nothing.
//!
//! Every URL is built from `ctx.endpoint` (`public_base` for ticker hosts), so
//! `GIMS_ENDPOINT_<ID>` sends every request, public ones included, to the override.

pub mod bitbank;
pub mod bitflyer;
pub mod btcbox;
pub mod coincheck;
pub mod gmo_coin;
pub mod liquid;
pub mod simplefin;

pub mod decimal;
pub mod nonce;
pub mod pacing;
pub mod signing;

use crate::context::Context;
use crate::contract::{CredentialField, InstitutionInfo, RefreshPolicy};
use crate::error::ConnectorError;
use crate::fetched::{FetchedAccount, FetchedHolding, FetchedTransaction};
use crate::secret::Secret;
use crate::vocabulary::AccountKind;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};

/// API key + secret: what bitFlyer, bitbank, Coincheck and GMO Coin issue.
pub const KEY_AND_SECRET: &[CredentialField] = &[
    CredentialField { id: "api_key", label: "APIキー", secret: false },
    CredentialField { id: "api_secret", label: "APIシークレット", secret: true },
];

/// An API key reads balances without the user: refresh on a schedule, or whenever the user asks.
/// The exchanges set no minimum between refreshes; their rate limits are kept per request
/// (`pacing`), and the scheduler's own interval spaces unattended runs.
/// The API key and its secret ([`KEY_AND_SECRET`]): `BadCredentials` naming the one missing.
pub fn key_and_secret(ctx: &Context) -> Result<(Secret<String>, Secret<String>), ConnectorError> {
    Ok((ctx.credential("api_key")?.clone(), ctx.credential("api_secret")?.clone()))
}

pub const API_KEY_POLICY: RefreshPolicy = RefreshPolicy {
    auto_refresh: true,
    manual_refresh: true,
    bulk_refresh: true,
    min_interval_secs: 0,
    needs_user_every_login: false,
};

/// Where a public host of the exchange is: the real one, unless the endpoint was overridden
/// (`GIMS_ENDPOINT_<ID>`), in which case every request goes to the override.
pub fn public_base(ctx: &Context, info: &InstitutionInfo, real: &str) -> String {
    if ctx.endpoint == info.endpoint.trim_end_matches('/') {
        real.trim_end_matches('/').to_string()
    } else {
        ctx.endpoint.clone()
    }
}

/// One currency's balance at the exchange.
#[derive(Clone, Debug, PartialEq)]
pub struct Balance {
    /// Upper case: `JPY`, `BTC`.
    pub currency: String,
    /// As the exchange reports it (or available + locked where it reports only those).
    pub total: Decimal,
    pub available: Decimal,
    pub locked: Decimal,
}

impl Balance {
    pub fn from_parts(currency: &str, available: Decimal, locked: Decimal) -> Balance {
        Balance { currency: currency.to_ascii_uppercase(), total: available + locked, available, locked }
    }

    pub fn from_total(currency: &str, total: Decimal, available: Decimal) -> Balance {
        Balance { currency: currency.to_ascii_uppercase(), total, available, locked: total - available }
    }
}

/// One movement of one currency (a trade's leg, a fee, a deposit, a withdrawal).
#[derive(Clone, Debug, PartialEq)]
pub struct Movement {
    pub currency: String,
    pub transaction: FetchedTransaction,
}

impl Movement {
    pub fn new(currency: &str, id: String, date: Date, amount: Decimal, description: String) -> Movement {
        Movement {
            currency: currency.to_ascii_uppercase(),
            transaction: FetchedTransaction { external_id: Some(id), date, amount, description, memo: String::new() },
        }
    }
}

/// The accounts of one exchange: a currency with a balance, or with movements, is an account.
/// `prices` are yen per unit from the exchange's ticker; a missing price is an unknown valuation.
pub fn accounts(
    balances: &[Balance],
    movements: Vec<Movement>,
    prices: &HashMap<String, Decimal>,
    today: Date,
) -> Vec<FetchedAccount> {
    let mut by_currency: BTreeMap<String, FetchedAccount> = BTreeMap::new();
    let empty = |currency: &str| FetchedAccount {
        external_id: currency.to_string(),
        name: currency.to_string(),
        kind: AccountKind::Crypto,
        currency: currency.to_string(),
        balance: None,
        balance_as_of: None,
        transactions: Vec::new(),
        holdings: Vec::new(),
        expiries: Vec::new(),
        past_balances: Vec::new(),
    };
    for balance in balances.iter().filter(|b| !b.total.is_zero()) {
        let mut account = empty(&balance.currency);
        account.balance = Some(balance.total);
        account.balance_as_of = Some(today);
        let price = if balance.currency == "JPY" { Some(Decimal::ONE) } else { prices.get(&balance.currency).copied() };
        let holding = |asset: String, quantity: Decimal| FetchedHolding {
            asset,
            code: Some(balance.currency.clone()),
            quantity,
            price,
            price_per: 1,
            value: price.map(|p| p * quantity),
            cost: None,
            currency: "JPY".into(),
        };
        account.holdings.push(holding(balance.currency.clone(), balance.available));
        if !balance.locked.is_zero() {
            account.holdings.push(holding(format!("{} (locked)", balance.currency), balance.locked));
        }
        by_currency.insert(balance.currency.clone(), account);
    }
    for movement in movements {
        let account = by_currency.entry(movement.currency.clone()).or_insert_with(|| {
            let mut account = empty(&movement.currency);
            // Movements but no balance: the exchange holds none of it now.
            account.balance = Some(Decimal::ZERO);
            account.balance_as_of = Some(today);
            account
        });
        account.transactions.push(movement.transaction);
    }
    by_currency.into_values().collect()
}

/// A JSON answer that does not have the shape the exchange documents.
pub fn changed(exchange: &str, what: &str, error: impl std::fmt::Display) -> ConnectorError {
    ConnectorError::SiteChanged(format!("{exchange}'s answer to {what} is not as documented ({error})"))
}

pub fn parse_json<'a, T: serde::Deserialize<'a>>(
    exchange: &str,
    what: &str,
    body: &'a str,
) -> Result<T, ConnectorError> {
    serde_json::from_str(body.trim_start()).map_err(|e| changed(exchange, what, e))
}

/// "Too many requests": back off until `Retry-After` (seconds) or a minute from now.
pub fn busy(exchange: &str, retry_after: Option<&str>) -> ConnectorError {
    let seconds = retry_after.and_then(|s| s.trim().parse::<i64>().ok()).unwrap_or(60).clamp(1, 86_400);
    ConnectorError::Busy {
        message: format!("{exchange} says GIMS made too many requests; it will try again later"),
        retry_at: Some(OffsetDateTime::now_utc() + time::Duration::seconds(seconds)),
    }
}

pub fn maintenance(exchange: &str) -> ConnectorError {
    ConnectorError::Maintenance {
        message: format!("{exchange} is in maintenance; GIMS will try again later"),
        until: Some(OffsetDateTime::now_utc() + time::Duration::minutes(30)),
    }
}

pub fn bad_key(exchange: &str, detail: &str) -> ConnectorError {
    ConnectorError::BadCredentials(format!(
        "{exchange} did not accept the API key or secret ({detail}); check both and edit the login"
    ))
}

pub fn missing_permission(exchange: &str, permission: &str, url: &str) -> ConnectorError {
    ConnectorError::ActionRequired {
        message: format!(
            "{exchange} refused this API key a read GIMS needs: enable the {permission} permission for the key (read-only is enough) at {exchange}'s API settings"
        ),
        url: Some(url.into()),
    }
}

/// The nonce was refused twice: something else uses this key with larger nonces.
pub fn nonce_refused(exchange: &str) -> ConnectorError {
    ConnectorError::ActionRequired {
        message: format!(
            "{exchange} refused GIMS's nonce twice: another app seems to use this API key with larger nonces. Issue a separate read-only key for GIMS and edit the login"
        ),
        url: None,
    }
}

/// Sends a request and reads its answer: status, `Retry-After`, body.
pub async fn exchange_answer(
    ctx: &Context,
    request: reqwest::RequestBuilder,
) -> Result<(u16, Option<String>, String), ConnectorError> {
    let response = ctx.send(request).await?;
    let status = response.status().as_u16();
    let retry_after =
        response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = ctx.text(response).await?;
    Ok((status, retry_after, body))
}

/// Unix milliseconds to the UTC date.
pub fn date_of_millis(ms: i64) -> Option<Date> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok().map(|t| t.date())
}

/// `2015-07-07T09:57:40.397` (no zone, UTC) or RFC 3339: the date part, as exchanges print it.
pub fn date_of_iso(text: &str) -> Option<Date> {
    let day = text.get(..10)?;
    Date::parse(day, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// Start of the history to fetch, in Unix milliseconds (`None`: everything the exchange keeps).
pub fn start_millis(ctx: &Context) -> Option<i64> {
    ctx.start_date.map(|d| d.midnight().assume_utc().unix_timestamp() * 1000)
}

/// Why one signed request failed: a nonce (or timestamp) the exchange refused, which is retried
/// once with a fresh one, or anything else.
pub enum Refusal {
    Nonce,
    Error(ConnectorError),
}

impl From<ConnectorError> for Refusal {
    fn from(error: ConnectorError) -> Self {
        Refusal::Error(error)
    }
}

/// Runs a signed request; a refused nonce is retried once with a fresh one.
pub async fn with_fresh_nonce<F, Fut>(exchange: &str, mut attempt: F) -> Result<String, ConnectorError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<String, Refusal>>,
{
    match attempt().await {
        Ok(body) => Ok(body),
        Err(Refusal::Error(error)) => Err(error),
        Err(Refusal::Nonce) => match attempt().await {
            Ok(body) => Ok(body),
            Err(Refusal::Error(error)) => Err(error),
            Err(Refusal::Nonce) => Err(nonce_refused(exchange)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn each_currency_is_an_account_with_available_and_locked_holdings() {
        let balances = [
            Balance::from_parts("jpy", Decimal::new(1000, 0), Decimal::ZERO),
            Balance::from_total("btc", Decimal::new(1024, 2), Decimal::new(412, 2)),
            Balance::from_parts("xrp", Decimal::ZERO, Decimal::ZERO),
        ];
        let prices = HashMap::from([("BTC".to_string(), Decimal::new(10_000_000, 0))]);
        let movements = vec![Movement::new("eth", "t1".into(), date!(2026 - 11 - 01), Decimal::ONE, "buy".into())];
        let accounts = accounts(&balances, movements, &prices, date!(2026 - 11 - 28));
        let names: Vec<&str> = accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["BTC", "ETH", "JPY"]);
        let btc = &accounts[0];
        assert_eq!(btc.balance, Some(Decimal::new(1024, 2)));
        assert_eq!(btc.holdings.len(), 2);
        assert_eq!(btc.holdings[1].quantity, Decimal::new(612, 2));
        assert_eq!(btc.holdings[1].value, Some(Decimal::new(61_200_000, 0)));
        assert_eq!(accounts[1].balance, Some(Decimal::ZERO));
        assert_eq!(accounts[1].transactions.len(), 1);
    }
}
