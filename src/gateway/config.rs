//! Gateway configuration: typed, strict (unknown keys are errors naming the key), documented
//! field by field in `docs/config.md`, and checked by [`Config::validate`] so that
//! `hoopctl gateway check` can test a config without starting anything.
//!
//! Secrets are never literals: a field that holds one is a [`SecretRef`] (`{ env = "NAME" }` or
//! `{ file = "PATH" }`) resolved when it is used, so rotating the file or the variable needs no
//! config change and the config file itself can be shared.

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::secret::Secret;

/// The whole gateway configuration file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Listener, data directory, names.
    pub gateway: GatewaySection,
    /// Authorization server settings and local users.
    #[serde(default)]
    pub auth: AuthSection,
    /// Grant limits and approvers.
    #[serde(default)]
    pub grants: GrantsSection,
    /// Cedar policy files.
    #[serde(default)]
    pub policy: PolicySection,
    /// Audit log settings.
    #[serde(default)]
    pub audit: AuditSection,
    /// Inline PHI masking profiles.
    #[serde(default)]
    pub masking: MaskingSection,
    /// Human reviews of held statements and pending grants.
    #[serde(default)]
    pub reviews: ReviewsSection,
    /// Session recordings and their retention.
    #[serde(default)]
    pub recordings: RecordingsSection,
    /// Targets, by name.
    #[serde(default)]
    pub connections: BTreeMap<String, ConnectionConfig>,
    /// Directory of the config file; relative paths are resolved against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// `[gateway]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewaySection {
    /// TLS listen address for both the API and the tunnel (told apart by ALPN).
    pub listen: SocketAddr,
    /// Base URL clients use (shown in the device flow); default `https://<listen>`.
    #[serde(default)]
    pub public_url: Option<String>,
    /// Where the store, the CA and recordings live. Relative to the config file.
    pub data_dir: PathBuf,
    /// DNS names and IP addresses in the gateway's server certificate.
    #[serde(default = "default_server_names")]
    pub server_names: Vec<String>,
}

fn default_server_names() -> Vec<String> {
    vec!["localhost".into(), "127.0.0.1".into()]
}

/// `[auth]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSection {
    /// Lifetime of access tokens.
    #[serde(default = "d_15m", deserialize_with = "de_duration")]
    pub access_token_ttl: Duration,
    /// Lifetime of refresh tokens (each use rotates it).
    #[serde(default = "d_12h", deserialize_with = "de_duration")]
    pub refresh_token_ttl: Duration,
    /// How long a device code waits for the user.
    #[serde(default = "d_10m", deserialize_with = "de_duration")]
    pub device_code_ttl: Duration,
    /// Minimum polling interval told to device-flow clients.
    #[serde(default = "d_5s", deserialize_with = "de_duration")]
    pub device_poll_interval: Duration,
    /// Longest a login lasts however often it is refreshed; then `hoopctl login` again.
    #[serde(default = "d_7d", deserialize_with = "de_duration")]
    pub max_login_age: Duration,
    /// Groups whose members may read the audit log and revoke any grant.
    #[serde(default = "default_admins")]
    pub admin_groups: Vec<String>,
    /// Users who log in on the `/device` page.
    #[serde(default)]
    pub users: Vec<LocalUser>,
    /// Identities of workloads (CI jobs, Kubernetes pods), chosen by `[[auth.workload]]` bindings.
    #[serde(default)]
    pub service_accounts: Vec<ServiceAccountConfig>,
    /// Trusted issuers of workload OIDC tokens, exchanged at `/oauth/token` (RFC 8693).
    #[serde(default)]
    pub workload: Vec<WorkloadIssuer>,
    /// The organisation's identity providers people sign in with on `/device` (OIDC
    /// authorization code + PKCE).
    #[serde(default)]
    pub oidc: Vec<OidcProvider>,
    /// Whether `[[auth.users]]` may sign in with a password on `/device` (turn off once
    /// everyone signs in through an identity provider).
    #[serde(default = "yes")]
    pub local_users: bool,
}

impl Default for AuthSection {
    fn default() -> Self {
        AuthSection {
            access_token_ttl: d_15m(),
            refresh_token_ttl: d_12h(),
            device_code_ttl: d_10m(),
            device_poll_interval: d_5s(),
            max_login_age: d_7d(),
            admin_groups: default_admins(),
            users: Vec::new(),
            service_accounts: Vec::new(),
            workload: Vec::new(),
            oidc: Vec::new(),
            local_users: true,
        }
    }
}

fn default_admins() -> Vec<String> {
    vec!["admins".into()]
}

/// `[[auth.users]]`: a local user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalUser {
    /// Login name; also the identity name in grants and audit.
    pub name: String,
    /// Argon2 PHC string from `hoopctl gateway hash-password`.
    pub password_hash: String,
    /// Groups, used by policy.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// `[[auth.service_accounts]]`: a workload identity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceAccountConfig {
    /// Identity name in grants and audit; distinct from every user name.
    pub name: String,
    /// Groups, used by policy.
    #[serde(default)]
    pub groups: Vec<String>,
}

/// How a workload issuer's claims map to provenance (repository, run, commit…).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkloadKind {
    /// GitHub Actions.
    Github,
    /// GitLab CI/CD.
    Gitlab,
    /// CircleCI.
    Circleci,
    /// Buildkite.
    Buildkite,
    /// Kubernetes service-account tokens.
    Kubernetes,
    /// Anything else: provenance is the subject only.
    #[default]
    Generic,
}

/// Signature algorithms a workload issuer may use. Only asymmetric ones exist here: a token
/// "signed" with a shared secret (or with no signature) cannot be verified against a JWKS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum WorkloadAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA P-256 with SHA-256.
    ES256,
    /// ECDSA P-384 with SHA-384.
    ES384,
}

