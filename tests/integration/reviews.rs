//! Issue 6, acceptance 2 and 3: a high-risk statement is held inside the client's session until
//! a human decides; an approval runs that one execution; denial and timeout give 42501; grants
//! that need approval go through the same reviews. All of it audited with the reviewer. And a
//! policy reloaded by SIGHUP decides the next statement of sessions already open.

use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::*;

/// Developers run anything, except an unbounded write, which waits for a reviewer; "gated*"
/// grants need approval; approvers approve (never their own).
const POLICY: &str = r#"
permit (principal in Group::"developers", action == Action::"connect", resource);

forbid (principal, action == Action::"connect", resource)
when { resource.name like "gated*" }
unless { context.approved };

permit (
  principal in Group::"developers",
  action in [Action::"read", Action::"write", Action::"export", Action::"ddl", Action::"admin"],
  resource
);

@id("unbounded-write-needs-review")
forbid (principal, action == Action::"write", resource)
when { context.statement.unbounded_write }
unless { context.approved };

permit (principal in Group::"approvers", action == Action::"approve", resource);
"#;

const TIMEOUT_S: u64 = 6;

fn rig() -> Option<(TestGateway, TestDb, TestClient, TestClient)> {
    if !require_pg() {
        return None;
    }
    let db = TestDb::create();
    psql_admin(
        &db.name,
        &format!(
            "CREATE TABLE orders (id int); ALTER TABLE orders OWNER TO {};",
            db.role
        ),
    );
    let conns = format!(
        "{}{}",
        pg_connection("pg", &db),
        pg_connection("gated", &db)
    );
    let extra = format!("[reviews]\nstatement_timeout = \"{TIMEOUT_S}s\"\n");
    let gw = TestGateway::start_policy(&conns, &[], &extra, "", POLICY);
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    Some((gw, db, alice, bob))
}

/// The id of the pending review of `statement` that is not in `seen`, waiting for it to open.
async fn pending(bob: &TestClient, statement: &str, seen: &[String]) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let list = bob.json(&["review", "list"]);
        if let Some(r) =
            list.as_array().unwrap().iter().find(|r| {
                r["statement"] == statement && !seen.iter().any(|s| r["id"] == s.as_str())
            })
        {
            assert_eq!(r["status"], "pending");
            assert_eq!(r["requester"], "alice");
            return r["id"].as_str().unwrap().to_string();
        }
        assert!(
            Instant::now() < deadline,
            "no review opened for {statement:?}: {list:#}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn code(e: &tokio_postgres::Error) -> (String, String) {
    let db = e.as_db_error().unwrap_or_else(|| panic!("{e:?}"));
    (db.code().code().to_string(), db.message().to_string())
}

