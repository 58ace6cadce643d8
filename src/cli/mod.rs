//! Argument parsing, the vault location, and the error convention: with `--json`, stdout holds
//! `{"error": {code, message}}`; without it, stderr holds `error[CODE]: message`. Either way the
//! exit status is non-zero.

mod args;
mod household;
mod human;
mod linking;
mod terminal;

use args::{AccountCommand, Cli, Command, ReportCommand, SandboxCommand, TxCommand};
use gims::api::{
    self, AddAccountInput, AddTransactionInput, Gims, ImportTarget, RefreshTargets, StatementFile, TransactionQuery,
};
use gims::error::{ErrorCode, GimsError, Result};
use gims::import::ImportMode;
use gims::vault::{SystemKeychain, Unlock};
use gims_connectors::Secret;
use serde::Serialize;
use std::path::PathBuf;

/// Rows a dry run describes one by one (the counts cover every row).
const DRY_RUN_ROWS: usize = 500;

pub fn run() -> i32 {
    init_logging();
    let json_requested = std::env::args().any(|a| a == "--json");
    // `gims --version` (or -V): the version, the commit and the SQLCipher it carries.
    if std::env::args().skip(1).any(|a| a == "--version" || a == "-V")
        && std::env::args().skip(1).all(|a| matches!(a.as_str(), "--version" | "-V" | "--json"))
    {
        let info = gims::build_info::BuildInfo::get();
        if json_requested {
            println!("{}", serde_json::to_string(&info).expect("the build info serialises"));
        } else {
            println!("{}", info.line("gims"));
        }
        return 0;
    }
    let cli = match <Cli as clap::Parser>::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            use clap::error::ErrorKind;
            if matches!(error.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) || !json_requested {
                let _ = error.print();
                return if error.use_stderr() { 2 } else { 0 };
            }
            let message = error.render().to_string();
            let message = message.lines().next().unwrap_or("bad arguments").trim_start_matches("error: ");
            return report(&GimsError::new(ErrorCode::InputInvalid, message), true);
        }
    };
    match execute(&cli) {
        Ok(()) => EXIT_STATUS.load(std::sync::atomic::Ordering::Relaxed),
        Err(error) => report(&error, cli.json),
    }
}

/// The exit status of a command that printed its result but did not do what was asked (a named
/// connection left alone because its institution asked to wait: `refresh.busy`, status 3).
static EXIT_STATUS: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

fn report(error: &GimsError, json: bool) -> i32 {
    if json {
        println!("{}", serde_json::json!({ "error": error }));
    } else {
        eprintln!("{}", human::terminal_safe(&error.to_string(), false));
    }
    error.code.exit_status()
}

fn init_logging() {
    // GIMS_LOG=trace etc. for GIMS's own crates; logs never carry secrets (they are `Secret`s,
    // and other crates' debug logs, which print cookies, are never on).
    gims::logging::init();
}

fn vault_dir(cli: &Cli) -> Result<PathBuf> {
    match &cli.vault {
        Some(dir) => Ok(dir.clone()),
        None => Ok(default_data_dir()?.join("vault")),
    }
}

fn default_data_dir() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "gims")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| GimsError::invalid("vault", "no home directory to keep the vault in; pass --vault DIR"))
}

fn read_passphrase(cli: &Cli) -> Result<Option<Secret<String>>> {
    if !cli.passphrase_stdin {
        return Ok(None);
    }
    let passphrase = terminal::stdin_lines().next_blocking().unwrap_or_default();
    if passphrase.is_empty() {
        return Err(GimsError::invalid("passphrase", "standard input held no passphrase"));
    }
    Ok(Some(Secret::new(passphrase)))
}

/// A backup's passphrase: the next line of standard input.
fn read_backup_passphrase() -> Result<Secret<String>> {
    match terminal::stdin_lines().next_blocking() {
        Some(line) if !line.is_empty() => Ok(Secret::new(line)),
        _ => Err(GimsError::invalid("passphrase", "type the backup's passphrase on standard input")),
    }
}

