//! The tamper-evident audit chain, as a contract: how an event is hashed, what a checkpoint
//! signs, the export format, and the offline check behind `hoopctl audit verify`.
//!
//! Every event's `hash` is SHA-256 over its predecessor's hash (32 bytes; [`GENESIS`] before
//! the first) and the event's contents as a canonical JSON array ([`ChainedEvent::content`]).
//! Editing, removing, inserting or reordering an event breaks the link at that event. A
//! checkpoint signs one event's id and hash with the gateway's Ed25519 key, so a chain rewritten
//! from some event onward no longer matches the next checkpoint. Sans-IO: the gateway writes
//! it, anyone holding the public key checks an export with nothing else.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Names the format, in export headers and in what a checkpoint signs.
pub const FORMAT: &str = "hoopctl-audit/1";

/// The predecessor of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An audit event with its place in the chain: every stored column, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainedEvent {
    /// Position in the store's one total order.
    pub id: i64,
    /// Unix milliseconds.
    pub time: i64,
    /// What happened.
    pub kind: String,
    /// Who.
    pub identity: Option<String>,
    /// Under which grant.
    pub grant_id: Option<String>,
    /// Against which connection.
    pub connection: Option<String>,
    /// Which proxied session.
    pub session_id: Option<String>,
    /// The statement's number in its session.
    pub seq: Option<i64>,
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
    /// Workload provenance (JSON text), as stored.
    pub provenance: Option<String>,
    /// The hash of the event before it (hex).
    pub prev_hash: String,
    /// This event's hash (hex).
    pub hash: String,
}

impl ChainedEvent {
    /// The bytes hashed for this event: its contents (not its id, which the order gives, nor
    /// its hashes) as a JSON array.
    pub fn content(&self) -> Vec<u8> {
        let fields = (
            self.time,
            &self.kind,
            &self.identity,
            &self.grant_id,
            &self.connection,
            &self.session_id,
            self.seq,
            &self.statement,
            &self.outcome,
            self.rows,
            self.duration_ms,
            &self.detail,
            &self.provenance,
        );
        // A tuple of strings, integers and options always serializes.
        serde_json::to_vec(&fields).unwrap_or_default()
    }

    /// The hash this event has after `prev_hash` (hex), or `None` when `prev_hash` is not a
    /// 64-digit hex string.
    pub fn link(&self, prev_hash: &str) -> Option<String> {
        let prev = hex::decode(prev_hash).ok().filter(|p| p.len() == 32)?;
        let mut h = Sha256::new();
        h.update(&prev);
        h.update(self.content());
        Some(hex::encode(h.finalize()))
    }
}

/// A signed statement that the chain reached event `event_id` with hash `event_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checkpoint {
    /// The last event it covers.
    pub event_id: i64,
    /// That event's hash.
    pub event_hash: String,
    /// When it was signed (unix ms).
    pub time: i64,
    /// Which key signed it ([`key_id`]).
    pub key_id: String,
    /// Ed25519 signature of [`Checkpoint::message`], base64.
    pub signature: String,
}

impl Checkpoint {
    /// What the signature covers.
    pub fn message(event_id: i64, event_hash: &str, time: i64) -> Vec<u8> {
        format!("{FORMAT} checkpoint\nevent {event_id}\nhash {event_hash}\ntime {time}\n")
            .into_bytes()
    }

    /// Whether the signature is `public_key`'s (raw 32-byte Ed25519).
    pub fn verifies(&self, public_key: &[u8]) -> bool {
        signed_by(
            &Self::message(self.event_id, &self.event_hash, self.time),
            &self.signature,
            public_key,
        )
    }
}

/// Whether `signature` (base64) is `public_key`'s (raw 32-byte Ed25519) over `message`.
fn signed_by(message: &[u8], signature: &str, public_key: &[u8]) -> bool {
    let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(signature) else {
        return false;
    };
    aws_lc_rs::signature::UnparsedPublicKey::new(&aws_lc_rs::signature::ED25519, public_key)
        .verify(message, &sig)
        .is_ok()
}

/// An export's signed trailer: which events the gateway put in it. Checkpoints alone cannot
/// tell a whole export from one cut after any checkpoint, cut at the start, or emptied; the
/// manifest can, and a file cut off at the end loses the manifest itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The `since` the export was asked for (unix ms), if any.
    pub since: Option<i64>,
    /// The chain's head the export runs to: the event its newest checkpoint covers (0 before
    /// the first event).
    pub head: i64,
    /// That event's hash ([`GENESIS`] before the first event).
    pub head_hash: String,
    /// The first event exported (none: no event at or after `since`).
    pub first: Option<i64>,
    /// The hash before the first event.
    pub first_prev: Option<String>,
    /// How many events were exported.
    pub count: i64,
    /// When (unix ms).
    pub exported_at: i64,
    /// Which key signed it ([`key_id`]).
    pub key_id: String,
    /// Ed25519 signature of [`Manifest::message`], base64.
    pub signature: String,
}

