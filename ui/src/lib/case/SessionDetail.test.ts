// A session opened in place: it reads its record and safety plan, keeps private notes apart from the shareable
// summary when saving them, records an agreement with who agreed, and takes an attendee off a scheduled session.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseId, ParticipantId, Session, SessionId } from '../ipc';
import { CaseStore } from './store.svelte';
import SessionDetail from './SessionDetail.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const wren = 'p1' as ParticipantId;
const finch = 'p2' as ParticipantId;

function session(status: Session['status']): Session {
  return {
    id: 's1' as SessionId, case_id: 'c1' as CaseId, process_id: null, kind: 'direct_dialogue', status,
    scheduled_for: '2030-05-01T10:00:00Z', held_on: status === 'held' ? '2030-05-01' : null, private_notes: 'old private',
    shareable_summary: 'old summary', cancel_reason: '', created_at: '', updated_at: '',
    attendees: [
      { participant_id: wren, alias: 'Wren', role: 'person_harmed' },
      { participant_id: finch, alias: 'Finch', role: 'person_responsible' },
    ],
  };
}

function store(): CaseStore {
  const s = new CaseStore('c1' as CaseId);
  s.file = { participants: [], sessions: [], tasks: [], timeline: [] } as never;
  return s;
}

it('saves private notes and the shareable summary apart, and records an agreement with who agreed', async () => {
  const sent: Record<string, unknown>[] = [];
  const changed: Session[] = [];
  mockIPC((_cmd, args) => {
    const { name, args: body } = args as { name: string; args: Record<string, unknown> };
    sent.push({ name, ...body });
    switch (name) {
      case 'get_session':
        return { session: session('held'), agreements: [], follow_ups: [], has_safety_plan: true };
      case 'get_safety_plan':
        return { session_id: 's1', venue: 'Library room', separate_arrival: true, separate_departure: false,
          supports_present: '', pause_signals: 'a raised hand', stop_signals: '', notes: '', updated_at: '2030-04-30T09:00:00Z' };
      case 'update_session_notes':
        return { ...session('held'), private_notes: body.private_notes, shareable_summary: body.shareable_summary };
      case 'add_agreement':
        return { id: 'a1', session_id: 's1', text: body.text, agreed_by: body.agreed_by, agreed_on: '2030-05-01' };
      case 'case_timeline':
        return [];
      default:
        throw new Error(name);
    }
  });
  render(SessionDetail, { store: store(), session: session('held'), onchange: (s: Session) => changed.push(s) });

  await expect.poll(() => screen.getByTestId('session-detail').dataset.ready).toBe('true');
  expect((screen.getByTestId('safety-venue') as HTMLInputElement).value).toBe('Library room');
  expect((screen.getByTestId('safety-arrival') as HTMLInputElement).checked).toBe(true);

  await fireEvent.input(screen.getByTestId('session-private'), { target: { value: 'only for us' } });
  await fireEvent.input(screen.getByTestId('session-summary'), { target: { value: 'both listened' } });
  await fireEvent.click(screen.getByTestId('session-notes-save'));
  await expect.poll(() => changed.length).toBe(1);
  expect(sent.find((c) => c.name === 'update_session_notes')).toMatchObject({ private_notes: 'only for us', shareable_summary: 'both listened' });

  await fireEvent.input(screen.getByTestId('agreement-text'), { target: { value: 'Letters go through the facilitator' } });
  expect((screen.getByTestId('agreement-add') as HTMLButtonElement).disabled).toBe(true);
  await fireEvent.click(screen.getByTestId('agreed-Wren'));
  await fireEvent.click(screen.getByTestId('agreement-add'));
  await screen.findByText('Letters go through the facilitator');
  expect(sent.find((c) => c.name === 'add_agreement')).toMatchObject({ agreed_by: [wren] });
});

it('takes an attendee off a scheduled session and offers no agreements before it is held', async () => {
  const changed: Session[] = [];
  mockIPC((_cmd, args) => {
    const { name } = args as { name: string };
    switch (name) {
      case 'get_session':
        return { session: session('scheduled'), agreements: [], follow_ups: [], has_safety_plan: false };
      case 'remove_attendee':
        return { ...session('scheduled'), attendees: session('scheduled').attendees.slice(0, 1) };
      default:
        throw new Error(name);
    }
  });
  render(SessionDetail, { store: store(), session: session('scheduled'), onchange: (s: Session) => changed.push(s) });
  await expect.poll(() => screen.getByTestId('session-detail').dataset.ready).toBe('true');
  expect(screen.queryByTestId('agreement-form')).toBeNull();
  await fireEvent.click(screen.getByTestId('attendee-remove-Finch'));
  await expect.poll(() => changed.length).toBe(1);
  expect(changed[0]!.attendees.map((a) => a.alias)).toEqual(['Wren']);
});
