//! Workload login for CI jobs: fetch the OIDC token the platform signs for this run, exchange it
//! at the gateway (RFC 8693) for a short-lived access token, keep it in memory, and fetch and
//! exchange again before it expires. Nothing is written to the runner unless `--save` asks.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use serde::Deserialize;

use crate::client::api::{query_escape, transport_error};
use crate::client::profile::{self, Credentials, Profile};
use crate::clock::now_ms;
use crate::exit::{ExitKind, Failure};
use crate::proto::OAUTH_CLIENT_ID;
use crate::secret::Secret;

/// Where the platform token comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Provider {
    /// Detect the platform from its environment variables.
    #[default]
    Auto,
    /// GitHub Actions (`permissions: id-token: write`).
    Github,
    /// GitLab CI/CD `id_tokens` (default variable HOOPCTL_ID_TOKEN).
    Gitlab,
    /// CircleCI (CIRCLE_OIDC_TOKEN_V2).
    Circleci,
    /// Buildkite (`buildkite-agent oidc request-token`).
    Buildkite,
    /// A Kubernetes projected service-account token file.
    Kubernetes,
    /// An environment variable (--token-env).
    Env,
    /// A file (--token-file).
    File,
}

/// `--ci` and its options.
#[derive(Debug, Clone, Default)]
pub struct CiOptions {
    /// Token source.
    pub provider: Provider,
    /// Audience to request (GitHub, Buildkite); default: the gateway URL.
    pub audience: Option<String>,
    /// Variable holding the token (GitLab, env).
    pub token_env: Option<String>,
    /// File holding the token (Kubernetes, file).
    pub token_file: Option<PathBuf>,
}

/// The default variable a GitLab job names in `id_tokens`.
pub const GITLAB_DEFAULT_VAR: &str = "HOOPCTL_ID_TOKEN";
/// The default projected token path for Kubernetes.
pub const KUBERNETES_DEFAULT_FILE: &str = "/var/run/secrets/tokens/hoopctl";

static ACTIVE: OnceLock<CiOptions> = OnceLock::new();

/// Makes every command of this process log in as a workload (`--ci`).
pub fn activate(opts: CiOptions) {
    let _ = ACTIVE.set(opts);
}

/// The workload login options, when `--ci` was given.
pub fn active() -> Option<&'static CiOptions> {
    ACTIVE.get()
}

fn usage(msg: impl Into<String>) -> Failure {
    Failure::new(ExitKind::Usage, msg)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl CiOptions {
    /// The provider `auto` stands for here: explicit token flags first, then the platform's
    /// own marker variables.
    pub fn resolve(&self) -> Result<Provider, Failure> {
        if self.provider != Provider::Auto {
            return Ok(self.provider);
        }
        let is = |k: &str| env(k).is_some_and(|v| v == "true");
        Ok(if self.token_env.is_some() {
            Provider::Env
        } else if self.token_file.is_some() {
            Provider::File
        } else if is("GITHUB_ACTIONS") {
            Provider::Github
        } else if is("GITLAB_CI") {
            Provider::Gitlab
        } else if is("CIRCLECI") {
            Provider::Circleci
        } else if is("BUILDKITE") {
            Provider::Buildkite
        } else if env("KUBERNETES_SERVICE_HOST").is_some() {
            Provider::Kubernetes
        } else {
            return Err(usage(
                "--ci: this does not look like GitHub Actions, GitLab CI, CircleCI, Buildkite or \
                 Kubernetes; pass --provider, --token-env NAME or --token-file PATH",
            ));
        })
    }

    /// Fetches a fresh platform token for `audience`.
    pub async fn platform_token(&self, audience: &str) -> Result<Secret<String>, Failure> {
        let provider = self.resolve()?;
        let token = match provider {
            Provider::Github => github(audience).await?,
            Provider::Gitlab => from_env(
                self.token_env.as_deref().unwrap_or(GITLAB_DEFAULT_VAR),
                "declare it in the job's id_tokens with the gateway's audience",
            )?,
            Provider::Circleci => match env("CIRCLE_OIDC_TOKEN_V2") {
                Some(t) => t,
                None => from_env(
                    "CIRCLE_OIDC_TOKEN",
                    "run the job in a CircleCI context that issues OIDC tokens",
                )?,
            },
            Provider::Buildkite => buildkite(audience).await?,
            Provider::Kubernetes => from_file(
                self.token_file
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(KUBERNETES_DEFAULT_FILE)),
                "mount a projected service-account token with the gateway's audience there, or pass --token-file",
            )?,
            Provider::Env => from_env(
                self.token_env.as_deref().unwrap_or(GITLAB_DEFAULT_VAR),
                "pass --token-env with the variable that holds the token",
            )?,
            Provider::File => from_file(
                self.token_file
                    .clone()
                    .ok_or_else(|| usage("--provider file needs --token-file PATH"))?,
                "pass --token-file with the token's path",
            )?,
            Provider::Auto => return Err(usage("--ci: no provider")),
        };
        let token = token.trim().to_string();
        if token.is_empty() {
            return Err(usage(format!("--ci: the {provider:?} token is empty")));
        }
        Ok(Secret::new(token))
    }
}

fn from_env(name: &str, hint: &str) -> Result<String, Failure> {
    env(name).ok_or_else(|| usage(format!("--ci: {name} is not set; {hint}")))
}

