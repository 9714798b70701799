//! RFC 8628 device authorization: the endpoint the CLI calls, the token endpoint it polls, and
//! the `/device` page where a person approves the code.

use std::sync::Arc;

use axum::Form;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::ApiError;
use crate::clock::now_ms;
use crate::gateway::Gateway;
use crate::gateway::auth::{self, hash_token, new_token, new_user_code, normalize_user_code};
use crate::gateway::store::{DeviceRow, NewEvent};
use crate::gateway::workload::WorkloadError;
use crate::proto::OAUTH_CLIENT_ID;
use crate::secret::Secret;

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// An RFC 6749 §5.2 error response.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(serde_json::json!({"error": error, "error_description": description})),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct DeviceAuthForm {
    client_id: Option<String>,
    #[allow(dead_code)]
    scope: Option<String>,
}

pub async fn device_authorization(
    State(gw): State<Arc<Gateway>>,
    Form(f): Form<DeviceAuthForm>,
) -> Result<Response, ApiError> {
    if f.client_id.as_deref() != Some(OAUTH_CLIENT_ID) {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client_id; this gateway serves the hoopctl CLI",
        ));
    }
    let device_code = new_token("hpd_");
    let user_code = new_user_code();
    let ttl = gw.config.auth.device_code_ttl.as_millis() as i64;
    let interval = gw.config.auth.device_poll_interval.as_millis() as i64;
    gw.store
        .insert_device(&DeviceRow {
            device_code_hash: hash_token(&device_code),
            user_code: user_code.clone(),
            status: "pending".into(),
            identity: None,
            expires_at: now_ms() + ttl,
            interval_ms: interval,
            last_poll_at: None,
        })
        .await?;
    let base = gw.config.public_url();
    Ok(Json(serde_json::json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": format!("{base}/device"),
        "verification_uri_complete": format!("{base}/device?user_code={user_code}"),
        "expires_in": ttl / 1000,
        "interval": (interval / 1000).max(1),
    }))
    .into_response())
}

/// The token endpoint's form. No `Debug`: it holds codes and tokens.
#[derive(Deserialize)]
pub struct TokenForm {
    grant_type: String,
    device_code: Option<String>,
    refresh_token: Option<String>,
    client_id: Option<String>,
    subject_token: Option<String>,
    subject_token_type: Option<String>,
    requested_token_type: Option<String>,
}

/// RFC 8693 token exchange.
pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// The subject token types a workload may present: a JWT (or an OIDC ID token, which is one).
const JWT_TYPES: &[&str] = &[
    "urn:ietf:params:oauth:token-type:jwt",
    "urn:ietf:params:oauth:token-type:id_token",
];
const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

