//! Exports on a small ledger: the CSV reads back through the importer into the same transactions
//! and report, the journal balances and keeps odd text in its place, the report page escapes.

use super::*;
use crate::import::{FormatChoice, ParseOptions};
use crate::ledger::{
    NewManualAccount, NewTransaction, Scope, TransactionFilter, TransactionSource, categories, test_ledger,
};
use crate::money::{Amount, Currency};

fn account(ledger: &mut Ledger, name: &str, kind: AccountKind, currency: &str, opening: i64) -> i64 {
    let currency = Currency::parse(currency).unwrap();
    ledger
        .add_manual_account(
            &NewManualAccount { name: name.into(), kind, opening_balance: Amount::from_minor(opening, currency) },
            "2026-11-01T00:00:00Z",
        )
        .unwrap()
        .id
}

struct Row<'a> {
    account: Option<i64>,
    date: &'a str,
    minor: i64,
    currency: &'a str,
    description: &'a str,
    memo: &'a str,
    category: Option<&'a str>,
    transfer: bool,
    included: bool,
}

const ROW: Row<'static> = Row {
    account: None,
    date: "2026-11-03",
    minor: -540,
    currency: "JPY",
    description: "セブンイレブン",
    memo: "",
    category: None,
    transfer: false,
    included: true,
};

fn add(ledger: &mut Ledger, row: Row<'_>) {
    let category_id = row.category.map(|c| categories::resolve(&ledger.conn, c).unwrap());
    let transaction = NewTransaction {
        date: row.date.into(),
        amount: Amount::from_minor(row.minor, Currency::parse(row.currency).unwrap()),
        memo: row.memo.into(),
        category_id,
        transfer: row.transfer,
        included: row.included,
        ..NewTransaction::manual(row.account, row.description)
    };
    ledger.insert_transactions(&[transaction], TransactionSource::Manual).unwrap();
}

/// A bank, a card and cash; salary, groceries, a refund, a card settlement (振替 on both sides),
/// a row excluded from totals, text a spreadsheet or a journal would misread, and dollars.
fn household() -> (tempfile::TempDir, Ledger) {
    let (dir, mut ledger) = test_ledger();
    let bank = account(&mut ledger, "みずほ銀行", AccountKind::Bank, "JPY", 100_000);
    let card = account(&mut ledger, "楽天カード", AccountKind::Card, "JPY", 0);
    let dollars = account(&mut ledger, "Wise USD", AccountKind::Bank, "USD", 10_000);
    let rows = [
        Row {
            account: Some(bank),
            date: "2026-11-25",
            minor: 250_000,
            description: "給与",
            category: Some("収入/給与"),
            ..ROW
        },
        Row {
            account: Some(card),
            date: "2026-11-03",
            minor: -12_000,
            description: "スーパー",
            category: Some("食費/食料品"),
            ..ROW
        },
        Row {
            account: Some(card),
            date: "2026-11-10",
            minor: 2_800,
            description: "返金",
            category: Some("食費/食料品"),
            ..ROW
        },
        Row {
            date: "2026-11-04",
            minor: -3_000,
            description: "=HYPERLINK(\"x\")",
            memo: "-memo; two  spaces",
            category: Some("食費/外食"),
            ..ROW
        },
        Row {
            account: Some(bank),
            date: "2026-11-27",
            minor: -9_200,
            description: "カード引き落とし",
            transfer: true,
            ..ROW
        },
        Row {
            account: Some(card), date: "2026-11-27", minor: 9_200, description: "お支払い", transfer: true, ..ROW
        },
        Row {
            account: Some(bank),
            date: "2026-11-28",
            minor: -5_000,
            description: "立替",
            included: false,
            category: Some("交際費/飲み会"),
            ..ROW
        },
        Row { account: Some(bank), date: "2026-11-29", minor: -700, description: "*(謎の出金)", memo: "+1", ..ROW },
        Row {
            account: Some(dollars),
            date: "2026-11-05",
            minor: -1_250,
            currency: "USD",
            description: "Coffee",
            category: Some("食費/カフェ"),
            ..ROW
        },
        Row {
            account: Some(bank),
            date: "2026-10-31",
            minor: -999,
            description: "先月",
            category: Some("日用品"),
            ..ROW
        },
    ];
    for row in rows {
        add(&mut ledger, row);
    }
    (dir, ledger)
}

fn export_text(ledger: &Ledger, format: ExportFormat, from: Option<&str>) -> (String, ExportOutcome) {
    let mut bytes = Vec::new();
    let outcome = export(ledger, format, from, None, &mut bytes).unwrap();
    (String::from_utf8(bytes).unwrap(), outcome)
}

#[test]
fn formula_cells_are_neutralised_and_plain_ones_kept() {
    assert_eq!(neutralise_cell("=1+1"), "'=1+1");
    assert_eq!(neutralise_cell("-memo"), "'-memo");
    assert_eq!(neutralise_cell("@SUM"), "'@SUM");
    assert_eq!(neutralise_cell("'=x"), "''=x", "one more quote, so reading back gives `'=x`");
    assert_eq!(neutralise_cell("セブン"), "セブン");
    assert_eq!(neutralise_cell("'quoted'"), "'quoted'");
}

