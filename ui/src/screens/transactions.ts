// 入出金: every transaction, newest first, in a virtualized list: only the rows on screen are in
// the DOM, and pages are fetched from the core by offset as they scroll into view, so a ledger of
// a million rows scrolls as smoothly as one of ten. Filters by month and account; each row's
// category can be edited and its inclusion in totals switched; a manual transaction can be added.

import {
  ipc,
  type AccountRow,
  type CategoryRow,
  type GimsError,
  type Prediction,
  type RuleProposal,
  type TransactionRow,
} from "../ipc";
import { store } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { field } from "../ui/field";
import { openFormDialog } from "../ui/dialog";
import { groupDigits, money } from "../ui/money";
import { listDate, yearOf } from "../ui/time";
import { errorBox, notify, notifyError } from "../ui/notices";
import type { Screen } from "./screen";

/** Fixed row height (CSS `.tx-row` says the same): what makes positions computable. */
const ROW_HEIGHT = 52;
const PAGE = 200;
/** Pages kept around the ones on screen; farther ones are dropped (a million rows stay on disk). */
const KEEP_PAGES = 12;
/** Browsers cap an element's height (WebKit near 33M px): taller lists scroll proportionally. */
const MAX_SCROLL_PX = 8_000_000;
/** How many months the month filter offers. */
const MONTHS_OFFERED = 36;
/** At most this many predicted categories are offered at once. */
const PREDICTIONS = 200;

interface Filter {
  month: string;
  account: string;
  category: string;
  group: string;
}

/** A filter handed over by another screen (a report's category row), used once. */
let handedOver: Partial<Filter> | null = null;

/** Opens 入出金 filtered, e.g. by a category and a month from the report. */
export function showTransactions(filter: Partial<Filter>): void {
  handedOver = filter;
  location.hash = "#transactions";
}

