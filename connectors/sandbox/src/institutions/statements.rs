//! 明細ダウンロード: the statement-download page the HTML banks show behind their login, and the
//! files it serves, as real banks serve them: a form (account, period, format), then a response
//! with `Content-Disposition: attachment`. The CSV is in 楽天銀行's layout (CP932, CRLF, a signed
//! amount with a full-width minus, oldest first: `shared/reference/connector-protocols.md` §8) and
//! the OFX is a 1.02 SGML bank statement (§7); both are what GIMS's importer reads. The institution
//! window's statement capture and its recipes are proven against these pages.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use time::{Date, Duration};

use super::Ctx;
use crate::clock::today_in_japan;
use crate::data::{Account, AccountKind, Transaction};
use crate::html::{escape, respond};
use crate::login::logged_in;

pub fn routes() -> Router<Ctx> {
    Router::new().route("/statements", get(statements_page)).route("/statements/download", get(download))
}

/// The periods the form offers, in months back from today.
const PERIODS: &[(u32, &str)] = &[(1, "直近1か月"), (3, "直近3か月"), (6, "直近6か月")];

async fn statements_page(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let mut accounts = String::new();
    for account in data.accounts.iter().filter(|a| a.kind == AccountKind::Bank) {
        let _ = write!(
            accounts,
            "<option value=\"{no}\">{name} {no}</option>",
            no = escape(&account.id),
            name = escape(&account.name)
        );
    }
    let periods: String = PERIODS
        .iter()
        .map(|(months, label)| {
            let selected = if *months == 1 { " selected" } else { "" };
            format!("<option value=\"{months}\"{selected}>{label}</option>")
        })
        .collect();
    let main = format!(
        "<h2>明細ダウンロード</h2>\n\
         <form id=\"statement-form\" method=\"get\" action=\"{action}\">\n\
         <label>口座 <select id=\"statement-account\" name=\"account\">{accounts}</select></label>\n\
         <label>期間 <select id=\"statement-period\" name=\"months\">{periods}</select></label>\n\
         <label>形式 <select id=\"statement-format\" name=\"format\">\
         <option value=\"csv\" selected>CSV（Shift_JIS）</option><option value=\"ofx\">OFX（Money形式）</option></select></label>\n\
         <button id=\"statement-download\" type=\"submit\">ダウンロード</button>\n</form>\n",
        action = ctx.path("/statements/download"),
    );
    ctx.data_page("明細ダウンロード", &main)
}

#[derive(Debug, serde::Deserialize)]
struct DownloadQuery {
    account: String,
    months: Option<u32>,
    format: Option<String>,
}

async fn download(State(ctx): State<Ctx>, headers: HeaderMap, Query(query): Query<DownloadQuery>) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let Some(account) = data.account(&query.account).filter(|a| a.kind == AccountKind::Bank) else {
        return ctx.not_found();
    };
    let months = query.months.unwrap_or(1);
    if !PERIODS.iter().any(|(offered, _)| *offered == months) {
        return respond(
            StatusCode::BAD_REQUEST,
            ctx.page(
                "明細ダウンロード",
                "<p id=\"statement-error\" class=\"error\">期間の指定が正しくありません。</p>",
            ),
        );
    }
    let today = today_in_japan(ctx.now());
    let from = today - Duration::days(i64::from(months) * 31);
    // Oldest first, as the bank's files list them.
    let rows: Vec<&Transaction> = account.transactions.iter().rev().filter(|t| t.date >= from).collect();
    let stamp = format!("{:04}{:02}{:02}", today.year(), u8::from(today.month()), today.day());
    match query.format.as_deref().unwrap_or("csv") {
        "csv" => {
            attachment(&format!("meisai_{}_{stamp}.csv", account.id), "text/csv; charset=Shift_JIS", rakuten_csv(&rows))
        }
        "ofx" => attachment(
            &format!("meisai_{}_{stamp}.ofx", account.id),
            "application/x-ofx",
            ofx(ctx.institution.name, account, &rows, from, today).into_bytes(),
        ),
        _ => respond(
            StatusCode::BAD_REQUEST,
            ctx.page(
                "明細ダウンロード",
                "<p id=\"statement-error\" class=\"error\">形式の指定が正しくありません。</p>",
            ),
        ),
    }
}

