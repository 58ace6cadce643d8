//! The catalog, linking a connection, refreshing, and what refreshes bring (holdings, access log).

use super::{Gims, parse_date};
use crate::error::{ErrorCode, GimsError, Result};
use crate::ledger::{AccessLogRow, ConnectionRow, HoldingRow, NewConnection, StatusUpdate};
use crate::refresh::{self, Engine, RefreshReport, RunInput, outcome::Verdict};
use crate::vault::credentials::{self, Credentials};
use gims_connectors::{Category, Connector, InstitutionInfo, Lifecycle, catalog, institution};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct InstitutionView {
    pub id: &'static str,
    pub name: &'static str,
    pub category: &'static str,
    pub aliases: &'static [&'static str],
    pub auth: AuthView,
    pub policy: gims_connectors::RefreshPolicy,
    /// `active` or `ended`.
    pub status: &'static str,
    pub status_message: Option<String>,
    /// The institution's login page and the way to its statement download, for the institution
    /// window; `None` where no public source gives its login page.
    pub window: Option<&'static gims_connectors::WindowPlan>,
    pub lifecycle: LifecycleView,
}

/// Whether the institution can still be linked, and since when it cannot.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LifecycleView {
    /// `active` or `ended`.
    pub state: &'static str,
    /// The day it ended (`YYYY-MM-DD`).
    pub since: Option<&'static str>,
    pub reason: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuthView {
    pub kind: gims_connectors::AuthKind,
    pub fields: &'static [gims_connectors::CredentialField],
}

fn institution_view(info: &'static InstitutionInfo) -> InstitutionView {
    let (status, status_message, lifecycle) = match info.lifecycle {
        Lifecycle::Active => ("active", None, LifecycleView { state: "active", since: None, reason: None }),
        Lifecycle::Ended { since, reason } => (
            "ended",
            Some(format!("ended {since}: {reason}")),
            LifecycleView { state: "ended", since: Some(since), reason: Some(reason) },
        ),
    };
    InstitutionView {
        id: info.id,
        name: info.name,
        category: info.category.as_str(),
        aliases: info.aliases,
        auth: AuthView { kind: info.auth, fields: info.fields },
        policy: info.policy,
        status,
        status_message,
        window: info.window,
        lifecycle,
    }
}

/// The catalog, filtered by a search text (names and aliases) and a category.
pub fn institutions(search: Option<&str>, category: Option<&str>) -> Result<Vec<InstitutionView>> {
    let category = category
        .map(|text| {
            Category::ALL.iter().copied().find(|c| c.as_str() == text.trim()).ok_or_else(|| {
                let known: Vec<_> = Category::ALL.iter().map(|c| c.as_str()).collect();
                GimsError::invalid("category", format!("`{text}` is not one of: {}", known.join(", ")))
            })
        })
        .transpose()?;
    let found = match search {
        Some(text) => gims_connectors::search(text),
        None => catalog().into_iter().map(|c| c.info()).collect(),
    };
    Ok(found.into_iter().filter(|info| category.is_none_or(|c| info.category == c)).map(institution_view).collect())
}

/// A new connection as the user typed it.
#[derive(Default)]
pub struct ConnectInput {
    pub institution: String,
    pub name: Option<String>,
    pub memo: Option<String>,
    pub start_date: Option<String>,
    pub credentials: Credentials,
}

/// Which connections a refresh covers.
pub enum RefreshTargets {
    /// The user pressed refresh on these.
    Connections(Vec<i64>),
    /// "Refresh all".
    All,
    /// The scheduler's due connections (never interactive).
    Scheduled(Vec<i64>),
    /// The fetch that completes linking (`connect`) or re-linking (`relink`) these connections.
    /// The user just handed GIMS a login: it is tried once even at an institution that allows
    /// only scheduled refreshes or a minimum interval, which govern a working link.
    Linked(Vec<i64>),
}

