use crate::harness::*;
use gims_connectors::ConnectorError;
use time::Duration;

const ID: &str = "sandbox-emoney";

#[tokio::test]
async fn the_captcha_answered_logs_in_and_fetch_equals_the_dataset() {
    let harness = Harness::start().await;
    let user = harness.user("emma", Play::Honestly);
    let mut ctx = harness.login_context(ID, "emma", user.clone());
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "emma"), None);
    assert_eq!(user.attempts(), [1]);
    assert!(fetched.accounts[0].transactions.iter().any(|t| t.amount.is_sign_positive()), "charges are money in");
}

#[tokio::test]
async fn a_wrong_answer_gets_a_new_captcha_asked_again() {
    let harness = Harness::start().await;
    let user = harness.user("emma", Play::WrongCaptchas(2));
    let mut ctx = harness.login_context(ID, "emma", user.clone());
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "emma"), None);
    assert_eq!(user.attempts(), [1, 2, 3]);
}

#[tokio::test]
async fn twice_logins_answer_a_second_captcha() {
    let harness = Harness::start().await;
    let user = harness.user("twice-emma", Play::Honestly);
    let mut ctx = harness.login_context(ID, "twice-emma", user.clone());
    let start = harness.today() - Duration::days(30);
    ctx.start_date = Some(start);
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "twice-emma"), Some(start));
    assert_eq!(user.attempts(), [1, 2]);
}

#[tokio::test]
async fn captchas_that_are_never_right_fail_the_challenge() {
    let harness = Harness::start().await;
    let user = harness.user("emma", Play::WrongCaptchas(u32::MAX));
    let mut ctx = harness.login_context(ID, "emma", user.clone());
    assert_error(refresh(ID, &mut ctx).await, |error| matches!(error, ConnectorError::ChallengeFailed(_)));
    assert_eq!(user.attempts(), [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn an_unattended_run_needs_the_user_and_shows_no_captcha() {
    let harness = Harness::start().await;
    let user = harness.user("emma", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "emma"), ("password", "sandbox")], false, None, user.clone());
    assert_error(refresh(ID, &mut ctx).await, |error| matches!(error, ConnectorError::NeedsUser(_)));
    assert_eq!(harness.requests(ID).await, 0);
    assert!(user.asked().is_empty());
}

#[tokio::test]
async fn a_wrong_password_is_bad_credentials() {
    let harness = Harness::start().await;
    let user = harness.user("emma", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "emma"), ("password", "nope")], true, None, user.clone());
    assert_error(refresh(ID, &mut ctx).await, |error| matches!(error, ConnectorError::BadCredentials(_)));
    assert_eq!(user.attempts(), [1]);
}

#[tokio::test]
async fn a_cancelled_captcha_cancels_the_login() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "emma", harness.user("emma", Play::Cancel));
    assert_error(refresh(ID, &mut ctx).await, |error| *error == ConnectorError::Cancelled);
}
