//! The refresh engine: runs a connector for a connection on the user's machine, asks the user
//! through the challenge broker when the institution wants an OTP, a CAPTCHA or an approval, and
//! saves what it fetched in one SQLite transaction. A run that fails saves nothing of its data;
//! its record, the connection's status and the access-log line are kept.

pub mod broker;
pub mod endpoint;
pub mod events;
pub mod outcome;
pub mod schedule;

use crate::error::Result;
use crate::ledger::{AccessLogRow, ConnectionRow, Ledger, SaveRequest, StatusUpdate};
use crate::vault::credentials::Credentials;
use broker::ChallengeBroker;
use events::{EngineEvent, EventSink, RunState};
use gims_connectors::{AskError, Challenge, Connector, ConnectorError, Context, ContextParts, Reply, Secret};
use outcome::Verdict;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What one run did, as `gims refresh` reports it.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshReport {
    pub connection_id: i64,
    /// `ok`, `needs_user`, `failed`, `skipped`.
    pub outcome: String,
    pub status: String,
    pub action: String,
    pub added: usize,
    pub updated: usize,
    pub message: String,
    /// `refresh.busy` when GIMS sent nothing because the institution asked it to wait.
    pub code: Option<crate::error::ErrorCode>,
    /// For busy and maintenance: when the next try is allowed (RFC 3339).
    pub retry_at: Option<String>,
}

/// The engine's shared parts: the broker front ends answer through, and the event sink.
pub struct Engine {
    pub broker: Arc<ChallengeBroker>,
    pub events: EventSink,
    pub cancel: CancellationToken,
    /// Where the sandbox institutions are served (`GIMS_SANDBOX_URL`, or demo mode's own).
    pub sandbox_url: Option<String>,
    /// Institutions served elsewhere than their own endpoint, by catalog id: in demo mode, the
    /// exchanges' fakes on loopback (`GIMS_ENDPOINT_<ID>` still wins).
    pub endpoints: std::collections::HashMap<String, String>,
    /// When unattended refreshes run.
    pub schedule: schedule::Schedule,
    /// The time, as the engine records it (a fixed clock in scheduler tests).
    pub clock: Arc<dyn Fn() -> time::OffsetDateTime + Send + Sync>,
}

impl Engine {
    pub fn new(events: EventSink) -> Engine {
        let timeout = std::env::var("GIMS_CHALLENGE_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map(Duration::from_secs)
            .unwrap_or(Duration::from_secs(300));
        Engine {
            broker: Arc::new(ChallengeBroker::new(events.clone(), timeout)),
            events,
            cancel: CancellationToken::new(),
            sandbox_url: std::env::var("GIMS_SANDBOX_URL").ok().filter(|url| !url.is_empty()),
            endpoints: Default::default(),
            schedule: schedule::Schedule::default(),
            clock: Arc::new(time::OffsetDateTime::now_utc),
        }
    }

    pub fn now(&self) -> time::OffsetDateTime {
        (self.clock)()
    }

    /// `now()` as the ledger stores it (RFC 3339, UTC).
    pub fn now_text(&self) -> String {
        rfc3339(self.now())
    }

    /// The next unattended refresh after a run that left `status`.
    fn next_refresh(&self, connection: &ConnectionRow, status: &str, retry_at: Option<&str>) -> Option<String> {
        let info = gims_connectors::institution(&connection.institution_id)?;
        let retry_at =
            retry_at.and_then(|t| time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok());
        self.schedule.next_after(connection.id, info, status, retry_at, self.now()).map(rfc3339)
    }
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .expect("RFC 3339 formats every UTC time")
}

/// Asks through the broker on behalf of one connection, and tells front ends the run awaits them.
struct RunAsker {
    connection_id: i64,
    broker: Arc<ChallengeBroker>,
    events: EventSink,
}

#[async_trait::async_trait]
impl gims_connectors::Asker for RunAsker {
    async fn ask(&self, challenge: Challenge) -> std::result::Result<Reply, AskError> {
        let state = |state| EngineEvent::RunState { connection_id: self.connection_id, state };
        self.events.emit(state(RunState::AwaitingUser));
        // Back to logging in however the question ends, even if the connector drops it.
        let _back = BackToLoggingIn { events: &self.events, connection_id: self.connection_id };
        self.broker.ask(self.connection_id, challenge).await
    }
}

struct BackToLoggingIn<'a> {
    events: &'a EventSink,
    connection_id: i64,
}

