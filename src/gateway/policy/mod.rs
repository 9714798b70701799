//! Authorization with Cedar, and the [`Permit`] proof type.
//!
//! Every decision goes through here. A grant is decided by evaluating `connect` twice: as asked,
//! then with `context.approved = true`. Allowed as asked → active; allowed only once approved →
//! pending (a human must approve); never allowed → denied. The proxies cannot reach a target
//! without a [`Permit`], and only [`Policy::permit_session`] can make one, so a code path that
//! skips the check does not compile.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use cedar_policy::{
    Authorizer, Context, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid, PolicyId,
    PolicySet, Request, RestrictedExpression, Schema, ValidationMode, Validator,
};
use miette::Diagnostic;

use crate::gateway::sql::Inspection;
use crate::gateway::store::GrantRow;

/// The shipped schema (`hoopctl gateway check` validates policies against it).
pub const SCHEMA: &str = include_str!("schema.cedarschema");
/// The policy `gateway init` writes.
pub const DEFAULT_POLICY: &str = include_str!("default.cedar");

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// Identity name.
    pub name: String,
    /// User or service account.
    pub kind: PrincipalKind,
    /// Group memberships.
    pub groups: Vec<String>,
}

/// The two kinds of principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalKind {
    /// A person.
    User,
    /// A workload.
    ServiceAccount,
}

impl PrincipalKind {
    /// API name.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalKind::User => "user",
            PrincipalKind::ServiceAccount => "service_account",
        }
    }
}

/// The facts a `connect` decision weighs besides who and what.
#[derive(Debug, Clone)]
pub struct ConnectContext<'a> {
    /// Stated reason.
    pub reason: &'a str,
    /// Requested length in seconds.
    pub duration_seconds: i64,
    /// The requester's workload provenance (JSON as stored), for CI identities.
    pub ci: Option<&'a str>,
    /// When (unix ms).
    pub now_ms: i64,
}

/// Outcome of a `connect` decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectDecision {
    /// Allowed now.
    Allow,
    /// Allowed once a human approves.
    NeedsApproval,
    /// Not allowed; the policy ids that decided it (empty: no permit matched).
    Deny(Vec<String>),
}

/// Who runs a statement, where, and under which grant: fixed for a session.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    /// The session's identity.
    pub principal: &'a Principal,
    /// Connection name.
    pub connection: &'a str,
    /// Its protocol.
    pub connection_kind: &'a str,
    /// The connection's table tags from the config (`schema.table` → tags).
    pub tables: &'a std::collections::BTreeMap<String, crate::gateway::config::TableConfig>,
    /// The grant's stated reason.
    pub reason: &'a str,
    /// Workload provenance (JSON as stored) of the grant's requester.
    pub ci: Option<&'a str>,
    /// When (unix ms).
    pub now_ms: i64,
}

/// A review someone wants to decide.
#[derive(Debug, Clone)]
pub struct ReviewRequest<'a> {
    /// `statement` or `grant`.
    pub kind: &'a str,
    /// Who asked.
    pub requester: &'a str,
    /// Connection.
    pub connection: &'a str,
    /// Its protocol ("" when it is no longer configured).
    pub connection_kind: &'a str,
    /// The grant's stated reason.
    pub reason: &'a str,
    /// When (unix ms).
    pub now_ms: i64,
}

/// A statement decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every request is allowed.
    Allow,
    /// Allowed once a human approves; the requests that need it (`read on Table::"…"`).
    Hold(Vec<String>),
    /// Not allowed.
    Refuse(Refused),
}

/// One Cedar request of a statement and its outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// The action.
    pub action: String,
    /// The resource, as Cedar names it.
    pub resource: String,
    /// Allowed as asked.
    pub allowed: bool,
    /// Allowed with `context.approved` (true when `allowed`).
    pub once_approved: bool,
    /// The policies that decided it: the permits that allowed it, or the forbids that denied
    /// it (empty when no permit matched).
    pub rules: Vec<String>,
    /// The statement's kind.
    pub kind: &'static str,
}