/// `[[auth.workload]]`: an issuer of workload tokens and the bindings that pick a service account.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadIssuer {
    /// Name in errors and audit, e.g. `github`.
    pub name: String,
    /// The `iss` claim, exactly; also where OIDC discovery starts.
    pub issuer: String,
    /// The `aud` the token must carry (the client asks its platform for it).
    pub audience: String,
    /// Provenance mapping.
    #[serde(default)]
    pub kind: WorkloadKind,
    /// JWKS URL; default: `jwks_uri` from the issuer's OIDC discovery document.
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// Accepted signature algorithms.
    #[serde(default = "default_workload_algs")]
    pub algorithms: Vec<WorkloadAlg>,
    /// Oldest `iat` accepted.
    #[serde(default = "d_15m", deserialize_with = "de_duration")]
    pub max_token_age: Duration,
    /// Lifetime of the gateway token issued (never more than `auth.access_token_ttl`).
    #[serde(default = "d_15m", deserialize_with = "de_duration")]
    pub token_ttl: Duration,
    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    #[serde(default = "d_30s", deserialize_with = "de_duration")]
    pub clock_skew: Duration,
    /// Least time between JWKS fetches triggered by an unknown `kid`.
    #[serde(default = "d_1m", deserialize_with = "de_duration")]
    pub jwks_min_refresh: Duration,
    /// Allow `http://` issuer and JWKS URLs (tests on loopback only).
    #[serde(default)]
    pub insecure_http: bool,
    /// Claim conditions → service account. Exactly one must match a token.
    #[serde(default)]
    pub bindings: Vec<WorkloadBinding>,
}

fn default_workload_algs() -> Vec<WorkloadAlg> {
    vec![WorkloadAlg::RS256, WorkloadAlg::ES256]
}

/// `[[auth.oidc]]`: an OpenID Provider (Okta, Entra ID, Google, Keycloak, Auth0…) people sign
/// in with. The gateway is a confidential client: authorization code flow with PKCE (S256),
/// `state` bound to the device code and the browser, `nonce` bound to the ID token.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcProvider {
    /// Name in URLs, errors and audit, e.g. `okta`.
    pub name: String,
    /// Button text on `/device`; default: the name.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The issuer, exactly as its discovery document and ID tokens name it.
    pub issuer: String,
    /// The client id registered with the provider.
    pub client_id: String,
    /// The client secret: `{ env = "VAR" }` or `{ file = "path" }`.
    pub client_secret: SecretRef,
    /// Scopes requested; `openid` is required.
    #[serde(default = "default_oidc_scopes")]
    pub scopes: Vec<String>,
    /// Which claims name the person and their groups.
    #[serde(default)]
    pub claims: OidcClaims,
    /// Email domains allowed to sign in (empty: any). The email must not be unverified.
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// Provider groups of which a person must be in at least one (empty: any).
    #[serde(default)]
    pub allowed_groups: Vec<String>,
    /// Put before every group from this provider (`"okta:"`): keeps its groups apart from
    /// configured ones and from other providers'.
    #[serde(default)]
    pub groups_prefix: Option<String>,
    /// Whether this provider's groups may confer admin or approver rights (`auth.admin_groups`,
    /// `grants.approver_groups`, compared after `groups_prefix`). Off: such groups are dropped.
    #[serde(default)]
    pub privileged_groups: bool,
    /// Accept emails without `email_verified = true` (only for a provider that verifies every
    /// address itself and does not say so in its tokens).
    #[serde(default)]
    pub allow_unverified_email: bool,
    /// `prompt` sent to the provider: `login`, `consent`, `select_account` or `none`.
    #[serde(default)]
    pub prompt: Option<String>,
    /// Longest time since the person last authenticated at the provider (`max_age`; the
    /// ID token's `auth_time` is checked against it).
    #[serde(default, deserialize_with = "de_optional_duration")]
    pub max_age: Option<Duration>,
    /// JWKS URL; default: `jwks_uri` from discovery.
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// Accepted ID token signature algorithms.
    #[serde(default = "default_workload_algs")]
    pub algorithms: Vec<WorkloadAlg>,
    /// Clock skew allowed on `exp`, `nbf`, `iat` and `auth_time`.
    #[serde(default = "d_30s", deserialize_with = "de_duration")]
    pub clock_skew: Duration,
    /// Least time between JWKS fetches triggered by an unknown `kid`.
    #[serde(default = "d_1m", deserialize_with = "de_duration")]
    pub jwks_min_refresh: Duration,
    /// Allow `http://` provider URLs (tests on loopback only).
    #[serde(default)]
    pub insecure_http: bool,
}

impl OidcProvider {
    /// Button text.
    pub fn label(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.name)
    }
}

fn default_oidc_scopes() -> Vec<String> {
    ["openid", "email", "profile"].map(String::from).to_vec()
}

/// `[auth.oidc.claims]`: selectors into the ID token's claims. A selector is a dotted path
/// (`realm_access.roles`), with `[*]` over arrays (`org.teams[*].name`) and `["…"]` for keys
/// with dots (`["https://example.com/groups"]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcClaims {
    /// The hoopctl identity name (lowercased; must be a valid identity name).
    #[serde(default = "default_username_claim")]
    pub username: String,
    /// The email (checked against `allowed_domains`).
    #[serde(default = "default_email_claim")]
    pub email: String,
    /// The groups (strings), which policy sees as `Group::"…"`; none when absent.
    #[serde(default)]
    pub groups: Option<String>,
}

impl Default for OidcClaims {
    fn default() -> Self {
        OidcClaims {
            username: default_username_claim(),
            email: default_email_claim(),
            groups: None,
        }
    }
}

fn default_username_claim() -> String {
    "email".into()
}

fn default_email_claim() -> String {
    "email".into()
}

/// `[[auth.workload.bindings]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadBinding {
    /// Name in errors; default `service_account`.
    #[serde(default)]
    pub name: Option<String>,
    /// The service account a matching token becomes.
    pub service_account: String,
    /// Every condition must hold (top-level claims; numbers compare as their decimal text).
    pub claims: BTreeMap<String, ClaimCondition>,
}

impl WorkloadBinding {
    /// Name in errors.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.service_account)
    }
}

/// A condition on one claim: `"x"` (exactly), `["x", "y"]` (one of), `{ glob = "x*" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClaimCondition {
    /// Equal to.
    Exact(String),
    /// Equal to one of.
    OneOf(Vec<String>),
    /// Matches a glob: `*` any run of characters, `?` one character.
    Glob(String),
}

