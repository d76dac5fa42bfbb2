-- Migration 2: the search index, rebuilt.
--
-- 1. Without FTS5 `secure-delete`: that option raises the index's file format to 5, which SQLite before 3.42 cannot
--    write (Debian 12 ships 3.40). The recovery recipe replays journal records with the system `sqlite3`, and the
--    triggers below write to the index as they replay, so the index must stay in format 4. A purge still leaves no
--    trace: it runs FTS5 'optimize' (which merges away deleted entries) and VACUUM.
-- 2. With filter facets as indexed words, so that a filtered search is one FTS5 query instead of a lookup per match:
--    `case_facets` holds the case's stage ("s" + stage), process kinds ("p" + kind) and tags ("t" + hex of the tag);
--    `record_facets` holds the role of the participant a record belongs to ("r" + role; for a session, every
--    attendee's role). Underscores are dropped so that each facet is one token. Users' words are matched only in
--    `title` and `body`.

DROP TRIGGER cases_ai;
DROP TRIGGER cases_au;
DROP TRIGGER cases_ad;
DROP TRIGGER participants_ai;
DROP TRIGGER participants_au;
DROP TRIGGER participants_ad;
DROP TRIGGER notes_ai;
DROP TRIGGER notes_au;
DROP TRIGGER notes_ad;
DROP TRIGGER sessions_ai;
DROP TRIGGER sessions_au;
DROP TRIGGER sessions_ad;
DROP TRIGGER agreements_ai;
DROP TRIGGER agreements_ad;
DROP TRIGGER shuttle_ai;
DROP TRIGGER shuttle_ad;
DROP TRIGGER commitments_ai;
DROP TRIGGER commitments_au;
DROP TRIGGER commitments_ad;
DROP TRIGGER progress_ai;
DROP TRIGGER progress_ad;
DROP TRIGGER tasks_ai;
DROP TRIGGER tasks_au;
DROP TRIGGER tasks_ad;
DROP TRIGGER assessments_ai;
DROP TRIGGER assessments_ad;
DROP TABLE search_index;

CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, record_id UNINDEXED, case_id UNINDEXED, title, body, case_facets, record_facets,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- As in migration 1: find a record's row, and a case's rows, through FTS5's content store (id = rowid, c0 = kind,
-- c1 = record_id, c2 = case_id) instead of scanning it.
CREATE INDEX search_index_by_record ON search_index_content(c1);
CREATE INDEX search_index_by_case ON search_index_content(c2);
-- So that refreshing facets finds a participant's sessions and a session's agreements without a scan.
CREATE INDEX session_attendees_by_participant ON session_attendees(participant_id);
CREATE INDEX agreements_by_session ON agreements(session_id);

CREATE VIEW search_case_facets(case_id, facets) AS
SELECT c.id,
       's' || replace(c.stage, '_', '')
       || coalesce((SELECT ' ' || group_concat('p' || replace(p.kind, '_', ''), ' ') FROM processes p WHERE p.case_id = c.id), '')
       || coalesce((SELECT ' ' || group_concat('t' || hex(t.tag), ' ') FROM case_tags t WHERE t.case_id = c.id), '')
FROM cases c;

CREATE VIEW search_role_facet(participant_id, facet) AS
SELECT id, 'r' || replace(role, '_', '') FROM participants;

-- The role facets of a session: its attendees' roles.
CREATE VIEW search_session_facets(session_id, facets) AS
SELECT a.session_id, group_concat(DISTINCT f.facet)
FROM session_attendees a JOIN search_role_facet f ON f.participant_id = a.participant_id
GROUP BY a.session_id;

-- Every row of the index, as the tables say it should be. Used to build the index below; the triggers keep it so.
CREATE VIEW search_rows(kind, record_id, case_id, title, body, record_facets) AS
SELECT 'case', id, id, code_name,
       harmed_needs || ' ' || harmed_justice_vision || ' ' || referral_source || ' ' || coalesce(outcome_summary, ''), ''
FROM cases
UNION ALL
SELECT 'participant', id, case_id, alias, access_needs || ' ' || cultural_needs || ' ' || safety_notes,
       'r' || replace(role, '_', '')
FROM participants
UNION ALL
SELECT 'note', id, case_id, '', body, coalesce((SELECT facet FROM search_role_facet WHERE participant_id = notes.participant_id), '')
FROM notes
UNION ALL
SELECT 'session', id, case_id, kind, private_notes || ' ' || shareable_summary,
       coalesce((SELECT facets FROM search_session_facets WHERE session_id = sessions.id), '')
FROM sessions
UNION ALL
SELECT 'agreement', a.id, s.case_id, '', a.text, '' FROM agreements a JOIN sessions s ON s.id = a.session_id
UNION ALL
SELECT 'message', id, case_id, '', content, coalesce((SELECT facet FROM search_role_facet WHERE participant_id = author_id), '')
FROM shuttle_messages
UNION ALL
SELECT 'commitment', id, case_id, kind, description,
       coalesce((SELECT facet FROM search_role_facet WHERE participant_id = commitments.participant_id), '')
