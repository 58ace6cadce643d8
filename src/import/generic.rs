//! Any CSV, read through a column mapping the user gives once (`date=1,amount=3,description=2`)
//! and GIMS remembers for the account, so next month's file needs only `--format generic`.
//!
//! The mapping names 1-based columns: `date` and `description` always, and either `amount` (signed,
//! money in positive) or `out`/`in` (money out and money in, as separate unsigned columns); `memo`,
//! `id` (the file's own row id, the dedup key) and `balance` are optional. Rows before the first
//! whose date cell is a date are a header or preamble and are passed over; after that, a row that
//! cannot be read is reported with its line number, never guessed.

use super::table::Row;
use super::text::{parse_amount, parse_date};
use super::{AccountHint, AccountKind, Format, ParsedAccount, ParsedStatement, SkippedLine};
use super::{new_transaction, table};
use crate::error::{GimsError, Result};
use rusqlite::{Connection, OptionalExtension, params};

/// Which column holds what (0-based once parsed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnMapping {
    pub date: usize,
    pub description: usize,
    pub amount: Amounts,
    pub memo: Option<usize>,
    pub id: Option<usize>,
    pub balance: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Amounts {
    /// One signed column: money in positive, money out negative.
    Signed(usize),
    /// Money out and money in as separate columns, either may be empty on a row.
    OutIn { out: Option<usize>, money_in: Option<usize> },
}

impl ColumnMapping {
    /// Reads `date=1,amount=3,description=2` (spaces allowed; keys: date, description, amount,
    /// out, in, memo, id, balance).
    pub fn parse(text: &str) -> Result<ColumnMapping> {
        let invalid = |problem: String| GimsError::invalid("map", problem);
        let (mut date, mut description, mut amount, mut out, mut money_in) = (None, None, None, None, None);
        let (mut memo, mut id, mut balance) = (None, None, None);
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) =
                part.split_once('=').ok_or_else(|| invalid(format!("`{part}` is not KEY=COLUMN (e.g. date=1)")))?;
            let column: usize =
                value.trim().parse().ok().filter(|c| (1..=1000).contains(c)).ok_or_else(|| {
                    invalid(format!("`{}` is not a column number (1 is the first column)", value.trim()))
                })?;
            let slot = match key.trim() {
                "date" => &mut date,
                "description" => &mut description,
                "amount" => &mut amount,
                "out" => &mut out,
                "in" => &mut money_in,
                "memo" => &mut memo,
                "id" => &mut id,
                "balance" => &mut balance,
                other => {
                    return Err(invalid(format!(
                        "`{other}` is not one of: date, description, amount, out, in, memo, id, balance"
                    )));
                }
            };
            if slot.replace(column - 1).is_some() {
                return Err(invalid(format!("`{}` is given twice", key.trim())));
            }
        }
        let date = date.ok_or_else(|| invalid("name the date column (date=N)".into()))?;
        let description = description.ok_or_else(|| invalid("name the description column (description=N)".into()))?;
        let amount = match (amount, out, money_in) {
            (Some(column), None, None) => Amounts::Signed(column),
            (None, None, None) => {
                return Err(invalid("name the amount column (amount=N), or the out=N and in=N columns".into()));
            }
            (None, out, money_in) => Amounts::OutIn { out, money_in },
            (Some(_), _, _) => return Err(invalid("give amount=N or out=N/in=N, not both".into())),
        };
        Ok(ColumnMapping { date, description, amount, memo, id, balance })
    }

    /// The mapping as it is stored and shown: `date=1,description=2,amount=3`.
    pub fn to_text(&self) -> String {
        let mut parts = vec![format!("date={}", self.date + 1), format!("description={}", self.description + 1)];
        match self.amount {
            Amounts::Signed(column) => parts.push(format!("amount={}", column + 1)),
            Amounts::OutIn { out, money_in } => {
                parts.extend(out.map(|c| format!("out={}", c + 1)));
                parts.extend(money_in.map(|c| format!("in={}", c + 1)));
            }
        }
        for (key, column) in [("memo", self.memo), ("id", self.id), ("balance", self.balance)] {
            parts.extend(column.map(|c| format!("{key}={}", c + 1)));
        }
        parts.join(",")
    }
}

/// Reads the rows of a CSV file through `mapping`. Pure and total, like every parser.
pub fn parse(bytes: &[u8], mapping: &ColumnMapping) -> ParsedStatement {
    let (text, encoding) = super::text::decode_csv(bytes);
    let rows = table::read_rows(&text);
    let mut hint = AccountHint::new("generic", AccountKind::Unknown);
    // The account the user names decides the currency.
    hint.currency = "XXX".to_owned();
    let mut account = ParsedAccount::new(hint);
    let mut skipped = Vec::new();
    let mut started = false;
    for row in &rows {
        if row.is_blank() {
            continue;
        }
        let date_text = row.cell(mapping.date);
        let Some(date) = parse_date(date_text) else {
            if started {
                skipped.push(SkippedLine { line: row.line, reason: format!("date `{date_text}` is not a date") });
            }
            continue;
        };
        started = true;
        match read_row(row, mapping, date) {
            Ok(transaction) => account.transactions.push(transaction),
            Err(reason) => skipped.push(SkippedLine { line: row.line, reason }),
        }
    }
    if let Some(last) = account.transactions.iter().max_by_key(|t| (t.date, t.line)) {
        account.ledger_balance = last.balance_after.map(|balance| (last.date, balance));
    }
    ParsedStatement { format: Format::Generic, encoding, accounts: vec![account], skipped }
}

