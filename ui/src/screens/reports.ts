// レポート: a month's income and spending by category (大項目, each opening onto its 中項目),
// month by month (前月 / 翌月), over a group (the default: everything not hidden); the month's
// budgets with what is spent and left; the year by month; points and e-money expiring soon; and
// the monthly report files GIMS wrote into the report folder, with "write this month's now".
// Every figure is the core's: the window lays out its strings and draws bars to them.

import {
  ipc,
  type BudgetLine,
  type BudgetReport,
  type CategoryRow,
  type ExpiringLine,
  type GimsError,
  type GroupRow,
  type MonthlyReport,
  type ReportFile,
  type Settings,
  type YearReport,
} from "../ipc";
import { store } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { money, monthFigures, negated } from "../ui/money";
import { fullDate } from "../ui/time";
import { errorBox, notify, notifyError } from "../ui/notices";
import { chart } from "../ui/chart";
import { showTransactions } from "./transactions";
import type { Screen } from "./screen";

/** Points and e-money expiring within this many days are listed. */
const EXPIRING_DAYS = 90;

/** The month the screen opens on next time (a report file's 表示 sets it). */
let openOn: string | null = null;

export function showReportOf(month: string): void {
  openOn = month;
  if (location.hash === "#reports") window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = "#reports";
}

