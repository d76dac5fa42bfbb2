-- Migration 3: the search index covers every text a facilitator writes.
--
-- Besides migration 2's fields: a participant's pronouns, a session's cancellation reason and safety plan, a relayed
-- message's approval note, who verified a progress entry and how, an assessment's checklist (answers and notes),
-- and rows of their own for processes (their notes), consent ledger entries with a note or a named recipient, stage
-- changes (who decided and why) and attachments (their titles). Not a participant's private contact details: a
-- search result should never put an address or a phone number on the screen.
--
-- The index is built again from the tables, as in migration 2 (format 4, no secure-delete, the same facets). What
-- made this affordable is the ranking (crates/fts-rank), not anything here: docs/PERFORMANCE.md.

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
DROP TRIGGER search_facets_stage;
DROP TRIGGER search_facets_process_ai;
DROP TRIGGER search_facets_process_au;
DROP TRIGGER search_facets_process_ad;
DROP TRIGGER search_facets_tag_ai;
DROP TRIGGER search_facets_tag_ad;
DROP TRIGGER search_facets_role;
DROP TRIGGER search_facets_attendee_ai;
DROP TRIGGER search_facets_attendee_ad;
DROP VIEW search_case_facets;
DROP VIEW search_role_facet;
DROP VIEW search_session_facets;
DROP VIEW search_rows;
DROP TABLE search_index;

CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, record_id UNINDEXED, case_id UNINDEXED, title, body, case_facets, record_facets,
    tokenize = 'unicode61 remove_diacritics 2'
);
-- As in migration 1: find a record's row, and a case's rows, through FTS5's content store (id = rowid, c0 = kind,
-- c1 = record_id, c2 = case_id) instead of scanning it.
CREATE INDEX search_index_by_record ON search_index_content(c1);
CREATE INDEX search_index_by_case ON search_index_content(c2);

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

-- What a session's row holds: its notes and summary, why it was cancelled, and its safety plan.
CREATE VIEW search_session_text(session_id, body) AS
SELECT s.id,
       s.private_notes || ' ' || s.shareable_summary || ' ' || s.cancel_reason
       || coalesce((SELECT ' ' || p.venue || ' ' || p.supports_present || ' ' || p.pause_signals || ' ' || p.stop_signals
                           || ' ' || p.notes FROM safety_plans p WHERE p.session_id = s.id), '')
FROM sessions s;

-- What an assessment's row holds: its reasons and its checklist's answers and notes (not its questions, which are
-- the same form every time).
CREATE VIEW search_assessment_text(assessment_id, body) AS
SELECT a.id, a.reasons || coalesce((SELECT ' ' || group_concat(j.value, ' ') FROM json_tree(a.checklist) j
                                    WHERE j.type = 'text' AND j.key IN ('answer', 'note')), '')
FROM assessments a;

-- Every row of the index, as the tables say it should be. Used to build the index below; the triggers keep it so.
CREATE VIEW search_rows(kind, record_id, case_id, title, body, record_facets) AS
SELECT 'case', id, id, code_name,
       harmed_needs || ' ' || harmed_justice_vision || ' ' || referral_source || ' ' || coalesce(outcome_summary, ''), ''
FROM cases
UNION ALL
SELECT 'participant', id, case_id, alias, pronouns || ' ' || access_needs || ' ' || cultural_needs || ' ' || safety_notes,
       'r' || replace(role, '_', '')
FROM participants
UNION ALL
SELECT 'note', id, case_id, '', body, coalesce((SELECT facet FROM search_role_facet WHERE participant_id = notes.participant_id), '')
FROM notes
UNION ALL
SELECT 'session', id, case_id, kind, (SELECT body FROM search_session_text WHERE session_id = sessions.id),
       coalesce((SELECT facets FROM search_session_facets WHERE session_id = sessions.id), '')
FROM sessions
UNION ALL
SELECT 'agreement', a.id, s.case_id, '', a.text, '' FROM agreements a JOIN sessions s ON s.id = a.session_id
UNION ALL
SELECT 'message', id, case_id, '', content || ' ' || approval_note,
       coalesce((SELECT facet FROM search_role_facet WHERE participant_id = author_id), '')
FROM shuttle_messages
UNION ALL
SELECT 'commitment', id, case_id, kind, description,
       coalesce((SELECT facet FROM search_role_facet WHERE participant_id = commitments.participant_id), '')
FROM commitments
UNION ALL
SELECT 'progress', e.id, c.case_id, '', e.text || ' ' || e.verified_by || ' ' || e.verification,
       coalesce((SELECT facet FROM search_role_facet WHERE participant_id = c.participant_id), '')
FROM progress_entries e JOIN commitments c ON c.id = e.commitment_id
UNION ALL
SELECT 'task', id, case_id, title, '', '' FROM tasks
UNION ALL
SELECT 'assessment', a.id, p.case_id, a.decision, (SELECT body FROM search_assessment_text WHERE assessment_id = a.id),
       'r' || replace(p.role, '_', '')
FROM assessments a JOIN participants p ON p.id = a.participant_id
UNION ALL
SELECT 'process', id, case_id, kind, note, '' FROM processes
UNION ALL
SELECT 'consent', c.id, p.case_id, '', c.note || ' ' || c.shared_with, 'r' || replace(p.role, '_', '')
FROM consents c JOIN participants p ON p.id = c.participant_id
WHERE c.note <> '' OR c.shared_with <> ''
UNION ALL
SELECT 'stage_change', id, case_id, '', decided_by || ' ' || reason, '' FROM case_stage_changes
UNION ALL
SELECT 'attachment', id, case_id, title, '', '' FROM attachments;

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
  VALUES('participant', new.id, new.case_id, new.alias,
         new.pronouns || ' ' || new.access_needs || ' ' || new.cultural_needs || ' ' || new.safety_notes,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), 'r' || replace(new.role, '_', ''));
