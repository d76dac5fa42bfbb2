// A timeline event's detail in the person's language: the core sends what happened as data (vocabulary words,
// aliases, titles, a stage change's reason) and this words it, beside the kind's own word (`timelineWords`). The
// switch is exhaustive over the generated union: a new kind of event fails the type check here until it is worded.
import type { ConsentDecision, TimelineDetail } from '../ipc';
import { m } from './paraglide/messages.js';
import {
  activityWords,
  assessmentDecisionWords,
  commitmentKindWords,
  commitmentStatusWords,
  outcomeWords,
  processWords,
  sessionKindWords,
  stageWords,
} from './vocab';

type Detail<K extends TimelineDetail['kind']> = Extract<TimelineDetail, { kind: K }>;

/** What the event's kind does not already say, or `null` when it says it all (a case opened). */
export function describeEvent(detail: TimelineDetail): string | null {
  const kind = detail.kind;
  switch (kind) {
    case 'case_opened':
      return null;
    case 'case_closed':
      return detail.outcome ? outcomeWords[detail.outcome]() : null;
    case 'stage_changed': {
      const words = { from: stageWords[detail.from](), to: stageWords[detail.to](), decided_by: detail.decided_by };
      // A close has no reason of its own: the case-closed event beside it says how it ended.
      return detail.reason === ''
        ? m.timeline_detail_stage_changed_no_reason(words)
        : m.timeline_detail_stage_changed({ ...words, reason: detail.reason });
    }
    case 'consent_recorded':
      return consent(detail);
    case 'assessment_recorded':
      return m.timeline_detail_assessment({
        alias: detail.alias,
        decision: assessmentDecisionWords[detail.decision](),
        stage: stageWords[detail.stage](),
      });
    case 'process_opened':
      return processWords[detail.process_kind]();
    case 'process_closed':
      return processClosed(detail);
    case 'session_scheduled':
    case 'session_held':
    case 'session_cancelled':
    case 'agreement_reached':
      return sessionKindWords[detail.session_kind]();
    case 'message_written':
      return m.timeline_detail_message_written({ author: detail.author, recipient: detail.recipient });
    case 'message_approved':
      return m.timeline_detail_message_approved({ author: detail.author });
    case 'message_relayed':
      return m.timeline_detail_message_relayed({ recipient: detail.recipient });
    case 'commitment_added':
    case 'progress_recorded':
      return m.commitment_of({
        alias: detail.alias,
        commitment: commitmentKindWords[detail.commitment_kind](),
      });
    case 'commitment_due':
      return m.timeline_detail_commitment_due({
        alias: detail.alias,
        commitment: commitmentKindWords[detail.commitment_kind](),
        status: commitmentStatusWords[detail.status](),
      });
    case 'note_added':
      return note(detail);
    case 'attachment_added':
    case 'task_due':
    case 'task_done':
      return detail.title;
    default: {
      const unworded: never = kind;
      return unworded;
    }
  }
}

const consentWords: Record<ConsentDecision, (inputs: { alias: string; activity: string }) => string> = {
  granted: (inputs) => m.timeline_detail_consent_granted(inputs),
  declined: (inputs) => m.timeline_detail_consent_declined(inputs),
  withdrawn: (inputs) => m.timeline_detail_consent_withdrawn(inputs),
};

/** "Alder withdrew consent to Keeping notes" / "Alder retiró su consentimiento para Guardar notas". */
function consent(detail: Detail<'consent_recorded'>): string {
  return consentWords[detail.decision]({ alias: detail.alias, activity: activityWords[detail.activity]() });
}

/** The process; said to be withdrawn when it was (a process closed otherwise ended as planned). */
function processClosed(detail: Detail<'process_closed'>): string {
  const process = processWords[detail.process_kind]();
  return detail.status === 'withdrawn' ? m.timeline_detail_process_withdrawn({ process }) : process;
}

/** "Shareable · About Alder · Session: Conference": private or shareable, then whom and which session. */
function note(detail: Detail<'note_added'>): string {
  const parts = [detail.shareable ? m.note_shared() : m.note_private()];
  if (detail.alias) parts.push(m.timeline_detail_note_about({ alias: detail.alias }));
  if (detail.session_kind) {
    parts.push(m.timeline_detail_note_session({ session: sessionKindWords[detail.session_kind]() }));
  }
  return parts.join(' · ');
}
