//! サンドボックスカード (sandbox-card): one login, three cards, each an account of kind card
//! whose balance is minus what is owed, with its paged statement (charges printed positive).

pub mod parse;

use super::{ENDPOINT, PASSWORD_FIELDS, UNATTENDED, account, site};
use crate::context::Context;
use crate::contract::{Category, Connector, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::{AccountKind, AuthKind};

pub struct SandboxCard;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-card",
    name: "サンドボックスカード",
    category: Category::Card,
    aliases: &["Sandbox Card", "サンドボックスゴールドカード", "サンドボックスETCカード"],
    auth: AuthKind::Password,
    fields: PASSWORD_FIELDS,
    policy: UNATTENDED,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

const HOME: &str = "/cards";

#[async_trait::async_trait]
impl Connector for SandboxCard {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        site::password_login(ctx, HOME).await
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let listed = parse::cards(&site::data_page(ctx, site::url(ctx, HOME)?).await?.body)?;
        let mut accounts = Vec::new();
        for card in listed.cards {
            let statement = site::absolute(ctx, &card.statement_href)?;
            let mut fetched = account(card.card_id, card.name, AccountKind::Card, -card.unpaid, listed.as_of);
            fetched.transactions = site::history(ctx, statement, parse::statement).await?;
            accounts.push(fetched);
        }
        Ok(Fetched { accounts })
    }
}
