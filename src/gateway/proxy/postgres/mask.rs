//! Masking of the target's messages on their way to the client (sans-IO: one complete backend
//! message in, the message to forward out).
//!
//! Rewritten: DataRow values, ErrorResponse/NoticeResponse fields, NotificationResponse
//! payloads, FunctionCallResponse values, and CopyData rows of `COPY … TO STDOUT` in text, CSV
//! and binary. Every rewritten message is rebuilt with its lengths recomputed. Anything that
//! cannot be parsed is an error: the caller ends the session rather than forward bytes it could
//! not inspect (fail closed).
//!
//! Rows are masked against the columns that describe them. A simple query's rows follow their
//! RowDescription. An extended-protocol Execute's rows follow a Describe of the portal that the
//! gateway adds in front of every Execute (the client's bytes are otherwise untouched) and
//! whose answer it consumes — so the shape, the formats chosen at Bind, and the source columns
//! are always those of the portal being run, however long ago its statement was prepared. The
//! client side reports each message that will be answered ([`Expect`]); this side matches the
//! answers to them in order.
//!
//! A column whose source (`schema.table.column`, through views) matches a column rule is
//! replaced whole: by the rule's text where the type is text-like, a JSON string for `json` and
//! `jsonb`, the bytes for `bytea`, and NULL for every other type — a valid value of any type,
//! never reinterpreted bytes. Every other value's bytes are inspected by the content detectors,
//! whatever the client encoding: text-format values of any type, and binary values of
//! text-like types, which carry their text as it is. Binary values of numeric, boolean and
//! date/time types cannot hold an identifier's text and are left alone. A binary value of any
//! other type (an array, a record, an extension type) is not rewritten inside, since its
//! layout carries lengths: if a detector finds an identifier in it, it becomes NULL.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::catalog::Columns;
use super::codec::row_description;
use super::copy::{CopyOpts, Layout};
use crate::gateway::access::{AccessKey, KeyHash, TableHasher};
use crate::gateway::masking::{Counts, MaskedBytes, Masker};

/// A backend message that could not be inspected.
#[derive(Debug, thiserror::Error)]
#[error("cannot inspect a {kind} message from the target: {why}")]
pub struct MaskError {
    kind: char,
    why: &'static str,
}

/// Type OIDs whose values are never masked by content (numbers, booleans, dates and times).
const NON_TEXT_TYPES: &[u32] = &[
    16, 20, 21, 23, 26, 700, 701, 790,
    1700, // bool, int8, int2, int4, oid, float4/8, money, numeric
    1082, 1083, 1114, 1184, 1186, 1266, // date, time, timestamp(tz), interval, timetz
];
/// `name`, `text`, `unknown`, `xml`, `bpchar`, `varchar`: binary format is the text itself.
const TEXT_TYPES: &[u32] = &[19, 25, 705, 142, 1042, 1043];
const BYTEA: u32 = 17;
const JSON: u32 = 114;
const JSONB: u32 = 3802;

/// How long a session trusts what it learned about a relation's columns.
const RELATION_TTL: Duration = Duration::from_secs(30);

/// A client message the target will answer, reported by the client side in wire order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Simple Query: answered through ReadyForQuery.
    Query,
    /// FunctionCall: answered through ReadyForQuery.
    Call,
    /// Parse → ParseComplete.
    Parse,
    /// Bind → BindComplete.
    Bind,
    /// The client's own Describe → (ParameterDescription) RowDescription or NoData.
    Describe,
    /// The gateway's Describe of the portal about to run: its answer is consumed here.
    Injected,
    /// Execute → rows, then CommandComplete, PortalSuspended or EmptyQueryResponse.
    Execute,
    /// Close → CloseComplete.
    Close,
    /// Sync → ReadyForQuery.
    Sync,
    /// The gateway's Parse of a COPY's source (answered, then consumed here); `synced` when
    /// the probe has a Sync of its own (simple query), so an error in it is consumed too.
    ProbeParse {
        /// The probe ends with its own Sync.
        synced: bool,
    },
    /// The gateway's Describe of that source: its columns are the COPY's.
    ProbeDescribe {
        /// The COPY's options.
        opts: CopyOpts,
        /// As for `ProbeParse`.
        synced: bool,
    },
    /// The gateway's Close of the probe statement (extended protocol).
    ProbeClose,
    /// The gateway's Sync after a probe (simple query).
    ProbeSync,
    /// The client's CopyDone or CopyFail: ends a COPY FROM STDIN, during which the target
    /// ignores Sync.
    CopyEnd,
}

/// What to do with one backend message.
#[derive(Debug, PartialEq, Eq)]
pub enum Out {
    /// Forward it as it is.
    Keep,
    /// Forward this instead.
    Replace(Vec<u8>),
    /// The answer to the gateway's own Describe: the client never asked, so it is not sent.
    Drop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copy {
    Off,
    /// Text or CSV rows (`header`: a CSV header row comes first).
    Text {
        csv: bool,
        header: bool,
    },
    Binary {
        header_seen: bool,
    },
    /// A COPY whose fields cannot meet their column rules: nothing of it is forwarded, and its
    /// CommandComplete becomes an error.
    Refused,
}

/// One result column, as the masker needs it.
#[derive(Debug, Clone, Copy)]
struct Col {
    /// Type OID; 0 when unknown (COPY).
    ty: u32,
    binary: bool,
    /// The column rule its source matches.
    rule: Option<usize>,
    /// The accounted table whose key column it is (index into [`Accounting::tables`]).
    key: Option<u16>,
}

/// Most key hashes a session remembers as already accounted (about 4 MiB); past it the
/// memory starts over, and a key received again is stored again (lookups merge repeats).
const SEEN_CAP: usize = 1 << 17;

/// Hashes a key hash by its first bytes: they are HMAC output, already uniform (SipHash over
/// them cost more than the rest of the set).
#[derive(Default)]
struct FirstBytes(u64);

impl std::hash::Hasher for FirstBytes {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for (i, b) in bytes.iter().take(8).enumerate() {
            self.0 ^= u64::from(*b) << (8 * i);
        }
    }
}

type Seen = HashSet<KeyHash, std::hash::BuildHasherDefault<FirstBytes>>;

/// Record-level access accounting of one session (see `crate::gateway::access`): the key
/// columns of PHI tables, and the hashes of key values received, not yet stored.
pub struct Accounting {
    /// `schema.table.column` of each declared key column → its table's index.
    columns: HashMap<String, u16>,
    /// Each accounted table (`schema.table`) and the hasher of its keys.
    tables: Vec<(String, TableHasher)>,
    /// The statement whose rows arrive now (set by the proxy before each message).
    seq: i64,
    seen: Seen,
    pending: Vec<(i64, KeyHash)>,
    /// Distinct keys accounted in the session (up to the memory's restarts).
    pub accessed: u64,
}

impl std::fmt::Debug for Accounting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounting")
            .field(
                "tables",
                &self.tables.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            )
            .field("accessed", &self.accessed)
            .finish_non_exhaustive()
    }
}

