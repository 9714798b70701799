//! `/v1/audit/export` and `/v1/audit/public-key`: the chained log with the checkpoints that
//! cover it, for `hoopctl audit verify` to check offline.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{ApiError, Caller, Gw, since_param};
use crate::clock::now_ms;
use crate::gateway::store::NewEvent;
use crate::proto::api::AuditKey;
use crate::proto::chain::{self, FORMAT, GENESIS, Manifest, Record};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ExportQuery {
    since: Option<String>,
    format: Option<String>,
}

/// The chain from `since` (everything without it) to its head, which a checkpoint signed just
/// now (or earlier) covers; JSON lines or CSV. Admins only; the export is itself audited.
pub(super) async fn export(
    State(gw): Gw,
    caller: Caller,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    if !caller.is_admin(&gw) {
        return Err(ApiError::forbidden(
            "not_admin",
            format!(
                "exporting the audit log needs membership in an admin group ({})",
                gw.config.auth.admin_groups.join(", ")
            ),
        ));
    }
    let csv = match q.format.as_deref() {
        None | Some("jsonl") => false,
        Some("csv") => true,
        Some(f) => {
            return Err(ApiError::bad_request(
                "bad_format",
                format!("format={f:?}: use jsonl or csv"),
            ));
        }
    };
    let since_ms = since_param(q.since.as_deref())?;
    // Everything exported is covered: chain what is new and sign its head first.
    let (until, head_hash) = match crate::gateway::chain::tick(&gw, true).await {
        Ok(c) => c.map_or((0, GENESIS.to_string()), |c| (c.event_id, c.event_hash)),
        Err(crate::gateway::chain::ChainError::Store(e)) => return Err(e.into()),
        Err(e) => {
            return Err(ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "audit_chain_tampered",
                e.to_string(),
            ));
        }
    };
    let (events, checkpoints) = gw.store.export_chain(since_ms, until).await?;
    let n = events.len();
    let exported_at = now_ms();
    let manifest = gw.chain_key.sign_manifest(Manifest::describe(
        since_ms,
        (until, &head_hash),
        &events,
        exported_at,
    ));
    let mut records = Vec::with_capacity(n + checkpoints.len() + 2);
    records.push(Record::Header {
        format: FORMAT.to_string(),
        key_id: gw.chain_key.key_id().to_string(),
        exported_at,
    });
    records.extend(events.into_iter().map(Record::Event));
    records.extend(checkpoints.into_iter().map(Record::Checkpoint));
    records.push(Record::Manifest(manifest));
    let (body, kind) = if csv {
        (chain::to_csv(&records), "text/csv; charset=utf-8")
    } else {
        let mut s = String::new();
        for r in &records {
            s.push_str(&serde_json::to_string(r).unwrap_or_default());
            s.push('\n');
        }
        (s, "application/x-ndjson")
    };
    let detail = format!(
        "{n} events{} as {}",
        q.since
            .as_ref()
            .map(|s| format!(" since {s}"))
            .unwrap_or_default(),
        if csv { "csv" } else { "jsonl" }
    );
    gw.store
        .insert_event(&NewEvent {
            kind: "audit_exported",
            identity: Some(&caller.principal.name),
            outcome: Some("ok"),
            detail: Some(&detail),
            provenance: caller.provenance.as_deref(),
            ..Default::default()
        })
        .await?;
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    Ok(resp)
}

/// The checkpoint signing key's public half (any signed-in caller).
pub(super) async fn public_key(State(gw): Gw, _caller: Caller) -> Json<AuditKey> {
    Json(AuditKey {
        algorithm: "ed25519".into(),
        public_key: gw.chain_key.public_key_base64(),
        key_id: gw.chain_key.key_id().to_string(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WhoQuery {
    connection: String,
    table: String,
    key: String,
    since: Option<String>,
}

/// The accounted table `name` names on `connection`: `schema.table`, or `table` alone when
/// only one schema's table of that name declares a key.
fn accounted_table(
    gw: &crate::gateway::Gateway,
    connection: &str,
    name: &str,
) -> Result<String, ApiError> {
    let Some(c) = gw.config.connections.get(connection) else {
        return Err(ApiError::bad_request(
            "no_such_connection",
            format!("no connection {connection:?}; `hoopctl connections` lists them"),
        ));
    };
    let keyed: Vec<&String> = c
        .tables
        .iter()
        .filter(|(_, t)| t.key.is_some())
        .map(|(n, _)| n)
        .collect();
    let matches: Vec<&&String> = keyed
        .iter()
        .filter(|t| t.as_str() == name || t.split_once('.').is_some_and(|(_, tb)| tb == name))
        .collect();
    match matches.as_slice() {
        [one] => Ok((**one).clone()),
        [] => Err(ApiError::bad_request(
            "table_not_accounted",
            format!(
                "connection {connection} accounts no table {name:?}: {}",
                if keyed.is_empty() {
                    "none of its tables declares a key (tables.\"schema.table\".key in the gateway config)".to_string()
                } else {
                    format!(
                        "accounted tables are {}",
                        keyed
                            .iter()
                            .map(|t| t.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            ),
        )),
        many => Err(ApiError::bad_request(
            "ambiguous_table",
            format!(
                "{name:?} names several accounted tables ({}); give schema.table",
                many.iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// The sessions that received a record of an accounted PHI table, oldest first. Admins only;
/// the lookup is itself audited (with the key's hash, never the key).
pub(super) async fn who_accessed(
    State(gw): Gw,
    caller: Caller,
    Query(q): Query<WhoQuery>,
) -> Result<Json<Vec<crate::proto::api::RecordAccess>>, ApiError> {
    caller.require_admin(&gw, "looking up who accessed a record")?;
    let table = accounted_table(&gw, &q.connection, &q.table)?;
    let since_ms = since_param(q.since.as_deref())?;
    let hash = gw.access_key.hash(&q.connection, &table, q.key.as_bytes());
    let rows = gw.store.who_accessed(&hash, since_ms).await?;
    let detail = format!(
        "table {table}, key hash {}, {} session(s)",
        hex::encode(hash),
        rows.len()
    );
    gw.store
        .insert_event(&NewEvent {
            kind: "record_lookup",
            identity: Some(&caller.principal.name),
            connection: Some(&q.connection),
            outcome: Some("ok"),
            detail: Some(&detail),
            provenance: caller.provenance.as_deref(),
            ..Default::default()
        })
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| crate::proto::api::RecordAccess {
                session_id: r.session_id,
                identity: r.identity,
                connection: r.connection,
                grant_id: r.grant_id,
                reason: r.reason,
                provenance: super::provenance_json(r.provenance.as_deref()),
                statement: r.statement,
                seq: r.seq,
                time: crate::clock::fmt_ms(r.time),
            })
            .collect(),
    ))
}
