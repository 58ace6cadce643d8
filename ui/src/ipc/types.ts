// The core's views as they cross IPC (serde's JSON of the Rust structs in src/api, src/ledger,
// src/refresh/events.rs). Hand-written for this slice; generating them with ts-rs is the plan.

export interface GimsError {
  code: string;
  message: string;
}

export interface AppInfo {
  demo: boolean;
  vault: string;
  version: string;
  open_error: GimsError | null;
}

export interface StatusView {
  vault: string;
  schema_version: number;
  encrypted: boolean;
  key_source: string;
  connections: number;
  accounts: number;
  transactions: number;
}

export interface AccountRow {
  id: number;
  connection_id: number | null;
  name: string;
  kind: string;
  currency: string;
  /** Exact decimal string in `currency`. */
  balance: string;
  balance_as_of: string | null;
  included: boolean;
}

export interface TransactionRow {
  id: number;
  account_id: number | null;
  date: string;
  /** Exact decimal string in `currency`. */
  amount: string;
  currency: string;
  description: string;
  memo: string;
  category: string;
  subcategory: string | null;
  transfer: boolean;
  included: boolean;
  source: string;
}

export interface ConnectionRow {
  id: number;
  institution_id: string;
  display_name: string;
  memo: string;
  status: string;
  action: string;
  action_url: string | null;
  message: string;
  last_fetched_at: string | null;
  last_attempt_at: string | null;
  next_refresh_at: string | null;
  start_date: string | null;
}

export interface CredentialField {
  id: string;
  label: string;
  secret: boolean;
}

export interface RefreshPolicy {
  auto_refresh: boolean;
  manual_refresh: boolean;
  bulk_refresh: boolean;
  min_interval_secs: number;
  needs_user_every_login: boolean;
}

export interface InstitutionView {
  id: string;
  name: string;
  category: string;
  aliases: string[];
  auth: { kind: string; fields: CredentialField[] };
  policy: RefreshPolicy;
  status: "active" | "ended";
  status_message: string | null;
}

export interface RefreshReport {
  connection_id: number;
  outcome: string;
  status: string;
  action: string;
  added: number;
  updated: number;
  message: string;
}

export type RunState =
  | "queued"
  | "logging_in"
  | "awaiting_user"
  | "fetching"
  | "saving"
  | "done"
  | "failed"
  | "cancelled";

export interface ChallengeView {
  kind: "otp" | "captcha" | "approval" | "consent" | string;
  sent_to: string | null;
  expires_at: string | null;
  attempt: number;
  /** base64 PNG, CAPTCHAs only. */
  image_png?: string;
  message: string | null;
  url: string | null;
}

export type EngineEvent =
  | { event: "run_state"; connection_id: number; state: RunState }
  | { event: "challenge_asked"; challenge_id: number; connection_id: number; challenge: ChallengeView }
  | { event: "challenge_closed"; challenge_id: number; connection_id: number };

export interface ConnectForm {
  institution: string;
  name: string;
  memo: string;
  start_date: string;
  credentials: Record<string, string>;
}

/** What the demo's sandbox phone received (connectors/sandbox/PROTOCOL.md). */
export interface SandboxPhoneMessage {
  kind: "otp" | "sms_link" | "approval" | string;
  code?: string;
  url?: string;
  at: string;
  institution: string;
}

export interface TransactionPageQuery {
  limit?: number;
  offset?: number;
  from?: string;
  to?: string;
  account?: number;
}

export interface ManualTransactionForm {
  date: string;
  amount: string;
  description: string;
  account: number | null;
  category: string;
  memo: string;
}

export interface CategoryRow {
  id: number;
  category: string;
  subcategory: string | null;
  kind: string;
}

export interface AssetClassLine {
  class: string;
  amount: string;
}

export interface AssetReport {
  date: string;
  currency: string;
  total: string;
  classes: AssetClassLine[];
  unvalued: { account_id: number; currency: string; balance: string }[];
}

export interface MonthlyReport {
  month: string;
  currency: string;
  income: string;
  expense: string;
  net: string;
  categories: { category: string; subcategory: string | null; kind: string; amount: string }[];
  other_currencies: { currency: string; income: string; expense: string }[];
}

export interface DeletedCounts {
  accounts: number;
  transactions: number;
  balance_snapshots: number;
  holdings: number;
  rules: number;
}

export interface DeleteView {
  deleted: number;
  display_name: string;
  destroyed: DeletedCounts;
}
