//! The one registry of operations on an unlocked vault. The desktop app's `call` command and
//! `circlebook-cli call` both dispatch through it, by the same names with the same JSON shapes; the UI's
//! TypeScript bindings are generated from it. An operation missing here exists in neither front end.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use rusqlite::{Connection, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use ts_rs::{TypeVisitor, TS};

use super::{Ctx, ModelError};
use crate::vault::{EditError, UnlockedVault};

/// How an operation touches the vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Reads only.
    Read,
    /// Changes records, in one transaction that becomes one journal record.
    Write,
    /// Works on the vault itself (generations, compaction, verification).
    Vault,
}

type Runner = fn(&mut UnlockedVault, &Ctx, Value) -> Result<Value, ModelError>;
type Shape = fn(&ts_rs::Config) -> String;
type Visit = fn(&mut TypeCollector);

/// One registered operation.
#[derive(Debug, Clone, Copy)]
pub struct Op {
    pub name: &'static str,
    pub summary: &'static str,
    pub access: Access,
    /// The TypeScript type of the arguments object.
    pub args: Shape,
    /// The TypeScript type of the result.
    pub returns: Shape,
    visit: Visit,
    run: Runner,
}

impl Op {
    /// Runs the operation with JSON arguments and returns its JSON result.
    pub fn call(&self, vault: &mut UnlockedVault, ctx: &Ctx, args: Value) -> Result<Value, ModelError> {
        (self.run)(vault, ctx, args)
    }
}

/// Collects the named types an operation's shapes depend on (for the generated bindings).
#[derive(Debug, Default)]
pub struct TypeCollector {
    pub declarations: BTreeMap<String, String>,
}

impl TypeVisitor for TypeCollector {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Built-in types (string, number, arrays, options…) have no declaration: collect what they hold.
        if T::output_path().is_none() {
            T::visit_generics(self);
            T::visit_dependencies(self);
            return;
        }
        let cfg = config();
        let name = T::ident(&cfg);
        if let std::collections::btree_map::Entry::Vacant(slot) = self.declarations.entry(name) {
            slot.insert(T::decl(&cfg));
            T::visit_dependencies(self);
        }
    }
}

/// The TypeScript configuration: 64-bit integers are plain numbers (ids are strings, counts are small).
pub fn config() -> ts_rs::Config {
    ts_rs::Config::new().with_large_int("number")
}

fn parse<A: DeserializeOwned>(args: Value) -> Result<A, ModelError> {
    let args = if args.is_null() { Value::Object(Default::default()) } else { args };
    serde_json::from_value(args).map_err(|e| ModelError::Invalid(format!("the arguments do not fit: {e}")))
}

fn json<R: Serialize>(value: R) -> Result<Value, ModelError> {
    serde_json::to_value(value).map_err(|e| ModelError::Invalid(format!("the result could not be encoded: {e}")))
}

pub fn run_read<A: DeserializeOwned, R: Serialize>(
    f: fn(&Connection, &Ctx, A) -> Result<R, ModelError>,
    vault: &mut UnlockedVault,
    ctx: &Ctx,
    args: Value,
) -> Result<Value, ModelError> {
    json(f(vault.conn(), ctx, parse(args)?)?)
}

