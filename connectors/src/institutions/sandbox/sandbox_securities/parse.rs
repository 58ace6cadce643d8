//! The securities company's pages: the portfolio (総合口座 and ラップ口座) and one page of the
//! cash account's trade history (受渡金額, signed).

use super::super::pages::{self, HistoryPage, changed, first_in, required, text};
use crate::error::ConnectorError;
use crate::fetched::FetchedHolding;
use rust_decimal::Decimal;
use scraper::{ElementRef, Html};
use time::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    pub as_of: Date,
    /// The 総合口座 first, then the ラップ口座.
    pub accounts: Vec<PortfolioAccount>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioAccount {
    pub account_no: String,
    pub name: String,
    /// Cash (預り金) plus every holding's valuation.
    pub valuation: Decimal,
    pub holdings: Vec<FetchedHolding>,
    /// The trade history (`/trades`) is the 総合口座's.
    pub has_trades: bool,
}

const PAGE: &str = "portfolio";

pub fn portfolio(body: &str) -> Result<Portfolio, ConnectorError> {
    let document = Html::parse_document(body);
    let as_of = pages::as_of(&document, PAGE)?;

    let general = required(&document, "section#general-account", PAGE)?;
    let cash = pages::required_yen(&document, "section#general-account span#cash-balance", PAGE)?;
    let mut holdings = pages::holdings(&document, "section#general-account table#stock-holdings", PAGE)?;
    holdings.extend(pages::holdings(&document, "section#general-account table#fund-holdings", PAGE)?);
    let general = PortfolioAccount {
        account_no: account_no(general)?,
        name: name(general, "総合口座"),
        valuation: cash + total(&holdings),
        holdings,
        has_trades: true,
    };

    let wrap = required(&document, "section#wrap-account", PAGE)?;
    let wrap_holdings = pages::holdings(&document, "section#wrap-account table#wrap-holdings", PAGE)?;
    let wrap = PortfolioAccount {
        account_no: account_no(wrap)?,
        name: name(wrap, "ラップ口座"),
        valuation: pages::required_yen(&document, "section#wrap-account span#wrap-total", PAGE)?,
        holdings: wrap_holdings,
        has_trades: false,
    };
    Ok(Portfolio { as_of, accounts: vec![general, wrap] })
}

fn account_no(section: ElementRef<'_>) -> Result<String, ConnectorError> {
    section
        .value()
        .attr("data-account-no")
        .filter(|number| !number.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| changed(PAGE, "an account section without `data-account-no`"))
}

fn name(section: ElementRef<'_>, otherwise: &str) -> String {
    first_in(section, "h2").map(text).filter(|name| !name.is_empty()).unwrap_or_else(|| otherwise.to_owned())
}

fn total(holdings: &[FetchedHolding]) -> Decimal {
    holdings.iter().filter_map(|holding| holding.value).sum()
}

pub fn trades(body: &str) -> Result<HistoryPage, ConnectorError> {
    pages::history_page(body, "trade history", "table#history", "table#history tr.txn", pages::signed_amount_row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    const PORTFOLIO: &str = r#"<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head>
<body data-institution="sandbox-securities"><main id="main"><h1>保有資産一覧</h1>
<p id="as-of" data-date="2026-11-28">2026/11/28 現在</p>
<section id="general-account" data-account-no="1234567"><h2>総合口座</h2>
<p>口座番号 <span class="account-no">1234567</span></p><p>預り金 <span id="cash-balance">500,000円</span></p>
<section id="domestic-stocks"><h3>国内株式</h3><table id="stock-holdings" class="holdings"><tbody>
<tr class="holding" data-code="7203"><td class="name">トヨタ自動車</td><td class="code">7203</td><td class="quantity">300株</td><td class="price">2,845.5円</td><td class="value">853,650円</td><td class="cost">800,000円</td></tr>
</tbody></table></section>
<section id="investment-trusts"><h3>投資信託</h3><table id="fund-holdings" class="holdings"><tbody>
<tr class="holding" data-code="0431U169"><td class="name">ひふみプラス</td><td class="code">0431U169</td><td class="quantity">100,000口</td><td class="price">56,700円（1万口あたり）</td><td class="value">567,000円</td><td class="cost">500,000円</td></tr>
</tbody></table></section></section>
<section id="wrap-account" data-account-no="1300000"><h2>ラップ口座</h2><p>口座番号 <span class="account-no">1300000</span></p>
<table id="wrap-holdings" class="holdings"><tbody>
<tr class="holding" data-code="89311199"><td class="name">ニッセイ外国株式インデックスファンド</td><td class="code">89311199</td><td class="quantity">50,000口</td><td class="price">33,800円（1万口あたり）</td><td class="value">169,000円</td><td class="cost">150,000円</td></tr>
</tbody></table><p>評価額合計 <span id="wrap-total">169,000円</span></p></section>
</main></body></html>"#;

    #[test]
    fn values_each_account_at_cash_plus_holdings() {
        let page = portfolio(PORTFOLIO).unwrap();
        let (general, wrap) = (&page.accounts[0], &page.accounts[1]);
        assert_eq!((general.account_no.as_str(), general.name.as_str()), ("1234567", "総合口座"));
        assert_eq!(general.valuation, Decimal::from(500_000 + 853_650 + 567_000));
        assert_eq!(general.holdings.len(), 2);
        assert_eq!(general.holdings[1].price, Some(Decimal::from_str("5.67").unwrap()));
        assert!(general.has_trades && !wrap.has_trades);
        assert_eq!((wrap.account_no.as_str(), wrap.valuation), ("1300000", Decimal::from(169_000)));
    }

    #[test]
    fn a_portfolio_without_its_sections_is_a_site_change() {
        let restyled = PORTFOLIO.replace(" id=\"", " id=\"v2-");
        assert!(matches!(portfolio(&restyled), Err(ConnectorError::SiteChanged(_))));
        let no_wrap = &PORTFOLIO[..PORTFOLIO.find("<section id=\"wrap-account\"").unwrap()];
        assert!(matches!(portfolio(no_wrap), Err(ConnectorError::SiteChanged(_))));
    }
}
