// Short notices after an action (a refresh finished, an error), read out by screen readers.

import { h } from "./dom";

export type Tone = "ok" | "info" | "warn" | "error";

export function notify(message: string, tone: Tone = "info"): void {
  const region = document.getElementById("notices");
  if (!region) return;
  const notice = h("div", { class: `notice notice-${tone}`, role: tone === "error" ? "alert" : "status" }, message);
  region.appendChild(notice);
  // A few at a time: older ones make way rather than cover the screen.
  while (region.children.length > 3) region.firstElementChild?.remove();
  setTimeout(() => notice.remove(), tone === "error" || tone === "warn" ? 12000 : 4000);
}

/** An inline error box: what went wrong, in the core's words, with its code for support. */
export function errorBox(error: { code: string; message: string }, title?: string): HTMLElement {
  return h(
    "div",
    { class: "error-box", role: "alert" },
    title ? h("strong", {}, title) : null,
    h("p", {}, error.message),
    h("p", { class: "error-code" }, error.code),
  );
}
