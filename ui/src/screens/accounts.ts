// 口座: connections grouped by institution category, each with its status, last fetched, its
// refresh button and live progress, and the accounts it brought.

import { ipc, type AccountRow, type ConnectionRow } from "../ipc";
import { store } from "../store";
import { t, tKnown } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { neverTried, statusBadge, waitingText, waitingUntil } from "../ui/badge";
import { money } from "../ui/money";
import { relativeTime } from "../ui/time";
import { errorBox } from "../ui/notices";
import { refreshConnections } from "../refresh";
import { openInstitutionWindow } from "../institutionWindow";
import type { Screen } from "./screen";

const CATEGORY_ORDER = ["bank", "card", "securities", "pension", "points", "miles", "emoney", "crypto", "ecommerce", "mobile"];

export function accountsScreen(): Screen {
  const root = h("section", { class: "screen", "aria-labelledby": "accounts-title" });
  let accounts: AccountRow[] = [];
  let error: { code: string; message: string } | null = null;
  // Rows are rebuilt only when what they show changed, so that a click on one row is not lost
  // to a progress event from another.
  const rows = new Map<number, { key: string; element: HTMLElement }>();
  const row = (connection: ConnectionRow) => {
    const key = JSON.stringify([
      connection,
      store.runs.get(connection.id) ?? null,
      accounts.filter((a) => a.connection_id === connection.id),
      relativeTime(connection.last_fetched_at),
      waitingUntil(connection),
      document.documentElement.lang,
    ]);
    const cached = rows.get(connection.id);
    if (cached?.key === key) return cached.element;
    const element = connectionRow(connection, accounts);
    rows.set(connection.id, { key, element });
    return element;
  };

  let shownKey = "";
  const render = () => {
    const key = JSON.stringify([
      error,
      store.connections,
      [...store.runs],
      accounts,
      store.connections.map((c) => [relativeTime(c.last_fetched_at), waitingUntil(c)]),
      document.documentElement.lang,
    ]);
    if (key === shownKey) return;
    shownKey = key;
    const title = h(
      "div",
      { class: "screen-title" },
      h("h1", { id: "accounts-title" }, t("accounts.title")),
      h("a", { class: "button subtle", href: "#import", id: "import-link" }, t("import.link")),
    );
    if (error) return replaceChildren(root, title, errorBox(error));
    if (store.connections.length === 0) {
      return replaceChildren(
        root,
        title,
        h(
          "div",
          { class: "empty" },
          h("p", {}, t(store.info?.demo ? "home.empty_demo" : "accounts.empty")),
          h("a", { class: "button primary", href: "#link" }, t(store.info?.demo ? "home.link_sandbox" : "home.link")),
        ),
      );
    }
    const groups = new Map<string, ConnectionRow[]>();
    for (const connection of store.connections) {
      const category = store.institutions.get(connection.institution_id)?.category ?? "bank";
      groups.set(category, [...(groups.get(category) ?? []), connection]);
    }
    const sections = [...groups.entries()]
      .sort(([a], [b]) => CATEGORY_ORDER.indexOf(a) - CATEGORY_ORDER.indexOf(b))
      .map(([category, connections]) =>
        h(
          "section",
          { class: "group", "aria-label": tKnown("category", category) },
          h("h2", {}, tKnown("category", category)),
          h("ul", { class: "connections" }, connections.map(row)),
        ),
      );
    replaceChildren(root, title, sections);
  };

  const load = async () => {
    try {
      const [, loaded] = await Promise.all([store.loadConnections(), ipc.accounts()]);
      accounts = loaded;
      error = null;
    } catch (e) {
      error = e as { code: string; message: string };
    }
    render();
  };

  let lastRefreshing = store.refreshing;
  const unsubscribe = store.subscribe(() => {
    // When a refresh ends, balances changed too.
    if (store.refreshing < lastRefreshing) void load();
    lastRefreshing = store.refreshing;
    render();
  });
  // "3分前" ages while the window is open.
  const timer = setInterval(render, 30_000);
  render();
  void load();
  return {
    element: root,
    dispose: () => {
      unsubscribe();
      clearInterval(timer);
    },
  };
}

