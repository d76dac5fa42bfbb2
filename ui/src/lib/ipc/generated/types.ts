// Generated from the operation registry in crates/core/src/model/ops.rs. Do not edit by hand:
// `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings` rewrites it.

export type Activity = "intake" | "direct_dialogue" | "indirect_dialogue" | "letter_exchange" | "person_harmed_circle" | "person_responsible_circle" | "blended_circle" | "partners_circle" | "cosa_inner_circle" | "cosa_outer_circle" | "conference" | "reintegration_check_in" | "preparation_meeting" | "progress_updates" | "information_sharing" | "keeping_notes";

export type Agreement = { id: AgreementId, session_id: SessionId, text: string, 
/**
 * The attendees who consented to this agreement.
 */
agreed_by: Array<ParticipantId>, agreed_on: string, };

export type AgreementId = string & { readonly __brand: 'AgreementId' };

export type ApproveMessage = { message_id: MessageId, 
/**
 * How and in what words the author approved (for example "read back by phone, approved as written").
 */
approval_note: string, 
/**
 * When the author approved; now unless given.
 */
approved_at?: string, };

export type Assessment = { id: AssessmentId, participant_id: ParticipantId, case_id: CaseId, stage: Stage, checklist: Array<ChecklistItem>, risk_level: RiskLevel, decision: AssessmentDecision, reasons: string, assessed_on: string, next_review_on: string | null, assessed_by: string, created_at: string, };

export type AssessmentDecision = "proceed" | "pause" | "stop";

export type AssessmentId = string & { readonly __brand: 'AssessmentId' };

export type Attachment = { id: AttachmentId, case_id: CaseId, note_id: NoteId | null, title: string, media_type: string, 
/**
 * Size in bytes.
 */
size: number, created_at: string, };

export type AttachmentContent = { 
/**
 * The bytes, base64 (standard alphabet, padded).
 */
content: string, id: AttachmentId, case_id: CaseId, note_id: NoteId | null, title: string, media_type: string, 
/**
 * Size in bytes.
 */
size: number, created_at: string, };

export type AttachmentFilter = { case_id: CaseId, 
/**
 * Only the attachments of this note.
 */
note_id?: NoteId, };

export type AttachmentId = string & { readonly __brand: 'AttachmentId' };

export type AttachmentRef = { attachment_id: AttachmentId, };

export type Attendee = { participant_id: ParticipantId, alias: string, role: Role, };

export type AttendeeChange = { session_id: SessionId, participant_id: ParticipantId, };

export type AttentionFilter = { 
/**
 * One case only; every open case otherwise.
 */
case_id?: CaseId, };

export type AuditEntry = { id: AuditId, at: string, actor: string, action: string, record_kind: string, record_id: string, };

export type AuditFilter = { 
/**
 * Only entries about this record.
 */
record_id?: string, 
/**
 * Only entries at or after this instant.
 */
since?: string, 
/**
 * At most this many entries (default 200, at most 10 000).
 */
limit?: number, };

export type AuditId = string & { readonly __brand: 'AuditId' };

export type BundlePreview = { bundle_id: string, created_at: string, audience: string, signer: BundleSigner, cases: Array<PreviewCase>, 
/**
 * Rows per table, as counted in the payload.
 */
row_counts: { [key in string]: number }, 
/**
 * This bundle was applied here before: importing it again changes nothing.
 */
applied_before: boolean, 
/**
 * Whether `import_bundle` would apply it (a co-facilitator's bundle, no case purged here, not applied
 * before, every record readable); the signer's trust is decided apart (see `signer`).
 */
would_apply: boolean, 
/**
 * Why it would not apply, when `would_apply` is false and the bundle was not applied before.
 */
refusal?: string, 
/**
 * The conflicts it would create.
 */
new_conflicts?: Array<PreviewConflict>, 
/**
 * Consent ledger entries added (shown first: they change what may be done).
 */
consent_changes?: number, 
/**
 * Records added (consent entries apart).
 */
new_records?: number, 
/**
 * Records changed or deleted.
 */
updated_records?: number, 
/**
 * Fields that hold values written on both sides (see `list_conflicts`).
 */
conflicts?: number, 
/**
 * Records changed in the bundle that were deleted here (or there): they stay deleted.
 */
kept_deleted?: number, };

export type BundleSigner = { 
/**
 * A contact of this vault.
 */
known: boolean, 
/**
 * The contact's name, when known.
 */
name: string | null, 
/**
 * The contact was verified by comparing numbers.
 */
verified: boolean, signing_key: string, 
/**
 * The signer's own number (30 digits): compare it before trusting an unknown signer.
 */
fingerprint: string, };

export type CancelSession = { session_id: SessionId, reason: string, };