impl Drop for BackToLoggingIn<'_> {
    fn drop(&mut self) {
        self.events.emit(EngineEvent::RunState { connection_id: self.connection_id, state: RunState::LoggingIn });
    }
}

pub struct RunInput<'a> {
    pub connection: &'a ConnectionRow,
    pub connector: &'static dyn Connector,
    pub credentials: Credentials,
    pub interactive: bool,
    pub now: String,
    /// The cookies of this connection's last successful login, to resume its session.
    pub session: Option<Secret<String>>,
}

/// What the run brought back, before it is saved.
pub struct RunResult {
    pub fetched: std::result::Result<gims_connectors::Fetched, ConnectorError>,
    /// The institution's session cookies after a successful run, to be kept for the next one.
    pub session: Option<Secret<String>>,
    pub updated_credentials: Credentials,
    pub login: Option<AccessLogRow>,
    pub today: String,
    /// What the connector wants the user to know although it succeeded (`Context::notice`).
    pub notices: Vec<String>,
}

/// Logs in and fetches. Touches neither the ledger nor the keychain.
pub async fn run_connector(engine: &Engine, input: RunInput<'_>) -> RunResult {
    let connection_id = input.connection.id;
    let info = input.connector.info();
    let state = |state| engine.events.emit(EngineEvent::RunState { connection_id, state });
    let today = endpoint::today_at_institution(engine.now());
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let setup = endpoint::resolve(info, engine.sandbox_url.as_deref(), &engine.endpoints)
        .and_then(|endpoint| endpoint::http_client(jar.clone()).map(|http| (endpoint, http)));
    let (endpoint, http) = match setup {
        Ok(setup) => setup,
        Err(error) => {
            return RunResult {
                fetched: Err(error),
                session: None,
                updated_credentials: Credentials::new(),
                login: None,
                today: today.to_string(),
                notices: Vec::new(),
            };
        }
    };
    // The last login's cookies, set on the institution's address: the connector may resume it.
    let endpoint_url = reqwest::Url::parse(&format!("{endpoint}/")).ok();
    let resumed_session = match (&input.session, &endpoint_url) {
        (Some(cookies), Some(url)) => {
            for cookie in cookies.expose().split("; ").filter(|c| !c.is_empty()) {
                jar.add_cookie_str(cookie, url);
            }
            true
        }
        _ => false,
    };
    let start_date = input.connection.start_date.as_deref().and_then(endpoint::parse_iso_date);
    let mut ctx = Context::new(ContextParts {
        http,
        endpoint: endpoint.clone(),
        credentials: input.credentials,
        interactive: input.interactive,
        start_date,
        today,
        asker: Arc::new(RunAsker { connection_id, broker: engine.broker.clone(), events: engine.events.clone() }),
        cancel: engine.cancel.child_token(),
        resumed_session,
    });
    tracing::debug!(connection_id, institution = info.id, host = %endpoint::host_of(&endpoint), interactive = input.interactive, "refresh run: logging in");
    state(RunState::LoggingIn);
    let login = input.connector.login(&mut ctx).await;
    let access = AccessLogRow {
        at: input.now.clone(),
        connection_id: Some(connection_id),
        institution_id: info.id.to_string(),
        host: endpoint::host_of(&endpoint),
        outcome: match &login {
            Ok(()) => "ok".to_string(),
            Err(error) => outcome::from_error(error).status.to_string(),
        },
    };
    if let Err(error) = &login {
        tracing::debug!(connection_id, institution = info.id, %error, "refresh run: login failed");
    }
    let fetched = match login {
        Ok(()) => {
            tracing::debug!(connection_id, institution = info.id, "refresh run: fetching");
            state(RunState::Fetching);
            input.connector.fetch(&mut ctx).await
        }
        Err(error) => Err(error),
    };
    let session = match (&fetched, &endpoint_url) {
        (Ok(_), Some(url)) => {
            use reqwest::cookie::CookieStore;
            jar.cookies(url).and_then(|header| header.to_str().ok().map(|text| Secret::new(text.to_string())))
        }
        _ => None,
    };
    RunResult {
        fetched,
        session,
        updated_credentials: ctx.take_updated_credentials(),
        login: Some(access),
        today: today.to_string(),
        notices: ctx.take_notices(),
    }
}

