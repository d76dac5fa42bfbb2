// Editing a participant sends only what changed, and hands back what the core returned.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { Participant } from '../ipc';
import EditPerson from './EditPerson.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const wren = {
  id: 'p1', case_id: 'c1', alias: 'Wren', role: 'person_harmed', related_to: null, pronouns: 'she/her', contact: '',
  access_needs: '', cultural_needs: '', safety_notes: '', progress_updates: 'through_facilitator', created_at: '', updated_at: '',
} as unknown as Participant;

it('sends only the changed fields', async () => {
  let sent: Record<string, unknown> = {};
  mockIPC((_cmd, args) => {
    const { name, args: body } = args as { name: string; args: Record<string, unknown> };
    if (name !== 'update_participant') throw new Error(name);
    sent = body;
    return { ...wren, ...body };
  });
  const saved: Participant[] = [];
  render(EditPerson, { open: true, person: wren, people: [wren], onsaved: (p: Participant) => saved.push(p) });
  await fireEvent.input(await screen.findByTestId('edit-alias'), { target: { value: 'Wren B' } });
  await fireEvent.input(screen.getByTestId('edit-access'), { target: { value: 'Step-free room' } });
  await fireEvent.click(screen.getByTestId('edit-person-save'));
  await expect.poll(() => saved.length).toBe(1);
  expect(sent).toEqual({ participant_id: 'p1', alias: 'Wren B', access_needs: 'Step-free room' });
  expect(saved[0]!.alias).toBe('Wren B');
});
