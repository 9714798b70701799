//! Human sign-in through the organisation's identity provider (`[[auth.oidc]]`).
//!
//! hoopctl keeps speaking only the device flow to the gateway; the `/device` page sends the
//! person to the provider with the authorization code flow and PKCE (S256), and the callback
//! approves the device code for the identity the provider vouches for. Each flow's `state` is
//! single-use, expires after ten minutes, is bound to the device code it approves and to the
//! browser that started it (a cookie only that browser holds: a sign-in link sent to someone
//! else approves nothing); the ID token is checked for signature (JWKS shared with the CI-token
//! code, [`crate::gateway::jwks`]), `iss`, `aud`, `azp`, `exp`/`nbf`/`iat` with the configured
//! skew, `nonce`, `at_hash` when present, and `auth_time` against `max_age`. Claims map to an
//! identity name, an email and groups through [`Selector`]s.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};

use crate::gateway::config::{Config, OidcProvider, WorkloadAlg, valid_name};
use crate::gateway::jwks::{KeyError, KeySource, quote};
use crate::secret::Secret;

/// How long a started sign-in may take at the provider.
pub const FLOW_TTL: Duration = Duration::from_secs(600);
/// Most sign-ins in progress at once (each holds a few hundred bytes until it ends or expires).
const MAX_FLOWS: usize = 10_000;
/// ID tokens longer than this are refused before parsing.
const MAX_TOKEN_LEN: usize = 32 * 1024;

/// A path into a JSON claim set: `groups`, `realm_access.roles`, `org.teams[*].name`,
/// `["https://example.com/groups"]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(Vec<Seg>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Each,
    Index(usize),
}

impl Selector {
    /// Parses a selector; the error says what is wrong where.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let b = s.as_bytes();
        let mut segs = Vec::new();
        let mut i = 0;
        let mut need_key = true;
        while i < b.len() {
            match b[i] {
                b'[' => {
                    let close = s[i..]
                        .find(']')
                        .map(|j| i + j)
                        .ok_or("a '[' is never closed")?;
                    let inner = &s[i + 1..close];
                    if inner == "*" {
                        segs.push(Seg::Each);
                        i = close + 1;
                    } else if inner.starts_with('"') {
                        // A quoted key may hold ']' and '.': find its closing quote first.
                        let end = s[i + 2..]
                            .find("\"]")
                            .map(|j| i + 2 + j)
                            .ok_or("a quoted key is never closed (write [\"key\"])")?;
                        let key = &s[i + 2..end];
                        if key.is_empty() || key.contains('"') {
                            return Err("a quoted key is empty or holds a quote".into());
                        }
                        segs.push(Seg::Key(key.to_string()));
                        i = end + 2;
                    } else if let Ok(n) = inner.parse::<usize>() {
                        segs.push(Seg::Index(n));
                        i = close + 1;
                    } else {
                        return Err(format!("[{inner}] is not [*], [N] or [\"key\"]"));
                    }
                    need_key = false;
                }
                b'.' => {
                    if need_key {
                        return Err("an empty key (two dots, or a leading dot)".into());
                    }
                    need_key = true;
                    i += 1;
                }
                _ => {
                    let end = s[i..].find(['.', '[', ']', '"']).map_or(s.len(), |j| i + j);
                    if end == i {
                        return Err(format!("unexpected {:?}", b[i] as char));
                    }
                    if !need_key {
                        return Err(format!(
                            "a key right after ']' needs a dot: .{}",
                            &s[i..end]
                        ));
                    }
                    segs.push(Seg::Key(s[i..end].to_string()));
                    need_key = false;
                    i = end;
                }
            }
        }
        if segs.is_empty() || need_key {
            return Err("empty, or ends with a dot".into());
        }
        Ok(Selector(segs))
    }

    /// Every value the path reaches.
    pub fn select<'a>(&self, v: &'a Value) -> Vec<&'a Value> {
        let mut cur = vec![v];
        for seg in &self.0 {
            let mut next = Vec::new();
            for v in cur {
                match (seg, v) {
                    (Seg::Key(k), Value::Object(m)) => next.extend(m.get(k)),
                    (Seg::Each, Value::Array(a)) => next.extend(a.iter()),
                    (Seg::Index(n), Value::Array(a)) => next.extend(a.get(*n)),
                    _ => {}
                }
            }
            cur = next;
        }
        cur
    }

    /// The strings the path reaches, arrays of strings flattened; anything else is ignored.
    pub fn strings(&self, v: &Value) -> Vec<String> {
        let mut out = Vec::new();
        for v in self.select(v) {
            match v {
                Value::String(s) => out.push(s.clone()),
                Value::Array(a) => out.extend(a.iter().filter_map(Value::as_str).map(String::from)),
                _ => {}
            }
        }
        out
    }
}

/// The sealing key's file in the data directory.
pub const SEAL_KEY_FILE: &str = "idp-token-key";

/// Seals providers' refresh tokens at rest: AES-256-GCM under a key in the data directory
/// (created on first use, owner-only), with the identity name as associated data, so a sealed
/// token copied to another identity's row does not open. A copy of the store alone holds no
/// usable provider token.
pub struct Sealer(aws_lc_rs::aead::LessSafeKey);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

