//! サンドボックスポイント (sandbox-points): a points balance (1pt counted as ¥1, kind points),
//! the points that expire by date, and the paged history of points earned, used and expired.

pub mod parse;

use super::{ENDPOINT, PASSWORD_FIELDS, UNATTENDED, account, site};
use crate::context::Context;
use crate::contract::{Category, Connector, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::{AccountKind, AuthKind};

pub struct SandboxPoints;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-points",
    name: "サンドボックスポイント",
    category: Category::Points,
    aliases: &["Sandbox Points"],
    auth: AuthKind::Password,
    fields: PASSWORD_FIELDS,
    policy: UNATTENDED,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

const HOME: &str = "/points";

#[async_trait::async_trait]
impl Connector for SandboxPoints {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        site::password_login(ctx, HOME).await
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let member = parse::points(&site::data_page(ctx, site::url(ctx, HOME)?).await?.body)?;
        let mut fetched = account(member.member_no, member.name, AccountKind::Points, member.balance, member.as_of);
        fetched.expiries = member.expiries;
        fetched.transactions = site::history(ctx, site::url(ctx, "/points/history")?, parse::history).await?;
        Ok(Fetched { accounts: vec![fetched] })
    }
}
