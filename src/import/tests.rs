//! Every format read from a fixture that looks like the real download (bytes, encoding and line
//! ends included), detection checked to pick exactly one format, and every fixture fed truncated
//! and garbled to `parse` to show that nothing panics.

use super::*;
use crate::error::ErrorCode;
use time::macros::date;

macro_rules! fixture {
    ($name:literal) => {
        ($name, include_bytes!(concat!("../../tests/fixtures/import/", $name)).as_slice())
    };
}

/// Each fixture and the one format it must be detected as.
const FIXTURES: &[((&str, &[u8]), Format)] = &[
    (fixture!("rakuten-bank.csv"), Format::RakutenBank),
    (fixture!("sbi-sumishin.csv"), Format::SbiSumishin),
    (fixture!("japan-post-bank.csv"), Format::JapanPostBank),
    (fixture!("mufg.csv"), Format::Mufg),
    (fixture!("smbc.csv"), Format::SmbcNew),
    (fixture!("smbc-old.csv"), Format::SmbcOld),
    (fixture!("mizuho.csv"), Format::Mizuho),
    (fixture!("paypay-bank.csv"), Format::PayPayBank),
    (fixture!("sbi-shinsei.csv"), Format::SbiShinsei),
    (fixture!("rakuten-card.csv"), Format::RakutenCard),
    (fixture!("smbc-card-vpass.csv"), Format::SmbcCardVpass),
    (fixture!("paypay-card.csv"), Format::PayPayCard),
    (fixture!("view-card.csv"), Format::ViewCard),
    (fixture!("suica-history.csv"), Format::SuicaHistory),
    (fixture!("mobile-suica.csv"), Format::MobileSuica),
    (fixture!("sbi-securities-trades.csv"), Format::SbiSecuritiesTrades),
    (fixture!("rakuten-securities-trades.csv"), Format::RakutenSecuritiesTrades),
    (fixture!("mf-export.csv"), Format::MoneyForwardExport),
    (fixture!("mf-export-utf8.csv"), Format::MoneyForwardExport),
    (fixture!("ofx1-sgml-bank.ofx"), Format::Ofx),
    (fixture!("ofx1-csunicode-jst.ofx"), Format::Ofx),
    (fixture!("ofx1-cp1252-declared-utf8.ofx"), Format::Ofx),
    (fixture!("ofx2-xml-bank.ofx"), Format::Ofx),
    (fixture!("ofx2-investment.ofx"), Format::Ofx),
];

fn options() -> ParseOptions {
    ParseOptions { format: FormatChoice::Auto, downloaded_on: Some(date!(2025 - 01 - 10)) }
}

fn read(name: &str) -> ParsedStatement {
    let bytes = FIXTURES
        .iter()
        .find(|((fixture, _), _)| *fixture == name)
        .map(|((_, bytes), _)| *bytes)
        .unwrap_or_else(|| panic!("no fixture {name}"));
    parse(bytes, &options()).unwrap_or_else(|error| panic!("{name}: {error}"))
}

