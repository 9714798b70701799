//! The gateway's half of the audit chain ([`crate::proto::chain`]): its Ed25519 signing key,
//! kept in the data directory beside the CA, and the task that chains new events and signs a
//! checkpoint every `audit.checkpoint_events` events or `audit.checkpoint_interval`.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine as _;

use crate::clock::now_ms;
use crate::gateway::Gateway;
use crate::gateway::store::StoreError;
use crate::proto::chain::{Checkpoint, Manifest, key_id};

/// File name of the signing key (PKCS#8, owner-only) in the data directory.
pub const KEY_FILE: &str = "audit-signing.pk8";

/// How often the task looks for events to chain.
const TICK: Duration = Duration::from_millis(250);

/// The checkpoint signing key, and the newest head this process signed or found signed.
pub struct Signer {
    key: Ed25519KeyPair,
    id: String,
    signed: std::sync::Mutex<Option<(i64, String)>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the private key.
        f.debug_struct("Signer").field("key_id", &self.id).finish()
    }
}

impl Signer {
    /// Loads the key from `data_dir`, creating it (owner-only) on first use.
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Signer> {
        let path = data_dir.join(KEY_FILE);
        let der = match std::fs::read(&path) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let rng = aws_lc_rs::rand::SystemRandom::new();
                let doc = Ed25519KeyPair::generate_pkcs8(&rng)
                    .map_err(|_| anyhow::anyhow!("cannot generate the audit signing key"))?;
                write_private(&path, doc.as_ref())?;
                doc.as_ref().to_vec()
            }
            Err(e) => {
                return Err(e).with_context(|| format!("cannot read {}", path.display()));
            }
        };
        Self::from_pkcs8(&der).with_context(|| {
            format!(
                "{} is not an Ed25519 key (restore it from backup; a new key cannot sign for the old checkpoints)",
                path.display()
            )
        })
    }

    /// Reads an existing key without creating one (`hoopctl gateway audit-key`).
    pub fn load(data_dir: &Path) -> anyhow::Result<Signer> {
        let path = data_dir.join(KEY_FILE);
        let der = std::fs::read(&path).with_context(|| {
            format!(
                "cannot read {} (the gateway creates it when it first starts)",
                path.display()
            )
        })?;
        Self::from_pkcs8(&der).with_context(|| format!("{} is not an Ed25519 key", path.display()))
    }

    fn from_pkcs8(der: &[u8]) -> anyhow::Result<Signer> {
        let key = Ed25519KeyPair::from_pkcs8(der)
            .map_err(|e| anyhow::anyhow!("unreadable PKCS#8 Ed25519 key: {e}"))?;
        let id = key_id(key.public_key().as_ref());
        Ok(Signer {
            key,
            id,
            signed: Default::default(),
        })
    }

    /// The raw 32-byte public key.
    pub fn public_key(&self) -> &[u8] {
        self.key.public_key().as_ref()
    }

    /// The public key, base64: what `hoopctl audit verify --public-key` takes.
    pub fn public_key_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.public_key())
    }

    /// [`key_id`] of the public key.
    pub fn key_id(&self) -> &str {
        &self.id
    }

    /// Remembers that `event_id` was signed with `event_hash`, unless a later event already
    /// was: concurrent ticks (the background task, an export) must never move it back.
    fn remember(&self, event_id: i64, event_hash: &str) {
        if let Ok(mut s) = self.signed.lock()
            && s.as_ref().is_none_or(|(id, _)| *id < event_id)
        {
            *s = Some((event_id, event_hash.to_string()));
        }
    }

    /// Signs that the chain reached `event_id` with `event_hash`.
    pub fn sign(&self, event_id: i64, event_hash: &str, time: i64) -> Checkpoint {
        let sig = self
            .key
            .sign(&Checkpoint::message(event_id, event_hash, time));
        Checkpoint {
            event_id,
            event_hash: event_hash.to_string(),
            time,
            key_id: self.id.clone(),
            signature: base64::engine::general_purpose::STANDARD.encode(sig.as_ref()),
        }
    }
}

impl Signer {
    /// Signs an export's manifest.
    pub fn sign_manifest(&self, mut m: Manifest) -> Manifest {
        m.key_id = self.id.clone();
        m.signature =
            base64::engine::general_purpose::STANDARD.encode(self.key.sign(&m.message()).as_ref());
        m
    }
}

