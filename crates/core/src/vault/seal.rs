//! Authentication of format 2 (issue 8 items 3 and 4): a MAC key derived from the identity, and keyed SHA3-256
//! tags over snapshots, journal records and the high-water mark. SHA3 has no length extension, so
//! SHA3-256(key ‖ domain ‖ fields ‖ content) is a sound MAC; and Debian's `sqlite3` shell computes it with its
//! built-in `sha3(X, 256)`, so the recovery recipe checks every tag with `age` and `sqlite3` alone
//! (docs/FORMAT.md gives the exact inputs).

use std::fmt::Write as _;
use std::io::{self, Read};

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

    /// The head seal of a snapshot (how every snapshot is sealed since session 13): SHA3-256(key ‖ "circlebook
    /// snapshot head v1\n" ‖ generation ‖ "\n" ‖ the file's length ‖ "\n" ‖ its head), the head being the age
    /// header and the payload's nonce ([`head_len`]). That head fixes the file key, which only this identity can
    /// unwrap, and with the nonce the payload key; age authenticates every payload chunk and the last one's flag
    /// under it, so a file that matches this tag and decrypts is one this key wrote. Hashing 200 bytes instead of
    /// the whole file (1.6 s at 5,000 cases) frees the second core for the decryption.
    pub fn snapshot_head_tag(&self, generation: u64, len: u64, head: &[u8]) -> Tag {
        let mut hasher = self.start("circlebook snapshot head v1");
        hasher.update(format!("{generation}\n{len}\n").as_bytes());
        hasher.update(head);
        hasher.finalize().into()
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

/// The length of an age file's head, found in `start` (its first bytes): the header through its MAC line
/// (`--- …\n`, the first line to begin with three dashes: the lines before it are the version line, stanza lines
/// beginning `-> ` and base64) and the payload's 16-byte nonce. `None` when `start` holds no such head.
pub fn head_len(start: &[u8]) -> Option<usize> {
    const MAC_LINE: &[u8] = b"\n--- ";
    let at = start.windows(MAC_LINE.len()).position(|w| w == MAC_LINE)? + 1;
    let end = at + start[at..].iter().position(|&b| b == b'\n')? + 1;
    let head = end + NONCE_LEN;
    (head <= start.len()).then_some(head)
}

/// The age payload's nonce, which follows the header.
const NONCE_LEN: usize = 16;

/// A snapshot's seal, as its `.seal` file gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotSeal {
    /// `HEX\n`: over every byte of the file ([`MacKey::snapshot_hasher`]); what snapshots written before
    /// session 13 carry, still read.
    Whole(Tag),
    /// `head HEX\n`: over the file's length and head ([`MacKey::snapshot_head_tag`]).
    Head(Tag),
}

impl SnapshotSeal {
    /// Parses a seal file's text: exactly as written, with or without the final newline (as `$(cat)` reads it
    /// in the recipe); anything else is `None`.
    pub fn parse(text: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(text).ok()?;
        let text = text.strip_suffix('\n').unwrap_or(text);
        match text.strip_prefix("head ") {
            Some(hex) => parse_tag(hex).map(Self::Head),
            None => parse_tag(text).map(Self::Whole),
        }
    }

    /// The text of a head seal's file.
    pub fn head_text(tag: &Tag) -> String {
        format!("head {}\n", hex(tag))
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

/// Reads `input` once, in pieces, each hashed on another core as soon as it is read, then runs `then` on what was
/// read while the hashing finishes. Returns `then`'s result and the tag of every byte read; a failed read is the
/// error, and `then` does not run.
pub fn read_beside<T>(mut hasher: Sha3_256, input: impl Read, then: impl FnOnce(&Pieces) -> T) -> io::Result<(T, Tag)> {
    let (sender, pieces) = std::sync::mpsc::channel::<std::sync::Arc<Vec<u8>>>();
    std::thread::scope(|scope| {
        let hashing = scope.spawn(move || {
            for piece in pieces {
                hasher.update(&piece[..]);
            }
            Tag::from(hasher.finalize())
        });
        // The receiver lives until the sender is dropped below.
        let read = Pieces::read(input, |piece| {
            let _ = sender.send(piece);
        });
        drop(sender);
        let value = read.map(|read| then(&read));
        let tag = hashing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        value.map(|value| (value, tag))
    })
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
    fn the_head_is_the_header_through_its_mac_line_and_the_nonce() {
        let header = b"age-encryption.org/v1\n-> X25519 abc\nYmFzZTY0\n--- bWFj\n";
        let mut file = header.to_vec();
        file.extend_from_slice(&[7; 16]);
        file.extend_from_slice(b"payload \n--- not a header");
        assert_eq!(head_len(&file), Some(header.len() + 16));
        // Too short for the nonce, or no MAC line: no head.
        assert_eq!(head_len(&file[..header.len() + 15]), None);
        assert_eq!(head_len(b"age-encryption.org/v1\n-> X25519 abc\n"), None);
        assert_eq!(head_len(b""), None);
    }

    #[test]
    fn seal_files_parse_exactly_as_written() {
        let tag: Tag = std::array::from_fn(|i| i as u8);
        let text = SnapshotSeal::head_text(&tag);
        assert_eq!(SnapshotSeal::parse(text.as_bytes()), Some(SnapshotSeal::Head(tag)));
        assert_eq!(SnapshotSeal::parse(text.trim_end().as_bytes()), Some(SnapshotSeal::Head(tag)));
        assert_eq!(SnapshotSeal::parse(format!("{}\n", hex(&tag)).as_bytes()), Some(SnapshotSeal::Whole(tag)));
        for bad in
            [format!("head  {}", hex(&tag)), format!("Head {}", hex(&tag)), format!("{text}\n"), format!(" {text}")]
        {
            assert_eq!(SnapshotSeal::parse(bad.as_bytes()), None, "{bad:?}");
        }
        let key = MacKey([3; 32]);
        let head = key.snapshot_head_tag(9, 100, b"head");
        assert_ne!(head, key.snapshot_head_tag(10, 100, b"head"), "the generation");
        assert_ne!(head, key.snapshot_head_tag(9, 101, b"head"), "the length");
        assert_ne!(head, key.snapshot_head_tag(9, 100, b"heaD"), "the head");
    }

    #[test]
    fn reading_beside_gives_the_tag_of_exactly_what_was_read() {
        let key = MacKey([3; 32]);
        let data: Vec<u8> = (0..2 * super::super::pieces::PIECE + 17).map(|i| (i * 31 % 251) as u8).collect();
        let (back, tag) = read_beside(key.snapshot_hasher(9), &data[..], |read| {
            let mut back = Vec::new();
            read.cursor().read_to_end(&mut back).map(|_| back)
        })
        .expect("read");
        assert_eq!(back.expect("read back"), data);
        assert_eq!(tag, key.snapshot_tag(9, &data[..]).expect("tag"));
    }
}
