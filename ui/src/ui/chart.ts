// The one chart of the app: money series drawn in SVG with DOM calls (no HTML parsing, no inline
// styles, so the CSP holds), as a line (a balance day by day, net worth month by month) or as
// grouped bars (income and spending per month). The figures are the core's exact decimal strings:
// Number() is used only to place things, and every figure shown (axis ticks, tooltip, live
// region, table) is text laid out by formatMoney. A value that is null is "no data": a gap in a
// line, no bar, and the words in the tooltip and the table; never a made-up ¥0.
//
// Every chart has the same machinery: a y axis of 4–6 round ticks (zero only when the data is
// near it; bars always start at zero), 3–7 x labels (first and last included; every bar group
// when there are few), a pointer or keyboard (focus, ←/→, Home/End) selection with an in-SVG
// tooltip giving every series' exact figure and an aria-live region reading it, a legend when
// there are several series, and a <details> table with one column per series. The classes keep
// their `line-chart-` prefix (the e2e and the stylesheet read them).

import { append, h } from "./dom";
import { formatMoney, money } from "./money";
import { fullDate } from "./time";
import { lang, t } from "../i18n";

/** One point of a single series (see `lineChart`). */
export interface ChartPoint {
  /** YYYY-MM-DD */
  date: string;
  /** An exact decimal string computed by the app's core (e.g. "1234", "-50", "0.00012345"); null = no data that day (NOT zero). */
  value: string | null;
}

/** One x position: a value for each series, in the order of `ChartSpec.series`. */
export interface ChartGroup {
  /** YYYY-MM-DD, or YYYY-MM with the "calendar-month" interval. */
  date: string;
  /** Exact decimal strings from the core; null = no data (NOT zero). */
  values: (string | null)[];
}

export interface ChartSeries {
  /** Its name: the legend, the tooltip, the live region and the table's column header. */
  label: string;
  /** CSS class on its marks and its legend swatch; the class sets `--series` to the colour. */
  class: string;
}

/**
 * How the x positions read. "day": days (M/D labels, the year where it changes); "month": month
 * ends or any day standing for its month (YYYY/M labels, the full date in the tooltip);
 * "calendar-month": whole months given as YYYY-MM (3月 / Mar labels, 2026年3月 in the tooltip).
 */
export type ChartInterval = "day" | "month" | "calendar-month";

export interface LineChartOptions {
  /** Accessible name of the chart (also the table's caption). */
  label: string;
  /** ISO currency code of the values, e.g. "JPY", "USD", "BTC". */
  currency: string;
  /** id given to the returned <figure>. */
  id?: string;
  /** How x labels read. Default "day". */
  interval?: ChartInterval;
  /** Shown under the chart as its <figcaption>. */
  caption?: Node | string | (Node | string | null)[];
  /** The table's value column for a single series. Default 残高 / Balance. */
  valueLabel?: string;
}

