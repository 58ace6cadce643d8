//! Statement files: OFX/QFX, the CSV exports of Japanese banks, cards, e-money and brokers, and
//! the modelled service's own export. Parsers are pure — bytes in, a [`ParsedStatement`] out —
//! and know nothing of the ledger; matching accounts and deduplicating against history come after.
//!
//! Design choices, stated once:
//! - **Detection reads the text, never the file name.** Each format is recognised by its header
//!   row (CSV) or its signature (OFX); a file that matches none is
//!   [`ErrorCode::ImportUnrecognisedFormat`] with the list of what was tried.
//! - **Malformed lines are reported, never guessed.** A row that cannot be read lands in
//!   [`ParsedStatement::skipped`] with its physical line number and why; a file with nothing
//!   readable at all is an error.
//! - **Amounts are exact decimals, signed from the account's point of view** (money out is
//!   negative, a card purchase is negative, a refund positive). Never floating point.
//! - **Identity**: `external_id` when the file carries one (OFX FITID, the export's ID);
//!   otherwise `fingerprint` + `occurrence`, so two identical purchases on one day both survive.
//! - **Nothing here panics** on any input: no indexing into untrusted data ([`parse`] is fuzzed
//!   by the tests with truncated and garbled copies of every fixture).

mod csv_layouts;
pub mod generic;
mod moneyforward;
mod ofx;
mod save;
mod securities;
mod table;
mod text;

#[cfg(test)]
mod tests;

use crate::error::{ErrorCode, GimsError};
use rust_decimal::Decimal;
use std::collections::HashMap;
use time::Date;

pub use save::{
    ImportInto, ImportMode, ImportOutcome, ImportRowView, ImportedAccount, PossibleDuplicate, RowStatus, SkippedView,
    save, save_recording, save_with,
};
pub use text::TextEncoding;

/// The text layer on its own, for the fuzz targets in `fuzz/` (not an API for front ends).
#[doc(hidden)]
pub mod fuzzing {
    pub use super::table::read_rows;
    pub use super::text::{decode_csv, fold_width, parse_amount, parse_date, parse_month_day};
}

/// Every file format GIMS reads. `as_str` ids are stable (CLI `--format`, stored with imports).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Ofx,
    RakutenBank,
    SbiSumishin,
    JapanPostBank,
    Mufg,
    SmbcNew,
    SmbcOld,
    Mizuho,
    PayPayBank,
    SbiShinsei,
    RakutenCard,
    SmbcCardVpass,
    PayPayCard,
    ViewCard,
    SuicaHistory,
    MobileSuica,
    SbiSecuritiesTrades,
    RakutenSecuritiesTrades,
    MoneyForwardExport,
    /// Any CSV read through the user's column mapping ([`generic`]); never detected.
    Generic,
}

impl Format {
    pub const ALL: [Format; 19] = [
        Format::Ofx,
        Format::RakutenBank,
        Format::SbiSumishin,
        Format::JapanPostBank,
        Format::Mufg,
        Format::SmbcNew,
        Format::SmbcOld,
        Format::Mizuho,
        Format::PayPayBank,
        Format::SbiShinsei,
        Format::RakutenCard,
        Format::SmbcCardVpass,
        Format::PayPayCard,
        Format::ViewCard,
        Format::SuicaHistory,
        Format::MobileSuica,
        Format::SbiSecuritiesTrades,
        Format::RakutenSecuritiesTrades,
        Format::MoneyForwardExport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ofx => "ofx",
            Format::RakutenBank => "rakuten-bank",
            Format::SbiSumishin => "sbi-sumishin",
            Format::JapanPostBank => "japan-post-bank",
            Format::Mufg => "mufg",
            Format::SmbcNew => "smbc",
            Format::SmbcOld => "smbc-old",
            Format::Mizuho => "mizuho",
            Format::PayPayBank => "paypay-bank",
            Format::SbiShinsei => "sbi-shinsei",
            Format::RakutenCard => "rakuten-card",
            Format::SmbcCardVpass => "smbc-card-vpass",
            Format::PayPayCard => "paypay-card",
            Format::ViewCard => "view-card",
            Format::SuicaHistory => "suica-history",
            Format::MobileSuica => "mobile-suica",
            Format::SbiSecuritiesTrades => "sbi-securities-trades",
            Format::RakutenSecuritiesTrades => "rakuten-securities-trades",
            Format::MoneyForwardExport => "mf-export",
            Format::Generic => "generic",
        }
    }

    /// The inverse of [`Format::as_str`].
    pub fn from_id(id: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|format| format.as_str() == id)
    }
}

