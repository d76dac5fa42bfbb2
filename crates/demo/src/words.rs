//! Phrase banks for the short texts of demo cases: code names, aliases, the person harmed's statement, reasons,
//! safety plans, agreements, messages, commitments. Calm, neutral facilitator wording; nothing is about real people.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;

use circlebook_core::model::{CommitmentKind, Outcome, Stage};

pub const TREES: &[&str] = &[
    "Alder", "Ash", "Aspen", "Birch", "Cedar", "Elm", "Hawthorn", "Hazel", "Juniper", "Larch", "Linden", "Maple",
    "Oak", "Pine", "Rowan", "Spruce", "Sycamore", "Willow", "Yew", "Hornbeam",
];
pub const BIRDS: &[&str] = &[
    "Avocet",
    "Bittern",
    "Curlew",
    "Dunlin",
    "Egret",
    "Fieldfare",
    "Goldcrest",
    "Heron",
    "Kestrel",
    "Lapwing",
    "Linnet",
    "Merlin",
    "Nuthatch",
    "Plover",
    "Redstart",
    "Siskin",
    "Swift",
    "Teal",
    "Wagtail",
    "Wren",
];
/// Participants' aliases: plain words no one is called, so that nobody mistakes a demo person for a real one.
pub const ALIASES: &[&str] = &[
    "Amber", "Basil", "Bracken", "Briar", "Clover", "Coral", "Dune", "Ember", "Fern", "Flint", "Garnet", "Heath",
    "Indigo", "Ivy", "Jasper", "Kelp", "Lichen", "Marram", "Moss", "Nettle", "Opal", "Pebble", "Quartz", "Quill",
    "Reed", "Rush", "Sage", "Sedge", "Shale", "Slate", "Sorrel", "Tansy", "Thistle", "Umber", "Vetch", "Yarrow",
];
pub const PRONOUNS: &[&str] = &["she/her", "he/him", "they/them", "", "she/they", "he/they"];

/// The first line of the statement: what the person harmed needs, in their own words.
pub const NEEDS: &[&str] = &[
    "To be heard in my own words, without being interrupted or doubted.",
    "To know that he understands what happened and how it changed my life.",
    "To feel safe in my own neighbourhood again.",
    "An acknowledgement, in writing, that what happened was not my fault.",
    "To stop carrying this on my own.",
    "To ask the questions that have stayed with me since it happened.",
    "To be able to go back to the club without worrying who will be there.",
    "To hear that she has taken steps so that it does not happen to anyone else.",
    "Time, and to decide the pace myself.",
    "For my family to understand what I have been through.",
    "To know that they have learned what consent means.",
    "To put down the anger and get on with my studies.",
];
/// Further sentences of the statement of needs.
pub const NEEDS_MORE: &[&str] = &[
    "I do not want to meet in person, at least not yet.",
    "I would like my sister to be with me at every meeting.",
    "I want updates through the facilitator, not directly.",
    "I need to be able to stop at any point without explaining why.",
    "I want it to be clear that I am not here to forgive on anyone's timetable.",
    "I would like a written summary after each step.",
    "I do not want anyone at work to know about this.",
    "I want to hear what has changed, not only an apology.",
];
/// What justice would look like for the person harmed.
pub const JUSTICE: &[&str] = &[
    "An honest apology that names what happened, and real change afterwards.",
    "That he completes a consent education course and tells me what he learned.",
    "Never having to see them at the club again, and knowing they are getting help.",
    "A letter that explains why, and what they are doing differently now.",
    "That the harm is acknowledged by the people who doubted me.",
    "That she pays for the counselling I needed, and that it ends there.",
    "To be able to close this chapter, knowing it was taken seriously.",
    "Some form of making amends that I get to shape.",
];
pub const REFERRAL_SOURCES: &[(&str, bool)] = &[
    ("Self-referral by phone", true),
    ("Self-referral through the website form", true),
    ("Sexual assault referral centre, at the person harmed's request", true),
    ("Victim support service, at the person harmed's request", true),
    ("Their counsellor, with their agreement", true),
    ("University wellbeing service, at the student's request", true),
    ("Probation service", false),
    ("Community organisation", false),
];
/// Root-cause tags (stored lower case).
pub const TAGS: &[&str] = &[
    "alcohol",
    "power imbalance",
    "workplace",
    "family",
    "intimate relationship",
    "online",
    "university",
    "youth",
    "consent misunderstood",
    "faith community",
    "sports club",
    "neighbours",
];

