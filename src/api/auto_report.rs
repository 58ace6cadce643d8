//! The automatic monthly report: when a month closes, its report (HTML with charts, and CSV) is
//! written to the folder the user picked (`report_folder`). The daemon and the desktop app call
//! this as they run; `gims report auto` does it on request. Each month is written once.

use super::Gims;
use crate::error::{GimsError, Result};
use serde::Serialize;
use std::path::PathBuf;
use time::{Date, Month, OffsetDateTime};

#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WrittenReport {
    pub month: String,
    pub html: PathBuf,
    pub csv: PathBuf,
}

/// A month whose report is in the report folder, with the files found (the app shows the
/// month's report itself; the files are for reading elsewhere).
#[derive(Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportFile {
    pub month: String,
    pub html: Option<PathBuf>,
    pub csv: Option<PathBuf>,
}

/// At most this many closed months are caught up at once (after a long time away).
const CATCH_UP: usize = 12;

impl Gims {
    /// Writes the report of each closed month not written yet (the last closed month the first
    /// time) into the report folder. Nothing when no folder is set.
    pub fn write_due_reports(&mut self, now: OffsetDateTime) -> Result<Vec<WrittenReport>> {
        let settings = self.settings()?;
        let Some(folder) = settings.report_folder else { return Ok(Vec::new()) };
        let folder = PathBuf::from(folder);
        let today = crate::refresh::endpoint::today_at_institution(now);
        let last_closed =
            previous_month(Date::from_calendar_date(today.year(), today.month(), 1).map_err(GimsError::internal)?);
        let mut months = Vec::new();
        let mut month = last_closed;
        while months.len() < CATCH_UP {
            let text = month_text(month);
            if settings.last_auto_report.as_deref().is_some_and(|done| done >= text.as_str()) {
                break;
            }
            months.push(month);
            if settings.last_auto_report.is_none() {
                break;
            }
            month = previous_month(month);
        }
        months.reverse();
        std::fs::create_dir_all(&folder).map_err(|e| crate::vault::io_error("create", &folder, e))?;
        let mut written = Vec::new();
        for month in months {
            let report = self.write_month(&folder, month_text(month))?;
            self.write_setting("last_auto_report", &report.month)?;
            written.push(report);
        }
        Ok(written)
    }

    /// `month`'s report as `GIMS-YYYY-MM.html` and `.csv` in `folder`, replacing earlier ones.
    fn write_month(&self, folder: &std::path::Path, month: String) -> Result<WrittenReport> {
        let html = folder.join(format!("GIMS-{month}.html"));
        let csv = folder.join(format!("GIMS-{month}.csv"));
        for (path, format) in [(&html, "html"), (&csv, "csv")] {
            let _ = std::fs::remove_file(path);
            self.report_export(&month, format, None, Some(path), &mut std::io::sink())?;
        }
        Ok(WrittenReport { month, html, csv })
    }

    /// The months whose report is in the report folder (`GIMS-YYYY-MM.html` / `.csv`), newest
    /// first. Nothing when no folder is set or it does not exist yet.
    pub fn written_reports(&self) -> Result<Vec<ReportFile>> {
        let Some(folder) = self.settings()?.report_folder else { return Ok(Vec::new()) };
        let folder = PathBuf::from(folder);
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(crate::vault::io_error("read", &folder, e)),
        };
        let mut months: std::collections::BTreeMap<String, ReportFile> = std::collections::BTreeMap::new();
        for entry in entries {
            let path = entry.map_err(|e| crate::vault::io_error("read", &folder, e))?.path();
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            let Some((month, extension)) = name.strip_prefix("GIMS-").and_then(|rest| rest.split_once('.')) else {
                continue;
            };
            if crate::report::month_bounds(month).is_err() || month.len() != 7 {
                continue;
            }
            let file = months.entry(month.to_string()).or_insert_with(|| ReportFile {
                month: month.to_string(),
                html: None,
                csv: None,
            });
            match extension {
                "html" => file.html = Some(path),
                "csv" => file.csv = Some(path),
                _ => {}
            }
        }
        Ok(months.into_values().rev().filter(|f| f.html.is_some() || f.csv.is_some()).collect())
    }

    /// Writes `month`'s report (HTML and CSV) into the report folder now, replacing the files of
    /// an earlier export of that month.
    pub fn export_report_now(&mut self, month: &str) -> Result<WrittenReport> {
        let Some(folder) = self.settings()?.report_folder else {
            return Err(GimsError::invalid("report_folder", "choose a report folder in the settings first"));
        };
        let month = month.trim().to_string();
        // The file name is the month as written: one spelling (`2026-01`, not `2026-1`).
        if month.len() != 7 {
            return Err(GimsError::invalid("month", format!("`{month}` is not a month (write YYYY-MM)")));
        }
        crate::report::month_bounds(&month)?;
        let folder = PathBuf::from(folder);
        std::fs::create_dir_all(&folder).map_err(|e| crate::vault::io_error("create", &folder, e))?;
        self.write_month(&folder, month)
    }
}

