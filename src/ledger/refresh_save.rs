//! The save step of a refresh: what a connector fetched, reconciled into the ledger in ONE
//! SQLite transaction — accounts upserted by the institution's id, one balance snapshot per
//! account per day (and the institution's stated past balances on days without one), transactions deduplicated by the institution's id and cut at the start date,
//! holdings and expiries replaced — together with the run's record and the connection's status.
//! A failure anywhere (a bad amount, a killed process) leaves the ledger as it was.

use super::Ledger;
use super::connections::{StatusUpdate, set_status};
use super::transactions::{NewTransaction, TransactionSource, insert_in};
use crate::error::{ErrorCode, GimsError, Result};
use crate::money::{Amount, Currency, memo_with_exact_amount};
use gims_connectors::FetchedAccount;
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

pub struct SaveRequest<'a> {
    pub connection_id: i64,
    pub run_id: i64,
    /// `YYYY-MM-DD`: rows before it are not imported.
    pub start_date: Option<&'a str>,
    /// `YYYY-MM-DD` at the institution: the date of snapshots without one of their own.
    pub today: &'a str,
    pub now: &'a str,
    pub accounts: &'a [FetchedAccount],
    pub status: StatusUpdate<'a>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SaveOutcome {
    /// New transactions.
    pub added: usize,
    /// Accounts whose balance changed (or that appeared).
    pub updated: usize,
}

