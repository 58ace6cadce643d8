use crate::harness::*;
use gims_connectors::institutions::exchanges::btcbox::Btcbox;
use gims_sandbox::exchanges::{
    Exchange, ExchangeFault, NO_PERMISSION_KEY, NO_PERMISSION_SECRET, READ_KEY, READ_SECRET,
};

fn read_key() -> [(&'static str, &'static str); 2] {
    [("public_key", READ_KEY), ("secret_key", READ_SECRET)]
}

#[tokio::test]
async fn balances_locks_and_filled_orders() {
    let fake = fake(Exchange::Btcbox).await;
    let fetched = run(&Btcbox, &mut context(&fake, &read_key())).await.unwrap();
    let currencies: Vec<&str> = fetched.accounts.iter().map(|a| a.currency.as_str()).collect();
    assert_eq!(currencies, ["BTC", "ETH", "JPY"]);
    let btc = account(&fetched, "BTC");
    assert_eq!(btc.balance, Some(dec("0.6")));
    assert_eq!(
        holdings(btc),
        [
            ("BTC".into(), "0.5".into(), Some("15000000".into()), Some("7500000.0".into())),
            ("BTC (locked)".into(), "0.1".into(), Some("15000000".into()), Some("1500000.0".into())),
        ]
    );
    assert_eq!(
        history(btc),
        [
            ("order-11-btc".into(), "2026-11-20".into(), "0.1".into()),
            ("order-13-btc".into(), "2026-11-22".into(), "-0.05".into())
        ],
        "a filled order and the filled half of a cancelled one; an open order is not a trade"
    );
    let jpy = account(&fetched, "JPY");
    assert_eq!(jpy.balance, Some(dec("105000")));
    assert_eq!(
        history(jpy),
        [
            ("order-11-jpy".into(), "2026-11-20".into(), "-1500000.0".into()),
            ("order-13-jpy".into(), "2026-11-22".into(), "800000.00".into())
        ]
    );
    assert_eq!(account(&fetched, "ETH").holdings[0].value, Some(dec("1125000.00")));
}

#[tokio::test]
async fn error_codes_104_105_and_106() {
    let fake = fake(Exchange::Btcbox).await;
    let error =
        run(&Btcbox, &mut context(&fake, &[("public_key", READ_KEY), ("secret_key", "wrong")])).await.unwrap_err();
    assert!(is_bad_credentials(&error), "{error:?}");
    let mut ctx = context(&fake, &[("public_key", NO_PERMISSION_KEY), ("secret_key", NO_PERMISSION_SECRET)]);
    let message = action_message(run(&Btcbox, &mut ctx).await.unwrap_err());
    assert!(message.contains("permission"), "{message}");
    fake.set_fault(Some(ExchangeFault::ReplayOnce));
    run(&Btcbox, &mut context(&fake, &read_key())).await.unwrap();
    assert_eq!(
        fake.requests().iter().filter(|r| *r == "POST /api/v1/balance").count(),
        4,
        "wrong, no permission, replayed, accepted"
    );
}