impl Accounting {
    /// Accounting for `connection`'s tables that declare a key (none when no table does).
    pub fn new(
        connection: &str,
        tables: &std::collections::BTreeMap<String, crate::gateway::config::TableConfig>,
        key: Arc<AccessKey>,
    ) -> Option<Accounting> {
        let mut a = Accounting {
            columns: HashMap::new(),
            tables: Vec::new(),
            seq: 0,
            seen: Seen::default(),
            pending: Vec::new(),
            accessed: 0,
        };
        for (t, c) in tables {
            if let Some(k) = &c.key
                && c.tags.iter().any(|g| g == "phi")
            {
                let i = a.tables.len() as u16;
                a.columns.insert(format!("{t}.{k}"), i);
                a.tables.push((t.clone(), key.hasher(connection, t)));
            }
        }
        (!a.tables.is_empty()).then_some(a)
    }

    fn key_of<S: AsRef<str>>(&self, names: &[S]) -> Option<u16> {
        names
            .iter()
            .find_map(|n| self.columns.get(n.as_ref()).copied())
    }

    fn account(&mut self, table: u16, ty: u32, binary: bool, v: &[u8]) {
        let Some(text) = crate::gateway::access::key_text(ty, i16::from(binary), v) else {
            return;
        };
        let Some((_, hasher)) = self.tables.get(table as usize) else {
            return;
        };
        let h = hasher.hash(&text);
        if self.seen.len() >= SEEN_CAP {
            self.seen.clear();
        }
        if self.seen.insert(h) {
            self.pending.push((self.seq, h));
            self.accessed += 1;
        }
    }
}

/// Per-session state: what the target is answering, the columns of the rows now arriving, COPY
/// mode, and the sources of relations seen so far.
#[derive(Debug)]
pub struct WireMasker {
    masker: Arc<Masker>,
    expect: VecDeque<Expect>,
    cols: Option<Vec<Col>>,
    copy: Copy,
    /// Columns of the COPY now running (from its probe), when known.
    copy_cols: Option<Vec<Col>>,
    /// Probed COPYs of this cycle, in order: their columns and options (`None`: the probe
    /// failed).
    probed: VecDeque<Option<(Vec<Col>, CopyOpts)>>,
    /// Sources of relations seen so far: when learned (`None`: expired by DDL or a relation
    /// error) and their columns.
    relations: HashMap<u32, (Option<Instant>, Columns)>,
    /// Relations looked up again this cycle because a column was missing: not asked twice.
    retried: Vec<u32>,
    /// DDL ran in the open transaction: the gateway's catalog connection cannot see it yet.
    ddl_in_transaction: bool,
    /// In COPY FROM STDIN until the client's CopyDone or CopyFail is reported.
    copy_in: bool,
    /// Record-level access accounting, on connections whose PHI tables declare a key.
    accounting: Option<Accounting>,
}

struct Reader<'a> {
    b: &'a [u8],
    kind: char,
}

impl<'a> Reader<'a> {
    fn err(&self, why: &'static str) -> MaskError {
        MaskError {
            kind: self.kind,
            why,
        }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], MaskError> {
        if self.b.len() < n {
            return Err(self.err("truncated"));
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h)
    }
    fn i16(&mut self) -> Result<i16, MaskError> {
        let b = self.take(2)?;
        Ok(i16::from_be_bytes([b[0], b[1]]))
    }
    fn i32(&mut self) -> Result<i32, MaskError> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn cstr(&mut self) -> Result<&'a [u8], MaskError> {
        let end = self
            .b
            .iter()
            .position(|&c| c == 0)
            .ok_or_else(|| self.err("unterminated string"))?;
        let s = &self.b[..end];
        self.b = &self.b[end + 1..];
        Ok(s)
    }
}

fn message(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(body.len() + 5);
    m.push(tag);
    m.extend_from_slice(&((body.len() + 4) as u32).to_be_bytes());
    m.extend_from_slice(body);
    m
}

/// The Describe the gateway sends in front of an Execute of `portal`.
pub fn describe_portal(portal: &str) -> Vec<u8> {
    let mut body = vec![b'P'];
    body.extend_from_slice(portal.as_bytes());
    body.push(0);
    message(b'D', &body)
}

/// SQLSTATEs after which what a session knows of relations may be stale.
fn relation_error(msg: &[u8]) -> bool {
    let (code, _) = super::codec::error_fields(msg);
    matches!(code.as_str(), "42P01" | "42703" | "0A000")
}

/// Whether a CommandComplete's tag starts with one of `tags`.
fn tag_is(msg: &[u8], tags: &[&str]) -> bool {
    let body = msg.get(5..).unwrap_or_default();
    tags.iter().any(|t| body.starts_with(t.as_bytes()))
}

/// Tags of statements that may change relations.
const DDL: &[&str] = &["CREATE", "ALTER", "DROP"];

/// Tags of statements that can change the names behind an existing relation's columns (new
/// relations are simply not found until committed).
const RENAMING_DDL: &[&str] = &[
    "ALTER TABLE",
    "ALTER VIEW",
    "ALTER MATERIALIZED VIEW",
    "ALTER FOREIGN TABLE",
    "CREATE VIEW",
    "CREATE RULE",
];

impl WireMasker {
    /// A masker for one session.
    pub fn new(masker: Arc<Masker>) -> Self {
        WireMasker {
            masker,
            expect: VecDeque::new(),
            cols: None,
            copy: Copy::Off,
            copy_cols: None,
            probed: VecDeque::new(),
            relations: HashMap::new(),
            retried: Vec::new(),
            ddl_in_transaction: false,
            copy_in: false,
            accounting: None,
        }
    }

    /// Accounts key values of the result sets it sees (before masking them).
    pub fn with_accounting(mut self, a: Option<Accounting>) -> Self {
        self.accounting = a;
        self
    }

    /// The statement (audit sequence number) whose results arrive next.
    pub fn set_statement(&mut self, seq: i64) {
        if let Some(a) = self.accounting.as_mut() {
            a.seq = seq;
        }
    }

    /// Key hashes accounted since the last call, with the statement that returned each.
    pub fn take_accessed(&mut self) -> Vec<(i64, KeyHash)> {
        self.accounting
            .as_mut()
            .map(|a| std::mem::take(&mut a.pending))
            .unwrap_or_default()
    }

    /// Distinct keys accounted in the session.
    pub fn accessed(&self) -> Option<u64> {
        self.accounting.as_ref().map(|a| a.accessed)
    }

    /// Whether result columns' sources must be known: column rules, or accounting.
    fn needs_catalog(&self) -> bool {
        self.masker.needs_catalog() || self.accounting.is_some()
    }

    /// Whether no result is being streamed: a new masker may take over.
    pub fn between_results(&self) -> bool {
        self.cols.is_none() && self.copy == Copy::Off && self.probed.is_empty()
    }

    /// Masks with `masker` from now on (a reloaded profile). Call only
    /// [`WireMasker::between_results`]: rules resolved for a result in flight would not be
    /// the new masker's.
    pub fn set_masker(&mut self, masker: Arc<Masker>) {
        self.masker = masker;
    }

    /// Records client messages the target will answer, in wire order.
    pub fn expect(&mut self, e: impl IntoIterator<Item = Expect>) {
        for e in e {
            match e {
                // In COPY FROM STDIN the target ignores Sync: no ReadyForQuery answers it.
                Expect::Sync if self.copy_in => {}
                Expect::CopyEnd if self.copy_in => self.copy_in = false,
                e => self.expect.push_back(e),
            }
        }
    }

