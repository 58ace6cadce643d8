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

/// A new vault, the sandbox on loopback and an engine, sharing one fake clock that starts at 12:00
/// in Japan: the bank's "tomorrow" is the engine's.
struct Scheduled {
    _dir: tempfile::TempDir,
    gims: Gims,
    clock: Arc<gims_sandbox::FixedClock>,
    start: OffsetDateTime,
    _sandbox: gims_sandbox::RunningSandbox,
    base: String,
    engine: Engine,
}

impl Scheduled {
    async fn start() -> Scheduled {
        let keys: &'static MemoryKeyStore = Box::leak(Box::default());
        let dir = tempfile::tempdir().unwrap();
        init(dir.path(), Unlock::Keychain(keys)).unwrap();
        let gims = Gims::open(dir.path(), keys, None).unwrap();
        let start = datetime!(2026-11-28 03:00 UTC);
        let clock = Arc::new(gims_sandbox::FixedClock::new(start));
        let sandbox = gims_sandbox::Sandbox::new(clock.clone()).serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let base = sandbox.base_url.clone();
        let mut engine = Engine::new(EventSink::discard());
        engine.sandbox_url = Some(base.clone());
        engine.clock = {
            let clock = clock.clone();
            Arc::new(move || gims_sandbox::Clock::now(&*clock))
        };
        Scheduled { _dir: dir, gims, clock, start, _sandbox: sandbox, base, engine }
    }
}

