// 設定 (the app's own settings, not a connection's): minutes between unattended refreshes, the
// folder the closed month's report is written to (empty: not written), and the language. Each
// value is validated and saved by the core; a refusal shows its `{code, message}`.

import { ipc, type GimsError, type Settings } from "../ipc";
import { lang, setLang, t, type Lang } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { field } from "../ui/field";
import { store } from "../store";
import { errorBox, notify } from "../ui/notices";
import type { Screen } from "./screen";

export function preferencesScreen(): Screen {
  const root = h("section", { class: "screen preferences", "aria-labelledby": "preferences-title" });
  const title = h("h1", { id: "preferences-title" }, t("preferences.title"));

  const render = (settings: Settings) => {
    const interval = h("input", {
      id: "pref-interval",
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      value: String(settings.auto_refresh_minutes),
    });
    const folder = h("input", {
      id: "pref-report-folder",
      type: "text",
      autocomplete: "off",
      spellcheck: "false",
      value: settings.report_folder ?? "",
      placeholder: t("preferences.report_folder_placeholder"),
    });
    const language = h(
      "select",
      { id: "pref-language" },
      (["ja", "en"] as Lang[]).map((code) =>
        h("option", { value: code, selected: code === lang() }, t(`preferences.language_${code}`)),
      ),
    );
    const problem = h("div", { class: "form-problem", id: "pref-problem" });
    const submit = h("button", { type: "submit", class: "button primary", id: "pref-save" }, t("preferences.save"));
    const form = h(
      "form",
      {
        class: "settings-card",
        onsubmit: async (event: Event) => {
          event.preventDefault();
          submit.disabled = true;
          replaceChildren(problem);
          try {
            // One at a time: the first refusal stops the rest and is shown as the core said it.
            await ipc.setSetting("auto_refresh_minutes", interval.value);
            await ipc.setSetting("report_folder", folder.value);
            const saved = await ipc.setSetting("language", language.value);
            notify(t("preferences.saved"), "ok");
            if (saved.language !== lang()) {
              setLang(saved.language === "en" ? "en" : "ja");
              // Redraw the header and this screen in the new language.
              window.dispatchEvent(new HashChangeEvent("hashchange"));
            }
          } catch (e) {
            replaceChildren(problem, errorBox(e as GimsError));
          } finally {
            submit.disabled = false;
          }
        },
      },
      field("pref-interval", t("preferences.interval"), interval, t("preferences.interval_hint")),
      field("pref-report-folder", t("preferences.report_folder"), folder, t("preferences.report_folder_hint")),
      field("pref-language", t("preferences.language"), language),
      problem,
      h("div", { class: "form-actions" }, submit),
    );
    const more = h(
      "p",
      { class: "settings-more" },
      h("a", { href: "#access-log", id: "access-log-link" }, t("access.link")),
      " — ",
      t("access.link_hint"),
    );
    replaceChildren(root, title, form, more, about());
  };

  const load = async () => {
    try {
      render(await ipc.settings());
    } catch (e) {
      replaceChildren(root, title, errorBox(e as GimsError, t("error.title")));
    }
  };

  replaceChildren(root, title, h("p", { class: "loading" }, t("common.loading")));
  void load();
  return { element: root };
}

/** This build, as `gims-desktop --version` prints it, and where the vault is. */
function about(): HTMLElement | null {
  const info = store.info;
  if (!info) return null;
  const build = info.build;
  return h(
    "section",
    { class: "about", "aria-labelledby": "about-title" },
    h("h2", { id: "about-title" }, t("preferences.about")),
    h(
      "dl",
      { class: "about-list" },
      h("dt", {}, t("preferences.version")),
      h("dd", { id: "about-version" }, build.version),
      h("dt", {}, t("preferences.commit")),
      h("dd", { id: "about-commit" }, build.commit),
      h("dt", {}, "SQLCipher"),
      h("dd", { id: "about-sqlcipher" }, build.sqlcipher ?? t("preferences.unknown")),
      h("dt", {}, t("preferences.vault")),
      h("dd", { id: "about-vault" }, info.vault),
    ),
  );
}
