//! Acceptance 4: the tunnel refuses certificates from another CA, expired certificates,
//! certificates whose grant is for another connection, and clients without a certificate —
//! and audits each refusal.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
use tokio::io::AsyncWriteExt;

use crate::util::*;

fn san(identity: &str, grant: &str) -> Vec<SanType> {
    vec![
        SanType::URI(
            format!("urn:hoopctl:identity:{identity}")
                .try_into()
                .unwrap(),
        ),
        SanType::URI(format!("urn:hoopctl:grant:{grant}").try_into().unwrap()),
    ]
}

/// Tries a tunnel session; returns the gateway's PostgreSQL error, or None if the connection
/// was refused before any PostgreSQL bytes (handshake failure or close).
async fn try_session(
    gw: &TestGateway,
    ca: &str,
    cert: &str,
    key: &KeyPair,
    grant: &str,
    conn: &str,
) -> Option<(String, String)> {
    let mut tls = raw_tunnel(gw, ca, cert, key, Some((grant, conn)))
        .await
        .ok()?;
    tls.write_all(&startup_packet(&[("user", "x"), ("database", "d")]))
        .await
        .ok()?;
    pg_error(&read_all(&mut tls).await)
}

fn rejections(admin: &TestClient) -> Vec<String> {
    audit(admin, &[])
        .into_iter()
        .filter(|e| e["kind"] == "tunnel_rejected")
        .map(|e| e["detail"].as_str().unwrap_or("").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn tunnel_refuses_bad_certificates_and_audits_them() {
    if !require_pg() {
        return;
    }
    let db = TestDb::create();
    let mut conns = String::new();
    for name in ["pg", "other"] {
        conns.push_str(&pg_connection(name, &db));
    }
    let gw = TestGateway::start(&conns, &[]);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    let token = alice.token();
    let admin = TestClient::new();
    admin.login_token(&gw, "bob");
    let g = request_grant(&gw, &token, "pg", "1h").await;
    let gid = g["id"].as_str().unwrap().to_string();
    let (key, cert, gw_ca) = fetch_cert(&gw, &token, &gid).await;

    // Control: the genuine certificate works.
    let mut tls = raw_tunnel(&gw, &gw_ca, &cert, &key, Some((&gid, "pg")))
        .await
        .unwrap();
    tls.write_all(&startup_packet(&[("user", "x"), ("database", &db.name)]))
        .await
        .unwrap();
    let mut buf = vec![0u8; 9];
    use tokio::io::AsyncReadExt;
    tls.read_exact(&mut buf).await.unwrap();
    assert_eq!(
        &buf[..9],
        &[b'R', 0, 0, 0, 8, 0, 0, 0, 0],
        "AuthenticationOk expected"
    );
    drop(tls);

    // 1. A certificate from another CA, naming the same identity and grant.
    let other_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let issuer = Issuer::new(ca_params, other_key);
    let forged_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = CertificateParams::default();
    p.subject_alt_names = san("alice", &gid);
    let forged = p.signed_by(&forged_key, &issuer).unwrap().pem();
    assert_eq!(
        try_session(&gw, &gw_ca, &forged, &forged_key, &gid, "pg").await,
        None
    );

    // 2. An expired certificate signed by the gateway's own CA.
    //    (The test plays an attacker who stole the CA files from the gateway host.)
    let data = gw.dir.path().join("data");
    let ca_key = KeyPair::from_pem(&std::fs::read_to_string(data.join("ca.key")).unwrap()).unwrap();
    let real_issuer = Issuer::from_ca_cert_pem(&gw_ca, ca_key).unwrap();
    let now = time::OffsetDateTime::now_utc();
    let old_key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let mut p = CertificateParams::default();
    p.subject_alt_names = san("alice", &gid);
    p.not_before = now - time::Duration::hours(2);
    p.not_after = now - time::Duration::hours(1);
    let expired = p.signed_by(&old_key, &real_issuer).unwrap().pem();
    assert_eq!(
        try_session(&gw, &gw_ca, &expired, &old_key, &gid, "pg").await,
        None
    );

    // 3. A genuine certificate whose grant is for another connection.
    let (code, msg) = try_session(&gw, &gw_ca, &cert, &key, &gid, "other")
        .await
        .expect("a PostgreSQL error");
    assert_eq!(code, "28000");
    assert!(
        msg.contains("is for connection \"pg\", not \"other\""),
        "{msg}"
    );

    // 4. A preamble naming someone else's grant.
    let (_, msg) = try_session(&gw, &gw_ca, &cert, &key, "gr_someoneelse", "pg")
        .await
        .expect("error");
    assert!(msg.contains("certificate was issued for grant"), "{msg}");

    // 5. The tunnel protocol without any client certificate.
    let roots = hoopctl::tls::roots_from_pem(&gw_ca).unwrap();
    let mut cfg = rustls::ClientConfig::builder_with_provider(hoopctl::tls::provider())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    cfg.alpn_protocols = vec![hoopctl::proto::ALPN_TUNNEL.to_vec()];
    let tcp = tokio::net::TcpStream::connect(gw.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let mut anon = tokio_rustls::TlsConnector::from(Arc::new(cfg))
        .connect(name, tcp)
        .await
        .unwrap();
    let _ = anon.write_all(&startup_packet(&[("user", "x")])).await;
    assert!(read_all(&mut anon).await.is_empty());

    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = rejections(&admin);
    let has = |needle: &str| r.iter().any(|d| d.contains(needle));
    assert!(
        has("UnknownIssuer") || has("unknown issuer"),
        "other-CA refusal not audited: {r:#?}"
    );
    assert!(
        has("Expired") || has("expired"),
        "expired-certificate refusal not audited: {r:#?}"
    );
    assert!(
        has("not \"other\""),
        "wrong-connection refusal not audited: {r:#?}"
    );
    assert!(
        has("without a client certificate"),
        "anonymous tunnel not audited: {r:#?}"
    );
}
