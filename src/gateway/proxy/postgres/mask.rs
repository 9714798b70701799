//! Masking of the target's messages on their way to the client (sans-IO: one complete backend
//! message in, the message to forward out).
//!
//! Rewritten: DataRow values, ErrorResponse/NoticeResponse fields, NotificationResponse
//! payloads, FunctionCallResponse values, and CopyData rows of `COPY … TO STDOUT` in text, CSV
//! and binary. Every rewritten
//! message is rebuilt with its lengths recomputed. Anything that cannot be parsed is an error:
//! the caller ends the session rather than forward bytes it could not inspect (fail closed).
//!
//! Every value's bytes are inspected whatever the client encoding (the detectors match ASCII):
//! text-format values of any type, and binary values of text-like types (`text`, `varchar`,
//! `bytea`, `json`, `jsonb`'s version byte + text…), which carry their text as it is. Values of
//! numeric, boolean and date/time types are left alone: they cannot hold an identifier's text,
//! and a 9-digit id is not an SSN. Their masking is the job of column rules.

use std::borrow::Cow;

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

const BYTEA: u32 = 17;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Copy {
    Off,
    Text,
    Binary { header_seen: bool },
}

/// Per-session state: the row shape announced by the last RowDescription, and COPY mode.
#[derive(Debug)]
pub struct WireMasker<'m> {
    masker: &'m Masker,
    types: Option<Vec<u32>>,
    copy: Copy,
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

