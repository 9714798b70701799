//! PostgreSQL proxy: one tunnelled client session ↔ one target session.
//!
//! Start-up: the client's SSLRequest/GSSENCRequest are answered `N` (the tunnel is already
//! mutual TLS); its StartupMessage is accepted without a password (identity is the certificate);
//! the gateway logs in to the target with the configured credential and hands the client the
//! target's parameters and a BackendKeyData of the gateway's own, so cancel requests come back
//! here and are routed to the right backend.
//!
//! Relay: two tasks. Client → target frames messages, writes an audit event for every Query,
//! Parse and Execute — committed before the bytes are forwarded — and forwards whole batches.
//! Target → client forwards complete messages, matches results to pending audit events, and is
//! the only writer to the client, so a gateway-made ErrorResponse (grant expired or revoked,
//! protocol violation, audit failure) always lands on a message boundary.

pub mod catalog;
pub mod codec;
pub mod copy;
pub mod mask;
pub mod track;
pub mod upstream;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};
use tokio::sync::{mpsc, watch};
use tracing::Instrument;

use self::codec::{Frontend, MAX_BACKEND_MESSAGE, MAX_FRONTEND_MESSAGE, Startup};
use self::track::{Pending, PendingKind, Prepared};
use crate::clock::{fmt_ms, now_ms};
use crate::gateway::Gateway;
use crate::gateway::policy::Permit;
use crate::gateway::proxy::Io;
use crate::gateway::proxy::gate::{self, Decision, Gate};
use crate::gateway::recordings::Recorded;
use crate::gateway::sessions::CancelTarget;
use crate::gateway::store::AuditWrite;

/// Start-up parameters passed on to the target; everything else is dropped.
const FORWARDED_PARAMS: &[&str] = &[
    "application_name",
    "client_encoding",
    "datestyle",
    "timezone",
    "extra_float_digits",
    "intervalstyle",
    "search_path",
];
/// Start-up parameters refused outright: they change who or what the session is.
const REFUSED_PARAMS: &[&str] = &["options", "replication"];

const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Writes a FATAL ErrorResponse and closes.
async fn fatal<W: tokio::io::AsyncWrite + Unpin>(
    w: &mut W,
    code: &str,
    message: &str,
    hint: Option<&str>,
) {
    let _ = w
        .write_all(&codec::error_response("FATAL", code, message, hint))
        .await;
    let _ = w.flush().await;
    let _ = w.shutdown().await;
}

/// Reads start-up packets, answering SSL/GSS requests with `N`.
async fn startup<S: Io>(client: &mut S, buf: &mut BytesMut) -> Result<Startup, String> {
    let fut = async {
        loop {
            match codec::decode_startup(buf) {
                Ok(Some((s, used))) => {
                    buf.advance(used);
                    match s {
                        Startup::Ssl | Startup::Gss => {
                            client.write_all(b"N").await.map_err(|e| e.to_string())?;
                            client.flush().await.map_err(|e| e.to_string())?;
                        }
                        other => return Ok(other),
                    }
                }
                Ok(None) => {
                    let n = client.read_buf(buf).await.map_err(|e| e.to_string())?;
                    if n == 0 {
                        return Err("client closed the connection during start-up".to_string());
                    }
                }
                Err(e) => return Err(format!("invalid start-up packet: {e}")),
            }
        }
    };
    tokio::time::timeout(STARTUP_TIMEOUT, fut)
        .await
        .map_err(|_| "client sent no start-up packet within 30s".to_string())?
}

/// Refuses a tunnelled session with a PostgreSQL error the client's tool will print.
pub async fn reject<S: Io>(mut client: S, mut buf: BytesMut, code: &str, message: &str) {
    match startup(&mut client, &mut buf).await {
        Ok(Startup::Cancel { .. }) => {}
        Ok(_) => fatal(&mut client, code, message, None).await,
        Err(e) => tracing::info!(error = %e, "refused tunnel closed before start-up"),
    }
}

/// Serves one tunnelled PostgreSQL session under `permit`.
pub async fn serve<S: Io>(
    gw: Arc<Gateway>,
    client: S,
    buf: BytesMut,
    permit: Permit,
    peer: SocketAddr,
) {
    let session_id = format!("se_{}", &crate::gateway::auth::new_token("")[..16]);
    let span = tracing::info_span!("session", id = %session_id, identity = %permit.identity, connection = %permit.connection);
    run(gw, client, buf, permit, peer, session_id)
        .instrument(span)
        .await
}

struct Ctx {
    gw: Arc<Gateway>,
    permit: Permit,
    ids: Ids,
    /// The client's CancelRequest (through another connection) ends a hold.
    interrupt: Arc<crate::gateway::sessions::Interrupt>,
}

/// The session's names, shared by every audit write without copying.
struct Ids {
    session: Arc<str>,
    identity: Arc<str>,
    grant: Arc<str>,
    connection: Arc<str>,
}

impl Ctx {
    fn session_event(
        &self,
        kind: &'static str,
        outcome: &'static str,
        detail: Option<String>,
    ) -> AuditWrite {
        AuditWrite::Session {
            session_id: self.ids.session.clone(),
            kind,
            identity: self.ids.identity.clone(),
            grant_id: self.ids.grant.clone(),
            connection: self.ids.connection.clone(),
            outcome,
            detail,
        }
    }

    /// Records a session event that follows what it describes (a refusal, a cancel).
    async fn audit(&self, kind: &'static str, outcome: &'static str, detail: Option<&str>) {
        let e = self.session_event(kind, outcome, detail.map(str::to_string));
        if let Err(err) = self.gw.audit.outcomes(vec![e]).await {
            tracing::error!(error = %err, kind, "cannot write audit event");
        }
    }
}

