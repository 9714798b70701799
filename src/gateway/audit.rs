//! The statement audit writer: one task that owns statement inserts and their outcomes, and
//! commits whatever has queued up — from every session — in one transaction (group commit).
//!
//! Durability is the operator's choice (`[audit] durability`):
//! - `sync` (default): a session forwards a statement only after the transaction holding its
//!   event has committed (fsync'd). Concurrent sessions share fsyncs, so the cost per statement
//!   falls as load rises. This is DESIGN.md §4.3.
//! - `async`: the event is queued and the statement forwarded at once; the writer commits every
//!   [`ASYNC_LINGER`] (or sooner when a batch fills). A crash loses at most the queued events —
//!   bounded by [`QUEUE`] writes, in practice the last ~10 ms' worth. Use it only where that
//!   window is acceptable.

use std::time::Duration;

use serde::Deserialize;
use tokio::sync::{mpsc, oneshot};

use crate::gateway::store::{AuditLog, AuditWrite, Store, StoreError};

/// Most writes waiting for the writer; senders wait (back-pressure) when it is full.
pub const QUEUE: usize = 10_000;
/// Most writes in one transaction.
const BATCH: usize = 1024;
/// In `async` mode the writer gathers writes this long before committing: fewer, larger
/// transactions (each an fsync), at the price of this much more loss window.
pub const ASYNC_LINGER: Duration = Duration::from_millis(10);

/// When a statement's audit event must be durable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// Committed before the statement is forwarded.
    #[default]
    Sync,
    /// Queued; committed shortly after.
    Async,
}

struct Job {
    writes: Vec<AuditWrite>,
    done: Option<oneshot::Sender<Result<(), String>>>,
}

/// Handle to the writer task; cheap to clone.
#[derive(Clone, Debug)]
pub struct AuditWriter {
    tx: mpsc::Sender<Job>,
    durability: Durability,
}

/// The audit log could not be written: the statement must not run.
#[derive(Debug, thiserror::Error)]
#[error("audit log unavailable: {0}")]
pub struct AuditError(String);

impl AuditWriter {
    /// Opens the writer's connection and starts its task on the current runtime.
    pub async fn start(store: &Store, durability: Durability) -> Result<AuditWriter, StoreError> {
        let log = store.audit_log().await?;
        let (tx, rx) = mpsc::channel(QUEUE);
        let linger = match durability {
            Durability::Sync => Duration::ZERO,
            Durability::Async => ASYNC_LINGER,
        };
        tokio::spawn(run(log, rx, linger));
        Ok(AuditWriter { tx, durability })
    }

    /// The configured mode.
    pub fn durability(&self) -> Durability {
        self.durability
    }

    /// Records events that must precede what they describe (statements, session opens). In
    /// `sync` mode, returns once they are committed.
    pub async fn record(&self, writes: Vec<AuditWrite>) -> Result<(), AuditError> {
        match self.durability {
            Durability::Sync => {
                let (done, wait) = oneshot::channel();
                self.send(Job {
                    writes,
                    done: Some(done),
                })
                .await?;
                wait.await
                    .map_err(|_| AuditError("writer stopped".into()))?
                    .map_err(AuditError)
            }
            Durability::Async => self.send(Job { writes, done: None }).await,
        }
    }

    /// Records what follows an action (outcomes, session close); never waited for.
    pub async fn outcomes(&self, writes: Vec<AuditWrite>) -> Result<(), AuditError> {
        self.send(Job { writes, done: None }).await
    }

    async fn send(&self, job: Job) -> Result<(), AuditError> {
        self.tx
            .send(job)
            .await
            .map_err(|_| AuditError("writer stopped".into()))
    }
}

async fn run(mut log: AuditLog, mut rx: mpsc::Receiver<Job>, linger: Duration) {
    let mut jobs = Vec::new();
    let mut writes = Vec::new();
    let mut behind = false;
    while let Some(first) = rx.recv().await {
        let mut queued = first.writes.len();
        jobs.push(first);
        // Everything that queued while the previous commit was in flight joins this one (and,
        // in async mode, whatever arrives within the linger). The linger is a plain sleep, not
        // a wait on the queue, which would wake this task (often on another thread) for every
        // write; after a full batch the writer is behind and does not linger.
        if !linger.is_zero() && !behind {
            tokio::time::sleep(linger).await;
        }
        while queued < BATCH {
            match rx.try_recv() {
                Ok(j) => {
                    queued += j.writes.len();
                    jobs.push(j);
                }
                Err(_) => break,
            }
        }
        behind = queued >= BATCH;
        writes.clear();
        for j in &mut jobs {
            writes.append(&mut j.writes);
        }
        let mut result = log.write_batch(&writes).await.map_err(|e| e.to_string());
        if result.is_err() {
            // One retry after a pause: a busy store (another writer) is the common cause.
            tokio::time::sleep(Duration::from_millis(50)).await;
            result = log.write_batch(&writes).await.map_err(|e| e.to_string());
        }
        if let Err(e) = &result {
            tracing::error!(error = %e, writes = writes.len(), "audit batch failed");
        }
        for j in jobs.drain(..) {
            if let Some(done) = j.done {
                let _ = done.send(result.clone());
            }
        }
    }
}
