// The Files section: the page sends a case id and a title, never a path; a file over the limit is said plainly;
// saving a copy shows the warning before any dialog opens; removing asks first and drops the file from the list.
import { afterEach, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '../ipc/mocks';
import type { CaseId } from '../ipc';
import { CaseStore } from './store.svelte';
import Attachments from './Attachments.svelte';
import { formatSize, typeWord } from './files';

afterEach(() => {
  cleanup();
  clearMocks();
});

const letter = { id: 'a1', case_id: 'c1', note_id: null, title: 'Letter draft', media_type: 'application/pdf', size: 20480,
  created_at: '2030-01-01T10:00:00Z' };

function storeWith(attachments: unknown[], stage = 'active') {
  const store = new CaseStore('c1' as CaseId);
  store.file = { case: { case: { stage } }, attachments, timeline: [] } as never;
  return store;
}

it('keeps a chosen file, sending no path, and lists it first', async () => {
  const calls: [string, Record<string, unknown>][] = [];
  mockIPC((cmd, args) => {
    calls.push([cmd, args as Record<string, unknown>]);
    if (cmd === 'attach_file') {
      return { outcome: 'added', attachment: { ...letter, id: 'a2', title: 'Scan', media_type: 'image/png', size: 900 } };
    }
    if (cmd === 'call') return [];
    throw new Error(cmd);
  });
  render(Attachments, { store: storeWith([letter]) });
  await fireEvent.input(screen.getByTestId('attachment-title-input'), { target: { value: 'Scan' } });
  await fireEvent.click(screen.getByTestId('attachment-add'));
  await expect.poll(() => screen.getAllByTestId('attachment-title').map((e) => e.textContent)).toEqual(['Scan', 'Letter draft']);
  const [cmd, args] = calls[0]!;
  expect(cmd).toBe('attach_file');
  expect(Object.keys(args).sort()).toEqual(['caseId', 'dialogTitle', 'title']);
  expect(args.caseId).toBe('c1');
  expect(args.title).toBe('Scan');
  expect(screen.getByTestId('attachment-status').textContent).toContain('Scan');
});

it('says plainly when a file is over the limit, and adds nothing', async () => {
  mockIPC((cmd) => {
    if (cmd === 'attach_file') return { outcome: 'too_large', size: 10 * 1024 * 1024 + 1, limit: 10 * 1024 * 1024 };
    throw new Error(cmd);
  });
  render(Attachments, { store: storeWith([]) });
  await fireEvent.click(screen.getByTestId('attachment-add'));
  const notice = await screen.findByTestId('attachment-too-large');
  expect(notice.textContent).toContain('This file is 10.1 MB');
  expect(notice.textContent).toContain('10 MB');
  expect(screen.getByTestId('no-attachments')).toBeTruthy();
});

it('a cancelled dialog changes nothing and says nothing', async () => {
  mockIPC((cmd) => {
    if (cmd === 'attach_file') return { outcome: 'cancelled' };
    throw new Error(cmd);
  });
  render(Attachments, { store: storeWith([]) });
  await fireEvent.click(screen.getByTestId('attachment-add'));
  await Promise.resolve();
  expect(screen.queryByTestId('attachment-too-large')).toBeNull();
  expect(screen.getByTestId('attachment-status').textContent).toBe('');
});

it('warns before saving a copy, and opens the save dialog only when the person goes on', async () => {
  const commands: string[] = [];
  mockIPC((cmd, args) => {
    commands.push(cmd);
    if (cmd === 'save_attachment_copy') {
      expect((args as Record<string, unknown>).attachmentId).toBe('a1');
      return 'saved';
    }
    throw new Error(cmd);
  });
  render(Attachments, { store: storeWith([letter]) });
  await fireEvent.click(screen.getByTestId('attachment-save'));
  const dialog = await screen.findByTestId('attachment-save-confirm');
  expect(dialog.textContent).toContain('will not be encrypted');
  expect(commands).toEqual([]);
  await fireEvent.click(screen.getByTestId('attachment-save-confirm-confirm'));
  await expect.poll(() => screen.getByTestId('attachment-status').textContent).toBe('The copy was saved.');
  expect(commands).toEqual(['save_attachment_copy']);
});

it('removes a file after confirming', async () => {
  let deleted: unknown = null;
  mockIPC((cmd, args) => {
    const { name, args: body } = args as { name: string; args: Record<string, unknown> };
    if (cmd === 'call' && name === 'delete_attachment') {
      deleted = body;
      return null;
    }
    if (cmd === 'call' && name === 'case_timeline') return [];
    throw new Error(`${cmd} ${name}`);
  });
  render(Attachments, { store: storeWith([letter]) });
  await fireEvent.click(screen.getByTestId('attachment-remove'));
  expect((await screen.findByTestId('attachment-remove-confirm')).textContent).toContain('Letter draft');
  await fireEvent.click(screen.getByTestId('attachment-remove-confirm-confirm'));
  await expect.poll(() => screen.queryByTestId('no-attachments')).toBeTruthy();
  expect(deleted).toEqual({ attachment_id: 'a1' });
});

it('a closed case keeps its files: saved out, not added or removed', () => {
  mockIPC((cmd) => {
    throw new Error(cmd);
  });
  render(Attachments, { store: storeWith([letter], 'closed') });
  expect(screen.getByTestId('attachment-save')).toBeTruthy();
  expect(screen.queryByTestId('attachment-remove')).toBeNull();
  expect(screen.queryByTestId('attachment-form')).toBeNull();
});

it('words sizes and types', () => {
  expect(formatSize(10 * 1024 * 1024)).toBe('10 MB');
  expect(formatSize(20480)).toBe('20 kB');
  expect(formatSize(53)).toMatch(/^53\s?B$/);
  expect(formatSize(10 * 1024 * 1024 + 1, { up: true })).toBe('10.1 MB');
  expect(typeWord('application/pdf')).toBe('PDF');
  expect(typeWord('application/octet-stream')).toBe('file');
});
