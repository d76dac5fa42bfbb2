//! The exchange folder (issue 11): a folder that a sync tool (Syncthing, Nextcloud, a shared drive) keeps in
//! step between facilitators. Each vault writes only into its own subfolder, named by a hash of its signing key
//! (no names), immutable bundles named by their bundle id, each written under a dot-prefixed temp name, synced,
//! renamed and the subfolder synced. Reading lists the other subfolders one level deep and judges each file
//! cheaply, from its age header and its last encrypted chunk only: new, applied, still arriving, not for this
//! vault, or refused (why). Temp files, partial downloads, sync tools' conflict copies and version folders, and
//! links are skipped; nothing is ever written, locked or deleted outside this vault's own subfolder. Where the
//! folder is, is a local setting (`settings`, never exported). Importing a listed file is `import_bundle` with
//! its path (docs/FORMAT.md, "Exchange folder").

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::contacts::signing_identity;
use super::export::{self, ExportPlan, Exported};
use super::file::Limits;
use super::header::{self, HeaderError};
use super::keys::PublicKey;
use crate::model::ops::Op;
use crate::model::terminology::NoArgs;
use crate::model::{Ctx, ModelError};
use crate::vault::{EditError, UnlockedVault};

pub fn ops() -> Vec<Op> {
    crate::ops! {
        vault "set_exchange_folder" => set_exchange_folder, "Choose the exchange folder a sync tool keeps in step (or none, with null); a local setting, never exported.";
        vault "exchange_status" => exchange_status, "The exchange folder, this vault's subfolder in it and the bundles other vaults left there, each new, applied, still arriving, not for this vault or refused (changes nothing).";
        vault "export_to_exchange" => export_to_exchange, "Export as `export_bundle` does, into this vault's subfolder of the exchange folder, named by the bundle id.";
    }
}

/// The `settings` key that holds the folder's path.
pub const SETTING_KEY: &str = "exchange_folder";
/// A bundle's file name: its bundle id and this extension.
pub const EXTENSION: &str = "cbb";
const SUBFOLDER_DOMAIN: &[u8] = b"circlebook exchange subfolder v1\n";

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ExchangeFolderArgs {
    /// The folder, or `null` to stop using one.
    pub path: Option<String>,
}

/// What Circlebook makes of one file in another vault's subfolder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum IncomingState {
    /// Addressed to this vault and whole: review it, then apply it (`import_bundle` with its path).
    New,
    /// A bundle with this id was applied here before (its file name says which).
    Applied,
    /// Not all of it is here yet: the sync tool is still copying it.
    StillArriving,
    /// Encrypted to other people.
    NotForUs,
    /// Not something Circlebook reads (see `reason`).
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct IncomingBundle {
    /// The full path, for `import_bundle`.
    pub path: String,
    /// The file's name.
    pub file: String,
    /// The sender's subfolder (a hash of their signing key).
    pub subfolder: String,
    /// The contact whose subfolder it is, when one of them is.
    pub from: Option<String>,
    /// The bundle id its name carries (checked against the signed manifest when it is applied).
    pub bundle_id: Option<String>,
    pub size: u64,
    pub modified: Option<DateTime<Utc>>,
    pub state: IncomingState,
    /// Why, for `refused`.
    pub reason: Option<String>,
}

/// A file or folder left aside, and why (temp files, conflict copies, version folders, links).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SkippedEntry {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExchangeStatus {
    /// The folder, when one is chosen.
    pub folder: Option<String>,
    /// This vault's subfolder in it (created at the first export into it).
    pub my_subfolder: Option<String>,
    /// The name of this vault's subfolder (the same in every copy of the folder).
    pub my_subfolder_name: String,
    /// Why the folder cannot be read now (vanished, unreadable); then `incoming` is empty.
    pub problem: Option<String>,
    /// Bundles this vault left in its own subfolder.
    pub sent: u64,
    /// Bundles in other vaults' subfolders, newest first.
    pub incoming: Vec<IncomingBundle>,
    pub skipped: Vec<SkippedEntry>,
}

fn invalid(text: impl Into<String>) -> ModelError {
    ModelError::Invalid(text.into())
}

