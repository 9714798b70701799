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

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::gateway::config::{ClaimCondition, WorkloadAlg, WorkloadIssuer, WorkloadKind};

/// Tokens longer than this are refused before any parsing.
const MAX_TOKEN_LEN: usize = 16 * 1024;
/// JWKS and discovery documents larger than this are refused.
const MAX_DOCUMENT: usize = 256 * 1024;
/// A JWKS is trusted this long before it is fetched again on use.
const JWKS_TTL: Duration = Duration::from_secs(3600);
/// Longest text of the caller's own making quoted in an error.
const QUOTE: usize = 120;

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

#[derive(Debug)]
struct RefusalWindow {
    start: Instant,
    audited: u32,
    suppressed: u64,
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
    refusals: std::sync::Mutex<RefusalWindow>,
}

#[derive(Debug)]
struct Issuer {
    cfg: Arc<WorkloadIssuer>,
    http: reqwest::Client,
    /// Read by every verification; written only to install a fetched JWKS (never held across
    /// an await, so a slow issuer never blocks tokens whose keys are cached).
    keys: std::sync::RwLock<KeyCache>,
    /// Held across a fetch: concurrent misses wait for one fetch instead of starting many.
    fetching: tokio::sync::Mutex<FetchState>,
}

#[derive(Default)]
struct KeyCache {
    /// Keys by `kid`.
    named: HashMap<String, Key>,
    /// Every usable key, named or not (a token without `kid` may use the only key of its type).
    all: Vec<Key>,
    fetched: Option<Instant>,
    /// Why the last fetch failed, while no fetch has succeeded since.
    last_error: Option<String>,
}

#[derive(Debug, Default)]
struct FetchState {
    jwks_uri: Option<String>,
    attempted: Option<Instant>,
}

/// A fetched JWKS: keys by `kid`, and every usable key.
type KeySet = (HashMap<String, Key>, Vec<Key>);

/// What the cache says about one key, read in one go.
struct Cached {
    key: Option<Key>,
    stale: bool,
    last_error: Option<String>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache")
            .field("kids", &self.named.keys().collect::<Vec<_>>())
            .field("keys", &self.all.len())
            .finish()
    }
}

#[derive(Clone)]
struct Key {
    decoding: DecodingKey,
    family: Family,
    alg: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    Rsa,
    P256,
    P384,
}

impl WorkloadAlg {
    fn jwt(self) -> Algorithm {
        match self {
            WorkloadAlg::RS256 => Algorithm::RS256,
            WorkloadAlg::RS384 => Algorithm::RS384,
            WorkloadAlg::RS512 => Algorithm::RS512,
            WorkloadAlg::PS256 => Algorithm::PS256,
            WorkloadAlg::PS384 => Algorithm::PS384,
            WorkloadAlg::PS512 => Algorithm::PS512,
            WorkloadAlg::ES256 => Algorithm::ES256,
            WorkloadAlg::ES384 => Algorithm::ES384,
        }
    }

    fn family(self) -> Family {
        match self {
            WorkloadAlg::ES256 => Family::P256,
            WorkloadAlg::ES384 => Family::P384,
            _ => Family::Rsa,
        }
    }

    fn parse(s: &str) -> Option<WorkloadAlg> {
        Some(match s {
            "RS256" => WorkloadAlg::RS256,
            "RS384" => WorkloadAlg::RS384,
            "RS512" => WorkloadAlg::RS512,
            "PS256" => WorkloadAlg::PS256,
            "PS384" => WorkloadAlg::PS384,
            "PS512" => WorkloadAlg::PS512,
            "ES256" => WorkloadAlg::ES256,
            "ES384" => WorkloadAlg::ES384,
            _ => return None,
        })
    }
}

/// The part of the header read before anything is trusted.
#[derive(Deserialize)]
struct RawHeader {
    alg: Option<String>,
    kid: Option<String>,
}

