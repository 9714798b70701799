//! JSON bodies of the gateway's `/v1` API. Both halves use these types, so a change here is a
//! change of the wire contract. Times are RFC 3339 strings in UTC.

use serde::{Deserialize, Serialize};

/// `POST /v1/grants`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrantRequest {
    /// Connection name.
    pub connection: String,
    /// Why access is needed; recorded with the grant and every audit event.
    pub reason: String,
    /// How long the grant should last, e.g. `"1h"` (humantime). Default: the gateway's.
    #[serde(default)]
    pub duration: Option<String>,
}

/// Life cycle of a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantStatus {
    /// Waiting for an approver.
    Pending,
    /// Usable until `expires_at`.
    Active,
    /// Refused by policy or an approver.
    Denied,
    /// Ended early by its owner or an admin.
    Revoked,
    /// Ran out of time.
    Expired,
}

impl GrantStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantStatus::Pending => "pending",
            GrantStatus::Active => "active",
            GrantStatus::Denied => "denied",
            GrantStatus::Revoked => "revoked",
            GrantStatus::Expired => "expired",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => GrantStatus::Pending,
            "active" => GrantStatus::Active,
            "denied" => GrantStatus::Denied,
            "revoked" => GrantStatus::Revoked,
            "expired" => GrantStatus::Expired,
            _ => return None,
        })
    }
}

/// A grant as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Grant {
    /// Grant id (`gr_…`).
    pub id: String,
    /// Who holds it.
    pub identity: String,
    /// Connection it opens.
    pub connection: String,
    /// Stated reason.
    pub reason: String,
    /// Current status.
    pub status: GrantStatus,
    /// Requested length in seconds.
    pub duration_seconds: i64,
    /// When it was requested.
    pub created_at: String,
    /// When it ends (set once active).
    pub expires_at: Option<String>,
    /// Who approved, denied or revoked it.
    pub decided_by: Option<String>,
    /// Why it was denied or revoked.
    pub decision_reason: Option<String>,
    /// Groups whose members may approve it (pending grants).
    #[serde(default)]
    pub approver_groups: Vec<String>,
    /// The review deciding it (pending grants): `hoopctl review approve ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_id: Option<String>,
    /// Workload provenance of the requester (CI run, repository, commit…): every session of
    /// the grant is attributed to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<serde_json::Value>,
}

/// A review as the API shows it: a held statement or a pending grant awaiting a human.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Review {
    /// Review id (`rv_…`).
    pub id: String,
    /// `statement` or `grant`.
    pub kind: String,
    /// pending, approved, denied, expired or cancelled.
    pub status: String,
    /// Who asked.
    pub requester: String,
    /// Connection.
    pub connection: String,
    /// The session's grant, or the grant under review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_id: Option<String>,
    /// The session holding the statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// The statement, exactly as sent (statement reviews).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// SHA-256 of the statement and its parameter values: the approval binds to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statement_sha256: Option<String>,
    /// A held Execute's Bind parameter values, `$1` first: `NULL`, `'text'`, `x'hex'` (binary
    /// or unprintable), or `<N bytes, sha256 …>` for values over 4 KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<String>>,
    /// What needs approval.
    pub needs: String,
    /// The grant's stated reason.
    pub reason: String,
    /// Opened at (RFC 3339).
    pub created_at: String,
    /// Undecided by then, it expires.
    pub expires_at: String,
    /// Reviewer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    /// Decided at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<String>,
    /// The reviewer's reason, or why it expired or was cancelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_reason: Option<String>,
}

/// `POST /v1/grants/{id}/deny` and `/revoke`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Optional explanation shown to the requester.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `POST /v1/identities/{name}/revoke`: what an admin's revocation ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdentityRevoked {
    /// The identity.
    pub identity: String,
    /// Access and refresh tokens revoked (every login of the identity).
    pub tokens_revoked: u64,
    /// Pending and active grants revoked.
    pub grants_revoked: usize,
    /// Live proxied sessions ended.
    pub sessions_ended: usize,
}

/// `GET /v1/identities`: a person known through an identity provider.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FederatedIdentityInfo {
    /// The identity name.
    pub name: String,
    /// The `[[auth.oidc]]` provider.
    pub provider: String,
    /// The provider's subject the name is bound to.
    pub subject: String,
    /// Email, if the provider gave one.
    pub email: Option<String>,
    /// Groups as of the latest sign-in or renewal.
    pub groups: Vec<String>,
    /// When they last signed in.
    pub signed_in_at: String,
    /// Until when the provider vouches (then sign in again, or renew).
    pub valid_until: String,
}

/// A connection the caller may request.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Connection {
    /// Name used in `grant request` and `connect`.
    pub name: String,
    /// Protocol (`postgres`).
    pub kind: String,
    /// Free text from the config.
    pub description: String,
    /// Database name clients should use.
    pub database: Option<String>,
    /// Whether policy lets the caller connect at once (`allow`) or after approval (`approval`).
    pub access: String,
}

/// `POST /v1/grants/{id}/certificate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CertificateRequest {
    /// PKCS#10 request in PEM; only its public key is used.
    pub csr: String,
}

