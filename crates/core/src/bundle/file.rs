//! The bundle file: an age-encrypted tar of exactly `manifest.json`, `manifest.sig` and `cases.sqlite`, built
//! and read in memory (never extracted). Writing signs the manifest, which names every recipient and the
//! payload's SHA-256, then encrypts; reading checks, in this order, the age header's bounds, decryption, the
//! tar and manifest (strictly), the signature, that this vault is addressed, who signed, the payload's hash,
//! and only then opens the payload (docs/FORMAT.md, "Case bundles").

use std::collections::BTreeMap;
use std::io::Read;
use std::str::FromStr;

use age::x25519;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::header::{self, HeaderError, HeaderLimits};
use super::keys::{Fingerprint, PublicKey, SigningIdentity};
use super::payload::{self, PayloadError};

/// The manifest's format tag and version.
pub const FORMAT_TAG: &str = "circlebook-bundle";
pub const FORMAT_VERSION: u32 = 1;
/// The tar's entries, in this order.
pub const ENTRIES: [&str; 3] = ["manifest.json", "manifest.sig", "cases.sqlite"];
const MANIFEST_DOMAIN: &[u8] = b"circlebook bundle manifest v1\n";
/// The scrypt work factor a passphrase bundle is written with.
pub const PASSPHRASE_LOG_N: u8 = 18;

/// Caps on what a reader accepts, all checked before the work they bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The whole encrypted file.
    pub max_file_bytes: usize,
    pub header: HeaderLimits,
    /// `manifest.json`.
    pub max_manifest_bytes: usize,
    /// `cases.sqlite`.
    pub max_payload_bytes: usize,
    /// Cases named in the manifest.
    pub max_cases: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 512 * 1024 * 1024,
            header: HeaderLimits { max_bytes: 16 * 1024, max_stanzas: 32, max_log_n: crate::vault::MAX_LOG_N },
            max_manifest_bytes: 1024 * 1024,
            max_payload_bytes: 500 * 1024 * 1024,
            max_cases: 1000,
        }
    }
}

/// Who a bundle is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Audience {
    /// Everything, to be merged (issue 11).
    CoFacilitator,
    /// Aliases only, read-only.
    Supervisor,
    /// The person harmed's progress summary.
    Progress,
}

/// Who signed a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignerKeys {
    pub signing_key: String,
    pub recipient: String,
}

/// The payload's size and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadInfo {
    pub size: u64,
    /// SHA-256 of `cases.sqlite`, 64 lower-case hex digits.
    pub sha256: String,
}

/// `manifest.json`: everything the signature covers besides the payload, which it covers by hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    pub version: u32,
    pub bundle_id: String,
    pub created_at: DateTime<Utc>,
    pub signer: SignerKeys,
    pub audience: Audience,
    /// Every age recipient the file is encrypted to.
    pub recipients: Vec<String>,
    /// The file is encrypted to a passphrase (then `recipients` is empty).
    pub passphrase: bool,
    pub case_ids: Vec<String>,
    pub schema_version: u32,
    pub row_counts: BTreeMap<String, u64>,
    pub payload: PayloadInfo,
}

/// Whom to encrypt to.
#[derive(Debug)]
pub enum Seal {
    /// These age recipients (`age1…`).
    Recipients(Vec<String>),
    /// A passphrase (scrypt at [`PASSPHRASE_LOG_N`]).
    Passphrase(SecretString),
}

/// What opens a bundle.
#[derive(Clone, Copy)]
pub enum Key<'a> {
    Identity(&'a x25519::Identity),
    Passphrase(&'a SecretString),
}

impl std::fmt::Debug for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Key::Identity(_) => "Key::Identity(..)",
            Key::Passphrase(_) => "Key::Passphrase(..)",
        })
    }
}

/// What a bundle holds, besides the payload.
#[derive(Debug, Clone)]
pub struct Contents {
    pub bundle_id: String,
    pub created_at: DateTime<Utc>,
    pub audience: Audience,
    pub case_ids: Vec<String>,
}

/// Why a bundle could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A recipient is not an age X25519 recipient, or there is none.
    #[error("{0}")]
    Recipient(String),
    /// Building the file failed.
    #[error("the bundle could not be built: {0}")]
    Build(String),
}