export type Case = { id: CaseId, code_name: string, 
/**
 * What the person harmed needs, in their own words.
 */
harmed_needs: string, 
/**
 * What justice would look like for them.
 */
harmed_justice_vision: string, stage: Stage, referral_source: string, referred_by_person_harmed: boolean, gender_based_violence: boolean, 
/**
 * A gender-based-violence referral that did not come from the person harmed (practice standards flag it).
 */
referral_flagged: boolean, tags: Array<string>, opened_on: string | null, closed_on: string | null, outcome: Outcome | null, outcome_summary: string | null, retention_until: string | null, created_at: string, updated_at: string, };

export type CaseFile = { harmed_statement: HarmedStatement, case: CaseRecord, participants: Array<ParticipantFile>, assessments: Array<Assessment>, processes: Array<Process>, sessions: Array<Session>, messages: Array<ShuttleMessage>, commitments: Array<Commitment>, notes: Array<Note>, attachments: Array<Attachment>, tasks: Array<Task>, timeline: Array<TimelineItem>, };

export type CaseFilter = { stage?: Stage, tag?: string, 
/**
 * Only cases that hold a process of this kind (in any status).
 */
process?: ProcessKind, 
/**
 * Closed cases are left out unless asked for (or the stage filter is `closed`).
 */
include_closed: boolean, };

export type CaseId = string & { readonly __brand: 'CaseId' };

export type CaseParticipants = { case_id: CaseId, };

export type CaseRecord = { case: Case, stage_history: Array<StageChange>, };

export type CaseRef = { case_id: CaseId, };

export type CaseSummary = { id: CaseId, code_name: string, stage: Stage, 
/**
 * The first line of what the person harmed needs that is not blank, trimmed, at most 160 characters
 * ([`NEEDS_LINE_CHARS`]; Unicode scalar values, never cut inside one); empty when nothing is recorded.
 */
needs_first_line: string, 
/**
 * The first line was cut to 160 characters (a list shows that it goes on).
 */
needs_cut: boolean, tags: Array<string>, opened_on: string | null, created_at: string, updated_at: string, };

export type CaseUpdate = { case_id: CaseId, code_name?: string, referral_source?: string, referred_by_person_harmed?: boolean, gender_based_violence?: boolean, harmed_needs?: string, harmed_justice_vision?: string, };

export type ChangeStage = { case_id: CaseId, stage: Stage, decided_by: string, reason: string, };

export type ChecklistItem = { question: string, answer: string, note?: string, };

export type CloseCase = { case_id: CaseId, outcome: Outcome, outcome_summary: string, decided_by: string, 
/**
 * Months to keep the closed case; the default is 72 (six years).
 */
retention_months?: number, };

export type Commitment = { id: CommitmentId, case_id: CaseId, 
/**
 * The person responsible who made it.
 */
participant_id: ParticipantId, kind: CommitmentKind, description: string, due_on: string | null, status: CommitmentStatus, progress: Array<ProgressEntry>, created_at: string, updated_at: string, };

export type CommitmentId = string & { readonly __brand: 'CommitmentId' };

export type CommitmentKind = "apology_letter" | "consent_education" | "counselling" | "skill_practice" | "articulating_growth" | "making_amends" | "restitution" | "no_contact" | "other";

export type CommitmentStatus = "not_started" | "in_progress" | "done" | "missed" | "renegotiated";

export type CommitmentUpdate = { commitment_id: CommitmentId, status: CommitmentStatus, 
/**
 * Only when renegotiated: the new due date.
 */
due_on?: string, 
/**
 * Only when renegotiated: the new wording.
 */
description?: string, };

export type CommitmentsOfCase = { case_id: CaseId, };

export type Conflict = { 
/**
 * Stable: the same conflict has the same id in every vault.
 */
id: string, case_id: string, code_name: string, 
/**
 * The table of the record (`participants`, `notes`, ...).
 */
record_kind: string, 
/**
 * The record's id (its primary key; a JSON array for a record keyed by several columns).
 */
record_id: string, field: string, 
/**
 * In a stable order: `resolve_conflict`'s `choice` is an index into it.
 */
values: Array<ConflictValue>, };

export type ConflictScope = { 
/**
 * Only this case's conflicts.
 */
case_id?: CaseId, };

export type ConflictValue = { 
/**
 * The value as JSON text (`"text"`, `3`, `null`).
 */
value: string, 
/**
 * "this vault", a contact's name, or "another vault".
 */
from: string, 
/**
 * Written in this vault.
 */
this_vault: boolean, 
/**
 * The value the record shows now.
 */
shown: boolean, };

export type ConsentDecision = "granted" | "declined" | "withdrawn";

export type ConsentEntry = { id: ConsentId, participant_id: ParticipantId, activity: Activity, 
/**
 * For information sharing: the named person or role it may go to; empty otherwise.
 */
shared_with: string, decision: ConsentDecision, method: ConsentMethod, decided_at: string, expires_on: string | null, note: string, recorded_at: string, };

