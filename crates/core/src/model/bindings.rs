//! The TypeScript bindings the UI uses, generated from the registry ([`ops`](super::ops)): every type the
//! operations' shapes use, one typed function per operation, and the error codes. The top of the model's layers.

use super::errors::ErrorDetails;
use ts_rs::TypeVisitor;

use super::op::{config, TypeCollector};
use super::ops::all;

/// structured details some kinds carry (`ErrorDetails`, declared in `types.ts` with the types it uses).
pub fn typescript_errors() -> String {
    let words: Vec<String> = crate::ErrorKind::ALL.iter().map(|k| format!("'{}'", k.code())).collect();
    format!(
        "// Generated from circlebook_core::ErrorKind. Do not edit by hand:\n\
         // `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings` rewrites it.\n\n\
         /** Every error code the Rust side sends. */\n\
         export const ERROR_KINDS = [{}] as const;\n\n\
         export type ErrorKind = (typeof ERROR_KINDS)[number];\n\n\
         /** What some kinds carry besides the code, tagged by `kind` (for example who has not consented to what, \
         as of which day). */\n\
         export type {{ ErrorDetails, ConsentRefusal }} from './types';\n",
        words.join(", ")
    )
}

/// Every type the registry's shapes use (and `ErrorDetails`), by name, as ts-rs declares them.
fn declarations() -> std::collections::BTreeMap<String, String> {
    let mut collector = TypeCollector::default();
    for op in all() {
        op.collect_types(&mut collector);
    }
    collector.visit::<ErrorDetails>();
    collector.declarations
}

const HEADER: &str = "// Generated from the operation registry in crates/core/src/model/ops.rs. Do not edit by hand:\n\
                      // `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings` rewrites it.\n";

/// `types.ts` for the UI: every type the registry's shapes use. The desktop crate checks the committed copy is fresh.
pub fn typescript_types() -> String {
    let mut out = String::from(HEADER);
    out.push('\n');
    for decl in declarations().values() {
        out.push_str("export ");
        out.push_str(decl.trim_end_matches(';'));
        out.push_str(";\n\n");
    }
    out
}

/// `ops.ts` for the UI: one typed function per operation that calls `invokeOp(name, args)` (imported from
/// `../invoke`), importing the types of `types.ts` it names. The desktop crate checks the committed copy is fresh.
pub fn typescript() -> String {
    let cfg = config();
    let mut calls =
        String::from("/** Every operation on an unlocked vault, by its registry name. */\nexport const ops = {\n");
    for op in all() {
        calls.push_str(&format!(
            "  /** {} */\n  {}: (args: {}) => invokeOp<{}>('{}', args),\n",
            op.summary,
            camel(op.name),
            (op.args)(&cfg),
            (op.returns)(&cfg),
            op.name
        ));
    }
    calls.push_str("} as const;\n");
    let words: std::collections::BTreeSet<&str> =
        calls.split(|c: char| !c.is_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
    let used: Vec<String> = declarations().into_keys().filter(|name| words.contains(name.as_str())).collect();
    format!(
        "{HEADER}import {{ invokeOp }} from '../invoke';\nimport type {{ {} }} from './types';\n\n{calls}",
        used.join(", ")
    )
}

/// `snake_case` → `camelCase` (an operation's TypeScript name; Tauri's name for a command's parameter).
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}
