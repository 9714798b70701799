//! Reviews: a human decides what policy allows only once approved.
//!
//! A review is opened for a held statement — bound to its session and to the exact statement
//! (by SHA-256) — or for a pending grant. It is decided once: one conditional UPDATE moves it
//! out of `pending` (approved, denied, expired, cancelled), and every decision is an audit event
//! naming the reviewer. Who may decide is policy's `approve` action, or `approve_own` for one's
//! own request, which no policy permits unless it says so.
//!
//! A session holding a statement waits on [`Reviews::watch`]; [`decide`] wakes it once the
//! decision is stored. An approval lets that one execution run: the same statement sent again is
//! held again, under a new review.
//!
//! Webhooks (`[[reviews.webhooks]]`) hear about every review as it opens and as it is decided:
//! a signed POST, retried with back-off, its failure audited.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use tokio::sync::oneshot;

use crate::clock::{fmt_ms, now_ms};
use crate::gateway::Gateway;
use crate::gateway::config::{Config, WebhookFormat};
use crate::gateway::policy::{Principal, ReviewRequest};
use crate::gateway::store::{NewEvent, ReviewRow, StoreError};
use crate::secret::Secret;

/// Deliveries of one webhook event: the first try and the retries.
const ATTEMPTS: u32 = 4;
/// Wait before the first retry; doubles each time.
const FIRST_RETRY: Duration = Duration::from_millis(500);

/// Reviews in flight: who waits on which, and where they are announced.
#[derive(Debug)]
pub struct Reviews {
    waiters: Mutex<HashMap<String, oneshot::Sender<()>>>,
    hooks: Vec<Hook>,
    http: reqwest::Client,
    public_url: String,
}

#[derive(Debug)]
struct Hook {
    url: String,
    format: WebhookFormat,
    secret: Option<Secret<String>>,
}

impl Reviews {
    /// From the config; a webhook secret that cannot be read is an error.
    pub fn new(cfg: &Config) -> Result<Reviews, String> {
        let mut hooks = Vec::new();
        for w in &cfg.reviews.webhooks {
            let secret = match &w.secret {
                Some(s) => Some(
                    s.resolve(&cfg.base_dir)
                        .map_err(|e| format!("reviews.webhooks {}: secret: {e}", w.url))?,
                ),
                None => None,
            };
            hooks.push(Hook {
                url: w.url.clone(),
                format: w.format,
                secret,
            });
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("webhook HTTP client: {e}"))?;
        Ok(Reviews {
            waiters: Mutex::new(HashMap::new()),
            hooks,
            http,
            public_url: cfg.public_url(),
        })
    }

    /// Resolves once review `id` is decided by someone (the caller then reads its status).
    pub fn watch(&self, id: &str) -> oneshot::Receiver<()> {
        let (tx, rx) = oneshot::channel();
        if let Ok(mut w) = self.waiters.lock() {
            w.insert(id.to_string(), tx);
        }
        rx
    }

    /// Stops waiting on `id`.
    pub fn forget(&self, id: &str) {
        if let Ok(mut w) = self.waiters.lock() {
            w.remove(id);
        }
    }

    fn wake(&self, id: &str) {
        let tx = self.waiters.lock().ok().and_then(|mut w| w.remove(id));
        if let Some(tx) = tx {
            let _ = tx.send(());
        }
    }

    /// Tells every webhook about `event` (`review_opened`, `review_decided`) in the background.
    pub fn announce(&self, gw: &std::sync::Arc<Gateway>, event: &'static str, r: &ReviewRow) {
        for (i, h) in self.hooks.iter().enumerate() {
            let body = payload(h.format, event, r, &self.public_url);
            let gw = gw.clone();
            let review = r.id.clone();
            tokio::spawn(async move {
                let Some(h) = gw.reviews.hooks.get(i) else {
                    return;
                };
                if let Err(e) = deliver(&gw.reviews.http, h, &body).await {
                    tracing::warn!(url = %h.url, error = %e, "webhook delivery failed");
                    let detail = format!("{event} {review} to {}: {e}", h.url);
                    let _ = gw
                        .store
                        .insert_event(&NewEvent {
                            kind: "webhook_failed",
                            outcome: Some("error"),
                            detail: Some(&detail),
                            ..Default::default()
                        })
                        .await;
                }
            });
        }
    }
}

