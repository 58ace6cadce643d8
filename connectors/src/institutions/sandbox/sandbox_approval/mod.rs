//! サンドボックス承認銀行 (sandbox-approval): the bank's pages behind a password and an approval
//! on the user's phone (an app notification, or an SMS link for logins starting with `sms`).
//! The connector polls the bank's status URL while the user is asked; a reply only means "check
//! now". Never unattended: posting the password is what sends the approval request.

pub mod parse;

use super::sandbox_bank::fetch_bank;
use super::{ENDPOINT, PASSWORD_FIELDS, USER_EVERY_LOGIN, pages, site};
use crate::context::Context;
use crate::contract::{Category, Challenge, Connector, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::AuthKind;
use parse::ApprovalState;
use reqwest::Url;
use std::time::Duration;

pub struct SandboxApproval;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-approval",
    name: "サンドボックス承認銀行",
    category: Category::Bank,
    aliases: &["Sandbox Approval Bank"],
    auth: AuthKind::PasswordApproval,
    fields: PASSWORD_FIELDS,
    policy: USER_EVERY_LOGIN,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

const PENDING: &str = "/login/approval";
const POLL_INTERVAL: Duration = Duration::from_millis(500);
/// The bank expires a request after 2 minutes and says so; this only guards against a bank
/// that never answers anything but "pending".
const GIVE_UP_AFTER: Duration = Duration::from_secs(10 * 60);

#[async_trait::async_trait]
impl Connector for SandboxApproval {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        if site::session_alive(ctx, "/accounts").await? {
            return Ok(());
        }
        ctx.require_interactive("this bank asks for approval on your phone at every login")?;
        let form = site::open_login(ctx).await?;
        let page = site::post_login(ctx, &form, None).await?;
        if !site::is_at(ctx, &page, PENDING) {
            site::expect_home(ctx, &page, PENDING)?;
        }
        let pending = parse::approval_pending(&page.body)?;
        let status_url = site::absolute(ctx, &pending.status_url)?;
        let ask = ctx.ask(Challenge::Approval { message: pending.message, expires_at: pending.expires_at });
        tokio::pin!(ask);
        let give_up = tokio::time::sleep(GIVE_UP_AFTER);
        tokio::pin!(give_up);
        let mut asking = true;
        loop {
            tokio::select! {
                reply = &mut ask, if asking => {
                    // Approved, or so the user says: check now, and keep polling if not yet.
                    reply?;
                    asking = false;
                }
                () = tokio::time::sleep(POLL_INTERVAL) => {}
                () = &mut give_up => return Err(ConnectorError::ChallengeTimedOut),
            }
            match approval_state(ctx, status_url.clone()).await? {
                ApprovalState::Approved => return Ok(()),
                ApprovalState::Pending => {}
                ApprovalState::Expired => {
                    return Err(ConnectorError::ChallengeFailed(
                        "the approval request expired before it was approved; refresh again for a new one".into(),
                    ));
                }
                ApprovalState::Denied => {
                    return Err(ConnectorError::ChallengeFailed(
                        "the login was denied on the phone; refresh again and approve it".into(),
                    ));
                }
            }
        }
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        fetch_bank(ctx).await
    }
}

/// `GET /login/status`.
async fn approval_state(ctx: &Context, status_url: Url) -> Result<ApprovalState, ConnectorError> {
    let response = ctx.send(ctx.http.get(status_url)).await?;
    let status = response.status().as_u16();
    let body = ctx.text(response).await?;
    if status == 401 {
        return Err(ConnectorError::Network(
            "the session at the institution ended while waiting for approval; try again".into(),
        ));
    }
    if let Some(error) = pages::system_notice(status, None, &body, ctx.today) {
        return Err(error);
    }
    parse::approval_state(&body)
}
