//! Session recordings: every byte a session's client sent and every byte the gateway sent it
//! back — after masking — framed with relative timestamps and compressed as it happens
//! (format: [`crate::proto::recording`]).
//!
//! - The proxy wraps the client's stream in [`Recorded`]: what is read from the client and
//!   what is written to it is recorded, whichever code path wrote it (results, the gateway's
//!   own errors and notices). The target's credential never crosses that stream; masked values
//!   are masked before they reach it.
//! - Buffering is bounded: frames gather up to 128 KiB and are written as one zstd frame,
//!   compressed with the worker thread's context (a session holds no compressor); a background
//!   task flushes every live recording each second, so a gateway killed mid-session leaves a
//!   readable prefix — found and marked `incomplete`, with its digest, at the next start.
//! - Each session's recording is capped (`[recordings] max_session_bytes`); past the cap a
//!   truncation marker is recorded and the rest is only counted.
//! - A recording that cannot be written ends its session (fail closed, like the audit log).
//! - Retention (`max_age`, `max_total_bytes`) deletes ended recordings' files, oldest first,
//!   after writing an audit event for each; the metadata row and its digest stay.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use sha2::Digest;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::clock::now_ms;
use crate::gateway::config::RecordingsSection;
use crate::gateway::store::{NewEvent, RecordingRow, Store, StoreError};
use crate::proto::recording::{self as format, End, Header, Truncated, kind};

/// How often live recordings are flushed to their files.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// zstd level 1: on `benches/recording.rs` it was both faster and smaller than level 3 for
/// result streams (chunked 64 KiB writes with per-second flushes).
const LEVEL: i32 = 1;
/// Name of the recordings directory in the data dir.
pub const DIR: &str = "recordings";

/// The gateway's recordings: where they go, the live ones, retention.
#[derive(Debug)]
pub struct Recordings {
    dir: PathBuf,
    cfg: RecordingsSection,
    store: Store,
    live: Mutex<HashMap<Arc<str>, Weak<Recording>>>,
}

