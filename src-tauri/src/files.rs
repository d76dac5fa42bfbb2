//! Files that enter or leave the vault through the window: an attachment read in (size-capped before it is read
//! whole), a copy written out (owner-only permissions), and the neutral names proposed for what is saved.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use chrono::NaiveDate;
use circlebook_core::model::attachments::MAX_ATTACHMENT_BYTES;
use zeroize::Zeroizing;

/// What reading a chosen file gave.
#[derive(Debug)]
pub enum ReadOutcome {
    /// The whole file, at most [`MAX_ATTACHMENT_BYTES`].
    Bytes(Zeroizing<Vec<u8>>),
    /// The file is larger than the limit (its size in bytes); nothing of it was kept.
    TooLarge(u64),
}

/// Reads a regular file whole, refusing one over the limit before reading it (and again if it grew meanwhile).
pub fn read_capped(path: &Path) -> io::Result<ReadOutcome> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "only a file can be attached, not a folder or device"));
    }
    let limit = MAX_ATTACHMENT_BYTES as u64;
    if meta.len() > limit {
        return Ok(ReadOutcome::TooLarge(meta.len()));
    }
    let mut bytes = Zeroizing::new(Vec::with_capacity(meta.len() as usize));
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(ReadOutcome::TooLarge(bytes.len() as u64));
    }
    Ok(ReadOutcome::Bytes(bytes))
}

/// Writes `bytes` to `path` (readable by its owner only), flushed to disk; a partly written file is removed.
pub fn write_copy(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        let _ = std::fs::remove_file(path);
    }
    written
}

/// Common file types by extension; anything else is kept as `application/octet-stream`.
const TYPES: &[(&str, &str)] = &[
    ("pdf", "application/pdf"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("heic", "image/heic"),
    ("txt", "text/plain"),
    ("md", "text/markdown"),
    ("csv", "text/csv"),
    ("rtf", "application/rtf"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("doc", "application/msword"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("mp3", "audio/mpeg"),
    ("m4a", "audio/mp4"),
    ("ogg", "audio/ogg"),
    ("wav", "audio/wav"),
    ("mp4", "video/mp4"),
];

/// A short, plain extension (letters and digits, at most 5), lower-cased.
fn extension_of(name: &str) -> Option<String> {
    let (_, ext) = name.rsplit_once('.')?;
    (!ext.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| ext.to_ascii_lowercase())
}

/// The media type of a file, from its name's extension.
pub fn media_type_for(name: &str) -> &'static str {
    extension_of(name)
        .and_then(|ext| TYPES.iter().find(|(e, _)| *e == ext))
        .map_or("application/octet-stream", |(_, media_type)| media_type)
}

/// The name proposed when a copy of an attachment is saved: `circlebook-attachment.<ext>`, never the title, which
/// may carry case data (a name, a place). The extension is the title's (a plain file type) or the media type's.
pub fn copy_name(title: &str, media_type: &str) -> String {
    let ext =
        extension_of(title).or_else(|| TYPES.iter().find(|(_, t)| *t == media_type).map(|(ext, _)| (*ext).to_owned()));
    match ext {
        Some(ext) => format!("circlebook-attachment.{ext}"),
        None => "circlebook-attachment".to_owned(),
    }
}

/// The name proposed for the programme statistics: the range only, no case data.
pub fn statistics_name(from: NaiveDate, to: NaiveDate) -> String {
    format!("circlebook-statistics-{from}-{to}.csv")
}

/// The name proposed when a bundle is saved: `circlebook-bundle-YYYY-MM-DD-HHMMSS.cbb`, the time it was made and
/// nothing of the cases or the recipients.
pub fn bundle_name(at: chrono::NaiveDateTime) -> String {
    format!("circlebook-bundle-{}.cbb", at.format("%Y-%m-%d-%H%M%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_is_proposed_under_its_time_only() {
        let at = NaiveDate::from_ymd_opt(2026, 12, 4).and_then(|d| d.and_hms_opt(9, 5, 7)).expect("a time");
        assert_eq!(bundle_name(at), "circlebook-bundle-2026-12-04-090507.cbb");
    }

    #[test]
    fn proposed_names_carry_no_case_data() {
        assert_eq!(copy_name("Letter to Robin from Sam.pdf", "application/pdf"), "circlebook-attachment.pdf");
        assert_eq!(copy_name("Robin's drawing", "image/png"), "circlebook-attachment.png");
        assert_eq!(copy_name("Address of Sam", "application/octet-stream"), "circlebook-attachment");
        assert_eq!(copy_name("notes.Robin Smith", "text/plain"), "circlebook-attachment.txt");
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("day");
        assert_eq!(
            statistics_name(day("2026-01-01"), day("2026-12-31")),
            "circlebook-statistics-2026-01-01-2026-12-31.csv"
        );
    }

    #[test]
    fn media_types_from_names() {
        assert_eq!(media_type_for("scan.PDF"), "application/pdf");
        assert_eq!(media_type_for("photo.jpeg"), "image/jpeg");
        assert_eq!(media_type_for("README"), "application/octet-stream");
        assert_eq!(media_type_for("archive.tar.zst"), "application/octet-stream");
    }

    #[test]
    fn reading_stops_at_the_limit_and_writing_is_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let small = dir.path().join("small.txt");
        std::fs::write(&small, b"hello").expect("write");
        assert!(matches!(read_capped(&small).expect("read"), ReadOutcome::Bytes(b) if b.as_slice() == b"hello"));
        let big = dir.path().join("big.bin");
        File::create(&big).and_then(|f| f.set_len(MAX_ATTACHMENT_BYTES as u64 + 1)).expect("sparse file");
        assert!(
            matches!(read_capped(&big).expect("read"), ReadOutcome::TooLarge(n) if n == MAX_ATTACHMENT_BYTES as u64 + 1)
        );
        assert!(read_capped(dir.path()).is_err(), "a folder is refused");

        let out = dir.path().join("copy.txt");
        write_copy(&out, b"copy").expect("write copy");
        assert_eq!(std::fs::read(&out).expect("read back"), b"copy");
        let mode = std::fs::metadata(&out).expect("meta").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