async fn run<S: Io>(
    gw: Arc<Gateway>,
    mut client: S,
    mut buf: BytesMut,
    permit: Permit,
    peer: SocketAddr,
    session_id: String,
) {
    let ids = Ids {
        session: Arc::from(session_id.as_str()),
        identity: Arc::from(permit.identity.as_str()),
        grant: Arc::from(permit.grant_id.as_str()),
        connection: Arc::from(permit.connection.as_str()),
    };
    let ctx = Ctx {
        gw,
        permit,
        ids,
        interrupt: Arc::default(),
    };
    // Register first: a revocation during start-up must reach this session too.
    let (mut guard, end_rx) = ctx
        .gw
        .sessions
        .register(&ctx.ids.session, &ctx.permit.grant_id);
    let (minor, params) = match startup(&mut client, &mut buf).await {
        Ok(Startup::Startup { minor, params }) => (minor, params),
        Ok(Startup::Cancel { pid, key }) => return cancel(&ctx, pid, &key).await,
        Ok(_) => return,
        Err(e) => {
            tracing::info!(error = %e, %peer, "session start-up failed");
            ctx.audit("session_rejected", "error", Some(&e)).await;
            fatal(&mut client, "08P01", &e, None).await;
            return;
        }
    };
    let Some(cfg) = ctx
        .gw
        .config
        .connections
        .get(&ctx.permit.connection)
        .cloned()
    else {
        fatal(
            &mut client,
            "08001",
            "connection no longer exists in the gateway config",
            None,
        )
        .await;
        return;
    };
    let mut forwarded = Vec::new();
    let mut unrecognized = Vec::new();
    let mut app = String::new();
    for (k, v) in params {
        let lk = k.to_ascii_lowercase();
        if k.starts_with("_pq_.") {
            unrecognized.push(k);
        } else if lk == "database" {
            if v != cfg.database {
                let msg = format!(
                    "connection {} serves database {:?}, not {v:?}",
                    ctx.permit.connection, cfg.database
                );
                ctx.audit("session_rejected", "error", Some(&msg)).await;
                fatal(
                    &mut client,
                    "3D000",
                    &msg,
                    Some("connect to that database (hoopctl connect sets PGDATABASE)"),
                )
                .await;
                return;
            }
        } else if REFUSED_PARAMS.contains(&lk.as_str()) {
            let msg = format!("start-up parameter {k:?} is not allowed through the gateway");
            ctx.audit("session_rejected", "error", Some(&msg)).await;
            fatal(
                &mut client,
                "42501",
                &msg,
                Some("use SET after connecting instead"),
            )
            .await;
            return;
        } else if FORWARDED_PARAMS.contains(&lk.as_str()) {
            if lk == "application_name" {
                app = v.clone();
            }
            if lk == "client_encoding" && codec::unsafe_client_encoding(&v) {
                let msg = format!(
                    "client_encoding {v:?} is not supported through the gateway: statements are inspected as UTF-8"
                );
                ctx.audit("session_rejected", "error", Some(&msg)).await;
                fatal(
                    &mut client,
                    "0A000",
                    &msg,
                    Some("set client_encoding to UTF8 (PGCLIENTENCODING=UTF8)"),
                )
                .await;
                return;
            }
            forwarded.push((k, v));
        }
    }
    let up = match upstream::connect(&cfg, &ctx.gw.config.base_dir, &forwarded).await {
        Ok(u) => u,
        Err(e) => {
            let msg = e.to_string();
            tracing::warn!(error = %msg, "target session failed");
            ctx.audit("session_rejected", "error", Some(&msg)).await;
            fatal(
                &mut client,
                "08001",
                &e.client_message(),
                Some("ask the gateway operator to check the connection's configuration"),
            )
            .await;
            return;
        }
    };
    // The grant may have been revoked between the tunnel's check and the registration above.
    let grant = match ctx.gw.store.grant(&ctx.permit.grant_id).await {
        Ok(Some(g)) if g.status == "active" => Some(g),
        _ => None,
    };
    let principal = ctx.gw.principal(&ctx.permit.identity);
    let ended = end_rx.borrow().is_some();
    let (Some(grant), Some(principal), false) = (grant, principal, ended) else {
        let msg = format!(
            "grant {} ended while the session was starting",
            ctx.permit.grant_id
        );
        ctx.audit("session_rejected", "denied", Some(&msg)).await;
        fatal(
            &mut client,
            "57P01",
            &msg,
            Some("request a new grant with `hoopctl grant request`"),
        )
        .await;
        return;
    };
    let gate = Gate::new(
        principal,
        &ctx.permit.connection,
        cfg.kind.as_str(),
        cfg.tables.clone(),
        &grant.reason,
        grant.provenance.clone(),
        // Unqualified table names resolve as the target says (policy names tables in full).
        crate::gateway::sql::SearchPath::from_schemas(up.search_path.clone()),
    );
    let mut greeting = up.greeting.as_slice();
    while let Ok(Some(n)) = codec::frame_len(greeting, MAX_BACKEND_MESSAGE) {
        if let Some(why) = codec::uninspectable(&greeting[..n]) {
            let msg = format!(
                "{why}; the gateway cannot find statement boundaries reliably and refuses the session"
            );
            ctx.audit("session_rejected", "error", Some(&msg)).await;
            fatal(
                &mut client,
                "0A000",
                &msg,
                Some("use client_encoding UTF8, and ask the gateway operator to keep standard_conforming_strings = on for the gateway's role"),
            )
            .await;
            return;
        }
        greeting = &greeting[n..];
    }
    let pid = rand::random_range(1..i32::MAX);
    let key: i32 = rand::random();
    if let Some((tpid, tsecret)) = &up.key {
        guard.set_cancel_key(
            (pid, key),
            CancelTarget {
                grant_id: ctx.permit.grant_id.clone(),
                connection: ctx.permit.connection.clone(),
                pid: *tpid,
                secret: tsecret.clone(),
                interrupt: ctx.interrupt.clone(),
            },
        );
    }
    // Recorded from here on; a session that cannot be recorded does not start.
    let header = crate::proto::recording::Header {
        session_id: ctx.ids.session.to_string(),
        connection: ctx.ids.connection.to_string(),
        identity: ctx.ids.identity.to_string(),
        grant_id: ctx.ids.grant.to_string(),
        protocol: "postgres".into(),
        started_at: now_ms(),
    };
    let rec = match ctx.gw.recordings.start(&header).await {
        Ok(r) => r,
        Err(e) => {
            let msg = e.to_string();
            tracing::error!(error = %msg, "cannot record the session; refusing it");
            ctx.audit("session_rejected", "error", Some(&msg)).await;
            fatal(
                &mut client,
                "58000",
                "the gateway cannot record this session; it was not started",
                Some("ask the gateway operator to check the recordings directory"),
            )
            .await;
            return;
        }
    };
    let mut client = Recorded::new(client, rec.clone());
    // Bytes the client sent right behind its StartupMessage were read before the recording
    // began: they are the first of its stream.
    if let Some(r) = &rec
        && let Err(e) = r.push(crate::proto::recording::kind::CLIENT, &buf)
    {
        tracing::error!(error = %e, "cannot record the session; refusing it");
        fatal(
            &mut client,
            "58000",
            "the gateway cannot record this session",
            None,
        )
        .await;
        ctx.gw.recordings.finish(r, "recording failed").await;
        return;
    }
    let detail = format!("peer={peer} application_name={app:?}");
    if let Err(e) = ctx
        .gw
        .audit
        .record(vec![ctx.session_event("session_open", "ok", Some(detail))])
        .await
    {
        tracing::error!(error = %e, "cannot audit session open; refusing the session");
        fatal(
            &mut client,
            "58000",
            "the gateway cannot write its audit log; no statement can run",
            None,
        )
        .await;
        if let Some(r) = &rec {
            ctx.gw
                .recordings
                .finish(r, "session refused: audit log unavailable")
                .await;
        }
        return;
    }
    let mut hello = Vec::with_capacity(up.greeting.len() + 64);
    if minor > 0 || !unrecognized.is_empty() {
        hello.extend(codec::negotiate_protocol_version(&unrecognized));
    }
    hello.extend(codec::auth_ok());
    hello.extend_from_slice(&up.greeting);
    hello.extend(codec::backend_key_data(pid, key));
    hello.extend_from_slice(&up.ready);
    if client.write_all(&hello).await.is_err() || client.flush().await.is_err() {
        if let Some(r) = &rec {
            ctx.gw.recordings.finish(r, "client went away").await;
        }
        return;
    }

    // Masking: the connection's profile, unless policy permits `unmask` — which is itself
    // audited, so unmasked access is on record. A policy error keeps the session masked.
    let masker = cfg
        .masking
        .as_ref()
        .and_then(|p| ctx.gw.maskers.get(p).map(|(g, m)| (p.clone(), g, m)));
    let unmasked = masker.is_some()
        && match gate.may_unmask(&ctx.gw.policy.get()) {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(error = %e, "unmask decision failed; the session stays masked");
                false
            }
        };
    let masker = if unmasked {
        ctx.audit(
            "session_unmasked",
            "ok",
            Some("policy permits `unmask` on this connection: values are not masked"),
        )
        .await;
        None
    } else {
        masker
    };
    // Record-level accounting reads result columns as the masker does: a session without a
    // masker gets one that masks nothing, so every row's columns are known all the same.
    let accounting = mask::Accounting::new(
        &ctx.permit.connection,
        &cfg.tables,
        ctx.gw.access_key.clone(),
    );
    let masker = match (masker, accounting.is_some()) {
        (Some((p, g, m)), _) => Some((Some(p), g, m)),
        (None, false) => None,
        (None, true) => match crate::gateway::masking::Masker::new(
            Default::default(),
            &[],
            crate::secret::Secret::new(Vec::new()),
        ) {
            Ok(m) => Some((None, 0, Arc::new(m))),
            Err(e) => {
                let msg = format!("cannot account record access: {e}");
                tracing::error!(%msg);
                fatal(&mut client, "XX000", &msg, None).await;
                if let Some(r) = &rec {
                    ctx.gw.recordings.finish(r, &msg).await;
                }
                return;
            }
        },
    };
    let (cr, cw) = tokio::io::split(client);
    let (ur, uw) = tokio::io::split(up.stream);
    let queue = Arc::new(Mutex::new(VecDeque::new()));
    let (ctl_tx, ctl_rx) = mpsc::channel::<(&'static str, String)>(1);
    // Notices the gateway itself sends the client (a statement held for review).
    let (notice_tx, notice_rx) = mpsc::channel::<Vec<u8>>(4);
    let confirmed = Arc::new(Mutex::new(std::collections::HashSet::new()));
    let stats = Stats::default();
    let expects = masker.as_ref().map(|_| Arc::new(Mutex::new(Vec::new())));
    let masking = masker.map(|(profile, generation, m)| Masking {
        wire: mask::WireMasker::new(m).with_accounting(accounting),
        profile,
        generation,
        expects: expects.clone().unwrap_or_default(),
        catalog: ctx.gw.catalogs.get(&ctx.permit.connection).cloned(),
    });
    let a = client_to_target(
        &ctx,
        &gate,
        cr,
        uw,
        buf,
        queue.clone(),
        ctl_tx,
        &stats,
        expects,
        notice_tx,
        confirmed.clone(),
    );
    let b = target_to_client(
        &ctx, ur, cw, queue, end_rx, ctl_rx, notice_rx, &stats, masking, confirmed,
    );
    tokio::pin!(a, b);
    let reason = tokio::select! {
        r = &mut b => r,
        _ = &mut a => match tokio::time::timeout(Duration::from_secs(10), &mut b).await {
            Ok(r) => r,
            Err(_) => "target did not close after the client left".to_string(),
        },
    };
    drop(guard);
    // A statement still held when the session ended can never run.
    if let Err(e) = ctx
        .gw
        .store
        .cancel_statement_reviews(Some(&ctx.ids.session))
        .await
    {
        tracing::error!(error = %e, "cannot cancel the session's reviews");
    }
    let masked = stats
        .masked
        .lock()
        .map(|c| c.to_string())
        .unwrap_or_default();
    // The close event names the recording by its digest: an altered file no longer matches.
    let recording = match &rec {
        Some(r) => {
            let row = ctx.gw.recordings.finish(r, &reason).await;
            format!(
                " recording={} recording_bytes={} recording_sha256={}",
                row.state,
                row.bytes,
                row.sha256.as_deref().unwrap_or("none")
            )
        }
        None => String::new(),
    };
    let accessed = stats.accessed.load(std::sync::atomic::Ordering::Relaxed);
    let detail = format!(
        "{reason}; statements={} bytes_from_client={} bytes_to_client={}{}{}{recording}",
        stats.statements.load(std::sync::atomic::Ordering::Relaxed),
        stats.from_client.load(std::sync::atomic::Ordering::Relaxed),
        stats.to_client.load(std::sync::atomic::Ordering::Relaxed),
        if masked.is_empty() {
            String::new()
        } else {
            format!(" masked={masked}")
        },
        if accessed > 0 {
            format!(" records_accessed={accessed}")
        } else {
            String::new()
        },
    );
    if let Err(e) = ctx
        .gw
        .audit
        .outcomes(vec![ctx.session_event("session_close", "ok", Some(detail))])
        .await
    {
        tracing::error!(error = %e, "cannot audit session close");
    }
    tracing::info!(%reason, "session closed");
}

