// The window: header (places, "refresh all" with per-connection progress, language), the
// current screen by URL hash, notices, and the challenge dialog.

import "./styles.css";
import { ipc, type GimsError } from "./ipc";
import { store } from "./store";
import { lang, setLang, t, tKnown, type Key } from "./i18n";
import { h, replaceChildren } from "./ui/dom";
import { errorBox } from "./ui/notices";
import { mountChallengeDialog } from "./ui/challenge";
import { refreshConnections } from "./refresh";
import { onInstitutionWindowEvent } from "./institutionWindow";
import { homeScreen } from "./screens/home";
import { accountsScreen } from "./screens/accounts";
import { transactionsScreen } from "./screens/transactions";
import { linkScreen } from "./screens/link";
import { settingsScreen } from "./screens/settings";
import { transfersScreen } from "./screens/transfers";
import { preferencesScreen } from "./screens/preferences";
import { accessLogScreen } from "./screens/accessLog";
import { importScreen } from "./screens/import";
import { reportsScreen } from "./screens/reports";
import { categoriesScreen } from "./screens/categories";
import { assetsScreen } from "./screens/assets";
import { accountHistoryScreen } from "./screens/accountHistory";
import type { Screen } from "./screens/screen";

const PLACES: { hash: string; label: Key; screen: () => Screen }[] = [
  { hash: "#home", label: "nav.home", screen: homeScreen },
  { hash: "#transactions", label: "nav.transactions", screen: transactionsScreen },
  { hash: "#reports", label: "nav.reports", screen: reportsScreen },
  { hash: "#assets", label: "nav.assets", screen: assetsScreen },
  { hash: "#transfers", label: "nav.transfers", screen: transfersScreen },
  { hash: "#accounts", label: "nav.accounts", screen: accountsScreen },
  { hash: "#link", label: "nav.link", screen: linkScreen },
];

/** Places outside the nav: the gear in the header. */
const OTHER_PLACES: { hash: string; screen: () => Screen }[] = [
  { hash: "#preferences", screen: preferencesScreen },
  { hash: "#access-log", screen: accessLogScreen },
  { hash: "#categories", screen: categoriesScreen },
];

const header = h("header", { class: "app-header" });
const main = h("main", { id: "main", tabindex: "-1" });
const notices = h("div", { id: "notices", class: "notices", "aria-live": "polite" });
// Above every screen once a check found the ledger damaged (the core's status says so).
const damageBanner = h("div", { id: "damage-banner", class: "damage-banner" });
let damaged: GimsError | null = null;
let current: Screen | null = null;

/** `#connection/ID` is a connection's settings, a page under 口座. */
function settingsId(): number | null {
  const match = /^#connection\/(\d+)$/.exec(location.hash);
  return match ? Number(match[1]) : null;
}

/** `#import` (from 口座), `#import/connection/ID` (a file connection's file) or
 * `#import/captured/ID` (the statement connection ID's institution window caught): under 口座. */
function importTarget(): { connection: number | null; captured: boolean } | null {
  const match = /^#import(?:\/(connection|captured)\/(\d+))?$/.exec(location.hash);
  return match ? { connection: match[2] ? Number(match[2]) : null, captured: match[1] === "captured" } : null;
}

/** `#assets/account/ID` is an account's balance history, a page under 資産. */
function historyId(): number | null {
  const match = /^#assets\/account\/(\d+)$/.exec(location.hash);
  return match ? Number(match[1]) : null;
}

function other() {
  return OTHER_PLACES.find((p) => p.hash === location.hash) ?? null;
}

function place() {
  if (settingsId() !== null || importTarget() !== null) return PLACES.find((p) => p.hash === "#accounts")!;
  if (historyId() !== null) return PLACES.find((p) => p.hash === "#assets")!;
  return PLACES.find((p) => p.hash === location.hash) ?? (other() ? null : PLACES[0]);
}

// The header is built once and patched: rebuilding it at every run-state event would swallow a
// click that lands between mouse-down and mouse-up.
const navLinks = PLACES.map((p) => h("a", { href: p.hash }));
const progress = h("div", { class: "header-progress", role: "status", "aria-live": "polite" });
const refreshAll = h("button", {
  type: "button",
  id: "refresh-all",
  class: "button primary",
  onclick: () => void refreshConnections("all"),
});
const languageButton = h("button", {
  type: "button",
  class: "button subtle",
  id: "language",
  onclick: () => {
    setLang(lang() === "ja" ? "en" : "ja");
    // Saved in the ledger too, so that it persists with the data (the preferences screen shows it).
    void ipc.setSetting("language", lang()).catch(() => undefined);
    route();
  },
});
const preferencesLink = h("a", { href: "#preferences", id: "preferences-link", class: "button subtle gear" });
const brand = h("span", { class: "brand" });

