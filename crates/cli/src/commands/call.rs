//! `call`: any operation of the case model by name, with JSON arguments and a JSON result, through the same
//! registry as the desktop app; `call --list` describes every operation and the TypeScript shapes of its data.

use std::io::Read;
use std::path::Path;

use circlebook_core::model::ops::{self, TypeCollector};
use circlebook_core::ErrorKind;
use serde_json::{json, Value};

use super::{find, Context, OpenVault};
use crate::failure::Failure;
use crate::out;

/// `call --list [--json]`: every operation, sorted by name. No vault is needed.
pub fn list(json: bool) -> Result<(), Failure> {
    let cfg = ops::config();
    if json {
        let mut types = TypeCollector::default();
        let list: Vec<Value> = ops::all()
            .iter()
            .map(|op| {
                op.collect_types(&mut types);
                json!({
                    "name": op.name,
                    "access": op.access,
                    "summary": op.summary,
                    "args": (op.args)(&cfg),
                    "returns": (op.returns)(&cfg),
                })
            })
            .collect();
        out::json(&json!({ "ops": list, "types": types.declarations }));
        return Ok(());
    }
    let width = ops::all().iter().map(|op| op.name.len()).max().unwrap_or(0);
    for op in ops::all() {
        let access =
            serde_json::to_value(op.access).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        out::line(format_args!("{:<width$}  {access:<5}  {}", op.name, op.summary));
        out::line(format_args!("{:<width$}         ({}) -> {}", "", (op.args)(&cfg), (op.returns)(&cfg)));
    }
    out::line(format_args!(
        "\n{} operations. `call --list --json` adds the TypeScript declarations of every type named above.",
        ops::all().len()
    ));
    Ok(())
}

/// The JSON arguments: `--args TEXT`, `--args -` (stdin), `--args-file FILE`, or `{}`.
fn arguments(text: Option<&str>, file: Option<&Path>) -> Result<Value, Failure> {
    let (text, source) = match (text, file) {
        (Some("-"), _) => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| {
                Failure::new(ErrorKind::InvalidInput, format_args!("the arguments could not be read from stdin: {e}"))
            })?;
            (text, "stdin".to_owned())
        }
        (Some(text), _) => (text.to_owned(), "--args".to_owned()),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::new(
                    ErrorKind::InvalidInput,
                    format_args!("the arguments file {} could not be read: {e}", path.display()),
                )
            })?;
            (text, path.display().to_string())
        }
        (None, None) => return Ok(json!({})),
    };
    serde_json::from_str(&text)
        .map_err(|e| Failure::usage(format_args!("the arguments in {source} are not valid JSON: {e}")))
}

/// `call NAME [--args JSON | --args - | --args-file FILE]`: the result as JSON on stdout (indented for people,
/// one line with `--json`). The name and the JSON are checked before the passphrase is asked for.
pub fn call(
    ctx: &mut Context,
    name: Option<&str>,
    args: Option<&str>,
    args_file: Option<&Path>,
) -> Result<(), Failure> {
    let name = name.ok_or_else(|| Failure::usage("give the name of an operation, or --list"))?;
    find(name)?;
    let args = arguments(args, args_file)?;
    let mut vault = OpenVault::open(ctx)?;
    let result = vault.call(name, args);
    let finished = vault.finish();
    let result = result?;
    finished?;
    if ctx.json {
        out::json(&result);
    } else {
        let pretty = serde_json::to_string_pretty(&result)
            .map_err(|e| Failure::new(ErrorKind::Io, format_args!("the result could not be written as JSON: {e}")))?;
        out::line(pretty);
    }
    Ok(())
}
