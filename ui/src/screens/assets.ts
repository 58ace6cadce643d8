// 資産: what the user owns and owes today. The composition by class and the holdings' 評価損益
// (the core's asset report), every holding grouped by its account with quantity, price,
// valuation, cost and 評価損益 (the core's holdings), points and e-money with what expires when
// (the core's expiring list), and every account, each opening its balance history. The window adds
// nothing up: every figure is a decimal string the core computed.

import { ipc, type AccountRow, type AssetReport, type ExpiringLine, type HoldingRow, type RateRow } from "../ipc";
import { store } from "../store";
import { t, tKnown } from "../i18n";
import { h, replaceChildren } from "../ui/dom";
import { formatMoney, gain, groupDigits, money } from "../ui/money";
import { fullDate } from "../ui/time";
import { errorBox, errorText, notify } from "../ui/notices";
import { field } from "../ui/field";
import { composition, holdingsGain, netWorth } from "../ui/assetFigures";
import type { Screen } from "./screen";

/** Expiry shown this far ahead (the core lists what expires within it, soonest first). */
const EXPIRY_DAYS = 3650;
/** Within this many days an expiry is marked. */
const EXPIRY_SOON_DAYS = 30;

export function assetsScreen(): Screen {
  const root = h("section", { class: "screen assets-screen", "aria-labelledby": "assets-title" });
  const title = () => h("h1", { id: "assets-title" }, t("assets.title"));
  let disposed = false;

  const load = async () => {
    try {
      const [accounts, report, holdings, expiring, soon] = await Promise.all([
        ipc.accounts(),
        ipc.reportAssets(null),
        ipc.holdings(null),
        ipc.reportExpiring(EXPIRY_DAYS),
        ipc.reportExpiring(EXPIRY_SOON_DAYS),
      ]);
      if (!disposed) render(accounts, report, holdings, expiring, soon);
    } catch (e) {
      if (!disposed) replaceChildren(root, title(), errorBox(e as { code: string; message: string }, t("error.title")));
    }
  };

  const render = (
    accounts: AccountRow[],
    report: AssetReport,
    holdings: HoldingRow[],
    expiring: ExpiringLine[],
    soon: ExpiringLine[],
  ) => {
    if (accounts.length === 0) {
      return replaceChildren(
        root,
        title(),
        h("div", { class: "empty" }, h("p", {}, t("assets.empty")), h("a", { class: "button primary", href: "#link" }, t("home.link"))),
      );
    }
    const names = new Map(accounts.map((account) => [account.id, accountLabel(account)]));
    replaceChildren(
      root,
      title(),
      h(
        "div",
        { class: "home-cards" },
        h(
          "section",
          { class: "card", "aria-labelledby": "assets-total-title" },
          netWorth(report, t("assets.net_worth"), { title: "assets-total-title", figure: "assets-net-worth" }),
          h(
            "dl",
            { class: "assets-sums" },
            h("dt", {}, t("assets.total_assets")),
            h("dd", {}, money(report.assets, report.currency)),
            h("dt", {}, t("assets.liabilities")),
            h("dd", {}, money(report.liabilities, report.currency)),
          ),
          holdingsGain(report, "assets-gain"),
        ),
        h(
          "section",
          { class: "card", "aria-labelledby": "assets-composition-title" },
          h("h2", { id: "assets-composition-title" }, t("assets.composition")),
          composition(report),
          classGains(report),
        ),
      ),
      holdingsSection(holdings, report, names),
      pointsSection(accounts, expiring, soon),
      currenciesSection(report, names, () => void load()),
      accountsSection(accounts),
    );
  };

  const unsubscribe = store.onRefreshEnd(() => void load());
  replaceChildren(root, title(), h("p", { class: "loading" }, t("common.loading")));
  void load();
  return {
    element: root,
    dispose: () => {
      disposed = true;
      unsubscribe();
    },
  };
}

/** 評価損益 per asset class, as the core summed it. */
function classGains(report: AssetReport): HTMLElement | null {
  if (report.gains.classes.length === 0) return null;
  return h(
    "table",
    { class: "report-table", id: "assets-class-gains" },
    h("caption", { class: "table-caption" }, t("assets.gains_by_class")),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t("assets.col_class")),
        h("th", { scope: "col", class: "amount" }, t("assets.col_value")),
        h("th", { scope: "col", class: "amount" }, t("assets.col_gain")),
      ),
    ),
    h(
      "tbody",
      {},
      report.gains.classes.map((line) =>
        h(
          "tr",
          { "data-class": line.class },
          h("th", { scope: "row" }, tKnown("class", line.class)),
          h("td", { class: "amount" }, money(line.figures.value, report.currency)),
          h("td", { class: "amount" }, gain(line.figures.gain, line.figures.gain_ratio, report.currency)),
        ),
      ),
    ),
  );
}

