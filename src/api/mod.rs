//! The core's API: what the CLI and the desktop shell call. Inputs arrive as text (from a
//! terminal or over IPC) and are validated here, field by field, before anything is written;
//! outputs are serialisable views. Errors carry a code from the closed list.

mod auto_report;
mod connections;
mod export;
mod file_connections;
mod generic_import;
mod household;
mod settings;
mod window;

pub use export::{ExportInput, ReportExportView};

pub use auto_report::{ReportFile, WrittenReport};
pub use connections::{
    ConnectInput, DeleteView, EditInput, InstitutionView, LifecycleView, RefreshTargets, institutions,
};
pub use household::{CategoryEntry, MergeView, RuleAdded, RuleInput, StarterRulesAdded};
pub use settings::Settings;
pub use window::{WindowSession, WindowStep, host_key};

use crate::error::{ErrorCode, GimsError, Result};
use crate::ledger::{
    AccountRow, Ledger, NewManualAccount, NewTransaction, TransactionFilter, TransactionRow, TransactionSource,
    categories,
};
use crate::money::{Amount, Currency};
use crate::vault::{KeyStore, Unlock, Vault};
use gims_connectors::{AccountKind, Secret};
use serde::Serialize;
use std::path::{Path, PathBuf};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

#[derive(Debug, Serialize)]
pub struct InitView {
    pub vault: PathBuf,
    pub key_source: &'static str,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StatusView {
    pub vault: PathBuf,
    pub schema_version: i64,
    pub encrypted: bool,
    pub key_source: &'static str,
    pub connections: i64,
    pub accounts: i64,
    pub transactions: i64,
    /// Set once a check found the ledger damaged: `vault.corrupt` with the way back. Nothing is
    /// written meanwhile.
    pub damaged: Option<GimsError>,
}

/// A manual account as typed by the user.
#[derive(Debug, Default)]
pub struct AddAccountInput {
    pub name: String,
    pub kind: String,
    pub currency: String,
    pub balance: Option<String>,
}

/// A manual transaction as typed by the user. No account means cash.
#[derive(Debug, Default)]
pub struct AddTransactionInput {
    pub date: String,
    pub amount: String,
    pub description: String,
    pub account: Option<i64>,
    pub category: Option<String>,
    pub memo: Option<String>,
    pub currency: Option<String>,
}

/// Changes to a transaction as typed; `yes`/`no` for the flags.
#[derive(Debug, Default)]
pub struct EditTransactionInput {
    pub category: Option<String>,
    pub transfer: Option<String>,
    pub included: Option<String>,
    pub memo: Option<String>,
}

#[derive(Debug, Default)]
pub struct TransactionQuery {
    pub account: Option<i64>,
    /// `大項目/中項目` or `大項目` (with its 中項目).
    pub category: Option<String>,
    /// Only the accounts of this group.
    pub group: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<u32>,
    /// Rows to skip (newest first) before the `limit`: pages of a long list.
    pub offset: Option<u32>,
}

/// Creates a vault; the key goes to the keychain or comes from the passphrase.
pub fn init(dir: &Path, unlock: Unlock<'_>) -> Result<InitView> {
    let (vault, _ledger) = Vault::init(dir, unlock)?;
    Ok(InitView { vault: vault.dir, key_source: vault.metadata.key_source.as_str() })
}

#[derive(Debug, Serialize)]
pub struct RecoverView {
    pub recovered_from: PathBuf,
    pub backup_taken_at: String,
    /// Where the damaged ledger was put aside (kept, never deleted).
    pub damaged_kept_at: Option<PathBuf>,
}

/// Replaces a damaged ledger with an automatic backup (the newest, or `from`).
pub fn recover(
    dir: &Path,
    keys: &'static dyn KeyStore,
    passphrase: Option<Secret<String>>,
    from: Option<&Path>,
) -> Result<RecoverView> {
    let (backup, aside) = Vault::recover(dir, keys, passphrase, from)?;
    Ok(RecoverView { recovered_from: backup.path, backup_taken_at: backup.at, damaged_kept_at: aside })
}

/// Keeps a ledger whose write-ahead log was lost as it is, once every page checks out.
pub fn keep_current(dir: &Path, keys: &'static dyn KeyStore, passphrase: Option<Secret<String>>) -> Result<()> {
    Vault::keep_current(dir, keys, passphrase)
}