pub const FACILITATOR: &str = "Facilitator (demo)";

/// Why a case moved to `stage`, said by whoever decided.
pub fn stage_reason(stage: Stage) -> &'static [&'static str] {
    match stage {
        Stage::Intake => &[
            "Referral accepted; the person harmed would like to talk it through first.",
            "The person harmed asked to begin with an intake conversation.",
        ],
        Stage::Preparation => &[
            "Intake complete; both parties want to explore a restorative process.",
            "Readiness looks good at intake; preparation begins at the person harmed's pace.",
        ],
        Stage::Active => &[
            "Preparation complete; everyone involved says they feel ready.",
            "Consents and safety plans are in place; the first meeting can be booked.",
        ],
        Stage::FollowUp => &[
            "The main process has ended; follow-up continues as agreed.",
            "Agreements reached; commitments are monitored from here.",
        ],
        Stage::Paused => &[
            "The person harmed asked for a break; no reason was needed.",
            "Waiting for counselling to start before going further.",
            "A change in circumstances; readiness will be reviewed before anything resumes.",
        ],
        Stage::Withdrawn => &[
            "The person harmed decided not to continue; their decision is final and respected.",
            "The person responsible withdrew their consent to take part.",
        ],
        Stage::Referral | Stage::Closed => &["Recorded by the facilitator."],
    }
}

pub const CHECKLIST: &[(&str, &[&str])] = &[
    ("Understands what the process involves", &["yes", "mostly; to revisit"]),
    ("Participation is voluntary and can stop at any time", &["yes, confirmed"]),
    ("Has support in place between meetings", &["yes", "partly", "counsellor arranged"]),
    ("Current safety concerns", &["none known", "some; safety plan reviewed"]),
    ("Expectations are realistic", &["yes", "discussed at length"]),
    ("Takes responsibility for the harm", &["yes", "in part; work continues"]),
];
pub const ASSESSMENT_REASONS: &[&str] = &[
    "Engaged and clear about what they want from the process; supports are in place.",
    "Ready to continue at the current pace; nothing has changed that affects safety.",
    "Understands the process and the right to stop; readiness will be checked again before any meeting.",
    "Some hesitation about meeting in person; indirect steps first.",
    "Recent stress at home; more time is needed before the next step.",
];
pub const PAUSE_REASONS: &[&str] = &[
    "Wants more time before any further step; to be reviewed in a month.",
    "Support between meetings is not yet in place.",
];

pub const VENUES: &[&str] = &[
    "The community centre's quiet room",
    "The program office, ground floor",
    "The library meeting room",
    "A room at the family centre",
    "By video call, each from a place they chose",
];
pub const SUPPORTS_PRESENT: &[&str] =
    &["A supporter of their choice; the co-facilitator", "Their supporter throughout", "The co-facilitator only"];
pub const PAUSE_SIGNALS: &[&str] =
    &["A hand placed on the table", "Turning over the green card", "Asking for a glass of water"];
pub const STOP_SIGNALS: &[&str] = &["The red card on the table", "Saying the word 'enough'", "Standing up"];
pub const PLAN_NOTES: &[&str] = &[
    "Arrival fifteen minutes apart, by different entrances; the quiet room next door is free for breaks.",
    "Transport home is arranged; a check-in call the next morning at a time they chose.",
    "Seating agreed in advance, facilitators between the parties; no more than ninety minutes.",
];