END;
CREATE TRIGGER participants_au AFTER UPDATE ON participants BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'participant');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('participant', new.id, new.case_id, new.alias,
         new.pronouns || ' ' || new.access_needs || ' ' || new.cultural_needs || ' ' || new.safety_notes,
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
  VALUES('session', new.id, new.case_id, new.kind, (SELECT body FROM search_session_text WHERE session_id = new.id),
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facets FROM search_session_facets WHERE session_id = new.id), ''));
END;
CREATE TRIGGER sessions_au AFTER UPDATE ON sessions BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'session');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('session', new.id, new.case_id, new.kind, (SELECT body FROM search_session_text WHERE session_id = new.id),
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
  VALUES('message', new.id, new.case_id, '', new.content || ' ' || new.approval_note,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
         coalesce((SELECT facet FROM search_role_facet WHERE participant_id = new.author_id), ''));
END;
CREATE TRIGGER shuttle_au AFTER UPDATE OF content, approval_note, author_id ON shuttle_messages BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'message');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('message', new.id, new.case_id, '', new.content || ' ' || new.approval_note,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id),
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
  SELECT 'progress', new.id, c.case_id, '', new.text || ' ' || new.verified_by || ' ' || new.verification,
         (SELECT facets FROM search_case_facets WHERE case_id = c.case_id),
         coalesce((SELECT facet FROM search_role_facet WHERE participant_id = c.participant_id), '')
  FROM commitments c WHERE c.id = new.commitment_id;
END;
CREATE TRIGGER progress_au AFTER UPDATE OF text, verified_by, verification, commitment_id ON progress_entries BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'progress');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  SELECT 'progress', new.id, c.case_id, '', new.text || ' ' || new.verified_by || ' ' || new.verification,
         (SELECT facets FROM search_case_facets WHERE case_id = c.case_id),
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
  SELECT 'assessment', new.id, p.case_id, new.decision, (SELECT body FROM search_assessment_text WHERE assessment_id = new.id),
         (SELECT facets FROM search_case_facets WHERE case_id = p.case_id), 'r' || replace(p.role, '_', '')
  FROM participants p WHERE p.id = new.participant_id;
END;
CREATE TRIGGER assessments_au AFTER UPDATE ON assessments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'assessment');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  SELECT 'assessment', new.id, p.case_id, new.decision, (SELECT body FROM search_assessment_text WHERE assessment_id = new.id),
         (SELECT facets FROM search_case_facets WHERE case_id = p.case_id), 'r' || replace(p.role, '_', '')
  FROM participants p WHERE p.id = new.participant_id;
END;
CREATE TRIGGER assessments_ad AFTER DELETE ON assessments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'assessment');
END;

-- A session's safety plan is part of the session's row.
CREATE TRIGGER safety_plans_ai AFTER INSERT ON safety_plans BEGIN
  UPDATE search_index SET body = (SELECT body FROM search_session_text WHERE session_id = new.session_id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = new.session_id AND c0 = 'session');
END;
CREATE TRIGGER safety_plans_au AFTER UPDATE ON safety_plans BEGIN
  UPDATE search_index SET body = (SELECT body FROM search_session_text WHERE session_id = new.session_id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = new.session_id AND c0 = 'session');
END;
CREATE TRIGGER safety_plans_ad AFTER DELETE ON safety_plans BEGIN
  UPDATE search_index SET body = (SELECT body FROM search_session_text WHERE session_id = old.session_id)
  WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.session_id AND c0 = 'session');
END;

CREATE TRIGGER processes_ai AFTER INSERT ON processes BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('process', new.id, new.case_id, new.kind, new.note, (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), '');
END;
CREATE TRIGGER processes_au AFTER UPDATE OF kind, note, case_id ON processes BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'process');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('process', new.id, new.case_id, new.kind, new.note, (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), '');
END;
CREATE TRIGGER processes_ad AFTER DELETE ON processes BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'process');
END;

-- The consent ledger is append-only: an entry has a row when it has words of its own (a note, a named recipient).
CREATE TRIGGER consents_ai AFTER INSERT ON consents WHEN new.note <> '' OR new.shared_with <> '' BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  SELECT 'consent', new.id, p.case_id, '', new.note || ' ' || new.shared_with,
         (SELECT facets FROM search_case_facets WHERE case_id = p.case_id), 'r' || replace(p.role, '_', '')
  FROM participants p WHERE p.id = new.participant_id;
END;
CREATE TRIGGER consents_ad AFTER DELETE ON consents BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'consent');
END;

CREATE TRIGGER stage_changes_ai AFTER INSERT ON case_stage_changes BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('stage_change', new.id, new.case_id, '', new.decided_by || ' ' || new.reason,
         (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), '');
END;
CREATE TRIGGER stage_changes_ad AFTER DELETE ON case_stage_changes BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'stage_change');
END;

CREATE TRIGGER attachments_ai AFTER INSERT ON attachments BEGIN
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('attachment', new.id, new.case_id, new.title, '', (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), '');
END;
CREATE TRIGGER attachments_au AFTER UPDATE OF title, case_id ON attachments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'attachment');
  INSERT INTO search_index(kind, record_id, case_id, title, body, case_facets, record_facets)
  VALUES('attachment', new.id, new.case_id, new.title, '', (SELECT facets FROM search_case_facets WHERE case_id = new.case_id), '');
END;
CREATE TRIGGER attachments_ad AFTER DELETE ON attachments BEGIN
  DELETE FROM search_index WHERE rowid IN (SELECT id FROM search_index_content WHERE c1 = old.id AND c0 = 'attachment');
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
    UNION ALL SELECT id FROM consents WHERE participant_id = new.id
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
