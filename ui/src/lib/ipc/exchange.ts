// The exchange folder (issue 11): choosing it opens a native folder dialog in Rust
// (src-tauri/src/commands/exchange.rs), and a bundle listed in it is previewed by naming its sender's subfolder
// and its file name (src-tauri/src/commands/bundles.rs), never by a path the page sends. What arrived is read
// through the registry's `exchange_status`.
import { command, type CallResult } from './commands';
import type { BundleChoice, ExchangeChoice } from './generated/commands';

export type { ExchangeChoice };

/** Opens the folder dialog (with this title) and makes the chosen folder the exchange folder. */
export function chooseExchangeFolder(dialogTitle: string): Promise<CallResult<ExchangeChoice>> {
  return command('choose_exchange_folder', { dialogTitle });
}

/** Previews a bundle `exchange_status` listed, by its subfolder and file name; applies nothing. */
export function reviewExchangeBundle(subfolder: string, file: string): Promise<CallResult<BundleChoice>> {
  return command('review_exchange_bundle', { subfolder, file });
}
