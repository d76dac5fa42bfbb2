//! Longer demo texts: Markdown notes of 0.5–3 KB and sessions' private notes and shareable summaries, built from
//! phrase banks of calm facilitator prose. Every note says, under its title, that it is demonstration data.

use std::ops::RangeInclusive;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use super::words::pick;

/// The shortest and longest note body, in bytes.
pub const NOTE_BYTES: RangeInclusive<usize> = 512..=3072;
/// The line under every note's title.
pub const DEMO_LINE: &str = "*Demonstration data, not a real case.*";

/// What a note is about; each has its own title, opening and sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKind {
    Intake,
    Preparation,
    ConsentCheckIn,
    SafetyPlanning,
    Accountability,
    Supervision,
    FollowUp,
}

struct Bank {
    title: &'static str,
    opener: &'static str,
    sentences: &'static [&'static str],
}

const INTAKE: Bank = Bank {
    title: "Intake conversation",
    opener: "First conversation {when}, in {place}, about an hour.",
    sentences: &[
        "I explained what restorative processes can and cannot offer, and that nothing happens without consent.",
        "They described what happened in their own words; I wrote down their needs as they put them.",
        "We talked about who is around them for support at the moment.",
        "I explained what I record, who can see it, and how long it is kept.",
        "They asked whether the other party would be told about the referral; not without their agreement.",
        "We agreed to speak again in a week, after they have had time to think.",
        "They would like information sent by post rather than by email.",
        "There is no hurry; the pace is theirs to set.",
    ],
};

const PREPARATION: Bank = Bank {
    title: "Preparation meeting",
    opener: "We met {when} in {place} for a preparation meeting of about an hour.",
    sentences: &[
        "We went through what a circle would look like, step by step, and who could be present.",
        "The person harmed said they want to be heard in their own words and to hear an acknowledgement.",
        "We talked about what they hope will be different afterwards; I wrote their goals in their own words.",
        "They asked how long the process usually takes; I explained that there is no fixed timetable.",
        "We agreed that they can stop the process at any point without giving a reason.",
        "{support} will come to the next meeting, at their request.",
        "They would like to read the outline of the circle before deciding on a date.",
        "We ended with a short grounding exercise they had chosen.",
        "They prefer the word survivor, and I have noted it for everyone involved.",
        "We looked at the difference between a circle and a letter exchange; they are leaning towards letters.",
        "They want to hear how the person responsible has understood the impact, not only an apology.",
        "We agreed that I will not share anything from today without asking first.",
        "Readiness feels good to them at the moment, though they would like more time before any meeting.",
    ],
};

const CONSENT: Bank = Bank {
    title: "Consent check-in",
    opener: "Consent check-in {when}, by phone, about twenty minutes.",
    sentences: &[
        "I asked whether the consent given for the letter exchange still holds; it does, for now.",
        "They chose to receive updates indirectly, through me, rather than directly.",
        "They do not consent to their supporter's name being shared with the other party; noted.",
        "We reviewed the scope of the consent: the circle only, not the follow-up conference.",
        "I reminded them that consent can be withdrawn at any moment, and how to tell me.",
        "The next periodic review of consent is due in about four weeks.",
        "They asked for a summary of what information has been shared so far; I will send it.",
        "Nothing in their circumstances has changed that would affect readiness.",
        "We agreed to pause scheduling until they have spoken with {support}.",
        "They are comfortable with the co-facilitator reading the notes from our meetings.",
        "The consent for information to go to the counsellor was renewed until the end of the process.",
        "They would like to be asked again before any date is set, even if it was agreed earlier.",
        "I confirmed in writing what was agreed and what was not.",
    ],
};

const SAFETY: Bank = Bank {
    title: "Safety planning",
    opener: "We worked on the safety plan for the meeting planned {when} in {place}.",
    sentences: &[
        "Arrival and departure will be separate, fifteen minutes apart, by different entrances.",
        "{support} will be present throughout and will sit beside them.",
        "We agreed on a signal to pause: placing a hand on the table; a card to stop the meeting entirely.",
        "A quiet room next door will be available for breaks, with water and tissues.",
        "The co-facilitator will walk them to the exit after the meeting.",
        "We talked about what might be difficult to hear and how they would like us to respond.",
        "They asked that the meeting last no longer than ninety minutes; agreed.",
        "I will check in by phone the following morning, at a time they chose.",
        "The plan will be reviewed again two days before the meeting.",
        "Seating was agreed: they will sit nearest the door, with the facilitators between the parties.",
        "Transport home is arranged; they will not be travelling alone.",
        "We noted who to call if they feel unsafe before or after the meeting.",
        "The venue staff know only that a meeting is booked, nothing about its purpose.",
    ],
};

