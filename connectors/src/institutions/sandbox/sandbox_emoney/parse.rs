//! The wallet's pages: the CAPTCHA steps of its login, the balance page and one page of history
//! (`+5,000円` for a チャージ, `-540円` for a payment).

use super::super::pages::{self, HistoryPage, first, required, required_attr, text};
use crate::error::ConnectorError;
use rust_decimal::Decimal;
use scraper::Html;
use time::Date;

/// Whether the login page came back because the CAPTCHA answer was wrong (a new one is shown).
pub fn captcha_refused(body: &str) -> bool {
    pages::login_error(body).is_some_and(|message| message.contains("画像認証"))
}

/// `form#captcha-form` of the second CAPTCHA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondCaptcha {
    pub csrf: String,
    pub captcha_src: String,
}

pub fn second_captcha(body: &str) -> Result<SecondCaptcha, ConnectorError> {
    let page = "second CAPTCHA";
    let csrf = pages::form_csrf(body, "form#captcha-form", page)?;
    let document = Html::parse_document(body);
    let captcha_src = required_attr(&document, "form#captcha-form img#captcha-image", "src", page)?.to_owned();
    Ok(SecondCaptcha { csrf, captcha_src })
}

#[derive(Debug, Clone, PartialEq)]
pub struct Wallet {
    pub as_of: Date,
    pub wallet_no: String,
    pub name: String,
    pub balance: Decimal,
}

pub fn balance(body: &str) -> Result<Wallet, ConnectorError> {
    let page = "balance";
    let document = Html::parse_document(body);
    let wallet_no = text(required(&document, "span#wallet-no", page)?);
    if wallet_no.is_empty() {
        return Err(pages::changed(page, "an empty `span#wallet-no`"));
    }
    Ok(Wallet {
        as_of: pages::as_of(&document, page)?,
        wallet_no,
        name: first(&document, "h2#wallet-name").map(text).unwrap_or_else(|| "サンドボックスマネー".into()),
        balance: pages::required_yen(&document, "span#emoney-balance", page)?,
    })
}

pub fn history(body: &str) -> Result<HistoryPage, ConnectorError> {
    pages::history_page(body, "history", "table#history", "table#history tr.txn", pages::signed_amount_row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const BALANCE: &str = r#"<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"></head>
<body data-institution="sandbox-emoney"><main id="main"><h1>残高照会</h1>
<nav class="account-menu"><a id="logout" href="/sandbox-emoney/logout">ログアウト</a></nav>
<p id="as-of" data-date="2026-11-28">2026/11/28 現在</p>
<section id="wallet" data-wallet-no="1234567890"><h2 id="wallet-name">サンドボックスマネー</h2>
<p>会員番号 <span id="wallet-no">1234567890</span></p>
<p>残高 <span id="emoney-balance">3,210円</span></p>
<a id="history-link" href="/sandbox-emoney/history">利用履歴</a></section>
</main></body></html>"#;

    #[test]
    fn reads_the_wallet() {
        assert_eq!(
            balance(BALANCE),
            Ok(Wallet {
                as_of: date!(2026 - 11 - 28),
                wallet_no: "1234567890".into(),
                name: "サンドボックスマネー".into(),
                balance: Decimal::from(3210),
            })
        );
        let restyled = BALANCE.replace(" id=\"", " id=\"v2-");
        assert!(matches!(balance(&restyled), Err(ConnectorError::SiteChanged(_))));
    }

    #[test]
    fn reads_signed_history_amounts() {
        let body = r#"<html><body><main id="main"><table id="history"><tbody>
<tr class="txn" data-id="E2026112803"><td class="date">2026/11/28</td><td class="description">JR東日本 乗車</td><td class="amount">-540円</td><td class="balance">3,210円</td></tr>
<tr class="txn" data-id="E2026112802"><td class="date">2026/11/28</td><td class="description">チャージ（クレジットカード）</td><td class="amount">+5,000円</td><td class="balance">3,750円</td></tr>
</tbody></table><nav class="pager"><span class="page-info" data-page="9" data-pages="9">9 / 9</span></nav></main></body></html>"#;
        let page = history(body).unwrap();
        assert_eq!(page.next, None);
        assert_eq!(page.transactions[0].amount, Decimal::from(-540));
        assert_eq!(page.transactions[1].amount, Decimal::from(5000));
    }

    #[test]
    fn tells_a_wrong_captcha_from_wrong_credentials_and_reads_the_second_captcha() {
        let wrong_captcha = r#"<html><body><p id="login-error">画像認証の数字が正しくありません。新しい画像の数字を入力してください。</p></body></html>"#;
        let wrong_password =
            r#"<html><body><p id="login-error">ログインIDまたはパスワードが正しくありません。</p></body></html>"#;
        assert!(captcha_refused(wrong_captcha));
        assert!(!captcha_refused(wrong_password));
        let second = r#"<html><body><form id="captcha-form" method="post" action="/sandbox-emoney/login/captcha">
<input type="hidden" name="csrf" value="cc"><div id="captcha"><img id="captcha-image" src="/sandbox-emoney/captcha.png?id=9f"></div></form></body></html>"#;
        assert_eq!(
            second_captcha(second),
            Ok(SecondCaptcha { csrf: "cc".into(), captcha_src: "/sandbox-emoney/captcha.png?id=9f".into() })
        );
    }
}
