//! What an unlock found and repaired or accepted, for every front end to show (issue 8 items 1 and 3).

use serde::Serialize;
use ts_rs::TS;

/// Something the person must be told about after an unlock. Nothing here holds case content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
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
    /// The folder held an older state than this computer had seen, and it was opened on purpose.
    RollbackAccepted {
        /// What was older.
        detail: String,
    },
    /// A format-1 vault (no authentication) was replayed under the authorizer and saved as format 2.
    FormatUpgraded {
        /// The format found.
        from: u32,
        /// The first format-2 generation.
        generation: u64,
    },
    /// A key rotation was interrupted before the new key was saved: its new generation (encrypted to a key never
    /// shown to anyone, holding the state that was opened) was set aside; the key that opened the vault still does.
    RotationUndone {
        /// The generations set aside (none when the rotation stopped before writing one).
        generations: Vec<u64>,
        /// Where they were moved (`snapshots/NNNNNNNN.set-aside-<n>.age`), kept rather than deleted.
        moved_to: Vec<String>,
    },
    /// A key rotation was interrupted after the new key was saved: the old key's files it left were removed now.
    RotationFinished {
        /// The old key's generations removed.
        generations: Vec<u64>,
    },
    /// The last lock could not write changes whose save had already failed (each was reported when it was made);
    /// they were left out so that the vault could lock. Everything saved before them is in the vault.
    LeftOutAtLock {
        /// Why they could not be written (e.g. `disk_full`).
        #[ts(type = "ErrorKind")]
        cause: crate::ErrorKind,
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
            Self::RollbackAccepted { detail } => write!(
                f,
                "an older state than this computer had seen was opened on purpose ({detail}); it is now taken as the newest"
            ),
            Self::FormatUpgraded { from, generation } => write!(
                f,
                "this vault was in format {from}, whose files were not authenticated; it was read with replay \
                 restricted to record changes and saved as format 2 (generation {generation}). Older generations \
                 stay in format {from} and cannot be restored by Circlebook"
            ),
            Self::RotationUndone { moved_to, .. } if moved_to.is_empty() => write!(
                f,
                "a change of the vault's key was interrupted before it wrote anything; the old key (passphrase and \
                 recovery key) still opens the vault. Change the key again if you meant to"
            ),
            Self::RotationUndone { moved_to, .. } => write!(
                f,
                "a change of the vault's key was interrupted before it was saved; its unfinished copy was set aside \
                 ({}) and the old key (passphrase and recovery key) still opens the vault. Change the key again if \
                 you meant to",
                moved_to.join(", ")
            ),
            Self::RotationFinished { generations } => write!(
                f,
                "a change of the vault's key was interrupted after the new key was saved; the files of the old key \
                 (generations {generations:?}) were removed now. If the new recovery key was never shown, change \
                 the key again to get one"
            ),
            Self::LeftOutAtLock { cause } => write!(
                f,
                "when the vault last locked, changes that had not been saved could still not be written ({}); they \
                 were left out so that it could lock. Everything saved before them is here",
                cause.code()
            ),
        }
    }
}
