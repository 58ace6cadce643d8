//! The sandbox institutions served in the test process, and the user's side of them: the
//! phone that receives codes, the CAPTCHA answers, the browser for consents, faults, counters.

use gims_sandbox::data::Dataset;
use gims_sandbox::{FixedClock, RunningSandbox, Sandbox};
use serde_json::Value;
use std::sync::Arc;

pub struct SandboxServer {
    runtime: tokio::runtime::Runtime,
    running: Option<RunningSandbox>,
    pub base_url: String,
    pub clock: Arc<FixedClock>,
}

impl SandboxServer {
    pub fn start() -> SandboxServer {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let clock = Arc::new(FixedClock::new(time::OffsetDateTime::now_utc()));
        let running = runtime
            .block_on(Sandbox::new(clock.clone()).serve("127.0.0.1:0".parse().unwrap()))
            .expect("the sandbox serves on loopback");
        SandboxServer { base_url: running.base_url.clone(), running: Some(running), runtime, clock }
    }

    pub fn dataset(&self, institution: &str, login: &str) -> Dataset {
        use gims_sandbox::Clock;
        let japan = time::UtcOffset::from_hms(9, 0, 0).unwrap();
        gims_sandbox::data::dataset(institution, login, self.clock.now().to_offset(japan).date())
    }

    fn get(&self, path: &str) -> Value {
        let url = format!("{}{path}", self.base_url);
        self.runtime.block_on(async { reqwest::get(&url).await.unwrap().json::<Value>().await.unwrap_or(Value::Null) })
    }

    /// Everything the sandbox "sent" to this login's phone, oldest first.
    pub fn phone(&self, login: &str) -> Vec<Value> {
        self.get(&format!("/_sandbox/phone?login={login}"))["messages"].as_array().cloned().unwrap_or_default()
    }

    pub fn latest_otp(&self, login: &str) -> String {
        let messages = self.phone(login);
        let otp = messages.iter().rev().find(|m| m["kind"] == "otp").expect("an OTP was sent");
        otp["code"].as_str().unwrap().to_string()
    }

    pub fn captcha_answer(&self, login: &str) -> String {
        self.get(&format!("/_sandbox/captcha?login={login}"))["answer"]
            .as_str()
            .expect("a CAPTCHA is shown")
            .to_string()
    }

    pub fn requests(&self, institution: &str) -> u64 {
        self.get(&format!("/_sandbox/requests?institution={institution}"))["count"].as_u64().unwrap()
    }

    pub fn set_fault(&self, institution: &str, fault: Option<&str>) {
        let url = format!("{}/_sandbox/faults", self.base_url);
        let body = serde_json::json!({ "institution": institution, "fault": fault });
        self.runtime.block_on(async {
            let response = reqwest::Client::new().post(&url).json(&body).send().await.unwrap();
            assert!(response.status().is_success(), "fault {fault:?} at {institution}");
        });
    }

    /// Taps the approval link the phone received.
    pub fn approve_on_phone(&self, login: &str) {
        let messages = self.phone(login);
        let link = messages
            .iter()
            .rev()
            .find(|m| m["kind"] == "approval" || m["kind"] == "sms_link")
            .and_then(|m| m["url"].as_str())
            .expect("an approval link was sent")
            .to_string();
        self.runtime.block_on(async { reqwest::get(&link).await.unwrap() });
    }

    /// The browser: the consent page, its form posted as `login`, the redirect followed back
    /// to GIMS's loopback listener.
    pub fn consent_in_browser(&self, url: &str, login: &str) {
        self.runtime.block_on(async {
            let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
            let page = browser.get(url).send().await.unwrap().text().await.unwrap();
            let (action, mut fields) = consent_form(&page);
            fields.extend([
                ("login_id".to_string(), login.to_string()),
                ("password".to_string(), gims_sandbox::PASSWORD.to_string()),
                ("decision".to_string(), "approve".to_string()),
            ]);
            let response = browser.post(format!("{}{action}", self.base_url)).form(&fields).send().await.unwrap();
            let location = response.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string();
            browser.get(&location).send().await.unwrap();
        });
    }
}

impl Drop for SandboxServer {
    fn drop(&mut self) {
        if let Some(running) = self.running.take() {
            self.runtime.block_on(running.shutdown());
        }
    }
}

fn consent_form(page: &str) -> (String, Vec<(String, String)>) {
    let html = scraper::Html::parse_document(page);
    let form = html.select(&scraper::Selector::parse("#consent-form").unwrap()).next().expect("#consent-form");
    let action = form.value().attr("action").unwrap().to_string();
    let fields = form
        .select(&scraper::Selector::parse("input[type=hidden]").unwrap())
        .map(|input| {
            (input.value().attr("name").unwrap().to_string(), input.value().attr("value").unwrap().to_string())
        })
        .collect();
    (action, fields)
}