    /// CopyInResponse: the Syncs the client sent since its Execute, up to its CopyDone or
    /// CopyFail, are ignored by the target; so is every Sync until then.
    fn copy_in_started(&mut self) {
        let mut i = 0;
        let mut ended = false;
        while i < self.expect.len() {
            match self.expect[i] {
                Expect::Sync => {
                    self.expect.remove(i);
                }
                Expect::CopyEnd => {
                    self.expect.remove(i);
                    ended = true;
                    break;
                }
                _ => i += 1,
            }
        }
        self.copy_in = !ended;
    }

    /// The relations named by the RowDescriptions in `batch` (complete messages from its
    /// start) whose sources must be looked up before the batch is pushed: unknown, older than
    /// the TTL, expired, or missing a column the description names. DDL or a relation error
    /// earlier in the batch makes every later description's relations looked up again, and
    /// expires the rest. The caller passes the answers to [`WireMasker::learn`].
    pub fn relations_to_look_up(&mut self, batch: &[u8], out: &mut Vec<u32>) {
        out.clear();
        if !self.needs_catalog() {
            return;
        }
        let mut changed = false;
        let mut at = 0;
        while let Ok(Some(n)) =
            super::codec::frame_len(&batch[at..], super::codec::MAX_BACKEND_MESSAGE)
        {
            let msg = &batch[at..at + n];
            at += n;
            match msg[0] {
                b'C' if tag_is(msg, DDL) => changed = true,
                b'E' if relation_error(msg) => changed = true,
                b'T' => {
                    let Ok(fields) = row_description(msg) else {
                        continue; // the push reports it
                    };
                    for f in fields.iter().filter(|f| f.table != 0) {
                        let stale = match self.relations.get(&f.table) {
                            None | Some((None, _)) => true,
                            Some((Some(t), cols)) => {
                                t.elapsed() >= RELATION_TTL
                                    || (!cols.contains_key(&f.attnum)
                                        && !self.retried.contains(&f.table))
                            }
                        };
                        if (changed || stale) && !out.contains(&f.table) {
                            out.push(f.table);
                        }
                    }
                }
                _ => {}
            }
        }
        if changed {
            for v in self.relations.values_mut() {
                v.0 = None;
            }
        }
    }

    /// Remembers the sources of `asked` (absent from `found`: not visible, no columns).
    pub fn learn(&mut self, asked: &[u32], mut found: HashMap<u32, Columns>) {
        let now = Instant::now();
        for r in asked {
            let cols = found.remove(r).unwrap_or_default();
            self.relations.insert(*r, (Some(now), cols));
            if !self.retried.contains(r) {
                self.retried.push(*r);
            }
        }
    }

    /// Masks `v` (any encoding: the detectors match ASCII); `None` when unchanged,
    /// `Some(None)` for NULL.
    fn value(&self, v: &[u8], counts: &mut Counts) -> Option<Option<Vec<u8>>> {
        match self.masker.mask_bytes(v, counts) {
            MaskedBytes::Bytes(Cow::Borrowed(_)) => None,
            MaskedBytes::Bytes(b) => Some(Some(b.into_owned())),
            MaskedBytes::Null => Some(None),
        }
    }

    /// Masks `v` in place of a value that cannot be NULL; `None` when unchanged.
    fn inline(&self, v: &[u8], counts: &mut Counts) -> Option<Vec<u8>> {
        match self.masker.mask_inline(v, counts) {
            Cow::Borrowed(_) => None,
            Cow::Owned(b) => Some(b),
        }
    }

    /// Masks the message at `batch[at..at + len]` into `out`. `out` stays `None` while nothing
    /// in the batch is rewritten or dropped (the caller then forwards `batch` as it is); the
    /// first change copies the unchanged messages before it, and every later one follows.
    /// Returns whether the client gets a message in its place (`false`: the gateway's own
    /// answer, consumed).
    pub fn push(
        &mut self,
        batch: &[u8],
        at: usize,
        len: usize,
        out: &mut Option<Vec<u8>>,
        counts: &mut Counts,
    ) -> Result<bool, MaskError> {
        let msg = batch.get(at..at + len).ok_or(MaskError {
            kind: '?',
            why: "outside the read buffer",
        })?;
        let result = self.on_backend(msg, counts)?;
        let started = |out: &mut Option<Vec<u8>>| -> usize {
            out.get_or_insert_with(|| batch[..at].to_vec()).len()
        };
        match result {
            Out::Replace(m) => {
                started(out);
                if let Some(o) = out.as_mut() {
                    o.extend_from_slice(&m);
                }
            }
            Out::Drop => {
                started(out);
                return Ok(false);
            }
            Out::Keep => {
                if let Some(o) = out.as_mut() {
                    o.extend_from_slice(msg);
                }
            }
        }
        Ok(true)
    }

    fn lost(&self, kind: u8) -> MaskError {
        MaskError {
            kind: char::from(kind),
            why: "it answers no request the gateway relayed",
        }
    }

    /// Pops the front expectation if it is `e`.
    fn answer(&mut self, tag: u8, e: Expect) -> Result<(), MaskError> {
        if self.expect.front() == Some(&e) {
            self.expect.pop_front();
            Ok(())
        } else {
            Err(self.lost(tag))
        }
    }

    /// The columns of a RowDescription, with the rule each one's source matches.
    fn columns(&self, msg: &[u8]) -> Result<Vec<Col>, MaskError> {
        let fields = row_description(msg).map_err(|_| MaskError {
            kind: 'T',
            why: "malformed RowDescription",
        })?;
        let mut cols = Vec::with_capacity(fields.len());
        // Column rules fail closed on a source they cannot name; accounting alone only skips
        // it (a relation the catalog cannot see yet is not one of the declared tables).
        let strict = self.masker.needs_catalog();
        for f in fields {
            let (mut rule, mut key) = (None, None);
            if f.table != 0 && self.needs_catalog() {
                let bad = |why| MaskError { kind: 'T', why };
                if self.ddl_in_transaction && strict {
                    return Err(bad(
                        "a result names a table after DDL in the open transaction, which the gateway's \
                         catalog cannot see yet (commit schema changes before reading through a masked connection)",
                    ));
                }
                let names = self
                    .relations
                    .get(&f.table)
                    .and_then(|(_, rel)| rel.get(&f.attnum));
                match names {
                    Some(names) => {
                        rule = self.masker.column_rule(names);
                        key = self.accounting.as_ref().and_then(|a| a.key_of(names));
                    }
                    // A relation or column the catalog does not show (created in an open
                    // transaction, or just now) has no known name: never "no rule".
                    None if strict => {
                        return Err(bad(if self.relations.contains_key(&f.table) {
                            "a column's source is not visible to the gateway's catalog (commit schema changes before reading through a masked connection)"
                        } else {
                            "a column's source relation was not looked up"
                        }));
                    }
                    None => {}
                }
            }
            cols.push(Col {
                ty: f.ty,
                binary: f.format == 1,
                rule,
                key,
            });
        }
        Ok(cols)
    }