FROM commitments
UNION ALL
SELECT 'progress', e.id, c.case_id, '', e.text, coalesce((SELECT facet FROM search_role_facet WHERE participant_id = c.participant_id), '')
FROM progress_entries e JOIN commitments c ON c.id = e.commitment_id
UNION ALL
SELECT 'task', id, case_id, title, '', '' FROM tasks
UNION ALL
SELECT 'assessment', a.id, p.case_id, a.decision, a.reasons, 'r' || replace(p.role, '_', '')
FROM assessments a JOIN participants p ON p.id = a.participant_id;

INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
SELECT r.kind, r.record_id, r.case_id, r.title, r.body, f.facets, r.record_facets
FROM search_rows r JOIN search_case_facets f ON f.case_id = r.case_id;

-- Records: each change deletes the record's row and inserts it afresh.

CREATE TRIGGER cases_ai AFTER INSERT ON cases BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('case', new.id, new.id, new.code_name,
         new.harmed_needs || ' ' || new.harmed_justice_vision || ' ' || new.referral_source || ' ' || coalesce(new.outcome_summary, ''),
         (SELECT facets FROM search_case_facets WHERE case_id = new.id), '');
END;
CREATE TRIGGER cases_au AFTER UPDATE ON cases BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'case');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('case', new.id, new.id, new.code_name,
         new.harmed_needs || ' ' || new.harmed_justice_vision || ' ' || new.referral_source || ' ' || coalesce(new.outcome_summary, ''),
         (SELECT facets FROM search_case_facets WHERE case_id = new.id), '');
END;
CREATE TRIGGER cases_ad AFTER DELETE ON cases BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'case');
END;

CREATE TRIGGER participants_ai AFTER INSERT ON participants BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('participant', new.id, new.case_id, new.alias, new.access_needs || ' ' || new.cultural_needs || ' ' || new.safety_notes,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), 'r' || replace(new.role, '_', ''));
END;
CREATE TRIGGER participants_au AFTER UPDATE ON participants BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'participant');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('participant', new.id, new.case_id, new.alias, new.access_needs || ' ' || new.cultural_needs || ' ' || new.safety_notes,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), 'r' || replace(new.role, '_', ''));
END;
CREATE TRIGGER participants_ad AFTER DELETE ON participants BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'participant');
END;

CREATE TRIGGER notes_ai AFTER INSERT ON notes BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('note', new.id, new.case_id, '', new.body, (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facet FROM search_role_facet WHERE participant_id = new.participant_id), ''));
END;
CREATE TRIGGER notes_au AFTER UPDATE ON notes BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'note');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('note', new.id, new.case_id, '', new.body, (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facet FROM search_role_facet WHERE participant_id = new.participant_id), ''));
END;
CREATE TRIGGER notes_ad AFTER DELETE ON notes BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'note');
END;

CREATE TRIGGER sessions_ai AFTER INSERT ON sessions BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('session', new.id, new.case_id, new.kind, new.private_notes || ' ' || new.shareable_summary,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facets FROM search_session_facets WHERE session_id = new.id), ''));
END;
CREATE TRIGGER sessions_au AFTER UPDATE ON sessions BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'session');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('session', new.id, new.case_id, new.kind, new.private_notes || ' ' || new.shareable_summary,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facets FROM search_session_facets WHERE session_id = new.id), ''));
END;
CREATE TRIGGER sessions_ad AFTER DELETE ON sessions BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'session');
END;

CREATE TRIGGER agreements_ai AFTER INSERT ON agreements BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  SELECT 'agreement', new.id, s.case_id, '', new.text, (SELECT facets FROM search_case_facets WHERE case_id = s.case_id), ''
  FROM sessions s WHERE s.id = new.session_id;
END;
CREATE TRIGGER agreements_ad AFTER DELETE ON agreements BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'agreement');
END;

CREATE TRIGGER shuttle_ai AFTER INSERT ON shuttle_messages BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('message', new.id, new.case_id, '', new.content, (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facet FROM search_role_facet WHERE participant_id = new.author_id), ''));
END;
CREATE TRIGGER shuttle_ad AFTER DELETE ON shuttle_messages BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'message');
END;

CREATE TRIGGER commitments_ai AFTER INSERT ON commitments BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('commitment', new.id, new.case_id, new.kind, new.description,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facet FROM search_role_facet WHERE participant_id = new.participant_id), ''));
END;
CREATE TRIGGER commitments_au AFTER UPDATE OF kind, description, participant_id ON commitments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'commitment');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('commitment', new.id, new.case_id, new.kind, new.description,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facet FROM search_role_facet WHERE participant_id = new.participant_id), ''));
END;
CREATE TRIGGER commitments_ad AFTER DELETE ON commitments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'commitment');
END;

