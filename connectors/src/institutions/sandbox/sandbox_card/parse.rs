//! The card issuer's pages: the cards list (what is owed on each) and one page of a card's
//! statement, where a charge (ご利用金額) is positive and a payment (お支払い) negative: both are
//! negated so that money spent is negative, as on every other account.

use super::super::formats;
use super::super::pages::{self, HistoryPage, changed, first_in, required};
use crate::error::ConnectorError;
use crate::fetched::FetchedTransaction;
use rust_decimal::Decimal;
use scraper::{ElementRef, Html};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct CardsPage {
    pub as_of: Date,
    pub cards: Vec<Card>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// `data-card-id`: the card's last four digits, its id in statement URLs.
    pub card_id: String,
    pub name: String,
    /// What is owed, positive, as the page shows it.
    pub unpaid: Decimal,
    pub next_payment_date: Option<Date>,
    pub next_payment_amount: Option<Decimal>,
    pub statement_href: String,
}

const PAGE: &str = "cards";

pub fn cards(body: &str) -> Result<CardsPage, ConnectorError> {
    let document = Html::parse_document(body);
    let as_of = pages::as_of(&document, PAGE)?;
    let cards = required(&document, "table#cards", PAGE)?
        .select(&pages::selector("tr.card"))
        .map(|row| card(row).map_err(|problem| changed(PAGE, &problem)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(CardsPage { as_of, cards })
}

fn card(row: ElementRef<'_>) -> Result<Card, String> {
    let card_id =
        row.value().attr("data-card-id").filter(|id| !id.is_empty()).ok_or("a card without `data-card-id`")?;
    let unpaid = pages::cell(row, "td.unpaid-balance")?;
    Ok(Card {
        card_id: card_id.to_owned(),
        name: pages::cell(row, "td.card-name")?,
        unpaid: formats::yen(&unpaid).ok_or_else(|| format!("an unpaid balance of `{unpaid}`"))?,
        next_payment_date: pages::cell(row, "td.next-payment-date").ok().and_then(|date| formats::slash_date(&date)),
        next_payment_amount: pages::cell(row, "td.next-payment-amount").ok().and_then(|amount| formats::yen(&amount)),
        statement_href: first_in(row, "a.statement-link")
            .and_then(|link| link.value().attr("href"))
            .ok_or("a card without `a.statement-link`")?
            .to_owned(),
    })
}

pub fn statement(body: &str) -> Result<HistoryPage, ConnectorError> {
    pages::history_page(body, "statement", "table#statement", "table#statement tr.txn", statement_row)
}

fn statement_row(row: ElementRef<'_>) -> Result<FetchedTransaction, String> {
    let basics = pages::row_basics(row)?;
    let shown = pages::cell(row, "td.amount")?;
    let charged = formats::yen(&shown).ok_or_else(|| format!("an amount of `{shown}`"))?;
    Ok(basics.with_amount(-charged))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const CARDS: &str = r#"<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head>
<body data-institution="sandbox-card"><main id="main"><h1>カード一覧</h1>
<p id="as-of" data-date="2026-11-28">2026/11/28 現在</p>
<table id="cards"><tbody>
<tr class="card" data-card-id="1234"><td class="card-name">サンドボックスカード</td><td class="card-no">****-****-****-1234</td><td class="unpaid-balance">45,678円</td><td class="next-payment-date">2026/12/27</td><td class="next-payment-amount">30,000円</td><td><a class="statement-link" href="/sandbox-card/cards/1234/statement">ご利用明細</a></td></tr>
<tr class="card" data-card-id="5678"><td class="card-name">サンドボックスETCカード</td><td class="card-no">****-****-****-5678</td><td class="unpaid-balance">0円</td><td class="next-payment-date">2026/12/27</td><td class="next-payment-amount">0円</td><td><a class="statement-link" href="/sandbox-card/cards/5678/statement">ご利用明細</a></td></tr>
</tbody></table></main></body></html>"#;

    #[test]
    fn reads_every_card_and_what_is_owed() {
        let page = cards(CARDS).unwrap();
        assert_eq!(page.as_of, date!(2026 - 11 - 28));
        assert_eq!(page.cards.len(), 2);
        assert_eq!(page.cards[0].card_id, "1234");
        assert_eq!(page.cards[0].unpaid, Decimal::from(45_678));
        assert_eq!(page.cards[0].next_payment_date, Some(date!(2026 - 12 - 27)));
        assert_eq!(page.cards[1].name, "サンドボックスETCカード");
        assert_eq!(page.cards[1].statement_href, "/sandbox-card/cards/5678/statement");
    }

    #[test]
    fn a_charge_is_money_out_and_a_payment_money_in() {
        let body = r#"<html><body><table id="statement"><tbody>
<tr class="txn" data-id="CA2026112701"><td class="date">2026/11/27</td><td class="description">お支払い（口座振替）</td><td class="amount">-30,000円</td></tr>
<tr class="txn" data-id="CA2026110501"><td class="date">2026/11/05</td><td class="description">ｱﾄﾊﾞﾗｲ ｻｰﾋﾞｽ（後払い）ご利用分</td><td class="amount">4,321円</td></tr>
</tbody></table><nav class="pager"><span class="page-info" data-page="1" data-pages="1">1 / 1</span></nav></body></html>"#;
        let page = statement(body).unwrap();
        assert_eq!(page.transactions[0].amount, Decimal::from(30_000));
        assert_eq!(page.transactions[1].amount, Decimal::from(-4_321));
        assert!(matches!(
            statement(&body.replace("table id=\"statement\"", "table id=\"history\"")),
            Err(ConnectorError::SiteChanged(_))
        ));
    }
}
