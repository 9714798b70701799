//! Record-level access accounting in the store: which sessions received a record, by the
//! keyed hash of its key (`crate::gateway::access`).

use sqlx::Row;

use super::{Result, Store};
use crate::gateway::access::KeyHash;

/// A session that received a record.
#[derive(Debug, Clone)]
pub struct AccessRow {
    /// Session.
    pub session_id: String,
    /// The first statement of the session that returned the record (sequence number).
    pub seq: i64,
    /// Its text, and when it ran (the session's start when the event is gone).
    pub statement: Option<String>,
    /// When.
    pub time: i64,
    /// Who.
    pub identity: Option<String>,
    /// Connection.
    pub connection: Option<String>,
    /// Grant.
    pub grant_id: Option<String>,
    /// The grant's reason.
    pub reason: Option<String>,
    /// Workload provenance (JSON) of the grant.
    pub provenance: Option<String>,
}

impl Store {
    /// Whether any access was ever accounted (the access key is then irreplaceable).
    pub async fn has_record_access(&self) -> Result<bool> {
        let n: Option<i64> = sqlx::query_scalar("SELECT 1 FROM record_access LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(n.is_some())
    }

    /// Sessions that received the record whose key hashes to `hash`, oldest first: each
    /// session once, with the first statement that returned it.
    pub async fn who_accessed(
        &self,
        hash: &KeyHash,
        since_ms: Option<i64>,
    ) -> Result<Vec<AccessRow>> {
        // `instr` finds candidate rows inside SQLite; only a match on a 16-byte boundary counts.
        let candidates = sqlx::query(
            "SELECT session_id, seq, hashes FROM record_access
              WHERE instr(hashes, ?1) > 0 AND (?2 IS NULL OR time >= ?2)
              ORDER BY id",
        )
        .bind(hash.as_slice())
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        let mut first: Vec<(String, i64)> = Vec::new();
        for r in &candidates {
            let hashes: Vec<u8> = r.get("hashes");
            if !hashes
                .chunks_exact(hash.len())
                .any(|c| c == hash.as_slice())
            {
                continue;
            }
            let session: String = r.get("session_id");
            let seq: i64 = r.get("seq");
            match first.iter_mut().find(|(s, _)| *s == session) {
                Some((_, q)) => *q = (*q).min(seq),
                None => first.push((session, seq)),
            }
        }
        let mut out = Vec::with_capacity(first.len());
        for (session, seq) in first {
            let row = sqlx::query(
                "SELECT s.statement, COALESCE(s.time, o.time) AS time,
                        o.identity, o.connection, o.grant_id, g.reason, g.provenance
                   FROM audit_events o
                   LEFT JOIN audit_events s
                          ON s.session_id = o.session_id AND s.seq = ?2 AND s.kind <> 'result'
                   LEFT JOIN grants g ON g.id = o.grant_id
                  WHERE o.session_id = ?1 AND o.kind = 'session_open'
                  LIMIT 1",
            )
            .bind(&session)
            .bind(seq)
            .fetch_optional(&self.pool)
            .await?;
            let Some(r) = row else { continue };
            out.push(AccessRow {
                session_id: session,
                seq,
                statement: r.get("statement"),
                time: r.get("time"),
                identity: r.get("identity"),
                connection: r.get("connection"),
                grant_id: r.get("grant_id"),
                reason: r.get("reason"),
                provenance: r.get("provenance"),
            });
        }
        out.sort_by(|a, b| (a.time, &a.session_id).cmp(&(b.time, &b.session_id)));
        Ok(out)
    }
}
