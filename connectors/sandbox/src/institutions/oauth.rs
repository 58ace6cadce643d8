//! The OAuth-style API bank (sandbox-oauth): an authorization-code consent with PKCE (S256),
//! a token endpoint with refresh, and a Bearer JSON API with cursor paging.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::{Date, Duration, OffsetDateTime};

use super::Ctx;
use crate::faults::{self, Fault};
use crate::html::{escape, redirect, respond};
use crate::session::random_token;

pub const CLIENT_ID: &str = "gims";
pub const CODE_VALIDITY: Duration = Duration::seconds(60);
pub const ACCESS_TOKEN_VALIDITY: Duration = Duration::hours(1);
pub const REFRESH_TOKEN_VALIDITY: Duration = Duration::days(90);
/// Transactions per API page.
pub const API_PAGE_SIZE: usize = 50;

#[derive(Debug)]
struct AuthorizationCode {
    login_id: String,
    redirect_uri: String,
    code_challenge: String,
    expires_at: OffsetDateTime,
    used: bool,
}

#[derive(Debug, Clone)]
struct Grant {
    login_id: String,
    expires_at: OffsetDateTime,
    /// The `consent_expired` epoch it was issued under (see `Faults`).
    epoch: u64,
}

/// Codes and tokens issued by sandbox-oauth.
#[derive(Debug, Default)]
pub struct Grants {
    codes: HashMap<String, AuthorizationCode>,
    access_tokens: HashMap<String, Grant>,
    refresh_tokens: HashMap<String, Grant>,
}

pub fn routes() -> Router<Ctx> {
    Router::new()
        .route("/authorize", get(authorize_page).post(authorize))
        .route("/token", post(token))
        .route("/api/accounts", get(api_accounts))
        .route("/api/accounts/{account_id}/transactions", get(api_transactions))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AuthorizeRequest {
    response_type: String,
    client_id: String,
    redirect_uri: String,
    state: String,
    code_challenge: String,
    code_challenge_method: String,
    // Only in the consent form's POST:
    login_id: String,
    password: String,
    decision: String,
}

impl AuthorizeRequest {
    /// Why the request cannot be served; such requests are never redirected back, since the
    /// redirect URI itself may be the problem.
    fn problem(&self) -> Option<&'static str> {
        if self.response_type != "code" {
            Some("response_type は code のみ対応しています。")
        } else if self.client_id != CLIENT_ID {
            Some("client_id が登録されていません。")
        } else if !(self.redirect_uri.starts_with("http://127.0.0.1:")
            || self.redirect_uri.starts_with("http://localhost:"))
        {
            Some("redirect_uri はループバックアドレスのみ登録されています。")
        } else if self.code_challenge_method != "S256" || self.code_challenge.is_empty() {
            Some("PKCE（code_challenge_method=S256）が必要です。")
        } else {
            None
        }
    }

    fn redirect_with(&self, params: &[(&str, &str)]) -> Response {
        let separator = if self.redirect_uri.contains('?') { '&' } else { '?' };
        let query: Vec<String> = params
            .iter()
            .chain([("state", self.state.as_str())].iter().filter(|_| !self.state.is_empty()))
            .map(|(name, value)| format!("{name}={}", percent_encode(value)))
            .collect();
        redirect(&format!("{}{separator}{}", self.redirect_uri, query.join("&")))
    }
}

fn percent_encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (byte as char).to_string(),
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn bad_request_page(ctx: &Ctx, problem: &str) -> Response {
    respond(
        StatusCode::BAD_REQUEST,
        ctx.page("認可エラー", &format!("<p id=\"oauth-error\" class=\"error\">{}</p>", escape(problem))),
    )
}

