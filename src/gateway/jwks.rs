//! Signing keys of a token issuer — a CI platform ([`crate::gateway::workload`]) or an
//! organisation's identity provider ([`crate::gateway::oidc`]): OIDC discovery (once, its
//! `issuer` checked), the JWKS (cached for an hour, refetched on an unknown `kid` at most once
//! per `min_refresh`, so a key rotation needs no restart and hostile `kid`s cannot make the
//! gateway fetch on every request), and only asymmetric keys of the family the `alg` needs.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, JwkSet, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use crate::gateway::config::WorkloadAlg;

/// JWKS and discovery documents larger than this are refused.
const MAX_DOCUMENT: usize = 256 * 1024;
/// A JWKS is trusted this long before it is fetched again on use.
const JWKS_TTL: Duration = Duration::from_secs(3600);
/// Longest text of the caller's own making quoted in an error.
const QUOTE: usize = 120;

/// Why no key: the token names one the issuer does not have, or the issuer cannot be reached.
#[derive(Debug, Clone, thiserror::Error)]
pub enum KeyError {
    /// The token is refused.
    #[error("{0}")]
    Refused(String),
    /// The issuer's keys could not be fetched.
    #[error("{0}")]
    Unavailable(String),
}

/// `s` quoted for an error, cut to a readable length.
pub fn quote(s: &str) -> String {
    let cut: String = s.chars().take(QUOTE).collect();
    if cut.len() < s.len() {
        format!("{cut:?}…")
    } else {
        format!("{cut:?}")
    }
}

impl KeySource {
    /// A source for `issuer`; no network until the first key is needed.
    pub fn new(
        label: String,
        issuer: &str,
        jwks_url: Option<&str>,
        insecure_http: bool,
        min_refresh: Duration,
    ) -> Result<KeySource, String> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("hoopctl-gateway/", env!("CARGO_PKG_VERSION")))
            .https_only(!insecure_http)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| format!("{label}: HTTP client: {e}"))?;
        Ok(KeySource {
            label,
            issuer: issuer.to_string(),
            jwks_url: jwks_url.map(str::to_string),
            insecure_http,
            min_refresh,
            http,
            keys: std::sync::RwLock::new(KeyCache::default()),
            fetching: tokio::sync::Mutex::new(FetchState::default()),
        })
    }
}

/// One issuer's signing keys: discovery, JWKS fetch, cache and rotation.
#[derive(Debug)]
pub struct KeySource {
    /// Who, in messages: `issuer github`, `identity provider okta`.
    label: String,
    issuer: String,
    jwks_url: Option<String>,
    insecure_http: bool,
    min_refresh: Duration,
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
    /// The discovery document, once fetched (and its issuer checked).
    discovery: Option<Arc<Value>>,
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

/// A verification key from a JWKS.
#[derive(Clone)]
pub struct Key {
    /// For `jsonwebtoken::decode`.
    pub decoding: DecodingKey,
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
    /// The `jsonwebtoken` algorithm.
    pub fn jwt(self) -> Algorithm {
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

    /// From a JWS header's `alg`.
    pub fn parse(s: &str) -> Option<WorkloadAlg> {
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

impl KeySource {
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
                tracing::warn!(source = %self.label, error = %e, "JWKS fetch failed");
                c.last_error = Some(e);
            }
        }
    }

    /// The verification key for `kid`, fetching the JWKS when the cache is cold, stale, or does
    /// not know `kid` — the last at most once per `jwks_min_refresh`.
    pub async fn key(&self, kid: Option<&str>, alg: WorkloadAlg) -> Result<Key, KeyError> {
        let mut seen = self.cached(kid, alg);
        if seen.key.is_none() || seen.stale {
            // A stale key still verifies while someone else refreshes; a miss waits for the fetch.
            let guard = match seen.key {
                Some(_) => self.fetching.try_lock().ok(),
                None => Some(self.fetching.lock().await),
            };
            if let Some(mut st) = guard {
                let again = self.cached(kid, alg);
                let may = st.attempted.is_none_or(|t| t.elapsed() >= self.min_refresh);
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
                        tracing::warn!(source = %self.label, error = %e, "no usable JWKS");
                        KeyError::Unavailable(format!(
                            "the signing keys of {} cannot be fetched now; try again later",
                            self.label
                        ))
                    }
                    (None, Some(k)) => KeyError::Refused(format!(
                        "signing key {} is not in the JWKS of {}",
                        quote(k),
                        self.label
                    )),
                    (None, None) => KeyError::Refused(format!(
                        "the token names no key (kid) and {} has no single {alg:?} key",
                        self.label
                    )),
                });
            }
        };
        if key.family != alg.family() {
            return Err(KeyError::Refused(format!(
                "key {} of {} is not a key for {alg:?}",
                quote(kid.unwrap_or("-")),
                self.label
            )));
        }
        if let Some(a) = &key.alg
            && a != &format!("{alg:?}")
        {
            return Err(KeyError::Refused(format!(
                "key {} of {} is for {}, the token says {alg:?}",
                quote(kid.unwrap_or("-")),
                self.label,
                quote(a)
            )));
        }
        Ok(key)
    }

    /// The JWKS (its URL from the config or discovery). Errors are for the log: they may name
    /// internal URLs.
    async fn fetch(&self, st: &mut FetchState) -> Result<KeySet, String> {
        let uri = match &self.jwks_url {
            Some(u) => u.clone(),
            None => {
                let doc = self.discover(st).await?;
                let u = doc
                    .get("jwks_uri")
                    .and_then(Value::as_str)
                    .ok_or_else(|| "the discovery document has no jwks_uri".to_string())?
                    .to_string();
                if !crate::proto::url_allowed(&u, self.insecure_http) {
                    return Err(format!("jwks_uri {u:?} is not an https:// URL"));
                }
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
            tracing::warn!(source = %self.label, kid = %id, "JWKS has duplicate kid; ignoring it");
            named.remove(&id);
        }
        tracing::info!(source = %self.label, keys = all.len(), "fetched JWKS");
        Ok((named, all))
    }

    /// The discovery document, fetched once; its `issuer` must be this issuer exactly.
    async fn discover(&self, st: &mut FetchState) -> Result<Arc<Value>, String> {
        if let Some(d) = &st.discovery {
            return Ok(d.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            self.issuer.trim_end_matches('/')
        );
        let doc: Value = self.get_json(&url).await?;
        if doc.get("issuer").and_then(Value::as_str) != Some(self.issuer.as_str()) {
            return Err(format!("{url} names another issuer"));
        }
        let doc = Arc::new(doc);
        st.discovery = Some(doc.clone());
        Ok(doc)
    }

    /// Fetches discovery (when needed) and the JWKS now, ignoring the cache: how many usable
    /// keys the issuer publishes. For `gateway check --online`.
    pub async fn probe(&self) -> Result<usize, String> {
        let mut st = self.fetching.lock().await;
        let (_, all) = self.fetch(&mut st).await?;
        if all.is_empty() {
            return Err("the JWKS holds no usable signing key (RSA or EC P-256/P-384)".into());
        }
        Ok(all.len())
    }

    /// The issuer's OIDC discovery document (fetched once, then kept).
    pub async fn discovery(&self) -> Result<Arc<Value>, String> {
        let mut st = self.fetching.lock().await;
        self.discover(&mut st).await
    }

    /// The HTTP client used for this issuer (https only unless `insecure_http`).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// Fetches `url` as JSON, at most 256 KiB.
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
