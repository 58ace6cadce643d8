//! The institution window: a second webview window, one per connection, opened on the
//! institution's own login page. The user logs in there themselves (password, OTP, CAPTCHA,
//! passkey, app approval: whatever the institution asks), so GIMS never sees the password.
//!
//! * **No IPC.** No capability names these windows (`capabilities/` grants the main window only),
//!   so a page here cannot call a command; `tests::a_remote_page_cannot_call_a_command` proves it
//!   with the mock runtime, and the e2e inside the real window: the sandbox bank's page runs a
//!   probe (`/_sandbox/ipc-probe.js`) that tries the ledger, opening an address and a forged
//!   notice through `__TAURI_INTERNALS__` and `ipc://`, and every try is refused.
//! * **Its hosts only.** A navigation (link, redirect, frame) to a host the catalog's plan does not
//!   list is refused; the main window offers to open it in the system browser. GIMS's own address
//!   bar above the page shows the address and WebKit's TLS verdict (`address_bar.rs`).
//! * **Its own browser data.** Each connection has a WebKit data folder inside the vault folder
//!   (`Gims::window_data_dir`): persistent cookies (the institution's trusted-device mark) are kept
//!   between refreshes, session cookies are deleted before the login page opens (WebKit keeps
//!   them for the app's lifetime otherwise: the e2e saw the next login page get the last
//!   session's cookie without it), and deleting the connection deletes the folder.
//! * **Statement capture.** A download is written into that folder (never the Downloads folder),
//!   read, deleted, and the window closes. The core previews it as the connection's import
//!   (`Gims::import_captured`: one of the institution's formats; nothing written) and the main
//!   window shows that preview; the file waits here, in memory, until the user saves it (all or
//!   nothing, exactly as previewed, recorded as the user's login) or cancels. A connection whose
//!   user chose "straight in" is saved at once instead.
//! * **Recipes.** Once the address says the user is logged in, the plan's steps are walked: open
//!   an address, choose a value, click an element. Each is a fixed script with the step's data as
//!   JSON literals; the only thing that comes back is whether it found its element. A step that
//!   finds nothing stops the walk and says which step; the user finishes by hand and the capture
//!   still works.
//!
//! * **Recording.** The page where a download started is kept; when it is not where the recipe
//!   goes (or the walk stopped on a missing step), the main window offers "next time from here"
//!   (`remember_page`), and the core replaces the catalog's steps with that page. A plan that
//!   cannot tell when the user is logged in (real banks: no public source says) walks when the user
//!   asks (`walk_now`), from the main window.
//!
//! WebKitGTK lets one web context only be driven by WebDriver (the main window's), so the
//! end-to-end test drives this window as a user does, with X keyboard events.

use gims::api::{StatementFile, WindowSession, WindowStep};
use gims::error::{GimsError, Result};
use gims::import::{ImportMode, ImportOutcome};
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tauri::webview::{DownloadEvent, NewWindowResponse, PageLoadEvent};
use tauri::{AppHandle, Emitter, Manager, Url, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

use crate::session::Session;

/// The event the main window hears about institution windows on.
pub const EVENT: &str = "institution-window";

/// What happened in an institution window, for the main window.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InstitutionWindowEvent {
    /// A recipe step found nothing to act on: the walk stopped there (1-based `step`), and the
    /// user downloads the statement by hand in the window.
    StepMissing { connection_id: i64, step: u32, what: WindowStep },
    /// The page tried to go to an address outside the institution's hosts; nothing was loaded.
    Blocked { connection_id: i64, url: String },
    /// A downloaded statement was imported into the connection; the window closed. `offer_page`:
    /// the page the download started on, when the recipe does not go there ("next time from here").
    Imported { connection_id: i64, file_name: String, imported: u32, duplicates: u32, offer_page: Option<String> },
    /// A downloaded statement was previewed and waits for the user (`captured_statement`); the
    /// window closed, nothing is saved yet.
    Captured { connection_id: i64, file_name: String, imported: u32, duplicates: u32, offer_page: Option<String> },
    /// A downloaded file was not imported (nothing saved); the window stays open.
    Refused { connection_id: i64, file_name: String, error: GimsError },
    /// The user closed the window before a statement was captured.
    Closed { connection_id: i64 },
}

