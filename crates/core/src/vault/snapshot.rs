//! Snapshots: the whole database, age-encrypted to the identity, with (format 2) a seal beside it and the vault's
//! id and generation inside it. See docs/FORMAT.md.

use std::io::{self, BufWriter, Read, Seek, Write};

use age::x25519;
use rusqlite::Connection;

use super::errors::UnlockError;
use super::keys::{self, OpenFailure};
use super::layout::Layout;
use super::seal::{self, MacKey, Tag};
use super::{disk, durable, replay};

/// The table inside every format-2 snapshot naming its vault and generation (never journaled).
pub const META_TABLE: &str = "vault_meta";

pub fn snapshot_name(generation: u64) -> String {
    format!("snapshots/{generation:08}.age")
}

pub fn seal_name(generation: u64) -> String {
    format!("snapshots/{generation:08}.seal")
}

/// What a format-2 snapshot says about itself, once its seal is checked.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub vault_id: String,
    pub seal: Tag,
}

/// Creates (or updates) the vault's id and generation inside the database.
pub fn set_meta(conn: &Connection, vault_id: &str, generation: u64) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS {META_TABLE}(one INTEGER PRIMARY KEY CHECK (one = 1), vault_id TEXT NOT NULL, generation INTEGER NOT NULL)"
    ))?;
    conn.execute(
        &format!("INSERT INTO {META_TABLE}(one, vault_id, generation) VALUES(1, ?1, ?2) ON CONFLICT(one) DO UPDATE SET vault_id = ?1, generation = ?2"),
        rusqlite::params![vault_id, generation as i64],
    )?;
    Ok(())
}

/// Why a snapshot could not be written.
#[derive(Debug)]
pub enum WriteFailure {
    /// Before the rename that makes the snapshot visible: the folder is as it was (temp file and seal removed).
    Before(io::Error),
    /// After that rename: the snapshot, with this seal, is what an unlock now finds, but the folder's fsync failed,
    /// so it may not survive a power cut.
    After(Tag, io::Error),
}

impl From<WriteFailure> for io::Error {
    fn from(e: WriteFailure) -> Self {
        match e {
            WriteFailure::Before(e) | WriteFailure::After(_, e) => e,
        }
    }
}

/// Writes snapshot `generation`: the ciphertext to `NNNNNNNN.age.tmp` (fsynced, hashed as it is written), then
/// the seal `NNNNNNNN.seal` (atomically), then the rename to `NNNNNNNN.age` (the commit point) and the folder
/// fsync. A seal without its snapshot (a crash between) is a leftover, removed at the next unlock; after a failure
/// before the commit point the seal is removed at once, so the folder is as it was. Returns the seal.
pub fn write(
    layout: &Layout,
    generation: u64,
    identity: &x25519::Identity,
    key: &MacKey,
    data: &[u8],
) -> Result<Tag, WriteFailure> {
    let path = layout.snapshot(generation);
    let mut temp = path.clone().into_os_string();
    temp.push(durable::TEMP_SUFFIX);
    let temp = std::path::PathBuf::from(temp);
    let seal_path = layout.seal(generation);
    let mut seal_written = false;
    let result = (|| {
        let mut file = durable::open(&temp, durable::options().write(true).create(true).truncate(true))?;
        let output = BufWriter::with_capacity(1 << 20, &mut file);
        let ((), tag) = seal::hash_beside(key.snapshot_hasher(generation), output, |hashing| {
            let mut writer = keys::encrypt_to(identity, hashing)?;
            writer.write_all(data)?;
            writer.finish()?.flush()
        })?;
        file.sync_all()?;
        drop(file);
        let sealed = durable::replace_checked(&seal_path, format!("{}\n", seal::hex(&tag)).as_bytes());
        seal_written = matches!(sealed, Ok(()) | Err(durable::ReplaceError::After(_)));
        sealed?;
        disk::rename(&temp, &path)?;
        Ok(tag)
    })();
    match result {
        Ok(tag) => durable::sync_dir(&layout.snapshots()).map(|()| tag).map_err(|e| WriteFailure::After(tag, e)),
        Err(e) => {
            let _ = disk::remove_file(&temp);
            if seal_written {
                let _ = disk::remove_file(&seal_path);
            }
            Err(WriteFailure::Before(e))
        }
    }
}

