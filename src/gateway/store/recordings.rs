//! Session recordings' metadata, and sessions as the audit log tells them (opened, closed,
//! statements) joined with their grant and their recording.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{Result, Store};

/// A recording's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordingRow {
    /// Session it records.
    pub session_id: String,
    /// File name under the recordings directory.
    pub file: String,
    /// Started, unix ms.
    pub started_at: i64,
    /// Ended (finished, found incomplete, failed), unix ms.
    pub ended_at: Option<i64>,
    /// `recording`, `complete`, `truncated`, `incomplete`, `failed`, `deleted`.
    pub state: String,
    /// Size on disk.
    pub bytes: i64,
    /// Stream bytes recorded (before compression).
    pub stream_bytes: Option<i64>,
    /// Stream bytes left out by the size cap.
    pub dropped_bytes: Option<i64>,
    /// SHA-256 (hex) of the file.
    pub sha256: Option<String>,
    /// When retention deleted the file.
    pub deleted_at: Option<i64>,
}

fn recording_from(r: &SqliteRow) -> RecordingRow {
    RecordingRow {
        session_id: r.get("session_id"),
        file: r.get("file"),
        started_at: r.get("started_at"),
        ended_at: r.get("ended_at"),
        state: r.get("state"),
        bytes: r.get("bytes"),
        stream_bytes: r.get("stream_bytes"),
        dropped_bytes: r.get("dropped_bytes"),
        sha256: r.get("sha256"),
        deleted_at: r.get("deleted_at"),
    }
}

/// A session as the audit log tells it.
#[derive(Debug, Clone)]
pub struct SessionRow {
    /// `se_…`
    pub id: String,
    /// Who.
    pub identity: String,
    /// Connection.
    pub connection: String,
    /// Grant.
    pub grant_id: String,
    /// The grant's stated reason.
    pub reason: Option<String>,
    /// Workload provenance (JSON) of the grant.
    pub provenance: Option<String>,
    /// `session_open` time.
    pub started_at: i64,
    /// `session_close` time; none while open (or when the gateway stopped first).
    pub ended_at: Option<i64>,
    /// The open event's detail (peer, application name).
    pub open_detail: Option<String>,
    /// The close event's detail (why, byte counts, masking counts, recording digest).
    pub close_detail: Option<String>,
    /// Statement events.
    pub statements: i64,
    /// Its recording, if one was made.
    pub recording: Option<RecordingRow>,
}

/// Filter for [`Store::list_sessions`].
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// Started at or after (unix ms).
    pub since_ms: Option<i64>,
    /// Only this connection.
    pub connection: Option<String>,
    /// Only this identity.
    pub identity: Option<String>,
    /// Only sessions of this CI run id.
    pub run_id: Option<String>,
    /// Only sessions of CI runs of this repository.
    pub repository: Option<String>,
    /// At most this many, newest first (default 50).
    pub limit: Option<i64>,
}

const RECORDING_COLUMNS: &str = "session_id, file, started_at, ended_at, state, bytes, \
     stream_bytes, dropped_bytes, sha256, deleted_at";

const SESSION_SELECT: &str = "SELECT o.session_id AS id, o.identity, o.connection, o.grant_id,
        g.reason, g.provenance, o.time AS started_at, o.detail AS open_detail,
        c.time AS ended_at, c.detail AS close_detail,
        (SELECT COUNT(*) FROM audit_events s
          WHERE s.session_id = o.session_id AND s.seq IS NOT NULL AND s.kind <> 'result') AS statements,
        r.session_id AS r_session_id, r.file AS r_file, r.started_at AS r_started_at,
        r.ended_at AS r_ended_at, r.state AS r_state, r.bytes AS r_bytes,
        r.stream_bytes AS r_stream_bytes, r.dropped_bytes AS r_dropped_bytes,
        r.sha256 AS r_sha256, r.deleted_at AS r_deleted_at
   FROM audit_events o
   LEFT JOIN grants g ON g.id = o.grant_id
   LEFT JOIN audit_events c ON c.kind = 'session_close' AND c.session_id = o.session_id
   LEFT JOIN recordings r ON r.session_id = o.session_id";

