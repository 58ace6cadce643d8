// 入出金: every transaction, newest first, a page at a time.

import { ipc, type AccountRow, type TransactionRow } from "../ipc";
import { store } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { money } from "../ui/money";
import { listDate, yearOf } from "../ui/time";
import { errorBox } from "../ui/notices";
import type { Screen } from "./screen";

const PAGE = 100;

export function transactionsScreen(): Screen {
  const root = h("section", { class: "screen", "aria-labelledby": "tx-title" });
  const title = () => h("h1", { id: "tx-title" }, t("tx.title"));
  let limit = PAGE;
  let accounts = new Map<number, AccountRow>();

  const load = async () => {
    try {
      const [rows, accountRows] = await Promise.all([ipc.transactions({ limit }), ipc.accounts()]);
      accounts = new Map(accountRows.map((a) => [a.id, a]));
      render(rows);
    } catch (e) {
      replaceChildren(root, title(), errorBox(e as { code: string; message: string }, t("error.title")));
    }
  };

  const render = (rows: TransactionRow[]) => {
    if (rows.length === 0) {
      return replaceChildren(
        root,
        title(),
        h(
          "div",
          { class: "empty" },
          h("p", {}, t("tx.empty")),
          h("a", { class: "button primary", href: "#link" }, t("home.link")),
        ),
      );
    }
    const thisYear = String(new Date().getFullYear());
    replaceChildren(
      root,
      title(),
      h(
        "table",
        { class: "transactions" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "col", class: "date" }, t("tx.date")),
            h("th", { scope: "col" }, t("tx.description")),
            h("th", { scope: "col" }, t("tx.account")),
            h("th", { scope: "col", class: "amount" }, t("tx.amount")),
          ),
        ),
        h(
          "tbody",
          {},
          rows.map((row) =>
            h(
              "tr",
              { "data-transaction-id": row.id },
              h(
                "td",
                { class: "date" },
                h("time", { datetime: row.date }, yearOf(row.date) === thisYear ? listDate(row.date) : row.date.replaceAll("-", "/")),
              ),
              h(
                "td",
                { class: "description" },
                h("span", { class: "description-text" }, row.description),
                row.memo ? h("span", { class: "memo" }, row.memo) : null,
              ),
              accountCell(row.account_id === null ? undefined : accounts.get(row.account_id)),
              h("td", { class: "amount" }, money(row.amount, row.currency)),
            ),
          ),
        ),
      ),
      h(
        "div",
        { class: "paging" },
        h("span", {}, t("tx.count", { n: rows.length })),
        rows.length >= limit
          ? h(
              "button",
              {
                class: "button",
                type: "button",
                onclick: () => {
                  limit += PAGE;
                  void load();
                },
              },
              t("tx.more"),
            )
          : null,
      ),
    );
  };

  let lastRefreshing = store.refreshing;
  const unsubscribe = store.subscribe(() => {
    if (store.refreshing < lastRefreshing) void load();
    lastRefreshing = store.refreshing;
  });
  replaceChildren(root, title(), h("p", { class: "loading" }, t("common.loading")));
  void load();
  return { element: root, dispose: unsubscribe };
}

/** The account, and under it whose it is: two banks both have a 普通預金. */
function accountCell(account: AccountRow | undefined): HTMLElement {
  if (!account) return h("td", { class: "account-name" }, t("tx.cash"));
  const owner = account.connection_id === null ? null : store.connectionName(account.connection_id);
  return h("td", { class: "account-name" }, h("span", {}, account.name), owner ? h("span", { class: "memo" }, owner) : null);
}
