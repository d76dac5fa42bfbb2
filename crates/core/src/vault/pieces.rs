//! A file's bytes kept as the pieces it was read in, each handed to another core as soon as it is read (the
//! snapshot's seal is computed while the rest is still being read), then read back as one stream.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

/// How much is read (and handed on) at a time.
pub const PIECE: usize = 4 << 20;

/// The bytes of one file, in pieces of [`PIECE`] bytes (the last may be shorter).
#[derive(Debug, Default)]
pub struct Pieces {
    pieces: Vec<Arc<Vec<u8>>>,
    len: u64,
}

impl Pieces {
    /// Reads `input` to its end, giving `each` every piece as soon as it is whole.
    pub fn read(mut input: impl Read, mut each: impl FnMut(Arc<Vec<u8>>)) -> io::Result<Self> {
        let mut read = Self::default();
        loop {
            let mut piece = vec![0; PIECE];
            let mut filled = 0;
            while filled < PIECE {
                match input.read(&mut piece[filled..]) {
                    Ok(0) => break,
                    Ok(n) => filled += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            if filled == 0 {
                return Ok(read);
            }
            piece.truncate(filled);
            let piece = Arc::new(piece);
            each(Arc::clone(&piece));
            read.len += filled as u64;
            read.pieces.push(piece);
            if filled < PIECE {
                return Ok(read);
            }
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> u64 {
        self.len
    }

    /// The bytes from the start, as a stream that can seek.
    pub fn cursor(&self) -> Cursor<'_> {
        Cursor { pieces: self, at: 0 }
    }
}

/// Reads [`Pieces`] as one stream.
#[derive(Debug)]
pub struct Cursor<'a> {
    pieces: &'a Pieces,
    at: u64,
}

impl Read for Cursor<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at >= self.pieces.len {
            return Ok(0);
        }
        // Every piece but the last is whole, so the position names its piece directly.
        let piece = &self.pieces.pieces[(self.at / PIECE as u64) as usize];
        let from = (self.at % PIECE as u64) as usize;
        let n = buf.len().min(piece.len() - from);
        buf[..n].copy_from_slice(&piece[from..from + n]);
        self.at += n as u64;
        Ok(n)
    }
}

impl Seek for Cursor<'_> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let at = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(n) => self.pieces.len.checked_add_signed(n),
            SeekFrom::Current(n) => self.at.checked_add_signed(n),
        };
        let at = at.ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "a seek before the start"))?;
        self.at = at;
        Ok(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives at most 1,000 bytes a call, so pieces are filled from several reads.
    struct Short<'a>(&'a [u8]);

    impl Read for Short<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(1000).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn pieces_read_back_and_seek_as_the_file_they_came_from() {
        for len in [0, 1, PIECE - 1, PIECE, PIECE + 1, 2 * PIECE + 12_345] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let mut handed = Vec::new();
            let pieces = Pieces::read(Short(&data), |p| handed.extend_from_slice(&p)).expect("read");
            assert_eq!(handed, data, "handed on, {len} bytes");
            assert_eq!(pieces.len(), len as u64);
            let mut back = Vec::new();
            pieces.cursor().read_to_end(&mut back).expect("read back");
            assert_eq!(back, data, "read back, {len} bytes");

            let mut cursor = pieces.cursor();
            for at in [len / 2, len.saturating_sub(3), 0, PIECE.min(len)] {
                cursor.seek(SeekFrom::Start(at as u64)).expect("seek");
                let mut rest = Vec::new();
                cursor.read_to_end(&mut rest).expect("read");
                assert_eq!(rest, data[at..], "from {at} of {len}");
            }
            assert_eq!(cursor.seek(SeekFrom::End(0)).expect("end"), len as u64);
            assert_eq!(cursor.seek(SeekFrom::Current(-(len as i64))).expect("back"), 0);
            assert!(cursor.seek(SeekFrom::Current(-1)).is_err());
        }
    }

    #[test]
    fn a_failed_read_is_the_error() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0 == 0 {
                    return Err(io::Error::other("the disk is gone"));
                }
                self.0 -= 1;
                buf[..10].fill(1);
                Ok(10)
            }
        }
        let error = Pieces::read(Failing(3), |_| {}).expect_err("fails");
        assert_eq!(error.to_string(), "the disk is gone");
    }
}
