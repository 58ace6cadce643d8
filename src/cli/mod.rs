//! Argument parsing, the vault location, and the error convention: with `--json`, stdout holds
//! `{"error": {code, message}}`; without it, stderr holds `error[CODE]: message`. Either way the
//! exit status is non-zero.

mod args;
mod human;

use args::{AccountCommand, Cli, Command, TxCommand};
use gims::api::{self, AddAccountInput, AddTransactionInput, Gims, TransactionQuery};
use gims::error::{ErrorCode, GimsError, Result};
use gims::vault::{SystemKeychain, Unlock};
use gims_connectors::Secret;
use serde::Serialize;
use std::io::BufRead;
use std::path::PathBuf;

pub fn run() -> i32 {
    init_logging();
    let json_requested = std::env::args().any(|a| a == "--json");
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
        Ok(()) => 0,
        Err(error) => report(&error, cli.json),
    }
}

fn report(error: &GimsError, json: bool) -> i32 {
    if json {
        println!("{}", serde_json::json!({ "error": error }));
    } else {
        eprintln!("{error}");
    }
    error.code.exit_status()
}

fn init_logging() {
    // GIMS_LOG=trace etc.; logs go to stderr and never carry secrets (they are `Secret`s).
    let filter = tracing_subscriber::EnvFilter::try_from_env("GIMS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}

fn vault_dir(cli: &Cli) -> Result<PathBuf> {
    if let Some(dir) = &cli.vault {
        return Ok(dir.clone());
    }
    directories::ProjectDirs::from("", "", "gims")
        .map(|dirs| dirs.data_dir().join("vault"))
        .ok_or_else(|| GimsError::invalid("vault", "no home directory to keep the vault in; pass --vault DIR"))
}

fn read_passphrase(cli: &Cli) -> Result<Option<Secret<String>>> {
    if !cli.passphrase_stdin {
        return Ok(None);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| GimsError::invalid("passphrase", format!("could not read standard input: {e}")))?;
    let passphrase = line.trim_end_matches(['\r', '\n']).to_string();
    zeroize::Zeroize::zeroize(&mut line);
    if passphrase.is_empty() {
        return Err(GimsError::invalid("passphrase", "standard input held no passphrase"));
    }
    Ok(Some(Secret::new(passphrase)))
}

fn emit<T: Serialize>(cli: &Cli, value: &T, human: impl FnOnce(&T) -> String) -> Result<()> {
    if cli.json {
        let text = serde_json::to_string(value).map_err(GimsError::internal)?;
        println!("{text}");
    } else {
        print!("{}", human(value));
    }
    Ok(())
}

fn execute(cli: &Cli) -> Result<()> {
    let dir = vault_dir(cli)?;
    let passphrase = read_passphrase(cli)?;
    match &cli.command {
        Command::Init => {
            let unlock = match passphrase {
                Some(passphrase) => Unlock::Passphrase(passphrase),
                None => Unlock::Keychain(&SystemKeychain),
            };
            let view = api::init(&dir, unlock)?;
            emit(cli, &view, |v| {
                format!("created an encrypted vault at {} (key: {})\n", v.vault.display(), v.key_source)
            })
        }
        Command::Bench(options) => {
            let report = gims::bench::run(&options.to_options(), &mut std::io::stderr())?;
            emit(cli, &report, human::bench)
        }
        command => {
            let mut gims = Gims::open(&dir, &SystemKeychain, passphrase)?;
            execute_on_vault(cli, command, &mut gims)
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
        Command::Transactions { account, from, to, limit } => {
            let query = TransactionQuery { account: *account, from: from.clone(), to: to.clone(), limit: *limit };
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
        Command::Categories => emit(cli, &gims.categories()?, |rows| human::categories(rows)),
        Command::Init | Command::Bench(_) => unreachable!("handled before the vault is opened"),
    }
}
