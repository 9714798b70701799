//! `/v1/sessions`: proxied sessions as the audit log tells them, with their recordings.
//! Admins only; fetching a recording is itself audited (`recording_read`), since it holds
//! what the session returned (masked).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiError, Caller, Gw, event_json, provenance_json, since_param};
use crate::clock::fmt_ms;
use crate::gateway::store::{EventFilter, NewEvent, RecordingRow, SessionFilter, SessionRow};
use crate::proto::api::{RecordingInfo, SessionDetail, SessionSummary};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ListQuery {
    since: Option<String>,
    connection: Option<String>,
    identity: Option<String>,
    repository: Option<String>,
    run: Option<String>,
    limit: Option<i64>,
}

fn recording_json(r: RecordingRow) -> RecordingInfo {
    RecordingInfo {
        state: r.state,
        bytes: r.bytes,
        stream_bytes: r.stream_bytes,
        dropped_bytes: r.dropped_bytes,
        sha256: r.sha256,
        deleted_at: r.deleted_at.map(fmt_ms),
    }
}

fn summary(s: SessionRow) -> SessionSummary {
    SessionSummary {
        id: s.id,
        identity: s.identity,
        connection: s.connection,
        grant_id: s.grant_id,
        reason: s.reason,
        provenance: provenance_json(s.provenance.as_deref()),
        started_at: fmt_ms(s.started_at),
        ended_at: s.ended_at.map(fmt_ms),
        statements: s.statements,
        recording: s.recording.map(recording_json),
    }
}

/// Sessions, newest first.
pub(super) async fn list(
    State(gw): Gw,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<SessionSummary>>, ApiError> {
    caller.require_admin(&gw, "listing sessions")?;
    let rows = gw
        .store
        .list_sessions(&SessionFilter {
            since_ms: since_param(q.since.as_deref())?,
            connection: q.connection,
            identity: q.identity,
            run_id: q.run,
            repository: q.repository,
            limit: Some(q.limit.unwrap_or(50).clamp(1, 10_000)),
        })
        .await?;
    Ok(Json(rows.into_iter().map(summary).collect()))
}

fn no_session(id: &str) -> ApiError {
    ApiError::not_found(
        "no_such_session",
        format!("no session {id:?}; `hoopctl sessions list` shows recent ones"),
    )
}

/// One session with every audit event it has.
pub(super) async fn show(
    State(gw): Gw,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<SessionDetail>, ApiError> {
    caller.require_admin(&gw, "reading sessions")?;
    let Some(s) = gw.store.session(&id).await? else {
        return Err(no_session(&id));
    };
    let events = gw
        .store
        .list_events(&EventFilter {
            session_id: Some(id),
            limit: Some(1_000_000),
            ..Default::default()
        })
        .await?;
    Ok(Json(SessionDetail {
        session: summary(s),
        events: events.into_iter().map(event_json).collect(),
    }))
}

/// The recording file as written (zstd), for `hoopctl sessions replay`.
pub(super) async fn recording(
    State(gw): Gw,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require_admin(&gw, "reading session recordings")?;
    let Some(r) = gw.store.recording(&id).await? else {
        return Err(match gw.store.session(&id).await? {
            Some(_) => ApiError::not_found(
                "no_recording",
                format!("session {id} was not recorded (recordings were off)"),
            ),
            None => no_session(&id),
        });
    };
    if r.state == "deleted" {
        return Err(ApiError::new(
            StatusCode::GONE,
            "recording_deleted",
            format!(
                "retention deleted the recording of {id} at {}; its digest was {}",
                r.deleted_at.map(fmt_ms).unwrap_or_default(),
                r.sha256.as_deref().unwrap_or("unknown")
            ),
        ));
    }
    let Some(path) = gw.recordings.path_of(&r.file) else {
        return Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "bad_recording_name",
            format!("the store names an unsafe file for {id}; it was not read"),
        ));
    };
    let body = tokio::fs::read(&path).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "recording_unreadable",
            format!("cannot read the recording of {id}: {e}"),
        )
    })?;
    let detail = format!("{} bytes, state {}", body.len(), r.state);
    gw.store
        .insert_event(&NewEvent {
            kind: "recording_read",
            identity: Some(&caller.principal.name),
            session_id: Some(&id),
            outcome: Some("ok"),
            detail: Some(&detail),
            provenance: caller.provenance.as_deref(),
            ..Default::default()
        })
        .await?;
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zstd"),
    );
    if let Ok(v) = HeaderValue::from_str(&r.state) {
        resp.headers_mut().insert("x-hoopctl-recording-state", v);
    }
    Ok(resp)
}