/// The body of a webhook request.
fn payload(format: WebhookFormat, event: &str, r: &ReviewRow, base: &str) -> Vec<u8> {
    let approve = format!("hoopctl review approve {}", r.id);
    let v = match format {
        WebhookFormat::Json => serde_json::json!({
            "event": event,
            "review": to_api(r),
            "approve": approve,
            "deny": format!("hoopctl review deny {} --reason TEXT", r.id),
            "gateway": base,
        }),
        WebhookFormat::Slack => {
            // The statement may quote patient data: it stays out of a third party's chat.
            let what = match (&r.statement, &r.grant_id) {
                (Some(_), _) => format!("a statement (`hoopctl review show {}` shows it)", r.id),
                (None, Some(g)) => format!("grant {g}"),
                (None, None) => String::new(),
            };
            let text = match event {
                "review_opened" => format!(
                    ":hourglass: *{}* asks to run on `{}` ({}):\n{what}\nReason: {}\nApprove: `{approve}` (until {})",
                    r.requester,
                    r.connection,
                    r.needs,
                    r.reason,
                    fmt_ms(r.expires_at)
                ),
                _ => format!(
                    "Review `{}` for *{}* on `{}`: *{}*{}",
                    r.id,
                    r.requester,
                    r.connection,
                    r.status,
                    r.decided_by
                        .as_ref()
                        .map(|b| format!(" by {b}"))
                        .unwrap_or_default()
                ),
            };
            serde_json::json!({ "text": text })
        }
    };
    serde_json::to_vec(&v).unwrap_or_default()
}

/// POSTs `body`, retrying 5xx, 429 and transport errors with back-off.
async fn deliver(http: &reqwest::Client, h: &Hook, body: &[u8]) -> Result<(), String> {
    let mut wait = FIRST_RETRY;
    let mut last = String::new();
    for attempt in 1..=ATTEMPTS {
        let ts = (now_ms() / 1000).to_string();
        let mut req = http
            .post(&h.url)
            .header("content-type", "application/json")
            .header("x-hoopctl-timestamp", &ts)
            .body(body.to_vec());
        if let Some(key) = &h.secret {
            req = req.header("x-hoopctl-signature", signature(key.expose(), &ts, body));
        }
        match req.send().await {
            Ok(r) if r.status().is_success() => return Ok(()),
            Ok(r) if r.status().is_server_error() || r.status().as_u16() == 429 => {
                last = format!("HTTP {}", r.status());
            }
            Ok(r) => return Err(format!("HTTP {} (not retried)", r.status())),
            Err(e) => last = e.to_string(),
        }
        if attempt < ATTEMPTS {
            tokio::time::sleep(wait).await;
            wait *= 2;
        }
    }
    Err(format!("{last} after {ATTEMPTS} attempts"))
}

/// `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the receiver recomputes it with the
/// shared secret and rejects stale timestamps.
pub fn signature(key: &str, timestamp: &str, body: &[u8]) -> String {
    let Ok(mut m) = Hmac::<Sha256>::new_from_slice(key.as_bytes()) else {
        return String::new();
    };
    m.update(timestamp.as_bytes());
    m.update(b".");
    m.update(body);
    format!("sha256={}", hex::encode(m.finalize().into_bytes()))
}

/// A new review id.
pub fn new_id() -> String {
    format!("rv_{}", &crate::gateway::auth::new_token("")[..16])
}

