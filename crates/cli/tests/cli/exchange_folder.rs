//! The exchange folder through the real binary (issue 11): two vaults share one folder, `export --to-exchange`
//! writes into the sender's hashed subfolder, `exchange` lists it for the other as new, `import PATH` applies it,
//! and it then shows as applied, also when the sync tool brings it back. Partial files, temp files, conflict
//! copies and links are handled as the format says; a vanished folder is one line, exit 1, vault unchanged.

use super::exchange::{case, grant, Desk};
use super::*;

fn incoming(status: &serde_json::Value) -> Vec<(String, String)> {
    status["incoming"]
        .as_array()
        .expect("list")
        .iter()
        .map(|b| (b["file"].as_str().expect("f").to_owned(), b["state"].as_str().expect("s").to_owned()))
        .collect()
}

#[test]
fn two_vaults_exchange_a_case_through_one_folder() {
    let (ana, bea) = (Desk::new(), Desk::new());
    let scope = ana.befriend(&bea, "Bea");
    bea.befriend(&ana, "Ana");
    let (case_id, people) = case(&ana);
    for p in &people {
        grant(&ana, p, &scope);
    }
    let shared = tempfile::tempdir().expect("shared");
    let folder = shared.path().join("Sync");
    std::fs::create_dir(&folder).expect("folder");
    let folder_text = folder.to_str().expect("utf8");

    let none = ana.run(&["exchange"]).ok().stdout;
    assert!(none.contains("No exchange folder is chosen"), "{none}");
    ana.run(&["exchange", "set", folder_text]).ok();
    bea.run(&["exchange", "set", folder_text]).ok();
    let done = ana.run(&["--json", "export", "--case", &case_id, "--to", "Bea", "--to-exchange"]).ok().json();
    let sent = std::path::PathBuf::from(done["path"].as_str().expect("path"));
    let file = sent.file_name().expect("name").to_str().expect("utf8").to_owned();
    assert_eq!(file, format!("{}.cbb", done["bundle_id"].as_str().expect("id")));

    // Leftovers beside it: a partial copy, a temp file, a conflict copy and a link are never bundles to apply.
    let sub = sent.parent().expect("sub");
    let bytes = std::fs::read(&sent).expect("read");
    let partial = "0192f0c0-0000-7000-8000-00000000000a.cbb";
    std::fs::write(sub.join(partial), &bytes[..bytes.len() / 3]).expect("partial");
    std::fs::write(sub.join(format!(".{file}.tmp")), &bytes).expect("tmp");
    std::fs::write(sub.join(format!("{}.sync-conflict-20261204-101010-ABCDEFG.cbb", &file[..36])), &bytes)
        .expect("conflict");
    std::os::unix::fs::symlink(&sent, sub.join("0192f0c0-0000-7000-8000-00000000000b.cbb")).expect("link");

    let status = bea.run(&["--json", "exchange"]).ok().json();
    let mut seen = incoming(&status);
    seen.sort();
    assert_eq!(seen, [(partial.to_owned(), "still_arriving".to_owned()), (file.clone(), "new".to_owned())]);
    let human = bea.run(&["exchange"]).ok().stdout;
    assert!(
        human.contains("new: review it") && human.contains("from Ana") && human.contains("still arriving"),
        "{human}"
    );

    let listed = status["incoming"].as_array().expect("l").iter().find(|b| b["file"] == file.as_str()).expect("listed")
        ["path"]
        .as_str()
        .expect("path")
        .to_owned();
    let applied = bea.run(&["import", &listed]).ok().stdout;
    assert!(applied.contains("Applied 1 case(s)"), "{applied}");
    let after = incoming(&bea.run(&["--json", "exchange"]).ok().json());
    assert!(after.contains(&(file.clone(), "applied".to_owned())), "{after:?}");
    // The sync tool brings it back after it was removed: still applied.
    std::fs::remove_file(&sent).expect("rm");
    std::fs::write(&sent, &bytes).expect("back");
    let again = incoming(&bea.run(&["--json", "exchange"]).ok().json());
    assert!(again.contains(&(file.clone(), "applied".to_owned())), "{again:?}");
    assert!(bea.run(&["show", &case_id]).ok().stdout.contains("Willow"));

    // Ana lists nothing from her own subfolder; unset forgets the folder and removes nothing.
    assert!(incoming(&ana.run(&["--json", "exchange"]).ok().json()).is_empty());
    ana.run(&["exchange", "unset"]).ok();
    assert!(sent.exists());
    ana.run(&["export", "--case", &case_id, "--to", "Bea", "--to-exchange"]).fails_with("no exchange folder");
}

#[test]
fn a_vanished_folder_is_one_line_and_changes_nothing() {
    let (ana, bea) = (Desk::new(), Desk::new());
    let scope = ana.befriend(&bea, "Bea");
    let (case_id, people) = case(&ana);
    for p in &people {
        grant(&ana, p, &scope);
    }
    let shared = tempfile::tempdir().expect("shared");
    let folder = shared.path().join("Sync");
    std::fs::create_dir(&folder).expect("folder");
    ana.run(&["exchange", "set", folder.to_str().expect("utf8")]).ok();
    std::fs::remove_dir(&folder).expect("vanish");
    let before = files(&ana.vault);
    ana.run(&["exchange"]).fails_with("is not there");
    ana.run(&["export", "--case", &case_id, "--to", "Bea", "--to-exchange"]).fails_with("is not there");
    ana.run(&["exchange", "set", folder.to_str().expect("utf8")]).fails_with("is not there");
    assert_eq!(files(&ana.vault), before, "the vault is byte-identical");

    for args in [
        &["exchange", "set"][..],
        &["exchange", "frobnicate"],
        &["export", "--case", "x", "--to", "Bea", "--to-exchange", "--out", "f.cbb"],
        &["export", "--case", "x", "--to", "Bea", "--to-exchange", "--passphrase"],
    ] {
        assert_eq!(ana.run(args).code, 2, "{args:?}");
    }
    // This vault's own card is not a contact.
    let mine = ana.run(&["identity", "--card"]).ok().stdout;
    ana.run(&["contact", "add", "--card", mine.trim()]).fails_with("this vault's own contact card");
}
