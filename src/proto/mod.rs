//! The contract shared by the client and the gateway: API bodies, the tunnel preamble, and
//! problem details. Sans-IO: nothing here touches a socket.

pub mod api;
pub mod preamble;

/// ALPN protocol id that selects the tunnel on the gateway's single TLS port.
pub const ALPN_TUNNEL: &[u8] = b"hoopctl-tunnel/1";
/// ALPN ids that select the HTTPS API.
pub const ALPN_HTTP: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// OAuth client id the CLI uses with the gateway's authorization server.
pub const OAUTH_CLIENT_ID: &str = "hoopctl";