/// The verdict of a statement's requests: the first one denied even once approved refuses it;
/// otherwise any denied as asked holds it.
pub fn verdict(asks: &[Explained]) -> Verdict {
    if let Some(r) = asks.iter().find(|a| !a.once_approved) {
        return Verdict::Refuse(Refused {
            action: r.action.clone(),
            resource: r.resource.clone(),
            rules: r.rules.clone(),
            kind: r.kind,
        });
    }
    let held: Vec<String> = asks
        .iter()
        .filter(|a| !a.allowed)
        .map(|a| format!("{} on {}", a.action, a.resource))
        .collect();
    if held.is_empty() {
        Verdict::Allow
    } else {
        Verdict::Hold(held)
    }
}

/// Why a statement is refused: the first request no policy allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    /// The Cedar action (`read`, `admin`…).
    pub action: String,
    /// The resource, as Cedar names it.
    pub resource: String,
    /// The policies that forbade it (empty: no policy permits it).
    pub rules: Vec<String>,
    /// The statement's kind.
    pub kind: &'static str,
}

impl Refused {
    /// The client-facing message: the rule and the action, never the statement's data.
    pub fn message(&self) -> String {
        let why = if self.rules.is_empty() {
            "no policy permits it".to_string()
        } else {
            format!("forbidden by {}", self.rules.join(", "))
        };
        format!(
            "refused by policy: `{}` on {} ({} statement): {why}",
            self.action, self.resource, self.kind
        )
    }
}

/// Proof that a session may reach a target. Only this module constructs it.
#[derive(Debug, Clone)]
pub struct Permit {
    /// Identity the session runs as.
    pub identity: String,
    /// Grant it runs under.
    pub grant_id: String,
    /// Connection it reaches.
    pub connection: String,
    /// When the grant ends (unix ms).
    pub expires_at: i64,
    _sealed: Sealed,
}

/// Private: makes [`Permit`] impossible to build outside this module.
#[derive(Debug, Clone)]
struct Sealed;

/// What a tunnelled client presents: the certificate's claims and the connection it asks for.
#[derive(Debug, Clone)]
pub struct SessionRequest<'a> {
    /// Identity named by the verified client certificate.
    pub cert_identity: &'a str,
    /// Grant named by the verified client certificate.
    pub cert_grant: &'a str,
    /// Connection named in the tunnel preamble.
    pub connection: &'a str,
    /// Protocol of that connection.
    pub connection_kind: &'a str,
}

/// Why a session was refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Refusal {
    /// The certificate's grant does not exist.
    #[error("grant {0} does not exist")]
    UnknownGrant(String),
    /// The grant is not active (pending, denied, revoked, expired).
    #[error("grant {id} is {status}; request a new one with `hoopctl grant request`")]
    NotActive {
        /// Grant id.
        id: String,
        /// Its status.
        status: String,
    },
    /// Certificate, grant and preamble disagree.
    #[error("{0}")]
    Mismatch(String),
    /// Policy no longer allows it.
    #[error("policy no longer allows {identity} to connect to {connection}")]
    PolicyDenied {
        /// Who.
        identity: String,
        /// Where.
        connection: String,
    },
}

/// Loaded and validated policies.
#[derive(Debug, Clone)]
pub struct Policy {
    set: PolicySet,
    schema: Schema,
}

/// The policy in force, replaced whole by a reload (SIGHUP): every statement, connect, approval
/// and unmask decision reads the current one, so a tightened policy applies to sessions already
/// open from their next statement.
#[derive(Debug)]
pub struct Policies {
    current: std::sync::RwLock<(u64, std::sync::Arc<Policy>)>,
}

impl Policies {
    /// Generation 0: `policy`.
    pub fn new(policy: Policy) -> Policies {
        Policies {
            current: std::sync::RwLock::new((0, std::sync::Arc::new(policy))),
        }
    }

    /// The policy in force and its generation (each reload adds one).
    pub fn current(&self) -> (u64, std::sync::Arc<Policy>) {
        match self.current.read() {
            Ok(c) => (c.0, c.1.clone()),
            // A writer panicked mid-replace: the pair is still whole (one assignment).
            Err(p) => {
                let c = p.into_inner();
                (c.0, c.1.clone())
            }
        }
    }

    /// The policy in force.
    pub fn get(&self) -> std::sync::Arc<Policy> {
        self.current().1
    }

    /// Puts `policy` in force; returns its generation.
    pub fn replace(&self, policy: Policy) -> u64 {
        let mut c = match self.current.write() {
            Ok(c) => c,
            Err(p) => p.into_inner(),
        };
        *c = (c.0 + 1, std::sync::Arc::new(policy));
        c.0
    }
}

