//! Sans-IO PostgreSQL v3 framing: startup packets, typed-message framing with size limits, the
//! few message bodies the proxy reads, and the messages the gateway itself sends.
//!
//! The relay never decodes a message it does not need: [`frame_len`] finds message boundaries
//! from the 5-byte header, and only statements (Q/P/B/E/C) and results (C/E/Z…) are looked into.
//! "Incomplete" is a normal answer (`Ok(None)`), not an error.

use std::fmt;

/// Largest startup packet accepted (PostgreSQL's own limit).
pub const MAX_STARTUP: usize = 10_000;
/// Largest message accepted from a client.
pub const MAX_FRONTEND_MESSAGE: usize = 256 << 20;
/// Largest message accepted from a target (PostgreSQL caps a field at 1 GiB).
pub const MAX_BACKEND_MESSAGE: usize = (1 << 30) + 1024;

const SSL_REQUEST: i32 = 80_877_103;
const GSSENC_REQUEST: i32 = 80_877_104;
const CANCEL_REQUEST: i32 = 80_877_102;

/// Malformed or hostile protocol input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodecError {
    /// A length field below the minimum for its message.
    BadLength(i64),
    /// A message larger than the limit.
    TooLarge(usize),
    /// A body that does not parse.
    Malformed(&'static str),
    /// A protocol version we do not speak.
    Version(u16, u16),
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CodecError::BadLength(n) => write!(f, "invalid message length {n}"),
            CodecError::TooLarge(n) => write!(f, "message of {n} bytes exceeds the limit"),
            CodecError::Malformed(what) => write!(f, "malformed {what}"),
            CodecError::Version(a, b) => write!(
                f,
                "unsupported frontend protocol {a}.{b}: the gateway speaks 3.x"
            ),
        }
    }
}

impl std::error::Error for CodecError {}

/// The first packet of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Startup {
    /// SSLRequest: answered with `N` (the tunnel is already TLS).
    Ssl,
    /// GSSENCRequest: answered with `N`.
    Gss,
    /// CancelRequest for a session.
    Cancel {
        /// Process id the gateway gave the client.
        pid: i32,
        /// Secret key the gateway gave the client.
        key: Vec<u8>,
    },
    /// StartupMessage.
    Startup {
        /// Requested minor version (major is always 3).
        minor: u16,
        /// Parameters in order.
        params: Vec<(String, String)>,
    },
}

fn be_i32(b: &[u8]) -> i32 {
    i32::from_be_bytes([b[0], b[1], b[2], b[3]])
}

/// Decodes a startup-phase packet: `Ok(None)` = need more bytes.
pub fn decode_startup(buf: &[u8]) -> Result<Option<(Startup, usize)>, CodecError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = be_i32(buf);
    if len < 8 {
        return Err(CodecError::BadLength(len as i64));
    }
    let len = len as usize;
    if len > MAX_STARTUP {
        return Err(CodecError::TooLarge(len));
    }
    if buf.len() < len {
        return Ok(None);
    }
    let code = be_i32(&buf[4..8]);
    let body = &buf[8..len];
    let s = match code {
        SSL_REQUEST if len == 8 => Startup::Ssl,
        GSSENC_REQUEST if len == 8 => Startup::Gss,
        CANCEL_REQUEST => {
            if !(12..=8 + 256).contains(&len) {
                return Err(CodecError::Malformed("CancelRequest"));
            }
            Startup::Cancel {
                pid: be_i32(body),
                key: body[4..].to_vec(),
            }
        }
        _ => {
            let major = (code >> 16) as u16;
            let minor = (code & 0xffff) as u16;
            if major != 3 {
                return Err(CodecError::Version(major, minor));
            }
            let mut params = Vec::new();
            let mut rest = body;
            loop {
                let (k, r) = cstr(rest).ok_or(CodecError::Malformed("StartupMessage"))?;
                if k.is_empty() {
                    if !r.is_empty() {
                        return Err(CodecError::Malformed("StartupMessage"));
                    }
                    break;
                }
                let (v, r) = cstr(r).ok_or(CodecError::Malformed("StartupMessage"))?;
                params.push((k.to_string(), v.to_string()));
                rest = r;
            }
            Startup::Startup { minor, params }
        }
    };
    Ok(Some((s, len)))
}