pub async fn token(State(gw): State<Arc<Gateway>>, Form(f): Form<TokenForm>) -> Response {
    match token_inner(&gw, f).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn token_inner(gw: &Gateway, f: TokenForm) -> Result<Response, ApiError> {
    if f.client_id.as_deref().is_some_and(|c| c != OAUTH_CLIENT_ID) {
        return Ok(oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "unknown client_id",
        ));
    }
    let access_ttl = gw.config.auth.access_token_ttl.as_millis() as i64;
    match f.grant_type.as_str() {
        DEVICE_GRANT => {
            let Some(code) = f.device_code else {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "device_code is missing",
                ));
            };
            let hash = hash_token(&code);
            let Some(d) = gw.store.device_by_hash(&hash).await? else {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown device_code",
                ));
            };
            let now = now_ms();
            if d.expires_at <= now {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "expired_token",
                    "the device code expired; run `hoopctl login` again",
                ));
            }
            match d.status.as_str() {
                "pending" => {
                    // RFC 8628 §3.5: polling faster than the interval earns slow_down and +5s.
                    let too_fast = d
                        .last_poll_at
                        .is_some_and(|t| now - t < d.interval_ms - 250);
                    let interval = if too_fast {
                        d.interval_ms + 5000
                    } else {
                        d.interval_ms
                    };
                    gw.store.touch_device_poll(&hash, interval).await?;
                    Ok(if too_fast {
                        oauth_error(StatusCode::BAD_REQUEST, "slow_down", "polling too fast")
                    } else {
                        oauth_error(
                            StatusCode::BAD_REQUEST,
                            "authorization_pending",
                            "waiting for the user",
                        )
                    })
                }
                "denied" => Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "access_denied",
                    "the user denied the request",
                )),
                "approved" => {
                    let identity = d.identity.clone().unwrap_or_default();
                    if gw.principal(&identity).is_none() {
                        return Ok(oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            &gw.why_unknown(&identity),
                        ));
                    }
                    let idp = gw.store.device_idp_refresh(&hash).await?;
                    if !gw.store.consume_device(&hash).await? {
                        return Ok(oauth_error(
                            StatusCode::BAD_REQUEST,
                            "invalid_grant",
                            "device code already used",
                        ));
                    }
                    let t = auth::issue_tokens(
                        &gw.store, &gw.config, &identity, None, access_ttl, true, None,
                    )
                    .await?;
                    // A provider sign-in with a refresh token: the new login carries it.
                    if let Some((provider, sealed)) = idp
                        && let Some(row) = gw.store.token(&hash_token(&t.access_token)).await?
                    {
                        gw.store
                            .put_federated_login(
                                &row.family,
                                &crate::gateway::store::FederatedLogin {
                                    name: identity.clone(),
                                    provider,
                                    refresh_sealed: sealed,
                                },
                            )
                            .await?;
                    }
                    gw.store
                        .insert_event(&NewEvent {
                            kind: "login",
                            identity: Some(&identity),
                            outcome: Some("ok"),
                            detail: Some("device authorization grant"),
                            ..Default::default()
                        })
                        .await?;
                    Ok(Json(t).into_response())
                }
                _ => Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "device code already used",
                )),
            }
        }
        "refresh_token" => {
            let Some(rt) = f.refresh_token else {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "refresh_token is missing",
                ));
            };
            let hash = hash_token(&rt);
            let Some(row) = gw.store.token(&hash).await? else {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown refresh token; run `hoopctl login`",
                ));
            };
            if row.kind != "refresh" || row.revoked_at.is_some() || row.expires_at <= now_ms() {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "refresh token expired or revoked; run `hoopctl login`",
                ));
            }
            let max_age = gw.config.auth.max_login_age.as_millis() as i64;
            let started = gw.store.family_started(&row.family).await?.unwrap_or(0);
            if now_ms() - started > max_age {
                gw.store.revoke_family(&row.family).await?;
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "this login is older than the gateway's max_login_age; run `hoopctl login`",
                ));
            }
            // A login from a provider sign-in asks the provider again first, before the token
            // is spent: a provider that cannot be reached now must not cost the client its
            // login.
            if row.used_at.is_none()
                && let Some(refused) = super::idp::recheck(gw, &row.family, oauth_error).await?
            {
                return Ok(refused);
            }
            if row.used_at.is_some() || !gw.store.use_refresh(&hash).await? {
                // Replay of a rotated token: someone else holds a copy. End the whole family.
                gw.store.revoke_family(&row.family).await?;
                gw.store
                    .insert_event(&NewEvent {
                        kind: "token_replay",
                        identity: Some(&row.identity),
                        outcome: Some("revoked"),
                        detail: Some("a rotated refresh token was presented again; all tokens of its login were revoked"),
                        ..Default::default()
                    })
                    .await?;
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "refresh token already used; all tokens of this login were revoked; run `hoopctl login`",
                ));
            }
            if gw.principal(&row.identity).is_none() {
                return Ok(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    &gw.why_unknown(&row.identity),
                ));
            }
            let t = auth::issue_tokens(
                &gw.store,
                &gw.config,
                &row.identity,
                Some(&row.family),
                access_ttl,
                true,
                row.provenance.as_deref(),
            )
            .await?;
            Ok(Json(t).into_response())
        }
        TOKEN_EXCHANGE => exchange(gw, f).await,
        other => Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("grant_type {other:?} is not supported"),
        )),
    }
}

/// A workload's platform token for a gateway token (RFC 8693). Every outcome is audited.
async fn exchange(gw: &Gateway, f: TokenForm) -> Result<Response, ApiError> {
    let Some(subject) = f.subject_token.filter(|t| !t.is_empty()) else {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "subject_token is missing",
        ));
    };
    if !f
        .subject_token_type
        .as_deref()
        .is_some_and(|t| JWT_TYPES.contains(&t))
    {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("subject_token_type must be {}", JWT_TYPES[0]),
        ));
    }
    if f.requested_token_type
        .as_deref()
        .is_some_and(|t| t != ACCESS_TOKEN_TYPE)
    {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("requested_token_type can only be {ACCESS_TOKEN_TYPE}"),
        ));
    }
    if gw.workloads.is_empty() {
        return Ok(oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "this gateway trusts no workload issuers; its operator configures them in [[auth.workload]] (docs/ci.md)",
        ));
    }
    let v = match gw.workloads.verify(&subject, now_ms()).await {
        Ok(v) => v,
        Err(e) => {
            let (status, code, outcome) = match &e {
                WorkloadError::Refused(_) => (StatusCode::BAD_REQUEST, "invalid_grant", "denied"),
                WorkloadError::Ambiguous(_) => {
                    tracing::error!(error = %e, "workload bindings overlap");
                    (StatusCode::INTERNAL_SERVER_ERROR, "server_error", "error")
                }
                WorkloadError::Unavailable(_) => {
                    tracing::warn!(error = %e, "workload issuer unavailable");
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        "temporarily_unavailable",
                        "error",
                    )
                }
            };
            gw.workloads
                .refusals
                .record(
                    &gw.store,
                    "refused workload logins",
                    &NewEvent {
                        kind: "workload_login",
                        outcome: Some(outcome),
                        detail: Some(&e.to_string()),
                        ..Default::default()
                    },
                )
                .await?;
            return Ok(oauth_error(status, code, &e.client_message()));
        }
    };
    let ttl = v
        .issuer
        .token_ttl
        .min(gw.config.auth.access_token_ttl)
        .as_millis() as i64;
    let prov = serde_json::to_string(&v.provenance)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let mut t = auth::issue_tokens(
        &gw.store,
        &gw.config,
        &v.service_account,
        None,
        ttl,
        false,
        Some(&prov),
    )
    .await?;
    t.issued_token_type = Some(ACCESS_TOKEN_TYPE.into());
    let detail = format!(
        "issuer={} subject={}",
        v.provenance.issuer, v.provenance.subject
    );
    gw.store
        .insert_event(&NewEvent {
            kind: "workload_login",
            identity: Some(&v.service_account),
            outcome: Some("ok"),
            detail: Some(&detail),
            provenance: Some(&prov),
            ..Default::default()
        })
        .await?;
    Ok(Json(t).into_response())
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    token: String,
}

