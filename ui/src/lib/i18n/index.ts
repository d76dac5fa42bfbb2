// The i18n layer: paraglide's typed message functions (`m.key()`), the language rune, and localized dates and
// numbers. Every string a person reads goes through here.
export { m } from './paraglide/messages.js';
export { locales, type Locale } from './paraglide/runtime.js';
export { language, setLanguage } from './locale.svelte';
export * from './format';
export { describeCardError, describeError, errorDetail } from './errors';
export * from './vocab';
export { describeReminder } from './reminders';
export { describeEvent } from './timeline';
