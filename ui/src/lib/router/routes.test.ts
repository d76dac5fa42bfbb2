// The router's table: every route survives a round trip through its address, and nonsense is "not found".
import { describe, expect, it } from 'vitest';
import type { CaseId } from '../ipc';
import { CASE_TABS, href, parse, type Route } from './routes';

const id = '0190a0b0-0000-7000-8000-000000000001' as CaseId;

describe('routes', () => {
  it('round-trips every route', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'new-case' },
      { name: 'statistics' },
      { name: 'contacts' },
      { name: 'settings' },
      ...CASE_TABS.map((tab) => ({ name: 'case', caseId: id, tab }) as Route),
    ];
    for (const route of routes) expect(parse(href(route))).toEqual(route);
  });

  it('opens a case on its people tab by default', () => {
    expect(parse(`#/case/${id}`)).toEqual({ name: 'case', caseId: id, tab: 'people' });
  });

  it('treats unknown places as not found', () => {
    for (const hash of ['#/nowhere', '#/case', `#/case/${id}/secrets`, '#/settings/x', '#/contacts/x']) {
      expect(parse(hash).name).toBe('not-found');
    }
    expect(parse('')).toEqual({ name: 'home' });
  });
});
