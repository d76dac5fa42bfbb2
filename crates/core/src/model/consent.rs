//! The consent ledger: append-only entries per participant and activity (and, for information sharing,
//! recipient: a named person or role, or `contact:KEY` for a contact of this vault that cases are exported to). Entries count in effect order: the day each decision took effect on the facilitator's calendar,
//! then the order they were recorded. The state on a day is the last entry on or before it, unless an expired
//! grant. A new entry is never dated before the latest one, so the past as judged stays judged.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::op::Op;

use super::cases;
use super::context::{Ctx, Zone};
pub use super::errors::ConsentRefusal;
use super::errors::ModelError;
use super::ids::{ConsentId, ParticipantId};
use super::participants::{self, Participant, ParticipantRef, ParticipantScope};
use super::rows::{audit, found};
pub use super::vocab::ConsentState;
use super::vocab::{Activity, ConsentDecision, ConsentMethod};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "record_consent" => record_consent, "Record a participant's consent decision for one activity; the ledger only grows.";
        write "withdraw_consent" => withdraw_consent, "Record that a participant withdraws a consent they granted; it takes effect at once.";
        read "consent_history" => consent_history, "Every consent entry of a participant, newest first.";
        read "current_consents" => current_consents, "The current consent per activity, for one participant or a whole case.";
    }
}

/// One ledger entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConsentEntry {
    pub id: ConsentId,
    pub participant_id: ParticipantId,
    pub activity: Activity,
    /// For information sharing: the named person or role it may go to; empty otherwise.
    pub shared_with: String,
    pub decision: ConsentDecision,
    pub method: ConsentMethod,
    pub decided_at: DateTime<Utc>,
    pub expires_on: Option<NaiveDate>,
    pub note: String,
    pub recorded_at: DateTime<Utc>,
}

pub(crate) const ENTRY_COLUMNS: &str =
    "id, participant_id, activity, shared_with, decision, method, decided_at, expires_on, note, recorded_at";

pub(crate) fn entry_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentEntry> {
    Ok(ConsentEntry {
        id: r.get(0)?,
        participant_id: r.get(1)?,
        activity: r.get(2)?,
        shared_with: r.get(3)?,
        decision: r.get(4)?,
        method: r.get(5)?,
        decided_at: r.get(6)?,
        expires_on: r.get(7)?,
        note: r.get(8)?,
        recorded_at: r.get(9)?,
    })
}

/// The ledger for one participant, activity and recipient (`""` unless information sharing), in effect order:
/// by the day each entry took effect on the facilitator's calendar (the local date of `decided_at` in `zone`),
/// and among entries of the same day, in the order they were recorded. The last entry on or before a day decides
/// that day: a withdrawal or decline recorded on a day governs the whole of that day, and a grant covers
/// activities dated the day it was given.
pub(crate) fn ledger(
    conn: &Connection,
    zone: Zone,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
) -> rusqlite::Result<Vec<ConsentEntry>> {
    Ok(ledger_known(conn, zone, participant, activity, shared_with)?.into_iter().map(|(e, _)| e).collect())
}

/// [`ledger`], each entry with the ids of the entries it knew when recorded (`None`: every entry before it).
fn ledger_known(
    conn: &Connection,
    zone: Zone,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
) -> rusqlite::Result<Vec<(ConsentEntry, Option<Vec<String>>)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS}, seq, known FROM consents WHERE participant_id = ?1 AND activity = ?2 AND shared_with = ?3"
    ))?;
    let rows = stmt.query_map(params![participant, activity, shared_with], |r| {
        let known: Option<String> = r.get(11)?;
        Ok((entry_from_row(r)?, r.get::<_, i64>(10)?, known.and_then(|k| serde_json::from_str(&k).ok())))
    })?;
    let mut entries = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    // Entries merged from other vaults may share a sequence number: their ids break the tie the same way in
    // every vault.
    entries.sort_by(|(a, sa, _), (b, sb, _)| {
        (zone.date_of(a.decided_at), *sa, a.id.to_string()).cmp(&(zone.date_of(b.decided_at), *sb, b.id.to_string()))
    });
    Ok(entries.into_iter().map(|(e, _, k)| (e, k)).collect())
}

/// How restrictive a state is: when concurrent entries disagree, the most restrictive decides.
fn restrictiveness(state: ConsentState) -> u8 {
    match state {
        ConsentState::Withdrawn => 3,
        ConsentState::Declined => 2,
        ConsentState::Expired => 1,
        _ => 0,
    }
}

