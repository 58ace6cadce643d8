//! What a connector's error means for the connection: the outcome of the run, the status it
//! leaves, and the one action that fixes it, with a message that says exactly that.

use crate::error::ErrorCode;
use gims_connectors::ConnectorError;
use time::format_description::well_known::Rfc3339;

pub struct Verdict {
    /// `ok`, `needs_user`, `failed`, `skipped`.
    pub outcome: &'static str,
    pub status: &'static str,
    pub action: &'static str,
    pub action_url: Option<String>,
    pub message: String,
    pub next_refresh_at: Option<String>,
    /// Set when GIMS itself declined to run (`refresh.busy`), from the closed list.
    pub code: Option<ErrorCode>,
    /// When the next try is allowed (RFC 3339), for busy and maintenance.
    pub retry_at: Option<String>,
}

impl Verdict {
    pub fn ok() -> Verdict {
        Verdict {
            outcome: "ok",
            status: "ok",
            action: "none",
            action_url: None,
            message: String::new(),
            next_refresh_at: None,
            code: None,
            retry_at: None,
        }
    }

    pub fn skipped(status: &'static str, action: &'static str, message: impl Into<String>) -> Verdict {
        Verdict { outcome: "skipped", status, action, message: message.into(), ..Verdict::ok() }
    }
}

pub fn from_error(error: &ConnectorError) -> Verdict {
    let verdict =
        |outcome, status, action, message: String| Verdict { outcome, status, action, message, ..Verdict::ok() };
    let at = |t: &Option<time::OffsetDateTime>| t.and_then(|t| t.format(&Rfc3339).ok());
    match error {
        ConnectorError::NeedsUser(m) => verdict("needs_user", "needs_user", "refresh_now", m.clone()),
        ConnectorError::ChallengeFailed(m) => verdict("failed", "needs_user", "refresh_now", m.clone()),
        ConnectorError::Cancelled | ConnectorError::ChallengeTimedOut => {
            verdict("needs_user", "needs_user", "refresh_now", error.to_string())
        }
        ConnectorError::BadCredentials(m) => verdict("failed", "bad_credentials", "edit_login", m.clone()),
        ConnectorError::ConsentExpired(m) => verdict("failed", "consent_expired", "relink", m.clone()),
        ConnectorError::ActionRequired { message, url } => {
            Verdict { action_url: url.clone(), ..verdict("failed", "action_required", "open_site", message.clone()) }
        }
        ConnectorError::Busy { message, retry_at } => {
            Verdict { next_refresh_at: at(retry_at), ..verdict("failed", "busy", "retry_later", message.clone()) }
        }
        ConnectorError::Maintenance { message, until } => {
            Verdict { next_refresh_at: at(until), ..verdict("failed", "maintenance", "retry_later", message.clone()) }
        }
        ConnectorError::SiteChanged(m) => verdict(
            "failed",
            "site_changed",
            "wait_for_update",
            format!("{m}; the connector needs an update. Your data so far is kept"),
        ),
        ConnectorError::Ended(m) => {
            verdict("failed", "ended", "hide", format!("{m}; the history is kept and the balance counts as 0"))
        }
        ConnectorError::Network(m) => verdict("failed", "unreachable", "retry_later", m.clone()),
    }
}