export type ConsentGap = { participant_id: ParticipantId, alias: string, activity: Activity, 
/**
 * What the ledger says on `on`.
 */
state: ConsentState, 
/**
 * Today, or the session's day if the consent holds today but not then (it expires before).
 */
on: string, };

export type ConsentId = string & { readonly __brand: 'ConsentId' };

export type ConsentMethod = "written" | "verbal" | "recorded" | "through_supporter";

export type ConsentRefusal = { participant_id: ParticipantId, alias: string, activity: Activity, 
/**
 * For information sharing: the recipient; empty otherwise.
 */
shared_with: string, 
/**
 * What the ledger said on `on`: `withdrawn`, `declined`, `expired` or `not_asked` (never `granted`).
 */
state: ConsentState, 
/**
 * The day consent was judged for (the activity's day, in the facilitator's time zone).
 */
on: string, 
/**
 * Whether the activity needs a grant in force, or only no refusal.
 */
needs_grant: boolean, 
/**
 * The ledger entry that decides it (absent when never asked).
 */
entry_id?: ConsentId, 
/**
 * The day that entry took effect, in the facilitator's time zone.
 */
decided_on?: string, 
/**
 * For an expired grant: its last day.
 */
expires_on?: string, };

export type ConsentState = "granted" | "declined" | "withdrawn" | "expired" | "not_asked";

export type Contact = { 
/**
 * The name the contact's card claims.
 */
name: string, recipient: string, signing_key: string, 
/**
 * Their own number (30 digits).
 */
fingerprint: string, 
/**
 * The number both screens show for this pair (60 digits): the one to read aloud (in `list_contacts`).
 */
pair_fingerprint: string | null, verified: boolean, verified_at: string | null, added_at: string, 
/**
 * The cases whose consent ledger names this contact as a recipient (`information_sharing` entries with
 * `shared_with` = `contact:KEY`, whatever their decision), by code name (in `list_contacts`; empty elsewhere).
 */
shared_cases: Array<SharedCase>, };

export type ContactRef = { 
/**
 * The contact's name (when no other contact has it) or signing key.
 */
name_or_key: string, };

export type Count = { key: string, value: number, };

export type CurrentConsent = { participant_id: ParticipantId, alias: string, activity: Activity, shared_with: string, 
/**
 * The state today: an expired grant is not current.
 */
state: ConsentState, 
/**
 * The entry that decides it.
 */
latest: ConsentEntry, 
/**
 * Entries recorded on two vaults disagree (neither knew the other): the most restrictive decides until a
 * facilitator records a new decision.
 */
diverged?: boolean, };

export type DueArgs = { 
/**
 * How many days ahead to look (default 14).
 */
within_days?: number, 
/**
 * At most this many reminders, the soonest (the home screen asks for what it shows); `total` still counts
 * every one. Without it, every reminder in the window.
 */
limit?: number, };

export type DueDetail = { "kind": "consent_expiry", activity: Activity, 
/**
 * The participant who gave it.
 */
alias: string, } | { "kind": "assessment_review", 
/**
 * The participant assessed.
 */
alias: string, } | { "kind": "commitment", commitment_kind: CommitmentKind, 
/**
 * The participant who made it.
 */
alias: string, } | { "kind": "supervision", interval_weeks: number, } | { "kind": "task", 
/**
 * The task's title, as typed.
 */
title: string, };

export type DueItem = { case_id: CaseId, case_code_name: string, kind: DueKind, due_on: string, status: DueStatus, 
/**
 * The record it is about (consent entry, assessment, commitment, task); the case for supervision.
 */
record_id: string, 
/**
 * What it is about, for a front end to word: tagged by the same `kind`.
 */
detail: DueDetail, };

export type DueKind = "consent_expiry" | "assessment_review" | "commitment" | "supervision" | "task";

export type DueList = { 
/**
 * Soonest first (then by case code name, kind and record): every reminder in the window, or the first
 * `limit` of them.
 */
items: Array<DueItem>, 
/**
 * Every reminder in the window, those a limit left out included.
 */
total: number, };

export type DueStatus = "upcoming" | "overdue";

export type ErrorDetails = { "kind": "consent_required" } & ConsentRefusal;

export type ExchangeFolderArgs = { 
/**
 * The folder, or `null` to stop using one.
 */
path: string | null, };

export type ExchangeStatus = { 
/**
 * The folder, when one is chosen.
 */
folder: string | null, 
/**
 * This vault's subfolder in it (created at the first export into it).
 */
my_subfolder: string | null, 
/**
 * The name of this vault's subfolder (the same in every copy of the folder).
 */
my_subfolder_name: string, 
/**
 * Why the folder cannot be read now (vanished, unreadable); then `incoming` is empty.
 */
problem: string | null, 
/**
 * Bundles this vault left in its own subfolder.
 */
sent: number, 
/**
 * Bundles in other vaults' subfolders, newest first.
 */
incoming: Array<IncomingBundle>, skipped: Array<SkippedEntry>, };

