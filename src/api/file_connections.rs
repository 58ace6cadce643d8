//! File connections: an institution reached through its statement files (楽天銀行's CSV, …) is
//! linked without a login; `import_for_connection` reads a file of that institution's own
//! formats, records the import as the connection's last fetch, and makes the next month's file
//! due. `connections` shows an overdue one as `file_due` with the action `import_file`.
//! The accounts its files fill belong to the connection (listed under it, deleted with it);
//! a manual account that the same file filled before is adopted, not duplicated.

use super::{Gims, StatementFile};
use crate::error::{GimsError, Result};
use crate::import::{FormatChoice, ImportInto, ImportMode, ImportOutcome, ParsedStatement, SkippedLine};
use crate::ledger::ConnectionRow;
use gims_connectors::institutions::files::formats_of;
use rusqlite::params;
use std::path::Path;
use time::format_description::well_known::Rfc3339;

impl Gims {
    /// Imports `file` for file connection `connection`: the file must be one of the
    /// institution's formats; whole or nothing, as every import.
    pub fn import_for_connection(
        &mut self,
        file: &Path,
        connection: i64,
        downloaded_on: Option<&str>,
    ) -> Result<ImportOutcome> {
        let file = StatementFile::read(file)?;
        self.import_into_connection(&file, connection, downloaded_on, ImportMode::SAVE, None)
    }

    /// `window_host`: the file was caught in the institution window after the user's own login
    /// at that host; the access log records that login with the import, in its transaction.
    pub(super) fn import_into_connection(
        &mut self,
        file: &StatementFile,
        connection: i64,
        downloaded_on: Option<&str>,
        mode: ImportMode,
        window_host: Option<&str>,
    ) -> Result<ImportOutcome> {
        let row = self.existing_connection(connection)?;
        let formats = formats_of(&row.institution_id).ok_or_else(|| {
            GimsError::invalid(
                "connection",
                format!(
                    "{} refreshes itself (`gims refresh {connection}`); import its files without --connection",
                    row.display_name
                ),
            )
        })?;
        let mut statement = super::parse_statement(&file.bytes, FormatChoice::Auto, downloaded_on)?;
        if !formats.contains(&statement.format.as_str()) {
            return Err(GimsError::invalid(
                "file",
                format!(
                    "{} is a {} file, not one of {}'s ({}); nothing was imported",
                    file.name,
                    statement.format.as_str(),
                    row.display_name,
                    formats.join(", ")
                ),
            ));
        }
        if let Some(start) = row.start_date.as_deref().and_then(crate::refresh::endpoint::parse_iso_date) {
            leave_out_before(&mut statement, start);
        }
        let now = time::OffsetDateTime::now_utc();
        let due = a_month_after(now);
        let due_text = due.format(&Rfc3339).map_err(GimsError::internal)?;
        let file_name = Path::new(&file.name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let now_text = super::now();
        // The import and the connection's last fetch are one transaction: both or neither.
        let record = |tx: &rusqlite::Transaction<'_>, outcome: &ImportOutcome| -> Result<()> {
            let message = format!(
                "imported {} row(s) from {file_name} ({} already there); next month's file is due by {}",
                outcome.imported,
                outcome.duplicates,
                due.date()
            );
            tx.execute(
                "UPDATE connections SET last_fetched_at = ?2, last_attempt_at = ?2, status = 'ok', status_action = 'none',
                        status_url = NULL, status_message = ?3, next_refresh_at = ?4 WHERE id = ?1",
                params![connection, now_text, message, due_text],
            )?;
            if let Some(host) = window_host {
                tx.execute(
                    "INSERT INTO access_log (at, connection_id, institution_id, host, outcome) VALUES (?1, ?2, ?3, ?4, 'window')",
                    params![now_text, connection, row.institution_id, host],
                )?;
            }
            Ok(())
        };
        let into = ImportInto::Connection(connection);
        crate::import::save_recording(&mut self.ledger, &statement, into, &now_text, mode, record)
    }
}

/// The connection's start date holds for its files as for a refresh: earlier rows are not
/// imported (another connection, or the user, already has them). Each is listed with its line
/// and why, like a line that could not be read.
fn leave_out_before(statement: &mut ParsedStatement, start: time::Date) {
    for account in &mut statement.accounts {
        let (kept, early): (Vec<_>, Vec<_>) =
            std::mem::take(&mut account.transactions).into_iter().partition(|transaction| transaction.date >= start);
        account.transactions = kept;
        statement.skipped.extend(early.into_iter().map(|transaction| SkippedLine {
            line: transaction.line,
            reason: format!("dated {}, before this connection's start date {start}", transaction.date),
        }));
    }
    statement.skipped.sort_by_key(|skipped| skipped.line);
}

/// The same day next month (the month's last day when it has no such day).
fn a_month_after(at: time::OffsetDateTime) -> time::OffsetDateTime {
    let (year, month) = match at.month() {
        time::Month::December => (at.year() + 1, time::Month::January),
        other => (at.year(), other.next()),
    };
    let day = at.day().min(month.length(year));
    let date = time::Date::from_calendar_date(year, month, day).expect("a day within the month exists");
    at.replace_date(date)
}

/// A file connection whose next file is overdue says so (computed when listed, nothing stored).
pub(super) fn mark_due(mut row: ConnectionRow, now: time::OffsetDateTime) -> ConnectionRow {
    let Some(file) = gims_connectors::institutions::files::file_institution(&row.institution_id) else {
        return row;
    };
    let overdue = row
        .next_refresh_at
        .as_deref()
        .and_then(|at| time::OffsetDateTime::parse(at, &Rfc3339).ok())
        .is_some_and(|due| due <= now);
    if overdue {
        let (action, instead) = match file.info.auth {
            gims_connectors::AuthKind::Window => {
                ("open_window", "refresh it in the desktop app's institution window, or download it and import it")
            }
            _ => ("import_file", "download it and import it"),
        };
        row.status = "file_due".into();
        row.action = action.into();
        row.message = format!(
            "this month's statement of {} is due: {instead} (`gims import FILE --connection {}`)",
            row.display_name, row.id
        );
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(institution: &str, due: Option<&str>) -> ConnectionRow {
        ConnectionRow {
            id: 3,
            institution_id: institution.into(),
            display_name: "楽天銀行".into(),
            memo: String::new(),
            status: "ok".into(),
            action: "none".into(),
            action_url: None,
            message: String::new(),
            last_fetched_at: None,
            last_attempt_at: None,
            next_refresh_at: due.map(str::to_string),
            start_date: None,
            hidden: false,
            capture_straight_in: false,
            download_page: None,
        }
    }

    #[test]
    fn an_overdue_file_connection_asks_for_its_file_and_others_are_left_alone() {
        let now = time::macros::datetime!(2026-12-29 00:00 UTC);
        let due = mark_due(row("rakuten-bank", Some("2026-12-28T10:00:00Z")), now);
        assert_eq!((due.status.as_str(), due.action.as_str()), ("file_due", "open_window"));
        assert!(
            due.message.contains("institution window") && due.message.contains("--connection 3"),
            "{}",
            due.message
        );
        let suica = mark_due(row("suica", Some("2026-12-28T10:00:00Z")), now);
        assert_eq!((suica.status.as_str(), suica.action.as_str()), ("file_due", "import_file"));
        assert_eq!(mark_due(row("rakuten-bank", Some("2027-01-28T10:00:00Z")), now).status, "ok");
        assert_eq!(
            mark_due(row("sandbox-bank", Some("2026-12-28T10:00:00Z")), now).status,
            "ok",
            "it refreshes itself"
        );
    }
}
