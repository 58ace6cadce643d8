// 連携を追加: search the catalog, then the institution's own login form (its declared fields),
// display name, memo and start date. Linking stores the login in the keychain and refreshes.

import { ipc, type GimsError, type InstitutionView } from "../ipc";
import { store } from "../store";
import { t, tKnown } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { errorBox } from "../ui/notices";
import { refreshConnections } from "../refresh";
import { openInstitutionWindow } from "../institutionWindow";
import { rememberSandboxLogin } from "../ui/sandboxPhone";
import type { Screen } from "./screen";

const CATEGORIES = ["bank", "card", "securities", "pension", "points", "miles", "emoney", "crypto", "ecommerce", "mobile"];

/** The demo bridge's setup token: base64 of its claim URL (gims_sandbox::exchanges::simplefin::setup_token
 * for https://bridge.simplefin.org; demo mode sends that host to the fake). */
const DEMO_SIMPLEFIN_TOKEN = "aHR0cHM6Ly9icmlkZ2Uuc2ltcGxlZmluLm9yZy9zaW1wbGVmaW4vY2xhaW0vZ2ltcy1kZW1v";

export function linkScreen(): Screen {
  const root = h("section", { class: "screen", "aria-labelledby": "link-title" });
  const results = h("ul", { class: "institutions", "aria-live": "polite" });
  const search = h("input", {
    id: "institution-search",
    type: "search",
    placeholder: t("link.search_placeholder"),
    autocomplete: "off",
  });
  const category = h(
    "select",
    { id: "institution-category", "aria-label": t("category.all") },
    h("option", { value: "" }, t("category.all")),
    CATEGORIES.map((c) => h("option", { value: c }, tKnown("category", c))),
  );
  let query = 0;

  const runSearch = async () => {
    const mine = ++query;
    try {
      const found = await ipc.institutions(search.value, category.value || null);
      if (mine !== query) return; // a newer search is on its way
      replaceChildren(
        results,
        found.length === 0 ? h("li", { class: "empty" }, t("link.no_results")) : found.map(institutionItem),
      );
    } catch (e) {
      replaceChildren(results, h("li", {}, errorBox(e as GimsError)));
    }
  };

  const institutionItem = (institution: InstitutionView) => {
    const ended = institution.status === "ended";
    return h(
      "li",
      {},
      h(
        "button",
        {
          type: "button",
          class: "institution",
          "data-institution": institution.id,
          disabled: ended,
          onclick: () => showForm(institution),
        },
        h("span", { class: "institution-name" }, institution.name),
        h("span", { class: "institution-category" }, tKnown("category", institution.category)),
        institution.aliases.length ? h("span", { class: "aliases" }, institution.aliases.join("・")) : null,
        ended ? h("span", { class: "badge badge-muted" }, t("link.ended")) : null,
        !ended && institution.policy.needs_user_every_login
          ? h("span", { class: "hint" }, t("link.needs_user"))
          : null,
      ),
    );
  };

  const showSearch = () => {
    replaceChildren(
      root,
      h("h1", { id: "link-title" }, t("link.title")),
      h(
        "div",
        { class: "search-bar", role: "search" },
        h("label", { for: "institution-search", class: "visually-hidden" }, t("link.search")),
        search,
        category,
      ),
      h("p", { class: "hint" }, t("link.choose")),
      results,
    );
    search.focus();
    void runSearch();
  };

  const showForm = (institution: InstitutionView) => {
    const fields = institution.auth.fields.map((field) => ({
      field,
      input: h("input", {
        id: `credential-${field.id}`,
        name: field.id,
        type: field.secret ? "password" : "text",
        autocomplete: "off",
        required: true,
      }),
    }));
    const name = h("input", { id: "link-name", type: "text", placeholder: institution.name, autocomplete: "off" });
    const memo = h("input", { id: "link-memo", type: "text", autocomplete: "off" });
    const startDate = h("input", { id: "link-start-date", type: "text", placeholder: "2026/01/01", inputmode: "numeric" });
    const problem = h("div", { class: "form-problem" });
    const submit = h("button", { type: "submit", class: "button primary", id: "link-submit" }, t("link.submit"));
    const row = (id: string, label: string, input: HTMLElement, hint?: string) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: id }, label),
        input,
        hint ? h("span", { class: "hint" }, hint) : null,
      );
    const form = h(
      "form",
      {
        class: "link-form",
        onsubmit: async (event: Event) => {
          event.preventDefault();
          submit.disabled = true;
          submit.textContent = t("link.submitting");
          replaceChildren(problem);
          const credentials: Record<string, string> = {};
          for (const { field, input } of fields) credentials[field.id] = input.value;
          try {
            const connection = await ipc.connect({
              institution: institution.id,
              name: name.value,
              memo: memo.value,
              start_date: startDate.value,
              credentials,
            });
            rememberSandboxLogin(connection.id, credentials.login_id);
            // The form held the login: clear it before anything else.
            for (const { input } of fields) input.value = "";
            await store.loadConnections();
            if (institution.auth.kind === "file") {
              // Linked by its statement files: there is nothing to fetch, a file to import.
              location.hash = `#import/connection/${connection.id}`;
              return;
            }
            location.hash = "#accounts";
            // Reached by the user's own login: the first refresh is that login, in its window.
            if (institution.auth.kind === "window") void openInstitutionWindow(connection);
            else void refreshConnections([connection.id]);
          } catch (e) {
            replaceChildren(problem, errorBox(e as GimsError));
            submit.disabled = false;
            submit.textContent = t("link.submit");
          }
        },
      },
      institution.auth.kind === "file"
        ? h("p", { class: "hint", id: "link-by-files" }, t("import.by_files"))
        : institution.auth.kind === "window"
          ? h("p", { class: "hint", id: "link-by-window" }, t("link.by_window"))
          : null,
      h(
        "fieldset",
        { hidden: fields.length === 0 },
        h("legend", {}, t("link.credentials")),
        fields.map(({ field, input }) => row(input.id, field.label, input)),
        h("p", { class: "hint" }, t("link.credentials_note")),
        institution.id.startsWith("sandbox-") ? h("p", { class: "hint sandbox" }, t("link.sandbox_hint")) : null,
        // In demo mode the exchanges are the sandbox's fakes, which know one read-only key.
        store.info?.demo && institution.auth.kind === "api_key"
          ? h(
              "p",
              { class: "hint sandbox", id: "link-demo-key" },
              institution.id === "simplefin" ? t("link.demo_simplefin", { token: DEMO_SIMPLEFIN_TOKEN }) : t("link.demo_api_key"),
            )
          : null,
      ),
      row("link-name", t("link.display_name"), name, t("link.display_name_hint")),
      row("link-memo", t("link.memo"), memo),
      row("link-start-date", t("link.start_date"), startDate, t("link.start_date_hint")),
      problem,
      h(
        "div",
        { class: "form-actions" },
        h("button", { type: "button", class: "button", onclick: showSearch }, t("link.back")),
        submit,
      ),
    );
    replaceChildren(
      root,
      h("h1", { id: "link-title" }, t("link.form_title", { name: institution.name })),
      institution.status_message ? h("p", { class: "hint" }, institution.status_message) : null,
      form,
    );
    fields[0]?.input.focus();
  };

  search.addEventListener("input", () => void runSearch());
  category.addEventListener("change", () => void runSearch());
  showSearch();
  return { element: root };
}