fn emit<T: Serialize>(cli: &Cli, value: &T, human: impl FnOnce(&T) -> String) -> Result<()> {
    if cli.json {
        let text = serde_json::to_string(value).map_err(GimsError::internal)?;
        println!("{text}");
    } else {
        print!("{}", human::terminal_safe(&human(value), false));
    }
    Ok(())
}

fn execute(cli: &Cli) -> Result<()> {
    let passphrase = read_passphrase(cli)?;
    match &cli.command {
        Command::Init => {
            let unlock = match passphrase {
                Some(passphrase) => Unlock::Passphrase(passphrase),
                None => Unlock::Keychain(&SystemKeychain),
            };
            let view = api::init(&vault_dir(cli)?, unlock)?;
            emit(cli, &view, |v| {
                format!("created an encrypted vault at {} (key: {})\n", v.vault.display(), v.key_source)
            })
        }
        Command::Bench(options) => {
            let report = gims::bench::run(&options.to_options(), &mut std::io::stderr())?;
            emit(cli, &report, human::bench)
        }
        Command::Restore { backup } => {
            let unlock = match passphrase {
                Some(passphrase) => Unlock::Passphrase(passphrase),
                None => Unlock::Keychain(&SystemKeychain),
            };
            let backup_passphrase = read_backup_passphrase()?;
            let view = api::restore(&vault_dir(cli)?, unlock, backup, &backup_passphrase)?;
            emit(cli, &view, |v| {
                format!("restored the backup into a new vault at {} (key: {})\n", v.vault.display(), v.key_source)
            })
        }
        Command::Recover { keep_current: true, .. } => {
            api::keep_current(&vault_dir(cli)?, &SystemKeychain, passphrase)?;
            emit(cli, &serde_json::json!({ "kept": true }), |_| "the ledger is kept as it is\n".into())
        }
        Command::Recover { from, .. } => {
            let view = api::recover(&vault_dir(cli)?, &SystemKeychain, passphrase, from.as_deref())?;
            emit(cli, &view, |v| {
                let aside = v
                    .damaged_kept_at
                    .as_ref()
                    .map(|p| format!("; the damaged ledger is kept at {}", p.display()))
                    .unwrap_or_default();
                format!("recovered from the backup of {} ({}){aside}\n", v.backup_taken_at, v.recovered_from.display())
            })
        }
        Command::Institutions { search, category } => {
            emit(cli, &api::institutions(search.as_deref(), category.as_deref())?, |rows| human::institutions(rows))
        }
        Command::Sandbox(SandboxCommand::Serve { port }) => linking::sandbox_serve(cli, *port),
        Command::Demo => {
            let dir = match &cli.vault {
                Some(dir) => dir.clone(),
                None => default_data_dir()?.join("demo-vault"),
            };
            linking::demo(cli, &dir, &SystemKeychain)
        }
        Command::Daemon { interval_minutes, once } => {
            // The vault is opened for each pass and closed between them, so that `gims` commands
            // (one process per vault at a time) run while the daemon waits.
            let dir = vault_dir(cli)?;
            let open = || Gims::open(&dir, &SystemKeychain, passphrase.clone());
            linking::daemon(cli, &open, *interval_minutes, *once)
        }
        command => {
            let mut gims = Gims::open(&vault_dir(cli)?, &SystemKeychain, passphrase)?;
            // A ledger found damaged: every command says so (status included) and writes nothing;
            // `backups` still lists what `gims recover` can restore.
            if !matches!(command, Command::Backups) {
                gims.refuse_if_damaged()?;
            }
            execute_on_vault(cli, command, &mut gims)?;
            // The command's result is out; damage the check before today's backup finds is
            // said on stderr, with a failing exit status.
            if let Err(error) = gims.backup_if_due() {
                eprintln!("{}", human::terminal_safe(&error.to_string(), false));
                EXIT_STATUS.store(error.code.exit_status(), std::sync::atomic::Ordering::Relaxed);
            }
            Ok(())
        }
    }
}

