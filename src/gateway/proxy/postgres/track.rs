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
    /// A Bind (no audit event): its answer confirms the portal.
    Bind,
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
    /// The Parse's or Bind's operation number, reported once the target confirms it.
    pub op: u64,
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
            op: 0,
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
    (!matches!(p.kind, PendingKind::Sync | PendingKind::Bind)).then(|| Finished {
        seq: p.seq,
        outcome,
        rows: p.rows,
        duration_ms: p.started.elapsed().as_millis() as i64,
        detail: p.error,
    })
}

/// Feeds one complete backend message; appends what finished to `out`, and the operation
/// numbers of Parses and Binds the target confirmed to `confirmed`.
pub fn on_backend(
    queue: &mut VecDeque<Pending>,
    msg: &[u8],
    out: &mut Vec<Finished>,
    confirmed: &mut Vec<u64>,
) {
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
                confirmed.push(p.op);
                out.extend(finish(p, "ok"));
            }
        }
        (b'2', PendingKind::Bind) => {
            if let Some(p) = queue.pop_front() {
                confirmed.push(p.op);
            }
        }
        (b'E', PendingKind::Query) if front.error.is_none() => {
            front.error = Some(error_text(front, msg));
        }
        (b'E', PendingKind::Parse | PendingKind::Execute | PendingKind::Bind) => {
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

/// Most bytes of Bind parameters a session keeps for reviews, over all its portals.
pub const PARAMS_KEPT: usize = 1 << 20;

/// A portal's parameter values as bound, kept raw (rendered only when a statement is held).
#[derive(Debug, Clone)]
pub enum Bound {
    /// A statement (no values).
    None,
    /// What followed the Bind's names ([`super::codec::bind_parameters`] reads it).
    Values(Arc<[u8]>),
    /// This many bytes, not kept: the session's portals already hold [`PARAMS_KEPT`].
    Withheld(usize),
}

impl Bound {
    /// The values as a reviewer reads them.
    pub fn rendered(&self) -> Vec<String> {
        match self {
            Bound::None => Vec::new(),
            Bound::Values(raw) => super::codec::bind_parameters(raw),
            Bound::Withheld(n) => vec![format!(
                "<{n} bytes of parameters, not kept: the session's open portals hold over {} KiB of values>",
                PARAMS_KEPT >> 10
            )],
        }
    }

    fn kept(&self) -> usize {
        match self {
            Bound::Values(raw) => raw.len(),
            _ => 0,
        }
    }
}

/// A prepared statement or portal: its text (for the audit), its inspection (for policy), and
/// the Parse or Bind that made it.
#[derive(Debug, Clone)]
pub struct Known {
    /// The SQL.
    pub sql: Arc<str>,
    /// A portal's parameter values, for a review.
    pub params: Bound,
    /// What it does.
    pub inspection: Arc<Inspection>,
    /// The Parse's or Bind's operation number.
    pub op: u64,
    /// The batch (between Syncs) it was sent in.
    pub batch: u64,
    /// Its inspection is of its own SQL (false: opaque, from a statement the gateway could
    /// not rely on); only trusted entries may share decisions with the same text.
    pub trusted: bool,
}

/// Named prepared statements and portals, so an Execute is audited with the SQL it runs and
/// decided by what that SQL does.
///
/// The record follows the messages as they are relayed, ahead of the target's answers. Within
/// one batch that is exact: after an error the target skips everything up to the Sync, so a
/// statement or portal whose Parse or Bind failed is never used in that batch. A later batch
/// uses it only once the target has confirmed that Parse or Bind (ParseComplete,
/// BindComplete); until then it is opaque and running it needs `admin` — a Parse the target
/// refused (a name already taken) or skipped (after an earlier error) never speaks for what
/// the target holds.
#[derive(Debug, Default)]
pub struct Prepared {
    statements: HashMap<String, Known>,
    portals: HashMap<String, Known>,
    batch: u64,
    /// Bytes of [`Bound::Values`] over all portals.
    params_kept: usize,
}

impl Prepared {
    /// A Sync (or a simple Query) ends the batch.
    pub fn sync(&mut self) {
        self.batch += 1;
    }

    fn usable(&self, k: &Known, confirmed: &dyn Fn(u64) -> bool) -> bool {
        k.batch == self.batch || confirmed(k.op)
    }

    /// Records a Parse; returns the operation it replaces (no longer worth confirming).
    pub fn parse(
        &mut self,
        name: &str,
        sql: &str,
        inspection: Arc<Inspection>,
        op: u64,
    ) -> Option<u64> {
        self.statements
            .insert(
                name.to_string(),
                Known {
                    sql: Arc::from(sql),
                    params: Bound::None,
                    inspection,
                    op,
                    batch: self.batch,
                    trusted: true,
                },
            )
            .map(|k| k.op)
    }

    /// Records a Bind; returns the operation it replaces. A statement the gateway did not see
    /// prepared, or one from an earlier batch the target has not confirmed, makes an opaque
    /// portal: running it needs `admin`.
    pub fn bind(
        &mut self,
        portal: &str,
        statement: &str,
        params: &[u8],
        op: u64,
        confirmed: &dyn Fn(u64) -> bool,
    ) -> Option<u64> {
        let (sql, inspection, trusted) = match self.statements.get(statement) {
            Some(k) if self.usable(k, confirmed) => {
                (k.sql.clone(), k.inspection.clone(), k.trusted)
            }
            Some(k) => (k.sql.clone(), gate::opaque("unconfirmed_statement"), false),
            None => (Arc::from(""), gate::opaque("unknown_statement"), false),
        };
        let replaced = self.portals.get(portal).map_or(0, |k| k.params.kept());
        let kept = self.params_kept - replaced;
        let params = if kept + params.len() <= PARAMS_KEPT {
            self.params_kept = kept + params.len();
            Bound::Values(Arc::from(params))
        } else {
            self.params_kept = kept;
            Bound::Withheld(params.len())
        };
        self.portals
            .insert(
                portal.to_string(),
                Known {
                    sql,
                    params,
                    inspection,
                    op,
                    batch: self.batch,
                    trusted,
                },
            )
            .map(|k| k.op)
    }

    /// Records a Close; returns the operation it ends.
    pub fn close(&mut self, kind: u8, name: &str) -> Option<u64> {
        let k = match kind {
            b'S' => self.statements.remove(name),
            _ => self.portals.remove(name),
        }?;
        self.params_kept -= k.params.kept();
        Some(k.op)
    }

    /// SQL an Execute of `portal` runs (for the audit).
    pub fn portal_sql(&self, portal: &str) -> &str {
        self.portals.get(portal).map(|k| &*k.sql).unwrap_or("")
    }

    /// The statement a portal runs, when the gateway saw it prepared and may rely on it.
    pub fn known(&self, portal: &str, confirmed: &dyn Fn(u64) -> bool) -> Option<&Known> {
        self.portals
            .get(portal)
            .filter(|k| k.trusted && self.usable(k, confirmed))
    }

    /// What an Execute of `portal` runs; unknown or unconfirmed portals are opaque.
    pub fn portal(&self, portal: &str, confirmed: &dyn Fn(u64) -> bool) -> Arc<Inspection> {
        match self.portals.get(portal) {
            Some(k) if self.usable(k, confirmed) => k.inspection.clone(),
            Some(_) => gate::opaque("unconfirmed_portal"),
            None => gate::opaque("unknown_portal"),
        }
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
        let mut c = Vec::new();
        on_backend(&mut q, &m(b'C', b"SELECT 2\0"), &mut out, &mut c);
        on_backend(&mut q, &m(b'C', b"INSERT 0 3\0"), &mut out, &mut c);
        assert!(out.is_empty());
        on_backend(&mut q, &m(b'Z', b"I"), &mut out, &mut c);
        assert_eq!(out.len(), 1);
        assert_eq!(
            (out[0].seq, out[0].outcome, out[0].rows),
            (1, "ok", Some(5))
        );
        on_backend(&mut q, &err(), &mut out, &mut c);
        on_backend(&mut q, &m(b'Z', b"I"), &mut out, &mut c);
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
        let mut c = Vec::new();
        on_backend(&mut q, &m(b'1', b""), &mut out, &mut c);
        on_backend(&mut q, &m(b'2', b""), &mut out, &mut c);
        on_backend(&mut q, &err(), &mut out, &mut c);
        on_backend(&mut q, &m(b'Z', b"I"), &mut out, &mut c);
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
        let none = |_: u64| false;
        p.parse("s1", "select 1", i, 1);
        p.bind("", "s1", &[], 2, &none);
        assert_eq!(p.portal_sql(""), "select 1");
        assert!(p.known("", &none).is_some(), "same batch: usable");
        p.close(b'S', "s1");
        p.bind("x", "s1", &[], 3, &none);
        assert_eq!(p.portal_sql("x"), "");
        assert_eq!(
            p.portal("x", &none).statements[0].admin,
            std::collections::BTreeSet::from(["unknown_statement".to_string()])
        );
    }

    /// Bound values are kept for reviews up to PARAMS_KEPT over all portals; a replaced or
    /// closed portal gives its share back.
    #[test]
    fn bound_values_kept_are_bounded() {
        let mut p = Prepared::default();
        let none = |_: u64| false;
        let half = vec![0u8; PARAMS_KEPT / 2];
        p.bind("a", "s", &half, 1, &none);
        p.bind("b", "s", &half, 2, &none);
        p.bind("c", "s", &half, 3, &none);
        let shown = |p: &Prepared, n: &str| p.portals[n].params.rendered();
        assert!(matches!(p.portals["c"].params, Bound::Withheld(n) if n == PARAMS_KEPT / 2));
        assert!(
            shown(&p, "c")[0].contains("not kept"),
            "{:?}",
            shown(&p, "c")
        );
        // Rebinding a portal replaces its share; closing one frees it.
        p.bind("a", "s", &half, 4, &none);
        assert!(matches!(p.portals["a"].params, Bound::Values(_)));
        p.close(b'P', "b");
        p.bind("c", "s", &half, 5, &none);
        assert!(matches!(p.portals["c"].params, Bound::Values(_)));
        assert_eq!(p.params_kept, PARAMS_KEPT);
        p.close(b'P', "a");
        p.close(b'P', "c");
        assert_eq!(p.params_kept, 0);
    }

    /// A Parse the target refused or skipped never speaks for a later batch: `s` stays opaque
    /// until its Parse is confirmed.
    #[test]
    fn later_batches_use_only_confirmed_parses_and_binds() {
        let mut p = Prepared::default();
        let sel = Arc::new(crate::gateway::sql::inspect(
            "select 1",
            &Default::default(),
        ));
        p.parse("s", "select 1", sel, 7);
        p.sync();
        let none = |_: u64| false;
        p.bind("", "s", &[], 8, &none);
        let opaque = &p.portal("", &none).statements[0].admin;
        assert!(opaque.contains("unconfirmed_statement"), "{opaque:?}");
        assert!(
            p.known("", &none).is_none(),
            "an opaque portal never shares a decision with its statement's text"
        );
        let seven = |o: u64| o == 7;
        p.bind("", "s", &[], 9, &seven);
        assert!(
            p.known("", &seven).is_some(),
            "bound in this batch from a confirmed Parse"
        );
        p.sync();
        assert!(
            p.known("", &seven).is_none(),
            "the Bind itself is not confirmed yet"
        );
        assert!(
            p.portal("", &seven).statements[0]
                .admin
                .contains("unconfirmed_portal")
        );
        let both = |o: u64| o == 7 || o == 9;
        assert!(p.known("", &both).is_some());
    }

    #[test]
    fn binds_are_confirmed_by_their_answers() {
        let mut q = VecDeque::new();
        let mut parse = Pending::new(1, PendingKind::Parse);
        parse.op = 11;
        let mut bind = Pending::new(0, PendingKind::Bind);
        bind.op = 12;
        q.extend([parse, bind, Pending::new(2, PendingKind::Execute)]);
        let (mut out, mut c) = (Vec::new(), Vec::new());
        on_backend(&mut q, &m(b'1', b""), &mut out, &mut c);
        on_backend(&mut q, &err(), &mut out, &mut c);
        assert_eq!(c, vec![11], "the failed Bind is not confirmed");
        assert_eq!(out.len(), 1, "the Bind has no audit event");
    }
}
