//! The window's commands: each forwards to `gims::api`. Errors cross as the core's
//! `{code, message}`; secrets arrive once (credentials, a one-time password) and go straight
//! into `Secret`s.
//!
//! A command that takes arguments takes one struct, `args` on the wire
//! (`invoke("connect", { args: {...} })`): its TypeScript type is generated from it
//! (`bindings.rs`), so the window cannot send a shape the command does not read.

use crate::institution_window::CapturedStatement;
use crate::session::{AppInfo, Session};
use gims::api::Settings;
use gims::api::{
    AddTransactionInput, ConnectInput, DeleteView, EditInput, EditTransactionInput, InstitutionView, RefreshTargets,
    StatusView, TransactionQuery,
};
use gims::api::{CategoryEntry, MergeView, ReportFile, RuleAdded, RuleInput, StarterRulesAdded, WrittenReport};
use gims::api::{ImportTarget, StatementFile, WindowSession};
use gims::error::{GimsError, Result};
use gims::import::{ImportMode, ImportOutcome};
use gims::ledger::categories::CategoryRow;
use gims::ledger::rates::RateRow;
use gims::ledger::rules::{Prediction, RuleProposal, RuleRow};
use gims::ledger::transfers::{TransferMark, TransferSuggestion};
use gims::ledger::{AccessLogRow, AccountRow, ConnectionRow, DeletedCounts, GroupRow, HoldingRow, TransactionRow};
use gims::refresh::RefreshReport;
use gims::report::{AccountHistory, AssetReport, HistoryReport, MonthlyReport};
use gims::report::{BudgetReport, ExpiringLine, YearReport};
use gims::vault::credentials::Credentials;
use gims_connectors::{Reply, Secret};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use tauri::State;

