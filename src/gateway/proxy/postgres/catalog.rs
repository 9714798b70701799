//! Where result columns come from, for column masking rules.
//!
//! A RowDescription names each column's source as a table OID and attribute number — the
//! table's, or a view's when the query reads a view. This module turns those into the names the
//! rules match (`schema.table.column`), over a connection of the gateway's own to the target
//! (the session's connection is the client's: nothing is injected there):
//!
//! - a table column answers to its own name and to those of the partitioned tables above it;
//! - a view (or materialized view) column answers to its own name and to the names of the column
//!   it selects, found by describing the view's definition — PostgreSQL reports the base
//!   table's OID and attribute for each plain column reference — and followed through views of
//!   views.
//!
//! The connection is opened on first use, shared by the sessions of one target, and reopened
//! after an error. A lookup that fails ends the session that needed it (fail closed).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use bytes::BytesMut;
use postgres_protocol::message::frontend;
use tokio::io::AsyncWriteExt;

use super::codec::{error_fields, row_description};
use super::upstream::{self, read_message};
use crate::gateway::config::ConnectionConfig;
use crate::gateway::proxy::Io;

/// One relation's columns: attribute number → every `schema.table.column` it answers to.
pub type Columns = HashMap<i16, Vec<String>>;

/// Views of views are followed this deep.
const MAX_DEPTH: usize = 8;
/// A lookup that takes longer ends the session that waits for it.
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(15);

/// Why column sources could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    /// The catalog connection could not be opened or broke.
    #[error("catalog connection: {0}")]
    Connection(String),
    /// The target refused a catalog query.
    #[error("catalog query failed: {0}")]
    Query(String),
    /// The lookup took too long.
    #[error("catalog lookup timed out after {}s", LOOKUP_TIMEOUT.as_secs())]
    Timeout,
}

/// The catalog of one target connection.
pub struct Catalog {
    cfg: ConnectionConfig,
    base_dir: PathBuf,
    conn: tokio::sync::Mutex<Option<Conn>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("target", &format!("{}:{}", self.cfg.host, self.cfg.port))
            .finish()
    }
}

impl Catalog {
    /// A catalog for `cfg`'s target; connects on first lookup.
    pub fn new(cfg: ConnectionConfig, base_dir: PathBuf) -> Catalog {
        Catalog {
            cfg,
            base_dir,
            conn: tokio::sync::Mutex::new(None),
        }
    }

    /// The columns of each relation in `relids` (relations that no longer exist are absent).
    pub async fn lookup(&self, relids: &[u32]) -> Result<HashMap<u32, Columns>, CatalogError> {
        let mut guard = self.conn.lock().await;
        // One retry with a fresh connection: the shared one may have been closed by the target
        // (idle timeout, restart) since the last lookup.
        for attempt in 0..2 {
            let conn = match guard.as_mut() {
                Some(c) => c,
                None => guard.insert(
                    tokio::time::timeout(LOOKUP_TIMEOUT, Conn::open(&self.cfg, &self.base_dir))
                        .await
                        .map_err(|_| CatalogError::Timeout)??,
                ),
            };
            match tokio::time::timeout(LOOKUP_TIMEOUT, resolve(conn, relids)).await {
                Ok(Ok(r)) => return Ok(r),
                // A lookup cut short leaves answers in flight: the connection is not reused.
                Err(_) => {
                    *guard = None;
                    return Err(CatalogError::Timeout);
                }
                Ok(Err(e)) => {
                    *guard = None;
                    if attempt == 1 || !matches!(e, CatalogError::Connection(_)) {
                        return Err(e);
                    }
                }
            }
        }
        Err(CatalogError::Connection("unreachable".into()))
    }
}

/// What one catalog round learns about a relation.
#[derive(Default)]
struct Rel {
    /// attnum → own name and partition ancestors' names.
    names: Columns,
    /// For views: attnum → the (relation, attnum) the column selects.
    origins: HashMap<i16, (u32, i16)>,
}

