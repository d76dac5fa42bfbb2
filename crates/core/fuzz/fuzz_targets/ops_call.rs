//! The registry's one door: any operation name with any JSON arguments either performs the operation or
//! returns an error; it never panics, and the database stays consistent.
#![no_main]

use std::sync::{Mutex, OnceLock};

use circlebook_core::model::{ops, Ctx};
use circlebook_core::{Kdf, SecretString, UnlockKey, UnlockedVault, Vault};
use libfuzzer_sys::fuzz_target;

struct Fixture {
    _dir: tempfile::TempDir,
    vault: UnlockedVault,
    names: Vec<&'static str>,
    calls: u64,
}

fn fixture() -> &'static Mutex<Fixture> {
    static FIXTURE: OnceLock<Mutex<Fixture>> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // In TMPDIR when set (scripts/fuzz.sh sets it to a folder it removes: this static fixture is never dropped),
        // else under /dev/shm when it exists: the journal this writes is synthetic, and fsync there is cheap.
        let base = match std::env::var_os("TMPDIR") {
            Some(dir) => std::path::PathBuf::from(dir),
            None if std::path::Path::new("/dev/shm").is_dir() => "/dev/shm".into(),
            None => "/tmp".into(),
        };
        let dir = tempfile::Builder::new().prefix("circlebook-fuzz-").tempdir_in(base).expect("a temp folder");
        let passphrase = SecretString::from("fuzzing lantern orchard velvet");
        let path = dir.path().join("vault");
        let (vault, _key) = Vault::create(&path, &passphrase, Kdf { log_n: 10 }).expect("create");
        drop(vault);
        let vault = Vault::open(&path).expect("open").unlock(&UnlockKey::Passphrase(passphrase)).expect("unlock");
        let names = ops::all().iter().map(|op| op.name).collect();
        Mutex::new(Fixture { _dir: dir, vault, names, calls: 0 })
    })
}

// An input is `NAME\0JSON`; a name that is not an operation's picks one by its first byte, so that every
// operation is reached (the seeds in `seeds/ops_call/` are readable calls).
fuzz_target!(|data: &[u8]| {
    let Some(split) = data.iter().position(|&b| b == 0) else { return };
    let (name, json) = (&data[..split], &data[split + 1..]);
    let Ok(mut args) = serde_json::from_slice::<serde_json::Value>(json) else { return };
    let mut fixture = fixture().lock().expect("not poisoned");
    let name = match fixture.names.iter().find(|n| n.as_bytes() == name) {
        Some(known) => *known,
        None => fixture.names[usize::from(name.first().copied().unwrap_or(0)) % fixture.names.len()],
    };
    if name == "export_bundle" {
        // It writes a bundle wherever `out` says: keep that inside the fixture's folder, and start afresh.
        let out = fixture._dir.path().join("export.cbb");
        let _ = std::fs::remove_file(&out);
        if let Some(map) = args.as_object_mut() {
            map.insert("out".into(), serde_json::Value::String(out.to_string_lossy().into_owned()));
        }
    }
    if name == "set_exchange_folder" {
        // `export_to_exchange` writes into the folder chosen here: keep that inside the fixture's folder too.
        let folder = fixture._dir.path().join("exchange");
        let _ = std::fs::create_dir_all(&folder);
        if let Some(map) = args.as_object_mut() {
            if !map.get("path").is_some_and(serde_json::Value::is_null) {
                map.insert("path".into(), serde_json::Value::String(folder.to_string_lossy().into_owned()));
            }
        }
    }
    let ctx = Ctx::new("fuzz");
    let _ = ops::call(name, &mut fixture.vault, &ctx, args);
    fixture.calls += 1;
    if fixture.calls % 256 == 0 {
        let check: String =
            fixture.vault.conn().query_row("PRAGMA integrity_check", [], |row| row.get(0)).expect("integrity_check");
        assert_eq!(check, "ok", "the database is damaged after {} calls", fixture.calls);
    }
});
