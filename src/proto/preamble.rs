//! The tunnel preamble: the first bytes a client sends after the mTLS handshake.
//!
//! Layout: `HOOP` magic, one version byte, a big-endian u16 length, then that many bytes of JSON
//! `{"grant": "...", "connection": "..."}`. Decoding is sans-IO: give it the bytes read so far and
//! it answers "need more", a preamble plus how many bytes it used, or an error. The length is
//! bounded so a hostile peer cannot make the gateway buffer without limit.

use serde::{Deserialize, Serialize};

const MAGIC: &[u8; 4] = b"HOOP";
/// Current preamble version.
pub const VERSION: u8 = 1;
/// Largest JSON body accepted.
pub const MAX_BODY: usize = 2048;
const HEADER: usize = 7;

/// What the client asks the tunnel for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preamble {
    /// Grant id the client certificate was issued for.
    pub grant: String,
    /// Connection name the client wants to reach.
    pub connection: String,
}

/// Why a preamble was rejected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PreambleError {
    /// The first bytes are not `HOOP`: not a hoopctl tunnel client.
    #[error("not a hoopctl tunnel preamble (bad magic bytes)")]
    BadMagic,
    /// A version this gateway does not speak.
    #[error("unsupported tunnel preamble version {0}; upgrade hoopctl")]
    Version(u8),
    /// The declared length exceeds [`MAX_BODY`].
    #[error("tunnel preamble too long ({0} bytes, at most {MAX_BODY})")]
    TooLong(usize),
    /// The body is not the expected JSON.
    #[error("malformed tunnel preamble: {0}")]
    Malformed(String),
}

impl Preamble {
    /// Encodes the preamble for the wire.
    pub fn encode(&self) -> Vec<u8> {
        // Serializing two strings cannot fail.
        let body = serde_json::to_vec(self).unwrap_or_default();
        let mut out = Vec::with_capacity(HEADER + body.len());
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&(body.len() as u16).to_be_bytes());
        out.extend_from_slice(&body);
        out
    }

    /// Decodes from the bytes received so far: `Ok(None)` means "read more".
    pub fn decode(buf: &[u8]) -> Result<Option<(Preamble, usize)>, PreambleError> {
        let magic_len = buf.len().min(4);
        if buf[..magic_len] != MAGIC[..magic_len] {
            return Err(PreambleError::BadMagic);
        }
        if buf.len() < HEADER {
            return Ok(None);
        }
        if buf[4] != VERSION {
            return Err(PreambleError::Version(buf[4]));
        }
        let len = u16::from_be_bytes([buf[5], buf[6]]) as usize;
        if len > MAX_BODY {
            return Err(PreambleError::TooLong(len));
        }
        if buf.len() < HEADER + len {
            return Ok(None);
        }
        let p: Preamble = serde_json::from_slice(&buf[HEADER..HEADER + len])
            .map_err(|e| PreambleError::Malformed(e.to_string()))?;
        Ok(Some((p, HEADER + len)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_split_reads() {
        let p = Preamble {
            grant: "g1".into(),
            connection: "pg".into(),
        };
        let mut wire = p.encode();
        wire.extend_from_slice(b"rest");
        for cut in 0..wire.len() - 4 {
            assert_eq!(Preamble::decode(&wire[..cut]), Ok(None), "cut at {cut}");
        }
        let (got, used) = Preamble::decode(&wire).unwrap().unwrap();
        assert_eq!(got, p);
        assert_eq!(&wire[used..], b"rest");
    }

    #[test]
    fn hostile_inputs_are_errors() {
        assert_eq!(Preamble::decode(b"GET "), Err(PreambleError::BadMagic));
        assert_eq!(Preamble::decode(b"\x00"), Err(PreambleError::BadMagic));
        assert_eq!(
            Preamble::decode(b"HOOP\x09\x00\x00"),
            Err(PreambleError::Version(9))
        );
        assert_eq!(
            Preamble::decode(b"HOOP\x01\xff\xff"),
            Err(PreambleError::TooLong(65535))
        );
        assert!(matches!(
            Preamble::decode(b"HOOP\x01\x00\x03{x}"),
            Err(PreambleError::Malformed(_))
        ));
    }
}