/// Why a recording could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The file could not be created or written.
    #[error("cannot create the session recording {path}: {source}")]
    Io {
        /// Its path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Its metadata could not be stored.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Recordings {
    /// Opens `<data_dir>/recordings` (owner only) and marks the recordings the last run left
    /// open `incomplete`, each with an audit event carrying its digest.
    pub async fn open(
        data_dir: &Path,
        cfg: RecordingsSection,
        store: Store,
    ) -> anyhow::Result<Recordings> {
        let dir = data_dir.join(DIR);
        std::fs::create_dir_all(&dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| anyhow::anyhow!("cannot restrict {}: {e}", dir.display()))?;
        }
        let r = Recordings {
            dir,
            cfg,
            store,
            live: Mutex::default(),
        };
        r.recover().await?;
        Ok(r)
    }

    /// Recordings left `recording` by a gateway that stopped without ending them.
    async fn recover(&self) -> Result<(), StoreError> {
        for mut row in self.store.recordings_in_state("recording").await? {
            let path = self.path_of(&row.file);
            let (bytes, sha) = match digest_file(path.as_deref()) {
                Some((b, s)) => (b, Some(s)),
                None => (0, None),
            };
            row.state = "incomplete".into();
            row.ended_at = Some(now_ms());
            row.bytes = bytes as i64;
            row.sha256 = sha.clone();
            let detail = format!(
                "the gateway stopped during the session; the recording keeps what was flushed \
                 before: {bytes} bytes, sha256 {}",
                sha.as_deref().unwrap_or("(file missing)")
            );
            self.store
                .insert_event(&NewEvent {
                    kind: "recording_incomplete",
                    session_id: Some(&row.session_id),
                    outcome: Some("error"),
                    detail: Some(&detail),
                    ..Default::default()
                })
                .await?;
            self.store.end_recording(&row).await?;
            tracing::warn!(session = %row.session_id, "recording marked incomplete");
        }
        Ok(())
    }

    /// Whether sessions are recorded.
    pub fn enabled(&self) -> bool {
        self.cfg.enabled
    }

    /// The path of a recording file named in the store; none for a name that is not a plain
    /// file name (the store is not trusted to pick paths).
    pub fn path_of(&self, file: &str) -> Option<PathBuf> {
        let plain = !file.is_empty()
            && file
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            && !file.starts_with('.');
        plain.then(|| self.dir.join(file))
    }

    /// Starts recording a session; none when recordings are off.
    pub async fn start(&self, header: &Header) -> Result<Option<Arc<Recording>>, StartError> {
        if !self.cfg.enabled {
            return Ok(None);
        }
        let file = format!("{}.hrec", header.session_id);
        let path = self.dir.join(&file);
        let io = |source| StartError::Io {
            path: path.clone(),
            source,
        };
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let f = opts.open(&path).map_err(io)?;
        let mut enc = Chunked {
            raw: Vec::new(),
            out: Hashing {
                file: f,
                sha: sha2::Sha256::new(),
                bytes: 0,
            },
        };
        enc.write_all(format::MAGIC).map_err(io)?;
        let rec = Arc::new(Recording {
            session_id: Arc::from(header.session_id.as_str()),
            file: file.clone(),
            started: Instant::now(),
            cap: self.cfg.max_session_bytes,
            writer: Mutex::new(Writer {
                enc: Some(enc),
                recorded: 0,
                dropped: 0,
                truncated: false,
                dirty: false,
                failed: None,
            }),
        });
        let head = serde_json::to_vec(header).map_err(|e| io(std::io::Error::other(e)))?;
        rec.frame(kind::HEADER, &head).map_err(io)?;
        rec.flush();
        if let Err(e) = self
            .store
            .insert_recording(&header.session_id, &file, header.started_at)
            .await
        {
            let _ = std::fs::remove_file(&path);
            return Err(e.into());
        }
        if let Ok(mut live) = self.live.lock() {
            live.insert(rec.session_id.clone(), Arc::downgrade(&rec));
        }
        Ok(Some(rec))
    }

    /// Ends a recording: the end frame, the zstd epilogue, fsync, and its metadata. Returns
    /// what was stored (state, size, digest).
    pub async fn finish(&self, rec: &Recording, reason: &str) -> RecordingRow {
        if let Ok(mut live) = self.live.lock() {
            live.remove(&rec.session_id);
        }
        let row = rec.finish(reason, self.path_of(&rec.file).as_deref());
        if let Err(e) = self.store.end_recording(&row).await {
            tracing::error!(error = %e, session = %rec.session_id, "cannot store how the recording ended");
        }
        row
    }

    /// Flushes every live recording (called each second).
    fn flush_live(&self) {
        let live: Vec<Arc<Recording>> = match self.live.lock() {
            Ok(mut l) => {
                l.retain(|_, w| w.strong_count() > 0);
                l.values().filter_map(Weak::upgrade).collect()
            }
            Err(_) => return,
        };
        for r in live {
            r.flush();
        }
    }

    /// Deletes ended recordings past `max_age`, then the oldest while the total is over
    /// `max_total_bytes`; each deletion is audited first. Returns how many were deleted.
    pub async fn sweep(&self) -> Result<usize, StoreError> {
        let now = now_ms();
        let rows = self.store.ended_recordings().await?;
        let mut total: i64 = rows.iter().map(|r| r.bytes).sum();
        let limit = i64::try_from(self.cfg.max_total_bytes).unwrap_or(i64::MAX);
        let max_age = self
            .cfg
            .max_age
            .map(|a| i64::try_from(a.as_millis()).unwrap_or(i64::MAX));
        let mut deleted = 0;
        for r in rows {
            let ended = r.ended_at.unwrap_or(r.started_at);
            let why = match max_age {
                Some(a) if now.saturating_sub(ended) > a => format!(
                    "older than recordings.max_age ({})",
                    humantime::format_duration(Duration::from_millis(a as u64))
                ),
                _ if total > limit => format!(
                    "recordings over recordings.max_total_bytes ({} bytes)",
                    self.cfg.max_total_bytes
                ),
                _ => continue,
            };
            let detail = format!(
                "retention deleted the recording: {why}; it was {} bytes, sha256 {}",
                r.bytes,
                r.sha256.as_deref().unwrap_or("(none)")
            );
            // On record before it is gone.
            self.store
                .insert_event(&NewEvent {
                    kind: "recording_deleted",
                    session_id: Some(&r.session_id),
                    outcome: Some("ok"),
                    detail: Some(&detail),
                    ..Default::default()
                })
                .await?;
            if let Some(p) = self.path_of(&r.file)
                && let Err(e) = std::fs::remove_file(&p)
                && e.kind() != std::io::ErrorKind::NotFound
            {
                tracing::error!(error = %e, path = %p.display(), "cannot delete a recording");
                continue;
            }
            self.store.recording_deleted(&r.session_id, now).await?;
            total -= r.bytes;
            deleted += 1;
        }
        Ok(deleted)
    }
}