/// Which format to read the file as.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FormatChoice {
    /// Recognise the format from the file's text.
    #[default]
    Auto,
    /// Read it as this format (still checked: a mismatch is `import.unrecognised_format`).
    Exactly(Format),
}

/// What the caller knows that the file may not say.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    pub format: FormatChoice,
    /// The day the file was downloaded. Only formats whose dates carry no year (Mobile Suica's
    /// `MM/DD`) need it: each date takes the latest year that does not put it after this day.
    pub downloaded_on: Option<Date>,
}

/// What kind of account a file describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Bank,
    Card,
    Securities,
    Emoney,
    /// The modelled service's export mixes every kind; the account is known by name only.
    Unknown,
}

/// What the file says about the account, for the ledger to match against its own accounts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountHint {
    /// The institution as the file names it (OFX `ORG`, or the bank the format belongs to).
    pub institution: String,
    /// Account, card (often masked) or Suica card number, when the file carries one.
    pub account_number: Option<String>,
    /// A display name: the card's name, the export's 保有金融機関.
    pub name: Option<String>,
    pub kind: AccountKind,
    /// ISO 4217 code; `XXX` when an OFX file omitted CURDEF (the importer must ask).
    pub currency: String,
}

impl AccountHint {
    fn new(institution: &str, kind: AccountKind) -> AccountHint {
        AccountHint {
            institution: institution.to_owned(),
            account_number: None,
            name: None,
            kind,
            currency: "JPY".to_owned(),
        }
    }

    /// The part of a fingerprint that says which account.
    fn fingerprint_key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.institution,
            self.account_number.as_deref().unwrap_or_default(),
            self.name.as_deref().unwrap_or_default()
        )
    }
}

/// One account's share of a statement file.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedAccount {
    pub hint: AccountHint,
    /// The balance the file states (OFX LEDGERBAL, the newest running balance, a preamble's 現在高).
    pub ledger_balance: Option<(Date, Decimal)>,
    /// OFX AVAILBAL (or INVBAL/AVAILCASH for investments).
    pub available_balance: Option<(Date, Decimal)>,
    pub transactions: Vec<ParsedTransaction>,
    /// Positions (OFX INVPOSLIST); empty for every other format.
    pub holdings: Vec<ParsedHolding>,
}

impl ParsedAccount {
    fn new(hint: AccountHint) -> ParsedAccount {
        ParsedAccount {
            hint,
            ledger_balance: None,
            available_balance: None,
            transactions: Vec::new(),
            holdings: Vec::new(),
        }
    }
}

/// One dated movement as the file states it.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedTransaction {
    /// 1-based physical line of the file where the row (or OFX element) starts.
    pub line: usize,
    pub date: Date,
    /// Signed from the account's point of view: money out (a purchase, a withdrawal) is negative.
    pub amount: Decimal,
    pub currency: String,
    pub description: String,
    pub memo: String,
    /// The institution's own id (OFX FITID, the export's ID); the preferred dedup key.
    pub external_id: Option<String>,
    /// 16 hex digits of a fixed hash of (account hint, date, amount, description).
    pub fingerprint: String,
    /// 0, 1, 2… among transactions with the same fingerprint in this file, in file order.
    pub occurrence: u32,
    /// The running balance the row states, when it does.
    pub balance_after: Option<Decimal>,
    /// (大項目, 中項目) from the modelled service's export.
    pub category: Option<(String, Option<String>)>,
    /// A movement between the user's own accounts (振替); excluded from income and expense.
    pub transfer: bool,
    /// Counted in totals (計算対象); `true` except where the export says otherwise.
    pub included: bool,
    /// Set for brokers' trade rows and OFX investment transactions.
    pub trade: Option<ParsedTrade>,
}