/// The subfolder of the vault with this signing key: 32 hex digits of a domain-separated SHA-256 of the key.
pub fn subfolder_name(key: &PublicKey) -> String {
    let mut hash = Sha256::new();
    hash.update(SUBFOLDER_DOMAIN);
    hash.update(key.to_text().as_bytes());
    hash.finalize()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

fn is_subfolder_name(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The folder stored in the settings, if any.
pub fn stored_folder(conn: &Connection) -> Result<Option<PathBuf>, ModelError> {
    let value: Option<String> =
        conn.query_row("SELECT value FROM settings WHERE key = ?1", [SETTING_KEY], |r| r.get(0)).optional()?;
    Ok(value.map(PathBuf::from))
}

/// Why a file name is not a bundle to look at, or `None` when it is one (`<uuid>.cbb`).
fn skip_reason(name: &str) -> Option<&'static str> {
    let lower = name.to_lowercase();
    if name.starts_with('.') {
        Some("hidden or temporary (a name starting with a dot)")
    } else if [".tmp", ".part", ".partial", ".!sync", ".crdownload", ".download"].iter().any(|s| lower.ends_with(s))
        || name.starts_with('~')
    {
        Some("a file still being written (temporary name)")
    } else if lower.contains(".sync-conflict-") || lower.contains("conflicted copy") || lower.contains("conflict copy")
    {
        Some("a sync tool's conflict copy")
    } else if bundle_id_of(name).is_none() {
        Some("not a bundle's name (bundle id and .cbb)")
    } else {
        None
    }
}

fn bundle_id_of(name: &str) -> Option<String> {
    let stem = name.strip_suffix(&format!(".{EXTENSION}"))?;
    let id = uuid::Uuid::parse_str(stem).ok()?;
    (id.hyphenated().to_string() == stem).then(|| stem.to_owned())
}

/// Judges one candidate file from its age header and last chunk, opened without following links.
fn judge(path: &Path, size: u64, identity: &age::x25519::Identity, limits: &Limits) -> (IncomingState, Option<String>) {
    let refused = |why: String| (IncomingState::Refused, Some(why));
    if size > limits.max_file_bytes as u64 {
        return refused(format!("larger than a bundle may be ({} bytes at most)", limits.max_file_bytes));
    }
    let mut file = match open_no_follow(path) {
        Ok(file) => file,
        Err(e) => return refused(format!("it cannot be read: {e}")),
    };
    let mut head = Vec::new();
    if let Err(e) = (&mut file).take(limits.header.max_bytes as u64).read_to_end(&mut head) {
        return refused(format!("it cannot be read: {e}"));
    }
    const MAGIC: &[u8] = b"age-encryption.org/v1\n";
    let arriving = (IncomingState::StillArriving, None);
    match header::check(&head, &limits.header) {
        Ok(_) => {}
        // The start of an age file, or a header cut short: the rest has not come yet.
        Err(HeaderError::NotAge) if MAGIC.starts_with(&head) => return arriving,
        Err(HeaderError::Malformed) if head.len() as u64 == size && !head.windows(4).any(|w| w == b"\n---") => {
            return arriving
        }
        Err(e) => return refused(format!("not a bundle Circlebook reads: {e}")),
    }
    if file.seek(SeekFrom::Start(0)).is_err() {
        return refused("it cannot be read".into());
    }
    let decryptor = match age::Decryptor::new(file) {
        Ok(d) => d,
        // The header is whole (checked above), so only the nonce after it can be missing.
        Err(age::DecryptError::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => return arriving,
        Err(e) => return refused(format!("not a bundle Circlebook reads: {e}")),
    };
    let mut reader = match decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)) {
        Ok(reader) => reader,
        Err(age::DecryptError::NoMatchingKeys) => return (IncomingState::NotForUs, None),
        Err(e) => return refused(format!("its encryption header is damaged: {e}")),
    };
    // Authenticates the last chunk as the last one: a file cut short fails here.
    match reader.seek(SeekFrom::End(0)) {
        Ok(_) => (IncomingState::New, None),
        Err(_) => arriving,
    }
}

/// Opens a plain file for reading, never through a link and never waiting on a FIFO.
fn open_no_follow(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::CLOEXEC;
    let file = fs::OpenOptions::new().read(true).custom_flags(flags.bits() as i32).open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a plain file"));
    }
    Ok(file)
}

fn modified(meta: &fs::Metadata) -> Option<DateTime<Utc>> {
    meta.modified().ok().map(DateTime::<Utc>::from)
}