/// Creates a vault from a backup file and its passphrase (on another machine, say).
pub fn restore(dir: &Path, unlock: Unlock<'_>, backup: &Path, backup_passphrase: &Secret<String>) -> Result<InitView> {
    let (vault, _ledger) = Vault::restore(dir, unlock, backup, backup_passphrase)?;
    Ok(InitView { vault: vault.dir, key_source: vault.metadata.key_source.as_str() })
}

#[derive(Debug, Serialize)]
pub struct BackupView {
    pub backup: PathBuf,
    pub bytes: u64,
}

/// An open vault: the ledger and what describes it.
pub struct Gims {
    vault: Vault,
    ledger: Ledger,
    keys: &'static dyn KeyStore,
}

impl Gims {
    /// Opens the vault; `keys` is where its key (keychain vaults) and every login are kept.
    pub fn open(dir: &Path, keys: &'static dyn KeyStore, passphrase: Option<Secret<String>>) -> Result<Gims> {
        let (vault, ledger) = Vault::open(dir, keys, passphrase)?;
        Ok(Gims { vault, ledger, keys })
    }

    /// Today's automatic backup, if not taken yet, after checking the ledger: called once a
    /// command's work is done and by the background passes, never on the way in (opening stays
    /// fast). A failure (a full disk, say) is logged and keeps nobody out of their vault; older
    /// backups stay. Damage the check finds is the error: recorded, no backup taken, none
    /// deleted, and this handle writes nothing more.
    pub fn backup_if_due(&mut self) -> Result<()> {
        match crate::vault::auto_backup::run_if_due(&self.vault, &self.ledger, time::OffsetDateTime::now_utc()) {
            Ok(_) => Ok(()),
            Err(error) if error.code == ErrorCode::VaultCorrupt => {
                tracing::error!("{}", error.message);
                self.ledger.refuse_writes()?;
                Err(error)
            }
            Err(error) => {
                tracing::warn!("the automatic backup was not taken: {}", error.message);
                Ok(())
            }
        }
    }

    /// The damage a check recorded in this vault (`vault.corrupt`, with the way back), read
    /// afresh each time: another handle or process may have found it.
    pub fn damage(&self) -> Option<GimsError> {
        crate::vault::damage::read(&self.vault.dir).map(|damage| damage.error())
    }

    /// `vault.corrupt` once the ledger was found damaged: for everything that would write.
    pub fn refuse_if_damaged(&self) -> Result<()> {
        self.damage().map_or(Ok(()), Err)
    }

    /// The vault's automatic backups, newest first.
    pub fn auto_backups(&self) -> Vec<crate::vault::auto_backup::AutoBackup> {
        crate::vault::auto_backup::list(&self.vault.dir)
    }

