//! Shops whose order history users keep. LOHACO's history moved under Yahoo!ショッピング (seed
//! FAQ L375–387), so a search for LOHACO finds both: the ended one, and where its history is now.

use super::plan;
use crate::contract::{Category, InstitutionInfo, Lifecycle};
use crate::institutions::files::{FileInstitution, by_file};

pub static ALL: &[FileInstitution] = &[
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://login.yahoo.co.jp/config/login",
                &["login.yahoo.co.jp", "odhistory.shopping.yahoo.co.jp"],
                "public code: https://github.com/jinkaiNitamago2022/subliminal-certinfo README.md (the Yahoo! JAPAN \
                 ID login); the order history host from older code (code search file id 13195285326)",
            )),
            ..by_file(
                "yahoo-shopping",
                "Yahoo!ショッピング",
                Category::Ecommerce,
                &["Yahoo Shopping", "ヤフーショッピング", "ヤフショ", "LOHACO"],
            )
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            lifecycle: Lifecycle::Ended {
                since: "2024-03-29",
                reason: "LOHACOの購入履歴は「Yahoo!ショッピング」で取得できるようになりました。LOHACOと同じYahoo! JAPAN IDで\
                         「Yahoo!ショッピング」を連携してください（開始日を設定すれば取得済みの履歴と重複しません）",
            },
            ..by_file("lohaco", "LOHACO", Category::Ecommerce, &["ロハコ"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://www.amazon.co.jp/ap/signin",
                &["www.amazon.co.jp"],
                "public scrapers (code search file ids 28570770325, 37070343281): uncertain, real sign-in links carry \
                 openid.* parameters; opening the order history and letting it redirect may be sturdier",
            )),
            ..by_file("amazon", "Amazon", Category::Ecommerce, &["Amazon.co.jp", "アマゾン"])
        },
        formats: &[],
    },
];