impl Manifest {
    /// The (unsigned) manifest of `events`, an export from `since` up to the checkpointed
    /// `head`.
    pub fn describe(
        since: Option<i64>,
        head: (i64, &str),
        events: &[ChainedEvent],
        exported_at: i64,
    ) -> Manifest {
        Manifest {
            since,
            head: head.0,
            head_hash: head.1.to_string(),
            first: events.first().map(|e| e.id),
            first_prev: events.first().map(|e| e.prev_hash.clone()),
            count: events.len() as i64,
            exported_at,
            key_id: String::new(),
            signature: String::new(),
        }
    }

    /// What the signature covers: every field but the signature and key id.
    pub fn message(&self) -> Vec<u8> {
        let opt = |v: Option<i64>| v.map_or_else(|| "-".to_string(), |v| v.to_string());
        format!(
            "{FORMAT} export\nsince {}\nhead {}\nhead_hash {}\nfirst {}\nfirst_prev {}\ncount {}\ntime {}\n",
            opt(self.since),
            self.head,
            self.head_hash,
            opt(self.first),
            self.first_prev.as_deref().unwrap_or("-"),
            self.count,
            self.exported_at,
        )
        .into_bytes()
    }

    /// Whether the signature is `public_key`'s.
    pub fn verifies(&self, public_key: &[u8]) -> bool {
        signed_by(&self.message(), &self.signature, public_key)
    }
}

/// A short, stable name for a public key: the first 16 hex digits of its SHA-256.
pub fn key_id(public_key: &[u8]) -> String {
    hex::encode(Sha256::digest(public_key))[..16].to_string()
}

/// One line of a JSON-lines export.
// Nearly every record is an event: boxing them would cost an allocation each for nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    /// First line: what the file is.
    Header {
        /// [`FORMAT`].
        format: String,
        /// The signing key's id (the key itself must come from elsewhere to mean anything).
        key_id: String,
        /// When it was exported (unix ms).
        exported_at: i64,
    },
    /// An event.
    Event(ChainedEvent),
    /// A checkpoint.
    Checkpoint(Checkpoint),
    /// Last line: the signed manifest.
    Manifest(Manifest),
}

/// What a successful check covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// Events checked.
    pub events: usize,
    /// First and last event id (none when the export is empty).
    pub first: Option<i64>,
    /// Last event id.
    pub last: Option<i64>,
    /// Checkpoints whose signatures verified.
    pub checkpoints: usize,
    /// The signed manifest's `since` (unix ms).
    pub since: Option<i64>,
    /// The chain's head at export.
    pub head: i64,
    /// When it was exported (unix ms).
    pub exported_at: i64,
}

/// Why an export does not verify: the first bad event (or checkpoint) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Broken(pub String);

/// Checks an export: every event links to the one before it and matches its own hash, every
/// checkpoint is signed by `public_key` and matches the event it names, the last event is
/// covered by a checkpoint, and the file ends with a signed [`Manifest`] naming exactly the
/// events it holds. Reports the first problem in event order.
pub fn verify(records: &[Record], public_key: &[u8]) -> Result<Verified, Broken> {
    let bad = |m: String| Err(Broken(m));
    let manifest = match records.last() {
        Some(Record::Manifest(m)) => m,
        _ => {
            return bad(
                if records.iter().any(|r| matches!(r, Record::Manifest(_))) {
                    "records follow the export manifest, which must be last: the file was appended to"
                    .to_string()
                } else {
                    "the export has no signed manifest at its end: the file was cut off (or is not a whole export; export again)"
                    .to_string()
                },
            );
        }
    };
    if records[..records.len() - 1]
        .iter()
        .any(|r| matches!(r, Record::Manifest(_)))
    {
        return bad("the export holds more than one manifest: files were joined".to_string());
    }
    if !manifest.verifies(public_key) {
        return bad(format!(
            "the export manifest's signature does not verify with this public key (key {})",
            manifest.key_id
        ));
    }
    let mut checkpoints: std::collections::BTreeMap<i64, Vec<&Checkpoint>> = Default::default();
    for r in records {
        if let Record::Checkpoint(c) = r {
            checkpoints.entry(c.event_id).or_default().push(c);
        }
    }
    let mut signed = 0;
    let mut last: Option<&ChainedEvent> = None;
    let mut first = None;
    let mut covered_to = None;
    let mut events = 0;
    for r in records {
        let Record::Event(e) = r else { continue };
        events += 1;
        first.get_or_insert(e.id);
        if let Some(p) = last {
            if e.id <= p.id {
                return bad(format!(
                    "event {}: comes after event {} (events were reordered)",
                    e.id, p.id
                ));
            }
            if e.id != p.id + 1 {
                return bad(format!(
                    "event {}: follows event {}; the events between them are missing or out of order",
                    e.id, p.id
                ));
            }
            if e.prev_hash != p.hash {
                return bad(format!(
                    "event {}: does not follow event {} in the chain (an event was removed, inserted or reordered)",
                    e.id, p.id
                ));
            }
        } else if e.id == 1 && e.prev_hash != GENESIS {
            return bad("event 1: its predecessor should be the chain's start".to_string());
        }
        match e.link(&e.prev_hash) {
            Some(h) if h == e.hash => {}
            Some(_) => {
                return bad(format!(
                    "event {}: its contents do not match its hash (it was edited)",
                    e.id
                ));
            }
            None => return bad(format!("event {}: its prev_hash is not a hash", e.id)),
        }
        for c in checkpoints.get(&e.id).into_iter().flatten() {
            if !c.verifies(public_key) {
                return bad(format!(
                    "checkpoint at event {}: its signature does not verify with this public key (key {})",
                    e.id, c.key_id
                ));
            }
            if c.event_hash != e.hash {
                let from = covered_to.map_or(first.unwrap_or(e.id), |c: i64| c + 1);
                return bad(format!(
                    "events {from}..{}: the chain does not match the checkpoint signed at event {} (the log was rewritten from some event in that range)",
                    e.id, e.id
                ));
            }
            signed += 1;
            covered_to = Some(e.id);
        }
        last = Some(e);
    }
    if let Some(l) = last
        && covered_to != Some(l.id)
    {
        let from = covered_to.map_or(first.unwrap_or(l.id), |c| c + 1);
        return bad(format!(
            "events {from}..{}: not covered by a signed checkpoint (export again: an export ends with a checkpoint)",
            l.id
        ));
    }
    for (id, cs) in &checkpoints {
        let inside = first.is_some_and(|f| *id >= f) && last.is_some_and(|l| *id <= l.id);
        if !inside && cs.iter().any(|c| !c.verifies(public_key)) {
            return bad(format!(
                "checkpoint at event {id}: its signature does not verify with this public key"
            ));
        }
    }
    check_manifest(manifest, records, events, first, last)?;
    Ok(Verified {
        events,
        first,
        last: last.map(|l| l.id),
        checkpoints: signed,
        since: manifest.since,
        head: manifest.head,
        exported_at: manifest.exported_at,
    })
}

