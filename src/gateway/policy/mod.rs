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
                let id = format!("{}#{}", file.display(), p.id());
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
        let (puid, mut entities) = principal_entities(principal)?;
        let ruid = uid("Connection", connection)?;
        let mut attrs = HashMap::new();
        attrs.insert(
            "name".to_string(),
            RestrictedExpression::new_string(connection.to_string()),
        );
        attrs.insert(
            "kind".to_string(),
            RestrictedExpression::new_string(connection_kind.to_string()),
        );
        entities.push(Entity::new(ruid.clone(), attrs, HashSet::new()).map_err(|e| e.to_string())?);
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
        ])
        .map_err(|e| e.to_string())?;
        let action = uid("Action", "connect")?;
        let request = Request::new(puid, action, ruid, context, Some(&self.schema))
            .map_err(|e| e.to_string())?;
        let entities =
            Entities::from_entities(entities, Some(&self.schema)).map_err(|e| e.to_string())?;
        let resp = Authorizer::new().is_authorized(&request, &self.set, &entities);
        let reasons: Vec<String> = resp.diagnostics().reason().map(|p| p.to_string()).collect();
        // Cedar skips a policy whose evaluation errors; a skipped `forbid` would fail open.
        // Any error therefore denies.
        let errors: Vec<String> = resp.diagnostics().errors().map(|e| e.to_string()).collect();
        if !errors.is_empty() {
            for e in &errors {
                tracing::warn!(error = %e, "policy evaluation error: denying");
            }
            return Ok((Decision::Deny, errors));
        }
        Ok((resp.decision(), reasons))
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
