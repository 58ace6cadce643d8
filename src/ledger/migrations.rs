//! Forward-only, numbered schema migrations. `PRAGMA user_version` records the last one applied;
//! each runs in its own transaction, so a ledger is at one version or the next, never between.

use crate::error::{ErrorCode, GimsError, Result};
use rusqlite::Connection;

const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_initial", include_str!("schema/0001_initial.sql")),
    ("0002_refresh", include_str!("schema/0002_refresh.sql")),
    ("0003_household", include_str!("schema/0003_household.sql")),
    ("0004_import_mappings", include_str!("schema/0004_import_mappings.sql")),
    ("0005_reported_balances", include_str!("schema/0005_reported_balances.sql")),
    ("0006_file_connection_accounts", include_str!("schema/0006_file_connection_accounts.sql")),
    ("0007_window_choices", include_str!("schema/0007_window_choices.sql")),
    ("0008_price_per", include_str!("schema/0008_price_per.sql")),
    ("0009_rates", include_str!("schema/0009_rates.sql")),
];

pub const LATEST_SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if current > LATEST_SCHEMA_VERSION {
        return Err(GimsError::new(
            ErrorCode::VaultNewerSchema,
            format!(
                "this ledger has schema version {current}, newer than this GIMS knows ({LATEST_SCHEMA_VERSION}); update GIMS to open it"
            ),
        ));
    }
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(sql).map_err(|e| GimsError::internal(format!("migration {name} failed: {e}")))?;
        if version == 1 {
            super::categories::seed_defaults(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{DatabaseKey, Ledger, test_ledger};

    #[test]
    fn migrating_twice_changes_nothing() {
        let (_dir, mut ledger) = test_ledger();
        let categories =
            |l: &Ledger| -> i64 { l.conn.query_row("SELECT count(*) FROM categories", [], |r| r.get(0)).unwrap() };
        let before = categories(&ledger);
        migrate(&mut ledger.conn).unwrap();
        assert_eq!(categories(&ledger), before);
        assert!(before > 50, "the default household categories are seeded");
    }

    #[test]
    fn a_newer_ledger_is_refused_not_downgraded() {
        let (dir, ledger) = test_ledger();
        ledger.conn.pragma_update(None, "user_version", LATEST_SCHEMA_VERSION + 1).unwrap();
        drop(ledger);
        let error = Ledger::open(&dir.path().join("ledger.db"), DatabaseKey::from_bytes([7; 32])).err().unwrap();
        assert_eq!(error.code, ErrorCode::VaultNewerSchema);
    }
}
