//! `hoopctl audit list|export|public-key|verify`: read the gateway's audit log (admins), export
//! it with its signed checkpoints, and check an export offline.

use base64::Engine as _;

use super::api::{Api, query_escape, with_query};
use super::{Output, print_json};
use crate::exit::{ExitKind, Failure};
use crate::proto::api::{AuditEvent, AuditKey, RecordAccess};
use crate::proto::chain;

/// Filters of `audit list`.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// RFC 3339 time or a duration back from now.
    pub since: Option<String>,
    /// Connection name.
    pub connection: Option<String>,
    /// Identity name.
    pub identity: Option<String>,
    /// Session id.
    pub session: Option<String>,
    /// CI repository (workload provenance).
    pub repository: Option<String>,
    /// CI run id (workload provenance).
    pub run: Option<String>,
    /// Most events shown.
    pub limit: Option<u32>,
}

/// Runs `audit list`.
pub async fn list(profile: &str, f: AuditFilter, out: Output) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let limit = f.limit.map(|l| l.to_string());
    let path = with_query(
        "/v1/audit",
        &[
            ("since", f.since.as_deref()),
            ("connection", f.connection.as_deref()),
            ("identity", f.identity.as_deref()),
            ("session", f.session.as_deref()),
            ("repository", f.repository.as_deref()),
            ("run", f.run.as_deref()),
            ("limit", limit.as_deref()),
        ],
    );
    let events: Vec<AuditEvent> = api.get(&path).await?;
    match out {
        Output::Json => print_json(&events),
        Output::Text => {
            for e in events {
                let mut line = format!(
                    "{} {:<16} {:<10} {}",
                    e.time,
                    e.kind,
                    e.identity.as_deref().unwrap_or("-"),
                    e.outcome.as_deref().unwrap_or("-")
                );
                if let Some(c) = &e.connection {
                    line.push_str(&format!(" conn={c}"));
                }
                if let Some(g) = &e.grant_id {
                    line.push_str(&format!(" grant={g}"));
                }
                if let Some(r) = e.rows {
                    line.push_str(&format!(" rows={r}"));
                }
                if let Some(d) = e.duration_ms {
                    line.push_str(&format!(" {d}ms"));
                }
                if let Some(s) = &e.statement {
                    line.push_str(&format!(
                        " sql={:?}",
                        s.chars().take(200).collect::<String>()
                    ));
                }
                if let Some(d) = &e.detail {
                    line.push_str(&format!(" ({d})"));
                }
                if let Some(p) = &e.provenance {
                    let f = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("-");
                    line.push_str(&format!(
                        " [ci {} repo={} run={} sha={}]",
                        f("issuer"),
                        f("repository"),
                        f("run_id"),
                        f("sha")
                    ));
                }
                println!("{}", super::replay::clean(&line));
            }
        }
    }
    Ok(())
}

/// Runs `audit who-accessed`.
pub async fn who_accessed(
    profile: &str,
    connection: &str,
    table: &str,
    key: &str,
    since: Option<&str>,
    out: Output,
) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let path = with_query(
        "/v1/audit/who-accessed",
        &[
            ("connection", Some(connection)),
            ("table", Some(table)),
            ("key", Some(key)),
            ("since", since),
        ],
    );
    let found: Vec<RecordAccess> = api.get(&path).await?;
    match out {
        Output::Json => print_json(&found),
        Output::Text => {
            if found.is_empty() {
                eprintln!("no session received that record (in the accounted history)");
            }
            for a in found {
                let mut line = format!(
                    "{} {} {} grant={}",
                    a.time,
                    a.session_id,
                    a.identity.as_deref().unwrap_or("-"),
                    a.grant_id.as_deref().unwrap_or("-"),
                );
                if let Some(p) = &a.provenance {
                    let f = |k: &str| p.get(k).and_then(|v| v.as_str()).unwrap_or("-");
                    line.push_str(&format!(
                        " [ci repo={} run={} sha={}]",
                        f("repository"),
                        f("run_id"),
                        f("sha")
                    ));
                }
                if let Some(s) = &a.statement {
                    line.push_str(&format!(
                        " sql={:?}",
                        s.chars().take(200).collect::<String>()
                    ));
                }
                println!("{}", super::replay::clean(&line));
            }
        }
    }
    Ok(())
}

