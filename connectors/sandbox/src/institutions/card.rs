//! The card issuer (sandbox-card): one login, three cards, each with its unpaid balance, next
//! payment and paged statement. Statements print charges as positive 利用金額, as issuers do.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::{Ctx, PageQuery};
use crate::html::{escape, page_of, pager, slash_date, yen};
use crate::login::logged_in;

pub fn routes() -> Router<Ctx> {
    Router::new().route("/cards", get(cards)).route("/cards/{card_id}/statement", get(statement))
}

async fn cards(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let mut main = String::from(
        "<table id=\"cards\">\n<thead><tr><th>カード名</th><th>カード番号</th><th>ご利用残高</th>\
         <th>次回お支払日</th><th>次回お支払金額</th><th></th></tr></thead>\n<tbody>\n",
    );
    for card in &data.accounts {
        let Some(details) = &card.card else { continue };
        let _ = writeln!(
            main,
            "<tr class=\"card\" data-card-id=\"{id}\"><td class=\"card-name\">{name}</td>\
             <td class=\"card-no\">****-****-****-{tail}</td><td class=\"unpaid-balance\">{owed}</td>\
             <td class=\"next-payment-date\">{date}</td><td class=\"next-payment-amount\">{amount}</td>\
             <td><a class=\"statement-link\" href=\"{href}\">ご利用明細</a></td></tr>",
            id = escape(&card.id),
            name = escape(&card.name),
            tail = escape(&details.number_tail),
            owed = yen(-card.balance),
            date = slash_date(details.next_payment_date),
            amount = yen(details.next_payment_amount),
            href = ctx.path(&format!("/cards/{}/statement", card.id)),
        );
    }
    main.push_str("</tbody>\n</table>");
    ctx.data_page("カード一覧", &main)
}

async fn statement(
    State(ctx): State<Ctx>,
    Path(card_id): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let Some(card) = data.account(&card_id) else {
        return ctx.not_found();
    };
    let page = query.number();
    let (rows, has_next) = page_of(&card.transactions, page);
    let mut main = format!(
        "<p id=\"card-summary\" data-card-id=\"{id}\">{name} ご利用残高 <span class=\"unpaid-balance\">{owed}</span></p>\n\
         <table id=\"statement\">\n<thead><tr><th>ご利用日</th><th>ご利用店名</th><th>ご利用金額</th></tr></thead>\n<tbody>\n",
        id = escape(&card.id),
        name = escape(&card.name),
        owed = yen(-card.balance),
    );
    for line in rows {
        let _ = writeln!(
            main,
            "<tr class=\"txn\" data-id=\"{id}\"><td class=\"date\">{date}</td><td class=\"description\">{description}</td>\
             <td class=\"amount\">{amount}</td></tr>",
            id = escape(&line.id),
            date = slash_date(line.date),
            description = escape(&line.description),
            amount = yen(-line.amount),
        );
    }
    main.push_str("</tbody>\n</table>\n");
    main.push_str(&pager(&ctx.path(&format!("/cards/{}/statement", card.id)), page, card.transactions.len(), has_next));
    ctx.history_page(&user.session_id, "ご利用明細", &main)
}
