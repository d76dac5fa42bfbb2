// The person's language as a rune: paraglide's message functions read it through `overwriteGetLocale`, so every
// string on screen changes language at once, without the page reload paraglide would otherwise do.
import { baseLocale, isLocale, overwriteGetLocale, overwriteSetLocale, type Locale } from './paraglide/runtime.js';

const KEY = 'circlebook.language';

function stored(): Locale {
  // Not case data: the language is kept in the webview's own storage so the unlock screen already speaks it.
  // Until the person chooses, the system's language (LANG) when it is one of ours.
  const saved = globalThis.localStorage?.getItem(KEY);
  if (saved && isLocale(saved)) return saved;
  const system = globalThis.navigator?.language?.slice(0, 2).toLowerCase();
  return system && isLocale(system) ? system : baseLocale;
}

const state = $state<{ locale: Locale }>({ locale: stored() });

overwriteGetLocale(() => state.locale);
overwriteSetLocale((locale) => setLanguage(locale));

/** The current language (reactive). */
export function language(): Locale {
  return state.locale;
}

/** Switches every string on screen to `locale` and remembers the choice. */
export function setLanguage(locale: Locale): void {
  state.locale = locale;
  globalThis.localStorage?.setItem(KEY, locale);
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
}

if (typeof document !== 'undefined') document.documentElement.lang = state.locale;
