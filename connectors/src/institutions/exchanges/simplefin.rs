//! SimpleFIN (simplefin): the bridge individuals use to reach North American banks.
//!
//! The user pastes a SimpleFIN Token: Base64 of a claim URL. The first run POSTs to it (once:
//! tokens are single-use) and gets the Access URL, `https://user:pass@host/path`, which is kept
//! as the login's `access_url` (the engine stores it in the keychain when the run succeeds).
//! Every run then GETs `{access root}/accounts?start-date=…` with HTTP Basic auth from the URL's
//! user info. The bridge's `errors` (strings a person can read) become the run's notice.
//! An overridden endpoint (`GIMS_ENDPOINT_SIMPLEFIN`) replaces the scheme and host of both URLs.

use super::decimal::Exact;
use super::{changed, exchange_answer, parse_json};
use crate::context::Context;
use crate::contract::{Category, Connector, CredentialField, InstitutionInfo, Lifecycle, RefreshPolicy};
use crate::error::ConnectorError;
use crate::fetched::{Fetched, FetchedAccount, FetchedTransaction};
use crate::secret::Secret;
use crate::vocabulary::{AccountKind, AuthKind};
use base64::Engine;
use reqwest::Url;
use serde::Deserialize;
use time::OffsetDateTime;

pub struct Simplefin;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "simplefin",
    name: "SimpleFIN Bridge",
    category: Category::Bank,
    aliases: &["SimpleFIN", "SimpleFIN Bridge"],
    auth: AuthKind::ApiKey,
    fields: &[CredentialField { id: "setup_token", label: "SimpleFIN Token", secret: true }],
    // The bridge refreshes banks about once a day; the scheduler's interval keeps unattended
    // runs rare, and a refresh the user asks for is one request.
    policy: RefreshPolicy {
        auto_refresh: true,
        manual_refresh: true,
        bulk_refresh: true,
        min_interval_secs: 0,
        needs_user_every_login: false,
    },
    lifecycle: Lifecycle::Active,
    endpoint: "https://bridge.simplefin.org",
    window: None,
};

const NAME: &str = "SimpleFIN";
const ACCESS_URL: &str = "access_url";
/// A bridge error shown to the user is cut to this many characters.
const MAX_ERROR_CHARS: usize = 300;

#[async_trait::async_trait]
impl Connector for Simplefin {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        if ctx.credential(ACCESS_URL).is_ok() {
            return Ok(());
        }
        let token = ctx.credential("setup_token")?.clone();
        let claim = claim_url(token.expose())?;
        let (status, _, body) = exchange_answer(ctx, ctx.http.post(route(ctx, claim).to_string())).await?;
        match status {
            200..=299 => {}
            403 => {
                return Err(ConnectorError::BadCredentials(
                    "SimpleFIN did not accept this token: it is unknown or was already claimed. If you did not claim it yourself, someone else may have; make a new token at the bridge and edit the login".into(),
                ));
            }
            _ => {
                return Err(ConnectorError::Network(format!(
                    "SimpleFIN answered {status} to the claim; try again later"
                )));
            }
        }
        let access = Url::parse(body.trim())
            .ok()
            .filter(|url| !url.username().is_empty() && url.password().is_some())
            .ok_or_else(|| changed(NAME, "the token claim", "the answer is not an access URL with a login"))?;
        ctx.keep_credential(ACCESS_URL, Secret::new(access.to_string()));
        Ok(())
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let access =
            ctx.kept_credential(ACCESS_URL).or_else(|| ctx.credential(ACCESS_URL).ok()).cloned().ok_or_else(|| {
                ConnectorError::BadCredentials(
                    "the login has no SimpleFIN access; edit the login with a new token".into(),
                )
            })?;
        let access = Url::parse(access.expose()).map_err(|_| {
            ConnectorError::BadCredentials(
                "the kept SimpleFIN access URL is not a URL; edit the login with a new token".into(),
            )
        })?;
        let user = percent_decode(access.username());
        let password = Secret::new(percent_decode(access.password().unwrap_or_default()));
        let mut url = route(ctx, access);
        let _ = url.set_username("");
        let _ = url.set_password(None);
        let path = format!("{}/accounts", url.path().trim_end_matches('/'));
        url.set_path(&path);
        if let Some(start) = ctx.start_date {
            url.query_pairs_mut()
                .append_pair("start-date", &start.midnight().assume_utc().unix_timestamp().to_string());
        }
        let request = ctx.http.get(url).basic_auth(user, Some(password.expose()));
        let (status, retry_after, body) = exchange_answer(ctx, request).await?;
        match status {
            200..=299 => {}
            402 => {
                return Err(ConnectorError::ActionRequired {
                    message: "SimpleFIN says the subscription behind this access needs payment; renew it at the bridge"
                        .into(),
                    url: Some(INFO.endpoint.into()),
                });
            }
            403 => {
                return Err(ConnectorError::BadCredentials(
                    "SimpleFIN refused GIMS's access (it was revoked or expired); make a new token at the bridge and edit the login".into(),
                ));
            }
            429 => return Err(super::busy(NAME, retry_after.as_deref())),
            503 => return Err(super::maintenance(NAME)),
            _ => return Err(ConnectorError::Network(format!("SimpleFIN answered {status}; try again later"))),
        }
        let set: AccountSet = parse_json(NAME, "/accounts", &body)?;
        let mut errors: Vec<String> = set.errors.iter().map(|e| sanitize(e)).filter(|e| !e.is_empty()).collect();
        errors
            .extend(set.errlist.iter().map(|e| sanitize(e.msg.as_deref().or(e.message.as_deref()).unwrap_or(&e.code))));
        if !errors.is_empty() {
            ctx.notice(format!("SimpleFIN reports: {}", errors.join("; ")));
        }
        let mut accounts = Vec::new();
        for account in set.accounts {
            if account.currency.contains("://") {
                ctx.notice(format!(
                    "SimpleFIN account {} is in a custom currency GIMS cannot store; it was skipped",
                    sanitize(&account.name)
                ));
                continue;
            }
            let org = account.org.as_ref().and_then(|o| o.name.clone().or_else(|| o.domain.clone()));
            let name = match org {
                Some(org) => format!("{} {}", sanitize(&org), sanitize(&account.name)),
                None => sanitize(&account.name),
            };
            let transactions = account
                .transactions
                .iter()
                .filter(|t| !t.pending)
                .filter_map(|t| {
                    Some(FetchedTransaction {
                        external_id: Some(t.id.clone()),
                        date: OffsetDateTime::from_unix_timestamp(t.posted).ok()?.date(),
                        amount: t.amount.0,
                        description: sanitize(&t.description),
                        memo: String::new(),
                    })
                })
                .collect();
            accounts.push(FetchedAccount {
                external_id: account.id,
                name,
                kind: AccountKind::Bank,
                currency: account.currency.to_ascii_uppercase(),
                balance: Some(account.balance.0),
                balance_as_of: OffsetDateTime::from_unix_timestamp(account.balance_date).ok().map(|t| t.date()),
                transactions,
                holdings: Vec::new(),
                expiries: Vec::new(),
                past_balances: Vec::new(),
            });
        }
        Ok(Fetched { accounts })
    }
}

