// Dates, times, numbers and lists in the person's language (Intl, reading the language rune, so they re-render).
import { language } from './locale.svelte';

/** `2026-05-01` (a calendar day) or an RFC 3339 instant, as a medium date: "1 May 2026" / "1 may 2026". */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  const calendarDay = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const date = calendarDay ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  // A calendar day is the same day everywhere; an instant is shown on the computer's own day.
  const zone = calendarDay ? { timeZone: 'UTC' } : {};
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', ...zone }).format(date);
}

/** An instant with its time of day, in the computer's time zone. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(language(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(language()).format(value);
}

/** "Wren, Finch and Heron" / "Wren, Finch y Heron". */
export function formatList(items: string[]): string {
  return new Intl.ListFormat(language(), { style: 'long', type: 'conjunction' }).format(items);
}

/** Today as `YYYY-MM-DD` in the computer's time zone. */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Whole days from `from` to the calendar day `day` (negative when it is past). */
export function daysUntil(day: string, from: string = today()): number {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  return Math.round((b - a) / 86_400_000);
}
