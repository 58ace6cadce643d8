// ホーム: net worth and its composition by asset class (the core's asset report), this month's
// income and spending (the core's monthly report), the asset history (the core's history report:
// the last twelve month ends and today, as a line), and each account's balance. The window adds
// nothing up: every figure is a decimal string the core computed; bar lengths and the line are
// only drawn from them.

import { ipc, type AccountRow, type AssetReport, type MonthlyReport, type StatusView } from "../ipc";
import { store } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { groupDigits, money, monthFigures } from "../ui/money";
import { composition, holdingsGain, netWorth } from "../ui/assetFigures";
import { fullDate } from "../ui/time";
import { errorBox } from "../ui/notices";
import { lineChart } from "../ui/chart";
import type { Screen } from "./screen";

/** Month ends before this month; today is the last point. */
const HISTORY_MONTHS = 11;

export function homeScreen(): Screen {
  const root = h("section", { class: "screen", "aria-labelledby": "home-title" });
  const title = () => h("h1", { id: "home-title" }, t("home.title"));
  const history = h("div", { class: "history", id: "asset-history" }, h("p", { class: "loading" }, t("common.loading")));
  let disposed = false;

  const load = async () => {
    try {
      const [status, accounts, assets, monthly] = await Promise.all([
        ipc.status(),
        ipc.accounts(),
        ipc.reportAssets(null),
        ipc.reportMonthly(thisMonth()),
      ]);
      render(status, accounts, assets, monthly);
      if (accounts.length > 0) void loadHistory();
    } catch (e) {
      replaceChildren(root, title(), errorBox(e as { code: string; message: string }, t("error.title")));
    }
  };

  // One call: the core values every month end from its per-month totals.
  const loadHistory = async () => {
    try {
      const report = await ipc.reportHistory("month", monthEnds(HISTORY_MONTHS)[0] ?? null);
      // A month end without a recorded balance is no data (a gap in the line), never ¥0.
      const missing = report.points.filter((point) => point.total === null).length;
      const chart = lineChart(
        report.points.map((point) => ({ date: point.date, value: point.total })),
        {
          label: t("home.history_label"),
          currency: report.currency,
          id: "asset-history-chart",
          interval: "month",
          valueLabel: t("home.history_value"),
          caption: [
            h("p", { class: "hint" }, t("home.history_caption", { n: report.points.length })),
            missing > 0 ? h("p", { class: "hint", id: "history-no-data" }, t("home.history_no_data_hint", { n: missing })) : null,
          ],
        },
      );
      if (!disposed) replaceChildren(history, chart);
    } catch (e) {
      replaceChildren(history, errorBox(e as { code: string; message: string }));
    }
  };

  const render = (status: StatusView, accounts: AccountRow[], assets: AssetReport, monthly: MonthlyReport) => {
    if (accounts.length === 0) {
      const demo = store.info?.demo ?? false;
      return replaceChildren(
        root,
        title(),
        h(
          "div",
          { class: "empty" },
          h("p", {}, t(demo ? "home.empty_demo" : "home.empty")),
          h("a", { class: "button primary", href: "#link" }, t(demo ? "home.link_sandbox" : "home.link")),
        ),
      );
    }
    replaceChildren(
      root,
      title(),
      h(
        "div",
        { class: "home-cards" },
        h(
          "section",
          { class: "card net-worth", "aria-labelledby": "net-worth-title" },
          netWorth(assets, t("home.net_worth"), { title: "net-worth-title", figure: "net-worth" }),
          composition(assets),
          holdingsGain(assets, "home-gain"),
        ),
        h(
          "section",
          { class: "card this-month", "aria-labelledby": "month-title" },
          h("h2", { id: "month-title" }, t("home.this_month", { month: monthLabel(monthly.month) })),
          monthFigures(monthly, "month"),
          h("p", { class: "hint" }, t("home.month_note")),
        ),
      ),
      h(
        "section",
        { class: "card", "aria-labelledby": "history-title" },
        h("h2", { id: "history-title" }, t("home.history")),
        history,
      ),
      h(
        "p",
        { class: "summary" },
        t("home.summary", {
          c: groupDigits(status.connections),
          a: groupDigits(status.accounts),
          t: groupDigits(status.transactions),
        }),
      ),
      h("h2", {}, t("home.accounts")),
      balances(accounts),
    );
  };

  const unsubscribe = store.onRefreshEnd(() => void load());
  replaceChildren(root, title(), h("p", { class: "loading" }, t("common.loading")));
  void load();
  return {
    element: root,
    dispose: () => {
      disposed = true;
      unsubscribe();
    },
  };
}

function balances(accounts: AccountRow[]): HTMLElement[] {
  const byConnection = new Map<number | null, AccountRow[]>();
  for (const account of accounts) {
    byConnection.set(account.connection_id, [...(byConnection.get(account.connection_id) ?? []), account]);
  }
  return [...byConnection.entries()].map(([connectionId, rows]) =>
    h(
      "div",
      { class: "balance-group" },
      h("h3", {}, connectionId === null ? t("home.manual") : store.connectionName(connectionId)),
      h(
        "table",
        { class: "balances" },
        h(
          "tbody",
          {},
          rows.map((account) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, account.name),
              h(
                "td",
                { class: "as-of" },
                account.balance_as_of ? t("home.as_of", { date: fullDate(account.balance_as_of) }) : "",
              ),
              h("td", { class: "amount" }, money(account.balance, account.currency)),
            ),
          ),
        ),
      ),
    ),
  );
}

/** This month as YYYY-MM, in the user's time zone. */
function thisMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}

function monthLabel(month: string): string {
  const [year, number] = month.split("-");
  return t("home.month_label", { y: year, m: Number(number) });
}

/** The last day of each of the `n` months before this one, oldest first. */
function monthEnds(n: number, now = new Date()): string[] {
  const pad = (x: number) => String(x).padStart(2, "0");
  const dates: string[] = [];
  for (let back = n; back >= 1; back--) {
    const end = new Date(now.getFullYear(), now.getMonth() - back + 1, 0);
    dates.push(`${end.getFullYear()}-${pad(end.getMonth() + 1)}-${pad(end.getDate())}`);
  }
  return dates;
}
