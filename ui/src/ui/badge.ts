// A connection's status as a badge: a colour and the words, never the colour alone.

import { h } from "./dom";
import { t, tKnown } from "../i18n";
import type { ConnectionRow } from "../ipc";
import { listDateTime } from "./time";

const TONE: Record<string, string> = {
  ok: "ok",
  needs_user: "warn",
  busy: "warn",
  maintenance: "warn",
  action_required: "warn",
  bad_credentials: "bad",
  consent_expired: "bad",
  site_changed: "bad",
  unreachable: "bad",
  ended: "muted",
  file: "ok",
  file_due: "warn",
};

export function statusBadge(connection: ConnectionRow): HTMLElement {
  const never = neverTried(connection);
  const tone = never ? "muted" : (TONE[connection.status] ?? "muted");
  const words = never ? t("status.never") : tKnown("status", connection.status);
  return h("span", { class: `badge badge-${tone}`, "data-status": connection.status }, words);
}

/** Linked and never refreshed yet: nothing is wrong, nothing has happened. */
export function neverTried(connection: ConnectionRow): boolean {
  return !connection.last_fetched_at && !connection.last_attempt_at;
}

/**
 * Busy or in maintenance until a time still to come: the core sends nothing before it (a press
 * of refresh comes back as `refresh.busy`), so the row says when instead of offering the button.
 */
export function waitingUntil(connection: ConnectionRow, now: Date = new Date()): string | null {
  if (connection.status !== "busy" && connection.status !== "maintenance") return null;
  if (!connection.next_refresh_at || new Date(connection.next_refresh_at) <= now) return null;
  return connection.next_refresh_at;
}

/** "混雑中: 12月4日 0:05 以降に再試行できます", or the same for maintenance. */
export function waitingText(status: string, retryAt: string): string {
  const key = status === "maintenance" ? "accounts.maintenance_until" : "accounts.busy_until";
  return t(key, { when: listDateTime(retryAt) });
}
