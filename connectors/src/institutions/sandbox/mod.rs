//! The sandbox institutions (`gims-sandbox`, its PROTOCOL.md is the contract they are parsed
//! against): one folder per institution with its info, a straight-line `login` and a pure
//! `parse`, and beside them what their HTML sites share (`site` for HTTP, `pages` for page text,
//! `formats` for Japanese numbers and dates).
//!
//! The engine points them at `{GIMS_SANDBOX_URL}/{id}`, so their `endpoint` is only a marker.

pub mod sandbox_approval;
pub mod sandbox_bank;
pub mod sandbox_card;
pub mod sandbox_emoney;
pub mod sandbox_oauth;
pub mod sandbox_otp_bank;
pub mod sandbox_pension;
pub mod sandbox_points;
pub mod sandbox_securities;
pub mod sandbox_window_bank;

mod formats;
mod pages;
mod site;

use crate::contract::{CredentialField, RefreshPolicy};
use crate::fetched::{FetchedAccount, FetchedHolding, FetchedTransaction, PointsExpiry};
use crate::vocabulary::AccountKind;
use rust_decimal::Decimal;
use time::Date;

/// Sandbox institutions live wherever the engine's `GIMS_SANDBOX_URL` says.
const ENDPOINT: &str = "sandbox:";

/// The login form of every sandbox HTML site.
const PASSWORD_FIELDS: &[CredentialField] = &[
    CredentialField { id: "login_id", label: "ログインID", secret: false },
    CredentialField { id: "password", label: "パスワード", secret: true },
];

/// May run unattended; no minimum interval, so tests can refresh back to back.
const UNATTENDED: RefreshPolicy = RefreshPolicy {
    auto_refresh: true,
    manual_refresh: true,
    bulk_refresh: true,
    min_interval_secs: 0,
    needs_user_every_login: false,
};

/// Every login asks the user (OTP, CAPTCHA, approval): never on a schedule.
const USER_EVERY_LOGIN: RefreshPolicy = RefreshPolicy {
    auto_refresh: false,
    manual_refresh: true,
    bulk_refresh: true,
    min_interval_secs: 0,
    needs_user_every_login: true,
};

/// A yen account as the sandbox shows it; holdings, expiries and transactions are added after.
fn account(external_id: String, name: String, kind: AccountKind, balance: Decimal, as_of: Date) -> FetchedAccount {
    FetchedAccount {
        external_id,
        name,
        kind,
        currency: "JPY".into(),
        balance: Some(balance),
        balance_as_of: Some(as_of),
        transactions: Vec::<FetchedTransaction>::new(),
        holdings: Vec::<FetchedHolding>::new(),
        expiries: Vec::<PointsExpiry>::new(),
        past_balances: Vec::new(),
    }
}