fn consent_page(ctx: &Ctx, request: &AuthorizeRequest, error: Option<&str>) -> Response {
    let hidden: String = [
        ("response_type", &request.response_type),
        ("client_id", &request.client_id),
        ("redirect_uri", &request.redirect_uri),
        ("state", &request.state),
        ("code_challenge", &request.code_challenge),
        ("code_challenge_method", &request.code_challenge_method),
    ]
    .iter()
    .map(|(name, value)| format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n", escape(value)))
    .collect();
    let error = error
        .map(|message| format!("<p id=\"login-error\" class=\"error\" role=\"alert\">{}</p>\n", escape(message)))
        .unwrap_or_default();
    respond(
        StatusCode::OK,
        ctx.page(
            "アクセスの許可",
            &format!(
                "<div id=\"consent\"><p><strong>GIMS</strong> が次の情報の参照を求めています：口座情報、入出金明細。</p>\
                 <p>許可の有効期間は90日間です。</p></div>\n{error}\
                 <form id=\"consent-form\" method=\"post\" action=\"{action}\">\n{hidden}\
                 <label>ログインID <input type=\"text\" name=\"login_id\" autocomplete=\"username\"></label>\n\
                 <label>パスワード <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label>\n\
                 <button type=\"submit\" id=\"approve\" name=\"decision\" value=\"approve\">許可する</button>\n\
                 <button type=\"submit\" id=\"deny\" name=\"decision\" value=\"deny\">拒否する</button>\n</form>",
                action = ctx.path("/authorize"),
            ),
        ),
    )
}

/// GET /authorize: the consent page with its login form.
async fn authorize_page(State(ctx): State<Ctx>, Query(request): Query<AuthorizeRequest>) -> Response {
    match request.problem() {
        Some(problem) => bad_request_page(&ctx, problem),
        None => consent_page(&ctx, &request, None),
    }
}

/// POST /authorize: approve → 302 `redirect_uri?code=…&state=…`; deny → `?error=access_denied`.
async fn authorize(State(ctx): State<Ctx>, Form(request): Form<AuthorizeRequest>) -> Response {
    if let Some(problem) = request.problem() {
        return bad_request_page(&ctx, problem);
    }
    if request.decision == "deny" {
        return request.redirect_with(&[("error", "access_denied")]);
    }
    if !ctx.world().passwords.accepts(request.login_id.trim(), &request.password) {
        return consent_page(&ctx, &request, Some("ログインIDまたはパスワードが正しくありません。"));
    }
    let code = random_token();
    ctx.world().oauth.codes.insert(
        code.clone(),
        AuthorizationCode {
            login_id: request.login_id.trim().to_owned(),
            redirect_uri: request.redirect_uri.clone(),
            code_challenge: request.code_challenge.clone(),
            expires_at: ctx.now() + CODE_VALIDITY,
            used: false,
        },
    );
    request.redirect_with(&[("code", &code)])
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TokenRequest {
    grant_type: String,
    code: String,
    redirect_uri: String,
    code_verifier: String,
    client_id: String,
    refresh_token: String,
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(json!({ "error": error }))).into_response()
}

/// base64url(SHA-256(verifier)) without padding, RFC 7636's S256.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// POST /token: `authorization_code` (single use, 60 s, PKCE checked) or `refresh_token`
/// (rotated: the old refresh token stops working).
async fn token(State(ctx): State<Ctx>, Form(request): Form<TokenRequest>) -> Response {
    if request.client_id != CLIENT_ID {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    let now = ctx.now();
    let mut world = ctx.world();
    let world = &mut *world;
    let epoch = world.faults.consent_epoch(ctx.institution.id);
    let login_id = match request.grant_type.as_str() {
        "authorization_code" => {
            let Some(code) = world.oauth.codes.get_mut(&request.code) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            let usable = !code.used
                && now <= code.expires_at
                && code.redirect_uri == request.redirect_uri
                && s256_challenge(&request.code_verifier) == code.code_challenge;
            // Any presentation consumes the code, as RFC 6749 §4.1.2 asks.
            code.used = true;
            if !usable {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            }
            code.login_id.clone()
        }
        "refresh_token" => {
            let Some(grant) = world.oauth.refresh_tokens.get(&request.refresh_token) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            };
            // A revoked consent keeps its tokens: they work again once the fault is cleared.
            if now > grant.expires_at || world.faults.consent_revoked(ctx.institution.id, grant.epoch) {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
            }
            let login_id = grant.login_id.clone();
            world.oauth.refresh_tokens.remove(&request.refresh_token);
            login_id
        }
        "" => return oauth_error(StatusCode::BAD_REQUEST, "invalid_request"),
        _ => return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    };
    let (access_token, refresh_token) = (random_token(), random_token());
    world.oauth.access_tokens.insert(
        access_token.clone(),
        Grant { login_id: login_id.clone(), expires_at: now + ACCESS_TOKEN_VALIDITY, epoch },
    );
    world
        .oauth
        .refresh_tokens
        .insert(refresh_token.clone(), Grant { login_id, expires_at: now + REFRESH_TOKEN_VALIDITY, epoch });
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_VALIDITY.whole_seconds(),
            "refresh_token": refresh_token,
            "refresh_expires_in": REFRESH_TOKEN_VALIDITY.whole_seconds(),
            "scope": "accounts transactions",
        })),
    )
        .into_response()
}

