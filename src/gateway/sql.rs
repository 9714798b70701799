//! SQL inspection: what a statement string does, as policy sees it.
//!
//! The proxy hands every Query (and every prepared statement, at Execute) to [`inspect`], which
//! parses it with a real SQL parser (sqlparser, PostgreSQL dialect) and reports, per statement:
//! its [`Kind`], the tables it reads, writes and exports, the functions it calls, whether it has a
//! WHERE/LIMIT, and the reasons it needs the `admin` action (role changes, server-file functions,
//! `COPY … PROGRAM`, `DO`, `CALL`, anything unknown). Policy turns those into Cedar requests.
//!
//! Fail closed: SQL the parser rejects (including nesting deeper than [`MAX_DEPTH`] and strings
//! over [`MAX_SQL`]) is reported as [`Kind::Unparsed`], which needs `admin`; so does any
//! statement kind this module does not know. Everything here is safe on hostile input: no panics,
//! bounded recursion, time linear in the input.
//!
//! Names: unquoted identifiers fold to lower case, quoted ones keep their case (as PostgreSQL
//! does; past 63 bytes PostgreSQL truncates, and so does this). An unqualified table resolves
//! through the session's search path — by default `public`; a `pg_*` name resolves to
//! `pg_catalog` (searched first) and, should it not be there, through the path, so both are
//! asked for.
//! A reference to a CTE is not a table, with PostgreSQL's scoping (a non-recursive CTE's body does
//! not see itself).

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::ops::ControlFlow;

use sqlparser::ast::{
    CopySource, CopyTarget, Expr, FromTable, Function, Ident, ObjectName, ObjectNamePart,
    ObjectType, Query, Reset, Set, SetExpr, Statement, TableFactor, TableObject, TableWithJoins,
    Visit, Visitor,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

pub mod lex;

/// Deepest nesting the parser accepts; deeper SQL is unparsed (and needs `admin`).
pub const MAX_DEPTH: usize = 64;
/// Longest SQL string inspected; longer strings are unparsed (and need `admin`).
pub const MAX_SQL: usize = 8 << 20;
/// Most tokens in one run of an expression (see [`lex::longest_run`]); longer runs are unparsed
/// (and need `admin`). A chain this long nests half as deep or less, which a 2 MiB worker stack
/// walks with room to spare (measured: 4,000 levels fit in a debug build).
pub const MAX_RUN: usize = 2000;

/// Functions whose call needs `admin`: they read or write server files, run SQL given as a string
/// (which this inspection cannot see into), reach other servers, or act on other sessions or the
/// server itself.
pub const ADMIN_FUNCTIONS: &[&str] = &[
    "cursor_to_xml",
    "cursor_to_xmlschema",
    "database_to_xml",
    "database_to_xml_and_xmlschema",
    "database_to_xmlschema",
    "dblink",
    "dblink_build_sql_delete",
    "dblink_build_sql_insert",
    "dblink_build_sql_update",
    "dblink_connect",
    "dblink_connect_u",
    "dblink_exec",
    "dblink_fetch",
    "dblink_get_result",
    "dblink_open",
    "dblink_send_query",
    "get_raw_page",
    "lo_close",
    "lo_creat",
    "lo_create",
    "lo_export",
    "lo_from_bytea",
    "lo_get",
    "lo_import",
    "lo_lseek",
    "lo_open",
    "lo_put",
    "lo_truncate",
    "lo_unlink",
    "loread",
    "lowrite",
    "pg_cancel_backend",
    "pg_create_restore_point",
    "pg_create_logical_replication_slot",
    "pg_drop_replication_slot",
    "pg_file_read",
    "pg_file_rename",
    "pg_file_unlink",
    "pg_file_write",
    "pg_logdir_ls",
    "pg_logical_emit_message",
    "pg_logical_slot_get_binary_changes",
    "pg_logical_slot_get_changes",
    "pg_logical_slot_peek_binary_changes",
    "pg_logical_slot_peek_changes",
    "pg_ls_archive_statusdir",
    "pg_ls_dir",
    "pg_ls_logdir",
    "pg_ls_tmpdir",
    "pg_ls_waldir",
    "pg_promote",
    "pg_read_binary_file",
    "pg_read_file",
    "pg_reload_conf",
    "pg_replication_slot_advance",
    "pg_rotate_logfile",
    "pg_stat_file",
    "pg_switch_wal",
    "pg_terminate_backend",
    "query_to_xml",
    "query_to_xml_and_xmlschema",
    "query_to_xmlschema",
    "schema_to_xml",
    "schema_to_xml_and_xmlschema",
    "schema_to_xmlschema",
    "set_config",
    "table_to_xml",
    "table_to_xml_and_xmlschema",
    "table_to_xmlschema",
    "ts_rewrite",
    "ts_stat",
];

/// What a statement is, in policy's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// SELECT, VALUES, TABLE.
    Select,
    /// SELECT … INTO, CREATE TABLE … AS.
    CreateTableAs,
    /// INSERT.
    Insert,
    /// UPDATE.
    Update,
    /// DELETE.
    Delete,
    /// MERGE.
    Merge,
    /// TRUNCATE.
    Truncate,
    /// COPY … TO.
    CopyTo,
    /// COPY … FROM.
    CopyFrom,
    /// CREATE/ALTER/DROP/COMMENT on schema objects.
    Ddl,
    /// GRANT, REVOKE, roles and users.
    Privilege,
    /// SET ROLE, SET SESSION AUTHORIZATION, RESET ROLE.
    SetRole,
    /// Any other SET or RESET.
    Set,
    /// SHOW.
    Show,
    /// BEGIN, COMMIT, ROLLBACK, SAVEPOINT, RELEASE.
    Transaction,
    /// EXPLAIN.
    Explain,
    /// PREPARE.
    Prepare,
    /// EXECUTE (SQL-level).
    Execute,
    /// DEALLOCATE.
    Deallocate,
    /// CALL.
    Call,
    /// DO.
    Do,
    /// LOCK.
    Lock,
    /// LISTEN.
    Listen,
    /// UNLISTEN.
    Unlisten,
    /// NOTIFY.
    Notify,
    /// VACUUM, ANALYZE, REFRESH MATERIALIZED VIEW.
    Maintenance,
    /// DECLARE … CURSOR.
    Declare,
    /// FETCH.
    Fetch,
    /// CLOSE (cursor).
    Close,
    /// DISCARD.
    Discard,
    /// No statement at all (empty or only comments).
    Empty,
    /// The parser rejected it.
    Unparsed,
    /// A statement this inspection does not classify.
    Other,
}

