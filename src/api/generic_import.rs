//! `gims import FILE --account ID --format generic [--map …]`: any CSV through the user's column
//! mapping, remembered per account once a file imports with it.

use super::{Gims, now};
use crate::error::{GimsError, Result};
use crate::import::generic::{ColumnMapping, store_mapping, stored_mapping};
use crate::import::{ImportInto, ImportMode, ImportOutcome, parse_generic, save_with};
use std::path::Path;

impl Gims {
    /// Imports a CSV whose layout GIMS does not know, whole or not at all, into `account`.
    /// `map` (`date=1,description=2,amount=3`) is needed the first time; after a successful
    /// import it is remembered for the account and used when `map` is `None`.
    pub fn import_generic(&mut self, file: &Path, account: Option<i64>, map: Option<&str>) -> Result<ImportOutcome> {
        self.import_generic_with(file, account, map, ImportMode::SAVE)
    }

    /// [`Gims::import_generic`], or its preview (`mode.dry_run`: nothing saved, no mapping kept).
    pub fn import_generic_with(
        &mut self,
        file: &Path,
        account: Option<i64>,
        map: Option<&str>,
        mode: ImportMode,
    ) -> Result<ImportOutcome> {
        let account = account.ok_or_else(|| {
            GimsError::invalid(
                "account",
                "a generic CSV does not say which account it is: name it with --account ID (see `gims accounts`)",
            )
        })?;
        self.existing_account(account)?;
        let mapping = match map {
            Some(text) => ColumnMapping::parse(text)?,
            None => stored_mapping(&self.ledger.conn, account)?.ok_or_else(|| {
                GimsError::invalid(
                    "map",
                    format!(
                        "account {account} has no column mapping yet; give it once, e.g. --map date=1,description=2,amount=3"
                    ),
                )
            })?,
        };
        let bytes = std::fs::read(file)
            .map_err(|e| GimsError::invalid("file", format!("could not read {}: {e}", file.display())))?;
        let statement = parse_generic(&bytes, &mapping)?;
        let now = now();
        let outcome = save_with(&mut self.ledger, &statement, ImportInto::Account(account), &now, mode)?;
        if map.is_some() && !mode.dry_run {
            store_mapping(&self.ledger.conn, account, &mapping, &now)?;
        }
        Ok(outcome)
    }
}
