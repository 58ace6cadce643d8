//! The e-money wallet (sandbox-emoney): balance page and paged history, where card charges
//! (チャージ) are positive and payments negative. Its login has an image CAPTCHA.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::{Ctx, PageQuery};
use crate::html::{escape, page_of, pager, signed_yen, slash_date, yen};
use crate::login::logged_in;

pub fn routes() -> Router<Ctx> {
    Router::new().route("/balance", get(balance)).route("/history", get(history))
}

async fn balance(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let wallet = &data.accounts[0];
    let main = format!(
        "<section id=\"wallet\" data-wallet-no=\"{no}\"><h2 id=\"wallet-name\">{name}</h2>\n\
         <p>会員番号 <span id=\"wallet-no\">{no}</span></p>\n\
         <p>残高 <span id=\"emoney-balance\">{balance}</span></p>\n\
         <a id=\"history-link\" href=\"{href}\">利用履歴</a></section>",
        no = escape(&wallet.id),
        name = escape(&wallet.name),
        balance = yen(wallet.balance),
        href = ctx.path("/history"),
    );
    ctx.data_page("残高照会", &main)
}

async fn history(State(ctx): State<Ctx>, Query(query): Query<PageQuery>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let wallet = &data.accounts[0];
    let page = query.number();
    let (rows, has_next) = page_of(&wallet.transactions, page);
    let mut main = String::from(
        "<table id=\"history\">\n<thead><tr><th>日付</th><th>内容</th><th>金額</th><th>残高</th></tr></thead>\n<tbody>\n",
    );
    for transaction in rows {
        let _ = writeln!(
            main,
            "<tr class=\"txn\" data-id=\"{id}\"><td class=\"date\">{date}</td><td class=\"description\">{description}</td>\
             <td class=\"amount\">{amount}</td><td class=\"balance\">{balance}</td></tr>",
            id = escape(&transaction.id),
            date = slash_date(transaction.date),
            description = escape(&transaction.description),
            amount = signed_yen(transaction.amount),
            balance = yen(transaction.balance),
        );
    }
    main.push_str("</tbody>\n</table>\n");
    main.push_str(&pager(&ctx.path("/history"), page, wallet.transactions.len(), has_next));
    ctx.history_page(&user.session_id, "利用履歴", &main)
}
