//! `gims-desktop`: the desktop shell. It opens the vault, holds the core's `Gims` and refresh
//! `Engine`, forwards each command to `gims::api` in a few lines, and re-emits the engine's
//! events (run states, challenges) to the window. It knows nothing of ledgers or keychains.

// No console window behind the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod address_bar;
mod bindings;
mod commands;
mod institution_window;
mod session;

use gims::refresh::events::EventSink;
use tauri::{Emitter, Manager};

/// The one event name the window listens to; the payload is the core's `EngineEvent` as is.
const ENGINE_EVENT: &str = "engine";

const USAGE: &str = "usage: gims-desktop [--demo | --version]

  --demo      start the sandbox institutions in-process and use a demo vault, so that a sandbox
              bank can be linked and refreshed (one-time password included) without a real bank.
  --version   print the version, the commit it was built from and the SQLCipher it carries.

Environment: GIMS_VAULT (the vault folder), GIMS_SANDBOX_URL_FILE (demo: write the sandbox's
base URL there, for tests that play the user's phone), GIMS_LOG (error, warn, info, debug,
trace: GIMS's own log level; default warn) and GIMS_LOG_FILE (append the log to this file instead
of stderr).";

fn main() {
    let started = std::time::Instant::now();
    gims::logging::init();
    let mut demo = false;
    for argument in std::env::args().skip(1) {
        match argument.as_str() {
            "--demo" => demo = true,
            "-V" | "--version" => {
                println!("{}", gims::build_info::BuildInfo::get().line("gims-desktop"));
                return;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => {
                eprintln!("error[input.invalid]: unknown argument `{other}`\n\n{USAGE}");
                std::process::exit(2);
            }
        }
    }

    tauri::Builder::default()
        .setup(move |app| {
            let (sink, mut events) = EventSink::channel();
            let session = tauri::async_runtime::block_on(session::Session::start(demo, sink, started));
            if std::env::var_os("GIMS_BENCH").is_some() {
                eprintln!("gims-bench: vault_open process_ms={:.0}", started.elapsed().as_secs_f64() * 1000.0);
            }
            app.manage(session);
            app.manage(institution_window::InstitutionWindows::default());
            // While the app runs: what may run unattended is refreshed on its schedule (never an
            // institution that needs the user), and a month that closed gets its report.
            let scheduler = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    scheduler.state::<session::Session>().scheduled_pass().await;
                }
            });
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                while let Some(event) = events.recv().await {
                    handle.state::<session::Session>().note_challenge(&event);
                    // A window that is gone just misses the event, as the core's sink does.
                    let _ = handle.emit_to("main", ENGINE_EVENT, &event);
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::status,
            commands::accounts,
            commands::transactions,
            commands::connections,
            commands::institutions,
            commands::connect,
            commands::refresh,
            commands::reply_challenge,
            commands::cancel_challenge,
            commands::open_consent_page,
            commands::sandbox_phone,
            commands::sandbox_approve,
            commands::add_transaction,
            commands::edit_transaction,
            commands::categories,
            commands::report_assets,
            commands::report_monthly,
            commands::report_history,
            commands::account_history,
            commands::holdings,
            commands::rates,
            commands::set_rate,
            commands::groups,
            commands::set_connection_hidden,
            commands::edit_connection,
            commands::relink,
            commands::connection_footprint,
            commands::delete_connection,
            commands::first_paint,
            commands::transfer_suggestions,
            commands::transfer_marks,
            commands::mark_transfer,
            commands::dismiss_transfer,
            commands::undo_transfer,
            commands::settings,
            commands::set_setting,
            commands::access_log,
            commands::preview_import,
            commands::import_file,
            commands::open_institution_window,
            commands::open_blocked_link,
            commands::captured_statement,
            commands::save_captured,
            commands::discard_captured,
            commands::set_capture_straight_in,
            commands::remember_download_page,
            commands::forget_download_page,
            commands::walk_recipe,
            // the household ledger
            commands::report_year,
            commands::report_budget,
            commands::report_expiring,
            commands::set_budget,
            commands::create_group,
            commands::delete_group,
            commands::set_group_member,
            commands::rules,
            commands::add_rule,
            commands::delete_rule,
            commands::apply_rules,
            commands::add_starter_rules,
            commands::predict_categories,
            commands::accept_predictions,
            commands::propose_rule,
            commands::category_tree,
            commands::add_category,
            commands::rename_category,
            commands::merge_category,
            commands::set_category_hidden,
            commands::written_reports,
            commands::export_report_now,
        ])
        .run(tauri::generate_context!())
        .expect("the desktop window could not start (is a display and WebKitGTK available?)");
}