impl Sealer {
    /// Loads `<data_dir>/idp-token-key`, creating it on first use.
    pub fn load_or_create(data_dir: &std::path::Path) -> anyhow::Result<Sealer> {
        let path = data_dir.join(SEAL_KEY_FILE);
        let bytes = crate::gateway::chain::key_file(&path)?;
        let key = aws_lc_rs::aead::UnboundKey::new(&aws_lc_rs::aead::AES_256_GCM, &bytes)
            .map_err(|_| {
                anyhow::anyhow!(
                    "{} is not a 32-byte key (remove it: people who signed in through an identity provider then sign in again)",
                    path.display()
                )
            })?;
        Ok(Sealer(aws_lc_rs::aead::LessSafeKey::new(key)))
    }

    /// `plain`, sealed for `identity`: a random nonce, then the ciphertext and tag.
    pub fn seal(&self, identity: &str, plain: &Secret<String>) -> Result<Vec<u8>, String> {
        let nonce: [u8; 12] = rand::random();
        let mut buf = plain.expose().as_bytes().to_vec();
        self.0
            .seal_in_place_append_tag(
                aws_lc_rs::aead::Nonce::assume_unique_for_key(nonce),
                aws_lc_rs::aead::Aad::from(identity.as_bytes()),
                &mut buf,
            )
            .map_err(|_| "cannot seal the identity provider's refresh token".to_string())?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&buf);
        Ok(out)
    }

    /// Opens what [`Sealer::seal`] sealed for `identity`; `None` if it was not.
    pub fn open(&self, identity: &str, sealed: &[u8]) -> Option<Secret<String>> {
        let (nonce, rest) = sealed.split_at_checked(12)?;
        let nonce = aws_lc_rs::aead::Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut buf = rest.to_vec();
        let plain = self
            .0
            .open_in_place(
                nonce,
                aws_lc_rs::aead::Aad::from(identity.as_bytes()),
                &mut buf,
            )
            .ok()?;
        String::from_utf8(plain.to_vec()).ok().map(Secret::new)
    }
}

/// A person the provider vouched for, mapped to a hoopctl identity.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The `[[auth.oidc]]` name.
    pub provider: String,
    /// Its issuer.
    pub issuer: String,
    /// `sub`.
    pub subject: String,
    /// The identity name.
    pub name: String,
    /// Email, if any.
    pub email: Option<String>,
    /// Groups (after the provider's claim mapping).
    pub groups: Vec<String>,
    /// Until when the provider vouches for this (the ID token's `exp`, unix ms).
    pub valid_until: i64,
    /// The device code's user code this sign-in approves.
    pub user_code: String,
    /// The provider's refresh token, when it issued one (`offline_access`): the gateway then
    /// asks the provider again at each refresh of the login.
    pub refresh_token: Option<Secret<String>>,
}

/// A login's renewal lease ([`Providers::lease`]); released when dropped.
pub struct Lease<'a> {
    set: &'a std::sync::Mutex<std::collections::HashSet<String>>,
    family: String,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.set.lock() {
            s.remove(&self.family);
        }
    }
}

/// What a renewal with the provider's refresh token brought.
#[derive(Debug)]
pub enum Renewed {
    /// A fresh ID token: the person's claims now.
    Claims(SignedIn),
    /// No ID token: the grant was renewed; the claims of the last sign-in stand until
    /// `valid_until`.
    Kept {
        /// The refresh token to use next.
        refresh_token: Secret<String>,
        /// Until when (unix ms).
        valid_until: i64,
    },
}

/// Why a sign-in failed: what the person is told (and the audit records), with what is known
/// of the attempt.
#[derive(Debug, Clone)]
pub struct Refused {
    /// The message.
    pub message: String,
    /// Provider, when known.
    pub provider: Option<String>,
    /// The user code, when the state was valid.
    pub user_code: Option<String>,
    /// Who the provider said it was, when known.
    pub who: Option<String>,
    /// An outage (the provider unreachable), not a refusal.
    pub unavailable: bool,
}

impl Refused {
    /// A refusal with only a message.
    pub fn new(message: impl Into<String>) -> Refused {
        Refused {
            message: message.into(),
            provider: None,
            user_code: None,
            who: None,
            unavailable: false,
        }
    }
}

struct Provider {
    cfg: OidcProvider,
    keys: KeySource,
    secret: Secret<String>,
    username: Selector,
    email: Selector,
    groups: Option<Selector>,
}

struct Flow {
    provider: usize,
    user_code: String,
    verifier: String,
    nonce: String,
    browser: [u8; 32],
    started: Instant,
}

/// The configured providers and the sign-ins in progress.
pub struct Providers {
    list: Vec<Provider>,
    /// Refused sign-ins audited one by one, per minute (anyone can cause them).
    pub refusals: crate::gateway::workload::RefusalWindow,
    /// Logins (token families) being renewed with their provider right now.
    renewing: std::sync::Mutex<std::collections::HashSet<String>>,
    /// `auth.admin_groups` and `grants.approver_groups`: what a provider's groups may not
    /// grant unless its `privileged_groups` is set.
    privileged: Vec<String>,
    flows: std::sync::Mutex<HashMap<String, Flow>>,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the client secrets.
        f.debug_struct("Providers")
            .field("providers", &self.names())
            .finish()
    }
}

