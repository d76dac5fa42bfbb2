// The language of the safety and keys components until the i18n layer takes over their messages: Spanish when
// the system's language is Spanish, English otherwise.
export type Lang = 'en' | 'es';

export function currentLang(): Lang {
  const language = typeof navigator === 'undefined' ? 'en' : (navigator.language ?? 'en');
  return language.toLowerCase().startsWith('es') ? 'es' : 'en';
}

/** The messages of a component in the current language. */
export function pick<T>(messages: Record<Lang, T>): T {
  return messages[currentLang()];
}