impl Kind {
    /// The name policies see (`context.statement.kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Select => "select",
            Kind::CreateTableAs => "create_table_as",
            Kind::Insert => "insert",
            Kind::Update => "update",
            Kind::Delete => "delete",
            Kind::Merge => "merge",
            Kind::Truncate => "truncate",
            Kind::CopyTo => "copy_to",
            Kind::CopyFrom => "copy_from",
            Kind::Ddl => "ddl",
            Kind::Privilege => "privilege",
            Kind::SetRole => "set_role",
            Kind::Set => "set",
            Kind::Show => "show",
            Kind::Transaction => "transaction",
            Kind::Explain => "explain",
            Kind::Prepare => "prepare",
            Kind::Execute => "execute",
            Kind::Deallocate => "deallocate",
            Kind::Call => "call",
            Kind::Do => "do",
            Kind::Lock => "lock",
            Kind::Listen => "listen",
            Kind::Unlisten => "unlisten",
            Kind::Notify => "notify",
            Kind::Maintenance => "maintenance",
            Kind::Declare => "declare",
            Kind::Fetch => "fetch",
            Kind::Close => "close",
            Kind::Discard => "discard",
            Kind::Empty => "empty",
            Kind::Unparsed => "unparsed",
            Kind::Other => "other",
        }
    }
}

/// What one statement does.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Features {
    /// Its kind.
    pub kind: Kind,
    /// Tables (and views) read, as `schema.table`.
    pub reads: BTreeSet<String>,
    /// Tables written.
    pub writes: BTreeSet<String>,
    /// Tables exported in bulk (`COPY … TO`).
    pub exports: BTreeSet<String>,
    /// Why it needs `admin` (`set_role`, `fn:pg_read_file`, `copy_program`, `unparsed`…).
    pub admin: BTreeSet<String>,
    /// It creates, alters or drops schema objects (needs `ddl`).
    pub ddl: bool,
    /// Its top-level SELECT/UPDATE/DELETE has a WHERE (every branch of a UNION).
    pub has_where: bool,
    /// Its top-level query has LIMIT or FETCH FIRST.
    pub has_limit: bool,
    /// Every function it calls, by base name (unquoted names in lower case).
    pub functions: BTreeSet<String>,
    /// The data-changing statements in it, wherever they are (a CTE's DELETE counts):
    /// `insert`, `update`, `delete`, `merge`, `truncate`.
    pub dml: BTreeSet<&'static str>,
    /// An UPDATE or DELETE without WHERE, or a TRUNCATE, anywhere in it.
    pub unbounded_write: bool,
}