/// What the callback receives (RFC 6749 §4.1.2, RFC 9207 `iss`).
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    /// The flow.
    pub state: Option<String>,
    /// The authorization code.
    pub code: Option<String>,
    /// The issuer (RFC 9207), when the provider sends it.
    pub iss: Option<String>,
    /// An error instead of a code.
    pub error: Option<String>,
    /// Its description.
    pub error_description: Option<String>,
}

/// The cookie that binds a flow to its browser; the name carries the start of the state so
/// parallel sign-ins in one browser do not overwrite each other.
pub fn cookie_name(state: &str) -> String {
    format!("hoopctl_oidc_{}", state.get(..12).unwrap_or(state))
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Providers {
    /// Builds the providers from the config, resolving client secrets; no network yet.
    pub fn new(cfg: &Config) -> Result<Providers, String> {
        let mut list = Vec::new();
        for o in &cfg.auth.oidc {
            let at = format!("auth.oidc {:?}", o.name);
            let secret = o
                .client_secret
                .resolve(&cfg.base_dir)
                .map_err(|e| format!("{at}: client_secret: {e}"))?;
            let sel = |s: &str| Selector::parse(s).map_err(|e| format!("{at}: {s:?}: {e}"));
            list.push(Provider {
                keys: KeySource::new(
                    format!("identity provider {}", o.name),
                    &o.issuer,
                    o.jwks_url.as_deref(),
                    o.insecure_http,
                    o.jwks_min_refresh,
                )?,
                username: sel(&o.claims.username)?,
                email: sel(&o.claims.email)?,
                groups: o.claims.groups.as_deref().map(sel).transpose()?,
                cfg: o.clone(),
                secret,
            });
        }
        let mut privileged = cfg.auth.admin_groups.clone();
        privileged.extend(cfg.grants.approver_groups.iter().cloned());
        Ok(Providers {
            list,
            refusals: Default::default(),
            renewing: Default::default(),
            privileged,
            flows: Default::default(),
        })
    }

    /// Takes the renewal lease of login `family`; `None` while another holds it.
    pub fn lease(&self, family: &str) -> Option<Lease<'_>> {
        let mut r = self.renewing.lock().ok()?;
        r.insert(family.to_string()).then(|| Lease {
            set: &self.renewing,
            family: family.to_string(),
        })
    }

    /// Contacts every provider now (`gateway check --online`): discovery with its endpoints
    /// and PKCE support, and the JWKS. One line per provider, `Err` saying what is wrong.
    pub async fn probe(&self) -> Vec<(String, Result<String, String>)> {
        let mut out = Vec::new();
        for p in &self.list {
            let r = async {
                let doc = p.keys.discovery().await?;
                for e in ["authorization_endpoint", "token_endpoint"] {
                    let ok = doc
                        .get(e)
                        .and_then(Value::as_str)
                        .is_some_and(|u| crate::proto::url_allowed(u, p.cfg.insecure_http));
                    if !ok {
                        return Err(format!("the discovery document has no usable {e}"));
                    }
                }
                if let Some(m) = doc
                    .get("code_challenge_methods_supported")
                    .and_then(Value::as_array)
                    && !m.iter().any(|v| v == "S256")
                {
                    return Err("the provider does not support PKCE with S256".into());
                }
                let keys = p.keys.probe().await?;
                Ok(format!("discovery and JWKS OK ({keys} signing key(s))"))
            }
            .await;
            out.push((p.cfg.name.clone(), r));
        }
        out
    }

    /// (name, button label) of each provider, in config order.
    pub fn names(&self) -> Vec<(String, String)> {
        self.list
            .iter()
            .map(|p| (p.cfg.name.clone(), p.cfg.label().to_string()))
            .collect()
    }

    /// Whether any provider is configured.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Starts a sign-in at `provider` for the device code `user_code`: returns the provider's
    /// authorization URL, the flow's state, and the browser cookie's value.
    pub async fn start(
        &self,
        provider: &str,
        user_code: &str,
        redirect_uri: &str,
    ) -> Result<(String, String, String), Refused> {
        let (idx, p) = self
            .list
            .iter()
            .enumerate()
            .find(|(_, p)| p.cfg.name == provider)
            .ok_or_else(|| Refused::new(format!("no identity provider {}", quote(provider))))?;
        let doc = p.keys.discovery().await.map_err(|e| {
            tracing::warn!(provider = %p.cfg.name, error = %e, "OIDC discovery failed");
            Refused {
                unavailable: true,
                provider: Some(p.cfg.name.clone()),
                ..Refused::new(format!(
                    "identity provider {} cannot be reached now; try again later",
                    p.cfg.name
                ))
            }
        })?;
        let endpoint = doc
            .get("authorization_endpoint")
            .and_then(Value::as_str)
            .filter(|u| crate::proto::url_allowed(u, p.cfg.insecure_http))
            .ok_or_else(|| {
                Refused::new(format!(
                    "identity provider {}'s discovery document has no usable authorization_endpoint",
                    p.cfg.name
                ))
            })?;
        if let Some(m) = doc
            .get("code_challenge_methods_supported")
            .and_then(Value::as_array)
            && !m.iter().any(|v| v == "S256")
        {
            return Err(Refused::new(format!(
                "identity provider {} does not support PKCE with S256, which the gateway requires",
                p.cfg.name
            )));
        }
        let mut url = reqwest::Url::parse(endpoint).map_err(|_| {
            Refused::new(format!(
                "identity provider {}'s authorization_endpoint is not a URL",
                p.cfg.name
            ))
        })?;
        let random = || crate::gateway::auth::new_token("");
        let (state, nonce, verifier, cookie) = (random(), random(), random(), random());
        let challenge = b64(&Sha256::digest(verifier.as_bytes()));
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &p.cfg.client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("scope", &p.cfg.scopes.join(" "))
                .append_pair("state", &state)
                .append_pair("nonce", &nonce)
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
            if let Some(pr) = &p.cfg.prompt {
                q.append_pair("prompt", pr);
            }
            if let Some(m) = p.cfg.max_age {
                q.append_pair("max_age", &m.as_secs().to_string());
            }
        }
        let mut flows = self
            .flows
            .lock()
            .map_err(|_| Refused::new("the gateway is shutting down"))?;
        // One sign-in per code (a new press replaces the last), expired ones dropped, and at
        // the cap the oldest gives way: a flood of starts cannot lock everyone out.
        flows.retain(|_, f| f.started.elapsed() < FLOW_TTL && f.user_code != user_code);
        while flows.len() >= MAX_FLOWS {
            let Some(oldest) = flows
                .iter()
                .min_by_key(|(_, f)| f.started)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            flows.remove(&oldest);
        }
        flows.insert(
            state.clone(),
            Flow {
                provider: idx,
                user_code: user_code.to_string(),
                verifier,
                nonce,
                browser: Sha256::digest(cookie.as_bytes()).into(),
                started: Instant::now(),
            },
        );
        Ok((url.to_string(), state, cookie))
    }

    /// Finishes a sign-in: the callback's parameters, the browser's cookie for that state.
    /// The flow is used up whatever the outcome.
    pub async fn finish(
        &self,
        cb: &Callback,
        cookie: Option<&str>,
        redirect_uri: &str,
        now_ms: i64,
    ) -> Result<SignedIn, Refused> {
        let state = cb.state.as_deref().ok_or_else(|| {
            Refused::new("the provider's answer has no state; start again on the /device page")
        })?;
        let gone = || {
            Refused::new(
                "this sign-in is unknown, expired, or was already used; start again on the /device page",
            )
        };
        // The flow is used up only by the browser that started it: someone who learned the
        // state (but holds no cookie) can neither finish nor spoil it.
        let browser: Option<[u8; 32]> = cookie.map(|c| Sha256::digest(c.as_bytes()).into());
        let flow = {
            let mut flows = self.flows.lock().map_err(|_| gone())?;
            let f = flows
                .get(state)
                .filter(|f| f.started.elapsed() < FLOW_TTL)
                .ok_or_else(gone)?;
            let ours = browser.is_some_and(|h| {
                aws_lc_rs::constant_time::verify_slices_are_equal(&h, &f.browser).is_ok()
            });
            if !ours {
                let p = &self.list[f.provider];
                return Err(Refused {
                    provider: Some(p.cfg.name.clone()),
                    user_code: Some(f.user_code.clone()),
                    ..Refused::new(
                        "this sign-in was started in another browser (or its cookie was blocked): \
                         open the /device page yourself and enter the code your terminal shows",
                    )
                });
            }
            flows.remove(state).ok_or_else(gone)?
        };
        let p = &self.list[flow.provider];
        let fail = |m: String| Refused {
            message: m,
            provider: Some(p.cfg.name.clone()),
            user_code: Some(flow.user_code.clone()),
            who: None,
            unavailable: false,
        };
        // RFC 9207: a provider that promises `iss` in its answers must send it.
        let promised = p.keys.discovery().await.is_ok_and(|d| {
            d.get("authorization_response_iss_parameter_supported") == Some(&Value::Bool(true))
        });
        if cb.iss.is_none() && promised {
            return Err(fail(
                "the answer carries no iss although the provider promises one (a mix-up between providers?); start again"
                    .into(),
            ));
        }
        if let Some(iss) = &cb.iss
            && iss != &p.cfg.issuer
        {
            return Err(fail(format!(
                "the answer names issuer {}, not {} (a mix-up between providers); start again",
                quote(iss),
                quote(&p.cfg.issuer)
            )));
        }
        if let Some(e) = &cb.error {
            return Err(fail(format!(
                "identity provider {} refused the sign-in: {}{}",
                p.cfg.name,
                quote(e),
                cb.error_description
                    .as_deref()
                    .map(|d| format!(" ({})", quote(d)))
                    .unwrap_or_default()
            )));
        }
        let code = cb
            .code
            .as_deref()
            .ok_or_else(|| fail("the provider's answer has no authorization code".into()))?;
        let tokens = token_request(
            p,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", &flow.verifier),
            ],
        )
        .await
        .map_err(|(m, f)| Refused {
            unavailable: f == Failed::Unavailable,
            ..fail(m)
        })?;
        let claims = verify_id_token(p, &tokens, Some(&flow.nonce), now_ms)
            .await
            .map_err(|(m, unavailable)| Refused {
                unavailable,
                ..fail(m)
            })?;
        let mut s = map_claims(p, &self.privileged, &claims)
            .map_err(|(m, who)| Refused { who, ..fail(m) })?;
        s.user_code = flow.user_code.clone();
        s.refresh_token = tokens.refresh_token.map(Secret::new);
        Ok(s)
    }

    /// Asks provider `provider` again, with its refresh token, whether `subject` (known here as
    /// `name`) may stay signed in, and with which groups now. A renewed ID token is checked as
    /// at sign-in (but for the nonce, which a refresh does not carry) and must be about the same
    /// account and name. Only the provider's `invalid_grant`, another account, or a person no
    /// longer allowed is a refusal; anything else (unreachable, misconfigured, an ID token that
    /// does not check out) is `unavailable`: the login is kept for a retry, not ended.
    pub async fn refresh(
        &self,
        provider: &str,
        refresh_token: &Secret<String>,
        name: &str,
        subject: &str,
        now_ms: i64,
    ) -> Result<Renewed, Refused> {
        let p = self
            .list
            .iter()
            .find(|p| p.cfg.name == provider)
            .ok_or_else(|| {
                Refused::new(format!(
                    "identity provider {} is no longer configured on this gateway",
                    quote(provider)
                ))
            })?;
        let fail = |m: String, unavailable: bool| Refused {
            message: m,
            provider: Some(p.cfg.name.clone()),
            user_code: None,
            who: Some(name.to_string()),
            unavailable,
        };
        let tokens = token_request(
            p,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
            ],
        )
        .await
        .map_err(|(m, f)| fail(m, f != Failed::Refused))?;
        // Providers may rotate the refresh token; one that does not keeps the old one valid.
        let next = tokens
            .refresh_token
            .clone()
            .map(Secret::new)
            .unwrap_or_else(|| Secret::new(refresh_token.expose().clone()));
        if tokens.id_token.is_none() {
            // OIDC Core §12.2: a refresh need not return an ID token. The provider still
            // vouches (it renewed the grant), with what it said at the last sign-in.
            let lifetime = tokens.expires_in.unwrap_or(300).clamp(60, 3600);
            return Ok(Renewed::Kept {
                refresh_token: next,
                valid_until: now_ms + lifetime * 1000,
            });
        }
        let claims = verify_id_token(p, &tokens, None, now_ms)
            .await
            .map_err(|(m, _)| {
                fail(
                    format!("the renewed ID token does not check out: {m}"),
                    true,
                )
            })?;
        let mut s = map_claims(p, &self.privileged, &claims).map_err(|(m, _)| fail(m, false))?;
        if s.subject != subject || s.name != name {
            return Err(fail(
                format!(
                    "the provider's answer is about another account ({}), not {name}",
                    quote(&s.name)
                ),
                false,
            ));
        }
        s.refresh_token = Some(next);
        Ok(Renewed::Claims(s))
    }
}