#[derive(Deserialize)]
struct AccountSet {
    #[serde(default)]
    errors: Vec<String>,
    /// Protocol v2: `[{code, msg}]` (its quick start says `message`).
    #[serde(default)]
    errlist: Vec<ErrorItem>,
    accounts: Vec<Account>,
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    code: String,
    #[serde(default)]
    msg: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(Deserialize)]
struct Account {
    #[serde(default)]
    org: Option<Org>,
    id: String,
    name: String,
    currency: String,
    balance: Exact,
    #[serde(rename = "balance-date")]
    balance_date: i64,
    #[serde(default)]
    transactions: Vec<Transaction>,
}

#[derive(Deserialize)]
struct Org {
    #[serde(default)]
    domain: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Transaction {
    id: String,
    posted: i64,
    amount: Exact,
    #[serde(default)]
    description: String,
    #[serde(default)]
    pending: bool,
}

/// The claim URL inside a token (Base64, standard or URL-safe, padded or not).
pub fn claim_url(token: &str) -> Result<Url, ConnectorError> {
    let cleaned: String = token.chars().filter(|c| !c.is_whitespace()).collect();
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines
        .iter()
        .find_map(|engine| engine.decode(&cleaned).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| Url::parse(text.trim()).ok())
        .filter(|url| url.scheme() == "https" || url.scheme() == "http")
        .ok_or_else(|| {
            ConnectorError::BadCredentials(
                "this is not a SimpleFIN token (Base64 of a claim URL); copy the whole token from the bridge and edit the login".into(),
            )
        })
}

/// `url` with the overridden endpoint's scheme and host, when the endpoint was overridden.
fn route(ctx: &Context, mut url: Url) -> Url {
    if ctx.endpoint == INFO.endpoint {
        return url;
    }
    if let Ok(base) = Url::parse(&ctx.endpoint) {
        let _ = url.set_scheme(base.scheme());
        let _ = url.set_host(base.host_str());
        let _ = url.set_port(base.port());
    }
    url
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = text.get(i + 1..i + 3).and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Text from the bridge, safe to show: no control characters, bounded length.
fn sanitize(text: &str) -> String {
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    let clean = clean.trim();
    if clean.chars().count() > MAX_ERROR_CHARS {
        format!("{}…", clean.chars().take(MAX_ERROR_CHARS).collect::<String>())
    } else {
        clean.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_token_is_the_demo_claim_url() {
        let url = claim_url("aHR0cHM6Ly9icmlkZ2Uuc2ltcGxlZmluLm9yZy9zaW1wbGVmaW4vY2xhaW0vZGVtbw==").unwrap();
        assert_eq!(url.as_str(), "https://bridge.simplefin.org/simplefin/claim/demo");
        assert!(claim_url("not a token").is_err());
    }

    #[test]
    fn user_info_is_percent_decoded_and_bridge_text_sanitized() {
        assert_eq!(percent_decode("p%40ss%3A1"), "p@ss:1");
        assert_eq!(percent_decode("plain%"), "plain%");
        assert_eq!(sanitize("  bad\u{7}\nlogin "), "badlogin");
    }
}
