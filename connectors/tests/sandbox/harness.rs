//! A served sandbox with a fixed clock, contexts built as the engine builds them, a test user
//! who answers challenges by reading the sandbox's phone and CAPTCHA answers (and plays the
//! browser for OAuth consent), and the comparison of what a connector fetched with the dataset.

use std::sync::{Arc, Mutex};

use gims_connectors::{
    AskError, Asker, Challenge, Connector, ConnectorError, Context, ContextParts, Fetched, Reply, Secret,
};
use gims_sandbox::data::{Dataset, HoldingClass};
use gims_sandbox::{Clock, FixedClock, RunningSandbox, Sandbox};
use reqwest::{Client, StatusCode};
use rust_decimal::Decimal;
use scraper::{Html, Selector};
use serde_json::{Value, json};
use std::str::FromStr;
use time::macros::{datetime, offset};
use time::{Date, Duration, OffsetDateTime};
use tokio_util::sync::CancellationToken;

/// 2026-11-28 10:00 in Tokyo.
pub const START: OffsetDateTime = datetime!(2026-11-28 01:00 UTC);

pub struct Harness {
    pub clock: Arc<FixedClock>,
    pub running: RunningSandbox,
}

impl Harness {
    pub async fn start() -> Harness {
        let clock = Arc::new(FixedClock::new(START));
        let running =
            Sandbox::new(clock.clone()).serve("127.0.0.1:0".parse().unwrap()).await.expect("sandbox binds a free port");
        Harness { clock, running }
    }

    /// Today in Tokyo by the sandbox's clock: the date its datasets are computed for.
    pub fn today(&self) -> Date {
        self.clock.now().to_offset(offset!(+9)).date()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.base_url)
    }

    /// What the sandbox shows `login` at `institution` today.
    pub fn dataset(&self, institution: &str, login: &str) -> Dataset {
        gims_sandbox::data::dataset(institution, login, self.today())
    }

    /// A user who answers every challenge as asked (`play`).
    pub fn user(&self, login: &str, play: Play) -> Arc<TestUser> {
        Arc::new(TestUser {
            base_url: self.running.base_url.clone(),
            login: login.to_owned(),
            play,
            clock: self.clock.clone(),
            asked: Mutex::new(Vec::new()),
        })
    }

    /// A context as the engine builds it: cookie jar, redirects followed, today in Japan.
    pub fn context(
        &self,
        institution: &str,
        credentials: &[(&str, &str)],
        interactive: bool,
        start_date: Option<Date>,
        user: Arc<TestUser>,
    ) -> Context {
        Context::new(ContextParts {
            resumed_session: false,
            http: Client::builder().cookie_store(true).build().unwrap(),
            endpoint: format!("{}/{institution}", self.running.base_url),
            credentials: credentials
                .iter()
                .map(|(id, value)| (id.to_string(), Secret::new(value.to_string())))
                .collect(),
            interactive,
            start_date,
            today: self.today(),
            asker: user,
            cancel: CancellationToken::new(),
        })
    }

    /// The usual context of a password login, interactive, no start date.
    pub fn login_context(&self, institution: &str, login: &str, user: Arc<TestUser>) -> Context {
        self.context(institution, &[("login_id", login), ("password", gims_sandbox::PASSWORD)], true, None, user)
    }

    pub async fn set_fault(&self, institution: &str, fault: Option<&str>) {
        let response = Client::new()
            .post(self.url("/_sandbox/faults"))
            .json(&json!({ "institution": institution, "fault": fault }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "setting {fault:?} at {institution}");
    }

    pub async fn requests(&self, institution: &str) -> u64 {
        let body = get_json(&self.url(&format!("/_sandbox/requests?institution={institution}"))).await;
        body["count"].as_u64().expect("count")
    }

    /// Everything the sandbox's phone received for `login`, oldest first.
    pub async fn phone(&self, login: &str) -> Vec<Value> {
        phone(&self.running.base_url, login).await
    }
}

async fn get_json(url: &str) -> Value {
    Client::new().get(url).send().await.unwrap().json().await.unwrap()
}

async fn phone(base_url: &str, login: &str) -> Vec<Value> {
    let body = get_json(&format!("{base_url}/_sandbox/phone?login={login}")).await;
    body["messages"].as_array().expect("messages").clone()
}

pub fn connector(id: &str) -> &'static dyn Connector {
    gims_connectors::connector_for(id).unwrap_or_else(|| panic!("{id} is in the catalog"))
}

/// `login` then `fetch`, as the engine runs a refresh.
pub async fn refresh(institution: &str, ctx: &mut Context) -> Result<Fetched, ConnectorError> {
    let connector = connector(institution);
    connector.login(ctx).await?;
    connector.fetch(ctx).await
}

