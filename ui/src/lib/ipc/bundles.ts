// Choosing a bundle to preview: the native open dialog runs in Rust (src-tauri/src/commands/bundles.rs), which
// hands the chosen file to the registry's `preview_bundle`; the page never sees a path. The shapes are generated
// from that file (./generated/commands.ts).
import { command, type CallResult } from './commands';
import type { BundleChoice, Refusal } from './generated/commands';

/** Why a bundle was refused (src-tauri's `Refusal`): the UI words each one. */
export const BUNDLE_REFUSALS = [
  'not_a_bundle',
  'not_for_us',
  'not_addressed',
  'unsigned',
  'bad_signature',
  'altered',
  'damaged',
  'too_large',
  'other_version',
  'unreadable',
  'malformed',
] as const satisfies readonly Refusal[];
export type BundleRefusal = Refusal;
/** Every reason the Rust side can send is in the list above (this fails to type-check otherwise). */
export const EVERY_REFUSAL_LISTED: [Exclude<Refusal, (typeof BUNDLE_REFUSALS)[number]>] extends [never] ? true : false =
  true;

/** What came of choosing a bundle: nothing chosen, a verified preview, or a refusal (nothing was changed). */
export type { BundleChoice };

/** Opens the file dialog (with this title) and previews the chosen bundle; applies nothing. */
export function chooseBundle(title: string): Promise<CallResult<BundleChoice>> {
  return command('choose_bundle', { title });
}
