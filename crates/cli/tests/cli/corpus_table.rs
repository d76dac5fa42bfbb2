//! The corpus's table: every damage done to a vault path (the mutation) and what the app, `verify`, the recovery
//! recipe and the folder must show for it. `corpus.rs` builds the template vault, applies each case and checks it.

use std::fs;
use std::path::Path;

use super::*;

// Regions and reasons are the table's words: read through `Debug` in failure messages only.
#[allow(dead_code)]
#[derive(Debug, Clone)]
pub(super) enum Mutation {
    Delete,
    /// Keep the first n bytes.
    Truncate(usize),
    /// Flip the lowest bit of the byte at this offset (in the named region).
    Flip(usize, &'static str),
    /// Set the byte at this offset (in the named region) to this value.
    Set(usize, u8, &'static str),
    /// Append bytes (an interrupted record).
    Append(Vec<u8>),
    /// Put these bytes there (an older file, or one of another place).
    Replace(Vec<u8>),
    /// A link to a copy of the real thing outside the folder (with a torn tail appended to a file).
    Symlink,
    Folder,
    Fifo,
}

/// What the app (CLI `stats`, core unlock) must do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum App {
    /// Open with exactly these notices and the whole data.
    Opens(&'static [&'static str]),
    /// Refuse: the core's error kind and a text the one-line message holds.
    Refuses(&'static str, &'static str),
}

