//! `/v1/grants`: request, list, approve, deny, revoke, and the client certificate of a grant.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiError, Caller};
use crate::clock::{fmt_duration, fmt_ms, now_ms};
use crate::gateway::Gateway;
use crate::gateway::policy::{ConnectContext, ConnectDecision};
use crate::gateway::reviews;
use crate::gateway::store::{GrantRow, NewEvent, ReviewRow};
use crate::proto::api::{
    CertificateRequest, CertificateResponse, DecisionRequest, Grant, GrantRequest, GrantStatus,
};

fn to_api(gw: &Gateway, g: GrantRow) -> Grant {
    let status = GrantStatus::parse(&g.status).unwrap_or(GrantStatus::Denied);
    Grant {
        approver_groups: if status == GrantStatus::Pending {
            gw.config.grants.approver_groups.clone()
        } else {
            Vec::new()
        },
        id: g.id,
        identity: g.identity,
        connection: g.connection,
        reason: g.reason,
        status,
        duration_seconds: g.duration_ms / 1000,
        created_at: fmt_ms(g.created_at),
        expires_at: g.expires_at.map(fmt_ms),
        decided_by: g.decided_by,
        decision_reason: g.decision_reason,
        review_id: None,
        provenance: super::provenance_json(g.provenance.as_deref()),
    }
}

/// The review deciding a pending grant: its own, or a new one (a grant requested before
/// reviews existed).
async fn review_of(gw: &Arc<Gateway>, g: &GrantRow) -> Result<ReviewRow, ApiError> {
    if let Some(r) = gw.store.review_of_grant(&g.id).await?
        && r.status == "pending"
    {
        return Ok(r);
    }
    let r = ReviewRow {
        id: reviews::new_id(),
        kind: "grant".into(),
        status: "pending".into(),
        requester: g.identity.clone(),
        connection: g.connection.clone(),
        grant_id: Some(g.id.clone()),
        session_id: None,
        statement: None,
        statement_sha256: None,
        parameters: None,
        needs: format!("connect on Connection::{:?}", g.connection),
        reason: g.reason.clone(),
        created_at: g.created_at,
        expires_at: g.created_at + gw.config.grants.pending_timeout.as_millis() as i64,
        decided_by: None,
        decided_at: None,
        decision_reason: None,
    };
    gw.store.insert_review(&r).await?;
    reviews::audit(gw, "review_opened", &r, &g.identity, None).await;
    gw.reviews.announce(gw, "review_opened", &r);
    Ok(r)
}

async fn audit_grant(gw: &Gateway, kind: &str, g: &GrantRow, by: &str, detail: Option<&str>) {
    let r = gw
        .store
        .insert_event(&NewEvent {
            kind,
            identity: Some(by),
            grant_id: Some(&g.id),
            connection: Some(&g.connection),
            outcome: Some(kind.trim_start_matches("grant_")),
            detail,
            ..Default::default()
        })
        .await;
    if let Err(e) = r {
        tracing::error!(error = %e, "cannot write grant audit event");
    }
}

