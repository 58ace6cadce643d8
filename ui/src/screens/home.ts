// ホーム: for this slice, what is in the ledger and each account's balance.

import { ipc, type AccountRow, type StatusView } from "../ipc";
import { store } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { money } from "../ui/money";
import { fullDate } from "../ui/time";
import { errorBox } from "../ui/notices";
import type { Screen } from "./screen";

export function homeScreen(): Screen {
  const root = h("section", { class: "screen", "aria-labelledby": "home-title" });
  const title = () => h("h1", { id: "home-title" }, t("home.title"));

  const load = async () => {
    try {
      const [status, accounts] = await Promise.all([ipc.status(), ipc.accounts()]);
      render(status, accounts);
    } catch (e) {
      replaceChildren(root, title(), errorBox(e as { code: string; message: string }, t("error.title")));
    }
  };

  const render = (status: StatusView, accounts: AccountRow[]) => {
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
    const byConnection = new Map<number | null, AccountRow[]>();
    for (const account of accounts) {
      byConnection.set(account.connection_id, [...(byConnection.get(account.connection_id) ?? []), account]);
    }
    replaceChildren(
      root,
      title(),
      h(
        "p",
        { class: "summary" },
        t("home.summary", { c: status.connections, a: status.accounts, t: status.transactions }),
      ),
      h("h2", {}, t("home.accounts")),
      [...byConnection.entries()].map(([connectionId, rows]) =>
        h(
          "div",
          { class: "balance-group" },
          h("h3", {}, connectionId === null ? t("tx.cash") : store.connectionName(connectionId)),
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
      ),
    );
  };

  let lastRefreshing = store.refreshing;
  const unsubscribe = store.subscribe(() => {
    if (store.refreshing < lastRefreshing) void load();
    lastRefreshing = store.refreshing;
  });
  replaceChildren(root, title(), h("p", { class: "loading" }, t("common.loading")));
  void store.loadConnections().catch(() => undefined).then(load);
  return { element: root, dispose: unsubscribe };
}