async fn fill(c: &tokio_postgres::Client) {
    c.batch_execute("INSERT INTO orders VALUES (1), (2), (3)")
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn unbounded_delete_is_held_and_runs_once_when_approved() {
    let Some((gw, db, alice, bob)) = rig() else {
        return;
    };
    // psql: the notice names the review and the command; approval lets the DELETE run.
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "cleanup"]);
    let c = Arc::new(tunnel.client(&db.name).await);
    fill(&c).await;
    let psql = std::process::Command::new("psql")
        .args([
            "-X",
            "-h",
            "127.0.0.1",
            "-p",
            &tunnel.port.to_string(),
            "-U",
            "x",
            "-d",
            &db.name,
        ])
        .args(["-c", "delete from orders"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let r1 = pending(&bob, "delete from orders", &[]).await;
    let shown = bob.json(&["review", "show", &r1]);
    assert_eq!(shown["needs"], "write on Table::\"pg/public.orders\"");
    assert_eq!(shown["statement_sha256"].as_str().unwrap().len(), 64);
    // Nobody approves their own request; someone policy does not name cannot either.
    let own = alice.run(&["review", "approve", &r1]);
    assert!(!own.status.success());
    assert!(stderr(&own).contains("approve_own"), "{}", stderr(&own));
    let carol = TestClient::new();
    carol.login_token(&gw, "carol");
    let other = carol.run(&["review", "approve", &r1]);
    assert!(!other.status.success(), "carol is no reviewer");
    bob.ok(&["review", "approve", &r1, "--reason", "expected cleanup"]);
    let out = psql.wait_with_output().unwrap();
    let (so, se) = (stdout(&out), stderr(&out));
    assert!(out.status.success(), "{so}\n{se}");
    assert!(so.contains("DELETE 3"), "{so}");
    assert!(
        se.contains("NOTICE:") && se.contains(&format!("held for review {r1}")),
        "{se}"
    );
    assert!(se.contains(&format!("hoopctl review approve {r1}")), "{se}");
    let again = bob.run(&["review", "approve", &r1]);
    assert!(!again.status.success(), "a review is decided once");

    // The approval was for that execution: the same statement is held again.
    fill(&c).await;
    let c2 = c.clone();
    let second = tokio::spawn(async move { c2.simple_query("delete from orders").await });
    let r2 = pending(&bob, "delete from orders", std::slice::from_ref(&r1)).await;
    assert_ne!(r1, r2);
    bob.ok(&["review", "deny", &r2, "--reason", "not today"]);
    let e = second.await.unwrap().unwrap_err();
    let (sqlstate, msg) = code(&e);
    assert_eq!(sqlstate, "42501");
    assert!(
        msg.contains(&r2) && msg.contains("denied by bob") && msg.contains("not today"),
        "{msg}"
    );
    let n: i64 = c
        .query_one("SELECT count(*) FROM orders", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 3, "the denied DELETE did not run");

    // Through the extended protocol, decided at Execute: held, then expired.
    let stmt = c.prepare("delete from orders").await.unwrap();
    let c3 = c.clone();
    let started = Instant::now();
    let third = tokio::spawn(async move { c3.execute(&stmt, &[]).await });
    let r3 = pending(&bob, "delete from orders", &[r1.clone(), r2.clone()]).await;
    let e = third.await.unwrap().unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(TIMEOUT_S - 1));
    let (sqlstate, msg) = code(&e);
    assert_eq!(sqlstate, "42501");
    assert!(msg.contains(&r3) && msg.contains("expired"), "{msg}");
    let r = bob.json(&["review", "show", &r3]);
    assert_eq!(r["status"], "expired");
    let late = bob.run(&["review", "approve", &r3]);
    assert!(
        !late.status.success(),
        "an expired review cannot be approved"
    );

    // A bounded DELETE needs nobody.
    c.simple_query("delete from orders where id = 1")
        .await
        .unwrap();

    // On record: who asked, who decided, what ran.
    let events = audit(&bob, &["--limit", "1000"]);
    let find = |kind: &str, id: &str| -> Option<&Value> {
        events
            .iter()
            .find(|e| e["kind"] == kind && e["detail"].as_str().is_some_and(|d| d.contains(id)))
    };
    let opened = find("review_opened", &r1).expect("review_opened");
    assert_eq!(opened["identity"], "alice");
    let approved = find("review_approved", &r1).expect("review_approved");
    assert_eq!(approved["identity"], "bob");
    assert_eq!(approved["statement"], "delete from orders");
    assert!(approved["session_id"].is_string());
    assert_eq!(
        find("review_denied", &r2).expect("review_denied")["identity"],
        "bob"
    );
    assert!(find("review_expired", &r3).is_some());
    let deletes: Vec<&Value> = events
        .iter()
        .filter(|e| {
            e["statement"] == "delete from orders"
                && e["identity"] == "alice"
                && e["kind"] != "parse"
        })
        .filter(|e| e["kind"] == "query" || e["kind"] == "execute")
        .collect();
    let outcomes: Vec<&str> = deletes
        .iter()
        .map(|e| e["outcome"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(outcomes, vec!["ok", "denied", "denied"], "{deletes:#?}");
}

/// A held Execute is reviewed with the values it runs with: `review show` lists the Bind
/// parameters, and the digest covers them.
#[tokio::test(flavor = "multi_thread")]
async fn a_held_execute_shows_its_bind_parameters() {
    let Some((_gw, db, alice, bob)) = rig() else {
        return;
    };
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "renumber"]);
    let c = Arc::new(tunnel.client(&db.name).await);
    fill(&c).await;
    let sql = "update orders set id = coalesce($2::int, $1::int)";
    let stmt = c.prepare(sql).await.unwrap();
    let c2 = c.clone();
    // tokio-postgres binds in binary: int4 7 is four bytes, and the second value is NULL.
    let run = tokio::spawn(async move { c2.execute(&stmt, &[&7i32, &None::<i32>]).await });
    let id = pending(&bob, sql, &[]).await;
    let shown = bob.json(&["review", "show", &id]);
    assert_eq!(
        shown["parameters"],
        serde_json::json!(["x'00000007'", "NULL"])
    );
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(format!("{sql}\0x'00000007'\0NULL")))
    };
    assert_eq!(shown["statement_sha256"], digest.as_str());
    let text = bob.ok(&["-o", "text", "review", "show", &id]);
    assert!(
        text.contains(sql) && text.contains("$1 = x'00000007'") && text.contains("$2 = NULL"),
        "{text}"
    );
    bob.ok(&["review", "approve", &id]);
    assert_eq!(run.await.unwrap().unwrap(), 3, "approved: it ran");
    let ids: Vec<i32> = c
        .query("SELECT DISTINCT id FROM orders", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [7], "with the values the reviewer saw");
}

