// 明細ファイルの取り込み (`#import`, `#import/connection/ID` from a file connection, and
// `#import/captured/ID`: the statement a connection's institution window caught, held by the
// shell until the user decides): a statement
// file dropped on the zone or picked with the file input is read here and sent to the core,
// which previews it (the real save, rolled back: nothing is written) — the format, the target
// accounts, the first rows each marked new / already imported / possibly typed by hand with the
// core's reason, unreadable lines, and what will be added. 取り込む sends the same file with the
// counts shown, and the core saves exactly that or refuses whole; キャンセル saves nothing.
// Everything from the file is shown as text.

import {
  ipc,
  type AccountRow,
  type ConnectionRow,
  type GimsError,
  type ImportOutcome,
  type ImportRowView,
  type ImportTargetChoice,
} from "../ipc";
import { fedByFiles, store } from "../store";
import { t, tKnown } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { field } from "../ui/field";
import { groupDigits, money } from "../ui/money";
import { fullDate } from "../ui/time";
import { errorBox, notify } from "../ui/notices";
import type { Screen } from "./screen";
import { rememberDownloadPage } from "../institutionWindow";

/** The core refuses more (`MAX_SENT_STATEMENT_BYTES`); checked here too, before reading. */
const MAX_MIB = 64;

/** A connection fed by statement files (its accounts belong to it): a file institution's, or a
 * window institution's, whose statement can also be downloaded by hand. */
function isFileConnection(connection: ConnectionRow): boolean {
  return fedByFiles(store.institutions.get(connection.institution_id));
}

/** A bank's or card's own format is named after the institution in the catalog. */
function formatName(format: string): string {
  const institution = store.institutions.get(format);
  return institution ? `${institution.name} (${format})` : format;
}

/** The file's bytes as base64 (the browser encodes it natively: no byte loop in script). */
function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error("read failed"));
    reader.readAsDataURL(file);
  });
}

/** A previewed statement, and how to save or let go of it. */
type Pending = {
  fileName: string;
  preview: ImportOutcome;
  /** A connection's import is its fetch: saving it means something even with nothing new. */
  forConnection: boolean;
  save: () => Promise<ImportOutcome>;
  discard: () => void;
};