/// The entry in force on `on`, and whether the ledger diverged: entries recorded on two vaults, neither knowing
/// the other (issue 11, merged bundles). Without divergence it is the last entry in effect order that took effect
/// on or before that day; with it, the most restrictive of the heads (the entries no other entry knows), so a
/// concurrent grant never overrides a withdrawal.
pub(crate) fn as_of_diverged(
    conn: &Connection,
    zone: Zone,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
    on: NaiveDate,
) -> rusqlite::Result<(Option<ConsentEntry>, bool)> {
    let upto: Vec<(ConsentEntry, Option<Vec<String>>)> = ledger_known(conn, zone, participant, activity, shared_with)?
        .into_iter()
        .filter(|(e, _)| zone.date_of(e.decided_at) <= on)
        .collect();
    let knows = |i: usize, j: usize| match &upto[i].1 {
        Some(known) => known.iter().any(|k| *k == upto[j].0.id.to_string()),
        None => j < i,
    };
    let heads: Vec<usize> = (0..upto.len()).filter(|&i| !(0..upto.len()).any(|k| k != i && knows(k, i))).collect();
    if heads.len() <= 1 {
        let last = heads.first().copied().or(upto.len().checked_sub(1));
        return Ok((last.map(|i| upto[i].0.clone()), false));
    }
    let rank = |i: usize| restrictiveness(state_of(Some(&upto[i].0), on));
    let winner = heads.iter().copied().max_by_key(|&i| (rank(i), i)).expect("two heads or more");
    // Concurrent entries that agree (two grants) are no divergence to show.
    let diverged = heads.iter().any(|&i| state_of(Some(&upto[i].0), on) != state_of(Some(&upto[winner].0), on));
    Ok((Some(upto[winner].0.clone()), diverged))
}

/// The last entry in effect order, whatever its day: what a new entry follows.
pub(crate) fn latest(
    conn: &Connection,
    zone: Zone,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
) -> rusqlite::Result<Option<ConsentEntry>> {
    Ok(ledger(conn, zone, participant, activity, shared_with)?.pop())
}

/// The entry in force on `on`: the last in effect order that took effect on or before that day.
pub(crate) fn as_of(
    conn: &Connection,
    zone: Zone,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
    on: NaiveDate,
) -> rusqlite::Result<Option<ConsentEntry>> {
    Ok(as_of_diverged(conn, zone, participant, activity, shared_with, on)?.0)
}

/// The state of one entry on a given day.
pub(crate) fn state_of(entry: Option<&ConsentEntry>, on: NaiveDate) -> ConsentState {
    match entry {
        None => ConsentState::NotAsked,
        Some(e) => match e.decision {
            ConsentDecision::Declined => ConsentState::Declined,
            ConsentDecision::Withdrawn => ConsentState::Withdrawn,
            ConsentDecision::Granted => match e.expires_on {
                Some(expiry) if expiry < on => ConsentState::Expired,
                _ => ConsentState::Granted,
            },
        },
    }
}

/// The consent state for a participant and activity as it stood on `on` (a day of the facilitator's calendar).
pub(crate) fn state_on(
    conn: &Connection,
    zone: Zone,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
    on: NaiveDate,
) -> rusqlite::Result<ConsentState> {
    Ok(state_of(as_of(conn, zone, participant, activity, shared_with, on)?.as_ref(), on))
}

/// What an activity asks of the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// A grant in force on the day (not expired): taking part in a session or dialogue, notes kept about the
    /// person, their messages carried.
    Grant,
    /// No "no" in force on the day (declined or withdrawn refuse; not asked or an expired grant do not): records
    /// of a session that name its attendees, and the progress report, whose delivery the person chose.
    NoRefusal,
}

impl Needs {
    pub fn allows(self, state: ConsentState) -> bool {
        match self {
            Needs::Grant => state == ConsentState::Granted,
            Needs::NoRefusal => !matches!(state, ConsentState::Declined | ConsentState::Withdrawn),
        }
    }
}

/// Refuses unless the participant's consent to `activity`, as it stood on `on`, meets `needs` (rule 1: enforced,
/// not just recorded). `on` is the activity's day on the facilitator's calendar (`ctx.today()` for what happens now).
pub(crate) fn require_on(
    conn: &Connection,
    ctx: &Ctx,
    participant: &ParticipantId,
    activity: Activity,
    on: NaiveDate,
    needs: Needs,
) -> Result<(), ModelError> {
    require_scoped(conn, ctx, participant, activity, "", on, needs)
}

