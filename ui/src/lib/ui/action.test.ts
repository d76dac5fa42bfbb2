// The busy-action helper: busy while running, the error kept when refused, a second press ignored.
import { expect, it } from 'vitest';
import { Action } from './action.svelte';
import type { CallResult } from '../ipc';

it('is busy while running, keeps the error, and ignores a second press', async () => {
  let release: (value: CallResult<number>) => void = () => {};
  let calls = 0;
  const action = new Action(() => {
    calls += 1;
    return new Promise<CallResult<number>>((resolve) => (release = resolve));
  });
  const first = action.run();
  expect(action.busy).toBe(true);
  expect(await action.run()).toBeUndefined();
  expect(calls).toBe(1);
  release({ ok: false, error: { code: 'not_allowed', message: 'no' } });
  expect(await first).toBeUndefined();
  expect(action.busy).toBe(false);
  expect(action.error?.code).toBe('not_allowed');

  const second = action.run();
  expect(action.error).toBeNull();
  release({ ok: true, value: 7 });
  expect(await second).toBe(7);
});
