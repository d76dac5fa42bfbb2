//! Issue 11: every forgery and hostile input the issue lists, sent to a real vault through `preview_bundle` and
//! `import_bundle`: each is refused with a message that says what was wrong, and the vault folder stays
//! byte-identical (`crate::common::fingerprint`); the intact bundle still applies afterwards, so each refusal is
//! the forgery's doing. Bundle-level checks of the same items (each `ReadError` variant) are in bundle_file.rs.
//!
//! | the issue's item | test (this module unless named) |
//! |---|---|
//! | unsigned | `forgeries_are_refused_and_change_nothing` ("unsigned"); `bundle_file::forgeries_are_each_refused_with_their_own_error` |
//! | signed by another key | `forgeries_are_refused_and_change_nothing` ("another key") |
//! | signature swapped from another bundle | `forgeries_are_refused_and_change_nothing` ("swapped signature") |
//! | a card signature reused as a manifest signature | `forgeries_are_refused_and_change_nothing` ("card signature") |
//! | content altered and re-encrypted by a co-recipient | `forgeries_are_refused_and_change_nothing` ("altered payload", "altered manifest") |
//! | recipients list altered | `forgeries_are_refused_and_change_nothing` ("recipients altered") |
//! | re-encrypted to someone not addressed | `forgeries_are_refused_and_change_nothing` ("forwarded") |
//! | 10,000 stanzas; an absurd scrypt work factor (bounded time) | `hostile_headers_are_refused_before_decryption_and_change_nothing`; `bundle_file::hostile_headers_are_refused_before_any_work`; `header::tests` |
//! | truncation and bit flips at many offsets | `truncations_and_bit_flips_are_refused_and_change_nothing` (proptest, 64 cases over the golden co-facilitator bundle); `bundle_import::truncated_or_bit_flipped_bundles_are_refused_with_the_vault_byte_identical` (48 fixed offsets); `bundle_file::truncation_and_bit_flips_anywhere_are_refused` |
//! | deeply nested manifest JSON | `oversize_and_nested_content_is_refused_and_changes_nothing` ("nested manifest", "nested field") |
//! | huge field values | `oversize_and_nested_content_is_refused_and_changes_nothing` ("huge manifest field", "huge payload field") |
//! | too many cases | `oversize_and_nested_content_is_refused_and_changes_nothing` ("1001 cases") |
//! | too many rows | `too_many_rows_are_refused_by_the_payload_cap` (the 500 MiB cap, lowered to keep the test small) |
//! | not SQLite | `malformed_payloads_are_refused_and_change_nothing` ("not sqlite") |
//! | extra tables, triggers, views (and indexes) | `malformed_payloads_are_refused_and_change_nothing`; `payload::tests::extra_tables_triggers_views_and_other_databases_are_refused` |
//! | wrong types | `malformed_payloads_are_refused_and_change_nothing` ("unknown stage", "not a time"); the tables are `STRICT` |
//! | unlisted case | `malformed_payloads_are_refused_and_change_nothing` ("unlisted case", "listed, absent"); `bundle_preview::a_preview_applies_nothing_and_unlisted_cases_are_refused` |
//! | dangling references | `malformed_payloads_are_refused_and_change_nothing` ("dangling") |
//! | path traversal or links in the tar | `hostile_tars_are_refused_and_change_nothing`; `bundle_file::the_tar_is_read_strictly` |

use std::str::FromStr;

use age::x25519;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use circlebook_core::bundle::file::{self, Audience, Contents, Limits, ReadError, Seal};
use circlebook_core::bundle::{payload, ContactCard, SigningIdentity};
use circlebook_core::model::{ops, ModelError};
use circlebook_core::{SecretString, UnlockedVault};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::json;
use sha2::Digest;

use crate::bundle_consent::ctx;
use crate::common::{fingerprint, Fixture};

const CASE_ID: &str = "0192f0c0-0000-7000-8000-0000000000c1";
const DOMAIN: &[u8] = b"circlebook bundle manifest v1\n";

