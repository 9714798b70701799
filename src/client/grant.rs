//! `hoopctl grant …` and `hoopctl connections`: ask for access, wait for it, decide on others'.

use std::time::Duration;

use super::api::Api;
use super::{Output, print_json, spinner};
use crate::exit::{ExitKind, Failure};
use crate::proto::api::{Connection, DecisionRequest, Grant, GrantRequest, GrantStatus};

const POLL: Duration = Duration::from_secs(1);

fn describe(g: &Grant) -> String {
    let mut s = format!("{}  {}  {:?}  {}", g.id, g.connection, g.status, g.identity);
    if let Some(e) = &g.expires_at {
        s.push_str(&format!("  until {e}"));
    }
    s.push_str(&format!("  reason: {}", g.reason));
    s
}

/// How to get a pending grant approved, in one sentence.
pub fn approval_hint(g: &Grant) -> String {
    let who = if g.approver_groups.is_empty() {
        "a reviewer".to_string()
    } else {
        format!("a reviewer (e.g. in {})", g.approver_groups.join(" or "))
    };
    match &g.review_id {
        Some(r) => format!(
            "grant {} for {} is waiting for approval (review {r}): {who} runs `hoopctl review approve {r}` (or `hoopctl grant approve {}`)",
            g.id, g.connection, g.id
        ),
        None => format!(
            "grant {} for {} is waiting for approval: {who} runs `hoopctl grant approve {}`",
            g.id, g.connection, g.id
        ),
    }
}

/// Lists connections.
pub async fn connections(profile: &str, out: Output) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let list: Vec<Connection> = api.get("/v1/connections").await?;
    match out {
        Output::Json => print_json(&list),
        Output::Text if list.is_empty() => {
            eprintln!("No connection is open to you on this gateway.")
        }
        Output::Text => {
            println!("{:<20} {:<10} {:<10} DESCRIPTION", "NAME", "KIND", "ACCESS");
            for c in list {
                let access = if c.access == "approval" {
                    "approval"
                } else {
                    "direct"
                };
                println!(
                    "{:<20} {:<10} {:<10} {}",
                    c.name, c.kind, access, c.description
                );
            }
        }
    }
    Ok(())
}

/// Requests a grant; with `wait`, blocks until it is decided or `timeout` passes.
pub async fn request(
    api: &Api,
    connection: &str,
    reason: &str,
    duration: Option<&str>,
    wait: Option<Duration>,
    out: Output,
) -> Result<Grant, Failure> {
    let g: Grant = api
        .post(
            "/v1/grants",
            &GrantRequest {
                connection: connection.to_string(),
                reason: reason.to_string(),
                duration: duration.map(str::to_string),
            },
        )
        .await?;
    match (g.status, wait) {
        (GrantStatus::Pending, Some(t)) => {
            if out == Output::Text {
                eprintln!("{}", approval_hint(&g));
            }
            wait_for(api, &g.id, t, out).await
        }
        (GrantStatus::Pending, None) => Ok(g),
        _ => Ok(g),
    }
}

/// Waits until a grant is active. Denied → exit "denied"; timeout → exit "approval pending".
pub async fn wait_for(
    api: &Api,
    id: &str,
    timeout: Duration,
    out: Output,
) -> Result<Grant, Failure> {
    let pb = spinner(out, &format!("waiting for approval of {id}…"));
    let deadline = tokio::time::Instant::now() + timeout;
    let result = loop {
        let g: Grant = match api.get(&format!("/v1/grants/{id}")).await {
            Ok(g) => g,
            Err(e) => break Err(e),
        };
        match g.status {
            GrantStatus::Active => break Ok(g),
            GrantStatus::Pending => {}
            GrantStatus::Denied => {
                break Err(Failure::new(
                    ExitKind::Denied,
                    format!(
                        "grant {id} was denied{}{}",
                        g.decided_by.map(|b| format!(" by {b}")).unwrap_or_default(),
                        g.decision_reason
                            .map(|r| format!(": {r}"))
                            .unwrap_or_default()
                    ),
                ));
            }
            s => {
                break Err(Failure::new(
                    ExitKind::Failure,
                    format!("grant {id} is {s:?}; request a new one"),
                ));
            }
        }
        if tokio::time::Instant::now() >= deadline {
            break Err(Failure::new(
                ExitKind::ApprovalPending,
                format!(
                    "grant {id} is still pending after {}; an approver can run `hoopctl grant approve {id}`, then run this again",
                    crate::clock::fmt_duration(timeout)
                ),
            ));
        }
        tokio::time::sleep(POLL).await;
    };
    if let Some(pb) = pb {
        pb.finish_and_clear();
    }
    result
}

/// `grant request`.
pub async fn request_cmd(
    profile: &str,
    connection: &str,
    reason: &str,
    duration: Option<&str>,
    wait: Option<Duration>,
    out: Output,
) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let g = request(&api, connection, reason, duration, wait, out).await?;
    match out {
        Output::Json => print_json(&g),
        Output::Text => println!("{}", describe(&g)),
    }
    if g.status == GrantStatus::Pending {
        return Err(Failure::new(
            ExitKind::ApprovalPending,
            format!(
                "{}; wait for it with `hoopctl grant request … --wait` or `hoopctl connect {} --wait`",
                approval_hint(&g),
                g.connection
            ),
        ));
    }
    Ok(())
}

/// `grant list`.
pub async fn list(profile: &str, pending: bool, all: bool, out: Output) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let mut q = Vec::new();
    if pending {
        q.push("status=pending");
    }
    if all {
        q.push("all=true");
    }
    let path = if q.is_empty() {
        "/v1/grants".to_string()
    } else {
        format!("/v1/grants?{}", q.join("&"))
    };
    let grants: Vec<Grant> = api.get(&path).await?;
    match out {
        Output::Json => print_json(&grants),
        Output::Text if grants.is_empty() => eprintln!("No grants."),
        Output::Text => {
            for g in grants {
                println!("{}", describe(&g));
            }
        }
    }
    Ok(())
}

/// `grant approve|deny|revoke`.
pub async fn decide(
    profile: &str,
    verb: &str,
    id: &str,
    reason: Option<String>,
    out: Output,
) -> Result<(), Failure> {
    post_decision(
        profile,
        &format!("/v1/grants/{id}/{verb}"),
        reason,
        out,
        describe,
    )
    .await
}

/// POSTs a decision (`{reason}`) and prints what the gateway answers.
pub async fn post_decision<T: serde::de::DeserializeOwned + serde::Serialize>(
    profile: &str,
    path: &str,
    reason: Option<String>,
    out: Output,
    describe: fn(&T) -> String,
) -> Result<(), Failure> {
    let api = Api::open(profile).await?;
    let v: T = api.post(path, &DecisionRequest { reason }).await?;
    match out {
        Output::Json => print_json(&v),
        Output::Text => println!("{}", describe(&v)),
    }
    Ok(())
}
