use crate::harness::*;
use gims_connectors::{AccountKind, ConnectorError};
use gims_sandbox::data::{REPEATED_PURCHASE, migrated_account_id};
use time::Duration;

const ID: &str = "sandbox-bank";

#[tokio::test]
async fn login_and_fetch_equal_the_dataset() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "alice", harness.user("alice", Play::Honestly));
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "alice"), None);

    let ordinary = &fetched.accounts[0];
    let pair = ordinary.transactions.windows(2).find(|w| {
        w[0].description == REPEATED_PURCHASE && w[1].description == REPEATED_PURCHASE && w[0].date == w[1].date
    });
    let pair = pair.expect("the two identical purchases of one day are both there");
    assert_eq!(pair[0].amount, pair[1].amount);
    assert_ne!(pair[0].external_id, pair[1].external_id);

    let funds =
        fetched.accounts.iter().find(|a| a.kind == AccountKind::Securities).expect("投資信託 as its own account");
    assert_eq!(funds.name, "投資信託");
    assert!(!funds.holdings.is_empty());
    assert!(ctx.take_updated_credentials().is_empty(), "a password login keeps no credentials");
}

#[tokio::test]
async fn the_start_date_stops_paging_and_drops_older_rows() {
    let harness = Harness::start().await;
    let mut everything = harness.login_context(ID, "alice", harness.user("alice", Play::Honestly));
    refresh(ID, &mut everything).await.unwrap();
    let all_requests = harness.requests(ID).await;

    let start = harness.today() - Duration::days(20);
    let user = harness.user("alice", Play::Honestly);
    let mut recent = harness.context(ID, &[("login_id", "alice"), ("password", "sandbox")], true, Some(start), user);
    let fetched = refresh(ID, &mut recent).await.unwrap();
    let recent_requests = harness.requests(ID).await - all_requests;
    assert_fetched_equals(&fetched, &harness.dataset(ID, "alice"), Some(start));
    assert!(fetched.accounts[0].transactions.iter().all(|t| t.date >= start));
    // Login page, password, accounts after the redirect, accounts, one history page per deposit.
    assert_eq!(recent_requests, 6, "20 days fit on the first page of each history");
    assert!(all_requests > recent_requests + 2, "everything takes more pages: {all_requests} requests");
}

#[tokio::test]
async fn a_wrong_password_is_bad_credentials_and_never_shown() {
    let harness = Harness::start().await;
    let user = harness.user("alice", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "alice"), ("password", "canary-pw-123")], true, None, user);
    let result = refresh(ID, &mut ctx).await;
    assert_error(result, |error| {
        matches!(error, ConnectorError::BadCredentials(message)
            if message.contains("ログインIDまたはパスワード") && message.contains("edit the login") && !message.contains("canary"))
    });

    let user = harness.user("alice", Play::Honestly);
    let mut no_password = harness.context(ID, &[("login_id", "alice")], true, None, user);
    assert_error(refresh(ID, &mut no_password).await, |error| matches!(error, ConnectorError::BadCredentials(_)));
}

#[tokio::test]
async fn a_migrated_account_is_reported_under_its_new_number() {
    let harness = Harness::start().await;
    let old = harness.dataset(ID, "alice");
    harness.set_fault(ID, Some("account_migration")).await;
    let mut ctx = harness.login_context(ID, "alice", harness.user("alice", Play::Honestly));
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    let migrated = old.clone().with_main_account_migrated();
    assert_fetched_equals(&fetched, &migrated, None);
    let new_number = migrated_account_id(&old.accounts[0].id);
    assert!(fetched.accounts.iter().any(|a| a.external_id == new_number));
    assert!(fetched.accounts.iter().all(|a| a.external_id != old.accounts[0].id));
}
