//! Issue 11 through the real binary, between two vaults: `export` refuses without every participant's consent to
//! share with the contact (one line, exit 1, vault byte-identical), then writes a bundle that Debian's `age`,
//! `tar` and `sqlite3` read with the recipient's recovery key.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::*;

/// One facilitator's vault in its own HOME.
pub struct Desk {
    pub _temp: tempfile::TempDir,
    pub vault: PathBuf,
    pub key: String,
}

impl Desk {
    pub fn new() -> Desk {
        let temp = tempfile::tempdir().expect("temp");
        let (vault, key) = quick_vault(temp.path());
        Desk { _temp: temp, vault, key }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run(&self.vault, Some(PASS), args)
    }

    pub fn call(&self, name: &str, args: serde_json::Value) -> serde_json::Value {
        self.run(&["--json", "call", name, "--args", &args.to_string()]).ok().json()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.vault.parent().expect("home").join(name)
    }

    /// Adds `other` as a verified contact named `name`; returns the `shared_with` scope of consent to share with it.
    pub fn befriend(&self, other: &Desk, name: &str) -> String {
        let card = other.run(&["identity", "--card", "--name", name]).ok().stdout;
        let added = self.run(&["--json", "contact", "add", "--card", card.trim(), "--verified"]).ok().json();
        format!("contact:{}", added["signing_key"].as_str().expect("key"))
    }
}

/// A case with two participants (aliases Rowan and Sol); returns (case id, participant ids).
pub fn case(desk: &Desk) -> (String, Vec<String>) {
    let case = desk.call(
        "create_case",
        serde_json::json!({ "code_name": "Willow", "referral_source": "self", "gender_based_violence": true,
                            "harmed_needs": "to be heard", "harmed_justice_vision": "an apology", "tags": [] }),
    );
    let id = case["id"].as_str().expect("id").to_owned();
    let people = [("Rowan", "person_harmed"), ("Sol", "person_responsible")]
        .iter()
        .map(|(alias, role)| {
            let p = desk.call(
                "add_participant",
                serde_json::json!({ "case_id": id, "alias": alias, "role": role, "contact": "0612 345 678" }),
            );
            p["id"].as_str().expect("id").to_owned()
        })
        .collect();
    (id, people)
}

pub fn grant(desk: &Desk, participant: &str, scope: &str) {
    desk.call(
        "record_consent",
        serde_json::json!({ "participant_id": participant, "activity": "information_sharing",
                            "decision": "granted", "method": "written", "shared_with": scope }),
    );
}

fn s(path: &Path) -> &OsStr {
    path.as_os_str()
}

#[test]
fn export_refuses_without_consent_then_age_tar_and_sqlite3_read_the_bundle() {
    let (ana, bea) = (Desk::new(), Desk::new());
    let scope = ana.befriend(&bea, "Bea");
    let (case_id, people) = case(&ana);
    let out = ana.path("to-bea.cbb");
    let out_text = out.to_str().expect("utf8");
    let export = ["export", "--case", &case_id, "--to", "Bea", "--out", out_text];

    let before = files(&ana.vault);
    let refused = ana.run(&export).fails_with("has no consent to information_sharing with Bea on");
    assert!(refused.stderr.contains("Rowan") && !refused.stderr.contains("Willow"), "{}", refused.stderr);
    assert!(!out.exists());
    assert_eq!(files(&ana.vault), before, "a refused export leaves the vault byte-identical");
    let preview = ana.run(&["export", "--case", &case_id, "--to", "Bea", "--dry-run"]).ok().stdout;
    assert!(preview.contains("missing: Rowan's consent to information_sharing with Bea (not yet asked)"), "{preview}");

    for p in &people {
        grant(&ana, p, &scope);
    }
    let done = ana.run(&export).ok().stdout;
    assert!(done.contains("Recorded in the audit log"), "{done}");
    let audit = ana.call("list_audit", serde_json::json!({}));
    assert!(audit.to_string().contains("\"export\""), "{audit}");

    let work = ana.path("read-with-tools");
    std::fs::create_dir(&work).expect("dir");
    let key_file = work.join("bea.key");
    std::fs::write(&key_file, format!("{}\n", bea.key)).expect("key");
    let tar = work.join("b.tar");
    tool("age", &[s("-d".as_ref()), s("-i".as_ref()), s(&key_file), s("-o".as_ref()), s(&tar), s(&out)]);
    let listing = tool("tar", &[s("-tf".as_ref()), s(&tar)]);
    assert_eq!(listing, "manifest.json\nmanifest.sig\ncases.sqlite");
    tool("tar", &[s("-xf".as_ref()), s(&tar), s("-C".as_ref()), s(&work)]);
    let db = work.join("cases.sqlite");
    let names =
        tool("sqlite3", &[s(&db), s("SELECT code_name FROM cases; SELECT count(*) FROM participants;".as_ref())]);
    assert_eq!(names, "Willow\n2");
    let manifest = std::fs::read_to_string(work.join("manifest.json")).expect("manifest");
    assert!(manifest.contains(&case_id) && !manifest.contains("Willow"), "the manifest names ids, not cases");
}

