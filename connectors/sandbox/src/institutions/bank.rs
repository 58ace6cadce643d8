//! The HTML bank (sandbox-bank, and the same pages behind sandbox-otp-bank and sandbox-approval):
//! the accounts page with deposits, their month-end balances (残高推移) and the investment-trust
//! sub-product, and paged histories.

use std::fmt::Write;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use super::{Ctx, PageQuery, holdings_table};
use crate::data::AccountKind;
use crate::html::{escape, page_of, pager, slash_date, yen};
use crate::login::logged_in;

pub fn routes() -> Router<Ctx> {
    Router::new().route("/accounts", get(accounts)).route("/accounts/{account_no}/history", get(history))
}

async fn accounts(State(ctx): State<Ctx>, headers: HeaderMap) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let mut main = String::from(
        "<section id=\"deposits\"><h2>預金口座</h2>\n<table id=\"accounts\">\n\
         <thead><tr><th>種類</th><th>口座番号</th><th>残高</th><th></th></tr></thead>\n<tbody>\n",
    );
    for account in data.accounts.iter().filter(|a| a.kind == AccountKind::Bank) {
        let _ = writeln!(
            main,
            "<tr class=\"account\" data-account-no=\"{no}\"><td class=\"account-type\">{name}</td>\
             <td class=\"account-no\">{no}</td><td class=\"balance\">{balance}</td>\
             <td><a class=\"history-link\" href=\"{href}\">入出金明細</a></td></tr>",
            no = escape(&account.id),
            name = escape(&account.name),
            balance = yen(account.balance),
            href = ctx.path(&format!("/accounts/{}/history", account.id)),
        );
    }
    main.push_str("</tbody>\n</table>\n");
    let _ = writeln!(
        main,
        "<p><a id=\"statements-link\" href=\"{}\">明細ダウンロード（CSV・OFX）</a></p></section>",
        ctx.path("/statements")
    );
    // 残高推移: each account's balance (the trusts' valuation) at the last twelve month ends.
    main.push_str(
        "<section id=\"balance-history\"><h2>残高推移（月末残高）</h2>\n<table id=\"month-end-balances\">\n\
         <thead><tr><th>口座番号</th><th>月末</th><th>残高</th></tr></thead>\n<tbody>\n",
    );
    for account in &data.accounts {
        for (end, balance) in &account.month_end_balances {
            let _ = writeln!(
                main,
                "<tr class=\"month-end\" data-account-no=\"{no}\"><td class=\"account-no\">{no}</td>\
                 <td class=\"date\">{date}</td><td class=\"balance\">{balance}</td></tr>",
                no = escape(&account.id),
                date = slash_date(*end),
                balance = yen(*balance),
            );
        }
    }
    main.push_str("</tbody>\n</table></section>\n");
    for funds in data.accounts.iter().filter(|a| a.kind == AccountKind::Securities) {
        let holdings: Vec<_> = funds.holdings.iter().collect();
        let total: i64 = funds.holdings.iter().map(|holding| holding.value).sum();
        let _ = write!(
            main,
            "<section id=\"investment-trusts\" data-account-no=\"{no}\"><h2>投資信託</h2>\n\
             <p class=\"account-no\">口座番号 {no}</p>\n{table}\n\
             <p class=\"total\">評価額合計 <span id=\"funds-total\">{total}</span></p></section>\n",
            no = escape(&funds.id),
            table = holdings_table("fund-holdings", &holdings),
            total = yen(total),
        );
    }
    if ctx.institution.id == "sandbox-window-bank" {
        main.push_str(&partner_banner(&headers));
        // What a hostile page would try inside an app (`/_sandbox/ipc-probe`).
        main.push_str("<script src=\"/_sandbox/ipc-probe.js\"></script>\n");
    }
    ctx.data_page("口座一覧", &main)
}

/// A third party's frame, as bank pages embed advertising and partner offers: served by the
/// sandbox on the same port under another host name (`localhost` for `127.0.0.1`), so a browser
/// that keeps to the bank's own hosts does not load it (`GET /_sandbox/partner/requests` counts).
fn partner_banner(headers: &HeaderMap) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let other = match host.split_once(':') {
        Some(("localhost", port)) => format!("127.0.0.1:{port}"),
        Some((_, port)) => format!("localhost:{port}"),
        None => "localhost".to_string(),
    };
    format!(
        "<aside id=\"partner-banner\"><iframe src=\"http://{}/_sandbox/partner\" title=\"提携サービスのご案内\" \
         width=\"320\" height=\"60\"></iframe></aside>\n",
        escape(&other)
    )
}

async fn history(
    State(ctx): State<Ctx>,
    Path(account_no): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> Response {
    let user = match logged_in(&ctx, &headers) {
        Ok(user) => user,
        Err(response) => return response,
    };
    let data = ctx.dataset(&user.login_id);
    let Some(account) = data.account(&account_no).filter(|account| account.kind == AccountKind::Bank) else {
        return ctx.not_found();
    };
    let page = query.number();
    let (rows, has_next) = page_of(&account.transactions, page);
    let mut main = format!(
        "<p id=\"account-summary\" data-account-no=\"{no}\">{name} {no} 残高 <span class=\"balance\">{balance}</span></p>\n\
         <table id=\"history\">\n<thead><tr><th>日付</th><th>摘要</th><th>出金</th><th>入金</th><th>残高</th></tr></thead>\n<tbody>\n",
        no = escape(&account.id),
        name = escape(&account.name),
        balance = yen(account.balance),
    );
    for transaction in rows {
        let (out, into) = if transaction.amount < 0 {
            (yen(-transaction.amount), String::new())
        } else {
            (String::new(), yen(transaction.amount))
        };
        let _ = writeln!(
            main,
            "<tr class=\"txn\" data-id=\"{id}\"><td class=\"date\">{date}</td><td class=\"description\">{description}</td>\
             <td class=\"withdrawal\">{out}</td><td class=\"deposit\">{into}</td><td class=\"balance\">{balance}</td></tr>",
            id = escape(&transaction.id),
            date = slash_date(transaction.date),
            description = escape(&transaction.description),
            balance = yen(transaction.balance),
        );
    }
    main.push_str("</tbody>\n</table>\n");
    main.push_str(&pager(
        &ctx.path(&format!("/accounts/{}/history", account.id)),
        page,
        account.transactions.len(),
        has_next,
    ));
    ctx.history_page(&user.session_id, "入出金明細", &main)
}
