// The only module that talks to Tauri. Every call returns the core's view or rejects with the
// core's `{code, message}`. Argument and result types are generated from the Rust commands
// (../bindings): a command that takes arguments reads them as one `args` object.

import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type {
  AccessLogArgs,
  AccessLogRow,
  AccountHistory,
  AccountHistoryArgs,
  AccountRow,
  AddTransactionArgs,
  AppInfo,
  AssetReport,
  BlockedLinkArgs,
  CapturedStatement,
  CategoryRow,
  ChallengeArgs,
  HoldingRow,
  HoldingsArgs,
  RateRow,
  SetRateArgs,
  ConnectArgs,
  ConnectForm,
  ConnectionArgs,
  ConnectionRow,
  DeleteConnectionArgs,
  DeletedCounts,
  DeleteView,
  EditConnectionArgs,
  EditTransactionArgs,
  EngineEvent,
  HistoryReport,
  WindowSession,
  ErrorCode,
  ImportFileArgs,
  ImportOutcome,
  PreviewImportArgs,
  SaveCapturedArgs,
  StraightInArgs,
  FirstPaintArgs,
  HideConnectionArgs,
  GimsError,
  GroupRow,
  ImportTargetChoice,
  InstitutionsArgs,
  InstitutionWindowEvent,
  InstitutionView,
  ManualTransactionForm,
  MonthlyReport,
  RefreshArgs,
  RefreshReport,
  RelinkArgs,
  ReplyChallengeArgs,
  ReportAssetsArgs,
  ReportHistoryArgs,
  ReportMonthlyArgs,
  SandboxApproveArgs,
  SandboxPhone,
  SandboxPhoneArgs,
  StatusView,
  TransactionPageQuery,
  TransactionRow,
  TransactionsArgs,
  SetSettingArgs,
  Settings,
  StatementUpload,
  TransferMark,
  TransferPairArgs,
  TransferSuggestion,
  TransferSuggestionsArgs,
  UndoTransferArgs,
  // the household ledger
  AddCategoryArgs,
  AddRuleArgs,
  ApplyRulesArgs,
  StarterRulesAdded,
  StarterRulesArgs,
  BudgetReport,
  CategoryEntry,
  CategoryHiddenArgs,
  ExpiringLine,
  ExportReportArgs,
  GroupNameArgs,
  MergeCategoryArgs,
  MergeView,
  Prediction,
  PredictionsArgs,
  ProposeRuleArgs,
  RenameCategoryArgs,
  ReportBudgetArgs,
  ReportExpiringArgs,
  ReportFile,
  ReportYearArgs,
  RuleAdded,
  RuleArgs,
  RuleProposal,
  RuleRow,
  SetBudgetArgs,
  SetGroupMemberArgs,
  WrittenReport,
  YearReport,
} from "./types";

export type * from "./types";

async function call<T>(command: string): Promise<T>;
async function call<T, A>(command: string, args: A): Promise<T>;
async function call<T, A>(command: string, args?: A): Promise<T> {
  try {
    return await invoke<T>(command, args === undefined ? undefined : { args });
  } catch (raw) {
    throw asGimsError(raw);
  }
}

/** Anything thrown across IPC, as `{code, message}`. */
export function asGimsError(raw: unknown): GimsError {
  if (raw && typeof raw === "object" && "code" in raw && "message" in raw) {
    return { code: String(raw.code) as ErrorCode, message: String(raw.message) };
  }
  return { code: "internal", message: String(raw) };
}

const orNull = (text: string) => (text.trim() === "" ? null : text.trim());

