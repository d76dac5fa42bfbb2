//! `preview_export` and `export_bundle` (issue 11): choose cases, an audience and recipients; see exactly what
//! goes and whose consent is missing; write a signed, encrypted bundle. The payload is built in memory only
//! (never a plaintext file), the file is written atomically (temp, fsync, rename, folder fsync) and every export
//! is audited in the same transaction that checked consent.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::contacts::signing_identity;
use super::file::{self, Audience, Contents, Seal};
use super::payload;
use crate::model::consent::{self, contact_scope, Needs};
use crate::model::ops::Op;
use crate::model::rows::audit;
use crate::model::{Activity, CaseId, ConsentState, Ctx, ModelError, ParticipantId, ProgressUpdates, Role};
use crate::vault::{EditError, UnlockedVault};

pub fn ops() -> Vec<Op> {
    crate::ops! {
        read "preview_export" => preview_export, "What an export would carry (cases, rows per table, what the audience leaves out) and whose consent to share is missing; writes nothing.";
        vault "export_bundle" => export_bundle, "Write a signed bundle of cases encrypted to contacts or a passphrase, after checking every participant's consent to share with each recipient; audited.";
    }
}

/// Who a bundle is for, as the front ends name it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum ExportAudience {
    /// Everything, to be merged by a co-facilitator.
    #[default]
    CoFacilitator,
    /// Aliases only: no contact details, access or cultural needs, safety notes, private notes, shuttle messages'
    /// words, assessments' reasons, consent notes, referral source or attachments (`cuts`).
    Supervisor,
    /// The person harmed's progress summary: shareable progress entries only; passphrase only.
    Progress,
}

impl ExportAudience {
    fn file(self) -> Audience {
        match self {
            ExportAudience::CoFacilitator => Audience::CoFacilitator,
            ExportAudience::Supervisor => Audience::Supervisor,
            ExportAudience::Progress => Audience::Progress,
        }
    }

