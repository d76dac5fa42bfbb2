// The keys screens of issue 10: rotating the key (the new recovery key shown once, put away only after "I have
// stored it", with a printable sheet), the damaged-newest way back, and the calm rollback screen; in English and
// Spanish, driven as a person would (fields, buttons, keyboard focus).
import { afterEach, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import { setLanguage } from '../i18n';
import RotateKey from './RotateKey.svelte';
import RollbackScreen from './RollbackScreen.svelte';
import DamagedVault from './DamagedVault.svelte';
import UnlockScreen from './UnlockScreen.svelte';

const KEY = 'AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ';

afterEach(() => {
  clearMocks();
  setLanguage('en');
});

async function settled() {
  for (let i = 0; i < 5; i++) await tick();
  await new Promise((resolve) => setTimeout(resolve, 0));
  for (let i = 0; i < 5; i++) await tick();
}

it('rotates the key: the new recovery key is shown once and put away only after "I have stored it"', async () => {
  const seen: [string, unknown][] = [];
  mockIPC((command, args) => {
    seen.push([command, args]);
    if (command === 'rotate_key') {
      if ((args as { passphrase: string }).passphrase !== 'right words') {
        throw { code: 'wrong_passphrase', message: 'That passphrase does not open this vault; the key was not changed.' };
      }
      return { recovery_key: KEY };
    }
    throw new Error(`unexpected ${command}`);
  });
  let done = 0;
  render(RotateKey, { ondone: () => done++ });

  await fireEvent.input(screen.getByTestId('rotate-passphrase'), { target: { value: 'wrong words' } });
  await fireEvent.submit(screen.getByTestId('rotate-form'));
  await settled();
  expect(screen.getByTestId('rotate-error').textContent).toContain('passphrase');
  expect(screen.queryByTestId('recovery-sheet')).toBeNull();

  await fireEvent.input(screen.getByTestId('rotate-passphrase'), { target: { value: 'right words' } });
  await fireEvent.submit(screen.getByTestId('rotate-form'));
  await settled();
  expect(seen.at(-1)).toEqual(['rotate_key', { passphrase: 'right words' }]);
  expect(screen.getByTestId('recovery-sheet-key').textContent).toBe(KEY);
  expect(screen.getByTestId('recovery-sheet-date').textContent).toMatch(/\d{4}/);
  expect(screen.getByTestId('recovery-sheet').textContent).toContain('sqlite3');
  expect(document.activeElement?.id).toBe('rotate-done-title');

  const dismiss = screen.getByTestId('rotate-dismiss') as HTMLButtonElement;
  expect(dismiss.disabled).toBe(true);
  await fireEvent.click(dismiss);
  expect(screen.getByTestId('recovery-sheet-key').textContent).toBe(KEY);
  await fireEvent.click(screen.getByTestId('rotate-stored'));
  expect(dismiss.disabled).toBe(false);
  await fireEvent.click(dismiss);
  await settled();
  expect(done).toBe(1);
  expect(document.body.textContent).not.toContain(KEY);
});

it('words the recovery sheet in Spanish', async () => {
  setLanguage('es');
  mockIPC((command) => (command === 'rotate_key' ? { recovery_key: KEY } : null));
  render(RotateKey);
  await fireEvent.input(screen.getByTestId('rotate-passphrase'), { target: { value: 'palabras' } });
  await fireEvent.submit(screen.getByTestId('rotate-form'));
  await settled();
  expect(screen.getByTestId('recovery-sheet').textContent).toContain('Hoja de recuperación');
  expect(screen.getByTestId('rotate-stored').parentElement?.textContent).toContain('He guardado');
});

it('explains a rollback calmly and opens the older copy only when asked', async () => {
  let opened = 0;
  let back = 0;
  let asked = 0;
  render(RollbackScreen, {
    onopen: async () => {
      asked++;
      return { ok: true, value: null };
    },
    onopened: () => opened++,
    onback: () => back++,
  });
  await settled();
  expect(document.activeElement?.id).toBe('rollback-title');
  expect(screen.getByTestId('rollback-screen').textContent).toContain('nothing was changed');
  expect(asked).toBe(0);
  await fireEvent.click(screen.getByTestId('rollback-back'));
  expect(back).toBe(1);
  await fireEvent.click(screen.getByTestId('rollback-open'));
  await settled();
  expect([asked, opened]).toEqual([1, 1]);
});

it('a refused unlock as a rollback leads to its own screen, and "open this older copy" sends the same passphrase', async () => {
  const seen: [string, unknown][] = [];
  mockIPC((command, args) => {
    seen.push([command, args]);
    if (command === 'unlock') throw { code: 'rollback', message: 'This computer has seen generation 5.' };
    if (command === 'open_older_copy') return null;
    throw new Error(`unexpected ${command}`);
  });
  let unlocked = 0;
  render(UnlockScreen, { onunlocked: () => unlocked++ });
  await fireEvent.input(screen.getByTestId('unlock-passphrase'), { target: { value: 'right words' } });
  await fireEvent.click(screen.getByTestId('unlock-submit'));
  await settled();
  expect(screen.getByTestId('rollback-screen')).toBeTruthy();
  setLanguage('es');
  await settled();
  expect(screen.getByTestId('rollback-screen').textContent).toContain('copia más antigua');
  await fireEvent.click(screen.getByTestId('rollback-open'));
  await settled();
  expect(seen.at(-1)).toEqual(['open_older_copy', { passphrase: 'right words' }]);
  expect(unlocked).toBe(1);
});

it('a damaged newest state offers the earlier backups, each opened after a confirmation', async () => {
  const seen: [string, unknown][] = [];
  mockIPC((command, args) => {
    seen.push([command, args]);
    if (command === 'kept_backups') {
      return [3, 4, 5].map((number) => ({ number, bytes: 4096, written_at: '2026-12-0' + number + 'T10:00:00Z', current: false }));
    }
    if (command === 'restore_damaged') return null;
    throw new Error(`unexpected ${command}`);
  });
  let restored = 0;
  render(DamagedVault, {
    error: { code: 'damaged', message: 'snapshots/00000005.age is damaged' },
    onback: () => undefined,
    onrecovery: () => undefined,
    onrestored: () => restored++,
  });
  await settled();
  expect(screen.queryByTestId('damaged-restore-5')).toBeNull();
  expect(screen.getByTestId('damaged-restore-4')).toBeTruthy();
  await fireEvent.click(screen.getByTestId('damaged-restore-3'));
  await settled();
  expect(screen.getByTestId('damaged-confirm').textContent).toContain('3');
  expect(document.activeElement?.id).toBe('damaged-passphrase');
  expect(seen.some(([c]) => c === 'restore_damaged')).toBe(false);

  await fireEvent.click(screen.getByTestId('damaged-confirm-cancel'));
  await settled();
  expect(screen.queryByTestId('damaged-confirm')).toBeNull();
  expect(document.activeElement?.getAttribute('data-testid')).toBe('damaged-restore-3');

  await fireEvent.click(screen.getByTestId('damaged-restore-4'));
  await settled();
  await fireEvent.input(screen.getByTestId('damaged-passphrase'), { target: { value: 'right words' } });
  await fireEvent.submit(screen.getByTestId('damaged-confirm'));
  await settled();
  expect(seen.at(-1)).toEqual(['restore_damaged', { passphrase: 'right words', number: 4 }]);
  expect(restored).toBe(1);
});
