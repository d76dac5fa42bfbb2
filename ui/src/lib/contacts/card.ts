// What the page can tell about a pasted contact card before asking the core, and the groups a fingerprint is
// read aloud in. The core checks the card fully (its self-signature); these only give clearer words sooner.
import type { Identity } from '../ipc';

/** The format tag every card starts with (crates/core/src/bundle/card.rs). */
export const CARD_TAG = 'circlebook-card-1';

/** Why a pasted card is not added, as the screen words it. */
export type CardProblem = 'empty' | 'not_a_card' | 'own_card';

/** A problem visible without the core: nothing pasted, not a card's shape, or this vault's own card. */
export function cardProblem(text: string, me: Identity | null): CardProblem | null {
  const card = text.trim();
  if (card === '') return 'empty';
  const fields = card.split(' ');
  if (fields.length !== 5 || fields[0] !== CARD_TAG) return 'not_a_card';
  if (me && (fields[1] === me.recipient || fields[2] === me.signing_key)) return 'own_card';
  return null;
}

/** A fingerprint's digits in groups of five, as both people read them aloud. */
export function groups(fingerprint: string): string[] {
  return fingerprint.replace(/\s+/g, '').match(/.{1,5}/g) ?? [];
}