/// The client certificate issued for a grant.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CertificateResponse {
    /// Leaf certificate, PEM.
    pub certificate: String,
    /// The gateway CA certificate, PEM (to verify the gateway).
    pub ca: String,
    /// End of validity; never after the grant's end.
    pub not_after: String,
    /// Protocol of the connection (`postgres`).
    pub kind: String,
    /// Database clients should name (PostgreSQL).
    pub database: Option<String>,
}

/// `GET /v1/whoami`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WhoAmI {
    /// Identity name.
    pub identity: String,
    /// `user` or `service_account`.
    pub kind: String,
    /// Groups, used by policy.
    pub groups: Vec<String>,
    /// When the access token in use expires.
    pub token_expires_at: String,
    /// Where a workload's token came from (CI run, repository, commit…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<serde_json::Value>,
    /// The identity provider a person signed in through (`[[auth.oidc]]` name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider: Option<String>,
    /// Until when that provider vouches for the groups (then `hoopctl login` again).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_provider_until: Option<String>,
}

/// One audit event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Monotonic id in the gateway store.
    pub id: i64,
    /// When it happened.
    pub time: String,
    /// What happened: `statement`, `session_open`, `session_close`, `grant_*`, `tunnel_rejected`…
    pub kind: String,
    /// Who.
    pub identity: Option<String>,
    /// Under which grant.
    pub grant_id: Option<String>,
    /// Against which connection.
    pub connection: Option<String>,
    /// Which proxied session.
    pub session_id: Option<String>,
    /// Statement text, for statements.
    pub statement: Option<String>,
    /// `ok`, `error`, `denied`, `started`, …
    pub outcome: Option<String>,
    /// Rows returned or affected, when known.
    pub rows: Option<i64>,
    /// How long the statement took, in milliseconds.
    pub duration_ms: Option<i64>,
    /// Extra detail (error message, peer address…).
    pub detail: Option<String>,
    /// Workload provenance of the event (or of its grant): issuer, repository, run id, sha…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<serde_json::Value>,
}

/// A session's recording, as the gateway keeps it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordingInfo {
    /// `recording` (session live), `complete`, `truncated` (size cap reached), `incomplete`
    /// (the gateway stopped mid-session), `failed` (a write failed), `deleted` (retention).
    pub state: String,
    /// Size on disk (compressed).
    pub bytes: i64,
    /// Stream bytes recorded, before compression.
    pub stream_bytes: Option<i64>,
    /// Stream bytes the size cap left out.
    pub dropped_bytes: Option<i64>,
    /// SHA-256 (hex) of the file; the session-close event carries the same.
    pub sha256: Option<String>,
    /// When retention deleted it.
    pub deleted_at: Option<String>,
}

/// A proxied session (`/v1/sessions`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionSummary {
    /// `se_…`
    pub id: String,
    /// Who.
    pub identity: String,
    /// Connection.
    pub connection: String,
    /// Grant it ran under.
    pub grant_id: String,
    /// The grant's stated reason.
    pub reason: Option<String>,
    /// Workload provenance of the grant (CI run, repository, commit…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<serde_json::Value>,
    /// When it opened.
    pub started_at: String,
    /// When it closed; none while open, or when the gateway stopped first.
    pub ended_at: Option<String>,
    /// Statement events.
    pub statements: i64,
    /// Its recording; none when recordings were off.
    pub recording: Option<RecordingInfo>,
}

/// One session, whole (`/v1/sessions/{id}`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionDetail {
    /// The summary.
    #[serde(flatten)]
    pub session: SessionSummary,
    /// Every audit event of the session, oldest first: open, statements with outcomes, close.
    pub events: Vec<AuditEvent>,
}

/// A session that received a record (`/v1/audit/who-accessed`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordAccess {
    /// Session (`se_…`); `hoopctl sessions show` and `replay` take it.
    pub session_id: String,
    /// Who.
    pub identity: Option<String>,
    /// Connection.
    pub connection: Option<String>,
    /// Grant the session ran under.
    pub grant_id: Option<String>,
    /// The grant's stated reason.
    pub reason: Option<String>,
    /// Workload provenance (CI run, repository, commit…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<serde_json::Value>,
    /// The first statement of the session that returned the record.
    pub statement: Option<String>,
    /// Its sequence number in the session.
    pub seq: i64,
    /// When it ran.
    pub time: String,
}

/// The audit checkpoint signing key (`/v1/audit/public-key`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditKey {
    /// Always `ed25519`.
    pub algorithm: String,
    /// The raw public key, base64: `hoopctl audit verify --public-key` takes it.
    pub public_key: String,
    /// A short name for it (first 16 hex digits of its SHA-256).
    pub key_id: String,
}

/// RFC 9457 problem details: the body of every API error.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Problem {
    /// A URI naming the problem type (`about:blank` style ids under `urn:hoopctl:`).
    #[serde(rename = "type")]
    pub type_: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What happened and what to do next.
    pub detail: String,
    /// Stable machine-readable code, e.g. `grant_not_found`.
    pub code: String,
}
