//! Workload identity: a CI job (or a pod) proves who it is with the OIDC token its platform signed
//! for that very run, and exchanges it here (RFC 8693) for a short-lived gateway token bound to a
//! service account. No secret is stored on the runner.
//!
//! Verification, in order, each failure with its own message: the token's shape; `alg` on the
//! issuer's allow-list (never `none`, never HMAC: only asymmetric algorithms exist in the config
//! type); `iss` is a configured issuer; the signing key, by `kid`, from the issuer's JWKS (OIDC
//! discovery, cached, refetched on an unknown `kid` at most once per `jwks_min_refresh`); the key's
//! type matches `alg`; the signature; `aud`, `exp`, `nbf`; `iat` present, not in the future and no
//! older than `max_token_age`. Then exactly one binding must match the claims: none is a refusal,
//! two is a configuration error reported as such.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Validation;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::gateway::config::{ClaimCondition, WorkloadAlg, WorkloadIssuer, WorkloadKind};
use crate::gateway::jwks::{KeyError, KeySource, quote};

/// Tokens longer than this are refused before any parsing.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// Why a workload token was refused. The text is for the caller (it names what to fix) and the
/// audit log; it never includes the token.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WorkloadError {
    /// The token is refused.
    #[error("{0}")]
    Refused(String),
    /// Two bindings match: the operator must make them exclusive.
    #[error("{0}")]
    Ambiguous(String),
    /// The issuer's keys could not be fetched.
    #[error("{0}")]
    Unavailable(String),
}

impl WorkloadError {
    /// What the caller is told: overlapping bindings are named only in the log and the audit.
    pub fn client_message(&self) -> String {
        match self {
            WorkloadError::Ambiguous(_) => "gateway configuration error: more than one binding \
                matches this token; the gateway operator must make them exclusive (the gateway \
                log and audit name them)"
                .into(),
            other => other.to_string(),
        }
    }
}

/// Refused exchanges audited per minute; beyond that they are counted and summarised, so an
/// unauthenticated flood cannot grow the audit log without bound.
pub const REFUSALS_AUDITED_PER_MINUTE: u32 = 100;

/// Counts unauthenticated refusals per minute, so a flood of them cannot grow the audit log
/// without bound: the first [`REFUSALS_AUDITED_PER_MINUTE`] of a minute are audited one by one,
/// the rest only counted (and summarised in one event when the next minute starts).
#[derive(Debug)]
pub struct RefusalWindow(std::sync::Mutex<Window>);

#[derive(Debug)]
struct Window {
    start: Instant,
    audited: u32,
    suppressed: u64,
}

impl Default for RefusalWindow {
    fn default() -> Self {
        RefusalWindow(std::sync::Mutex::new(Window {
            start: Instant::now(),
            audited: 0,
            suppressed: 0,
        }))
    }
}

impl RefusalWindow {
    /// Records refusal `event` if this minute's budget allows, after a summary of what the
    /// last minute left out (`what`: "refused workload logins").
    pub async fn record(
        &self,
        store: &crate::gateway::store::Store,
        what: &str,
        event: &crate::gateway::store::NewEvent<'_>,
    ) -> Result<(), crate::gateway::store::StoreError> {
        let (audit_this, left_out) = self.admit();
        if left_out > 0 {
            let d =
                format!("{left_out} more {what} in the last minute were not audited one by one");
            store
                .insert_event(&crate::gateway::store::NewEvent {
                    kind: event.kind,
                    outcome: Some("suppressed"),
                    detail: Some(&d),
                    ..Default::default()
                })
                .await?;
        }
        if audit_this {
            store.insert_event(event).await?;
        }
        Ok(())
    }

    /// Whether this refusal gets its own audit event, and how many earlier ones were left out
    /// (to be recorded in one summary event) when a new minute starts.
    pub fn admit(&self) -> (bool, u64) {
        let Ok(mut w) = self.0.lock() else {
            return (true, 0);
        };
        let mut left_out = 0;
        if w.start.elapsed() >= Duration::from_secs(60) {
            left_out = w.suppressed;
            *w = Window {
                start: Instant::now(),
                audited: 0,
                suppressed: 0,
            };
        }
        if w.audited < REFUSALS_AUDITED_PER_MINUTE {
            w.audited += 1;
            (true, left_out)
        } else {
            w.suppressed += 1;
            (false, left_out)
        }
    }
}

fn refused(msg: impl Into<String>) -> WorkloadError {
    WorkloadError::Refused(msg.into())
}

