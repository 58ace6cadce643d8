//! Untrusted text through the core: script tags, `javascript:` links, bidirectional overrides,
//! zero-width and NUL characters, formula-looking cells, a 1 MB memo and invalid UTF-8, in a
//! statement file. Each is kept exactly as text (the UI renders text, never markup), nothing
//! crashes, and a file that cannot be decoded is refused whole with a clear reason.

use crate::refresh_support::login_json;
use crate::sandbox::SandboxServer;
use crate::support::{Keychain, Machine};
use gims_sandbox::data::HOSTILE_DESCRIPTIONS;

pub const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "\u{202e}exe.txt\u{202c}",
    "zero\u{200b}width\u{200d}joiner\u{feff}",
    "nul\u{0}byte",
    "=HYPERLINK(\"http://example.invalid\")",
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\"quoted\" cell",
    "two\nlines",
    "&amp;&lt;&#x3C;",
    "'; DROP TABLE transactions; --",
];

fn csv_cell(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[test]
fn hostile_text_in_a_statement_is_kept_exactly_as_text_and_an_undecodable_file_is_refused() {
    let keychain = Keychain::start();
    let machine = Machine::with_keychain(&keychain);
    machine.ok(&["init"]);
    let mut csv = String::from(
        "\"計算対象\",\"日付\",\"内容\",\"金額（円）\",\"保有金融機関\",\"大項目\",\"中項目\",\"メモ\",\"振替\",\"ID\"\r\n",
    );
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let cell = csv_cell(payload);
        csv.push_str(&format!(
            "\"1\",\"2026/11/{:02}\",{cell},\"-{}\",\"財布\",\"食費\",\"食料品\",{cell},\"0\",\"PAY{i}\"\r\n",
            i + 1,
            100 + i
        ));
    }
    let big = "長".repeat(350_000); // about 1 MB of UTF-8
    csv.push_str(&format!(
        "\"1\",\"2026/11/20\",\"big memo\",\"-1\",\"財布\",\"食費\",\"食料品\",\"{big}\",\"0\",\"BIG\"\r\n"
    ));
    let file = machine.dir.path().join("payloads.csv");
    std::fs::write(&file, csv).unwrap();
    let imported = machine.ok(&["import", file.to_str().unwrap()]);
    assert_eq!(imported["imported"], PAYLOADS.len() + 1, "{imported}");

    let rows = machine.ok(&["transactions", "--limit", "100"]);
    let rows = rows.as_array().unwrap();
    for (i, payload) in PAYLOADS.iter().enumerate() {
        let row = rows.iter().find(|r| r["amount"] == format!("-{}", 100 + i)).unwrap();
        assert_eq!(row["description"], *payload, "kept exactly");
        assert_eq!(row["memo"], *payload, "kept exactly");
    }
    let memo = rows.iter().find(|r| r["description"] == "big memo").unwrap()["memo"].as_str().unwrap().to_string();
    assert_eq!(memo, big);
    // The human listing prints them as text on one line each (no raw control characters that
    // could rewrite the terminal).
    let listing = machine.command().args(["transactions", "--limit", "100"]).output().unwrap();
    assert!(listing.status.success());
    let text = String::from_utf8(listing.stdout).unwrap();
    assert!(!text.contains('\u{0}') && !text.contains('\u{202e}'), "control characters are shown escaped");
    assert!(text.contains("<script>alert(1)</script>"));

    // Bytes that are neither UTF-8 nor CP932 are refused whole, with the reason.
    let bad = machine.dir.path().join("invalid.csv");
    let mut bytes = "\"計算対象\",\"日付\",\"内容\",\"金額（円）\",\"保有金融機関\",\"大項目\",\"中項目\",\"メモ\",\"振替\",\"ID\"\r\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(
        b"\"1\",\"2026/11/21\",\"\xff\xfe\xfd\",\"-5\",\"\x80\x80\",\"x\",\"y\",\"\",\"0\",\"BAD\"\r\n",
    );
    std::fs::write(&bad, bytes).unwrap();
    let before = machine.ok(&["status"])["transactions"].clone();
    let run = machine.run(&["import", bad.to_str().unwrap()], "");
    let stdout = String::from_utf8_lossy(&run.output.stdout).to_string();
    assert!(!run.output.status.success(), "{stdout}");
    let code = run.json["error"]["code"].as_str().unwrap_or_default().to_string();
    assert!(code == "import.unrecognised_format" || code == "input.invalid", "a clear error: {stdout}");
    assert_eq!(machine.ok(&["status"])["transactions"], before, "nothing was imported");
}

/// The same kind of text from a bank's pages (the sandbox's `hostile_text` fault): kept exactly
/// through the connector's HTML parsing and the save, not duplicated by the next refresh, and
/// exported as data (formula-looking cells neutralised; the journal's lines intact).
#[test]
fn hostile_text_from_a_bank_stays_text_through_refresh_and_exports() {
    let keychain = Keychain::start();
    let sandbox = SandboxServer::start();
    let machine = Machine::with_keychain(&keychain).with_sandbox(&sandbox.base_url);
    machine.ok(&["init"]);
    sandbox.set_fault("sandbox-bank", Some("hostile_text"));
    let linked = machine
        .run(&["connect", "sandbox-bank", "--credentials-stdin"], &format!("{}\n", login_json("hana", "sandbox")))
        .ok();
    assert_eq!(linked["refresh"]["outcome"], "ok", "{linked}");
    let rows = machine.ok(&["transactions", "--limit", "100000"]);
    let rows = rows.as_array().unwrap();
    for text in HOSTILE_DESCRIPTIONS {
        assert_eq!(rows.iter().filter(|r| r["description"] == *text).count(), 1, "{text:?} kept exactly, once");
    }
    let count = rows.len();
    let id = linked["connection_id"].to_string();
    assert_eq!(machine.ok(&["refresh", &id])[0]["outcome"], "ok");
    assert_eq!(machine.ok(&["transactions", "--limit", "100000"]).as_array().unwrap().len(), count, "nothing twice");

    let csv = machine.dir.path().join("export.csv");
    machine.ok(&["export", "--format", "mf-csv", "--out", csv.to_str().unwrap()]);
    let csv = std::fs::read(&csv).unwrap();
    let text = encoding_rs::SHIFT_JIS.decode(&csv).0.into_owned();
    let text = if text.contains("計算対象") { text } else { String::from_utf8_lossy(&csv).into_owned() };
    for cell in text.lines().flat_map(|line| line.split(',')) {
        let cell = cell.trim_matches('"');
        assert!(!cell.starts_with(['=', '+', '@']), "a formula cell left as is: {cell}");
    }
    assert!(text.contains("'=HYPERLINK("), "neutralised, not dropped");

    let journal = machine.dir.path().join("export.journal");
    machine.ok(&["export", "--format", "journal", "--out", journal.to_str().unwrap()]);
    let journal = std::fs::read_to_string(&journal).unwrap();
    assert!(journal.contains("<script>alert(1)</script>"), "kept as text");
    assert!(!journal.contains('\u{202e}'), "no bidi override in a plain-text journal");
}
