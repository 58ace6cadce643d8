//! The defined-contribution pension plan (sandbox-pension, 確定拠出年金): the assets page (the
//! plan's valuation, 未投資資金 and the funds it holds) and the paged history of contributions,
//! fees and purchases. An institution that allows only the aggregator's scheduled refresh: the
//! sandbox serves it like any other site; the policy is declared by its connector.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::{Ctx, PageQuery, holdings_table};
use crate::html::{escape, page_of, pager, signed_yen, slash_date, yen};
use crate::login::logged_in;

pub fn routes() -> Router<Ctx> {
    Router::new().route("/assets", get(assets)).route("/history", get(history))
}

async fn assets(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let plan = &data.accounts[0];
    let holdings: Vec<_> = plan.holdings.iter().collect();
    let invested: i64 = plan.holdings.iter().map(|holding| holding.value).sum();
    let main = format!(
        "<section id=\"pension-account\" data-plan-no=\"{no}\"><h2>{name}</h2>\n\
         <p>加入者番号 <span id=\"plan-no\">{no}</span></p>\n\
         <p>資産評価額合計 <span id=\"total-valuation\">{total}</span></p>\n\
         <p>未投資資金 <span id=\"cash-balance\">{cash}</span></p>\n\
         <a id=\"history-link\" href=\"{history}\">取引履歴</a>\n\
         <section id=\"products\"><h3>運用商品</h3>\n{table}</section>\n</section>",
        no = escape(&plan.id),
        name = escape(&plan.name),
        total = yen(plan.balance + invested),
        cash = yen(plan.balance),
        history = ctx.path("/history"),
        table = holdings_table("fund-holdings", &holdings),
    );
    ctx.data_page("資産評価額", &main)
}

async fn history(State(ctx): State<Ctx>, Query(query): Query<PageQuery>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let plan = &data.accounts[0];
    let page = query.number();
    let (rows, has_next) = page_of(&plan.transactions, page);
    let mut main = String::from(
        "<table id=\"history\">\n<thead><tr><th>日付</th><th>取引内容</th><th>金額</th><th>未投資資金残高</th></tr></thead>\n<tbody>\n",
    );
    for entry in rows {
        let _ = writeln!(
            main,
            "<tr class=\"txn\" data-id=\"{id}\"><td class=\"date\">{date}</td><td class=\"description\">{description}</td>\
             <td class=\"amount\">{amount}</td><td class=\"balance\">{balance}</td></tr>",
            id = escape(&entry.id),
            date = slash_date(entry.date),
            description = escape(&entry.description),
            amount = signed_yen(entry.amount),
            balance = yen(entry.balance),
        );
    }
    main.push_str("</tbody>\n</table>\n");
    main.push_str(&pager(&ctx.path("/history"), page, plan.transactions.len(), has_next));
    ctx.history_page(&user.session_id, "取引履歴", &main)
}
