//! The TypeScript of the app's own commands (life cycle, keys, safety), generated like the registry's: read from
//! the `#[tauri::command]` functions in this folder (their names, parameters and return types), with every type
//! they exchange declared through ts-rs. The committed copy is `ui/src/lib/ipc/generated/commands.ts`; a test
//! checks it is fresh, and that the functions, `build.rs`'s command list (the ACL) and `main.rs`'s handler agree.

use std::collections::BTreeMap;
use std::path::Path;

use circlebook_core::model::bindings::camel;
use ts_rs::TS;

/// One command as declared in Rust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub name: String,
    /// Its doc comment, as one line.
    pub summary: String,
    /// The parameters the page sends (state and handles left out), with their Rust types.
    pub params: Vec<(String, String)>,
    /// What it answers (`()` when nothing), without the `Result<_, IpcError>`.
    pub returns: String,
}

/// Every `#[tauri::command]` function in the `.rs` files of `dir` (sorted by name).
pub fn commands_in(dir: &Path) -> Vec<Command> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the commands folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs") && !p.ends_with("bindings.rs"))
        .collect();
    files.sort();
    let mut out: Vec<Command> =
        files.iter().flat_map(|f| parse(&std::fs::read_to_string(f).expect("read a command file"))).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The commands declared in one source file.
fn parse(source: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let mut rest = source;
    while let Some(at) = rest.find("#[tauri::command]") {
        let doc: Vec<&str> = rest[..at]
            .lines()
            .rev()
            .skip_while(|l| l.trim().is_empty())
            .take_while(|l| l.trim_start().starts_with("///"))
            .collect();
        let summary =
            doc.iter().rev().map(|l| l.trim_start().trim_start_matches("///").trim()).collect::<Vec<_>>().join(" ");
        rest = &rest[at..];
        let fn_at = rest.find("fn ").expect("a function after #[tauri::command]");
        let after = &rest[fn_at + 3..];
        let open = after.find('(').expect("parameters");
        let name = after[..open].trim().to_owned();
        let close = matching(after, open);
        let params = split_top(&after[open + 1..close])
            .into_iter()
            .filter_map(|p| {
                let (n, t) = p.split_once(':')?;
                let t = t.trim().to_owned();
                let skip = ["State<", "AppHandle", "Window", "WebviewWindow"].iter().any(|s| t.contains(s));
                (!skip).then(|| (n.trim().trim_start_matches("mut ").to_owned(), t))
            })
            .collect();
        let tail = &after[close + 1..];
        let body = tail.find('{').expect("a body");
        let signature = tail[..body].trim();
        let returns = match signature.strip_prefix("->") {
            None => "()".to_owned(),
            Some(r) => {
                let r = r.trim();
                match r.strip_prefix("Result<").and_then(|r| r.strip_suffix('>')) {
                    Some(inner) => split_top(inner).first().cloned().unwrap_or_default(),
                    None => r.to_owned(),
                }
            }
        };
        out.push(Command { name, summary, params, returns });
        rest = &tail[body..];
    }
    out
}

/// The index of the bracket closing the one at `open`.
fn matching(text: &str, open: usize) -> usize {
    let mut depth = 0;
    for (i, c) in text.char_indices().skip(open) {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' if !text[..i].ends_with('-') => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced brackets in a command's signature");
}

/// Splits at the commas outside brackets, dropping empty pieces.
fn split_top(text: &str) -> Vec<String> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' | '>' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(text[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].trim().to_owned());
    out.retain(|p| !p.is_empty());
    out
}

/// The types commands exchange that TypeScript must declare: their Rust name → (TypeScript name, declaration).
fn declared() -> BTreeMap<&'static str, (String, String)> {
    fn entry<T: TS>(cfg: &ts_rs::Config) -> (String, String) {
        (T::ident(cfg), T::decl(cfg))
    }
    let cfg = circlebook_core::model::op::config();
    BTreeMap::from([
        ("VaultStatus", entry::<crate::session::VaultStatus>(&cfg)),
        ("Created", entry::<super::vault::Created>(&cfg)),
        ("PassphraseCheck", entry::<super::passphrase::PassphraseCheck>(&cfg)),
        ("Notice", entry::<circlebook_core::vault::Notice>(&cfg)),
        ("Generation", entry::<circlebook_core::vault::Generation>(&cfg)),
        ("Rotated", entry::<super::keys::Rotated>(&cfg)),
        ("IdleSetting", entry::<super::safety::IdleSetting>(&cfg)),
        ("BundleChoice", entry::<super::bundles::BundleChoice>(&cfg)),
        ("Refusal", entry::<super::bundles::Refusal>(&cfg)),
        ("BundleApplied", entry::<super::bundles::BundleApplied>(&cfg)),
        ("BundleSaved", entry::<super::share::BundleSaved>(&cfg)),
        ("Attached", entry::<super::files::Attached>(&cfg)),
        ("Saved", entry::<super::files::Saved>(&cfg)),
        ("ExchangeChoice", entry::<super::exchange::ExchangeChoice>(&cfg)),
    ])
}

