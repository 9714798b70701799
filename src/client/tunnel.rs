//! The client end of the tunnel: a listener on 127.0.0.1 whose every connection is carried over
//! mutual TLS to the gateway under a short-lived certificate. The private key is generated here
//! and never leaves the process; the certificate is renewed before it expires.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use rcgen::{CertificateParams, KeyPair};
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio_rustls::TlsConnector;

use super::api::Api;
use crate::clock::{now_ms, parse_rfc3339_ms};
use crate::exit::{ExitKind, Failure};

/// Relay buffer per direction per connection.
const COPY_BUFFER: usize = 64 * 1024;
use crate::proto::api::{CertificateRequest, CertificateResponse};
use crate::proto::preamble::Preamble;
use crate::secret::Secret;

fn fail(msg: impl Into<String>) -> Failure {
    Failure::new(ExitKind::Failure, msg)
}

/// A client identity for one grant: key pair (memory only) and the current certificate.
pub struct TunnelIdentity {
    key: Secret<KeyPair>,
    config: RwLock<Arc<ClientConfig>>,
    not_after_ms: RwLock<i64>,
    /// Grant id.
    pub grant_id: String,
    /// Connection name.
    pub connection: String,
    /// Gateway host for TLS.
    pub server_name: ServerName<'static>,
    /// Gateway address (host, port).
    pub addr: (String, u16),
    /// Database the connection serves (from the certificate response).
    pub database: RwLock<Option<String>>,
}

impl TunnelIdentity {
    /// Generates a key and fetches the first certificate.
    pub async fn new(
        api: &Api,
        grant_id: &str,
        connection: &str,
    ) -> Result<TunnelIdentity, Failure> {
        let url = reqwest::Url::parse(&api.base)
            .map_err(|e| fail(format!("gateway URL {}: {e}", api.base)))?;
        let host = url
            .host_str()
            .ok_or_else(|| fail("gateway URL has no host"))?
            .trim_matches(['[', ']'])
            .to_string();
        let port = url.port_or_known_default().unwrap_or(443);
        let server_name = ServerName::try_from(host.clone())
            .map_err(|e| fail(format!("gateway host {host:?}: {e}")))?;
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .map_err(|e| fail(format!("key generation: {e}")))?;
        let id = TunnelIdentity {
            key: Secret::new(key),
            config: RwLock::new(Arc::new(
                ClientConfig::builder_with_provider(crate::tls::provider())
                    .with_safe_default_protocol_versions()
                    .map_err(|e| fail(e.to_string()))?
                    .with_root_certificates(rustls::RootCertStore::empty())
                    .with_no_client_auth(),
            )),
            not_after_ms: RwLock::new(0),
            grant_id: grant_id.to_string(),
            connection: connection.to_string(),
            server_name: server_name.to_owned(),
            addr: (host, port),
            database: RwLock::new(None),
        };
        id.renew(api).await?;
        Ok(id)
    }

    /// Fetches a fresh certificate for the same key.
    pub async fn renew(&self, api: &Api) -> Result<(), Failure> {
        let csr = CertificateParams::default()
            .serialize_request(self.key.expose())
            .and_then(|c| c.pem())
            .map_err(|e| fail(format!("cannot make a certificate request: {e}")))?;
        let resp: CertificateResponse = api
            .post(
                &format!("/v1/grants/{}/certificate", self.grant_id),
                &CertificateRequest { csr },
            )
            .await?;
        let cfg = crate::tls::tunnel_client_config(
            &resp.ca,
            &resp.certificate,
            &self.key.expose().serialize_pem(),
        )
        .map_err(fail)?;
        if let Ok(mut c) = self.config.write() {
            *c = Arc::new(cfg);
        }
        if let Ok(mut n) = self.not_after_ms.write() {
            *n = parse_rfc3339_ms(&resp.not_after).unwrap_or(0);
        }
        if let Ok(mut d) = self.database.write() {
            *d = resp.database;
        }
        Ok(())
    }

