// House rule: only src/lib/ipc/ may import @tauri-apps/*; every other file goes through its typed functions.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect, it } from 'vitest';

const SRC = join(import.meta.dirname);

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : /\.(ts|svelte)$/.test(entry.name) ? [path] : [];
  });
}

it('keeps @tauri-apps imports inside lib/ipc', () => {
  const offenders = files(SRC)
    .map((path) => relative(SRC, path))
    .filter((path) => !path.startsWith(['lib', 'ipc', ''].join(sep)))
    .filter((path) => path !== 'boundary.test.ts')
    .filter((path) => /from\s+['"]@tauri-apps\//.test(readFileSync(join(SRC, path), 'utf8')));
  expect(offenders).toEqual([]);
});
