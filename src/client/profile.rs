//! Client profiles (one per gateway) and where their credentials live.
//!
//! `profiles.toml` in the config directory (`HOOPCTL_CONFIG_DIR`, else the OS config dir) names
//! each profile's gateway URL and CA file. Tokens go to the OS keyring; where none is usable
//! (headless CI, containers) they go to a 0600 file beside the profile, and `login` says which.
//! `HOOPCTL_CREDENTIAL_STORE=file|keyring` forces one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::exit::{ExitKind, Failure};
use crate::secret::Secret;

const KEYRING_SERVICE: &str = "hoopctl";
const KEYRING_TIMEOUT: Duration = Duration::from_secs(3);

/// One gateway the user talks to.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Gateway base URL (`https://…`).
    pub gateway: String,
    /// PEM file of the gateway CA (when it is not publicly trusted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// Where this profile's credentials are: `keyring` or `file`.
    #[serde(default)]
    pub credentials: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProfilesFile {
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// Tokens of a login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Credentials {
    /// Bearer token.
    pub access_token: Secret<String>,
    /// Refresh token, if any.
    #[serde(default)]
    pub refresh_token: Option<Secret<String>>,
    /// Access token expiry, unix ms.
    pub expires_at: i64,
}

/// The client's config directory.
pub fn config_dir() -> Result<PathBuf, Failure> {
    if let Some(d) = std::env::var_os("HOOPCTL_CONFIG_DIR") {
        return Ok(PathBuf::from(d));
    }
    directories::ProjectDirs::from("dev", "hoopctl", "hoopctl")
        .map(|p| p.config_dir().to_path_buf())
        .ok_or_else(|| {
            Failure::new(
                ExitKind::Failure,
                "cannot find a config directory (no HOME?); set HOOPCTL_CONFIG_DIR",
            )
        })
}

fn profiles_path(dir: &Path) -> PathBuf {
    dir.join("profiles.toml")
}

