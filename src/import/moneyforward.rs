//! The modelled service's 入出金 export (`収入・支出詳細_….csv`), so users bring their history:
//! one account per 保有金融機関, categories kept, 計算対象 and 振替 kept, ID as the external id.
//!
//! Rows with an empty 保有金融機関 (hand-entered cash) go to an account with no name; the
//! importer treats them as transactions without an account.

use super::table::{Header, Row, find_header};
use super::text::{parse_amount, parse_date};
use super::{AccountHint, AccountKind, Format, ParsedAccount, ParsedStatement, ParsedTransaction, SkippedLine};
use super::{TextEncoding, new_transaction};
use crate::error::{ErrorCode, GimsError};

const HEADER: &[&str] =
    &["計算対象", "日付", "内容", "金額(円)", "保有金融機関", "大項目", "中項目", "メモ", "振替", "ID"];

pub fn detect(rows: &[Row]) -> Vec<Format> {
    find_header(rows, HEADER).map(|_| Format::MoneyForwardExport).into_iter().collect()
}

pub fn parse(rows: &[Row]) -> Result<ParsedStatement, GimsError> {
    let Some(header) = find_header(rows, HEADER) else {
        return Err(GimsError::new(
            ErrorCode::ImportUnrecognisedFormat,
            "The file does not have the header row of the mf-export (計算対象, 日付, 内容, 金額（円）…).",
        ));
    };
    let columns = Columns::of(&header);
    let mut accounts: Vec<ParsedAccount> = Vec::new();
    let mut skipped = Vec::new();
    for row in rows.iter().skip(header.index + 1) {
        if row.is_blank() {
            continue;
        }
        match read_row(&columns, row) {
            Ok((institution, transaction)) => {
                let index = match accounts.iter().position(|account| account.hint.institution == institution) {
                    Some(index) => index,
                    None => {
                        let mut hint = AccountHint::new(&institution, AccountKind::Unknown);
                        hint.name = (!institution.is_empty()).then(|| institution.clone());
                        accounts.push(ParsedAccount::new(hint));
                        accounts.len() - 1
                    }
                };
                if let Some(account) = accounts.get_mut(index) {
                    account.transactions.push(transaction);
                }
            }
            Err(reason) => skipped.push(SkippedLine { line: row.line, reason }),
        }
    }
    Ok(ParsedStatement { format: Format::MoneyForwardExport, encoding: TextEncoding::Utf8, accounts, skipped })
}

/// The column of each header name, looked up once per file.
struct Columns {
    by_name: Vec<(&'static str, Option<usize>)>,
}

impl Columns {
    fn of(header: &Header) -> Columns {
        Columns { by_name: HEADER.iter().map(|name| (*name, header.column(name))).collect() }
    }

    fn get(&self, name: &str) -> Option<usize> {
        self.by_name.iter().find(|(known, _)| *known == name).and_then(|(_, index)| *index)
    }
}

fn read_row(columns: &Columns, row: &Row) -> Result<(String, ParsedTransaction), String> {
    let cell = |name: &str| columns.get(name).map(|index| without_formula_guard(row.cell(index))).unwrap_or_default();
    let flag = |name: &str| -> Result<bool, String> {
        match cell(name) {
            "1" => Ok(true),
            "0" | "" => Ok(false),
            other => Err(format!("{name} `{other}` is neither 1 nor 0")),
        }
    };
    let date_text = cell("日付");
    let date = parse_date(date_text).ok_or_else(|| format!("日付 `{date_text}` is not a date"))?;
    let amount_text = cell("金額(円)");
    let amount = parse_amount(amount_text)
        .map_err(|problem| format!("金額（円） {problem}"))?
        .ok_or_else(|| "金額（円） is empty".to_owned())?;
    let included = match cell("計算対象") {
        "" => true,
        _ => flag("計算対象")?,
    };
    let mut transaction = new_transaction(row.line, date, amount, "JPY");
    transaction.included = included;
    transaction.transfer = flag("振替")?;
    transaction.description = cell("内容").to_owned();
    transaction.memo = cell("メモ").to_owned();
    transaction.external_id = Some(cell("ID").to_owned()).filter(|id| !id.is_empty());
    let major = cell("大項目");
    let middle = cell("中項目");
    transaction.category = (!major.is_empty() && major != "未分類")
        .then(|| (major.to_owned(), Some(middle.to_owned()).filter(|m| !m.is_empty() && m != "未分類")));
    Ok((cell("保有金融機関").to_owned(), transaction))
}

/// GIMS's own export puts `'` before a cell a spreadsheet would run as a formula (`'=…`, `'-…`);
/// reading it back takes the guard off, so the round trip gives the text that was exported.
fn without_formula_guard(cell: &str) -> &str {
    // `''=x` was `'=x` before the export guarded it: one quote comes off, the rest is text.
    match cell.strip_prefix('\'') {
        Some(rest) if rest.trim_start_matches('\'').starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}
