// The current route as a rune, kept in step with `location.hash`. Links are plain `<a href={href(route)}>`.
import { href, parse, type Route } from './routes';

const state = $state<{ route: Route }>({ route: parse(globalThis.location?.hash ?? '') });

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    state.route = parse(window.location.hash);
  });
}

/** Where the app is now (reactive). */
export function currentRoute(): Route {
  return state.route;
}

/** Goes to `route`; the browser's own history keeps Back working. */
export function navigate(route: Route): void {
  const target = href(route);
  if (window.location.hash !== target) window.location.hash = target;
  state.route = parse(target);
}

export { href, parse, type Route } from './routes';
export { CASE_TABS, type CaseTab, type RouteName } from './routes';
