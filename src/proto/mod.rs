//! The contract shared by the client and the gateway: API bodies, the tunnel preamble, and
//! problem details. Sans-IO: nothing here touches a socket.

pub mod api;
pub mod chain;
pub mod preamble;
pub mod recording;

/// ALPN protocol id that selects the tunnel on the gateway's single TLS port.
pub const ALPN_TUNNEL: &[u8] = b"hoopctl-tunnel/1";
/// ALPN ids that select the HTTPS API.
pub const ALPN_HTTP: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// OAuth client id the CLI uses with the gateway's authorization server.
pub const OAUTH_CLIENT_ID: &str = "hoopctl";

/// Whether `url` may be fetched: `https://` always; `http://` only when `allow_http` and the
/// host is loopback (127.0.0.0/8, ::1, localhost) — for local stand-ins in tests, never for a
/// host on the network. Parsed, so `http://localhost@evil.example/` is not mistaken for loopback.
pub fn url_allowed(url: &str, allow_http: bool) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    match u.scheme() {
        "https" => u.host().is_some(),
        "http" if allow_http => u.host_str().is_some_and(|h| {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            h.eq_ignore_ascii_case("localhost")
                || h.parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::url_allowed;

    #[test]
    fn only_https_or_loopback_http() {
        assert!(url_allowed(
            "https://token.actions.githubusercontent.com",
            false
        ));
        assert!(!url_allowed("http://127.0.0.1:8080/jwks", false));
        assert!(url_allowed("http://127.0.0.1:8080/jwks", true));
        assert!(url_allowed("http://127.5.0.1/x", true));
        assert!(url_allowed("http://[::1]:9/x", true));
        assert!(url_allowed("http://localhost:9/x", true));
        assert!(!url_allowed("http://localhost:1@evil.example/", true));
        assert!(!url_allowed("http://10.0.0.1/jwks", true));
        assert!(!url_allowed("http://example.com/jwks", true));
        assert!(!url_allowed("ftp://127.0.0.1/", true));
        assert!(!url_allowed("not a url", true));
    }
}
