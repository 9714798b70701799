//! `hoopctl login`, `logout`, `whoami`.
//!
//! Login speaks RFC 8628 to the gateway through the `oauth2` crate (endpoints discovered with
//! RFC 8414), over a small adapter to our reqwest client so the tree holds one HTTP stack.

use std::future::Future;
use std::io::Read;
use std::path::PathBuf;
use std::pin::Pin;

use oauth2::basic::BasicClient;
use oauth2::{
    AsyncHttpClient, AuthType, ClientId, DeviceAuthorizationUrl, HttpClientError, HttpRequest,
    HttpResponse, RequestTokenError, StandardDeviceAuthorizationResponse, TokenResponse, TokenUrl,
};
use serde::Deserialize;

use super::api::{Api, http_client, transport_error};
use super::profile::{self, Credentials, Profile};
use super::{Output, print_json, spinner};
use crate::clock::{now_ms, parse_rfc3339_ms};
use crate::exit::{ExitKind, Failure};
use crate::proto::OAUTH_CLIENT_ID;
use crate::proto::api::WhoAmI;
use crate::secret::Secret;

/// `oauth2` over our reqwest client.
struct Adapter<'a>(&'a reqwest::Client);

impl<'c> AsyncHttpClient<'c> for Adapter<'_> {
    type Error = HttpClientError<reqwest::Error>;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, Self::Error>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let resp = self
                .0
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await
                .map_err(|e| HttpClientError::Other(format!("{e}")))?;
            let mut b = oauth2::http::Response::builder().status(resp.status());
            for (k, v) in resp.headers() {
                b = b.header(k, v);
            }
            let body = resp
                .bytes()
                .await
                .map_err(|e| HttpClientError::Other(format!("{e}")))?;
            b.body(body.to_vec()).map_err(HttpClientError::Http)
        })
    }
}

#[derive(Deserialize)]
struct Metadata {
    device_authorization_endpoint: String,
    token_endpoint: String,
}

fn fail(msg: impl Into<String>) -> Failure {
    Failure::new(ExitKind::Failure, msg)
}

/// Options of `hoopctl login`.
#[derive(Debug, Clone)]
pub struct LoginOptions {
    /// Gateway URL (default: the profile's).
    pub gateway: Option<String>,
    /// CA file to trust for this gateway.
    pub ca_file: Option<PathBuf>,
    /// Read a minted token from stdin instead of the device flow.
    pub token_stdin: bool,
    /// With `--ci`: save the profile and token.
    pub save: bool,
}

fn resolve_profile(name: &str, opts: &LoginOptions) -> Result<Profile, Failure> {
    let existing = profile::load(name).ok();
    let gateway = match (&opts.gateway, &existing) {
        (Some(g), _) => g.trim_end_matches('/').to_string(),
        (None, Some(p)) => p.gateway.clone(),
        (None, None) => {
            return Err(Failure::new(
                ExitKind::Usage,
                "which gateway? pass --gateway https://HOST:PORT (remembered afterwards)",
            ));
        }
    };
    if !gateway.starts_with("https://") {
        return Err(Failure::new(
            ExitKind::Usage,
            format!("--gateway {gateway:?} must be an https:// URL"),
        ));
    }
    let mut p = existing.unwrap_or_default();
    if opts.gateway.is_some() && p.gateway != gateway {
        p.ca_file = None;
    }
    p.gateway = gateway;
    if let Some(ca) = &opts.ca_file {
        // Keep a copy: the file passed may be temporary.
        let pem = std::fs::read_to_string(ca)
            .map_err(|e| fail(format!("cannot read --ca-file {}: {e}", ca.display())))?;
        crate::tls::certs_from_pem(&pem)
            .map_err(|e| fail(format!("--ca-file {}: {e}", ca.display())))?;
        let dir = profile::config_dir()?.join("ca");
        std::fs::create_dir_all(&dir)
            .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        let dest = dir.join(format!("{name}.pem"));
        std::fs::write(&dest, pem)
            .map_err(|e| fail(format!("cannot write {}: {e}", dest.display())))?;
        p.ca_file = Some(dest);
    }
    Ok(p)
}

