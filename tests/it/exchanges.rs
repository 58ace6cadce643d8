//! Crypto exchanges and SimpleFIN through the CLI: `gims connect <id> --credentials-stdin` with
//! `GIMS_ENDPOINT_<ID>` pointing at a local fake of the service (which verifies signatures and
//! nonces), then `gims refresh`. Balances, coin quantities and history land in the ledger as the
//! exchange reported them; a second refresh adds nothing; Liquid cannot be linked.

use crate::support::{Keychain, Machine, contains, files_under};
use gims_sandbox::exchanges::{
    Exchange, FakeExchange, READ_KEY, READ_SECRET, RunningFake, TRADING_KEY, TRADING_SECRET,
};
use serde_json::{Value, json};

/// A fake served on its own runtime for the length of a test.
struct Fake {
    running: RunningFake,
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    fn start(exchange: Exchange) -> Fake {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let running = runtime.block_on(FakeExchange::serve(exchange)).expect("the fake serves on loopback");
        Fake { running, _runtime: runtime }
    }
}

fn machine_for<'k>(keychain: &'k Keychain, variable: &str, fake: &Fake) -> Machine<'k> {
    let mut machine = Machine::with_keychain(keychain);
    machine.env.push((variable.into(), fake.running.base_url.clone()));
    machine.ok(&["init"]);
    machine
}

/// The connection's accounts as `currency → balance`, and the full account rows.
fn accounts_of(machine: &Machine, connection_id: &Value) -> Vec<Value> {
    machine
        .ok(&["accounts"])
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["connection_id"] == *connection_id)
        .cloned()
        .collect()
}

fn balance(accounts: &[Value], currency: &str) -> String {
    let account =
        accounts.iter().find(|a| a["currency"] == currency).unwrap_or_else(|| panic!("no {currency} account"));
    account["balance"].as_str().unwrap().to_string()
}

fn account_id(accounts: &[Value], currency: &str) -> String {
    accounts.iter().find(|a| a["currency"] == currency).unwrap()["id"].to_string()
}

fn amounts(machine: &Machine, account: &str) -> Vec<String> {
    let mut amounts: Vec<String> = machine
        .ok(&["transactions", "--account", account])
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["amount"].as_str().unwrap().to_string())
        .collect();
    amounts.sort();
    amounts
}

fn connect(machine: &Machine, institution: &str, credentials: Value) -> Value {
    machine.run(&["connect", institution, "--credentials-stdin"], &credentials.to_string()).ok()
}

#[test]
fn bitflyer_links_refreshes_exactly_and_adds_nothing_the_second_time() {
    let keychain = Keychain::start();
    let fake = Fake::start(Exchange::Bitflyer);
    let machine = machine_for(&keychain, "GIMS_ENDPOINT_BITFLYER", &fake);
    let linked = connect(&machine, "bitflyer", json!({ "api_key": READ_KEY, "api_secret": READ_SECRET }));
    assert_eq!(linked["refresh"]["outcome"], "ok", "{linked}");
    assert_eq!(linked["refresh"]["added"], 6, "{linked}");
    assert_eq!(linked["refresh"]["message"], "", "a read-only key needs no warning");
    let id = &linked["connection_id"];

    let accounts = accounts_of(&machine, id);
    assert_eq!(accounts.len(), 3, "{accounts:?}");
    assert_eq!(balance(&accounts, "JPY"), "1024078");
    assert_eq!(balance(&accounts, "BTC"), "10.24", "as bitFlyer wrote it");
    assert_eq!(balance(&accounts, "ETH"), "20.48");
    assert!(accounts.iter().all(|a| a["kind"] == "crypto"));

    let btc = account_id(&accounts, "BTC");
    assert_eq!(amounts(&machine, &btc), ["0.01000000", "10.23000000"]);
    assert_eq!(amounts(&machine, &account_id(&accounts, "JPY")), ["-10000", "-150000", "1184078"]);
    let holdings = machine.ok(&["holdings", "--account", &btc]);
    let rows: Vec<(String, String, String, String)> = holdings
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["asset"].as_str().unwrap().into(),
                h["quantity"].as_str().unwrap().into(),
                h["price"].as_str().unwrap_or("").into(),
                h["value"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("BTC".into(), "4.12".into(), "15000000.0".into(), "61800000".into()),
            ("BTC (locked)".into(), "6.12".into(), "15000000.0".into(), "91800000".into()),
        ]
    );
    // The coins count in net worth at the exchange's own ticker of the refresh, which says so:
    // 10.24 BTC × ¥15,000,000 = ¥153,600,000.
    let report = machine.ok(&["report", "assets"]);
    let converted = report["converted"].as_array().unwrap();
    let coin = converted.iter().find(|c| c["currency"] == "BTC").unwrap_or_else(|| panic!("BTC not valued: {report}"));
    assert_eq!(coin["value"], "153600000", "{coin}");
    assert_eq!((&coin["rate"]["rate"], &coin["rate"]["source"]), (&json!("15000000"), &json!("exchange")));
    assert_eq!(coin["rate"]["source_detail"], "bitflyer");
    let rates = machine.ok(&["rates"]);
    assert!(rates.as_array().unwrap().iter().any(|r| r["currency"] == "BTC" && r["source"] == "exchange"), "{rates}");

    let again = machine.ok(&["refresh", &id.to_string()]);
    assert_eq!(again[0]["outcome"], "ok", "{again}");
    assert_eq!(again[0]["added"], 0, "nothing is added twice: {again}");
    assert_eq!(accounts_of(&machine, id).len(), 3);
}

