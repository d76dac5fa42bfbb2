//! Issue 11: the exchange folder. Two vaults share one folder; each writes only into its own subfolder (a hash of
//! its signing key), bundles named by id under a dot-prefixed temp name; the other lists them as new, applied,
//! still arriving, not for this vault or refused, and skips temp files, partial downloads, conflict copies,
//! version folders and links. A folder that fails (vanished, read-only) is a clear refusal and the vault stays
//! byte-identical.

use std::path::{Path, PathBuf};

use circlebook_core::bundle::exchange::subfolder_name;
use circlebook_core::bundle::{ContactCard, PublicKey, SigningIdentity};
use circlebook_core::model::{ops, ModelError};
use circlebook_core::UnlockedVault;
use serde_json::{json, Value};

use crate::bundle_consent::{case_with_people, ctx, share};
use crate::common::{fingerprint, Fixture};

fn befriend(vault: &mut UnlockedVault, other: &mut UnlockedVault, name: &str) -> String {
    let card = ops::call("get_identity", other, &ctx(), json!({ "name": name })).expect("identity")["card"].clone();
    let added = ops::call("add_contact", vault, &ctx(), json!({ "card": card, "verified": true })).expect("add");
    format!("contact:{}", added["signing_key"].as_str().expect("key"))
}

fn set(vault: &mut UnlockedVault, folder: Option<&Path>) -> Result<Value, ModelError> {
    ops::call("set_exchange_folder", vault, &ctx(), json!({ "path": folder.map(|f| f.to_str().expect("utf8")) }))
}

fn status(vault: &mut UnlockedVault) -> Value {
    ops::call("exchange_status", vault, &ctx(), json!({})).expect("status")
}

fn state_of(status: &Value, file: &str) -> Option<String> {
    status["incoming"]
        .as_array()
        .expect("list")
        .iter()
        .find(|b| b["file"] == file)
        .map(|b| b["state"].as_str().expect("state").to_owned())
}

fn skipped(status: &Value, file: &str) -> bool {
    status["skipped"].as_array().expect("list").iter().any(|s| s["path"].as_str().expect("p").ends_with(file))
}

struct Two {
    a: (Fixture, UnlockedVault),
    b: (Fixture, UnlockedVault),
    folder: PathBuf,
    _shared: tempfile::TempDir,
    case: String,
    people: [String; 2],
    scope: String,
}

/// Ana and Bea know each other, share one exchange folder, and Ana has a case she may share with Bea.
fn two() -> Two {
    let (fa, mut a) = Fixture::new();
    let (fb, mut b) = Fixture::new();
    let scope = befriend(&mut a, &mut b, "Bea");
    befriend(&mut b, &mut a, "Ana");
    let (case, rowan, sol) = case_with_people(&mut a);
    for p in [&rowan, &sol] {
        share(&mut a, p, &scope, "granted");
    }
    let shared = tempfile::tempdir().expect("shared");
    let folder = shared.path().join("Sync");
    std::fs::create_dir(&folder).expect("folder");
    set(&mut a, Some(&folder)).expect("set a");
    set(&mut b, Some(&folder)).expect("set b");
    Two { a: (fa, a), b: (fb, b), folder, _shared: shared, case, people: [rowan, sol], scope }
}

fn export(t: &mut Two) -> Value {
    ops::call("export_to_exchange", &mut t.a.1, &ctx(), json!({ "case_ids": [t.case], "to": [t.scope] }))
        .expect("export")
}

#[test]
fn a_case_goes_through_the_folder_and_shows_as_applied_after_import() {
    let mut t = two();
    let canonical = std::fs::canonicalize(&t.folder).expect("canonical");
    let sent = export(&mut t);
    let ana_key = ops::call("get_identity", &mut t.a.1, &ctx(), json!({})).expect("id")["signing_key"].clone();
    let ana_sub = subfolder_name(&PublicKey::from_text(ana_key.as_str().expect("k")).expect("key"));
    let file = format!("{}.cbb", sent["bundle_id"].as_str().expect("id"));
    let path = canonical.join(&ana_sub).join(&file);
    assert_eq!(sent["path"], path.to_str().expect("utf8"));
    // Only the bundle is in Ana's subfolder: the temp file is gone, and nothing else was written.
    let names: Vec<String> = std::fs::read_dir(canonical.join(&ana_sub))
        .expect("sub")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, std::slice::from_ref(&file));
    let top: Vec<String> = std::fs::read_dir(&canonical)
        .expect("top")
        .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top, std::slice::from_ref(&ana_sub), "no lock files, no names: one hashed subfolder");

    let mine = status(&mut t.a.1);
    assert_eq!(mine["sent"], 1);
    assert_eq!(mine["incoming"], json!([]), "a vault's own subfolder is not incoming");

    let seen = status(&mut t.b.1);
    assert_eq!(seen["folder"], canonical.to_str().expect("utf8"));
    assert_eq!(state_of(&seen, &file).as_deref(), Some("new"));
    assert_eq!(seen["incoming"][0]["from"], "Ana");
    assert_eq!(seen["incoming"][0]["subfolder"], ana_sub);
    let listed = seen["incoming"][0]["path"].as_str().expect("path").to_owned();
    let done =
        ops::call("import_bundle", &mut t.b.1, &ctx(), json!({ "path": listed })).expect("import from the folder");
    assert_eq!(done["cases"][0]["code_name"], "Willow");
    assert_eq!(state_of(&status(&mut t.b.1), &file).as_deref(), Some("applied"));

    // The sync tool brings the file back after it was removed: still applied, and a re-import changes nothing.
    let bytes = std::fs::read(&path).expect("read");
    std::fs::remove_file(&path).expect("rm");
    assert_eq!(status(&mut t.b.1)["incoming"], json!([]));
    std::fs::write(&path, &bytes).expect("back");
    assert_eq!(state_of(&status(&mut t.b.1), &file).as_deref(), Some("applied"));
    t.b.1.save().expect("save");
    let before = fingerprint(&t.b.0.dir);
    let again = ops::call("import_bundle", &mut t.b.1, &ctx(), json!({ "path": listed })).expect("again");
    assert_eq!(again["already_applied"], true);
    assert_eq!(fingerprint(&t.b.0.dir), before);
}

