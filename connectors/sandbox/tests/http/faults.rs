use std::time::Instant;

use gims_sandbox::data::{dataset, migrated_account_id};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::harness::*;
use crate::oauth::{api, linked, refresh};

#[tokio::test]
async fn busy_is_an_ordinary_page_for_html_and_503_for_the_api() {
    let harness = Harness::start().await;
    let client = client();
    harness.set_fault("sandbox-bank", Some("busy")).await;
    let page = harness.page(&client, "/sandbox-bank/login").await;
    assert_eq!(text(&page, "#busy"), "ただいま混み合っています。明日以降に再度お試しください。");
    assert!(!exists(&page, "#login-form"));
    harness.set_fault("sandbox-bank", None).await;
    assert!(exists(&harness.page(&client, "/sandbox-bank/login").await, "#login-form"));

    let (access, _) = linked(&harness, "busy-api").await;
    harness.set_fault("sandbox-oauth", Some("busy")).await;
    let (status, body) = api(&harness, &access, "/sandbox-oauth/api/accounts").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::SERVICE_UNAVAILABLE, Some("temporarily_unavailable")));
    harness.set_fault("sandbox-oauth", None).await;
    assert_eq!(api(&harness, &access, "/sandbox-oauth/api/accounts").await.0, StatusCode::OK);
}

#[tokio::test]
async fn maintenance_says_when_it_ends() {
    let harness = Harness::start().await;
    let client = client();
    harness.set_fault("sandbox-card", Some("maintenance")).await;
    let response = harness.get(&client, "/sandbox-card/login").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "10800");
    let page = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(
        attr(&page, "#maintenance", "data-maintenance-end"),
        (START + Duration::hours(3)).format(&Rfc3339).unwrap()
    );
    assert!(text(&page, "#maintenance").contains("13:00 まで"));
    harness.set_fault("sandbox-card", None).await;
    assert_eq!(harness.get(&client, "/sandbox-card/login").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn consent_expired_asks_html_users_to_log_in_again() {
    let harness = Harness::start().await;
    let client = client();
    harness.set_fault("sandbox-bank", Some("consent_expired")).await;
    harness.login(&client, "sandbox-bank", "cathy", "/accounts").await;
    let page = harness.page(&client, "/sandbox-bank/accounts").await;
    assert!(exists(&page, "#relogin-required") && !exists(&page, "#accounts"));
    harness.set_fault("sandbox-bank", None).await;
    harness.login(&client, "sandbox-bank", "cathy", "/accounts").await;
    assert!(exists(&harness.page(&client, "/sandbox-bank/accounts").await, "#accounts"));
}

#[tokio::test]
async fn consent_expired_revokes_existing_oauth_grants_until_relinked() {
    let harness = Harness::start().await;
    let (access, refresh_token) = linked(&harness, "omar").await;
    harness.set_fault("sandbox-oauth", Some("consent_expired")).await;
    let (status, body) = refresh(&harness, &refresh_token).await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::BAD_REQUEST, Some("invalid_grant")));
    let (status, body) = api(&harness, &access, "/sandbox-oauth/api/accounts").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::UNAUTHORIZED, Some("invalid_token")));
    // Re-linking (a fresh consent) works while the fault is on.
    let (relinked, _) = linked(&harness, "omar").await;
    assert_eq!(api(&harness, &relinked, "/sandbox-oauth/api/accounts").await.0, StatusCode::OK);
    harness.set_fault("sandbox-oauth", None).await;
    assert_eq!(api(&harness, &access, "/sandbox-oauth/api/accounts").await.0, StatusCode::OK);
    assert_eq!(refresh(&harness, &refresh_token).await.0, StatusCode::OK);
}

