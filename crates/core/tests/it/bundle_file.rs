//! Issue 11: the bundle file. Round trips, the verification order, and every forgery the design lists refused
//! with its own error; hostile age headers refused before any work; the tar read strictly; real-tool interop.

use std::process::Command;
use std::str::FromStr;

use age::x25519;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use circlebook_core::bundle::file::{self, Audience, Contents, Key, Limits, Opened, ReadError, Seal, Signer};
use circlebook_core::bundle::header::{HeaderError, HeaderLimits};
use circlebook_core::bundle::{payload, PublicKey, SigningIdentity};
use circlebook_core::SecretString;
use proptest::prelude::*;

use crate::common::{run, sqlite};

struct Party {
    identity: x25519::Identity,
    signing: SigningIdentity,
}

impl Party {
    fn new() -> Party {
        let identity = x25519::Identity::generate();
        let signing = SigningIdentity::derive(&identity);
        Party { identity, signing }
    }
    fn recipient(&self) -> String {
        self.identity.to_public().to_string()
    }
    fn key(&self) -> Key<'_> {
        Key::Identity(&self.identity)
    }
}

fn contents() -> Contents {
    Contents {
        bundle_id: "0192f0c0-0000-7000-8000-000000000001".into(),
        created_at: "2026-03-01T10:00:00Z".parse().expect("time"),
        audience: Audience::CoFacilitator,
        case_ids: vec!["case-1".into()],
    }
}

fn bundle(from: &Party, seal: &Seal) -> Vec<u8> {
    let mut db = payload::create().expect("payload");
    db.execute(
        "INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('case-1', 'Willow', '2026-01-01', '2026-01-01')",
        [],
    )
    .expect("case");
    file::write(&from.signing, &contents(), &mut db, seal).expect("write")
}

fn to(parties: &[&Party]) -> Seal {
    Seal::Recipients(parties.iter().map(|p| p.recipient()).collect())
}

fn nobody(_: &PublicKey) -> Option<(String, bool)> {
    None
}

fn read(bytes: &[u8], key: Key<'_>) -> Result<Opened, ReadError> {
    file::read(bytes, key, &nobody, &Limits::default())
}

fn decrypt(bytes: &[u8], who: &Party) -> Vec<u8> {
    let d = age::Decryptor::new_buffered(bytes).expect("age");
    let mut r = d.decrypt(std::iter::once(&who.identity as &dyn age::Identity)).expect("decrypt");
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut r, &mut out).expect("read");
    out
}

fn encrypt(plain: &[u8], recipients: &[String]) -> Vec<u8> {
    let rs: Vec<x25519::Recipient> = recipients.iter().map(|r| x25519::Recipient::from_str(r).expect("r")).collect();
    let e = age::Encryptor::with_recipients(rs.iter().map(|r| r as &dyn age::Recipient)).expect("enc");
    let mut out = Vec::new();
    let mut w = e.wrap_output(&mut out).expect("wrap");
    std::io::Write::write_all(&mut w, plain).expect("write");
    w.finish().expect("finish");
    out
}

fn untar(tar_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = tar::Archive::new(tar_bytes);
    a.entries()
        .expect("entries")
        .map(|e| {
            let mut e = e.expect("entry");
            let name = e.path().expect("path").to_string_lossy().into_owned();
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut e, &mut data).expect("data");
            (name, data)
        })
        .collect()
}

fn retar(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in entries {
        let mut h = tar::Header::new_ustar();
        h.as_mut_bytes()[..name.len()].copy_from_slice(name.as_bytes());
        h.set_size(data.len() as u64);
        h.set_mode(0o600);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        b.append(&h, *data).expect("append");
    }
    b.into_inner().expect("tar")
}

/// What a co-recipient can do: open the bundle, change its parts, and encrypt it again.
fn tamper(bytes: &[u8], who: &Party, to: &[String], f: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut parts = untar(&decrypt(bytes, who));
    f(&mut parts);
    let refs: Vec<(&str, &[u8])> = parts.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    encrypt(&retar(&refs), to)
}