    fn keys(&self) -> &'static dyn KeyStore {
        self.keys
    }

    pub fn status(&self) -> Result<StatusView> {
        let counts = self.ledger.counts()?;
        Ok(StatusView {
            vault: self.vault.dir.clone(),
            schema_version: self.ledger.schema_version()?,
            encrypted: self.ledger.is_encrypted()?,
            key_source: self.vault.metadata.key_source.as_str(),
            connections: counts.connections,
            accounts: counts.accounts,
            transactions: counts.transactions,
            damaged: self.damage(),
        })
    }

    pub fn accounts(&self) -> Result<Vec<AccountRow>> {
        self.ledger.accounts()
    }

    pub fn add_manual_account(&mut self, input: &AddAccountInput) -> Result<AccountRow> {
        let kind: AccountKind = input.kind.trim().parse().map_err(|e| GimsError::invalid("kind", e))?;
        let currency = Currency::parse(&input.currency).map_err(|e| GimsError::invalid("currency", e))?;
        let opening_balance = match &input.balance {
            Some(text) => Amount::parse(text, &currency).map_err(|e| GimsError::invalid("balance", e))?,
            None => Amount::from_minor(0, currency),
        };
        let account = NewManualAccount { name: input.name.clone(), kind, opening_balance };
        self.ledger.add_manual_account(&account, &now())
    }

    pub fn transactions(&self, query: &TransactionQuery) -> Result<Vec<TransactionRow>> {
        let account_ids = match query.group.as_deref() {
            Some(name) => {
                let scope = self.ledger.scope(Some(name))?;
                Some(crate::ledger::groups::scope_accounts(&self.ledger.conn, &scope)?.ids)
            }
            None => None,
        };
        let filter = TransactionFilter {
            account_id: query.account,
            category_id: query.category.as_deref().map(|c| categories::resolve(&self.ledger.conn, c)).transpose()?,
            account_ids,
            from: query.from.as_deref().map(|d| parse_date("from", d)).transpose()?,
            to: query.to.as_deref().map(|d| parse_date("to", d)).transpose()?,
            limit: query.limit,
            offset: query.offset,
        };
        if let Some(id) = filter.account_id {
            self.existing_account(id)?;
        }
        self.ledger.transactions(&filter)
    }

    pub fn add_transaction(&mut self, input: &AddTransactionInput) -> Result<TransactionRow> {
        let date = parse_date("date", &input.date)?;
        let description = input.description.trim();
        if description.is_empty() {
            return Err(GimsError::invalid("description", "a transaction needs a description"));
        }
        let requested_currency = input
            .currency
            .as_deref()
            .map(Currency::parse)
            .transpose()
            .map_err(|e| GimsError::invalid("currency", e))?;
        let currency = match input.account {
            Some(id) => {
                let account = self.existing_account(id)?;
                let account_currency = Currency::parse(&account.currency).map_err(GimsError::internal)?;
                if let Some(requested) = requested_currency.filter(|c| *c != account_currency) {
                    return Err(GimsError::invalid(
                        "currency",
                        format!("account {id} is kept in {account_currency}, not {requested}"),
                    ));
                }
                account_currency
            }
            None => requested_currency.unwrap_or_else(Currency::jpy),
        };
        let amount = Amount::parse(&input.amount, &currency).map_err(|e| GimsError::invalid("amount", e))?;
        let category_id = input.category.as_deref().map(|c| categories::resolve(&self.ledger.conn, c)).transpose()?;
        let row = NewTransaction {
            date,
            amount,
            memo: input.memo.clone().unwrap_or_default(),
            category_id,
            ..NewTransaction::manual(input.account, description)
        };
        self.ledger.insert_transactions(std::slice::from_ref(&row), TransactionSource::Manual)?;
        let id = self.ledger.conn.last_insert_rowid();
        self.ledger.transaction(id)?.ok_or_else(|| GimsError::internal("the transaction just added is missing"))
    }

    /// Re-categorise, mark as a transfer (振替), include in or exclude from totals (計算対象), or
    /// annotate a transaction. The change survives later refreshes.
    pub fn edit_transaction(&mut self, id: i64, input: &EditTransactionInput) -> Result<TransactionRow> {
        let edit = crate::ledger::TransactionEdit {
            category_id: input.category.as_deref().map(|c| categories::resolve(&self.ledger.conn, c)).transpose()?,
            transfer: yes_no("transfer", &input.transfer)?,
            included: yes_no("included", &input.included)?,
            memo: input.memo.clone(),
        };
        self.ledger.edit_transaction(id, &edit)?.ok_or_else(|| {
            GimsError::invalid("transaction", format!("there is no transaction {id} (see `gims transactions`)"))
        })
    }

    /// Deletes one transaction (a hand-entered one that an import also brought, say). Its
    /// transfer mark goes with it; totals follow in the same transaction.
    pub fn delete_transaction(&mut self, id: i64) -> Result<TransactionRow> {
        let row = self
            .ledger
            .transaction(id)?
            .ok_or_else(|| GimsError::invalid("transaction", format!("there is no transaction {id}")))?;
        let tx = self.ledger.conn.transaction()?;
        // The other side of a marked transfer counts again once this side is gone.
        tx.execute(
            "UPDATE transactions SET transfer = 0 WHERE id IN
                (SELECT CASE WHEN out_tx = ?1 THEN in_tx ELSE out_tx END FROM transfer_marks WHERE out_tx = ?1 OR in_tx = ?1)",
            [id],
        )?;
        tx.execute("DELETE FROM transactions WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(row)
    }

    /// A passphrase-encrypted backup of the whole ledger, restorable anywhere with the passphrase.
    pub fn backup(&self, target: &Path, passphrase: &Secret<String>) -> Result<BackupView> {
        crate::vault::check_passphrase_strength(passphrase)?;
        self.ledger.backup_to(target, passphrase)?;
        let bytes = std::fs::metadata(target).map(|m| m.len()).unwrap_or(0);
        Ok(BackupView { backup: target.to_path_buf(), bytes })
    }

    /// Reads the whole ledger and checks every page.
    pub fn check(&self) -> Result<serde_json::Value> {
        self.ledger.check_integrity()?;
        Ok(serde_json::json!({ "vault": self.vault.dir, "integrity": "ok" }))
    }

    /// Imports a statement file, whole or not at all. `format`: `auto` or a format id
    /// (`ofx`, `rakuten-bank`, `mf-export`…). `downloaded_on` dates rows of files without a year.
    pub fn import(
        &mut self,
        file: &Path,
        account: Option<i64>,
        format: Option<&str>,
        downloaded_on: Option<&str>,
    ) -> Result<crate::import::ImportOutcome> {
        let target = match account {
            Some(id) => ImportTarget::Account(id),
            None => ImportTarget::FromFile,
        };
        let file = StatementFile::read(file)?;
        self.import_statement(&file, target, format, downloaded_on, crate::import::ImportMode::SAVE)
    }

    /// Imports (or, with `mode.dry_run`, previews: the same decisions, nothing written) a
    /// statement file already in memory — the desktop's dropped or picked file, the CLI's read one.
    pub fn import_statement(
        &mut self,
        file: &StatementFile,
        target: ImportTarget,
        format: Option<&str>,
        downloaded_on: Option<&str>,
        mode: crate::import::ImportMode,
    ) -> Result<crate::import::ImportOutcome> {
        if let ImportTarget::Connection(connection) = target {
            return self.import_into_connection(file, connection, downloaded_on, mode, None);
        }
        let statement = parse_statement(&file.bytes, format_choice(format)?, downloaded_on)?;
        let into = match target {
            ImportTarget::Account(id) => crate::import::ImportInto::Account(id),
            _ => crate::import::ImportInto::FromFile,
        };
        crate::import::save_with(&mut self.ledger, &statement, into, &now(), mode)
    }

    /// What deleting a connection would destroy, for a confirmation that names it.
    pub fn connection_footprint(&self, id: i64) -> Result<crate::ledger::DeletedCounts> {
        let counts = self.ledger.connection_footprint(id)?;
        Ok(crate::ledger::DeletedCounts { window_data: self.window_data_dir(id).exists(), ..counts })
    }

    pub fn categories(&self) -> Result<Vec<categories::CategoryRow>> {
        categories::list(&self.ledger.conn)
    }

    fn existing_account(&self, id: i64) -> Result<AccountRow> {
        self.ledger
            .account(id)?
            .ok_or_else(|| GimsError::invalid("account", format!("there is no account {id} (see `gims accounts`)")))
    }
}

