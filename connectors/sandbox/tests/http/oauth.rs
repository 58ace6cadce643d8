use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use gims_sandbox::data::dataset;
use reqwest::{Client, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::Duration;

use crate::harness::*;

pub const REDIRECT_URI: &str = "http://127.0.0.1:9/cb";
pub const VERIFIER: &str = "a-verifier-that-is-long-enough-for-rfc-7636-0123456789";

fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn authorize_query(state: &str) -> String {
    format!(
        "response_type=code&client_id=gims&redirect_uri={}&state={state}&code_challenge={}&code_challenge_method=S256",
        "http%3A%2F%2F127.0.0.1%3A9%2Fcb",
        challenge(VERIFIER)
    )
}

/// Consent as `login`; returns the code from the redirect.
pub async fn consent(harness: &Harness, login: &str) -> String {
    let client = client();
    let page = harness.page(&client, &format!("/sandbox-oauth/authorize?{}", authorize_query("xyz"))).await;
    let hidden: Vec<(String, String)> = page
        .select(&selector("#consent-form input[type=hidden]"))
        .map(|input| (input.value().attr("name").unwrap().to_owned(), input.value().attr("value").unwrap().to_owned()))
        .collect();
    let mut form = hidden;
    form.extend([
        ("login_id".to_owned(), login.to_owned()),
        ("password".to_owned(), "sandbox".to_owned()),
        ("decision".to_owned(), "approve".to_owned()),
    ]);
    let response = client.post(harness.url("/sandbox-oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = location(&response);
    let query = location.strip_prefix("http://127.0.0.1:9/cb?").expect("back to the redirect URI");
    let params: Vec<(&str, &str)> = query.split('&').filter_map(|pair| pair.split_once('=')).collect();
    assert!(params.contains(&("state", "xyz")));
    params.iter().find(|(name, _)| *name == "code").unwrap().1.to_owned()
}

pub async fn token(harness: &Harness, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = Client::new().post(harness.url("/sandbox-oauth/token")).form(form).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

pub async fn exchange(harness: &Harness, code: &str, verifier: &str) -> (StatusCode, Value) {
    token(
        harness,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT_URI),
            ("code_verifier", verifier),
            ("client_id", "gims"),
        ],
    )
    .await
}

pub async fn refresh(harness: &Harness, refresh_token: &str) -> (StatusCode, Value) {
    token(harness, &[("grant_type", "refresh_token"), ("refresh_token", refresh_token), ("client_id", "gims")]).await
}

pub async fn api(harness: &Harness, access_token: &str, path: &str) -> (StatusCode, Value) {
    let response = Client::new().get(harness.url(path)).bearer_auth(access_token).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

/// Consent + code exchange: (access token, refresh token).
pub async fn linked(harness: &Harness, login: &str) -> (String, String) {
    let code = consent(harness, login).await;
    let (status, tokens) = exchange(harness, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK, "{tokens}");
    (tokens["access_token"].as_str().unwrap().to_owned(), tokens["refresh_token"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn code_with_pkce_gives_tokens_once() {
    let harness = Harness::start().await;
    let code = consent(&harness, "otto").await;
    let (status, error) = exchange(&harness, &code, "not-the-verifier").await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    // That try consumed the code: even the right verifier is too late now.
    let (status, _) = exchange(&harness, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let code = consent(&harness, "otto").await;
    let (status, tokens) = exchange(&harness, &code, VERIFIER).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["refresh_expires_in"], 90 * 24 * 3600);
    let (status, error) = exchange(&harness, &code, VERIFIER).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));

    let code = consent(&harness, "otto").await;
    harness.clock.advance(Duration::seconds(61));
    assert_eq!(exchange(&harness, &code, VERIFIER).await.0, StatusCode::BAD_REQUEST, "codes live 60 s");
}

#[tokio::test]
async fn consent_page_refuses_bad_requests_and_wrong_passwords_and_can_be_denied() {
    let harness = Harness::start().await;
    let client = client();
    let no_pkce = harness
        .get(&client, "/sandbox-oauth/authorize?response_type=code&client_id=gims&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s")
        .await;
    assert_eq!(no_pkce.status(), StatusCode::BAD_REQUEST);
    let form = [
        ("response_type", "code"),
        ("client_id", "gims"),
        ("redirect_uri", REDIRECT_URI),
        ("state", "s1"),
        ("code_challenge", "abc"),
        ("code_challenge_method", "S256"),
        ("login_id", "otto"),
        ("password", "wrong"),
        ("decision", "approve"),
    ];
    let wrong = client.post(harness.url("/sandbox-oauth/authorize")).form(&form).send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::OK);
    assert!(exists(&scraper::Html::parse_document(&wrong.text().await.unwrap()), "#login-error"));
    let mut deny = form.to_vec();
    deny[8] = ("decision", "deny");
    let denied = client.post(harness.url("/sandbox-oauth/authorize")).form(&deny).send().await.unwrap();
    assert_eq!(location(&denied), "http://127.0.0.1:9/cb?error=access_denied&state=s1");
}

#[tokio::test]
async fn the_api_serves_the_dataset_with_cursor_paging() {
    let harness = Harness::start().await;
    let (access, _) = linked(&harness, "olga").await;
    let expected = dataset("sandbox-oauth", "olga", harness.today());
    let (status, body) = api(&harness, &access, "/sandbox-oauth/api/accounts").await;
    assert_eq!(status, StatusCode::OK);
    let accounts = body["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), expected.accounts.len());
    for (served, account) in accounts.iter().zip(&expected.accounts) {
        assert_eq!(served["id"], account.id.as_str());
        assert_eq!(served["balance"], account.balance.to_string());
        assert_eq!(served["kind"], "bank");
    }

    let ordinary = &expected.accounts[0];
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            None => format!("/sandbox-oauth/api/accounts/{}/transactions", ordinary.id),
            Some(cursor) => format!("/sandbox-oauth/api/accounts/{}/transactions?cursor={cursor}", ordinary.id),
        };
        let (status, page) = api(&harness, &access, &path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let transactions = page["transactions"].as_array().unwrap();
        assert!(transactions.len() <= 50);
        ids.extend(transactions.iter().map(|t| t["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(ids, ordinary.transactions.iter().map(|t| t.id.clone()).collect::<Vec<_>>());

    let from = harness.today() - Duration::days(9);
    let (_, recent) =
        api(&harness, &access, &format!("/sandbox-oauth/api/accounts/{}/transactions?from={from}", ordinary.id)).await;
    let expected_recent = ordinary.transactions.iter().filter(|t| t.date >= from).count();
    assert_eq!(recent["transactions"].as_array().unwrap().len(), expected_recent);
    let first = &recent["transactions"][0];
    assert_eq!(first["amount"], ordinary.transactions[0].amount.to_string());
    assert_eq!(first["date"], ordinary.transactions[0].date.to_string());

    let (status, _) = api(&harness, &access, "/sandbox-oauth/api/accounts/0000000/transactions").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn tokens_expire_and_refresh_rotates() {
    let harness = Harness::start().await;
    let (access, refresh_token) = linked(&harness, "rita").await;
    let (status, error) = api(&harness, "garbage", "/sandbox-oauth/api/accounts").await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));

    harness.clock.advance(Duration::seconds(3601));
    let (status, error) = api(&harness, &access, "/sandbox-oauth/api/accounts").await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));

    let (status, renewed) = refresh(&harness, &refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let new_access = renewed["access_token"].as_str().unwrap();
    assert_eq!(api(&harness, new_access, "/sandbox-oauth/api/accounts").await.0, StatusCode::OK);
    assert_eq!(refresh(&harness, &refresh_token).await.0, StatusCode::BAD_REQUEST, "rotated away");

    let new_refresh = renewed["refresh_token"].as_str().unwrap();
    harness.clock.advance(Duration::days(90) + Duration::seconds(1));
    let (status, error) = refresh(&harness, new_refresh).await;
    assert_eq!((status, error["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
}