async fn get_json(url: String) -> serde_json::Value {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_institutions_never_run_unattended_and_busy_means_tomorrow() {
    let Scheduled { _dir, mut gims, clock, _sandbox, base, engine, .. } = Scheduled::start().await;
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

/// sandbox-pension allows only GIMS's scheduled refresh, outside "refresh all", at most every six
/// hours: its first fetch completes the link, then the user's refresh is refused before any
/// request, "refresh all" skips it, and the scheduler (even at a one-hour interval) runs it again
/// only once six hours have passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_system_refresh_only_institution_runs_on_the_schedule_and_at_most_every_six_hours() {
    use super::RefreshTargets;
    use crate::error::ErrorCode;

    let Scheduled { _dir, mut gims, clock, start, _sandbox, base, mut engine } = Scheduled::start().await;
    let pension = gims
        .connect(ConnectInput {
            institution: "sandbox-pension".into(),
            credentials: login("ume"),
            ..Default::default()
        })
        .unwrap();
    let bank = gims
        .connect(ConnectInput { institution: "sandbox-bank".into(), credentials: login("ume"), ..Default::default() })
        .unwrap();
    engine.schedule = crate::refresh::schedule::Schedule::with_interval_minutes(60);
    let requests = || get_json(format!("{base}/_sandbox/requests?institution=sandbox-pension"));
    let count = |value: serde_json::Value| value["count"].as_u64().unwrap();
    let shown = |gims: &Gims| gims.connections().unwrap().into_iter().find(|c| c.id == pension.id).unwrap();

    // The user's first refresh of a connection never tried is the fetch that completes its link.
    let first = gims.refresh(RefreshTargets::Connections(vec![pension.id]), false, &engine).await.unwrap();
    assert_eq!((first[0].outcome.as_str(), first[0].status.as_str()), ("ok", "ok"), "{}", first[0].message);
    assert!(first[0].added > 0);
    let next = shown(&gims).next_refresh_at.expect("the next scheduled refresh is shown");
    assert!(next.starts_with("2026-11-28T09:0"), "six hours on, not the one-hour interval: {next}");
    let after_link = count(requests().await);
    assert!(after_link > 0);

    // A manual refresh is refused before any request, saying when the scheduled one runs.
    let refused = gims.refresh(RefreshTargets::Connections(vec![pension.id]), true, &engine).await.unwrap_err();
    assert_eq!(refused.code, ErrorCode::RefreshNotAllowed);
    assert!(refused.message.contains(&next), "{}", refused.message);

    // "Refresh all" runs the bank and skips the plan, saying why.
    let all = gims.refresh(RefreshTargets::All, false, &engine).await.unwrap();
    let outcome = |id: i64| all.iter().find(|r| r.connection_id == id).unwrap();
    assert_eq!(outcome(bank.id).outcome, "ok");
    assert_eq!(outcome(pension.id).outcome, "skipped");
    assert!(outcome(pension.id).message.contains("not included in refresh all"), "{}", outcome(pension.id).message);
    assert_eq!(count(requests().await), after_link, "neither sent anything to the plan");

    // Hour after hour the bank runs on its one-hour interval; the plan waits for its six hours.
    for minutes in [70, 140, 210, 280, 350] {
        clock.set(start + Duration::minutes(minutes));
        let pass = gims.run_scheduled(&engine).await.unwrap();
        assert!(pass.iter().all(|r| r.connection_id == bank.id), "at +{minutes} min: {}", pass.len());
    }
    assert_eq!(count(requests().await), after_link, "no request to the plan within six hours");

    // Six hours (and the jitter) on, the scheduler runs it, once.
    clock.set(start + Duration::hours(6) + Duration::minutes(11));
    let due = gims.run_scheduled(&engine).await.unwrap();
    let ran = due.iter().find(|r| r.connection_id == pension.id).expect("the plan is due");
    assert_eq!((ran.outcome.as_str(), ran.added), ("ok", 0), "{}", ran.message);
    let after_schedule = count(requests().await);
    assert!(after_schedule > after_link);
    assert!(gims.run_scheduled(&engine).await.unwrap().iter().all(|r| r.connection_id != pension.id));
    assert_eq!(count(requests().await), after_schedule);

    // A re-link is a new login the user asked for: it fetches at once, whatever the interval.
    clock.set(start + Duration::hours(6) + Duration::minutes(30));
    gims.prepare_relink(pension.id, None).unwrap();
    let relinked = gims.refresh(RefreshTargets::Linked(vec![pension.id]), false, &engine).await.unwrap();
    assert_eq!(relinked[0].outcome, "ok", "{}", relinked[0].message);
    assert!(count(requests().await) > after_schedule);
}

/// Issue #14 (3): maintenance with a known end holds the user's refresh and refresh all until
/// that end, sending nothing — at an institution never refreshed unattended (an OTP bank) too —
/// and says when; after the end the button works again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn maintenance_until_a_known_end_holds_the_refresh_button_until_then() {
    use super::RefreshTargets;
    use crate::error::ErrorCode;

    let Scheduled { _dir, mut gims, clock, start, _sandbox, base, engine } = Scheduled::start().await;
    let bank = gims
        .connect(ConnectInput { institution: "sandbox-bank".into(), credentials: login("kei"), ..Default::default() })
        .unwrap();
    let otp = gims
        .connect(ConnectInput {
            institution: "sandbox-otp-bank".into(),
            credentials: login("kei"),
            ..Default::default()
        })
        .unwrap();
    let fault = |institution: &'static str, fault: Option<&'static str>| {
        let base = base.clone();
        async move {
            reqwest::Client::new()
                .post(format!("{base}/_sandbox/faults"))
                .json(&serde_json::json!({"institution": institution, "fault": fault}))
                .send()
                .await
                .unwrap();
        }
    };
    let requests = || async {
        let bank = get_json(format!("{base}/_sandbox/requests?institution=sandbox-bank")).await["count"].as_u64();
        let otp = get_json(format!("{base}/_sandbox/requests?institution=sandbox-otp-bank")).await["count"].as_u64();
        (bank.unwrap(), otp.unwrap())
    };
    let both = || RefreshTargets::Connections(vec![bank.id, otp.id]);

    let linked = gims.refresh(RefreshTargets::Connections(vec![bank.id]), false, &engine).await.unwrap();
    assert_eq!(linked[0].outcome, "ok", "{}", linked[0].message);

    // Both institutions go into maintenance until 15:00 in Japan (the sandbox's three hours).
    fault("sandbox-bank", Some("maintenance")).await;
    fault("sandbox-otp-bank", Some("maintenance")).await;
    clock.set(start + Duration::minutes(10));
    let failed = gims.refresh(both(), true, &engine).await.unwrap();
    let end = datetime!(2026-11-28 06:00 UTC);
    let mut retry_at = Vec::new();
    for report in &failed {
        assert_eq!((report.outcome.as_str(), report.status.as_str()), ("failed", "maintenance"), "{}", report.message);
        let at = report.retry_at.clone().expect("the run says when to try again");
        let parsed = OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339).unwrap();
        assert!(parsed >= end && parsed < end + Duration::minutes(10), "the announced end, plus jitter: {at}");
        retry_at.push(at);
    }
    let sent = requests().await;
    let logins = gims.access_log(None).unwrap().len();
    fault("sandbox-bank", None).await;
    fault("sandbox-otp-bank", None).await;

    // Until the end, the button and refresh all send nothing and say when.
    for minutes in [20, 120, 179] {
        clock.set(start + Duration::minutes(minutes));
        for reports in [
            gims.refresh(both(), true, &engine).await.unwrap(),
            gims.refresh(RefreshTargets::All, false, &engine).await.unwrap(),
        ] {
            for (report, at) in reports.iter().zip(&retry_at) {
                assert_eq!(
                    (report.outcome.as_str(), report.code),
                    ("skipped", Some(ErrorCode::RefreshBusy)),
                    "{}",
                    report.message
                );
                assert_eq!(report.status, "maintenance");
                assert_eq!(report.retry_at.as_ref(), Some(at));
                assert!(
                    report.message.contains("in maintenance") && report.message.contains("2026-11-28 15:0"),
                    "{}",
                    report.message
                );
            }
        }
    }
    assert_eq!(requests().await, sent, "no request before the end");
    assert_eq!(gims.access_log(None).unwrap().len(), logins, "no login was made");

    // After the end: the bank refreshes; the OTP bank runs its usual course (unattended, it
    // stops for the user before anything that sends a code).
    clock.set(end + Duration::minutes(10));
    let after = gims.refresh(both(), false, &engine).await.unwrap();
    assert_eq!((after[0].outcome.as_str(), after[0].code), ("ok", None), "{}", after[0].message);
    assert_eq!((after[1].outcome.as_str(), after[1].code), ("needs_user", None), "{}", after[1].message);
    assert!(requests().await.0 > sent.0);
}
