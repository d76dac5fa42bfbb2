-- Migration 1: the case model. Once landed, never edit this file; add a new migration instead.
-- Ids are UUIDv7 text; instants are RFC 3339 UTC text; calendar dates are YYYY-MM-DD text.
-- Every table has a primary key (the journal needs one). Consent and audit rows are append-only: the core
-- offers no operation that updates them, and only purging a case deletes them.

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE cases (
    id TEXT PRIMARY KEY NOT NULL,
    code_name TEXT NOT NULL,
    stage TEXT NOT NULL DEFAULT 'referral',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    referral_source TEXT NOT NULL DEFAULT '',
    referred_by_person_harmed INTEGER NOT NULL DEFAULT 1,
    gender_based_violence INTEGER NOT NULL DEFAULT 0,
    harmed_needs TEXT NOT NULL DEFAULT '',
    harmed_justice_vision TEXT NOT NULL DEFAULT '',
    opened_on TEXT,
    closed_on TEXT,
    outcome TEXT,
    outcome_summary TEXT,
    retention_until TEXT
) STRICT;

CREATE TABLE case_stage_changes (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    from_stage TEXT NOT NULL,
    to_stage TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
) STRICT;
CREATE INDEX case_stage_changes_by_case ON case_stage_changes(case_id, at);

CREATE TABLE case_tags (
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (case_id, tag)
) STRICT, WITHOUT ROWID;

