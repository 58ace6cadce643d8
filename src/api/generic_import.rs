//! `gims import FILE --account ID --format generic [--map …]`: any CSV through the user's column
//! mapping, remembered per account once a file imports with it.

use super::{Gims, now};
use crate::error::{GimsError, Result};
use crate::import::generic::{ColumnMapping, store_mapping, stored_mapping};
use crate::import::{ImportOutcome, parse_generic};
use std::path::Path;

impl Gims {
    /// Imports a CSV whose layout GIMS does not know, whole or not at all, into `account`.
    /// `map` (`date=1,description=2,amount=3`) is needed the first time; after a successful
    /// import it is remembered for the account and used when `map` is `None`.
    pub fn import_generic(&mut self, file: &Path, account: Option<i64>, map: Option<&str>) -> Result<ImportOutcome> {
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
        let outcome = crate::import::save(&mut self.ledger, &statement, Some(account), &now)?;
        if map.is_some() {
            store_mapping(&self.ledger.conn, account, &mapping, &now)?;
        }
        Ok(outcome)
    }
}