/** Every holding under its account: quantity, price, valuation, cost and 評価損益 as the core sent them. */
function holdingsSection(holdings: HoldingRow[], report: AssetReport, names: Map<number, string>): HTMLElement {
  const byAccount = new Map<number, HoldingRow[]>();
  for (const row of holdings) byAccount.set(row.account_id, [...(byAccount.get(row.account_id) ?? []), row]);
  const accountGains = new Map(report.gains.accounts.map((line) => [line.account_id, line.figures]));
  return h(
    "section",
    { class: "assets-holdings", id: "assets-holdings", "aria-labelledby": "assets-holdings-title" },
    h("h2", { id: "assets-holdings-title" }, t("assets.holdings")),
    byAccount.size === 0
      ? h("p", { class: "hint" }, t("assets.holdings_empty"))
      : [...byAccount.entries()].map(([accountId, rows]) => {
          const figures = accountGains.get(accountId);
          return h(
            "div",
            { class: "balance-group holdings-group", "data-account": String(accountId) },
            h(
              "h3",
              {},
              h("a", { href: `#assets/account/${accountId}` }, names.get(accountId) ?? `#${accountId}`),
              figures ? h("span", { class: "holdings-group-gain" }, gain(figures.gain, figures.gain_ratio, report.currency)) : null,
            ),
            h(
              "div",
              { class: "table-scroll" },
              h(
                "table",
                { class: "report-table holdings-table" },
                h(
                  "thead",
                  {},
                  h(
                    "tr",
                    {},
                    h("th", { scope: "col" }, t("assets.col_asset")),
                    h("th", { scope: "col", class: "amount" }, t("assets.col_quantity")),
                    h("th", { scope: "col", class: "amount" }, t("assets.col_price")),
                    h("th", { scope: "col", class: "amount" }, t("assets.col_value")),
                    h("th", { scope: "col", class: "amount" }, t("assets.col_cost")),
                    h("th", { scope: "col", class: "amount" }, t("assets.col_gain")),
                  ),
                ),
                h("tbody", {}, rows.map(holdingRow)),
              ),
            ),
            h("p", { class: "hint" }, t("home.as_of", { date: fullDate(rows[0].as_of) })),
          );
        }),
  );
}

function holdingRow(row: HoldingRow): HTMLElement {
  const unknown = (text: string) => h("span", { class: "hint" }, text);
  return h(
    "tr",
    { class: "holding", "data-asset": row.asset },
    h("th", { scope: "row" }, row.asset, row.code ? h("span", { class: "holding-code" }, ` ${row.code}`) : null),
    h("td", { class: "amount quantity" }, row.quantity),
    h("td", { class: "amount price" }, row.quoted_price !== null ? quotedPrice(row) : unknown(t("assets.price_unknown"))),
    h("td", { class: "amount value" }, row.value !== null ? money(row.value, row.currency) : unknown(t("assets.price_unknown"))),
    h("td", { class: "amount cost" }, row.cost !== null ? money(row.cost, row.currency) : unknown(t("assets.unknown"))),
    h(
      "td",
      { class: "amount holding-gain" },
      row.gain !== null ? gain(row.gain, row.gain_ratio, row.currency) : unknown(t("assets.unknown")),
    ),
  );
}

/** The price as the institution quotes it: a fund's 基準価額 per 1万口, a share's or a coin's per unit. */
function quotedPrice(row: HoldingRow): string {
  const price = formatMoney(row.quoted_price ?? "", row.currency);
  if (row.price_per === 1) return price;
  return row.price_per === 10_000 ? t("assets.price_per_10000", { price }) : t("assets.price_per", { price, n: groupDigits(row.price_per) });
}

/** Points and e-money: each balance, then what expires, soonest first, marked within 30 days. */
function pointsSection(accounts: AccountRow[], expiring: ExpiringLine[], soon: ExpiringLine[]): HTMLElement | null {
  const kinds = new Set(["points", "miles", "emoney"]);
  const wallets = accounts.filter((account) => kinds.has(account.kind));
  if (wallets.length === 0) return null;
  const key = (line: ExpiringLine) => `${line.account_id} ${line.expires_on} ${line.amount}`;
  const soonKeys = new Set(soon.map(key));
  return h(
    "section",
    { class: "assets-points", id: "assets-points", "aria-labelledby": "assets-points-title" },
    h("h2", { id: "assets-points-title" }, t("assets.points")),
    wallets.map((account) => {
      const lines = expiring.filter((line) => line.account_id === account.id);
      return h(
        "div",
        { class: "balance-group", "data-account": String(account.id) },
        h(
          "h3",
          {},
          h("a", { href: `#assets/account/${account.id}` }, accountLabel(account)),
          h("span", { class: "holdings-group-gain" }, money(account.balance, account.currency)),
        ),
        lines.length === 0
          ? h("p", { class: "hint" }, t("assets.no_expiry"))
          : h(
              "ul",
              { class: "expiry-list" },
              lines.map((line) =>
                h(
                  "li",
                  { class: soonKeys.has(key(line)) ? "expiry soon" : "expiry", "data-expires": line.expires_on },
                  t("assets.expires", { date: fullDate(line.expires_on), amount: formatMoney(line.amount, line.currency) }),
                  soonKeys.has(key(line)) ? h("span", { class: "badge badge-warn" }, t("assets.expires_soon")) : null,
                ),
              ),
            ),
      );
    }),
  );
}