    /// What to forward in place of `msg` (a complete backend message).
    pub fn on_backend(&mut self, msg: &[u8], counts: &mut Counts) -> Result<Out, MaskError> {
        let (Some(&tag), Some(body)) = (msg.first(), msg.get(5..)) else {
            return Err(MaskError {
                kind: '?',
                why: "shorter than a message header",
            });
        };
        let mut r = Reader {
            b: body,
            kind: char::from(tag),
        };
        let keep = |m: Option<Vec<u8>>| Ok(m.map_or(Out::Keep, Out::Replace));
        match tag {
            b'T' => {
                let cols = self.columns(msg)?;
                match self.expect.front().copied() {
                    Some(Expect::ProbeDescribe { opts, .. }) => {
                        self.expect.pop_front();
                        self.probed.push_back(Some((cols, opts)));
                        Ok(Out::Drop)
                    }
                    Some(Expect::Injected) => {
                        self.expect.pop_front();
                        self.cols = Some(cols);
                        Ok(Out::Drop)
                    }
                    // The client's own Describe: its rows arrive after a later Execute, which
                    // the gateway describes again.
                    Some(Expect::Describe) => {
                        self.expect.pop_front();
                        Ok(Out::Keep)
                    }
                    _ => {
                        self.cols = Some(cols);
                        Ok(Out::Keep)
                    }
                }
            }
            b'n' => match self.expect.front().copied() {
                Some(Expect::ProbeDescribe { .. }) => {
                    self.expect.pop_front();
                    self.probed.push_back(None);
                    Ok(Out::Drop)
                }
                Some(Expect::Injected) => {
                    self.expect.pop_front();
                    self.cols = Some(Vec::new());
                    Ok(Out::Drop)
                }
                _ => self.answer(tag, Expect::Describe).map(|_| Out::Keep),
            },
            b'1' => match self.expect.front() {
                Some(Expect::ProbeParse { .. }) => {
                    self.expect.pop_front();
                    Ok(Out::Drop)
                }
                _ => self.answer(tag, Expect::Parse).map(|_| Out::Keep),
            },
            b't' if matches!(self.expect.front(), Some(Expect::ProbeDescribe { .. })) => {
                Ok(Out::Drop)
            }
            b'2' => self.answer(tag, Expect::Bind).map(|_| Out::Keep),
            b'3' => match self.expect.front() {
                Some(Expect::ProbeClose) => {
                    self.expect.pop_front();
                    Ok(Out::Drop)
                }
                _ => self.answer(tag, Expect::Close).map(|_| Out::Keep),
            },
            b'C' if self.copy == Copy::Refused => {
                self.copy = Copy::Off;
                if self.expect.front() == Some(&Expect::Execute) {
                    self.expect.pop_front();
                }
                counts.add("copy_refused");
                Ok(Out::Replace(super::codec::error_response(
                    "ERROR",
                    "0A000",
                    "COPY TO STDOUT cannot be masked column by column here; nothing of it was sent",
                    Some(
                        "a column rule applies to this COPY and its rows could not be split into columns                          (custom DELIMITER/NULL/QUOTE options, or a statement the gateway could not describe);                          use SELECT, or COPY with the default text, CSV or binary layout",
                    ),
                )))
            }
            b'H' | b'd' | b'c' if self.copy == Copy::Refused => Ok(Out::Drop),
            b'C' | b's' | b'I' => {
                if tag == b'C' && tag_is(msg, RENAMING_DDL) {
                    self.ddl_in_transaction = true;
                }
                self.cols = None;
                self.copy = Copy::Off;
                if self.expect.front() == Some(&Expect::Execute) {
                    self.expect.pop_front();
                }
                Ok(Out::Keep)
            }
            b'Z' => {
                // Ends a simple query or function call, or the extended batch through its
                // Sync — including whatever the target skipped after an error — or the
                // gateway's own probe, whose ReadyForQuery the client never asked for.
                let mut probe = false;
                while let Some(e) = self.expect.pop_front() {
                    if let Expect::ProbeDescribe { .. } = e {
                        self.probed.push_back(None); // skipped after an error
                    }
                    if matches!(e, Expect::Sync | Expect::Query | Expect::Call) {
                        break;
                    }
                    if e == Expect::ProbeSync {
                        probe = true;
                        break;
                    }
                }
                if probe {
                    return Ok(Out::Drop);
                }
                // Idle ('I'): whatever DDL ran is committed or rolled back, so the catalog
                // sees what the session sees.
                if body.first() == Some(&b'I') {
                    self.ddl_in_transaction = false;
                }
                self.retried.clear();
                self.copy = Copy::Off;
                self.cols = None;
                self.probed.clear();
                Ok(Out::Keep)
            }
            b'D' => self.data_row(r, counts).and_then(keep),
            // An error in a probe with its own Sync is the gateway's business, not the client's.
            b'E' if matches!(
                self.expect.front(),
                Some(
                    Expect::ProbeParse { synced: true }
                        | Expect::ProbeDescribe { synced: true, .. }
                )
            ) =>
            {
                Ok(Out::Drop)
            }
            b'E' | b'N' => {
                if tag == b'E' {
                    self.cols = None;
                }
                let mut out = Vec::with_capacity(body.len());
                let mut changed = false;
                loop {
                    let code = r.take(1)?[0];
                    if code == 0 {
                        break;
                    }
                    let v = r.cstr()?;
                    out.push(code);
                    match self.inline(v, counts) {
                        Some(m) => {
                            changed = true;
                            out.extend_from_slice(&m);
                        }
                        None => out.extend_from_slice(v),
                    }
                    out.push(0);
                }
                out.push(0);
                keep(changed.then(|| message(tag, &out)))
            }
            b'A' => {
                let pid = r.take(4)?;
                let channel = r.cstr()?;
                let payload = r.cstr()?;
                let Some(m) = self.inline(payload, counts) else {
                    return Ok(Out::Keep);
                };
                let mut out = pid.to_vec();
                out.extend_from_slice(channel);
                out.push(0);
                out.extend_from_slice(&m);
                out.push(0);
                Ok(Out::Replace(message(tag, &out)))
            }
            // FunctionCallResponse: the fast path's result (`lo_get`, …) is a value like any other.
            b'V' => {
                let len = r.i32()?;
                if len < 0 {
                    return Ok(Out::Keep);
                }
                let v = r.take(len as usize)?;
                if !r.b.is_empty() {
                    return Err(r.err("trailing bytes"));
                }
                keep(self.inline(v, counts).map(|m| {
                    let mut body = (m.len() as i32).to_be_bytes().to_vec();
                    body.extend_from_slice(&m);
                    message(b'V', &body)
                }))
            }
            b'H' => {
                let format = r.take(1)?[0];
                let n = r.i16()?;
                self.copy_start(format, n);
                if self.copy == Copy::Refused {
                    return Ok(Out::Drop);
                }
                Ok(Out::Keep)
            }
            b'G' => {
                self.copy_in_started();
                Ok(Out::Keep)
            }
            b'd' => self.copy_data(body, counts).and_then(keep),
            b'c' => {
                self.copy = Copy::Off;
                Ok(Out::Keep)
            }
            _ => Ok(Out::Keep),
        }
    }

    /// A `bytea` in text format (`\x` + hex).
    fn hex_bytea(v: &[u8]) -> bool {
        v.len() >= 2
            && v.starts_with(b"\\x")
            && v.len().is_multiple_of(2)
            && v[2..].iter().all(u8::is_ascii_hexdigit)
    }

    /// A text-format `bytea`'s bytes are inspected, not its hex.
    fn bytea(&self, v: &[u8], counts: &mut Counts) -> Option<Option<Vec<u8>>> {
        let raw = hex::decode(&v[2..]).ok()?;
        match self.value(&raw, counts)? {
            Some(m) => {
                let mut out = b"\\x".to_vec();
                out.extend_from_slice(hex::encode(m).as_bytes());
                Some(Some(out))
            }
            None => Some(None),
        }
    }

