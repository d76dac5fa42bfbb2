// Every place in the unlocked app, as a typed value, and its hash address. `parse` and `href` are inverses: the
// table below is the only place a path is spelled.
import type { CaseId } from '../ipc';

export const CASE_TABS = [
  'people',
  'consent',
  'assessments',
  'processes',
  'sessions',
  'messages',
  'notes',
  'attachments',
  'plan',
  'tasks',
  'timeline',
  'audit',
] as const;
export type CaseTab = (typeof CASE_TABS)[number];

export type Route =
  | { name: 'home' }
  | { name: 'new-case' }
  | { name: 'case'; caseId: CaseId; tab: CaseTab }
  | { name: 'statistics' }
  | { name: 'contacts' }
  | { name: 'settings' }
  | { name: 'not-found'; path: string };

export type RouteName = Route['name'];

function isTab(value: string | undefined): value is CaseTab {
  return (CASE_TABS as readonly string[]).includes(value ?? '');
}

/** Reads a hash such as `#/case/0190…/consent`. */
export function parse(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  switch (first) {
    case undefined:
      return { name: 'home' };
    case 'new-case':
      return parts.length === 1 ? { name: 'new-case' } : { name: 'not-found', path };
    case 'case':
      if (second && parts.length <= 3 && (third === undefined || isTab(third))) {
        return { name: 'case', caseId: second as CaseId, tab: third ?? 'people' };
      }
      return { name: 'not-found', path };
    case 'statistics':
      return parts.length === 1 ? { name: 'statistics' } : { name: 'not-found', path };
    case 'contacts':
      return parts.length === 1 ? { name: 'contacts' } : { name: 'not-found', path };
    case 'settings':
      return parts.length === 1 ? { name: 'settings' } : { name: 'not-found', path };
    default:
      return { name: 'not-found', path };
  }
}

/** The hash address of a route, for links. */
export function href(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/';
    case 'new-case':
      return '#/new-case';
    case 'case':
      return `#/case/${encodeURIComponent(route.caseId)}/${route.tab}`;
    case 'statistics':
      return '#/statistics';
    case 'contacts':
      return '#/contacts';
    case 'settings':
      return '#/settings';
    case 'not-found':
      return `#${route.path}`;
  }
}
