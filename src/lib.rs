//! hoopctl: an open access gateway for non-human identities, in one binary.
//!
//! # Layout
//!
//! - [`cli`]: clap definitions and dispatch (thin).
//! - [`proto`]: the sans-IO contract of both halves — API bodies, tunnel preamble.
//! - [`client`]: profiles and credentials, API client, login, grants, tunnel, `connect`, audit.
//! - [`gateway`]: config, store, CA, auth server, policy, API, tunnel, proxies, sessions.
//! - [`dev`]: `hoopctl dev`, the whole product in one process.
//! - [`secret`]: `Secret<T>`, keeps tokens, keys and PHI out of logs.
//! - [`tls`]: one crypto provider, TLS 1.3, ALPN.
//! - [`exit`]: exit codes.
//! - [`clock`], [`telemetry`]: time formatting, logging.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod cli;
pub mod client;
pub mod clock;
pub mod dev;
pub mod exit;
pub mod gateway;
pub mod proto;
pub mod secret;
pub mod telemetry;
pub mod tls;
