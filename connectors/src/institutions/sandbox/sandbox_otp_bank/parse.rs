//! The one-time-password step: where the code went, when it expires, and what the bank said
//! about the code entered. The data pages are the bank's (`sandbox_bank::parse`).

use super::super::pages::{self, changed, first};
use crate::error::ConnectorError;
use scraper::Html;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const PAGE: &str = "one-time password";

/// `GET /login/otp`, or the same form again after a wrong code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpPrompt {
    pub csrf: String,
    /// `***-****-1234`
    pub sent_to: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
}

pub fn otp_prompt(body: &str) -> Result<OtpPrompt, ConnectorError> {
    let csrf = pages::form_csrf(body, "form#otp-form", PAGE)?;
    let document = Html::parse_document(body);
    let attr = |css, name| first(&document, css).and_then(|element| element.value().attr(name));
    Ok(OtpPrompt {
        csrf,
        sent_to: attr("p#otp-destination", "data-destination").map(str::to_owned),
        expires_at: attr("p#otp-expiry", "data-expires-at").and_then(|at| OffsetDateTime::parse(at, &Rfc3339).ok()),
    })
}

/// What the bank answered to a code that did not log in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpOutcome {
    Wrong {
        tries_left: Option<u32>,
    },
    /// Too many wrong codes: this attempt is dead.
    Locked,
    Expired,
}

pub fn otp_outcome(body: &str) -> Result<OtpOutcome, ConnectorError> {
    let document = Html::parse_document(body);
    if first(&document, "#otp-locked").is_some() {
        return Ok(OtpOutcome::Locked);
    }
    if first(&document, "#otp-expired").is_some() {
        return Ok(OtpOutcome::Expired);
    }
    match first(&document, "#login-error") {
        Some(error) => Ok(OtpOutcome::Wrong {
            tries_left: error.value().attr("data-tries-left").and_then(|left| left.parse().ok()),
        }),
        None => Err(changed(PAGE, "neither the accounts nor an error after the code")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const PROMPT: &str = r#"<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head>
<body data-institution="sandbox-otp-bank"><main id="main"><h1>ワンタイムパスワード</h1>
<p id="otp-destination" data-destination="***-****-1234">***-****-1234 にSMSで送信しました。</p>
<p id="otp-expiry" data-expires-at="2026-11-28T01:05:00Z">有効期限：10:05まで</p>
<p id="login-error" class="error" role="alert" data-tries-left="2">ワンタイムパスワードが正しくありません。あと2回間違えるとロックされます。</p>
<form id="otp-form" method="post" action="/sandbox-otp-bank/login/otp">
<input type="hidden" name="csrf" value="0123abcd">
<label>ワンタイムパスワード（6桁） <input type="text" name="otp"></label><button type="submit">認証する</button></form>
</main></body></html>"#;

    #[test]
    fn reads_where_the_code_went_and_when_it_expires() {
        assert_eq!(
            otp_prompt(PROMPT),
            Ok(OtpPrompt {
                csrf: "0123abcd".into(),
                sent_to: Some("***-****-1234".into()),
                expires_at: Some(datetime!(2026-11-28 01:05 UTC)),
            })
        );
        assert_eq!(otp_outcome(PROMPT), Ok(OtpOutcome::Wrong { tries_left: Some(2) }));
    }

    #[test]
    fn tells_a_locked_attempt_from_an_expired_code() {
        let locked = r#"<html><body><main id="main"><p id="otp-locked" class="error">ロックされました。</p></main></body></html>"#;
        let expired = r#"<html><body><main id="main"><p id="otp-expired" class="error">有効期限が切れました。</p></main></body></html>"#;
        assert_eq!(otp_outcome(locked), Ok(OtpOutcome::Locked));
        assert_eq!(otp_outcome(expired), Ok(OtpOutcome::Expired));
        assert!(matches!(otp_outcome("<html><body></body></html>"), Err(ConnectorError::SiteChanged(_))));
        assert!(matches!(otp_prompt(locked), Err(ConnectorError::SiteChanged(_))));
    }
}
