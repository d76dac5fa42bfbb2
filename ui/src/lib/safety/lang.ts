// The language of the safety and keys components: the person's chosen language (the i18n layer's rune), so
// these screens switch with everything else. Their messages stay beside each component for now.
import { language } from '../i18n/locale.svelte';

export type Lang = 'en' | 'es';

export function currentLang(): Lang {
  return language() === 'es' ? 'es' : 'en';
}

/** The messages of a component in the current language (reactive inside `$derived`). */
export function pick<T>(messages: Record<Lang, T>): T {
  return messages[currentLang()];
}