CREATE TABLE participants (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    role TEXT NOT NULL,
    related_to TEXT REFERENCES participants(id) ON DELETE SET NULL,
    pronouns TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    access_needs TEXT NOT NULL DEFAULT '',
    cultural_needs TEXT NOT NULL DEFAULT '',
    safety_notes TEXT NOT NULL DEFAULT '',
    progress_updates TEXT NOT NULL DEFAULT 'through_facilitator',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX participants_by_case ON participants(case_id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    activity TEXT NOT NULL,
    shared_with TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL,
    method TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    expires_on TEXT,
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    seq INTEGER NOT NULL
) STRICT;
CREATE INDEX consents_current ON consents(participant_id, activity, shared_with, seq);
CREATE INDEX consents_by_seq ON consents(seq);

CREATE TABLE assessments (
    id TEXT PRIMARY KEY NOT NULL,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    checklist TEXT NOT NULL DEFAULT '[]',
    risk_level TEXT NOT NULL,
    decision TEXT NOT NULL,
    reasons TEXT NOT NULL,
    assessed_on TEXT NOT NULL,
    next_review_on TEXT,
    assessed_by TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX assessments_by_participant ON assessments(participant_id, assessed_on);

CREATE TABLE processes (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX processes_by_case ON processes(case_id);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    process_id TEXT REFERENCES processes(id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'scheduled',
    scheduled_for TEXT NOT NULL,
    held_on TEXT,
    private_notes TEXT NOT NULL DEFAULT '',
    shareable_summary TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_by_case ON sessions(case_id, scheduled_for);

CREATE TABLE session_attendees (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    PRIMARY KEY (session_id, participant_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE safety_plans (
    session_id TEXT PRIMARY KEY NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    venue TEXT NOT NULL DEFAULT '',
    separate_arrival INTEGER NOT NULL DEFAULT 1,
    separate_departure INTEGER NOT NULL DEFAULT 1,
    supports_present TEXT NOT NULL DEFAULT '',
    pause_signals TEXT NOT NULL DEFAULT '',
    stop_signals TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE agreements (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    agreed_by TEXT NOT NULL DEFAULT '[]',
    agreed_on TEXT NOT NULL
) STRICT;

CREATE TABLE shuttle_messages (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    process_id TEXT REFERENCES processes(id) ON DELETE SET NULL,
    author_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    recipient_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    content TEXT NOT NULL,
    written_at TEXT NOT NULL,
    approved_at TEXT,
    approval_note TEXT NOT NULL DEFAULT '',
    relayed_at TEXT
) STRICT;
CREATE INDEX shuttle_by_case ON shuttle_messages(case_id, written_at);

CREATE TABLE commitments (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    description TEXT NOT NULL,
    due_on TEXT,
    status TEXT NOT NULL DEFAULT 'not_started',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX commitments_by_case ON commitments(case_id);

CREATE TABLE progress_entries (
    id TEXT PRIMARY KEY NOT NULL,
    commitment_id TEXT NOT NULL REFERENCES commitments(id) ON DELETE CASCADE,
    entry_on TEXT NOT NULL,
    text TEXT NOT NULL,
    shareable INTEGER NOT NULL DEFAULT 0,
    verified_by TEXT NOT NULL DEFAULT '',
    verification TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX progress_by_commitment ON progress_entries(commitment_id, entry_on);

CREATE TABLE notes (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    participant_id TEXT REFERENCES participants(id) ON DELETE CASCADE,
    session_id TEXT REFERENCES sessions(id) ON DELETE CASCADE,
    shareable INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT
) STRICT;
CREATE INDEX notes_by_case ON notes(case_id);

CREATE TABLE attachments (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    note_id TEXT REFERENCES notes(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX attachments_by_case ON attachments(case_id);

CREATE TABLE tasks (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    session_id TEXT REFERENCES sessions(id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    due_on TEXT,
    done_at TEXT,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX tasks_by_case ON tasks(case_id);

CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_id TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_time ON audit_log(at);

-- Full-text search over every text field. A virtual table: not journaled; the triggers below keep it in step,
-- and they run again when the journal replays, so the index is always derived from the tables.
-- secure-delete removes a deleted row's terms from the index for real (a purge leaves no trace).
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, record_id UNINDEXED, case_id UNINDEXED, title, body,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO search_index(search_index, rank) VALUES('secure-delete', 1);
-- FTS5 can only scan to find a row by an UNINDEXED column: the triggers below find a record's row through this
-- index on the table's content store instead (`search_index_content`: id = rowid, c0 = kind, c1 = record_id; its
-- layout is part of FTS5's stable file format), so that changing one record costs the same in a vault of any size.
CREATE INDEX search_index_by_record ON search_index_content(c1);

CREATE TRIGGER cases_ai AFTER INSERT ON cases BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('case', new.id, new.id, new.code_name,
         new.harmed_needs || ' ' || new.harmed_justice_vision || ' ' || new.referral_source || ' ' || coalesce(new.outcome_summary, ''));
END;
CREATE TRIGGER cases_au AFTER UPDATE ON cases BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'case');
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('case', new.id, new.id, new.code_name,
         new.harmed_needs || ' ' || new.harmed_justice_vision || ' ' || new.referral_source || ' ' || coalesce(new.outcome_summary, ''));
END;
CREATE TRIGGER cases_ad AFTER DELETE ON cases BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'case');
END;

CREATE TRIGGER participants_ai AFTER INSERT ON participants BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('participant', new.id, new.case_id, new.alias,
         new.access_needs || ' ' || new.cultural_needs || ' ' || new.safety_notes);
END;
CREATE TRIGGER participants_au AFTER UPDATE ON participants BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'participant');
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('participant', new.id, new.case_id, new.alias,
         new.access_needs || ' ' || new.cultural_needs || ' ' || new.safety_notes);
END;
CREATE TRIGGER participants_ad AFTER DELETE ON participants BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'participant');
END;

CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body) VALUES('note', new.id, new.case_id, '', new.body);
END;
CREATE TRIGGER notes_au AFTER UPDATE ON notes BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'note');
  INSERT INTO search_index(kind, record_id, case_id, title, body) VALUES('note', new.id, new.case_id, '', new.body);
END;
CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'note');
END;

CREATE TRIGGER sessions_ai AFTER INSERT ON sessions BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('session', new.id, new.case_id, new.kind, new.private_notes || ' ' || new.shareable_summary);
END;
CREATE TRIGGER sessions_au AFTER UPDATE ON sessions BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'session');
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('session', new.id, new.case_id, new.kind, new.private_notes || ' ' || new.shareable_summary);
END;
CREATE TRIGGER sessions_ad AFTER DELETE ON sessions BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'session');
END;

CREATE TRIGGER agreements_ai AFTER INSERT ON agreements BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('agreement', new.id, (SELECT case_id FROM sessions WHERE id = new.session_id), '', new.text);
END;
CREATE TRIGGER agreements_ad AFTER DELETE ON agreements BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'agreement');
END;

CREATE TRIGGER shuttle_ai AFTER INSERT ON shuttle_messages BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body) VALUES('message', new.id, new.case_id, '', new.content);
END;
CREATE TRIGGER shuttle_ad AFTER DELETE ON shuttle_messages BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'message');
END;

CREATE TRIGGER commitments_ai AFTER INSERT ON commitments BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body) VALUES('commitment', new.id, new.case_id, new.kind, new.description);
END;
CREATE TRIGGER commitments_au AFTER UPDATE OF kind, description ON commitments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'commitment');
  INSERT INTO search_index(kind, record_id, case_id, title, body) VALUES('commitment', new.id, new.case_id, new.kind, new.description);
END;
CREATE TRIGGER commitments_ad AFTER DELETE ON commitments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'commitment');
END;

CREATE TRIGGER progress_ai AFTER INSERT ON progress_entries BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('progress', new.id, (SELECT case_id FROM commitments WHERE id = new.commitment_id), '', new.text);
END;
CREATE TRIGGER progress_ad AFTER DELETE ON progress_entries BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'progress');
END;

CREATE TRIGGER tasks_ai AFTER INSERT ON tasks BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body) VALUES('task', new.id, new.case_id, new.title, '');
END;
CREATE TRIGGER tasks_au AFTER UPDATE OF title ON tasks BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'task');
  INSERT INTO search_index(kind, record_id, case_id, title, body) VALUES('task', new.id, new.case_id, new.title, '');
END;
CREATE TRIGGER tasks_ad AFTER DELETE ON tasks BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'task');
END;

CREATE TRIGGER assessments_ai AFTER INSERT ON assessments BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body)
  VALUES('assessment', new.id, (SELECT case_id FROM participants WHERE id = new.participant_id), new.decision, new.reasons);
END;
CREATE TRIGGER assessments_ad AFTER DELETE ON assessments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'assessment');
END;
