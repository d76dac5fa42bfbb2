// The IPC boundary: errors arrive as `{ code, message }` and anything else becomes a plain `internal` error.
import { afterEach, describe, expect, it } from 'vitest';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { checkPassphrase, createVault, toCommandError, unlock, vaultStatus } from './commands';

afterEach(() => clearMocks());

describe('toCommandError', () => {
  it('keeps a known code and its message as they are', () => {
    const error = toCommandError({ code: 'wrong_passphrase', message: 'That passphrase does not open this vault.' });
    expect(error).toEqual({ code: 'wrong_passphrase', message: 'That passphrase does not open this vault.' });
  });

  it('turns an unknown code, a string or nothing into a calm internal error without details', () => {
    for (const raw of [{ code: 'surprise', message: 'x' }, 'Command unlock not allowed by ACL', undefined, null]) {
      const error = toCommandError(raw);
      expect(error.code).toBe('internal');
      expect(error.message).not.toMatch(/ACL|surprise/);
    }
  });
});

describe('commands', () => {
  it('passes the passphrase under its Rust argument name and reports a wrong one', async () => {
    const seen: unknown[] = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      throw { code: 'wrong_passphrase', message: 'That passphrase does not open this vault.' };
    });
    const outcome = await unlock('not the right words');
    expect(seen).toEqual([['unlock', { passphrase: 'not the right words' }]]);
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'wrong_passphrase', message: 'That passphrase does not open this vault.' },
    });
  });

  it('maps the created vault and the other results to their TypeScript shapes', async () => {
    mockIPC((cmd) => {
      switch (cmd) {
        case 'create_vault':
          return { recovery_key: 'AGE-SECRET-KEY-1ABC' };
        case 'vault_status':
          return 'locked';
        case 'check_passphrase':
          return { ok: false, reason: 'This passphrase is too short.' };
        default:
          throw new Error(`unexpected ${cmd}`);
      }
    });
    expect(await createVault('lantern orchard velvet compass drizzle')).toEqual({
      ok: true,
      value: { recoveryKey: 'AGE-SECRET-KEY-1ABC' },
    });
    expect(await vaultStatus()).toEqual({ ok: true, value: 'locked' });
    expect(await checkPassphrase('short')).toEqual({
      ok: true,
      value: { ok: false, reason: 'This passphrase is too short.' },
    });
  });
});
