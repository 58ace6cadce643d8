//! The bank's pages (shared by sandbox-bank, sandbox-otp-bank and sandbox-approval): the accounts
//! list with the investment-trust section, and one page of a deposit's history.

use super::super::formats;
use super::super::pages::{self, HistoryPage, changed, first_in, required, text};
use crate::error::ConnectorError;
use crate::fetched::{FetchedHolding, FetchedTransaction, PastBalance};
use rust_decimal::Decimal;
use scraper::{ElementRef, Html};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct AccountsPage {
    pub as_of: Date,
    pub deposits: Vec<Deposit>,
    pub funds: Option<Funds>,
    /// `table#month-end-balances` (残高推移), when the page has one: (account number, balance).
    pub month_ends: Vec<(String, PastBalance)>,
}

/// A row of `table#accounts`: 普通預金 or 定期預金.
#[derive(Debug, Clone, PartialEq)]
pub struct Deposit {
    pub account_no: String,
    pub name: String,
    pub balance: Decimal,
    pub history_href: String,
}

/// `section#investment-trusts`: funds held through the bank, valued at `total`.
#[derive(Debug, Clone, PartialEq)]
pub struct Funds {
    pub account_no: String,
    pub name: String,
    pub holdings: Vec<FetchedHolding>,
    pub total: Decimal,
}

const PAGE: &str = "accounts";

