//! Renders a PostgreSQL session recording as psql would have shown it: each statement after a
//! prompt, result sets as aligned tables with their row count, command tags, errors and
//! notices. Pure: frames in, text out, so it is tested without a gateway.
//!
//! Everything printed comes from the recorded session — data an auditor did not write — so
//! control characters and invisible formatting characters are shown escaped: a recorded value
//! cannot move the cursor, recolour the terminal or pass for another line.

use std::collections::HashMap;
use std::io::Write;
use std::time::Duration;

use crate::proto::recording::{End, Frame, Header, Truncated, kind};

/// How to replay.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Print only the statements, each with its time in the session.
    pub statements_only: bool,
    /// Wait between statements as the session did, divided by this; none (or 0): no waiting.
    pub speed: Option<f64>,
}

/// Type OIDs psql aligns right (numbers).
const NUMERIC_OIDS: &[u32] = &[20, 21, 23, 26, 700, 701, 790, 1700];

struct Column {
    name: String,
    right: bool,
    binary: bool,
}

/// Replays frames into `out`, statement by statement.
pub struct Renderer<W: Write> {
    out: W,
    opts: Options,
    prompt: String,
    client: Pending,
    server: Pending,
    /// Prepared statements and portals (by name) → statement text.
    statements: HashMap<String, String>,
    portals: HashMap<String, String>,
    columns: Option<Vec<Column>>,
    rows: Vec<Vec<Option<String>>>,
    last_at: u32,
    /// Statements shown.
    pub shown: usize,
    /// The `E` frame was seen.
    pub ended: bool,
    /// The `T` frame was seen.
    pub truncated: bool,
}

impl<W: Write> Renderer<W> {
    /// A renderer writing to `out`.
    pub fn new(out: W, opts: Options) -> Self {
        Renderer {
            out,
            opts,
            prompt: "=> ".into(),
            client: Pending::default(),
            server: Pending::default(),
            statements: HashMap::new(),
            portals: HashMap::new(),
            columns: None,
            rows: Vec::new(),
            last_at: 0,
            shown: 0,
            ended: false,
            truncated: false,
        }
    }

