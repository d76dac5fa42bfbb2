// The window starts: with a locked vault it shows the unlock screen in the chosen language.
import { afterEach, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from './lib/ipc/mocks';
import App from './App.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

it('shows the unlock screen for a locked vault', async () => {
  mockIPC((cmd) => {
    if (cmd === 'vault_status') return 'locked';
    throw new Error(cmd);
  });
  render(App);
  expect(await screen.findByTestId('unlock-screen')).toBeTruthy();
});
