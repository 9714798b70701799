//! `/v1/identities/{name}/revoke`: an admin ends everything an identity holds — every login
//! (access and refresh tokens), every pending or active grant, and with them its live
//! sessions, whose clients are told why. For a person who signed in through an identity
//! provider, the provider's word is withdrawn too: they must sign in there again.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{ApiError, Caller, Gw};
use crate::clock::now_ms;
use crate::gateway::store::NewEvent;
use crate::proto::api::{DecisionRequest, IdentityRevoked};

/// Revokes an identity's logins, grants and live sessions. Admins only; audited.
pub(super) async fn revoke(
    State(gw): Gw,
    caller: Caller,
    Path(name): Path<String>,
    body: Option<Json<DecisionRequest>>,
) -> Result<Json<IdentityRevoked>, ApiError> {
    caller.require_admin(&gw, "revoking an identity's sessions")?;
    let known = gw.config.user(&name).is_some()
        || gw.config.service_account(&name).is_some()
        || gw.federated.read().is_ok_and(|k| k.contains_key(&name));
    if !known {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_identity",
            format!(
                "no identity {name} on this gateway (configured users and service accounts, and people who signed in through an identity provider)"
            ),
        ));
    }
    let by = caller.principal.name.clone();
    let reason = body.and_then(|b| b.0.reason);
    let why = match &reason {
        Some(r) => format!("the sessions of {name} were revoked by {by}: {r}"),
        None => format!("the sessions of {name} were revoked by {by}"),
    };
    let tokens_revoked = gw.store.revoke_identity_tokens(&name).await?;
    // The provider's word ends now: a certificate still in hand cannot open new sessions.
    let federated = match gw.federated.write() {
        Ok(mut known) => known.get_mut(&name).map(|f| {
            f.valid_until = f.valid_until.min(now_ms());
            f.clone()
        }),
        Err(_) => None,
    };
    if let Some(f) = &federated {
        gw.store
            .record_federated(f)
            .await?
            .map_err(|e| ApiError::new(StatusCode::CONFLICT, "identity_conflict", e.to_string()))?;
    }
    let mut grants_revoked = 0;
    let mut sessions_ended = 0;
    for status in ["active", "pending"] {
        for g in gw
            .store
            .list_grants(Some(&name), Some(status), None)
            .await?
        {
            if gw
                .store
                .transition_grant(&g.id, &[status], "revoked", &by, Some(&why))
                .await?
            {
                grants_revoked += 1;
                sessions_ended += gw.sessions.end_grant(&g.id, &why);
            }
        }
    }
    let detail = format!(
        "{why}; {tokens_revoked} token(s), {grants_revoked} grant(s), {sessions_ended} live session(s) ended"
    );
    gw.store
        .insert_event(&NewEvent {
            kind: "identity_revoked",
            identity: Some(&by),
            outcome: Some("ok"),
            detail: Some(&detail),
            provenance: caller.provenance.as_deref(),
            ..Default::default()
        })
        .await?;
    Ok(Json(IdentityRevoked {
        identity: name,
        tokens_revoked,
        grants_revoked,
        sessions_ended,
    }))
}