    /// Feeds one frame.
    pub fn frame(&mut self, f: &Frame) -> std::io::Result<()> {
        match f.kind {
            kind::HEADER => {
                if let Ok(h) = serde_json::from_slice::<Header>(&f.data) {
                    self.prompt = format!("{}=> ", clean(&h.connection));
                    if !self.opts.statements_only {
                        writeln!(
                            self.out,
                            "-- session {} of {} on {} (grant {}), started {}",
                            clean(&h.session_id),
                            clean(&h.identity),
                            clean(&h.connection),
                            clean(&h.grant_id),
                            crate::clock::fmt_ms(h.started_at)
                        )?;
                    }
                }
            }
            kind::CLIENT => {
                self.client.extend(&f.data);
                self.drain_client(f.at_ms)?;
            }
            kind::SERVER => {
                self.server.extend(&f.data);
                self.drain_server()?;
            }
            kind::TRUNCATED => {
                self.truncated = true;
                let t = serde_json::from_slice::<Truncated>(&f.data).ok();
                writeln!(
                    self.out,
                    "-- recording truncated here: the session passed the {} byte cap; the rest was not recorded",
                    t.map_or(0, |t| t.limit)
                )?;
            }
            kind::END => {
                self.ended = true;
                if !self.opts.statements_only {
                    let e = serde_json::from_slice::<End>(&f.data).ok();
                    writeln!(
                        self.out,
                        "-- session ended at +{}: {}",
                        fmt_at(f.at_ms),
                        clean(e.as_ref().map_or("", |e| e.reason.as_str()))
                    )?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Ends the replay: says so when the recording stopped early.
    pub fn finish(&mut self) -> std::io::Result<()> {
        if !self.ended {
            writeln!(
                self.out,
                "-- recording incomplete: the gateway stopped before the session ended"
            )?;
        }
        self.out.flush()
    }

    fn statement(&mut self, at: u32, sql: &str) -> std::io::Result<()> {
        self.shown += 1;
        if let Some(speed) = self.opts.speed.filter(|s| *s > 0.0) {
            let gap = at.saturating_sub(self.last_at) as f64 / speed;
            self.out.flush()?;
            std::thread::sleep(Duration::from_millis(gap.min(3_600_000.0) as u64));
        }
        self.last_at = at;
        // Every line of a statement starts with a prompt (psql's `=>`, then `->`), so recorded
        // text cannot pass for output or for another statement.
        let (first, rest) = if self.opts.statements_only {
            (format!("+{} ", fmt_at(at)), "  ... ".to_string())
        } else {
            (self.prompt.clone(), self.prompt.replace("=> ", "-> "))
        };
        for (i, line) in sql.split('\n').enumerate() {
            let lead = if i == 0 { &first } else { &rest };
            writeln!(
                self.out,
                "{lead}{}",
                clean(line.strip_suffix('\r').unwrap_or(line))
            )?;
        }
        Ok(())
    }

    fn drain_client(&mut self, at: u32) -> std::io::Result<()> {
        while let Some((tag, body)) = self.client.take() {
            match tag {
                b'Q' => {
                    let sql = cstr(&body, 0).0;
                    self.statement(at, &sql)?;
                }
                b'P' => {
                    let (name, at_sql) = cstr(&body, 0);
                    let sql = cstr(&body, at_sql).0;
                    self.statements.insert(name, sql);
                }
                b'B' => {
                    let (portal, next) = cstr(&body, 0);
                    let stmt = cstr(&body, next).0;
                    let sql = self.statements.get(&stmt).cloned().unwrap_or_default();
                    self.portals.insert(portal, sql);
                }
                b'E' => {
                    let portal = cstr(&body, 0).0;
                    let sql = self
                        .portals
                        .get(&portal)
                        .cloned()
                        .unwrap_or_else(|| format!("-- execute portal {portal:?}"));
                    self.statement(at, &sql)?;
                }
                b'F' => self.statement(at, "-- function call")?,
                _ => {}
            }
        }
        Ok(())
    }

    fn drain_server(&mut self) -> std::io::Result<()> {
        while let Some((tag, body)) = self.server.take() {
            if self.opts.statements_only {
                continue;
            }
            match tag {
                b'T' => self.columns = Some(row_description(&body)),
                b'D' => {
                    let binary: Vec<bool> = self
                        .columns
                        .as_ref()
                        .map(|c| c.iter().map(|c| c.binary).collect())
                        .unwrap_or_default();
                    self.rows.push(data_row(&body, &binary));
                }
                b'C' => {
                    let tag = cstr(&body, 0).0;
                    self.complete(&tag)?;
                }
                b's' => self.complete("")?,
                b'E' | b'N' => {
                    self.flush_table()?;
                    self.error_or_notice(&body)?;
                }
                b'd' => {
                    // One row per CopyData: its own line break ends it; any other is escaped.
                    let text = String::from_utf8_lossy(&body);
                    writeln!(
                        self.out,
                        "{}",
                        clean(text.strip_suffix('\n').unwrap_or(&text))
                    )?;
                }
                b'A' => {
                    let (chan, next) = cstr(&body, 4.min(body.len()));
                    let payload = cstr(&body, next).0;
                    writeln!(
                        self.out,
                        "Asynchronous notification \"{}\" with payload \"{}\" received.",
                        clean(&chan),
                        clean(&payload)
                    )?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn complete(&mut self, tag: &str) -> std::io::Result<()> {
        if self.columns.is_some() || !self.rows.is_empty() {
            self.flush_table()
        } else if !tag.is_empty() {
            writeln!(self.out, "{}", clean(tag))
        } else {
            Ok(())
        }
    }

    /// Prints the table gathered so far, psql's aligned format.
    fn flush_table(&mut self) -> std::io::Result<()> {
        let rows = std::mem::take(&mut self.rows);
        // Rows whose description the client took from an earlier Describe (the gateway's own
        // is not forwarded, so not recorded): shown without a header, never under another's.
        let cols = match self.columns.take() {
            Some(c) => c,
            None if rows.is_empty() => return Ok(()),
            None => {
                let n = rows.iter().map(Vec::len).max().unwrap_or(0);
                writeln!(self.out, "-- columns described earlier in the session")?;
                (1..=n)
                    .map(|i| Column {
                        name: format!("?column{i}?"),
                        right: false,
                        binary: false,
                    })
                    .collect()
            }
        };
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.as_deref().map(clean).unwrap_or_default())
                    .collect()
            })
            .collect();
        let widths: Vec<usize> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let name = clean(&c.name).chars().count();
                cells
                    .iter()
                    .filter_map(|r| r.get(i))
                    .map(|v| v.chars().count())
                    .max()
                    .unwrap_or(0)
                    .max(name)
            })
            .collect();
        let line = |parts: Vec<String>| parts.join("|").trim_end().to_string();
        let header = cols
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let name = clean(&c.name);
                let pad = w - name.chars().count();
                format!(
                    " {}{}{} ",
                    " ".repeat(pad / 2),
                    name,
                    " ".repeat(pad - pad / 2)
                )
            })
            .collect();
        writeln!(self.out, "{}", line(header))?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
        writeln!(self.out, "{}", rule.join("+"))?;
        for r in &cells {
            let parts = cols
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (c, w))| {
                    let v = r.get(i).map(String::as_str).unwrap_or("");
                    let pad = " ".repeat(w - v.chars().count());
                    if c.right {
                        format!(" {pad}{v} ")
                    } else {
                        format!(" {v}{pad} ")
                    }
                })
                .collect();
            writeln!(self.out, "{}", line(parts))?;
        }
        let n = cells.len();
        writeln!(self.out, "({n} {})\n", if n == 1 { "row" } else { "rows" })
    }

    fn error_or_notice(&mut self, body: &[u8]) -> std::io::Result<()> {
        let mut fields: HashMap<u8, String> = HashMap::new();
        let mut at = 0;
        while at < body.len() && body[at] != 0 {
            let code = body[at];
            let (v, next) = cstr(body, at + 1);
            fields.insert(code, v);
            at = next;
        }
        let severity = fields.get(&b'S').cloned().unwrap_or_else(|| "ERROR".into());
        writeln!(
            self.out,
            "{}:  {}",
            clean(&severity),
            clean(fields.get(&b'M').map_or("", String::as_str))
        )?;
        for (code, label) in [(b'D', "DETAIL"), (b'H', "HINT")] {
            if let Some(v) = fields.get(&code) {
                writeln!(self.out, "{label}:  {}", clean(v))?;
            }
        }
        Ok(())
    }
}