fn quote(s: &str) -> String {
    let cut: String = s.chars().take(QUOTE).collect();
    if cut.len() < s.len() {
        format!("{cut:?}…")
    } else {
        format!("{cut:?}")
    }
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
            let http = reqwest::Client::builder()
                .user_agent(concat!("hoopctl-gateway/", env!("CARGO_PKG_VERSION")))
                .https_only(!w.insecure_http)
                .connect_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(10))
                .redirect(reqwest::redirect::Policy::limited(3))
                .build()
                .map_err(|e| format!("auth.workload {:?}: HTTP client: {e}", w.name))?;
            issuers.push(Issuer {
                cfg: Arc::new(w.clone()),
                http,
                keys: std::sync::RwLock::new(KeyCache::default()),
                fetching: tokio::sync::Mutex::new(FetchState::default()),
            });
        }
        Ok(Workloads {
            issuers,
            refusals: std::sync::Mutex::new(RefusalWindow {
                start: Instant::now(),
                audited: 0,
                suppressed: 0,
            }),
        })
    }

    /// Whether this refusal gets its own audit event, and how many earlier ones were left out
    /// (to be recorded in one summary event) when a new minute starts.
    pub fn admit_refusal(&self) -> (bool, u64) {
        let Ok(mut w) = self.refusals.lock() else {
            return (true, 0);
        };
        let mut left_out = 0;
        if w.start.elapsed() >= Duration::from_secs(60) {
            left_out = w.suppressed;
            *w = RefusalWindow {
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
        let key = issuer.key(header.kid.as_deref(), walg).await?;
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

impl Issuer {
    fn cached(&self, kid: Option<&str>, alg: WorkloadAlg) -> Cached {
        match self.keys.read() {
            Ok(c) => Cached {
                key: lookup(&c, kid, alg),
                stale: c.fetched.is_none_or(|t| t.elapsed() > JWKS_TTL),
                last_error: c.last_error.clone(),
            },
            Err(_) => Cached {
                key: None,
                stale: true,
                last_error: None,
            },
        }
    }

    /// Puts a fetch's outcome into the cache: new keys, or the reason there are none.
    fn install(&self, fetched: Result<KeySet, String>) {
        let Ok(mut c) = self.keys.write() else { return };
        match fetched {
            Ok((named, all)) => {
                c.named = named;
                c.all = all;
                c.fetched = Some(Instant::now());
                c.last_error = None;
            }
            Err(e) => {
                tracing::warn!(issuer = %self.cfg.name, error = %e, "JWKS fetch failed");
                c.last_error = Some(e);
            }
        }
    }

    /// The verification key for `kid`, fetching the JWKS when the cache is cold, stale, or does
    /// not know `kid` — the last at most once per `jwks_min_refresh`.
    async fn key(&self, kid: Option<&str>, alg: WorkloadAlg) -> Result<Key, WorkloadError> {
        let mut seen = self.cached(kid, alg);
        if seen.key.is_none() || seen.stale {
            // A stale key still verifies while someone else refreshes; a miss waits for the fetch.
            let guard = match seen.key {
                Some(_) => self.fetching.try_lock().ok(),
                None => Some(self.fetching.lock().await),
            };
            if let Some(mut st) = guard {
                let again = self.cached(kid, alg);
                let may = st
                    .attempted
                    .is_none_or(|t| t.elapsed() >= self.cfg.jwks_min_refresh);
                if (again.key.is_none() || again.stale) && may {
                    st.attempted = Some(Instant::now());
                    let fetched = self.fetch(&mut st).await;
                    self.install(fetched);
                }
                seen = self.cached(kid, alg);
            }
        }
        let key = match seen.key {
            Some(k) => k,
            None => {
                return Err(match (seen.last_error, kid) {
                    // The issuer could not be reached: an outage, not a bad token.
                    (Some(e), _) => {
                        tracing::warn!(issuer = %self.cfg.name, error = %e, "no usable JWKS");
                        WorkloadError::Unavailable(format!(
                            "the signing keys of issuer {} cannot be fetched now; try again later",
                            self.cfg.name
                        ))
                    }
                    (None, Some(k)) => refused(format!(
                        "signing key {} is not in the JWKS of issuer {}",
                        quote(k),
                        self.cfg.name
                    )),
                    (None, None) => refused(format!(
                        "the token names no key (kid) and issuer {} has no single {alg:?} key",
                        self.cfg.name
                    )),
                });
            }
        };
        if key.family != alg.family() {
            return Err(refused(format!(
                "key {} of issuer {} is not a key for {alg:?}",
                quote(kid.unwrap_or("-")),
                self.cfg.name
            )));
        }
        if let Some(a) = &key.alg
            && a != &format!("{alg:?}")
        {
            return Err(refused(format!(
                "key {} of issuer {} is for {}, the token says {alg:?}",
                quote(kid.unwrap_or("-")),
                self.cfg.name,
                quote(a)
            )));
        }
        Ok(key)
    }

    /// Discovery (once) and the JWKS. Errors are for the log: they may name internal URLs.
    async fn fetch(&self, st: &mut FetchState) -> Result<KeySet, String> {
        let uri = match (&self.cfg.jwks_url, &st.jwks_uri) {
            (Some(u), _) => u.clone(),
            (None, Some(u)) => u.clone(),
            (None, None) => {
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    self.cfg.issuer.trim_end_matches('/')
                );
                let doc: Value = self.get_json(&url).await?;
                if doc.get("issuer").and_then(Value::as_str) != Some(self.cfg.issuer.as_str()) {
                    return Err(format!("{url} names another issuer"));
                }
                let u = doc
                    .get("jwks_uri")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("{url} has no jwks_uri"))?
                    .to_string();
                if !crate::proto::url_allowed(&u, self.cfg.insecure_http) {
                    return Err(format!("jwks_uri {u:?} is not an https:// URL"));
                }
                st.jwks_uri = Some(u.clone());
                u
            }
        };
        let set: JwkSet = serde_json::from_value(self.get_json(&uri).await?)
            .map_err(|e| format!("the JWKS at {uri} is malformed: {e}"))?;
        let mut named: HashMap<String, Key> = HashMap::new();
        let mut dup = Vec::new();
        let mut all = Vec::new();
        for jwk in &set.keys {
            let Some(k) = usable(jwk) else { continue };
            if let Some(id) = &jwk.common.key_id
                && named.insert(id.clone(), k.clone()).is_some()
            {
                dup.push(id.clone());
            }
            all.push(k);
        }
        // Two keys under one kid: which one is meant is unknowable, so neither is used by kid.
        for id in dup {
            tracing::warn!(issuer = %self.cfg.name, kid = %id, "JWKS has duplicate kid; ignoring it");
            named.remove(&id);
        }
        tracing::info!(issuer = %self.cfg.name, keys = all.len(), "fetched JWKS");
        Ok((named, all))
    }

    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let fail = |m: String| m;
        let mut resp = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| fail(format!("cannot fetch {url}: {e}")))?;
        if !resp.status().is_success() {
            return Err(fail(format!("{url} answered {}", resp.status())));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| fail(format!("reading {url}: {e}")))?
        {
            if body.len() + chunk.len() > MAX_DOCUMENT {
                return Err(fail(format!("{url} is larger than 256 KiB")));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|e| fail(format!("{url} is not JSON: {e}")))
    }
}

/// Keys that can verify a signature: RSA and EC P-256/P-384, `use` absent or `sig`. Symmetric
/// (`oct`) keys are never loaded, so no token can be checked with a shared secret.
fn usable(jwk: &Jwk) -> Option<Key> {
    if matches!(&jwk.common.public_key_use, Some(u) if *u != PublicKeyUse::Signature) {
        return None;
    }
    let family = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Family::Rsa,
        AlgorithmParameters::EllipticCurve(p) => match p.curve {
            EllipticCurve::P256 => Family::P256,
            EllipticCurve::P384 => Family::P384,
            _ => return None,
        },
        _ => return None,
    };
    let decoding = DecodingKey::from_jwk(jwk).ok()?;
    let alg = jwk.common.key_algorithm.map(|a| format!("{a:?}"));
    Some(Key {
        decoding,
        family,
        alg,
    })
}

fn lookup(c: &KeyCache, kid: Option<&str>, alg: WorkloadAlg) -> Option<Key> {
    match kid {
        Some(k) => c.named.get(k).cloned(),
        None => {
            let mut fit = c.all.iter().filter(|k| k.family == alg.family());
            match (fit.next(), fit.next()) {
                (Some(k), None) => Some(k.clone()),
                _ => None,
            }
        }
    }
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
