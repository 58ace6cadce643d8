// A connection's status as a badge: a colour and the words, never the colour alone.

import { h } from "./dom";
import { t, tKnown } from "../i18n";
import type { ConnectionRow } from "../ipc";

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