/// Saves a run's result (or its failure) and says what happened.
pub fn settle_run(
    ledger: &mut Ledger,
    engine: &Engine,
    connection: &ConnectionRow,
    run_id: i64,
    result: &RunResult,
    now: &str,
) -> Result<RefreshReport> {
    let connection_id = connection.id;
    let state = |state| engine.events.emit(EngineEvent::RunState { connection_id, state });
    if let Some(login) = &result.login {
        ledger.record_access(login)?;
    }
    let failed = |ledger: &mut Ledger, verdict: Verdict| -> Result<RefreshReport> {
        let next = engine.next_refresh(connection, verdict.status, verdict.next_refresh_at.as_deref());
        let status = StatusUpdate {
            status: verdict.status,
            action: verdict.action,
            action_url: verdict.action_url.as_deref(),
            message: &verdict.message,
            next_refresh_at: next.as_deref(),
        };
        ledger.finish_failed_run(connection_id, run_id, verdict.outcome, &status, now)?;
        let cancelled = matches!(result.fetched, Err(ConnectorError::Cancelled));
        state(if cancelled { RunState::Cancelled } else { RunState::Failed });
        let retry_at = match verdict.status {
            "busy" | "maintenance" => next,
            _ => None,
        };
        Ok(report(connection_id, &Verdict { retry_at, ..verdict }, 0, 0))
    };
    let fetched = match &result.fetched {
        Ok(fetched) => fetched,
        Err(error) => {
            tracing::debug!(connection_id, %error, "refresh run: nothing saved");
            return failed(ledger, outcome::from_error(error));
        }
    };
    state(RunState::Saving);
    // A successful run's message carries the connector's notices (a key that can trade, a
    // bridge's errors): shown with the refresh and kept as the connection's status message.
    let verdict = Verdict { message: result.notices.join(" / "), ..Verdict::ok() };
    let next = engine.next_refresh(connection, verdict.status, None);
    let save = ledger.save_refresh(&SaveRequest {
        connection_id,
        run_id,
        start_date: connection.start_date.as_deref(),
        today: &result.today,
        now,
        accounts: &fetched.accounts,
        status: StatusUpdate {
            status: verdict.status,
            action: verdict.action,
            action_url: None,
            message: &verdict.message,
            next_refresh_at: next.as_deref(),
        },
    });
    match save {
        Ok(saved) => {
            tracing::debug!(connection_id, added = saved.added, updated = saved.updated, "refresh run: saved");
            state(RunState::Done);
            Ok(report(connection_id, &verdict, saved.added, saved.updated))
        }
        Err(error) if error.code == crate::error::ErrorCode::RefreshSiteChanged => {
            failed(ledger, outcome::from_error(&ConnectorError::SiteChanged(error.message)))
        }
        Err(error) => Err(error),
    }
}

pub fn report(connection_id: i64, verdict: &Verdict, added: usize, updated: usize) -> RefreshReport {
    RefreshReport {
        connection_id,
        outcome: verdict.outcome.to_string(),
        status: verdict.status.to_string(),
        action: verdict.action.to_string(),
        added,
        updated,
        message: verdict.message.clone(),
        code: verdict.code,
        retry_at: verdict.retry_at.clone(),
    }
}
