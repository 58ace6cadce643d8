//! Accounts, linked and manual, and their current balances.
//!
//! A linked account's balance is the latest snapshot its institution reported. A manual
//! account's balance is its opening balance plus its transactions, computed here in SQL: callers
//! (CLI, UI) never add money up themselves.

use super::Ledger;
use crate::error::{GimsError, Result};
use crate::money::{Amount, Currency};
use gims_connectors::AccountKind;
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

pub struct NewManualAccount {
    pub name: String,
    pub kind: AccountKind,
    pub opening_balance: Amount,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountRow {
    pub id: i64,
    pub connection_id: Option<i64>,
    pub name: String,
    pub kind: AccountKind,
    pub currency: String,
    /// Exact decimal string in the account's currency.
    pub balance: String,
    pub balance_as_of: Option<String>,
    pub included: bool,
    /// Hidden (itself or through its connection): out of the default group's totals.
    pub hidden: bool,
    #[serde(skip)]
    pub balance_minor: i64,
}

const SELECT_ACCOUNTS: &str = "
    SELECT a.id, a.connection_id, a.name, a.kind, a.currency, a.included,
        CASE WHEN a.connection_id IS NULL OR a.balance_from_transactions = 1
             THEN a.opening_balance + coalesce((SELECT sum(t.amount) FROM transactions t WHERE t.account_id = a.id), 0)
             ELSE (SELECT s.balance FROM balance_snapshots s WHERE s.account_id = a.id ORDER BY s.as_of DESC, s.id DESC LIMIT 1)
        END,
        CASE WHEN a.connection_id IS NULL OR a.balance_from_transactions = 1
             THEN max(substr(a.created_at, 1, 10), coalesce((SELECT max(t.date) FROM transactions t WHERE t.account_id = a.id), ''))
             ELSE (SELECT s.as_of FROM balance_snapshots s WHERE s.account_id = a.id ORDER BY s.as_of DESC, s.id DESC LIMIT 1)
        END,
        a.hidden OR coalesce((SELECT c.hidden FROM connections c WHERE c.id = a.connection_id), 0),
        (SELECT s.reported FROM balance_snapshots s WHERE s.account_id = a.id ORDER BY s.as_of DESC, s.id DESC LIMIT 1)
    FROM accounts a";
// Manual accounts and a file connection's accounts (`balance_from_transactions`) have no
// institution-reported balance: theirs is the opening balance plus their transactions.

fn account_from_row(row: &Row<'_>) -> rusqlite::Result<AccountRow> {
    let kind_text: String = row.get(3)?;
    let currency_text: String = row.get(4)?;
    let balance_minor: Option<i64> = row.get(6)?;
    let kind = kind_text
        .parse::<AccountKind>()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, e.into()))?;
    let currency = Currency::parse(&currency_text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, e.into()))?;
    let balance_minor = balance_minor.unwrap_or(0);
    let connection_id: Option<i64> = row.get(1)?;
    Ok(AccountRow {
        id: row.get(0)?,
        connection_id,
        name: row.get(2)?,
        kind,
        // A balance with more places than its currency is shown exactly as it was reported.
        balance: match row.get::<_, Option<String>>(9)? {
            Some(reported) if connection_id.is_some() => reported,
            _ => Amount::from_minor(balance_minor, currency).to_decimal_string(),
        },
        currency: currency_text,
        included: row.get(5)?,
        balance_as_of: row.get(7)?,
        hidden: row.get(8)?,
        balance_minor,
    })
}

impl Ledger {
    pub fn add_manual_account(&mut self, account: &NewManualAccount, now: &str) -> Result<AccountRow> {
        let name = account.name.trim();
        if name.is_empty() {
            return Err(GimsError::invalid("name", "an account needs a name"));
        }
        self.conn.execute(
            "INSERT INTO accounts (connection_id, name, kind, currency, opening_balance, created_at)
             VALUES (NULL, ?1, ?2, ?3, ?4, ?5)",
            params![
                name,
                account.kind.as_str(),
                account.opening_balance.currency.code(),
                account.opening_balance.minor,
                now
            ],
        )?;
        let id = self.conn.last_insert_rowid();
        self.account(id)?.ok_or_else(|| GimsError::internal("the account just added is missing"))
    }

    pub fn account(&self, id: i64) -> Result<Option<AccountRow>> {
        Ok(self.conn.query_row(&format!("{SELECT_ACCOUNTS} WHERE a.id = ?1"), [id], account_from_row).optional()?)
    }

    pub fn accounts(&self) -> Result<Vec<AccountRow>> {
        let mut statement = self
            .conn
            .prepare(&format!("{SELECT_ACCOUNTS} ORDER BY a.connection_id IS NOT NULL, a.connection_id, a.id"))?;
        let rows = statement.query_map([], account_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{NewTransaction, TransactionSource, test_ledger};

    #[test]
    fn a_manual_balance_is_its_opening_balance_plus_its_transactions() {
        let (_dir, mut ledger) = test_ledger();
        let jpy = Currency::jpy();
        let wallet = ledger
            .add_manual_account(
                &NewManualAccount {
                    name: "財布".into(),
                    kind: AccountKind::Cash,
                    opening_balance: Amount::from_minor(10_000, jpy.clone()),
                },
                "2026-11-01T00:00:00Z",
            )
            .unwrap();
        assert_eq!(wallet.balance, "10000");
        assert_eq!(wallet.balance_as_of.as_deref(), Some("2026-11-01"));
        let spend = |amount: i64, date: &str| NewTransaction {
            date: date.into(),
            amount: Amount::from_minor(amount, jpy.clone()),
            ..NewTransaction::manual(Some(wallet.id), "ローソン")
        };
        ledger
            .insert_transactions(&[spend(-1200, "2026-11-03"), spend(-300, "2026-11-05")], TransactionSource::Manual)
            .unwrap();
        let wallet = ledger.account(wallet.id).unwrap().unwrap();
        assert_eq!(wallet.balance, "8500");
        assert_eq!(wallet.balance_as_of.as_deref(), Some("2026-11-05"));
        assert!(ledger.account(wallet.id + 1).unwrap().is_none());
    }

    #[test]
    fn a_nameless_account_is_refused() {
        let (_dir, mut ledger) = test_ledger();
        let error = ledger
            .add_manual_account(
                &NewManualAccount {
                    name: "  ".into(),
                    kind: AccountKind::Bank,
                    opening_balance: Amount::from_minor(0, Currency::jpy()),
                },
                "2026-11-01T00:00:00Z",
            )
            .unwrap_err();
        assert!(error.message.starts_with("name:"));
    }
}
