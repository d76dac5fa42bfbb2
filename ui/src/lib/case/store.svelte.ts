// One open case: loaded whole through `case_file`, then kept in step with what each write returns, so a screen
// never re-reads the case to show its own change. Consent changes also refresh the sessions needing attention.
import {
  ops,
  type Activity,
  type CaseFile,
  type CaseId,
  type CommandError,
  type ConsentEntry,
  type ConsentState,
  type CurrentConsent,
  type Participant,
  type ParticipantId,
  type SessionAttention,
  type SessionKind,
} from '../ipc';
import { today } from '../i18n';
import { mark } from '../marks';

/** The activity an attendee must consent to for a session of this kind (mirrors `SessionKind::activity`). */
export function activityOf(kind: SessionKind): Activity | null {
  return kind === 'supervision' ? null : kind;
}

/** What a ledger entry means today: a grant past its last day has expired. */
export function stateOf(entry: ConsentEntry, on: string = today()): ConsentState {
  if (entry.decision === 'granted') return entry.expires_on !== null && entry.expires_on < on ? 'expired' : 'granted';
  return entry.decision;
}

export interface ConsentGap {
  participant: Participant;
  activity: Activity;
  state: ConsentState;
}

export class CaseStore {
  readonly caseId: CaseId;
  file = $state<CaseFile | null>(null);
  attention = $state.raw<SessionAttention[]>([]);
  error = $state<CommandError | null>(null);

  constructor(caseId: CaseId) {
    this.caseId = caseId;
  }

  async load(): Promise<void> {
    mark('circlebook:case-asked');
    const [file, attention] = await Promise.all([
      ops.caseFile({ case_id: this.caseId }),
      ops.sessionsNeedingAttention({ case_id: this.caseId }),
    ]);
    mark('circlebook:case-answered');
    if (file.ok) this.file = file.value;
    else this.error = file.error;
    if (attention.ok) this.attention = attention.value;
  }

  get participants(): Participant[] {
    return this.file?.participants.map((p) => p.participant) ?? [];
  }

  /** The current consents of one participant (only activities they were asked about). */
  consentsOf(participantId: ParticipantId): CurrentConsent[] {
    return this.file?.participants.find((p) => p.participant.id === participantId)?.consents ?? [];
  }

  /** A participant's state for an activity today ('not_asked' when the ledger holds nothing). */
  consentState(participantId: ParticipantId, activity: Activity): ConsentState {
    const current = this.consentsOf(participantId).find((c) => c.activity === activity && c.shared_with === '');
    return current ? current.state : 'not_asked';
  }

  /** Whose consent stops these attendees from meeting for this kind of session, and why. */
  gapsFor(kind: SessionKind, attendees: readonly ParticipantId[]): ConsentGap[] {
    const activity = activityOf(kind);
    return activity === null ? [] : this.consentGaps(activity, attendees);
  }

  /** Who among these participants has no current consent to this activity (for example both sides of a relay). */
  consentGaps(activity: Activity, ids: readonly ParticipantId[]): ConsentGap[] {
    return ids.flatMap((id) => {
      const participant = this.participants.find((p) => p.id === id);
      const state = this.consentState(id, activity);
      return participant && state !== 'granted' ? [{ participant, activity, state }] : [];
    });
  }

  /** Applies a ledger entry a write returned: it becomes the participant's current consent for its activity. */
  applyConsent(entry: ConsentEntry): void {
    const holder = this.file?.participants.find((p) => p.participant.id === entry.participant_id);
    if (!holder) return;
    const current: CurrentConsent = {
      participant_id: entry.participant_id,
      alias: holder.participant.alias,
      activity: entry.activity,
      shared_with: entry.shared_with,
      state: stateOf(entry),
      latest: entry,
    };
    const rest = holder.consents.filter((c) => !(c.activity === entry.activity && c.shared_with === entry.shared_with));
    holder.consents = [...rest, current];
  }

  async refreshAttention(): Promise<void> {
    const attention = await ops.sessionsNeedingAttention({ case_id: this.caseId });
    if (attention.ok) this.attention = attention.value;
  }

  /** The timeline and audit trail change with every write: re-read the timeline after one. */
  async refreshTimeline(): Promise<void> {
    const timeline = await ops.caseTimeline({ case_id: this.caseId });
    if (timeline.ok && this.file) this.file.timeline = timeline.value;
  }
}
