//! A served sandbox on port 0 with a fixed clock, and the few steps every test repeats.

use std::sync::Arc;

use gims_sandbox::{FixedClock, RunningSandbox, Sandbox};
use reqwest::header::LOCATION;
use reqwest::{Client, Response, StatusCode};
use scraper::{Html, Selector};
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Date, OffsetDateTime};

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

    /// Today in Tokyo by the fixed clock: the date the datasets are computed for.
    pub fn today(&self) -> Date {
        use gims_sandbox::Clock;
        self.clock.now().to_offset(time::macros::offset!(+9)).date()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.base_url)
    }

    pub async fn get(&self, client: &Client, path: &str) -> Response {
        client.get(self.url(path)).send().await.expect("GET reaches the sandbox")
    }

    /// GET `path` expecting 200 and return the parsed page.
    pub async fn page(&self, client: &Client, path: &str) -> Html {
        let response = self.get(client, path).await;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        Html::parse_document(&response.text().await.unwrap())
    }

    /// GET the login page and POST its form; returns the POST's response (not followed).
    pub async fn post_login(&self, client: &Client, institution: &str, login: &str, password: &str) -> Response {
        let page = self.page(client, &format!("/{institution}/login?login_id={login}")).await;
        let csrf = attr(&page, "#login-form input[name=csrf]", "value");
        let mut form = vec![("login_id", login.to_owned()), ("password", password.to_owned()), ("csrf", csrf)];
        if institution == "sandbox-emoney" {
            form.push(("captcha", self.captcha_answer(login).await.expect("a CAPTCHA is shown")));
        }
        client.post(self.url(&format!("/{institution}/login"))).form(&form).send().await.unwrap()
    }

    /// A complete password login; asserts it lands on the institution's home.
    pub async fn login(&self, client: &Client, institution: &str, login: &str, home: &str) {
        let response = self.post_login(client, institution, login, "sandbox").await;
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(location(&response), format!("/{institution}{home}"));
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
        let body: Value = Client::new()
            .get(self.url(&format!("/_sandbox/requests?institution={institution}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["count"].as_u64().expect("count")
    }

    pub async fn phone(&self, login: &str) -> Vec<Value> {
        let body: Value = Client::new()
            .get(self.url(&format!("/_sandbox/phone?login={login}")))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["messages"].as_array().expect("messages").clone()
    }

    pub async fn captcha_answer(&self, login: &str) -> Option<String> {
        let response = Client::new().get(self.url(&format!("/_sandbox/captcha?login={login}"))).send().await.unwrap();
        if response.status() == StatusCode::NOT_FOUND {
            return None;
        }
        let body: Value = response.json().await.unwrap();
        Some(body["answer"].as_str().expect("answer").to_owned())
    }
}

/// A browser-like client: cookie jar, no redirect following (tests look at every 302).
pub fn client() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

pub fn location(response: &Response) -> String {
    response.headers().get(LOCATION).expect("a Location header").to_str().unwrap().to_owned()
}

pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|_| panic!("valid selector {css}"))
}

pub fn texts(page: &Html, css: &str) -> Vec<String> {
    page.select(&selector(css)).map(|element| element.text().collect::<String>().trim().to_owned()).collect()
}

pub fn text(page: &Html, css: &str) -> String {
    texts(page, css).into_iter().next().unwrap_or_else(|| panic!("nothing matches {css} in {}", page.html()))
}

pub fn attr(page: &Html, css: &str, name: &str) -> String {
    page.select(&selector(css))
        .next()
        .and_then(|element| element.value().attr(name))
        .unwrap_or_else(|| panic!("no {css}[{name}] in {}", page.html()))
        .to_owned()
}

pub fn exists(page: &Html, css: &str) -> bool {
    page.select(&selector(css)).next().is_some()
}

/// `1,234円` / `-1,234円` / `+540円` / `1,234pt` → the integer.
pub fn amount(text: &str) -> i64 {
    let digits: String = text.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
    digits.parse().unwrap_or_else(|_| panic!("not an amount: {text:?}"))
}

/// One row of a paged history: (data-id, cells by class).
pub struct Row {
    pub id: String,
    pub cells: std::collections::HashMap<String, String>,
}

/// Follows `a[rel=next]` from `first_path` and returns every `tr.txn` row, in page order.
pub async fn all_rows(harness: &Harness, client: &Client, first_path: &str) -> (Vec<Row>, usize) {
    let mut rows = Vec::new();
    let mut pages = 0;
    let mut next = Some(first_path.to_owned());
    while let Some(path) = next.take() {
        let page = harness.page(client, &path).await;
        pages += 1;
        let row_selector = selector("tr.txn");
        let cell_selector = selector("td");
        for row in page.select(&row_selector) {
            let cells = row
                .select(&cell_selector)
                .filter_map(|cell| {
                    let class = cell.value().attr("class")?.to_owned();
                    Some((class, cell.text().collect::<String>()))
                })
                .collect();
            rows.push(Row { id: row.value().attr("data-id").expect("data-id").to_owned(), cells });
        }
        let found = page.select(&selector("a[rel=next]")).next();
        next = found.map(|link| link.value().attr("href").unwrap().to_owned());
        assert!(pages < 100, "pager never ends");
    }
    (rows, pages)
}
