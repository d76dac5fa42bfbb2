// Sharing cases (issue 11): the export dialog's state. Who it is for (contacts by signing key, or one named
// person with a passphrase), for which audience; the registry's `preview_export` says what would go and whose
// consent is missing, and `save_bundle` (Rust) opens the save dialog and writes it. The preview needs only to know
// that a passphrase will be used: the passphrase itself goes only with `save_bundle`, as a secret.
import {
  checkPassphrase,
  ops,
  saveBundle,
  type BundleRecipients,
  type BundleSaved,
  type CallResult,
  type CaseId,
  type CommandError,
  type Contact,
  type ExportAudience,
  type ExchangeStatus,
  type Exported,
  type ExportPreview,
} from '../ipc';

export const AUDIENCES: readonly ExportAudience[] = ['co-facilitator', 'supervisor', 'progress'];

export type RecipientMode = 'contacts' | 'passphrase';

export class ExportStore {
  /** The cases to share (chosen in the dialog when it was opened from Home). */
  caseIds = $state<CaseId[]>([]);
  contacts = $state.raw<Contact[]>([]);
  audience = $state<ExportAudience>('co-facilitator');
  mode = $state<RecipientMode>('contacts');
  /** Signing keys of the chosen contacts. */
  chosen = $state<string[]>([]);
  person = $state('');
  passphrase = $state('');
  preview = $state.raw<ExportPreview | null>(null);
  previewError = $state<CommandError | null>(null);
  passphraseWeak = $state(false);
  #asked = 0;

  constructor(caseIds: CaseId[]) {
    this.caseIds = caseIds;
  }

  async loadContacts(): Promise<void> {
    const listed = await ops.listContacts({});
    if (listed.ok) this.contacts = listed.value;
  }

  /** A progress summary goes to the person harmed: by passphrase only. */
  get contactsAllowed(): boolean {
    return this.audience !== 'progress';
  }

  get effectiveMode(): RecipientMode {
    return this.contactsAllowed ? this.mode : 'passphrase';
  }

  toggleCase(id: CaseId, on: boolean): void {
    this.caseIds = on ? [...new Set([...this.caseIds, id])] : this.caseIds.filter((c) => c !== id);
  }

  /** Enough is chosen to ask for a preview. */
  get ready(): boolean {
    if (this.caseIds.length === 0) return false;
    return this.effectiveMode === 'contacts' ? this.chosen.length > 0 : this.person.trim() !== '';
  }

  toggle(key: string, on: boolean): void {
    this.chosen = on ? [...new Set([...this.chosen, key])] : this.chosen.filter((k) => k !== key);
  }

  /** Asks the core what would go; an older answer arriving late is dropped. */
  async refresh(): Promise<void> {
    const ticket = ++this.#asked;
    if (!this.ready) {
      this.preview = null;
      this.previewError = null;
      return;
    }
    const passphrase = this.effectiveMode === 'passphrase';
    const outcome = await ops.previewExport({
      case_ids: [...this.caseIds],
      audience: this.audience,
      to: passphrase ? [this.person.trim()] : this.chosen.map((k) => `contact:${k}`),
      passphrase: passphrase ? '' : undefined,
    });
    if (ticket !== this.#asked) return;
    this.preview = outcome.ok ? outcome.value : null;
    this.previewError = outcome.ok ? null : outcome.error;
  }

  async checkStrength(): Promise<void> {
    const text = this.passphrase;
    if (text === '') {
      this.passphraseWeak = false;
      return;
    }
    const outcome = await checkPassphrase(text);
    if (outcome.ok && text === this.passphrase) this.passphraseWeak = !outcome.value.ok;
  }

  /** May be saved: a preview with no consent missing, and a strong passphrase when one is used. */
  get canSave(): boolean {
    if (!this.preview || this.preview.missing_consent.length > 0) return false;
    if (this.effectiveMode === 'passphrase') return this.passphrase !== '' && !this.passphraseWeak;
    return true;
  }

  recipients(): BundleRecipients {
    return this.effectiveMode === 'contacts'
      ? { contacts: this.chosen.map((k) => `contact:${k}`) }
      : { person: this.person.trim(), passphrase: this.passphrase };
  }

  /** The exchange folder, when one is set (`exchange_status`); `null` otherwise. */
  exchange = $state.raw<ExchangeStatus | null>(null);

  async loadExchange(): Promise<void> {
    const status = await ops.exchangeStatus({});
    this.exchange = status.ok && status.value.folder ? status.value : null;
  }

  /** Contacts' bundles may also go into the exchange folder (never a passphrase bundle: it names no contact). */
  get canUseExchange(): boolean {
    return this.exchange !== null && this.effectiveMode === 'contacts';
  }

  /** Writes the bundle into this vault's subfolder of the exchange folder (the core names and places it). */
  toExchange(): Promise<CallResult<Exported>> {
    return ops.exportToExchange({
      case_ids: [...this.caseIds],
      audience: this.audience,
      to: this.chosen.map((k) => `contact:${k}`),
    });
  }

  save(dialogTitle: string): Promise<CallResult<BundleSaved>> {
    return saveBundle([...this.caseIds], this.audience, this.recipients(), dialogTitle);
  }

  /** The name of a `shared_with` scope, as the preview's recipients word it. */
  recipientLabel(sharedWith: string): string {
    return this.preview?.recipients.find((r) => r.shared_with === sharedWith)?.label ?? sharedWith;
  }
}

/** The last part of a folder's path: what the page says of where a bundle went (never the whole path). */
export function folderName(path: string): string {
  const parts = path.split(/[\\/]+/).filter((p) => p !== '');
  return parts[parts.length - 1] ?? path;
}