fn decimal(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

/// (date, amount, description) of every transaction of the single account.
fn rows(statement: &ParsedStatement) -> Vec<(Date, Decimal, String)> {
    assert_eq!(statement.accounts.len(), 1, "{:?}", statement.accounts);
    statement.accounts[0].transactions.iter().map(|t| (t.date, t.amount, t.description.clone())).collect()
}

fn skipped(statement: &ParsedStatement) -> Vec<(usize, String)> {
    statement.skipped.iter().map(|s| (s.line, s.reason.clone())).collect()
}

#[test]
fn every_fixture_is_detected_as_exactly_its_format() {
    for ((name, bytes), format) in FIXTURES {
        assert_eq!(detect(bytes), vec![*format], "{name}");
        let statement = parse(bytes, &options()).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(statement.format, *format, "{name}");
        let exact = ParseOptions { format: FormatChoice::Exactly(*format), ..options() };
        assert!(parse(bytes, &exact).is_ok(), "{name} as {format:?}");
    }
}

#[test]
fn format_ids_round_trip() {
    for format in Format::ALL {
        assert_eq!(Format::from_id(format.as_str()), Some(format));
    }
    assert_eq!(Format::from_id("mf-export"), Some(Format::MoneyForwardExport));
}

#[test]
fn an_unrelated_csv_is_unrecognised_and_says_what_was_tried() {
    let (_, bytes) = fixture!("unrelated.csv");
    let error = parse(bytes, &options()).unwrap_err();
    assert_eq!(error.code, ErrorCode::ImportUnrecognisedFormat);
    assert!(error.message.contains("rakuten-bank") && error.message.contains("mf-export"), "{}", error.message);
    for empty in [&b""[..], b"\xef\xbb\xbf", b"\r\n\r\n"] {
        assert_eq!(parse(empty, &options()).unwrap_err().code, ErrorCode::ImportUnrecognisedFormat);
    }
}

#[test]
fn a_chosen_format_that_does_not_match_is_refused() {
    let (_, bytes) = fixture!("rakuten-bank.csv");
    let wrong = ParseOptions { format: FormatChoice::Exactly(Format::Mufg), ..options() };
    let error = parse(bytes, &wrong).unwrap_err();
    assert_eq!(error.code, ErrorCode::ImportUnrecognisedFormat);
    assert!(error.message.contains("mufg"), "{}", error.message);
}

#[test]
fn rakuten_bank_cp932_signed_column_with_duplicates_and_bad_lines() {
    let statement = read("rakuten-bank.csv");
    assert_eq!(statement.encoding, TextEncoding::Cp932);
    let account = &statement.accounts[0];
    assert_eq!(account.hint.institution, "楽天銀行");
    assert_eq!(account.hint.kind, AccountKind::Bank);
    let amounts: Vec<Decimal> = account.transactions.iter().map(|t| t.amount).collect();
    assert_eq!(amounts, [-3000, 250000, -1200, -1200, -80000].map(Decimal::from));
    let duplicates: Vec<&ParsedTransaction> =
        account.transactions.iter().filter(|t| t.date == date!(2024 - 11 - 10)).collect();
    assert_eq!(duplicates.len(), 2);
    assert_eq!(duplicates[0].fingerprint, duplicates[1].fingerprint);
    assert_eq!((duplicates[0].occurrence, duplicates[1].occurrence), (0, 1));
    assert_eq!(duplicates[0].description, "Ｖｉｓａデビット　ｺﾝﾋﾞﾆ");
    assert_eq!(duplicates[1].line, 5);
    assert_eq!(
        skipped(&statement),
        [(6, "入出金(円) `12,3a4` is not a number".to_owned()), (7, "取引日 `20241131` is not a date".to_owned())]
    );
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 20), Decimal::from(264600))));
}

#[test]
fn sbi_sumishin_out_and_in_columns_newest_first() {
    let statement = read("sbi-sumishin.csv");
    assert_eq!(
        rows(&statement),
        [
            (date!(2024 - 11 - 25), Decimal::from(40000), "振込＊ヤマダ　タロウ".to_owned()),
            (date!(2024 - 11 - 20), Decimal::from(-3980), "デビット　ＡＭＡＺＯＮ．ＣＯ．ＪＰ".to_owned()),
            (date!(2024 - 11 - 01), Decimal::from(1), "普通預金利息".to_owned()),
        ]
    );
    let account = &statement.accounts[0];
    assert_eq!(account.transactions[0].memo, "", "a `-` memo means none");
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 25), Decimal::from(1_240_000))));
    assert!(statement.skipped.is_empty());
}

#[test]
fn japan_post_preamble_gives_account_and_balance() {
    let statement = read("japan-post-bank.csv");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.account_number.as_deref(), Some("10170-12345671"));
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 30), Decimal::from(17345))));
    let transactions = &account.transactions;
    assert_eq!(transactions.len(), 3);
    assert_eq!(transactions[0].amount, Decimal::from(3));
    assert_eq!(transactions[1].amount, Decimal::from(-1000));
    assert_eq!(transactions[1].description, "送金 アリスカ－ド");
    assert_eq!(transactions[1].external_id.as_deref(), Some("202411200000001"));
    assert_eq!(transactions[2].balance_after, Some(Decimal::from(17345)));
    assert_eq!(transactions[0].line, 9);
}