export function transactionsScreen(): Screen {
  const root = h("section", { class: "screen transactions-screen", "aria-labelledby": "tx-title" });
  const title = h("h1", { id: "tx-title" }, t("tx.title"));
  let accounts = new Map<number, AccountRow>();
  let categories: CategoryRow[] = [];
  const filter: Filter = { month: "", account: "", category: "", group: "", ...handedOver };
  handedOver = null;

  // The list's state: the rows known so far by page, and how many rows there are (exact when the
  // core said so or a short page arrived; otherwise a lower bound that grows as pages come).
  let pages = new Map<number, TransactionRow[]>();
  let pending = new Set<number>();
  let total = 0;
  let exact = false;
  let generation = 0;
  let frame = 0;

  const viewport = h("div", { class: "tx-viewport", id: "tx-viewport", tabindex: "0", "aria-label": t("tx.title") });
  const spacer = h("div", { class: "tx-spacer" });
  const body = h("tbody", {});
  const table = h("table", { class: "transactions tx-rows", role: "table" }, body);
  const layer = h("div", { class: "tx-layer" }, table);
  viewport.append(spacer, layer);
  const count = h("span", { class: "tx-count", id: "tx-count", "aria-live": "polite" });
  const problem = h("div", { class: "form-problem" });

  const monthSelect = h(
    "select",
    { id: "tx-month", "aria-label": t("tx.filter_month") },
    h("option", { value: "" }, t("tx.all_months")),
    recentMonths(MONTHS_OFFERED).map((m) => h("option", { value: m }, monthText(m))),
  );
  const accountSelect = h("select", { id: "tx-account", "aria-label": t("tx.filter_account") });
  const categoryFilter = h("select", { id: "tx-category", "aria-label": t("tx.filter_category") });
  const groupSelect = h("select", { id: "tx-group", "aria-label": t("tx.filter_group") });
  categoryFilter.addEventListener("change", () => {
    filter.category = categoryFilter.value;
    void reset();
  });
  groupSelect.addEventListener("change", () => {
    filter.group = groupSelect.value;
    void reset();
  });
  monthSelect.addEventListener("change", () => {
    filter.month = monthSelect.value;
    void reset();
  });
  accountSelect.addEventListener("change", () => {
    filter.account = accountSelect.value;
    void reset();
  });

  const query = () => {
    const range = filter.month ? monthRange(filter.month) : null;
    return {
      from: range?.from,
      to: range?.to,
      account: filter.account ? Number(filter.account) : undefined,
      category: filter.category || undefined,
      group: filter.group || undefined,
    };
  };
  const filtered = () => Boolean(filter.month || filter.account || filter.category || filter.group);

  /** Starts over: a new filter, an edit elsewhere, a refresh that brought rows. */
  const reset = async () => {
    generation += 1;
    pages = new Map();
    pending = new Set();
    exact = false;
    total = 0;
    replaceChildren(problem);
    const mine = generation;
    try {
      if (!filtered()) {
        // Unfiltered, the core knows the exact count: the scrollbar is right from the start.
        const status = await ipc.status();
        if (mine !== generation) return;
        total = status.transactions;
        exact = true;
      }
      await fetchPage(0, mine);
    } catch (e) {
      replaceChildren(problem, errorBox(e as GimsError, t("error.title")));
    }
    viewport.scrollTop = 0;
    schedule();
  };

  const fetchPage = async (page: number, mine = generation) => {
    if (pages.has(page) || pending.has(page)) return;
    pending.add(page);
    try {
      const rows = await ipc.transactions({ ...query(), offset: page * PAGE, limit: PAGE });
      if (mine !== generation) return;
      pages.set(page, rows);
      const seen = page * PAGE + rows.length;
      if (rows.length < PAGE) {
        // A short page is the end: now the count is exact.
        if (!exact || seen < total) total = seen;
        exact = true;
      } else if (!exact) {
        // At least one more page: let the user scroll into it.
        total = Math.max(total, seen + PAGE);
      }
      forgetFarPages(page);
    } finally {
      pending.delete(page);
    }
    schedule();
  };

  const forgetFarPages = (around: number) => {
    if (pages.size <= KEEP_PAGES) return;
    const far = [...pages.keys()].sort((a, b) => Math.abs(b - around) - Math.abs(a - around));
    for (const page of far.slice(0, pages.size - KEEP_PAGES)) pages.delete(page);
  };

  const rowAt = (index: number) => pages.get(Math.floor(index / PAGE))?.[index % PAGE];

  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(() => ((frame = 0), draw()));
  };


  /** Which rows are on screen, and where the row layer goes so they line up with the scrollbar. */
  const visibleWindow = () => {
    const view = viewport.clientHeight || 600;
    const visible = Math.ceil(view / ROW_HEIGHT) + 1;
    const full = total * ROW_HEIGHT;
    let first: number;
    let offset: number;
    if (full <= MAX_SCROLL_PX) {
      first = Math.floor(viewport.scrollTop / ROW_HEIGHT);
      offset = first * ROW_HEIGHT;
    } else {
      const room = Math.max(MAX_SCROLL_PX - view, 1);
      const exactFirst = (viewport.scrollTop / room) * Math.max(total - visible + 1, 0);
      first = Math.floor(exactFirst);
      offset = viewport.scrollTop - (exactFirst - first) * ROW_HEIGHT;
    }
    return { first: Math.max(0, Math.min(first, total - 1)), last: Math.min(total, first + visible), offset };
  };

  const draw = () => {
    spacer.style.height = `${Math.min(total * ROW_HEIGHT, MAX_SCROLL_PX)}px`;
    if (total === 0 && exact) {
      replaceChildren(body, h("tr", {}, h("td", { class: "tx-empty", colspan: 6 }, emptyText())));
      count.textContent = t("tx.count_exact", { n: 0 });
      return;
    }
    const { first, last, offset } = visibleWindow();
    layer.style.transform = `translateY(${Math.max(0, offset)}px)`;
    const rows: HTMLElement[] = [];
    for (let index = first; index < last; index++) {
      const row = rowAt(index);
      if (row) rows.push(transactionRow(row, index));
      else {
        rows.push(placeholderRow(index));
        void fetchPage(Math.floor(index / PAGE));
      }
    }
    replaceChildren(body, rows);
    table.setAttribute("aria-rowcount", String(total));
    count.textContent = t(exact ? "tx.count_exact" : "tx.count_more", { n: groupDigits(total) });
  };

  const emptyText = () => (filtered() ? t("tx.empty_filtered") : t("tx.empty"));

  const transactionRow = (row: TransactionRow, index: number) => {
    const thisYear = String(new Date().getFullYear());
    const included = h("input", {
      type: "checkbox",
      role: "switch",
      class: "included-switch",
      checked: row.included,
      "aria-label": t("tx.included_label", { what: row.description }),
      onchange: (event: Event) =>
        void edit(row, { included: (event.target as HTMLInputElement).checked }),
    });
    return h(
      "tr",
      {
        class: row.included ? "tx-row" : "tx-row excluded",
        "data-transaction-id": row.id,
        "aria-rowindex": index + 1,
      },
      h(
        "td",
        { class: "date" },
        h("time", { datetime: row.date }, yearOf(row.date) === thisYear ? listDate(row.date) : row.date.replaceAll("-", "/")),
      ),
      h(
        "td",
        { class: "description" },
        h("span", { class: "description-text" }, row.description),
        row.memo ? h("span", { class: "memo tx-memo" }, row.memo) : null,
      ),
      h(
        "td",
        { class: "category" },
        h(
          "button",
          {
            type: "button",
            class: "category-button",
            title: t("tx.edit"),
            onclick: () => editDialog(row),
          },
          categoryText(row),
          row.transfer ? h("span", { class: "tag" }, t("tx.transfer")) : null,
        ),
      ),
      accountCell(row.account_id === null ? undefined : accounts.get(row.account_id)),
      h("td", { class: "included" }, h("label", { class: "switch" }, included, h("span", { class: "switch-text" }, t(row.included ? "tx.included" : "tx.excluded")))),
      h("td", { class: "amount" }, money(row.amount, row.currency)),
    );
  };

  /** Saves a change in the core, then shows the row as the core returned it. */
  const edit = async (row: TransactionRow, change: Parameters<typeof ipc.editTransaction>[1]) => {
    try {
      const saved = await ipc.editTransaction(row.id, change);
      for (const rows of pages.values()) {
        const at = rows.findIndex((r) => r.id === saved.id);
        if (at >= 0) rows[at] = saved;
      }
      draw();
      return saved;
    } catch (e) {
      notifyError(e);
      draw();
      return null;
    }
  };

  const editDialog = (row: TransactionRow) => {
    const category = categorySelect("tx-edit-category", categoryText(row));
    const transfer = h("input", { id: "tx-edit-transfer", type: "checkbox", checked: row.transfer });
    const included = h("input", { id: "tx-edit-included", type: "checkbox", role: "switch", checked: row.included });
    const memo = h("input", { id: "tx-edit-memo", type: "text", value: row.memo, autocomplete: "off" });
    openFormDialog({
      id: "tx-edit-dialog",
      titleId: "tx-edit-title",
      title: t("tx.edit_title"),
      body: [
        h("p", { class: "edit-what" }, h("span", {}, row.description), " ", money(row.amount, row.currency)),
        field("tx-edit-category", t("tx.category"), category),
        field("tx-edit-memo", t("tx.memo"), memo),
        h("div", { class: "field check" }, transfer, h("label", { for: "tx-edit-transfer" }, t("tx.transfer_label"))),
        h("div", { class: "field check" }, included, h("label", { for: "tx-edit-included" }, t("tx.included_switch"))),
      ],
      submit: { id: "tx-edit-save", label: t("common.save") },
      onSubmit: async () => {
        const saved = await edit(row, {
          category: category.value,
          transfer: transfer.checked,
          included: included.checked,
          memo: memo.value,
        });
        if (saved && categoryText(saved) !== categoryText(row)) void proposeRule(saved);
        return saved !== null;
      },
      focus: category,
    });
  };

  // Learning from the user's own choices: after a row is filed under a category the core may
  // propose a rule (one click adds it and files the rows it matches); for uncategorised rows it
  // predicts categories from earlier choices, each with its explanation.
  const learning = h("div", { class: "learning", id: "tx-learning", role: "status", "aria-live": "polite" });

  const proposeRule = async (saved: TransactionRow) => {
    let proposal: RuleProposal | null;
    try {
      proposal = await ipc.proposeRule(saved.id);
    } catch {
      return;
    }
    if (!proposal) return replaceChildren(learning);
    const path = proposal.subcategory ? `${proposal.category}/${proposal.subcategory}` : proposal.category;
    const offer = proposal;
    replaceChildren(
      learning,
      h(
        "div",
        { class: "rule-proposal", id: "rule-proposal" },
        h("p", {}, t("learn.proposal", { text: offer.match_text, category: path })),
        h("p", { class: "hint" }, t("learn.why_proposal", { text: offer.match_text, category: path, n: offer.would_file })),
        h(
          "div",
          { class: "form-actions" },
          h("button", { type: "button", class: "button subtle", id: "rule-proposal-dismiss", onclick: () => replaceChildren(learning) }, t("learn.not_now")),
          h(
            "button",
            {
              type: "button",
              class: "button primary",
              id: "rule-proposal-accept",
              onclick: async () => {
                try {
                  const added = await ipc.addRule(
                    { match_text: offer.match_text, min_amount: null, max_amount: null, account: null, category: path, transfer: null, included: null },
                    true,
                  );
                  replaceChildren(learning, h("p", { class: "rule-added", id: "rule-added" }, t("learn.rule_added", { text: offer.match_text, n: added.applied })));
                  await reset();
                } catch (e) {
                  notifyError(e);
                }
              },
            },
            t("learn.make_rule"),
          ),
        ),
      ),
    );
  };

  const predictionsDialog = async () => {
    let predictions: Prediction[];
    try {
      predictions = await ipc.predictCategories(PREDICTIONS);
    } catch (e) {
      return notifyError(e);
    }
    const dialog = h("dialog", { id: "tx-predictions-dialog", class: "modal wide", "aria-labelledby": "tx-predictions-title" });
    const close = () => dialog.close();
    dialog.addEventListener("close", () => {
      dialog.remove();
      void reset();
    });
    const pathOf = (p: Prediction) => (p.subcategory ? `${p.category}/${p.subcategory}` : p.category);
    const item = (p: Prediction) => {
      const use = h(
        "button",
        {
          type: "button",
          class: "button prediction-use",
          onclick: async () => {
            try {
              await ipc.editTransaction(p.transaction_id, { category: pathOf(p) });
              use.disabled = true;
              use.textContent = t("learn.used");
            } catch (e) {
              notifyError(e);
            }
          },
        },
        t("learn.use"),
      );
      return h(
        "li",
        { class: "prediction", "data-transaction": p.transaction_id },
        h("div", { class: "prediction-what" }, h("span", {}, `${listDate(p.date)} ${p.description}`), h("strong", {}, `→ ${pathOf(p)}`)),
        h("p", { class: "hint" }, t("learn.why_prediction", { text: p.token, category: pathOf(p), n: p.like })),
        use,
      );
    };
    replaceChildren(
      dialog,
      h("h2", { id: "tx-predictions-title" }, t("learn.predictions_title")),
      predictions.length === 0
        ? h("p", { class: "empty", id: "tx-predictions-empty" }, t("learn.predictions_empty"))
        : h("ul", { class: "predictions", id: "tx-predictions" }, predictions.map(item)),
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "button", class: "button", onclick: close }, t("learn.close")),
        predictions.length === 0
          ? null
          : h(
              "button",
              {
                type: "button",
                class: "button primary",
                id: "tx-predictions-accept",
                onclick: async () => {
                  try {
                    const accepted = await ipc.acceptPredictions(PREDICTIONS);
                    notify(t("learn.accepted", { n: accepted.length }), "ok");
                    close();
                  } catch (e) {
                    notifyError(e);
                  }
                },
              },
              t("learn.accept_all", { n: predictions.length }),
            ),
      ),
    );
    document.body.appendChild(dialog);
    dialog.showModal();
  };

  const categorySelect = (id: string, current: string) => {
    const select = h("select", { id });
    const seen = new Set<string>();
    for (const c of categories) {
      const path = c.subcategory ? `${c.category}/${c.subcategory}` : c.category;
      if (seen.has(path)) continue;
      seen.add(path);
      select.append(h("option", { value: path, selected: path === current }, path));
    }
    return select;
  };

  const addDialog = () => {
    const today = new Date();
    const pad = (n: number) => String(n).padStart(2, "0");
    const date = h("input", {
      id: "tx-add-date",
      type: "text",
      value: `${today.getFullYear()}/${pad(today.getMonth() + 1)}/${pad(today.getDate())}`,
      inputmode: "numeric",
      required: true,
    });
    const amount = h("input", { id: "tx-add-amount", type: "text", inputmode: "numeric", placeholder: "-540", required: true });
    const description = h("input", { id: "tx-add-description", type: "text", autocomplete: "off", required: true });
    const account = h(
      "select",
      { id: "tx-add-account" },
      h("option", { value: "" }, t("tx.cash")),
      [...accounts.values()].map((a) => h("option", { value: a.id }, accountLabel(a))),
    );
    const category = categorySelect("tx-add-category", "");
    category.prepend(h("option", { value: "", selected: true }, t("tx.uncategorised")));
    const memo = h("input", { id: "tx-add-memo", type: "text", autocomplete: "off" });
    const formProblem = h("div", { class: "form-problem" });
    openFormDialog({
      id: "tx-add-dialog",
      titleId: "tx-add-title",
      title: t("tx.add_title"),
      body: [
        field("tx-add-date", t("tx.date"), date),
        field("tx-add-amount", t("tx.amount"), amount, t("tx.amount_hint")),
        field("tx-add-description", t("tx.description"), description),
        field("tx-add-account", t("tx.account"), account),
        field("tx-add-category", t("tx.category"), category),
        field("tx-add-memo", t("tx.memo"), memo),
        formProblem,
      ],
      submit: { id: "tx-add-save", label: t("tx.add") },
      onSubmit: async () => {
        try {
          await ipc.addTransaction({
            date: date.value,
            amount: amount.value,
            description: description.value,
            account: account.value ? Number(account.value) : null,
            category: category.value,
            memo: memo.value,
          });
          notify(t("tx.added"), "ok");
          void reset();
          return true;
        } catch (e) {
          replaceChildren(formProblem, errorBox(e as GimsError));
          return false;
        }
      },
      focus: amount,
    });
  };

  const start = async () => {
    try {
      const [accountRows, categoryRows, groupRows] = await Promise.all([
        ipc.accounts(),
        ipc.categories(),
        ipc.groups(),
      ]);
      accounts = new Map(accountRows.map((a) => [a.id, a]));
      categories = categoryRows;
      replaceChildren(
        accountSelect,
        h("option", { value: "" }, t("tx.all_accounts")),
        accountRows.map((a) => h("option", { value: a.id }, accountLabel(a))),
      );
      // 大項目 (with its 中項目) and each 中項目 as 大項目/中項目, as the core resolves them.
      replaceChildren(
        categoryFilter,
        h("option", { value: "" }, t("tx.all_categories")),
        categoryRows.map((c) =>
          c.subcategory
            ? h("option", { value: `${c.category}/${c.subcategory}` }, `　${c.subcategory}`)
            : h("option", { value: c.category }, c.category),
        ),
      );
      replaceChildren(
        groupSelect,
        h("option", { value: "" }, t("tx.all_groups")),
        groupRows.map((g) => h("option", { value: g.name }, g.name)),
      );
      // A filter handed over by the report: shown as chosen in its selects.
      if (filter.month && ![...monthSelect.options].some((o) => o.value === filter.month)) {
        monthSelect.append(h("option", { value: filter.month }, monthText(filter.month)));
      }
      monthSelect.value = filter.month;
      categoryFilter.value = filter.category;
      groupSelect.value = filter.group;
    } catch (e) {
      replaceChildren(problem, errorBox(e as GimsError, t("error.title")));
    }
    await reset();
  };

  viewport.addEventListener("scroll", schedule, { passive: true });
  const resize = () => schedule();
  window.addEventListener("resize", resize);

  replaceChildren(
    root,
    h(
      "div",
      { class: "tx-heading" },
      title,
      h(
        "div",
        { class: "tx-heading-actions" },
        h("button", { type: "button", class: "button", id: "tx-predictions-open", onclick: () => void predictionsDialog() }, t("learn.predictions")),
        h("button", { type: "button", class: "button primary", id: "tx-add", onclick: addDialog }, t("tx.add")),
      ),
    ),
    h(
      "div",
      { class: "tx-filters", role: "search" },
      h("label", { for: "tx-month" }, t("tx.filter_month")),
      monthSelect,
      h("label", { for: "tx-account" }, t("tx.filter_account")),
      accountSelect,
      h("label", { for: "tx-category" }, t("tx.filter_category")),
      categoryFilter,
      h("label", { for: "tx-group" }, t("tx.filter_group")),
      groupSelect,
      count,
    ),
    problem,
    learning,
    h(
      "table",
      { class: "transactions tx-head", "aria-hidden": "true" },
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { class: "date" }, t("tx.date")),
          h("th", { class: "description" }, t("tx.description")),
          h("th", { class: "category" }, t("tx.category")),
          h("th", { class: "account-name" }, t("tx.account")),
          h("th", { class: "included" }, t("tx.included_column")),
          h("th", { class: "amount" }, t("tx.amount")),
        ),
      ),
    ),
    viewport,
  );

  const unsubscribe = store.onRefreshEnd(() => void reset());
  void start();
  return {
    element: root,
    dispose: () => {
      unsubscribe();
      window.removeEventListener("resize", resize);
      generation += 1;
    },
  };
}

