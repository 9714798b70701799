//! The gateway's own connection to a PostgreSQL target: TCP (+ TLS when configured), then
//! authentication with the credential from the config — trust, cleartext, md5 or SCRAM-SHA-256.
//! The credential never leaves this module; error messages name the target, never the secret.

use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use postgres_protocol::authentication::md5_hash;
use postgres_protocol::authentication::sasl::{ChannelBinding, ScramSha256};
use postgres_protocol::message::frontend;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::codec::{MAX_BACKEND_MESSAGE, body, cstr, error_fields, frame_len};
use crate::gateway::config::{ConnectionConfig, TargetTls};
use crate::gateway::proxy::Io;
use crate::tls;

/// Why the gateway could not open a session on the target.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// Network or TLS trouble.
    #[error("cannot reach target {addr}: {msg}")]
    Unreachable {
        /// host:port
        addr: String,
        /// What failed.
        msg: String,
    },
    /// The target refused the gateway's credential or startup.
    #[error("target {addr} refused the session: {msg}")]
    Refused {
        /// host:port
        addr: String,
        /// The target's message (SQLSTATE: text).
        msg: String,
    },
    /// Configuration problem (secret missing, unsupported auth).
    #[error("gateway configuration for this connection: {0}")]
    Config(String),
}

impl UpstreamError {
    /// What the tunnelled client is told. Configuration details (secret names, file paths)
    /// stay in the gateway's log and audit.
    pub fn client_message(&self) -> String {
        match self {
            UpstreamError::Config(_) => {
                "the gateway cannot log in to the target: its configuration for this connection \
                 is incomplete (the operator finds the details in the gateway log and audit)"
                    .into()
            }
            other => other.to_string(),
        }
    }
}

/// An authenticated target session.
pub struct Upstream {
    /// The stream, positioned after the first ReadyForQuery.
    pub stream: Box<dyn Io>,
    /// ParameterStatus/NoticeResponse messages to pass on to the client.
    pub greeting: Vec<u8>,
    /// The ReadyForQuery that ended the start-up.
    pub ready: Vec<u8>,
    /// The target's BackendKeyData (pid, secret), kept for cancel requests.
    pub key: Option<(i32, Vec<u8>)>,
    /// The schemas the session searches for unqualified names, in order.
    pub search_path: Vec<String>,
}

/// Asks the target where unqualified names resolve: the effective `search_path` (the client's
/// start-up setting, the role's and database's defaults, `$user`), schemas that exist only.
const SEARCH_PATH_SQL: &str = "SELECT pg_catalog.unnest(pg_catalog.current_schemas(false))";

fn addr(cfg: &ConnectionConfig) -> String {
    format!("{}:{}", cfg.host, cfg.port)
}

/// Runs [`SEARCH_PATH_SQL`] on a session that just became ready; returns the schemas and the
/// ReadyForQuery that ends it (the one the client will see). ParameterStatus and notices that
/// arrive meanwhile join the greeting (checked and passed on like the rest of it).
async fn search_path(
    stream: &mut Box<dyn Io>,
    buf: &mut BytesMut,
    a: &str,
    greeting: &mut Vec<u8>,
) -> Result<(Vec<String>, Vec<u8>), UpstreamError> {
    let mut out = BytesMut::new();
    frontend::query(SEARCH_PATH_SQL, &mut out).map_err(|e| UpstreamError::Unreachable {
        addr: a.to_string(),
        msg: e.to_string(),
    })?;
    stream
        .write_all(&out)
        .await
        .map_err(|e| UpstreamError::Unreachable {
            addr: a.to_string(),
            msg: e.to_string(),
        })?;
    let mut schemas = Vec::new();
    let mut failed = None;
    loop {
        let m = read_message(stream, buf, a).await?;
        match m[0] {
            b'D' => {
                let b = body(&m);
                // One column: Int16 count, Int32 length, the name (never NULL).
                let len = b
                    .get(2..6)
                    .map(|l| i32::from_be_bytes([l[0], l[1], l[2], l[3]]));
                let name = b
                    .get(6..)
                    .filter(|v| b.get(..2) == Some(&[0, 1][..]) && len == Some(v.len() as i32))
                    .and_then(|v| std::str::from_utf8(v).ok())
                    .filter(|v| !v.is_empty());
                match name {
                    Some(n) => schemas.push(n.to_string()),
                    None => failed = Some("an unreadable row".to_string()),
                }
            }
            b'E' => {
                let (code, msg) = error_fields(&m);
                failed = Some(format!("{code}: {msg}"));
            }
            b'Z' if buf.is_empty() => {
                return match failed {
                    None => Ok((schemas, m)),
                    Some(why) => Err(UpstreamError::Refused {
                        addr: a.to_string(),
                        msg: format!("cannot read the session's search_path: {why}"),
                    }),
                };
            }
            b'Z' => {
                return Err(UpstreamError::Refused {
                    addr: a.to_string(),
                    msg: "unexpected data after ReadyForQuery".into(),
                });
            }
            b'S' | b'N' => greeting.extend_from_slice(&m),
            // RowDescription, CommandComplete: nothing to keep.
            _ => {}
        }
    }
}