impl Gims {
    /// Links a connection: checks the login fields, stores them in the keychain, records the
    /// connection. The first refresh is the caller's next step.
    pub fn connect(&mut self, input: ConnectInput) -> Result<ConnectionRow> {
        let info = institution(input.institution.trim()).ok_or_else(|| {
            GimsError::invalid(
                "institution",
                format!("there is no institution `{}` (see `gims institutions --search …`)", input.institution),
            )
        })?;
        if let Lifecycle::Ended { since, reason } = info.lifecycle {
            return Err(GimsError::new(
                ErrorCode::InstitutionEnded,
                format!("{} ended its service ({since}): {reason}. It can no longer be linked", info.name),
            ));
        }
        if gims_connectors::institutions::files::formats_of(info.id).is_some_and(|formats| formats.is_empty()) {
            return Err(GimsError::invalid(
                "institution",
                format!(
                    "GIMS reads none of {}'s statement files yet, so it cannot be linked: keep a manual account \
                     for it (`gims account add`)",
                    info.name
                ),
            ));
        }
        check_fields(info, &input.credentials)?;
        let start_date = input.start_date.as_deref().map(|d| parse_date("start-date", d)).transpose()?;
        let display_name = match input.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => name.to_string(),
            None => self.unique_display_name(info.name)?,
        };
        let now = super::now();
        let connection = self.ledger.add_connection(
            &NewConnection {
                institution_id: info.id,
                display_name: &display_name,
                memo: input.memo.as_deref().unwrap_or(""),
                start_date: start_date.as_deref(),
            },
            &now,
        )?;
        let stored = match input.credentials.is_empty() {
            true => Ok(()),
            false => credentials::store(self.keys(), &self.vault.metadata.vault_id, connection.id, &input.credentials),
        };
        if let Err(error) = stored {
            self.ledger.forget_new_connection(connection.id)?;
            return Err(error);
        }
        if let Some((status, action, message)) = by_window_or_file(info, connection.id) {
            let status = StatusUpdate { status, action, action_url: None, message: &message, next_refresh_at: None };
            self.ledger.set_connection_status(connection.id, &status)?;
            return self.existing_connection(connection.id);
        }
        Ok(connection)
    }

    /// "楽天銀行", then "楽天銀行 (2)" for a second login at the same bank.
    fn unique_display_name(&self, base: &str) -> Result<String> {
        let taken: Vec<String> = self.ledger.connections()?.into_iter().map(|c| c.display_name).collect();
        Ok((1..)
            .map(|n| if n == 1 { base.to_string() } else { format!("{base} ({n})") })
            .find(|name| !taken.contains(name))
            .expect("an unused name exists"))
    }

    pub fn connections(&self) -> Result<Vec<ConnectionRow>> {
        let now = time::OffsetDateTime::now_utc();
        Ok(self.ledger.connections()?.into_iter().map(|row| super::file_connections::mark_due(row, now)).collect())
    }

    pub fn holdings(&self, account: Option<i64>) -> Result<Vec<HoldingRow>> {
        if let Some(id) = account {
            self.existing_account(id)?;
        }
        self.ledger.holdings(account)
    }

    pub fn access_log(&self, connection: Option<i64>) -> Result<Vec<AccessLogRow>> {
        self.ledger.access_log(connection)
    }

    /// Refreshes connections one after another, asking the user through `engine` when an
    /// institution wants it (and `interactive` allows it).
    pub async fn refresh(
        &mut self,
        targets: RefreshTargets,
        interactive: bool,
        engine: &Engine,
    ) -> Result<Vec<RefreshReport>> {
        let kind = match &targets {
            RefreshTargets::Connections(_) => RunKind::Manual,
            RefreshTargets::All => RunKind::Bulk,
            RefreshTargets::Scheduled(_) => RunKind::Scheduled,
            RefreshTargets::Linked(_) => RunKind::Link,
        };
        let interactive = interactive && kind != RunKind::Scheduled;
        let connections = match targets {
            RefreshTargets::All => self.ledger.connections()?,
            RefreshTargets::Connections(ids) | RefreshTargets::Scheduled(ids) | RefreshTargets::Linked(ids) => ids
                .into_iter()
                .map(|id| {
                    self.ledger.connection(id)?.ok_or_else(|| {
                        GimsError::invalid(
                            "connection",
                            format!("there is no connection {id} (see `gims connections`)"),
                        )
                    })
                })
                .collect::<Result<_>>()?,
        };
        let mut reports = Vec::new();
        for connection in connections {
            // A connection never tried (linked by a front end that refreshes it next, or with
            // `--no-refresh`): the user's first refresh is the one that completes its link.
            let kind = match kind {
                RunKind::Manual if connection.last_attempt_at.is_none() => RunKind::Link,
                kind => kind,
            };
            reports.push(self.refresh_one(&connection, kind, interactive, engine).await?);
        }
        Ok(reports)
    }

    /// Everything that runs unattended while the app or `gims daemon` is up: today's backup, the
    /// refreshes that are due, the report of a month that closed. The refresh reports come
    /// back; the report and backup steps log their failures and try again next pass.
    ///
    /// A ledger found damaged stops the pass: nothing is refreshed into it or backed up from it.
    /// Today's backup, with the check before it, comes first for that reason.
    pub async fn background_pass(&mut self, engine: &Engine) -> Result<Vec<RefreshReport>> {
        self.refuse_if_damaged()?;
        self.backup_if_due()?;
        let reports = self.run_scheduled(engine).await?;
        if let Err(error) = self.write_due_reports(engine.now()) {
            tracing::warn!("the monthly report was not written: {}", error.message);
        }
        Ok(reports)
    }

    /// The scheduler's pass: refreshes every connection that is due now, unattended.
    pub async fn run_scheduled(&mut self, engine: &Engine) -> Result<Vec<RefreshReport>> {
        let now = engine.now();
        let due: Vec<i64> = self
            .ledger
            .connections()?
            .into_iter()
            .filter(|c| {
                institution(&c.institution_id).is_some_and(|info| {
                    refresh::schedule::is_due(info, c.next_refresh_at.as_deref(), c.last_attempt_at.as_deref(), now)
                })
            })
            .map(|c| c.id)
            .collect();
        if due.is_empty() {
            return Ok(Vec::new());
        }
        self.refresh(RefreshTargets::Scheduled(due), false, engine).await
    }

    async fn refresh_one(
        &mut self,
        connection: &ConnectionRow,
        kind: RunKind,
        interactive: bool,
        engine: &Engine,
    ) -> Result<RefreshReport> {
        let Some(connector) = gims_connectors::connector_for(&connection.institution_id) else {
            let verdict = Verdict::skipped(
                "ended",
                "hide",
                "this GIMS has no connector for this institution any more; the data is kept",
            );
            return Ok(refresh::report(connection.id, &verdict, 0, 0));
        };
        let vault_id = self.vault.metadata.vault_id.clone();
        // Only unattended runs continue a saved session: when the user presses refresh, the
        // institution gets a fresh login (an OTP bank asks for its code at each refresh, as its
        // users expect).
        let session = match interactive {
            true => None,
            false => credentials::load_session(self.keys(), &vault_id, connection.id, engine.now(), SESSION_REUSE),
        };
        if let Some(verdict) =
            self.policy_verdict(connection, connector, kind, interactive, engine.now(), session.is_some())?
        {
            return Ok(refresh::report(connection.id, &verdict, 0, 0));
        }
        let stored = credentials::load(self.keys(), &vault_id, connection.id)?;
        let now = engine.now_text();
        let run_id = self.ledger.start_refresh_run(connection.id, &now)?;
        let result = refresh::run_connector(
            engine,
            RunInput { connection, connector, credentials: stored.clone(), interactive, now: now.clone(), session },
        )
        .await;
        match (&result.fetched, &result.session) {
            (Ok(_), Some(cookies)) => {
                credentials::store_session(self.keys(), &vault_id, connection.id, cookies, engine.now())?
            }
            // A run that failed may have failed because its session died: do not offer it again.
            (Err(_), _) => credentials::delete_session(self.keys(), &vault_id, connection.id)?,
            (Ok(_), None) => {}
        }
        if result.fetched.is_ok() && !result.updated_credentials.is_empty() {
            // A rotated token must reach the keychain before anything else: the old one is dead.
            let mut merged = stored;
            merged.extend(result.updated_credentials.iter().map(|(k, v)| (k.clone(), v.clone())));
            credentials::store(self.keys(), &self.vault.metadata.vault_id, connection.id, &merged)?;
        }
        refresh::settle_run(&mut self.ledger, engine, connection, run_id, &result, &engine.now_text())
    }

    /// Why this connection does not run now, if it does not. Nothing is sent to the institution.
    fn policy_verdict(
        &mut self,
        connection: &ConnectionRow,
        connector: &dyn Connector,
        kind: RunKind,
        interactive: bool,
        now: time::OffsetDateTime,
        has_session: bool,
    ) -> Result<Option<Verdict>> {
        let bulk = kind == RunKind::Bulk;
        let info = connector.info();
        let policy = info.policy;
        if let Some((status, action, message)) = by_window_or_file(info, connection.id) {
            let code = (info.auth == gims_connectors::AuthKind::Window).then_some(ErrorCode::RefreshNeedsDesktop);
            return Ok(Some(Verdict { code, ..Verdict::skipped(status, action, message) }));
        }
        if let Lifecycle::Ended { since, reason } = info.lifecycle {
            return Ok(Some(Verdict::skipped(
                "ended",
                "hide",
                format!("{} ended its service ({since}): {reason}; the history is kept", info.name),
            )));
        }
        if bulk && !policy.bulk_refresh {
            let (action, instead) = match (policy.manual_refresh, connection.next_refresh_at.as_deref()) {
                (true, _) => ("refresh_now", "refresh it on its own".to_string()),
                (false, Some(at)) => ("none", format!("GIMS refreshes it on its schedule, next at {at}")),
                (false, None) => ("none", "GIMS refreshes it on its schedule".to_string()),
            };
            return Ok(Some(Verdict::skipped(
                connection_status(connection),
                action,
                format!("{} is not included in refresh all; {instead}", info.name),
            )));
        }
        if kind == RunKind::Scheduled && !refresh::schedule::Schedule::allows(info) {
            return Ok(Some(Verdict::skipped(
                connection_status(connection),
                "refresh_now",
                format!("{} is never refreshed unattended; refresh it yourself", info.name),
            )));
        }
        if kind == RunKind::Manual && !policy.manual_refresh {
            let next = match connection.next_refresh_at.as_deref() {
                Some(at) => format!("the next one runs at {at}"),
                None => format!(
                    "it is not scheduled until its problem is fixed ({}); re-link it (`gims relink {}`) to fetch now",
                    if connection.message.is_empty() { &connection.status } else { &connection.message },
                    connection.id
                ),
            };
            return Err(GimsError::new(
                ErrorCode::RefreshNotAllowed,
                format!("{} allows only GIMS's scheduled refresh, not a manual one; {next}", info.name),
            ));
        }
        // "Busy, try again tomorrow" and maintenance hold the user's press and refresh all too:
        // logging in again would only add to the load the institution asked to be spared. A
        // re-link (a login the user hands over again) is the one deliberate way past it.
        if kind != RunKind::Link
            && let Some(until) =
                refresh::schedule::waiting_until(&connection.status, connection.next_refresh_at.as_deref(), now)
        {
            return Ok(Some(waiting_verdict(connection, info, until)));
        }
        let last_attempt =
            connection.last_attempt_at.as_deref().and_then(|at| time::OffsetDateTime::parse(at, &Rfc3339).ok());
        if let (Some(last), true, false) = (last_attempt, policy.min_interval_secs > 0, kind == RunKind::Link) {
            let allowed_at = last + time::Duration::seconds(i64::from(policy.min_interval_secs));
            if now < allowed_at {
                let allowed_at = allowed_at.format(&Rfc3339).unwrap_or_default();
                return Ok(Some(Verdict::skipped(
                    connection_status(connection),
                    "retry_later",
                    format!(
                        "{} allows one refresh every {} minutes; the next may run at {allowed_at}",
                        info.name,
                        policy.min_interval_secs / 60
                    ),
                )));
            }
        }
        // With a recent session the connector may continue it without asking anyone; if the
        // institution has closed it, the connector stops before anything that sends a code.
        if !interactive && policy.needs_user_every_login && !has_session {
            let verdict = Verdict {
                outcome: "needs_user",
                status: "needs_user",
                action: "refresh_now",
                action_url: None,
                message: format!(
                    "{} asks for you at every login (a one-time password, an image or an approval); press refresh to do it now",
                    info.name
                ),
                next_refresh_at: None,
                code: None,
                retry_at: None,
            };
            let status = StatusUpdate {
                status: verdict.status,
                action: verdict.action,
                action_url: None,
                message: &verdict.message,
                next_refresh_at: None,
            };
            self.ledger.set_connection_status(connection.id, &status)?;
            return Ok(Some(verdict));
        }
        Ok(None)
    }
}

