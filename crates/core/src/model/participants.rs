//! Participants of a case: an alias and a role each, who supports or partners whom, access and cultural needs,
//! safety notes, and how a person harmed chose to hear of progress.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Deserializer, Serialize};
use ts_rs::TS;

use super::cases;
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::{CaseId, ParticipantId};
use super::op::Op;
use super::rows::{audit, found, required};
use super::vocab::{ProgressUpdates, Role};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        write "add_participant" => add_participant, "Add a participant to an open case under an alias, with their role.";
        write "update_participant" => update_participant, "Change a participant's alias, role, relation, needs or how they hear of progress.";
        read "list_participants" => list_participants, "A case's participants, in the order they joined.";
    }
}

/// A participant. Only the alias is ever shown outside the participant's own page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Participant {
    pub id: ParticipantId,
    pub case_id: CaseId,
    pub alias: String,
    pub role: Role,
    /// Another participant of the same case this one supports or partners (for supporters, partners…).
    pub related_to: Option<ParticipantId>,
    pub pronouns: String,
    /// Private: kept out of search, summaries and exports.
    pub contact: String,
    pub access_needs: String,
    pub cultural_needs: String,
    pub safety_notes: String,
    /// How this person (above all a person harmed) chose to hear of progress.
    pub progress_updates: ProgressUpdates,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NewParticipant {
    pub case_id: CaseId,
    pub alias: String,
    pub role: Role,
    #[ts(optional)]
    pub related_to: Option<ParticipantId>,
    #[ts(optional)]
    pub pronouns: Option<String>,
    #[ts(optional)]
    pub contact: Option<String>,
    #[ts(optional)]
    pub access_needs: Option<String>,
    #[ts(optional)]
    pub cultural_needs: Option<String>,
    #[ts(optional)]
    pub safety_notes: Option<String>,
    /// The default is `through_facilitator`.
    #[ts(optional)]
    pub progress_updates: Option<ProgressUpdates>,
}

/// Fields left out stay as they are; `related_to: null` removes the relation.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ParticipantUpdate {
    pub participant_id: ParticipantId,
    #[ts(optional)]
    pub alias: Option<String>,
    #[ts(optional)]
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub related_to: Option<Option<ParticipantId>>,
    #[ts(optional)]
    pub pronouns: Option<String>,
    #[ts(optional)]
    pub contact: Option<String>,
    #[ts(optional)]
    pub access_needs: Option<String>,
    #[ts(optional)]
    pub cultural_needs: Option<String>,
    #[ts(optional)]
    pub safety_notes: Option<String>,
    #[ts(optional)]
    pub progress_updates: Option<ProgressUpdates>,
}

/// Tells a field given as `null` (`Some(None)`) from a field left out (`None`, through `#[serde(default)]`).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ParticipantRef {
    pub participant_id: ParticipantId,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CaseParticipants {
    pub case_id: CaseId,
}

/// One participant or every participant of a case: give exactly one of the two.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ParticipantScope {
    #[ts(optional)]
    pub participant_id: Option<ParticipantId>,
    #[ts(optional)]
    pub case_id: Option<CaseId>,
}

impl ParticipantScope {
    /// Checks that the scope names exactly one existing participant or case.
    pub fn check(&self, conn: &Connection) -> Result<(), ModelError> {
        match (&self.participant_id, &self.case_id) {
            (Some(p), None) => load(conn, p).map(drop),
            (None, Some(c)) => cases::load(conn, c).map(drop),
            _ => Err(ModelError::Invalid("give either a participant or a case, not both or neither".into())),
        }
    }

    /// The participants the scope names (NotFound when the participant or case does not exist).
    pub fn resolve(&self, conn: &Connection) -> Result<Vec<Participant>, ModelError> {
        match (&self.participant_id, &self.case_id) {
            (Some(p), None) => Ok(vec![load(conn, p)?]),
            (None, Some(c)) => of_case(conn, c),
            _ => Err(ModelError::Invalid("give either a participant or a case, not both or neither".into())),
        }
    }
}

