// The readiness checklist of an assessment: a few usual questions worded in the person's language, any the
// facilitator adds, and only the answered ones sent (a question left blank was not asked).
import type { ChecklistItem } from '../ipc';
import { m } from '../i18n';

export interface ChecklistRow {
  question: string;
  answer: string;
}

/** The questions a readiness assessment usually asks, in the person's language. */
export function usualQuestions(): ChecklistRow[] {
  return [
    { question: m.checklist_voluntary(), answer: '' },
    { question: m.checklist_safe(), answer: '' },
    { question: m.checklist_support(), answer: '' },
  ];
}

/** The rows worth recording: a question with an answer, both trimmed. */
export function checklistFrom(rows: readonly ChecklistRow[]): ChecklistItem[] {
  return rows
    .map((row) => ({ question: row.question.trim(), answer: row.answer.trim() }))
    .filter((row) => row.question !== '' && row.answer !== '');
}