#[test]
fn every_recipient_reads_it_and_the_signer_is_known_or_shown_by_fingerprint() {
    let (ana, bea, cy) = (Party::new(), Party::new(), Party::new());
    let bytes = bundle(&ana, &to(&[&bea, &cy]));
    for reader in [&bea, &cy] {
        let opened = read(&bytes, reader.key()).expect("opens");
        assert_eq!(opened.manifest.case_ids, ["case-1"]);
        assert_eq!(opened.manifest.recipients, [bea.recipient(), cy.recipient()]);
        assert_eq!(opened.manifest.row_counts["cases"], 1);
        assert_eq!(opened.signer, Signer::Unknown { fingerprint: ana.signing.fingerprint() });
        let name: String = opened.payload.query_row("SELECT code_name FROM cases", [], |r| r.get(0)).expect("row");
        assert_eq!(name, "Willow");
    }
    let known = |k: &PublicKey| (*k == ana.signing.public()).then(|| ("Ana".to_owned(), true));
    let opened = file::read(&bytes, bea.key(), &known, &Limits::default()).expect("opens");
    assert_eq!(opened.signer, Signer::Known { name: "Ana".into(), verified: true });
    assert!(matches!(read(&bytes, ana.key()), Err(ReadError::NotForUs)), "not encrypted to its own sender");
}

#[test]
fn a_passphrase_bundle_uses_scrypt_at_2_18_and_only_the_passphrase_opens_it() {
    let ana = Party::new();
    let pass = SecretString::from("quiet harbour lantern seven".to_owned());
    let bytes = bundle(&ana, &Seal::Passphrase(pass.clone()));
    let header = String::from_utf8_lossy(&bytes[..200]).into_owned();
    assert!(header.lines().any(|l| l.starts_with("-> scrypt ") && l.ends_with(" 18")), "{header}");
    let opened = read(&bytes, Key::Passphrase(&pass)).expect("opens");
    assert!(opened.manifest.passphrase && opened.manifest.recipients.is_empty());
    let wrong = SecretString::from("quiet harbour lantern eight".to_owned());
    assert!(matches!(read(&bytes, Key::Passphrase(&wrong)), Err(ReadError::NotForUs)));
    assert!(matches!(read(&bytes, ana.key()), Err(ReadError::NotForUs)));
}

#[test]
fn forgeries_are_each_refused_with_their_own_error() {
    let (ana, bea, cy, eve) = (Party::new(), Party::new(), Party::new(), Party::new());
    let both = [bea.recipient(), cy.recipient()];
    let bytes = bundle(&ana, &to(&[&bea, &cy]));

    // Unsigned: the signature removed.
    let unsigned = tamper(&bytes, &bea, &both, |p| p.retain(|(n, _)| n != "manifest.sig"));
    assert!(matches!(read(&unsigned, cy.key()), Err(ReadError::Unsigned)));

    // Signed by another key: the manifest still names Ana, Eve signs it.
    let other_key = tamper(&bytes, &bea, &both, |p| {
        let sig = eve.signing.sign(b"circlebook bundle manifest v1\n", &p[0].1);
        p[1].1 = format!("{}\n", URL_SAFE_NO_PAD.encode(sig)).into_bytes();
    });
    assert!(matches!(read(&other_key, cy.key()), Err(ReadError::BadSignature)));

    // Signature swapped in from another of Ana's bundles.
    let other_bundle = bundle(&ana, &to(&[&bea]));
    let other_sig = untar(&decrypt(&other_bundle, &bea)).remove(1).1;
    let swapped = tamper(&bytes, &bea, &both, |p| p[1].1 = other_sig);
    assert!(matches!(read(&swapped, cy.key()), Err(ReadError::BadSignature)));

    // A card's self-signature reused as a manifest signature.
    let card = circlebook_core::bundle::ContactCard::write(&ana.signing, "Ana").expect("card");
    let card_sig = card.rsplit(' ').next().expect("sig").to_owned();
    let reused = tamper(&bytes, &bea, &both, |p| p[1].1 = format!("{card_sig}\n").into_bytes());
    assert!(matches!(read(&reused, cy.key()), Err(ReadError::BadSignature)));

    // Content altered by a co-recipient and encrypted again to the same people.
    let altered = tamper(&bytes, &bea, &both, |p| {
        let mut db = payload::create().expect("db");
        db.execute("INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('case-1', 'Forged', 'x', 'x')", [])
            .expect("row");
        p[2].1 = payload::to_bytes(&mut db).expect("bytes").to_vec();
    });
    assert!(matches!(read(&altered, cy.key()), Err(ReadError::PayloadMismatch)));

    // The recipients list altered (Eve added) and the bundle sent to her.
    let relisted = tamper(&bytes, &bea, &[eve.recipient()], |p| {
        let text = String::from_utf8(p[0].1.clone()).expect("json");
        p[0].1 = text.replace(&cy.recipient(), &eve.recipient()).into_bytes();
    });
    assert!(matches!(read(&relisted, eve.key()), Err(ReadError::BadSignature)));

    // Re-encrypted as it is to someone it was not addressed to.
    let forwarded = tamper(&bytes, &bea, &[eve.recipient()], |_| {});
    assert!(matches!(read(&forwarded, eve.key()), Err(ReadError::NotAddressed)));

    // One changed byte in the manifest (a case id), signature kept.
    let one_byte = tamper(&bytes, &bea, &both, |p| {
        let text = String::from_utf8(p[0].1.clone()).expect("json");
        p[0].1 = text.replace("case-1", "case-2").into_bytes();
    });
    assert!(matches!(read(&one_byte, cy.key()), Err(ReadError::BadSignature)));
}

