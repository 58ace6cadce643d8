// アクセス履歴: every login GIMS made to an institution, newest first, as the core recorded it
// (time, connection, institution, host, outcome). Read-only.

import { ipc, type AccessLogRow, type GimsError } from "../ipc";
import { store } from "../store";
import { t, tKnown } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { errorBox } from "../ui/notices";
import type { Screen } from "./screen";

export function accessLogScreen(): Screen {
  const root = h("section", { class: "screen access-log", "aria-labelledby": "access-log-title" });
  const title = h("h1", { id: "access-log-title" }, t("access.title"));
  const intro = h("p", { class: "hint" }, t("access.intro"));

  const row = (entry: AccessLogRow) =>
    h(
      "tr",
      { "data-institution": entry.institution_id, "data-outcome": entry.outcome },
      h("td", { class: "date" }, localTime(entry.at)),
      h(
        "td",
        {},
        entry.connection_id === null
          ? t("access.no_connection")
          : store.connections.some((c) => c.id === entry.connection_id)
            ? store.connectionName(entry.connection_id)
            : t("access.deleted", { id: entry.connection_id }),
      ),
      h("td", {}, store.institutions.get(entry.institution_id)?.name ?? entry.institution_id),
      h("td", { class: "host" }, entry.host),
      // "window": the user logged in themselves, in the institution window, and GIMS took the statement.
      entry.outcome === "window"
        ? h("td", { class: "outcome outcome-ok" }, t("access.window_login"))
        : h("td", { class: `outcome outcome-${entry.outcome === "ok" ? "ok" : "bad"}` }, tKnown("status", entry.outcome)),
    );

  const load = async () => {
    try {
      const [rows] = await Promise.all([ipc.accessLog(), store.loadConnections()]);
      replaceChildren(
        root,
        title,
        intro,
        rows.length === 0
          ? h("p", { class: "empty", id: "access-log-empty" }, t("access.empty"))
          : h(
              "table",
              { class: "transactions", id: "access-log" },
              h(
                "thead",
                {},
                h(
                  "tr",
                  {},
                  h("th", {}, t("access.at")),
                  h("th", {}, t("access.connection")),
                  h("th", {}, t("access.institution")),
                  h("th", {}, t("access.host")),
                  h("th", {}, t("access.outcome")),
                ),
              ),
              h("tbody", {}, rows.map(row)),
            ),
      );
    } catch (e) {
      replaceChildren(root, title, errorBox(e as GimsError, t("error.title")));
    }
  };

  replaceChildren(root, title, h("p", { class: "loading" }, t("common.loading")));
  void load();
  return { element: root };
}

/** RFC 3339 → "2026/11/28 19:05:12" in the computer's time zone. */
function localTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}/${two(at.getMonth() + 1)}/${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
}
