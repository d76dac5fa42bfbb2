//! Property test: random edits, folds, compactions and reopenings equal a simple in-memory model.

use std::collections::BTreeMap;

use proptest::prelude::*;

use crate::common::*;

#[derive(Debug, Clone)]
enum Op {
    AddCase(u8),
    SetStage(u8, u8),
    DeleteCase(u8),
    AddNote(u8, String),
    Fold,
    Compact,
    Relock,
    Crash,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => any::<u8>().prop_map(|k| Op::AddCase(k % 12)),
        3 => (any::<u8>(), any::<u8>()).prop_map(|(k, s)| Op::SetStage(k % 12, s % 6)),
        1 => any::<u8>().prop_map(|k| Op::DeleteCase(k % 12)),
        3 => (any::<u8>(), "[ -~\n'\"é🌿]{0,60}").prop_map(|(k, b)| Op::AddNote(k % 12, b)),
        1 => Just(Op::Fold),
        1 => Just(Op::Compact),
        1 => Just(Op::Relock),
        1 => Just(Op::Crash),
    ]
}

const STAGES: [&str; 6] = ["referral", "intake", "preparation", "active", "follow-up", "closed"];

type Model = BTreeMap<String, (String, Vec<String>)>;

fn observe(vault: &circlebook_core::UnlockedVault) -> Model {
    let mut model = Model::new();
    let conn = vault.conn();
    let mut stmt = conn.prepare("SELECT id, stage FROM cases").expect("prepare");
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).expect("q") {
        let (id, stage) = row.expect("row");
        model.insert(id, (stage, Vec::new()));
    }
    let mut stmt = conn.prepare("SELECT case_id, body FROM notes ORDER BY created_at, id").expect("prepare");
    for row in stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).expect("q") {
        let (case, body) = row.expect("row");
        model.get_mut(&case).expect("note of a live case").1.push(body);
    }
    model
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]
    #[test]
    fn the_vault_matches_a_model(ops in proptest::collection::vec(op(), 1..40)) {
        let (fx, vault) = Fixture::new();
        let mut vault = Some(vault);
        let mut model = Model::new();
        for (step, op) in ops.iter().enumerate() {
            let v = vault.as_mut().expect("unlocked");
            match op {
                Op::AddCase(k) => {
                    let id = format!("c{k:02}");
                    if let std::collections::btree_map::Entry::Vacant(slot) = model.entry(id.clone()) {
                        add_case(v, &id, "Model");
                        slot.insert(("referral".into(), Vec::new()));
                    }
                }
                Op::SetStage(k, s) => {
                    let id = format!("c{k:02}");
                    v.edit(|tx| tx.execute("UPDATE cases SET stage = ?1 WHERE id = ?2", [STAGES[*s as usize], &id])).expect("edit");
                    if let Some(entry) = model.get_mut(&id) { entry.0 = STAGES[*s as usize].into(); }
                }
                Op::DeleteCase(k) => {
                    let id = format!("c{k:02}");
                    v.edit(|tx| tx.execute("DELETE FROM cases WHERE id = ?1", [&id])).expect("edit");
                    model.remove(&id);
                }
                Op::AddNote(k, body) => {
                    let id = format!("c{k:02}");
                    if model.contains_key(&id) {
                        let note = format!("n{step:03}");
                        v.edit(|tx| tx.execute(
                            "INSERT INTO notes(id, case_id, body, created_at) VALUES(?1, ?2, ?3, ?4)",
                            [&note, &id, body, &format!("{step:03}")],
                        )).expect("edit");
                        model.get_mut(&id).expect("case").1.push(body.clone());
                    }
                }
                Op::Fold => v.fold().expect("fold"),
                Op::Compact => v.compact().expect("compact"),
                Op::Relock => {
                    let locked = vault.take().expect("v").lock().expect("lock");
                    vault = Some(locked.unlock(&fx.by_key()).expect("unlock"));
                }
                Op::Crash => {
                    drop(vault.take());
                    vault = Some(fx.unlock());
                }
            }
            prop_assert_eq!(&observe(vault.as_ref().expect("v")), &model, "after step {} {:?}", step, op);
        }
        drop(vault.take());
        let reopened = fx.unlock();
        prop_assert_eq!(observe(&reopened), model);
        prop_assert!(reopened.verify().expect("verify").ok());
    }
}