const ACCOUNTABILITY: Bank = Bank {
    title: "Accountability commitments",
    opener: "Meeting {when} with the person responsible about the accountability plan.",
    sentences: &[
        "We reviewed progress on the consent education sessions; three of six are complete.",
        "The draft apology letter was discussed; it still centres their own feelings rather than the harm done.",
        "We practised active and reflective listening for about twenty minutes.",
        "They described what they now understand about the impact of their actions, in their own words.",
        "The counselling commitment is on track; the counsellor confirmed attendance, with consent.",
        "We agreed on a revised date for the next draft of the letter.",
        "They asked what making amends could look like; I said this is for the person harmed to shape.",
        "Their supporter from the community attended and spoke about practical support at home.",
        "Progress entries were verified by the co-facilitator.",
        "They named two situations where they now act differently, and what they do instead.",
        "We talked about avoiding contact outside the agreed process; they understand and agree.",
        "One commitment is behind schedule; we agreed a smaller first step for the coming fortnight.",
        "They asked for reading on consent; I gave them the program's list.",
    ],
};

const SUPERVISION: Bank = Bank {
    title: "Supervision",
    opener: "Case consultation with my supervisor {when}.",
    sentences: &[
        "We reviewed the risk and readiness assessment for each participant; the decision is to proceed.",
        "We discussed whether the pace suits the person harmed; it seems to, and they will be asked again.",
        "My supervisor suggested a further preparation meeting before any direct dialogue.",
        "We looked at my own wellbeing and workload; no concerns for now.",
        "The next consultation is booked within twelve weeks.",
        "We checked that the notes record reasons for each decision, not only the decision.",
        "Agreed to offer shuttle dialogue as an alternative if a face-to-face meeting does not feel right.",
        "We went through the outcome agreement draft line by line for neutral wording.",
        "The follow-up plan after the process was discussed and will be offered to both parties.",
        "No information beyond aggregate figures will go into the quarterly report.",
    ],
};

const FOLLOW_UP: Bank = Bank {
    title: "Follow-up check-in",
    opener: "Follow-up check-in {when}, as agreed at the end of the process.",
    sentences: &[
        "They said things feel steadier now, and that the last circle helped more than they expected.",
        "The agreements are holding; nothing has been reported by either side.",
        "We went through the commitments that remain and when each is due.",
        "They would like one more update in three months, through me, and then to close the case.",
        "{support} has been a steady presence and will stay in touch.",
        "I asked what helped most; they named being believed, and the pace being theirs.",
        "They asked that the final summary be short and factual.",
    ],
};

const WHEN: &[&str] = &[
    "on Monday morning",
    "on Tuesday afternoon",
    "on Wednesday",
    "on Thursday at midday",
    "on Friday morning",
    "this week",
    "late in the afternoon",
];
const PLACES: &[&str] = &[
    "the community centre's quiet room",
    "the program office",
    "the library meeting room",
    "a room at the family centre",
    "the usual meeting room",
];
const SUPPORT: &[&str] = &["Their supporter", "A friend they trust", "Their sister", "A community member they chose"];

const GENERAL: &[&str] = &[
    "No new concerns were raised.",
    "I will write up the agreed points and share them for approval before anything is passed on.",
    "They thanked us for the time; the tone was calm throughout.",
    "Next steps were agreed and written down together.",
    "I offered information about specialist support services; they will think about it.",
    "We checked that everyone knew how to reach me between meetings.",
    "There were a few quiet moments, which we allowed without hurrying.",
    "I read back my notes at the end and corrected two points they raised.",
    "The co-facilitator and I debriefed for ten minutes afterwards.",
    "They asked a practical question about dates, which I will answer by message.",
    "We took a short break halfway through, at their suggestion.",
    "It was agreed that nothing from this meeting will be shared with the other party yet.",
    "I explained that the process can change shape at any point if it stops feeling right.",
    "They said the last meeting had been helpful and that they slept well afterwards.",
    "The next meeting is pencilled in for {when}, to be confirmed.",
    "I will send a short reminder the day before, as they asked.",
    "Nothing needs to be escalated; the risk picture is unchanged.",
    "We agreed to keep the next meeting shorter.",
];

const NEXT_STEPS: &[&str] = &[
    "Send the written summary for approval",
    "Confirm the next date by message",
    "Review the safety plan two days before",
    "Ask about consent again before booking anything",
    "Check in by phone next week",
];