/// How long a saved institution session is offered to an unattended refresh. Institutions end
/// idle sessions sooner or later; the connector checks before using one.
const SESSION_REUSE: time::Duration = time::Duration::minutes(30);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RunKind {
    Manual,
    Bulk,
    Scheduled,
    /// The first fetch of a new connection, or the one after a re-link.
    Link,
}

/// A refresh declined because the institution asked GIMS to wait until `until`: nothing is sent.
fn waiting_verdict(connection: &ConnectionRow, info: &InstitutionInfo, until: time::OffsetDateTime) -> Verdict {
    let what = match connection.status.as_str() {
        "maintenance" => "is in maintenance",
        _ => "answered that it is busy",
    };
    let said = match connection.message.is_empty() {
        true => String::new(),
        false => format!(" ({})", connection.message),
    };
    let message = format!(
        "{} {what}{said}; GIMS sent nothing. The next try is allowed after {} (JST): refresh then, or GIMS does it on its schedule",
        info.name,
        japan_time(until)
    );
    Verdict {
        code: Some(ErrorCode::RefreshBusy),
        retry_at: until.format(&Rfc3339).ok(),
        ..Verdict::skipped(connection_status(connection), "retry_later", message)
    }
}

/// `2026-12-04 00:05`, in Japan, where institutions mean their times.
fn japan_time(at: time::OffsetDateTime) -> String {
    at.to_offset(refresh::endpoint::JAPAN)
        .format(time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .unwrap_or_else(|_| at.to_string())
}

fn connection_status(connection: &ConnectionRow) -> &'static str {
    // Keep the connection's own status when a run is merely skipped.
    match connection.status.as_str() {
        "ok" => "ok",
        "needs_user" => "needs_user",
        "bad_credentials" => "bad_credentials",
        "consent_expired" => "consent_expired",
        "action_required" => "action_required",
        "busy" => "busy",
        "maintenance" => "maintenance",
        "site_changed" => "site_changed",
        "ended" => "ended",
        _ => "unreachable",
    }
}

