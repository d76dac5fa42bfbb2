//! The TypeScript bindings the UI uses, generated from the registry ([`ops`](super::ops)): every type the
//! operations' shapes use, one typed function per operation, and the error codes. The top of the model's layers.

use super::errors::ErrorDetails;
use ts_rs::TypeVisitor;

use super::op::{config, TypeCollector};
use super::ops::all;

/// structured details some kinds carry (`ErrorDetails`, declared in `ops.ts` with the types it uses).
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
         export type {{ ErrorDetails, ConsentRefusal }} from './ops';\n",
        words.join(", ")
    )
}

/// TypeScript for the UI: every type the registry's shapes use, and one typed function per operation that
/// calls `invokeOp(name, args)` (imported from `../invoke`). The desktop crate checks the committed copy is fresh.
pub fn typescript() -> String {
    let cfg = config();
    let mut collector = TypeCollector::default();
    for op in all() {
        op.collect_types(&mut collector);
    }
    collector.visit::<ErrorDetails>();
    let mut out = String::from(
        "// Generated from the operation registry in crates/core/src/model/ops.rs. Do not edit by hand:\n\
         // `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings` rewrites it.\n\
         import { invokeOp } from '../invoke';\n\n",
    );
    for decl in collector.declarations.values() {
        out.push_str("export ");
        out.push_str(decl.trim_end_matches(';'));
        out.push_str(";\n\n");
    }
    out.push_str("/** Every operation on an unlocked vault, by its registry name. */\nexport const ops = {\n");
    for op in all() {
        out.push_str(&format!(
            "  /** {} */\n  {}: (args: {}) => invokeOp<{}>('{}', args),\n",
            op.summary,
            camel(op.name),
            (op.args)(&cfg),
            (op.returns)(&cfg),
            op.name
        ));
    }
    out.push_str("} as const;\n");
    out
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
