//! The closed vocabularies of the case model (stages, roles, activities…), stored as snake_case text.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Declares a closed vocabulary: serde and SQL use the same snake_case words.
macro_rules! vocab {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every word, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The stored and serialized word.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    other => Err(format!("`{other}` is not a {}", stringify!($name))),
                }
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(value: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                value.as_str()?.parse().map_err(|e: String| rusqlite::types::FromSqlError::Other(e.into()))
            }
        }
    };
}

vocab!(
    /// Where a case stands. Paused and withdrawn can happen at any point.
    Stage {
        Referral = "referral", Intake = "intake", Preparation = "preparation", Active = "active",
        FollowUp = "follow_up", Closed = "closed", Paused = "paused", Withdrawn = "withdrawn",
    }
);

vocab!(
    /// A participant's role in a case. Programs choose the words shown for each (terminology setting).
    Role {
        PersonHarmed = "person_harmed", PersonResponsible = "person_responsible", Supporter = "supporter",
        CommunityMember = "community_member", Partner = "partner", CoFacilitator = "co_facilitator",
        Specialist = "specialist", Supervisor = "supervisor", Other = "other",
    }
);

vocab!(
    /// What a consent entry is about: each activity needs its own consent.
    Activity {
        Intake = "intake", DirectDialogue = "direct_dialogue", IndirectDialogue = "indirect_dialogue",
        LetterExchange = "letter_exchange", PersonHarmedCircle = "person_harmed_circle",
        PersonResponsibleCircle = "person_responsible_circle", BlendedCircle = "blended_circle",
        PartnersCircle = "partners_circle", CosaInnerCircle = "cosa_inner_circle", CosaOuterCircle = "cosa_outer_circle",
        Conference = "conference", ReintegrationCheckIn = "reintegration_check_in",
        PreparationMeeting = "preparation_meeting", ProgressUpdates = "progress_updates",
        InformationSharing = "information_sharing", KeepingNotes = "keeping_notes",
    }
);

vocab!(
    /// A consent entry's decision.
    ConsentDecision { Granted = "granted", Declined = "declined", Withdrawn = "withdrawn" }
);

vocab!(
    /// How consent was given or withdrawn.
    ConsentMethod { Written = "written", Verbal = "verbal", Recorded = "recorded", ThroughSupporter = "through_supporter" }
);

vocab!(
    /// A restorative process chosen for a case; a case can hold several.
    ProcessKind {
        PersonHarmedCircle = "person_harmed_circle", PersonResponsibleCircle = "person_responsible_circle",
        BlendedCircle = "blended_circle", PartnersCircle = "partners_circle", CosaInnerCircle = "cosa_inner_circle",
        CosaOuterCircle = "cosa_outer_circle", DirectDialogue = "direct_dialogue", IndirectDialogue = "indirect_dialogue",
        LetterExchange = "letter_exchange", Conference = "conference", ReintegrationSupport = "reintegration_support",
    }
);

vocab!(
    /// Whether a process is running.
    ProcessStatus { Active = "active", Paused = "paused", Closed = "closed", Withdrawn = "withdrawn" }
);

vocab!(
    /// A meeting or step.
    SessionKind {
        PersonHarmedCircle = "person_harmed_circle", PersonResponsibleCircle = "person_responsible_circle",
        BlendedCircle = "blended_circle", PartnersCircle = "partners_circle", CosaInnerCircle = "cosa_inner_circle",
        CosaOuterCircle = "cosa_outer_circle", DirectDialogue = "direct_dialogue", IndirectDialogue = "indirect_dialogue",
        LetterExchange = "letter_exchange", Conference = "conference", ReintegrationCheckIn = "reintegration_check_in",
        PreparationMeeting = "preparation_meeting", Supervision = "supervision",
    }
);

impl SessionKind {
    /// The activity an attendee must currently consent to; supervision involves no participant's consent.
    pub fn activity(self) -> Option<Activity> {
        Some(match self {
            SessionKind::PersonHarmedCircle => Activity::PersonHarmedCircle,
            SessionKind::PersonResponsibleCircle => Activity::PersonResponsibleCircle,
            SessionKind::BlendedCircle => Activity::BlendedCircle,
            SessionKind::PartnersCircle => Activity::PartnersCircle,
            SessionKind::CosaInnerCircle => Activity::CosaInnerCircle,
            SessionKind::CosaOuterCircle => Activity::CosaOuterCircle,
            SessionKind::DirectDialogue => Activity::DirectDialogue,
            SessionKind::IndirectDialogue => Activity::IndirectDialogue,
            SessionKind::LetterExchange => Activity::LetterExchange,
            SessionKind::Conference => Activity::Conference,
            SessionKind::ReintegrationCheckIn => Activity::ReintegrationCheckIn,
            SessionKind::PreparationMeeting => Activity::PreparationMeeting,
            SessionKind::Supervision => return None,
        })
    }
}

vocab!(
    /// Whether a session happened.
    SessionStatus { Scheduled = "scheduled", Held = "held", Cancelled = "cancelled" }
);

vocab!(
    /// Assessed risk.
    RiskLevel { Low = "low", Medium = "medium", High = "high" }
);

vocab!(
    /// What an assessment decided.
    AssessmentDecision { Proceed = "proceed", Pause = "pause", Stop = "stop" }
);

vocab!(
    /// A kind of accountability commitment.
    CommitmentKind {
        ApologyLetter = "apology_letter", ConsentEducation = "consent_education", Counselling = "counselling",
        SkillPractice = "skill_practice", ArticulatingGrowth = "articulating_growth", MakingAmends = "making_amends",
        Restitution = "restitution", NoContact = "no_contact", Other = "other",
    }
);

vocab!(
    /// Where a commitment stands.
    CommitmentStatus {
        NotStarted = "not_started", InProgress = "in_progress", Done = "done", Missed = "missed",
        Renegotiated = "renegotiated",
    }
);

vocab!(
    /// How the person harmed chose to hear of progress.
    ProgressUpdates { Directly = "directly", ThroughFacilitator = "through_facilitator", NotAtAll = "not_at_all" }
);

vocab!(
    /// How a closed case ended, for programme statistics.
    Outcome {
        AgreementCompleted = "agreement_completed", PartlyCompleted = "partly_completed",
        EndedByPersonHarmed = "ended_by_person_harmed", EndedByPersonResponsible = "ended_by_person_responsible",
        StoppedForSafety = "stopped_for_safety", NotSuitable = "not_suitable", Other = "other",
    }
);

/// What the ledger says now for one participant and activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ConsentState {
    /// The latest entry grants it and has not expired.
    Granted,
    /// The latest entry declines it.
    Declined,
    /// The latest entry withdraws it.
    Withdrawn,
    /// The latest entry granted it but expired.
    Expired,
    /// There is no entry.
    NotAsked,
}

impl ConsentState {
    pub fn describe(self) -> &'static str {
        match self {
            ConsentState::Granted => "granted",
            ConsentState::Declined => "declined",
            ConsentState::Withdrawn => "withdrawn",
            ConsentState::Expired => "expired",
            ConsentState::NotAsked => "not yet asked",
        }
    }
}
