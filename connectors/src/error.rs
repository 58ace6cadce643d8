//! What can go wrong in a connector, typed so the engine can set the connection's status and
//! the action that fixes it. Messages are for the user: specific, never "error", never secret.

use time::OffsetDateTime;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectorError {
    /// The institution refused the login ID or password (or API key): edit the login.
    BadCredentials(String),
    /// The login needs the user (OTP, CAPTCHA, approval) and this run is not interactive.
    NeedsUser(String),
    /// The user's answer was not accepted: wrong or expired OTP, too many tries, CAPTCHA failed.
    ChallengeFailed(String),
    /// The user cancelled the challenge.
    Cancelled,
    /// Nobody answered the challenge in time.
    ChallengeTimedOut,
    /// The consent (OAuth grant) expired or was revoked: re-link.
    ConsentExpired(String),
    /// Something must be done at the institution's own site (accept new terms, …).
    ActionRequired { message: String, url: Option<String> },
    /// The institution is busy ("try again tomorrow").
    Busy { message: String, retry_at: Option<OffsetDateTime> },
    /// The institution is in maintenance.
    Maintenance { message: String, until: Option<OffsetDateTime> },
    /// The institution's pages no longer look as the connector expects.
    SiteChanged(String),
    /// The institution ended the service.
    Ended(String),
    /// The institution could not be reached or answered garbage (timeout, 5xx, cut-off body).
    Network(String),
}

impl std::fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectorError::BadCredentials(m)
            | ConnectorError::NeedsUser(m)
            | ConnectorError::ChallengeFailed(m)
            | ConnectorError::ConsentExpired(m)
            | ConnectorError::SiteChanged(m)
            | ConnectorError::Ended(m)
            | ConnectorError::Network(m) => f.write_str(m),
            ConnectorError::ActionRequired { message, .. }
            | ConnectorError::Busy { message, .. }
            | ConnectorError::Maintenance { message, .. } => f.write_str(message),
            ConnectorError::Cancelled => f.write_str("the challenge was cancelled; nothing was saved"),
            ConnectorError::ChallengeTimedOut => {
                f.write_str("nobody answered the institution's question in time; nothing was saved")
            }
        }
    }
}

impl std::error::Error for ConnectorError {}

/// Why `ask` returned no reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AskError {
    /// The run is not interactive: nobody may be asked.
    NotInteractive,
    Cancelled,
    TimedOut,
}