export type ExportArgs = { 
/**
 * Where to write the bundle; it must not exist yet.
 */
out: string, case_ids: Array<CaseId>, 
/**
 * Contacts (name, signing key, `contact:KEY` or age recipient) to encrypt to; with `passphrase`, the person or role the
 * bundle is for, as named in their consent (free text).
 */
to: Array<string>, 
/**
 * Default `co-facilitator`.
 */
audience?: ExportAudience, 
/**
 * Encrypt to this passphrase instead of to contacts. Held as a `SecretString`: zeroized when the plan is
 * dropped, `[REDACTED]` in `Debug`, never serialized back out.
 */
passphrase?: string, };

export type ExportAudience = "co-facilitator" | "supervisor" | "progress";

export type ExportCase = { id: CaseId, code_name: string, 
/**
 * Rows per table that would go, after the audience's cuts.
 */
rows: { [key in string]: number }, };

export type ExportPlan = { case_ids: Array<CaseId>, 
/**
 * Contacts (name, signing key, `contact:KEY` or age recipient) to encrypt to; with `passphrase`, the person or role the
 * bundle is for, as named in their consent (free text).
 */
to: Array<string>, 
/**
 * Default `co-facilitator`.
 */
audience?: ExportAudience, 
/**
 * Encrypt to this passphrase instead of to contacts. Held as a `SecretString`: zeroized when the plan is
 * dropped, `[REDACTED]` in `Debug`, never serialized back out.
 */
passphrase?: string, };

export type ExportPreview = { audience: ExportAudience, recipients: Array<ExportRecipient>, cases: Array<ExportCase>, 
/**
 * What this audience leaves out.
 */
leaves_out: Array<string>, 
/**
 * Empty when the export may go.
 */
missing_consent: Array<MissingConsent>, };

export type ExportRecipient = { 
/**
 * The contact's name, or the named person or role of a passphrase bundle.
 */
label: string, 
/**
 * `shared_with` in the consent ledger: `contact:KEY`, or the free-text name.
 */
shared_with: string, 
/**
 * The age recipient, for a contact.
 */
recipient: string | null, };

export type Exported = { bundle_id: string, path: string, audience: ExportAudience, recipients: Array<ExportRecipient>, case_ids: Array<CaseId>, 
/**
 * Rows in all.
 */
rows: number, size: number, };

export type FollowUp = { id: TaskId, title: string, due_on: string | null, done_at: string | null, };

export type HarmedStatement = { needs: string, justice_vision: string, };

export type Identity = { 
/**
 * The age recipient bundles for this vault are encrypted to.
 */
recipient: string, 
/**
 * The Ed25519 public key this vault signs bundles with.
 */
signing_key: string, 
/**
 * This vault's own number: 30 digits in groups of five.
 */
fingerprint: string, 
/**
 * The one-line contact card.
 */
card: string, };

export type IdentityArgs = { 
/**
 * The display name the card carries (default "Circlebook facilitator").
 */
name?: string, };

export type ImportArgs = { 
/**
 * The bundle file.
 */
path: string, 
/**
 * Apply a bundle whose signer is not a verified contact (after comparing their number by voice).
 */
accept_unknown_signer?: boolean, };

export type Imported = { bundle_id: string, 
/**
 * The signer's name when a contact.
 */
signer: string | null, signer_fingerprint: string, 
/**
 * The cases created (empty when the bundle was applied before).
 */
cases: Array<ImportedCase>, 
/**
 * Rows written in all (records and consent entries added or changed).
 */
rows: number, 
/**
 * The bundle had been applied before: nothing changed.
 */
already_applied: boolean, created_at: string, 
/**
 * Cases already here that the bundle was merged into.
 */
merged?: Array<ImportedCase>, 
/**
 * Consent ledger entries added (shown first: they change what may be done).
 */
consent_changes?: number, 
/**
 * Records added (consent entries apart).
 */
new_records?: number, 
/**
 * Records changed or deleted.
 */
updated_records?: number, 
/**
 * Fields that hold values written on both sides (see `list_conflicts`).
 */
conflicts?: number, 
/**
 * Records changed in the bundle that were deleted here (or there): they stay deleted.
 */
kept_deleted?: number, };

export type ImportedCase = { id: CaseId, code_name: string, };

export type IncomingBundle = { 
/**
 * The full path, for `import_bundle`.
 */
path: string, 
/**
 * The file's name.
 */
file: string, 
/**
 * The sender's subfolder (a hash of their signing key).
 */
subfolder: string, 
/**
 * The contact whose subfolder it is, when one of them is.
 */
from: string | null, 
/**
 * The bundle id its name carries (checked against the signed manifest when it is applied).
 */
bundle_id: string | null, size: number, modified: string | null, state: IncomingState, 
/**
 * Why, for `refused`.
 */
reason: string | null, };

