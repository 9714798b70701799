//! Correlates target responses with the audited statements that caused them (sans-IO).
//!
//! The client side pushes one [`Pending`] per audited message (Query, Parse, Execute) and a
//! marker per Sync, in wire order, before forwarding them. The target answers in the same order,
//! so the target side pops: ParseComplete ends a Parse; CommandComplete/PortalSuspended/
//! EmptyQueryResponse end an Execute; ReadyForQuery ends a simple Query (or the extended batch
//! up to its Sync, marking anything the target skipped after an error as `skipped`).

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use crate::gateway::proxy::gate::{self, Refusal};
use crate::gateway::sql::Inspection;

use super::codec::{command_rows, error_fields};

/// What a pending entry stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingKind {
    /// Simple-protocol Query (may hold several statements).
    Query,
    /// Extended-protocol Parse.
    Parse,
    /// Extended-protocol Execute.
    Execute,
    /// A Sync marker (no audit event).
    Sync,
}

/// An audited message awaiting its result.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Per-session sequence number of the audit event (0 for Sync markers).
    pub seq: i64,
    /// Kind.
    pub kind: PendingKind,
    /// When it was forwarded.
    pub started: Instant,
    /// Rows so far (simple queries add up their CommandCompletes).
    pub rows: Option<i64>,
    /// First error, if any.
    pub error: Option<String>,
    /// Set when policy refused the statement: the target was sent something that fails in
    /// its place, and the error it answers becomes this refusal.
    pub refusal: Option<Arc<Refusal>>,
}

impl Pending {
    /// A new pending entry.
    pub fn new(seq: i64, kind: PendingKind) -> Self {
        Pending {
            seq,
            kind,
            started: Instant::now(),
            rows: None,
            error: None,
            refusal: None,
        }
    }
}

/// A finished statement, to be written to its audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// Per-session sequence number of the audit event.
    pub seq: i64,
    /// `ok`, `error` or `skipped`.
    pub outcome: &'static str,
    /// Rows returned or affected.
    pub rows: Option<i64>,
    /// Milliseconds from forward to completion.
    pub duration_ms: i64,
    /// Error text.
    pub detail: Option<String>,
}

fn finish(p: Pending, outcome: &'static str) -> Option<Finished> {
    // A refused statement never ran: its outcome is `denied`, whatever the target answered.
    let outcome = if p.refusal.is_some() && outcome != "skipped" {
        "denied"
    } else {
        outcome
    };
    (p.kind != PendingKind::Sync).then(|| Finished {
        seq: p.seq,
        outcome,
        rows: p.rows,
        duration_ms: p.started.elapsed().as_millis() as i64,
        detail: p.error,
    })
}

/// Feeds one complete backend message; appends what finished to `out`.
pub fn on_backend(queue: &mut VecDeque<Pending>, msg: &[u8], out: &mut Vec<Finished>) {
    let Some(front) = queue.front_mut() else {
        return;
    };
    match (msg[0], front.kind) {
        (b'C', PendingKind::Query) => {
            if let Some(r) = command_rows(msg) {
                *front.rows.get_or_insert(0) += r;
            }
        }
        (b'C' | b's' | b'I', PendingKind::Execute) => {
            front.rows = command_rows(msg);
            if let Some(p) = queue.pop_front() {
                out.extend(finish(p, "ok"));
            }
        }
        (b'1', PendingKind::Parse) => {
            if let Some(p) = queue.pop_front() {
                out.extend(finish(p, "ok"));
            }
        }
        (b'E', PendingKind::Query) if front.error.is_none() => {
            front.error = Some(error_text(front, msg));
        }
        (b'E', PendingKind::Parse | PendingKind::Execute) => {
            if let Some(mut p) = queue.pop_front() {
                p.error = Some(error_text(&p, msg));
                out.extend(finish(p, "error"));
            }
        }
        (b'Z', _) => {
            // Ends a simple Query, or the extended batch through its Sync.
            while let Some(p) = queue.pop_front() {
                let kind = p.kind;
                let outcome = match kind {
                    PendingKind::Query if p.error.is_some() => "error",
                    PendingKind::Query => "ok",
                    _ => "skipped",
                };
                out.extend(finish(p, outcome));
                if matches!(kind, PendingKind::Query | PendingKind::Sync) {
                    break;
                }
            }
        }
        _ => {}
    }
}

fn error_text(p: &Pending, msg: &[u8]) -> String {
    match &p.refusal {
        Some(r) => format!("42501: {}", r.message),
        None => {
            let (code, m) = error_fields(msg);
            format!("{code}: {m}")
        }
    }
}

