//! CSV text as rows that remember their physical line, and the header-row search that every CSV
//! format's detection is built on.

use super::text::{LineIndex, fold_width};

/// One CSV record: its cells (as written, quotes removed) and the line it starts on.
#[derive(Clone, Debug)]
pub struct Row {
    /// 1-based physical line (a quoted cell may span lines; this is where the record starts).
    pub line: usize,
    pub cells: Vec<String>,
}

impl Row {
    /// A cell trimmed, or `""` when the row is shorter.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map(|cell| cell.trim()).unwrap_or_default()
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|cell| cell.trim().is_empty())
    }
}

/// Rows read leniently: any number of cells per row, `\r\n`, `\n` or `\r` line ends. Reading
/// stops at the first record the CSV reader cannot make sense of (it never panics).
pub fn read_rows(text: &str) -> Vec<Row> {
    read_rows_up_to(text, usize::MAX)
}

/// The first `limit` rows only: enough to recognise a format by its header.
pub fn read_rows_up_to(text: &str, limit: usize) -> Vec<Row> {
    let lines = LineIndex::new(text);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records().take(limit) {
        let Ok(record) = record else { break };
        // The reader's own line count is off by one at the record start; the byte offset is exact.
        let offset = usize::try_from(record.position().map_or(0, |position| position.byte())).unwrap_or(usize::MAX);
        // Past any line ends the reader counts as part of this record's start.
        let skipped_ends =
            text.get(offset..).map_or(0, |rest| rest.len() - rest.trim_start_matches(['\r', '\n']).len());
        let line = lines.line(offset.saturating_add(skipped_ends));
        rows.push(Row { line, cells: record.iter().map(str::to_owned).collect() });
    }
    rows
}

/// A header row found in a file: where it is, and its cells folded for comparison.
#[derive(Clone, Debug)]
pub struct Header {
    /// Index into the rows.
    pub index: usize,
    pub names: Vec<String>,
}

impl Header {
    /// The column of the first cell named `name` (compared after [`normalise_name`]).
    pub fn column(&self, name: &str) -> Option<usize> {
        let wanted = normalise_name(name);
        self.names.iter().position(|candidate| *candidate == wanted)
    }

    /// The first of several alternative names that exists.
    pub fn column_any(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| self.column(name))
    }

    /// Every column whose name is one of `names`, in column order (some exports repeat names).
    pub fn columns_named(&self, names: &[&str]) -> Vec<usize> {
        let wanted: Vec<String> = names.iter().map(|name| normalise_name(name)).collect();
        (0..self.names.len()).filter(|index| self.names.get(*index).is_some_and(|name| wanted.contains(name))).collect()
    }
}

/// Header cells compare after folding full-width forms (`（円）` = `(円)`, `ＩＤ` = `ID`,
/// `［株］` = `[株]`) and trimming, so both spellings banks have used match.
pub fn normalise_name(name: &str) -> String {
    fold_width(name).trim().to_owned()
}

/// How many leading rows a header may hide behind (account information, titles, blank lines).
const PREAMBLE_LIMIT: usize = 40;

/// The first row, among the first [`PREAMBLE_LIMIT`], whose first cell is `required[0]` and that
/// contains every name in `required`.
pub fn find_header(rows: &[Row], required: &[&str]) -> Option<Header> {
    let wanted: Vec<String> = required.iter().map(|name| normalise_name(name)).collect();
    let first = wanted.first()?;
    rows.iter().take(PREAMBLE_LIMIT).enumerate().find_map(|(index, row)| {
        let names: Vec<String> = row.cells.iter().map(|cell| normalise_name(cell)).collect();
        let matches = names.first() == Some(first) && wanted.iter().all(|name| names.contains(name));
        matches.then_some(Header { index, names })
    })
}

/// Cells of `row` at `columns`, trimmed, non-empty and not a lone `-`, joined by a space.
pub fn join_cells(row: &Row, columns: &[usize]) -> String {
    columns
        .iter()
        .map(|column| row.cell(*column))
        .filter(|cell| !cell.is_empty() && *cell != "-")
        .collect::<Vec<_>>()
        .join(" ")
}
