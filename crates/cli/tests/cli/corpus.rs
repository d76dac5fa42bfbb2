//! Issue 8, "Beyond the fixes": the adversarial corpus and the differential test.
//!
//! One small real vault (three generations; a journal of four records whose last withdraws a consent granted in
//! the snapshot) is damaged in every way listed in [`corpus`], one case at a time, each on its own copy with this
//! computer's high-water mark. For each case the table says what must happen: the real `circlebook-cli`'s `stats`
//! and `verify`, and an unlock through the core (the app's path), either refuse with the given error or open with
//! exactly the given notices and the whole data (the withdrawal is never lost); nothing outside the folder changes;
//! and the folder is byte-identical afterwards except for the cleanups docs/FORMAT.md names. The differential test
//! runs `assets/recover.sh` (Debian `age` and `sqlite3`) over the same corpus: it gives the same data as the app or
//! both refuse, except where the table says why they differ (the recipe does not know the high-water mark, and
//! reads neither `identity.age` nor `.lock`). Run: `cargo test -p circlebook-cli --test cli corpus -- --nocapture`
//! (each test prints its case count).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant};

use circlebook_core::model::{ops, Ctx};
use circlebook_core::vault::{UnlockError, UnlockOptions};
use circlebook_core::UnlockKey;
use serde_json::{json, Value};

use super::*;

#[path = "corpus_table.rs"]
mod table;
use table::*;

const END: &[u8] = b"-----END AGE ENCRYPTED FILE-----\n";
const SNAP: &str = "snapshots/00000003.age";
const SEAL: &str = "snapshots/00000003.seal";
const JOURNAL: &str = "journal/00000003.journal";

/// The vault every case starts from, and what it holds.
struct Template {
    _temp: tempfile::TempDir,
    vault: PathBuf,
    /// This computer's high-water marks after the last record.
    state: PathBuf,
    key_file: PathBuf,
    recovery_key: String,
    /// Every row of every table, canonically ordered.
    reference: Vec<String>,
    /// Generation 2's journal, before it was folded.
    older_journal: Vec<u8>,
}

fn call(vault: &mut circlebook_core::UnlockedVault, name: &str, args: Value) -> Value {
    ops::call(name, vault, &Ctx::new("corpus"), args).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let temp = tempfile::tempdir().expect("temp");
        // Marks of in-process vaults never go to the real state folder (another test may have set this first).
        circlebook_core::vault::use_state_dir_for_this_process(&temp.path().join("process-state"));
        let dir = temp.path().join("vault");
        let state = temp.path().join("state");
        let (vault, key) = Vault::create(&dir, &SecretString::from(PASS), Kdf { log_n: 10 }).expect("create");
        drop(vault);
        let options = UnlockOptions { state_dir: Some(state.clone()), ..UnlockOptions::default() };
        let by_pass = UnlockKey::Passphrase(SecretString::from(PASS));
        let mut v = Vault::open(&dir).expect("open").unlock_with(&by_pass, &options).expect("unlock");
        let case = call(&mut v, "create_case", json!({"code_name": "Heron"}))["id"].as_str().expect("id").to_owned();
        let robin =
            call(&mut v, "add_participant", json!({"case_id": case, "alias": "Robin", "role": "person_harmed"}))["id"]
                .as_str()
                .expect("id")
                .to_owned();
        v.fold().expect("fold"); // generation 2
        call(&mut v, "create_case", json!({"code_name": "Alder"}));
        let older_journal = fs::read(dir.join("journal/00000002.journal")).expect("journal 2");
        call(
            &mut v,
            "record_consent",
            json!({"participant_id": robin, "activity": "conference", "decision": "granted", "method": "written"}),
        );
        v.fold().expect("fold"); // generation 3: the grant is in the snapshot
        call(&mut v, "create_case", json!({"code_name": "Birch"}));
        call(&mut v, "add_participant", json!({"case_id": case, "alias": "Sam", "role": "person_responsible"}));
        call(&mut v, "create_case", json!({"code_name": "Cedar"}));
        call(
            &mut v,
            "withdraw_consent",
            json!({"participant_id": robin, "activity": "conference", "method": "verbal"}),
        );
        let reference = dump(v.conn());
        assert_eq!(conference(v.conn()), "withdrawn");
        drop(v); // dropped, not locked: the journal of four records stays
        assert_eq!(records(&fs::read(dir.join(JOURNAL)).expect("journal")).len(), 4);
        let key_file = temp.path().join("recovery.txt");
        fs::write(&key_file, format!("{}\n", key.expose())).expect("key file");
        let recovery_key = key.expose().to_owned();
        Template { _temp: temp, vault: dir, state, key_file, recovery_key, reference, older_journal }
    })
}