/// Whether the (chain-checked) events are the ones the signed manifest names.
fn check_manifest(
    m: &Manifest,
    records: &[Record],
    count: usize,
    first: Option<i64>,
    last: Option<&ChainedEvent>,
) -> Result<(), Broken> {
    let bad = |m: String| Err(Broken(m));
    let range = match m.first {
        Some(f) => format!("events {f}..{} ({} events)", m.head, m.count),
        None => "no events".to_string(),
    };
    match (m.first, first.zip(last)) {
        (None, None) => {}
        (Some(f), None) => {
            return bad(format!(
                "events {f}..{}: the gateway exported them, the file holds no events (they were cut)",
                m.head
            ));
        }
        (None, Some((a, _))) => {
            return bad(format!(
                "event {a}: the gateway exported no events, the file holds some (they were added)"
            ));
        }
        (Some(f), Some((a, l))) => {
            if a > f {
                return bad(format!(
                    "events {f}..{}: cut from the start of the export (the gateway exported {range})",
                    a - 1
                ));
            }
            if a < f {
                return bad(format!(
                    "event {a}: the gateway's export starts at event {f}, so events were added before it"
                ));
            }
            if l.id < m.head {
                return bad(format!(
                    "events {}..{}: cut from the end of the export (the gateway exported {range})",
                    l.id + 1,
                    m.head
                ));
            }
            if l.id > m.head {
                return bad(format!(
                    "event {}: past the head the gateway exported ({}), so events were added",
                    m.head + 1,
                    m.head
                ));
            }
            let first_prev = records.iter().find_map(|r| match r {
                Record::Event(e) => Some(&e.prev_hash),
                _ => None,
            });
            if first_prev != m.first_prev.as_ref() || l.hash != m.head_hash {
                return bad(format!(
                    "event {a}: the export's chain is not the one the gateway exported (its manifest names other hashes)"
                ));
            }
        }
    }
    if count as i64 != m.count {
        return bad(format!(
            "the export holds {count} events, its manifest says {}",
            m.count
        ));
    }
    Ok(())
}

/// How a later export continues an earlier one (see [`extends`]).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Continuity {
    /// Events in both exports, all identical.
    pub shared: usize,
    /// Events only in the later export.
    pub new: usize,
}