/// Flushes live recordings every second and applies retention every
/// `[recordings] retention_interval` (and once at start).
pub fn spawn(gw: Arc<crate::gateway::Gateway>) {
    let g = gw.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(FLUSH_EVERY).await;
            g.recordings.flush_live();
        }
    });
    tokio::spawn(async move {
        loop {
            match gw.recordings.sweep().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(deleted = n, "recording retention"),
                Err(e) => tracing::error!(error = %e, "recording retention failed; retrying"),
            }
            tokio::time::sleep(gw.recordings.cfg.retention_interval).await;
        }
    });
}

/// SHA-256 (hex) and length of a file, read in chunks.
fn digest_file(path: Option<&Path>) -> Option<(u64, String)> {
    let mut f = std::fs::File::open(path?).ok()?;
    let mut h = sha2::Sha256::new();
    let n = std::io::copy(&mut f, &mut HashSink(&mut h)).ok()?;
    Some((n, hex::encode(h.finalize())))
}

struct HashSink<'a>(&'a mut sha2::Sha256);

impl Write for HashSink<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The file under the encoder: hashes what is written, as it is written.
struct Hashing {
    file: std::fs::File,
    sha: sha2::Sha256,
    bytes: u64,
}

impl Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.sha.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Stream bytes gathered before they are compressed (and a zstd frame written).
const CHUNK: usize = 128 << 10;

/// The compressor: frames gather in `raw` (up to [`CHUNK`]) and go to the file as one zstd
/// frame each, compressed with the thread's own context — so a session holds no compressor
/// while it waits (a streaming encoder per session held about 0.5 MiB each: `bench/run`'s 100
/// idle sessions cost 53 MB more with it). Concatenated zstd frames are one zstd stream.
struct Chunked {
    raw: Vec<u8>,
    out: Hashing,
}

impl Chunked {
    fn write_all(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.raw.extend_from_slice(b);
        if self.raw.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    /// Compresses what has gathered into one frame and writes it to the file.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.raw.is_empty() {
            return Ok(());
        }
        let z = compress(&self.raw)?;
        self.out.write_all(&z)?;
        // Released, not kept: an idle session holds no buffer.
        self.raw = Vec::new();
        Ok(())
    }

    fn finish(mut self) -> std::io::Result<Hashing> {
        self.flush()?;
        Ok(self.out)
    }
}

/// zstd at [`LEVEL`] with this thread's reusable context.
fn compress(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    thread_local! {
        static CONTEXT: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    CONTEXT.with(|c| {
        let mut c = c.borrow_mut();
        match c.as_mut() {
            Some(z) => z.compress(raw),
            None => {
                let mut z = zstd::bulk::Compressor::new(LEVEL)?;
                let out = z.compress(raw);
                *c = Some(z);
                out
            }
        }
    })
}

struct Writer {
    /// None once finished.
    enc: Option<Chunked>,
    recorded: u64,
    dropped: u64,
    truncated: bool,
    dirty: bool,
    failed: Option<String>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("session_id", &self.session_id)
            .finish_non_exhaustive()
    }
}

/// One session's recording in progress.
pub struct Recording {
    session_id: Arc<str>,
    file: String,
    started: Instant,
    cap: u64,
    writer: Mutex<Writer>,
}