/// Runs `audit export`: the chained log (from `since`) with the checkpoints covering it, to
/// `out_file` or stdout.
pub async fn export(
    profile: &str,
    since: Option<String>,
    format: ExportFormat,
    out_file: Option<&std::path::Path>,
) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let mut q = vec![format!("format={}", format.as_str())];
    if let Some(s) = &since {
        q.push(format!("since={}", query_escape(s)));
    }
    let body = api
        .get_text(&format!("/v1/audit/export?{}", q.join("&")))
        .await?;
    match out_file {
        Some(p) => std::fs::write(p, &body).map_err(|e| {
            Failure::new(
                ExitKind::Failure,
                format!("cannot write {}: {e}", p.display()),
            )
        })?,
        None => {
            use std::io::Write as _;
            std::io::stdout().write_all(body.as_bytes()).map_err(|e| {
                Failure::new(ExitKind::Failure, format!("cannot write the export: {e}"))
            })?
        }
    }
    Ok(())
}

/// Export formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line: a header, the events, the checkpoints.
    #[default]
    Jsonl,
    /// RFC 4180 CSV, one row per event or checkpoint.
    Csv,
}

impl ExportFormat {
    fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
        }
    }
}

/// Runs `audit public-key`: the gateway's checkpoint signing key.
pub async fn public_key(profile: &str, out: Output) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let k: AuditKey = api.get("/v1/audit/public-key").await?;
    match out {
        Output::Json => print_json(&k),
        Output::Text => println!("{}", k.public_key),
    }
    Ok(())
}

/// Runs `audit verify`, offline: exit 0 when the export verifies, 1 naming the first bad event
/// otherwise. `key` is the base64 public key, or a file holding it.
pub fn verify(
    file: &std::path::Path,
    key: &str,
    previous: Option<&std::path::Path>,
    out: Output,
) -> Result<(), Failure> {
    let fail = |m: String| Failure::new(ExitKind::Failure, m);
    let key_text = match std::fs::read_to_string(key) {
        Ok(t) => t,
        Err(_) => key.to_string(),
    };
    let public = base64::engine::general_purpose::STANDARD
        .decode(key_text.trim())
        .ok()
        .filter(|k| k.len() == 32)
        .ok_or_else(|| {
            Failure::new(
                ExitKind::Usage,
                "--public-key: not a base64 Ed25519 public key, nor a file holding one \
                 (get it with `hoopctl audit public-key`, or `hoopctl gateway audit-key` on the gateway host)",
            )
        })?;
    let read = |file: &std::path::Path| -> Result<(Vec<chain::Record>, chain::Verified), Failure> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| fail(format!("cannot read {}: {e}", file.display())))?;
        let records = chain::parse_export(&text)
            .map_err(|e| fail(format!("{}: not a readable export: {e}", file.display())))?;
        let v = chain::verify(&records, &public)
            .map_err(|b| fail(format!("{}: does NOT verify: {b}", file.display())))?;
        Ok((records, v))
    };
    let (records, v) = read(file)?;
    let continuity = match previous {
        Some(p) => {
            let (earlier, _) = read(p)?;
            Some(chain::extends(&earlier, &records).map_err(|b| {
                fail(format!(
                    "{}: does NOT continue {}: {b}",
                    file.display(),
                    p.display()
                ))
            })?)
        }
        None => None,
    };
    match out {
        Output::Json => print_json(&serde_json::json!({
            "events": v.events, "first": v.first, "last": v.last,
            "checkpoints": v.checkpoints, "head": v.head, "since": v.since,
            "exported_at": v.exported_at, "continues_previous": continuity,
        })),
        Output::Text => match (v.first, v.last) {
            (Some(a), Some(b)) => println!(
                "{}: OK — {} events ({a}..{b}) chained, {} signed checkpoint(s) by key {}; \
                 the whole export, as its signed manifest says",
                file.display(),
                v.events,
                v.checkpoints,
                chain::key_id(&public)
            ),
            _ => println!(
                "{}: OK — no events (the gateway's signed manifest says so; its chain's head was event {})",
                file.display(),
                v.head
            ),
        },
    }
    if let (Output::Text, Some(c), Some(p)) = (out, &continuity, previous) {
        println!(
            "{}: continues {}: {} event(s) in both are identical, {} new",
            file.display(),
            p.display(),
            c.shared,
            c.new
        );
    }
    Ok(())
}
