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

it('loads the routed app, a chunk of its own, and shows it once the vault is open', async () => {
  // jsdom has no ResizeObserver; the home screen's virtual list asks for one.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  mockIPC((cmd) => {
    if (cmd === 'vault_status') return 'unlocked';
    throw new Error(cmd);
  });
  render(App);
  // Generous: under vitest the chunk is the whole app's sources, transformed on first import.
  expect(await screen.findByTestId('nav-cases', {}, { timeout: 25_000 })).toBeTruthy();
  expect(screen.queryByTestId('unlock-screen')).toBeNull();
}, 30_000);
