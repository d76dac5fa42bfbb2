// Shuttle messages: a relay that consent blocks says whose consent and which activity before anything is sent
// (and links to the ledger); the author's approval is recorded in their words, then the message is relayed.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseFile, CaseId, ParticipantId } from '../ipc';
import { CaseStore } from './store.svelte';
import Messages from './Messages.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const wren = 'p1' as ParticipantId;
const finch = 'p2' as ParticipantId;

function consent(participant: ParticipantId, alias: string, state: 'granted' | 'withdrawn') {
  return { participant_id: participant, alias, activity: 'indirect_dialogue', shared_with: '', state, latest: {} };
}

const written = {
  id: 'm1', case_id: 'c1', process_id: null, author_id: finch, recipient_id: wren, content: 'I am sorry for what I did.',
  written_at: '2030-01-01T10:00:00Z', approved_at: null, approval_note: '', relayed_at: null,
};

function file(wrenState: 'granted' | 'withdrawn'): CaseFile {
  return {
    harmed_statement: { needs: '', justice_vision: '' },
    case: { case: {}, stage_history: [] },
    participants: [
      { participant: { id: wren, alias: 'Wren', role: 'person_harmed' }, consents: [consent(wren, 'Wren', wrenState)] },
      { participant: { id: finch, alias: 'Finch', role: 'person_responsible' }, consents: [consent(finch, 'Finch', 'granted')] },
    ],
    processes: [], sessions: [], messages: [written], notes: [], commitments: [], tasks: [], timeline: [],
  } as unknown as CaseFile;
}

function mock(wrenState: 'granted' | 'withdrawn', calls: string[]) {
  mockIPC((_cmd, args) => {
    const { name, args: body } = args as { name: string; args: Record<string, unknown> };
    calls.push(name);
    switch (name) {
      case 'case_file':
        return file(wrenState);
      case 'sessions_needing_attention':
      case 'case_timeline':
        return [];
      case 'approve_message':
        return { ...written, approved_at: '2030-01-02T10:00:00Z', approval_note: body.approval_note };
      case 'relay_message':
        return { ...written, approved_at: '2030-01-02T10:00:00Z', approval_note: 'read back', relayed_at: '2030-01-03T10:00:00Z' };
      default:
        throw new Error(name);
    }
  });
}

it('records the author approval, then relays the message', async () => {
  const calls: string[] = [];
  mock('granted', calls);
  const store = new CaseStore('c1' as CaseId);
  await store.load();
  render(Messages, { store });

  expect(screen.getByTestId('message').dataset.step).toBe('written');
  expect(screen.queryByTestId('message-gaps')).toBeNull();
  await fireEvent.click(screen.getByTestId('message-approve'));
  const note = await screen.findByTestId('approval-note');
  await fireEvent.input(note, { target: { value: 'Read back by phone; approved as written.' } });
  await fireEvent.click(screen.getByTestId('approve-submit'));
  await expect.poll(() => screen.getByTestId('message').dataset.step).toBe('approved');
  await fireEvent.click(screen.getByTestId('message-relay'));
  await expect.poll(() => screen.getByTestId('message').dataset.step).toBe('relayed');
  expect(calls).toEqual(expect.arrayContaining(['approve_message', 'relay_message']));
});

it('says whose consent blocks a relay and which activity, with the way to record it', async () => {
  const calls: string[] = [];
  mock('withdrawn', calls);
  const store = new CaseStore('c1' as CaseId);
  await store.load();
  store.file!.messages = [{ ...written, approved_at: '2030-01-02T10:00:00Z' }] as never;
  render(Messages, { store });

  const gaps = screen.getByTestId('message-gaps');
  expect(gaps.textContent).toContain('Wren');
  expect(gaps.textContent).toContain('Indirect dialogue');
  expect(gaps.textContent).toContain('Withdrawn');
  expect(gaps.textContent).not.toContain('Finch');
  expect(screen.getByTestId('message-gaps-link').getAttribute('href')).toBe('#/case/c1/consent');
  expect(calls).not.toContain('relay_message');
});
