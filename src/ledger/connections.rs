//! Connections (a user's linked login at one institution), their refresh runs and the access log.

use super::Ledger;
use crate::error::{GimsError, Result};
use rusqlite::{OptionalExtension, Row, params};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ConnectionRow {
    pub id: i64,
    pub institution_id: String,
    pub display_name: String,
    pub memo: String,
    pub status: String,
    /// What the user can do about the status (`refresh_now`, `edit_login`, `relink`, …).
    pub action: String,
    /// For `open_site`: where.
    pub action_url: Option<String>,
    pub message: String,
    pub last_fetched_at: Option<String>,
    pub last_attempt_at: Option<String>,
    pub next_refresh_at: Option<String>,
    pub start_date: Option<String>,
    /// Hidden with all its accounts: out of the default group's totals, data kept.
    pub hidden: bool,
    /// A window connection's captured statement is saved without a preview (the user's choice).
    pub capture_straight_in: bool,
    /// A window connection's statement page as the user recorded it ("next time from here"):
    /// the window opens it after the login instead of the catalog's steps.
    pub download_page: Option<String>,
}

pub struct NewConnection<'a> {
    pub institution_id: &'a str,
    pub display_name: &'a str,
    pub memo: &'a str,
    pub start_date: Option<&'a str>,
}

/// A connection's status as a refresh leaves it.
pub struct StatusUpdate<'a> {
    pub status: &'a str,
    pub action: &'a str,
    pub action_url: Option<&'a str>,
    pub message: &'a str,
    pub next_refresh_at: Option<&'a str>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccessLogRow {
    pub at: String,
    pub connection_id: Option<i64>,
    pub institution_id: String,
    pub host: String,
    pub outcome: String,
}

const SELECT_CONNECTIONS: &str = "SELECT id, institution_id, display_name, memo, status, status_action, status_url,
    status_message, last_fetched_at, last_attempt_at, next_refresh_at, start_date, hidden,
    capture_straight_in, download_page FROM connections";

fn connection_from_row(row: &Row<'_>) -> rusqlite::Result<ConnectionRow> {
    Ok(ConnectionRow {
        id: row.get(0)?,
        institution_id: row.get(1)?,
        display_name: row.get(2)?,
        memo: row.get(3)?,
        status: row.get(4)?,
        action: row.get(5)?,
        action_url: row.get(6)?,
        message: row.get(7)?,
        last_fetched_at: row.get(8)?,
        last_attempt_at: row.get(9)?,
        next_refresh_at: row.get(10)?,
        start_date: row.get(11)?,
        hidden: row.get(12)?,
        capture_straight_in: row.get(13)?,
        download_page: row.get(14)?,
    })
}

impl Ledger {
    pub fn set_capture_straight_in(&mut self, id: i64, straight_in: bool) -> Result<()> {
        self.conn.execute("UPDATE connections SET capture_straight_in = ?2 WHERE id = ?1", params![id, straight_in])?;
        Ok(())
    }

    pub fn set_download_page(&mut self, id: i64, page: Option<&str>) -> Result<()> {
        self.conn.execute("UPDATE connections SET download_page = ?2 WHERE id = ?1", params![id, page])?;
        Ok(())
    }

    pub fn add_connection(&mut self, new: &NewConnection<'_>, now: &str) -> Result<ConnectionRow> {
        self.conn.execute(
            "INSERT INTO connections (institution_id, display_name, memo, start_date, status, status_action, status_message, created_at)
             VALUES (?1, ?2, ?3, ?4, 'needs_user', 'refresh_now', 'not refreshed yet', ?5)",
            params![new.institution_id, new.display_name, new.memo, new.start_date, now],
        )?;
        let id = self.conn.last_insert_rowid();
        self.connection(id)?.ok_or_else(|| GimsError::internal("the connection just added is missing"))
    }

    /// Removes a connection added in this process whose credentials could not be stored.
    pub fn forget_new_connection(&mut self, id: i64) -> Result<()> {
        self.conn.execute("DELETE FROM connections WHERE id = ?1", [id])?;
        Ok(())
    }

    pub fn connection(&self, id: i64) -> Result<Option<ConnectionRow>> {
        Ok(self.conn.query_row(&format!("{SELECT_CONNECTIONS} WHERE id = ?1"), [id], connection_from_row).optional()?)
    }

    pub fn connections(&self) -> Result<Vec<ConnectionRow>> {
        let mut statement = self.conn.prepare(&format!("{SELECT_CONNECTIONS} ORDER BY id"))?;
        let rows = statement.query_map([], connection_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Marks a run as started: `last_attempt_at` moves, `last_fetched_at` does not.
    pub fn start_refresh_run(&mut self, connection_id: i64, now: &str) -> Result<i64> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO refresh_runs (connection_id, started_at) VALUES (?1, ?2)",
            params![connection_id, now],
        )?;
        let run_id = tx.last_insert_rowid();
        tx.execute("UPDATE connections SET last_attempt_at = ?2 WHERE id = ?1", params![connection_id, now])?;
        tx.commit()?;
        Ok(run_id)
    }

