//! Session recording format, shared by the gateway (which writes it) and the CLI (which
//! replays it).
//!
//! A recording is a zstd stream (a sequence of zstd frames, each up to about 128 KiB of
//! input). Decompressed, it is [`MAGIC`] followed by frames:
//!
//! ```text
//! kind: u8 | at: u32 LE (ms since the session started) | len: u32 LE | payload (len bytes)
//! ```
//!
//! | kind | payload |
//! |------|---------|
//! | `H`  | header: JSON [`Header`] (always first) |
//! | `C`  | bytes the client sent, as it sent them |
//! | `S`  | bytes the gateway sent the client — after masking |
//! | `T`  | the size cap was reached: JSON [`Truncated`]; no `C`/`S` frame follows |
//! | `E`  | the session ended: JSON [`End`] (always last) |
//!
//! The writer ends a zstd frame at least every second, so a gateway killed mid-session leaves
//! a readable prefix; a recording without its `E` frame is *incomplete*.

use std::io::Read;

use serde::{Deserialize, Serialize};

/// First bytes of the decompressed stream: format and version.
pub const MAGIC: &[u8; 8] = b"HOOPREC1";
/// Largest frame payload a reader accepts (the writer's are far smaller).
pub const MAX_FRAME: u32 = 16 << 20;
/// Bytes in a frame's head.
pub const FRAME_HEAD: usize = 9;

/// Frame kinds.
pub mod kind {
    /// Header.
    pub const HEADER: u8 = b'H';
    /// Client → gateway bytes.
    pub const CLIENT: u8 = b'C';
    /// Gateway → client bytes (masked).
    pub const SERVER: u8 = b'S';
    /// Size cap reached.
    pub const TRUNCATED: u8 = b'T';
    /// Session end.
    pub const END: u8 = b'E';
}

/// Who, what and when: the recording's first frame.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Header {
    /// Session id (`se_…`).
    pub session_id: String,
    /// Connection name.
    pub connection: String,
    /// Identity the session ran as.
    pub identity: String,
    /// Grant the session ran under.
    pub grant_id: String,
    /// Wire protocol of the stream (`postgres`).
    pub protocol: String,
    /// Session start, unix ms.
    pub started_at: i64,
}

/// Payload of a `T` frame.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Truncated {
    /// Stream bytes recorded before the cap.
    pub recorded_bytes: u64,
    /// The cap (`[recordings] max_session_bytes`).
    pub limit: u64,
}

/// Payload of an `E` frame.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct End {
    /// Why the session ended.
    pub reason: String,
    /// Stream bytes recorded (`C` and `S` payloads).
    pub recorded_bytes: u64,
    /// Stream bytes not recorded because of the cap.
    pub dropped_bytes: u64,
}

/// Encodes one frame's head.
pub fn frame_head(kind: u8, at_ms: u32, len: u32) -> [u8; FRAME_HEAD] {
    let mut h = [0u8; FRAME_HEAD];
    h[0] = kind;
    h[1..5].copy_from_slice(&at_ms.to_le_bytes());
    h[5..9].copy_from_slice(&len.to_le_bytes());
    h
}

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Kind (see [`kind`]).
    pub kind: u8,
    /// Milliseconds since the session started.
    pub at_ms: u32,
    /// Payload.
    pub data: Vec<u8>,
}

/// Why a recording cannot be read (past a point).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum RecordingError {
    /// Not a recording at all.
    #[error("not a hoopctl recording (it does not start with HOOPREC1)")]
    NotARecording,
    /// A frame claims more than [`MAX_FRAME`] bytes, or an unknown kind.
    #[error("frame {index} is malformed ({why})")]
    Malformed {
        /// 0-based frame number.
        index: u64,
        /// What is wrong.
        why: String,
    },
}

/// Reads frames from a recording, decompressing as it goes: memory stays at one frame.
///
/// A stream that stops early (a gateway killed mid-session, a cut file) ends the iteration
/// without an error; [`Frames::ended_cleanly`] then says false.
pub struct Frames<R: Read> {
    inner: R,
    index: u64,
    started: bool,
    cut: bool,
    end_seen: bool,
    done: bool,
}

impl<'a> Frames<zstd::stream::read::Decoder<'static, std::io::BufReader<&'a [u8]>>> {
    /// Frames of a compressed recording held in memory.
    pub fn from_compressed(bytes: &'a [u8]) -> std::io::Result<Self> {
        Ok(Frames::new(zstd::stream::read::Decoder::new(bytes)?))
    }
}

impl<R: Read> Frames<R> {
    /// Frames of a decompressed stream.
    pub fn new(inner: R) -> Self {
        Frames {
            inner,
            index: 0,
            started: false,
            cut: false,
            end_seen: false,
            done: false,
        }
    }

    /// True once the iteration has ended with the `E` frame and nothing cut short.
    pub fn ended_cleanly(&self) -> bool {
        self.done && self.end_seen && !self.cut
    }

