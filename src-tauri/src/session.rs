//! What the shell holds while it runs: the open vault (or why it could not be opened), the
//! refresh engine whose broker answers challenges, and in demo mode the sandbox institutions.

use gims::api::Gims;
use gims::error::{GimsError, Result};
use gims::refresh::Engine;
use gims::refresh::events::{EngineEvent, EventSink};
use gims::vault::{KeyStore, METADATA_FILE, SystemKeychain, Unlock};
use gims_sandbox::exchanges::RunningExchanges;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::{Mutex, MutexGuard, OnceCell};

static KEYCHAIN: SystemKeychain = SystemKeychain;

pub struct Session {
    pub info: AppInfo,
    /// When the process started (for the benchmark's first-paint figure).
    pub started: std::time::Instant,
    vault: std::result::Result<OpenVault, GimsError>,
    pub engine: Engine,
    /// The consent pages open challenges asked for, by challenge id: the window may open these in
    /// the browser, and no other address.
    consent_pages: std::sync::Mutex<HashMap<u64, String>>,
    /// Kept so that the sandbox keeps serving; dropping it stops it.
    _sandbox: Option<(gims_sandbox::RunningSandbox, RunningExchanges)>,
}

/// The vault is opened three times: `Gims::refresh` holds `&mut Gims` for a whole run, challenge
/// included (up to minutes), and the window must still list connections and transactions
/// meanwhile; reports over a large ledger take seconds (the home screen's asset history asks for
/// twelve), and the list must not wait for them either. SQLite in WAL mode lets each reader see
/// every committed write while a run holds the writer. Only the reader is opened at start (each
/// open asks the keychain for the key); the others when first needed, so the window comes sooner.
struct OpenVault {
    dir: PathBuf,
    keys: &'static dyn KeyStore,
    reader: Mutex<Gims>,
    reports: OnceCell<Mutex<Gims>>,
    writer: OnceCell<Mutex<Gims>>,
}

impl OpenVault {
    async fn handle<'a>(&'a self, cell: &'a OnceCell<Mutex<Gims>>) -> Result<MutexGuard<'a, Gims>> {
        let gims = cell.get_or_try_init(|| async { Gims::open(&self.dir, self.keys, None).map(Mutex::new) }).await?;
        Ok(gims.lock().await)
    }
}

/// What the window needs to know about how it was started.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppInfo {
    pub demo: bool,
    pub vault: PathBuf,
    pub version: &'static str,
    /// The version, the commit and the SQLCipher of this build, as `--version` prints them.
    pub build: gims::build_info::BuildInfo,
    /// Set when the vault could not be opened: the window shows it instead of empty screens.
    pub open_error: Option<GimsError>,
}

impl Session {
    pub async fn start(demo: bool, events: EventSink, started: std::time::Instant) -> Session {
        let mut engine = Engine::new(events);
        let mut sandbox = None;
        let mut sandbox_error = None;
        if demo {
            match start_sandbox().await {
                Ok((running, exchanges)) => {
                    engine.sandbox_url = Some(running.base_url.clone());
                    // The demo's exchanges: a bitFlyer or bitbank linked in demo mode reaches its fake.
                    engine.endpoints =
                        exchanges.endpoints().map(|(id, url)| (id.to_string(), url.to_string())).collect();
                    announce_sandbox(&running.base_url);
                    sandbox = Some((running, exchanges));
                }
                Err(error) => sandbox_error = Some(error),
            }
        }
        let vault = vault_dir(demo).and_then(|dir| open_or_create(&dir, &KEYCHAIN).map(|v| (dir, v)));
        let (dir, vault) = match (vault, sandbox_error) {
            (_, Some(error)) => (PathBuf::new(), Err(error)),
            (Ok((dir, vault)), None) => (dir, Ok(vault)),
            (Err(error), None) => (vault_dir(demo).unwrap_or_default(), Err(error)),
        };
        let info = AppInfo {
            demo,
            vault: dir,
            version: env!("CARGO_PKG_VERSION"),
            build: gims::build_info::BuildInfo::get(),
            open_error: vault.as_ref().err().cloned(),
        };
        Session { info, started, vault, engine, consent_pages: Default::default(), _sandbox: sandbox }
    }