/// The `shared_with` of consent to share with a contact: `contact:` and the contact's signing key. A contact is
/// named by key, never by the name their card claims, so that two contacts with one name cannot share a consent.
pub(crate) fn contact_scope(signing_key: &str) -> String {
    format!("{CONTACT_SCOPE}{signing_key}")
}

pub(crate) const CONTACT_SCOPE: &str = "contact:";

/// Refuses unless a grant to share information with `shared_with` (a contact's scope, see [`contact_scope`], or a
/// named person or role) is in force today: what every export of a case checks for each participant (issue 11).
pub(crate) fn require_sharing(
    conn: &Connection,
    ctx: &Ctx,
    participant: &ParticipantId,
    shared_with: &str,
) -> Result<(), ModelError> {
    require_scoped(conn, ctx, participant, Activity::InformationSharing, shared_with, ctx.today(), Needs::Grant)
}

fn require_scoped(
    conn: &Connection,
    ctx: &Ctx,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
    on: NaiveDate,
    needs: Needs,
) -> Result<(), ModelError> {
    let alias: String = found(
        conn.query_row("SELECT alias FROM participants WHERE id = ?1", [participant], |r| r.get(0)),
        "participant",
        participant,
    )?;
    let entry = as_of(conn, ctx.zone(), participant, activity, shared_with, on)?;
    let state = state_of(entry.as_ref(), on);
    if needs.allows(state) {
        return Ok(());
    }
    Err(ModelError::ConsentRequired(Box::new(ConsentRefusal {
        participant_id: participant.clone(),
        alias,
        activity,
        shared_with: shared_with.to_owned(),
        state,
        on,
        needs_grant: needs == Needs::Grant,
        decided_on: entry.as_ref().map(|e| ctx.date_of(e.decided_at)),
        expires_on: entry.as_ref().and_then(|e| e.expires_on).filter(|_| state == ConsentState::Expired),
        entry_id: entry.map(|e| e.id),
    })))
}

/// Refuses unless a grant to `activity` is in force on `on` (see [`require_on`]).
pub(crate) fn require(
    conn: &Connection,
    ctx: &Ctx,
    participant: &ParticipantId,
    activity: Activity,
    on: NaiveDate,
) -> Result<(), ModelError> {
    require_on(conn, ctx, participant, activity, on, Needs::Grant)
}

/// Whether the entry `id` is the one in force today in its ledger (reminders of expiry are about those only).
pub(crate) fn decides_today(conn: &Connection, ctx: &Ctx, id: &str) -> Result<bool, ModelError> {
    let entry = found(
        conn.query_row(&format!("SELECT {ENTRY_COLUMNS} FROM consents WHERE id = ?1"), [id], entry_from_row),
        "consent entry",
        &id,
    )?;
    let current = as_of(conn, ctx.zone(), &entry.participant_id, entry.activity, &entry.shared_with, ctx.today())?;
    Ok(current.is_some_and(|c| c.id == entry.id))
}

/// The next sequence number of the ledger (the entry order; effect order puts the day first).
pub(crate) fn next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT coalesce(max(seq), 0) + 1 FROM consents", [], |r| r.get(0))
}

/// The current consent of one participant for one activity (and recipient).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CurrentConsent {
    pub participant_id: ParticipantId,
    pub alias: String,
    pub activity: Activity,
    pub shared_with: String,
    /// The state today: an expired grant is not current.
    pub state: ConsentState,
    /// The entry that decides it.
    pub latest: ConsentEntry,
    /// Entries recorded on two vaults disagree (neither knew the other): the most restrictive decides until a
    /// facilitator records a new decision.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub diverged: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct RecordConsent {
    pub participant_id: ParticipantId,
    pub activity: Activity,
    pub decision: ConsentDecision,
    pub method: ConsentMethod,
    /// When the participant decided; the default is now.
    #[ts(optional)]
    pub decided_at: Option<DateTime<Utc>>,
    /// The last day a grant holds; it must be after the day of the decision.
    #[ts(optional)]
    pub expires_on: Option<NaiveDate>,
    #[ts(optional)]
    pub note: Option<String>,
    /// Required for information sharing (the named person or role it may go to); must be empty otherwise.
    #[ts(optional)]
    pub shared_with: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct WithdrawConsent {
    pub participant_id: ParticipantId,
    pub activity: Activity,
    pub method: ConsentMethod,
    #[ts(optional)]
    pub decided_at: Option<DateTime<Utc>>,
    #[ts(optional)]
    pub note: Option<String>,
    /// For information sharing: the recipient whose consent is withdrawn.
    #[ts(optional)]
    pub shared_with: Option<String>,
}

