//! `scripts/bench-desktop`'s ledger: a vault (key in the OS keychain, as the app opens it) with
//! ROWS transactions, imported as the modelled service's export CSV through the same path as
//! `gims import` (the rows `gims bench` times: five institutions, ten years, categories).
//!
//!   bench-ledger VAULT_DIR [ROWS]

use gims::api::{Gims, TransactionQuery};
use gims::vault::{SystemKeychain, Unlock};
use std::path::PathBuf;
use std::time::Instant;

static KEYCHAIN: SystemKeychain = SystemKeychain;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let vault = PathBuf::from(args.next().ok_or("usage: bench-ledger VAULT_DIR [ROWS]")?);
    let rows: u32 = args.next().map(|n| n.parse()).transpose()?.unwrap_or(1_000_000);

    if !vault.join(gims::vault::METADATA_FILE).exists() {
        let started = Instant::now();
        gims::api::init(&vault, Unlock::Keychain(&KEYCHAIN))?;
        let csv_path = vault.with_extension("csv");
        // Ten years of history ending this year.
        let start = time::Date::from_calendar_date(2016, time::Month::December, 1)?;
        std::fs::write(&csv_path, gims::bench::export_csv(rows, start))?;
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
