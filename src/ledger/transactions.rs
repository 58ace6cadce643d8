//! Transactions: inserted in batches inside one SQLite transaction (all or nothing), deduplicated
//! by the institution's or file's own id per account, and listed with their category names.

use super::Ledger;
use super::categories;
use crate::error::Result;
use crate::money::{Amount, Currency};
use rusqlite::{params, params_from_iter, types::Value};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransactionSource {
    Manual,
    Refresh,
    Import,
}

impl TransactionSource {
    pub fn as_str(self) -> &'static str {
        match self {
            TransactionSource::Manual => "manual",
            TransactionSource::Refresh => "refresh",
            TransactionSource::Import => "import",
        }
    }
}

/// One transaction to insert. `date` is `YYYY-MM-DD`, already validated by the caller.
#[derive(Clone, Debug)]
pub struct NewTransaction {
    pub account_id: Option<i64>,
    pub date: String,
    pub amount: Amount,
    pub description: String,
    pub memo: String,
    /// `None`: 未分類.
    pub category_id: Option<i64>,
    pub transfer: bool,
    pub included: bool,
    pub external_id: Option<String>,
    pub run_id: Option<i64>,
}

impl NewTransaction {
    /// A plain manual row; fill in the rest with struct update syntax.
    pub fn manual(account_id: Option<i64>, description: &str) -> Self {
        NewTransaction {
            account_id,
            date: String::new(),
            amount: Amount::from_minor(0, Currency::jpy()),
            description: description.into(),
            memo: String::new(),
            category_id: None,
            transfer: false,
            included: true,
            external_id: None,
            run_id: None,
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InsertOutcome {
    pub inserted: usize,
    /// Rows whose external id was already in the account: skipped, not overwritten.
    pub duplicates: usize,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransactionRow {
    pub id: i64,
    pub account_id: Option<i64>,
    pub date: String,
    /// Exact decimal string in `currency`.
    pub amount: String,
    pub currency: String,
    pub description: String,
    pub memo: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub transfer: bool,
    pub included: bool,
    pub source: String,
}

#[derive(Clone, Debug, Default)]
pub struct TransactionFilter {
    pub account_id: Option<i64>,
    /// A category, with its 中項目 when it is a 大項目.
    pub category_id: Option<i64>,
    /// Only these accounts (a group's; `0` is cash without an account).
    pub account_ids: Option<Vec<i64>>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u32>,
}

impl Ledger {
    /// Inserts all rows or none. Rows whose `(account, external_id)` already exists are counted
    /// as duplicates; rows without an external id are always inserted (two identical same-day
    /// purchases are two purchases).
    pub fn insert_transactions(&mut self, rows: &[NewTransaction], source: TransactionSource) -> Result<InsertOutcome> {
        let tx = self.conn.transaction()?;
        let outcome = insert_in(&tx, rows, source)?;
        tx.commit()?;
        Ok(outcome)
    }

    pub fn transaction(&self, id: i64) -> Result<Option<TransactionRow>> {
        let mut rows = self.query_transactions("WHERE t.id = ?", vec![Value::Integer(id)], None, None)?;
        Ok(rows.pop())
    }

    pub fn transactions(&self, filter: &TransactionFilter) -> Result<Vec<TransactionRow>> {
        let mut conditions = Vec::new();
        let mut values = Vec::new();
        if let Some(account_id) = filter.account_id {
            conditions.push("t.account_id = ?");
            values.push(Value::Integer(account_id));
        }
        if let Some(category) = filter.category_id {
            conditions.push("t.category_id IN (SELECT id FROM categories WHERE id = ? OR parent_id = ?)");
            values.push(Value::Integer(category));
            values.push(Value::Integer(category));
        }
        if let Some(ids) = &filter.account_ids {
            conditions.push("coalesce(t.account_id, 0) IN (SELECT value FROM json_each(?))");
            values.push(Value::Text(serde_json::to_string(ids).map_err(crate::error::GimsError::internal)?));
        }
        if let Some(from) = &filter.from {
            conditions.push("t.date >= ?");
            values.push(Value::Text(from.clone()));
        }
        if let Some(to) = &filter.to {
            conditions.push("t.date <= ?");
            values.push(Value::Text(to.clone()));
        }
        let clause = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        self.query_transactions(&clause, values, filter.limit, filter.offset)
    }

    fn query_transactions(
        &self,
        clause: &str,
        values: Vec<Value>,
        limit: Option<u32>,
        offset: Option<u32>,
    ) -> Result<Vec<TransactionRow>> {
        let clause = match (limit, offset) {
            (None, None) => clause.to_string(),
            // A page is chosen in the index alone ((date) or (account_id, date) hold the row id):
            // skipping half a million rows then reads no row and no category.
            (limit, offset) => format!(
                "WHERE t.id IN (SELECT t.id FROM transactions t {clause}
                                ORDER BY t.date DESC, t.id DESC LIMIT {} OFFSET {})",
                limit.map_or(-1, i64::from),
                offset.unwrap_or(0)
            ),
        };
        let sql = format!(
            "SELECT t.id, t.account_id, t.date, t.amount, t.currency, t.description, t.memo,
                    coalesce(p.name, c.name), CASE WHEN p.id IS NULL THEN NULL ELSE c.name END,
                    t.transfer, t.included, t.source
             FROM transactions t
             JOIN categories c ON c.id = t.category_id
             LEFT JOIN categories p ON p.id = c.parent_id
             {clause}
             ORDER BY t.date DESC, t.id DESC"
        );
        let mut statement = self.conn.prepare(&sql)?;
        let rows = statement.query_map(params_from_iter(values), |row| {
            let currency_text: String = row.get(4)?;
            let amount = match Currency::parse(&currency_text) {
                Ok(currency) => Amount::from_minor(row.get(3)?, currency).to_decimal_string(),
                Err(_) => row.get::<_, i64>(3)?.to_string(),
            };
            Ok(TransactionRow {
                id: row.get(0)?,
                account_id: row.get(1)?,
                date: row.get(2)?,
                amount,
                currency: currency_text,
                description: row.get(5)?,
                memo: row.get(6)?,
                category: row.get(7)?,
                subcategory: row.get(8)?,
                transfer: row.get(9)?,
                included: row.get(10)?,
                source: row.get(11)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

pub(crate) fn insert_in(
    conn: &rusqlite::Connection,
    rows: &[NewTransaction],
    source: TransactionSource,
) -> Result<InsertOutcome> {
    insert_noting_duplicates_in(conn, rows, source, &mut Vec::new())
}

/// [`insert_in`], also pushing onto `duplicate_rows` the index (in `rows`) of every row that was
/// already there: an import's preview marks those rows from the very insert it rolls back.
pub(crate) fn insert_noting_duplicates_in(
    conn: &rusqlite::Connection,
    rows: &[NewTransaction],
    source: TransactionSource,
    duplicate_rows: &mut Vec<usize>,
) -> Result<InsertOutcome> {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let uncategorised = categories::uncategorised_id(conn)?;
    let rules = super::rules::RuleSet::load(conn)?;
    let mut statement = conn.prepare_cached(
        "INSERT INTO transactions
            (account_id, date, amount, currency, description, memo, category_id, transfer, included, source, external_id, run_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
         ON CONFLICT (account_id, external_id) WHERE external_id IS NOT NULL DO NOTHING",
    )?;
    let mut outcome = InsertOutcome::default();
    let mut totals = MonthTotals::default();
    for (index, row) in rows.iter().enumerate() {
        let (category_id, transfer, included) = rules.apply(row);
        let category_id = category_id.unwrap_or(uncategorised);
        let changed = statement.execute(params![
            row.account_id,
            row.date,
            row.amount.minor,
            row.amount.currency.code(),
            row.description,
            row.memo,
            category_id,
            transfer,
            included,
            source.as_str(),
            row.external_id,
            row.run_id,
            now,
        ])?;
        if changed == 1 {
            outcome.inserted += 1;
            totals.add(row, category_id, included && !transfer);
        } else {
            outcome.duplicates += 1;
            duplicate_rows.push(index);
        }
    }
    totals.save(conn)?;
    Ok(outcome)
}

/// What a batch adds to the per-month totals (`month_totals`), written once per key at the end
/// of the batch, inside the same SQLite transaction as the rows.
#[derive(Default)]
struct MonthTotals<'a> {
    sums: std::collections::HashMap<MonthKey<'a>, (i64, i64, i64)>,
}

/// (account or 0, `YYYY-MM`, currency, category, counted) → (money in, money out, rows).
type MonthKey<'a> = (i64, &'a str, &'a str, i64, bool);

impl<'a> MonthTotals<'a> {
    fn add(&mut self, row: &'a NewTransaction, category_id: i64, counted: bool) {
        let month = row.date.get(..7).unwrap_or(&row.date);
        let key = (row.account_id.unwrap_or(0), month, row.amount.currency.code(), category_id, counted);
        let entry = self.sums.entry(key).or_default();
        entry.0 += row.amount.minor.max(0);
        entry.1 += row.amount.minor.min(0);
        entry.2 += 1;
    }

    fn save(self, conn: &rusqlite::Connection) -> Result<()> {
        let mut upsert = conn.prepare_cached(
            "INSERT INTO month_totals (account_id, month, currency, category_id, counted, money_in, money_out, rows)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT DO UPDATE SET money_in = money_in + excluded.money_in,
                                       money_out = money_out + excluded.money_out,
                                       rows = rows + excluded.rows",
        )?;
        for ((account, month, currency, category, counted), (money_in, money_out, rows)) in self.sums {
            upsert.execute(params![account, month, currency, category, counted, money_in, money_out, rows])?;
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ledger::{NewManualAccount, test_ledger};
    use gims_connectors::AccountKind;

    fn account(ledger: &mut Ledger) -> i64 {
        ledger
            .add_manual_account(
                &NewManualAccount {
                    name: "普通預金".into(),
                    kind: AccountKind::Bank,
                    opening_balance: Amount::from_minor(0, Currency::jpy()),
                },
                "2026-11-01T00:00:00Z",
            )
            .unwrap()
            .id
    }

    fn purchase(account_id: i64, external_id: &str) -> NewTransaction {
        NewTransaction {
            date: "2026-11-03".into(),
            amount: Amount::from_minor(-540, Currency::jpy()),
            external_id: Some(external_id.into()),
            ..NewTransaction::manual(Some(account_id), "セブンイレブン")
        }
    }

    #[test]
    fn the_same_external_id_is_a_duplicate_but_identical_purchases_both_survive() {
        let (_dir, mut ledger) = test_ledger();
        let id = account(&mut ledger);
        let first =
            ledger.insert_transactions(&[purchase(id, "A1"), purchase(id, "A2")], TransactionSource::Refresh).unwrap();
        assert_eq!(first, InsertOutcome { inserted: 2, duplicates: 0 });
        let again = ledger
            .insert_transactions(
                &[purchase(id, "A1"), purchase(id, "A2"), purchase(id, "A3")],
                TransactionSource::Refresh,
            )
            .unwrap();
        assert_eq!(again, InsertOutcome { inserted: 1, duplicates: 2 });
        let listed = ledger.transactions(&TransactionFilter { account_id: Some(id), ..Default::default() }).unwrap();
        assert_eq!(listed.len(), 3);
        assert!(listed.iter().all(|t| t.amount == "-540" && t.category == "未分類" && t.subcategory.is_none()));
    }

    /// The per-month totals the reports read, recomputed from the rows.
    pub(crate) fn assert_month_totals_match_rows(ledger: &Ledger) {
        type Line = (i64, String, String, i64, bool, i64, i64, i64);
        let query = |sql: &str| -> Vec<Line> {
            let mut statement = ledger.conn.prepare(sql).unwrap();
            statement
                .query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
                })
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let kept = query(
            "SELECT account_id, month, currency, category_id, counted, money_in, money_out, rows FROM month_totals
             WHERE rows > 0 ORDER BY 1, 2, 3, 4, 5",
        );
        let recomputed = query(
            "SELECT coalesce(account_id, 0), substr(date, 1, 7), currency, category_id, included = 1 AND transfer = 0,
                    sum(max(amount, 0)), sum(min(amount, 0)), count(*)
             FROM transactions GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5",
        );
        assert_eq!(kept, recomputed);
    }

    #[test]
    fn month_totals_follow_inserts_duplicates_edits_and_deletes() {
        let (_dir, mut ledger) = test_ledger();
        let id = account(&mut ledger);
        let rows = [
            purchase(id, "M1"),
            purchase(id, "M2"),
            NewTransaction { date: "2026-12-01".into(), ..purchase(id, "M3") },
        ];
        ledger.insert_transactions(&rows, TransactionSource::Refresh).unwrap();
        ledger.insert_transactions(&rows, TransactionSource::Refresh).unwrap();
        assert_month_totals_match_rows(&ledger);
        let first: i64 = ledger.conn.query_row("SELECT min(id) FROM transactions", [], |r| r.get(0)).unwrap();
        ledger.edit_transaction(first, &TransactionEdit { transfer: Some(true), ..Default::default() }).unwrap();
        ledger
            .conn
            .execute("UPDATE transactions SET date = '2027-01-02', amount = 99 WHERE id = ?1", [first + 1])
            .unwrap();
        ledger.conn.execute("DELETE FROM transactions WHERE id = ?1", [first + 2]).unwrap();
        assert_month_totals_match_rows(&ledger);
    }

    #[test]
    fn a_failing_row_leaves_the_whole_batch_out() {
        let (_dir, mut ledger) = test_ledger();
        let id = account(&mut ledger);
        let mut bad = purchase(id, "B2");
        bad.account_id = Some(id + 100); // no such account: the foreign key refuses it
        let result = ledger.insert_transactions(&[purchase(id, "B1"), bad], TransactionSource::Import);
        assert!(result.is_err());
        assert!(ledger.transactions(&TransactionFilter::default()).unwrap().is_empty());
    }

    #[test]
    fn listing_filters_by_date_and_orders_newest_first() {
        let (_dir, mut ledger) = test_ledger();
        let id = account(&mut ledger);
        let rows: Vec<_> = ["2026-10-31", "2026-11-01", "2026-11-30", "2026-12-01"]
            .iter()
            .map(|date| NewTransaction { date: (*date).into(), ..purchase(id, date) })
            .collect();
        ledger.insert_transactions(&rows, TransactionSource::Import).unwrap();
        let november = ledger
            .transactions(&TransactionFilter {
                from: Some("2026-11-01".into()),
                to: Some("2026-11-30".into()),
                ..Default::default()
            })
            .unwrap();
        let dates: Vec<_> = november.iter().map(|t| t.date.as_str()).collect();
        assert_eq!(dates, ["2026-11-30", "2026-11-01"]);
        let limited = ledger.transactions(&TransactionFilter { limit: Some(1), ..Default::default() }).unwrap();
        assert_eq!(limited[0].date, "2026-12-01");
        let page =
            ledger.transactions(&TransactionFilter { limit: Some(2), offset: Some(1), ..Default::default() }).unwrap();
        let dates: Vec<_> = page.iter().map(|t| t.date.as_str()).collect();
        assert_eq!(dates, ["2026-11-30", "2026-11-01"]);
    }
}

/// What the user changes on one transaction; `None` leaves a field as it is. Institution data
/// (date, amount, description) is not editable: a refresh would contradict it.
#[derive(Clone, Debug, Default)]
pub struct TransactionEdit {
    pub category_id: Option<i64>,
    pub transfer: Option<bool>,
    pub included: Option<bool>,
    pub memo: Option<String>,
}

impl Ledger {
    pub fn edit_transaction(&mut self, id: i64, edit: &TransactionEdit) -> Result<Option<TransactionRow>> {
        let tx = self.conn.transaction()?;
        let exists: bool =
            tx.query_row("SELECT count(*) > 0 FROM transactions WHERE id = ?1", [id], |row| row.get(0))?;
        if !exists {
            return Ok(None);
        }
        if let Some(category_id) = edit.category_id {
            tx.execute("UPDATE transactions SET category_id = ?2 WHERE id = ?1", params![id, category_id])?;
        }
        if let Some(transfer) = edit.transfer {
            tx.execute("UPDATE transactions SET transfer = ?2 WHERE id = ?1", params![id, transfer])?;
        }
        if let Some(included) = edit.included {
            tx.execute("UPDATE transactions SET included = ?2 WHERE id = ?1", params![id, included])?;
        }
        if let Some(memo) = &edit.memo {
            tx.execute("UPDATE transactions SET memo = ?2 WHERE id = ?1", params![id, memo])?;
        }
        tx.commit()?;
        self.transaction(id)
    }
}
