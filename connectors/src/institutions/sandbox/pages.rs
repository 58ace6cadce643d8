//! What the sandbox's HTML sites have in common, parsed from page text: the fault and notice pages
//! (mapped to [`ConnectorError`]), the login form and its error, the as-of date of data pages,
//! paged history tables and the holdings table. Pure functions over text; `site` does the HTTP.

use super::formats;
use crate::error::ConnectorError;
use crate::fetched::{FetchedHolding, FetchedTransaction};
use scraper::{ElementRef, Html, Selector};
use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Japan Standard Time: the sandbox institutions are Japanese, and so are their "tomorrow"s.
pub const JST: UtcOffset = match UtcOffset::from_hms(9, 0, 0) {
    Ok(offset) => offset,
    Err(_) => panic!("UTC+9 is a valid offset"),
};

/// The text of `#login-error` when the login ID or password was wrong.
const WRONG_CREDENTIALS_MARK: &str = "ログインIDまたはパスワード";

/// A selector written in this file. Every one is exercised by the unit tests below.
pub fn selector(css: &'static str) -> Selector {
    Selector::parse(css).unwrap_or_else(|_| panic!("`{css}` is a valid CSS selector"))
}

pub fn first<'a>(scope: &'a Html, css: &'static str) -> Option<ElementRef<'a>> {
    scope.select(&selector(css)).next()
}

pub fn first_in<'a>(scope: ElementRef<'a>, css: &'static str) -> Option<ElementRef<'a>> {
    scope.select(&selector(css)).next()
}

/// An element's text, trimmed.
pub fn text(element: ElementRef<'_>) -> String {
    element.text().collect::<String>().trim().to_owned()
}

/// The error for a page whose expected elements are missing: never return empty data instead.
pub fn changed(page: &str, missing: &str) -> ConnectorError {
    ConnectorError::SiteChanged(format!(
        "the institution's {page} page no longer looks as expected ({missing}); the connector needs an update"
    ))
}

/// A required element.
pub fn required<'a>(document: &'a Html, css: &'static str, page: &str) -> Result<ElementRef<'a>, ConnectorError> {
    first(document, css).ok_or_else(|| changed(page, &format!("no `{css}`")))
}

/// A required attribute of a required element.
pub fn required_attr<'a>(
    document: &'a Html,
    css: &'static str,
    name: &str,
    page: &str,
) -> Result<&'a str, ConnectorError> {
    required(document, css, page)?.value().attr(name).ok_or_else(|| changed(page, &format!("no `{css}[{name}]`")))
}

/// A required amount in yen (`1,234円`) in the text of a required element.
pub fn required_yen(document: &Html, css: &'static str, page: &str) -> Result<rust_decimal::Decimal, ConnectorError> {
    let shown = text(required(document, css, page)?);
    formats::yen(&shown).ok_or_else(|| changed(page, &format!("`{css}` shows `{shown}`, not an amount in yen")))
}

/// Midnight at the start of the day after `today`, in Japan: when "try again tomorrow" means.
pub fn next_day_in_japan(today: Date) -> OffsetDateTime {
    let tomorrow = today.next_day().unwrap_or(today);
    PrimitiveDateTime::new(tomorrow, Time::MIDNIGHT).assume_offset(JST)
}

/// The fault and notice pages every sandbox HTML page may be replaced by, as the error they mean;
/// `None` for an ordinary page. `today` is the institution's date (for "busy, try tomorrow").
pub fn system_notice(status: u16, retry_after: Option<&str>, body: &str, today: Date) -> Option<ConnectorError> {
    let document = Html::parse_document(body);
    let has = |css: &'static str| first(&document, css).is_some();
    if status == 410 || has("#service-ended") {
        return Some(ConnectorError::Ended(
            "the institution has ended this service (本サービスは終了いたしました); the data fetched so far is kept"
                .into(),
        ));
    }
    if status == 503 || has("#maintenance") {
        let until = first(&document, "#maintenance")
            .and_then(|notice| notice.value().attr("data-maintenance-end"))
            .and_then(|end| OffsetDateTime::parse(end, &Rfc3339).ok())
            .or_else(|| maintenance_from_retry_after(retry_after));
        return Some(maintenance(until));
    }
    if has("#busy") {
        return Some(ConnectorError::Busy {
            message: "the institution is busy (ただいま混み合っています) and asks to try again tomorrow".into(),
            retry_at: Some(next_day_in_japan(today)),
        });
    }
    if status >= 500 || has("#system-error") {
        return Some(ConnectorError::Network(format!(
            "the institution answered with a system error (HTTP {status}); try again later"
        )));
    }
    if has("#relogin-required") {
        return Some(ConnectorError::ConsentExpired(
            "the institution ended the authorisation of this login (再ログインが必要です); re-link the connection"
                .into(),
        ));
    }
    if has("#terms-required") {
        let url = first(&document, "a#terms-url").and_then(|link| link.value().attr("href")).map(str::to_owned);
        return Some(ConnectorError::ActionRequired {
            message: "the institution has new terms of use; accept them at its site, then refresh again".into(),
            url,
        });
    }
    match status {
        403 => Some(ConnectorError::Network(
            "the institution refused a form because its session had expired; try again".into(),
        )),
        404 => Some(changed("requested", "the institution answered 404 not found")),
        400..=499 => Some(ConnectorError::Network(format!(
            "the institution refused the request (HTTP {status}); try again later"
        ))),
        _ => None,
    }
}