#[test]
fn hostile_headers_are_refused_before_any_work() {
    let (ana, bea) = (Party::new(), Party::new());
    let bytes = bundle(&ana, &to(&[&bea]));
    let text_end = bytes.windows(4).position(|w| w == b"\n---").expect("mac line") + 1;
    let stanza = format!("-> X25519 {}\n{}\n", URL_SAFE_NO_PAD.encode([7u8; 32]), URL_SAFE_NO_PAD.encode([9u8; 32]));
    let mut many = bytes[..text_end].to_vec();
    many.extend(stanza.repeat(10_000).into_bytes());
    many.extend_from_slice(&bytes[text_end..]);
    let refused = read(&many, bea.key());
    assert!(matches!(refused, Err(ReadError::Header(HeaderError::TooManyStanzas(32)))), "{refused:?}");
    // With room for any number of stanzas, the header's size still bounds the scan.
    let defaults = Limits::default();
    let roomy = Limits { header: HeaderLimits { max_stanzas: usize::MAX, ..defaults.header }, ..defaults };
    let refused = file::read(&many, bea.key(), &nobody, &roomy);
    assert!(matches!(refused, Err(ReadError::Header(HeaderError::TooLarge(_)))), "{refused:?}");

    let pass = SecretString::from("quiet harbour lantern seven".to_owned());
    let scrypt = bundle(&ana, &Seal::Passphrase(pass.clone()));
    let text = scrypt.clone();
    // The factor ends its line; the salt before it may itself begin with "18" (one salt in 4,096).
    let at = text.windows(4).position(|w| w == b" 18\n").expect("factor");
    let mut absurd = text[..at].to_vec();
    absurd.extend_from_slice(b" 40");
    absurd.extend_from_slice(&text[at + 3..]);
    let refused = read(&absurd, Key::Passphrase(&pass));
    assert!(
        matches!(refused, Err(ReadError::Header(HeaderError::ExcessiveWork { found: 40, max: 22 }))),
        "{refused:?}"
    );
    let small = Limits { max_file_bytes: 100, ..Limits::default() };
    assert!(matches!(file::read(&scrypt, Key::Passphrase(&pass), &nobody, &small), Err(ReadError::TooLarge { .. })));
}

