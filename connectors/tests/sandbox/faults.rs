use crate::harness::*;
use gims_connectors::{ConnectorError, Fetched};
use gims_sandbox::data::migrated_account_id;
use time::macros::datetime;

/// Every HTML institution, each with the login the tests use there.
const HTML_INSTITUTIONS: &[&str] = &[
    "sandbox-bank",
    "sandbox-otp-bank",
    "sandbox-emoney",
    "sandbox-card",
    "sandbox-approval",
    "sandbox-securities",
    "sandbox-points",
    "sandbox-pension",
];

const LOGIN: &str = "hana";

/// A whole refresh (honest, interactive user) of `institution` with `fault` switched on.
async fn refresh_with(harness: &Harness, institution: &str, fault: &str) -> Result<Fetched, ConnectorError> {
    refresh_as(harness, institution, LOGIN, fault).await
}

async fn refresh_as(harness: &Harness, institution: &str, login: &str, fault: &str) -> Result<Fetched, ConnectorError> {
    harness.set_fault(institution, Some(fault)).await;
    let mut ctx = harness.login_context(institution, login, harness.user(login, Play::Honestly));
    let result = refresh(institution, &mut ctx).await;
    harness.set_fault(institution, None).await;
    result
}

/// Every HTML institution with `fault` must fail as `expected` says.
async fn every_institution(fault: &str, expected: impl Fn(&str, &Harness, &ConnectorError) -> bool) {
    let harness = Harness::start().await;
    for institution in HTML_INSTITUTIONS {
        match refresh_with(&harness, institution, fault).await {
            Err(error) if expected(institution, &harness, &error) => {}
            other => panic!("{institution} with {fault}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn busy_means_try_again_tomorrow_in_japan() {
    every_institution("busy", |_, _, error| {
        matches!(error, ConnectorError::Busy { retry_at: Some(at), .. } if *at == datetime!(2026-11-29 00:00 +9))
    })
    .await;
}

#[tokio::test]
async fn maintenance_says_until_when() {
    every_institution("maintenance", |_, _, error| {
        matches!(error, ConnectorError::Maintenance { until: Some(until), .. } if *until == START + time::Duration::hours(3))
    })
    .await;
}

#[tokio::test]
async fn an_ended_authorisation_asks_for_a_re_link() {
    every_institution("consent_expired", |_, _, error| matches!(error, ConnectorError::ConsentExpired(_))).await;
}

#[tokio::test]
async fn new_terms_point_at_the_page_that_accepts_them() {
    every_institution("terms", |institution, harness, error| {
        let terms = harness.url(&format!("/{institution}/terms"));
        matches!(error, ConnectorError::ActionRequired { url: Some(url), .. } if *url == terms)
    })
    .await;
}

#[tokio::test]
async fn a_new_layout_is_a_site_change_never_empty_data() {
    every_institution("page_changed", |_, _, error| {
        matches!(error, ConnectorError::SiteChanged(message) if message.contains("no longer looks as expected"))
    })
    .await;
}

#[tokio::test]
async fn a_system_error_is_a_network_error() {
    every_institution("http_500", |_, _, error| matches!(error, ConnectorError::Network(_))).await;
}

#[tokio::test]
async fn a_cut_off_history_page_is_an_error_not_fewer_rows() {
    every_institution(
        "truncated",
        |_, _, error| matches!(error, ConnectorError::Network(message) if message.contains("cut off")),
    )
    .await;
}

#[tokio::test]
async fn a_session_that_ends_mid_fetch_saves_nothing() {
    let harness = Harness::start().await;
    for institution in HTML_INSTITUTIONS {
        // The session ends after the first history page: pick a login that has a second one.
        let login = (0..50)
            .map(|n| format!("hana{n}"))
            .find(|login| {
                let accounts = harness.dataset(institution, login).accounts;
                accounts.iter().map(|account| account.transactions.len().div_ceil(20)).sum::<usize>() > 1
            })
            .expect("a login with more than one history page");
        let result = refresh_as(&harness, institution, &login, "session_expiry").await;
        assert_eq!(
            result,
            Err(ConnectorError::Network("the session at the institution expired while fetching; try again".into())),
            "{institution}"
        );
    }
}

#[tokio::test]
async fn an_ended_service_is_ended() {
    every_institution("ended", |_, _, error| matches!(error, ConnectorError::Ended(_))).await;
}

#[tokio::test]
async fn a_migrated_main_account_comes_back_under_its_new_number() {
    let harness = Harness::start().await;
    for institution in HTML_INSTITUTIONS {
        let fetched = refresh_with(&harness, institution, "account_migration").await.unwrap();
        let dataset = harness.dataset(institution, LOGIN);
        let new_number = migrated_account_id(&dataset.accounts[0].id);
        assert!(fetched.accounts.iter().any(|account| account.external_id == new_number), "{institution}");
        assert_fetched_equals(&fetched, &dataset.with_main_account_migrated(), None);
    }
}

#[tokio::test]
async fn terms_accepted_at_the_site_open_the_pages_again() {
    let harness = Harness::start().await;
    harness.set_fault("sandbox-bank", Some("terms")).await;
    let mut ctx = harness.login_context("sandbox-bank", LOGIN, harness.user(LOGIN, Play::Honestly));
    let Err(ConnectorError::ActionRequired { url: Some(url), .. }) = refresh("sandbox-bank", &mut ctx).await else {
        panic!("terms first");
    };
    // The user, at the institution's site: logs in, opens the terms and agrees.
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login_page = browser.get(harness.url("/sandbox-bank/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&login_page, "#login-form");
    let form = [("login_id", LOGIN), ("password", "sandbox"), ("csrf", csrf.as_str())];
    browser.post(harness.url("/sandbox-bank/login")).form(&form).send().await.unwrap();
    let terms_page = browser.get(&url).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_of(&terms_page, "#terms-form");
    browser.post(&url).form(&[("csrf", csrf.as_str())]).send().await.unwrap();

    let mut again = harness.login_context("sandbox-bank", LOGIN, harness.user(LOGIN, Play::Honestly));
    let fetched = refresh("sandbox-bank", &mut again).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset("sandbox-bank", LOGIN), None);
}

fn csrf_of(page: &str, form: &str) -> String {
    let html = scraper::Html::parse_document(page);
    let selector = scraper::Selector::parse(&format!("{form} input[name=csrf]")).unwrap();
    html.select(&selector).next().and_then(|input| input.value().attr("value")).expect("a CSRF field").to_owned()
}
