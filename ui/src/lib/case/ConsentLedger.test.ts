// The consent ledger: a withdrawal is confirmed in words that name the person and the activity, then recorded
// through `withdraw_consent`, and the cell shows it without re-reading the case.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseFile, CaseId, ParticipantId } from '../ipc';
import { CaseStore } from './store.svelte';
import ConsentLedger from './ConsentLedger.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const wren = 'p1' as ParticipantId;
const granted = {
  id: 'e1', participant_id: wren, activity: 'direct_dialogue', shared_with: '', decision: 'granted', method: 'written',
  decided_at: '2026-01-01T10:00:00Z', expires_on: null, note: '', recorded_at: '2026-01-01T10:00:00Z',
};

function file(): CaseFile {
  return {
    harmed_statement: { needs: '', justice_vision: '' },
    case: { case: {}, stage_history: [] },
    participants: [
      {
        participant: { id: wren, alias: 'Wren', role: 'person_harmed' },
        consents: [{ participant_id: wren, alias: 'Wren', activity: 'direct_dialogue', shared_with: '', state: 'granted', latest: granted }],
      },
    ],
    sessions: [], notes: [], commitments: [], tasks: [], timeline: [],
  } as unknown as CaseFile;
}

it('confirms a withdrawal in exact words and shows it at once', async () => {
  const calls: string[] = [];
  mockIPC((_cmd, args) => {
    const { name } = args as { name: string };
    calls.push(name);
    switch (name) {
      case 'case_file':
        return file();
      case 'sessions_needing_attention':
      case 'case_timeline':
        return [];
      case 'withdraw_consent':
        return { ...granted, id: 'e2', decision: 'withdrawn' };
      default:
        throw new Error(name);
    }
  });
  const store = new CaseStore('c1' as CaseId);
  await store.load();
  render(ConsentLedger, { store });

  const cell = screen.getByTestId('consent-Wren-direct_dialogue');
  expect(cell.dataset.state).toBe('granted');
  await fireEvent.click(cell);
  // A granted consent opens with "withdraw" chosen; the form asks again before recording it.
  expect((await screen.findByTestId('decision-withdrawn') as HTMLInputElement).checked).toBe(true);
  await fireEvent.click(screen.getByTestId('consent-submit'));
  const confirm = await screen.findByTestId('withdraw-confirm');
  expect(confirm.textContent).toContain('Record that Wren withdraws consent to Direct dialogue?');
  expect(calls).not.toContain('withdraw_consent');
  await fireEvent.click(screen.getByTestId('withdraw-confirm-confirm'));
  await expect.poll(() => screen.getByTestId('consent-Wren-direct_dialogue').dataset.state).toBe('withdrawn');
  expect(calls).toContain('withdraw_consent');
});