/// A Rust type as the page sees it; `None` for an optional parameter's inner type is handled by the caller.
fn typescript_of(rust: &str, known: &BTreeMap<&'static str, (String, String)>) -> String {
    let rust = rust.trim();
    if let Some(inner) = rust.strip_prefix("Vec<").and_then(|r| r.strip_suffix('>')) {
        return format!("{}[]", typescript_of(inner, known));
    }
    if let Some(inner) = rust.strip_prefix("Option<").and_then(|r| r.strip_suffix('>')) {
        return format!("{} | null", typescript_of(inner, known));
    }
    match rust {
        "()" => "null".into(),
        "Secret" | "String" | "&str" | "NaiveDate" => "string".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" | "f64" => "number".into(),
        "bool" => "boolean".into(),
        "Value" | "serde_json::Value" => "unknown".into(),
        other => match known.get(other) {
            Some((name, _)) => name.clone(),
            None => panic!("a command exchanges `{other}`: derive ts_rs::TS on it and add it to `declared()`"),
        },
    }
}

/// `ui/src/lib/ipc/generated/commands.ts`: the types, and `Commands`, each command's arguments and answer.
pub fn typescript(commands: &[Command]) -> String {
    let known = declared();
    let mut out = String::new();
    for (_, decl) in known.values() {
        out.push_str("export ");
        out.push_str(decl.trim_end_matches(';'));
        out.push_str(";\n\n");
    }
    out.push_str(
        "/** Every command of the app: the arguments the page sends (camelCase, as Tauri expects) and what it \
         answers. */\nexport interface Commands {\n",
    );
    for command in commands {
        let args: Vec<String> = command
            .params
            .iter()
            .map(|(name, rust)| match rust.strip_prefix("Option<").and_then(|r| r.strip_suffix('>')) {
                Some(inner) => format!("{}?: {} | null", camel(name), typescript_of(inner, &known)),
                None => format!("{}: {}", camel(name), typescript_of(rust, &known)),
            })
            .collect();
        let args =
            if args.is_empty() { "Record<string, never>".to_owned() } else { format!("{{ {} }}", args.join("; ")) };
        out.push_str(&format!(
            "  /** {} */\n  {}: {{ args: {}; returns: {} }};\n",
            command.summary,
            command.name,
            args,
            typescript_of(&command.returns, &known)
        ));
    }
    out.push_str("}\n");
    // Types the declarations name from the other generated files.
    let import: String = [
        ("ErrorKind", "./errors"),
        ("BundlePreview", "./types"),
        ("Attachment", "./types"),
        ("Imported", "./types"),
        ("Exported", "./types"),
        ("ExchangeStatus", "./types"),
    ]
    .iter()
    .filter(|(name, _)| out.contains(name))
    .map(|(name, module)| format!("import type {{ {name} }} from '{module}';\n"))
    .collect();
    format!(
        "// Generated from the #[tauri::command] functions in src-tauri/src/commands. Do not edit by hand:\n\
         // `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings` rewrites it.\n{import}\n{out}"
    )
}

/// The names in a Rust array of string literals (`build.rs`'s `COMMANDS`) or paths (`generate_handler![…]`),
/// between `start` and the next `]`.
pub fn listed(source: &str, start: &str) -> Vec<String> {
    let at = source.find(start).unwrap_or_else(|| panic!("`{start}` not found"));
    let list = &source[at + start.len()..];
    let list = &list[..list.find(']').expect("the list's end")];
    let mut names: Vec<String> = list
        .split(',')
        .map(|item| item.trim().trim_matches('"').rsplit("::").next().unwrap_or_default().trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
    }

    #[test]
    fn parses_a_command_signature() {
        let source =
            "/// Opens it.\n/// More.\n#[tauri::command]\npub async fn open_it(\n    state: State<'_, AppState>,\n    \
                      passphrase: Option<Secret>,\n    number: u64,\n) -> Result<Vec<Generation>, IpcError> {\n}\n\n\
                      /// Nothing back.\n#[tauri::command]\npub fn ping(app: AppHandle) {\n}\n";
        let parsed = parse(source);
        assert_eq!(
            parsed,
            [
                Command {
                    name: "open_it".into(),
                    summary: "Opens it. More.".into(),
                    params: vec![("passphrase".into(), "Option<Secret>".into()), ("number".into(), "u64".into())],
                    returns: "Vec<Generation>".into(),
                },
                Command { name: "ping".into(), summary: "Nothing back.".into(), params: vec![], returns: "()".into() },
            ]
        );
        let ts = typescript(&parsed);
        assert!(
            ts.contains("open_it: { args: { passphrase?: string | null; number: number }; returns: Generation[] };"),
            "{ts}"
        );
        assert!(ts.contains("ping: { args: Record<string, never>; returns: null };"), "{ts}");
    }

    /// The functions, the ACL's list in build.rs and the handler in main.rs name the same commands.
    #[test]
    fn bindings_name_every_command_once() {
        let functions: Vec<String> = commands_in(&dir().join("src/commands")).into_iter().map(|c| c.name).collect();
        let build = std::fs::read_to_string(dir().join("build.rs")).expect("build.rs");
        let main = std::fs::read_to_string(dir().join("src/main.rs")).expect("main.rs");
        assert_eq!(listed(&build, "const COMMANDS: &[&str] = &["), functions, "build.rs's COMMANDS");
        assert_eq!(listed(&main, "generate_handler!["), functions, "main.rs's generate_handler!");
    }

    /// The committed TypeScript is what the command functions generate now.
    #[test]
    fn bindings_commands_are_fresh() {
        let fresh = typescript(&commands_in(&dir().join("src/commands")));
        let path = dir().join("../ui/src/lib/ipc/generated/commands.ts");
        if std::env::var_os("UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &fresh).expect("write bindings");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == fresh,
            "ui/src/lib/ipc/generated/commands.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p circlebook-app bindings`"
        );
    }
}
