//! Issue 8 item 1: a torn tail is only an incomplete final record; it is moved aside (never cut in place) and
//! reported; any other damage at the end of a journal is refused with nothing written.

use std::fs;

use circlebook_core::vault::{Notice, UnlockError};
use circlebook_core::{ErrorKind, Vault};

use crate::common::*;

const END: &[u8] = b"-----END AGE ENCRYPTED FILE-----";

fn two_records() -> (Fixture, std::path::PathBuf, Vec<u8>) {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Maple");
    add_case(&mut vault, "c2", "Cedar");
    drop(vault);
    let path = fx.dir.join("journal/00000001.journal");
    let whole = fs::read(&path).expect("journal");
    (fx, path, whole)
}

fn refused_as_damage(fx: &Fixture, record: &str) {
    let before = fingerprint(&fx.dir);
    let failure = Vault::open(&fx.dir).expect("open").unlock(&fx.by_key()).expect_err("damage is refused");
    assert!(
        matches!(&failure.error, UnlockError::Damaged { file, .. } if file == "journal/00000001.journal"),
        "{:?}",
        failure.error
    );
    assert_eq!(failure.error.kind(), ErrorKind::Damaged);
    assert!(failure.error.to_string().contains(record), "{}", failure.error);
    assert_eq!(fingerprint(&fx.dir), before, "nothing was written");
}

#[test]
fn a_torn_last_record_is_moved_aside_not_cut_in_place_and_reported() {
    let (fx, path, whole) = two_records();
    // A crash in the middle of appending a third record.
    let tail = whole[..whole.len() / 3].to_vec();
    let mut torn = whole.clone();
    torn.extend_from_slice(&tail);
    fs::write(&path, &torn).expect("write");
    // A second name for the journal's file shows whether the file itself was cut.
    let link = fx.scratch("journal-link");
    fs::hard_link(&path, &link).expect("link");
    let mut vault = fx.unlock();
    assert_eq!(
        vault.notices(),
        &[Notice::TornTail {
            journal: "journal/00000001.journal".into(),
            moved_to: "journal/00000001.torn-1".into(),
            bytes: tail.len() as u64
        }]
    );
    assert_eq!(vault.torn_tail_dropped(), tail.len() as u64);
    assert!(vault.notices()[0].to_string().contains("moved aside to journal/00000001.torn-1"));
    assert_eq!(case_names(&vault).len(), 2);
    assert_eq!(fs::read(&path).expect("journal"), whole, "the journal holds its whole records");
    assert_eq!(fs::read(fx.dir.join("journal/00000001.torn-1")).expect("moved"), tail, "the tail is kept aside");
    assert_eq!(fs::read(&link).expect("link"), torn, "the journal file was never truncated in place");
    add_case(&mut vault, "c3", "Spruce");
    drop(vault);
    let vault = fx.unlock();
    assert!(vault.notices().is_empty());
    assert_eq!(case_names(&vault).len(), 3);
}

#[test]
fn a_flipped_byte_in_the_last_records_end_line_is_refused_not_dropped() {
    for offset in [0, 10, END.len() - 1] {
        let (fx, path, mut whole) = two_records();
        let end = whole.windows(END.len()).rposition(|w| w == END).expect("last END line");
        whole[end + offset] ^= 0x01;
        fs::write(&path, &whole).expect("write");
        refused_as_damage(&fx, "record 2");
    }
}

#[test]
fn bytes_after_the_last_record_that_no_crash_leaves_are_refused() {
    for junk in [&b"garbage\n"[..], b"-----BEGIN AGE ENCRYPTED FILE-----\nnot base64 at all!\n"] {
        let (fx, path, mut whole) = two_records();
        whole.extend_from_slice(junk);
        fs::write(&path, &whole).expect("write");
        refused_as_damage(&fx, "record 3");
    }
}
