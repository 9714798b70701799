//! `hoopctl connect NAME [-- CMD…]`: find or request a grant, wait for approval if needed,
//! open the local tunnel, and either serve until interrupted or run CMD against it.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use super::api::{Api, query_escape};
use super::grant::{approval_hint, request, wait_for};
use super::health::{self, Health};
use super::tunnel::{self, Conns, TunnelIdentity};
use super::{Output, print_json};
use crate::clock::{now_ms, parse_rfc3339_ms};
use crate::exit::{ExitKind, Failure};
use crate::proto::api::{Grant, GrantStatus};

/// Options of `hoopctl connect`.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// Connection name.
    pub connection: String,
    /// Local port (0 = ephemeral).
    pub port: u16,
    /// Reason, needed when a new grant is requested.
    pub reason: Option<String>,
    /// Grant duration for a new grant.
    pub duration: Option<String>,
    /// Wait for approval, at most this long.
    pub wait: Option<Duration>,
    /// Command to run against the tunnel.
    pub command: Vec<String>,
    /// Where to serve `/startup`, `/readiness`, `/liveness`.
    pub health_addr: Option<std::net::SocketAddr>,
    /// On SIGTERM, how long open connections may take to finish.
    pub max_sigterm_delay: Duration,
    /// Exit 0 (not 143) after a SIGTERM.
    pub exit_zero_on_sigterm: bool,
}

/// After a forwarded signal, CMD gets at least this long to exit before it is killed.
const CHILD_GRACE: Duration = Duration::from_secs(10);

/// A lifecycle event of `connect -o json`: one JSON object per line.
fn event(out: Output, kind: &str, fields: serde_json::Value) {
    if out != Output::Json {
        return;
    }
    let mut v = serde_json::json!({ "event": kind });
    if let (Some(m), serde_json::Value::Object(f)) = (v.as_object_mut(), fields) {
        m.extend(f);
    }
    print_json(&v);
}

/// Tells the user (or the JSON reader) that a grant waits for an approver.
fn announce_pending(g: &Grant, out: Output) {
    match out {
        Output::Text => eprintln!("{}", approval_hint(g)),
        Output::Json => event(
            out,
            "grant_pending",
            serde_json::json!({"grant": g.id, "connection": g.connection, "hint": approval_hint(g)}),
        ),
    }
}

/// Waits for a pending grant; announces the approval.
async fn await_approval(api: &Api, g: &Grant, t: Duration, out: Output) -> Result<Grant, Failure> {
    announce_pending(g, out);
    let g = wait_for(api, &g.id, t, out).await?;
    event(
        out,
        "grant_approved",
        serde_json::json!({"grant": g.id, "decided_by": g.decided_by, "expires_at": g.expires_at}),
    );
    Ok(g)
}

/// How long the tunnel outlives its grant so sessions receive the gateway's closing error.
const GRACE: Duration = Duration::from_secs(2);

fn fail(msg: impl Into<String>) -> Failure {
    Failure::new(ExitKind::Failure, msg)
}

