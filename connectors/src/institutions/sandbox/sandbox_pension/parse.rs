//! The pension plan's pages: the assets page (資産評価額合計, 未投資資金 and the funds held) and
//! one page of the plan's history (contributions, fees and purchases, signed).

use super::super::pages::{self, HistoryPage, changed, first, required, text};
use crate::error::ConnectorError;
use crate::fetched::FetchedHolding;
use rust_decimal::Decimal;
use scraper::Html;
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub as_of: Date,
    pub plan_no: String,
    pub name: String,
    /// 資産評価額合計: the uninvested cash plus every fund's valuation.
    pub valuation: Decimal,
    pub holdings: Vec<FetchedHolding>,
}

const PAGE: &str = "pension assets";

pub fn assets(body: &str) -> Result<Plan, ConnectorError> {
    let document = Html::parse_document(body);
    let plan_no = text(required(&document, "section#pension-account span#plan-no", PAGE)?);
    if plan_no.is_empty() {
        return Err(changed(PAGE, "an empty `span#plan-no`"));
    }
    let valuation = pages::required_yen(&document, "section#pension-account span#total-valuation", PAGE)?;
    let cash = pages::required_yen(&document, "section#pension-account span#cash-balance", PAGE)?;
    let holdings = pages::holdings(&document, "section#pension-account table#fund-holdings", PAGE)?;
    let invested: Decimal = holdings.iter().filter_map(|holding| holding.value).sum();
    if cash + invested != valuation {
        return Err(changed(
            PAGE,
            &format!("a total of {valuation}円 that is not the cash {cash}円 plus the funds' {invested}円"),
        ));
    }
    Ok(Plan {
        as_of: pages::as_of(&document, PAGE)?,
        plan_no,
        name: first(&document, "section#pension-account h2")
            .map(text)
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "確定拠出年金".into()),
        valuation,
        holdings,
    })
}

pub fn history(body: &str) -> Result<HistoryPage, ConnectorError> {
    pages::history_page(body, "pension history", "table#history", "table#history tr.txn", pages::signed_amount_row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use time::macros::date;

    const ASSETS: &str = r#"<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head>
<body data-institution="sandbox-pension"><main id="main"><h1>資産評価額</h1>
<p id="as-of" data-date="2026-11-28">2026/11/28 現在</p>
<section id="pension-account" data-plan-no="1234567890"><h2>確定拠出年金（個人型）</h2>
<p>加入者番号 <span id="plan-no">1234567890</span></p>
<p>資産評価額合計 <span id="total-valuation">741,829円</span></p>
<p>未投資資金 <span id="cash-balance">22,829円</span></p>
<section id="products"><h3>運用商品</h3><table id="fund-holdings" class="holdings"><tbody>
<tr class="holding" data-code="0331418A"><td class="name">eMAXIS Slim 全世界株式（オール・カントリー）</td><td class="code">0331418A</td><td class="quantity">200,000口</td><td class="price">24,500円（1万口あたり）</td><td class="value">490,000円</td><td class="cost">400,000円</td></tr>
<tr class="holding" data-code="0431U169"><td class="name">ひふみプラス</td><td class="code">0431U169</td><td class="quantity">40,000口</td><td class="price">57,250円（1万口あたり）</td><td class="value">229,000円</td><td class="cost">200,000円</td></tr>
</tbody></table></section></section></main></body></html>"#;

    #[test]
    fn values_the_plan_at_its_cash_plus_its_funds() {
        let plan = assets(ASSETS).unwrap();
        assert_eq!((plan.plan_no.as_str(), plan.name.as_str()), ("1234567890", "確定拠出年金（個人型）"));
        assert_eq!(plan.as_of, date!(2026 - 11 - 28));
        assert_eq!(plan.valuation, Decimal::from(741_829));
        assert_eq!(plan.holdings.len(), 2);
        assert_eq!(plan.holdings[1].price, Some(Decimal::from_str("5.725").unwrap()));
        assert_eq!(plan.holdings[0].quantity, Decimal::from(200_000));
    }

    #[test]
    fn a_total_that_does_not_add_up_or_a_new_layout_is_a_site_change() {
        let wrong_total = ASSETS.replace("741,829円", "741,830円");
        assert!(matches!(assets(&wrong_total), Err(ConnectorError::SiteChanged(m)) if m.contains("not the cash")));
        let restyled = ASSETS.replace(" id=\"", " id=\"v2-");
        assert!(matches!(assets(&restyled), Err(ConnectorError::SiteChanged(_))));
    }

    #[test]
    fn reads_contributions_fees_and_purchases() {
        let body = r#"<html><body><table id="history"><tbody>
<tr class="txn" data-id="D2026112601"><td class="date">2026/11/26</td><td class="description">掛金拠出（口座振替）</td><td class="amount">+23,000円</td><td class="balance">23,500円</td></tr>
<tr class="txn" data-id="D2026112602"><td class="date">2026/11/26</td><td class="description">口座管理手数料</td><td class="amount">-171円</td><td class="balance">23,329円</td></tr>
</tbody></table><nav class="pager"><span class="page-info" data-page="1" data-pages="1">1 / 1</span></nav></body></html>"#;
        let page = history(body).unwrap();
        let amounts: Vec<_> = page.transactions.iter().map(|t| t.amount).collect();
        assert_eq!(amounts, [Decimal::from(23_000), Decimal::from(-171)]);
        assert_eq!(page.next, None);
    }
}
