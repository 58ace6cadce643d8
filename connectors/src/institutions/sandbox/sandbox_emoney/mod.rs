//! サンドボックスマネー (sandbox-emoney): an e-money wallet whose login shows an image CAPTCHA
//! (and a second one for logins starting with `twice`). Every CAPTCHA goes to the user, so the
//! login page is not even opened in an unattended run.

pub mod parse;

use super::pages::{self, LoginForm};
use super::{ENDPOINT, PASSWORD_FIELDS, USER_EVERY_LOGIN, account, site};
use crate::context::Context;
use crate::contract::{Category, Challenge, Connector, InstitutionInfo, Lifecycle, Reply};
use crate::error::ConnectorError;
use crate::fetched::Fetched;
use crate::secret::Secret;
use crate::vocabulary::{AccountKind, AuthKind};

pub struct SandboxEmoney;

static INFO: InstitutionInfo = InstitutionInfo {
    id: "sandbox-emoney",
    name: "サンドボックスマネー",
    category: Category::Emoney,
    aliases: &["Sandbox Money"],
    auth: AuthKind::PasswordCaptcha,
    fields: PASSWORD_FIELDS,
    policy: USER_EVERY_LOGIN,
    lifecycle: Lifecycle::Active,
    endpoint: ENDPOINT,
    window: None,
};

const HOME: &str = "/balance";
const SECOND_CAPTCHA: &str = "/login/captcha";
/// CAPTCHAs asked in one login before giving up.
const MAX_CAPTCHAS: u32 = 5;

#[async_trait::async_trait]
impl Connector for SandboxEmoney {
    fn info(&self) -> &'static InstitutionInfo {
        &INFO
    }

    async fn login(&self, ctx: &mut Context) -> Result<(), ConnectorError> {
        if site::session_alive(ctx, HOME).await? {
            return Ok(());
        }
        ctx.require_interactive("this e-money service asks for an image CAPTCHA at every login")?;
        let mut attempt = 0;
        let mut form = site::open_login(ctx).await?;
        let mut page = loop {
            attempt += 1;
            let Some(answer) = ask_captcha(ctx, captcha_src(&form)?, attempt).await? else {
                form = site::open_login(ctx).await?; // "another image, please"
                continue;
            };
            let page = site::post_login(ctx, &form, Some(answer.expose().trim())).await?;
            if !site::is_at(ctx, &page, "/login") || !parse::captcha_refused(&page.body) {
                break page;
            }
            give_up_after(attempt)?;
            form = pages::login_form(&page.body)?;
        };
        while site::is_at(ctx, &page, SECOND_CAPTCHA) {
            let prompt = parse::second_captcha(&page.body)?;
            attempt += 1;
            let answer = match ask_captcha(ctx, &prompt.captcha_src, attempt).await? {
                Some(answer) => answer,
                None => continue, // the second step offers no other image: ask again
            };
            let form = [("csrf", prompt.csrf.as_str()), ("captcha", answer.expose().trim())];
            page = site::post_form(ctx, site::url(ctx, SECOND_CAPTCHA)?, &form).await?;
            if site::is_at(ctx, &page, SECOND_CAPTCHA) {
                give_up_after(attempt)?;
            }
        }
        site::expect_home(ctx, &page, HOME)
    }

    async fn fetch(&self, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
        let wallet = parse::balance(&site::data_page(ctx, site::url(ctx, HOME)?).await?.body)?;
        let mut fetched = account(wallet.wallet_no, wallet.name, AccountKind::Emoney, wallet.balance, wallet.as_of);
        fetched.transactions = site::history(ctx, site::url(ctx, "/history")?, parse::history).await?;
        Ok(Fetched { accounts: vec![fetched] })
    }
}

fn captcha_src(form: &LoginForm) -> Result<&str, ConnectorError> {
    form.captcha_src.as_deref().ok_or_else(|| pages::changed("login", "no `img#captcha-image`"))
}

/// Shows the CAPTCHA at `src` to the user: their answer, or `None` when they asked for another.
async fn ask_captcha(ctx: &Context, src: &str, attempt: u32) -> Result<Option<Secret<String>>, ConnectorError> {
    let png = site::image(ctx, site::absolute(ctx, src)?).await?;
    match ctx.ask(Challenge::Captcha { png, attempt }).await? {
        Reply::Code(answer) => Ok(Some(answer)),
        Reply::Continue => {
            give_up_after(attempt)?;
            Ok(None)
        }
    }
}

fn give_up_after(attempt: u32) -> Result<(), ConnectorError> {
    if attempt >= MAX_CAPTCHAS {
        Err(ConnectorError::ChallengeFailed(format!(
            "{MAX_CAPTCHAS} image CAPTCHAs in a row were not accepted; refresh again to retry"
        )))
    } else {
        Ok(())
    }
}