fn read_row(row: &Row, mapping: &ColumnMapping, date: time::Date) -> Result<super::ParsedTransaction, String> {
    let amount = |column: usize, name: &str| {
        parse_amount(row.cell(column)).map_err(|problem| format!("{name} (column {}) {problem}", column + 1))
    };
    let amount = match mapping.amount {
        Amounts::Signed(column) => amount(column, "amount")?,
        Amounts::OutIn { out, money_in } => {
            let out = out.map(|c| amount(c, "out")).transpose()?.flatten();
            let money_in = money_in.map(|c| amount(c, "in")).transpose()?.flatten();
            match (out, money_in) {
                (None, None) => None,
                (out, money_in) => Some(money_in.unwrap_or_default() - out.unwrap_or_default()),
            }
        }
    }
    .ok_or_else(|| "the amount is empty".to_owned())?;
    let mut transaction = new_transaction(row.line, date, amount, "XXX");
    transaction.description = row.cell(mapping.description).to_owned();
    transaction.memo = mapping.memo.map(|c| row.cell(c).to_owned()).unwrap_or_default();
    transaction.external_id = mapping.id.map(|c| row.cell(c).to_owned()).filter(|id| !id.is_empty());
    transaction.balance_after = match mapping.balance {
        Some(column) => amount_or_none(row.cell(column)),
        None => None,
    };
    Ok(transaction)
}

fn amount_or_none(text: &str) -> Option<rust_decimal::Decimal> {
    parse_amount(text).ok().flatten()
}

/// The mapping remembered for an account, if any.
pub fn stored_mapping(conn: &Connection, account_id: i64) -> Result<Option<ColumnMapping>> {
    let text: Option<String> = conn
        .query_row("SELECT mapping FROM import_mappings WHERE account_id = ?1", [account_id], |row| row.get(0))
        .optional()?;
    text.map(|text| ColumnMapping::parse(&text)).transpose()
}

/// Remembers `mapping` for the account (replacing what was there).
pub fn store_mapping(conn: &Connection, account_id: i64, mapping: &ColumnMapping, now: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO import_mappings (account_id, mapping, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        params![account_id, mapping.to_text(), now],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mappings_read_and_print_back() {
        let mapping = ColumnMapping::parse(" date=1, amount=3 ,description=2,memo=5,id=6").unwrap();
        assert_eq!(mapping.date, 0);
        assert_eq!(mapping.amount, Amounts::Signed(2));
        assert_eq!(mapping.to_text(), "date=1,description=2,amount=3,memo=5,id=6");
        let out_in = ColumnMapping::parse("date=1,description=2,out=3,in=4").unwrap();
        assert_eq!(out_in.amount, Amounts::OutIn { out: Some(2), money_in: Some(3) });
        assert_eq!(ColumnMapping::parse(&out_in.to_text()).unwrap(), out_in);
        for bad in [
            "",
            "date=1,description=2",
            "date=1,amount=2",
            "date=0,amount=2,description=3",
            "date=x,amount=2,description=3",
            "date=1,amount=2,description=3,colour=4",
            "date=1,date=2,amount=3,description=4",
            "date=1,amount=2,out=3,description=4",
            "date=1;amount=2",
        ] {
            let error = ColumnMapping::parse(bad).unwrap_err();
            assert!(error.message.starts_with("map:"), "{bad}: {}", error.message);
        }
    }

    #[test]
    fn rows_are_read_through_the_mapping_and_bad_ones_reported() {
        let file = "利用明細\r\n日付,摘要,金額,残高\r\n2026/11/03,スーパー,\"-1,200\",8800\r\n2026/11/04,返金,300,9100\r\n2026/13/01,壊れた日付,1,1\r\n2026/11/05,金額なし,,9100\r\n2026/11/06,変な金額,abc,0\r\n";
        let mapping = ColumnMapping::parse("date=1,description=2,amount=3,balance=4").unwrap();
        let statement = parse(file.as_bytes(), &mapping);
        let rows = &statement.accounts[0].transactions;
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].description.as_str(), rows[0].amount.to_string()), ("スーパー", "-1200".into()));
        assert_eq!(rows[1].line, 4);
        let lines: Vec<usize> = statement.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [5, 6, 7], "{:?}", statement.skipped);
        assert_eq!(statement.accounts[0].ledger_balance.map(|b| b.1.to_string()), Some("9100".into()));
    }

    #[test]
    fn out_and_in_columns_make_one_signed_amount() {
        let file = "2026/11/03,ATM,10000,,\n2026/11/25,給与,,250000\n";
        let mapping = ColumnMapping::parse("date=1,description=2,out=3,in=4").unwrap();
        let statement = parse(file.as_bytes(), &mapping);
        let amounts: Vec<String> = statement.accounts[0].transactions.iter().map(|t| t.amount.to_string()).collect();
        assert_eq!(amounts, ["-10000", "250000"]);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mapping = ColumnMapping::parse("date=1,description=2,out=3,in=4,memo=9,id=10,balance=11").unwrap();
        for bytes in [&b""[..], b"\xff\xfe\x00", b"\"unterminated", b",,,,\r\n\r\n2026/1/1", b"\x81\x7c,\xef\xbb\xbf"] {
            let _ = parse(bytes, &mapping);
        }
    }
}
