//! What the engine tells front ends while it works: each run's state and the challenges it asks.

use gims_connectors::Challenge;
use serde::{Serialize, Serializer};
use tokio::sync::mpsc;

/// A run's state machine: queued → logging_in ⇄ awaiting_user → fetching → saving → done | failed | cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Queued,
    LoggingIn,
    AwaitingUser,
    Fetching,
    Saving,
    Done,
    Failed,
    Cancelled,
}

/// A challenge as a front end shows it. No secret is in it (an OTP is what the user types).
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ChallengeView {
    pub kind: &'static str,
    pub sent_to: Option<String>,
    pub expires_at: Option<String>,
    pub attempt: u32,
    /// The CAPTCHA image, base64 PNG in JSON.
    #[serde(serialize_with = "as_base64", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string", optional))]
    pub image_png: Option<Vec<u8>>,
    pub message: Option<String>,
    pub url: Option<String>,
}

fn as_base64<S: Serializer>(bytes: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
    use base64::Engine;
    match bytes {
        Some(bytes) => serializer.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes)),
        None => serializer.serialize_none(),
    }
}

impl From<&Challenge> for ChallengeView {
    fn from(challenge: &Challenge) -> Self {
        let rfc3339 = |t: &Option<time::OffsetDateTime>| {
            t.and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        };
        let mut view = ChallengeView {
            kind: challenge.kind(),
            sent_to: None,
            expires_at: None,
            attempt: 1,
            image_png: None,
            message: None,
            url: None,
        };
        match challenge {
            Challenge::Otp { sent_to, expires_at, attempt } => {
                view.sent_to = sent_to.clone();
                view.expires_at = rfc3339(expires_at);
                view.attempt = *attempt;
            }
            Challenge::Captcha { png, attempt } => {
                view.image_png = Some(png.clone());
                view.attempt = *attempt;
            }
            Challenge::Approval { message, expires_at } => {
                view.message = Some(message.clone());
                view.expires_at = rfc3339(expires_at);
            }
            Challenge::Consent { url } => view.url = Some(url.clone()),
        }
        view
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EngineEvent {
    RunState { connection_id: i64, state: RunState },
    ChallengeAsked { challenge_id: u64, connection_id: i64, challenge: ChallengeView },
    ChallengeClosed { challenge_id: u64, connection_id: i64 },
}

/// Where events go. Sending never blocks and never fails the run: a front end that stopped
/// listening just misses them.
#[derive(Clone)]
pub struct EventSink(Option<mpsc::UnboundedSender<EngineEvent>>);

impl EventSink {
    pub fn channel() -> (EventSink, mpsc::UnboundedReceiver<EngineEvent>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (EventSink(Some(sender)), receiver)
    }

    pub fn discard() -> EventSink {
        EventSink(None)
    }

    pub fn emit(&self, event: EngineEvent) {
        if let Some(sender) = &self.0 {
            let _ = sender.send(event);
        }
    }
}