/// The security side of a trade; the cash side is the transaction's amount.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedTrade {
    /// Ticker or code (`7203`, a CUSIP/ISIN from OFX).
    pub security_id: String,
    pub security_name: String,
    /// Signed: bought or received positive, sold or delivered negative.
    pub quantity: Decimal,
    pub unit_price: Option<Decimal>,
    pub fees: Option<Decimal>,
    pub settlement_date: Option<Date>,
}

/// A position held at the statement date.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedHolding {
    pub security_id: String,
    pub security_name: String,
    pub quantity: Decimal,
    pub unit_price: Option<Decimal>,
    pub market_value: Option<Decimal>,
    pub as_of: Option<Date>,
}

/// A line that was not imported, and why, for the user to check by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedLine {
    /// 1-based physical line in the file.
    pub line: usize,
    pub reason: String,
}

/// A whole file, read.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedStatement {
    pub format: Format,
    pub encoding: TextEncoding,
    pub accounts: Vec<ParsedAccount>,
    pub skipped: Vec<SkippedLine>,
}

/// Reads a statement file. Pure and total: any bytes give `Ok` or an error, never a panic.
///
/// Errors: `import.unrecognised_format` when no known format matches (or the chosen one does
/// not); `input.invalid` when the format is known but nothing in the file could be read, or a
/// required piece of context is missing ([`ParseOptions::downloaded_on`] for Mobile Suica).
pub fn parse(bytes: &[u8], options: &ParseOptions) -> Result<ParsedStatement, GimsError> {
    // Decoded once: recognising the format reads only the first rows of the same text.
    let decoded = (!ofx::looks_like_ofx(bytes)).then(|| text::decode_csv(bytes));
    let detected = match &decoded {
        None => vec![Format::Ofx],
        Some((text, _)) => detect_text(text),
    };
    let format = match options.format {
        FormatChoice::Auto => match detected.first() {
            Some(format) => *format,
            None => return Err(unrecognised(None)),
        },
        FormatChoice::Exactly(format) if detected.contains(&format) => format,
        FormatChoice::Exactly(format) => return Err(unrecognised(Some(format))),
    };
    let mut statement = match decoded {
        None => ofx::parse(bytes)?,
        Some((text, encoding)) => {
            let rows = table::read_rows(&text);
            let mut statement = match format {
                Format::SbiSecuritiesTrades | Format::RakutenSecuritiesTrades => securities::parse(format, &rows)?,
                Format::MoneyForwardExport => moneyforward::parse(&rows)?,
                _ => csv_layouts::parse(format, &rows, options)?,
            };
            statement.encoding = encoding;
            statement
        }
    };
    statement.accounts.retain(|account| {
        !account.transactions.is_empty()
            || !account.holdings.is_empty()
            || account.ledger_balance.is_some()
            || account.available_balance.is_some()
    });
    if statement.accounts.is_empty() {
        let first_problem = match statement.skipped.first() {
            Some(skipped) => format!(" The first problem: line {}: {}.", skipped.line, skipped.reason),
            None => String::new(),
        };
        return Err(GimsError::new(
            ErrorCode::InputInvalid,
            format!(
                "The file looks like a {} statement but has no transaction or balance that could be read.{first_problem} \
                 Check that it is the full, unedited download.",
                format.as_str()
            ),
        ));
    }
    assign_fingerprints(&mut statement);
    Ok(statement)
}