impl<'de> Deserialize<'de> for ClaimCondition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = ClaimCondition;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string, an integer, a list of strings, or { glob = \"…\" }")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ClaimCondition::Exact(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(ClaimCondition::Exact(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(ClaimCondition::Exact(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(s) = seq.next_element::<String>()? {
                    v.push(s);
                }
                if v.is_empty() {
                    return Err(serde::de::Error::custom("an empty list matches nothing"));
                }
                Ok(ClaimCondition::OneOf(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut glob = None;
                while let Some(k) = map.next_key::<String>()? {
                    if k != "glob" || glob.is_some() {
                        return Err(serde::de::Error::custom(format!(
                            "unexpected key {k:?}: a table condition is {{ glob = \"…\" }}"
                        )));
                    }
                    glob = Some(map.next_value::<String>()?);
                }
                glob.map(ClaimCondition::Glob)
                    .ok_or_else(|| serde::de::Error::custom("expected { glob = \"…\" }"))
            }
        }
        d.deserialize_any(V)
    }
}

/// `[grants]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantsSection {
    /// Duration when the request names none.
    #[serde(default = "d_1h", deserialize_with = "de_duration")]
    pub default_duration: Duration,
    /// Longest grant anyone may get.
    #[serde(default = "d_8h", deserialize_with = "de_duration")]
    pub max_duration: Duration,
    /// Groups shown as approvers, whose members may list everyone's grants and reviews.
    /// Who may decide a review is policy's `approve` (and `approve_own`) action.
    #[serde(default = "default_approvers")]
    pub approver_groups: Vec<String>,
    /// Replaced by the Cedar `approve_own` action; set only to report that.
    #[serde(default)]
    pub allow_self_approval: Option<bool>,
    /// A pending grant nobody decided on expires after this long.
    #[serde(default = "d_24h", deserialize_with = "de_duration")]
    pub pending_timeout: Duration,
    /// Longest life of one client certificate (renewed by `connect`; never past the grant).
    #[serde(default = "d_1h", deserialize_with = "de_duration")]
    pub certificate_ttl: Duration,
}

impl Default for GrantsSection {
    fn default() -> Self {
        GrantsSection {
            default_duration: d_1h(),
            max_duration: d_8h(),
            approver_groups: default_approvers(),
            allow_self_approval: None,
            pending_timeout: d_24h(),
            certificate_ttl: d_1h(),
        }
    }
}

/// `[reviews]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewsSection {
    /// How long a held statement waits for a reviewer; then the client gets 42501.
    #[serde(default = "d_5m", deserialize_with = "de_duration")]
    pub statement_timeout: Duration,
    /// Where reviews are announced as they open and close.
    #[serde(default)]
    pub webhooks: Vec<WebhookConfig>,
}

impl Default for ReviewsSection {
    fn default() -> Self {
        ReviewsSection {
            statement_timeout: d_5m(),
            webhooks: Vec::new(),
        }
    }
}

/// `[[reviews.webhooks]]`: an HTTPS endpoint told about every review.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Endpoint (https://; http:// only to a loopback address).
    pub url: String,
    /// `json` (hoopctl's own payload) or `slack` (an incoming-webhook message).
    #[serde(default)]
    pub format: WebhookFormat,
    /// HMAC-SHA256 key: each request carries `X-Hoopctl-Signature: sha256=<hex>` over
    /// `<timestamp>.<body>` and `X-Hoopctl-Timestamp`.
    #[serde(default)]
    pub secret: Option<SecretRef>,
}

/// Payload of a webhook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    /// `{ "event": "review_opened", "review": { … }, "approve": "hoopctl review approve …" }`.
    #[default]
    Json,
    /// `{ "text": "…" }`, as Slack-compatible incoming webhooks take it.
    Slack,
}

fn default_approvers() -> Vec<String> {
    vec!["approvers".into()]
}

/// `[audit]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditSection {
    /// `sync`: a statement's event is committed before the statement is forwarded (default);
    /// `async`: queued and committed shortly after (bounded loss window on a crash).
    #[serde(default)]
    pub durability: crate::gateway::audit::Durability,
    /// How long a store write waits for SQLite's lock before it fails — and, for a statement's
    /// audit event, refuses the statement.
    #[serde(default = "d_10s", deserialize_with = "de_duration")]
    pub lock_timeout: Duration,
    /// A checkpoint is signed once this many events have been chained since the last one…
    #[serde(default = "d_checkpoint_events")]
    pub checkpoint_events: u32,
    /// …or once this long has passed with new events.
    #[serde(default = "d_1m", deserialize_with = "de_duration")]
    pub checkpoint_interval: Duration,
}

fn d_checkpoint_events() -> u32 {
    1000
}

impl Default for AuditSection {
    fn default() -> Self {
        AuditSection {
            durability: Default::default(),
            lock_timeout: d_10s(),
            checkpoint_events: d_checkpoint_events(),
            checkpoint_interval: d_1m(),
        }
    }
}

/// `[recordings]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingsSection {
    /// Record sessions (default true). Off, sessions still have their audit events.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Most stream bytes recorded per session (before compression); past it a truncation
    /// marker is recorded and the rest only counted. Default 64 MiB.
    #[serde(default = "d_64mib", deserialize_with = "de_size")]
    pub max_session_bytes: u64,
    /// Recordings are deleted this long after their session ended; `"off"` keeps them until
    /// `max_total_bytes` needs the room. Default 30 days.
    #[serde(default = "d_30d", deserialize_with = "de_optional_duration")]
    pub max_age: Option<Duration>,
    /// The oldest ended recordings are deleted while all of them together take more than this
    /// on disk. Default 10 GiB.
    #[serde(default = "d_10gib", deserialize_with = "de_size")]
    pub max_total_bytes: u64,
    /// How often retention runs (and once at start). Default 1 minute.
    #[serde(default = "d_1m", deserialize_with = "de_duration")]
    pub retention_interval: Duration,
}

fn yes() -> bool {
    true
}
fn d_64mib() -> u64 {
    64 << 20
}
fn d_10gib() -> u64 {
    10 << 30
}
fn d_30d() -> Option<Duration> {
    Some(Duration::from_secs(30 * 86_400))
}

impl Default for RecordingsSection {
    fn default() -> Self {
        RecordingsSection {
            enabled: true,
            max_session_bytes: d_64mib(),
            max_age: d_30d(),
            max_total_bytes: d_10gib(),
            retention_interval: d_1m(),
        }
    }
}

/// `[policy]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySection {
    /// Cedar policy files, relative to the config file.
    #[serde(default = "default_policy_files")]
    pub files: Vec<PathBuf>,
}

impl Default for PolicySection {
    fn default() -> Self {
        PolicySection {
            files: default_policy_files(),
        }
    }
}

fn default_policy_files() -> Vec<PathBuf> {
    vec![PathBuf::from("policies/default.cedar")]
}