/// A prepared statement or portal: its text (for the audit) and its inspection (for policy).
#[derive(Debug, Clone)]
pub struct Known {
    /// The SQL.
    pub sql: Arc<str>,
    /// What it does.
    pub inspection: Arc<Inspection>,
}

/// Named prepared statements and portals, so an Execute is audited with the SQL it runs and
/// decided by what that SQL does.
#[derive(Debug, Default)]
pub struct Prepared {
    statements: HashMap<String, Known>,
    portals: HashMap<String, Known>,
}

impl Prepared {
    /// Records a Parse.
    pub fn parse(&mut self, name: &str, sql: &str, inspection: Arc<Inspection>) {
        self.statements.insert(
            name.to_string(),
            Known {
                sql: Arc::from(sql),
                inspection,
            },
        );
    }
    /// Records a Bind. A statement the gateway did not see prepared (SQL-level `PREPARE`
    /// shares the namespace) is opaque: running it needs `admin`.
    pub fn bind(&mut self, portal: &str, statement: &str) {
        let known = self
            .statements
            .get(statement)
            .cloned()
            .unwrap_or_else(|| Known {
                sql: Arc::from(""),
                inspection: gate::opaque("unknown_statement"),
            });
        self.portals.insert(portal.to_string(), known);
    }
    /// Records a Close.
    pub fn close(&mut self, kind: u8, name: &str) {
        match kind {
            b'S' => self.statements.remove(name),
            _ => self.portals.remove(name),
        };
    }
    /// SQL an Execute of `portal` runs.
    pub fn portal_sql(&self, portal: &str) -> &str {
        self.portals.get(portal).map(|k| &*k.sql).unwrap_or("")
    }
    /// The statement a portal runs, when the gateway saw it prepared.
    pub fn known(&self, portal: &str) -> Option<&Known> {
        self.portals.get(portal).filter(|k| !k.sql.is_empty())
    }

    /// What an Execute of `portal` runs; an unknown portal is opaque.
    pub fn portal(&self, portal: &str) -> Arc<Inspection> {
        self.portals
            .get(portal)
            .map(|k| k.inspection.clone())
            .unwrap_or_else(|| gate::opaque("unknown_portal"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut v = vec![tag];
        v.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
        v.extend_from_slice(body);
        v
    }

    fn err() -> Vec<u8> {
        m(b'E', b"SERROR\0C42P01\0Mno such table\0\0")
    }

    #[test]
    fn simple_query_adds_rows_until_ready() {
        let mut q = VecDeque::from([
            Pending::new(1, PendingKind::Query),
            Pending::new(2, PendingKind::Query),
        ]);
        let mut out = Vec::new();
        on_backend(&mut q, &m(b'C', b"SELECT 2\0"), &mut out);
        on_backend(&mut q, &m(b'C', b"INSERT 0 3\0"), &mut out);
        assert!(out.is_empty());
        on_backend(&mut q, &m(b'Z', b"I"), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].seq, out[0].outcome, out[0].rows),
            (1, "ok", Some(5))
        );
        on_backend(&mut q, &err(), &mut out);
        on_backend(&mut q, &m(b'Z', b"I"), &mut out);
        assert_eq!((out[1].seq, out[1].outcome), (2, "error"));
        assert!(out[1].detail.as_deref().unwrap().contains("42P01"));
        assert!(q.is_empty());
    }

    #[test]
    fn extended_batch_with_error_skips_the_rest() {
        let mut q = VecDeque::from([
            Pending::new(1, PendingKind::Parse),
            Pending::new(2, PendingKind::Execute),
            Pending::new(3, PendingKind::Execute),
            Pending::new(0, PendingKind::Sync),
            Pending::new(4, PendingKind::Parse),
        ]);
        let mut out = Vec::new();
        on_backend(&mut q, &m(b'1', b""), &mut out);
        on_backend(&mut q, &m(b'2', b""), &mut out);
        on_backend(&mut q, &err(), &mut out);
        on_backend(&mut q, &m(b'Z', b"I"), &mut out);
        let got: Vec<_> = out.iter().map(|f| (f.seq, f.outcome)).collect();
        assert_eq!(got, vec![(1, "ok"), (2, "error"), (3, "skipped")]);
        assert_eq!(q.len(), 1, "the next batch's Parse stays pending");
    }

    #[test]
    fn prepared_statements_resolve_portals() {
        let mut p = Prepared::default();
        let i = Arc::new(crate::gateway::sql::inspect(
            "select 1",
            &Default::default(),
        ));
        p.parse("s1", "select 1", i);
        p.bind("", "s1");
        assert_eq!(p.portal_sql(""), "select 1");
        p.close(b'S', "s1");
        p.bind("x", "s1");
        assert_eq!(p.portal_sql("x"), "");
    }
}
