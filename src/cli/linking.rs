//! `connect`, `refresh`, `sandbox serve` and `demo`: the commands that run the refresh engine.

use super::terminal::{answer_challenges, stdin_lines};
use super::{Cli, emit, human};
use gims::api::{ConnectInput, Gims, RefreshTargets};
use gims::error::{GimsError, Result};
use gims::refresh::events::EventSink;
use gims::refresh::{Engine, RefreshReport};
use gims::vault::credentials::Credentials;
use gims_connectors::Secret;
use serde::Serialize;
use std::collections::HashMap;

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| GimsError::internal(format!("could not start the async runtime: {e}")))
}

/// Reads the login JSON (one line) from standard input.
pub fn read_credentials() -> Result<Credentials> {
    let line = stdin_lines()
        .next_blocking()
        .ok_or_else(|| GimsError::invalid("credentials", "standard input held no JSON login"))?;
    let line = Secret::new(line);
    let parsed: HashMap<String, serde_json::Value> = serde_json::from_str(line.expose()).map_err(|_| {
        GimsError::invalid(
            "credentials",
            "standard input must hold one JSON object on one line, e.g. {\"login_id\": \"…\", \"password\": \"…\"}",
        )
    })?;
    parsed
        .into_iter()
        .map(|(field, value)| match value {
            serde_json::Value::String(text) => Ok((field, Secret::new(text))),
            _ => Err(GimsError::invalid("credentials", format!("`{field}` must be a string"))),
        })
        .collect()
}

/// Runs refreshes with the terminal answering challenges.
pub fn refresh_on_terminal(
    gims: &mut Gims,
    targets: RefreshTargets,
    non_interactive: bool,
) -> Result<Vec<RefreshReport>> {
    refresh_with_engine(gims, targets, non_interactive, |_| {})
}

pub fn refresh_with_engine(
    gims: &mut Gims,
    targets: RefreshTargets,
    non_interactive: bool,
    configure: impl FnOnce(&mut Engine),
) -> Result<Vec<RefreshReport>> {
    // Closed standard input means nobody can answer: decide before anything is sent, so that no
    // one-time password is triggered for nobody to read.
    let interactive = !non_interactive && !stdin_lines().is_closed();
    let names: Vec<(i64, String)> = gims.connections()?.into_iter().map(|c| (c.id, c.display_name)).collect();
    let runtime = runtime()?;
    let (sink, events) = EventSink::channel();
    let mut engine = Engine::new(sink);
    configure(&mut engine);
    let front = runtime.spawn(answer_challenges(events, engine.broker.clone(), names));
    let reports = runtime.block_on(gims.refresh(targets, interactive, &engine));
    // Every challenge has been settled once the runs are over; the front has nothing left to do
    // (it holds the broker, so its event stream would never end by itself).
    front.abort();
    // A thread may still be waiting for a line nobody will type; do not wait for it.
    runtime.shutdown_background();
    reports
}

#[derive(Serialize)]
struct ConnectView {
    connection_id: i64,
    connection: gims::ledger::ConnectionRow,
    refresh: Option<RefreshReport>,
}

#[allow(clippy::too_many_arguments)]
pub fn connect(
    cli: &Cli,
    gims: &mut Gims,
    institution: &str,
    name: &Option<String>,
    memo: &Option<String>,
    start_date: &Option<String>,
    credentials_stdin: bool,
    no_refresh: bool,
) -> Result<()> {
    let credentials = if credentials_stdin { read_credentials()? } else { Credentials::new() };
    let connection = gims.connect(ConnectInput {
        institution: institution.to_string(),
        name: name.clone(),
        memo: memo.clone(),
        start_date: start_date.clone(),
        credentials,
    })?;
    let refresh = if no_refresh {
        None
    } else {
        refresh_on_terminal(gims, RefreshTargets::Linked(vec![connection.id]), false)?.pop()
    };
    let connection = gims.connections()?.into_iter().find(|c| c.id == connection.id).unwrap_or(connection);
    let view = ConnectView { connection_id: connection.id, connection, refresh };
    emit(cli, &view, |v| {
        let mut text = format!("linked connection {} ({})\n", v.connection_id, v.connection.display_name);
        if let Some(report) = &v.refresh {
            text.push_str(&human::refresh_reports(std::slice::from_ref(report)));
        }
        text
    })
}