/// Lists one level of other vaults' subfolders.
fn list(
    folder: &Path,
    mine: &str,
    conn: &Connection,
    identity: &age::x25519::Identity,
    contacts: &[(String, String)],
    status: &mut ExchangeStatus,
) -> std::io::Result<()> {
    let limits = Limits::default();
    let mut skip = |path: &Path, reason: &str| {
        status.skipped.push(SkippedEntry { path: path.display().to_string(), reason: reason.to_owned() })
    };
    let mut subfolders: Vec<(String, PathBuf)> = Vec::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            skip(&path, "a link (links are not followed)");
        } else if !kind.is_dir() {
            if !name.starts_with('.') {
                skip(&path, "not in a vault's subfolder");
            }
        } else if name == mine {
            continue;
        } else if is_subfolder_name(&name) {
            subfolders.push((name, path));
        } else if !name.starts_with('.') {
            skip(&path, "not a vault's subfolder (version folders and others are left alone)");
        }
    }
    subfolders.sort();
    for (subfolder, dir) in subfolders {
        let from = contacts.iter().find(|(_, sub)| *sub == subfolder).map(|(name, _)| name.clone());
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                skip(&dir, &format!("cannot be read: {e}"));
                continue;
            }
        };
        for entry in entries {
            let entry = entry?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = fs::symlink_metadata(&path)?;
            if meta.file_type().is_symlink() {
                skip(&path, "a link (links are not followed)");
                continue;
            }
            if let Some(reason) = skip_reason(&name) {
                if !name.starts_with('.') {
                    skip(&path, reason);
                }
                continue;
            }
            if !meta.is_file() {
                skip(&path, "not a plain file");
                continue;
            }
            let bundle_id = bundle_id_of(&name);
            let applied: bool = conn
                .query_row("SELECT count(*) > 0 FROM imported_bundles WHERE bundle_id = ?1", params![bundle_id], |r| {
                    r.get(0)
                })
                .map_err(std::io::Error::other)?;
            let (state, reason) =
                if applied { (IncomingState::Applied, None) } else { judge(&path, meta.len(), identity, &limits) };
            status.incoming.push(IncomingBundle {
                path: path.display().to_string(),
                file: name,
                subfolder: subfolder.clone(),
                from: from.clone(),
                bundle_id,
                size: meta.len(),
                modified: modified(&meta),
                state,
                reason,
            });
        }
    }
    status.incoming.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| a.path.cmp(&b.path)));
    Ok(())
}

fn status_of(vault: &UnlockedVault) -> Result<ExchangeStatus, ModelError> {
    let me = signing_identity(vault);
    let mine = subfolder_name(&me.public());
    let conn = vault.conn();
    let folder = stored_folder(conn)?;
    let mut status = ExchangeStatus {
        folder: folder.as_ref().map(|f| f.display().to_string()),
        my_subfolder: folder.as_ref().map(|f| f.join(&mine).display().to_string()),
        my_subfolder_name: mine.clone(),
        problem: None,
        sent: 0,
        incoming: Vec::new(),
        skipped: Vec::new(),
    };
    let Some(folder) = folder else { return Ok(status) };
    let contacts: Vec<(String, String)> = {
        let mut stmt = conn.prepare("SELECT name, signing_key FROM contacts ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter_map(|(name, key)| PublicKey::from_text(&key).map(|k| (name, subfolder_name(&k))))
            .collect()
    };
    if let Err(problem) = check_folder(&folder) {
        status.problem = Some(problem);
        return Ok(status);
    }
    status.sent = fs::read_dir(folder.join(&mine))
        .map(|entries| {
            entries.filter_map(Result::ok).filter(|e| bundle_id_of(&e.file_name().to_string_lossy()).is_some()).count()
                as u64
        })
        .unwrap_or(0);
    let listed = list(&folder, &mine, conn, vault.identity(), &contacts, &mut status);
    if let Err(e) = listed {
        status.incoming.clear();
        status.problem = Some(format!("the exchange folder {} cannot be read: {e}", folder.display()));
    }
    Ok(status)
}

/// The folder is there, a folder, and readable; else why not, in one line.
fn check_folder(folder: &Path) -> Result<(), String> {
    match fs::metadata(folder) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(format!("the exchange folder {} is not a folder", folder.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "the exchange folder {} is not there (is the drive connected, or was it moved?)",
                folder.display()
            ))
        }
        Err(e) => return Err(format!("the exchange folder {} cannot be reached: {e}", folder.display())),
    }
    fs::read_dir(folder)
        .map(|_| ())
        .map_err(|e| format!("the exchange folder {} cannot be read: {e}", folder.display()))
}

/// Neither folder may hold the other: bundles stay out of the vault, and the vault out of a folder others see.
fn check_apart(folder: &Path, vault_dir: &Path) -> Result<(), ModelError> {
    let vault_dir = fs::canonicalize(vault_dir).unwrap_or_else(|_| vault_dir.to_path_buf());
    if folder.starts_with(&vault_dir) {
        return Err(invalid("choose an exchange folder outside the vault's folder"));
    }
    if vault_dir.starts_with(folder) {
        return Err(invalid(
            "the vault's folder is inside that folder, so everyone it is shared with would get a copy of the \
             vault: choose another exchange folder",
        ));
    }
    Ok(())
}

