//! サンドボックスAPI銀行 (sandbox-oauth): an OAuth-style API bank. Linking opens its consent page
//! in the browser (authorization code with PKCE S256, redirected to a one-shot listener on
//! 127.0.0.1); later runs use the refresh token, which the bank rotates at every use, so the new
//! one is kept for the keychain. Unattended runs work once linked; only linking needs the user.

mod loopback;
pub mod parse;

use super::{ENDPOINT, UNATTENDED, pages, site};
use crate::context::Context;
use crate::contract::{Category, Challenge, Connector, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::secret::Secret;
use crate::vocabulary::AuthKind;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use parse::{Request, Tokens};
use reqwest::Url;
use sha2::{Digest, Sha256};
use std::time::Duration;

pub struct SandboxOauth;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-oauth",
    name: "サンドボックスAPI銀行",
    category: Category::Bank,
    aliases: &["Sandbox API Bank", "Sandbox OAuth"],
    auth: AuthKind::Oauth,
    fields: &[],
    policy: UNATTENDED,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

/// The client id the bank registered GIMS under (a public client: PKCE, no secret).
const CLIENT_ID: &str = "gims";
/// How long the consent page may stay open in the browser.
const CONSENT_TIMEOUT: Duration = Duration::from_secs(10 * 60);
/// A transaction history longer than this many pages is a cursor that never ends.
const MAX_PAGES: usize = 1_000;

#[async_trait::async_trait]
impl Connector for SandboxOauth {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        let tokens = match ctx.credential("refresh_token").ok().cloned() {
            Some(refresh_token) => {
                let form = [
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token.expose().as_str()),
                    ("client_id", CLIENT_ID),
                ];
                token(ctx, &form, Request::Refresh).await?
            }
            None => link(ctx).await?,
        };
        ctx.keep_credential("refresh_token", tokens.refresh_token);
        ctx.keep_credential("access_token", tokens.access_token);
        Ok(())
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let access_token = ctx
            .kept_credential("access_token")
            .cloned()
            .ok_or_else(|| ConnectorError::Network("GIMS has no access token from the login; try again".into()))?;
        let mut accounts = parse::accounts(&api_get(ctx, site::url(ctx, "/api/accounts")?, &access_token).await?)?;
        for account in &mut accounts {
            let mut cursor: Option<String> = None;
            for page_number in 1.. {
                if page_number > MAX_PAGES {
                    return Err(pages::changed("transactions", &format!("more than {MAX_PAGES} pages")));
                }
                let url = transactions_url(ctx, &account.external_id, cursor.as_deref())?;
                let page = parse::transactions(&api_get(ctx, url, &access_token).await?)?;
                account.transactions.extend(page.transactions);
                match page.next_cursor {
                    Some(next) => cursor = Some(next),
                    None => break,
                }
            }
        }
        Ok(Fetched { accounts })
    }
}

/// First link or re-link: the consent page in the browser, its code back on the loopback, PKCE.
async fn link(ctx: &Context) -> Result<Tokens, ConnectorError> {
    ctx.require_interactive("linking this bank needs your consent on its page in the browser")?;
    let listener = loopback::Listener::open().await?;
    let state = random_url_safe(16)?;
    let verifier = Secret::new(random_url_safe(32)?);
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()));
    let mut authorize = site::url(ctx, "/authorize")?;
    authorize
        .query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", CLIENT_ID)
        .append_pair("redirect_uri", listener.redirect_uri())
        .append_pair("state", &state)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");

    let ask = ctx.ask(Challenge::Consent { url: authorize.to_string() });
    tokio::pin!(ask);
    let answer = listener.answer(&state);
    tokio::pin!(answer);
    let timeout = tokio::time::sleep(CONSENT_TIMEOUT);
    tokio::pin!(timeout);
    let mut asking = true;
    let code = loop {
        tokio::select! {
            code = &mut answer => break code?,
            // "Done" in the dialog: the redirect is what counts, keep waiting for it.
            reply = &mut ask, if asking => {
                reply?;
                asking = false;
            }
            () = &mut timeout => return Err(ConnectorError::ChallengeTimedOut),
            () = ctx.cancel.cancelled() => return Err(ConnectorError::Cancelled),
        }
    };
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.expose().as_str()),
        ("redirect_uri", listener.redirect_uri()),
        ("code_verifier", verifier.expose().as_str()),
        ("client_id", CLIENT_ID),
    ];
    token(ctx, &form, Request::Exchange).await
}

/// `POST /token`.
async fn token(ctx: &Context, form: &[(&str, &str)], request: Request) -> Result<Tokens, ConnectorError> {
    let body = answer(ctx, ctx.http.post(site::url(ctx, "/token")?).form(form), request).await?;
    parse::tokens(&body)
}

/// `GET` an API URL with the access token.
async fn api_get(ctx: &Context, url: Url, access_token: &Secret<String>) -> Result<String, ConnectorError> {
    answer(ctx, ctx.http.get(url).bearer_auth(access_token.expose()), Request::Api).await
}

/// The body of a 2xx answer; any other answer as the error it means.
async fn answer(ctx: &Context, request: reqwest::RequestBuilder, kind: Request) -> Result<String, ConnectorError> {
    let response = ctx.send(request).await?;
    let status = response.status();
    let retry_after =
        response.headers().get(reqwest::header::RETRY_AFTER).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let body = ctx.text(response).await?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(parse::api_error(status.as_u16(), &body, retry_after.as_deref(), ctx.today, kind))
    }
}

/// `/api/accounts/{id}/transactions?from=START[&cursor=C]`: the bank filters by the start date.
fn transactions_url(ctx: &Context, account_id: &str, cursor: Option<&str>) -> Result<Url, ConnectorError> {
    let mut url = site::url(ctx, "/api/accounts")?;
    url.path_segments_mut()
        .map_err(|()| {
            ConnectorError::Network("the institution's address cannot take a path; check the endpoint".into())
        })?
        .push(account_id)
        .push("transactions");
    {
        let mut query = url.query_pairs_mut();
        if let Some(start) = ctx.start_date {
            query.append_pair("from", &start.to_string());
        }
        if let Some(cursor) = cursor {
            query.append_pair("cursor", cursor);
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    Ok(url)
}

/// `bytes` random bytes as base64url: PKCE verifiers (32 bytes → 43 characters) and states.
fn random_url_safe(bytes: usize) -> Result<String, ConnectorError> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer).map_err(|error| {
        ConnectorError::Network(format!("the system gave no random numbers for the consent ({error}); try again"))
    })?;
    Ok(URL_SAFE_NO_PAD.encode(buffer))
}
