//! hoopctl integration tests: one binary; real gateway processes, real PostgreSQL, real psql
//! and tokio-postgres clients, real TLS.

mod issuer;
mod util;

mod access;
mod approval;
mod audit_chain;
mod bad_input;
mod cli;
mod dev;
mod e2e;
mod extended;
mod idp;
mod masking;
mod policy;
mod props;
mod recordings;
mod reviews;
mod tls_negative;
mod workload;