#[test]
fn the_csv_has_the_services_columns_and_reads_back_as_the_same_transactions_and_report() {
    let (_dir, ledger) = household();
    let (text, outcome) = export_text(&ledger, ExportFormat::MfCsv, None);
    assert!(text.starts_with("\u{feff}\"計算対象\",\"日付\",\"内容\",\"金額（円）\",\"保有金融機関\",\"大項目\",\"中項目\",\"メモ\",\"振替\",\"ID\"\r\n"));
    assert_eq!(outcome.transactions, 9);
    assert_eq!(outcome.left_out.len(), 1, "the dollar row");
    assert_eq!((outcome.left_out[0].currency.as_str(), outcome.left_out[0].transactions), ("USD", 1));
    assert!(text.contains("\"'=HYPERLINK(\"\"x\"\")\""), "formula neutralised: {text}");
    assert!(text.contains("\"'-memo; two  spaces\""), "memo neutralised");
    assert!(text.contains("\"-3000\""), "a negative amount stays a number");
    assert!(text.contains("\"0\",\"2026/11/28\",\"立替\",\"-5000\",\"みずほ銀行\",\"交際費\",\"飲み会\""));
    assert!(text.contains("\"未分類\",\"未分類\""));

    let statement = crate::import::parse(
        text.as_bytes(),
        &ParseOptions { format: FormatChoice::Exactly(crate::import::Format::MoneyForwardExport), downloaded_on: None },
    )
    .unwrap();
    assert!(statement.skipped.is_empty(), "{:?}", statement.skipped);
    let (_fresh_dir, mut fresh) = test_ledger();
    let saved = crate::import::save(&mut fresh, &statement, None, "2026-11-30T00:00:00Z").unwrap();
    assert_eq!(saved.imported, 9);

    let key = |ledger: &Ledger| {
        let accounts: HashMap<i64, String> = ledger.accounts().unwrap().into_iter().map(|a| (a.id, a.name)).collect();
        let mut rows: Vec<_> = ledger
            .transactions(&TransactionFilter::default())
            .unwrap()
            .into_iter()
            .filter(|t| t.currency == "JPY")
            .map(|t| {
                let account = t.account_id.and_then(|id| accounts.get(&id).cloned());
                // Cash comes back in an account of its own: the export has no "no account".
                let account = account.filter(|name| name != "手入力 (現金)");
                (t.date, t.amount, t.description, t.memo, t.category, t.subcategory, t.transfer, t.included, account)
            })
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(key(&fresh), key(&ledger));
    for month in ["2026-10", "2026-11"] {
        let before = crate::report::monthly(&ledger, month, &Scope::Visible).unwrap();
        let after = crate::report::monthly(&fresh, month, &Scope::Visible).unwrap();
        assert_eq!((&after.income, &after.expense, &after.net), (&before.income, &before.expense, &before.net));
        assert_eq!(after.categories, before.categories, "{month}");
    }

    // Exporting what was imported gives the same IDs: importing it again adds nothing.
    let (again, _) = export_text(&fresh, ExportFormat::MfCsv, None);
    let statement = crate::import::parse(again.as_bytes(), &ParseOptions::default()).unwrap();
    let saved = crate::import::save(&mut fresh, &statement, None, "2026-11-30T00:00:00Z").unwrap();
    assert_eq!((saved.imported, saved.duplicates), (0, 9));
}

#[test]
fn the_journal_keeps_transfers_and_excluded_rows_out_of_income_and_expenses() {
    let (_dir, ledger) = household();
    let (text, outcome) = export_text(&ledger, ExportFormat::Journal, None);
    assert_eq!(outcome.transactions, 10);
    // The card settlement is one transaction between the two accounts.
    assert!(
        text.contains("2026-11-27 カード引き落とし / お支払い  ; gims-id:5, gims-id:6\n    liabilities:楽天カード    9200 JPY\n    assets:みずほ銀行    -9200 JPY\n"),
        "{text}"
    );
    assert!(text.contains("    equity:excluded    5000 JPY\n"), "{text}");
    assert!(text.contains("    expenses:食費:食料品    -2800 JPY\n"), "the refund reduces its category");
    assert!(text.contains("    income:給与    -250000 JPY\n"));
    assert!(text.contains("    expenses:食費:カフェ    12.50 USD\n    assets:Wise USD    -12.50 USD\n"));
    assert!(text.contains("2026-11-29 ＊(謎の出金)  ; gims-id:8, +1\n    expenses:未分類    700 JPY\n"), "{text}");
    assert!(text.contains("2026-11-04 =HYPERLINK(\"x\")  ; gims-id:4, -memo; two spaces\n"), "{text}");
    assert!(text.contains("    assets:cash    -3000 JPY\n"));
    assert!(text.contains(
        "2026-10-31 opening balances\n    assets:みずほ銀行    100000 JPY\n    equity:opening balances    -100000 JPY\n"
    ));

    // Every transaction balances per commodity, and no line breaks the layout.
    for block in text.split("\n\n").filter(|b| b.lines().any(|l| l.starts_with("    "))) {
        let mut sums: HashMap<&str, i128> = HashMap::new();
        for line in block.lines().filter(|l| l.starts_with("    ")) {
            let mut parts = line.trim().rsplitn(2, "    ");
            let amount = parts.next().unwrap();
            let (number, commodity) = amount.split_once(' ').unwrap();
            let minor: i128 = number.replace('.', "").parse().unwrap();
            *sums.entry(commodity).or_default() += minor;
        }
        assert!(sums.values().all(|sum| *sum == 0), "unbalanced: {block}");
    }

    // From a date: the opening balance is what the bank held before it.
    let (text, _) = export_text(&ledger, ExportFormat::Journal, Some("2026-11-01"));
    assert!(text.contains("2026-11-01 opening balances\n    assets:みずほ銀行    99001 JPY\n"), "{text}");
    assert!(!text.contains("先月"));
}

#[test]
fn journal_text_cannot_open_a_comment_a_code_or_a_virtual_account() {
    assert_eq!(journal::description_text("(123) 店; note\n次の行"), "（123) 店； note 次の行");
    assert_eq!(journal::description_text("!urgent"), "！urgent");
    assert_eq!(journal::account_component("a:b  c\td"), "a：b c d");
    assert_eq!(journal::account_component("[virtual]"), "［virtual］");
    assert_eq!(journal::account_component("(x)"), "（x）");
    assert_eq!(journal::account_component(" \n"), "名称なし");
}

#[test]
fn accounts_with_the_same_name_stay_apart() {
    let (_dir, mut ledger) = test_ledger();
    let first = account(&mut ledger, "財布", AccountKind::Cash, "JPY", 0);
    let second = account(&mut ledger, "財布", AccountKind::Cash, "JPY", 0);
    let cash = account(&mut ledger, "cash", AccountKind::Cash, "JPY", 0);
    let data = ExportData::load(&ledger, None, None).unwrap();
    let names = data.unique_names(&["cash"]);
    assert_eq!(names[&first], "財布");
    assert_eq!(names[&second], format!("財布 #{second}"));
    assert_eq!(names[&cash], format!("cash #{cash}"));
}

#[test]
fn the_report_page_is_self_contained_and_escapes_every_name() {
    let (_dir, mut ledger) = household();
    // A user category with markup in its name, as an import could create.
    ledger
        .conn
        .execute(
            "INSERT INTO categories (parent_id, name, kind, position) VALUES (NULL, '<script>alert(1)</script>', 'expense', 99)",
            [],
        )
        .unwrap();
    let hostile = ledger.conn.last_insert_rowid();
    let mut row = NewTransaction {
        date: "2026-11-12".into(),
        amount: Amount::from_minor(-100, Currency::jpy()),
        ..NewTransaction::manual(None, "x")
    };
    row.category_id = Some(hostile);
    ledger.insert_transactions(&[row], TransactionSource::Manual).unwrap();

    let monthly = crate::report::monthly(&ledger, "2026-11", &Scope::Visible).unwrap();
    let assets = crate::report::assets(&ledger, "2026-11-30", &Scope::Visible).unwrap();
    let mut bytes = Vec::new();
    write_report_html(&monthly, &assets, &mut bytes).unwrap();
    let html = String::from_utf8(bytes).unwrap();
    assert!(!html.contains("<script"), "no script, the category's name escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("http:") && !html.contains("https:") && !html.contains("url("), "no external resource");
    assert!(!html.contains("src=") && !html.contains("href="), "no external resource");
    assert!(html.contains("default-src 'none'"));
    assert!(html.contains("<svg"));
    assert!(html.contains("2026年11月の家計レポート"));
    assert!(html.contains("¥250,000"), "income");
    assert!(html.contains("¥13,000"), "spending: 12000 - 2800 + 3000 + 700 + 100");
    assert!(html.contains("¥237,000"), "net");
    assert!(html.contains("負債（カード・ローン）"), "assets at the month's end by class");

    let mut bytes = Vec::new();
    write_report_csv(&monthly, &assets, &mut bytes).unwrap();
    let csv = String::from_utf8(bytes).unwrap();
    assert!(
        csv.starts_with("\u{feff}section,category,subcategory,kind,amount,currency\r\nmonth,2026-11,,,,\r\n"),
        "{csv}"
    );
    assert!(csv.contains("total,,,income,250000,JPY\r\ntotal,,,expense,13000,JPY\r\ntotal,,,net,237000,JPY\r\n"));
    assert!(csv.contains("category,食費,食料品,expense,-9200,JPY\r\n"));
    assert!(csv.contains("total,,,expense,12.50,USD\r\n"));
    assert!(csv.contains("as_of,2026-11-30,,,,\r\n"));
    assert!(
        csv.contains("asset,負債（カード・ローン）,,liabilities,0,JPY\r\n") || csv.contains(",liabilities,"),
        "{csv}"
    );
}
