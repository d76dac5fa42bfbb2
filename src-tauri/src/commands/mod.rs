//! The UI's commands, grouped by area. Each takes the state, calls one core function and maps the error.

#[cfg(test)]
mod bindings;
pub mod bundles;
pub mod exchange;
pub mod files;
pub mod keys;
pub mod passphrase;
pub mod print;
pub mod registry;
pub mod safety;
pub mod share;
pub mod vault;