export interface ChartSpec extends Omit<LineChartOptions, "valueLabel"> {
  /** A line per series, or a group of bars per x position (starting at zero). */
  kind: "line" | "bars";
  /** One or more; with more than one, a legend is shown and the tooltip names each. */
  series: ChartSeries[];
  groups: ChartGroup[];
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

/** An x label: M/D (the year on the first and wherever it changes), YYYY/M, or the month's short name. */
function axisDate(date: string, interval: ChartInterval, previous: string | null): string {
  const [year, month, day] = date.split("-");
  if (interval === "calendar-month") {
    return lang() === "ja" ? `${Number(month)}月` : new Date(Number(year), Number(month) - 1, 1).toLocaleDateString("en", { month: "short" });
  }
  if (interval === "month") return `${year}/${Number(month)}`;
  const withYear = previous === null || previous.slice(0, 4) !== year;
  return withYear ? `${year}/${Number(month)}/${Number(day)}` : `${Number(month)}/${Number(day)}`;
}

/** A point's date in full: 2026/03/31, or 2026年3月 for a calendar month. */
function pointDate(date: string, interval: ChartInterval): string {
  if (interval !== "calendar-month") return fullDate(date);
  const [year, month] = date.split("-");
  return t("home.month_label", { y: year, m: Number(month) });
}

/** A single money series as a line (a balance day by day, net worth month by month). */
export function lineChart(points: ChartPoint[], options: LineChartOptions): HTMLElement {
  const { valueLabel, ...rest } = options;
  return chart({
    ...rest,
    kind: "line",
    series: [{ label: valueLabel ?? t("chart.value"), class: "" }],
    groups: points.map((point) => ({ date: point.date, values: [point.value] })),
  });
}

/** The chart: `spec.series` drawn over `spec.groups`, as lines or as grouped bars. */
export function chart(spec: ChartSpec): HTMLElement {
  const { kind, series, groups, label, currency, interval = "day" } = spec;
  const bars = kind === "bars";
  const withData = groups.filter((g) => g.values.some((v) => v !== null));
  const figure = h("figure", {
    class: bars ? "line-chart line-chart-bars" : "line-chart",
    id: spec.id,
    "data-points": groups.length,
    "data-with-data": withData.length,
    "data-series": series.length,
  });
  const caption = spec.caption === undefined ? null : h("figcaption", { class: "line-chart-caption" }, spec.caption);
  if (withData.length === 0) {
    figure.setAttribute("aria-label", label);
    append(figure, [h("p", { class: "hint" }, t("chart.no_data")), caption]);
    return figure;
  }
  const named = series.length > 1;
  const shown = (value: string | null) => (value === null ? t("chart.point_no_data") : formatMoney(value, currency));
  /** Every series' figure for a group: "¥1,234", or "収入 ¥1,234、支出 ¥567". */
  const figures = (group: ChartGroup) =>
    named ? series.map((s, j) => `${s.label} ${shown(group.values[j] ?? null)}`).join(t("chart.separator")) : shown(group.values[0] ?? null);

  const values = groups.flatMap((g) => g.values.filter((v): v is string => v !== null));
  const fractionDigits = Math.max(...values.map((v) => (v.split(".")[1] ?? "").replace(/0+$/, "").length));
  // Bars are lengths from zero: zero is always on the axis.
  const ticks = niceTicks([...values.map(Number), ...(bars ? [0] : [])], fractionDigits);
  const tickTexts = ticks.texts.map((text) => formatMoney(text, currency));
  // Room for the longest tick label (12px text, about 7 units a character).
  const left = Math.min(200, Math.max(44, Math.max(...tickTexts.map((s) => s.length)) * 7.2 + 14));
  const lowest = ticks.values[0];
  const highest = ticks.values[ticks.values.length - 1];
  const plotWidth = WIDTH - left - RIGHT;
  const n = groups.length;
  const y = (value: number) => TOP + ((highest - value) / (highest - lowest)) * (HEIGHT - TOP - BOTTOM);
  // A line's points run edge to edge; a bar group sits in the middle of its slot.
  const slot = plotWidth / n;
  const x = (i: number) => (bars ? left + (i + 0.5) * slot : n === 1 ? left + plotWidth / 2 : left + (i * plotWidth) / (n - 1));

  const unique = spec.id ?? `line-chart-${++counter}`;
  const drawing = svg("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: "line-chart-svg",
    role: "img",
    "aria-label": label,
    "aria-describedby": `${unique}-keys`,
    tabindex: 0,
  });
  ticks.values.forEach((value, i) => {
    drawing.appendChild(svg("line", { x1: left, x2: WIDTH - RIGHT, y1: y(value), y2: y(value), class: value === 0 ? "line-chart-grid line-chart-zero" : "line-chart-grid" }));
    const text = svg("text", { x: left - 8, y: y(value) + 4, class: "line-chart-tick", "text-anchor": "end" });
    text.textContent = tickTexts[i];
    drawing.appendChild(text);
  });
  let previous: string | null = null;
  for (const i of bars && n <= 12 ? [...Array(n).keys()] : labelIndices(n)) {
    const anchor = !bars && n > 1 && i === 0 ? "start" : !bars && n > 1 && i === n - 1 ? "end" : "middle";
    const text = svg("text", { x: x(i), y: HEIGHT - 10, class: "line-chart-tick", "text-anchor": anchor });
    text.textContent = axisDate(groups[i].date, interval, previous);
    previous = groups[i].date;
    drawing.appendChild(text);
  }

