use reqwest::{Client, Response, StatusCode};
use scraper::Html;
use time::Duration;
use time::format_description::well_known::Rfc3339;

use crate::harness::*;

/// Password step → returns the OTP page's csrf.
async fn password_step(harness: &Harness, client: &Client, login: &str) -> String {
    let response = harness.post_login(client, "sandbox-otp-bank", login, "sandbox").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/sandbox-otp-bank/login/otp");
    let page = harness.page(client, "/sandbox-otp-bank/login/otp").await;
    attr(&page, "#otp-form input[name=csrf]", "value")
}

async fn post_otp(harness: &Harness, client: &Client, csrf: &str, otp: &str) -> Response {
    client.post(harness.url("/sandbox-otp-bank/login/otp")).form(&[("csrf", csrf), ("otp", otp)]).send().await.unwrap()
}

async fn last_code(harness: &Harness, login: &str) -> String {
    let messages = harness.phone(login).await;
    let last = messages.last().expect("an OTP was sent");
    assert_eq!(last["kind"], "otp");
    last["code"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn no_otp_is_sent_before_the_password_post_and_one_is_sent_after() {
    let harness = Harness::start().await;
    let client = client();
    harness.page(&client, "/sandbox-otp-bank/login?login_id=olivia").await;
    assert!(harness.phone("olivia").await.is_empty(), "GET /login sent nothing");
    harness.post_login(&client, "sandbox-otp-bank", "olivia", "wrong").await;
    assert!(harness.phone("olivia").await.is_empty(), "a wrong password sent nothing");

    let csrf = password_step(&harness, &client, "olivia").await;
    let messages = harness.phone("olivia").await;
    assert_eq!(messages.len(), 1);
    let code = messages[0]["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(messages[0]["at"], START.format(&Rfc3339).unwrap());
    assert!(messages[0].get("url").is_none());

    let page = harness.page(&client, "/sandbox-otp-bank/login/otp").await;
    assert!(text(&page, "#otp-destination").contains("にSMSで送信しました"));
    assert!(attr(&page, "#otp-destination", "data-destination").starts_with("***-****-"));
    assert_eq!(attr(&page, "#otp-expiry", "data-expires-at"), (START + Duration::minutes(5)).format(&Rfc3339).unwrap());
    // Not logged in until the code is entered.
    assert_eq!(harness.get(&client, "/sandbox-otp-bank/accounts").await.status(), StatusCode::FOUND);

    let response = post_otp(&harness, &client, &csrf, code).await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(location(&response), "/sandbox-otp-bank/accounts");
    let accounts = harness.page(&client, "/sandbox-otp-bank/accounts").await;
    assert_eq!(texts(&accounts, "tr.account").len(), 2);
}

#[tokio::test]
async fn a_code_works_once_and_a_new_login_gets_a_new_code() {
    let harness = Harness::start().await;
    let first_client = client();
    let csrf = password_step(&harness, &first_client, "oscar").await;
    let first_code = last_code(&harness, "oscar").await;
    assert_eq!(post_otp(&harness, &first_client, &csrf, &first_code).await.status(), StatusCode::FOUND);
    // Reposting the used code does not log in again: the challenge is gone.
    let again = post_otp(&harness, &first_client, &csrf, &first_code).await;
    assert_eq!(location(&again), "/sandbox-otp-bank/login");

    let second_client = client();
    let csrf = password_step(&harness, &second_client, "oscar").await;
    let second_code = last_code(&harness, "oscar").await;
    assert_eq!(harness.phone("oscar").await.len(), 2);
    if second_code != first_code {
        let reused = post_otp(&harness, &second_client, &csrf, &first_code).await;
        assert_eq!(reused.status(), StatusCode::OK);
        assert!(exists(&Html::parse_document(&reused.text().await.unwrap()), "#login-error"));
    }
    let response = post_otp(&harness, &second_client, &csrf, &second_code).await;
    assert_eq!(location(&response), "/sandbox-otp-bank/accounts");
}

#[tokio::test]
async fn three_wrong_codes_lock_the_attempt() {
    let harness = Harness::start().await;
    let client = client();
    let csrf = password_step(&harness, &client, "lockme").await;
    let code = last_code(&harness, "lockme").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for tries_left in ["2", "1"] {
        let response = post_otp(&harness, &client, &csrf, wrong).await;
        let page = Html::parse_document(&response.text().await.unwrap());
        assert_eq!(attr(&page, "#login-error", "data-tries-left"), tries_left);
    }
    let third = Html::parse_document(&post_otp(&harness, &client, &csrf, wrong).await.text().await.unwrap());
    assert!(exists(&third, "#otp-locked"));
    let right_too_late = Html::parse_document(&post_otp(&harness, &client, &csrf, &code).await.text().await.unwrap());
    assert!(exists(&right_too_late, "#otp-locked"));
    assert_eq!(harness.get(&client, "/sandbox-otp-bank/accounts").await.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn a_code_expires_after_five_minutes() {
    let harness = Harness::start().await;
    let client = client();
    let csrf = password_step(&harness, &client, "slowpoke").await;
    let code = last_code(&harness, "slowpoke").await;
    harness.clock.advance(Duration::minutes(5) + Duration::seconds(1));
    let response = post_otp(&harness, &client, &csrf, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(exists(&Html::parse_document(&response.text().await.unwrap()), "#otp-expired"));
    assert_eq!(harness.get(&client, "/sandbox-otp-bank/accounts").await.status(), StatusCode::FOUND);

    // Within the five minutes it works.
    let csrf = password_step(&harness, &client, "slowpoke").await;
    let code = last_code(&harness, "slowpoke").await;
    harness.clock.advance(Duration::minutes(5));
    assert_eq!(location(&post_otp(&harness, &client, &csrf, &code).await), "/sandbox-otp-bank/accounts");
}