/// Every declared field present and nothing else: a typo in a field name is caught here, not as
/// a mysterious "wrong password" at the bank.
fn check_fields(info: &InstitutionInfo, given: &Credentials) -> Result<()> {
    let declared: Vec<&str> = info.fields.iter().map(|f| f.id).collect();
    for field in given.keys() {
        if !declared.contains(&field.as_str()) {
            return Err(GimsError::invalid(
                "credentials",
                format!("`{field}` is not a field of {} (it asks for: {})", info.name, declared.join(", ")),
            ));
        }
    }
    for field in info.fields {
        if given.get(field.id).is_none_or(|v| v.expose().trim().is_empty()) {
            return Err(GimsError::invalid(
                "credentials",
                format!("{} needs `{}` ({}); pass it in the JSON on standard input", info.name, field.id, field.label),
            ));
        }
    }
    Ok(())
}

/// Changes to a connection's settings, as typed. `None` leaves a field as it is.
#[derive(Default)]
pub struct EditInput {
    pub name: Option<String>,
    pub memo: Option<String>,
    /// An empty string clears the start date.
    pub start_date: Option<String>,
    /// A new login (a changed password): replaces the stored one.
    pub credentials: Option<Credentials>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeleteView {
    pub deleted: i64,
    pub display_name: String,
    pub destroyed: crate::ledger::DeletedCounts,
}

impl Gims {
    pub fn existing_connection(&self, id: i64) -> Result<ConnectionRow> {
        self.ledger.connection(id)?.ok_or_else(|| {
            GimsError::invalid("connection", format!("there is no connection {id} (see `gims connections`)"))
        })
    }