/// Reads a CSV through the user's column mapping. Errors: `input.invalid` when no row could be
/// read (naming the first problem).
pub fn parse_generic(bytes: &[u8], mapping: &generic::ColumnMapping) -> Result<ParsedStatement, GimsError> {
    let mut statement = generic::parse(bytes, mapping);
    if statement.accounts.iter().all(|account| account.transactions.is_empty()) {
        let first_problem = match statement.skipped.first() {
            Some(skipped) => format!("line {}: {}", skipped.line, skipped.reason),
            None => "no row has a date in the date column".to_owned(),
        };
        return Err(GimsError::invalid(
            "map",
            format!(
                "no row of the file could be read with {} ({first_problem}); check the column numbers",
                mapping.to_text()
            ),
        ));
    }
    assign_fingerprints(&mut statement);
    Ok(statement)
}

/// Every format whose signature the bytes carry, in [`Format::ALL`] order. The tests check that
/// each fixture yields exactly its own format, so detection stays strict enough not to misfire.
pub fn detect(bytes: &[u8]) -> Vec<Format> {
    if ofx::looks_like_ofx(bytes) {
        return vec![Format::Ofx];
    }
    let (text, _) = text::decode_csv(bytes);
    detect_text(&text)
}

/// Rows enough to find any format's header behind its preamble.
const DETECTION_ROWS: usize = 64;

fn detect_text(text: &str) -> Vec<Format> {
    let rows = table::read_rows_up_to(text, DETECTION_ROWS);
    let mut found: Vec<Format> = Vec::new();
    found.extend(csv_layouts::detect(&rows));
    found.extend(securities::detect(&rows));
    found.extend(moneyforward::detect(&rows));
    found.sort_by_key(|format| Format::ALL.iter().position(|f| f == format));
    found.dedup();
    found
}

fn unrecognised(chosen: Option<Format>) -> GimsError {
    let tried: Vec<&str> = Format::ALL.iter().map(|format| format.as_str()).collect();
    let message = match chosen {
        Some(format) => format!(
            "The file does not look like a {} statement (its header row or OFX signature was not found). \
             Check the file, or let GIMS recognise it (formats known: {}).",
            format.as_str(),
            tried.join(", ")
        ),
        None => format!(
            "GIMS does not recognise this file. It tried OFX/QFX and the CSV header rows of: {}. \
             Download the statement again as CSV or OFX from the institution, unedited.",
            tried.get(1..).unwrap_or_default().join(", ")
        ),
    };
    GimsError::new(ErrorCode::ImportUnrecognisedFormat, message)
}

/// Fills `fingerprint` and `occurrence` once every parser is done, the same way for all formats.
fn assign_fingerprints(statement: &mut ParsedStatement) {
    // Keyed by the hash itself: a million-row export is counted without a string per row.
    let mut seen: HashMap<u64, u32> = HashMap::new();
    let mut description = String::new();
    for account in &mut statement.accounts {
        let key = account.hint.fingerprint_key();
        for transaction in &mut account.transactions {
            description.clear();
            for (i, word) in text::fold_width(&transaction.description).split_whitespace().enumerate() {
                if i > 0 {
                    description.push(' ');
                }
                description.push_str(word);
            }
            let canonical =
                format!("{key}\u{1f}{}\u{1f}{}\u{1f}{description}", transaction.date, transaction.amount.normalize());
            let hash = text::stable_hash(&canonical);
            let count = seen.entry(hash).or_insert(0);
            transaction.occurrence = *count;
            *count += 1;
            transaction.fingerprint = format!("{hash:016x}");
        }
    }
}

/// A transaction with the fields every parser fills the same way; `fingerprint` and `occurrence`
/// are set by [`parse`] at the end.
fn new_transaction(line: usize, date: Date, amount: Decimal, currency: &str) -> ParsedTransaction {
    ParsedTransaction {
        line,
        date,
        amount,
        currency: currency.to_owned(),
        description: String::new(),
        memo: String::new(),
        external_id: None,
        fingerprint: String::new(),
        occurrence: 0,
        balance_after: None,
        category: None,
        transfer: false,
        included: true,
        trade: None,
    }
}
