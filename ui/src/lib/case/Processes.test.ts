// Processes: one is opened from a kind chosen in the kit's select, then paused with a note saying why; the list
// shows what each write returned without re-reading the case.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseId } from '../ipc';
import { CaseStore } from './store.svelte';
import Processes from './Processes.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const opened = { id: 'pr1', case_id: 'c1', kind: 'conference', status: 'active', opened_on: '2030-01-01', closed_on: null, note: 'Supporters asked for it.' };

async function pick(id: string, value: string) {
  const trigger = screen.getByTestId(id);
  trigger.focus();
  await fireEvent.keyDown(trigger, { key: 'Enter' });
  const option = await screen.findByTestId(`${id}-${value}`);
  await fireEvent.pointerUp(option, { pointerType: 'mouse', button: 0 });
  await fireEvent.click(option);
}

it('opens a process, then pauses it with a note', async () => {
  const sent: Record<string, unknown>[] = [];
  mockIPC((_cmd, args) => {
    const { name, args: body } = args as { name: string; args: Record<string, unknown> };
    sent.push({ name, ...body });
    switch (name) {
      case 'open_process':
        return { ...opened, kind: body.kind, note: body.note };
      case 'set_process_status':
        return { ...opened, status: body.status, note: body.note };
      case 'case_timeline':
        return [];
      default:
        throw new Error(name);
    }
  });
  const store = new CaseStore('c1' as CaseId);
  store.file = { processes: [], sessions: [], participants: [], timeline: [] } as never;
  render(Processes, { store });

  expect((screen.getByTestId('process-open') as HTMLButtonElement).disabled).toBe(true);
  await pick('process-kind', 'conference');
  await fireEvent.input(screen.getByTestId('process-note'), { target: { value: 'Supporters asked for it.' } });
  await fireEvent.click(screen.getByTestId('process-open'));
  await expect.poll(() => screen.queryByTestId('process-row')?.dataset.status).toBe('active');
  expect(sent.find((c) => c.name === 'open_process')).toMatchObject({ kind: 'conference', note: 'Supporters asked for it.' });

  await fireEvent.click(screen.getByTestId('process-status'));
  await screen.findByTestId('process-dialog');
  await pick('process-new-status', 'paused');
  await fireEvent.input(screen.getByTestId('process-status-note'), { target: { value: 'Paused at the request of the person harmed.' } });
  await fireEvent.click(screen.getByTestId('process-status-submit'));
  await expect.poll(() => screen.getByTestId('process-row').dataset.status).toBe('paused');
  expect(screen.getByTestId('process-row').textContent).toContain('Paused at the request of the person harmed.');
});
