//! `hoopctl audit list`: read the gateway's audit log (admins).

use super::api::{Api, query_escape};
use super::{Output, print_json};
use crate::exit::Failure;
use crate::proto::api::AuditEvent;

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
    let mut q = Vec::new();
    for (k, v) in [
        ("since", &f.since),
        ("connection", &f.connection),
        ("identity", &f.identity),
        ("session", &f.session),
        ("repository", &f.repository),
        ("run", &f.run),
    ] {
        if let Some(v) = v {
            q.push(format!("{k}={}", query_escape(v)));
        }
    }
    if let Some(l) = f.limit {
        q.push(format!("limit={l}"));
    }
    let path = if q.is_empty() {
        "/v1/audit".into()
    } else {
        format!("/v1/audit?{}", q.join("&"))
    };
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
                println!("{line}");
            }
        }
    }
    Ok(())
}
