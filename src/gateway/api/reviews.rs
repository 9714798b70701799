//! `/v1/reviews`: list, show, approve and deny reviews of held statements and pending grants.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::{ApiError, Caller};
use crate::gateway::Gateway;
use crate::gateway::reviews::{self, DecideError};
use crate::gateway::store::{ReviewFilter, ReviewRow};
use crate::proto::api::{DecisionRequest, Review};

const STATUSES: &[&str] = &["pending", "approved", "denied", "expired", "cancelled"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Default `pending`; `all` for every status.
    status: Option<String>,
    connection: Option<String>,
}

/// Whether `caller` may see review `r`: their own, or one policy lets them decide.
fn visible(gw: &Gateway, caller: &Caller, r: &ReviewRow) -> bool {
    if r.requester == caller.principal.name || caller.is_admin(gw) {
        return true;
    }
    reviews::may_decide(gw, &caller.principal, r).unwrap_or(false)
}

/// Reviews the caller asked for or may decide, newest first.
pub async fn list(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<Review>>, ApiError> {
    let status = match q.status.as_deref() {
        None => Some("pending"),
        Some("all") => None,
        Some(s) if STATUSES.contains(&s) => Some(s),
        Some(_) => {
            return Err(ApiError::bad_request(
                "bad_status",
                "status is one of pending, approved, denied, expired, cancelled, all",
            ));
        }
    };
    let rows = gw
        .store
        .list_reviews(&ReviewFilter {
            status,
            requester: None,
            connection: q.connection.as_deref(),
        })
        .await?;
    Ok(Json(
        rows.iter()
            .filter(|r| visible(&gw, &caller, r))
            .map(reviews::to_api)
            .collect(),
    ))
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(
        "review_not_found",
        format!("no review {id:?}; `hoopctl review list` shows the ones you may see"),
    )
}

pub async fn show(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<Review>, ApiError> {
    match gw.store.review(&id).await? {
        Some(r) if visible(&gw, &caller, &r) => Ok(Json(reviews::to_api(&r))),
        _ => Err(not_found(&id)),
    }
}

impl From<DecideError> for ApiError {
    fn from(e: DecideError) -> Self {
        match e {
            DecideError::NotFound(m) => ApiError::not_found("review_not_found", m),
            DecideError::Forbidden(m) => ApiError::forbidden("not_reviewer", m),
            DecideError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "not_pending", m),
            DecideError::Store(e) => e.into(),
        }
    }
}

async fn decide(
    gw: Arc<Gateway>,
    caller: Caller,
    id: String,
    body: Option<Json<DecisionRequest>>,
    approve: bool,
) -> Result<Json<Review>, ApiError> {
    let reason = body.and_then(|b| b.0.reason);
    let r = reviews::decide(&gw, &caller.principal, &id, approve, reason.as_deref()).await?;
    Ok(Json(reviews::to_api(&r)))
}

pub async fn approve(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Option<Json<DecisionRequest>>,
) -> Result<Json<Review>, ApiError> {
    decide(gw, caller, id, body, true).await
}

pub async fn deny(
    State(gw): State<Arc<Gateway>>,
    caller: Caller,
    Path(id): Path<String>,
    body: Option<Json<DecisionRequest>>,
) -> Result<Json<Review>, ApiError> {
    decide(gw, caller, id, body, false).await
}
