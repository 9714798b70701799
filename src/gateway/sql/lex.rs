//! PostgreSQL's lexical rules, as far as statement boundaries need them (sans-IO).
//!
//! Where a statement ends is decided here, not by the SQL parser: quotes, `E''` escapes (the only
//! strings with backslash escapes while `standard_conforming_strings` is on, which the gateway
//! requires), quoted identifiers, nested block comments, line comments and dollar quoting follow
//! PostgreSQL's scanner. The parser then reads each statement on its own, so a parser that reads
//! a literal differently, or takes the text after `COPY … FROM STDIN` for COPY data, cannot
//! merge two statements into one.

/// Splits `sql` at top-level semicolons (outside quotes, comments and dollar quotes).
pub fn statements(sql: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let b = sql.as_bytes();
    while i < b.len() {
        match b[i] {
            b';' => {
                out.push(&sql[start..i]);
                start = i + 1;
                i += 1;
            }
            b'(' => i = group_end(b, i),
            _ => i = skip_token(b, i),
        }
    }
    if start < sql.len() {
        out.push(&sql[start..]);
    }
    out.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

/// The index after the `)` that closes the `(` at `i` (or the end of the text).
pub fn group_end(b: &[u8], i: usize) -> usize {
    let mut depth = 0;
    let mut j = i;
    while j < b.len() {
        match b[j] {
            b'(' => {
                depth += 1;
                j += 1;
            }
            b')' => {
                depth -= 1;
                j += 1;
                if depth == 0 {
                    return j;
                }
            }
            _ => j = skip_token(b, j),
        }
    }
    b.len()
}

/// The index after the lexical unit at `i`: a quoted string or identifier, a comment, a
/// dollar-quoted string, or one byte.
pub fn skip_token(b: &[u8], i: usize) -> usize {
    let rest = &b[i..];
    match rest[0] {
        b'\'' => {
            // E'…' strings take backslash escapes.
            let escapes = i > 0
                && matches!(b[i - 1], b'e' | b'E')
                && (i < 2 || !(b[i - 2].is_ascii_alphanumeric() || b[i - 2] == b'_'));
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    b'\\' if escapes => j += 2,
                    b'\'' if b.get(j + 1) == Some(&b'\'') => j += 2,
                    b'\'' => return j + 1,
                    _ => j += 1,
                }
            }
            b.len()
        }
        b'"' => {
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    b'"' if b.get(j + 1) == Some(&b'"') => j += 2,
                    b'"' => return j + 1,
                    _ => j += 1,
                }
            }
            b.len()
        }
        // A line comment ends at a newline or a carriage return, as in PostgreSQL's scanner.
        b'-' if rest.get(1) == Some(&b'-') => rest
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(b.len(), |p| i + p + 1),
        b'/' if rest.get(1) == Some(&b'*') => {
            let mut depth = 0;
            let mut j = i;
            while j < b.len() {
                if b[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if b[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        return j;
                    }
                } else {
                    j += 1;
                }
            }
            b.len()
        }
        b'$' => {
            // $tag$ … $tag$ (tag: letters, digits, `_`, not starting with a digit); `$1` is a
            // parameter.
            let t = rest[1..]
                .iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || c == b'_'))
                .map_or(rest.len(), |p| p + 1);
            // `x$a$` is one identifier: a `$` right after identifier characters starts no quote.
            let after_ident =
                i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'$');
            let quote =
                !after_ident && rest.get(t) == Some(&b'$') && (t == 1 || !rest[1].is_ascii_digit());
            if !quote {
                return i + 1;
            }
            let tag = &rest[..=t];
            match b[i + tag.len()..].windows(tag.len()).position(|w| w == tag) {
                Some(p) => i + tag.len() + p + tag.len(),
                None => b.len(),
            }
        }
        _ => i + 1,
    }
}

/// Whether `sql` has a `U&"…"` identifier (Unicode escapes in a name) outside quotes and
/// comments: the parser reads it as `U & "…"`, so the name PostgreSQL uses would go unseen.
pub fn has_unicode_identifier(sql: &str) -> bool {
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if matches!(b[i], b'u' | b'U')
            && b.get(i + 1) == Some(&b'&')
            && b.get(i + 2) == Some(&b'"')
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'$'))
        {
            return true;
        }
        i = skip_token(b, i);
    }
    false
}

/// The most tokens in one run of an expression: between commas, at one parenthesis level, with
/// a parenthesised group counting as one. A chain such as `1+1+…`, `a AND b AND …`,
/// `UNION … UNION …` or `x::int::int…` parses into a tree as deep as the chain is long — and the
/// parser's own depth limit does not see it, because it builds these in a loop. Walking and
/// dropping such a tree recurses once per link, so the inspection refuses to parse runs longer
/// than [`MAX_RUN`](crate::gateway::sql::MAX_RUN) instead of risking the stack.
pub fn longest_run(sql: &str) -> usize {
    let b = sql.as_bytes();
    let mut runs: Vec<usize> = vec![0];
    let mut longest = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = match c {
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'(' | b'[' => {
                if let Some(r) = runs.last_mut() {
                    *r += 1;
                    longest = longest.max(*r);
                }
                runs.push(0);
                i += 1;
                continue;
            }
            b')' | b']' => {
                if runs.len() > 1 {
                    runs.pop();
                }
                i += 1;
                continue;
            }
            b',' | b';' => {
                if let Some(r) = runs.last_mut() {
                    *r = 0;
                }
                i += 1;
                continue;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                i = skip_token(b, i);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_token(b, i);
                continue;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 => {
                let mut j = i;
                while j < b.len()
                    && (b[j].is_ascii_alphanumeric()
                        || b[j] == b'_'
                        || b[j] == b'$'
                        || b[j] >= 0x80)
                {
                    j += 1;
                }
                // A string right after a word (E'…', U&'…') belongs to it.
                j
            }
            b'+' | b'-' | b'*' | b'/' | b'<' | b'>' | b'=' | b'~' | b'!' | b'@' | b'#' | b'%'
            | b'^' | b'&' | b'|' | b'`' | b'?' | b':' => {
                let mut j = i;
                while j < b.len()
                    && matches!(
                        b[j],
                        b'+' | b'-'
                            | b'*'
                            | b'/'
                            | b'<'
                            | b'>'
                            | b'='
                            | b'~'
                            | b'!'
                            | b'@'
                            | b'#'
                            | b'%'
                            | b'^'
                            | b'&'
                            | b'|'
                            | b'`'
                            | b'?'
                            | b':'
                    )
                    && !b[j..].starts_with(b"--")
                    && !b[j..].starts_with(b"/*")
                {
                    j += 1;
                }
                j.max(i + 1)
            }
            _ => skip_token(b, i),
        };
        if let Some(r) = runs.last_mut() {
            *r += 1;
            longest = longest.max(*r);
        }
        i = next;
    }
    longest
}
