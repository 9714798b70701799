//! The gateway's embedded store: SQLite in the data directory, migrations applied at start.
//!
//! Only this module writes SQL. WAL mode with `synchronous = FULL` makes a committed audit event
//! durable before the proxy forwards the statement it describes (DESIGN.md §4.3).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{Connection, Row, SqlSafeStr};

use crate::clock::now_ms;

mod access;
mod chain;
mod federated;
mod recordings;

pub use access::AccessRow;
pub use federated::{BindingConflict, FederatedIdentity, FederatedLogin};
pub use recordings::{RecordingRow, SessionFilter, SessionRow};

/// A store failure. Callers turn it into a 500 or a PostgreSQL error; the text never holds secrets.
#[derive(Debug, thiserror::Error)]
#[error("gateway store: {0}")]
pub struct StoreError(#[from] sqlx::Error);

type Result<T> = std::result::Result<T, StoreError>;

fn encode_err(e: serde_json::Error) -> StoreError {
    StoreError(sqlx::Error::Encode(Box::new(e)))
}

/// An `audit_events` row as the audit writer sends it (JSON array; `time` is bound apart):
/// kind, identity, grant, connection, session, seq, statement, outcome, rows, duration, detail.
type EventJson<'a> = (
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
    Option<i64>,
    Option<&'a str>,
    &'a str,
    Option<i64>,
    Option<i64>,
    Option<&'a str>,
);

/// Handle to the store; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
    opts: SqliteConnectOptions,
    pending_ttl_ms: i64,
}

/// The audit writer's own connection. Not from the pool: a pooled connection finds its page
/// cache stale whenever another connection wrote, and the writer then re-reads the pages it is
/// about to append to on every commit.
#[derive(Debug)]
pub struct AuditLog {
    conn: SqliteConnection,
}

/// A device authorization request.
#[derive(Debug, Clone)]
pub struct DeviceRow {
    /// SHA-256 of the device code.
    pub device_code_hash: String,
    /// Code the user types.
    pub user_code: String,
    /// pending | approved | denied | consumed
    pub status: String,
    /// Who approved it.
    pub identity: Option<String>,
    /// Expiry, unix ms.
    pub expires_at: i64,
    /// Required polling interval.
    pub interval_ms: i64,
    /// Last poll, unix ms.
    pub last_poll_at: Option<i64>,
}

/// A stored token.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// access | refresh
    pub kind: String,
    /// Holder.
    pub identity: String,
    /// Rotation family.
    pub family: String,
    /// Expiry, unix ms.
    pub expires_at: i64,
    /// When a refresh token was rotated.
    pub used_at: Option<i64>,
    /// When revoked.
    pub revoked_at: Option<i64>,
    /// Workload provenance (JSON) of a token from a CI token exchange.
    pub provenance: Option<String>,
}

/// A stored grant.
#[derive(Debug, Clone)]
pub struct GrantRow {
    /// `gr_…`
    pub id: String,
    /// Holder.
    pub identity: String,
    /// Connection name.
    pub connection: String,
    /// Stated reason.
    pub reason: String,
    /// Status name.
    pub status: String,
    /// Requested length.
    pub duration_ms: i64,
    /// Requested at.
    pub created_at: i64,
    /// Ends at (once active).
    pub expires_at: Option<i64>,
    /// Approver / denier / revoker.
    pub decided_by: Option<String>,
    /// Their reason.
    pub decision_reason: Option<String>,
    /// Workload provenance (JSON), from the requester's token.
    pub provenance: Option<String>,
}

/// A review: a human decision on a held statement or a pending grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    /// `rv_…`
    pub id: String,
    /// `statement` or `grant`.
    pub kind: String,
    /// pending | approved | denied | expired | cancelled
    pub status: String,
    /// Who asked (the session's or the grant's identity).
    pub requester: String,
    /// Connection.
    pub connection: String,
    /// The grant (the session's, or the grant under review).
    pub grant_id: Option<String>,
    /// The session holding the statement.
    pub session_id: Option<String>,
    /// The statement, exactly as sent.
    pub statement: Option<String>,
    /// SHA-256 (hex) of the statement and its parameters: what the approval binds to.
    pub statement_sha256: Option<String>,
    /// A held Execute's Bind parameter values (as a reviewer reads them).
    pub parameters: Option<Vec<String>>,
    /// What needs approval (`write on Table::"pg/public.orders"`; the grant's connect).
    pub needs: String,
    /// The grant's stated reason.
    pub reason: String,
    /// Opened at (unix ms).
    pub created_at: i64,
    /// Undecided by then, it expires.
    pub expires_at: i64,
    /// Reviewer.
    pub decided_by: Option<String>,
    /// Decided at.
    pub decided_at: Option<i64>,
    /// The reviewer's reason (or why it expired or was cancelled).
    pub decision_reason: Option<String>,
}

/// Which reviews to list.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter<'a> {
    /// Only this status.
    pub status: Option<&'a str>,
    /// Only this requester's.
    pub requester: Option<&'a str>,
    /// Only this connection's.
    pub connection: Option<&'a str>,
}

/// A new audit event.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    /// Event kind.
    pub kind: &'a str,
    /// Who.
    pub identity: Option<&'a str>,
    /// Grant.
    pub grant_id: Option<&'a str>,
    /// Connection.
    pub connection: Option<&'a str>,
    /// Session.
    pub session_id: Option<&'a str>,
    /// Statement text.
    pub statement: Option<&'a str>,
    /// Outcome.
    pub outcome: Option<&'a str>,
    /// Detail.
    pub detail: Option<&'a str>,
    /// Workload provenance (JSON), for events without a grant.
    pub provenance: Option<&'a str>,
}

