//! What the window's screens ask of the core, timed through the registry (JSON in and out, as the app's IPC
//! carries it) without the window: the home screen's two reads and a case's two, and for comparison the whole
//! reads the home screen asked before it asked for less (issue 9). The window's own figures
//! (`tests/e2e/tests/window_bench.rs`) include these, the IPC and the painting; the difference is the window's.

use circlebook_core::model::{ops, Ctx};
use circlebook_core::UnlockedVault;
use serde::Serialize;
use serde_json::{json, Value};

use super::sample::{summarize, time, Summary};
use crate::failure::Failure;

/// Timed rounds of each read (fewer if `--samples` is lower), after one untimed call.
const ROUNDS: usize = 10;
/// Cases opened, spread over the list.
const CASES_OPENED: usize = 12;
/// The reminders the home screen asks for (`DUE_SHOWN` in `ui/src/lib/cases/store.svelte.ts`).
const HOME_DUE_LIMIT: u32 = 30;

/// One read: its time and the size of its JSON answer.
#[derive(Debug, Serialize)]
pub struct Read {
    pub op: &'static str,
    /// The arguments, when they are the same for every call (the home screen's reads).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Value>,
    pub time: Summary,
    /// The answer's JSON, in bytes (the largest, for the case reads).
    pub json_bytes: usize,
}

/// The home screen's reads and a case's.
#[derive(Debug, Serialize)]
pub struct Screens {
    /// Open cases listed by `list_case_summaries` (what the home screen shows).
    pub open_cases: usize,
    /// What the home screen asks: `list_case_summaries` and the soonest reminders with their total.
    pub home: Vec<Read>,
    /// The whole reads, for comparison: `list_cases` (every text of every case, as the home asked before) and
    /// `due` without a limit (every reminder; the CLI's `due`).
    pub whole: Vec<Read>,
    pub case: Vec<Read>,
}

fn timed(vault: &mut UnlockedVault, op: &'static str, args: &[Value], rounds: usize) -> Result<Read, Failure> {
    let ctx = Ctx::new("bench");
    let mut json_bytes = 0;
    for args in args {
        let answer = ops::call(op, vault, &ctx, args.clone())?;
        json_bytes = json_bytes.max(answer.to_string().len());
    }
    let mut times = Vec::with_capacity(rounds * args.len());
    for _ in 0..rounds {
        for args in args {
            let (answer, ms) = time(|| ops::call(op, vault, &ctx, args.clone()).map(|v| v.to_string()));
            answer?;
            times.push(ms);
        }
    }
    let args = match args {
        [one] => Some(one.clone()),
        _ => None,
    };
    Ok(Read { op, args, time: summarize(&times), json_bytes })
}

/// Times the home screen's `list_case_summaries` and `due` (with its limit), the whole `list_cases` and `due`,
/// then `case_file` and `sessions_needing_attention` over [`CASES_OPENED`] cases spread over the list. Each answer
/// is also rendered as JSON text, as IPC does.
pub fn measure(vault: &mut UnlockedVault, samples: usize) -> Result<Screens, Failure> {
    let rounds = ROUNDS.min(samples).max(1);
    let list_args = json!({ "include_closed": false });
    let listed = ops::call("list_case_summaries", vault, &Ctx::new("bench"), list_args.clone())?;
    let ids: Vec<Value> =
        listed.as_array().map(|cases| cases.iter().map(|c| c["id"].clone()).collect()).unwrap_or_default();
    let home = vec![
        timed(vault, "list_case_summaries", std::slice::from_ref(&list_args), rounds)?,
        timed(vault, "due", &[json!({ "limit": HOME_DUE_LIMIT })], rounds)?,
    ];
    let whole = vec![
        timed(vault, "list_cases", std::slice::from_ref(&list_args), rounds)?,
        timed(vault, "due", &[json!({})], rounds)?,
    ];
    let step = (ids.len() / CASES_OPENED).max(1);
    let opened: Vec<Value> = ids.iter().step_by(step).take(CASES_OPENED).map(|id| json!({ "case_id": id })).collect();
    let case = if opened.is_empty() {
        Vec::new()
    } else {
        vec![timed(vault, "case_file", &opened, rounds)?, timed(vault, "sessions_needing_attention", &opened, rounds)?]
    };
    Ok(Screens { open_cases: ids.len(), home, whole, case })
}