#[test]
fn bitflyer_warns_about_a_key_that_can_trade_and_refuses_a_wrong_secret() {
    let keychain = Keychain::start();
    let fake = Fake::start(Exchange::Bitflyer);
    let machine = machine_for(&keychain, "GIMS_ENDPOINT_BITFLYER", &fake);
    let linked = connect(&machine, "bitflyer", json!({ "api_key": TRADING_KEY, "api_secret": TRADING_SECRET }));
    assert_eq!(linked["refresh"]["outcome"], "ok", "{linked}");
    let message = linked["refresh"]["message"].as_str().unwrap();
    assert!(message.contains("read-only"), "the warning reaches the user: {message}");
    let connections = machine.ok(&["connections"]);
    assert!(connections[0]["message"].as_str().unwrap().contains("read-only"), "kept on the connection: {connections}");

    let wrong = connect(&machine, "bitflyer", json!({ "api_key": READ_KEY, "api_secret": "not-it" }));
    assert_eq!(wrong["refresh"]["status"], "bad_credentials", "{wrong}");
    assert_eq!(wrong["refresh"]["action"], "edit_login", "{wrong}");
}

#[test]
fn bitbank_balances_keep_every_reported_place_and_nonces_persist() {
    let keychain = Keychain::start();
    let fake = Fake::start(Exchange::Bitbank);
    let machine = machine_for(&keychain, "GIMS_ENDPOINT_BITBANK", &fake);
    let linked = connect(&machine, "bitbank", json!({ "api_key": READ_KEY, "api_secret": READ_SECRET }));
    assert_eq!(linked["refresh"]["outcome"], "ok", "{linked}");
    assert_eq!(linked["refresh"]["added"], 4, "{linked}");
    let id = &linked["connection_id"];
    let accounts = accounts_of(&machine, id);
    assert_eq!(balance(&accounts, "JPY"), "600000.1234", "a fraction of a yen, as bitbank reported it");
    assert_eq!(balance(&accounts, "BTC"), "0.51234567");
    let jpy = account_id(&accounts, "JPY");
    let rows = machine.ok(&["transactions", "--account", &jpy]);
    let deposit =
        rows.as_array().unwrap().iter().find(|t| t["amount"] == "750000").expect("the deposit, rounded to yen");
    assert!(deposit["memo"].as_str().unwrap().contains("750000.1234"), "the exact figure is kept: {deposit}");
    let holdings = machine.ok(&["holdings", "--account", &account_id(&accounts, "BTC")]);
    assert_eq!(holdings[0]["quantity"], "0.50000000");
    assert_eq!(holdings[1]["quantity"], "0.01234567");

    // The last nonce went to the keychain with the login; the next run starts above it.
    let vault: Value = serde_json::from_slice(&std::fs::read(machine.vault().join("vault.json")).unwrap()).unwrap();
    let entry = format!("connection:{}:{id}", vault["vault_id"].as_str().unwrap());
    let stored = keychain.lookup(&entry).expect("the login is in the keychain");
    let kept: Value = serde_json::from_str(stored.trim()).unwrap();
    let kept: f64 = kept["nonce"].as_str().expect("the last nonce is kept").parse().unwrap();
    let seen = fake.running.last_nonce(READ_KEY).unwrap();
    assert!(
        kept >= seen && kept - seen <= 1.0,
        "the kept nonce ({kept}) is at least the last the exchange saw ({seen})"
    );
    fake.running.set_last_nonce(READ_KEY, kept);
    let again = machine.ok(&["refresh", &id.to_string()]);
    assert_eq!(again[0]["outcome"], "ok", "{again}");
    assert_eq!(again[0]["added"], 0, "{again}");
    assert!(fake.running.last_nonce(READ_KEY).unwrap() > kept);
    assert_no_file_holds(&machine, READ_SECRET);
}