/// How a token request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failed {
    /// The provider could not be reached, or answered with a server error.
    Unavailable,
    /// The provider refused the grant itself (`invalid_grant`): the code or refresh token is
    /// not (or no longer) good.
    Refused,
    /// Anything else: a client misconfiguration (`invalid_client`), rate limiting, an answer
    /// that is not OAuth.
    Other,
}

/// A request to the provider's token endpoint (client_secret_basic). Errors say what went
/// wrong for the person (never internal URLs or response bodies: those go to the log).
async fn token_request(
    p: &Provider,
    form: &[(&str, &str)],
) -> Result<TokenResponse, (String, Failed)> {
    let down = |m: String| (m, Failed::Unavailable);
    let unreachable = || {
        down(format!(
            "identity provider {} cannot be reached now; try again later",
            p.cfg.name
        ))
    };
    let doc = p.keys.discovery().await.map_err(|e| {
        tracing::warn!(provider = %p.cfg.name, error = %e, "OIDC discovery failed");
        unreachable()
    })?;
    let endpoint = doc
        .get("token_endpoint")
        .and_then(Value::as_str)
        .filter(|u| crate::proto::url_allowed(u, p.cfg.insecure_http))
        .ok_or_else(|| {
            (
                format!(
                    "identity provider {}'s discovery document has no usable token_endpoint",
                    p.cfg.name
                ),
                Failed::Other,
            )
        })?;
    let mut resp = p
        .keys
        .http()
        .post(endpoint)
        .basic_auth(
            form_encode(&p.cfg.client_id),
            Some(form_encode(p.secret.expose())),
        )
        .header(reqwest::header::ACCEPT, "application/json")
        .form(form)
        .send()
        .await
        .map_err(|e| {
            tracing::warn!(provider = %p.cfg.name, error = %e, "OIDC token request failed");
            unreachable()
        })?;
    let status = resp.status();
    // Read with a cap: a provider (or something posing as one) cannot make the gateway buffer
    // without bound.
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) if body.len() + c.len() <= 256 * 1024 => body.extend_from_slice(&c),
            Ok(Some(_)) => {
                return Err((
                    "the provider's token response is larger than 256 KiB".into(),
                    Failed::Other,
                ));
            }
            Ok(None) => break,
            Err(e) => {
                tracing::warn!(provider = %p.cfg.name, error = %e, "reading the OIDC token response");
                return Err(unreachable());
            }
        }
    }
    if !status.is_success() {
        let e: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let code = e.get("error").and_then(Value::as_str);
        let text = |k: &str| e.get(k).and_then(Value::as_str).map(quote);
        let what = match form.first() {
            Some((_, "refresh_token")) => "to renew the sign-in",
            _ => "the authorization code",
        };
        let kind = if status.is_server_error() {
            Failed::Unavailable
        } else if code == Some("invalid_grant") {
            Failed::Refused
        } else {
            Failed::Other
        };
        return Err((
            format!(
                "identity provider {} refused {what} ({}): {}{}",
                p.cfg.name,
                status.as_u16(),
                text("error").unwrap_or_else(|| "no error code".into()),
                text("error_description")
                    .map(|d| format!(" {d}"))
                    .unwrap_or_default()
            ),
            kind,
        ));
    }
    serde_json::from_slice(&body).map_err(|_| {
        (
            format!(
                "identity provider {}'s token response is not the JSON it should be",
                p.cfg.name
            ),
            Failed::Other,
        )
    })
}

