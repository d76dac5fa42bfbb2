// The unlock's notices are told in the person's language, and nothing is shown when there are none.
import { afterEach, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import { setLanguage } from '../i18n';
import VaultNotices from './VaultNotices.svelte';

afterEach(() => {
  clearMocks();
  setLanguage('en');
});

async function settled() {
  for (let i = 0; i < 5; i++) await tick();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

it('tells of a torn last change set aside, in English and Spanish', async () => {
  mockIPC((command) => {
    if (command === 'vault_notices') {
      return [{ kind: 'torn_tail', journal: 'journal/00000003.journal', moved_to: 'journal/00000003.torn-1', bytes: 1234 }];
    }
    throw new Error(`unexpected ${command}`);
  });
  render(VaultNotices);
  await settled();
  expect(screen.getByTestId('vault-notice-torn_tail').textContent).toContain('1,234 bytes');
  setLanguage('es');
  await settled();
  expect(screen.getByTestId('vault-notice-torn_tail').textContent).toContain('1234 bytes');
  expect(screen.getByTestId('vault-notice-torn_tail').textContent).toContain('todavía cifrado');
});

it('shows nothing when the unlock found nothing', async () => {
  mockIPC((command) => (command === 'vault_notices' ? [] : null));
  render(VaultNotices);
  await settled();
  expect(screen.queryByTestId('vault-notices')).toBeNull();
});

it('tells calmly that changes were left out when the last lock found the disk full (issue 10)', async () => {
  mockIPC((command) => (command === 'vault_notices' ? [{ kind: 'left_out_at_lock', cause: 'disk_full' }] : null));
  render(VaultNotices);
  await settled();
  const text = screen.getByTestId('vault-notice-left_out_at_lock').textContent ?? '';
  expect(text).toContain('left out');
  expect(text).toContain('The disk was full.');
  setLanguage('es');
  await settled();
  expect(screen.getByTestId('vault-notice-left_out_at_lock').textContent).toContain('El disco estaba lleno.');
});
