//! The institution window's side of the core: where a connection's window opens and which hosts
//! it may visit (the catalog's plan, resolved), where its browser data lives (one folder per
//! connection inside the vault folder, deleted with the connection), and the capture of a
//! statement downloaded there, imported into the connection like its file and recorded as the
//! user's own login ("ログイン: あなたがアプリ内ウィンドウで"). The desktop shell owns the window;
//! nothing here opens one, and the page never reaches the core.

use super::{Gims, StatementFile};
use crate::error::{ErrorCode, GimsError, Result};
use crate::import::{ImportMode, ImportOutcome};
use crate::ledger::ConnectionRow;
use gims_connectors::institutions::files::formats_of;
use gims_connectors::{AuthKind, InstitutionInfo, RecipeStep, WindowPlan, institution};
use reqwest::Url;
use serde::Serialize;
use std::path::PathBuf;

/// Where a connection's institution window starts and may go, and the recipe it walks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WindowSession {
    pub connection_id: i64,
    pub institution_id: String,
    pub institution_name: String,
    /// The login page the window opens.
    pub start_url: String,
    /// The hosts (with their port where one is given) the window may load; any other address
    /// opens in the system browser, after the user agrees.
    pub hosts: Vec<String>,
    /// An address prefix that means the user is logged in, where the catalog knows one.
    pub logged_in: Option<String>,
    /// The way to the statement download, walked once the user is logged in.
    pub steps: Vec<WindowStep>,
    /// The steps are the user's own recording ("next time from here": open the page where they
    /// downloaded the statement last), not the catalog's.
    pub recorded: bool,
    /// The import formats a captured file may be in.
    pub formats: Vec<String>,
}

impl WindowSession {
    /// Whether `url` may load in the window (see [`on_hosts`]).
    pub fn allows(&self, url: &Url) -> bool {
        on_hosts(&self.hosts, url)
    }
}

/// Whether `url` is `about:blank` or an address on one of `hosts` (`https` for a real
/// institution; the loopback sandbox serves `http`): what an institution window may load, and
/// the only pages a recording may name.
fn on_hosts(hosts: &[String], url: &Url) -> bool {
    match url.scheme() {
        "about" => url.as_str() == "about:blank",
        "https" => hosts.contains(&host_key(url)),
        "http" => hosts.contains(&host_key(url)) && matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")),
        // A file the page built itself, from one of its own hosts.
        "blob" => Url::parse(url.path()).is_ok_and(|inner| on_hosts(hosts, &inner)),
        _ => false,
    }
}

/// `host` or `host:port`, as a plan lists hosts.
pub fn host_key(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        _ => String::new(),
    }
}

/// A recipe step with its address resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum WindowStep {
    Open { url: String },
    Click { selector: Option<String>, text: Option<String> },
    Choose { selector: String, value: String },
    AwaitDownload,
}

/// A window connection's catalog entry and plan, with the sandbox's base URL (a sandbox plan's
/// addresses are paths under it) and the hosts its window may load.
struct ResolvedPlan {
    info: &'static InstitutionInfo,
    plan: &'static WindowPlan,
    base: Option<String>,
    hosts: Vec<String>,
}

impl Gims {
    /// The window of connection `id`: its institution must be reached by window. `sandbox_url`
    /// is the engine's (a sandbox institution's plan holds paths under it).
    pub fn window_session(&self, id: i64, sandbox_url: Option<&str>) -> Result<WindowSession> {
        let connection = self.existing_connection(id)?;
        let ResolvedPlan { info, plan, base, hosts } = self.window_plan(&connection, sandbox_url)?;
        let url = |address: &str| match &base {
            Some(base) => format!("{base}{address}"),
            None => address.to_string(),
        };
        let steps = match &connection.download_page {
            // The user's recording: the page where they downloaded by hand, then their download.
            Some(page) => vec![WindowStep::Open { url: url(page) }, WindowStep::AwaitDownload],
            None => plan
                .steps
                .iter()
                .map(|step| match *step {
                    RecipeStep::Open { url: address } => WindowStep::Open { url: url(address) },
                    RecipeStep::Click { selector, text } => {
                        WindowStep::Click { selector: selector.map(str::to_string), text: text.map(str::to_string) }
                    }
                    RecipeStep::Choose { selector, value } => {
                        WindowStep::Choose { selector: selector.to_string(), value: value.to_string() }
                    }
                    RecipeStep::AwaitDownload => WindowStep::AwaitDownload,
                })
                .collect(),
        };
        Ok(WindowSession {
            connection_id: id,
            institution_id: info.id.to_string(),
            institution_name: info.name.to_string(),
            start_url: url(plan.start_url),
            hosts,
            logged_in: plan.logged_in.map(url),
            steps,
            recorded: connection.download_page.is_some(),
            formats: formats_of(info.id).unwrap_or_default().iter().map(|f| f.to_string()).collect(),
        })
    }