/// The last decision about Robin's consent to a conference.
fn conference(conn: &rusqlite::Connection) -> String {
    conn.query_row("SELECT decision FROM consents WHERE activity = 'conference' ORDER BY seq DESC LIMIT 1", [], |r| {
        r.get(0)
    })
    .unwrap_or_else(|_| "not asked".into())
}

/// Every row of every real table (not the search index's), as text, sorted.
fn dump(conn: &rusqlite::Connection) -> Vec<String> {
    let mut tables = conn
        .prepare(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .expect("prepare");
    let names: Vec<String> =
        tables.query_map([], |r| r.get(0)).expect("tables").collect::<Result<_, _>>().expect("names");
    let mut out = Vec::new();
    for table in names {
        let mut rows = conn.prepare(&format!("SELECT * FROM \"{table}\"")).expect("select");
        let n = rows.column_count();
        let mut found = rows.query([]).expect("rows");
        while let Some(row) = found.next().expect("row") {
            let values: Vec<String> =
                (0..n).map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).expect("value"))).collect();
            out.push(format!("{table}: {}", values.join(", ")));
        }
    }
    out.sort();
    out
}

/// The journal's records, each with its END line.
fn records(journal: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(at) = journal[start..].windows(END.len()).position(|w| w == END) {
        out.push(&journal[start..start + at + END.len()]);
        start += at + END.len();
    }
    out
}

/// One case's own copy: HOME with the vault, this computer's marks, and a folder outside for link targets.
struct Scene {
    _temp: tempfile::TempDir,
    home: PathBuf,
    vault: PathBuf,
    outside: PathBuf,
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn scene(t: &Template, case: &Case) -> Scene {
    let temp = tempfile::tempdir().expect("temp");
    let home = temp.path().join("home");
    let vault = home.join("vault");
    copy_tree(&t.vault, &vault);
    copy_tree(&t.state, &home.join("state/circlebook"));
    let outside = temp.path().join("outside");
    fs::create_dir(&outside).expect("outside");
    let at = vault.join(&case.path);
    let intruder = |at: &Path| {
        if at.exists() {
            fs::rename(at, outside.join("real")).expect("move the real one out");
        }
    };
    match &case.mutation {
        Mutation::Delete if at.is_dir() => fs::remove_dir_all(&at).expect("rmdir"),
        Mutation::Delete => fs::remove_file(&at).expect("delete"),
        Mutation::Truncate(n) => fs::write(&at, &fs::read(&at).expect("read")[..*n]).expect("truncate"),
        Mutation::Flip(offset, _) => {
            let mut bytes = fs::read(&at).expect("read");
            bytes[*offset] ^= 0x01;
            fs::write(&at, bytes).expect("flip");
        }
        Mutation::Set(offset, value, _) => {
            let mut bytes = fs::read(&at).expect("read");
            bytes[*offset] = *value;
            fs::write(&at, bytes).expect("set");
        }
        Mutation::Append(tail) => {
            let mut bytes = fs::read(&at).expect("read");
            bytes.extend_from_slice(tail);
            fs::write(&at, bytes).expect("append");
        }
        Mutation::Replace(bytes) => fs::write(&at, bytes).expect("replace"),
        Mutation::Symlink => {
            intruder(&at);
            let real = outside.join("real");
            if real.is_file() {
                // Following the link and "repairing" the torn tail would change the file outside.
                let mut bytes = fs::read(&real).expect("read");
                let half = bytes[..bytes.len() / 2].to_vec();
                bytes.extend_from_slice(&half);
                fs::write(&real, bytes).expect("write");
            }
            std::os::unix::fs::symlink(&real, &at).expect("symlink");
        }
        Mutation::Folder => {
            intruder(&at);
            fs::create_dir(&at).expect("mkdir");
        }
        Mutation::Fifo => {
            intruder(&at);
            tool("mkfifo", &[at.as_os_str()]);
        }
    }
    Scene { _temp: temp, home, vault, outside }
}

/// Runs a child with a deadline, so that a wait on a FIFO fails the case instead of hanging the test.
fn bounded(mut child: Child, what: &str) -> Run {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what} did not finish (did it wait on a FIFO?)");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn cli_bounded(s: &Scene, args: &[&str]) -> Run {
    let mut cmd = cli(&s.home);
    cmd.arg("--vault").arg(&s.vault).args(args).env("CIRCLEBOOK_PASSPHRASE", PASS);
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    bounded(cmd.spawn().expect("spawn"), &format!("circlebook-cli {args:?}"))
}