impl Features {
    /// Nothing read, written or needed yet.
    pub fn empty(kind: Kind) -> Features {
        Features {
            kind,
            reads: BTreeSet::new(),
            writes: BTreeSet::new(),
            exports: BTreeSet::new(),
            admin: BTreeSet::new(),
            ddl: false,
            has_where: false,
            has_limit: false,
            functions: BTreeSet::new(),
            dml: BTreeSet::new(),
            unbounded_write: false,
        }
    }

    fn admin(mut self, why: &str) -> Features {
        self.admin.insert(why.to_string());
        self
    }
}

/// The inspection of one SQL string.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Inspection {
    /// One entry per statement (a single [`Kind::Unparsed`] or [`Kind::Empty`] entry when
    /// there is none to report).
    pub statements: Vec<Features>,
    /// The parser's message when it rejected the string.
    pub error: Option<String>,
}

impl Inspection {
    /// True when the string holds more than one statement.
    pub fn multi_statement(&self) -> bool {
        self.statements.len() > 1
    }

    /// One line per the corpus format (`tests/data/sql_corpus.toml`): per statement
    /// `<kind> [r=…] [w=…] [x=…] [admin=…] [ddl] [where] [limit]`, joined with ` ; `.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for (i, f) in self.statements.iter().enumerate() {
            if i > 0 {
                out.push_str(" ; ");
            }
            out.push_str(f.kind.as_str());
            for (tag, set) in [
                ("r", &f.reads),
                ("w", &f.writes),
                ("x", &f.exports),
                ("admin", &f.admin),
            ] {
                if !set.is_empty() {
                    let list: Vec<&str> = set.iter().map(String::as_str).collect();
                    let _ = write!(out, " {tag}={}", list.join(","));
                }
            }
            for (flag, on) in [
                ("ddl", f.ddl),
                ("where", f.has_where),
                ("limit", f.has_limit),
            ] {
                if on {
                    let _ = write!(out, " {flag}");
                }
            }
        }
        out
    }
}

/// Where unqualified table names resolve.
#[derive(Debug, Clone)]
pub struct SearchPath(Vec<String>);

impl Default for SearchPath {
    fn default() -> Self {
        SearchPath(vec!["public".to_string()])
    }
}

impl SearchPath {
    /// The schemas a session's target reported searching (`current_schemas(false)`: the
    /// effective path, with `$user` and role or database defaults applied, schemas that exist
    /// only). None at all falls back to `public`.
    pub fn from_schemas(schemas: Vec<String>) -> SearchPath {
        if schemas.is_empty() {
            SearchPath::default()
        } else {
            SearchPath(schemas)
        }
    }

    /// From a `search_path` setting (`a, "B", public`). `$user` and `pg_catalog` entries are
    /// left out: `pg_*` names already resolve to the catalog, and `$user` is the target login's
    /// schema, which the gateway's own role decides. An empty list falls back to `public`.
    pub fn parse(setting: &str) -> SearchPath {
        let mut schemas = Vec::new();
        for part in setting.split(',') {
            let p = part.trim();
            let name = match p.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                Some(q) => q.replace("\"\"", "\""),
                None => p.to_ascii_lowercase(),
            };
            if !name.is_empty() && name != "$user" && name != "pg_catalog" {
                schemas.push(name);
            }
        }
        if schemas.is_empty() {
            SearchPath::default()
        } else {
            SearchPath(schemas)
        }
    }
}