    /// Reads exactly `buf.len()` bytes; false (and marks the stream cut) when it ends first
    /// or cannot be decompressed further.
    fn fill(&mut self, buf: &mut [u8]) -> bool {
        let mut at = 0;
        while at < buf.len() {
            match self.inner.read(&mut buf[at..]) {
                Ok(0) => break,
                Ok(n) => at += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
            }
        }
        if at < buf.len() {
            // Nothing at all at a frame boundary after `E` is the normal end.
            if !(at == 0 && self.end_seen) {
                self.cut = true;
            }
            return false;
        }
        true
    }

    fn next_frame(&mut self) -> Option<Result<Frame, RecordingError>> {
        if self.done {
            return None;
        }
        if !self.started {
            self.started = true;
            let mut magic = [0u8; 8];
            if !self.fill(&mut magic) || &magic != MAGIC {
                self.done = true;
                return Some(Err(RecordingError::NotARecording));
            }
        }
        let mut head = [0u8; FRAME_HEAD];
        if !self.fill(&mut head) {
            self.done = true;
            return None;
        }
        let index = self.index;
        self.index += 1;
        let malformed = |why: String| RecordingError::Malformed { index, why };
        let k = head[0];
        let at_ms = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
        let len = u32::from_le_bytes([head[5], head[6], head[7], head[8]]);
        if !matches!(
            k,
            kind::HEADER | kind::CLIENT | kind::SERVER | kind::TRUNCATED | kind::END
        ) {
            self.done = true;
            return Some(Err(malformed(format!("unknown kind {k:#04x}"))));
        }
        if len > MAX_FRAME {
            self.done = true;
            return Some(Err(malformed(format!(
                "{len} bytes, more than the {MAX_FRAME} a frame may hold"
            ))));
        }
        if self.end_seen {
            self.done = true;
            return Some(Err(malformed("a frame after the end frame".into())));
        }
        let mut data = vec![0u8; len as usize];
        if !self.fill(&mut data) {
            self.done = true;
            return None;
        }
        if k == kind::END {
            self.end_seen = true;
        }
        Some(Ok(Frame {
            kind: k,
            at_ms,
            data,
        }))
    }
}

impl<R: Read> Iterator for Frames<R> {
    type Item = Result<Frame, RecordingError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_frame()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn record(frames: &[(u8, &[u8])], finish: bool) -> Vec<u8> {
        let mut enc = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
        enc.write_all(MAGIC).unwrap();
        for (i, (k, d)) in frames.iter().enumerate() {
            enc.write_all(&frame_head(*k, i as u32, d.len() as u32))
                .unwrap();
            enc.write_all(d).unwrap();
        }
        if finish {
            enc.finish().unwrap()
        } else {
            enc.flush().unwrap();
            enc.get_ref().clone()
        }
    }

    #[test]
    fn a_finished_recording_reads_back_whole() {
        let bytes = record(
            &[
                (kind::HEADER, b"{}"),
                (kind::CLIENT, b"Q"),
                (kind::SERVER, b"Z"),
                (kind::END, b"{}"),
            ],
            true,
        );
        let mut f = Frames::from_compressed(&bytes).unwrap();
        let all: Vec<Frame> = f.by_ref().map(Result::unwrap).collect();
        assert_eq!(all.len(), 4);
        assert_eq!(all[1].data, b"Q");
        assert_eq!(all[2].at_ms, 2);
        assert!(f.ended_cleanly());
    }

    #[test]
    fn a_flushed_but_unfinished_recording_reads_its_prefix_and_says_so() {
        let bytes = record(&[(kind::HEADER, b"{}"), (kind::CLIENT, b"SELECT 1")], false);
        let mut f = Frames::from_compressed(&bytes).unwrap();
        let all: Vec<Frame> = f.by_ref().map(Result::unwrap).collect();
        assert_eq!(all.len(), 2);
        assert!(!f.ended_cleanly());
        // Cut anywhere: never a panic, never a frame that was not written.
        for cut in 0..bytes.len() {
            let Ok(f) = Frames::from_compressed(&bytes[..cut]) else {
                continue;
            };
            for fr in f.flatten() {
                assert!(fr.data == b"{}" || fr.data == b"SELECT 1");
            }
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let plain = b"not zstd at all".to_vec();
        if let Ok(mut f) = Frames::from_compressed(&plain) {
            assert!(matches!(f.next(), Some(Err(RecordingError::NotARecording))));
        }
        let mut raw = MAGIC.to_vec();
        raw.extend(frame_head(b'X', 0, 0));
        let mut f = Frames::new(raw.as_slice());
        assert!(matches!(
            f.next(),
            Some(Err(RecordingError::Malformed { .. }))
        ));
        let mut raw = MAGIC.to_vec();
        raw.extend(frame_head(kind::CLIENT, 0, u32::MAX));
        let mut f = Frames::new(raw.as_slice());
        assert!(matches!(
            f.next(),
            Some(Err(RecordingError::Malformed { .. }))
        ));
        let mut raw = MAGIC.to_vec();
        raw.extend(frame_head(kind::END, 0, 0));
        raw.extend(frame_head(kind::CLIENT, 0, 0));
        let mut f = Frames::new(raw.as_slice());
        assert!(f.next().unwrap().is_ok());
        assert!(f.next().unwrap().is_err());
    }
}
