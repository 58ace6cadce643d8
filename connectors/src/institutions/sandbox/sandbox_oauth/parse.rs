//! The OAuth API bank's answers: the token endpoint's JSON, the API's accounts and transaction
//! pages, its error bodies (mapped to [`ConnectorError`]), and the browser's request to the
//! loopback listener that carries the consent's code back.

use super::super::{formats, pages};
use crate::error::ConnectorError;
use crate::fetched::{FetchedAccount, FetchedTransaction};
use crate::secret::Secret;
use crate::vocabulary::AccountKind;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::str::FromStr;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

/// The path of the loopback redirect URI (`http://127.0.0.1:PORT/callback`).
pub const CALLBACK_PATH: &str = "/callback";

/// A token endpoint answer. The raw strings move straight into `Secret`s.
pub struct Tokens {
    pub access_token: Secret<String>,
    pub refresh_token: Secret<String>,
}

pub fn tokens(json: &str) -> Result<Tokens, ConnectorError> {
    // No `Debug`: this struct holds tokens.
    #[derive(Deserialize)]
    struct Raw {
        access_token: String,
        refresh_token: String,
        token_type: String,
    }
    let raw: Raw = serde_json::from_str(json).map_err(|error| unreadable("token", &error))?;
    if !raw.token_type.eq_ignore_ascii_case("bearer") || raw.access_token.is_empty() || raw.refresh_token.is_empty() {
        return Err(pages::changed("token", "tokens that are not Bearer tokens"));
    }
    Ok(Tokens { access_token: Secret::new(raw.access_token), refresh_token: Secret::new(raw.refresh_token) })
}

/// A JSON body that could not be read: cut off (a network problem) or of a new shape.
fn unreadable(what: &str, error: &serde_json::Error) -> ConnectorError {
    if error.is_eof() {
        ConnectorError::Network(format!("the institution's {what} answer was cut off; nothing was saved; try again"))
    } else {
        pages::changed(what, &format!("the JSON does not read: {error}"))
    }
}

/// Which request an error answered: they mean different things at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Request {
    /// `grant_type=refresh_token`: an `invalid_grant` means the consent is gone.
    Refresh,
    /// `grant_type=authorization_code`: an `invalid_grant` means this consent did not take.
    Exchange,
    Api,
}

/// A non-2xx answer of `/token` or `/api` as the error it means.
pub fn api_error(status: u16, body: &str, retry_after: Option<&str>, today: Date, request: Request) -> ConnectorError {
    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct ErrorBody {
        error: String,
        maintenance_end: Option<String>,
        terms_url: Option<String>,
    }
    let body: ErrorBody = serde_json::from_str(body).unwrap_or_default();
    match (status, body.error.as_str()) {
        (410, _) | (_, "service_ended") => pages::system_notice(410, None, "", today)
            .unwrap_or_else(|| ConnectorError::Ended("the institution has ended this service".into())),
        (_, "maintenance") => {
            let until = body
                .maintenance_end
                .and_then(|end| OffsetDateTime::parse(&end, &Rfc3339).ok())
                .or_else(|| pages::maintenance_from_retry_after(retry_after));
            pages::maintenance(until)
        }
        (503, _) | (_, "temporarily_unavailable") => ConnectorError::Busy {
            message: "the institution is busy and asks to try again later".into(),
            retry_at: Some(pages::next_day_in_japan(today)),
        },
        (_, "terms_not_accepted") => ConnectorError::ActionRequired {
            message: "the institution has new terms of use; accept them at its site, then refresh again".into(),
            url: body.terms_url,
        },
        (_, "invalid_grant") if request == Request::Refresh => ConnectorError::ConsentExpired(
            "the consent you gave GIMS at the institution expired or was revoked; re-link the connection".into(),
        ),
        (_, "invalid_grant") => ConnectorError::ChallengeFailed(
            "the institution did not accept the consent (the code expired or was already used); link again".into(),
        ),
        (401, _) if request == Request::Api => pages::session_expired(),
        (status, _) if status >= 500 => ConnectorError::Network(format!(
            "the institution answered with a system error (HTTP {status}); try again later"
        )),
        (401 | 400 | 404, error) => pages::changed("API", &format!("it refused GIMS's request: HTTP {status} {error}")),
        (status, error) => ConnectorError::Network(format!(
            "the institution refused the request (HTTP {status} {error}); try again later"
        )),
    }
}

