use circlebook_core::{Kdf, SecretString, UnlockKey, Vault};

#[test]
fn create_edit_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let vdir = dir.path().join("v");
    let pass = SecretString::from("lantern orchard velvet compass drizzle".to_owned());
    let (mut v, key) = Vault::create(&vdir, &pass, Kdf { log_n: 10 }).unwrap();
    assert!(key.expose().starts_with("AGE-SECRET-KEY-1"));
    v.edit(|tx| tx.execute("INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('a','Birch','t','t')", []).map(|_| ())).unwrap();
    v.edit(|tx| tx.execute("UPDATE cases SET stage='intake' WHERE id='a'", []).map(|_| ())).unwrap();
    drop(v);
    let v = Vault::open(&vdir).unwrap().unlock(&UnlockKey::Passphrase(pass.clone())).unwrap();
    let stage: String = v.conn().query_row("SELECT stage FROM cases", [], |r| r.get(0)).unwrap();
    assert_eq!(stage, "intake");
    let locked = v.lock().unwrap();
    let v = locked.unlock(&UnlockKey::RecoveryKey(SecretString::from(key.expose().to_owned()))).unwrap();
    assert_eq!(v.generation(), 2);
    eprintln!("{:?}", v.stats().unwrap());
}