/// Runs `hoopctl login`.
pub async fn login(name: &str, opts: LoginOptions, out: Output) -> Result<(), Failure> {
    if let Some(ci) = super::ci::active() {
        return workload_login(name, ci, opts, out).await;
    }
    if opts.save {
        return Err(Failure::new(
            ExitKind::Usage,
            "--save goes with --ci (a device-flow login is always saved)",
        ));
    }
    let mut p = resolve_profile(name, &opts)?;
    let http = http_client(p.ca_file.as_deref())?;
    let creds = if opts.token_stdin {
        let mut token = String::new();
        std::io::stdin()
            .read_to_string(&mut token)
            .map_err(|e| fail(format!("cannot read the token from stdin: {e}")))?;
        let token = token.trim().to_string();
        if token.is_empty() {
            return Err(Failure::new(
                ExitKind::Usage,
                "--token-stdin: stdin was empty; pipe the token from `hoopctl gateway token`",
            ));
        }
        let who = whoami_with(&http, &p.gateway, &token).await?;
        Credentials {
            access_token: Secret::new(token),
            refresh_token: None,
            expires_at: parse_rfc3339_ms(&who.token_expires_at).unwrap_or(0),
        }
    } else {
        device_flow(&http, &p.gateway, out).await?
    };
    let where_ = profile::store_credentials(name, &mut p, &creds).await?;
    profile::save(name, &p)?;
    let api = Api::open(name).await?;
    let who: WhoAmI = api.get("/v1/whoami").await?;
    match out {
        Output::Json => print_json(&serde_json::json!({
            "profile": name, "gateway": p.gateway, "identity": who.identity,
            "groups": who.groups, "credential_store": p.credentials,
        })),
        Output::Text => {
            eprintln!(
                "Logged in to {} as {} (groups: {}).\n{where_}.",
                p.gateway,
                who.identity,
                who.groups.join(", ")
            );
        }
    }
    Ok(())
}

/// Asks the gateway who `token` belongs to.
async fn whoami_with(
    http: &reqwest::Client,
    gateway: &str,
    token: &str,
) -> Result<WhoAmI, Failure> {
    let resp = http
        .get(format!("{gateway}/v1/whoami"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| transport_error(gateway, &e))?;
    if !resp.status().is_success() {
        return Err(super::api::problem(resp).await);
    }
    resp.json()
        .await
        .map_err(|e| fail(format!("bad whoami answer: {e}")))
}

/// `login --ci`: proves the exchange works and says who the job is. The token stays in memory
/// unless `--save`; commands run later with `--ci` exchange again on their own.
async fn workload_login(
    name: &str,
    ci: &super::ci::CiOptions,
    opts: LoginOptions,
    out: Output,
) -> Result<(), Failure> {
    if opts.token_stdin {
        return Err(Failure::new(
            ExitKind::Usage,
            "--token-stdin and --ci are two different logins; pick one",
        ));
    }
    let mut p = match (&opts.gateway, profile::load(name).ok()) {
        (None, Some(p)) => p,
        (Some(_), _) => resolve_profile(name, &opts)?,
        (None, None) => super::ci::profile(name)?,
    };
    if p.ca_file.is_none()
        && let Some(ca) = &opts.ca_file
    {
        p.ca_file = Some(ca.clone());
    }
    let http = http_client(p.ca_file.as_deref())?;
    let creds = super::ci::exchange(ci, &http, &p.gateway).await?;
    let who = whoami_with(&http, &p.gateway, creds.access_token.expose()).await?;
    let saved = if opts.save {
        let where_ = profile::store_credentials(name, &mut p, &creds).await?;
        profile::save(name, &p)?;
        Some(where_)
    } else {
        None
    };
    match out {
        Output::Json => print_json(&serde_json::json!({
            "profile": name, "gateway": p.gateway, "identity": who.identity, "kind": who.kind,
            "groups": who.groups, "provenance": who.provenance,
            "token_expires_at": who.token_expires_at, "saved": saved.is_some(),
        })),
        Output::Text => {
            eprintln!(
                "Logged in to {} as service account {} (groups: {}) until {}.",
                p.gateway,
                who.identity,
                who.groups.join(", "),
                who.token_expires_at
            );
            if let Some(prov) = &who.provenance {
                eprintln!("Provenance: {prov}");
            }
            match saved {
                Some(w) => eprintln!("{w}."),
                None => eprintln!(
                    "The token was not saved; run later commands with --ci (or log in with --save)."
                ),
            }
        }
    }
    Ok(())
}

async fn device_flow(
    http: &reqwest::Client,
    gateway: &str,
    out: Output,
) -> Result<Credentials, Failure> {
    let meta: Metadata = http
        .get(format!("{gateway}/.well-known/oauth-authorization-server"))
        .send()
        .await
        .map_err(|e| transport_error(gateway, &e))?
        .error_for_status()
        .map_err(|e| fail(format!("{gateway} is not a hoopctl gateway: {e}")))?
        .json()
        .await
        .map_err(|e| fail(format!("{gateway} is not a hoopctl gateway: {e}")))?;
    // A public client: client_id goes in the form body (RFC 8628 §3.1), there is no secret.
    let client = BasicClient::new(ClientId::new(OAUTH_CLIENT_ID.into()))
        .set_auth_type(AuthType::RequestBody)
        .set_device_authorization_url(
            DeviceAuthorizationUrl::new(meta.device_authorization_endpoint)
                .map_err(|e| fail(e.to_string()))?,
        )
        .set_token_uri(TokenUrl::new(meta.token_endpoint).map_err(|e| fail(e.to_string()))?);
    let adapter = Adapter(http);
    let details: StandardDeviceAuthorizationResponse = client
        .exchange_device_code()
        .request_async(&adapter)
        .await
        .map_err(|e| {
            fail(format!(
                "the gateway refused to start a login: {}",
                chain(&e)
            ))
        })?;
    let uri = details.verification_uri().to_string();
    let code = details.user_code().secret().to_string();
    match out {
        Output::Json => print_json(&serde_json::json!({
            "verification_uri": uri, "user_code": code,
            "verification_uri_complete": details.verification_uri_complete().map(|u| u.secret().to_string()),
        })),
        Output::Text => eprintln!("To sign in, open {uri}\nand enter the code: {code}"),
    }
    let pb = spinner(out, "waiting for you to approve the code in the browser…");
    let result = client
        .exchange_device_access_token(&details)
        .request_async(&adapter, tokio::time::sleep, None)
        .await;
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    let token = result.map_err(|e| match e {
        RequestTokenError::ServerResponse(r) => {
            use oauth2::DeviceCodeErrorResponseType as T;
            match r.error() {
                T::AccessDenied => Failure::new(
                    ExitKind::Denied,
                    "the login was denied on the verification page",
                ),
                T::ExpiredToken => {
                    fail("the code expired before it was approved; run `hoopctl login` again")
                }
                other => fail(format!("login failed: {other}")),
            }
        }
        other => fail(format!("login failed: {}", chain(&other))),
    })?;
    let expires_in = token
        .expires_in()
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    Ok(Credentials {
        access_token: Secret::new(token.access_token().secret().to_string()),
        refresh_token: token
            .refresh_token()
            .map(|r| Secret::new(r.secret().to_string())),
        expires_at: now_ms() + expires_in,
    })
}

/// An error with its sources, for errors whose `Display` alone says little.
fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(x) = src {
        s.push_str(&format!(": {x}"));
        src = x.source();
    }
    s
}