export type IncomingState = "new" | "applied" | "still_arriving" | "not_for_us" | "refused";

export type MessageId = string & { readonly __brand: 'MessageId' };

export type MessageRef = { message_id: MessageId, };

export type MessagesOfCase = { case_id: CaseId, };

export type MissingConsent = { case_id: CaseId, participant_id: ParticipantId, alias: string, activity: Activity, 
/**
 * The recipient (a `shared_with` scope), for information sharing; empty otherwise.
 */
shared_with: string, state: ConsentState, 
/**
 * For progress: the person harmed chose not to hear about progress at all.
 */
channel_refused: boolean, };

export type NewAgreement = { session_id: SessionId, text: string, 
/**
 * Attendees of the session who consented to the agreement (at least one).
 */
agreed_by: Array<ParticipantId>, 
/**
 * The day the session was held unless given.
 */
agreed_on?: string, };

export type NewAssessment = { participant_id: ParticipantId, 
/**
 * The default is the case's current stage.
 */
stage?: Stage, checklist: Array<ChecklistItem>, risk_level: RiskLevel, decision: AssessmentDecision, reasons: string, 
/**
 * The default is today.
 */
assessed_on?: string, next_review_on?: string, assessed_by: string, };

export type NewAttachment = { case_id: CaseId, title: string, 
/**
 * For example `application/pdf` or `image/png`.
 */
media_type: string, 
/**
 * The bytes, base64 (standard alphabet).
 */
content: string, note_id?: NoteId, };

export type NewCase = { code_name: string, referral_source: string, referred_by_person_harmed?: boolean, gender_based_violence: boolean, harmed_needs: string, harmed_justice_vision: string, tags: Array<string>, opened_on?: string, };

export type NewCommitment = { case_id: CaseId, 
/**
 * A participant of the case in the person responsible role.
 */
participant_id: ParticipantId, kind: CommitmentKind, description: string, due_on?: string, };

export type NewContact = { 
/**
 * The contact's card, one line.
 */
card: string, 
/**
 * Already compared by voice.
 */
verified?: boolean, };

export type NewFollowUp = { session_id: SessionId, title: string, due_on?: string, };

export type NewMessage = { case_id: CaseId, process_id?: ProcessId, author_id: ParticipantId, recipient_id: ParticipantId, content: string, };

export type NewNote = { case_id: CaseId, body: string, participant_id?: ParticipantId, session_id?: SessionId, shareable: boolean, };

export type NewParticipant = { case_id: CaseId, alias: string, role: Role, related_to?: ParticipantId, pronouns?: string, contact?: string, access_needs?: string, cultural_needs?: string, safety_notes?: string, 
/**
 * The default is `through_facilitator`.
 */
progress_updates?: ProgressUpdates, };

export type NewProgress = { commitment_id: CommitmentId, 
/**
 * Today unless given.
 */
entry_on?: string, text: string, shareable: boolean, verified_by: string, verification: string, };

export type NewTask = { case_id: CaseId, title: string, due_on?: string, session_id?: SessionId, };

export type NoArgs = Record<symbol, never>;

export type Note = { id: NoteId, case_id: CaseId, participant_id: ParticipantId | null, session_id: SessionId | null, body: string, 
/**
 * Whether the note may be shared beyond the facilitators (private by default).
 */
shareable: boolean, created_at: string, updated_at: string | null, };

export type NoteFilter = { case_id: CaseId, participant_id?: ParticipantId, session_id?: SessionId, 
/**
 * Only notes marked shareable.
 */
shareable_only: boolean, };

export type NoteId = string & { readonly __brand: 'NoteId' };

export type NoteRef = { note_id: NoteId, };

export type NoteUpdate = { note_id: NoteId, body?: string, shareable?: boolean, };

export type OpenProcess = { case_id: CaseId, kind: ProcessKind, 
/**
 * Today unless given.
 */
opened_on?: string, note: string, };

export type Outcome = "agreement_completed" | "partly_completed" | "ended_by_person_harmed" | "ended_by_person_responsible" | "stopped_for_safety" | "not_suitable" | "other";

export type Participant = { id: ParticipantId, case_id: CaseId, alias: string, role: Role, 
/**
 * Another participant of the same case this one supports or partners (for supporters, partners…).
 */
related_to: ParticipantId | null, pronouns: string, 
/**
 * Private: kept out of search, summaries and exports.
 */
contact: string, access_needs: string, cultural_needs: string, safety_notes: string, 
/**
 * How this person (above all a person harmed) chose to hear of progress.
 */
progress_updates: ProgressUpdates, created_at: string, updated_at: string, };

export type ParticipantFile = { participant: Participant, consents: Array<CurrentConsent>, };