/// Filter for [`Store::list_events`].
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Events at or after this time (unix ms).
    pub since_ms: Option<i64>,
    /// Only this connection.
    pub connection: Option<String>,
    /// Only this identity.
    pub identity: Option<String>,
    /// Only this session.
    pub session_id: Option<String>,
    /// Only events of CI runs of this repository.
    pub repository: Option<String>,
    /// Only events of this CI run id.
    pub run_id: Option<String>,
    /// At most this many (newest kept), default 1000.
    pub limit: Option<i64>,
}

/// A stored audit event.
#[derive(Debug, Clone)]
pub struct EventRow {
    /// Sequence id.
    pub id: i64,
    /// Time, unix ms.
    pub time: i64,
    /// Kind.
    pub kind: String,
    /// Who.
    pub identity: Option<String>,
    /// Grant.
    pub grant_id: Option<String>,
    /// Connection.
    pub connection: Option<String>,
    /// Session.
    pub session_id: Option<String>,
    /// Statement text.
    pub statement: Option<String>,
    /// Outcome.
    pub outcome: Option<String>,
    /// Rows.
    pub rows: Option<i64>,
    /// Duration.
    pub duration_ms: Option<i64>,
    /// Detail.
    pub detail: Option<String>,
    /// Workload provenance (JSON): the event's own, or its grant's.
    pub provenance: Option<String>,
}

fn migrator() -> Migrator {
    let m = |version, name, sql: &'static str| {
        Migration::new(
            version,
            Cow::Borrowed(name),
            MigrationType::Simple,
            sql.into_sql_str(),
            false,
        )
    };
    Migrator::with_migrations(vec![
        m(1, "init", include_str!("../../migrations/0001_init.sql")),
        m(
            2,
            "statement seq",
            include_str!("../../migrations/0002_statement_seq.sql"),
        ),
        m(
            3,
            "statement results",
            include_str!("../../migrations/0003_statement_results.sql"),
        ),
        m(
            4,
            "results as events",
            include_str!("../../migrations/0004_results_as_events.sql"),
        ),
        m(
            5,
            "provenance",
            include_str!("../../migrations/0005_provenance.sql"),
        ),
        m(
            6,
            "reviews",
            include_str!("../../migrations/0006_reviews.sql"),
        ),
        m(
            7,
            "review parameters",
            include_str!("../../migrations/0007_review_parameters.sql"),
        ),
        m(
            8,
            "audit chain",
            include_str!("../../migrations/0008_audit_chain.sql"),
        ),
        m(
            9,
            "recordings",
            include_str!("../../migrations/0009_recordings.sql"),
        ),
        m(
            10,
            "record access",
            include_str!("../../migrations/0010_record_access.sql"),
        ),
        m(
            11,
            "federated identities",
            include_str!("../../migrations/0011_federated_identities.sql"),
        ),
        m(
            12,
            "federated logins",
            include_str!("../../migrations/0012_federated_logins.sql"),
        ),
    ])
}

/// One write of the audit writer's batch.
#[derive(Debug, Clone)]
pub enum AuditWrite {
    /// A statement event, identified by (session, seq).
    Statement {
        /// Session.
        session_id: std::sync::Arc<str>,
        /// Sequence number in the session.
        seq: i64,
        /// `query`, `parse`, `execute`, `function_call`.
        kind: &'static str,
        /// Identity.
        identity: std::sync::Arc<str>,
        /// Grant.
        grant_id: std::sync::Arc<str>,
        /// Connection.
        connection: std::sync::Arc<str>,
        /// Statement text.
        statement: String,
    },
    /// A session event (`session_open`, `session_close`, …).
    Session {
        /// Session.
        session_id: std::sync::Arc<str>,
        /// Event kind.
        kind: &'static str,
        /// Identity.
        identity: std::sync::Arc<str>,
        /// Grant.
        grant_id: std::sync::Arc<str>,
        /// Connection.
        connection: std::sync::Arc<str>,
        /// Outcome.
        outcome: &'static str,
        /// Detail.
        detail: Option<String>,
    },
    /// Records of PHI tables a session received: keyed hashes of their keys, each with the
    /// statement that returned it (`crate::gateway::access`).
    Access {
        /// Session.
        session_id: std::sync::Arc<str>,
        /// (statement sequence number, key hash).
        keys: Vec<(i64, crate::gateway::access::KeyHash)>,
    },
    /// The result of a statement event.
    Finish {
        /// Session.
        session_id: std::sync::Arc<str>,
        /// Sequence number in the session.
        seq: i64,
        /// `ok`, `error`, `skipped`.
        outcome: &'static str,
        /// Rows.
        rows: Option<i64>,
        /// Duration.
        duration_ms: i64,
        /// Error text.
        detail: Option<String>,
    },
}

impl Store {
    /// Opens (creating if needed) `store.db` in `data_dir` and applies migrations.
    pub async fn open(data_dir: &Path) -> Result<Store> {
        Self::open_with(data_dir, Duration::from_secs(10)).await
    }

