//! Logging set-up. Logs go to stderr so that stdout stays machine-readable (`-o json`).

use tracing_subscriber::EnvFilter;

/// Installs the global tracing subscriber. `HOOPCTL_LOG` (or `RUST_LOG`) overrides `default`.
pub fn init(default: &str) {
    let filter = std::env::var("HOOPCTL_LOG")
        .ok()
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| default.to_string());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("warn")))
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}
