//! Brokers' trade histories (SBI証券 約定履歴, 楽天証券 `tradehistory(JP).csv`): each row is a
//! cash movement (the transaction) and a change in a position (its [`ParsedTrade`]).
//!
//! Cash sign: a cash buy pays the settlement amount (negative), a sale receives it (positive).
//! Opening a margin position moves no cash (amount 0); closing one settles its profit or loss,
//! which both brokers write signed in the settlement column. Transfers of securities in or out
//! (入庫/出庫) move no cash either.

use super::table::{Header, Row, find_header};
use super::text::{parse_amount, parse_date};
use super::{AccountHint, AccountKind, Format, ParsedAccount, ParsedStatement, ParsedTrade, SkippedLine};
use super::{TextEncoding, new_transaction};
use crate::error::{ErrorCode, GimsError};
use rust_decimal::Decimal;

/// Both SBI layouts start with these; they differ in the quantity and money column names.
const SBI_REQUIRED: &[&str] = &["約定日", "銘柄", "銘柄コード", "市場", "取引", "預り", "受渡日"];
const RAKUTEN_REQUIRED: &[&str] =
    &["約定日", "受渡日", "銘柄コード", "銘柄名", "口座区分", "取引区分", "売買区分", "数量[株]", "受渡金額[円]"];

/// The columns one broker's layout uses, each with the names it has gone by.
struct Columns {
    trade_date: &'static [&'static str],
    settlement_date: &'static [&'static str],
    name: &'static [&'static str],
    code: &'static [&'static str],
    /// What kind of trade (SBI `取引`; 楽天 `取引区分` + `売買区分`).
    kind: &'static [&'static str],
    quantity: &'static [&'static str],
    unit_price: &'static [&'static str],
    fees: &'static [&'static str],
    amount: &'static [&'static str],
    /// Which tax wrapper (特定/一般/NISA).
    custody: &'static [&'static str],
}

const SBI: Columns = Columns {
    trade_date: &["約定日"],
    settlement_date: &["受渡日"],
    name: &["銘柄"],
    code: &["銘柄コード"],
    kind: &["取引"],
    quantity: &["約定数量", "数量[株]"],
    unit_price: &["約定単価", "単価[円]"],
    fees: &["手数料/諸経費等", "手数料[円]"],
    amount: &["受渡金額/決済損益", "受渡金額/(決済対価)[円]"],
    custody: &["預り"],
};

const RAKUTEN: Columns = Columns {
    trade_date: &["約定日"],
    settlement_date: &["受渡日"],
    name: &["銘柄名"],
    code: &["銘柄コード"],
    kind: &["取引区分", "売買区分"],
    quantity: &["数量[株]"],
    unit_price: &["単価[円]"],
    fees: &["手数料[円]"],
    amount: &["受渡金額[円]"],
    custody: &["口座区分"],
};

fn locate(format: Format, rows: &[Row]) -> Option<Header> {
    match format {
        Format::SbiSecuritiesTrades => find_header(rows, SBI_REQUIRED)
            .filter(|header| header.column_any(SBI.quantity).is_some() && header.column_any(SBI.amount).is_some()),
        Format::RakutenSecuritiesTrades => find_header(rows, RAKUTEN_REQUIRED),
        _ => None,
    }
}

pub fn detect(rows: &[Row]) -> Vec<Format> {
    [Format::SbiSecuritiesTrades, Format::RakutenSecuritiesTrades]
        .into_iter()
        .filter(|format| locate(*format, rows).is_some())
        .collect()
}

pub fn parse(format: Format, rows: &[Row]) -> Result<ParsedStatement, GimsError> {
    let (columns, institution) = match format {
        Format::SbiSecuritiesTrades => (&SBI, "SBI証券"),
        _ => (&RAKUTEN, "楽天証券"),
    };
    let Some(header) = locate(format, rows) else {
        return Err(GimsError::new(
            ErrorCode::ImportUnrecognisedFormat,
            format!("The file does not have the header row of a {} export.", format.as_str()),
        ));
    };
    let mut account = ParsedAccount::new(AccountHint::new(institution, AccountKind::Securities));
    let mut skipped = Vec::new();
    for row in rows.iter().skip(header.index + 1) {
        if row.is_blank() {
            continue;
        }
        match read_trade(columns, &header, row) {
            Ok(Some(transaction)) => account.transactions.push(transaction),
            Ok(None) => {}
            Err(reason) => skipped.push(SkippedLine { line: row.line, reason }),
        }
    }
    Ok(ParsedStatement { format, encoding: TextEncoding::Utf8, accounts: vec![account], skipped })
}

fn read_trade(columns: &Columns, header: &Header, row: &Row) -> Result<Option<super::ParsedTransaction>, String> {
    let cell = |names: &[&str]| header.column_any(names).map(|index| row.cell(index)).unwrap_or_default();
    let date_text = cell(columns.trade_date);
    if date_text.is_empty() {
        // Notes and totals under the table.
        return Ok(None);
    }
    let trade_date = parse_date(date_text).ok_or_else(|| format!("約定日 `{date_text}` is not a date"))?;
    let settlement_date = parse_date(cell(columns.settlement_date));
    let number = |names: &'static [&'static str]| -> Result<Option<Decimal>, String> {
        let label = names.first().copied().unwrap_or_default();
        parse_amount(cell(names)).map_err(|problem| format!("{label} {problem}"))
    };
    let quantity = number(columns.quantity)?.ok_or("数量 is empty")?;
    let unit_price = number(columns.unit_price)?;
    let fees = number(columns.fees)?;
    let settlement = number(columns.amount)?;

    let kind: Vec<&str> = columns.kind.iter().map(|name| cell(&[name])).filter(|text| !text.is_empty()).collect();
    let kind_text = kind.join(" ");
    let margin_open = kind_text.contains("信用新規") || kind_text.contains("新規");
    let margin_close = kind_text.contains("返済") || kind_text.contains("決済");
    let custody_transfer = kind_text.contains("入庫") || kind_text.contains("出庫");
    let buys = kind_text.contains('買') || kind_text.contains("入庫");
    let sells = kind_text.contains('売') || kind_text.contains("出庫");
    if buys == sells {
        return Err(format!("取引 `{kind_text}` is neither a buy nor a sale"));
    }
    let amount = if margin_open || custody_transfer {
        Decimal::ZERO
    } else if margin_close {
        settlement.ok_or("受渡金額 is empty")?
    } else {
        let settlement = settlement.ok_or("受渡金額 is empty")?.abs();
        if buys { -settlement } else { settlement }
    };

    let name = cell(columns.name);
    let mut transaction = new_transaction(row.line, trade_date, amount, "JPY");
    transaction.description = format!("{kind_text} {name}").trim().to_owned();
    transaction.memo = cell(columns.custody).to_owned();
    transaction.trade = Some(ParsedTrade {
        security_id: cell(columns.code).to_owned(),
        security_name: name.to_owned(),
        quantity: if buys { quantity.abs() } else { -quantity.abs() },
        unit_price,
        fees,
        settlement_date,
    });
    Ok(Some(transaction))
}
