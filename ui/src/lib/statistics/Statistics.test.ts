// Saving the statistics as CSV: the range sent is the one shown (not dates typed but not applied), the page gets
// an outcome and no path, and a cancelled dialog says nothing.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import Statistics from './Statistics.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

const report = { from: '2030-01-01', to: '2030-06-30', cases_by_stage: [], processes_opened_by_kind: [], cases_closed_by_outcome: [],
  sessions_held_by_kind: [], consent_withdrawals: 0, commitments_done: 0, commitments_missed: 0, median_days_to_close: null };

function mock(answer: 'saved' | 'cancelled', sent: Record<string, unknown>[]) {
  mockIPC((cmd, args) => {
    if (cmd === 'call' && (args as { name: string }).name === 'programme_report') return report;
    if (cmd === 'export_statistics_csv') {
      sent.push(args as Record<string, unknown>);
      return answer;
    }
    throw new Error(cmd);
  });
}

it('saves the range shown as CSV through the Rust dialog', async () => {
  const sent: Record<string, unknown>[] = [];
  mock('saved', sent);
  render(Statistics, { route: { name: 'statistics' } } as never);
  await fireEvent.click(await screen.findByTestId('stats-export'));
  await expect.poll(() => screen.getByTestId('stats-export-status').textContent).toBe('The statistics were saved.');
  expect(sent).toHaveLength(1);
  expect(sent[0]).toMatchObject({ from: '2030-01-01', to: '2030-06-30' });
  expect(screen.getByText(/no names or aliases/)).toBeTruthy();
});

it('a cancelled dialog says nothing', async () => {
  const sent: Record<string, unknown>[] = [];
  mock('cancelled', sent);
  render(Statistics, { route: { name: 'statistics' } } as never);
  await fireEvent.click(await screen.findByTestId('stats-export'));
  await expect.poll(() => sent.length).toBe(1);
  expect(screen.getByTestId('stats-export-status').textContent).toBe('');
});