/// Inspects a SQL string (one simple-protocol Query, or one prepared statement).
pub fn inspect(sql: &str, path: &SearchPath) -> Inspection {
    if sql.len() > MAX_SQL {
        return unparsed(
            sql,
            format!(
                "the statement is {} bytes; the gateway inspects at most {MAX_SQL}",
                sql.len()
            ),
        );
    }
    // PostgreSQL's lexer decides where statements end; the parser reads each one alone and
    // must find exactly one statement in it.
    let run = lex::longest_run(sql);
    if run > MAX_RUN {
        return unparsed(
            sql,
            format!(
                "an expression runs {run} tokens without a comma or parenthesis; the gateway reads at most {MAX_RUN}"
            ),
        );
    }
    if lex::has_unicode_identifier(sql) {
        return unparsed(
            sql,
            "U&\"…\" identifiers are not read by the gateway's parser".to_string(),
        );
    }
    let dialect = PostgreSqlDialect {};
    let mut statements = Vec::new();
    for chunk in lex::statements(sql) {
        let parsed = Parser::new(&dialect)
            .with_recursion_limit(MAX_DEPTH)
            .try_with_sql(chunk)
            .and_then(|mut p| p.parse_statements());
        match parsed {
            Ok(mut s) if s.len() == 1 => statements.extend(s.pop()),
            // Only comments.
            Ok(s) if s.is_empty() => {}
            Ok(s) => {
                return unparsed(
                    sql,
                    format!(
                        "the parser read {} statements where PostgreSQL reads one: {:?}",
                        s.len(),
                        chunk.trim()
                    ),
                );
            }
            Err(e) => return unparsed(sql, e.to_string()),
        }
    }
    if statements.is_empty() {
        return Inspection {
            statements: vec![Features::empty(Kind::Empty)],
            error: None,
        };
    }
    Inspection {
        statements: statements.iter().map(|s| statement(s, path)).collect(),
        error: None,
    }
}

fn unparsed(sql: &str, error: String) -> Inspection {
    // `DO` has no parser support; name it so the refusal says what it was.
    let kind = match first_word(sql).as_deref() {
        Some("do") => Kind::Do,
        _ => Kind::Unparsed,
    };
    Inspection {
        statements: vec![Features::empty(kind).admin(kind.as_str())],
        error: Some(error),
    }
}

/// The first keyword, skipping whitespace and comments, lower case.
fn first_word(sql: &str) -> Option<String> {
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"--") || b[i..].starts_with(b"/*") {
            i = lex::skip_token(b, i);
        } else {
            break;
        }
    }
    let w: String = b[i.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .map(|c| char::from(c.to_ascii_lowercase()))
        .collect();
    (!w.is_empty()).then_some(w)
}

/// Longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are truncated.
const MAX_IDENT: usize = 63;

/// An identifier as PostgreSQL resolves it: unquoted folds to lower case — ASCII letters only,
/// as PostgreSQL does in a multi-byte (UTF-8) encoding — and anything past 63 bytes is cut (at
/// a character boundary, as PostgreSQL cuts).
fn ident(i: &Ident) -> String {
    let mut v = match i.quote_style {
        Some(_) => i.value.clone(),
        None => i.value.to_ascii_lowercase(),
    };
    if v.len() > MAX_IDENT {
        let mut end = MAX_IDENT;
        while !v.is_char_boundary(end) {
            end -= 1;
        }
        v.truncate(end);
    }
    v
}

fn parts(name: &ObjectName) -> Vec<String> {
    name.0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => ident(i),
            ObjectNamePart::Function(f) => ident(&f.name),
        })
        .collect()
}

/// `[db.]schema.table` → `schema.table`; unqualified names through the search path.
fn tables(name: &ObjectName, path: &SearchPath) -> Vec<String> {
    let p = parts(name);
    match p.as_slice() {
        [] => Vec::new(),
        // `pg_catalog` is searched first; a `pg_*` name not in it resolves through the path.
        [t] if t.starts_with("pg_") => std::iter::once(format!("pg_catalog.{t}"))
            .chain(path.0.iter().map(|s| format!("{s}.{t}")))
            .collect(),
        [t] => path.0.iter().map(|s| format!("{s}.{t}")).collect(),
        [.., s, t] => vec![format!("{s}.{t}")],
    }
}

fn function_name(name: &ObjectName) -> String {
    parts(name).pop().unwrap_or_default()
}

/// A WITH clause in scope.
struct Frame {
    query: *const Query,
    ctes: Vec<(String, *const Query)>,
    recursive: bool,
    /// The CTE whose body is being visited.
    current: Option<usize>,
    /// How many CTE bodies have been visited.
    done: usize,
}

