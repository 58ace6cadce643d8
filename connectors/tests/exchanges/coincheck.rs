use crate::harness::*;
use gims_connectors::institutions::exchanges::coincheck::Coincheck;
use gims_sandbox::exchanges::{
    Exchange, ExchangeFault, NO_PERMISSION_KEY, NO_PERMISSION_SECRET, READ_KEY, READ_SECRET,
};

#[tokio::test]
async fn balances_trades_deposits_sends_and_withdrawals() {
    let fake = fake(Exchange::Coincheck).await;
    fake.set_fault(Some(ExchangeFault::ReplayOnce));
    let mut ctx = context(&fake, &[("api_key", READ_KEY), ("api_secret", READ_SECRET)]);
    let fetched = run(&Coincheck, &mut ctx).await.unwrap();
    assert_eq!(fake.requests().iter().filter(|r| *r == "GET /api/accounts/balance").count(), 2, "replay retried once");
    let currencies: Vec<&str> = fetched.accounts.iter().map(|a| a.currency.as_str()).collect();
    assert_eq!(currencies, ["BTC", "JPY"]);
    let jpy = account(&fetched, "JPY");
    assert_eq!(jpy.balance.unwrap().to_string(), "3000.8401");
    assert_eq!(
        history(jpy),
        [
            ("trade-38-jpy".into(), "2026-11-20".into(), "-4096.135".into()),
            ("withdraw-4".into(), "2026-11-22".into(), "-10407".into())
        ]
    );
    let btc = account(&fetched, "BTC");
    assert_eq!(btc.balance.unwrap().to_string(), "11.25072654");
    assert_eq!(
        history(btc),
        [
            ("deposit-2".into(), "2026-11-19".into(), "0.05".into()),
            ("send-3".into(), "2026-11-21".into(), "-0.0105".into()),
            ("trade-38-btc".into(), "2026-11-20".into(), "0.1".into()),
        ]
    );
    assert_eq!(btc.holdings[1].asset, "BTC (locked)");
    assert_eq!(btc.holdings[1].quantity.to_string(), "3.5002");
    assert_eq!(btc.holdings[0].price.unwrap().to_string(), "15000000.0");
}

#[tokio::test]
async fn a_wrong_secret_and_a_key_without_permission() {
    let fake = fake(Exchange::Coincheck).await;
    let error =
        run(&Coincheck, &mut context(&fake, &[("api_key", READ_KEY), ("api_secret", "wrong")])).await.unwrap_err();
    assert!(is_bad_credentials(&error), "{error:?}");
    let mut ctx = context(&fake, &[("api_key", NO_PERMISSION_KEY), ("api_secret", NO_PERMISSION_SECRET)]);
    let message = action_message(run(&Coincheck, &mut ctx).await.unwrap_err());
    assert!(message.contains("permission"), "{message}");
}