/// How the test user answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Play {
    /// Reads the phone / the CAPTCHA answer and answers right; approves; consents.
    Honestly,
    /// Every one-time password typed wrong.
    WrongOtp,
    /// Answers right, but only after the code has expired (the sandbox clock moves 6 minutes).
    TooLate,
    /// The first `n` CAPTCHAs answered wrong.
    WrongCaptchas(u32),
    /// Denies the approval or the consent.
    Deny,
    /// Cancels the challenge.
    Cancel,
    /// Approves on the phone a little later and never answers the question itself.
    ApproveLater,
    /// Never answers.
    Ignore,
}

/// What the user was asked, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub kind: &'static str,
    pub attempt: Option<u32>,
    pub sent_to: Option<String>,
    pub expires_at: Option<OffsetDateTime>,
}

pub struct TestUser {
    base_url: String,
    login: String,
    play: Play,
    clock: Arc<FixedClock>,
    asked: Mutex<Vec<Asked>>,
}

impl TestUser {
    pub fn asked(&self) -> Vec<Asked> {
        self.asked.lock().unwrap().clone()
    }

    pub fn attempts(&self) -> Vec<u32> {
        self.asked().iter().filter_map(|asked| asked.attempt).collect()
    }

    /// The newest phone message of one of `kinds`.
    async fn latest(&self, kinds: &[&str], field: &str) -> String {
        let messages = phone(&self.base_url, &self.login).await;
        let message = messages
            .iter()
            .rev()
            .find(|message| kinds.contains(&message["kind"].as_str().unwrap_or_default()))
            .unwrap_or_else(|| panic!("no {kinds:?} on the phone of {}", self.login));
        message[field].as_str().unwrap().to_owned()
    }

    async fn captcha_answer(&self) -> String {
        let body = get_json(&format!("{}/_sandbox/captcha?login={}", self.base_url, self.login)).await;
        body["answer"].as_str().unwrap_or_else(|| panic!("no CAPTCHA shown to {}: {body}", self.login)).to_owned()
    }

    /// The browser: the consent page, its form posted, the redirect followed to the loopback.
    async fn consent(&self, url: &str) {
        let browser = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = browser.get(url).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "consent page");
        let (action, mut fields) = consent_form(&page.text().await.unwrap());
        let decision = if self.play == Play::Deny { "deny" } else { "approve" };
        fields.extend([
            ("login_id".into(), self.login.clone()),
            ("password".into(), gims_sandbox::PASSWORD.into()),
            ("decision".into(), decision.into()),
        ]);
        let response = browser.post(format!("{}{action}", self.base_url)).form(&fields).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "consent form");
        let location = response.headers()[reqwest::header::LOCATION].to_str().unwrap().to_owned();
        assert!(location.starts_with("http://127.0.0.1:"), "redirected to the loopback: {location}");
        let done = browser.get(&location).send().await.unwrap();
        assert_eq!(done.status(), StatusCode::OK);
        assert!(done.text().await.unwrap().contains("you can close this window"));
    }
}

/// The consent form's action and hidden fields.
fn consent_form(page: &str) -> (String, Vec<(String, String)>) {
    let html = Html::parse_document(page);
    let form_selector = Selector::parse("#consent-form").unwrap();
    let form = html.select(&form_selector).next().expect("#consent-form");
    let action = form.value().attr("action").unwrap().to_owned();
    let fields = form
        .select(&Selector::parse("input[type=hidden]").unwrap())
        .map(|input| (input.value().attr("name").unwrap().into(), input.value().attr("value").unwrap().into()))
        .collect();
    (action, fields)
}

/// Every digit moved by one: surely not the code.
fn wrong(code: &str) -> String {
    code.chars().map(|c| c.to_digit(10).map_or(c, |d| char::from_digit((d + 1) % 10, 10).unwrap())).collect()
}