/// `[connections.NAME]`: one target.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionConfig {
    /// Protocol; only `postgres` today.
    pub kind: ConnectionKind,
    /// Target host name or address.
    pub host: String,
    /// Target port.
    #[serde(default = "default_pg_port")]
    pub port: u16,
    /// Database on the target.
    pub database: String,
    /// Role the gateway logs in as.
    pub user: String,
    /// The role's password, if the target asks for one.
    #[serde(default)]
    pub password: Option<SecretRef>,
    /// TLS toward the target.
    #[serde(default)]
    pub tls: TargetTls,
    /// CA bundle for `tls = "verify-full"` (default: the system roots).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Send a cleartext password to a target whose certificate is not verified (off: the
    /// gateway refuses, so a spoofed target cannot harvest the password).
    #[serde(default)]
    pub allow_cleartext_password: bool,
    /// Shown by `hoopctl connections`.
    #[serde(default)]
    pub description: String,
    /// The `[masking.profiles.NAME]` applied to every value this connection returns.
    #[serde(default)]
    pub masking: Option<String>,
    /// Tables policy knows more about, by `schema.table`: `{ "public.patients" = { tags = ["phi"] } }`.
    #[serde(default)]
    pub tables: BTreeMap<String, TableConfig>,
}

/// `[connections.NAME.tables."schema.table"]`: what policy knows about a table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableConfig {
    /// Tags policies test with `resource.tags.contains("phi")`.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The column that identifies a record (`id`, `mrn`) of a table tagged `phi`: every value
    /// of it a session receives is accounted, so `hoopctl audit who-accessed` can answer
    /// which sessions received a record.
    #[serde(default)]
    pub key: Option<String>,
}

/// `[masking]`: profiles of content detectors and their actions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskingSection {
    /// HMAC key for `token` actions (a secret reference); required when a profile tokenizes.
    #[serde(default)]
    pub key: Option<SecretRef>,
    /// Replaced by the Cedar `unmask` action; set only to report that.
    #[serde(default)]
    pub exempt_groups: Option<Vec<String>>,
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, MaskingProfile>,
}

/// `[masking.profiles.NAME]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaskingProfile {
    /// Detector → action; default: every detector, `redact`.
    #[serde(default = "default_detectors")]
    pub detectors: BTreeMap<crate::gateway::masking::Kind, crate::gateway::masking::Action>,
    /// Regexes for medical record numbers (default: `MRN` followed by 6–10 digits).
    #[serde(default)]
    pub mrn_patterns: Vec<String>,
    /// Column rules, first match wins: `{ column = "public.patients.name", action = "redact" }`.
    #[serde(default)]
    pub columns: Vec<crate::gateway::masking::ColumnRule>,
    /// DOB-tagged columns (globs over `schema.table.column`): masked whole with the `dob`
    /// detector's action.
    #[serde(default = "default_dob_columns")]
    pub dob_columns: Vec<String>,
}

fn default_dob_columns() -> Vec<String> {
    crate::gateway::masking::DEFAULT_DOB_COLUMNS
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn default_detectors() -> BTreeMap<crate::gateway::masking::Kind, crate::gateway::masking::Action> {
    crate::gateway::masking::Kind::ALL
        .iter()
        .map(|k| (*k, crate::gateway::masking::Action::Redact))
        .collect()
}

fn default_pg_port() -> u16 {
    5432
}

/// Supported target protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectionKind {
    /// PostgreSQL v3 protocol.
    Postgres,
}

impl ConnectionKind {
    /// Name as written in config.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionKind::Postgres => "postgres",
        }
    }
}

/// TLS mode toward a target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetTls {
    /// Plain TCP (loopback or a trusted network only).
    #[default]
    Disable,
    /// TLS, certificate not verified (protects against passive sniffing only).
    Require,
    /// TLS, certificate verified against `ca_file` or system roots, host name checked.
    VerifyFull,
}

/// Where a secret comes from. Never a literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// An environment variable of the gateway process.
    Env(String),
    /// A file (trailing newline trimmed).
    File(PathBuf),
}