/// The open institution windows' states, by connection id.
#[derive(Default)]
pub struct InstitutionWindows {
    open: Mutex<HashMap<i64, WindowState>>,
    /// The addresses each connection's window refused (the newest few), which the user may open
    /// in the system browser from the notice that named them, even after the window closed.
    refused: Mutex<HashMap<i64, Vec<String>>>,
    /// A captured statement waiting for the user's 取り込む or キャンセル, by connection.
    held: Mutex<HashMap<i64, Held>>,
    /// The page each connection's last download started on, when the recipe does not go there:
    /// what "next time from here" records (never an address the main window names).
    offered_pages: Mutex<HashMap<i64, String>>,
}

struct Held {
    file: StatementFile,
    host: String,
    preview: ImportOutcome,
}

/// A captured statement as the main window shows it before it is saved.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CapturedStatement {
    pub connection_id: i64,
    pub file_name: String,
    /// What saving it would do, row by row (the core's preview; nothing is written).
    pub preview: ImportOutcome,
    /// The page the download started on, when the recipe does not go there.
    pub offer_page: Option<String>,
}

/// Rows a captured statement's preview describes one by one (as the import screen's).
const PREVIEW_ROWS: usize = 500;

/// How many refused addresses are kept per connection.
const REFUSED_KEPT: usize = 20;

impl InstitutionWindows {
    /// Runs `f` on the state of connection `id`'s window, if it is open; the lock is held for `f`
    /// only (never around a call into the window, whose handlers take it again).
    fn with<T>(&self, id: i64, f: impl FnOnce(&mut WindowState) -> T) -> Option<T> {
        self.open.lock().expect("window states").get_mut(&id).map(f)
    }

    fn held(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Held>> {
        self.held.lock().expect("held statements")
    }

    fn offered_pages(&self) -> std::sync::MutexGuard<'_, HashMap<i64, String>> {
        self.offered_pages.lock().expect("offered pages")
    }

    /// Keeps `url` among the newest addresses connection `id`'s window refused.
    fn remember_refused(&self, id: i64, url: &Url) {
        let mut refused = self.refused.lock().expect("refused addresses");
        let list = refused.entry(id).or_default();
        list.retain(|known| known != url.as_str());
        list.push(url.to_string());
        if list.len() > REFUSED_KEPT {
            list.remove(0);
        }
    }
}

struct WindowState {
    session: WindowSession,
    /// Where downloads are written, inside the connection's data folder.
    downloads: PathBuf,
    /// The access log's host: the login page's.
    host: String,
    /// The next recipe step (0-based).
    next_step: usize,
    walking: bool,
    /// A step found nothing: the user goes on by hand.
    stopped: bool,
    /// The last step navigated: the next one waits for the page.
    awaiting_load: bool,
    /// Downloads in flight (a destination is taken once: WebKit may report a finish twice).
    pending: Vec<PathBuf>,
    downloads_started: u32,
    captured: bool,
}

fn label(connection_id: i64) -> String {
    format!("institution-{connection_id}")
}