    /// Display name, memo, start date, login: the connection, its accounts and its history stay.
    pub fn edit_connection(&mut self, id: i64, input: EditInput) -> Result<ConnectionRow> {
        let connection = self.existing_connection(id)?;
        let start_date = match input.start_date.as_deref().map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(text) => Some(Some(parse_date("start-date", text)?)),
        };
        let name = input.name.as_deref().map(str::trim);
        if name.is_some_and(str::is_empty) {
            return Err(GimsError::invalid("name", "a connection needs a name"));
        }
        if let Some(login) = &input.credentials {
            let info = institution(&connection.institution_id).ok_or_else(|| {
                GimsError::invalid("connection", "this GIMS has no connector for it any more; its login cannot change")
            })?;
            check_fields(info, login)?;
            credentials::store(self.keys(), &self.vault.metadata.vault_id, id, login)?;
            if connection.status == "bad_credentials" {
                // An institution that refuses manual refreshes is checked by re-linking.
                let (action, message) = match info.policy.manual_refresh {
                    true => ("refresh_now", "the login was changed; refresh to check it"),
                    false => ("relink", "the login was changed; re-link to check it"),
                };
                self.ledger.set_connection_status(
                    id,
                    &StatusUpdate { status: "needs_user", action, action_url: None, message, next_refresh_at: None },
                )?;
            }
        }
        self.ledger.edit_connection(
            id,
            &crate::ledger::ConnectionEdit {
                display_name: name,
                memo: input.memo.as_deref(),
                start_date: start_date.as_ref().map(|d| d.as_deref()),
            },
        )
    }