impl<'de> Deserialize<'de> for SecretRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SecretRef;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a secret reference: { env = \"NAME\" } or { file = \"PATH\" }")
            }
            fn visit_str<E: Error>(self, _: &str) -> Result<SecretRef, E> {
                // Never echo the value: it is probably the secret itself.
                Err(E::custom(
                    "secrets are not written into the config: use { env = \"NAME\" } or { file = \"PATH\" }",
                ))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<SecretRef, A::Error> {
                let mut out = None;
                while let Some(k) = m.next_key::<String>()? {
                    let v: String = m.next_value()?;
                    let r = match k.as_str() {
                        "env" => SecretRef::Env(v),
                        "file" => SecretRef::File(v.into()),
                        other => {
                            return Err(A::Error::custom(format!(
                                "unknown key `{other}` in a secret reference; use `env` or `file`"
                            )));
                        }
                    };
                    if out.replace(r).is_some() {
                        return Err(A::Error::custom(
                            "a secret reference has exactly one of `env` or `file`",
                        ));
                    }
                }
                out.ok_or_else(|| {
                    A::Error::custom(
                        "empty secret reference: use { env = \"NAME\" } or { file = \"PATH\" }",
                    )
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl SecretRef {
    /// Reads the secret now. Errors name the variable or file but never the value.
    pub fn resolve(&self, base_dir: &Path) -> Result<Secret<String>, String> {
        match self {
            SecretRef::Env(name) => std::env::var(name).map(Secret::new).map_err(|_| {
                format!("environment variable {name} is not set in the gateway's environment")
            }),
            SecretRef::File(p) => {
                let path = base_dir.join(p);
                std::fs::read_to_string(&path)
                    .map(|s| Secret::new(s.trim_end_matches(['\r', '\n']).to_string()))
                    .map_err(|e| format!("cannot read secret file {}: {e}", path.display()))
            }
        }
    }
}

/// A config that failed to load or validate; the message says where and what to change.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Reads, parses and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read config {}: {e}", path.display())))?;
        let base = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Self::parse(&text, &base).map_err(|e| ConfigError(format!("{}: {}", path.display(), e.0)))
    }

    /// Parses and validates config text; `base_dir` anchors relative paths.
    pub fn parse(text: &str, base_dir: &Path) -> Result<Config, ConfigError> {
        // Report position and message only: toml's own rendering quotes the offending line,
        // which could be a secret written where a reference belongs.
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let before = text.get(..s.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
                    format!("line {line}, column {col}: ")
                })
                .unwrap_or_default();
            ConfigError(format!("{at}{}", e.message()))
        })?;
        cfg.base_dir = base_dir.to_path_buf();
        let problems = cfg.validate();
        if !problems.is_empty() {
            return Err(ConfigError(problems.join("\n")));
        }
        Ok(cfg)
    }

    /// Checks what the types cannot: names, uniqueness, hashes, limits. Returns every problem.
    pub fn validate(&self) -> Vec<String> {
        let mut p = Vec::new();
        if let Some(url) = &self.gateway.public_url
            && !url.starts_with("https://")
        {
            p.push(format!(
                "gateway.public_url = {url:?}: must start with https:// (the gateway only speaks TLS)"
            ));
        }
        if self.gateway.server_names.is_empty() {
            p.push("gateway.server_names is empty: name at least one host clients use".into());
        }
        if self.grants.allow_self_approval.is_some() {
            p.push("grants.allow_self_approval was replaced by the Cedar `approve_own` action: remove it and add to a policy file `permit (principal in Group::\"approvers\", action == Action::\"approve_own\", resource);` (docs/policy.md)".into());
        }
        if self.audit.checkpoint_events == 0 {
            p.push("audit.checkpoint_events must be at least 1".into());
        }
        if self.recordings.max_session_bytes < 4096 {
            p.push("recordings.max_session_bytes must be at least 4096".into());
        }
        if self.recordings.retention_interval < Duration::from_secs(1) {
            p.push("recordings.retention_interval must be at least 1s".into());
        }
        if self.audit.checkpoint_interval < Duration::from_secs(1) {
            p.push("audit.checkpoint_interval must be at least 1s".into());
        }
        if self.reviews.statement_timeout < Duration::from_secs(1) {
            p.push("reviews.statement_timeout must be at least 1s".into());
        }
        for w in &self.reviews.webhooks {
            let loopback = w
                .url
                .strip_prefix("http://")
                .and_then(|r| r.split(['/', '?']).next())
                .is_some_and(|host| {
                    let h = host.rsplit_once(':').map_or(host, |(h, _)| h);
                    h == "localhost"
                        || h.trim_matches(['[', ']'])
                            .parse::<std::net::IpAddr>()
                            .is_ok_and(|ip| ip.is_loopback())
                });
            if !(w.url.starts_with("https://") || loopback) {
                p.push(format!(
                    "reviews.webhooks: url {:?} must be https:// (http:// only to a loopback address)",
                    w.url
                ));
            }
        }
        if let Some(groups) = &self.masking.exempt_groups {
            let g = groups.first().map(String::as_str).unwrap_or("phi-readers");
            p.push(format!(
                "masking.exempt_groups was replaced by the Cedar `unmask` action: remove it and add to a policy file `permit (principal in Group::\"{g}\", action == Action::\"unmask\", resource);` (docs/policy.md)"
            ));
        }
        for (name, c) in &self.connections {
            for (t, tc) in &c.tables {
                if t.split('.').count() != 2 || t.split('.').any(str::is_empty) {
                    p.push(format!(
                        "connections.{name}.tables: {t:?} must be schema.table (as PostgreSQL names it: unquoted names in lower case)"
                    ));
                }
                if let Some(k) = &tc.key {
                    if k.is_empty() || k.contains('.') {
                        p.push(format!(
                            "connections.{name}.tables.{t:?}.key: {k:?} must be one column name (as PostgreSQL names it)"
                        ));
                    }
                    if !tc.tags.iter().any(|g| g == "phi") {
                        p.push(format!(
                            "connections.{name}.tables.{t:?}.key: record access is accounted for tables tagged \"phi\"; add tags = [\"phi\"]"
                        ));
                    }
                }
            }
        }
        let mut seen = HashSet::new();
        for u in &self.auth.users {
            if !valid_name(&u.name) {
                p.push(format!(
                    "auth.users: name {:?} must be 1-64 characters of a-z, 0-9, '.', '_', '-', '@'",
                    u.name
                ));
            }
            if !seen.insert(&u.name) {
                p.push(format!("auth.users: user {:?} is declared twice", u.name));
            }
            if argon2::PasswordHash::new(&u.password_hash).is_err() {
                p.push(format!(
                    "auth.users {:?}: password_hash is not an argon2 PHC string; make one with `hoopctl gateway hash-password`",
                    u.name
                ));
            }
        }
        self.validate_workload(&mut p);
        self.validate_oidc(&mut p);
        if self.grants.max_duration < Duration::from_secs(10) {
            p.push("grants.max_duration must be at least 10s".into());
        }
        if self.grants.default_duration > self.grants.max_duration {
            p.push("grants.default_duration is longer than grants.max_duration".into());
        }
        if self.grants.certificate_ttl < Duration::from_secs(10) {
            p.push("grants.certificate_ttl must be at least 10s".into());
        }
        if self.auth.access_token_ttl < Duration::from_secs(30) {
            p.push("auth.access_token_ttl must be at least 30s".into());
        }
        for (name, c) in &self.connections {
            if !valid_name(name) {
                p.push(format!(
                    "connections.{name}: names are 1-64 characters of a-z, 0-9, '.', '_', '-', '@'"
                ));
            }
            if c.host.is_empty() {
                p.push(format!("connections.{name}.host is empty"));
            }
            if c.ca_file.is_some() && c.tls != TargetTls::VerifyFull {
                p.push(format!(
                    "connections.{name}.ca_file is set but tls is not \"verify-full\""
                ));
            }
        }
        for (name, c) in &self.connections {
            if let Some(m) = &c.masking
                && !self.masking.profiles.contains_key(m)
            {
                p.push(format!(
                    "connections.{name}.masking = {m:?}: no [masking.profiles.{m}] is defined"
                ));
            }
        }
        for (name, prof) in &self.masking.profiles {
            let tokenizes = prof
                .detectors
                .values()
                .chain(prof.columns.iter().map(|r| &r.action))
                .any(|a| *a == crate::gateway::masking::Action::Token);
            for r in &prof.columns {
                if r.column.split('.').count() != 3 {
                    p.push(format!(
                        "masking.profiles.{name}.columns: {:?} must be schema.table.column (globs allowed: \"*.patients.ssn\")",
                        r.column
                    ));
                }
            }
            for c in &prof.dob_columns {
                if c.split('.').count() != 3 {
                    p.push(format!(
                        "masking.profiles.{name}.dob_columns: {c:?} must be schema.table.column (globs allowed: \"*.*.dob\")"
                    ));
                }
            }
            if tokenizes && self.masking.key.is_none() {
                p.push(format!(
                    "masking.profiles.{name} uses action \"token\" but masking.key is not set (e.g. key = {{ env = \"HOOPCTL_MASK_KEY\" }})"
                ));
            }
            let kinds: Vec<_> = prof.detectors.keys().copied().collect();
            if let Err(e) = crate::gateway::masking::Detectors::new(&kinds, &prof.mrn_patterns) {
                p.push(format!("masking.profiles.{name}: {e}"));
            }
        }
        if self.policy.files.is_empty() {
            p.push("policy.files is empty: without a policy nobody can connect".into());
        }
        p
    }

    fn validate_workload(&self, p: &mut Vec<String>) {
        let mut accounts = HashSet::new();
        for sa in &self.auth.service_accounts {
            if !valid_name(&sa.name) {
                p.push(format!(
                    "auth.service_accounts: name {:?} must be 1-64 characters of a-z, 0-9, '.', '_', '-', '@'",
                    sa.name
                ));
            }
            if self.user(&sa.name).is_some() {
                p.push(format!(
                    "auth.service_accounts: {:?} is also a user name; identities must be unique",
                    sa.name
                ));
            }
            if !accounts.insert(sa.name.as_str()) {
                p.push(format!(
                    "auth.service_accounts: {:?} is declared twice",
                    sa.name
                ));
            }
        }
        let mut names = HashSet::new();
        let mut issuers = HashSet::new();
        for w in &self.auth.workload {
            let at = format!("auth.workload {:?}", w.name);
            if !valid_name(&w.name) || !names.insert(w.name.as_str()) {
                p.push(format!(
                    "{at}: names are unique, 1-64 characters of a-z, 0-9, '.', '_', '-', '@'"
                ));
            }
            if !issuers.insert(w.issuer.as_str()) {
                p.push(format!("{at}: issuer {:?} is configured twice", w.issuer));
            }
            check_issuer(
                p,
                &at,
                IssuerKnobs {
                    issuer: &w.issuer,
                    jwks_url: w.jwks_url.as_deref(),
                    insecure_http: w.insecure_http,
                    algorithms: &w.algorithms,
                    jwks_min_refresh: w.jwks_min_refresh,
                    clock_skew: w.clock_skew,
                },
            );
            if w.audience.is_empty() {
                p.push(format!("{at}: audience is empty"));
            }
            if w.token_ttl < Duration::from_secs(10) {
                p.push(format!("{at}: token_ttl must be at least 10s"));
            }
            if w.bindings.is_empty() {
                p.push(format!("{at}: no bindings, so no token from it can log in"));
            }
            for b in &w.bindings {
                if !accounts.contains(b.service_account.as_str()) {
                    p.push(format!(
                        "{at}: binding {:?} names service account {:?}, which [[auth.service_accounts]] does not declare",
                        b.label(),
                        b.service_account
                    ));
                }
                // A binding without conditions would admit every token the issuer signs — for a
                // shared issuer such as GitHub's, every repository in the world.
                if b.claims.is_empty() {
                    p.push(format!(
                        "{at}: binding {:?} has no claim conditions; bind on claims such as repository_id",
                        b.label()
                    ));
                }
            }
        }
    }

    fn validate_oidc(&self, p: &mut Vec<String>) {
        let mut names = HashSet::new();
        for o in &self.auth.oidc {
            let at = format!("auth.oidc {:?}", o.name);
            let slug = !o.name.is_empty()
                && o.name.len() <= 32
                && o.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !slug || !names.insert(o.name.as_str()) {
                p.push(format!(
                    "{at}: names are unique, 1-32 characters of a-z, 0-9, '-' (they appear in URLs)"
                ));
            }
            check_issuer(
                p,
                &at,
                IssuerKnobs {
                    issuer: &o.issuer,
                    jwks_url: o.jwks_url.as_deref(),
                    insecure_http: o.insecure_http,
                    algorithms: &o.algorithms,
                    jwks_min_refresh: o.jwks_min_refresh,
                    clock_skew: o.clock_skew,
                },
            );
            if o.client_id.is_empty() {
                p.push(format!("{at}: client_id is empty"));
            }
            if !o.scopes.iter().any(|s| s == "openid") {
                p.push(format!("{at}: scopes must include \"openid\""));
            }
            if let Some(bad) = o.scopes.iter().find(|s| {
                s.is_empty()
                    || !s
                        .bytes()
                        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
            }) {
                p.push(format!("{at}: scope {bad:?} is not a valid scope token"));
            }
            if let Some(pr) = &o.prompt
                && !["login", "consent", "select_account", "none"].contains(&pr.as_str())
            {
                p.push(format!(
                    "{at}: prompt {pr:?} must be login, consent, select_account or none"
                ));
            }
            for (what, sel) in [
                ("claims.username", Some(&o.claims.username)),
                ("claims.email", Some(&o.claims.email)),
                ("claims.groups", o.claims.groups.as_ref()),
            ] {
                if let Some(sel) = sel
                    && let Err(e) = crate::gateway::oidc::Selector::parse(sel)
                {
                    p.push(format!("{at}: {what} {sel:?}: {e}"));
                }
            }
            for d in &o.allowed_domains {
                if d.is_empty() || d.contains('@') || d.to_lowercase() != *d {
                    p.push(format!(
                        "{at}: allowed_domains entry {d:?} must be a lowercase domain such as example.com"
                    ));
                }
            }
            if !o.allowed_groups.is_empty() && o.claims.groups.is_none() {
                p.push(format!(
                    "{at}: allowed_groups needs claims.groups (which claim holds the groups)"
                ));
            }
        }
        if !self.auth.local_users && self.auth.oidc.is_empty() {
            p.push(
                "auth.local_users = false and no [[auth.oidc]] provider: nobody could sign in on /device"
                    .into(),
            );
        }
    }

    /// A service account by name.
    pub fn service_account(&self, name: &str) -> Option<&ServiceAccountConfig> {
        self.auth.service_accounts.iter().find(|s| s.name == name)
    }

    /// The data directory, resolved.
    pub fn data_dir(&self) -> PathBuf {
        self.base_dir.join(&self.gateway.data_dir)
    }

    /// Policy files, resolved.
    pub fn policy_files(&self) -> Vec<PathBuf> {
        self.policy
            .files
            .iter()
            .map(|f| self.base_dir.join(f))
            .collect()
    }

    /// The URL clients use.
    pub fn public_url(&self) -> String {
        match &self.gateway.public_url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("https://{}", self.gateway.listen),
        }
    }

    /// A local user by name.
    pub fn user(&self, name: &str) -> Option<&LocalUser> {
        self.auth.users.iter().find(|u| u.name == name)
    }
}