fn case_row(code_name: &str) -> String {
    format!(
        "INSERT INTO cases(id, code_name, created_at, updated_at)
           VALUES('{CASE_ID}', '{code_name}', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
    )
}

/// Bea's vault (the target), Ana (a verified contact who sends), Cy (a co-recipient), Eve (never addressed).
struct Target {
    fx: Fixture,
    vault: UnlockedVault,
    bea: String,
    ana: SigningIdentity,
    cy: x25519::Identity,
    eve: x25519::Identity,
    files: usize,
}

impl Target {
    fn new() -> Target {
        let (fx, mut vault) = Fixture::new();
        let ana = SigningIdentity::derive(&x25519::Identity::generate());
        let card = ContactCard::write(&ana, "Ana").expect("card");
        ops::call("add_contact", &mut vault, &ctx(), json!({ "card": card, "verified": true })).expect("add");
        let me = ops::call("get_identity", &mut vault, &ctx(), json!({})).expect("me");
        let bea = me["recipient"].as_str().expect("recipient").to_owned();
        vault.save().expect("save");
        Target { fx, vault, bea, ana, cy: x25519::Identity::generate(), eve: x25519::Identity::generate(), files: 0 }
    }

    fn to_bea_and_cy(&self) -> Vec<String> {
        vec![self.bea.clone(), self.cy.to_public().to_string()]
    }

    /// A bundle signed by `signer` listing `case_ids`, its payload filled by `fill`.
    fn bundle(&self, signer: &SigningIdentity, case_ids: &[&str], fill: &str, to: Vec<String>) -> Vec<u8> {
        self.bundle_with_id(signer, case_ids, fill, to, "0192f0c0-0000-7000-8000-0000000000b1")
    }

    fn bundle_with_id(
        &self,
        signer: &SigningIdentity,
        case_ids: &[&str],
        fill: &str,
        to: Vec<String>,
        id: &str,
    ) -> Vec<u8> {
        let mut db = payload::create().expect("payload");
        db.execute_batch(fill).expect(fill);
        let contents = Contents {
            bundle_id: id.to_owned(),
            created_at: "2026-03-01T10:00:00Z".parse().expect("time"),
            audience: Audience::CoFacilitator,
            case_ids: case_ids.iter().map(|s| (*s).to_owned()).collect(),
        };
        file::write(signer, &contents, &mut db, &Seal::Recipients(to)).expect("bundle")
    }

    /// The intact bundle: Ana sends case Birch to Bea and Cy.
    fn good(&self) -> Vec<u8> {
        self.bundle(&self.ana, &[CASE_ID], &case_row("Birch"), self.to_bea_and_cy())
    }

    /// Previews and imports `bytes` (accepting any signer, so that trust is never the reason): both refuse, the
    /// vault folder is byte-identical; returns the import's message.
    fn refused(&mut self, what: &str, bytes: &[u8]) -> String {
        self.files += 1;
        let path = self.fx.scratch(&format!("hostile-{}.cbb", self.files));
        std::fs::write(&path, bytes).expect("write");
        let path = path.to_str().expect("utf8").to_owned();
        let before = fingerprint(&self.fx.dir);
        let preview = ops::call("preview_bundle", &mut self.vault, &ctx(), json!({ "path": path }));
        if let Ok(preview) = &preview {
            assert_eq!(preview["would_apply"], false, "{what}: the preview would apply it: {preview}");
        }
        let import =
            ops::call("import_bundle", &mut self.vault, &ctx(), json!({ "path": path, "accept_unknown_signer": true }));
        assert_eq!(fingerprint(&self.fx.dir), before, "{what}: the vault folder changed");
        let _ = std::fs::remove_file(&path);
        match import {
            Err(ModelError::Invalid(message)) | Err(ModelError::NotAllowed(message)) => {
                assert!(!message.is_empty(), "{what}");
                message
            }
            other => panic!("{what}: not refused: {other:?}"),
        }
    }

    /// Each (what, bytes, words the refusal must contain) refused, then the intact bundle applies.
    fn all_refused(&mut self, cases: Vec<(&str, Vec<u8>, &str)>) {
        for (what, bytes, words) in cases {
            let message = self.refused(what, &bytes);
            assert!(message.contains(words), "{what}: {message:?} does not say {words:?}");
        }
        self.intact_still_applies();
    }

    fn intact_still_applies(&mut self) {
        let path = self.fx.scratch("intact.cbb");
        std::fs::write(&path, self.good()).expect("write");
        let done = ops::call("import_bundle", &mut self.vault, &ctx(), json!({ "path": path.to_str().expect("utf8") }))
            .expect("the intact bundle applies");
        assert_eq!(done["cases"][0]["code_name"], "Birch");
    }
}

fn decrypt(bytes: &[u8], who: &x25519::Identity) -> Vec<u8> {
    let d = age::Decryptor::new_buffered(bytes).expect("age");
    let mut r = d.decrypt(std::iter::once(who as &dyn age::Identity)).expect("decrypt");
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

/// A tar entry: raw name, type, link target, data.
type Entry<'a> = (&'a str, tar::EntryType, &'a str, &'a [u8]);

/// A tar of these entries.
fn tar_of(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, kind, link, data) in entries {
        let mut h = tar::Header::new_ustar();
        h.as_mut_bytes()[..name.len()].copy_from_slice(name.as_bytes());
        if !link.is_empty() {
            h.as_mut_bytes()[157..157 + link.len()].copy_from_slice(link.as_bytes());
        }
        h.set_size(data.len() as u64);
        h.set_mode(0o600);
        h.set_entry_type(*kind);
        h.set_cksum();
        b.append(&h, *data).expect("append");
    }
    b.into_inner().expect("tar")
}