/// Opens (or brings forward) connection `id`'s institution window.
pub async fn open(app: &AppHandle, id: i64) -> Result<WindowSession> {
    let session = app.state::<Session>();
    let (plan, data_dir) = {
        let gims = session.reader().await?;
        (gims.window_session(id, session.engine.sandbox_url.as_deref())?, gims.window_data_dir(id))
    };
    if let Some(window) = app.get_webview_window(&label(id)) {
        let _ = window.set_focus();
        return Ok(plan);
    }
    let start = Url::parse(&plan.start_url).map_err(|e| {
        GimsError::internal(format!("the catalog's login page {} is not an address: {e}", plan.start_url))
    })?;
    let downloads = data_dir.join("downloads");
    std::fs::create_dir_all(&downloads)
        .map_err(|e| GimsError::internal(format!("could not make the window's folder {}: {e}", downloads.display())))?;
    // A download left by a window that did not finish (the app was closed) is not kept.
    clear_folder(&downloads);
    let windows = app.state::<InstitutionWindows>();
    windows.open.lock().expect("window states").insert(
        id,
        WindowState {
            host: gims::api::host_key(&start),
            session: plan.clone(),
            downloads,
            next_step: 0,
            walking: false,
            stopped: false,
            awaiting_load: false,
            pending: Vec::new(),
            downloads_started: 0,
            captured: false,
        },
    );
    let built =
        WebviewWindowBuilder::new(app, label(id), WebviewUrl::External("about:blank".parse().expect("an address")))
            .title(format!("{} — GIMS", plan.institution_name))
            .inner_size(1000.0, 760.0)
            .data_directory(data_dir)
            .on_navigation({
                let app = app.clone();
                move |url| allow_navigation(&app, id, url)
            })
            .on_new_window({
                let app = app.clone();
                move |url, _features| {
                    // A link that opens a new window opens here instead, if it may.
                    if allow_navigation(&app, id, &url)
                        && let Some(window) = app.get_webview_window(&label(id))
                    {
                        let _ = window.navigate(url);
                    }
                    NewWindowResponse::Deny
                }
            })
            .on_download(move |webview, event| {
                let page = webview.url().ok();
                on_download(webview.app_handle(), id, page, event)
            })
            .on_page_load(move |window, payload| {
                if payload.event() == PageLoadEvent::Finished {
                    page_loaded(&window, id, payload.url());
                }
            })
            .build();
    let window = match built {
        Ok(window) => window,
        Err(e) => {
            windows.open.lock().expect("window states").remove(&id);
            return Err(GimsError::internal(format!("could not open the institution window: {e}")));
        }
    };
    window.on_window_event({
        let app = app.clone();
        move |event| {
            if let tauri::WindowEvent::Destroyed = event {
                closed(&app, id);
            }
        }
    });
    forget_session_cookies(&window);
    window.navigate(start).map_err(|e| GimsError::internal(format!("could not open the login page: {e}")))?;
    Ok(plan)
}

/// Opens in the system browser an address connection `id`'s window refused, named by the notice
/// the user answered; no other address (the main window cannot open arbitrary ones).
pub fn open_refused<R: tauri::Runtime>(app: &AppHandle<R>, id: i64, url: &str) -> Result<()> {
    let refused = app.state::<InstitutionWindows>().refused.lock().expect("refused addresses").get(&id).cloned();
    if !refused.unwrap_or_default().iter().any(|known| known == url) {
        return Err(GimsError::invalid("url", "the institution window did not refuse that address"));
    }
    open::that_detached(url).map_err(|e| {
        GimsError::internal(format!("could not open the browser ({e}); open {url} yourself if you trust it"))
    })
}

/// A session cookie lives for one login: it is dropped before the login page opens, so that
/// only the persistent ones (the trusted-device mark) carry over from an earlier refresh.
fn forget_session_cookies(window: &WebviewWindow) {
    let Ok(cookies) = window.cookies() else { return };
    for cookie in cookies {
        let session = cookie.max_age().is_none() && cookie.expires().is_none_or(|e| e.is_session());
        if session {
            let _ = window.delete_cookie(cookie);
        }
    }
}

