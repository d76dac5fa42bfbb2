// The case store: consent states for today, the gaps that stop a session being scheduled, and a ledger entry
// from a write applied without re-reading the case.
import { afterEach, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseFile, CaseId, ConsentEntry, ParticipantId } from '../ipc';
import { CaseStore, stateOf } from './store.svelte';

afterEach(() => clearMocks());

const caseId = 'c1' as CaseId;
const wren = 'p1' as ParticipantId;
const finch = 'p2' as ParticipantId;

function entry(participant: ParticipantId, decision: ConsentEntry['decision'], expires: string | null = null) {
  return {
    id: `e-${participant}-${decision}`,
    participant_id: participant,
    activity: 'direct_dialogue',
    shared_with: '',
    decision,
    method: 'written',
    decided_at: '2026-01-01T10:00:00Z',
    expires_on: expires,
    note: '',
    recorded_at: '2026-01-01T10:00:00Z',
  } as ConsentEntry;
}

function person(id: ParticipantId, alias: string, role: 'person_harmed' | 'person_responsible') {
  return { id, case_id: caseId, alias, role, related_to: null, pronouns: '', contact: '', access_needs: '',
    cultural_needs: '', safety_notes: '', progress_updates: 'through_facilitator', created_at: '', updated_at: '' };
}

function file(): CaseFile {
  const granted = entry(wren, 'granted');
  return {
    harmed_statement: { needs: 'to be heard', justice_vision: '' },
    case: { case: {} as never, stage_history: [] },
    participants: [
      { participant: person(wren, 'Wren', 'person_harmed'), consents: [
        { participant_id: wren, alias: 'Wren', activity: 'direct_dialogue', shared_with: '', state: 'granted', latest: granted },
      ] },
      { participant: person(finch, 'Finch', 'person_responsible'), consents: [] },
    ],
    assessments: [], processes: [], sessions: [], messages: [], commitments: [], notes: [], attachments: [], tasks: [],
    timeline: [],
  } as unknown as CaseFile;
}

it('says whose consent blocks a session and updates from a withdrawal without re-reading', async () => {
  mockIPC((cmd, args) => {
    const { name } = args as { name: string };
    if (cmd !== 'call') throw new Error(cmd);
    if (name === 'case_file') return file();
    if (name === 'sessions_needing_attention') return [];
    throw new Error(name);
  });
  const store = new CaseStore(caseId);
  await store.load();
  expect(store.gapsFor('direct_dialogue', [wren, finch]).map((g) => [g.participant.alias, g.state])).toEqual([
    ['Finch', 'not_asked'],
  ]);
  expect(store.gapsFor('supervision', [wren, finch])).toEqual([]);

  store.applyConsent(entry(wren, 'withdrawn'));
  expect(store.consentState(wren, 'direct_dialogue')).toBe('withdrawn');
  expect(store.gapsFor('direct_dialogue', [wren]).map((g) => g.participant.alias)).toEqual(['Wren']);
});

it('treats a grant past its last day as expired', () => {
  expect(stateOf(entry(wren, 'granted', '2026-01-31'), '2026-02-01')).toBe('expired');
  expect(stateOf(entry(wren, 'granted', '2026-01-31'), '2026-01-31')).toBe('granted');
  expect(stateOf(entry(wren, 'declined'), '2026-01-31')).toBe('declined');
});

it('names who lacks consent to an activity among several participants', async () => {
  mockIPC((_cmd, args) => {
    const { name } = args as { name: string };
    if (name === 'case_file') return file();
    return [];
  });
  const store = new CaseStore(caseId);
  await store.load();
  expect(store.consentGaps('direct_dialogue', [wren, finch]).map((g) => [g.participant.alias, g.state])).toEqual(
    store.gapsFor('direct_dialogue', [wren, finch]).map((g) => [g.participant.alias, g.state]),
  );
  expect(store.consentGaps('indirect_dialogue', [wren]).map((g) => g.state)).toEqual(['not_asked']);
});