impl Frame {
    fn visible(&self) -> &[(String, *const Query)] {
        let n = if self.recursive {
            self.ctes.len()
        } else {
            self.current.unwrap_or(self.done)
        };
        self.ctes.get(..n).unwrap_or(&self.ctes)
    }
}

struct Walk<'a> {
    f: Features,
    path: &'a SearchPath,
    frames: Vec<Frame>,
    /// Table factors that are DML targets (recorded as writes, not reads).
    targets: HashSet<*const TableFactor>,
}

impl Walk<'_> {
    fn is_cte(&self, name: &ObjectName) -> bool {
        let [ObjectNamePart::Identifier(i)] = name.0.as_slice() else {
            return false;
        };
        let n = ident(i);
        self.frames
            .iter()
            .rev()
            .any(|fr| fr.visible().iter().any(|(c, _)| *c == n))
    }

    fn read(&mut self, name: &ObjectName) {
        if !self.is_cte(name) {
            self.f.reads.extend(tables(name, self.path));
        }
    }

    fn write(&mut self, name: &ObjectName) {
        self.f.writes.extend(tables(name, self.path));
    }

    /// A DML target read back (RETURNING): the target is a table even where a CTE has its name.
    fn read_back(&mut self, name: &ObjectName) {
        self.f.reads.extend(tables(name, self.path));
    }

    fn call(&mut self, name: &ObjectName) {
        let n = function_name(name);
        if ADMIN_FUNCTIONS.contains(&n.as_str()) {
            self.f.admin.insert(format!("fn:{n}"));
        }
        self.f.functions.insert(n);
    }

    /// DML targets: written; read too when `read_back` (RETURNING).
    fn target(&mut self, t: &TableWithJoins, read_back: bool) {
        self.target_factor(&t.relation, read_back);
        // Multi-table forms (MySQL): any joined table may be written.
        for j in &t.joins {
            if let TableFactor::Table { name, .. } = &j.relation {
                self.write(name);
            }
        }
    }

    fn target_factor(&mut self, t: &TableFactor, read_back: bool) {
        match t {
            TableFactor::Table {
                name, args: None, ..
            } => {
                self.targets.insert(t as *const TableFactor);
                self.write(name);
                if read_back {
                    self.read_back(name);
                }
            }
            _ => {
                self.f.admin.insert("other".into());
            }
        }
    }

    /// `TABLE t` in a query body (not a table factor, so the visitor does not see it).
    fn table_bodies(&mut self, body: &SetExpr) {
        match body {
            SetExpr::Table(t) => {
                if let Some(table) = &t.table_name {
                    let idents: Vec<Ident> = t.schema_name.iter().chain([table]).cloned().collect();
                    self.read(&ObjectName::from(idents));
                }
            }
            SetExpr::SetOperation { left, right, .. } => {
                self.table_bodies(left);
                self.table_bodies(right);
            }
            _ => {}
        }
    }

    fn on_statement(&mut self, s: &Statement) {
        let (dml, unbounded) = match s {
            Statement::Insert(_) => (Some("insert"), false),
            Statement::Update(u) => (Some("update"), u.selection.is_none()),
            Statement::Delete(d) => (Some("delete"), d.selection.is_none()),
            // A MERGE that updates or deletes matched rows has no WHERE to bound it.
            Statement::Merge(m) => (
                Some("merge"),
                m.clauses.iter().any(|c| {
                    matches!(
                        c.action,
                        sqlparser::ast::MergeAction::Update(_)
                            | sqlparser::ast::MergeAction::Delete { .. }
                    )
                }),
            ),
            Statement::Truncate(_) => (Some("truncate"), true),
            _ => (None, false),
        };
        self.f.dml.extend(dml);
        self.f.unbounded_write |= unbounded;
        match s {
            Statement::Insert(i) => {
                let back = i.returning.is_some();
                match &i.table {
                    TableObject::TableName(n) => {
                        self.write(n);
                        if back {
                            self.read_back(n);
                        }
                    }
                    _ => {
                        self.f.admin.insert("other".into());
                    }
                }
            }
            Statement::Update(u) => self.target(&u.table, u.returning.is_some()),
            Statement::Delete(d) => {
                let back = d.returning.is_some();
                if d.tables.is_empty() {
                    let from = match &d.from {
                        FromTable::WithFromKeyword(f) | FromTable::WithoutKeyword(f) => f,
                    };
                    for t in from {
                        self.target(t, back);
                    }
                } else {
                    for n in &d.tables {
                        self.write(n);
                    }
                }
            }
            Statement::Merge(m) => self.target_factor(&m.table, m.output.is_some()),
            Statement::Truncate(t) => {
                for n in &t.table_names {
                    self.write(&n.name);
                }
                // CASCADE empties tables the statement does not name.
                if matches!(t.cascade, Some(sqlparser::ast::CascadeOption::Cascade)) {
                    self.f.admin.insert("truncate_cascade".into());
                }
            }
            Statement::Lock(l) => {
                for n in &l.tables {
                    self.write(&n.name);
                }
            }
            Statement::Copy {
                source, to, target, ..
            } => {
                match (source, to) {
                    (CopySource::Table { table_name, .. }, true) => {
                        self.read(table_name);
                        self.f.exports.extend(tables(table_name, self.path));
                    }
                    (CopySource::Table { table_name, .. }, false) => self.write(table_name),
                    // The query's reads are exported; filled in when the walk ends.
                    (CopySource::Query(_), _) => {}
                }
                match target {
                    CopyTarget::File { .. } => {
                        self.f.admin.insert("copy_file".into());
                    }
                    CopyTarget::Program { .. } => {
                        self.f.admin.insert("copy_program".into());
                    }
                    CopyTarget::Stdin | CopyTarget::Stdout => {}
                }
            }
            Statement::Call(f) => {
                self.call(&f.name);
                self.f.admin.insert("call".into());
            }
            _ => {}
        }
        let (kind, admin, ddl) = requirement(s);
        if let Some(a) = admin {
            self.f.admin.insert(a.to_string());
        }
        if ddl {
            self.f.ddl = true;
        }
        // Only the top statement names the kind; nested ones (EXPLAIN's, PREPARE's, a CTE's
        // DML) add what they need.
        let _ = kind;
    }
}