fn allow_navigation(app: &AppHandle, id: i64, url: &Url) -> bool {
    let windows = app.state::<InstitutionWindows>();
    match windows.with(id, |state| state.session.allows(url)) {
        None => return false,
        Some(true) => return true,
        Some(false) => windows.remember_refused(id, url),
    }
    tracing::info!(
        connection = id,
        host = url.host_str().unwrap_or(""),
        "institution window: refused an address off its hosts"
    );
    let _ = app.emit_to("main", EVENT, InstitutionWindowEvent::Blocked { connection_id: id, url: url.to_string() });
    false
}

fn page_loaded(window: &WebviewWindow, id: i64, url: &Url) {
    let windows = window.app_handle().state::<InstitutionWindows>();
    let Some(name) = windows.with(id, |state| state.session.institution_name.clone()) else { return };
    crate::address_bar::show(window, &name, url);
    if url.as_str() == "about:blank" {
        return;
    }
    let go = windows.with(id, |state| {
        if state.stopped || state.captured {
            false
        } else if state.walking {
            std::mem::take(&mut state.awaiting_load)
        } else {
            let logged_in = state.session.logged_in.as_deref().is_some_and(|prefix| url.as_str().starts_with(prefix));
            state.walking = logged_in && !state.session.steps.is_empty();
            state.walking
        }
    });
    if go == Some(true) {
        walk(window, id);
    }
}

/// Runs the next recipe step; the steps that act in the page report back whether they found
/// their element, and the walk goes on from there.
fn walk(window: &WebviewWindow, id: i64) {
    let app = window.app_handle().clone();
    let next = app.state::<InstitutionWindows>().with(id, |state| {
        let step = state.session.steps.get(state.next_step).cloned()?;
        state.next_step += 1;
        // After an address is opened or a click, the next step waits for the page it brings
        // (a download brings none: the step after it waits for the download).
        let next_waits = !matches!(state.session.steps.get(state.next_step), None | Some(WindowStep::AwaitDownload));
        state.awaiting_load =
            matches!(step, WindowStep::Open { .. }) || (matches!(step, WindowStep::Click { .. }) && next_waits);
        Some((state.next_step, step))
    });
    let Some(Some((number, step))) = next else { return };
    match step {
        WindowStep::Open { url } => match Url::parse(&url) {
            Ok(url) => {
                let _ = window.navigate(url);
            }
            Err(_) => step_missing(&app, id, number as u32, WindowStep::Open { url }),
        },
        WindowStep::AwaitDownload => {}
        WindowStep::Choose { .. } | WindowStep::Click { .. } => {
            let what = step.clone();
            let script = step_script(&step);
            let window_for_next = window.clone();
            let app_for_result = app.clone();
            let ran = window.eval_with_callback(script, move |result| {
                if result.trim_matches('"') == "ok" {
                    let waits = app_for_result.state::<InstitutionWindows>().with(id, |state| state.awaiting_load);
                    if waits == Some(false) {
                        walk(&window_for_next, id);
                    }
                } else {
                    step_missing(&app_for_result, id, number as u32, what.clone());
                }
            });
            if ran.is_err() {
                step_missing(&app, id, number as u32, step);
            }
        }
    }
}

/// The fixed script of a step, with the step's strings as JSON literals (never as code). It
/// answers `"ok"` or `"missing"`, nothing else.
fn step_script(step: &WindowStep) -> String {
    let literal = |text: &Option<String>| serde_json::to_string(text).expect("a string serializes");
    match step {
        WindowStep::Choose { selector, value } => format!(
            "(function (selector, value) {{\n\
               var element = document.querySelector(selector);\n\
               if (!element) return 'missing';\n\
               var options = element.options ? Array.prototype.map.call(element.options, function (o) {{ return o.value; }}) : [value];\n\
               if (options.indexOf(value) < 0) return 'missing';\n\
               element.value = value;\n\
               element.dispatchEvent(new Event('input', {{ bubbles: true }}));\n\
               element.dispatchEvent(new Event('change', {{ bubbles: true }}));\n\
               return 'ok';\n\
             }})({}, {})",
            literal(&Some(selector.clone())),
            literal(&Some(value.clone())),
        ),
        WindowStep::Click { selector, text } => format!(
            "(function (selector, text) {{\n\
               var candidates = selector ? Array.prototype.slice.call(document.querySelectorAll(selector))\n\
                 : Array.prototype.slice.call(document.querySelectorAll('a, button, input[type=submit], input[type=button], [role=button]'));\n\
               var element = candidates.filter(function (e) {{\n\
                 if (!text) return true;\n\
                 var shown = (e.innerText || e.value || '').replace(/\\s+/g, ' ').trim();\n\
                 return shown.indexOf(text) >= 0;\n\
               }})[0];\n\
               if (!element) return 'missing';\n\
               setTimeout(function () {{ element.click(); }}, 0);\n\
               return 'ok';\n\
             }})({}, {})",
            literal(selector),
            literal(text),
        ),
        WindowStep::Open { .. } | WindowStep::AwaitDownload => "'ok'".into(),
    }
}