impl Ledger {
    pub fn save_refresh(&mut self, request: &SaveRequest<'_>) -> Result<SaveOutcome> {
        let tx = self.conn.transaction()?;
        let mut outcome = SaveOutcome::default();
        let mut seen_accounts = Vec::new();
        let vanished = vanished_accounts(&tx, request)?;
        for fetched in request.accounts {
            let currency = Currency::parse(&fetched.currency).map_err(|e| site_changed(&fetched.name, &e))?;
            let (account_id, created) = upsert_account(&tx, request, fetched, &currency)?;
            seen_accounts.push(account_id);
            // An account renumbered by the institution shows its old history under the new
            // number: rows the old account already holds are not imported twice.
            let predecessor_ids = match created
                .then(|| vanished.iter().find(|v| v.name == fetched.name && v.kind == fetched.kind.as_str()))
            {
                Some(Some(predecessor)) => external_ids(&tx, predecessor.id)?,
                _ => std::collections::HashSet::new(),
            };
            if let Some(balance) = fetched.balance {
                let (minor, inexact) =
                    Amount::from_reported(balance, &currency).map_err(|e| site_changed(&fetched.name, &e))?;
                // Shown as reported (`10.24` BTC, not `10.24000000`; `3000.8401` yen, not rounded).
                let written_otherwise = balance.scale() != currency.exponent() && !balance.is_zero();
                let reported = inexact.or_else(|| written_otherwise.then(|| balance.to_string()));
                let as_of = fetched.balance_as_of.map(|d| d.to_string()).unwrap_or_else(|| request.today.to_string());
                if snapshot_reported(&tx, account_id, minor.minor, reported.as_deref(), &as_of, request)? {
                    outcome.updated += 1;
                }
                record_past_balances(&tx, account_id, fetched, &currency, &as_of, request)?;
            }
            let rows = fetched
                .transactions
                .iter()
                .filter(|t| request.start_date.is_none_or(|start| t.date.to_string().as_str() >= start))
                .filter(|t| t.external_id.as_ref().is_none_or(|id| !predecessor_ids.contains(id)))
                .map(|t| {
                    let (amount, reported) =
                        Amount::from_reported(t.amount, &currency).map_err(|e| site_changed(&fetched.name, &e))?;
                    // Rounded for the ledger's integer sums; the exact figure stays in the memo.
                    let memo = memo_with_exact_amount(&t.memo, reported.as_deref(), &currency);
                    Ok(NewTransaction {
                        date: t.date.to_string(),
                        amount,
                        memo,
                        external_id: t.external_id.clone(),
                        run_id: Some(request.run_id),
                        ..NewTransaction::manual(Some(account_id), &t.description)
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            outcome.added += insert_in(&tx, &rows, TransactionSource::Refresh)?.inserted;
            replace_holdings(&tx, account_id, fetched, request)?;
            record_rates(&tx, fetched, request)?;
            replace_expiries(&tx, account_id, fetched, &currency, request)?;
        }
        close_vanished_accounts(&tx, request, &seen_accounts)?;
        tx.execute(
            "UPDATE refresh_runs SET finished_at = ?2, outcome = 'ok', added = ?3, updated = ?4, message = ?5 WHERE id = ?1",
            params![request.run_id, request.now, outcome.added as i64, outcome.updated as i64, request.status.message],
        )?;
        tx.execute(
            "UPDATE connections SET last_fetched_at = ?2 WHERE id = ?1",
            params![request.connection_id, request.now],
        )?;
        set_status(&tx, request.connection_id, &request.status)?;
        pause_for_crash_tests();
        tx.commit()?;
        Ok(outcome)
    }
}

fn site_changed(account: &str, problem: &str) -> GimsError {
    GimsError::new(
        ErrorCode::RefreshSiteChanged,
        format!("the institution reported something GIMS cannot store for {account} ({problem}); nothing was saved"),
    )
}

fn upsert_account(
    tx: &rusqlite::Transaction<'_>,
    request: &SaveRequest<'_>,
    fetched: &FetchedAccount,
    currency: &Currency,
) -> Result<(i64, bool)> {
    let existing: Option<i64> = tx
        .query_row(
            "SELECT id FROM accounts WHERE connection_id = ?1 AND external_id = ?2",
            params![request.connection_id, fetched.external_id],
            |row| row.get(0),
        )
        .optional()?;
    match existing {
        Some(id) => {
            // An account that reappears (after a migration back, or a site hiccup) is open again.
            tx.execute(
                "UPDATE accounts SET kind = ?2, currency = ?3, closed_at = NULL WHERE id = ?1",
                params![id, fetched.kind.as_str(), currency.code()],
            )?;
            Ok((id, false))
        }
        None => {
            tx.execute(
                "INSERT INTO accounts (connection_id, external_id, name, kind, currency, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    request.connection_id,
                    fetched.external_id,
                    fetched.name,
                    fetched.kind.as_str(),
                    currency.code(),
                    request.now
                ],
            )?;
            Ok((tx.last_insert_rowid(), true))
        }
    }
}

/// The institution's own past balances (a bank's month ends), before `as_of` and not before the
/// start date, on days GIMS recorded nothing itself: what GIMS saw is never overwritten.
fn record_past_balances(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    fetched: &FetchedAccount,
    currency: &Currency,
    as_of: &str,
    request: &SaveRequest<'_>,
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO balance_snapshots (account_id, as_of, balance, recorded_at, run_id, reported) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account_id, as_of) DO NOTHING",
    )?;
    for past in &fetched.past_balances {
        let date = past.date.to_string();
        if date.as_str() >= as_of || request.start_date.is_some_and(|start| date.as_str() < start) {
            continue;
        }
        let (minor, reported) =
            Amount::from_reported(past.balance, currency).map_err(|e| site_changed(&fetched.name, &e))?;
        insert.execute(params![account_id, date, minor.minor, request.now, request.run_id, reported])?;
    }
    Ok(())
}

/// Stores today's balance; returns whether it differs from the latest one known.
fn snapshot(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    balance: i64,
    as_of: &str,
    request: &SaveRequest<'_>,
) -> Result<bool> {
    snapshot_reported(tx, account_id, balance, None, as_of, request)
}

/// `snapshot` with the balance's exact text when it has more places than its currency.
fn snapshot_reported(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    balance: i64,
    reported: Option<&str>,
    as_of: &str,
    request: &SaveRequest<'_>,
) -> Result<bool> {
    let latest: Option<(i64, Option<String>)> = tx
        .query_row(
            "SELECT balance, reported FROM balance_snapshots WHERE account_id = ?1 ORDER BY as_of DESC, id DESC LIMIT 1",
            [account_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    tx.execute(
        "INSERT INTO balance_snapshots (account_id, as_of, balance, recorded_at, run_id, reported) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account_id, as_of) DO UPDATE SET balance = excluded.balance, recorded_at = excluded.recorded_at, run_id = excluded.run_id, reported = excluded.reported",
        params![account_id, as_of, balance, request.now, request.run_id, reported],
    )?;
    Ok(latest != Some((balance, reported.map(str::to_string))))
}

/// An account in a coin or another currency whose institution priced its own currency in yen (an
/// exchange's ticker): that price is the day's rate, so that net worth can count the account.
fn record_rates(tx: &rusqlite::Transaction<'_>, fetched: &FetchedAccount, request: &SaveRequest<'_>) -> Result<()> {
    if fetched.currency == "JPY" {
        return Ok(());
    }
    let priced = fetched.holdings.iter().find(|h| h.currency == "JPY" && h.code.as_deref() == Some(&fetched.currency));
    let Some(price) =
        priced.and_then(|holding| holding.price).filter(|price| price.is_sign_positive() && !price.is_zero())
    else {
        return Ok(());
    };
    let institution: String =
        tx.query_row("SELECT institution_id FROM connections WHERE id = ?1", [request.connection_id], |r| r.get(0))?;
    let row = super::rates::RateRow {
        currency: fetched.currency.clone(),
        rate: price.normalize().to_string(),
        as_of: request.today.to_string(),
        source: if fetched.kind == gims_connectors::AccountKind::Crypto { "exchange" } else { "institution" }.into(),
        source_detail: Some(institution),
    };
    super::rates::record_rate_in(tx, &row, request.now)
}

fn replace_holdings(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    fetched: &FetchedAccount,
    request: &SaveRequest<'_>,
) -> Result<()> {
    tx.execute("DELETE FROM holdings WHERE account_id = ?1 AND as_of = ?2", params![account_id, request.today])?;
    for holding in &fetched.holdings {
        let currency = Currency::parse(&holding.currency).map_err(|e| site_changed(&holding.asset, &e))?;
        let minor = |value: Option<rust_decimal::Decimal>| -> Result<Option<i64>> {
            value
                .map(|v| {
                    Amount::from_decimal_rounded(v, &currency)
                        .map(|a| a.minor)
                        .map_err(|e| site_changed(&holding.asset, &e))
                })
                .transpose()
        };
        tx.execute(
            "INSERT INTO holdings (account_id, asset, asset_code, quantity, price, price_per, value, cost, currency, as_of, run_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                account_id,
                holding.asset,
                holding.code,
                holding.quantity.to_string(),
                holding.price.map(|p| p.to_string()),
                holding.price_per,
                minor(holding.value)?,
                minor(holding.cost)?,
                currency.code(),
                request.today,
                request.run_id
            ],
        )?;
    }
    Ok(())
}

fn replace_expiries(
    tx: &rusqlite::Transaction<'_>,
    account_id: i64,
    fetched: &FetchedAccount,
    currency: &Currency,
    request: &SaveRequest<'_>,
) -> Result<()> {
    tx.execute("DELETE FROM expiries WHERE account_id = ?1", [account_id])?;
    for expiry in &fetched.expiries {
        let amount = Amount::from_decimal(expiry.amount, currency).map_err(|e| site_changed(&fetched.name, &e))?;
        tx.execute(
            "INSERT INTO expiries (account_id, expires_on, amount, as_of) VALUES (?1, ?2, ?3, ?4)",
            params![account_id, expiry.expires_on.to_string(), amount.minor, request.today],
        )?;
    }
    Ok(())
}

struct VanishedAccount {
    id: i64,
    name: String,
    kind: String,
}

/// Open accounts of this connection that the institution did not report this time.
fn vanished_accounts(tx: &rusqlite::Transaction<'_>, request: &SaveRequest<'_>) -> Result<Vec<VanishedAccount>> {
    let mut statement = tx.prepare(
        "SELECT id, name, kind, external_id FROM accounts WHERE connection_id = ?1 AND closed_at IS NULL ORDER BY id",
    )?;
    let rows = statement.query_map([request.connection_id], |row| {
        Ok((
            VanishedAccount { id: row.get(0)?, name: row.get(1)?, kind: row.get(2)? },
            row.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut vanished = Vec::new();
    for row in rows {
        let (account, external_id) = row?;
        let reported = request.accounts.iter().any(|a| Some(&a.external_id) == external_id.as_ref());
        if !reported {
            vanished.push(account);
        }
    }
    Ok(vanished)
}

fn external_ids(tx: &rusqlite::Transaction<'_>, account_id: i64) -> Result<std::collections::HashSet<String>> {
    let mut statement =
        tx.prepare("SELECT external_id FROM transactions WHERE account_id = ?1 AND external_id IS NOT NULL")?;
    let ids = statement.query_map([account_id], |row| row.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// An account the institution no longer lists (its number changed, it was closed) keeps its
/// history and goes to zero, so totals do not count money that is no longer there.
fn close_vanished_accounts(tx: &rusqlite::Transaction<'_>, request: &SaveRequest<'_>, seen: &[i64]) -> Result<()> {
    let mut statement = tx.prepare("SELECT id FROM accounts WHERE connection_id = ?1 AND closed_at IS NULL")?;
    let open: Vec<i64> =
        statement.query_map([request.connection_id], |row| row.get(0))?.collect::<rusqlite::Result<_>>()?;
    for id in open.into_iter().filter(|id| !seen.contains(id)) {
        snapshot(tx, id, 0, request.today, request)?;
        tx.execute("UPDATE accounts SET closed_at = ?2 WHERE id = ?1", params![id, request.today])?;
    }
    Ok(())
}

/// Crash-safety tests kill the process here, inside the save transaction: set
/// `GIMS_TEST_PAUSE_IN_SAVE` to a path, and GIMS creates that file and waits before committing.
fn pause_for_crash_tests() {
    if let Some(marker) = std::env::var_os("GIMS_TEST_PAUSE_IN_SAVE") {
        let _ = std::fs::write(&marker, b"saving");
        std::thread::sleep(std::time::Duration::from_secs(60));
    }
}
