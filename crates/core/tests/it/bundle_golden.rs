//! Issue 11: golden bundles pin the format. `tests/data/bundles/` holds three bundles made once by
//! [`regenerate_golden_bundles`] (ignored; see that folder's README) from fixed inputs, signed by a committed test
//! sender and addressed to a committed test recipient (or a committed passphrase), with `expected.json`: each
//! bundle's manifest, its payload's records, and what preview and import give in a fresh vault. These tests fail
//! when today's code no longer reads yesterday's bundles exactly as recorded, when Debian's age, tar and sqlite3
//! no longer read them, or when the manifest's format tag and version differ from what docs/FORMAT.md states.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use age::x25519;
use circlebook_core::bundle::file::{self, Key, Limits};
use circlebook_core::bundle::{payload, ContactCard, SigningIdentity};
use circlebook_core::model::{ops, Ctx};
use circlebook_core::vault::UnlockOptions;
use circlebook_core::{SecretString, UnlockedVault, Vault};
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde_json::{json, Map, Value};

use crate::bundle_consent::ctx;
use crate::common::{fingerprint, pass, run, sqlite, FAST, PASSPHRASE};

/// The progress bundle's passphrase (test only, also in `test-passphrase.txt`).
const GOLDEN_PASSPHRASE: &str = "golden test passphrase lantern orchard";
/// The bundles, their audience and what opens them.
const GOLDENS: [(&str, &str); 3] =
    [("co-facilitator.cbb", "co-facilitator"), ("supervisor.cbb", "supervisor"), ("progress.cbb", "progress")];

pub fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/bundles")
}

fn identity(name: &str) -> x25519::Identity {
    let text = std::fs::read_to_string(data().join(name)).expect("test key");
    let line = text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-")).expect("key line");
    x25519::Identity::from_str(line).expect("identity")
}

fn key_for<'a>(audience: &str, recipient: &'a x25519::Identity, passphrase: &'a SecretString) -> Key<'a> {
    if audience == "progress" {
        Key::Passphrase(passphrase)
    } else {
        Key::Identity(recipient)
    }
}

pub fn at() -> Ctx {
    Ctx::fixed("2026-03-02T10:00:00Z".parse().expect("time"), "golden")
}

/// Every row of every non-empty table of `tables`, as JSON objects, sorted: what "the same records" means.
fn records(conn: &Connection, tables: &[String]) -> Value {
    let mut out = Map::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).expect("prepare");
        let names: Vec<String> = stmt.column_names().map(str::to_owned).collect();
        let mut rows: Vec<Value> = stmt
            .query_map([], |r| {
                let mut row = Map::new();
                for (i, name) in names.iter().enumerate() {
                    let value = match r.get_ref(i)? {
                        ValueRef::Null => Value::Null,
                        ValueRef::Integer(n) => json!(n),
                        ValueRef::Real(x) => json!(x),
                        ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                        ValueRef::Blob(b) => json!(b.iter().map(|b| format!("{b:02x}")).collect::<String>()),
                    };
                    row.insert(name.clone(), value);
                }
                Ok(Value::Object(row))
            })
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        rows.sort_by_key(|r| r.to_string());
        if !rows.is_empty() {
            out.insert(table.clone(), Value::Array(rows));
        }
    }
    Value::Object(out)
}

/// High-water marks beside `dir`: every fresh vault of one identity is a vault of its own, not a rollback.
fn own_state(dir: &Path) -> UnlockOptions {
    let state = dir.with_extension("state");
    std::fs::create_dir_all(&state).expect("state dir");
    UnlockOptions { state_dir: Some(state), ..UnlockOptions::default() }
}

/// A fresh vault holding the committed recipient identity, the committed sender added as a verified contact.
pub fn fresh_recipient(dir: &Path, ctx: &Ctx) -> UnlockedVault {
    let (mut vault, _) =
        Vault::create_with_identity(dir, &pass(PASSPHRASE), FAST, identity("test-recipient.key"), &own_state(dir))
            .expect("vault");
    let card =
        ContactCard::write(&SigningIdentity::derive(&identity("test-sender.key")), "Golden sender").expect("card");
    ops::call("add_contact", &mut vault, ctx, json!({ "card": card, "verified": true })).expect("contact");
    vault.save().expect("save");
    vault
}

