//! The high-water mark (issue 8 item 3): the newest state of a vault this computer has seen (generation, record
//! sequence, head tag), kept outside the vault folder and authenticated with the vault's MAC key, so that an older
//! copy of the folder is noticed instead of opened silently.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::durable;
use super::seal::{self, MacKey, Tag};

/// Where high-water marks are kept when no folder is given: `CIRCLEBOOK_STATE_DIR`, else
/// `$XDG_STATE_HOME/circlebook`, else `~/.local/state/circlebook`.
pub fn default_state_dir() -> Option<PathBuf> {
    if let Some(dir) = PROCESS_STATE_DIR.get() {
        return Some(dir.clone());
    }
    if let Some(dir) = std::env::var_os("CIRCLEBOOK_STATE_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    std::env::var_os("XDG_STATE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))
        .map(|d| d.join("circlebook"))
}

static PROCESS_STATE_DIR: OnceLock<PathBuf> = OnceLock::new();

/// Sets the state folder for every vault this process opens without an explicit one (tests use a temp folder;
/// no environment variable has to change while threads run). The first call wins.
#[doc(hidden)]
pub fn use_state_dir_for_this_process(dir: &Path) {
    let _ = PROCESS_STATE_DIR.set(dir.to_path_buf());
}

/// A position in a vault's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub vault_id: String,
    pub generation: u64,
    pub sequence: u64,
    pub head: Tag,
}

/// The high-water mark file of one vault identity.
#[derive(Debug, Clone)]
pub struct Watermark {
    path: Option<PathBuf>,
}

const FIRST_LINE: &str = "circlebook high-water mark 2";

impl Watermark {
    pub fn new(state_dir: Option<&Path>, key: &MacKey) -> Self {
        let dir = state_dir.map(Path::to_path_buf).or_else(default_state_dir);
        Self { path: dir.map(|d| d.join(key.watermark_name())) }
    }

    /// The file, for messages.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The mark, `None` when this computer has none; an error when the file is not one this key wrote.
    pub fn read(&self, key: &MacKey) -> Result<Option<Mark>, String> {
        let Some(path) = &self.path else {
            return Ok(None);
        };
        if !durable::file_exists(path).map_err(|e| e.to_string())? {
            return Ok(None);
        }
        let bytes = durable::read(path).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|_| "it is not text".to_owned())?;
        let mut lines = text.lines();
        let mut field = |name: &str| -> Result<String, String> {
            let line = lines.next().ok_or("it ends too early")?;
            line.strip_prefix(name)
                .and_then(|v| v.strip_prefix(' '))
                .map(str::to_owned)
                .ok_or_else(|| format!("no {name} line"))
        };
        if field("circlebook")? != "high-water mark 2" {
            return Err("it is not a high-water mark of this version".into());
        }
        let vault_id = field("vault")?;
        let generation = field("generation")?.parse().map_err(|_| "bad generation".to_owned())?;
        let sequence = field("sequence")?.parse().map_err(|_| "bad sequence".to_owned())?;
        let head = seal::parse_tag(&field("head")?).ok_or("bad head")?;
        let mac = seal::parse_tag(&field("mac")?).ok_or("bad mac")?;
        if !seal::same(&mac, &key.watermark_tag(&vault_id, generation, sequence, &head)) {
            return Err("it fails authentication (not written with this vault's key, or altered)".into());
        }
        Ok(Some(Mark { vault_id, generation, sequence, head }))
    }

    /// Records `mark` (atomically; the folder is made owner-only when new).
    pub fn write(&self, key: &MacKey, mark: &Mark) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent() {
            durable::create_dir(dir)?;
        }
        let Mark { vault_id, generation, sequence, head } = mark;
        let mac = key.watermark_tag(vault_id, *generation, *sequence, head);
        let text = format!(
            "{FIRST_LINE}\nvault {vault_id}\ngeneration {generation}\nsequence {sequence}\nhead {}\nmac {}\n",
            seal::hex(head),
            seal::hex(&mac)
        );
        durable::replace(path, text.as_bytes())
    }
}

/// How a loaded state compares with the mark: `None` when it is the same or newer, else why it is older.
pub fn older_than(found: &Mark, tags: &[Tag], seen: &Mark) -> Option<String> {
    if found.vault_id != seen.vault_id {
        return Some(format!("this folder holds another vault (id {}) made with the same key", found.vault_id));
    }
    if found.generation > seen.generation {
        return None;
    }
    let at = |m: &Mark| format!("generation {}, record {}", m.generation, m.sequence);
    if found.generation < seen.generation || found.sequence < seen.sequence {
        return Some(format!(
            "the folder holds an older state ({}) than this computer has already seen ({}): a snapshot or journal \
             records were removed, or replaced by older copies",
            at(found),
            at(seen)
        ));
    }
    // Same generation, at least as many records: the record this computer saw last must be the same one.
    // `tags[0]` is the snapshot's seal (the head before any record), `tags[s]` record s's tag.
    match tags.get(seen.sequence as usize) {
        Some(tag) if seal::same(tag, &seen.head) => None,
        _ => Some(format!("the folder's history differs from the one this computer has seen at {}", at(seen))),
    }
}
