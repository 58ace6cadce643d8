// The asset history chart: one bar per month end, drawn in SVG with DOM calls (no HTML parsing,
// no inline styles, so the CSP holds). The figures are the core's; heights are only drawn to
// them, and every bar carries its exact amount as text for screen readers and tooltips. A month
// the core has no recorded balance for gets no bar but a "no data" mark: never a made-up ¥0.

import { h } from "./dom";
import { formatMoney } from "./money";
import { t } from "../i18n";

const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

export interface HistoryPoint {
  /** YYYY-MM-DD */
  date: string;
  /** Net worth that day, a decimal string in yen computed by the core; null: no data that day. */
  total: string | null;
}

export function historyChart(points: HistoryPoint[]): HTMLElement {
  const width = 720;
  const height = 200;
  const top = 12;
  const bottom = 28;
  const left = 8;
  const values = points.filter((p) => p.total !== null).map((p) => Number(p.total));
  const highest = Math.max(...values, 0);
  const lowest = Math.min(...values, 0);
  const span = highest - lowest || 1;
  const plot = height - top - bottom;
  const y = (value: number) => top + ((highest - value) / span) * plot;
  const slot = (width - left * 2) / Math.max(points.length, 1);
  const chart = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    class: "history-chart",
    role: "img",
    "aria-label": t("home.history_label"),
  });
  chart.appendChild(svg("line", { x1: left, x2: width - left, y1: y(0), y2: y(0), class: "axis" }));
  points.forEach((point, i) => {
    const x = left + i * slot + slot * 0.18;
    const title = svg("title", {});
    const day = point.date.replaceAll("-", "/");
    if (point.total === null) {
      // No bar: a short dashed mark on the zero line, and the words for tooltips and readers.
      const mark = svg("line", {
        x1: x,
        x2: x + slot * 0.64,
        y1: y(0) - 1,
        y2: y(0) - 1,
        class: "history-no-data",
        "data-date": point.date,
      });
      title.textContent = `${day}: ${t("home.history_no_data")}`;
      mark.appendChild(title);
      chart.appendChild(mark);
    } else {
      const value = Number(point.total);
      const barTop = Math.min(y(value), y(0));
      const bar = svg("rect", {
        x,
        y: barTop,
        width: slot * 0.64,
        height: Math.max(Math.abs(y(value) - y(0)), 1),
        rx: 3,
        class: value < 0 ? "history-bar negative" : "history-bar",
        "data-date": point.date,
      });
      title.textContent = `${day}: ${formatMoney(point.total, "JPY")}`;
      bar.appendChild(title);
      chart.appendChild(bar);
    }
    const label = svg("text", { x: x + slot * 0.32, y: height - 8, class: "history-label", "text-anchor": "middle" });
    const [, month] = point.date.split("-");
    label.textContent = t("home.history_month", { m: Number(month) });
    chart.appendChild(label);
  });
  const last = points[points.length - 1];
  const missing = points.filter((p) => p.total === null).length;
  return h(
    "figure",
    { class: "history-figure" },
    chart,
    last ? h("figcaption", { class: "hint" }, t("home.history_caption", { n: points.length })) : null,
    missing > 0 ? h("p", { class: "hint", id: "history-no-data" }, t("home.history_no_data_hint", { n: missing })) : null,
  );
}