/// A contact scope names a contact of this vault (checked when consent is granted or declined; a withdrawal is
/// always taken, even for a contact no longer known).
fn known_contact_scope(conn: &Connection, shared_with: &str) -> Result<(), ModelError> {
    let Some(key) = shared_with.strip_prefix(CONTACT_SCOPE) else { return Ok(()) };
    let known: bool =
        conn.query_row("SELECT count(*) > 0 FROM contacts WHERE signing_key = ?1", [key], |r| r.get(0))?;
    if known {
        Ok(())
    } else {
        Err(ModelError::Invalid(format!(
            "consent to share with {shared_with} names no contact of this vault; add their contact card first"
        )))
    }
}

/// The recipient rule: named for information sharing, empty for every other activity.
fn recipient(activity: Activity, shared_with: Option<&str>) -> Result<String, ModelError> {
    let shared_with = shared_with.unwrap_or("").trim();
    match (activity, shared_with.is_empty()) {
        (Activity::InformationSharing, true) => {
            Err(ModelError::Invalid("consent to share information names who it may go to (a person or a role)".into()))
        }
        (Activity::InformationSharing, false) | (_, true) => Ok(shared_with.to_owned()),
        (_, false) => Err(ModelError::Invalid(format!(
            "only consent to information_sharing names a recipient; consent to {activity} does not"
        ))),
    }
}

/// When a decision took effect: now unless given; never on a day after today (both on the facilitator's
/// calendar); never on a day before the latest entry of the same ledger (a late entry is dated that day or later,
/// with the real day in its note: back-dating past a later entry would rewrite what earlier activities were judged by).
fn decision_time(
    conn: &Connection,
    ctx: &Ctx,
    participant: &Participant,
    activity: Activity,
    shared_with: &str,
    decided_at: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>, ModelError> {
    let at = decided_at.unwrap_or_else(|| ctx.now());
    let on = ctx.date_of(at);
    if on > ctx.today() {
        return Err(ModelError::Invalid(format!("a consent decision cannot be dated after today ({})", ctx.today())));
    }
    if let Some(last) = latest(conn, ctx.zone(), &participant.id, activity, shared_with)? {
        let last_on = ctx.date_of(last.decided_at);
        if on < last_on {
            return Err(ModelError::Invalid(format!(
                "{}'s consent to {activity} already has an entry dated {last_on}; a new decision is dated on or after \
                 that day (say the real day in the note), so that the ledger's past is never rewritten",
                participant.alias
            )));
        }
    }
    Ok(at)
}

fn load_entry(conn: &Connection, id: &ConsentId) -> Result<ConsentEntry, ModelError> {
    found(
        conn.query_row(&format!("SELECT {ENTRY_COLUMNS} FROM consents WHERE id = ?1"), [id], entry_from_row),
        "consent entry",
        id,
    )
}

/// Appends one entry to the ledger (the only way entries are written).
fn append(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: RecordConsent,
    shared_with: String,
    decided_at: DateTime<Utc>,
) -> Result<ConsentEntry, ModelError> {
    let id = ConsentId(ctx.new_uuid());
    let known: Vec<String> = ledger(tx, ctx.zone(), &args.participant_id, args.activity, &shared_with)?
        .into_iter()
        .map(|e| e.id.to_string())
        .collect();
    let known = serde_json::to_string(&known).map_err(|e| ModelError::Invalid(e.to_string()))?;
    tx.execute(
        "INSERT INTO consents(id, participant_id, activity, shared_with, decision, method, decided_at, expires_on, note,
                              recorded_at, seq, known)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            id,
            args.participant_id,
            args.activity,
            shared_with,
            args.decision,
            args.method,
            decided_at,
            args.expires_on,
            args.note.as_deref().unwrap_or("").trim(),
            ctx.now(),
            next_seq(tx)?,
            known,
        ],
    )?;
    audit(tx, ctx, "record", "consent", &id)?;
    load_entry(tx, &id)
}

