//! Liquid by Quoine (liquid): kept in the catalog so users find it and learn why it cannot be
//! linked. FTX bought Liquid in 2022; under FTX's Chapter 11 withdrawals halted on 2022-11-15 and
//! all trading paused on 2022-11-20. There is no live API to talk to; the connector only says so.

use super::API_KEY_POLICY;
use crate::context::Context;
use crate::contract::{Category, Connector, CredentialField, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::vocabulary::AuthKind;

pub struct Liquid;

const REASON: &str = "Liquid stopped withdrawals on 2022-11-15 and all trading on 2022-11-20 under FTX's bankruptcy; its API no longer serves customers";

static INFO: InstitutionInfo = InstitutionInfo {
    id: "liquid",
    name: "Liquid by Quoine",
    category: Category::Crypto,
    aliases: &["Liquid", "リキッド", "QUOINE", "コインエクスチェンジ"],
    auth: AuthKind::ApiKey,
    fields: &[
        CredentialField { id: "token_id", label: "APIトークンID", secret: false },
        CredentialField { id: "api_secret", label: "APIシークレット", secret: true },
    ],
    policy: API_KEY_POLICY,
    lifecycle: Lifecycle::Ended { since: "2022-11-20", reason: REASON },
    endpoint: "https://api.liquid.com",
    window: None,
};

#[async_trait::async_trait]
impl Connector for Liquid {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, _ctx: &mut Context) -> Result<(), ConnectorError> {
        Err(ConnectorError::Ended(format!("Liquid by Quoine ended: {REASON}")))
    }

    async fn fetch(&self, _ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        Err(ConnectorError::Ended(format!("Liquid by Quoine ended: {REASON}")))
    }
}