/// Largest message the replay buffers (a recorded DataRow can be big; a declared length past
/// this is a corrupt stream, not a message).
const MAX_MESSAGE: usize = 256 << 20;

/// One direction's bytes not yet parsed: consumed from `pos`, compacted now and then, so a
/// frame of many small messages costs linear time.
#[derive(Default)]
struct Pending {
    buf: Vec<u8>,
    pos: usize,
}

impl Pending {
    fn extend(&mut self, data: &[u8]) {
        if self.pos > 0 && self.pos * 2 >= self.buf.len() {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// Takes one complete message (tag, body) off the front.
    fn take(&mut self) -> Option<(u8, Vec<u8>)> {
        let b = &self.buf[self.pos..];
        if b.len() < 5 {
            return None;
        }
        let len = u32::from_be_bytes([b[1], b[2], b[3], b[4]]) as usize;
        if !(4..=MAX_MESSAGE).contains(&len) {
            // Not a message boundary (a corrupt stream): drop what is buffered rather than
            // loop or wait for gigabytes.
            self.buf.clear();
            self.pos = 0;
            return None;
        }
        if b.len() < 1 + len {
            return None;
        }
        let msg = (b[0], b[5..1 + len].to_vec());
        self.pos += 1 + len;
        Some(msg)
    }
}

/// A NUL-terminated string at `at` (lossy UTF-8) and the offset after its NUL.
fn cstr(b: &[u8], at: usize) -> (String, usize) {
    let rest = b.get(at..).unwrap_or(&[]);
    let end = rest.iter().position(|&c| c == 0).unwrap_or(rest.len());
    (
        String::from_utf8_lossy(&rest[..end]).into_owned(),
        at + end + 1,
    )
}

fn row_description(b: &[u8]) -> Vec<Column> {
    let n = b.get(..2).map_or(0, |s| u16::from_be_bytes([s[0], s[1]]));
    let mut at = 2;
    let mut cols = Vec::new();
    for _ in 0..n {
        let (name, next) = cstr(b, at);
        // table oid 4, attnum 2, type oid 4, typlen 2, typmod 4, format 2
        let Some(f) = b.get(next..next + 18) else {
            break;
        };
        let oid = u32::from_be_bytes([f[6], f[7], f[8], f[9]]);
        let format = u16::from_be_bytes([f[16], f[17]]);
        cols.push(Column {
            name,
            right: NUMERIC_OIDS.contains(&oid),
            binary: format == 1,
        });
        at = next + 18;
    }
    cols
}

fn data_row(b: &[u8], binary: &[bool]) -> Vec<Option<String>> {
    let n = b.get(..2).map_or(0, |s| u16::from_be_bytes([s[0], s[1]]));
    let mut at = 2;
    let mut out = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        let Some(l) = b.get(at..at + 4) else { break };
        let len = i32::from_be_bytes([l[0], l[1], l[2], l[3]]);
        at += 4;
        if len < 0 {
            out.push(None);
            continue;
        }
        let Some(v) = b.get(at..at + len as usize) else {
            break;
        };
        at += len as usize;
        out.push(Some(if binary.get(i).copied().unwrap_or(false) {
            format!("\\x{}", hex::encode(v))
        } else {
            String::from_utf8_lossy(v).into_owned()
        }));
    }
    out
}

/// Milliseconds as `M:SS.mmm` (or `H:MM:SS.mmm`).
fn fmt_at(ms: u32) -> String {
    let (h, m, s, ms) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{ms:03}")
    } else {
        format!("{m}:{s:02}.{ms:03}")
    }
}