fn step_missing(app: &AppHandle, id: i64, step: u32, what: WindowStep) {
    let stopped = app.state::<InstitutionWindows>().with(id, |state| {
        state.stopped = true;
        state.walking = false;
    });
    if stopped.is_none() {
        return;
    }
    tracing::info!(connection = id, step, "institution window: a recipe step found nothing; the user goes on by hand");
    let _ = app.emit_to("main", EVENT, InstitutionWindowEvent::StepMissing { connection_id: id, step, what });
}

/// Downloads go into the connection's folder under a name of their own, and are imported.
fn on_download(app: &AppHandle, id: i64, page: Option<Url>, event: DownloadEvent<'_>) -> bool {
    let windows = app.state::<InstitutionWindows>();
    match event {
        DownloadEvent::Requested { destination, .. } => {
            let suggested = destination
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "statement".into());
            let taken = windows.with(id, |state| {
                state.downloads_started += 1;
                let target = state.downloads.join(format!("{}-{}", state.downloads_started, safe_name(&suggested)));
                state.pending.push(target.clone());
                (target, page.filter(|page| offers_page(state, page)))
            });
            // A download with no open window of ours is not taken.
            let Some((target, offer)) = taken else { return false };
            match offer {
                Some(page) => windows.offered_pages().insert(id, page.to_string()),
                None => windows.offered_pages().remove(&id),
            };
            *destination = target;
            true
        }
        DownloadEvent::Finished { path, .. } => {
            let taken = windows.with(id, |state| {
                // WebKit names the finished file by path or by `file://` URI depending on its
                // version: matched by its name, or the one download in flight.
                let named = path.as_ref().and_then(|path| path.file_name().map(|n| n.to_owned()));
                let index = named
                    .and_then(|name| state.pending.iter().position(|p| p.file_name() == Some(name.as_os_str())))
                    .or_else(|| (state.pending.len() == 1).then_some(0));
                index.map(|i| (state.pending.remove(i), state.host.clone()))
            });
            // WebKit may report one download's end twice: the second finds nothing pending.
            if let Some(Some((file, host))) = taken {
                let app = app.clone();
                tauri::async_runtime::spawn(async move { capture(&app, id, &file, &host).await });
            }
            true
        }
        _ => true,
    }
}

/// Whether "next time from here" is worth offering for a download started on `page`: the walk
/// stopped on a missing step, or the recipe opens no page, or another one.
fn offers_page(state: &WindowState, page: &Url) -> bool {
    if page.scheme() != "https" && page.scheme() != "http" {
        return false;
    }
    let opened = state.session.steps.iter().find_map(|step| match step {
        WindowStep::Open { url } => Some(url.as_str()),
        _ => None,
    });
    state.stopped || opened != Some(page.as_str())
}

/// The name WebKit suggested, kept readable but without path separators or control characters.
fn safe_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_control() || matches!(c, '/' | '\\' | ':') { '_' } else { c }).take(120).collect();
    if cleaned.trim_matches('.').is_empty() { "statement".into() } else { cleaned }
}

