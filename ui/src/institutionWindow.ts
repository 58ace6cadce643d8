// The institution window from the main window's side: the refresh button of a window connection
// opens it (the core and the shell do the rest), and what happens there comes back as
// `institution-window` events, told to the user as notices. The page in that window never talks
// to this one.

import type { ConnectionRow, InstitutionWindowEvent, WindowStep } from "./bindings";
import { t } from "./i18n";
import { ipc } from "./ipc";
import { store } from "./store";
import { errorText, notify, notifyError } from "./ui/notices";

export async function openInstitutionWindow(connection: ConnectionRow): Promise<void> {
  try {
    await ipc.openInstitutionWindow(connection.id);
    notify(t("window.opened", { name: connection.display_name }), "info");
  } catch (e) {
    notifyError(e);
  }
}

/** A recipe step in the user's words: 「#statement-period で 3 を選ぶ」. */
function stepWords(step: WindowStep): string {
  switch (step.step) {
    case "open":
      return t("window.step.open", { url: step.url });
    case "click":
      return t("window.step.click", { what: [step.text, step.selector].filter((x) => x).join(" ") });
    case "choose":
      return t("window.step.choose", { selector: step.selector, value: step.value });
    case "await_download":
      return t("window.step.await_download");
  }
}

/** Says what happened in an institution window; `imported` runs after a statement was saved.
 * A statement waiting for the user's check opens its preview (`#import/captured/ID`). */
export function onInstitutionWindowEvent(event: InstitutionWindowEvent, imported: () => void): void {
  const name = store.connectionName(event.connection_id);
  switch (event.kind) {
    case "imported":
      notify(
        t("window.imported", { name, file: event.file_name, imported: event.imported, duplicates: event.duplicates }),
        "ok",
      );
      imported();
      break;
    case "captured":
      notify(t("window.captured", { name, file: event.file_name, imported: event.imported }), "info");
      location.hash = `#import/captured/${event.connection_id}`;
      break;
    case "refused":
      notify(`${t("window.refused", { name })} ${errorText(event.error)}`, "error");
      break;
    case "step_missing":
      notify(t("window.step_missing", { name, step: event.step, what: stepWords(event.what) }), "warn");
      break;
    case "blocked":
      notify(t("window.blocked", { name, url: event.url }), "warn", {
        label: t("window.open_in_browser"),
        run: () => void ipc.openBlockedLink(event.connection_id, event.url).catch(notifyError),
      });
      break;
    case "closed":
      notify(t("window.closed", { name }), "info");
      break;
  }
}
