-- Contacts (issue 11): other vaults this one exchanges bundles with, added from their contact cards.
-- The name is the card's claim; verified_at is set when the facilitator compared fingerprints by voice.
-- Keyed by the signing key (unpadded URL-safe base64 of the Ed25519 public key); not part of any case.
CREATE TABLE contacts (
    signing_key TEXT PRIMARY KEY NOT NULL,
    recipient TEXT NOT NULL,
    name TEXT NOT NULL,
    added_at TEXT NOT NULL,
    verified_at TEXT
) STRICT;
CREATE INDEX contacts_by_recipient ON contacts(recipient);
