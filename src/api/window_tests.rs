//! The core's side of the institution window against the sandbox's window bank: the plan
//! resolved under the sandbox, a refresh that sends nothing and says to use the window, a
//! statement downloaded after the user's own login (password, then the SMS code) imported once
//! with its access-log line, a file of another kind refused whole, and the connection's browser
//! data deleted with it.

use super::{ConnectInput, Gims, RefreshTargets, StatementFile, WindowStep, init};
use crate::import::ImportMode;
use crate::refresh::Engine;
use crate::refresh::events::EventSink;
use crate::vault::Unlock;
use crate::vault::keychain::memory::MemoryKeyStore;

const BANK: &str = "sandbox-window-bank";

struct Bank {
    _dir: tempfile::TempDir,
    gims: Gims,
    _sandbox: gims_sandbox::RunningSandbox,
    base: String,
    engine: Engine,
}

async fn start() -> Bank {
    let keys: &'static MemoryKeyStore = Box::leak(Box::default());
    let dir = tempfile::tempdir().unwrap();
    init(dir.path(), Unlock::Keychain(keys)).unwrap();
    let gims = Gims::open(dir.path(), keys, None).unwrap();
    let sandbox = gims_sandbox::Sandbox::new(std::sync::Arc::new(gims_sandbox::SystemClock))
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let base = sandbox.base_url.clone();
    let mut engine = Engine::new(EventSink::discard());
    engine.sandbox_url = Some(base.clone());
    Bank { _dir: dir, gims, _sandbox: sandbox, base, engine }
}

fn connect(gims: &mut Gims) -> i64 {
    link(gims, BANK)
}

/// Links `institution` as a user does for one GIMS keeps no login of.
fn link(gims: &mut Gims, institution: &str) -> i64 {
    let input = ConnectInput {
        institution: institution.into(),
        name: None,
        memo: None,
        start_date: None,
        credentials: Default::default(),
    };
    gims.connect(input).unwrap().id
}

async fn requests(base: &str) -> u64 {
    let url = format!("{base}/_sandbox/requests?institution={BANK}");
    reqwest::get(url).await.unwrap().json::<serde_json::Value>().await.unwrap()["count"].as_u64().unwrap()
}

fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    page[at..].split('"').next().unwrap().to_string()
}

