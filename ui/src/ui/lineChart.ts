// A line chart for a money series (a balance day by day, net worth month by month), drawn in SVG
// with DOM calls (no HTML parsing, no inline styles, so the CSP holds). The figures are the
// core's exact decimal strings: Number() is used only to place things, and every figure shown
// (axis ticks, tooltip, live region, table) is text laid out by formatMoney. A day without a
// value (null) breaks the line: never a made-up ¥0. The y axis has 4–6 round ticks around the
// data (zero only when the data is near it); the x axis 3–7 dates, first and last included.
// Pointer or keyboard (focus, ←/→, Home/End) selects a point; a <details> table lists them all.

import { h } from "./dom";
import { formatMoney, money } from "./money";
import { fullDate } from "./time";
import { t } from "../i18n";

export interface ChartPoint {
  /** YYYY-MM-DD */
  date: string;
  /** An exact decimal string computed by the app's core (e.g. "1234", "-50", "0.00012345"); null = no data that day (NOT zero). */
  value: string | null;
}

export interface LineChartOptions {
  /** Accessible name of the chart (also the table's caption). */
  label: string;
  /** ISO currency code of the values, e.g. "JPY", "USD", "BTC". */
  currency: string;
  /** id given to the returned <figure>. */
  id?: string;
  /** How x labels read: "day" (M/D) or "month" (YYYY/M). Default "day". */
  interval?: "day" | "month";
}

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 720;
const HEIGHT = 240;
const TOP = 14;
const RIGHT = 16;
const BOTTOM = 30;
let counter = 0;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/** `units` × 10^`exponent` written out exactly: (25, -1) → "2.5", (3, 6) → "3000000". */
function decimal(units: number, exponent: number): string {
  if (units === 0) return "0";
  let digits = String(Math.abs(units));
  if (exponent >= 0) {
    digits += "0".repeat(exponent);
  } else {
    digits = digits.padStart(1 - exponent, "0");
    const point = digits.length + exponent;
    digits = `${digits.slice(0, point)}.${digits.slice(point)}`.replace(/\.?0+$/, "");
  }
  return units < 0 ? `-${digits}` : digits;
}

interface Ticks {
  /** Exact decimal strings, lowest first. */
  texts: string[];
  /** The same as numbers, for placing them. */
  values: number[];
}

/** 4–6 ticks a step of 1, 2 or 5 × 10^k apart covering the values; never finer than the data. */
function niceTicks(values: number[], fractionDigits: number): Ticks {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    // A flat series: a band around it (a flat zero gets 0 and up).
    const pad = lo === 0 ? 0 : Math.abs(lo) * 0.05;
    lo -= pad;
    hi = pad === 0 ? 1 : hi + pad;
  }
  // Zero joins the axis only when it is within one data span of the values.
  if (lo > 0 && lo < hi - lo) lo = 0;
  if (hi < 0 && -hi < hi - lo) hi = 0;
  const base = Math.floor(Math.log10(hi - lo)) - 2;
  const lowest = Math.max(base, -fractionDigits);
  let chosen: { first: number; count: number; m: number; k: number } | null = null;
  for (let k = lowest; k <= Math.max(base + 3, lowest) && !chosen; k++) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** k;
      const first = Math.floor(lo / step + 1e-9);
      const count = Math.ceil(hi / step - 1e-9) - first + 1;
      if (count <= 6) {
        chosen = { first, count, m, k };
        break;
      }
    }
  }
  const { first, m, k } = chosen ?? { first: 0, m: 1, k: lowest };
  const count = Math.max(chosen?.count ?? 4, 4);
  const texts: string[] = [];
  const numbers: number[] = [];
  for (let i = 0; i < count; i++) {
    texts.push(decimal((first + i) * m, k));
    numbers.push((first + i) * m * 10 ** k);
  }
  return { texts, values: numbers };
}

/** Indices of 3–7 evenly spread x labels (fewer when there are fewer points), first and last included. */
function labelIndices(n: number): number[] {
  if (n <= 7) return [...Array(n).keys()];
  let count = 6;
  for (let c = 7; c >= 3; c--) {
    if ((n - 1) % (c - 1) === 0) {
      count = c;
      break;
    }
  }
  return [...Array(count).keys()].map((i) => Math.round((i * (n - 1)) / (count - 1)));
}

