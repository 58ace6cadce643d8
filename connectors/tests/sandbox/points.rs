use crate::harness::*;
use gims_connectors::AccountKind;
use time::Duration;

const ID: &str = "sandbox-points";

#[tokio::test]
async fn points_and_their_expiry_equal_the_dataset() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "pat", harness.user("pat", Play::Honestly));
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "pat"), None);
    let points = &fetched.accounts[0];
    assert_eq!((points.kind, points.currency.as_str()), (AccountKind::Points, "JPY"));
    assert!(!points.expiries.is_empty());
}

#[tokio::test]
async fn the_start_date_is_honoured() {
    let harness = Harness::start().await;
    let start = harness.today() - Duration::days(10);
    let user = harness.user("pat", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "pat"), ("password", "sandbox")], true, Some(start), user);
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "pat"), Some(start));
}