/// What a bundle gives today: its manifest and records, and, addressed to an identity, the preview and (for a
/// co-facilitator's) the import in a fresh vault with the vault's case records after it.
fn observe(path: &Path, audience: &str) -> Value {
    let (recipient, passphrase) = (identity("test-recipient.key"), SecretString::from(GOLDEN_PASSPHRASE.to_owned()));
    let bytes = std::fs::read(path).expect("bundle");
    let opened =
        file::read(&bytes, key_for(audience, &recipient, &passphrase), &|_| None, &Limits::default()).expect("reads");
    let tables = payload::case_tables(&opened.payload).expect("tables");
    let mut seen = json!({
        "manifest": serde_json::to_value(&opened.manifest).expect("manifest"),
        "records": records(&opened.payload, &tables),
    });
    if audience == "progress" {
        return seen;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let ctx = at();
    let mut vault = fresh_recipient(&tmp.path().join("vault"), &ctx);
    let path = path.to_str().expect("utf8");
    seen["preview"] = ops::call("preview_bundle", &mut vault, &ctx, json!({ "path": path })).expect("preview");
    let before = fingerprint(&tmp.path().join("vault"));
    let imported = ops::call("import_bundle", &mut vault, &ctx, json!({ "path": path }));
    if audience == "co-facilitator" {
        seen["import"] = imported.expect("import");
        let tables = payload::case_tables(vault.conn()).expect("tables");
        seen["vault_records"] = records(vault.conn(), &tables);
    } else {
        // A supervisor's copy is for reading: refused, nothing changed.
        seen["import"] = json!({ "refused": imported.expect_err("refused").to_string() });
        assert_eq!(fingerprint(&tmp.path().join("vault")), before);
    }
    seen
}

pub fn expected() -> Value {
    serde_json::from_slice(&std::fs::read(data().join("expected.json")).expect("expected.json")).expect("json")
}

/// Makes the golden bundles and `expected.json` again. Only on purpose: a format change must be announced in
/// docs/FORMAT.md (see tests/data/bundles/README.md).
#[test]
#[ignore = "regenerates tests/data/bundles: run on purpose only (README there)"]
fn regenerate_golden_bundles() {
    assert_eq!(
        std::env::var("CIRCLEBOOK_REGENERATE_GOLDENS").as_deref(),
        Ok("1"),
        "set CIRCLEBOOK_REGENERATE_GOLDENS=1 to overwrite tests/data/bundles (see its README)"
    );
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("sender");
    let (mut sender, _) =
        Vault::create_with_identity(&dir, &pass(PASSPHRASE), FAST, identity("test-sender.key"), &own_state(&dir))
            .expect("sender");
    let recipient = SigningIdentity::derive(&identity("test-recipient.key"));
    let card = ContactCard::write(&recipient, "Golden recipient").expect("card");
    let added = ops::call("add_contact", &mut sender, &ctx(), json!({ "card": card, "verified": true })).expect("add");
    let scope = format!("contact:{}", added["signing_key"].as_str().expect("key"));
    let (case, rowan, sol) = crate::bundle_consent::case_with_people(&mut sender);
    for p in [&rowan, &sol] {
        crate::bundle_consent::share(&mut sender, p, &scope, "granted");
    }
    ops::call(
        "update_participant",
        &mut sender,
        &ctx(),
        json!({ "participant_id": rowan, "progress_updates": "directly" }),
    )
    .expect("channel");
    ops::call(
        "add_note",
        &mut sender,
        &ctx(),
        json!({ "case_id": case, "body": "Golden note: shareable words", "shareable": true }),
    )
    .expect("note");
    let mut expected = Map::new();
    for (name, audience) in GOLDENS {
        let out = data().join(name);
        let _ = std::fs::remove_file(&out);
        let mut args = json!({ "case_ids": [case], "to": [scope], "audience": audience, "out": out });
        if audience == "progress" {
            args["to"] = json!(["Rowan"]);
            args["passphrase"] = json!(GOLDEN_PASSPHRASE);
        }
        ops::call("export_bundle", &mut sender, &ctx(), args).expect("export");
        expected.insert(name.to_owned(), observe(&out, audience));
    }
    let text = serde_json::to_string_pretty(&Value::Object(expected)).expect("json");
    std::fs::write(data().join("expected.json"), format!("{text}\n")).expect("write");
}

/// (a) Today's code reads, previews and imports each golden bundle exactly as recorded.
#[test]
fn golden_bundles_read_preview_and_import_as_recorded() {
    let expected = expected();
    for (name, audience) in GOLDENS {
        let seen = observe(&data().join(name), audience);
        assert_eq!(seen, expected[name], "{name}: today's reading differs from expected.json");
    }
}

/// `age -d` of a passphrase file: age reads a passphrase only from a terminal, so it runs under util-linux's
/// `script` (a pseudo-terminal, Debian's bsdutils, always installed), which passes the passphrase on.
fn age_with_passphrase(file: &Path, out: &Path) {
    let quote = |p: &Path| format!("'{}'", p.to_str().expect("utf8").replace('\'', "'\\''"));
    let mut child = Command::new("script")
        .arg("-qec")
        .arg(format!("age -d -o {} {}", quote(out), quote(file)))
        .arg("/dev/null")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("script");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), format!("{GOLDEN_PASSPHRASE}\n").as_bytes())
        .expect("passphrase");
    assert!(child.wait().expect("age").success(), "age -d with the passphrase failed");
}

