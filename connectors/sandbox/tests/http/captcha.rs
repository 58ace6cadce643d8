use gims_sandbox::data::dataset;
use reqwest::{Client, StatusCode};
use scraper::Html;

use crate::harness::*;

async fn post_form(harness: &Harness, client: &Client, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    client.post(harness.url(path)).form(form).send().await.unwrap()
}

#[tokio::test]
async fn the_captcha_is_a_real_png_and_a_wrong_answer_brings_a_new_one() {
    let harness = Harness::start().await;
    let client = client();
    let page = harness.page(&client, "/sandbox-emoney/login?login_id=emma").await;
    let image_src = attr(&page, "#captcha-image", "src");
    assert!(image_src.starts_with("/sandbox-emoney/captcha.png?id="));
    let png = harness.get(&client, &image_src).await;
    assert_eq!(png.headers()["content-type"], "image/png");
    let bytes = png.bytes().await.unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");

    let first_answer = harness.captcha_answer("emma").await.expect("answer readable");
    assert_eq!(first_answer.len(), 5);
    let csrf = attr(&page, "input[name=csrf]", "value");
    let wrong = if first_answer == "00000" { "11111" } else { "00000" };
    let response = post_form(
        &harness,
        &client,
        "/sandbox-emoney/login",
        &[("login_id", "emma"), ("password", "sandbox"), ("csrf", &csrf), ("captcha", wrong)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let retry = Html::parse_document(&response.text().await.unwrap());
    assert!(text(&retry, "#login-error").contains("画像認証"));
    let new_src = attr(&retry, "#captcha-image", "src");
    assert_ne!(new_src, image_src, "a new CAPTCHA is shown");
    assert_eq!(harness.get(&client, &image_src).await.status(), StatusCode::NOT_FOUND, "the old one is gone");

    // The old answer no longer works even if it happens to differ; the new one does.
    let second_answer = harness.captcha_answer("emma").await.unwrap();
    let response = post_form(
        &harness,
        &client,
        "/sandbox-emoney/login",
        &[("login_id", "emma"), ("password", "sandbox"), ("csrf", &csrf), ("captcha", &second_answer)],
    )
    .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/sandbox-emoney/balance");
    assert!(harness.captcha_answer("emma").await.is_none(), "no CAPTCHA shown once logged in");

    let expected = dataset("sandbox-emoney", "emma", harness.today());
    let wallet = &expected.accounts[0];
    let balance = harness.page(&client, "/sandbox-emoney/balance").await;
    assert_eq!(amount(&text(&balance, "#emoney-balance")), wallet.balance);
    assert_eq!(text(&balance, "#wallet-no"), wallet.id);
    let (rows, _) = all_rows(&harness, &client, "/sandbox-emoney/history").await;
    assert_eq!(rows.len(), wallet.transactions.len());
    for (row, transaction) in rows.iter().zip(&wallet.transactions) {
        assert_eq!(row.id, transaction.id);
        assert_eq!(amount(&row.cells["amount"]), transaction.amount);
    }
    assert!(
        rows.iter().any(|row| row.cells["description"].starts_with("チャージ") && row.cells["amount"].starts_with('+'))
    );
}

#[tokio::test]
async fn a_wrong_password_also_replaces_the_captcha() {
    let harness = Harness::start().await;
    let client = client();
    let response = harness.post_login(&client, "sandbox-emoney", "erin", "nope").await;
    let page = Html::parse_document(&response.text().await.unwrap());
    assert_eq!(text(&page, "#login-error"), "ログインIDまたはパスワードが正しくありません。");
    assert!(exists(&page, "#captcha-image"));
    assert!(harness.captcha_answer("erin").await.is_some());
}

#[tokio::test]
async fn twice_logins_get_a_second_captcha_that_may_repeat() {
    let harness = Harness::start().await;
    let client = client();
    let response = harness.post_login(&client, "sandbox-emoney", "twice-tom", "sandbox").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/sandbox-emoney/login/captcha");
    assert_eq!(harness.get(&client, "/sandbox-emoney/balance").await.status(), StatusCode::FOUND);

    let page = harness.page(&client, "/sandbox-emoney/login/captcha").await;
    let csrf = attr(&page, "#captcha-form input[name=csrf]", "value");
    let answer = harness.captcha_answer("twice-tom").await.expect("second CAPTCHA readable");
    let wrong = if answer == "00000" { "11111" } else { "00000" };
    let retry =
        post_form(&harness, &client, "/sandbox-emoney/login/captcha", &[("csrf", &csrf), ("captcha", wrong)]).await;
    assert_eq!(retry.status(), StatusCode::OK);
    let retry = Html::parse_document(&retry.text().await.unwrap());
    assert!(exists(&retry, "#captcha-form #captcha-image") && exists(&retry, "#login-error"));

    let answer = harness.captcha_answer("twice-tom").await.unwrap();
    let done =
        post_form(&harness, &client, "/sandbox-emoney/login/captcha", &[("csrf", &csrf), ("captcha", &answer)]).await;
    assert_eq!(location(&done), "/sandbox-emoney/balance");
    harness.page(&client, "/sandbox-emoney/balance").await;
}

#[tokio::test]
async fn no_captcha_answer_for_a_login_that_was_shown_none() {
    let harness = Harness::start().await;
    assert_eq!(harness.captcha_answer("nobody").await, None);
    let missing = Client::new().get(harness.url("/_sandbox/captcha")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
}