const COLUMNS: &str = "id, case_id, alias, role, related_to, pronouns, contact, access_needs, cultural_needs, \
    safety_notes, progress_updates, created_at, updated_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Participant> {
    Ok(Participant {
        id: r.get(0)?,
        case_id: r.get(1)?,
        alias: r.get(2)?,
        role: r.get(3)?,
        related_to: r.get(4)?,
        pronouns: r.get(5)?,
        contact: r.get(6)?,
        access_needs: r.get(7)?,
        cultural_needs: r.get(8)?,
        safety_notes: r.get(9)?,
        progress_updates: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

/// Reads one participant.
pub(crate) fn load(conn: &Connection, id: &ParticipantId) -> Result<Participant, ModelError> {
    found(
        conn.query_row(&format!("SELECT {COLUMNS} FROM participants WHERE id = ?1"), [id], from_row),
        "participant",
        id,
    )
}

/// The participants of a case, in the order they joined (NotFound when the case does not exist).
pub(crate) fn of_case(conn: &Connection, case_id: &CaseId) -> Result<Vec<Participant>, ModelError> {
    cases::load(conn, case_id)?;
    let mut stmt =
        conn.prepare(&format!("SELECT {COLUMNS} FROM participants WHERE case_id = ?1 ORDER BY created_at, id"))?;
    let rows = stmt.query_map([case_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A relation must point at another participant of the same case.
fn check_related(
    conn: &Connection,
    case_id: &CaseId,
    this: Option<&ParticipantId>,
    related: &ParticipantId,
) -> Result<(), ModelError> {
    if this == Some(related) {
        return Err(ModelError::Invalid("a participant cannot be related to themselves".into()));
    }
    let other = load(conn, related)?;
    if other.case_id != *case_id {
        return Err(ModelError::Invalid("a participant can only be related to someone in the same case".into()));
    }
    Ok(())
}

fn text(value: Option<String>) -> String {
    value.map(|v| v.trim().to_owned()).unwrap_or_default()
}

pub(crate) fn add_participant(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: NewParticipant,
) -> Result<Participant, ModelError> {
    let case = cases::ensure_open(tx, &args.case_id)?;
    required("An alias", &args.alias)?;
    if let Some(related) = &args.related_to {
        check_related(tx, &case.id, None, related)?;
    }
    let id = ParticipantId(ctx.new_uuid());
    tx.execute(
        "INSERT INTO participants(id, case_id, alias, role, related_to, pronouns, contact, access_needs, cultural_needs,
                                  safety_notes, progress_updates, created_at, updated_at)
         VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)",
        params![
            id,
            case.id,
            args.alias.trim(),
            args.role,
            args.related_to,
            text(args.pronouns),
            text(args.contact),
            text(args.access_needs),
            text(args.cultural_needs),
            text(args.safety_notes),
            args.progress_updates.unwrap_or(ProgressUpdates::ThroughFacilitator),
            ctx.now(),
        ],
    )?;
    audit(tx, ctx, "create", "participant", &id)?;
    load(tx, &id)
}

pub(crate) fn update_participant(
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: ParticipantUpdate,
) -> Result<Participant, ModelError> {
    let old = load(tx, &args.participant_id)?;
    cases::ensure_open(tx, &old.case_id)?;
    if let Some(alias) = &args.alias {
        required("An alias", alias)?;
    }
    let related_to = match args.related_to {
        None => old.related_to.clone(),
        Some(None) => None,
        Some(Some(related)) => {
            check_related(tx, &old.case_id, Some(&old.id), &related)?;
            Some(related)
        }
    };
    let keep = |new: Option<String>, old: String| new.map(|v| v.trim().to_owned()).unwrap_or(old);
    tx.execute(
        "UPDATE participants SET alias = ?2, role = ?3, related_to = ?4, pronouns = ?5, contact = ?6, access_needs = ?7,
                cultural_needs = ?8, safety_notes = ?9, progress_updates = ?10, updated_at = ?11
         WHERE id = ?1",
        params![
            old.id,
            keep(args.alias, old.alias),
            args.role.unwrap_or(old.role),
            related_to,
            keep(args.pronouns, old.pronouns),
            keep(args.contact, old.contact),
            keep(args.access_needs, old.access_needs),
            keep(args.cultural_needs, old.cultural_needs),
            keep(args.safety_notes, old.safety_notes),
            args.progress_updates.unwrap_or(old.progress_updates),
            ctx.now(),
        ],
    )?;
    audit(tx, ctx, "update", "participant", &old.id)?;
    load(tx, &old.id)
}

pub(crate) fn list_participants(
    conn: &Connection,
    _ctx: &Ctx,
    args: CaseParticipants,
) -> Result<Vec<Participant>, ModelError> {
    of_case(conn, &args.case_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_tells_a_cleared_relation_from_one_left_out() {
        let id = "0195a1b2-0000-7000-8000-000000000001";
        let left_out: ParticipantUpdate =
            serde_json::from_value(serde_json::json!({"participant_id": id})).expect("parse");
        assert_eq!(left_out.related_to, None);
        let cleared: ParticipantUpdate =
            serde_json::from_value(serde_json::json!({"participant_id": id, "related_to": null})).expect("parse");
        assert_eq!(cleared.related_to, Some(None));
        let set: ParticipantUpdate =
            serde_json::from_value(serde_json::json!({"participant_id": id, "related_to": id})).expect("parse");
        assert_eq!(set.related_to, Some(Some(ParticipantId(id.parse().expect("uuid")))));
        let decl = ParticipantUpdate::decl(&crate::model::ops::config());
        assert!(decl.contains("related_to?: ParticipantId | null"), "{decl}");
    }
}