export type ParticipantId = string & { readonly __brand: 'ParticipantId' };

export type ParticipantRecord = { participant: Participant, consents: Array<CurrentConsent>, };

export type ParticipantRef = { participant_id: ParticipantId, };

export type ParticipantScope = { participant_id?: ParticipantId, case_id?: CaseId, };

export type ParticipantUpdate = { participant_id: ParticipantId, alias?: string, role?: Role, related_to?: ParticipantId | null, pronouns?: string, contact?: string, access_needs?: string, cultural_needs?: string, safety_notes?: string, progress_updates?: ProgressUpdates, };

export type PreviewArgs = { 
/**
 * The bundle file.
 */
path: string, };

export type PreviewCase = { id: string, code_name: string, 
/**
 * Not in this vault yet.
 */
new: boolean, 
/**
 * Purged from this vault: importing refuses it (a purged case never comes back).
 */
purged: boolean, 
/**
 * Consent ledger entries the case carries (its participants' consent, as the sender's ledger held it).
 */
consent_entries: number, };

export type PreviewConflict = { 
/**
 * The id `list_conflicts` would give it.
 */
id: string, case_id: string, record_kind: string, record_id: string, field: string, };

export type Process = { id: ProcessId, case_id: CaseId, kind: ProcessKind, status: ProcessStatus, opened_on: string, 
/**
 * Set when the process is closed or withdrawn; cleared if it is reopened.
 */
closed_on: string | null, note: string, };

export type ProcessId = string & { readonly __brand: 'ProcessId' };

export type ProcessKind = "person_harmed_circle" | "person_responsible_circle" | "blended_circle" | "partners_circle" | "cosa_inner_circle" | "cosa_outer_circle" | "direct_dialogue" | "indirect_dialogue" | "letter_exchange" | "conference" | "reintegration_support";

export type ProcessStatus = "active" | "paused" | "closed" | "withdrawn";

export type ProcessesOfCase = { case_id: CaseId, };

export type ProgrammeReport = { from: string, to: string, 
/**
 * Every case by its current stage (whatever the range).
 */
cases_by_stage: Array<Count>, 
/**
 * Processes opened in the range, by kind.
 */
processes_opened_by_kind: Array<Count>, 
/**
 * Cases closed in the range, by outcome.
 */
cases_closed_by_outcome: Array<Count>, 
/**
 * Consent withdrawals recorded as decided in the range.
 */
consent_withdrawals: number, 
/**
 * Commitments due in the range that are done.
 */
commitments_done: number, 
/**
 * Commitments due in the range marked missed, or past due and neither done nor renegotiated.
 */
commitments_missed: number, 
/**
 * The median number of days from opening to closing of the cases closed in the range.
 */
median_days_to_close: number | null, 
/**
 * Sessions held in the range, by kind.
 */
sessions_held_by_kind: Array<Count>, };

export type ProgressEntry = { id: ProgressId, commitment_id: CommitmentId, entry_on: string, text: string, 
/**
 * Whether it may go into the person harmed's progress report; private unless marked.
 */
shareable: boolean, verified_by: string, 
/**
 * How it was verified (for example "certificate seen", "counsellor's letter").
 */
verification: string, created_at: string, };

export type ProgressId = string & { readonly __brand: 'ProgressId' };

export type ProgressReport = { case_id: CaseId, participant_id: ParticipantId, 
/**
 * Directly or through the facilitator: as the person harmed chose.
 */
delivery: ProgressUpdates, prepared_at: string, commitments: Array<ReportedCommitment>, };

export type ProgressReportFor = { case_id: CaseId, 
/**
 * The person harmed who receives it.
 */
participant_id: ParticipantId, };

export type ProgressUpdates = "directly" | "through_facilitator" | "not_at_all";

export type PurgeCase = { case_id: CaseId, 
/**
 * The case's code name, typed again: the explicit confirmation.
 */
confirm_code_name: string, };

export type Purged = { case_id: CaseId, generation: number, };

export type RecordConsent = { participant_id: ParticipantId, activity: Activity, decision: ConsentDecision, method: ConsentMethod, 
/**
 * When the participant decided; the default is now.
 */
decided_at?: string, 
/**
 * The last day a grant holds; it must be after the day of the decision.
 */
expires_on?: string, note?: string, 
/**
 * Required for information sharing (the named person or role it may go to); must be empty otherwise.
 */
shared_with?: string, };

export type RecordKind = "case" | "participant" | "note" | "session" | "agreement" | "message" | "commitment" | "progress" | "task" | "assessment" | "process" | "consent" | "stage_change" | "attachment";

export type RecordSession = { session_id: SessionId, 
/**
 * Today unless given; never in the future.
 */
held_on?: string, private_notes: string, shareable_summary: string, };

export type RecordedAssessment = { assessment: Assessment, suggestion: string | null, };

