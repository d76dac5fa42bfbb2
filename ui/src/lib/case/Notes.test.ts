// Editing a note: only what changed is sent, and the list shows the note the core returned.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseId } from '../ipc';
import { CaseStore } from './store.svelte';
import Notes from './Notes.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const note = { id: 'n1', case_id: 'c1', participant_id: null, session_id: null, body: 'First call.', shareable: false,
  created_at: '2030-01-01T10:00:00Z', updated_at: null };

it('edits a note and whether it may be shared', async () => {
  let sent: Record<string, unknown> = {};
  mockIPC((_cmd, args) => {
    const { name, args: body } = args as { name: string; args: Record<string, unknown> };
    switch (name) {
      case 'update_note':
        sent = body;
        return { ...note, body: body.body ?? note.body, shareable: body.shareable ?? note.shareable, updated_at: '2030-01-02T10:00:00Z' };
      case 'case_timeline':
        return [];
      default:
        throw new Error(name);
    }
  });
  const store = new CaseStore('c1' as CaseId);
  store.file = { notes: [note], timeline: [] } as never;
  render(Notes, { store });

  await fireEvent.click(screen.getByTestId('note-edit'));
  await fireEvent.click(await screen.findByTestId('note-edit-shareable'));
  await fireEvent.click(screen.getByTestId('note-edit-save'));
  await expect.poll(() => screen.getByTestId('note').textContent).toContain('Shareable');
  expect(sent).toEqual({ note_id: 'n1', shareable: true });
  expect(screen.getByTestId('note').textContent).toContain('First call.');
});