#[tokio::test]
async fn terms_block_data_pages_until_accepted_at_the_site() {
    let harness = Harness::start().await;
    let client = client();
    harness.set_fault("sandbox-bank", Some("terms")).await;
    harness.login(&client, "sandbox-bank", "tina", "/accounts").await;
    let page = harness.page(&client, "/sandbox-bank/accounts").await;
    assert!(exists(&page, "#terms-required") && !exists(&page, "#accounts"));
    assert_eq!(attr(&page, "#terms-url", "href"), harness.url("/sandbox-bank/terms"));

    let terms = harness.page(&client, "/sandbox-bank/terms").await;
    let csrf = attr(&terms, "#terms-form input[name=csrf]", "value");
    let accepted = client
        .post(harness.url("/sandbox-bank/terms"))
        .form(&[("csrf", csrf.as_str()), ("agree", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&accepted), "/sandbox-bank/accounts");
    assert!(exists(&harness.page(&client, "/sandbox-bank/accounts").await, "#accounts"));

    // Other logins still have to accept; clearing the fault opens the pages for them too.
    let other = crate::harness::client();
    harness.login(&other, "sandbox-bank", "ted", "/accounts").await;
    assert!(exists(&harness.page(&other, "/sandbox-bank/accounts").await, "#terms-required"));
    harness.set_fault("sandbox-bank", None).await;
    assert!(exists(&harness.page(&other, "/sandbox-bank/accounts").await, "#accounts"));
}

#[tokio::test]
async fn page_changed_breaks_the_documented_selectors() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-bank", "paula", "/accounts").await;
    harness.set_fault("sandbox-bank", Some("page_changed")).await;
    let page = harness.page(&client, "/sandbox-bank/accounts").await;
    assert!(!exists(&page, "table#accounts") && !exists(&page, "tr.account") && !exists(&page, "td.balance"));
    assert!(page.html().contains("普通預金"), "the content is still there");
    harness.set_fault("sandbox-bank", None).await;
    assert!(exists(&harness.page(&client, "/sandbox-bank/accounts").await, "table#accounts tr.account"));

    let (access, _) = linked(&harness, "paula").await;
    harness.set_fault("sandbox-oauth", Some("page_changed")).await;
    let (status, body) = api(&harness, &access, "/sandbox-oauth/api/accounts").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("accounts").is_none() && body["result"]["accounts"].is_array());
}

#[tokio::test]
async fn slow_holds_responses_for_three_seconds() {
    let harness = Harness::start().await;
    let client = client();
    harness.set_fault("sandbox-points", Some("slow")).await;
    let started = Instant::now();
    harness.page(&client, "/sandbox-points/login").await;
    assert!(started.elapsed() >= std::time::Duration::from_secs(3));
    harness.set_fault("sandbox-points", None).await;
    let started = Instant::now();
    harness.page(&client, "/sandbox-points/login").await;
    assert!(started.elapsed() < std::time::Duration::from_secs(2));
}

#[tokio::test]
async fn http_500_and_ended() {
    let harness = Harness::start().await;
    let client = client();
    harness.set_fault("sandbox-securities", Some("http_500")).await;
    let response = harness.get(&client, "/sandbox-securities/login").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(exists(&scraper::Html::parse_document(&response.text().await.unwrap()), "#system-error"));

    harness.set_fault("sandbox-securities", Some("ended")).await;
    let response = harness.get(&client, "/sandbox-securities/portfolio").await;
    assert_eq!(response.status(), StatusCode::GONE);
    assert!(exists(&scraper::Html::parse_document(&response.text().await.unwrap()), "#service-ended"));
    harness.set_fault("sandbox-securities", None).await;
    assert_eq!(harness.get(&client, "/sandbox-securities/login").await.status(), StatusCode::OK);

    let (access, _) = linked(&harness, "eli").await;
    harness.set_fault("sandbox-oauth", Some("ended")).await;
    let (status, body) = api(&harness, &access, "/sandbox-oauth/api/accounts").await;
    assert_eq!((status, body["error"].as_str()), (StatusCode::GONE, Some("service_ended")));
    harness.set_fault("sandbox-oauth", Some("http_500")).await;
    assert_eq!(api(&harness, &access, "/sandbox-oauth/api/accounts").await.0, StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn truncated_cuts_history_bodies_short() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-bank", "trudy", "/accounts").await;
    let number = dataset("sandbox-bank", "trudy", harness.today()).accounts[0].id.clone();
    harness.set_fault("sandbox-bank", Some("truncated")).await;
    harness.page(&client, "/sandbox-bank/accounts").await;
    let history = format!("/sandbox-bank/accounts/{number}/history");
    let response = harness.get(&client, &history).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.is_err(), "the body stops before its Content-Length");
    harness.set_fault("sandbox-bank", None).await;
    assert!(harness.page(&client, &history).await.html().contains("</html>"));

    let (access, _) = linked(&harness, "trudy").await;
    harness.set_fault("sandbox-oauth", Some("truncated")).await;
    let response = Client::new()
        .get(harness.url(&format!(
            "/sandbox-oauth/api/accounts/{}/transactions",
            dataset("sandbox-oauth", "trudy", harness.today()).accounts[0].id
        )))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert!(response.json::<Value>().await.is_err());
}

