// One account's balance history (under 資産): the core's series in the account's own currency,
// drawn by the line chart with a range switch (1か月 / 1年 / 全期間), and the account's holdings.
// The range only says which dates to ask for; every balance is the core's.

import { ipc, type AccountHistory, type AccountRow } from "../ipc";
import { t, type Key } from "../i18n";
import { accountKind } from "./assets";
import { h, replaceChildren } from "../ui/dom";
import { money } from "../ui/money";
import { fullDate } from "../ui/time";
import { errorBox } from "../ui/notices";
import { lineChart } from "../ui/chart";
import type { Screen } from "./screen";

type Range = "month" | "year" | "all";
const RANGES: { range: Range; label: Key }[] = [
  { range: "month", label: "history.range_month" },
  { range: "year", label: "history.range_year" },
  { range: "all", label: "history.range_all" },
];

/** The range chosen last, kept while the window is open: opening the next account keeps it. */
let chosen: Range = "year";

export function accountHistoryScreen(accountId: number): Screen {
  const root = h("section", { class: "screen", "aria-labelledby": "account-history-title" });
  const chart = h("div", { class: "account-chart", id: "account-chart" }, h("p", { class: "loading" }, t("common.loading")));
  const switcher = h("div", { class: "segmented", role: "group", "aria-label": t("history.range_label"), id: "history-range" });
  const about = h("p", { class: "hint", id: "account-history-since" });
  let disposed = false;
  let account: AccountRow | null = null;
  let asked = 0;

  const showChart = async (range: Range) => {
    chosen = range;
    renderSwitch();
    const ask = ++asked;
    try {
      const history = await ipc.accountHistory(accountId, range === "all" ? "auto" : "day", fromOf(range));
      if (disposed || ask !== asked) return;
      replaceChildren(chart, drawn(history, range));
      about.textContent = history.first_day
        ? t("history.first_day", { date: fullDate(history.first_day) })
        : t("history.none");
    } catch (e) {
      if (!disposed && ask === asked) replaceChildren(chart, errorBox(e as { code: string; message: string }));
    }
  };

  const renderSwitch = () =>
    replaceChildren(
      switcher,
      RANGES.map(({ range, label }) =>
        h(
          "button",
          {
            type: "button",
            class: range === chosen ? "button segment selected" : "button segment",
            "aria-pressed": range === chosen ? "true" : "false",
            "data-range": range,
            onclick: () => void showChart(range),
          },
          t(label),
        ),
      ),
    );

  const load = async () => {
    try {
      const accounts = await ipc.accounts();
      account = accounts.find((row) => row.id === accountId) ?? null;
      if (disposed) return;
      if (!account) {
        return replaceChildren(root, back(), h("p", { class: "hint" }, t("history.no_account")));
      }
      replaceChildren(
        root,
        back(),
        h("h1", { id: "account-history-title" }, t("history.title", { name: account.name })),
        h(
          "p",
          { class: "account-history-balance" },
          h("span", { class: "account-link-kind" }, accountKind(account)),
          " ",
          money(account.balance, account.currency),
          account.balance_as_of ? h("span", { class: "hint" }, ` ${t("home.as_of", { date: fullDate(account.balance_as_of) })}`) : null,
        ),
        h("section", { class: "card", "aria-labelledby": "account-chart-title" }, h("h2", { id: "account-chart-title" }, t("history.chart")), switcher, chart, about),
      );
      await showChart(chosen);
    } catch (e) {
      if (!disposed) replaceChildren(root, back(), errorBox(e as { code: string; message: string }, t("error.title")));
    }
  };

  replaceChildren(root, back(), h("p", { class: "loading" }, t("common.loading")));
  void load();
  return {
    element: root,
    dispose: () => {
      disposed = true;
    },
  };
}

function back(): HTMLElement {
  return h("p", { class: "back" }, h("a", { href: "#assets", id: "account-history-back" }, t("history.back")));
}

function drawn(history: AccountHistory, range: Range): HTMLElement {
  return lineChart(
    history.points.map((point) => ({ date: point.date, value: point.balance })),
    {
      label: t("history.chart_label", { name: history.account, range: t(RANGES.find((r) => r.range === range)!.label) }),
      currency: history.currency,
      id: "account-history-chart",
      interval: history.interval === "month" ? "month" : "day",
    },
  );
}

/** The first day of a range ending today: a month or a year back; the whole history asks from its start. */
function fromOf(range: Range, now = new Date()): string | null {
  if (range === "all") return null;
  const start = new Date(now.getFullYear(), now.getMonth() - (range === "month" ? 1 : 12), now.getDate());
  const pad = (x: number) => String(x).padStart(2, "0");
  return `${start.getFullYear()}-${pad(start.getMonth() + 1)}-${pad(start.getDate())}`;
}