fn attachment(filename: &str, content_type: &'static str, body: Vec<u8>) -> Response {
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")).expect("file names are ASCII"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// 楽天銀行's 入出金明細 layout: `取引日,入出金(円),取引後残高(円),入出金内容`, YYYYMMDD, money
/// out with a full-width minus (CP932 0x817C), CRLF, CP932.
fn rakuten_csv(rows: &[&Transaction]) -> Vec<u8> {
    let mut text = String::from("取引日,入出金(円),取引後残高(円),入出金内容\r\n");
    for row in rows {
        let amount = if row.amount < 0 { format!("－{}", -row.amount) } else { row.amount.to_string() };
        let description = row.description.replace([',', '"', '\r', '\n'], " ");
        let _ = write!(text, "{},{amount},{},{description}\r\n", compact(row.date), row.balance);
    }
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&text);
    bytes.into_owned()
}

/// An OFX 1.02 SGML bank statement (leaf elements unclosed, as 1.x files write them).
fn ofx(bank: &str, account: &Account, rows: &[&Transaction], from: Date, today: Date) -> String {
    let mut out = format!(
        "OFXHEADER:100\r\nDATA:OFXSGML\r\nVERSION:102\r\nSECURITY:NONE\r\nENCODING:UTF-8\r\nCHARSET:CSUNICODE\r\n\
         COMPRESSION:NONE\r\nOLDFILEUID:NONE\r\nNEWFILEUID:NONE\r\n\r\n\
         <OFX>\r\n<SIGNONMSGSRSV1>\r\n<SONRS>\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n\
         <DTSERVER>{today}000000[+9:JST]\r\n<LANGUAGE>JPN\r\n<FI>\r\n<ORG>{bank}\r\n</FI>\r\n</SONRS>\r\n</SIGNONMSGSRSV1>\r\n\
         <BANKMSGSRSV1>\r\n<STMTTRNRS>\r\n<TRNUID>0\r\n<STATUS>\r\n<CODE>0\r\n<SEVERITY>INFO\r\n</STATUS>\r\n<STMTRS>\r\n\
         <CURDEF>JPY\r\n<BANKACCTFROM>\r\n<BANKID>9999\r\n<ACCTID>{acct}\r\n<ACCTTYPE>SAVINGS\r\n</BANKACCTFROM>\r\n\
         <BANKTRANLIST>\r\n<DTSTART>{from}000000[+9:JST]\r\n<DTEND>{today}235959[+9:JST]\r\n",
        today = compact(today),
        from = compact(from),
        bank = sgml(bank),
        acct = sgml(&account.id),
    );
    for row in rows {
        let _ = write!(
            out,
            "<STMTTRN>\r\n<TRNTYPE>{kind}\r\n<DTPOSTED>{date}000000[+9:JST]\r\n<TRNAMT>{amount}\r\n<FITID>{id}\r\n<NAME>{name}\r\n</STMTTRN>\r\n",
            kind = if row.amount < 0 { "DEBIT" } else { "CREDIT" },
            date = compact(row.date),
            amount = row.amount,
            id = sgml(&row.id),
            name = sgml(&row.description),
        );
    }
    let _ = write!(
        out,
        "</BANKTRANLIST>\r\n<LEDGERBAL>\r\n<BALAMT>{balance}\r\n<DTASOF>{today}235959[+9:JST]\r\n</LEDGERBAL>\r\n\
         </STMTRS>\r\n</STMTTRNRS>\r\n</BANKMSGSRSV1>\r\n</OFX>\r\n",
        balance = account.balance,
        today = compact(today),
    );
    out
}

fn compact(date: Date) -> String {
    format!("{:04}{:02}{:02}", date.year(), u8::from(date.month()), date.day())
}

/// Text in an SGML element: the markup characters escaped, line breaks removed.
fn sgml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace(['\r', '\n'], " ")
}