export type ReportArgs = { 
/**
 * The first day of the range.
 */
from: string, 
/**
 * The last day of the range (included).
 */
to: string, };

export type ReportedCommitment = { commitment_id: CommitmentId, kind: CommitmentKind, description: string, due_on: string | null, status: CommitmentStatus, progress: Array<SharedProgress>, };

export type ResolveConflict = { id: string, 
/**
 * The index of the value kept, in `values`.
 */
choice: number, };

export type Resolved = { id: string, record_kind: string, record_id: string, field: string, 
/**
 * The value kept, as JSON text.
 */
value: string, };

export type RiskLevel = "low" | "medium" | "high";

export type Role = "person_harmed" | "person_responsible" | "supporter" | "community_member" | "partner" | "co_facilitator" | "specialist" | "supervisor" | "other";

export type RoleLabel = { role: Role, label: string, 
/**
 * The label used when the program chose none.
 */
default_label: string, };

export type SafetyPlan = { session_id: SessionId, venue: string, separate_arrival: boolean, separate_departure: boolean, supports_present: string, 
/**
 * The agreed signals to pause the meeting.
 */
pause_signals: string, 
/**
 * The agreed signals to stop the meeting.
 */
stop_signals: string, notes: string, updated_at: string, };

export type ScheduleSession = { case_id: CaseId, 
/**
 * The process it belongs to, if any (of the same case, not closed or withdrawn).
 */
process_id?: ProcessId, kind: SessionKind, scheduled_for: string, 
/**
 * Participants of the same case.
 */
attendees: Array<ParticipantId>, };

export type SearchArgs = { 
/**
 * The words to find, as typed: no query syntax; the last word also matches as a prefix once it has two letters
 * or more (a single letter is a word of its own: as the start of every word it would ask for most of the index).
 */
query: string, 
/**
 * Only cases at this stage.
 */
stage?: Stage, 
/**
 * Only cases that hold a process of this kind.
 */
process?: ProcessKind, 
/**
 * Only cases with this tag.
 */
tag?: string, 
/**
 * Only participants with this role and their records (assessments, consent entries, notes about them, their
 * commitments and progress, messages they wrote) and sessions they attended.
 */
role?: Role, 
/**
 * At most this many results (default 50, at most 500).
 */
limit?: number, };

export type SearchHit = { kind: RecordKind, record_id: string, case_id: CaseId, case_code_name: string, 
/**
 * The record's title in the index (an alias, a task's title, a session's kind…), possibly empty.
 */
title: string, 
/**
 * About a dozen words around the match, each matched word between « and ».
 */
snippet: string, };

export type Session = { id: SessionId, case_id: CaseId, process_id: ProcessId | null, kind: SessionKind, status: SessionStatus, scheduled_for: string, held_on: string | null, 
/**
 * For the facilitators only; never part of anything shared.
 */
private_notes: string, 
/**
 * What may be shared with participants.
 */
shareable_summary: string, cancel_reason: string, attendees: Array<Attendee>, created_at: string, updated_at: string, };

export type SessionAttention = { session: Session, gaps: Array<ConsentGap>, };

export type SessionId = string & { readonly __brand: 'SessionId' };

export type SessionKind = "person_harmed_circle" | "person_responsible_circle" | "blended_circle" | "partners_circle" | "cosa_inner_circle" | "cosa_outer_circle" | "direct_dialogue" | "indirect_dialogue" | "letter_exchange" | "conference" | "reintegration_check_in" | "preparation_meeting" | "supervision";

export type SessionNotes = { session_id: SessionId, private_notes?: string, shareable_summary?: string, };

export type SessionRecord = { session: Session, agreements: Array<Agreement>, follow_ups: Array<FollowUp>, has_safety_plan: boolean, };

export type SessionRef = { session_id: SessionId, };

export type SessionStatus = "scheduled" | "held" | "cancelled";

export type SessionsOfCase = { case_id: CaseId, };

export type SetProcessStatus = { process_id: ProcessId, status: ProcessStatus, 
/**
 * For closed or withdrawn: the day it ended, today unless given.
 */
on?: string, 
/**
 * Replaces the note when given (for example why it paused, and who decided).
 */
note?: string, };

export type SetSafetyPlan = { session_id: SessionId, venue?: string, separate_arrival?: boolean, separate_departure?: boolean, supports_present?: string, pause_signals?: string, stop_signals?: string, notes?: string, };

export type SetTags = { case_id: CaseId, tags: Array<string>, };

export type SetTerminology = { 
/**
 * Role word (`person_harmed`, `supporter`…) to the label the program uses. Replaces earlier choices.
 */
labels: { [key in string]: string }, };

export type SharedCase = { id: CaseId, code_name: string, };

export type SharedProgress = { entry_on: string, text: string, verified_by: string, verification: string, };

