//! Japanese bank, card and e-money CSV exports, each described by a [`Layout`] — which header
//! row identifies it and which columns hold the date, the money and the words — and read by one
//! engine. A new bank is usually one more table entry; the brokers and the modelled service's
//! export, which need more than columns, have their own modules.
//!
//! Sources for every layout are in `shared/reference/connector-protocols.md` §8. Where that table
//! is unsure, the choice made here is noted on the layout.

use super::TextEncoding;
use super::table::{Header, Row, find_header, join_cells};
use super::text::{parse_amount, parse_date, parse_month_day};
use super::{AccountHint, AccountKind, Format, ParseOptions, ParsedAccount, ParsedStatement, SkippedLine};
use crate::error::{ErrorCode, GimsError};
use rust_decimal::Decimal;
use time::Date;

/// Where a row's date is.
enum DateColumn {
    /// One cell: any form [`parse_date`] reads, 和暦 included.
    One(&'static str),
    /// Year, month and day in three cells (PayPay Bank).
    Split([&'static str; 3]),
    /// `MM/DD` with no year; the year comes from [`ParseOptions::downloaded_on`].
    MonthDay(&'static str),
}

/// How a row's cells make a signed amount (negative = money out of the account).
enum Money {
    /// One signed column (withdrawals negative).
    Signed(&'static str),
    /// Separate out and in columns; exactly one is filled.
    OutIn { out: &'static str, into: &'static str },
    /// One column where a positive number is money spent (card usage, Suica fares).
    Spent(&'static str),
    /// Money spent and refunds in separate columns (View Card).
    SpentRefund { spent: &'static str, refund: &'static str },
}

/// How columns are found.
enum Columns {
    /// By a header row: the first name must be the row's first cell, and all must be present.
    Header(&'static [&'static str]),
    /// No header row at all (Vpass); the names stand for the columns in order.
    Fixed(&'static [&'static str]),
}

struct Layout {
    format: Format,
    institution: &'static str,
    kind: AccountKind,
    columns: Columns,
    date: DateColumn,
    money: Money,
    /// Joined by spaces; every column with one of these names (some exports repeat a name).
    description: &'static [&'static str],
    memo: &'static [&'static str],
    balance: Option<&'static str>,
    external_id: Option<&'static str>,
}

const LAYOUTS: &[Layout] = &[
    // 楽天銀行: CP932, one signed column with a full-width minus.
    Layout {
        format: Format::RakutenBank,
        institution: "楽天銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["取引日", "入出金(円)", "取引後残高(円)", "入出金内容"]),
        date: DateColumn::One("取引日"),
        money: Money::Signed("入出金(円)"),
        description: &["入出金内容"],
        memo: &[],
        balance: Some("取引後残高(円)"),
        external_id: None,
    },
    // 住信SBIネット銀行: newest first; メモ is `-` when empty.
    Layout {
        format: Format::SbiSumishin,
        institution: "住信SBIネット銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["日付", "内容", "出金金額(円)", "入金金額(円)", "残高(円)"]),
        date: DateColumn::One("日付"),
        money: Money::OutIn { out: "出金金額(円)", into: "入金金額(円)" },
        description: &["内容"],
        memo: &["メモ"],
        balance: Some("残高(円)"),
        external_id: None,
    },
    // ゆうちょ銀行: account lines before the header; 入出金明細ID is the bank's id for the row.
    Layout {
        format: Format::JapanPostBank,
        institution: "ゆうちょ銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["取引日", "入出金明細ID", "受入金額(円)", "払出金額(円)", "詳細1", "詳細2"]),
        date: DateColumn::One("取引日"),
        money: Money::OutIn { out: "払出金額(円)", into: "受入金額(円)" },
        description: &["詳細1", "詳細2"],
        memo: &[],
        balance: Some("現在(貸付)高"),
        external_id: Some("入出金明細ID"),
    },
    // 三菱UFJ銀行: newer exports add メモ, 未資金化区分, 入払区分 after 差引残高.
    Layout {
        format: Format::Mufg,
        institution: "三菱UFJ銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["日付", "摘要", "摘要内容", "支払い金額", "預かり金額", "差引残高"]),
        date: DateColumn::One("日付"),
        money: Money::OutIn { out: "支払い金額", into: "預かり金額" },
        description: &["摘要", "摘要内容"],
        memo: &["メモ"],
        balance: Some("差引残高"),
        external_id: None,
    },
    // 三井住友銀行 (current): a totals row with no date may end the file.
    Layout {
        format: Format::SmbcNew,
        institution: "三井住友銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["年月日", "お引出し", "お預入れ", "お取り扱い内容", "残高"]),
        date: DateColumn::One("年月日"),
        money: Money::OutIn { out: "お引出し", into: "お預入れ" },
        description: &["お取り扱い内容"],
        memo: &["メモ", "ラベル"],
        balance: Some("残高"),
        external_id: None,
    },
    // 三井住友銀行 (old): 和暦 dates such as `H30.01.15`.
    Layout {
        format: Format::SmbcOld,
        institution: "三井住友銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["年月日(和暦)", "お引出し", "お預入れ", "お取り扱い内容", "残高"]),
        date: DateColumn::One("年月日(和暦)"),
        money: Money::OutIn { out: "お引出し", into: "お預入れ" },
        description: &["お取り扱い内容"],
        memo: &[],
        balance: Some("残高"),
        external_id: None,
    },
    // みずほ銀行: account lines, a blank line, then the header. Sources disagree on the date
    // (`YYYY.MM.DD` or `YYYY/M/D`); both are read. 明細通番 numbers rows within one download
    // only, so it is not used as an id.
    Layout {
        format: Format::Mizuho,
        institution: "みずほ銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["明細通番", "日付", "お引出金額", "お預入金額", "残高", "お取引内容"]),
        date: DateColumn::One("日付"),
        money: Money::OutIn { out: "お引出金額", into: "お預入金額" },
        description: &["お取引内容"],
        memo: &[],
        balance: Some("残高"),
        external_id: None,
    },
    // PayPay銀行: the date in three cells; 取引順番号 orders rows within a day only, so it is
    // not an id.
    Layout {
        format: Format::PayPayBank,
        institution: "PayPay銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&[
            "操作日(年)",
            "操作日(月)",
            "操作日(日)",
            "摘要",
            "お支払金額",
            "お預り金額",
            "残高",
        ]),
        date: DateColumn::Split(["操作日(年)", "操作日(月)", "操作日(日)"]),
        money: Money::OutIn { out: "お支払金額", into: "お預り金額" },
        description: &["摘要"],
        memo: &["メモ"],
        balance: Some("残高"),
        external_id: None,
    },
    // SBI新生銀行: UTF-8 with BOM; the Japanese and the English UI write different headers.
    Layout {
        format: Format::SbiShinsei,
        institution: "SBI新生銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["取引日", "摘要", "出金金額", "入金金額", "残高"]),
        date: DateColumn::One("取引日"),
        money: Money::OutIn { out: "出金金額", into: "入金金額" },
        description: &["摘要"],
        memo: &[],
        balance: Some("残高"),
        external_id: None,
    },
    Layout {
        format: Format::SbiShinsei,
        institution: "SBI新生銀行",
        kind: AccountKind::Bank,
        columns: Columns::Header(&["Value Date", "Description", "Debit", "Credit", "Balance"]),
        date: DateColumn::One("Value Date"),
        money: Money::OutIn { out: "Debit", into: "Credit" },
        description: &["Description"],
        memo: &[],
        balance: Some("Balance"),
        external_id: None,
    },
    // 楽天カード: two column names carry the month (`12月支払金額`), so they are not required.
    Layout {
        format: Format::RakutenCard,
        institution: "楽天カード",
        kind: AccountKind::Card,
        columns: Columns::Header(&[
            "利用日",
            "利用店名・商品名",
            "利用者",
            "支払方法",
            "利用金額",
            "支払手数料",
            "支払総額",
        ]),
        date: DateColumn::One("利用日"),
        money: Money::Spent("利用金額"),
        description: &["利用店名・商品名"],
        memo: &["利用者", "支払方法"],
        balance: None,
        external_id: None,
    },
    // 三井住友カード (Vpass): no header; a `<name>　様,<masked number>,<card name>` line opens
    // each card's rows and lines starting with `,` are totals and notes.
    Layout {
        format: Format::SmbcCardVpass,
        institution: "三井住友カード",
        kind: AccountKind::Card,
        columns: Columns::Fixed(&[
            "ご利用日",
            "ご利用店名",
            "ご利用金額",
            "支払区分",
            "分割回数",
            "お支払い金額",
            "備考",
        ]),
        date: DateColumn::One("ご利用日"),
        money: Money::Spent("ご利用金額"),
        description: &["ご利用店名"],
        memo: &["備考"],
        balance: None,
        external_id: None,
    },
    // PayPayカード: since 2025-05 a 決済方法 column follows 利用者; columns are found by name.
    Layout {
        format: Format::PayPayCard,
        institution: "PayPayカード",
        kind: AccountKind::Card,
        columns: Columns::Header(&["利用日/キャンセル日", "利用店名・商品名", "利用者", "支払区分", "利用金額"]),
        date: DateColumn::One("利用日/キャンセル日"),
        money: Money::Spent("利用金額"),
        description: &["利用店名・商品名"],
        memo: &["利用者", "支払区分"],
        balance: None,
        external_id: None,
    },
    // ビューカード: member lines, the header, then a `****-****-****-1234 <name>` line per card.
    Layout {
        format: Format::ViewCard,
        institution: "ビューカード",
        kind: AccountKind::Card,
        columns: Columns::Header(&["ご利用年月日", "ご利用箇所", "ご利用額", "払戻額", "支払区分(回数)"]),
        date: DateColumn::One("ご利用年月日"),
        money: Money::SpentRefund { spent: "ご利用額", refund: "払戻額" },
        description: &["ご利用箇所"],
        memo: &["支払区分(回数)"],
        balance: None,
        external_id: None,
    },
    // Suica/PASMO via SF Card Viewer: `カードID=…` first; 利用額 positive is a fare, negative a
    // charge; rows newest first.
    Layout {
        format: Format::SuicaHistory,
        institution: "Suica/PASMO",
        kind: AccountKind::Emoney,
        columns: Columns::Header(&["利用年月日", "入場駅/事業者名", "出場駅/降車場所", "利用額(円)", "残額(円)"]),
        date: DateColumn::One("利用年月日"),
        money: Money::Spent("利用額(円)"),
        description: &["入場駅/事業者名", "出場駅/降車場所"],
        memo: &["メモ"],
        balance: Some("残額(円)"),
        external_id: None,
    },
    // モバイルSuica: `MM/DD` without a year; 種別 and 利用場所 each appear twice (in, out).
    Layout {
        format: Format::MobileSuica,
        institution: "モバイルSuica",
        kind: AccountKind::Emoney,
        columns: Columns::Header(&["月日", "種別", "利用場所", "残高", "入金・利用額"]),
        date: DateColumn::MonthDay("月日"),
        money: Money::Signed("入金・利用額"),
        description: &["種別", "利用場所"],
        memo: &[],
        balance: Some("残高"),
        external_id: None,
    },
];

