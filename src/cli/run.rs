//! Dispatch: resolved arguments in, library calls out, an exit code back.

use std::io::Read;

use clap::CommandFactory;

use super::{
    AdminCommand, AdminIdentitiesCommand, AdminSessionsCommand, AuditCommand, Cli, Command,
    GatewayCommand, GrantCommand, PolicyCommand, ReviewCommand, SessionsCommand,
};
use crate::client::{audit, ci, connect, grant, login, review, sessions};
use crate::exit::{ExitKind, Failure};
use crate::gateway;

/// Runs the parsed command line; returns the process exit code.
pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    let p = cli.profile.as_str();
    let out = cli.output;
    if cli.ci {
        ci::activate(ci::CiOptions {
            provider: cli.provider,
            audience: cli.audience,
            token_env: cli.token_env,
            token_file: cli.token_file,
        });
    } else if cli.provider != ci::Provider::Auto
        || cli.audience.is_some()
        || cli.token_env.is_some()
        || cli.token_file.is_some()
    {
        return Err(Failure::new(
            ExitKind::Usage,
            "--provider, --audience, --token-env and --token-file go with --ci",
        )
        .into());
    }
    match cli.command {
        Command::Login(a) => {
            let opts = login::LoginOptions {
                gateway: a.gateway,
                ca_file: a.ca_file,
                token_stdin: a.token_stdin,
                save: a.save,
            };
            login::login(p, opts, out).await?;
        }
        Command::Logout => login::logout(p, out).await?,
        Command::Whoami => login::whoami(p, out).await?,
        Command::Connections => grant::connections(p, out).await?,
        Command::Grant(g) => match g {
            GrantCommand::Request {
                connection,
                reason,
                duration,
                wait,
            } => {
                grant::request_cmd(
                    p,
                    &connection,
                    &reason,
                    duration.as_deref(),
                    wait.wait(),
                    out,
                )
                .await?
            }
            GrantCommand::List { pending, all } => grant::list(p, pending, all, out).await?,
            GrantCommand::Approve { id, reason } => {
                grant::decide(p, "approve", &id, reason, out).await?
            }
            GrantCommand::Deny { id, reason } => grant::decide(p, "deny", &id, reason, out).await?,
            GrantCommand::Revoke { id, reason } => {
                grant::decide(p, "revoke", &id, reason, out).await?
            }
        },
        Command::Admin(AdminCommand::Sessions(AdminSessionsCommand::Revoke {
            identity,
            reason,
        })) => crate::client::sessions::identity_verb(p, "revoke", &identity, reason, out).await?,
        Command::Admin(AdminCommand::Identities(AdminIdentitiesCommand::Forget {
            identity,
            reason,
        })) => crate::client::sessions::identity_verb(p, "forget", &identity, reason, out).await?,
        Command::Admin(AdminCommand::Identities(AdminIdentitiesCommand::List)) => {
            crate::client::sessions::identities(p, out).await?
        }
        Command::Policy(PolicyCommand::Test(a)) => gateway::admin::policy_test(
            &a.config,
            &gateway::admin::PolicyTest {
                principal: a.principal,
                sql: a.sql,
                connection: a.connection,
                reason: a.reason,
                search_path: a.search_path,
                action: a.action,
                resource: a.resource,
                context: a.context,
            },
            out,
        )?,
        Command::Review(r) => match r {
            ReviewCommand::List { status, connection } => {
                review::list(p, status.as_deref(), connection.as_deref(), out).await?
            }
            ReviewCommand::Show { id } => review::show(p, &id, out).await?,
            ReviewCommand::Approve { id, reason } => {
                review::decide(p, "approve", &id, reason, out).await?
            }
            ReviewCommand::Deny { id, reason } => {
                review::decide(p, "deny", &id, reason, out).await?
            }
        },
        Command::Connect(a) => {
            let opts = connect::ConnectOptions {
                connection: a.connection,
                port: a.port,
                reason: a.reason,
                duration: a.duration,
                wait: a.wait.wait(),
                command: a.command,
                health_addr: a.health_addr,
                max_sigterm_delay: a.max_sigterm_delay,
                exit_zero_on_sigterm: a.exit_zero_on_sigterm,
            };
            return Ok(connect::connect(p, opts, out).await?);
        }
        Command::Wait(a) => crate::client::health::wait(a.health_addr, a.timeout).await?,
        Command::Audit(AuditCommand::List {
            since,
            connection,
            identity,
            session,
            repository,
            run,
            limit,
        }) => {
            audit::list(
                p,
                audit::AuditFilter {
                    since,
                    connection,
                    identity,
                    session,
                    repository,
                    run,
                    limit,
                },
                out,
            )
            .await?
        }
        Command::Audit(AuditCommand::Export {
            since,
            format,
            out: file,
        }) => audit::export(p, since, format, file.as_deref()).await?,
        Command::Audit(AuditCommand::PublicKey) => audit::public_key(p, out).await?,
        Command::Audit(AuditCommand::WhoAccessed {
            connection,
            table,
            key,
            since,
        }) => audit::who_accessed(p, &connection, &table, &key, since.as_deref(), out).await?,
        Command::Audit(AuditCommand::Verify {
            file,
            public_key,
            previous,
        }) => audit::verify(&file, &public_key, previous.as_deref(), out)?,
        Command::Sessions(SessionsCommand::List {
            since,
            connection,
            identity,
            repository,
            run,
            limit,
        }) => {
            sessions::list(
                p,
                sessions::SessionFilter {
                    since,
                    connection,
                    identity,
                    repository,
                    run,
                    limit,
                },
                out,
            )
            .await?
        }
        Command::Sessions(SessionsCommand::Show { id }) => sessions::show(p, &id, out).await?,
        Command::Sessions(SessionsCommand::Replay {
            id,
            file,
            speed,
            statements_only,
            save,
        }) => {
            let opts = crate::client::replay::Options {
                statements_only,
                speed,
            };
            match (id, file) {
                (_, Some(f)) => {
                    let bytes = std::fs::read(&f).map_err(|e| {
                        Failure::new(ExitKind::Usage, format!("cannot read {}: {e}", f.display()))
                    })?;
                    sessions::render(&bytes, opts)?
                }
                (Some(id), None) => sessions::replay(p, &id, opts, save.as_deref()).await?,
                (None, None) => {
                    return Err(Failure::new(
                        ExitKind::Usage,
                        "name a session id or --file; `hoopctl sessions list` shows sessions",
                    )
                    .into());
                }
            }
        }
        Command::Completions(a) => {
            if let Some(dir) = a.write_dir {
                write_generated(&dir)?;
            } else if let Some(shell) = a.shell {
                clap_complete::generate(
                    shell,
                    &mut Cli::command(),
                    "hoopctl",
                    &mut std::io::stdout(),
                );
            }
        }
        Command::Dev(a) => crate::dev::run(a, p, out).await?,
        Command::Gateway(g) => match g {
            GatewayCommand::Serve { config } => gateway::admin::serve(&config).await?,
            GatewayCommand::Init { dir, listen } => {
                let done = gateway::init::init(&dir, &listen)
                    .map_err(|e| Failure::new(ExitKind::Failure, e))?;
                eprintln!(
                    "Wrote {} and the default policy.\nUser \"admin\" has password: {}\n(shown once; it is stored only as an argon2 hash)\nNext: add a [connections.NAME] section, then\n  hoopctl gateway check --config {}\n  hoopctl gateway serve --config {}",
                    done.config.display(),
                    done.admin_password,
                    done.config.display(),
                    done.config.display()
                );
            }
            GatewayCommand::Check { config, online } => {
                gateway::admin::check(&config, online, out).await?
            }
            GatewayCommand::HashPassword => {
                let mut pw = String::new();
                std::io::stdin().read_to_string(&mut pw)?;
                let pw = pw.trim_end_matches(['\r', '\n']);
                if pw.is_empty() {
                    return Err(Failure::new(ExitKind::Usage, "no password on stdin; pipe one in: `printf %s PASSWORD | hoopctl gateway hash-password`").into());
                }
                let h = gateway::auth::hash_password(pw)
                    .map_err(|e| Failure::new(ExitKind::Failure, e))?;
                println!("{h}");
            }
            GatewayCommand::MaskTest {
                config,
                connection,
                mask_profile,
                column,
                value,
            } => gateway::admin::mask_test(
                &config,
                connection.as_deref(),
                mask_profile.as_deref(),
                column.as_deref(),
                &value,
                out,
            )?,
            GatewayCommand::Token { config, user, ttl } => {
                gateway::admin::mint_token(&config, &user, ttl, out).await?
            }
            GatewayCommand::AuditKey { config } => gateway::admin::audit_key(&config, out)?,
        },
    }
    Ok(0)
}

/// Writes every completion script and the man page (checked for drift in CI).
fn write_generated(dir: &std::path::Path) -> anyhow::Result<()> {
    use clap_complete::Shell;
    std::fs::create_dir_all(dir)?;
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        clap_complete::generate_to(shell, &mut Cli::command(), "hoopctl", dir)?;
    }
    let mut man = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut man)?;
    std::fs::write(dir.join("hoopctl.1"), man)?;
    Ok(())
}
