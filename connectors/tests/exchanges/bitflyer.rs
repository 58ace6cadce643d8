use crate::harness::*;
use gims_connectors::ConnectorError;
use gims_connectors::institutions::exchanges::bitflyer::Bitflyer;
use gims_sandbox::exchanges::{
    Exchange, ExchangeFault, NO_PERMISSION_KEY, NO_PERMISSION_SECRET, READ_KEY, READ_SECRET, TRADING_KEY,
    TRADING_SECRET,
};

fn read_key() -> [(&'static str, &'static str); 2] {
    [("api_key", READ_KEY), ("api_secret", READ_SECRET)]
}

#[tokio::test]
async fn balances_holdings_and_history_are_read_exactly() {
    let fake = fake(Exchange::Bitflyer).await;
    let mut ctx = context(&fake, &read_key());
    let fetched = run(&Bitflyer, &mut ctx).await.unwrap();
    let currencies: Vec<&str> = fetched.accounts.iter().map(|a| a.currency.as_str()).collect();
    assert_eq!(currencies, ["BTC", "ETH", "JPY"], "XRP holds nothing and is left out");

    let btc = account(&fetched, "BTC");
    assert_eq!(btc.balance, Some(dec("10.24")));
    assert_eq!(
        holdings(btc),
        [
            ("BTC".into(), "4.12".into(), Some("15000000.0".into()), Some("61800000.000".into())),
            ("BTC (locked)".into(), "6.12".into(), Some("15000000.0".into()), Some("91800000.000".into())),
        ]
    );
    assert_eq!(
        history(btc),
        [
            ("BTC-3000".into(), "2026-11-18".into(), "10.23".into()),
            ("BTC-3004".into(), "2026-11-20".into(), "0.01".into()),
        ]
    );
    let jpy = account(&fetched, "JPY");
    assert_eq!(jpy.balance, Some(dec("1024078")));
    assert_eq!(history(jpy).len(), 3);
    assert!(jpy.transactions.iter().any(|t| t.description == "BUY BTC_JPY" && t.amount == dec("-150000")));
    assert_eq!(account(&fetched, "ETH").holdings[0].price, Some(dec("500000.5")));
    assert!(ctx.take_notices().is_empty(), "a read-only key gets no warning");
    // The ticker went to the fake too: the endpoint is the only host.
    assert!(fake.requests().iter().any(|r| r.starts_with("GET /v1/ticker?product_code=BTC_JPY")));
}

#[tokio::test]
async fn a_wrong_secret_is_bad_credentials() {
    let fake = fake(Exchange::Bitflyer).await;
    let mut ctx = context(&fake, &[("api_key", READ_KEY), ("api_secret", "not-the-secret")]);
    let error = run(&Bitflyer, &mut ctx).await.unwrap_err();
    assert!(is_bad_credentials(&error), "{error:?}");
    let mut ctx = context(&fake, &[("api_key", "unknown"), ("api_secret", READ_SECRET)]);
    assert!(is_bad_credentials(&run(&Bitflyer, &mut ctx).await.unwrap_err()));
}

#[tokio::test]
async fn a_key_that_cannot_read_balances_names_the_permission() {
    let fake = fake(Exchange::Bitflyer).await;
    let mut ctx = context(&fake, &[("api_key", NO_PERMISSION_KEY), ("api_secret", NO_PERMISSION_SECRET)]);
    let message = action_message(run(&Bitflyer, &mut ctx).await.unwrap_err());
    assert!(message.contains("getbalance") && message.contains("permission"), "{message}");
}

#[tokio::test]
async fn a_key_that_can_trade_works_but_is_warned_about() {
    let fake = fake(Exchange::Bitflyer).await;
    let mut ctx = context(&fake, &[("api_key", TRADING_KEY), ("api_secret", TRADING_SECRET)]);
    run(&Bitflyer, &mut ctx).await.unwrap();
    let notices = ctx.take_notices();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(notices[0].contains("read-only") && notices[0].contains("sendchildorder"), "{notices:?}");
}

#[tokio::test]
async fn a_refused_timestamp_is_retried_once_with_a_fresh_one() {
    let fake = fake(Exchange::Bitflyer).await;
    fake.set_fault(Some(ExchangeFault::ReplayOnce));
    let mut ctx = context(&fake, &read_key());
    run(&Bitflyer, &mut ctx).await.unwrap();
    let permissions = fake.requests().iter().filter(|r| r.starts_with("GET /v1/me/getpermissions")).count();
    assert_eq!(permissions, 2, "refused once, then accepted");

    fake.set_fault(Some(ExchangeFault::NonceAhead));
    let mut ctx = context(&fake, &read_key());
    let message = action_message(run(&Bitflyer, &mut ctx).await.unwrap_err());
    assert!(message.contains("nonce"), "{message}");
}

#[tokio::test]
async fn an_unreachable_ticker_leaves_the_valuation_unknown() {
    let fake = fake(Exchange::Bitflyer).await;
    fake.set_fault(Some(ExchangeFault::TickerDown));
    let fetched = run(&Bitflyer, &mut context(&fake, &read_key())).await.unwrap();
    let btc = account(&fetched, "BTC");
    assert_eq!(btc.balance, Some(dec("10.24")));
    assert!(btc.holdings.iter().all(|h| h.price.is_none() && h.value.is_none()));
    assert_eq!(account(&fetched, "JPY").holdings[0].value, Some(dec("508000")));
}

#[tokio::test]
async fn maintenance_and_too_many_requests_mean_later() {
    let fake = fake(Exchange::Bitflyer).await;
    fake.set_fault(Some(ExchangeFault::Maintenance));
    let error = run(&Bitflyer, &mut context(&fake, &read_key())).await.unwrap_err();
    assert!(matches!(error, ConnectorError::Maintenance { until: Some(_), .. }), "{error:?}");
    fake.set_fault(Some(ExchangeFault::Busy));
    let error = run(&Bitflyer, &mut context(&fake, &read_key())).await.unwrap_err();
    let ConnectorError::Busy { retry_at: Some(at), .. } = error else { panic!("{error:?}") };
    let wait = at - time::OffsetDateTime::now_utc();
    assert!(wait > time::Duration::seconds(100) && wait <= time::Duration::seconds(120), "Retry-After: 120 ({wait})");
}
