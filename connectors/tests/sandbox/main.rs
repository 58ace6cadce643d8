//! The sandbox connectors against the real sandbox institutions on 127.0.0.1: each logs in as the
//! engine would run it (cookie jar, redirects followed, a test user answering its challenges from
//! the sandbox's phone and CAPTCHA answers) and must fetch exactly `gims_sandbox::data::dataset`.

mod harness;

/// sandbox-approval: approval on the phone polled to completion, SMS link, denial, expiry.
mod approval;
/// sandbox-bank: the dataset with deposits and funds, start date, wrong password, migration.
mod bank;
/// sandbox-card: three cards, balances owed as negatives, statements with charges negated.
mod card;
/// sandbox-emoney: image CAPTCHA, a wrong answer asked again, `twice` logins, never unattended.
mod emoney;
/// Every documented fault of every HTML institution as the error it means.
mod faults;
/// sandbox-oauth: consent through the loopback, refresh-token rotation, API faults.
mod oauth;
/// sandbox-otp-bank: OTP from the phone, three wrong codes, expiry, never unattended.
mod otp_bank;
/// sandbox-pension: the plan valued with its funds, its history, and its system-refresh-only policy.
mod pension;
/// sandbox-points: balance, points by expiry date, history.
mod points;
/// sandbox-securities: the general account valued with its holdings, and the wrap account.
mod securities;
