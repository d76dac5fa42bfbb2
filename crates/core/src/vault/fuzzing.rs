//! Entry points for the fuzz targets in `crates/core/fuzz` (`journal_reader`, `replay`); not an API, hidden
//! from the docs, and kept to what those targets need.

use age::x25519;
use rusqlite::Connection;

use super::journal::{self, Check};
use super::replay::{self, Allowed};
use super::seal::{self, MacKey, Tag};

/// The generation every fuzzed journal claims.
pub const GENERATION: u64 = 7;

const FUZZ_KEY: &str = "AGE-SECRET-KEY-1KESATDRGYFVYSPPNYLGV6C7U34LGRGFURP7ZWFX353WC84J2LDFQ70GS5Y";

/// A key, a vault id and a seal to read fuzzed journal files against.
pub struct JournalFixture {
    identity: x25519::Identity,
    key: MacKey,
    vault_id: String,
    seal: Tag,
}

impl std::fmt::Debug for JournalFixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JournalFixture(..)")
    }
}

impl Default for JournalFixture {
    fn default() -> Self {
        // A fixed key, made for fuzzing and used nowhere else, so that the committed seeds decrypt.
        let identity: x25519::Identity = FUZZ_KEY.parse().expect("the fuzzing key");
        let key = MacKey::of(&identity);
        Self { identity, key, vault_id: "0123456789abcdef0123456789abcdef".into(), seal: [7; 32] }
    }
}

impl JournalFixture {
    /// A whole armored record, as Circlebook appends it: record `sequence`, chained to `previous` (the seal for
    /// record 1). Returns its bytes and its tag. For seeds.
    pub fn record(&self, sequence: u64, previous: Option<&Tag>, body: &str) -> (Vec<u8>, Tag) {
        let previous = previous.unwrap_or(&self.seal);
        let (text, tag) = journal::record_text(&self.key, &self.vault_id, GENERATION, sequence, previous, body);
        (journal::seal(&self.identity, &text).expect("sealing in memory"), tag)
    }

    /// Reads `bytes` as journal file `GENERATION` with the reader an unlock uses: the accepted records' texts,
    /// or why the file was refused.
    pub fn read(&self, bytes: &[u8]) -> Result<Vec<String>, String> {
        let check = Check::Format2 { key: &self.key, vault_id: &self.vault_id, seal: self.seal };
        journal::read(&self.identity, &check, GENERATION, bytes)
            .map(|replay| replay.scripts.iter().map(|s| s.to_string()).collect())
            .map_err(|e| format!("{e:?}"))
    }

    /// Checks an accepted record's first line independently of the reader: the tag it claims is the one the key
    /// gives for its place after `previous`. Returns that tag, or `None` when it is not valid.
    pub fn valid_tag(&self, sequence: u64, previous: Option<&Tag>, text: &str) -> Option<Tag> {
        let previous = previous.unwrap_or(&self.seal);
        let (first, body) = text.split_once('\n')?;
        let claimed = first
            .strip_prefix(&format!("-- circlebook journal generation {GENERATION} sequence {sequence} mac "))
            .and_then(seal::parse_tag)?;
        let tag = self.key.record_tag(&self.vault_id, GENERATION, sequence, previous, body.as_bytes());
        seal::same(&claimed, &tag).then_some(tag)
    }
}

/// An in-memory vault database (hardened, migrated) and the authorizer policy that replay uses.
#[derive(Debug)]
pub struct ReplayFixture {
    conn: Connection,
    allowed: Allowed,
    journaled: Vec<String>,
}

impl Default for ReplayFixture {
    fn default() -> Self {
        let conn = Connection::open_in_memory().expect("an in-memory database");
        replay::harden(&conn).expect("harden");
        crate::schema::migrate(&conn).expect("migrate");
        super::snapshot::set_meta(&conn, "0123456789abcdef0123456789abcdef", GENERATION).expect("vault_meta");
        let journaled = crate::schema::journaled_tables(&conn).expect("tables");
        let allowed = Allowed::of(&conn, &journaled.iter().cloned().collect()).expect("allowed");
        Self { conn, allowed, journaled }
    }
}

impl ReplayFixture {
    /// Applies `script` as a journal record's body is applied at unlock (under the authorizer).
    pub fn apply(&mut self, script: &str) -> Result<(), String> {
        replay::apply(&mut self.conn, &self.allowed, script).map_err(|e| e.0)
    }

    /// The database.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The tables a record may write.
    pub fn journaled(&self) -> &[String] {
        &self.journaled
    }
}
