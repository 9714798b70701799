//! `COPY … TO STDOUT` for column masking rules (sans-IO).
//!
//! COPY rows carry no row description, so a column rule cannot know which field is which. The
//! client side finds the COPY statements in what it relays ([`copy_outs`]: a lexer that knows
//! quotes, comments and dollar quoting — not a SQL parser) and has the gateway describe each
//! one's source first; this module then splits the rows into fields ([`split_text`],
//! [`split_csv`]) so each can meet its column's rule, and joins them back.
//!
//! Only the default text and CSV layouts are split (tab / comma, `\N` / empty for NULL, `"`
//! quotes); a COPY with its own `DELIMITER`, `NULL`, `QUOTE`, `ESCAPE`, `FORCE_*` or `ENCODING`
//! options cannot be, and is refused on a connection with column rules.

use postgres_protocol::message::frontend;

use crate::gateway::sql::lex::{group_end, skip_token, statements};

/// The layout of a COPY's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// `FORMAT text` (the default).
    Text,
    /// `FORMAT csv`.
    Csv,
    /// `FORMAT binary`.
    Binary,
}

/// What the options of one `COPY … TO STDOUT` say about its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyOpts {
    /// Row layout.
    pub layout: Layout,
    /// The first row is a header (CSV).
    pub header: bool,
    /// Options that change delimiters, quoting or NULL: fields cannot be split.
    pub custom: bool,
}

/// One `COPY … TO STDOUT` statement: a query with the same columns, and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyOut {
    /// `SELECT …` whose description is the COPY's columns.
    pub source: String,
    /// Layout and options.
    pub opts: CopyOpts,
}

/// Words and parenthesised groups of one statement, outside comments.
fn words(stmt: &str) -> Vec<&str> {
    let b = stmt.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() || c == b',' || c == b'=' {
            i += 1;
        } else if b[i..].starts_with(b"--") || b[i..].starts_with(b"/*") {
            i = skip_token(b, i);
        } else if c == b'(' {
            let j = group_end(b, i);
            out.push(&stmt[i..j.min(b.len())]);
            i = j;
        } else {
            let mut j = i;
            while j < b.len()
                && !b[j].is_ascii_whitespace()
                && !matches!(b[j], b'(' | b',' | b'=')
                && !b[j..].starts_with(b"--")
                && !b[j..].starts_with(b"/*")
            {
                j = skip_token(b, j);
            }
            out.push(&stmt[i..j]);
            i = j;
        }
    }
    out
}

/// The probe statement's name in the extended protocol (the simple-query probe uses the unnamed
/// statement, which the Query that follows replaces anyway).
const PROBE: &str = "hoopctl_copy_probe";

/// The messages that describe `source` without running it: Parse + Describe, then Sync (simple
/// query: the probe is a cycle of its own) or Close (inside the client's extended batch).
pub fn probe(source: &str, synced: bool) -> Vec<u8> {
    let mut out = bytes::BytesMut::new();
    let name = if synced { "" } else { PROBE };
    // Writing into memory cannot fail but for a NUL in the text, which PostgreSQL would refuse
    // too; the probe then fails and the COPY is refused (fail closed).
    let _ = frontend::parse(name, source, std::iter::empty(), &mut out);
    let _ = frontend::describe(b'S', name, &mut out);
    if synced {
        frontend::sync(&mut out);
    } else {
        let _ = frontend::close(b'S', name, &mut out);
    }
    out.to_vec()
}

/// [`copy_outs`], after a cheap check that `sql` mentions COPY at all.
pub fn copy_outs_if_any(sql: &str) -> Vec<CopyOut> {
    let b = sql.as_bytes();
    if b.windows(4).any(|w| w.eq_ignore_ascii_case(b"copy")) {
        copy_outs(sql)
    } else {
        Vec::new()
    }
}

/// The `COPY` statements in `sql` that may write to the client, in order. One this lexer cannot
/// read — or one after the first statement of `sql`, whose source an earlier statement may
/// change — comes with an empty `source`: its description fails, and under column rules it is
/// refused.
pub fn copy_outs(sql: &str) -> Vec<CopyOut> {
    statements(sql)
        .into_iter()
        .enumerate()
        .filter_map(|(i, stmt)| {
            let mut c = copy_out(stmt)?;
            if i > 0 {
                c.source.clear();
            }
            Some(c)
        })
        .collect()
}

/// The text inside a `( … )` group, if it is closed.
fn inner(group: &str) -> Option<&str> {
    group.strip_prefix('(')?.strip_suffix(')')
}

/// An option word without its quotes, lower case.
fn option_word(w: &str) -> String {
    let w = w
        .strip_prefix('\'')
        .and_then(|w| w.strip_suffix('\''))
        .or_else(|| w.strip_prefix('"').and_then(|w| w.strip_suffix('"')))
        .unwrap_or(w);
    w.to_ascii_lowercase()
}