/// Reads snapshot `generation` into a fresh, hardened in-memory database. With a key (format 2), the seal is
/// checked against the ciphertext before anything decrypted is read, and the database must name this generation.
pub fn read(
    layout: &Layout,
    identity: &x25519::Identity,
    key: Option<&MacKey>,
    generation: u64,
) -> Result<(Connection, Option<Sealed>), UnlockError> {
    let damaged = |detail: String| UnlockError::Damaged { file: snapshot_name(generation), detail };
    let file = durable::open_read(&layout.snapshot(generation))?;
    let claimed = match key {
        None => None,
        Some(key) => Some((key, claimed_seal(layout, generation)?)),
    };
    // Read once, so the bytes checked are the bytes decrypted. The seal is computed on another core as the file is
    // read, and while this one decrypts into SQLite's buffer: at 5,000 cases (625 MB) the read, the SHA3 and the
    // decryption took about 0.66, 1.6 and 1.2 s (docs/PERFORMANCE.md, "Unlock: the seal beside the read and the
    // decryption"). Nothing decrypted is read until the seal is found right: a wrong seal drops the database
    // unread, and is the error reported even when the decryption failed too (as when it was checked first).
    let hasher = claimed.as_ref().map(|(key, _)| key.snapshot_hasher(generation));
    let (opened, computed) =
        seal::read_beside(hasher, file, |read| decrypt_into_database(identity, read.cursor(), &damaged))?;
    let seal = match (claimed, computed) {
        (Some((_, claimed)), Some(tag)) => {
            if !seal::same(&claimed, &tag) {
                return Err(damaged(
                    "it fails authentication: it was not written with this vault's key, was altered, or is another \
                     generation's snapshot under this name"
                        .into(),
                ));
            }
            Some(tag)
        }
        _ => None,
    };
    let conn = opened?;
    conn.execute_batch("PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;")
        .map_err(|e| damaged(format!("it does not hold a database: {e}")))?;
    // Search ranks with it (model/search.rs).
    circlebook_fts_rank::register(&conn).map_err(|e| damaged(format!("search could not be set up: {e}")))?;
    let header_ok: Result<i64, _> = conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0));
    header_ok.map_err(|e| damaged(format!("it does not hold a database: {e}")))?;
    let Some(seal) = seal else {
        return Ok((conn, None));
    };
    let meta: Result<(String, i64), _> =
        conn.query_row(&format!("SELECT vault_id, generation FROM {META_TABLE}"), [], |r| Ok((r.get(0)?, r.get(1)?)));
    let (vault_id, inside) = meta.map_err(|_| damaged("it does not name its vault and generation".into()))?;
    if inside != generation as i64 {
        return Err(damaged(format!("it is generation {inside}'s snapshot under generation {generation}'s name")));
    }
    Ok((conn, Some(Sealed { vault_id, seal })))
}

/// The seal written beside snapshot `generation`, refused before any work when it is missing or malformed.
fn claimed_seal(layout: &Layout, generation: u64) -> Result<Tag, UnlockError> {
    let seal_damaged = |detail: &str| UnlockError::Damaged { file: seal_name(generation), detail: detail.into() };
    if !durable::file_exists(&layout.seal(generation))? {
        return Err(seal_damaged("it is missing, so the snapshot cannot be authenticated"));
    }
    let text = durable::read(&layout.seal(generation))?;
    std::str::from_utf8(&text)
        .ok()
        // Exactly as written: 64 hex digits and a newline (or without it, as `$(cat)` reads it in the recipe); any
        // other trailing byte is damage, which the recipe refuses too (found by the corpus test).
        .and_then(|t| seal::parse_tag(t.strip_suffix('\n').unwrap_or(t)))
        .ok_or_else(|| seal_damaged("it does not hold a seal"))
}

/// Decrypts the ciphertext chunk by chunk straight into the buffer of a fresh, hardened in-memory database: no
/// copy of ours to wipe. Nothing in it is read here.
fn decrypt_into_database(
    identity: &x25519::Identity,
    ciphertext: impl Read + Seek,
    damaged: &impl Fn(String) -> UnlockError,
) -> Result<Connection, UnlockError> {
    let (plain, len) = keys::decrypt_stream(identity, ciphertext).map_err(|e| match e {
        OpenFailure::WrongKey => damaged("it was encrypted to another key".into()),
        OpenFailure::Damaged(detail) => damaged(detail),
        OpenFailure::ExcessiveWork(_) => damaged("it is passphrase-encrypted, not a snapshot".into()),
        OpenFailure::Io(e) => UnlockError::Io(e),
    })?;
    let mut conn = Connection::open_in_memory().map_err(|e| damaged(e.to_string()))?;
    replay::harden(&conn).map_err(|e| damaged(format!("the database could not be hardened: {e}")))?;
    let len = usize::try_from(len).map_err(|_| damaged("it is too large for this computer".into()))?;
    conn.deserialize_read_exact(rusqlite::MAIN_DB, plain, len, false).map_err(|e| match e {
        // rusqlite reports a failed read (here: a chunk failing authentication) as "cannot open".
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::CannotOpen => {
            damaged("its content fails authentication (altered or truncated)".into())
        }
        other => damaged(format!("it does not hold a database: {other}")),
    })?;
    Ok(conn)
}
