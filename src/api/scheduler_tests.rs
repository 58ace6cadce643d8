//! The scheduler against the sandbox, with a fake clock: an OTP institution never runs
//! unattended, "busy, try again tomorrow" is left alone until tomorrow and then runs once.

use super::{ConnectInput, Gims, init};
use crate::refresh::Engine;
use crate::refresh::events::EventSink;
use crate::vault::Unlock;
use crate::vault::keychain::memory::MemoryKeyStore;
use gims_connectors::Secret;
use std::sync::Arc;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

fn login(id: &str) -> crate::vault::credentials::Credentials {
    [("login_id", id), ("password", "sandbox")]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Secret::new(v.to_string())))
        .collect()
}

async fn get_json(url: String) -> serde_json::Value {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_institutions_never_run_unattended_and_busy_means_tomorrow() {
    let keys: &'static MemoryKeyStore = Box::leak(Box::default());
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Unlock::Keychain(keys)).unwrap();
    let mut gims = Gims::open(dir.path(), keys, None).unwrap();
    // One fake clock for the sandbox and the engine: the bank's "tomorrow" is the engine's.
    let clock = Arc::new(gims_sandbox::FixedClock::new(datetime!(2026-11-28 03:00 UTC))); // 12:00 in Japan
    let sandbox = gims_sandbox::Sandbox::new(clock.clone()).serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let base = sandbox.base_url.clone();
    let bank = gims
        .connect(ConnectInput { institution: "sandbox-bank".into(), credentials: login("taro"), ..Default::default() })
        .unwrap();
    let otp = gims
        .connect(ConnectInput {
            institution: "sandbox-otp-bank".into(),
            credentials: login("hanako"),
            ..Default::default()
        })
        .unwrap();

    let mut engine = Engine::new(EventSink::discard());
    engine.sandbox_url = Some(base.clone());
    engine.clock = {
        let clock = clock.clone();
        Arc::new(move || gims_sandbox::Clock::now(&*clock))
    };
    let set = |at: OffsetDateTime| clock.set(at);
    let requests = |institution: &str| get_json(format!("{base}/_sandbox/requests?institution={institution}"));

    // First pass: the bank (never refreshed) runs; the OTP bank does not.
    let first = gims.run_scheduled(&engine).await.unwrap();
    assert_eq!(first.iter().map(|r| (r.connection_id, r.outcome.as_str())).collect::<Vec<_>>(), [(bank.id, "ok")]);
    let next = gims.connections().unwrap()[0].next_refresh_at.clone().expect("the next refresh is shown");
    assert!(next.starts_with("2026-11-28T09:"), "six hours later, plus jitter: {next}");
    assert!(gims.run_scheduled(&engine).await.unwrap().is_empty(), "nothing is due right after");

    // Six hours on, the bank is busy: it says try again tomorrow.
    reqwest::Client::new()
        .post(format!("{base}/_sandbox/faults"))
        .json(&serde_json::json!({"institution": "sandbox-bank", "fault": "busy"}))
        .send()
        .await
        .unwrap();
    set(datetime!(2026-11-28 09:15 UTC));
    let busy = gims.run_scheduled(&engine).await.unwrap();
    assert_eq!(busy[0].status, "busy");
    let retry = gims.connections().unwrap()[0].next_refresh_at.clone().unwrap();
    assert!(retry.starts_with("2026-11-28T15:"), "midnight in Japan: {retry}");
    let count_after_busy = requests("sandbox-bank").await["count"].as_u64().unwrap();

    // The rest of that day: every pass leaves it alone.
    for hour in [10, 12, 14] {
        set(datetime!(2026-11-28 00:00 UTC) + Duration::hours(hour));
        assert!(gims.run_scheduled(&engine).await.unwrap().is_empty(), "at {hour}:00 UTC");
    }
    assert_eq!(
        requests("sandbox-bank").await["count"].as_u64().unwrap(),
        count_after_busy,
        "no request before tomorrow"
    );

    // Tomorrow in Japan it runs, once.
    reqwest::Client::new()
        .post(format!("{base}/_sandbox/faults"))
        .json(&serde_json::json!({"institution": "sandbox-bank", "fault": null}))
        .send()
        .await
        .unwrap();
    set(datetime!(2026-11-28 15:11 UTC));
    let tomorrow = gims.run_scheduled(&engine).await.unwrap();
    assert_eq!(tomorrow.iter().map(|r| r.outcome.as_str()).collect::<Vec<_>>(), ["ok"]);
    assert!(gims.run_scheduled(&engine).await.unwrap().is_empty());

    // The OTP bank was never touched and nothing was sent to its user's phone.
    assert_eq!(requests("sandbox-otp-bank").await["count"], 0);
    assert_eq!(get_json(format!("{base}/_sandbox/phone?login=hanako")).await["messages"], serde_json::json!([]));
    assert_eq!(gims.connections().unwrap()[1].id, otp.id);
    assert_eq!(gims.connections().unwrap()[1].next_refresh_at, None);
}
