//! A bound on an age file's header, checked before age does any work: its size, its number of stanzas and any
//! scrypt work factor (a crafted bundle must not make us run 10,000 X25519 unwraps or a 2^40 scrypt).

/// The limits a bundle's age header must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderLimits {
    /// Bytes from the start of the file to the end of the header's MAC line.
    pub max_bytes: usize,
    /// Recipient stanzas.
    pub max_stanzas: usize,
    /// The largest scrypt work factor (log2 N).
    pub max_log_n: u8,
}

/// Why a header was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// Not a binary age file.
    #[error("it is not an age-encrypted file")]
    NotAge,
    /// The header does not end within the size limit.
    #[error("its encryption header is larger than {0} bytes")]
    TooLarge(usize),
    /// More stanzas than the limit.
    #[error("it is encrypted to more than {0} recipients")]
    TooManyStanzas(usize),
    /// A passphrase stanza asks for too much work.
    #[error("its passphrase needs a work factor of 2^{found} (at most 2^{max} is accepted)")]
    ExcessiveWork { found: u8, max: u8 },
    /// A stanza or line is malformed.
    #[error("its encryption header is malformed")]
    Malformed,
}

const MAGIC: &[u8] = b"age-encryption.org/v1\n";

/// Scans the header: the magic line, stanzas (`-> TYPE ARGS` then base64 body lines, the last shorter than 64
/// characters), the `--- MAC` line. Returns the number of stanzas.
pub fn check(bytes: &[u8], limits: &HeaderLimits) -> Result<usize, HeaderError> {
    if !bytes.starts_with(MAGIC) {
        return Err(HeaderError::NotAge);
    }
    let window = &bytes[..bytes.len().min(limits.max_bytes)];
    let mut stanzas = 0usize;
    let mut in_body = false;
    let mut pos = MAGIC.len();
    loop {
        let Some(end) = window[pos..].iter().position(|b| *b == b'\n') else {
            return Err(if window.len() < bytes.len() {
                HeaderError::TooLarge(limits.max_bytes)
            } else {
                HeaderError::Malformed
            });
        };
        let line = &window[pos..pos + end];
        pos += end + 1;
        if in_body {
            if line.len() > 64 || !line.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'+' || *b == b'/') {
                return Err(HeaderError::Malformed);
            }
            in_body = line.len() == 64;
            continue;
        }
        if line.starts_with(b"--- ") {
            return Ok(stanzas);
        }
        let Some(args) = line.strip_prefix(b"-> ") else { return Err(HeaderError::Malformed) };
        stanzas += 1;
        if stanzas > limits.max_stanzas {
            return Err(HeaderError::TooManyStanzas(limits.max_stanzas));
        }
        let args: Vec<&[u8]> = args.split(|b| *b == b' ').collect();
        if args[0] == b"scrypt" {
            let log_n = args
                .get(2)
                .and_then(|n| std::str::from_utf8(n).ok())
                .and_then(|n| n.parse::<u8>().ok())
                .ok_or(HeaderError::Malformed)?;
            if log_n > limits.max_log_n {
                return Err(HeaderError::ExcessiveWork { found: log_n, max: limits.max_log_n });
            }
        }
        in_body = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: HeaderLimits = HeaderLimits { max_bytes: 16 * 1024, max_stanzas: 32, max_log_n: 22 };

    fn header(stanzas: &[&str]) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        for s in stanzas {
            out.extend_from_slice(format!("-> {s}\nAAAA\n").as_bytes());
        }
        out.extend_from_slice(b"--- AAAA\npayload");
        out
    }

    #[test]
    fn bounds_are_checked_before_any_work() {
        assert_eq!(check(&header(&["X25519 abc"]), &LIMITS), Ok(1));
        assert_eq!(check(&header(&["scrypt c2FsdA 22"]), &LIMITS), Ok(1));
        assert_eq!(
            check(&header(&["scrypt c2FsdA 40"]), &LIMITS),
            Err(HeaderError::ExcessiveWork { found: 40, max: 22 })
        );
        let many: Vec<&str> = std::iter::repeat_n("X25519 abc", 10_000).collect();
        let big = header(&many);
        let roomy = HeaderLimits { max_bytes: big.len(), ..LIMITS };
        assert_eq!(check(&big, &roomy), Err(HeaderError::TooManyStanzas(32)));
        let unbounded = HeaderLimits { max_stanzas: usize::MAX, ..LIMITS };
        assert_eq!(check(&big, &unbounded), Err(HeaderError::TooLarge(LIMITS.max_bytes)));
        assert_eq!(check(b"-----BEGIN AGE", &LIMITS), Err(HeaderError::NotAge));
        assert_eq!(check(MAGIC, &LIMITS), Err(HeaderError::Malformed));
    }
}
