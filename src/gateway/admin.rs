//! Gateway operator commands: `serve`, `check`, `token`.

use std::path::Path;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::client::{Output, print_json};
use crate::exit::{ExitKind, Failure};
use crate::gateway::config::Config;
use crate::gateway::policy::Policy;
use crate::gateway::store::{NewEvent, Store};
use crate::gateway::{Gateway, auth, serve as listener};

fn load(path: &Path) -> Result<Config, Failure> {
    Config::load(path).map_err(|e| {
        Failure::new(
            ExitKind::Failure,
            format!(
                "{e}\n(see docs/config.md; test changes with `hoopctl gateway check --config {}`)",
                path.display()
            ),
        )
    })
}

/// `gateway serve`.
pub async fn serve(config: &Path) -> anyhow::Result<()> {
    let mut cfg = load(config)?;
    let listen = cfg.gateway.listen;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| Failure::new(ExitKind::Failure, format!("cannot listen on {listen}: {e}")))?;
    let addr = listener.local_addr()?;
    // With port 0 (tests), URLs handed to clients must name the port actually bound.
    if cfg.gateway.public_url.is_none() {
        cfg.gateway.public_url = Some(format!("https://{addr}"));
    }
    let gw = Gateway::open(cfg).await?;
    #[cfg(unix)]
    reload_on_hangup(gw.clone(), config.to_path_buf());
    tracing::info!(%addr, "gateway listening");
    eprintln!("hoopctl gateway listening on https://{addr} (API and tunnel)");
    listener::run(listener, gw, crate::client::connect::shutdown_signal()).await?;
    eprintln!("hoopctl gateway stopped");
    Ok(())
}

/// SIGHUP re-reads the masking profiles and the policies (`Gateway::reload`).
#[cfg(unix)]
fn reload_on_hangup(gw: std::sync::Arc<Gateway>, path: std::path::PathBuf) {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut hup) = signal(SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP; masking and policy changes need a restart");
        return;
    };
    tokio::spawn(async move {
        while hup.recv().await.is_some() {
            match gw.reload(&path).await {
                Ok((m, p)) => {
                    tracing::info!(
                        masking = m,
                        policy = p,
                        "masking profiles and policies reloaded"
                    );
                    eprintln!(
                        "hoopctl gateway: masking profiles (generation {m}) and policies (generation {p}) reloaded"
                    );
                }
                Err(e) => {
                    tracing::error!(error = %e, "reload refused");
                    eprintln!(
                        "hoopctl gateway: reload refused, the masking profiles and policies in force stay: {e}\n\
                         (fix the file, check it with `hoopctl gateway check --config {}`, then send SIGHUP again)",
                        path.display()
                    );
                }
            }
        }
    });
}

