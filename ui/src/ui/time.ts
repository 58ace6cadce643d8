// Dates as users read them: 2026/11/28, 11月28日 in lists, "3分前" for last fetched.

import { lang, t } from "../i18n";

export function relativeTime(iso: string | null, now: Date = new Date()): string {
  if (!iso) return t("time.never");
  const then = new Date(iso);
  if (Number.isNaN(then.getTime())) return iso;
  const seconds = Math.max(0, Math.round((now.getTime() - then.getTime()) / 1000));
  if (seconds < 60) return t("time.just_now");
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t("time.minutes_ago", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("time.hours_ago", { n: hours });
  const days = Math.floor(hours / 24);
  if (days < 7) return t("time.days_ago", { n: days });
  return fullDate(iso);
}

/** "2026-11-28" or an RFC 3339 time → "2026/11/28". */
export function fullDate(text: string): string {
  const date = text.length === 10 ? text : localDate(text);
  return date.replaceAll("-", "/");
}

/** "2026-11-28" → "11月28日" (ja) or "Nov 28" (en). */
export function listDate(date: string): string {
  const [year, month, day] = date.split("-").map(Number);
  if (!year || !month || !day) return date;
  if (lang() === "ja") return `${month}月${day}日`;
  return new Date(year, month - 1, day).toLocaleDateString("en", { month: "short", day: "numeric" });
}

/** An RFC 3339 time → "12月4日 0:05" (ja) or "Dec 4, 0:05" (en), in the machine's time zone. */
export function listDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${d.getHours()}:${String(d.getMinutes()).padStart(2, "0")}`;
  if (lang() === "ja") return `${d.getMonth() + 1}月${d.getDate()}日 ${time}`;
  return `${d.toLocaleDateString("en", { month: "short", day: "numeric" })}, ${time}`;
}

export function yearOf(date: string): string {
  return date.slice(0, 4);
}

function localDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Seconds until an RFC 3339 time, never negative. */
export function secondsUntil(iso: string, now: Date = new Date()): number {
  return Math.max(0, Math.round((new Date(iso).getTime() - now.getTime()) / 1000));
}

export function clock(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}
