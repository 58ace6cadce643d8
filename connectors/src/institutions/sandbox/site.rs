//! The HTTP side the sandbox's HTML sites share: every request goes through `ctx.send` and
//! `ctx.text`, every answer is checked for fault and notice pages, a data page that lands on the
//! login page means the session expired, history is followed through `a[rel=next]` until the
//! start date, and the password form is posted with its CSRF token.

use super::pages::{self, HistoryPage, LoginForm};
use crate::context::Context;
use crate::error::ConnectorError;
use crate::fetched::FetchedTransaction;
use reqwest::Url;

/// A history longer than this many pages is a pager that never ends, not data.
const MAX_HISTORY_PAGES: usize = 500;

/// One answer of an HTML site: where it ended up after redirects, and its body.
pub struct Page {
    pub url: Url,
    pub body: String,
}

/// `ctx.endpoint` + `path` as a URL.
pub fn url(ctx: &Context, path: &str) -> Result<Url, ConnectorError> {
    Url::parse(&ctx.url(path)).map_err(|error| {
        ConnectorError::Network(format!("the institution's address is not a valid URL ({error}); check the endpoint"))
    })
}

/// A link on a page (`/sandbox-bank/accounts/1234567/history?page=2`), made absolute.
pub fn absolute(ctx: &Context, href: &str) -> Result<Url, ConnectorError> {
    url(ctx, "")?.join(href).map_err(|_| pages::changed("linked", &format!("a link to `{href}` that is not a URL")))
}

/// Whether `page` is the institution's page at `path` (`/login`, `/accounts`).
pub fn is_at(ctx: &Context, page: &Page, path: &str) -> bool {
    url(ctx, path).is_ok_and(|expected| expected.path() == page.url.path())
}

/// With the cookies of the last login loaded: is that session still open? Its home page answers
/// (rather than sending us back to the login page). Sends nothing that would trigger a code.
pub async fn session_alive(ctx: &Context, home: &str) -> Result<bool, ConnectorError> {
    if !ctx.resumed_session {
        return Ok(false);
    }
    let page = get(ctx, url(ctx, home)?).await?;
    Ok(is_at(ctx, &page, home))
}

/// Sends a request and reads the whole answer; fault and notice pages become their errors.
pub async fn load(ctx: &Context, request: reqwest::RequestBuilder) -> Result<Page, ConnectorError> {
    let response = ctx.send(request).await?;
    let status = response.status().as_u16();
    let url = response.url().clone();
    let retry_after =
        response.headers().get(reqwest::header::RETRY_AFTER).and_then(|value| value.to_str().ok()).map(str::to_owned);
    let body = ctx.text(response).await?;
    match pages::system_notice(status, retry_after.as_deref(), &body, ctx.today) {
        Some(error) => Err(error),
        None => Ok(Page { url, body }),
    }
}

pub async fn get(ctx: &Context, url: Url) -> Result<Page, ConnectorError> {
    load(ctx, ctx.http.get(url)).await
}

pub async fn post_form(ctx: &Context, url: Url, form: &[(&str, &str)]) -> Result<Page, ConnectorError> {
    load(ctx, ctx.http.post(url).form(form)).await
}

/// A page behind the login. Landing on the login page instead means the session ended.
pub async fn data_page(ctx: &Context, url: Url) -> Result<Page, ConnectorError> {
    let page = get(ctx, url).await?;
    if is_at(ctx, &page, "/login") { Err(pages::session_expired()) } else { Ok(page) }
}

/// Bytes of a non-HTML resource (a CAPTCHA image), with the same cancellation as `ctx.text`.
pub async fn image(ctx: &Context, url: Url) -> Result<Vec<u8>, ConnectorError> {
    let response = ctx.send(ctx.http.get(url)).await?;
    let status = response.status();
    let is_png = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("image/png"));
    if !status.is_success() || !is_png {
        let body = ctx.text(response).await?;
        return Err(pages::system_notice(status.as_u16(), None, &body, ctx.today)
            .unwrap_or_else(|| pages::changed("CAPTCHA", "the image is not a PNG")));
    }
    tokio::select! {
        bytes = response.bytes() => bytes.map(|bytes| bytes.to_vec()).map_err(|_| {
            ConnectorError::Network("the institution's CAPTCHA image was cut off; try again".into())
        }),
        () = ctx.cancel.cancelled() => Err(ConnectorError::Cancelled),
    }
}

/// Every transaction of a paged history from `first`, newest first, following `a[rel=next]`
/// until the rows are older than `ctx.start_date`; returns the rows on or after it.
pub async fn history(
    ctx: &Context,
    first: Url,
    parse: fn(&str) -> Result<HistoryPage, ConnectorError>,
) -> Result<Vec<FetchedTransaction>, ConnectorError> {
    let mut transactions = Vec::new();
    let mut next = Some(first);
    let mut pages_read = 0;
    while let Some(url) = next.take() {
        pages_read += 1;
        if pages_read > MAX_HISTORY_PAGES {
            return Err(pages::changed("history", &format!("more than {MAX_HISTORY_PAGES} pages")));
        }
        let page = parse(&data_page(ctx, url).await?.body)?;
        let before_start = |date| ctx.start_date.is_some_and(|start| date < start);
        let reached_start = page.transactions.iter().any(|transaction| before_start(transaction.date));
        transactions.extend(page.transactions.into_iter().filter(|transaction| !before_start(transaction.date)));
        if !reached_start {
            next = page.next.map(|href| absolute(ctx, &href)).transpose()?;
        }
    }
    Ok(transactions)
}

/// The login ID and password of this login.
pub fn credentials(ctx: &Context) -> Result<(&str, &str), ConnectorError> {
    Ok((ctx.credential("login_id")?.expose().as_str(), ctx.credential("password")?.expose().as_str()))
}

/// `GET /login?login_id=…` (so a CAPTCHA is shown to this login) and its form.
pub async fn open_login(ctx: &Context) -> Result<LoginForm, ConnectorError> {
    let (login_id, _) = credentials(ctx)?;
    let mut login_url = url(ctx, "/login")?;
    login_url.query_pairs_mut().append_pair("login_id", login_id);
    pages::login_form(&get(ctx, login_url).await?.body)
}

/// Posts the login form (with the CAPTCHA answer where there is one); returns where it landed.
pub async fn post_login(ctx: &Context, form: &LoginForm, captcha: Option<&str>) -> Result<Page, ConnectorError> {
    let (login_id, password) = credentials(ctx)?;
    let mut fields = vec![("login_id", login_id), ("password", password), ("csrf", form.csrf.as_str())];
    if let Some(answer) = captcha {
        fields.push(("captcha", answer));
    }
    post_form(ctx, url(ctx, "/login")?, &fields).await
}

/// After the last login step the site must show `home`; the login page again means refused.
pub fn expect_home(ctx: &Context, page: &Page, home: &str) -> Result<(), ConnectorError> {
    if is_at(ctx, page, home) {
        Ok(())
    } else if is_at(ctx, page, "/login") {
        Err(pages::refused_login(&page.body))
    } else {
        Err(pages::changed("login", &format!("the login led to `{}`", page.url.path())))
    }
}

/// The whole login of a password-only site: form, password, home.
pub async fn password_login(ctx: &Context, home: &str) -> Result<(), ConnectorError> {
    let form = open_login(ctx).await?;
    let landed = post_login(ctx, &form, None).await?;
    expect_home(ctx, &landed, home)
}
