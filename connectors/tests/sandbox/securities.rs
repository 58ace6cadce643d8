use crate::harness::*;
use gims_connectors::AccountKind;
use time::Duration;

const ID: &str = "sandbox-securities";

#[tokio::test]
async fn the_general_and_wrap_accounts_equal_the_dataset() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "sam", harness.user("sam", Play::Honestly));
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "sam"), None);
    assert!(fetched.accounts.iter().all(|account| account.kind == AccountKind::Securities));
    let wrap = fetched.accounts.iter().find(|account| account.name == "ラップ口座").expect("the wrap account");
    assert!(wrap.transactions.is_empty() && !wrap.holdings.is_empty());
}

#[tokio::test]
async fn the_start_date_is_honoured() {
    let harness = Harness::start().await;
    let start = harness.today() - Duration::days(60);
    let user = harness.user("sam", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "sam"), ("password", "sandbox")], true, Some(start), user);
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "sam"), Some(start));
}
