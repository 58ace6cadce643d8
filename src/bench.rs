//! `gims bench`: measures the encrypted ledger on this machine — the bulk insert rate of
//! transactions (as imports and refresh saves write them) and the time to open a large ledger.
//! Figures are printed, never asserted: speed is measured, not tested.

use crate::error::Result;
use crate::ledger::{DatabaseKey, Ledger, NewManualAccount, NewTransaction, TransactionSource};
use crate::money::{Amount, Currency};
use gims_connectors::AccountKind;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

pub struct BenchOptions {
    /// Also time importing an export CSV of this many rows (0: skip).
    pub import_rows: u32,
    pub rows: u32,
    pub batch: u32,
    pub opens: u32,
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Serialize)]
pub struct BenchReport {
    pub rows: u32,
    pub batch: u32,
    pub insert_seconds: f64,
    pub rows_per_second: f64,
    pub opens: u32,
    pub open_median_ms: f64,
    pub open_max_ms: f64,
    pub ledger_bytes: u64,
    /// Warm medians over the filled ledger: a month's report, ten years of asset history by
    /// month end, and one year by day.
    pub monthly_report_ms: f64,
    pub history_10y_monthly_ms: f64,
    pub history_1y_daily_ms: f64,
    /// The daily check before the automatic backup (every page's HMAC + `quick_check`) and
    /// `gims check` (HMACs + the full `integrity_check`), once each, in milliseconds.
    pub daily_check_ms: f64,
    pub full_check_ms: f64,
    /// Importing the modelled service's export of `import_rows` rows: parse + save, seconds.
    pub import_rows: u32,
    pub import_seconds: Option<f64>,
}

const DESCRIPTIONS: &[&str] = &[
    "セブンイレブン",
    "ローソン",
    "ファミリーマート",
    "ＡＭＡＺＯＮ．ＣＯ．ＪＰ",
    "振込 ﾀﾅｶ ﾀﾛｳ",
    "東京電力",
    "ＮＴＴドコモ",
    "給与 カブシキガイシャ",
    "スターバックス",
    "ＪＲ東日本 モバイルＳｕｉｃａ",
    "楽天市場",
    "マツモトキヨシ",
];

pub fn run(options: &BenchOptions, progress: &mut dyn Write) -> Result<BenchReport> {
    let scratch = match &options.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| crate::vault::io_error("create", dir, e))?;
            Scratch::Kept(dir.clone())
        }
        None => Scratch::Temporary(
            tempfile::Builder::new()
                .prefix("gims-bench-")
                .tempdir()
                .map_err(|e| crate::vault::io_error("create a folder in", &std::env::temp_dir(), e))?,
        ),
    };
    let path = scratch.path().join("bench-ledger.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let key = [0x5a; 32];
    let mut ledger = Ledger::create(&path, DatabaseKey::from_bytes(key))?;
    let now = crate::api::now();
    let jpy = Currency::jpy();
    let accounts: Vec<i64> = (0..10)
        .map(|i| {
            let account = NewManualAccount {
                name: format!("口座{i}"),
                kind: AccountKind::Bank,
                opening_balance: Amount::from_minor(0, jpy.clone()),
            };
            ledger.add_manual_account(&account, &now).map(|a| a.id)
        })
        .collect::<Result<_>>()?;

    let categories: Vec<i64> = ["食費/食料品", "食費/外食", "日用品", "交通費/電車", "住宅/家賃・地代", "収入/給与"]
        .iter()
        .map(|c| crate::ledger::categories::resolve(&ledger.conn, c))
        .collect::<Result<_>>()?;
    let batch = options.batch.max(1);
    let started = Instant::now();
    let mut written = 0u32;
    while written < options.rows {
        let count = batch.min(options.rows - written);
        let rows: Vec<NewTransaction> =
            (written..written + count).map(|i| row(i, options.rows, &accounts, &categories, &jpy)).collect();
        ledger.insert_transactions(&rows, TransactionSource::Import)?;
        written += count;
        let _ = writeln!(progress, "  inserted {written}/{}", options.rows);
    }
    let insert_seconds = started.elapsed().as_secs_f64();
    drop(ledger);

    let mut open_times = Vec::new();
    for _ in 0..options.opens.max(1) {
        let started = Instant::now();
        let ledger = Ledger::open(&path, DatabaseKey::from_bytes(key))?;
        open_times.push(started.elapsed().as_secs_f64() * 1000.0);
        drop(ledger);
    }
    open_times.sort_by(f64::total_cmp);
    let (monthly_report_ms, history_10y_monthly_ms, history_1y_daily_ms) = time_reports(&path, key, progress)?;
    let (daily_check_ms, full_check_ms) = time_checks(&path, key, progress)?;
    let import_seconds = match options.import_rows {
        0 => None,
        rows => Some(time_import(scratch.path(), rows, progress)?),
    };
    let ledger_bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    Ok(BenchReport {
        rows: options.rows,
        batch,
        insert_seconds,
        rows_per_second: f64::from(options.rows) / insert_seconds,
        opens: open_times.len() as u32,
        open_median_ms: open_times[open_times.len() / 2],
        open_max_ms: *open_times.last().unwrap_or(&0.0),
        ledger_bytes,
        monthly_report_ms,
        history_10y_monthly_ms,
        history_1y_daily_ms,
        daily_check_ms,
        full_check_ms,
        import_rows: options.import_rows,
        import_seconds,
    })
}

