//! The client's view of the gateway API: authenticated JSON calls with automatic refresh, and
//! problem details turned into errors that carry the right exit code.

use std::sync::Mutex;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::profile::{self, Credentials, Profile};
use crate::clock::now_ms;
use crate::exit::{ExitKind, Failure};
use crate::proto::OAUTH_CLIENT_ID;
use crate::proto::api::Problem;
use crate::secret::Secret;

/// Builds the HTTP client for a gateway: the profile's CA only (when set), TLS 1.3.
pub fn http_client(ca_file: Option<&std::path::Path>) -> Result<reqwest::Client, Failure> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .https_only(true)
        .user_agent(concat!("hoopctl/", env!("CARGO_PKG_VERSION")));
    if let Some(path) = ca_file {
        let pem = std::fs::read(path).map_err(|e| {
            Failure::new(
                ExitKind::Failure,
                format!("cannot read CA file {}: {e}", path.display()),
            )
        })?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
            Failure::new(
                ExitKind::Failure,
                format!("CA file {} is not PEM: {e}", path.display()),
            )
        })?;
        b = b.tls_certs_only(certs);
    }
    b.build()
        .map_err(|e| Failure::new(ExitKind::Failure, format!("cannot build HTTP client: {e}")))
}

/// Describes a transport error in words a user can act on.
pub fn transport_error(base: &str, e: &reqwest::Error) -> Failure {
    let mut msg = format!("cannot reach the gateway at {base}: {e}");
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(&format!(": {s}"));
        src = s.source();
    }
    if msg.contains("certificate") || msg.contains("UnknownIssuer") {
        msg.push_str(" (if the gateway uses its own CA, pass --ca-file to `hoopctl login`)");
    }
    Failure::new(ExitKind::Failure, msg)
}

/// `path` with the parameters that have a value as its query string, escaped.
pub fn with_query(path: &str, params: &[(&str, Option<&str>)]) -> String {
    let q: Vec<String> = params
        .iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k}={}", query_escape(v))))
        .collect();
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", q.join("&"))
    }
}

/// Percent-encodes a query-string value.
pub fn query_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Turns a non-success response into a [`Failure`].
pub async fn problem(resp: reqwest::Response) -> Failure {
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    let (code, detail) = match serde_json::from_str::<Problem>(&text) {
        Ok(p) => (p.code, p.detail),
        Err(_) => (
            String::new(),
            format!(
                "gateway answered {status}: {}",
                text.chars().take(300).collect::<String>()
            ),
        ),
    };
    let kind = match (status, code.as_str()) {
        (StatusCode::UNAUTHORIZED, _) => ExitKind::NotLoggedIn,
        (_, "denied") => ExitKind::Denied,
        _ => ExitKind::Failure,
    };
    Failure::new(kind, detail)
}

/// An authenticated API client for one profile.
#[derive(Debug)]
pub struct Api {
    http: reqwest::Client,
    /// Gateway base URL.
    pub base: String,
    profile_name: String,
    profile: Mutex<Profile>,
    creds: Mutex<Credentials>,
    /// Set with `--ci`: credentials live in memory and are renewed by a fresh token exchange.
    ci: Option<&'static super::ci::CiOptions>,
}

#[derive(serde::Deserialize)]
struct TokenBody {
    access_token: String,
    expires_in: i64,
    refresh_token: Option<String>,
}

impl Api {
    /// Loads the profile and its credentials; with `--ci`, exchanges a workload token instead.
    pub async fn open(profile_name: &str) -> Result<Api, Failure> {
        if let Some(ci) = super::ci::active() {
            let profile = super::ci::profile(profile_name)?;
            let http = http_client(profile.ca_file.as_deref())?;
            let base = profile.gateway.trim_end_matches('/').to_string();
            let creds = super::ci::exchange(ci, &http, &base).await?;
            return Ok(Api {
                http,
                base,
                profile_name: profile_name.to_string(),
                profile: Mutex::new(profile),
                creds: Mutex::new(creds),
                ci: Some(ci),
            });
        }
        let profile = profile::load(profile_name)?;
        let creds = profile::load_credentials(profile_name, &profile).await?;
        let http = http_client(profile.ca_file.as_deref())?;
        Ok(Api {
            http,
            base: profile.gateway.trim_end_matches('/').to_string(),
            profile_name: profile_name.to_string(),
            profile: Mutex::new(profile),
            creds: Mutex::new(creds),
            ci: None,
        })
    }

    /// The credentials in use (for `login --ci --save`).
    pub fn credentials(&self) -> Option<Credentials> {
        self.creds.lock().ok().map(|c| c.clone())
    }

    /// The profile (for its CA file).
    pub fn profile(&self) -> Profile {
        self.profile.lock().map(|p| p.clone()).unwrap_or_default()
    }