/// A held statement is not running on the target, so the client's cancel (psql's Ctrl-C) ends
/// the hold itself: the review is cancelled and the session carries on.
#[tokio::test(flavor = "multi_thread")]
async fn cancelling_a_held_statement_cancels_its_review() {
    let Some((_gw, db, alice, bob)) = rig() else {
        return;
    };
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "cleanup"]);
    let c = Arc::new(tunnel.client(&db.name).await);
    fill(&c).await;
    let c2 = c.clone();
    let started = Instant::now();
    let held = tokio::spawn(async move { c2.simple_query("delete from orders").await });
    let id = pending(&bob, "delete from orders", &[]).await;
    c.cancel_token()
        .cancel_query(tokio_postgres::NoTls)
        .await
        .unwrap();
    let (sqlstate, msg) = code(&held.await.unwrap().unwrap_err());
    assert!(
        started.elapsed() < Duration::from_secs(TIMEOUT_S),
        "ended by the cancel, not the timeout"
    );
    assert_eq!(sqlstate, "42501");
    assert!(msg.contains(&id) && msg.contains("cancelled"), "{msg}");
    let r = bob.json(&["review", "show", &id]);
    assert_eq!(r["status"], "cancelled");
    assert_eq!(r["decision_reason"], "the client cancelled the statement");
    let late = bob.run(&["review", "approve", &id]);
    assert!(
        !late.status.success(),
        "a cancelled review cannot be approved"
    );
    // The cancel ended the hold and went no further (the target was running nothing).
    let events = audit(&bob, &["--limit", "1000"]);
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "cancel" && e["detail"] == "ended a statement held for review"),
        "{events:#?}"
    );
    let n: i64 = c
        .query_one("SELECT count(*) FROM orders", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        n, 3,
        "the cancelled DELETE did not run; the session goes on"
    );
}

