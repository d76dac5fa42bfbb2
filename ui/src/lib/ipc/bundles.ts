// Bundles in and out: the native dialogs run in Rust (src-tauri/src/commands/bundles.rs and share.rs). A chosen
// bundle is named by a handle the Rust side keeps (previewed again, applied); a bundle is saved through a save
// dialog opened there. The page never sees or sends a path. The shapes are generated (./generated/commands.ts).
import { command, type CallResult } from './commands';
import type { BundleApplied, BundleChoice, BundleSaved, Refusal } from './generated/commands';
import type { CaseId, ExportAudience } from './generated/types';

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
  'signer_not_trusted',
  'not_for_merging',
  'purged_case',
  'case_here',
  'cannot_apply',
  'choose_again',
] as const satisfies readonly Refusal[];
export type BundleRefusal = Refusal;
/** Every reason the Rust side can send is in the list above (this fails to type-check otherwise). */
export const EVERY_REFUSAL_LISTED: [Exclude<Refusal, (typeof BUNDLE_REFUSALS)[number]>] extends [never] ? true : false =
  true;

/** What came of choosing a bundle: nothing chosen, a verified preview, or a refusal (nothing was changed). */
export type { BundleChoice, BundleApplied, BundleSaved };

/** Opens the file dialog (with this title) and previews the chosen bundle; applies nothing. */
export function chooseBundle(title: string): Promise<CallResult<BundleChoice>> {
  return command('choose_bundle', { title });
}

/** Verifies again and previews a bundle chosen before, by its handle. */
export function previewBundleAt(handle: string): Promise<CallResult<BundleChoice>> {
  return command('preview_bundle_at', { handle });
}

/**
 * Applies a chosen bundle, all or nothing. `acceptUnknownSigner` only after the person confirmed the signer's
 * number in its own step.
 */
export function applyBundle(handle: string, acceptUnknownSigner: boolean): Promise<CallResult<BundleApplied>> {
  return command('apply_bundle', { handle, acceptUnknownSigner });
}

/** Who a bundle is for: contacts (by signing key), or one named person with a passphrase. */
export type BundleRecipients = { contacts: string[] } | { person: string; passphrase: string };

/** Opens the save dialog (with this title) and writes the bundle there, after the core checked consent. */
export function saveBundle(
  caseIds: CaseId[],
  audience: ExportAudience,
  to: BundleRecipients,
  dialogTitle: string,
): Promise<CallResult<BundleSaved>> {
  const recipients = 'contacts' in to ? { to: to.contacts } : { to: [to.person], passphrase: to.passphrase };
  return command('save_bundle', { caseIds, audience, dialogTitle, ...recipients });
}