/// What `[[auth.workload]]` and `[[auth.oidc]]` share about trusting an issuer's keys.
struct IssuerKnobs<'a> {
    issuer: &'a str,
    jwks_url: Option<&'a str>,
    insecure_http: bool,
    algorithms: &'a [WorkloadAlg],
    jwks_min_refresh: Duration,
    clock_skew: Duration,
}

fn check_issuer(p: &mut Vec<String>, at: &str, k: IssuerKnobs<'_>) {
    for (what, url) in [("issuer", Some(k.issuer)), ("jwks_url", k.jwks_url)] {
        let Some(url) = url else { continue };
        if !crate::proto::url_allowed(url, k.insecure_http) {
            p.push(format!(
                "{at}: {what} {url:?} must be an https:// URL (http:// only to a loopback address with insecure_http = true, for tests)"
            ));
        }
    }
    if k.algorithms.is_empty() {
        p.push(format!("{at}: algorithms is empty"));
    }
    if k.jwks_min_refresh < Duration::from_secs(1) {
        p.push(format!(
            "{at}: jwks_min_refresh must be at least 1s, or unknown key ids could make the gateway fetch on every request"
        ));
    }
    if k.clock_skew > Duration::from_secs(300) {
        p.push(format!(
            "{at}: clock_skew above 5m would accept expired tokens"
        ));
    }
}

