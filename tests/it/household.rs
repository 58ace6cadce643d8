//! The household ledger as a user drives it from the command line: transfer suggestions with
//! their reasons, marking and undoing; a rule proposed after re-categorising, applied to old and
//! new rows; predictions from earlier choices; hiding and groups; budgets; merging categories
//! without losing a row; asset history.

use crate::support::{Keychain, Machine};
use serde_json::Value;

fn ids(value: &Value) -> Vec<i64> {
    value.as_array().unwrap().iter().map(|row| row["id"].as_i64().unwrap()).collect()
}

#[test]
fn a_household_month_from_suggestions_to_budgets() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    machine.ok(&[
        "account",
        "add",
        "--name",
        "三井住友銀行",
        "--kind",
        "bank",
        "--currency",
        "JPY",
        "--balance",
        "300000",
    ]);
    machine.ok(&["account", "add", "--name", "楽天カード", "--kind", "card", "--currency", "JPY"]);
    machine.ok(&[
        "account",
        "add",
        "--name",
        "へそくり財布",
        "--kind",
        "cash",
        "--currency",
        "JPY",
        "--balance",
        "50000",
    ]);
    let add = |date: &str, amount: &str, description: &str, account: &str, category: Option<&str>| -> i64 {
        let mut args =
            vec!["tx", "add", "--date", date, "--amount", amount, "--description", description, "--account", account];
        if let Some(category) = category {
            args.extend(["--category", category]);
        }
        machine.ok(&args)["id"].as_i64().unwrap()
    };
    add("2026-11-25", "250000", "給与", "1", Some("収入/給与"));
    let debit = add("2026-11-27", "-48210", "ラクテンカ－ドサ－ビス", "1", None);
    let payment = add("2026-11-26", "48210", "お支払い", "2", None);
    let lawson = [
        add("2026-11-03", "-540", "ﾛｰｿﾝ ｼﾌﾞﾔ", "2", None),
        add("2026-11-04", "-320", "ﾛｰｿﾝ ｼﾝｼﾞｭｸ", "2", None),
        add("2026-11-05", "-410", "ローソン 目黒", "2", None),
    ];
    add("2026-11-06", "-2000", "ﾏﾂﾓﾄｷﾖｼ ｼﾌﾞﾔ", "2", Some("日用品/ドラッグストア"));
    add("2026-11-07", "-1500", "ﾏﾂﾓﾄｷﾖｼ ｼﾌﾞﾔ", "2", Some("日用品/ドラッグストア"));
    let drugstore = add("2026-11-08", "-900", "ﾏﾂﾓﾄｷﾖｼ ｲｹﾌﾞｸﾛ", "2", None);
    add("2026-11-09", "-10000", "秘密の買い物", "3", Some("趣味・娯楽/秘密の趣味"));

    // Before any mark the card settlement counts twice: as spending (the uncategorised debit)
    // and as income (the uncategorised arrival on the card).
    let month = || machine.ok(&["report", "monthly", "--month", "2026-11"]);
    let before = month();
    assert_eq!(before["income"], "298210");

    // The pair is suggested with its reason; marking it takes it out of income and spending.
    let suggestions = machine.ok(&["transfers", "suggest", "--from", "2026-11-01", "--to", "2026-11-30"]);
    let pair = suggestions.as_array().unwrap().iter().find(|s| s["in_tx"].as_i64().is_some()).unwrap().clone();
    assert_eq!((pair["out_tx"].as_i64(), pair["in_tx"].as_i64()), (Some(debit), Some(payment)));
    let reason = pair["reason"].as_str().unwrap();
    assert!(reason.contains("card settlement") && reason.contains("¥48,210"), "{reason}");
    machine.ok(&["transfers", "mark", &debit.to_string(), &payment.to_string(), "--reason", reason]);
    let marked = month();
    assert_eq!(marked["income"], "250000");
    assert_eq!(
        marked["expense"], "15670",
        "540 + 320 + 410 + 2000 + 1500 + 900 on the card, 10000 from the wallet; the settlement is not spending"
    );
    // Undo puts both sides back; marking again is possible.
    machine.ok(&["transfers", "undo", &payment.to_string()]);
    assert_eq!(month()["income"], "298210");
    machine.ok(&["transfers", "mark", &debit.to_string(), &payment.to_string()]);
    assert_eq!(machine.ok(&["transfers", "list"]).as_array().unwrap().len(), 1);

    // Re-categorising one ローソン row proposes a rule for the others (half-width or not).
    let output =
        machine.command().args(["tx", "edit", &lawson[0].to_string(), "--category", "食費/食料品"]).output().unwrap();
    assert!(output.status.success());
    let tip = String::from_utf8_lossy(&output.stderr);
    assert!(tip.contains("「ローソン」") && tip.contains("2 uncategorised row(s)"), "{tip}");
    assert!(tip.contains("gims rule add --match 'ローソン' --category '食費/食料品' --apply"), "{tip}");
    let proposal = machine.ok(&["rule", "propose", &lawson[0].to_string()]);
    assert_eq!((proposal["match_text"].as_str(), proposal["would_file"].as_i64()), (Some("ローソン"), Some(2)));
    let added = machine.ok(&["rule", "add", "--match", "ローソン", "--category", "食費/食料品", "--apply"]);
    assert_eq!(added["applied"], 2);
    for id in &lawson {
        let row = machine.ok(&["transactions", "--from", "2026-11-03", "--to", "2026-11-05"]);
        let row = row.as_array().unwrap().iter().find(|r| r["id"] == *id).unwrap().clone();
        assert_eq!((row["category"].as_str(), row["subcategory"].as_str()), (Some("食費"), Some("食料品")));
    }
    // The rule files a new row at save time.
    let new_row = add("2026-11-20", "-199", "ﾛｰｿﾝ ﾒｸﾞﾛ", "2", None);
    let listed = machine.ok(&["transactions", "--from", "2026-11-20", "--to", "2026-11-20"]);
    assert_eq!(ids(&listed), [new_row]);
    assert_eq!(listed[0]["subcategory"], "食料品");

    // Two ﾏﾂﾓﾄｷﾖｼ rows filed by hand predict the third, saying why.
    let predictions = machine.ok(&["categorize", "suggest"]);
    let prediction = predictions.as_array().unwrap().iter().find(|p| p["transaction_id"] == drugstore).unwrap();
    assert_eq!(prediction["subcategory"], "ドラッグストア");
    assert_eq!(prediction["explanation"], "like 2 earlier「マツモトキヨシ」rows you filed under 日用品/ドラッグストア");
    machine.ok(&["categorize", "apply"]);
    assert!(machine.ok(&["categorize", "suggest"]).as_array().unwrap().is_empty());

    // Hiding the wallet takes it out of the default totals; a group shows exactly it.
    let with_wallet = month()["expense"].clone();
    machine.ok(&["hide", "--account", "3"]);
    let hidden = month();
    assert_eq!(hidden["expense"], "5869", "15670 + 199 - 10000");
    assert_eq!(with_wallet, "15869");
    let accounts = machine.ok(&["accounts"]);
    assert_eq!(accounts[2]["hidden"], true, "the account is still listed, marked hidden");
    machine.ok(&["group", "create", "へそくり"]);
    machine.ok(&["group", "add", "へそくり", "--account", "3"]);
    let group = machine.ok(&["report", "monthly", "--month", "2026-11", "--group", "へそくり"]);
    assert_eq!((group["income"].as_str(), group["expense"].as_str()), (Some("0"), Some("10000")));
    let assets = machine.ok(&["report", "assets", "--date", "2026-11-30", "--group", "へそくり"]);
    assert_eq!(assets["total"], "40000");
    machine.run(&["report", "monthly", "--month", "2026-11", "--group", "家族"], "").fails_with("input.invalid");
    // The list filters by group and by category (a 大項目 with its 中項目).
    let in_group = machine.ok(&["transactions", "--group", "へそくり"]);
    assert!(in_group.as_array().unwrap().iter().all(|r| r["account_id"] == 3), "{in_group}");
    assert_eq!(in_group.as_array().unwrap().len(), 1);
    let food = machine.ok(&["transactions", "--category", "食費"]);
    assert_eq!(food.as_array().unwrap().len(), 4, "three ローソン rows and the one the rule filed: {food}");
    assert!(food.as_array().unwrap().iter().all(|r| r["category"] == "食費"));

    // Budgets: 食費 ¥30,000 a month; 食費 spent 540 + 320 + 410 + 199.
    machine.ok(&["budget", "set", "食費", "30000"]);
    let budget = machine.ok(&["report", "budget", "--month", "2026-11"]);
    assert_eq!(budget["lines"][0]["category"], "食費");
    assert_eq!(budget["lines"][0]["spent"], "1469");
    assert_eq!(budget["lines"][0]["remaining"], "28531");
    assert_eq!(budget["lines"][0]["percent"], 4);

    // Merging 日用品/ドラッグストア into 日用品/日用品 keeps every row and every total.
    let count = machine.ok(&["status"])["transactions"].clone();
    let totals = month();
    let merged = machine.ok(&["category", "merge", "日用品/ドラッグストア", "日用品/日用品"]);
    assert_eq!(merged["transactions"], 3);
    assert_eq!(machine.ok(&["status"])["transactions"], count);
    let after = month();
    assert_eq!((&after["income"], &after["expense"]), (&totals["income"], &totals["expense"]));
    machine
        .run(
            &[
                "tx",
                "add",
                "--date",
                "2026-11-21",
                "--amount",
                "-1",
                "--description",
                "x",
                "--category",
                "ドラッグストア",
            ],
            "",
        )
        .fails_with("input.invalid");

    // Asset history by month end: the bank and the card (the hidden wallet left out).
    let history =
        machine.ok(&["report", "history", "--from", "2026-10-15", "--to", "2026-11-30", "--interval", "month"]);
    let points: Vec<(String, Option<String>)> = history["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["date"].as_str().unwrap().into(), p["total"].as_str().map(str::to_owned)))
        .collect();
    // October: the accounts were added today and their first rows are in November, so nothing
    // is known of them then — no data, not their opening balances.
    // Bank: 300000 + 250000 - 48210; card: 48210 - (540 + 320 + 410 + 2000 + 1500 + 900 + 199).
    assert_eq!(
        points,
        [("2026-10-31".to_string(), None), ("2026-11-30".to_string(), Some((501790 + 42341).to_string()))]
    );
}

