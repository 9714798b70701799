//! `/device/oidc` and its callback: the `/device` page's "Sign in with …" buttons. The flow
//! itself (PKCE, state, nonce, ID token checks, claim mapping) is [`crate::gateway::oidc`];
//! this is the HTTP around it, the approval of the device code, and the audit.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::ApiError;
use super::device::{CSRF_COOKIE, StatusMsg, device_page};
use crate::clock::now_ms;
use crate::gateway::Gateway;
use crate::gateway::auth::normalize_user_code;
use crate::gateway::oidc::{Callback, FLOW_TTL, Refused, Renewed, SignedIn, cookie_name};
use crate::gateway::store::{FederatedIdentity, FederatedLogin, NewEvent};

/// Where providers send people back (registered with each provider as the redirect URI).
pub const CALLBACK_PATH: &str = "/device/oidc/callback";

fn redirect_uri(gw: &Gateway) -> String {
    format!("{}{CALLBACK_PATH}", gw.config.public_url())
}

#[derive(Deserialize)]
pub struct StartForm {
    user_code: String,
    provider: String,
    /// The page's anti-forgery token; must equal the cookie's. (The page's local-user fields
    /// come along when a provider button is pressed; unknown fields are ignored.)
    #[serde(default)]
    csrf: Option<String>,
}

fn page(gw: &Gateway, status: StatusCode, code: &str, msg: StatusMsg<'_>) -> Response {
    device_page(gw, status, code, None, msg)
}

/// Records a refused sign-in and shows why.
async fn refused(gw: &Gateway, r: Refused) -> Result<Response, ApiError> {
    // Only configured provider names go into the log as they are; anything a caller made up
    // is quoted (no control characters reach an admin's terminal).
    let provider = r.provider.as_deref().map(|p| {
        if gw.config.auth.oidc.iter().any(|o| o.name == p) {
            p.to_string()
        } else {
            crate::gateway::jwks::quote(p)
        }
    });
    let detail = match &provider {
        Some(p) => format!("identity provider {p} on /device: {}", r.message),
        None => format!("identity provider sign-in on /device: {}", r.message),
    };
    gw.oidc
        .refusals
        .record(
            &gw.store,
            "refused identity provider sign-ins",
            &NewEvent {
                kind: "login",
                identity: r.who.as_deref(),
                outcome: Some(if r.unavailable { "error" } else { "denied" }),
                detail: Some(&detail),
                ..Default::default()
            },
        )
        .await?;
    let status = if r.unavailable {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::BAD_REQUEST
    };
    Ok(page(
        gw,
        status,
        r.user_code.as_deref().unwrap_or(""),
        StatusMsg::Error(&format!("Not signed in: {}.", r.message)),
    ))
}