export const ipc = {
  appInfo: () => call<AppInfo>("app_info"),
  status: () => call<StatusView>("status"),
  accounts: () => call<AccountRow[]>("accounts"),
  /** Newest first, one page: `offset` rows skipped, at most `limit` returned. */
  transactions: (query: TransactionPageQuery = {}) =>
    call<TransactionRow[], TransactionsArgs>("transactions", {
      limit: query.limit ?? null,
      offset: query.offset ?? null,
      from: query.from ?? null,
      to: query.to ?? null,
      account: query.account ?? null,
      category: query.category ?? null,
      group: query.group ?? null,
    }),
  groups: () => call<GroupRow[]>("groups"),
  addTransaction: (form: ManualTransactionForm) =>
    call<TransactionRow, AddTransactionArgs>("add_transaction", {
      date: form.date.trim(),
      amount: form.amount.trim(),
      description: form.description,
      account: form.account,
      category: orNull(form.category),
      memo: orNull(form.memo),
    }),
  /** Only the fields given change. */
  editTransaction: (id: number, change: { category?: string; transfer?: boolean; included?: boolean; memo?: string }) =>
    call<TransactionRow, EditTransactionArgs>("edit_transaction", {
      id,
      category: change.category ?? null,
      transfer: change.transfer ?? null,
      included: change.included ?? null,
      memo: change.memo ?? null,
    }),
  categories: () => call<CategoryRow[]>("categories"),
  /** Computed by the core; the window only shows it. `null`: today in Japan. */
  reportAssets: (date: string | null = null) => call<AssetReport, ReportAssetsArgs>("report_assets", { date }),
  /** `group` null: the default group (everything not hidden). */
  reportMonthly: (month: string, group: string | null = null) =>
    call<MonthlyReport, ReportMonthlyArgs>("report_monthly", { month, group }),
  /** Net worth at each month end (and today), by class: one call, from the core's per-month totals. */
  reportHistory: (interval: "day" | "month", from: string | null = null, to: string | null = null) =>
    call<HistoryReport, ReportHistoryArgs>("report_history", { from, to, interval }),
  /** One account's balance in its own currency; `from` null: from its first recorded day. */
  accountHistory: (account: number, interval: "day" | "month" | "auto", from: string | null = null) =>
    call<AccountHistory, AccountHistoryArgs>("account_history", { account, from, to: null, interval }),
  /** Each account's latest holdings with the core's 評価損益 (`account` null: every account). */
  holdings: (account: number | null = null) => call<HoldingRow[], HoldingsArgs>("holdings", { account }),
  /** Each currency's latest rate of each source, as the core keeps them. */
  rates: () => call<RateRow[]>("rates"),
  /** The user's rate (yen for one unit) for `currency` on `date` (null: today in Japan). */
  setRate: (currency: string, rate: string, date: string | null = null) =>
    call<RateRow, SetRateArgs>("set_rate", { currency, rate, date }),
  connections: () => call<ConnectionRow[]>("connections"),
  institutions: (search: string, category: string | null) =>
    call<InstitutionView[], InstitutionsArgs>("institutions", { search: orNull(search), category }),
  /** Credentials cross once, here, and are kept only in the OS keychain. */
  connect: (form: ConnectForm) =>
    call<ConnectionRow, ConnectArgs>("connect", {
      institution: form.institution,
      name: orNull(form.name),
      memo: orNull(form.memo),
      start_date: orNull(form.start_date),
      credentials: form.credentials,
    }),
  /** Settings; `credentials` (a new login) only when the user typed one. */
  editConnection: (
    id: number,
    change: { name?: string; memo?: string; start_date?: string; credentials?: Record<string, string> },
  ) =>
    call<ConnectionRow, EditConnectionArgs>("edit_connection", {
      id,
      name: change.name ?? null,
      memo: change.memo ?? null,
      start_date: change.start_date ?? null,
      credentials: change.credentials ?? null,
    }),
  relink: (id: number, credentials: Record<string, string> | null = null) =>
    call<RefreshReport[], RelinkArgs>("relink", { id, credentials }),
  /** Out of every total and report, data kept (or shown again). */
  setConnectionHidden: (id: number, hidden: boolean) =>
    call<ConnectionRow, HideConnectionArgs>("set_connection_hidden", { id, hidden }),
  connectionFootprint: (id: number) => call<DeletedCounts, ConnectionArgs>("connection_footprint", { id }),
  /** `typedName` must be the connection's display name: the shell checks it again. */
  deleteConnection: (id: number, typedName: string) =>
    call<DeleteView, DeleteConnectionArgs>("delete_connection", { id, typed_name: typedName }),
  /** For the benchmark: the window's first paint (ignored unless GIMS_BENCH is set). */
  firstPaint: (pageMs: number) => call<void, FirstPaintArgs>("first_paint", { page_ms: pageMs }),
  refresh: (ids: number[]) => call<RefreshReport[], RefreshArgs>("refresh", { ids, all: false }),
  refreshAll: () => call<RefreshReport[], RefreshArgs>("refresh", { ids: null, all: true }),
  /** A code (OTP, CAPTCHA text), or null for "done, carry on" / "another image". */
  replyChallenge: (challengeId: number, code: string | null) =>
    call<void, ReplyChallengeArgs>("reply_challenge", { challenge_id: challengeId, code }),
  cancelChallenge: (challengeId: number) =>
    call<void, ChallengeArgs>("cancel_challenge", { challenge_id: challengeId }),
  /** Opens the consent page of an open challenge in the system browser. */
  openConsentPage: (challengeId: number) =>
    call<void, ChallengeArgs>("open_consent_page", { challenge_id: challengeId }),
  /** Demo mode only: the sandbox phone's messages for a sandbox login. */
  sandboxPhone: (login: string) => call<SandboxPhone, SandboxPhoneArgs>("sandbox_phone", { login }),
  sandboxApprove: (url: string) => call<void, SandboxApproveArgs>("sandbox_approve", { url }),
  /** The core's suggested transfers (its default range: the last 90 days), each with its reason. */
  transferSuggestions: (from: string | null = null, to: string | null = null) =>
    call<TransferSuggestion[], TransferSuggestionsArgs>("transfer_suggestions", { from, to }),
  transferMarks: () => call<TransferMark[]>("transfer_marks"),
  /** `inTx` null: one-sided, the other account is not linked. */
  markTransfer: (outTx: number, inTx: number | null) =>
    call<TransferMark, TransferPairArgs>("mark_transfer", { out_tx: outTx, in_tx: inTx }),
  dismissTransfer: (outTx: number, inTx: number | null) =>
    call<void, TransferPairArgs>("dismiss_transfer", { out_tx: outTx, in_tx: inTx }),
  undoTransfer: (transaction: number) => call<TransferMark, UndoTransferArgs>("undo_transfer", { transaction }),
  settings: () => call<Settings>("settings"),
  /** Validated by the core; returns every setting as saved. An empty `report_folder` turns the report off. */
  setSetting: (key: "language" | "auto_refresh_minutes" | "report_folder", value: string) =>
    call<Settings, SetSettingArgs>("set_setting", { key, value }),
  /** Every login GIMS made, newest first; `connection` narrows it to one. */
  accessLog: (connection: number | null = null) => call<AccessLogRow[], AccessLogArgs>("access_log", { connection }),
  /** What importing a statement file would do, row by row (the first `rows`); nothing is saved. */
  previewImport: (file: StatementUpload, target: ImportTargetChoice, rows: number | null = null) =>
    call<ImportOutcome, PreviewImportArgs>("preview_import", {
      name: file.name,
      bytes_base64: file.base64,
      account: target.account ?? null,
      connection: target.connection ?? null,
      rows,
    }),
  /** Imports the file as previewed, whole or not at all; refused when the counts would differ now. */
  importFile: (file: StatementUpload, target: ImportTargetChoice, previewed: ImportOutcome) =>
    call<ImportOutcome, ImportFileArgs>("import_file", {
      name: file.name,
      bytes_base64: file.base64,
      account: target.account ?? null,
      connection: target.connection ?? null,
      expect_imported: previewed.imported,
      expect_duplicates: previewed.duplicates,
    }),
  // The household ledger: reports over a group (null: everything not hidden), budgets,
  // categories, rules, learning, groups and the monthly report files. The core computes every figure.
  reportYear: (year: number, group: string | null = null) =>
    call<YearReport, ReportYearArgs>("report_year", { year, group }),
  reportBudget: (month: string, group: string | null = null) =>
    call<BudgetReport, ReportBudgetArgs>("report_budget", { month, group }),
  reportExpiring: (days: number, group: string | null = null) =>
    call<ExpiringLine[], ReportExpiringArgs>("report_expiring", { days, group }),
  /** `amount` null removes it; `month` null: every month, else that month only. */
  setBudget: (category: string, amount: string | null, month: string | null) =>
    call<void, SetBudgetArgs>("set_budget", { category, amount, month }),
  createGroup: (name: string) => call<GroupRow, GroupNameArgs>("create_group", { name }),
  deleteGroup: (name: string) => call<GroupRow, GroupNameArgs>("delete_group", { name }),
  setGroupMember: (group: string, member: { connection: number } | { account: number }, present: boolean) =>
    call<GroupRow, SetGroupMemberArgs>("set_group_member", {
      group,
      connection: "connection" in member ? member.connection : null,
      account: "account" in member ? member.account : null,
      present,
    }),
  rules: () => call<RuleRow[]>("rules"),
  addRule: (rule: Omit<AddRuleArgs, "apply">, apply: boolean) => call<RuleAdded, AddRuleArgs>("add_rule", { ...rule, apply }),
  deleteRule: (id: number) => call<void, RuleArgs>("delete_rule", { id }),
  /** How many saved rows changed. */
  applyRules: (overwrite = false) => call<number, ApplyRulesArgs>("apply_rules", { overwrite }),
  /** The starter rules (common payees) the user has none for; `apply` files the saved rows too. */
  addStarterRules: (apply: boolean) => call<StarterRulesAdded, StarterRulesArgs>("add_starter_rules", { apply }),
  predictCategories: (limit: number) => call<Prediction[], PredictionsArgs>("predict_categories", { limit }),
  acceptPredictions: (limit: number) => call<Prediction[], PredictionsArgs>("accept_predictions", { limit }),
  proposeRule: (transaction: number) => call<RuleProposal | null, ProposeRuleArgs>("propose_rule", { transaction }),
  categoryTree: () => call<CategoryEntry[]>("category_tree"),
  addCategory: (name: string, parent: string | null, kind: string | null) =>
    call<CategoryRow, AddCategoryArgs>("add_category", { name, parent, kind }),
  renameCategory: (category: string, name: string) =>
    call<CategoryRow, RenameCategoryArgs>("rename_category", { category, name }),
  mergeCategory: (from: string, into: string) => call<MergeView, MergeCategoryArgs>("merge_category", { from, into }),
  setCategoryHidden: (category: string, hidden: boolean) =>
    call<void, CategoryHiddenArgs>("set_category_hidden", { category, hidden }),
  writtenReports: () => call<ReportFile[]>("written_reports"),
  exportReportNow: (month: string) => call<WrittenReport, ExportReportArgs>("export_report_now", { month }),
  onEngineEvent: (handler: (event: EngineEvent) => void): Promise<UnlistenFn> =>
    listen<EngineEvent>("engine", (message) => handler(message.payload)),
  /** Refreshes a window connection: its institution window opens on the login page. */
  openInstitutionWindow: (id: number) => call<WindowSession, ConnectionArgs>("open_institution_window", { id }),
  /** Opens in the system browser an address that connection's window refused (the core checks it did). */
  openBlockedLink: (id: number, url: string) => call<void, BlockedLinkArgs>("open_blocked_link", { id, url }),
  /** The statement the connection's window caught, previewed, not saved yet (or null). */
  capturedStatement: (id: number) => call<CapturedStatement | null, ConnectionArgs>("captured_statement", { id }),
  /** Saves the caught statement as previewed, whole or not at all; `straightIn`: the next ones without a preview. */
  saveCaptured: (id: number, previewed: ImportOutcome, straightIn: boolean) =>
    call<ImportOutcome, SaveCapturedArgs>("save_captured", {
      id,
      expect_imported: previewed.imported,
      expect_duplicates: previewed.duplicates,
      straight_in: straightIn,
    }),
  /** Lets the caught statement go, unsaved. */
  discardCaptured: (id: number) => call<boolean, ConnectionArgs>("discard_captured", { id }),
  /** "Next time from here": the page the last download started on (kept by the shell) becomes the window's way to the statement. */
  rememberDownloadPage: (id: number) => call<ConnectionRow, ConnectionArgs>("remember_download_page", { id }),
  forgetDownloadPage: (id: number) => call<ConnectionRow, ConnectionArgs>("forget_download_page", { id }),
  /** Walks the recipe now in the open window (the user is logged in). */
  walkRecipe: (id: number) => call<void, ConnectionArgs>("walk_recipe", { id }),
  setCaptureStraightIn: (id: number, straightIn: boolean) =>
    call<ConnectionRow, StraightInArgs>("set_capture_straight_in", { id, straight_in: straightIn }),
  onInstitutionWindow: (handler: (event: InstitutionWindowEvent) => void): Promise<UnlistenFn> =>
    listen<InstitutionWindowEvent>("institution-window", (message) => handler(message.payload)),
};