fn read_profiles(dir: &Path) -> Result<ProfilesFile, Failure> {
    let p = profiles_path(dir);
    match std::fs::read_to_string(&p) {
        Ok(s) => toml::from_str(&s).map_err(|e| {
            Failure::new(
                ExitKind::Failure,
                format!(
                    "{} is invalid ({e}); fix or delete it and log in again",
                    p.display()
                ),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ProfilesFile::default()),
        Err(e) => Err(Failure::new(
            ExitKind::Failure,
            format!("cannot read {}: {e}", p.display()),
        )),
    }
}

/// Loads a profile; a clear "log in first" when it does not exist.
pub fn load(name: &str) -> Result<Profile, Failure> {
    let dir = config_dir()?;
    read_profiles(&dir)?.profiles.remove(name).ok_or_else(|| {
        Failure::new(
            ExitKind::NotLoggedIn,
            format!("profile {name:?} is not logged in; run `hoopctl login --gateway URL` first"),
        )
    })
}

/// Saves (creates or replaces) a profile.
pub fn save(name: &str, profile: &Profile) -> Result<(), Failure> {
    let dir = config_dir()?;
    std::fs::create_dir_all(&dir).map_err(|e| {
        Failure::new(
            ExitKind::Failure,
            format!("cannot create {}: {e}", dir.display()),
        )
    })?;
    let mut all = read_profiles(&dir)?;
    all.profiles.insert(name.to_string(), profile.clone());
    let text =
        toml::to_string_pretty(&all).map_err(|e| Failure::new(ExitKind::Failure, e.to_string()))?;
    write_private(&profiles_path(&dir), &text)
}

/// Removes a profile's entry.
pub fn remove(name: &str) -> Result<(), Failure> {
    let dir = config_dir()?;
    let mut all = read_profiles(&dir)?;
    if all.profiles.remove(name).is_some() {
        let text = toml::to_string_pretty(&all)
            .map_err(|e| Failure::new(ExitKind::Failure, e.to_string()))?;
        write_private(&profiles_path(&dir), &text)?;
    }
    Ok(())
}

fn write_private(path: &Path, text: &str) -> Result<(), Failure> {
    crate::gateway::ca::write_private(path, text).map_err(|e| {
        Failure::new(
            ExitKind::Failure,
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

fn cred_file(profile: &str) -> Result<PathBuf, Failure> {
    Ok(config_dir()?
        .join("credentials")
        .join(format!("{profile}.json")))
}

async fn keyring_call<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    // A locked desktop keyring can block on a prompt: never on the runtime, never for long.
    match tokio::time::timeout(KEYRING_TIMEOUT, tokio::task::spawn_blocking(f)).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the OS keyring did not answer within 3s".into()),
    }
}

/// Stores credentials; returns a sentence saying where.
pub async fn store_credentials(
    name: &str,
    profile: &mut Profile,
    creds: &Credentials,
) -> Result<String, Failure> {
    let json =
        serde_json::to_string(creds).map_err(|e| Failure::new(ExitKind::Failure, e.to_string()))?;
    let forced = std::env::var("HOOPCTL_CREDENTIAL_STORE").unwrap_or_default();
    let mut keyring_error = None;
    if forced != "file" {
        let (n, j) = (name.to_string(), json.clone());
        let r = keyring_call(move || {
            let e = keyring::Entry::new(KEYRING_SERVICE, &n).map_err(|e| e.to_string())?;
            e.set_password(&j).map_err(|e| e.to_string())
        })
        .await;
        match r {
            Ok(()) => {
                profile.credentials = "keyring".into();
                let _ = std::fs::remove_file(cred_file(name)?);
                return Ok("credentials stored in the OS keyring".into());
            }
            Err(e) if forced == "keyring" => {
                return Err(Failure::new(
                    ExitKind::Failure,
                    format!("cannot use the OS keyring: {e}"),
                ));
            }
            Err(e) => keyring_error = Some(e),
        }
    }
    let path = cred_file(name)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| {
            Failure::new(
                ExitKind::Failure,
                format!("cannot create {}: {e}", parent.display()),
            )
        })?;
    }
    write_private(&path, &json)?;
    profile.credentials = "file".into();
    Ok(match keyring_error {
        Some(e) => format!(
            "no usable OS keyring ({e}); credentials stored in {} (mode 0600)",
            path.display()
        ),
        None => format!("credentials stored in {} (mode 0600)", path.display()),
    })
}

/// Loads credentials from where the profile says they are.
pub async fn load_credentials(name: &str, profile: &Profile) -> Result<Credentials, Failure> {
    let not_logged_in = || {
        Failure::new(
            ExitKind::NotLoggedIn,
            format!("no credentials for profile {name:?}; run `hoopctl login`"),
        )
    };
    let json = if profile.credentials == "keyring" {
        let n = name.to_string();
        keyring_call(move || {
            let e = keyring::Entry::new(KEYRING_SERVICE, &n).map_err(|e| e.to_string())?;
            e.get_password().map_err(|e| e.to_string())
        })
        .await
        .map_err(|_| not_logged_in())?
    } else {
        std::fs::read_to_string(cred_file(name)?).map_err(|_| not_logged_in())?
    };
    serde_json::from_str(&json).map_err(|_| not_logged_in())
}

/// Deletes stored credentials (both places).
pub async fn delete_credentials(name: &str) -> Result<(), Failure> {
    let _ = std::fs::remove_file(cred_file(name)?);
    if std::env::var("HOOPCTL_CREDENTIAL_STORE").as_deref() != Ok("file") {
        let n = name.to_string();
        let _ = keyring_call(move || {
            let e = keyring::Entry::new(KEYRING_SERVICE, &n).map_err(|e| e.to_string())?;
            e.delete_credential().map_err(|e| e.to_string())
        })
        .await;
    }
    Ok(())
}