fn execute_on_vault(cli: &Cli, command: &Command, gims: &mut Gims) -> Result<()> {
    match command {
        Command::Status => emit(cli, &gims.status()?, human::status),
        Command::Accounts => emit(cli, &gims.accounts()?, |rows| human::accounts(rows)),
        Command::Account(AccountCommand::Add { name, kind, currency, balance }) => {
            let input = AddAccountInput {
                name: name.clone(),
                kind: kind.clone(),
                currency: currency.clone(),
                balance: balance.clone(),
            };
            emit(cli, &gims.add_manual_account(&input)?, |row| human::accounts(std::slice::from_ref(row)))
        }
        Command::Transactions { account, from, to, limit, category, group } => {
            let query = TransactionQuery {
                account: *account,
                category: category.clone(),
                group: group.clone(),
                from: from.clone(),
                to: to.clone(),
                limit: *limit,
                offset: None,
            };
            emit(cli, &gims.transactions(&query)?, |rows| human::transactions(rows))
        }
        Command::Tx(TxCommand::Add { date, amount, description, account, category, memo, currency }) => {
            let input = AddTransactionInput {
                date: date.clone(),
                amount: amount.clone(),
                description: description.clone(),
                account: *account,
                category: category.clone(),
                memo: memo.clone(),
                currency: currency.clone(),
            };
            emit(cli, &gims.add_transaction(&input)?, |row| human::transactions(std::slice::from_ref(row)))
        }
        Command::Tx(TxCommand::Edit { id, category, transfer, included, memo }) => {
            let input = api::EditTransactionInput {
                category: category.clone(),
                transfer: transfer.clone(),
                included: included.clone(),
                memo: memo.clone(),
            };
            emit(cli, &gims.edit_transaction(*id, &input)?, |row| human::transactions(std::slice::from_ref(row)))?;
            if category.is_some() && !cli.json {
                household::propose_rule(gims, *id)?;
            }
            Ok(())
        }
        Command::Tx(TxCommand::Delete { id }) => emit(cli, &gims.delete_transaction(*id)?, |row| {
            format!("deleted: {}", human::transactions(std::slice::from_ref(row)))
        }),
        Command::Categories => emit(cli, &gims.categories()?, |rows| human::categories(rows)),
        Command::Import { file, account, connection, format, downloaded_on, map, dry_run } => {
            let mode = if *dry_run { ImportMode::preview(DRY_RUN_ROWS) } else { ImportMode::SAVE };
            let outcome = match (connection, format.trim(), map) {
                (Some(connection), _, _) => {
                    let target = ImportTarget::Connection(*connection);
                    gims.import_statement(&StatementFile::read(file)?, target, None, downloaded_on.as_deref(), mode)?
                }
                (None, "generic", map) => gims.import_generic_with(file, *account, map.as_deref(), mode)?,
                (None, _, Some(_)) => return Err(GimsError::invalid("map", "--map is for --format generic")),
                (None, _, None) => {
                    let target = match account {
                        Some(id) => ImportTarget::Account(*id),
                        None => ImportTarget::FromFile,
                    };
                    let file = StatementFile::read(file)?;
                    gims.import_statement(&file, target, Some(format), downloaded_on.as_deref(), mode)?
                }
            };
            emit(cli, &outcome, human::import_outcome)
        }
        Command::Settings => emit(cli, &gims.settings()?, |s| format!("{s:#?}\n")),
        Command::Set { key, value } => emit(cli, &gims.set_setting(key, value)?, |s| format!("{s:#?}\n")),
        Command::Backups => emit(cli, &gims.auto_backups(), |rows| {
            rows.iter().map(|b| format!("{}  {}  {} bytes\n", b.at, b.path.display(), b.bytes)).collect()
        }),
        Command::Check => emit(cli, &gims.check()?, |_| "the ledger is intact\n".to_string()),
        Command::Backup { to } => {
            let view = gims.backup(to, &read_backup_passphrase()?)?;
            emit(cli, &view, |v| format!("wrote an encrypted backup to {} ({} bytes)\n", v.backup.display(), v.bytes))
        }
        Command::Connect { institution, name, memo, start_date, credentials_stdin, no_refresh } => {
            linking::connect(cli, gims, institution, name, memo, start_date, *credentials_stdin, *no_refresh)
        }
        Command::Connections => emit(cli, &gims.connections()?, |rows| human::connections(rows)),
        Command::Edit { id, name, memo, start_date, credentials_stdin } => {
            let credentials = if *credentials_stdin { Some(linking::read_credentials()?) } else { None };
            let input =
                api::EditInput { name: name.clone(), memo: memo.clone(), start_date: start_date.clone(), credentials };
            emit(cli, &gims.edit_connection(*id, input)?, |row| human::connections(std::slice::from_ref(row)))
        }
        Command::Relink { id, credentials_stdin } => linking::relink(cli, gims, *id, *credentials_stdin),
        Command::Delete { id, yes } => emit(cli, &gims.delete_connection(*id, *yes)?, |view| {
            format!(
                "deleted {} with its login, {} accounts and {} transactions\n",
                view.display_name, view.destroyed.accounts, view.destroyed.transactions
            )
        }),
        Command::Refresh { ids, all, non_interactive } => {
            let targets = match (*all, ids.is_empty()) {
                (true, true) => RefreshTargets::All,
                (false, false) => RefreshTargets::Connections(ids.clone()),
                (true, false) => return Err(GimsError::invalid("all", "give connection ids or --all, not both")),
                (false, true) => {
                    return Err(GimsError::invalid("ids", "name the connections to refresh, or pass --all"));
                }
            };
            let named = matches!(targets, RefreshTargets::Connections(_));
            let reports = linking::refresh_on_terminal(gims, targets, *non_interactive)?;
            emit(cli, &reports, |rows| human::refresh_reports(rows))?;
            // Connections the user named and GIMS left alone (busy, maintenance): a script must
            // not take the rows for a refresh. "Refresh all" reports them and succeeds.
            if named && let Some(code) = reports.iter().find_map(|r| r.code) {
                EXIT_STATUS.store(code.exit_status(), std::sync::atomic::Ordering::Relaxed);
            }
            Ok(())
        }
        Command::Report(ReportCommand::Monthly { month, group }) => {
            emit(cli, &gims.report_monthly(month, group.as_deref())?, human::monthly_report)
        }
        Command::Report(ReportCommand::Assets { date, group }) => {
            emit(cli, &gims.report_assets(date.as_deref(), group.as_deref())?, human::asset_report)
        }
        Command::Export { format, from, to, out } => {
            let input = api::ExportInput { format: format.clone(), from: from.clone(), to: to.clone() };
            let outcome = gims.export(&input, out.as_deref(), &mut std::io::stdout().lock())?;
            match out {
                Some(_) => emit(cli, &outcome, human::export_outcome),
                None => {
                    eprint!("{}", human::export_left_out(&outcome));
                    Ok(())
                }
            }
        }
        Command::Report(ReportCommand::Export { month, format, group, out }) => {
            let view =
                gims.report_export(month, format, group.as_deref(), out.as_deref(), &mut std::io::stdout().lock())?;
            match out {
                Some(path) => emit(cli, &view, |v| {
                    format!("wrote the {} report for {} to {}\n", v.format, v.month, path.display())
                }),
                None => Ok(()),
            }
        }
        Command::Report(report) => household::report(cli, gims, report),
        Command::Category(_)
        | Command::Groups
        | Command::Group(_)
        | Command::Rates
        | Command::Rate(_)
        | Command::Hide(_)
        | Command::Unhide(_)
        | Command::Transfers(_)
        | Command::Rules
        | Command::Rule(_)
        | Command::Categorize(_)
        | Command::Budget(_) => household::execute(cli, gims, command),
        Command::Holdings { account } => emit(cli, &gims.holdings(*account)?, |rows| human::holdings(rows)),
        Command::AccessLog { connection } => emit(cli, &gims.access_log(*connection)?, |rows| human::access_log(rows)),
        Command::Init
        | Command::Restore { .. }
        | Command::Bench(_)
        | Command::Institutions { .. }
        | Command::Sandbox(_)
        | Command::Daemon { .. }
        | Command::Recover { .. }
        | Command::Demo => {
            unreachable!("handled before the vault is opened")
        }
    }
}