/// SIGHUP re-reads the policy files: a tightened policy refuses the next statement of a session
/// already open (a prepared statement too: decisions made under the old policy are not reused);
/// a broken file is refused whole, audited, and the policy in force stays.
#[tokio::test(flavor = "multi_thread")]
async fn a_reloaded_policy_decides_open_sessions_next_statements() {
    let Some((gw, db, alice, bob)) = rig() else {
        return;
    };
    let tunnel = Tunnel::open(&alice, &["pg", "--reason", "reload"]);
    let c = tunnel.client(&db.name).await;
    fill(&c).await;
    let read = "SELECT count(*) FROM orders";
    let stmt = c.prepare(read).await.unwrap();
    assert_eq!(c.query_one(&stmt, &[]).await.unwrap().get::<_, i64>(0), 3);
    // Another session holds an unbounded DELETE for review across the reload.
    let holder = Tunnel::open(&alice, &["pg", "--reason", "cleanup"]);
    let h = Arc::new(holder.client(&db.name).await);
    let h2 = h.clone();
    let held = tokio::spawn(async move { h2.simple_query("delete from orders").await });
    let review = pending(&bob, "delete from orders", &[]).await;

    let file = gw.config.parent().unwrap().join("policy.cedar");
    let tightened = format!(
        "{POLICY}\n@id(\"no-orders\")\nforbid (principal, action == Action::\"read\", resource)\n\
         when {{ resource.name == \"public.orders\" }};\n\
         @id(\"no-writes\")\nforbid (principal, action == Action::\"write\", resource);\n"
    );
    std::fs::write(&file, &tightened).unwrap();
    gw.hangup();
    let deadline = Instant::now() + Duration::from_secs(10);
    let e = loop {
        // The statement is run again and again, so a decision cached under the old policy
        // would keep it running.
        match c.query_one(&stmt, &[]).await {
            Err(e) => break e,
            Ok(_) => assert!(Instant::now() < deadline, "the new policy never applied"),
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let (sqlstate, msg) = code(&e);
    assert_eq!(sqlstate, "42501");
    assert!(msg.contains("no-orders"), "{msg}");
    let (sqlstate, _) = code(&c.simple_query(read).await.unwrap_err());
    assert_eq!(sqlstate, "42501", "the simple protocol too");
    // Approved after the reload, the DELETE meets the new policy, which refuses it outright.
    bob.ok(&["review", "approve", &review]);
    let (sqlstate, msg) = code(&held.await.unwrap().unwrap_err());
    assert_eq!(sqlstate, "42501");
    assert!(msg.contains("no-writes"), "{msg}");
    let left = psql_admin(&db.name, "SELECT count(*) FROM orders");
    assert_eq!(left, "3", "the DELETE did not run");

    // A policy that does not parse is refused; the one in force stays.
    std::fs::write(
        &file,
        format!("{tightened}\npermit (principal, action, resource) when {{ nonsense }};\n"),
    )
    .unwrap();
    gw.hangup();
    let deadline = Instant::now() + Duration::from_secs(10);
    let refused = loop {
        let events = audit(&bob, &["--limit", "1000"]);
        if let Some(e) = events
            .iter()
            .find(|e| e["kind"] == "policy_reloaded" && e["outcome"] == "error")
        {
            break e.clone();
        }
        assert!(Instant::now() < deadline, "no refused reload on record");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let detail = refused["detail"].as_str().unwrap();
    assert!(
        detail.contains("policy.cedar:"),
        "names the file and line: {detail}"
    );
    let (sqlstate, _) = code(&c.simple_query(read).await.unwrap_err());
    assert_eq!(sqlstate, "42501", "the tightened policy is still in force");
    let ok = audit(&bob, &["--limit", "1000"])
        .into_iter()
        .filter(|e| e["kind"] == "policy_reloaded" && e["outcome"] == "ok")
        .count();
    assert_eq!(ok, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_grant_that_needs_approval_goes_through_the_same_reviews() {
    let Some((_gw, _db, alice, bob)) = rig() else {
        return;
    };
    let out = alice.run(&[
        "-o",
        "json",
        "grant",
        "request",
        "gated",
        "--reason",
        "incident 7",
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let g: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let review = g["review_id"]
        .as_str()
        .expect("a pending grant names its review")
        .to_string();
    assert!(stderr(&out).contains(&format!("hoopctl review approve {review}")));
    let listed = bob.json(&["review", "list"]);
    let r = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == review.as_str())
        .expect("bob sees the grant's review");
    assert_eq!(r["kind"], "grant");
    assert_eq!(r["grant_id"], g["id"]);
    let own = alice.run(&["review", "approve", &review]);
    assert!(!own.status.success());
    bob.ok(&["review", "approve", &review]);
    let id = g["id"].as_str().unwrap();
    let now: Value = alice.json(&["grant", "list"]);
    let mine = now
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap();
    assert_eq!(mine["status"], "active");
    assert_eq!(mine["decided_by"], "bob");
    // `grant approve` is the same decision: a decided grant cannot be decided again.
    let again = bob.run(&["grant", "approve", id]);
    assert!(!again.status.success());
    let events = audit(&bob, &["--limit", "1000"]);
    assert!(
        events.iter().any(|e| e["kind"] == "review_approved"
            && e["identity"] == "bob"
            && e["grant_id"] == id)
    );
    assert!(
        events
            .iter()
            .any(|e| e["kind"] == "grant_approved" && e["grant_id"] == id)
    );
}

/// What a webhook receiver saw: (headers of interest, body).
type Seen = Arc<std::sync::Mutex<Vec<(Option<String>, Option<String>, String)>>>;

/// A loopback HTTP receiver; its first `fail_first` requests get a 500.
async fn receiver(fail_first: usize) -> (String, Seen) {
    use axum::http::{HeaderMap, StatusCode};
    let seen: Seen = Arc::default();
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: String| {
            let s = s.clone();
            let calls = calls.clone();
            async move {
                let h = |k: &str| {
                    headers
                        .get(k)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_string)
                };
                s.lock()
                    .unwrap()
                    .push((h("x-hoopctl-timestamp"), h("x-hoopctl-signature"), body));
                if calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < fail_first {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::OK
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread")]
async fn webhooks_announce_reviews_signed_and_retried() {
    use hmac::{Hmac, KeyInit, Mac};
    if !require_pg() {
        return;
    }
    let (json_url, json_seen) = receiver(1).await;
    let (slack_url, slack_seen) = receiver(0).await;
    let db = TestDb::create();
    let extra = format!(
        "[[reviews.webhooks]]\nurl = \"{json_url}\"\nsecret = {{ env = \"HOOK_SECRET\" }}\n\n\
         [[reviews.webhooks]]\nurl = \"{slack_url}\"\nformat = \"slack\"\n\n\
         [[reviews.webhooks]]\nurl = \"http://127.0.0.1:9/closed\"\n"
    );
    let gw = TestGateway::start_policy(
        &pg_connection("gated", &db),
        &[("HOOK_SECRET", "s3cret")],
        &extra,
        "",
        POLICY,
    );
    let alice = TestClient::new();
    alice.login_token(&gw, "alice");
    let bob = TestClient::new();
    bob.login_token(&gw, "bob");
    let out = alice.run(&[
        "-o",
        "json",
        "grant",
        "request",
        "gated",
        "--reason",
        "incident 9",
    ]);
    let g: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let review = g["review_id"].as_str().unwrap().to_string();
    bob.ok(&["review", "deny", &review, "--reason", "use the replica"]);

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let events = audit(&bob, &["--limit", "1000"]);
        let failed = events
            .iter()
            .filter(|e| e["kind"] == "webhook_failed")
            .count();
        let json_ok = json_seen.lock().unwrap().len() >= 3;
        let slack_ok = slack_seen.lock().unwrap().len() >= 2;
        if failed >= 2 && json_ok && slack_ok {
            assert!(events.iter().any(|e| {
                e["kind"] == "webhook_failed"
                    && e["detail"]
                        .as_str()
                        .is_some_and(|d| d.contains(&review) && d.contains("after 4 attempts"))
            }));
            break;
        }
        assert!(
            Instant::now() < deadline,
            "webhooks not delivered: {events:#?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let json = json_seen.lock().unwrap().clone();
    // Every request is signed over its timestamp and exact body.
    for (ts, sig, body) in &json {
        let (ts, sig) = (ts.as_deref().unwrap(), sig.as_deref().unwrap());
        let mut m = Hmac::<sha2::Sha256>::new_from_slice(b"s3cret").unwrap();
        m.update(format!("{ts}.{body}").as_bytes());
        assert_eq!(
            sig,
            format!("sha256={}", hex::encode(m.finalize().into_bytes()))
        );
    }
    let json: Vec<Value> = json
        .iter()
        .map(|(_, _, b)| serde_json::from_str(b).unwrap())
        .collect();
    // The first delivery got a 500 and was retried.
    let opened: Vec<&Value> = json
        .iter()
        .filter(|v| v["event"] == "review_opened")
        .collect();
    assert!(opened.len() >= 2, "retried after a 500: {json:#?}");
    assert_eq!(opened[0]["review"]["id"], review.as_str());
    assert_eq!(
        opened[0]["approve"],
        format!("hoopctl review approve {review}")
    );
    let decided = json
        .iter()
        .find(|v| v["event"] == "review_decided")
        .unwrap();
    assert_eq!(decided["review"]["status"], "denied");
    assert_eq!(decided["review"]["decided_by"], "bob");
    let slack = slack_seen.lock().unwrap().clone();
    assert!(
        slack.iter().all(|(_, sig, _)| sig.is_none()),
        "no secret, no signature"
    );
    let first: Value = serde_json::from_str(&slack[0].2).unwrap();
    let text = first["text"].as_str().unwrap();
    assert!(
        text.contains("alice") && text.contains(&format!("hoopctl review approve {review}")),
        "{text}"
    );
}