#[test]
fn the_tar_is_read_strictly() {
    let (ana, bea) = (Party::new(), Party::new());
    let me = [bea.recipient()];
    let bytes = bundle(&ana, &to(&[&bea]));
    let parts = untar(&decrypt(&bytes, &bea));
    let (m, s, p) = (parts[0].1.as_slice(), parts[1].1.as_slice(), parts[2].1.as_slice());
    let cases: Vec<Vec<(&str, &[u8])>> = vec![
        vec![("manifest.json", m), ("manifest.sig", s), ("../cases.sqlite", p)],
        vec![("manifest.json", m), ("manifest.sig", s), ("/cases.sqlite", p)],
        vec![("manifest.json", m), ("manifest.sig", s), ("cases.sqlite", p), ("extra", b"x")],
        vec![("manifest.json", m), ("manifest.sig", s), ("cases.sqlite", p), ("cases.sqlite", p)],
        vec![("manifest.sig", s), ("manifest.json", m), ("cases.sqlite", p)],
        vec![("manifest.json", m)],
    ];
    for entries in cases {
        let forged = encrypt(&retar(&entries), &me);
        assert!(
            matches!(read(&forged, bea.key()), Err(ReadError::Malformed(_))),
            "{:?}",
            entries.iter().map(|e| e.0).collect::<Vec<_>>()
        );
    }
    // A symbolic link where the payload should be, and a folder.
    for kind in [tar::EntryType::Symlink, tar::EntryType::Directory, tar::EntryType::XHeader] {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in [("manifest.json", m), ("manifest.sig", s)] {
            let mut h = tar::Header::new_ustar();
            h.set_path(name).expect("path");
            h.set_size(data.len() as u64);
            h.set_cksum();
            b.append(&h, data).expect("append");
        }
        let mut h = tar::Header::new_ustar();
        h.set_path("cases.sqlite").expect("path");
        h.set_entry_type(kind);
        h.set_size(0);
        h.set_cksum();
        b.append(&h, &[][..]).expect("append");
        let forged = encrypt(&b.into_inner().expect("tar"), &me);
        assert!(matches!(read(&forged, bea.key()), Err(ReadError::Malformed(_))), "{kind:?}");
    }
    // Bytes after the archive's end.
    let mut trailing = decrypt(&bytes, &bea);
    trailing.extend_from_slice(b"hidden");
    assert!(matches!(read(&encrypt(&trailing, &me), bea.key()), Err(ReadError::Malformed(_))));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn truncation_and_bit_flips_anywhere_are_refused(cut in any::<prop::sample::Index>(), flip in any::<prop::sample::Index>(), bit in 0u8..8) {
        static FIXTURE: std::sync::OnceLock<(Party, Vec<u8>)> = std::sync::OnceLock::new();
        let (bea, bytes) = FIXTURE.get_or_init(|| {
            let bea = Party::new();
            let bytes = bundle(&Party::new(), &to(&[&bea]));
            (bea, bytes)
        });
        let cut = cut.index(bytes.len());
        prop_assert!(read(&bytes[..cut], bea.key()).is_err());
        let mut flipped = bytes.clone();
        flipped[flip.index(bytes.len())] ^= 1 << bit;
        prop_assert!(read(&flipped, bea.key()).is_err());
    }
}

#[test]
fn debians_age_tar_and_sqlite3_read_a_bundle() {
    let (ana, bea) = (Party::new(), Party::new());
    let bytes = bundle(&ana, &to(&[&bea]));
    let tmp = tempfile::tempdir().expect("tmp");
    let key = tmp.path().join("key.txt");
    std::fs::write(&key, format!("{}\n", secrecy::ExposeSecret::expose_secret(&bea.identity.to_string())))
        .expect("key");
    let file = tmp.path().join("bundle.cbb");
    std::fs::write(&file, &bytes).expect("bundle");
    let tar_path = tmp.path().join("bundle.tar");
    run(Command::new("age").arg("-d").arg("-i").arg(&key).arg("-o").arg(&tar_path).arg(&file));
    let listing = String::from_utf8(run(Command::new("tar").arg("tf").arg(&tar_path))).expect("utf8");
    assert_eq!(listing.lines().collect::<Vec<_>>(), ["manifest.json", "manifest.sig", "cases.sqlite"]);
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).expect("out");
    run(Command::new("tar").arg("xf").arg(&tar_path).arg("-C").arg(&out));
    assert_eq!(sqlite(&out.join("cases.sqlite"), "SELECT code_name FROM cases"), "Willow");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("m")).expect("json");
    assert_eq!(manifest["format"], "circlebook-bundle");
    assert_eq!(manifest["recipients"][0], bea.recipient());
}
