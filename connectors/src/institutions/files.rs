//! Institutions GIMS reaches through their statement files: listed in the catalog (with the
//! brand names users search for) and linked as file connections. A file connection has no login;
//! its data comes from `gims import FILE --connection ID`, its last import is its last fetched
//! time, and it is due again a month later. Each names the import formats its files come in.
//! The institutions themselves live in `japan/`, one file per category, each with its window
//! plan where a public source gives its login page.

use super::japan;
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

/// Refreshed when the user presses refresh: the institution window opens and the user logs in
/// there (never on a schedule, nor in "refresh all", which would open a window per bank).
pub const BY_WINDOW: RefreshPolicy = RefreshPolicy {
    auto_refresh: false,
    manual_refresh: true,
    bulk_refresh: false,
    min_interval_secs: 0,
    needs_user_every_login: true,
};

pub struct FileInstitution {
    pub info: &'static InstitutionInfo,
    /// Import format ids (`gims import --format …`) of this institution's statements: empty where
    /// GIMS reads none of its files yet (or the institution ended).
    pub formats: &'static [&'static str],
}

/// An active institution reached through its files, without a window plan; the entries set
/// `window` or `lifecycle` over it (`InstitutionInfo { window: …, ..by_file(…) }`).
pub const fn by_file(
    id: &'static str,
    name: &'static str,
    category: Category,
    aliases: &'static [&'static str],
) -> InstitutionInfo {
    InstitutionInfo {
        id,
        name,
        category,
        aliases,
        auth: AuthKind::File,
        fields: &[],
        policy: BY_FILE,
        lifecycle: Lifecycle::Active,
        endpoint: "file:",
        window: None,
    }
}

/// The service's own export, for users who bring their history with them.
static MONEYFORWARD_EXPORT: &[FileInstitution] = &[FileInstitution {
    info: &by_file(
        "moneyforward-export",
        "マネーフォワード ME（書き出したCSV）",
        Category::Bank,
        &["MoneyForward", "マネーフォワード", "MF"],
    ),
    formats: &["mf-export"],
}];

/// Every institution reached through its statement files, in catalog order: category by
/// category, the service's export, then the sandbox's window bank.
pub fn all() -> impl Iterator<Item = &'static FileInstitution> {
    [
        japan::banks::ALL,
        japan::cards::ALL,
        japan::securities::ALL,
        japan::emoney::ALL,
        japan::points::ALL,
        japan::ecommerce::ALL,
        MONEYFORWARD_EXPORT,
        super::sandbox::sandbox_window_bank::ALL,
    ]
    .into_iter()
    .flatten()
}

/// The institution `id` if GIMS reaches it through its statement files (by window or by hand).
pub fn file_institution(id: &str) -> Option<&'static FileInstitution> {
    all().find(|f| f.info.id == id)
}

/// The formats of a file institution's statements; `None` for an institution GIMS logs in to.
pub fn formats_of(id: &str) -> Option<&'static [&'static str]> {
    file_institution(id).map(|f| f.formats)
}

#[async_trait::async_trait]
impl Connector for FileInstitution {
    fn info(&self) -> &'static InstitutionInfo {
        self.info
    }

    async fn login(&self, _ctx: &mut Context) -> Result<(), ConnectorError> {
        Err(not_refreshed(self.info))
    }

    async fn fetch(&self, _ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        Err(not_refreshed(self.info))
    }
}

fn not_refreshed(info: &InstitutionInfo) -> ConnectorError {
    if let Lifecycle::Ended { since, reason } = info.lifecycle {
        return ConnectorError::Ended(format!("{} ended ({since}): {reason}", info.name));
    }
    let message = match info.auth {
        AuthKind::Window => {
            format!("{} is refreshed in the desktop app's institution window, where you log in", info.name)
        }
        _ => format!("{} is linked by its statement file: download it and import it", info.name),
    };
    ConnectorError::ActionRequired { message, url: None }
}