fn copy_out(stmt: &str) -> Option<CopyOut> {
    let w = words(stmt);
    let is = |i: usize, kw: &str| w.get(i).is_some_and(|x| x.eq_ignore_ascii_case(kw));
    if !is(0, "copy") {
        return None;
    }
    let unknown = || {
        // A COPY that may write to the client but that this lexer cannot read.
        let to_stdout = w
            .windows(2)
            .any(|p| p[0].eq_ignore_ascii_case("to") && p[1].eq_ignore_ascii_case("stdout"));
        to_stdout.then(|| CopyOut {
            source: String::new(),
            opts: CopyOpts {
                layout: Layout::Text,
                header: false,
                custom: true,
            },
        })
    };
    let parsed = match w.get(1) {
        Some(q) if q.starts_with('(') => inner(q).map(|q| (q.to_string(), 2)),
        Some(table) if !table.eq_ignore_ascii_case("binary") => match w.get(2) {
            Some(cols) if cols.starts_with('(') => {
                inner(cols).map(|c| (format!("SELECT {c} FROM {table}"), 3))
            }
            _ => Some((format!("SELECT * FROM {table}"), 2)),
        },
        _ => None,
    };
    let Some((source, mut i)) = parsed else {
        return unknown();
    };
    if !is(i, "to") {
        return None; // COPY … FROM: nothing goes to the client
    }
    if !is(i + 1, "stdout") {
        return unknown();
    }
    i += 2;
    let mut opts = CopyOpts {
        layout: Layout::Text,
        header: false,
        custom: false,
    };
    // Options: `WITH (FORMAT csv, HEADER)` or the older `CSV HEADER`, `BINARY`, ….
    let mut rest: Vec<String> = Vec::new();
    for x in &w[i..] {
        match inner(x) {
            Some(g) => rest.extend(words(g).iter().map(|s| option_word(s))),
            None if x.starts_with('(') => return unknown(),
            None => rest.push(option_word(x)),
        }
    }
    let mut k = 0;
    while k < rest.len() {
        match rest[k].as_str() {
            "binary" => opts.layout = Layout::Binary,
            "csv" => opts.layout = Layout::Csv,
            "text" | "with" | "format" => {}
            "header" => match rest.get(k + 1).map(String::as_str) {
                Some("false" | "off" | "0") => k += 1,
                Some("true" | "on" | "1") => {
                    opts.header = true;
                    k += 1;
                }
                // `match` (COPY FROM only) or anything else: not a layout this code knows.
                Some("match") => opts.custom = true,
                _ => opts.header = true,
            },
            // Options that change delimiters, quoting, NULL or encoding, and anything unknown.
            _ => opts.custom = true,
        }
        k += 1;
    }
    Some(CopyOut { source, opts })
}

/// A field of a text or CSV row: its bytes as the layout writes them, or NULL.
pub type Field<'a> = Option<std::borrow::Cow<'a, [u8]>>;

/// Splits one text-layout row (without its newline) into unescaped fields.
pub fn split_text(line: &[u8]) -> Vec<Field<'_>> {
    line.split(|&c| c == b'\t')
        .map(|f| {
            if f == b"\\N" {
                return None;
            }
            if !f.contains(&b'\\') {
                return Some(std::borrow::Cow::Borrowed(f));
            }
            let mut out = Vec::with_capacity(f.len());
            let mut it = f.iter();
            while let Some(&c) = it.next() {
                if c != b'\\' {
                    out.push(c);
                    continue;
                }
                match it.next() {
                    Some(b'n') => out.push(b'\n'),
                    Some(b'r') => out.push(b'\r'),
                    Some(b't') => out.push(b'\t'),
                    Some(b'b') => out.push(8),
                    Some(b'f') => out.push(12),
                    Some(b'v') => out.push(11),
                    Some(&o) => out.push(o),
                    None => out.push(b'\\'),
                }
            }
            Some(std::borrow::Cow::Owned(out))
        })
        .collect()
}

/// Joins fields into a text-layout row (without its newline).
pub fn join_text(fields: &[Field<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b'\t');
        }
        match f {
            None => out.extend_from_slice(b"\\N"),
            Some(v) => {
                for &c in v.iter() {
                    match c {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        _ => out.push(c),
                    }
                }
            }
        }
    }
    out
}

