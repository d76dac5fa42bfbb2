//! The record of a key rotation in progress (`rotation-pending`, issue 8 item 12): written before the rotation's
//! first write, it names the generation the rotation is about to write and carries two tags, one under the old
//! MAC key and one under the new. An unlock acts on an unfinished rotation only when that record says so, so a
//! newest snapshot that no key opens because it is damaged is refused as damaged, never taken for a rotation.
//! See docs/FORMAT.md, "Key rotation".

use std::io;
use std::path::PathBuf;

use super::durable;
use super::layout::Layout;
use super::seal::{self, MacKey, Tag};

const FIRST_LINE: &str = "circlebook rotation pending v1";

/// What a `rotation-pending` file says, as read (not yet checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub vault_id: String,
    /// The generation the rotation writes, encrypted to the new key.
    pub generation: u64,
    old: Tag,
    new: Tag,
}

/// Which key a record was checked under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signer {
    /// The key the vault had before the rotation: the rotation had not committed when this identity was saved.
    Old,
    /// The rotation's new key: it committed (`identity.age` holds the new identity).
    New,
}

impl Pending {
    pub fn new(vault_id: &str, generation: u64, old: &MacKey, new: &MacKey) -> Self {
        Self {
            vault_id: vault_id.to_owned(),
            generation,
            old: old.rotation_tag(vault_id, generation, "old"),
            new: new.rotation_tag(vault_id, generation, "new"),
        }
    }

    /// Which of its two tags `key` makes, if either (a record neither tag of which checks is not acted on).
    pub fn signed_by(&self, key: &MacKey) -> Option<Signer> {
        if seal::same(&key.rotation_tag(&self.vault_id, self.generation, "old"), &self.old) {
            Some(Signer::Old)
        } else if seal::same(&key.rotation_tag(&self.vault_id, self.generation, "new"), &self.new) {
            Some(Signer::New)
        } else {
            None
        }
    }

    fn text(&self) -> String {
        format!(
            "{FIRST_LINE}\nvault {}\ngeneration {}\nold {}\nnew {}\n",
            self.vault_id,
            self.generation,
            seal::hex(&self.old),
            seal::hex(&self.new)
        )
    }

    fn parse(text: &str) -> Option<Self> {
        let mut lines = text.strip_suffix('\n')?.split('\n');
        (lines.next()? == FIRST_LINE).then_some(())?;
        let vault_id = lines.next()?.strip_prefix("vault ")?.to_owned();
        let digits = lines.next()?.strip_prefix("generation ")?;
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(())?;
        let generation = digits.parse().ok()?;
        let old = seal::parse_tag(lines.next()?.strip_prefix("old ")?)?;
        let new = seal::parse_tag(lines.next()?.strip_prefix("new ")?)?;
        lines.next().is_none().then_some(Self { vault_id, generation, old, new })
    }
}

/// Writes the record (atomically, durable before it returns).
pub fn write(layout: &Layout, pending: &Pending) -> io::Result<()> {
    durable::replace(&layout.rotation_pending(), pending.text().as_bytes())
}

/// Reads the record: `None` when there is none or it is not one (an unreadable record is never acted on).
pub fn read(layout: &Layout) -> io::Result<Option<Pending>> {
    let path = layout.rotation_pending();
    if !durable::file_exists(&path)? {
        return Ok(None);
    }
    let bytes = durable::read(&path)?;
    Ok(std::str::from_utf8(&bytes).ok().and_then(Pending::parse))
}

/// Removes the record once the rotation it names is finished or undone.
pub fn remove(layout: &Layout) {
    if super::disk::remove_file(&layout.rotation_pending()).is_ok() {
        let _ = durable::sync_dir(layout.root());
    }
}

/// Moves snapshot `generation` and its seal aside (`NNNNNNNN.set-aside-<n>.age` / `.seal`, names no reader takes
/// for a generation): an undone rotation's files are kept, never deleted. Returns where the snapshot went.
pub fn set_aside(layout: &Layout, generation: u64) -> io::Result<PathBuf> {
    let dir = layout.snapshots();
    let mut n = 1;
    let name = |n: u32, ext: &str| dir.join(format!("{generation:08}.set-aside-{n}.{ext}"));
    while super::disk::symlink_metadata(&name(n, "age")).is_ok()
        || super::disk::symlink_metadata(&name(n, "seal")).is_ok()
    {
        n += 1;
    }
    if super::disk::symlink_metadata(&layout.seal(generation)).is_ok() {
        super::disk::rename(&layout.seal(generation), &name(n, "seal"))?;
    }
    super::disk::rename(&layout.snapshot(generation), &name(n, "age"))?;
    durable::sync_dir(&dir)?;
    Ok(name(n, "age"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_tells_its_two_keys_apart() {
        let (old, new) = (MacKey::of(&super::super::keys::generate()), MacKey::of(&super::super::keys::generate()));
        let record = Pending::new("ab12", 7, &old, &new);
        assert_eq!(Pending::parse(&record.text()), Some(record.clone()));
        assert_eq!(record.signed_by(&old), Some(Signer::Old));
        assert_eq!(record.signed_by(&new), Some(Signer::New));
        assert_eq!(record.signed_by(&MacKey::of(&super::super::keys::generate())), None);
        // Another generation named under the same tags checks under neither key.
        let moved = Pending { generation: 8, ..record.clone() };
        assert_eq!(moved.signed_by(&old), None);
        assert_eq!(Pending::parse(&record.text().replace("generation 7", "generation +7")), None);
        assert_eq!(Pending::parse(&format!("{}extra\n", record.text())), None);
    }
}