#[test]
fn mufg_joins_both_description_columns() {
    let statement = read("mufg.csv");
    let transactions = &statement.accounts[0].transactions;
    assert_eq!(transactions.len(), 3);
    assert_eq!(transactions[0].date, date!(2024 - 11 - 01));
    assert_eq!(transactions[0].amount, Decimal::from(280_000));
    assert_eq!(transactions[1].description, "カード セブンギンコウ");
    assert_eq!(transactions[2].memo, "受信料");
    assert_eq!(statement.accounts[0].ledger_balance, Some((date!(2024 - 11 - 27), Decimal::from(1_019_442))));
}

#[test]
fn smbc_new_ignores_the_totals_row_and_old_reads_wareki() {
    let new = read("smbc.csv");
    assert_eq!(new.accounts[0].transactions.len(), 3);
    assert!(new.skipped.is_empty(), "{:?}", new.skipped);
    assert_eq!(new.accounts[0].transactions[2].amount, Decimal::from(-98000));
    assert_eq!(new.accounts[0].transactions[2].memo, "ｶｰﾄﾞ");
    let old = read("smbc-old.csv");
    let dates: Vec<Date> = old.accounts[0].transactions.iter().map(|t| t.date).collect();
    assert_eq!(dates, [date!(2018 - 01 - 15), date!(2018 - 01 - 20), date!(2019 - 04 - 26)]);
    assert_eq!(old.accounts[0].transactions[0].amount, Decimal::from(200_000));
}

#[test]
fn mizuho_preamble_dotted_dates_and_trailing_note() {
    let statement = read("mizuho.csv");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.account_number.as_deref(), Some("1234567"));
    assert_eq!(account.transactions.len(), 3);
    assert_eq!(account.transactions[1].date, date!(2024 - 11 - 10));
    assert_eq!(account.transactions[1].occurrence, 0);
    assert_eq!(account.transactions[2].occurrence, 1, "two identical ATM withdrawals on one day");
    assert!(statement.skipped.is_empty(), "{:?}", statement.skipped);
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 10), Decimal::from(1_244_000))));
}

#[test]
fn paypay_bank_split_date_columns() {
    let statement = read("paypay-bank.csv");
    assert_eq!(
        rows(&statement),
        [
            (date!(2024 - 11 - 01), Decimal::from(250_000), "振込　ｼﾞ-ｱｲｴﾑｴｽ".to_owned()),
            (date!(2024 - 11 - 03), Decimal::from(-4980), "Visaデビット　ＡＭＡＺＯＮ".to_owned()),
        ]
    );
    assert_eq!(skipped(&statement), [(4, "操作日(年) `2024/11/31` is not a date".to_owned())]);
}

#[test]
fn sbi_shinsei_utf8_with_bom() {
    let statement = read("sbi-shinsei.csv");
    assert_eq!(statement.encoding, TextEncoding::Utf8);
    let amounts: Vec<Decimal> = statement.accounts[0].transactions.iter().map(|t| t.amount).collect();
    assert_eq!(amounts, [Decimal::from(250_000), Decimal::from(-10_000)]);
}

#[test]
fn rakuten_card_purchases_are_negative_and_refunds_positive() {
    let statement = read("rakuten-card.csv");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.kind, AccountKind::Card);
    let transactions = &account.transactions;
    assert_eq!(transactions.len(), 3);
    assert_eq!(transactions[0].amount, Decimal::from(-3980));
    assert_eq!((transactions[0].occurrence, transactions[1].occurrence), (0, 1));
    assert_eq!(transactions[2].amount, Decimal::from(1200));
    assert_eq!(transactions[2].memo, "家族 1回払い");
    assert_eq!(account.ledger_balance, None);
}

