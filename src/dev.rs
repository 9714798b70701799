//! `hoopctl dev`: the whole product on one machine, in one process, no Docker.
//!
//! Creates a throwaway data dir, a dev user (groups developers/approvers/admins), a `demo`
//! connection to a `hoopctl_demo` database seeded with synthetic patients and a role whose
//! password only the gateway knows, starts the gateway, logs the dev user in under the
//! profile `dev`, and prints what to type next.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Executor, Row};
use tokio::net::TcpListener;

use crate::cli::DevArgs;
use crate::client::profile::{self, Credentials, Profile};
use crate::client::{Output, print_json};
use crate::clock::now_ms;
use crate::exit::{ExitKind, Failure};
use crate::gateway::config::Config;
use crate::gateway::{Gateway, auth, serve};
use crate::secret::Secret;

const DEMO_DB: &str = "hoopctl_demo";
const DEMO_ROLE: &str = "hoopctl_demo_app";

fn fail(msg: impl Into<String>) -> Failure {
    Failure::new(ExitKind::Failure, msg)
}

/// Creates the demo database, role and table; returns (host, port) of the server.
async fn seed(url: &str, role_password: &str) -> Result<(String, u16), Failure> {
    let opts = PgConnectOptions::from_str(url)
        .map_err(|e| {
            Failure::new(
                ExitKind::Usage,
                format!("--postgres {url:?} is not a PostgreSQL URL: {e}"),
            )
        })?
        .disable_statement_logging();
    let host = opts.get_host().to_string();
    let port = opts.get_port();
    let unreachable = |e: sqlx::Error| {
        fail(format!(
            "cannot reach PostgreSQL at {url}: {e}\nStart a local server, or point hoopctl dev at one: hoopctl dev --postgres postgresql://USER@HOST:PORT/postgres"
        ))
    };
    let admin = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(opts.clone())
        .await
        .map_err(unreachable)?;
    let exists: bool = sqlx::query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(DEMO_DB)
        .fetch_one(&admin)
        .await
        .map_err(unreachable)?
        .get(0);
    if !exists {
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {DEMO_DB}")))
            .await
            .map_err(|e| {
                fail(format!(
                    "cannot create database {DEMO_DB}: {e} (the --postgres role needs CREATEDB)"
                ))
            })?;
    }
    let role_exists: bool =
        sqlx::query("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(DEMO_ROLE)
            .fetch_one(&admin)
            .await
            .map_err(unreachable)?
            .get(0);
    // The password is random per run and quoted as a literal: it is generated, never user input.
    let verb = if role_exists { "ALTER" } else { "CREATE" };
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "{verb} ROLE {DEMO_ROLE} LOGIN PASSWORD '{role_password}'"
        )))
        .await
        .map_err(|e| {
            fail(format!(
                "cannot create role {DEMO_ROLE}: {e} (the --postgres role needs CREATEROLE)"
            ))
        })?;
    admin.close().await;
    let demo = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(opts.database(DEMO_DB))
        .await
        .map_err(unreachable)?;
    let script = format!(
        "CREATE TABLE IF NOT EXISTS patients (
            id serial PRIMARY KEY, mrn text NOT NULL, name text NOT NULL, ssn text NOT NULL,
            dob date NOT NULL, email text NOT NULL);
         INSERT INTO patients (mrn, name, ssn, dob, email)
         SELECT 'MRN' || lpad(g::text, 7, '0'), 'Patient ' || g,
                lpad((100 + g)::text, 3, '0') || '-' || lpad((10 + g % 80)::text, 2, '0') || '-' || lpad((1000 + g)::text, 4, '0'),
                date '1950-01-01' + (g * 97) % 20000, 'patient' || g || '@example.org'
         FROM generate_series(1, 50) g WHERE NOT EXISTS (SELECT 1 FROM patients);
         GRANT CONNECT ON DATABASE {DEMO_DB} TO {DEMO_ROLE};
         GRANT SELECT, INSERT, UPDATE, DELETE ON patients TO {DEMO_ROLE};
         GRANT USAGE ON SEQUENCE patients_id_seq TO {DEMO_ROLE};"
    );
    demo.execute(sqlx::AssertSqlSafe(script))
        .await
        .map_err(|e| fail(format!("cannot seed {DEMO_DB}: {e}")))?;
    demo.close().await;
    Ok((host, port))
}

fn config_text(listen: &str, pg_host: &str, pg_port: u16, hash: &str) -> String {
    format!(
        r#"[gateway]
listen = "{listen}"
data_dir = "."

[[auth.users]]
name = "dev"
password_hash = "{hash}"
groups = ["developers", "approvers", "admins"]

[policy]
files = ["policy.cedar"]

# Inline PHI masking (docs/masking.md). The demo connection uses it: SSNs become stable tokens,
# MRNs are redacted, e-mail addresses keep their last 4 characters, names are redacted by column
# rule (through views and aliases too), dates of birth become NULL. Edit, then `kill -HUP` the
# gateway to reload.
[masking]
key = {{ file = "mask.key" }}
# Who sees raw values is a policy decision: permit `unmask` on the connection (policy.cedar).

[masking.profiles.phi]
detectors = {{ ssn = "token", mrn = "redact", email = {{ action = "partial", keep = 4 }}, phone = "redact", credit_card = "redact", npi = "redact", ipv4 = "redact", ipv6 = "redact", dob = "redact" }}
columns = [{{ column = "public.patients.name", action = "redact" }}]
# dob_columns = ["*.*.dob", "*.*.date_of_birth", "*.*.birth_date", "*.*.birthdate"]   # the default

[connections.demo]
kind = "postgres"
host = "{pg_host}"
port = {pg_port}
database = "{DEMO_DB}"
user = "{DEMO_ROLE}"
password = {{ file = "demo.password" }}
description = "synthetic patients in {DEMO_DB} (hoopctl dev)"
# Delete this line (and restart) to see the raw values.
masking = "phi"

# Record-level access accounting (docs/audit.md): every MRN a session receives is on record, so
#   hoopctl audit who-accessed --connection demo --table patients --key MRN0000001
# lists the sessions that received that patient.
[connections.demo.tables."public.patients"]
tags = ["phi"]
key = "mrn"
"#
    )
}

