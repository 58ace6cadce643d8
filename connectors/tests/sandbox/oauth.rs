use crate::harness::*;
use gims_connectors::{ConnectorError, Context, Fetched};
use gims_sandbox::data::migrated_account_id;
use time::Duration;
use time::macros::datetime;

const ID: &str = "sandbox-oauth";
const LOGIN: &str = "olga";

/// A first link: the consent in the "browser", then a fetch. Returns the refresh token kept.
async fn link(harness: &Harness) -> (Fetched, String) {
    let user = harness.user(LOGIN, Play::Honestly);
    let mut ctx = harness.context(ID, &[], true, None, user.clone());
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_eq!(user.asked().iter().map(|asked| asked.kind).collect::<Vec<_>>(), ["consent"]);
    (fetched, kept_refresh_token(&mut ctx))
}

fn kept_refresh_token(ctx: &mut Context) -> String {
    let kept = ctx.take_updated_credentials();
    assert!(kept.contains_key("access_token"));
    kept.get("refresh_token").expect("the refresh token is kept for the keychain").expose().clone()
}

/// An unattended run with the stored refresh token.
fn unattended(harness: &Harness, refresh_token: &str) -> Context {
    harness.context(ID, &[("refresh_token", refresh_token)], false, None, harness.user(LOGIN, Play::Honestly))
}

#[tokio::test]
async fn linking_through_the_browser_then_fetch_equals_the_dataset() {
    let harness = Harness::start().await;
    let (fetched, refresh_token) = link(&harness).await;
    assert_fetched_equals(&fetched, &harness.dataset(ID, LOGIN), None);
    assert!(!refresh_token.is_empty());
}

#[tokio::test]
async fn later_runs_use_the_rotated_refresh_token_unattended() {
    let harness = Harness::start().await;
    let (_, first) = link(&harness).await;
    let mut ctx = unattended(&harness, &first);
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, LOGIN), None);
    let second = kept_refresh_token(&mut ctx);
    assert_ne!(second, first, "the bank rotates refresh tokens");

    let mut stale = unattended(&harness, &first);
    assert_error(
        refresh(ID, &mut stale).await,
        |error| matches!(error, ConnectorError::ConsentExpired(message) if message.contains("re-link") && !message.contains(&first)),
    );
    let mut current = unattended(&harness, &second);
    refresh(ID, &mut current).await.unwrap();
}

#[tokio::test]
async fn the_start_date_is_passed_to_the_api() {
    let harness = Harness::start().await;
    let (_, token) = link(&harness).await;
    let start = harness.today() - Duration::days(15);
    let mut ctx = unattended(&harness, &token);
    ctx.start_date = Some(start);
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, LOGIN), Some(start));
}

#[tokio::test]
async fn linking_unattended_needs_the_user() {
    let harness = Harness::start().await;
    let user = harness.user(LOGIN, Play::Honestly);
    let mut ctx = harness.context(ID, &[], false, None, user.clone());
    assert_error(refresh(ID, &mut ctx).await, |error| matches!(error, ConnectorError::NeedsUser(_)));
    assert!(user.asked().is_empty());
    assert_eq!(harness.requests(ID).await, 0);
}

#[tokio::test]
async fn a_denied_consent_fails_and_a_cancelled_one_cancels() {
    let harness = Harness::start().await;
    let mut denied = harness.context(ID, &[], true, None, harness.user(LOGIN, Play::Deny));
    assert_error(
        refresh(ID, &mut denied).await,
        |error| matches!(error, ConnectorError::ChallengeFailed(m) if m.contains("denied")),
    );
    let mut cancelled = harness.context(ID, &[], true, None, harness.user(LOGIN, Play::Cancel));
    assert_error(refresh(ID, &mut cancelled).await, |error| *error == ConnectorError::Cancelled);
}

/// A linked login's unattended refresh with `fault` on.
async fn refresh_with(fault: &str) -> (Harness, Result<Fetched, ConnectorError>) {
    let harness = Harness::start().await;
    let (_, token) = link(&harness).await;
    harness.set_fault(ID, Some(fault)).await;
    let result = refresh(ID, &mut unattended(&harness, &token)).await;
    (harness, result)
}

#[tokio::test]
async fn a_revoked_consent_asks_for_a_re_link_and_a_fresh_consent_works() {
    let (harness, result) = refresh_with("consent_expired").await;
    assert_error(result, |error| matches!(error, ConnectorError::ConsentExpired(_)));
    let (fetched, _) = link(&harness).await;
    assert_fetched_equals(&fetched, &harness.dataset(ID, LOGIN), None);
}

#[tokio::test]
async fn api_faults_are_the_errors_they_mean() {
    let (_, busy) = refresh_with("busy").await;
    assert_error(
        busy,
        |error| matches!(error, ConnectorError::Busy { retry_at: Some(at), .. } if *at == datetime!(2026-11-29 00:00 +9)),
    );
    let (_, maintenance) = refresh_with("maintenance").await;
    assert_error(
        maintenance,
        |error| matches!(error, ConnectorError::Maintenance { until: Some(until), .. } if *until == START + Duration::hours(3)),
    );
    let (harness, terms) = refresh_with("terms").await;
    let terms_url = harness.url("/sandbox-oauth/terms");
    assert_error(
        terms,
        |error| matches!(error, ConnectorError::ActionRequired { url: Some(url), .. } if *url == terms_url),
    );
    let (_, changed) = refresh_with("page_changed").await;
    assert_error(
        changed,
        |error| matches!(error, ConnectorError::SiteChanged(m) if m.contains("no longer looks as expected")),
    );
    let (_, server_error) = refresh_with("http_500").await;
    assert_error(server_error, |error| matches!(error, ConnectorError::Network(_)));
    let (_, truncated) = refresh_with("truncated").await;
    assert_error(truncated, |error| matches!(error, ConnectorError::Network(m) if m.contains("cut off")));
    let (_, expired) = refresh_with("session_expiry").await;
    assert_error(expired, |error| {
        *error == ConnectorError::Network("the session at the institution expired while fetching; try again".into())
    });
    let (_, ended) = refresh_with("ended").await;
    assert_error(ended, |error| matches!(error, ConnectorError::Ended(_)));
}

#[tokio::test]
async fn a_migrated_account_comes_back_under_its_new_id() {
    let (harness, result) = refresh_with("account_migration").await;
    let fetched = result.unwrap();
    let dataset = harness.dataset(ID, LOGIN);
    let new_id = migrated_account_id(&dataset.accounts[0].id);
    assert!(fetched.accounts.iter().any(|account| account.external_id == new_id));
    assert_fetched_equals(&fetched, &dataset.with_main_account_migrated(), None);
}