/// One struct per command's arguments, deserialised from the window's `args`.
macro_rules! command_args {
    ($($(#[$meta:meta])* $name:ident { $($(#[$field_meta:meta])* $field:ident: $type:ty),* $(,)? })*) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Deserialize)]
            #[cfg_attr(test, derive(ts_rs::TS))]
            pub struct $name { $($(#[$field_meta])* pub $field: $type),* }
        )*
    };
}

command_args! {
    /// Newest first, a page at a time: `offset` rows skipped, at most `limit` returned.
    TransactionsArgs {
        account: Option<i64>,
        /// `大項目/中項目`, or a 大項目 with its 中項目.
        category: Option<String>,
        /// A group's name: only its accounts.
        group: Option<String>,
        from: Option<String>,
        to: Option<String>,
        limit: Option<u32>,
        offset: Option<u32>,
    }
    /// A manual transaction; no account means cash. `amount` signed, spending negative.
    AddTransactionArgs {
        date: String,
        amount: String,
        description: String,
        account: Option<i64>,
        category: Option<String>,
        memo: Option<String>,
    }
    /// `None` keeps a field as it is. `category` is `大項目/中項目`.
    EditTransactionArgs {
        id: i64,
        category: Option<String>,
        transfer: Option<bool>,
        included: Option<bool>,
        memo: Option<String>,
    }
    /// `None`: today in Japan.
    ReportAssetsArgs { date: Option<String> }
    /// `YYYY-MM`; `group`: a group's name, `None` the default group (everything not hidden).
    ReportMonthlyArgs { month: String, group: Option<String> }
    /// Asset history: `interval` `day` or `month`; `to` defaults to today in Japan and `from` to a
    /// year before it.
    ReportHistoryArgs { from: Option<String>, to: Option<String>, interval: String }
    /// One account's balance history: `from` `None` from its first recorded day, `to` `None`
    /// today in Japan; `interval` `day`, `month` or `auto`.
    AccountHistoryArgs { account: i64, from: Option<String>, to: Option<String>, interval: String }
    /// `None`: every account's holdings.
    HoldingsArgs { account: Option<i64> }
    /// Yen for one unit of `currency` on `date` (`None`: today in Japan), as the user typed it.
    SetRateArgs { currency: String, rate: String, date: Option<String> }
    InstitutionsArgs { search: Option<String>, category: Option<String> }
    ConnectArgs {
        institution: String,
        name: Option<String>,
        memo: Option<String>,
        start_date: Option<String>,
        credentials: HashMap<String, String>,
    }
    /// `None` keeps a field; an empty `start_date` clears it; `credentials` is a new login.
    EditConnectionArgs {
        id: i64,
        name: Option<String>,
        memo: Option<String>,
        start_date: Option<String>,
        credentials: Option<HashMap<String, String>>,
    }
    /// `credentials`: a new login to re-link with, or `None` to keep the stored one.
    RelinkArgs { id: i64, credentials: Option<HashMap<String, String>> }
    ConnectionArgs { id: i64 }
    /// An address connection `id`'s institution window refused, as its notice named it.
    BlockedLinkArgs { id: i64, url: String }
    /// `expect_*`: the counts the preview showed; `straight_in`: save this connection's next
    /// captured statements without a preview.
    SaveCapturedArgs { id: i64, expect_imported: u32, expect_duplicates: u32, straight_in: bool }
    StraightInArgs { id: i64, straight_in: bool }
    /// `hidden`: out of every total and report (data kept), or shown again.
    HideConnectionArgs { id: i64, hidden: bool }
    /// `typed_name`: what the user typed to confirm; it must be the connection's display name.
    DeleteConnectionArgs { id: i64, typed_name: String }
    /// `performance.now()` at the window's first paint.
    FirstPaintArgs { page_ms: f64 }
    /// `ids`: those connections (the row's button); `all`: "refresh all".
    RefreshArgs { ids: Option<Vec<i64>>, all: bool }
    /// The code typed (OTP, CAPTCHA text), or `None` for "done, carry on" / "another image".
    ReplyChallengeArgs { challenge_id: u64, code: Option<String> }
    ChallengeArgs { challenge_id: u64 }
    SandboxPhoneArgs { login: String }
    SandboxApproveArgs { url: String }
    /// Dates `YYYY-MM-DD`; `None`: the core's default (the last 90 days).
    TransferSuggestionsArgs { from: Option<String>, to: Option<String> }
    /// A suggested pair, or one row (`in_tx` `None`) whose other side is not linked.
    TransferPairArgs { out_tx: i64, in_tx: Option<i64> }
    /// Either row of a marked transfer.
    UndoTransferArgs { transaction: i64 }
    /// `key`: `language`, `auto_refresh_minutes` or `report_folder` (empty: no automatic report).
    SetSettingArgs { key: String, value: String }
    /// `None`: every connection.
    AccessLogArgs { connection: Option<i64> }
    /// A statement file the window read (dropped or picked): its name, for messages, and its
    /// bytes as base64. Rows go to `account`, or to file connection `connection`, or (neither)
    /// to accounts found or created from what the file says. `rows`: how many to describe.
    PreviewImportArgs {
        name: String,
        bytes_base64: String,
        account: Option<i64>,
        connection: Option<i64>,
        rows: Option<u32>,
    }
    /// The same file and target as the preview, with the counts it showed: a save that would
    /// come out otherwise (the ledger changed meanwhile) is refused whole.
    ImportFileArgs {
        name: String,
        bytes_base64: String,
        account: Option<i64>,
        connection: Option<i64>,
        expect_imported: u32,
        expect_duplicates: u32,
    }
}

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

/// Pages of the list: the window shows only what is on screen.
#[tauri::command(rename_all = "snake_case")]
pub async fn transactions(session: State<'_, Session>, args: TransactionsArgs) -> Result<Vec<TransactionRow>> {
    let TransactionsArgs { account, category, group, from, to, limit, offset } = args;
    session.reader().await?.transactions(&TransactionQuery { account, category, group, from, to, limit, offset })
}

/// The user's groups (named sets of connections and accounts), for the list's group filter.
#[tauri::command(rename_all = "snake_case")]
pub async fn groups(session: State<'_, Session>) -> Result<Vec<GroupRow>> {
    session.reader().await?.groups()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_transaction(session: State<'_, Session>, args: AddTransactionArgs) -> Result<TransactionRow> {
    let AddTransactionArgs { date, amount, description, account, category, memo } = args;
    let input = AddTransactionInput { date, amount, description, account, category, memo, currency: None };
    session.writer().await?.add_transaction(&input)
}

/// Category, transfer mark, inclusion in totals, memo: the change survives refreshes.
#[tauri::command(rename_all = "snake_case")]
pub async fn edit_transaction(session: State<'_, Session>, args: EditTransactionArgs) -> Result<TransactionRow> {
    let yes_no = |flag: Option<bool>| flag.map(|on| if on { "yes" } else { "no" }.to_string());
    let input = EditTransactionInput {
        category: args.category,
        transfer: yes_no(args.transfer),
        included: yes_no(args.included),
        memo: args.memo,
    };
    session.writer().await?.edit_transaction(args.id, &input)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn categories(session: State<'_, Session>) -> Result<Vec<CategoryRow>> {
    session.reader().await?.categories()
}

/// Asset composition at the end of a date, computed by the core.
#[tauri::command(rename_all = "snake_case")]
pub async fn report_assets(session: State<'_, Session>, args: ReportAssetsArgs) -> Result<AssetReport> {
    session.reports().await?.report_assets(args.date.as_deref(), None)
}

/// Asset history (資産推移) by class, computed by the core from its per-month totals.
#[tauri::command(rename_all = "snake_case")]
pub async fn report_history(session: State<'_, Session>, args: ReportHistoryArgs) -> Result<HistoryReport> {
    session.reports().await?.report_history(args.from.as_deref(), args.to.as_deref(), &args.interval, None)
}

/// One account's balance history in its own currency, computed by the core.
#[tauri::command(rename_all = "snake_case")]
pub async fn account_history(session: State<'_, Session>, args: AccountHistoryArgs) -> Result<AccountHistory> {
    session.reports().await?.account_history(args.account, args.from.as_deref(), args.to.as_deref(), &args.interval)
}

/// Each account's holdings from its latest refresh, with the core's 評価損益.
#[tauri::command(rename_all = "snake_case")]
pub async fn holdings(session: State<'_, Session>, args: HoldingsArgs) -> Result<Vec<HoldingRow>> {
    session.reader().await?.holdings(args.account)
}

/// Each currency's latest rate of each source (typed, an exchange's ticker, an institution's).
#[tauri::command(rename_all = "snake_case")]
pub async fn rates(session: State<'_, Session>) -> Result<Vec<RateRow>> {
    session.reader().await?.rates()
}

/// The user's own rate for a currency: net worth counts that currency's accounts at it from then on.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_rate(session: State<'_, Session>, args: SetRateArgs) -> Result<RateRow> {
    session.writer().await?.set_rate(&args.currency, &args.rate, args.date.as_deref())
}

/// A month's income and spending, computed by the core.
#[tauri::command(rename_all = "snake_case")]
pub async fn report_monthly(session: State<'_, Session>, args: ReportMonthlyArgs) -> Result<MonthlyReport> {
    session.reports().await?.report_monthly(&args.month, args.group.as_deref())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn connections(session: State<'_, Session>) -> Result<Vec<ConnectionRow>> {
    session.reader().await?.connections()
}

#[tauri::command(rename_all = "snake_case")]
pub fn institutions(args: InstitutionsArgs) -> Result<Vec<InstitutionView>> {
    gims::api::institutions(args.search.as_deref().filter(|s| !s.trim().is_empty()), args.category.as_deref())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn connect(session: State<'_, Session>, args: ConnectArgs) -> Result<ConnectionRow> {
    let ConnectArgs { institution, name, memo, start_date, credentials } = args;
    let credentials = secrets(credentials);
    let start_date = start_date.filter(|d| !d.trim().is_empty());
    let input = ConnectInput { institution, name, memo, start_date, credentials };
    session.writer().await?.connect(input)
}

/// Display name, memo, start date, and a new login when one is given.
#[tauri::command(rename_all = "snake_case")]
pub async fn edit_connection(session: State<'_, Session>, args: EditConnectionArgs) -> Result<ConnectionRow> {
    let EditConnectionArgs { id, name, memo, start_date, credentials } = args;
    let credentials = credentials.map(secrets);
    session.writer().await?.edit_connection(id, EditInput { name, memo, start_date, credentials })
}

/// Re-link: forget the institution's session and tokens (keeping the login, or taking a new one),
/// then log in afresh now, the window answering whatever the institution asks. History is kept.
#[tauri::command(rename_all = "snake_case")]
pub async fn relink(session: State<'_, Session>, args: RelinkArgs) -> Result<Vec<RefreshReport>> {
    let mut gims = session.writer().await?;
    gims.prepare_relink(args.id, args.credentials.map(secrets))?;
    gims.refresh(RefreshTargets::Linked(vec![args.id]), true, &session.engine).await
}

/// Hides a connection with its accounts from every total (or shows it again): the
/// non-destructive alternative to deleting.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_connection_hidden(session: State<'_, Session>, args: HideConnectionArgs) -> Result<ConnectionRow> {
    let mut gims = session.writer().await?;
    existing_connection(&gims, args.id)?;
    gims.set_hidden(gims::ledger::Member::Connection(args.id), args.hidden)?;
    existing_connection(&gims, args.id)
}

/// What deleting a connection would destroy, for the confirmation dialog.
#[tauri::command(rename_all = "snake_case")]
pub async fn connection_footprint(session: State<'_, Session>, args: ConnectionArgs) -> Result<DeletedCounts> {
    let gims = session.reader().await?;
    existing_connection(&gims, args.id)?;
    gims.connection_footprint(args.id)
}

/// Deletes a connection for good. The typed name is checked here too, so that no stray call
/// deletes anything.
#[tauri::command(rename_all = "snake_case")]
pub async fn delete_connection(session: State<'_, Session>, args: DeleteConnectionArgs) -> Result<DeleteView> {
    let mut gims = session.writer().await?;
    let connection = existing_connection(&gims, args.id)?;
    confirmed_by_name(&connection, &args.typed_name)?;
    gims.delete_connection(args.id, true)
}

fn confirmed_by_name(connection: &ConnectionRow, typed_name: &str) -> Result<()> {
    match typed_name.trim() == connection.display_name.trim() {
        true => Ok(()),
        false => Err(GimsError::invalid(
            "name",
            format!("type the connection's name, {}, to confirm deleting it", connection.display_name),
        )),
    }
}

fn existing_connection(gims: &gims::api::Gims, id: i64) -> Result<ConnectionRow> {
    gims.connections()?.into_iter().find(|c| c.id == id).ok_or_else(|| {
        GimsError::invalid("connection", format!("there is no connection {id}; it may have been deleted"))
    })
}

fn secrets(fields: HashMap<String, String>) -> Credentials {
    fields.into_iter().map(|(field, value)| (field, Secret::new(value))).collect()
}

/// The window's first paint. Printed on stderr when `GIMS_BENCH` is set (for
/// `scripts/bench-desktop`), with the time since the process started; ignored otherwise.
#[tauri::command(rename_all = "snake_case")]
pub fn first_paint(session: State<'_, Session>, args: FirstPaintArgs) {
    if std::env::var_os("GIMS_BENCH").is_some() {
        let since_start = session.started.elapsed().as_secs_f64() * 1000.0;
        eprintln!("gims-bench: first_paint process_ms={since_start:.0} page_ms={:.0}", args.page_ms);
    }
}

/// Likely transfers between the user's own accounts, found by the core, with its reason.
#[tauri::command(rename_all = "snake_case")]
pub async fn transfer_suggestions(
    session: State<'_, Session>,
    args: TransferSuggestionsArgs,
) -> Result<Vec<TransferSuggestion>> {
    session.reader().await?.suggest_transfers(args.from.as_deref(), args.to.as_deref())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn transfer_marks(session: State<'_, Session>) -> Result<Vec<TransferMark>> {
    session.reader().await?.transfer_marks()
}

/// Confirms a suggestion: its rows leave income and spending.
#[tauri::command(rename_all = "snake_case")]
pub async fn mark_transfer(session: State<'_, Session>, args: TransferPairArgs) -> Result<TransferMark> {
    session.writer().await?.mark_transfer(args.out_tx, args.in_tx, None)
}

/// "Not a transfer": the core stops suggesting this pair.
#[tauri::command(rename_all = "snake_case")]
pub async fn dismiss_transfer(session: State<'_, Session>, args: TransferPairArgs) -> Result<()> {
    session.writer().await?.dismiss_transfer(args.out_tx, args.in_tx)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn undo_transfer(session: State<'_, Session>, args: UndoTransferArgs) -> Result<TransferMark> {
    session.writer().await?.undo_transfer(args.transaction)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn settings(session: State<'_, Session>) -> Result<Settings> {
    session.reader().await?.settings()
}

/// One app setting, validated by the core; returns them all as saved.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_setting(session: State<'_, Session>, args: SetSettingArgs) -> Result<Settings> {
    session.writer().await?.set_setting(&args.key, &args.value)
}

/// Every login GIMS made, newest first.
#[tauri::command(rename_all = "snake_case")]
pub async fn access_log(session: State<'_, Session>, args: AccessLogArgs) -> Result<Vec<AccessLogRow>> {
    session.reader().await?.access_log(args.connection)
}

/// Rows a preview describes one by one; the counts and sums cover the whole file.
const PREVIEW_ROWS: u32 = 500;

fn import_target(account: Option<i64>, connection: Option<i64>) -> Result<ImportTarget> {
    match (account, connection) {
        (None, None) => Ok(ImportTarget::FromFile),
        (Some(id), None) => Ok(ImportTarget::Account(id)),
        (None, Some(id)) => Ok(ImportTarget::Connection(id)),
        (Some(_), Some(_)) => Err(GimsError::invalid("account", "choose an account or a file connection, not both")),
    }
}

/// What importing the file would do, row by row; nothing is saved.
#[tauri::command(rename_all = "snake_case")]
pub async fn preview_import(session: State<'_, Session>, args: PreviewImportArgs) -> Result<ImportOutcome> {
    let file = StatementFile::from_base64(&args.name, &args.bytes_base64)?;
    let target = import_target(args.account, args.connection)?;
    let rows = args.rows.unwrap_or(PREVIEW_ROWS).min(PREVIEW_ROWS) as usize;
    session.writer().await?.import_statement(&file, target, None, None, ImportMode::preview(rows))
}

/// Imports the file as previewed, whole or not at all.
#[tauri::command(rename_all = "snake_case")]
pub async fn import_file(session: State<'_, Session>, args: ImportFileArgs) -> Result<ImportOutcome> {
    let file = StatementFile::from_base64(&args.name, &args.bytes_base64)?;
    let target = import_target(args.account, args.connection)?;
    let expect = Some((args.expect_imported as usize, args.expect_duplicates as usize));
    session.writer().await?.import_statement(&file, target, None, None, ImportMode { expect, ..ImportMode::SAVE })
}

// The household ledger (レポート, 予算, カテゴリ・ルール, グループ, the monthly report files):
// each forwards to the core, which computes every figure.

command_args! {
    /// `group`: a group's name, `None` the default group (everything not hidden).
    ReportYearArgs { year: i32, group: Option<String> }
    /// `YYYY-MM`, over `group` (`None`: the default group).
    ReportBudgetArgs { month: String, group: Option<String> }
    /// Points and e-money expiring within `days` days.
    ReportExpiringArgs { days: u32, group: Option<String> }
    /// `category` `大項目/中項目` or `大項目`; `amount` `None` removes the budget; `month` `YYYY-MM`
    /// for that month only, `None` for every month.
    SetBudgetArgs { category: String, amount: Option<String>, month: Option<String> }
    GroupNameArgs { name: String }
    /// Exactly one of `connection` and `account`; `present`: in the group, or taken out.
    SetGroupMemberArgs { group: String, connection: Option<i64>, account: Option<i64>, present: bool }
    /// What to match (text, an amount range in yen, an account) and what to set (a category, the
    /// transfer mark, inclusion in totals). `apply`: file the existing uncategorised rows too.
    AddRuleArgs {
        match_text: Option<String>,
        min_amount: Option<String>,
        max_amount: Option<String>,
        account: Option<i64>,
        category: Option<String>,
        transfer: Option<bool>,
        included: Option<bool>,
        apply: bool,
    }
    RuleArgs { id: i64 }
    /// `overwrite`: every row the rules match, not only uncategorised ones.
    ApplyRulesArgs { overwrite: bool }
    /// `apply`: file the existing uncategorised rows the new rules match too.
    StarterRulesArgs { apply: bool }
    PredictionsArgs { limit: u32 }
    /// The transaction the user just filed under a category.
    ProposeRuleArgs { transaction: i64 }
    /// `parent` (`大項目`) for a 中項目; `kind` `income` or `expense` for a 大項目.
    AddCategoryArgs { name: String, parent: Option<String>, kind: Option<String> }
    RenameCategoryArgs { category: String, name: String }
    /// Every transaction, rule and budget of `from` moves to `into`; then `from` goes.
    MergeCategoryArgs { from: String, into: String }
    CategoryHiddenArgs { category: String, hidden: bool }
    /// `YYYY-MM`.
    ExportReportArgs { month: String }
}

/// A year by month (income, spending, net), computed by the core.
#[tauri::command(rename_all = "snake_case")]
pub async fn report_year(session: State<'_, Session>, args: ReportYearArgs) -> Result<YearReport> {
    session.reports().await?.report_year(args.year, args.group.as_deref())
}

/// The month's spending against each budget, computed by the core.
#[tauri::command(rename_all = "snake_case")]
pub async fn report_budget(session: State<'_, Session>, args: ReportBudgetArgs) -> Result<BudgetReport> {
    session.reports().await?.report_budget(&args.month, args.group.as_deref())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn report_expiring(session: State<'_, Session>, args: ReportExpiringArgs) -> Result<Vec<ExpiringLine>> {
    session.reports().await?.report_expiring(args.days, args.group.as_deref())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_budget(session: State<'_, Session>, args: SetBudgetArgs) -> Result<()> {
    session.writer().await?.set_budget(&args.category, args.amount.as_deref(), args.month.as_deref())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn create_group(session: State<'_, Session>, args: GroupNameArgs) -> Result<GroupRow> {
    session.writer().await?.create_group(&args.name)
}

/// Deletes the group only: its connections and accounts stay as they are.
#[tauri::command(rename_all = "snake_case")]
pub async fn delete_group(session: State<'_, Session>, args: GroupNameArgs) -> Result<GroupRow> {
    session.writer().await?.delete_group(&args.name)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_group_member(session: State<'_, Session>, args: SetGroupMemberArgs) -> Result<GroupRow> {
    let member = match (args.connection, args.account) {
        (Some(id), None) => gims::ledger::Member::Connection(id),
        (None, Some(id)) => gims::ledger::Member::Account(id),
        _ => return Err(GimsError::invalid("member", "name one connection or one account")),
    };
    session.writer().await?.set_group_member(&args.group, member, args.present)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn rules(session: State<'_, Session>) -> Result<Vec<RuleRow>> {
    session.reader().await?.rules()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_rule(session: State<'_, Session>, args: AddRuleArgs) -> Result<RuleAdded> {
    let yes_no = |flag: Option<bool>| flag.map(|on| if on { "yes" } else { "no" }.to_string());
    let blank_is_none = |text: Option<String>| text.filter(|t| !t.trim().is_empty());
    let input = RuleInput {
        match_text: blank_is_none(args.match_text),
        min_amount: blank_is_none(args.min_amount),
        max_amount: blank_is_none(args.max_amount),
        account: args.account,
        category: blank_is_none(args.category),
        transfer: yes_no(args.transfer),
        included: yes_no(args.included),
    };
    session.writer().await?.add_rule(&input, args.apply)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn delete_rule(session: State<'_, Session>, args: RuleArgs) -> Result<()> {
    session.writer().await?.delete_rule(args.id)
}

/// Applies every rule to the saved rows; returns how many changed.
#[tauri::command(rename_all = "snake_case")]
pub async fn apply_rules(session: State<'_, Session>, args: ApplyRulesArgs) -> Result<usize> {
    session.writer().await?.apply_rules(args.overwrite)
}

/// Adds the starter rules (common payees) the user has none for.
#[tauri::command(rename_all = "snake_case")]
pub async fn add_starter_rules(session: State<'_, Session>, args: StarterRulesArgs) -> Result<StarterRulesAdded> {
    session.writer().await?.add_starter_rules(args.apply)
}

/// Categories the core predicts for uncategorised rows, each with its explanation.
#[tauri::command(rename_all = "snake_case")]
pub async fn predict_categories(session: State<'_, Session>, args: PredictionsArgs) -> Result<Vec<Prediction>> {
    session.reader().await?.predict_categories(args.limit as usize)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn accept_predictions(session: State<'_, Session>, args: PredictionsArgs) -> Result<Vec<Prediction>> {
    session.writer().await?.accept_predictions(args.limit as usize)
}

/// After the user filed a row: the rule the core would propose, if any.
#[tauri::command(rename_all = "snake_case")]
pub async fn propose_rule(session: State<'_, Session>, args: ProposeRuleArgs) -> Result<Option<RuleProposal>> {
    session.reader().await?.propose_rule(args.transaction)
}

/// Every category, hidden ones too.
#[tauri::command(rename_all = "snake_case")]
pub async fn category_tree(session: State<'_, Session>) -> Result<Vec<CategoryEntry>> {
    session.reader().await?.category_tree()
}

#[tauri::command(rename_all = "snake_case")]
pub async fn add_category(session: State<'_, Session>, args: AddCategoryArgs) -> Result<CategoryRow> {
    session.writer().await?.add_category(&args.name, args.parent.as_deref(), args.kind.as_deref())
}

#[tauri::command(rename_all = "snake_case")]
pub async fn rename_category(session: State<'_, Session>, args: RenameCategoryArgs) -> Result<CategoryRow> {
    session.writer().await?.rename_category(&args.category, &args.name)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn merge_category(session: State<'_, Session>, args: MergeCategoryArgs) -> Result<MergeView> {
    session.writer().await?.merge_category(&args.from, &args.into)
}

#[tauri::command(rename_all = "snake_case")]
pub async fn set_category_hidden(session: State<'_, Session>, args: CategoryHiddenArgs) -> Result<()> {
    session.writer().await?.set_category_hidden(&args.category, args.hidden)
}

/// The months whose report is in the report folder, newest first.
#[tauri::command(rename_all = "snake_case")]
pub async fn written_reports(session: State<'_, Session>) -> Result<Vec<ReportFile>> {
    session.reader().await?.written_reports()
}

/// Writes a month's report (HTML and CSV) into the report folder now.
#[tauri::command(rename_all = "snake_case")]
pub async fn export_report_now(session: State<'_, Session>, args: ExportReportArgs) -> Result<WrittenReport> {
    session.writer().await?.export_report_now(&args.month)
}

/// The window is there to answer challenges, so runs are interactive.
#[tauri::command(rename_all = "snake_case")]
pub async fn refresh(session: State<'_, Session>, args: RefreshArgs) -> Result<Vec<RefreshReport>> {
    let targets = match (args.all, args.ids) {
        (true, _) => RefreshTargets::All,
        (false, Some(ids)) if !ids.is_empty() => RefreshTargets::Connections(ids),
        (false, _) => return Err(GimsError::invalid("refresh", "name the connections to refresh, or all")),
    };
    session.writer().await?.refresh(targets, true, &session.engine).await
}

#[tauri::command(rename_all = "snake_case")]
pub fn reply_challenge(session: State<'_, Session>, args: ReplyChallengeArgs) -> Result<()> {
    let reply = match args.code {
        Some(code) => Reply::Code(Secret::new(code)),
        None => Reply::Continue,
    };
    settled(session.engine.broker.reply(args.challenge_id, reply))
}

#[tauri::command(rename_all = "snake_case")]
pub fn cancel_challenge(session: State<'_, Session>, args: ChallengeArgs) -> Result<()> {
    settled(session.engine.broker.cancel(args.challenge_id))
}

/// Opens the consent page of an open challenge in the system browser. The window names the
/// challenge, not an address: it cannot make GIMS open anything a connector did not ask for.
#[tauri::command(rename_all = "snake_case")]
pub fn open_consent_page(session: State<'_, Session>, args: ChallengeArgs) -> Result<()> {
    let url = session.consent_page(args.challenge_id)?;
    open::that_detached(&url).map_err(|e| {
        GimsError::internal(format!("could not open the browser ({e}); open the address shown in the dialog yourself"))
    })
}

/// Refreshes a window connection: opens its institution window on the login page, where the
/// user logs in; the statement downloaded there is imported (`institution-window` events say how
/// it went).
#[tauri::command(rename_all = "snake_case")]
pub async fn open_institution_window(app: tauri::AppHandle, args: ConnectionArgs) -> Result<WindowSession> {
    crate::institution_window::open(&app, args.id).await
}

/// Opens in the system browser the address an institution window refused (the user agreed).
#[tauri::command(rename_all = "snake_case")]
pub fn open_blocked_link(app: tauri::AppHandle, args: BlockedLinkArgs) -> Result<()> {
    crate::institution_window::open_refused(&app, args.id, &args.url)
}

/// The statement connection `id`'s institution window caught, previewed, waiting for the user.
#[tauri::command(rename_all = "snake_case")]
pub fn captured_statement(app: tauri::AppHandle, args: ConnectionArgs) -> Option<CapturedStatement> {
    crate::institution_window::captured(&app, args.id)
}

/// Saves the caught statement exactly as previewed, whole or not at all.
#[tauri::command(rename_all = "snake_case")]
pub async fn save_captured(app: tauri::AppHandle, args: SaveCapturedArgs) -> Result<ImportOutcome> {
    let expect = (args.expect_imported as usize, args.expect_duplicates as usize);
    crate::institution_window::save_captured(&app, args.id, expect, args.straight_in).await
}

/// Lets the caught statement go, unsaved.
#[tauri::command(rename_all = "snake_case")]
pub fn discard_captured(app: tauri::AppHandle, args: ConnectionArgs) -> bool {
    crate::institution_window::discard_captured(&app, args.id)
}

/// "Next time from here": the page the connection's last download started on becomes where its
/// window goes after the login (the shell kept it; the core checks it is the institution's).
#[tauri::command(rename_all = "snake_case")]
pub async fn remember_download_page(app: tauri::AppHandle, args: ConnectionArgs) -> Result<ConnectionRow> {
    crate::institution_window::remember_page(&app, args.id).await
}

/// Forgets the recorded page: the window walks the catalog's steps again.
#[tauri::command(rename_all = "snake_case")]
pub async fn forget_download_page(session: State<'_, Session>, args: ConnectionArgs) -> Result<ConnectionRow> {
    let mut gims = session.writer().await?;
    gims.forget_download_page(args.id)?;
    existing_connection(&gims, args.id)
}

/// Walks the connection's recipe now in its open window (the user says they are logged in).
#[tauri::command(rename_all = "snake_case")]
pub fn walk_recipe(app: tauri::AppHandle, args: ConnectionArgs) -> Result<()> {
    crate::institution_window::walk_now(&app, args.id)
}

/// Whether a window connection's caught statements are saved without a preview.
#[tauri::command(rename_all = "snake_case")]
pub async fn set_capture_straight_in(session: State<'_, Session>, args: StraightInArgs) -> Result<ConnectionRow> {
    let mut gims = session.writer().await?;
    gims.set_capture_straight_in(args.id, args.straight_in)?;
    existing_connection(&gims, args.id)
}

/// What the demo's sandbox phone received (connectors/sandbox/PROTOCOL.md), oldest first.
#[derive(Debug, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SandboxPhone {
    pub messages: Vec<SandboxPhoneMessage>,
}

#[derive(Debug, Deserialize, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SandboxPhoneMessage {
    /// `otp`, `sms_link` or `approval`.
    pub kind: String,
    pub code: Option<String>,
    pub url: Option<String>,
    /// RFC 3339.
    pub at: String,
    pub institution: String,
}

/// Demo mode only: what the sandbox "phone" of `login` received (one-time passwords, approval
/// links), so that a person trying the demo can answer. Real institutions never come near this.
#[tauri::command(rename_all = "snake_case")]
pub async fn sandbox_phone(session: State<'_, Session>, args: SandboxPhoneArgs) -> Result<SandboxPhone> {
    let url = format!("{}/_sandbox/phone", session.demo_sandbox_url()?);
    let response =
        reqwest::Client::new().get(url).query(&[("login", args.login)]).send().await.map_err(sandbox_error)?;
    response.error_for_status().map_err(sandbox_error)?.json().await.map_err(sandbox_error)
}

/// Demo mode only: "taps" an approval link that the sandbox phone received.
#[tauri::command(rename_all = "snake_case")]
pub async fn sandbox_approve(session: State<'_, Session>, args: SandboxApproveArgs) -> Result<()> {
    let base = session.demo_sandbox_url()?;
    if !args.url.starts_with(&format!("{base}/")) {
        return Err(GimsError::invalid("url", "only the sandbox's own approval links can be opened here"));
    }
    reqwest::get(args.url).await.and_then(|r| r.error_for_status()).map_err(sandbox_error)?;
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

    #[test]
    fn deleting_needs_the_connection_name_typed() {
        let connection = sample_connection();
        assert!(confirmed_by_name(&connection, "メイン口座").is_ok());
        assert!(confirmed_by_name(&connection, " メイン口座 ").is_ok());
        let error = confirmed_by_name(&connection, "メイン").unwrap_err();
        assert_eq!(serde_json::to_value(&error).unwrap()["code"], "input.invalid");
        assert!(confirmed_by_name(&connection, "").is_err());
    }

    fn sample_connection() -> ConnectionRow {
        ConnectionRow {
            id: 1,
            institution_id: "sandbox-bank".into(),
            display_name: "メイン口座".into(),
            memo: String::new(),
            status: "ok".into(),
            action: "none".into(),
            action_url: None,
            message: String::new(),
            last_fetched_at: None,
            last_attempt_at: None,
            next_refresh_at: None,
            start_date: None,
            hidden: false,
            capture_straight_in: false,
            download_page: None,
        }
    }
}
