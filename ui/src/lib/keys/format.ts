// Dates and sizes of backups, localized.
import type { Lang } from '../safety/lang';

export function formatDate(iso: string | null, lang: Lang): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return new Intl.DateTimeFormat(lang === 'es' ? 'es' : 'en-GB', { dateStyle: 'long', timeStyle: 'short' }).format(date);
}

export function formatSize(bytes: number, lang: Lang): string {
  const number = new Intl.NumberFormat(lang === 'es' ? 'es' : 'en', { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${number.format(bytes)} B`;
  if (bytes < 1024 * 1024) return `${number.format(bytes / 1024)} KB`;
  return `${number.format(bytes / (1024 * 1024))} MB`;
}
