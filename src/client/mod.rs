//! The client half: profiles and credentials, the API client, login, grants, the tunnel and
//! `connect`, and the admin verbs. Every failure is a [`Failure`](crate::exit::Failure) whose
//! message says what to do next and whose kind selects the exit code.

pub mod api;
pub mod audit;
pub mod ci;
pub mod connect;
pub mod grant;
pub mod health;
pub mod login;
pub mod profile;
pub mod replay;
pub mod review;
pub mod sessions;
pub mod tunnel;

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Output format chosen with `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum Output {
    /// Human-readable text.
    #[default]
    Text,
    /// JSON (one object, or JSON lines for streams).
    Json,
}

/// Prints one JSON value on a line of its own.
pub fn print_json<T: Serialize>(v: &T) {
    match serde_json::to_string(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: cannot encode output: {e}"),
    }
}

/// A spinner on stderr, only when stderr is a terminal and output is text.
pub fn spinner(out: Output, msg: &str) -> Option<ProgressBar> {
    if out != Output::Text || !std::io::stderr().is_terminal() {
        return None;
    }
    let pb = ProgressBar::new_spinner();
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        pb.set_style(style);
    }
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(pb)
}