fn regular(parts: &[(String, Vec<u8>)]) -> Vec<Entry<'_>> {
    parts.iter().map(|(n, d)| (n.as_str(), tar::EntryType::Regular, "", d.as_slice())).collect()
}

/// What a co-recipient (Cy) can do: open the bundle, change its parts, and encrypt it again to `to`.
fn tamper(bytes: &[u8], cy: &x25519::Identity, to: &[String], f: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let mut parts = untar(&decrypt(bytes, cy));
    f(&mut parts);
    encrypt(&tar_of(&regular(&parts)), to)
}

fn sig_line(sig: [u8; 64]) -> Vec<u8> {
    format!("{}\n", URL_SAFE_NO_PAD.encode(sig)).into_bytes()
}

/// A bundle to Bea whose manifest.json is `manifest` (signed by `signer`) and payload `payload`, as given.
fn signed_parts(signer: &SigningIdentity, manifest: &[u8], payload: &[u8], to: &[String]) -> Vec<u8> {
    let sig = sig_line(signer.sign(DOMAIN, manifest));
    let parts = vec![
        ("manifest.json".to_owned(), manifest.to_vec()),
        ("manifest.sig".to_owned(), sig),
        ("cases.sqlite".to_owned(), payload.to_vec()),
    ];
    encrypt(&tar_of(&regular(&parts)), to)
}

