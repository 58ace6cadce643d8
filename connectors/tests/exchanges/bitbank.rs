use crate::harness::*;
use gims_connectors::institutions::exchanges::bitbank::Bitbank;
use gims_sandbox::exchanges::{
    Exchange, ExchangeFault, NO_PERMISSION_KEY, NO_PERMISSION_SECRET, READ_KEY, READ_SECRET,
};

fn read_key() -> [(&'static str, &'static str); 2] {
    [("api_key", READ_KEY), ("api_secret", READ_SECRET)]
}

#[tokio::test]
async fn string_amounts_trades_and_deposits_are_read_exactly() {
    let fake = fake(Exchange::Bitbank).await;
    let fetched = run(&Bitbank, &mut context(&fake, &read_key())).await.unwrap();
    let currencies: Vec<&str> = fetched.accounts.iter().map(|a| a.currency.as_str()).collect();
    assert_eq!(currencies, ["BTC", "JPY"]);
    let jpy = account(&fetched, "JPY");
    assert_eq!(jpy.balance.unwrap().to_string(), "600000.1234", "as reported, fraction of a yen included");
    assert_eq!(
        history(jpy),
        [
            ("deposit-d-jpy-1".into(), "2026-11-18".into(), "750000.1234".into()),
            ("trade-901-jpy".into(), "2026-11-20".into(), "-150000.0000".into()),
        ],
        "a rejected withdrawal is not a movement"
    );
    let btc = account(&fetched, "BTC");
    assert_eq!(btc.balance.unwrap().to_string(), "0.51234567");
    assert_eq!(
        holdings(btc),
        [
            ("BTC".into(), "0.50000000".into(), Some("15000000".into()), Some("7500000.00000000".into())),
            ("BTC (locked)".into(), "0.01234567".into(), Some("15000000".into()), Some("185185.05000000".into())),
        ]
    );
    assert_eq!(
        history(btc),
        [
            ("deposit-d-btc-1".into(), "2026-11-18".into(), "0.50234567".into()),
            ("trade-901-btc".into(), "2026-11-20".into(), "0.0100".into()),
        ],
        "a deposit still being confirmed is not counted yet"
    );
    // The public ticker (public.bitbank.cc in production) went to the same override.
    assert!(fake.requests().iter().any(|r| r == "GET /btc_jpy/ticker"), "{:?}", fake.requests());
}

#[tokio::test]
async fn a_wrong_secret_is_bad_credentials_and_a_key_without_permission_says_which() {
    let fake = fake(Exchange::Bitbank).await;
    let error =
        run(&Bitbank, &mut context(&fake, &[("api_key", READ_KEY), ("api_secret", "wrong")])).await.unwrap_err();
    assert!(is_bad_credentials(&error), "{error:?}");
    let mut ctx = context(&fake, &[("api_key", NO_PERMISSION_KEY), ("api_secret", NO_PERMISSION_SECRET)]);
    let message = action_message(run(&Bitbank, &mut ctx).await.unwrap_err());
    assert!(message.contains("参照"), "{message}");
}

#[tokio::test]
async fn a_replayed_nonce_is_retried_once_and_nonces_only_grow() {
    let fake = fake(Exchange::Bitbank).await;
    fake.set_fault(Some(ExchangeFault::ReplayOnce));
    let mut ctx = context(&fake, &read_key());
    run(&Bitbank, &mut ctx).await.unwrap();
    let assets = fake.requests().iter().filter(|r| *r == "GET /v1/user/assets").count();
    assert_eq!(assets, 2, "refused once as a replay, then accepted with a fresh nonce");
    let kept: u64 = ctx.take_updated_credentials()["nonce"].expose().parse().unwrap();
    assert_eq!(Some(kept as f64), fake.last_nonce(READ_KEY).map(|n| n.max(kept as f64)));

    // Another app pushed the key's nonce far ahead: one retry, then the user is told why.
    fake.set_fault(Some(ExchangeFault::NonceAhead));
    let message = action_message(run(&Bitbank, &mut context(&fake, &read_key())).await.unwrap_err());
    assert!(message.contains("nonce") && message.contains("separate"), "{message}");
}