impl<'m> WireMasker<'m> {
    /// A masker for one session.
    pub fn new(masker: &'m Masker) -> Self {
        WireMasker {
            masker,
            types: None,
            copy: Copy::Off,
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

    /// Masks the message at `batch[at..at + len]` into `out`. `out` stays empty while nothing
    /// in the batch is rewritten (the caller then forwards `batch` as it is); the first
    /// rewritten message copies the unchanged ones before it, and every later one follows.
    pub fn push(
        &mut self,
        batch: &[u8],
        at: usize,
        len: usize,
        out: &mut Vec<u8>,
        counts: &mut Counts,
    ) -> Result<(), MaskError> {
        let msg = batch.get(at..at + len).ok_or(MaskError {
            kind: '?',
            why: "outside the read buffer",
        })?;
        match self.on_backend(msg, counts)? {
            Some(m) => {
                if out.is_empty() {
                    out.extend_from_slice(&batch[..at]);
                }
                out.extend_from_slice(&m);
            }
            None if !out.is_empty() => out.extend_from_slice(msg),
            None => {}
        }
        Ok(())
    }

    /// The message to forward in place of `msg` (a complete backend message), or `None` to
    /// forward it unchanged.
    pub fn on_backend(
        &mut self,
        msg: &[u8],
        counts: &mut Counts,
    ) -> Result<Option<Vec<u8>>, MaskError> {
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
        match tag {
            b'T' => {
                let n = r.i16()?;
                let mut types = Vec::with_capacity(n.max(0) as usize);
                for _ in 0..n {
                    r.cstr()?;
                    r.take(6)?; // table oid, attribute number
                    let ty = r.i32()? as u32;
                    r.take(8)?; // typlen, typmod, format
                    types.push(ty);
                }
                self.types = Some(types);
                Ok(None)
            }
            b'D' => self.data_row(r, counts),
            b'E' | b'N' => {
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
                Ok(changed.then(|| message(tag, &out)))
            }
            b'A' => {
                let pid = r.take(4)?;
                let channel = r.cstr()?;
                let payload = r.cstr()?;
                let Some(m) = self.inline(payload, counts) else {
                    return Ok(None);
                };
                let mut out = pid.to_vec();
                out.extend_from_slice(channel);
                out.push(0);
                out.extend_from_slice(&m);
                out.push(0);
                Ok(Some(message(tag, &out)))
            }
            // FunctionCallResponse: the fast path's result (`lo_get`, …) is a value like any other.
            b'V' => {
                let len = r.i32()?;
                if len < 0 {
                    return Ok(None);
                }
                let v = r.take(len as usize)?;
                if !r.b.is_empty() {
                    return Err(r.err("trailing bytes"));
                }
                Ok(self.inline(v, counts).map(|m| {
                    let mut body = (m.len() as i32).to_be_bytes().to_vec();
                    body.extend_from_slice(&m);
                    message(b'V', &body)
                }))
            }
            b'H' => {
                let format = r.take(1)?[0];
                // COPY rows carry no types: every value is inspected.
                self.types = None;
                self.copy = if format == 0 {
                    Copy::Text
                } else {
                    Copy::Binary { header_seen: false }
                };
                Ok(None)
            }
            b'd' => self.copy_data(body, counts),
            b'c' => {
                self.copy = Copy::Off;
                Ok(None)
            }
            // A new cycle may run a portal described in an earlier one: forget the row shape
            // rather than apply the wrong one (without types every value is inspected).
            b'Z' => {
                self.copy = Copy::Off;
                self.types = None;
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    /// A `bytea` in text format (`\x` + hex): its bytes are inspected, not its hex.
    fn hex_bytea(&self, col: usize, v: &[u8]) -> bool {
        let is_bytea = match &self.types {
            Some(t) => t.get(col) == Some(&BYTEA),
            None => true,
        };
        is_bytea
            && v.len() >= 2
            && v.starts_with(b"\\x")
            && v.len().is_multiple_of(2)
            && v[2..].iter().all(u8::is_ascii_hexdigit)
    }

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

    fn maskable(&self, col: usize) -> bool {
        match &self.types {
            Some(t) => t.get(col).is_none_or(|ty| !NON_TEXT_TYPES.contains(ty)),
            None => true,
        }
    }

    /// Rewrites `n` length-prefixed values (DataRow body after its count, or a binary COPY
    /// tuple); `None` when nothing changed.
    fn fields(
        &self,
        r: &mut Reader,
        n: usize,
        counts: &mut Counts,
    ) -> Result<Option<Vec<u8>>, MaskError> {
        let mut out: Option<Vec<u8>> = None;
        let start_len = r.b.len();
        let whole = r.b;
        for col in 0..n {
            let at = start_len - r.b.len();
            let len = r.i32()?;
            if len < 0 {
                if let Some(o) = out.as_mut() {
                    o.extend_from_slice(&len.to_be_bytes());
                }
                continue;
            }
            let v = r.take(len as usize)?;
            let masked = if !self.maskable(col) {
                None
            } else if self.hex_bytea(col, v) {
                self.bytea(v, counts)
            } else {
                self.value(v, counts)
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

    fn data_row(&self, mut r: Reader, counts: &mut Counts) -> Result<Option<Vec<u8>>, MaskError> {
        let n = r.i16()?;
        if n < 0 {
            return Err(r.err("negative column count"));
        }
        let fields = self.fields(&mut r, n as usize, counts)?;
        if !r.b.is_empty() {
            return Err(r.err("trailing bytes"));
        }
        Ok(fields.map(|f| {
            let mut body = n.to_be_bytes().to_vec();
            body.extend_from_slice(&f);
            message(b'D', &body)
        }))
    }

    fn copy_data(
        &mut self,
        body: &[u8],
        counts: &mut Counts,
    ) -> Result<Option<Vec<u8>>, MaskError> {
        match self.copy {
            // Not a COPY this masker saw start: treat as text, the conservative reading.
            Copy::Off | Copy::Text => Ok(self.inline(body, counts).map(|m| message(b'd', &m))),
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
                    match self.fields(&mut r, n as usize, counts)? {
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
    use crate::gateway::masking::{Action, Kind};
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

    fn row_description(types: &[u32]) -> Vec<u8> {
        let mut b = (types.len() as i16).to_be_bytes().to_vec();
        for (i, t) in types.iter().enumerate() {
            b.extend_from_slice(format!("c{i}\0").as_bytes());
            b.extend_from_slice(&[0; 6]);
            b.extend_from_slice(&t.to_be_bytes());
            b.extend_from_slice(&[0; 8]);
        }
        message(b'T', &b)
    }

    #[test]
    fn data_rows_are_rebuilt_with_correct_lengths() {
        let m = masker();
        let mut w = WireMasker::new(&m);
        let mut c = Counts::default();
        assert_eq!(
            w.on_backend(&row_description(&[23, 25, 25]), &mut c)
                .unwrap(),
            None
        );
        let row = data_row(&[Some(b"123456789"), None, Some(b"ssn 123-45-6789")]);
        let out = w.on_backend(&row, &mut c).unwrap().unwrap();
        // The int4 column is a number, not an SSN; the text column is masked.
        assert_eq!(
            out,
            data_row(&[Some(b"123456789"), None, Some(b"ssn [redacted:ssn]")])
        );
        assert_eq!(c.0["ssn"], 1);
        let clean = data_row(&[Some(b"1"), Some(b"x"), Some(b"y")]);
        assert_eq!(w.on_backend(&clean, &mut c).unwrap(), None);
    }

    #[test]
    fn batches_are_copied_only_from_the_first_rewrite() {
        let m = masker();
        let mut w = WireMasker::new(&m);
        let mut c = Counts::default();
        let clean = data_row(&[Some(b"x")]);
        let dirty = data_row(&[Some(b"123-45-6789")]);
        let mut out = Vec::new();
        let batch = [clean.clone(), clean.clone()].concat();
        w.push(&batch, 0, clean.len(), &mut out, &mut c).unwrap();
        w.push(&batch, clean.len(), clean.len(), &mut out, &mut c)
            .unwrap();
        assert!(out.is_empty(), "an unchanged batch is forwarded as it is");
        let batch = [clean.clone(), dirty.clone(), clean.clone()].concat();
        let mut at = 0;
        for len in [clean.len(), dirty.len(), clean.len()] {
            w.push(&batch, at, len, &mut out, &mut c).unwrap();
            at += len;
        }
        let masked = data_row(&[Some(b"[redacted:ssn]")]);
        assert_eq!(out, [clean.clone(), masked, clean].concat());
        assert!(w.push(&batch, at, 5, &mut out, &mut c).is_err());
    }

    #[test]
    fn values_in_other_encodings_are_inspected_too() {
        let m = masker();
        let mut w = WireMasker::new(&m);
        let mut c = Counts::default();
        // LATIN1 "José" (0xE9 is not UTF-8 on its own) next to an SSN.
        let row = data_row(&[Some(b"Jos\xe9 123-45-6789")]);
        let out = w.on_backend(&row, &mut c).unwrap().unwrap();
        assert_eq!(out, data_row(&[Some(b"Jos\xe9 [redacted:ssn]")]));
    }

    #[test]
    fn malformed_rows_are_errors_not_passthrough() {
        let m = masker();
        let mut w = WireMasker::new(&m);
        let mut c = Counts::default();
        for bad in [
            message(b'D', &[0, 1, 0, 0, 0, 9, b'1']), // value shorter than its length
            message(b'D', &[0, 1, 0, 0, 0, 1, b'1', 9]), // trailing bytes
            message(b'D', &[0xff, 0xff]),             // negative count
            message(b'E', b"Mno terminator"),
        ] {
            assert!(w.on_backend(&bad, &mut c).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn errors_notices_notifications_and_copy_rows_are_masked() {
        let m = masker();
        let mut w = WireMasker::new(&m);
        let mut c = Counts::default();
        let err = message(
            b'E',
            b"SERROR\0C23505\0Mduplicate key\0DKey (ssn)=(123-45-6789) already exists.\0\0",
        );
        let out = w.on_backend(&err, &mut c).unwrap().unwrap();
        assert!(!out.windows(11).any(|x| x == b"123-45-6789"));
        assert_eq!(
            u32::from_be_bytes([out[1], out[2], out[3], out[4]]) as usize,
            out.len() - 1
        );
        let fast = message(b'V', b"\0\0\0\x0b123-45-6789");
        let out = w.on_backend(&fast, &mut c).unwrap().unwrap();
        assert_eq!(out, message(b'V', b"\0\0\0\x0e[redacted:ssn]"));
        let notify = message(b'A', b"\0\0\0\x07chan\0patient 123-45-6789\0");
        let out = w.on_backend(&notify, &mut c).unwrap().unwrap();
        assert!(out.ends_with(b"patient [redacted:ssn]\0"));
        w.on_backend(&message(b'H', &[0, 0, 1, 0, 0]), &mut c)
            .unwrap();
        let row = w
            .on_backend(&message(b'd', b"1\t123-45-6789\n"), &mut c)
            .unwrap()
            .unwrap();
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
        let out = w.on_backend(&message(b'd', &b), &mut c).unwrap().unwrap();
        assert!(!out.windows(11).any(|x| x == b"123-45-6789"));
        assert!(out.windows(16).any(|x| x == b"[redacted:ssn]\xff\xff"));
    }
}
