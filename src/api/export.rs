//! `gims export` and `gims report export`: the ledger and a month's report in open formats,
//! written to a file (whole or not at all) or to any writer (standard output).

use super::{Gims, parse_date};
use crate::error::{GimsError, Result};
use crate::export::{ExportFormat, ExportOutcome, ReportExportFormat};
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An export as typed: format id and optional dates.
#[derive(Debug, Default)]
pub struct ExportInput {
    pub format: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// What `gims report export` wrote.
#[derive(Debug, Serialize)]
pub struct ReportExportView {
    pub month: String,
    pub format: &'static str,
    pub out: Option<PathBuf>,
}

impl Gims {
    /// Writes the transactions in `input.format` to `out` (a file when `Some`, else `sink`).
    pub fn export(&self, input: &ExportInput, out: Option<&Path>, sink: &mut dyn Write) -> Result<ExportOutcome> {
        let format = ExportFormat::from_id(input.format.trim()).ok_or_else(|| {
            GimsError::invalid("format", format!("`{}` is not one of: mf-csv, journal", input.format.trim()))
        })?;
        let from = input.from.as_deref().map(|d| parse_date("from", d)).transpose()?;
        let to = input.to.as_deref().map(|d| parse_date("to", d)).transpose()?;
        if let (Some(from), Some(to)) = (&from, &to)
            && from > to
        {
            return Err(GimsError::invalid("to", format!("{to} is before --from {from}")));
        }
        let run = |writer: &mut dyn Write| {
            crate::export::export(&self.ledger, format, from.as_deref(), to.as_deref(), writer)
        };
        match out {
            Some(path) => {
                let mut outcome = crate::export::write_file_atomically(path, run)?;
                outcome.out = Some(path.to_path_buf());
                Ok(outcome)
            }
            None => run(sink),
        }
    }

    /// A month's report (income, spending by category, assets at the month's end) over `group`
    /// (default: everything not hidden) as a self-contained HTML page or CSV.
    pub fn report_export(
        &self,
        month: &str,
        format: &str,
        group: Option<&str>,
        out: Option<&Path>,
        sink: &mut dyn Write,
    ) -> Result<ReportExportView> {
        let format = ReportExportFormat::from_id(format.trim())
            .ok_or_else(|| GimsError::invalid("format", format!("`{}` is not one of: html, csv", format.trim())))?;
        let monthly = self.report_monthly(month, group)?;
        let last_day = last_day_of(&monthly.month)?;
        let assets = self.report_assets(Some(&last_day), group)?;
        let run = |writer: &mut dyn Write| match format {
            ReportExportFormat::Html => crate::export::write_report_html(&monthly, &assets, writer),
            ReportExportFormat::Csv => crate::export::write_report_csv(&monthly, &assets, writer),
        };
        match out {
            Some(path) => crate::export::write_file_atomically(path, run)?,
            None => run(sink)?,
        }
        Ok(ReportExportView { month: monthly.month.clone(), format: format.as_str(), out: out.map(Path::to_path_buf) })
    }
}

/// `YYYY-MM` (already checked by the monthly report) → its last day, `YYYY-MM-DD`.
fn last_day_of(month: &str) -> Result<String> {
    let invalid = || GimsError::invalid("month", format!("`{month}` is not a month (write YYYY-MM)"));
    let (year, number) = month.trim().split_once('-').ok_or_else(invalid)?;
    let year: i32 = year.parse().map_err(|_| invalid())?;
    let number: u8 = number.parse().map_err(|_| invalid())?;
    let month = time::Month::try_from(number).map_err(|_| invalid())?;
    let last = time::Date::from_calendar_date(year, month, month.length(year)).map_err(|_| invalid())?;
    Ok(last.to_string())
}
