//! What an unlock found and repaired or accepted, for every front end to show (issue 8 items 1 and 3).

use serde::Serialize;

/// Something the person must be told about after an unlock. Nothing here holds case content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    /// An interrupted (never acknowledged) last journal record was moved aside, still encrypted.
    TornTail {
        /// The journal it was cut from, e.g. `journal/00000007.journal`.
        journal: String,
        /// Where its bytes are now, e.g. `journal/00000007.torn-1`.
        moved_to: String,
        /// How many bytes were moved.
        bytes: u64,
    },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TornTail { journal, moved_to, bytes } => write!(
                f,
                "an interrupted last record ({bytes} bytes, never saved as done) was found at the end of {journal} \
                 and moved aside to {moved_to}, still encrypted; every whole record was kept"
            ),
        }
    }
}
