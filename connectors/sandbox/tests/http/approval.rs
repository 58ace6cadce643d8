use reqwest::{Client, StatusCode};
use serde_json::Value;
use time::Duration;

use crate::harness::*;

async fn status(harness: &Harness, client: &Client) -> String {
    let body: Value = harness.get(client, "/sandbox-approval/login/status").await.json().await.unwrap();
    body["state"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn approving_on_the_phone_logs_the_session_in() {
    let harness = Harness::start().await;
    let client = client();
    assert!(harness.phone("anna").await.is_empty());
    let response = harness.post_login(&client, "sandbox-approval", "anna", "sandbox").await;
    assert_eq!(location(&response), "/sandbox-approval/login/approval");
    let page = harness.page(&client, "/sandbox-approval/login/approval").await;
    assert!(text(&page, "#approval-pending").contains("スマートフォンアプリで承認してください"));
    assert_eq!(attr(&page, "#approval-pending", "data-status-url"), "/sandbox-approval/login/status");

    let messages = harness.phone("anna").await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["kind"], "approval");
    let url = messages[0]["url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&harness.url("/sandbox-approval/approve/")));

    assert_eq!(status(&harness, &client).await, "pending");
    assert_eq!(harness.get(&client, "/sandbox-approval/accounts").await.status(), StatusCode::FOUND);
    let before = harness.requests("sandbox-approval").await;
    let phone_tap = Client::new().get(&url).send().await.unwrap();
    assert_eq!(phone_tap.status(), StatusCode::OK);
    assert_eq!(harness.requests("sandbox-approval").await, before, "the phone is not the client");
    assert_eq!(status(&harness, &client).await, "approved");
    let accounts = harness.page(&client, "/sandbox-approval/accounts").await;
    assert_eq!(texts(&accounts, "tr.account").len(), 2);
}

#[tokio::test]
async fn an_unanswered_approval_expires_after_two_minutes() {
    let harness = Harness::start().await;
    let client = client();
    harness.post_login(&client, "sandbox-approval", "late", "sandbox").await;
    harness.clock.advance(Duration::minutes(2) + Duration::seconds(1));
    let url = harness.phone("late").await[0]["url"].as_str().unwrap().to_owned();
    let tapped = scraper::Html::parse_document(&Client::new().get(&url).send().await.unwrap().text().await.unwrap());
    assert_eq!(attr(&tapped, "#approval-result", "data-state"), "expired");
    assert_eq!(status(&harness, &client).await, "expired");
    assert_eq!(harness.get(&client, "/sandbox-approval/accounts").await.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn a_denied_approval_and_the_sms_link_variant() {
    let harness = Harness::start().await;
    let client = client();
    harness.post_login(&client, "sandbox-approval", "dora", "sandbox").await;
    let url = harness.phone("dora").await[0]["url"].as_str().unwrap().to_owned();
    Client::new().get(format!("{url}?action=deny")).send().await.unwrap();
    assert_eq!(status(&harness, &client).await, "denied");
    assert_eq!(harness.get(&client, "/sandbox-approval/accounts").await.status(), StatusCode::FOUND);

    let sms_client = crate::harness::client();
    harness.post_login(&sms_client, "sandbox-approval", "sms-sam", "sandbox").await;
    let message = &harness.phone("sms-sam").await[0];
    assert_eq!(message["kind"], "sms_link");
    Client::new().get(message["url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(status(&harness, &sms_client).await, "approved");
    harness.page(&sms_client, "/sandbox-approval/accounts").await;
}