/// Where an imported file's rows go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportTarget {
    /// Accounts found or created from what the file says about them.
    FromFile,
    Account(i64),
    /// A file connection: the file must be the institution's, and counts as its last fetch.
    Connection(i64),
}

/// A statement file's name (for messages) and bytes.
#[derive(Debug)]
pub struct StatementFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The largest file the window sends over IPC (a decade of daily statements is a few MiB).
pub const MAX_SENT_STATEMENT_BYTES: usize = 64 << 20;

impl StatementFile {
    pub fn read(path: &Path) -> Result<StatementFile> {
        let bytes = std::fs::read(path)
            .map_err(|e| GimsError::invalid("file", format!("could not read {}: {e}", path.display())))?;
        Ok(StatementFile { name: path.display().to_string(), bytes })
    }

    /// A file the window read and sent as base64 (JSON carries text; raw IPC bodies are not
    /// available on every platform's webview). Larger than [`MAX_SENT_STATEMENT_BYTES`] is refused
    /// before decoding.
    pub fn from_base64(name: &str, text: &str) -> Result<StatementFile> {
        use base64::Engine as _;
        if text.len() / 4 * 3 > MAX_SENT_STATEMENT_BYTES {
            return Err(GimsError::invalid(
                "file",
                format!(
                    "{name} is larger than {} MiB; import it with `gims import FILE`, or split it by year",
                    MAX_SENT_STATEMENT_BYTES >> 20
                ),
            ));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|e| GimsError::invalid("file", format!("{name} did not arrive intact ({e}); pick it again")))?;
        Ok(StatementFile { name: name.to_owned(), bytes })
    }
}

/// `auto` (or nothing) or a format id.
fn format_choice(format: Option<&str>) -> Result<crate::import::FormatChoice> {
    use crate::import::{Format, FormatChoice};
    Ok(match format.map(str::trim) {
        None | Some("auto") => FormatChoice::Auto,
        Some(id) => FormatChoice::Exactly(Format::from_id(id).ok_or_else(|| {
            let known: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
            GimsError::invalid("format", format!("`{id}` is not one of: auto, {}", known.join(", ")))
        })?),
    })
}

