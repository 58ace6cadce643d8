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

/// Opens the consent page of an open challenge in the system browser. The window names the
/// challenge, not an address: it cannot make GIMS open anything a connector did not ask for.
#[tauri::command(rename_all = "snake_case")]
pub fn open_consent_page(session: State<'_, Session>, challenge_id: u64) -> Result<()> {
    let url = session.consent_page(challenge_id)?;
    open::that_detached(&url).map_err(|e| {
        GimsError::internal(format!("could not open the browser ({e}); open the address shown in the dialog yourself"))
    })
}

/// Demo mode only: what the sandbox "phone" of `login` received (one-time passwords, approval
/// links), so that a person trying the demo can answer. Real institutions never come near this.
#[tauri::command(rename_all = "snake_case")]
pub async fn sandbox_phone(session: State<'_, Session>, login: String) -> Result<serde_json::Value> {
    let url = format!("{}/_sandbox/phone", session.demo_sandbox_url()?);
    let response = reqwest::Client::new().get(url).query(&[("login", login)]).send().await.map_err(sandbox_error)?;
    response.error_for_status().map_err(sandbox_error)?.json().await.map_err(sandbox_error)
}

/// Demo mode only: "taps" an approval link that the sandbox phone received.
#[tauri::command(rename_all = "snake_case")]
pub async fn sandbox_approve(session: State<'_, Session>, url: String) -> Result<()> {
    let base = session.demo_sandbox_url()?;
    if !url.starts_with(&format!("{base}/")) {
        return Err(GimsError::invalid("url", "only the sandbox's own approval links can be opened here"));
    }
    reqwest::get(url).await.and_then(|r| r.error_for_status()).map_err(sandbox_error)?;
    Ok(())
}

fn sandbox_error(error: reqwest::Error) -> GimsError {
    GimsError::internal(format!("the sandbox phone did not answer: {error}"))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_to_a_closed_question_crosses_ipc_as_code_and_message() {
        let json = serde_json::to_value(settled(false).unwrap_err()).unwrap();
        assert_eq!(json["code"], "input.invalid");
        assert!(json["message"].as_str().unwrap().starts_with("challenge: this question is no longer open"));
        assert_eq!(json.as_object().unwrap().len(), 2, "{json}");
        assert!(settled(true).is_ok());
    }
}
