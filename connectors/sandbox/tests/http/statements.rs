use reqwest::StatusCode;

use crate::harness::*;

/// The OTP bank's login as a browser does it: password, then the code from the phone, with the
/// "trust this device" box ticked or not. Returns where the OTP step (or the password) led.
async fn login_with_otp(harness: &Harness, client: &reqwest::Client, login: &str, trust: bool) -> String {
    login_with_otp_at(harness, client, "sandbox-otp-bank", login, trust).await
}

async fn login_with_otp_at(
    harness: &Harness,
    client: &reqwest::Client,
    bank: &str,
    login: &str,
    trust: bool,
) -> String {
    let response = harness.post_login(client, bank, login, "sandbox").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let next = location(&response);
    if next != format!("/{bank}/login/otp") {
        return next;
    }
    let page = harness.page(client, &format!("/{bank}/login/otp")).await;
    assert!(exists(&page, "#otp-form input#trust-device[type=checkbox]"), "the OTP page offers to trust the device");
    assert!(exists(&page, "#otp-form input[name=otp][autofocus]"), "the cursor starts in the code field");
    let csrf = attr(&page, "#otp-form input[name=csrf]", "value");
    let code = harness.phone(login).await.last().unwrap()["code"].as_str().unwrap().to_owned();
    let mut form = vec![("csrf", csrf), ("otp", code)];
    if trust {
        form.push(("trust", "1".into()));
    }
    let response = client.post(harness.url(&format!("/{bank}/login/otp"))).form(&form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    let cookies: Vec<String> =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(
        cookies.iter().any(|c| c.starts_with("sandbox_trusted_device=") && c.contains("Max-Age=2592000")),
        trust,
        "a persistent trusted-device cookie exactly when asked: {cookies:?}"
    );
    location(&response)
}

#[tokio::test]
async fn a_trusted_device_skips_the_otp_for_its_login_only_and_other_browsers_still_get_one() {
    let harness = Harness::start().await;
    let browser = client();
    assert_eq!(login_with_otp(&harness, &browser, "tomo", true).await, "/sandbox-otp-bank/accounts");
    assert_eq!(harness.phone("tomo").await.len(), 1);
    // Log out: the session ends, the trusted-device mark stays in the browser.
    assert_eq!(harness.get(&browser, "/sandbox-otp-bank/logout").await.status(), StatusCode::OK);
    assert_eq!(harness.get(&browser, "/sandbox-otp-bank/accounts").await.status(), StatusCode::FOUND, "logged out");
    assert_eq!(login_with_otp(&harness, &browser, "tomo", false).await, "/sandbox-otp-bank/accounts");
    assert_eq!(harness.phone("tomo").await.len(), 1, "no second code was sent");
    assert_eq!(harness.get(&browser, "/sandbox-otp-bank/accounts").await.status(), StatusCode::OK);

    // Another login in the same browser, and the same login in another browser, get a code.
    assert_eq!(login_with_otp(&harness, &browser, "yuki", false).await, "/sandbox-otp-bank/accounts");
    assert_eq!(harness.phone("yuki").await.len(), 1);
    assert_eq!(login_with_otp(&harness, &client(), "tomo", false).await, "/sandbox-otp-bank/accounts");
    assert_eq!(harness.phone("tomo").await.len(), 2);

    // The mark expires after thirty days.
    harness.clock.advance(time::Duration::days(31));
    assert_eq!(login_with_otp(&harness, &browser, "tomo", false).await, "/sandbox-otp-bank/accounts");
    assert_eq!(harness.phone("tomo").await.len(), 3);
}

#[tokio::test]
async fn statements_download_as_attachments_in_the_layouts_banks_serve() {
    let harness = Harness::start().await;
    let browser = client();
    // Not logged in: the download page sends the browser to the login.
    assert_eq!(harness.get(&browser, "/sandbox-bank/statements").await.status(), StatusCode::FOUND);
    harness.login(&browser, "sandbox-bank", "kumi", "/accounts").await;
    let accounts = harness.page(&browser, "/sandbox-bank/accounts").await;
    assert_eq!(attr(&accounts, "a#statements-link", "href"), "/sandbox-bank/statements");
    let page = harness.page(&browser, "/sandbox-bank/statements").await;
    let account_no = attr(&page, "#statement-account option", "value");
    assert_eq!(attr(&page, "#statement-form", "action"), "/sandbox-bank/statements/download");
    assert!(exists(&page, "#statement-period option[value='3']") && exists(&page, "button#statement-download"));

    let data = gims_sandbox::data::dataset("sandbox-bank", "kumi", harness.today());
    let account = data.account(&account_no).unwrap();
    let from = harness.today() - time::Duration::days(3 * 31);
    let expected: Vec<_> = account.transactions.iter().rev().filter(|t| t.date >= from).collect();
    assert!(expected.len() > 10);

    let csv = harness
        .get(&browser, &format!("/sandbox-bank/statements/download?account={account_no}&months=3&format=csv"))
        .await;
    assert_eq!(csv.status(), StatusCode::OK);
    let disposition = csv.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"meisai_") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let bytes = csv.bytes().await.unwrap();
    let (text, _, malformed) = encoding_rs::SHIFT_JIS.decode(&bytes);
    assert!(!malformed, "CP932 throughout");
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8: the bank's files are Shift_JIS");
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "取引日,入出金(円),取引後残高(円),入出金内容");
    assert_eq!(lines.len() - 1, expected.len(), "every row in the period, oldest first");
    let last: Vec<&str> = lines.last().unwrap().split(',').collect();
    let newest = expected.last().unwrap();
    assert_eq!(last[2], newest.balance.to_string());
    let signed = last[1].replace('－', "-");
    assert_eq!(signed, newest.amount.to_string());

    let ofx = harness
        .get(&browser, &format!("/sandbox-bank/statements/download?account={account_no}&months=3&format=ofx"))
        .await;
    assert_eq!(ofx.status(), StatusCode::OK);
    let body = ofx.text().await.unwrap();
    assert!(body.starts_with("OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102"));
    assert_eq!(body.matches("<STMTTRN>").count(), expected.len());
    assert!(body.contains(&format!("<BALAMT>{}\r\n", account.balance)));

    // A period the form does not offer is refused; another login's account is not found.
    let odd = harness.get(&browser, &format!("/sandbox-bank/statements/download?account={account_no}&months=7")).await;
    assert_eq!(odd.status(), StatusCode::BAD_REQUEST);
    let other = gims_sandbox::data::dataset("sandbox-bank", "someone-else", harness.today());
    let foreign = &other.accounts[0].id;
    if foreign != &account_no {
        let response = harness.get(&browser, &format!("/sandbox-bank/statements/download?account={foreign}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
}

/// The window bank: the pages a person sees in the institution window. The login puts the cursor
/// in the first empty field, and the accounts page embeds a third party's frame on another host
/// name of the same server, loaded only when a browser fetches it.
#[tokio::test]
async fn the_window_bank_focuses_its_login_and_embeds_a_partner_frame_on_another_host() {
    let harness = Harness::start().await;
    let browser = client();
    let login = harness.page(&browser, "/sandbox-window-bank/login").await;
    assert!(exists(&login, "input[name=login_id][autofocus]") && !exists(&login, "input[name=password][autofocus]"));
    let prefilled = harness.page(&browser, "/sandbox-window-bank/login?login_id=mado").await;
    assert!(exists(&prefilled, "input[name=password][autofocus]"));
    assert_eq!(
        login_with_otp_at(&harness, &browser, "sandbox-window-bank", "mado", false).await,
        "/sandbox-window-bank/accounts"
    );
    let accounts = harness.page(&browser, "/sandbox-window-bank/accounts").await;
    let frame = attr(&accounts, "#partner-banner iframe", "src");
    let port = harness.url("/").split(':').nth(2).unwrap().trim_end_matches('/').to_owned();
    assert_eq!(frame, format!("http://localhost:{port}/_sandbox/partner"));
    assert!(exists(&accounts, "a#statements-link"));
    let count = |harness: &Harness| {
        let url = harness.url("/_sandbox/partner/requests");
        async move { reqwest::get(url).await.unwrap().json::<serde_json::Value>().await.unwrap()["count"].clone() }
    };
    assert_eq!(count(&harness).await, 0, "a page fetched is not a frame loaded");
    assert_eq!(harness.get(&browser, "/_sandbox/partner").await.status(), StatusCode::OK);
    assert_eq!(count(&harness).await, 1);
    // The other banks' pages are as before.
    harness.login(&browser, "sandbox-bank", "mado", "/accounts").await;
    assert!(!exists(&harness.page(&browser, "/sandbox-bank/accounts").await, "#partner-banner"));
}

/// The window bank's accounts page carries the IPC probe (what a hostile page would try inside
/// an app), whose reports the sandbox keeps; and the sandbox counts login pages requested with a
/// session cookie still in the browser, which a browser that starts each login afresh never sends.
#[tokio::test]
async fn the_window_bank_probes_for_an_apps_ipc_and_login_pages_tell_a_kept_session() {
    let harness = Harness::start().await;
    let json = |path: &str| {
        let url = harness.url(path);
        async move { reqwest::get(url).await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let browser = client();
    let login_pages = "/_sandbox/login-pages?institution=sandbox-window-bank";
    assert_eq!(json(login_pages).await, serde_json::json!({ "served": 0, "with_session_cookie": 0 }));
    login_with_otp_at(&harness, &browser, "sandbox-window-bank", "sora", false).await;
    assert_eq!(json(login_pages).await, serde_json::json!({ "served": 1, "with_session_cookie": 0 }));
    // The same browser, its session cookie kept, opens the login page again: that is counted.
    assert_eq!(harness.get(&browser, "/sandbox-window-bank/login").await.status(), StatusCode::OK);
    assert_eq!(json(login_pages).await, serde_json::json!({ "served": 2, "with_session_cookie": 1 }));
    // A fresh browser (no cookies) is not.
    assert_eq!(harness.get(&client(), "/sandbox-window-bank/login").await.status(), StatusCode::OK);
    assert_eq!(json(login_pages).await["with_session_cookie"], 1);

    let fresh = client();
    login_with_otp_at(&harness, &fresh, "sandbox-window-bank", "sora", false).await;
    let accounts = harness.page(&fresh, "/sandbox-window-bank/accounts").await;
    assert_eq!(attr(&accounts, "script", "src"), "/_sandbox/ipc-probe.js");
    let script = harness.get(&fresh, "/_sandbox/ipc-probe.js").await;
    assert!(script.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    let body = script.text().await.unwrap();
    for tried in ["__TAURI_INTERNALS__", "open_blocked_link", "plugin:event|emit", "ipc://localhost/"] {
        assert!(body.contains(tried), "the probe tries {tried}");
    }
    assert_eq!(json("/_sandbox/ipc-probe").await, serde_json::json!({ "reports": [] }));
    let report = serde_json::json!({ "page": "/sandbox-window-bank/accounts", "channel": "x", "outcome": "refused", "detail": "no" });
    let posted = fresh.post(harness.url("/_sandbox/ipc-probe")).json(&report).send().await.unwrap();
    assert_eq!(posted.status(), StatusCode::NO_CONTENT);
    assert_eq!(json("/_sandbox/ipc-probe").await, serde_json::json!({ "reports": [report] }));
    // The other banks' pages carry no probe.
    harness.login(&fresh, "sandbox-bank", "sora", "/accounts").await;
    assert!(!exists(&harness.page(&fresh, "/sandbox-bank/accounts").await, "script"));
}