/// Who the job ran as and where: stored with its tokens, grants and sessions, and shown with
/// every audit event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// `[[auth.workload]]` name.
    pub issuer: String,
    /// The token's `sub`.
    pub subject: String,
    /// Repository or project path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// Workflow or pipeline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow: Option<String>,
    /// Git ref.
    #[serde(skip_serializing_if = "Option::is_none", rename = "ref")]
    pub git_ref: Option<String>,
    /// Commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// Run, pipeline or build id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Attempt of the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_attempt: Option<String>,
    /// Who triggered it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Deployment environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
    /// Link to the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A verified token: the service account it becomes and where it came from.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Service account name.
    pub service_account: String,
    /// Issuer's config.
    pub issuer: Arc<WorkloadIssuer>,
    /// Provenance.
    pub provenance: Provenance,
}

/// The configured issuers with their key caches.
#[derive(Debug)]
pub struct Workloads {
    issuers: Vec<Issuer>,
    /// Refused exchanges audited one by one, per minute (anyone can cause them).
    pub refusals: RefusalWindow,
}

/// A configured issuer and its keys.
#[derive(Debug)]
struct Issuer {
    cfg: Arc<WorkloadIssuer>,
    keys: KeySource,
}

/// The part of the header read before anything is trusted.
#[derive(Deserialize)]
struct RawHeader {
    alg: Option<String>,
    kid: Option<String>,
}

fn b64_json<T: serde::de::DeserializeOwned>(part: &str, what: &str) -> Result<T, WorkloadError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| refused(format!("the token's {what} is not base64url")))?;
    serde_json::from_slice(&bytes).map_err(|_| refused(format!("the token's {what} is not JSON")))
}

impl Workloads {
    /// Builds the issuers from the config; no network until the first token arrives.
    pub fn new(cfg: &[WorkloadIssuer]) -> Result<Workloads, String> {
        let mut issuers = Vec::new();
        for w in cfg {
            let keys = KeySource::new(
                format!("issuer {}", w.name),
                &w.issuer,
                w.jwks_url.as_deref(),
                w.insecure_http,
                w.jwks_min_refresh,
            )?;
            issuers.push(Issuer {
                cfg: Arc::new(w.clone()),
                keys,
            });
        }
        Ok(Workloads {
            issuers,
            refusals: RefusalWindow::default(),
        })
    }

    /// Fetches every issuer's keys now (`gateway check --online`).
    pub async fn probe(&self) -> Vec<(String, Result<String, String>)> {
        let mut out = Vec::new();
        for i in &self.issuers {
            let r = i
                .keys
                .probe()
                .await
                .map(|n| format!("JWKS OK ({n} signing key(s))"));
            out.push((i.cfg.name.clone(), r));
        }
        out
    }

    /// Whether any issuer is configured.
    pub fn is_empty(&self) -> bool {
        self.issuers.is_empty()
    }