/// `POST /device/oidc`: checks the press came from this gateway's page and the code is
/// pending, then sends the browser to the provider.
pub async fn start(
    State(gw): State<Arc<Gateway>>,
    headers: HeaderMap,
    Form(f): Form<StartForm>,
) -> Result<Response, ApiError> {
    let code = normalize_user_code(&f.user_code);
    let from_our_page = match (f.csrf.as_deref(), cookie(&headers, CSRF_COOKIE)) {
        (Some(form), Some(jar)) if !form.is_empty() => {
            aws_lc_rs::constant_time::verify_slices_are_equal(form.as_bytes(), jar.as_bytes())
                .is_ok()
        }
        _ => false,
    };
    if !from_our_page {
        // Another site posting here would start a sign-in in the visitor's browser, at a
        // provider that may let them through silently, for a code of its choosing.
        return refused(
            &gw,
            Refused {
                provider: Some(f.provider.clone()),
                user_code: Some(code),
                ..Refused::new(
                    "the sign-in did not come from this gateway's /device page (or the browser blocked its cookie); \
                     open the page yourself and press the button again",
                )
            },
        )
        .await;
    }
    let found = gw.store.device_by_user_code(&code).await?;
    if !found
        .as_ref()
        .is_some_and(|d| d.status == "pending" && d.expires_at > now_ms())
    {
        return Ok(page(
            &gw,
            StatusCode::BAD_REQUEST,
            &code,
            StatusMsg::Error(
                "That code is unknown, used or expired. Run `hoopctl login` again for a new one.",
            ),
        ));
    }
    let (url, state, cookie) = match gw.oidc.start(&f.provider, &code, &redirect_uri(&gw)).await {
        Ok(x) => x,
        Err(r) => {
            return refused(
                &gw,
                Refused {
                    user_code: Some(code),
                    provider: Some(f.provider.clone()),
                    ..r
                },
            )
            .await;
        }
    };
    let mut resp = (StatusCode::SEE_OTHER, "").into_response();
    let h = resp.headers_mut();
    h.insert(
        header::LOCATION,
        HeaderValue::from_str(&url).map_err(|_| {
            ApiError::new(
                StatusCode::BAD_GATEWAY,
                "bad_provider",
                "the identity provider's authorization URL cannot be sent as a header",
            )
        })?,
    );
    // Only this browser holds it: a sign-in link forwarded to someone else approves nothing.
    let set = format!(
        "{}={cookie}; Path=/device/oidc; Max-Age={}; Secure; HttpOnly; SameSite=Lax",
        cookie_name(&state),
        FLOW_TTL.as_secs()
    );
    h.insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&set).map_err(|_| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "cannot set the sign-in cookie",
            )
        })?,
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// The value of cookie `name` in the request.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// `GET /device/oidc/callback`: the provider's answer. Approves the device code for the
/// identity it vouches for, or says (and audits) why not.
pub async fn callback(
    State(gw): State<Arc<Gateway>>,
    headers: HeaderMap,
    Query(cb): Query<Callback>,
) -> Result<Response, ApiError> {
    let jar = cb
        .state
        .as_deref()
        .and_then(|s| cookie(&headers, &cookie_name(s)));
    let s = match gw.oidc.finish(&cb, jar, &redirect_uri(&gw), now_ms()).await {
        Ok(s) => s,
        Err(r) => return refused(&gw, r).await,
    };
    let fail = |m: String| Refused {
        message: m,
        provider: Some(s.provider.clone()),
        user_code: None,
        who: Some(s.name.clone()),
        unavailable: false,
    };
    if gw.config.user(&s.name).is_some() || gw.config.service_account(&s.name).is_some() {
        return refused(
            &gw,
            fail(format!(
                "the name {} belongs to a gateway user or service account configured on the gateway; \
                 ask the operator to map another claim to the name",
                s.name
            )),
        )
        .await;
    }
    let f = federated(&s);
    if let Err(conflict) = gw.store.record_federated(&f).await? {
        return refused(&gw, fail(conflict.to_string())).await;
    }
    if let Ok(mut known) = gw.federated.write() {
        known.insert(f.name.clone(), f);
    }
    // With a refresh token from the provider, each refresh of this login asks it again.
    if let (Some(rt), Some(sealer)) = (&s.refresh_token, &gw.idp_tokens) {
        gw.store
            .attach_idp_refresh(&s.user_code, &s.provider, &seal(sealer, &s.name, rt)?)
            .await?;
    }
    if !gw
        .store
        .decide_device(&s.user_code, "approved", Some(&s.name))
        .await?
    {
        return refused(
            &gw,
            fail(
                "the code was already used or expired meanwhile; run `hoopctl login` again".into(),
            ),
        )
        .await;
    }
    let groups = if s.groups.is_empty() {
        "no groups".to_string()
    } else {
        format!("groups: {}", s.groups.join(", "))
    };
    let detail = format!(
        "identity provider {} on /device (subject {}, {groups})",
        s.provider, s.subject
    );
    gw.store
        .insert_event(&NewEvent {
            kind: "login",
            identity: Some(&s.name),
            outcome: Some("ok"),
            detail: Some(&detail),
            ..Default::default()
        })
        .await?;
    let mut resp = page(
        &gw,
        StatusCode::OK,
        "",
        StatusMsg::Ok(&format!(
            "Signed in as {} through {} ({groups}). Return to your terminal.",
            s.name, s.provider
        )),
    );
    if let Some(state) = &cb.state {
        let clear = format!(
            "{}=; Path=/device/oidc; Max-Age=0; Secure; HttpOnly; SameSite=Lax",
            cookie_name(state)
        );
        if let Ok(v) = HeaderValue::from_str(&clear) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}

/// A provider refresh token sealed for storage; failing that, a 500 (nothing is stored in the
/// clear instead).
fn seal(
    sealer: &crate::gateway::oidc::Sealer,
    name: &str,
    token: &crate::secret::Secret<String>,
) -> Result<Vec<u8>, ApiError> {
    sealer
        .seal(name, token)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e))
}

fn federated(s: &SignedIn) -> FederatedIdentity {
    FederatedIdentity {
        name: s.name.clone(),
        provider: s.provider.clone(),
        issuer: s.issuer.clone(),
        subject: s.subject.clone(),
        email: s.email.clone(),
        groups: s.groups.clone(),
        signed_in_at: now_ms(),
        valid_until: s.valid_until,
    }
}

