//! hoopctl entry point: parse, init telemetry, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;
use hoopctl::cli::{Cli, Command};
use hoopctl::exit::{ExitKind, kind_of};

fn main() -> ExitCode {
    hoopctl::tls::install_provider();
    let cli = Cli::parse();
    let serving = matches!(cli.command, Command::Gateway(_) | Command::Dev(_));
    hoopctl::telemetry::init(if serving { "info,sqlx=warn" } else { "warn" });
    let rt = if serving {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    };
    let rt = match rt {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(hoopctl::cli::run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let kind = kind_of(&e);
            eprintln!("error: {e:#}");
            if kind == ExitKind::NotLoggedIn && !format!("{e}").contains("login") {
                eprintln!("hint: run `hoopctl login`");
            }
            ExitCode::from(kind.code())
        }
    }
}