/// What an unlock through the core gave: the data and notice kinds, or the error's kind and message.
type Unlocked = Result<(Vec<String>, String, Vec<String>), (String, String)>;

fn core_unlock(s: &Scene, key: UnlockKey) -> Unlocked {
    let (send, receive) = mpsc::channel();
    let (vault, state) = (s.vault.clone(), s.home.join("state/circlebook"));
    std::thread::spawn(move || {
        let options = UnlockOptions { state_dir: Some(state), ..UnlockOptions::default() };
        let result = match Vault::open(&vault) {
            Err(e) => Err(("open".to_owned(), e.to_string())),
            Ok(locked) => match locked.unlock_with(&key, &options) {
                Ok(v) => {
                    let notices = v
                        .notices()
                        .iter()
                        .map(|n| serde_json::to_value(n).expect("json")["kind"].as_str().expect("kind").to_owned())
                        .collect();
                    Ok((dump(v.conn()), conference(v.conn()), notices))
                }
                Err(f) => {
                    let kind = match &f.error {
                        UnlockError::Damaged { .. } => "damaged",
                        UnlockError::Rollback { .. } => "rollback",
                        UnlockError::NewerFormat { .. } => "newer_format",
                        UnlockError::WrongPassphrase => "wrong_passphrase",
                        UnlockError::Io(_) => "io",
                        _ => "other",
                    };
                    Err((kind.to_owned(), f.error.to_string()))
                }
            },
        };
        let _ = send.send(result);
    });
    receive.recv_timeout(Duration::from_secs(30)).expect("the unlock waited on something (a FIFO?)")
}

/// Every path below `dir` with its kind and, for plain files, its bytes; follows no link, opens no FIFO.
fn tree(dir: &Path) -> BTreeMap<PathBuf, (String, Vec<u8>)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read_dir") {
            let path = entry.expect("entry").path();
            let kind = fs::symlink_metadata(&path).expect("meta").file_type();
            let bytes = if kind.is_file() { fs::read(&path).expect("read") } else { Vec::new() };
            if kind.is_dir() {
                stack.push(path.clone());
            }
            out.insert(path.strip_prefix(dir).expect("inside").to_path_buf(), (format!("{kind:?}"), bytes));
        }
    }
    out
}

