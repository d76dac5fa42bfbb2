// Words and figures for attachments: sizes in the person's language, and a plain word for a file's type.
import { language, m } from '../i18n';

/** The core's limit (crates/core/src/model/attachments.rs, MAX_ATTACHMENT_BYTES): 10 MiB. */
export const ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/** Bytes as "820 kB" / "2.5 MB" (binary multiples, so the limit reads "10 MB"). */
export function formatSize(bytes: number): string {
  const [value, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : [Math.max(bytes / 1024, 0.1), 'kilobyte'];
  return new Intl.NumberFormat(language(), { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: 1 }).format(value);
}

/** `application/pdf` → "PDF", `image/png` → "PNG": the subtype, which reads the same in both languages. */
export function typeWord(mediaType: string): string {
  const sub = mediaType.split(';')[0]?.split('/')[1] ?? '';
  const short: Record<string, string> = {
    'vnd.openxmlformats-officedocument.wordprocessingml.document': 'DOCX',
    'vnd.oasis.opendocument.text': 'ODT',
    msword: 'DOC',
    plain: 'TXT',
    mpeg: 'MP3',
    jpeg: 'JPEG',
  };
  if (sub === '' || sub === 'octet-stream') return m.attachment_type_unknown();
  return short[sub] ?? sub.toUpperCase();
}
