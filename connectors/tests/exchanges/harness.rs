//! Contexts pointed at a fake, a user who is never asked anything, and lookups in what came back.

use gims_connectors::{
    AskError, Asker, Challenge, Connector, ConnectorError, Context, ContextParts, Fetched, FetchedAccount, Reply,
    Secret,
};
use gims_sandbox::exchanges::{Exchange, FakeExchange, RunningFake};
use rust_decimal::Decimal;
use std::str::FromStr;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

pub struct Nobody;

#[async_trait::async_trait]
impl Asker for Nobody {
    async fn ask(&self, _challenge: Challenge) -> Result<Reply, AskError> {
        panic!("an API-key connector never asks the user")
    }
}

pub async fn fake(exchange: Exchange) -> RunningFake {
    FakeExchange::serve(exchange).await.expect("the fake binds a loopback port")
}

pub fn context(fake: &RunningFake, credentials: &[(&str, &str)]) -> Context {
    Context::new(ContextParts {
        http: reqwest::Client::builder().cookie_store(true).build().unwrap(),
        endpoint: fake.base_url.clone(),
        credentials: credentials.iter().map(|(k, v)| (k.to_string(), Secret::new(v.to_string()))).collect(),
        interactive: false,
        start_date: None,
        today: time::OffsetDateTime::now_utc().date(),
        asker: Arc::new(Nobody),
        cancel: CancellationToken::new(),
        resumed_session: false,
    })
}

/// `login` then `fetch`, as the engine runs them.
pub async fn run(connector: &dyn Connector, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
    connector.login(ctx).await?;
    connector.fetch(ctx).await
}

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap()
}

pub fn account<'a>(fetched: &'a Fetched, currency: &str) -> &'a FetchedAccount {
    fetched.accounts.iter().find(|a| a.currency == currency).unwrap_or_else(|| panic!("no {currency} account"))
}

/// `(external id, date, amount as text)` of an account's transactions, sorted.
pub fn history(account: &FetchedAccount) -> Vec<(String, String, String)> {
    let mut rows: Vec<_> = account
        .transactions
        .iter()
        .map(|t| (t.external_id.clone().unwrap_or_default(), t.date.to_string(), t.amount.to_string()))
        .collect();
    rows.sort();
    rows
}

/// `(asset, quantity, price, value)` as text.
pub fn holdings(account: &FetchedAccount) -> Vec<(String, String, Option<String>, Option<String>)> {
    account
        .holdings
        .iter()
        .map(|h| {
            (h.asset.clone(), h.quantity.to_string(), h.price.map(|p| p.to_string()), h.value.map(|v| v.to_string()))
        })
        .collect()
}

pub fn action_message(error: ConnectorError) -> String {
    match error {
        ConnectorError::ActionRequired { message, .. } => message,
        other => panic!("expected an action at the exchange, got {other:?}"),
    }
}

pub fn is_bad_credentials(error: &ConnectorError) -> bool {
    matches!(error, ConnectorError::BadCredentials(_))
}