/// The shown name of a captured file: the suggested one, without the counter.
fn shown_name(file: &Path) -> String {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    name.split_once('-').map(|(_, rest)| rest.to_string()).unwrap_or(name)
}

/// A finished download: saved at once if the user chose so for this connection, else previewed
/// and held for the main window. Either way the window closes; a file that is no statement of
/// the institution's is refused (nothing saved) and the window stays open.
async fn capture(app: &AppHandle, id: i64, file: &Path, host: &str) {
    let file_name = shown_name(file);
    let read = std::fs::read(file);
    let _ = std::fs::remove_file(file);
    let done = match read {
        Ok(bytes) => capture_bytes(app, id, StatementFile { name: file_name.clone(), bytes }, host).await,
        Err(e) => Err(GimsError::invalid("file", format!("the download {file_name} could not be read: {e}"))),
    };
    let event = match done {
        Ok((saved, outcome)) => {
            app.state::<InstitutionWindows>().with(id, |state| state.captured = true);
            if let Some(window) = app.get_webview_window(&label(id)) {
                let _ = window.close();
            }
            let (imported, duplicates) = (outcome.imported as u32, outcome.duplicates as u32);
            let offer_page = offered_page(app, id);
            match saved {
                true => {
                    InstitutionWindowEvent::Imported { connection_id: id, file_name, imported, duplicates, offer_page }
                }
                false => {
                    InstitutionWindowEvent::Captured { connection_id: id, file_name, imported, duplicates, offer_page }
                }
            }
        }
        Err(error) => InstitutionWindowEvent::Refused { connection_id: id, file_name, error },
    };
    let _ = app.emit_to("main", EVENT, event);
}

/// Saves the statement (`true`) or previews and holds it (`false`).
async fn capture_bytes(app: &AppHandle, id: i64, file: StatementFile, host: &str) -> Result<(bool, ImportOutcome)> {
    let session = app.state::<Session>();
    let mut gims = session.writer().await?;
    if gims.existing_connection(id)?.capture_straight_in {
        return Ok((true, gims.import_captured(id, &file, host, ImportMode::SAVE)?));
    }
    let preview = gims.import_captured(id, &file, host, ImportMode::preview(PREVIEW_ROWS))?;
    drop(gims);
    let held = Held { file, host: host.to_string(), preview: preview.clone() };
    app.state::<InstitutionWindows>().held().insert(id, held);
    Ok((false, preview))
}

/// The statement connection `id`'s window caught and the user has not saved or cancelled yet.
pub fn captured<R: tauri::Runtime>(app: &AppHandle<R>, id: i64) -> Option<CapturedStatement> {
    let offer_page = offered_page(app, id);
    app.state::<InstitutionWindows>().held().get(&id).map(|held| CapturedStatement {
        connection_id: id,
        file_name: held.file.name.clone(),
        preview: held.preview.clone(),
        offer_page,
    })
}

fn offered_page<R: tauri::Runtime>(app: &AppHandle<R>, id: i64) -> Option<String> {
    app.state::<InstitutionWindows>().offered_pages().get(&id).cloned()
}

/// "Next time from here": records the page connection `id`'s last download started on (kept
/// here, never named by the main window) as where its window goes after the login.
pub async fn remember_page(app: &AppHandle, id: i64) -> Result<gims::ledger::ConnectionRow> {
    let Some(page) = offered_page(app, id) else {
        return Err(GimsError::invalid("connection", "no download page of this connection is waiting to be recorded"));
    };
    let session = app.state::<Session>();
    let row = session.writer().await?.remember_download_page(id, &page, session.engine.sandbox_url.as_deref())?;
    app.state::<InstitutionWindows>().offered_pages().remove(&id);
    Ok(row)
}