pub const AGREEMENTS: &[&str] = &[
    "Contact between the parties happens only through the facilitator.",
    "The person responsible will write a letter of apology, read first by the facilitator.",
    "What was said in the circle stays in the circle, unless someone's safety is at risk.",
    "The next meeting will be in about four weeks, on a weekday morning.",
    "The person responsible will not attend the sports club on Saturdays for the coming season.",
    "Progress on the commitments will be shared through the facilitator every two months.",
    "Supporters will check in with each other before the next circle.",
];
pub const FOLLOW_UPS: &[&str] = &[
    "Send the agreed summary to everyone who attended",
    "Book the room for the next meeting",
    "Check in by phone the next morning",
    "Share the reading list on consent",
    "Confirm the date of the next circle with the supporters",
    "Write up the agreements for approval",
];
pub const TASKS: &[&str] = &[
    "Call back to arrange the intake conversation",
    "Review the consent form together before the next step",
    "Ask the counsellor for a progress letter (with consent)",
    "Prepare the outline of the circle",
    "Send information about specialist support services",
    "Arrange the periodic consent review",
    "Update the safety plan before the next meeting",
];
pub const CANCEL_REASONS: &[&str] = &[
    "The person harmed asked to postpone; a new date will be offered.",
    "Illness; to be rebooked.",
    "The venue was not available after all.",
];

pub const CONSENT_NOTES: &[&str] = &[
    "Scope, recipients and expiry explained; consent given in writing.",
    "Given by phone, confirmed in writing the same day.",
    "Given at the end of the preparation meeting, after time to think.",
    "",
];
pub const DECLINE_NOTES: &[&str] =
    &["Declined; no reason needed, and none was asked for.", "Prefers not to take part in this step."];
pub const WITHDRAW_NOTES: &[&str] = &[
    "Withdrawn by phone; takes effect at once.",
    "Told the facilitator they no longer wish to take part in this step.",
];
pub const RENEW_NOTES: &[&str] = &["Renewed at the periodic consent review."];
pub const SHARE_WITH: &[&str] =
    &["their counsellor", "their probation officer", "their GP", "the circle's community members"];

pub const ACCESS_NEEDS: &[&str] =
    &["", "", "", "Step-free access", "Meetings before noon", "Large-print documents", "A break every 30 minutes"];
pub const CULTURAL_NEEDS: &[&str] = &[
    "",
    "",
    "",
    "An interpreter for some meetings",
    "No meetings on Fridays",
    "Prefers a facilitator of the same gender",
];
pub const SAFETY_NOTES: &[&str] = &["", "", "Separate arrival at every meeting", "Must not be contacted at work"];

pub const MESSAGES_FROM_HARMED: &[&str] = &[
    "I want you to know how much this has affected my sense of safety at home.",
    "I have questions about why it happened, and I would like honest answers.",
    "I read your letter. Some of it helped. I need to hear more about what you are doing differently.",
    "I am not ready to meet, but I wanted you to know that I am still here and still thinking about this.",
    "Thank you for answering my questions. I would like to take a few weeks before the next message.",
];
pub const MESSAGES_FROM_RESPONSIBLE: &[&str] = &[
    "I understand that what I did took away your sense of safety, and I am sorry.",
    "You asked why. I have thought about it for a long time; I did not listen, and I put what I wanted first.",
    "Since the last message I have finished the consent education course, and I am still seeing a counsellor.",
    "I will respect whatever you decide about the next step, including if you want no further contact.",
    "I have stopped going to the places where we might meet, as you asked.",
];
pub const APPROVAL_NOTES: &[&str] = &[
    "Read back by phone; approved as written.",
    "Read back in person; approved after one word was changed at the author's request.",
    "Approved in writing.",
];

