//! `gims import --format generic`: any CSV through a column mapping given once and remembered
//! per account; bad rows reported by line; importing again adds nothing.

use crate::support::{Keychain, Machine};

#[test]
fn a_column_mapping_given_once_is_remembered_for_the_account() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    machine.ok(&["account", "add", "--name", "地方銀行", "--kind", "bank", "--currency", "JPY"]);
    let october = machine.dir.path().join("october.csv");
    // Shift_JIS-free but Japanese, with a preamble, out/in columns and one broken row.
    std::fs::write(
        &october,
        "入出金明細 口座番号 1234567\r\n日付,お取引内容,お引出し,お預入れ,残高\r\n\
         2026/10/01,ATM,\"10,000\",,90000\r\n2026/10/25,給与,,250000,340000\r\n2026/10/31,カード,abc,,0\r\n",
    )
    .unwrap();
    let path = october.to_str().unwrap();
    machine
        .run(&["import", path, "--format", "generic", "--map", "date=1,description=2,out=3,in=4"], "")
        .fails_with("input.invalid"); // no --account
    machine.run(&["import", path, "--account", "1", "--format", "generic"], "").fails_with("input.invalid");
    machine
        .run(&["import", path, "--account", "1", "--format", "generic", "--map", "date=1,amount=3"], "")
        .fails_with("input.invalid");
    machine.run(&["import", path, "--map", "date=1"], "").fails_with("input.invalid");
    assert_eq!(machine.ok(&["status"])["transactions"], 0, "nothing written by the refused imports");
    // A dry run shows the rows and keeps neither them nor the mapping.
    let dry = machine.ok(&[
        "import",
        path,
        "--account",
        "1",
        "--format",
        "generic",
        "--map",
        "date=1,description=2,out=3,in=4,balance=5",
        "--dry-run",
    ]);
    assert_eq!((dry["dry_run"].as_bool(), dry["imported"].as_i64()), (Some(true), Some(2)), "{dry}");
    assert_eq!(dry["rows"].as_array().unwrap().len(), 2);
    assert_eq!(machine.ok(&["status"])["transactions"], 0, "a dry run writes nothing");
    machine.run(&["import", path, "--account", "1", "--format", "generic"], "").fails_with("input.invalid");

    let first = machine.ok(&[
        "import",
        path,
        "--account",
        "1",
        "--format",
        "generic",
        "--map",
        "date=1,description=2,out=3,in=4,balance=5",
    ]);
    assert_eq!((first["format"].as_str(), first["imported"].as_i64()), (Some("generic"), Some(2)), "{first}");
    assert_eq!(first["skipped"][0]["line"], 5, "{first}");
    let amounts: Vec<String> = machine
        .ok(&["transactions", "--account", "1"])
        .as_array()
        .unwrap()
        .iter()
        .map(|t| format!("{} {}", t["date"].as_str().unwrap(), t["amount"].as_str().unwrap()))
        .collect();
    assert_eq!(amounts, ["2026-10-25 250000", "2026-10-01 -10000"]);

    // Next month's file: the remembered mapping, and the overlapping row is not added twice.
    let november = machine.dir.path().join("november.csv");
    std::fs::write(
        &november,
        "日付,お取引内容,お引出し,お預入れ,残高\n2026/10/25,給与,,250000,340000\n2026/11/03,スーパー,1200,,338800\n",
    )
    .unwrap();
    let second = machine.ok(&["import", november.to_str().unwrap(), "--account", "1", "--format", "generic"]);
    assert_eq!((second["imported"].as_i64(), second["duplicates"].as_i64()), (Some(1), Some(1)), "{second}");
    let again = machine.ok(&["import", november.to_str().unwrap(), "--account", "1", "--format", "generic"]);
    assert_eq!((again["imported"].as_i64(), again["duplicates"].as_i64()), (Some(0), Some(2)));
    assert_eq!(machine.ok(&["status"])["transactions"], 3);

    // Another account has no mapping of its own.
    machine.ok(&["account", "add", "--name", "別の口座", "--kind", "bank", "--currency", "JPY"]);
    let message = machine
        .run(&["import", november.to_str().unwrap(), "--account", "2", "--format", "generic"], "")
        .fails_with("input.invalid");
    assert!(message.contains("no column mapping"), "{message}");
}