pub async fn create(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Json(req): Json<GrantRequest>,
) -> Result<(StatusCode, Json<Grant>), ApiError> {
    let Some(conn) = gw.config.connections.get(&req.connection) else {
        return Err(ApiError::not_found(
            "connection_not_found",
            format!(
                "no connection named {:?}; `hoopctl connections` lists the ones you may request",
                req.connection
            ),
        ));
    };
    let reason = req.reason.trim();
    if reason.is_empty() || reason.len() > 1000 {
        return Err(ApiError::bad_request(
            "reason_required",
            "state why you need access with --reason (1 to 1000 characters)",
        ));
    }
    let duration = match &req.duration {
        Some(d) => humantime::parse_duration(d).map_err(|e| {
            ApiError::bad_request(
                "bad_duration",
                format!("duration {d:?}: {e}; use e.g. 30m or 2h"),
            )
        })?,
        None => gw.config.grants.default_duration,
    };
    let max = gw.config.grants.max_duration;
    if duration > max || duration < Duration::from_secs(10) {
        return Err(ApiError::bad_request(
            "bad_duration",
            format!(
                "duration {} is outside 10s..{}; ask for less",
                fmt_duration(duration),
                fmt_duration(max)
            ),
        ));
    }
    let ctx = ConnectContext {
        reason,
        duration_seconds: duration.as_secs() as i64,
        ci: caller.provenance.as_deref(),
        now_ms: now_ms(),
    };
    let decision = gw.policy.get().decide_connect(
        &caller.principal,
        &req.connection,
        conn.kind.as_str(),
        &ctx,
    );
    let now = now_ms();
    let duration_ms = duration.as_millis() as i64;
    let id = format!("gr_{}", &crate::gateway::auth::new_token("")[..16]);
    let (status, expires_at, detail) = match &decision {
        ConnectDecision::Allow => ("active", Some(now + duration_ms), None),
        ConnectDecision::NeedsApproval => ("pending", None, None),
        ConnectDecision::Deny(why) => ("denied", None, Some(why.join(", "))),
    };
    let row = GrantRow {
        id,
        identity: caller.principal.name.clone(),
        connection: req.connection.clone(),
        reason: reason.to_string(),
        status: status.to_string(),
        duration_ms,
        created_at: now,
        expires_at,
        decided_by: None,
        decision_reason: detail
            .as_ref()
            .map(|d| format!("denied by policy {d}").trim_end().to_string()),
        provenance: caller.provenance.clone(),
    };
    gw.store.insert_grant(&row).await?;
    let kind = match status {
        "active" => "grant_active",
        "pending" => "grant_pending",
        _ => "grant_denied",
    };
    audit_grant(&gw, kind, &row, &caller.principal.name, Some(reason)).await;
    if let ConnectDecision::Deny(_) = decision {
        return Err(ApiError::forbidden(
            "denied",
            format!(
                "policy does not allow {} to connect to {:?} (grant {} recorded as denied); ask an admin to change the policy",
                caller.principal.name, req.connection, row.id
            ),
        ));
    }
    let review = if status == "pending" {
        Some(review_of(&gw, &row).await?.id)
    } else {
        None
    };
    let code = if status == "active" {
        StatusCode::CREATED
    } else {
        StatusCode::ACCEPTED
    };
    let mut g = to_api(&gw, row);
    g.review_id = review;
    Ok((code, Json(g)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<String>,
    connection: Option<String>,
    /// Everyone's grants (approvers and admins only).
    #[serde(default)]
    all: bool,
}

pub async fn list(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<Grant>>, ApiError> {
    if let Some(s) = &q.status
        && GrantStatus::parse(s).is_none()
    {
        return Err(ApiError::bad_request(
            "bad_status",
            "status is one of pending, active, denied, revoked, expired",
        ));
    }
    let everyone = q.all && (caller.is_admin(&gw) || caller.is_approver(&gw));
    if q.all && !everyone {
        return Err(ApiError::forbidden(
            "not_approver",
            "listing everyone's grants needs an approver or admin group",
        ));
    }
    let identity = (!everyone).then_some(caller.principal.name.as_str());
    let rows = gw
        .store
        .list_grants(identity, q.status.as_deref(), q.connection.as_deref())
        .await?;
    Ok(Json(rows.into_iter().map(|g| to_api(&gw, g)).collect()))
}

async fn load(gw: &Gateway, id: &str) -> Result<GrantRow, ApiError> {
    gw.store.grant(id).await?.ok_or_else(|| {
        ApiError::not_found(
            "grant_not_found",
            format!("no grant {id:?}; `hoopctl grant list` shows yours"),
        )
    })
}

pub async fn show(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Grant>, ApiError> {
    let g = load(&gw, &id).await?;
    if g.identity != caller.principal.name && !caller.is_admin(&gw) && !caller.is_approver(&gw) {
        return Err(ApiError::not_found(
            "grant_not_found",
            format!("no grant {id:?}; `hoopctl grant list` shows yours"),
        ));
    }
    Ok(Json(to_api(&gw, g)))
}

/// Approves or denies a pending grant through its review: the same policy check (`approve`,
/// `approve_own`), one conditional transition, audit events for the review and the grant.
async fn decide(
    gw: &Arc<Gateway>,
    caller: &Caller,
    id: &str,
    body: Option<Json<DecisionRequest>>,
    approve: bool,
) -> Result<Json<Grant>, ApiError> {
    let g = load(gw, id).await?;
    if g.status != "pending" {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_pending",
            format!("grant {} is {}, not pending", g.id, g.status),
        ));
    }
    let review = review_of(gw, &g).await?;
    let reason = body.and_then(|b| b.0.reason);
    reviews::decide(
        gw,
        &caller.principal,
        &review.id,
        approve,
        reason.as_deref(),
    )
    .await?;
    let g = load(gw, id).await?;
    Ok(Json(to_api(gw, g)))
}

pub async fn approve(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Option<Json<DecisionRequest>>,
) -> Result<Json<Grant>, ApiError> {
    decide(&gw, &caller, &id, body, true).await
}

pub async fn deny(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Option<Json<DecisionRequest>>,
) -> Result<Json<Grant>, ApiError> {
    decide(&gw, &caller, &id, body, false).await
}

pub async fn revoke(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Option<Json<DecisionRequest>>,
) -> Result<Json<Grant>, ApiError> {
    let g = load(&gw, &id).await?;
    if g.identity != caller.principal.name && !caller.is_admin(&gw) {
        return Err(ApiError::forbidden(
            "not_owner",
            "only the grant's holder or an admin may revoke it",
        ));
    }
    let reason = body.and_then(|b| b.0.reason);
    let by = &caller.principal.name;
    if !gw
        .store
        .transition_grant(
            &id,
            &["pending", "active"],
            "revoked",
            by,
            reason.as_deref(),
        )
        .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "not_revocable",
            format!(
                "grant {id} is {}; only pending or active grants can be revoked",
                g.status
            ),
        ));
    }
    let ended = gw
        .sessions
        .end_grant(&id, &format!("grant {id} was revoked by {by}"));
    let g = load(&gw, &id).await?;
    let detail = format!("{ended} live session(s) ended");
    audit_grant(&gw, "grant_revoked", &g, by, Some(&detail)).await;
    Ok(Json(to_api(&gw, g)))
}