/// Refreshes what is due, unattended, every minute (or once). Nothing is ever asked: what needs
/// the user is left for the user.
pub fn daemon(cli: &Cli, open: &dyn Fn() -> Result<Gims>, interval_minutes: Option<u32>, once: bool) -> Result<()> {
    let runtime = runtime()?;
    let mut engine = Engine::new(EventSink::discard());
    loop {
        let reports = match open() {
            Ok(mut gims) => {
                let minutes = match interval_minutes {
                    Some(minutes) => minutes,
                    None => gims.settings()?.auto_refresh_minutes,
                };
                engine.schedule = gims::refresh::schedule::Schedule::with_interval_minutes(minutes);
                runtime.block_on(gims.background_pass(&engine))?
            }
            // Someone is using the vault right now: this pass waits for the next minute.
            Err(error) if error.code == gims::ErrorCode::VaultInUse && !once => {
                tracing::info!("daemon pass skipped: {}", error.message);
                Vec::new()
            }
            Err(error) => return Err(error),
        };
        if !reports.is_empty() || once {
            emit(cli, &reports, |rows| human::refresh_reports(rows))?;
        }
        if once {
            return Ok(());
        }
        let stop = runtime.block_on(async {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => true,
                () = tokio::time::sleep(std::time::Duration::from_secs(60)) => false,
            }
        });
        if stop {
            return Ok(());
        }
    }
}

/// Re-login or re-consent, then a refresh: the same connection, accounts and history.
pub fn relink(cli: &Cli, gims: &mut Gims, id: i64, credentials_stdin: bool) -> Result<()> {
    let login = if credentials_stdin { Some(read_credentials()?) } else { None };
    gims.prepare_relink(id, login)?;
    let refresh = refresh_on_terminal(gims, RefreshTargets::Linked(vec![id]), false)?.pop();
    let connection = gims
        .connections()?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or_else(|| GimsError::internal("the connection vanished"))?;
    let view = ConnectView { connection_id: id, connection, refresh };
    emit(cli, &view, |v| match &v.refresh {
        Some(report) => human::refresh_reports(std::slice::from_ref(report)),
        None => String::new(),
    })
}

/// Serves the sandbox institutions until interrupted.
pub fn sandbox_serve(cli: &Cli, port: u16) -> Result<()> {
    let runtime = runtime()?;
    runtime.block_on(async {
        let running = start_sandbox(port).await?;
        // The exchanges' fakes too, each on its own port: `GIMS_ENDPOINT_<ID>` sends a connector there.
        let exchanges = gims_sandbox::exchanges::RunningExchanges::serve_all()
            .await
            .map_err(|e| GimsError::internal(format!("could not serve the exchanges' fakes on 127.0.0.1: {e}")))?;
        let endpoints: serde_json::Map<String, serde_json::Value> =
            exchanges.endpoints().map(|(id, url)| (id.to_string(), url.into())).collect();
        emit(cli, &serde_json::json!({ "base_url": running.base_url, "exchanges": endpoints }), |_| {
            let mut out = format!("{}\n", running.base_url);
            for (id, url) in exchanges.endpoints() {
                out += &format!("GIMS_ENDPOINT_{}={url}\n", id.to_ascii_uppercase().replace('-', "_"));
            }
            out
        })?;
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        running.shutdown().await;
        Ok(())
    })
}