/// Why a bundle was refused. Each says what was wrong; none is applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// Larger than the limits allow.
    #[error("the bundle is too large ({what} over {limit} bytes)")]
    TooLarge { what: &'static str, limit: usize },
    /// The age header is outside its bounds or malformed (checked before any work).
    #[error("the bundle was refused before decryption: {0}")]
    Header(#[from] HeaderError),
    /// It is not encrypted to this vault (or to this passphrase).
    #[error("this bundle is not encrypted to this vault (or the passphrase is wrong)")]
    NotForUs,
    /// Decryption failed: the file is truncated or altered.
    #[error("the bundle is damaged: {0}")]
    Damaged(String),
    /// The tar or the manifest is not exactly as the format says.
    #[error("the bundle's content is malformed: {0}")]
    Malformed(String),
    /// There is no signature.
    #[error("the bundle is not signed")]
    Unsigned,
    /// The signature does not match the manifest and its signer: forged or altered.
    #[error("the bundle's signature does not match: it was altered or forged")]
    BadSignature,
    /// The signed manifest does not name this vault (or a passphrase): forwarded to someone it was not for.
    #[error("this bundle was not addressed to this vault (it was re-encrypted or forwarded)")]
    NotAddressed,
    /// The payload's size or hash is not the one the signed manifest names.
    #[error("the bundle's content does not match its signed manifest (altered after signing)")]
    PayloadMismatch,
    /// Another format version or schema version.
    #[error("the bundle was written by another version of Circlebook ({0})")]
    Version(String),
    /// The payload database was refused.
    #[error(transparent)]
    Payload(#[from] PayloadError),
}

/// Who signed a verified bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signer {
    /// A contact of this vault (verified: the fingerprints were compared).
    Known { name: String, verified: bool },
    /// Nobody this vault knows: show the fingerprint and ask before going on.
    Unknown { fingerprint: Fingerprint },
}

/// A verified bundle: its manifest, who signed it and its payload, open read-only.
#[derive(Debug)]
pub struct Opened {
    pub manifest: Manifest,
    pub signer: Signer,
    pub payload: Connection,
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn tar_entry(builder: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) -> std::io::Result<()> {
    let mut header = tar::Header::new_ustar();
    header.set_path(name)?;
    header.set_size(data.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(0);
    header.set_uid(0);
    header.set_gid(0);
    header.set_entry_type(tar::EntryType::Regular);
    header.set_cksum();
    builder.append(&header, data)
}

/// Writes a signed, encrypted bundle of `payload` (a database made by [`payload::create`]).
pub fn write(
    me: &SigningIdentity,
    contents: &Contents,
    payload: &mut Connection,
    seal: &Seal,
) -> Result<Vec<u8>, WriteError> {
    let build = |e: &dyn std::fmt::Display| WriteError::Build(e.to_string());
    let recipients: Vec<x25519::Recipient> = match seal {
        Seal::Recipients(list) if list.is_empty() => {
            return Err(WriteError::Recipient("a bundle needs at least one recipient".into()))
        }
        Seal::Recipients(list) => list
            .iter()
            .map(|r| {
                x25519::Recipient::from_str(r)
                    .map_err(|_| WriteError::Recipient(format!("{r} is not an age recipient")))
            })
            .collect::<Result<_, _>>()?,
        Seal::Passphrase(_) => Vec::new(),
    };
    let bytes = payload::to_bytes(payload).map_err(|e| build(&e))?;
    let manifest = Manifest {
        format: FORMAT_TAG.into(),
        version: FORMAT_VERSION,
        bundle_id: contents.bundle_id.clone(),
        created_at: contents.created_at,
        signer: SignerKeys { signing_key: me.public().to_text(), recipient: me.recipient().to_owned() },
        audience: contents.audience,
        recipients: recipients.iter().map(|r| r.to_string()).collect(),
        passphrase: matches!(seal, Seal::Passphrase(_)),
        case_ids: contents.case_ids.clone(),
        schema_version: crate::schema::current_version(),
        row_counts: payload::row_counts(payload).map_err(|e| build(&e))?,
        payload: PayloadInfo { size: bytes.len() as u64, sha256: sha256_hex(&bytes) },
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(|e| build(&e))?;
    let signature = format!("{}\n", URL_SAFE_NO_PAD.encode(me.sign(MANIFEST_DOMAIN, &manifest_json)));
    let mut builder = tar::Builder::new(Vec::new());
    tar_entry(&mut builder, ENTRIES[0], &manifest_json).map_err(|e| build(&e))?;
    tar_entry(&mut builder, ENTRIES[1], signature.as_bytes()).map_err(|e| build(&e))?;
    tar_entry(&mut builder, ENTRIES[2], &bytes).map_err(|e| build(&e))?;
    let tar = Zeroizing::new(builder.into_inner().map_err(|e| build(&e))?);
    encrypt(&tar, seal, &recipients).map_err(|e| build(&e))
}

fn encrypt(plain: &[u8], seal: &Seal, recipients: &[x25519::Recipient]) -> std::io::Result<Vec<u8>> {
    let encryptor = match seal {
        Seal::Passphrase(passphrase) => {
            let mut r = age::scrypt::Recipient::new(passphrase.clone());
            r.set_work_factor(PASSPHRASE_LOG_N);
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        }
        Seal::Recipients(_) => age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient)),
    }
    .map_err(std::io::Error::other)?;
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out)?;
    std::io::Write::write_all(&mut writer, plain)?;
    writer.finish()?;
    Ok(out)
}

/// Decrypts with bounds: the header first, then age, then the plaintext's size.
fn decrypt(bytes: &[u8], key: Key<'_>, limits: &Limits) -> Result<Zeroizing<Vec<u8>>, ReadError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ReadError::TooLarge { what: "the file", limit: limits.max_file_bytes });
    }
    header::check(bytes, &limits.header)?;
    let decryptor = age::Decryptor::new_buffered(bytes).map_err(|e| ReadError::Damaged(e.to_string()))?;
    let mut scrypt;
    let identity: &dyn age::Identity = match key {
        Key::Identity(identity) => identity,
        Key::Passphrase(passphrase) => {
            scrypt = age::scrypt::Identity::new(passphrase.clone());
            scrypt.set_max_work_factor(limits.header.max_log_n);
            &scrypt
        }
    };
    let reader = decryptor.decrypt(std::iter::once(identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys | age::DecryptError::DecryptionFailed => ReadError::NotForUs,
        age::DecryptError::ExcessiveWork { required, .. } => {
            ReadError::Header(HeaderError::ExcessiveWork { found: required, max: limits.header.max_log_n })
        }
        other => ReadError::Damaged(other.to_string()),
    })?;
    let cap = limits.max_manifest_bytes + limits.max_payload_bytes + 8 * 1024;
    let mut plain = Zeroizing::new(Vec::new());
    reader.take(cap as u64 + 1).read_to_end(&mut plain).map_err(|e| {
        ReadError::Damaged(match e.kind() {
            std::io::ErrorKind::UnexpectedEof => "it ends too early (truncated)".to_owned(),
            _ => "its content fails authentication (altered or truncated)".to_owned(),
        })
    })?;
    if plain.len() > cap {
        return Err(ReadError::TooLarge { what: "the content", limit: cap });
    }
    Ok(plain)
}

