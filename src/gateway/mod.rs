//! The gateway half: `hoopctl gateway serve`.
//!
//! [`Gateway`] holds what every request and session needs (config, store, CA, policy, the live
//! session registry). [`serve::run`] accepts TLS on one port and hands each connection to the
//! API or to the tunnel according to ALPN.

pub mod access;
pub mod admin;
pub mod api;
pub mod audit;
pub mod auth;
pub mod ca;
pub mod chain;
pub mod config;
pub mod init;
pub mod jwks;
pub mod masking;
pub mod oidc;
pub mod policy;
pub mod proxy;
pub mod recordings;
pub mod reviews;
pub mod serve;
pub mod sessions;
pub mod sql;
pub mod store;
pub mod tunnel;
pub mod workload;

use std::sync::Arc;

use anyhow::Context as _;
use rustls::ServerConfig;

use self::ca::Ca;
use self::config::Config;
use self::policy::{Policies, Policy};
use self::sessions::Sessions;
use self::store::Store;

/// Shared gateway state.
#[derive(Debug)]
pub struct Gateway {
    /// The loaded configuration.
    pub config: Config,
    /// The embedded store.
    pub store: Store,
    /// The built-in CA.
    pub ca: Ca,
    /// The policies in force; replaced whole by a reload (SIGHUP).
    pub policy: Policies,
    /// Live sessions and cancel keys.
    pub sessions: Sessions,
    /// TLS config of the listener.
    pub tls: Arc<ServerConfig>,
    /// Failed password attempts per device user code (the code is denied after a few).
    pub device_failures: std::sync::Mutex<std::collections::HashMap<String, u32>>,
    /// Bounds concurrent argon2 verifications, so `/device` cannot exhaust the CPU.
    pub password_checks: tokio::sync::Semaphore,
    /// Group-committing writer of statement events.
    pub audit: audit::AuditWriter,
    /// Trusted workload token issuers and their key caches.
    pub workloads: workload::Workloads,
    /// Masking profiles, compiled, by name; replaced whole by a reload (SIGHUP).
    pub maskers: masking::Profiles,
    /// Column-source lookups per connection whose masking profile has column rules.
    pub catalogs: std::collections::BTreeMap<String, Arc<proxy::postgres::catalog::Catalog>>,
    /// Reviews in flight and their webhooks.
    pub reviews: reviews::Reviews,
    /// Signs audit checkpoints.
    pub chain_key: chain::Signer,
    /// Session recordings.
    pub recordings: recordings::Recordings,
    /// Keys the hashes of record-level access accounting.
    pub access_key: Arc<access::AccessKey>,
    /// Identity providers people sign in with, and the sign-ins in progress.
    pub oidc: oidc::Providers,
    /// Seals identity providers' refresh tokens at rest (when a provider is configured).
    pub idp_tokens: Option<oidc::Sealer>,
    /// People known through an identity provider, by identity name (kept in the store too).
    pub federated: std::sync::RwLock<std::collections::HashMap<String, store::FederatedIdentity>>,
}

impl Gateway {
    /// The principal for an identity: a configured user or service account, or a person an
    /// identity provider vouches for now (their groups from the latest sign-in, until that
    /// sign-in's ID token expires). `None`: unknown, or the provider's word has run out.
    pub fn principal(&self, identity: &str) -> Option<policy::Principal> {
        if let Some(p) = auth::principal_for(&self.config, identity) {
            return Some(p);
        }
        let known = self.federated.read().ok()?;
        let f = known.get(identity)?;
        (f.valid_until > crate::clock::now_ms()).then(|| policy::Principal {
            name: f.name.clone(),
            kind: policy::PrincipalKind::User,
            groups: f.groups.clone(),
        })
    }

    /// Why `identity` has no principal, for the error a caller sees.
    pub fn why_unknown(&self, identity: &str) -> String {
        match self
            .federated
            .read()
            .ok()
            .and_then(|k| k.get(identity).cloned())
        {
            Some(f) => format!(
                "the sign-in of {identity} through identity provider {} has expired; run `hoopctl login` again",
                f.provider
            ),
            None => format!("identity {identity} no longer exists on this gateway"),
        }
    }

    /// Re-reads `[masking]` and the policy files (`[policy] files`) from the config at `path`
    /// and puts both in force; the rest of the file is not applied (a restart does that).
    /// Refused whole — the profiles and policies in force stay — when the file does not
    /// validate, a policy does not parse or fit the schema, a key cannot be read, or a masked
    /// connection's profile would disappear. Recorded in the audit log either way, as a
    /// `masking_reloaded` and a `policy_reloaded` event. Returns the new generations
    /// (masking, policy).
    pub async fn reload(&self, path: &std::path::Path) -> Result<(u64, u64), String> {
        let result = self.try_reload(path);
        let (outcome, detail) = match &result {
            Ok((m, p)) => (
                "ok",
                format!(
                    "reloaded from {}: masking profiles generation {m}, policies generation {p}",
                    path.display()
                ),
            ),
            Err(e) => (
                "error",
                format!("reload refused; the masking profiles and policies in force stay: {e}"),
            ),
        };
        for kind in ["masking_reloaded", "policy_reloaded"] {
            let event = store::NewEvent {
                kind,
                outcome: Some(outcome),
                detail: Some(&detail),
                ..Default::default()
            };
            if let Err(e) = self.store.insert_event(&event).await {
                tracing::error!(error = %e, kind, "cannot audit a reload");
            }
        }
        result
    }

