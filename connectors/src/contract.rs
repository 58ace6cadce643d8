//! What every institution declares and what every connector implements.

use crate::context::Context;
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::secret::Secret;
use crate::vocabulary::AuthKind;
use crate::window::WindowPlan;
use serde::Serialize;
use time::OffsetDateTime;

/// The catalog's categories, as users of the modelled service know them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Bank,
    Card,
    Securities,
    Pension,
    Points,
    Miles,
    Emoney,
    /// FX, precious metals and crypto exchanges.
    Crypto,
    Ecommerce,
    Mobile,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Category::Bank,
        Category::Card,
        Category::Securities,
        Category::Pension,
        Category::Points,
        Category::Miles,
        Category::Emoney,
        Category::Crypto,
        Category::Ecommerce,
        Category::Mobile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Bank => "bank",
            Category::Card => "card",
            Category::Securities => "securities",
            Category::Pension => "pension",
            Category::Points => "points",
            Category::Miles => "miles",
            Category::Emoney => "emoney",
            Category::Crypto => "crypto",
            Category::Ecommerce => "ecommerce",
            Category::Mobile => "mobile",
        }
    }
}

/// One field of an institution's login form.
#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CredentialField {
    /// The key in `--credentials-stdin` JSON and in the keychain (`login_id`, `password`, …).
    pub id: &'static str,
    /// What the institution calls it (Japanese, as on its own login page).
    pub label: &'static str,
    /// Secret fields are masked on entry and never shown again.
    pub secret: bool,
}

/// When GIMS may refresh this institution (the institution's rules, not the user's).
#[derive(Clone, Copy, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshPolicy {
    /// May run on a schedule, unattended.
    pub auto_refresh: bool,
    /// The user may press "refresh" (some institutions allow system refresh only).
    pub manual_refresh: bool,
    /// Included in "refresh all".
    pub bulk_refresh: bool,
    /// Never refresh more often than this.
    pub min_interval_secs: u32,
    /// Every login needs the user (an OTP, a CAPTCHA, an approval): never unattended.
    pub needs_user_every_login: bool,
}

/// Whether the institution can still be linked.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Lifecycle {
    Active,
    /// The service ended: existing data is kept, nothing new can be linked or fetched.
    Ended {
        since: &'static str,
        reason: &'static str,
    },
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct InstitutionInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub category: Category,
    /// Brands served by this connector (JRE BANK → 楽天銀行) and other names users search for.
    pub aliases: &'static [&'static str],
    pub auth: AuthKind,
    pub fields: &'static [CredentialField],
    pub policy: RefreshPolicy,
    pub lifecycle: Lifecycle,
    /// The base URL every request goes to; `GIMS_ENDPOINT_<ID>` (or, for sandbox institutions,
    /// `GIMS_SANDBOX_URL`) replaces it.
    pub endpoint: &'static str,
    /// The institution's own login page and the way to its statement download, for the
    /// institution window; `None` where no public source gives its login page.
    pub window: Option<&'static WindowPlan>,
}

impl InstitutionInfo {
    pub fn is_sandbox(&self) -> bool {
        self.id.starts_with("sandbox-")
    }
}

/// What an institution asks the user in the middle of a login.
#[derive(Debug)]
pub enum Challenge {
    /// A one-time password, sent somewhere (an SMS to `***-****-1234`, an app, e-mail).
    Otp { sent_to: Option<String>, expires_at: Option<OffsetDateTime>, attempt: u32 },
    /// An image CAPTCHA (PNG). May be asked again in the same refresh.
    Captcha { png: Vec<u8>, attempt: u32 },
    /// Approve on another device or by tapping a link in an SMS. The connector polls the
    /// institution meanwhile; the reply only says "I approved, check now" or cancels.
    Approval { message: String, expires_at: Option<OffsetDateTime> },
    /// A consent page to open in the browser (OAuth). The connector waits for the loopback
    /// redirect; the reply only cancels or says "done".
    Consent { url: String },
}

impl Challenge {
    pub fn kind(&self) -> &'static str {
        match self {
            Challenge::Otp { .. } => "otp",
            Challenge::Captcha { .. } => "captcha",
            Challenge::Approval { .. } => "approval",
            Challenge::Consent { .. } => "consent",
        }
    }
}

/// The user's answer to a challenge.
#[derive(Debug)]
pub enum Reply {
    /// The code typed (OTP, CAPTCHA text).
    Code(Secret<String>),
    /// "I approved / consented; carry on."
    Continue,
}

/// One institution's connector. `login` then `fetch`, both straight-line async code; the engine
/// calls them in that order on one `Context` and records each login in the access log.
#[async_trait::async_trait]
pub trait Connector: Send + Sync {
    fn info(&self) -> &'static InstitutionInfo;

    /// Logs in, asking challenges through `ctx.ask` where the institution wants them.
    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError>;

    /// Fetches accounts, balances, holdings and transactions since `ctx.start_date`.
    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError>;
}
