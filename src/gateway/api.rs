//! The HTTPS API: OAuth endpoints, the `/device` verification page, and `/v1` (grants,
//! connections, certificates, audit). Errors are RFC 9457 problem details with a stable `code`;
//! the OAuth token endpoint answers in RFC 6749 form because OAuth clients expect it.

mod audit;
mod device;
mod grants;
mod identities;
mod idp;
mod openapi;
mod reviews;
mod sessions;

use std::sync::Arc;

use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::clock::{fmt_ms, now_ms, parse_rfc3339_ms};
use crate::gateway::Gateway;
use crate::gateway::auth::hash_token;
use crate::gateway::policy::{ConnectContext, ConnectDecision, Principal};
use crate::gateway::store::{EventFilter, StoreError};
use crate::proto::api::{AuditEvent, Connection, Problem, WhoAmI};

type Gw = State<Arc<Gateway>>;

/// Builds the router.
pub fn router(gw: Arc<Gateway>) -> Router {
    Router::new()
        .route("/.well-known/oauth-authorization-server", get(metadata))
        .route(
            "/oauth/device_authorization",
            post(device::device_authorization),
        )
        .route("/oauth/token", post(device::token))
        .route("/oauth/revoke", post(device::revoke))
        .route("/device", get(device::page).post(device::submit))
        .route("/device/oidc", post(idp::start))
        .route(idp::CALLBACK_PATH, get(idp::callback))
        .route("/healthz", get(|| async { "ok" }))
        .route("/v1/openapi.json", get(openapi::document))
        .route("/v1/whoami", get(whoami))
        .route("/v1/connections", get(connections))
        .route("/v1/grants", post(grants::create).get(grants::list))
        .route("/v1/grants/{id}", get(grants::show))
        .route("/v1/grants/{id}/approve", post(grants::approve))
        .route("/v1/grants/{id}/deny", post(grants::deny))
        .route("/v1/grants/{id}/revoke", post(grants::revoke))
        .route("/v1/grants/{id}/certificate", post(grants::certificate))
        .route("/v1/reviews", get(reviews::list))
        .route("/v1/reviews/{id}", get(reviews::show))
        .route("/v1/reviews/{id}/approve", post(reviews::approve))
        .route("/v1/reviews/{id}/deny", post(reviews::deny))
        .route("/v1/audit", get(audit))
        .route("/v1/audit/export", get(audit::export))
        .route("/v1/audit/public-key", get(audit::public_key))
        .route("/v1/audit/who-accessed", get(audit::who_accessed))
        .route("/v1/identities", get(identities::list))
        .route("/v1/identities/{name}/revoke", post(identities::revoke))
        .route("/v1/identities/{name}/forget", post(identities::forget))
        .route("/v1/sessions", get(sessions::list))
        .route("/v1/sessions/{id}", get(sessions::show))
        .route("/v1/sessions/{id}/recording", get(sessions::recording))
        .layer(axum::middleware::map_response(problemize))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "no such endpoint; see /v1/openapi.json",
            )
        })
        .with_state(gw)
}

/// Rewrites framework errors (malformed JSON, unknown query parameters, wrong method) that
/// axum renders as plain text into problem details, so every API error has one shape.
async fn problemize(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|ct| ct.starts_with("text/plain"));
    if !plain {
        return resp;
    }
    let body = axum::body::to_bytes(resp.into_body(), 16 * 1024)
        .await
        .unwrap_or_default();
    let code = match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_body",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
        _ => "error",
    };
    let detail = String::from_utf8_lossy(&body).trim().to_string();
    let detail = if detail.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        detail
    };
    ApiError::new(status, code, detail).into_response()
}

/// An API error, rendered as problem+json.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    detail: String,
}