/// Whether a character must not reach the terminal as itself.
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

fn escape(c: char, out: &mut String) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
    }
}

/// One line: every unsafe character escaped (newlines too).
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if unsafe_char(c) {
            escape(c, &mut out);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![tag];
        m.extend(((body.len() + 4) as u32).to_be_bytes());
        m.extend_from_slice(body);
        m
    }

    fn row_desc(cols: &[(&str, u32)]) -> Vec<u8> {
        let mut b = (cols.len() as u16).to_be_bytes().to_vec();
        for (name, oid) in cols {
            b.extend(name.as_bytes());
            b.push(0);
            b.extend([0u8; 6]);
            b.extend(oid.to_be_bytes());
            b.extend([0u8; 8]);
        }
        msg(b'T', &b)
    }

    fn data(vals: &[Option<&str>]) -> Vec<u8> {
        let mut b = (vals.len() as u16).to_be_bytes().to_vec();
        for v in vals {
            match v {
                Some(v) => {
                    b.extend((v.len() as i32).to_be_bytes());
                    b.extend(v.as_bytes());
                }
                None => b.extend((-1i32).to_be_bytes()),
            }
        }
        msg(b'D', &b)
    }

    fn render(frames: &[(u8, Vec<u8>)], opts: Options) -> String {
        let mut out = Vec::new();
        let mut r = Renderer::new(&mut out, opts);
        for (i, (k, d)) in frames.iter().enumerate() {
            r.frame(&Frame {
                kind: *k,
                at_ms: i as u32 * 1000,
                data: d.clone(),
            })
            .unwrap();
        }
        r.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_select_renders_as_psql_shows_it() {
        let mut server = row_desc(&[("id", 23), ("name", 25)]);
        server.extend(data(&[Some("1"), Some("a***e")]));
        server.extend(data(&[Some("10"), None]));
        server.extend(msg(b'C', b"SELECT 2\0"));
        server.extend(msg(b'Z', b"I"));
        let header = serde_json::to_vec(&Header {
            session_id: "se_1".into(),
            connection: "warehouse".into(),
            identity: "ci".into(),
            grant_id: "gr_1".into(),
            protocol: "postgres".into(),
            started_at: 0,
        })
        .unwrap();
        let text = render(
            &[
                (kind::HEADER, header),
                (kind::CLIENT, msg(b'Q', b"SELECT id, name FROM patients\0")),
                (kind::SERVER, server),
                (
                    kind::END,
                    br#"{"reason":"client closed","recorded_bytes":1,"dropped_bytes":0}"#.to_vec(),
                ),
            ],
            Options::default(),
        );
        let want = "warehouse=> SELECT id, name FROM patients
 id | name
----+-------
  1 | a***e
 10 |
(2 rows)

-- session ended at +0:03.000: client closed
";
        assert!(text.ends_with(want), "{text}");
        assert!(!text.contains("incomplete"));
    }

    #[test]
    fn extended_protocol_errors_and_statements_only() {
        let mut client = msg(b'P', b"s1\0SELECT $1\0\0\0");
        client.extend(msg(b'B', b"p1\0s1\0\0\0\0\0\0\0"));
        client.extend(msg(b'E', b"p1\0\0\0\0\0"));
        let server = msg(
            b'E',
            b"SERROR\0C42501\0Mpermission denied\0Hask\x1b[31m an admin\0\0",
        );
        let frames = [(kind::CLIENT, client), (kind::SERVER, server)];
        let text = render(&frames, Options::default());
        assert!(text.contains("=> SELECT $1\n"), "{text}");
        assert!(text.contains("ERROR:  permission denied\n"), "{text}");
        // A recorded escape sequence is shown, never sent to the terminal.
        assert!(text.contains("HINT:  ask\\x1b[31m an admin"), "{text}");
        assert!(!text.contains('\x1b'));
        assert!(
            text.ends_with(
                "-- recording incomplete: the gateway stopped before the session ended\n"
            )
        );
        let only = render(
            &frames,
            Options {
                statements_only: true,
                speed: None,
            },
        );
        assert_eq!(
            only,
            "+0:00.000 SELECT $1\n-- recording incomplete: the gateway stopped before the session ended\n"
        );
    }

    #[test]
    fn recorded_text_cannot_pass_for_replay_lines() {
        // A statement carrying a fake result and prompt, a notice with a line break, COPY
        // data with an embedded one, invisible formatting characters.
        let client = msg(b'Q', b"SELECT 1 --\n(0 rows)\n\npg=> SELECT 'ok'\0");
        let mut server = msg(b'N', b"SNOTICE\0Mfine\nERROR:  fake\0\0");
        server.extend(msg(b'd', "a\tb\nc\u{00AD}\u{2066}\n".as_bytes()));
        server.extend(msg(b'C', b"COPY 1\0"));
        let text = render(
            &[(kind::CLIENT, client), (kind::SERVER, server)],
            Options::default(),
        );
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "=> SELECT 1 --");
        assert_eq!(lines[1], "-> (0 rows)");
        assert_eq!(lines[2], "-> ");
        assert_eq!(lines[3], "-> pg=> SELECT 'ok'");
        assert_eq!(lines[4], "NOTICE:  fine\\nERROR:  fake");
        assert_eq!(lines[5], "a\\tb\\nc\\xad\\u{2066}");
        assert_eq!(lines[6], "COPY 1");
    }

    #[test]
    fn rows_without_a_recorded_description_stay_with_their_statement() {
        let mut client = msg(b'B', b"p\0s\0\0\0\0\0\0\0");
        client.extend(msg(b'E', b"p\0\0\0\0\0"));
        let mut server = data(&[Some("MRN-1"), None]);
        server.extend(msg(b'C', b"SELECT 1\0"));
        let mut next = msg(b'Q', b"SELECT 2\0");
        next.extend(msg(b'Q', b"SELECT 3\0"));
        let mut later = row_desc(&[("n", 23)]);
        later.extend(data(&[Some("2")]));
        later.extend(msg(b'C', b"SELECT 1\0"));
        let text = render(
            &[
                (kind::CLIENT, client),
                (kind::SERVER, server),
                (kind::CLIENT, next),
                (kind::SERVER, later),
            ],
            Options::default(),
        );
        let first = text.find("MRN-1").unwrap();
        let second = text.find("=> SELECT 2").unwrap();
        assert!(first < second, "{text}");
        assert!(text.contains("-- columns described earlier"), "{text}");
        assert_eq!(text.matches("MRN-1").count(), 1, "{text}");
    }

    #[test]
    fn messages_split_across_frames_and_garbage_do_not_break_it() {
        let q = msg(b'Q', b"SELECT 1\0");
        let (a, b) = q.split_at(3);
        let text = render(
            &[
                (kind::CLIENT, a.to_vec()),
                (kind::CLIENT, b.to_vec()),
                (kind::SERVER, vec![b'D', 0, 0, 0, 1, 9, 9]),
                (kind::SERVER, vec![0xff; 64]),
            ],
            Options::default(),
        );
        assert!(text.contains("=> SELECT 1\n"), "{text}");
    }
}