impl Recording {
    /// Records bytes of one direction (`kind::CLIENT` or `kind::SERVER`). An error means the
    /// recording failed and the session must end.
    pub fn push(&self, dir: u8, data: &[u8]) -> std::io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        let mut w = self
            .writer
            .lock()
            .map_err(|_| std::io::Error::other("recording lock poisoned"))?;
        if let Some(e) = &w.failed {
            return Err(std::io::Error::other(e.clone()));
        }
        if w.enc.is_none() {
            return Ok(());
        }
        let len = data.len() as u64;
        if w.truncated {
            w.dropped += len;
            return Ok(());
        }
        if w.recorded + len > self.cap {
            w.truncated = true;
            w.dropped += len;
            let t = serde_json::to_vec(&Truncated {
                recorded_bytes: w.recorded,
                limit: self.cap,
            })
            .unwrap_or_default();
            return self.write_frame(&mut w, kind::TRUNCATED, &t);
        }
        for chunk in data.chunks(format::MAX_FRAME as usize) {
            self.write_frame(&mut w, dir, chunk)?;
        }
        w.recorded += len;
        Ok(())
    }

    fn frame(&self, k: u8, data: &[u8]) -> std::io::Result<()> {
        let mut w = self
            .writer
            .lock()
            .map_err(|_| std::io::Error::other("recording lock poisoned"))?;
        self.write_frame(&mut w, k, data)
    }

    fn write_frame(&self, w: &mut Writer, k: u8, data: &[u8]) -> std::io::Result<()> {
        let at = u32::try_from(self.started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let Some(enc) = w.enc.as_mut() else {
            return Ok(());
        };
        let r = enc
            .write_all(&format::frame_head(k, at, data.len() as u32))
            .and_then(|_| enc.write_all(data));
        match r {
            Ok(()) => {
                w.dirty = true;
                Ok(())
            }
            Err(e) => {
                let msg = format!("session recording failed: {e}");
                tracing::error!(session = %self.session_id, %msg);
                w.failed = Some(msg.clone());
                Err(std::io::Error::other(msg))
            }
        }
    }

    /// Hands what is pending to the file (one zstd frame).
    fn flush(&self) {
        let Ok(mut w) = self.writer.lock() else {
            return;
        };
        if !w.dirty || w.failed.is_some() {
            return;
        }
        w.dirty = false;
        if let Some(enc) = w.enc.as_mut()
            && let Err(e) = enc.flush()
        {
            let msg = format!("session recording failed: {e}");
            tracing::error!(session = %self.session_id, %msg);
            w.failed = Some(msg);
        }
    }

    fn finish(&self, reason: &str, path: Option<&Path>) -> RecordingRow {
        let mut row = RecordingRow {
            session_id: self.session_id.to_string(),
            file: self.file.clone(),
            started_at: 0,
            ended_at: Some(now_ms()),
            state: "complete".into(),
            bytes: 0,
            stream_bytes: None,
            dropped_bytes: None,
            sha256: None,
            deleted_at: None,
        };
        let Ok(mut w) = self.writer.lock() else {
            row.state = "failed".into();
            return row;
        };
        let end = serde_json::to_vec(&End {
            reason: reason.to_string(),
            recorded_bytes: w.recorded,
            dropped_bytes: w.dropped,
        })
        .unwrap_or_default();
        let ended = if w.failed.is_none() {
            self.write_frame(&mut w, kind::END, &end).ok()
        } else {
            None
        };
        row.stream_bytes = Some(w.recorded as i64);
        row.dropped_bytes = Some(w.dropped as i64);
        let enc = w.enc.take();
        let finished = match (ended, enc) {
            (Some(()), Some(enc)) => enc
                .finish()
                .and_then(|h| h.file.sync_all().map(|_| h))
                .map_err(|e| e.to_string()),
            _ => Err(w.failed.clone().unwrap_or_else(|| "already ended".into())),
        };
        match finished {
            Ok(h) => {
                row.bytes = h.bytes as i64;
                row.sha256 = Some(hex::encode(h.sha.finalize()));
                if w.truncated {
                    row.state = "truncated".into();
                }
            }
            Err(e) => {
                tracing::error!(session = %self.session_id, error = %e, "recording ended badly");
                row.state = "failed".into();
                if let Some((b, s)) = digest_file(path) {
                    row.bytes = b as i64;
                    row.sha256 = Some(s);
                }
            }
        }
        row
    }
}

/// A client stream whose traffic is recorded: reads as `C` frames, writes as `S` frames.
pub struct Recorded<T> {
    inner: T,
    rec: Option<Arc<Recording>>,
}

impl<T> Recorded<T> {
    /// Wraps `inner`; with no recording it only passes through.
    pub fn new(inner: T, rec: Option<Arc<Recording>>) -> Self {
        Recorded { inner, rec }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Recorded<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if let Some(r) = &this.rec {
                    r.push(kind::CLIENT, &buf.filled()[before..])?;
                }
                Poll::Ready(Ok(()))
            }
            other => other,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Recorded<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_write(cx, data) {
            Poll::Ready(Ok(n)) => {
                if let Some(r) = &this.rec {
                    r.push(kind::SERVER, &data[..n])?;
                }
                Poll::Ready(Ok(n))
            }
            other => other,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::recording::Frames;

    fn header(id: &str, at: i64) -> Header {
        Header {
            session_id: id.into(),
            connection: "pg".into(),
            identity: "ci".into(),
            grant_id: "gr_1".into(),
            protocol: "postgres".into(),
            started_at: at,
        }
    }

    async fn recordings(dir: &Path, cfg: RecordingsSection) -> Recordings {
        let store = Store::open(dir).await.unwrap();
        Recordings::open(dir, cfg, store).await.unwrap()
    }

    #[tokio::test]
    async fn the_cap_records_a_marker_and_counts_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = RecordingsSection {
            max_session_bytes: 4096,
            ..Default::default()
        };
        let recs = recordings(dir.path(), cfg).await;
        let r = recs.start(&header("se_cap", 1)).await.unwrap().unwrap();
        for i in 0..10u8 {
            r.push(kind::SERVER, &[i; 1000]).unwrap();
        }
        let row = recs.finish(&r, "done").await;
        assert_eq!(row.state, "truncated");
        assert_eq!(row.stream_bytes, Some(4000));
        assert_eq!(row.dropped_bytes, Some(6000));
        // Finishing twice, or pushing after the end, changes nothing and fails nothing.
        r.push(kind::CLIENT, b"late").unwrap();
        let bytes = std::fs::read(recs.path_of(&row.file).unwrap()).unwrap();
        assert_eq!(
            hex::encode(sha2::Sha256::digest(&bytes)),
            row.sha256.unwrap()
        );
        let mut frames = Frames::from_compressed(&bytes).unwrap();
        let kinds: Vec<u8> = frames.by_ref().map(|f| f.unwrap().kind).collect();
        assert_eq!(
            kinds,
            [
                kind::HEADER,
                kind::SERVER,
                kind::SERVER,
                kind::SERVER,
                kind::SERVER,
                kind::TRUNCATED,
                kind::END
            ]
        );
        assert!(frames.ended_cleanly());
        let stored = recs.store.recording("se_cap").await.unwrap().unwrap();
        assert_eq!(stored.state, "truncated");
    }