    /// Verifies a workload token and picks its service account.
    pub async fn verify(&self, token: &str, now: i64) -> Result<Verified, WorkloadError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(refused("the token is longer than 16 KiB"));
        }
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(refused(
                "the subject_token is not a JWS compact token (header.payload.signature)",
            ));
        }
        let header: RawHeader = b64_json(parts[0], "header")?;
        let alg = header.alg.unwrap_or_default();
        if alg.eq_ignore_ascii_case("none") {
            return Err(refused("unsigned tokens (alg \"none\") are never accepted"));
        }
        if parts[2].is_empty() {
            return Err(refused("the token has no signature"));
        }
        // The issuer is read before the signature is checked, only to choose whose keys check it.
        let claims: Map<String, Value> = b64_json(parts[1], "payload")?;
        let iss = claims
            .get("iss")
            .and_then(Value::as_str)
            .ok_or_else(|| refused("the token has no iss claim"))?;
        let issuer = self
            .issuers
            .iter()
            .find(|i| i.cfg.issuer == iss)
            .ok_or_else(|| {
                refused(format!(
                    "issuer {} is not trusted by this gateway (see [[auth.workload]] in its config)",
                    quote(iss)
                ))
            })?;
        let cfg = &issuer.cfg;
        let walg = WorkloadAlg::parse(&alg)
            .filter(|a| cfg.algorithms.contains(a))
            .ok_or_else(|| {
                let allowed: Vec<String> =
                    cfg.algorithms.iter().map(|a| format!("{a:?}")).collect();
                refused(format!(
                    "algorithm {} is not accepted for issuer {} (accepted: {})",
                    quote(&alg),
                    cfg.name,
                    allowed.join(", ")
                ))
            })?;
        let key = issuer
            .keys
            .key(header.kid.as_deref(), walg)
            .await
            .map_err(|e| match e {
                KeyError::Refused(m) => WorkloadError::Refused(m),
                KeyError::Unavailable(m) => WorkloadError::Unavailable(m),
            })?;
        let mut v = Validation::new(walg.jwt());
        v.set_issuer(&[&cfg.issuer]);
        v.set_audience(&[&cfg.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud"]);
        v.validate_nbf = true;
        v.leeway = cfg.clock_skew.as_secs();
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, &v)
            .map_err(|e| describe(e.kind(), cfg, &claims))?;
        let claims = data.claims;
        let iat = claims
            .get("iat")
            .and_then(Value::as_i64)
            .ok_or_else(|| refused("the token has no iat (issued-at) claim"))?;
        let now_s = now / 1000;
        let skew = cfg.clock_skew.as_secs() as i64;
        if iat > now_s + skew {
            return Err(refused(format!(
                "the token was issued {}s in the future; check the clocks",
                iat - now_s
            )));
        }
        let age = now_s.saturating_sub(iat);
        if age > cfg.max_token_age.as_secs() as i64 + skew {
            return Err(refused(format!(
                "the token is {} old; issuer {} accepts tokens at most {} old (fetch a fresh one)",
                humantime::format_duration(Duration::from_secs(age as u64)),
                cfg.name,
                humantime::format_duration(cfg.max_token_age)
            )));
        }
        let matched: Vec<_> = cfg
            .bindings
            .iter()
            .filter(|b| {
                b.claims
                    .iter()
                    .all(|(k, c)| claim_text(claims.get(k)).is_some_and(|v| holds(c, &v)))
            })
            .collect();
        let binding = match matched.as_slice() {
            [b] => *b,
            [] => {
                return Err(refused(format!(
                    "no binding of issuer {} matches this token (subject {}); ask the gateway operator to add one",
                    cfg.name,
                    quote(claims.get("sub").and_then(Value::as_str).unwrap_or("-"))
                )));
            }
            many => {
                let names: Vec<&str> = many.iter().map(|b| b.label()).collect();
                return Err(WorkloadError::Ambiguous(format!(
                    "gateway configuration error: bindings {} of issuer {} all match this token; \
                     make their claim conditions exclusive",
                    names.join(", "),
                    cfg.name
                )));
            }
        };
        Ok(Verified {
            service_account: binding.service_account.clone(),
            issuer: cfg.clone(),
            provenance: provenance(cfg, &claims),
        })
    }
}

fn describe(
    kind: &jsonwebtoken::errors::ErrorKind,
    cfg: &WorkloadIssuer,
    claims: &Map<String, Value>,
) -> WorkloadError {
    use jsonwebtoken::errors::ErrorKind as K;
    let at = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_i64)
            .map(|s| crate::clock::fmt_ms(s.saturating_mul(1000)))
            .unwrap_or_else(|| "?".into())
    };
    refused(match kind {
        K::InvalidSignature => {
            "the token's signature does not verify against the issuer's key".into()
        }
        K::ExpiredSignature => format!("the token expired at {}", at("exp")),
        K::ImmatureSignature => format!("the token is not valid before {}", at("nbf")),
        K::InvalidAudience => format!(
            "the token's audience {} is not {} (request the token with that audience)",
            quote(&claims.get("aud").map(|a| a.to_string()).unwrap_or_default()),
            quote(&cfg.audience)
        ),
        K::InvalidIssuer => format!("the token's issuer is not {}", quote(&cfg.issuer)),
        K::MissingRequiredClaim(c) => format!("the token has no {c} claim"),
        K::InvalidAlgorithm => "the token's algorithm does not match its key".into(),
        other => {
            // The library's text can quote claim fragments: log it, answer generically.
            tracing::debug!(issuer = %cfg.name, error = ?other, "workload token refused");
            "the token is malformed or its claims have the wrong types".into()
        }
    })
}

/// A claim as text for conditions: strings as they are, numbers and booleans in JSON form.
fn claim_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn holds(c: &ClaimCondition, v: &str) -> bool {
    match c {
        ClaimCondition::Exact(x) => x == v,
        ClaimCondition::OneOf(xs) => xs.iter().any(|x| x == v),
        ClaimCondition::Glob(g) => glob(g, v),
    }
}

