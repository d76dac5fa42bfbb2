//! Integration tests of circlebook-core; modules mirror `src/`, plus real-tool interop and failure injection.

mod common;
mod demo;
mod disk_full;
mod interop;
mod model;
mod model_accountability;
mod model_cases;
mod model_sessions;
mod model_shuttle;
mod seed_people;
mod model_consent;
mod model_people;
mod model_due;
mod model_notes;
mod model_rows;
mod model_search;
mod model_stats;
mod model_timeline;
mod vault;