    /// When the current certificate ends.
    pub fn not_after_ms(&self) -> i64 {
        self.not_after_ms.read().map(|n| *n).unwrap_or(0)
    }

    /// How long until the certificate should be renewed (two thirds of its remaining life).
    pub fn renew_in(&self) -> Duration {
        let left = (self.not_after_ms() - now_ms()).max(0) as u64;
        Duration::from_millis(left * 2 / 3).max(Duration::from_secs(5))
    }

    fn config(&self) -> Option<Arc<ClientConfig>> {
        self.config.read().ok().map(|c| c.clone())
    }

    /// Opens one tunnel: TLS to the gateway, preamble sent; the stream then carries the
    /// protocol's bytes.
    pub async fn open(&self) -> Result<tokio_rustls::client::TlsStream<TcpStream>, Failure> {
        let cfg = self.config().ok_or_else(|| fail("no certificate"))?;
        let tcp = tokio::time::timeout(
            Duration::from_secs(10),
            TcpStream::connect((self.addr.0.as_str(), self.addr.1)),
        )
        .await
        .map_err(|_| {
            fail(format!(
                "gateway {}:{} did not answer within 10s",
                self.addr.0, self.addr.1
            ))
        })?
        .map_err(|e| {
            fail(format!(
                "cannot reach the gateway at {}:{}: {e}",
                self.addr.0, self.addr.1
            ))
        })?;
        let _ = tcp.set_nodelay(true);
        let mut tls = TlsConnector::from(cfg)
            .connect(self.server_name.clone(), tcp)
            .await
            .map_err(|e| fail(format!("tunnel handshake with the gateway failed: {e}")))?;
        let pre = Preamble {
            grant: self.grant_id.clone(),
            connection: self.connection.clone(),
        };
        tls.write_all(&pre.encode())
            .await
            .map_err(|e| fail(format!("tunnel: {e}")))?;
        tls.flush()
            .await
            .map_err(|e| fail(format!("tunnel: {e}")))?;
        Ok(tls)
    }
}

/// The tunnelled connections in flight, so a SIGTERM can drain them.
#[derive(Debug, Default)]
pub struct Conns {
    active: AtomicUsize,
    idle: Notify,
}

struct ConnGuard(Arc<Conns>);

impl Drop for ConnGuard {
    fn drop(&mut self) {
        if self.0.active.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Conns {
    /// Connections open now.
    pub fn active(&self) -> usize {
        self.active.load(Ordering::SeqCst)
    }

    /// Waits until no connection is open, or `limit` passes. True when all closed.
    pub async fn drained(&self, limit: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let idle = self.idle.notified();
            if self.active() == 0 {
                return true;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                return self.active() == 0;
            }
        }
    }
}

/// Accepts local connections until aborted, tunnelling each one. Connections already open
/// live on when this task is aborted (their own tasks), which is what draining relies on.
pub async fn serve(listener: TcpListener, id: Arc<TunnelIdentity>, conns: Arc<Conns>) {
    loop {
        let (mut local, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                tracing::warn!(error = %e, "local accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = local.set_nodelay(true);
        let id = id.clone();
        conns.active.fetch_add(1, Ordering::SeqCst);
        let guard = ConnGuard(conns.clone());
        tokio::spawn(async move {
            let _guard = guard;
            match id.open().await {
                Ok(mut remote) => {
                    // 64 KiB each way (tokio's default is 8 KiB): a bulk result then crosses in
                    // full TLS records and a quarter of the syscalls (bench/run bulk SELECT).
                    let copied = tokio::io::copy_bidirectional_with_sizes(
                        &mut local,
                        &mut remote,
                        COPY_BUFFER,
                        COPY_BUFFER,
                    )
                    .await;
                    if let Err(e) = copied {
                        tracing::debug!(%peer, error = %e, "tunnel closed with an error");
                    }
                }
                Err(e) => {
                    eprintln!("hoopctl: {e}");
                    let _ = local.shutdown().await;
                }
            }
        });
    }
}