pub async fn certificate(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<CertificateRequest>,
) -> Result<Json<CertificateResponse>, ApiError> {
    let g = load(&gw, &id).await?;
    if g.identity != caller.principal.name {
        return Err(ApiError::forbidden(
            "not_owner",
            "a certificate is only issued to the grant's holder",
        ));
    }
    // Sessions are attributed to the CI run that requested their grant: another run of the
    // same service account (or a person's token for a run's grant) gets its own.
    let prov = |p: Option<&str>| p.and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok());
    if prov(g.provenance.as_deref()) != prov(caller.provenance.as_deref()) {
        return Err(ApiError::forbidden(
            "other_run",
            format!(
                "grant {id} was requested by another CI run (or outside CI): its sessions would be \
                 attributed to that run; request a grant of your own (hoopctl connect --reason …)"
            ),
        ));
    }
    let now = now_ms();
    let end = match (g.status.as_str(), g.expires_at) {
        ("active", Some(end)) if end > now + 1000 => end,
        _ => {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "grant_not_active",
                format!("grant {id} is {}; request a new one", g.status),
            ));
        }
    };
    let not_after = end.min(now + gw.config.grants.certificate_ttl.as_millis() as i64);
    let pem = gw
        .ca
        .issue_client(&req.csr, &g.identity, &g.id, not_after)
        .map_err(|e| ApiError::bad_request("bad_csr", e.to_string()))?;
    audit_grant(
        &gw,
        "certificate_issued",
        &g,
        &caller.principal.name,
        Some(&format!("valid until {}", fmt_ms(not_after))),
    )
    .await;
    let conn = gw.config.connections.get(&g.connection);
    Ok(Json(CertificateResponse {
        certificate: pem,
        ca: gw.ca.cert_pem().to_string(),
        not_after: fmt_ms(not_after),
        kind: conn
            .map(|c| c.kind.as_str().to_string())
            .unwrap_or_default(),
        database: conn.map(|c| c.database.clone()),
    }))
}
