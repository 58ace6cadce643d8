use crate::harness::*;
use gims_connectors::institutions::exchanges::liquid::Liquid;
use gims_connectors::institutions::exchanges::nonce;
use gims_connectors::{Connector, ConnectorError, Lifecycle};
use gims_sandbox::exchanges::Exchange;

#[tokio::test]
async fn liquid_is_in_the_catalog_as_ended_and_cannot_log_in() {
    assert!(matches!(Liquid.info().lifecycle, Lifecycle::Ended { since: "2022-11-20", .. }));
    assert!(gims_connectors::search("liquid").iter().any(|i| i.id == "liquid"));
    let fake = fake(Exchange::Bitflyer).await;
    let error = Liquid.login(&mut context(&fake, &[("token_id", "1"), ("api_secret", "s")])).await.unwrap_err();
    assert!(matches!(&error, ConnectorError::Ended(m) if m.contains("2022")), "{error:?}");
    assert!(fake.requests().is_empty(), "nothing is sent anywhere");
}

#[tokio::test]
async fn nonces_grow_past_the_kept_one_and_past_the_clock() {
    let fake = fake(Exchange::Bitbank).await;
    // A restart: this process has never used the key, the keychain kept a nonce ahead of the clock.
    let mut ctx = context(&fake, &[("api_key", "restart-key"), ("nonce", "9000000000000")]);
    assert_eq!(nonce::next_after(&mut ctx, "bitbank", "restart-key", 1_000), 9_000_000_000_001);
    assert_eq!(nonce::next_after(&mut ctx, "bitbank", "restart-key", 1_000), 9_000_000_000_002);
    assert_eq!(ctx.kept_credential(nonce::FIELD).unwrap().expose(), "9000000000002");
    // The clock ahead of everything kept: the clock wins.
    let mut ctx = context(&fake, &[("api_key", "clock-key")]);
    assert_eq!(nonce::next_after(&mut ctx, "bitbank", "clock-key", 1_800_000_000_000), 1_800_000_000_000);
    assert_eq!(nonce::next_after(&mut ctx, "bitbank", "clock-key", 1_800_000_000_000), 1_800_000_000_001);
    // Another run in the same process, with no kept nonce, still moves forward.
    let mut ctx = context(&fake, &[("api_key", "clock-key")]);
    assert_eq!(nonce::next_after(&mut ctx, "bitbank", "clock-key", 5), 1_800_000_000_002);
}