/// Splits one CSV row (without its newline) into fields; `None` if the quoting is broken.
pub fn split_csv(line: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        if line.get(i) == Some(&b'"') {
            let mut v = Vec::new();
            i += 1;
            loop {
                match line.get(i) {
                    Some(b'"') if line.get(i + 1) == Some(&b'"') => {
                        v.push(b'"');
                        i += 2;
                    }
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        v.push(c);
                        i += 1;
                    }
                    None => return None,
                }
            }
            out.push(Some(std::borrow::Cow::Owned(v)));
            match line.get(i) {
                Some(b',') => i += 1,
                None => return Some(out),
                Some(_) => return None,
            }
        } else {
            let end = line[i..]
                .iter()
                .position(|&c| c == b',')
                .map_or(line.len(), |p| i + p);
            let f = &line[i..end];
            // Unquoted empty is NULL; an empty string is written `""`.
            out.push((!f.is_empty()).then_some(std::borrow::Cow::Borrowed(f)));
            if end == line.len() {
                return Some(out);
            }
            i = end + 1;
        }
    }
}

/// Joins fields into a CSV row (without its newline), quoting every non-NULL field.
pub fn join_csv(fields: &[Field<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        if let Some(v) = f {
            out.push(b'"');
            for &c in v.iter() {
                if c == b'"' {
                    out.push(b'"');
                }
                out.push(c);
            }
            out.push(b'"');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_statements_are_found_with_their_sources_and_options() {
        let one = |sql: &str| copy_out(sql);
        let c = one("COPY (SELECT a, 'x;)' FROM t) TO STDOUT WITH (FORMAT csv, HEADER)").unwrap();
        assert_eq!(c.source, "SELECT a, 'x;)' FROM t");
        assert_eq!(
            c.opts,
            CopyOpts {
                layout: Layout::Csv,
                header: true,
                custom: false
            }
        );
        let c = one("copy public.\"Pat ients\" (name, dob) to stdout binary").unwrap();
        assert_eq!(c.source, "SELECT name, dob FROM public.\"Pat ients\"");
        assert_eq!(c.opts.layout, Layout::Binary);
        let c = one("COPY t TO STDOUT (FORMAT 'csv', HEADER 'false')").unwrap();
        assert_eq!(
            (c.opts.layout, c.opts.header, c.opts.custom),
            (Layout::Csv, false, false)
        );
        assert!(one("COPY t TO STDOUT (DELIMITER '|')").unwrap().opts.custom);
        assert!(
            one("COPY t TO '/tmp/f'").is_none(),
            "server-side files are not the client's"
        );
        assert!(one("COPY t FROM STDIN").is_none());
        // What the lexer cannot read but may write to the client: an empty source, which
        // cannot be described, so column rules refuse it.
        for odd in [
            "COPY BINARY t TO STDOUT",
            "COPY (",
            "COPY (SELECT 'é",
            "COPY t ( TO STDOUT",
        ] {
            if let Some(c) = one(odd) {
                assert!(c.source.is_empty(), "{odd}: {c:?}");
            }
        }
        assert!(one("COPY BINARY t TO STDOUT").is_some());
        // Only the first statement of a query string is described: an earlier statement could
        // change what a later COPY reads.
        let got = copy_outs(
            "COPY a TO STDOUT; SELECT ';'; COPY b TO STDOUT; -- COPY x TO STDOUT\n SELECT $$COPY y TO STDOUT$$",
        );
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].source, "SELECT * FROM a");
        assert!(got[1].source.is_empty());
        // `x$a$` is an identifier, not the start of a dollar quote.
        assert_eq!(
            statements("SELECT 1 AS x$a$, '$a$; COPY b TO STDOUT; --'; SELECT 2"),
            vec!["SELECT 1 AS x$a$, '$a$; COPY b TO STDOUT; --'", " SELECT 2"]
        );
        assert_eq!(
            statements("a; /* ; /* ; */ */ b; 'it''s;'; E'\\';'; $f$;$f$"),
            vec![
                "a",
                " /* ; /* ; */ */ b",
                " 'it''s;'",
                " E'\\';'",
                " $f$;$f$"
            ]
        );
    }

    #[test]
    fn text_and_csv_rows_round_trip() {
        let line = b"1\tA\\tB\\\\C\\nD\t\\N\t";
        let f = split_text(line);
        assert_eq!(f.len(), 4);
        assert_eq!(f[1].as_deref(), Some(&b"A\tB\\C\nD"[..]));
        assert_eq!(f[2], None);
        assert_eq!(f[3].as_deref(), Some(&b""[..]));
        assert_eq!(join_text(&f), line.to_vec());
        let csv = b"1,\"a,\"\"b\"\"\nc\",,\"\"";
        let f = split_csv(csv).unwrap();
        assert_eq!(f.len(), 4);
        assert_eq!(f[1].as_deref(), Some(&b"a,\"b\"\nc"[..]));
        assert_eq!(f[2], None);
        assert_eq!(f[3].as_deref(), Some(&b""[..]));
        assert_eq!(join_csv(&f), b"\"1\",\"a,\"\"b\"\"\nc\",,\"\"".to_vec());
        assert!(split_csv(b"\"open").is_none());
        assert!(split_csv(b"\"a\"b").is_none());
    }
}
