// What a failed unlock means and what to do, in calm words, for each error code the Rust side can send
// (an exhaustive switch: a new code fails the type check until it is worded here).
import type { CommandError, ErrorCode } from '../ipc';
import { currentLang, type Lang } from '../safety/lang';

/** A failed unlock, worded for the person: what happened, and what to do next. */
export interface UnlockMessage {
  /** Which of the four situations the issue names, or `other`. */
  situation: 'wrong_key' | 'damaged' | 'rollback' | 'in_use' | 'newer_format' | 'other';
  text: string;
  next: string;
}

type Words = Record<UnlockMessage['situation'] | 'wrongRecovery' | 'diskFull' | 'noVault' | 'locked', [string, string]>;

const WORDS: Record<Lang, Words> = {
  en: {
    wrong_key: [
      'That passphrase does not open this vault.',
      'Check for a missing word or a different keyboard layout, then try again. If it is lost, you can open the vault with your recovery key.',
    ],
    wrongRecovery: [
      'That recovery key does not open this vault.',
      'Check that it is the key for this vault and that no character is missing. Spaces and line breaks do not matter.',
    ],
    damaged: [
      'One of the vault’s files is damaged, so it cannot be opened as it is. Nothing was changed.',
      'Your earlier backups are still in the vault folder. Please do not delete anything; see below for the way back.',
    ],
    rollback: [
      'The vault folder holds an older copy than this computer has seen. Nothing was changed.',
      'If an older copy was put back on purpose, you can choose to open it.',
    ],
    in_use: [
      'This vault is already open in another Circlebook window.',
      'Close Circlebook there (or wait for it to finish), then try again here.',
    ],
    newer_format: [
      'This vault was saved by a newer version of Circlebook.',
      'Nothing was changed. Please install the newer version of Circlebook to open it.',
    ],
    diskFull: ['The disk is full.', 'Free some space, then try again. Nothing was changed.'],
    noVault: ['There is no vault in this folder any more.', 'Restart Circlebook to create one or to find yours.'],
    locked: ['The vault is locked.', 'Unlock it first.'],
    other: ['Circlebook could not open the vault just now.', 'Please try again. If it keeps happening, restart Circlebook.'],
  },
  es: {
    wrong_key: [
      'Esa frase de contraseña no abre esta bóveda.',
      'Revisa si falta una palabra o si el teclado tiene otra distribución, y vuelve a intentarlo. Si la has perdido, puedes abrir la bóveda con tu clave de recuperación.',
    ],
    wrongRecovery: [
      'Esa clave de recuperación no abre esta bóveda.',
      'Comprueba que sea la clave de esta bóveda y que no falte ningún carácter. Los espacios y saltos de línea no importan.',
    ],
    damaged: [
      'Uno de los archivos de la bóveda está dañado, así que no se puede abrir tal como está. No se ha cambiado nada.',
      'Tus copias anteriores siguen en la carpeta de la bóveda. Por favor, no borres nada; más abajo está el camino de vuelta.',
    ],
    rollback: [
      'La carpeta de la bóveda contiene una copia más antigua que la que este ordenador ha visto. No se ha cambiado nada.',
      'Si se puso a propósito una copia más antigua, puedes elegir abrirla.',
    ],
    in_use: [
      'Esta bóveda ya está abierta en otra ventana de Circlebook.',
      'Cierra Circlebook allí (o espera a que termine) y vuelve a intentarlo aquí.',
    ],
    newer_format: [
      'Esta bóveda la guardó una versión más nueva de Circlebook.',
      'No se ha cambiado nada. Instala la versión más nueva de Circlebook para abrirla.',
    ],
    diskFull: ['El disco está lleno.', 'Libera espacio y vuelve a intentarlo. No se ha cambiado nada.'],
    noVault: ['Ya no hay ninguna bóveda en esta carpeta.', 'Reinicia Circlebook para crear una o encontrar la tuya.'],
    locked: ['La bóveda está bloqueada.', 'Desbloquéala primero.'],
    other: ['Circlebook no pudo abrir la bóveda ahora.', 'Vuelve a intentarlo. Si sigue pasando, reinicia Circlebook.'],
  },
};

function situation(code: ErrorCode): [UnlockMessage['situation'], keyof Words] {
  switch (code) {
    case 'wrong_passphrase':
      return ['wrong_key', 'wrong_key'];
    case 'wrong_recovery_key':
      return ['wrong_key', 'wrongRecovery'];
    case 'damaged':
      return ['damaged', 'damaged'];
    case 'rollback':
      return ['rollback', 'rollback'];
    case 'already_open':
      return ['in_use', 'in_use'];
    case 'newer_format':
      return ['newer_format', 'newer_format'];
    case 'disk_full':
      return ['other', 'diskFull'];
    case 'no_vault':
      return ['other', 'noVault'];
    case 'locked':
      return ['other', 'locked'];
    case 'weak_passphrase':
    case 'vault_exists':
    case 'invalid_input':
    case 'io':
    case 'not_found':
    case 'consent_required':
    case 'approval_required':
    case 'not_allowed':
    case 'internal':
      return ['other', 'other'];
    default: {
      const unworded: never = code;
      return unworded;
    }
  }
}

/** The calm message for a failed unlock, in the current language (or `lang`). */
export function unlockMessage(error: CommandError, lang: Lang = currentLang()): UnlockMessage {
  const [kind, words] = situation(error.code);
  const [text, next] = WORDS[lang][words];
  return { situation: kind, text, next };
}
