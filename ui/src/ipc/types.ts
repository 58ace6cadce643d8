// The types that cross IPC are generated from the Rust types (../bindings, by
// src-tauri/src/bindings.rs; a test fails when they are stale). Only the window's own form
// shapes are written here.

export type * from "../bindings";

/** The link form as typed (empty strings for fields left blank). */
export interface ConnectForm {
  institution: string;
  name: string;
  memo: string;
  start_date: string;
  credentials: Record<string, string>;
}

/** The manual-transaction form as typed. */
export interface ManualTransactionForm {
  date: string;
  amount: string;
  description: string;
  account: number | null;
  category: string;
  memo: string;
}

/** A page of the transaction list. */
export interface TransactionPageQuery {
  limit?: number;
  offset?: number;
  from?: string;
  to?: string;
  account?: number;
  /** `大項目/中項目`, or a 大項目 with its 中項目. */
  category?: string;
  /** A group's name: only its accounts. */
  group?: string;
}

/** A statement file read in the window (dropped or picked), its bytes as base64. */
export interface StatementUpload {
  name: string;
  base64: string;
}

/** Where an import goes: an account, a file connection, or (neither) decided by the file. */
export interface ImportTargetChoice {
  account?: number;
  connection?: number;
}
