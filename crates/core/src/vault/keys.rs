//! The vault's X25519 identity, its passphrase wrapping (age scrypt), and encryption to its recipient.

use std::io::{self, Read, Write};
use std::str::FromStr;

use age::x25519;
use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// scrypt work factor (log2 N) used when wrapping the identity.
pub const STANDARD_LOG_N: u8 = 18;
/// The largest scrypt work factor accepted when reading, checked before any work is done.
pub const MAX_LOG_N: u8 = 22;

/// Why an age file could not be opened.
#[derive(Debug)]
pub enum OpenFailure {
    /// The key does not fit (wrong passphrase or another vault's key).
    WrongKey,
    /// The scrypt work factor is above [`MAX_LOG_N`].
    ExcessiveWork(u8),
    /// The file is not a readable age file or fails authentication.
    Damaged(String),
    /// Reading failed.
    Io(io::Error),
}

fn classify(e: age::DecryptError) -> OpenFailure {
    match e {
        age::DecryptError::NoMatchingKeys | age::DecryptError::KeyDecryptionFailed => OpenFailure::WrongKey,
        age::DecryptError::ExcessiveWork { required, .. } => OpenFailure::ExcessiveWork(required),
        age::DecryptError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
            OpenFailure::Damaged("it ends too early (truncated)".into())
        }
        age::DecryptError::Io(e) if e.kind() == io::ErrorKind::InvalidData => {
            OpenFailure::Damaged("its content fails authentication (altered or truncated)".into())
        }
        age::DecryptError::Io(e) => OpenFailure::Io(e),
        other => OpenFailure::Damaged(other.to_string()),
    }
}

fn read_failure(e: io::Error) -> OpenFailure {
    match e.kind() {
        io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidData => {
            OpenFailure::Damaged("its content fails authentication (altered or truncated)".into())
        }
        _ => OpenFailure::Io(e),
    }
}

/// Generates a new identity; its string form is the recovery key.
pub fn generate() -> x25519::Identity {
    x25519::Identity::generate()
}

/// Parses a recovery key (`AGE-SECRET-KEY-1…`), ignoring surrounding white space and `#` comment lines.
pub fn parse_recovery_key(text: &SecretString) -> Option<x25519::Identity> {
    text.expose_secret()
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(|l| x25519::Identity::from_str(l).ok())
}

/// Wraps the identity with a passphrase at the given work factor.
pub fn wrap_identity(identity: &x25519::Identity, passphrase: &SecretString, log_n: u8) -> io::Result<Vec<u8>> {
    let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
    recipient.set_work_factor(log_n);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(io::Error::other)?;
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out)?;
    writer.write_all(identity.to_string().expose_secret().as_bytes())?;
    writer.finish()?;
    Ok(out)
}

/// Unwraps the identity with a passphrase, refusing work factors above [`MAX_LOG_N`] before any work.
pub fn unwrap_identity(wrapped: &[u8], passphrase: &SecretString) -> Result<x25519::Identity, OpenFailure> {
    let mut identity = age::scrypt::Identity::new(passphrase.clone());
    identity.set_max_work_factor(MAX_LOG_N);
    let decryptor = age::Decryptor::new_buffered(wrapped).map_err(classify)?;
    if !decryptor.is_scrypt() {
        return Err(OpenFailure::Damaged("the identity file is not passphrase-protected".into()));
    }
    // A wrong passphrase fails the stanza's AEAD: age reports it as `DecryptionFailed`.
    let mut reader = decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::DecryptionFailed => OpenFailure::WrongKey,
        other => classify(other),
    })?;
    let mut text = Zeroizing::new(String::new());
    reader.read_to_string(&mut text).map_err(read_failure)?;
    x25519::Identity::from_str(text.trim())
        .map_err(|_| OpenFailure::Damaged("the identity file does not hold an age identity".into()))
}

/// Starts an age encryption to the identity's own recipient (derived, never read from disk).
pub fn encrypt_to<W: Write>(identity: &x25519::Identity, out: W) -> io::Result<age::stream::StreamWriter<W>> {
    let recipient = identity.to_public();
    age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(io::Error::other)?
        .wrap_output(out)
}

/// Decrypts a whole age file made for the identity into a zeroizing buffer.
pub fn decrypt_all<R: Read>(identity: &x25519::Identity, input: R) -> Result<Zeroizing<Vec<u8>>, OpenFailure> {
    let decryptor = age::Decryptor::new(input).map_err(classify)?;
    let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(classify)?;
    let mut plain = Zeroizing::new(Vec::new());
    reader.read_to_end(&mut plain).map_err(read_failure)?;
    Ok(plain)
}

/// Opens an age file made for the identity for streaming, with its authenticated plaintext length (age checks
/// the last chunk to know it), so the plaintext can go straight where it is needed without a copy of ours.
pub fn decrypt_stream<R: Read + std::io::Seek>(
    identity: &x25519::Identity,
    input: R,
) -> Result<(age::stream::StreamReader<R>, u64), OpenFailure> {
    use std::io::{Seek, SeekFrom};
    let decryptor = age::Decryptor::new(input).map_err(classify)?;
    let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(classify)?;
    let len = reader.seek(SeekFrom::End(0)).map_err(read_failure)?;
    reader.seek(SeekFrom::Start(0)).map_err(read_failure)?;
    Ok((reader, len))
}

/// Checks only that the identity opens the file's header (cheap: reads no payload).
pub fn opens_header<R: Read>(identity: &x25519::Identity, input: R) -> Result<(), OpenFailure> {
    let decryptor = age::Decryptor::new(input).map_err(classify)?;
    decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(classify)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_passphrase_is_the_wrong_key_not_damage() {
        let identity = generate();
        let right = SecretString::from("lantern orchard velvet compass drizzle".to_owned());
        let wrapped = wrap_identity(&identity, &right, 10).expect("wraps");
        let wrong = SecretString::from("lantern orchard velvet compass".to_owned());
        assert!(matches!(unwrap_identity(&wrapped, &wrong), Err(OpenFailure::WrongKey)));
        assert!(unwrap_identity(&wrapped, &right).is_ok());
    }
}