/// Checks that `later` continues `earlier` (both already verified on their own): every event
/// in both is identical, the later export does not end before the earlier one, and when they
/// only meet end to end, the later one's first event follows the earlier one's last. This is
/// what catches a log rewritten, hashes and checkpoints and all, while the gateway was stopped:
/// the earlier export still holds what was signed then.
pub fn extends(earlier: &[Record], later: &[Record]) -> Result<Continuity, Broken> {
    let events = |rs: &[Record]| -> Vec<(i64, String, String)> {
        rs.iter()
            .filter_map(|r| match r {
                Record::Event(e) => Some((e.id, e.prev_hash.clone(), e.hash.clone())),
                _ => None,
            })
            .collect()
    };
    let (old, new) = (events(earlier), events(later));
    let (Some(old_last), Some(new_first), Some(new_last)) = (old.last(), new.first(), new.last())
    else {
        return match (old.is_empty(), new.is_empty()) {
            (true, _) => Ok(Continuity {
                shared: 0,
                new: new.len(),
            }),
            (false, _) => Err(Broken(
                "the later export holds no events, the earlier one does: events were removed"
                    .into(),
            )),
        };
    };
    if new_last.0 < old_last.0 {
        return Err(Broken(format!(
            "event {}: the later export ends there, before the earlier one's last event {}: events were removed from the end of the log",
            new_last.0, old_last.0
        )));
    }
    if new_first.0 > old_last.0 + 1 {
        return Err(Broken(format!(
            "events {}..{}: in neither export, so the later one cannot be shown to continue the earlier one (export with an earlier --since)",
            old_last.0 + 1,
            new_first.0 - 1
        )));
    }
    if new_first.0 == old_last.0 + 1 && new_first.1 != old_last.2 {
        return Err(Broken(format!(
            "event {}: does not follow the earlier export's last event {} (the log was rewritten from here on)",
            new_first.0, old_last.0
        )));
    }
    let mut shared = 0;
    let old_by_id: std::collections::HashMap<i64, &String> =
        old.iter().map(|(id, _, h)| (*id, h)).collect();
    for (id, _, h) in &new {
        if let Some(o) = old_by_id.get(id) {
            if *o != h {
                return Err(Broken(format!(
                    "event {id}: differs from the same event in the earlier export (the log was rewritten from here on)"
                )));
            }
            shared += 1;
        }
    }
    Ok(Continuity {
        shared,
        new: new.iter().filter(|(id, _, _)| *id > old_last.0).count(),
    })
}

/// Columns of a CSV export, in order. `record` is `event`, `checkpoint` or `manifest`. An
/// event row fills the columns up to `hash`. A checkpoint row uses `id` for the event it
/// covers, `time`, `hash`, `key_id` and `signature`. The manifest row uses `id` for the head,
/// `time` for when it was exported, `seq` for the first event, `rows` for the count,
/// `duration_ms` for `since`, `prev_hash` for the first event's predecessor, `hash` for the
/// head's hash, `key_id` and `signature`. Every other column of a row is empty.
pub const CSV_COLUMNS: [&str; 19] = [
    "record",
    "id",
    "time",
    "kind",
    "identity",
    "grant_id",
    "connection",
    "session_id",
    "seq",
    "statement",
    "outcome",
    "rows",
    "duration_ms",
    "detail",
    "provenance",
    "prev_hash",
    "hash",
    "key_id",
    "signature",
];

// Column positions, by name.
const C_ID: usize = 1;
const C_TIME: usize = 2;
const C_KIND: usize = 3;
const C_SEQ: usize = 8;
const C_ROWS: usize = 11;
const C_DURATION: usize = 12;
const C_PREV: usize = 15;
const C_HASH: usize = 16;
const C_KEY: usize = 17;
const C_SIG: usize = 18;

/// One CSV value: text is always quoted (so an empty string and a missing value differ: the
/// chain hashes them differently), numbers are bare.
#[derive(Clone, Copy)]
enum Field<'a> {
    Text(&'a str),
    Num(i64),
}

/// The fields of one record's row (the header record has none).
fn csv_fields(r: &Record) -> Option<[Option<Field<'_>>; 19]> {
    use Field::{Num, Text};
    let mut f: [Option<Field<'_>>; 19] = [None; 19];
    match r {
        Record::Header { .. } => return None,
        Record::Event(e) => {
            f = [
                Some(Text("event")),
                Some(Num(e.id)),
                Some(Num(e.time)),
                Some(Text(&e.kind)),
                e.identity.as_deref().map(Text),
                e.grant_id.as_deref().map(Text),
                e.connection.as_deref().map(Text),
                e.session_id.as_deref().map(Text),
                e.seq.map(Num),
                e.statement.as_deref().map(Text),
                e.outcome.as_deref().map(Text),
                e.rows.map(Num),
                e.duration_ms.map(Num),
                e.detail.as_deref().map(Text),
                e.provenance.as_deref().map(Text),
                Some(Text(&e.prev_hash)),
                Some(Text(&e.hash)),
                None,
                None,
            ];
        }
        Record::Checkpoint(c) => {
            f[0] = Some(Text("checkpoint"));
            f[C_ID] = Some(Num(c.event_id));
            f[C_TIME] = Some(Num(c.time));
            f[C_HASH] = Some(Text(&c.event_hash));
            f[C_KEY] = Some(Text(&c.key_id));
            f[C_SIG] = Some(Text(&c.signature));
        }
        Record::Manifest(m) => {
            f[0] = Some(Text("manifest"));
            f[C_ID] = Some(Num(m.head));
            f[C_TIME] = Some(Num(m.exported_at));
            f[C_SEQ] = m.first.map(Num);
            f[C_ROWS] = Some(Num(m.count));
            f[C_DURATION] = m.since.map(Num);
            f[C_PREV] = m.first_prev.as_deref().map(Text);
            f[C_HASH] = Some(Text(&m.head_hash));
            f[C_KEY] = Some(Text(&m.key_id));
            f[C_SIG] = Some(Text(&m.signature));
        }
    }
    Some(f)
}

/// Records as CSV (RFC 4180, a header line first; the header record is not written).
pub fn to_csv(records: &[Record]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for fields in records.iter().filter_map(csv_fields) {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            match f {
                // The record type: a fixed word, bare.
                Some(Field::Text(v)) if i == 0 => out.push_str(v),
                Some(Field::Text(v)) => {
                    out.push('"');
                    out.push_str(&v.replace('"', "\"\""));
                    out.push('"');
                }
                Some(Field::Num(n)) => out.push_str(&n.to_string()),
                None => {}
            }
        }
        out.push_str("\r\n");
    }
    out
}