impl ApiError {
    /// An error with a status, a stable code and a message saying what to do next.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: detail.into(),
        }
    }
    fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }
    fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }
    fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, detail)
    }
    fn unauthorized(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store failure");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store_unavailable",
            "the gateway's store failed; retry, and tell the gateway operator if it persists",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let p = Problem {
            type_: format!("urn:hoopctl:problem:{}", self.code),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("error")
                .to_string(),
            status: self.status.as_u16(),
            detail: self.detail,
            code: self.code.to_string(),
        };
        let mut r = (self.status, Json(p)).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if self.status == StatusCode::UNAUTHORIZED {
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        r
    }
}

/// The authenticated caller of a `/v1` endpoint.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who, with groups.
    pub principal: Principal,
    /// When the token in use expires.
    pub token_expires_at: i64,
    /// Workload provenance (JSON) when the token came from a CI token exchange.
    pub provenance: Option<String>,
}

impl Caller {
    fn in_any(&self, groups: &[String]) -> bool {
        self.principal.groups.iter().any(|g| groups.contains(g))
    }
    /// Member of an admin group.
    pub fn is_admin(&self, gw: &Gateway) -> bool {
        self.in_any(&gw.config.auth.admin_groups)
    }
    /// A 403 unless an admin: `doing` says what needed it ("reading sessions").
    pub fn require_admin(&self, gw: &Gateway, doing: &str) -> Result<(), ApiError> {
        if self.is_admin(gw) {
            return Ok(());
        }
        Err(ApiError::forbidden(
            "not_admin",
            format!(
                "{doing} needs membership in an admin group ({})",
                gw.config.auth.admin_groups.join(", ")
            ),
        ))
    }
    /// Member of an approver group.
    pub fn is_approver(&self, gw: &Gateway) -> bool {
        self.in_any(&gw.config.grants.approver_groups)
    }
}

impl FromRequestParts<Arc<Gateway>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, gw: &Arc<Gateway>) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| {
                ApiError::unauthorized("unauthenticated", "no bearer token; run `hoopctl login`")
            })?;
        let row = gw.store.token(&hash_token(token.trim())).await?;
        let row = match row {
            Some(r) if r.kind == "access" => r,
            _ => {
                return Err(ApiError::unauthorized(
                    "invalid_token",
                    "the access token is not known to this gateway; run `hoopctl login`",
                ));
            }
        };
        if row.revoked_at.is_some() {
            return Err(ApiError::unauthorized(
                "token_revoked",
                "the access token was revoked; run `hoopctl login`",
            ));
        }
        if row.expires_at <= now_ms() {
            return Err(ApiError::unauthorized(
                "token_expired",
                "the access token expired; run `hoopctl login`",
            ));
        }
        let principal = gw.principal(&row.identity).ok_or_else(|| {
            ApiError::unauthorized("unknown_identity", gw.why_unknown(&row.identity))
        })?;
        Ok(Caller {
            principal,
            token_expires_at: row.expires_at,
            provenance: row.provenance,
        })
    }
}

async fn metadata(State(gw): Gw) -> Json<serde_json::Value> {
    let base = gw.config.public_url();
    Json(serde_json::json!({
        "issuer": base,
        "device_authorization_endpoint": format!("{base}/oauth/device_authorization"),
        "token_endpoint": format!("{base}/oauth/token"),
        "revocation_endpoint": format!("{base}/oauth/revoke"),
        "grant_types_supported": [
            "urn:ietf:params:oauth:grant-type:device_code",
            "refresh_token",
            device::TOKEN_EXCHANGE,
        ],
        "token_endpoint_auth_methods_supported": ["none"],
        "response_types_supported": [],
    }))
}

/// Stored provenance (JSON text written by the token exchange) as a JSON value.
fn provenance_json(stored: Option<&str>) -> Option<serde_json::Value> {
    stored.and_then(|p| serde_json::from_str(p).ok())
}

