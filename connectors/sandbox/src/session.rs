//! Browser sessions of the HTML institutions: the `SBSESSION` cookie, its CSRF token, the login
//! stage it has reached (password, OTP, CAPTCHA, approval) and the 15-minute idle expiry.

use std::collections::HashMap;

use axum::http::{HeaderMap, HeaderValue, header};
use time::{Duration, OffsetDateTime};

/// The session cookie's name at every HTML institution. Its `Path` is the institution's prefix,
/// so one cookie jar holds one session per institution.
pub const COOKIE_NAME: &str = "SBSESSION";

/// A session unused for this long is gone; the next page redirects to the login page.
pub const IDLE_LIMIT: Duration = Duration::minutes(15);

/// Where a session is in the login flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Has the login form, nothing verified yet.
    Anonymous,
    /// Password accepted; an OTP was sent.
    AwaitingOtp(OtpChallenge),
    /// Three wrong OTPs: this login attempt can only start over.
    OtpLocked,
    /// Password and first CAPTCHA accepted (`twice…` logins); a second CAPTCHA is shown.
    AwaitingSecondCaptcha,
    /// Password accepted; waiting for the phone to approve `token`.
    AwaitingApproval {
        token: String,
    },
    Authenticated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtpChallenge {
    pub code: String,
    pub expires_at: OffsetDateTime,
    pub tries_left: u8,
}

#[derive(Debug, Clone)]
pub struct Session {
    pub institution: &'static str,
    /// Known once the login form was posted.
    pub login_id: Option<String>,
    /// Echoed by every form of the session as the hidden field `csrf`.
    pub csrf: String,
    pub stage: Stage,
    /// The CAPTCHA currently shown to this session (password_captcha only).
    pub captcha_id: Option<String>,
    last_seen: OffsetDateTime,
}

#[derive(Debug, Default)]
pub struct Sessions {
    by_id: HashMap<String, Session>,
}

impl Sessions {
    /// A fresh anonymous session; returns its id.
    pub fn create(&mut self, institution: &'static str, now: OffsetDateTime) -> String {
        // Abandoned sessions would pile up in a long demo; a new one is a cheap moment to sweep.
        self.by_id.retain(|_, session| now - session.last_seen <= IDLE_LIMIT);
        let id = random_token();
        self.by_id.insert(
            id.clone(),
            Session {
                institution,
                login_id: None,
                csrf: random_token(),
                stage: Stage::Anonymous,
                captcha_id: None,
                last_seen: now,
            },
        );
        id
    }

    /// The live session `id` of `institution`, touched; an idle-expired one is dropped.
    pub fn live(&mut self, institution: &str, id: &str, now: OffsetDateTime) -> Option<&mut Session> {
        let expired = match self.by_id.get(id) {
            None => return None,
            Some(session) => session.institution != institution || now - session.last_seen > IDLE_LIMIT,
        };
        if expired {
            // A cookie presented to the wrong institution is not the other's session to drop.
            if self.by_id.get(id).is_some_and(|session| session.institution == institution) {
                self.by_id.remove(id);
            }
            return None;
        }
        let session = self.by_id.get_mut(id)?;
        session.last_seen = now;
        Some(session)
    }

    /// Gives the session a new id (and CSRF token) once the password is verified, as banks do
    /// against session fixation. Returns the new id.
    pub fn rotate(&mut self, id: &str, now: OffsetDateTime) -> Option<String> {
        let mut session = self.by_id.remove(id)?;
        session.csrf = random_token();
        session.last_seen = now;
        let new_id = random_token();
        self.by_id.insert(new_id.clone(), session);
        Some(new_id)
    }

    pub fn remove(&mut self, id: &str) {
        self.by_id.remove(id);
    }
}

/// The `SBSESSION` value the client sent, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE_NAME)
}

fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
}

/// `Set-Cookie` for session `id` of `institution`.
pub fn set_session_cookie(institution: &str, id: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{COOKIE_NAME}={id}; Path=/{institution}; HttpOnly; SameSite=Lax"))
        .expect("token and institution id are header-safe")
}

/// The persistent trusted-device cookie: it outlives the session (and a logout), as a bank's
/// "remember this device" mark does, so that the next login from this browser skips the OTP.
pub const TRUSTED_DEVICE_COOKIE: &str = "sandbox_trusted_device";

/// How long a trusted-device mark is honoured.
pub const TRUSTED_DEVICE_DAYS: i64 = 30;

/// `Set-Cookie` for a trusted-device mark of `institution` (a persistent cookie: Max-Age).
pub fn set_trusted_device_cookie(institution: &str, token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{TRUSTED_DEVICE_COOKIE}={token}; Path=/{institution}; Max-Age={}; HttpOnly; SameSite=Lax",
        TRUSTED_DEVICE_DAYS * 24 * 60 * 60
    ))
    .expect("token and institution id are header-safe")
}

/// The trusted-device token the browser sent, if any.
pub fn trusted_device_cookie(headers: &HeaderMap) -> Option<String> {
    cookie(headers, TRUSTED_DEVICE_COOKIE)
}

/// `Set-Cookie` that removes the session cookie (logout).
pub fn clear_session_cookie(institution: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{COOKIE_NAME}=; Path=/{institution}; Max-Age=0; HttpOnly; SameSite=Lax"))
        .expect("institution id is header-safe")
}

/// 128 random bits as 32 hex digits: session ids, CSRF tokens, codes, access tokens.
pub fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// `count` random decimal digits (up to 30): OTPs and CAPTCHA answers. The low digits of a
/// random 122-bit number are uniform; its leading ones are not.
pub fn random_digits(count: usize) -> String {
    let number = uuid::Uuid::new_v4().as_u128();
    let padded = format!("{number:040}");
    padded[padded.len() - count..].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn sessions_expire_after_fifteen_idle_minutes_and_belong_to_one_institution() {
        let start = datetime!(2026-11-28 10:00 UTC);
        let mut sessions = Sessions::default();
        let id = sessions.create("sandbox-bank", start);
        assert!(sessions.live("sandbox-card", &id, start).is_none());
        assert!(sessions.live("sandbox-bank", &id, start + Duration::minutes(14)).is_some());
        // Touched at +14: still alive 15 minutes after that, gone one second later.
        assert!(sessions.live("sandbox-bank", &id, start + Duration::minutes(29)).is_some());
        let too_late = start + Duration::minutes(44) + Duration::seconds(1);
        assert!(sessions.live("sandbox-bank", &id, too_late).is_none());
        assert!(sessions.live("sandbox-bank", &id, start).is_none(), "dropped for good");
    }

    #[test]
    fn cookie_header_is_parsed_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("a=1; SBSESSION=abc; b=2"));
        assert_eq!(session_cookie(&headers).as_deref(), Some("abc"));
        assert_eq!(random_digits(6).len(), 6);
        assert_ne!(random_token(), random_token());
    }
}