#[derive(Default)]
struct Stats {
    statements: std::sync::atomic::AtomicU64,
    from_client: std::sync::atomic::AtomicU64,
    to_client: std::sync::atomic::AtomicU64,
    /// Values masked in the session, per detector (never the values).
    masked: Mutex<crate::gateway::masking::Counts>,
    /// Distinct records of accounted PHI tables the session received.
    accessed: std::sync::atomic::AtomicU64,
}

/// Looks up the relations named by the complete RowDescriptions in `buf` that the session does
/// not know yet.
async fn learn_relations(
    m: &mut Masking,
    buf: &[u8],
    unknown: &mut Vec<u32>,
) -> Result<(), String> {
    m.wire.relations_to_look_up(buf, unknown);
    if unknown.is_empty() {
        return Ok(());
    }
    let catalog = m
        .catalog
        .as_ref()
        .ok_or("the connection has column rules but no catalog")?;
    let found = catalog.lookup(unknown).await.map_err(|e| e.to_string())?;
    m.wire.learn(unknown, found);
    Ok(())
}

async fn cancel(ctx: &Ctx, pid: i32, key: &[u8]) {
    let Ok(k) = <[u8; 4]>::try_from(key) else {
        ctx.audit("cancel", "error", Some("malformed cancel key"))
            .await;
        return;
    };
    let key = i32::from_be_bytes(k);
    let Some(t) = ctx.gw.sessions.cancel_target(pid, key) else {
        ctx.audit("cancel", "error", Some("no session with that cancel key"))
            .await;
        return;
    };
    if t.grant_id != ctx.permit.grant_id {
        ctx.audit(
            "cancel",
            "denied",
            Some("cancel key belongs to another grant"),
        )
        .await;
        return;
    }
    // A statement held for review is not running on the target: the cancel ends the hold, and
    // goes no further (it would cancel whatever the session runs next).
    if t.interrupt.cancel() {
        ctx.audit("cancel", "ok", Some("ended a statement held for review"))
            .await;
        return;
    }
    let Some(cfg) = ctx.gw.config.connections.get(&t.connection) else {
        return;
    };
    match upstream::cancel(cfg, &ctx.gw.config.base_dir, t.pid, &t.secret).await {
        Ok(()) => ctx.audit("cancel", "ok", None).await,
        Err(e) => ctx.audit("cancel", "error", Some(&e.to_string())).await,
    }
}

