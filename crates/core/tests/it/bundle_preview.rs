//! Issue 11: `preview_bundle` (the import dry run) reads a bundle addressed to this vault and applies nothing;
//! a bundle whose cases are not exactly the ones its signed manifest lists is refused.

use circlebook_core::bundle::file::{self, Audience, Contents, Seal};
use circlebook_core::bundle::{payload, SigningIdentity};
use circlebook_core::model::{ops, Ctx, ModelError};
use serde_json::json;

use crate::common::{add_case, fingerprint, Fixture};

fn write(dir: &std::path::Path, to: &str, listed: &[&str]) -> String {
    let mut db = payload::create().expect("payload");
    db.execute("INSERT INTO cases(id, code_name, created_at, updated_at) VALUES('c1', 'Willow', 't', 't')", [])
        .expect("case");
    let contents = Contents {
        bundle_id: "b1".into(),
        created_at: "2026-03-01T10:00:00Z".parse().expect("time"),
        audience: Audience::CoFacilitator,
        case_ids: listed.iter().map(|s| s.to_string()).collect(),
    };
    let signer = SigningIdentity::derive(&age::x25519::Identity::generate());
    let bytes = file::write(&signer, &contents, &mut db, &Seal::Recipients(vec![to.to_owned()])).expect("bundle");
    let path = dir.join(format!("{}.cbb", listed.join("-")));
    std::fs::write(&path, bytes).expect("write");
    path.to_str().expect("utf8").to_owned()
}

#[test]
fn a_preview_applies_nothing_and_unlisted_cases_are_refused() {
    let (fx, mut vault) = Fixture::new();
    add_case(&mut vault, "c1", "Willow");
    let ctx = Ctx::fixed("2026-03-02T10:00:00Z".parse().expect("t"), "tester");
    let me = ops::call("get_identity", &mut vault, &ctx, json!({})).expect("me");
    let to = me["recipient"].as_str().expect("r");
    let scratch = fx.scratch("bundles");
    std::fs::create_dir(&scratch).expect("dir");
    vault.save().expect("save");
    let before = fingerprint(&fx.dir);

    let good = write(&scratch, to, &["c1"]);
    let preview = ops::call("preview_bundle", &mut vault, &ctx, json!({ "path": good })).expect("preview");
    assert_eq!(
        preview["cases"],
        json!([{ "id": "c1", "code_name": "Willow", "new": false, "purged": false, "consent_entries": 0 }])
    );
    // The hand-made case's id is not a Circlebook id (a UUID): the dry run refuses it, in words.
    assert_eq!(preview["would_apply"], false);
    assert_eq!(preview["refusal"], "the bundle names its case Willow by an id that is not a Circlebook id");
    assert_eq!(preview["applied_before"], false);
    assert_eq!(preview["signer"]["known"], false);

    for listed in [&["c2"][..], &["c1", "c2"]] {
        let bad = write(&scratch, to, listed);
        let refused = ops::call("preview_bundle", &mut vault, &ctx, json!({ "path": bad }));
        assert!(
            matches!(refused, Err(ModelError::Invalid(ref m)) if m.contains("manifest")),
            "{listed:?}: {refused:?}"
        );
    }
    assert_eq!(fingerprint(&fx.dir), before, "previews change no file of the vault");
}
