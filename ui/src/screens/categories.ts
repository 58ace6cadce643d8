// カテゴリ・ルール・グループ (`#categories`, from the report screen): categories in two levels
// (add a 大項目 or a 中項目 under one, rename, merge into another after a confirmation that says
// what moves, hide and show again); rules (list, add, delete, apply to the saved rows and say
// how many changed); groups (create, delete, which connections and accounts are in each).
// Every change goes through the core and the lists are read again afterwards.

import {
  ipc,
  type AccountRow,
  type CategoryEntry,
  type ConnectionRow,
  type GimsError,
  type GroupRow,
  type RuleRow,
} from "../ipc";
import { store } from "../store";
import { t } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { field } from "../ui/field";
import { openFormDialog } from "../ui/dialog";
import { formatMoney } from "../ui/money";
import { errorBox, notify, notifyError } from "../ui/notices";
import type { Screen } from "./screen";

const pathOf = (c: { category: string; subcategory: string | null }) =>
  c.subcategory ? `${c.category}/${c.subcategory}` : c.category;

export function categoriesScreen(): Screen {
  const root = h("section", { class: "screen categories-screen", "aria-labelledby": "categories-title" });
  const title = h("h1", { id: "categories-title" }, t("cat.title"));
  const body = h("div", {}, h("p", { class: "loading" }, t("common.loading")));
  const applied = h("p", { class: "applied", id: "rules-applied", role: "status", "aria-live": "polite" });

  const failed = (e: unknown) => notifyError(e);

  /** Runs a change, says it is done, reads everything again. */
  const act = async <T,>(action: () => Promise<T>, done: (result: T) => string) => {
    try {
      const result = await action();
      // The notice comes once the list shows what it says, never before.
      await load();
      notify(done(result), "ok");
      return result;
    } catch (e) {
      failed(e);
      return null;
    }
  };

  const load = async () => {
    try {
      const [tree, rules, groups, accounts, connections] = await Promise.all([
        ipc.categoryTree(),
        ipc.rules(),
        ipc.groups(),
        ipc.accounts(),
        ipc.connections(),
      ]);
      replaceChildren(
        body,
        categoriesSection(tree),
        rulesSection(rules, tree, accounts),
        groupsSection(groups, connections, accounts),
      );
    } catch (e) {
      replaceChildren(body, errorBox(e as GimsError, t("error.title")));
    }
  };

  // ---- categories ----

  const categoriesSection = (tree: CategoryEntry[]) => {
    const tops = tree.filter((c) => c.subcategory === null);
    const name = h("input", { id: "category-name", type: "text", autocomplete: "off", required: true, placeholder: t("cat.name_placeholder"), "aria-label": t("cat.name") });
    const parent = h(
      "select",
      { id: "category-parent", "aria-label": t("cat.parent") },
      h("option", { value: "" }, t("cat.as_top")),
      tops.filter((c) => c.kind !== "uncategorised").map((c) => h("option", { value: c.category }, t("cat.under", { category: c.category }))),
    );
    const kind = h(
      "select",
      { id: "category-kind", "aria-label": t("rep.kind") },
      h("option", { value: "expense" }, t("rep.kind_expense")),
      h("option", { value: "income" }, t("rep.kind_income")),
    );
    parent.addEventListener("change", () => (kind.disabled = parent.value !== ""));
    const add = h(
      "form",
      {
        class: "inline-form",
        id: "category-add",
        onsubmit: (event: Event) => {
          event.preventDefault();
          void act(
            () => ipc.addCategory(name.value, parent.value || null, parent.value ? null : kind.value),
            (row) => t("cat.added", { category: pathOf(row) }),
          );
        },
      },
      name,
      parent,
      kind,
      h("button", { type: "submit", class: "button primary", id: "category-add-save" }, t("cat.add")),
    );
    const row = (c: CategoryEntry) => {
      const path = pathOf(c);
      const builtinUncategorised = c.kind === "uncategorised";
      return h(
        "li",
        { class: `category-entry${c.subcategory ? " sub" : " top"}${c.hidden ? " hidden-category" : ""}`, "data-category": path },
        h(
          "span",
          { class: "category-name" },
          c.subcategory ?? c.category,
          c.subcategory === null ? h("span", { class: "badge badge-muted" }, t(c.kind === "income" ? "rep.kind_income" : c.kind === "expense" ? "rep.kind_expense" : "rep.kind_other")) : null,
          c.hidden ? h("span", { class: "badge badge-warn" }, t("cat.hidden")) : null,
        ),
        builtinUncategorised
          ? h("span", {})
          : h(
              "span",
              { class: "category-actions" },
              h("button", { type: "button", class: "button subtle category-rename", onclick: () => renameDialog(c) }, t("cat.rename")),
              h("button", { type: "button", class: "button subtle category-merge", onclick: () => mergeDialog(c, tree) }, t("cat.merge")),
              h(
                "button",
                {
                  type: "button",
                  class: "button subtle category-hide",
                  onclick: () =>
                    void act(
                      () => ipc.setCategoryHidden(path, !c.hidden),
                      () => t(c.hidden ? "cat.shown_again" : "cat.hidden_done", { category: path }),
                    ),
                },
                t(c.hidden ? "cat.show" : "cat.hide"),
              ),
            ),
      );
    };
    return h(
      "section",
      { class: "card", id: "categories", "aria-labelledby": "cat-list-title" },
      h("h2", { id: "cat-list-title" }, t("cat.categories")),
      h("p", { class: "hint" }, t("cat.intro")),
      h("h3", {}, t("cat.add_title")),
      add,
      h("ul", { class: "category-list", id: "category-list" }, tree.map(row)),
    );
  };

  const renameDialog = (c: CategoryEntry) => {
    const input = h("input", { id: "category-rename-name", type: "text", value: c.subcategory ?? c.category, autocomplete: "off", required: true });
    openFormDialog({
      id: "category-rename-dialog",
      titleId: "category-rename-title",
      title: t("cat.rename_title", { category: pathOf(c) }),
      body: [
        h("p", { class: "hint" }, t("cat.rename_hint")),
        field("category-rename-name", t("cat.name"), input),
      ],
      submit: { id: "category-rename-save", label: t("cat.rename") },
      onSubmit: async () =>
        (await act(
          () => ipc.renameCategory(pathOf(c), input.value),
          (row) => t("cat.renamed", { from: pathOf(c), to: pathOf(row) }),
        )) !== null,
    });
    input.select();
  };

  const mergeDialog = (c: CategoryEntry, tree: CategoryEntry[]) => {
    const from = pathOf(c);
    const into = h(
      "select",
      { id: "category-merge-into" },
      tree
        .filter((o) => o.id !== c.id && !(c.subcategory === null && o.category === c.category))
        .map((o) => h("option", { value: pathOf(o) }, o.subcategory ? `　${o.subcategory}（${o.category}）` : o.category)),
    );
    const what = h("p", { class: "merge-what" });
    const explain = () => replaceChildren(what, t("cat.merge_what", { from, into: into.value }));
    into.addEventListener("change", explain);
    explain();
    openFormDialog({
      id: "category-merge-dialog",
      titleId: "category-merge-title",
      title: t("cat.merge_title", { category: from }),
      body: [
        field("category-merge-into", t("cat.merge_into"), into),
        what,
        h("p", { class: "irreversible" }, t("cat.merge_warning", { from })),
      ],
      submit: { id: "category-merge-confirm", label: t("cat.merge_confirm"), danger: true },
      onSubmit: async () =>
        (await act(
          () => ipc.mergeCategory(from, into.value),
          (view) => t("cat.merged", { from: view.merged, into: view.into, n: view.transactions }),
        )) !== null,
      focus: into,
    });
  };

  // ---- rules ----

  const rulesSection = (rules: RuleRow[], tree: CategoryEntry[], accounts: AccountRow[]) => {
    const accountName = (id: number | null) => (id === null ? null : (accounts.find((a) => a.id === id)?.name ?? `#${id}`));
    const matchText = h("input", { id: "rule-match", type: "text", autocomplete: "off", placeholder: t("rule.match_placeholder") });
    const min = h("input", { id: "rule-min", type: "text", inputmode: "numeric", autocomplete: "off", placeholder: t("rule.min") });
    const max = h("input", { id: "rule-max", type: "text", inputmode: "numeric", autocomplete: "off", placeholder: t("rule.max") });
    const account = h(
      "select",
      { id: "rule-account", "aria-label": t("tx.account") },
      h("option", { value: "" }, t("rule.any_account")),
      accounts.map((a) => h("option", { value: a.id }, a.name)),
    );
    const action = h(
      "select",
      { id: "rule-action", "aria-label": t("rule.action") },
      h("option", { value: "category" }, t("rule.set_category")),
      h("option", { value: "transfer" }, t("rule.set_transfer")),
      h("option", { value: "excluded" }, t("rule.set_excluded")),
    );
    const category = h(
      "select",
      { id: "rule-category", "aria-label": t("tx.category") },
      tree
        .filter((c) => !c.hidden && c.kind !== "uncategorised")
        .map((c) => h("option", { value: pathOf(c) }, c.subcategory ? `　${c.subcategory}` : c.category)),
    );
    action.addEventListener("change", () => (category.disabled = action.value !== "category"));
    const apply = h("input", { id: "rule-apply", type: "checkbox", checked: true });
    const form = h(
      "form",
      {
        class: "rule-form",
        id: "rule-add",
        onsubmit: (event: Event) => {
          event.preventDefault();
          void act(
            () =>
              ipc.addRule(
                {
                  match_text: matchText.value,
                  min_amount: min.value,
                  max_amount: max.value,
                  account: account.value ? Number(account.value) : null,
                  category: action.value === "category" ? category.value : null,
                  transfer: action.value === "transfer" ? true : null,
                  included: action.value === "excluded" ? false : null,
                },
                apply.checked,
              ),
            (added) => t("rule.added", { n: added.applied }),
          );
        },
      },
      field("rule-match", t("rule.match"), matchText),
      field("rule-min", t("rule.amount"), h("span", { class: "range" }, min, "〜", max)),
      field("rule-account", t("tx.account"), account),
      field("rule-action", t("rule.action"), h("span", { class: "range" }, action, category)),
      h("div", { class: "field check" }, apply, h("label", { for: "rule-apply" }, t("rule.apply_now"))),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "button primary", id: "rule-add-save" }, t("rule.add"))),
    );
    const effect = (rule: RuleRow) =>
      [
        rule.category ? `→ ${pathOf({ category: rule.category, subcategory: rule.subcategory })}` : null,
        rule.transfer === true ? t("rule.effect_transfer") : rule.transfer === false ? t("rule.effect_not_transfer") : null,
        rule.included === false ? t("rule.effect_excluded") : rule.included === true ? t("rule.effect_included") : null,
      ]
        .filter(Boolean)
        .join(" ・ ");
    const when = (rule: RuleRow) =>
      [
        rule.match_text ? t("rule.when_text", { text: rule.match_text }) : null,
        rule.min_amount || rule.max_amount
          ? t("rule.when_amount", {
              min: rule.min_amount ? formatMoney(rule.min_amount, "JPY") : "",
              max: rule.max_amount ? formatMoney(rule.max_amount, "JPY") : "",
            })
          : null,
        rule.account_id !== null ? t("rule.when_account", { account: accountName(rule.account_id) ?? "" }) : null,
      ]
        .filter(Boolean)
        .join(" ・ ");
    return h(
      "section",
      { class: "card", id: "rules", "aria-labelledby": "rules-title" },
      h("h2", { id: "rules-title" }, t("rule.title")),
      h("p", { class: "hint" }, t("rule.intro")),
      rules.length === 0
        ? h("p", { class: "empty", id: "rules-empty" }, t("rule.empty"))
        : h(
            "ul",
            { class: "rule-list", id: "rule-list" },
            rules.map((rule) =>
              h(
                "li",
                { class: "rule", "data-rule": rule.id, "data-match": rule.match_text ?? "" },
                h("span", { class: "rule-when" }, when(rule)),
                h("span", { class: "rule-effect" }, effect(rule)),
                h(
                  "button",
                  {
                    type: "button",
                    class: "button subtle rule-delete",
                    onclick: () => void act(() => ipc.deleteRule(rule.id), () => t("rule.deleted")),
                  },
                  t("rule.delete"),
                ),
              ),
            ),
          ),
      h(
        "div",
        { class: "form-actions" },
        h(
          "button",
          {
            type: "button",
            class: "button",
            id: "rules-apply",
            onclick: async () => {
              try {
                const changed = await ipc.applyRules(false);
                replaceChildren(applied, t("rule.applied", { n: changed }));
                notify(t("rule.applied", { n: changed }), "ok");
              } catch (e) {
                failed(e);
              }
            },
          },
          t("rule.apply"),
        ),
        h(
          "button",
          {
            type: "button",
            class: "button",
            id: "rules-starter",
            title: t("rule.starter_hint"),
            onclick: () =>
              void act(
                () => ipc.addStarterRules(true),
                (added) => t("rule.starter_added", { n: added.added, m: added.applied }),
              ),
          },
          t("rule.starter"),
        ),
      ),
      h("p", { class: "hint" }, t("rule.starter_hint")),
      applied,
      h("h3", {}, t("rule.add_title")),
      form,
    );
  };

  // ---- groups ----

  const groupsSection = (groups: GroupRow[], connections: ConnectionRow[], accounts: AccountRow[]) => {
    const name = h("input", { id: "group-name", type: "text", autocomplete: "off", required: true, placeholder: t("grp.name"), "aria-label": t("grp.name") });
    const create = h(
      "form",
      {
        class: "inline-form",
        id: "group-add",
        onsubmit: (event: Event) => {
          event.preventDefault();
          void act(() => ipc.createGroup(name.value), (group) => t("grp.created", { name: group.name }));
        },
      },
      name,
      h("button", { type: "submit", class: "button primary", id: "group-add-save" }, t("grp.create")),
    );
    const member = (group: GroupRow, kind: "connection" | "account", id: number, label: string) => {
      const inGroup = kind === "connection" ? group.connections.includes(id) : group.accounts.includes(id);
      const boxId = `group-${group.id}-${kind}-${id}`;
      const box = h("input", { type: "checkbox", id: boxId, checked: inGroup, class: "group-member", "data-member": `${kind}-${id}` });
      box.addEventListener("change", () => {
        const which = kind === "connection" ? { connection: id } : { account: id };
        void act(
          () => ipc.setGroupMember(group.name, which, box.checked),
          () => t(box.checked ? "grp.member_added" : "grp.member_removed", { name: group.name, member: label }),
        );
      });
      return h("li", { class: "field check" }, box, h("label", { for: boxId }, label));
    };
    const groupCard = (group: GroupRow) =>
      h(
        "li",
        { class: "group", "data-group": group.name },
        h(
          "div",
          { class: "group-heading" },
          h("strong", {}, group.name),
          h(
            "button",
            {
              type: "button",
              class: "button subtle group-delete",
              onclick: () => void act(() => ipc.deleteGroup(group.name), () => t("grp.deleted", { name: group.name })),
            },
            t("grp.delete"),
          ),
        ),
        h(
          "div",
          { class: "group-members" },
          h(
            "fieldset",
            {},
            h("legend", {}, t("grp.connections")),
            connections.length === 0
              ? h("p", { class: "hint" }, t("grp.none"))
              : h("ul", {}, connections.map((c) => member(group, "connection", c.id, c.display_name))),
          ),
          h(
            "fieldset",
            {},
            h("legend", {}, t("grp.accounts")),
            accounts.length === 0
              ? h("p", { class: "hint" }, t("grp.none"))
              : h(
                  "ul",
                  {},
                  accounts.map((a) => {
                    const owner = a.connection_id === null ? null : store.connectionName(a.connection_id);
                    return member(group, "account", a.id, owner ? `${a.name}（${owner}）` : a.name);
                  }),
                ),
          ),
        ),
      );
    return h(
      "section",
      { class: "card", id: "groups", "aria-labelledby": "groups-title" },
      h("h2", { id: "groups-title" }, t("grp.title")),
      h("p", { class: "hint" }, t("grp.intro")),
      h("h3", {}, t("grp.create_title")),
      create,
      groups.length === 0
        ? h("p", { class: "empty", id: "groups-empty" }, t("grp.empty"))
        : h("ul", { class: "group-list", id: "group-list" }, groups.map(groupCard)),
    );
  };

  replaceChildren(
    root,
    h("a", { href: "#reports", class: "back-link" }, t("cat.back")),
    title,
    // The category list is long: these take the user to the rules and groups below it (buttons,
    // not anchors: the URL hash is the screen).
    h(
      "div",
      { class: "jump-bar" },
      (["categories", "rules", "groups"] as const).map((section) =>
        h(
          "button",
          {
            type: "button",
            class: "button subtle",
            onclick: () => document.getElementById(section)?.scrollIntoView({ block: "start" }),
          },
          t(section === "categories" ? "cat.categories" : section === "rules" ? "rule.title" : "grp.title"),
        ),
      ),
    ),
    body,
  );
  void load();
  return { element: root };
}