#[test]
fn vpass_has_no_header_and_one_account_per_card() {
    let statement = read("smbc-card-vpass.csv");
    assert_eq!(statement.accounts.len(), 2);
    let (first, family) = (&statement.accounts[0], &statement.accounts[1]);
    assert_eq!(first.hint.account_number.as_deref(), Some("4980-00**-****-1***"));
    assert_eq!(first.hint.name.as_deref(), Some("三井住友カード（ＮＬ）"));
    assert_eq!(first.transactions.len(), 2);
    assert_eq!(first.transactions[0].amount, Decimal::from(-3197));
    assert_eq!(first.transactions[1].memo, "0.60　USD　110.712　11 05");
    assert_eq!(family.hint.account_number.as_deref(), Some("4980-00**-****-2***"));
    assert_eq!(family.transactions.len(), 1);
    assert_eq!(family.transactions[0].line, 6);
    assert_eq!(skipped(&statement), [(4, "ご利用金額 `abc` is not a number".to_owned())]);
}

#[test]
fn paypay_card_with_the_2025_payment_method_column() {
    let statement = read("paypay-card.csv");
    assert_eq!(
        rows(&statement),
        [
            (date!(2024 - 11 - 01), Decimal::from(-2980), "ヤフーショッピング".to_owned()),
            (date!(2024 - 11 - 03), Decimal::from(500), "PayPay".to_owned()),
        ]
    );
}

#[test]
fn view_card_member_line_and_refund_column() {
    let statement = read("view-card.csv");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.account_number.as_deref(), Some("****-****-****-1234"));
    assert_eq!(account.hint.name.as_deref(), Some("「ビュー・スイカ｣カード"));
    let amounts: Vec<Decimal> = account.transactions.iter().map(|t| t.amount).collect();
    assert_eq!(amounts, [Decimal::from(-3000), Decimal::from(-524), Decimal::from(1200)]);
    assert_eq!(account.transactions[0].line, 8);
}

#[test]
fn suica_fares_are_negative_and_charges_positive() {
    let statement = read("suica-history.csv");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.kind, AccountKind::Emoney);
    assert_eq!(account.hint.account_number.as_deref(), Some("01234567A8901234"));
    let transactions = &account.transactions;
    assert_eq!(transactions[0].description, "物販");
    assert_eq!(transactions[1].description, "越谷レイクタウン 板橋");
    assert_eq!(transactions[3].amount, Decimal::from(3000));
    assert_eq!(transactions[1].amount, Decimal::from(-473));
    // Newest first: the balance is the first row's.
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 22), Decimal::from(1975))));
}

#[test]
fn mobile_suica_takes_the_year_from_the_download_date() {
    let statement = read("mobile-suica.csv");
    let dates: Vec<Date> = statement.accounts[0].transactions.iter().map(|t| t.date).collect();
    assert_eq!(dates, [date!(2024 - 12 - 25), date!(2024 - 12 - 30), date!(2025 - 01 - 05)]);
    let amounts: Vec<Decimal> = statement.accounts[0].transactions.iter().map(|t| t.amount).collect();
    assert_eq!(amounts, [Decimal::from(-178), Decimal::from(5000), Decimal::from(-208)]);
    assert_eq!(statement.accounts[0].transactions[0].description, "＊入 地日比谷 出 地東銀座");
    assert_eq!(statement.accounts[0].ledger_balance, Some((date!(2025 - 01 - 05), Decimal::from(19671))));

    let (_, bytes) = fixture!("mobile-suica.csv");
    let without_date = ParseOptions { downloaded_on: None, ..options() };
    let error = parse(bytes, &without_date).unwrap_err();
    assert_eq!(error.code, ErrorCode::InputInvalid);
    assert!(error.message.contains("downloaded"), "{}", error.message);
}

#[test]
fn sbi_securities_trades_carry_cash_and_quantity() {
    let statement = read("sbi-securities-trades.csv");
    let transactions = &statement.accounts[0].transactions;
    assert_eq!(statement.accounts[0].hint.kind, AccountKind::Securities);
    assert_eq!(transactions.len(), 3);
    assert_eq!(transactions[0].amount, Decimal::from(-265_000));
    let buy = transactions[0].trade.as_ref().unwrap();
    assert_eq!((buy.security_id.as_str(), buy.quantity), ("7203", Decimal::from(100)));
    assert_eq!(buy.unit_price, Some(Decimal::from(2650)));
    assert_eq!(buy.settlement_date, Some(date!(2024 - 11 - 07)));
    assert_eq!(transactions[1].amount, Decimal::from(280_000));
    assert_eq!(transactions[1].trade.as_ref().unwrap().quantity, Decimal::from(-100));
    assert_eq!(transactions[2].amount, Decimal::ZERO, "opening a margin position moves no cash");
    assert_eq!(transactions[0].line, 7);
}

