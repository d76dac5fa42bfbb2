//! The shape of the case model (`src/model/`), checked from its source: the modules form layers, each importing
//! only from its own layer or those below, with no import cycle; modules name the module an item lives in, never
//! the `model` facade; and the areas and composite reads export no free functions, so the registry (`ops`) is the
//! only door for front ends. See docs/ARCHITECTURE.md, "Layers of the model".
//!
//! An import is any `super::NAME` or `crate::model::NAME` path (in `use` lines, bodies and macros) outside the
//! unit-test module at the end of a file (`#[cfg(test)]`): tests may reach anywhere, shipped code may not.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom first. A new module must be placed here (the test fails until it is).
const LAYERS: &[(&str, &[&str])] = &[
    ("vocabulary", &["context", "errors", "ids", "op", "rows", "vocab"]),
    (
        "areas",
        &[
            "accountability",
            "assessments",
            "attachments",
            "audit_log",
            "cases",
            "consent",
            "notes",
            "participants",
            "processes",
            "progress_report",
            "roster",
            "safety",
            "search",
            "session_consent",
            "session_outcomes",
            "sessions",
            "shuttle",
            "snippet",
            "stats",
            "tasks",
            "terminology",
        ],
    ),
    ("composite reads", &["case_file", "due", "participant_record", "session_attention", "session_record", "timeline"]),
    ("registry", &["ops", "testing"]),
    ("bindings", &["bindings"]),
];

/// Free functions of the areas and composite reads that stay `pub`, and why. Everything else is `pub(crate)`.
const PUBLIC_FUNCTIONS: &[(&str, &str, &str)] = &[(
    "search",
    "fts_query",
    "pure text to an FTS5 query, no vault access; the fuzz target and the search tests call it directly",
)];

/// The imports of one module: the model modules its shipped code names.
fn imports(module: &str, source: &str, modules: &BTreeSet<String>, out: &mut Vec<String>) -> BTreeSet<String> {
    let shipped = source.split("#[cfg(test)]").next().unwrap_or_default();
    let code: String =
        shipped.lines().filter(|line| !line.trim_start().starts_with("//")).map(|line| format!("{line}\n")).collect();
    let mut found = BTreeSet::new();
    for prefix in ["super::", "crate::model::"] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for name in path_heads(rest) {
                if !modules.contains(&name) {
                    out.push(format!(
                        "model/{module}.rs names `{name}` through the model facade (`{prefix}{name}`): import it from \
                         the module that defines it"
                    ));
                } else if name != module {
                    found.insert(name);
                }
            }
        }
    }
    found
}

/// The first segment of the path at the start of `rest`: one name, or each top-level name of a `{…}` group.
fn path_heads(rest: &str) -> Vec<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    if !rest.starts_with('{') {
        return vec![ident(rest)];
    }
    let (mut depth, mut heads, mut start) = (0, Vec::new(), true);
    for (i, c) in rest.char_indices() {
        match c {
            '{' => {
                depth += 1;
                if depth == 1 {
                    start = true;
                    continue;
                }
            }
            '}' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            ',' if depth == 1 => {
                start = true;
                continue;
            }
            _ => {}
        }
        if depth == 1 && start && !c.is_whitespace() {
            let name = ident(&rest[i..]);
            if !name.is_empty() && name != "self" {
                heads.push(name);
            }
            start = false;
        }
    }
    heads
}