export function reportsScreen(): Screen {
  const root = h("section", { class: "screen reports", "aria-labelledby": "reports-title" });
  let month = openOn ?? thisMonth();
  openOn = null;
  let group: string | null = null;
  let generation = 0;
  const expanded = new Set<string>();

  const monthHeading = h("span", { class: "month-now", id: "report-month", "aria-live": "polite" });
  const groupSelect = h("select", { id: "report-group", "aria-label": t("rep.group") });
  groupSelect.addEventListener("change", () => {
    group = groupSelect.value || null;
    void load();
  });
  const go = (step: number) => {
    month = addMonths(month, step);
    void load();
  };
  const body = h("div", { class: "report-body" }, h("p", { class: "loading" }, t("common.loading")));

  const load = async () => {
    const mine = ++generation;
    monthHeading.textContent = monthLabel(month);
    try {
      const [monthly, budget, year, expiring, groups, categories, settings, files] = await Promise.all([
        ipc.reportMonthly(month, group),
        ipc.reportBudget(month, group),
        ipc.reportYear(Number(month.slice(0, 4)), group),
        ipc.reportExpiring(EXPIRING_DAYS, group),
        ipc.groups(),
        ipc.categories(),
        ipc.settings(),
        ipc.writtenReports(),
      ]);
      if (mine !== generation) return;
      fillGroups(groups);
      replaceChildren(
        body,
        summary(monthly),
        breakdown(monthly),
        budgets(budget, categories),
        yearSection(year),
        expiringSection(expiring),
        filesSection(settings, files),
      );
    } catch (e) {
      if (mine === generation) replaceChildren(body, errorBox(e as GimsError, t("error.title")));
    }
  };

  const fillGroups = (groups: GroupRow[]) => {
    replaceChildren(
      groupSelect,
      h("option", { value: "", selected: group === null }, t("rep.group_default")),
      groups.map((g) => h("option", { value: g.name, selected: g.name === group }, g.name)),
    );
    if (group !== null && !groups.some((g) => g.name === group)) group = null;
  };

  const summary = (report: MonthlyReport) =>
    h(
      "section",
      { class: "card report-summary", "aria-labelledby": "report-summary-title" },
      h("h2", { id: "report-summary-title" }, t("rep.summary", { month: monthLabel(report.month) })),
      monthFigures(report, "report"),
      report.other_currencies.map((c) =>
        h(
          "p",
          { class: "hint" },
          t("rep.other_currency", { currency: c.currency }),
          " ",
          money(c.income, c.currency),
          " / ",
          money(negated(c.expense), c.currency),
        ),
      ),
      h("p", { class: "hint" }, t("home.month_note")),
    );

  /** 大項目 rows, each a button that shows or hides its 中項目 rows. */
  const breakdown = (report: MonthlyReport) => {
    const section = h("section", { class: "card", "aria-labelledby": "breakdown-title" });
    const heading = h("h2", { id: "breakdown-title" }, t("rep.breakdown"));
    if (report.top_categories.length === 0) {
      replaceChildren(section, heading, h("p", { class: "empty", id: "breakdown-empty" }, t("rep.breakdown_empty")));
      return section;
    }
    // Each 大項目's bar is its share of the largest one of its kind (income, spending): a picture
    // of the core's figures, never a figure itself.
    const size = (amount: string) => Math.abs(Number(amount)) || 0;
    const largest = new Map<string, number>();
    for (const top of report.top_categories) largest.set(top.kind, Math.max(largest.get(top.kind) ?? 0, size(top.amount)));
    const bar = (top: (typeof report.top_categories)[number]) => {
      const fill = h("span", { class: `share-bar kind-${top.kind}` });
      const most = largest.get(top.kind) ?? 0;
      fill.style.width = `${most > 0 ? Math.max(1, Math.round((size(top.amount) / most) * 100)) : 0}%`;
      return h("td", { class: "share", "aria-hidden": "true" }, fill);
    };
    const draw = () => {
      const tbody = h("tbody", {});
      for (const top of report.top_categories) {
        const open = expanded.has(top.category);
        const subs = report.categories.filter((line) => line.category === top.category);
        const toggle = h(
          "button",
          {
            type: "button",
            class: "disclosure",
            "aria-expanded": open ? "true" : "false",
            "data-category": top.category,
            onclick: () => {
              if (expanded.has(top.category)) expanded.delete(top.category);
              else expanded.add(top.category);
              draw();
              section.querySelector<HTMLButtonElement>(`button.disclosure[data-category="${CSS.escape(top.category)}"]`)?.focus();
            },
          },
          h("span", { class: "disclosure-mark", "aria-hidden": "true" }, open ? "▾" : "▸"),
          top.category,
        );
        tbody.append(
          h(
            "tr",
            { class: `top-line kind-${top.kind}`, "data-category": top.category },
            h("th", { scope: "row" }, toggle),
            bar(top),
            h("td", { class: "kind" }, t(kindKey(top.kind))),
            h("td", { class: "amount" }, money(top.amount, report.currency)),
          ),
        );
        if (!open) continue;
        for (const line of subs) {
          const path = line.subcategory ? `${line.category}/${line.subcategory}` : line.category;
          tbody.append(
            h(
              "tr",
              { class: "sub-line", "data-category": path },
              h(
                "th",
                { scope: "row" },
                h(
                  "button",
                  {
                    type: "button",
                    class: "link-button sub-link",
                    title: t("rep.show_transactions"),
                    onclick: () => showTransactions({ month, category: path, group: group ?? "" }),
                  },
                  line.subcategory ?? t("rep.top_itself", { category: line.category }),
                ),
              ),
              h("td", { class: "share" }),
              h("td", { class: "kind" }),
              h("td", { class: "amount" }, money(line.amount, report.currency)),
            ),
          );
        }
      }
      replaceChildren(
        section,
        heading,
        h("p", { class: "hint" }, t("rep.breakdown_hint")),
        h(
          "table",
          { class: "report-table breakdown", id: "report-breakdown" },
          h(
            "thead",
            {},
            h(
              "tr",
              {},
              h("th", {}, t("tx.category")),
              h("th", { class: "share" }),
              h("th", { class: "kind" }, t("rep.kind")),
              h("th", { class: "amount" }, t("tx.amount")),
            ),
          ),
          tbody,
        ),
      );
    };
    draw();
    return section;
  };

  const budgets = (report: BudgetReport, categories: CategoryRow[]) => {
    const category = h("select", { id: "budget-category", "aria-label": t("tx.category") });
    for (const c of categories.filter((c) => c.kind === "expense")) {
      const path = c.subcategory ? `${c.category}/${c.subcategory}` : c.category;
      category.append(h("option", { value: path }, c.subcategory ? `　${c.subcategory}` : c.category));
    }
    const amount = h("input", {
      id: "budget-amount",
      type: "text",
      inputmode: "numeric",
      placeholder: "30000",
      autocomplete: "off",
      "aria-label": t("bud.amount"),
    });
    const scope = h(
      "select",
      { id: "budget-scope", "aria-label": t("bud.scope") },
      h("option", { value: "every" }, t("bud.every_month")),
      h("option", { value: "month" }, t("bud.this_month_only", { month: monthLabel(month) })),
    );
    const form = h(
      "form",
      {
        class: "inline-form",
        id: "budget-form",
        onsubmit: async (event: Event) => {
          event.preventDefault();
          try {
            await ipc.setBudget(category.value, amount.value.trim(), scope.value === "month" ? month : null);
            notify(t("bud.saved", { category: category.value }), "ok");
            void load();
          } catch (e) {
            notifyError(e);
          }
        },
      },
      category,
      amount,
      scope,
      h("button", { type: "submit", class: "button primary", id: "budget-save" }, t("bud.set")),
    );
    const remove = async (line: BudgetLine) => {
      const path = line.subcategory ? `${line.category}/${line.subcategory}` : line.category;
      try {
        await ipc.setBudget(path, null, month);
        await ipc.setBudget(path, null, null);
        notify(t("bud.removed", { category: path }), "ok");
        void load();
      } catch (e) {
        notifyError(e);
      }
    };
    const row = (line: BudgetLine) => {
      const path = line.subcategory ? `${line.category}/${line.subcategory}` : line.category;
      const bar = h("span", { class: line.percent > 100 ? "progress-fill over" : "progress-fill" });
      bar.style.width = `${Math.min(Math.max(line.percent, 0), 100)}%`;
      return h(
        "tr",
        { class: "budget-line", "data-category": path },
        h("th", { scope: "row" }, path),
        h("td", { class: "amount" }, money(line.budget, report.currency)),
        h("td", { class: "amount budget-spent" }, money(line.spent, report.currency)),
        h("td", { class: "amount budget-remaining" }, money(line.remaining, report.currency)),
        h(
          "td",
          { class: "progress-cell" },
          h(
            "span",
            {
              class: "progress",
              role: "progressbar",
              "aria-valuemin": 0,
              "aria-valuemax": 100,
              "aria-valuenow": Math.min(Math.max(line.percent, 0), 100),
              "aria-label": t("bud.percent", { n: line.percent }),
            },
            bar,
          ),
          h("span", { class: "percent" }, t("bud.percent", { n: line.percent })),
        ),
        h(
          "td",
          { class: "actions" },
          h(
            "button",
            { type: "button", class: "button subtle budget-remove", title: t("bud.remove_hint"), onclick: () => void remove(line) },
            t("bud.remove"),
          ),
        ),
      );
    };
    return h(
      "section",
      { class: "card", id: "budgets", "aria-labelledby": "budgets-title" },
      h("h2", { id: "budgets-title" }, t("bud.title", { month: monthLabel(report.month) })),
      report.lines.length === 0
        ? h("p", { class: "empty", id: "budgets-empty" }, t("bud.empty"))
        : h(
            "table",
            { class: "report-table budget-table", id: "budget-table" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                h("th", {}, t("tx.category")),
                h("th", { class: "amount" }, t("bud.budget")),
                h("th", { class: "amount" }, t("bud.spent")),
                h("th", { class: "amount" }, t("bud.remaining")),
                h("th", {}, t("bud.progress")),
                h("th", {}),
              ),
            ),
            h("tbody", {}, report.lines.map(row)),
            h(
              "tfoot",
              {},
              h(
                "tr",
                { class: "budget-total" },
                h("th", { scope: "row" }, t("bud.total")),
                h("td", { class: "amount" }, money(report.budget, report.currency)),
                h("td", { class: "amount", id: "budget-total-spent" }, money(report.spent, report.currency)),
                h("td", { class: "amount", id: "budget-total-remaining" }, money(report.remaining, report.currency)),
                h("td", {}),
                h("td", {}),
              ),
            ),
          ),
      h("h3", {}, t("bud.set_title")),
      form,
      h("p", { class: "hint" }, t("bud.hint")),
    );
  };

  const yearSection = (report: YearReport) =>
    h(
      "section",
      { class: "card", "aria-labelledby": "year-title" },
      h("h2", { id: "year-title" }, t("rep.year", { year: report.year })),
      // Income and spending side by side each month, as the core summed them (spending as the
      // positive sum it reports, a bar up from zero; the table below gives it as money out).
      chart({
        kind: "bars",
        label: t("rep.year_label"),
        currency: report.currency,
        id: "year-chart",
        interval: "calendar-month",
        series: [
          { label: t("home.income"), class: "chart-income" },
          { label: t("home.expense"), class: "chart-expense" },
        ],
        groups: report.months.map((line) => ({ date: line.month, values: [line.income, line.expense] })),
      }),
      h(
        "table",
        { class: "report-table year-table", id: "year-table" },
        h(
          "thead",
          {},
          h(
            "tr",
            {},
            h("th", {}, t("rep.month")),
            h("th", { class: "amount" }, t("home.income")),
            h("th", { class: "amount" }, t("home.expense")),
            h("th", { class: "amount" }, t("home.net")),
          ),
        ),
        h(
          "tbody",
          {},
          report.months.map((line) =>
            h(
              "tr",
              { "data-month": line.month, class: line.month === month ? "current" : null },
              h(
                "th",
                { scope: "row" },
                h(
                  "button",
                  {
                    type: "button",
                    class: "link-button",
                    onclick: () => {
                      month = line.month;
                      void load();
                    },
                  },
                  monthLabel(line.month),
                ),
              ),
              h("td", { class: "amount" }, money(line.income, report.currency)),
              h("td", { class: "amount" }, money(negated(line.expense), report.currency)),
              h("td", { class: "amount" }, money(line.net, report.currency)),
            ),
          ),
        ),
        h(
          "tfoot",
          {},
          h(
            "tr",
            {},
            h("th", { scope: "row" }, t("bud.total")),
            h("td", { class: "amount" }, money(report.income, report.currency)),
            h("td", { class: "amount" }, money(negated(report.expense), report.currency)),
            h("td", { class: "amount" }, money(report.net, report.currency)),
          ),
        ),
      ),
    );

  const expiringSection = (lines: ExpiringLine[]) =>
    h(
      "section",
      { class: "card", "aria-labelledby": "expiring-title" },
      h("h2", { id: "expiring-title" }, t("rep.expiring", { n: EXPIRING_DAYS })),
      lines.length === 0
        ? h("p", { class: "hint", id: "expiring-empty" }, t("rep.expiring_empty"))
        : h(
            "table",
            { class: "report-table", id: "expiring-table" },
            h(
              "tbody",
              {},
              lines.map((line) =>
                h(
                  "tr",
                  {},
                  h("th", { scope: "row" }, line.account),
                  h("td", {}, t("rep.expires_on", { date: fullDate(line.expires_on) })),
                  h("td", { class: "amount" }, money(line.amount, line.currency)),
                ),
              ),
            ),
          ),
    );

  const filesSection = (settings: Settings, files: ReportFile[]) => {
    const written = h("p", { class: "hint", id: "report-written", "aria-live": "polite" });
    const exportNow = h(
      "button",
      {
        type: "button",
        class: "button",
        id: "report-export-now",
        disabled: settings.report_folder === null,
        onclick: async () => {
          try {
            const done = await ipc.exportReportNow(month);
            replaceChildren(written, t("rep.files_written", { html: done.html, csv: done.csv }));
            notify(t("rep.files_done", { month: monthLabel(done.month) }), "ok");
            const fresh = await ipc.writtenReports();
            replaceChildren(list, fileItems(fresh));
          } catch (e) {
            notifyError(e);
          }
        },
      },
      t("rep.export_now", { month: monthLabel(month) }),
    );
    const fileItems = (rows: ReportFile[]) =>
      rows.length === 0
        ? h("li", { class: "hint" }, t("rep.files_empty"))
        : rows.map((file) =>
            h(
              "li",
              { class: "report-file", "data-month": file.month },
              h(
                "button",
                {
                  type: "button",
                  class: "link-button",
                  onclick: () => {
                    month = file.month;
                    void load();
                    root.scrollIntoView();
                  },
                },
                t("rep.file_show", { month: monthLabel(file.month) }),
              ),
              h("span", { class: "memo" }, [file.html, file.csv].filter((p) => p !== null).join(" · ")),
            ),
          );
    const list = h("ul", { class: "report-files", id: "report-files" }, fileItems(files));
    return h(
      "section",
      { class: "card", "aria-labelledby": "files-title" },
      h("h2", { id: "files-title" }, t("rep.files")),
      settings.report_folder === null
        ? h("p", { class: "hint" }, t("rep.files_no_folder"), " ", h("a", { href: "#preferences" }, t("nav.preferences")))
        : h(
            "p",
            { class: "hint" },
            t("rep.files_folder", { folder: settings.report_folder }),
            settings.last_auto_report ? ` ${t("rep.files_last", { month: monthLabel(settings.last_auto_report) })}` : "",
          ),
      list,
      h("div", { class: "form-actions" }, exportNow),
      written,
    );
  };

  let lastRefreshing = store.refreshing;
  const unsubscribe = store.subscribe(() => {
    if (store.refreshing < lastRefreshing) void load();
    lastRefreshing = store.refreshing;
  });

  replaceChildren(
    root,
    h(
      "div",
      { class: "report-heading" },
      h("h1", { id: "reports-title" }, t("rep.title")),
      h(
        "div",
        { class: "month-nav" },
        h("button", { type: "button", class: "button", id: "report-prev", onclick: () => go(-1) }, t("rep.prev")),
        monthHeading,
        h("button", { type: "button", class: "button", id: "report-next", onclick: () => go(1) }, t("rep.next")),
      ),
      h("label", { for: "report-group" }, t("rep.group")),
      groupSelect,
      h("a", { href: "#categories", class: "button subtle", id: "categories-link" }, t("cat.link")),
    ),
    body,
  );
  void load();
  return {
    element: root,
    dispose: () => {
      unsubscribe();
      generation += 1;
    },
  };
}

function kindKey(kind: string): "rep.kind_income" | "rep.kind_expense" | "rep.kind_other" {
  return kind === "income" ? "rep.kind_income" : kind === "expense" ? "rep.kind_expense" : "rep.kind_other";
}

function thisMonth(now = new Date()): string {
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
}

/** Calendar arithmetic on a YYYY-MM label (not money): the core checks the month again. */
function addMonths(month: string, step: number): string {
  const [year, number] = month.split("-").map(Number);
  const d = new Date(year, number - 1 + step, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

function monthLabel(month: string): string {
  const [year, number] = month.split("-");
  return t("home.month_label", { y: year, m: Number(number) });
}
