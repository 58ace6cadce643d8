//! サンドボックスワンタイム銀行 (sandbox-otp-bank): the bank's pages behind a password and a
//! one-time password sent by SMS at every login. Never unattended: the password is posted only in
//! an interactive run, since posting it is what sends the code.

pub mod parse;

use super::sandbox_bank::{HOME, fetch_bank};
use super::{ENDPOINT, PASSWORD_FIELDS, USER_EVERY_LOGIN, site};
use crate::context::Context;
use crate::contract::{Category, Challenge, Connector, InstitutionInfo, Lifecycle, Reply};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::AuthKind;
use parse::OtpOutcome;

pub struct SandboxOtpBank;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-otp-bank",
    name: "サンドボックスワンタイム銀行",
    category: Category::Bank,
    aliases: &["Sandbox OTP Bank"],
    auth: AuthKind::PasswordOtp,
    fields: PASSWORD_FIELDS,
    policy: USER_EVERY_LOGIN,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

/// The site locks the attempt at the third wrong code.
const OTP_TRIES: u32 = 3;

#[async_trait::async_trait]
impl Connector for SandboxOtpBank {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        if site::session_alive(ctx, HOME).await? {
            return Ok(());
        }
        ctx.require_interactive("this bank sends a one-time password at every login")?;
        let form = site::open_login(ctx).await?;
        let mut page = site::post_login(ctx, &form, None).await?;
        if !site::is_at(ctx, &page, "/login/otp") {
            site::expect_home(ctx, &page, "/login/otp")?;
        }
        for attempt in 1..=OTP_TRIES {
            let prompt = parse::otp_prompt(&page.body)?;
            let challenge = Challenge::Otp { sent_to: prompt.sent_to, expires_at: prompt.expires_at, attempt };
            let Reply::Code(code) = ctx.ask(challenge).await? else {
                return Err(ConnectorError::ChallengeFailed("no one-time password was entered; refresh again".into()));
            };
            let form = [("csrf", prompt.csrf.as_str()), ("otp", code.expose().trim())];
            page = site::post_form(ctx, site::url(ctx, "/login/otp")?, &form).await?;
            if site::is_at(ctx, &page, HOME) {
                return Ok(());
            }
            match parse::otp_outcome(&page.body)? {
                OtpOutcome::Wrong { .. } => continue,
                OtpOutcome::Locked => break,
                OtpOutcome::Expired => {
                    return Err(ConnectorError::ChallengeFailed(
                        "the one-time password expired before it was entered; refresh again for a new code".into(),
                    ));
                }
            }
        }
        Err(ConnectorError::ChallengeFailed(format!(
            "the one-time password was wrong {OTP_TRIES} times and the bank locked this login; refresh again for a new code"
        )))
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        fetch_bank(ctx).await
    }
}
