// The year's income and spending, two bars per month, drawn in SVG with DOM calls (no HTML
// parsing, no inline styles). The figures are the core's; heights are only drawn to them, and
// every bar carries its exact amount as text for screen readers and tooltips.

import { h } from "./dom";
import { formatMoney } from "./money";
import { t } from "../i18n";
import type { MonthLine } from "../ipc";

const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

export function yearChart(months: MonthLine[]): HTMLElement {
  const width = 720;
  const height = 180;
  const top = 10;
  const bottom = 26;
  const left = 8;
  // Only for drawing: the bar heights; the amounts shown are the core's strings.
  const highest = Math.max(...months.flatMap((m) => [Number(m.income), Number(m.expense)]), 1);
  const plot = height - top - bottom;
  const slot = (width - left * 2) / Math.max(months.length, 1);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "year-chart", role: "img", "aria-label": t("rep.year_label") });
  chart.appendChild(svg("line", { x1: left, x2: width - left, y1: top + plot, y2: top + plot, class: "axis" }));
  months.forEach((line, i) => {
    const [, month] = line.month.split("-");
    const bars: [string, string][] = [
      ["income", line.income],
      ["expense", line.expense],
    ];
    bars.forEach(([kind, amount], j) => {
      const value = Math.max(Number(amount), 0);
      const barHeight = Math.max((value / highest) * plot, value > 0 ? 1 : 0);
      const bar = svg("rect", {
        x: left + i * slot + slot * (0.14 + j * 0.37),
        y: top + plot - barHeight,
        width: slot * 0.34,
        height: barHeight,
        rx: 2,
        class: `year-bar year-${kind}`,
        "data-month": line.month,
      });
      const title = svg("title", {});
      title.textContent = `${t("home.month_label", { y: line.month.slice(0, 4), m: Number(month) })} ${t(
        kind === "income" ? "home.income" : "home.expense",
      )}: ${formatMoney(amount, "JPY")}`;
      bar.appendChild(title);
      chart.appendChild(bar);
    });
    const label = svg("text", { x: left + i * slot + slot / 2, y: height - 8, class: "history-label", "text-anchor": "middle" });
    label.textContent = t("home.history_month", { m: Number(month) });
    chart.appendChild(label);
  });
  return h(
    "figure",
    { class: "year-figure" },
    chart,
    h(
      "figcaption",
      { class: "chart-legend" },
      h("span", { class: "legend legend-income" }, t("home.income")),
      h("span", { class: "legend legend-expense" }, t("home.expense")),
    ),
  );
}
