//! `/v1/identities`: what an admin does about identities.
//!
//! - `POST /v1/identities/{name}/revoke` ends everything an identity holds — every login
//!   (access and refresh tokens, and device codes approved but not yet redeemed), every pending
//!   or active grant, and with them its live sessions, whose clients are told why. For a person
//!   who signed in through an identity provider, the provider's word is withdrawn too: they
//!   must sign in there again.
//! - `GET /v1/identities` lists the people known through identity providers.
//! - `POST /v1/identities/{name}/forget` revokes as above and frees the name's binding to its
//!   provider account (after a rename at the provider, or a name given to someone else).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::{ApiError, Caller, Gw};
use crate::clock::{fmt_ms, now_ms};
use crate::gateway::Gateway;
use crate::gateway::store::NewEvent;
use crate::proto::api::{DecisionRequest, FederatedIdentityInfo, IdentityRevoked};

fn unknown(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "unknown_identity",
        format!(
            "no identity {name} on this gateway (configured users and service accounts, and people who signed in through an identity provider)"
        ),
    )
}

fn is_federated(gw: &Gateway, name: &str) -> bool {
    gw.federated.read().is_ok_and(|k| k.contains_key(name))
}

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
        || is_federated(&gw, &name);
    if !known {
        return Err(unknown(&name));
    }
    let reason = body.and_then(|b| b.0.reason);
    let r = revoke_all(&gw, &caller, &name, Ended::Revoked, reason.as_deref()).await?;
    Ok(Json(r))
}

/// Why everything an identity holds ends.
#[derive(Clone, Copy)]
enum Ended {
    Revoked,
    Forgotten,
}

/// Ends everything `name` holds and audits it (`identity_revoked` / `identity_forgotten`).
async fn revoke_all(
    gw: &Gateway,
    caller: &Caller,
    name: &str,
    ended: Ended,
    reason: Option<&str>,
) -> Result<IdentityRevoked, ApiError> {
    let (verb, kind) = match ended {
        Ended::Revoked => ("revoked", "identity_revoked"),
        Ended::Forgotten => ("forgotten", "identity_forgotten"),
    };
    let by = caller.principal.name.clone();
    let why = match reason {
        Some(r) => format!("the sessions of {name} were {verb} by {by}: {r}"),
        None => format!("the sessions of {name} were {verb} by {by}"),
    };
    let tokens_revoked = gw.store.revoke_identity_tokens(name).await?;
    // The provider's word ends now: a certificate still in hand cannot open new sessions.
    let federated = match gw.federated.write() {
        Ok(mut known) => known.get_mut(name).map(|f| {
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
        for g in gw.store.list_grants(Some(name), Some(status), None).await? {
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
            kind,
            identity: Some(&by),
            outcome: Some("ok"),
            detail: Some(&detail),
            provenance: caller.provenance.as_deref(),
            ..Default::default()
        })
        .await?;
    Ok(IdentityRevoked {
        identity: name.to_string(),
        tokens_revoked,
        grants_revoked,
        sessions_ended,
    })
}

/// The people known through identity providers, by name. Admins only.
pub(super) async fn list(
    State(gw): Gw,
    caller: Caller,
) -> Result<Json<Vec<FederatedIdentityInfo>>, ApiError> {
    caller.require_admin(&gw, "listing identities")?;
    let mut out: Vec<FederatedIdentityInfo> = gw
        .federated
        .read()
        .map(|k| {
            k.values()
                .map(|f| FederatedIdentityInfo {
                    name: f.name.clone(),
                    provider: f.provider.clone(),
                    subject: f.subject.clone(),
                    email: f.email.clone(),
                    groups: f.groups.clone(),
                    signed_in_at: fmt_ms(f.signed_in_at),
                    valid_until: fmt_ms(f.valid_until),
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Json(out))
}

/// Revokes everything a provider-known person holds and frees their name's binding, so the
/// name can be bound again at the next sign-in (by whichever account then maps to it).
pub(super) async fn forget(
    State(gw): Gw,
    caller: Caller,
    Path(name): Path<String>,
    body: Option<Json<DecisionRequest>>,
) -> Result<Json<IdentityRevoked>, ApiError> {
    caller.require_admin(&gw, "forgetting an identity")?;
    if !is_federated(&gw, &name) {
        return Err(
            if gw.config.user(&name).is_some() || gw.config.service_account(&name).is_some() {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "configured_identity",
                    format!(
                        "{name} is configured on the gateway, not known through an identity provider: remove it from the config instead"
                    ),
                )
            } else {
                unknown(&name)
            },
        );
    }
    let reason = body.and_then(|b| b.0.reason);
    let r = revoke_all(&gw, &caller, &name, Ended::Forgotten, reason.as_deref()).await?;
    gw.store.delete_federated(&name).await?;
    if let Ok(mut k) = gw.federated.write() {
        k.remove(&name);
    }
    Ok(Json(r))
}
