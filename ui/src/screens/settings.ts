// 連携の設定: a connection's display name, memo and start date; a new login (secrets masked,
// never shown back); re-link; delete, behind a dialog that names what is destroyed and asks for
// the connection's name to be typed. Every change goes through the core; errors show its
// `{code, message}`.

import { ipc, type ConnectionRow, type DeletedCounts, type GimsError } from "../ipc";
import { fedByFiles, store } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { field } from "../ui/field";
import { openFormDialog } from "../ui/dialog";
import { errorBox, notify, notifyError } from "../ui/notices";
import { statusBadge } from "../ui/badge";
import { relinkConnection } from "../refresh";
import { fullDate } from "../ui/time";
import type { Screen } from "./screen";

export function settingsScreen(id: number): Screen {
  const root = h("section", { class: "screen settings", "aria-labelledby": "settings-title" });
  const back = h("a", { href: "#accounts", class: "back-link" }, t("settings.back"));

  const render = (connection: ConnectionRow) => {
    const institution = store.institutions.get(connection.institution_id);
    replaceChildren(
      root,
      back,
      h("h1", { id: "settings-title" }, t("settings.title", { name: connection.display_name })),
      h(
        "p",
        { class: "settings-subtitle" },
        h("span", {}, institution?.name ?? connection.institution_id),
        " ",
        statusBadge(connection),
      ),
      generalForm(connection),
      // Linked by its statement files, or by the user's own login in the institution window: no
      // login stored to change or re-link; a file downloaded by hand can always be imported.
      fedByFiles(institution)
        ? importSection(connection, institution?.auth.kind === "window")
        : [loginForm(connection), relinkSection(connection)],
      hideSection(connection, () => void load()),
      deleteSection(connection, fedByFiles(institution)),
    );
  };

  const load = async () => {
    try {
      await store.loadConnections();
      const connection = store.connections.find((c) => c.id === id);
      if (!connection) {
        replaceChildren(root, back, errorBox({ code: "input.invalid", message: t("settings.gone") }));
        return;
      }
      render(connection);
    } catch (e) {
      replaceChildren(root, back, errorBox(e as GimsError, t("error.title")));
    }
  };

  replaceChildren(root, back, h("p", { class: "loading" }, t("common.loading")));
  void load();
  return { element: root };
}


/** A form whose submit shows progress, then the core's error or a notice. */
function actionForm(
  className: string,
  submit: HTMLButtonElement,
  body: (Node | null)[],
  action: () => Promise<string>,
): HTMLFormElement {
  const problem = h("div", { class: "form-problem" });
  const label = submit.textContent ?? "";
  return h(
    "form",
    {
      class: `settings-card ${className}`,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        submit.disabled = true;
        replaceChildren(problem);
        try {
          notify(await action(), "ok");
        } catch (e) {
          replaceChildren(problem, errorBox(e as GimsError));
        } finally {
          submit.disabled = false;
          submit.textContent = label;
        }
      },
    },
    body,
    problem,
    h("div", { class: "form-actions" }, submit),
  );
}

function generalForm(connection: ConnectionRow): HTMLElement {
  const name = h("input", { id: "settings-name", type: "text", value: connection.display_name, autocomplete: "off", required: true });
  const memo = h("input", { id: "settings-memo", type: "text", value: connection.memo, autocomplete: "off" });
  const startDate = h("input", {
    id: "settings-start-date",
    type: "text",
    value: connection.start_date ? fullDate(connection.start_date) : "",
    placeholder: "2026/01/01",
    inputmode: "numeric",
  });
  const submit = h("button", { type: "submit", class: "button primary", id: "settings-save" }, t("settings.save"));
  return actionForm(
    "settings-general",
    submit,
    [
      h("h2", {}, t("settings.general")),
      field("settings-name", t("link.display_name"), name, t("link.display_name_hint")),
      field("settings-memo", t("link.memo"), memo),
      field("settings-start-date", t("link.start_date"), startDate, t("settings.start_date_hint")),
    ],
    async () => {
      const saved = await ipc.editConnection(connection.id, {
        name: name.value,
        memo: memo.value,
        start_date: startDate.value,
      });
      await store.loadConnections();
      document.getElementById("settings-title")!.textContent = t("settings.title", { name: saved.display_name });
      return t("settings.saved");
    },
  );
}