async fn whoami(State(gw): Gw, caller: Caller) -> Json<WhoAmI> {
    let federated = match gw.config.user(&caller.principal.name) {
        Some(_) => None,
        None => gw
            .federated
            .read()
            .ok()
            .and_then(|k| k.get(&caller.principal.name).cloned()),
    };
    Json(WhoAmI {
        identity: caller.principal.name.clone(),
        kind: caller.principal.kind.as_str().to_string(),
        groups: caller.principal.groups.clone(),
        token_expires_at: fmt_ms(caller.token_expires_at),
        provenance: provenance_json(caller.provenance.as_deref()),
        identity_provider: federated.as_ref().map(|f| f.provider.clone()),
        identity_provider_until: federated.as_ref().map(|f| fmt_ms(f.valid_until)),
    })
}

async fn connections(State(gw): Gw, caller: Caller) -> Json<Vec<Connection>> {
    let ctx = ConnectContext {
        reason: "(listing connections)",
        duration_seconds: gw.config.grants.default_duration.as_secs() as i64,
        ci: caller.provenance.as_deref(),
        now_ms: now_ms(),
    };
    let mut out = Vec::new();
    for (name, c) in &gw.config.connections {
        let access =
            match gw
                .policy
                .get()
                .decide_connect(&caller.principal, name, c.kind.as_str(), &ctx)
            {
                ConnectDecision::Allow => "allow",
                ConnectDecision::NeedsApproval => "approval",
                ConnectDecision::Deny(_) => continue,
            };
        out.push(Connection {
            name: name.clone(),
            kind: c.kind.as_str().to_string(),
            description: c.description.clone(),
            database: Some(c.database.clone()),
            access: access.to_string(),
        });
    }
    Json(out)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditQuery {
    since: Option<String>,
    connection: Option<String>,
    identity: Option<String>,
    session: Option<String>,
    repository: Option<String>,
    run: Option<String>,
    limit: Option<i64>,
}

/// Parses `since` as RFC 3339 or as a duration back from now ("2h").
fn parse_since(s: &str) -> Option<i64> {
    parse_rfc3339_ms(s).or_else(|| {
        humantime::parse_duration(s)
            .ok()
            .map(|d| now_ms() - d.as_millis() as i64)
    })
}

/// A `?since=` query parameter as unix ms (none when absent), or a 400 saying what it takes.
fn since_param(since: Option<&str>) -> Result<Option<i64>, ApiError> {
    since
        .map(|s| {
            parse_since(s).ok_or_else(|| {
                ApiError::bad_request(
                    "bad_since",
                    format!("since={s:?} is neither an RFC 3339 time nor a duration like 2h"),
                )
            })
        })
        .transpose()
}

async fn audit(
    State(gw): Gw,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEvent>>, ApiError> {
    if !caller.is_admin(&gw) {
        return Err(ApiError::forbidden(
            "not_admin",
            format!(
                "reading the audit log needs membership in an admin group ({})",
                gw.config.auth.admin_groups.join(", ")
            ),
        ));
    }
    let since_ms = since_param(q.since.as_deref())?;
    let rows = gw
        .store
        .list_events(&EventFilter {
            since_ms,
            connection: q.connection,
            identity: q.identity,
            session_id: q.session,
            repository: q.repository,
            run_id: q.run,
            limit: Some(q.limit.unwrap_or(1000).clamp(1, 100_000)),
        })
        .await?;
    Ok(Json(rows.into_iter().map(event_json).collect()))
}

/// A stored event as the API shows it.
fn event_json(r: crate::gateway::store::EventRow) -> AuditEvent {
    AuditEvent {
        id: r.id,
        time: fmt_ms(r.time),
        kind: r.kind,
        identity: r.identity,
        grant_id: r.grant_id,
        connection: r.connection,
        session_id: r.session_id,
        statement: r.statement,
        outcome: r.outcome,
        rows: r.rows,
        duration_ms: r.duration_ms,
        detail: r.detail,
        provenance: provenance_json(r.provenance.as_deref()),
    }
}