/// SHA-256 (hex) of a statement and the parameter values it runs with: what an approval binds
/// to. Without parameters it is the digest of the text alone (`sha256sum` agrees); with them,
/// of the text and each value ([`bind_parameters`]'s form), NUL-separated — neither contains a
/// NUL, so two different statements never share an input.
///
/// [`bind_parameters`]: crate::gateway::proxy::postgres::codec::bind_parameters
pub fn statement_digest(sql: &str, params: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(sql.as_bytes());
    for p in params {
        h.update([0]);
        h.update(p.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The API's view of a review.
pub fn to_api(r: &ReviewRow) -> crate::proto::api::Review {
    crate::proto::api::Review {
        id: r.id.clone(),
        kind: r.kind.clone(),
        status: r.status.clone(),
        requester: r.requester.clone(),
        connection: r.connection.clone(),
        grant_id: r.grant_id.clone(),
        session_id: r.session_id.clone(),
        statement: r.statement.clone(),
        statement_sha256: r.statement_sha256.clone(),
        parameters: r.parameters.clone(),
        needs: r.needs.clone(),
        reason: r.reason.clone(),
        created_at: fmt_ms(r.created_at),
        expires_at: fmt_ms(r.expires_at),
        decided_by: r.decided_by.clone(),
        decided_at: r.decided_at.map(fmt_ms),
        decision_reason: r.decision_reason.clone(),
    }
}

/// Why a decision was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    /// No such review.
    #[error("{0}")]
    NotFound(String),
    /// Policy does not let this reviewer decide it.
    #[error("{0}")]
    Forbidden(String),
    /// It is no longer pending.
    #[error("{0}")]
    Conflict(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Whether policy lets `who` decide `r` (`approve`, or `approve_own` for their own request).
pub fn may_decide(gw: &Gateway, who: &Principal, r: &ReviewRow) -> Result<bool, String> {
    let kind = gw
        .config
        .connections
        .get(&r.connection)
        .map(|c| c.kind.as_str())
        .unwrap_or("");
    gw.policy.get().may_approve(
        who,
        &ReviewRequest {
            kind: &r.kind,
            requester: &r.requester,
            connection: &r.connection,
            connection_kind: kind,
            reason: &r.reason,
            now_ms: now_ms(),
        },
    )
}

/// Records `who`'s decision on review `id`: the policy check, one conditional transition, the
/// grant's own transition for a grant review, an audit event, and the waiting session woken.
pub async fn decide(
    gw: &std::sync::Arc<Gateway>,
    who: &Principal,
    id: &str,
    approve: bool,
    reason: Option<&str>,
) -> Result<ReviewRow, DecideError> {
    let r = gw.store.review(id).await?.ok_or_else(|| {
        DecideError::NotFound(format!(
            "no review {id:?}; `hoopctl review list` shows the pending ones"
        ))
    })?;
    if r.status != "pending" {
        return Err(DecideError::Conflict(format!(
            "review {id} is {}, not pending",
            r.status
        )));
    }
    let allowed = may_decide(gw, who, &r).map_err(|e| {
        DecideError::Forbidden(format!("the approval could not be decided by policy: {e}"))
    })?;
    if !allowed {
        return Err(DecideError::Forbidden(if who.name == r.requester {
            "you cannot decide your own request unless a policy permits `approve_own`; ask another reviewer".to_string()
        } else {
            format!(
                "policy does not let you `approve` on Connection::{:?}; `hoopctl policy test --action approve` shows why",
                r.connection
            )
        }));
    }
    let to = if approve { "approved" } else { "denied" };
    if !gw
        .store
        .decide_review(id, to, Some(&who.name), reason)
        .await?
    {
        return Err(DecideError::Conflict(format!(
            "review {id} is no longer pending (decided, expired or cancelled)"
        )));
    }
    if r.kind == "grant"
        && let Some(g) = &r.grant_id
    {
        let moved = gw
            .store
            .transition_grant(
                g,
                &["pending"],
                if approve { "active" } else { "denied" },
                &who.name,
                reason,
            )
            .await?;
        if moved {
            let kind = if approve {
                "grant_approved"
            } else {
                "grant_denied"
            };
            audit(gw, kind, &r, &who.name, reason).await;
        }
    }
    let kind = if approve {
        "review_approved"
    } else {
        "review_denied"
    };
    audit(gw, kind, &r, &who.name, reason).await;
    gw.reviews.wake(id);
    let decided = gw.store.review(id).await?.unwrap_or(r);
    gw.reviews.announce(gw, "review_decided", &decided);
    Ok(decided)
}

/// Writes a review's audit event: `identity` is who acted.
pub async fn audit(gw: &Gateway, kind: &str, r: &ReviewRow, identity: &str, why: Option<&str>) {
    let detail = format!(
        "review {} ({}; asked by {}){}",
        r.id,
        r.needs,
        r.requester,
        why.map(|w| format!(": {w}")).unwrap_or_default()
    );
    let outcome = kind.rsplit('_').next().unwrap_or(kind);
    let res = gw
        .store
        .insert_event(&NewEvent {
            kind,
            identity: Some(identity),
            grant_id: r.grant_id.as_deref(),
            connection: Some(&r.connection),
            session_id: r.session_id.as_deref(),
            statement: r.statement.as_deref(),
            outcome: Some(outcome),
            detail: Some(&detail),
            ..Default::default()
        })
        .await;
    if let Err(e) = res {
        tracing::error!(error = %e, kind, "cannot write review audit event");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_cover_timestamp_and_body() {
        let a = signature("k", "100", b"{}");
        assert!(a.starts_with("sha256=") && a.len() == 7 + 64, "{a}");
        assert_ne!(a, signature("k", "101", b"{}"));
        assert_ne!(a, signature("k", "100", b"{ }"));
        assert_ne!(a, signature("k2", "100", b"{}"));
    }

    #[test]
    fn statement_digests_bind_exact_text() {
        assert_eq!(
            statement_digest("x", &[]),
            "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881",
            "without parameters: sha256 of the text"
        );
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_ne!(
            statement_digest("delete from t where id = $1", &p(&["'1'"])),
            statement_digest("delete from t where id = $1", &p(&["'2'"]))
        );
        assert_ne!(
            statement_digest("delete from t", &[]),
            statement_digest("delete from t ", &[])
        );
        assert_eq!(statement_digest("x", &[]).len(), 64);
    }
}