impl Visitor for Walk<'_> {
    type Break = ();

    fn pre_visit_statement(&mut self, s: &Statement) -> ControlFlow<()> {
        self.on_statement(s);
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        let ptr = q as *const Query;
        if let Some(top) = self.frames.last_mut()
            && top.current.is_none()
            && top.ctes.get(top.done).is_some_and(|(_, body)| *body == ptr)
        {
            top.current = Some(top.done);
        }
        if let Some(w) = &q.with {
            self.frames.push(Frame {
                query: ptr,
                ctes: w
                    .cte_tables
                    .iter()
                    .map(|c| (ident(&c.alias.name), &*c.query as *const Query))
                    .collect(),
                recursive: w.recursive,
                current: None,
                done: 0,
            });
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
        let ptr = q as *const Query;
        // `TABLE t` bodies: resolved now, with this query's CTEs in scope.
        self.table_bodies(&q.body);
        if self.frames.last().is_some_and(|f| f.query == ptr) {
            self.frames.pop();
        }
        if let Some(top) = self.frames.last_mut()
            && let Some(i) = top.current
            && top.ctes.get(i).is_some_and(|(_, body)| *body == ptr)
        {
            top.current = None;
            top.done = i + 1;
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, t: &TableFactor) -> ControlFlow<()> {
        match t {
            TableFactor::Table {
                name, args: None, ..
            } if !self.targets.contains(&(t as *const TableFactor)) => self.read(name),
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            }
            | TableFactor::Function { name, .. } => self.call(name),
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        if let Expr::Function(Function { name, .. }) = e {
            self.call(name);
        }
        ControlFlow::Continue(())
    }
}

/// `WITH … UPDATE/DELETE/INSERT/MERGE` parses as a query whose body is the statement: that
/// statement is what runs.
fn main_statement(s: &Statement) -> &Statement {
    match s {
        Statement::Query(q) => match &*q.body {
            SetExpr::Insert(st)
            | SetExpr::Update(st)
            | SetExpr::Delete(st)
            | SetExpr::Merge(st) => main_statement(st),
            _ => s,
        },
        _ => s,
    }
}

fn statement(s: &Statement, path: &SearchPath) -> Features {
    let (kind, _, _) = requirement(main_statement(s));
    let mut walk = Walk {
        f: Features::empty(kind),
        path,
        frames: Vec::new(),
        targets: HashSet::new(),
    };
    let _ = s.visit(&mut walk);
    let mut f = walk.f;
    if let Statement::Copy {
        source: CopySource::Query(q),
        to: true,
        ..
    } = s
    {
        f.exports = f.reads.clone();
        (f.has_where, f.has_limit) = bounds(q);
    }
    match main_statement(s) {
        Statement::Query(q) => (f.has_where, f.has_limit) = bounds(q),
        Statement::Update(u) => {
            f.has_where = u.selection.is_some();
            f.has_limit = u.limit.is_some();
        }
        Statement::Delete(d) => {
            f.has_where = d.selection.is_some();
            f.has_limit = d.limit.is_some();
        }
        _ => {}
    }
    f
}

/// WHERE (every branch) and LIMIT of a top-level query.
fn bounds(q: &Query) -> (bool, bool) {
    fn where_in(body: &SetExpr) -> bool {
        match body {
            SetExpr::Select(s) => s.selection.is_some(),
            SetExpr::Query(q) => where_in(&q.body),
            SetExpr::SetOperation { left, right, .. } => where_in(left) && where_in(right),
            _ => false,
        }
    }
    let limit = q.fetch.is_some()
        || q.limit_clause.as_ref().is_some_and(|l| match l {
            sqlparser::ast::LimitClause::LimitOffset { limit, .. } => limit.is_some(),
            sqlparser::ast::LimitClause::OffsetCommaLimit { .. } => true,
        });
    (where_in(&q.body), limit)
}

fn selects_into(body: &SetExpr) -> bool {
    match body {
        SetExpr::Select(s) => s.into.is_some(),
        SetExpr::Query(q) => selects_into(&q.body),
        SetExpr::SetOperation { left, right, .. } => selects_into(left) || selects_into(right),
        _ => false,
    }
}

fn is_name(name: &ObjectName, want: &str) -> bool {
    matches!(parts(name).as_slice(), [n] if n == want)
}

/// A SET/RESET of `name`: what it changes, for policy.
fn setting(name: &ObjectName) -> (Kind, Option<&'static str>) {
    if is_name(name, "role") || is_name(name, "session_authorization") {
        (Kind::SetRole, Some("set_role"))
    } else if is_name(name, "search_path") {
        (Kind::Set, Some("search_path"))
    } else if is_name(name, "client_encoding") || is_name(name, "names") {
        // Some client encodings put quote-like bytes inside characters: boundaries move.
        (Kind::Set, Some("client_encoding"))
    } else if is_name(name, "standard_conforming_strings") {
        // Off, backslashes escape in every string and statement boundaries move.
        (Kind::Set, Some("standard_conforming_strings"))
    } else {
        (Kind::Set, None)
    }
}

/// A statement's kind, the `admin` reason it carries by itself, and whether it needs `ddl`.
fn requirement(s: &Statement) -> (Kind, Option<&'static str>, bool) {
    use Statement as S;
    let ddl = |_: ()| (Kind::Ddl, None, true);
    match s {
        S::Query(q) if selects_into(&q.body) => (Kind::CreateTableAs, None, true),
        S::Query(_) => (Kind::Select, None, false),
        S::Insert(_) => (Kind::Insert, None, false),
        S::Update(_) => (Kind::Update, None, false),
        S::Delete(_) => (Kind::Delete, None, false),
        S::Merge(_) => (Kind::Merge, None, false),
        S::Truncate(_) => (Kind::Truncate, None, false),
        S::Copy { to: true, .. } => (Kind::CopyTo, None, false),
        S::Copy { to: false, .. } => (Kind::CopyFrom, None, false),
        S::CreateTable(t) if t.query.is_some() => (Kind::CreateTableAs, None, true),
        S::Set(set) => match set {
            Set::SetRole { .. } | Set::SetSessionAuthorization(_) => {
                (Kind::SetRole, Some("set_role"), false)
            }
            Set::SetNames { .. } | Set::SetNamesDefault {} => {
                (Kind::Set, Some("client_encoding"), false)
            }
            Set::SingleAssignment { variable, .. } => {
                let (k, a) = setting(variable);
                (k, a, false)
            }
            Set::ParenthesizedAssignments { variables, .. } => {
                most_privileged(variables.iter().map(setting))
            }
            Set::MultipleAssignments { assignments } => {
                most_privileged(assignments.iter().map(|a| setting(&a.name)))
            }
            _ => (Kind::Set, None, false),
        },
        S::Reset(r) => match &r.reset {
            Reset::SessionAuthorization => (Kind::SetRole, Some("set_role"), false),
            Reset::ConfigurationParameter(n) => {
                let (k, a) = setting(n);
                // RESET search_path returns to the session's default: nothing to guard.
                (k, a.filter(|a| *a != "search_path"), false)
            }
            Reset::ALL => (Kind::Set, None, false),
        },
        S::ShowVariable { .. }
        | S::ShowVariables { .. }
        | S::ShowStatus { .. }
        | S::ShowCollation { .. } => (Kind::Show, None, false),
        S::StartTransaction { statements, .. } if statements.is_empty() => {
            (Kind::Transaction, None, false)
        }
        S::Commit { .. }
        | S::Rollback { .. }
        | S::Savepoint { .. }
        | S::ReleaseSavepoint { .. } => (Kind::Transaction, None, false),
        S::Explain { .. } => (Kind::Explain, None, false),
        S::Prepare { .. } => (Kind::Prepare, None, false),
        S::Execute { .. } => (Kind::Execute, Some("execute"), false),
        S::Deallocate { .. } => (Kind::Deallocate, None, false),
        S::Call(_) => (Kind::Call, Some("call"), false),
        S::Lock(_) => (Kind::Lock, None, false),
        S::LISTEN { .. } => (Kind::Listen, None, false),
        S::UNLISTEN { .. } => (Kind::Unlisten, None, false),
        S::NOTIFY { .. } => (Kind::Notify, None, false),
        S::Analyze(_) | S::Vacuum(_) | S::RefreshMaterializedView(_) => {
            (Kind::Maintenance, None, true)
        }
        S::Declare { .. } => (Kind::Declare, None, false),
        S::Fetch { .. } => (Kind::Fetch, None, false),
        S::Close { .. } => (Kind::Close, None, false),
        S::Discard { .. } => (Kind::Discard, None, false),
        S::Grant(_)
        | S::GrantRole(_)
        | S::Revoke(_)
        | S::RevokeRole(_)
        | S::Deny(_)
        | S::CreateRole(_)
        | S::AlterRole { .. }
        | S::CreateUser(_)
        | S::AlterUser(_)
        | S::AlterDefaultPrivileges(_) => (Kind::Privilege, Some("privilege"), false),
        S::Drop {
            object_type: ObjectType::Role | ObjectType::User,
            ..
        } => (Kind::Privilege, Some("privilege"), false),
        S::CreateView(_)
        | S::CreateTable(_)
        | S::CreateIndex(_)
        | S::CreateSchema { .. }
        | S::CreateSequence { .. }
        | S::CreateType { .. }
        | S::CreateDomain(_)
        | S::CreateFunction(_)
        | S::CreateTrigger(_)
        | S::CreateExtension(_)
        | S::CreatePolicy(_)
        | S::CreateRule(_)
        | S::CreateOperator(_)
        | S::CreateAggregate(_)
        | S::CreateCollation(_)
        | S::CreateTextSearch(_)
        | S::CreateProcedure { .. }
        | S::CreateForeignTable(_)
        | S::CreateServer(_)
        | S::CreateForeignDataWrapper(_)
        | S::CreateUserMapping(_)
        | S::CreateDatabase { .. }
        | S::AlterTable(_)
        | S::AlterSchema(_)
        | S::AlterIndex { .. }
        | S::AlterView(_)
        | S::AlterFunction(_)
        | S::AlterType(_)
        | S::AlterCollation(_)
        | S::AlterPolicy(_)
        | S::AlterTrigger(_)
        | S::AlterTextSearch(_)
        | S::Drop { .. }
        | S::DropFunction(_)
        | S::DropDomain(_)
        | S::DropProcedure { .. }
        | S::DropPolicy(_)
        | S::DropRule(_)
        | S::DropTrigger(_)
        | S::DropExtension(_)
        | S::DropOperator(_)
        | S::Comment { .. }
        | S::RenameTable(_) => ddl(()),
        _ => (Kind::Other, Some("other"), false),
    }
}

fn most_privileged(
    settings: impl Iterator<Item = (Kind, Option<&'static str>)>,
) -> (Kind, Option<&'static str>, bool) {
    let mut out = (Kind::Set, None, false);
    for (k, a) in settings {
        if k == Kind::SetRole || (out.1.is_none() && a.is_some()) {
            out = (k, a, false);
        }
    }
    out
}

#[cfg(test)]
mod tests;
