// Words for a conflict (a field both vaults changed): the kind of record and the field, through a closed mapping
// of the case tables' columns (crates/core/src/migrations), never the raw column name: an unknown one is "a field"
// or "a record". Values are JSON text; `valueText` turns one into plain text (the page shows it as text, never HTML).
import { formatNumber, m } from '../i18n';
import type { CaseFile, Conflict } from '../ipc';

const KIND_WORDS: Record<string, () => string> = {
  cases: () => m.conflict_kind_cases(),
  participants: () => m.conflict_kind_participants(),
  case_tags: () => m.conflict_kind_case_tags(),
  case_stage_changes: () => m.conflict_kind_case_stage_changes(),
  assessments: () => m.conflict_kind_assessments(),
  processes: () => m.conflict_kind_processes(),
  sessions: () => m.conflict_kind_sessions(),
  session_attendees: () => m.conflict_kind_session_attendees(),
  safety_plans: () => m.conflict_kind_safety_plans(),
  agreements: () => m.conflict_kind_agreements(),
  shuttle_messages: () => m.conflict_kind_shuttle_messages(),
  commitments: () => m.conflict_kind_commitments(),
  progress_entries: () => m.conflict_kind_progress_entries(),
  notes: () => m.conflict_kind_notes(),
  attachments: () => m.conflict_kind_attachments(),
  tasks: () => m.conflict_kind_tasks(),
  consents: () => m.conflict_kind_consents(),
};

/** Columns by name; a few that mean something else in one table are keyed `table.column` and looked up first. */
const FIELD_WORDS: Record<string, () => string> = {
  code_name: () => m.conflict_field_code_name(),
  stage: () => m.conflict_field_stage(),
  referral_source: () => m.conflict_field_referral_source(),
  referred_by_person_harmed: () => m.conflict_field_referred_by_person_harmed(),
  gender_based_violence: () => m.conflict_field_gender_based_violence(),
  harmed_needs: () => m.conflict_field_harmed_needs(),
  harmed_justice_vision: () => m.conflict_field_harmed_justice_vision(),
  opened_on: () => m.conflict_field_opened_on(),
  closed_on: () => m.conflict_field_closed_on(),
  outcome: () => m.conflict_field_outcome(),
  outcome_summary: () => m.conflict_field_outcome_summary(),
  retention_until: () => m.conflict_field_retention_until(),
  alias: () => m.conflict_field_alias(),
  role: () => m.conflict_field_role(),
  related_to: () => m.conflict_field_related_to(),
  pronouns: () => m.conflict_field_pronouns(),
  contact: () => m.conflict_field_contact(),
  access_needs: () => m.conflict_field_access_needs(),
  cultural_needs: () => m.conflict_field_cultural_needs(),
  safety_notes: () => m.conflict_field_safety_notes(),
  progress_updates: () => m.conflict_field_progress_updates(),
  checklist: () => m.conflict_field_checklist(),
  risk_level: () => m.conflict_field_risk_level(),
  decision: () => m.conflict_field_decision(),
  reasons: () => m.conflict_field_reasons(),
  assessed_on: () => m.conflict_field_assessed_on(),
  next_review_on: () => m.conflict_field_next_review_on(),
  assessed_by: () => m.conflict_field_assessed_by(),
  kind: () => m.conflict_field_kind(),
  status: () => m.conflict_field_status(),
  note: () => m.conflict_field_note(),
  scheduled_for: () => m.conflict_field_scheduled_for(),
  held_on: () => m.conflict_field_held_on(),
  private_notes: () => m.conflict_field_private_notes(),
  shareable_summary: () => m.conflict_field_shareable_summary(),
  cancel_reason: () => m.conflict_field_cancel_reason(),
  venue: () => m.conflict_field_venue(),
  separate_arrival: () => m.conflict_field_separate_arrival(),
  separate_departure: () => m.conflict_field_separate_departure(),
  supports_present: () => m.conflict_field_supports_present(),
  pause_signals: () => m.conflict_field_pause_signals(),
  stop_signals: () => m.conflict_field_stop_signals(),
  notes: () => m.conflict_field_notes(),
  text: () => m.conflict_field_text(),
  agreed_by: () => m.conflict_field_agreed_by(),
  agreed_on: () => m.conflict_field_agreed_on(),
  content: () => m.conflict_field_content(),
  written_at: () => m.conflict_field_written_at(),
  approved_at: () => m.conflict_field_approved_at(),
  approval_note: () => m.conflict_field_approval_note(),
  relayed_at: () => m.conflict_field_relayed_at(),
  description: () => m.conflict_field_description(),
  due_on: () => m.conflict_field_due_on(),
  entry_on: () => m.conflict_field_entry_on(),
  shareable: () => m.conflict_field_shareable(),
  verified_by: () => m.conflict_field_verified_by(),
  verification: () => m.conflict_field_verification(),
  body: () => m.conflict_field_body(),
  title: () => m.conflict_field_title(),
  done_at: () => m.conflict_field_done_at(),
  participant_id: () => m.conflict_field_participant_id(),
  session_id: () => m.conflict_field_session_id(),
  process_id: () => m.conflict_field_process_id(),
  'session_attendees.participant_id': () => m.conflict_field_attendee(),
};