#[test]
fn rakuten_securities_full_width_brackets_and_decimals() {
    let statement = read("rakuten-securities-trades.csv");
    let transactions = &statement.accounts[0].transactions;
    assert_eq!(transactions.len(), 3);
    let etf = transactions[1].trade.as_ref().unwrap();
    assert_eq!(etf.unit_price, Some(decimal("2800.5")));
    assert_eq!(transactions[1].memo, "NISA成長投資枠");
    assert_eq!(transactions[2].amount, Decimal::from(275_939));
    assert_eq!(transactions[2].description, "現物 売付 トヨタ自動車");
}

#[test]
fn mf_export_in_cp932_and_utf8_reads_the_same() {
    let cp932 = read("mf-export.csv");
    let utf8 = read("mf-export-utf8.csv");
    assert_eq!(cp932.encoding, TextEncoding::Cp932);
    assert_eq!(utf8.encoding, TextEncoding::Utf8);
    assert_eq!(cp932.accounts, utf8.accounts);
    assert_eq!(cp932.skipped, utf8.skipped);

    let names: Vec<&str> = cp932.accounts.iter().map(|a| a.hint.institution.as_str()).collect();
    assert_eq!(names, ["三井住友カード", "三井住友銀行", ""]);
    let card = &cp932.accounts[0].transactions;
    assert_eq!(card.len(), 2);
    assert_eq!(card[0].fingerprint, card[1].fingerprint);
    assert_eq!((card[0].occurrence, card[1].occurrence), (0, 1));
    assert_eq!(card[1].external_id.as_deref(), Some("Pq7nR2sT4uV6wX8yZ0aBcD"));
    assert_eq!(card[0].category, Some(("食費".to_owned(), Some("食料品".to_owned()))));
    let bank = &cp932.accounts[1].transactions;
    assert!(bank[0].transfer && !bank[0].included);
    assert_eq!(bank[0].category, None, "未分類 is no category");
    assert!(!bank[1].transfer && bank[1].included);
    assert_eq!(bank[1].memo, "11月分");
    assert_eq!(cp932.accounts[2].transactions[0].amount, Decimal::from(-1200));
    assert_eq!(
        skipped(&cp932),
        [(7, "金額（円） `12,3a4` is not a number".to_owned()), (8, "計算対象 `2` is neither 1 nor 0".to_owned())]
    );
}

#[test]
fn ofx_sgml_with_unclosed_tags_balances_and_a_missing_date() {
    let statement = read("ofx1-sgml-bank.ofx");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.institution, "Sample Credit Union");
    assert_eq!(account.hint.account_number.as_deref(), Some("0123456789"));
    assert_eq!(account.hint.currency, "USD");
    let transactions = &account.transactions;
    assert_eq!(transactions.len(), 4);
    assert_eq!(transactions[0].amount, decimal("-6.60"));
    assert_eq!(transactions[0].date, date!(2024 - 11 - 05));
    assert_eq!(transactions[0].external_id.as_deref(), Some("2024110501"));
    assert_eq!(transactions[0].memo, "POS PURCHASE");
    // Same day, amount and name: the same fingerprint, told apart by occurrence (and FITID).
    assert_eq!(transactions[0].fingerprint, transactions[1].fingerprint);
    assert_eq!(transactions[1].occurrence, 1);
    assert_eq!(transactions[2].amount, decimal("2500.00"));
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 30), decimal("3367.80"))));
    assert_eq!(account.available_balance, Some((date!(2024 - 11 - 30), decimal("3300.00"))));
    assert_eq!(skipped(&statement), [(66, "STMTTRN (FITID 2024111601) has no DTPOSTED".to_owned())]);
}