pub fn run_write<A: DeserializeOwned, R: Serialize>(
    f: fn(&Transaction<'_>, &Ctx, A) -> Result<R, ModelError>,
    vault: &mut UnlockedVault,
    ctx: &Ctx,
    args: Value,
) -> Result<Value, ModelError> {
    let args = parse(args)?;
    match vault.edit(|tx| f(tx, ctx, args)) {
        Ok(value) => json(value),
        Err(EditError::Rejected(e)) => Err(e),
        Err(EditError::Unsaved(e)) => Err(ModelError::Unsaved(e)),
    }
}

pub fn run_vault<A: DeserializeOwned, R: Serialize>(
    f: fn(&mut UnlockedVault, &Ctx, A) -> Result<R, ModelError>,
    vault: &mut UnlockedVault,
    ctx: &Ctx,
    args: Value,
) -> Result<Value, ModelError> {
    json(f(vault, ctx, parse(args)?)?)
}

pub fn shape_args<A: TS, R: TS, F>(_: F, cfg: &ts_rs::Config) -> String
where
    F: Signature<A, R>,
{
    A::name(cfg)
}

pub fn shape_returns<A: TS, R: TS, F>(_: F, cfg: &ts_rs::Config) -> String
where
    F: Signature<A, R>,
{
    R::name(cfg)
}

pub fn visit<A: TS + 'static, R: TS + 'static, F: Signature<A, R>>(_: F, collector: &mut TypeCollector) {
    collector.visit::<A>();
    collector.visit::<R>();
}

/// Ties an operation function to its argument and result types.
pub trait Signature<A, R> {}
impl<A, R> Signature<A, R> for fn(&Connection, &Ctx, A) -> Result<R, ModelError> {}
impl<A, R> Signature<A, R> for fn(&Transaction<'_>, &Ctx, A) -> Result<R, ModelError> {}
impl<A, R> Signature<A, R> for fn(&mut UnlockedVault, &Ctx, A) -> Result<R, ModelError> {}

/// Registers operations: `read "name" => path::to::fn, "summary";` (likewise `write` and `vault`).
#[macro_export]
macro_rules! ops {
    ($($access:ident $name:literal => $f:path, $summary:literal;)*) => {
        vec![$($crate::ops!(@one $access $name, $f, $summary)),*]
    };
    (@one read $name:literal, $f:path, $summary:literal) => {
        $crate::ops!(@make Read, run_read, $name, $f, $summary, fn(&rusqlite::Connection, &$crate::model::Ctx, _) -> _)
    };
    (@one write $name:literal, $f:path, $summary:literal) => {
        $crate::ops!(@make Write, run_write, $name, $f, $summary, fn(&rusqlite::Transaction<'_>, &$crate::model::Ctx, _) -> _)
    };
    (@one vault $name:literal, $f:path, $summary:literal) => {
        $crate::ops!(@make Vault, run_vault, $name, $f, $summary, fn(&mut $crate::vault::UnlockedVault, &$crate::model::Ctx, _) -> _)
    };
    (@make $access:ident, $runner:ident, $name:literal, $f:path, $summary:literal, $sig:ty) => {
        $crate::model::ops::Op::new(
            $name,
            $summary,
            $crate::model::ops::Access::$access,
            |cfg| $crate::model::ops::shape_args($f as $sig, cfg),
            |cfg| $crate::model::ops::shape_returns($f as $sig, cfg),
            |c| $crate::model::ops::visit($f as $sig, c),
            |v, ctx, a| $crate::model::ops::$runner($f, v, ctx, a),
        )
    };
}

impl Op {
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        summary: &'static str,
        access: Access,
        args: Shape,
        returns: Shape,
        visit: Visit,
        run: Runner,
    ) -> Op {
        Op { name, summary, access, args, returns, visit, run }
    }

    /// Adds the declarations of the types this operation's shapes use.
    pub fn collect_types(&self, collector: &mut TypeCollector) {
        (self.visit)(collector)
    }
}

static REGISTRY: LazyLock<Vec<Op>> = LazyLock::new(|| {
    let mut all = Vec::new();
    all.extend(super::cases::ops());
    all.extend(super::case_file::ops());
    all.extend(super::processes::ops());
    all.extend(super::sessions::ops());
    all.extend(super::session_consent::ops());
    all.extend(super::session_outcomes::ops());
    all.extend(super::shuttle::ops());
    all.extend(super::accountability::ops());
    all.extend(super::progress_report::ops());
    all.extend(super::participants::ops());
    all.extend(super::terminology::ops());
    all.extend(super::consent::ops());
    all.extend(super::assessments::ops());
    all.extend(super::safety::ops());
    all.extend(super::audit_log::ops());
    all.extend(super::notes::ops());
    all.extend(super::attachments::ops());
    all.extend(super::tasks::ops());
    all.extend(super::search::ops());
    all.extend(super::timeline::ops());
    all.extend(super::due::ops());
    all.extend(super::stats::ops());
    // Issue 11: identity and contacts (their logic lives in `crate::bundle`).
    all.extend(crate::bundle::contacts::ops());
    all.extend(crate::bundle::preview::ops());
    all.sort_by_key(|op| op.name);
    all
});

/// Every operation, sorted by name.
pub fn all() -> &'static [Op] {
    &REGISTRY
}

/// The operation called `name`.
pub fn find(name: &str) -> Option<&'static Op> {
    REGISTRY.iter().find(|op| op.name == name)
}

/// Runs the operation called `name`.
pub fn call(name: &str, vault: &mut UnlockedVault, ctx: &Ctx, args: Value) -> Result<Value, ModelError> {
    let op = find(name).ok_or_else(|| ModelError::Invalid(format!("there is no operation called `{name}`")))?;
    op.call(vault, ctx, args)
}

/// TypeScript for the UI's error codes: the closed `ErrorKind` union and the list of its words, and the
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
    collector.visit::<super::ErrorDetails>();
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

fn camel(name: &str) -> String {
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

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_unique_snake_case() {
        let names: Vec<_> = super::all().iter().map(|op| op.name).collect();
        let mut unique = names.clone();
        unique.dedup();
        assert_eq!(names, unique);
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }
}