/// A problem in a policy file, with its location.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct PolicyError(pub String);

fn schema() -> Result<Schema, PolicyError> {
    Schema::from_cedarschema_str(SCHEMA)
        .map(|(s, _)| s)
        .map_err(|e| PolicyError(format!("built-in schema: {e}")))
}

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = src.get(..offset).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

fn located(file: &Path, src: &str, d: &dyn Diagnostic, msg: String) -> String {
    let at = d
        .labels()
        .and_then(|mut l| l.next())
        .map(|l| line_col(src, l.offset()));
    let help = d.help().map(|h| format!(" ({h})")).unwrap_or_default();
    match at {
        Some((l, c)) => format!("{}:{l}:{c}: {msg}{help}", file.display()),
        None => format!("{}: {msg}{help}", file.display()),
    }
}

impl Policy {
    /// Parses policy files and validates them against the schema; every problem is reported
    /// as `file:line:col: message`.
    pub fn load(files: &[PathBuf]) -> Result<Policy, Vec<String>> {
        let mut sources = Vec::new();
        for f in files {
            match std::fs::read_to_string(f) {
                Ok(s) => sources.push((f.clone(), s)),
                Err(e) => {
                    return Err(vec![format!(
                        "cannot read policy file {}: {e}",
                        f.display()
                    )]);
                }
            }
        }
        Self::from_sources(&sources)
    }