/// `application/x-www-form-urlencoded` of a client credential, as RFC 6749 §2.3.1 asks before
/// HTTP Basic.
fn form_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'*') {
            out.push(b as char);
        } else if b == b' ' {
            out.push('+');
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    access_token: Option<String>,
    refresh_token: Option<String>,
    expires_in: Option<i64>,
}

/// Checks the ID token; returns its claims. Errors: (message, provider keys unreachable).
async fn verify_id_token(
    p: &Provider,
    t: &TokenResponse,
    nonce: Option<&str>,
    now_ms: i64,
) -> Result<Map<String, Value>, (String, bool)> {
    let bad = |m: String| Err((m, false));
    let Some(token) = t.id_token.as_deref() else {
        return bad("the provider returned no ID token (is \"openid\" among the scopes?)".into());
    };
    if token.len() > MAX_TOKEN_LEN {
        return bad("the ID token is longer than 32 KiB".into());
    }
    let header = jsonwebtoken::decode_header(token)
        .map_err(|_| ("the ID token is not a signed JWT".to_string(), false))?;
    let alg_name = format!("{:?}", header.alg);
    let alg = WorkloadAlg::parse(&alg_name)
        .filter(|a| p.cfg.algorithms.contains(a))
        .ok_or_else(|| {
            (
                format!(
                    "the ID token's algorithm {alg_name} is not accepted for identity provider {}",
                    p.cfg.name
                ),
                false,
            )
        })?;
    let key = p
        .keys
        .key(header.kid.as_deref(), alg)
        .await
        .map_err(|e| match e {
            KeyError::Refused(m) => (m, false),
            KeyError::Unavailable(m) => (m, true),
        })?;
    let mut v = jsonwebtoken::Validation::new(alg.jwt());
    v.set_issuer(&[&p.cfg.issuer]);
    v.set_audience(&[&p.cfg.client_id]);
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    v.validate_nbf = true;
    v.leeway = p.cfg.clock_skew.as_secs();
    let data =
        jsonwebtoken::decode::<Map<String, Value>>(token, &key.decoding, &v).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind as K;
            let m = match e.kind() {
                K::InvalidSignature => "the ID token's signature does not verify".to_string(),
                K::ExpiredSignature => "the ID token has expired (check the clocks)".to_string(),
                K::ImmatureSignature => {
                    "the ID token is not valid yet (check the clocks)".to_string()
                }
                K::InvalidAudience => format!(
                    "the ID token was issued to another client, not {}",
                    quote(&p.cfg.client_id)
                ),
                K::InvalidIssuer => {
                    format!("the ID token's issuer is not {}", quote(&p.cfg.issuer))
                }
                K::MissingRequiredClaim(c) => format!("the ID token has no {c} claim"),
                _ => "the ID token is malformed or its claims have the wrong types".to_string(),
            };
            (m, false)
        })?;
    let c = data.claims;
    let skew = p.cfg.clock_skew.as_secs() as i64;
    let now = now_ms / 1000;
    // azp: required when there are several audiences, and then (or whenever present) us.
    let several = c
        .get("aud")
        .and_then(Value::as_array)
        .is_some_and(|a| a.len() > 1);
    match c.get("azp").and_then(Value::as_str) {
        Some(azp) if azp != p.cfg.client_id => {
            return bad(format!(
                "the ID token was issued for another client ({})",
                quote(azp)
            ));
        }
        None if several => {
            return bad("the ID token has several audiences and no azp".into());
        }
        _ => {}
    }
    // A sign-in's ID token must carry its nonce; a refresh's need not (OIDC Core §12.2).
    if let Some(nonce) = nonce {
        match c.get("nonce").and_then(Value::as_str) {
            Some(n)
                if aws_lc_rs::constant_time::verify_slices_are_equal(
                    n.as_bytes(),
                    nonce.as_bytes(),
                )
                .is_ok() => {}
            Some(_) => {
                return bad(
                    "the ID token's nonce is not this sign-in's (a replayed or injected token)"
                        .into(),
                );
            }
            None => return bad("the ID token has no nonce".into()),
        }
    }
    match c.get("iat").and_then(Value::as_i64) {
        Some(iat) if iat > now + skew => {
            return bad("the ID token was issued in the future (check the clocks)".into());
        }
        Some(_) => {}
        None => return bad("the ID token has no iat claim".into()),
    }
    if let (Some(h), Some(at)) = (
        c.get("at_hash").and_then(Value::as_str),
        t.access_token.as_deref(),
    ) {
        let digest: Vec<u8> = match alg_name.get(2..) {
            Some("384") => Sha384::digest(at.as_bytes()).to_vec(),
            Some("512") => Sha512::digest(at.as_bytes()).to_vec(),
            _ => Sha256::digest(at.as_bytes()).to_vec(),
        };
        if b64(&digest[..digest.len() / 2]) != h {
            return bad("the ID token's at_hash does not match the access token".into());
        }
    }
    if let Some(max) = p.cfg.max_age {
        match c.get("auth_time").and_then(Value::as_i64) {
            Some(t) if now - t <= max.as_secs() as i64 + skew => {}
            Some(_) => {
                return bad(format!(
                    "you last authenticated at the provider more than {} ago; sign in again",
                    humantime::format_duration(max)
                ));
            }
            None => return bad("the ID token has no auth_time, which max_age needs".into()),
        }
    }
    Ok(c)
}