/// Parses a statement file (nothing is written). `downloaded_on` (default: today in Japan)
/// dates the rows of files without a year.
fn parse_statement(
    bytes: &[u8],
    format: crate::import::FormatChoice,
    downloaded_on: Option<&str>,
) -> Result<crate::import::ParsedStatement> {
    let downloaded_on = match downloaded_on {
        Some(text) => parse_date("downloaded-on", text)?,
        None => crate::refresh::endpoint::today_at_institution(time::OffsetDateTime::now_utc()).to_string(),
    };
    let downloaded_on = crate::refresh::endpoint::parse_iso_date(&downloaded_on);
    crate::import::parse(bytes, &crate::import::ParseOptions { format, downloaded_on })
}

/// `yes`/`no` (or true/false, 1/0) as typed, for a flag.
fn yes_no(field: &str, text: &Option<String>) -> Result<Option<bool>> {
    text.as_deref()
        .map(|t| match t.trim() {
            "yes" | "true" | "1" => Ok(true),
            "no" | "false" | "0" => Ok(false),
            other => Err(GimsError::invalid(field, format!("`{other}` is not yes or no"))),
        })
        .transpose()
}

/// The current time as stored in the ledger (RFC 3339, UTC).
pub fn now() -> String {
    time::OffsetDateTime::now_utc().format(&Rfc3339).expect("RFC 3339 formats every UTC time")
}

/// Accepts `YYYY-MM-DD` (and `YYYY/MM/DD`, as Japanese users write it); returns `YYYY-MM-DD`.
pub fn parse_date(field: &str, text: &str) -> Result<String> {
    let normalised = text.trim().replace('/', "-");
    let format = format_description!("[year]-[month]-[day]");
    time::Date::parse(&normalised, &format)
        .map(|date| date.format(&format).expect("a parsed date formats"))
        .map_err(|_| GimsError::invalid(field, format!("`{text}` is not a date (write YYYY-MM-DD)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_sent_by_the_window_is_decoded_and_one_too_large_is_refused_before_decoding() {
        use base64::Engine as _;
        let bytes = "取引日,入出金(円)\r\n".as_bytes();
        let sent = base64::engine::general_purpose::STANDARD.encode(bytes);
        let file = StatementFile::from_base64("meisai.csv", &sent).unwrap();
        assert_eq!((file.name.as_str(), file.bytes.as_slice()), ("meisai.csv", bytes));
        let garbled = StatementFile::from_base64("meisai.csv", "not base64!").unwrap_err();
        assert!(
            garbled.message.contains("meisai.csv") && garbled.message.contains("pick it again"),
            "{}",
            garbled.message
        );
        // One byte over the cap, as base64 text: refused by its length alone.
        let too_large = "A".repeat((MAX_SENT_STATEMENT_BYTES + 3) / 3 * 4 + 4);
        let error = StatementFile::from_base64("big.csv", &too_large).unwrap_err();
        assert!(error.message.contains("64 MiB") && error.message.contains("big.csv"), "{}", error.message);
        let at_cap = "A".repeat(MAX_SENT_STATEMENT_BYTES / 3 * 4);
        assert_eq!(
            StatementFile::from_base64("cap.csv", &at_cap).unwrap().bytes.len(),
            MAX_SENT_STATEMENT_BYTES / 3 * 3
        );
    }

    #[test]
    fn dates_are_checked_and_normalised() {
        assert_eq!(parse_date("date", "2026/11/28").unwrap(), "2026-11-28");
        for bad in ["2026-13-01", "2026-02-30", "28/11/2026", "yesterday", ""] {
            let error = parse_date("date", bad).unwrap_err();
            assert!(error.message.starts_with("date:"), "{bad}: {}", error.message);
        }
    }
}

// The desktop shell holds a `Gims` across `.await` in async commands: it must stay `Send`.
#[cfg(test)]
static_assertions::assert_impl_all!(Gims: Send);
#[cfg(test)]
#[allow(dead_code)] // compiled, never run: the check is that it type-checks
fn refresh_future_is_send(gims: &mut Gims, engine: &crate::refresh::Engine) {
    fn send<T: Send>(_: T) {}
    send(gims.refresh(RefreshTargets::All, false, engine));
}

#[cfg(test)]
mod scheduler_tests;
#[cfg(test)]
mod window_tests;