/// The end of a maintenance window from a `Retry-After` in seconds.
pub fn maintenance_from_retry_after(retry_after: Option<&str>) -> Option<OffsetDateTime> {
    let seconds = retry_after?.trim().parse::<i64>().ok()?;
    Some(OffsetDateTime::now_utc() + Duration::seconds(seconds))
}

/// Maintenance, with the end time in Japanese time when it is known.
pub fn maintenance(until: Option<OffsetDateTime>) -> ConnectorError {
    let message = match until {
        Some(end) => {
            let local = end.to_offset(JST);
            format!(
                "the institution is in maintenance until {:04}/{:02}/{:02} {:02}:{:02} (JST); GIMS tries again after that",
                local.year(),
                u8::from(local.month()),
                local.day(),
                local.hour(),
                local.minute()
            )
        }
        None => "the institution is in maintenance; try again later".to_owned(),
    };
    ConnectorError::Maintenance { message, until }
}

/// The session ended in the middle of a fetch: the whole run saves nothing.
pub fn session_expired() -> ConnectorError {
    ConnectorError::Network("the session at the institution expired while fetching; try again".into())
}

/// `form#login-form`: its CSRF token and, at CAPTCHA sites, the image to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginForm {
    pub csrf: String,
    pub captcha_src: Option<String>,
}

pub fn login_form(body: &str) -> Result<LoginForm, ConnectorError> {
    let document = Html::parse_document(body);
    let csrf = required_attr(&document, "form#login-form input[name=csrf]", "value", "login")?.to_owned();
    let captcha_src =
        first(&document, "img#captcha-image").and_then(|image| image.value().attr("src")).map(str::to_owned);
    Ok(LoginForm { csrf, captcha_src })
}

/// The CSRF token of another form (`form#otp-form`, `form#captcha-form`).
pub fn form_csrf(body: &str, form_css: &'static str, page: &str) -> Result<String, ConnectorError> {
    let document = Html::parse_document(body);
    let form = required(&document, form_css, page)?;
    first_in(form, "input[name=csrf]")
        .and_then(|input| input.value().attr("value"))
        .map(str::to_owned)
        .ok_or_else(|| changed(page, &format!("no CSRF field in `{form_css}`")))
}

/// What the login page says when it comes back instead of the next step.
pub fn login_error(body: &str) -> Option<String> {
    first(&Html::parse_document(body), "#login-error").map(text)
}

/// The login page came back after the password was posted: the credentials were refused, or the
/// page says something the connector does not know.
pub fn refused_login(body: &str) -> ConnectorError {
    match login_error(body) {
        Some(message) if message.contains(WRONG_CREDENTIALS_MARK) => ConnectorError::BadCredentials(
            "the institution did not accept the login ID or password (ログインIDまたはパスワードが正しくありません); edit the login"
                .into(),
        ),
        Some(_) => changed("login", "an unknown login error"),
        None => changed("login", "neither the next step nor a login error after the password"),
    }
}

/// `p#as-of[data-date]` of a data page.
pub fn as_of(document: &Html, page: &str) -> Result<Date, ConnectorError> {
    let shown = required_attr(document, "p#as-of", "data-date", page)?;
    formats::iso_date(shown).ok_or_else(|| changed(page, &format!("`p#as-of` has the date `{shown}`")))
}

/// One page of a paged history: its rows and the link to the next (older) page.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryPage {
    pub transactions: Vec<FetchedTransaction>,
    pub next: Option<String>,
}