/// At a refresh of a login that came from a provider sign-in with a refresh token: asks the
/// provider again. `Ok(None)`: it still vouches (groups and lifetime updated). `Ok(Some(r))`:
/// the refresh is refused with `r` — the provider refused (the login is revoked, the person's
/// sign-in ends everywhere, and the audit log says why), or cannot answer now, or another
/// refresh of this login is asking it right now (both: try again; the login stays).
pub async fn recheck(
    gw: &Gateway,
    family: &str,
    refused_with: impl Fn(StatusCode, &str, &str) -> Response,
) -> Result<Option<Response>, ApiError> {
    let Some(login) = gw.store.federated_login(family).await? else {
        return Ok(None);
    };
    // One renewal per login at a time: two would spend the provider's refresh token twice,
    // and a provider that detects reuse would end the person's sign-in.
    let Some(_lease) = gw.oidc.lease(family) else {
        return Ok(Some(refused_with(
            StatusCode::SERVICE_UNAVAILABLE,
            "temporarily_unavailable",
            "another refresh of this login is asking the identity provider now; try again in a moment",
        )));
    };
    let opened = gw
        .idp_tokens
        .as_ref()
        .and_then(|s| s.open(&login.name, &login.refresh_sealed));
    let known = gw
        .federated
        .read()
        .ok()
        .and_then(|k| k.get(&login.name).cloned());
    let outcome = match (opened, &known) {
        (Some(rt), Some(f)) => {
            gw.oidc
                .refresh(&login.provider, &rt, &login.name, &f.subject, now_ms())
                .await
        }
        _ => Err(Refused {
            provider: Some(login.provider.clone()),
            who: Some(login.name.clone()),
            ..Refused::new(
                "the provider's refresh token cannot be read here (the gateway's idp-token-key changed)",
            )
        }),
    };
    let (f, next) = match (outcome, known) {
        (Ok(Renewed::Claims(s)), Some(k)) => {
            let next = s.refresh_token.clone();
            (
                FederatedIdentity {
                    signed_in_at: k.signed_in_at,
                    ..federated(&s)
                },
                next,
            )
        }
        (
            Ok(Renewed::Kept {
                refresh_token,
                valid_until,
            }),
            Some(k),
        ) => (
            FederatedIdentity {
                valid_until: valid_until.max(k.valid_until),
                ..k
            },
            Some(refresh_token),
        ),
        (Ok(_), None) => return Ok(None),
        (Err(r), _) if r.unavailable => {
            return Ok(Some(refused_with(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                &format!("{}; try again later", r.message),
            )));
        }
        (Err(r), _) => {
            return end_login(gw, family, &login, &r, refused_with)
                .await
                .map(Some);
        }
    };
    if let Err(conflict) = gw.store.record_federated(&f).await? {
        return Ok(Some(refused_with(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            &conflict.to_string(),
        )));
    }
    if let Ok(mut k) = gw.federated.write() {
        k.insert(f.name.clone(), f);
    }
    if let (Some(rt), Some(sealer)) = (next, &gw.idp_tokens) {
        gw.store
            .put_federated_login(
                family,
                &FederatedLogin {
                    name: login.name.clone(),
                    provider: login.provider.clone(),
                    refresh_sealed: seal(sealer, &login.name, &rt)?,
                },
            )
            .await?;
    }
    Ok(None)
}

/// The provider refused to renew: the login is revoked, the person's sign-in ends everywhere,
/// and the audit log says why.
async fn end_login(
    gw: &Gateway,
    family: &str,
    login: &FederatedLogin,
    r: &Refused,
    refused_with: impl Fn(StatusCode, &str, &str) -> Response,
) -> Result<Response, ApiError> {
    gw.store.revoke_family(family).await?;
    let ended = gw.federated.write().ok().and_then(|mut k| {
        k.get_mut(&login.name).map(|f| {
            f.valid_until = f.valid_until.min(now_ms());
            f.clone()
        })
    });
    if let Some(f) = ended {
        let _ = gw.store.record_federated(&f).await?;
    }
    let detail = format!(
        "identity provider {} refused to renew the sign-in of {}: {}; the login was revoked",
        login.provider, login.name, r.message
    );
    gw.store
        .insert_event(&NewEvent {
            kind: "login",
            identity: Some(&login.name),
            outcome: Some("denied"),
            detail: Some(&detail),
            ..Default::default()
        })
        .await?;
    Ok(refused_with(
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        &format!(
            "identity provider {} no longer vouches for this sign-in ({}); run `hoopctl login`",
            login.provider, r.message
        ),
    ))
}
