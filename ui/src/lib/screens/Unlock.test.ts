// The unlock screen: a wrong passphrase is shown as the Rust side words it, and the field is ready again.
import { afterEach, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import Unlock from './Unlock.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

it('shows the wrong-passphrase message, then unlocks with the right one', async () => {
  mockIPC((cmd, args) => {
    if (cmd !== 'unlock') throw new Error(cmd);
    const { passphrase } = args as { passphrase: string };
    if (passphrase !== 'lantern orchard velvet compass drizzle') {
      throw { code: 'wrong_passphrase', message: 'That passphrase does not open this vault.' };
    }
    return null;
  });
  const onunlocked = vi.fn();
  render(Unlock, { onunlocked });

  const field = screen.getByLabelText('Passphrase');
  expect(document.activeElement).toBe(field);
  await fireEvent.input(field, { target: { value: 'lantern orchard' } });
  await fireEvent.click(screen.getByTestId('unlock-submit'));

  const alert = await screen.findByRole('alert');
  expect(alert.textContent).toContain('That passphrase does not open this vault.');
  expect(field.getAttribute('aria-invalid')).toBe('true');
  expect(onunlocked).not.toHaveBeenCalled();

  await fireEvent.input(field, { target: { value: 'lantern orchard velvet compass drizzle' } });
  await fireEvent.click(screen.getByTestId('unlock-submit'));
  await vi.waitFor(() => expect(onunlocked).toHaveBeenCalledOnce());
});