/// Opens a byte stream to the target, negotiating TLS as configured.
pub async fn open_stream(
    cfg: &ConnectionConfig,
    base_dir: &std::path::Path,
) -> Result<Box<dyn Io>, UpstreamError> {
    let a = addr(cfg);
    let unreachable = |msg: String| UpstreamError::Unreachable {
        addr: a.clone(),
        msg,
    };
    let tcp = tokio::time::timeout(
        Duration::from_secs(10),
        TcpStream::connect((cfg.host.as_str(), cfg.port)),
    )
    .await
    .map_err(|_| unreachable("connect timed out after 10s".into()))?
    .map_err(|e| unreachable(e.to_string()))?;
    let _ = tcp.set_nodelay(true);
    if cfg.tls == TargetTls::Disable {
        return Ok(Box::new(tcp));
    }
    let mut tcp = tcp;
    let mut req = BytesMut::new();
    frontend::ssl_request(&mut req);
    tcp.write_all(&req)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    let mut answer = [0u8; 1];
    tcp.read_exact(&mut answer)
        .await
        .map_err(|e| unreachable(e.to_string()))?;
    if answer[0] != b'S' {
        return Err(unreachable(
            "the target does not accept TLS, but the connection requires it".into(),
        ));
    }
    let client = match cfg.tls {
        TargetTls::VerifyFull if cfg.ca_file.is_none() => {
            // No ca_file: the platform's trust store, as a browser would.
            let verifier = rustls_platform_verifier::Verifier::new(tls::provider())
                .map_err(|e| UpstreamError::Config(format!("system trust store: {e}")))?;
            rustls::ClientConfig::builder_with_provider(tls::provider())
                .with_safe_default_protocol_versions()
                .map_err(|e| UpstreamError::Config(e.to_string()))?
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth()
        }
        TargetTls::VerifyFull => {
            let path = cfg
                .ca_file
                .as_ref()
                .map(|p| base_dir.join(p))
                .ok_or_else(|| {
                    UpstreamError::Config("tls = \"verify-full\" needs ca_file".into())
                })?;
            let pem = std::fs::read_to_string(&path).map_err(|e| {
                UpstreamError::Config(format!("cannot read {}: {e}", path.display()))
            })?;
            let roots = tls::roots_from_pem(&pem).map_err(UpstreamError::Config)?;
            rustls::ClientConfig::builder_with_provider(tls::provider())
                .with_safe_default_protocol_versions()
                .map_err(|e| UpstreamError::Config(e.to_string()))?
                .with_root_certificates(roots)
                .with_no_client_auth()
        }
        _ => rustls::ClientConfig::builder_with_provider(tls::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| UpstreamError::Config(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(tls::NoVerify(tls::provider())))
            .with_no_client_auth(),
    };
    let name = ServerName::try_from(cfg.host.clone())
        .map_err(|e| UpstreamError::Config(format!("host {:?}: {e}", cfg.host)))?;
    let stream = tokio_rustls::TlsConnector::from(Arc::new(client))
        .connect(name, tcp)
        .await
        .map_err(|e| unreachable(format!("TLS handshake: {e}")))?;
    Ok(Box::new(stream))
}

pub(super) async fn read_message(
    stream: &mut Box<dyn Io>,
    buf: &mut BytesMut,
    a: &str,
) -> Result<Vec<u8>, UpstreamError> {
    loop {
        match frame_len(buf, MAX_BACKEND_MESSAGE) {
            Ok(Some(n)) => {
                let m = buf[..n].to_vec();
                buf.advance(n);
                return Ok(m);
            }
            Ok(None) => {}
            Err(e) => {
                return Err(UpstreamError::Refused {
                    addr: a.to_string(),
                    msg: format!("protocol error from target: {e}"),
                });
            }
        }
        let n = tokio::time::timeout(Duration::from_secs(30), stream.read_buf(buf))
            .await
            .map_err(|_| UpstreamError::Unreachable {
                addr: a.to_string(),
                msg: "target did not answer within 30s".into(),
            })?
            .map_err(|e| UpstreamError::Unreachable {
                addr: a.to_string(),
                msg: e.to_string(),
            })?;
        if n == 0 {
            return Err(UpstreamError::Unreachable {
                addr: a.to_string(),
                msg: "target closed the connection during start-up".into(),
            });
        }
    }
}

/// Connects and authenticates. `params` are the client's start-up parameters that are safe to
/// pass on (the gateway sets `user` and `database` itself).
pub async fn connect(
    cfg: &ConnectionConfig,
    base_dir: &std::path::Path,
    params: &[(String, String)],
) -> Result<Upstream, UpstreamError> {
    let a = addr(cfg);
    let mut stream = open_stream(cfg, base_dir).await?;
    let io_err = |e: std::io::Error| UpstreamError::Unreachable {
        addr: a.clone(),
        msg: e.to_string(),
    };
    let mut out = BytesMut::new();
    let mut all: Vec<(&str, &str)> = vec![
        ("user", cfg.user.as_str()),
        ("database", cfg.database.as_str()),
    ];
    all.extend(params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    frontend::startup_message(all, &mut out).map_err(io_err)?;
    stream.write_all(&out).await.map_err(io_err)?;

    let password = || -> Result<crate::secret::Secret<String>, UpstreamError> {
        cfg.password
            .as_ref()
            .ok_or_else(|| {
                UpstreamError::Config(
                    "the target asks for a password but the connection has none configured".into(),
                )
            })?
            .resolve(base_dir)
            .map_err(UpstreamError::Config)
    };
    let mut buf = BytesMut::with_capacity(8192);
    let mut scram: Option<ScramSha256> = None;
    // Authentication.
    loop {
        let m = read_message(&mut stream, &mut buf, &a).await?;
        let b = body(&m);
        match m[0] {
            b'E' => {
                let (code, msg) = error_fields(&m);
                return Err(UpstreamError::Refused {
                    addr: a,
                    msg: format!("{code}: {msg}"),
                });
            }
            b'R' if b.len() >= 4 => {
                let kind = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
                out.clear();
                match kind {
                    0 => break,
                    3 => {
                        // A cleartext password goes to whoever answers: only to a target whose
                        // certificate was verified, or where the operator said so explicitly.
                        if cfg.tls != TargetTls::VerifyFull && !cfg.allow_cleartext_password {
                            return Err(UpstreamError::Config(
                                "the target asks for a cleartext password but its identity is not verified; \
                                 use tls = \"verify-full\", switch the target to scram-sha-256, or set allow_cleartext_password = true"
                                    .into(),
                            ));
                        }
                        let pw = password()?;
                        frontend::password_message(pw.expose().as_bytes(), &mut out)
                            .map_err(io_err)?;
                    }
                    5 if b.len() >= 8 => {
                        let pw = password()?;
                        let salt = [b[4], b[5], b[6], b[7]];
                        let h = md5_hash(cfg.user.as_bytes(), pw.expose().as_bytes(), salt);
                        frontend::password_message(h.as_bytes(), &mut out).map_err(io_err)?;
                    }
                    10 => {
                        let mut mechs = Vec::new();
                        let mut rest = &b[4..];
                        while let Some((mech, r)) = cstr(rest) {
                            if mech.is_empty() {
                                break;
                            }
                            mechs.push(mech.to_string());
                            rest = r;
                        }
                        if !mechs.iter().any(|m| m == "SCRAM-SHA-256") {
                            return Err(UpstreamError::Config(format!(
                                "the target offers only {mechs:?}; the gateway supports SCRAM-SHA-256"
                            )));
                        }
                        let pw = password()?;
                        let s =
                            ScramSha256::new(pw.expose().as_bytes(), ChannelBinding::unsupported());
                        frontend::sasl_initial_response("SCRAM-SHA-256", s.message(), &mut out)
                            .map_err(io_err)?;
                        scram = Some(s);
                    }
                    11 => {
                        let s = scram.as_mut().ok_or_else(|| UpstreamError::Refused {
                            addr: a.clone(),
                            msg: "unexpected SASL continue".into(),
                        })?;
                        s.update(&b[4..]).map_err(|e| UpstreamError::Refused {
                            addr: a.clone(),
                            msg: format!("SCRAM: {e}"),
                        })?;
                        frontend::sasl_response(s.message(), &mut out).map_err(io_err)?;
                    }
                    12 => {
                        let s = scram.as_mut().ok_or_else(|| UpstreamError::Refused {
                            addr: a.clone(),
                            msg: "unexpected SASL final".into(),
                        })?;
                        s.finish(&b[4..]).map_err(|e| UpstreamError::Refused {
                            addr: a.clone(),
                            msg: format!("SCRAM server signature invalid: {e}"),
                        })?;
                        continue;
                    }
                    other => {
                        return Err(UpstreamError::Config(format!(
                            "the target asks for authentication method {other}, which the gateway does not support (use scram-sha-256, md5, password or trust)"
                        )));
                    }
                }
                stream.write_all(&out).await.map_err(io_err)?;
            }
            _ => {
                return Err(UpstreamError::Refused {
                    addr: a,
                    msg: format!(
                        "unexpected message {:?} during authentication",
                        m[0] as char
                    ),
                });
            }
        }
    }
    // Start-up: parameters, key, until ReadyForQuery.
    let mut greeting = Vec::new();
    let mut key = None;
    loop {
        let m = read_message(&mut stream, &mut buf, &a).await?;
        match m[0] {
            b'K' => {
                let b = body(&m);
                if b.len() >= 8 {
                    key = Some((
                        i32::from_be_bytes([b[0], b[1], b[2], b[3]]),
                        b[4..].to_vec(),
                    ));
                }
            }
            b'Z' => {
                if !buf.is_empty() {
                    return Err(UpstreamError::Refused {
                        addr: a,
                        msg: "unexpected data after ReadyForQuery".into(),
                    });
                }
                let (search_path, ready) =
                    search_path(&mut stream, &mut buf, &a, &mut greeting).await?;
                return Ok(Upstream {
                    stream,
                    greeting,
                    ready,
                    key,
                    search_path,
                });
            }
            b'E' => {
                let (code, msg) = error_fields(&m);
                return Err(UpstreamError::Refused {
                    addr: a,
                    msg: format!("{code}: {msg}"),
                });
            }
            _ => greeting.extend_from_slice(&m),
        }
    }
}

/// Sends a CancelRequest for a target backend.
pub async fn cancel(
    cfg: &ConnectionConfig,
    base_dir: &std::path::Path,
    pid: i32,
    secret: &[u8],
) -> Result<(), UpstreamError> {
    let mut stream = open_stream(cfg, base_dir).await?;
    let mut b = Vec::with_capacity(12 + secret.len());
    b.extend_from_slice(&((8 + 4 + secret.len()) as i32).to_be_bytes());
    b.extend_from_slice(&80_877_102i32.to_be_bytes());
    b.extend_from_slice(&pid.to_be_bytes());
    b.extend_from_slice(secret);
    stream
        .write_all(&b)
        .await
        .map_err(|e| UpstreamError::Unreachable {
            addr: addr(cfg),
            msg: e.to_string(),
        })?;
    let _ = stream.shutdown().await;
    Ok(())
}
