// A reminder's detail in the person's language: the core sends what it is about as data (vocabulary words, an
// alias, a task's title) and this words it, beside the kind's own word (`dueKindWords`). The switch is exhaustive
// over the generated union: a new kind of reminder fails the type check here until somebody words it.
import type { DueDetail } from '../ipc';
import { m } from './paraglide/messages.js';
import { activityWords, commitmentKindWords } from './vocab';

/** "Fern's consent to Direct dialogue" / "Consentimiento de Fern para Diálogo directo"; a task's title as typed. */
export function describeReminder(detail: DueDetail): string {
  const kind = detail.kind;
  switch (kind) {
    case 'consent_expiry':
      return m.due_detail_consent_expiry({ alias: detail.alias, activity: activityWords[detail.activity]() });
    case 'assessment_review':
      return m.due_detail_assessment_review({ alias: detail.alias });
    case 'commitment':
      return m.commitment_of({
        alias: detail.alias,
        commitment: commitmentKindWords[detail.commitment_kind](),
      });
    case 'supervision':
      return m.due_detail_supervision({ weeks: detail.interval_weeks });
    case 'task':
      return detail.title;
    default: {
      const unworded: never = kind;
      return unworded;
    }
  }
}