/// Walks connection `id`'s recipe now, in its open window: for a plan that cannot tell when the
/// user is logged in, the user says so from the main window.
pub fn walk_now(app: &AppHandle, id: i64) -> Result<()> {
    let window = app
        .get_webview_window(&label(id))
        .ok_or_else(|| GimsError::invalid("connection", "its institution window is not open"))?;
    let start = app.state::<InstitutionWindows>().with(id, |state| {
        let start = !state.walking && !state.captured && !state.session.steps.is_empty();
        if start {
            state.walking = true;
            state.stopped = false;
            state.next_step = 0;
        }
        start
    });
    if start == Some(true) {
        walk(&window, id);
    }
    Ok(())
}

/// Saves the held statement of connection `id` exactly as previewed (`expect`: the counts the
/// user saw), whole or not at all; `straight_in`: from now on, save this connection's captured
/// statements without a preview. The statement is let go once saved; refused, it stays held.
pub async fn save_captured(
    app: &AppHandle,
    id: i64,
    expect: (usize, usize),
    straight_in: bool,
) -> Result<ImportOutcome> {
    let session = app.state::<Session>();
    let mut gims = session.writer().await?;
    let windows = app.state::<InstitutionWindows>();
    let taken = windows.held().remove(&id);
    let Some(held) = taken else {
        return Err(GimsError::invalid(
            "connection",
            "no downloaded statement is waiting for this connection (it was saved or cancelled)",
        ));
    };
    let mode = ImportMode { expect: Some(expect), ..ImportMode::SAVE };
    match gims.import_captured(id, &held.file, &held.host, mode) {
        Ok(saved) => {
            if straight_in {
                gims.set_capture_straight_in(id, true)?;
            }
            Ok(saved)
        }
        Err(error) => {
            windows.held().entry(id).or_insert(held);
            Err(error)
        }
    }
}

/// Lets the held statement of connection `id` go, unsaved. Whether one was held.
pub fn discard_captured<R: tauri::Runtime>(app: &AppHandle<R>, id: i64) -> bool {
    app.state::<InstitutionWindows>().held().remove(&id).is_some()
}

fn closed(app: &AppHandle, id: i64) {
    let state = app.state::<InstitutionWindows>().open.lock().expect("window states").remove(&id);
    if let Some(state) = state {
        clear_folder(&state.downloads);
        if !state.captured {
            let _ = app.emit_to("main", EVENT, InstitutionWindowEvent::Closed { connection_id: id });
        }
    }
}

