use gims_sandbox::data::{REPEATED_PURCHASE, dataset};
use reqwest::StatusCode;
use time::Duration;

use crate::harness::*;

#[tokio::test]
async fn login_accounts_and_every_history_page_show_the_dataset() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-bank", "alice", "/accounts").await;
    let expected = dataset("sandbox-bank", "alice", harness.today());

    let accounts = harness.page(&client, "/sandbox-bank/accounts").await;
    let numbers = texts(&accounts, "table#accounts tr.account td.account-no");
    let balances: Vec<i64> =
        texts(&accounts, "table#accounts tr.account td.balance").iter().map(|text| amount(text)).collect();
    assert_eq!(texts(&accounts, "tr.account td.account-type"), ["普通預金", "定期預金"]);
    assert_eq!(numbers, [expected.accounts[0].id.clone(), expected.accounts[1].id.clone()]);
    assert_eq!(balances, [expected.accounts[0].balance, expected.accounts[1].balance]);
    assert!(text(&accounts, "tr.account td.balance").ends_with('円'));
    assert_eq!(attr(&accounts, "#as-of", "data-date"), harness.today().to_string());

    let funds = &expected.accounts[2];
    assert_eq!(attr(&accounts, "section#investment-trusts", "data-account-no"), funds.id);
    let fund_values: Vec<i64> =
        texts(&accounts, "table#fund-holdings tr.holding td.value").iter().map(|text| amount(text)).collect();
    assert_eq!(fund_values, funds.holdings.iter().map(|h| h.value).collect::<Vec<_>>());
    assert_eq!(
        texts(&accounts, "table#fund-holdings tr.holding td.code"),
        funds.holdings.iter().map(|h| h.code.clone()).collect::<Vec<_>>()
    );

    let ordinary = &expected.accounts[0];
    let first_page = harness.page(&client, &format!("/sandbox-bank/accounts/{}/history", ordinary.id)).await;
    assert_eq!(first_page.select(&selector("table#history tr.txn")).count(), 20);
    assert_eq!(
        attr(&first_page, "a[rel=next]", "href"),
        format!("/sandbox-bank/accounts/{}/history?page=2", ordinary.id)
    );

    let (rows, pages) = all_rows(&harness, &client, &format!("/sandbox-bank/accounts/{}/history", ordinary.id)).await;
    assert_eq!(pages, ordinary.transactions.len().div_ceil(20));
    assert_eq!(rows.len(), ordinary.transactions.len());
    for (row, transaction) in rows.iter().zip(&ordinary.transactions) {
        assert_eq!(row.id, transaction.id);
        assert_eq!(row.cells["description"], transaction.description);
        let date = transaction.date;
        assert_eq!(row.cells["date"], format!("{:04}/{:02}/{:02}", date.year(), u8::from(date.month()), date.day()));
        let signed = if row.cells["withdrawal"].is_empty() {
            amount(&row.cells["deposit"])
        } else {
            -amount(&row.cells["withdrawal"])
        };
        assert_eq!(signed, transaction.amount, "{}", row.id);
        assert_eq!(amount(&row.cells["balance"]), transaction.balance);
    }
    let repeated: Vec<&Row> = rows.iter().filter(|row| row.cells["description"] == REPEATED_PURCHASE).collect();
    let pair = repeated
        .windows(2)
        .find(|pair| ["date", "withdrawal"].iter().all(|cell| pair[0].cells[*cell] == pair[1].cells[*cell]))
        .expect("two identical same-day purchases on the pages");
    assert_ne!(pair[0].id, pair[1].id);

    // Past the last page: an empty table, no next link.
    let beyond =
        harness.page(&client, &format!("/sandbox-bank/accounts/{}/history?page={}", ordinary.id, pages + 1)).await;
    assert!(!exists(&beyond, "tr.txn") && !exists(&beyond, "a[rel=next]"));
    let unknown = harness.get(&client, "/sandbox-bank/accounts/0000000/history").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_password_is_an_ordinary_page_with_an_error_and_no_session() {
    let harness = Harness::start().await;
    let client = client();
    let response = harness.post_login(&client, "sandbox-bank", "alice", "wrong").await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = scraper::Html::parse_document(&response.text().await.unwrap());
    assert_eq!(text(&page, "#login-error"), "ログインIDまたはパスワードが正しくありません。");
    assert_eq!(attr(&page, "#login-form input[name=login_id]", "value"), "alice");
    let accounts = harness.get(&client, "/sandbox-bank/accounts").await;
    assert_eq!(accounts.status(), StatusCode::FOUND);
    assert_eq!(location(&accounts), "/sandbox-bank/login");
}

#[tokio::test]
async fn a_login_id_that_signed_up_with_its_own_password_accepts_only_that_one() {
    let harness = Harness::start().await;
    let signed_up = client()
        .post(harness.url("/_sandbox/users"))
        .json(&serde_json::json!({ "login": "carol", "password": "canary-pw-1f2e" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), StatusCode::NO_CONTENT);

    let client = client();
    let refused = harness.post_login(&client, "sandbox-bank", "carol", "sandbox").await;
    let page = scraper::Html::parse_document(&refused.text().await.unwrap());
    assert_eq!(text(&page, "#login-error"), "ログインIDまたはパスワードが正しくありません。");
    let accepted = harness.post_login(&client, "sandbox-bank", "carol", "canary-pw-1f2e").await;
    assert_eq!(accepted.status(), StatusCode::FOUND);
    // Everyone else still uses the sandbox's password.
    harness.login(&super::harness::client(), "sandbox-bank", "dave", "/accounts").await;
}

#[tokio::test]
async fn a_form_without_its_csrf_token_is_refused() {
    let harness = Harness::start().await;
    let client = client();
    harness.page(&client, "/sandbox-bank/login").await;
    let response = client
        .post(harness.url("/sandbox-bank/login"))
        .form(&[("login_id", "alice"), ("password", "sandbox"), ("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = scraper::Html::parse_document(&response.text().await.unwrap());
    assert!(exists(&page, "#session-error"));
    assert_eq!(harness.get(&client, "/sandbox-bank/accounts").await.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn a_session_dies_after_fifteen_idle_minutes_and_at_logout() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-bank", "alice", "/accounts").await;
    harness.clock.advance(Duration::minutes(14));
    harness.page(&client, "/sandbox-bank/accounts").await;
    harness.clock.advance(Duration::minutes(15) + Duration::seconds(1));
    let expired = harness.get(&client, "/sandbox-bank/accounts").await;
    assert_eq!(expired.status(), StatusCode::FOUND);
    assert_eq!(location(&expired), "/sandbox-bank/login");

    harness.login(&client, "sandbox-bank", "alice", "/accounts").await;
    let logged_out = harness.page(&client, "/sandbox-bank/logout").await;
    assert!(exists(&logged_out, "#logged-out"));
    assert_eq!(harness.get(&client, "/sandbox-bank/accounts").await.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn sessions_of_two_institutions_live_side_by_side_in_one_jar() {
    let harness = Harness::start().await;
    let client = client();
    harness.login(&client, "sandbox-bank", "alice", "/accounts").await;
    harness.login(&client, "sandbox-card", "alice", "/cards").await;
    harness.page(&client, "/sandbox-bank/accounts").await;
    harness.page(&client, "/sandbox-card/cards").await;
    // The bank's cookie does not open the securities company.
    assert_eq!(harness.get(&client, "/sandbox-securities/portfolio").await.status(), StatusCode::FOUND);
}
