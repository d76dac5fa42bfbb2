// Mounts the app; styles are bundled files, no fonts or scripts come from the network. Errors that escape the
// app are kept in `window.__circlebookErrors` (names and messages only, never case data) for the test suite.
import { flushSync, mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { forgetWebStorage } from './lib/safety/storage';

// Issue 10: nothing from an earlier page (before a lock) survives in web storage.
forgetWebStorage();

const errors: string[] = [];
(window as unknown as { __circlebookErrors: string[] }).__circlebookErrors = errors;
window.addEventListener('error', (event) => errors.push(`${event.message} at ${event.filename}:${event.lineno}`));
window.addEventListener('unhandledrejection', (event) => errors.push(`unhandled: ${String(event.reason)}`));

const target = document.getElementById('app');
if (!target) {
  throw new Error('the page has no #app element');
}

let app: ReturnType<typeof mount> | undefined;
try {
  app = mount(App, { target });
  // Runs the components' onMount at once, so the vault's state is asked for before WebKit lays out the first
  // screen rather than after (the answer then comes back while it does: docs/PERFORMANCE.md, "Session 14").
  flushSync();
} catch (error) {
  errors.push(`mount: ${String(error)} ${(error as Error).stack ?? ''}`);
}

export default app;
