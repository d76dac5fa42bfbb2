-- Migration 6 (issue 11, "Merge"): change tracking for merging bundles into cases already here (docs/FORMAT.md,
-- "Change tracking"; docs/ARCHITECTURE.md, "Merging bundles"). Once landed, never edit this file.

-- This vault's replica id and counter: each committed edit that changes a case record takes the next dot
-- (replica, counter). The replica id starts with 16 hex digits of the SHA-256 of the vault's signing key (so a
-- contact's replica is recognised) and ends with random digits; it is made at the first edit and made anew when
-- an older generation is restored, so a rolled-back counter never reissues a dot. One row; never in a bundle.
CREATE TABLE sync_replica (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    replica TEXT NOT NULL,
    counter INTEGER NOT NULL
) STRICT;

-- The dots of each field of each synced row. `col` '' is the row's existence: value '"alive"' or '"deleted"'. A
-- field with no row here has the dot of the row's one existence entry (its insertion), else the origin dot (a
-- record made before this migration), which every version vector covers; a field written since has its own row
-- (value NULL: the field's value is the record's); several when concurrent values are kept side by side (a
-- conflict), each with its value as JSON. At most one value per replica (a replica's writes follow one another,
-- so only its latest can stand). Travels in co-facilitator bundles.
CREATE TABLE sync_fields (
    case_id TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_key TEXT NOT NULL,
    col TEXT NOT NULL,
    replica TEXT NOT NULL,
    counter INTEGER NOT NULL,
    value TEXT,
    PRIMARY KEY (tbl, row_key, col, replica)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_fields_by_case ON sync_fields(case_id);

-- Each synced row's version vector (JSON object {replica: counter}) and whether it is deleted (a tombstone: the
-- record is gone, its key and vector stay so that nothing resurrects it). Travels in co-facilitator bundles.
CREATE TABLE sync_rows (
    case_id TEXT NOT NULL,
    tbl TEXT NOT NULL,
    row_key TEXT NOT NULL,
    vv TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tbl, row_key)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_rows_by_case ON sync_rows(case_id);

-- Each consent entry names the entries of its ledger (participant, activity, recipient) present when it was
-- recorded, as a JSON array of ids: an entry that knows none of another's is concurrent with it. NULL (entries
-- made before this migration): it knows every entry before it in effect order.
ALTER TABLE consents ADD COLUMN known TEXT;