/** The kind of record, in words ("a person"); "a record" when this build has no words for it. */
export function kindWords(recordKind: string): string {
  const words = Object.hasOwn(KIND_WORDS, recordKind) ? KIND_WORDS[recordKind] : undefined;
  return words ? words() : m.conflict_kind_unknown();
}

/** The field, in words; "a field" when this build has no words for it (never the column's name). */
export function fieldWords(recordKind: string, field: string): string {
  const own = (key: string) => (Object.hasOwn(FIELD_WORDS, key) ? FIELD_WORDS[key] : undefined);
  const words = own(`${recordKind}.${field}`) ?? own(field);
  return words ? words() : m.conflict_field_unknown();
}

/** A value (JSON text) as plain text: a string as itself, empty or null as "(empty)", yes/no, numbers localized. */
export function valueText(json: string): string {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return json;
  }
  if (value === null || value === '') return m.conflict_value_empty();
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? m.conflict_value_yes() : m.conflict_value_no();
  if (typeof value === 'number') return formatNumber(value);
  return JSON.stringify(value, null, 2);
}

/**
 * The record's own name where the case file holds one cheaply (a person's alias, a task's title), else none.
 * Without the file, `aliases` (id → alias) names people.
 */
export function recordName(
  file: CaseFile | null,
  conflict: Pick<Conflict, 'record_kind' | 'record_id'>,
  aliases?: ReadonlyMap<string, string>,
): string | null {
  if (!file) return conflict.record_kind === 'participants' ? (aliases?.get(conflict.record_id) ?? null) : null;
  const id = conflict.record_id;
  switch (conflict.record_kind) {
    case 'cases':
      return file.case.case.code_name;
    case 'participants':
      return file.participants.find((p) => p.participant.id === id)?.participant.alias ?? null;
    case 'tasks':
      return file.tasks.find((t) => t.id === id)?.title ?? null;
    case 'attachments':
      return file.attachments.find((a) => a.id === id)?.title ?? null;
    default:
      return null;
  }
}

/** "Alias of Ana (a person)" style heading parts: the record's name or kind, and the field. */
export function conflictTitle(file: CaseFile | null, conflict: Conflict, aliases?: ReadonlyMap<string, string>): string {
  const name = recordName(file, conflict, aliases);
  const field = fieldWords(conflict.record_kind, conflict.field);
  return name
    ? m.conflict_title_named({ field, name, kind: kindWords(conflict.record_kind) })
    : m.conflict_title_kind({ field, kind: kindWords(conflict.record_kind) });
}
