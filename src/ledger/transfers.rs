//! Transfers (振替): money moving between the user's own accounts counts as neither income nor
//! spending. GIMS suggests pairs (the same amount leaving one account and arriving in another
//! within a few days) with the reason it thinks so; the user confirms (a mark), and can undo it.
//! A one-sided transfer (the other account is not linked) can be marked too.

use super::Ledger;
use crate::error::{GimsError, Result};
use crate::money::{Amount, Currency};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// How far apart (in days) the two sides of a transfer may be booked.
pub const WINDOW_DAYS: i64 = 3;

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferSuggestion {
    pub out_tx: i64,
    /// `None`: one-sided, the other account is not linked.
    pub in_tx: Option<i64>,
    pub amount: String,
    pub currency: String,
    pub out_account: String,
    pub in_account: Option<String>,
    pub out_date: String,
    pub in_date: Option<String>,
    pub out_description: String,
    pub in_description: Option<String>,
    /// The reason in English words (the command line's).
    pub reason: String,
    /// The same reason as data, for the window to say in the user's language.
    pub why: TransferWhy,
}

/// Why the core thinks rows are a transfer.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TransferWhy {
    /// The same amount left one account and arrived in another, `days_apart` days later.
    Pair { kind: PairKind, days_apart: i64 },
    /// The row's description names one of the user's own kinds of account (`word`: カード,
    /// チャージ, 振替 or 証券) and no linked account received it.
    OneSided { word: String },
}

/// What kind of move two account kinds make.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PairKind {
    CardSettlement,
    OwnAccounts,
    EmoneyCharge,
    Securities,
    LoanRepayment,
    SameAmount,
}

/// One row of a marked transfer, as the user knows it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferSide {
    pub transaction: i64,
    pub date: String,
    /// `None`: cash without an account.
    pub account: Option<String>,
    pub description: String,
    /// Signed, as booked.
    pub amount: String,
    pub currency: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TransferMark {
    pub id: i64,
    pub out_tx: i64,
    pub in_tx: Option<i64>,
    /// The user's own words when marking from the command line; empty otherwise.
    pub reason: String,
    pub created_at: String,
    /// The row money left; `None` only if the transaction is gone.
    pub out_side: Option<TransferSide>,
    /// The row money arrived in; `None` for a one-sided transfer.
    pub in_side: Option<TransferSide>,
}

struct Candidate {
    id: i64,
    account_id: i64,
    account: String,
    kind: String,
    date: String,
    day: i64,
    amount: i64,
    currency: String,
    description: String,
}

/// Words in a bank row's description that mean money went to an account of the user's own.
const ONE_SIDED_HINTS: &[(&str, &str)] = &[
    ("カード", "カード"),
    ("ｶｰﾄﾞ", "カード"),
    ("チャージ", "チャージ"),
    ("ﾁｬｰｼﾞ", "チャージ"),
    ("振替", "振替"),
    ("証券", "証券"),
    ("ｼｮｳｹﾝ", "証券"),
];