export function importScreen(connectionId: number | null = null, captured = false): Screen {
  const root = h("section", { class: "screen import", "aria-labelledby": "import-title" });
  const title = h("h1", { id: "import-title" }, t(captured ? "import.captured_title" : "import.title"));
  const intro = h("p", { class: "hint" }, t("import.intro"));
  const target = h("select", { id: "import-target", "aria-label": t("import.target") });
  const input = h("input", {
    type: "file",
    id: "import-file",
    class: "import-input",
    accept: ".csv,.ofx,.qfx,.txt,text/csv",
  });
  const zone = h(
    "label",
    { class: "drop-zone", id: "import-drop", for: "import-file" },
    h("span", { class: "drop-title" }, t("import.drop")),
    h("span", { class: "hint" }, t("import.or_pick")),
    input,
  );
  const result = h("div", { class: "import-result", id: "import-result", "aria-live": "polite" });
  let accounts: AccountRow[] = [];
  let pending: Pending | null = null;
  // Captured: the user's choice to save this connection's next statements without a preview.
  const straightIn = h("input", { type: "checkbox", id: "import-straight-in" });
  let busy = false;

  const chosenTarget = (): ImportTargetChoice => {
    const [kind, id] = target.value.split(":");
    if (kind === "account") return { account: Number(id) };
    if (kind === "connection") return { connection: Number(id) };
    return {};
  };

  const fillTargets = () => {
    const fileConnections = store.connections.filter(isFileConnection);
    replaceChildren(
      target,
      h("option", { value: "auto" }, t("import.target_auto")),
      fileConnections.map((c) =>
        h("option", { value: `connection:${c.id}` }, t("import.target_connection", { name: c.display_name })),
      ),
      accounts
        .filter((a) => a.connection_id === null)
        .map((a) => h("option", { value: `account:${a.id}` }, t("import.target_account", { name: a.name }))),
    );
    if (connectionId !== null) target.value = `connection:${connectionId}`;
  };

  const showError = (error: GimsError) => {
    const heading = error.code === "import.unrecognised_format" ? t("import.unrecognised") : t("import.failed");
    replaceChildren(result, h("div", { id: "import-error" }, errorBox(error, heading)));
  };

  const accountLabel = (a: ImportOutcome["accounts"][number]) => {
    if (a.created && a.connection_id !== null) return t("import.account_new_connection", { name: a.name });
    if (a.created) return t("import.account_new", { name: a.name });
    if (a.connection_id !== null) return t("import.account_connection", { name: a.name });
    return t("import.account_existing", { name: a.name });
  };

  const rowItem = (row: ImportRowView) =>
    h(
      "tr",
      { class: `import-row import-${row.status}`, "data-status": row.status, "data-line": row.line },
      h("td", { class: "import-line" }, String(row.line)),
      h("td", { class: "import-date" }, fullDate(row.date)),
      h("td", { class: "import-description" }, row.description),
      h("td", { class: "import-amount" }, money(row.amount, row.currency)),
      h(
        "td",
        { class: "import-status-cell" },
        h("span", { class: `import-status status-${row.status}` }, tKnown("import.status", row.status)),
        row.reason ? h("span", { class: "import-reason" }, row.reason) : null,
      ),
    );

  const showPreview = ({ fileName, preview, forConnection }: Pending) => {
    const possible = preview.rows.filter((r) => r.status === "possible_duplicate").length;
    const confirm = h(
      "button",
      {
        type: "button",
        id: "import-confirm",
        class: "button primary",
        // Nothing new: nothing to save — except a file connection's import, which is its fetch.
        disabled: preview.imported === 0 && !forConnection,
        onclick: () => void confirmImport(),
      },
      t("import.confirm"),
    );
    const cancel = h(
      "button",
      { type: "button", id: "import-cancel", class: "button subtle", onclick: () => cancelImport() },
      t("common.cancel"),
    );
    replaceChildren(
      result,
      h(
        "div",
        { class: "import-preview card", id: "import-preview", "data-imported": preview.imported, "data-duplicates": preview.duplicates },
        h("h2", {}, t("import.preview_title")),
        h("p", { class: "import-file-name" }, t("import.file", { name: fileName })),
        h("p", { id: "import-format", "data-format": preview.format }, t("import.format", { format: formatName(preview.format) })),
        h(
          "ul",
          { class: "import-accounts" },
          preview.accounts.map((a) =>
            h(
              "li",
              { class: "import-account" },
              h("span", { class: "import-account-name" }, accountLabel(a)),
              h("span", { class: "import-sum" }, `${t("import.money_in")} `, money(a.money_in, a.currency)),
              h("span", { class: "import-sum" }, `${t("import.money_out")} `, money(a.money_out, a.currency)),
            ),
          ),
        ),
        h(
          "p",
          { id: "import-counts", class: "import-counts" },
          t("import.counts", {
            imported: groupDigits(preview.imported),
            duplicates: groupDigits(preview.duplicates),
            possible: groupDigits(preview.possible_duplicates.length),
            skipped: groupDigits(preview.skipped.length),
          }),
        ),
        possible > 0 || preview.possible_duplicates.length > 0 ? h("p", { class: "hint" }, t("import.possible_hint")) : null,
        preview.imported === 0 ? h("p", { class: "hint", id: "import-nothing-new" }, t("import.nothing_new")) : null,
        captured
          ? h("div", { class: "field check" }, straightIn, h("label", { for: "import-straight-in" }, t("import.straight_in")))
          : null,
        // Above the rows: what will be added is decided from the counts, without scrolling.
        h("div", { class: "form-actions import-actions" }, cancel, confirm),
        preview.rows.length < preview.rows_total
          ? h("p", { class: "hint", id: "import-shown" }, t("import.shown_rows", { shown: preview.rows.length, total: groupDigits(preview.rows_total) }))
          : null,
        h(
          "div",
          { class: "import-table-wrap" },
          h(
            "table",
            { class: "import-rows", id: "import-rows" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", { scope: "col" }, t("import.col_line")),
                h("th", { scope: "col" }, t("import.col_date")),
                h("th", { scope: "col" }, t("import.col_description")),
                h("th", { scope: "col", class: "import-amount" }, t("import.col_amount")),
                h("th", { scope: "col" }, t("import.col_status")),
              ),
            ),
            h("tbody", {}, preview.rows.map(rowItem)),
          ),
        ),
        preview.skipped.length > 0
          ? h(
              "div",
              { class: "import-skipped", id: "import-skipped" },
              h("h3", {}, t("import.skipped_title")),
              h(
                "ul",
                {},
                preview.skipped.map((s) => h("li", { "data-line": s.line }, t("import.skipped_line", { line: s.line, reason: s.reason }))),
              ),
            )
          : null,
      ),
    );
  };

  const previewFile = async (picked: File) => {
    if (busy) return;
    if (picked.size > MAX_MIB * 1024 * 1024) {
      showError({ code: "input.invalid", message: t("import.too_large", { name: picked.name, max: MAX_MIB }) });
      return;
    }
    busy = true;
    pending = null;
    replaceChildren(result, h("p", { class: "loading" }, t("import.reading", { name: picked.name })));
    try {
      const file = { name: picked.name, base64: await readAsBase64(picked) };
      const chosen = chosenTarget();
      const preview = await ipc.previewImport(file, chosen);
      pending = {
        fileName: file.name,
        preview,
        forConnection: chosen.connection !== undefined,
        save: () => ipc.importFile(file, chosen, preview),
        discard: () => {},
      };
      showPreview(pending);
    } catch (e) {
      showError(e instanceof Error ? { code: "internal", message: e.message } : (e as GimsError));
    } finally {
      busy = false;
      input.value = "";
    }
  };

  const confirmImport = async () => {
    if (busy || !pending) return;
    busy = true;
    try {
      const saved = await pending.save();
      pending = null;
      replaceChildren(
        result,
        h(
          "div",
          {
            class: "import-done card",
            id: "import-done",
            "data-imported": saved.imported,
            "data-duplicates": saved.duplicates,
            "data-account-id": saved.account_id,
          },
          h("h2", {}, t("import.done_title")),
          h("p", {}, t("import.done", { imported: groupDigits(saved.imported), duplicates: groupDigits(saved.duplicates) })),
          h(
            "div",
            { class: "form-actions" },
            h("button", { type: "button", class: "button", onclick: () => replaceChildren(result) }, t("import.another")),
            h("a", { class: "button primary", href: "#transactions", id: "import-to-transactions" }, t("import.to_transactions")),
          ),
        ),
      );
      notify(t("import.done", { imported: groupDigits(saved.imported), duplicates: groupDigits(saved.duplicates) }), "ok");
      void store.loadConnections();
      void loadAccounts();
    } catch (e) {
      showError(e as GimsError);
    } finally {
      busy = false;
    }
  };

  const cancelImport = () => {
    pending?.discard();
    pending = null;
    replaceChildren(result);
    notify(t("import.cancelled"), "info");
  };

  const loadAccounts = async () => {
    try {
      await store.loadConnections();
      accounts = await ipc.accounts();
    } catch (e) {
      showError(e as GimsError);
    }
    const kept = target.value;
    fillTargets();
    if (kept && [...target.options].some((o) => o.value === kept)) target.value = kept;
  };

  input.addEventListener("change", () => {
    const picked = input.files?.[0];
    if (picked) void previewFile(picked);
  });
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("drag-over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("drag-over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("drag-over");
    const picked = event.dataTransfer?.files?.[0];
    if (picked) void previewFile(picked);
  });
  // A file dropped beside the zone must not make the webview navigate to it.
  const swallow = (event: DragEvent) => event.preventDefault();
  window.addEventListener("dragover", swallow);
  window.addEventListener("drop", swallow);
  // A different target means a different preview: the shown one no longer applies.
  target.addEventListener("change", () => {
    if (pending) cancelImport();
  });

  const recording = h("div", { class: "import-recording" });

  /** "Next time from here", offered when the download started on a page the recipe does not go to. */
  const offerRecording = (id: number, page: string) => {
    const button = h(
      "button",
      {
        type: "button",
        class: "button",
        id: "import-remember-page",
        onclick: async () => {
          button.disabled = true;
          if (await rememberDownloadPage(id, page)) replaceChildren(recording);
          else button.disabled = false;
        },
      },
      t("window.remember"),
    );
    replaceChildren(recording, h("div", { class: "recorded-page card" }, h("span", { class: "hint import-page" }, page), button));
  };

  /** The statement connection `id`'s window caught, previewed by the core when it arrived. */
  const showCaptured = async (id: number) => {
    try {
      await store.loadConnections();
      const held = await ipc.capturedStatement(id);
      if (!held) {
        replaceChildren(result, h("p", { class: "hint", id: "import-captured-none" }, t("import.captured_none")));
        return;
      }
      straightIn.checked = false;
      pending = {
        fileName: held.file_name,
        preview: held.preview,
        forConnection: true,
        save: () => ipc.saveCaptured(id, held.preview, straightIn.checked),
        discard: () => void ipc.discardCaptured(id).catch(() => {}),
      };
      showPreview(pending);
      if (held.offer_page) offerRecording(id, held.offer_page);
    } catch (e) {
      showError(e as GimsError);
    }
  };

  if (captured && connectionId !== null) {
    const name = store.connectionName(connectionId);
    replaceChildren(root, title, h("p", { class: "hint" }, t("import.captured_intro", { name })), recording, result);
    void showCaptured(connectionId);
  } else {
    fillTargets();
    replaceChildren(root, title, intro, field("import-target", t("import.target"), target), zone, result);
    void loadAccounts();
  }
  return {
    element: root,
    dispose: () => {
      window.removeEventListener("dragover", swallow);
      window.removeEventListener("drop", swallow);
    },
  };
}