/// The login behind a valid Bearer token, or the API's 401/403.
#[allow(
    clippy::result_large_err,
    reason = "the error is the HTTP response itself, returned straight to axum; boxing buys nothing"
)]
fn bearer(ctx: &Ctx, headers: &HeaderMap) -> Result<(String, String), Response> {
    let invalid = || {
        let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token");
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"".parse().expect("static header"));
        response
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(invalid)?
        .trim()
        .to_owned();
    let world = ctx.world();
    let grant = world.oauth.access_tokens.get(&token).ok_or_else(invalid)?;
    if ctx.now() > grant.expires_at || world.faults.consent_revoked(ctx.institution.id, grant.epoch) {
        return Err(invalid());
    }
    if world.faults.active(ctx.institution.id) == Some(Fault::Terms) {
        return Err((
            StatusCode::FORBIDDEN,
            Json(json!({
                "error": "terms_not_accepted",
                "terms_url": format!("{}{}", ctx.shared.base_url(), ctx.path("/terms")),
            })),
        )
            .into_response());
    }
    Ok((token, grant.login_id.clone()))
}

/// Under `page_changed` the API moves to a new envelope that old clients cannot read.
fn api_body(ctx: &Ctx, body: Value) -> Value {
    if ctx.fault() == Some(Fault::PageChanged) { json!({ "api_version": "2", "result": body }) } else { body }
}

/// GET /api/accounts
async fn api_accounts(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let (_, login_id) = match bearer(&ctx, &headers) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let data = ctx.dataset(&login_id);
    let accounts: Vec<Value> = data
        .accounts
        .iter()
        .map(|account| {
            json!({
                "id": account.id,
                "name": account.name,
                "kind": account.kind.as_str(),
                "currency": "JPY",
                "balance": account.balance.to_string(),
                "as_of": data.today.to_string(),
            })
        })
        .collect();
    Json(api_body(&ctx, json!({ "accounts": accounts }))).into_response()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct TransactionsQuery {
    from: Option<String>,
    to: Option<String>,
    cursor: Option<String>,
}

fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text, time::macros::format_description!("[year]-[month]-[day]")).ok()
}

/// GET /api/accounts/{id}/transactions?from=&to=&cursor=: newest first, 50 a page,
/// `next_cursor` null on the last page.
async fn api_transactions(
    State(ctx): State<Ctx>,
    Path(account_id): Path<String>,
    Query(query): Query<TransactionsQuery>,
    headers: HeaderMap,
) -> Response {
    let (token, login_id) = match bearer(&ctx, &headers) {
        Ok(found) => found,
        Err(response) => return response,
    };
    let invalid_request = || oauth_error(StatusCode::BAD_REQUEST, "invalid_request");
    let from = match query.from.as_deref().map(parse_day) {
        Some(None) => return invalid_request(),
        Some(Some(day)) => Some(day),
        None => None,
    };
    let to = match query.to.as_deref().map(parse_day) {
        Some(None) => return invalid_request(),
        Some(Some(day)) => Some(day),
        None => None,
    };
    let offset = match query.cursor.as_deref() {
        None | Some("") => 0,
        Some(cursor) => match decode_cursor(cursor, &account_id) {
            Some(offset) => offset,
            None => return invalid_request(),
        },
    };
    let data = ctx.dataset(&login_id);
    let Some(account) = data.account(&account_id) else {
        return oauth_error(StatusCode::NOT_FOUND, "not_found");
    };
    let selected: Vec<_> = account
        .transactions
        .iter()
        .filter(|t| from.is_none_or(|from| t.date >= from) && to.is_none_or(|to| t.date <= to))
        .collect();
    let page: Vec<Value> = selected
        .iter()
        .skip(offset)
        .take(API_PAGE_SIZE)
        .map(|t| {
            json!({
                "id": t.id,
                "date": t.date.to_string(),
                "description": t.description,
                "amount": t.amount.to_string(),
                "balance": t.balance.to_string(),
                "currency": "JPY",
            })
        })
        .collect();
    let next_offset = offset + API_PAGE_SIZE;
    let next_cursor =
        (next_offset < selected.len()).then(|| URL_SAFE_NO_PAD.encode(format!("{account_id}:{next_offset}")));
    let body = api_body(&ctx, json!({ "transactions": page, "next_cursor": next_cursor }));
    match ctx.fault() {
        Some(Fault::Truncated) => faults::truncated(body.to_string(), "application/json"),
        Some(Fault::SessionExpiry) => {
            ctx.world().oauth.access_tokens.remove(&token);
            Json(body).into_response()
        }
        _ => Json(body).into_response(),
    }
}

fn decode_cursor(cursor: &str, account_id: &str) -> Option<usize> {
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let (account, offset) = decoded.rsplit_once(':')?;
    (account == account_id).then_some(())?;
    offset.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_matches_rfc_7636_appendix_b() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn cursors_belong_to_their_account() {
        let cursor = URL_SAFE_NO_PAD.encode("1234567:50");
        assert_eq!(decode_cursor(&cursor, "1234567"), Some(50));
        assert_eq!(decode_cursor(&cursor, "7654321"), None);
        assert_eq!(decode_cursor("%%%", "1234567"), None);
        assert_eq!(percent_encode("a b/ü"), "a%20b%2F%C3%BC");
    }
}