#[async_trait::async_trait]
impl Asker for TestUser {
    async fn ask(&self, challenge: Challenge) -> Result<Reply, AskError> {
        let (attempt, sent_to, expires_at) = match &challenge {
            Challenge::Otp { attempt, sent_to, expires_at } => (Some(*attempt), sent_to.clone(), *expires_at),
            Challenge::Captcha { attempt, .. } => (Some(*attempt), None, None),
            Challenge::Approval { expires_at, .. } => (None, None, *expires_at),
            Challenge::Consent { .. } => (None, None, None),
        };
        self.asked.lock().unwrap().push(Asked { kind: challenge.kind(), attempt, sent_to, expires_at });
        match self.play {
            Play::Cancel => return Err(AskError::Cancelled),
            Play::Ignore => return std::future::pending().await,
            _ => {}
        }
        let code = |code: String| Ok(Reply::Code(Secret::new(code)));
        match challenge {
            Challenge::Otp { .. } => {
                let sent = self.latest(&["otp"], "code").await;
                match self.play {
                    Play::WrongOtp => code(wrong(&sent)),
                    Play::TooLate => {
                        self.clock.advance(Duration::minutes(6));
                        code(sent)
                    }
                    _ => code(sent),
                }
            }
            Challenge::Captcha { png, attempt } => {
                assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG CAPTCHA");
                let answer = self.captcha_answer().await;
                match self.play {
                    Play::WrongCaptchas(n) if attempt <= n => code(wrong(&answer)),
                    _ => code(answer),
                }
            }
            Challenge::Approval { .. } => {
                let url = self.latest(&["approval", "sms_link"], "url").await;
                let url = match self.play {
                    Play::Deny => format!("{url}?action=deny"),
                    Play::ApproveLater => {
                        tokio::spawn(async move {
                            tokio::time::sleep(std::time::Duration::from_millis(700)).await;
                            Client::new().get(url).send().await.unwrap();
                        });
                        return std::future::pending().await;
                    }
                    Play::TooLate => {
                        self.clock.advance(Duration::minutes(3));
                        return Ok(Reply::Continue);
                    }
                    _ => url,
                };
                let answered = Client::new().get(url).send().await.unwrap();
                assert_eq!(answered.status(), StatusCode::OK);
                Ok(Reply::Continue)
            }
            Challenge::Consent { url } => {
                self.consent(&url).await;
                Ok(Reply::Continue)
            }
        }
    }
}

/// Asserts that `fetched` is exactly what the sandbox holds, on or after `start`: every account
/// with its name, kind, balance (cards negative, securities valued), as-of date, every
/// transaction (id, date, amount, description), holding and expiry.
pub fn assert_fetched_equals(fetched: &Fetched, expected: &Dataset, start: Option<Date>) {
    assert_eq!(
        fetched.accounts.iter().map(|a| a.external_id.as_str()).collect::<Vec<_>>().len(),
        expected.accounts.len(),
        "accounts of {}",
        expected.institution_id
    );
    for account in &expected.accounts {
        let got = fetched
            .accounts
            .iter()
            .find(|candidate| candidate.external_id == account.id)
            .unwrap_or_else(|| panic!("account {} of {} not fetched", account.id, expected.institution_id));
        let what = format!("{} {}", expected.institution_id, account.id);
        assert_eq!(got.name, account.name, "{what}");
        assert_eq!(got.kind.as_str(), account.kind.as_str(), "{what}");
        assert_eq!(got.currency, "JPY", "{what}");
        let holdings_value: i64 = account.holdings.iter().map(|holding| holding.value).sum();
        assert_eq!(got.balance, Some(Decimal::from(account.balance + holdings_value)), "balance of {what}");
        assert_eq!(got.balance_as_of, Some(expected.today), "{what}");

        let mut want: Vec<_> = account
            .transactions
            .iter()
            .filter(|t| start.is_none_or(|start| t.date >= start))
            .map(|t| (t.id.clone(), t.date, Decimal::from(t.amount), t.description.clone()))
            .collect();
        let mut have: Vec<_> = got
            .transactions
            .iter()
            .map(|t| (t.external_id.clone().expect("every row has its id"), t.date, t.amount, t.description.clone()))
            .collect();
        want.sort();
        have.sort();
        assert_eq!(have.len(), want.len(), "transaction count of {what}");
        assert_eq!(have, want, "transactions of {what}");

        let want_holdings: Vec<_> = account
            .holdings
            .iter()
            .map(|holding| {
                let price = Decimal::from_str(&holding.price).unwrap();
                let unit_price = match holding.class {
                    HoldingClass::DomesticStock => price,
                    HoldingClass::InvestmentTrust => price / Decimal::from(10_000),
                };
                (
                    holding.name.clone(),
                    Some(holding.code.clone()),
                    Decimal::from_str(&holding.quantity).unwrap(),
                    Some(unit_price),
                    Some(Decimal::from(holding.value)),
                    Some(Decimal::from(holding.cost)),
                )
            })
            .collect();
        let have_holdings: Vec<_> = got
            .holdings
            .iter()
            .map(|h| {
                assert_eq!(h.currency, "JPY");
                (h.asset.clone(), h.code.clone(), h.quantity, h.price, h.value, h.cost)
            })
            .collect();
        assert_eq!(have_holdings, want_holdings, "holdings of {what}");

        let want_expiries: Vec<_> =
            account.points_expiry.iter().map(|expiry| (expiry.date, Decimal::from(expiry.points))).collect();
        let have_expiries: Vec<_> = got.expiries.iter().map(|expiry| (expiry.expires_on, expiry.amount)).collect();
        assert_eq!(have_expiries, want_expiries, "expiries of {what}");
    }
}

/// Fails unless `result` is the error `matches` accepts; shows what came instead.
#[track_caller]
pub fn assert_error<T: std::fmt::Debug>(result: Result<T, ConnectorError>, matches: impl Fn(&ConnectorError) -> bool) {
    match result {
        Err(error) if matches(&error) => {}
        other => panic!("unexpected outcome: {other:?}"),
    }
}