#[test]
fn ofx_csunicode_japanese_card_with_jst_dates() {
    let statement = read("ofx1-csunicode-jst.ofx");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.kind, AccountKind::Card);
    assert_eq!(account.hint.institution, "サンプルカード");
    assert_eq!(account.hint.currency, "JPY");
    assert_eq!(
        rows(&statement),
        [
            (date!(2024 - 11 - 02), Decimal::from(-3980), "アマゾン　マーケットプレイス".to_owned()),
            (date!(2024 - 11 - 30), Decimal::from(-1100), "ＮＨＫ受信料".to_owned()),
            (date!(2024 - 11 - 15), Decimal::from(500), "返品　ヨドバシカメラ".to_owned()),
        ]
    );
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 30), Decimal::from(-4580))));
}

#[test]
fn ofx_declared_cp1252_but_utf8_with_comma_decimals_and_empty_elements() {
    let statement = read("ofx1-cp1252-declared-utf8.ofx");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.currency, "EUR");
    let transactions = &account.transactions;
    assert_eq!(transactions.len(), 2);
    assert_eq!(transactions[0].description, "Café Müller");
    assert_eq!(transactions[0].amount, decimal("-6.60"));
    assert_eq!(transactions[0].memo, "");
    assert_eq!(transactions[1].amount, decimal("1234.56"));
    assert_eq!(transactions[1].description, "Virement reçu", "an empty NAME falls back to MEMO");
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 30), decimal("1227.96"))));
    assert_eq!(account.available_balance, None, "an empty AVAILBAL is no balance");
    assert_eq!(
        skipped(&statement),
        [(17, "DTPOSTED `00000000` is not a date".to_owned()), (18, "TRNAMT `abc` is not a number".to_owned()),]
    );
}

#[test]
fn ofx_xml_with_cdata_and_entities() {
    let statement = read("ofx2-xml-bank.ofx");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.name.as_deref(), Some("SAVINGS"));
    let transactions = &account.transactions;
    assert_eq!(transactions[0].description, "Smith & Sons");
    assert_eq!(transactions[0].memo, "Groceries <weekly> & more");
    assert_eq!(transactions[0].line, 26);
    assert_eq!(transactions[1].description, "Interest – November");
    assert_eq!(transactions[1].amount, decimal("0.42"));
    assert_eq!(account.ledger_balance, Some((date!(2024 - 11 - 30), decimal("1955.32"))));
}

#[test]
fn ofx_investment_trades_cash_and_positions() {
    let statement = read("ofx2-investment.ofx");
    let account = &statement.accounts[0];
    assert_eq!(account.hint.kind, AccountKind::Securities);
    assert_eq!(account.hint.account_number.as_deref(), Some("X-55501"));
    let transactions = &account.transactions;
    assert_eq!(transactions.len(), 3);
    assert_eq!(transactions[0].amount, decimal("-2226.00"));
    assert_eq!(transactions[0].description, "Buy Apple Inc.");
    let trade = transactions[0].trade.as_ref().unwrap();
    assert_eq!((trade.quantity, trade.fees), (Decimal::from(10), Some(decimal("1.00"))));
    assert_eq!(trade.settlement_date, Some(date!(2024 - 11 - 05)));
    assert_eq!(transactions[1].description, "Income DIV Apple Inc.");
    assert_eq!(transactions[1].amount, decimal("2.50"));
    assert_eq!(transactions[2].external_id.as_deref(), Some("T-3"));
    assert_eq!(account.holdings.len(), 1);
    assert_eq!(account.holdings[0].market_value, Some(decimal("2373.30")));
    assert_eq!(account.holdings[0].security_name, "Apple Inc.");
    assert_eq!(account.available_balance, Some((date!(2024 - 11 - 29), decimal("2776.50"))));
}

#[test]
fn ofx_without_header_with_cr_line_ends_and_a_comment_wrapper() {
    let text = "<!--\r<OFX>\r<BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>JPY\r<BANKTRANLIST>\r<STMTTRN>\r\
                <DTPOSTED>20241101\r<TRNAMT>-1,000\r<FITID>1\r<NAME>A&amp;B\r</BANKTRANLIST></STMTRS>\
                </STMTTRNRS></BANKMSGSRSV1></OFX>\r-->";
    let statement = parse(text.as_bytes(), &options()).unwrap();
    let transaction = &statement.accounts[0].transactions[0];
    assert_eq!((transaction.amount, transaction.description.as_str()), (Decimal::from(-1000), "A&B"));
    assert_eq!(transaction.line, 5);
    assert_eq!(statement.accounts[0].hint.institution, "OFX");
}

