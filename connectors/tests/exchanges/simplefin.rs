use crate::harness::*;
use gims_connectors::Connector;
use gims_connectors::institutions::exchanges::simplefin::Simplefin;
use gims_sandbox::exchanges::simplefin::{ERROR, setup_token};
use gims_sandbox::exchanges::{Exchange, RunningFake};

async fn claimed(fake: &RunningFake) -> (gims_connectors::Fetched, String, Vec<String>) {
    let token = setup_token("https://bridge.simplefin.org");
    let mut ctx = context(fake, &[("setup_token", &token)]);
    let fetched = run(&Simplefin, &mut ctx).await.unwrap();
    let access = ctx.take_updated_credentials()["access_url"].expose().clone();
    (fetched, access, ctx.take_notices())
}

#[tokio::test]
async fn the_token_is_claimed_once_and_the_access_url_kept() {
    let fake = fake(Exchange::Simplefin).await;
    let (fetched, access, notices) = claimed(&fake).await;
    assert!(access.contains("gims-user:gims-p%40ss@"), "the access URL with its login is kept: {access}");
    assert_eq!(notices, [format!("SimpleFIN reports: {ERROR}")]);
    let names: Vec<&str> = fetched.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Example Bank Checking", "Example Bank Savings"]);
    let checking = &fetched.accounts[0];
    assert_eq!(checking.currency, "USD");
    assert_eq!(checking.balance.unwrap().to_string(), "1234.56");
    assert_eq!(
        history(checking),
        [
            ("TX-1".into(), "2026-11-18".into(), "2000.00".into()),
            ("TX-2".into(), "2026-11-20".into(), "-765.44".into())
        ],
        "pending transactions are not fetched"
    );
    assert_eq!(fetched.accounts[1].balance.unwrap().to_string(), "10000.005");

    // The next run uses the kept access URL; the token is not claimed again.
    let mut ctx = context(&fake, &[("setup_token", "x"), ("access_url", &access)]);
    ctx.start_date = Some(time::macros::date!(2026 - 11 - 19));
    let fetched = run(&Simplefin, &mut ctx).await.unwrap();
    assert_eq!(history(&fetched.accounts[0]), [("TX-2".into(), "2026-11-20".into(), "-765.44".into())]);
    let claims = fake.requests().iter().filter(|r| r.starts_with("POST /simplefin/claim/")).count();
    assert_eq!(claims, 1);
    assert!(
        fake.requests().iter().any(|r| r == "GET /simplefin/accounts?start-date=1795046400"),
        "{:?}",
        fake.requests()
    );
}

#[tokio::test]
async fn a_claimed_token_and_a_wrong_access_are_bad_credentials() {
    let fake = fake(Exchange::Simplefin).await;
    let (_, access, _) = claimed(&fake).await;
    let token = setup_token("https://bridge.simplefin.org");
    let error = Simplefin.login(&mut context(&fake, &[("setup_token", &token)])).await.unwrap_err();
    assert!(is_bad_credentials(&error) && error.to_string().contains("already claimed"), "{error:?}");
    let wrong = access.replace("gims-p%40ss", "guess");
    let error =
        run(&Simplefin, &mut context(&fake, &[("setup_token", "x"), ("access_url", &wrong)])).await.unwrap_err();
    assert!(is_bad_credentials(&error), "{error:?}");
    let error = Simplefin.login(&mut context(&fake, &[("setup_token", "not base64 at all")])).await.unwrap_err();
    assert!(is_bad_credentials(&error), "{error:?}");
}
