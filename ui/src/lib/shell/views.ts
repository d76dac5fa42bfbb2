// The router's table of screens: one component per route name. A new route fails the type check until it has
// a screen here; each screen receives its own narrowed route.
import type { Component } from 'svelte';
import type { Route, RouteName } from '../router/routes';
import Home from '../cases/Home.svelte';
import NewCase from '../cases/NewCase.svelte';
import CaseScreen from '../case/CaseScreen.svelte';
import Statistics from '../statistics/Statistics.svelte';
import Settings from '../settings/Settings.svelte';
import Contacts from '../contacts/Contacts.svelte';
import NotFound from './NotFound.svelte';

export type ViewProps<N extends RouteName> = { route: Extract<Route, { name: N }> };

export const views: { [N in RouteName]: Component<ViewProps<N>> } = {
  home: Home,
  'new-case': NewCase,
  case: CaseScreen,
  statistics: Statistics,
  contacts: Contacts,
  settings: Settings,
  'not-found': NotFound,
};

/** The screen of a route, typed to take that route. */
export function viewOf(route: Route): Component<{ route: Route }> {
  return views[route.name] as Component<{ route: Route }>;
}

/** Screens are rebuilt when this changes (another case), not when only a case's tab does. */
export function viewKey(route: Route): string {
  return route.name === 'case' ? `case:${route.caseId}` : route.name;
}
