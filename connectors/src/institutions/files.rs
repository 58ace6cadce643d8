//! Institutions GIMS reaches through their statement files: listed in the catalog (with the
//! brand names users search for) and linked as file connections. A file connection has no login;
//! its data comes from `gims import FILE --connection ID`, its last import is its last fetched
//! time, and it is due again a month later. Each names the import formats its files come in.

use crate::context::Context;
use crate::contract::{Category, Connector, InstitutionInfo, Lifecycle, RefreshPolicy};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::AuthKind;

/// Never refreshed: the user imports the file.
const BY_FILE: RefreshPolicy = RefreshPolicy {
    auto_refresh: false,
    manual_refresh: false,
    bulk_refresh: false,
    min_interval_secs: 0,
    needs_user_every_login: false,
};

pub struct FileInstitution {
    pub info: &'static InstitutionInfo,
    /// Import format ids (`gims import --format …`) of this institution's statement files.
    pub formats: &'static [&'static str],
}

macro_rules! file_institution {
    ($static:ident, $id:literal, $name:literal, $category:expr, [$($alias:literal),*]) => {
        static $static: InstitutionInfo = InstitutionInfo {
            id: $id,
            name: $name,
            category: $category,
            aliases: &[$($alias),*],
            auth: AuthKind::File,
            fields: &[],
            policy: BY_FILE,
            lifecycle: Lifecycle::Active,
            endpoint: "file:",
        };
    };
}

file_institution!(
    RAKUTEN_BANK,
    "rakuten-bank",
    "楽天銀行",
    Category::Bank,
    ["Rakuten Bank", "JRE BANK", "イーバンク銀行"]
);
file_institution!(
    SBI_SUMISHIN,
    "sbi-sumishin",
    "住信SBIネット銀行",
    Category::Bank,
    ["SBI Sumishin Net Bank", "NEOBANK", "d NEOBANK", "JAL NEOBANK", "ヤマダNEOBANK"]
);
file_institution!(
    JAPAN_POST_BANK,
    "japan-post-bank",
    "ゆうちょ銀行",
    Category::Bank,
    ["Japan Post Bank", "ゆうちょダイレクト"]
);
file_institution!(MUFG, "mufg", "三菱UFJ銀行", Category::Bank, ["MUFG Bank", "三菱東京UFJ銀行"]);
file_institution!(SMBC, "smbc", "三井住友銀行", Category::Bank, ["SMBC", "Olive"]);
file_institution!(MIZUHO, "mizuho", "みずほ銀行", Category::Bank, ["Mizuho Bank", "みずほダイレクト"]);
file_institution!(PAYPAY_BANK, "paypay-bank", "PayPay銀行", Category::Bank, ["PayPay Bank", "ジャパンネット銀行"]);
file_institution!(SBI_SHINSEI, "sbi-shinsei", "SBI新生銀行", Category::Bank, ["SBI Shinsei Bank", "新生銀行"]);
file_institution!(RAKUTEN_CARD, "rakuten-card", "楽天カード", Category::Card, ["Rakuten Card", "楽天e-NAVI"]);
file_institution!(SMBC_CARD, "smbc-card", "三井住友カード", Category::Card, ["SMBC Card", "Vpass", "Olive"]);
file_institution!(PAYPAY_CARD, "paypay-card", "PayPayカード", Category::Card, ["PayPay Card", "ヤフーカード"]);
file_institution!(
    VIEW_CARD,
    "view-card",
    "ビューカード",
    Category::Card,
    ["VIEW CARD", "ビックカメラSuicaカード", "JRE CARD"]
);
file_institution!(SUICA, "suica", "Suica", Category::Emoney, ["モバイルSuica", "PASMO", "交通系IC"]);
file_institution!(SBI_SECURITIES, "sbi-securities", "SBI証券", Category::Securities, ["SBI Securities"]);
file_institution!(RAKUTEN_SECURITIES, "rakuten-securities", "楽天証券", Category::Securities, ["Rakuten Securities"]);
file_institution!(
    MONEYFORWARD_EXPORT,
    "moneyforward-export",
    "マネーフォワード ME（書き出したCSV）",
    Category::Bank,
    ["MoneyForward", "マネーフォワード", "MF"]
);

pub static FILES: &[FileInstitution] = &[
    FileInstitution { info: &RAKUTEN_BANK, formats: &["rakuten-bank", "ofx"] },
    FileInstitution { info: &SBI_SUMISHIN, formats: &["sbi-sumishin", "ofx"] },
    FileInstitution { info: &JAPAN_POST_BANK, formats: &["japan-post-bank"] },
    FileInstitution { info: &MUFG, formats: &["mufg", "ofx"] },
    FileInstitution { info: &SMBC, formats: &["smbc", "smbc-old", "ofx"] },
    FileInstitution { info: &MIZUHO, formats: &["mizuho", "ofx"] },
    FileInstitution { info: &PAYPAY_BANK, formats: &["paypay-bank"] },
    FileInstitution { info: &SBI_SHINSEI, formats: &["sbi-shinsei"] },
    FileInstitution { info: &RAKUTEN_CARD, formats: &["rakuten-card"] },
    FileInstitution { info: &SMBC_CARD, formats: &["smbc-card-vpass"] },
    FileInstitution { info: &PAYPAY_CARD, formats: &["paypay-card"] },
    FileInstitution { info: &VIEW_CARD, formats: &["view-card"] },
    FileInstitution { info: &SUICA, formats: &["suica-history", "mobile-suica"] },
    FileInstitution { info: &SBI_SECURITIES, formats: &["sbi-securities-trades"] },
    FileInstitution { info: &RAKUTEN_SECURITIES, formats: &["rakuten-securities-trades"] },
    FileInstitution { info: &MONEYFORWARD_EXPORT, formats: &["mf-export"] },
];

/// The formats of a file institution's statements; `None` for an institution GIMS logs in to.
pub fn formats_of(id: &str) -> Option<&'static [&'static str]> {
    FILES.iter().find(|f| f.info.id == id).map(|f| f.formats)
}

#[async_trait::async_trait]
impl Connector for FileInstitution {
    fn info(&self) -> &'static InstitutionInfo {
        self.info
    }

    async fn login(&self, _ctx: &mut Context) -> Result<(), ConnectorError> {
        Err(by_file(self.info))
    }

    async fn fetch(&self, _ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        Err(by_file(self.info))
    }
}

fn by_file(info: &InstitutionInfo) -> ConnectorError {
    ConnectorError::ActionRequired {
        message: format!("{} is linked by its statement file: download it and import it", info.name),
        url: None,
    }
}