/// `gateway mask-test`: what a masking profile does to `value` (`-`: each line of stdin).
pub fn mask_test(
    config: &Path,
    connection: Option<&str>,
    profile: Option<&str>,
    column: Option<&str>,
    value: &str,
    out: Output,
) -> Result<(), Failure> {
    use crate::gateway::masking::{Counts, Masked};
    let cfg = load(config)?;
    let usage = |m: String| Failure::new(ExitKind::Usage, m);
    let names: Vec<&String> = cfg.masking.profiles.keys().collect();
    let name = match (connection, profile) {
        (Some(c), _) => cfg
            .connections
            .get(c)
            .ok_or_else(|| usage(format!("no connection {c:?} in the config")))?
            .masking
            .clone()
            .ok_or_else(|| usage(format!("connection {c:?} has no masking profile")))?,
        (None, Some(p)) => p.to_string(),
        (None, None) if names.len() == 1 => names[0].clone(),
        (None, None) => {
            return Err(usage(format!(
                "which profile? pass --mask-profile or --connection (profiles: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            )));
        }
    };
    // The same compilation the gateway does at start.
    let maskers =
        crate::gateway::masking::compile(&cfg).map_err(|e| Failure::new(ExitKind::Failure, e))?;
    let m = maskers
        .get(&name)
        .ok_or_else(|| usage(format!("no [masking.profiles.{name}] in the config")))?;
    let values: Vec<String> = if value == "-" {
        std::io::stdin()
            .lines()
            .collect::<Result<_, _>>()
            .map_err(|e| Failure::new(ExitKind::Failure, format!("reading stdin: {e}")))?
    } else {
        vec![value.to_string()]
    };
    if let Some(c) = column
        && c.split('.').count() != 3
    {
        return Err(usage(format!(
            "--column {c:?}: name it as schema.table.column, e.g. public.patients.name"
        )));
    }
    let rule = column.and_then(|c| m.column_rule(&[c]));
    let rule_text = rule
        .and_then(|r| m.rule(r))
        .map(|(action, label)| format!("column rule {label} ({action})"));
    for v in values {
        // Under a column rule the whole cell is replaced and the detectors do not run.
        let found = if rule.is_some() {
            Vec::new()
        } else {
            m.explain(&v)
        };
        let masked = match rule {
            Some(r) => m
                .mask_column(r, v.as_bytes(), &mut Counts::default())
                .map(|b| String::from_utf8_lossy(&b).into_owned()),
            None => match m.mask_text(&v, &mut Counts::default()) {
                Masked::Text(t) => Some(t.into_owned()),
                Masked::Null => None,
            },
        };
        match out {
            Output::Json => print_json(&serde_json::json!({
                "profile": name, "input": v, "output": masked, "column_rule": rule_text,
                "findings": found.iter().map(|(f, a)| serde_json::json!({
                    "detector": f.kind.name(), "start": f.start, "end": f.end, "action": a.to_string(),
                })).collect::<Vec<_>>(),
            })),
            Output::Text => {
                println!("in:  {v}");
                println!("out: {}", masked.as_deref().unwrap_or("NULL"));
                if let Some(r) = &rule_text {
                    println!("  {r}");
                } else if let Some(c) = column {
                    println!("  no column rule matches {c}: the detectors apply");
                }
                for (f, a) in &found {
                    println!("  {:<12} {:>4}..{:<4} {}", f.kind.name(), f.start, f.end, a);
                }
            }
        }
    }
    Ok(())
}

/// `gateway check`: config, policies, secret references.
pub async fn check(config: &Path, online: bool, out: Output) -> Result<(), Failure> {
    let cfg = load(config)?;
    let mut problems = Vec::new();
    let policies = match Policy::load(&cfg.policy_files()) {
        Ok(p) => p.len(),
        Err(errs) => {
            problems.extend(errs);
            0
        }
    };
    if let Some(k) = &cfg.masking.key
        && let Err(e) = k.resolve(&cfg.base_dir)
    {
        problems.push(format!("masking.key: {e}"));
    }
    for (name, c) in &cfg.connections {
        if let Some(pw) = &c.password
            && let Err(e) = pw.resolve(&cfg.base_dir)
        {
            problems.push(format!("connections.{name}.password: {e}"));
        }
        if let Some(ca) = &c.ca_file
            && !cfg.base_dir.join(ca).exists()
        {
            problems.push(format!(
                "connections.{name}.ca_file: {} does not exist",
                ca.display()
            ));
        }
    }
    for w in &cfg.reviews.webhooks {
        if let Some(k) = &w.secret
            && let Err(e) = k.resolve(&cfg.base_dir)
        {
            problems.push(format!("reviews.webhooks {}: secret: {e}", w.url));
        }
    }
    for o in &cfg.auth.oidc {
        if let Err(e) = o.client_secret.resolve(&cfg.base_dir) {
            problems.push(format!("auth.oidc {:?}: client_secret: {e}", o.name));
        }
    }
    let mut reached = Vec::new();
    if online && problems.is_empty() {
        let mut results = Vec::new();
        match crate::gateway::oidc::Providers::new(&cfg) {
            Ok(p) => results.extend(
                p.probe()
                    .await
                    .into_iter()
                    .map(|(n, r)| (format!("auth.oidc {n:?}"), r)),
            ),
            Err(e) => problems.push(e),
        }
        match crate::gateway::workload::Workloads::new(&cfg.auth.workload) {
            Ok(w) => results.extend(
                w.probe()
                    .await
                    .into_iter()
                    .map(|(n, r)| (format!("auth.workload {n:?}"), r)),
            ),
            Err(e) => problems.push(e),
        }
        for (what, r) in results {
            match r {
                Ok(m) => reached.push(format!("{what}: {m}")),
                Err(e) => problems.push(format!("{what}: {e}")),
            }
        }
    }
    if !problems.is_empty() {
        return Err(Failure::new(
            ExitKind::Failure,
            format!(
                "{} problem(s):\n  {}",
                problems.len(),
                problems.join("\n  ")
            ),
        ));
    }
    match out {
        Output::Json => print_json(&serde_json::json!({
            "ok": true, "connections": cfg.connections.len(), "users": cfg.auth.users.len(), "policies": policies, "reached": reached,
        })),
        Output::Text => {
            println!(
                "{}: OK ({} connection(s), {} user(s), {} polic{})",
                config.display(),
                cfg.connections.len(),
                cfg.auth.users.len(),
                policies,
                if policies == 1 { "y" } else { "ies" }
            );
            for r in &reached {
                println!("  {r}");
            }
        }
    }
    Ok(())
}

/// What `policy test` asks.
#[derive(Debug, Clone, Default)]
pub struct PolicyTest {
    /// Identity name (a user or service account of the config), or `User::"name"`.
    pub principal: String,
    /// A SQL string to decide as the proxy would.
    pub sql: Option<String>,
    /// Its connection.
    pub connection: Option<String>,
    /// The grant reason it runs under.
    pub reason: String,
    /// The session's search_path.
    pub search_path: Option<String>,
    /// A single action…
    pub action: Option<String>,
    /// …on this resource (`Connection::"pg"`, `Table::"pg/public.orders"`)…
    pub resource: Option<String>,
    /// …with this context merged over the action's defaults (JSON).
    pub context: Option<String>,
}

/// `policy test`: explains a decision offline, from the config and its policy files. Exit 0
/// when allowed, 4 when allowed once approved (a review), 3 when denied.
pub fn policy_test(config: &Path, t: &PolicyTest, out: Output) -> Result<(), Failure> {
    use crate::gateway::policy::{Scope, Verdict, verdict};
    let usage = |m: String| Failure::new(ExitKind::Usage, m);
    let cfg = load(config)?;
    let policy = Policy::load(&cfg.policy_files()).map_err(|errs| {
        Failure::new(
            ExitKind::Failure,
            format!("policy errors:\n  {}", errs.join("\n  ")),
        )
    })?;
    let name = t
        .principal
        .rsplit_once("::")
        .map(|(_, n)| n.trim_matches('"'))
        .unwrap_or(&t.principal);
    let principal = auth::principal_for(&cfg, name).ok_or_else(|| {
        usage(format!(
            "no user or service account {name:?} in {}",
            config.display()
        ))
    })?;
    let now = crate::clock::now_ms();
    let mut parser_error = None;
    let mut summary = None;
    let asks = match (&t.sql, &t.action) {
        (Some(sql), None) => {
            let conn_name = t.connection.as_deref().ok_or_else(|| {
                usage("--sql needs --connection NAME (the connection it runs on)".into())
            })?;
            let conn = cfg.connections.get(conn_name).ok_or_else(|| {
                usage(format!(
                    "no connection {conn_name:?} in {}",
                    config.display()
                ))
            })?;
            let path = t
                .search_path
                .as_deref()
                .map(crate::gateway::sql::SearchPath::parse)
                .unwrap_or_default();
            let i = crate::gateway::sql::inspect(sql, &path);
            parser_error = i.error.clone();
            summary = Some(i.summary());
            let scope = Scope {
                principal: &principal,
                connection: conn_name,
                connection_kind: conn.kind.as_str(),
                tables: &conn.tables,
                reason: &t.reason,
                ci: None,
                now_ms: now,
            };
            policy
                .explain_statement(&scope, &i, false)
                .map_err(|e| Failure::new(ExitKind::Failure, e))?
        }
        (None, Some(action)) => {
            let resource = t.resource.as_deref().ok_or_else(|| {
                usage("--action needs --resource, e.g. 'Table::\"pg/public.orders\"'".into())
            })?;
            let overrides = match &t.context {
                Some(c) => serde_json::from_str(c)
                    .map_err(|e| usage(format!("--context is not JSON: {e}")))?,
                None => serde_json::json!({}),
            };
            vec![
                policy
                    .explain_request(
                        &principal,
                        action,
                        resource,
                        &cfg.connections,
                        &overrides,
                        now,
                    )
                    .map_err(usage)?,
            ]
        }
        _ => {
            return Err(usage(
                "give either --sql SQL --connection NAME, or --action ACTION --resource RESOURCE [--context JSON]".into(),
            ));
        }
    };
    let v = verdict(&asks);
    let (word, exit) = match &v {
        Verdict::Allow => ("allow", None),
        Verdict::Hold(_) => ("review", Some(ExitKind::ApprovalPending)),
        Verdict::Refuse(_) => ("deny", Some(ExitKind::Denied)),
    };
    match out {
        Output::Json => print_json(&serde_json::json!({
            "verdict": word,
            "principal": principal.name,
            "classification": summary,
            "parser_error": parser_error,
            "requests": asks.iter().map(|a| serde_json::json!({
                "action": a.action, "resource": a.resource, "allowed": a.allowed,
                "allowed_once_approved": a.once_approved, "rules": a.rules, "statement_kind": a.kind,
            })).collect::<Vec<_>>(),
        })),
        Output::Text => {
            println!(
                "principal   {} ({}; groups: {})",
                principal.name,
                principal.kind.as_str(),
                if principal.groups.is_empty() {
                    "none".to_string()
                } else {
                    principal.groups.join(", ")
                }
            );
            if let Some(s) = &summary {
                println!("sql         {s}");
            }
            if let Some(e) = &parser_error {
                println!("parser      {e}");
            }
            if asks.is_empty() {
                println!("requests    none (the grant's `connect` covers it)");
            }
            for a in &asks {
                let outcome = match (a.allowed, a.once_approved) {
                    (true, _) => "allow",
                    (false, true) => "review",
                    (false, false) => "deny",
                };
                let rules = if a.rules.is_empty() {
                    if a.allowed {
                        String::new()
                    } else {
                        "no policy permits it".to_string()
                    }
                } else {
                    a.rules.join(", ")
                };
                println!(
                    "request     {:<7} {:<44} {:<7} {rules}",
                    a.action, a.resource, outcome
                );
            }
            match &v {
                Verdict::Allow => println!("verdict     allow"),
                Verdict::Hold(h) => println!(
                    "verdict     review: held until a reviewer approves ({})",
                    h.join(", ")
                ),
                Verdict::Refuse(r) => println!(
                    "verdict     deny: `{}` on {} ({})",
                    r.action,
                    r.resource,
                    if r.rules.is_empty() {
                        "no policy permits it".to_string()
                    } else {
                        format!("forbidden by {}", r.rules.join(", "))
                    }
                ),
            }
        }
    }
    match exit {
        None => Ok(()),
        Some(k) => Err(Failure::new(k, format!("policy test: {word}"))),
    }
}

/// `gateway token`: mints an access token directly in the store.
pub async fn mint_token(
    config: &Path,
    user: &str,
    ttl: Duration,
    out: Output,
) -> anyhow::Result<()> {
    let cfg = load(config)?;
    if cfg.user(user).is_none() {
        return Err(Failure::new(
            ExitKind::Usage,
            format!("no user {user:?} in {}", config.display()),
        )
        .into());
    }
    if ttl < Duration::from_secs(60) || ttl > Duration::from_secs(30 * 86400) {
        return Err(Failure::new(ExitKind::Usage, "--ttl must be between 1m and 30d").into());
    }
    let data_dir = cfg.data_dir();
    std::fs::create_dir_all(&data_dir)?;
    let store = Store::open(&data_dir).await?;
    let t = auth::issue_tokens(
        &store,
        &cfg,
        user,
        None,
        ttl.as_millis() as i64,
        false,
        None,
    )
    .await?;
    let detail = format!(
        "minted with `hoopctl gateway token`, ttl {}",
        crate::clock::fmt_duration(ttl)
    );
    store
        .insert_event(&NewEvent {
            kind: "token_minted",
            identity: Some(user),
            outcome: Some("ok"),
            detail: Some(&detail),
            ..Default::default()
        })
        .await?;
    match out {
        Output::Json => print_json(
            &serde_json::json!({"access_token": t.access_token, "expires_in": t.expires_in, "user": user}),
        ),
        Output::Text => println!("{}", t.access_token),
    }
    Ok(())
}

/// `gateway audit-key`: the checkpoint signing key's public half, from the data directory.
pub fn audit_key(config: &Path, out: Output) -> Result<(), Failure> {
    let cfg = load(config)?;
    let signer = crate::gateway::chain::Signer::load(&cfg.data_dir())
        .map_err(|e| Failure::new(ExitKind::Failure, format!("{e:#}")))?;
    match out {
        Output::Json => crate::client::print_json(&crate::proto::api::AuditKey {
            algorithm: "ed25519".into(),
            public_key: signer.public_key_base64(),
            key_id: signer.key_id().to_string(),
        }),
        Output::Text => println!("{}", signer.public_key_base64()),
    }
    Ok(())
}