function loginForm(connection: ConnectionRow): HTMLElement {
  const institution = store.institutions.get(connection.institution_id);
  const fields = institution?.auth.fields ?? [];
  if (fields.length === 0) {
    return h(
      "section",
      { class: "settings-card settings-login" },
      h("h2", {}, t("settings.login")),
      h("p", { class: "hint" }, t("settings.login_none")),
    );
  }
  const inputs = fields.map((f) => ({
    field: f,
    input: h("input", {
      id: `settings-credential-${f.id}`,
      name: f.id,
      // Secrets are masked as typed; nothing stored is ever shown back (the window never has it).
      type: f.secret ? "password" : "text",
      autocomplete: "off",
      required: true,
    }),
  }));
  const submit = h("button", { type: "submit", class: "button", id: "settings-login-save" }, t("settings.login_save"));
  return actionForm(
    "settings-login",
    submit,
    [
      h("h2", {}, t("settings.login")),
      h("p", { class: "hint" }, t("settings.login_hint")),
      ...inputs.map(({ field: f, input }) => field(input.id, f.label, input)),
    ],
    async () => {
      const credentials: Record<string, string> = {};
      for (const { field: f, input } of inputs) credentials[f.id] = input.value;
      await ipc.editConnection(connection.id, { credentials });
      for (const { input } of inputs) input.value = "";
      await store.loadConnections();
      return t("settings.login_saved");
    },
  );
}

/** One change to the connection: the core does it, the list is reloaded and `saved` said; or the
 * core's error goes in `problem`. Whether it was done. */
async function change(problem: HTMLElement, run: () => Promise<unknown>, saved: string): Promise<boolean> {
  replaceChildren(problem);
  try {
    await run();
    await store.loadConnections();
    notify(saved, "ok");
    return true;
  } catch (e) {
    replaceChildren(problem, errorBox(e as GimsError));
    return false;
  }
}

/** A file downloaded by hand can always be imported; a window connection's caught statements
 * are previewed before they are saved unless the user turns that off here. */
function importSection(connection: ConnectionRow, byWindow: boolean): HTMLElement {
  const problem = h("div", {});
  const straightIn = h("input", { type: "checkbox", id: "settings-straight-in", checked: connection.capture_straight_in });
  straightIn.addEventListener("change", async () => {
    const chosen = straightIn.checked;
    if (!(await change(problem, () => ipc.setCaptureStraightIn(connection.id, chosen), t("settings.saved")))) {
      straightIn.checked = !chosen;
    }
  });
  return h(
    "section",
    { class: "settings-card settings-import" },
    h("h2", {}, t("import.title")),
    byWindow
      ? [
          h("div", { class: "field check" }, straightIn, h("label", { for: "settings-straight-in" }, t("settings.straight_in"))),
          h("p", { class: "hint" }, t("settings.straight_in_hint")),
          connection.download_page ? recordedPage(connection, problem) : null,
          problem,
        ]
      : null,
    h("p", { class: "hint" }, t(byWindow ? "import.settings_hint_window" : "import.settings_hint")),
    h(
      "div",
      { class: "form-actions" },
      h("a", { class: "button", id: "settings-import", href: `#import/connection/${connection.id}` }, t("import.link")),
    ),
  );
}

/** The statement page the user recorded ("next time from here"), and the way to forget it. */
function recordedPage(connection: ConnectionRow, problem: HTMLElement): HTMLElement {
  const line = h("div", { class: "recorded-page", id: "settings-download-page" });
  const forget = h(
    "button",
    {
      type: "button",
      class: "button subtle",
      id: "settings-forget-page",
      onclick: async () => {
        if (await change(problem, () => ipc.forgetDownloadPage(connection.id), t("settings.page_forgotten"))) {
          replaceChildren(line);
        }
      },
    },
    t("settings.forget_page"),
  );
  replaceChildren(line, h("span", { class: "hint" }, t("settings.download_page", { page: connection.download_page ?? "" })), forget);
  return line;
}

function relinkSection(connection: ConnectionRow): HTMLElement {
  const button = h(
    "button",
    {
      type: "button",
      class: "button",
      id: "settings-relink",
      onclick: () => {
        location.hash = "#accounts";
        void relinkConnection(connection.id);
      },
    },
    t("settings.relink"),
  );
  return h(
    "section",
    { class: "settings-card settings-relink" },
    h("h2", {}, t("settings.relink_title")),
    h("p", { class: "hint" }, t("settings.relink_hint")),
    h("div", { class: "form-actions" }, button),
  );
}