#[test]
fn settings_are_checked_and_kept_in_the_vault() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let defaults = machine.ok(&["settings"]);
    assert_eq!((defaults["language"].as_str(), defaults["auto_refresh_minutes"].as_u64()), (Some("ja"), Some(360)));
    assert!(defaults["report_folder"].is_null());
    machine.ok(&["set", "language", "en"]);
    machine.ok(&["set", "auto_refresh_minutes", "120"]);
    let folder = machine.dir.path().join("reports");
    machine.ok(&["set", "report_folder", folder.to_str().unwrap()]);
    let settings = machine.ok(&["settings"]);
    assert_eq!((settings["language"].as_str(), settings["auto_refresh_minutes"].as_u64()), (Some("en"), Some(120)));
    assert_eq!(settings["report_folder"], folder.to_str().unwrap());
    machine.run(&["set", "language", "fr"], "").fails_with("input.invalid");
    machine.run(&["set", "auto_refresh_minutes", "1"], "").fails_with("input.invalid");
    machine.run(&["set", "report_folder", "relative/path"], "").fails_with("input.invalid");
    machine.run(&["set", "colour", "blue"], "").fails_with("input.invalid");
    assert_eq!(machine.ok(&["settings"])["language"], "en", "a refused value changes nothing");
}

#[test]
fn starter_rules_are_added_once_and_file_the_rows_they_match() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    for (description, amount) in
        [("ｾﾌﾞﾝｲﾚﾌﾞﾝ 渋谷店", "-540"), ("給与 カ）ジーエムエス", "280000"), ("カ）ヤマダ", "-1000")]
    {
        machine.ok(&["tx", "add", "--date", "2026-11-20", "--amount", amount, "--description", description]);
    }
    let added = machine.ok(&["rule", "starter", "--apply"]);
    assert!(added["added"].as_u64().unwrap() > 30, "{added}");
    assert_eq!(added["applied"], 2, "the store and the salary, not the unknown payee: {added}");
    let rows = machine.ok(&["transactions"]);
    let category = |description: &str| {
        let row = rows.as_array().unwrap().iter().find(|r| r["description"] == description).unwrap();
        format!("{}/{}", row["category"].as_str().unwrap(), row["subcategory"].as_str().unwrap_or(""))
    };
    assert_eq!(category("ｾﾌﾞﾝｲﾚﾌﾞﾝ 渋谷店"), "食費/食料品");
    assert_eq!(category("給与 カ）ジーエムエス"), "収入/給与");
    assert_eq!(category("カ）ヤマダ"), "未分類/");
    assert_eq!(machine.ok(&["rule", "starter"])["added"], 0, "twice adds nothing");
}