#[test]
fn partial_temp_conflict_linked_foreign_and_oversize_files_are_each_handled() {
    let mut t = two();
    let sent = export(&mut t);
    let path = PathBuf::from(sent["path"].as_str().expect("path"));
    let sub = path.parent().expect("sub").to_path_buf();
    let id = sent["bundle_id"].as_str().expect("id").to_owned();
    let bytes = std::fs::read(&path).expect("bytes");
    std::fs::remove_file(&path).expect("rm");

    // A file cut short, at several places: still arriving, never an error.
    let cut = "0192f0c0-0000-7000-8000-00000000000a.cbb";
    for len in [0, 10, 40, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(sub.join(cut), &bytes[..len]).expect("partial");
        assert_eq!(state_of(&status(&mut t.b.1), cut).as_deref(), Some("still_arriving"), "cut at {len}");
    }
    std::fs::write(sub.join(cut), &bytes[..bytes.len() / 2]).expect("partial");

    // Copies the sync tools and writers leave: skipped, never listed as bundles.
    let leftovers = [
        format!(".{id}.tmp"),
        format!("{id}.cbb.tmp"),
        format!("{id}.cbb.part"),
        format!("{id}.sync-conflict-20261204-101010-ABCDEFG.cbb"),
        format!("{id} (conflicted copy 2026-12-04 101010).cbb"),
        format!("{id} (Bea's conflicted copy 2026-12-04).cbb"),
    ];
    for name in &leftovers {
        std::fs::write(sub.join(name), &bytes).expect("leftover");
    }
    std::fs::create_dir(t.folder.join(".stversions")).expect("versions");
    std::fs::write(t.folder.join(".stversions").join(format!("{id}.cbb")), &bytes).expect("versioned");
    std::fs::create_dir(t.folder.join("Old versions")).expect("versions");
    // Links: to a whole bundle elsewhere, and a subfolder that is a link.
    let outside = t.a.0.scratch("elsewhere.cbb");
    std::fs::write(&outside, &bytes).expect("outside");
    let linked = "0192f0c0-0000-7000-8000-00000000000b.cbb";
    std::os::unix::fs::symlink(&outside, sub.join(linked)).expect("link");
    std::os::unix::fs::symlink(&sub, t.folder.join("0".repeat(32))).expect("linked folder");

    // A whole bundle for someone else, and an oversize file.
    let stranger = age::x25519::Identity::generate();
    let card = ContactCard::write(&SigningIdentity::derive(&stranger), "Cy").expect("card");
    let cy = ops::call("add_contact", &mut t.a.1, &ctx(), json!({ "card": card, "verified": true })).expect("cy");
    let scope = format!("contact:{}", cy["signing_key"].as_str().expect("k"));
    let case = t.case.clone();
    for p in t.people.clone() {
        share(&mut t.a.1, &p, &scope, "granted");
    }
    let for_cy =
        ops::call("export_to_exchange", &mut t.a.1, &ctx(), json!({ "case_ids": [case], "to": [scope] })).expect("cy");
    let for_cy_file = format!("{}.cbb", for_cy["bundle_id"].as_str().expect("id"));
    let big = "0192f0c0-0000-7000-8000-00000000000c.cbb";
    let f = std::fs::File::create(sub.join(big)).expect("big");
    f.set_len(600 * 1024 * 1024).expect("sparse");

    let seen = status(&mut t.b.1);
    let files: Vec<&str> =
        seen["incoming"].as_array().expect("l").iter().map(|b| b["file"].as_str().expect("f")).collect();
    assert_eq!(files.len(), 3, "{seen:#}");
    assert_eq!(state_of(&seen, cut).as_deref(), Some("still_arriving"));
    assert_eq!(state_of(&seen, &for_cy_file).as_deref(), Some("not_for_us"));
    assert_eq!(state_of(&seen, big).as_deref(), Some("refused"));
    let reason = seen["incoming"].as_array().expect("l").iter().find(|b| b["file"] == big).expect("big")["reason"]
        .as_str()
        .expect("reason")
        .to_owned();
    assert!(reason.contains("larger than a bundle may be"), "{reason}");
    for name in &leftovers[1..] {
        assert!(skipped(&seen, name), "{name} is skipped and said so: {seen:#}");
    }
    assert!(skipped(&seen, linked) && skipped(&seen, &"0".repeat(32)) && skipped(&seen, "Old versions"), "{seen:#}");
    // Ana's status shows nothing of her own subfolder.
    assert_eq!(status(&mut t.a.1)["incoming"], json!([]));
}

