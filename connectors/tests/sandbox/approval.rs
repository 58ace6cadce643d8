use crate::harness::*;
use gims_connectors::ConnectorError;

const ID: &str = "sandbox-approval";

#[tokio::test]
async fn approved_on_the_phone_then_fetch_equals_the_dataset() {
    let harness = Harness::start().await;
    let user = harness.user("alex", Play::Honestly);
    let mut ctx = harness.login_context(ID, "alex", user.clone());
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "alex"), None);
    let asked = user.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].kind, "approval");
    assert_eq!(asked[0].expires_at, Some(START + time::Duration::minutes(2)));
}

#[tokio::test]
async fn an_sms_link_approves_too() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "sms-alex", harness.user("sms-alex", Play::Honestly));
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "sms-alex"), None);
    assert_eq!(harness.phone("sms-alex").await[0]["kind"], "sms_link");
}

#[tokio::test]
async fn a_denied_login_fails_the_challenge() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "alex", harness.user("alex", Play::Deny));
    assert_error(
        refresh(ID, &mut ctx).await,
        |error| matches!(error, ConnectorError::ChallengeFailed(m) if m.contains("denied")),
    );
}

#[tokio::test]
async fn an_expired_request_fails_the_challenge() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "alex", harness.user("alex", Play::TooLate));
    assert_error(
        refresh(ID, &mut ctx).await,
        |error| matches!(error, ConnectorError::ChallengeFailed(m) if m.contains("expired")),
    );
}

#[tokio::test]
async fn a_cancelled_question_cancels_the_login() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "alex", harness.user("alex", Play::Cancel));
    assert_error(refresh(ID, &mut ctx).await, |error| *error == ConnectorError::Cancelled);
}

#[tokio::test]
async fn an_unattended_run_needs_the_user_and_sends_no_request() {
    let harness = Harness::start().await;
    let user = harness.user("alex", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "alex"), ("password", "sandbox")], false, None, user);
    assert_error(refresh(ID, &mut ctx).await, |error| matches!(error, ConnectorError::NeedsUser(_)));
    assert!(harness.phone("alex").await.is_empty());
    assert_eq!(harness.requests(ID).await, 0);
}

#[tokio::test]
async fn an_approval_is_noticed_by_polling_while_the_question_is_open() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "alex", harness.user("alex", Play::ApproveLater));
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "alex"), None);
}

#[tokio::test]
async fn cancelling_the_run_while_waiting_for_approval_cancels_the_login() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "alex", harness.user("alex", Play::Ignore));
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        cancel.cancel();
    });
    assert_error(refresh(ID, &mut ctx).await, |error| *error == ConnectorError::Cancelled);
}