fn clear_folder(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(hosts: &[&str]) -> WindowSession {
        WindowSession {
            connection_id: 1,
            institution_id: "rakuten-bank".into(),
            institution_name: "楽天銀行".into(),
            start_url: "https://fes.rakuten-bank.co.jp/MS/main/RbS".into(),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            logged_in: None,
            steps: Vec::new(),
            formats: vec!["rakuten-bank".into()],
            recorded: false,
        }
    }

    #[test]
    fn only_the_plans_hosts_load_and_plain_http_only_on_loopback() {
        let real = plan(&["fes.rakuten-bank.co.jp"]);
        let ok = |plan: &WindowSession, url: &str| plan.allows(&Url::parse(url).unwrap());
        assert!(ok(&real, "https://fes.rakuten-bank.co.jp/MS/main/RbS?x=1"));
        assert!(ok(&real, "about:blank"));
        assert!(!ok(&real, "http://fes.rakuten-bank.co.jp/"), "a real bank is https only");
        assert!(!ok(&real, "https://evil.example/fes.rakuten-bank.co.jp"));
        assert!(!ok(&real, "https://fes.rakuten-bank.co.jp.evil.example/"));
        assert!(!ok(&real, "https://fes.rakuten-bank.co.jp:8443/"), "another port is another site");
        assert!(!ok(&real, "file:///etc/passwd"));
        assert!(!ok(&real, "javascript:alert(1)"));
        assert!(!ok(&real, "about:srcdoc"));
        assert!(ok(&real, "blob:https://fes.rakuten-bank.co.jp/3f2a"));
        assert!(!ok(&real, "blob:https://evil.example/3f2a"));
        let sandbox = plan(&["127.0.0.1:4100"]);
        assert!(ok(&sandbox, "http://127.0.0.1:4100/sandbox-window-bank/login"));
        assert!(!ok(&sandbox, "http://127.0.0.1:4101/sandbox-window-bank/login"));
        let lan = plan(&["192.168.1.2:80"]);
        assert!(!ok(&lan, "http://192.168.1.2:80/"), "plain http only on loopback");
    }

    /// The capabilities the app is built with, against a command of the same name: the main
    /// window may call it; a page in an institution window may not, whatever origin it claims.
    #[test]
    fn a_remote_page_cannot_call_a_command() {
        use tauri::ipc::{CallbackFn, InvokeBody};
        use tauri::test::{INVOKE_KEY, get_ipc_response, mock_builder};
        use tauri::webview::InvokeRequest;

        #[tauri::command]
        fn accounts() -> String {
            "the ledger".into()
        }
        let app = mock_builder()
            .invoke_handler(tauri::generate_handler![accounts])
            .build(tauri::generate_context!())
            .expect("the mock app");
        let main = WebviewWindowBuilder::new(&app, "main", WebviewUrl::default()).build().unwrap();
        let bank_url = "https://fes.rakuten-bank.co.jp/MS/main/RbS";
        let bank =
            WebviewWindowBuilder::new(&app, label(7), WebviewUrl::External(bank_url.parse().unwrap())).build().unwrap();
        let request = |url: &str| InvokeRequest {
            cmd: "accounts".into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: url.parse().unwrap(),
            body: InvokeBody::default(),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        let answered = get_ipc_response(&main, request("tauri://localhost")).expect("the main window may call it");
        assert_eq!(answered.deserialize::<String>().unwrap(), "the ledger");
        for origin in [bank_url, "tauri://localhost"] {
            let refused = get_ipc_response(&bank, request(origin)).expect_err("an institution window may not");
            assert!(refused.to_string().contains("not allowed"), "{origin}: {refused}");
        }
    }

    #[test]
    fn only_an_address_its_window_refused_can_be_opened_in_the_browser() {
        let app = tauri::test::mock_app();
        app.manage(InstitutionWindows::default());
        let windows = app.state::<InstitutionWindows>();
        windows.refused.lock().unwrap().insert(3, vec!["http://localhost:4100/_sandbox/partner".into()]);
        for (id, url) in [(3, "https://evil.example/"), (4, "http://localhost:4100/_sandbox/partner")] {
            let error = open_refused(app.handle(), id, url).unwrap_err();
            assert!(error.message.contains("did not refuse that address"), "{id} {url}: {}", error.message);
        }
    }

    #[test]
    fn step_scripts_carry_their_data_as_literals_only() {
        let hostile =
            WindowStep::Click { selector: Some("a')); alert(1); (('".into()), text: Some("</script>\"';".into()) };
        let script = step_script(&hostile);
        // Both strings arrive as JSON string literals, quotes escaped: they are data, never code.
        assert!(script.ends_with(r#"})("a')); alert(1); (('", "</script>\"';")"#), "{script}");
        let choose = step_script(&WindowStep::Choose { selector: "#p".into(), value: "3".into() });
        assert!(choose.ends_with(r##"})("#p", "3")"##), "{choose}");
    }

    #[test]
    fn a_suggested_file_name_cannot_leave_the_folder() {
        assert_eq!(safe_name("../../.bashrc"), ".._.._.bashrc");
        assert_eq!(safe_name(".."), "statement");
        assert_eq!(safe_name("meisai_1234567_20261207.csv"), "meisai_1234567_20261207.csv");
        assert_eq!(shown_name(Path::new("/v/webkit/3/downloads/2-meisai-1.csv")), "meisai-1.csv");
    }
}