/// Runs `hoopctl logout`: revokes the login at the gateway, then forgets it locally.
pub async fn logout(name: &str, out: Output) -> Result<(), Failure> {
    let api = match Api::open(name).await {
        Ok(a) => a,
        Err(e) if e.kind == ExitKind::NotLoggedIn => {
            profile::delete_credentials(name).await?;
            eprintln!("Profile {name:?} was not logged in.");
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let token = api.refresh_token().or_else(|| api.access_token());
    let mut revoked = false;
    if let Some(t) = token {
        let r = api
            .http()
            .post(format!("{}/oauth/revoke", api.base))
            .form(&[("token", t.expose().as_str())])
            .send()
            .await;
        revoked = matches!(r, Ok(ref resp) if resp.status().is_success());
    }
    profile::delete_credentials(name).await?;
    match out {
        Output::Json => print_json(&serde_json::json!({"profile": name, "revoked": revoked})),
        Output::Text if revoked => eprintln!("Logged out of {} (tokens revoked).", api.base),
        Output::Text => eprintln!(
            "Forgot the local credentials; the gateway {} could not be told, so the tokens expire on their own.",
            api.base
        ),
    }
    Ok(())
}

/// Runs `hoopctl whoami`.
pub async fn whoami(name: &str, out: Output) -> Result<(), Failure> {
    let api = Api::open(name).await?;
    let who: WhoAmI = api.get("/v1/whoami").await?;
    match out {
        Output::Json => print_json(&who),
        Output::Text => {
            println!(
                "{} ({}) on {}\ngroups: {}\ntoken expires: {}",
                who.identity,
                who.kind,
                api.base,
                who.groups.join(", "),
                who.token_expires_at
            );
            if let Some(p) = &who.provenance {
                println!("provenance: {p}");
            }
            if let Some(idp) = &who.identity_provider {
                println!(
                    "signed in through: {idp} (groups as of that sign-in, until {})",
                    who.identity_provider_until.as_deref().unwrap_or("?")
                );
            }
        }
    }
    Ok(())
}