    /// A value under a column rule, as a valid value of its type (or NULL).
    fn by_rule(&self, rule: usize, col: Col, v: &[u8], counts: &mut Counts) -> Option<Vec<u8>> {
        // The rule sees the value's text: decoded bytea, jsonb without its version byte.
        let (text, kind): (Cow<[u8]>, _) = match col.ty {
            BYTEA if !col.binary && Self::hex_bytea(v) => match hex::decode(&v[2..]) {
                Ok(raw) => (Cow::Owned(raw), BYTEA),
                Err(_) => (Cow::Borrowed(v), BYTEA),
            },
            JSONB if col.binary => (Cow::Borrowed(v.get(1..).unwrap_or_default()), JSONB),
            ty => (Cow::Borrowed(v), ty),
        };
        if !(TEXT_TYPES.contains(&kind) || matches!(kind, BYTEA | JSON | JSONB)) {
            // Numbers, dates, arrays, records, enums, domains…: NULL is valid for every type.
            self.masker.mask_column(rule, &text, counts);
            return None;
        }
        let m = self.masker.mask_column(rule, &text, counts)?;
        Some(match kind {
            BYTEA if col.binary => m,
            BYTEA => {
                let mut out = b"\\x".to_vec();
                out.extend_from_slice(hex::encode(m).as_bytes());
                out
            }
            JSON | JSONB => {
                let s = serde_json::Value::String(String::from_utf8_lossy(&m).into_owned());
                let mut out = if kind == JSONB && col.binary {
                    vec![1]
                } else {
                    Vec::new()
                };
                out.extend_from_slice(s.to_string().as_bytes());
                out
            }
            _ => m,
        })
    }

    /// One value, by content; `None` when unchanged, `Some(None)` for NULL.
    fn by_content(&self, col: Col, v: &[u8], counts: &mut Counts) -> Option<Option<Vec<u8>>> {
        if NON_TEXT_TYPES.contains(&col.ty) {
            return None;
        }
        if !col.binary {
            return if (col.ty == BYTEA || col.ty == 0) && Self::hex_bytea(v) {
                self.bytea(v, counts)
            } else {
                self.value(v, counts)
            };
        }
        let text_like = TEXT_TYPES.contains(&col.ty) || matches!(col.ty, BYTEA | JSON | JSONB);
        // Binary text has no NUL bytes; a binary array or record always has (in its lengths).
        if text_like || (col.ty == 0 && !v.contains(&0)) {
            return self.value(v, counts);
        }
        // A layout with lengths inside: not rewritten in place. Anything found → NULL.
        let mut found = Counts::default();
        match self.masker.mask_bytes(v, &mut found) {
            MaskedBytes::Bytes(Cow::Borrowed(_)) => None,
            _ => {
                counts.merge(found);
                Some(None)
            }
        }
    }

    /// Rewrites `n` length-prefixed values (DataRow body after its count, or a binary COPY
    /// tuple, whose `cols` are unknown); `None` when nothing changed.
    fn fields(
        &self,
        r: &mut Reader,
        n: usize,
        cols: Option<&[Col]>,
        counts: &mut Counts,
    ) -> Result<Option<Vec<u8>>, MaskError> {
        let mut out: Option<Vec<u8>> = None;
        let start_len = r.b.len();
        let whole = r.b;
        for i in 0..n {
            let at = start_len - r.b.len();
            let len = r.i32()?;
            if len < 0 {
                if let Some(o) = out.as_mut() {
                    o.extend_from_slice(&len.to_be_bytes());
                }
                continue;
            }
            let v = r.take(len as usize)?;
            let col = match cols {
                Some(c) => *c.get(i).ok_or_else(|| r.err("more values than columns"))?,
                None => Col {
                    ty: 0,
                    binary: matches!(self.copy, Copy::Binary { .. }),
                    rule: None,
                    key: None,
                },
            };
            let masked = match col.rule {
                Some(rule) => Some(self.by_rule(rule, col, v, counts)),
                None => self.by_content(col, v, counts),
            };
            match (masked, out.as_mut()) {
                (None, None) => {}
                (None, Some(o)) => {
                    o.extend_from_slice(&len.to_be_bytes());
                    o.extend_from_slice(v);
                }
                (Some(m), o) => {
                    let o = match o {
                        Some(o) => o,
                        None => out.insert(whole[..at].to_vec()),
                    };
                    match m {
                        Some(m) => {
                            o.extend_from_slice(&(m.len() as i32).to_be_bytes());
                            o.extend_from_slice(&m);
                        }
                        None => o.extend_from_slice(&(-1i32).to_be_bytes()),
                    }
                }
            }
        }
        Ok(out)
    }

    fn data_row(
        &mut self,
        mut r: Reader,
        counts: &mut Counts,
    ) -> Result<Option<Vec<u8>>, MaskError> {
        let n = r.i16()?;
        if n < 0 {
            return Err(r.err("negative column count"));
        }
        // Rows without a description cannot be masked by their columns: never forwarded.
        let cols = self
            .cols
            .as_deref()
            .ok_or_else(|| r.err("a row arrived without a row description"))?;
        if cols.len() != n as usize {
            return Err(r.err("column count differs from the row description"));
        }
        // Accounted before masking: the key column may be masked itself.
        if let Some(a) = self.accounting.as_mut()
            && cols.iter().any(|c| c.key.is_some())
        {
            let mut v = Reader { b: r.b, kind: 'D' };
            for c in cols {
                let len = v.i32()?;
                if len < 0 {
                    continue;
                }
                let value = v.take(len as usize)?;
                if let Some(t) = c.key {
                    a.account(t, c.ty, c.binary, value);
                }
            }
        }
        let fields = self.fields(&mut r, n as usize, Some(cols), counts)?;
        if !r.b.is_empty() {
            return Err(r.err("trailing bytes"));
        }
        Ok(fields.map(|f| {
            let mut body = n.to_be_bytes().to_vec();
            body.extend_from_slice(&f);
            message(b'D', &body)
        }))
    }

    /// A CopyOutResponse: the COPY's columns come from its probe. Under column rules, a COPY
    /// without them, or whose layout cannot be split, is refused.
    fn copy_start(&mut self, format: u8, n: i16) {
        let probed = self.probed.pop_front().flatten();
        self.copy_cols = None;
        let binary = format != 0;
        // The probe must describe this COPY: same layout, same number of columns (a table's
        // COPY leaves out generated columns, which `SELECT *` includes).
        let (cols, opts) = match probed {
            Some((mut cols, opts))
                if (opts.layout == Layout::Binary) == binary && cols.len() == n as usize =>
            {
                for c in &mut cols {
                    c.binary = binary;
                }
                (Some(cols), Some(opts))
            }
            _ => (None, None),
        };
        let ruled = cols
            .as_ref()
            .is_some_and(|c| c.iter().any(|c| c.rule.is_some()));
        let custom = opts.is_some_and(|o| o.custom);
        if self.masker.needs_catalog() && (cols.is_none() || (ruled && custom)) {
            self.copy = Copy::Refused;
            return;
        }
        self.copy = match opts {
            _ if binary => Copy::Binary { header_seen: false },
            Some(o) => Copy::Text {
                csv: o.layout == Layout::Csv,
                header: o.header && o.layout == Layout::Csv,
            },
            None => Copy::Text {
                csv: false,
                header: false,
            },
        };
        self.copy_cols = cols.filter(|_| ruled);
    }