/// RFC 7009: revoking either token of a login revokes the whole login (its family).
pub async fn revoke(
    State(gw): State<Arc<Gateway>>,
    Form(f): Form<RevokeForm>,
) -> Result<StatusCode, ApiError> {
    if let Some(row) = gw.store.token(&hash_token(&f.token)).await? {
        gw.store.revoke_family(&row.family).await?;
        gw.store
            .insert_event(&NewEvent {
                kind: "logout",
                identity: Some(&row.identity),
                outcome: Some("ok"),
                ..Default::default()
            })
            .await?;
    }
    Ok(StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    user_code: Option<String>,
}

pub async fn page(State(gw): State<Arc<Gateway>>, Query(q): Query<PageQuery>) -> Response {
    device_page(
        &gw,
        StatusCode::OK,
        q.user_code.as_deref().unwrap_or(""),
        None,
        StatusMsg::None,
    )
}

#[derive(Deserialize)]
pub struct DeviceForm {
    user_code: String,
    username: String,
    password: Secret<String>,
}

/// Failed password attempts after which a user code is denied.
const MAX_DEVICE_FAILURES: u32 = 5;

pub async fn submit(
    State(gw): State<Arc<Gateway>>,
    Form(f): Form<DeviceForm>,
) -> Result<Response, ApiError> {
    let code = normalize_user_code(&f.user_code);
    let username = f.username.trim().to_string();
    let page = |status: StatusCode, msg: &str| {
        device_page(&gw, status, &code, Some(&username), StatusMsg::Error(msg))
    };
    if !gw.config.auth.local_users {
        return Ok(page(
            StatusCode::FORBIDDEN,
            "Signing in with a gateway password is turned off here: use your organisation's sign-in below.",
        ));
    }
    // Check the code before the (deliberately slow) password hash: junk costs nothing.
    let found = gw.store.device_by_user_code(&code).await?;
    if !found
        .as_ref()
        .is_some_and(|d| d.status == "pending" && d.expires_at > now_ms())
    {
        return Ok(page(
            StatusCode::BAD_REQUEST,
            "That code is unknown, used or expired. Run `hoopctl login` again for a new one.",
        ));
    }
    let ok = {
        let _slot = gw.password_checks.acquire().await;
        let gw2 = gw.clone();
        let user = username.clone();
        let password = f.password;
        tokio::task::spawn_blocking(move || auth::verify_local_user(&gw2.config, &user, &password))
            .await
            .unwrap_or(false)
    };
    if !ok {
        let failures = gw
            .device_failures
            .lock()
            .map(|mut m| {
                let n = m.entry(code.clone()).or_insert(0);
                *n += 1;
                *n
            })
            .unwrap_or(MAX_DEVICE_FAILURES);
        let locked = failures >= MAX_DEVICE_FAILURES;
        if locked {
            gw.store.decide_device(&code, "denied", None).await?;
        }
        gw.store
            .insert_event(&NewEvent {
                kind: "login",
                identity: Some(&username),
                outcome: Some("denied"),
                detail: Some(if locked {
                    "wrong password on /device; too many attempts, the code was denied"
                } else {
                    "wrong user name or password on /device"
                }),
                ..Default::default()
            })
            .await?;
        return Ok(page(
            StatusCode::UNAUTHORIZED,
            if locked {
                "Too many failed attempts: this code is now refused. Run `hoopctl login` again."
            } else {
                "Wrong user name or password."
            },
        ));
    }
    if let Ok(mut m) = gw.device_failures.lock() {
        m.remove(&code);
    }
    if !gw
        .store
        .decide_device(&code, "approved", Some(&username))
        .await?
    {
        return Ok(page(
            StatusCode::BAD_REQUEST,
            "That code was already used or expired.",
        ));
    }
    Ok(device_page(
        &gw,
        StatusCode::OK,
        "",
        None,
        StatusMsg::Ok(&format!(
            "Signed in as {username}. Return to your terminal."
        )),
    ))
}

/// The cookie holding the page's anti-forgery token (`__Host-`: only this origin, path `/`,
/// Secure; `SameSite=Strict`: never sent with another site's request).
pub(super) const CSRF_COOKIE: &str = "__Host-hoopctl_csrf";

/// The `/device` page as a response, with a fresh anti-forgery token in a cookie and in the
/// form: a "Sign in with …" press is honoured only with both (see `idp::start`), so another
/// site cannot start a sign-in in the visitor's browser for a code of its choosing.
pub(super) fn device_page(
    gw: &Gateway,
    status: StatusCode,
    code: &str,
    username: Option<&str>,
    msg: StatusMsg<'_>,
) -> Response {
    let csrf = new_token("");
    let mut resp = (status, Html(render_page(gw, code, username, msg, &csrf))).into_response();
    let cookie = format!("{CSRF_COOKIE}={csrf}; Path=/; Secure; HttpOnly; SameSite=Strict");
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    let h = resp.headers_mut();
    h.insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    // Never inside another site's frame (clickjacking the sign-in buttons).
    h.insert(
        axum::http::header::X_FRAME_OPTIONS,
        axum::http::HeaderValue::from_static("DENY"),
    );
    h.insert(
        axum::http::header::CONTENT_SECURITY_POLICY,
        axum::http::HeaderValue::from_static("frame-ancestors 'none'"),
    );
    resp
}

/// What the page says above the form.
pub(super) enum StatusMsg<'a> {
    /// Nothing.
    None,
    /// Success.
    Ok(&'a str),
    /// Failure.
    Error(&'a str),
}

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => "&lt;".to_string(),
            '>' => "&gt;".to_string(),
            '&' => "&amp;".to_string(),
            '"' => "&quot;".to_string(),
            '\'' => "&#39;".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The `/device` page: the code, a button per identity provider, and (where enabled) the
/// local user name and password.
fn render_page(
    gw: &Gateway,
    code: &str,
    username: Option<&str>,
    msg: StatusMsg<'_>,
    csrf: &str,
) -> String {
    let banner = match msg {
        StatusMsg::None => String::new(),
        StatusMsg::Ok(m) => format!("<p class=\"ok\" id=\"result\">{}</p>", escape(m)),
        StatusMsg::Error(m) => format!("<p class=\"err\" id=\"result\">{}</p>", escape(m)),
    };
    let providers: String = gw
        .oidc
        .names()
        .iter()
        .map(|(name, label)| {
            format!(
                "<button type=\"submit\" class=\"idp\" formaction=\"/device/oidc\" formnovalidate name=\"provider\" value=\"{}\">Sign in with {}</button>\n",
                escape(name),
                escape(label)
            )
        })
        .collect();
    let local = if gw.config.auth.local_users {
        format!(
            r#"<fieldset><legend>{or}Gateway user</legend>
<label>User name <input name="username" value="{user}" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Approve this device</button>
</fieldset>"#,
            or = if providers.is_empty() { "" } else { "Or: " },
            user = escape(username.unwrap_or("")),
        )
    } else {
        String::new()
    };
    let intro = match (providers.is_empty(), local.is_empty()) {
        (false, true) => "Enter the code your terminal shows, then sign in with your organisation.",
        (false, false) => {
            "Enter the code your terminal shows, then sign in with your organisation or a gateway user."
        }
        _ => "Enter the code your terminal shows, then your gateway user name and password.",
    };
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hoopctl — sign in a device</title>
<meta name="viewport" content="width=device-width">
<style>body{{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}
label{{display:block;margin-top:1rem}}input{{width:100%;padding:.4rem;font-size:1rem}}
fieldset{{margin-top:1.5rem}}button{{margin-top:1.5rem;padding:.5rem 1rem;font-size:1rem;display:block}}
.ok{{color:#065f46}}.err{{color:#991b1b}}</style>
</head><body>
<h1>Sign in hoopctl</h1>
<p>{intro} Only continue if you ran <code>hoopctl login</code> yourself.</p>
{banner}
<form method="post" action="/device">
<input type="hidden" name="csrf" value="{csrf}">
<label>Code <input name="user_code" value="{code}" autocomplete="off" required></label>
{providers}{local}
</form>
</body></html>"#,
        code = escape(code),
        csrf = escape(csrf),
    )
}
