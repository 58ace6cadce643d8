//! The user's phone: every OTP, SMS link and approval request the institutions "send", kept per
//! login id, oldest first, for `/_sandbox/phone` (the test harness plays the user with it).

use std::collections::HashMap;

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Otp,
    SmsLink,
    Approval,
}

/// One message, as `/_sandbox/phone` returns it: `code` for an OTP, `url` for a link or an
/// approval request (a GET of it approves), `at` RFC 3339, `institution` which institution sent it.
#[derive(Debug, Clone, Serialize)]
pub struct PhoneMessage {
    pub kind: MessageKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub at: String,
    pub institution: &'static str,
}

#[derive(Debug, Default)]
pub struct Phone {
    inboxes: HashMap<String, Vec<PhoneMessage>>,
}

impl Phone {
    pub fn send_code(&mut self, login: &str, institution: &'static str, code: &str, at: OffsetDateTime) {
        self.deliver(login, institution, MessageKind::Otp, Some(code.to_owned()), None, at);
    }

    pub fn send_link(
        &mut self,
        login: &str,
        institution: &'static str,
        kind: MessageKind,
        url: String,
        at: OffsetDateTime,
    ) {
        self.deliver(login, institution, kind, None, Some(url), at);
    }

    fn deliver(
        &mut self,
        login: &str,
        institution: &'static str,
        kind: MessageKind,
        code: Option<String>,
        url: Option<String>,
        at: OffsetDateTime,
    ) {
        self.inboxes.entry(login.to_owned()).or_default().push(PhoneMessage {
            kind,
            code,
            url,
            at: at.format(&Rfc3339).expect("RFC 3339 formatting of a valid time"),
            institution,
        });
    }

    pub fn messages(&self, login: &str) -> &[PhoneMessage] {
        self.inboxes.get(login).map(Vec::as_slice).unwrap_or_default()
    }
}

/// The masked number an SMS "went to", fixed per login so the OTP page always names the same phone.
pub fn masked_number(login: &str) -> String {
    let tail = login.bytes().fold(7u32, |hash, byte| hash.wrapping_mul(31).wrapping_add(u32::from(byte))) % 10_000;
    format!("***-****-{tail:04}")
}