    /// Records a run that saved nothing (failed, needs the user, cancelled) and the status it left.
    pub fn finish_failed_run(
        &mut self,
        connection_id: i64,
        run_id: i64,
        outcome: &str,
        status: &StatusUpdate<'_>,
        now: &str,
    ) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE refresh_runs SET finished_at = ?2, outcome = ?3, message = ?4 WHERE id = ?1",
            params![run_id, now, outcome, status.message],
        )?;
        set_status(&tx, connection_id, status)?;
        tx.commit()?;
        Ok(())
    }

    pub fn set_connection_status(&mut self, connection_id: i64, status: &StatusUpdate<'_>) -> Result<()> {
        set_status(&self.conn, connection_id, status)
    }

    pub fn record_access(&mut self, entry: &AccessLogRow) -> Result<()> {
        self.conn.execute(
            "INSERT INTO access_log (at, connection_id, institution_id, host, outcome) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![entry.at, entry.connection_id, entry.institution_id, entry.host, entry.outcome],
        )?;
        Ok(())
    }

    pub fn access_log(&self, connection_id: Option<i64>) -> Result<Vec<AccessLogRow>> {
        let mut statement = self.conn.prepare(
            "SELECT at, connection_id, institution_id, host, outcome FROM access_log
             WHERE ?1 IS NULL OR connection_id = ?1 ORDER BY at DESC, id DESC",
        )?;
        let rows = statement.query_map([connection_id], |row| {
            Ok(AccessLogRow {
                at: row.get(0)?,
                connection_id: row.get(1)?,
                institution_id: row.get(2)?,
                host: row.get(3)?,
                outcome: row.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

pub(crate) fn set_status(conn: &rusqlite::Connection, connection_id: i64, status: &StatusUpdate<'_>) -> Result<()> {
    conn.execute(
        "UPDATE connections SET status = ?2, status_action = ?3, status_url = ?4, status_message = ?5, next_refresh_at = ?6
         WHERE id = ?1",
        params![connection_id, status.status, status.action, status.action_url, status.message, status.next_refresh_at],
    )?;
    Ok(())
}

/// What deleting a connection destroyed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeletedCounts {
    pub accounts: i64,
    pub transactions: i64,
    pub balance_snapshots: i64,
    pub holdings: i64,
    pub rules: i64,
    /// The connection's institution-window browser data (its cookies: the institution's
    /// trusted-device mark) exists in the vault folder.
    pub window_data: bool,
}

pub struct ConnectionEdit<'a> {
    pub display_name: Option<&'a str>,
    pub memo: Option<&'a str>,
    /// `Some(None)` clears the start date.
    pub start_date: Option<Option<&'a str>>,
}

impl Ledger {
    /// What deleting this connection would destroy (for the confirmation that names it).
    pub fn connection_footprint(&self, id: i64) -> Result<DeletedCounts> {
        Ok(self.conn.query_row(
            "SELECT
                (SELECT count(*) FROM accounts WHERE connection_id = ?1),
                (SELECT count(*) FROM transactions WHERE account_id IN (SELECT id FROM accounts WHERE connection_id = ?1)),
                (SELECT count(*) FROM balance_snapshots WHERE account_id IN (SELECT id FROM accounts WHERE connection_id = ?1)),
                (SELECT count(*) FROM holdings WHERE account_id IN (SELECT id FROM accounts WHERE connection_id = ?1)),
                (SELECT count(*) FROM rules WHERE connection_id = ?1
                    OR account_id IN (SELECT id FROM accounts WHERE connection_id = ?1))",
            [id],
            |row| {
                Ok(DeletedCounts {
                    accounts: row.get(0)?,
                    transactions: row.get(1)?,
                    balance_snapshots: row.get(2)?,
                    holdings: row.get(3)?,
                    rules: row.get(4)?,
                    window_data: false,
                })
            },
        )?)
    }

    /// Deletes the connection and everything under it in one transaction. `before_commit` runs
    /// inside it (removing the keychain entry): if it fails, nothing is deleted.
    pub fn delete_connection(&mut self, id: i64, before_commit: impl FnOnce() -> Result<()>) -> Result<DeletedCounts> {
        let counts = self.connection_footprint(id)?;
        let tx = self.conn.transaction()?;
        // Rules can point at the connection's accounts without the connection itself.
        tx.execute(
            "DELETE FROM rules WHERE connection_id = ?1 OR account_id IN (SELECT id FROM accounts WHERE connection_id = ?1)",
            [id],
        )?;
        let deleted = tx.execute("DELETE FROM connections WHERE id = ?1", [id])?;
        if deleted != 1 {
            return Err(GimsError::invalid("connection", format!("there is no connection {id}")));
        }
        before_commit()?;
        tx.commit()?;
        Ok(counts)
    }

    pub fn edit_connection(&mut self, id: i64, edit: &ConnectionEdit<'_>) -> Result<ConnectionRow> {
        let tx = self.conn.transaction()?;
        if let Some(name) = edit.display_name {
            tx.execute("UPDATE connections SET display_name = ?2 WHERE id = ?1", params![id, name])?;
        }
        if let Some(memo) = edit.memo {
            tx.execute("UPDATE connections SET memo = ?2 WHERE id = ?1", params![id, memo])?;
        }
        if let Some(start_date) = edit.start_date {
            tx.execute("UPDATE connections SET start_date = ?2 WHERE id = ?1", params![id, start_date])?;
        }
        tx.commit()?;
        self.connection(id)?.ok_or_else(|| GimsError::invalid("connection", format!("there is no connection {id}")))
    }
}