#[test]
fn a_folder_that_fails_is_a_clear_refusal_and_the_vault_stays_byte_identical() {
    let mut t = two();
    t.a.1.save().expect("save");
    let before = fingerprint(&t.a.0.dir);

    // Vanished: the status says so; an export is refused with one clear line, and nothing changes.
    let moved = t.folder.with_file_name("Moved");
    std::fs::rename(&t.folder, &moved).expect("move");
    let seen = status(&mut t.a.1);
    assert!(seen["problem"].as_str().expect("problem").contains("is not there"), "{seen}");
    let err = ops::call("export_to_exchange", &mut t.a.1, &ctx(), json!({ "case_ids": [t.case], "to": [t.scope] }))
        .expect_err("vanished");
    assert!(err.to_string().contains("is not there"), "{err}");
    assert!(set(&mut t.a.1, Some(&t.folder)).expect_err("missing").to_string().contains("is not there"));
    assert_eq!(fingerprint(&t.a.0.dir), before);
    std::fs::rename(&moved, &t.folder).expect("back");

    // Something other than a folder where this vault's subfolder goes: refused, nothing signed or audited.
    let ana_key = ops::call("get_identity", &mut t.a.1, &ctx(), json!({})).expect("id")["signing_key"].clone();
    let ana_sub = t.folder.join(subfolder_name(&PublicKey::from_text(ana_key.as_str().expect("k")).expect("key")));
    std::fs::write(&ana_sub, b"not a folder").expect("file");
    let err = ops::call("export_to_exchange", &mut t.a.1, &ctx(), json!({ "case_ids": [t.case], "to": [t.scope] }))
        .expect_err("a file in the way");
    assert!(err.to_string().contains("is not a folder"), "{err}");
    assert_eq!(fingerprint(&t.a.0.dir), before);
    std::fs::remove_file(&ana_sub).expect("rm");

    // Read-only (by permissions, or for root by the immutable attribute): refused, nothing signed or audited.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&t.folder, std::fs::Permissions::from_mode(0o555)).expect("ro");
    let probe = |folder: &Path| {
        let writable = std::fs::File::create(folder.join("probe")).is_ok();
        let _ = std::fs::remove_file(folder.join("probe"));
        writable
    };
    let mut immutable = false;
    if probe(&t.folder) {
        immutable = std::process::Command::new("chattr").arg("+i").arg(&t.folder).status().is_ok_and(|s| s.success());
    }
    let read_only = !probe(&t.folder);
    if read_only {
        let err = ops::call("export_to_exchange", &mut t.a.1, &ctx(), json!({ "case_ids": [t.case], "to": [t.scope] }))
            .expect_err("read-only");
        assert!(err.to_string().contains("cannot be written"), "{err}");
        assert_eq!(fingerprint(&t.a.0.dir), before);
        let audit = ops::call("list_audit", &mut t.a.1, &ctx(), json!({})).expect("audit");
        assert!(!audit.to_string().contains("\"export\""), "a refused export is not audited");
    } else {
        eprintln!("note: this file system lets root write into a read-only folder; that part was not exercised");
    }
    if immutable {
        std::process::Command::new("chattr").arg("-i").arg(&t.folder).status().expect("chattr -i");
    }
    std::fs::set_permissions(&t.folder, std::fs::Permissions::from_mode(0o755)).expect("rw");

    // Folders inside the vault, or holding it, are refused; a passphrase bundle does not go to the folder.
    assert!(set(&mut t.a.1, Some(&t.a.0.dir)).is_err());
    assert!(set(&mut t.a.1, Some(t.a.0.dir.parent().expect("parent")))
        .expect_err("holds")
        .to_string()
        .contains("inside"));
    let err = ops::call(
        "export_to_exchange",
        &mut t.a.1,
        &ctx(),
        json!({ "case_ids": [t.case], "to": ["sup"], "passphrase": "correct horse battery staple" }),
    )
    .expect_err("passphrase");
    assert!(err.to_string().contains("passphrase bundle"), "{err}");
    assert_eq!(fingerprint(&t.a.0.dir), before);

    // Unset: the setting goes; an export then says how to choose one.
    let none = set(&mut t.a.1, None).expect("unset");
    assert_eq!(none["folder"], Value::Null);
    let err = ops::call("export_to_exchange", &mut t.a.1, &ctx(), json!({ "case_ids": [t.case], "to": [t.scope] }))
        .expect_err("unset");
    assert!(err.to_string().contains("no exchange folder"), "{err}");
}
