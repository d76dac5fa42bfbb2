// The consent ledger: a withdrawal is confirmed in words that name the person and the activity, then recorded
// through `withdraw_consent`, and the cell shows it without re-reading the case.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseFile, CaseId, ParticipantId } from '../ipc';
import { tick } from 'svelte';
import { setLanguage } from '../i18n';
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

const bea = {
  name: 'Bea', recipient: 'age1bea', signing_key: 'KEYBEA', fingerprint: '1', pair_fingerprint: '2', verified: true,
  verified_at: '2026-01-01T10:00:00Z', added_at: '2026-01-01T10:00:00Z', shared_cases: [],
};
const sharing = {
  ...granted, id: 'e3', activity: 'information_sharing', shared_with: 'contact:KEYBEA',
};

function fileSharing(): CaseFile {
  const f = file();
  f.participants[0]!.consents.push({
    participant_id: wren, alias: 'Wren', activity: 'information_sharing', shared_with: 'contact:KEYBEA', state: 'granted',
    latest: sharing,
  } as unknown as (typeof f.participants)[number]['consents'][number]);
  return f;
}

it('names a contact the person agreed to share with, with its verified mark, never its key', async () => {
  const recorded: unknown[] = [];
  mockIPC((_cmd, args) => {
    const { name, args: inner } = args as { name: string; args: unknown };
    switch (name) {
      case 'case_file':
        return fileSharing();
      case 'list_contacts':
        return [bea];
      case 'sessions_needing_attention':
      case 'case_timeline':
        return [];
      case 'record_consent':
        recorded.push(inner);
        return { ...sharing, id: 'e4', shared_with: 'Supervisor' };
      default:
        throw new Error(name);
    }
  });
  const store = new CaseStore('c1' as CaseId);
  await store.load();
  render(ConsentLedger, { store });
  const listed = await screen.findByTestId('consent-recipients-Wren');
  await expect.poll(() => listed.textContent).toContain('Bea');
  expect(listed.textContent).toContain('verified contact');
  expect(listed.textContent).not.toContain('KEYBEA');

  // Recording: a contact is offered first; a person or role can still be written out.
  await fireEvent.click(screen.getByTestId('consent-Wren-information_sharing'));
  expect(((await screen.findByTestId('recipient-contact')) as HTMLInputElement).checked).toBe(true);
  expect(screen.getByTestId('consent-contact')).toBeTruthy();
  await fireEvent.click(screen.getByTestId('recipient-named'));
  await fireEvent.input(await screen.findByTestId('consent-shared'), { target: { value: 'Supervisor' } });
  await fireEvent.click(screen.getByTestId('decision-granted'));
  await fireEvent.click(screen.getByTestId('consent-submit'));
  await expect.poll(() => recorded.length).toBe(1);
  expect(recorded[0]).toMatchObject({ activity: 'information_sharing', shared_with: 'Supervisor', decision: 'granted' });
});

it('marks a consent recorded differently in two places, in both languages', async () => {
  mockIPC((_cmd, args) => {
    const { name } = args as { name: string };
    if (name === 'case_file') {
      const f = file();
      f.participants[0]!.consents = [
        { ...f.participants[0]!.consents[0]!, state: 'withdrawn', latest: { ...f.participants[0]!.consents[0]!.latest, decision: 'withdrawn' }, diverged: true },
      ];
      return f;
    }
    if (name === 'sessions_needing_attention' || name === 'list_contacts') return [];
    throw new Error(name);
  });
  const store = new CaseStore('c1' as CaseId);
  await store.load();
  render(ConsentLedger, { store });
  const cell = screen.getByTestId('consent-Wren-direct_dialogue');
  expect(cell.dataset.state).toBe('withdrawn');
  expect(cell.dataset.diverged).toBe('true');
  expect(screen.getByTestId('consent-diverged').textContent).toBe(
    'Recorded differently in two places: the more careful decision applies.',
  );
  expect(cell.getAttribute('aria-label')).toContain('the more careful decision applies');
  setLanguage('es');
  await tick();
  expect(screen.getByTestId('consent-diverged').textContent).toBe(
    'Registrado de forma distinta en dos lugares: se aplica la decisión más prudente.',
  );
  setLanguage('en');
});

it('marks nothing when both places agree', async () => {
  mockIPC((_cmd, args) => {
    const { name } = args as { name: string };
    if (name === 'case_file') return file();
    if (name === 'sessions_needing_attention' || name === 'list_contacts') return [];
    throw new Error(name);
  });
  const store = new CaseStore('c1' as CaseId);
  await store.load();
  render(ConsentLedger, { store });
  expect(screen.getByTestId('consent-Wren-direct_dialogue').dataset.diverged).toBeUndefined();
  expect(screen.queryByTestId('consent-diverged')).toBeNull();
});
