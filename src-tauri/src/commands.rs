//! The window's commands: each forwards to `gims::api`. Errors cross as the core's
//! `{code, message}`; secrets arrive once (credentials, a one-time password) and go straight
//! into `Secret`s.

use crate::session::{AppInfo, Session};
use gims::api::{ConnectInput, InstitutionView, RefreshTargets, StatusView, TransactionQuery};
use gims::error::{GimsError, Result};
use gims::ledger::{AccountRow, ConnectionRow, TransactionRow};
use gims::refresh::RefreshReport;
use gims::vault::credentials::Credentials;
use gims_connectors::{Reply, Secret};
use std::collections::HashMap;
use tauri::State;

#[tauri::command(rename_all = "snake_case")]
pub fn app_info(session: State<'_, Session>) -> AppInfo {
    session.info.clone()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn status(session: State<'_, Session>) -> Result<StatusView> {
    session.reader().await?.status()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn accounts(session: State<'_, Session>) -> Result<Vec<AccountRow>> {
    session.reader().await?.accounts()
}

/// Newest first. `limit` pages by growing (the core has no offset yet).
#[tauri::command(rename_all = "snake_case")]
pub async fn transactions(
    session: State<'_, Session>,
    account: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
) -> Result<Vec<TransactionRow>> {
    session.reader().await?.transactions(&TransactionQuery { account, from, to, limit })
}

#[tauri::command(rename_all = "snake_case")]
pub async fn connections(session: State<'_, Session>) -> Result<Vec<ConnectionRow>> {
    session.reader().await?.connections()
}

#[tauri::command(rename_all = "snake_case")]
pub fn institutions(search: Option<String>, category: Option<String>) -> Result<Vec<InstitutionView>> {
    gims::api::institutions(search.as_deref().filter(|s| !s.trim().is_empty()), category.as_deref())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn connect(
    session: State<'_, Session>,
    institution: String,
    name: Option<String>,
    memo: Option<String>,
    start_date: Option<String>,
    credentials: HashMap<String, String>,
) -> Result<ConnectionRow> {
    let credentials: Credentials = credentials.into_iter().map(|(field, value)| (field, Secret::new(value))).collect();
    let start_date = start_date.filter(|d| !d.trim().is_empty());
    let input = ConnectInput { institution, name, memo, start_date, credentials };
    session.writer().await?.connect(input)
}

/// `ids` refreshes those connections (the row's button); `all` is "refresh all". The window is
/// there to answer challenges, so runs are interactive.
#[tauri::command(rename_all = "snake_case")]
pub async fn refresh(session: State<'_, Session>, ids: Option<Vec<i64>>, all: bool) -> Result<Vec<RefreshReport>> {
    let targets = match (all, ids) {
        (true, _) => RefreshTargets::All,
        (false, Some(ids)) if !ids.is_empty() => RefreshTargets::Connections(ids),
        (false, _) => return Err(GimsError::invalid("refresh", "name the connections to refresh, or all")),
    };
    session.writer().await?.refresh(targets, true, &session.engine).await
}

/// The user's answer: the code typed (OTP, CAPTCHA text), or none for "I approved / consented,
/// carry on" (and, for a CAPTCHA, "another image please").
#[tauri::command(rename_all = "snake_case")]
pub fn reply_challenge(session: State<'_, Session>, challenge_id: u64, code: Option<String>) -> Result<()> {
    let reply = match code {
        Some(code) => Reply::Code(Secret::new(code)),
        None => Reply::Continue,
    };
    settled(session.engine.broker.reply(challenge_id, reply))
}

#[tauri::command(rename_all = "snake_case")]
pub fn cancel_challenge(session: State<'_, Session>, challenge_id: u64) -> Result<()> {
    settled(session.engine.broker.cancel(challenge_id))
}

fn settled(open: bool) -> Result<()> {
    match open {
        true => Ok(()),
        false => Err(GimsError::invalid(
            "challenge",
            "this question is no longer open (it was answered, cancelled or timed out); refresh again to retry",
        )),
    }
}