async fn find_or_request(api: &Api, o: &ConnectOptions, out: Output) -> Result<Grant, Failure> {
    let mine: Vec<Grant> = api
        .get(&format!(
            "/v1/grants?connection={}",
            query_escape(&o.connection)
        ))
        .await?;
    let now = now_ms();
    // A grant's sessions are attributed to the CI run that requested it: a job reuses only a
    // grant of its own run (and a person only one requested without a run).
    let me: Option<serde_json::Value> = if mine.iter().any(|g| g.status != GrantStatus::Denied) {
        api.get::<crate::proto::api::WhoAmI>("/v1/whoami")
            .await?
            .provenance
    } else {
        None
    };
    let mine: Vec<Grant> = mine.into_iter().filter(|g| g.provenance == me).collect();
    let usable = mine
        .iter()
        .filter(|g| g.status == GrantStatus::Active)
        .filter(|g| {
            g.expires_at
                .as_deref()
                .and_then(parse_rfc3339_ms)
                .is_some_and(|e| e > now + 30_000)
        })
        .max_by_key(|g| g.expires_at.clone());
    if let Some(g) = usable {
        return Ok(g.clone());
    }
    if let Some(g) = mine.iter().find(|g| g.status == GrantStatus::Pending) {
        return match o.wait {
            Some(t) => await_approval(api, g, t, out).await,
            None => Err(Failure::new(
                ExitKind::ApprovalPending,
                format!("{}; then run this again, or pass --wait", approval_hint(g)),
            )),
        };
    }
    let reason = o.reason.as_deref().ok_or_else(|| {
        Failure::new(
            ExitKind::Usage,
            format!(
                "you hold no active grant for {:?}; pass --reason \"why\" to request one",
                o.connection
            ),
        )
    })?;
    let g = request(api, &o.connection, reason, o.duration.as_deref(), None, out).await?;
    match (g.status, o.wait) {
        (GrantStatus::Pending, Some(t)) => await_approval(api, &g, t, out).await,
        (GrantStatus::Pending, None) => Err(Failure::new(
            ExitKind::ApprovalPending,
            format!("{}; then run this again, or pass --wait", approval_hint(&g)),
        )),
        _ => Ok(g),
    }
}

/// Runs `hoopctl connect`. Returns the exit code (CMD's, or 0).
pub async fn connect(profile: &str, o: ConnectOptions, out: Output) -> Result<u8, Failure> {
    let health = Arc::new(Health::default());
    // Probes first: an orchestrator can see "alive, not started" while a grant waits.
    if let Some(addr) = o.health_addr {
        health::serve(addr, health.clone()).await?;
    }
    let (code, reason) = match run(profile, &o, out, &health).await {
        Ok(r) => r,
        Err(e) => {
            health.set_failed();
            event(
                out,
                "closed",
                serde_json::json!({"reason": e.message, "exit_code": e.kind.code()}),
            );
            return Err(e);
        }
    };
    event(
        out,
        "closed",
        serde_json::json!({"reason": reason, "exit_code": code}),
    );
    Ok(code)
}

