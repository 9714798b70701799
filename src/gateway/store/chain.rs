//! The audit chain in the store: events are appended unchained (by the audit writer, by any
//! request, even by another process such as `hoopctl gateway token`), and [`Store::seal`]
//! chains them in id order inside one write transaction, so the chain has exactly one writer
//! and one total order whoever appended. Checkpoints record signed heads.

use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use super::{Result, Store, StoreError, encode_err};
use crate::proto::chain::{ChainedEvent, Checkpoint, GENESIS};

/// Most events chained in one transaction.
const SEAL_BATCH: i64 = 2000;

const EVENT_COLUMNS: &str = "id, time, kind, identity, grant_id, connection, session_id, seq, \
     statement, outcome, rows, duration_ms, detail, provenance, hash";

fn corrupt(id: i64, what: &str) -> StoreError {
    StoreError(sqlx::Error::Protocol(format!("audit event {id}: {what}")))
}

/// An event row as stored (its `prev_hash` is filled by the caller, from the row before).
fn event_from(r: &SqliteRow) -> Result<ChainedEvent> {
    let id: i64 = r.try_get("id")?;
    let get = |c: &str| -> Result<Option<String>> {
        r.try_get(c)
            .map_err(|_| corrupt(id, &format!("column {c} is not text")))
    };
    let int = |c: &str| -> Result<Option<i64>> {
        r.try_get(c)
            .map_err(|_| corrupt(id, &format!("column {c} is not an integer")))
    };
    Ok(ChainedEvent {
        id,
        time: int("time")?.unwrap_or_default(),
        kind: get("kind")?.unwrap_or_default(),
        identity: get("identity")?,
        grant_id: get("grant_id")?,
        connection: get("connection")?,
        session_id: get("session_id")?,
        seq: int("seq")?,
        statement: get("statement")?,
        outcome: get("outcome")?,
        rows: int("rows")?,
        duration_ms: int("duration_ms")?,
        detail: get("detail")?,
        provenance: get("provenance")?,
        prev_hash: String::new(),
        hash: get("hash")?.unwrap_or_default(),
    })
}