#[tokio::test]
async fn session_expiry_ends_the_session_after_the_first_history_page() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-bank", "sally", "/accounts").await;
    let number = dataset("sandbox-bank", "sally", harness.today()).accounts[0].id.clone();
    harness.set_fault("sandbox-bank", Some("session_expiry")).await;
    let first = harness.page(&client, &format!("/sandbox-bank/accounts/{number}/history")).await;
    let next = attr(&first, "a[rel=next]", "href");
    let response = harness.get(&client, &next).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/sandbox-bank/login");
    harness.set_fault("sandbox-bank", None).await;
    harness.login(&client, "sandbox-bank", "sally", "/accounts").await;
    harness.page(&client, &format!("/sandbox-bank/accounts/{number}/history")).await;
    harness.page(&client, &next).await;
}

#[tokio::test]
async fn account_migration_moves_the_history_to_a_new_number() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-bank", "mia", "/accounts").await;
    let ordinary = dataset("sandbox-bank", "mia", harness.today()).accounts[0].clone();
    let new_number = migrated_account_id(&ordinary.id);
    harness.set_fault("sandbox-bank", Some("account_migration")).await;
    let accounts = harness.page(&client, "/sandbox-bank/accounts").await;
    let numbers = texts(&accounts, "tr.account td.account-no");
    assert!(numbers.contains(&new_number) && !numbers.contains(&ordinary.id));
    let old = harness.get(&client, &format!("/sandbox-bank/accounts/{}/history", ordinary.id)).await;
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
    let (rows, _) = all_rows(&harness, &client, &format!("/sandbox-bank/accounts/{new_number}/history")).await;
    assert_eq!(
        rows.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        ordinary.transactions.iter().map(|t| t.id.clone()).collect::<Vec<_>>()
    );
    harness.set_fault("sandbox-bank", None).await;
    let accounts = harness.page(&client, "/sandbox-bank/accounts").await;
    assert!(texts(&accounts, "tr.account td.account-no").contains(&ordinary.id));
}

#[tokio::test]
async fn the_request_counter_counts_each_institution_apart() {
    let harness = Harness::start().await;
    let client = client();
    assert_eq!(harness.requests("sandbox-bank").await, 0);
    harness.page(&client, "/sandbox-bank/login").await;
    harness.get(&client, "/sandbox-bank/accounts").await;
    harness.set_fault("sandbox-bank", Some("busy")).await;
    harness.get(&client, "/sandbox-bank/accounts").await;
    assert_eq!(harness.requests("sandbox-bank").await, 3, "refused requests count too");
    assert_eq!(harness.requests("sandbox-card").await, 0);
    let unknown = Client::new().get(harness.url("/_sandbox/requests?institution=nope")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_fault_switch_rejects_unknown_names_and_lists_what_is_on() {
    let harness = Harness::start().await;
    let post = |body: Value| {
        let url = harness.url("/_sandbox/faults");
        async move { Client::new().post(url).json(&body).send().await.unwrap().status() }
    };
    assert_eq!(post(json!({"institution": "sandbox-bank", "fault": "meteor"})).await, StatusCode::BAD_REQUEST);
    assert_eq!(post(json!({"institution": "nope", "fault": "busy"})).await, StatusCode::NOT_FOUND);
    harness.set_fault("sandbox-card", Some("slow")).await;
    let listed: Value = Client::new().get(harness.url("/_sandbox/faults")).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed, json!({"faults": {"sandbox-card": "slow"}}));
}
