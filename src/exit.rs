//! Process exit codes, one definition used by `main`, `--help` and the README.
//!
//! Scripts branch on these, so they are stable: 0 ok, 1 failure, 2 usage, and distinct codes for
//! the three outcomes a CI job must tell apart (denied, approval timed out, not logged in).

use std::fmt;

/// What kind of failure ended the command; selects the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitKind {
    /// Anything else that went wrong.
    Failure,
    /// The command line was wrong.
    Usage,
    /// Policy or an approver said no.
    Denied,
    /// A grant or review is still waiting for a human (and `--timeout` ran out, or no `--wait`).
    ApprovalPending,
    /// No credentials for this profile, or they expired and could not be refreshed.
    NotLoggedIn,
}

impl ExitKind {
    /// The process exit code for this kind.
    pub fn code(self) -> u8 {
        match self {
            ExitKind::Failure => 1,
            ExitKind::Usage => 2,
            ExitKind::Denied => 3,
            ExitKind::ApprovalPending => 4,
            ExitKind::NotLoggedIn => 5,
        }
    }
}

/// Exit codes as shown in `--help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  failure
  2  usage error
  3  denied by policy or by an approver
  4  approval still pending (timed out waiting, or --wait not given)
  5  not logged in, or credentials expired: run `hoopctl login`
  (connect -- CMD exits with CMD's own status; connect without CMD exits 143
   after SIGTERM, or 0 with --exit-zero-on-sigterm)";

/// An error that carries its exit kind. Raised in the client; mapped to a code in `main`.
#[derive(Debug)]
pub struct Failure {
    /// Which exit code this maps to.
    pub kind: ExitKind,
    /// What happened and what to do next.
    pub message: String,
}

impl Failure {
    /// A failure of the given kind.
    pub fn new(kind: ExitKind, message: impl Into<String>) -> Self {
        Failure {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// Finds the exit kind of an error chain (default: `Failure`).
pub fn kind_of(err: &anyhow::Error) -> ExitKind {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map(|f| f.kind)
        .unwrap_or(ExitKind::Failure)
}
