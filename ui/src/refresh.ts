// Starting refreshes from the window: the row's button, "refresh all", and the first refresh
// after linking. Progress arrives as engine events; the result as reports, shown as notices.

import { ipc, type GimsError, type RefreshReport } from "./ipc";
import { store } from "./store";
import { t } from "./i18n";
import { notify } from "./ui/notices";
import { waitingText } from "./ui/badge";

const FINISHED = new Set(["done", "failed", "cancelled"]);

export function refreshConnections(ids: number[] | "all"): Promise<void> {
  return run(ids, () => (ids === "all" ? ipc.refreshAll() : ipc.refresh(ids)));
}

/** Re-link: the institution's session and tokens are forgotten, then it logs in afresh. */
export function relinkConnection(id: number): Promise<void> {
  return run([id], () => ipc.relink(id));
}

async function run(ids: number[] | "all", start: () => Promise<RefreshReport[]>): Promise<void> {
  const targets = ids === "all" ? store.connections.map((c) => c.id) : ids;
  for (const id of targets) {
    if (!store.runs.has(id) || FINISHED.has(store.runs.get(id)!)) store.runs.set(id, "queued");
  }
  store.refreshing += 1;
  store.changed();
  try {
    const reports = await start();
    if (reports.length === 1) announce(reports[0]);
    else if (reports.length > 1) summarise(reports);
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
  } else if (report.code === "refresh.busy" && report.retry_at) {
    // Nothing was sent: say when the next try is allowed, in the user's language.
    notify(t("report.other", { name, message: waitingText(report.status, report.retry_at) }), "info");
  } else {
    notify(t("report.other", { name, message: report.message }), report.outcome === "skipped" ? "info" : "warn");
  }
}

/** "Refresh all" ends with one notice; each row already says what happened to it. */
function summarise(reports: RefreshReport[]): void {
  const ok = reports.filter((r) => r.outcome === "ok");
  const added = ok.reduce((sum, r) => sum + r.added, 0);
  const attention = reports.length - ok.length;
  if (ok.length === 0) notify(t("report.all_attention", { attention }), "warn");
  else notify(t("report.all", { ok: ok.length, added, attention }), attention ? "warn" : "ok");
}
