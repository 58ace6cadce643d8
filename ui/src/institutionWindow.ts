// The institution window from the main window's side: the refresh button of a window connection
// opens it (the core and the shell do the rest), and what happens there comes back as
// `institution-window` events, told to the user as notices. The page in that window never talks
// to this one.

import type { ConnectionRow, InstitutionWindowEvent, WindowStep } from "./bindings";
import { t } from "./i18n";
import { ipc } from "./ipc";
import { store } from "./store";
import { dismissSticky, errorText, notify, notifyError } from "./ui/notices";

const walkNotice = (id: number) => `walk-${id}`;

export async function openInstitutionWindow(connection: ConnectionRow): Promise<void> {
  try {
    const session = await ipc.openInstitutionWindow(connection.id);
    notify(t("window.opened", { name: connection.display_name }), "info");
    // A plan that cannot tell when the user is logged in walks when they say so.
    if (session.logged_in === null && session.steps.length > 0) {
      dismissSticky(walkNotice(connection.id));
      notify(
        `${connection.display_name}: ${t("window.walk")}`,
        "info",
        {
          label: t("window.walk_now"),
          id: `walk-recipe-${connection.id}`,
          run: () => {
            dismissSticky(walkNotice(connection.id));
            void ipc.walkRecipe(connection.id).catch(notifyError);
          },
        },
        walkNotice(connection.id),
      );
    }
  } catch (e) {
    notifyError(e);
  }
}

/** "Next time from here": the page the shell kept becomes the window's way to the statement. */
export async function rememberDownloadPage(id: number, page: string): Promise<boolean> {
  try {
    const row = await ipc.rememberDownloadPage(id);
    await store.loadConnections();
    notify(t("window.remembered", { name: row.display_name, page }), "ok");
    return true;
  } catch (e) {
    notifyError(e);
    return false;
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
  if (event.kind !== "blocked" && event.kind !== "step_missing" && event.kind !== "refused") {
    dismissSticky(walkNotice(event.connection_id));
  }
  switch (event.kind) {
    case "imported":
      notify(
        t("window.imported", { name, file: event.file_name, imported: event.imported, duplicates: event.duplicates }),
        "ok",
        event.offer_page
          ? { label: t("window.remember"), run: () => void rememberDownloadPage(event.connection_id, event.offer_page!) }
          : undefined,
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
