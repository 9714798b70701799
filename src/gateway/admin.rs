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
    tracing::info!(%addr, "gateway listening");
    eprintln!("hoopctl gateway listening on https://{addr} (API and tunnel)");
    listener::run(listener, gw, crate::client::connect::shutdown_signal()).await?;
    eprintln!("hoopctl gateway stopped");
    Ok(())
}

/// `gateway check`: config, policies, secret references.
pub fn check(config: &Path, out: Output) -> Result<(), Failure> {
    let cfg = load(config)?;
    let mut problems = Vec::new();
    let policies = match Policy::load(&cfg.policy_files()) {
        Ok(p) => p.len(),
        Err(errs) => {
            problems.extend(errs);
            0
        }
    };
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
            "ok": true, "connections": cfg.connections.len(), "users": cfg.auth.users.len(), "policies": policies,
        })),
        Output::Text => println!(
            "{}: OK ({} connection(s), {} user(s), {} polic{})",
            config.display(),
            cfg.connections.len(),
            cfg.auth.users.len(),
            policies,
            if policies == 1 { "y" } else { "ies" }
        ),
    }
    Ok(())
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
