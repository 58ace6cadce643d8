//! A plain-text journal in the subset of the Ledger format that both Ledger and hledger read.
//!
//! Accounts: `assets:NAME` or `liabilities:NAME` (cards, loans) for the user's accounts,
//! `assets:cash` for cash kept without an account; `expenses:大項目:中項目` and `income:中項目`
//! (or `income:大項目:中項目` outside 収入) for categories; 未分類 money goes to `income:未分類` or
//! `expenses:未分類` by its sign, as the monthly report counts it. So `hledger balance income
//! expenses` agrees with `gims report monthly`.
//!
//! What the report leaves out stays out of income and expenses: a 振替 between two of the user's
//! accounts on the same day with opposite amounts becomes one transaction between them; a 振替
//! whose other side is not in the ledger goes to `equity:transfers`; rows excluded from totals
//! (計算対象外, or in an account excluded from totals) go to `equity:excluded`. Opening balances
//! come from `equity:opening balances`, so the asset accounts end at GIMS's balances. Hidden
//! accounts are exported too (the journal is the whole ledger; a hledger query leaves them out).
//!
//! Every amount is written explicitly with its commodity (`-540 JPY`, `12.50 USD`): no posting
//! is left for the reader to infer. Text is neutralised so it can neither open a comment (`;`)
//! nor end an account name (two spaces, a tab) nor be read as a status mark or code.

use super::{ExportData, ExportOutcome, ExportTransaction, write_failed};
use crate::error::{GimsError, Result};
use crate::ledger::categories::UNCATEGORISED;
use crate::money::{Amount, Currency};
use gims_connectors::AccountKind;
use std::collections::HashMap;
use std::io::Write;

const CASH: &str = "cash";
const INCOME_TOP: &str = "収入";

pub(super) fn write(data: &ExportData, out: &mut dyn Write) -> Result<ExportOutcome> {
    let names = data.unique_names(&[CASH]);
    let mut account_names: HashMap<Option<i64>, String> = HashMap::new();
    let mut account_included: HashMap<Option<i64>, bool> = HashMap::new();
    for account in &data.accounts {
        let side = match account.kind {
            AccountKind::Card | AccountKind::Loan => "liabilities",
            _ => "assets",
        };
        let name = names.get(&account.id).map(String::as_str).unwrap_or(&account.name);
        account_names.insert(Some(account.id), format!("{side}:{}", account_component(name)));
        account_included.insert(Some(account.id), account.included);
    }
    account_names.insert(None, format!("assets:{CASH}"));
    let account_of = |id: Option<i64>| account_names.get(&id).cloned().unwrap_or_else(|| format!("assets:{CASH}"));

    let mut text = String::new();
    text.push_str("; GIMS journal export (Ledger/hledger format). Amounts are exact; 振替 between your own\n");
    text.push_str("; accounts and rows excluded from totals are kept out of income and expenses.\n\n");
    write_text(out, &mut text)?;

    // Opening balances, dated at the start of the range (or the first transaction).
    let opening_date =
        data.from.clone().or_else(|| data.transactions.first().map(|t| t.date.clone())).unwrap_or_else(|| {
            crate::refresh::endpoint::today_at_institution(time::OffsetDateTime::now_utc()).to_string()
        });
    for account in data.accounts.iter().filter(|a| a.opening != 0) {
        let currency = Currency::parse(&account.currency).map_err(GimsError::internal)?;
        text.push_str(&format!("{opening_date} opening balances\n"));
        posting(&mut text, &account_of(Some(account.id)), account.opening, &currency)?;
        posting(&mut text, "equity:opening balances", negate(account.opening)?, &currency)?;
        text.push('\n');
    }
    write_text(out, &mut text)?;

    let pairs = pair_transfers(&data.transactions);
    let mut written = 0;
    for (index, transaction) in data.transactions.iter().enumerate() {
        let currency = Currency::parse(&transaction.currency).map_err(GimsError::internal)?;
        let own = account_of(transaction.account_id);
        match pairs.get(&index) {
            // The second half of a pair is written with the first.
            Some(Pairing::Second) => {
                written += 1;
                continue;
            }
            Some(Pairing::First(other)) => {
                let other = &data.transactions[*other];
                header(&mut text, transaction, Some(other));
                posting(&mut text, &account_of(other.account_id), other.minor, &currency)?;
                posting(&mut text, &own, transaction.minor, &currency)?;
            }
            None => {
                let counted =
                    transaction.included && account_included.get(&transaction.account_id).copied().unwrap_or(true);
                let counterpart = if transaction.transfer {
                    "equity:transfers".to_owned()
                } else if !counted {
                    "equity:excluded".to_owned()
                } else {
                    category_account(transaction)
                };
                header(&mut text, transaction, None);
                posting(&mut text, &counterpart, negate(transaction.minor)?, &currency)?;
                posting(&mut text, &own, transaction.minor, &currency)?;
            }
        }
        text.push('\n');
        written += 1;
        if text.len() > 64 * 1024 {
            write_text(out, &mut text)?;
        }
    }
    write_text(out, &mut text)?;
    Ok(ExportOutcome { transactions: written, ..ExportOutcome::default() })
}

enum Pairing {
    /// Written as one transaction with the row at this index.
    First(usize),
    Second,
}