    fn try_reload(&self, path: &std::path::Path) -> Result<(u64, u64), String> {
        let cfg = Config::load(path).map_err(|e| e.to_string())?;
        for (name, c) in &self.config.connections {
            if let Some(p) = &c.masking
                && !cfg.masking.profiles.contains_key(p)
            {
                return Err(format!(
                    "connection {name} masks with profile {p:?}, which the new file does not define"
                ));
            }
        }
        let compiled = masking::compile(&cfg)?;
        let policy = Policy::load(&cfg.policy_files())
            .map_err(|errs| format!("policy errors:\n  {}", errs.join("\n  ")))?;
        Ok((self.maskers.replace(compiled), self.policy.replace(policy)))
    }

    /// Opens the store (applying migrations), loads or creates the CA, loads policies.
    pub async fn open(config: Config) -> anyhow::Result<Arc<Gateway>> {
        let data_dir = config.data_dir();
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("cannot create data dir {}", data_dir.display()))?;
        // The store holds statement text and the CA key: owner only.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("cannot restrict {} to its owner", data_dir.display()))?;
        }
        let policy = Policy::load(&config.policy_files()).map_err(|errs| {
            anyhow::anyhow!(
                "policy errors (fix them, then run `hoopctl gateway check`):\n  {}",
                errs.join("\n  ")
            )
        })?;
        let store = Store::open_with(&data_dir, config.audit.lock_timeout)
            .await
            .with_context(|| format!("cannot open the store in {}", data_dir.display()))?
            .with_pending_ttl(config.grants.pending_timeout);
        let ca = Ca::load_or_create(&data_dir)?;
        // A lost key is not silently replaced: a new one cannot vouch for the old checkpoints.
        if !data_dir.join(chain::KEY_FILE).exists() && store.last_checkpoint().await?.is_some() {
            anyhow::bail!(
                "{} is missing but the audit log has checkpoints it signed: restore the key from backup \
                 (a new key cannot vouch for the existing checkpoints)",
                data_dir.join(chain::KEY_FILE).display()
            );
        }
        let chain_key = chain::Signer::load_or_create(&data_dir)?;
        // Likewise the access key: a new one would make every recorded access unsearchable.
        if !data_dir.join(access::KEY_FILE).exists() && store.has_record_access().await? {
            anyhow::bail!(
                "{} is missing but the store has record accesses hashed with it: restore the key from backup \
                 (without it `hoopctl audit who-accessed` cannot find them)",
                data_dir.join(access::KEY_FILE).display()
            );
        }
        let access_key = Arc::new(access::AccessKey::load_or_create(&data_dir)?);
        let tls = Arc::new(ca.server_config(&config.gateway.server_names)?);
        let audit = audit::AuditWriter::start(&store, config.audit.durability)
            .await
            .with_context(|| format!("cannot open the audit log in {}", data_dir.display()))?;
        let workloads =
            workload::Workloads::new(&config.auth.workload).map_err(anyhow::Error::msg)?;
        let reviews = reviews::Reviews::new(&config).map_err(anyhow::Error::msg)?;
        // Sessions do not outlive the process: their held statements cannot run any more.
        let stale = store.cancel_statement_reviews(None).await?;
        if stale > 0 {
            tracing::info!(
                stale,
                "cancelled statement reviews of sessions that ended with the last run"
            );
        }
        let maskers = masking::compile(&config).map_err(anyhow::Error::msg)?;
        let maskers = masking::Profiles::new(maskers);
        // Every masked connection gets one (it connects on first use): a reload may add column
        // rules to a profile that had none.
        let catalogs = config
            .connections
            .iter()
            .filter(|(_, c)| c.masking.is_some() || c.tables.values().any(|t| t.key.is_some()))
            .map(|(name, c)| {
                let cat =
                    proxy::postgres::catalog::Catalog::new(c.clone(), config.base_dir.clone());
                (name.clone(), Arc::new(cat))
            })
            .collect();
        let recordings =
            recordings::Recordings::open(&data_dir, config.recordings.clone(), store.clone())
                .await?;
        let oidc = oidc::Providers::new(&config).map_err(anyhow::Error::msg)?;
        let mut federated = std::collections::HashMap::new();
        for f in store.federated_identities().await? {
            // A name now configured as a user or service account is theirs: the person who
            // signed in under it through a provider must not inherit the configured groups.
            if config.user(&f.name).is_some() || config.service_account(&f.name).is_some() {
                let revoked = store.revoke_identity_tokens(&f.name).await?;
                store.delete_federated(&f.name).await?;
                let detail = format!(
                    "{} is now configured on the gateway; the sign-in through identity provider {} was forgotten and its {revoked} token(s) revoked",
                    f.name, f.provider
                );
                tracing::warn!("{detail}");
                store
                    .insert_event(&store::NewEvent {
                        kind: "identity_revoked",
                        identity: Some(&f.name),
                        outcome: Some("ok"),
                        detail: Some(&detail),
                        ..Default::default()
                    })
                    .await?;
                continue;
            }
            federated.insert(f.name.clone(), f);
        }
        let idp_tokens = if oidc.is_empty() {
            None
        } else {
            Some(oidc::Sealer::load_or_create(&data_dir)?)
        };
        let gw = Arc::new(Gateway {
            idp_tokens,
            oidc,
            federated: std::sync::RwLock::new(federated),
            access_key,
            recordings,
            chain_key,
            reviews,
            workloads,
            maskers,
            catalogs,
            config,
            store,
            ca,
            policy: Policies::new(policy),
            sessions: Sessions::default(),
            tls,
            device_failures: Default::default(),
            password_checks: tokio::sync::Semaphore::new(2),
            audit,
        });
        chain::spawn(gw.clone());
        recordings::spawn(gw.clone());
        Ok(gw)
    }
}
