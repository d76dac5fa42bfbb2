//! The case model: cases, participants, consent, assessments, processes and sessions, accountability, notes,
//! search, timeline and statistics. Every operation is registered in [`ops`], which both front ends call: area
//! functions are `pub(crate)`, so the registry is the only door (see docs/ARCHITECTURE.md, "Layers of the model").
//!
//! The modules form layers, each importing only from the layers below it (checked by `tests/it/layering.rs`):
//! vocabulary (`ids`, `vocab`, `context`, `errors`, `rows`, `op`), then the areas, then the composite reads, then
//! the registry (`ops`) and on top the bindings generator (`bindings`). This file only declares and re-exports:
//! modules name the module an item lives in, never this facade.

// Vocabulary: the operation type and the words every area shares.
pub mod context;
pub mod errors;
pub mod ids;
pub mod op;
pub mod rows;
pub mod vocab;

// Areas: each owns its tables and rules.
pub mod accountability;
pub mod assessments;
pub mod attachments;
pub mod audit_log;
pub mod cases;
pub mod consent;
pub mod notes;
pub mod participants;
pub mod processes;
pub mod progress_report;
pub mod roster;
pub mod safety;
pub mod search;
pub mod session_consent;
pub mod session_outcomes;
pub mod sessions;
pub mod shuttle;
pub mod snippet;
pub mod stats;
pub mod tasks;
pub mod terminology;

// Composite reads: one answer drawn from several areas.
pub mod case_file;
pub mod due;
pub mod participant_record;
pub mod session_attention;
pub mod session_record;
pub mod timeline;

// The registry, the only door for front ends, and the bindings generated from it.
pub mod bindings;
pub mod ops;
#[doc(hidden)]
pub mod testing;

pub use context::{Ctx, Zone};
pub use errors::{ConsentRefusal, ErrorDetails, ModelError};
pub use ids::*;
pub use vocab::*;