/// Splits CSV text into rows of fields: `None` for a bare empty field, the text otherwise.
/// Strict: a quote inside a bare field, text after a closing quote, or a carriage return
/// outside quotes that does not end a line is an error, not something to guess about.
fn csv_rows(text: &str) -> Result<Vec<Vec<Option<String>>>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<Option<String>> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut line = 1;
    loop {
        let Some(c) = chars.next() else {
            if quoted || !field.is_empty() || !row.is_empty() {
                row.push((quoted || !field.is_empty()).then(|| std::mem::take(&mut field)));
                rows.push(std::mem::take(&mut row));
            }
            return Ok(rows);
        };
        match c {
            '"' if field.is_empty() && !quoted => {
                quoted = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            field.push('"');
                        }
                        Some('"') => break,
                        Some(c) => {
                            if c == '\n' {
                                line += 1;
                            }
                            field.push(c);
                        }
                        None => return Err(format!("line {line}: a quoted field never ends")),
                    }
                }
                if !matches!(chars.peek(), None | Some(',') | Some('\r') | Some('\n')) {
                    return Err(format!("line {line}: text after a closing quote"));
                }
            }
            '"' => return Err(format!("line {line}: a quote inside a bare field")),
            ',' => {
                row.push((quoted || !field.is_empty()).then(|| std::mem::take(&mut field)));
                quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => {
                return Err(format!(
                    "line {line}: a carriage return outside quotes that does not end the line"
                ));
            }
            '\n' => {
                row.push((quoted || !field.is_empty()).then(|| std::mem::take(&mut field)));
                quoted = false;
                rows.push(std::mem::take(&mut row));
                line += 1;
            }
            c => field.push(c),
        }
    }
}

