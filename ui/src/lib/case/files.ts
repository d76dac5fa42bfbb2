// Words and figures for attachments: sizes in the person's language, and a plain word for a file's type.
import { language, m } from '../i18n';

/** The core's limit (crates/core/src/model/attachments.rs, MAX_ATTACHMENT_BYTES): 10 MiB. */
export const ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/** Bytes as "53B" / "820 kB" / "2.5 MB" (binary multiples, so the limit reads "10 MB"). `up` rounds up, so a
 * file just over the limit never reads as the limit itself. */
export function formatSize(bytes: number, { up = false } = {}): string {
  const [value, unit] =
    bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'megabyte'] : bytes >= 1024 ? [bytes / 1024, 'kilobyte'] : [bytes, 'byte'];
  const shown = up ? Math.ceil(value * 10) / 10 : value;
  // "53 byte" reads oddly in English: bytes are narrow ("53B", "53 B").
  const unitDisplay = unit === 'byte' ? 'narrow' : 'short';
  return new Intl.NumberFormat(language(), { style: 'unit', unit, unitDisplay, maximumFractionDigits: 1 }).format(shown);
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