pub fn set_exchange_folder(
    vault: &mut UnlockedVault,
    _ctx: &Ctx,
    args: ExchangeFolderArgs,
) -> Result<ExchangeStatus, ModelError> {
    let value = match args.path.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(path) => {
            let given = Path::new(path);
            check_folder(given).map_err(invalid)?;
            let folder = fs::canonicalize(given)
                .map_err(|e| invalid(format!("the exchange folder {path} cannot be reached: {e}")))?;
            check_apart(&folder, vault.dir())?;
            let text = folder
                .to_str()
                .ok_or_else(|| invalid("the exchange folder's path is not UTF-8: choose another"))?
                .to_owned();
            Some(text)
        }
    };
    let current = stored_folder(vault.conn())?.map(|p| p.display().to_string());
    if current != value {
        let result = vault.edit(|tx| {
            match &value {
                Some(text) => tx.execute(
                    "INSERT INTO settings(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    params![SETTING_KEY, text],
                )?,
                None => tx.execute("DELETE FROM settings WHERE key = ?1", [SETTING_KEY])?,
            };
            Ok::<_, ModelError>(())
        });
        match result {
            Ok(()) => {}
            Err(EditError::Rejected(e)) => return Err(e),
            Err(EditError::Unsaved(e)) => return Err(ModelError::Unsaved(e)),
        }
    }
    status_of(vault)
}

pub fn exchange_status(vault: &mut UnlockedVault, _ctx: &Ctx, _: NoArgs) -> Result<ExchangeStatus, ModelError> {
    status_of(vault)
}

/// Creates this vault's subfolder if it is not there yet (and syncs the exchange folder); refuses a link.
fn my_subfolder(folder: &Path, name: &str) -> Result<PathBuf, ModelError> {
    use std::os::unix::fs::DirBuilderExt;
    check_folder(folder).map_err(invalid)?;
    let dir = folder.join(name);
    let cannot =
        |e: std::io::Error| invalid(format!("the exchange folder {} cannot be written: {e}", folder.display()));
    match fs::symlink_metadata(&dir) {
        Ok(meta) if meta.is_dir() => return Ok(dir),
        Ok(_) => {
            return Err(invalid(format!(
                "{} is not a folder (a link or a file is there); Circlebook writes into no link",
                dir.display()
            )))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(cannot(e)),
    }
    fs::DirBuilder::new().mode(0o700).create(&dir).map_err(cannot)?;
    fs::File::open(folder).and_then(|f| f.sync_all()).map_err(cannot)?;
    Ok(dir)
}

pub fn export_to_exchange(vault: &mut UnlockedVault, ctx: &Ctx, plan: ExportPlan) -> Result<Exported, ModelError> {
    if plan.passphrase.is_some() {
        return Err(invalid(
            "the exchange folder is for contacts' bundles; write a passphrase bundle to a file of its own",
        ));
    }
    let folder =
        stored_folder(vault.conn())?.ok_or_else(|| invalid("no exchange folder is chosen (`exchange set FOLDER`)"))?;
    check_apart(&folder, vault.dir())?;
    let name = subfolder_name(&signing_identity(vault).public());
    let dir = my_subfolder(&folder, &name)?;
    export::export_to(vault, ctx, &plan, |bundle_id| dir.join(format!("{bundle_id}.{EXTENSION}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_judged_without_opening_anything() {
        let id = "0192f0c0-0000-7000-8000-000000000009";
        assert_eq!(skip_reason(&format!("{id}.cbb")), None);
        for name in [
            format!(".{id}.tmp"),
            format!("{id}.cbb.tmp"),
            format!("{id}.cbb.part"),
            format!("{id}.sync-conflict-20261204-101010-ABCDEFG.cbb"),
            format!("{id} (conflicted copy 2026-12-04 101010).cbb"),
            format!("{id} (Bea's conflicted copy 2026-12-04).cbb"),
            "notes.txt".to_owned(),
            format!("{}.cbb", id.to_uppercase()),
            "~lock.cbb".to_owned(),
        ] {
            assert!(skip_reason(&name).is_some(), "{name} should be skipped");
        }
        assert!(is_subfolder_name(&"0a".repeat(16)));
        assert!(!is_subfolder_name(".stversions") && !is_subfolder_name(&"0A".repeat(16)));
    }
}
