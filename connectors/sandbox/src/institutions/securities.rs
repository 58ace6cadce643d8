//! The securities company (sandbox-securities): the portfolio page (預り金, 国内株式, 投資信託 and
//! the ラップ口座 sub-product) and the paged trade history of the cash account.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::{Ctx, PageQuery, holdings_table};
use crate::data::HoldingClass;
use crate::html::{escape, page_of, pager, signed_yen, slash_date, yen};
use crate::login::logged_in;

pub fn routes() -> Router<Ctx> {
    Router::new().route("/portfolio", get(portfolio)).route("/trades", get(trades))
}

async fn portfolio(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let (general, wrap) = (&data.accounts[0], &data.accounts[1]);
    let of_class =
        |class: HoldingClass| general.holdings.iter().filter(|holding| holding.class == class).collect::<Vec<_>>();
    let mut main = format!(
        "<section id=\"general-account\" data-account-no=\"{no}\"><h2>{name}</h2>\n\
         <p>口座番号 <span class=\"account-no\">{no}</span></p>\n\
         <p>預り金 <span id=\"cash-balance\">{cash}</span></p>\n\
         <a id=\"trades-link\" href=\"{trades}\">取引履歴</a>\n\
         <section id=\"domestic-stocks\"><h3>国内株式</h3>\n{stocks}</section>\n\
         <section id=\"investment-trusts\"><h3>投資信託</h3>\n{funds}</section>\n</section>\n",
        no = escape(&general.id),
        name = escape(&general.name),
        cash = yen(general.balance),
        trades = ctx.path("/trades"),
        stocks = holdings_table("stock-holdings", &of_class(HoldingClass::DomesticStock)),
        funds = holdings_table("fund-holdings", &of_class(HoldingClass::InvestmentTrust)),
    );
    let wrap_holdings: Vec<_> = wrap.holdings.iter().collect();
    let _ = write!(
        main,
        "<section id=\"wrap-account\" data-account-no=\"{no}\"><h2>{name}</h2>\n\
         <p>口座番号 <span class=\"account-no\">{no}</span></p>\n{table}\n\
         <p>評価額合計 <span id=\"wrap-total\">{total}</span></p></section>",
        no = escape(&wrap.id),
        name = escape(&wrap.name),
        table = holdings_table("wrap-holdings", &wrap_holdings),
        total = yen(wrap.holdings.iter().map(|holding| holding.value).sum()),
    );
    ctx.data_page("保有資産一覧", &main)
}

async fn trades(State(ctx): State<Ctx>, Query(query): Query<PageQuery>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let general = &data.accounts[0];
    let page = query.number();
    let (rows, has_next) = page_of(&general.transactions, page);
    let mut main = String::from(
        "<table id=\"history\">\n<thead><tr><th>受渡日</th><th>取引内容</th><th>受渡金額</th><th>預り金残高</th></tr></thead>\n<tbody>\n",
    );
    for trade in rows {
        let _ = writeln!(
            main,
            "<tr class=\"txn\" data-id=\"{id}\"><td class=\"date\">{date}</td><td class=\"description\">{description}</td>\
             <td class=\"amount\">{amount}</td><td class=\"balance\">{balance}</td></tr>",
            id = escape(&trade.id),
            date = slash_date(trade.date),
            description = escape(&trade.description),
            amount = signed_yen(trade.amount),
            balance = yen(trade.balance),
        );
    }
    main.push_str("</tbody>\n</table>\n");
    main.push_str(&pager(&ctx.path("/trades"), page, general.transactions.len(), has_next));
    ctx.history_page(&user.session_id, "取引履歴", &main)
}