  // The selection's band behind a bar group (bars) or its cursor line (lines).
  const band = svg("rect", { y: TOP, height: HEIGHT - TOP - BOTTOM, width: slot, class: "line-chart-band", visibility: "hidden" });
  if (bars) drawing.appendChild(band);
  const seriesClass = (s: ChartSeries, base: string) => (s.class ? `${base} ${s.class}` : base);
  if (bars) {
    // Each group: one bar per series side by side; a null is no bar.
    const groupWidth = Math.min(slot * 0.72, 28 * series.length);
    const gap = series.length > 1 ? Math.min(3, groupWidth * 0.06) : 0;
    const barWidth = (groupWidth - gap * (series.length - 1)) / series.length;
    groups.forEach((group, i) => {
      series.forEach((s, j) => {
        const value = group.values[j] ?? null;
        if (value === null) return;
        const top = y(Math.max(Number(value), 0));
        const bottom = y(Math.min(Number(value), 0));
        drawing.appendChild(
          svg("rect", {
            x: x(i) - groupWidth / 2 + j * (barWidth + gap),
            y: top,
            width: barWidth,
            height: Number(value) === 0 ? 0 : Math.max(bottom - top, 1),
            rx: Math.min(2, barWidth / 4),
            class: seriesClass(s, "line-chart-bar"),
            "data-date": group.date,
          }),
        );
      });
    });
  } else {
    // Each series: every run of points with values is one subpath; a lone value is a dot.
    series.forEach((s, j) => {
      let d = "";
      groups.forEach((group, i) => {
        const value = group.values[j] ?? null;
        if (value === null) return;
        const before = groups[i - 1]?.values[j] ?? null;
        const after = groups[i + 1]?.values[j] ?? null;
        const at = `${x(i).toFixed(2)} ${y(Number(value)).toFixed(2)}`;
        d += before === null ? `M${at}` : `L${at}`;
        if (before === null && after === null) {
          drawing.appendChild(svg("circle", { cx: x(i), cy: y(Number(value)), r: 3, class: seriesClass(s, "line-chart-dot"), "data-date": group.date }));
        }
      });
      drawing.appendChild(svg("path", { d, class: seriesClass(s, "line-chart-line") }));
    });
  }

  // The selection: the band or a cursor line, a dot on each line's value, and a tooltip (a box,
  // the date, and a line per series with its exact figure).
  const cursor = svg("line", { y1: TOP, y2: HEIGHT - BOTTOM, class: "line-chart-cursor", visibility: "hidden" });
  const markers = bars ? [] : series.map((s) => svg("circle", { r: 4.5, class: seriesClass(s, "line-chart-marker"), visibility: "hidden" }));
  const tooltip = svg("g", { class: "line-chart-tooltip", visibility: "hidden", "aria-hidden": "true" });
  const box = svg("rect", { rx: 4, height: 25 + 17 * series.length, class: "line-chart-tooltip-box" });
  const dateText = svg("text", { x: 8, y: 16, class: "line-chart-tooltip-date" });
  tooltip.append(box, dateText);
  const rows = series.map((s, j) => {
    const row = svg("text", { x: named ? 22 : 8, y: 33 + 17 * j });
    const value = svg("tspan", { class: "line-chart-tooltip-value" });
    if (named) {
      tooltip.appendChild(svg("rect", { x: 8, y: 24 + 17 * j, width: 9, height: 9, rx: 2, class: seriesClass(s, "line-chart-swatch") }));
      const name = svg("tspan", { class: "line-chart-tooltip-series" });
      name.textContent = `${s.label} `;
      row.appendChild(name);
    }
    row.appendChild(value);
    tooltip.appendChild(row);
    return { row, value };
  });
  if (!bars) drawing.append(cursor, ...markers);
  drawing.append(tooltip);
  const live = h("p", { class: "visually-hidden", "aria-live": "polite" });
  let selected: number | null = null;