#[test]
fn ofx_shift_jis_body_and_missing_curdef() {
    let mut bytes =
        b"OFXHEADER:100\r\nCHARSET:932\r\n\r\n<OFX><STMTRS><BANKTRANLIST><STMTTRN><DTPOSTED>20241101<TRNAMT>5<NAME>"
            .to_vec();
    bytes.extend_from_slice(&encoding_rs::SHIFT_JIS.encode("振込").0);
    bytes.extend_from_slice(b"</STMTTRN></BANKTRANLIST></STMTRS></OFX>");
    let statement = parse(&bytes, &options()).unwrap();
    assert_eq!(statement.encoding, TextEncoding::Cp932);
    let account = &statement.accounts[0];
    assert_eq!(account.hint.currency, "XXX");
    assert_eq!(account.transactions[0].description, "振込");
}

#[test]
fn ofx_error_status_without_statement_is_reported() {
    let text = "OFXHEADER:100\n\n<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>15500<SEVERITY>ERROR\
                <MESSAGE>Invalid user ID or password</STATUS></SONRS></SIGNONMSGSRSV1></OFX>";
    let error = parse(text.as_bytes(), &options()).unwrap_err();
    assert_eq!(error.code, ErrorCode::InputInvalid);
    assert!(error.message.contains("15500") && error.message.contains("Invalid user ID"), "{}", error.message);
}

#[test]
fn a_file_with_a_header_but_no_readable_row_is_an_error() {
    let text = "取引日,入出金(円),取引後残高(円),入出金内容\r\n2024xx01,-1,1,x\r\n";
    let error = parse(text.as_bytes(), &options()).unwrap_err();
    assert_eq!(error.code, ErrorCode::InputInvalid);
    assert!(error.message.contains("line 2") && error.message.contains("2024xx01"), "{}", error.message);
}

#[test]
fn fingerprints_are_stable_and_depend_on_the_account() {
    let statement = read("sbi-sumishin.csv");
    // Pinned: changing the fingerprint recipe would make re-imports duplicate history.
    let first = &statement.accounts[0].transactions[0];
    assert_eq!(first.fingerprint.len(), 16);
    let again = read("sbi-sumishin.csv");
    assert_eq!(again.accounts[0].transactions[0].fingerprint, first.fingerprint);
    let card = read("rakuten-card.csv");
    assert_ne!(card.accounts[0].transactions[0].fingerprint, first.fingerprint);
}

/// Cheap deterministic pseudo-random numbers for the garbling test (no extra dependency).
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn truncated_and_garbled_fixtures_never_panic() {
    let mut noise = Noise(0x9e37_79b9_7f4a_7c15);
    for ((name, bytes), _) in FIXTURES {
        // Every cut would take long in debug builds; ~150 cuts per file still land in every part.
        let step = (bytes.len() / 150).max(1);
        for cut in (0..=bytes.len()).step_by(step) {
            let _ = parse(&bytes[..cut], &options());
            let _ = parse(&bytes[cut..], &options());
        }
        for round in 0..200 {
            let mut garbled = bytes.to_vec();
            let edits = 1 + (noise.next() % 8) as usize;
            for _ in 0..edits {
                if garbled.is_empty() {
                    break;
                }
                let at = (noise.next() as usize) % garbled.len();
                match noise.next() % 4 {
                    0 => garbled[at] = noise.next() as u8,
                    1 => {
                        garbled.remove(at);
                    }
                    2 => garbled.insert(at, b"<>,\"\r\n\x81\xff"[(noise.next() % 8) as usize]),
                    _ => {
                        let len = garbled.len();
                        let end = (at + (noise.next() as usize % 64)).min(len);
                        let copy = garbled[at..end].to_vec();
                        garbled.splice(at..at, copy);
                    }
                }
            }
            let outcome = std::panic::catch_unwind(|| parse(&garbled, &options()));
            assert!(outcome.is_ok(), "{name} round {round} panicked on {garbled:?}");
        }
    }
}
