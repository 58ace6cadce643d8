//! What a connector returns: accounts with their balances, holdings and transactions, exactly as
//! the institution reported them. Amounts are exact decimals in the account's currency; the core
//! turns them into ledger rows.

use crate::vocabulary::AccountKind;
use rust_decimal::Decimal;
use time::Date;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fetched {
    pub accounts: Vec<FetchedAccount>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FetchedAccount {
    /// The institution's stable id of this account under the login (account number, card tail).
    pub external_id: String,
    pub name: String,
    pub kind: AccountKind,
    /// `JPY`, `USD`, `BTC`…
    pub currency: String,
    /// What the account holds now (a card's unpaid balance is negative).
    pub balance: Option<Decimal>,
    pub balance_as_of: Option<Date>,
    /// Since the connection's start date (the engine filters again).
    pub transactions: Vec<FetchedTransaction>,
    pub holdings: Vec<FetchedHolding>,
    /// Points or e-money that expire, by date.
    pub expiries: Vec<PointsExpiry>,
    /// Balances the institution states for past days (a bank's 残高推移 of month ends), oldest
    /// first. The core records them where it has no balance of its own for that day, so that
    /// asset history starts with the institution's figures instead of the first fetch.
    pub past_balances: Vec<PastBalance>,
}

/// The balance at the end of `date`, as the institution stated it.
#[derive(Clone, Debug, PartialEq)]
pub struct PastBalance {
    pub date: Date,
    pub balance: Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FetchedTransaction {
    /// The institution's own id of the row: the dedupe key. `None` if it has none.
    pub external_id: Option<String>,
    pub date: Date,
    /// Negative for money out.
    pub amount: Decimal,
    pub description: String,
    pub memo: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FetchedHolding {
    pub asset: String,
    pub code: Option<String>,
    /// Exactly as reported (`12345.6789` 口, `0.00012345` BTC).
    pub quantity: Decimal,
    /// The price of one unit (quantity × price = value).
    pub price: Option<Decimal>,
    /// The quantity the institution quotes its price for: 1 (a share, a coin) or 10,000 (a
    /// fund's 基準価額 per 1万口). Only how the price is shown; `price` is per unit all the same.
    pub price_per: u32,
    /// Valuation in `currency`; `None` when unknown (a ticker that could not be reached).
    pub value: Option<Decimal>,
    pub cost: Option<Decimal>,
    pub currency: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PointsExpiry {
    pub expires_on: Date,
    pub amount: Decimal,
}