async fn start_sandbox(port: u16) -> Result<gims_sandbox::RunningSandbox> {
    let clock = std::sync::Arc::new(gims_sandbox::SystemClock);
    gims_sandbox::Sandbox::new(clock)
        .serve(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .map_err(|e| GimsError::internal(format!("could not serve the sandbox on 127.0.0.1:{port}: {e}")))
}

const DEMO_LOGIN: &str = "demo";

/// A first run: the sandbox in-process, a demo vault, a sandbox bank that asks for a one-time
/// password (shown as the sandbox "phone" receives it), then the data, then a shell.
pub fn demo(cli: &Cli, dir: &std::path::Path, keys: &'static dyn gims::vault::KeyStore) -> Result<()> {
    let sandbox_runtime = runtime()?;
    let sandbox = sandbox_runtime.block_on(start_sandbox(0))?;
    let base_url = sandbox.base_url.clone();
    if !dir.join(gims::vault::METADATA_FILE).exists() {
        gims::api::init(dir, gims::vault::Unlock::Keychain(keys))?;
        eprintln!("created a demo vault at {} (its key is in your OS keychain)", dir.display());
    }
    let mut gims = Gims::open(dir, keys, None)?;
    eprintln!("sandbox institutions running at {base_url} (any login id, password `sandbox`)");
    if gims.connections()?.is_empty() {
        let bank = gims_connectors::institution("sandbox-otp-bank").map(|i| i.name).unwrap_or("the sandbox bank");
        eprintln!("\nLinking {bank}, a sandbox bank that sends a one-time password at every login.");
        eprintln!("Its SMS arrives on the sandbox phone below; type the code when asked.");
        let mut login = Credentials::new();
        login.insert("login_id".into(), Secret::new(DEMO_LOGIN.into()));
        login.insert("password".into(), Secret::new("sandbox".into()));
        let connection = gims.connect(ConnectInput {
            institution: "sandbox-otp-bank".into(),
            credentials: login,
            ..ConnectInput::default()
        })?;
        let phone = sandbox_runtime.spawn(show_phone(base_url.clone()));
        let reports = refresh_with_engine(&mut gims, RefreshTargets::Linked(vec![connection.id]), false, |engine| {
            engine.sandbox_url = Some(base_url.clone());
        })?;
        phone.abort();
        eprint!("{}", human::refresh_reports(&reports));
    }
    emit(cli, &gims.accounts()?, |rows| format!("\n{}", human::accounts(rows)))?;
    let recent = gims.transactions(&gims::api::TransactionQuery { limit: Some(10), ..Default::default() })?;
    emit(cli, &recent, |rows| format!("\n{}", human::transactions(rows)))?;
    // The shell's `gims` commands open the vault themselves: one GIMS process per vault.
    drop(gims);
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        let shell = std::env::var("SHELL").unwrap_or_else(|_| "sh".into());
        eprintln!(
            "\nA shell on the demo vault, with the sandbox running: try `gims connections`, `gims refresh --all`,"
        );
        eprintln!("`gims institutions --search sandbox`. The sandbox phone (one-time passwords) is at");
        eprintln!("{base_url}/_sandbox/phone?login={DEMO_LOGIN}. Leave the shell with `exit`.");
        let exe = std::env::current_exe().ok().and_then(|p| p.parent().map(|p| p.to_path_buf()));
        let path = match (exe, std::env::var_os("PATH")) {
            (Some(dir), Some(path)) => {
                let mut dirs = vec![dir];
                dirs.extend(std::env::split_paths(&path));
                std::env::join_paths(dirs).ok()
            }
            _ => None,
        };
        let mut command = std::process::Command::new(shell);
        command.env("GIMS_VAULT", dir).env("GIMS_SANDBOX_URL", &base_url);
        if let Some(path) = path {
            command.env("PATH", path);
        }
        let _ = command.status();
    }
    sandbox_runtime.shutdown_background();
    Ok(())
}

/// Prints what the sandbox phone receives, as a phone would show it.
async fn show_phone(base_url: String) {
    let client = reqwest::Client::new();
    let mut shown = 0usize;
    loop {
        let url = format!("{base_url}/_sandbox/phone?login={DEMO_LOGIN}");
        let body = match client.get(&url).send().await {
            Ok(response) => response.json::<serde_json::Value>().await.ok(),
            Err(_) => None,
        };
        let messages = body.and_then(|b| b["messages"].as_array().cloned()).unwrap_or_default();
        for message in messages.iter().skip(shown) {
            let text = match message["kind"].as_str() {
                Some("otp") => format!("your one-time password is {}", message["code"].as_str().unwrap_or("?")),
                _ => format!("open {}", message["url"].as_str().unwrap_or("?")),
            };
            eprintln!("\n  [sandbox phone] SMS: {text}");
        }
        shown = shown.max(messages.len());
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}
