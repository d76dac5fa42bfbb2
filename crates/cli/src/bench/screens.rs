//! What the window's screens ask of the core, timed through the registry (JSON in and out, as the app's IPC
//! carries it) without the window: the home screen's two reads and a case's two. The window's own figures
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

/// One read: its time and the size of its JSON answer.
#[derive(Debug, Serialize)]
pub struct Read {
    pub op: &'static str,
    pub time: Summary,
    /// The answer's JSON, in bytes (the largest, for the case reads).
    pub json_bytes: usize,
}

/// The home screen's reads and a case's.
#[derive(Debug, Serialize)]
pub struct Screens {
    /// Open cases listed by `list_cases` (what the home screen shows).
    pub open_cases: usize,
    pub home: Vec<Read>,
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
    Ok(Read { op, time: summarize(&times), json_bytes })
}

/// Times the home screen's `list_cases` and `due`, then `case_file` and `sessions_needing_attention` over
/// [`CASES_OPENED`] cases spread over the list. Each answer is also rendered as JSON text, as IPC does.
pub fn measure(vault: &mut UnlockedVault, samples: usize) -> Result<Screens, Failure> {
    let rounds = ROUNDS.min(samples).max(1);
    let list_args = json!({ "include_closed": false });
    let listed = ops::call("list_cases", vault, &Ctx::new("bench"), list_args.clone())?;
    let ids: Vec<Value> =
        listed.as_array().map(|cases| cases.iter().map(|c| c["id"].clone()).collect()).unwrap_or_default();
    let home = vec![
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
    Ok(Screens { open_cases: ids.len(), home, case })
}