/// Length of the complete typed message at the start of `buf` (tag + length + body), or
/// `Ok(None)` if it has not fully arrived.
pub fn frame_len(buf: &[u8], max: usize) -> Result<Option<usize>, CodecError> {
    if buf.len() < 5 {
        return Ok(None);
    }
    let len = be_i32(&buf[1..5]);
    if len < 4 {
        return Err(CodecError::BadLength(len as i64));
    }
    let total = len as usize + 1;
    if total > max {
        return Err(CodecError::TooLarge(total));
    }
    Ok((buf.len() >= total).then_some(total))
}

/// Splits a NUL-terminated UTF-8 string off the front.
pub fn cstr(b: &[u8]) -> Option<(&str, &[u8])> {
    let nul = b.iter().position(|&c| c == 0)?;
    let s = std::str::from_utf8(&b[..nul]).ok()?;
    Some((s, &b[nul + 1..]))
}

/// Body of a complete message (after tag and length).
pub fn body(msg: &[u8]) -> &[u8] {
    &msg[5..]
}

/// The statements a frontend message carries, as far as the audit needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frontend<'a> {
    /// Simple query.
    Query(&'a str),
    /// Parse: statement name, text.
    Parse(&'a str, &'a str),
    /// Bind: portal, statement, and the rest (formats, parameter values, result formats), for
    /// [`bind_parameters`].
    Bind(&'a str, &'a str, &'a [u8]),
    /// Execute: portal.
    Execute(&'a str),
    /// Close: `S` or `P`, name.
    Close(u8, &'a str),
    /// Describe: `S` or `P`, name.
    Describe(u8, &'a str),
    /// Flush (no response).
    Flush,
    /// FunctionCall (fast-path call by OID; libpq's large-object API uses it).
    FunctionCall(i32),
    /// Sync.
    Sync,
    /// Terminate.
    Terminate,
    /// Anything else (relayed untouched).
    Other,
}

/// Reads the parts of a frontend message the proxy needs.
pub fn parse_frontend(msg: &[u8]) -> Result<Frontend<'_>, CodecError> {
    let b = body(msg);
    Ok(match msg[0] {
        b'Q' => Frontend::Query(cstr(b).ok_or(CodecError::Malformed("Query"))?.0),
        b'P' => {
            let (name, r) = cstr(b).ok_or(CodecError::Malformed("Parse"))?;
            let (q, _) = cstr(r).ok_or(CodecError::Malformed("Parse"))?;
            Frontend::Parse(name, q)
        }
        b'B' => {
            let (portal, r) = cstr(b).ok_or(CodecError::Malformed("Bind"))?;
            let (stmt, rest) = cstr(r).ok_or(CodecError::Malformed("Bind"))?;
            Frontend::Bind(portal, stmt, rest)
        }
        b'E' => Frontend::Execute(cstr(b).ok_or(CodecError::Malformed("Execute"))?.0),
        b'C' => {
            let (&kind, r) = b.split_first().ok_or(CodecError::Malformed("Close"))?;
            Frontend::Close(kind, cstr(r).ok_or(CodecError::Malformed("Close"))?.0)
        }
        b'D' => {
            let (&kind, r) = b.split_first().ok_or(CodecError::Malformed("Describe"))?;
            Frontend::Describe(kind, cstr(r).ok_or(CodecError::Malformed("Describe"))?.0)
        }
        b'H' => Frontend::Flush,
        b'F' => {
            let oid = b.get(..4).ok_or(CodecError::Malformed("FunctionCall"))?;
            Frontend::FunctionCall(be_i32(oid))
        }
        b'S' => Frontend::Sync,
        b'X' => Frontend::Terminate,
        _ => Frontend::Other,
    })
}

/// Parameter values longer than this are shown to a reviewer by size and digest only.
pub const PARAMETER_SHOWN: usize = 4096;

/// A Bind's parameter values as a reviewer reads them, one per parameter, each unambiguous:
/// `NULL`; a text value as a quoted literal (`'it''s'`), or as an escape-string literal
/// (`E'two\nlines'`) when it holds line breaks, control or invisible formatting characters
/// (so no value can pass for another line of the review); a binary value, or text that is not
/// UTF-8, as hex (`x'00ff'`); a value over [`PARAMETER_SHOWN`] bytes as `<N bytes, sha256 …>`.
/// None of them contains a NUL, so joined with NULs they still say exactly what was bound
/// (the review's digest relies on that).
///
/// `rest` is what follows the Bind's portal and statement names. A list PostgreSQL would
/// refuse is one `<malformed …>` entry rather than an error: the reviewer sees why the values
/// are missing (and the target refuses the Bind, so nothing runs with them).
pub fn bind_parameters(rest: &[u8]) -> Vec<String> {
    fn take<'a>(b: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (h, t) = (b.get(..n)?, b.get(n..)?);
        *b = t;
        Some(h)
    }
    // Counts are unsigned 16-bit, as PostgreSQL reads them (up to 65535 parameters).
    fn count(b: &mut &[u8]) -> Option<usize> {
        take(b, 2).map(|h| usize::from(u16::from_be_bytes([h[0], h[1]])))
    }
    fn read(mut b: &[u8]) -> Option<Vec<String>> {
        let b = &mut b;
        let nformats = count(b)?;
        let mut formats = Vec::with_capacity(nformats.min(b.len() / 2));
        for _ in 0..nformats {
            let f = take(b, 2)?;
            formats.push(match i16::from_be_bytes([f[0], f[1]]) {
                0 => false,
                1 => true,
                _ => return None,
            });
        }
        let n = count(b)?;
        if nformats > 1 && nformats != n {
            return None;
        }
        let mut out = Vec::with_capacity(n.min(b.len() / 4));
        for i in 0..n {
            let binary = match formats.as_slice() {
                [] => false,
                [f] => *f,
                fs => fs[i],
            };
            let len = be_i32(take(b, 4)?);
            if len == -1 {
                out.push("NULL".to_string());
                continue;
            }
            let v = take(b, usize::try_from(len).ok()?)?;
            out.push(parameter_literal(v, binary));
        }
        Some(out)
    }
    read(rest).unwrap_or_else(|| vec!["<malformed parameter list>".to_string()])
}

/// Characters that would let a value pass for something else on a reviewer's terminal:
/// controls (line breaks included), and invisible or direction-changing formatting.
fn deceptive(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

fn parameter_literal(v: &[u8], binary: bool) -> String {
    use sha2::Digest;
    use std::fmt::Write as _;
    if v.len() > PARAMETER_SHOWN {
        return format!(
            "<{} bytes, sha256 {}>",
            v.len(),
            hex::encode(sha2::Sha256::digest(v))
        );
    }
    let text = match std::str::from_utf8(v) {
        Ok(s) if !binary => s,
        _ => return format!("x'{}'", hex::encode(v)),
    };
    if !text.chars().any(deceptive) {
        return format!("'{}'", text.replace('\'', "''"));
    }
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str("E'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if deceptive(c) && u32::from(c) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c if deceptive(c) => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// The message with its statement and portal names replaced by `wire(kind, name)` (`b'S'` for a
/// statement, `b'P'` for a portal): Parse, Bind, Execute, Describe and Close. `None` when no
/// name changes (or the message has none, or is malformed — parsing it has already failed).
pub fn renamed(m: &[u8], wire: &dyn Fn(u8, &str) -> String) -> Option<Vec<u8>> {
    let b = body(m);
    // Which leading C strings are names, and of what.
    let (prefix, kinds): (&[u8], &[u8]) = match m.first()? {
        b'P' => (&[], b"S"),
        b'B' => (&[], b"PS"),
        b'E' => (&[], b"P"),
        b'C' | b'D' => {
            let k = *b.first()?;
            if k != b'S' && k != b'P' {
                return None;
            }
            (&b[..1], if k == b'S' { b"S" } else { b"P" })
        }
        _ => return None,
    };
    let mut rest = &b[prefix.len()..];
    let mut names = Vec::with_capacity(kinds.len());
    let mut changed = false;
    for &k in kinds {
        let (name, r) = cstr(rest)?;
        let w = wire(k, name);
        changed |= w != name;
        names.push(w);
        rest = r;
    }
    if !changed {
        return None;
    }
    let mut out = Vec::with_capacity(b.len() + 64);
    out.extend_from_slice(prefix);
    for n in names {
        out.extend(n.bytes().filter(|&c| c != 0));
        out.push(0);
    }
    out.extend_from_slice(rest);
    Some(msg(m[0], &out))
}

/// One column of a RowDescription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Column name as the client sees it (an alias, if any).
    pub name: Vec<u8>,
    /// OID of the table (or view) the column comes from; 0 for expressions.
    pub table: u32,
    /// Attribute number in that table; 0 for expressions.
    pub attnum: i16,
    /// Type OID.
    pub ty: u32,
    /// 0 text, 1 binary (always 0 in a statement's Describe).
    pub format: i16,
}

/// The columns of a complete RowDescription message.
pub fn row_description(msg: &[u8]) -> Result<Vec<Field>, CodecError> {
    const BAD: CodecError = CodecError::Malformed("RowDescription");
    let mut b = msg.get(5..).ok_or(BAD)?;
    let n = i16::from_be_bytes(b.get(..2).ok_or(BAD)?.try_into().map_err(|_| BAD)?);
    b = &b[2..];
    let mut out = Vec::with_capacity(n.max(0) as usize);
    for _ in 0..n {
        let nul = b.iter().position(|&c| c == 0).ok_or(BAD)?;
        let name = b[..nul].to_vec();
        let f = b.get(nul + 1..nul + 19).ok_or(BAD)?;
        out.push(Field {
            name,
            table: u32::from_be_bytes([f[0], f[1], f[2], f[3]]),
            attnum: i16::from_be_bytes([f[4], f[5]]),
            ty: u32::from_be_bytes([f[6], f[7], f[8], f[9]]),
            format: i16::from_be_bytes([f[16], f[17]]),
        });
        b = &b[nul + 19..];
    }
    if n < 0 || !b.is_empty() {
        return Err(BAD);
    }
    Ok(out)
}

/// Rows from a CommandComplete tag (`SELECT 5`, `INSERT 0 3`, `COPY 2`).
pub fn command_rows(msg: &[u8]) -> Option<i64> {
    let (tag, _) = cstr(body(msg))?;
    tag.rsplit(' ').next()?.parse().ok()
}

/// Whether an ErrorResponse is a plain statement error (severity ERROR), as opposed to FATAL or
/// PANIC, which end the session and are never rewritten.
pub fn is_statement_error(msg: &[u8]) -> bool {
    let mut b = body(msg);
    while let Some((&t, r)) = b.split_first() {
        if t == 0 {
            break;
        }
        let Some((v, r)) = cstr(r) else { break };
        if t == b'V' || t == b'S' {
            return v == "ERROR";
        }
        b = r;
    }
    false
}

/// SQLSTATE and message of an ErrorResponse/NoticeResponse.
pub fn error_fields(msg: &[u8]) -> (String, String) {
    let mut code = String::new();
    let mut message = String::new();
    let mut b = body(msg);
    while let Some((&t, r)) = b.split_first() {
        if t == 0 {
            break;
        }
        let Some((v, r)) = cstr(r) else { break };
        match t {
            b'C' => code = v.to_string(),
            b'M' => message = v.to_string(),
            _ => {}
        }
        b = r;
    }
    (code, message)
}

fn msg(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + body.len());
    out.push(tag);
    out.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
    out.extend_from_slice(body);
    out
}

/// ErrorResponse with severity, SQLSTATE, message and an optional hint.
pub fn error_response(severity: &str, code: &str, message: &str, hint: Option<&str>) -> Vec<u8> {
    report(b'E', severity, code, message, hint)
}

/// NoticeResponse (severity NOTICE, SQLSTATE 00000): psql prints it as it arrives.
pub fn notice_response(message: &str, hint: Option<&str>) -> Vec<u8> {
    report(b'N', "NOTICE", "00000", message, hint)
}

/// The name and value of a ParameterStatus message (`None` for anything else).
pub fn parameter_status(msg: &[u8]) -> Option<(&[u8], &[u8])> {
    if msg.first() != Some(&b'S') {
        return None;
    }
    let b = body(msg);
    let mut parts = b.split(|&c| c == 0);
    Some((parts.next()?, parts.next()?))
}

/// Whether a client encoding puts bytes that look like quotes or backslashes inside multi-byte
/// characters (the encodings PostgreSQL accepts only on the client side). The gateway reads
/// statements as UTF-8; under these, PostgreSQL would find other statement boundaries.
pub fn unsafe_client_encoding(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    matches!(
        n.as_str(),
        "sjis"
            | "shiftjis"
            | "mskanji"
            | "win932"
            | "windows932"
            | "shiftjis2004"
            | "big5"
            | "win950"
            | "windows950"
            | "gbk"
            | "win936"
            | "windows936"
            | "gb18030"
            | "uhc"
            | "win949"
            | "windows949"
            | "johab"
    )
}

/// Why a ParameterStatus makes the session uninspectable, if it does: `standard_conforming_strings`
/// off (backslashes escape in every string), or a client encoding from
/// [`unsafe_client_encoding`]. Statement boundaries would no longer be the gateway's.
pub fn uninspectable(msg: &[u8]) -> Option<&'static str> {
    match parameter_status(msg)? {
        (b"standard_conforming_strings", v) if v != b"on" => {
            Some("standard_conforming_strings is off")
        }
        (b"client_encoding", v)
            if unsafe_client_encoding(std::str::from_utf8(v).unwrap_or("?")) =>
        {
            Some("the client encoding is one the gateway cannot read statements in")
        }
        _ => None,
    }
}

/// Simple Query.
pub fn query(sql: &str) -> Vec<u8> {
    let mut b: Vec<u8> = sql.bytes().filter(|&c| c != 0).collect();
    b.push(0);
    msg(b'Q', &b)
}

/// Execute of `portal`, all rows.
pub fn execute(portal: &str) -> Vec<u8> {
    let mut b: Vec<u8> = portal.bytes().filter(|&c| c != 0).collect();
    b.push(0);
    b.extend_from_slice(&0i32.to_be_bytes());
    msg(b'E', &b)
}

fn report(tag: u8, severity: &str, code: &str, message: &str, hint: Option<&str>) -> Vec<u8> {
    let mut b = Vec::new();
    let mut field = |t: u8, v: &str| {
        b.push(t);
        b.extend(v.bytes().filter(|&c| c != 0));
        b.push(0);
    };
    field(b'S', severity);
    field(b'V', severity);
    field(b'C', code);
    field(b'M', message);
    if let Some(h) = hint {
        field(b'H', h);
    }
    b.push(0);
    msg(tag, &b)
}

/// AuthenticationOk.
pub fn auth_ok() -> Vec<u8> {
    msg(b'R', &0i32.to_be_bytes())
}

/// BackendKeyData (protocol 3.0: 4-byte key).
pub fn backend_key_data(pid: i32, key: i32) -> Vec<u8> {
    let mut b = pid.to_be_bytes().to_vec();
    b.extend_from_slice(&key.to_be_bytes());
    msg(b'K', &b)
}

/// NegotiateProtocolVersion: we speak 3.0 and none of the `_pq_.` options.
pub fn negotiate_protocol_version(unrecognized: &[String]) -> Vec<u8> {
    let mut b = 0i32.to_be_bytes().to_vec();
    b.extend_from_slice(&(unrecognized.len() as i32).to_be_bytes());
    for o in unrecognized {
        b.extend(o.bytes().filter(|&c| c != 0));
        b.push(0);
    }
    msg(b'v', &b)
}

/// A protocol 3.0 StartupMessage (tests and tools that speak to the gateway directly).
pub fn startup_message(params: &[(&str, &str)]) -> Vec<u8> {
    let mut b = 196_608i32.to_be_bytes().to_vec();
    for (k, v) in params {
        b.extend_from_slice(k.as_bytes());
        b.push(0);
        b.extend_from_slice(v.as_bytes());
        b.push(0);
    }
    b.push(0);
    let mut out = ((b.len() + 4) as i32).to_be_bytes().to_vec();
    out.extend(b);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What follows a Bind's names: format codes, values (`None` = NULL), one result format.
    fn bind_rest(formats: &[i16], values: &[Option<&[u8]>]) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend((formats.len() as i16).to_be_bytes());
        for f in formats {
            b.extend(f.to_be_bytes());
        }
        b.extend((values.len() as i16).to_be_bytes());
        for v in values {
            match v {
                None => b.extend((-1i32).to_be_bytes()),
                Some(v) => {
                    b.extend((v.len() as i32).to_be_bytes());
                    b.extend_from_slice(v);
                }
            }
        }
        b.extend([0, 0]);
        b
    }

    #[test]
    fn bind_parameters_read_unambiguously() {
        let big = vec![b'a'; PARAMETER_SHOWN + 1];
        let got = bind_parameters(&bind_rest(
            &[],
            &[
                Some(b"42"),
                None,
                Some(b"it's"),
                Some(b"a\0b"),
                Some(b"\xff"),
                Some(b"line\nnext  $2 = '5'"),
                Some("ab\u{202E}cd\\".as_bytes()),
                Some("\u{E0041}".as_bytes()),
                Some(&big),
            ],
        ));
        assert_eq!(
            got[..8],
            [
                "'42'",
                "NULL",
                "'it''s'",
                "E'a\\u0000b'",
                "x'ff'",
                // No value can pass for another line, or reorder what a reviewer reads.
                "E'line\\nnext  $2 = \\'5\\''",
                "E'ab\\u202Ecd\\\\'",
                "E'\\U000E0041'"
            ]
        );
        assert!(
            got[8].starts_with(&format!("<{} bytes, sha256 ", PARAMETER_SHOWN + 1)),
            "{}",
            got[8]
        );
        assert!(got.iter().all(|p| !p.contains(['\0', '\n', '\u{202E}'])));
        // One format code for all, or one per value: 1 is binary.
        assert_eq!(
            bind_parameters(&bind_rest(&[1], &[Some(b"ab"), Some(&[0, 0, 0, 7])])),
            ["x'6162'", "x'00000007'"]
        );
        assert_eq!(
            bind_parameters(&bind_rest(&[0, 1], &[Some(b"ab"), Some(b"ab")])),
            ["'ab'", "x'6162'"]
        );
        assert!(bind_parameters(&bind_rest(&[], &[])).is_empty());
        // Counts are unsigned, as PostgreSQL reads them: 40000 parameters are 40000 values.
        let many: Vec<Option<&[u8]>> = (0..40_000).map(|_| Some(&b"7"[..])).collect();
        let got = bind_parameters(&bind_rest(&[], &many));
        assert_eq!(got.len(), 40_000);
        assert!(got.iter().all(|p| p == "'7'"));
    }

    #[test]
    fn malformed_bind_parameters_say_so() {
        let whole = bind_rest(&[0, 1, 0], &[Some(b"ab"), Some(b"cd")]);
        assert_eq!(bind_parameters(&whole), ["<malformed parameter list>"]);
        let ok = bind_rest(&[], &[Some(b"abcdef")]);
        for cut in 0..ok.len() - 2 {
            assert_eq!(
                bind_parameters(&ok[..cut]),
                ["<malformed parameter list>"],
                "cut at {cut}"
            );
        }
        let mut negative = bind_rest(&[], &[Some(b"x")]);
        negative[4..8].copy_from_slice(&(-2i32).to_be_bytes());
        assert_eq!(bind_parameters(&negative), ["<malformed parameter list>"]);
        let bad_format = bind_rest(&[2], &[Some(b"x")]);
        assert_eq!(bind_parameters(&bad_format), ["<malformed parameter list>"]);
        let mut huge = bind_rest(&[], &[Some(b"x")]);
        huge[4..8].copy_from_slice(&i32::MAX.to_be_bytes());
        assert_eq!(bind_parameters(&huge), ["<malformed parameter list>"]);
    }

    #[test]
    fn sessions_the_gateway_cannot_read_are_recognised() {
        for e in [
            "SJIS",
            "Shift_JIS",
            "BIG5",
            "gbk",
            "GB18030",
            "UHC",
            "JOHAB",
            "WIN932",
        ] {
            assert!(unsafe_client_encoding(e), "{e}");
        }
        for e in [
            "UTF8",
            "utf-8",
            "UNICODE",
            "LATIN1",
            "EUC_JP",
            "SQL_ASCII",
            "WIN1252",
        ] {
            assert!(!unsafe_client_encoding(e), "{e}");
        }
        let ps = |k: &str, v: &str| msg(b'S', format!("{k}\0{v}\0").as_bytes());
        assert!(uninspectable(&ps("standard_conforming_strings", "off")).is_some());
        assert!(uninspectable(&ps("standard_conforming_strings", "on")).is_none());
        assert!(uninspectable(&ps("client_encoding", "SJIS")).is_some());
        assert!(uninspectable(&ps("client_encoding", "UTF8")).is_none());
        assert!(uninspectable(&ps("TimeZone", "UTC")).is_none());
    }

    fn startup(params: &[(&str, &str)]) -> Vec<u8> {
        startup_message(params)
    }

    #[test]
    fn startup_round_trip_and_split_reads() {
        let wire = startup(&[("user", "u"), ("database", "d")]);
        for cut in 0..wire.len() {
            assert_eq!(decode_startup(&wire[..cut]), Ok(None));
        }
        let (s, used) = decode_startup(&wire).unwrap().unwrap();
        assert_eq!(used, wire.len());
        assert_eq!(
            s,
            Startup::Startup {
                minor: 0,
                params: vec![("user".into(), "u".into()), ("database".into(), "d".into())]
            }
        );
        let ssl = [0, 0, 0, 8, 4, 210, 22, 47];
        assert_eq!(decode_startup(&ssl), Ok(Some((Startup::Ssl, 8))));
    }

    #[test]
    fn hostile_startup_packets() {
        assert_eq!(
            decode_startup(&[0, 0, 0, 3, 0]),
            Err(CodecError::BadLength(3))
        );
        assert_eq!(
            decode_startup(&[0xff, 0xff, 0xff, 0xff]),
            Err(CodecError::BadLength(-1))
        );
        assert_eq!(
            decode_startup(&[0, 1, 0, 0]),
            Err(CodecError::TooLarge(65536))
        );
        let mut bad = startup(&[("user", "u")]);
        bad[4] = 0;
        bad[5] = 2; // version 2.0
        assert!(matches!(
            decode_startup(&bad),
            Err(CodecError::Version(2, 0))
        ));
        let mut unterminated = startup(&[("user", "u")]);
        let n = unterminated.len();
        unterminated[n - 2] = b'x';
        unterminated.truncate(n - 1);
        let l = unterminated.len() as i32;
        unterminated[..4].copy_from_slice(&l.to_be_bytes());
        assert!(decode_startup(&unterminated).is_err());
    }

    #[test]
    fn framing_limits() {
        let q = msg(b'Q', b"select 1\0");
        for cut in 0..q.len() {
            assert_eq!(frame_len(&q[..cut], 100), Ok(None));
        }
        assert_eq!(frame_len(&q, 100), Ok(Some(q.len())));
        assert_eq!(
            frame_len(b"Q\x00\x00\x00\x02", 100),
            Err(CodecError::BadLength(2))
        );
        assert_eq!(
            frame_len(b"Q\x7f\xff\xff\xff", 100),
            Err(CodecError::TooLarge(0x8000_0000))
        );
        assert_eq!(parse_frontend(&q), Ok(Frontend::Query("select 1")));
        assert!(parse_frontend(&msg(b'Q', b"no nul")).is_err());
    }

    #[test]
    fn backend_fields() {
        assert_eq!(command_rows(&msg(b'C', b"INSERT 0 3\0")), Some(3));
        assert_eq!(command_rows(&msg(b'C', b"SELECT 12\0")), Some(12));
        assert_eq!(command_rows(&msg(b'C', b"BEGIN\0")), None);
        let e = error_response("FATAL", "57P01", "grant over", Some("hint"));
        assert_eq!(frame_len(&e, 1000), Ok(Some(e.len())));
        assert_eq!(error_fields(&e), ("57P01".into(), "grant over".into()));
    }
}
