use crate::harness::*;
use gims_connectors::{AccountKind, Category, ConnectorError};
use time::Duration;

const ID: &str = "sandbox-pension";

#[tokio::test]
async fn the_plan_with_its_funds_and_history_equals_the_dataset() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "penny", harness.user("penny", Play::Honestly));
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "penny"), None);
    let plan = &fetched.accounts[0];
    assert_eq!((plan.kind, plan.currency.as_str()), (AccountKind::Pension, "JPY"));
    assert_eq!(plan.holdings.len(), 2);
    assert!(plan.transactions.iter().any(|t| t.description.starts_with("掛金拠出")));
}

#[tokio::test]
async fn an_unattended_run_needs_nobody() {
    let harness = Harness::start().await;
    let user = harness.user("penny", Play::Honestly);
    let credentials = [("login_id", "penny"), ("password", "sandbox")];
    let mut ctx = harness.context(ID, &credentials, false, None, user.clone());
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "penny"), None);
    assert!(user.asked().is_empty());
}

#[tokio::test]
async fn the_start_date_is_honoured_and_a_wrong_password_is_bad_credentials() {
    let harness = Harness::start().await;
    let start = harness.today() - Duration::days(45);
    let user = harness.user("penny", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "penny"), ("password", "sandbox")], true, Some(start), user);
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "penny"), Some(start));

    let user = harness.user("penny", Play::Honestly);
    let mut wrong = harness.context(ID, &[("login_id", "penny"), ("password", "nope")], true, None, user);
    assert_error(refresh(ID, &mut wrong).await, |error| matches!(error, ConnectorError::BadCredentials(_)));
}

#[test]
fn declares_system_refresh_only_outside_refresh_all_at_most_every_six_hours() {
    let info = connector(ID).info();
    assert_eq!(info.category, Category::Pension);
    let policy = info.policy;
    assert!(policy.auto_refresh && !policy.needs_user_every_login, "GIMS's schedule may run it");
    assert!(!policy.manual_refresh, "no refresh button");
    assert!(!policy.bulk_refresh, "not in refresh all");
    assert_eq!(policy.min_interval_secs, 21_600);
}