function connectionRow(connection: ConnectionRow, accounts: AccountRow[]): HTMLElement {
  const institution = store.institutions.get(connection.institution_id);
  const run = store.runs.get(connection.id);
  const running = run !== undefined && run !== "done" && run !== "failed" && run !== "cancelled";
  const manualAllowed = institution?.policy.manual_refresh ?? true;
  const mine = accounts.filter((a) => a.connection_id === connection.id);
  // While a run is on, or before the first one, the stored status says nothing useful.
  const quiet = running || neverTried(connection);
  const needsAction = !quiet && connection.status !== "ok" && connection.action !== "none";
  // Busy or in maintenance until a time to come: the core would send nothing, so say when.
  const retryAt = running ? null : waitingUntil(connection);
  const waiting = retryAt ? waitingText(connection.status, retryAt) : null;
  const message = quiet ? "" : connection.message;
  return h(
    "li",
    { class: "connection", "data-connection-id": connection.id, "data-institution": connection.institution_id },
    h(
      "div",
      { class: "connection-main" },
      h(
        "div",
        { class: "connection-names" },
        h("span", { class: "connection-name" }, connection.display_name),
        institution && institution.name !== connection.display_name
          ? h("span", { class: "institution-name" }, institution.name)
          : null,
        connection.memo ? h("span", { class: "memo" }, t("accounts.memo", { memo: connection.memo })) : null,
      ),
      statusBadge(connection),
      h(
        "span",
        { class: "last-fetched", title: connection.last_fetched_at ?? "" },
        neverTried(connection) ? "" : t("accounts.last_fetched", { when: relativeTime(connection.last_fetched_at) }),
      ),
      h(
        "span",
        { class: "run-state", "aria-live": "polite", "data-run": run ?? "" },
        run ? tKnown("run", run) : "",
        running ? h("progress", { "aria-label": tKnown("run", run!) }) : null,
      ),
      // A bank linked by its files has nothing to refresh: its action is importing the next file.
      institution?.auth.kind === "file"
        ? h(
            "a",
            {
              class: "button subtle import-file-link",
              href: `#import/connection/${connection.id}`,
              "aria-label": `${t("import.link")}: ${connection.display_name}`,
            },
            t("import.link"),
          )
        : h(
            "button",
            {
              class: "button refresh-button",
              type: "button",
              disabled: running || !manualAllowed || waiting !== null,
              title: manualAllowed ? waiting : t("accounts.refresh_not_allowed"),
              "aria-label": `${t("accounts.refresh")}: ${connection.display_name}`,
              // A bank reached by its own login in the app's window: refreshing opens that window.
              onclick: () =>
                void (institution?.auth.kind === "window"
                  ? openInstitutionWindow(connection)
                  : refreshConnections([connection.id])),
            },
            t("accounts.refresh"),
          ),
      h(
        "a",
        {
          class: "button subtle settings-link",
          href: `#connection/${connection.id}`,
          "aria-label": `${t("accounts.settings")}: ${connection.display_name}`,
        },
        t("accounts.settings"),
      ),
    ),
    needsAction || waiting || message
      ? h(
          "div",
          { class: "connection-detail" },
          waiting ? h("strong", { class: "action waiting", "data-retry-at": retryAt }, waiting) : null,
          needsAction && !waiting ? actionHint(connection, manualAllowed) : null,
          message ? h("span", { class: "message" }, message) : null,
          connection.action_url ? h("span", { class: "url" }, connection.action_url) : null,
        )
      : null,
    mine.length
      ? h(
          "ul",
          { class: "accounts", "aria-label": t("accounts.accounts_count", { n: mine.length }) },
          mine.map((account) =>
            h("li", { class: "account" }, h("span", {}, account.name), money(account.balance, account.currency)),
          ),
        )
      : null,
  );
}

/** The one action the status calls for; "refresh now" is a button, the others say what to do. */
function actionHint(connection: ConnectionRow, manualAllowed: boolean): HTMLElement {
  const words = tKnown("action", connection.action);
  if (connection.action === "import_file") {
    return h("a", { class: "link-button action", href: `#import/connection/${connection.id}` }, words);
  }
  if (connection.action === "refresh_now" && manualAllowed) {
    return h(
      "button",
      { type: "button", class: "link-button action", onclick: () => void refreshConnections([connection.id]) },
      words,
    );
  }
  return h("strong", { class: "action" }, words);
}