fn check_folder(
    case: &Case,
    before: &BTreeMap<PathBuf, (String, Vec<u8>)>,
    after: &BTreeMap<PathBuf, (String, Vec<u8>)>,
) {
    let name = case.name();
    let mut expected = before.clone();
    match case.folder {
        Folder::Unchanged => {}
        Folder::Removes(path) => {
            assert!(expected.remove(Path::new(path)).is_some(), "{name}: {path} was not there");
        }
        Folder::Creates(path) => {
            let created = after.get(Path::new(path)).expect("created");
            assert!(created.1.is_empty(), "{name}: {path} is not empty");
            expected.insert(PathBuf::from(path), created.clone());
        }
        Folder::TornTailMoved => {
            let journal = &before[Path::new(JOURNAL)].1;
            let whole = fs::read(template().vault.join(JOURNAL)).expect("journal");
            expected.insert(PathBuf::from(JOURNAL), (before[Path::new(JOURNAL)].0.clone(), whole.clone()));
            expected.insert(
                PathBuf::from("journal/00000003.torn-1"),
                (before[Path::new(JOURNAL)].0.clone(), journal[whole.len()..].to_vec()),
            );
        }
    }
    assert!(expected == *after, "{name}: the folder changed: {:?}", diff(&expected, after));
}

fn diff(a: &BTreeMap<PathBuf, (String, Vec<u8>)>, b: &BTreeMap<PathBuf, (String, Vec<u8>)>) -> Vec<String> {
    let keys: std::collections::BTreeSet<_> = a.keys().chain(b.keys()).collect();
    keys.into_iter().filter(|k| a.get(*k) != b.get(*k)).map(|k| k.display().to_string()).collect()
}

/// Issue 8, "Beyond the fixes": the adversarial corpus through the real CLI and the core's unlock.
#[test]
fn corpus_every_damage_is_refused_or_opened_loudly_and_never_loses_the_withdrawal() {
    let t = template();
    let cases = corpus(t);
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.name();
        let s = scene(t, case);
        let before = tree(&s.vault);
        let outside = tree(&s.outside);
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // 1. `stats`, the real binary.
            let stats = cli_bounded(&s, &["stats", "--json"]);
            match case.app {
                App::Opens(notices) => {
                    assert_eq!(stats.code, 0, "{name}: stats failed: {}", stats.stderr);
                    let json = stats.json();
                    let kinds: Vec<&str> = json["vault_notices"]
                        .as_array()
                        .map(|a| a.iter().map(|n| n["kind"].as_str().expect("kind")).collect())
                        .unwrap_or_default();
                    assert_eq!(kinds, notices, "{name}: stats notices");
                    assert_eq!(stats.stderr.lines().count(), notices.len(), "{name}: one warning per notice");
                    assert_eq!(json["journal_records"], 4, "{name}: stats journal records");
                }
                App::Refuses(_, text) => {
                    assert_eq!(stats.code, 1, "{name}: stats did not refuse: {}", stats.stdout);
                    assert_eq!(stats.stderr.lines().count(), 1, "{name}: {}", stats.stderr);
                    assert!(stats.stderr.contains(text), "{name}: expected {text:?} in {}", stats.stderr);
                }
            }
            // 2. `verify`, the real binary.
            let verify = cli_bounded(&s, &["verify", "--json"]);
            match (case.app, case.verify) {
                (App::Refuses(_, text), _) => {
                    assert_eq!(verify.code, 1, "{name}: verify did not refuse");
                    assert!(verify.stderr.contains(text), "{name}: expected {text:?} in {}", verify.stderr);
                }
                (App::Opens(_), Verify::Ok) => {
                    assert_eq!(verify.code, 0, "{name}: verify failed: {}", verify.stderr);
                    assert_eq!(verify.json()["journal_records"], 4, "{name}");
                }
                (App::Opens(_), Verify::Fails(text)) => {
                    assert_eq!(verify.code, 1, "{name}: verify passed");
                    assert!(verify.stderr.contains(text), "{name}: expected {text:?} in {}", verify.stderr);
                }
            }
            // 3. The app's unlock (passphrase) through the core; notices are reported once, so none are left.
            match (case.app, core_unlock(&s, UnlockKey::Passphrase(SecretString::from(PASS)))) {
                (App::Opens(_), Ok((data, consent, notices))) => {
                    assert!(notices.is_empty(), "{name}: notices again: {notices:?}");
                    assert_eq!(consent, "withdrawn", "{name}: the withdrawal came back as {consent}");
                    assert!(data == t.reference, "{name}: the data differs");
                }
                (App::Refuses(kind, text), Err((found, message))) => {
                    assert_eq!(found, kind, "{name}: {message}");
                    assert!(message.contains(text), "{name}: expected {text:?} in {message}");
                }
                (expected, found) => panic!("{name}: expected {expected:?}, the core gave {:?}", found.map(|f| f.2)),
            }
            if case.path == "identity.age" {
                // The recovery key needs no identity file: the whole data is still there.
                let by_key = core_unlock(&s, UnlockKey::RecoveryKey(SecretString::from(t.recovery_key.clone())));
                let (data, consent, _) = by_key.unwrap_or_else(|e| panic!("{name}: the recovery key failed: {e:?}"));
                assert!(data == t.reference && consent == "withdrawn", "{name}: by recovery key");
            }
            // 4. Nothing outside the folder changed; the folder only by the cleanups named in the table.
            assert_eq!(tree(&s.outside), outside, "{name}: something outside the folder changed");
            check_folder(case, &before, &tree(&s.vault));
        }));
        if let Err(panic) = result {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(message);
        }
    }
    println!("adversarial corpus: {} cases", cases.len());
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    assert_eq!(cases.len(), CASES);
}