  function select(i: number, announce: boolean): void {
    selected = i;
    const group = groups[i];
    const px = x(i);
    if (bars) {
      band.setAttribute("x", String(px - slot / 2));
      band.setAttribute("visibility", "visible");
    } else {
      cursor.setAttribute("x1", String(px));
      cursor.setAttribute("x2", String(px));
      cursor.setAttribute("visibility", "visible");
      markers.forEach((marker, j) => {
        const value = group.values[j] ?? null;
        if (value === null) {
          marker.setAttribute("visibility", "hidden");
        } else {
          marker.setAttribute("cx", String(px));
          marker.setAttribute("cy", String(y(Number(value))));
          marker.setAttribute("visibility", "visible");
        }
      });
    }
    dateText.textContent = pointDate(group.date, interval);
    rows.forEach(({ value }, j) => (value.textContent = shown(group.values[j] ?? null)));
    tooltip.setAttribute("visibility", "visible");
    const texts = [dateText, ...rows.map((r) => r.row)];
    let textWidth = 0;
    try {
      textWidth = Math.max(...texts.map((text, k) => text.getComputedTextLength() + (k > 0 && named ? 14 : 0)));
    } catch {
      // Not laid out (detached): estimated below.
    }
    if (!textWidth) textWidth = Math.max(...texts.map((text) => (text.textContent ?? "").length)) * 7.5 + (named ? 14 : 0);
    const boxWidth = textWidth + 16;
    box.setAttribute("width", String(boxWidth));
    const reach = bars ? slot / 2 + 4 : 10;
    const tx = px + reach + boxWidth > WIDTH - RIGHT ? px - reach - boxWidth : px + reach;
    tooltip.setAttribute("transform", `translate(${Math.max(0, tx)} ${TOP})`);
    figure.dataset.selected = group.date;
    if (announce) live.textContent = t("chart.point", { date: pointDate(group.date, interval), value: figures(group) });
  }

  function clear(): void {
    selected = null;
    for (const element of [cursor, band, tooltip, ...markers]) element.setAttribute("visibility", "hidden");
    delete figure.dataset.selected;
  }

  drawing.addEventListener("pointermove", (event) => {
    const rect = drawing.getBoundingClientRect();
    if (!rect.width) return;
    const vx = ((event.clientX - rect.left) / rect.width) * WIDTH;
    const i = bars ? Math.floor((vx - left) / slot) : n === 1 ? 0 : Math.round(((vx - left) / plotWidth) * (n - 1));
    select(Math.min(n - 1, Math.max(0, i)), false);
  });
  drawing.addEventListener("pointerleave", clear);
  drawing.addEventListener("focus", () => select(n - 1, true));
  drawing.addEventListener("blur", clear);
  drawing.addEventListener("keydown", (event) => {
    const current = selected ?? n - 1;
    const moves: Record<string, number> = {
      ArrowLeft: Math.max(0, current - 1),
      ArrowRight: Math.min(n - 1, current + 1),
      Home: 0,
      End: n - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    select(moves[event.key], true);
  });

  const table = h(
    "table",
    { class: "report-table" },
    h("caption", {}, label),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col" }, t(interval === "calendar-month" ? "chart.month" : "chart.date")),
        series.map((s) => h("th", { scope: "col", class: "amount" }, s.label)),
      ),
    ),
    h(
      "tbody",
      {},
      groups.map((group) =>
        h(
          "tr",
          { "data-date": group.date },
          h("th", { scope: "row" }, pointDate(group.date, interval)),
          series.map((_, j) => {
            const value = group.values[j] ?? null;
            return h("td", { class: "amount" }, value === null ? h("span", { class: "line-chart-none" }, t("chart.point_no_data")) : money(value, currency));
          }),
        ),
      ),
    ),
  );
  append(
    figure,
    [
      drawing,
      named ? h("p", { class: "line-chart-legend" }, series.map((s) => h("span", { class: seriesClass(s, "line-chart-key") }, s.label))) : null,
      h("p", { class: "visually-hidden", id: `${unique}-keys` }, t("chart.keys")),
      live,
      caption,
      h("details", { class: "line-chart-table" }, h("summary", {}, t("chart.table")), table),
    ],
  );
  return figure;
}
