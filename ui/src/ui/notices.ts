// Short notices after an action (a refresh finished, an error), read out by screen readers.

import { h } from "./dom";
import { t, tKnown, type Key } from "../i18n";
import type { ErrorCode } from "../bindings";

// Every code the core can send has a headline (i18n.ts, both languages): a new ErrorCode without
// one fails the type check here.
type Missing = Exclude<`error.code.${ErrorCode}`, Key>;
const everyCodeHasAHeadline: [Missing] extends [never] ? true : Missing = true;
void everyCodeHasAHeadline;

export type Tone = "ok" | "info" | "warn" | "error";

/** `sticky`: the notice stays until `dismissSticky(sticky)` (what it offers stays possible until then). */
export function notify(
  message: string,
  tone: Tone = "info",
  action?: { label: string; run: () => void; id?: string },
  sticky?: string,
): void {
  const region = document.getElementById("notices");
  if (!region) return;
  const button = action
    ? h("button", { type: "button", class: "link-button notice-action", id: action.id ?? null, onclick: () => action.run() }, action.label)
    : null;
  const notice = h(
    "div",
    { class: `notice notice-${tone}`, role: tone === "error" ? "alert" : "status", "data-sticky": sticky ?? null },
    message,
    button,
  );
  region.appendChild(notice);
  // A few at a time: older ones make way rather than cover the screen (a sticky one stays).
  while (region.querySelectorAll(".notice:not([data-sticky])").length > 3) region.querySelector(".notice:not([data-sticky])")?.remove();
  if (!sticky) setTimeout(() => notice.remove(), tone === "error" || tone === "warn" ? 12000 : 4000);
}

export function dismissSticky(sticky: string): void {
  document.querySelectorAll(`#notices .notice[data-sticky="${CSS.escape(sticky)}"]`).forEach((notice) => notice.remove());
}

/** What went wrong in the user's language (by the core's error code), or null for a code the window does not know. */
function headline(code: string): string | null {
  const text = tKnown("error.code", code);
  return text === code ? null : text;
}

/** An error as one line for a notice: the headline, the core's specific words, the code for support. */
export function errorText(error: unknown): string {
  const { code, message } = error as { code: string; message: string };
  const lead = headline(code);
  return lead ? `${lead} ${message} (${code})` : `${message} (${code})`;
}

export function notifyError(error: unknown): void {
  notify(errorText(error), "error");
}

/** An inline error box: what went wrong in the user's language, the core's specific words, and its code for support. */
export function errorBox(error: { code: string; message: string }, title?: string): HTMLElement {
  const lead = headline(error.code);
  return h(
    "div",
    { class: "error-box", role: "alert" },
    title ? h("strong", {}, title) : null,
    lead ? h("p", { class: "error-headline" }, lead) : null,
    h("p", { class: "error-detail", lang: lead ? "en" : null }, error.message),
    h("p", { class: "error-code", title: t("error.code_label") }, error.code),
  );
}