/** Hiding keeps everything and leaves the connection out of every total: the way to keep history. */
function hideSection(connection: ConnectionRow, reload: () => void): HTMLElement {
  const problem = h("div", {});
  const button = h(
    "button",
    {
      type: "button",
      class: "button",
      id: "settings-hide",
      onclick: async () => {
        const saved = t(connection.hidden ? "settings.shown" : "settings.hidden");
        if (await change(problem, () => ipc.setConnectionHidden(connection.id, !connection.hidden), saved)) reload();
      },
    },
    t(connection.hidden ? "settings.show" : "settings.hide"),
  );
  return h(
    "section",
    { class: "settings-card settings-hide" },
    h("h2", {}, t("settings.hide_title")),
    h("p", { class: "hint" }, t(connection.hidden ? "settings.hidden_hint" : "settings.hide_hint")),
    problem,
    h("div", { class: "form-actions" }, button),
  );
}

function deleteSection(connection: ConnectionRow, byFiles: boolean): HTMLElement {
  return h(
    "section",
    { class: "settings-card settings-danger" },
    h("h2", {}, t("settings.delete_title")),
    h("p", { class: "hint" }, t("settings.delete_hint")),
    h(
      "div",
      { class: "form-actions" },
      h(
        "button",
        { type: "button", class: "button danger", id: "settings-delete", onclick: () => void openDeleteDialog(connection, byFiles) },
        t("settings.delete"),
      ),
    ),
  );
}

/** The confirmation: what exactly is destroyed (counted by the core), and the name to type. */
async function openDeleteDialog(connection: ConnectionRow, byFiles: boolean): Promise<void> {
  let footprint: DeletedCounts;
  try {
    footprint = await ipc.connectionFootprint(connection.id);
  } catch (e) {
    notifyError(e);
    return;
  }
  const typed = h("input", { id: "delete-confirm-name", type: "text", autocomplete: "off", spellcheck: "false" });
  const problem = h("div", { class: "form-problem", role: "alert" });
  const confirm = h("button", { type: "submit", class: "button danger", id: "delete-confirm", disabled: true }, t("delete.confirm"));
  typed.addEventListener("input", () => {
    confirm.disabled = typed.value.trim() !== connection.display_name.trim();
  });
  const item = (text: string) => h("li", {}, text);
  openFormDialog({
    id: "delete-dialog",
    titleId: "delete-title",
    title: t("delete.title", { name: connection.display_name }),
    className: "danger-dialog",
    body: [
      h("p", {}, t("delete.intro")),
      h(
        "ul",
        { class: "destroyed", id: "delete-destroyed" },
        // A bank linked by its files has no login in the keychain.
        byFiles ? null : item(t("delete.login")),
        item(t("delete.accounts", { n: footprint.accounts })),
        item(t("delete.transactions", { n: footprint.transactions })),
        item(t("delete.balances", { n: footprint.balance_snapshots })),
        item(t("delete.holdings", { n: footprint.holdings })),
        item(t("delete.rules", { n: footprint.rules })),
        footprint.window_data ? item(t("delete.window_data")) : null,
      ),
      h("p", { class: "irreversible" }, t("delete.irreversible")),
      h("p", { class: "hint" }, t("delete.hide_instead")),
      h(
        "div",
        { class: "field stacked" },
        h("label", { for: "delete-confirm-name" }, t("delete.type_name", { name: connection.display_name })),
        typed,
      ),
      problem,
    ],
    submit: confirm,
    cancelId: "delete-cancel",
    onSubmit: async () => {
      if (confirm.disabled) return false;
      confirm.disabled = true;
      try {
        const deleted = await ipc.deleteConnection(connection.id, typed.value);
        notify(t("delete.done", { name: deleted.display_name, n: deleted.destroyed.transactions }), "ok");
        await store.loadConnections();
        location.hash = "#accounts";
        return true;
      } catch (e) {
        replaceChildren(problem, errorBox(e as GimsError));
        confirm.disabled = false;
        return false;
      }
    },
    focus: typed,
  });
}