impl Ledger {
    /// Suggested transfers among rows dated `from`..=`to` that are not transfers yet, were not
    /// dismissed, and count in totals.
    pub fn suggest_transfers(&self, from: &str, to: &str) -> Result<Vec<TransferSuggestion>> {
        let mut statement = self.conn.prepare(
            "SELECT t.id, t.account_id, a.name, a.kind, t.date, julianday(t.date), t.amount, t.currency, t.description
             FROM transactions t JOIN accounts a ON a.id = t.account_id
             WHERE t.date BETWEEN date(?1, ?3) AND date(?2, ?4) AND t.transfer = 0 AND t.amount <> 0
             ORDER BY t.date, t.id",
        )?;
        let window = (format!("-{WINDOW_DAYS} days"), format!("+{WINDOW_DAYS} days"));
        let rows: Vec<Candidate> = statement
            .query_map(params![from, to, window.0, window.1], |r| {
                Ok(Candidate {
                    id: r.get(0)?,
                    account_id: r.get(1)?,
                    account: r.get(2)?,
                    kind: r.get(3)?,
                    date: r.get(4)?,
                    day: r.get::<_, f64>(5)? as i64,
                    amount: r.get(6)?,
                    currency: r.get(7)?,
                    description: r.get(8)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let dismissed: HashSet<(i64, i64)> = self
            .conn
            .prepare("SELECT out_tx, in_tx FROM transfer_dismissals")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;

        let mut arrivals: HashMap<(&str, i64), Vec<usize>> = HashMap::new();
        for (index, row) in rows.iter().enumerate() {
            if row.amount > 0 {
                arrivals.entry((row.currency.as_str(), row.amount)).or_default().push(index);
            }
        }
        let mut used = HashSet::new();
        let mut suggestions = Vec::new();
        for out in rows.iter().filter(|r| r.amount < 0 && r.date.as_str() >= from && r.date.as_str() <= to) {
            let best = arrivals.get(&(out.currency.as_str(), -out.amount)).and_then(|indexes| {
                indexes
                    .iter()
                    .map(|&i| &rows[i])
                    .filter(|arrival| {
                        arrival.account_id != out.account_id
                            && (arrival.day - out.day).abs() <= WINDOW_DAYS
                            && !used.contains(&arrival.id)
                            && !dismissed.contains(&(out.id, arrival.id))
                    })
                    .min_by_key(|arrival| ((arrival.day - out.day).abs(), arrival.id))
            });
            let amount = Currency::parse(&out.currency)
                .map(|c| Amount::from_minor(-out.amount, c))
                .map_err(GimsError::internal)?;
            match best {
                Some(arrival) => {
                    used.insert(arrival.id);
                    let days = (arrival.day - out.day).abs();
                    let when = if days == 0 { "the same day".to_string() } else { format!("{days} day(s) apart") };
                    let kind = pair_kind(&out.kind, &arrival.kind);
                    suggestions.push(TransferSuggestion {
                        out_tx: out.id,
                        in_tx: Some(arrival.id),
                        amount: amount.to_decimal_string(),
                        currency: out.currency.clone(),
                        out_account: out.account.clone(),
                        in_account: Some(arrival.account.clone()),
                        out_date: out.date.clone(),
                        in_date: Some(arrival.date.clone()),
                        out_description: out.description.clone(),
                        in_description: Some(arrival.description.clone()),
                        reason: format!(
                            "{}: {} left {} and the same amount arrived in {}, {when}",
                            kind.words(),
                            crate::money::format_for_people(&amount),
                            out.account,
                            arrival.account
                        ),
                        why: TransferWhy::Pair { kind, days_apart: days },
                    });
                }
                None => {
                    if let Some((_, word)) = ONE_SIDED_HINTS.iter().find(|(hint, _)| out.description.contains(hint)) {
                        if dismissed.contains(&(out.id, out.id)) {
                            continue;
                        }
                        suggestions.push(TransferSuggestion {
                            out_tx: out.id,
                            in_tx: None,
                            amount: amount.to_decimal_string(),
                            currency: out.currency.clone(),
                            out_account: out.account.clone(),
                            in_account: None,
                            out_date: out.date.clone(),
                            in_date: None,
                            out_description: out.description.clone(),
                            in_description: None,
                            reason: format!(
                                "「{}」mentions {word}: likely a payment to an account of yours that is not linked",
                                out.description
                            ),
                            why: TransferWhy::OneSided { word: (*word).to_string() },
                        });
                    }
                }
            }
        }
        Ok(suggestions)
    }

    /// Marks a transfer: both rows (or the one row of a one-sided transfer) stop counting as
    /// income or spending. Undo with [`Ledger::undo_transfer`].
    pub fn mark_transfer(&mut self, out_tx: i64, in_tx: Option<i64>, reason: &str, now: &str) -> Result<TransferMark> {
        let tx = self.conn.transaction()?;
        let row = |id: i64| -> Result<(i64, Option<i64>, String, bool)> {
            tx.query_row("SELECT amount, account_id, currency, transfer FROM transactions WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?
            .ok_or_else(|| GimsError::invalid("transaction", format!("there is no transaction {id}")))
        };
        let (out_amount, out_account, out_currency, out_marked) = row(out_tx)?;
        if out_marked {
            return Err(GimsError::invalid("transaction", format!("transaction {out_tx} is already a transfer")));
        }
        if let Some(in_tx) = in_tx {
            let (in_amount, in_account, in_currency, in_marked) = row(in_tx)?;
            if in_marked {
                return Err(GimsError::invalid("transaction", format!("transaction {in_tx} is already a transfer")));
            }
            if in_currency != out_currency || in_amount != -out_amount || in_tx == out_tx {
                return Err(GimsError::invalid(
                    "transaction",
                    format!("transactions {out_tx} and {in_tx} are not the same amount moving in opposite directions"),
                ));
            }
            if in_account == out_account {
                return Err(GimsError::invalid("transaction", "a transfer moves money between two different accounts"));
            }
        }
        // The mark names the side money left as `out_tx`.
        let (out_tx, in_tx) = match in_tx {
            Some(in_tx) if out_amount > 0 => (in_tx, Some(out_tx)),
            other => (out_tx, other),
        };
        tx.execute(
            "INSERT INTO transfer_marks (out_tx, in_tx, reason, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![out_tx, in_tx, reason, now],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute("UPDATE transactions SET transfer = 1 WHERE id = ?1 OR id = ?2", params![out_tx, in_tx])?;
        let mark = read_marks(&tx, "WHERE m.id = ?1", [id])?.pop();
        tx.commit()?;
        mark.ok_or_else(|| GimsError::internal("the mark just made is missing"))
    }

    /// Undoes a transfer mark, found by its id or either of its transactions: the rows count in
    /// income and spending again.
    pub fn undo_transfer(&mut self, transaction_id: i64) -> Result<TransferMark> {
        let tx = self.conn.transaction()?;
        let mark =
            read_marks(&tx, "WHERE m.out_tx = ?1 OR m.in_tx = ?1", [transaction_id])?.pop().ok_or_else(|| {
                GimsError::invalid(
                    "transaction",
                    format!("transaction {transaction_id} is not part of a marked transfer"),
                )
            })?;
        tx.execute("DELETE FROM transfer_marks WHERE id = ?1", [mark.id])?;
        tx.execute("UPDATE transactions SET transfer = 0 WHERE id = ?1 OR id = ?2", params![mark.out_tx, mark.in_tx])?;
        tx.commit()?;
        Ok(mark)
    }

    /// "Not a transfer": the pair (or, with no `in_tx`, the one-sided hint) is not suggested again.
    pub fn dismiss_transfer(&mut self, out_tx: i64, in_tx: Option<i64>) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO transfer_dismissals (out_tx, in_tx) VALUES (?1, ?2)",
            params![out_tx, in_tx.unwrap_or(out_tx)],
        )?;
        Ok(())
    }

    pub fn transfer_marks(&self) -> Result<Vec<TransferMark>> {
        read_marks(&self.conn, "ORDER BY m.id DESC", [])
    }
}

/// Marks with the date, account, description and amount of each of their rows, in one read;
/// `tail` filters or orders (`m` is the mark).
fn read_marks(conn: &rusqlite::Connection, tail: &str, params: impl rusqlite::Params) -> Result<Vec<TransferMark>> {
    let mut statement = conn.prepare(&format!(
        "SELECT m.id, m.out_tx, m.in_tx, m.reason, m.created_at,
                o.date, oa.name, o.description, o.amount, o.currency,
                i.date, ia.name, i.description, i.amount, i.currency
         FROM transfer_marks m
         LEFT JOIN transactions o ON o.id = m.out_tx LEFT JOIN accounts oa ON oa.id = o.account_id
         LEFT JOIN transactions i ON i.id = m.in_tx LEFT JOIN accounts ia ON ia.id = i.account_id
         {tail}"
    ))?;
    let mut rows = statement.query(params)?;
    let mut marks = Vec::new();
    while let Some(r) = rows.next()? {
        // The side's columns from `first` on, or `None` when the transaction is gone.
        let side = |id: Option<i64>, first: usize| -> Result<Option<TransferSide>> {
            let (Some(transaction), Some(date)) = (id, r.get::<_, Option<String>>(first)?) else { return Ok(None) };
            let currency: String = r.get(first + 4)?;
            let minor: i64 = r.get(first + 3)?;
            let amount =
                Currency::parse(&currency).map(|c| Amount::from_minor(minor, c)).map_err(GimsError::internal)?;
            Ok(Some(TransferSide {
                transaction,
                date,
                account: r.get(first + 1)?,
                description: r.get(first + 2)?,
                amount: amount.to_decimal_string(),
                currency,
            }))
        };
        let (out_tx, in_tx): (i64, Option<i64>) = (r.get(1)?, r.get(2)?);
        marks.push(TransferMark {
            id: r.get(0)?,
            out_tx,
            in_tx,
            reason: r.get(3)?,
            created_at: r.get(4)?,
            out_side: side(Some(out_tx), 5)?,
            in_side: side(in_tx, 10)?,
        });
    }
    Ok(marks)
}

/// What kind of move two account kinds make.
fn pair_kind(from: &str, to: &str) -> PairKind {
    match (from, to) {
        ("bank", "card") => PairKind::CardSettlement,
        ("bank", "bank") | ("cash", "bank") | ("bank", "cash") => PairKind::OwnAccounts,
        (_, "emoney") => PairKind::EmoneyCharge,
        ("bank", "securities") | ("securities", "bank") => PairKind::Securities,
        ("bank", "loan") => PairKind::LoanRepayment,
        _ => PairKind::SameAmount,
    }
}

impl PairKind {
    /// In the words the user knows (English, with the Japanese term).
    fn words(self) -> &'static str {
        match self {
            PairKind::CardSettlement => "card settlement (カード引き落とし)",
            PairKind::OwnAccounts => "a move between your own accounts",
            PairKind::EmoneyCharge => "an e-money charge (チャージ)",
            PairKind::Securities => "money to or from your securities account",
            PairKind::LoanRepayment => "a loan repayment",
            PairKind::SameAmount => "the same amount between two of your accounts",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::{NewManualAccount, NewTransaction, TransactionSource, test_ledger};
    use gims_connectors::AccountKind;

    fn account(ledger: &mut Ledger, name: &str, kind: AccountKind) -> i64 {
        let account =
            NewManualAccount { name: name.into(), kind, opening_balance: Amount::from_minor(0, Currency::jpy()) };
        ledger.add_manual_account(&account, "2026-11-01T00:00:00Z").unwrap().id
    }

    fn row(ledger: &mut Ledger, account: i64, date: &str, amount: i64, description: &str) -> i64 {
        let new = NewTransaction {
            date: date.into(),
            amount: Amount::from_minor(amount, Currency::jpy()),
            ..NewTransaction::manual(Some(account), description)
        };
        ledger.insert_transactions(&[new], TransactionSource::Manual).unwrap();
        ledger.conn.last_insert_rowid()
    }

    #[test]
    fn a_card_settlement_is_suggested_with_its_reason_marked_and_undone() {
        let (_dir, mut ledger) = test_ledger();
        let bank = account(&mut ledger, "三井住友銀行", AccountKind::Bank);
        let card = account(&mut ledger, "楽天カード", AccountKind::Card);
        let debit = row(&mut ledger, bank, "2026-11-27", -48_210, "ラクテンカ－ドサ－ビス");
        let payment = row(&mut ledger, card, "2026-11-26", 48_210, "お支払い");
        row(&mut ledger, bank, "2026-11-27", -48_210, "家賃"); // same amount, same account: not a pair
        row(&mut ledger, card, "2026-11-10", 48_210, "返金"); // too far apart

        let suggestions = ledger.suggest_transfers("2026-11-01", "2026-11-30").unwrap();
        let pair = suggestions.iter().find(|s| s.in_tx.is_some()).unwrap();
        assert_eq!((pair.out_tx, pair.in_tx), (debit, Some(payment)));
        assert!(pair.reason.starts_with("card settlement"), "{}", pair.reason);
        assert!(pair.reason.contains("¥48,210") && pair.reason.contains("1 day(s) apart"), "{}", pair.reason);
        assert_eq!(suggestions.iter().filter(|s| s.in_tx.is_some()).count(), 1);
        assert_eq!(pair.why, TransferWhy::Pair { kind: PairKind::CardSettlement, days_apart: 1 });
        assert_eq!(pair.in_description.as_deref(), Some("お支払い"));

        // Marked from the payment's side: the mark still names the side money left first, and
        // shows both rows as the user knows them.
        let mark = ledger.mark_transfer(payment, Some(debit), "", "2026-11-28T00:00:00Z").unwrap();
        let out_side = mark.out_side.as_ref().unwrap();
        assert_eq!(
            (out_side.transaction, out_side.date.as_str(), out_side.account.as_deref(), out_side.amount.as_str()),
            (debit, "2026-11-27", Some("三井住友銀行"), "-48210")
        );
        assert_eq!(mark.in_side.as_ref().map(|s| s.description.as_str()), Some("お支払い"));
        assert_eq!(ledger.transfer_marks().unwrap(), vec![mark]);
        let flags = |l: &Ledger| -> Vec<bool> {
            [debit, payment].iter().map(|id| l.transaction(*id).unwrap().unwrap().transfer).collect()
        };
        assert_eq!(flags(&ledger), [true, true]);
        assert!(ledger.suggest_transfers("2026-11-01", "2026-11-30").unwrap().iter().all(|s| s.out_tx != debit));
        assert!(ledger.mark_transfer(debit, None, "again", "2026-11-28T00:00:00Z").is_err());

        let undone = ledger.undo_transfer(payment).unwrap();
        assert_eq!((undone.out_tx, undone.in_tx), (debit, Some(payment)));
        assert_eq!(flags(&ledger), [false, false]);
        assert!(ledger.undo_transfer(payment).is_err());
    }

    #[test]
    fn a_dismissed_pair_is_not_suggested_again_and_a_one_sided_hint_is_offered() {
        let (_dir, mut ledger) = test_ledger();
        let bank = account(&mut ledger, "ゆうちょ", AccountKind::Bank);
        let other = account(&mut ledger, "住信SBI", AccountKind::Bank);
        let out = row(&mut ledger, bank, "2026-11-02", -30_000, "振込 ジュウシンSBI");
        let arrival = row(&mut ledger, other, "2026-11-02", 30_000, "振込入金");
        let one_sided = row(&mut ledger, bank, "2026-11-05", -12_000, "ﾐﾂｲｽﾐﾄﾓｶｰﾄﾞ");

        let suggestions = ledger.suggest_transfers("2026-11-01", "2026-11-30").unwrap();
        assert!(suggestions.iter().any(|s| s.out_tx == out && s.in_tx == Some(arrival)));
        let hint = suggestions.iter().find(|s| s.out_tx == one_sided).unwrap();
        assert_eq!(hint.in_tx, None);
        assert!(hint.reason.contains("not linked"), "{}", hint.reason);
        assert_eq!(hint.why, TransferWhy::OneSided { word: "カード".into() });

        ledger.dismiss_transfer(out, Some(arrival)).unwrap();
        ledger.dismiss_transfer(one_sided, None).unwrap();
        assert!(ledger.suggest_transfers("2026-11-01", "2026-11-30").unwrap().is_empty());

        let mark = ledger.mark_transfer(one_sided, None, "カード払い", "2026-11-28T00:00:00Z").unwrap();
        assert_eq!(mark.in_tx, None);
        assert!(ledger.transaction(one_sided).unwrap().unwrap().transfer);
    }
}