/// Identity and connection names: short, printable, safe in URLs, SAN URIs and Cedar ids.
pub fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-' | b'@')
        })
}

fn de_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let s = String::deserialize(d)?;
    humantime::parse_duration(&s)
        .map_err(|e| serde::de::Error::custom(format!("{s:?} is not a duration like \"15m\": {e}")))
}

fn de_optional_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    let s = String::deserialize(d)?;
    if s == "off" {
        return Ok(None);
    }
    humantime::parse_duration(&s).map(Some).map_err(|e| {
        serde::de::Error::custom(format!(
            "{s:?} is not a duration like \"30d\" (or \"off\"): {e}"
        ))
    })
}

/// A byte size: an integer, or a string like `"64MiB"`, `"10GB"`, `"512 KiB"`.
fn de_size<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Int(u64),
        Text(String),
    }
    match Size::deserialize(d)? {
        Size::Int(n) => Ok(n),
        Size::Text(s) => parse_size(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{s:?} is not a size like \"64MiB\" or \"10GB\" (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)"
            ))
        }),
    }
}

/// Parses `"64MiB"`-style sizes; none on anything else (or on overflow).
pub fn parse_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (n, unit) = s.split_at(split);
    let n: u64 = n.parse().ok()?;
    let mult: u64 = match unit.trim() {
        "" | "B" => 1,
        "KB" => 1000,
        "MB" => 1000_u64.pow(2),
        "GB" => 1000_u64.pow(3),
        "TB" => 1000_u64.pow(4),
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "TiB" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mult)
}

