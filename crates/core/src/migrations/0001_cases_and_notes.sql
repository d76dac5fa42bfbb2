-- Migration 1: the first tables. Landed: never edit; add a new migration instead.
CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    code_name TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT 'referral',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE notes (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

CREATE INDEX notes_by_case ON notes(case_id);