/// What every history row has: `tr.txn[data-id]` with `td.date` and `td.description`.
pub struct RowBasics {
    pub id: String,
    pub date: Date,
    pub description: String,
}

/// The text of `td.{class}` in a row.
pub fn cell(row: ElementRef<'_>, css: &'static str) -> Result<String, String> {
    first_in(row, css).map(text).ok_or_else(|| format!("a row without `{css}`"))
}

pub fn row_basics(row: ElementRef<'_>) -> Result<RowBasics, String> {
    let id = row.value().attr("data-id").filter(|id| !id.is_empty()).ok_or("a row without `data-id`")?;
    let shown = cell(row, "td.date")?;
    let date = formats::slash_date(&shown).ok_or_else(|| format!("a row dated `{shown}`"))?;
    Ok(RowBasics { id: id.to_owned(), date, description: cell(row, "td.description")? })
}

/// A history row whose `td.amount` is already signed as the money moved (`-540円`, `+1,000円`).
pub fn signed_amount_row(row: ElementRef<'_>) -> Result<FetchedTransaction, String> {
    let basics = row_basics(row)?;
    let shown = cell(row, "td.amount")?;
    let amount = formats::yen(&shown).ok_or_else(|| format!("an amount of `{shown}`"))?;
    Ok(basics.with_amount(amount))
}

impl RowBasics {
    pub fn with_amount(self, amount: rust_decimal::Decimal) -> FetchedTransaction {
        FetchedTransaction {
            external_id: Some(self.id),
            date: self.date,
            amount,
            description: self.description,
            memo: String::new(),
        }
    }
}