    /// Like [`Store::open`]; `lock_timeout` is how long a write waits for SQLite's lock.
    pub async fn open_with(data_dir: &Path, lock_timeout: Duration) -> Result<Store> {
        let path = data_dir.join("store.db");
        let opts = SqliteConnectOptions::from_str("sqlite://")?
            .filename(&path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(lock_timeout)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(opts.clone())
            .await?;
        migrator()
            .run(&pool)
            .await
            .map_err(|e| StoreError(sqlx::Error::Migrate(Box::new(e))))?;
        Ok(Store {
            pool,
            opts,
            pending_ttl_ms: 24 * 3600 * 1000,
        })
    }

    /// Opens the audit writer's dedicated connection.
    pub async fn audit_log(&self) -> Result<AuditLog> {
        Ok(AuditLog {
            conn: SqliteConnection::connect_with(&self.opts).await?,
        })
    }

    /// Sets how long a pending grant waits for a decision before it expires.
    pub fn with_pending_ttl(mut self, ttl: Duration) -> Self {
        self.pending_ttl_ms = ttl.as_millis() as i64;
        self
    }

    /// Deletes what can no longer be used: device codes and tokens a day past their expiry.
    /// Grants and audit events are kept.
    pub async fn purge_expired(&self) -> Result<u64> {
        let cutoff = now_ms() - 24 * 3600 * 1000;
        let a = sqlx::query("DELETE FROM device_codes WHERE expires_at < ?")
            .bind(cutoff)
            .execute(&self.pool)
            .await?
            .rows_affected();
        let b = sqlx::query("DELETE FROM tokens WHERE expires_at < ?")
            .bind(cutoff)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(a + b)
    }

    // ---- device codes ----

    /// Records a new device authorization request.
    pub async fn insert_device(&self, d: &DeviceRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO device_codes (device_code_hash, user_code, status, created_at, expires_at, interval_ms)
             VALUES (?, ?, 'pending', ?, ?, ?)",
        )
        .bind(&d.device_code_hash)
        .bind(&d.user_code)
        .bind(now_ms())
        .bind(d.expires_at)
        .bind(d.interval_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    fn device_from(r: &SqliteRow) -> DeviceRow {
        DeviceRow {
            device_code_hash: r.get("device_code_hash"),
            user_code: r.get("user_code"),
            status: r.get("status"),
            identity: r.get("identity"),
            expires_at: r.get("expires_at"),
            interval_ms: r.get("interval_ms"),
            last_poll_at: r.get("last_poll_at"),
        }
    }

    /// Looks a request up by the code the user typed.
    pub async fn device_by_user_code(&self, user_code: &str) -> Result<Option<DeviceRow>> {
        let r = sqlx::query("SELECT * FROM device_codes WHERE user_code = ?")
            .bind(user_code)
            .fetch_optional(&self.pool)
            .await?;
        Ok(r.as_ref().map(Self::device_from))
    }

    /// Looks a request up by its (hashed) device code.
    pub async fn device_by_hash(&self, hash: &str) -> Result<Option<DeviceRow>> {
        let r = sqlx::query("SELECT * FROM device_codes WHERE device_code_hash = ?")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(r.as_ref().map(Self::device_from))
    }

    /// Sets a pending request's status (approved/denied) and identity. False if it was not pending.
    pub async fn decide_device(
        &self,
        user_code: &str,
        status: &str,
        identity: Option<&str>,
    ) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE device_codes SET status = ?, identity = ? WHERE user_code = ? AND status = 'pending' AND expires_at > ?",
        )
        .bind(status)
        .bind(identity)
        .bind(user_code)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Records a poll; returns the previous poll time.
    pub async fn touch_device_poll(&self, hash: &str, interval_ms: i64) -> Result<()> {
        sqlx::query(
            "UPDATE device_codes SET last_poll_at = ?, interval_ms = ? WHERE device_code_hash = ?",
        )
        .bind(now_ms())
        .bind(interval_ms)
        .bind(hash)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks an approved request consumed; false if someone else consumed it first.
    pub async fn consume_device(&self, hash: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE device_codes SET status = 'consumed', idp_refresh = NULL
             WHERE device_code_hash = ? AND status = 'approved'",
        )
        .bind(hash)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    // ---- tokens ----

    /// Stores a token by hash.
    pub async fn insert_token(
        &self,
        hash: &str,
        kind: &str,
        identity: &str,
        family: &str,
        expires_at: i64,
        provenance: Option<&str>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO tokens (token_hash, kind, identity, family, created_at, expires_at, provenance) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(hash)
        .bind(kind)
        .bind(identity)
        .bind(family)
        .bind(now_ms())
        .bind(expires_at)
        .bind(provenance)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Finds a token by hash.
    pub async fn token(&self, hash: &str) -> Result<Option<TokenRow>> {
        let r = sqlx::query("SELECT * FROM tokens WHERE token_hash = ?")
            .bind(hash)
            .fetch_optional(&self.pool)
            .await?;
        Ok(r.map(|r| TokenRow {
            kind: r.get("kind"),
            identity: r.get("identity"),
            family: r.get("family"),
            expires_at: r.get("expires_at"),
            used_at: r.get("used_at"),
            revoked_at: r.get("revoked_at"),
            provenance: r.get("provenance"),
        }))
    }

    /// Marks a refresh token used; false if it was already used (a replay).
    pub async fn use_refresh(&self, hash: &str) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE tokens SET used_at = ? WHERE token_hash = ? AND kind = 'refresh' AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(hash)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// When the login a token family belongs to started (its first token).
    pub async fn family_started(&self, family: &str) -> Result<Option<i64>> {
        let r = sqlx::query("SELECT MIN(created_at) FROM tokens WHERE family = ?")
            .bind(family)
            .fetch_one(&self.pool)
            .await?;
        Ok(r.get(0))
    }

    /// Revokes every token of a family (logout, or refresh-token replay).
    /// Also forgets the identity provider's refresh token behind the login, if any: nothing
    /// can renew a revoked login.
    pub async fn revoke_family(&self, family: &str) -> Result<u64> {
        let n =
            sqlx::query("UPDATE tokens SET revoked_at = ? WHERE family = ? AND revoked_at IS NULL")
                .bind(now_ms())
                .bind(family)
                .execute(&self.pool)
                .await?
                .rows_affected();
        self.delete_federated_login(family).await?;
        Ok(n)
    }

    /// Revokes every live token of `identity` (all its logins); returns how many.
    /// Also forgets the identity provider refresh tokens behind them, and denies device codes
    /// approved for the identity but not yet redeemed (they would become fresh logins).
    pub async fn revoke_identity_tokens(&self, identity: &str) -> Result<u64> {
        sqlx::query(
            "UPDATE device_codes SET status = 'denied', idp_refresh = NULL
             WHERE identity = ?1 AND status = 'approved'",
        )
        .bind(identity)
        .execute(&self.pool)
        .await?;
        let n = sqlx::query(
            "UPDATE tokens SET revoked_at = ?1 WHERE identity = ?2 AND revoked_at IS NULL
             AND expires_at > ?1",
        )
        .bind(now_ms())
        .bind(identity)
        .execute(&self.pool)
        .await?
        .rows_affected();
        sqlx::query("DELETE FROM federated_logins WHERE name = ?1")
            .bind(identity)
            .execute(&self.pool)
            .await?;
        Ok(n)
    }

    // ---- grants ----

    /// Stores a new grant.
    pub async fn insert_grant(&self, g: &GrantRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO grants (id, identity, connection, reason, status, duration_ms, created_at, activated_at, expires_at, decided_by, decision_reason, provenance)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&g.id)
        .bind(&g.identity)
        .bind(&g.connection)
        .bind(&g.reason)
        .bind(&g.status)
        .bind(g.duration_ms)
        .bind(g.created_at)
        .bind(g.expires_at.map(|_| g.created_at))
        .bind(g.expires_at)
        .bind(&g.decided_by)
        .bind(&g.decision_reason)
        .bind(&g.provenance)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    fn grant_from(r: &SqliteRow) -> GrantRow {
        GrantRow {
            id: r.get("id"),
            identity: r.get("identity"),
            connection: r.get("connection"),
            reason: r.get("reason"),
            status: r.get("status"),
            duration_ms: r.get("duration_ms"),
            created_at: r.get("created_at"),
            expires_at: r.get("expires_at"),
            decided_by: r.get("decided_by"),
            decision_reason: r.get("decision_reason"),
            provenance: r.get("provenance"),
        }
    }

    /// Marks active grants whose time is up, and pending grants nobody decided on, as expired.
    pub async fn expire_grants(&self) -> Result<()> {
        let now = now_ms();
        sqlx::query(
            "UPDATE grants SET status = 'expired' WHERE status = 'active' AND expires_at <= ?",
        )
        .bind(now)
        .execute(&self.pool)
        .await?;
        sqlx::query(
            "UPDATE grants SET status = 'expired', decision_reason = 'no approver decided in time'
             WHERE status = 'pending' AND created_at <= ?",
        )
        .bind(now - self.pending_ttl_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// One grant by id.
    ///
    /// A read only: the tunnel calls it for every connection, so it must not take SQLite's write
    /// lock. A grant past its time reads as `expired` even before the sweeper writes it so.
    pub async fn grant(&self, id: &str) -> Result<Option<GrantRow>> {
        let r = sqlx::query("SELECT * FROM grants WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let now = now_ms();
        Ok(r.as_ref().map(Self::grant_from).map(|mut g| {
            let over = match g.status.as_str() {
                "active" => g.expires_at.is_none_or(|e| e <= now),
                "pending" => g.created_at <= now - self.pending_ttl_ms,
                _ => false,
            };
            if over {
                g.status = "expired".into();
            }
            g
        }))
    }

    /// Grants, newest first, optionally only one identity's and/or one status.
    pub async fn list_grants(
        &self,
        identity: Option<&str>,
        status: Option<&str>,
        connection: Option<&str>,
    ) -> Result<Vec<GrantRow>> {
        self.expire_grants().await?;
        let rows = sqlx::query(
            "SELECT * FROM grants WHERE (?1 IS NULL OR identity = ?1) AND (?2 IS NULL OR status = ?2)
             AND (?3 IS NULL OR connection = ?3) ORDER BY created_at DESC LIMIT 500",
        )
        .bind(identity)
        .bind(status)
        .bind(connection)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(Self::grant_from).collect())
    }

    /// Moves a grant from `from` to `to` status; false if it was not in `from`.
    /// Activation sets the start and end times from now.
    pub async fn transition_grant(
        &self,
        id: &str,
        from: &[&str],
        to: &str,
        by: &str,
        reason: Option<&str>,
    ) -> Result<bool> {
        self.expire_grants().await?;
        let now = now_ms();
        let n = sqlx::query(
            "UPDATE grants SET status = ?1, decided_by = ?2, decision_reason = ?3,
                activated_at = CASE WHEN ?1 = 'active' THEN ?4 ELSE activated_at END,
                expires_at = CASE WHEN ?1 = 'active' THEN ?4 + duration_ms ELSE expires_at END
             WHERE id = ?5 AND status IN (SELECT value FROM json_each(?6))",
        )
        .bind(to)
        .bind(by)
        .bind(reason)
        .bind(now)
        .bind(id)
        .bind(serde_json::to_string(from).unwrap_or_default())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    // ---- reviews ----

    /// Stores a new review.
    pub async fn insert_review(&self, r: &ReviewRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO reviews (id, kind, status, requester, connection, grant_id, session_id, statement, statement_sha256, parameters, needs, reason, created_at, expires_at, decided_by, decided_at, decision_reason)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&r.id)
        .bind(&r.kind)
        .bind(&r.status)
        .bind(&r.requester)
        .bind(&r.connection)
        .bind(&r.grant_id)
        .bind(&r.session_id)
        .bind(&r.statement)
        .bind(&r.statement_sha256)
        .bind(
            r.parameters
                .as_ref()
                .map(|p| serde_json::to_string(p).unwrap_or_default()),
        )
        .bind(&r.needs)
        .bind(&r.reason)
        .bind(r.created_at)
        .bind(r.expires_at)
        .bind(&r.decided_by)
        .bind(r.decided_at)
        .bind(&r.decision_reason)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    fn review_from(r: &SqliteRow) -> ReviewRow {
        ReviewRow {
            id: r.get("id"),
            kind: r.get("kind"),
            status: r.get("status"),
            requester: r.get("requester"),
            connection: r.get("connection"),
            grant_id: r.get("grant_id"),
            session_id: r.get("session_id"),
            statement: r.get("statement"),
            statement_sha256: r.get("statement_sha256"),
            parameters: r.get::<Option<String>, _>("parameters").map(|p| {
                serde_json::from_str(&p).unwrap_or_else(|_| vec![format!("<unreadable: {p}>")])
            }),
            needs: r.get("needs"),
            reason: r.get("reason"),
            created_at: r.get("created_at"),
            expires_at: r.get("expires_at"),
            decided_by: r.get("decided_by"),
            decided_at: r.get("decided_at"),
            decision_reason: r.get("decision_reason"),
        }
    }

    /// One review by id; a pending review past its time reads as `expired`.
    pub async fn review(&self, id: &str) -> Result<Option<ReviewRow>> {
        let r = sqlx::query("SELECT * FROM reviews WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let now = now_ms();
        Ok(r.as_ref().map(Self::review_from).map(|mut r| {
            if r.status == "pending" && r.expires_at <= now {
                r.status = "expired".into();
            }
            r
        }))
    }

    /// The open review of a pending grant, if any.
    pub async fn review_of_grant(&self, grant_id: &str) -> Result<Option<ReviewRow>> {
        let r = sqlx::query(
            "SELECT * FROM reviews WHERE grant_id = ? AND kind = 'grant' ORDER BY created_at DESC LIMIT 1",
        )
        .bind(grant_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(r.as_ref().map(Self::review_from))
    }

    /// Reviews, newest first (at most 500).
    pub async fn list_reviews(&self, f: &ReviewFilter<'_>) -> Result<Vec<ReviewRow>> {
        self.expire_reviews().await?;
        let rows = sqlx::query(
            "SELECT * FROM reviews WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR requester = ?2)
             AND (?3 IS NULL OR connection = ?3) ORDER BY created_at DESC LIMIT 500",
        )
        .bind(f.status)
        .bind(f.requester)
        .bind(f.connection)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(Self::review_from).collect())
    }

    /// Marks pending reviews past their time as expired.
    pub async fn expire_reviews(&self) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE reviews SET status = 'expired', decided_at = ?1, decision_reason = 'nobody decided in time'
             WHERE status = 'pending' AND expires_at <= ?1",
        )
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// Decides a pending review (`approved`, `denied`, `expired`, `cancelled`); false if it was
    /// no longer pending — or, for an approval, already past its time.
    pub async fn decide_review(
        &self,
        id: &str,
        to: &str,
        by: Option<&str>,
        reason: Option<&str>,
    ) -> Result<bool> {
        let now = now_ms();
        let n = sqlx::query(
            "UPDATE reviews SET status = ?1, decided_by = ?2, decided_at = ?3, decision_reason = ?4
             WHERE id = ?5 AND status = 'pending' AND (?1 IN ('expired', 'cancelled') OR expires_at > ?3)",
        )
        .bind(to)
        .bind(by)
        .bind(now)
        .bind(reason)
        .bind(id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// Cancels what is still pending of statement reviews whose sessions are gone: one
    /// session's (`Some`), or every session's (`None`, at start-up).
    pub async fn cancel_statement_reviews(&self, session_id: Option<&str>) -> Result<u64> {
        Ok(sqlx::query(
            "UPDATE reviews SET status = 'cancelled', decided_at = ?1, decision_reason = 'the session ended'
             WHERE status = 'pending' AND kind = 'statement' AND (?2 IS NULL OR session_id = ?2)",
        )
        .bind(now_ms())
        .bind(session_id)
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    // ---- audit ----

    /// Appends an event and commits it; returns its id. Durable when this returns.
    pub async fn insert_event(&self, e: &NewEvent<'_>) -> Result<i64> {
        let r = sqlx::query(
            "INSERT INTO audit_events (time, kind, identity, grant_id, connection, session_id, statement, outcome, detail, provenance)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(now_ms())
        .bind(e.kind)
        .bind(e.identity)
        .bind(e.grant_id)
        .bind(e.connection)
        .bind(e.session_id)
        .bind(e.statement)
        .bind(e.outcome)
        .bind(e.detail)
        .bind(e.provenance)
        .execute(&self.pool)
        .await?;
        Ok(r.last_insert_rowid())
    }

    /// Events matching a filter, oldest first.
    pub async fn list_events(&self, f: &EventFilter) -> Result<Vec<EventRow>> {
        let rows = sqlx::query(
            "SELECT e.id, e.time, e.kind, e.identity, e.grant_id, e.connection, e.session_id, e.statement,
                    COALESCE(r.outcome, e.outcome) AS outcome, COALESCE(r.rows, e.rows) AS rows,
                    COALESCE(r.duration_ms, e.duration_ms) AS duration_ms, COALESCE(r.detail, e.detail) AS detail,
                    e.prov AS provenance
             FROM (SELECT a.*, COALESCE(a.provenance, g.provenance) AS prov
                   FROM audit_events a LEFT JOIN grants g ON g.id = a.grant_id
                   WHERE a.kind <> 'result' AND (?1 IS NULL OR a.time >= ?1)
                     AND (?2 IS NULL OR a.connection = ?2) AND (?3 IS NULL OR a.identity = ?3)
                     AND (?4 IS NULL OR a.session_id = ?4)
                     AND (?6 IS NULL OR prov ->> '$.repository' = ?6)
                     AND (?7 IS NULL OR prov ->> '$.run_id' = ?7)
                   ORDER BY a.id DESC LIMIT ?5) e
             LEFT JOIN audit_events r
                    ON r.kind = 'result' AND r.session_id = e.session_id AND r.seq = e.seq
             ORDER BY e.id ASC",
        )
        .bind(f.since_ms)
        .bind(&f.connection)
        .bind(&f.identity)
        .bind(&f.session_id)
        .bind(f.limit.unwrap_or(1000))
        .bind(&f.repository)
        .bind(&f.run_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .iter()
            .map(|r| EventRow {
                id: r.get("id"),
                time: r.get("time"),
                kind: r.get("kind"),
                identity: r.get("identity"),
                grant_id: r.get("grant_id"),
                connection: r.get("connection"),
                session_id: r.get("session_id"),
                statement: r.get("statement"),
                outcome: r.get("outcome"),
                rows: r.get("rows"),
                duration_ms: r.get("duration_ms"),
                detail: r.get("detail"),
                provenance: r.get("provenance"),
            })
            .collect())
    }
}

impl AuditLog {
    /// Appends a batch of audit writes with one INSERT: one transaction, one fsync.
    pub async fn write_batch(&mut self, batch: &[AuditWrite]) -> Result<()> {
        let now = now_ms();
        // A statement whose outcome is in the same batch (usual in `async` mode) becomes one
        // row; the outcome of a statement committed earlier becomes a `result` event.
        let mut index: HashMap<(&str, i64), usize> = HashMap::new();
        let mut events: Vec<EventJson> = Vec::with_capacity(batch.len());
        let mut accesses = Vec::new();
        for w in batch {
            match w {
                AuditWrite::Statement {
                    session_id,
                    seq,
                    kind,
                    identity,
                    grant_id,
                    connection,
                    statement,
                } => {
                    index.insert((session_id, *seq), events.len());
                    events.push((
                        kind,
                        Some(identity),
                        Some(grant_id),
                        Some(connection),
                        session_id,
                        Some(*seq),
                        Some(statement),
                        "started",
                        None,
                        None,
                        None,
                    ));
                }
                AuditWrite::Session {
                    session_id,
                    kind,
                    identity,
                    grant_id,
                    connection,
                    outcome,
                    detail,
                } => events.push((
                    kind,
                    Some(identity),
                    Some(grant_id),
                    Some(connection),
                    session_id,
                    None,
                    None,
                    outcome,
                    None,
                    None,
                    detail.as_deref(),
                )),
                AuditWrite::Finish {
                    session_id,
                    seq,
                    outcome,
                    rows,
                    duration_ms,
                    detail,
                } => match index.get(&(&**session_id, *seq)) {
                    Some(&i) => {
                        let e = &mut events[i];
                        e.7 = outcome;
                        e.8 = *rows;
                        e.9 = Some(*duration_ms);
                        e.10 = detail.as_deref();
                    }
                    None => events.push((
                        "result",
                        None,
                        None,
                        None,
                        session_id,
                        Some(*seq),
                        None,
                        outcome,
                        *rows,
                        Some(*duration_ms),
                        detail.as_deref(),
                    )),
                },
                AuditWrite::Access { session_id, keys } => {
                    accesses.extend(keys.iter().map(|(seq, h)| (&**session_id, *seq, h)));
                }
            }
        }
        // One cached statement whatever the batch size, committed on its own: the rows travel as
        // one JSON array (re-preparing a multi-row VALUES statement per batch size cost more
        // than the inserts themselves, and every statement is a round trip to SQLite's thread).
        if events.is_empty() && accesses.is_empty() {
            return Ok(());
        }
        if accesses.is_empty() {
            return Self::insert_events(&mut self.conn, now, &events).await;
        }
        // With accesses: both in one transaction (still one fsync).
        let mut tx = self.conn.begin().await?;
        if !events.is_empty() {
            Self::insert_events(&mut tx, now, &events).await?;
        }
        // One row per (session, statement), its hashes packed.
        let mut packed: Vec<(&str, i64, Vec<u8>)> = Vec::new();
        for (session, seq, h) in accesses {
            match packed.last_mut() {
                Some((s, q, b)) if *s == session && *q == seq => b.extend_from_slice(h),
                _ => packed.push((session, seq, h.to_vec())),
            }
        }
        for (session, seq, hashes) in packed {
            sqlx::query(
                "INSERT INTO record_access (session_id, seq, time, hashes) VALUES (?, ?, ?, ?)",
            )
            .bind(session)
            .bind(seq)
            .bind(now)
            .bind(hashes)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn insert_events(
        conn: &mut SqliteConnection,
        now: i64,
        events: &[EventJson<'_>],
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_events (time, kind, identity, grant_id, connection, session_id,
                 seq, statement, outcome, rows, duration_ms, detail)
             SELECT ?1, value->>0, value->>1, value->>2, value->>3, value->>4, value->>5,
                    value->>6, value->>7, value->>8, value->>9, value->>10
             FROM json_each(?2) ORDER BY key",
        )
        .bind(now)
        .bind(serde_json::to_string(events).map_err(encode_err)?)
        .execute(conn)
        .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn statement(session: &Arc<str>, seq: i64, sql: &str) -> AuditWrite {
        AuditWrite::Statement {
            session_id: session.clone(),
            seq,
            kind: "query",
            identity: Arc::from("alice"),
            grant_id: Arc::from("gr_1"),
            connection: Arc::from("pg"),
            statement: sql.to_string(),
        }
    }

    fn finish(session: &Arc<str>, seq: i64, rows: i64) -> AuditWrite {
        AuditWrite::Finish {
            session_id: session.clone(),
            seq,
            outcome: "ok",
            rows: Some(rows),
            duration_ms: 3,
            detail: None,
        }
    }

    /// Events appended by the audit writer and by single inserts (any process) end up in one
    /// chain, in id order, which an export with a checkpoint proves.
    #[tokio::test]
    async fn events_from_every_path_are_chained_in_one_order() {
        use crate::proto::chain::{self, Checkpoint};
        use aws_lc_rs::signature::KeyPair;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let mut log = store.audit_log().await.unwrap();
        let s: Arc<str> = Arc::from("se_1");
        let login = NewEvent {
            kind: "login",
            identity: Some("alice"),
            detail: Some(""),
            ..Default::default()
        };
        store.insert_event(&login).await.unwrap();
        log.write_batch(&[statement(&s, 1, "SELECT 1"), finish(&s, 1, 1)])
            .await
            .unwrap();
        log.write_batch(&[finish(&s, 1, 2)]).await.unwrap();
        store.insert_event(&login).await.unwrap();
        assert_eq!(store.seal().await.unwrap(), 4);
        assert_eq!(store.seal().await.unwrap(), 0, "nothing left to chain");
        let (head, hash) = store.chain_head().await.unwrap().unwrap();
        assert_eq!(head, 4);
        let key = test_key();
        let sig = key.sign(&Checkpoint::message(head, &hash, 9));
        store
            .insert_checkpoint(&Checkpoint {
                event_id: head,
                event_hash: hash.clone(),
                time: 9,
                key_id: chain::key_id(key.public_key().as_ref()),
                signature: base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    sig.as_ref(),
                ),
            })
            .await
            .unwrap();
        assert_eq!(store.last_checkpoint().await.unwrap().unwrap().event_id, 4);
        let (events, cps) = store.export_chain(None, head).await.unwrap();
        assert_eq!(events.len(), 4);
        assert_eq!(events[0].prev_hash, chain::GENESIS);
        assert_eq!(events[3].hash, hash);
        assert_eq!(events[2].kind, "result");
        assert_eq!(cps.len(), 1);
        let records = signed_export(&key, events, (head, &hash));
        let v = chain::verify(&records, key.public_key().as_ref()).unwrap();
        assert_eq!((v.events, v.checkpoints), (4, 1));
        // An export up to an earlier event stops there, with the checkpoints inside it only.
        let (first2, cps) = store.export_chain(None, 2).await.unwrap();
        assert_eq!((first2.len(), cps.len()), (2, 0));
        assert_eq!(store.event_hash(4).await.unwrap(), Some(hash));
        assert_eq!(store.event_hash(99).await.unwrap(), None);
    }

    /// An event deleted before it was chained leaves a gap the seal chains across and the
    /// check names: seal and verify agree on what a gap means.
    #[tokio::test]
    async fn an_event_deleted_before_it_was_chained_is_named_by_the_check() {
        use crate::proto::chain;
        use aws_lc_rs::signature::KeyPair;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let e = NewEvent {
            kind: "login",
            identity: Some("alice"),
            ..Default::default()
        };
        for _ in 0..3 {
            store.insert_event(&e).await.unwrap();
        }
        sqlx::query("DELETE FROM audit_events WHERE id = 2")
            .execute(&store.pool)
            .await
            .unwrap();
        // A later insert does not reuse the id.
        store.insert_event(&e).await.unwrap();
        assert_eq!(store.seal().await.unwrap(), 3);
        let (events, _) = store.export_chain(None, 4).await.unwrap();
        assert_eq!(events.iter().map(|e| e.id).collect::<Vec<_>>(), [1, 3, 4]);
        let key = test_key();
        let records = signed_export(
            &key,
            events,
            (4, &store.event_hash(4).await.unwrap().unwrap()),
        );
        let e = chain::verify(&records, key.public_key().as_ref()).unwrap_err();
        assert!(e.0.contains("event 3: follows event 1"), "{e}");
    }

    fn test_key() -> aws_lc_rs::signature::Ed25519KeyPair {
        use aws_lc_rs::signature::Ed25519KeyPair;
        let rng = aws_lc_rs::rand::SystemRandom::new();
        Ed25519KeyPair::from_pkcs8(Ed25519KeyPair::generate_pkcs8(&rng).unwrap().as_ref()).unwrap()
    }

    /// `events` as an export: with a checkpoint of `head` and a manifest, both signed by `key`.
    fn signed_export(
        key: &aws_lc_rs::signature::Ed25519KeyPair,
        events: Vec<crate::proto::chain::ChainedEvent>,
        head: (i64, &str),
    ) -> Vec<crate::proto::chain::Record> {
        use crate::proto::chain::{self, Checkpoint, Manifest, Record};
        use aws_lc_rs::signature::KeyPair;
        let b64 = |b: &[u8]| base64::Engine::encode(&base64::engine::general_purpose::STANDARD, b);
        let key_id = chain::key_id(key.public_key().as_ref());
        let mut m = Manifest::describe(None, head, &events, 10);
        m.key_id = key_id.clone();
        m.signature = b64(key.sign(&m.message()).as_ref());
        let mut records: Vec<Record> = events.into_iter().map(Record::Event).collect();
        records.push(Record::Checkpoint(Checkpoint {
            event_id: head.0,
            event_hash: head.1.to_string(),
            time: 9,
            key_id,
            signature: b64(key.sign(&Checkpoint::message(head.0, head.1, 9)).as_ref()),
        }));
        records.push(Record::Manifest(m));
        records
    }

    /// A provider's refresh token lives only as long as the gateway login it renews.
    #[tokio::test]
    async fn revoking_a_login_forgets_the_provider_token_behind_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let login = |name: &str| FederatedLogin {
            name: name.into(),
            provider: "corp".into(),
            refresh_sealed: vec![1, 2, 3],
        };
        store
            .put_federated_login("fam_a", &login("dana"))
            .await
            .unwrap();
        store
            .put_federated_login("fam_b", &login("dana"))
            .await
            .unwrap();
        store
            .put_federated_login("fam_c", &login("erin"))
            .await
            .unwrap();
        store.revoke_family("fam_a").await.unwrap();
        assert!(store.federated_login("fam_a").await.unwrap().is_none());
        assert!(store.federated_login("fam_b").await.unwrap().is_some());
        store.revoke_identity_tokens("dana").await.unwrap();
        assert!(store.federated_login("fam_b").await.unwrap().is_none());
        assert_eq!(
            store
                .federated_login("fam_c")
                .await
                .unwrap()
                .unwrap()
                .refresh_sealed,
            [1, 2, 3]
        );
    }

    /// A backlog longer than one round is chained in several, each continuing the last.
    #[tokio::test]
    async fn a_long_backlog_is_chained_across_rounds() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let mut log = store.audit_log().await.unwrap();
        let s: Arc<str> = Arc::from("se_1");
        let batch: Vec<AuditWrite> = (0..1000).map(|i| statement(&s, i, "SELECT 1")).collect();
        for _ in 0..5 {
            log.write_batch(&batch).await.unwrap();
        }
        let (a, b) = tokio::join!(store.seal(), store.seal());
        assert_eq!(
            a.unwrap() + b.unwrap(),
            5000,
            "two sealers chain each event once"
        );
        let (events, _) = store.export_chain(None, 5000).await.unwrap();
        assert_eq!(events.len(), 5000);
        for w in events.windows(2) {
            assert_eq!(w[1].prev_hash, w[0].hash);
            assert_eq!(w[1].link(&w[0].hash).as_deref(), Some(w[1].hash.as_str()));
        }
    }

    #[tokio::test]
    async fn outcomes_join_their_statement_in_the_same_batch_or_a_later_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let mut log = store.audit_log().await.unwrap();
        let s: Arc<str> = Arc::from("se_1");
        // seq 1 finishes in its own batch; seq 2 starts here and finishes in the next.
        log.write_batch(&[
            statement(&s, 1, "SELECT 1"),
            finish(&s, 1, 1),
            statement(&s, 2, "SELECT 2"),
        ])
        .await
        .unwrap();
        log.write_batch(&[finish(&s, 2, 7)]).await.unwrap();
        let ev = store.list_events(&EventFilter::default()).await.unwrap();
        let got: Vec<_> = ev
            .iter()
            .map(|e| {
                (
                    e.kind.as_str(),
                    e.statement.as_deref(),
                    e.outcome.as_deref(),
                    e.rows,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("query", Some("SELECT 1"), Some("ok"), Some(1)),
                ("query", Some("SELECT 2"), Some("ok"), Some(7)),
            ]
        );
        // Filters apply to the statement, never hiding its outcome.
        let f = EventFilter {
            identity: Some("alice".into()),
            ..Default::default()
        };
        assert_eq!(store.list_events(&f).await.unwrap().len(), 2);
        // Three rows were appended, none rewritten: the outcome of seq 2 is an event of its own.
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_events")
            .fetch_one(&store.pool)
            .await
            .unwrap();
        assert_eq!(n, 3);
    }

    #[tokio::test]
    async fn migration_moves_recorded_outcomes_into_the_event_log() {
        let dir = tempfile::tempdir().unwrap();
        let opts = SqliteConnectOptions::from_str("sqlite://")
            .unwrap()
            .filename(dir.path().join("store.db"))
            .create_if_missing(true);
        let pool = SqlitePool::connect_with(opts).await.unwrap();
        // A store as version 3 left it: one statement, its outcome in `statement_results`.
        let mut v3 = migrator();
        v3.migrations = Cow::Owned(v3.migrations.iter().take(3).cloned().collect());
        v3.run(&pool).await.unwrap();
        sqlx::query(
            "INSERT INTO audit_events (time, kind, session_id, seq, statement, outcome)
             VALUES (1, 'query', 'se_1', 1, 'SELECT 1', 'started')",
        )
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO statement_results (session_id, seq, time, outcome, rows, duration_ms)
             VALUES ('se_1', 1, 2, 'error', NULL, 5)",
        )
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
        let store = Store::open(dir.path()).await.unwrap();
        let ev = store.list_events(&EventFilter::default()).await.unwrap();
        assert_eq!(ev.len(), 1);
        assert_eq!(ev[0].outcome.as_deref(), Some("error"));
        assert_eq!(ev[0].duration_ms, Some(5));
    }
}