/** M/D, with the year (YYYY/M/D) on the first label and wherever the year changes. */
function axisDate(date: string, interval: "day" | "month", previous: string | null): string {
  const [year, month, day] = date.split("-");
  if (interval === "month") return `${year}/${Number(month)}`;
  const withYear = previous === null || previous.slice(0, 4) !== year;
  return withYear ? `${year}/${Number(month)}/${Number(day)}` : `${Number(month)}/${Number(day)}`;
}

export function lineChart(points: ChartPoint[], options: LineChartOptions): HTMLElement {
  const { label, currency, interval = "day" } = options;
  const withData = points.filter((p) => p.value !== null);
  const figure = h("figure", {
    class: "line-chart",
    id: options.id,
    "data-points": points.length,
    "data-with-data": withData.length,
  });
  if (withData.length === 0) {
    figure.setAttribute("aria-label", label);
    figure.appendChild(h("p", { class: "hint" }, t("chart.no_data")));
    return figure;
  }
  const shown = (value: string | null) => (value === null ? t("chart.point_no_data") : formatMoney(value, currency));
  const fractionDigits = Math.max(...withData.map((p) => (p.value!.split(".")[1] ?? "").replace(/0+$/, "").length));
  const ticks = niceTicks(withData.map((p) => Number(p.value)), fractionDigits);
  const tickTexts = ticks.texts.map((text) => formatMoney(text, currency));
  // Room for the longest tick label (12px text, about 7 units a character).
  const left = Math.min(200, Math.max(44, Math.max(...tickTexts.map((s) => s.length)) * 7.2 + 14));
  const lowest = ticks.values[0];
  const highest = ticks.values[ticks.values.length - 1];
  const plotWidth = WIDTH - left - RIGHT;
  const y = (value: number) => TOP + ((highest - value) / (highest - lowest)) * (HEIGHT - TOP - BOTTOM);
  const x = (i: number) => (points.length === 1 ? left + plotWidth / 2 : left + (i * plotWidth) / (points.length - 1));

  const unique = options.id ?? `line-chart-${++counter}`;
  const chart = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: "line-chart-svg",
    role: "img",
    "aria-label": label,
    "aria-describedby": `${unique}-keys`,
    tabindex: 0,
  });
  ticks.values.forEach((value, i) => {
    chart.appendChild(svg("line", { x1: left, x2: WIDTH - RIGHT, y1: y(value), y2: y(value), class: value === 0 ? "line-chart-grid line-chart-zero" : "line-chart-grid" }));
    const text = svg("text", { x: left - 8, y: y(value) + 4, class: "line-chart-tick", "text-anchor": "end" });
    text.textContent = tickTexts[i];
    chart.appendChild(text);
  });
  let previous: string | null = null;
  for (const i of labelIndices(points.length)) {
    const anchor = points.length > 1 && i === 0 ? "start" : points.length > 1 && i === points.length - 1 ? "end" : "middle";
    const text = svg("text", { x: x(i), y: HEIGHT - 10, class: "line-chart-tick", "text-anchor": anchor });
    text.textContent = axisDate(points[i].date, interval, previous);
    previous = points[i].date;
    chart.appendChild(text);
  }

  // The series: each run of days with values is one subpath; a lone value is a dot.
  let d = "";
  points.forEach((point, i) => {
    if (point.value === null) return;
    const previous = points[i - 1]?.value ?? null;
    const next = points[i + 1]?.value ?? null;
    const at = `${x(i).toFixed(2)} ${y(Number(point.value)).toFixed(2)}`;
    d += previous === null ? `M${at}` : `L${at}`;
    if (previous === null && next === null) {
      chart.appendChild(svg("circle", { cx: x(i), cy: y(Number(point.value)), r: 3, class: "line-chart-dot", "data-date": point.date }));
    }
  });
  chart.appendChild(svg("path", { d, class: "line-chart-line" }));

  // The selection: a cursor line, a dot on the value and a tooltip (rect + two lines of text).
  const cursor = svg("line", { y1: TOP, y2: HEIGHT - BOTTOM, class: "line-chart-cursor", visibility: "hidden" });
  const marker = svg("circle", { r: 4.5, class: "line-chart-marker", visibility: "hidden" });
  const tooltip = svg("g", { class: "line-chart-tooltip", visibility: "hidden", "aria-hidden": "true" });
  const box = svg("rect", { rx: 4, height: 42, class: "line-chart-tooltip-box" });
  const dateText = svg("text", { x: 8, y: 16, class: "line-chart-tooltip-date" });
  const valueText = svg("text", { x: 8, y: 33, class: "line-chart-tooltip-value" });
  tooltip.append(box, dateText, valueText);
  chart.append(cursor, marker, tooltip);
  const live = h("p", { class: "visually-hidden", "aria-live": "polite" });
  let selected: number | null = null;

  function select(i: number, announce: boolean): void {
    selected = i;
    const point = points[i];
    const px = x(i);
    cursor.setAttribute("x1", String(px));
    cursor.setAttribute("x2", String(px));
    cursor.setAttribute("visibility", "visible");
    if (point.value === null) {
      marker.setAttribute("visibility", "hidden");
    } else {
      marker.setAttribute("cx", String(px));
      marker.setAttribute("cy", String(y(Number(point.value))));
      marker.setAttribute("visibility", "visible");
    }
    dateText.textContent = fullDate(point.date);
    valueText.textContent = shown(point.value);
    tooltip.setAttribute("visibility", "visible");
    let textWidth = 0;
    try {
      textWidth = Math.max(dateText.getComputedTextLength(), valueText.getComputedTextLength());
    } catch {
      // Not laid out (detached): estimated below.
    }
    if (!textWidth) textWidth = Math.max(dateText.textContent.length, valueText.textContent.length) * 7.5;
    const boxWidth = textWidth + 16;
    box.setAttribute("width", String(boxWidth));
    const tx = px + 10 + boxWidth > WIDTH - RIGHT ? px - 10 - boxWidth : px + 10;
    tooltip.setAttribute("transform", `translate(${Math.max(0, tx)} ${TOP})`);
    figure.dataset.selected = point.date;
    if (announce) live.textContent = t("chart.point", { date: fullDate(point.date), value: shown(point.value) });
  }

  function clear(): void {
    selected = null;
    for (const element of [cursor, marker, tooltip]) element.setAttribute("visibility", "hidden");
    delete figure.dataset.selected;
  }

  chart.addEventListener("pointermove", (event) => {
    const rect = chart.getBoundingClientRect();
    if (!rect.width) return;
    const vx = ((event.clientX - rect.left) / rect.width) * WIDTH;
    const i = points.length === 1 ? 0 : Math.round(((vx - left) / plotWidth) * (points.length - 1));
    select(Math.min(points.length - 1, Math.max(0, i)), false);
  });
  chart.addEventListener("pointerleave", clear);
  chart.addEventListener("focus", () => select(points.length - 1, true));
  chart.addEventListener("blur", clear);
  chart.addEventListener("keydown", (event) => {
    const current = selected ?? points.length - 1;
    const moves: Record<string, number> = {
      ArrowLeft: Math.max(0, current - 1),
      ArrowRight: Math.min(points.length - 1, current + 1),
      Home: 0,
      End: points.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(moves[event.key], true);
  });

  const table = h(
    "table",
    { class: "report-table" },
    h("caption", {}, label),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("chart.date")), h("th", { scope: "col", class: "amount" }, t("chart.value")))),
    h(
      "tbody",
      {},
      points.map((point) =>
        h(
          "tr",
          { "data-date": point.date },
          h("th", { scope: "row" }, fullDate(point.date)),
          h("td", { class: "amount" }, point.value === null ? h("span", { class: "line-chart-none" }, t("chart.point_no_data")) : money(point.value, currency)),
        ),
      ),
    ),
  );
  figure.append(
    chart,
    h("p", { class: "visually-hidden", id: `${unique}-keys` }, t("chart.keys")),
    live,
    h("details", { class: "line-chart-table" }, h("summary", {}, t("chart.table")), table),
  );
  return figure;
}