/// (b) Debian's age (with the committed identity, or the committed passphrase typed into a pseudo-terminal), tar
/// and sqlite3 read each golden bundle.
#[test]
fn debians_age_tar_and_sqlite3_read_the_golden_bundles() {
    let expected = expected();
    let tmp = tempfile::tempdir().expect("tmp");
    for (name, audience) in GOLDENS {
        let tar_path = tmp.path().join(format!("{name}.tar"));
        if audience == "progress" {
            age_with_passphrase(&data().join(name), &tar_path);
        } else {
            run(Command::new("age")
                .arg("-d")
                .arg("-i")
                .arg(data().join("test-recipient.key"))
                .arg("-o")
                .arg(&tar_path)
                .arg(data().join(name)));
        }
        let listing = String::from_utf8(run(Command::new("tar").arg("tf").arg(&tar_path))).expect("utf8");
        assert_eq!(listing.lines().collect::<Vec<_>>(), ["manifest.json", "manifest.sig", "cases.sqlite"], "{name}");
        let out = tmp.path().join(name.replace('.', "_"));
        std::fs::create_dir(&out).expect("out");
        run(Command::new("tar").arg("xf").arg(&tar_path).arg("-C").arg(&out));
        let manifest: Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest")).expect("json");
        assert_eq!(manifest, expected[name]["manifest"], "{name}");
        let db = out.join("cases.sqlite");
        let counts = manifest["row_counts"].as_object().expect("row_counts");
        let tables = sqlite(&db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name");
        assert_eq!(tables.lines().collect::<Vec<_>>(), counts.keys().map(String::as_str).collect::<Vec<_>>(), "{name}");
        for (table, count) in counts {
            assert_eq!(sqlite(&db, &format!("SELECT count(*) FROM \"{table}\"")), count.to_string(), "{name} {table}");
        }
        assert_eq!(sqlite(&db, "PRAGMA application_id"), payload::PAYLOAD_APPLICATION_ID.to_string(), "{name}");
    }
}

/// (c) The manifests' format tag and version are the ones docs/FORMAT.md states (and the ones this build writes).
#[test]
fn golden_manifests_carry_the_format_tag_and_version_format_md_states() {
    let format_md =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/FORMAT.md")).expect("FORMAT.md");
    let row = format_md.lines().find(|l| l.starts_with("| `format`, `version` |")).expect("the manifest table's row");
    let quoted: Vec<&str> = row.split('`').skip(1).step_by(2).collect();
    assert_eq!(quoted.len(), 4, "{row}");
    let (tag, version) = (quoted[2].trim_matches('"'), quoted[3].parse::<u64>().expect("version"));
    assert_eq!((tag, version), (file::FORMAT_TAG, u64::from(file::FORMAT_VERSION)), "FORMAT.md and the code disagree");
    assert!(format_md.contains("tests/data/bundles"), "FORMAT.md names the golden bundles");
    let expected = expected();
    for (name, _) in GOLDENS {
        assert_eq!(expected[name]["manifest"]["format"], tag, "{name}");
        assert_eq!(expected[name]["manifest"]["version"], version, "{name}");
    }
}
