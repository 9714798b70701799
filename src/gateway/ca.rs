//! The gateway's built-in certificate authority.
//!
//! Generated on first start (key file mode 0600). It signs the gateway's own server certificate
//! and short-lived client certificates that name exactly one identity and one grant, and never
//! outlive that grant (DESIGN.md §4.6). The tunnel reads identity and grant back from the
//! certificate with [`ClientCertClaims::from_der`].

use std::path::Path;
use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DistinguishedName,
    DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use time::OffsetDateTime;

use crate::proto::{ALPN_HTTP, ALPN_TUNNEL};
use crate::tls;

const GRANT_URI: &str = "urn:hoopctl:grant:";
const IDENTITY_URI: &str = "urn:hoopctl:identity:";

/// A CA failure: file I/O or a certificate operation.
#[derive(Debug, thiserror::Error)]
#[error("gateway CA: {0}")]
pub struct CaError(String);

fn err(e: impl std::fmt::Display) -> CaError {
    CaError(e.to_string())
}

/// The loaded CA.
pub struct Ca {
    issuer: Issuer<'static, KeyPair>,
    cert_pem: String,
}

impl std::fmt::Debug for Ca {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ca { key: [redacted] }")
    }
}

/// Who and what a client certificate was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientCertClaims {
    /// Identity name.
    pub identity: String,
    /// Grant id.
    pub grant_id: String,
    /// Serial, hex, for audit.
    pub serial: String,
}

impl ClientCertClaims {
    /// Reads identity and grant from a verified client certificate.
    pub fn from_der(der: &[u8]) -> Result<Self, String> {
        use x509_parser::extensions::GeneralName;
        let (_, cert) = x509_parser::parse_x509_certificate(der)
            .map_err(|e| format!("unreadable client certificate: {e}"))?;
        let mut identity = None;
        let mut grant = None;
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for n in &san.value.general_names {
                if let GeneralName::URI(u) = n {
                    if let Some(g) = u.strip_prefix(GRANT_URI) {
                        grant = Some(g.to_string());
                    } else if let Some(i) = u.strip_prefix(IDENTITY_URI) {
                        identity = Some(i.to_string());
                    }
                }
            }
        }
        match (identity, grant) {
            (Some(identity), Some(grant_id)) => Ok(ClientCertClaims {
                identity,
                grant_id,
                serial: cert.raw_serial_as_string(),
            }),
            _ => Err("client certificate names no hoopctl identity and grant".into()),
        }
    }
}