/** Accounts in other currencies: those valued in yen with the rate and where it came from, and
 * those without a rate, listed apart (never added 1:1) with a field to type one. */
function currenciesSection(report: AssetReport, names: Map<number, string>, saved: () => void): HTMLElement | null {
  if (report.converted.length === 0 && report.unvalued.length === 0) return null;
  const name = (id: number) => names.get(id) ?? `#${id}`;
  const missing = [...new Set(report.unvalued.map((line) => line.currency))];
  return h(
    "section",
    { class: "assets-currencies", id: "assets-currencies", "aria-labelledby": "assets-currencies-title" },
    h("h2", { id: "assets-currencies-title" }, t("assets.currencies")),
    report.converted.length === 0
      ? null
      : h(
          "ul",
          { class: "converted-list" },
          report.converted.map((line) =>
            h(
              "li",
              { "data-account": String(line.account_id), "data-currency": line.currency },
              `${name(line.account_id)}: `,
              money(line.balance, line.currency),
              " = ",
              money(line.value, report.currency),
              h("span", { class: "hint rate-source" }, ` ${rateSource(line.rate)}`),
            ),
          ),
        ),
    report.unvalued.length === 0
      ? null
      : h(
          "div",
          { class: "unvalued", id: "assets-unvalued" },
          h("p", { class: "hint" }, t("assets.unvalued_hint")),
          h(
            "ul",
            {},
            report.unvalued.map((line) =>
              h("li", { "data-currency": line.currency }, `${name(line.account_id)}: `, money(line.balance, line.currency)),
            ),
          ),
          missing.map((currency) => rateForm(currency, saved)),
        ),
  );
}

/** Where a rate came from, in words: typed by the user, an exchange's ticker, an institution's figure. */
function rateSource(rate: RateRow): string {
  const date = fullDate(rate.as_of);
  const rateText = formatMoney(rate.rate, "JPY");
  const source = rate.source_detail ? (store.institutions.get(rate.source_detail)?.name ?? rate.source_detail) : "";
  if (rate.source === "user") return t("assets.rate_user", { currency: rate.currency, rate: rateText, date });
  if (rate.source === "exchange") return t("assets.rate_exchange", { currency: rate.currency, rate: rateText, date, source });
  return t("assets.rate_institution", { currency: rate.currency, rate: rateText, date, source });
}

/** One field: the yen for one unit of `currency`, saved by the core as the user's rate for today. */
function rateForm(currency: string, saved: () => void): HTMLElement {
  const id = `rate-${currency}`;
  const input = h("input", { id, class: "rate-input", inputmode: "decimal", autocomplete: "off", placeholder: "151.20" });
  const error = h("p", { class: "field-error", role: "alert" });
  return h(
    "form",
    {
      class: "rate-form",
      "data-currency": currency,
      onsubmit: (event: Event) => {
        event.preventDefault();
        error.textContent = "";
        ipc
          .setRate(currency, input.value, null)
          .then(() => {
            notify(t("assets.rate_saved", { currency }), "ok");
            saved();
          })
          .catch((e) => (error.textContent = errorText(e)));
      },
    },
    field(id, t("assets.rate_label", { currency }), input, t("assets.rate_hint")),
    h("button", { type: "submit", class: "button" }, t("assets.rate_save")),
    error,
  );
}

/** An account as the user tells it apart: its connection's name, then its own (投資信託 is in many banks). */
function accountLabel(account: AccountRow): string {
  return account.connection_id === null ? account.name : `${store.connectionName(account.connection_id)} · ${account.name}`;
}

/** Where an account is and what it is: its connection's name (none for a manual one) and its kind. */
export function accountKind(account: AccountRow): string {
  const kind = tKnown("kind", account.kind);
  return account.connection_id === null ? kind : `${store.connectionName(account.connection_id)} · ${kind}`;
}

/** Every account, each opening its balance history. */
function accountsSection(accounts: AccountRow[]): HTMLElement {
  return h(
    "section",
    { class: "assets-accounts", id: "assets-accounts", "aria-labelledby": "assets-accounts-title" },
    h("h2", { id: "assets-accounts-title" }, t("assets.accounts")),
    h("p", { class: "hint" }, t("assets.accounts_hint")),
    h(
      "ul",
      { class: "account-links" },
      accounts.map((account) =>
        h(
          "li",
          {},
          h(
            "a",
            { href: `#assets/account/${account.id}`, class: "account-link", "data-account": String(account.id) },
            h("span", { class: "account-link-name" }, account.name),
            h("span", { class: "account-link-kind" }, accountKind(account)),
            money(account.balance, account.currency),
          ),
        ),
      ),
    ),
  );
}
