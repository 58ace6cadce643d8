//! The points programme's pages: the balance with points by expiry date, and one page of the
//! points history (`+120pt`, `-500pt`).

use super::super::formats;
use super::super::pages::{self, HistoryPage, changed, first, required, text};
use crate::error::ConnectorError;
use crate::fetched::{FetchedTransaction, PointsExpiry};
use rust_decimal::Decimal;
use scraper::{ElementRef, Html};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub as_of: Date,
    pub member_no: String,
    pub name: String,
    pub balance: Decimal,
    pub expiries: Vec<PointsExpiry>,
}

const PAGE: &str = "points";

pub fn points(body: &str) -> Result<Member, ConnectorError> {
    let document = Html::parse_document(body);
    let member_no = text(required(&document, "span#member-no", PAGE)?);
    if member_no.is_empty() {
        return Err(changed(PAGE, "an empty `span#member-no`"));
    }
    let shown = text(required(&document, "span#points-balance", PAGE)?);
    let balance = formats::points(&shown).ok_or_else(|| changed(PAGE, &format!("a balance of `{shown}`")))?;
    let expiries = required(&document, "table#points-expiry", PAGE)?
        .select(&pages::selector("tr.expiry"))
        .map(|row| expiry(row).map_err(|problem| changed(PAGE, &problem)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Member {
        as_of: pages::as_of(&document, PAGE)?,
        member_no,
        name: first(&document, "section#points-summary h2")
            .map(text)
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "サンドボックスポイント".into()),
        balance,
        expiries,
    })
}

fn expiry(row: ElementRef<'_>) -> Result<PointsExpiry, String> {
    let (date, amount) = (pages::cell(row, "td.expiry-date")?, pages::cell(row, "td.points")?);
    Ok(PointsExpiry {
        expires_on: formats::slash_date(&date).ok_or_else(|| format!("an expiry date of `{date}`"))?,
        amount: formats::points(&amount).ok_or_else(|| format!("expiring points of `{amount}`"))?,
    })
}

pub fn history(body: &str) -> Result<HistoryPage, ConnectorError> {
    pages::history_page(body, "points history", "table#history", "table#history tr.txn", history_row)
}

fn history_row(row: ElementRef<'_>) -> Result<FetchedTransaction, String> {
    let basics = pages::row_basics(row)?;
    let shown = pages::cell(row, "td.points")?;
    let amount = formats::points(&shown).ok_or_else(|| format!("points of `{shown}`"))?;
    Ok(basics.with_amount(amount))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const POINTS: &str = r#"<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head>
<body data-institution="sandbox-points"><main id="main"><h1>ポイント照会</h1>
<p id="as-of" data-date="2026-11-28">2026/11/28 現在</p>
<section id="points-summary" data-member-no="1234567890"><h2>サンドボックスポイント</h2>
<p>会員番号 <span id="member-no">1234567890</span></p><p>保有ポイント <span id="points-balance">1,234pt</span></p>
<a id="history-link" href="/sandbox-points/points/history">ポイント履歴</a></section>
<table id="points-expiry"><tbody>
<tr class="expiry"><td class="expiry-date">2026/12/31</td><td class="points">300pt</td></tr>
<tr class="expiry"><td class="expiry-date">2027/11/30</td><td class="points">934pt</td></tr>
</tbody></table></main></body></html>"#;

    #[test]
    fn reads_the_balance_and_the_points_by_expiry_date() {
        let member = points(POINTS).unwrap();
        assert_eq!(member.member_no, "1234567890");
        assert_eq!(member.balance, Decimal::from(1234));
        assert_eq!(
            member.expiries,
            [
                PointsExpiry { expires_on: date!(2026 - 12 - 31), amount: Decimal::from(300) },
                PointsExpiry { expires_on: date!(2027 - 11 - 30), amount: Decimal::from(934) },
            ]
        );
        assert!(matches!(points(&POINTS.replace(" id=\"", " id=\"v2-")), Err(ConnectorError::SiteChanged(_))));
    }

    #[test]
    fn reads_points_earned_and_used() {
        let body = r#"<html><body><table id="history"><tbody>
<tr class="txn" data-id="P2026112801"><td class="date">2026/11/28</td><td class="description">ご購入ポイント（サンドボックス市場）</td><td class="points">+120pt</td></tr>
<tr class="txn" data-id="P2026112701"><td class="date">2026/11/27</td><td class="description">ポイント利用（サンドボックスブックス）</td><td class="points">-500pt</td></tr>
</tbody></table><nav class="pager"><span class="page-info" data-page="1" data-pages="1">1 / 1</span></nav></body></html>"#;
        let page = history(body).unwrap();
        let amounts: Vec<_> = page.transactions.iter().map(|t| t.amount).collect();
        assert_eq!(amounts, [Decimal::from(120), Decimal::from(-500)]);
    }
}
