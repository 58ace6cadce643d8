//! HTML building blocks shared by every institution: escaping, the page shell, Japanese number and
//! date formats, and the ledger table with its pager.

use std::fmt::Write;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use time::Date;

use crate::data::Transaction;

/// Escapes text for element content and double-quoted attribute values. Descriptions are data
/// from the institution, so every interpolation goes through here.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(character),
        }
    }
    escaped
}

/// `1234567` → `1,234,567` (a leading `-` is kept).
pub fn thousands(amount: i64) -> String {
    let digits = amount.unsigned_abs().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    if amount < 0 { format!("-{grouped}") } else { grouped }
}

/// `1234567` → `1,234,567円`.
pub fn yen(amount: i64) -> String {
    format!("{}円", thousands(amount))
}

/// `+1,234円` / `-1,234円`: for signed amount columns.
pub fn signed_yen(amount: i64) -> String {
    if amount > 0 { format!("+{}", yen(amount)) } else { yen(amount) }
}

/// A decimal string with thousands separators in its integer part: `2345.5` → `2,345.5`.
pub fn decimal(value: &str) -> String {
    match value.split_once('.') {
        Some((whole, fraction)) => format!("{}.{fraction}", thousands(whole.parse().unwrap_or(0))),
        None => thousands(value.parse().unwrap_or(0)),
    }
}

/// `YYYY/MM/DD`, as Japanese sites print dates.
pub fn slash_date(date: Date) -> String {
    format!("{:04}/{:02}/{:02}", date.year(), u8::from(date.month()), date.day())
}

/// A complete page: every institution page has the same shell so that `body[data-institution]`
/// and `#main` are always there.
pub fn page(institution_id: &str, institution_name: &str, title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{title} | {name}</title>\n</head>\n<body data-institution=\"{id}\">\n\
         <header><p class=\"site-name\">{name}</p></header>\n<main id=\"main\">\n<h1>{title}</h1>\n{main}\n</main>\n\
         <footer><p>このサイトはGIMSのサンドボックスです。実在の金融機関ではありません。</p></footer>\n</body>\n</html>\n",
        title = escape(title),
        name = escape(institution_name),
        id = escape(institution_id),
    )
}

/// An HTML response with an explicit status.
pub fn respond(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// A 302 to a path (relative to the host): what a bank does after a form post or a lost session.
pub fn redirect(location: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, location.to_owned())]).into_response()
}

/// History rows per page, on every paged HTML history.
pub const PAGE_SIZE: usize = 20;

/// The 1-based page `page` of `transactions` and whether more pages follow.
pub fn page_of(transactions: &[Transaction], page: usize) -> (&[Transaction], bool) {
    let start = (page.max(1) - 1) * PAGE_SIZE;
    if start >= transactions.len() {
        return (&[], false);
    }
    let end = (start + PAGE_SIZE).min(transactions.len());
    (&transactions[start..end], end < transactions.len())
}

/// The pager under every history table: `a[rel=next]` (次へ) only when another page follows.
pub fn pager(base_path: &str, page: usize, total: usize, has_next: bool) -> String {
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let mut html = format!(
        "<nav class=\"pager\"><span class=\"page-info\" data-page=\"{page}\" data-pages=\"{pages}\">{page} / {pages}ページ（全{total}件）</span>"
    );
    if page > 1 {
        let _ = write!(html, " <a rel=\"prev\" href=\"{}?page={}\">前へ</a>", escape(base_path), page - 1);
    }
    if has_next {
        let _ = write!(html, " <a rel=\"next\" href=\"{}?page={}\">次へ</a>", escape(base_path), page + 1);
    }
    html.push_str("</nav>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_a_japanese_site() {
        assert_eq!(yen(1_234_567), "1,234,567円");
        assert_eq!(yen(-1_000), "-1,000円");
        assert_eq!(yen(999), "999円");
        assert_eq!(signed_yen(540), "+540円");
        assert_eq!(decimal("2345.5"), "2,345.5");
        assert_eq!(escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(slash_date(time::macros::date!(2026 - 01 - 05)), "2026/01/05");
    }
}