const SUMMARIES: &[&str] = &[
    "Everyone who attended had time to speak, and the agreed points were read back at the end.",
    "The meeting stayed within the time agreed; one short break was taken.",
    "Next steps were agreed together and will be confirmed in writing.",
    "The conversation was calm; the ground rules agreed beforehand were kept.",
];

fn bank(kind: NoteKind) -> &'static Bank {
    match kind {
        NoteKind::Intake => &INTAKE,
        NoteKind::Preparation => &PREPARATION,
        NoteKind::ConsentCheckIn => &CONSENT,
        NoteKind::SafetyPlanning => &SAFETY,
        NoteKind::Accountability => &ACCOUNTABILITY,
        NoteKind::Supervision => &SUPERVISION,
        NoteKind::FollowUp => &FOLLOW_UP,
    }
}

fn fill(rng: &mut StdRng, sentence: &str) -> String {
    sentence
        .replace("{when}", pick(rng, WHEN))
        .replace("{place}", pick(rng, PLACES))
        .replace("{support}", pick(rng, SUPPORT))
}

/// The kind's and the general sentences, each once, in a shuffled order.
fn shuffled(rng: &mut StdRng, kind: NoteKind) -> Vec<&'static str> {
    let mut pool: Vec<&str> = bank(kind).sentences.iter().chain(GENERAL).copied().collect();
    pool.shuffle(rng);
    pool
}

/// A Markdown note of [`NOTE_BYTES`]: a title, the demonstration line, paragraphs of the kind's and general
/// sentences (each used once) up to a drawn length, and sometimes a short list of next steps.
pub fn note_body(rng: &mut StdRng, kind: NoteKind) -> String {
    let bank = bank(kind);
    let target = rng.gen_range(NOTE_BYTES);
    let mut body = format!("## {}\n\n{DEMO_LINE}\n\n", bank.title);
    body.push_str(&fill(rng, bank.opener));
    let mut in_paragraph = 1;
    for template in shuffled(rng, kind) {
        if body.len() >= target {
            break;
        }
        let sentence = fill(rng, template);
        if body.len() + sentence.len() + 2 > *NOTE_BYTES.end() {
            break;
        }
        if in_paragraph >= 4 && rng.gen_ratio(1, 3) {
            body.push_str("\n\n");
            in_paragraph = 0;
        } else {
            body.push(' ');
        }
        body.push_str(&sentence);
        in_paragraph += 1;
    }
    if rng.gen_ratio(1, 3) {
        let mut steps = NEXT_STEPS.to_vec();
        steps.shuffle(rng);
        let list: String = steps.iter().take(2).map(|s| format!("\n- {s}")).collect();
        let section = format!("\n\n**Next steps**\n{list}");
        if body.len() + section.len() <= *NOTE_BYTES.end() {
            body.push_str(&section);
        }
    }
    body
}

/// A session's private notes: a few sentences, for the facilitators only.
pub fn private_notes(rng: &mut StdRng, kind: NoteKind) -> String {
    let mut text = String::from("Demonstration data.");
    for template in shuffled(rng, kind).into_iter().take(rng.gen_range(2..=4)) {
        text.push(' ');
        text.push_str(&fill(rng, template));
    }
    text
}

/// A session's shareable summary.
pub fn shareable_summary(rng: &mut StdRng, label: &str) -> String {
    format!("{label} (demonstration data). {}", pick(rng, SUMMARIES))
}

/// Endless note bodies for `seed`, of every kind in turn: texts for benchmarks that edit notes.
pub fn note_bodies(seed: u64) -> impl Iterator<Item = String> {
    use rand::SeedableRng;
    let kinds = [
        NoteKind::Intake,
        NoteKind::Preparation,
        NoteKind::ConsentCheckIn,
        NoteKind::SafetyPlanning,
        NoteKind::Accountability,
        NoteKind::Supervision,
        NoteKind::FollowUp,
    ];
    let mut rng = StdRng::seed_from_u64(seed);
    kinds.into_iter().cycle().map(move |kind| note_body(&mut rng, kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_stay_in_range_say_they_are_demo_data_and_never_repeat_a_sentence() {
        for body in note_bodies(1).take(300) {
            assert!(NOTE_BYTES.contains(&body.len()), "note of {} bytes", body.len());
            assert!(body.starts_with("## ") && body.contains(DEMO_LINE), "{body}");
            assert!(!body.contains('{'), "unfilled slot in {body}");
            let sentences: Vec<&str> = body.split_inclusive('.').map(str::trim).filter(|s| s.len() > 20).collect();
            let unique: std::collections::HashSet<&&str> = sentences.iter().collect();
            assert_eq!(unique.len(), sentences.len(), "a sentence repeats in {body}");
        }
    }
}
