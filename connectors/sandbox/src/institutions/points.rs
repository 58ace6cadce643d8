//! The points programme (sandbox-points): balance, points by expiry date, and the paged history
//! of points earned, used and expired.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::{Ctx, PageQuery};
use crate::html::{escape, page_of, pager, slash_date, thousands};
use crate::login::logged_in;

pub fn routes() -> Router<Ctx> {
    Router::new().route("/points", get(points)).route("/points/history", get(history))
}

fn pt(points: i64) -> String {
    format!("{}pt", thousands(points))
}

async fn points(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let member = &data.accounts[0];
    let mut main = format!(
        "<section id=\"points-summary\" data-member-no=\"{no}\"><h2>{name}</h2>\n\
         <p>会員番号 <span id=\"member-no\">{no}</span></p>\n\
         <p>保有ポイント <span id=\"points-balance\">{balance}</span></p>\n\
         <a id=\"history-link\" href=\"{href}\">ポイント履歴</a></section>\n\
         <table id=\"points-expiry\">\n<thead><tr><th>有効期限</th><th>ポイント</th></tr></thead>\n<tbody>\n",
        no = escape(&member.id),
        name = escape(&member.name),
        balance = pt(member.balance),
        href = ctx.path("/points/history"),
    );
    for expiry in &member.points_expiry {
        let _ = writeln!(
            main,
            "<tr class=\"expiry\"><td class=\"expiry-date\">{}</td><td class=\"points\">{}</td></tr>",
            slash_date(expiry.date),
            pt(expiry.points),
        );
    }
    main.push_str("</tbody>\n</table>");
    ctx.data_page("ポイント照会", &main)
}

async fn history(State(ctx): State<Ctx>, Query(query): Query<PageQuery>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let member = &data.accounts[0];
    let page = query.number();
    let (rows, has_next) = page_of(&member.transactions, page);
    let mut main = String::from(
        "<table id=\"history\">\n<thead><tr><th>日付</th><th>内容</th><th>ポイント</th></tr></thead>\n<tbody>\n",
    );
    for entry in rows {
        let sign = if entry.amount > 0 { "+" } else { "" };
        let _ = writeln!(
            main,
            "<tr class=\"txn\" data-id=\"{id}\"><td class=\"date\">{date}</td><td class=\"description\">{description}</td>\
             <td class=\"points\">{sign}{points}</td></tr>",
            id = escape(&entry.id),
            date = slash_date(entry.date),
            description = escape(&entry.description),
            points = pt(entry.amount),
        );
    }
    main.push_str("</tbody>\n</table>\n");
    main.push_str(&pager(&ctx.path("/points/history"), page, member.transactions.len(), has_next));
    ctx.history_page(&user.session_id, "ポイント履歴", &main)
}
