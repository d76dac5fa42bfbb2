//! Who acts and when: the facilitator's time zone and the context (clock, zone, actor, ids) passed into every
//! operation, so that tests control time, time zone and ids. Vocabulary: it imports nothing from the model.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Offset, Utc};

/// The facilitator's time zone: what turns an instant into the day it was on the facilitator's calendar. Every
/// date rule (today, "not in the future", expiry, the day a consent decision takes effect) uses it, never UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The machine's zone, as the C library would find it: `TZ` (an IANA name such as `Pacific/Auckland`, or a
    /// POSIX rule), else `/etc/localtime`; UTC only where the machine itself has no zone.
    Machine,
    /// A fixed offset from UTC (tests, and a setting a front end may pass in).
    Fixed(FixedOffset),
}

impl Zone {
    /// UTC as a fixed zone (fixed test contexts use it unless told otherwise).
    pub fn utc() -> Zone {
        Zone::Fixed(Utc.fix())
    }

    /// The facilitator's calendar day of an instant.
    pub fn date_of(self, at: DateTime<Utc>) -> NaiveDate {
        match self {
            Zone::Machine => at.with_timezone(&Local).date_naive(),
            Zone::Fixed(offset) => at.with_timezone(&offset).date_naive(),
        }
    }

    /// The offset from UTC in force at an instant, in seconds east (for reports and tests).
    pub fn offset_seconds(self, at: DateTime<Utc>) -> i32 {
        match self {
            Zone::Machine => at.with_timezone(&Local).offset().fix().local_minus_utc(),
            Zone::Fixed(offset) => offset.local_minus_utc(),
        }
    }
}

/// Who acts and when: passed into every operation so that tests control time, time zone and ids.
#[derive(Debug)]
pub struct Ctx {
    now: DateTime<Utc>,
    zone: Zone,
    actor: String,
    counter: Option<AtomicU64>,
}

impl Ctx {
    /// The real clock, the machine's time zone and random UUIDv7 ids.
    pub fn new(actor: impl Into<String>) -> Ctx {
        Ctx { now: Utc::now(), zone: Zone::Machine, actor: actor.into(), counter: None }
    }

    /// A fixed instant and sequential ids (UUIDv7 layout, time from `now`), in UTC unless [`Ctx::in_zone`] says
    /// otherwise: for tests and demos.
    pub fn fixed(now: DateTime<Utc>, actor: impl Into<String>) -> Ctx {
        Ctx::fixed_from(now, actor, 1)
    }

    /// Like [`Ctx::fixed`], with ids counting from `first`. Demo data draws `first` from its seeded generator, so
    /// that contexts at the same instant (other cases, other seeds) do not repeat each other's ids.
    pub fn fixed_from(now: DateTime<Utc>, actor: impl Into<String>, first: u64) -> Ctx {
        Ctx { now, zone: Zone::utc(), actor: actor.into(), counter: Some(AtomicU64::new(first)) }
    }

    /// The same context in another time zone (a front end's setting, or a test's).
    pub fn in_zone(mut self, zone: Zone) -> Ctx {
        self.zone = zone;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Today on the facilitator's calendar (in their time zone, not UTC).
    pub fn today(&self) -> NaiveDate {
        self.zone.date_of(self.now)
    }

    /// The facilitator's calendar day of an instant.
    pub fn date_of(&self, at: DateTime<Utc>) -> NaiveDate {
        self.zone.date_of(at)
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// A new UUIDv7.
    pub fn new_uuid(&self) -> uuid::Uuid {
        let millis = self.now.timestamp_millis().max(0) as u64;
        let mut random = [0u8; 10];
        match &self.counter {
            Some(counter) => random[2..].copy_from_slice(&counter.fetch_add(1, Ordering::Relaxed).to_be_bytes()),
            None => rand::Rng::fill(&mut rand::thread_rng(), &mut random[..]),
        }
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}
