// 振替: transfers between the user's own accounts. The core suggests pairs (or one-sided rows
// whose other account is not linked) with its reason; the user marks each one as a transfer or
// says it is not one. Below, the marked transfers, each of which can be undone. Every action
// goes through the core and both lists are read again afterwards.

import { ipc, type GimsError, type TransferMark, type TransferSide, type TransferSuggestion } from "../ipc";
import { t, tKnown } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { money } from "../ui/money";
import { fullDate } from "../ui/time";
import { errorBox, notify, notifyError } from "../ui/notices";
import type { Screen } from "./screen";

export function transfersScreen(): Screen {
  const root = h("section", { class: "screen transfers", "aria-labelledby": "transfers-title" });
  const title = h("h1", { id: "transfers-title" }, t("transfers.title"));
  const intro = h("p", { class: "hint" }, t("transfers.intro"));
  let busy = false;

  const act = async (action: () => Promise<unknown>, done: string) => {
    if (busy) return;
    busy = true;
    try {
      await action();
      notify(done, "ok");
    } catch (e) {
      notifyError(e);
    } finally {
      busy = false;
      await load();
    }
  };

  /** The core's reason, in the user's language. */
  const why = (s: TransferSuggestion) =>
    s.why.type === "pair"
      ? t("transfers.why_pair", {
          kind: tKnown("transfers.kind", s.why.kind),
          from: s.out_account,
          to: s.in_account ?? "",
          when: s.why.days_apart === 0 ? t("transfers.same_day") : t("transfers.days_apart", { days: s.why.days_apart }),
        })
      : t("transfers.why_one_sided", { description: s.out_description, word: s.why.word });

  const sideText = (side: TransferSide | null) =>
    side === null
      ? t("transfers.side_gone")
      : `${fullDate(side.date)} ${side.account ?? t("tx.cash")} ${side.description}`;

  const suggestionItem = (s: TransferSuggestion) =>
    h(
      "li",
      { class: "transfer card", "data-out-tx": s.out_tx, "data-in-tx": s.in_tx ?? "none" },
      h(
        "div",
        { class: "transfer-sides" },
        h("span", { class: "transfer-side" }, `${fullDate(s.out_date)} ${s.out_account}`),
        h("span", { class: "transfer-arrow", "aria-hidden": "true" }, "→"),
        h(
          "span",
          { class: "transfer-side" },
          s.in_account === null || s.in_date === null
            ? t("transfers.other_not_linked")
            : `${fullDate(s.in_date)} ${s.in_account}`,
        ),
        money(s.amount, s.currency),
      ),
      h("p", { class: "transfer-reason" }, why(s)),
      h(
        "div",
        { class: "form-actions" },
        h(
          "button",
          {
            type: "button",
            class: "button subtle transfer-dismiss",
            onclick: () => void act(() => ipc.dismissTransfer(s.out_tx, s.in_tx), t("transfers.dismissed")),
          },
          t("transfers.dismiss"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "button primary transfer-mark",
            onclick: () => void act(() => ipc.markTransfer(s.out_tx, s.in_tx), t("transfers.marked")),
          },
          t("transfers.mark"),
        ),
      ),
    );

  const markItem = (m: TransferMark) =>
    h(
      "li",
      { class: "transfer card", "data-out-tx": m.out_tx, "data-in-tx": m.in_tx ?? "none" },
      h(
        "div",
        { class: "transfer-sides" },
        h("span", { class: "transfer-side" }, sideText(m.out_side)),
        h("span", { class: "transfer-arrow", "aria-hidden": "true" }, "→"),
        h("span", { class: "transfer-side" }, m.in_tx === null ? t("transfers.other_not_linked") : sideText(m.in_side)),
        m.out_side ? money(m.out_side.amount.replace(/^-/, ""), m.out_side.currency) : null,
      ),
      h("p", { class: "hint" }, t("transfers.marked_at", { when: fullDate(m.created_at) })),
      m.reason ? h("p", { class: "transfer-reason" }, m.reason) : null,
      h(
        "div",
        { class: "form-actions" },
        h(
          "button",
          {
            type: "button",
            class: "button subtle transfer-undo",
            onclick: () => void act(() => ipc.undoTransfer(m.out_tx), t("transfers.undone")),
          },
          t("transfers.undo"),
        ),
      ),
    );

  const load = async () => {
    try {
      const [suggestions, marks] = await Promise.all([ipc.transferSuggestions(), ipc.transferMarks()]);
      replaceChildren(
        root,
        title,
        intro,
        h("h2", {}, t("transfers.suggested")),
        suggestions.length === 0
          ? h("p", { class: "empty", id: "transfers-empty" }, t("transfers.empty"))
          : h("ul", { class: "transfer-list", id: "transfer-suggestions" }, suggestions.map(suggestionItem)),
        h("h2", {}, t("transfers.marked_title")),
        marks.length === 0
          ? h("p", { class: "empty", id: "transfer-marks-empty" }, t("transfers.marks_empty"))
          : h("ul", { class: "transfer-list", id: "transfer-marks" }, marks.map(markItem)),
      );
    } catch (e) {
      replaceChildren(root, title, errorBox(e as GimsError, t("error.title")));
    }
  };

  replaceChildren(root, title, h("p", { class: "loading" }, t("common.loading")));
  void load();
  return { element: root };
}