CREATE TRIGGER progress_ai AFTER INSERT ON progress_entries BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  SELECT 'progress', new.id, c.case_id, '', new.text, (SELECT facets FROM search_case_facets WHERE case_id = c.case_id),
         coalesce((SELECT facet FROM search_role_facet WHERE participant_id = c.participant_id), '')
  FROM commitments c WHERE c.id = new.commitment_id;
END;
CREATE TRIGGER progress_ad AFTER DELETE ON progress_entries BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'progress');
END;

CREATE TRIGGER tasks_ai AFTER INSERT ON tasks BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('task', new.id, new.case_id, new.title, '', (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), '');
END;
CREATE TRIGGER tasks_au AFTER UPDATE OF title ON tasks BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'task');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('task', new.id, new.case_id, new.title, '', (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), '');
END;
CREATE TRIGGER tasks_ad AFTER DELETE ON tasks BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'task');
END;

CREATE TRIGGER assessments_ai AFTER INSERT ON assessments BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  SELECT 'assessment', new.id, p.case_id, new.decision, new.reasons, (SELECT facets FROM search_case_facets WHERE case_id = p.case_id),
         'r' || replace(p.role, '_', '')
  FROM participants p WHERE p.id = new.participant_id;
END;
CREATE TRIGGER assessments_ad AFTER DELETE ON assessments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'assessment');
END;

-- Facets: a change to a case's stage, processes or tags rewrites the case facets of every row of the case; a change
-- to a participant's role or to who attended a session rewrites the role facets of the rows concerned. (Not while
-- the case itself is being deleted: its rows go with it.)

CREATE TRIGGER search_facets_stage AFTER UPDATE OF stage ON cases WHEN old.stage IS NOT new.stage BEGIN
  UPDATE search_index SET case_facets = (SELECT facets FROM search_case_facets WHERE case_id = new.id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c2 = new.id);
END;
CREATE TRIGGER search_facets_process_ai AFTER INSERT ON processes BEGIN
  UPDATE search_index SET case_facets = (SELECT facets FROM search_case_facets WHERE case_id = new.case_id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c2 = new.case_id);
END;
CREATE TRIGGER search_facets_process_au AFTER UPDATE OF kind, case_id ON processes BEGIN
  UPDATE search_index SET case_facets = (SELECT facets FROM search_case_facets WHERE case_id = search_index.case_id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c2 IN (old.case_id, new.case_id));
END;
CREATE TRIGGER search_facets_process_ad AFTER DELETE ON processes
WHEN EXISTS (SELECT 1 FROM cases WHERE id = old.case_id) BEGIN
  UPDATE search_index SET case_facets = (SELECT facets FROM search_case_facets WHERE case_id = old.case_id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c2 = old.case_id);
END;
CREATE TRIGGER search_facets_tag_ai AFTER INSERT ON case_tags BEGIN
  UPDATE search_index SET case_facets = (SELECT facets FROM search_case_facets WHERE case_id = new.case_id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c2 = new.case_id);
END;
CREATE TRIGGER search_facets_tag_ad AFTER DELETE ON case_tags
WHEN EXISTS (SELECT 1 FROM cases WHERE id = old.case_id) BEGIN
  UPDATE search_index SET case_facets = (SELECT facets FROM search_case_facets WHERE case_id = old.case_id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c2 = old.case_id);
END;

CREATE TRIGGER search_facets_role AFTER UPDATE OF role ON participants WHEN old.role IS NOT new.role BEGIN
  UPDATE search_index SET record_facets = 'r' || replace(new.role, '_', '')
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 IN (
    SELECT id FROM assessments WHERE participant_id = new.id
    UNION ALL SELECT id FROM notes WHERE case_id = new.case_id AND participant_id = new.id
    UNION ALL SELECT id FROM shuttle_messages WHERE case_id = new.case_id AND author_id = new.id
    UNION ALL SELECT id FROM commitments WHERE case_id = new.case_id AND participant_id = new.id
    UNION ALL SELECT e.id FROM progress_entries e JOIN commitments c ON c.id = e.commitment_id
              WHERE c.case_id = new.case_id AND c.participant_id = new.id));
  UPDATE search_index SET record_facets = coalesce((SELECT facets FROM search_session_facets WHERE session_id = search_index.record_id), '')
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c0 = 'session'
                  AND c1 IN (SELECT session_id FROM session_attendees WHERE participant_id = new.id));
END;
CREATE TRIGGER search_facets_attendee_ai AFTER INSERT ON session_attendees BEGIN
  UPDATE search_index SET record_facets = coalesce((SELECT facets FROM search_session_facets WHERE session_id = new.session_id), '')
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = new.session_id AND c0 = 'session');
END;
CREATE TRIGGER search_facets_attendee_ad AFTER DELETE ON session_attendees BEGIN
  UPDATE search_index SET record_facets = coalesce((SELECT facets FROM search_session_facets WHERE session_id = old.session_id), '')
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.session_id AND c0 = 'session');
END;