fn previous_month(first: Date) -> Date {
    let (year, month) = match first.month() {
        Month::January => (first.year() - 1, Month::December),
        other => (first.year(), other.previous()),
    };
    Date::from_calendar_date(year, month, 1).expect("the first of a month exists")
}

fn month_text(first: Date) -> String {
    format!("{:04}-{:02}", first.year(), u8::from(first.month()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{AddTransactionInput, init};
    use crate::vault::Unlock;
    use crate::vault::keychain::memory::MemoryKeyStore;
    use time::macros::datetime;

    #[test]
    fn each_closed_month_is_written_once_into_the_chosen_folder_catching_up_after_a_gap() {
        let keys: &'static MemoryKeyStore = Box::leak(Box::default());
        let dir = tempfile::tempdir().unwrap();
        init(&dir.path().join("vault"), Unlock::Keychain(keys)).unwrap();
        let mut gims = Gims::open(&dir.path().join("vault"), keys, None).unwrap();
        let spend = |date: &str, amount: &str| AddTransactionInput {
            date: date.into(),
            amount: amount.into(),
            description: "スーパー".into(),
            category: Some("食費/食料品".into()),
            ..Default::default()
        };
        gims.add_transaction(&spend("2026-10-05", "-3210")).unwrap();
        gims.add_transaction(&spend("2026-11-02", "-1000")).unwrap();

        assert!(gims.write_due_reports(datetime!(2026-11-28 09:00 UTC)).unwrap().is_empty(), "no folder, no report");
        let folder = dir.path().join("家計簿");
        gims.set_setting("report_folder", folder.to_str().unwrap()).unwrap();
        let written = gims.write_due_reports(datetime!(2026-11-28 09:00 UTC)).unwrap();
        assert_eq!(written.iter().map(|w| w.month.as_str()).collect::<Vec<_>>(), ["2026-10"], "the last closed month");
        let html = std::fs::read_to_string(&written[0].html).unwrap();
        assert!(html.contains("3,210") && html.contains("<svg"), "the month's figures and its chart");
        assert!(std::fs::read_to_string(&written[0].csv).unwrap().contains("3210"));
        assert!(gims.write_due_reports(datetime!(2026-11-30 14:00 UTC)).unwrap().is_empty(), "once");

        // 2026-11-30T15:00Z is December 1st in Japan: November has closed. After a gap of
        // months, each closed month is written, oldest first.
        let written = gims.write_due_reports(datetime!(2027-02-10 00:00 UTC)).unwrap();
        let months: Vec<&str> = written.iter().map(|w| w.month.as_str()).collect();
        assert_eq!(months, ["2026-11", "2026-12", "2027-01"]);
        assert_eq!(gims.settings().unwrap().last_auto_report.as_deref(), Some("2027-01"));
    }

    #[test]
    fn the_written_months_are_listed_newest_first_and_a_month_can_be_written_now() {
        let keys: &'static MemoryKeyStore = Box::leak(Box::default());
        let dir = tempfile::tempdir().unwrap();
        init(&dir.path().join("vault"), Unlock::Keychain(keys)).unwrap();
        let mut gims = Gims::open(&dir.path().join("vault"), keys, None).unwrap();
        assert!(gims.written_reports().unwrap().is_empty(), "no folder");
        assert_eq!(gims.export_report_now("2026-11").unwrap_err().code, crate::error::ErrorCode::InputInvalid);
        let folder = dir.path().join("reports");
        gims.set_setting("report_folder", folder.to_str().unwrap()).unwrap();
        assert!(gims.written_reports().unwrap().is_empty(), "the folder does not exist yet");
        gims.add_transaction(&AddTransactionInput {
            date: "2026-11-03".into(),
            amount: "-4321".into(),
            description: "書店".into(),
            ..Default::default()
        })
        .unwrap();
        gims.write_due_reports(datetime!(2026-11-28 09:00 UTC)).unwrap();
        let now = gims.export_report_now("2026-11").unwrap();
        assert!(std::fs::read_to_string(&now.html).unwrap().contains("4,321"));
        std::fs::write(folder.join("notes.txt"), "not a report").unwrap();
        std::fs::write(folder.join("GIMS-2026-13.html"), "not a month").unwrap();
        let listed = gims.written_reports().unwrap();
        let months: Vec<&str> = listed.iter().map(|f| f.month.as_str()).collect();
        assert_eq!(months, ["2026-11", "2026-10"]);
        assert_eq!(listed[0].html.as_deref(), Some(now.html.as_path()));
        assert_eq!(listed[0].csv.as_deref(), Some(now.csv.as_path()));
        assert!(gims.export_report_now("2026-1").is_err(), "not a month");
    }
}
