// Starting refreshes from the window: the row's button, "refresh all", and the first refresh
// after linking. Progress arrives as engine events; the result as reports, shown as notices.

import { ipc, type GimsError, type RefreshReport } from "./ipc";
import { store } from "./store";
import { t } from "./i18n";
import { notify } from "./ui/notices";

const FINISHED = new Set(["done", "failed", "cancelled"]);

export async function refreshConnections(ids: number[] | "all"): Promise<void> {
  const targets = ids === "all" ? store.connections.map((c) => c.id) : ids;
  for (const id of targets) {
    if (!store.runs.has(id) || FINISHED.has(store.runs.get(id)!)) store.runs.set(id, "queued");
  }
  store.refreshing += 1;
  store.changed();
  try {
    const reports = ids === "all" ? await ipc.refreshAll() : await ipc.refresh(ids);
    for (const report of reports) announce(report);
  } catch (error) {
    const { message } = error as GimsError;
    notify(message, "error");
  } finally {
    store.refreshing -= 1;
    // Runs the engine skipped (policy, interval) never left "queued": they are over too.
    for (const id of targets) if (store.runs.get(id) === "queued") store.runs.delete(id);
    await store.loadConnections().catch(() => undefined);
    store.changed();
    setTimeout(() => {
      for (const [id, state] of store.runs) if (FINISHED.has(state)) store.runs.delete(id);
      store.changed();
    }, 4000);
  }
}

function announce(report: RefreshReport): void {
  const name = store.connectionName(report.connection_id);
  if (report.outcome === "ok") {
    notify(t("report.ok", { name, added: report.added }), "ok");
  } else {
    notify(t("report.other", { name, message: report.message }), report.outcome === "skipped" ? "info" : "warn");
  }
}