fn session_from(r: &SqliteRow) -> SessionRow {
    let recording = r
        .get::<Option<String>, _>("r_session_id")
        .map(|session_id| RecordingRow {
            session_id,
            file: r.get("r_file"),
            started_at: r.get("r_started_at"),
            ended_at: r.get("r_ended_at"),
            state: r.get("r_state"),
            bytes: r.get("r_bytes"),
            stream_bytes: r.get("r_stream_bytes"),
            dropped_bytes: r.get("r_dropped_bytes"),
            sha256: r.get("r_sha256"),
            deleted_at: r.get("r_deleted_at"),
        });
    SessionRow {
        id: r.get("id"),
        identity: r.get::<Option<String>, _>("identity").unwrap_or_default(),
        connection: r.get::<Option<String>, _>("connection").unwrap_or_default(),
        grant_id: r.get::<Option<String>, _>("grant_id").unwrap_or_default(),
        reason: r.get("reason"),
        provenance: r.get("provenance"),
        started_at: r.get("started_at"),
        ended_at: r.get("ended_at"),
        open_detail: r.get("open_detail"),
        close_detail: r.get("close_detail"),
        statements: r.get("statements"),
        recording,
    }
}

impl Store {
    /// Records that a session's recording has started.
    pub async fn insert_recording(&self, session_id: &str, file: &str, at: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO recordings (session_id, file, started_at, state) VALUES (?, ?, ?, 'recording')",
        )
        .bind(session_id)
        .bind(file)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records how a recording ended.
    pub async fn end_recording(&self, r: &RecordingRow) -> Result<()> {
        sqlx::query(
            "UPDATE recordings SET ended_at = ?, state = ?, bytes = ?, stream_bytes = ?,
                    dropped_bytes = ?, sha256 = ?
              WHERE session_id = ?",
        )
        .bind(r.ended_at)
        .bind(&r.state)
        .bind(r.bytes)
        .bind(r.stream_bytes)
        .bind(r.dropped_bytes)
        .bind(&r.sha256)
        .bind(&r.session_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Recordings in a state (`recording` at start-up: the ones the last run left open).
    pub async fn recordings_in_state(&self, state: &str) -> Result<Vec<RecordingRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORDING_COLUMNS} FROM recordings WHERE state = ? ORDER BY started_at"
        )))
        .bind(state)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(recording_from).collect())
    }

    /// One session's recording.
    pub async fn recording(&self, session_id: &str) -> Result<Option<RecordingRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORDING_COLUMNS} FROM recordings WHERE session_id = ?"
        )))
        .bind(session_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(recording_from))
    }

    /// Recordings whose files are still on disk and whose sessions have ended, oldest first:
    /// what retention may delete.
    pub async fn ended_recordings(&self) -> Result<Vec<RecordingRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {RECORDING_COLUMNS} FROM recordings
              WHERE state NOT IN ('recording', 'deleted') ORDER BY started_at, session_id"
        )))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(recording_from).collect())
    }

    /// Marks a recording's file deleted by retention.
    pub async fn recording_deleted(&self, session_id: &str, at: i64) -> Result<()> {
        sqlx::query("UPDATE recordings SET state = 'deleted', deleted_at = ? WHERE session_id = ?")
            .bind(at)
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sessions, newest first.
    pub async fn list_sessions(&self, f: &SessionFilter) -> Result<Vec<SessionRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SESSION_SELECT}
              WHERE o.kind = 'session_open' AND (?1 IS NULL OR o.time >= ?1)
                AND (?2 IS NULL OR o.connection = ?2) AND (?3 IS NULL OR o.identity = ?3)
                AND (?4 IS NULL OR g.provenance ->> '$.run_id' = ?4)
                AND (?5 IS NULL OR g.provenance ->> '$.repository' = ?5)
              ORDER BY o.id DESC LIMIT ?6"
        )))
        .bind(f.since_ms)
        .bind(&f.connection)
        .bind(&f.identity)
        .bind(&f.run_id)
        .bind(&f.repository)
        .bind(f.limit.unwrap_or(50))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(session_from).collect())
    }

    /// One session.
    pub async fn session(&self, id: &str) -> Result<Option<SessionRow>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SESSION_SELECT} WHERE o.kind = 'session_open' AND o.session_id = ? LIMIT 1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(session_from))
    }
}
