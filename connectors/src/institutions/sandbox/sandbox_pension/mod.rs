//! サンドボックス確定拠出年金 (sandbox-pension): a defined-contribution pension plan, one account of
//! kind pension valued at its 未投資資金 plus the funds it holds, with the paged history of
//! contributions, fees and purchases.
//!
//! Its refresh policy is the strict one some record keepers impose on aggregators: only GIMS's own
//! scheduled refresh (no refresh button, not part of "refresh all"), at most once every six hours.

pub mod parse;

use super::{ENDPOINT, PASSWORD_FIELDS, account, site};
use crate::context::Context;
use crate::contract::{Category, Connector, InstitutionInfo, Lifecycle, RefreshPolicy};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::{AccountKind, AuthKind};

pub struct SandboxPension;

/// System refresh only, excluded from "refresh all", once every six hours at most.
const SYSTEM_REFRESH_ONLY: RefreshPolicy = RefreshPolicy {
    auto_refresh: true,
    manual_refresh: false,
    bulk_refresh: false,
    min_interval_secs: 6 * 60 * 60,
    needs_user_every_login: false,
};

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-pension",
    name: "サンドボックス確定拠出年金",
    category: Category::Pension,
    aliases: &["Sandbox Pension", "サンドボックスiDeCo"],
    auth: AuthKind::Password,
    fields: PASSWORD_FIELDS,
    policy: SYSTEM_REFRESH_ONLY,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

const HOME: &str = "/assets";

#[async_trait::async_trait]
impl Connector for SandboxPension {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        site::password_login(ctx, HOME).await
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let plan = parse::assets(&site::data_page(ctx, site::url(ctx, HOME)?).await?.body)?;
        let mut fetched = account(plan.plan_no, plan.name, AccountKind::Pension, plan.valuation, plan.as_of);
        fetched.holdings = plan.holdings;
        fetched.transactions = site::history(ctx, site::url(ctx, "/history")?, parse::history).await?;
        Ok(Fetched { accounts: vec![fetched] })
    }
}