    /// For reads: never waits for a refresh run.
    pub async fn reader(&self) -> Result<MutexGuard<'_, Gims>> {
        Ok(self.open()?.reader.lock().await)
    }

    /// For reports: never makes a list or a refresh wait.
    pub async fn reports(&self) -> Result<MutexGuard<'_, Gims>> {
        let vault = self.open()?;
        vault.handle(&vault.reports).await
    }

    /// For linking and refreshing: one at a time, in the order they were asked. None once the
    /// ledger was found damaged (`vault.corrupt`, the way back in the message).
    pub async fn writer(&self) -> Result<MutexGuard<'_, Gims>> {
        let vault = self.open()?;
        let gims = vault.handle(&vault.writer).await?;
        gims.refuse_if_damaged()?;
        Ok(gims)
    }

    /// One background pass (the core's): due refreshes, the closed month's report, today's
    /// backup. Failures are logged; the next pass tries again.
    pub async fn scheduled_pass(&self) {
        let Ok(mut gims) = self.writer().await else { return };
        if let Err(error) = gims.background_pass(&self.engine).await {
            eprintln!("scheduled refresh: error[{}]: {}", error.code, error.message);
        }
    }

    /// Follows challenges as they are asked and closed (called for every engine event).
    pub fn note_challenge(&self, event: &EngineEvent) {
        let mut pages = self.consent_pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match event {
            EngineEvent::ChallengeAsked { challenge_id, challenge, .. } => {
                if let Some(url) = &challenge.url {
                    pages.insert(*challenge_id, url.clone());
                }
            }
            EngineEvent::ChallengeClosed { challenge_id, .. } => {
                pages.remove(challenge_id);
            }
            EngineEvent::RunState { .. } => {}
        }
    }

    /// The consent page of an open challenge.
    pub fn consent_page(&self, challenge_id: u64) -> Result<String> {
        let pages = self.consent_pages.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        pages.get(&challenge_id).cloned().ok_or_else(|| {
            GimsError::invalid("challenge", "this consent is no longer open; refresh the connection to ask again")
        })
    }

    /// The sandbox's base URL, in demo mode only: nothing else may reach the sandbox endpoints.
    pub fn demo_sandbox_url(&self) -> Result<&str> {
        match (self.info.demo, self.engine.sandbox_url.as_deref()) {
            (true, Some(url)) => Ok(url),
            _ => Err(GimsError::invalid("sandbox", "the sandbox phone exists in demo mode only (gims-desktop --demo)")),
        }
    }

    fn open(&self) -> Result<&OpenVault> {
        self.vault.as_ref().map_err(Clone::clone)
    }
}

/// The sandbox institutions and the exchanges' fakes, each on a free loopback port.
async fn start_sandbox() -> Result<(gims_sandbox::RunningSandbox, RunningExchanges)> {
    let clock = Arc::new(gims_sandbox::SystemClock);
    let failed =
        |e: std::io::Error| GimsError::internal(format!("could not start the sandbox institutions on 127.0.0.1: {e}"));
    let sandbox = gims_sandbox::Sandbox::new(clock)
        .serve(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(failed)?;
    let exchanges = RunningExchanges::serve_all().await.map_err(failed)?;
    Ok((sandbox, exchanges))
}

/// Tells a person (stderr) and a test (`GIMS_SANDBOX_URL_FILE`) where the sandbox runs, so that
/// the sandbox phone can be read.
fn announce_sandbox(base_url: &str) {
    eprintln!("sandbox institutions running at {base_url} (any login id, password `sandbox`)");
    if let Some(path) = std::env::var_os("GIMS_SANDBOX_URL_FILE").filter(|p| !p.is_empty())
        && let Err(error) = std::fs::write(&path, base_url)
    {
        eprintln!("could not write the sandbox URL to {}: {error}", Path::new(&path).display());
    }
}

/// `$GIMS_VAULT`, else the platform's data folder (`vault`, or `demo-vault` in demo mode), as
/// the `gims` command line does.
fn vault_dir(demo: bool) -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("GIMS_VAULT").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let data = directories::ProjectDirs::from("", "", "gims")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| GimsError::invalid("vault", "no home folder to keep the vault in; set GIMS_VAULT"))?;
    Ok(data.join(if demo { "demo-vault" } else { "vault" }))
}

/// Opens the vault; on the very first run (no `vault.json` at all) makes one with its key in the
/// OS keychain. An existing vault is only ever opened, never replaced.
fn open_or_create(dir: &Path, keys: &'static dyn KeyStore) -> Result<OpenVault> {
    if !dir.join(METADATA_FILE).exists() {
        gims::api::init(dir, Unlock::Keychain(keys))?;
    }
    let reader = Mutex::new(Gims::open(dir, keys, None)?);
    Ok(OpenVault { dir: dir.to_path_buf(), keys, reader, reports: OnceCell::new(), writer: OnceCell::new() })
}