/// Runs `hoopctl dev` until Ctrl-C.
pub async fn run(args: DevArgs, profile_name: &str, out: Output) -> anyhow::Result<()> {
    let profile_name = if profile_name == "default" {
        "dev"
    } else {
        profile_name
    };
    let role_password = auth::new_token("")[..24].replace(['-', '_'], "x");
    let (pg_host, pg_port) = seed(&args.postgres, &role_password).await?;
    let tmp;
    let dir: PathBuf = match &args.data_dir {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => {
            tmp = tempfile::Builder::new().prefix("hoopctl-dev-").tempdir()?;
            tmp.path().to_path_buf()
        }
    };
    let listener = match TcpListener::bind(&args.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!(
                "note: cannot listen on {} ({e}); using an ephemeral port",
                args.listen
            );
            TcpListener::bind("127.0.0.1:0").await?
        }
    };
    let addr = listener.local_addr()?;
    let dev_password = auth::new_token("")[..16].to_string();
    let hash = auth::hash_password(&dev_password).map_err(fail)?;
    crate::gateway::ca::write_private(&dir.join("demo.password"), &role_password)?;
    crate::gateway::ca::write_private(&dir.join("mask.key"), &auth::new_token(""))?;
    std::fs::write(
        dir.join("policy.cedar"),
        format!(
            "{}\n// hoopctl dev: the one dev user reviews their own held statements and grants.\n@id(\"dev-approves-own\")\npermit (principal == User::\"dev\", action == Action::\"approve_own\", resource);\n",
            crate::gateway::policy::DEFAULT_POLICY
        ),
    )?;
    let cfg_path = dir.join("gateway.toml");
    std::fs::write(
        &cfg_path,
        config_text(&addr.to_string(), &pg_host, pg_port, &hash),
    )?;
    let cfg = Config::load(&cfg_path)?;
    let gw = Gateway::open(cfg).await?;
    let base = format!("https://{addr}");
    login_dev(&gw, profile_name, &base).await?;
    let pf = if profile_name == "dev" {
        "HOOPCTL_PROFILE=dev".to_string()
    } else {
        format!("HOOPCTL_PROFILE={profile_name}")
    };
    match out {
        Output::Json => print_json(&serde_json::json!({
            "gateway": base, "profile": profile_name, "data_dir": dir, "user": "dev",
            "password": dev_password, "connection": "demo", "database": DEMO_DB,
        })),
        Output::Text => eprintln!(
            "hoopctl dev: gateway on {base} (data in {})\n\
             Logged in as \"dev\" under profile \"{profile_name}\". In another terminal:\n\n  \
             export {pf}\n  \
             hoopctl connections\n  \
             hoopctl connect demo --reason \"try hoopctl\" -- psql -c 'select id, mrn, name, ssn, dob, email from patients limit 5'\n  \
             hoopctl connect demo --reason \"try hoopctl\" -- psql -c 'update patients set email = lower(email)'   # held for review:\n  \
             hoopctl review list && hoopctl review approve rv_…                                          # …from a third terminal\n  \
             hoopctl audit list\n  \
             hoopctl sessions list && hoopctl sessions replay se_…                                       # every session, as psql showed it\n  \
             hoopctl audit who-accessed --connection demo --table patients --key MRN0000001            # who received that patient\n  \
             hoopctl audit export --out audit.jsonl && hoopctl audit verify audit.jsonl --public-key \"$(hoopctl audit public-key)\"\n\n\
             SSNs, MRNs, e-mail addresses, names and dates of birth are masked on the wire (masking = \"phi\" in {}/gateway.toml).\n\
             Per-statement policy is in {}/policy.cedar: an UPDATE or DELETE without WHERE waits for a review.\n\
             Device login page: {base}/device (user dev, password {dev_password})\n\
             Press Ctrl-C to stop{}.",
            dir.display(),
            dir.display(),
            dir.display(),
            if args.data_dir.is_some() {
                ""
            } else {
                "; the data directory is then removed"
            },
        ),
    }
    serve::run(listener, gw, crate::client::connect::shutdown_signal()).await?;
    let _ = profile::delete_credentials(profile_name).await;
    let _ = profile::remove(profile_name);
    eprintln!("hoopctl dev stopped.");
    Ok(())
}

async fn login_dev(gw: &Gateway, profile_name: &str, base: &str) -> anyhow::Result<()> {
    let ttl = 12 * 3600 * 1000;
    let t = auth::issue_tokens(&gw.store, &gw.config, "dev", None, ttl, false, None).await?;
    let ca_dir = profile::config_dir()?.join("ca");
    std::fs::create_dir_all(&ca_dir)?;
    let ca_file = ca_dir.join(format!("{profile_name}.pem"));
    std::fs::write(&ca_file, gw.ca.cert_pem())?;
    let mut p = Profile {
        gateway: base.to_string(),
        ca_file: Some(ca_file),
        credentials: String::new(),
    };
    let creds = Credentials {
        access_token: Secret::new(t.access_token),
        refresh_token: None,
        expires_at: now_ms() + ttl,
    };
    profile::store_credentials(profile_name, &mut p, &creds).await?;
    profile::save(profile_name, &p)?;
    Ok(())
}
