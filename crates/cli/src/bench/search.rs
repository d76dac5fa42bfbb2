//! Full-text search as the front ends run it: the `search` operation through the registry (JSON in and out), over
//! realistic queries: single words, two words, prefixes, with and without filters.

use circlebook_core::model::{ops, Ctx};
use circlebook_core::UnlockedVault;
use serde::Serialize;
use serde_json::{json, Value};

use super::sample::{summarize, time, Summary};
use crate::failure::Failure;

/// The goal: 95 % of searches answer within this many milliseconds.
pub const GOAL_P95_MS: f64 = 15.0;
/// Timed rounds over every query (fewer if `--samples` is lower), after one untimed round.
const ROUNDS: usize = 10;

/// The queries, as a facilitator would type them, with the filters a front end would add.
fn queries() -> Vec<Value> {
    let words = [
        "apology",
        "safety",
        "counselling",
        "consent",
        "supporter",
        "venue",
        "listening",
        "readiness",
        // two words
        "apology letter",
        "safety plan",
        "consent education",
        "separate arrival",
        "reflective listening",
        "quiet room",
        // prefixes (the last word matches as a prefix)
        "couns",
        "apol",
        "readi",
    ];
    let mut all: Vec<Value> = words.iter().map(|q| json!({ "query": q })).collect();
    all.extend([
        json!({ "query": "apology", "stage": "active" }),
        json!({ "query": "consent", "process": "indirect_dialogue" }),
        json!({ "query": "circle", "tag": "workplace" }),
        json!({ "query": "progress", "role": "person_responsible" }),
        json!({ "query": "letter", "stage": "follow_up", "limit": 20 }),
    ]);
    all
}

/// The phrases the window benchmark types into the search palette (`tests/e2e/tests/window_bench.rs`).
pub const TYPED: [&str; 4] = ["apology letter", "safety plan", "support circle", "meeting"];
/// The number of results the palette asks for.
const PALETTE_LIMIT: u32 = 30;

/// What the palette asks after each keystroke of [`TYPED`]: every prefix of each phrase, one letter at a time (the
/// ones ending in a space ask the same as the keystroke before and are left out).
fn typed() -> Vec<Value> {
    TYPED
        .iter()
        .flat_map(|phrase| {
            phrase
                .char_indices()
                .map(|(i, c)| &phrase[..i + c.len_utf8()])
                .filter(|typed| !typed.ends_with(' '))
                .map(|typed| json!({ "query": typed, "limit": PALETTE_LIMIT }))
        })
        .collect()
}

/// One query's figures.
#[derive(Debug, Serialize)]
pub struct QueryTime {
    pub args: Value,
    pub hits: usize,
    pub median_ms: f64,
    pub p95_ms: f64,
}

/// Every search timed, and each query apart.
#[derive(Debug, Serialize)]
pub struct Search {
    pub all: Summary,
    pub queries: Vec<QueryTime>,
    /// Every keystroke of [`TYPED`] (no goal of its own: the window's goal is keystroke to painted results).
    pub typed_all: Summary,
    pub typed: Vec<QueryTime>,
    pub goal_p95_ms: f64,
    pub met: bool,
}

impl Search {
    /// The query with the highest median.
    pub fn slowest(&self) -> Option<&QueryTime> {
        slowest(&self.queries)
    }

    /// The keystroke with the highest median.
    pub fn slowest_typed(&self) -> Option<&QueryTime> {
        slowest(&self.typed)
    }
}

fn slowest(queries: &[QueryTime]) -> Option<&QueryTime> {
    queries.iter().max_by(|a, b| a.median_ms.total_cmp(&b.median_ms))
}

/// Runs every query once untimed, then `ROUNDS` timed rounds over all of them in turn; the same for the keystrokes.
pub fn measure(vault: &mut UnlockedVault, samples: usize) -> Result<Search, Failure> {
    let rounds = ROUNDS.min(samples).max(1);
    let (all, queries) = measure_set(vault, queries(), rounds)?;
    let (typed_all, typed) = measure_set(vault, typed(), rounds)?;
    Ok(Search { met: all.p95_ms <= GOAL_P95_MS, all, queries, typed_all, typed, goal_p95_ms: GOAL_P95_MS })
}

fn measure_set(
    vault: &mut UnlockedVault,
    queries: Vec<Value>,
    rounds: usize,
) -> Result<(Summary, Vec<QueryTime>), Failure> {
    let ctx = Ctx::new("bench");
    let mut hits = Vec::with_capacity(queries.len());
    for args in &queries {
        let found = ops::call("search", vault, &ctx, args.clone())?;
        hits.push(found.as_array().map_or(0, Vec::len));
    }
    let mut per_query = vec![Vec::with_capacity(rounds); queries.len()];
    for _ in 0..rounds {
        for (args, times) in queries.iter().zip(&mut per_query) {
            let (found, ms) = time(|| ops::call("search", vault, &ctx, args.clone()));
            found?;
            times.push(ms);
        }
    }
    let all = summarize(&per_query.concat());
    let queries = queries
        .into_iter()
        .zip(hits)
        .zip(&per_query)
        .map(|((args, hits), times)| {
            let s = summarize(times);
            QueryTime { args, hits, median_ms: s.median_ms, p95_ms: s.p95_ms }
        })
        .collect();
    Ok((all, queries))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_asks_what_the_palette_asks_after_each_letter() {
        let typed = typed();
        let words: Vec<&str> = typed.iter().filter_map(|q| q["query"].as_str()).collect();
        assert_eq!(&words[..3], ["a", "ap", "apo"]);
        assert!(words.contains(&"apology l"), "{words:?}");
        assert!(!words.contains(&"apology "), "a space asks nothing new");
        assert_eq!(words.last(), Some(&"meeting"));
        assert_eq!(words.len(), TYPED.iter().map(|p| p.chars().filter(|c| *c != ' ').count()).sum::<usize>());
        assert!(typed.iter().all(|q| q["limit"] == PALETTE_LIMIT));
    }
}