pub fn accounts(body: &str) -> Result<AccountsPage, ConnectorError> {
    let document = Html::parse_document(body);
    let as_of = pages::as_of(&document, PAGE)?;
    let table = required(&document, "table#accounts", PAGE)?;
    let deposits = table
        .select(&pages::selector("tr.account"))
        .map(|row| deposit(row).map_err(|problem| changed(PAGE, &problem)))
        .collect::<Result<Vec<_>, _>>()?;
    let funds = match pages::first(&document, "section#investment-trusts") {
        Some(section) => Some(Funds {
            account_no: section
                .value()
                .attr("data-account-no")
                .ok_or_else(|| changed(PAGE, "an investment-trust section without `data-account-no`"))?
                .to_owned(),
            name: first_in(section, "h2")
                .map(text)
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| "投資信託".into()),
            holdings: pages::holdings(&document, "section#investment-trusts table#fund-holdings", PAGE)?,
            total: pages::required_yen(&document, "section#investment-trusts span#funds-total", PAGE)?,
        }),
        None => None,
    };
    let month_ends = document
        .select(&pages::selector("table#month-end-balances tr.month-end"))
        .map(|row| month_end(row).map_err(|problem| changed(PAGE, &problem)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(AccountsPage { as_of, deposits, funds, month_ends })
}

/// A row of 残高推移: an account's balance at a month end.
fn month_end(row: ElementRef<'_>) -> Result<(String, PastBalance), String> {
    let account_no = row.value().attr("data-account-no").ok_or("a month-end row without `data-account-no`")?;
    let (date, balance) = (pages::cell(row, "td.date")?, pages::cell(row, "td.balance")?);
    Ok((
        account_no.to_owned(),
        PastBalance {
            date: formats::slash_date(&date).ok_or_else(|| format!("a month end dated `{date}`"))?,
            balance: formats::yen(&balance).ok_or_else(|| format!("a month-end balance of `{balance}`"))?,
        },
    ))
}

fn deposit(row: ElementRef<'_>) -> Result<Deposit, String> {
    let account_no = row.value().attr("data-account-no").ok_or("an account row without `data-account-no`")?;
    let shown = pages::cell(row, "td.balance")?;
    Ok(Deposit {
        account_no: account_no.to_owned(),
        name: pages::cell(row, "td.account-type")?,
        balance: formats::yen(&shown).ok_or_else(|| format!("an account balance of `{shown}`"))?,
        history_href: first_in(row, "a.history-link")
            .and_then(|link| link.value().attr("href"))
            .ok_or("an account row without `a.history-link`")?
            .to_owned(),
    })
}

/// One page of `/accounts/{no}/history`: 出金 and 入金 columns, one of them empty.
pub fn history(body: &str) -> Result<HistoryPage, ConnectorError> {
    pages::history_page(body, "account history", "table#history", "table#history tr.txn", history_row)
}

fn history_row(row: ElementRef<'_>) -> Result<FetchedTransaction, String> {
    let basics = pages::row_basics(row)?;
    let (withdrawal, deposit) = (pages::cell(row, "td.withdrawal")?, pages::cell(row, "td.deposit")?);
    let amount = match (withdrawal.is_empty(), deposit.is_empty()) {
        (false, true) => -formats::yen(&withdrawal).ok_or_else(|| format!("a withdrawal of `{withdrawal}`"))?,
        (true, false) => formats::yen(&deposit).ok_or_else(|| format!("a deposit of `{deposit}`"))?,
        _ => return Err(format!("row {} with both or neither of 出金 and 入金", basics.id)),
    };
    Ok(basics.with_amount(amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use time::macros::date;

    /// As the sandbox renders `/accounts` (shortened: one fund).
    const ACCOUNTS: &str = r#"<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>口座一覧 | サンドボックス銀行</title></head>
<body data-institution="sandbox-bank"><main id="main"><h1>口座一覧</h1>
<nav class="account-menu"><a id="logout" href="/sandbox-bank/logout">ログアウト</a></nav>
<p id="as-of" data-date="2026-11-28">2026/11/28 現在</p>
<section id="deposits"><h2>預金口座</h2>
<table id="accounts"><thead><tr><th>種類</th><th>口座番号</th><th>残高</th><th></th></tr></thead><tbody>
<tr class="account" data-account-no="1234567"><td class="account-type">普通預金</td><td class="account-no">1234567</td><td class="balance">1,234,567円</td><td><a class="history-link" href="/sandbox-bank/accounts/1234567/history">入出金明細</a></td></tr>
<tr class="account" data-account-no="2345678"><td class="account-type">定期預金</td><td class="account-no">2345678</td><td class="balance">3,000,000円</td><td><a class="history-link" href="/sandbox-bank/accounts/2345678/history">入出金明細</a></td></tr>
</tbody></table></section>
<section id="balance-history"><h2>残高推移（月末残高）</h2><table id="month-end-balances"><tbody>
<tr class="month-end" data-account-no="1234567"><td class="account-no">1234567</td><td class="date">2026/09/30</td><td class="balance">1,101,000円</td></tr>
<tr class="month-end" data-account-no="1234567"><td class="account-no">1234567</td><td class="date">2026/10/31</td><td class="balance">1,198,765円</td></tr>
</tbody></table></section>
<section id="investment-trusts" data-account-no="3456789"><h2>投資信託</h2><p class="account-no">口座番号 3456789</p>
<table id="fund-holdings" class="holdings"><tbody>
<tr class="holding" data-code="03311187"><td class="name">eMAXIS Slim 米国株式（S&amp;P500）</td><td class="code">03311187</td><td class="quantity">200,000口</td><td class="price">31,200円（1万口あたり）</td><td class="value">624,000円</td><td class="cost">600,000円</td></tr>
</tbody></table>
<p class="total">評価額合計 <span id="funds-total">624,000円</span></p></section>
</main></body></html>"#;

    const HISTORY: &str = r#"<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"></head><body data-institution="sandbox-bank"><main id="main"><h1>入出金明細</h1>
<p id="as-of" data-date="2026-11-28">2026/11/28 現在</p>
<p id="account-summary" data-account-no="1234567">普通預金 1234567 残高 <span class="balance">1,234,567円</span></p>
<table id="history"><tbody>
<tr class="txn" data-id="S2026112802"><td class="date">2026/11/28</td><td class="description">ﾃﾞﾋﾞｯﾄ ｾﾌﾞﾝｲﾚﾌﾞﾝ</td><td class="withdrawal">1,200円</td><td class="deposit"></td><td class="balance">1,234,567円</td></tr>
<tr class="txn" data-id="S2026112801"><td class="date">2026/11/28</td><td class="description">ﾃﾞﾋﾞｯﾄ ｾﾌﾞﾝｲﾚﾌﾞﾝ</td><td class="withdrawal">1,200円</td><td class="deposit"></td><td class="balance">1,235,767円</td></tr>
<tr class="txn" data-id="S2026112501"><td class="date">2026/11/25</td><td class="description">給与 ｶ)ﾔﾏﾄｼﾖｳｼﾞ</td><td class="withdrawal"></td><td class="deposit">280,000円</td><td class="balance">1,236,967円</td></tr>
</tbody></table>
<nav class="pager"><span class="page-info" data-page="2" data-pages="3">2 / 3ページ</span> <a rel="prev" href="/sandbox-bank/accounts/1234567/history?page=1">前へ</a> <a rel="next" href="/sandbox-bank/accounts/1234567/history?page=3">次へ</a></nav>
</main></body></html>"#;

    #[test]
    fn reads_deposits_and_the_investment_trusts() {
        let page = accounts(ACCOUNTS).unwrap();
        assert_eq!(page.as_of, date!(2026 - 11 - 28));
        assert_eq!(page.deposits.len(), 2);
        assert_eq!(page.deposits[0].account_no, "1234567");
        assert_eq!(page.deposits[0].name, "普通預金");
        assert_eq!(page.deposits[0].balance, Decimal::from(1_234_567));
        assert_eq!(page.deposits[1].history_href, "/sandbox-bank/accounts/2345678/history");
        let funds = page.funds.unwrap();
        assert_eq!((funds.account_no.as_str(), funds.name.as_str()), ("3456789", "投資信託"));
        assert_eq!(funds.total, Decimal::from(624_000));
        assert_eq!(funds.holdings[0].asset, "eMAXIS Slim 米国株式（S&P500）");
        assert_eq!(funds.holdings[0].price, Some(Decimal::from_str("3.12").unwrap()));
        let ends: Vec<_> = page.month_ends.iter().map(|(no, end)| (no.as_str(), end.date, end.balance)).collect();
        assert_eq!(
            ends,
            [
                ("1234567", date!(2026 - 09 - 30), Decimal::from(1_101_000)),
                ("1234567", date!(2026 - 10 - 31), Decimal::from(1_198_765))
            ]
        );
    }

    #[test]
    fn a_page_without_month_ends_has_none_and_a_garbled_one_is_a_site_change() {
        let without = ACCOUNTS.replace("id=\"month-end-balances\"", "id=\"something-else\"");
        assert!(accounts(&without).unwrap().month_ends.is_empty());
        let garbled = ACCOUNTS.replace("1,101,000円", "—");
        assert!(matches!(accounts(&garbled), Err(ConnectorError::SiteChanged(_))), "{:?}", accounts(&garbled));
    }

    #[test]
    fn reads_withdrawals_as_negative_and_keeps_identical_rows_apart() {
        let page = history(HISTORY).unwrap();
        let amounts: Vec<_> = page.transactions.iter().map(|t| t.amount).collect();
        assert_eq!(amounts, [Decimal::from(-1200), Decimal::from(-1200), Decimal::from(280_000)]);
        assert_ne!(page.transactions[0].external_id, page.transactions[1].external_id);
        assert_eq!(page.next.as_deref(), Some("/sandbox-bank/accounts/1234567/history?page=3"));
    }

    #[test]
    fn the_last_page_has_no_next_link() {
        let last =
            HISTORY.replace(r#" <a rel="next" href="/sandbox-bank/accounts/1234567/history?page=3">次へ</a>"#, "");
        assert_eq!(history(&last).unwrap().next, None);
    }

    #[test]
    fn a_new_layout_is_a_site_change_not_an_empty_bank() {
        let restyled =
            ACCOUNTS.replace(" id=\"", " id=\"v2-").replace(" class=\"", " class=\"v2-").replace(" data-", " data-v2-");
        assert!(
            matches!(accounts(&restyled), Err(ConnectorError::SiteChanged(message)) if message.contains("no longer looks as expected"))
        );
        let both = HISTORY.replace(r#"<td class="deposit"></td>"#, r#"<td class="deposit">1円</td>"#);
        assert!(matches!(history(&both), Err(ConnectorError::SiteChanged(_))));
    }
}