    #[tokio::test]
    async fn retention_deletes_the_oldest_while_over_the_total_and_audits_each() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = RecordingsSection {
            max_age: None,
            ..Default::default()
        };
        let recs = recordings(dir.path(), cfg.clone()).await;
        let mut sizes = Vec::new();
        for (i, id) in ["se_a", "se_b", "se_c"].iter().enumerate() {
            let r = recs
                .start(&header(id, i as i64 + 1))
                .await
                .unwrap()
                .unwrap();
            // Incompressible, so the sizes differ from the header's.
            let noise: Vec<u8> = (0..20_000).map(|_| rand::random()).collect();
            r.push(kind::SERVER, &noise).unwrap();
            sizes.push(recs.finish(&r, "done").await.bytes);
        }
        // A live recording is never deleted, whatever the total.
        let live = recs.start(&header("se_live", 0)).await.unwrap().unwrap();
        assert_eq!(recs.sweep().await.unwrap(), 0, "under the default total");
        let limit = (sizes[1] + sizes[2]) as u64;
        let tight = Recordings {
            cfg: RecordingsSection {
                max_total_bytes: limit,
                ..cfg
            },
            dir: recs.dir.clone(),
            store: recs.store.clone(),
            live: Mutex::default(),
        };
        assert_eq!(tight.sweep().await.unwrap(), 1);
        let state = |id: &'static str| {
            let store = recs.store.clone();
            async move { store.recording(id).await.unwrap().unwrap().state }
        };
        assert_eq!(state("se_a").await, "deleted");
        assert_eq!(state("se_b").await, "complete");
        assert_eq!(state("se_c").await, "complete");
        assert_eq!(state("se_live").await, "recording");
        assert!(!dir.path().join("recordings/se_a.hrec").exists());
        assert!(dir.path().join("recordings/se_b.hrec").exists());
        let events = recs
            .store
            .list_events(&crate::gateway::store::EventFilter {
                session_id: Some("se_a".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, "recording_deleted");
        assert!(
            events[0]
                .detail
                .as_deref()
                .unwrap()
                .contains("max_total_bytes")
        );
        assert_eq!(tight.sweep().await.unwrap(), 0, "now within the total");
        drop(live);
    }

    #[tokio::test]
    async fn a_recording_left_open_is_marked_incomplete_at_start() {
        let dir = tempfile::tempdir().unwrap();
        let recs = recordings(dir.path(), RecordingsSection::default()).await;
        let r = recs.start(&header("se_open", 1)).await.unwrap().unwrap();
        r.push(kind::CLIENT, b"Q\0\0\0\x0dSELECT 1\0").unwrap();
        recs.flush_live();
        // The process "dies": nothing finishes it.
        std::mem::forget(r);
        let again = recordings(dir.path(), RecordingsSection::default()).await;
        let row = again.store.recording("se_open").await.unwrap().unwrap();
        assert_eq!(row.state, "incomplete");
        let bytes = std::fs::read(dir.path().join("recordings/se_open.hrec")).unwrap();
        assert_eq!(
            row.sha256.unwrap(),
            hex::encode(sha2::Sha256::digest(&bytes))
        );
        let mut frames = Frames::from_compressed(&bytes).unwrap();
        let got: Vec<Vec<u8>> = frames.by_ref().map(|f| f.unwrap().data).collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], b"Q\0\0\0\x0dSELECT 1\0");
        assert!(!frames.ended_cleanly());
    }
}