/// `*` matches any run of characters (including `/`), `?` one character; everything else
/// itself. Iterative with one backtrack point: no recursion on hostile input, O(len²) at worst
/// on values bounded by the 16 KiB token limit.
pub fn glob(pattern: &str, value: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = value.chars().collect();
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn provenance(cfg: &WorkloadIssuer, c: &Map<String, Value>) -> Provenance {
    let s = |k: &str| claim_text(c.get(k)).filter(|v| !v.is_empty());
    let mut p = Provenance {
        issuer: cfg.name.clone(),
        subject: s("sub").unwrap_or_default(),
        ..Default::default()
    };
    match cfg.kind {
        WorkloadKind::Github => {
            p.repository = s("repository");
            p.workflow = s("workflow");
            p.git_ref = s("ref");
            p.sha = s("sha");
            p.run_id = s("run_id");
            p.run_attempt = s("run_attempt");
            p.actor = s("actor");
            p.environment = s("environment");
            if let (Some(r), Some(id)) = (&p.repository, &p.run_id) {
                p.url = Some(format!("https://github.com/{r}/actions/runs/{id}"));
            }
        }
        WorkloadKind::Gitlab => {
            p.repository = s("project_path");
            p.workflow = s("ci_config_ref_uri");
            p.git_ref = s("ref");
            p.sha = s("sha");
            p.run_id = s("pipeline_id");
            p.actor = s("user_login");
            p.environment = s("environment");
            if let (Some(r), Some(id)) = (&p.repository, &p.run_id) {
                p.url = Some(format!(
                    "{}/{r}/-/pipelines/{id}",
                    cfg.issuer.trim_end_matches('/')
                ));
            }
        }
        WorkloadKind::Circleci => {
            p.repository = s("oidc.circleci.com/vcs-origin");
            p.git_ref = s("oidc.circleci.com/vcs-ref");
            p.run_id = s("oidc.circleci.com/workflow-id").or_else(|| s("oidc.circleci.com/job-id"));
            p.workflow = s("oidc.circleci.com/project-id");
        }
        WorkloadKind::Buildkite => {
            p.repository = match (s("organization_slug"), s("pipeline_slug")) {
                (Some(o), Some(pl)) => Some(format!("{o}/{pl}")),
                _ => None,
            };
            p.workflow = s("step_key");
            p.git_ref = s("build_branch");
            p.sha = s("build_commit");
            p.run_id = s("build_number");
            if let (Some(r), Some(n)) = (&p.repository, &p.run_id) {
                p.url = Some(format!("https://buildkite.com/{r}/builds/{n}"));
            }
        }
        WorkloadKind::Kubernetes => {
            let k = c.get("kubernetes.io");
            let at = |path: &[&str]| {
                let mut v = k?;
                for seg in path {
                    v = v.get(seg)?;
                }
                v.as_str().map(str::to_string)
            };
            p.repository = at(&["namespace"]);
            p.workflow = at(&["serviceaccount", "name"]);
            p.run_id = at(&["pod", "name"]);
        }
        WorkloadKind::Generic => {}
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_like_a_shell_pattern_without_classes() {
        assert!(glob("refs/heads/*", "refs/heads/main"));
        assert!(glob("refs/heads/*", "refs/heads/release/1.2"));
        assert!(!glob("refs/heads/*", "refs/tags/v1"));
        assert!(glob("nightly-?", "nightly-1"));
        assert!(!glob("nightly-?", "nightly-12"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
        assert!(glob("acme/*-etl", "acme/x-etl"));
        // Hostile input stays fast: many stars against a long near-miss.
        let p = "*a".repeat(50);
        let s = "a".repeat(49) + "b";
        assert!(!glob(&p, &s));
        // A `*` in the value is just a character; `?` is one character, not one byte.
        assert!(glob("a*", "a*b"));
        assert!(glob("caf?", "café"));
        assert!(!glob("caf??", "café"));
    }

    #[test]
    fn conditions_compare_numbers_as_text() {
        assert_eq!(
            claim_text(Some(&serde_json::json!(123456))),
            Some("123456".into())
        );
        assert!(holds(&ClaimCondition::Exact("123456".into()), "123456"));
        assert!(holds(
            &ClaimCondition::OneOf(vec!["prod".into(), "staging".into()]),
            "staging"
        ));
        assert!(!holds(&ClaimCondition::Exact("prod".into()), "prod "));
        assert_eq!(claim_text(Some(&serde_json::json!(["a"]))), None);
    }
}