    /// What this audience leaves out, in words (the preview shows it).
    fn leaves_out(self) -> Vec<String> {
        let words: &[&str] = match self {
            ExportAudience::CoFacilitator => &[],
            ExportAudience::Supervisor => &[
                "participants' contact details, access and cultural needs",
                "safety notes and session safety plans",
                "private notes (notes not marked shareable, sessions' private notes, processes' notes)",
                "what shuttle messages say (when they were written, approved and relayed stays)",
                "assessments' reasons (the risk level and decision stay)",
                "consent entries' notes (the decisions stay)",
                "where the referral came from, and who verified progress",
                "attachments",
            ],
            ExportAudience::Progress => {
                &["everything but the case's code name, the participants' aliases and roles, the commitments and \
                 their shareable progress entries"]
            }
        };
        words.iter().map(|w| (*w).to_owned()).collect()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportPlan {
    pub case_ids: Vec<CaseId>,
    /// Contacts (name, signing key, `contact:KEY` or age recipient) to encrypt to; with `passphrase`, the person or role the
    /// bundle is for, as named in their consent (free text).
    pub to: Vec<String>,
    /// Default `co-facilitator`.
    #[ts(optional)]
    pub audience: Option<ExportAudience>,
    /// Encrypt to this passphrase instead of to contacts. Held as a `SecretString`: zeroized when the plan is
    /// dropped, `[REDACTED]` in `Debug`, never serialized back out.
    #[ts(optional, as = "Option<String>")]
    #[serde(default, skip_serializing)]
    pub passphrase: Option<SecretString>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExportArgs {
    #[serde(flatten)]
    #[ts(flatten)]
    pub plan: ExportPlan,
    /// Where to write the bundle; it must not exist yet.
    pub out: String,
}

/// One recipient of an export and the consent scope it is checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportRecipient {
    /// The contact's name, or the named person or role of a passphrase bundle.
    pub label: String,
    /// `shared_with` in the consent ledger: `contact:KEY`, or the free-text name.
    pub shared_with: String,
    /// The age recipient, for a contact.
    pub recipient: Option<String>,
}

/// A consent an export needs and does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct MissingConsent {
    pub case_id: CaseId,
    pub participant_id: ParticipantId,
    pub alias: String,
    pub activity: Activity,
    /// The recipient (a `shared_with` scope), for information sharing; empty otherwise.
    pub shared_with: String,
    pub state: ConsentState,
    /// For progress: the person harmed chose not to hear about progress at all.
    pub channel_refused: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportCase {
    pub id: CaseId,
    pub code_name: String,
    /// Rows per table that would go, after the audience's cuts.
    pub rows: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportPreview {
    pub audience: ExportAudience,
    pub recipients: Vec<ExportRecipient>,
    pub cases: Vec<ExportCase>,
    /// What this audience leaves out.
    pub leaves_out: Vec<String>,
    /// Empty when the export may go.
    pub missing_consent: Vec<MissingConsent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Exported {
    pub bundle_id: String,
    pub path: String,
    pub audience: ExportAudience,
    pub recipients: Vec<ExportRecipient>,
    pub case_ids: Vec<CaseId>,
    /// Rows in all.
    pub rows: u64,
    pub size: u64,
}

/// The rows of `table` that belong to the cases in the JSON array `?1`: how every case table hangs on a case.
/// `None` for a table this build does not know how to attribute, which refuses the export (a test checks that
/// every case table has one).
pub(crate) fn owner_filter(table: &str) -> Option<&'static str> {
    Some(match table {
        "cases" => "id IN (SELECT value FROM json_each(?1))",
        "case_stage_changes" | "case_tags" | "participants" | "processes" | "sessions" | "shuttle_messages"
        | "commitments" | "notes" | "attachments" | "tasks" | "sync_fields" | "sync_rows" => {
            "case_id IN (SELECT value FROM json_each(?1))"
        }
        "consents" | "assessments" => {
            "participant_id IN (SELECT id FROM participants WHERE case_id IN (SELECT value FROM json_each(?1)))"
        }
        "session_attendees" | "safety_plans" | "agreements" => {
            "session_id IN (SELECT id FROM sessions WHERE case_id IN (SELECT value FROM json_each(?1)))"
        }
        "progress_entries" => {
            "commitment_id IN (SELECT id FROM commitments WHERE case_id IN (SELECT value FROM json_each(?1)))"
        }
        _ => return None,
    })
}

/// What each audience cuts, run on the payload after copying (foreign keys on, so deletions cascade).
fn cuts(audience: ExportAudience) -> &'static str {
    match audience {
        ExportAudience::CoFacilitator => "",
        ExportAudience::Supervisor => {
            "UPDATE participants SET contact = '', safety_notes = '', access_needs = '', cultural_needs = '';
             DELETE FROM safety_plans;
             UPDATE sessions SET private_notes = '';
             UPDATE processes SET note = '';
             UPDATE shuttle_messages SET content = '', approval_note = '';
             UPDATE assessments SET reasons = '';
             UPDATE consents SET note = '';
             UPDATE cases SET referral_source = '';
             UPDATE progress_entries SET verified_by = '';
             DELETE FROM attachments;
             DELETE FROM notes WHERE shareable = 0;
             DELETE FROM sync_fields; DELETE FROM sync_rows;"
        }
        ExportAudience::Progress => {
            "DELETE FROM attachments; DELETE FROM notes; DELETE FROM tasks; DELETE FROM shuttle_messages;
             DELETE FROM sessions; DELETE FROM processes; DELETE FROM assessments; DELETE FROM consents;
             DELETE FROM case_stage_changes; DELETE FROM case_tags; DELETE FROM sync_fields; DELETE FROM sync_rows;
             DELETE FROM progress_entries WHERE shareable = 0;
             UPDATE participants SET contact = '', safety_notes = '', access_needs = '', cultural_needs = '';
             UPDATE cases SET referral_source = '', harmed_needs = '', harmed_justice_vision = '',
                              outcome = NULL, outcome_summary = NULL;"
        }
    }
}

fn invalid(text: impl Into<String>) -> ModelError {
    ModelError::Invalid(text.into())
}

/// Resolves the recipients: contacts (verified only) by name, signing key or age recipient; or, for a passphrase
/// bundle, the named people or roles as written.
fn recipients(
    conn: &Connection,
    plan: &ExportPlan,
    audience: ExportAudience,
) -> Result<Vec<ExportRecipient>, ModelError> {
    let mut out: Vec<ExportRecipient> = Vec::new();
    if plan.passphrase.is_some() {
        for name in &plan.to {
            let name = name.trim();
            if name.is_empty() {
                return Err(invalid("a recipient's name is empty"));
            }
            out.push(ExportRecipient { label: name.to_owned(), shared_with: name.to_owned(), recipient: None });
        }
    } else {
        if audience == ExportAudience::Progress {
            return Err(invalid("a progress summary is for the person harmed: encrypt it to a passphrase"));
        }
        for wanted in &plan.to {
            let wanted = wanted.trim();
            let wanted = wanted.strip_prefix(consent::CONTACT_SCOPE).unwrap_or(wanted);
            let mut stmt = conn.prepare(
                "SELECT name, signing_key, recipient, verified_at IS NOT NULL FROM contacts
                 WHERE signing_key = ?1 OR recipient = ?1 OR name = ?1",
            )?;
            let found = stmt
                .query_map([wanted], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let (name, key, recipient, verified) = match found.len() {
                0 => {
                    return Err(invalid(format!(
                        "{wanted} is not a contact of this vault; add their contact card first (`contact add`)"
                    )))
                }
                1 => found.into_iter().next().expect("one"),
                n => return Err(invalid(format!("{n} contacts match {wanted}; name one by its signing key"))),
            };
            if !verified {
                return Err(invalid(format!(
                    "{name} is not verified: compare your number with them by voice (`contact verify`) before \
                     sending them a case"
                )));
            }
            out.push(ExportRecipient { label: name, shared_with: contact_scope(&key), recipient: Some(recipient) });
        }
    }
    if out.is_empty() && audience != ExportAudience::Progress {
        return Err(invalid("name at least one recipient (--to)"));
    }
    out.dedup_by(|a, b| a.shared_with == b.shared_with);
    Ok(out)
}

/// The cases, each once, in the order given; every one must exist here.
fn cases(conn: &Connection, ids: &[CaseId]) -> Result<Vec<(CaseId, String)>, ModelError> {
    if ids.is_empty() {
        return Err(invalid("choose at least one case (--case)"));
    }
    let mut out: Vec<(CaseId, String)> = Vec::new();
    for id in ids {
        if out.iter().any(|(seen, _)| seen == id) {
            continue;
        }
        let code_name: Option<String> =
            conn.query_row("SELECT code_name FROM cases WHERE id = ?1", [id], |r| r.get(0)).optional()?;
        let code_name = code_name.ok_or_else(|| ModelError::not_found("case", id))?;
        out.push((id.clone(), code_name));
    }
    Ok(out)
}

struct Person {
    id: ParticipantId,
    alias: String,
    role: Role,
    channel: ProgressUpdates,
}

fn people(conn: &Connection, case: &CaseId) -> Result<Vec<Person>, ModelError> {
    let mut stmt = conn
        .prepare("SELECT id, alias, role, progress_updates FROM participants WHERE case_id = ?1 ORDER BY alias, id")?;
    let rows = stmt
        .query_map([case], |r| Ok(Person { id: r.get(0)?, alias: r.get(1)?, role: r.get(2)?, channel: r.get(3)? }))?;
    let mut people: Vec<Person> = rows.collect::<rusqlite::Result<_>>()?;
    for person in &mut people {
        // A chosen channel in conflict (set on two vaults since they last agreed) counts as "not at all".
        let key = super::sync::row_key(&[SqlValue::Text(person.id.to_string())]);
        if super::sync::in_conflict(conn, "participants", &key, "progress_updates")? {
            person.channel = ProgressUpdates::NotAtAll;
        }
    }
    Ok(people)
}

/// Every consent the export needs and lacks, judged today on the facilitator's calendar: each participant's
/// grant to share with each recipient; for a progress summary, the person harmed's progress consent (no refusal)
/// and a chosen channel other than "not at all".
fn missing(
    conn: &Connection,
    ctx: &Ctx,
    cases: &[(CaseId, String)],
    recipients: &[ExportRecipient],
    audience: ExportAudience,
) -> Result<Vec<MissingConsent>, ModelError> {
    let today = ctx.today();
    let mut out = Vec::new();
    for (case, _) in cases {
        for person in people(conn, case)? {
            let mut lacks = |activity: Activity, shared_with: &str, needs: Needs, channel_refused: bool| {
                let entry = consent::as_of(conn, ctx.zone(), &person.id, activity, shared_with, today)?;
                let state = consent::state_of(entry.as_ref(), today);
                if !needs.allows(state) || channel_refused {
                    out.push(MissingConsent {
                        case_id: case.clone(),
                        participant_id: person.id.clone(),
                        alias: person.alias.clone(),
                        activity,
                        shared_with: shared_with.to_owned(),
                        state,
                        channel_refused,
                    });
                }
                Ok::<_, ModelError>(())
            };
            if audience == ExportAudience::Progress {
                if person.role == Role::PersonHarmed {
                    let refused = person.channel == ProgressUpdates::NotAtAll;
                    lacks(Activity::ProgressUpdates, "", Needs::NoRefusal, refused)?;
                }
                continue;
            }
            for recipient in recipients {
                lacks(Activity::InformationSharing, &recipient.shared_with, Needs::Grant, false)?;
            }
        }
    }
    Ok(out)
}

/// The payload of these cases for this audience, built in memory.
fn build_payload(
    conn: &Connection,
    cases: &[(CaseId, String)],
    audience: ExportAudience,
) -> Result<Connection, ModelError> {
    let ids = serde_json::to_string(&cases.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>())
        .map_err(|e| invalid(e.to_string()))?;
    let db = payload::create()?;
    // Parents before children: the payload enforces foreign keys as each row goes in.
    db.execute_batch("PRAGMA foreign_keys = OFF;")?;
    let tx = db.unchecked_transaction()?;
    for table in payload::case_tables(&db)? {
        let filter = owner_filter(&table)
            .ok_or_else(|| invalid(format!("this build does not know which case the table {table} belongs to")))?;
        let columns: Vec<String> = {
            let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
            let names = stmt.query_map([&table], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            names
        };
        let list = columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
        let marks = (1..=columns.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
        let mut select = conn.prepare(&format!("SELECT {list} FROM \"{table}\" WHERE {filter}"))?;
        let mut insert = tx.prepare(&format!("INSERT INTO \"{table}\"({list}) VALUES({marks})"))?;
        let mut rows = select.query([&ids])?;
        while let Some(row) = rows.next()? {
            let values = (0..columns.len()).map(|i| row.get::<_, SqlValue>(i)).collect::<rusqlite::Result<Vec<_>>>()?;
            insert.execute(rusqlite::params_from_iter(values))?;
        }
    }
    tx.commit()?;
    db.execute_batch("PRAGMA foreign_keys = ON;")?;
    let dangling: i64 = db.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
    if dangling != 0 {
        return Err(invalid("the cases refer to records outside them; nothing was exported"));
    }
    db.execute_batch(cuts(audience))?;
    Ok(db)
}

fn rows_by_case(db: &Connection, cases: &[(CaseId, String)]) -> Result<Vec<ExportCase>, ModelError> {
    let mut out = Vec::new();
    for (id, code_name) in cases {
        let ids = serde_json::to_string(&[id.to_string()]).map_err(|e| invalid(e.to_string()))?;
        let mut rows = BTreeMap::new();
        for table in payload::case_tables(db)? {
            let filter = owner_filter(&table).unwrap_or("0");
            let n: i64 =
                db.query_row(&format!("SELECT count(*) FROM \"{table}\" WHERE {filter}"), params![ids], |r| r.get(0))?;
            if n > 0 {
                rows.insert(table, n as u64);
            }
        }
        out.push(ExportCase { id: id.clone(), code_name: code_name.clone(), rows });
    }
    Ok(out)
}

struct Prepared {
    audience: ExportAudience,
    recipients: Vec<ExportRecipient>,
    cases: Vec<(CaseId, String)>,
    missing: Vec<MissingConsent>,
}

fn prepare(conn: &Connection, ctx: &Ctx, plan: &ExportPlan) -> Result<Prepared, ModelError> {
    let audience = plan.audience.unwrap_or_default();
    let recipients = recipients(conn, plan, audience)?;
    let cases = cases(conn, &plan.case_ids)?;
    let missing = missing(conn, ctx, &cases, &recipients, audience)?;
    Ok(Prepared { audience, recipients, cases, missing })
}

pub(crate) fn preview_export(conn: &Connection, ctx: &Ctx, plan: ExportPlan) -> Result<ExportPreview, ModelError> {
    let prepared = prepare(conn, ctx, &plan)?;
    let db = build_payload(conn, &prepared.cases, prepared.audience)?;
    Ok(ExportPreview {
        audience: prepared.audience,
        leaves_out: prepared.audience.leaves_out(),
        cases: rows_by_case(&db, &prepared.cases)?,
        recipients: prepared.recipients,
        missing_consent: prepared.missing,
    })
}

/// The first missing consent as the refusal every consent-gated operation gives (participant, activity, state).
fn refusal(conn: &Connection, ctx: &Ctx, missing: &MissingConsent) -> ModelError {
    if missing.channel_refused {
        return ModelError::NotAllowed(format!(
            "{} chose not to hear about progress at all, so no progress summary is exported",
            missing.alias
        ));
    }
    let needs = if missing.activity == Activity::ProgressUpdates { Needs::NoRefusal } else { Needs::Grant };
    let checked = if missing.activity == Activity::InformationSharing {
        consent::require_sharing(conn, ctx, &missing.participant_id, &missing.shared_with)
    } else {
        consent::require_on(conn, ctx, &missing.participant_id, missing.activity, ctx.today(), needs)
    };
    checked.err().unwrap_or_else(|| invalid(format!("{} has no consent to {}", missing.alias, missing.activity)))
}

/// Writes `bytes` to `out` atomically: a new temp file beside it (owner only), fsync, rename, folder fsync. An
/// existing `out` is never replaced. The temp name is neutral (the bundle id), like the names callers choose.
fn write_atomically(out: &Path, bytes: &[u8], tmp_name: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if std::fs::symlink_metadata(out).is_ok() {
        return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the file exists; choose a new name"));
    }
    let tmp = folder.join(format!(".{tmp_name}.tmp"));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        if std::fs::symlink_metadata(out).is_ok() {
            return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, "the file exists; choose a new name"));
        }
        std::fs::rename(&tmp, out)?;
        std::fs::File::open(&folder)?.sync_all()
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

pub fn export_bundle(vault: &mut UnlockedVault, ctx: &Ctx, args: ExportArgs) -> Result<Exported, ModelError> {
    let out = PathBuf::from(&args.out);
    let folder = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (inside, vault_dir) = (std::fs::canonicalize(&folder), std::fs::canonicalize(vault.dir()));
    if let (Ok(inside), Ok(vault_dir)) = (inside, vault_dir) {
        if inside.starts_with(&vault_dir) {
            return Err(invalid("write the bundle outside the vault's folder"));
        }
    }
    export_to(vault, ctx, &args.plan, |_| out.clone())
}

/// Exports `plan` to the file `out` names for the new bundle id (which must not exist yet): `export_bundle`, and
/// the exchange folder's `export_to_exchange`.
pub(crate) fn export_to(
    vault: &mut UnlockedVault,
    ctx: &Ctx,
    plan: &ExportPlan,
    out: impl Fn(&str) -> PathBuf,
) -> Result<Exported, ModelError> {
    let me = signing_identity(vault);
    let mut written: Option<PathBuf> = None;
    let result = vault.edit(|tx| {
        let prepared = prepare(tx, ctx, plan)?;
        if let Some(first) = prepared.missing.first() {
            return Err(refusal(tx, ctx, first));
        }
        let mut db = build_payload(tx, &prepared.cases, prepared.audience)?;
        let rows: u64 = payload::row_counts(&db)?.values().sum();
        let bundle_id = ctx.new_uuid().to_string();
        let contents = Contents {
            bundle_id: bundle_id.clone(),
            created_at: ctx.now(),
            audience: prepared.audience.file(),
            case_ids: prepared.cases.iter().map(|(id, _)| id.to_string()).collect(),
        };
        let seal = match &plan.passphrase {
            Some(p) => {
                let passphrase = p.clone();
                crate::check_passphrase(&passphrase).map_err(|weak| invalid(weak.to_string()))?;
                Seal::Passphrase(passphrase)
            }
            None => Seal::Recipients(prepared.recipients.iter().filter_map(|r| r.recipient.clone()).collect()),
        };
        let bytes = file::write(&me, &contents, &mut db, &seal).map_err(|e| invalid(e.to_string()))?;
        for (case, _) in &prepared.cases {
            audit(tx, ctx, "export", "case", case)?;
        }
        audit(tx, ctx, "export", "bundle", &bundle_id)?;
        let out = out(&bundle_id);
        write_atomically(&out, &bytes, &bundle_id)
            .map_err(|e| invalid(format!("the bundle could not be written to {}: {e}", out.display())))?;
        written = Some(out.clone());
        Ok::<_, ModelError>(Exported {
            bundle_id,
            path: out.display().to_string(),
            audience: prepared.audience,
            recipients: prepared.recipients,
            case_ids: prepared.cases.into_iter().map(|(id, _)| id).collect(),
            rows,
            size: bytes.len() as u64,
        })
    });
    match result {
        Ok(done) => Ok(done),
        Err(EditError::Rejected(e)) => {
            // The audit was rolled back: the file must not stay either.
            if let Some(out) = written {
                let _ = std::fs::remove_file(out);
            }
            Err(e)
        }
        // The audit is committed in memory and is saved with the next save: the file stays.
        Err(EditError::Unsaved(e)) => Err(ModelError::Unsaved(e)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_case_table_says_which_case_its_rows_belong_to() {
        let db = super::payload::create().expect("payload");
        for table in super::payload::case_tables(&db).expect("tables") {
            assert!(super::owner_filter(&table).is_some(), "{table} has no owner filter: exports would refuse");
        }
    }

    /// A bundle passphrase is read from JSON (the CLI, the registry) into a `SecretString`: never shown by `Debug`,
    /// never written back out when the plan is serialized, and given to the seal as it was typed.
    #[test]
    fn a_plans_passphrase_is_a_secret() {
        use secrecy::ExposeSecret;
        let phrase = "quiet harbour lantern meadow";
        let args: super::ExportArgs = serde_json::from_value(serde_json::json!({
            "case_ids": [], "to": ["the person harmed"], "audience": "progress", "passphrase": phrase, "out": "b.cbb",
        }))
        .expect("arguments");
        assert_eq!(args.plan.passphrase.as_ref().map(|p| p.expose_secret()), Some(phrase));
        assert!(!format!("{args:?}").contains("harbour"), "Debug shows the passphrase: {args:?}");
        let written = serde_json::to_string(&args.plan).expect("serialize");
        assert!(!written.contains("harbour") && !written.contains("passphrase"), "{written}");
        let without: super::ExportPlan =
            serde_json::from_value(serde_json::json!({ "case_ids": [], "to": [] })).expect("no passphrase");
        assert!(without.passphrase.is_none());
    }
}