/// Claims → identity. Errors: (message, who the provider said it was).
fn map_claims(
    p: &Provider,
    privileged: &[String],
    c: &Map<String, Value>,
) -> Result<SignedIn, (String, Option<String>)> {
    let all = Value::Object(c.clone());
    let first = |s: &Selector| s.strings(&all).into_iter().next();
    let subject = c
        .get("sub")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ("the ID token has no subject (sub)".to_string(), None))?
        .to_string();
    let raw = first(&p.username).ok_or_else(|| {
        (
            format!(
                "the provider's answer has no {} claim to name you by (claims.username)",
                quote(&p.cfg.claims.username)
            ),
            None,
        )
    })?;
    // ASCII only: Unicode case folding maps other characters onto ASCII letters (the Kelvin
    // sign onto "k"), which would let one account take another's name.
    let name = raw.to_ascii_lowercase();
    if !valid_name(&name) {
        return Err((
            format!(
                "{} cannot be a hoopctl identity name (1-64 characters of a-z, 0-9, '.', '_', '-', '@'); ask the operator to map another claim",
                quote(&raw)
            ),
            None,
        ));
    }
    let who = Some(name.clone());
    let email = first(&p.email).map(|e| e.to_ascii_lowercase());
    // An address the provider has not verified names nobody: it must not become the identity
    // or pass the domain check (unless the operator says this provider verifies them all).
    let verified = p.cfg.allow_unverified_email
        || match c.get("email_verified") {
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s == "true",
            _ => false,
        };
    let named_by_email = p.cfg.claims.username == p.cfg.claims.email;
    if (named_by_email || !p.cfg.allowed_domains.is_empty()) && email.is_some() && !verified {
        return Err((
            "your email address is not verified at the provider (email_verified is not true)"
                .into(),
            who,
        ));
    }
    if !p.cfg.allowed_domains.is_empty() {
        let domain = email
            .as_deref()
            .and_then(|e| e.rsplit_once('@'))
            .map(|(_, d)| d);
        match domain {
            Some(d) if p.cfg.allowed_domains.iter().any(|a| a == d) => {}
            Some(d) => {
                return Err((
                    format!(
                        "accounts of {} may not sign in here (allowed: {})",
                        quote(d),
                        p.cfg.allowed_domains.join(", ")
                    ),
                    who,
                ));
            }
            None => {
                return Err((
                    "the provider gave no email address, which allowed_domains needs".into(),
                    who,
                ));
            }
        }
    }
    let mut groups = p
        .groups
        .as_ref()
        .map(|g| g.strings(&all))
        .unwrap_or_default();
    // Printable, bounded names only: they end up in policy, the audit log and terminals.
    groups.retain(|g| !g.is_empty() && g.len() <= 256 && !g.chars().any(char::is_control));
    if !p.cfg.allowed_groups.is_empty() && !groups.iter().any(|g| p.cfg.allowed_groups.contains(g))
    {
        return Err((
            format!(
                "you are in none of the groups allowed to sign in here ({})",
                p.cfg.allowed_groups.join(", ")
            ),
            who,
        ));
    }
    if let Some(prefix) = &p.cfg.groups_prefix {
        for g in &mut groups {
            g.insert_str(0, prefix);
        }
    }
    // Admin and approver rights come from a provider's groups only where the operator says so.
    if !p.cfg.privileged_groups {
        groups.retain(|g| !privileged.contains(g));
    }
    groups.sort();
    groups.dedup();
    let exp = c.get("exp").and_then(Value::as_i64).unwrap_or_default();
    Ok(SignedIn {
        provider: p.cfg.name.clone(),
        issuer: p.cfg.issuer.clone(),
        subject,
        name,
        email,
        groups,
        valid_until: exp.saturating_mul(1000),
        user_code: String::new(),
        refresh_token: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_reach_nested_and_namespaced_claims() {
        let c = json!({
            "groups": ["a", "b"],
            "realm_access": {"roles": ["r1", "r2"]},
            "org": {"teams": [{"name": "t1"}, {"name": "t2"}, {"id": 3}]},
            "https://example.com/groups": ["ns"],
            "n": 5
        });
        let s = |p: &str| Selector::parse(p).unwrap().strings(&c);
        assert_eq!(s("groups"), ["a", "b"]);
        assert_eq!(s("realm_access.roles"), ["r1", "r2"]);
        assert_eq!(s("org.teams[*].name"), ["t1", "t2"]);
        assert_eq!(s("org.teams[1].name"), ["t2"]);
        assert_eq!(s("[\"https://example.com/groups\"]"), ["ns"]);
        assert!(s("n").is_empty(), "numbers are not names");
        assert!(s("missing.path").is_empty());
        for bad in [
            "", ".a", "a.", "a..b", "a[", "a[x]", "a[\"x", "a]b", "a[*]b",
        ] {
            assert!(Selector::parse(bad).is_err(), "{bad:?} should not parse");
        }
    }

    fn providers(extra: &str) -> (Providers, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret"), "s3cret").unwrap();
        let text = format!(
            "[gateway]\nlisten = \"127.0.0.1:8443\"\ndata_dir = \"data\"\n\n[[auth.oidc]]\nname = \"corp\"\n\
             issuer = \"https://login.example.com\"\nclient_id = \"gw\"\n\
             client_secret = {{ file = \"secret\" }}\nclaims.groups = \"groups\"\n{extra}"
        );
        let cfg = Config::parse(&text, dir.path()).unwrap();
        (Providers::new(&cfg).unwrap(), dir)
    }

    fn claims(v: Value) -> Map<String, Value> {
        let mut base = json!({"sub": "u1", "email": "dana@example.com", "email_verified": true,
                              "exp": 2_000_000_000});
        if let (Some(b), Value::Object(m)) = (base.as_object_mut(), v) {
            b.extend(m);
        }
        base.as_object().cloned().unwrap()
    }

    #[test]
    fn provider_groups_cannot_confer_admin_rights_unless_allowed() {
        let (p, _d) = providers("");
        let c = claims(json!({"groups": ["developers", "admins", "approvers", "bad\u{1b}[2J"]}));
        let s = map_claims(&p.list[0], &p.privileged, &c).unwrap();
        assert_eq!(
            s.groups,
            ["developers"],
            "admin, approver and control-character groups dropped"
        );
        let (p, _d) = providers("privileged_groups = true\ngroups_prefix = \"corp:\"");
        let s = map_claims(&p.list[0], &p.privileged, &c).unwrap();
        assert_eq!(
            s.groups,
            ["corp:admins", "corp:approvers", "corp:developers"]
        );
        let (p, _d) = providers("privileged_groups = true");
        let s = map_claims(&p.list[0], &p.privileged, &c).unwrap();
        assert_eq!(s.groups, ["admins", "approvers", "developers"]);
    }

    #[test]
    fn names_are_ascii_and_emails_must_be_verified() {
        let (p, _d) = providers("");
        let pr = &p.list[0];
        // The Kelvin sign lowercases to "k" in Unicode; not here.
        let e = map_claims(
            pr,
            &p.privileged,
            &claims(json!({"email": "\u{212A}evin@example.com"})),
        )
        .unwrap_err();
        assert!(e.0.contains("cannot be a hoopctl identity name"), "{e:?}");
        assert_eq!(
            map_claims(
                pr,
                &p.privileged,
                &claims(json!({"email": "Dana@Example.COM"}))
            )
            .unwrap()
            .name,
            "dana@example.com"
        );
        for unverified in [json!(false), json!("false"), Value::Null] {
            let mut c = claims(json!({}));
            c.insert("email_verified".into(), unverified.clone());
            let e = map_claims(pr, &p.privileged, &c).unwrap_err();
            assert!(e.0.contains("not verified"), "{unverified}: {e:?}");
        }
        let mut c = claims(json!({}));
        c.insert("email_verified".into(), json!("true"));
        assert!(map_claims(pr, &p.privileged, &c).is_ok());
        c.remove("email_verified");
        let (lax, _d) = providers("allow_unverified_email = true");
        assert!(map_claims(&lax.list[0], &lax.privileged, &c).is_ok());
        // No subject, no identity.
        let mut c = claims(json!({}));
        c.remove("sub");
        assert!(map_claims(pr, &p.privileged, &c).is_err());
    }

    #[test]
    fn sealed_tokens_open_only_for_their_identity_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let s = Sealer::load_or_create(dir.path()).unwrap();
        let t = Secret::new("refresh-abc".to_string());
        let sealed = s.seal("dana@example.com", &t).unwrap();
        assert!(!String::from_utf8_lossy(&sealed).contains("refresh-abc"));
        assert_eq!(
            s.open("dana@example.com", &sealed).unwrap().expose(),
            "refresh-abc"
        );
        assert!(s.open("erin@example.com", &sealed).is_none());
        let mut flipped = sealed.clone();
        flipped[20] ^= 1;
        assert!(s.open("dana@example.com", &flipped).is_none());
        assert!(s.open("dana@example.com", &sealed[..5]).is_none());
        // The same key after a restart; another data dir's key does not open it.
        let again = Sealer::load_or_create(dir.path()).unwrap();
        assert!(again.open("dana@example.com", &sealed).is_some());
        let other = tempfile::tempdir().unwrap();
        let stranger = Sealer::load_or_create(other.path()).unwrap();
        assert!(stranger.open("dana@example.com", &sealed).is_none());
    }

    #[test]
    fn client_credentials_are_form_encoded_for_basic_auth() {
        assert_eq!(form_encode("abc-1.2_3"), "abc-1.2_3");
        assert_eq!(form_encode("a b:c/d%"), "a+b%3Ac%2Fd%25");
    }
}