/// Grants and declines need an open case; a withdrawal is always accepted, even once the case is closed.
pub(crate) fn record_consent(tx: &Transaction<'_>, ctx: &Ctx, args: RecordConsent) -> Result<ConsentEntry, ModelError> {
    let participant = participants::load(tx, &args.participant_id)?;
    if args.decision != ConsentDecision::Withdrawn {
        cases::ensure_open(tx, &participant.case_id)?;
    }
    let shared_with = recipient(args.activity, args.shared_with.as_deref())?;
    if args.decision != ConsentDecision::Withdrawn {
        known_contact_scope(tx, &shared_with)?;
    }
    let decided_at = decision_time(tx, ctx, &participant, args.activity, &shared_with, args.decided_at)?;
    if let Some(expiry) = args.expires_on {
        if args.decision != ConsentDecision::Granted {
            return Err(ModelError::Invalid("only a grant of consent can have an expiry date".into()));
        }
        if expiry <= ctx.date_of(decided_at) {
            return Err(ModelError::Invalid("a consent's expiry date must be after the day it was given".into()));
        }
    }
    append(tx, ctx, args, shared_with, decided_at)
}

/// Records a withdrawal of a consent whose latest entry is a grant (expired or not); it governs the whole day it
/// is dated (today unless given) and every day after.
pub(crate) fn withdraw_consent(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: WithdrawConsent,
) -> Result<ConsentEntry, ModelError> {
    let participant = participants::load(tx, &args.participant_id)?;
    let shared_with = recipient(args.activity, args.shared_with.as_deref())?;
    let decided_at = decision_time(tx, ctx, &participant, args.activity, &shared_with, args.decided_at)?;
    let latest = latest(tx, ctx.zone(), &participant.id, args.activity, &shared_with)?;
    if latest.as_ref().map(|e| e.decision) != Some(ConsentDecision::Granted) {
        let state = state_of(latest.as_ref(), ctx.date_of(decided_at));
        return Err(ModelError::Invalid(format!(
            "{} has no granted consent to {} to withdraw ({})",
            participant.alias,
            args.activity,
            state.describe()
        )));
    }
    let entry = RecordConsent {
        participant_id: participant.id,
        activity: args.activity,
        decision: ConsentDecision::Withdrawn,
        method: args.method,
        decided_at: None,
        expires_on: None,
        note: args.note,
        shared_with: None,
    };
    append(tx, ctx, entry, shared_with, decided_at)
}

/// Every entry of a participant, newest first in effect order (the day it took effect, then entry order).
pub(crate) fn consent_history(
    conn: &Connection,
    ctx: &Ctx,
    args: ParticipantRef,
) -> Result<Vec<ConsentEntry>, ModelError> {
    let participant = participants::load(conn, &args.participant_id)?;
    let mut stmt = conn.prepare(&format!("SELECT {ENTRY_COLUMNS}, seq FROM consents WHERE participant_id = ?1"))?;
    let rows = stmt.query_map([&participant.id], |r| Ok((entry_from_row(r)?, r.get::<_, i64>(10)?)))?;
    let mut entries = rows.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|(e, seq)| std::cmp::Reverse((ctx.date_of(e.decided_at), *seq, e.id.to_string())));
    Ok(entries.into_iter().map(|(e, _)| e).collect())
}

pub(crate) fn current_consents(
    conn: &Connection,
    ctx: &Ctx,
    args: ParticipantScope,
) -> Result<Vec<CurrentConsent>, ModelError> {
    let mut all = Vec::new();
    for participant in args.resolve(conn)? {
        all.extend(current_of(conn, ctx, &participant)?);
    }
    Ok(all)
}

/// For each activity (and recipient) a participant has ledger entries for: the state today, on the facilitator's
/// calendar, and the entry that decides it.
pub(crate) fn current_of(
    conn: &Connection,
    ctx: &Ctx,
    participant: &Participant,
) -> Result<Vec<CurrentConsent>, ModelError> {
    let mut stmt = conn.prepare("SELECT DISTINCT activity, shared_with FROM consents WHERE participant_id = ?1")?;
    let keys = stmt
        .query_map([&participant.id], |r| Ok((r.get::<_, Activity>(0)?, r.get::<_, String>(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let today = ctx.today();
    let mut current = Vec::new();
    for (activity, shared_with) in keys {
        let (entry, diverged) = as_of_diverged(conn, ctx.zone(), &participant.id, activity, &shared_with, today)?;
        if let Some(latest) = entry {
            current.push(CurrentConsent {
                diverged,
                participant_id: participant.id.clone(),
                alias: participant.alias.clone(),
                activity,
                shared_with,
                state: state_of(Some(&latest), today),
                latest,
            });
        }
    }
    current.sort_by(|a, b| (a.activity, &a.shared_with).cmp(&(b.activity, &b.shared_with)));
    Ok(current)
}
