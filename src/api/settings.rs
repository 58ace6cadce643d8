//! The user's settings, kept in the ledger (so they travel with backups): the UI's language,
//! the automatic refresh interval, and where the automatic monthly report is written.

use super::Gims;
use crate::error::{GimsError, Result};
use rusqlite::OptionalExtension;
use serde::Serialize;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Settings {
    /// `ja` (default) or `en`.
    pub language: String,
    /// Minutes between unattended refreshes of each connection.
    pub auto_refresh_minutes: u32,
    /// Where each month's report is written when the month closes; none: not written.
    pub report_folder: Option<String>,
    /// The last month whose automatic report was written (`YYYY-MM`).
    pub last_auto_report: Option<String>,
}

pub const KEYS: &[&str] = &["language", "auto_refresh_minutes", "report_folder"];

impl Gims {
    pub fn settings(&self) -> Result<Settings> {
        let get = |key: &str| -> Result<Option<String>> {
            Ok(self
                .ledger
                .conn
                .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0))
                .optional()?)
        };
        Ok(Settings {
            language: get("language")?.unwrap_or_else(|| "ja".into()),
            auto_refresh_minutes: get("auto_refresh_minutes")?.and_then(|v| v.parse().ok()).unwrap_or(360),
            report_folder: get("report_folder")?.filter(|v| !v.is_empty()),
            last_auto_report: get("last_auto_report")?,
        })
    }

    /// Sets one setting (an empty `report_folder` turns the automatic report off).
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<Settings> {
        let value = value.trim();
        let checked = match key {
            "language" => match value {
                "ja" | "en" => value.to_string(),
                other => return Err(GimsError::invalid("language", format!("`{other}` is not ja or en"))),
            },
            "auto_refresh_minutes" => match value.parse::<u32>() {
                Ok(minutes) if (15..=10_080).contains(&minutes) => minutes.to_string(),
                _ => {
                    return Err(GimsError::invalid(
                        "auto_refresh_minutes",
                        format!("`{value}` is not a number of minutes from 15 to 10080 (a week)"),
                    ));
                }
            },
            "report_folder" => {
                if !value.is_empty() && !std::path::Path::new(value).is_absolute() {
                    return Err(GimsError::invalid("report_folder", "give the folder's full path"));
                }
                value.to_string()
            }
            other => {
                return Err(GimsError::invalid("key", format!("`{other}` is not a setting ({})", KEYS.join(", "))));
            }
        };
        self.write_setting(key, &checked)?;
        self.settings()
    }

    pub(crate) fn write_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.ledger.conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}