/// What the user does in the window: logs in, types the code their phone got, downloads the
/// last three months as CSV. Returns the file as the bank served it.
async fn download_as_the_user(base: &str, login: &str) -> (String, Vec<u8>) {
    let browser =
        reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::limited(5)).build().unwrap();
    let page = browser.get(format!("{base}/{BANK}/login")).send().await.unwrap().text().await.unwrap();
    let form = [("login_id", login), ("password", "sandbox"), ("csrf", &csrf(&page))];
    let page = browser.post(format!("{base}/{BANK}/login")).form(&form).send().await.unwrap().text().await.unwrap();
    let phone: serde_json::Value =
        reqwest::get(format!("{base}/_sandbox/phone?login={login}")).await.unwrap().json().await.unwrap();
    let code = phone["messages"].as_array().unwrap().last().unwrap()["code"].as_str().unwrap().to_string();
    let form = [("otp", code.as_str()), ("csrf", &csrf(&page))];
    let home = browser.post(format!("{base}/{BANK}/login/otp")).form(&form).send().await.unwrap();
    assert!(home.url().path().ends_with("/accounts"), "logged in: {}", home.url());
    let page = browser.get(format!("{base}/{BANK}/statements")).send().await.unwrap().text().await.unwrap();
    let at = page.find("<option value=\"").unwrap() + "<option value=\"".len();
    let account = page[at..].split('"').next().unwrap();
    let file = browser
        .get(format!("{base}/{BANK}/statements/download?account={account}&months=3&format=csv"))
        .send()
        .await
        .unwrap();
    let disposition = file.headers()["content-disposition"].to_str().unwrap().to_string();
    let name = disposition.split("filename=\"").nth(1).unwrap().trim_end_matches('"').to_string();
    (name, file.bytes().await.unwrap().to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_window_bank_is_refreshed_by_the_users_login_and_its_download_is_imported_once() {
    let Bank { _dir, mut gims, _sandbox, base, engine } = start().await;
    let id = connect(&mut gims);
    let row = gims.existing_connection(id).unwrap();
    assert_eq!((row.status.as_str(), row.action.as_str()), ("window", "open_window"));

    // The plan, resolved under the sandbox: its own host only, the recipe's addresses absolute.
    let plan = gims.window_session(id, engine.sandbox_url.as_deref()).unwrap();
    assert_eq!(plan.start_url, format!("{base}/{BANK}/login"));
    assert_eq!(plan.hosts, [base.trim_start_matches("http://").to_string()]);
    assert_eq!(plan.logged_in.as_deref(), Some(format!("{base}/{BANK}/accounts").as_str()));
    assert_eq!(plan.steps[0], WindowStep::Open { url: format!("{base}/{BANK}/statements") });
    assert_eq!(plan.steps.last(), Some(&WindowStep::AwaitDownload));
    assert_eq!(plan.formats, ["rakuten-bank", "ofx"]);

    // A refresh (the command line's, or refresh all) sends nothing and says where to go.
    let before = requests(&base).await;
    let reports = gims.refresh(RefreshTargets::Connections(vec![id]), true, &engine).await.unwrap();
    assert_eq!(reports[0].outcome, "skipped");
    assert!(
        reports[0].message.contains("institution window") && reports[0].message.contains(&format!("--connection {id}")),
        "{}",
        reports[0].message
    );
    assert_eq!(requests(&base).await, before, "GIMS sent the bank nothing");

    // The user logs in and downloads; GIMS imports what the window caught.
    let (name, bytes) = download_as_the_user(&base, "mado").await;
    let host = plan.hosts[0].clone();
    let file = StatementFile { name: name.clone(), bytes };
    // Previewed first (the default): the same decisions, nothing written, no login recorded.
    let before = gims.existing_connection(id).unwrap();
    assert!(!before.capture_straight_in);
    let preview = gims.import_captured(id, &file, &host, ImportMode::preview(500)).unwrap();
    assert!(preview.imported > 5 && !preview.rows.is_empty(), "{preview:?}");
    assert_eq!(gims.status().unwrap().transactions, 0);
    assert!(gims.access_log(Some(id)).unwrap().is_empty());
    let after = gims.existing_connection(id).unwrap();
    assert_eq!((after.status, after.last_fetched_at), (before.status, None), "the preview is no fetch");
    // Saved as previewed.
    let expect = Some((preview.imported, preview.duplicates));
    let outcome = gims.import_captured(id, &file, &host, ImportMode { expect, ..ImportMode::SAVE }).unwrap();
    assert_eq!(outcome.imported, preview.imported);
    let row = gims.existing_connection(id).unwrap();
    assert_eq!(row.status, "ok");
    assert!(row.last_fetched_at.is_some() && row.next_refresh_at.is_some());
    let log = gims.access_log(Some(id)).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].outcome.as_str(), log[0].host.as_str(), log[0].institution_id.as_str()),
        ("window", host.as_str(), BANK)
    );

    // The same statement again: nothing twice, one more login in the log.
    // A preview that no longer holds (the rows are in now) is refused whole.
    let stale = gims.import_captured(id, &file, &host, ImportMode { expect, ..ImportMode::SAVE }).unwrap_err();
    assert!(stale.message.contains("changed"), "{}", stale.message);
    assert_eq!(gims.access_log(Some(id)).unwrap().len(), 1);

    // The user chose to have this connection's statements saved straight in.
    assert!(gims.set_capture_straight_in(id, true).unwrap().capture_straight_in);
    assert!(gims.existing_connection(id).unwrap().capture_straight_in);
    let again = gims.import_captured(id, &file, &host, ImportMode::SAVE).unwrap();
    assert_eq!((again.imported, again.duplicates), (0, outcome.imported));
    assert_eq!(gims.access_log(Some(id)).unwrap().len(), 2);

    // A page saved instead of a statement: refused whole, naming the formats; nothing recorded.
    let transactions = gims.status().unwrap().transactions;
    let page = StatementFile { name: "statements.html".into(), bytes: b"<html><body>ok</body></html>".to_vec() };
    let error = gims.import_captured(id, &page, &host, ImportMode::SAVE).unwrap_err();
    assert!(
        error.message.contains("statements.html") && error.message.contains("rakuten-bank, ofx"),
        "{}",
        error.message
    );
    assert_eq!(gims.status().unwrap().transactions, transactions);
    assert_eq!(gims.access_log(Some(id)).unwrap().len(), 2, "a refused file is no login record");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_window_connection_deletes_its_browser_data() {
    let Bank { _dir, mut gims, _sandbox, .. } = start().await;
    let id = connect(&mut gims);
    let data = gims.window_data_dir(id);
    assert!(data.starts_with(_dir.path()), "inside the vault folder: {}", data.display());
    assert!(!gims.connection_footprint(id).unwrap().window_data);
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("cookies"), "127.0.0.1\tFALSE\t/\tFALSE\t1900000000\tsandbox_trusted_device\tx\n")
        .unwrap();
    assert!(gims.connection_footprint(id).unwrap().window_data);
    let refused = gims.delete_connection(id, false).unwrap_err();
    assert!(refused.message.contains("institution window's saved sign-in"), "{}", refused.message);
    let deleted = gims.delete_connection(id, true).unwrap();
    assert!(deleted.destroyed.window_data);
    assert!(!data.exists(), "the folder went with the connection");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_window_institution_has_a_window() {
    let Bank { _dir, mut gims, engine, .. } = start().await;
    let suica = link(&mut gims, "suica");
    let error = gims.window_session(suica, engine.sandbox_url.as_deref()).unwrap_err();
    assert!(error.message.contains("not refreshed in the institution window"), "{}", error.message);
    let rakuten = link(&mut gims, "rakuten-bank");
    let plan = gims.window_session(rakuten, None).unwrap();
    assert!(plan.start_url.starts_with("https://fes.rakuten-bank.co.jp/"), "{}", plan.start_url);
    assert_eq!(plan.hosts, ["fes.rakuten-bank.co.jp"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_a_window_connection_chooses_how_its_caught_statements_are_saved() {
    let Bank { _dir, mut gims, _sandbox, .. } = start().await;
    let by_file = link(&mut gims, "moneyforward-export");
    let error = gims.set_capture_straight_in(by_file, true).unwrap_err();
    assert!(error.message.contains("not refreshed in the institution window"), "{}", error.message);
    assert!(!gims.existing_connection(by_file).unwrap().capture_straight_in);
    let by_window = connect(&mut gims);
    assert!(gims.set_capture_straight_in(by_window, true).unwrap().capture_straight_in);
    assert!(!gims.set_capture_straight_in(by_window, false).unwrap().capture_straight_in);
}

/// "Next time from here": the page where the user downloaded by hand replaces the catalog's
/// steps (opened after the login, then the user's download), only if it is the institution's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_download_page_replaces_the_recipe_and_must_be_the_institutions_own() {
    let Bank { _dir, mut gims, _sandbox, base, .. } = start().await;
    let id = connect(&mut gims);
    let sandbox = Some(base.as_str());
    let catalog = gims.window_session(id, sandbox).unwrap();
    assert!(!catalog.recorded && catalog.steps.len() > 2);

    let page = format!("{base}/{BANK}/statements?account=1");
    let row = gims.remember_download_page(id, &page, sandbox).unwrap();
    assert_eq!(row.download_page.as_deref(), Some("/statements?account=1"), "a sandbox page is kept as its path");
    let recorded = gims.window_session(id, sandbox).unwrap();
    assert!(recorded.recorded);
    assert_eq!(recorded.steps, [WindowStep::Open { url: page.clone() }, WindowStep::AwaitDownload]);
    assert_eq!((recorded.start_url, recorded.logged_in), (catalog.start_url.clone(), catalog.logged_in.clone()));

    for elsewhere in [
        "https://evil.example/statements".to_string(),
        format!("{base}/sandbox-bank/statements"),
        format!("{base}/{BANK}-evil/statements"),
        format!("{base}/{BANK}"),
    ] {
        let error = gims.remember_download_page(id, &elsewhere, sandbox).unwrap_err();
        assert!(error.message.contains("not a page of"), "{elsewhere}: {}", error.message);
    }
    assert_eq!(gims.existing_connection(id).unwrap().download_page.as_deref(), Some("/statements?account=1"));

    assert!(gims.forget_download_page(id).unwrap().download_page.is_none());
    assert_eq!(gims.window_session(id, sandbox).unwrap(), catalog);

    // A real bank's page: https on one of its hosts, kept whole.
    let real = link(&mut gims, "rakuten-bank");
    let page = "https://fes.rakuten-bank.co.jp/MS/main/gns?COMMAND=MEISAI";
    assert_eq!(gims.remember_download_page(real, page, None).unwrap().download_page.as_deref(), Some(page));
    assert_eq!(gims.window_session(real, None).unwrap().steps[0], WindowStep::Open { url: page.into() });
    for elsewhere in [
        "http://fes.rakuten-bank.co.jp/MS/main/gns",
        "https://fes.rakuten-bank.co.jp.evil.example/MS",
        "https://evil.example/?fes.rakuten-bank.co.jp",
    ] {
        assert!(gims.remember_download_page(real, elsewhere, None).is_err(), "{elsewhere}");
    }
}
