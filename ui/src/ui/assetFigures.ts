// The asset report's figures as Home and 資産 both show them: the composition by class with bars
// drawn to each class's share, and the holdings' 評価損益 as the core summed it. Every figure is
// the core's decimal string; bar widths are only drawn from them.

import type { AssetReport } from "../ipc";
import { t, tKnown } from "../i18n";
import { h } from "./dom";
import { gain, money } from "./money";
import { fullDate } from "./time";

/** Net worth as the core reported it: the card's heading, the figure and the date it is for. */
export function netWorth(report: AssetReport, heading: string, ids: { title: string; figure: string }): HTMLElement[] {
  return [
    h("h2", { id: ids.title }, heading),
    h("p", { class: "big-figure", id: ids.figure }, money(report.total, report.currency)),
    h("p", { class: "hint" }, t("home.as_of", { date: fullDate(report.date) })),
  ];
}

/** The holdings' 評価損益 as the core summed it, and how many holdings it could not count. */
export function holdingsGain(assets: AssetReport, id: string): HTMLElement | null {
  const { total, left_out } = assets.gains;
  if (!total && left_out === 0) return null;
  return h(
    "p",
    { class: "holdings-gain", id },
    h("span", {}, `${t("home.gain")} `),
    total ? gain(total.gain, total.gain_ratio, assets.currency) : null,
    left_out > 0 ? h("span", { class: "hint" }, ` ${t("home.gain_left_out", { n: left_out })}`) : null,
  );
}

/** The asset classes the core reported, each with a bar drawn to its share of the assets. */
export function composition(assets: AssetReport): HTMLElement {
  if (assets.classes.length === 0) return h("p", { class: "hint" }, t("home.no_assets"));
  // Drawing only: the longest bar is the largest class; the figures shown are the core's.
  const largest = Math.max(...assets.classes.map((c) => Math.abs(Number(c.amount))), 1);
  return h(
    "table",
    { class: "composition", id: "composition" },
    h(
      "tbody",
      {},
      assets.classes.map((line) =>
        h(
          "tr",
          { "data-class": line.class },
          h("th", { scope: "row" }, tKnown("class", line.class)),
          h(
            "td",
            { class: "bar-cell", "aria-hidden": "true" },
            bar(line.class, Math.abs(Number(line.amount)) / largest),
          ),
          h("td", { class: "amount" }, money(line.amount, assets.currency)),
        ),
      ),
    ),
  );
}

/** Set through CSSOM: the CSP forbids inline style attributes. */
function bar(assetClass: string, share: number): HTMLElement {
  const element = h("span", { class: `bar bar-${assetClass}` });
  element.style.width = `${Math.round(share * 100)}%`;
  return element;
}
