//! `hoopctl sessions list|show|replay`: proxied sessions from the audit log, and their
//! recordings replayed as psql would have shown them (admins).

use sha2::Digest;

use super::api::{Api, query_escape, with_query};
use super::replay::{Options, Renderer, clean};
use super::{Output, print_json};
use crate::exit::{ExitKind, Failure};
use crate::proto::api::{SessionDetail, SessionSummary};
use crate::proto::recording::Frames;

/// Filters of `sessions list`.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    /// RFC 3339 time or a duration back from now.
    pub since: Option<String>,
    /// Connection name.
    pub connection: Option<String>,
    /// Identity name.
    pub identity: Option<String>,
    /// CI repository (workload provenance).
    pub repository: Option<String>,
    /// CI run id (workload provenance).
    pub run: Option<String>,
    /// Most sessions shown.
    pub limit: Option<u32>,
}

fn ci_note(p: &Option<serde_json::Value>) -> String {
    match p {
        Some(p) => {
            let f = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("-");
            format!(
                " [ci repo={} run={} sha={}]",
                f("repository"),
                f("run_id"),
                f("sha")
            )
        }
        None => String::new(),
    }
}

fn recording_note(s: &SessionSummary) -> String {
    match &s.recording {
        Some(r) => format!("recording {} {}B", r.state, r.bytes),
        None => "not recorded".into(),
    }
}

/// Runs `sessions list`.
pub async fn list(profile: &str, f: SessionFilter, out: Output) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let limit = f.limit.map(|l| l.to_string());
    let path = with_query(
        "/v1/sessions",
        &[
            ("since", f.since.as_deref()),
            ("connection", f.connection.as_deref()),
            ("identity", f.identity.as_deref()),
            ("repository", f.repository.as_deref()),
            ("run", f.run.as_deref()),
            ("limit", limit.as_deref()),
        ],
    );
    let sessions: Vec<SessionSummary> = api.get(&path).await?;
    match out {
        Output::Json => print_json(&sessions),
        Output::Text => {
            if sessions.is_empty() {
                eprintln!("no sessions match");
            }
            for s in sessions {
                let line = format!(
                    "{} {} {}@{} statements={} {} ended={}{}",
                    s.id,
                    s.started_at,
                    s.identity,
                    s.connection,
                    s.statements,
                    recording_note(&s),
                    s.ended_at.as_deref().unwrap_or("-"),
                    ci_note(&s.provenance)
                );
                println!("{}", clean(&line));
            }
        }
    }
    Ok(())
}

fn session_path(id: &str) -> String {
    format!("/v1/sessions/{}", query_escape(id))
}

/// Runs `sessions show`.
pub async fn show(profile: &str, id: &str, out: Output) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let d: SessionDetail = api.get(&session_path(id)).await?;
    if out == Output::Json {
        print_json(&d);
        return Ok(());
    }
    let s = &d.session;
    println!("session     {}", clean(&s.id));
    println!("identity    {}", clean(&s.identity));
    println!("connection  {}", clean(&s.connection));
    println!(
        "grant       {} ({})",
        clean(&s.grant_id),
        clean(s.reason.as_deref().unwrap_or("-"))
    );
    if let Some(p) = &s.provenance {
        println!("provenance  {}", clean(&p.to_string()));
    }
    println!("started     {}", s.started_at);
    println!(
        "ended       {}",
        s.ended_at
            .as_deref()
            .unwrap_or("- (open, or the gateway stopped first)")
    );
    println!("statements  {}", s.statements);
    match &s.recording {
        Some(r) => println!(
            "recording   {}, {} bytes on disk, {} recorded{}, sha256 {}",
            r.state,
            r.bytes,
            r.stream_bytes.map_or("-".into(), |b| b.to_string()),
            match r.dropped_bytes {
                Some(d) if d > 0 => format!(", {d} past the cap"),
                _ => String::new(),
            },
            r.sha256.as_deref().unwrap_or("-")
        ),
        None => println!("recording   none"),
    }
    println!();
    for e in &d.events {
        let mut line = format!(
            "{} {:<14} {}",
            e.time,
            e.kind,
            e.outcome.as_deref().unwrap_or("-")
        );
        if let Some(r) = e.rows {
            line.push_str(&format!(" rows={r}"));
        }
        if let Some(ms) = e.duration_ms {
            line.push_str(&format!(" {ms}ms"));
        }
        if let Some(sql) = &e.statement {
            line.push_str(&format!(" {sql:?}"));
        }
        if let Some(det) = &e.detail {
            line.push_str(&format!(" ({det})"));
        }
        println!("{}", clean(&line));
    }
    Ok(())
}

