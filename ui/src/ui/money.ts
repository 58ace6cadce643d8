// The one money formatter. The core sends exact decimal strings; this only lays them out
// (¥, thousands separators, a real minus sign) and never does arithmetic on them.

import { h } from "./dom";
import { t } from "../i18n";

const SYMBOLS: Record<string, string> = { JPY: "¥", USD: "$", EUR: "€", GBP: "£" };
const MINUS = "\u2212";

/** "-1234" JPY → "−¥1,234"; "1234.5" USD → "$1,234.5". */
export function formatMoney(amount: string, currency: string): string {
  const trimmed = amount.trim();
  const negative = trimmed.startsWith("-");
  const unsigned = trimmed.replace(/^[-+]/, "");
  const [whole, fraction] = unsigned.split(".");
  const grouped = groupDigits(whole);
  const number = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  const symbol = SYMBOLS[currency];
  const body = symbol ? `${symbol}${number}` : `${number} ${currency}`;
  return negative ? `${MINUS}${body}` : body;
}

export function isNegative(amount: string): boolean {
  return /^-\s*[0-9.]*[1-9]/.test(amount.trim());
}

/** The money element: right-aligned tabular figures, red for money out. */
export function money(amount: string, currency: string): HTMLElement {
  return h("span", { class: isNegative(amount) ? "money money-out" : "money" }, formatMoney(amount, currency));
}

/** A ratio the core sent as a decimal fraction ("0.0923", "-0.0789") as a signed percentage,
 * "+9.23%" / "−7.89%": the decimal point moved two places in the text, no arithmetic on it. */
export function percent(ratio: string): string {
  const trimmed = ratio.trim();
  const negative = trimmed.startsWith("-");
  const [whole, fraction = ""] = trimmed.replace(/^[-+]/, "").split(".");
  const digits = `${whole}${fraction.padEnd(2, "0")}`;
  const point = whole.length + 2;
  const integer = digits.slice(0, point).replace(/^0+(?=\d)/, "");
  const rest = digits.slice(point);
  const body = `${integer}${rest ? `.${rest}` : ""}%`;
  const zero = /^[0.]*$/.test(`${integer}${rest}`);
  return zero ? body : `${negative ? MINUS : "+"}${body}`;
}

/** 評価損益: the gain with its sign and, when known, its share of the cost; red for a loss. */
export function gain(amount: string, ratio: string | null, currency: string): HTMLElement {
  const text = `${isNegative(amount) ? "" : "+"}${formatMoney(amount, currency)}${ratio !== null ? `（${percent(ratio)}）` : ""}`;
  return h("span", { class: isNegative(amount) ? "money money-out gain" : "money money-gain gain" }, text);
}

/** Spending is reported as a positive sum; shown as money out it carries the minus sign. */
export function negated(amount: string): string {
  const trimmed = amount.trim();
  // Nothing spent is ¥0, not −¥0.
  if (/^[+-]?[0.]*$/.test(trimmed)) return trimmed.replace(/^[+-]/, "");
  return trimmed.startsWith("-") ? trimmed.slice(1) : `-${trimmed.replace(/^\+/, "")}`;
}

/** "1000000" → "1,000,000": counts as well as amounts (whatever the system locale says). */
export function groupDigits(digits: string | number): string {
  return String(digits).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A month's income, spending and net as the core reported them; `idPrefix`-income etc. name the figures. */
export function monthFigures(
  month: { income: string; expense: string; net: string; currency: string },
  idPrefix: string,
): HTMLElement {
  return h(
    "dl",
    { class: "month-figures" },
    h("dt", {}, t("home.income")),
    h("dd", { id: `${idPrefix}-income` }, money(month.income, month.currency)),
    h("dt", {}, t("home.expense")),
    h("dd", { id: `${idPrefix}-expense` }, money(negated(month.expense), month.currency)),
    h("dt", {}, t("home.net")),
    h("dd", { id: `${idPrefix}-net` }, money(month.net, month.currency)),
  );
}