/// The formats whose header (or Vpass's first line) the rows carry.
pub fn detect(rows: &[Row]) -> Vec<Format> {
    LAYOUTS.iter().filter(|layout| locate(layout, rows).is_some()).map(|layout| layout.format).collect()
}

/// Where the data starts: the header for header layouts; for Vpass a synthetic header when the
/// first non-blank line is a card-holder line.
fn locate(layout: &Layout, rows: &[Row]) -> Option<Header> {
    match layout.columns {
        Columns::Header(required) => find_header(rows, required),
        Columns::Fixed(names) => {
            let (index, first) = rows.iter().enumerate().find(|(_, row)| !row.is_blank())?;
            let opens_card = card_holder_line(first).is_some();
            // The row after the card-holder line must be a dated row, so a stray `様` is not enough.
            let dated = rows.get(index + 1).is_some_and(|row| parse_date(row.cell(0)).is_some());
            (opens_card && dated)
                .then(|| Header { index, names: names.iter().map(|name| super::table::normalise_name(name)).collect() })
        }
    }
}

/// Vpass's `<氏名>　様,<masked card number>,<card name>`: (number, card name).
fn card_holder_line(row: &Row) -> Option<(String, String)> {
    let holder = row.cell(0);
    let number = row.cell(1);
    let looks_masked = number.contains('*') && number.chars().any(|c| c.is_ascii_digit());
    (holder.ends_with('様') && looks_masked).then(|| (number.to_owned(), row.cell(2).to_owned()))
}

