use crate::harness::*;
use gims_connectors::institutions::exchanges::gmo_coin::GmoCoin;
use gims_sandbox::exchanges::{
    Exchange, ExchangeFault, NO_PERMISSION_KEY, NO_PERMISSION_SECRET, READ_KEY, READ_SECRET,
};

#[tokio::test]
async fn assets_executions_and_deposits() {
    let fake = fake(Exchange::GmoCoin).await;
    fake.set_fault(Some(ExchangeFault::ReplayOnce));
    let fetched =
        run(&GmoCoin, &mut context(&fake, &[("api_key", READ_KEY), ("api_secret", READ_SECRET)])).await.unwrap();
    assert_eq!(
        fake.requests().iter().filter(|r| *r == "GET /private/v1/account/assets").count(),
        2,
        "stale timestamp retried"
    );
    let btc = account(&fetched, "BTC");
    assert_eq!(btc.balance.unwrap().to_string(), "4.0002");
    assert_eq!(
        holdings(btc),
        [
            ("BTC".into(), "3.0002".into(), Some("15000000".into()), Some("45003000.0000".into())),
            ("BTC (locked)".into(), "1.0000".into(), Some("15000000".into()), Some("15000000.0000".into())),
        ]
    );
    assert_eq!(
        history(btc),
        [
            ("deposit-a1b2c3".into(), "2026-11-18".into(), "3.0002".into()),
            ("exec-92123912-BTC".into(), "2026-11-20".into(), "1".into())
        ]
    );
    let jpy = account(&fetched, "JPY");
    assert_eq!(jpy.balance.unwrap().to_string(), "993982448");
    assert_eq!(history(jpy), [("exec-92123912-JPY".into(), "2026-11-20".into(), "-15000000".into())]);
    assert!(fake.requests().iter().any(|r| r == "GET /public/v1/ticker?symbol=BTC"));
}

#[tokio::test]
async fn a_wrong_secret_and_a_key_without_permission() {
    let fake = fake(Exchange::GmoCoin).await;
    let error =
        run(&GmoCoin, &mut context(&fake, &[("api_key", READ_KEY), ("api_secret", "wrong")])).await.unwrap_err();
    assert!(is_bad_credentials(&error), "{error:?}");
    let mut ctx = context(&fake, &[("api_key", NO_PERMISSION_KEY), ("api_secret", NO_PERMISSION_SECRET)]);
    let message = action_message(run(&GmoCoin, &mut ctx).await.unwrap_err());
    assert!(message.contains("permission"), "{message}");
}
