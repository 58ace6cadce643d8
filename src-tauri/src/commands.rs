//! The window's commands: each forwards to `gims::api`. Errors cross as the core's
//! `{code, message}`; secrets arrive once (credentials, a one-time password) and go straight
//! into `Secret`s.

use crate::session::{AppInfo, Session};
use gims::api::{
    AddTransactionInput, ConnectInput, DeleteView, EditInput, EditTransactionInput, InstitutionView, RefreshTargets,
    StatusView, TransactionQuery,
};
use gims::error::{GimsError, Result};
use gims::ledger::categories::CategoryRow;
use gims::ledger::{AccountRow, ConnectionRow, DeletedCounts, TransactionRow};
use gims::refresh::RefreshReport;
use gims::report::{AssetReport, MonthlyReport};
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

/// Newest first, a page (`offset`, `limit`) at a time: the list shows only what is on screen.
#[tauri::command(rename_all = "snake_case")]
pub async fn transactions(
    session: State<'_, Session>,
    account: Option<i64>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
) -> Result<Vec<TransactionRow>> {
    session.reader().await?.transactions(&TransactionQuery { account, from, to, limit, offset })
}

/// A manual transaction (cash when no account).
#[tauri::command(rename_all = "snake_case")]
pub async fn add_transaction(
    session: State<'_, Session>,
    date: String,
    amount: String,
    description: String,
    account: Option<i64>,
    category: Option<String>,
    memo: Option<String>,
) -> Result<TransactionRow> {
    let input = AddTransactionInput { date, amount, description, account, category, memo, currency: None };
    session.writer().await?.add_transaction(&input)
}

/// Category (`大項目/中項目`), transfer mark, inclusion in totals, memo: `None` keeps a field.
#[tauri::command(rename_all = "snake_case")]
pub async fn edit_transaction(
    session: State<'_, Session>,
    id: i64,
    category: Option<String>,
    transfer: Option<bool>,
    included: Option<bool>,
    memo: Option<String>,
) -> Result<TransactionRow> {
    let yes_no = |flag: Option<bool>| flag.map(|on| if on { "yes" } else { "no" }.to_string());
    let input = EditTransactionInput { category, transfer: yes_no(transfer), included: yes_no(included), memo };
    session.writer().await?.edit_transaction(id, &input)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn categories(session: State<'_, Session>) -> Result<Vec<CategoryRow>> {
    session.reader().await?.categories()
}

/// Asset composition at the end of `date` (default: today in Japan), computed by the core.
#[tauri::command(rename_all = "snake_case")]
pub async fn report_assets(session: State<'_, Session>, date: Option<String>) -> Result<AssetReport> {
    session.reader().await?.report_assets(date.as_deref())
}

/// A month's (`YYYY-MM`) income and spending, computed by the core.
#[tauri::command(rename_all = "snake_case")]
pub async fn report_monthly(session: State<'_, Session>, month: String) -> Result<MonthlyReport> {
    session.reader().await?.report_monthly(&month, None)
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
    let credentials = secrets(credentials);
    let start_date = start_date.filter(|d| !d.trim().is_empty());
    let input = ConnectInput { institution, name, memo, start_date, credentials };
    session.writer().await?.connect(input)
}

/// Display name, memo, start date (empty clears it), and a new login when one is given.
#[tauri::command(rename_all = "snake_case")]
pub async fn edit_connection(
    session: State<'_, Session>,
    id: i64,
    name: Option<String>,
    memo: Option<String>,
    start_date: Option<String>,
    credentials: Option<HashMap<String, String>>,
) -> Result<ConnectionRow> {
    let credentials = credentials.map(secrets);
    session.writer().await?.edit_connection(id, EditInput { name, memo, start_date, credentials })
}

/// Re-link: forget the institution's session and tokens (keeping the login, or taking a new one),
/// then log in afresh now, the window answering whatever the institution asks. History is kept.
#[tauri::command(rename_all = "snake_case")]
pub async fn relink(
    session: State<'_, Session>,
    id: i64,
    credentials: Option<HashMap<String, String>>,
) -> Result<Vec<RefreshReport>> {
    let mut gims = session.writer().await?;
    gims.prepare_relink(id, credentials.map(secrets))?;
    gims.refresh(RefreshTargets::Connections(vec![id]), true, &session.engine).await
}

/// What deleting a connection would destroy, for the confirmation dialog.
#[tauri::command(rename_all = "snake_case")]
pub async fn connection_footprint(session: State<'_, Session>, id: i64) -> Result<DeletedCounts> {
    let gims = session.reader().await?;
    existing_connection(&gims, id)?;
    gims.connection_footprint(id)
}

/// Deletes a connection for good. `typed_name` is what the user typed to confirm: it must be
/// the connection's display name, checked here too so that no stray call deletes anything.
#[tauri::command(rename_all = "snake_case")]
pub async fn delete_connection(session: State<'_, Session>, id: i64, typed_name: String) -> Result<DeleteView> {
    let mut gims = session.writer().await?;
    let connection = existing_connection(&gims, id)?;
    if typed_name.trim() != connection.display_name.trim() {
        return Err(GimsError::invalid(
            "name",
            format!("type the connection's name, {}, to confirm deleting it", connection.display_name),
        ));
    }
    gims.delete_connection(id, true)
}

fn existing_connection(gims: &gims::api::Gims, id: i64) -> Result<ConnectionRow> {
    gims.connections()?.into_iter().find(|c| c.id == id).ok_or_else(|| {
        GimsError::invalid("connection", format!("there is no connection {id}; it may have been deleted"))
    })
}

fn secrets(fields: HashMap<String, String>) -> Credentials {
    fields.into_iter().map(|(field, value)| (field, Secret::new(value))).collect()
}

/// The window's first paint, in milliseconds since it started loading (`performance.now()`).
/// Printed on stderr when `GIMS_BENCH` is set, for `scripts/bench-desktop`; ignored otherwise.
#[tauri::command(rename_all = "snake_case")]
pub fn first_paint(session: State<'_, Session>, page_ms: f64) {
    if std::env::var_os("GIMS_BENCH").is_some() {
        let since_start = session.started.elapsed().as_secs_f64() * 1000.0;
        eprintln!("gims-bench: first_paint process_ms={since_start:.0} page_ms={page_ms:.0}");
    }
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
