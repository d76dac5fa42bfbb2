//! Rule 1 for sessions: every attendee's consent must cover the session's activity as it stands on the session's
//! day (and, when scheduling, today); a held session is judged by the ledger as it stood on the day it was held.
//! What is written about a session names its attendees, so it is refused while any of them has said no to notes
//! being kept. Scheduled sessions whose attendees no longer consent are listed for attention by
//! [`session_attention`](super::session_attention), a composite read above the sessions.

use chrono::NaiveDate;
use rusqlite::Connection;

use super::consent::{self, Needs};
use super::context::Ctx;
use super::errors::ModelError;
use super::ids::ParticipantId;
use super::vocab::{Activity, SessionKind};

/// Refuses with [`ModelError::ConsentRequired`] (naming the participant) unless each attendee's consent covers
/// the activity of `kind` on every one of `days` (days of the facilitator's calendar). Supervision involves no
/// participant's consent.
pub(crate) fn require_attendees(
    conn: &Connection,
    ctx: &Ctx,
    attendees: &[ParticipantId],
    kind: SessionKind,
    days: &[NaiveDate],
) -> Result<(), ModelError> {
    let Some(activity) = kind.activity() else {
        return Ok(());
    };
    for attendee in attendees {
        for day in days {
            consent::require(conn, ctx, attendee, activity, *day)?;
        }
    }
    Ok(())
}

/// Refuses writing a session's notes or summary (or a note on the session) while any attendee has declined or
/// withdrawn consent to notes being kept, as it stands today: the record is about them too.
pub(crate) fn require_session_record(
    conn: &Connection,
    ctx: &Ctx,
    attendees: &[ParticipantId],
) -> Result<(), ModelError> {
    for attendee in attendees {
        consent::require_on(conn, ctx, attendee, Activity::KeepingNotes, ctx.today(), Needs::NoRefusal)?;
    }
    Ok(())
}