    fn access(&self) -> Option<(Secret<String>, i64)> {
        self.creds
            .lock()
            .ok()
            .map(|c| (c.access_token.clone(), c.expires_at))
    }

    /// Uses the refresh token; saves the new pair. Errors mean "log in again". With `--ci`,
    /// fetches a fresh platform token and exchanges it again (nothing is saved).
    async fn refresh(&self) -> Result<(), Failure> {
        if let Some(ci) = self.ci {
            let creds = super::ci::exchange(ci, &self.http, &self.base).await?;
            if let Ok(mut c) = self.creds.lock() {
                *c = creds;
            }
            return Ok(());
        }
        let rt = self
            .creds
            .lock()
            .ok()
            .and_then(|c| c.refresh_token.clone())
            .ok_or_else(|| {
                Failure::new(
                    ExitKind::NotLoggedIn,
                    "your access token expired and there is no refresh token; run `hoopctl login`",
                )
            })?;
        let resp = self
            .http
            .post(format!("{}/oauth/token", self.base))
            .form(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", rt.expose().as_str()),
                ("client_id", OAUTH_CLIENT_ID),
            ])
            .send()
            .await
            .map_err(|e| transport_error(&self.base, &e))?;
        if !resp.status().is_success() {
            return Err(Failure::new(
                ExitKind::NotLoggedIn,
                "your session expired (refresh refused by the gateway); run `hoopctl login`",
            ));
        }
        let t: TokenBody = resp
            .json()
            .await
            .map_err(|e| Failure::new(ExitKind::Failure, format!("bad token response: {e}")))?;
        let creds = Credentials {
            access_token: Secret::new(t.access_token),
            refresh_token: t.refresh_token.map(Secret::new),
            expires_at: now_ms() + t.expires_in * 1000,
        };
        let mut p = self.profile();
        profile::store_credentials(&self.profile_name, &mut p, &creds).await?;
        profile::save(&self.profile_name, &p)?;
        if let Ok(mut c) = self.creds.lock() {
            *c = creds;
        }
        Ok(())
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<reqwest::Response, Failure> {
        let mut refreshed = false;
        if let Some((_, exp)) = self.access()
            && exp - now_ms() < 30_000
        {
            self.refresh().await?;
            refreshed = true;
        }
        loop {
            let (token, _) = self
                .access()
                .ok_or_else(|| Failure::new(ExitKind::NotLoggedIn, "run `hoopctl login`"))?;
            let mut req = self
                .http
                .request(method.clone(), format!("{}{path}", self.base))
                .bearer_auth(token.expose());
            if let Some(b) = body {
                req = req.json(b);
            }
            let resp = req
                .send()
                .await
                .map_err(|e| transport_error(&self.base, &e))?;
            if resp.status() == StatusCode::UNAUTHORIZED && !refreshed {
                refreshed = true;
                self.refresh().await?;
                continue;
            }
            return Ok(resp);
        }
    }

    /// GET a JSON resource.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let resp = self.send(Method::GET, path, None).await?;
        decode(resp).await
    }

    /// GET a resource as text (exports).
    pub async fn get_text(&self, path: &str) -> Result<String, Failure> {
        let resp = self.send(Method::GET, path, None).await?;
        if !resp.status().is_success() {
            return Err(problem(resp).await);
        }
        resp.text()
            .await
            .map_err(|e| transport_error(&self.base, &e))
    }

    /// GET a resource as bytes (recordings).
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, Failure> {
        let resp = self.send(Method::GET, path, None).await?;
        if !resp.status().is_success() {
            return Err(problem(resp).await);
        }
        resp.bytes()
            .await
            .map(|b| b.to_vec())
            .map_err(|e| transport_error(&self.base, &e))
    }

    /// POST JSON, decode the JSON answer.
    pub async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, Failure> {
        let v = serde_json::to_value(body)
            .map_err(|e| Failure::new(ExitKind::Failure, e.to_string()))?;
        let resp = self.send(Method::POST, path, Some(&v)).await?;
        decode(resp).await
    }

    /// The stored refresh token (for logout).
    pub fn refresh_token(&self) -> Option<Secret<String>> {
        self.creds.lock().ok().and_then(|c| c.refresh_token.clone())
    }

    /// The stored access token (for logout when there is no refresh token).
    pub fn access_token(&self) -> Option<Secret<String>> {
        self.access().map(|a| a.0)
    }

    /// The raw HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }
}

async fn decode<T: DeserializeOwned>(resp: reqwest::Response) -> Result<T, Failure> {
    if !resp.status().is_success() {
        return Err(problem(resp).await);
    }
    resp.json().await.map_err(|e| {
        Failure::new(
            ExitKind::Failure,
            format!("unexpected answer from the gateway: {e}"),
        )
    })
}