async fn resolve(conn: &mut Conn, relids: &[u32]) -> Result<HashMap<u32, Columns>, CatalogError> {
    let mut rels: HashMap<u32, Rel> = HashMap::new();
    let mut todo: Vec<u32> = relids.to_vec();
    for _ in 0..MAX_DEPTH {
        todo.retain(|r| *r != 0 && !rels.contains_key(r));
        todo.sort_unstable();
        todo.dedup();
        if todo.is_empty() {
            break;
        }
        let mut list = String::new();
        for (i, r) in todo.iter().enumerate() {
            let _ = write!(list, "{}{r}", if i > 0 { "," } else { "" });
        }
        // OIDs are numbers this code formats: nothing from the wire is spliced in as text.
        let sql = format!(
            "SELECT c.oid, a.attnum, n.nspname || '.' || c.relname || '.' || a.attname, \
                    (SELECT string_agg(an.nspname || '.' || ac.relname || '.' || a.attname, E'\\n') \
                       FROM pg_catalog.pg_partition_ancestors(c.oid) pa \
                       JOIN pg_catalog.pg_class ac ON ac.oid = pa.relid \
                       JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace \
                      WHERE pa.relid <> c.oid), \
                    CASE WHEN c.relkind IN ('v', 'm') AND a.attnum = 1 \
                         THEN pg_catalog.pg_get_viewdef(c.oid) END \
               FROM pg_catalog.pg_class c \
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
               JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid \
              WHERE c.oid IN ({list}) AND a.attnum > 0 AND NOT a.attisdropped"
        );
        let rows = conn.query(&sql).await?;
        let mut views = Vec::new();
        for row in rows {
            let col = |i: usize| row.get(i).and_then(|v| v.as_deref());
            let (Some(oid), Some(attnum), Some(own)) = (
                col(0).and_then(|v| v.parse::<u32>().ok()),
                col(1).and_then(|v| v.parse::<i16>().ok()),
                col(2),
            ) else {
                return Err(CatalogError::Query("unexpected catalog row".into()));
            };
            let rel = rels.entry(oid).or_default();
            let mut names = vec![own.to_string()];
            names.extend(col(3).unwrap_or("").lines().map(str::to_string));
            rel.names.insert(attnum, names);
            if let Some(def) = col(4) {
                views.push((oid, def.to_string()));
            }
        }
        // Relations that no longer exist are remembered as empty, so they are not asked again.
        for r in &todo {
            rels.entry(*r).or_default();
        }
        let mut next = Vec::new();
        for (oid, def) in views {
            let fields = conn.describe(&def).await?;
            let rel = rels.entry(oid).or_default();
            for (i, f) in fields.iter().enumerate() {
                if f.0 != 0 {
                    rel.origins.insert(i as i16 + 1, *f);
                    next.push(f.0);
                }
            }
        }
        todo = next;
    }
    let mut out = HashMap::new();
    for &r in relids {
        if out.contains_key(&r) {
            continue;
        }
        let Some(rel) = rels.get(&r) else { continue };
        let cols = rel
            .names
            .keys()
            .map(|a| (*a, names_of(&rels, r, *a)))
            .collect();
        out.insert(r, cols);
    }
    Ok(out)
}

/// Every name a column answers to, following view columns to their sources.
fn names_of(rels: &HashMap<u32, Rel>, mut rel: u32, mut att: i16) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    while seen.insert((rel, att)) && seen.len() <= MAX_DEPTH + 1 {
        let Some(r) = rels.get(&rel) else { break };
        out.extend(r.names.get(&att).into_iter().flatten().cloned());
        match r.origins.get(&att) {
            Some(&(next_rel, next_att)) => (rel, att) = (next_rel, next_att),
            None => break,
        }
    }
    out
}

/// A minimal client: simple queries and statement descriptions, nothing else.
struct Conn {
    stream: Box<dyn Io>,
    buf: BytesMut,
    addr: String,
}

type Row = Vec<Option<String>>;

