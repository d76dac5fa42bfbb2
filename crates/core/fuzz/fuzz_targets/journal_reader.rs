//! The journal reader: any bytes as a journal file either are refused or give records that each carry a valid tag
//! chained to the one before (the first to the snapshot's seal); it never panics. A record without a valid MAC is
//! never accepted (checked here independently of the reader). The seeds are real journals of one, two and three
//! records (`seeds/journal_reader/`, written by `FUZZ_WRITE_SEEDS=DIR`), so mutations reach decryption and the
//! tag check, not only the armor parser.
#![no_main]

use std::sync::OnceLock;

use circlebook_core::vault::fuzzing::JournalFixture;
use libfuzzer_sys::fuzz_target;

fn fixture() -> &'static JournalFixture {
    static FIXTURE: OnceLock<JournalFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let fixture = JournalFixture::default();
        // The fixture's key is fixed, so seeds written once stay valid: `FUZZ_WRITE_SEEDS=fuzz/seeds/journal_reader
        // cargo fuzz run -s none journal_reader -- -runs=1` rewrites them.
        if let Some(dir) = std::env::var_os("FUZZ_WRITE_SEEDS") {
            let bodies = [
                "BEGIN;\nINSERT INTO \"cases\"(\"id\") VALUES('c1');\nCOMMIT;\n",
                "BEGIN;\nPRAGMA defer_foreign_keys=ON;\nUPDATE \"consents\" SET \"decision\"='withdrawn' WHERE \"id\"='k';\nCOMMIT;\n",
                "BEGIN;\nDELETE FROM \"notes\" WHERE \"id\"='n';\nCOMMIT;\n",
            ];
            let mut journal = Vec::new();
            let mut previous = None;
            for (i, body) in bodies.iter().enumerate() {
                let (bytes, tag) = fixture.record(i as u64 + 1, previous.as_ref(), body);
                journal.extend_from_slice(&bytes);
                previous = Some(tag);
                std::fs::write(std::path::Path::new(&dir).join(format!("journal-{}", i + 1)), &journal)
                    .expect("a seed");
            }
            let torn = journal.len() - 100;
            std::fs::write(std::path::Path::new(&dir).join("journal-torn"), &journal[..torn]).expect("a seed");
        }
        fixture
    })
}

fuzz_target!(|bytes: &[u8]| {
    let fixture = fixture();
    let Ok(records) = fixture.read(bytes) else { return };
    let mut previous = None;
    for (i, text) in records.iter().enumerate() {
        match fixture.valid_tag(i as u64 + 1, previous.as_ref(), text) {
            Some(tag) => previous = Some(tag),
            None => panic!("record {} was accepted without a valid MAC: {text:?}", i + 1),
        }
    }
});