    /// Records `page` (where the user downloaded connection `id`'s statement by hand) as the page
    /// its window opens after the next login, in place of the catalog's steps. It must be on the
    /// institution's hosts (https; a sandbox bank's, under the sandbox).
    pub fn remember_download_page(&mut self, id: i64, page: &str, sandbox_url: Option<&str>) -> Result<ConnectionRow> {
        let connection = self.existing_connection(id)?;
        let ResolvedPlan { base, hosts, .. } = self.window_plan(&connection, sandbox_url)?;
        let on_site =
            Url::parse(page).is_ok_and(|url| matches!(url.scheme(), "https" | "http") && on_hosts(&hosts, &url));
        // A sandbox bank's page is kept as its path under the bank (the sandbox's port changes
        // between runs, and the other sandbox institutions share its host).
        let stored = match &base {
            Some(base) => page.strip_prefix(base.as_str()).filter(|path| path.starts_with('/')),
            None => Some(page),
        };
        let Some(stored) = stored.filter(|_| on_site) else {
            return Err(GimsError::invalid(
                "page",
                format!("{page} is not a page of {}'s own site; nothing was recorded", connection.display_name),
            ));
        };
        self.ledger.set_download_page(id, Some(stored))?;
        self.existing_connection(id)
    }

    /// Forgets the user's recording: the window walks the catalog's steps again.
    pub fn forget_download_page(&mut self, id: i64) -> Result<ConnectionRow> {
        self.existing_connection(id)?;
        self.ledger.set_download_page(id, None)?;
        self.existing_connection(id)
    }

    fn window_plan(&self, connection: &ConnectionRow, sandbox_url: Option<&str>) -> Result<ResolvedPlan> {
        let info = institution(&connection.institution_id)
            .ok_or_else(|| GimsError::invalid("connection", "this GIMS has no catalog entry for it any more"))?;
        let plan = match (info.auth, info.window) {
            (AuthKind::Window, Some(plan)) => plan,
            _ => {
                return Err(GimsError::invalid(
                    "connection",
                    format!("{} is not refreshed in the institution window", connection.display_name),
                ));
            }
        };
        let (base, hosts) = if info.is_sandbox() {
            let base = crate::refresh::endpoint::resolve(info, sandbox_url, &Default::default())
                .map_err(|e| GimsError::invalid("connection", e.to_string()))?;
            let host = crate::refresh::endpoint::host_of(&base);
            (Some(base), vec![host])
        } else {
            (None, plan.hosts.iter().map(|h| h.to_string()).collect())
        };
        Ok(ResolvedPlan { info, plan, base, hosts })
    }

    /// The connection's browser data folder (cookies, the bank's trusted-device mark), inside
    /// the vault folder: `<vault>/webkit/<connection id>`. Whether it exists is the window's business; deletion removes it.
    pub fn window_data_dir(&self, id: i64) -> PathBuf {
        self.vault.dir.join("webkit").join(id.to_string())
    }

    /// Imports a statement caught in connection `id`'s window: one of the institution's formats,
    /// all or nothing, and it counts as a refresh (last fetched, status, next due, and an access
    /// log line for the user's own login at `host`, all in the import's transaction). A file of
    /// another format is refused with the formats GIMS reads for it; nothing is saved.
    /// `mode` previews it (the same decisions, nothing written, no access-log line) or saves it,
    /// refused whole if it would no longer come out as previewed.
    pub fn import_captured(
        &mut self,
        id: i64,
        file: &StatementFile,
        host: &str,
        mode: ImportMode,
    ) -> Result<ImportOutcome> {
        let connection = self.existing_connection(id)?;
        let formats = formats_of(&connection.institution_id).unwrap_or_default();
        self.import_into_connection(file, id, None, mode, Some(host)).map_err(|error| {
            let not_a_statement = error.code == ErrorCode::ImportUnrecognisedFormat
                || (error.code == ErrorCode::InputInvalid && error.message.starts_with("file: "));
            if !not_a_statement {
                return error;
            }
            GimsError::new(
                error.code,
                format!(
                    "the file downloaded in {name}'s window ({file}) was not imported, nothing was saved: {why}. \
                     GIMS reads {name}'s statements in these formats: {formats}",
                    name = connection.display_name,
                    file = file.name,
                    why = error.message.trim_start_matches("file: "),
                    formats = formats.join(", ")
                ),
            )
        })
    }

    /// Whether a statement caught in connection `id`'s window is saved straight in (`true`) or
    /// previewed first (`false`, the default), as the user chose for that connection.
    pub fn set_capture_straight_in(&mut self, id: i64, straight_in: bool) -> Result<ConnectionRow> {
        let connection = self.existing_connection(id)?;
        if institution(&connection.institution_id).is_none_or(|info| info.auth != AuthKind::Window) {
            return Err(GimsError::invalid(
                "connection",
                format!(
                    "{} is not refreshed in the institution window: it has no captured statements",
                    connection.display_name
                ),
            ));
        }
        self.ledger.set_capture_straight_in(id, straight_in)?;
        self.existing_connection(id)
    }
}