fn d_5s() -> Duration {
    Duration::from_secs(5)
}
fn d_10s() -> Duration {
    Duration::from_secs(10)
}
fn d_10m() -> Duration {
    Duration::from_secs(600)
}
fn d_30s() -> Duration {
    Duration::from_secs(30)
}
fn d_1m() -> Duration {
    Duration::from_secs(60)
}
fn d_15m() -> Duration {
    Duration::from_secs(900)
}
fn d_5m() -> Duration {
    Duration::from_secs(300)
}
fn d_1h() -> Duration {
    Duration::from_secs(3600)
}
fn d_8h() -> Duration {
    Duration::from_secs(8 * 3600)
}
fn d_12h() -> Duration {
    Duration::from_secs(12 * 3600)
}
fn d_24h() -> Duration {
    Duration::from_secs(24 * 3600)
}
fn d_7d() -> Duration {
    Duration::from_secs(7 * 24 * 3600)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: &str = r#"
[gateway]
listen = "127.0.0.1:8443"
data_dir = "data"

[connections.pg]
kind = "postgres"
host = "127.0.0.1"
database = "app"
user = "app"
password = { env = "PG_PASS" }
"#;

    #[test]
    fn minimal_config_parses_with_defaults() {
        let c = Config::parse(MIN, Path::new("/etc/hoop")).unwrap();
        assert_eq!(c.connections["pg"].port, 5432);
        assert_eq!(c.grants.max_duration, Duration::from_secs(8 * 3600));
        assert_eq!(c.data_dir(), PathBuf::from("/etc/hoop/data"));
        assert_eq!(
            c.connections["pg"].password,
            Some(SecretRef::Env("PG_PASS".into()))
        );
    }

    const WORKLOAD: &str = r#"
[[auth.service_accounts]]
name = "etl"
groups = ["ci"]

[[auth.workload]]
name = "github"
kind = "github"
issuer = "https://token.actions.githubusercontent.com"
audience = "https://gateway.example.com"

[[auth.workload.bindings]]
service_account = "etl"
claims = { repository_id = 123456, ref = "refs/heads/main", environment = ["prod", "staging"], workflow = { glob = "nightly*" } }
"#;

    fn workload(patch: impl Fn(&str) -> String) -> Result<Config, ConfigError> {
        Config::parse(&format!("{MIN}{}", patch(WORKLOAD)), Path::new("/etc/hoop"))
    }

    #[test]
    fn workload_bindings_parse_every_condition_form() {
        let c = workload(|w| w.to_string()).unwrap();
        let w = &c.auth.workload[0];
        assert_eq!(w.kind, WorkloadKind::Github);
        assert_eq!(w.algorithms, [WorkloadAlg::RS256, WorkloadAlg::ES256]);
        assert_eq!(w.max_token_age, Duration::from_secs(900));
        let b = &w.bindings[0].claims;
        assert_eq!(b["repository_id"], ClaimCondition::Exact("123456".into()));
        assert_eq!(
            b["environment"],
            ClaimCondition::OneOf(vec!["prod".into(), "staging".into()])
        );
        assert_eq!(b["workflow"], ClaimCondition::Glob("nightly*".into()));
        assert_eq!(
            crate::gateway::auth::principal_for(&c, "etl").map(|p| p.kind),
            Some(crate::gateway::policy::PrincipalKind::ServiceAccount)
        );
    }

    const OIDC: &str = r#"
[[auth.oidc]]
name = "corp"
issuer = "https://login.example.com"
client_id = "hoopctl-gateway"
client_secret = { env = "OIDC_SECRET" }
claims.groups = "org.teams[*].name"
allowed_domains = ["example.com"]
"#;

    #[test]
    fn oidc_providers_parse_with_defaults_and_bad_ones_say_why() {
        let c = Config::parse(&format!("{MIN}{OIDC}"), Path::new("/")).unwrap();
        let o = &c.auth.oidc[0];
        assert_eq!(o.scopes, ["openid", "email", "profile"]);
        assert_eq!(o.claims.username, "email");
        assert_eq!(o.label(), "corp");
        assert!(c.auth.local_users);
        let cases: &[(&str, &str, &str)] = &[
            ("https://login", "http://login", "must be an https:// URL"),
            ("name = \"corp\"", "name = \"Corp SSO\"", "1-32 characters"),
            (
                "claims.groups = \"org.teams[*].name\"",
                "claims.groups = \"org..teams\"",
                "claims.groups \"org..teams\": an empty key",
            ),
            (
                "allowed_domains = [\"example.com\"]",
                "allowed_domains = [\"@Example.com\"]",
                "must be a lowercase domain",
            ),
            (
                "allowed_domains = [\"example.com\"]",
                "scopes = [\"email\"]",
                "scopes must include \"openid\"",
            ),
            (
                "allowed_domains = [\"example.com\"]",
                "prompt = \"always\"",
                "prompt \"always\" must be",
            ),
            (
                "claims.groups = \"org.teams[*].name\"",
                "allowed_groups = [\"dev\"]",
                "allowed_groups needs claims.groups",
            ),
            (
                "client_secret = { env = \"OIDC_SECRET\" }",
                "client_secret = \"hunter2\"",
                "secrets are not written into the config",
            ),
        ];
        for (from, to, want) in cases {
            let text = format!("{MIN}{}", OIDC.replace(from, to));
            let err = Config::parse(&text, Path::new("/")).unwrap_err().0;
            assert!(err.contains(want), "{to}: {err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
        let err = Config::parse(
            &format!("{MIN}\n[auth]\nlocal_users = false\n"),
            Path::new("/"),
        )
        .unwrap_err()
        .0;
        assert!(err.contains("nobody could sign in"), "{err}");
    }

    #[test]
    fn unsafe_workload_configs_are_refused_with_the_reason() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "https://token.actions",
                "http://token.actions",
                "must be an https:// URL",
            ),
            (
                "claims = { repository_id = 123456, ref = \"refs/heads/main\", environment = [\"prod\", \"staging\"], workflow = { glob = \"nightly*\" } }",
                "claims = {}",
                "has no claim conditions",
            ),
            (
                "service_account = \"etl\"",
                "service_account = \"nobody\"",
                "does not declare",
            ),
            (
                "audience = \"https://gateway.example.com\"",
                "audience = \"x\"\nalgorithms = [\"HS256\"]",
                "unknown variant `HS256`",
            ),
            (
                "audience = \"https://gateway.example.com\"",
                "audience = \"x\"\nalgorithms = [\"none\"]",
                "unknown variant `none`",
            ),
            (
                "workflow = { glob = \"nightly*\" }",
                "workflow = { regex = \".*\" }",
                "a table condition is { glob",
            ),
            (
                "environment = [\"prod\", \"staging\"]",
                "environment = []",
                "empty list matches nothing",
            ),
        ];
        for (from, to, want) in cases {
            let err = workload(|w| w.replace(from, to)).unwrap_err().0;
            assert!(err.contains(want), "{to}: {err}");
        }
        // A service account may not share a user's name.
        let err = Config::parse(
            &format!("{MIN}{WORKLOAD}\n[[auth.users]]\nname = \"etl\"\npassword_hash = \"x\"\n"),
            Path::new("/"),
        )
        .unwrap_err()
        .0;
        assert!(err.contains("is also a user name"), "{err}");
    }

    #[test]
    fn unknown_keys_are_named() {
        let bad = MIN.replace("user = \"app\"", "user = \"app\"\nusername = \"x\"");
        let e = Config::parse(&bad, Path::new(".")).unwrap_err().0;
        assert!(e.contains("unknown field `username`"), "{e}");
        let bad = format!("{MIN}\n[gatway]\nx = 1\n");
        let e = Config::parse(&bad, Path::new(".")).unwrap_err().0;
        assert!(e.contains("gatway"), "{e}");
    }

    #[test]
    fn literal_secrets_are_refused() {
        let bad = MIN.replace("{ env = \"PG_PASS\" }", "\"hunter2\"");
        let e = Config::parse(&bad, Path::new(".")).unwrap_err().0;
        assert!(e.contains("env = "), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        let bad = MIN.replace("{ env = \"PG_PASS\" }", "{ env = \"A\", file = \"b\" }");
        let e = Config::parse(&bad, Path::new(".")).unwrap_err().0;
        assert!(e.contains("exactly one"), "{e}");
        let bad = MIN.replace("{ env = \"PG_PASS\" }", "{ evn = \"A\" }");
        let e = Config::parse(&bad, Path::new(".")).unwrap_err().0;
        assert!(e.contains("unknown key `evn`"), "{e}");
    }

    #[test]
    fn validation_reports_every_problem() {
        let bad = format!(
            "{MIN}\n[[auth.users]]\nname = \"Bob\"\npassword_hash = \"plain\"\n[grants]\ndefault_duration = \"9h\"\n"
        );
        let e = Config::parse(&bad, Path::new(".")).unwrap_err().0;
        assert!(e.contains("\"Bob\""), "{e}");
        assert!(e.contains("hash-password"), "{e}");
        assert!(e.contains("default_duration"), "{e}");
    }

    #[test]
    fn bad_duration_is_explained() {
        let bad = format!("{MIN}\n[auth]\naccess_token_ttl = \"soon\"\n");
        let e = Config::parse(&bad, Path::new(".")).unwrap_err().0;
        assert!(e.contains("soon"), "{e}");
    }

    #[test]
    fn secret_refs_resolve() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pw"), "s3cret\n").unwrap();
        let r = SecretRef::File("pw".into());
        assert_eq!(r.resolve(dir.path()).unwrap().expose(), "s3cret");
        let r = SecretRef::Env("HOOPCTL_TEST_SURELY_UNSET_VAR".into());
        assert!(r.resolve(dir.path()).unwrap_err().contains("not set"));
    }
}