/// How many cases the corpus holds (docs/THREAT_MODEL.md gives the figure).
const CASES: usize = 115;

fn recipe(s: &Scene, out: &Path) -> Run {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/recover.sh");
    let mut cmd = std::process::Command::new("sh");
    cmd.arg(script).arg(&s.vault).arg(&template().key_file).arg(out);
    cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).stdin(std::process::Stdio::null());
    bounded(cmd.spawn().expect("sh"), "recover.sh")
}

/// Issue 8, "Beyond the fixes": the recovery recipe and the app agree over the corpus, or differ only as the
/// table says.
#[test]
fn corpus_the_recipe_and_the_app_agree() {
    let t = template();
    let cases = corpus(t);
    let mut failures = Vec::new();
    let (mut whole, mut older) = (0, 0);
    for case in &cases {
        let name = case.name();
        let s = scene(t, case);
        let out = s.home.join("recovered.db");
        let recipe = recipe(&s, &out);
        let app = core_unlock(&s, UnlockKey::Passphrase(SecretString::from(PASS)));
        let recovered = (recipe.code == 0).then(|| {
            let conn = rusqlite::Connection::open(&out).expect("recovered db");
            (dump(&conn), conference(&conn))
        });
        let problem = match (case.recipe, &app, &recovered) {
            (Recipe::Agrees, Ok((data, _, _)), Some((got, _))) if got == data => None,
            (Recipe::Agrees, Err(_), None) if !out.exists() => None,
            (Recipe::OpensWhole(_), Err(_), Some((got, consent))) if *got == t.reference && consent == "withdrawn" => {
                whole += 1;
                None
            }
            // The rollback the app refuses: the recipe rebuilds the older state it finds (the consent granted again).
            (Recipe::OpensOlder(_), Err((kind, _)), Some((got, _))) if kind == "rollback" && *got != t.reference => {
                older += 1;
                None
            }
            _ => Some(format!(
                "{name}: expected {:?}; app {:?}; recipe exit {} ({}), consent {:?}",
                case.recipe,
                app.as_ref().map(|a| &a.2),
                recipe.code,
                recipe.stderr.trim(),
                recovered.as_ref().map(|r| &r.1)
            )),
        };
        failures.extend(problem);
    }
    println!(
        "differential: {} cases; the recipe differs as the table says in {} (whole data where the app refuses) and {} (an older state: a rollback)",
        cases.len(),
        whole,
        older
    );
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
}