function buildHeader() {
  replaceChildren(
    header,
    brand,
    h("nav", { "aria-label": "GIMS" }, h("ul", {}, navLinks.map((link) => h("li", {}, link)))),
    progress,
    refreshAll,
    languageButton,
    preferencesLink,
  );
}

function renderHeader() {
  const active = place();
  replaceChildren(brand, t("app.name"), store.info?.demo ? h("span", { class: "demo-tag" }, t("header.demo")) : null);
  PLACES.forEach((p, i) => {
    navLinks[i].textContent = t(p.label);
    if (p === active) navLinks[i].setAttribute("aria-current", "page");
    else navLinks[i].removeAttribute("aria-current");
  });
  replaceChildren(
    progress,
    [...store.runs.entries()].map(([id, state]) =>
      h("span", { class: `run-chip run-${state}` }, `${store.connectionName(id)}: ${tKnown("run", state)}`),
    ),
  );
  refreshAll.disabled = store.refreshing > 0 || store.connections.length === 0;
  refreshAll.textContent = store.refreshing > 0 ? t("header.refreshing") : t("header.refresh_all");
  languageButton.textContent = t("header.language");
  languageButton.lang = lang() === "ja" ? "en" : "ja";
  replaceChildren(preferencesLink, h("span", { "aria-hidden": "true" }, "⚙"), h("span", { class: "visually-hidden" }, t("nav.preferences")));
  preferencesLink.title = t("nav.preferences");
  if (other()?.hash === "#preferences") preferencesLink.setAttribute("aria-current", "page");
  else preferencesLink.removeAttribute("aria-current");
}

function renderDamageBanner() {
  damageBanner.hidden = damaged === null;
  if (damaged === null) return replaceChildren(damageBanner);
  replaceChildren(
    damageBanner,
    errorBox(damaged, t("damage.title")),
    h("p", { class: "damage-action" }, t("damage.action")),
  );
}

/** Asks the core whether the ledger was found damaged (a background pass may find it any minute). */
async function checkDamage(): Promise<void> {
  const status = await ipc.status().catch(() => null);
  const next = status?.damaged ?? null;
  if (JSON.stringify(next) === JSON.stringify(damaged)) return;
  damaged = next;
  renderDamageBanner();
}

function route() {
  current?.dispose?.();
  const id = settingsId();
  const importing = importTarget();
  const history = historyId();
  current =
    id !== null
      ? settingsScreen(id)
      : history !== null
        ? accountHistoryScreen(history)
        : importing !== null
          ? importScreen(importing.connection, importing.captured)
          : (other() ?? place() ?? PLACES[0]).screen();
  replaceChildren(main, current.element);
  renderHeader();
  renderDamageBanner();
}

async function start() {
  document.documentElement.lang = lang();
  document.title = t("app.name");
  replaceChildren(document.body, h("a", { class: "skip", href: "#main" }, t("common.skip")), header, damageBanner, main, notices);
  buildHeader();
  try {
    store.info = await ipc.appInfo();
    if (store.info.open_error) {
      replaceChildren(main, errorBox(store.info.open_error, t("error.vault_title")), h("p", { class: "hint" }, store.info.vault));
      return;
    }
    await ipc.onEngineEvent((event) => store.apply(event));
    await ipc.onInstitutionWindow((event) =>
      onInstitutionWindowEvent(event, () => void store.loadConnections().then(route)),
    );
    await Promise.all([store.loadCatalog(), store.loadConnections()]);
    const saved = await ipc.settings().catch(() => null);
    if (saved && (saved.language === "ja" || saved.language === "en") && saved.language !== lang()) {
      setLang(saved.language);
      document.title = t("app.name");
    }
  } catch (e) {
    replaceChildren(main, errorBox(e as GimsError, t("error.title")));
    return;
  }
  mountChallengeDialog();
  store.subscribe(renderHeader);
  window.addEventListener("hashchange", route);
  route();
  void checkDamage();
  setInterval(() => void checkDamage(), 60_000);
  reportFirstPaint();
}

/** The first frame of the home screen (header and screen laid out), for scripts/bench-desktop. */
function reportFirstPaint() {
  requestAnimationFrame(() =>
    setTimeout(() => void ipc.firstPaint(performance.now()).catch(() => undefined), 0),
  );
}

void start();