fn from_file(path: PathBuf, hint: &str) -> Result<String, Failure> {
    std::fs::read_to_string(&path)
        .map_err(|e| usage(format!("--ci: cannot read {}: {e}; {hint}", path.display())))
}

/// GitHub Actions hands out tokens over HTTP to jobs with `id-token: write`.
async fn github(audience: &str) -> Result<String, Failure> {
    let hint = "give the job `permissions: id-token: write`";
    let url = from_env("ACTIONS_ID_TOKEN_REQUEST_URL", hint)?;
    let bearer = from_env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", hint)?;
    // The real endpoint is https; plain http only on loopback (a local stand-in).
    if !crate::proto::url_allowed(&url, true) {
        return Err(usage(format!(
            "--ci: ACTIONS_ID_TOKEN_REQUEST_URL {url:?} is not an https:// URL"
        )));
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    let full = format!("{url}{sep}audience={}", query_escape(audience));
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("hoopctl/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Failure::new(ExitKind::Failure, format!("HTTP client: {e}")))?;
    let resp = http
        .get(&full)
        .bearer_auth(bearer)
        .send()
        .await
        .map_err(|e| transport_error(&url, &e))?;
    if !resp.status().is_success() {
        return Err(usage(format!(
            "--ci: GitHub refused the OIDC token request ({}); {hint}",
            resp.status()
        )));
    }
    #[derive(Deserialize)]
    struct Body {
        value: String,
    }
    let b: Body = resp.json().await.map_err(|e| {
        Failure::new(
            ExitKind::Failure,
            format!("--ci: GitHub's token answer is not the expected JSON: {e}"),
        )
    })?;
    Ok(b.value)
}

async fn buildkite(audience: &str) -> Result<String, Failure> {
    let out = tokio::process::Command::new("buildkite-agent")
        .args(["oidc", "request-token", "--audience", audience])
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .map_err(|e| {
            usage(format!(
                "--ci: cannot run buildkite-agent ({e}); run on a Buildkite agent or pass --token-env"
            ))
        })?;
    if !out.status.success() {
        return Err(usage(format!(
            "--ci: buildkite-agent oidc request-token failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| Failure::new(ExitKind::Failure, "--ci: buildkite-agent printed non-UTF-8"))
}

/// The profile to use in CI: `HOOPCTL_GATEWAY` (and `HOOPCTL_CA_FILE`) when set — the job's own
/// settings win over a profile an earlier job may have left on a shared runner — else the saved
/// profile.
pub fn profile(name: &str) -> Result<Profile, Failure> {
    let saved = profile::load(name).ok();
    let Some(gateway) = env("HOOPCTL_GATEWAY") else {
        return saved.ok_or_else(|| {
            Failure::new(
                ExitKind::NotLoggedIn,
                "--ci: which gateway? set HOOPCTL_GATEWAY=https://HOST:PORT (and HOOPCTL_CA_FILE when its CA is private)",
            )
        });
    };
    if !gateway.starts_with("https://") {
        return Err(usage(format!(
            "HOOPCTL_GATEWAY {gateway:?} must be an https:// URL"
        )));
    }
    let gateway = gateway.trim_end_matches('/').to_string();
    // The saved CA is only for the saved gateway.
    let ca_file = env("HOOPCTL_CA_FILE").map(PathBuf::from).or_else(|| {
        saved
            .filter(|p| p.gateway == gateway)
            .and_then(|p| p.ca_file)
    });
    Ok(Profile {
        gateway,
        ca_file,
        credentials: String::new(),
    })
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: i64,
}

#[derive(Deserialize)]
struct OauthError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Fetches a platform token and exchanges it at `gateway`.
pub async fn exchange(
    opts: &CiOptions,
    http: &reqwest::Client,
    gateway: &str,
) -> Result<Credentials, Failure> {
    let audience = opts.audience.clone().unwrap_or_else(|| gateway.to_string());
    let subject = opts.platform_token(&audience).await?;
    let resp = http
        .post(format!("{gateway}/oauth/token"))
        .form(&[
            (
                "grant_type",
                "urn:ietf:params:oauth:grant-type:token-exchange",
            ),
            ("subject_token", subject.expose().as_str()),
            ("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
            ("client_id", OAUTH_CLIENT_ID),
        ])
        .send()
        .await
        .map_err(|e| transport_error(gateway, &e))?;
    let status = resp.status();
    if !status.is_success() {
        let e: Option<OauthError> = resp.json().await.ok();
        let (code, why) = match e {
            Some(e) => (e.error, e.error_description.unwrap_or_default()),
            None => (status.to_string(), String::new()),
        };
        let kind = if code == "invalid_grant" {
            ExitKind::Denied
        } else {
            ExitKind::Failure
        };
        return Err(Failure::new(
            kind,
            format!("the gateway refused the workload token ({code}): {why}"),
        ));
    }
    let t: TokenAnswer = resp.json().await.map_err(|e| {
        Failure::new(
            ExitKind::Failure,
            format!("the gateway's token answer is not valid: {e}"),
        )
    })?;
    Ok(Credentials {
        access_token: Secret::new(t.access_token),
        refresh_token: None,
        expires_at: now_ms() + t.expires_in * 1000,
    })
}