/// Reads an export: JSON lines, or CSV as [`to_csv`] writes it. Strict both ways: unknown
/// JSON fields, and CSV values in columns a record does not use, are errors (an export is
/// evidence; anything it carries that the check does not cover must not pass unseen).
pub fn parse_export(text: &str) -> Result<Vec<Record>, String> {
    if text.trim_start().starts_with('{') {
        return text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
            .collect();
    }
    let rows = csv_rows(text)?;
    let Some((header, body)) = rows.split_first() else {
        return Ok(Vec::new());
    };
    let names: Vec<&str> = header.iter().map(|h| h.as_deref().unwrap_or("")).collect();
    if names != CSV_COLUMNS {
        return Err(format!(
            "line 1: not a hoopctl audit export (expected the columns {})",
            CSV_COLUMNS.join(",")
        ));
    }
    let mut out = Vec::with_capacity(body.len());
    for (i, r) in body.iter().enumerate() {
        let line = i + 2;
        if r.len() != CSV_COLUMNS.len() {
            return Err(format!(
                "row {line}: {} fields, expected {}",
                r.len(),
                CSV_COLUMNS.len()
            ));
        }
        let text = |c: usize| r[c].clone();
        let num = |c: usize| -> Result<Option<i64>, String> {
            r[c].as_deref()
                .map(|v| {
                    v.parse::<i64>().map_err(|_| {
                        format!("row {line}: {} {v:?} is not a number", CSV_COLUMNS[c])
                    })
                })
                .transpose()
        };
        let need = |c: usize| -> Result<i64, String> {
            num(c)?.ok_or_else(|| format!("row {line}: {} is missing", CSV_COLUMNS[c]))
        };
        let need_text = |c: usize| -> Result<String, String> {
            text(c).ok_or_else(|| format!("row {line}: {} is missing", CSV_COLUMNS[c]))
        };
        let record = match r[0].as_deref() {
            Some("event") => Record::Event(ChainedEvent {
                id: need(C_ID)?,
                time: need(C_TIME)?,
                kind: need_text(C_KIND)?,
                identity: text(4),
                grant_id: text(5),
                connection: text(6),
                session_id: text(7),
                seq: num(C_SEQ)?,
                statement: text(9),
                outcome: text(10),
                rows: num(C_ROWS)?,
                duration_ms: num(C_DURATION)?,
                detail: text(13),
                provenance: text(14),
                prev_hash: need_text(C_PREV)?,
                hash: need_text(C_HASH)?,
            }),
            Some("checkpoint") => Record::Checkpoint(Checkpoint {
                event_id: need(C_ID)?,
                time: need(C_TIME)?,
                event_hash: need_text(C_HASH)?,
                key_id: need_text(C_KEY)?,
                signature: need_text(C_SIG)?,
            }),
            Some("manifest") => Record::Manifest(Manifest {
                head: need(C_ID)?,
                exported_at: need(C_TIME)?,
                first: num(C_SEQ)?,
                count: need(C_ROWS)?,
                since: num(C_DURATION)?,
                first_prev: text(C_PREV),
                head_hash: need_text(C_HASH)?,
                key_id: need_text(C_KEY)?,
                signature: need_text(C_SIG)?,
            }),
            other => {
                return Err(format!(
                    "row {line}: record {other:?} is not event, checkpoint or manifest"
                ));
            }
        };
        // Whatever the record does not use must be empty: nothing in the file goes unchecked.
        if let Some(fields) = csv_fields(&record) {
            for (c, f) in fields.iter().enumerate() {
                match (f, &r[c]) {
                    (None, None) | (Some(_), Some(_)) => {}
                    (None, Some(_)) => {
                        return Err(format!(
                            "row {line}: {} must be empty in {} rows",
                            CSV_COLUMNS[c],
                            r[0].as_deref().unwrap_or("")
                        ));
                    }
                    (Some(_), None) => {
                        return Err(format!("row {line}: {} is missing", CSV_COLUMNS[c]));
                    }
                }
            }
        }
        out.push(record);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};

    fn key() -> Ed25519KeyPair {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pk8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        Ed25519KeyPair::from_pkcs8(pk8.as_ref()).unwrap()
    }

    fn chain(n: i64) -> Vec<ChainedEvent> {
        let mut prev = GENESIS.to_string();
        (1..=n)
            .map(|id| {
                let mut e = ChainedEvent {
                    id,
                    time: 1_000 + id,
                    kind: "query".into(),
                    identity: Some("alice".into()),
                    statement: Some(format!("select {id}")),
                    seq: Some(id),
                    prev_hash: prev.clone(),
                    ..Default::default()
                };
                e.hash = e.link(&prev).unwrap();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn sign(k: &Ed25519KeyPair, e: &ChainedEvent) -> Checkpoint {
        let time = 5_000 + e.id;
        Checkpoint {
            event_id: e.id,
            event_hash: e.hash.clone(),
            time,
            key_id: key_id(k.public_key().as_ref()),
            signature: base64::engine::general_purpose::STANDARD
                .encode(k.sign(&Checkpoint::message(e.id, &e.hash, time)).as_ref()),
        }
    }

    fn export(k: &Ed25519KeyPair, events: &[ChainedEvent], at: &[usize]) -> Vec<Record> {
        let mut out: Vec<Record> = events.iter().cloned().map(Record::Event).collect();
        for &i in at {
            out.push(Record::Checkpoint(sign(k, &events[i])));
        }
        let head = events
            .last()
            .map_or((0, GENESIS), |e| (e.id, e.hash.as_str()));
        out.push(Record::Manifest(manifest(
            k,
            Manifest::describe(None, head, events, 7_000),
        )));
        out
    }

    fn manifest(k: &Ed25519KeyPair, mut m: Manifest) -> Manifest {
        m.key_id = key_id(k.public_key().as_ref());
        m.signature =
            base64::engine::general_purpose::STANDARD.encode(k.sign(&m.message()).as_ref());
        m
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let k = key();
        let pk = k.public_key().as_ref().to_vec();
        let ev = chain(10);
        let v = verify(&export(&k, &ev, &[4, 9]), &pk).unwrap();
        assert_eq!(
            (v.events, v.first, v.last, v.checkpoints),
            (10, Some(1), Some(10), 2)
        );
        // A later slice verifies too: its first event's predecessor is taken as given.
        assert!(verify(&export(&k, &ev[3..], &[6]), &pk).is_ok());
        assert!(verify(&export(&k, &[], &[]), &pk).is_ok());
        let e = verify(&[], &pk).unwrap_err();
        assert!(e.0.contains("no signed manifest"), "{e}");
    }

    /// A log rewritten from event 6 on, with fresh hashes and a fresh signature: it verifies
    /// alone; against an earlier export it is caught, at the first rewritten event.
    #[test]
    fn a_later_export_must_continue_an_earlier_one() {
        let k = key();
        let early = export(&k, &chain(8), &[7]);
        let grown = chain(12);
        let c = extends(&early, &export(&k, &grown, &[11])).unwrap();
        assert_eq!((c.shared, c.new), (8, 4));
        // From a --since inside the earlier range, and end to end.
        assert!(extends(&early, &export(&k, &grown[5..], &[6])).is_ok());
        let c = extends(&early, &export(&k, &grown[8..], &[3])).unwrap();
        assert_eq!((c.shared, c.new), (0, 4));
        // Rewritten from event 6: every hash from there differs.
        let mut rewritten = chain(12);
        rewritten[5].statement = Some("select 'rewritten'".into());
        let mut prev = rewritten[4].hash.clone();
        for e in &mut rewritten[5..] {
            e.prev_hash = prev.clone();
            e.hash = e.link(&prev).unwrap();
            prev = e.hash.clone();
        }
        let pk = k.public_key().as_ref().to_vec();
        let fresh = export(&k, &rewritten, &[11]);
        assert!(verify(&fresh, &pk).is_ok(), "alone, it verifies");
        let e = extends(&early, &fresh).unwrap_err();
        assert!(e.0.starts_with("event 6: differs"), "{e}");
        // End to end after a rewrite of the earlier export's events.
        let e = extends(&early, &export(&k, &rewritten[8..], &[3])).unwrap_err();
        assert!(e.0.starts_with("event 9: does not follow"), "{e}");
        // Cut off at the end, or not meeting at all.
        let e = extends(&early, &export(&k, &grown[..6], &[5])).unwrap_err();
        assert!(e.0.contains("events were removed"), "{e}");
        let e = extends(&early, &export(&k, &grown[10..], &[1])).unwrap_err();
        assert!(e.0.starts_with("events 9..10: in neither export"), "{e}");
        assert!(extends(&early, &[]).is_err());
        assert!(extends(&[], &early).is_ok());
    }

    #[test]
    fn each_kind_of_tampering_names_the_first_bad_event() {
        let k = key();
        let pk = k.public_key().as_ref().to_vec();
        let ev = chain(10);
        let check = |events: Vec<ChainedEvent>, want: &str| {
            let e = verify(&export(&k, &events, &[events.len() - 1]), &pk).unwrap_err();
            assert!(e.0.contains(want), "want {want:?}, got {e}");
        };
        let mut edited = ev.clone();
        edited[3].statement = Some("select 'something else'".into());
        check(edited, "event 4: its contents do not match");
        let mut removed = ev.clone();
        removed.remove(5);
        check(removed, "event 7: follows event 5");
        let mut swapped = ev.clone();
        swapped.swap(2, 3);
        check(swapped, "event 4: follows event 2");
        // Swapped contents under the original ids: the links break.
        let mut relabelled = ev.clone();
        let (a, b) = (relabelled[2].clone(), relabelled[3].clone());
        relabelled[2] = ChainedEvent { id: 3, ..b };
        relabelled[3] = ChainedEvent { id: 4, ..a };
        check(relabelled, "event 3: does not follow event 2");
        // Rewritten from event 6 on, hashes and all: only the signature catches it.
        let mut rewritten = ev.clone();
        rewritten[5].detail = Some("forged".into());
        for i in 5..rewritten.len() {
            let prev = rewritten[i - 1].hash.clone();
            rewritten[i].prev_hash = prev.clone();
            rewritten[i].hash = rewritten[i].link(&prev).unwrap();
        }
        let mut recs = export(&k, &rewritten, &[4]);
        recs.insert(recs.len() - 1, Record::Checkpoint(sign(&k, &ev[9])));
        let e = verify(&recs, &pk).unwrap_err();
        assert!(e.0.contains("events 6..10"), "{e}");
    }

    #[test]
    fn checkpoints_must_be_signed_by_the_key_and_cover_the_end() {
        let k = key();
        let pk = k.public_key().as_ref().to_vec();
        let ev = chain(6);
        let other = key();
        let e = verify(&export(&other, &ev, &[5]), &pk).unwrap_err();
        assert!(e.0.contains("does not verify"), "{e}");
        let e = verify(&export(&k, &ev, &[2]), &pk).unwrap_err();
        assert!(e.0.contains("events 4..6: not covered"), "{e}");
        let e = verify(&export(&k, &ev, &[]), &pk).unwrap_err();
        assert!(e.0.contains("not covered"), "{e}");
        let mut forged = export(&k, &ev, &[5]);
        for r in &mut forged {
            if let Record::Checkpoint(c) = r {
                c.time += 1;
            }
        }
        assert!(
            verify(&forged, &pk).is_err(),
            "the signature covers the time"
        );
    }

    #[test]
    fn csv_keeps_empty_text_apart_from_missing_values() {
        let k = key();
        let pk = k.public_key().as_ref().to_vec();
        let mut ev = chain(3);
        ev[1].detail = Some(String::new());
        ev[1].statement = Some("select 'a, \"b\"'\r\nfrom t".into());
        let mut prev = GENESIS.to_string();
        for e in ev.iter_mut() {
            e.prev_hash = prev.clone();
            e.hash = e.link(&prev).unwrap();
            prev = e.hash.clone();
        }
        let recs = export(&k, &ev, &[2]);
        let csv = to_csv(&recs);
        let back = parse_export(&csv).unwrap();
        assert_eq!(back, recs);
        assert!(verify(&back, &pk).is_ok());
        let edited = csv.replace("select 3", "select 9");
        let e = verify(&parse_export(&edited).unwrap(), &pk).unwrap_err();
        assert!(e.0.contains("event 3: its contents"), "{e}");
        assert!(parse_export("record,id\r\nevent,1\r\n").is_err());
        assert!(parse_export(&csv.replace(",\"alice\",", ",\"ali\"ce\",")).is_err());
    }

    /// Checkpoints cannot tell a whole export from one cut after a checkpoint, at the start,
    /// or emptied; the signed manifest can.
    #[test]
    fn a_cut_joined_or_emptied_export_fails_on_its_manifest() {
        let k = key();
        let pk = k.public_key().as_ref().to_vec();
        let ev = chain(10);
        let whole = export(&k, &ev, &[4, 9]);
        let v = verify(&whole, &pk).unwrap();
        assert_eq!((v.head, v.exported_at, v.since), (10, 7_000, None));
        let check = |recs: Vec<Record>, want: &str| {
            let e = verify(&recs, &pk).unwrap_err();
            assert!(e.0.contains(want), "want {want:?}, got {e}");
        };
        let keep = |f: &dyn Fn(&Record) -> bool| -> Vec<Record> {
            whole.iter().filter(|r| f(r)).cloned().collect()
        };
        // Cut after the checkpoint at event 5: the chain alone is whole and signed.
        check(
            keep(&|r| match r {
                Record::Event(e) => e.id <= 5,
                Record::Checkpoint(c) => c.event_id <= 5,
                _ => true,
            }),
            "events 6..10: cut from the end of the export",
        );
        check(
            keep(&|r| !matches!(r, Record::Event(e) if e.id <= 3)),
            "events 1..3: cut from the start of the export",
        );
        check(
            keep(&|r| !matches!(r, Record::Event(_))),
            "events 1..10: the gateway exported them, the file holds no events",
        );
        check(
            whole[..whole.len() - 1].to_vec(),
            "no signed manifest at its end",
        );
        // Two exports joined, or something appended after the manifest.
        let mut joined = whole.clone();
        joined.extend(export(&k, &chain(12)[10..], &[1]));
        check(joined, "more than one manifest");
        let mut appended = whole.clone();
        appended.push(Record::Checkpoint(sign(&k, &ev[9])));
        check(appended, "records follow the export manifest");
        // A manifest edited to match the cut, or signed by another key.
        let mut forged = keep(&|r| match r {
            Record::Event(e) => e.id <= 5,
            Record::Checkpoint(c) => c.event_id <= 5,
            _ => true,
        });
        if let Some(Record::Manifest(m)) = forged.last_mut() {
            m.head = 5;
            m.head_hash = ev[4].hash.clone();
            m.count = 5;
        }
        check(forged, "manifest's signature does not verify");
        let other = key();
        let mut foreign = whole.clone();
        if let Some(Record::Manifest(m)) = foreign.last_mut() {
            *m = manifest(&other, m.clone());
        }
        check(foreign, "manifest's signature does not verify");
    }

    #[test]
    fn exports_are_read_strictly() {
        let k = key();
        let recs = export(&k, &chain(2), &[1]);
        let csv = to_csv(&recs);
        assert_eq!(parse_export(&csv).unwrap(), recs);
        // A value in a column a checkpoint row does not use.
        let mut lines: Vec<String> = csv.split("\r\n").map(str::to_string).collect();
        let cp = lines
            .iter()
            .position(|l| l.starts_with("checkpoint,"))
            .unwrap();
        lines[cp] = lines[cp].replacen(",,", ",\"hidden\",", 1);
        let e = parse_export(&lines.join("\r\n")).unwrap_err();
        assert!(e.contains("kind must be empty in checkpoint rows"), "{e}");
        // A bare carriage return (one that does not end a line) is not a line break.
        let e = parse_export(&csv.replacen("\r\n", "\r", 2)).unwrap_err();
        assert!(e.contains("carriage return"), "{e}");
        // Key and signature columns of an event row stay empty.
        let ev = csv.lines().find(|l| l.starts_with("event,")).unwrap();
        let e = parse_export(&csv.replace(ev.trim_end(), &format!("{}\"x\"", ev.trim_end())))
            .unwrap_err();
        assert!(e.contains("signature must be empty in event rows"), "{e}");
        // JSON lines: an unknown field anywhere is refused.
        let mut jsonl = String::new();
        for r in &recs {
            jsonl.push_str(&serde_json::to_string(r).unwrap());
            jsonl.push('\n');
        }
        assert_eq!(parse_export(&jsonl).unwrap(), recs);
        for (from, to) in [
            ("\"type\":\"event\",", "\"type\":\"event\",\"note\":\"x\","),
            (
                "\"type\":\"checkpoint\",",
                "\"type\":\"checkpoint\",\"note\":1,",
            ),
            (
                "\"type\":\"manifest\",",
                "\"type\":\"manifest\",\"extra\":null,",
            ),
        ] {
            assert!(jsonl.contains(from), "{from}");
            let e = parse_export(&jsonl.replacen(from, to, 1)).unwrap_err();
            assert!(e.contains("unknown field"), "{from}: {e}");
        }
    }

    #[test]
    fn records_round_trip_as_json_lines() {
        let k = key();
        let ev = chain(2);
        let recs = export(&k, &ev, &[1]);
        for r in &recs {
            let line = serde_json::to_string(r).unwrap();
            assert!(!line.contains('\n'));
            assert_eq!(&serde_json::from_str::<Record>(&line).unwrap(), r);
        }
    }
}