function placeholderRow(index: number): HTMLElement {
  return h(
    "tr",
    { class: "tx-row placeholder", "aria-rowindex": index + 1 },
    h("td", { colspan: 6 }, h("span", { class: "skeleton" }, t("common.loading"))),
  );
}

function categoryText(row: TransactionRow): string {
  return row.subcategory ? `${row.category}/${row.subcategory}` : row.category;
}

function accountLabel(account: AccountRow): string {
  const owner = account.connection_id === null ? null : store.connectionName(account.connection_id);
  return owner ? `${account.name}（${owner}）` : account.name;
}

/** The account, and under it whose it is: two banks both have a 普通預金. */
function accountCell(account: AccountRow | undefined): HTMLElement {
  if (!account) return h("td", { class: "account-name" }, t("tx.cash"));
  const owner = account.connection_id === null ? null : store.connectionName(account.connection_id);
  return h("td", { class: "account-name" }, h("span", {}, account.name), owner ? h("span", { class: "memo" }, owner) : null);
}

/** The last `n` months as YYYY-MM, newest first. */
function recentMonths(n: number, now = new Date()): string[] {
  const months: string[] = [];
  for (let back = 0; back < n; back++) {
    const d = new Date(now.getFullYear(), now.getMonth() - back, 1);
    months.push(`${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`);
  }
  return months;
}

function monthText(month: string): string {
  const [year, number] = month.split("-");
  return t("home.month_label", { y: year, m: Number(number) });
}

/** First and last day of a YYYY-MM month (the core checks them again). */
function monthRange(month: string): { from: string; to: string } {
  const [year, number] = month.split("-").map(Number);
  const last = new Date(year, number, 0).getDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}
