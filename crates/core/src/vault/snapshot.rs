//! Snapshots: the whole database, age-encrypted to the identity, with (format 2) a seal beside it and the vault's
//! id and generation inside it. See docs/FORMAT.md.

use std::io::{self, BufWriter, Read, Seek, Write};

use age::x25519;
use rusqlite::Connection;

use super::errors::UnlockError;
use super::keys::{self, OpenFailure};
use super::layout::Layout;
use super::pieces::Pieces;
use super::seal::{self, MacKey, SnapshotSeal, Tag};
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
        let (head, len) = {
            let mut output =
                KeepingHead { inner: BufWriter::with_capacity(1 << 20, &mut file), head: Vec::new(), len: 0 };
            let mut writer = keys::encrypt_to(identity, &mut output)?;
            writer.write_all(data)?;
            writer.finish()?.flush()?;
            (std::mem::take(&mut output.head), output.len)
        };
        let head_len =
            seal::head_len(&head).ok_or_else(|| io::Error::other("the snapshot's age header is not whole"))?;
        let tag = key.snapshot_head_tag(generation, len, &head[..head_len]);
        file.sync_all()?;
        drop(file);
        let sealed = durable::replace_checked(&seal_path, seal::SnapshotSeal::head_text(&tag).as_bytes());
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

/// What [`write`] writes through: every byte to `inner`, the first [`HEAD_KEPT`] also kept (the head seal is
/// computed from them), and the count.
struct KeepingHead<W: Write> {
    inner: W,
    head: Vec<u8>,
    len: u64,
}

/// Enough for an age header of one X25519 stanza (about 200 bytes) and the nonce, many times over.
const HEAD_KEPT: usize = 64 * 1024;

impl<W: Write> Write for KeepingHead<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        let keep = n.min(HEAD_KEPT.saturating_sub(self.head.len()));
        self.head.extend_from_slice(&buf[..keep]);
        self.len += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
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
    // Read once, so the bytes checked are the bytes decrypted. A head seal (every snapshot written since session
    // 13) is checked before any decryption; the payload is then decrypted on both cores, age authenticating every
    // chunk under the key that head fixes. A whole-file seal is computed on another core as the file is read, and
    // while this one decrypts into SQLite's buffer (at 5,000 cases, 625 MB: the SHA3 1.6 s, the decryption 1.2 s;
    // docs/PERFORMANCE.md, "Unlock: the seal beside the read and the decryption"). Either way nothing decrypted is
    // read until the seal is found right: a wrong seal drops the database unread, and is the error reported even
    // when the decryption failed too (as when it was checked first).
    let refused = || {
        damaged(
            "it fails authentication: it was not written with this vault's key, was altered, or is another \
             generation's snapshot under this name"
                .into(),
        )
    };
    let (opened, seal) = match claimed {
        Some((key, SnapshotSeal::Whole(claimed))) => {
            let (opened, computed) = seal::read_beside(key.snapshot_hasher(generation), file, |read| {
                decrypt_into_database(identity, || read.cursor(), &damaged)
            })?;
            if !seal::same(&claimed, &computed) {
                return Err(refused());
            }
            (opened, Some(computed))
        }
        Some((key, SnapshotSeal::Head(claimed))) => match HeadChecked::check(&file, key, generation, &claimed)? {
            Some(checked) => (decrypt_into_database(identity, || checked.clone(), &damaged), Some(claimed)),
            None => return Err(refused()),
        },
        None => {
            let read = Pieces::read(file, |_| {})?;
            (decrypt_into_database(identity, || read.cursor(), &damaged), None)
        }
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
fn claimed_seal(layout: &Layout, generation: u64) -> Result<SnapshotSeal, UnlockError> {
    let seal_damaged = |detail: &str| UnlockError::Damaged { file: seal_name(generation), detail: detail.into() };
    if !durable::file_exists(&layout.seal(generation))? {
        return Err(seal_damaged("it is missing, so the snapshot cannot be authenticated"));
    }
    let text = durable::read(&layout.seal(generation))?;
    // Exactly as written (`head ` and 64 hex digits, or the 64 digits alone, and a newline, or without it, as `$(cat)`
    // reads it in the recipe); any other byte is damage, which the recipe refuses too (found by the corpus test).
    SnapshotSeal::parse(&text).ok_or_else(|| seal_damaged("it does not hold a seal"))
}

/// Decrypts the ciphertext straight into the buffer of a fresh, hardened in-memory database (no copy of ours to
/// wipe), half of it on another core. Nothing in it is read here.
fn decrypt_into_database<R: Read + Seek + Send>(
    identity: &x25519::Identity,
    ciphertext: impl Fn() -> R,
    damaged: &impl Fn(String) -> UnlockError,
) -> Result<Connection, UnlockError> {
    let open = || {
        keys::decrypt_stream(identity, ciphertext()).map_err(|e| match e {
            OpenFailure::WrongKey => damaged("it was encrypted to another key".into()),
            OpenFailure::Damaged(detail) => damaged(detail),
            OpenFailure::ExcessiveWork(_) => damaged("it is passphrase-encrypted, not a snapshot".into()),
            OpenFailure::Io(e) => UnlockError::Io(e),
        })
    };
    let (first, len) = open()?;
    let (second, _) = open()?;
    let plain = TwoCores { first, second, at: 0, len };
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

/// A snapshot file whose head seal was found right, as it is decrypted: the head from the very copy that was checked,
/// the rest read straight from the open file (no copy of ours: at 5,000 cases that copy was 600 MB of memory and
/// 0.2 s of page faults), never past the sealed length. Whoever rewrites the file meanwhile changes only payload
/// bytes, which age authenticates under the key that the checked head fixes.
#[derive(Clone)]
struct HeadChecked<'a> {
    file: &'a disk::File,
    head: Vec<u8>,
    len: u64,
    at: u64,
}

impl<'a> HeadChecked<'a> {
    /// Reads the file's length and head and checks them against the claimed head seal: `None` when they do not
    /// match (or the file has no head).
    fn check(file: &'a disk::File, key: &MacKey, generation: u64, claimed: &Tag) -> io::Result<Option<Self>> {
        let len = file.metadata()?.len();
        let mut start = vec![0; usize::try_from(len).map_or(HEAD_SEARCH, |len| len.min(HEAD_SEARCH))];
        let mut reader = Self { file, head: Vec::new(), len, at: 0 };
        reader.read_exact(&mut start)?;
        let Some(head_len) = seal::head_len(&start) else { return Ok(None) };
        start.truncate(head_len);
        let tag = key.snapshot_head_tag(generation, len, &start);
        Ok(seal::same(claimed, &tag).then_some(Self { file, head: start, len, at: 0 }))
    }
}

/// Where a head is looked for: the file's first 4 MiB (docs/FORMAT.md; the recipe looks there too).
const HEAD_SEARCH: usize = 4 << 20;

impl Read for HeadChecked<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = usize::try_from(self.len.saturating_sub(self.at)).map_or(buf.len(), |left| left.min(buf.len()));
        if want == 0 {
            return Ok(0);
        }
        let n = match usize::try_from(self.at).ok().and_then(|at| self.head.get(at..)).filter(|h| !h.is_empty()) {
            Some(head) => {
                let n = want.min(head.len());
                buf[..n].copy_from_slice(&head[..n]);
                n
            }
            None => loop {
                match self.file.read_at(&mut buf[..want], self.at) {
                    Ok(0) => {
                        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the snapshot shrank as it was read"))
                    }
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            },
        };
        self.at += n as u64;
        Ok(n)
    }
}

