// Words for what a bundle holds: its audience and the records per table of its payload (`row_counts`), consent
// apart so the preview can show it first. The merge's bookkeeping (`sync_*`: which fields changed where) is no
// record of the case and is not counted; any other table this build does not word is counted as "Other records".
import { m } from '../i18n';
import type { BundlePreview, BundleRefusal } from '../ipc';

/** The payload's case tables (crates/core/src/bundle/payload.rs), in the order the preview lists them. */
const TABLE_WORDS: Record<string, () => string> = {
  participants: () => m.bundle_table_participants(),
  case_stage_changes: () => m.bundle_table_case_stage_changes(),
  case_tags: () => m.bundle_table_case_tags(),
  assessments: () => m.bundle_table_assessments(),
  processes: () => m.bundle_table_processes(),
  sessions: () => m.bundle_table_sessions(),
  session_attendees: () => m.bundle_table_session_attendees(),
  safety_plans: () => m.bundle_table_safety_plans(),
  agreements: () => m.bundle_table_agreements(),
  shuttle_messages: () => m.bundle_table_shuttle_messages(),
  commitments: () => m.bundle_table_commitments(),
  progress_entries: () => m.bundle_table_progress_entries(),
  notes: () => m.bundle_table_notes(),
  attachments: () => m.bundle_table_attachments(),
  tasks: () => m.bundle_table_tasks(),
};

export function audienceWords(audience: string): string {
  switch (audience) {
    case 'co-facilitator':
      return m.bundle_audience_co_facilitator();
    case 'supervisor':
      return m.bundle_audience_supervisor();
    case 'progress':
      return m.bundle_audience_progress();
    default:
      return audience;
  }
}

export interface RecordCount {
  table: string;
  label: string;
  count: number;
}

/** Consent entries, and every other table with records (cases aside: the preview lists them by name). */
export function recordCounts(rowCounts: Record<string, number | bigint | undefined>): {
  consents: number;
  others: RecordCount[];
} {
  const count = (table: string) => Number(rowCounts[table] ?? 0);
  const known = Object.keys(TABLE_WORDS);
  const unknown = Object.keys(rowCounts).filter(
    (t) => !known.includes(t) && t !== 'cases' && t !== 'consents' && !t.startsWith('sync_'),
  );
  const others = known
    .map((table) => ({ table, label: TABLE_WORDS[table]?.() ?? table, count: count(table) }))
    .filter((row) => row.count > 0);
  const rest = unknown.reduce((sum, t) => sum + count(t), 0);
  if (rest > 0) others.push({ table: 'other', label: m.bundle_table_other(), count: rest });
  return { consents: count('consents'), others };
}

/**
 * What keeps a previewed bundle from being applied, the signer apart (as the Rust side's `before_applying`
 * decides it again): `null` when it may be applied. `would_apply` decides; the reasons only word it.
 */
export function blockedReason(preview: BundlePreview): BundleRefusal | null {
  if (preview.applied_before || preview.would_apply) return null;
  if (preview.audience !== 'co-facilitator') return 'not_for_merging';
  if (preview.cases.some((c) => c.purged)) return 'purged_case';
  if (preview.cases.some((c) => !c.new)) return 'case_here';
  return 'cannot_apply';
}
