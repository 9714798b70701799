//! The gateway listener: one TLS port; ALPN sends each connection to the tunnel or to the API.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

use crate::gateway::{Gateway, api, tunnel};
use crate::proto::ALPN_TUNNEL;

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves until `shutdown` resolves. Bind the listener yourself (tests use `127.0.0.1:0`).
pub async fn run(
    listener: TcpListener,
    gw: Arc<Gateway>,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let acceptor = TlsAcceptor::from(gw.tls.clone());
    let router = api::router(gw.clone());
    let sweeper = tokio::spawn(sweep(gw.clone()));
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => {
                let (tcp, peer) = match r {
                    Ok(x) => x,
                    Err(e) => {
                        // EMFILE and friends: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let (gw, acceptor, router) = (gw.clone(), acceptor.clone(), router.clone());
                tokio::spawn(async move { connection(gw, acceptor, router, tcp, peer).await });
            }
        }
    }
    sweeper.abort();
    Ok(())
}

/// Housekeeping: expire grants and drop dead device codes and tokens, every ten minutes.
async fn sweep(gw: Arc<Gateway>) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = gw.store.expire_grants().await {
            tracing::warn!(error = %e, "grant expiry sweep failed");
        }
        match gw.store.purge_expired().await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "purged expired device codes and tokens"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "purge failed"),
        }
        if let Ok(mut m) = gw.device_failures.lock() {
            m.clear();
        }
    }
}

async fn connection(
    gw: Arc<Gateway>,
    acceptor: TlsAcceptor,
    router: axum::Router,
    tcp: TcpStream,
    peer: SocketAddr,
) {
    let _ = tcp.set_nodelay(true);
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => {
            let is_cert = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .is_some_and(|re| {
                    matches!(
                        re,
                        rustls::Error::InvalidCertificate(_)
                            | rustls::Error::NoCertificatesPresented
                    )
                });
            if is_cert {
                tunnel::audit_rejection(
                    &gw,
                    None,
                    None,
                    None,
                    peer,
                    &format!("client certificate refused: {e}"),
                )
                .await;
            } else {
                tracing::info!(%peer, error = %e, "TLS handshake failed");
            }
            return;
        }
        Err(_) => {
            tracing::info!(%peer, "TLS handshake timed out");
            return;
        }
    };
    let (_, session) = tls.get_ref();
    if session.alpn_protocol() == Some(ALPN_TUNNEL) {
        let cert = session
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| c.to_vec());
        tunnel::handle(gw, tls, cert, peer).await;
        return;
    }
    let svc = TowerToHyperService::new(router);
    if let Err(e) = auto::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(tls), svc)
        .await
    {
        tracing::debug!(%peer, error = %e, "HTTP connection ended with an error");
    }
}