async fn run(
    profile: &str,
    o: &ConnectOptions,
    out: Output,
    health: &Health,
) -> Result<(u8, String), Failure> {
    // Signals are ours from the start: a SIGTERM while a grant waits for its approver ends
    // the wait with the same exit code and `closed` event as later.
    let mut signals = Signals::new()?;
    let api = Arc::new(Api::open(profile).await?);
    let grant = tokio::select! {
        g = find_or_request(&api, o, out) => g?,
        sig = signals.next() => {
            return Ok((sig.exit_code(o), format!("{} before the tunnel opened", sig.name())));
        }
    };
    let grant_end = grant
        .expires_at
        .as_deref()
        .and_then(parse_rfc3339_ms)
        .unwrap_or(0);
    let id = Arc::new(TunnelIdentity::new(&api, &grant.id, &o.connection).await?);
    let listener = TcpListener::bind(("127.0.0.1", o.port))
        .await
        .map_err(|e| {
            fail(format!(
                "cannot listen on 127.0.0.1:{}: {e}; choose another --port",
                o.port
            ))
        })?;
    let port = listener
        .local_addr()
        .map_err(|e| fail(e.to_string()))?
        .port();
    let who: crate::proto::api::WhoAmI = api.get("/v1/whoami").await?;
    let database = id
        .database
        .read()
        .ok()
        .and_then(|d| d.clone())
        .unwrap_or_default();
    let url = format!(
        "postgresql://{}@127.0.0.1:{port}/{}?sslmode=disable",
        query_escape(&who.identity),
        query_escape(&database)
    );
    let conns = Arc::new(Conns::default());
    let server = tokio::spawn(tunnel::serve(listener, id.clone(), conns.clone()));
    health.set_started();
    match out {
        Output::Json => event(
            out,
            "ready",
            serde_json::json!({
                "connection": o.connection, "host": "127.0.0.1", "port": port,
                "address": format!("127.0.0.1:{port}"), "database": database,
                "user": who.identity, "grant": grant.id, "expires_at": grant.expires_at, "url": url,
            }),
        ),
        Output::Text => eprintln!(
            "Tunnel to {} open on 127.0.0.1:{port} (grant {}, until {}).\n  psql \"{url}\"\n{}",
            o.connection,
            grant.id,
            grant.expires_at.as_deref().unwrap_or("?"),
            if o.command.is_empty() {
                "Press Ctrl-C to close it."
            } else {
                ""
            }
        ),
    }
    let renewer = {
        let (api, id) = (api.clone(), id.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(id.renew_in()).await;
                if id.not_after_ms() >= grant_end {
                    // The certificate already runs to the grant's end.
                    std::future::pending::<()>().await;
                }
                // A failed renewal is retried until the certificate in use runs out.
                while let Err(e) = id.renew(&api).await {
                    let left = id.not_after_ms() - now_ms();
                    if left < 5_000 {
                        return e;
                    }
                    eprintln!(
                        "hoopctl: renewing the tunnel certificate failed ({}); retrying",
                        e.message
                    );
                    tokio::time::sleep(Duration::from_millis(
                        (left / 4).clamp(1_000, 10_000) as u64
                    ))
                    .await;
                }
            }
        })
    };
    let grant_ended = grant_watch(api.clone(), grant.id.clone(), grant_end);
    let result = if o.command.is_empty() {
        tokio::select! {
            sig = signals.next() => {
                if sig == Sig::Int {
                    if out == Output::Text {
                        eprintln!("Closing the tunnel.");
                    }
                    Ok((0, "interrupted".to_string()))
                } else {
                    // Stop taking connections; let open ones finish, up to the delay.
                    health.set_draining();
                    server.abort();
                    let open = conns.active();
                    let drained = conns.drained(o.max_sigterm_delay).await;
                    if out == Output::Text {
                        eprintln!("{}: closing the tunnel ({open} open connection(s){}).", sig.name(),
                            if drained { ", all finished" } else { "; the rest are cut" });
                    }
                    Ok((sig.exit_code(o), sig.name().to_string()))
                }
            }
            e = grant_ended => {
                // Open sessions get the gateway's own "grant expired" error before we go.
                tokio::time::sleep(GRACE).await;
                Err(e)
            }
            r = renewer => {
                health.set_failed();
                Err(r.unwrap_or_else(|e| fail(e.to_string())))
            }
        }
    } else {
        let mut cmd = tokio::process::Command::new(&o.command[0]);
        cmd.args(&o.command[1..])
            .env("PGHOST", "127.0.0.1")
            .env("PGPORT", port.to_string())
            .env("PGDATABASE", &database)
            .env("PGUSER", &who.identity)
            .env("PGSSLMODE", "disable")
            .env("DATABASE_URL", &url)
            .env_remove("PGHOSTADDR")
            .env_remove("PGSERVICE")
            .stdin(Stdio::inherit());
        let mut child = cmd.spawn().map_err(|e| {
            Failure::new(
                ExitKind::Failure,
                format!("cannot run {:?}: {e}", o.command[0]),
            )
        })?;
        let pid = child.id();
        tokio::select! {
            s = child.wait() => {
                let s = s.map_err(|e| fail(format!("waiting for {:?}: {e}", o.command[0])))?;
                Ok((exit_code(s), "command exited".to_string()))
            }
            sig = signals.next() => {
                // Pass the signal on and give CMD time to finish; further signals go on too.
                health.set_draining();
                forward(pid, sig);
                let limit = o.max_sigterm_delay.max(CHILD_GRACE);
                let deadline = tokio::time::Instant::now() + limit;
                let status = loop {
                    tokio::select! {
                        s = child.wait() => break s.ok(),
                        again = signals.next() => forward(pid, again),
                        _ = tokio::time::sleep_until(deadline) => {
                            let _ = child.kill().await;
                            break None;
                        }
                    }
                };
                let code = match status {
                    Some(s) => exit_code(s),
                    None => sig.exit_code(o),
                };
                Ok((code, sig.name().to_string()))
            }
            r = renewer => {
                // Open sessions go on; new ones cannot start. Say so, and let CMD finish.
                let e = r.unwrap_or_else(|e| fail(e.to_string()));
                health.set_failed();
                eprintln!("hoopctl: {}; connections already open go on, new ones will fail", e.message);
                let s = child.wait().await.map_err(|e| fail(format!("waiting for {:?}: {e}", o.command[0])))?;
                Ok((exit_code(s), "command exited after the certificate could not be renewed".to_string()))
            }
            e = grant_ended => {
                // The command sees the gateway's error on its sessions; give it time to exit.
                if tokio::time::timeout(GRACE * 3, child.wait()).await.is_err() {
                    let _ = child.kill().await;
                }
                Err(e)
            }
        }
    };
    server.abort();
    result
}