/// View Card's `****-****-****-1234 <name>` line: the masked number.
fn masked_card_line(row: &Row) -> Option<String> {
    let first = row.cell(0);
    let number = first.split([' ', '\u{3000}']).next().unwrap_or_default();
    let rest_empty = row.cells.iter().skip(1).all(|cell| cell.trim().is_empty());
    (number.starts_with("****") && rest_empty).then(|| number.to_owned())
}

/// Account facts some exports state before the header (ゆうちょ, みずほ, Suica, ビューカード).
#[derive(Default)]
struct Preamble {
    account_number: Option<String>,
    name: Option<String>,
    balance: Option<Decimal>,
    as_of: Option<Date>,
}

fn read_preamble(rows: &[Row]) -> Preamble {
    let mut preamble = Preamble::default();
    for row in rows {
        for (index, cell) in row.cells.iter().enumerate() {
            let cell = cell.trim();
            let (key, inline_value) = match cell.split_once(['：', ':', '=']) {
                Some((key, value)) => (key.trim(), value.trim()),
                None => (cell, ""),
            };
            let value = if inline_value.is_empty() { row.cell(index + 1) } else { inline_value };
            if value.is_empty() {
                continue;
            }
            if key.contains("口座番号") || key == "カードID" || key == "会員番号" {
                preamble.account_number.get_or_insert_with(|| value.to_owned());
            } else if key == "対象カード" {
                preamble.name.get_or_insert_with(|| value.to_owned());
            } else if key == "現在高" || key == "残高" {
                preamble.balance = preamble.balance.or(parse_amount(value).ok().flatten());
            } else if key == "出力日時" || key == "照会日" {
                preamble.as_of = preamble.as_of.or_else(|| parse_date(value));
            }
        }
    }
    preamble
}