/// Descriptions of a commitment of each kind (one is drawn).
pub fn commitment_texts(kind: CommitmentKind) -> &'static [&'static str] {
    match kind {
        CommitmentKind::ApologyLetter => &[
            "Write a letter of apology that names the harm and its impact, without excuses.",
            "Draft an apology letter; the facilitator reads each draft before anything is passed on.",
        ],
        CommitmentKind::ConsentEducation => &[
            "Complete the six-session consent education course.",
            "Attend the consent workshop series at the community centre and discuss each session afterwards.",
        ],
        CommitmentKind::Counselling => &[
            "Attend counselling fortnightly, with attendance confirmed by the counsellor.",
            "Continue weekly sessions with a specialist counsellor until the counsellor and facilitator review it.",
        ],
        CommitmentKind::SkillPractice => &[
            "Practise active and reflective listening in each meeting with the facilitator.",
            "Practise asking and waiting for an answer, and describe one example at each check-in.",
        ],
        CommitmentKind::ArticulatingGrowth => &[
            "Describe, in their own words, what they now understand and do differently.",
            "Prepare a short account of what has changed, to be shared only if the person harmed asks for it.",
        ],
        CommitmentKind::MakingAmends => &[
            "Make amends in a way the person harmed has shaped.",
            "Volunteer at the food bank twice a month, as the person harmed suggested.",
        ],
        CommitmentKind::Restitution => &["Contribute to the cost of the counselling the person harmed needed."],
        CommitmentKind::NoContact => &[
            "No contact with the person harmed outside the agreed process.",
            "Keep away from the sports club on Saturdays and make no contact through friends or online.",
        ],
        CommitmentKind::Other => &["Step back from the committee of the club for the coming season."],
    }
}

pub const PROGRESS: &[&str] = &[
    "Attended as agreed; engaged well and asked thoughtful questions.",
    "A draft was shared with the facilitator; it still centres their own feelings, and a further draft is due.",
    "Two more sessions completed; described one situation where they now act differently.",
    "Kept to the agreement throughout the month; nothing to report.",
    "Talked through what they have learned so far, in their own words, for about twenty minutes.",
    "The counsellor confirmed attendance, with consent.",
    "Behind schedule this month; agreed a smaller first step for the coming fortnight.",
];
pub const VERIFICATIONS: &[&str] = &[
    "Certificate seen",
    "Counsellor's letter (with consent)",
    "Observed in a session",
    "Draft read by the facilitator",
];

/// Titles of the apology letter kept as an attachment when that commitment is done.
pub const LETTER_TITLES: &[&str] = &["Apology letter (final draft)", "Letter of apology, as sent", "Apology letter"];
/// Its paragraphs (fictional), a few of them per letter.
pub const LETTER_PARAGRAPHS: &[&str] = &[
    "I am writing because I want to take responsibility for what I did, without excuses.",
    "I understand now that I did not ask and did not listen, and that consent was not mine to assume.",
    "I know that what happened changed how safe you felt at work and at home.",
    "In counselling and on the course I have been learning to notice when I stop listening.",
    "I will keep to the no-contact agreement for as long as you want it.",
    "You do not have to reply to this letter, now or ever.",
];

/// An outcome summary: what happened and what helped.
pub fn outcome_summary(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::AgreementCompleted => "Every commitment was completed and verified; the person harmed heard of it through the facilitator, as they chose, and said it helped them close this chapter.",
        Outcome::PartlyCompleted => "Most commitments were completed; the apology letter was not sent, at the person harmed's request. Both parties said the circle meetings helped.",
        Outcome::EndedByPersonHarmed => "The person harmed decided to end the process after the dialogue; their decision was respected and support services were offered.",
        Outcome::EndedByPersonResponsible => "The person responsible withdrew; the person harmed was told in the way they chose and continues with their supporter.",
        Outcome::StoppedForSafety => "Stopped after a review of risk; the person harmed was informed and a safety plan stays in place with their support service.",
        Outcome::NotSuitable => "After intake the process was judged not suitable at this time; both parties were referred to other support.",
        Outcome::Other => "Closed by agreement after the follow-up conference.",
    }
}

/// One element of `bank`.
pub fn pick<'a>(rng: &mut StdRng, bank: &[&'a str]) -> &'a str {
    bank.choose(rng).copied().unwrap_or_default()
}