/// `GET /api/accounts`: accounts without their transactions yet.
pub fn accounts(json: &str) -> Result<Vec<FetchedAccount>, ConnectorError> {
    #[derive(Deserialize)]
    struct Body {
        accounts: Vec<ApiAccount>,
    }
    #[derive(Deserialize)]
    struct ApiAccount {
        id: String,
        name: String,
        kind: String,
        currency: String,
        balance: String,
        as_of: String,
    }
    let body: Body = serde_json::from_str(json).map_err(|error| unreadable("accounts", &error))?;
    body.accounts
        .into_iter()
        .map(|account| {
            let kind = AccountKind::from_str(&account.kind)
                .map_err(|_| pages::changed("accounts", &format!("an account of kind `{}`", account.kind)))?;
            Ok(FetchedAccount {
                external_id: account.id,
                name: account.name,
                kind,
                currency: account.currency,
                balance: Some(decimal(&account.balance, "accounts")?),
                balance_as_of: Some(
                    formats::iso_date(&account.as_of)
                        .ok_or_else(|| pages::changed("accounts", &format!("an as-of date `{}`", account.as_of)))?,
                ),
                transactions: Vec::new(),
                holdings: Vec::new(),
                expiries: Vec::new(),
                past_balances: Vec::new(),
            })
        })
        .collect()
}

fn decimal(text: &str, what: &str) -> Result<Decimal, ConnectorError> {
    Decimal::from_str(text).map_err(|_| pages::changed(what, &format!("an amount `{text}`")))
}

/// One page of `GET /api/accounts/{id}/transactions`.
#[derive(Debug, Clone, PartialEq)]
pub struct TransactionsPage {
    pub transactions: Vec<FetchedTransaction>,
    pub next_cursor: Option<String>,
}

pub fn transactions(json: &str) -> Result<TransactionsPage, ConnectorError> {
    #[derive(Deserialize)]
    struct Body {
        transactions: Vec<ApiTransaction>,
        next_cursor: Option<String>,
    }
    #[derive(Deserialize)]
    struct ApiTransaction {
        id: String,
        date: String,
        description: String,
        amount: String,
    }
    let body: Body = serde_json::from_str(json).map_err(|error| unreadable("transactions", &error))?;
    let transactions = body
        .transactions
        .into_iter()
        .map(|row| {
            Ok(FetchedTransaction {
                date: formats::iso_date(&row.date)
                    .ok_or_else(|| pages::changed("transactions", &format!("a transaction dated `{}`", row.date)))?,
                amount: decimal(&row.amount, "transactions")?,
                external_id: Some(row.id),
                description: row.description,
                memo: String::new(),
            })
        })
        .collect::<Result<Vec<_>, ConnectorError>>()?;
    Ok(TransactionsPage { transactions, next_cursor: body.next_cursor.filter(|cursor| !cursor.is_empty()) })
}

/// What a request to the loopback listener was.
pub enum Redirect {
    /// Not the callback (a favicon, a stray request): answer 404 and keep waiting.
    Elsewhere,
    /// The consent's answer: the code, or why there is none.
    Answer(Result<Secret<String>, ConnectorError>),
}

