//! Banks. Brands served by another bank's login are its aliases (JRE BANK → 楽天銀行, the
//! NEOBANK brands → 住信SBIネット銀行), as the seed's FAQ links them.

use super::plan;
use crate::contract::{Category, InstitutionInfo};
use crate::institutions::files::{BY_WINDOW, FileInstitution, by_file};
use crate::vocabulary::AuthKind;

pub static ALL: &[FileInstitution] = &[
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://fes.rakuten-bank.co.jp/MS/main/RbS?CurrentPageID=START&&COMMAND=LOGIN",
                &["fes.rakuten-bank.co.jp"],
                "seed FAQ (shared/seed/faq.ja.txt L488–493, 「JRE BANK」を連携する方法を教えてください): the 楽天銀行 login \
                 address JRE BANK users log in at",
            )),
            ..by_file("rakuten-bank", "楽天銀行", Category::Bank, &["Rakuten Bank", "JRE BANK", "イーバンク銀行"])
        },
        formats: &["rakuten-bank", "ofx"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://direct.jp-bank.japanpost.jp/tp1web/U010101WAK.do",
                &["direct.jp-bank.japanpost.jp"],
                "public code: https://github.com/jinkaiNitamago2022/subliminal-certinfo README.md (a 2022 table of \
                 login pages), not the bank's own page",
            )),
            // Its 投資信託 come in the same login since 2024-07-16 (seed FAQ L534–537).
            ..by_file(
                "japan-post-bank",
                "ゆうちょ銀行",
                Category::Bank,
                &["Japan Post Bank", "ゆうちょダイレクト", "ゆうちょ銀行(投資信託)"],
            )
        },
        formats: &["japan-post-bank"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://direct.smbc.co.jp/aib/aibgsjsw5001.jsp",
                // The login is on `direct`, the statements on `direct3` (research note below).
                &["direct.smbc.co.jp", "direct3.smbc.co.jp"],
                "public code: https://github.com/jinkaiNitamago2022/subliminal-certinfo README.md (2022), and a \
                 research note citing SMBC's pages (entry page https://www.smbc.co.jp/kojin/direct/; code search file \
                 id 61949265644); login is approved with SMBCセーフティパス each time (seed FAQ L472–486)",
            )),
            ..by_file("smbc", "三井住友銀行", Category::Bank, &["SMBC", "SMBCダイレクト", "Olive"])
        },
        formats: &["smbc", "smbc-old", "ofx"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://www.netbk.co.jp/contents/pages/wpl010101/i010101CT/DI01010210",
                &["www.netbk.co.jp"],
                "public scraper code (a `siteSpec.loginUrl`, code search; repository not named): low confidence. NEOBANK \
                 brands log in as 住信SBIネット銀行 (seed FAQ L516–523, https://www.netbk.co.jp/contents/lineup/neobank/); \
                 their own entry pages are unknown",
            )),
            ..by_file(
                "sbi-sumishin",
                "住信SBIネット銀行",
                Category::Bank,
                &["SBI Sumishin Net Bank", "NEOBANK", "提携NEOBANK", "d NEOBANK", "JAL NEOBANK", "ヤマダNEOBANK"],
            )
        },
        formats: &["sbi-sumishin", "ofx"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://ib.jibunbank.co.jp/security/ap/loginlogout/login/loginstart?cid=",
                &["ib.jibunbank.co.jp"],
                "public scraper code (code search file id 11276903609; repository not named): uncertain, possibly older \
                 than the bank's system change of 2023-08-22 (seed FAQ L332–335)",
            )),
            ..by_file("au-jibun-bank", "auじぶん銀行", Category::Bank, &["au Jibun Bank", "じぶん銀行"])
        },
        formats: &[],
    },
    FileInstitution {
        // No login address found; history only from 2024-05-06 after its system migration (seed FAQ L429–433).
        info: &by_file("shimizu-bank", "清水銀行", Category::Bank, &["Shimizu Bank"]),
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://entry11.bk.mufg.jp/ibg/dfw/APLIN/loginib/login?_TRANID=AA000_001",
                &["entry11.bk.mufg.jp"],
                "public code: https://github.com/jinkaiNitamago2022/subliminal-certinfo README.md (2022)",
            )),
            ..by_file("mufg", "三菱UFJ銀行", Category::Bank, &["MUFG Bank", "三菱東京UFJ銀行", "三菱UFJダイレクト"])
        },
        formats: &["mufg", "ofx"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://web.ib.mizuhobank.co.jp/servlet/LOGBNK0000000B.do",
                &["web.ib.mizuhobank.co.jp"],
                "public code: https://github.com/jinkaiNitamago2022/subliminal-certinfo README.md (2022)",
            )),
            ..by_file("mizuho", "みずほ銀行", Category::Bank, &["Mizuho Bank", "みずほダイレクト"])
        },
        formats: &["mizuho", "ofx"],
    },
    FileInstitution {
        // No login address found (only a host in a bookmark file).
        info: &by_file("resona", "りそな銀行", Category::Bank, &["Resona Bank", "埼玉りそな銀行"]),
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://login.paypay-bank.co.jp/wctx/LoginAction.do",
                &["login.paypay-bank.co.jp"],
                "a research note calling it the verified personal login entry (code search file id 69013526335) and \
                 public scrapers",
            )),
            ..by_file("paypay-bank", "PayPay銀行", Category::Bank, &["PayPay Bank", "ジャパンネット銀行", "JNB"])
        },
        formats: &["paypay-bank"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            auth: AuthKind::Window,
            policy: BY_WINDOW,
            window: Some(&plan(
                "https://bk.web.sbishinseibank.co.jp/SFC/apps/services/www/SFC/desktopbrowser/default/login?mode=1",
                &["bk.web.sbishinseibank.co.jp"],
                "public code: https://github.com/haruocode/my-financial-tools money/tests/shinseiBank.spec.js",
            )),
            ..by_file("sbi-shinsei", "SBI新生銀行", Category::Bank, &["SBI Shinsei Bank", "新生銀行", "PowerFlex"])
        },
        formats: &["sbi-shinsei"],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://ib.aeonbank.co.jp/0040/B/B/B/C100/KBC11BN000B000.do",
                &["ib.aeonbank.co.jp"],
                "old public scrapers (code search file ids 44617011999, 46585993965): uncertain; another entry seen is \
                 https://www.aeonbank.co.jp/login/ib_02.html",
            )),
            ..by_file("aeon-bank", "イオン銀行", Category::Bank, &["AEON Bank"])
        },
        formats: &[],
    },
    FileInstitution {
        info: &InstitutionInfo {
            window: Some(&plan(
                "https://o2o.moneykit.net/NBG100001U01.html",
                &["o2o.moneykit.net"],
                "one public scraper of 2018 (code search file id 8644661346): uncertain",
            )),
            ..by_file("sony-bank", "ソニー銀行", Category::Bank, &["Sony Bank", "MONEYKit"])
        },
        formats: &[],
    },
];