    /// Forgets the institution's session and tokens (keeping the login fields, or taking new
    /// ones), so the next refresh logs in or asks for consent afresh. History is kept.
    pub fn prepare_relink(&mut self, id: i64, new_login: Option<Credentials>) -> Result<ConnectionRow> {
        let connection = self.existing_connection(id)?;
        let info = institution(&connection.institution_id)
            .ok_or_else(|| GimsError::invalid("connection", "this GIMS has no connector for it any more"))?;
        let vault_id = self.vault.metadata.vault_id.clone();
        let mut login = match new_login {
            Some(login) => {
                check_fields(info, &login)?;
                login
            }
            None => credentials::load(self.keys(), &vault_id, id)?,
        };
        login.retain(|field, _| info.fields.iter().any(|declared| declared.id == field));
        credentials::delete_session(self.keys(), &vault_id, id)?;
        if login.is_empty() {
            credentials::delete(self.keys(), &vault_id, id)?;
        } else {
            credentials::store(self.keys(), &vault_id, id, &login)?;
        }
        Ok(connection)
    }

    /// Deletes a connection, its keychain entry, accounts, balances, transactions, holdings and
    /// rules — irreversibly, in one transaction. `confirmed` is the user's explicit yes.
    pub fn delete_connection(&mut self, id: i64, confirmed: bool) -> Result<DeleteView> {
        let connection = self.existing_connection(id)?;
        let footprint = self.connection_footprint(id)?;
        if !confirmed {
            return Err(GimsError::invalid(
                "yes",
                format!(
                    "deleting {} removes its login from the keychain and, for good, {} accounts, {} transactions, {} balance records, {} holdings and {} rules{}; pass --yes to confirm. To keep the history instead, hide it: `gims hide --connection {id}` (out of every total, data kept)",
                    connection.display_name,
                    footprint.accounts,
                    footprint.transactions,
                    footprint.balance_snapshots,
                    footprint.holdings,
                    footprint.rules,
                    if footprint.window_data { ", and its institution window's saved sign-in (cookies)" } else { "" }
                ),
            ));
        }
        let keys = self.keys();
        let vault_id = self.vault.metadata.vault_id.clone();
        let window_data = self.window_data_dir(id);
        let destroyed = self.ledger.delete_connection(id, || {
            credentials::delete(keys, &vault_id, id)?;
            credentials::delete_session(keys, &vault_id, id)?;
            remove_window_data(&window_data)
        })?;
        let destroyed = crate::ledger::DeletedCounts { window_data: footprint.window_data, ..destroyed };
        Ok(DeleteView { deleted: id, display_name: connection.display_name, destroyed })
    }
}

/// The institution window's browser data of a connection being deleted: gone before the
/// deletion commits, or the deletion fails and nothing is deleted.
fn remove_window_data(dir: &std::path::Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(GimsError::new(
            ErrorCode::VaultIo,
            format!("could not remove the connection's window data {}: {e}; nothing was deleted", dir.display()),
        )),
    }
}

/// A connection GIMS does not log in to: its status, action and what the user does instead
/// (`None` for an institution GIMS refreshes itself). A window connection refreshes in the
/// desktop app; the command line offers the import of a file downloaded by hand.
fn by_window_or_file(info: &InstitutionInfo, id: i64) -> Option<(&'static str, &'static str, String)> {
    match info.auth {
        gims_connectors::AuthKind::Window => Some((
            "window",
            "open_window",
            format!(
                "{name} is refreshed by your own login in the desktop app's institution window: open GIMS and press \
                 refresh. Without the app, download the statement from {name} and import it with \
                 `gims import FILE --connection {id}`",
                name = info.name
            ),
        )),
        gims_connectors::AuthKind::File => Some((
            "file",
            "import_file",
            format!(
                "linked by its statement file: download it from {} and import it with `gims import FILE --connection {id}`",
                info.name
            ),
        )),
        _ => None,
    }
}