/// An audited (or tracked) message: kind, audit event kind, SQL, the refusal if policy refused
/// it, and the Parse's or Bind's operation number (0 for others).
type Spec = (
    PendingKind,
    &'static str,
    String,
    Option<Arc<gate::Refusal>>,
    u64,
);

/// Sent to the target in place of a refused simple Query or fast-path call: a syntax error,
/// so it can do nothing.
const REFUSED_SQL: &str = "hoopctl refused this statement";

/// Client → target. Returns when the client leaves; protocol violations and audit failures are
/// sent to the other task, which tells the client and ends the session.
#[allow(clippy::too_many_arguments)]
async fn client_to_target<C: Io, U: Io>(
    ctx: &Ctx,
    gate: &Gate,
    mut cr: ReadHalf<C>,
    mut uw: WriteHalf<U>,
    mut buf: BytesMut,
    queue: Arc<Mutex<VecDeque<Pending>>>,
    ctl: mpsc::Sender<(&'static str, String)>,
    stats: &Stats,
    expects: Option<Arc<Mutex<Vec<mask::Expect>>>>,
    notices: mpsc::Sender<Vec<u8>>,
    confirmed: Arc<Mutex<std::collections::HashSet<u64>>>,
) {
    let mut prepared = Prepared::default();
    let mut specs: Vec<Spec> = Vec::new();
    // Parses and Binds the target has confirmed (by operation number), filled by the other
    // side; anything a later batch uses must be confirmed, or it is opaque.
    let mut op = 0u64;
    let is_confirmed = |o: u64| confirmed.lock().map(|c| c.contains(&o)).unwrap_or(false);
    let wire_prefix = format!("hoopctl_{}_", &crate::gateway::auth::new_token("")[..8]);
    let wire_name = |kind: u8, name: &str| -> String {
        if name.is_empty() {
            return String::new();
        }
        use sha2::Digest;
        let h = hex::encode(sha2::Sha256::digest(name.as_bytes()));
        format!(
            "{wire_prefix}{}{}",
            char::from(kind).to_ascii_lowercase(),
            &h[..24]
        )
    };
    // Refused Executes run this portal instead, which never exists: the target answers an
    // error in the statement's place.
    let refused_portal = format!(
        "hoopctl_refused_{}",
        &crate::gateway::auth::new_token("")[..16]
    );
    let mut seq = 0i64;
    // Masked sessions: what the target will answer, and the bytes to forward when the gateway
    // adds a Describe in front of an Execute (`injected` holds them from the first one).
    let mut expected: Vec<mask::Expect> = Vec::new();
    let mut injected: Vec<u8> = Vec::new();
    // A statement waiting for a review, and then the review's outcome.
    let mut held: Option<Held> = None;
    let mut reviewed: Option<Decision> = None;
    let mut decisions = gate::Decisions::default();
    loop {
        let mut consumed = 0;
        let mut terminate = false;
        let mut copied = 0;
        injected.clear();
        // The policy in force for this read's statements (a reload applies from the next).
        let (generation, policy) = ctx.gw.policy.current();
        let policy = &*policy;
        decisions.policy(generation);
        loop {
            let rest = &buf[consumed..];
            let n = match codec::frame_len(rest, MAX_FRONTEND_MESSAGE) {
                Ok(Some(n)) => n,
                Ok(None) => break,
                Err(e) => {
                    let _ = ctl
                        .send(("08P01", format!("protocol violation from client: {e}")))
                        .await;
                    return;
                }
            };
            let msg = &rest[..n];
            let parsed = codec::parse_frontend(msg);
            // Policy decides every statement that runs: a Query, a portal's Execute, a
            // fast-path call. Parse only records what the statement does.
            let mut decision = match &parsed {
                Ok(Frontend::Query(sql)) => {
                    Some(decisions.decide(gate, policy, sql, || gate.inspect(sql)))
                }
                Ok(Frontend::Execute(portal)) => {
                    Some(match prepared.known(portal, &is_confirmed) {
                        Some(k) => {
                            let i = k.inspection.clone();
                            decisions.decide(gate, policy, &k.sql, || i)
                        }
                        None => gate.decide(policy, &prepared.portal(portal, &is_confirmed)),
                    })
                }
                Ok(Frontend::FunctionCall(_)) => {
                    Some(gate.decide(policy, &gate::opaque("function_call")))
                }
                _ => None,
            };
            // A statement back from its review: the reviewer's decision stands for this one
            // execution (it is the first statement in the buffer).
            if let Some(fresh) = decision.take() {
                decision = Some(match (reviewed.take(), fresh) {
                    (None, fresh) => fresh,
                    // A refusal (denied, expired, cancelled) stands whatever policy says now.
                    (Some(r @ Decision::Refuse(_)), _) => r,
                    // An approval counts only while policy still asks for one: a policy
                    // reloaded during the hold that refuses the statement outright wins.
                    (Some(approved), Decision::Hold(_)) => approved,
                    (Some(_), fresh) => fresh,
                });
            }
            if let Some(Decision::Hold(asks)) = decision {
                // Everything before it goes out now; it waits, unconsumed, for a reviewer.
                let (sql, params) = match &parsed {
                    Ok(Frontend::Query(sql)) => (sql.to_string(), Vec::new()),
                    // Only a portal the gateway may rely on is shown as what it runs.
                    Ok(Frontend::Execute(portal)) => match prepared.known(portal, &is_confirmed) {
                        Some(k) => (k.sql.to_string(), k.params.rendered()),
                        None => (
                            "<a portal the target has not confirmed: its statement and values are unknown>"
                                .to_string(),
                            Vec::new(),
                        ),
                    },
                    Ok(Frontend::FunctionCall(oid)) => {
                        (format!("function call oid={oid}"), Vec::new())
                    }
                    _ => (String::new(), Vec::new()),
                };
                held = Some(Held { sql, params, asks });
                break;
            }
            let refusal = match decision {
                Some(Decision::Refuse(r)) => Some(Arc::new(r)),
                _ => None,
            };
            if let Some(r) = &refusal {
                tracing::info!(refusal = %r.message, "statement refused by policy");
                // The target gets something that fails in the statement's place, so the
                // error lands where the statement's result would have (and aborts an open
                // transaction, as a real error does); its answer is rewritten on the way back.
                injected.extend_from_slice(&buf[copied..consumed]);
                injected.extend_from_slice(&match parsed {
                    Ok(Frontend::Execute(_)) => codec::execute(&refused_portal),
                    _ => codec::query(REFUSED_SQL),
                });
                copied = consumed + n;
            }
            if expects.is_some() {
                use mask::Expect as X;
                // Column rules need a COPY's columns: the gateway describes its source first
                // (on every masked session: a reload may add column rules).
                let copies = match (&parsed, &refusal) {
                    (_, Some(_)) => Vec::new(),
                    (Ok(Frontend::Query(sql)), _) => copy::copy_outs_if_any(sql),
                    (Ok(Frontend::Execute(portal)), _) => {
                        copy::copy_outs_if_any(prepared.portal_sql(portal))
                    }
                    _ => Vec::new(),
                };
                let synced = matches!(parsed, Ok(Frontend::Query(_)));
                for c in &copies {
                    injected.extend_from_slice(&buf[copied..consumed]);
                    copied = consumed;
                    injected.extend_from_slice(&copy::probe(&c.source, synced));
                    expected.push(X::ProbeParse { synced });
                    expected.push(X::ProbeDescribe {
                        opts: c.opts,
                        synced,
                    });
                    expected.push(if synced { X::ProbeSync } else { X::ProbeClose });
                }
                match &parsed {
                    Ok(Frontend::Query(_)) => expected.push(X::Query),
                    Ok(Frontend::Parse(..)) => expected.push(X::Parse),
                    Ok(Frontend::Bind(..)) => expected.push(X::Bind),
                    Ok(Frontend::Describe(..)) => expected.push(X::Describe),
                    // A refused Execute runs nothing: no columns to describe.
                    Ok(Frontend::Execute(_)) if refusal.is_some() => expected.push(X::Execute),
                    Ok(Frontend::Execute(portal)) => {
                        expected.extend([X::Injected, X::Execute]);
                        injected.extend_from_slice(&buf[copied..consumed]);
                        injected
                            .extend_from_slice(&mask::describe_portal(&wire_name(b'P', portal)));
                        copied = consumed;
                    }
                    Ok(Frontend::Close(..)) => expected.push(X::Close),
                    Ok(Frontend::Sync) => expected.push(X::Sync),
                    Ok(Frontend::FunctionCall(_)) if refusal.is_some() => expected.push(X::Query),
                    Ok(Frontend::FunctionCall(_)) => expected.push(X::Call),
                    _ if matches!(msg[0], b'c' | b'f') => expected.push(X::CopyEnd),
                    _ => {}
                }
            }
            // Statement and portal names go to the target as private per-session names, so SQL
            // (EXECUTE, FETCH, DEALLOCATE, PREPARE) can never reach what the protocol prepared.
            if refusal.is_none()
                && let Some(w) = codec::renamed(msg, &wire_name)
            {
                injected.extend_from_slice(&buf[copied..consumed]);
                injected.extend_from_slice(&w);
                copied = consumed + n;
            }
            let mut forget = Vec::new();
            match parsed {
                Ok(Frontend::Query(sql)) => {
                    prepared.sync();
                    specs.push((PendingKind::Query, "query", sql.to_string(), refusal, 0))
                }
                Ok(Frontend::Parse(name, sql)) => {
                    op += 1;
                    forget.extend(prepared.parse(name, sql, gate.inspect(sql), op));
                    specs.push((PendingKind::Parse, "parse", sql.to_string(), None, op));
                }
                Ok(Frontend::Bind(portal, stmt, rest)) => {
                    op += 1;
                    forget.extend(prepared.bind(portal, stmt, rest, op, &is_confirmed));
                    specs.push((PendingKind::Bind, "", String::new(), None, op));
                }
                Ok(Frontend::Execute(portal)) => specs.push((
                    PendingKind::Execute,
                    "execute",
                    prepared.portal_sql(portal).to_string(),
                    refusal,
                    0,
                )),
                Ok(Frontend::Close(kind, name)) => forget.extend(prepared.close(kind, name)),
                Ok(Frontend::FunctionCall(oid)) => specs.push((
                    PendingKind::Query,
                    "function_call",
                    format!("function call oid={oid}"),
                    refusal,
                    0,
                )),
                Ok(Frontend::Sync) => {
                    prepared.sync();
                    specs.push((PendingKind::Sync, "", String::new(), None, 0))
                }
                Ok(Frontend::Terminate) => terminate = true,
                Ok(Frontend::Describe(..) | Frontend::Flush | Frontend::Other) => {}
                Err(e) => {
                    let _ = ctl
                        .send(("08P01", format!("protocol violation from client: {e}")))
                        .await;
                    return;
                }
            }
            if !forget.is_empty()
                && let Ok(mut c) = confirmed.lock()
            {
                for o in forget {
                    c.remove(&o);
                }
            }
            consumed += n;
            if terminate {
                break;
            }
        }
        if !specs.is_empty() {
            let mut writes = Vec::new();
            let mut pending = Vec::with_capacity(specs.len());
            for (kind, event_kind, sql, refusal, op) in specs.drain(..) {
                if matches!(kind, PendingKind::Sync | PendingKind::Bind) {
                    let mut p = Pending::new(0, kind);
                    p.op = op;
                    pending.push(p);
                    continue;
                }
                seq += 1;
                let mut p = Pending::new(seq, kind);
                p.refusal = refusal;
                p.op = op;
                pending.push(p);
                writes.push(AuditWrite::Statement {
                    session_id: ctx.ids.session.clone(),
                    seq,
                    kind: event_kind,
                    identity: ctx.ids.identity.clone(),
                    grant_id: ctx.ids.grant.clone(),
                    connection: ctx.ids.connection.clone(),
                    statement: sql,
                });
            }
            if !writes.is_empty() {
                stats
                    .statements
                    .fetch_add(writes.len() as u64, std::sync::atomic::Ordering::Relaxed);
                // Durable before forwarded (DESIGN.md §4.3, `sync` mode): no audit, no statement.
                if let Err(e) = ctx.gw.audit.record(writes).await {
                    tracing::error!(error = %e, "audit write failed; ending session");
                    let _ = ctl
                        .send((
                            "58000",
                            "the gateway cannot write its audit log; the statement was not run"
                                .into(),
                        ))
                        .await;
                    return;
                }
            }
            if let Ok(mut q) = queue.lock() {
                q.extend(pending);
            }
        }
        if let Some(x) = expects.as_ref()
            && !expected.is_empty()
            && let Ok(mut x) = x.lock()
        {
            x.append(&mut expected);
        }
        if consumed > 0 {
            stats
                .from_client
                .fetch_add(consumed as u64, std::sync::atomic::Ordering::Relaxed);
            let out: &[u8] = if injected.is_empty() {
                &buf[..consumed]
            } else {
                injected.extend_from_slice(&buf[copied..consumed]);
                &injected
            };
            // Flush: over TLS, bytes the socket could not take yet wait in the TLS layer until
            // the next write otherwise — and the last batch of a burst would never leave.
            if uw.write_all(out).await.is_err() || uw.flush().await.is_err() {
                return;
            }
            buf.advance(consumed);
        }
        if terminate {
            let _ = uw.shutdown().await;
            return;
        }
        if let Some(h) = held.take() {
            match hold(ctx, gate, &mut cr, &mut buf, &notices, &h).await {
                Some(d) => {
                    reviewed = Some(d);
                    continue;
                }
                None => {
                    let _ = uw.shutdown().await;
                    return;
                }
            }
        }
        match cr.read_buf(&mut buf).await {
            Ok(0) | Err(_) => {
                let _ = uw.shutdown().await;
                return;
            }
            Ok(_) => {}
        }
    }
}

/// A statement waiting for a review: what a reviewer sees, and what policy asked for.
struct Held {
    sql: String,
    /// An Execute's Bind parameter values ([`codec::bind_parameters`]).
    params: Vec<String>,
    asks: Vec<String>,
}

/// Holds a statement for a human review: opens the review, tells the client (a NoticeResponse
/// naming it and the command to approve it), and waits until a reviewer decides or the timeout
/// passes. Returns the decision for this one execution, or `None` when the client left (the
/// review is then cancelled).
async fn hold<C: Io>(
    ctx: &Ctx,
    gate: &Gate,
    cr: &mut ReadHalf<C>,
    buf: &mut BytesMut,
    notices: &mpsc::Sender<Vec<u8>>,
    held: &Held,
) -> Option<Decision> {
    use crate::gateway::reviews;
    let gw = &ctx.gw;
    let timeout = gw.config.reviews.statement_timeout;
    let now = now_ms();
    let review = crate::gateway::store::ReviewRow {
        id: reviews::new_id(),
        kind: "statement".into(),
        status: "pending".into(),
        requester: ctx.permit.identity.clone(),
        connection: ctx.permit.connection.clone(),
        grant_id: Some(ctx.permit.grant_id.clone()),
        session_id: Some(ctx.ids.session.to_string()),
        statement: Some(held.sql.clone()),
        statement_sha256: Some(reviews::statement_digest(&held.sql, &held.params)),
        parameters: (!held.params.is_empty()).then(|| held.params.clone()),
        needs: held.asks.join(", "),
        reason: gate.reason().to_string(),
        created_at: now,
        expires_at: now + timeout.as_millis() as i64,
        decided_by: None,
        decided_at: None,
        decision_reason: None,
    };
    let refuse = |message: String| {
        Some(Decision::Refuse(gate::Refusal {
            message,
            hint: Some("ask a reviewer to approve it, or change the statement".into()),
        }))
    };
    // Watch before the review exists, so no decision (or cancel) can slip past.
    let decided = gw.reviews.watch(&review.id);
    let _forget = Forget(gw, &review.id);
    let interrupted = ctx.interrupt.notified();
    tokio::pin!(interrupted);
    let _holding = ctx.interrupt.hold(interrupted.as_mut());
    if let Err(e) = gw.store.insert_review(&review).await {
        tracing::error!(error = %e, "cannot open a review");
        return refuse(format!(
            "refused by policy: the statement needs a review ({}), and the gateway cannot open one",
            review.needs
        ));
    }
    reviews::audit(gw, "review_opened", &review, &review.requester, None).await;
    gw.reviews.announce(gw, "review_opened", &review);
    tracing::info!(review = %review.id, needs = %review.needs, "statement held for review");
    let notice = codec::notice_response(
        &format!(
            "hoopctl: statement held for review {} ({}); waiting up to {} for a reviewer",
            review.id,
            review.needs,
            crate::clock::fmt_duration(timeout)
        ),
        Some(&format!(
            "a reviewer runs `hoopctl review approve {id}` (or `hoopctl review deny {id}`)",
            id = review.id
        )),
    );
    let _ = notices.send(notice).await;
    let deadline = tokio::time::sleep(timeout);
    tokio::pin!(deadline, decided);
    loop {
        tokio::select! {
            _ = &mut decided => break,
            _ = &mut deadline => break,
            _ = &mut interrupted => {
                let why = "the client cancelled the statement";
                if let Ok(true) = gw.store.decide_review(&review.id, "cancelled", None, Some(why)).await {
                    reviews::audit(gw, "review_cancelled", &review, &review.requester, Some(why)).await;
                    gw.reviews.announce(gw, "review_decided", &review);
                    return refuse(format!(
                        "review {} cancelled: {why}; the statement did not run",
                        review.id
                    ));
                }
                // Decided at the same moment: that decision stands.
                break;
            }
            r = cr.read_buf(buf) => match r {
                // Whatever else the client sends waits behind the held statement.
                Ok(n) if n > 0 && buf.len() <= MAX_FRONTEND_MESSAGE => {}
                _ => {
                    if let Ok(true) = gw.store.decide_review(&review.id, "cancelled", None, Some("the client left")).await {
                        reviews::audit(gw, "review_cancelled", &review, &review.requester, Some("the client left")).await;
                    }
                    return None;
                }
            },
        }
    }
    let mut status = match gw.store.review(&review.id).await {
        Ok(Some(r)) => r,
        _ => review.clone(),
    };
    if matches!(status.status.as_str(), "pending" | "expired") {
        let why = format!(
            "nobody decided within {}",
            crate::clock::fmt_duration(timeout)
        );
        match gw
            .store
            .decide_review(&review.id, "expired", None, Some(&why))
            .await
        {
            Ok(true) => {
                reviews::audit(gw, "review_expired", &review, &review.requester, Some(&why)).await;
                gw.reviews.announce(gw, "review_decided", &review);
                return refuse(format!(
                    "refused by policy: review {} expired ({why}); the statement did not run",
                    review.id
                ));
            }
            // Decided at the last moment: that decision stands.
            _ => {
                if let Ok(Some(r)) = gw.store.review(&review.id).await {
                    status = r;
                }
            }
        }
    }
    match status.status.as_str() {
        "approved" => Some(Decision::Forward),
        s => refuse(format!(
            "refused by policy: review {} was {s}{}{}; the statement did not run",
            review.id,
            status
                .decided_by
                .as_ref()
                .map(|b| format!(" by {b}"))
                .unwrap_or_default(),
            status
                .decision_reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        )),
    }
}

/// Stops watching a review when the hold ends, however it ends.
struct Forget<'a>(&'a Arc<Gateway>, &'a str);

impl Drop for Forget<'_> {
    fn drop(&mut self) {
        self.0.reviews.forget(self.1);
    }
}

