//! `scripts/bench-desktop`'s ledger: a vault (key in the OS keychain, as the app opens it) with
//! ROWS transactions, imported as the modelled service's export CSV through the same path as
//! `gims import` (the rows `gims bench` times: five institutions, ten years, categories).
//!
//!   bench-ledger VAULT_DIR [ROWS]

use gims::api::{Gims, TransactionQuery};
use gims::vault::{SystemKeychain, Unlock};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Instant;

static KEYCHAIN: SystemKeychain = SystemKeychain;

const DESCRIPTIONS: &[&str] = &[
    "セブンイレブン",
    "ローソン",
    "ファミリーマート",
    "ＡＭＡＺＯＮ．ＣＯ．ＪＰ",
    "東京電力",
    "ＮＴＴドコモ",
    "給与 カブシキガイシャ",
    "スターバックス",
    "楽天市場",
    "マツモトキヨシ",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let vault = PathBuf::from(args.next().ok_or("usage: bench-ledger VAULT_DIR [ROWS]")?);
    let rows: u32 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(1_000_000);

    if !vault.join(gims::vault::METADATA_FILE).exists() {
        let started = Instant::now();
        gims::api::init(&vault, Unlock::Keychain(&KEYCHAIN))?;
        let csv_path = vault.with_extension("csv");
        std::fs::write(&csv_path, export_csv(rows))?;
        let mut gims = Gims::open(&vault, &KEYCHAIN, None)?;
        let outcome = gims.import(&csv_path, None, Some("mf-export"), None)?;
        std::fs::remove_file(&csv_path)?;
        eprintln!(
            "bench-ledger: {} rows imported into {} accounts in {:.1} s",
            outcome.imported,
            outcome.accounts.len(),
            started.elapsed().as_secs_f64()
        );
    }
    // What the window asks of the core on this ledger, timed.
    let gims = Gims::open(&vault, &KEYCHAIN, None)?;
    let timed = |what: &str, run: &mut dyn FnMut() -> gims::error::Result<usize>| -> gims::error::Result<()> {
        let started = Instant::now();
        let n = run()?;
        eprintln!("bench-ledger: {what}: {:.1} ms ({n})", started.elapsed().as_secs_f64() * 1000.0);
        Ok(())
    };
    let total = gims.status()?.transactions;
    timed("status", &mut || gims.status().map(|s| s.transactions as usize))?;
    for offset in [0, total / 2, total.saturating_sub(200)] {
        let query = TransactionQuery { limit: Some(200), offset: Some(offset as u32), ..Default::default() };
        timed(&format!("a page of 200 at offset {offset}"), &mut || gims.transactions(&query).map(|r| r.len()))?;
    }
    timed("report_assets today", &mut || gims.report_assets(None, None).map(|r| r.classes.len()))?;
    timed("report_assets 2025-06-30", &mut || gims.report_assets(Some("2025-06-30"), None).map(|r| r.classes.len()))?;
    timed("report_monthly 2026-11", &mut || gims.report_monthly("2026-11", None).map(|r| r.categories.len()))?;
    Ok(())
}

/// The export's columns (計算対象, 日付, 内容, 金額（円）, 保有金融機関, 大項目, 中項目, メモ, 振替, ID),
/// ten years of history in date order ending today's year.
fn export_csv(rows: u32) -> String {
    let institutions = ["三井住友カード", "楽天銀行", "ゆうちょ銀行", "モバイルSuica", "楽天カード"];
    let categories =
        [("食費", "食料品"), ("食費", "外食"), ("日用品", "ドラッグストア"), ("交通費", "電車"), ("収入", "給与")];
    let start = time::Date::from_calendar_date(2016, time::Month::December, 1).expect("a valid date");
    let mut csv = String::with_capacity(rows as usize * 110);
    csv.push_str("\"計算対象\",\"日付\",\"内容\",\"金額（円）\",\"保有金融機関\",\"大項目\",\"中項目\",\"メモ\",\"振替\",\"ID\"\r\n");
    for i in 0..rows {
        let date = start + time::Duration::days(i64::from(i) * 3650 / i64::from(rows.max(1)));
        let (top, sub) = categories[i as usize % categories.len()];
        let amount = if top == "収入" { 250_000 } else { -(i64::from(i.wrapping_mul(2_654_435_761) % 20_000) + 100) };
        let _ = write!(
            csv,
            "\"1\",\"{}/{:02}/{:02}\",\"{}\",\"{amount}\",\"{}\",\"{top}\",\"{sub}\",\"\",\"0\",\"BENCH{i:012}\"\r\n",
            date.year(),
            u8::from(date.month()),
            date.day(),
            DESCRIPTIONS[i as usize % DESCRIPTIONS.len()],
            institutions[i as usize % institutions.len()],
        );
    }
    csv
}