impl Store {
    /// Chains every event not yet chained, oldest first; returns how many. Safe to call from
    /// several tasks: each round holds SQLite's write lock from reading the head to writing the
    /// hashes.
    pub async fn seal(&self) -> Result<usize> {
        // Events are chained in order, so a chained newest event means nothing to do: checked
        // without taking the write lock, which the audit writer's commits need.
        let newest_chained: Option<bool> = sqlx::query_scalar(
            "SELECT hash IS NOT NULL FROM audit_events ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        if newest_chained != Some(false) {
            return Ok(0);
        }
        let mut total = 0;
        // The head found by the first round is carried to the next (finding it walks back over
        // every unchained event: once, not once per round, after a long backlog).
        let mut carried: Option<(i64, String)> = None;
        loop {
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            let (after, mut prev) = match carried.take() {
                Some(h) => h,
                None => {
                    let head = sqlx::query(
                        "SELECT id, hash FROM audit_events WHERE hash IS NOT NULL
                         ORDER BY id DESC LIMIT 1",
                    )
                    .fetch_optional(&mut *tx)
                    .await?;
                    match head {
                        Some(r) => (r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?),
                        None => (0, GENESIS.to_string()),
                    }
                }
            };
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {EVENT_COLUMNS} FROM audit_events WHERE id > ?1 ORDER BY id LIMIT ?2"
            )))
            .bind(after)
            .bind(SEAL_BATCH)
            .fetch_all(&mut *tx)
            .await?;
            // Nothing new, or another task chained them since the last round: done.
            let chained = rows.first().map(|r| {
                r.try_get::<Option<String>, _>("hash")
                    .ok()
                    .flatten()
                    .is_some()
            });
            if chained != Some(false) {
                tx.rollback().await?;
                return Ok(total);
            }
            let mut hashes = Vec::with_capacity(rows.len());
            let mut prev_id = after;
            for r in &rows {
                let e = event_from(r)?;
                // Ids never skip on their own (AUTOINCREMENT: a rolled-back insert rolls back
                // the counter too), so a gap means events deleted before they were chained.
                // They are chained across it, and every export through here says so.
                if e.id != prev_id + 1 {
                    tracing::error!(
                        missing_from = prev_id + 1,
                        missing_to = e.id - 1,
                        "audit events were deleted before they were chained; exports through them will not verify"
                    );
                }
                prev_id = e.id;
                let h = e
                    .link(&prev)
                    .ok_or_else(|| corrupt(e.id, "the event before it has no valid hash"))?;
                hashes.push((e.id, h.clone()));
                prev = h;
            }
            sqlx::query(
                "UPDATE audit_events SET hash = j.value->>1
                 FROM json_each(?1) AS j WHERE audit_events.id = j.value->>0",
            )
            .bind(serde_json::to_string(&hashes).map_err(encode_err)?)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            total += rows.len();
            if (rows.len() as i64) < SEAL_BATCH {
                return Ok(total);
            }
            if let Some(&(id, _)) = hashes.last() {
                carried = Some((id, prev));
            }
        }
    }

    /// Walks every chained event, oldest first, checking that ids do not skip and each hash
    /// links its contents to the one before; then every checkpoint against its event and
    /// `signed` (its signature check). Returns how many events were checked and the first
    /// problem. Reads in batches; never holds the write lock.
    pub async fn check_chain(
        &self,
        signed: impl Fn(&Checkpoint) -> bool,
    ) -> Result<(usize, Option<String>)> {
        const BATCH: i64 = 5000;
        let (mut after, mut prev) = (0i64, GENESIS.to_string());
        let mut checked = 0;
        loop {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT {EVENT_COLUMNS} FROM audit_events
                 WHERE id > ?1 AND hash IS NOT NULL ORDER BY id LIMIT ?2"
            )))
            .bind(after)
            .bind(BATCH)
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                let e = event_from(r)?;
                if e.id != after + 1 {
                    return Ok((
                        checked,
                        Some(format!(
                            "event {}: follows event {after}; the events between them are missing",
                            e.id
                        )),
                    ));
                }
                if e.link(&prev).as_deref() != Some(e.hash.as_str()) {
                    return Ok((
                        checked,
                        Some(format!(
                            "event {}: its contents or its place do not match its hash (it was edited, moved, or an event before it was)",
                            e.id
                        )),
                    ));
                }
                checked += 1;
                after = e.id;
                prev = e.hash;
            }
            if (rows.len() as i64) < BATCH {
                break;
            }
        }
        let cps = sqlx::query(
            "SELECT c.event_id, c.event_hash, c.time, c.key_id, c.signature, e.hash AS stored
             FROM audit_checkpoints c LEFT JOIN audit_events e ON e.id = c.event_id
             ORDER BY c.event_id",
        )
        .fetch_all(&self.pool)
        .await?;
        for r in &cps {
            let c = checkpoint_from(r)?;
            let stored: Option<String> = r.try_get("stored")?;
            if stored.as_deref() != Some(c.event_hash.as_str()) {
                return Ok((
                    checked,
                    Some(format!(
                        "checkpoint at event {}: the event is gone or its hash changed since it was signed",
                        c.event_id
                    )),
                ));
            }
            if !signed(&c) {
                return Ok((
                    checked,
                    Some(format!(
                        "checkpoint at event {}: its signature does not verify with this gateway's key",
                        c.event_id
                    )),
                ));
            }
        }
        Ok((checked, None))
    }

    /// The newest chained event (id, hash), if any.
    pub async fn chain_head(&self) -> Result<Option<(i64, String)>> {
        let r = sqlx::query(
            "SELECT id, hash FROM audit_events WHERE hash IS NOT NULL ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(match r {
            Some(r) => Some((r.try_get(0)?, r.try_get(1)?)),
            None => None,
        })
    }

    /// The hash of event `id` (`None`: no such event, or not chained).
    pub async fn event_hash(&self, id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT hash FROM audit_events WHERE id = ?1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .flatten(),
        )
    }

    /// The checkpoint of the highest event, if any.
    pub async fn last_checkpoint(&self) -> Result<Option<Checkpoint>> {
        let r = sqlx::query(
            "SELECT event_id, event_hash, time, key_id, signature FROM audit_checkpoints
             ORDER BY event_id DESC, id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(match r {
            Some(r) => Some(checkpoint_from(&r)?),
            None => None,
        })
    }

    /// Stores a signed checkpoint.
    pub async fn insert_checkpoint(&self, c: &Checkpoint) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_checkpoints (event_id, event_hash, time, key_id, signature)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(c.event_id)
        .bind(&c.event_hash)
        .bind(c.time)
        .bind(&c.key_id)
        .bind(&c.signature)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Events from the first at or after `since_ms` (all with `None`) up to `until` (an
    /// event a checkpoint covers), oldest first, each with its predecessor's hash; and the
    /// checkpoints among them.
    pub async fn export_chain(
        &self,
        since_ms: Option<i64>,
        until: i64,
    ) -> Result<(Vec<ChainedEvent>, Vec<Checkpoint>)> {
        let first: Option<i64> = sqlx::query_scalar(
            "SELECT min(id) FROM audit_events WHERE (?1 IS NULL OR time >= ?1) AND id <= ?2",
        )
        .bind(since_ms)
        .bind(until)
        .fetch_one(&self.pool)
        .await?;
        let Some(first) = first else {
            return Ok((Vec::new(), Vec::new()));
        };
        let prev: Option<String> = sqlx::query_scalar(
            "SELECT hash FROM audit_events WHERE id < ?1 ORDER BY id DESC LIMIT 1",
        )
        .bind(first)
        .fetch_optional(&self.pool)
        .await?
        .flatten();
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {EVENT_COLUMNS} FROM audit_events WHERE id >= ?1 AND id <= ?2 ORDER BY id"
        )))
        .bind(first)
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        let mut prev = prev.unwrap_or_else(|| GENESIS.to_string());
        let mut events = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut e = event_from(r)?;
            e.prev_hash = std::mem::replace(&mut prev, e.hash.clone());
            events.push(e);
        }
        let cps = sqlx::query(
            "SELECT event_id, event_hash, time, key_id, signature FROM audit_checkpoints
             WHERE event_id >= ?1 AND event_id <= ?2 ORDER BY id",
        )
        .bind(first)
        .bind(until)
        .fetch_all(&self.pool)
        .await?;
        let checkpoints = cps.iter().map(checkpoint_from).collect::<Result<_>>()?;
        Ok((events, checkpoints))
    }
}

fn checkpoint_from(r: &SqliteRow) -> Result<Checkpoint> {
    Ok(Checkpoint {
        event_id: r.try_get("event_id")?,
        event_hash: r.try_get("event_hash")?,
        time: r.try_get("time")?,
        key_id: r.try_get("key_id")?,
        signature: r.try_get("signature")?,
    })
}
