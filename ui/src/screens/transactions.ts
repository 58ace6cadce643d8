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
                h("span", {}, row.description),
                row.memo ? h("span", { class: "memo" }, row.memo) : null,
              ),
              h(
                "td",
                { class: "account-name" },
                row.account_id === null ? t("tx.cash") : (accounts.get(row.account_id)?.name ?? ""),
              ),
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
