//! `hoopctl gateway init DIR`: a starter config, the default policy and a data directory.

use std::path::Path;

use crate::gateway::auth::{hash_password, new_token};
use crate::gateway::policy::DEFAULT_POLICY;

/// What `init` created.
#[derive(Debug)]
pub struct Initialized {
    /// Path of the config file.
    pub config: std::path::PathBuf,
    /// The generated admin password (shown once).
    pub admin_password: String,
}

/// The starter config, with `{hash}` for the admin's password hash.
pub fn starter_config(listen: &str, hash: &str) -> String {
    format!(
        r#"# hoopctl gateway configuration. Every field is documented in docs/config.md.
# Check it with: hoopctl gateway check --config gateway.toml

[gateway]
listen = "{listen}"
data_dir = "data"
# public_url = "https://gateway.example.com:8443"
server_names = ["localhost", "127.0.0.1"]

[auth]
access_token_ttl = "15m"
refresh_token_ttl = "12h"
admin_groups = ["admins"]

[[auth.users]]
name = "admin"
password_hash = "{hash}"
groups = ["developers", "approvers", "admins"]

# People sign in with your identity provider (docs/idp.md has Okta, Entra ID, Google, Keycloak
# and Auth0 recipes). Register https://YOUR-GATEWAY/device/oidc/callback as its redirect URI.
# [[auth.oidc]]
# name = "corp"
# display_name = "Corp SSO"
# issuer = "https://login.example.com"
# client_id = "hoopctl-gateway"
# client_secret = {{ env = "HOOPCTL_OIDC_SECRET" }}
# scopes = ["openid", "email", "profile", "groups", "offline_access"]
# claims.groups = "groups"
# allowed_domains = ["example.com"]

[grants]
default_duration = "1h"
max_duration = "8h"
approver_groups = ["approvers"]

[policy]
files = ["policies/default.cedar"]

# A PostgreSQL target. The password lives in the gateway's environment, never in this file.
# [connections.warehouse]
# kind = "postgres"
# host = "127.0.0.1"
# port = 5432
# database = "warehouse"
# user = "etl"
# password = {{ env = "WAREHOUSE_PASSWORD" }}
# description = "nightly warehouse refresh"
"#
    )
}

/// Writes the starter files into `dir`; refuses to overwrite an existing config.
pub fn init(dir: &Path, listen: &str) -> Result<Initialized, String> {
    let config = dir.join("gateway.toml");
    if config.exists() {
        return Err(format!(
            "{} already exists; edit it, or choose another directory",
            config.display()
        ));
    }
    std::fs::create_dir_all(dir.join("policies"))
        .and_then(|_| std::fs::create_dir_all(dir.join("data")))
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let password = new_token("")[..20].to_string();
    let hash = hash_password(&password)?;
    std::fs::write(&config, starter_config(listen, &hash))
        .and_then(|_| std::fs::write(dir.join("policies/default.cedar"), DEFAULT_POLICY))
        .map_err(|e| format!("cannot write into {}: {e}", dir.display()))?;
    Ok(Initialized {
        config,
        admin_password: password,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::config::Config;
    use crate::gateway::policy::Policy;

    #[test]
    fn starter_config_is_valid_and_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let out = init(dir.path(), "127.0.0.1:8443").unwrap();
        let cfg = Config::load(&out.config).unwrap();
        assert_eq!(cfg.auth.users[0].name, "admin");
        Policy::load(&cfg.policy_files()).unwrap();
        assert!(
            init(dir.path(), "127.0.0.1:8443")
                .unwrap_err()
                .contains("already exists")
        );
    }
}