impl Conn {
    async fn open(
        cfg: &ConnectionConfig,
        base_dir: &std::path::Path,
    ) -> Result<Conn, CatalogError> {
        let params = [(
            "application_name".to_string(),
            "hoopctl-catalog".to_string(),
        )];
        let up = upstream::connect(cfg, base_dir, &params)
            .await
            .map_err(|e| CatalogError::Connection(e.to_string()))?;
        Ok(Conn {
            stream: up.stream,
            buf: BytesMut::with_capacity(8192),
            addr: format!("{}:{}", cfg.host, cfg.port),
        })
    }

    async fn send(&mut self, out: &[u8]) -> Result<(), CatalogError> {
        let io = |e: std::io::Error| CatalogError::Connection(e.to_string());
        self.stream.write_all(out).await.map_err(io)?;
        self.stream.flush().await.map_err(io)
    }

    async fn next(&mut self) -> Result<Vec<u8>, CatalogError> {
        read_message(&mut self.stream, &mut self.buf, &self.addr)
            .await
            .map_err(|e| CatalogError::Connection(e.to_string()))
    }

    /// Runs one simple query; its rows, as text.
    async fn query(&mut self, sql: &str) -> Result<Vec<Row>, CatalogError> {
        let mut out = BytesMut::new();
        frontend::query(sql, &mut out).map_err(|e| CatalogError::Query(e.to_string()))?;
        self.send(&out).await?;
        let mut rows = Vec::new();
        self.until_ready(|m| {
            if m[0] == b'D' {
                rows.push(data_row(m)?);
            }
            Ok(())
        })
        .await?;
        Ok(rows)
    }

    /// Reads answers through ReadyForQuery, handing each to `on`; the first ErrorResponse is
    /// the result.
    async fn until_ready(
        &mut self,
        mut on: impl FnMut(&[u8]) -> Result<(), CatalogError>,
    ) -> Result<(), CatalogError> {
        let mut error = None;
        loop {
            let m = self.next().await?;
            match m[0] {
                b'E' => {
                    let (code, msg) = error_fields(&m);
                    error.get_or_insert(CatalogError::Query(format!("{code}: {msg}")));
                }
                b'Z' => break,
                _ => on(&m)?,
            }
        }
        error.map_or(Ok(()), Err)
    }

    /// The (table OID, attribute number) of each column `sql` returns, without running it.
    async fn describe(&mut self, sql: &str) -> Result<Vec<(u32, i16)>, CatalogError> {
        let mut out = BytesMut::new();
        let e = |e: std::io::Error| CatalogError::Query(e.to_string());
        frontend::parse("", sql, std::iter::empty(), &mut out).map_err(e)?;
        frontend::describe(b'S', "", &mut out).map_err(e)?;
        frontend::sync(&mut out);
        self.send(&out).await?;
        let mut fields = Vec::new();
        self.until_ready(|m| {
            if m[0] == b'T' {
                fields = row_description(m)
                    .map_err(|e| CatalogError::Query(e.to_string()))?
                    .into_iter()
                    .map(|f| (f.table, f.attnum))
                    .collect();
            }
            Ok(())
        })
        .await
        .map_err(|e| match e {
            CatalogError::Query(q) => CatalogError::Query(format!("describing a view: {q}")),
            other => other,
        })?;
        Ok(fields)
    }
}

fn data_row(m: &[u8]) -> Result<Row, CatalogError> {
    let bad = || CatalogError::Query("malformed DataRow in a catalog reply".into());
    let mut b = m.get(5..).ok_or_else(bad)?;
    let n = i16::from_be_bytes([*b.first().ok_or_else(bad)?, *b.get(1).ok_or_else(bad)?]);
    b = &b[2..];
    let mut row = Vec::with_capacity(n.max(0) as usize);
    for _ in 0..n {
        let len = i32::from_be_bytes(b.get(..4).ok_or_else(bad)?.try_into().map_err(|_| bad())?);
        b = &b[4..];
        if len < 0 {
            row.push(None);
            continue;
        }
        let v = b.get(..len as usize).ok_or_else(bad)?;
        row.push(Some(String::from_utf8_lossy(v).into_owned()));
        b = &b[len as usize..];
    }
    Ok(row)
}
