//! Authentication of format 2 (issue 8 items 3 and 4): a MAC key derived from the identity, and keyed SHA3-256
//! tags over snapshots, journal records and the high-water mark. SHA3 has no length extension, so
//! SHA3-256(key ‖ domain ‖ fields ‖ content) is a sound MAC; and Debian's `sqlite3` shell computes it with its
//! built-in `sha3(X, 256)`, so the recovery recipe checks every tag with `age` and `sqlite3` alone
//! (docs/FORMAT.md gives the exact inputs).

use std::fmt::Write as _;
use std::io::{self, Read, Write};

use age::x25519;
use secrecy::ExposeSecret;
use sha3::{Digest, Sha3_256};
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::pieces::Pieces;

/// A tag: 32 bytes, written as 64 lower-case hex digits.
pub type Tag = [u8; 32];

/// The MAC key: SHA3-256("circlebook mac key v2\n" ‖ the identity's text `AGE-SECRET-KEY-1…`).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MacKey([u8; 32]);

impl std::fmt::Debug for MacKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MacKey(..)")
    }
}

impl MacKey {
    pub fn of(identity: &x25519::Identity) -> Self {
        let mut hasher = Sha3_256::new();
        hasher.update(b"circlebook mac key v2\n");
        hasher.update(identity.to_string().expose_secret().as_bytes());
        Self(hasher.finalize().into())
    }

    /// A hasher already fed the key and the domain line.
    fn start(&self, domain: &str) -> Sha3_256 {
        let mut hasher = Sha3_256::new();
        hasher.update(self.0);
        hasher.update(domain.as_bytes());
        hasher.update(b"\n");
        hasher
    }

    /// The snapshot seal: SHA3-256(key ‖ "circlebook snapshot v2\n" ‖ generation ‖ "\n" ‖ the `.age` file's bytes).
    pub fn snapshot_hasher(&self, generation: u64) -> Sha3_256 {
        let mut hasher = self.start("circlebook snapshot v2");
        hasher.update(format!("{generation}\n").as_bytes());
        hasher
    }

    /// The tag of a whole snapshot file read from `input`.
    #[cfg(test)]
    pub fn snapshot_tag(&self, generation: u64, mut input: impl Read) -> io::Result<Tag> {
        let mut hasher = self.snapshot_hasher(generation);
        io::copy(&mut input, &mut hasher)?;
        Ok(hasher.finalize().into())
    }

    /// A journal record's tag: SHA3-256(key ‖ "circlebook record v2\n" ‖ vault id ‖ "\n" ‖ generation ‖ "\n" ‖
    /// sequence ‖ "\n" ‖ previous tag (hex) ‖ "\n" ‖ the record's text after its first line).
    pub fn record_tag(&self, vault_id: &str, generation: u64, sequence: u64, previous: &Tag, body: &[u8]) -> Tag {
        let mut hasher = self.start("circlebook record v2");
        hasher.update(format!("{vault_id}\n{generation}\n{sequence}\n{}\n", hex(previous)).as_bytes());
        hasher.update(body);
        hasher.finalize().into()
    }

    /// The high-water mark's tag, over the same fields as its file.
    pub fn watermark_tag(&self, vault_id: &str, generation: u64, sequence: u64, head: &Tag) -> Tag {
        let mut hasher = self.start("circlebook high-water mark v2");
        hasher.update(format!("{vault_id}\n{generation}\n{sequence}\n{}\n", hex(head)).as_bytes());
        hasher.finalize().into()
    }

    /// A `rotation-pending` record's tag (issue 8 item 12): SHA3-256(key ‖ "circlebook rotation pending v1\n" ‖
    /// `role` ("old" or "new") ‖ "\n" ‖ vault id ‖ "\n" ‖ generation ‖ "\n").
    pub fn rotation_tag(&self, vault_id: &str, generation: u64, role: &str) -> Tag {
        let mut hasher = self.start("circlebook rotation pending v1");
        hasher.update(format!("{role}\n{vault_id}\n{generation}\n").as_bytes());
        hasher.finalize().into()
    }

