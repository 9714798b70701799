//! Acceptance 3: approvals, denials, and grants that end — by revocation or expiry — ending
//! certificates and live sessions.

use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::*;

fn conns(db: &TestDb) -> String {
    let mut s = String::new();
    for name in ["pg", "gated", "gated-b", "gated-c"] {
        s.push_str(&pg_connection(name, db));
    }
    s
}

/// A gateway with the plain and the gated connections; alice requests, bob approves.
fn rig() -> Option<(TestGateway, TestDb, TestClient, TestClient)> {
    if !require_pg() {
        return None;
    }
    let db = TestDb::create();
    let gw = TestGateway::start(&conns(&db), &[]);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    Some((gw, db, alice, bob))
}

fn pending_for(approver: &TestClient, connection: &str) -> Option<Value> {
    let list = approver.json(&["grant", "list", "--all", "--pending"]);
    list.as_array()
        .unwrap()
        .iter()
        .find(|g| g["connection"] == connection)
        .cloned()
}

fn wait_pending(approver: &TestClient, connection: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(g) = pending_for(approver, connection) {
            return g["id"].as_str().unwrap().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no pending grant for {connection}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn connect_waits_for_approval_and_exits_denied_on_denial() {
    let Some((gw, _db, alice, bob)) = rig() else {
        return;
    };

    // The listing tells alice approval is needed.
    let list = alice.json(&["connections"]);
    let gated = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "gated")
        .unwrap();
    assert_eq!(gated["access"], "approval");

    // Without --wait: exit 4 and a hint naming the approvers and the command.
    let out = alice.run(&["connect", "gated-c", "--reason", "no wait", "--", "true"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("hoopctl grant approve"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("approvers"), "{}", stderr(&out));

    // With --wait: blocks until bob approves, then runs the command.
    let mut waiting = alice
        .cmd()
        .args([
            "connect",
            "gated",
            "--reason",
            "incident 7",
            "--wait",
            "--timeout",
            "60s",
            "--",
        ])
        .args(["psql", "-X", "-At", "-c", "select 'approved-' || 'ok'"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = wait_pending(&bob, "gated");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "connect must block while the grant is pending"
    );
    // Nobody approves their own grant, and non-approvers cannot approve.
    let own = alice.run(&["grant", "approve", &id]);
    assert!(!own.status.success());
    assert!(stderr(&own).contains("approve"), "{}", stderr(&own));
    bob.ok(&["grant", "approve", &id, "--reason", "looks fine"]);
    let out = waiting.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), "approved-ok");
    assert!(
        stderr(&out).contains("waiting for approval"),
        "{}",
        stderr(&out)
    );

    // Denial: the waiting connect exits with the documented "denied" code 3.
    let waiting = alice
        .cmd()
        .args([
            "connect",
            "gated-b",
            "--reason",
            "bulk export",
            "--wait",
            "--timeout",
            "60s",
            "--",
            "true",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let id = wait_pending(&bob, "gated-b");
    bob.ok(&["grant", "deny", &id, "--reason", "not today"]);
    let out = waiting.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("denied by bob: not today"),
        "{}",
        stderr(&out)
    );

    // Carol is in no group: policy denies her outright, exit 3.
    let carol = TestClient::new();
    carol.login_token(&gw, "carol");
    let out = carol.run(&["grant", "request", "pg", "--reason", "curious"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

    // The decisions are audited.
    let events = audit(&bob, &[]);
    for kind in ["grant_pending", "grant_approved", "grant_denied"] {
        assert!(
            events.iter().any(|e| e["kind"] == kind),
            "{kind} missing: {events:#?}"
        );
    }
}

async fn pg_over_tunnel(
    gw: &TestGateway,
    ca: &str,
    cert: &str,
    key: &rcgen::KeyPair,
    grant: &str,
    db: &TestDb,
) -> (
    tokio_postgres::Client,
    tokio::task::JoinHandle<Result<(), tokio_postgres::Error>>,
) {
    let tls = raw_tunnel(gw, ca, cert, key, Some((grant, "pg")))
        .await
        .expect("tunnel");
    let mut cfg = tokio_postgres::Config::new();
    cfg.user("x").dbname(&db.name);
    let (client, conn) = cfg
        .connect_raw(tls, tokio_postgres::NoTls)
        .await
        .expect("session");
    (client, tokio::spawn(conn))
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_and_expired_grants_end_certificates_and_sessions() {
    let Some((gw, db, alice, bob)) = rig() else {
        return;
    };
    let token = alice.token();

    // A live session of a grant that is revoked is closed with a PostgreSQL error.
    let g = request_grant(&gw, &token, "pg", "1h").await;
    let gid = g["id"].as_str().unwrap().to_string();
    assert_eq!(g["status"], "active");
    let (key, cert, ca) = fetch_cert(&gw, &token, &gid).await;
    let (client, conn) = pg_over_tunnel(&gw, &ca, &cert, &key, &gid, &db).await;
    assert_eq!(
        client
            .query_one("SELECT 7::int4", &[])
            .await
            .unwrap()
            .get::<_, i32>(0),
        7
    );
    bob.ok(&["grant", "revoke", &gid, "--reason", "rotation"]);
    let err = tokio::time::timeout(Duration::from_secs(10), conn)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    let msg = err
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| err.to_string());
    assert!(msg.contains("revoked by bob"), "{msg}");
    // …and its certificate is refused by the tunnel afterwards.
    let mut tls = raw_tunnel(&gw, &ca, &cert, &key, Some((&gid, "pg")))
        .await
        .unwrap();
    use tokio::io::AsyncWriteExt;
    tls.write_all(&startup_packet(&[("user", "x"), ("database", &db.name)]))
        .await
        .unwrap();
    let reply = read_all(&mut tls).await;
    let (code, msg) = pg_error(&reply).expect("an ErrorResponse");
    assert_eq!(code, "28000");
    assert!(msg.contains("revoked"), "{msg}");

    // A live session of a grant that expires is closed with a PostgreSQL error saying so.
    let g = request_grant(&gw, &token, "pg", "10s").await;
    let gid2 = g["id"].as_str().unwrap().to_string();
    let (key2, cert2, ca2) = fetch_cert(&gw, &token, &gid2).await;
    let (client, conn) = pg_over_tunnel(&gw, &ca2, &cert2, &key2, &gid2, &db).await;
    assert_eq!(
        client
            .query_one("SELECT 8::int4", &[])
            .await
            .unwrap()
            .get::<_, i32>(0),
        8
    );
    let err = tokio::time::timeout(Duration::from_secs(20), conn)
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    let msg = err
        .as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| err.to_string());
    assert!(msg.contains(&format!("grant {gid2} expired")), "{msg}");
    // The certificate never outlived the grant: it is now refused at the TLS handshake.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let refused = match raw_tunnel(&gw, &ca2, &cert2, &key2, Some((&gid2, "pg"))).await {
        Err(_) => true,
        Ok(mut s) => {
            let _ = s.write_all(&startup_packet(&[("user", "x")])).await;
            read_all(&mut s).await.is_empty()
        }
    };
    assert!(refused, "an expired grant's certificate must be refused");
    let events = audit(&bob, &[]);
    assert!(
        events.iter().any(|e| e["kind"] == "tunnel_rejected"
            && e["detail"].as_str().unwrap_or("").contains("revoked")),
        "{events:#?}"
    );
    assert!(
        events.iter().any(|e| e["kind"] == "tunnel_rejected"
            && e["detail"].as_str().unwrap_or("").contains("certificate")),
        "{events:#?}"
    );
    drop(client);
}
