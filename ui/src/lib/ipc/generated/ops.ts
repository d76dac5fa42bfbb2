// Generated from the operation registry in crates/core/src/model/ops.rs. Do not edit by hand:
// `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings` rewrites it.
import { invokeOp } from '../invoke';
import type { Agreement, ApproveMessage, Assessment, Attachment, AttachmentContent, AttachmentFilter, AttachmentRef, AttendeeChange, AttentionFilter, AuditEntry, AuditFilter, BundlePreview, CancelSession, Case, CaseFile, CaseFilter, CaseParticipants, CaseRecord, CaseRef, CaseSummary, CaseUpdate, ChangeStage, CloseCase, Commitment, CommitmentUpdate, CommitmentsOfCase, Conflict, ConflictScope, ConsentEntry, Contact, ContactRef, CurrentConsent, DueArgs, DueList, ExchangeFolderArgs, ExchangeStatus, ExportArgs, ExportPlan, ExportPreview, Exported, FollowUp, Identity, IdentityArgs, ImportArgs, Imported, MessageRef, MessagesOfCase, NewAgreement, NewAssessment, NewAttachment, NewCase, NewCommitment, NewContact, NewFollowUp, NewMessage, NewNote, NewParticipant, NewProgress, NewTask, NoArgs, Note, NoteFilter, NoteRef, NoteUpdate, OpenProcess, Participant, ParticipantRecord, ParticipantRef, ParticipantScope, ParticipantUpdate, PreviewArgs, Process, ProcessesOfCase, ProgrammeReport, ProgressEntry, ProgressReport, ProgressReportFor, PurgeCase, Purged, RecordConsent, RecordSession, RecordedAssessment, ReportArgs, ResolveConflict, Resolved, RoleLabel, SafetyPlan, ScheduleSession, SearchArgs, SearchHit, Session, SessionAttention, SessionNotes, SessionRecord, SessionRef, SessionsOfCase, SetProcessStatus, SetSafetyPlan, SetTags, SetTerminology, ShuttleMessage, Task, TaskFilter, TaskRef, TimelineArgs, TimelineItem, WithdrawConsent } from './types';

