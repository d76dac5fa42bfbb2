//! Criterion benchmarks of the vault's two hot paths, kept small: one durable edit, and unlocking with the
//! recovery key (no KDF). `circlebook-cli bench` is the full, documented benchmark (docs/PERFORMANCE.md).

use std::hint::black_box;

use circlebook_core::{Kdf, SecretString, UnlockKey, UnlockedVault, Vault};
use circlebook_demo as demo;
use criterion::{criterion_group, criterion_main, Criterion};

const PASS: &str = "lantern orchard velvet compass drizzle";

/// A vault of `cases` demo cases, compacted; its folder, recovery key and the unlocked vault.
fn vault(cases: usize) -> (tempfile::TempDir, SecretString, UnlockedVault) {
    let temp = tempfile::tempdir().expect("temp");
    let (mut vault, key) =
        Vault::create(&temp.path().join("v"), &SecretString::from(PASS), Kdf { log_n: 10 }).expect("create");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("a date");
    demo::add_cases(&mut vault, cases, 1, today).expect("demo");
    vault.compact().expect("compact");
    (temp, SecretString::from(key.expose()), vault)
}

fn durable_edit(c: &mut Criterion) {
    let mut group = c.benchmark_group("durable edit");
    group.sample_size(30);
    for cases in [50, 500] {
        let (_temp, _key, mut vault) = vault(cases);
        let id: String = vault.conn().query_row("SELECT id FROM notes LIMIT 1", [], |r| r.get(0)).expect("a note");
        let mut i = 0u64;
        group.bench_function(format!("{cases} cases"), |b| {
            b.iter(|| {
                i += 1;
                let body = format!("Edited note {i} (demonstration data).");
                vault.edit(|tx| tx.execute("UPDATE notes SET body = ?1 WHERE id = ?2", (&body, &id))).expect("edit")
            })
        });
    }
    group.finish();
}

fn unlock_with_key(c: &mut Criterion) {
    let mut group = c.benchmark_group("unlock without KDF");
    group.sample_size(20);
    let (temp, key, vault) = vault(500);
    drop(vault.lock().expect("lock"));
    let dir = temp.path().join("v");
    let key = UnlockKey::RecoveryKey(key);
    group.bench_function("500 cases", |b| {
        b.iter(|| black_box(Vault::open(&dir).expect("open").unlock(&key).expect("unlock")))
    });
    group.finish();
}

criterion_group!(benches, durable_edit, unlock_with_key);
criterion_main!(benches);
