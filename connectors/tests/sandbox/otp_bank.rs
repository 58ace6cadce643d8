use crate::harness::*;
use gims_connectors::ConnectorError;

const ID: &str = "sandbox-otp-bank";

#[tokio::test]
async fn the_code_from_the_phone_logs_in_and_fetch_equals_the_dataset() {
    let harness = Harness::start().await;
    let user = harness.user("olivia", Play::Honestly);
    let mut ctx = harness.login_context(ID, "olivia", user.clone());
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "olivia"), None);
    let asked = user.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!((asked[0].kind, asked[0].attempt), ("otp", Some(1)));
    assert!(asked[0].sent_to.as_deref().is_some_and(|to| to.starts_with("***-****-")));
    assert_eq!(asked[0].expires_at, Some(START + time::Duration::minutes(5)));
}

#[tokio::test]
async fn an_unattended_run_needs_the_user_and_sends_no_code() {
    let harness = Harness::start().await;
    let user = harness.user("olivia", Play::Honestly);
    let credentials = [("login_id", "olivia"), ("password", "sandbox")];
    let mut ctx = harness.context(ID, &credentials, false, None, user.clone());
    assert_error(refresh(ID, &mut ctx).await, |error| matches!(error, ConnectorError::NeedsUser(_)));
    assert!(harness.phone("olivia").await.is_empty(), "no OTP was sent");
    assert_eq!(harness.requests(ID).await, 0, "not even the login page was opened");
    assert!(user.asked().is_empty());
}

#[tokio::test]
async fn three_wrong_codes_fail_the_challenge() {
    let harness = Harness::start().await;
    let user = harness.user("olivia", Play::WrongOtp);
    let mut ctx = harness.login_context(ID, "olivia", user.clone());
    assert_error(
        refresh(ID, &mut ctx).await,
        |error| matches!(error, ConnectorError::ChallengeFailed(m) if m.contains("3 times")),
    );
    assert_eq!(user.attempts(), [1, 2, 3]);
    assert_eq!(harness.phone("olivia").await.len(), 1, "one login, one code");
}

#[tokio::test]
async fn an_expired_code_fails_the_challenge() {
    let harness = Harness::start().await;
    let user = harness.user("olivia", Play::TooLate);
    let mut ctx = harness.login_context(ID, "olivia", user.clone());
    assert_error(
        refresh(ID, &mut ctx).await,
        |error| matches!(error, ConnectorError::ChallengeFailed(m) if m.contains("expired")),
    );
    assert_eq!(user.attempts(), [1]);
}

#[tokio::test]
async fn a_cancelled_question_cancels_the_login() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "olivia", harness.user("olivia", Play::Cancel));
    assert_error(refresh(ID, &mut ctx).await, |error| *error == ConnectorError::Cancelled);
}

#[tokio::test]
async fn a_wrong_password_is_bad_credentials_and_sends_no_code() {
    let harness = Harness::start().await;
    let user = harness.user("olivia", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "olivia"), ("password", "nope")], true, None, user.clone());
    assert_error(refresh(ID, &mut ctx).await, |error| matches!(error, ConnectorError::BadCredentials(_)));
    assert!(harness.phone("olivia").await.is_empty());
    assert!(user.asked().is_empty());
}