/** Every operation on an unlocked vault, by its registry name. */
export const ops = {
  /** Record an agreement reached in a held session, with who agreed to it. */
  addAgreement: (args: NewAgreement) => invokeOp<Agreement>('add_agreement', args),
  /** Keep a file (at most 10 MiB, base64 content) on a case or one of its notes. */
  addAttachment: (args: NewAttachment) => invokeOp<Attachment>('add_attachment', args),
  /** Add an attendee to a scheduled session (their consent is checked). */
  addAttendee: (args: AttendeeChange) => invokeOp<Session>('add_attendee', args),
  /** Add a commitment to the person responsible's accountability plan. */
  addCommitment: (args: NewCommitment) => invokeOp<Commitment>('add_commitment', args),
  /** Add a contact from their contact card (the name is their claim), optionally already verified. */
  addContact: (args: NewContact) => invokeOp<Contact>('add_contact', args),
  /** Add a follow-up task tied to a session. */
  addFollowUp: (args: NewFollowUp) => invokeOp<FollowUp>('add_follow_up', args),
  /** Write a note on a case, or on one of its participants or sessions (private unless shareable). */
  addNote: (args: NewNote) => invokeOp<Note>('add_note', args),
  /** Add a participant to an open case under an alias, with their role. */
  addParticipant: (args: NewParticipant) => invokeOp<Participant>('add_participant', args),
  /** Add a progress entry to a commitment, with who verified it and how. */
  addProgress: (args: NewProgress) => invokeOp<ProgressEntry>('add_progress', args),
  /** Add a follow-up task to a case, with an optional due date and session. */
  addTask: (args: NewTask) => invokeOp<Task>('add_task', args),
  /** Record the author's approval to relay their message. */
  approveMessage: (args: ApproveMessage) => invokeOp<ShuttleMessage>('approve_message', args),
  /** Cancel a scheduled session, saying why. */
  cancelSession: (args: CancelSession) => invokeOp<Session>('cancel_session', args),
  /** The whole case: the person harmed's statement first, then every record and the timeline. */
  caseFile: (args: CaseRef) => invokeOp<CaseFile>('case_file', args),
  /** Every dated event of a case, oldest first. */
  caseTimeline: (args: TimelineArgs) => invokeOp<Array<TimelineItem>>('case_timeline', args),
  /** Move a case to another stage (paused or withdrawn at any time), saying who decided and why. */
  changeStage: (args: ChangeStage) => invokeOp<Case>('change_stage', args),
  /** Close a case with an outcome summary; sets its retention date. */
  closeCase: (args: CloseCase) => invokeOp<Case>('close_case', args),
  /** Mark a task done. */
  completeTask: (args: TaskRef) => invokeOp<Task>('complete_task', args),
  /** Every consent entry of a participant, newest first. */
  consentHistory: (args: ParticipantRef) => invokeOp<Array<ConsentEntry>>('consent_history', args),
  /** Open a new case under a code name. */
  createCase: (args: NewCase) => invokeOp<Case>('create_case', args),
  /** The current consent per activity, for one participant or a whole case. */
  currentConsents: (args: ParticipantScope) => invokeOp<Array<CurrentConsent>>('current_consents', args),
  /** Delete an attachment. */
  deleteAttachment: (args: AttachmentRef) => invokeOp<null>('delete_attachment', args),
  /** Delete a note. */
  deleteNote: (args: NoteRef) => invokeOp<null>('delete_note', args),
  /** What is due soon or overdue across all open cases, soonest first, with how many there are in all. */
  due: (args: DueArgs) => invokeOp<DueList>('due', args),
  /** The exchange folder, this vault's subfolder in it and the bundles other vaults left there, each new, applied, still arriving, not for this vault or refused (changes nothing). */
  exchangeStatus: (args: NoArgs) => invokeOp<ExchangeStatus>('exchange_status', args),
  /** One attachment with its content as base64, to be saved outside the vault; the export is audited. */
  exportAttachment: (args: AttachmentRef) => invokeOp<AttachmentContent>('export_attachment', args),
  /** Write a signed bundle of cases encrypted to contacts or a passphrase, after checking every participant's consent to share with each recipient; audited. */
  exportBundle: (args: ExportArgs) => invokeOp<Exported>('export_bundle', args),
  /** The programme report as CSV (section,key,value); the export is audited. */
  exportProgrammeReportCsv: (args: ReportArgs) => invokeOp<string>('export_programme_report_csv', args),
  /** Export as `export_bundle` does, into this vault's subfolder of the exchange folder, named by the bundle id. */
  exportToExchange: (args: ExportPlan) => invokeOp<Exported>('export_to_exchange', args),
  /** One attachment with its content as base64. */
  getAttachment: (args: AttachmentRef) => invokeOp<AttachmentContent>('get_attachment', args),
  /** One case with its tags and stage history. */
  getCase: (args: CaseRef) => invokeOp<CaseRecord>('get_case', args),
  /** This vault's age recipient, signing key, fingerprint and contact card (changes nothing). */
  getIdentity: (args: IdentityArgs) => invokeOp<Identity>('get_identity', args),
  /** One participant with their current consent per activity. */
  getParticipant: (args: ParticipantRef) => invokeOp<ParticipantRecord>('get_participant', args),
  /** A meeting's safety plan. */
  getSafetyPlan: (args: SessionRef) => invokeOp<SafetyPlan>('get_safety_plan', args),
  /** One session with attendees, agreements, follow-ups and whether it has a safety plan. */
  getSession: (args: SessionRef) => invokeOp<SessionRecord>('get_session', args),
  /** The label shown for every role: the program's own words, else the defaults. */
  getTerminology: (args: NoArgs) => invokeOp<Array<RoleLabel>>('get_terminology', args),
  /** Verify a bundle addressed to this vault and apply it, all or nothing: new cases with their records, and changes to cases already here merged (conflicts kept for the facilitator); a re-import changes nothing. */
  importBundle: (args: ImportArgs) => invokeOp<Imported>('import_bundle', args),
  /** Assessments of a participant or of a whole case, newest first. */
  listAssessments: (args: ParticipantScope) => invokeOp<Array<Assessment>>('list_assessments', args),
  /** A case's attachments, newest first, without their content. */
  listAttachments: (args: AttachmentFilter) => invokeOp<Array<Attachment>>('list_attachments', args),
  /** Audit entries, newest first: who did what to which record, and when (no content). */
  listAudit: (args: AuditFilter) => invokeOp<Array<AuditEntry>>('list_audit', args),
  /** Cases as a list shows them (the person harmed's needs cut to their first line), most recently changed first, with the same filters as list_cases. */
  listCaseSummaries: (args: CaseFilter) => invokeOp<Array<CaseSummary>>('list_case_summaries', args),
  /** Cases, most recently changed first, with filters. */
  listCases: (args: CaseFilter) => invokeOp<Array<Case>>('list_cases', args),
  /** A case's accountability plan: commitments with all their progress entries. */
  listCommitments: (args: CommitmentsOfCase) => invokeOp<Array<Commitment>>('list_commitments', args),
  /** Fields of shared cases that hold values written on both sides since they last agreed, each value with where it came from. */
  listConflicts: (args: ConflictScope) => invokeOp<Array<Conflict>>('list_conflicts', args),
  /** The contacts, with each one's fingerprint and the number to compare with them (changes nothing). */
  listContacts: (args: NoArgs) => invokeOp<Array<Contact>>('list_contacts', args),
  /** A case's shuttle messages in the order written, with approval and relay times. */
  listMessages: (args: MessagesOfCase) => invokeOp<Array<ShuttleMessage>>('list_messages', args),
  /** A case's notes, newest first, optionally for one participant or session. */
  listNotes: (args: NoteFilter) => invokeOp<Array<Note>>('list_notes', args),
  /** A case's participants, in the order they joined. */
  listParticipants: (args: CaseParticipants) => invokeOp<Array<Participant>>('list_participants', args),
  /** A case's processes, in the order they were opened. */
  listProcesses: (args: ProcessesOfCase) => invokeOp<Array<Process>>('list_processes', args),
  /** A case's sessions with their attendees, in scheduled order. */
  listSessions: (args: SessionsOfCase) => invokeOp<Array<Session>>('list_sessions', args),
  /** A case's tasks: open ones first by due date, then done ones. */
  listTasks: (args: TaskFilter) => invokeOp<Array<Task>>('list_tasks', args),
  /** Start a process for a case (several may run in parallel). */
  openProcess: (args: OpenProcess) => invokeOp<Process>('open_process', args),
  /** Verify a bundle file addressed to this vault and show who signed it and what it holds, applying nothing. */
  previewBundle: (args: PreviewArgs) => invokeOp<BundlePreview>('preview_bundle', args),
  /** What an export would carry (cases, rows per table, what the audience leaves out) and whose consent to share is missing; writes nothing. */
  previewExport: (args: ExportPlan) => invokeOp<ExportPreview>('preview_export', args),
  /** Aggregate, non-identifying figures for a date range. */
  programmeReport: (args: ReportArgs) => invokeOp<ProgrammeReport>('programme_report', args),
  /** Prepare the shareable progress report for the person harmed, as they chose to hear it. */
  progressReport: (args: ProgressReportFor) => invokeOp<ProgressReport>('progress_report', args),
  /** Delete a closed case past its retention date for good, older generations included (asks for its code name). */
  purgeCase: (args: PurgeCase) => invokeOp<Purged>('purge_case', args),
  /** Record a readiness and risk assessment of a participant, with its decision and reasons. */
  recordAssessment: (args: NewAssessment) => invokeOp<RecordedAssessment>('record_assessment', args),
  /** Record a participant's consent decision for one activity; the ledger only grows. */
  recordConsent: (args: RecordConsent) => invokeOp<ConsentEntry>('record_consent', args),
  /** Mark a session held, with private notes and a shareable summary; consent is checked again. */
  recordSession: (args: RecordSession) => invokeOp<Session>('record_session', args),
  /** Mark an approved message relayed (both sides must consent to indirect dialogue). */
  relayMessage: (args: MessageRef) => invokeOp<ShuttleMessage>('relay_message', args),
  /** Take an attendee off a scheduled session. */
  removeAttendee: (args: AttendeeChange) => invokeOp<Session>('remove_attendee', args),
  /** Mark a done task as open again. */
  reopenTask: (args: TaskRef) => invokeOp<Task>('reopen_task', args),
  /** Keep one of a conflict's values; the choice covers the others and travels with the next bundle. */
  resolveConflict: (args: ResolveConflict) => invokeOp<Resolved>('resolve_conflict', args),
  /** Schedule a session; every attendee must currently consent to its activity. */
  scheduleSession: (args: ScheduleSession) => invokeOp<Session>('schedule_session', args),
  /** Find words in every record of every case, best matches first, with filters. */
  search: (args: SearchArgs) => invokeOp<Array<SearchHit>>('search', args),
  /** Scheduled sessions with an attendee whose consent no longer covers the activity. */
  sessionsNeedingAttention: (args: AttentionFilter) => invokeOp<Array<SessionAttention>>('sessions_needing_attention', args),
  /** Replace a case's root-cause tags. */
  setCaseTags: (args: SetTags) => invokeOp<Case>('set_case_tags', args),
  /** Choose the exchange folder a sync tool keeps in step (or none, with null); a local setting, never exported. */
  setExchangeFolder: (args: ExchangeFolderArgs) => invokeOp<ExchangeStatus>('set_exchange_folder', args),
  /** Pause, close, withdraw or reopen a process. */
  setProcessStatus: (args: SetProcessStatus) => invokeOp<Process>('set_process_status', args),
  /** Write a meeting's safety plan; fields left out keep their value. */
  setSafetyPlan: (args: SetSafetyPlan) => invokeOp<SafetyPlan>('set_safety_plan', args),
  /** Choose the labels shown for roles; roles left out use the default label. */
  setTerminology: (args: SetTerminology) => invokeOp<Array<RoleLabel>>('set_terminology', args),
  /** Change a case's code name, referral or the person harmed's statement. */
  updateCase: (args: CaseUpdate) => invokeOp<Case>('update_case', args),
  /** Move a commitment on (in progress, done, missed, renegotiated). */
  updateCommitment: (args: CommitmentUpdate) => invokeOp<Commitment>('update_commitment', args),
  /** Change a note's text or whether it may be shared. */
  updateNote: (args: NoteUpdate) => invokeOp<Note>('update_note', args),
  /** Change a participant's alias, role, relation, needs or how they hear of progress. */
  updateParticipant: (args: ParticipantUpdate) => invokeOp<Participant>('update_participant', args),
  /** Change a session's private notes or shareable summary. */
  updateSessionNotes: (args: SessionNotes) => invokeOp<Session>('update_session_notes', args),
  /** Mark a contact verified after comparing fingerprints by voice. */
  verifyContact: (args: ContactRef) => invokeOp<Contact>('verify_contact', args),
  /** Record that a participant withdraws a consent they granted; it takes effect at once. */
  withdrawConsent: (args: WithdrawConsent) => invokeOp<ConsentEntry>('withdraw_consent', args),
  /** Write down a message one participant wants carried to another. */
  writeMessage: (args: NewMessage) => invokeOp<ShuttleMessage>('write_message', args),
} as const;