/// A history page: `{table} tr.txn` rows read by `row`, and `nav.pager` with its `a[rel=next]`.
/// The pager closes the page, so a page cut off before it is an error rather than fewer rows.
pub fn history_page(
    body: &str,
    page: &str,
    table_css: &'static str,
    rows_css: &'static str,
    row: impl Fn(ElementRef<'_>) -> Result<FetchedTransaction, String>,
) -> Result<HistoryPage, ConnectorError> {
    let document = Html::parse_document(body);
    required(&document, table_css, page)?;
    if first(&document, "nav.pager span.page-info").is_none() {
        // The pager closes every history page: without it the rows may stop anywhere.
        return Err(ConnectorError::Network(format!(
            "the institution's {page} page ended before its pager, as if cut off; nothing was saved; try again"
        )));
    }
    let transactions = document
        .select(&selector(rows_css))
        .map(|element| row(element).map_err(|problem| changed(page, &problem)))
        .collect::<Result<Vec<_>, _>>()?;
    let next = first(&document, "nav.pager a[rel=next]")
        .map(|link| {
            link.value().attr("href").map(str::to_owned).ok_or_else(|| changed(page, "a next link without href"))
        })
        .transpose()?;
    Ok(HistoryPage { transactions, next })
}

/// `tr.holding` rows of a holdings table (bank funds, securities): name, code, quantity (株/口),
/// price per unit (funds are quoted per 10,000口), valuation and cost in yen.
pub fn holdings(document: &Html, table_css: &'static str, page: &str) -> Result<Vec<FetchedHolding>, ConnectorError> {
    let table = required(document, table_css, page)?;
    table.select(&selector("tr.holding")).map(|row| holding(row).map_err(|problem| changed(page, &problem))).collect()
}

fn holding(row: ElementRef<'_>) -> Result<FetchedHolding, String> {
    let number = |css: &'static str, read: fn(&str) -> Option<rust_decimal::Decimal>| {
        let shown = cell(row, css)?;
        read(&shown).ok_or_else(|| format!("`{css}` of a holding shows `{shown}`"))
    };
    let code = cell(row, "td.code")?;
    Ok(FetchedHolding {
        asset: cell(row, "td.name")?,
        code: (!code.is_empty()).then_some(code),
        quantity: number("td.quantity", formats::quantity)?,
        price: Some(number("td.price", formats::unit_price)?),
        price_per: formats::price_basis(&cell(row, "td.price")?),
        value: Some(number("td.value", formats::yen)?),
        cost: Some(number("td.cost", formats::yen)?),
        currency: "JPY".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;
    use time::macros::{date, datetime};

    const TODAY: Date = date!(2026 - 11 - 28);

    fn page(main: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>t</title></head>\
             <body data-institution=\"sandbox-bank\"><main id=\"main\"><h1>t</h1>\n{main}\n</main></body></html>"
        )
    }

    #[test]
    fn an_ordinary_page_is_no_notice() {
        assert_eq!(system_notice(200, None, &page("<p id=\"as-of\" data-date=\"2026-11-28\"></p>"), TODAY), None);
    }

    #[test]
    fn fault_pages_become_the_errors_they_mean() {
        let busy = page("<div id=\"busy\" class=\"system-message\"><p>ただいま混み合っています。</p></div>");
        assert_eq!(
            system_notice(200, None, &busy, TODAY),
            Some(ConnectorError::Busy {
                message: "the institution is busy (ただいま混み合っています) and asks to try again tomorrow".into(),
                retry_at: Some(datetime!(2026-11-29 00:00 +9)),
            })
        );
        let maintenance_page =
            page("<div id=\"maintenance\" data-maintenance-end=\"2026-11-28T04:00:00Z\"><p>メンテナンス中</p></div>");
        match system_notice(503, Some("10800"), &maintenance_page, TODAY) {
            Some(ConnectorError::Maintenance { until, message }) => {
                assert_eq!(until, Some(datetime!(2026-11-28 04:00 UTC)));
                assert!(message.contains("2026/11/28 13:00"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let ended = page("<div id=\"service-ended\"><p>本サービスは終了いたしました。</p></div>");
        assert!(matches!(system_notice(410, None, &ended, TODAY), Some(ConnectorError::Ended(_))));
        let error = page("<div id=\"system-error\"><p>システムエラー</p></div>");
        assert!(matches!(system_notice(500, None, &error, TODAY), Some(ConnectorError::Network(_))));
        let relogin = page("<div id=\"relogin-required\"><p>再ログイン</p></div>");
        assert!(matches!(system_notice(200, None, &relogin, TODAY), Some(ConnectorError::ConsentExpired(_))));
        let terms = page(
            "<div id=\"terms-required\"><a id=\"terms-url\" href=\"http://127.0.0.1:1/sandbox-bank/terms\">x</a></div>",
        );
        match system_notice(200, None, &terms, TODAY) {
            Some(ConnectorError::ActionRequired { url, .. }) => {
                assert_eq!(url.as_deref(), Some("http://127.0.0.1:1/sandbox-bank/terms"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            system_notice(403, None, &page("<p id=\"session-error\">x</p>"), TODAY),
            Some(ConnectorError::Network(_))
        ));
        assert!(matches!(
            system_notice(404, None, &page("<p id=\"not-found\">x</p>"), TODAY),
            Some(ConnectorError::SiteChanged(_))
        ));
    }

    #[test]
    fn maintenance_without_its_attribute_falls_back_to_retry_after() {
        let before = OffsetDateTime::now_utc();
        match system_notice(503, Some("60"), "<html><body>down</body></html>", TODAY) {
            Some(ConnectorError::Maintenance { until: Some(until), .. }) => {
                assert!(
                    until >= before + Duration::seconds(59)
                        && until <= OffsetDateTime::now_utc() + Duration::seconds(61)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_the_login_form_and_its_errors() {
        let body = page(
            "<p id=\"login-error\" class=\"error\">ログインIDまたはパスワードが正しくありません。</p>\
             <form id=\"login-form\" method=\"post\" action=\"/sandbox-emoney/login\">\
             <input type=\"hidden\" name=\"csrf\" value=\"c5rf\"><input name=\"login_id\"><input name=\"password\">\
             <img id=\"captcha-image\" src=\"/sandbox-emoney/captcha.png?id=abc\"><input name=\"captcha\"></form>",
        );
        assert_eq!(
            login_form(&body),
            Ok(LoginForm { csrf: "c5rf".into(), captcha_src: Some("/sandbox-emoney/captcha.png?id=abc".into()) })
        );
        assert!(
            matches!(refused_login(&body), ConnectorError::BadCredentials(message) if message.contains("edit the login"))
        );
        assert!(matches!(login_form(&page("<form id=\"v2-login-form\"></form>")), Err(ConnectorError::SiteChanged(_))));
        assert!(matches!(refused_login(&page("<p>?</p>")), ConnectorError::SiteChanged(_)));
        let otp = page("<form id=\"otp-form\"><input type=\"hidden\" name=\"csrf\" value=\"x1\"></form>");
        assert_eq!(form_csrf(&otp, "form#otp-form", "OTP"), Ok("x1".into()));
    }

    fn signed_row(row: ElementRef<'_>) -> Result<FetchedTransaction, String> {
        let basics = row_basics(row)?;
        let shown = cell(row, "td.amount")?;
        let amount = formats::yen(&shown).ok_or("bad amount")?;
        Ok(basics.with_amount(amount))
    }

    const HISTORY: &str = "<p id=\"as-of\" data-date=\"2026-11-28\">2026/11/28 現在</p>\
        <table id=\"history\"><tbody>\
        <tr class=\"txn\" data-id=\"E2026112801\"><td class=\"date\">2026/11/28</td><td class=\"description\">ｾﾌﾞﾝｲﾚﾌﾞﾝ &amp; co</td><td class=\"amount\">-540円</td></tr>\
        <tr class=\"txn\" data-id=\"E2026112701\"><td class=\"date\">2026/11/27</td><td class=\"description\">チャージ</td><td class=\"amount\">+5,000円</td></tr>\
        </tbody></table>\
        <nav class=\"pager\"><span class=\"page-info\" data-page=\"1\" data-pages=\"2\">1 / 2</span> <a rel=\"next\" href=\"/sandbox-emoney/history?page=2\">次へ</a></nav>";

    #[test]
    fn reads_a_history_page_and_its_next_link() {
        let parsed =
            history_page(&page(HISTORY), "history", "table#history", "table#history tr.txn", signed_row).unwrap();
        assert_eq!(parsed.next.as_deref(), Some("/sandbox-emoney/history?page=2"));
        assert_eq!(parsed.transactions.len(), 2);
        assert_eq!(parsed.transactions[0].external_id.as_deref(), Some("E2026112801"));
        assert_eq!(parsed.transactions[0].description, "ｾﾌﾞﾝｲﾚﾌﾞﾝ & co");
        assert_eq!(parsed.transactions[0].amount, Decimal::from(-540));
        assert_eq!(parsed.transactions[1].date, date!(2026 - 11 - 27));
        assert_eq!(parsed.transactions[1].amount, Decimal::from(5000));
    }

    #[test]
    fn a_history_page_cut_before_its_pager_or_in_a_new_layout_is_an_error() {
        let cut = &HISTORY[..HISTORY.find("</tbody>").unwrap()];
        assert!(matches!(
            history_page(cut, "history", "table#history", "table#history tr.txn", signed_row),
            Err(ConnectorError::Network(_))
        ));
        let renamed = HISTORY.replace(" id=\"", " id=\"v2-").replace(" class=\"", " class=\"v2-");
        assert!(matches!(
            history_page(&page(&renamed), "history", "table#history", "table#history tr.txn", signed_row),
            Err(ConnectorError::SiteChanged(_))
        ));
        let bad_row = HISTORY.replace("-540円", "-540");
        assert!(matches!(
            history_page(&page(&bad_row), "history", "table#history", "table#history tr.txn", signed_row),
            Err(ConnectorError::SiteChanged(_))
        ));
    }

    #[test]
    fn reads_a_holdings_table() {
        let body = page(
            "<table id=\"fund-holdings\" class=\"holdings\"><tbody>\
             <tr class=\"holding\" data-code=\"0331418A\"><td class=\"name\">eMAXIS Slim 全世界株式（オール・カントリー）</td>\
             <td class=\"code\">0331418A</td><td class=\"quantity\">123,456口</td><td class=\"price\">24,500円（1万口あたり）</td>\
             <td class=\"value\">302,467円</td><td class=\"cost\">280,000円</td></tr>\
             <tr class=\"holding\" data-code=\"7203\"><td class=\"name\">トヨタ自動車</td><td class=\"code\">7203</td>\
             <td class=\"quantity\">300株</td><td class=\"price\">2,845.5円</td><td class=\"value\">853,650円</td>\
             <td class=\"cost\">800,000円</td></tr></tbody></table>",
        );
        let document = Html::parse_document(&body);
        let read = holdings(&document, "table#fund-holdings", "portfolio").unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].quantity, Decimal::from(123_456));
        assert_eq!(read[0].price, Some(Decimal::from_str("2.45").unwrap()));
        assert_eq!(read[0].value, Some(Decimal::from(302_467)));
        assert_eq!(read[1].code.as_deref(), Some("7203"));
        assert_eq!(read[1].price, Some(Decimal::from_str("2845.5").unwrap()));
        assert_eq!(read[1].cost, Some(Decimal::from(800_000)));
        assert!(matches!(
            holdings(&document, "table#stock-holdings", "portfolio"),
            Err(ConnectorError::SiteChanged(_))
        ));
        assert_eq!(as_of(&Html::parse_document(&page(HISTORY)), "history"), Ok(date!(2026 - 11 - 28)));
    }
}
