//! End-to-end tests of the sandbox institutions over real HTTP on 127.0.0.1, with a cookie-jar
//! client that does not follow redirects (so each 302 is seen), parsing pages with `scraper` and
//! the selectors PROTOCOL.md documents.

mod harness;

/// sandbox-approval: approval on the phone, status polling, expiry, denial, SMS link.
mod approval;
/// sandbox-bank: login, accounts, paged history, wrong password, CSRF, idle expiry, logout.
mod bank;
/// sandbox-emoney: image CAPTCHA, new CAPTCHA on a wrong answer, `twice…` second CAPTCHA.
mod captcha;
/// Every fault on and off, the request counter, the `/_sandbox` error answers.
mod faults;
/// sandbox-oauth: consent, PKCE, token refresh and expiry, cursor-paged JSON API.
mod oauth;
/// sandbox-card, sandbox-securities, sandbox-points and the index page against the dataset.
mod other_institutions;
/// sandbox-otp-bank: OTP delivery, single use, three tries, five-minute expiry.
mod otp;
/// 明細ダウンロード (CSV in 楽天銀行's layout, OFX) and the OTP bank's trusted-device mark.
mod statements;