    /// The name of this identity's high-water mark file (reveals nothing about the key or the vault).
    pub fn watermark_name(&self) -> String {
        let mut hasher = self.start("circlebook high-water mark file name");
        hasher.update(b"");
        let name: Tag = hasher.finalize().into();
        format!("{}.hwm", &hex(&name)[..32])
    }
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Parses 64 hex digits.
pub fn parse_tag(text: &str) -> Option<Tag> {
    let text = text.as_bytes();
    if text.len() != 64 {
        return None;
    }
    let mut tag = [0u8; 32];
    for (i, pair) in text.chunks(2).enumerate() {
        let digit = |c: u8| (c as char).to_digit(16);
        tag[i] = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Some(tag)
}

/// Compares tags in constant time.
pub fn same(a: &Tag, b: &Tag) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Runs `write` with a writer that passes everything to `inner` and hashes it on another core, so that a snapshot
/// is encrypted and hashed at once (at 5,000 cases the SHA3 alone is about as long as the encryption and the
/// write together); returns `write`'s result and the tag of every byte written.
pub fn hash_beside<W: Write, T>(
    hasher: Sha3_256,
    inner: W,
    write: impl FnOnce(&mut HashingBeside<W>) -> io::Result<T>,
) -> io::Result<(T, Tag)> {
    let (sender, chunks) = std::sync::mpsc::sync_channel::<Vec<u8>>(8);
    std::thread::scope(|scope| {
        let hashing = scope.spawn(move || {
            let mut hasher = hasher;
            for chunk in chunks {
                hasher.update(&chunk);
            }
            Tag::from(hasher.finalize())
        });
        let mut writer = HashingBeside { inner, pending: Vec::with_capacity(HASH_CHUNK), sender };
        let written = write(&mut writer).and_then(|value| writer.send_pending().map(|()| value));
        drop(writer);
        let tag = hashing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written.map(|value| (value, tag))
    })
}

/// The reading counterpart of [`hash_beside`]: reads `input` once, in pieces, each hashed on another core as soon as
/// it is read (when there is a `hasher`), then runs `then` on what was read while the hashing finishes. Returns
/// `then`'s result and the tag of every byte read; a failed read is the error, and `then` does not run.
pub fn read_beside<T>(
    hasher: Option<Sha3_256>,
    input: impl Read,
    then: impl FnOnce(&Pieces) -> T,
) -> io::Result<(T, Option<Tag>)> {
    let (sender, pieces) = std::sync::mpsc::channel::<std::sync::Arc<Vec<u8>>>();
    std::thread::scope(|scope| {
        let hashing = hasher.map(|mut hasher| {
            scope.spawn(move || {
                for piece in pieces {
                    hasher.update(&piece[..]);
                }
                Tag::from(hasher.finalize())
            })
        });
        let hashed = hashing.is_some();
        let read = Pieces::read(input, |piece| {
            if hashed {
                // The receiver lives until the sender is dropped below.
                let _ = sender.send(piece);
            }
        });
        drop(sender);
        let value = read.map(|read| then(&read));
        let tag = hashing.map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        value.map(|value| (value, tag))
    })
}

/// How much is handed to the hashing thread at a time.
const HASH_CHUNK: usize = 1 << 20;

/// What [`hash_beside`] writes through: each byte to `inner`, and a copy to the hashing thread.
pub struct HashingBeside<W: Write> {
    inner: W,
    pending: Vec<u8>,
    sender: std::sync::mpsc::SyncSender<Vec<u8>>,
}

impl<W: Write> HashingBeside<W> {
    fn send_pending(&mut self) -> io::Result<()> {
        let chunk = std::mem::replace(&mut self.pending, Vec::with_capacity(HASH_CHUNK));
        self.sender.send(chunk).map_err(|_| io::Error::other("the snapshot's hashing stopped"))
    }
}

impl<W: Write> Write for HashingBeside<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() >= HASH_CHUNK {
            self.send_pending()?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A new vault id: 16 random bytes in hex.
pub fn new_vault_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_round_trip_as_hex() {
        let tag: Tag = std::array::from_fn(|i| i as u8 * 7);
        assert_eq!(parse_tag(&hex(&tag)), Some(tag));
        assert_eq!(parse_tag("zz"), None);
        assert!(same(&tag, &tag) && !same(&tag, &[0; 32]));
    }

    #[test]
    fn hashing_beside_gives_the_tag_of_exactly_what_was_written() {
        let key = MacKey([3; 32]);
        // Writes of every size around the chunk handed to the other thread, and an inner writer that takes at most
        // 1,000 bytes a call: the tag covers what was written, not what was offered.
        let data: Vec<u8> = (0..3 * HASH_CHUNK + 17).map(|i| (i * 31 % 251) as u8).collect();
        let sizes = [1, HASH_CHUNK - 1, HASH_CHUNK + 1, 70_000];
        let mut out = Vec::new();
        let ((), tag) = hash_beside(key.snapshot_hasher(9), Short(&mut out), |w| {
            let mut rest = &data[..];
            for size in sizes.iter().cycle() {
                if rest.is_empty() {
                    return Ok(());
                }
                let (now, later) = rest.split_at((*size).min(rest.len()));
                w.write_all(now)?;
                rest = later;
            }
            Ok(())
        })
        .expect("written");
        assert_eq!(out, data);
        assert_eq!(tag, key.snapshot_tag(9, &data[..]).expect("tag"));
        assert_ne!(tag, key.snapshot_tag(10, &data[..]).expect("tag"));
    }

    #[test]
    fn a_failed_write_beside_the_hashing_is_its_error() {
        let failing = |_: &mut HashingBeside<Vec<u8>>| -> io::Result<()> { Err(io::Error::other("disk full")) };
        let error = hash_beside(MacKey([3; 32]).snapshot_hasher(1), Vec::new(), failing).expect_err("fails");
        assert_eq!(error.to_string(), "disk full");
    }

    #[test]
    fn reading_beside_gives_the_tag_of_exactly_what_was_read() {
        let key = MacKey([3; 32]);
        let data: Vec<u8> = (0..2 * super::super::pieces::PIECE + 17).map(|i| (i * 31 % 251) as u8).collect();
        let (back, tag) = read_beside(Some(key.snapshot_hasher(9)), &data[..], |read| {
            let mut back = Vec::new();
            read.cursor().read_to_end(&mut back).map(|_| back)
        })
        .expect("read");
        assert_eq!(back.expect("read back"), data);
        assert_eq!(tag, Some(key.snapshot_tag(9, &data[..]).expect("tag")));
        let (len, tag) = read_beside(None, &data[..], |read| read.len()).expect("read");
        assert_eq!((len, tag), (data.len() as u64, None));
    }

    /// Takes at most 1,000 bytes a call.
    struct Short<'a>(&'a mut Vec<u8>);

    impl Write for Short<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(1000);
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
}