impl Ca {
    /// Loads the CA from `dir`, creating it on first start.
    pub fn load_or_create(dir: &Path) -> Result<Ca, CaError> {
        let key_path = dir.join("ca.key");
        let cert_path = dir.join("ca.pem");
        if key_path.exists() && cert_path.exists() {
            let key_pem = std::fs::read_to_string(&key_path).map_err(err)?;
            let cert_pem = std::fs::read_to_string(&cert_path).map_err(err)?;
            let key = KeyPair::from_pem(&key_pem).map_err(err)?;
            let issuer = Issuer::from_ca_cert_pem(&cert_pem, key).map_err(err)?;
            return Ok(Ca { issuer, cert_pem });
        }
        std::fs::create_dir_all(dir).map_err(err)?;
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "hoopctl gateway CA");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::hours(1);
        params.not_after = now + time::Duration::days(3650);
        params.serial_number = Some(random_serial());
        let cert = params.self_signed(&key).map_err(err)?;
        write_private(&key_path, &key.serialize_pem())?;
        std::fs::write(&cert_path, cert.pem()).map_err(err)?;
        let cert_pem = cert.pem();
        Ok(Ca {
            issuer: Issuer::new(params, key),
            cert_pem,
        })
    }

    /// The CA certificate, PEM: what clients trust.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Issues a client certificate for the public key in `csr_pem`. Everything but the key is
    /// chosen here: subject, SANs, usage, and `not_after` (the caller caps it at the grant's end).
    pub fn issue_client(
        &self,
        csr_pem: &str,
        identity: &str,
        grant_id: &str,
        not_after_ms: i64,
    ) -> Result<String, CaError> {
        let csr = CertificateSigningRequestParams::from_pem(csr_pem)
            .map_err(|e| CaError(format!("invalid certificate signing request: {e}")))?;
        let mut params = client_params(identity, grant_id)?;
        params.not_before = OffsetDateTime::now_utc() - time::Duration::minutes(1);
        params.not_after = OffsetDateTime::from_unix_timestamp(not_after_ms / 1000).map_err(err)?;
        params.serial_number = Some(random_serial());
        let cert = params
            .signed_by(&csr.public_key, &self.issuer)
            .map_err(err)?;
        Ok(cert.pem())
    }

    /// TLS server config for the gateway port: a fresh server certificate for `names`, client
    /// certificates optional at the handshake (the API does not need one) but verified against
    /// this CA whenever presented; the tunnel then insists on one.
    pub fn server_config(&self, names: &[String]) -> Result<ServerConfig, CaError> {
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(err)?;
        let mut params = CertificateParams::new(names.to_vec()).map_err(err)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, "hoopctl gateway");
        params.distinguished_name = dn;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let now = OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::hours(1);
        params.not_after = now + time::Duration::days(365);
        params.serial_number = Some(random_serial());
        let cert = params.signed_by(&key, &self.issuer).map_err(err)?;
        let roots = tls::roots_from_pem(&self.cert_pem).map_err(CaError)?;
        let verifier =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), tls::provider())
                .allow_unauthenticated()
                .build()
                .map_err(err)?;
        let chain = vec![cert.der().clone()];
        let key_der = tls::key_from_pem(&key.serialize_pem()).map_err(CaError)?;
        let mut cfg = ServerConfig::builder_with_provider(tls::provider())
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(err)?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key_der)
            .map_err(err)?;
        cfg.alpn_protocols = vec![ALPN_TUNNEL.to_vec()];
        cfg.alpn_protocols
            .extend(ALPN_HTTP.iter().map(|p| p.to_vec()));
        Ok(cfg)
    }
}

/// Subject, SANs and usages of a client certificate for one identity and one grant.
fn client_params(identity: &str, grant_id: &str) -> Result<CertificateParams, CaError> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, identity);
    params.distinguished_name = dn;
    params.subject_alt_names = vec![
        SanType::URI(
            format!("{IDENTITY_URI}{identity}")
                .try_into()
                .map_err(err)?,
        ),
        SanType::URI(format!("{GRANT_URI}{grant_id}").try_into().map_err(err)?),
    ];
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    Ok(params)
}

fn random_serial() -> SerialNumber {
    let mut b: [u8; 16] = rand::random();
    b[0] &= 0x7f; // positive
    SerialNumber::from_slice(&b)
}

/// Writes a file readable only by its owner (private keys).
pub fn write_private(path: &Path, contents: &str) -> Result<(), CaError> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(err)?;
    f.write_all(contents.as_bytes()).map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ca_persists_and_issues_bound_certificates() {
        tls::install_provider();
        let dir = tempfile::tempdir().unwrap();
        let ca = Ca::load_or_create(dir.path()).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("ca.key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let again = Ca::load_or_create(dir.path()).unwrap();
        assert_eq!(ca.cert_pem(), again.cert_pem());

        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut p = CertificateParams::default();
        p.distinguished_name.push(DnType::CommonName, "evil-admin");
        let csr = p.serialize_request(&key).unwrap().pem().unwrap();
        let end = crate::clock::now_ms() + 600_000;
        let pem = again.issue_client(&csr, "alice", "gr_1", end).unwrap();
        let der = tls::certs_from_pem(&pem).unwrap().remove(0);
        let claims = ClientCertClaims::from_der(&der).unwrap();
        assert_eq!(claims.identity, "alice");
        assert_eq!(claims.grant_id, "gr_1");
        let (_, parsed) = x509_parser::parse_x509_certificate(&der).unwrap();
        assert_eq!(parsed.validity().not_after.timestamp(), end / 1000);
        assert!(!format!("{:?}", parsed.subject()).contains("evil-admin"));

        assert!(again.issue_client("garbage", "a", "g", end).is_err());
    }
}
