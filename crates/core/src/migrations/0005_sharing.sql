-- Migration 5 (issue 11): what sharing cases between vaults must remember. Once landed, never edit this file.
-- Consent to share a case with a contact needs no new column: it is a `consents` entry for the activity
-- `information_sharing` whose `shared_with` is `contact:` followed by the contact's signing key (docs/FORMAT.md,
-- "Consent to share with a recipient"); a named person or role without a key stays free text, as before.

-- A purged case is remembered by its id only (a random UUID, no content), so that a bundle can never bring it
-- back. Written by `purge_case` in the same transaction as the deletion.
CREATE TABLE purged_cases (
    case_id TEXT PRIMARY KEY NOT NULL,
    purged_at TEXT NOT NULL
) STRICT;

-- Bundles applied to this vault: a re-import of the same bundle changes nothing, and the same bundle id with
-- another content is refused.
CREATE TABLE imported_bundles (
    bundle_id TEXT PRIMARY KEY NOT NULL,
    sha256 TEXT NOT NULL,
    signing_key TEXT NOT NULL,
    imported_at TEXT NOT NULL
) STRICT;
