//! サンドボックス証券 (sandbox-securities): the 総合口座 (cash 預り金 with its paged trade history,
//! domestic stocks and funds) and the ラップ口座 sub-product as its own account. A securities
//! account's balance is its whole valuation: cash plus holdings.

pub mod parse;

use super::{ENDPOINT, PASSWORD_FIELDS, UNATTENDED, account, site};
use crate::context::Context;
use crate::contract::{Category, Connector, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::{AccountKind, AuthKind};

pub struct SandboxSecurities;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-securities",
    name: "サンドボックス証券",
    category: Category::Securities,
    aliases: &["Sandbox Securities"],
    auth: AuthKind::Password,
    fields: PASSWORD_FIELDS,
    policy: UNATTENDED,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

const HOME: &str = "/portfolio";

#[async_trait::async_trait]
impl Connector for SandboxSecurities {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        site::password_login(ctx, HOME).await
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let portfolio = parse::portfolio(&site::data_page(ctx, site::url(ctx, HOME)?).await?.body)?;
        let mut accounts = Vec::new();
        for section in portfolio.accounts {
            let mut fetched =
                account(section.account_no, section.name, AccountKind::Securities, section.valuation, portfolio.as_of);
            if section.has_trades {
                fetched.transactions = site::history(ctx, site::url(ctx, "/trades")?, parse::trades).await?;
            }
            fetched.holdings = section.holdings;
            accounts.push(fetched);
        }
        Ok(Fetched { accounts })
    }
}
