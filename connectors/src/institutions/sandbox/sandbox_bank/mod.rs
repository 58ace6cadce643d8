//! サンドボックス銀行 (sandbox-bank): password login; deposits with paged histories and the
//! 投資信託 sub-product as its own securities account. The OTP and approval banks show the same
//! pages behind their logins and fetch through [`fetch_bank`].

pub mod parse;

use super::{ENDPOINT, PASSWORD_FIELDS, UNATTENDED, account, site};
use crate::context::Context;
use crate::contract::{Category, Connector, InstitutionInfo, Lifecycle};
use crate::error::ConnectorError;
use crate::fetched::{Fetched, PastBalance};
use crate::vocabulary::{AccountKind, AuthKind};

pub struct SandboxBank;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-bank",
    name: "サンドボックス銀行",
    category: Category::Bank,
    aliases: &["Sandbox Bank", "サンドボックスぎんこう"],
    auth: AuthKind::Password,
    fields: PASSWORD_FIELDS,
    policy: UNATTENDED,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

/// Where a finished login lands, and where the accounts are listed.
pub(crate) const HOME: &str = "/accounts";

#[async_trait::async_trait]
impl Connector for SandboxBank {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        site::password_login(ctx, HOME).await
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        fetch_bank(ctx).await
    }
}

/// The accounts page, then each deposit's history since the start date.
pub(crate) async fn fetch_bank(ctx: &Context) -> Result<Fetched, ConnectorError> {
    let listed = parse::accounts(&site::data_page(ctx, site::url(ctx, HOME)?).await?.body)?;
    let mut accounts = Vec::new();
    for deposit in listed.deposits {
        let history = site::absolute(ctx, &deposit.history_href)?;
        let mut fetched = account(deposit.account_no, deposit.name, AccountKind::Bank, deposit.balance, listed.as_of);
        fetched.transactions = site::history(ctx, history, parse::history).await?;
        fetched.past_balances = month_ends_of(&listed.month_ends, &fetched.external_id);
        accounts.push(fetched);
    }
    if let Some(funds) = listed.funds {
        let mut fetched = account(funds.account_no, funds.name, AccountKind::Securities, funds.total, listed.as_of);
        fetched.holdings = funds.holdings;
        fetched.past_balances = month_ends_of(&listed.month_ends, &fetched.external_id);
        accounts.push(fetched);
    }
    Ok(Fetched { accounts })
}

/// The 残高推移 rows of one account.
fn month_ends_of(month_ends: &[(String, PastBalance)], account_no: &str) -> Vec<PastBalance> {
    month_ends.iter().filter(|(no, _)| no == account_no).map(|(_, end)| end.clone()).collect()
}
