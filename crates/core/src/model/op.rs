//! What an operation is: its name, summary, access and JSON shapes, the runners that decode its arguments and
//! encode its result, and the `ops!` macro each area lists its operations with. The bottom layer of the model:
//! areas register through it without knowing the registry ([`ops`](super::ops)), which sits on top.

use std::collections::BTreeMap;

use rusqlite::{Connection, Transaction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use ts_rs::{TypeVisitor, TS};

use super::context::Ctx;
use super::errors::ModelError;
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
type InRunner = fn(&Transaction<'_>, &Ctx, Value) -> Result<Value, ModelError>;
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
    run_in: InRunner,
}

impl Op {
    /// Runs the operation with JSON arguments and returns its JSON result.
    pub fn call(&self, vault: &mut UnlockedVault, ctx: &Ctx, args: Value) -> Result<Value, ModelError> {
        (self.run)(vault, ctx, args)
    }

    /// Runs a read or write operation inside a transaction the caller holds (several operations in one edit, as
    /// the demo generator batches them); an operation on the vault itself is refused.
    pub fn call_in(&self, tx: &Transaction<'_>, ctx: &Ctx, args: Value) -> Result<Value, ModelError> {
        (self.run_in)(tx, ctx, args)
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

pub fn run_read_in<A: DeserializeOwned, R: Serialize>(
    f: fn(&Connection, &Ctx, A) -> Result<R, ModelError>,
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: Value,
) -> Result<Value, ModelError> {
    json(f(tx, ctx, parse(args)?)?)
}

pub fn run_write_in<A: DeserializeOwned, R: Serialize>(
    f: fn(&Transaction<'_>, &Ctx, A) -> Result<R, ModelError>,
    tx: &Transaction<'_>,
    ctx: &Ctx,
    args: Value,
) -> Result<Value, ModelError> {
    json(f(tx, ctx, parse(args)?)?)
}

pub fn run_vault_in<A, R>(
    _: fn(&mut UnlockedVault, &Ctx, A) -> Result<R, ModelError>,
    _: &Transaction<'_>,
    _: &Ctx,
    _: Value,
) -> Result<Value, ModelError> {
    Err(ModelError::NotAllowed("this operation works on the vault itself; it cannot run inside another edit".into()))
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
        $crate::ops!(@make Read, run_read, run_read_in, $name, $f, $summary, fn(&rusqlite::Connection, &$crate::model::context::Ctx, _) -> _)
    };
    (@one write $name:literal, $f:path, $summary:literal) => {
        $crate::ops!(@make Write, run_write, run_write_in, $name, $f, $summary, fn(&rusqlite::Transaction<'_>, &$crate::model::context::Ctx, _) -> _)
    };
    (@one vault $name:literal, $f:path, $summary:literal) => {
        $crate::ops!(@make Vault, run_vault, run_vault_in, $name, $f, $summary, fn(&mut $crate::vault::UnlockedVault, &$crate::model::context::Ctx, _) -> _)
    };
    (@make $access:ident, $runner:ident, $runner_in:ident, $name:literal, $f:path, $summary:literal, $sig:ty) => {
        $crate::model::op::Op::new(
            $name,
            $summary,
            $crate::model::op::Access::$access,
            |cfg| $crate::model::op::shape_args($f as $sig, cfg),
            |cfg| $crate::model::op::shape_returns($f as $sig, cfg),
            |c| $crate::model::op::visit($f as $sig, c),
            (
                |v, ctx, a| $crate::model::op::$runner($f, v, ctx, a),
                |tx, ctx, a| $crate::model::op::$runner_in($f, tx, ctx, a),
            ),
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
        (run, run_in): (Runner, InRunner),
    ) -> Op {
        Op { name, summary, access, args, returns, visit, run, run_in }
    }

    /// Adds the declarations of the types this operation's shapes use.
    pub fn collect_types(&self, collector: &mut TypeCollector) {
        (self.visit)(collector)
    }
}