/// Every problem with the model folder at `dir`: facade imports, unplaced modules, upward imports, cycles, public
/// free functions of areas. Empty when the shape holds.
fn problems(dir: &Path, layers: &[(&str, &[&str])], public: &[(&str, &str, &str)]) -> Vec<String> {
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("read model folder") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().expect("stem").to_string_lossy().into_owned();
            sources.insert(name, std::fs::read_to_string(&path).expect("read module"));
        }
    }
    let facade = sources.remove("mod").unwrap_or_default();
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    let mut out = Vec::new();

    for line in facade.lines().map(str::trim) {
        let declares = line.starts_with("pub mod ") || line.starts_with("mod ") || line.starts_with("pub use ");
        if !(line.is_empty() || line.starts_with("//") || line.starts_with("#[") || declares) {
            out.push(format!("model/mod.rs only declares and re-exports modules, but holds `{line}`"));
        }
    }

    let layer_of: BTreeMap<&str, usize> =
        layers.iter().enumerate().flat_map(|(rank, (_, names))| names.iter().map(move |n| (*n, rank))).collect();
    let mut graph = BTreeMap::new();
    for (module, source) in &sources {
        let Some(&rank) = layer_of.get(module.as_str()) else {
            out.push(format!("model/{module}.rs is in no layer: place it in LAYERS (tests/it/layering.rs)"));
            continue;
        };
        let deps = imports(module, source, &modules, &mut out);
        for dep in &deps {
            match layer_of.get(dep.as_str()) {
                Some(&dep_rank) if dep_rank > rank => out.push(format!(
                    "model/{module}.rs ({}) imports {dep} from a higher layer ({})",
                    layers[rank].0, layers[dep_rank].0
                )),
                _ => {}
            }
        }
        graph.insert(module.clone(), deps);
        if (1..=2).contains(&rank) {
            for line in source.split("#[cfg(test)]").next().unwrap_or_default().lines() {
                let Some(rest) = line.strip_prefix("pub fn ") else { continue };
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                if !public.iter().any(|(m, f, _)| m == module && *f == name) {
                    out.push(format!(
                        "model/{module}.rs: `pub fn {name}` is a door around the registry: make it pub(crate)"
                    ));
                }
            }
        }
    }
    out.extend(cycles(&graph));
    out
}

/// One message per import cycle found by a depth-first walk, naming the modules around it.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn walk<'a>(
        node: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        done: &mut BTreeSet<&'a str>,
        path: &mut Vec<&'a str>,
        out: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut around: Vec<&str> = path[at..].to_vec();
            around.push(node);
            out.push(format!("import cycle in model/: {}", around.join(" -> ")));
            return;
        }
        if !done.insert(node) {
            return;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            walk(next, graph, done, path, out);
        }
        path.pop();
    }
    let (mut done, mut out) = (BTreeSet::new(), Vec::new());
    for node in graph.keys() {
        walk(node, graph, &mut done, &mut Vec::new(), &mut out);
    }
    out
}

#[test]
fn the_model_is_layered_without_cycles() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model");
    let problems = problems(&dir, LAYERS, PUBLIC_FUNCTIONS);
    assert!(problems.is_empty(), "the model's layering is broken:\n{}", problems.join("\n"));
}

/// The check itself fails on what it guards against (so a broken parser cannot pass silently).
#[test]
fn the_check_finds_cycles_upward_imports_facade_names_and_open_doors() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| std::fs::write(tmp.path().join(format!("{name}.rs")), text).expect("write");
    write("mod", "//! Facade.\npub mod a;\npub mod b;\npub mod low;\npub mod top;\npub use low::Word;\n");
    write("low", "//! Bottom.\npub struct Word;\n");
    write("a", "use super::{low::Word, b};\npub(crate) fn f() {}\n");
    write("b", "use super::low::Word;\nfn g() { super::a::f() }\n");
    write("top", "use super::a;\n#[cfg(test)]\nmod tests { use crate::model::b; }\n");
    let layers: &[(&str, &[&str])] = &[("low", &["low"]), ("areas", &["a", "b"]), ("top", &["top"])];
    let clean = problems(tmp.path(), layers, &[]);
    assert_eq!(clean.len(), 1, "{clean:?}");
    assert!(clean[0].starts_with("import cycle in model/: a -> b -> a"), "{clean:?}");

    write("b", "use super::low::Word;\n");
    assert!(problems(tmp.path(), layers, &[]).is_empty());

    write("b", "use super::{Word, top};\npub fn open() {}\n");
    write("stray", "//! Unplaced.\n");
    let found = problems(tmp.path(), layers, &[]).join("\n");
    for expected in ["names `Word` through the model facade", "imports top from a higher layer", "`pub fn open`"] {
        assert!(found.contains(expected), "missing {expected:?} in:\n{found}");
    }
    assert!(found.contains("model/stray.rs is in no layer"), "{found}");
}