impl Seek for HeadChecked<'_> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let at = match to {
            io::SeekFrom::Start(n) => Some(n),
            io::SeekFrom::End(n) => self.len.checked_add_signed(n),
            io::SeekFrom::Current(n) => self.at.checked_add_signed(n),
        };
        self.at = at.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a seek before the start"))?;
        Ok(self.at)
    }
}

/// The plaintext of one age file read through two decryptors of it: each read is split at a chunk boundary and
/// the second half decrypted on another core (chunks are independent; the first and last are authenticated like
/// every other, so a truncated, extended or reordered payload still fails).
struct TwoCores<R> {
    first: age::stream::StreamReader<R>,
    second: age::stream::StreamReader<R>,
    at: u64,
    len: u64,
}

/// age's plaintext chunk.
const AGE_CHUNK: u64 = 64 * 1024;

impl<R: Read + Seek + Send> Read for TwoCores<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let want = usize::try_from(self.len - self.at).map_or(buf.len(), |left| left.min(buf.len()));
        if want == 0 {
            return Ok(0);
        }
        let buf = &mut buf[..want];
        let split = (self.at + want as u64 / 2) / AGE_CHUNK * AGE_CHUNK;
        self.first.seek(io::SeekFrom::Start(self.at))?;
        if split <= self.at {
            self.first.read_exact(buf)?;
        } else {
            let (near, far) = buf.split_at_mut((split - self.at) as usize);
            self.second.seek(io::SeekFrom::Start(split))?;
            let (first, second) = (&mut self.first, &mut self.second);
            std::thread::scope(|scope| {
                let other = scope.spawn(move || second.read_exact(far));
                let here = first.read_exact(near);
                let there = other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                here.and(there)
            })?;
        }
        self.at += want as u64;
        Ok(want)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encrypted(identity: &x25519::Identity, plain: &[u8]) -> Pieces {
        let mut out = Vec::new();
        let mut writer = keys::encrypt_to(identity, &mut out).expect("encrypt");
        writer.write_all(plain).expect("write");
        writer.finish().expect("finish");
        Pieces::read(&out[..], |_| {}).expect("read")
    }

    fn two_cores<'a>(
        identity: &x25519::Identity,
        ciphertext: &'a Pieces,
    ) -> TwoCores<super::super::pieces::Cursor<'a>> {
        let (first, len) = keys::decrypt_stream(identity, ciphertext.cursor()).expect("first");
        let (second, _) = keys::decrypt_stream(identity, ciphertext.cursor()).expect("second");
        TwoCores { first, second, at: 0, len }
    }

    #[test]
    fn two_cores_read_back_exactly_the_plaintext_in_one_read_or_many() {
        let identity = keys::generate();
        let chunk = AGE_CHUNK as usize;
        for len in [0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 2 * chunk + 1, 5 * chunk + 12_345] {
            let plain: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let ciphertext = encrypted(&identity, &plain);
            // As SQLite's deserialize asks: the whole buffer at once.
            let mut whole = vec![0; len];
            two_cores(&identity, &ciphertext).read_exact(&mut whole).expect("read at once");
            assert_eq!(whole, plain, "{len} bytes at once");
            // In reads of odd sizes that straddle chunks.
            let mut reader = two_cores(&identity, &ciphertext);
            let mut pieces = Vec::new();
            let mut buf = vec![0; 3 * chunk / 2 + 7];
            loop {
                let n = reader.read(&mut buf).expect("read");
                if n == 0 {
                    break;
                }
                pieces.extend_from_slice(&buf[..n]);
            }
            assert_eq!(pieces, plain, "{len} bytes in pieces");
        }
    }

    /// Someone who can write the file rewrites it between the seal check and the decryption (the same inode, the
    /// same length and head, another encryption's payload): age's authentication under the checked head refuses
    /// it; and a sealed generation is checked as that generation only.
    #[test]
    fn a_file_rewritten_after_its_head_was_checked_is_refused() {
        let identity = keys::generate();
        let key = MacKey::of(&identity);
        let plain = vec![9u8; 3 * AGE_CHUNK as usize + 10];
        let bytes = |plain: &[u8]| {
            let mut bytes = Vec::new();
            encrypted(&identity, plain).cursor().read_to_end(&mut bytes).expect("bytes");
            bytes
        };
        let written = bytes(&plain);
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("00000001.age");
        std::fs::write(&path, &written).expect("write");
        let file = durable::open_read(&path).expect("open");
        let head = &written[..seal::head_len(&written).expect("head")];
        let tag = key.snapshot_head_tag(1, written.len() as u64, head);
        let checked = HeadChecked::check(&file, &key, 1, &tag).expect("read").expect("the seal matches");
        let mut back = vec![0; plain.len()];
        let (first, len) = keys::decrypt_stream(&identity, checked.clone()).expect("first");
        let (second, _) = keys::decrypt_stream(&identity, checked.clone()).expect("second");
        TwoCores { first, second, at: 0, len }.read_exact(&mut back).expect("as written");
        assert_eq!(back, plain);

        // This file's head, another encryption's payload of the same length.
        let anew = bytes(&vec![1u8; plain.len()]);
        let other = [head, &anew[seal::head_len(&anew).expect("head")..]].concat();
        assert_eq!(other.len(), written.len());
        std::fs::write(&path, &other).expect("rewrite in place");
        let read = keys::decrypt_stream(&identity, checked.clone()).and_then(|(first, len)| {
            let (second, _) = keys::decrypt_stream(&identity, checked.clone())?;
            TwoCores { first, second, at: 0, len }.read_exact(&mut back).map_err(OpenFailure::Io)
        });
        assert!(read.is_err(), "the rewritten payload was decrypted under the checked head");
        // The generation is sealed too.
        std::fs::write(&path, &written).expect("back");
        assert!(HeadChecked::check(&file, &key, 2, &tag).expect("read").is_none());
    }

    #[test]
    fn a_changed_byte_in_either_half_fails_the_read() {
        let identity = keys::generate();
        let plain = vec![5u8; 6 * AGE_CHUNK as usize];
        let ciphertext = encrypted(&identity, &plain);
        let mut bytes = Vec::new();
        ciphertext.cursor().read_to_end(&mut bytes).expect("bytes");
        let len = bytes.len();
        let mut checked = 0;
        for at in [len / 4, len / 2 + 100, len - 20] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 1;
            let damaged = Pieces::read(&damaged[..], |_| {}).expect("read");
            // The last chunk is read when the length is learnt: a change there fails at once.
            let Ok((first, len)) = keys::decrypt_stream(&identity, damaged.cursor()) else { continue };
            let (second, _) = keys::decrypt_stream(&identity, damaged.cursor()).expect("second");
            let mut out = vec![0; plain.len()];
            let read = TwoCores { first, second, at: 0, len }.read_exact(&mut out);
            assert!(read.is_err(), "a change at byte {at} of {len} went unnoticed");
            checked += 1;
        }
        assert_eq!(checked, 2, "one change in each half was read through the two cores");
    }
}