#[test]
fn simplefin_claims_the_token_keeps_the_access_and_shows_the_bridge_errors() {
    let keychain = Keychain::start();
    let fake = Fake::start(Exchange::Simplefin);
    let machine = machine_for(&keychain, "GIMS_ENDPOINT_SIMPLEFIN", &fake);
    let token = gims_sandbox::exchanges::simplefin::setup_token("https://bridge.simplefin.org");
    let linked = connect(&machine, "simplefin", json!({ "setup_token": token }));
    assert_eq!(linked["refresh"]["outcome"], "ok", "{linked}");
    assert_eq!(linked["refresh"]["added"], 3, "{linked}");
    let message = linked["refresh"]["message"].as_str().unwrap();
    assert!(message.contains(gims_sandbox::exchanges::simplefin::ERROR), "{message}");
    let id = &linked["connection_id"];
    let accounts = accounts_of(&machine, id);
    let names: Vec<&str> = accounts.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Example Bank Checking", "Example Bank Savings"]);
    assert_eq!(accounts[0]["balance"], "1234.56");
    assert_eq!(accounts[1]["balance"], "10000.005", "three places, as the bridge reported");
    assert_eq!(amounts(&machine, &accounts[0]["id"].to_string()), ["-765.44", "2000.00"]);

    // The token was one-time: the next refresh works only from the kept access URL.
    let again = machine.ok(&["refresh", &id.to_string()]);
    assert_eq!(again[0]["outcome"], "ok", "{again}");
    assert_eq!(again[0]["added"], 0, "{again}");
    let claims = fake.running.requests().iter().filter(|r| r.starts_with("POST /simplefin/claim/")).count();
    assert_eq!(claims, 1);
    assert_no_file_holds(&machine, gims_sandbox::exchanges::simplefin::ACCESS_PASSWORD);
}

/// Logins live only in the keychain: no file of the vault (ledger, logs) holds `secret`.
fn assert_no_file_holds(machine: &Machine, secret: &str) {
    for file in files_under(machine.dir.path()) {
        let bytes = std::fs::read(&file).unwrap_or_default();
        assert!(!contains(&bytes, secret.as_bytes()), "{} holds a secret", file.display());
    }
}

#[test]
fn liquid_cannot_be_linked_and_says_why() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let credentials = json!({ "token_id": "1", "api_secret": "s" }).to_string();
    let message =
        machine.run(&["connect", "liquid", "--credentials-stdin"], &credentials).fails_with("institution.ended");
    assert!(message.contains("2022") && message.contains("FTX"), "{message}");
    let listed = machine.ok(&["institutions", "--search", "liquid"]);
    assert_eq!(listed[0]["status"], "ended", "{listed}");
}

/// Links `institution` at its fake, checks balances by currency, refreshes again: nothing new.
fn link_and_refresh_twice(
    exchange: Exchange,
    institution: &str,
    credentials: Value,
    want: &[(&str, &str)],
    added: u64,
) {
    let keychain = Keychain::start();
    let fake = Fake::start(exchange);
    let variable = format!("GIMS_ENDPOINT_{}", institution.to_ascii_uppercase().replace('-', "_"));
    let machine = machine_for(&keychain, &variable, &fake);
    let linked = connect(&machine, institution, credentials);
    assert_eq!(linked["refresh"]["outcome"], "ok", "{institution}: {linked}");
    assert_eq!(linked["refresh"]["added"], added, "{institution}: {linked}");
    let id = &linked["connection_id"];
    let accounts = accounts_of(&machine, id);
    for (currency, expected) in want {
        assert_eq!(balance(&accounts, currency), *expected, "{institution} {currency}");
    }
    let again = machine.ok(&["refresh", &id.to_string()]);
    assert_eq!(again[0]["outcome"], "ok", "{institution}: {again}");
    assert_eq!(again[0]["added"], 0, "{institution}: {again}");
}

#[test]
fn btcbox_coincheck_and_gmo_coin_link_and_refresh_through_the_cli() {
    let key = json!({ "api_key": READ_KEY, "api_secret": READ_SECRET });
    link_and_refresh_twice(
        Exchange::Btcbox,
        "btcbox",
        json!({ "public_key": READ_KEY, "secret_key": READ_SECRET }),
        &[("JPY", "105000"), ("BTC", "0.6"), ("ETH", "2.25")],
        4,
    );
    link_and_refresh_twice(
        Exchange::Coincheck,
        "coincheck",
        key.clone(),
        &[("JPY", "3000.8401"), ("BTC", "11.25072654")],
        5,
    );
    link_and_refresh_twice(Exchange::GmoCoin, "gmo-coin", key, &[("JPY", "993982448"), ("BTC", "4.0002")], 3);
}