/// Reads the browser's request head (`GET /callback?code=…&state=… HTTP/1.1`).
pub fn redirect(request_head: &str, expected_state: &str) -> Redirect {
    let Some(target) = request_head.lines().next().and_then(|line| {
        let mut parts = line.split(' ');
        let (method, target) = (parts.next()?, parts.next()?);
        (method == "GET").then_some(target)
    }) else {
        return Redirect::Elsewhere;
    };
    let Ok(url) = reqwest::Url::parse("http://127.0.0.1").and_then(|base| base.join(target)) else {
        return Redirect::Elsewhere;
    };
    if url.path() != CALLBACK_PATH {
        return Redirect::Elsewhere;
    }
    let param = |name: &str| url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned());
    let failed = |message: String| Redirect::Answer(Err(ConnectorError::ChallengeFailed(message)));
    if param("state").as_deref() != Some(expected_state) {
        return failed("the consent's answer did not belong to this request (its state differs); link again".into());
    }
    match (param("error"), param("code")) {
        (Some(error), _) if error == "access_denied" => {
            failed("access was denied on the institution's consent page; link again and allow it".into())
        }
        (Some(error), _) => failed(format!("the institution refused the consent ({error}); link again")),
        (None, Some(code)) if !code.is_empty() => Redirect::Answer(Ok(Secret::new(code))),
        (None, _) => failed("the institution's answer carried no code; link again".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    const TODAY: Date = date!(2026 - 11 - 28);

    #[test]
    fn reads_tokens_without_showing_them() {
        let json = r#"{"access_token":"at-1","token_type":"Bearer","expires_in":3600,"refresh_token":"rt-1","refresh_expires_in":7776000,"scope":"accounts transactions"}"#;
        let tokens = tokens(json).unwrap();
        assert_eq!((tokens.access_token.expose().as_str(), tokens.refresh_token.expose().as_str()), ("at-1", "rt-1"));
        assert!(matches!(tokens_error(r#"{"access_token":"at-1","#), ConnectorError::Network(_)));
        assert!(matches!(tokens_error(r#"{"api_version":"2","result":{}}"#), ConnectorError::SiteChanged(_)));
    }

    fn tokens_error(json: &str) -> ConnectorError {
        match tokens(json) {
            Ok(_) => panic!("{json} read as tokens"),
            Err(error) => error,
        }
    }

    #[test]
    fn error_bodies_become_the_errors_they_mean() {
        let refresh = |status, body: &str| api_error(status, body, None, TODAY, Request::Refresh);
        assert!(
            matches!(refresh(400, r#"{"error":"invalid_grant"}"#), ConnectorError::ConsentExpired(m) if m.contains("re-link"))
        );
        assert!(matches!(
            api_error(400, r#"{"error":"invalid_grant"}"#, None, TODAY, Request::Exchange),
            ConnectorError::ChallengeFailed(_)
        ));
        assert_eq!(
            refresh(503, r#"{"error":"temporarily_unavailable"}"#),
            ConnectorError::Busy {
                message: "the institution is busy and asks to try again later".into(),
                retry_at: Some(datetime!(2026-11-29 00:00 +9)),
            }
        );
        assert!(matches!(
            refresh(503, r#"{"error":"maintenance","maintenance_end":"2026-11-28T04:00:00Z"}"#),
            ConnectorError::Maintenance { until: Some(until), .. } if until == datetime!(2026-11-28 04:00 UTC)
        ));
        assert!(matches!(
            api_error(403, r#"{"error":"terms_not_accepted","terms_url":"http://127.0.0.1:1/sandbox-oauth/terms"}"#, None, TODAY, Request::Api),
            ConnectorError::ActionRequired { url: Some(url), .. } if url.ends_with("/sandbox-oauth/terms")
        ));
        assert!(matches!(refresh(500, r#"{"error":"server_error"}"#), ConnectorError::Network(_)));
        assert!(matches!(refresh(410, r#"{"error":"service_ended"}"#), ConnectorError::Ended(_)));
        assert!(matches!(
            api_error(401, r#"{"error":"invalid_token"}"#, None, TODAY, Request::Api),
            ConnectorError::Network(m) if m.contains("expired")
        ));
        assert!(matches!(refresh(401, r#"{"error":"invalid_client"}"#), ConnectorError::SiteChanged(_)));
    }

    #[test]
    fn reads_accounts_and_transaction_pages() {
        let accounts = accounts(
            r#"{"accounts":[{"id":"1234567","name":"普通預金","kind":"bank","currency":"JPY","balance":"1234567","as_of":"2026-11-28"}]}"#,
        )
        .unwrap();
        assert_eq!(accounts[0].external_id, "1234567");
        assert_eq!(accounts[0].kind, AccountKind::Bank);
        assert_eq!(accounts[0].balance, Some(Decimal::from(1_234_567)));
        assert_eq!(accounts[0].balance_as_of, Some(TODAY));
        let page = transactions(
            r#"{"transactions":[{"id":"S2026112801","date":"2026-11-28","description":"ATM","amount":"-10000","balance":"1","currency":"JPY"}],"next_cursor":"MTIzOjUw"}"#,
        )
        .unwrap();
        assert_eq!(page.transactions[0].amount, Decimal::from(-10_000));
        assert_eq!(page.next_cursor.as_deref(), Some("MTIzOjUw"));
        let last = transactions(r#"{"transactions":[],"next_cursor":null}"#).unwrap();
        assert_eq!(last.next_cursor, None);
        let wrapped = r#"{"api_version":"2","result":{"accounts":[]}}"#;
        assert!(
            matches!(super::accounts(wrapped), Err(ConnectorError::SiteChanged(m)) if m.contains("no longer looks as expected"))
        );
    }

    #[test]
    fn reads_the_browsers_redirect() {
        let head = "GET /callback?code=c0de&state=s1 HTTP/1.1\r\nHost: 127.0.0.1:5555\r\n\r\n";
        assert!(matches!(redirect(head, "s1"), Redirect::Answer(Ok(code)) if code.expose() == "c0de"));
        assert!(matches!(redirect(head, "other"), Redirect::Answer(Err(ConnectorError::ChallengeFailed(_)))));
        let denied = "GET /callback?error=access_denied&state=s1 HTTP/1.1\r\n\r\n";
        assert!(
            matches!(redirect(denied, "s1"), Redirect::Answer(Err(ConnectorError::ChallengeFailed(m))) if m.contains("denied"))
        );
        assert!(matches!(redirect("GET /favicon.ico HTTP/1.1\r\n\r\n", "s1"), Redirect::Elsewhere));
        assert!(matches!(redirect("garbage", "s1"), Redirect::Elsewhere));
    }
}