/// The signals `connect` handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sig {
    Int,
    Term,
    Hup,
}

impl Sig {
    fn name(self) -> &'static str {
        match self {
            Sig::Int => "interrupted",
            Sig::Term => "terminated",
            Sig::Hup => "hung up",
        }
    }

    /// hoopctl's own exit code after this signal: 128+N, or 0 for SIGTERM with
    /// --exit-zero-on-sigterm — which is about the tunnel: with CMD, CMD's status is the answer.
    fn exit_code(self, o: &ConnectOptions) -> u8 {
        match (self, o.exit_zero_on_sigterm && o.command.is_empty()) {
            (Sig::Term, true) => 0,
            (s, _) => 128 + s.number(),
        }
    }

    fn number(self) -> u8 {
        match self {
            Sig::Int => 2,
            Sig::Term => 15,
            Sig::Hup => 1,
        }
    }
}

#[cfg(unix)]
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> Result<Signals, Failure> {
        use tokio::signal::unix::{SignalKind, signal};
        let on = |k| signal(k).map_err(|e| fail(format!("cannot handle signals: {e}")));
        Ok(Signals {
            int: on(SignalKind::interrupt())?,
            term: on(SignalKind::terminate())?,
            hup: on(SignalKind::hangup())?,
        })
    }

    async fn next(&mut self) -> Sig {
        tokio::select! {
            _ = self.int.recv() => Sig::Int,
            _ = self.term.recv() => Sig::Term,
            _ = self.hup.recv() => Sig::Hup,
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> Result<Signals, Failure> {
        Ok(Signals)
    }

    async fn next(&mut self) -> Sig {
        let _ = tokio::signal::ctrl_c().await;
        Sig::Int
    }
}

/// Sends `sig` to CMD.
fn forward(pid: Option<u32>, sig: Sig) {
    #[cfg(unix)]
    {
        use rustix::process::{Pid, Signal, kill_process};
        let s = match sig {
            Sig::Int => Signal::INT,
            Sig::Term => Signal::TERM,
            Sig::Hup => Signal::HUP,
        };
        if let Some(p) = pid
            .and_then(|p| i32::try_from(p).ok())
            .and_then(Pid::from_raw)
            && let Err(e) = kill_process(p, s)
        {
            tracing::debug!(error = %e, "could not pass the signal on");
        }
    }
    #[cfg(not(unix))]
    let _ = (pid, sig);
}

fn exit_code(s: std::process::ExitStatus) -> u8 {
    if let Some(c) = s.code() {
        return c.clamp(0, 255) as u8;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = s.signal() {
            return (128 + sig).clamp(0, 255) as u8;
        }
    }
    1
}

/// Resolves when the grant ends (expiry, or revocation seen by polling).
async fn grant_watch(api: Arc<Api>, id: String, end_ms: i64) -> Failure {
    loop {
        let left = (end_ms - now_ms()).max(0) as u64;
        tokio::time::sleep(Duration::from_millis(left.min(15_000))).await;
        if now_ms() >= end_ms {
            return fail(format!(
                "grant {id} expired; run `hoopctl connect` again to request a new one"
            ));
        }
        if let Ok(g) = api.get::<Grant>(&format!("/v1/grants/{id}")).await
            && g.status != GrantStatus::Active
        {
            return fail(format!(
                "grant {id} is now {:?}{}; the tunnel is closed",
                g.status,
                g.decided_by
                    .map(|b| format!(" (by {b})"))
                    .unwrap_or_default()
            ));
        }
    }
}

/// Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