/// Column indexes resolved against the file's header.
struct Resolved {
    date: Vec<usize>,
    /// Column and name (for messages) of the one or two money columns, in [`Money`]'s order.
    money: [Option<(usize, &'static str)>; 2],
    description: Vec<usize>,
    memo: Vec<usize>,
    balance: Option<(usize, &'static str)>,
    external_id: Option<usize>,
}

fn resolve(layout: &Layout, header: &Header) -> Resolved {
    let date = match &layout.date {
        DateColumn::One(name) | DateColumn::MonthDay(name) => header.column(name).into_iter().collect(),
        DateColumn::Split(names) => names.iter().filter_map(|name| header.column(name)).collect(),
    };
    let named = |name: &'static str| header.column(name).map(|index| (index, name));
    let money = match layout.money {
        Money::Signed(name) | Money::Spent(name) => [named(name), None],
        Money::OutIn { out, into } => [named(out), named(into)],
        Money::SpentRefund { spent, refund } => [named(spent), named(refund)],
    };
    Resolved {
        date,
        money,
        description: header.columns_named(layout.description),
        memo: header.columns_named(layout.memo),
        balance: layout.balance.and_then(named),
        external_id: layout.external_id.and_then(|name| header.column(name)),
    }
}

pub fn parse(format: Format, rows: &[Row], options: &ParseOptions) -> Result<ParsedStatement, GimsError> {
    let located = LAYOUTS.iter().find_map(|layout| {
        if layout.format != format {
            return None;
        }
        locate(layout, rows).map(|header| (layout, header))
    });
    let Some((layout, header)) = located else {
        return Err(GimsError::new(
            ErrorCode::ImportUnrecognisedFormat,
            format!("The file does not have the header row of a {} export.", format.as_str()),
        ));
    };
    if matches!(layout.date, DateColumn::MonthDay(_)) && options.downloaded_on.is_none() {
        return Err(GimsError::invalid(
            "downloaded_on",
            format!(
                "{} files write dates without a year; give the date the file was downloaded so each row gets its year",
                format.as_str()
            ),
        ));
    }
    let columns = resolve(layout, &header);
    // A header row is skipped; Vpass's first line is a card-holder line, read like any other.
    let data_start = match layout.columns {
        Columns::Header(_) => header.index + 1,
        Columns::Fixed(_) => header.index,
    };
    let preamble = read_preamble(rows.get(..header.index).unwrap_or_default());

    let mut base_hint = AccountHint::new(layout.institution, layout.kind);
    base_hint.account_number = preamble.account_number.clone();
    base_hint.name = preamble.name.clone();
    let mut accounts = vec![ParsedAccount::new(base_hint.clone())];
    let mut current = 0usize;
    let mut skipped = Vec::new();

    for row in rows.iter().skip(data_start) {
        if row.is_blank() {
            continue;
        }
        // Rows that open a card's section (Vpass, View Card) switch the account.
        let section = match layout.format {
            Format::SmbcCardVpass => card_holder_line(row).map(|(number, name)| (number, Some(name))),
            Format::ViewCard => masked_card_line(row).map(|number| (number, None)),
            _ => None,
        };
        if let Some((number, name)) = section {
            current = match accounts.iter().position(|account| account.hint.account_number.as_deref() == Some(&number))
            {
                Some(found) => found,
                None if accounts.len() == 1 && accounts.iter().all(|account| account.transactions.is_empty()) => {
                    if let Some(first) = accounts.first_mut() {
                        first.hint.account_number = Some(number);
                        first.hint.name = name.or(first.hint.name.take());
                    }
                    0
                }
                None => {
                    let mut hint = base_hint.clone();
                    hint.account_number = Some(number);
                    hint.name = name;
                    accounts.push(ParsedAccount::new(hint));
                    accounts.len() - 1
                }
            };
            continue;
        }
        match read_row(layout, &columns, row, options) {
            Ok(Some(transaction)) => {
                if let Some(account) = accounts.get_mut(current) {
                    account.transactions.push(transaction);
                }
            }
            Ok(None) => {}
            Err(reason) => skipped.push(SkippedLine { line: row.line, reason }),
        }
    }

    for account in &mut accounts {
        account.ledger_balance = newest_balance(&account.transactions);
    }
    if let (Some(first), Some(balance)) = (accounts.first_mut(), preamble.balance) {
        // A stated 現在高 is the balance now; a row's running balance is only as new as the row.
        let as_of = preamble.as_of.or_else(|| first.ledger_balance.map(|(date, _)| date));
        if let Some(as_of) = as_of {
            first.ledger_balance = Some((as_of, balance));
        }
    }
    Ok(ParsedStatement { format, encoding: TextEncoding::Utf8, accounts, skipped })
}

/// The running balance of the chronologically last row. Exports list oldest or newest first;
/// comparing the first and last dates tells which, and within the newest day file order does.
fn newest_balance(transactions: &[super::ParsedTransaction]) -> Option<(Date, Decimal)> {
    let with_balance: Vec<_> = transactions.iter().filter(|t| t.balance_after.is_some()).collect();
    let (first, last) = (with_balance.first()?, with_balance.last()?);
    let newest_first = first.date > last.date;
    let newest_date = with_balance.iter().map(|t| t.date).max()?;
    let mut on_newest = with_balance.iter().filter(|t| t.date == newest_date);
    let chosen = if newest_first { on_newest.next() } else { on_newest.next_back() }?;
    Some((chosen.date, chosen.balance_after?))
}

/// A row's transaction; `Ok(None)` for totals, notes and other lines with neither a date nor an
/// amount; `Err` says why a row that should be a transaction is not one.
fn read_row(
    layout: &Layout,
    columns: &Resolved,
    row: &Row,
    options: &ParseOptions,
) -> Result<Option<super::ParsedTransaction>, String> {
    let [first_money, second_money] = columns.money;
    let date_cells: Vec<&str> = columns.date.iter().map(|i| row.cell(*i)).collect();
    if date_cells.iter().all(|cell| cell.is_empty()) {
        let no_money = [first_money, second_money].into_iter().flatten().all(|(index, _)| row.cell(index).is_empty());
        return if no_money { Ok(None) } else { Err(format!("{} is empty", date_label(layout))) };
    }
    let date = read_date(layout, &date_cells, options)?;
    let read_money = |column: Option<(usize, &str)>| -> Result<Option<Decimal>, String> {
        let Some((index, name)) = column else { return Ok(None) };
        parse_amount(row.cell(index)).map_err(|problem| format!("{name} {problem}"))
    };
    let first = read_money(first_money)?;
    let second = read_money(second_money)?;
    let amount = match layout.money {
        Money::Signed(_) => first,
        Money::Spent(_) => first.map(|spent| -spent),
        Money::OutIn { .. } => match (first, second) {
            (None, None) => None,
            (out, into) => Some(into.unwrap_or_default() - out.unwrap_or_default()),
        },
        Money::SpentRefund { .. } => match (first, second) {
            (None, None) => None,
            (spent, refund) => Some(refund.unwrap_or_default() - spent.unwrap_or_default()),
        },
    };
    let amount = amount.ok_or_else(|| "the row has a date but no amount".to_owned())?;
    let balance = read_money(columns.balance)?;

    let mut transaction = super::new_transaction(row.line, date, amount, "JPY");
    transaction.description = join_cells(row, &columns.description);
    transaction.memo = join_cells(row, &columns.memo);
    if transaction.description.is_empty() {
        // Suica's shop purchases name nothing but their memo (`物販`).
        transaction.description = std::mem::take(&mut transaction.memo);
    }
    transaction.balance_after = balance;
    transaction.external_id =
        columns.external_id.map(|index| row.cell(index).to_owned()).filter(|id| !id.is_empty() && id != "-");
    Ok(Some(transaction))
}

fn date_label(layout: &Layout) -> &'static str {
    match &layout.date {
        DateColumn::One(name) | DateColumn::MonthDay(name) => name,
        DateColumn::Split(names) => names.first().copied().unwrap_or("date"),
    }
}

fn read_date(layout: &Layout, cells: &[&str], options: &ParseOptions) -> Result<Date, String> {
    let label = date_label(layout);
    match &layout.date {
        DateColumn::One(_) => {
            let cell = cells.first().copied().unwrap_or_default();
            parse_date(cell).ok_or_else(|| format!("{label} `{}` is not a date", shorten(cell)))
        }
        DateColumn::Split(_) => {
            let numbers: Vec<Option<i64>> =
                cells.iter().map(|cell| super::text::fold_width(cell).trim().parse::<i64>().ok()).collect();
            match numbers.as_slice() {
                [Some(year), Some(month), Some(day)] => super::text::make_date(*year, *month, *day),
                _ => None,
            }
            .ok_or_else(|| format!("{label} `{}` is not a date", shorten(&cells.join("/"))))
        }
        DateColumn::MonthDay(_) => {
            let cell = cells.first().copied().unwrap_or_default();
            let (month, day) =
                parse_month_day(cell).ok_or_else(|| format!("{label} `{}` is not a month and day", shorten(cell)))?;
            let downloaded_on = options.downloaded_on.ok_or_else(|| "no download date was given".to_owned())?;
            year_for(month, day, downloaded_on)
                .ok_or_else(|| format!("{label} `{}` is not a date in the year before the download", shorten(cell)))
        }
    }
}

/// The latest date with this month and day that is not after `downloaded_on` (Mobile Suica
/// shows the last 26 weeks, so that is always the right year).
fn year_for(month: u8, day: u8, downloaded_on: Date) -> Option<Date> {
    let year = i64::from(downloaded_on.year());
    [year, year - 1, year - 2, year - 3, year - 4]
        .into_iter()
        .filter_map(|year| super::text::make_date(year, month.into(), day.into()))
        .find(|date| *date <= downloaded_on)
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}
