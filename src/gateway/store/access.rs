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

    /// Sessions that received the record whose key hashes to `hash`, oldest first.
    pub async fn who_accessed(
        &self,
        hash: &KeyHash,
        since_ms: Option<i64>,
    ) -> Result<Vec<AccessRow>> {
        let rows = sqlx::query(
            "SELECT a.session_id, a.seq, s.statement, COALESCE(s.time, o.time) AS time,
                    o.identity, o.connection, o.grant_id, g.reason, g.provenance
               FROM record_access a
               JOIN audit_events o ON o.session_id = a.session_id AND o.kind = 'session_open'
               LEFT JOIN audit_events s
                      ON s.session_id = a.session_id AND s.seq = a.seq AND s.kind <> 'result'
               LEFT JOIN grants g ON g.id = o.grant_id
              WHERE a.key_hash = ?1 AND (?2 IS NULL OR COALESCE(s.time, o.time) >= ?2)
              ORDER BY time, a.session_id",
        )
        .bind(hash.as_slice())
        .bind(since_ms)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| AccessRow {
                session_id: r.get("session_id"),
                seq: r.get("seq"),
                statement: r.get("statement"),
                time: r.get("time"),
                identity: r.get("identity"),
                connection: r.get("connection"),
                grant_id: r.get("grant_id"),
                reason: r.get("reason"),
                provenance: r.get("provenance"),
            })
            .collect())
    }
}