export type ShuttleMessage = { id: MessageId, case_id: CaseId, process_id: ProcessId | null, author_id: ParticipantId, recipient_id: ParticipantId, content: string, written_at: string, 
/**
 * When the author approved relaying it.
 */
approved_at: string | null, approval_note: string, relayed_at: string | null, };

export type SkippedEntry = { path: string, reason: string, };

export type Stage = "referral" | "intake" | "preparation" | "active" | "follow_up" | "closed" | "paused" | "withdrawn";

export type StageChange = { id: StageChangeId, from_stage: Stage, to_stage: Stage, decided_by: string, reason: string, at: string, };

export type StageChangeId = string & { readonly __brand: 'StageChangeId' };

export type Task = { id: TaskId, case_id: CaseId, session_id: SessionId | null, title: string, due_on: string | null, done_at: string | null, created_at: string, };

export type TaskFilter = { case_id: CaseId, };

export type TaskId = string & { readonly __brand: 'TaskId' };

export type TaskRef = { task_id: TaskId, };

export type TimelineArgs = { case_id: CaseId, };

export type TimelineDetail = { "kind": "case_opened" } | { "kind": "stage_changed", from: Stage, to: Stage, 
/**
 * Who decided, as typed.
 */
decided_by: string, 
/**
 * Why, as typed; empty for a close (the case-closed event beside it says how it ended).
 */
reason: string, } | { "kind": "consent_recorded", decision: ConsentDecision, activity: Activity, 
/**
 * The participant whose consent it is.
 */
alias: string, } | { "kind": "assessment_recorded", 
/**
 * The case's stage the assessment was made at.
 */
stage: Stage, decision: AssessmentDecision, 
/**
 * The participant assessed.
 */
alias: string, } | { "kind": "process_opened", process_kind: ProcessKind, } | { "kind": "process_closed", process_kind: ProcessKind, 
/**
 * `withdrawn` when it was withdrawn; otherwise it ended (`closed`).
 */
status: ProcessStatus, } | { "kind": "session_scheduled", session_kind: SessionKind, } | { "kind": "session_held", session_kind: SessionKind, } | { "kind": "session_cancelled", session_kind: SessionKind, } | { "kind": "agreement_reached", 
/**
 * The kind of session the agreement was reached at.
 */
session_kind: SessionKind, } | { "kind": "message_written", 
/**
 * Who wrote it.
 */
author: string, 
/**
 * Who it is for.
 */
recipient: string, } | { "kind": "message_approved", 
/**
 * Its author, who approved it.
 */
author: string, } | { "kind": "message_relayed", recipient: string, } | { "kind": "commitment_added", commitment_kind: CommitmentKind, 
/**
 * The participant who made it.
 */
alias: string, } | { "kind": "commitment_due", commitment_kind: CommitmentKind, 
/**
 * The participant who made it.
 */
alias: string, 
/**
 * Where it stands now.
 */
status: CommitmentStatus, } | { "kind": "progress_recorded", 
/**
 * The commitment it is progress on.
 */
commitment_kind: CommitmentKind, 
/**
 * The participant who made it.
 */
alias: string, } | { "kind": "note_added", 
/**
 * It may be shared beyond the facilitators.
 */
shareable: boolean, 
/**
 * The participant it is about, if any.
 */
alias: string | null, 
/**
 * The kind of session it was written for, if any.
 */
session_kind: SessionKind | null, } | { "kind": "attachment_added", 
/**
 * The attachment's title, as typed.
 */
title: string, } | { "kind": "task_due", 
/**
 * The task's title, as typed.
 */
title: string, } | { "kind": "task_done", 
/**
 * The task's title, as typed.
 */
title: string, } | { "kind": "case_closed", 
/**
 * How it ended, when recorded.
 */
outcome: Outcome | null, };

export type TimelineItem = { 
/**
 * When; an event known only by its date is placed at 00:00 UTC of that date.
 */
at: string, 
/**
 * The event is known only by its date.
 */
all_day: boolean, kind: TimelineKind, 
/**
 * The record the event belongs to (a case, consent entry, session, task…).
 */
record_id: string, 
/**
 * What happened, for a front end to word: tagged by the same `kind`.
 */
detail: TimelineDetail, };

export type TimelineKind = "case_opened" | "stage_changed" | "consent_recorded" | "assessment_recorded" | "process_opened" | "process_closed" | "session_scheduled" | "session_held" | "session_cancelled" | "agreement_reached" | "message_written" | "message_approved" | "message_relayed" | "commitment_added" | "commitment_due" | "progress_recorded" | "note_added" | "attachment_added" | "task_due" | "task_done" | "case_closed";

export type WithdrawConsent = { participant_id: ParticipantId, activity: Activity, method: ConsentMethod, decided_at?: string, note?: string, 
/**
 * For information sharing: the recipient whose consent is withdrawn.
 */
shared_with?: string, };

