//! Card issuers. A card's name is an alias of its issuer's login (おまとめログイン: several
//! 三井住友カード behind one Vpass login, seed FAQ L118–124).

use super::plan;
use crate::contract::{Category, InstitutionInfo, Lifecycle};
use crate::institutions::files::{BY_WINDOW, FileInstitution, by_file};
use crate::vocabulary::AuthKind;

pub static ALL: &[FileInstitution] = &[
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://www.rakuten-card.co.jp/e-navi/",
                &["www.rakuten-card.co.jp"],
                "public scrapers (code search file ids 12312901602, 9997596111); the login form is at \
                 /e-navi/auth/login.xhtml",
            )),
            ..by_file("rakuten-card", "楽天カード", Category::Card, &["Rakuten Card", "楽天e-NAVI"])
        },
        formats: &["rakuten-card"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://www.smbc-card.com/mem/index.jsp",
                &["www.smbc-card.com"],
                "public scrapers (code search file ids 36937785141, 18520663574); the site answers 403 to non-browser \
                 clients (file id 62044471422)",
            )),
            ..by_file(
                "smbc-card",
                "三井住友カード",
                Category::Card,
                &["SMBC Card", "Vpass", "三井住友VISAカード", "Olive", "おまとめログイン"],
            )
        },
        formats: &["smbc-card-vpass"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://www.paypay-card.co.jp/",
                // Members log in with their Yahoo! JAPAN ID.
                &["www.paypay-card.co.jp", "login.yahoo.co.jp"],
                "seed FAQ (shared/seed/faq.ja.txt L439–465, 「PayPayカード」を連携する方法を教えてください): the \
                 PayPayカード site, logged in to through Yahoo! JAPAN",
            )),
            ..by_file(
                "paypay-card",
                "PayPayカード",
                Category::Card,
                &["PayPay Card", "ヤフーカード", "Yahoo! JAPANカード"],
            )
        },
        formats: &["paypay-card"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://www.viewsnet.jp/default.htm",
                &["www.viewsnet.jp"],
                "public scrapers (code search file ids 26587833957, 44944639538)",
            )),
            ..by_file(
                "view-card",
                "ビューカード",
                Category::Card,
                &["VIEW CARD", "VIEW's NET", "ビックカメラSuicaカード", "JRE CARD"],
            )
        },
        formats: &["view-card"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://my.jcb.co.jp/Login",
                &["my.jcb.co.jp"],
                "public scrapers (code search file ids 43748077489, 1546245391); newer code uses \
                 /iss-pc/member/user_manage/Login; MyJCB offers passkey login",
            )),
            ..by_file("jcb", "JCBカード", Category::Card, &["MyJCB", "JCB"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://www.eposcard.co.jp/memberservice/pc/login/login_preload.do",
                &["www.eposcard.co.jp"],
                "public scrapers (code search file ids 9456897297, 55709668935)",
            )),
            ..by_file("epos", "エポスカード", Category::Card, &["EPOS", "エポスNet"])
        },
        formats: &[],
    },
    FileInstitution {
        // No login address found.
        info: &by_file(
            "saison",
            "セゾンカード",
            Category::Card,
            &["Saison", "Netアンサー", "セゾンPortal", "UCカード"],
        ),
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://www.aeon.co.jp/app/",
                &["www.aeon.co.jp"],
                "public scrapers, and a note citing AEON's FAQ https://faq.aeon.co.jp/faq/show/226 (暮らしのマネーサイト \
                 offers the billing month's CSV; code search file id 71214562563)",
            )),
            ..by_file("aeon-card", "イオンカード", Category::Card, &["AEON Card", "暮らしのマネーサイト", "AEON Pay"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://global.americanexpress.com/login",
                &["global.americanexpress.com"],
                "public scrapers (code search file ids 18716546821, 12680354904): the global entry; a Japan-specific \
                 path was not found",
            )),
            ..by_file("amex", "アメリカン・エキスプレス", Category::Card, &["American Express", "AMEX", "アメックス"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            lifecycle: Lifecycle::Ended {
                since: "2023-07-31",
                reason: "「NTTグループカード」は、2023年7月31日にサービス終了しております。反映済みのデータは引き続き閲覧できます\
                         （「NTTファイナンスBizカード」は別のカードです）",
            },
            ..by_file("ntt-group-card", "NTTグループカード", Category::Card, &["NTT Group Card"])
        },
        formats: &[],
    },
];
