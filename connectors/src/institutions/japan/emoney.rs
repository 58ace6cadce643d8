//! E-money and code payments. メルペイ and メルカード are one メルカリ login (seed FAQ L603–650);
//! a Suica read by a card reader (SF Card Viewer) is `suica`, the モバイルSuica site `mobile-suica`.

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
                "https://www.mobilesuica.com/index.aspx",
                &["www.mobilesuica.com"],
                "seed FAQ (shared/seed/faq.ja.txt L652–663, 「My JR-EAST サービス」のサービス提供終了のお知らせ): the \
                 モバイルSuica site to log in at with a モバイルSuica ID; it shows an image CAPTCHA (L110–114)",
            )),
            ..by_file("mobile-suica", "モバイルSuica", Category::Emoney, &["Mobile Suica", "モバイルSuica ID"])
        },
        formats: &["mobile-suica"],
    },
    FileInstitution {
        // Files of モバイルSuica stay accepted here: connections linked before `mobile-suica` existed.
        info: &by_file("suica", "Suica", Category::Emoney, &["PASMO", "交通系IC"]),
        formats: &["suica-history", "mobile-suica"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://wallet.auone.jp/",
                // Logged in to with an au ID.
                &["wallet.auone.jp", "id.auone.jp", "connect.auone.jp"],
                "seed FAQ (shared/seed/faq.ja.txt L559–587, 「au ID」サービスを連携する方法を教えてください): the \
                 「au PAY(コード支払/プリペイドカード)」site and the au ID site https://id.auone.jp",
            )),
            ..by_file(
                "au-pay",
                "au PAY",
                Category::Emoney,
                &["au PAY(コード支払/プリペイドカード)", "au PAY プリペイドカード", "au ID"],
            )
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://jp.mercari.com/login",
                &["jp.mercari.com"],
                "one public cookie-config file (code search file id 56896962208): uncertain; the login is メルカリ's \
                 (seed FAQ L603–650)",
            )),
            ..by_file(
                "mercari",
                "メルカリ（メルペイ・メルカード）",
                Category::Emoney,
                &["Mercari", "メルペイ", "Merpay", "メルカード", "メルペイのあと払い", "メルペイ(残高払い)"],
            )
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://edy.rakuten.co.jp/my/login/mypage/",
                &["edy.rakuten.co.jp"],
                "public scrapers (code search file ids 18182226973, 17994610800)",
            )),
            ..by_file("rakuten-edy", "楽天Edy", Category::Emoney, &["Edy", "Rakuten Edy"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://www.nanaco-net.jp/pc/emServlet",
                &["www.nanaco-net.jp"],
                "public scrapers (code search file ids 16079731920, 9973846161)",
            )),
            ..by_file("nanaco", "nanaco", Category::Emoney, &["ナナコ"])
        },
        formats: &[],
    },
    FileInstitution {
        // Source of the date: https://news.yahoo.co.jp/articles/5f2db219f80903c93f792852483d063863849855
        // (Business Insider Japan via Yahoo!ニュース). The seed FAQ's re-linking steps predate it.
        info: &InstitutionInfo {
            lifecycle: Lifecycle::Ended {
                since: "2025-04-30",
                reason: "LINE Payは2025年4月30日に日本でのサービスを終了しました（決済と家計簿サービスへの明細提供は\
                         2025年4月23日に終了）。反映済みのデータは閲覧できます",
            },
            ..by_file("line-pay", "LINE Pay", Category::Emoney, &["LINEペイ"])
        },
        formats: &[],
    },
];
