// Choosing a bundle to preview: the native open dialog runs in Rust (src-tauri/src/commands/bundles.rs), which
// hands the chosen file to the registry's `preview_bundle`; the page never sees a path. Shapes mirror that file.
import { call, type CallResult } from './commands';
import type { BundlePreview } from './generated/ops';

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
] as const;
export type BundleRefusal = (typeof BUNDLE_REFUSALS)[number];

/** What came of choosing a bundle: nothing chosen, a verified preview, or a refusal (nothing was changed). */
export type BundleChoice =
  | { status: 'cancelled' }
  | { status: 'preview'; file_name: string; preview: BundlePreview }
  | { status: 'refused'; file_name: string; reason: BundleRefusal; message: string };

/** Opens the file dialog (with this title) and previews the chosen bundle; applies nothing. */
export function chooseBundle(title: string): Promise<CallResult<BundleChoice>> {
  return call<BundleChoice>('choose_bundle', { title });
}
