//! One participant with the current state of each consent they were asked for (a composite read over
//! participants and the consent ledger).

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::consent::{self, CurrentConsent};
use super::context::Ctx;
use super::errors::ModelError;
use super::op::Op;
use super::participants::{load, Participant, ParticipantRef};

pub(crate) fn ops() -> Vec<Op> {
    crate::ops! {
        read "get_participant" => get_participant, "One participant with their current consent per activity.";
    }
}

/// A participant with the current state of each consent they were asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ParticipantRecord {
    pub participant: Participant,
    pub consents: Vec<CurrentConsent>,
}

pub(crate) fn get_participant(
    conn: &Connection,
    ctx: &Ctx,
    args: ParticipantRef,
) -> Result<ParticipantRecord, ModelError> {
    let participant = load(conn, &args.participant_id)?;
    let consents = consent::current_of(conn, ctx, &participant)?;
    Ok(ParticipantRecord { participant, consents })
}
