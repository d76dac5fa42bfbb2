//! Read-only queries of the consent ledger that no registry operation answers as such (the state on any day, the
//! latest entry in effect order, whether an activity is covered, the next ledger sequence number), for test setup
//! and for the demo generator that builds test and benchmark data. Nothing here writes: every change still goes
//! through the registry ([`ops`](super::ops)). Hidden from the documentation; front ends do not use it.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::consent::{self, ConsentEntry};
use super::context::{Ctx, Zone};
use super::errors::ModelError;
use super::ids::ParticipantId;
use super::vocab::{Activity, ConsentState};

/// The state of a participant's consent to `activity` (and recipient) on the day `on`.
pub fn consent_state_on(
    conn: &Connection,
    zone: Zone,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
    on: NaiveDate,
) -> rusqlite::Result<ConsentState> {
    consent::state_on(conn, zone, participant, activity, shared_with, on)
}

/// The latest entry of a ledger in effect order, if any.
pub fn consent_latest(
    conn: &Connection,
    zone: Zone,
    participant: &ParticipantId,
    activity: Activity,
    shared_with: &str,
) -> rusqlite::Result<Option<ConsentEntry>> {
    consent::latest(conn, zone, participant, activity, shared_with)
}

/// Refuses with [`ModelError::ConsentRequired`] unless the participant's consent covers `activity` on `on`.
pub fn consent_require(
    conn: &Connection,
    ctx: &Ctx,
    participant: &ParticipantId,
    activity: Activity,
    on: NaiveDate,
) -> Result<(), ModelError> {
    consent::require(conn, ctx, participant, activity, on)
}

/// The sequence number the next ledger entry takes (tests that write a back-dated entry by hand use it).
pub fn consent_next_seq(conn: &Connection) -> rusqlite::Result<i64> {
    consent::next_seq(conn)
}
