//! `connect --health-addr`: HTTP probes for orchestrators and CI steps, and `hoopctl wait`.
//!
//! - `/startup`: 200 once the tunnel has accepted its first connection slot (listening, with a
//!   certificate); 503 before.
//! - `/readiness`: 200 while new connections are accepted; 503 before start-up, while draining
//!   after SIGTERM, and after a fatal error.
//! - `/liveness`: 200 unless the tunnel failed for good (the certificate cannot be renewed).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;

use crate::exit::{ExitKind, Failure};

/// The tunnel's state as the probes report it.
#[derive(Debug, Default)]
pub struct Health {
    started: AtomicBool,
    draining: AtomicBool,
    failed: AtomicBool,
}

impl Health {
    /// The tunnel listens and holds a certificate.
    pub fn set_started(&self) {
        self.started.store(true, Ordering::SeqCst);
    }
    /// Shutting down: no new connections.
    pub fn set_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }
    /// Failed for good.
    pub fn set_failed(&self) {
        self.failed.store(true, Ordering::SeqCst);
    }
    fn startup(&self) -> (StatusCode, &'static str) {
        match self.started.load(Ordering::SeqCst) {
            true => (StatusCode::OK, "started\n"),
            false => (StatusCode::SERVICE_UNAVAILABLE, "starting\n"),
        }
    }
    fn readiness(&self) -> (StatusCode, &'static str) {
        if self.failed.load(Ordering::SeqCst) {
            (StatusCode::SERVICE_UNAVAILABLE, "failed\n")
        } else if self.draining.load(Ordering::SeqCst) {
            (StatusCode::SERVICE_UNAVAILABLE, "draining\n")
        } else if !self.started.load(Ordering::SeqCst) {
            (StatusCode::SERVICE_UNAVAILABLE, "starting\n")
        } else {
            (StatusCode::OK, "ready\n")
        }
    }
    fn liveness(&self) -> (StatusCode, &'static str) {
        match self.failed.load(Ordering::SeqCst) {
            true => (StatusCode::SERVICE_UNAVAILABLE, "failed\n"),
            false => (StatusCode::OK, "alive\n"),
        }
    }
}

/// Binds `addr` (so a taken port is an error now, not later) and serves the probes.
pub async fn serve(addr: SocketAddr, health: Arc<Health>) -> Result<(), Failure> {
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        Failure::new(
            ExitKind::Usage,
            format!("cannot listen on --health-addr {addr}: {e}; choose another address"),
        )
    })?;
    let app = Router::new()
        .route(
            "/startup",
            get(|State(h): State<Arc<Health>>| async move { h.startup() }),
        )
        .route(
            "/readiness",
            get(|State(h): State<Arc<Health>>| async move { h.readiness() }),
        )
        .route(
            "/liveness",
            get(|State(h): State<Arc<Health>>| async move { h.liveness() }),
        )
        .with_state(health);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!(error = %e, "health endpoint stopped");
        }
    });
    Ok(())
}

/// `hoopctl wait`: polls `/startup` until it answers 200, or fails after `timeout`.
pub async fn wait(addr: SocketAddr, timeout: Duration) -> Result<(), Failure> {
    let http = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(2))
        .build()
        .map_err(|e| Failure::new(ExitKind::Failure, format!("HTTP client: {e}")))?;
    let url = format!("http://{addr}/startup");
    let deadline = tokio::time::Instant::now() + timeout;
    let mut last;
    loop {
        last = match http.get(&url).send().await {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) => format!("{url} answered {}", r.status()),
            Err(e) if e.is_connect() => format!("nothing listens on {addr} yet"),
            Err(e) => format!("{url}: {e}"),
        };
        if tokio::time::Instant::now() >= deadline {
            return Err(Failure::new(
                ExitKind::Failure,
                format!(
                    "the tunnel was not ready after {} ({last}); is `hoopctl connect --health-addr {addr}` running?",
                    crate::clock::fmt_duration(timeout)
                ),
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
