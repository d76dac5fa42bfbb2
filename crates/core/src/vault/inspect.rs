//! Reading figures about an unlocked vault: kept generations, stats, verification. Nothing here writes.

use serde::Serialize;

use super::load::{self, Source};
use super::snapshot;
use super::unlocked::UnlockedVault;
use crate::schema;

/// One kept snapshot generation.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Generation {
    pub number: u64,
    pub bytes: u64,
    pub written_at: Option<chrono::DateTime<chrono::Utc>>,
    pub current: bool,
}

/// Figures about a vault, with no case content.
#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub schema_version: u32,
    pub generation: u64,
    pub generations_kept: usize,
    pub snapshot_bytes: u64,
    pub journal_records: u64,
    pub journal_bytes: u64,
    pub unsaved_changes: bool,
    pub database_bytes: u64,
    pub tables: Vec<(String, u64)>,
}

/// What `verify` found.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// Each kept generation and whether it decrypts and passes `integrity_check`.
    pub generations: Vec<(u64, Result<(), String>)>,
    /// Journal records that decrypted and replayed.
    pub journal_records: u64,
    /// `PRAGMA integrity_check` of the live database.
    pub integrity: String,
}

impl VerifyReport {
    pub fn ok(&self) -> bool {
        self.integrity == "ok" && self.generations.iter().all(|(_, r)| r.is_ok())
    }
}

impl UnlockedVault {
    /// The kept generations, oldest first.
    pub fn generations(&self) -> Vec<Generation> {
        let layout = &self.vault.layout;
        layout
            .snapshot_generations()
            .unwrap_or_default()
            .into_iter()
            .map(|number| {
                let meta = super::disk::symlink_metadata(&layout.snapshot(number)).ok();
                Generation {
                    number,
                    bytes: meta.as_ref().map_or(0, |m| m.len()),
                    written_at: meta.and_then(|m| m.modified().ok()).map(chrono::DateTime::<chrono::Utc>::from),
                    current: number == self.generation,
                }
            })
            .collect()
    }

    /// Figures about the vault, with no case content.
    pub fn stats(&self) -> Result<Stats, rusqlite::Error> {
        let page_count: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let page_size: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let mut tables = Vec::new();
        for table in self.tables.iter() {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM \"{}\"", table.replace('"', "\"\"")), [], |r| r.get(0))?;
            tables.push((table.clone(), n as u64));
        }
        tables.sort();
        let generations = self.generations();
        Ok(Stats {
            schema_version: schema::version(&self.conn)?,
            generation: self.generation,
            generations_kept: generations.len(),
            snapshot_bytes: generations.iter().find(|g| g.current).map_or(0, |g| g.bytes),
            journal_records: self.sequence,
            journal_bytes: self.journal_len,
            unsaved_changes: self.has_unsaved_changes(),
            database_bytes: (page_count * page_size) as u64,
            tables,
        })
    }

    /// Decrypts every kept generation and the journal, and runs `integrity_check` on each database.
    pub fn verify(&self) -> Result<VerifyReport, rusqlite::Error> {
        let layout = &self.vault.layout;
        let mut generations = Vec::new();
        for g in layout.snapshot_generations().unwrap_or_default() {
            let checked = snapshot::read(layout, &self.identity, Some(&self.key), g)
                .map_err(|e| e.to_string())
                .and_then(|(conn, _)| {
                    let r: String =
                        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| e.to_string())?;
                    if r == "ok" {
                        Ok(())
                    } else {
                        Err(r)
                    }
                });
            generations.push((g, checked));
        }
        let journal_records = match load::load_parts(layout, &self.identity, &self.key, Source::Latest) {
            Ok(parts) => parts.sequence,
            Err(e) => {
                generations.push((self.generation, Err(format!("journal: {e}"))));
                0
            }
        };
        let integrity: String = self.conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(VerifyReport { generations, journal_records, integrity })
    }
}
