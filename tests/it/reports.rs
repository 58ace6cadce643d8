//! `gims report` through the command line: the shapes of `shared/CLI.md` and figures a person
//! can check by hand.

use crate::support::{Keychain, Machine};

#[test]
fn monthly_and_asset_reports_count_what_a_household_ledger_counts() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    machine.ok(&["account", "add", "--name", "銀行", "--kind", "bank", "--currency", "JPY", "--balance", "100000"]);
    machine.ok(&["account", "add", "--name", "カード", "--kind", "card", "--currency", "JPY"]);
    let add = |date: &str, amount: &str, description: &str, account: Option<&str>, category: &str| {
        let mut args =
            vec!["tx", "add", "--date", date, "--amount", amount, "--description", description, "--category", category];
        if let Some(account) = account {
            args.extend(["--account", account]);
        }
        machine.ok(&args);
    };
    add("2026-11-25", "250000", "給与", Some("1"), "収入/給与");
    add("2026-11-03", "-12000", "スーパー", Some("2"), "食費/食料品");
    add("2026-11-04", "-3000", "ランチ", None, "食費/外食");
    add("2026-11-10", "2800", "返金", Some("2"), "食費/食料品");
    add("2026-11-27", "-80000", "家賃", Some("1"), "住宅/家賃・地代");
    add("2026-10-31", "-999", "先月", Some("1"), "日用品");

    let report = machine.ok(&["report", "monthly", "--month", "2026-11"]);
    assert_eq!(report["month"], "2026-11");
    assert_eq!(report["income"], "250000", "the refund is not income");
    assert_eq!(report["expense"], "92200", "12000 + 3000 - 2800 + 80000");
    assert_eq!(report["net"], "157800");
    let line = |category: &str, sub: &str| {
        report["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["category"] == category && l["subcategory"] == sub)
            .map(|l| l["amount"].clone())
    };
    assert_eq!(line("食費", "食料品"), Some("-9200".into()));
    assert_eq!(line("日用品", ""), None, "October's row is not in November");

    let assets = machine.ok(&["report", "assets", "--date", "2026-11-30"]);
    assert_eq!(assets["date"], "2026-11-30");
    assert_eq!(assets["total"], "259801", "100000 + 250000 - 80000 - 999 on the bank, 9200 owed on the card");
    let classes: Vec<(String, String)> = assets["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["class"].as_str().unwrap().into(), c["amount"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        classes,
        [("deposits".to_string(), "269001".to_string()), ("liabilities".to_string(), "-9200".to_string())]
    );

    // Marking the rent as a transfer and the lunch as not counted changes the month, not the assets.
    let rent = machine.ok(&["transactions", "--from", "2026-11-27", "--to", "2026-11-27"])[0]["id"].to_string();
    let edited = machine.ok(&["tx", "edit", &rent, "--transfer", "yes", "--memo", "家賃の振替"]);
    assert_eq!((edited["transfer"].as_bool(), edited["memo"].as_str()), (Some(true), Some("家賃の振替")));
    let lunch = machine.ok(&["transactions", "--from", "2026-11-04", "--to", "2026-11-04"])[0]["id"].to_string();
    machine.ok(&["tx", "edit", &lunch, "--included", "no", "--category", "交際費/飲み会"]);
    let report = machine.ok(&["report", "monthly", "--month", "2026-11"]);
    assert_eq!(report["expense"], "9200", "only the groceries net of the refund");
    assert_eq!(machine.ok(&["report", "assets", "--date", "2026-11-30"])["total"], "259801");
    machine.run(&["tx", "edit", &lunch, "--included", "maybe"], "").fails_with("input.invalid");
    machine.run(&["tx", "edit", "999", "--memo", "x"], "").fails_with("input.invalid");

    machine.run(&["report", "monthly", "--month", "2026-13"], "").fails_with("input.invalid");
    machine.run(&["report", "monthly", "--month", "2026-11", "--group", "家族"], "").fails_with("input.invalid");
}