/// The integrity checks over the filled ledger, each on a freshly opened ledger.
fn time_checks(path: &std::path::Path, key: [u8; 32], progress: &mut dyn Write) -> Result<(f64, f64)> {
    let timed = |check: &dyn Fn(&Ledger) -> Result<()>| -> Result<f64> {
        let ledger = Ledger::open(path, DatabaseKey::from_bytes(key))?;
        let started = Instant::now();
        check(&ledger)?;
        Ok(started.elapsed().as_secs_f64() * 1000.0)
    };
    let daily = timed(&|ledger| match ledger.quick_check_integrity()? {
        None => Ok(()),
        Some(found) => Err(crate::error::GimsError::internal(format!("the fresh ledger is damaged: {found}"))),
    })?;
    let full = timed(&|ledger| ledger.check_integrity())?;
    let _ = writeln!(progress, "  checks: daily (HMACs + quick_check) {daily:.0} ms, full {full:.0} ms");
    Ok((daily, full))
}

/// Reports over the filled ledger (rows from 2016 to 2025), each run once to warm the cache,
/// then the median of nine runs.
fn time_reports(path: &std::path::Path, key: [u8; 32], progress: &mut dyn Write) -> Result<(f64, f64, f64)> {
    use crate::ledger::Scope;
    let ledger = Ledger::open(path, DatabaseKey::from_bytes(key))?;
    let median = |work: &dyn Fn() -> Result<()>| -> Result<f64> {
        work()?;
        let mut times = Vec::new();
        for _ in 0..9 {
            let started = Instant::now();
            work()?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        Ok(times[times.len() / 2])
    };
    let monthly = median(&|| crate::report::monthly(&ledger, "2021-06", &Scope::Visible).map(drop))?;
    let history =
        median(&|| crate::report::history(&ledger, "2016-01-01", "2025-12-31", "month", &Scope::Visible).map(drop))?;
    let daily =
        median(&|| crate::report::history(&ledger, "2025-01-01", "2025-12-31", "day", &Scope::Visible).map(drop))?;
    let _ = writeln!(
        progress,
        "  reports: monthly {monthly:.1} ms, history 10y/month {history:.1} ms, 1y/day {daily:.1} ms"
    );
    Ok((monthly, history, daily))
}

/// A fresh ledger, then the modelled service's export CSV (UTF-8) of `rows` rows through the
/// same path as `gims import`: detection, parsing, one all-or-nothing save.
fn time_import(dir: &std::path::Path, rows: u32, progress: &mut dyn Write) -> Result<f64> {
    let path = dir.join("bench-import.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let mut ledger = Ledger::create(&path, DatabaseKey::from_bytes([0x6b; 32]))?;
    let start = time::Date::from_calendar_date(2016, time::Month::January, 1).expect("valid date");
    let csv = export_csv(rows, start);
    let _ = writeln!(progress, "  importing a {}-row export ({:.1} MiB)", rows, csv.len() as f64 / 1048576.0);
    let started = Instant::now();
    let statement = crate::import::parse(csv.as_bytes(), &crate::import::ParseOptions::default())?;
    let parsed = started.elapsed().as_secs_f64();
    crate::import::save(&mut ledger, &statement, None, &crate::api::now())?;
    let total = started.elapsed().as_secs_f64();
    let _ = writeln!(progress, "  parse {parsed:.2} s, save {:.2} s", total - parsed);
    Ok(total)
}

/// The modelled service's export (UTF-8; 計算対象, 日付, 内容, 金額（円）, 保有金融機関, 大項目,
/// 中項目, メモ, 振替, ID) of `rows` rows: five institutions, five categories, ten years of
/// history from `start` in date order. Also the desktop benchmark's vault (`bench-ledger`).
pub fn export_csv(rows: u32, start: time::Date) -> String {
    let institutions = ["三井住友カード", "楽天銀行", "ゆうちょ銀行", "モバイルSuica", "楽天カード"];
    let categories =
        [("食費", "食料品"), ("食費", "外食"), ("日用品", "ドラッグストア"), ("交通費", "電車"), ("収入", "給与")];
    let mut csv = String::with_capacity(rows as usize * 110);
    csv.push_str("\"計算対象\",\"日付\",\"内容\",\"金額（円）\",\"保有金融機関\",\"大項目\",\"中項目\",\"メモ\",\"振替\",\"ID\"\r\n");
    for i in 0..rows {
        let date = start + time::Duration::days(i64::from(i) * 3650 / i64::from(rows.max(1)));
        let (top, sub) = categories[i as usize % categories.len()];
        let amount = if top == "収入" { 250_000 } else { -(i64::from(i.wrapping_mul(2_654_435_761) % 20_000) + 100) };
        csv.push_str(&format!(
            "\"1\",\"{}/{:02}/{:02}\",\"{}\",\"{amount}\",\"{}\",\"{top}\",\"{sub}\",\"\",\"0\",\"BENCH{i:012}\"\r\n",
            date.year(),
            u8::from(date.month()),
            date.day(),
            DESCRIPTIONS[i as usize % DESCRIPTIONS.len()],
            institutions[i as usize % institutions.len()],
        ));
    }
    csv
}

/// A plausible transaction: ten accounts, ten years of history in date order (as statements and
/// refreshes deliver it), half with an institution id.
fn row(i: u32, total: u32, accounts: &[i64], categories: &[i64], jpy: &Currency) -> NewTransaction {
    let day = i64::from(i) * 3650 / i64::from(total.max(1));
    let date =
        time::Date::from_calendar_date(2016, time::Month::January, 1).expect("valid date") + time::Duration::days(day);
    let amount = -(i64::from(i.wrapping_mul(2_654_435_761) % 50_000) + 100);
    NewTransaction {
        date: date.to_string(),
        amount: Amount::from_minor(amount, jpy.clone()),
        external_id: i.is_multiple_of(2).then(|| format!("FIT{i:09}")),
        category_id: Some(categories[(i / 7) as usize % categories.len()]),
        ..NewTransaction::manual(
            Some(accounts[i as usize % accounts.len()]),
            DESCRIPTIONS[i as usize % DESCRIPTIONS.len()],
        )
    }
}

enum Scratch {
    Kept(PathBuf),
    Temporary(tempfile::TempDir),
}

impl Scratch {
    fn path(&self) -> &std::path::Path {
        match self {
            Scratch::Kept(dir) => dir,
            Scratch::Temporary(dir) => dir.path(),
        }
    }
}