#[test]
fn a_case_goes_from_one_vault_to_another_and_forgeries_change_nothing() {
    let (ana, bea) = (Desk::new(), Desk::new());
    let scope = ana.befriend(&bea, "Bea");
    let (case_id, people) = case(&ana);
    for p in &people {
        grant(&ana, p, &scope);
    }
    let out = ana.path("for-bea.cbb");
    let out_text = out.to_str().expect("utf8").to_owned();
    ana.run(&["export", "--case", &case_id, "--to", "Bea", "--out", &out_text]).ok();
    let bundle = bea.path("incoming.cbb");
    std::fs::copy(&out, &bundle).expect("carry it over");
    let bundle_text = bundle.to_str().expect("utf8");

    // Bea does not know Ana yet: refused, in one line, with nothing changed.
    let before = files(&bea.vault);
    bea.run(&["import", bundle_text]).fails_with("not a contact");
    assert_eq!(files(&bea.vault), before);

    // A forged copy (one byte of the payload flipped), even with the signer accepted: refused, nothing changed.
    let forged = bea.path("forged.cbb");
    let mut bytes = std::fs::read(&bundle).expect("read");
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&forged, &bytes).expect("write");
    bea.run(&["import", forged.to_str().expect("utf8"), "--accept-unknown-signer"]).fails_with("damaged");
    assert_eq!(files(&bea.vault), before);

    bea.befriend(&ana, "Ana");
    let done = bea.run(&["--json", "import", bundle_text]).ok().json();
    assert_eq!(done["signer"], "Ana");
    assert_eq!(done["cases"][0]["code_name"], "Willow");
    let shown = bea.run(&["show", &case_id]).ok().stdout;
    assert!(shown.contains("Willow") && shown.contains("Rowan") && shown.contains("Sol"), "{shown}");

    let before = files(&bea.vault);
    let again = bea.run(&["import", bundle_text]).ok().stdout;
    assert!(again.contains("applied before: nothing changed"), "{again}");
    assert_eq!(files(&bea.vault), before, "a re-import leaves the vault byte-identical");

    // A second export of the same, unchanged case is merged and changes no record (merge.rs has the rest).
    let second = ana.path("again.cbb");
    ana.run(&["export", "--case", &case_id, "--to", "Bea", "--out", second.to_str().expect("utf8")]).ok();
    let merged = bea.run(&["import", second.to_str().expect("utf8")]).ok().stdout;
    assert!(merged.contains("Willow") && merged.contains("(merged)"), "{merged}");
    assert!(merged.contains("Consent entries added: 0. Records added: 0, changed: 0."), "{merged}");
}

#[test]
fn a_passphrase_bundle_for_a_supervisor_needs_consent_to_share_with_them_by_name() {
    let ana = Desk::new();
    let (case_id, people) = case(&ana);
    let out = ana.path("sup.cbb");
    let out_text = out.to_str().expect("utf8");
    let args = [
        "export",
        "--case",
        &case_id,
        "--to",
        "our supervisor",
        "--passphrase",
        "--audience",
        "supervisor",
        "--out",
        out_text,
    ];
    let with_passphrase = |expect_ok: bool| {
        let home = ana.vault.parent().expect("home");
        let mut cmd = cli(home);
        cmd.arg("--vault")
            .arg(&ana.vault)
            .args(args)
            .env("CIRCLEBOOK_PASSPHRASE", PASS)
            .env("CIRCLEBOOK_BUNDLE_PASSPHRASE", "quartz meadow lantern violet harbour");
        let run = finish(&mut cmd);
        if expect_ok {
            run.ok()
        } else {
            run.fails_with("has no consent to information_sharing with our supervisor")
        }
    };
    with_passphrase(false);
    assert!(!out.exists());
    for p in &people {
        grant(&ana, p, "our supervisor");
    }
    let done = with_passphrase(true).stdout;
    assert!(done.contains("for supervisor (our supervisor)"), "{done}");
    assert!(out.exists());
    // Without the passphrase, no vault reads it.
    ana.run(&["import", out_text, "--dry-run"]).fails_with("not encrypted to this vault");
}
