use crate::harness::*;
use gims_connectors::AccountKind;
use rust_decimal::Decimal;
use time::Duration;

const ID: &str = "sandbox-card";

#[tokio::test]
async fn three_cards_with_what_is_owed_as_negative_balances() {
    let harness = Harness::start().await;
    let mut ctx = harness.login_context(ID, "carol", harness.user("carol", Play::Honestly));
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "carol"), None);
    assert_eq!(fetched.accounts.len(), 3);
    for card in &fetched.accounts {
        assert_eq!(card.kind, AccountKind::Card);
        assert!(card.balance.is_some_and(|balance| balance <= Decimal::ZERO));
    }
    let deferred = fetched.accounts[0].transactions.iter().find(|t| t.description.contains("後払い"));
    assert!(deferred.is_some_and(|line| line.amount.is_sign_negative()), "the 後払い line is money out");
}

#[tokio::test]
async fn the_start_date_is_honoured_on_every_card() {
    let harness = Harness::start().await;
    let start = harness.today() - Duration::days(45);
    let user = harness.user("carol", Play::Honestly);
    let mut ctx = harness.context(ID, &[("login_id", "carol"), ("password", "sandbox")], true, Some(start), user);
    let fetched = refresh(ID, &mut ctx).await.unwrap();
    assert_fetched_equals(&fetched, &harness.dataset(ID, "carol"), Some(start));
}