    /// A text or CSV row whose fields meet their column rules, then the content detectors.
    fn copy_row(&self, csv: bool, row: &[u8], counts: &mut Counts) -> Result<Vec<u8>, MaskError> {
        use super::copy::{join_csv, join_text, split_csv, split_text};
        let bad = |why| MaskError { kind: 'd', why };
        let cols = self.copy_cols.as_deref().unwrap_or_default();
        let line = row.strip_suffix(b"\n").unwrap_or(row);
        let mut fields = if csv {
            split_csv(line).ok_or_else(|| bad("a CSV row that does not parse"))?
        } else {
            split_text(line)
        };
        if fields.len() != cols.len() {
            return Err(bad("a COPY row's fields differ from its columns"));
        }
        for (f, col) in fields.iter_mut().zip(cols) {
            if let (Some(rule), Some(v)) = (col.rule, f.as_ref()) {
                *f = self
                    .by_rule(rule, *col, v, counts)
                    .map(std::borrow::Cow::Owned);
            }
        }
        let mut out = if csv {
            join_csv(&fields)
        } else {
            join_text(&fields)
        };
        if line.len() < row.len() {
            out.push(b'\n');
        }
        Ok(out)
    }

    fn copy_data(
        &mut self,
        body: &[u8],
        counts: &mut Counts,
    ) -> Result<Option<Vec<u8>>, MaskError> {
        match self.copy {
            Copy::Text { csv, header } if self.copy_cols.is_some() && !header => {
                let row = self.copy_row(csv, body, counts)?;
                let out = match self.inline(&row, counts) {
                    Some(m) => m,
                    None => row,
                };
                Ok((out != body).then(|| message(b'd', &out)))
            }
            Copy::Text { csv, header: true } => {
                self.copy = Copy::Text { csv, header: false };
                Ok(self.inline(body, counts).map(|m| message(b'd', &m)))
            }
            Copy::Refused => Err(MaskError {
                kind: 'd',
                why: "a refused COPY's row reached the rewriter",
            }),
            // Not a COPY this masker saw start: treat as text, the conservative reading.
            Copy::Off | Copy::Text { .. } => {
                Ok(self.inline(body, counts).map(|m| message(b'd', &m)))
            }
            Copy::Binary { header_seen } => {
                let mut r = Reader { b: body, kind: 'd' };
                let mut prefix = Vec::new();
                if !header_seen {
                    const SIG: &[u8] = b"PGCOPY\n\xff\r\n\0";
                    let sig = r.take(SIG.len())?;
                    if sig != SIG {
                        return Err(r.err("bad binary COPY signature"));
                    }
                    let flags = r.take(4)?;
                    let ext_len = r.i32()?;
                    if ext_len < 0 {
                        return Err(r.err("bad binary COPY header"));
                    }
                    let ext = r.take(ext_len as usize)?;
                    prefix.extend_from_slice(sig);
                    prefix.extend_from_slice(flags);
                    prefix.extend_from_slice(&ext_len.to_be_bytes());
                    prefix.extend_from_slice(ext);
                    self.copy = Copy::Binary { header_seen: true };
                }
                let mut out = prefix;
                let mut changed = false;
                while !r.b.is_empty() {
                    let n = r.i16()?;
                    out.extend_from_slice(&n.to_be_bytes());
                    if n == -1 {
                        continue; // trailer
                    }
                    if n < 0 {
                        return Err(r.err("negative field count"));
                    }
                    let before = r.b;
                    let cols = self.copy_cols.as_deref();
                    if cols.is_some_and(|c| c.len() != n as usize) {
                        return Err(r.err("a COPY tuple's fields differ from its columns"));
                    }
                    match self.fields(&mut r, n as usize, cols, counts)? {
                        Some(f) => {
                            changed = true;
                            out.extend_from_slice(&f);
                        }
                        None => out.extend_from_slice(&before[..before.len() - r.b.len()]),
                    }
                }
                Ok(changed.then(|| message(b'd', &out)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::gateway::masking::{Action, ColumnRule, Kind};
    use crate::secret::Secret;

    fn masker() -> Masker {
        let actions: BTreeMap<Kind, Action> =
            Kind::ALL.iter().map(|k| (*k, Action::Redact)).collect();
        Masker::new(actions, &[], Secret::new(b"k".to_vec())).unwrap()
    }

    fn data_row(vals: &[Option<&[u8]>]) -> Vec<u8> {
        let mut b = (vals.len() as i16).to_be_bytes().to_vec();
        for v in vals {
            match v {
                Some(v) => {
                    b.extend_from_slice(&(v.len() as i32).to_be_bytes());
                    b.extend_from_slice(v);
                }
                None => b.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        message(b'D', &b)
    }

    /// Columns as (table oid, attnum, type, format).
    fn described(cols: &[(u32, i16, u32, i16)]) -> Vec<u8> {
        let mut b = (cols.len() as i16).to_be_bytes().to_vec();
        for (i, (table, att, ty, format)) in cols.iter().enumerate() {
            b.extend_from_slice(format!("c{i}\0").as_bytes());
            b.extend_from_slice(&table.to_be_bytes());
            b.extend_from_slice(&att.to_be_bytes());
            b.extend_from_slice(&ty.to_be_bytes());
            b.extend_from_slice(&[0; 6]);
            b.extend_from_slice(&format.to_be_bytes());
        }
        message(b'T', &b)
    }

    fn row_description(types: &[u32]) -> Vec<u8> {
        let cols: Vec<_> = types.iter().map(|t| (0, 0, *t, 0)).collect();
        described(&cols)
    }

    fn replaced(o: Out) -> Vec<u8> {
        match o {
            Out::Replace(m) => m,
            other => panic!("expected a rewrite, got {other:?}"),
        }
    }

    #[test]
    fn data_rows_are_rebuilt_with_correct_lengths() {
        let m = masker();
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        assert_eq!(
            w.on_backend(&row_description(&[23, 25, 25]), &mut c)
                .unwrap(),
            Out::Keep
        );
        let row = data_row(&[Some(b"123456789"), None, Some(b"ssn 123-45-6789")]);
        let out = replaced(w.on_backend(&row, &mut c).unwrap());
        // The int4 column is a number, not an SSN; the text column is masked.
        assert_eq!(
            out,
            data_row(&[Some(b"123456789"), None, Some(b"ssn [redacted:ssn]")])
        );
        assert_eq!(c.0["ssn"], 1);
        let clean = data_row(&[Some(b"1"), Some(b"x"), Some(b"y")]);
        assert_eq!(w.on_backend(&clean, &mut c).unwrap(), Out::Keep);
    }

    #[test]
    fn rows_without_a_description_are_never_forwarded() {
        let m = masker();
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        assert!(w.on_backend(&data_row(&[Some(b"x")]), &mut c).is_err());
        w.on_backend(&row_description(&[25]), &mut c).unwrap();
        assert!(
            w.on_backend(&data_row(&[Some(b"x"), Some(b"y")]), &mut c)
                .is_err(),
            "more values than described"
        );
        w.on_backend(&message(b'Z', b"I"), &mut c).unwrap();
        assert!(w.on_backend(&data_row(&[Some(b"x")]), &mut c).is_err());
        // An answer to nothing the gateway relayed means the tracking is lost: fail closed.
        assert!(w.on_backend(&message(b'1', b""), &mut c).is_err());
    }

    #[test]
    fn an_execute_is_masked_by_the_description_the_gateway_asked_for() {
        let m = masker();
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        // Cycle 1: Parse + Describe(statement) + Sync; the client sees its description.
        w.expect([Expect::Parse, Expect::Describe, Expect::Sync]);
        for msg in [message(b'1', b""), message(b't', b"\0\0")] {
            assert_eq!(w.on_backend(&msg, &mut c).unwrap(), Out::Keep);
        }
        let stmt = described(&[(0, 0, 25, 0), (0, 0, 20, 0)]);
        assert_eq!(w.on_backend(&stmt, &mut c).unwrap(), Out::Keep);
        w.on_backend(&message(b'Z', b"I"), &mut c).unwrap();
        // Cycle 2: Bind (binary results) + [gateway's Describe] + Execute + Sync.
        w.expect([
            Expect::Bind,
            Expect::Injected,
            Expect::Execute,
            Expect::Sync,
        ]);
        w.on_backend(&message(b'2', b""), &mut c).unwrap();
        let portal = described(&[(0, 0, 25, 1), (0, 0, 20, 1)]);
        assert_eq!(w.on_backend(&portal, &mut c).unwrap(), Out::Drop);
        // A binary int8 whose bytes happen to spell digits is a number: left alone.
        let row = data_row(&[Some(b"123-45-6789"), Some(b"12345678")]);
        let out = replaced(w.on_backend(&row, &mut c).unwrap());
        assert_eq!(out, data_row(&[Some(b"[redacted:ssn]"), Some(b"12345678")]));
        w.on_backend(&message(b'C', b"SELECT 1\0"), &mut c).unwrap();
        w.on_backend(&message(b'Z', b"I"), &mut c).unwrap();
        assert!(w.expect.is_empty());
        // An error skips the rest of the batch; ReadyForQuery clears it.
        w.expect([
            Expect::Bind,
            Expect::Injected,
            Expect::Execute,
            Expect::Sync,
        ]);
        w.on_backend(&message(b'E', b"SERROR\0C22P02\0Mbad\0\0"), &mut c)
            .unwrap();
        w.on_backend(&message(b'Z', b"I"), &mut c).unwrap();
        assert!(w.expect.is_empty());
    }

    #[test]
    fn column_rules_replace_values_with_valid_values_of_their_type() {
        let rules = [ColumnRule {
            column: "public.patients.*".into(),
            action: Action::Redact,
        }];
        let m = masker().with_columns(&rules, &[]);
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        let names = |n: &str| vec![format!("public.patients.{n}")];
        let cols: Columns = [(1, names("name")), (2, names("dob")), (3, names("doc"))]
            .into_iter()
            .chain([(4, names("photo")), (5, names("notes"))])
            .collect();
        let t = described(&[
            (7, 1, 25, 1),   // text, binary
            (7, 2, 1082, 1), // date, binary
            (7, 3, 3802, 1), // jsonb, binary
            (7, 4, 17, 0),   // bytea, text
            (7, 5, 1009, 0), // text[], text
            (8, 1, 25, 0),   // another table: content only
        ]);
        let mut unknown = Vec::new();
        w.relations_to_look_up(&t, &mut unknown);
        assert_eq!(unknown, vec![7, 8]);
        let other: Columns = [(1, vec!["public.other.x".to_string()])].into();
        w.learn(&unknown, HashMap::from([(7, cols), (8, other)]));
        w.relations_to_look_up(&t, &mut unknown);
        assert!(unknown.is_empty(), "{unknown:?}");
        w.on_backend(&t, &mut c).unwrap();
        let row = data_row(&[
            Some(b"Ada Lovelace"),
            Some(&[0, 0, 0x1b, 0x3a]),
            Some(b"\x01{\"a\": 1}"),
            Some(b"\\x616461"),
            Some(b"{x}"),
            Some(b"Ada Lovelace"),
        ]);
        let out = replaced(w.on_backend(&row, &mut c).unwrap());
        assert_eq!(
            out,
            data_row(&[
                Some(b"[redacted]"),
                None,
                Some(b"\x01\"[redacted]\""),
                Some(format!("\\x{}", hex::encode("[redacted]")).as_bytes()),
                None,
                Some(b"Ada Lovelace"),
            ])
        );
        assert_eq!(c.0["public.patients.*"], 5);
        w.on_backend(&message(b'C', b"SELECT 1\0"), &mut c).unwrap();
        w.on_backend(&message(b'Z', b"I"), &mut c).unwrap();

        // DDL earlier in a batch: the descriptions after it are looked up again. In an open
        // transaction the catalog cannot see a rename yet, so such a result ends the session.
        let alter = message(b'C', b"ALTER TABLE\0");
        w.relations_to_look_up(&[alter.clone(), t.clone()].concat(), &mut unknown);
        assert_eq!(unknown, vec![7, 8]);
        w.on_backend(&alter, &mut c).unwrap();
        assert!(w.on_backend(&t, &mut c).is_err());
        w.on_backend(&message(b'Z', b"I"), &mut c).unwrap();
        w.learn(&[7, 8], HashMap::new());
        // Committed, but the relations are gone (or not yet visible): no name, no pass.
        assert!(w.on_backend(&t, &mut c).is_err());
        // A column the cached relation lacks is asked once per cycle, then it is an error.
        let mut w = WireMasker::new(w.masker.clone());
        w.learn(
            &[7, 8],
            HashMap::from([(7, Columns::new()), (8, Columns::new())]),
        );
        w.on_backend(&message(b'Z', b"I"), &mut c).unwrap();
        w.relations_to_look_up(&t, &mut unknown);
        assert_eq!(unknown, vec![7, 8]);
        w.learn(&unknown, HashMap::new());
        w.relations_to_look_up(&t, &mut unknown);
        assert!(unknown.is_empty());
        assert!(w.on_backend(&t, &mut c).is_err());
    }

    #[test]
    fn copies_are_probed_and_refused_when_their_columns_are_unknown() {
        let rules = [ColumnRule {
            column: "public.p.name".into(),
            action: Action::Redact,
        }];
        let m = masker().with_columns(&rules, &[]);
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        let opts = CopyOpts {
            layout: Layout::Text,
            header: false,
            custom: false,
        };
        let probe = [
            Expect::ProbeParse { synced: true },
            Expect::ProbeDescribe { opts, synced: true },
            Expect::ProbeSync,
        ];
        w.expect(probe);
        w.expect([Expect::Query]);
        let t = described(&[(5, 1, 25, 0), (0, 0, 23, 0)]);
        w.learn(
            &[5],
            HashMap::from([(5, Columns::from([(1, vec!["public.p.name".into()])]))]),
        );
        for (msg, out) in [
            (message(b'1', b""), Out::Drop),
            (message(b't', b"\0\0"), Out::Drop),
            (t, Out::Drop),
            (message(b'Z', b"I"), Out::Drop),
            (message(b'H', &[0, 0, 2, 0, 0, 0, 0]), Out::Keep),
        ] {
            assert_eq!(w.on_backend(&msg, &mut c).unwrap(), out);
        }
        let row = w
            .on_backend(&message(b'd', b"Ada\\tL\t7\n"), &mut c)
            .unwrap();
        assert_eq!(row, Out::Replace(message(b'd', b"[redacted]\t7\n")));
        w.on_backend(&message(b'c', b""), &mut c).unwrap();
        w.on_backend(&message(b'C', b"COPY 1\0"), &mut c).unwrap();
        w.on_backend(&message(b'Z', b"I"), &mut c).unwrap();
        assert!(w.expect.is_empty());
        // A probe that fails (the target could not describe the source): the error and the
        // probe's ReadyForQuery are the gateway's; the COPY is refused, its rows dropped.
        w.expect(probe);
        w.expect([Expect::Query]);
        let err = message(b'E', b"SERROR\0C42601\0Msyntax\0\0");
        for (msg, out) in [
            (err, Out::Drop),
            (message(b'Z', b"I"), Out::Drop),
            (message(b'H', &[0, 0, 1, 0, 0]), Out::Drop),
            (message(b'd', b"Ada\n"), Out::Drop),
            (message(b'c', b""), Out::Drop),
        ] {
            assert_eq!(w.on_backend(&msg, &mut c).unwrap(), out);
        }
        let Out::Replace(e) = w.on_backend(&message(b'C', b"COPY 1\0"), &mut c).unwrap() else {
            panic!("the COPY's completion becomes an error");
        };
        assert_eq!(e[0], b'E');
        assert_eq!(
            w.on_backend(&message(b'Z', b"I"), &mut c).unwrap(),
            Out::Keep
        );
        assert_eq!(c.0["copy_refused"], 1);
    }

    #[test]
    fn binary_values_with_inner_lengths_become_null_rather_than_corrupt() {
        let m = masker();
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        w.on_backend(&described(&[(0, 0, 1009, 1), (0, 0, 1009, 1)]), &mut c)
            .unwrap();
        // text[] in binary: ndim, flags, element type, dims, then (length, bytes) per element.
        let array = |v: &[u8]| {
            let mut a = vec![0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 25, 0, 0, 0, 1, 0, 0, 0, 1];
            a.extend_from_slice(&(v.len() as i32).to_be_bytes());
            a.extend_from_slice(v);
            a
        };
        let (dirty, clean) = (array(b"123-45-6789"), array(b"nothing"));
        let row = data_row(&[Some(&dirty), Some(&clean)]);
        let out = replaced(w.on_backend(&row, &mut c).unwrap());
        assert_eq!(out, data_row(&[None, Some(&clean)]));
        assert_eq!(c.0["ssn"], 1);
    }

    #[test]
    fn batches_are_copied_only_from_the_first_rewrite() {
        let m = masker();
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        w.on_backend(&row_description(&[25]), &mut c).unwrap();
        let clean = data_row(&[Some(b"x")]);
        let dirty = data_row(&[Some(b"123-45-6789")]);
        let mut out = None;
        let batch = [clean.clone(), clean.clone()].concat();
        w.push(&batch, 0, clean.len(), &mut out, &mut c).unwrap();
        w.push(&batch, clean.len(), clean.len(), &mut out, &mut c)
            .unwrap();
        assert!(out.is_none(), "an unchanged batch is forwarded as it is");
        let batch = [clean.clone(), dirty.clone(), clean.clone()].concat();
        let mut at = 0;
        for len in [clean.len(), dirty.len(), clean.len()] {
            w.push(&batch, at, len, &mut out, &mut c).unwrap();
            at += len;
        }
        let masked = data_row(&[Some(b"[redacted:ssn]")]);
        assert_eq!(out, Some([clean.clone(), masked, clean].concat()));
        assert!(w.push(&batch, at, 5, &mut out, &mut c).is_err());
        // A batch whose only message is the gateway's own answer forwards nothing.
        w.expect([Expect::Injected]);
        let t = row_description(&[25]);
        let mut out = None;
        w.push(&t, 0, t.len(), &mut out, &mut c).unwrap();
        assert_eq!(out, Some(Vec::new()));
    }

    #[test]
    fn values_in_other_encodings_are_inspected_too() {
        let m = masker();
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        w.on_backend(&row_description(&[25]), &mut c).unwrap();
        // LATIN1 "José" (0xE9 is not UTF-8 on its own) next to an SSN.
        let row = data_row(&[Some(b"Jos\xe9 123-45-6789")]);
        let out = replaced(w.on_backend(&row, &mut c).unwrap());
        assert_eq!(out, data_row(&[Some(b"Jos\xe9 [redacted:ssn]")]));
    }

    #[test]
    fn malformed_rows_are_errors_not_passthrough() {
        let m = masker();
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        w.on_backend(&row_description(&[25]), &mut c).unwrap();
        for bad in [
            message(b'D', &[0, 1, 0, 0, 0, 9, b'1']), // value shorter than its length
            message(b'D', &[0, 1, 0, 0, 0, 1, b'1', 9]), // trailing bytes
            message(b'D', &[0xff, 0xff]),             // negative count
            message(b'E', b"Mno terminator"),
            message(b'T', b"\0\x01c0\0\0"), // truncated description
        ] {
            assert!(w.on_backend(&bad, &mut c).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn errors_notices_notifications_and_copy_rows_are_masked() {
        let m = masker();
        let mut w = WireMasker::new(Arc::new(m));
        let mut c = Counts::default();
        let err = message(
            b'E',
            b"SERROR\0C23505\0Mduplicate key\0DKey (ssn)=(123-45-6789) already exists.\0\0",
        );
        let out = replaced(w.on_backend(&err, &mut c).unwrap());
        assert!(!out.windows(11).any(|x| x == b"123-45-6789"));
        assert_eq!(
            u32::from_be_bytes([out[1], out[2], out[3], out[4]]) as usize,
            out.len() - 1
        );
        let fast = message(b'V', b"\0\0\0\x0b123-45-6789");
        let out = replaced(w.on_backend(&fast, &mut c).unwrap());
        assert_eq!(out, message(b'V', b"\0\0\0\x0e[redacted:ssn]"));
        let notify = message(b'A', b"\0\0\0\x07chan\0patient 123-45-6789\0");
        let out = replaced(w.on_backend(&notify, &mut c).unwrap());
        assert!(out.ends_with(b"patient [redacted:ssn]\0"));
        w.on_backend(&message(b'H', &[0, 0, 1, 0, 0]), &mut c)
            .unwrap();
        let row = replaced(
            w.on_backend(&message(b'd', b"1\t123-45-6789\n"), &mut c)
                .unwrap(),
        );
        assert_eq!(row, message(b'd', b"1\t[redacted:ssn]\n"));
        w.on_backend(&message(b'c', b""), &mut c).unwrap();
        // Binary COPY: header, one tuple with an int4 and a text, trailer.
        w.on_backend(&message(b'H', &[1, 0, 2, 0, 1, 0, 1]), &mut c)
            .unwrap();
        let mut b = b"PGCOPY\n\xff\r\n\0".to_vec();
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
        b.extend_from_slice(&[0, 2, 0, 0, 0, 4, 0, 0, 0, 7, 0, 0, 0, 11]);
        b.extend_from_slice(b"123-45-6789");
        b.extend_from_slice(&[0xff, 0xff]);
        let out = replaced(w.on_backend(&message(b'd', &b), &mut c).unwrap());
        assert!(!out.windows(11).any(|x| x == b"123-45-6789"));
        assert!(out.windows(16).any(|x| x == b"[redacted:ssn]\xff\xff"));
    }
}