/// What `verify` says when the app opens.
#[derive(Debug, Clone, Copy)]
pub(super) enum Verify {
    Ok,
    /// Exit 1 naming this.
    Fails(&'static str),
}

/// What the recipe does, compared with the app.
// Regions and reasons are the table's words: read through `Debug` in failure messages only.
#[allow(dead_code)]
#[derive(Debug, Clone, Copy)]
pub(super) enum Recipe {
    /// The same data, or both refuse.
    Agrees,
    /// The app refuses, the recipe rebuilds the whole data, because...
    OpensWhole(&'static str),
    /// The app refuses (rollback), the recipe rebuilds an older state, because...
    OpensOlder(&'static str),
}

/// How the folder may differ after the read-only commands and the unlock.
#[derive(Debug, Clone, Copy)]
pub(super) enum Folder {
    Unchanged,
    /// Only this path is gone (a cleanup docs/FORMAT.md names).
    Removes(&'static str),
    /// Only this (empty) path is new.
    Creates(&'static str),
    /// The torn tail moved to `journal/00000003.torn-1`, the journal rewritten to its whole records.
    TornTailMoved,
}

#[derive(Debug, Clone)]
pub(super) struct Case {
    pub(super) path: String,
    pub(super) mutation: Mutation,
    pub(super) app: App,
    pub(super) verify: Verify,
    pub(super) recipe: Recipe,
    pub(super) folder: Folder,
}

impl Case {
    pub(super) fn name(&self) -> String {
        format!("{} {:?}", self.path, self.mutation).chars().take(120).collect()
    }
}

pub(super) const ROLLBACK: &str = "the recipe cannot see this computer's high-water mark";
pub(super) const NO_IDENTITY: &str = "the recipe uses the recovery key, never identity.age";
pub(super) const NO_LOCK: &str = "the recipe takes no lock";

pub(super) fn refuses(kind: &'static str, text: &'static str) -> (App, Verify, Recipe, Folder) {
    (App::Refuses(kind, text), Verify::Ok, Recipe::Agrees, Folder::Unchanged)
}

pub(super) fn opens() -> (App, Verify, Recipe, Folder) {
    (App::Opens(&[]), Verify::Ok, Recipe::Agrees, Folder::Unchanged)
}

pub(super) fn with_verify(mut e: (App, Verify, Recipe, Folder), v: Verify) -> (App, Verify, Recipe, Folder) {
    e.1 = v;
    e
}

pub(super) fn with_recipe(mut e: (App, Verify, Recipe, Folder), r: Recipe) -> (App, Verify, Recipe, Folder) {
    e.2 = r;
    e
}

pub(super) fn with_folder(mut e: (App, Verify, Recipe, Folder), f: Folder) -> (App, Verify, Recipe, Folder) {
    e.3 = f;
    e
}

/// The table: every case and what must happen.
pub(super) fn corpus(t: &Template) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut add = |path: &str, mutation: Mutation, e: (App, Verify, Recipe, Folder)| {
        cases.push(Case { path: path.into(), mutation, app: e.0, verify: e.1, recipe: e.2, folder: e.3 });
    };
    let len = |path: &str| fs::metadata(t.vault.join(path)).expect("meta").len() as usize;
    let not_ours = |m: &Mutation| match m {
        Mutation::Symlink => "is a symbolic link where the vault keeps",
        Mutation::Folder => "is a folder where the vault keeps",
        _ => "is a FIFO where the vault keeps",
    };
    let intruders = [Mutation::Symlink, Mutation::Folder, Mutation::Fifo];

    // The marker: the folder is a vault of this format only when it says exactly so.
    let marker = "circlebook-vault";
    add(marker, Mutation::Delete, refuses("open", "there is no Circlebook vault"));
    for n in [0, 1, 17] {
        add(marker, Mutation::Truncate(n), refuses("io", "marker file circlebook-vault is damaged"));
    }
    add(marker, Mutation::Truncate(len(marker) - 1), opens()); // without its last newline
    add(marker, Mutation::Flip(0, "first line"), refuses("io", "marker file circlebook-vault is damaged"));
    add(marker, Mutation::Flip(24, "format digit: 3"), refuses("newer_format", "written by a newer version"));
    for m in &intruders {
        add(marker, m.clone(), refuses("open", not_ours(m)));
    }

    // The lock file: recreated when missing; anything but a plain file is refused.
    add(".lock", Mutation::Delete, with_folder(opens(), Folder::Creates(".lock")));
    for m in &intruders {
        add(".lock", m.clone(), with_recipe(refuses("open", not_ours(m)), Recipe::OpensWhole(NO_LOCK)));
    }

    // The wrapped identity: the passphrase no longer opens it; the recovery key still does (checked below).
    let identity = "identity.age";
    let whole = |e| with_recipe(e, Recipe::OpensWhole(NO_IDENTITY));
    add(identity, Mutation::Delete, whole(refuses("io", "No such file")));
    for n in [0, 1, len(identity) / 2, len(identity) - 1] {
        add(identity, Mutation::Truncate(n), whole(refuses("damaged", "identity.age is damaged")));
    }
    add(identity, Mutation::Flip(3, "age version line"), whole(refuses("damaged", "identity.age is damaged")));
    // A header that is not well-formed, or whose MAC fails, is damage; a salt changed to other valid base64 cannot
    // be told from a wrong passphrase (age's own limit: the salt and passphrase together make the file key).
    let wrapped = fs::read(t.vault.join(identity)).expect("identity");
    let other = |at: usize| if wrapped[at] == b'A' { b'B' } else { b'A' };
    let salt = find(&wrapped, b"-> scrypt ") + 12;
    let mac = find(&wrapped, b"\n--- ") + 8;
    add(
        identity,
        Mutation::Set(salt, b'!', "scrypt salt, not base64"),
        whole(refuses("damaged", "identity.age is damaged")),
    );
    add(
        identity,
        Mutation::Set(salt, other(salt), "scrypt salt"),
        whole(refuses("wrong_passphrase", "passphrase does not open")),
    );
    add(
        identity,
        Mutation::Set(mac, b'!', "header MAC, not base64"),
        whole(refuses("damaged", "identity.age is damaged")),
    );
    add(identity, Mutation::Set(mac, other(mac), "header MAC"), whole(refuses("damaged", "Header MAC is invalid")));
    add(identity, Mutation::Flip(len(identity) - 5, "payload"), whole(refuses("damaged", "identity.age is damaged")));
    for m in &intruders {
        add(identity, m.clone(), whole(refuses("io", not_ours(m))));
    }

    // The newest snapshot and its seal: checked before anything is decrypted.
    let snapshot_damaged = || refuses("damaged", "snapshots/00000003.age is damaged");
    add(
        SNAP,
        Mutation::Delete,
        refuses("damaged", "journal/00000003.journal is damaged (it belongs to a snapshot that does not exist)"),
    );
    for n in [0, 1, len(SNAP) / 2, len(SNAP) - 1] {
        add(SNAP, Mutation::Truncate(n), snapshot_damaged());
    }
    let snap_mac = find(&fs::read(t.vault.join(SNAP)).expect("snapshot"), b"\n--- ") + 8;
    for (at, region) in [
        (3, "age version line"),
        (40, "X25519 stanza"),
        (snap_mac, "header MAC"),
        (len(SNAP) / 2, "payload"),
        (len(SNAP) - 1, "last byte"),
    ] {
        add(SNAP, Mutation::Flip(at, region), snapshot_damaged());
    }
    let older = fs::read(t.vault.join("snapshots/00000002.age")).expect("snapshot 2");
    add(SNAP, Mutation::Replace(older), snapshot_damaged());
    for m in &intruders {
        add(SNAP, m.clone(), refuses("io", not_ours(m)));
    }
    let seal_damaged = || refuses("damaged", "snapshots/00000003.seal is damaged");
    add(SEAL, Mutation::Delete, seal_damaged());
    // A head seal: `head `, 64 hex digits, a newline (70 bytes).
    for n in [0, 1, 5, 32, 64] {
        add(SEAL, Mutation::Truncate(n), seal_damaged());
    }
    // Without its newline, as the recipe's `$(cat)` reads it.
    add(SEAL, Mutation::Truncate(69), opens());
    // Another hex digit, so the seal is still well-formed and its tag is what fails (a bit flip would turn an `a` or
    // `f` into a non-digit one time in eight: a different refusal, and a flaky case).
    add(SEAL, other_digit(&t.vault.join(SEAL)), snapshot_damaged());
    // The word that says which seal it is: `Head` is no seal at all.
    add(SEAL, Mutation::Set(0, b'H', "the word head"), seal_damaged());
    // The app took any trailing white space (here a vertical tab) after the tag, the recipe refused: fixed in core.
    add(SEAL, Mutation::Flip(69, "newline"), seal_damaged());
    let older_seal = fs::read(t.vault.join("snapshots/00000002.seal")).expect("seal 2");
    add(SEAL, Mutation::Replace(older_seal), snapshot_damaged());
    for m in &intruders {
        add(SEAL, m.clone(), refuses("io", not_ours(m)));
    }

    // Older generations: the current state opens; `verify` names the damaged generation.
    for g in [1, 2] {
        let (age, seal) = (format!("snapshots/0000000{g}.age"), format!("snapshots/0000000{g}.seal"));
        let named = if g == 1 { "generation 1" } else { "generation 2" };
        add(
            &age,
            Mutation::Delete,
            with_folder(
                opens(),
                Folder::Removes(if g == 1 { "snapshots/00000001.seal" } else { "snapshots/00000002.seal" }),
            ),
        );
        add(&age, Mutation::Truncate(len(&age) / 2), with_verify(opens(), Verify::Fails(named)));
        add(&age, Mutation::Flip(len(&age) / 2, "payload"), with_verify(opens(), Verify::Fails(named)));
        add(&seal, Mutation::Delete, with_verify(opens(), Verify::Fails(named)));
        add(&seal, other_digit(&t.vault.join(&seal)), with_verify(opens(), Verify::Fails(named)));
        for m in &intruders {
            add(&age, m.clone(), with_verify(opens(), Verify::Fails(named)));
        }
    }
    let newer = fs::read(t.vault.join("snapshots/00000001.age")).expect("snapshot 1");
    add("snapshots/00000002.age", Mutation::Replace(newer), with_verify(opens(), Verify::Fails("generation 2")));

    // The journal: every complete record must authenticate and chain; cutting it is a rollback.
    let journal = fs::read(t.vault.join(JOURNAL)).expect("journal");
    let parts = records(&journal);
    let bounds: Vec<usize> = parts
        .iter()
        .scan(0, |at, r| {
            *at += r.len();
            Some(*at)
        })
        .collect();
    let rollback = || with_recipe(refuses("rollback", "--accept-rollback"), Recipe::OpensOlder(ROLLBACK));
    let record_damaged =
        |n: u64| refuses("damaged", ["", "record 1", "record 2", "record 3", "record 4", "record 5"][n as usize]);
    add(JOURNAL, Mutation::Delete, rollback());
    for n in [0, bounds[0], bounds[1], bounds[2]] {
        add(JOURNAL, Mutation::Truncate(n), rollback()); // at every record boundary
    }
    for n in [1, bounds[0] / 2, (bounds[2] + bounds[3]) / 2, journal.len() - 2] {
        add(JOURNAL, Mutation::Truncate(n), rollback()); // inside a record: a torn last record, one record short
    }
    add(JOURNAL, Mutation::Truncate(journal.len() - 1), opens()); // the last newline only
    let last = bounds[2];
    for (at, region, record) in [
        (5, "BEGIN line of record 1", 1),
        (45, "age header of record 1", 1),
        ((bounds[0] + bounds[1]) / 2, "payload of record 2", 2),
        (last + 45, "age header of the last record", 4),
        ((last + journal.len()) / 2, "payload of the last record", 4),
        (journal.len() - 10, "END line of the last record", 4),
        (journal.len() - 1, "last newline", 5),
    ] {
        // A flipped bit in a record's age header may still be base64: the record then looks encrypted to another
        // key, and the message names the journal, not the record.
        let e = if region.contains("age header") {
            refuses("damaged", "journal/00000003.journal is damaged")
        } else {
            record_damaged(record)
        };
        add(JOURNAL, Mutation::Flip(at, region), e);
    }
    let mut swapped = Vec::new();
    for i in [0, 2, 1, 3] {
        swapped.extend_from_slice(parts[i]);
    }
    add(JOURNAL, Mutation::Replace(swapped), record_damaged(2));
    add(JOURNAL, Mutation::Replace(t.older_journal.clone()), record_damaged(1)); // generation 2's journal
    let torn = parts[0][..parts[0].len() / 2].to_vec();
    add(
        JOURNAL,
        Mutation::Append(torn),
        with_folder((App::Opens(&["torn_tail"]), Verify::Ok, Recipe::Agrees, Folder::Unchanged), Folder::TornTailMoved),
    );
    for m in &intruders {
        add(JOURNAL, m.clone(), refuses("io", not_ours(m)));
    }

    // The folders themselves.
    for dir in ["snapshots", "journal"] {
        add(dir, Mutation::Delete, refuses("open", "No such file"));
        for m in [Mutation::Symlink, Mutation::Fifo] {
            let text = if matches!(m, Mutation::Symlink) {
                "is a symbolic link where the vault keeps a folder"
            } else {
                "is a FIFO where the vault keeps a folder"
            };
            add(dir, m, refuses("open", text));
        }
    }

    // Odd names: only exactly 8 digits name a generation; temp files and orphan seals are cleaned up.
    let snapshot = fs::read(t.vault.join(SNAP)).expect("snapshot");
    for name in [
        "snapshots/7.age",
        "snapshots/+7.age",
        "snapshots/07.age",
        "snapshots/+0000004.age",
        "snapshots/000000004.age",
        "journal/7.journal",
        "journal/+0000003.journal",
        "journal/00000003.torn-1",
    ] {
        let bytes = if name.starts_with("journal") { journal.clone() } else { snapshot.clone() };
        add(name, Mutation::Replace(bytes), opens());
    }
    add(
        "snapshots/7.age.tmp",
        Mutation::Replace(snapshot.clone()),
        with_folder(opens(), Folder::Removes("snapshots/7.age.tmp")),
    );
    add(
        "snapshots/00000004.age.tmp",
        Mutation::Replace(snapshot.clone()),
        with_folder(opens(), Folder::Removes("snapshots/00000004.age.tmp")),
    );
    add(
        "snapshots/00000004.seal",
        Mutation::Replace(fs::read(t.vault.join(SEAL)).expect("seal")),
        with_folder(opens(), Folder::Removes("snapshots/00000004.seal")),
    );
    add(
        "snapshots/00000004.age",
        Mutation::Replace(snapshot),
        refuses("damaged", "snapshots/00000004.seal is damaged"),
    );
    add(
        "journal/00000004.journal",
        Mutation::Replace(journal),
        refuses("damaged", "it belongs to a snapshot that does not exist"),
    );
    cases
}

pub(super) fn find(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).position(|w| w == needle).expect("found")
}

/// Sets a seal's first hex digit to another hex digit.
/// The tag's first hex digit made another: after `head ` in a head seal, the first byte of a whole-file seal.
pub(super) fn other_digit(seal: &Path) -> Mutation {
    let text = fs::read(seal).expect("seal");
    let at = if text.starts_with(b"head ") { 5 } else { 0 };
    Mutation::Set(at, if text[at] == b'0' { b'1' } else { b'0' }, "first digit, another hex digit")
}