/// 振替 rows that are two sides of one movement: same day, same currency, opposite amounts,
/// different accounts. Matched in order; what finds no partner stays one-sided.
fn pair_transfers(transactions: &[ExportTransaction]) -> HashMap<usize, Pairing> {
    let mut waiting: HashMap<(&str, &str, i64), Vec<usize>> = HashMap::new();
    let mut pairs = HashMap::new();
    for (index, transaction) in transactions.iter().enumerate() {
        if !transaction.transfer || transaction.minor == 0 {
            continue;
        }
        let partner_key =
            (transaction.date.as_str(), transaction.currency.as_str(), transaction.minor.saturating_neg());
        let partner = waiting.get_mut(&partner_key).and_then(|candidates| {
            let position = candidates.iter().position(|&c| transactions[c].account_id != transaction.account_id)?;
            Some(candidates.remove(position))
        });
        match partner {
            Some(first) => {
                pairs.insert(first, Pairing::First(index));
                pairs.insert(index, Pairing::Second);
            }
            None => waiting
                .entry((transaction.date.as_str(), transaction.currency.as_str(), transaction.minor))
                .or_default()
                .push(index),
        }
    }
    pairs
}

/// The income or expense account a counted row lands in.
fn category_account(transaction: &ExportTransaction) -> String {
    let top = account_component(&transaction.category);
    let sub = transaction.subcategory.as_deref().map(account_component);
    match transaction.kind.as_str() {
        "income" => match sub {
            Some(sub) if transaction.category == INCOME_TOP => format!("income:{sub}"),
            Some(sub) => format!("income:{top}:{sub}"),
            None => format!("income:{top}"),
        },
        "expense" => match sub {
            Some(sub) => format!("expenses:{top}:{sub}"),
            None => format!("expenses:{top}"),
        },
        // 未分類: money in counts as income, money out as spending (as in the monthly report).
        _ if transaction.minor > 0 => format!("income:{UNCATEGORISED}"),
        _ => format!("expenses:{UNCATEGORISED}"),
    }
}

fn header(text: &mut String, transaction: &ExportTransaction, other: Option<&ExportTransaction>) {
    let mut description = description_text(&transaction.description);
    if let Some(other) = other {
        let other_description = description_text(&other.description);
        if !other_description.is_empty() && other_description != description {
            description = format!("{description} / {other_description}");
        }
    }
    text.push_str(&transaction.date);
    if !description.is_empty() {
        text.push(' ');
        text.push_str(&description);
    }
    let mut comment = vec![format!("gims-id:{}", transaction.id)];
    if let Some(other) = other {
        comment.push(format!("gims-id:{}", other.id));
    }
    for memo in [Some(&transaction.memo), other.map(|o| &o.memo)].into_iter().flatten() {
        let memo = comment_text(memo);
        if !memo.is_empty() {
            comment.push(memo);
        }
    }
    if !transaction.included && other.is_none() {
        let category = match &transaction.subcategory {
            Some(sub) => format!("{}/{sub}", transaction.category),
            None => transaction.category.clone(),
        };
        comment.push(format!("計算対象外 {}", comment_text(&category)));
    }
    text.push_str("  ; ");
    text.push_str(&comment.join(", "));
    text.push('\n');
}

fn posting(text: &mut String, account: &str, minor: i64, currency: &Currency) -> Result<()> {
    let amount = Amount::from_minor(minor, currency.clone()).to_decimal_string();
    let commodity = currency.code();
    let commodity = if commodity.chars().all(|c| c.is_ascii_alphabetic()) {
        commodity.to_owned()
    } else {
        format!("\"{commodity}\"")
    };
    text.push_str(&format!("    {account}    {amount} {commodity}\n"));
    Ok(())
}

fn negate(minor: i64) -> Result<i64> {
    minor.checked_neg().ok_or_else(|| GimsError::internal(format!("the amount {minor} cannot be negated")))
}

fn write_text(out: &mut dyn Write, text: &mut String) -> Result<()> {
    out.write_all(text.as_bytes()).map_err(write_failed)?;
    text.clear();
    Ok(())
}

/// Collapses whitespace and control characters to single spaces and trims; characters that hide
/// or reorder text (zero-width, bidirectional overrides) are spelled out as `\u{…}`.
fn single_spaced(text: &str) -> String {
    let words = text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>();
    crate::visible::escape_hidden(&words.join(" "), true)
}

/// A transaction description: one line, no comment start, no leading status mark or code.
pub(super) fn description_text(text: &str) -> String {
    let mut text = single_spaced(text).replace(';', "；");
    if let Some(first) = text.chars().next() {
        let replacement = match first {
            '*' => Some('＊'),
            '!' => Some('！'),
            '(' => Some('（'),
            _ => None,
        };
        if let Some(replacement) = replacement {
            text.replace_range(..first.len_utf8(), &replacement.to_string());
        }
    }
    text
}

/// Comment text: one line.
fn comment_text(text: &str) -> String {
    single_spaced(text)
}

/// One component of an account name: one line, single spaces, no `:` (the separator), no `;`,
/// no leading bracket (a virtual posting), never empty.
pub(super) fn account_component(text: &str) -> String {
    let mut text = single_spaced(text).replace(':', "：").replace(';', "；");
    if let Some(first) = text.chars().next() {
        let replacement = match first {
            '(' => Some('（'),
            '[' => Some('［'),
            _ => None,
        };
        if let Some(replacement) = replacement {
            text.replace_range(..first.len_utf8(), &replacement.to_string());
        }
    }
    for (from, to) in [(')', '）'), (']', '］')] {
        if text.ends_with(from) {
            text.pop();
            text.push(to);
        }
    }
    if text.is_empty() { "名称なし".to_owned() } else { text }
}