/// The bytes of the key file at `path`, which is created (owner-only) with 32 random bytes
/// when it does not exist yet.
pub(crate) fn key_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    match std::fs::read(path) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let k: [u8; 32] = rand::random();
            write_private(path, &k)?;
            Ok(k.to_vec())
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|_| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Why no checkpoint could be signed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An event this process saw signed is gone or changed: the log was tampered with while
    /// the gateway ran. Nothing more is signed until an operator looks.
    #[error(
        "the audit chain lost or changed event {0}, which was already signed: the store was tampered with; \
         no further checkpoints are signed (restore the store from backup, verify your last export, then restart)"
    )]
    Rewritten(i64),
    /// The store's newest checkpoint is not one this gateway signed, or names an event past the
    /// head: it was written by someone else.
    #[error(
        "the audit store holds a checkpoint at event {0} that this gateway did not sign (or past the chain's head): \
         the store was tampered with; no further checkpoints are signed (remove it after an investigation, then restart)"
    )]
    Forged(i64),
}

/// Chains what is unchained, and signs a checkpoint of the head when one is due (`force`: when
/// the head is not covered yet). Returns the newest checkpoint covering the head, if there is
/// one now. Never signs over a chain that lost or changed an event signed before (while this
/// process runs): cutting events and checkpoints from the end must not be laundered by a
/// fresh signature.
pub async fn tick(gw: &Gateway, force: bool) -> Result<Option<Checkpoint>, ChainError> {
    gw.store.seal().await?;
    let Some((id, hash)) = gw.store.chain_head().await? else {
        return Ok(None);
    };
    let last = gw.store.last_checkpoint().await?;
    if let Some(c) = &last
        && (c.event_id > id || !c.verifies(gw.chain_key.public_key()))
    {
        return Err(ChainError::Forged(c.event_id));
    }
    let known = gw
        .chain_key
        .signed
        .lock()
        .map(|s| s.clone())
        .unwrap_or(None);
    let known = match known {
        Some(k) => Some(k),
        // The first look at the store: its newest checkpoint is what later ones must extend.
        None => last.as_ref().map(|c| (c.event_id, c.event_hash.clone())),
    };
    if let Some((kid, khash)) = &known {
        if gw.store.event_hash(*kid).await?.as_deref() != Some(khash.as_str()) {
            return Err(ChainError::Rewritten(*kid));
        }
        gw.chain_key.remember(*kid, khash);
    }
    let now = now_ms();
    let a = &gw.config.audit;
    let due = match &last {
        Some(c) if c.event_id >= id => return Ok(Some(c.clone())),
        Some(c) => {
            force
                || id - c.event_id >= i64::from(a.checkpoint_events)
                || now - c.time >= a.checkpoint_interval.as_millis() as i64
        }
        None => true,
    };
    if !due {
        return Ok(None);
    }
    let c = gw.chain_key.sign(id, &hash, now);
    gw.store.insert_checkpoint(&c).await?;
    gw.chain_key.remember(id, &hash);
    Ok(Some(c))
}

/// Checks the whole stored chain once (at start): a log edited while the gateway was stopped
/// is reported now, loudly and in the audit log itself, not first by an auditor's export.
async fn check_at_start(gw: &Gateway) {
    let key = gw.chain_key.public_key();
    match gw.store.check_chain(|c| c.verifies(key)).await {
        Ok((events, None)) => tracing::info!(events, "audit chain checked: intact"),
        Ok((_, Some(problem))) => {
            tracing::error!(%problem, "the stored audit chain does not verify");
            eprintln!(
                "hoopctl gateway: the stored audit chain does not verify: {problem}. \
                 Exports through it will fail `hoopctl audit verify`; compare with your last \
                 verified export (`audit verify NEW --previous OLD`) and restore the store from backup."
            );
            let detail = format!("at start: {problem}");
            let e = crate::gateway::store::NewEvent {
                kind: "audit_chain_broken",
                outcome: Some("error"),
                detail: Some(&detail),
                ..Default::default()
            };
            if let Err(e) = gw.store.insert_event(&e).await {
                tracing::error!(error = %e, "cannot record that the audit chain is broken");
            }
        }
        Err(e) => tracing::warn!(error = %e, "cannot check the audit chain at start"),
    }
}

/// Keeps the chain and its checkpoints current while the gateway runs, after checking what
/// is already chained.
pub fn spawn(gw: std::sync::Arc<Gateway>) {
    tokio::spawn(async move {
        check_at_start(&gw).await;
        let mut failing = false;
        loop {
            tokio::time::sleep(TICK).await;
            match tick(&gw, false).await {
                Ok(_) => failing = false,
                // Logged once per failure streak: the events stay, and are chained once the
                // store answers again.
                Err(e) if !failing => {
                    failing = true;
                    tracing::error!(error = %e, "cannot chain or sign audit events; retrying");
                    eprintln!("hoopctl gateway: {e}");
                }
                Err(_) => {}
            }
        }
    });
}