/// The digest the chained audit log gives a session's recording: its `session_close` event's
/// `recording_sha256=…` (the last one in the detail: the reason before it is free text), or
/// for a recording found unfinished, the `recording_incomplete` event's `sha256 …`.
pub fn close_digest(d: &SessionDetail) -> Option<String> {
    let after = |det: &str, key: &str| -> Option<String> {
        let at = det.rfind(key)? + key.len();
        let hex: String = det[at..]
            .chars()
            .take_while(|c| c.is_ascii_hexdigit())
            .collect();
        (hex.len() == 64).then_some(hex)
    };
    d.events.iter().rev().find_map(|e| match e.kind.as_str() {
        "session_close" => after(e.detail.as_deref()?, "recording_sha256="),
        "recording_incomplete" => after(e.detail.as_deref()?, "sha256 "),
        _ => None,
    })
}

/// Runs `sessions replay`: fetches the recording, checks it against the digest the audit log
/// holds for it, and renders it.
pub async fn replay(
    profile: &str,
    id: &str,
    opts: Options,
    save: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let d: SessionDetail = api.get(&session_path(id)).await?;
    let bytes = api
        .get_bytes(&format!("{}/recording", session_path(id)))
        .await?;
    let got = hex::encode(sha2::Sha256::digest(&bytes));
    // The close event is in the signed audit chain; the store's copy covers recordings whose
    // session never closed (incomplete).
    let want = close_digest(&d);
    if want.is_none() {
        eprintln!(
            "warning: the audit log holds no digest for this recording yet (the session is still \
             open): it is replayed unchecked"
        );
    }
    if let Some(want) = &want
        && *want != got
    {
        return Err(Failure::new(
            ExitKind::Failure,
            format!(
                "the recording of {id} does not match its digest in the audit log (sha256 {got}, expected {want}): \
                 it was altered or replaced after the session; nothing was replayed"
            ),
        ));
    }
    if let Some(p) = save {
        std::fs::write(p, &bytes).map_err(|e| {
            Failure::new(
                ExitKind::Failure,
                format!("cannot write {}: {e}", p.display()),
            )
        })?;
    }
    render(&bytes, opts)
}

/// Renders a recording held in memory to stdout.
pub fn render(bytes: &[u8], opts: Options) -> Result<(), Failure> {
    let bad =
        |e: String| Failure::new(ExitKind::Failure, format!("cannot read the recording: {e}"));
    let frames = Frames::from_compressed(bytes).map_err(|e| bad(e.to_string()))?;
    let stdout = std::io::stdout();
    let mut r = Renderer::new(stdout.lock(), opts);
    let write_err =
        |e: std::io::Error| Failure::new(ExitKind::Failure, format!("cannot print: {e}"));
    for f in frames {
        let f = f.map_err(|e| bad(e.to_string()))?;
        r.frame(&f).map_err(write_err)?;
    }
    r.finish().map_err(write_err)
}

/// `admin sessions revoke` and `admin identities forget`: POSTs `/v1/identities/{name}/{verb}`.
pub async fn identity_verb(
    profile: &str,
    verb: &str,
    identity: &str,
    reason: Option<String>,
    out: Output,
) -> Result<(), Failure> {
    let done = if verb == "forget" {
        "forgotten"
    } else {
        "revoked"
    };
    let api = Api::open(profile).await?;
    let r: crate::proto::api::IdentityRevoked = api
        .post(
            &format!("/v1/identities/{}/{verb}", query_escape(identity)),
            &crate::proto::api::DecisionRequest { reason },
        )
        .await?;
    match out {
        Output::Json => print_json(&r),
        Output::Text => println!(
            "{} {done}: {} token(s) revoked, {} grant(s) revoked, {} live session(s) ended",
            r.identity, r.tokens_revoked, r.grants_revoked, r.sessions_ended
        ),
    }
    Ok(())
}

/// `admin identities list`.
pub async fn identities(profile: &str, out: Output) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let list: Vec<crate::proto::api::FederatedIdentityInfo> = api.get("/v1/identities").await?;
    match out {
        Output::Json => print_json(&list),
        Output::Text if list.is_empty() => {
            println!("nobody has signed in through an identity provider yet")
        }
        Output::Text => {
            for f in &list {
                println!(
                    "{}  via {}  groups: {}  signed in {}  vouched for until {}",
                    clean(&f.name),
                    clean(&f.provider),
                    clean(&f.groups.join(", ")),
                    f.signed_in_at,
                    f.valid_until
                );
            }
        }
    }
    Ok(())
}