    /// Like [`Policy::load`] from in-memory sources.
    pub fn from_sources(sources: &[(PathBuf, String)]) -> Result<Policy, Vec<String>> {
        let schema = schema().map_err(|e| vec![e.0])?;
        let mut set = PolicySet::new();
        let mut errors = Vec::new();
        for (file, src) in sources {
            let parsed = match PolicySet::from_str(src) {
                Ok(p) => p,
                Err(e) => {
                    for d in e.errors_as_strings_with(file, src) {
                        errors.push(d);
                    }
                    continue;
                }
            };
            let file_set = parsed;
            for p in file_set.policies() {
                // `@id("no-phi-export")` names a rule in refusals and reviews.
                let name = p
                    .annotation("id")
                    .map(str::to_string)
                    .unwrap_or_else(|| p.id().to_string());
                let id = format!("{}#{name}", file.display());
                if let Err(e) = set.add(p.new_id(PolicyId::new(id))) {
                    errors.push(format!("{}: {e}", file.display()));
                }
            }
            let result = Validator::new(schema.clone()).validate(&file_set, ValidationMode::Strict);
            for v in result.validation_errors() {
                errors.push(located(file, src, v, v.to_string()));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Policy { set, schema })
    }

    /// The schema to check requests and entities against on the hot path: in debug builds
    /// (every test) always; in release builds not, because the gateway builds them itself and
    /// the check costs more than the decision. Policies are always validated when loaded, and
    /// a request that did not fit would fail evaluation, which denies.
    fn checked(&self) -> Option<&Schema> {
        cfg!(debug_assertions).then_some(&self.schema)
    }

    fn entities(&self, entities: Vec<Entity>) -> Result<Entities, String> {
        Entities::from_entities(entities, self.checked()).map_err(|e| e.to_string())
    }

    /// Number of policies loaded.
    pub fn len(&self) -> usize {
        self.set.policies().count()
    }

    /// True when no policy is loaded (nothing is allowed).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decides `connect` for a principal and a connection.
    pub fn decide_connect(
        &self,
        principal: &Principal,
        connection: &str,
        connection_kind: &str,
        ctx: &ConnectContext<'_>,
    ) -> ConnectDecision {
        let first = self.eval_connect(principal, connection, connection_kind, ctx, false);
        match first {
            Ok((Decision::Allow, _)) => ConnectDecision::Allow,
            Ok((Decision::Deny, reasons)) => {
                match self.eval_connect(principal, connection, connection_kind, ctx, true) {
                    Ok((Decision::Allow, _)) => ConnectDecision::NeedsApproval,
                    _ => ConnectDecision::Deny(reasons),
                }
            }
            Err(e) => ConnectDecision::Deny(vec![e]),
        }
    }

    fn eval_connect(
        &self,
        principal: &Principal,
        connection: &str,
        connection_kind: &str,
        ctx: &ConnectContext<'_>,
        approved: bool,
    ) -> Result<(Decision, Vec<String>), String> {
        let (puid, ruid, entities) =
            principal_and_connection(principal, connection, connection_kind)?;
        let context = Context::from_pairs([
            (
                "reason".to_string(),
                RestrictedExpression::new_string(ctx.reason.to_string()),
            ),
            (
                "duration_seconds".to_string(),
                RestrictedExpression::new_long(ctx.duration_seconds),
            ),
            (
                "approved".to_string(),
                RestrictedExpression::new_bool(approved),
            ),
            ("time".to_string(), time_record(ctx.now_ms)?),
            ("ci".to_string(), ci_record(ctx.ci)?),
        ])
        .map_err(|e| e.to_string())?;
        let entities = self.entities(entities)?;
        self.authorize(puid, "connect", ruid, context, &entities)
    }

    /// One Cedar request. Cedar skips a policy whose evaluation errors, and a skipped `forbid`
    /// would fail open: any error therefore denies, naming the errors.
    fn authorize(
        &self,
        principal: EntityUid,
        action: &str,
        resource: EntityUid,
        context: Context,
        entities: &Entities,
    ) -> Result<(Decision, Vec<String>), String> {
        let action = uid("Action", action)?;
        let request = Request::new(principal, action, resource, context, self.checked())
            .map_err(|e| e.to_string())?;
        let resp = Authorizer::new().is_authorized(&request, &self.set, entities);
        let reasons: Vec<String> = resp.diagnostics().reason().map(|p| p.to_string()).collect();
        let errors: Vec<String> = resp.diagnostics().errors().map(|e| e.to_string()).collect();
        if !errors.is_empty() {
            for e in &errors {
                tracing::warn!(error = %e, "policy evaluation error: denying");
            }
            return Ok((Decision::Deny, errors));
        }
        Ok((resp.decision(), reasons))
    }

    /// Decides a SQL string: every request of every statement must be allowed. A request
    /// denied as asked but allowed once approved holds the string for a review; one denied
    /// either way refuses it.
    pub fn decide_statement(&self, scope: &Scope<'_>, sql: &Inspection) -> Verdict {
        match self.explain_statement(scope, sql, true) {
            Ok(asks) => verdict(&asks),
            Err(e) => Verdict::Refuse(Refused {
                action: "policy".into(),
                resource: format!("Connection::{:?}", scope.connection),
                rules: vec![e],
                kind: sql
                    .statements
                    .first()
                    .map(|s| s.kind.as_str())
                    .unwrap_or("unparsed"),
            }),
        }
    }

    /// Every Cedar request a SQL string makes, with its outcome (`hoopctl policy test`). With
    /// `stop`, ends at the first request denied even once approved (the proxy needs no more).
    pub fn explain_statement(
        &self,
        scope: &Scope<'_>,
        sql: &Inspection,
        stop: bool,
    ) -> Result<Vec<Explained>, String> {
        let (puid, cuid, mut entities) =
            principal_and_connection(scope.principal, scope.connection, scope.connection_kind)?;
        let mut seen = HashSet::new();
        for st in &sql.statements {
            for t in st.reads.iter().chain(&st.writes).chain(&st.exports) {
                if seen.insert(t.as_str()) {
                    entities.push(table_entity(scope.connection, scope.tables, &cuid, t)?);
                }
            }
        }
        let entities = self.entities(entities)?;
        let time = time_record(scope.now_ms)?;
        let ci = ci_record(scope.ci)?;
        let multi = sql.multi_statement();
        let mut out = Vec::new();
        for st in &sql.statements {
            let mut asks: Vec<(&'static str, EntityUid, String)> = Vec::new();
            for (action, set) in [
                ("read", &st.reads),
                ("write", &st.writes),
                ("export", &st.exports),
            ] {
                for t in set {
                    let id = format!("{}/{t}", scope.connection);
                    asks.push((action, uid("Table", &id)?, format!("Table::{id:?}")));
                }
            }
            let conn = format!("Connection::{:?}", scope.connection);
            if st.ddl {
                asks.push(("ddl", cuid.clone(), conn.clone()));
            }
            if !st.admin.is_empty() {
                asks.push(("admin", cuid.clone(), conn));
            }
            let stmt = statement_record(st, multi)?;
            for (action, resource, shown) in asks {
                let context = |approved: bool| {
                    Context::from_pairs([
                        (
                            "reason".to_string(),
                            RestrictedExpression::new_string(scope.reason.to_string()),
                        ),
                        (
                            "approved".to_string(),
                            RestrictedExpression::new_bool(approved),
                        ),
                        ("statement".to_string(), stmt.clone()),
                        ("time".to_string(), time.clone()),
                        ("ci".to_string(), ci.clone()),
                    ])
                    .map_err(|e| e.to_string())
                };
                let (d, rules) = self.authorize(
                    puid.clone(),
                    action,
                    resource.clone(),
                    context(false)?,
                    &entities,
                )?;
                let allowed = d == Decision::Allow;
                let once_approved = allowed
                    || self
                        .authorize(puid.clone(), action, resource, context(true)?, &entities)?
                        .0
                        == Decision::Allow;
                out.push(Explained {
                    action: action.to_string(),
                    resource: shown,
                    allowed,
                    once_approved,
                    rules,
                    kind: st.kind.as_str(),
                });
                if stop && !once_approved {
                    return Ok(out);
                }
            }
        }
        Ok(out)
    }

    /// One request as `hoopctl policy test --action … --resource …` asks it: the context is
    /// the action's defaults (empty reason, not approved, now, no CI, an empty `select`) with
    /// `overrides` merged in.
    pub fn explain_request(
        &self,
        principal: &Principal,
        action: &str,
        resource: &str,
        connections: &std::collections::BTreeMap<String, crate::gateway::config::ConnectionConfig>,
        overrides: &serde_json::Value,
        now_ms: i64,
    ) -> Result<Explained, String> {
        let ruid = EntityUid::from_str(resource).map_err(|e| {
            format!(
                "resource {resource:?}: {e} (write e.g. 'Connection::\"pg\"' or 'Table::\"pg/public.orders\"')"
            )
        })?;
        let (puid, mut entities) = principal_entities(principal)?;
        let id = ruid.id().unescaped().to_string();
        let kind_of = |c: &str| {
            connections
                .get(c)
                .map(|c| c.kind.as_str().to_string())
                .unwrap_or_default()
        };
        match ruid.type_name().to_string().as_str() {
            "Connection" => entities.push(connection_entity(&ruid, &id, &kind_of(&id))?),
            "Table" => {
                let (conn, table) = id
                    .split_once('/')
                    .ok_or_else(|| format!("a Table id is connection/schema.table, not {id:?}"))?;
                let cuid = uid("Connection", conn)?;
                entities.push(connection_entity(&cuid, conn, &kind_of(conn))?);
                let tables = connections
                    .get(conn)
                    .map(|c| c.tables.clone())
                    .unwrap_or_default();
                entities.push(table_entity(conn, &tables, &cuid, table)?);
            }
            other => return Err(format!("resources are Connection or Table, not {other}")),
        }
        let entities = self.entities(entities)?;
        let (unix, hour, weekday) = time_parts(now_ms);
        let time = serde_json::json!({ "unix": unix, "hour": hour, "weekday": weekday });
        let ci = serde_json::json!({
            "present": false, "issuer": "", "subject": "", "repository": "", "workflow": "",
            "ref": "", "environment": "", "actor": ""
        });
        let mut ctx = match action {
            "connect" => serde_json::json!({
                "reason": "", "duration_seconds": 3600, "approved": false, "time": time, "ci": ci
            }),
            "read" | "write" | "export" | "ddl" | "admin" => serde_json::json!({
                "reason": "", "approved": false, "time": time, "ci": ci,
                "statement": {
                    "kind": "select", "tables_read": [], "tables_written": [], "functions": [],
                    "admin_reasons": [], "dml": [], "unbounded_write": false,
                    "has_where": false, "has_limit": false, "multi_statement": false
                }
            }),
            "unmask" => serde_json::json!({ "reason": "", "time": time, "ci": ci }),
            "approve" | "approve_own" => serde_json::json!({
                "kind": "statement", "requester": "", "reason": "", "time": time
            }),
            other => {
                return Err(format!(
                    "unknown action {other:?}: one of connect, read, write, export, ddl, admin, unmask, approve, approve_own"
                ));
            }
        };
        merge(&mut ctx, overrides);
        let auid = uid("Action", action)?;
        let context = |v: serde_json::Value| {
            Context::from_json_value(v, Some((&self.schema, &auid)))
                .map_err(|e| format!("context: {e}"))
        };
        let (d, rules) = self.authorize(
            puid.clone(),
            action,
            ruid.clone(),
            context(ctx.clone())?,
            &entities,
        )?;
        let allowed = d == Decision::Allow;
        let mut once_approved = allowed;
        if !allowed && ctx.get("approved") == Some(&serde_json::Value::Bool(false)) {
            ctx["approved"] = serde_json::Value::Bool(true);
            once_approved = self
                .authorize(puid, action, ruid, context(ctx)?, &entities)?
                .0
                == Decision::Allow;
        }
        Ok(Explained {
            action: action.to_string(),
            resource: resource.to_string(),
            allowed,
            once_approved,
            rules,
            kind: "request",
        })
    }

    /// Whether `approver` may decide a review: `approve`, or `approve_own` when they asked for
    /// it themselves (denied unless a policy permits it explicitly).
    pub fn may_approve(
        &self,
        approver: &Principal,
        review: &ReviewRequest<'_>,
    ) -> Result<bool, String> {
        let (puid, cuid, entities) =
            principal_and_connection(approver, review.connection, review.connection_kind)?;
        let entities = self.entities(entities)?;
        let s = |v: &str| RestrictedExpression::new_string(v.to_string());
        let context = Context::from_pairs([
            ("kind".to_string(), s(review.kind)),
            ("requester".to_string(), s(review.requester)),
            ("reason".to_string(), s(review.reason)),
            ("time".to_string(), time_record(review.now_ms)?),
        ])
        .map_err(|e| e.to_string())?;
        let action = if approver.name == review.requester {
            "approve_own"
        } else {
            "approve"
        };
        let (d, _) = self.authorize(puid, action, cuid, context, &entities)?;
        Ok(d == Decision::Allow)
    }

    /// Whether `principal` sees raw values on a masked connection (the `unmask` action).
    pub fn may_unmask(&self, scope: &Scope<'_>) -> Result<bool, String> {
        let (puid, cuid, entities) =
            principal_and_connection(scope.principal, scope.connection, scope.connection_kind)?;
        let entities = self.entities(entities)?;
        let context = Context::from_pairs([
            (
                "reason".to_string(),
                RestrictedExpression::new_string(scope.reason.to_string()),
            ),
            ("time".to_string(), time_record(scope.now_ms)?),
            ("ci".to_string(), ci_record(scope.ci)?),
        ])
        .map_err(|e| e.to_string())?;
        let (d, _) = self.authorize(puid, "unmask", cuid, context, &entities)?;
        Ok(d == Decision::Allow)
    }

    /// Checks that a tunnelled session may run: the grant exists, is active, belongs to the
    /// certificate's identity, is for the connection the client named, and policy still allows
    /// it. Returns the [`Permit`] the proxy needs.
    pub fn permit_session(
        &self,
        req: &SessionRequest<'_>,
        grant: Option<&GrantRow>,
        principal: Option<&Principal>,
        now_ms: i64,
    ) -> Result<Permit, Refusal> {
        let (cert_identity, cert_grant, requested_connection) =
            (req.cert_identity, req.cert_grant, req.connection);
        let g = grant.ok_or_else(|| Refusal::UnknownGrant(cert_grant.to_string()))?;
        if g.id != cert_grant {
            return Err(Refusal::Mismatch("certificate and grant disagree".into()));
        }
        let expires_at = g.expires_at.unwrap_or(0);
        if g.status != "active" || expires_at <= now_ms {
            let status = if g.status == "active" {
                "expired"
            } else {
                g.status.as_str()
            };
            return Err(Refusal::NotActive {
                id: g.id.clone(),
                status: status.to_string(),
            });
        }
        if g.identity != cert_identity {
            return Err(Refusal::Mismatch(format!(
                "grant {} belongs to {}, not to the certificate's identity {cert_identity}",
                g.id, g.identity
            )));
        }
        if g.connection != requested_connection {
            return Err(Refusal::Mismatch(format!(
                "grant {} is for connection {:?}, not {requested_connection:?}; request a grant for {requested_connection:?}",
                g.id, g.connection
            )));
        }
        let principal = principal.ok_or_else(|| Refusal::PolicyDenied {
            identity: cert_identity.to_string(),
            connection: requested_connection.to_string(),
        })?;
        let ctx = ConnectContext {
            reason: &g.reason,
            duration_seconds: g.duration_ms / 1000,
            ci: g.provenance.as_deref(),
            now_ms,
        };
        // A human approval recorded on the grant counts as `context.approved`.
        let approved = g.decided_by.is_some();
        let allowed = matches!(
            self.eval_connect(
                principal,
                &g.connection,
                req.connection_kind,
                &ctx,
                approved
            ),
            Ok((Decision::Allow, _))
        );
        if !allowed {
            return Err(Refusal::PolicyDenied {
                identity: cert_identity.to_string(),
                connection: requested_connection.to_string(),
            });
        }
        Ok(Permit {
            identity: g.identity.clone(),
            grant_id: g.id.clone(),
            connection: g.connection.clone(),
            expires_at,
            _sealed: Sealed,
        })
    }
}

/// Merges `over` into `base`: objects key by key, anything else replaced.
fn merge(base: &mut serde_json::Value, over: &serde_json::Value) {
    match (base, over) {
        (serde_json::Value::Object(b), serde_json::Value::Object(o)) => {
            for (k, v) in o {
                match b.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

/// The principal (with its groups) and a connection: the entities every request starts from.
fn principal_and_connection(
    principal: &Principal,
    connection: &str,
    kind: &str,
) -> Result<(EntityUid, EntityUid, Vec<Entity>), String> {
    let (puid, mut entities) = principal_entities(principal)?;
    let cuid = uid("Connection", connection)?;
    entities.push(connection_entity(&cuid, connection, kind)?);
    Ok((puid, cuid, entities))
}

fn connection_entity(ruid: &EntityUid, name: &str, kind: &str) -> Result<Entity, String> {
    let attrs = HashMap::from([
        (
            "name".to_string(),
            RestrictedExpression::new_string(name.to_string()),
        ),
        (
            "kind".to_string(),
            RestrictedExpression::new_string(kind.to_string()),
        ),
    ]);
    Entity::new(ruid.clone(), attrs, HashSet::new()).map_err(|e| e.to_string())
}

fn table_entity(
    connection: &str,
    tables: &std::collections::BTreeMap<String, crate::gateway::config::TableConfig>,
    parent: &EntityUid,
    name: &str,
) -> Result<Entity, String> {
    let (schema, table) = name.split_once('.').unwrap_or(("", name));
    let tags = tables.get(name).map(|t| t.tags.clone()).unwrap_or_default();
    let id = format!("{connection}/{name}");
    let s = |v: &str| RestrictedExpression::new_string(v.to_string());
    let attrs = HashMap::from([
        ("name".to_string(), s(name)),
        ("schema".to_string(), s(schema)),
        ("table".to_string(), s(table)),
        ("connection".to_string(), s(connection)),
        (
            "tags".to_string(),
            RestrictedExpression::new_set(tags.into_iter().map(RestrictedExpression::new_string)),
        ),
    ]);
    Entity::new(uid("Table", &id)?, attrs, HashSet::from([parent.clone()]))
        .map_err(|e| e.to_string())
}

fn string_set(items: &std::collections::BTreeSet<String>) -> RestrictedExpression {
    RestrictedExpression::new_set(items.iter().cloned().map(RestrictedExpression::new_string))
}

fn statement_record(
    f: &crate::gateway::sql::Features,
    multi: bool,
) -> Result<RestrictedExpression, String> {
    let fields = [
        (
            "kind".to_string(),
            RestrictedExpression::new_string(f.kind.as_str().to_string()),
        ),
        ("tables_read".to_string(), string_set(&f.reads)),
        ("tables_written".to_string(), string_set(&f.writes)),
        ("functions".to_string(), string_set(&f.functions)),
        ("admin_reasons".to_string(), string_set(&f.admin)),
        (
            "dml".to_string(),
            RestrictedExpression::new_set(
                f.dml
                    .iter()
                    .map(|k| RestrictedExpression::new_string(k.to_string())),
            ),
        ),
        (
            "unbounded_write".to_string(),
            RestrictedExpression::new_bool(f.unbounded_write),
        ),
        (
            "has_where".to_string(),
            RestrictedExpression::new_bool(f.has_where),
        ),
        (
            "has_limit".to_string(),
            RestrictedExpression::new_bool(f.has_limit),
        ),
        (
            "multi_statement".to_string(),
            RestrictedExpression::new_bool(multi),
        ),
    ];
    RestrictedExpression::new_record(fields).map_err(|e| e.to_string())
}

/// Unix seconds, UTC hour and ISO weekday of `now_ms`.
fn time_parts(now_ms: i64) -> (i64, i64, i64) {
    let secs = now_ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    // 1970-01-01 was a Thursday (ISO 4).
    (
        secs,
        secs.rem_euclid(86_400) / 3600,
        (days + 3).rem_euclid(7) + 1,
    )
}

/// `context.time`: unix seconds, UTC hour and ISO weekday.
fn time_record(now_ms: i64) -> Result<RestrictedExpression, String> {
    let (secs, hour, weekday) = time_parts(now_ms);
    let fields = [
        ("unix".to_string(), RestrictedExpression::new_long(secs)),
        ("hour".to_string(), RestrictedExpression::new_long(hour)),
        (
            "weekday".to_string(),
            RestrictedExpression::new_long(weekday),
        ),
    ];
    RestrictedExpression::new_record(fields).map_err(|e| e.to_string())
}

/// `context.ci` from stored provenance JSON; every field "" when there is none. Provenance
/// that does not parse is an error (the request is denied), never "no provenance".
fn ci_record(stored: Option<&str>) -> Result<RestrictedExpression, String> {
    let p: Option<crate::gateway::workload::Provenance> = match stored {
        None => None,
        Some(j) => {
            Some(serde_json::from_str(j).map_err(|e| format!("stored workload provenance: {e}"))?)
        }
    };
    let v = |f: Option<&String>| RestrictedExpression::new_string(f.cloned().unwrap_or_default());
    let fields = [
        (
            "present".to_string(),
            RestrictedExpression::new_bool(p.is_some()),
        ),
        ("issuer".to_string(), v(p.as_ref().map(|p| &p.issuer))),
        ("subject".to_string(), v(p.as_ref().map(|p| &p.subject))),
        (
            "repository".to_string(),
            v(p.as_ref().and_then(|p| p.repository.as_ref())),
        ),
        (
            "workflow".to_string(),
            v(p.as_ref().and_then(|p| p.workflow.as_ref())),
        ),
        (
            "ref".to_string(),
            v(p.as_ref().and_then(|p| p.git_ref.as_ref())),
        ),
        (
            "environment".to_string(),
            v(p.as_ref().and_then(|p| p.environment.as_ref())),
        ),
        (
            "actor".to_string(),
            v(p.as_ref().and_then(|p| p.actor.as_ref())),
        ),
    ];
    RestrictedExpression::new_record(fields).map_err(|e| e.to_string())
}

fn uid(ty: &str, id: &str) -> Result<EntityUid, String> {
    let t = EntityTypeName::from_str(ty).map_err(|e| e.to_string())?;
    Ok(EntityUid::from_type_name_and_id(t, EntityId::new(id)))
}

fn principal_entities(p: &Principal) -> Result<(EntityUid, Vec<Entity>), String> {
    let ty = match p.kind {
        PrincipalKind::User => "User",
        PrincipalKind::ServiceAccount => "ServiceAccount",
    };
    let puid = uid(ty, &p.name)?;
    let mut parents = HashSet::new();
    let mut entities = Vec::new();
    for g in &p.groups {
        let guid = uid("Group", g)?;
        parents.insert(guid.clone());
        entities.push(Entity::new_no_attrs(guid, HashSet::new()));
    }
    let mut attrs = HashMap::new();
    attrs.insert(
        "name".to_string(),
        RestrictedExpression::new_string(p.name.clone()),
    );
    entities.push(Entity::new(puid.clone(), attrs, parents).map_err(|e| e.to_string())?);
    Ok((puid, entities))
}

trait ParseErrorsExt {
    fn errors_as_strings_with(&self, file: &Path, src: &str) -> Vec<String>;
}

impl ParseErrorsExt for cedar_policy::ParseErrors {
    fn errors_as_strings_with(&self, file: &Path, src: &str) -> Vec<String> {
        self.iter()
            .map(|e| located(file, src, e, e.to_string()))
            .collect()
    }
}

#[cfg(test)]
mod tests;