#[test]
fn forgeries_are_refused_and_change_nothing() {
    let mut t = Target::new();
    let both = t.to_bea_and_cy();
    let good = t.good();
    let cy = t.cy.clone();
    let eve_signer = SigningIdentity::derive(&t.eve);
    let mut cases = Vec::new();

    cases.push(("unsigned", tamper(&good, &cy, &both, |p| p.retain(|(n, _)| n != "manifest.sig")), "not signed"));
    // Eve signs the manifest that still names Ana.
    let other_key = tamper(&good, &cy, &both, |p| p[1].1 = sig_line(eve_signer.sign(DOMAIN, &p[0].1)));
    cases.push(("another key", other_key, "signature does not match"));
    // Ana's signature from another of her bundles.
    let other =
        t.bundle_with_id(&t.ana, &[CASE_ID], &case_row("Birch"), both.clone(), "0192f0c0-0000-7000-8000-0000000000b2");
    let other_sig = untar(&decrypt(&other, &cy)).remove(1).1;
    cases.push(("swapped signature", tamper(&good, &cy, &both, |p| p[1].1 = other_sig), "signature does not match"));
    // Ana's card's self-signature presented as the manifest's.
    let card = ContactCard::write(&t.ana, "Ana").expect("card");
    let card_sig = card.rsplit(' ').next().expect("sig").to_owned();
    let reused = tamper(&good, &cy, &both, |p| p[1].1 = format!("{card_sig}\n").into_bytes());
    cases.push(("card signature", reused, "signature does not match"));
    // Cy changes the payload (a case renamed) and encrypts it again to Bea and herself.
    let altered = tamper(&good, &cy, &both, |p| {
        let mut db = payload::create().expect("db");
        db.execute_batch(&case_row("Forged")).expect("row");
        p[2].1 = payload::to_bytes(&mut db).expect("bytes").to_vec();
    });
    cases.push(("altered payload", altered, "does not match its signed manifest"));
    // Cy changes the manifest to match her payload: the signature no longer fits.
    let altered_manifest = tamper(&good, &cy, &both, |p| {
        let mut db = payload::create().expect("db");
        db.execute_batch(&case_row("Forged")).expect("row");
        let bytes = payload::to_bytes(&mut db).expect("bytes").to_vec();
        let mut m: serde_json::Value = serde_json::from_slice(&p[0].1).expect("json");
        m["payload"] = json!({ "size": bytes.len(), "sha256": hex(&sha2::Sha256::digest(&bytes)) });
        p[0].1 = serde_json::to_vec_pretty(&m).expect("json");
        p[2].1 = bytes;
    });
    cases.push(("altered manifest", altered_manifest, "signature does not match"));
    // The recipients list changed (Cy swaps herself for Eve).
    let relisted = tamper(&good, &cy, &both, |p| {
        let text = String::from_utf8(p[0].1.clone()).expect("json");
        p[0].1 = text.replace(&cy.to_public().to_string(), &t.eve.to_public().to_string()).into_bytes();
    });
    cases.push(("recipients altered", relisted, "signature does not match"));
    // Ana sent it to Cy alone; Cy forwards it, unchanged inside, to Bea.
    let to_cy = t.bundle(&t.ana, &[CASE_ID], &case_row("Birch"), vec![cy.to_public().to_string()]);
    let forwarded = tamper(&to_cy, &cy, std::slice::from_ref(&t.bea), |_| {});
    cases.push(("forwarded", forwarded, "not addressed to this vault"));
    // Not for Bea at all.
    let to_eve = t.bundle(&t.ana, &[CASE_ID], &case_row("Birch"), vec![t.eve.to_public().to_string()]);
    cases.push(("encrypted to someone else", to_eve, "not encrypted to this vault"));
    t.all_refused(cases);
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn hostile_headers_are_refused_before_decryption_and_change_nothing() {
    let mut t = Target::new();
    let good = t.good();
    // 10,000 stanzas before the real ones: refused by counting, before a single X25519 unwrap.
    let after_magic = b"age-encryption.org/v1\n".len();
    let stanza = format!("-> X25519 {}\n{}\n", URL_SAFE_NO_PAD.encode([7u8; 32]), URL_SAFE_NO_PAD.encode([9u8; 32]));
    let mut many = good[..after_magic].to_vec();
    many.extend(stanza.repeat(10_000).into_bytes());
    many.extend_from_slice(&good[after_magic..]);
    // A passphrase stanza asking for 2^40 scrypt: refused before any scrypt.
    let mut db = payload::create().expect("payload");
    db.execute_batch(&case_row("Birch")).expect("row");
    let contents = Contents {
        bundle_id: "0192f0c0-0000-7000-8000-0000000000b3".into(),
        created_at: "2026-03-01T10:00:00Z".parse().expect("time"),
        audience: Audience::CoFacilitator,
        case_ids: vec![CASE_ID.into()],
    };
    let pass = SecretString::from("quiet harbour lantern seven".to_owned());
    let scrypt = file::write(&t.ana, &contents, &mut db, &Seal::Passphrase(pass)).expect("bundle");
    // The factor ends its line; the salt before it may itself begin with "18" (one salt in 4,096).
    let at = scrypt.windows(4).position(|w| w == b" 18\n").expect("work factor");
    let mut absurd = scrypt[..at].to_vec();
    absurd.extend_from_slice(b" 40");
    absurd.extend_from_slice(&scrypt[at + 3..]);
    t.all_refused(vec![
        ("10,000 stanzas", many, "refused before decryption"),
        ("scrypt 2^40", absurd, "refused before decryption"),
        ("not age at all", b"PK\x03\x04 a zip file".to_vec(), "refused before decryption"),
    ]);
}

#[test]
fn hostile_tars_are_refused_and_change_nothing() {
    let mut t = Target::new();
    let me = [t.bea.clone()];
    let parts = untar(&decrypt(&t.good(), &t.cy));
    let (m, s, p) = (parts[0].1.as_slice(), parts[1].1.as_slice(), parts[2].1.as_slice());
    use tar::EntryType::{Directory, Link, Regular, Symlink};
    let layouts: Vec<(&str, Vec<Entry<'_>>)> = vec![
        (
            "../ traversal",
            vec![
                ("manifest.json", Regular, "", m),
                ("manifest.sig", Regular, "", s),
                ("../cases.sqlite", Regular, "", p),
            ],
        ),
        (
            "absolute path",
            vec![
                ("manifest.json", Regular, "", m),
                ("manifest.sig", Regular, "", s),
                ("/cases.sqlite", Regular, "", p),
            ],
        ),
        (
            "symlink",
            vec![
                ("manifest.json", Regular, "", m),
                ("manifest.sig", Regular, "", s),
                ("cases.sqlite", Symlink, "/etc/passwd", &[]),
            ],
        ),
        (
            "hard link",
            vec![
                ("manifest.json", Regular, "", m),
                ("manifest.sig", Regular, "", s),
                ("cases.sqlite", Link, "manifest.json", &[]),
            ],
        ),
        (
            "folder",
            vec![
                ("manifest.json", Regular, "", m),
                ("manifest.sig", Regular, "", s),
                ("cases.sqlite", Directory, "", &[]),
            ],
        ),
        (
            "extra entry",
            vec![
                ("manifest.json", Regular, "", m),
                ("manifest.sig", Regular, "", s),
                ("cases.sqlite", Regular, "", p),
                ("x", Regular, "", b"x"),
            ],
        ),
    ];
    let cases =
        layouts.into_iter().map(|(what, entries)| (what, encrypt(&tar_of(&entries), &me), "malformed")).collect();
    t.all_refused(cases);
}

#[test]
fn oversize_and_nested_content_is_refused_and_changes_nothing() {
    let mut t = Target::new();
    let me = [t.bea.clone()];
    let good = t.good();
    let parts = untar(&decrypt(&good, &t.cy));
    let (manifest, payload_bytes) = (String::from_utf8(parts[0].1.clone()).expect("json"), parts[2].1.clone());
    // 100,000 nested arrays, validly signed by Ana: refused by the parser's depth limit, no stack overflow.
    let depth = 100_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let nested_field =
        manifest.replace("\"cases\": 1", &format!("\"cases\": {}1{}", "[".repeat(depth), "]".repeat(depth)));
    assert_ne!(nested_field, manifest);
    // A 2 MiB bundle id (the manifest is capped at 1 MiB).
    let huge_id = "f".repeat(2 * 1024 * 1024);
    let huge_manifest = t.bundle_with_id(&t.ana, &[CASE_ID], &case_row("Birch"), me.to_vec(), &huge_id);
    // A 17 MB code name (a payload value is capped at 16 MiB).
    let huge_value = t.bundle(
        &t.ana,
        &[CASE_ID],
        &format!(
            "INSERT INTO cases(id, code_name, created_at, updated_at)
               VALUES('{CASE_ID}', replace(hex(zeroblob(8500000)), '0', 'x'), '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"
        ),
        me.to_vec(),
    );
    // 1001 cases listed (the cap is 1000), before the payload is opened.
    let many: Vec<String> = (0..1001).map(|i| format!("0192f0c0-0000-7000-8000-{i:012}")).collect();
    let many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
    let too_many = t.bundle(&t.ana, &many_refs, &case_row("Birch"), me.to_vec());
    t.all_refused(vec![
        ("nested manifest", signed_parts(&t.ana, nested.as_bytes(), &payload_bytes, &me), "malformed"),
        ("nested field", signed_parts(&t.ana, nested_field.as_bytes(), &payload_bytes, &me), "malformed"),
        ("huge manifest field", huge_manifest, "too large"),
        ("huge payload field", huge_value, "larger than a bundle may hold"),
        ("1001 cases", too_many, "too large"),
    ]);
}

/// The payload is capped (500 MiB by default, checked on the tar entry's size before it is read); the cap is
/// lowered here so that a bundle of 3,000 notes stands for one with too many rows.
#[test]
fn too_many_rows_are_refused_by_the_payload_cap() {
    let t = Target::new();
    let mut fill = case_row("Birch");
    fill.push_str(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
         INSERT INTO notes(id, case_id, body, created_at) SELECT 'note-' || i, '{CASE_ID}', 'words', '2026-01-01T00:00:00Z' FROM n;"
    ));
    let bytes = t.bundle(&t.ana, &[CASE_ID], &fill, vec![t.bea.clone()]);
    let bea = x25519::Identity::from_str(t.fx.key.expose()).expect("identity");
    let small = Limits { max_payload_bytes: 256 * 1024, ..Limits::default() };
    let refused = file::read(&bytes, file::Key::Identity(&bea), &|_| None, &small);
    assert!(matches!(refused, Err(ReadError::TooLarge { what: "an entry", .. })), "{refused:?}");
    file::read(&bytes, file::Key::Identity(&bea), &|_| None, &Limits::default()).expect("within the default cap");
}

#[test]
fn malformed_payloads_are_refused_and_change_nothing() {
    let mut t = Target::new();
    let me = [t.bea.clone()];
    let case = case_row("Birch");
    let with = |extra: &str| format!("{case}{extra}");
    let junk = b"this is not an SQLite database, only words".to_vec();
    let manifest = {
        let parts = untar(&decrypt(&t.good(), &t.cy));
        let mut m: serde_json::Value = serde_json::from_slice(&parts[0].1).expect("json");
        m["recipients"] = json!(me);
        m["payload"] = json!({ "size": junk.len(), "sha256": hex(&sha2::Sha256::digest(&junk)) });
        serde_json::to_vec_pretty(&m).expect("json")
    };
    let ana = &t.ana;
    let b = |fill: &str, listed: &[&str]| t.bundle(ana, listed, fill, me.to_vec());
    let cases = vec![
        ("not sqlite", signed_parts(ana, &manifest, &junk, &me), "not an SQLite database"),
        ("extra table", b(&with("CREATE TABLE extra(x TEXT);"), &[CASE_ID]), "expected tables"),
        ("trigger", b(&with("CREATE TRIGGER t AFTER INSERT ON notes BEGIN DELETE FROM cases; END;"), &[CASE_ID]), "expected tables"),
        ("view", b(&with("CREATE VIEW v AS SELECT * FROM cases;"), &[CASE_ID]), "expected tables"),
        ("index", b(&with("CREATE INDEX i ON cases(code_name);"), &[CASE_ID]), "expected tables"),
        ("unknown stage", b(&with(&format!("UPDATE cases SET stage = 'wizard' WHERE id = '{CASE_ID}';")), &[CASE_ID]), "cannot read"),
        ("not a time", b(&with(&format!("UPDATE cases SET created_at = 'yesterday' WHERE id = '{CASE_ID}';")), &[CASE_ID]), "cannot read"),
        (
            "unlisted case",
            b(&with("INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('0192f0c0-0000-7000-8000-0000000000c2', 'Hidden', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');"), &[CASE_ID]),
            "does not list",
        ),
        ("listed, absent", b(&case, &[CASE_ID, "0192f0c0-0000-7000-8000-0000000000c2"]), "does not hold"),
        (
            "rows of no listed case",
            b(&with("PRAGMA foreign_keys = OFF; INSERT INTO notes(id, case_id, body, created_at) VALUES('n1', 'elsewhere', 'x', '2026-01-01T00:00:00Z');"), &[CASE_ID]),
            "refer to records",
        ),
        (
            "dangling",
            b(&with(&format!("PRAGMA foreign_keys = OFF; INSERT INTO notes(id, case_id, body, created_at, participant_id) VALUES('n1', '{CASE_ID}', 'x', '2026-01-01T00:00:00Z', 'nobody');")), &[CASE_ID]),
            "refer to records",
        ),
    ];
    t.all_refused(cases);
}

/// A proptest over a real bundle (the golden co-facilitator's, written by `export_bundle`) in a fresh vault of its
/// recipient: each random truncation or bit flip is previewed and imported; every outcome is a refusal with a
/// message (or, for the intact bytes, the original result), never a panic, and the vault folder stays
/// byte-identical. Then the intact bundle imports exactly as `expected.json` records.
#[test]
fn truncations_and_bit_flips_are_refused_and_change_nothing() {
    use crate::bundle_golden::{at, data, expected, fresh_recipient};
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("vault");
    let ctx = at();
    let vault = std::cell::RefCell::new(fresh_recipient(&dir, &ctx));
    let good = std::fs::read(data().join("co-facilitator.cbb")).expect("golden");
    let scratch = tmp.path().join("hostile.cbb");
    let path = scratch.to_str().expect("utf8").to_owned();
    let before = fingerprint(&dir);
    let tried = std::cell::Cell::new(0);
    let mut runner = TestRunner::new(Config { cases: 64, failure_persistence: None, ..Config::default() });
    runner
        .run(&(any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..8), |(cut, flip, bit)| {
            let mut vault = vault.borrow_mut();
            let mut flipped = good.clone();
            flipped[flip.index(good.len())] ^= 1 << bit;
            let cut = good[..cut.index(good.len())].to_vec();
            for bytes in [flipped, cut] {
                std::fs::write(&scratch, &bytes).expect("write");
                let preview = ops::call("preview_bundle", &mut vault, &ctx, json!({ "path": path }));
                let import = ops::call(
                    "import_bundle",
                    &mut vault,
                    &ctx,
                    json!({ "path": path, "accept_unknown_signer": true }),
                );
                for outcome in [preview, import] {
                    match outcome {
                        Err(ModelError::Invalid(m)) | Err(ModelError::NotAllowed(m)) => prop_assert!(!m.is_empty()),
                        other => prop_assert!(false, "not refused: {:?}", other),
                    }
                }
                prop_assert!(fingerprint(&dir) == before, "the vault folder changed");
                tried.set(tried.get() + 1);
            }
            Ok(())
        })
        .expect("every truncation and bit flip refused, the vault byte-identical");
    assert_eq!(tried.get(), 128, "64 cases of a truncation and a bit flip each");
    let path = data().join("co-facilitator.cbb");
    let done = ops::call("import_bundle", &mut vault.borrow_mut(), &ctx, json!({ "path": path })).expect("import");
    assert_eq!(done, expected()["co-facilitator.cbb"]["import"], "the intact bundle's original result");
}
