//! The context a connector runs in: HTTP with this connection's cookie jar, its credentials, the
//! channel to ask the user, the start date, and cancellation. Built by the engine for each run.

use crate::contract::{Challenge, Reply};
use crate::error::{AskError, ConnectorError};
use crate::secret::Secret;
use std::collections::HashMap;
use std::sync::Arc;
use time::Date;
use tokio_util::sync::CancellationToken;

/// The user, as far as a connector can see: asked a challenge, answers or not.
#[async_trait::async_trait]
pub trait Asker: Send + Sync {
    async fn ask(&self, challenge: Challenge) -> Result<Reply, AskError>;
}

/// Everything the engine hands in to build a [`Context`].
pub struct ContextParts {
    pub http: reqwest::Client,
    /// Base URL without a trailing slash (`http://127.0.0.1:8123/sandbox-bank`).
    pub endpoint: String,
    pub credentials: HashMap<String, Secret<String>>,
    pub interactive: bool,
    pub start_date: Option<Date>,
    /// Today at the institution (Japan for Japanese institutions).
    pub today: Date,
    pub asker: Arc<dyn Asker>,
    pub cancel: CancellationToken,
    /// The HTTP client carries the cookies of this connection's last successful login: a
    /// connector may check whether that session is still open before logging in again.
    pub resumed_session: bool,
}

pub struct Context {
    pub http: reqwest::Client,
    pub endpoint: String,
    pub interactive: bool,
    pub start_date: Option<Date>,
    pub today: Date,
    pub cancel: CancellationToken,
    pub resumed_session: bool,
    credentials: HashMap<String, Secret<String>>,
    updated_credentials: HashMap<String, Secret<String>>,
    notices: Vec<String>,
    asker: Arc<dyn Asker>,
}

impl Context {
    pub fn new(parts: ContextParts) -> Self {
        Context {
            http: parts.http,
            endpoint: parts.endpoint.trim_end_matches('/').to_string(),
            interactive: parts.interactive,
            start_date: parts.start_date,
            today: parts.today,
            cancel: parts.cancel,
            resumed_session: parts.resumed_session,
            credentials: parts.credentials,
            updated_credentials: HashMap::new(),
            notices: Vec::new(),
            asker: parts.asker,
        }
    }

    /// `endpoint` + `path` (`/login`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.endpoint)
    }

    /// A credential field by id. A missing one is the user's login to fix.
    pub fn credential(&self, id: &str) -> Result<&Secret<String>, ConnectorError> {
        self.credentials
            .get(id)
            .filter(|value| !value.expose().is_empty())
            .ok_or_else(|| ConnectorError::BadCredentials(format!("the login has no `{id}`; edit the login")))
    }

    /// Call before the request that would make the institution send a one-time password or
    /// otherwise need the user: an unattended run stops here, having triggered nothing.
    pub fn require_interactive(&self, what: &str) -> Result<(), ConnectorError> {
        if self.interactive {
            Ok(())
        } else {
            Err(ConnectorError::NeedsUser(format!("{what}; refresh it yourself to answer")))
        }
    }

    /// Asks the user. Non-interactive runs, cancellation and time-outs come back as errors.
    pub async fn ask(&self, challenge: Challenge) -> Result<Reply, ConnectorError> {
        let kind = challenge.kind();
        if !self.interactive {
            return Err(ConnectorError::NeedsUser(format!("the institution asks for {}", describe(kind))));
        }
        tokio::select! {
            reply = self.asker.ask(challenge) => match reply {
                Ok(reply) => Ok(reply),
                Err(AskError::NotInteractive) => Err(ConnectorError::NeedsUser(format!("the institution asks for {}", describe(kind)))),
                Err(AskError::Cancelled) => Err(ConnectorError::Cancelled),
                Err(AskError::TimedOut) => Err(ConnectorError::ChallengeTimedOut),
            },
            () = self.cancel.cancelled() => Err(ConnectorError::Cancelled),
        }
    }

    pub fn check_cancelled(&self) -> Result<(), ConnectorError> {
        if self.cancel.is_cancelled() { Err(ConnectorError::Cancelled) } else { Ok(()) }
    }

    /// Sends a request, mapping transport failures to specific messages; cancellation wins.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<reqwest::Response, ConnectorError> {
        self.check_cancelled()?;
        tokio::select! {
            result = request.send() => result.map_err(|e| network_error(&e)),
            () = self.cancel.cancelled() => Err(ConnectorError::Cancelled),
        }
    }

    /// Reads a whole body; a body cut off in the middle is a network error, not data.
    pub async fn text(&self, response: reqwest::Response) -> Result<String, ConnectorError> {
        tokio::select! {
            result = response.text() => result.map_err(|e| {
                ConnectorError::Network(format!("the institution's answer was cut off ({}); nothing was saved", short(&e)))
            }),
            () = self.cancel.cancelled() => Err(ConnectorError::Cancelled),
        }
    }

    /// A credential the institution changed during this run (a rotated token); the engine stores
    /// it in the keychain only if the run succeeds.
    pub fn keep_credential(&mut self, id: &str, value: Secret<String>) {
        self.updated_credentials.insert(id.to_string(), value);
    }

    /// A credential kept earlier in this run (`keep_credential`): how `fetch` reads the access
    /// token that `login` obtained.
    pub fn kept_credential(&self, id: &str) -> Option<&Secret<String>> {
        self.updated_credentials.get(id)
    }

    pub fn take_updated_credentials(&mut self) -> HashMap<String, Secret<String>> {
        std::mem::take(&mut self.updated_credentials)
    }

    /// Something the user should know although the run succeeded (an API key that can trade,
    /// errors a bridge reported for some accounts): the engine shows it as the run's message.
    pub fn notice(&mut self, text: impl Into<String>) {
        self.notices.push(text.into());
    }

    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }
}

fn describe(kind: &str) -> &'static str {
    match kind {
        "otp" => "a one-time password",
        "captcha" => "an image CAPTCHA",
        "approval" => "approval on your other device",
        _ => "your consent in the browser",
    }
}

fn network_error(error: &reqwest::Error) -> ConnectorError {
    let detail = short(error);
    if detail.contains("certificate") {
        // TLS fails closed: nothing, not even the login, was sent.
        return ConnectorError::Network(format!(
            "the institution's TLS certificate is not trusted ({detail}); GIMS refused the connection and sent nothing. \
             If a proxy or security software inspects your connections, allow the institution's site through"
        ));
    }
    let what = if error.is_timeout() {
        "the institution did not answer in time"
    } else if error.is_connect() {
        "the institution could not be reached"
    } else {
        "the connection to the institution failed"
    };
    ConnectorError::Network(format!("{what} ({}); try again later", short(error)))
}

/// The cause chain of a reqwest error without the URL (whose query may carry a token).
fn short(error: &reqwest::Error) -> String {
    let mut parts = Vec::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        parts.push(cause.to_string());
        source = cause.source();
    }
    if parts.is_empty() { "no detail".into() } else { parts.join(": ") }
}