/// What the target → client side needs to mask a session.
struct Masking {
    wire: mask::WireMasker,
    /// The profile's name (none: masking nothing, for accounting only) and the generation of
    /// the masker in use (a reload adds one).
    profile: Option<String>,
    generation: u64,
    /// Filled by the client side: what the target will answer.
    expects: Arc<Mutex<Vec<mask::Expect>>>,
    /// Where column sources are looked up (profiles with column rules).
    catalog: Option<Arc<catalog::Catalog>>,
}

/// Target → client. The only writer to the client. Returns why the session ended.
#[allow(clippy::too_many_arguments)]
async fn target_to_client<C: Io, U: Io>(
    ctx: &Ctx,
    mut ur: ReadHalf<U>,
    mut cw: WriteHalf<C>,
    queue: Arc<Mutex<VecDeque<Pending>>>,
    mut end_rx: watch::Receiver<Option<String>>,
    ctl_rx: mpsc::Receiver<(&'static str, String)>,
    notice_rx: mpsc::Receiver<Vec<u8>>,
    stats: &Stats,
    mut masking: Option<Masking>,
    confirmed: Arc<Mutex<std::collections::HashSet<u64>>>,
) -> String {
    let mut confirms = Vec::new();
    let mut notice_rx = Some(notice_rx);
    let mut buf = BytesMut::with_capacity(64 * 1024);
    let mut unknown: Vec<u32> = Vec::new();
    let mut counts = crate::gateway::masking::Counts::default();
    let mut ctl_rx = Some(ctl_rx);
    let left = (ctx.permit.expires_at - now_ms()).max(0) as u64;
    // One timer for the session, not one per message.
    let expiry = tokio::time::sleep(Duration::from_millis(left));
    tokio::pin!(expiry);
    let mut finished = Vec::new();
    loop {
        let ended = async {
            if end_rx.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        let control = async {
            match ctl_rx.as_mut() {
                Some(rx) => rx.recv().await,
                None => std::future::pending().await,
            }
        };
        let notice = async {
            match notice_rx.as_mut() {
                Some(rx) => rx.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            biased;
            _ = ended => {
                let reason = end_rx.borrow().clone().unwrap_or_else(|| "session ended by the gateway".into());
                fatal(&mut cw, "57P01", &reason, Some("request a new grant with `hoopctl grant request`")).await;
                return reason;
            }
            _ = &mut expiry => {
                let reason = format!(
                    "grant {} expired at {}; the session is closed",
                    ctx.permit.grant_id,
                    fmt_ms(ctx.permit.expires_at)
                );
                fatal(&mut cw, "57P01", &reason, Some("request a new grant with `hoopctl grant request`")).await;
                return reason;
            }
            c = control => match c {
                Some((code, msg)) => {
                    tracing::warn!(%msg, "ending session");
                    fatal(&mut cw, code, &msg, None).await;
                    return msg;
                }
                None => ctl_rx = None,
            },
            // Between messages: everything written to the client so far is whole messages.
            n = notice => {
                match n {
                    Some(n) => {
                        if cw.write_all(&n).await.is_err() || cw.flush().await.is_err() {
                            return "client went away".into();
                        }
                    }
                    None => notice_rx = None,
                }
                continue;
            }
            r = ur.read_buf(&mut buf) => match r {
                Ok(0) => return "target closed the connection".into(),
                Err(e) => return format!("target read failed: {e}"),
                Ok(_) => {}
            },
        }
        let mut complete = 0;
        let mut bad = None;
        let mut mask_failed = None;
        let mut uninspectable = None;
        let mut masked_out: Option<Vec<u8>> = None;
        if let Some(m) = masking.as_mut() {
            if let Ok(mut x) = m.expects.lock() {
                m.wire.expect(x.drain(..));
            }
            // A reloaded profile takes over between results, so a statement prepared before
            // the change runs under the new rules.
            if let Some(profile) = &m.profile
                && ctx.gw.maskers.generation() != m.generation
                && m.wire.between_results()
            {
                match ctx.gw.maskers.get(profile) {
                    Some((g, new)) => {
                        m.wire.set_masker(new);
                        m.generation = g;
                    }
                    None => {
                        let msg = format!(
                            "masking profile {profile:?} is no longer available; the session is closed"
                        );
                        fatal(&mut cw, "XX000", &msg, None).await;
                        return msg;
                    }
                }
            }
            // Column sources first: a RowDescription naming a relation this session has not
            // looked up waits for the catalog (and a failed lookup ends the session).
            if let Err(e) = learn_relations(m, &buf, &mut unknown).await {
                let msg = format!(
                    "masking failed ({e}); the session is closed and nothing unmasked was sent"
                );
                tracing::error!(%msg);
                fatal(&mut cw, "XX000", &msg, None).await;
                return msg;
            }
        }
        if let Ok(mut q) = queue.lock() {
            loop {
                match codec::frame_len(&buf[complete..], MAX_BACKEND_MESSAGE) {
                    Ok(Some(n)) => {
                        let msg = &buf[complete..complete + n];
                        if let Some(why) = codec::uninspectable(msg) {
                            uninspectable = Some(why);
                            break;
                        }
                        // The error answering a refused statement's stand-in becomes the
                        // refusal.
                        let refusal = match msg[0] {
                            b'E' if codec::is_statement_error(msg) => {
                                q.front().and_then(|p| p.refusal.clone())
                            }
                            _ => None,
                        };
                        let before = masked_out.as_ref().map(Vec::len);
                        // Masked sessions forward what the masker returns; a message it cannot
                        // inspect ends the session instead of passing through (fail closed).
                        let forwarded = match masking.as_mut() {
                            Some(m) => {
                                if msg[0] == b'D' {
                                    m.wire.set_statement(q.front().map_or(0, |p| p.seq));
                                }
                                match m.wire.push(&buf, complete, n, &mut masked_out, &mut counts) {
                                    Ok(f) => f,
                                    Err(e) => {
                                        mask_failed = Some(e.to_string());
                                        break;
                                    }
                                }
                            }
                            None => {
                                if let Some(o) = masked_out.as_mut() {
                                    o.extend_from_slice(msg);
                                }
                                true
                            }
                        };
                        if forwarded && let Some(r) = &refusal {
                            let o = masked_out.get_or_insert_with(|| buf[..complete].to_vec());
                            o.truncate(before.unwrap_or(complete));
                            o.extend_from_slice(&codec::error_response(
                                "ERROR",
                                "42501",
                                &r.message,
                                r.hint.as_deref(),
                            ));
                        }
                        let before = finished.len();
                        // The gateway's own answers (its Describes, COPY probes) are not the
                        // client's statements' outcomes.
                        if forwarded {
                            track::on_backend(&mut q, msg, &mut finished, &mut confirms);
                        }
                        // What was masked since the last statement finished belongs to the one
                        // finishing now: its audit event counts it (never the values).
                        if finished.len() > before
                            && !counts.is_empty()
                            && let Some(f) = finished.last_mut()
                        {
                            let c = std::mem::take(&mut counts);
                            let note = format!("masked {c}");
                            f.detail = Some(match f.detail.take() {
                                Some(d) => format!("{d}; {note}"),
                                None => note,
                            });
                            if let Ok(mut m) = stats.masked.lock() {
                                m.merge(c);
                            }
                        }
                        complete += n;
                    }
                    Ok(None) => break,
                    Err(e) => {
                        bad = Some(e);
                        break;
                    }
                }
            }
        }
        if !confirms.is_empty()
            && let Ok(mut c) = confirmed.lock()
        {
            c.extend(confirms.drain(..));
        }
        let accessed = masking
            .as_mut()
            .map(|m| m.wire.take_accessed())
            .unwrap_or_default();
        if !finished.is_empty() || !accessed.is_empty() {
            let mut writes: Vec<AuditWrite> = finished
                .drain(..)
                .map(|f| AuditWrite::Finish {
                    session_id: ctx.ids.session.clone(),
                    seq: f.seq,
                    outcome: f.outcome,
                    rows: f.rows,
                    duration_ms: f.duration_ms,
                    detail: f.detail,
                })
                .collect();
            if !accessed.is_empty() {
                if let Some(n) = masking.as_ref().and_then(|m| m.wire.accessed()) {
                    stats
                        .accessed
                        .store(n, std::sync::atomic::Ordering::Relaxed);
                }
                writes.push(AuditWrite::Access {
                    session_id: ctx.ids.session.clone(),
                    keys: accessed,
                });
            }
            if let Err(e) = ctx.gw.audit.outcomes(writes).await {
                tracing::error!(error = %e, "cannot record statement outcomes");
            }
        }
        if let Some(e) = mask_failed {
            let msg = format!(
                "masking failed ({e}); the session is closed and nothing unmasked was sent"
            );
            tracing::error!(%msg);
            fatal(&mut cw, "XX000", &msg, None).await;
            return msg;
        }
        if complete > 0 {
            // `None`: nothing in the batch was rewritten or dropped.
            let out: &[u8] = match &masked_out {
                None => &buf[..complete],
                Some(m) => m,
            };
            stats
                .to_client
                .fetch_add(out.len() as u64, std::sync::atomic::Ordering::Relaxed);
            if cw.write_all(out).await.is_err() || cw.flush().await.is_err() {
                return "client went away".into();
            }
            buf.advance(complete);
        }
        if let Some(why) = uninspectable {
            let msg = format!(
                "{why}; the gateway cannot inspect statements any more and closed the session"
            );
            fatal(&mut cw, "0A000", &msg, None).await;
            return msg;
        }
        if let Some(e) = bad {
            let msg = format!("the target sent an invalid message ({e}); session closed");
            fatal(&mut cw, "08P01", &msg, None).await;
            return msg;
        }
    }
}
