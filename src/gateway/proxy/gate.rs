//! Per-statement policy for one session: inspect the SQL, decide, and word the outcome.
//!
//! Protocol-neutral: a proxy hands each statement string here and gets a [`Decision`] back; how
//! a refusal reaches the client (a PostgreSQL ErrorResponse, a MySQL ERR packet) is the
//! proxy's business. The session's fixed facts — who, where, under which grant — are gathered
//! once at start-up.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::clock::now_ms;
use crate::gateway::config::TableConfig;
use crate::gateway::policy::{Policy, Principal, Scope, Verdict};
use crate::gateway::sql::{self, Features, Inspection, Kind, SearchPath};

/// What the proxy does with a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Run it.
    Forward,
    /// Do not run it; tell the client why.
    Refuse(Refusal),
    /// Run it only if a human approves; the requests that need approval.
    Hold(Vec<String>),
}

/// A refusal as the client sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Names the rule and the action (never the statement's data).
    pub message: String,
    /// What to do next (and the parser's message for SQL that did not parse).
    pub hint: Option<String>,
}

/// One session's policy context.
#[derive(Debug)]
pub struct Gate {
    principal: Principal,
    connection: String,
    kind: String,
    tables: BTreeMap<String, TableConfig>,
    reason: String,
    ci: Option<String>,
    path: SearchPath,
}

impl Gate {
    /// The session's facts. `search_path` is the client's start-up setting, if any.
    pub fn new(
        principal: Principal,
        connection: &str,
        kind: &str,
        tables: BTreeMap<String, TableConfig>,
        reason: &str,
        ci: Option<String>,
        search_path: Option<&str>,
    ) -> Gate {
        Gate {
            principal,
            connection: connection.to_string(),
            kind: kind.to_string(),
            tables,
            reason: reason.to_string(),
            ci,
            path: search_path.map(SearchPath::parse).unwrap_or_default(),
        }
    }

    fn scope(&self) -> Scope<'_> {
        Scope {
            principal: &self.principal,
            connection: &self.connection,
            connection_kind: &self.kind,
            tables: &self.tables,
            reason: &self.reason,
            ci: self.ci.as_deref(),
            now_ms: now_ms(),
        }
    }

    /// The grant's stated reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Inspects a statement string (done once per prepared statement).
    pub fn inspect(&self, sql: &str) -> Arc<Inspection> {
        Arc::new(sql::inspect(sql, &self.path))
    }

    /// Decides an inspected statement string.
    pub fn decide(&self, policy: &Policy, sql: &Inspection) -> Decision {
        match policy.decide_statement(&self.scope(), sql) {
            Verdict::Allow => Decision::Forward,
            Verdict::Hold(asks) => Decision::Hold(asks),
            Verdict::Refuse(r) => Decision::Refuse(Refusal {
                message: r.message(),
                hint: Some(match &sql.error {
                    Some(e) => format!(
                        "the gateway's SQL parser rejected it ({e}); statements it cannot read need the `admin` action"
                    ),
                    None => "ask for a policy that permits it (`hoopctl policy test` shows why)"
                        .to_string(),
                }),
            }),
        }
    }

    /// Whether this session sees raw values on a masked connection (`unmask`).
    pub fn may_unmask(&self, policy: &Policy) -> Result<bool, String> {
        policy.may_unmask(&self.scope())
    }
}

/// A statement the gateway cannot see into — a fast-path function call, or a portal bound to
/// a statement it did not see prepared: it needs `admin`.
pub fn opaque(why: &str) -> Arc<Inspection> {
    let mut f = Features::empty(Kind::Other);
    f.admin.insert(why.to_string());
    Arc::new(Inspection {
        statements: vec![f],
        error: None,
    })
}
