// Settings: the light or dark theme (kept in the webview's storage, like the language) and the programme's
// role terminology (kept in the vault, through the `get_terminology` / `set_terminology` operations).
import { ops, type CommandError, type Role, type RoleLabel } from '../ipc';
import { roleWords } from '../i18n';

export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

const THEME_KEY = 'circlebook.theme';

function storedTheme(): Theme {
  const saved = globalThis.localStorage?.getItem(THEME_KEY);
  return saved === 'dark' ? 'dark' : 'light';
}

export class SettingsStore {
  theme = $state<Theme>(storedTheme());
  labels = $state.raw<RoleLabel[]>([]);
  error = $state<CommandError | null>(null);

  constructor() {
    this.applyTheme();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    globalThis.localStorage?.setItem(THEME_KEY, theme);
    this.applyTheme();
  }

  private applyTheme(): void {
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = this.theme;
  }

  async loadTerminology(): Promise<void> {
    const outcome = await ops.getTerminology({});
    if (outcome.ok) this.labels = outcome.value;
    else this.error = outcome.error;
  }

  /** The programme's own word for a role when it chose one, otherwise the usual word in the person's language. */
  roleLabel(role: Role): string {
    const chosen = this.labels.find((label) => label.role === role);
    return chosen && chosen.label !== chosen.default_label ? chosen.label : roleWords[role]();
  }

  /** The label the programme chose, or '' when it uses the usual word. */
  chosenLabel(role: Role): string {
    const chosen = this.labels.find((label) => label.role === role);
    return chosen && chosen.label !== chosen.default_label ? chosen.label : '';
  }

  /** Replaces the programme's choices; empty labels fall back to the usual word. */
  async saveTerminology(labels: Partial<Record<Role, string>>) {
    const chosen = Object.fromEntries(Object.entries(labels).filter(([, label]) => (label ?? '').trim() !== ''));
    const outcome = await ops.setTerminology({ labels: chosen as Record<string, string> });
    if (outcome.ok) this.labels = outcome.value;
    return outcome;
  }
}

export const settings = new SettingsStore();