/// Reads the tar strictly: ustar regular files only, by these names in this order, nothing after them but
/// the zero blocks that end an archive. A missing `manifest.sig` alone is [`ReadError::Unsigned`].
fn entries(tar_bytes: &[u8], limits: &Limits) -> Result<Vec<Zeroizing<Vec<u8>>>, ReadError> {
    let malformed = |what: String| ReadError::Malformed(what);
    let mut archive = tar::Archive::new(tar_bytes);
    let iter = archive.entries().map_err(|e| malformed(e.to_string()))?.raw(true);
    let mut names = Vec::new();
    let mut data = Vec::new();
    let mut end = 0u64;
    for entry in iter {
        let mut entry = entry.map_err(|e| malformed(format!("the archive is damaged: {e}")))?;
        let header = entry.header();
        if header.as_ustar().is_none() || header.as_bytes()[156] != b'0' {
            return Err(malformed("an entry is not a plain file (links, folders and extensions are refused)".into()));
        }
        let name = String::from_utf8(header.path_bytes().into_owned())
            .map_err(|_| malformed("an entry's name is not text".into()))?;
        let size = header.entry_size().map_err(|e| malformed(e.to_string()))?;
        let cap = if name == ENTRIES[2] { limits.max_payload_bytes } else { limits.max_manifest_bytes };
        if !ENTRIES.contains(&name.as_str()) || names.contains(&name) {
            return Err(malformed(format!("unexpected entry {name:?}")));
        }
        if size > cap as u64 {
            return Err(ReadError::TooLarge { what: "an entry", limit: cap });
        }
        let mut bytes = Zeroizing::new(Vec::with_capacity(size as usize));
        entry.read_to_end(&mut bytes).map_err(|e| malformed(e.to_string()))?;
        end = entry.raw_file_position() + size.div_ceil(512) * 512;
        names.push(name);
        data.push(bytes);
    }
    let rest = tar_bytes.get(end as usize..).unwrap_or_default();
    if rest.iter().any(|b| *b != 0) {
        return Err(malformed("there is data after the archive's entries".into()));
    }
    if names == [ENTRIES[0], ENTRIES[2]] {
        return Err(ReadError::Unsigned);
    }
    if names != ENTRIES {
        return Err(malformed(format!("expected exactly {}, found {}", ENTRIES.join(", "), names.join(", "))));
    }
    Ok(data)
}

