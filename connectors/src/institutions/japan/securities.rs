//! Securities companies. SBIラップ comes in the SBI証券 login (seed FAQ L327–330); its
//! 先物・オプション口座 is found under SBI証券 too, though the modelled service stopped reading it
//! on 2022-12-13 and advises a manual account for it (seed FAQ L316–324).

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
                "https://site1.sbisec.co.jp/ETGate/",
                &["site1.sbisec.co.jp"],
                "public scrapers (code search file ids 44827796974, 44453470823)",
            )),
            ..by_file(
                "sbi-securities",
                "SBI証券",
                Category::Securities,
                &["SBI Securities", "SBIラップ", "SBI Wrap", "先物・オプション"],
            )
        },
        formats: &["sbi-securities-trades"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://www.rakuten-sec.co.jp/ITS/V_ACT_Login.html",
                &["www.rakuten-sec.co.jp"],
                "public code: a site-check list (code search file id 70175879340) and others",
            )),
            ..by_file("rakuten-securities", "楽天証券", Category::Securities, &["Rakuten Securities"])
        },
        formats: &["rakuten-securities-trades"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://mst.monex.co.jp/pc/ITS/login/LoginIDPassword.jsp",
                &["mst.monex.co.jp"],
                "public scrapers (code search file ids 22981154703, 42550850487); passkey login is offered",
            )),
            ..by_file("monex", "マネックス証券", Category::Securities, &["Monex"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://www.deal.matsui.co.jp/ITS/login/MemberLogin.jsp",
                &["www.deal.matsui.co.jp"],
                "public scrapers (code search file ids 65958762348, 21188741696); passkey login is offered",
            )),
            ..by_file("matsui", "松井証券", Category::Securities, &["Matsui"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://s10.kabu.co.jp/_mem_bin/members/login.asp?/members/",
                &["s10.kabu.co.jp"],
                "older public scrapers (code search file ids 8000696143, 5349024955): uncertain since the company \
                 was renamed 三菱UFJ eスマート証券",
            )),
            ..by_file(
                "au-kabucom",
                "三菱UFJ eスマート証券",
                Category::Securities,
                &["auカブコム証券", "カブコム", "kabu.com"],
            )
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            lifecycle: Lifecycle::Ended {
                since: "2024-08-30",
                reason: "「PayPay証券」との自動取得は終了しました（新規追加の終了日:2024年7月17日、更新終了日:2024年8月30日）。\
                         反映済みのデータは閲覧できます。資産として計上するには手入力の口座で管理してください",
            },
            ..by_file("paypay-securities", "PayPay証券", Category::Securities, &["PayPay Securities", "One Tap BUY"])
        },
        formats: &[],
    },
];
