//! Integration tests of circlebook-core; modules mirror `src/`, plus real-tool interop and failure injection.

mod common;
mod disk_full;
mod interop;
mod model;
mod model_cases;
mod model_due;
mod model_notes;
mod model_rows;
mod model_search;
mod model_stats;
mod model_timeline;
mod vault;