/// Reads and verifies a bundle in the order the format gives; `known` names the contacts' signing keys (name,
/// verified). Nothing of the vault is touched: the caller applies, or not.
pub fn read(
    bytes: &[u8],
    key: Key<'_>,
    known: &dyn Fn(&PublicKey) -> Option<(String, bool)>,
    limits: &Limits,
) -> Result<Opened, ReadError> {
    let plain = decrypt(bytes, key, limits)?;
    let parts = entries(&plain, limits)?;
    let (manifest_json, sig_text, payload_bytes) = (&parts[0], &parts[1], &parts[2]);
    let manifest: Manifest = serde_json::from_slice(manifest_json)
        .map_err(|e| ReadError::Malformed(format!("manifest.json does not fit the format: {e}")))?;
    if manifest.format != FORMAT_TAG {
        return Err(ReadError::Malformed(format!("manifest.json has the format tag {:?}", manifest.format)));
    }
    if manifest.version != FORMAT_VERSION {
        return Err(ReadError::Version(format!("bundle format {}", manifest.version)));
    }
    let sig_line =
        std::str::from_utf8(sig_text).ok().and_then(|s| s.strip_suffix('\n')).ok_or(ReadError::BadSignature)?;
    let sig: [u8; 64] =
        URL_SAFE_NO_PAD.decode(sig_line).ok().and_then(|s| s.try_into().ok()).ok_or(ReadError::BadSignature)?;
    let signer_key = PublicKey::from_text(&manifest.signer.signing_key).ok_or(ReadError::BadSignature)?;
    if !signer_key.verify(MANIFEST_DOMAIN, manifest_json, &sig) {
        return Err(ReadError::BadSignature);
    }
    let addressed = match key {
        Key::Identity(identity) => manifest.recipients.contains(&identity.to_public().to_string()),
        Key::Passphrase(_) => manifest.passphrase,
    };
    if !addressed {
        return Err(ReadError::NotAddressed);
    }
    if manifest.case_ids.len() > limits.max_cases {
        return Err(ReadError::TooLarge { what: "the list of cases", limit: limits.max_cases });
    }
    let signer = match known(&signer_key) {
        Some((name, verified)) => Signer::Known { name, verified },
        None => Signer::Unknown { fingerprint: Fingerprint::of(&signer_key, &manifest.signer.recipient) },
    };
    if manifest.payload.size != payload_bytes.len() as u64 || manifest.payload.sha256 != sha256_hex(payload_bytes) {
        return Err(ReadError::PayloadMismatch);
    }
    if manifest.schema_version != crate::schema::current_version() {
        return Err(ReadError::Version(format!("schema {}", manifest.schema_version)));
    }
    let payload = payload::open(payload_bytes)?;
    Ok(Opened { manifest, signer, payload })
}
